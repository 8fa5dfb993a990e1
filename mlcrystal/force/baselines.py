"""Baselines for an efficiency ratio, and the ratio across every defensible analysis choice.

A ratio "BO needs x times fewer experiments than search S" depends on the
baseline S as much as on BO. This module computes the baselines side by side:

* **grids** of both designs (:func:`mlcrystal.force.lab.grid_points`): cell
  centres, which never test the box edges, and evenly spaced values that
  include them. Every landscape's optimum has the largest width W = 2000 um,
  a box edge, so a cell-centre grid caps its force below the optimum
  (:func:`grid_costs`);
* **random search**, whose expected cost at a target is ``1 / p`` for the
  probability ``p`` that one uniform random condition reaches it. ``p`` is
  small (about 1e-5 at 90 % of the optimum), so a fixed pool of 200 000
  conditions holds only a few hits; :func:`random_search_cost` draws, compound
  by compound (the compound is uniform over the library, so
  ``p = mean_c p_c`` exactly), until every target holds at least
  ``min_hits`` hits or a draw cap is met, and reports a bound otherwise.

:func:`ratio_choices` then crosses the baselines with campaign outcomes over
grid design and levels, target fraction, budget, whether the initial design
counts and landscape, as one tidy table. For example:

>>> from mlcrystal.force.landscape import GaussianLandscape
>>> g = grid_costs(GaussianLandscape(), [1.0], levels=[2], kinds=["edges"])
>>> g[["kind", "levels", "n_grid"]].to_dict("records")
[{'kind': 'edges', 'levels': 2, 'n_grid': 144}]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from mlcrystal import study
from mlcrystal.force.lab import GRID_KINDS, SIZE_POWER, grid_points
from mlcrystal.force.metrics import cluster_bootstrap_interval, expected_first_hit
from mlcrystal.seeding import RandomState, check_random_state, spawn

__all__ = ["TARGET_FRACTIONS", "grid_costs", "random_search_cost", "baseline_table", "at_fraction", "first_hits",
           "ratio_choices", "plot_ratio_choices", "ratio_by_member", "plot_ratio_members"]

#: Target fractions of the optimum the ratio is computed for (70 to 95 %).
TARGET_FRACTIONS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.95)


def _bounds(bounds: Mapping | None) -> dict[str, tuple[float, float]]:
    box = study.SEARCH_BOUNDS if bounds is None else bounds
    return {k: (float(box[k][0]), float(box[k][1])) for k in SIZE_POWER}


def _targets(targets: Iterable[float]) -> np.ndarray:
    t = np.asarray(list(targets), dtype=float).ravel()
    if t.size == 0 or np.any(~np.isfinite(t)) or np.any(t <= 0):
        raise ValueError(f"targets must be finite forces > 0 in mN; got {t.tolist()}.")
    return t


def _forces(land: Any, compound: int, L: np.ndarray, W: np.ndarray, T: np.ndarray, P: np.ndarray) -> np.ndarray:
    Ls, Ts = land.snap(L, T)
    return np.asarray(land.force(compound, np.asarray(Ls), W, np.asarray(Ts), P), dtype=float)


def grid_costs(land: Any, targets: Iterable[float], levels: Iterable[int] = range(2, 11),
               kinds: Sequence[str] = GRID_KINDS, bounds: Mapping | None = None) -> pd.DataFrame:
    """Size, hits and expected first hit (random visiting order) of every grid, for every target.

    Parameters
    ----------
    land : object
        The laboratory (``compounds``, ``moduli``, ``snap``, ``force``).
    targets : iterable of float
        Target forces, mN.
    levels : iterable of int, default 2 to 10
        Levels per continuous variable.
    kinds : sequence of {"centres", "edges"}
    bounds : mapping, optional
        Search box; default :data:`mlcrystal.study.SEARCH_BOUNDS`.

    Returns
    -------
    pandas.DataFrame
        One row per grid and target: ``kind, levels, n_grid, grid_best_mN,
        best_W_um, target_mN, n_hits, expected`` (``(N + 1) / (k + 1)``, inf
        without a hit).
    """
    t = _targets(targets)
    unknown = [k for k in kinds if k not in GRID_KINDS]
    if unknown:
        raise ValueError(f"kinds must be among {GRID_KINDS}; got {unknown}.")
    rows = []
    for kind in kinds:
        for lv in levels:
            g = grid_points(land, levels=int(lv), bounds=bounds, kind=kind)
            L, T = land.snap(g["L_um"].to_numpy(float), g["T_um"].to_numpy(float))
            f = np.asarray(land.force(compound=g["compound"].to_numpy(int), L_um=np.asarray(L),
                                      W_um=g["W_um"].to_numpy(float), T_um=np.asarray(T),
                                      P_mW_cm2=g["P_mW_cm2"].to_numpy(float)), dtype=float)
            best = int(np.argmax(f))
            for target in t:
                k = int(np.sum(f >= target))
                rows.append({"kind": kind, "levels": int(lv), "n_grid": len(g), "grid_best_mN": float(f[best]),
                             "best_W_um": float(g["W_um"].iloc[best]), "target_mN": float(target), "n_hits": k,
                             "expected": expected_first_hit(len(g), k)})
    return pd.DataFrame(rows)


def random_search_cost(land: Any, targets: Iterable[float], min_hits: int = 20, chunk: int = 1_000_000,
                       max_draws: int = 40_000_000, random_state: RandomState = 0, bounds: Mapping | None = None,
                       level: float = 0.95) -> pd.DataFrame:
    """Expected experiments of uniform random search to reach each target, from enough hits.

    Random search draws the compound uniformly from the library and L, W,
    T, P uniformly in the box (:func:`mlcrystal.force.lab.random_design`), and
    each crystal is lengthened to the beam model's limit where needed. So
    ``p = (1 / C) sum_c p_c`` over the ``C`` compounds, and each ``p_c`` is
    estimated from its own uniform draws (stratified sampling). A compound
    gets draws in chunks until its hits at the strictest target that its
    optimum reaches number ``min_hits``, or ``max_draws`` are spent; a
    compound whose optimum (``optimum_per_compound()``) lies below a target
    cannot reach it (``p_c = 0`` there; its draws check this: a hit raises).

    The interval on ``p`` is the normal interval of the stratified estimator,
    ``(1 / C) sqrt(sum_c p_c (1 - p_c) / n_c)``; where fewer than ``min_hits``
    hits were found in all, the upper end is the sum of per-compound Wilson
    bounds and the row is marked ``"bound"`` (the expected cost is then only
    known to be at least ``lo``).

    Parameters
    ----------
    land : object
        The laboratory; needs ``optimum_per_compound()``.
    targets : iterable of float
        Target forces, mN.
    min_hits : int, default 20
    chunk, max_draws : int
        Draws per chunk, and the most draws per compound.
    random_state : None, int or numpy.random.Generator, default 0
        One child stream per compound (:func:`mlcrystal.seeding.spawn`).
    bounds : mapping, optional
    level : float, default 0.95

    Returns
    -------
    pandas.DataFrame
        One row per target: ``target_mN, n_draws, n_hits, p, expected, lo,
        hi, kind`` (``"estimate"`` or ``"bound"``); ``expected = 1 / p``.

    Examples
    --------
    >>> from mlcrystal.force.landscape import BlockingForceLandscape
    >>> r = random_search_cost(BlockingForceLandscape(), [30.0], chunk=200_000, max_draws=400_000)
    >>> bool(r.n_hits.iloc[0] >= 20), bool(r.lo.iloc[0] < r.expected.iloc[0] < r.hi.iloc[0])
    (True, True)
    """
    t = np.sort(_targets(targets))
    for name, v in (("min_hits", min_hits), ("chunk", chunk), ("max_draws", max_draws)):
        if not isinstance(v, Integral) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer; got {v!r}.")
    box = _bounds(bounds)
    optima = land.optimum_per_compound().set_index("compound")["force_mN"]
    compounds = list(land.compounds)
    streams = spawn(check_random_state(random_state), len(compounds))
    n = np.zeros(len(compounds))
    hits = np.zeros((len(compounds), t.size))
    for i, (c, rng) in enumerate(zip(compounds, streams, strict=True)):
        reachable = np.flatnonzero(t <= optima[c] * (1 + 1e-9))
        while n[i] < max_draws:
            m = int(min(chunk, max_draws - n[i]))
            L, W, T, P = (rng.uniform(*box[k], size=m) for k in SIZE_POWER)
            f = _forces(land, int(c), L, W, T, P)
            hits[i] += (f[:, None] >= t[None, :]).sum(axis=0)
            n[i] += m
            # enough hits at the strictest target this compound can reach (or none it can reach)
            if reachable.size == 0 or hits[i, reachable.max()] >= min_hits:
                break
        unreachable = t > optima[c] * (1 + 1e-6)
        if np.any(hits[i, unreachable] > 0):
            raise RuntimeError(f"compound {c}: a random draw beat the compound's computed optimum "
                               f"{optima[c]:.4f} mN; the optimum search missed a better point.")
    z = float(norm.ppf(0.5 + level / 2))
    C = len(compounds)
    rows = []
    for j, target in enumerate(t):
        pc = hits[:, j] / n
        p = float(pc.mean())
        se = float(np.sqrt(np.sum(pc * (1 - pc) / n)) / C)
        total = int(hits[:, j].sum())
        if total >= min_hits:
            p_lo, p_hi, kind = max(p - z * se, 0.0), p + z * se, "estimate"
        else:
            # per-compound Wilson upper bounds (zero for compounds whose optimum is below the target)
            up = []
            for i, c in enumerate(compounds):
                if target > optima[c] * (1 + 1e-6):
                    up.append(0.0)
                    continue
                k, m = hits[i, j], n[i]
                q = k / m
                centre = (q + z * z / (2 * m)) / (1 + z * z / m)
                half = z * np.sqrt(q * (1 - q) / m + z * z / (4 * m * m)) / (1 + z * z / m)
                up.append(centre + half)
            p_lo, p_hi, kind = 0.0, float(np.mean(up)), "bound"
        rows.append({"target_mN": float(target), "n_draws": int(n.sum()), "n_hits": total, "p": p,
                     "expected": 1.0 / p if p > 0 else np.inf, "lo": 1.0 / p_hi if p_hi > 0 else np.inf,
                     "hi": 1.0 / p_lo if p_lo > 0 else np.inf, "kind": kind})
    return pd.DataFrame(rows)


def baseline_table(landscapes: Mapping[str, Any], fractions: Sequence[float] = TARGET_FRACTIONS,
                   levels: Iterable[int] = range(2, 11), kinds: Sequence[str] = GRID_KINDS,
                   min_hits: int = 20, max_draws: int = 40_000_000, random_state: RandomState = 0) -> pd.DataFrame:
    """Grid and random-search baselines of several landscapes, each at fractions of its own optimum.

    Parameters
    ----------
    landscapes : mapping
        Name -> landscape (e.g. ``{"calibrated": BlockingForceLandscape()}``).
    fractions : sequence of float, default 70 to 95 %
    levels, kinds
        Grids, see :func:`grid_costs`.
    min_hits, max_draws, random_state
        Random search, see :func:`random_search_cost` (the same seed for every landscape).

    Returns
    -------
    pandas.DataFrame
        ``landscape, optimum_mN, fraction, target_mN, baseline`` (``"random"``,
        ``"grid-centres"``, ``"grid-edges"``), ``levels, n_points, n_hits,
        expected, lo, hi, kind`` (grids: ``"exact"``).
    """
    fr = np.asarray(fractions, dtype=float)
    if fr.size == 0 or np.any((fr <= 0) | (fr > 1)):
        raise ValueError(f"fractions must lie in (0, 1]; got {fr.tolist()}.")
    levels = list(levels)
    rows = []
    for name, land in landscapes.items():
        opt = float(land.optimum()["force_mN"])
        targets = fr * opt
        rnd = random_search_cost(land, targets, min_hits=min_hits, max_draws=max_draws, random_state=random_state)
        for f, (_, r) in zip(np.sort(fr), rnd.iterrows(), strict=True):
            rows.append({"landscape": name, "optimum_mN": opt, "fraction": float(f), "target_mN": r.target_mN,
                         "baseline": "random", "levels": pd.NA, "n_points": r.n_draws, "n_hits": r.n_hits,
                         "expected": r.expected, "lo": r.lo, "hi": r.hi, "kind": r.kind})
        g = grid_costs(land, targets, levels=levels, kinds=kinds)
        g["fraction"] = np.tile(fr, len(g) // fr.size)
        for _, r in g.iterrows():
            rows.append({"landscape": name, "optimum_mN": opt, "fraction": float(r.fraction),
                         "target_mN": r.target_mN, "baseline": f"grid-{r.kind}", "levels": int(r.levels),
                         "n_points": r.n_grid, "n_hits": r.n_hits, "expected": r.expected, "lo": r.expected,
                         "hi": r.expected, "kind": "exact"})
    out = pd.DataFrame(rows)
    out["levels"] = out["levels"].astype("Int64")
    return out


def at_fraction(table: pd.DataFrame, fraction: float = 0.9) -> pd.DataFrame:
    """The rows of a :func:`baseline_table` at one target fraction, labelled as the replay tables label targets.

    The stored tables ``baselines_ratio_ch6.csv`` and ``baselines_ratio_relative.csv`` hold random search
    from at least 20 hits per landscape (a row that could not get them is marked ``"bound"``); this gives
    them the ``target`` column (``"90% of optimum"``) that :func:`mlcrystal.force.metrics.baseline_ratios`
    and chapter 7 select on.

    Examples
    --------
    >>> t = pd.DataFrame({"landscape": ["a", "a"], "fraction": [0.9, 0.95], "expected": [10.0, 20.0]})
    >>> at_fraction(t)[["landscape", "target", "expected"]].to_dict("records")
    [{'landscape': 'a', 'target': '90% of optimum', 'expected': 10.0}]
    """
    if "fraction" not in table.columns:
        raise ValueError("table has no 'fraction' column; pass a baseline_table (baselines_ratio_*.csv).")
    rows = table[np.isclose(table["fraction"].to_numpy(float), fraction)]
    if rows.empty:
        raise ValueError(f"no rows at fraction {fraction}; the table holds {sorted(table['fraction'].unique())}.")
    return rows.assign(target=f"{100 * fraction:.0f}% of optimum").reset_index(drop=True)


def first_hits(histories: pd.DataFrame, optima: Mapping[str, float], fractions: Sequence[float] = TARGET_FRACTIONS,
               group: Sequence[str] = ("strategy", "variant"), column: str = "force_mN") -> pd.DataFrame:
    """Experiment of each campaign's first hit at each fraction of its landscape's optimum.

    Returns
    -------
    pandas.DataFrame
        One row per campaign and fraction: ``landscape, *group, seed,
        fraction, budget, n_initial, experiments`` (``inf`` when not reached).

    Examples
    --------
    >>> h = pd.DataFrame({"landscape": "a", "strategy": "x", "variant": "", "seed": 0, "experiment": [1, 2, 3],
    ...                   "phase": ["initial", "search", "search"], "force_mN": [1.0, 8.0, 9.5]})
    >>> first_hits(h, {"a": 10.0}, [0.8, 0.9]).experiments.tolist()
    [2.0, 3.0]
    """
    keys = ["landscape", *group, "seed"]
    missing = [c for c in [*keys, "experiment", "phase", column] if c not in histories.columns]
    if missing:
        raise ValueError(f"histories lack columns {missing}; pass a replay table "
                         "(mlcrystal.force.replay_tables.load_replay).")
    unknown = sorted(set(histories["landscape"].unique()) - set(optima))
    if unknown:
        raise ValueError(f"optima has no value for the landscape(s) {unknown[:5]}; give one per landscape.")
    fr = np.asarray(fractions, dtype=float)
    rows = []
    for key, h in histories.groupby(keys, sort=True, dropna=False):
        e = h["experiment"].to_numpy()
        f = h[column].to_numpy(float)
        best = np.maximum.accumulate(f[np.argsort(e)])
        es = np.sort(e)
        opt = float(optima[key[0]])
        for frac in fr:
            i = np.searchsorted(best >= frac * opt, True) if np.any(best >= frac * opt) else None
            rows.append({**dict(zip(keys, key, strict=True)), "fraction": float(frac), "budget": int(e.max()),
                         "n_initial": int((h["phase"] == "initial").sum()),
                         "experiments": float(es[int(np.argmax(best >= frac * opt))]) if i is not None else np.inf})
    return pd.DataFrame(rows)


def ratio_choices(hits: pd.DataFrame, baselines: pd.DataFrame, budgets: Sequence[int] = (100, 120),
                count_initial: Sequence[bool] = (True, False), group: Sequence[str] = ("strategy", "variant"),
                n_boot: int = 1000, level: float = 0.9, random_state: RandomState = 0) -> pd.DataFrame:
    """The efficiency ratio across every analysis choice, as a tidy table.

    For each landscape, setting, target fraction, budget (campaigns cut to
    it: a first hit later counts as never), counting of the initial design
    (``True``: experiments from the first measurement; ``False``: only the
    experiments the strategy chose) and baseline (random search, each grid
    design and level of ``baselines``): the baseline's expected experiments
    over the median experiments to target of the campaigns, with a 90 %
    interval from the baseline's interval and a bootstrap interval of the
    median (seeds resampled).

    Parameters
    ----------
    hits : pandas.DataFrame
        :func:`first_hits` output.
    baselines : pandas.DataFrame
        :func:`baseline_table` output (the same landscape names and fractions).
    budgets : sequence of int
        Budgets at most each campaign's own (larger ones are skipped).
    count_initial : sequence of bool
    group : sequence of str
    n_boot, level, random_state
        The bootstrap of the median (:func:`mlcrystal.force.metrics.cluster_bootstrap_interval`).

    Returns
    -------
    pandas.DataFrame
        ``landscape, *group, fraction, budget, count_initial, baseline,
        levels, campaigns, reached, median, median_lo, median_hi, expected,
        ratio, ratio_lo, ratio_hi`` (ratio 0 where the median campaign never
        reached the target, inf where the baseline never does).

    Examples
    --------
    >>> hits = pd.DataFrame({"landscape": "a", "strategy": "x", "variant": "", "seed": [0, 1, 2],
    ...                      "fraction": 0.9, "budget": 100, "n_initial": 10, "experiments": [20.0, 40.0, np.inf]})
    >>> base = pd.DataFrame({"landscape": ["a"], "fraction": [0.9], "baseline": ["random"], "levels": [pd.NA],
    ...                      "expected": [4000.0], "lo": [3800.0], "hi": [4200.0]})
    >>> t = ratio_choices(hits, base, budgets=[100], count_initial=[True, False])
    >>> t[["count_initial", "median", "ratio"]].round(1).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'count_initial': True, 'median': 40.0, 'ratio': 100.0},
     {'count_initial': False, 'median': 30.0, 'ratio': 133.3}]
    """
    keys = ["landscape", *group, "fraction"]
    rows = []
    base = baselines.copy()
    base["fraction"] = base["fraction"].astype(float).round(6)
    hits = hits.assign(fraction=hits["fraction"].astype(float).round(6))
    for key, h in hits.groupby(keys, sort=True, dropna=False):
        b = base[(base["landscape"] == key[0]) & (base["fraction"] == key[-1])]
        if b.empty:
            raise ValueError(f"baselines has no row for landscape {key[0]!r} at fraction {key[-1]}.")
        for budget in budgets:
            if budget > h["budget"].min():
                continue
            for counted in count_initial:
                e = h["experiments"].to_numpy(float)
                e = np.where(e <= budget, e, np.inf)
                if not counted:
                    e = np.maximum(e - h["n_initial"].to_numpy(float), 1.0)
                med = cluster_bootstrap_interval(e, "median", n_boot=n_boot, level=level, random_state=random_state)
                share = float(np.mean(np.isfinite(e)))
                for _, r in b.iterrows():
                    def ratio(num: float, den: float) -> float:
                        if np.isinf(den):
                            return 0.0
                        return float(num / den)
                    rows.append({**dict(zip(keys, key, strict=True)), "budget": int(budget),
                                 "count_initial": bool(counted), "baseline": r["baseline"], "levels": r["levels"],
                                 "campaigns": int(e.size), "reached": share, "median": med["estimate"],
                                 "median_lo": med["lo"], "median_hi": med["hi"], "expected": float(r["expected"]),
                                 "ratio": ratio(r["expected"], med["estimate"]),
                                 "ratio_lo": ratio(r["lo"], med["hi"]), "ratio_hi": ratio(r["hi"], med["lo"])})
    out = pd.DataFrame(rows)
    if not out.empty:
        out["levels"] = out["levels"].astype("Int64")
    return out


#: Colours and names of the three baseline families in the ratio figures.
_BASELINE_STYLE = {"random": ("0.2", "random search"), "grid-centres": ("C1", "cell-centre grids"),
                   "grid-edges": ("C0", "grids with box edges")}


def plot_ratio_choices(table: pd.DataFrame, landscape: str = "calibrated", strategy: str = "skopt",
                       variant: str | None = None, ax: Any = None) -> Any:
    """Draw the ratio of :func:`ratio_choices` against the target fraction, for every analysis choice.

    One line per baseline (random search; each grid design and level with a hit), for each budget and
    counting of the initial design (solid: counted; dashed: not; thin: the smaller budget); the ratio
    axis is logarithmic and the study's claim (73x) is marked. Ratios where either side never reaches
    the target are left out.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`ratio_choices` output.
    landscape, strategy : str
    variant : str, optional
        Restrict to one ``variant`` (default: all rows of the strategy).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 (plotting is optional for this module)

    t = table[(table["landscape"] == landscape) & (table["strategy"] == strategy)]
    if variant is not None:
        t = t[t["variant"].fillna("") == variant]
    t = t[np.isfinite(t["ratio"]) & (t["ratio"] > 0)]
    if t.empty:
        raise ValueError(f"no finite ratio for landscape {landscape!r} and strategy {strategy!r}.")
    ax = plt.gca() if ax is None else ax
    budgets = sorted(t["budget"].unique())
    for (base, _levels, budget, counted), g in t.groupby(["baseline", "levels", "budget", "count_initial"],
                                                     dropna=False):
        g = g.sort_values("fraction")
        ax.plot(100 * g["fraction"], g["ratio"], color=_BASELINE_STYLE.get(base, ("C3",))[0],
                ls="-" if counted else "--", lw=1.6 if budget == budgets[-1] else 0.7, alpha=0.8)
    ax.axhline(study.CLAIMED_EFFICIENCY_VS_GRID, color="k", ls=":", lw=1)
    ax.set(yscale="log", xlabel="target (% of the landscape's optimum)",
           ylabel="baseline experiments / median experiments to target")
    for colour, name in _BASELINE_STYLE.values():
        ax.plot([], [], color=colour, label=name)
    ax.plot([], [], color="k", ls=":", label=f"the study's claim ({study.CLAIMED_EFFICIENCY_VS_GRID:g}x)")
    ax.legend(fontsize="small")
    return ax


