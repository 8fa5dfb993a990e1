"""The study's optimisation loop, run through the study's own library (bayes_opt 1.5.1).

The authors chose their experiments with ``bayesian-optimization`` 1.5.1
(module ``bayes_opt``). This module replays that loop on a simulated
laboratory (a landscape of :mod:`mlcrystal.force.landscape`), step by step as their
published code does it:

1. z-score every observed input over the observed points (population
   standard deviation, ``ddof=0``) and map the search box the same way;
2. build a *new* :class:`bayes_opt.BayesianOptimization` on the z-scored
   points, with ``random_state`` fixed (the study's 1) and the library's
   default surrogate (Matern nu=2.5 GP, alpha 1e-6, normalised targets,
   5 restarts of the hyperparameter fit);
3. ask ``suggest`` for the maximum of the upper confidence bound
   mu + kappa sigma (kappa 5) with the library's own acquisition maximiser:
   10 000 random warm-up points, then L-BFGS-B from the best of them, the best
   point so far and 10 random starts;
4. map the suggestion back to the study's units, snap the modulus to the
   nearest modulus of the library and round length, width, thickness and
   intensity to integers, then measure that crystal.

Because the optimiser is rebuilt with the same seed at every step, a
suggestion depends on the history only (:func:`authors_suggest` is
deterministic). Choices the study did not publish are named options with the
published default: the initial design (the study's 10 measurements, or the 5
random integer points of the authors' simulation mode,
:func:`authors_initial_design`), extra intensities per crystal (0, the code's
``n_trial_P = 0``; up to 10), the acquisition maximiser (``"bayes_opt"`` or
``"sampling"``) and the unit of the Gaussian test function's intensity
(``GaussianLandscape(intensity_reading="mW_cm2")`` for the code's mW/cm^2,
:class:`mlcrystal.force.landscape.GaussianLandscape` for the percent reading).

Departures of the fast variant
------------------------------
the ``"fast"`` strategy (:func:`mlcrystal.force.strategies.fast.fast_suggest`)
is a faster approximation of this loop (about 4x less CPU per campaign). It
differs in:

* the acquisition maximiser: the best of 10 000 random points, with no
  L-BFGS-B polish, so its suggestions almost never sit on a box edge, where
  bayes_opt puts a third to most of its suggestions (W, T or P at a bound;
  table below);
* a fresh random seed for the GP restarts and candidates at every step,
  where the authors rebuild the optimiser with ``random_state=1``;
* no rounding: L, W, T and P stay real numbers;
* four extra intensities per suggested crystal by default (``n_extra=4``), an
  unpublished choice; the authors' simulation measures none;
* its own scikit-learn GP, configured like bayes_opt's (same kernel, alpha,
  normalisation and restarts).

Measured (``benchmarks/bench_authors.py success``; budget 155, no extra
intensities, target 90 % of the landscape's true optimum; "authors" = this
module, "fast" = strategy ``"fast"`` with ``n_extra=0``; edge share = search
experiments with W, T or P within 0.5 of a bound):

=======================  =======  =======  =====  =====  ========  ===========  ==========
landscape                initial  loop     <=120  <=155  median n  median best  edge share
=======================  =======  =======  =====  =====  ========  ===========  ==========
Gaussian, P % of 2080    study    authors  20/20  20/20  61        (reached)    67 %
Gaussian, P % of 2080    study    fast     20/20  20/20  64.5      (reached)    2 %
physical (default)       study    authors  0/20   0/20   > 155     18.6 mN      32 %
physical (default)       study    fast     9/20   12/20  130       33.6 mN      0.7 %
physical (default)       authors  authors  2/10   2/10   > 155     17.6 mN      85 %
physical (default)       authors  fast     4/10   6/10   128       33.7 mN      0.5 %
Gaussian, P in mW/cm^2   study    authors  0/10   0/10   > 155     0.0004 mN    0 %
Gaussian, P in mW/cm^2   study    fast     0/10   0/10   > 155     9.3 mN       0.4 %
=======================  =======  =======  =====  =====  ========  ===========  ==========

("median best" after 155 experiments; "authors" initial = the 5 random integer
points, the same for both loops.) Run the authors' way (their simulation
mode: 5 random points, the grid success rule, percent-reading Gaussian,
``bench_authors.py agreement``, 10 seeds), the two loops need a median of 65
(authors) and 59 (fast) experiments (Mann-Whitney p = 0.68); the authors'
loop with the sampling maximiser needs 80.5 (9/10 succeed within 150). So the fast variant agrees with the
authors' loop on the percent-reading Gaussian but not on the physical
landscape or the literal Gaussian, where the authors' loop is far weaker.
Two facts bear on this (candidate causes, not tested here):

* because the optimiser is rebuilt with the same seed and the z-scored box
  maps back onto the same search box, its 10 000 warm-up points and 10
  random L-BFGS-B starts are the same crystals at every step (tested); only
  the GP changes. On the literal Gaussian every initial force is below
  0.001 mN, and from its first suggestion on the loop measures one and the
  same crystal at every step;
* the study's two initial crystals are 625 and 626 um long, so the z-scored
  length has a spread of 0.5 um and the search box spans -1251 to 4749
  standard deviations in L (W: -12 to 35; T: -2 to 5).

For example:

>>> from mlcrystal.force.landscape import GaussianLandscape
>>> land = GaussianLandscape()
>>> design = authors_initial_design(land, random_state=0)
>>> len(design), set(design.E_GPa) <= {0.602, 1.25, 1.92, 3.55}
(5, True)
"""

