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
    the study's kappa (:data:`mlcrystal.study.UCB_KAPPA`), the bending modulus
    searched as a real number and snapped to the nearest modulus of the
    library, and each suggested crystal measured at the suggested intensity
    plus four more (see :func:`extra_intensities`).
``"grid"``
    A full factorial grid (:func:`grid_points`) visited in a seeded random
    order (default) or in lexicographic order.
``"random"``
    Uniform random sampling of the search box (:func:`random_design`).

Every strategy first measures an initial design: the study's 10 initial
conditions (``initial="study"``) or a seeded random design
(``initial="random"``), and every suggested size goes through
``landscape.snap(L, T)`` (the nearest crystal that can be tested) before it is
measured. A strategy is one entry of a registry (:func:`register_strategy`):
a search function and the options it accepts.

Randomness follows :mod:`mlcrystal.seeding`: every public function takes
``random_state`` (None, an int >= 0 or a :class:`numpy.random.Generator`), a
campaign draws every random step from one generator, and the only ints made
from it are the seeds scikit-optimize and scikit-learn ask for
(:func:`mlcrystal.seeding.int_seed`).
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator, KeysView, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, TextIO

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy.optimize import minimize
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import Matern as SkMatern
from skopt import Optimizer
from skopt.learning import GaussianProcessRegressor as SkoptGP
from skopt.learning.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
from skopt.space import Categorical, Space
from skopt.space import Real as RealDim
from skopt.utils import normalize_dimensions

from mlcrystal import study
from mlcrystal.force.feasibility import (
    ASKED_LENGTH,
    DEFAULT_SHORT_CRYSTALS,
    check_short_crystals,
    measured_crystal,
    told,
)
from mlcrystal.replay_tables import REPLAY_HISTORY_COLUMNS
from mlcrystal.seeding import RandomState, check_random_state, int_seed

#: The continuous inputs of a campaign, in the study's units.
SIZE_POWER = ("L_um", "W_um", "T_um", "P_mW_cm2")

#: Columns of a campaign history, in order (the history part of the replay-table schema).
#: Imported, not restated: they are the contract between this writer and ``load_replay``,
#: defined once with the table's schema; replay_tables is light (pandas), this module heavy
#: (skopt), so the import goes this way.
HISTORY_COLUMNS = REPLAY_HISTORY_COLUMNS

#: Acquisition functions accepted by the ``"bo"`` strategy (skopt names).
BO_ACQUISITIONS = ("EI", "LCB", "PI", "gp_hedge")

#: Maximum light intensity of the study's set-up (mW/cm^2; :mod:`mlcrystal.study`).
STUDY_MAX_INTENSITY = study.MAX_INTENSITY_MW_CM2

#: The intensities of the study's initial data: 10, 25, 50, 75 and 100 % of the maximum.
STUDY_INTENSITIES = tuple(f * STUDY_MAX_INTENSITY for f in study.INITIAL_INTENSITY_FRACTIONS)

#: Largest grid :func:`grid_points` builds: levels^4 x compounds points (2 million
#: rows of 6 columns are about 100 MB; a 60-level grid of 9 compounds would be 117 million).
MAX_GRID_POINTS = 2_000_000

Bounds = Mapping[str, tuple[float, float]]


def _check_bounds(bounds: Bounds | None) -> dict[str, tuple[float, float]]:
    if bounds is None:
        bounds = study.SEARCH_BOUNDS
    missing = [k for k in SIZE_POWER if k not in bounds]
    if missing:
        raise ValueError(f"bounds must give (low, high) for {list(SIZE_POWER)}; missing {missing}. "
                         "Pass e.g. mlcrystal.study.SEARCH_BOUNDS.")
    out = {}
    for k in ("E_GPa",) + SIZE_POWER:
        if k not in bounds:
            continue
        lo, hi = (float(v) for v in bounds[k])
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"bounds[{k!r}] must be finite with low < high; got ({lo}, {hi}).")
        out[k] = (lo, hi)
    return out


# ---------------------------------------------------------------------------
# designs
# ---------------------------------------------------------------------------

def random_design(landscape: Any, n: int, random_state: RandomState = None,
                  bounds: Bounds | None = None) -> pd.DataFrame:
    """Draw crystals and intensities uniformly at random in the search box.

    Parameters
    ----------
    landscape : object
        Provides ``compounds`` and ``moduli`` (see the module docstring).
    n : int
        Number of conditions (>= 1).
    random_state : None, int >= 0 or numpy.random.Generator
        Seed of the draw (a generator is advanced in place).
    bounds : dict, optional
        ``{name: (low, high)}`` for L_um, W_um, T_um, P_mW_cm2; defaults to
        :data:`mlcrystal.study.SEARCH_BOUNDS`.

    Returns
    -------
    pandas.DataFrame
        Columns ``compound, E_GPa, L_um, W_um, T_um, P_mW_cm2`` (not yet snapped):
        the compound uniform over the library, the rest uniform in the bounds.

    Examples
    --------
    >>> from mlcrystal.landscape import GaussianLandscape
    >>> random_design(GaussianLandscape(), 4, random_state=0).shape
    (4, 6)
    """
    if not isinstance(n, Integral) or n < 1:
        raise ValueError(f"n must be a positive integer number of conditions; got {n!r}.")
    checked = _check_bounds(bounds)
    rng = check_random_state(random_state)
    compounds = np.asarray(landscape.compounds)
    comp = rng.choice(compounds, size=n)
    df = pd.DataFrame({"compound": comp.astype(int),
                       "E_GPa": [float(landscape.moduli[int(c)]) for c in comp]})
    for k in SIZE_POWER:
        lo, hi = checked[k]
        df[k] = rng.uniform(lo, hi, size=n)
    return df


