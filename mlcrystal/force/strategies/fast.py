"""The ``"fast"`` strategy: the kit's fast approximation of the study's UCB loop."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import Matern as SkMatern

from mlcrystal import study
from mlcrystal.force.feasibility import DEFAULT_SHORT_CRYSTALS, told
from mlcrystal.force.lab import SIZE_POWER, Bounds, Laboratory, extra_intensities, measure, snap_modulus
from mlcrystal.seeding import RandomState, check_random_state, int_seed

__all__ = ["fast_suggest", "run_fast"]


def fast_suggest(X: np.ndarray, y: np.ndarray, bounds: Bounds, kappa: float = study.UCB_KAPPA,
                  n_candidates: int = 10000, gp_restarts: int = 5, random_state: RandomState = None) -> np.ndarray:
    """One suggestion of the study's protocol (GP + UCB on z-scored inputs).

    Parameters
    ----------
    X : array of shape (n, 5)
        Observed inputs in the order E_GPa, L_um, W_um, T_um, P_mW_cm2.
    y : array of shape (n,)
        Observed blocking forces (mN).
    bounds : dict
        ``{name: (low, high)}`` for the five inputs.
    kappa : float, default :data:`mlcrystal.study.UCB_KAPPA`
        UCB exploration weight (the study's value, 5).
    n_candidates : int
        Random points of the box over which UCB is maximised (bayes_opt's
        warm-up stage; its L-BFGS polish is omitted).
    gp_restarts : int, default 5
    random_state : None, int >= 0 or numpy.random.Generator
        Draws the GP's restart seed (:func:`mlcrystal.seeding.int_seed`) and
        then the candidates; a generator is advanced in place.

    Returns
    -------
    numpy.ndarray of shape (5,)
        The point maximising mu + kappa * sigma.

    Examples
    --------
    >>> box = {"E_GPa": (0.5, 4), "L_um": (0, 3000), "W_um": (200, 2000),
    ...        "T_um": (50, 500), "P_mW_cm2": (21, 2080)}
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([rng.uniform(*box[k], 8) for k in box])
    >>> fast_suggest(X, X[:, 1] / 100, box, random_state=0).shape
    (5,)
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[1] != 5 or len(X) != len(y) or len(y) < 2:
        raise ValueError(f"X must be (n, 5) with n >= 2 rows matching y; got X {X.shape}, y {y.shape}.")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("X and y must be finite; remove NaN or infinite measurements first.")
    names = ("E_GPa",) + SIZE_POWER
    lo = np.array([bounds[k][0] for k in names], dtype=float)
    hi = np.array([bounds[k][1] for k in names], dtype=float)
    rng = check_random_state(random_state)
    mean, sd = X.mean(axis=0), X.std(axis=0)
    sd[sd == 0] = 1.0
    gp = GaussianProcessRegressor(kernel=SkMatern(nu=2.5), alpha=1e-6, normalize_y=True,
                                  n_restarts_optimizer=gp_restarts, random_state=int_seed(rng))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gp.fit((X - mean) / sd, y)
    cand = rng.uniform(lo, hi, size=(int(n_candidates), 5))
    mu, sigma = gp.predict((cand - mean) / sd, return_std=True)
    return cand[int(np.argmax(mu + kappa * sigma))]


def run_fast(landscape: Laboratory, first: pd.DataFrame, budget_left: int, rng: np.random.Generator, noise: float,
               bounds: Bounds, kappa: float = study.UCB_KAPPA, n_candidates: int = 10000, gp_restarts: int = 5,
               n_extra: int = 0, short_crystals: str = DEFAULT_SHORT_CRYSTALS) -> list[pd.DataFrame]:
    if "E_GPa" not in bounds:
        raise ValueError("the 'fast' strategy needs bounds['E_GPa'] (the modulus range searched).")
    names = ["E_GPa", *SIZE_POWER]
    data = [first]
    out = []
    while budget_left > 0:
        obs = told(pd.concat(data, ignore_index=True), short_crystals)
        x = fast_suggest(obs[names].to_numpy(float), obs["force_mN"].to_numpy(float), bounds,
                          kappa=kappa, n_candidates=n_candidates, gp_restarts=gp_restarts, random_state=rng)
        compound = snap_modulus(x[0], landscape.moduli, random_state=rng)
        powers = [x[4]] + (extra_intensities(x[4], n_extra=n_extra) if n_extra else [])
        cond = pd.DataFrame({"compound": compound, "L_um": x[1], "W_um": x[2], "T_um": x[3],
                             "P_mW_cm2": powers[:budget_left]})
        m = measure(landscape, cond, noise, rng, short_crystals)
        data.append(m)
        out.append(m)
        budget_left -= len(m)
    return out


# ---------------------------------------------------------------------------