from __future__ import annotations

import contextlib
import functools
import io
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from bayes_opt import BayesianOptimization, UtilityFunction

from mlcrystal import study
from mlcrystal.force.feasibility import DEFAULT_SHORT_CRYSTALS, check_short_crystals, told
from mlcrystal.force.lab import (
    INPUTS,
    SIZE_POWER,
    STUDY_INTENSITIES,
    check_bounds,
    extra_intensities,
    finish,
    measure,
    snap_modulus,
)
from mlcrystal.seeding import RandomState, check_random_state, int_seed

__all__ = ["MAXIMIZERS", "MAX_EXTRA_INTENSITIES", "authors_suggest", "authors_initial_design", "run_authors",
           "AUTHORS_OPTIONS", "COMPOUND_INPUTS", "compound_codes", "success_grid_extremes", "SimulationResult",
           "authors_simulation", "edge_share", "edge_shares"]

#: Acquisition maximisers: the library's own (warm-up + L-BFGS-B) or random sampling only.
MAXIMIZERS = ("bayes_opt", "sampling")

#: Largest number of further intensities per crystal: the authors' experiment
#: loop asks "Do you try other light intensity?" at most ten times (code).
MAX_EXTRA_INTENSITIES = 10



# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------

def _check_moduli(moduli: Mapping | Sequence) -> np.ndarray:
    values = list(moduli.values()) if isinstance(moduli, Mapping) else list(moduli)
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"moduli must be numbers in GPa (a mapping compound -> GPa or a sequence); "
                         f"got {moduli!r}.") from err
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"moduli must hold at least one finite positive modulus in GPa; got {moduli!r}. "
                         "Pass e.g. mlcrystal.study.BENDING_MODULI_GPA.")
    return arr


def _check_options(kappa: float, optimizer_seed: int, maximizer: str, n_candidates: int) -> None:
    if not isinstance(kappa, Real) or isinstance(kappa, bool) or not np.isfinite(kappa) or kappa < 0:
        raise ValueError(f"kappa must be a finite number >= 0 (the study's is {study.UCB_KAPPA}); got {kappa!r}.")
    if not isinstance(optimizer_seed, Integral) or isinstance(optimizer_seed, bool) or optimizer_seed < 0:
        raise ValueError(f"optimizer_seed must be an int >= 0 (the study's is {study.AUTHORS_OPTIMIZER_SEED}); "
                         f"got {optimizer_seed!r}.")
    if maximizer not in MAXIMIZERS:
        raise ValueError(f"maximizer must be one of {MAXIMIZERS}; got {maximizer!r}.")
    if not isinstance(n_candidates, Integral) or isinstance(n_candidates, bool) or n_candidates < 1:
        raise ValueError(f"n_candidates must be a positive int (random points for maximizer='sampling'); "
                         f"got {n_candidates!r}.")


# ---------------------------------------------------------------------------
# one suggestion
# ---------------------------------------------------------------------------

def _standard_optimizer(Z: np.ndarray, y: np.ndarray, zbounds: np.ndarray, seed: int):
    """A new BayesianOptimization on z-scored points, every observation registered."""
    opt = BayesianOptimization(f=None, pbounds={k: tuple(b) for k, b in zip(INPUTS, zbounds, strict=True)},
                               random_state=int(seed), verbose=0, allow_duplicate_points=True)
    # bayes_opt prints a line for every repeated point and warns for points
    # outside the box (snapped crystals may be): both are expected here
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        for z, target in zip(Z, y, strict=True):
            opt.register(params=dict(zip(INPUTS, z, strict=True)), target=float(target))
    return opt