def _centres(lo: float, hi: float, n: int) -> np.ndarray:
    return lo + (np.arange(n) + 0.5) * (hi - lo) / n


#: The kinds of grid of :func:`grid_points`: cell centres, or evenly spaced values including the box edges.
GRID_KINDS = ("centres", "edges")


def _edges(lo: float, hi: float, n: int) -> np.ndarray:
    return np.linspace(lo, hi, n) if n > 1 else np.array([(lo + hi) / 2.0])


def _check_levels(levels: int | Mapping[str, int]) -> dict[str, int]:
    if isinstance(levels, Integral):
        levels = {k: int(levels) for k in SIZE_POWER}
    if not isinstance(levels, Mapping):
        raise ValueError(f"levels must be an int or a dict {{variable: int}}; got {type(levels).__name__}.")
    unknown = set(levels) - set(SIZE_POWER)
    if unknown:
        raise ValueError(f"levels has unknown variables {sorted(unknown)}; expected a subset of {list(SIZE_POWER)}.")
    out: dict[str, int] = {}
    for k in SIZE_POWER:
        v = levels.get(k, 1)
        if not isinstance(v, Integral) or v < 1:
            raise ValueError(f"levels[{k!r}] must be a positive integer; got {v!r}.")
        out[k] = int(v)
    return out


def grid_size(n_compounds: int, levels: int | Mapping[str, int]) -> int:
    """Number of points of the full factorial grid: compounds x the product of the levels.

    Examples
    --------
    >>> grid_size(9, 4)
    2304
    >>> grid_size(9, {"L_um": 3})
    27
    """
    return int(n_compounds) * int(np.prod(list(_check_levels(levels).values()), dtype=object))


def grid_points(landscape: Any, levels: int | Mapping[str, int] = 3, bounds: Bounds | None = None,
                max_points: int = MAX_GRID_POINTS, kind: str = "centres") -> pd.DataFrame:
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
        Search box; defaults to :data:`mlcrystal.study.SEARCH_BOUNDS`.
    max_points : int, default :data:`MAX_GRID_POINTS`
        Refuse to build a larger grid (it is held in memory).
    kind : {"centres", "edges"}, default "centres"
        ``"centres"``: the cell centres above; ``"edges"``: ``n`` evenly
        spaced values from ``low`` to ``high``, both included (a 1-level
        axis takes the middle). Grids of :data:`GRID_KINDS`.

    Returns
    -------
    pandas.DataFrame
        ``len(compounds) * prod(levels)`` rows, columns
        ``compound, E_GPa, L_um, W_um, T_um, P_mW_cm2``.

    Examples
    --------
    >>> from mlcrystal.landscape import GaussianLandscape
    >>> g = grid_points(GaussianLandscape(), levels={"L_um": 3, "P_mW_cm2": 2})
    >>> len(g), sorted(g.L_um.unique().tolist())
    (54, [500.0, 1500.0, 2500.0])
    """
    if kind not in GRID_KINDS:
        raise ValueError(f"kind must be one of {GRID_KINDS}; got {kind!r}.")
    checked = _check_bounds(bounds)
    lv = _check_levels(levels)
    n = grid_size(len(landscape.compounds), lv)
    if n > max_points:
        raise ValueError(f"a grid of {n:,} points ({len(landscape.compounds)} compounds x levels "
                         f"{[lv[k] for k in SIZE_POWER]} of {list(SIZE_POWER)}) exceeds max_points={max_points:,}; "
                         "use fewer levels.")
    axes = [np.asarray(landscape.compounds, dtype=int)]
    values = _centres if kind == "centres" else _edges
    axes += [values(*checked[k], lv[k]) for k in SIZE_POWER]
    grids = np.meshgrid(*axes, indexing="ij")
    df = pd.DataFrame({"compound": grids[0].ravel().astype(int)})
    df.insert(1, "E_GPa", df["compound"].map({c: float(landscape.moduli[c]) for c in axes[0]}))
    for k, g in zip(SIZE_POWER, grids[1:], strict=True):
        df[k] = g.ravel().astype(float)
    return df


def extra_intensities(p_suggested: float, n_extra: int = 4,
                      levels: Sequence[float] = STUDY_INTENSITIES) -> list[float]:
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
    ordered = sorted(float(v) for v in levels)
    if not isinstance(n_extra, Integral) or not 0 <= n_extra <= len(ordered) - 1:
        raise ValueError(f"n_extra must be an integer in [0, {len(ordered) - 1}]; got {n_extra!r}.")
    if not np.isfinite(p_suggested):
        raise ValueError(f"p_suggested must be a finite intensity in mW/cm^2; got {p_suggested!r}.")
    closest = int(np.argmin([abs(v - p_suggested) for v in ordered]))
    rest = [v for i, v in enumerate(ordered) if i != closest]
    # keep the n_extra levels farthest from the suggestion when fewer are asked for
    return sorted(sorted(rest, key=lambda v: -abs(v - p_suggested))[:n_extra])


# ---------------------------------------------------------------------------
# the laboratory
# ---------------------------------------------------------------------------

def _measure(landscape: Any, conditions: pd.DataFrame, noise: float, rng: np.random.Generator,
             short_crystals: str = DEFAULT_SHORT_CRYSTALS) -> pd.DataFrame:
    """Snap sizes to testable crystals, then measure the blocking force (noise drawn from ``rng``).

    The length asked for is kept in the column ``L_asked_um``
    (:data:`mlcrystal.force.feasibility.ASKED_LENGTH`; dropped from the
    finished history); ``short_crystals`` is the rule of
    :mod:`mlcrystal.force.feasibility` (``"refuse"`` raises on a short crystal).
    """
    df = conditions[["compound", "L_um", "W_um", "T_um", "P_mW_cm2"]].copy()
    df["compound"] = df["compound"].astype(int)
    asked = df["L_um"].to_numpy(float).copy()
    L, T = measured_crystal(landscape, asked, df["T_um"].to_numpy(float), short_crystals)
    df["L_um"] = np.asarray(L, dtype=float)
    df["T_um"] = np.asarray(T, dtype=float)
    df.insert(1, "E_GPa", df["compound"].map(lambda c: float(landscape.moduli[c])))
    args = {"compound": df["compound"].to_numpy(), "L_um": df["L_um"].to_numpy(), "W_um": df["W_um"].to_numpy(),
            "T_um": df["T_um"].to_numpy(), "P_mW_cm2": df["P_mW_cm2"].to_numpy()}
    force = landscape.force(**args, noise=noise, random_state=rng if noise else None)
    df["force_mN"] = np.atleast_1d(np.asarray(force, dtype=float))
    if noise:
        df["true_mN"] = np.atleast_1d(np.asarray(landscape.force(**args), dtype=float))
    else:
        df["true_mN"] = df["force_mN"]
    df[ASKED_LENGTH] = asked
    return df.reset_index(drop=True)


def _initial(landscape: Any, initial: str | pd.DataFrame | None, n_initial: int, rng: np.random.Generator,
             bounds: Bounds) -> pd.DataFrame:
    if isinstance(initial, pd.DataFrame):
        return initial
    if initial == "study":
        return landscape.initial_design()
    if initial == "random":
        return random_design(landscape, n_initial, random_state=rng, bounds=bounds)
    if initial == "authors":
        # mlcrystal.authors builds on this module's helpers (a real import cycle), so it is imported here
        from mlcrystal.authors import authors_initial_design

        return authors_initial_design(landscape, random_state=rng, bounds=bounds)
    if initial is None or initial == "none":
        return pd.DataFrame(columns=["compound", "L_um", "W_um", "T_um", "P_mW_cm2"])
    raise ValueError(f"initial must be 'study', 'random', 'authors', 'none' or a DataFrame of conditions; "
                     f"got {initial!r}.")


def _finish(rows: list[pd.DataFrame], phases: list[str]) -> pd.DataFrame:
    parts = [r.assign(phase=p) for r, p in zip(rows, phases, strict=True) if len(r)]
    hist = pd.concat(parts, ignore_index=True)
    hist["experiment"] = np.arange(1, len(hist) + 1)
    hist["best_mN"] = hist["force_mN"].cummax()
    hist["compound"] = hist["compound"].astype(int)
    return hist[HISTORY_COLUMNS]


# ---------------------------------------------------------------------------
# skopt BO
# ---------------------------------------------------------------------------

def _bo_space(landscape: Any, bounds: Bounds) -> list:
    return [Categorical([int(c) for c in landscape.compounds], name="compound")] + \
        [RealDim(*bounds[k], name=k) for k in SIZE_POWER]


class FastGP(SkoptGP):
    """skopt's GP with a BLAS-based predictive variance (same numbers, ~10x faster).

    skopt 0.10.2 computes the variance with a three-operand ``np.einsum``
    that does not use BLAS; this dominates a campaign's run time. Defined at
    module level so that an optimiser holding it pickles (joblib, Dask).
    """

    def predict(self, X: np.ndarray, return_std: bool = False, return_cov: bool = False,
                return_mean_grad: bool = False, return_std_grad: bool = False) -> Any:
        """Mean (and, with ``return_std``, standard deviation) at ``X``, as skopt's GP returns them."""
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


