"""Chapter 7's teaching path: one Bayesian-optimisation step drawn, and experiments-to-target curves.

Chapter 7 teaches Bayesian optimisation before judging it. :func:`bo_step`
fits the Gaussian process the kit's UCB loop fits (the fast variant of the
study's protocol, :func:`mlcrystal.force.strategies.fast.fast_suggest`: a
Matérn-5/2 kernel on z-scored inputs, normalised forces) to a history of
measurements and evaluates it along one variable, the others held at a fixed
crystal (by default the best one measured). :func:`plot_bo_step` draws the
result: the mean and its band with the measurements on the line, and the upper
confidence bound with the point it picks.

The full loop maximises the acquisition over all five variables at once; a
line through the box is what a page can show.

:func:`reach_curve` gives the share of campaigns that reached a target by
each experiment, from stored campaigns (campaigns that never reach it stay
in the denominator, so the curve shows them); :func:`grid_reach` and
:func:`random_reach` give the same curve in closed form for a grid visited in
random order and for random search. :func:`baseline_cost` reads one row of the
stored baselines table.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import Matern

from mlcrystal import study
from mlcrystal.force.lab import SIZE_POWER, check_bounds

__all__ = ["BASELINE_NAMES", "BOStep", "STEP_INPUTS", "baseline_cost", "bo_step", "edge_width_share", "grid_reach",
           "plot_bo_step", "random_reach", "ratio_side_by_side", "reach_curve"]

#: The baselines of the stored tables, in words.
BASELINE_NAMES = {"grid-centres": "grid of cell centres", "grid-edges": "grid including the box edges",
                  "random": "random search"}

#: The five inputs of the surrogate, in the order it sees them.
STEP_INPUTS = ("E_GPa",) + SIZE_POWER

_AXIS = {"E_GPa": "bending modulus E (GPa)", "L_um": "length L (µm)", "W_um": "width W (µm)",
         "T_um": "thickness T (µm)", "P_mW_cm2": "light intensity P (mW/cm²)"}


@dataclass(frozen=True)
class BOStep:
    """One step of the UCB loop along one variable.

    Attributes
    ----------
    variable : str
        The input varied along the line (a column of the history).
    line : pandas.DataFrame
        One row per point of the line: the variable, ``mean_mN``, ``sd_mN`` and
        ``ucb_mN`` (mean + kappa * sd).
    fixed : dict
        The values of the other four inputs along the line.
    pick : dict
        The line's point with the largest upper confidence bound: the variable's
        value and ``mean_mN``, ``sd_mN``, ``ucb_mN`` there.
    on_line : pandas.DataFrame
        The measurements that lie on the line (the other inputs equal to
        ``fixed`` within 0.5 %), with their ``force_mN``.
    kappa : float
        The exploration weight.
    n_measurements : int
        The measurements the Gaussian process was fitted to.
    """

    variable: str
    line: pd.DataFrame
    fixed: dict[str, float]
    pick: dict[str, float]
    on_line: pd.DataFrame
    kappa: float
    n_measurements: int


def bo_step(history: pd.DataFrame, bounds: Any = None, variable: str = "P_mW_cm2", kappa: float = study.UCB_KAPPA,
            at: dict[str, float] | None = None, n_points: int = 201, gp_restarts: int = 5,
            random_state: int = 0) -> BOStep:
    """Fit the UCB loop's Gaussian process to ``history`` and evaluate it along ``variable``.

    Parameters
    ----------
    history : pandas.DataFrame
        Measurements with columns ``E_GPa, L_um, W_um, T_um, P_mW_cm2`` and
        ``force_mN`` (a campaign's history, e.g. the study's 10 measurements).
    bounds : dict, optional
        ``{name: (low, high)}`` for the inputs (default
        :data:`mlcrystal.study.SEARCH_BOUNDS`); the line runs from the
        variable's low to its high bound.
    variable : str, default ``"P_mW_cm2"``
        The input to vary.
    kappa : float, default :data:`mlcrystal.study.UCB_KAPPA`
        Exploration weight of the upper confidence bound, mean + kappa * sd.
    at : dict, optional
        Values of the other inputs along the line; by default those of the
        measurement with the largest force.
    n_points : int, default 201
        Points along the line.
    gp_restarts : int, default 5
        Restarts of the kernel's hyperparameter fit.
    random_state : int, default 0
        Seed of the restarts.

    Returns
    -------
    BOStep

    Examples
    --------
    >>> box = {"E_GPa": (0.5, 4), "L_um": (0, 3000), "W_um": (200, 2000),
    ...        "T_um": (50, 500), "P_mW_cm2": (21, 2080)}
    >>> h = pd.DataFrame({"E_GPa": 1.25, "L_um": 626.0, "W_um": 708.0, "T_um": 241.0,
    ...                   "P_mW_cm2": [208.0, 1040.0, 2080.0, 520.0], "force_mN": [3.3, 8.3, 9.7, 6.1]})
    >>> step = bo_step(h, box, "P_mW_cm2", n_points=11)
    >>> len(step.line), len(step.on_line), step.fixed["W_um"]
    (11, 4, 708.0)
    >>> bool(step.line.ucb_mN.max() == step.pick["ucb_mN"])
    True
    """
    if not isinstance(history, pd.DataFrame):
        raise TypeError(f"history must be a pandas DataFrame of measurements; got {type(history).__name__}.")
    missing = [c for c in (*STEP_INPUTS, "force_mN") if c not in history.columns]
    if missing:
        raise ValueError(f"history lacks columns {missing}; pass a campaign history with the five inputs and "
                         "force_mN.")
    if variable not in STEP_INPUTS:
        raise ValueError(f"variable must be one of {list(STEP_INPUTS)}; got {variable!r}.")
    if len(history) < 2:
        raise ValueError(f"a Gaussian process needs at least 2 measurements; history has {len(history)}.")
    if not (np.isfinite(kappa) and kappa >= 0):
        raise ValueError(f"kappa must be a finite number >= 0; got {kappa!r}.")
    if int(n_points) < 2:
        raise ValueError(f"n_points must be at least 2; got {n_points!r}.")
    box = check_bounds(bounds, need_modulus=variable == "E_GPa")
    X = history[list(STEP_INPUTS)].to_numpy(float)
    y = history["force_mN"].to_numpy(float)
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("history holds NaN or infinite values in the inputs or force_mN; remove those rows first.")
    best = history.iloc[int(np.argmax(y))]
    fixed = {k: float(best[k]) for k in STEP_INPUTS if k != variable}
    if at is not None:
        unknown = sorted(set(at) - set(fixed))
        if unknown:
            raise ValueError(f"at names {unknown}, which are not the other inputs {sorted(fixed)}.")
        fixed.update({k: float(v) for k, v in at.items()})
    mean, sd = X.mean(axis=0), X.std(axis=0)
    sd[sd == 0] = 1.0
    gp = GaussianProcessRegressor(kernel=Matern(nu=2.5), alpha=1e-6, normalize_y=True,
                                  n_restarts_optimizer=int(gp_restarts), random_state=int(random_state))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the kernel's length scales may reach their bounds on 10 points
        gp.fit((X - mean) / sd, y)
    lo, hi = box[variable]
    xs = np.linspace(lo, hi, int(n_points))
    grid = np.column_stack([xs if k == variable else np.full_like(xs, fixed[k]) for k in STEP_INPUTS])
    mu, sigma = gp.predict((grid - mean) / sd, return_std=True)
    line = pd.DataFrame({variable: xs, "mean_mN": mu, "sd_mN": sigma, "ucb_mN": mu + kappa * sigma})
    i = int(np.argmax(line.ucb_mN.to_numpy()))
    pick = {variable: float(xs[i]), "mean_mN": float(mu[i]), "sd_mN": float(sigma[i]), "ucb_mN": float(line.ucb_mN[i])}
    others = [k for k in STEP_INPUTS if k != variable]
    close = np.all([np.isclose(history[k].to_numpy(float), fixed[k], rtol=5e-3) for k in others], axis=0)
    on_line = history.loc[close, [variable, "force_mN"]].reset_index(drop=True)
    return BOStep(variable, line, fixed, pick, on_line, float(kappa), len(history))


def plot_bo_step(step: BOStep, axes: Any = None, band: float = 2.0) -> Any:
    """Draw one BO step: the surrogate's mean and band (top) and the acquisition with its pick (bottom).

    Parameters
    ----------
    step : BOStep
        From :func:`bo_step`.
    axes : pair of matplotlib Axes, optional
        Where to draw; by default a new figure of two stacked panels.
    band : float, default 2
        Half-width of the band in standard deviations.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 (plotting is optional for this module)

    if axes is None:
        fig, axes = plt.subplots(2, 1, figsize=(6.4, 6.4), sharex=True)
    ax1, ax2 = axes
    x = step.line[step.variable]
    ax1.plot(x, step.line.mean_mN, color="C0", label="surrogate mean")
    ax1.fill_between(x, step.line.mean_mN - band * step.line.sd_mN, step.line.mean_mN + band * step.line.sd_mN,
                     color="C0", alpha=0.2, label=f"mean ± {band:g} sd")
    ax1.plot(step.on_line[step.variable], step.on_line.force_mN, "ko", label="measurements on this line")
    ax1.set(ylabel="blocking force (mN)")
    ax1.legend(loc="lower center", fontsize="small")
    ax2.plot(x, step.line.ucb_mN, color="C3", label=f"upper confidence bound, mean + {step.kappa:g} sd")
    ax2.axvline(step.pick[step.variable], color="C3", ls="--", lw=1, label="the point it picks")
    ax2.plot([step.pick[step.variable]], [step.pick["ucb_mN"]], "v", color="C3", ms=9)
    ax2.set(xlabel=_AXIS[step.variable], ylabel="acquisition (mN)")
    ax2.legend(loc="lower right", fontsize="small")
    return ax1.figure