def _sampled_maximum(opt, utility, n_candidates: int) -> dict[str, float]:
    """The best of ``n_candidates`` random points of the box (the library's GP, no polish)."""
    space = opt.space
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt._gp.fit(space.params, space.target)
    bounds = space.bounds
    cand = opt._random_state.uniform(bounds[:, 0], bounds[:, 1], size=(int(n_candidates), bounds.shape[0]))
    values = utility.utility(cand, gp=opt._gp, y_max=float(np.max(space.target)))
    return space.array_to_params(cand[int(np.argmax(values))])


def authors_suggest(X, y, bounds: Mapping | None, moduli: Mapping | Sequence, *,
                    kappa: float = study.UCB_KAPPA, optimizer_seed: int = study.AUTHORS_OPTIMIZER_SEED,
                    maximizer: str = "bayes_opt", n_candidates: int = 10000) -> dict[str, float]:
    """One suggestion of the authors' loop from a history of measurements.

    Parameters
    ----------
    X : array_like of shape (n, 5)
        Observed inputs, columns ``E_GPa, L_um, W_um, T_um, P_mW_cm2``.
    y : array_like of shape (n,)
        Observed blocking forces (mN).
    bounds : mapping or None
        ``{name: (low, high)}`` for the five inputs; ``None`` means
        :data:`mlcrystal.study.SEARCH_BOUNDS`.
    moduli : mapping or sequence
        The library's bending moduli (GPa), e.g. ``landscape.moduli``; the
        suggested modulus is snapped to the nearest of them.
    kappa : float, default 5
        UCB exploration weight (:data:`mlcrystal.study.UCB_KAPPA`).
    optimizer_seed : int, default 1
        ``random_state`` of the optimiser built at every step
        (:data:`mlcrystal.study.AUTHORS_OPTIMIZER_SEED`).
    maximizer : {"bayes_opt", "sampling"}, default "bayes_opt"
        ``"bayes_opt"``: the library's ``suggest`` (10 000 random points, then
        L-BFGS-B); ``"sampling"``: the best of ``n_candidates`` random points
        of the same GP's UCB (the fast variant's maximiser).
    n_candidates : int, default 10000
        Random points for ``maximizer="sampling"``.

    Returns
    -------
    dict
        ``E_GPa`` (snapped modulus), ``L_um``, ``W_um``, ``T_um``,
        ``P_mW_cm2`` (integers) and ``E_suggested_GPa`` (the modulus before
        snapping). Deterministic given the history.

    Raises
    ------
    ValueError
        Malformed ``X``, ``y``, ``bounds``, ``moduli`` or options.

    Notes
    -----
    A column of ``X`` with a single value (zero spread) would make the
    authors' z-scoring divide by zero; it is scaled by 1 instead.

    Examples
    --------
    >>> from mlcrystal import study
    >>> X = [[1.25, 626, 708, 241, 208], [1.25, 626, 708, 241, 2080],
    ...      [0.664, 625, 631, 113, 208], [0.664, 625, 631, 113, 2080]]
    >>> s = authors_suggest(X, [3.42, 9.81, 0.73, 6.82], None, study.BENDING_MODULI_GPA)
    >>> s["E_GPa"] in study.BENDING_MODULI_GPA.values(), isinstance(s["L_um"], int)
    (True, True)
    """
    _check_options(kappa, optimizer_seed, maximizer, n_candidates)
    box = check_bounds(bounds, need_modulus=True)
    levels = _check_moduli(moduli)
    try:
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError("X and y must be numeric arrays (X: n rows of E_GPa, L_um, W_um, T_um, P_mW_cm2; "
                         "y: n forces in mN).") from err
    if X.ndim != 2 or X.shape[1] != len(INPUTS) or y.ndim != 1 or len(X) != len(y) or len(y) < 2:
        raise ValueError(f"X must have shape (n, 5) (columns {list(INPUTS)}) and y shape (n,), with n >= 2; "
                         f"got X {X.shape} and y {y.shape}.")
    bad = ~np.isfinite(X).all(axis=1) | ~np.isfinite(y)
    if bad.any():
        raise ValueError(f"X and y must be finite; row {int(np.flatnonzero(bad)[0])} is not. "
                         "Remove NaN or infinite measurements first.")

    mean = X.mean(axis=0)
    sd = X.std(axis=0)  # ddof = 0, as numpy's default in the authors' code
    sd[sd == 0] = 1.0
    lo = np.array([box[k][0] for k in INPUTS])
    hi = np.array([box[k][1] for k in INPUTS])
    zbounds = np.column_stack([(lo - mean) / sd, (hi - mean) / sd])
    opt = _standard_optimizer((X - mean) / sd, y, zbounds, int(optimizer_seed))
    utility = UtilityFunction(kind="ucb", kappa=float(kappa), xi=0.0)
    if maximizer == "bayes_opt":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z = opt.suggest(utility)
    else:
        z = _sampled_maximum(opt, utility, n_candidates)
    x = np.array([z[k] for k in INPUTS]) * sd + mean
    e_snapped = float(levels[int(np.argmin(np.abs(levels - x[0])))])
    out: dict[str, Any] = {"E_GPa": e_snapped}
    out.update({k: int(np.round(v)) for k, v in zip(SIZE_POWER, x[1:], strict=True)})
    out["E_suggested_GPa"] = float(x[0])
    return out