def make_bo_optimizer(landscape: Any, acq: str = "gp_hedge", kappa: float = 1.96, xi: float = 0.01,
                      n_points: int = 1000, gp_restarts: int = 0, random_state: RandomState = None,
                      bounds: Bounds | None = None) -> Optimizer:
    """A :class:`skopt.Optimizer` set up for blocking-force campaigns.

    The space is a ``Categorical`` over the library's compounds and ``Real``
    L, W, T and P within ``bounds``. The surrogate is skopt's default GP
    (constant x anisotropic Matern 5/2, Gaussian noise term, normalised y)
    with ``gp_restarts`` restarts of its hyperparameter optimiser and a
    BLAS-based predictive variance (:class:`FastGP`); the acquisition is
    maximised over ``n_points`` random candidates (``acq_optimizer="sampling"``).
    During a campaign (:func:`run_campaign`) the kernel hyperparameters are
    re-optimised every ``refit_every`` experiments (default 5), warm-started
    from the previous fit and capped at 30 L-BFGS-B iterations, and kept fixed
    in between (:func:`prepare_next_fit`). Together these make a campaign
    several times faster than a default ``skopt.Optimizer`` (2 restarts every
    step; lbfgs from 10 000 candidates) at equal quality
    (``benchmarks/bench_campaign.py``). The optimiser pickles.

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
    random_state : None, int >= 0 or numpy.random.Generator
        skopt wants an int: one is drawn with :func:`mlcrystal.seeding.int_seed`
        (an int is used as it is).
    bounds : dict, optional
        Search box; defaults to :data:`mlcrystal.study.SEARCH_BOUNDS`.

    Returns
    -------
    skopt.Optimizer

    Examples
    --------
    >>> from mlcrystal.landscape import GaussianLandscape
    >>> opt = make_bo_optimizer(GaussianLandscape(), acq="EI", random_state=0)
    >>> len(opt.space.dimensions)
    5
    """
    if acq not in BO_ACQUISITIONS:
        raise ValueError(f"acq must be one of {BO_ACQUISITIONS}; got {acq!r}.")
    if not isinstance(n_points, Integral) or n_points < 1:
        raise ValueError(f"n_points must be a positive integer; got {n_points!r}.")
    if not isinstance(kappa, Real) or kappa < 0:
        raise ValueError(f"kappa must be a non-negative number; got {kappa!r}.")
    seed = _skopt_seed(random_state)
    space = _bo_space(landscape, _check_bounds(bounds))
    # the kernel of skopt's cook_estimator("GP"): constant x anisotropic Matern 5/2 (+ white noise)
    n_dims = Space(normalize_dimensions(space)).transformed_n_dims
    kernel = ConstantKernel(1.0, (0.01, 1000.0)) * Matern(
        length_scale=np.ones(n_dims), length_scale_bounds=[(0.01, 100)] * n_dims, nu=2.5)
    gp = FastGP(kernel=kernel, normalize_y=True, noise="gaussian", n_restarts_optimizer=int(gp_restarts),
                random_state=seed)
    return Optimizer(space, base_estimator=gp, n_initial_points=0, acq_func=acq,
                     acq_optimizer="sampling", acq_func_kwargs={"kappa": float(kappa), "xi": float(xi)},
                     acq_optimizer_kwargs={"n_points": int(n_points)}, random_state=seed)