def reach_curve(histories: pd.DataFrame, target: float, budget: int | None = None,
                column: str = "best_mN") -> pd.DataFrame:
    """Share of campaigns that reached ``target`` by each experiment, from stored or live campaigns.

    Parameters
    ----------
    histories : pandas.DataFrame
        Stacked histories with ``seed``, ``experiment`` and ``column``.
    target : float
        Target force (mN).
    budget : int, optional
        Last experiment of the curve (default: the campaigns' longest).
    column : str, default ``"best_mN"``

    Returns
    -------
    pandas.DataFrame
        ``experiment`` (1..budget), ``reached`` (campaigns at the target by
        then), ``campaigns`` and ``share``; campaigns that never reach the
        target count in ``campaigns`` throughout, so a curve that stays low
        shows them.

    Examples
    --------
    >>> h = pd.DataFrame({"seed": [0, 0, 0, 1, 1, 1], "experiment": [1, 2, 3] * 2,
    ...                   "best_mN": [1.0, 5.0, 5.0, 1.0, 1.0, 2.0]})
    >>> reach_curve(h, 4.0).share.tolist()
    [0.0, 0.5, 0.5]
    """
    for c in ("seed", "experiment", column):
        if c not in histories.columns:
            raise ValueError(f"histories lacks column {c!r}; pass stacked campaign histories.")
    target = float(target)
    if not np.isfinite(target):
        raise ValueError(f"target must be a finite force in mN; got {target!r}.")
    first = histories[histories[column] >= target].groupby("seed")["experiment"].min()
    n = int(histories["seed"].nunique())
    last = int(histories["experiment"].max()) if budget is None else int(budget)
    if last < 1:
        raise ValueError(f"budget must be at least 1; got {budget!r}.")
    exp = np.arange(1, last + 1)
    reached = np.searchsorted(np.sort(first.to_numpy(float)), exp, side="right")
    return pd.DataFrame({"experiment": exp, "reached": reached, "campaigns": n, "share": reached / n})