# ---------------------------------------------------------------------------
# designs and campaigns
# ---------------------------------------------------------------------------

def authors_initial_design(landscape, n: int = study.AUTHORS_N_INITIAL, random_state: RandomState = None,
                           bounds: Mapping | None = None) -> pd.DataFrame:
    """The random initial points of the authors' simulation mode.

    Each point draws integers uniformly in ``[int(low), int(high))`` for E,
    L, P, T and W (in that order, as ``np.random.randint`` over the code's
    bounds does), so E is 0, 1, 2 or 3 GPa before it is snapped to the
    nearest library modulus; repeated points are drawn again.

    Parameters
    ----------
    landscape : object
        Provides ``moduli`` (compound -> GPa).
    n : int, default 5
        Number of points (:data:`mlcrystal.study.AUTHORS_N_INITIAL`).
    random_state : None, int or numpy.random.Generator
        Seed of the draw.
    bounds : mapping, optional
        Search box; defaults to :data:`mlcrystal.study.SEARCH_BOUNDS`.

    Returns
    -------
    pandas.DataFrame
        Columns ``compound, E_GPa, L_um, W_um, T_um, P_mW_cm2``, the sizes and
        intensity integers (not yet snapped to testable crystals).

    Examples
    --------
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> d = authors_initial_design(GaussianLandscape(), n=3, random_state=1)
    >>> d.columns.tolist()
    ['compound', 'E_GPa', 'L_um', 'W_um', 'T_um', 'P_mW_cm2']
    """
    if not isinstance(n, Integral) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive integer number of initial points; got {n!r}.")
    box = check_bounds(bounds, need_modulus=True)
    _check_moduli(landscape.moduli)
    rng = check_random_state(random_state)
    order = ("E_GPa", "L_um", "P_mW_cm2", "T_um", "W_um")  # the code's (alphabetical) key order
    ints = {k: (int(box[k][0]), int(box[k][1])) for k in order}
    empty = [k for k, (a, b) in ints.items() if b <= a]
    if empty:
        raise ValueError(f"bounds {empty} hold no integer range [int(low), int(high)); widen them.")
    rows: list[dict] = []
    seen: set = set()
    for _ in range(1000 * int(n)):
        if len(rows) == n:
            break
        draw = {k: int(rng.integers(*ints[k])) for k in order}
        compound = snap_modulus(draw["E_GPa"], landscape.moduli, random_state=rng)
        row = {"compound": compound, "E_GPa": float(landscape.moduli[compound]),
               **{k: draw[k] for k in SIZE_POWER}}
        key = tuple(row.values())
        if key not in seen:
            seen.add(key)
            rows.append(row)
    if len(rows) < n:
        raise ValueError(f"could not draw {n} distinct points in bounds {box}; ask for fewer points.")
    return pd.DataFrame(rows, columns=["compound", *INPUTS]).astype({k: float for k in SIZE_POWER})


def _intensity_levels(n_extra: int, bounds: Mapping) -> tuple[float, ...]:
    """Candidate intensities for extra measurements: the study's five, or 11 even steps of the box."""
    if n_extra <= len(STUDY_INTENSITIES) - 1:
        return STUDY_INTENSITIES
    lo, hi = bounds["P_mW_cm2"]
    return tuple(float(v) for v in np.round(np.linspace(lo, hi, MAX_EXTRA_INTENSITIES + 1)))


#: What the authors' loop can tell its Gaussian process about a compound (:func:`run_authors`).
COMPOUND_INPUTS = ("modulus", "identity")