def _skopt_seed(random_state: RandomState) -> int | None:
    """The int skopt wants: an int as given (checked), a generator through :func:`int_seed`, None as None."""
    if random_state is None:
        return None
    if isinstance(random_state, np.random.Generator):
        return int_seed(random_state)
    check_random_state(random_state)  # refuses negative, bool, float, ...
    return int(random_state)


def _as_point(row: pd.Series, bounds: Bounds) -> list:
    x: list = [int(row["compound"])]
    for k in SIZE_POWER:
        lo, hi = bounds[k]
        x.append(float(np.clip(row[k], lo, hi)))
    return x


def _lbfgs_warm(obj_func: Callable, initial_theta: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, float]:
    """GP hyperparameter optimiser: L-BFGS-B from the previous fit, at most 30 iterations."""
    res = minimize(obj_func, initial_theta, method="L-BFGS-B", jac=True, bounds=bounds,
                   options={"maxiter": 30})
    return res.x, res.fun


def prepare_next_fit(opt: Optimizer, optimise: bool) -> SkoptGP:
    """Set up the GP that ``opt`` fits at its next ``tell``: every reach into skopt's internals.

    skopt 0.10.2 has no public way to warm-start or freeze the GP
    hyperparameters between ``tell`` calls, so this one function reaches
    inside the optimiser (nothing else in the kit does):

    * ``opt.models[-1]`` is the GP fitted at the last ``tell`` (the only
      place skopt keeps it); its ``kernel_.k1`` is the fitted constant x
      Matern part and ``noise_`` the fitted noise level (skopt's GP with
      ``noise="gaussian"`` adds a ``WhiteKernel`` term while fitting and
      reports it there). Their sum is the starting kernel of the next fit.
    * ``opt.base_estimator_`` is what ``tell`` clones and fits; it is the
      only hook to change the kernel and the hyperparameter optimiser of the
      next fit. We replace it by a copy with the warm kernel and either
      :func:`_lbfgs_warm` (30 L-BFGS-B iterations from the warm start) or
      ``optimizer=None`` (keep the hyperparameters fixed).
    * ``del opt.models[:-1]``: skopt keeps every fitted GP of a campaign;
      only the last is needed, so memory stays flat over long campaigns.

    Parameters
    ----------
    opt : skopt.Optimizer
        An optimiser from :func:`make_bo_optimizer` that has been told at least once.
    optimise : bool
        Re-optimise the hyperparameters at the next fit (warm-started) or keep them.

    Returns
    -------
    skopt.learning.GaussianProcessRegressor
        The new (unfitted) ``opt.base_estimator_``.
    """
    last = opt.models[-1]
    kernel = last.kernel_.k1 + WhiteKernel(noise_level=max(float(last.noise_ or 1e-5), 1e-5))
    est = opt.base_estimator_
    opt.base_estimator_ = est.__class__(**{**est.get_params(deep=False), "kernel": kernel,
                                           "optimizer": _lbfgs_warm if optimise else None})
    del opt.models[:-1]  # keep memory flat over long campaigns
    return opt.base_estimator_


def _run_bo(landscape: Any, first: pd.DataFrame, n_search: int, rng: np.random.Generator, noise: float,
            bounds: Bounds, acq: str = "gp_hedge", kappa: float = 1.96, xi: float = 0.01, n_points: int = 1000,
            gp_restarts: int = 0, refit_every: int = 5,
            short_crystals: str = DEFAULT_SHORT_CRYSTALS) -> list[pd.DataFrame]:
    if not isinstance(refit_every, Integral) or refit_every < 1:
        raise ValueError(f"refit_every must be a positive integer; got {refit_every!r}.")
    opt = make_bo_optimizer(landscape, acq=acq, kappa=kappa, xi=xi, n_points=n_points,
                            gp_restarts=gp_restarts, random_state=rng, bounds=bounds)
    if n_search == 0:
        return []
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the measured (snapped) points are told, clipped into the search box
        opt.tell([_as_point(r, bounds) for _, r in told(first, short_crystals).iterrows()],
                 (-first["force_mN"]).tolist())
        for i in range(n_search):
            x = opt.ask()
            cond = pd.DataFrame([dict(zip(("compound",) + SIZE_POWER, x, strict=True))])
            m = _measure(landscape, cond, noise, rng, short_crystals)
            out.append(m)
            # hyperparameters are re-optimised every `refit_every` tells and kept otherwise
            prepare_next_fit(opt, optimise=(i + 1) % refit_every == 0)
            opt.tell(_as_point(told(m, short_crystals).iloc[0], bounds), -float(m["force_mN"].iloc[0]),
                     fit=i < n_search - 1)
    return out


