"""Optimisation campaigns on a blocking-force landscape: one loop, four strategies.

A *campaign* replays what the study did in the laboratory: start from a few
measured crystals, then choose the next experiment, measure it, and repeat
until the budget of experiments is spent. The landscape (any object with the
interface of :class:`mlcrystal.landscape.BlockingForceLandscape`: ``compounds``,
``moduli``, ``force``, ``snap``, ``initial_design``) plays the laboratory.

Strategies
----------
``"bo"``
    Bayesian optimisation with :class:`skopt.Optimizer` (ask/tell), a
    Gaussian-process surrogate and the EI, LCB, PI or gp_hedge acquisition.
    The compound is a categorical variable; L, W, T and P are real.
``"paper"``
    The study's protocol: a Gaussian process (Matern nu=2.5, alpha=1e-6,
    normalize_y=True, 5 optimizer restarts) on inputs z-scored over the
    observed points, the upper confidence bound mu + kappa * sigma with
    kappa = 5, the bending modulus searched as a real number and snapped to the
    nearest modulus of the library, and each suggested crystal measured at the
    suggested intensity plus four more (see :func:`extra_intensities`).
``"grid"``
    A full factorial grid (:func:`grid_points`) visited in a seeded random
    order (default) or in lexicographic order.
``"random"``
    Uniform random sampling of the search box (:func:`random_design`).

Every strategy first measures an initial design: the study's 10 initial
conditions (``initial="study"``) or a seeded random design
(``initial="random"``), and every suggested size goes through
``landscape.snap(L, T)`` (the nearest crystal that can be tested) before it is
measured.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from numbers import Integral, Real

import numpy as np
import pandas as pd

#: The continuous inputs of a campaign, in the study's units.
SIZE_POWER = ("L_um", "W_um", "T_um", "P_mW_cm2")

#: Columns of a campaign history, in order.
HISTORY_COLUMNS = ["experiment", "phase", "compound", "E_GPa", "L_um", "W_um",
                   "T_um", "P_mW_cm2", "force_mN", "best_mN", "true_mN"]

#: The strategies :func:`run_campaign` knows.
STRATEGIES = ("bo", "paper", "grid", "random")

#: Acquisition functions accepted by the ``"bo"`` strategy (skopt names).
BO_ACQUISITIONS = ("EI", "LCB", "PI", "gp_hedge")

#: Maximum light intensity of the study's set-up (mW/cm^2).
STUDY_MAX_INTENSITY = 2080.0

#: The intensities of the study's initial data: 10, 25, 50, 75 and 100 % of 2080 mW/cm^2.
STUDY_INTENSITIES = tuple(f * STUDY_MAX_INTENSITY for f in (0.10, 0.25, 0.50, 0.75, 1.00))


def _default_bounds() -> dict:
    from mlcrystal.landscape import SEARCH_BOUNDS
    return dict(SEARCH_BOUNDS)


def _check_bounds(bounds) -> dict:
    if bounds is None:
        bounds = _default_bounds()
    missing = [k for k in SIZE_POWER if k not in bounds]
    if missing:
        raise ValueError(f"bounds must give (low, high) for {list(SIZE_POWER)}; missing {missing}. "
                         "Pass e.g. mlcrystal.landscape.SEARCH_BOUNDS.")
    out = {}
    for k in ("E_GPa",) + SIZE_POWER:
        if k not in bounds:
            continue
        lo, hi = (float(v) for v in bounds[k])
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"bounds[{k!r}] must be finite with low < high; got ({lo}, {hi}).")
        out[k] = (lo, hi)
    return out


def _check_random_state(random_state):
    if random_state is None or isinstance(random_state, (Integral, np.random.Generator)):
        return np.random.default_rng(random_state)
    raise ValueError("random_state must be None, an int or a numpy Generator; "
                     f"got {type(random_state).__name__}. Pass an int seed for reproducible campaigns.")


def _seed(rng) -> int:
    return int(rng.integers(0, 2**31 - 1))


# ---------------------------------------------------------------------------
# designs
# ---------------------------------------------------------------------------

def random_design(landscape, n, random_state=None, bounds=None) -> pd.DataFrame:
    """Draw crystals and intensities uniformly at random in the search box.

    Parameters
    ----------
    landscape : object
        Provides ``compounds`` and ``moduli`` (see the module docstring).
    n : int
        Number of conditions (>= 1).
    random_state : int, numpy.random.Generator or None
        Seed of the draw.
    bounds : dict, optional
        ``{name: (low, high)}`` for L_um, W_um, T_um, P_mW_cm2; defaults to
        :data:`mlcrystal.landscape.SEARCH_BOUNDS`.

    Returns
    -------
    pandas.DataFrame
        Columns ``compound, E_GPa, L_um, W_um, T_um, P_mW_cm2`` (not yet snapped):
        the compound uniform over the library, the rest uniform in the bounds.

    Examples
    --------
    >>> class Lab:
    ...     compounds, moduli = (3, 5), {3: 0.677, 5: 1.25}
    >>> box = {"L_um": (0, 3000), "W_um": (200, 2000), "T_um": (50, 500), "P_mW_cm2": (21, 2080)}
    >>> random_design(Lab(), 4, random_state=0, bounds=box).shape
    (4, 6)
    """
    if not isinstance(n, Integral) or n < 1:
        raise ValueError(f"n must be a positive integer number of conditions; got {n!r}.")
    bounds = _check_bounds(bounds)
    rng = _check_random_state(random_state)
    compounds = np.asarray(landscape.compounds)
    comp = rng.choice(compounds, size=n)
    df = pd.DataFrame({"compound": comp.astype(int),
                       "E_GPa": [float(landscape.moduli[int(c)]) for c in comp]})
    for k in SIZE_POWER:
        lo, hi = bounds[k]
        df[k] = rng.uniform(lo, hi, size=n)
    return df


def _centres(lo, hi, n):
    return lo + (np.arange(n) + 0.5) * (hi - lo) / n


def _check_levels(levels) -> dict:
    if isinstance(levels, Integral):
        levels = {k: int(levels) for k in SIZE_POWER}
    if not isinstance(levels, dict):
        raise ValueError(f"levels must be an int or a dict {{variable: int}}; got {type(levels).__name__}.")
    unknown = set(levels) - set(SIZE_POWER)
    if unknown:
        raise ValueError(f"levels has unknown variables {sorted(unknown)}; expected a subset of {list(SIZE_POWER)}.")
    out = {}
    for k in SIZE_POWER:
        v = levels.get(k, 1)
        if not isinstance(v, Integral) or v < 1:
            raise ValueError(f"levels[{k!r}] must be a positive integer; got {v!r}.")
        out[k] = int(v)
    return out


def grid_points(landscape, levels=3, bounds=None) -> pd.DataFrame:
    """The full factorial grid: every compound x ``levels`` values of L, W, T and P.

    The values of a variable with ``n`` levels on ``[low, high]`` are the
    centres of ``n`` equal cells, ``low + (i + 1/2) (high - low) / n``, so a
    1-level grid sits in the middle of the range and no level lies on the
    unphysical edge L = 0. The rows are in lexicographic order (compound
    slowest, P fastest).

    Parameters
    ----------
    landscape : object
        Provides ``compounds`` and ``moduli``.
    levels : int or dict
        Levels for every continuous variable, or ``{variable: levels}``
        (variables not named get 1 level).
    bounds : dict, optional
        Search box; defaults to :data:`mlcrystal.landscape.SEARCH_BOUNDS`.

    Returns
    -------
    pandas.DataFrame
        ``len(compounds) * prod(levels)`` rows, columns
        ``compound, E_GPa, L_um, W_um, T_um, P_mW_cm2``.

    Examples
    --------
    >>> class Lab:
    ...     compounds, moduli = (3, 5), {3: 0.677, 5: 1.25}
    >>> box = {"L_um": (0, 3000), "W_um": (200, 2000), "T_um": (50, 500), "P_mW_cm2": (21, 2080)}
    >>> g = grid_points(Lab(), levels={"L_um": 3, "P_mW_cm2": 2}, bounds=box)
    >>> len(g), sorted(g.L_um.unique().tolist())
    (12, [500.0, 1500.0, 2500.0])
    """
    bounds = _check_bounds(bounds)
    levels = _check_levels(levels)
    axes = [np.asarray(landscape.compounds, dtype=int)]
    axes += [_centres(*bounds[k], levels[k]) for k in SIZE_POWER]
    grids = np.meshgrid(*axes, indexing="ij")
    df = pd.DataFrame({"compound": grids[0].ravel().astype(int)})
    df.insert(1, "E_GPa", df["compound"].map({c: float(landscape.moduli[c]) for c in axes[0]}))
    for k, g in zip(SIZE_POWER, grids[1:]):
        df[k] = g.ravel().astype(float)
    return df


def extra_intensities(p_suggested, n_extra=4, levels=STUDY_INTENSITIES) -> list[float]:
    """The intensities measured besides the suggested one (the ``"paper"`` strategy).

    The study measured each suggested crystal at the suggested intensity
    "plus four more" without publishing which. We use the study's own initial
    levels (10, 25, 50, 75 and 100 % of 2080 mW/cm^2) minus the level closest
    to the suggested intensity, in increasing order.

    Parameters
    ----------
    p_suggested : float
        The suggested intensity (mW/cm^2).
    n_extra : int, default 4
        How many extra intensities (at most ``len(levels) - 1``).
    levels : sequence of float
        The candidate intensities.

    Returns
    -------
    list of float

    Examples
    --------
    >>> extra_intensities(1000.0)
    [208.0, 520.0, 1560.0, 2080.0]
    """
    levels = sorted(float(v) for v in levels)
    if not isinstance(n_extra, Integral) or not 0 <= n_extra <= len(levels) - 1:
        raise ValueError(f"n_extra must be an integer in [0, {len(levels) - 1}]; got {n_extra!r}.")
    if not np.isfinite(p_suggested):
        raise ValueError(f"p_suggested must be a finite intensity in mW/cm^2; got {p_suggested!r}.")
    closest = int(np.argmin([abs(v - p_suggested) for v in levels]))
    rest = [v for i, v in enumerate(levels) if i != closest]
    # keep the n_extra levels farthest from the suggestion when fewer are asked for
    rest = sorted(sorted(rest, key=lambda v: -abs(v - p_suggested))[:n_extra])
    return rest


# ---------------------------------------------------------------------------
# the laboratory
# ---------------------------------------------------------------------------

def _measure(landscape, conditions: pd.DataFrame, noise, rng) -> pd.DataFrame:
    """Snap sizes to testable crystals, then measure the blocking force."""
    df = conditions[["compound", "L_um", "W_um", "T_um", "P_mW_cm2"]].copy()
    df["compound"] = df["compound"].astype(int)
    L, T = landscape.snap(df["L_um"].to_numpy(float), df["T_um"].to_numpy(float))
    df["L_um"] = np.asarray(L, dtype=float)
    df["T_um"] = np.asarray(T, dtype=float)
    df.insert(1, "E_GPa", df["compound"].map(lambda c: float(landscape.moduli[c])))
    seed = _seed(rng) if noise else None
    force = landscape.force(compound=df["compound"].to_numpy(), L_um=df["L_um"].to_numpy(),
                            W_um=df["W_um"].to_numpy(), T_um=df["T_um"].to_numpy(),
                            P_mW_cm2=df["P_mW_cm2"].to_numpy(), noise=noise, random_state=seed)
    df["force_mN"] = np.atleast_1d(np.asarray(force, dtype=float))
    if noise:
        true = landscape.force(compound=df["compound"].to_numpy(), L_um=df["L_um"].to_numpy(),
                               W_um=df["W_um"].to_numpy(), T_um=df["T_um"].to_numpy(),
                               P_mW_cm2=df["P_mW_cm2"].to_numpy())
        df["true_mN"] = np.atleast_1d(np.asarray(true, dtype=float))
    else:
        df["true_mN"] = df["force_mN"]
    return df.reset_index(drop=True)


def _initial(landscape, initial, n_initial, rng, bounds) -> pd.DataFrame:
    if isinstance(initial, pd.DataFrame):
        return initial
    if initial == "study":
        return landscape.initial_design()
    if initial == "random":
        return random_design(landscape, n_initial, random_state=rng, bounds=bounds)
    if initial is None or initial == "none":
        return pd.DataFrame(columns=["compound", "L_um", "W_um", "T_um", "P_mW_cm2"])
    raise ValueError(f"initial must be 'study', 'random', 'none' or a DataFrame of conditions; got {initial!r}.")


def _finish(rows: list[pd.DataFrame], phases: list[str]) -> pd.DataFrame:
    parts = [r.assign(phase=p) for r, p in zip(rows, phases) if len(r)]
    hist = pd.concat(parts, ignore_index=True)
    hist["experiment"] = np.arange(1, len(hist) + 1)
    hist["best_mN"] = hist["force_mN"].cummax()
    hist["compound"] = hist["compound"].astype(int)
    return hist[HISTORY_COLUMNS]


# ---------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------

def _bo_space(landscape, bounds):
    from skopt.space import Categorical, Real
    return [Categorical([int(c) for c in landscape.compounds], name="compound")] + \
        [Real(*bounds[k], name=k) for k in SIZE_POWER]


def _fast_gp_class():
    from skopt.learning import GaussianProcessRegressor

    class FastGP(GaussianProcessRegressor):
        """skopt's GP with a BLAS-based predictive variance (same numbers, ~10x faster).

        skopt 0.10.2 computes the variance with a three-operand ``np.einsum``
        that does not use BLAS; this dominates a campaign's run time.
        """

        def predict(self, X, return_std=False, return_cov=False, return_mean_grad=False,
                    return_std_grad=False):
            if not return_std or return_cov or return_mean_grad or return_std_grad \
                    or not hasattr(self, "X_train_"):
                return super().predict(X, return_std=return_std, return_cov=return_cov,
                                       return_mean_grad=return_mean_grad,
                                       return_std_grad=return_std_grad)
            # gp_hedge asks for the same candidates three times in a row: reuse the answer
            cached = getattr(self, "_last_prediction", None)
            if cached is not None and cached[0] is X and cached[1] is self.alpha_:
                return cached[2]
            K_trans = self.kernel_(X, self.X_train_)
            y_mean = self.y_train_std_ * K_trans.dot(self.alpha_) + self.y_train_mean_
            y_var = self.kernel_.diag(X) - np.einsum("ij,ij->i", K_trans @ self.K_inv_, K_trans)
            y_var = np.clip(y_var, 0.0, None)
            out = (y_mean, np.sqrt(y_var) * self.y_train_std_)
            self._last_prediction = (X, self.alpha_, out)
            return out

    return FastGP


def make_bo_optimizer(landscape, acq="gp_hedge", kappa=1.96, xi=0.01, n_points=1000,
                      gp_restarts=0, random_state=None, bounds=None):
    """A :class:`skopt.Optimizer` set up for blocking-force campaigns.

    The space is a ``Categorical`` over the library's compounds and ``Real``
    L, W, T and P within ``bounds``. The surrogate is skopt's default GP
    (constant x anisotropic Matern 5/2, Gaussian noise term, normalised y)
    with ``gp_restarts`` restarts of its hyperparameter optimiser and a
    BLAS-based predictive variance; the acquisition is maximised over
    ``n_points`` random candidates (``acq_optimizer="sampling"``). During a
    campaign (:func:`run_campaign`) the kernel hyperparameters are
    re-optimised every ``refit_every`` experiments (default 5), warm-started
    from the previous fit and capped at 30 L-BFGS-B iterations, and kept fixed
    in between. Together these make a campaign several times faster than a
    default ``skopt.Optimizer`` (2 restarts every step; lbfgs from 10 000
    candidates) at equal quality (``benchmarks/bench_campaign.py``).

    Parameters
    ----------
    landscape : object
        Provides ``compounds``.
    acq : {"EI", "LCB", "PI", "gp_hedge"}
        Acquisition function (skopt minimises, so LCB on -force is UCB on force).
    kappa, xi : float
        Exploration parameters of LCB and of EI/PI.
    n_points : int
        Random candidates over which the acquisition is maximised.
    gp_restarts : int
        Restarts of the GP hyperparameter optimiser.
    random_state : int or None
    bounds : dict, optional

    Returns
    -------
    skopt.Optimizer

    Examples
    --------
    >>> class Lab:
    ...     compounds = (3, 5)
    >>> box = {"L_um": (0, 3000), "W_um": (200, 2000), "T_um": (50, 500), "P_mW_cm2": (21, 2080)}
    >>> opt = make_bo_optimizer(Lab(), acq="EI", random_state=0, bounds=box)
    >>> len(opt.space.dimensions)
    5
    """
    from skopt import Optimizer
    from skopt.learning.gaussian_process.kernels import ConstantKernel, Matern
    from skopt.space import Space
    from skopt.utils import normalize_dimensions

    if acq not in BO_ACQUISITIONS:
        raise ValueError(f"acq must be one of {BO_ACQUISITIONS}; got {acq!r}.")
    if not isinstance(n_points, Integral) or n_points < 1:
        raise ValueError(f"n_points must be a positive integer; got {n_points!r}.")
    if not isinstance(kappa, Real) or kappa < 0:
        raise ValueError(f"kappa must be a non-negative number; got {kappa!r}.")
    bounds = _check_bounds(bounds)
    space = _bo_space(landscape, bounds)
    # the kernel of skopt's cook_estimator("GP"): constant x anisotropic Matern 5/2 (+ white noise)
    n_dims = Space(normalize_dimensions(space)).transformed_n_dims
    kernel = ConstantKernel(1.0, (0.01, 1000.0)) * Matern(
        length_scale=np.ones(n_dims), length_scale_bounds=[(0.01, 100)] * n_dims, nu=2.5)
    gp = _fast_gp_class()(kernel=kernel, normalize_y=True, noise="gaussian",
                          n_restarts_optimizer=int(gp_restarts), random_state=random_state)
    return Optimizer(space, base_estimator=gp, n_initial_points=0, acq_func=acq,
                     acq_optimizer="sampling", acq_func_kwargs={"kappa": float(kappa), "xi": float(xi)},
                     acq_optimizer_kwargs={"n_points": int(n_points)}, random_state=random_state)


def _as_point(row, bounds):
    x = [int(row["compound"])]
    for k in SIZE_POWER:
        lo, hi = bounds[k]
        x.append(float(np.clip(row[k], lo, hi)))
    return x


def _run_bo(landscape, first, n_search, rng, noise, bounds, acq="gp_hedge", kappa=1.96, xi=0.01,
            n_points=1000, gp_restarts=0, refit_every=5):
    if not isinstance(refit_every, Integral) or refit_every < 1:
        raise ValueError(f"refit_every must be a positive integer; got {refit_every!r}.")
    opt = make_bo_optimizer(landscape, acq=acq, kappa=kappa, xi=xi, n_points=n_points,
                            gp_restarts=gp_restarts, random_state=_seed(rng), bounds=bounds)
    if n_search == 0:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the measured (snapped) points are told, clipped into the search box
        opt.tell([_as_point(r, bounds) for _, r in first.iterrows()], (-first["force_mN"]).tolist())
        out = []
        for i in range(n_search):
            x = opt.ask()
            cond = pd.DataFrame([dict(zip(("compound",) + SIZE_POWER, x))])
            m = _measure(landscape, cond, noise, rng)
            out.append(m)
            # hyperparameters are re-optimised every `refit_every` tells and kept otherwise
            _reuse_hyperparameters(opt, optimise=(i + 1) % refit_every == 0)
            opt.tell(_as_point(m.iloc[0], bounds), -float(m["force_mN"].iloc[0]), fit=i < n_search - 1)
    return out


def _lbfgs_warm(obj_func, initial_theta, bounds):
    """GP hyperparameter optimiser: L-BFGS-B from the previous fit, at most 30 iterations."""
    from scipy.optimize import minimize

    res = minimize(obj_func, initial_theta, method="L-BFGS-B", jac=True, bounds=bounds,
                   options={"maxiter": 30})
    return res.x, res.fun


def _reuse_hyperparameters(opt, optimise):
    """Start the next GP fit from the last fitted kernel; optimise it or keep it fixed."""
    from skopt.learning.gaussian_process.kernels import WhiteKernel

    last = opt.models[-1]
    kernel = last.kernel_.k1 + WhiteKernel(noise_level=max(float(last.noise_ or 1e-5), 1e-5))
    opt.base_estimator_ = clone_gp = opt.base_estimator_.__class__(**{
        **opt.base_estimator_.get_params(deep=False), "kernel": kernel,
        "optimizer": _lbfgs_warm if optimise else None})
    del opt.models[:-1]  # keep memory flat over long campaigns
    return clone_gp


def snap_modulus(E_GPa, moduli, random_state=None) -> int:
    """The library compound whose bending modulus is closest to ``E_GPa``.

    Ties (two compounds with the same modulus, e.g. 4 and 10 at 1.83 GPa) are
    broken at random with ``random_state``, as an experimenter would pick one.

    Examples
    --------
    >>> snap_modulus(0.7, {2: 0.602, 3: 0.677, 5: 1.25})
    3
    """
    if not np.isfinite(E_GPa):
        raise ValueError(f"E_GPa must be a finite modulus in GPa; got {E_GPa!r}.")
    comps = np.array(sorted(moduli), dtype=int)
    dist = np.abs(np.array([moduli[c] for c in comps], dtype=float) - float(E_GPa))
    ties = comps[np.isclose(dist, dist.min(), rtol=0, atol=1e-12)]
    if len(ties) == 1:
        return int(ties[0])
    return int(_check_random_state(random_state).choice(ties))


def paper_suggest(X, y, bounds, kappa=5.0, n_candidates=10000, gp_restarts=5, random_state=None):
    """One suggestion of the study's protocol (GP + UCB on z-scored inputs).

    Parameters
    ----------
    X : array of shape (n, 5)
        Observed inputs in the order E_GPa, L_um, W_um, T_um, P_mW_cm2.
    y : array of shape (n,)
        Observed blocking forces (mN).
    bounds : dict
        ``{name: (low, high)}`` for the five inputs.
    kappa : float, default 5
        UCB exploration weight (the study's value).
    n_candidates : int
        Random points of the box over which UCB is maximised (bayes_opt's
        warm-up stage; its L-BFGS polish is omitted).
    gp_restarts : int, default 5
    random_state : int or None

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
    >>> paper_suggest(X, X[:, 1] / 100, box, random_state=0).shape
    (5,)
    """
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import Matern

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[1] != 5 or len(X) != len(y) or len(y) < 2:
        raise ValueError(f"X must be (n, 5) with n >= 2 rows matching y; got X {X.shape}, y {y.shape}.")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("X and y must be finite; remove NaN or infinite measurements first.")
    names = ("E_GPa",) + SIZE_POWER
    lo = np.array([bounds[k][0] for k in names], dtype=float)
    hi = np.array([bounds[k][1] for k in names], dtype=float)
    rng = _check_random_state(random_state)
    mean, sd = X.mean(axis=0), X.std(axis=0)
    sd[sd == 0] = 1.0
    gp = GaussianProcessRegressor(kernel=Matern(nu=2.5), alpha=1e-6, normalize_y=True,
                                  n_restarts_optimizer=gp_restarts, random_state=_seed(rng))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gp.fit((X - mean) / sd, y)
    cand = rng.uniform(lo, hi, size=(int(n_candidates), 5))
    mu, sigma = gp.predict((cand - mean) / sd, return_std=True)
    return cand[int(np.argmax(mu + kappa * sigma))]


def _run_paper(landscape, first, budget_left, rng, noise, bounds, kappa=5.0, n_candidates=10000,
               gp_restarts=5, n_extra=4):
    if "E_GPa" not in bounds:
        raise ValueError("the 'paper' strategy needs bounds['E_GPa'] (the modulus range searched).")
    names = ["E_GPa", *SIZE_POWER]
    data = [first]
    out = []
    while budget_left > 0:
        obs = pd.concat(data, ignore_index=True)
        x = paper_suggest(obs[names].to_numpy(float), obs["force_mN"].to_numpy(float), bounds,
                          kappa=kappa, n_candidates=n_candidates, gp_restarts=gp_restarts,
                          random_state=_seed(rng))
        compound = snap_modulus(x[0], landscape.moduli, random_state=rng)
        powers = [x[4]] + extra_intensities(x[4], n_extra=n_extra)
        cond = pd.DataFrame({"compound": compound, "L_um": x[1], "W_um": x[2], "T_um": x[3],
                             "P_mW_cm2": powers[:budget_left]})
        m = _measure(landscape, cond, noise, rng)
        data.append(m)
        out.append(m)
        budget_left -= len(m)
    return out


def _run_grid(landscape, n_search, rng, noise, bounds, levels=3, order="random"):
    grid = grid_points(landscape, levels=levels, bounds=bounds)
    if order == "random":
        grid = grid.iloc[rng.permutation(len(grid))]
    elif order != "lexicographic":
        raise ValueError(f"order must be 'random' or 'lexicographic'; got {order!r}.")
    grid = grid.iloc[:n_search]
    return [_measure(landscape, grid, noise, rng)] if len(grid) else []


def _run_random(landscape, n_search, rng, noise, bounds):
    if n_search == 0:
        return []
    return [_measure(landscape, random_design(landscape, n_search, random_state=rng, bounds=bounds),
                     noise, rng)]


_OPTIONS = {"bo": {"acq", "kappa", "xi", "n_points", "gp_restarts", "refit_every"},
            "paper": {"kappa", "n_candidates", "gp_restarts", "n_extra"},
            "grid": {"levels", "order"},
            "random": set()}


def run_campaign(landscape, strategy="bo", budget=100, random_state=None, initial="study",
                 noise=0.0, n_initial=10, bounds=None, **options) -> pd.DataFrame:
    """Run one optimisation campaign and return its history.

    Parameters
    ----------
    landscape : object
        The laboratory: ``compounds``, ``moduli``, ``force(...)``,
        ``snap(L, T)`` and ``initial_design()`` as in
        :class:`mlcrystal.landscape.BlockingForceLandscape`.
    strategy : {"bo", "paper", "grid", "random"}
        See the module docstring.
    budget : int, default 100
        Total number of experiments (measurements), initial ones included.
    random_state : int, numpy.random.Generator or None
        Seeds every random step (design, optimiser, grid order, noise).
    initial : {"study", "random", "none"} or DataFrame
        The study's 10 initial conditions, ``n_initial`` random conditions,
        none (grid and random only), or your own conditions.
    noise : float, default 0
        Relative (multiplicative) Gaussian measurement noise.
    n_initial : int, default 10
        Size of the random initial design.
    bounds : dict, optional
        Search box; defaults to :data:`mlcrystal.landscape.SEARCH_BOUNDS`.
    **options
        Strategy options: ``bo``: acq ("gp_hedge"), kappa (1.96), xi (0.01),
        n_points (1000), gp_restarts (0), refit_every (5); ``paper``: kappa (5), n_candidates
        (10000), gp_restarts (5), n_extra (4); ``grid``: levels (3, or a dict
        per variable), order ("random" or "lexicographic").

    Returns
    -------
    pandas.DataFrame
        One row per experiment: ``experiment`` (1, 2, ...), ``phase``
        ("initial" or "search"), ``compound, E_GPa, L_um, W_um, T_um,
        P_mW_cm2`` (as measured, after snapping), ``force_mN`` (measured),
        ``best_mN`` (best measured so far) and ``true_mN`` (the noise-free
        force of the same crystal, equal to ``force_mN`` when ``noise=0``).

    Examples
    --------
    >>> class Lab:
    ...     compounds, moduli, min_aspect_ratio = (3, 5), {3: 0.677, 5: 1.25}, 2.0
    ...     def snap(self, L, T):
    ...         return np.maximum(L, 2.0 * np.asarray(T)), T
    ...     def force(self, compound, L_um, W_um, T_um, P_mW_cm2, noise=0.0, random_state=None):
    ...         return (compound == 3) * 10.0 + P_mW_cm2 / 2080
    >>> box = {"L_um": (0, 3000), "W_um": (200, 2000), "T_um": (50, 500), "P_mW_cm2": (21, 2080)}
    >>> h = run_campaign(Lab(), "random", budget=12, random_state=0, initial="random", n_initial=4, bounds=box)
    >>> h.shape, h.phase.value_counts()["search"]
    ((12, 11), np.int64(8))
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}; got {strategy!r}.")
    unknown = set(options) - _OPTIONS[strategy]
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)} for strategy {strategy!r}; "
                         f"accepted: {sorted(_OPTIONS[strategy])}.")
    if not isinstance(budget, Integral) or budget < 1:
        raise ValueError(f"budget must be a positive integer number of experiments; got {budget!r}.")
    if not isinstance(noise, Real) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a relative standard deviation >= 0 (e.g. 0.05); got {noise!r}.")
    if not isinstance(n_initial, Integral) or n_initial < 1:
        raise ValueError(f"n_initial must be a positive integer; got {n_initial!r}.")
    bounds = _check_bounds(bounds)
    rng = _check_random_state(random_state)

    init = _initial(landscape, initial, n_initial, rng, bounds)
    if strategy in ("bo", "paper") and len(init) < 2:
        raise ValueError(f"strategy {strategy!r} needs an initial design of at least 2 experiments; "
                         f"got {len(init)}. Use initial='study' or 'random'.")
    if len(init) > budget:
        raise ValueError(f"budget ({budget}) is smaller than the initial design ({len(init)} experiments); "
                         "raise the budget.")
    first = _measure(landscape, init, noise, rng) if len(init) else init.assign(force_mN=[], true_mN=[])
    n_search = budget - len(first)
    if strategy == "bo":
        search = _run_bo(landscape, first, n_search, rng, noise, bounds, **options)
    elif strategy == "paper":
        search = _run_paper(landscape, first, n_search, rng, noise, bounds, **options)
    elif strategy == "grid":
        search = _run_grid(landscape, n_search, rng, noise, bounds, **options)
    else:
        search = _run_random(landscape, n_search, rng, noise, bounds)
    return _finish([first] + search, ["initial"] + ["search"] * len(search))