def compound_codes(moduli: Mapping[int, float], bounds: Mapping | None = None) -> dict[int, float]:
    """A coordinate per compound on the modulus axis that tells every compound apart (an ablation).

    Compounds are ordered by bending modulus (then by number) and placed at
    the centres of equal cells of the box's ``E_GPa`` range, so the model's
    input keeps the order of the moduli but no longer puts compounds of
    nearly equal modulus on top of each other.

    Examples
    --------
    >>> compound_codes({2: 0.602, 9: 0.664, 3: 0.677, 7: 3.55}, {"E_GPa": (0.5, 4.5), "L_um": (1, 2),
    ...                "W_um": (1, 2), "T_um": (1, 2), "P_mW_cm2": (1, 2)})
    {2: 1.0, 9: 2.0, 3: 3.0, 7: 4.0}
    """
    box = check_bounds(bounds, need_modulus=True)
    lo, hi = box["E_GPa"]
    if not isinstance(moduli, Mapping):
        raise ValueError(f"moduli must be a mapping compound -> GPa (e.g. landscape.moduli); got {moduli!r}.")
    _check_moduli(moduli)
    order = sorted(moduli, key=lambda c: (float(moduli[c]), c))
    step = (hi - lo) / len(order)
    return {int(c): lo + (i + 0.5) * step for i, c in enumerate(order)}


def run_authors(landscape, first: pd.DataFrame, budget_left: int, rng: np.random.Generator, noise: float,
                bounds: Mapping, *, kappa: float = study.UCB_KAPPA,
                optimizer_seed: int | None = study.AUTHORS_OPTIMIZER_SEED, n_extra_intensities: int = 0,
                maximizer: str = "bayes_opt", n_candidates: int = 10000,
                stop_at: float | None = None, short_crystals: str = DEFAULT_SHORT_CRYSTALS,
                compound_input: str = "modulus") -> list[pd.DataFrame]:
    """The search phase of a campaign run the authors' way (strategy ``"authors"``).

    Same call and return convention as the ``"fast"`` strategy's search
    phase in :func:`mlcrystal.force.campaigns.run_campaign`: each element of the list
    is the measurements of one suggested crystal.

    Parameters
    ----------
    landscape : object
        The laboratory (``moduli``, ``force``, ``snap``), see
        :mod:`mlcrystal.force.campaigns`.
    first : pandas.DataFrame
        The measured initial design (columns of a campaign history).
    budget_left : int
        Experiments left for the search.
    rng : numpy.random.Generator
        Breaks ties between compounds of equal modulus and seeds the noise.
    noise : float
        Relative measurement noise (see :func:`mlcrystal.force.campaigns.run_campaign`).
    bounds : mapping
        Search box with ``E_GPa`` and the four continuous inputs.
    kappa, maximizer, n_candidates
        See :func:`authors_suggest`.
    optimizer_seed : int or None, default 1
        See :func:`authors_suggest`: the published code rebuilds its optimiser
        with the same seed at every step. ``None`` draws a fresh seed for every
        step from ``rng`` (an ablation: the warm-up points then differ from
        step to step).
    n_extra_intensities : int, default 0
        Further intensities measured on every suggested crystal (0 to 10; the
        code's simulation uses 0). Up to 4 they are the study's initial
        levels (:func:`mlcrystal.force.lab.extra_intensities`); beyond, 11 even
        steps of the intensity range.
    stop_at : float, optional
        Stop once a measured force reaches this value (mN).
    short_crystals : {"register-measured", "register-asked", "refuse"}
        Which length the Gaussian process is told for a crystal lengthened to
        the beam model's limit: the measured one (default, the kit's rule) or
        the one asked for (the authors' simulation); see
        :mod:`mlcrystal.force.feasibility`.
    compound_input : {"modulus", "identity"}, default "modulus"
        What the Gaussian process is told about a compound: its bending
        modulus (the study's design), or its identity (an ablation): each
        compound gets its own coordinate, evenly spaced over the modulus range
        of the box in the order of the moduli (:func:`compound_codes`), so that
        compounds of nearly equal modulus (2, 9 and 3: 0.602, 0.664 and
        0.677 GPa) are as far apart for the model as any two neighbours.

    Returns
    -------
    list of pandas.DataFrame

    Examples
    --------
    >>> from mlcrystal import study
    >>> from mlcrystal.force.campaigns import measure
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> land, rng = GaussianLandscape(), np.random.default_rng(0)
    >>> first = measure(land, authors_initial_design(land, random_state=0), 0.0, rng)
    >>> parts = run_authors(land, first, 2, rng, 0.0, study.SEARCH_BOUNDS)
    >>> [len(p) for p in parts]
    [1, 1]
    """
    box = check_bounds(bounds, need_modulus=True)
    rule = check_short_crystals(short_crystals)
    fresh_seed = optimizer_seed is None
    _check_options(kappa, 0 if optimizer_seed is None else optimizer_seed, maximizer, n_candidates)
    if (not isinstance(n_extra_intensities, Integral) or isinstance(n_extra_intensities, bool)
            or not 0 <= n_extra_intensities <= MAX_EXTRA_INTENSITIES):
        raise ValueError(f"n_extra_intensities must be an int in [0, {MAX_EXTRA_INTENSITIES}]; "
                         f"got {n_extra_intensities!r}.")
    if not isinstance(budget_left, Integral) or budget_left < 0:
        raise ValueError(f"budget_left must be an int >= 0; got {budget_left!r}.")
    if len(first) < 2:
        raise ValueError(f"the authors' loop needs at least 2 measured experiments to start; got {len(first)}.")
    if compound_input not in COMPOUND_INPUTS:
        raise ValueError(f"compound_input must be one of {COMPOUND_INPUTS}; got {compound_input!r}.")
    levels = _intensity_levels(int(n_extra_intensities), box)
    # what the model is told about a compound, and what its suggestion is snapped to
    code = compound_codes(landscape.moduli, box) if compound_input == "identity" else dict(landscape.moduli)
    data = [first]
    out: list[pd.DataFrame] = []
    best = float(first["force_mN"].max())
    left = int(budget_left)
    while left > 0 and (stop_at is None or best < stop_at):
        obs = told(pd.concat(data, ignore_index=True), rule)
        seed = int_seed(rng) if fresh_seed else optimizer_seed
        X = obs[list(INPUTS)].to_numpy(float)
        if compound_input == "identity":
            X[:, 0] = obs["compound"].map(code).to_numpy(float)
        s = authors_suggest(X, obs["force_mN"].to_numpy(float), box, code, kappa=kappa, optimizer_seed=seed,
                            maximizer=maximizer, n_candidates=n_candidates)
        compound = snap_modulus(s["E_suggested_GPa"], code, random_state=rng)
        powers = [float(s["P_mW_cm2"])]
        if n_extra_intensities:
            powers += extra_intensities(powers[0], n_extra=int(n_extra_intensities), levels=levels)
        cond = pd.DataFrame({"compound": compound, "L_um": float(s["L_um"]), "W_um": float(s["W_um"]),
                             "T_um": float(s["T_um"]), "P_mW_cm2": powers[:left]})
        m = measure(landscape, cond, noise, rng, rule)
        data.append(m)
        out.append(m)
        left -= len(m)
        best = max(best, float(m["force_mN"].max()))
    return out