def ratio_by_member(table: pd.DataFrame, strategy: str = "skopt", variant: str | None = None) -> pd.DataFrame:
    """The ratio of :func:`ratio_choices` on each landscape, summarised over the other analysis choices.

    For each landscape, target fraction and baseline family (random search,
    cell-centre grids, grids with the box edges), the analysis choices are the
    grid's levels, the budget and whether the initial design counts. A ratio
    is *defined* when both the strategy's median campaign and the baseline
    reach the target; the summary keeps how often it is, so that a landscape
    where the strategy's median never gets there is counted, not dropped.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`ratio_choices` output.
    strategy : str, default "skopt"
    variant : str, optional
        Restrict to one ``variant`` (default: all rows of the strategy).

    Returns
    -------
    pandas.DataFrame
        ``landscape, fraction, baseline, choices, defined`` (share of the
        choices with a defined ratio) and ``median_ratio`` (median over the
        defined ones; NaN when none is).

    Examples
    --------
    >>> t = pd.DataFrame({"landscape": ["a"] * 3, "strategy": "skopt", "variant": "", "fraction": 0.9,
    ...                   "baseline": ["random", "grid-edges", "grid-edges"], "ratio": [40.0, 8.0, 0.0]})
    >>> ratio_by_member(t)[["baseline", "choices", "defined", "median_ratio"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'baseline': 'grid-edges', 'choices': 2, 'defined': 0.5, 'median_ratio': 8.0},
     {'baseline': 'random', 'choices': 1, 'defined': 1.0, 'median_ratio': 40.0}]
    """
    t = table[table["strategy"] == strategy]
    if variant is not None:
        t = t[t["variant"].fillna("") == variant]
    if t.empty:
        raise ValueError(f"no rows for strategy {strategy!r}" + (f" and variant {variant!r}" if variant else "")
                         + f"; the table has {sorted(table['strategy'].unique())}.")
    t = t.assign(defined=np.isfinite(t["ratio"]) & (t["ratio"] > 0))
    t = t.assign(value=t["ratio"].where(t["defined"]))
    g = t.groupby(["landscape", "fraction", "baseline"], sort=True)
    return pd.DataFrame({"choices": g.size(), "defined": g["defined"].mean(),
                         "median_ratio": g["value"].median()}).reset_index()


