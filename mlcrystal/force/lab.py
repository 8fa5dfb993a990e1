"""The laboratory protocol of the force half: one contract every strategy follows.

A campaign replays what the study did in the laboratory: measure a few
crystals, choose the next experiment, measure it, repeat. This module is the
public protocol every strategy uses (the kit's, the authors' loop and any
registered with :func:`mlcrystal.force.strategies.registry.register_strategy`):

- :class:`Laboratory`, the landscape contract (``compounds``, ``moduli``,
  ``force``, ``snap``, ``initial_design``), met by
  :class:`mlcrystal.force.landscape.BlockingForceLandscape` and
  :class:`mlcrystal.force.landscape.GaussianLandscape`;
- :data:`Bounds` and :func:`check_bounds`, the search box and its one check;
- :func:`measure` (snap the sizes to a testable crystal, then measure; a
  crystal shorter than the beam model's limit follows the short-crystal rule
  of :mod:`mlcrystal.force.feasibility`) and :func:`finish` (number the
  experiments and track the best so far);
- :func:`snap_modulus`, a searched modulus snapped to a compound of the library;
- :func:`random_design`, :func:`grid_points` and :func:`extra_intensities`, the designs.

For example:

>>> from mlcrystal.force.landscape import GaussianLandscape
>>> import numpy as np
>>> lab = GaussianLandscape()
>>> block = measure(lab, random_design(lab, 3, random_state=0), 0.0, np.random.default_rng(0))
>>> history = finish([block], ["initial"])
>>> history.experiment.tolist(), bool((history.best_mN.diff().dropna() >= 0).all())
([1, 2, 3], True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Integral
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from mlcrystal import study
from mlcrystal.force.feasibility import ASKED_LENGTH, DEFAULT_SHORT_CRYSTALS, measured_crystal
from mlcrystal.force.replay_tables import REPLAY_HISTORY_COLUMNS
from mlcrystal.seeding import RandomState, check_random_state

__all__ = ["Laboratory", "Bounds", "SIZE_POWER", "INPUTS", "HISTORY_COLUMNS", "STUDY_MAX_INTENSITY",
           "STUDY_INTENSITIES", "MAX_GRID_POINTS", "GRID_KINDS", "check_bounds", "random_design", "grid_size",
           "grid_points", "extra_intensities", "measure", "finish", "snap_modulus"]

#: The continuous inputs of a campaign, in the study's units: the crystal's size and the light intensity.
SIZE_POWER = ("L_um", "W_um", "T_um", "P_mW_cm2")

#: The five inputs of a history: the bending modulus, then :data:`SIZE_POWER`.
INPUTS: tuple[str, ...] = ("E_GPa",) + SIZE_POWER

#: Columns of a campaign history, in order (the history part of the replay-table schema).
#: Imported, not restated: they are the contract between this writer and ``load_replay``,
#: defined once with the table's schema.
HISTORY_COLUMNS = REPLAY_HISTORY_COLUMNS

#: Maximum light intensity of the study's set-up (mW/cm^2; :mod:`mlcrystal.study`).
STUDY_MAX_INTENSITY = study.MAX_INTENSITY_MW_CM2

#: The intensities of the study's initial data: 10, 25, 50, 75 and 100 % of the maximum.
STUDY_INTENSITIES = tuple(f * STUDY_MAX_INTENSITY for f in study.INITIAL_INTENSITY_FRACTIONS)

#: Largest grid :func:`grid_points` builds: levels^4 x compounds points (2 million
#: rows of 6 columns are about 100 MB; a 60-level grid of 9 compounds would be 117 million).
MAX_GRID_POINTS = 2_000_000

#: A search box: ``{name: (low, high)}`` for the inputs of :data:`INPUTS` (``E_GPa`` optional).
Bounds = Mapping[str, tuple[float, float]]


@runtime_checkable
class Laboratory(Protocol):
    """The landscape contract: what campaigns, strategies and metrics need of a landscape.

    ``compounds`` are the testable compounds, ``moduli`` their bending moduli
    (GPa, by compound); ``force`` measures the blocking force (mN) of crystals,
    with relative ``noise`` drawn from ``random_state``; ``snap`` maps sizes to
    the nearest crystal that can be tested; ``initial_design`` gives the
    study's initial conditions.
    """

    compounds: Any
    moduli: Any

    def force(self, compound: Any, L_um: Any, W_um: Any, T_um: Any, P_mW_cm2: Any,
              noise: float | None = None, random_state: RandomState = None) -> Any: ...

    def snap(self, L_um: Any, T_um: Any) -> tuple[Any, Any]: ...

    def initial_design(self) -> pd.DataFrame: ...


def check_bounds(bounds: Bounds | None = None, *, need_modulus: bool = False) -> dict[str, tuple[float, float]]:
    """Check a search box and return it as ``{name: (low, high)}`` floats.

    Parameters
    ----------
    bounds : mapping, optional
        ``{name: (low, high)}`` for the four inputs of :data:`SIZE_POWER` and,
        optionally, ``E_GPa``; defaults to :data:`mlcrystal.study.SEARCH_BOUNDS`.
    need_modulus : bool, default False
        Also require ``E_GPa`` (strategies that search the modulus as a number).

    Raises
    ------
    ValueError
        Not a mapping, a missing input, or a range that is not a finite pair with low < high.

    Examples
    --------
    >>> check_bounds()["T_um"]
    (50.0, 500.0)
    >>> check_bounds(dict(study.SEARCH_BOUNDS, L_um=(2, 1)))
    Traceback (most recent call last):
    ...
    ValueError: bounds['L_um'] must be finite with low < high; got (2.0, 1.0).
    """
    if bounds is None:
        bounds = study.SEARCH_BOUNDS
    needed = INPUTS if need_modulus else SIZE_POWER
    if not isinstance(bounds, Mapping):
        raise ValueError(f"bounds must be a mapping {{name: (low, high)}} for {list(needed)}; "
                         f"got {type(bounds).__name__}. Pass e.g. mlcrystal.study.SEARCH_BOUNDS.")
    missing = [k for k in needed if k not in bounds]
    if missing:
        raise ValueError(f"bounds must give (low, high) for {list(needed)}; missing {missing}. "
                         "Pass e.g. mlcrystal.study.SEARCH_BOUNDS.")
    out = {}
    for k in INPUTS:
        if k not in bounds:
            continue
        try:
            lo, hi = (float(v) for v in bounds[k])
        except (TypeError, ValueError) as err:
            raise ValueError(f"bounds[{k!r}] must be a pair (low, high) of numbers; got {bounds[k]!r}.") from err
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"bounds[{k!r}] must be finite with low < high; got ({lo}, {hi}).")
        out[k] = (lo, hi)
    return out


# ---------------------------------------------------------------------------
# designs
# ---------------------------------------------------------------------------

def random_design(landscape: Laboratory, n: int, random_state: RandomState = None,
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
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> random_design(GaussianLandscape(), 4, random_state=0).shape
    (4, 6)
    """
    if not isinstance(n, Integral) or n < 1:
        raise ValueError(f"n must be a positive integer number of conditions; got {n!r}.")
    checked = check_bounds(bounds)
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


