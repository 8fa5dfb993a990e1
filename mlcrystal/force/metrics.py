"""How efficient is an optimisation campaign? Experiments-to-target, grid ratios, Top%, EF, AF.

Definitions used throughout the book (state them before comparing):

experiments to target
    The experiment number (1-based, initial experiments included) at which a
    campaign first measures a force >= the target. ``inf`` when the campaign
    never reaches it within its budget (a right-censored run).
grid baseline
    A full factorial grid of ``N`` points of which ``k`` reach the target.
    Visited exhaustively it costs ``N`` experiments; visited in a uniformly
    random order, the expected position of the first hit is
    ``(N + 1) / (k + 1)`` (``inf`` when ``k = 0``: that grid never reaches
    the target).
efficiency ratio
    ``grid experiments / BO experiments`` for a stated grid baseline.
Top%(i), EF(i), AF(a)
    As in Liang et al. (2021) with random search as the baseline. Their pool is
    finite; our landscape is continuous, so the *top candidates* are the top
    ``fraction`` (5 %) of a reference pool of points drawn once, uniformly,
    with a fixed seed (:func:`reference_pool`), and a top candidate counts as
    *found* once the campaign has measured a force at least as large as it.
    Top%(i) is then the share of top candidates whose force the best-so-far
    after ``i`` experiments has matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral, Real
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.stats import binomtest

from mlcrystal.force.lab import Bounds, Laboratory, grid_points, random_design
from mlcrystal.seeding import RandomState, check_random_state

__all__ = ["experiments_to_target", "expected_first_hit", "grid_baseline", "efficiency_ratio", "reference_pool",
           "top_candidates", "top_percent", "enhancement_factor", "acceleration_factor", "best_so_far_bands",
           "quantile_band", "target_summary", "grid_ratio_table", "random_baseline", "cluster_bootstrap_interval",
           "experiments_to_targets", "distribution_table", "reproduces_study", "campaign_outcomes", "paired_ablation",
           "baseline_ratios", "ratio_table", "ABLATION_VALUES", "paired_ablations", "ablation_table",
           "label_ablations", "ABLATION_NAMES"]


def _check_history(history: object, columns: Iterable[str]) -> None:
    if not isinstance(history, pd.DataFrame):
        raise ValueError(f"history must be a pandas DataFrame from run_campaign(s); got {type(history).__name__}.")
    missing = [c for c in columns if c not in history.columns]
    if missing:
        raise ValueError(f"history lacks columns {missing}; it has {list(history.columns)}. "
                         "Pass the output of mlcrystal.force.campaigns.run_campaign or run_campaigns.")


def _check_target(target: object) -> float:
    value = float(target) if isinstance(target, Real) and not isinstance(target, bool) else float("nan")
    if not np.isfinite(value):
        raise ValueError(f"target must be a finite force in mN; got {target!r}.")
    return value


def experiments_to_target(history: pd.DataFrame, target: float, by: str | None = "seed",
                          column: str = "force_mN") -> float | pd.Series:
    """Experiments a campaign needed to first measure a force >= ``target``.

    Parameters
    ----------
    history : pandas.DataFrame
        Columns ``experiment`` and ``force_mN`` (and ``by`` for many campaigns).
    target : float
        Target blocking force (mN), e.g. ``0.95 * landscape.optimum()["force_mN"]``.
    by : str or None, default "seed"
        Group column; ``None`` (or a history without that column) treats the
        table as one campaign.
    column : str, default "force_mN"
        The force judged: the measured one, or ``"true_mN"`` (noise-free) to
        ask when a noisy campaign really measured a crystal that good.

    Returns
    -------
    float or pandas.Series
        The experiment number of the first hit, ``inf`` when never reached.

    Examples
    --------
    >>> h = pd.DataFrame({"experiment": [1, 2, 3], "force_mN": [5.0, 9.0, 12.0]})
    >>> experiments_to_target(h, 8.0)
    2.0
    >>> experiments_to_target(h, 20.0)
    inf
    """
    _check_history(history, ["experiment", column])
    target = _check_target(target)

    def first(h: pd.DataFrame) -> float:
        hit = h["experiment"].to_numpy()[h[column].to_numpy() >= target]
        return float(hit.min()) if hit.size else np.inf

    if by is None or by not in history.columns:
        return first(history)
    return history.groupby(by, sort=True).apply(first, include_groups=False).rename("experiments")


def expected_first_hit(n_points: int, n_hits: int) -> float:
    """Expected number of grid points visited, in random order, until the first hit.

    For ``k`` hits among ``N`` points visited without replacement in a
    uniformly random order, the first hit comes at ``(N + 1) / (k + 1)`` on
    average; ``inf`` when ``k = 0``.

    Examples
    --------
    >>> expected_first_hit(9, 1)
    5.0
    >>> expected_first_hit(10, 0)
    inf
    """
    for name, v in (("n_points", n_points), ("n_hits", n_hits)):
        if not isinstance(v, Integral) or v < 0:
            raise ValueError(f"{name} must be a non-negative integer; got {v!r}.")
    if n_hits > n_points or n_points == 0:
        raise ValueError(f"need 0 <= n_hits <= n_points and n_points >= 1; got n_hits={n_hits}, "
                         f"n_points={n_points}.")
    return np.inf if n_hits == 0 else (n_points + 1) / (n_hits + 1)


def grid_baseline(landscape: Laboratory, levels: int | Mapping[str, int], target: float,
                  bounds: Bounds | None = None, kind: str = "centres") -> dict[str, Any]:
    """The grid-search baseline for a target: grid size, hits and expected first hit.

    Every point of :func:`mlcrystal.force.lab.grid_points` is snapped to a
    testable crystal (``landscape.snap``) and measured without noise.

    Parameters
    ----------
    landscape : object
        The laboratory (see :mod:`mlcrystal.force.campaigns`).
    levels : int or dict
        Levels per continuous variable (all compounds of the library are used).
    target : float
        Target force (mN).
    bounds : dict, optional
    kind : {"centres", "edges"}, default "centres"
        Cell-centre grid or the grid including the box edges
        (:func:`mlcrystal.force.lab.grid_points`).

    Returns
    -------
    dict
        ``levels`` (as given), ``n_grid`` (N, the full grid), ``n_hits`` (k),
        ``expected_first_hit`` ((N+1)/(k+1) or inf), ``grid_best_mN``.

    Examples
    --------
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> lab = GaussianLandscape()  # the study's 5-D Gaussian test function
    >>> b = grid_baseline(lab, 2, target=1.0)
    >>> b["n_grid"], b["n_hits"], round(b["expected_first_hit"], 2)
    (144, 64, 2.23)
    """
    target = _check_target(target)
    grid = grid_points(landscape, levels=levels, bounds=bounds, kind=kind)
    force = _noise_free_force(landscape, grid)
    n, k = len(grid), int(np.sum(force >= target))
    return {"levels": levels, "n_grid": n, "n_hits": k, "expected_first_hit": expected_first_hit(n, k),
            "grid_best_mN": float(force.max())}


def _noise_free_force(landscape: Laboratory, conditions: pd.DataFrame) -> np.ndarray:
    L, T = landscape.snap(conditions["L_um"].to_numpy(float), conditions["T_um"].to_numpy(float))
    return np.asarray(landscape.force(compound=conditions["compound"].to_numpy(int), L_um=np.asarray(L),
                                      W_um=conditions["W_um"].to_numpy(float), T_um=np.asarray(T),
                                      P_mW_cm2=conditions["P_mW_cm2"].to_numpy(float)), dtype=float)


def efficiency_ratio(grid_experiments: float, bo_experiments: ArrayLike) -> float | np.ndarray:
    """Grid experiments divided by BO experiments (how many times fewer BO needed).

    Parameters
    ----------
    grid_experiments : float
        The stated grid baseline (full grid size, or expected first hit).
    bo_experiments : float or array-like
        Experiments to target of one or many BO campaigns (``inf`` allowed).

    Returns
    -------
    float or numpy.ndarray
        ``inf`` where the grid never reaches the target, ``0`` where BO never did.

    Examples
    --------
    >>> efficiency_ratio(600.0, [10.0, 40.0, np.inf])
    array([60., 15.,  0.])
    """
    g = float(grid_experiments)
    b = np.asarray(bo_experiments, dtype=float)
    if np.isnan(g) or g <= 0 or np.any(np.isnan(b)) or np.any(b <= 0):
        raise ValueError(f"experiment counts must be positive (inf allowed, not NaN); got grid={grid_experiments!r}, "
                         f"bo={bo_experiments!r}.")
    with np.errstate(invalid="ignore"):
        r = np.where(np.isinf(b), 0.0, g / b)
    r = np.where(np.isinf(g) & ~np.isinf(b), np.inf, r)
    return float(r) if r.ndim == 0 else r


def reference_pool(landscape: Laboratory, n: int = 10000, random_state: RandomState = 0,
                   bounds: Bounds | None = None) -> pd.DataFrame:
    """A fixed pool of random conditions with their (noise-free) forces.

    Used to define the *top candidates* of the continuous landscape (see the
    module docstring): draw ``n`` conditions once with a fixed seed
    (:func:`mlcrystal.force.lab.random_design`), snap them to testable
    crystals, and measure them without noise.

    Returns
    -------
    pandas.DataFrame
        Columns ``compound, E_GPa, L_um, W_um, T_um, P_mW_cm2, force_mN``.

    Examples
    --------
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> lab = GaussianLandscape()  # the study's 5-D Gaussian test function
    >>> reference_pool(lab, n=100).shape
    (100, 7)
    """
    pool = random_design(landscape, n, random_state=check_random_state(random_state), bounds=bounds)
    L, T = landscape.snap(pool["L_um"].to_numpy(float), pool["T_um"].to_numpy(float))
    pool["L_um"], pool["T_um"] = np.asarray(L, float), np.asarray(T, float)
    pool["force_mN"] = _noise_free_force(landscape, pool)
    return pool


def top_candidates(pool: pd.DataFrame, fraction: float = 0.05) -> np.ndarray:
    """Forces of the top ``fraction`` of a reference pool, in increasing order.

    Examples
    --------
    >>> top_candidates(pd.DataFrame({"force_mN": np.arange(100.0)}), 0.05)
    array([95., 96., 97., 98., 99.])
    """
    _check_history(pool, ["force_mN"])
    share = float(fraction) if isinstance(fraction, Real) and not isinstance(fraction, bool) else float("nan")
    if not 0 < share <= 1:
        raise ValueError(f"fraction must be in (0, 1], e.g. 0.05 for the top 5 %; got {fraction!r}.")
    n_top = max(1, int(round(share * len(pool))))
    return np.sort(pool["force_mN"].to_numpy(float))[-n_top:]


def top_percent(histories: pd.DataFrame, top_forces: ArrayLike, by: str | None = "seed") -> pd.DataFrame:
    """Top%(i): share of the top candidates matched by the best force after ``i`` experiments.

    Parameters
    ----------
    histories : pandas.DataFrame
        Columns ``experiment, force_mN`` (and ``by``).
    top_forces : array-like
        Forces of the top candidates (:func:`top_candidates`).
    by : str or None

    Returns
    -------
    pandas.DataFrame
        Columns ``by`` (if present), ``experiment``, ``top_pct`` (0 to 1).

    Examples
    --------
    >>> h = pd.DataFrame({"experiment": [1, 2, 3], "force_mN": [1.0, 3.5, 2.0]})
    >>> top_percent(h, [2.0, 3.0, 4.0, 5.0])["top_pct"].tolist()
    [0.0, 0.5, 0.5]
    """
    _check_history(histories, ["experiment", "force_mN"])
    top = np.sort(np.asarray(top_forces, dtype=float))
    if top.size == 0 or not np.all(np.isfinite(top)):
        raise ValueError("top_forces must be a non-empty array of finite forces (mN); "
                         "build it with top_candidates(reference_pool(landscape)).")
    keys = [by] if by is not None and by in histories.columns else []
    h = histories.sort_values(keys + ["experiment"], kind="stable")
    best = h.groupby(keys, sort=False)["force_mN"].cummax() if keys else h["force_mN"].cummax()
    out = h[keys + ["experiment"]].copy()
    out["top_pct"] = np.searchsorted(top, best.to_numpy(float), side="right") / top.size
    return out.reset_index(drop=True)


def _aggregate(top: pd.DataFrame, agg: str) -> pd.Series:
    if agg not in ("median", "mean"):
        raise ValueError(f"agg must be 'median' or 'mean'; got {agg!r}.")
    _check_history(top, ["experiment", "top_pct"])
    return top.groupby("experiment")["top_pct"].agg(agg)


def enhancement_factor(top_bo: pd.DataFrame, top_random: pd.DataFrame, agg: str = "mean") -> pd.DataFrame:
    """EF(i) = Top%_BO(i) / Top%_random(i) on the aggregated (mean or median) curves.

    Returns
    -------
    pandas.DataFrame
        Columns ``experiment, top_bo, top_random, ef``; ``ef`` is NaN where
        random search has found no top candidate yet.

    Examples
    --------
    >>> bo = pd.DataFrame({"experiment": [1, 2], "top_pct": [0.25, 0.75]})
    >>> rnd = pd.DataFrame({"experiment": [1, 2], "top_pct": [0.0, 0.25]})
    >>> enhancement_factor(bo, rnd)["ef"].tolist()
    [nan, 3.0]
    """
    a, b = _aggregate(top_bo, agg), _aggregate(top_random, agg)
    df = pd.concat({"top_bo": a, "top_random": b}, axis=1, join="inner").reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        df["ef"] = np.where(df["top_random"] > 0, df["top_bo"] / df["top_random"].where(df["top_random"] > 0), np.nan)
    return df


def acceleration_factor(top_bo: pd.DataFrame, top_random: pd.DataFrame,
                        levels: ArrayLike = (0.2, 0.4, 0.6, 0.8, 0.9, 1.0), agg: str = "mean") -> pd.DataFrame:
    """AF(a) = n_random(a) / n_BO(a), the experiments each needs to first reach Top% >= a.

    Counts come from the aggregated (mean or median) Top% curves; a level a
    strategy never reaches within its budget gives NaN counts and AF.

    Examples
    --------
    >>> bo = pd.DataFrame({"experiment": [1, 2, 3, 4], "top_pct": [0.0, 0.5, 1.0, 1.0]})
    >>> rnd = pd.DataFrame({"experiment": [1, 2, 3, 4], "top_pct": [0.0, 0.0, 0.5, 0.5]})
    >>> acceleration_factor(bo, rnd, levels=[0.5, 1.0])["af"].tolist()
    [1.5, nan]
    """
    lv_arr = np.asarray(levels, dtype=float)
    if lv_arr.ndim != 1 or lv_arr.size == 0 or np.any((lv_arr <= 0) | (lv_arr > 1)):
        raise ValueError(f"levels must be Top% values in (0, 1]; got {levels!r}.")
    a, b = _aggregate(top_bo, agg), _aggregate(top_random, agg)

    def first(curve: pd.Series, lv: float) -> float:
        hit = curve.index[curve.to_numpy() >= lv]
        return float(hit.min()) if len(hit) else np.nan

    rows = [{"level": lv, "n_bo": first(a, lv), "n_random": first(b, lv)} for lv in lv_arr]
    df = pd.DataFrame(rows)
    df["af"] = df["n_random"] / df["n_bo"]
    return df


def best_so_far_bands(histories: pd.DataFrame, q: Sequence[float] = (0.05, 0.5, 0.95),
                      group: Sequence[str] = ()) -> pd.DataFrame:
    """Quantiles of the best force so far across campaigns, per experiment number.

    Parameters
    ----------
    histories : pandas.DataFrame
        Columns ``experiment, best_mN`` plus any ``group`` columns.
    q : tuple of 3 floats
        Lower, middle and upper quantiles (default the 5-95 % band and median).
    group : sequence of str
        Extra columns to keep separate (e.g. ``("strategy",)``).

    Returns
    -------
    pandas.DataFrame
        Columns ``*group, experiment, lo, median, hi``.

    Examples
    --------
    >>> h = pd.DataFrame({"seed": [0, 0, 1, 1], "experiment": [1, 2, 1, 2], "best_mN": [1.0, 2.0, 3.0, 3.0]})
    >>> best_so_far_bands(h)["median"].tolist()
    [2.0, 2.5]
    """
    keys = list(group)
    _check_history(histories, ["experiment", "best_mN", *keys])
    if len(q) != 3 or not all(0 <= v <= 1 for v in q):
        raise ValueError(f"q must be three quantiles in [0, 1] (low, middle, high); got {q!r}.")
    g = histories.groupby(keys + ["experiment"])["best_mN"]
    out = pd.concat({"lo": g.quantile(q[0]), "median": g.quantile(q[1]), "hi": g.quantile(q[2])}, axis=1)
    return out.reset_index()


def quantile_band(values: ArrayLike, q: Sequence[float] = (0.05, 0.5, 0.95)) -> dict[str, float]:
    """Median and 5-95 % band of a sample (``inf`` values are kept, so censored runs count).

    A quantile that falls on or interpolates into an ``inf`` value is ``inf``.

    Examples
    --------
    >>> quantile_band([1.0, 2.0, 3.0, np.inf])["median"]
    2.5
    """
    v = np.asarray(values, dtype=float)
    if v.size == 0 or np.any(np.isnan(v)):
        raise ValueError("values must be a non-empty array without NaN (inf allowed).")
    # censored runs (inf) sort last; a quantile that would interpolate into one is inf
    finite_max = v[np.isfinite(v)].max() if np.isfinite(v).any() else -np.inf
    big = np.where(np.isinf(v), np.finfo(float).max, v)
    lo, med, hi = (np.inf if x > finite_max else float(x) for x in np.quantile(big, q))
    return {"lo": float(lo), "median": float(med), "hi": float(hi), "n": int(v.size),
            "n_inf": int(np.isinf(v).sum())}


def target_summary(histories: pd.DataFrame, target: float, group: Sequence[str] = ("strategy",),
                   column: str = "force_mN", q: Sequence[float] = (0.05, 0.5, 0.95),
                   grid_experiments: float | None = None) -> pd.DataFrame:
    """Experiments to target per group: campaigns, share reaching it, median and band.

    Parameters
    ----------
    histories : pandas.DataFrame
        Stacked campaigns with a ``seed`` column (e.g. a replay table).
    target : float
        Target force (mN).
    group : sequence of str
        Columns identifying a setting (strategy, acq, kappa, noise...).
    column : str
        ``"force_mN"`` (measured) or ``"true_mN"`` (noise-free).
    q : tuple of 3 floats
        Quantiles for the band; ``inf`` marks a quantile that falls on runs
        that never reached the target.
    grid_experiments : float, optional
        A grid baseline; adds the efficiency ratio's ``ratio_lo, ratio_median,
        ratio_hi`` (grid / experiments, so ``ratio_lo = grid / hi``; 0 where
        the campaigns never reached the target).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``campaigns, reached`` (share), ``lo, median, hi``
        (experiments to target) and the ratio columns when asked.

    Examples
    --------
    >>> h = pd.DataFrame({"strategy": "skopt", "seed": [0, 0, 1, 1], "experiment": [1, 2, 1, 2],
    ...                   "force_mN": [1.0, 5.0, 6.0, 2.0]})
    >>> target_summary(h, 4.0)[["campaigns", "reached", "median"]].to_dict("records")
    [{'campaigns': 2, 'reached': 1.0, 'median': 1.5}]
    """
    keys = list(group)
    _check_history(histories, ["seed", "experiment", column, *keys])
    rows = []
    for key, h in histories.groupby(keys, sort=True, dropna=False):
        n = np.atleast_1d(np.asarray(experiments_to_target(h, target, by="seed", column=column), dtype=float))
        band = quantile_band(n, q=q)
        rows.append({**dict(zip(keys, key, strict=True)), "campaigns": band["n"],
                     "reached": float(np.isfinite(n).mean()), "lo": band["lo"], "median": band["median"],
                     "hi": band["hi"]})
    out = pd.DataFrame(rows)
    if grid_experiments is not None:
        for r, e in (("ratio_lo", "hi"), ("ratio_median", "median"), ("ratio_hi", "lo")):
            out[r] = efficiency_ratio(grid_experiments, out[e].to_numpy(float))
    return out


def grid_ratio_table(landscape: Laboratory, levels: Iterable[int], target: float, bo_experiments: ArrayLike,
                     bounds: Bounds | None = None) -> pd.DataFrame:
    """Efficiency ratio of BO over grid search for several grid resolutions.

    For each resolution: the grid size N, its hits k, the expected first hit
    in random order (N+1)/(k+1), and the ratio of each of these two grid
    baselines to the median BO experiments-to-target.

    Parameters
    ----------
    landscape : object
    levels : iterable of int
        Levels per continuous variable (all library compounds each time).
    target : float
    bo_experiments : array-like
        Experiments to target of the BO campaigns (``inf`` for censored runs).
    bounds : dict, optional

    Returns
    -------
    pandas.DataFrame
        Columns ``levels, n_grid, n_hits, expected_first_hit, grid_best_mN,
        ratio_full_grid, ratio_expected``.

    Examples
    --------
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> lab = GaussianLandscape()  # the study's 5-D Gaussian test function
    >>> t = grid_ratio_table(lab, [2], 1.0, [2.0, 4.0])
    >>> t[["n_grid", "n_hits", "ratio_full_grid"]].round(2).to_dict("records")
    [{'n_grid': 144, 'n_hits': 64, 'ratio_full_grid': 48.0}]
    """
    med = quantile_band(bo_experiments)["median"]
    rows = []
    for lv in levels:
        b = grid_baseline(landscape, int(lv), target, bounds=bounds)
        b["ratio_full_grid"] = efficiency_ratio(b["n_grid"], med)
        b["ratio_expected"] = efficiency_ratio(b["expected_first_hit"], med)
        rows.append(b)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# random search at the target, bootstrap intervals, distributions over landscapes
# ---------------------------------------------------------------------------

def random_baseline(landscape: Laboratory | None, target: float, n: int = 200_000, random_state: RandomState = 0,
                    bounds: Bounds | None = None, n_initial: int = 0, level: float = 0.95,
                    forces: ArrayLike | None = None) -> dict[str, float]:
    """Experiments random search needs, on average, to reach ``target``: computed, not simulated.

    Uniform random conditions hit the target independently with probability
    ``p``; the first hit then comes after ``1 / p`` draws on average
    (geometric). ``p`` is estimated from a large :func:`reference_pool`
    (``k`` hits of ``n``) as :func:`expected_first_hit` of that pool,
    ``(n + 1) / (k + 1)``, with a Wilson score interval on ``p`` turned into
    an interval on the experiments. ``n_initial`` experiments of an initial
    design that misses the target are added.

    Parameters
    ----------
    landscape : object
        The laboratory (see :mod:`mlcrystal.force.campaigns`).
    target : float
        Target force (mN).
    n : int, default 200000
        Size of the reference pool.
    random_state : None, int or numpy.random.Generator, default 0
        Seed of the pool.
    bounds : dict, optional
    n_initial : int, default 0
        Initial experiments before the random search starts.
    level : float, default 0.95
        Coverage of the interval.
    forces : array-like, optional
        The noise-free forces of a pool already drawn (``reference_pool(...)["force_mN"]``),
        to judge several targets on one pool; ``landscape``, ``n`` and
        ``random_state`` are then not used.

    Returns
    -------
    dict
        ``n_pool, n_hits, hit_rate, expected`` and the interval ``lo, hi``
        (``inf`` when the pool holds no hit).

    Examples
    --------
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> b = random_baseline(GaussianLandscape(), target=5.0, n=20000)
    >>> bool(b["n_hits"] > 0 and b["lo"] < b["expected"] < b["hi"])
    True
    """
    target = _check_target(target)
    if not isinstance(n, Integral) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}.")
    if not isinstance(n_initial, Integral) or n_initial < 0:
        raise ValueError(f"n_initial must be an integer >= 0; got {n_initial!r}.")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}.")
    if forces is None:
        force = reference_pool(landscape, n=int(n), random_state=random_state, bounds=bounds)["force_mN"].to_numpy()
    else:
        force = np.asarray(forces, dtype=float).ravel()
        if force.size == 0 or np.any(~np.isfinite(force)):
            raise ValueError("forces must be a non-empty array of finite forces (mN).")
        n = int(force.size)
    k = int(np.sum(force >= target))
    p = k / n
    ci = binomtest(k, int(n)).proportion_ci(confidence_level=level, method="wilson")
    p_lo, p_hi = (float(ci.low) if k else 0.0), float(ci.high)
    return {"n_pool": int(n), "n_hits": k, "hit_rate": p,
            "expected": n_initial + expected_first_hit(int(n), k),
            "lo": n_initial + 1.0 / p_hi, "hi": n_initial + (1.0 / p_lo if p_lo > 0 else np.inf)}


def _statistic(name: str) -> Any:
    stats = {"median": lambda v: quantile_band(v, q=(0.5, 0.5, 0.5))["median"],
             "mean": lambda v: float(np.mean(v)),
             "share": lambda v: float(np.mean(np.isfinite(v)))}
    if name not in stats:
        raise ValueError(f"statistic must be one of {sorted(stats)}; got {name!r}.")
    return stats[name]


def cluster_bootstrap_interval(values: ArrayLike, statistic: str = "median", clusters: ArrayLike | None = None,
                       n_boot: int = 2000, level: float = 0.9, random_state: RandomState = 0) -> dict[str, float]:
    """A statistic of a sample and its two-stage (cluster) percentile bootstrap interval.

    Clusters are resampled with replacement, then members within each drawn
    cluster; without ``clusters`` this is the ordinary percentile bootstrap of
    ``values``. (:func:`mlcrystal.crystal.correlations.bootstrap_interval` is
    the paired bootstrap of a correlation.)

    Parameters
    ----------
    values : array-like
        E.g. experiments to target of many campaigns (``inf`` for censored
        runs: the median treats them as the largest values, ``"share"`` counts
        the finite ones).
    statistic : {"median", "mean", "share"}
        ``"share"`` is the fraction of finite values (campaigns that reached
        the target).
    clusters : array-like, optional
        A label per value (e.g. the landscape): the bootstrap first draws
        clusters with replacement, then values within each drawn cluster, so
        the interval covers the spread over landscapes as well as over seeds.
    n_boot : int, default 2000
    level : float, default 0.9
    random_state : None, int or numpy.random.Generator, default 0

    Returns
    -------
    dict
        ``estimate, lo, hi, n`` (values) and ``n_clusters``.

    Examples
    --------
    >>> r = cluster_bootstrap_interval([3.0, 5.0, 7.0, 9.0, np.inf], "median", random_state=0)
    >>> r["estimate"], r["lo"] <= 7.0 <= r["hi"]
    (7.0, True)
    >>> cluster_bootstrap_interval([1.0, np.inf, 2.0, np.inf], "share")["estimate"]
    0.5
    """
    v = np.asarray(values, dtype=float).ravel()
    if v.size == 0 or np.any(np.isnan(v)):
        raise ValueError("values must be a non-empty array without NaN (inf allowed).")
    if not isinstance(n_boot, Integral) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer; got {n_boot!r}.")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}.")
    stat = _statistic(statistic)
    rng = check_random_state(random_state)
    if clusters is None:
        labels = np.zeros(v.size, dtype=int)
    else:
        c = np.asarray(clusters).ravel()
        if c.shape != v.shape:
            raise ValueError(f"clusters must have one label per value; got {c.size} labels for {v.size} values.")
        labels = pd.factorize(c)[0]
    order = np.argsort(labels, kind="stable")
    vals = v[order]
    lens = np.bincount(labels)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    n_groups = lens.size
    boots = np.empty(int(n_boot))
    for b in range(int(n_boot)):
        pick = rng.integers(0, n_groups, n_groups)
        rep = np.repeat(pick, lens[pick])
        idx = starts[rep] + (rng.random(rep.size) * lens[rep]).astype(int)
        boots[b] = stat(vals[idx])
    finite = np.where(np.isinf(boots), np.finfo(float).max, boots)
    lo, hi = np.quantile(finite, [(1 - level) / 2, (1 + level) / 2])
    as_inf = [np.inf if x >= np.finfo(float).max else float(x) for x in (lo, hi)]
    return {"estimate": float(stat(v)), "lo": as_inf[0], "hi": as_inf[1], "n": int(v.size),
            "n_clusters": int(n_groups)}


def experiments_to_targets(histories: pd.DataFrame, targets: Mapping[str, float],
                           group: Sequence[str] = ("strategy", "variant", "grid_levels"),
                           column: str = "force_mN") -> pd.DataFrame:
    """Experiments to target of every campaign, each landscape judged against its own target.

    Parameters
    ----------
    histories : pandas.DataFrame
        A replay table with columns ``landscape, seed, experiment`` and ``group``.
    targets : mapping
        Target force (mN) per landscape name, e.g. 90 % of each member's optimum.
    group : sequence of str
        Columns naming a strategy setting.
    column : str, default "force_mN"

    Returns
    -------
    pandas.DataFrame
        One row per campaign: ``landscape, *group, seed, budget, target_mN,
        experiments`` (``inf`` when not reached within ``budget``).

    Examples
    --------
    >>> h = pd.DataFrame({"landscape": ["a"] * 2 + ["b"] * 2, "strategy": "x", "seed": 0,
    ...                   "experiment": [1, 2, 1, 2], "force_mN": [1.0, 5.0, 1.0, 5.0]})
    >>> experiments_to_targets(h, {"a": 4.0, "b": 6.0}, group=["strategy"])["experiments"].tolist()
    [2.0, inf]
    """
    keys = ["landscape", *group, "seed"]
    _check_history(histories, ["experiment", column, *keys])
    missing = sorted(set(histories["landscape"].unique()) - set(targets))
    if missing:
        raise ValueError(f"targets has no value for the landscape(s) {missing[:5]}; give one per landscape.")
    rows = []
    for key, h in histories.groupby(keys, sort=True, dropna=False):
        t = _check_target(targets[key[0]])
        hit = h["experiment"].to_numpy()[h[column].to_numpy() >= t]
        rows.append({**dict(zip(keys, key, strict=True)), "budget": int(h["experiment"].max()), "target_mN": t,
                     "experiments": float(hit.min()) if hit.size else np.inf})
    return pd.DataFrame(rows)


def distribution_table(per_campaign: pd.DataFrame, group: Sequence[str] = ("strategy", "variant", "grid_levels"),
                       value: str = "experiments", n_boot: int = 2000, level: float = 0.9,
                       random_state: RandomState = 0) -> pd.DataFrame:
    """Median and share reached per setting, over seeds and landscapes, with cluster-bootstrap intervals.

    Parameters
    ----------
    per_campaign : pandas.DataFrame
        :func:`experiments_to_targets` output (or any table with ``landscape``,
        ``group`` and ``value``).
    group : sequence of str
    value : str, default "experiments"
    n_boot, level, random_state
        See :func:`cluster_bootstrap_interval` (landscapes are the clusters).

    Returns
    -------
    pandas.DataFrame
        One row per setting: ``landscapes, campaigns``, ``reached`` with
        ``reached_lo, reached_hi`` and ``median`` with ``median_lo, median_hi``.

    Examples
    --------
    >>> t = pd.DataFrame({"landscape": list("aabb"), "strategy": "x", "experiments": [2.0, 4.0, np.inf, 6.0]})
    >>> distribution_table(t, group=["strategy"])[["landscapes", "campaigns", "reached", "median"]].to_dict("records")
    [{'landscapes': 2, 'campaigns': 4, 'reached': 0.75, 'median': 5.0}]
    """
    keys = list(group)
    _check_history(per_campaign, ["landscape", value, *keys])
    rows = []
    for key, g in per_campaign.groupby(keys, sort=True, dropna=False):
        v, c = g[value].to_numpy(float), g["landscape"].to_numpy()
        share = cluster_bootstrap_interval(v, "share", c, n_boot=n_boot, level=level, random_state=random_state)
        med = cluster_bootstrap_interval(v, "median", c, n_boot=n_boot, level=level, random_state=random_state)
        rows.append({**dict(zip(keys, key, strict=True)), "landscapes": share["n_clusters"], "campaigns": share["n"],
                     "reached": share["estimate"], "reached_lo": share["lo"], "reached_hi": share["hi"],
                     "median": med["estimate"], "median_lo": med["lo"], "median_hi": med["hi"]})
    return pd.DataFrame(rows)


def reproduces_study(histories: pd.DataFrame, threshold: float = 37.0, within: int = 100,
                     column: str = "true_mN") -> pd.DataFrame:
    """Per landscape: the share of campaigns that measured at least ``threshold`` within ``within`` experiments.

    The study reports a best force of 37.0 mN (:data:`mlcrystal.study`)
    reached within its ``N_EXPERIMENTS`` experiments; a campaign
    *reproduces what happened* when it does as well in as many.

    Parameters
    ----------
    histories : pandas.DataFrame
        Campaigns of one setting: ``landscape, seed, experiment`` and ``column``.
    threshold : float, default 37.0
    within : int, default 100
    column : str, default "true_mN"

    Returns
    -------
    pandas.DataFrame
        ``landscape, campaigns, reproduced`` (count) and ``share``.

    Examples
    --------
    >>> h = pd.DataFrame({"landscape": "a", "seed": [0, 0, 1, 1], "experiment": [1, 2, 1, 2],
    ...                   "true_mN": [30.0, 40.0, 10.0, 20.0]})
    >>> reproduces_study(h, within=2).to_dict("records")
    [{'landscape': 'a', 'campaigns': 2, 'reproduced': 1, 'share': 0.5}]
    """
    _check_history(histories, ["landscape", "seed", "experiment", column])
    if not isinstance(within, Integral) or within < 1:
        raise ValueError(f"within must be a positive integer of experiments; got {within!r}.")
    early = histories[histories["experiment"] <= within]
    best = early.groupby(["landscape", "seed"])[column].max() >= _check_target(threshold)
    out = best.groupby(level="landscape").agg(campaigns="size", reproduced="sum").reset_index()
    out["reproduced"] = out["reproduced"].astype(int)
    out["share"] = out["reproduced"] / out["campaigns"]
    return out


def campaign_outcomes(histories: pd.DataFrame, targets: Mapping[str, float], optima: Mapping[str, float],
                      group: Sequence[str] = ("strategy", "variant"), within: int | None = None,
                      column: str = "force_mN") -> pd.DataFrame:
    """Per campaign: experiments to target, and the best force at the start and at the end as shares of the optimum.

    Parameters
    ----------
    histories : pandas.DataFrame
        A replay table (``landscape, seed, experiment, phase`` and ``group``).
    targets, optima : mapping
        Target and optimum force (mN) per landscape name.
    group : sequence of str
        Columns naming a setting.
    within : int, optional
        Only the first ``within`` experiments count (e.g. the study's 100).
    column : str, default "force_mN"

    Returns
    -------
    pandas.DataFrame
        One row per campaign: ``landscape, *group, seed, budget, target_mN,
        experiments`` (as :func:`experiments_to_targets`), ``initial_share``
        (best of the initial design / optimum), ``best_share`` (best of the
        campaign / optimum) and ``gain_share`` (their difference: what the
        search added).

    Examples
    --------
    >>> h = pd.DataFrame({"landscape": "a", "strategy": "x", "variant": "v", "seed": 0, "experiment": [1, 2, 3],
    ...                   "phase": ["initial", "search", "search"], "force_mN": [2.0, 5.0, 9.0]})
    >>> campaign_outcomes(h, {"a": 8.0}, {"a": 10.0}, within=2)[["experiments", "initial_share", "best_share"]]
       experiments  initial_share  best_share
    0          inf            0.2         0.5
    """
    _check_history(histories, ["landscape", "seed", "experiment", "phase", column, *group])
    if within is not None:
        if not isinstance(within, Integral) or within < 1:
            raise ValueError(f"within must be a positive integer of experiments; got {within!r}.")
        histories = histories[histories["experiment"] <= within]
    missing = sorted(set(histories["landscape"].unique()) - set(optima))
    if missing:
        raise ValueError(f"optima has no value for the landscape(s) {missing[:5]}; give one per landscape.")
    out = experiments_to_targets(histories, targets, group=group, column=column)
    keys = ["landscape", *group, "seed"]
    start = histories[histories["phase"] == "initial"].groupby(keys, dropna=False)[column].max().rename("_start")
    best = histories.groupby(keys, dropna=False)[column].max().rename("_best")
    out = out.merge(start.reset_index(), on=keys, how="left").merge(best.reset_index(), on=keys, how="left")
    opt = out["landscape"].map(dict(optima)).astype(float)
    out["initial_share"] = out.pop("_start") / opt
    out["best_share"] = out.pop("_best") / opt
    out["gain_share"] = out["best_share"] - out["initial_share"]
    return out


def paired_ablation(per_campaign: pd.DataFrame, baseline: str, value: str = "best_share",
                    label: str = "ablation", by: str = "landscape", n_boot: int = 2000, level: float = 0.9,
                    random_state: RandomState = 0) -> pd.DataFrame:
    """Each ablation against the unchanged setting, paired landscape by landscape.

    An ablation changes one thing (an option of the loop, or the landscape)
    and is run on the same landscapes as the baseline. Comparing it landscape
    by landscape removes the spread between landscapes, so a cause is
    supported only if the change moves most landscapes the same way.

    Parameters
    ----------
    per_campaign : pandas.DataFrame
        One row per campaign: ``by`` (the landscape the pair shares),
        ``label``, ``value`` (e.g. the best force after 100 experiments as a
        share of the landscape's optimum) and ``experiments`` (experiments to
        target, ``inf`` if not reached). Several seeds per landscape are
        averaged (``value``) or counted (reached) per landscape first.
    baseline : str
        The ``label`` of the unchanged setting.
    value : str, default "best_share"
    label, by : str
    n_boot, level, random_state
        See :func:`cluster_bootstrap_interval` (the landscapes are resampled).

    Returns
    -------
    pandas.DataFrame
        One row per ablation: ``landscapes`` (paired), ``reached_base`` and
        ``reached`` (share of campaigns that reached the target), the
        ``median_change`` of ``value`` (ablated minus baseline) with its
        bootstrap interval ``change_lo, change_hi``, and the shares of
        landscapes where ``value`` rose (``better``) or fell (``worse``).

    Raises
    ------
    ValueError
        Missing columns, an unknown baseline, or an ablation that shares no
        landscape with it.

    Examples
    --------
    >>> t = pd.DataFrame({"landscape": list("abcabc"), "ablation": ["base"] * 3 + ["x"] * 3,
    ...                   "best_share": [0.5, 0.6, 0.7, 0.8, 0.6, 0.9],
    ...                   "experiments": [np.inf] * 3 + [50.0, np.inf, 60.0]})
    >>> paired_ablation(t, "base")[["ablation", "landscapes", "median_change", "better", "reached"]].round(2)
      ablation  landscapes  median_change  better  reached
    0        x           3            0.2    0.67     0.67
    """
    _check_history(per_campaign, [by, label, value, "experiments"])
    labels = per_campaign[label].unique()
    if baseline not in labels:
        raise ValueError(f"baseline {baseline!r} is not a value of column {label!r} "
                         f"(found {sorted(map(str, labels))}).")
    per = per_campaign.assign(_reached=np.isfinite(per_campaign["experiments"].to_numpy(float)))
    mean = per.groupby([label, by])[[value, "_reached"]].mean()
    base = mean.loc[baseline]
    rows = []
    for name in labels:
        if name == baseline:
            continue
        ab = mean.loc[name]
        shared = ab.index.intersection(base.index)
        if shared.empty:
            raise ValueError(f"ablation {name!r} shares no {by} with the baseline {baseline!r}.")
        diff = (ab.loc[shared, value] - base.loc[shared, value]).to_numpy(float)
        ci = cluster_bootstrap_interval(diff, "median", n_boot=n_boot, level=level, random_state=random_state)
        rows.append({label: name, "landscapes": len(shared), "reached_base": float(base.loc[shared, "_reached"].mean()),
                     "reached": float(ab.loc[shared, "_reached"].mean()), "median_change": ci["estimate"],
                     "change_lo": ci["lo"], "change_hi": ci["hi"], "better": float(np.mean(diff > 0)),
                     "worse": float(np.mean(diff < 0))})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# chapter 7's tables: efficiency ratios over landscapes, ablations against the unchanged loop
# ---------------------------------------------------------------------------

def baseline_ratios(per_campaign: pd.DataFrame, baselines: Mapping[str, pd.DataFrame],
                    setting: str = "setting") -> pd.DataFrame:
    """Each campaign's efficiency ratio against its own landscape's baseline, for several baselines.

    Parameters
    ----------
    per_campaign : pandas.DataFrame
        One row per campaign with ``landscape``, ``experiments`` (to target,
        ``inf`` when not reached) and the column ``setting``.
    baselines : mapping of str to pandas.DataFrame
        Baseline name -> one row per landscape with ``landscape`` and
        ``expected`` (the baseline's expected experiments to target).
    setting : str, default "setting"
        The column naming each campaign's setting.

    Returns
    -------
    pandas.DataFrame
        ``landscape, setting, baseline, ratio`` (:func:`efficiency_ratio`),
        baseline by baseline, landscape by landscape, campaigns in their order.

    Examples
    --------
    >>> per = pd.DataFrame({"landscape": ["a", "a", "b"], "setting": "BO", "experiments": [10.0, np.inf, 20.0]})
    >>> base = pd.DataFrame({"landscape": ["a", "b"], "expected": [100.0, 40.0]})
    >>> baseline_ratios(per, {"grid": base}).ratio.tolist()
    [10.0, 0.0, 2.0]
    """
    _check_history(per_campaign, ["landscape", "experiments", setting])
    rows = []
    for label, base in baselines.items():
        _check_history(base, ["landscape", "expected"])
        for _, b in base.iterrows():
            sel = per_campaign[per_campaign.landscape == b.landscape]
            rows += [{"landscape": b.landscape, "setting": s, "baseline": label,
                      "ratio": float(efficiency_ratio(b.expected, e))}
                     for s, e in zip(sel[setting], sel["experiments"], strict=True)]
    return pd.DataFrame(rows, columns=["landscape", "setting", "baseline", "ratio"])


def ratio_table(ratios: pd.DataFrame, n_boot: int = 2000, level: float = 0.9,
                random_state: RandomState = 0) -> pd.DataFrame:
    """The distribution of efficiency ratios per setting and baseline, over landscapes.

    Parameters
    ----------
    ratios : pandas.DataFrame
        :func:`baseline_ratios` output.
    n_boot, level, random_state
        See :func:`distribution_table` (landscapes are the clusters).

    Returns
    -------
    pandas.DataFrame
        One row per (setting, baseline): the columns of :func:`distribution_table`
        for the ratio (a campaign that never reached the target has ratio 0),
        then ``reached_n`` and the 5 %, 50 % and 95 % quantiles of the ratios
        of the campaigns that reached it (``q05_if_reached``,
        ``median_if_reached``, ``q95_if_reached``).

    Examples
    --------
    >>> r = pd.DataFrame({"landscape": list("aabb"), "setting": "BO", "baseline": "grid",
    ...                   "ratio": [2.0, 0.0, 4.0, 6.0]})
    >>> ratio_table(r, n_boot=50)[["setting", "baseline", "median", "reached_n", "median_if_reached"]].values.tolist()
    [['BO', 'grid', 3.0, 3, 4.0]]
    """
    _check_history(ratios, ["landscape", "setting", "baseline", "ratio"])
    table = distribution_table(ratios, group=["setting", "baseline"], value="ratio", n_boot=n_boot, level=level,
                               random_state=random_state)
    if_reached = pd.DataFrame([{"setting": s, "baseline": b, **quantile_band(g.ratio[g.ratio > 0])}
                               for (s, b), g in ratios.groupby(["setting", "baseline"])])
    return table.merge(if_reached.rename(columns={"n": "reached_n", "lo": "q05_if_reached",
                                                  "median": "median_if_reached", "hi": "q95_if_reached"}),
                       on=["setting", "baseline"])


#: The outcomes :func:`paired_ablations` compares, and what each means.
ABLATION_VALUES = {"best_share": "best force within the budget, as a share of the landscape's optimum",
                   "gain_share": "best force gained by the search, as a share of the optimum",
                   "initial_share": "best force of the initial design, as a share of the optimum"}


def paired_ablations(outcomes: pd.DataFrame, baseline: str, n_boot: int = 2000, level: float = 0.9,
                     random_state: RandomState = 0) -> dict[str, pd.DataFrame]:
    """:func:`paired_ablation` for each outcome of :data:`ABLATION_VALUES`, indexed by ablation.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        :func:`campaign_outcomes` output with an ``ablation`` column.
    baseline : str
        The ablation every other is compared with (e.g. ``"unchanged"``).
    n_boot, level, random_state
        See :func:`paired_ablation`.

    Returns
    -------
    dict of str to pandas.DataFrame
        Outcome -> :func:`paired_ablation` table indexed by ``ablation``.
    """
    return {v: paired_ablation(outcomes, baseline, value=v, n_boot=n_boot, level=level,
                               random_state=random_state).set_index("ablation")
            for v in ABLATION_VALUES}


def ablation_table(paired: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Chapter 7's ablation table in percent, from :func:`paired_ablations`.

    Parameters
    ----------
    paired : mapping
        :func:`paired_ablations` output (needs ``best_share`` and ``gain_share``).

    Returns
    -------
    pandas.DataFrame
        Per ablation: ``landscapes``, the share of landscapes reaching the
        target unchanged and with the ablation, the median change of the best
        force (% of optimum) with its interval ``lo``/``hi``, the share of
        landscapes where the ablation did better, and the median change of
        the search's gain with ``gain lo``/``gain hi``.

    Examples
    --------
    >>> best = pd.DataFrame({"landscapes": [4], "reached_base": [0.5], "reached": [0.75], "median_change": [0.1],
    ...                      "change_lo": [0.0], "change_hi": [0.2], "better": [0.75]}, index=["x"])
    >>> gain = best.assign(median_change=0.05, change_lo=-0.01, change_hi=0.1)
    >>> float(ablation_table({"best_share": best, "gain_share": gain}).loc["x", "best: median change (% of optimum)"])
    10.0
    """
    for key in ("best_share", "gain_share"):
        if key not in paired:
            raise ValueError(f"paired lacks {key!r}; pass the output of paired_ablations().")
    best, gain = paired["best_share"], paired["gain_share"]
    return pd.DataFrame({
        "landscapes": best.landscapes,
        "reached, unchanged (%)": 100 * best.reached_base,
        "reached (%)": 100 * best.reached,
        "best: median change (% of optimum)": 100 * best.median_change,
        "lo": 100 * best.change_lo, "hi": 100 * best.change_hi,
        "landscapes better (%)": 100 * best.better,
        "search gain: median change": 100 * gain.median_change,
        "gain lo": 100 * gain.change_lo, "gain hi": 100 * gain.change_hi})


#: The ablations of the authors' loop in ``replay_ablation`` (``benchmarks/replay_ch6.py``): variant -> label;
#: ``"n_extra=0"`` is the unchanged loop. The ablation on altered landscapes is labelled by
#: :func:`label_ablations`'s ``shared_label``.
ABLATION_NAMES = MappingProxyType({
    "n_extra=0": "unchanged",
    "n_extra=0;maximizer=sampling": "sampling maximiser",
    "n_extra=0;optimizer_seed=fresh": "fresh optimiser seed",
    "n_extra=4": "4 extra intensities",
    "n_extra=0;compound_input=identity": "compound identity",
})


def label_ablations(runs: pd.DataFrame, names: Mapping[str, str], *, shared_suffix: str,
                    shared_label: str) -> pd.DataFrame:
    """Name the ablation of every campaign: by its variant, or by the altered landscape it ran on.

    A campaign whose landscape name ends with ``shared_suffix`` ran on a
    landscape altered for an ablation (e.g. compounds responding alike): it
    is labelled ``shared_label`` and its landscape name loses the suffix, so
    that it pairs with the same landscape unaltered. Every other campaign is
    labelled by ``names[variant]``.

    Parameters
    ----------
    runs : pandas.DataFrame
        Campaign histories with ``landscape`` and ``variant`` columns.
    names : mapping
        Variant -> ablation label; one label should mark the baseline.
    shared_suffix : str
        Suffix of the altered landscapes' names
        (:data:`mlcrystal.force.landscape.SHARED_RESPONSE_SUFFIX`).
    shared_label : str
        The label of the campaigns on altered landscapes.

    Returns
    -------
    pandas.DataFrame
        A copy of ``runs`` with an ``ablation`` column and the suffix removed
        from ``landscape``.

    Examples
    --------
    >>> runs = pd.DataFrame({"landscape": ["a", "a;alike", "a"], "variant": ["base", "base", "n_extra=4"]})
    >>> out = label_ablations(runs, {"base": "unchanged", "n_extra=4": "4 extra"}, shared_suffix=";alike",
    ...                       shared_label="alike")
    >>> out[["landscape", "ablation"]].values.tolist()
    [['a', 'unchanged'], ['a', 'alike'], ['a', '4 extra']]
    """
    _check_history(runs, ["landscape", "variant"])
    if not shared_suffix:
        raise ValueError("shared_suffix is empty; pass the suffix that marks the altered landscapes.")
    shared = runs["landscape"].str.endswith(shared_suffix).to_numpy()
    unnamed = sorted(set(runs.loc[~shared, "variant"].astype(str)) - set(names))
    if unnamed:
        raise ValueError(f"variants {unnamed} have no ablation label; add them to names (it has {list(names)}).")
    out = runs.copy()
    out["ablation"] = np.where(shared, shared_label, out["variant"].map(names))
    out["landscape"] = out["landscape"].str.removesuffix(shared_suffix)
    return out