def plot_ratio_members(table: pd.DataFrame, strategy: str = "skopt", exclude: tuple[str, ...] = ("calibrated",),
                       axes: Any = None) -> Any:
    """Draw the ratio on every landscape (one thin line each) and its median, per baseline family.

    Each panel is one baseline family; a thin line is one landscape's median
    ratio over the other analysis choices (:func:`ratio_by_member`), the thick
    line the median over the landscapes where the ratio is defined, and the
    numbers above the panel's axis how many landscapes have a defined ratio at
    each target. The study's claim (73x) is marked.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`ratio_choices` output.
    strategy : str, default "skopt"
    exclude : tuple of str, default ("calibrated",)
        Landscapes left out (the calibrated one has its own figure).
    axes : sequence of three matplotlib Axes, optional

    Returns
    -------
    sequence of matplotlib Axes
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 (plotting is optional for this module)

    m = ratio_by_member(table, strategy)
    m = m[~m["landscape"].isin(exclude)]
    if axes is None:
        _, axes = plt.subplots(3, 1, sharex=True, sharey=True, figsize=(6.4, 8.0), layout="constrained")
    n_land = m["landscape"].nunique()
    for ax, (base, (colour, name)) in zip(axes, _BASELINE_STYLE.items(), strict=True):
        b = m[m["baseline"] == base]
        for _, g in b.groupby("landscape"):
            g = g.sort_values("fraction")
            ax.plot(100 * g["fraction"], g["median_ratio"], color=colour, lw=0.6, alpha=0.45)
        med = b.groupby("fraction")["median_ratio"].median()
        ax.plot(100 * med.index, med.to_numpy(), color=colour, lw=2.6, label=f"{name}: median over landscapes")
        for f, k in b.groupby("fraction")["median_ratio"].count().items():
            ax.annotate(f"{k}/{n_land}", (100 * f, 1.0), xycoords=("data", "axes fraction"), ha="center",
                        va="bottom", fontsize="small")
        ax.axhline(study.CLAIMED_EFFICIENCY_VS_GRID, color="k", ls=":", lw=1)
        ax.set(yscale="log", ylabel="ratio")
        ax.legend(loc="lower right", fontsize="small")
    axes[-1].set(xlabel="target (% of the landscape's optimum)")
    return axes