def grid_points(landscape: Laboratory, levels: int | Mapping[str, int] = 3, bounds: Bounds | None = None,
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
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> g = grid_points(GaussianLandscape(), levels={"L_um": 3, "P_mW_cm2": 2})
    >>> len(g), sorted(g.L_um.unique().tolist())
    (54, [500.0, 1500.0, 2500.0])
    """
    if kind not in GRID_KINDS:
        raise ValueError(f"kind must be one of {GRID_KINDS}; got {kind!r}.")
    checked = check_bounds(bounds)
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
    """The intensities measured besides the suggested one (the ``"fast"`` strategy).

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

def measure(landscape: Laboratory, conditions: pd.DataFrame, noise: float, rng: np.random.Generator,
            short_crystals: str = DEFAULT_SHORT_CRYSTALS) -> pd.DataFrame:
    """Snap sizes to testable crystals, then measure their blocking force: one block of a history.

    Parameters
    ----------
    landscape : Laboratory
        The laboratory.
    conditions : pandas.DataFrame
        Columns ``compound, L_um, W_um, T_um, P_mW_cm2`` (one row per experiment).
    noise : float
        Relative Gaussian measurement noise (0: exact).
    rng : numpy.random.Generator
        The campaign's generator (the noise is drawn from it).
    short_crystals : {"register-measured", "register-asked", "refuse"}
        The rule for a crystal shorter than the beam model's limit
        (:mod:`mlcrystal.force.feasibility`): both ``register-*`` rules
        lengthen and measure it; ``"refuse"`` raises a ``ValueError``
        naming it. The default is the kit's rule (stored tables use it).

    Returns
    -------
    pandas.DataFrame
        ``compound, E_GPa, L_um, W_um, T_um, P_mW_cm2`` (as measured, after
        snapping), ``force_mN`` (measured), ``true_mN`` (noise-free) and
        :data:`~mlcrystal.force.feasibility.ASKED_LENGTH` (the length asked
        for, which :func:`~mlcrystal.force.feasibility.told` gives the
        surrogate under ``"register-asked"``; :func:`finish` drops it).
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


def finish(rows: list[pd.DataFrame], phases: list[str]) -> pd.DataFrame:
    """Join measured blocks into a campaign history.

    Parameters
    ----------
    rows : list of pandas.DataFrame
        Blocks from :func:`measure`, in the order measured (empty ones are skipped).
    phases : list of str
        The phase of each block (``"initial"`` or ``"search"``).

    Returns
    -------
    pandas.DataFrame
        The columns :data:`HISTORY_COLUMNS`: ``experiment`` numbered from 1
        and ``best_mN``, the best force measured so far.
    """
    parts = [r.assign(phase=p) for r, p in zip(rows, phases, strict=True) if len(r)]
    hist = pd.concat(parts, ignore_index=True)
    hist["experiment"] = np.arange(1, len(hist) + 1)
    hist["best_mN"] = hist["force_mN"].cummax()
    hist["compound"] = hist["compound"].astype(int)
    return hist[HISTORY_COLUMNS]


# ---------------------------------------------------------------------------
# a searched modulus snapped to a compound
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