#: Options of the ``"authors"`` strategy (see :func:`run_authors`); its initial design is
#: ``initial="study"`` (the study's 10 measurements) or ``initial="authors"`` (the code's 5 random points).
AUTHORS_OPTIONS = frozenset({"kappa", "optimizer_seed", "n_extra_intensities", "maximizer", "n_candidates",
                             "short_crystals", "compound_input"})


# ---------------------------------------------------------------------------
# the authors' simulation mode
# ---------------------------------------------------------------------------

def success_grid_extremes(landscape, bounds: Mapping | None = None,
                          levels: int = study.AUTHORS_SUCCESS_GRID_LEVELS) -> tuple[float, float]:
    """Largest and smallest force on the grid the authors' success rule uses (cached).

    The grid is every library modulus times ``levels`` evenly spaced values
    (ends included) of L, W, T and P; lengths too short for the landscape's
    beam theory are raised by ``landscape.snap`` as a measurement would be.

    Parameters
    ----------
    landscape : object
        The laboratory (``compounds``, ``force``, ``snap``).
    bounds : mapping, optional
        Search box; defaults to :data:`mlcrystal.study.SEARCH_BOUNDS`.
    levels : int, default 30
        Levels per continuous variable (:data:`mlcrystal.study.AUTHORS_SUCCESS_GRID_LEVELS`).

    Returns
    -------
    tuple of float
        ``(max_mN, min_mN)``.

    Examples
    --------
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> hi, lo = success_grid_extremes(GaussianLandscape(), levels=5)
    >>> round(hi, 2), lo < 1e-3
    (11.59, True)
    """
    if not isinstance(levels, Integral) or isinstance(levels, bool) or levels < 2:
        raise ValueError(f"levels must be an int >= 2 (grid values per variable); got {levels!r}.")
    box = check_bounds(bounds, need_modulus=True)
    key_fn = getattr(landscape, "definition_key", None)  # optional: landscapes that have it share results
    if callable(key_fn):
        key = (tuple(key_fn(c) for c in landscape.compounds), tuple(box.items()), int(levels))
        return _grid_extremes_by_definition(_Keyed(key, landscape, box, int(levels)))
    return _grid_extremes(landscape, box, int(levels))


