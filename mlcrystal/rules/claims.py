"""The computations behind single claims of chapters 2-5.

Each function answers one question a referee asked of a sentence in the
book: does one paper carry the aromatic-OH rule at every alpha; how much of
the variance lies within one structure; what a looser correlation cut-off
does to the study's protocol; which rows carry a rule; how surprising a difference between a handful
of crystals is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from math import comb

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.linear_model import Lasso

from mlcrystal import study
from mlcrystal.rules.families import random_carrier_removal
from mlcrystal.rules.features import drop_constant, fragment_counts, prune_correlated
from mlcrystal.rules.lasso import PaperLassoResult, paper_lasso
from mlcrystal.rules.partitions import leave_one_group_out_influence
from mlcrystal.seeding import RandomState, check_random_state

__all__ = ["rule_across_alphas", "variance_shares", "protocol_at_cutoff", "exact_mean_difference_test",
           "cutoff_sweep", "rule_carriers"]


def rule_across_alphas(X: pd.DataFrame, y, papers, feature: str, alphas: Sequence[float]) -> pd.DataFrame:
    """Leave-one-paper-out for one rule at several alphas.

    Parameters
    ----------
    X : pandas.DataFrame
    y : array-like
    papers : array-like
    feature : str
        The rule's column, e.g. ``"fr_Ar_OH"``.
    alphas : sequence of float
        E.g. the study's alpha, the one-SE alpha and the plain-CV alpha.

    Returns
    -------
    pandas.DataFrame
        One row per alpha: ``alpha, coefficient`` (all rows), ``n_zeroing``
        (papers whose removal zeroes it), ``zeroed_by``, ``most_influential``,
        ``without_most_influential`` (the coefficient without that paper),
        ``min_without, max_without``.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0, 1] * 10, "b": [0] * 18 + [1, 1]})
    >>> y = 2.0 * X.a + 0.5 * X.b
    >>> d = rule_across_alphas(X, y, ["p"] * 9 + ["r"] * 9 + ["q"] * 2, "b", [0.001, 0.05])
    >>> d.n_zeroing.tolist()
    [1, 0]
    """
    rows = []
    for a in alphas:
        inf = leave_one_group_out_influence(X, y, papers, alpha=float(a), features=[feature])
        k = int(inf.change.abs().to_numpy().argmax())
        zero = inf.group[inf.zeroed].tolist()
        rows.append({"alpha": float(a), "coefficient": float(inf.coefficient_all.iloc[0]), "n_zeroing": len(zero),
                     "zeroed_by": "; ".join(zero), "most_influential": inf.group.iloc[k],
                     "without_most_influential": float(inf.coefficient_without.iloc[k]),
                     "min_without": float(inf.coefficient_without.min()),
                     "max_without": float(inf.coefficient_without.max())})
    return pd.DataFrame(rows)


def variance_shares(y, groupings: dict, *, n_boot: int = 200, cluster=None, random_state: RandomState = 0,
                    ci: float = 0.9) -> pd.DataFrame:
    """Share of the total variance of ``y`` that lies within the groups of each grouping.

    The within-group share is ``sum of squares around the group means / sum of
    squares around the grand mean``; ``1 - share`` bounds what any model of
    the grouping's key alone (e.g. the 2-D structure) can explain in sample.

    Parameters
    ----------
    y : array-like
    groupings : dict
        Name -> group label per row (e.g. structure, paper, structure and paper).
    n_boot : int, default 200
        Cluster-bootstrap samples for the interval (0: no interval).
    cluster : array-like, optional
        The resampling unit (default: the first grouping's labels).
    random_state : None, int or numpy.random.Generator
    ci : float, default 0.9

    Returns
    -------
    pandas.DataFrame
        Indexed by grouping: ``n_groups``, ``n_groups_repeated`` (groups with
        two rows or more), ``within_share`` and its interval ``lo, hi``.

    Examples
    --------
    >>> y = [1.0, 3.0, 10.0, 12.0]
    >>> round(float(variance_shares(y, {"g": ["a", "a", "b", "b"]}, n_boot=0).loc["g", "within_share"]), 3)
    0.047
    """
    yv = np.asarray(y, dtype=float)
    if not groupings:
        raise ValueError("groupings must name at least one grouping, e.g. {'structure': labels}.")
    labs = {k: np.asarray(v).astype(str) for k, v in groupings.items()}
    for k, v in labs.items():
        if v.shape != yv.shape:
            raise ValueError(f"grouping {k!r} has {len(v)} labels, expected {len(yv)} (one per value of y).")
    unit = next(iter(labs.values())) if cluster is None else np.asarray(cluster).astype(str)

    def share(values, labels):
        d = pd.DataFrame({"y": values, "g": labels})
        total = float(((d.y - d.y.mean()) ** 2).sum())
        within = float(((d.y - d.groupby("g").y.transform("mean")) ** 2).sum())
        return within / total if total > 0 else np.nan  # a resample of one value has no variance

    rng = check_random_state(random_state)
    uniq, inv = np.unique(unit, return_inverse=True)
    members = [np.flatnonzero(inv == j) for j in range(len(uniq))]
    boots: dict[str, list[float]] = {k: [] for k in labs}
    for _ in range(n_boot):
        picked = rng.integers(0, len(uniq), size=len(uniq))
        idx = np.concatenate([members[j] for j in picked])
        for k, v in labs.items():  # a unit drawn twice joins its own groups: the shares stay comparable
            boots[k].append(share(yv[idx], v[idx]))
    rows = []
    for k, v in labs.items():
        counts = pd.Series(v).value_counts()
        b = np.asarray(boots[k])
        rows.append({"grouping": k, "n_groups": len(counts), "n_groups_repeated": int((counts > 1).sum()),
                     "within_share": share(yv, v),
                     "lo": float(np.nanquantile(b, (1 - ci) / 2)) if len(b) else np.nan,
                     "hi": float(np.nanquantile(b, 1 - (1 - ci) / 2)) if len(b) else np.nan})
    return pd.DataFrame(rows).set_index("grouping")


def protocol_at_cutoff(smiles, y, threshold: float, **protocol) -> tuple[PaperLassoResult, list[str]]:
    """The study's protocol on a design matrix pruned by a correlation cut-off instead of by hand.

    Parameters
    ----------
    smiles : sequence of str
    y : array-like
    threshold : float
        Passed to :func:`mlcrystal.rules.features.prune_correlated` (all-zero columns
        are dropped first).
    **protocol
        Passed to :func:`mlcrystal.rules.lasso.paper_lasso`.

    Returns
    -------
    (PaperLassoResult, list of str)
        The protocol's result and the columns the cut-off kept.

    Examples
    --------
    >>> smi = ["CCO", "c1ccccc1", "OCC(O)CO", "c1ccccc1Cl", "CC(=O)O", "Nc1ccccc1"] * 3
    >>> res, cols = protocol_at_cutoff(smi, np.linspace(1, 18, 18), 0.8)
    >>> "fr_benzene" in cols
    True
    """
    counts = drop_constant(fragment_counts(smiles))
    kept, _ = prune_correlated(counts, threshold)
    X = counts[kept]
    return paper_lasso(X, np.asarray(y, dtype=float), **protocol), list(kept)


def exact_mean_difference_test(a, b, *, alternative: str = "greater") -> dict:
    """Exact permutation test of ``mean(a) - mean(b)`` over every relabelling.

    :func:`scipy.stats.permutation_test` with ``n_resamples=np.inf`` (all
    ``C(n_a + n_b, n_a)`` assignments); for a handful of crystals this is the
    whole null, and its smallest attainable p-value is ``1 / C(n_a + n_b, n_a)``.

    Parameters
    ----------
    a, b : array-like
    alternative : {"greater", "less", "two-sided"}

    Returns
    -------
    dict
        ``difference, p_value, n_assignments, smallest_p``.

    Examples
    --------
    >>> r = exact_mean_difference_test([3.0, 4.0], [1.0, 2.0, 0.5])
    >>> r["n_assignments"], round(r["p_value"], 2), round(r["smallest_p"], 2)
    (10, 0.1, 0.1)
    """
    av, bv = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(av) < 1 or len(bv) < 1:
        raise ValueError("both groups need at least one value.")
    res = stats.permutation_test((av, bv), lambda x, z: np.mean(x) - np.mean(z), permutation_type="independent",
                                 alternative=alternative, n_resamples=np.inf, vectorized=False)
    n = comb(len(av) + len(bv), len(av))
    return {"difference": float(av.mean() - bv.mean()), "p_value": float(res.pvalue), "n_assignments": n,
            "smallest_p": 1.0 / n}


def cutoff_sweep(smiles, y, thresholds: Sequence[float], reference: PaperLassoResult | None = None,
                 **protocol) -> pd.DataFrame:
    """The study's protocol on design matrices pruned at several correlation cut-offs.

    Parameters
    ----------
    smiles : sequence of str
    y : array-like
    thresholds : sequence of float
        Cut-offs for :func:`mlcrystal.rules.features.prune_correlated`.
    reference : PaperLassoResult, optional
        The protocol on the study's hand-pruned matrix; each cut-off is compared with it.
    **protocol
        Passed to :func:`mlcrystal.rules.lasso.paper_lasso`.

    Returns
    -------
    pandas.DataFrame
        One row per cut-off: ``threshold, columns, alpha, test_r2, n_rules, rules``
        (the non-zero coefficients, most positive first) and, with a
        ``reference``, ``same_rules`` (the same set of fragments) and
        ``max_coef_difference`` (GPa per fragment, over the union of both sets;
        a rule missing on one side counts as 0).

    Examples
    --------
    >>> smi = ["CCO", "c1ccccc1", "OCC(O)CO", "c1ccccc1Cl", "CC(=O)O", "Nc1ccccc1"] * 3
    >>> d = cutoff_sweep(smi, np.linspace(1, 18, 18), [0.7, 0.9])
    >>> d.columns.tolist()
    ['threshold', 'columns', 'alpha', 'test_r2', 'n_rules', 'rules']
    """
    if len(thresholds) == 0:
        raise ValueError("thresholds is empty; give at least one cut-off, e.g. [0.7, 0.8].")
    rows = []
    for t in thresholds:
        res, cols = protocol_at_cutoff(smiles, y, float(t), **protocol)
        row = {"threshold": float(t), "columns": len(cols), "alpha": res.alpha, "test_r2": res.test_r2,
               "n_rules": len(res.coefficients), "rules": ", ".join(res.coefficients.index)}
        if reference is not None:
            both = res.coefficients.index.union(reference.coefficients.index)
            diff = res.coefficients.reindex(both, fill_value=0.0) - reference.coefficients.reindex(both, fill_value=0.0)
            row["same_rules"] = set(res.coefficients.index) == set(reference.coefficients.index)
            row["max_coef_difference"] = float(diff.abs().max()) if len(both) else 0.0
        rows.append(row)
    return pd.DataFrame(rows)


def rule_carriers(X: pd.DataFrame, y, feature: str, removals: Mapping[str, object], *,
                  alpha: float = study.LASSO_RESULT["alpha"], n_draws: int = 50, random_state: RandomState = 0,
                  max_iter: int = study.LASSO_MAX_ITER) -> pd.DataFrame:
    """Which rows carry one rule: refit the fixed-alpha LASSO without each set of rows.

    Each set (a chemical family, one paper's rows) is set against a null: as
    many of the rule's carriers (rows with a non-zero count) removed at random.
    A set whose removal moves the coefficient far outside that null carries the
    rule; one that moves it no more than random carriers do does not.

    Parameters
    ----------
    X : pandas.DataFrame
        Raw counts.
    y : array-like
    feature : str
        The rule's column, e.g. ``"fr_NH2"``.
    removals : mapping
        Name -> boolean mask over the rows of ``X`` (True: removed).
    alpha : float
        Default: the study's.
    n_draws : int, default 50
        Random removals per set (0: no null).
    random_state : None, int or numpy.random.Generator
    max_iter : int

    Returns
    -------
    pandas.DataFrame
        A first row ``"none"`` (all rows), then one row per set: ``removed,
        rows_removed, carriers_removed, coefficient``, the null's
        ``random_q05, random_median, random_q95`` (NaN for the first row, for a
        set that removes no carrier and without draws) and ``versus_random``:
        ``"lower"`` (below the null's 5th percentile), ``"within"``,
        ``"higher"`` (above its 95th) or ``""`` without a null.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0, 1] * 20, "b": [0] * 36 + [1] * 4})
    >>> y = 2.0 * X.a + 5.0 * X.b
    >>> d = rule_carriers(X, y, "b", {"last four": np.arange(40) >= 36, "first two": np.arange(40) < 2},
    ...                   alpha=0.01, n_draws=0)
    >>> d.removed.tolist(), [round(c, 1) for c in d.coefficient]
    (['none', 'last four', 'first two'], [4.9, 0.0, 4.9])
    """
    if feature not in X.columns:
        raise ValueError(f"feature {feature!r} is not a column of X; give one of its columns, e.g. {X.columns[0]!r}.")
    yv = np.asarray(y, dtype=float)
    if yv.shape != (len(X),):
        raise ValueError(f"y needs one value per row of X ({len(X)}), got shape {yv.shape}.")
    Xv = X.to_numpy(dtype=float)
    j = X.columns.get_loc(feature)
    carriers = X[feature].to_numpy() > 0
    rng = check_random_state(random_state)

    def coef(keep: np.ndarray) -> float:
        return float(Lasso(alpha=alpha, max_iter=max_iter).fit(Xv[keep], yv[keep]).coef_[j])

    nan = float("nan")
    rows = [{"removed": "none", "rows_removed": 0, "carriers_removed": 0, "coefficient": coef(np.ones(len(X), bool)),
             "random_q05": nan, "random_median": nan, "random_q95": nan, "versus_random": ""}]
    for name, mask in removals.items():
        m = np.asarray(mask, dtype=bool)
        if m.shape != (len(X),):
            raise ValueError(f"removal {name!r} has {m.size} entries; it needs one True/False per row of X "
                             f"({len(X)}).")
        if m.all():
            raise ValueError(f"removal {name!r} removes every row; nothing would be left to fit.")
        k = int((m & carriers).sum())
        q = [nan, nan, nan]
        if n_draws > 0 and 0 < k < int(carriers.sum()):
            null = random_carrier_removal(X, yv, feature, k, alpha=alpha, n_draws=n_draws, random_state=rng,
                                          max_iter=max_iter)
            q = [float(v) for v in null.coefficient_without.quantile([0.05, 0.5, 0.95])]
        c = coef(~m)
        versus = "" if np.isnan(q[0]) else "lower" if c < q[0] else "higher" if c > q[2] else "within"
        rows.append({"removed": str(name), "rows_removed": int(m.sum()), "carriers_removed": k, "coefficient": c,
                     "random_q05": q[0], "random_median": q[1], "random_q95": q[2], "versus_random": versus})
    return pd.DataFrame(rows)