def grid_reach(n_points: int, n_hits: int, experiments: Any) -> np.ndarray:
    """Chance that a grid visited in random order has measured a point at the target within ``experiments``.

    The grid's ``n_points`` are measured in a random order without repeats;
    ``n_hits`` of them reach the target. The chance of at least one hit in the
    first n is one minus the hypergeometric chance of none. A grid without a
    hit never reaches the target (the curve is 0 throughout).

    Examples
    --------
    >>> grid_reach(4, 1, [1, 2, 4]).round(2).tolist()
    [0.25, 0.5, 1.0]
    >>> grid_reach(100, 0, [50, 100]).tolist()
    [0.0, 0.0]
    """
    n_points, n_hits = int(n_points), int(n_hits)
    if n_points < 1 or not 0 <= n_hits <= n_points:
        raise ValueError(f"need 0 <= n_hits <= n_points and n_points >= 1; got n_hits={n_hits}, n_points={n_points}.")
    n = np.minimum(np.asarray(experiments, dtype=int), n_points)
    if np.any(n < 0):
        raise ValueError("experiments must be counts >= 0.")
    return 1.0 - stats.hypergeom(n_points, n_hits, n).pmf(0)


def random_reach(p_hit: float, experiments: Any) -> np.ndarray:
    """Chance that random search has measured a point at the target within ``experiments``: 1 - (1 - p)^n.

    Examples
    --------
    >>> random_reach(0.5, [1, 2]).tolist()
    [0.5, 0.75]
    """
    p = float(p_hit)
    if not 0 <= p <= 1:
        raise ValueError(f"p_hit must be a probability in [0, 1]; got {p_hit!r}.")
    n = np.asarray(experiments, dtype=float)
    return -np.expm1(n * np.log1p(-p)) if p < 1 else np.where(n >= 1, 1.0, 0.0)


