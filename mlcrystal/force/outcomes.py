"""What a set of campaigns achieved, with the spread that goes with each number.

Chapter 7 compares the authors' loop under the two short-crystal rules of
:mod:`mlcrystal.force.feasibility`. :func:`campaign_table` reduces every
campaign of a replay table to the quantities that comparison needs (best
force after 100 and after 155 experiments, experiments to the target,
lengthened suggestions, distinct crystals tried); :func:`outcome_summary`
puts a bootstrap interval on every median and a Wilson interval on every
share; :func:`compare_rules` tests the difference between two settings. For example:

>>> h = pd.DataFrame({"landscape": "a", "strategy": "x", "variant": "", "seed": 0, "experiment": [1, 2, 3],
...                   "phase": ["initial", "search", "search"], "compound": 3, "L_um": [700.0, 500.0, 500.0],
...                   "W_um": 2000.0, "T_um": 200.0, "force_mN": [1.0, 8.0, 9.5]})
>>> row = campaign_table(h, {"a": 10.0}, checkpoints=(2, 3)).iloc[0]
>>> int(row.lengthened), int(row.distinct_crystals), float(row.best_3), float(row.experiments)
(2, 1, 9.5, 3.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from mlcrystal.force.feasibility import lengthened
from mlcrystal.force.landscape import MIN_ASPECT_RATIO
from mlcrystal.force.metrics import cluster_bootstrap_interval
from mlcrystal.seeding import RandomState

__all__ = ["CRYSTAL", "campaign_table", "wilson", "k_of_n", "outcome_summary", "compare_rules", "liang_top_count",
           "liang_enhancement", "OPTIMISER_LABELS", "optimiser_label", "OPTIMISER_TICKS", "optimiser_ticks",
           "cochran_armitage", "record_weights"]

#: The columns that name a crystal (an intensity change keeps the crystal).
CRYSTAL = ("compound", "L_um", "W_um", "T_um")


def campaign_table(histories: pd.DataFrame, optima: Mapping[str, float], fraction: float = 0.9,
                   checkpoints: Sequence[int] = (100, 155), group: Sequence[str] = ("strategy", "variant"),
                   min_aspect_ratio: float = MIN_ASPECT_RATIO) -> pd.DataFrame:
    """One row per campaign: best force at each checkpoint, experiments to target, lengthened and distinct crystals.

    Parameters
    ----------
    histories : pandas.DataFrame
        A replay table (``landscape``, ``group``, ``seed``, ``experiment``,
        ``phase``, the crystal columns and ``force_mN``).
    optima : mapping
        Landscape name -> optimum (mN); the target is ``fraction`` of it.
    fraction : float, default 0.9
    checkpoints : sequence of int
        Experiment numbers at which the best force is read (a campaign
        shorter than a checkpoint gets NaN there).
    group : sequence of str
    min_aspect_ratio : float
        The beam model's limit (a measured crystal on it was lengthened).

    Returns
    -------
    pandas.DataFrame
        ``landscape, *group, seed, optimum_mN, target_mN, best_<c>`` per
        checkpoint, ``experiments`` (first hit, inf if never), ``search``
        (search experiments), ``lengthened`` (search experiments on the
        limit), ``distinct_crystals`` (distinct crystals among the search
        experiments).
    """
    keys = ["landscape", *group, "seed"]
    missing = [c for c in [*keys, "experiment", "phase", "force_mN", *CRYSTAL] if c not in histories.columns]
    if missing:
        raise ValueError(f"histories lack columns {missing}; pass a replay table.")
    rows = []
    for key, h in histories.groupby(keys, sort=True, dropna=False):
        h = h.sort_values("experiment")
        opt = float(optima[key[0]])
        target = fraction * opt
        best = h["force_mN"].cummax().to_numpy()
        e = h["experiment"].to_numpy()
        hit = e[best >= target]
        search = h[h["phase"] == "search"]
        row = {**dict(zip(keys, key, strict=True)), "optimum_mN": opt, "target_mN": target}
        for c in checkpoints:
            row[f"best_{c}"] = float(best[e <= c].max()) if e.max() >= c else np.nan
        row.update({"experiments": float(hit.min()) if hit.size else np.inf, "search": len(search),
                    "lengthened": int(lengthened(search, min_aspect_ratio).sum()),
                    "distinct_crystals": int(search[list(CRYSTAL)].round(3).drop_duplicates().shape[0])})
        rows.append(row)
    return pd.DataFrame(rows)


def wilson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a share ``k / n``.

    Examples
    --------
    >>> [round(v, 3) for v in wilson(4, 11)]
    [0.152, 0.646]
    """
    if n == 0:
        return (float("nan"), float("nan"))
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def k_of_n(k: int, n: int, what: str = "", level: float = 0.95) -> str:
    """A count as a reader needs it: "k of n", and the share's Wilson interval in %.

    Examples
    --------
    >>> k_of_n(3, 10, "campaigns")
    '3 of 10 campaigns (95 % interval 11-60 %)'
    >>> k_of_n(0, 100)
    '0 of 100 (95 % interval 0-4 %)'
    """
    if not (isinstance(k, int | np.integer) and isinstance(n, int | np.integer) and 0 <= k <= n and n > 0):
        raise ValueError(f"k_of_n needs whole numbers 0 <= k <= n, n > 0; got k={k!r}, n={n!r}.")
    lo, hi = wilson(int(k), int(n), level)
    return f"{k} of {n}{' ' + what if what else ''} ({100 * level:.0f} % interval {100 * lo:.0f}-{100 * hi:.0f} %)"