# ---------------------------------------------------------------------------
# the study's protocol
# ---------------------------------------------------------------------------

def snap_modulus(E_GPa: float, moduli: Mapping[int, float], random_state: RandomState = None) -> int:
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
    return int(check_random_state(random_state).choice(ties))


def paper_suggest(X: np.ndarray, y: np.ndarray, bounds: Bounds, kappa: float = study.UCB_KAPPA,
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
    >>> paper_suggest(X, X[:, 1] / 100, box, random_state=0).shape
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


def _run_paper(landscape: Any, first: pd.DataFrame, budget_left: int, rng: np.random.Generator, noise: float,
               bounds: Bounds, kappa: float = study.UCB_KAPPA, n_candidates: int = 10000, gp_restarts: int = 5,
               n_extra: int = 0, short_crystals: str = DEFAULT_SHORT_CRYSTALS) -> list[pd.DataFrame]:
    if "E_GPa" not in bounds:
        raise ValueError("the 'paper' strategy needs bounds['E_GPa'] (the modulus range searched).")
    names = ["E_GPa", *SIZE_POWER]
    data = [first]
    out = []
    while budget_left > 0:
        obs = told(pd.concat(data, ignore_index=True), short_crystals)
        x = paper_suggest(obs[names].to_numpy(float), obs["force_mN"].to_numpy(float), bounds,
                          kappa=kappa, n_candidates=n_candidates, gp_restarts=gp_restarts, random_state=rng)
        compound = snap_modulus(x[0], landscape.moduli, random_state=rng)
        powers = [x[4]] + (extra_intensities(x[4], n_extra=n_extra) if n_extra else [])
        cond = pd.DataFrame({"compound": compound, "L_um": x[1], "W_um": x[2], "T_um": x[3],
                             "P_mW_cm2": powers[:budget_left]})
        m = _measure(landscape, cond, noise, rng, short_crystals)
        data.append(m)
        out.append(m)
        budget_left -= len(m)
    return out


# ---------------------------------------------------------------------------
# grid and random search
# ---------------------------------------------------------------------------

def _run_grid(landscape: Any, first: pd.DataFrame, n_search: int, rng: np.random.Generator, noise: float,
              bounds: Bounds, levels: int | Mapping[str, int] = 3, order: str = "random",
              kind: str = "centres", short_crystals: str = DEFAULT_SHORT_CRYSTALS) -> list[pd.DataFrame]:
    if order not in ("random", "lexicographic"):
        raise ValueError(f"order must be 'random' or 'lexicographic'; got {order!r}.")
    grid = grid_points(landscape, levels=levels, bounds=bounds, kind=kind)
    if order == "random":
        grid = grid.iloc[rng.permutation(len(grid))]
    grid = grid.iloc[:n_search]
    return [_measure(landscape, grid, noise, rng, short_crystals)] if len(grid) else []


def _run_random(landscape: Any, first: pd.DataFrame, n_search: int, rng: np.random.Generator, noise: float,
                bounds: Bounds, short_crystals: str = DEFAULT_SHORT_CRYSTALS) -> list[pd.DataFrame]:
    if n_search == 0:
        return []
    return [_measure(landscape, random_design(landscape, n_search, random_state=rng, bounds=bounds),
                     noise, rng, short_crystals)]


# ---------------------------------------------------------------------------
# the strategy registry and the campaign loop
# ---------------------------------------------------------------------------

#: A strategy's search: ``search(landscape, first, n_search, rng, noise, bounds, **options)``
#: returns the measured blocks (DataFrames from :func:`_measure`) after the initial design ``first``.
SearchFunction = Callable[..., list[pd.DataFrame]]


@dataclass(frozen=True)
class Strategy:
    """One entry of the strategy registry (see :func:`register_strategy`)."""

    search: SearchFunction
    options: frozenset[str]
    min_initial: int = 0


_REGISTRY: dict[str, Strategy] = {}

#: The strategies :func:`run_campaign` knows (a live view of the registry).
STRATEGIES: KeysView[str] = _REGISTRY.keys()


def register_strategy(name: str, search: SearchFunction, options: Iterable[str], min_initial: int = 0) -> None:
    """Make ``name`` a strategy of :func:`run_campaign` (and of the command line).

    Parameters
    ----------
    name : str
        The strategy's name.
    search : callable
        ``search(landscape, first, n_search, rng, noise, bounds, **options)``:
        runs the search after the measured initial design ``first`` and
        returns the measured blocks (each from the landscape, in order),
        ``n_search`` experiments in all; every random step draws from the
        campaign's generator ``rng``.
    options : iterable of str
        The keyword options ``search`` accepts (anything else is refused).
    min_initial : int, default 0
        Smallest initial design the strategy can start from.

    Examples
    --------
    >>> {"bo", "paper", "grid", "random"} <= set(STRATEGIES)
    True
    """
    _REGISTRY[name] = Strategy(search, frozenset(options), int(min_initial))


register_strategy("bo", _run_bo, {"acq", "kappa", "xi", "n_points", "gp_restarts", "refit_every", "short_crystals"},
                  min_initial=2)
register_strategy("paper", _run_paper, {"kappa", "n_candidates", "gp_restarts", "n_extra", "short_crystals"},
                  min_initial=2)
register_strategy("grid", _run_grid, {"levels", "order", "kind", "short_crystals"})
register_strategy("random", _run_random, {"short_crystals"})


def _run_authors(landscape: Any, first: pd.DataFrame, n_search: int, rng: np.random.Generator, noise: float,
                 bounds: Bounds, **options: Any) -> list[pd.DataFrame]:
    # mlcrystal.authors builds on this module's helpers (a real import cycle), so it is imported here
    from mlcrystal.authors import run_authors

    return run_authors(landscape, first, n_search, rng, noise, bounds, **options)


#: Options of the ``"authors"`` strategy (see :func:`mlcrystal.authors.run_authors`); its initial design is
#: ``initial="study"`` (the study's 10 measurements) or ``initial="authors"`` (the code's 5 random points).
AUTHORS_OPTIONS = frozenset({"kappa", "optimizer_seed", "n_extra_intensities", "maximizer", "n_candidates",
                             "short_crystals"})
register_strategy("authors", _run_authors, AUTHORS_OPTIONS, min_initial=2)


def run_campaign(landscape: Any, strategy: str = "bo", budget: int = 100, random_state: RandomState = None,
                 initial: str | pd.DataFrame | None = "study", noise: float = 0.0, n_initial: int = 10,
                 bounds: Bounds | None = None, **options: Any) -> pd.DataFrame:
    """Run one optimisation campaign and return its history.

    Parameters
    ----------
    landscape : object
        The laboratory: ``compounds``, ``moduli``, ``force(...)``,
        ``snap(L, T)`` and ``initial_design()`` as in
        :class:`mlcrystal.landscape.BlockingForceLandscape`.
    strategy : {"bo", "paper", "grid", "random"}
        See the module docstring (and :func:`register_strategy`).
    budget : int, default 100
        Total number of experiments (measurements), initial ones included.
    random_state : None, int >= 0 or numpy.random.Generator
        Seeds every random step (design, optimiser, grid order, noise).
    initial : {"study", "random", "authors", "none"} or DataFrame
        The study's 10 initial conditions, ``n_initial`` random conditions,
        none (grid and random only), or your own conditions.
    noise : float, default 0
        Relative (multiplicative) Gaussian measurement noise.
    n_initial : int, default 10
        Size of the random initial design.
    bounds : dict, optional
        Search box; defaults to :data:`mlcrystal.study.SEARCH_BOUNDS`.
    **options
        Strategy options: ``bo``: acq ("gp_hedge"), kappa (1.96), xi (0.01),
        n_points (1000), gp_restarts (0), refit_every (5); ``paper``: kappa
        (:data:`mlcrystal.study.UCB_KAPPA`), n_candidates (10000), gp_restarts
        (5), n_extra (0, the published ``n_trial_P``); every built-in strategy:
        short_crystals (``"register-measured"``, ``"register-asked"`` or
        ``"refuse"``: what is measured and told for a crystal shorter than
        the beam model's limit, :mod:`mlcrystal.force.feasibility`); ``authors``: see
        :func:`mlcrystal.authors.run_authors`; ``grid``: levels (3, or a dict per variable), kind
        ("centres" or "edges"), order
        ("random" or "lexicographic").

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
    >>> from mlcrystal.landscape import GaussianLandscape
    >>> h = run_campaign(GaussianLandscape(), "random", budget=12, random_state=0, initial="random", n_initial=4)
    >>> h.shape, int((h.phase == "search").sum())
    ((12, 11), 8)
    """
    if strategy not in _REGISTRY:
        raise ValueError(f"strategy must be one of {tuple(_REGISTRY)}; got {strategy!r}.")
    spec = _REGISTRY[strategy]
    unknown = set(options) - spec.options
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)} for strategy {strategy!r}; "
                         f"accepted: {sorted(spec.options)}.")
    if not isinstance(budget, Integral) or budget < 1:
        raise ValueError(f"budget must be a positive integer number of experiments; got {budget!r}.")
    if not isinstance(noise, Real) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a relative standard deviation >= 0 (e.g. 0.05); got {noise!r}.")
    if not isinstance(n_initial, Integral) or n_initial < 1:
        raise ValueError(f"n_initial must be a positive integer; got {n_initial!r}.")
    checked = _check_bounds(bounds)
    rng = check_random_state(random_state)

    init = _initial(landscape, initial, n_initial, rng, checked)
    if len(init) < spec.min_initial:
        raise ValueError(f"strategy {strategy!r} needs an initial design of at least {spec.min_initial} "
                         f"experiments; got {len(init)}. Use initial='study' or 'random'.")
    if len(init) > budget:
        raise ValueError(f"budget ({budget}) is smaller than the initial design ({len(init)} experiments); "
                         "raise the budget.")
    rule = check_short_crystals(options.get("short_crystals", DEFAULT_SHORT_CRYSTALS))
    first = _measure(landscape, init, noise, rng, rule) if len(init) else init.assign(force_mN=[], true_mN=[])
    search = spec.search(landscape, first, budget - len(first), rng, noise, checked, **options)
    return _finish([first] + search, ["initial"] + ["search"] * len(search))