def baseline_cost(baselines: pd.DataFrame, fraction: float, baseline: str, levels: int | None = None,
                  landscape: str = "calibrated") -> pd.Series:
    """The stored row of one baseline (``baselines_ratio_ch6.csv``): points, hits and expected experiments.

    Parameters
    ----------
    baselines : pandas.DataFrame
        The stored baselines table (columns ``landscape, fraction, baseline,
        levels, n_points, n_hits, expected, lo, hi``).
    fraction : float
        Target as a fraction of the optimum (one of the stored fractions).
    baseline : str
        ``"random"``, ``"grid-centres"`` or ``"grid-edges"``.
    levels : int, optional
        Grid levels (grids only).
    landscape : str, default ``"calibrated"``

    Raises
    ------
    ValueError
        When the table holds no such row, naming the values it does hold.
    """
    t = baselines[(baselines["landscape"] == landscape) & np.isclose(baselines["fraction"], float(fraction))
                  & (baselines["baseline"] == baseline)]
    if baseline != "random":
        t = t[t["levels"] == levels]
    if len(t) != 1:
        have = sorted(baselines.loc[baselines["landscape"] == landscape, "fraction"].unique().tolist())
        lv = sorted(baselines["levels"].dropna().astype(int).unique().tolist())
        raise ValueError(f"the baselines table has no single row for landscape {landscape!r}, fraction {fraction!r}, "
                         f"baseline {baseline!r}, levels {levels!r}; it holds fractions {have} and grid levels {lv}.")
    return t.iloc[0]