def _one(landscape, strategy, seed, kwargs):
    return run_campaign(landscape, strategy, random_state=seed, **kwargs).assign(seed=seed)


def run_campaigns(landscape, strategy="bo", seeds=10, n_jobs=2, progress=False, **kwargs) -> pd.DataFrame:
    """Run many seeded campaigns in parallel and stack their histories.

    Parameters
    ----------
    landscape : object
        As for :func:`run_campaign` (must be picklable when ``n_jobs > 1``).
    strategy : str
    seeds : int or sequence of int
        ``n`` means seeds ``0 .. n-1``.
    n_jobs : int, default 2
        joblib workers (both cores of the reference machine).
    progress : bool
        Print ``done/total`` to stderr as campaigns finish.
    **kwargs
        Passed to :func:`run_campaign` (budget, initial, noise, options).

    Returns
    -------
    pandas.DataFrame
        The histories with a leading ``seed`` column, ordered by seed.

    Examples
    --------
    >>> from mlcrystal.landscape import GaussianLandscape
    >>> lab = GaussianLandscape()  # the study's 5-D Gaussian test function
    >>> h = run_campaigns(lab, "random", seeds=3, n_jobs=1, budget=5, initial="random", n_initial=2)
    >>> sorted(h.seed.unique().tolist())
    [0, 1, 2]
    """
    from joblib import Parallel, delayed

    if isinstance(seeds, Integral):
        if seeds < 1:
            raise ValueError(f"seeds must be a positive count or a list of ints; got {seeds!r}.")
        seeds = list(range(int(seeds)))
    seeds = [int(s) for s in seeds]
    if not isinstance(n_jobs, Integral) or n_jobs == 0:
        raise ValueError(f"n_jobs must be a non-zero integer (joblib convention); got {n_jobs!r}.")
    jobs = (delayed(_one)(landscape, strategy, s, kwargs) for s in seeds)
    parts = []
    gen = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(jobs) if n_jobs != 1 else \
        (_one(landscape, strategy, s, kwargs) for s in seeds)
    for i, part in enumerate(gen, 1):
        parts.append(part)
        if progress:
            print(f"\r{strategy}: {i}/{len(seeds)} campaigns", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    out = pd.concat(parts, ignore_index=True).sort_values(["seed", "experiment"], kind="stable")
    cols = ["seed"] + [c for c in out.columns if c != "seed"]
    return out[cols].reset_index(drop=True)