def _one(landscape, strategy, seed, kwargs):
    return run_campaign(landscape, strategy, random_state=seed, **kwargs).assign(seed=seed)


def _keyed(key: Hashable, landscape: Any, strategy: str, seed: int, kwargs: dict) -> tuple[Hashable, pd.DataFrame]:
    return key, _one(landscape, strategy, seed, kwargs)


#: One campaign to run: ``(key, strategy, seed, run_campaign keyword arguments)``.
CampaignJob = tuple[Hashable, str, int, dict]


def iter_campaigns(landscape: Any, jobs: Iterable[CampaignJob], n_jobs: int | None = None,
                   client: Any = None) -> Iterator[tuple[Hashable, pd.DataFrame]]:
    """Run campaigns and yield ``(key, history)`` as each one finishes (in any order).

    Parameters
    ----------
    landscape : object
        As for :func:`run_campaign` (it must pickle for ``n_jobs > 1`` or a client).
    jobs : iterable of (key, strategy, seed, kwargs)
        ``kwargs`` go to :func:`run_campaign`; ``key`` identifies the result.
    n_jobs : int or None, default None
        joblib workers; ``None`` or 1 runs in this process, one campaign after another.
    client : dask.distributed.Client, optional
        Run on this Dask cluster instead (``n_jobs`` is then ignored); the
        landscape is sent to the workers once.

    Yields
    ------
    (key, pandas.DataFrame)
        The history has a leading ``seed`` column.

    Examples
    --------
    >>> from mlcrystal.landscape import GaussianLandscape
    >>> jobs = [(s, "random", s, {"budget": 3, "initial": "none"}) for s in (0, 1)]
    >>> sorted(k for k, h in iter_campaigns(GaussianLandscape(), jobs))
    [0, 1]
    """
    jobs = list(jobs)
    for _, _, seed, _ in jobs:
        check_random_state(seed)  # refuse negative or non-integer seeds before any work
    if n_jobs is not None and (not isinstance(n_jobs, Integral) or n_jobs == 0):
        raise ValueError(f"n_jobs must be None or a non-zero integer (joblib convention); got {n_jobs!r}.")
    if client is not None:
        from dask.distributed import as_completed  # optional: only a Dask run needs it

        land = client.scatter(landscape, broadcast=True)
        futures = [client.submit(_keyed, key, land, strategy, seed, kwargs, pure=False)
                   for key, strategy, seed, kwargs in jobs]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            client.cancel(futures)
    elif n_jobs is None or n_jobs == 1:
        for key, strategy, seed, kwargs in jobs:
            yield _keyed(key, landscape, strategy, seed, kwargs)
    else:
        tasks = (delayed(_keyed)(key, landscape, strategy, seed, kwargs) for key, strategy, seed, kwargs in jobs)
        yield from Parallel(n_jobs=n_jobs, return_as="generator_unordered")(tasks)