def ratio_side_by_side(ratios: pd.DataFrame, baselines: pd.DataFrame, fraction: float, levels: Sequence[int],
                       strategy: str = "skopt", budget: int = 120, count_initial: bool = True,
                       landscape: str = "calibrated", variant: str | None = None) -> pd.DataFrame:
    """The efficiency ratio of one strategy against each baseline, side by side, from the stored tables.

    Parameters
    ----------
    ratios : pandas.DataFrame
        The stored ratios table (``ratios_ch6.csv.gz``, written by
        :func:`mlcrystal.force.baselines.ratio_choices`).
    baselines : pandas.DataFrame
        The stored baselines table (``baselines_ratio_ch6.csv``).
    fraction : float
        Target as a fraction of the landscape's optimum.
    levels : sequence of int
        Grid levels to show, for both grid designs.
    strategy, budget, count_initial, landscape, variant
        Which campaigns of the ratios table (``variant`` None: rows without one).

    Returns
    -------
    pandas.DataFrame
        One row per baseline: ``baseline`` (words), ``levels``, ``n_points``,
        ``n_hits`` (points at the target; a random search's pool), ``expected``
        (experiments to the first hit; inf for a grid without a hit),
        ``median`` (the strategy's median experiments to target; inf when most
        campaigns never reach it), ``reached`` (share of its campaigns), and
        ``ratio, ratio_lo, ratio_hi`` (expected / median, with the 90 % interval
        of the median; NaN when either side never reaches the target).
    """
    pick = ((ratios["landscape"] == landscape) & (ratios["strategy"] == strategy)
            & np.isclose(ratios["fraction"], float(fraction)) & (ratios["budget"] == int(budget))
            & (ratios["count_initial"] == bool(count_initial)))
    pick &= ratios["variant"].isna() if variant is None else (ratios["variant"] == variant)
    t = ratios[pick]
    if t.empty:
        raise ValueError(f"the ratios table has no rows for landscape {landscape!r}, strategy {strategy!r}, "
                         f"variant {variant!r}, fraction {fraction!r}, budget {budget!r}, count_initial "
                         f"{count_initial!r}; it holds fractions {sorted(ratios.fraction.unique().tolist())} and "
                         f"budgets {sorted(ratios.budget.unique().tolist())}.")
    rows = []
    for base in ("grid-centres", "grid-edges", "random"):
        for lv in (levels if base != "random" else [None]):
            r = t[t["baseline"] == base]
            if base != "random":
                r = r[r["levels"] == lv]
            if len(r) != 1:
                raise ValueError(f"the ratios table has no single row for baseline {base!r} with levels {lv!r}.")
            r = r.iloc[0]
            cost = baseline_cost(baselines, fraction, base, lv, landscape)
            finite = np.isfinite(r["ratio"]) and r["ratio"] > 0
            rows.append({"baseline": BASELINE_NAMES[base], "levels": lv, "n_points": int(cost["n_points"]),
                         "n_hits": int(cost["n_hits"]), "expected": float(cost["expected"]),
                         "median": float(r["median"]), "reached": float(r["reached"]),
                         "ratio": float(r["ratio"]) if finite else np.nan,
                         "ratio_lo": float(r["ratio_lo"]) if finite else np.nan,
                         "ratio_hi": float(r["ratio_hi"]) if finite else np.nan})
    return pd.DataFrame(rows)


def edge_width_share(landscape: Any, levels: int) -> dict[str, float]:
    """What a cell-centre grid loses at the box edge: the optimum with its width cut to the grid's widest.

    Every optimum of the kit's landscapes has the largest width the box allows
    (W = 2000 µm). A grid of ``levels`` cell centres tests widths
    ``low + (i + 1/2) (high - low) / levels`` and never the edge itself.

    Returns
    -------
    dict
        ``optimum_W_um`` and ``optimum_mN`` (the landscape's optimum),
        ``grid_W_um`` (the grid's widest), ``force_mN`` (the optimal crystal
        and light at that width) and ``share`` (force / optimum).
    """
    if int(levels) < 1:
        raise ValueError(f"levels must be a whole number >= 1; got {levels!r}.")
    lo, hi = check_bounds(getattr(landscape, "bounds", None))["W_um"]
    opt = landscape.optimum()
    grid_w = lo + (int(levels) - 0.5) * (hi - lo) / int(levels)
    f = float(landscape.force(opt["compound"], opt["L_um"], grid_w, opt["T_um"], opt["P_mW_cm2"]))
    return {"optimum_W_um": float(opt["W_um"]), "optimum_mN": float(opt["force_mN"]), "grid_W_um": float(grid_w),
            "force_mN": f, "share": f / float(opt["force_mN"])}