class _Keyed:
    """A grid-extremes question, equal to another when the landscape definition, box and levels are."""

    __slots__ = ("key", "landscape", "box", "levels")

    def __init__(self, key: tuple, landscape: Any, box: dict[str, tuple[float, float]], levels: int) -> None:
        self.key, self.landscape, self.box, self.levels = key, landscape, box, levels

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Keyed) and self.key == other.key


@functools.cache
def _grid_extremes_by_definition(item: _Keyed) -> tuple[float, float]:
    return _grid_extremes(item.landscape, item.box, item.levels)


def _grid_extremes(landscape: Any, box: dict[str, tuple[float, float]], levels: int) -> tuple[float, float]:
    axes = {k: np.linspace(*box[k], int(levels)) for k in SIZE_POWER}
    W, T, P = (g.ravel() for g in np.meshgrid(axes["W_um"], axes["T_um"], axes["P_mW_cm2"], indexing="ij"))
    hi, lo = -np.inf, np.inf
    for compound in landscape.compounds:
        for length in axes["L_um"]:  # one length at a time keeps memory flat
            L, Ts = landscape.snap(np.full(T.shape, length), T)
            f = np.asarray(landscape.force(compound=compound, L_um=L, W_um=W, T_um=Ts, P_mW_cm2=P))
            hi, lo = max(hi, float(f.max())), min(lo, float(f.min()))
    return hi, lo


@dataclass
class SimulationResult:
    """One run of the authors' simulation mode.

    Attributes
    ----------
    experiments : float
        Experiment number (initial ones included) of the first success;
        ``inf`` when the budget ran out first.
    threshold_mN : float
        The force that counts as success.
    max_mN, min_mN : float
        The grid extremes the threshold comes from (``nan`` for a given target).
    history : pandas.DataFrame
        The campaign history (columns of :func:`mlcrystal.force.campaigns.run_campaign`).
    """

    experiments: float
    threshold_mN: float
    max_mN: float
    min_mN: float
    history: pd.DataFrame


def authors_simulation(landscape, budget: int = 1000, random_state: RandomState = None, *,
                       initial: str | pd.DataFrame = "authors", target: float | None = None,
                       noise: float = 0.0, bounds: Mapping | None = None, **options) -> SimulationResult:
    """The authors' simulation mode on a landscape: run until success or budget.

    Success (as in their code) is a best measured force of at least
    ``min + 0.9 (max - min)``, with max and min taken on the grid of
    :func:`success_grid_extremes`; ``target`` replaces that threshold by a
    force of your choice (e.g. 90 % of ``landscape.optimum()``).

    Parameters
    ----------
    landscape : object
        The laboratory.
    budget : int, default 1000
        Most experiments, initial ones included (the code's ``n_trial`` is 1000).
    random_state : None, int or numpy.random.Generator
        Seeds the initial design, ties between equal moduli and the noise.
    initial : {"authors", "study"} or DataFrame, default "authors"
        The 5 random integer points of :func:`authors_initial_design`, the
        study's 10 measurements (``landscape.initial_design()``) or your own
        conditions.
    target : float, optional
        Success threshold in mN instead of the grid rule; ``numpy.inf`` runs
        the whole budget.
    noise : float, default 0
        Relative measurement noise.
    bounds : mapping, optional
        Search box; defaults to :data:`mlcrystal.study.SEARCH_BOUNDS`.
    **options
        Passed to :func:`run_authors` (kappa, optimizer_seed,
        n_extra_intensities, maximizer, n_candidates).

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> res = authors_simulation(GaussianLandscape(), budget=7, random_state=0, target=1.0)
    >>> res.experiments <= 7 or res.experiments == float("inf")
    True
    """
    if not isinstance(budget, Integral) or isinstance(budget, bool) or budget < 1:
        raise ValueError(f"budget must be a positive integer number of experiments; got {budget!r}.")
    if not isinstance(noise, Real) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a relative standard deviation >= 0; got {noise!r}.")
    box = check_bounds(bounds, need_modulus=True)
    rng = check_random_state(random_state)
    if isinstance(initial, pd.DataFrame):
        design = initial
    elif initial == "authors":
        design = authors_initial_design(landscape, random_state=rng, bounds=box)
    elif initial == "study":
        design = landscape.initial_design()
    else:
        raise ValueError(f"initial must be 'authors', 'study' or a DataFrame of conditions; got {initial!r}.")
    if len(design) > budget:
        raise ValueError(f"budget ({budget}) is smaller than the initial design ({len(design)}); raise it.")
    if target is None:
        hi, lo = success_grid_extremes(landscape, box)
        threshold = lo + study.AUTHORS_SUCCESS_FRACTION * (hi - lo)
    else:
        if not isinstance(target, Real) or np.isnan(target) or target == -np.inf:
            raise ValueError(f"target must be a force in mN (numpy.inf runs the whole budget); got {target!r}.")
        hi, lo, threshold = float("nan"), float("nan"), float(target)
    first = measure(landscape, design, noise, rng, options.get("short_crystals", DEFAULT_SHORT_CRYSTALS))
    search = run_authors(landscape, first, budget - len(first), rng, noise, box, stop_at=threshold, **options)
    history = finish([first] + search, ["initial"] + ["search"] * len(search))
    hits = np.flatnonzero(history["force_mN"].to_numpy() >= threshold)
    experiments = float(history["experiment"].iloc[hits[0]]) if len(hits) else float("inf")
    return SimulationResult(experiments, float(threshold), hi, lo, history)