class Progress:
    """Campaigns done out of a total, their rate and the time left, on one line of ``stream``.

    Parameters
    ----------
    total : int
        Campaigns in the whole run.
    done : int, default 0
        Campaigns already done (e.g. read back from a checkpoint); they do not count in the rate.
    label : str
        Printed before the counts.
    stream : file, default sys.stderr

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> p = Progress(4, done=1, label="grid", stream=out)
    >>> p.line(3, 10.0)
    'grid: 3/4 campaigns, 0.20/s, 5 s left'
    """

    def __init__(self, total: int, done: int = 0, label: str = "", stream: TextIO | None = None) -> None:
        self.total, self.start_done, self.done = int(total), int(done), int(done)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.t0 = time.monotonic()

    def line(self, done: int, elapsed: float) -> str:
        """The progress line after ``done`` campaigns and ``elapsed`` seconds."""
        new = done - self.start_done
        rate = new / elapsed if elapsed > 0 and new > 0 else float("nan")
        left = (self.total - done) / rate if np.isfinite(rate) and rate > 0 else float("nan")
        eta = "time left unknown" if not np.isfinite(left) else f"{left:.0f} s left"
        head = f"{self.label}: " if self.label else ""
        return f"{head}{done}/{self.total} campaigns, {rate:.2f}/s, {eta}"

    def update(self, n: int = 1) -> None:
        """Count ``n`` more finished campaigns and redraw the line."""
        self.done += n
        print("\r" + self.line(self.done, time.monotonic() - self.t0), end="", file=self.stream, flush=True)

    def close(self) -> None:
        """End the line."""
        print(file=self.stream, flush=True)


def _check_seeds(seeds: int | Iterable[int]) -> list[int]:
    if isinstance(seeds, Integral) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ValueError(f"seeds must be a positive count or a list of ints >= 0; got {seeds!r}.")
        return list(range(int(seeds)))
    if not isinstance(seeds, Iterable) or isinstance(seeds, str):
        raise ValueError(f"seeds must be a positive count or a list of ints >= 0; got {seeds!r}.")
    out: list[int] = []
    for s in seeds:
        if not isinstance(s, Integral) or isinstance(s, bool) or s < 0:
            raise ValueError(f"seeds must be ints >= 0; got {s!r}. Pass e.g. seeds=[0, 1, 2].")
        out.append(int(s))
    if not out:
        raise ValueError("seeds is empty; pass a positive count or a list of ints >= 0.")
    return out


def run_campaigns(landscape: Any, strategy: str = "bo", seeds: int | Iterable[int] = 10, n_jobs: int | None = None,
                  progress: bool = False, client: Any = None, **kwargs: Any) -> pd.DataFrame:
    """Run many seeded campaigns (in parallel if asked) and stack their histories.

    Parameters
    ----------
    landscape : object
        As for :func:`run_campaign` (must be picklable when ``n_jobs > 1``).
    strategy : str
    seeds : int or sequence of int
        ``n`` means seeds ``0 .. n-1``; seeds are ints >= 0.
    n_jobs : int or None, default None
        joblib workers; ``None`` is one worker (this process). The command
        line uses every core of the machine.
    progress : bool
        Print campaigns done/total, rate and time left to stderr.
    client : dask.distributed.Client, optional
        Run on a Dask cluster (see :func:`iter_campaigns`).
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
    >>> h = run_campaigns(lab, "random", seeds=3, budget=5, initial="random", n_initial=2)
    >>> sorted(h.seed.unique().tolist())
    [0, 1, 2]
    """
    seed_list = _check_seeds(seeds)
    jobs = [(s, strategy, s, kwargs) for s in seed_list]
    bar = Progress(len(jobs), label=strategy) if progress else None
    parts = []
    for _, part in iter_campaigns(landscape, jobs, n_jobs=n_jobs, client=client):
        parts.append(part)
        if bar is not None:
            bar.update()
    if bar is not None:
        bar.close()
    out = pd.concat(parts, ignore_index=True).sort_values(["seed", "experiment"], kind="stable")
    cols = ["seed"] + [c for c in out.columns if c != "seed"]
    return out[cols].reset_index(drop=True)