def outcome_summary(per_campaign: pd.DataFrame, group: Sequence[str] = ("strategy", "variant"),
                    checkpoints: Sequence[int] = (100, 155), n_boot: int = 2000, level: float = 0.9,
                    random_state: RandomState = 0) -> pd.DataFrame:
    """Per setting: medians with bootstrap intervals (landscapes resampled, then seeds) and shares with Wilson ones.

    Returns
    -------
    pandas.DataFrame
        ``*group, landscapes, campaigns``; for each checkpoint ``c``:
        ``best_c`` (median) with ``best_c_lo, best_c_hi`` and
        ``best_share_c`` (median best / optimum); ``reached_c`` (share of
        campaigns at the target by experiment ``c``) with its Wilson 95 %
        interval; ``experiments`` (median, inf if most never reached);
        ``lengthened_share`` (lengthened / search experiments, median) and
        ``distinct_crystals`` (median) with their bootstrap intervals.
    """
    rows = []
    for key, g in per_campaign.groupby(list(group), sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        cl = g["landscape"].to_numpy()
        row = {**dict(zip(group, key, strict=True)), "landscapes": int(g["landscape"].nunique()),
               "campaigns": len(g)}
        for c in checkpoints:
            v = g[f"best_{c}"].to_numpy(float)
            if np.all(np.isnan(v)):
                continue
            ok = ~np.isnan(v)
            b = cluster_bootstrap_interval(v[ok], "median", cl[ok], n_boot=n_boot, level=level,
                                           random_state=random_state)
            share = cluster_bootstrap_interval(v[ok] / g["optimum_mN"].to_numpy(float)[ok], "median", cl[ok],
                                               n_boot=n_boot, level=level, random_state=random_state)
            k = int(np.sum(g["experiments"].to_numpy(float)[ok] <= c))
            lo, hi = wilson(k, int(ok.sum()))
            row.update({f"best_{c}": b["estimate"], f"best_{c}_lo": b["lo"], f"best_{c}_hi": b["hi"],
                        f"best_share_{c}": share["estimate"], f"best_share_{c}_lo": share["lo"],
                        f"best_share_{c}_hi": share["hi"], f"reached_{c}": k / int(ok.sum()),
                        f"reached_{c}_n": k, f"reached_{c}_lo": lo, f"reached_{c}_hi": hi})
        ex = cluster_bootstrap_interval(g["experiments"].to_numpy(float), "median", cl, n_boot=n_boot, level=level,
                                        random_state=random_state)
        ls = cluster_bootstrap_interval((g["lengthened"] / g["search"]).to_numpy(float), "median", cl,
                                        n_boot=n_boot, level=level, random_state=random_state)
        dc = cluster_bootstrap_interval(g["distinct_crystals"].to_numpy(float), "median", cl, n_boot=n_boot,
                                        level=level, random_state=random_state)
        row.update({"experiments": ex["estimate"], "experiments_lo": ex["lo"], "experiments_hi": ex["hi"],
                    "lengthened_share": ls["estimate"], "lengthened_share_lo": ls["lo"],
                    "lengthened_share_hi": ls["hi"], "distinct_crystals": dc["estimate"],
                    "distinct_crystals_lo": dc["lo"], "distinct_crystals_hi": dc["hi"]})
        rows.append(row)
    return pd.DataFrame(rows)


def compare_rules(a: pd.DataFrame, b: pd.DataFrame, value: str = "best_155", reached_by: int = 155,
                  paired: bool = False) -> dict[str, float]:
    """Test whether two sets of campaigns differ: Mann-Whitney (or Wilcoxon, paired by landscape) and Fisher.

    Parameters
    ----------
    a, b : pandas.DataFrame
        :func:`campaign_table` rows of the two settings.
    value : str
        Column compared by rank.
    reached_by : int
        Shares of campaigns at the target by this experiment, compared with Fisher's exact test.
    paired : bool
        Pair the campaigns by ``landscape`` and ``seed`` (Wilcoxon signed-rank test).

    Returns
    -------
    dict
        ``n_a, n_b, median_a, median_b, p_rank, reached_a, reached_b, p_fisher``
        (two-sided) and, when paired, ``better`` (pairs where ``b`` is higher) and ``pairs``.
    """
    out: dict[str, float] = {}
    va, vb = a[value].to_numpy(float), b[value].to_numpy(float)
    if paired:
        m = a.merge(b, on=["landscape", "seed"], suffixes=("_a", "_b"))
        x, y = m[f"{value}_a"].to_numpy(float), m[f"{value}_b"].to_numpy(float)
        diff = y - x
        out["pairs"] = float(len(m))
        out["better"] = float(np.sum(diff > 1e-9))
        out["worse"] = float(np.sum(diff < -1e-9))
        out["p_rank"] = float(stats.wilcoxon(x, y).pvalue) if np.any(diff != 0) else 1.0
        out["median_change"] = float(np.median(diff))
    else:
        out["p_rank"] = float(stats.mannwhitneyu(va, vb, alternative="two-sided").pvalue)
    ka = int(np.sum(a["experiments"].to_numpy(float) <= reached_by))
    kb = int(np.sum(b["experiments"].to_numpy(float) <= reached_by))
    out.update({"n_a": float(len(a)), "n_b": float(len(b)), "median_a": float(np.nanmedian(va)),
                "median_b": float(np.nanmedian(vb)), "reached_a": float(ka), "reached_b": float(kb),
                "p_fisher": float(stats.fisher_exact([[ka, len(a) - ka], [kb, len(b) - kb]]).pvalue)})
    return out


def liang_top_count(histories: pd.DataFrame, threshold: float, by: Sequence[str] = ("strategy", "seed"),
                    inputs: Sequence[str] = ("compound", "L_um", "W_um", "T_um", "P_mW_cm2"),
                    decimals: int = 3) -> pd.DataFrame:
    """Liang et al.'s numerator of Top%: distinct top candidates a campaign has measured by each experiment.

    Liang et al. count, after ``i`` experiments, how many of the pool's top
    candidates have been *evaluated* (each one counted once). On a continuous
    landscape a "top candidate" is a condition whose force reaches the top
    threshold (e.g. the 95th percentile of a uniform reference pool,
    :func:`mlcrystal.force.metrics.top_candidates`), and each distinct measured
    condition at or above it counts once. This differs from
    :func:`mlcrystal.force.metrics.top_percent`, which counts a pool candidate as
    found once *any* measured force exceeds it: a transform of the best
    force so far, which one excellent measurement saturates.

    ``decimals`` sets when two conditions are the same candidate (inputs
    rounded to it; -1 rounds sizes and intensities to tens, so near-repeats
    count once).

    Returns
    -------
    pandas.DataFrame
        ``*by, experiment, top_count``.

    Examples
    --------
    >>> h = pd.DataFrame({"strategy": "x", "seed": 0, "experiment": [1, 2, 3, 4], "compound": 3,
    ...                   "L_um": [1.0, 2.0, 2.0, 3.0], "W_um": 1.0, "T_um": 1.0, "P_mW_cm2": 1.0,
    ...                   "force_mN": [5.0, 9.0, 9.0, 1.0]})
    >>> liang_top_count(h, 8.0).top_count.tolist()  # the repeated condition counts once
    [0, 1, 1, 1]
    """
    rows = []
    for key, h in histories.groupby(list(by), sort=True):
        h = h.sort_values("experiment")
        top = h["force_mN"].to_numpy(float) >= threshold
        cond = h[list(inputs)].round(int(decimals)).astype(str).agg("|".join, axis=1).to_numpy()
        seen: set[str] = set()
        count = []
        for is_top, c in zip(top, cond, strict=True):
            if is_top:
                seen.add(c)
            count.append(len(seen))
        key = key if isinstance(key, tuple) else (key,)
        rows.append(pd.DataFrame({**dict(zip(by, key, strict=True)), "experiment": h["experiment"].to_numpy(),
                                  "top_count": count}))
    return pd.concat(rows, ignore_index=True)


def liang_enhancement(top: pd.DataFrame, hit_rate: float, group: Sequence[str] = ("strategy",),
                      n_initial: int = 0) -> pd.DataFrame:
    """Liang et al.'s enhancement factor from top counts: mean count over the count random search expects.

    Uniform random search measures a top condition with probability
    ``hit_rate`` per experiment (0.05 for the top 5 % of a uniform pool), so
    it expects ``hit_rate * (i - n_initial)`` of them after ``i``
    experiments when the first ``n_initial`` (an initial design below the
    threshold) are not its own; the pool size that normalises Top% cancels
    in the ratio.

    Returns
    -------
    pandas.DataFrame
        ``*group, experiment, mean_count, ef``.

    Examples
    --------
    >>> t = pd.DataFrame({"strategy": "x", "seed": [0, 1], "experiment": [20, 20], "top_count": [2, 4]})
    >>> liang_enhancement(t, 0.05).ef.tolist()
    [3.0]
    """
    if not 0 < hit_rate <= 1:
        raise ValueError(f"hit_rate must be in (0, 1]; got {hit_rate!r}.")
    m = top.groupby([*group, "experiment"]).top_count.mean().rename("mean_count").reset_index()
    searched = (m["experiment"] - int(n_initial)).clip(lower=0)
    m["ef"] = np.where(searched > 0, m["mean_count"] / (hit_rate * searched.where(searched > 0, 1)), np.nan)
    return m


#: What each row of chapter 7's acquisition sweep runs: optimiser, surrogate and acquisition.
OPTIMISER_LABELS = {
    ("skopt", "EI"): "skopt BO (skopt GP), expected improvement",
    ("skopt", "PI"): "skopt BO (skopt GP), probability of improvement",
    ("skopt", "LCB"): "skopt BO (skopt GP), LCB kappa 1.96 = UCB of the force with kappa 1.96",
    ("skopt", "gp_hedge"): "skopt BO (skopt GP), gp_hedge (EI, PI and LCB kappa 1.96)",
    ("fast", "UCB"): "fast variant (scikit-learn GP), UCB kappa 5, 4 extra intensities",
    ("authors", "UCB"): "authors' loop (bayes_opt GP), UCB kappa 5",
}


def optimiser_label(strategy: str, acq: str) -> str:
    """The optimiser behind a (strategy, acquisition) row of a replay table.

    Examples
    --------
    >>> optimiser_label("fast", "UCB")
    'fast variant (scikit-learn GP), UCB kappa 5, 4 extra intensities'
    """
    try:
        return OPTIMISER_LABELS[(strategy, acq)]
    except KeyError:
        raise ValueError(f"no label for strategy {strategy!r} with acquisition {acq!r}; "
                         f"known: {sorted(OPTIMISER_LABELS)}.") from None


#: Two-line tick labels of :data:`OPTIMISER_LABELS` for figures (the tables keep the full labels).
OPTIMISER_TICKS = {
    ("skopt", "EI"): "skopt\nEI",
    ("skopt", "PI"): "skopt\nPI",
    ("skopt", "LCB"): "skopt\nLCB 1.96",
    ("skopt", "gp_hedge"): "skopt\ngp_hedge",
    ("fast", "UCB"): "fast\nUCB 5",
    ("authors", "UCB"): "authors\nUCB 5",
}


def optimiser_ticks(labels: Sequence[str]) -> list[str]:
    """The short tick label of each full label of :data:`OPTIMISER_LABELS`, in order.

    Examples
    --------
    >>> optimiser_ticks(["fast variant (scikit-learn GP), UCB kappa 5, 4 extra intensities",
    ...                  "skopt BO (skopt GP), expected improvement"])
    ['fast\\nUCB 5', 'skopt\\nEI']
    """
    short = {OPTIMISER_LABELS[k]: v for k, v in OPTIMISER_TICKS.items()}
    unknown = [x for x in labels if x not in short]
    if unknown:
        raise ValueError(f"not labels of OPTIMISER_LABELS: {unknown}; use optimiser_label(strategy, acq) first.")
    return [short[x] for x in labels]


def cochran_armitage(reached: Sequence[int], campaigns: Sequence[int], weights: Sequence[float]) -> dict[str, float]:
    """Cochran-Armitage test for a trend in a share across ordered settings (e.g. noise levels).

    Parameters
    ----------
    reached, campaigns : sequences of int
        Campaigns that reached the target, and campaigns, per setting.
    weights : sequence of float
        The settings' scores (e.g. the noise sd).

    Returns
    -------
    dict
        ``z`` (negative: the share falls with the weight) and the two-sided ``p``.

    Examples
    --------
    >>> r = cochran_armitage([14, 15, 13, 8], [20, 20, 20, 20], [0.0, 0.05, 0.1, 0.2])
    >>> round(r["z"], 2), round(r["p"], 3)
    (-2.26, 0.024)
    """
    k, n, w = (np.asarray(v, dtype=float) for v in (reached, campaigns, weights))
    if not (k.shape == n.shape == w.shape and k.ndim == 1 and len(k) >= 2):
        raise ValueError("reached, campaigns and weights must be 1-D sequences of one length (at least 2 settings).")
    if np.any(k < 0) or np.any(k > n) or np.any(n <= 0):
        raise ValueError("need 0 <= reached <= campaigns and campaigns > 0 for every setting.")
    pbar = k.sum() / n.sum()
    var = pbar * (1 - pbar) * (np.sum(w * w * n) - np.sum(w * n) ** 2 / n.sum())
    if var <= 0:
        raise ValueError("no variance: every setting has the same score, or every campaign the same outcome.")
    z = float(np.sum(w * (k - n * pbar)) / np.sqrt(var))
    return {"z": z, "p": float(2 * stats.norm.sf(abs(z)))}


def record_weights(per_campaign: pd.DataFrame, record: float, tolerance: float = 0.1, plateau: float | None = 0.1,
                   near: float | None = None, level: float = 0.95) -> dict[str, object]:
    """Weight landscapes by how often a campaign on them looks like a recorded trajectory (rejection ABC).

    A campaign is *accepted* when its best force after 100 experiments lies
    within ``tolerance`` of ``record`` and, with ``plateau``, the next
    experiments up to 155 add less than that share. A landscape's weight is its
    share of accepted campaigns (a uniform prior over the landscapes).

    Parameters
    ----------
    per_campaign : pandas.DataFrame
        :func:`campaign_table` rows (``landscape, optimum_mN, best_100, best_155``).
    record : float
        The recorded best force (mN), e.g. the study's 37.0.
    tolerance : float, default 0.1
    plateau : float or None, default 0.1
    near : float, optional
        An optimum at most this is "near the record" (default ``(1 + tolerance) * record``).

    Returns
    -------
    dict
        ``campaigns, accepted, landscapes, landscapes_accepted``;
        ``prior_median`` and ``prior_near`` (share of landscapes with an optimum
        near the record); ``weighted_median`` and ``weighted_near`` (NaN when
        nothing was accepted); ``accepted_optima`` (sorted, mN). Each share has
        its Wilson interval at ``level``: ``prior_near_lo, prior_near_hi`` over the
        landscapes, ``weighted_near_lo, weighted_near_hi`` over the accepted ones
        (with unequal weights, over their effective number
        ``(sum w)^2 / sum w^2``; with one campaign per landscape that is the
        number of accepted landscapes).
    level : float, default 0.95

    Examples
    --------
    >>> t = pd.DataFrame({"landscape": ["a", "a", "b", "c"], "optimum_mN": [38.0, 38.0, 90.0, 200.0],
    ...                   "best_100": [36.0, 30.0, 37.5, 80.0], "best_155": [36.5, 31.0, 50.0, 90.0]})
    >>> w = record_weights(t, 37.0)
    >>> w["accepted"], w["weighted_near"], w["prior_near"]
    (1, 1.0, 0.3333333333333333)
    >>> [round(w[k], 3) for k in ("prior_near_lo", "prior_near_hi", "weighted_near_lo", "weighted_near_hi")]
    [0.061, 0.792, 0.207, 1.0]
    """
    need = {"landscape", "optimum_mN", "best_100", "best_155"} - set(per_campaign.columns)
    if need:
        raise ValueError(f"per_campaign lacks columns {sorted(need)}; pass campaign_table(...) rows.")
    near = (1 + tolerance) * record if near is None else float(near)
    g = per_campaign
    acc = g["best_100"].between((1 - tolerance) * record, (1 + tolerance) * record)
    if plateau is not None:
        acc &= g["best_155"] <= (1 + plateau) * g["best_100"]
    w = g.assign(acc=acc).groupby("landscape").agg(weight=("acc", "mean"), optimum=("optimum_mN", "first"))
    out: dict[str, object] = {"campaigns": len(g), "accepted": int(acc.sum()), "landscapes": len(w),
                              "landscapes_accepted": int((w.weight > 0).sum()),
                              "prior_median": float(w.optimum.median()),
                              "prior_near": float((w.optimum <= near).mean()),
                              "weighted_median": float("nan"), "weighted_near": float("nan"),
                              "weighted_near_lo": float("nan"), "weighted_near_hi": float("nan"),
                              "accepted_optima": sorted(w.optimum[w.weight > 0].tolist())}
    out["prior_near_lo"], out["prior_near_hi"] = wilson(int((w.optimum <= near).sum()), len(w), level)
    if w.weight.sum() > 0:
        wt = (w.weight / w.weight.sum()).to_numpy()
        o = w.optimum.to_numpy(float)
        order = np.argsort(o)
        out["weighted_median"] = float(o[order][np.searchsorted(np.cumsum(wt[order]), 0.5)])
        weighted_near = float(wt[o <= near].sum())
        out["weighted_near"] = weighted_near
        n_eff = int(round(1.0 / float(np.sum(wt ** 2))))  # Kish's effective number of accepted landscapes
        out["weighted_near_lo"], out["weighted_near_hi"] = wilson(round(weighted_near * n_eff), n_eff, level)
    return out