def edge_share(history: pd.DataFrame, bounds: Mapping | None = None,
               variables: Sequence[str] = ("W_um", "T_um", "P_mW_cm2")) -> float:
    """Share of the search experiments with at least one of ``variables`` on a box edge.

    A value counts as on an edge when it lies within 0.5 of a bound (it
    rounds to the bound). Extra intensities, when measured, count as
    experiments too.

    Parameters
    ----------
    history : pandas.DataFrame
        A campaign history (``phase`` and the input columns).
    bounds : mapping, optional
        Search box; defaults to :data:`mlcrystal.study.SEARCH_BOUNDS`.
    variables : sequence of str
        Inputs to check.

    Returns
    -------
    float
        ``nan`` when there is no search experiment.

    Examples
    --------
    >>> h = pd.DataFrame({"phase": ["initial", "search", "search"], "W_um": [700.0, 2000.0, 900.0],
    ...                   "T_um": [100.0, 120.0, 120.0], "P_mW_cm2": [208.0, 1000.0, 1000.0]})
    >>> edge_share(h)
    0.5
    """
    box = check_bounds(bounds, need_modulus=True)
    if not isinstance(history, pd.DataFrame) or "phase" not in history.columns:
        raise ValueError("history must be a campaign history (a DataFrame with a 'phase' column).")
    unknown = [v for v in variables if v not in SIZE_POWER or v not in history.columns]
    if unknown:
        raise ValueError(f"variables {unknown} are not continuous inputs of the history; "
                         f"choose from {list(SIZE_POWER)}.")
    search = history[history["phase"] == "search"]
    if search.empty:
        return float("nan")
    on = np.zeros(len(search), dtype=bool)
    for v in variables:
        x = search[v].to_numpy(float)
        on |= (np.abs(x - box[v][0]) <= 0.5) | (np.abs(x - box[v][1]) <= 0.5)
    return float(on.mean())


def edge_shares(histories: pd.DataFrame, by: Sequence[str], bounds: Mapping | None = None,
                variables: Sequence[str] = ("W_um", "T_um", "P_mW_cm2")) -> pd.Series:
    """:func:`edge_share` of every campaign in a table of histories.

    Parameters
    ----------
    histories : pandas.DataFrame
        Campaign histories, one campaign per combination of the ``by`` columns.
    by : sequence of str
        The columns that identify a campaign (e.g. ``["ablation", "landscape"]``).
    bounds, variables
        As in :func:`edge_share`.

    Returns
    -------
    pandas.Series
        One share per campaign, indexed by the ``by`` columns.

    Examples
    --------
    >>> h = pd.DataFrame({"run": ["a"] * 3 + ["b"] * 2, "phase": ["initial", "search", "search", "search", "search"],
    ...                   "W_um": [700.0, 2000.0, 900.0, 900.0, 900.0], "T_um": 120.0, "P_mW_cm2": 1000.0})
    >>> edge_shares(h, by=["run"]).tolist()
    [0.5, 0.0]
    """
    if isinstance(by, str) or not list(by):
        raise ValueError(f"by must be a non-empty list of column names, got {by!r}.")
    missing = [c for c in by if c not in histories.columns]
    if missing:
        raise ValueError(f"histories lack the by columns {missing}; they have {list(histories.columns)}.")
    return pd.Series({key: edge_share(h, bounds, variables) for key, h in histories.groupby(list(by))})