# ---------------------------------------------------------------------------
# live campaigns against stored tables
# ---------------------------------------------------------------------------

#: Strategies whose campaigns are bit-identical across CPUs (measured: native and
#: with numpy's dispatch and OpenBLAS forced to generic kernels). skopt BO is not:
#: last-bit differences in its GP refits change a suggestion after 40-90 experiments.
MACHINE_INDEPENDENT = ("grid", "random", "paper")


def compare_with_stored(live: pd.DataFrame, stored: pd.DataFrame, level: float = 0.99, n_boot: int = 4000,
                        atol: float = 1.5e-4, random_state: RandomState = 0,
                        per_seed: Iterable[str] = ()) -> pd.DataFrame:
    """Check live campaigns against a stored replay table, in the way each strategy allows.

    * Strategies in :data:`MACHINE_INDEPENDENT`: every live campaign must
      equal the stored campaign of the same seed, value by value (the table
      holds 4 decimals, hence ``atol``).
    * Other strategies (skopt BO): campaigns are reproducible only on CPUs
      like the one that wrote the table, so the live campaigns are compared
      with the stored *distribution*: the median best force at the end of
      the live campaigns must lie in the ``level`` bootstrap interval of the
      median of as many campaigns drawn from the stored ones. Campaigns from
      the same distribution fail this with probability about ``1 - level``.

    Parameters
    ----------
    live, stored : pandas.DataFrame
        Stacked histories with ``strategy`` and ``seed`` columns (a replay
        table, or :func:`run_campaigns` output with a ``strategy`` column);
        the live campaigns have the stored budget.
    level : float, default 0.99
        Coverage of the bootstrap interval.
    n_boot : int, default 4000
        Bootstrap resamples.
    atol : float
        Tolerance of the per-seed comparison.
    random_state : None, int >= 0 or numpy.random.Generator
        Seed of the bootstrap.
    per_seed : iterable of str, default ()
        Further strategies to compare seed by seed, for campaigns short enough to
        be identical on every CPU (e.g. the first 20 experiments of ``"authors"``,
        which differ between CPUs from about experiment 25 on).

    Returns
    -------
    pandas.DataFrame
        One row per strategy: ``strategy, check`` ("identical per seed" or
        "median best inside the stored interval"), ``campaigns`` (live),
        ``agree`` (bool), and for the distribution check ``live_median, lo, hi`` (mN).

    Examples
    --------
    >>> from mlcrystal.landscape import GaussianLandscape
    >>> lab = GaussianLandscape()
    >>> stored = run_campaigns(lab, "random", seeds=4, budget=12, initial="random").assign(strategy="random")
    >>> live = run_campaigns(lab, "random", seeds=[1, 2], budget=12, initial="random").assign(strategy="random")
    >>> compare_with_stored(live, stored)[["strategy", "check", "campaigns", "agree"]].to_dict("records")
    [{'strategy': 'random', 'check': 'identical per seed', 'campaigns': 2, 'agree': True}]
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}.")
    for name, t in (("live", live), ("stored", stored)):
        missing = {"strategy", "seed", "experiment", "best_mN"} - set(t.columns)
        if missing:
            raise ValueError(f"{name} lacks columns {sorted(missing)}; pass stacked histories with a strategy column.")
    rng = check_random_state(random_state)
    rows = []
    for strategy, lv in live.groupby("strategy", sort=False):
        st = stored[stored["strategy"] == strategy]
        if st.empty:
            raise ValueError(f"the stored table has no {strategy!r} campaigns to compare with.")
        if strategy in MACHINE_INDEPENDENT or strategy in set(per_seed):
            missing_seeds = sorted(set(lv["seed"]) - set(st["seed"]))
            if missing_seeds:
                raise ValueError(f"seeds {missing_seeds} of strategy {strategy!r} are not in the stored table.")
            agree = True
            for seed, one in lv.groupby("seed"):
                ref = st[st["seed"] == seed].reset_index(drop=True)
                one = one.reset_index(drop=True)
                cols = [c for c in HISTORY_COLUMNS if c in one and pd.api.types.is_numeric_dtype(one[c])]
                same = len(one) == len(ref) and np.allclose(one[cols].to_numpy(float), ref[cols].to_numpy(float),
                                                            rtol=0, atol=atol)
                agree = agree and bool(same)
            rows.append({"strategy": strategy, "check": "identical per seed", "campaigns": lv["seed"].nunique(),
                         "agree": agree})
        else:
            final_live = lv.sort_values("experiment").groupby("seed")["best_mN"].last().to_numpy(float)
            final_stored = st.sort_values("experiment").groupby("seed")["best_mN"].last().to_numpy(float)
            k = len(final_live)
            boot = np.median(final_stored[rng.integers(0, len(final_stored), size=(int(n_boot), k))], axis=1)
            lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
            med = float(np.median(final_live))
            rows.append({"strategy": strategy, "check": "median best inside the stored interval", "campaigns": k,
                         "agree": bool(lo <= med <= hi), "live_median": med, "lo": float(lo), "hi": float(hi)})
    return pd.DataFrame(rows)
