"""Design rules tested as substitution rules: within-paper estimates.

A design rule ("fragment X raises E") is a claim about *substitution*: put X
on a molecule and its crystal gets stiffer.  The pooled LASSO of the study
also learns from differences *between* papers (one paper measures sugars,
another halogenated aromatics, by different methods and groups).  Giving
every paper its own unpenalised intercept (paper fixed effects) removes
those between-paper differences; what remains is learned from crystals
measured side by side in one paper.

For the LASSO, an unpenalised intercept per paper is the same as centring
X and y within each paper and fitting without intercept (the intercepts
are minimised out exactly; the penalty and the ``1/(2n)`` scaling are the
same, so ``alpha`` keeps its meaning).  Papers with a single row then
contribute nothing.

Uncertainty comes from the paper-cluster bootstrap: whole papers are
resampled with replacement, and each resampled copy of a paper keeps its own
intercept.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.linear_model import Lasso

from mlcrystal import study
from mlcrystal.seeding import RandomState, check_random_state

__all__ = [
    "demean_by_group",
    "within_paper_lasso",
    "within_paper_ols",
    "paper_bootstrap",
    "rule_estimates",
    "within_paper_contrasts",
    "contrast_summary",
]


def _check(X: pd.DataFrame, y, groups, name: str = "papers") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not isinstance(X, pd.DataFrame):
        raise ValueError(f"X must be a pandas DataFrame of fragment counts, got {type(X).__name__}; "
                         "build it with mlcrystal.rules.features.paper_design_matrix(df).")
    yv = np.asarray(y, dtype=float)
    g = np.asarray(groups, dtype=object)
    if yv.shape != (len(X),) or g.shape != (len(X),):
        raise ValueError(f"y and {name} need one value per row of X ({len(X)} rows); got {yv.shape} and {g.shape}.")
    if not np.all(np.isfinite(yv)):
        raise ValueError("y contains NaN or infinite values; drop or fix those rows first.")
    if pd.isna(g).any():
        i = int(np.flatnonzero(pd.isna(g))[0])
        raise ValueError(f"{name} is missing at row {i}; every row needs a paper label (e.g. its DOI).")
    return X.to_numpy(dtype=float), yv, g.astype(str)


def demean_by_group(X, y, groups) -> tuple[np.ndarray, np.ndarray]:
    """Centre every column of ``X`` and ``y`` within each group.

    Parameters
    ----------
    X : array-like, shape (n, p)
    y : array-like, shape (n,)
    groups : array-like, shape (n,)

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``X`` and ``y`` minus their group means.

    Examples
    --------
    >>> Xd, yd = demean_by_group([[1.0], [3.0], [5.0]], [2.0, 4.0, 9.0], ["a", "a", "b"])
    >>> Xd.ravel().tolist(), yd.tolist()
    ([-1.0, 1.0, 0.0], [-1.0, 1.0, 0.0])
    """
    Xv = np.asarray(X, dtype=float)
    yv = np.asarray(y, dtype=float)
    _, inv = np.unique(np.asarray(groups).astype(str), return_inverse=True)
    counts = np.bincount(inv).astype(float)
    Xm = np.zeros((len(counts), Xv.shape[1]))
    np.add.at(Xm, inv, Xv)
    ym = np.bincount(inv, weights=yv) / counts
    return Xv - (Xm / counts[:, None])[inv], yv - ym[inv]


def within_paper_lasso(X: pd.DataFrame, y, papers, *, alpha: float = study.LASSO_RESULT["alpha"],
                       max_iter: int = study.LASSO_MAX_ITER) -> pd.Series:
    """LASSO coefficients with an unpenalised intercept per paper (paper fixed effects).

    Parameters
    ----------
    X : pandas.DataFrame
        Raw fragment counts.
    y : array-like
        Young's modulus (GPa).
    papers : array-like
        Paper label of each row.
    alpha : float
        Penalty (the study's by default), on the same scale as the pooled fit.
    max_iter : int

    Returns
    -------
    pandas.Series
        One coefficient per column (GPa per occurrence), zeros included.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0, 1, 0, 1, 0, 1], "b": [0, 0, 1, 1, 1, 1]})
    >>> y = [1.0, 3.0, 11.0, 13.0, 11.0, 13.0]   # a: +2 inside every paper; b only between papers
    >>> within_paper_lasso(X, y, ["p", "p", "q", "q", "q", "q"], alpha=0.01).round(1).tolist()
    [2.0, 0.0]
    """
    Xv, yv, g = _check(X, y, papers)
    Xd, yd = demean_by_group(Xv, yv, g)
    m = Lasso(alpha=alpha, fit_intercept=False, max_iter=max_iter).fit(Xd, yd)
    return pd.Series(m.coef_, index=X.columns)


def within_paper_ols(X: pd.DataFrame, y, papers, features) -> pd.Series:
    """Least-squares coefficients of ``features`` with paper fixed effects (no penalty).

    The check that a small within-paper LASSO coefficient is not only the
    penalty biting harder on the smaller within-paper variation.

    Parameters
    ----------
    X : pandas.DataFrame
    y : array-like
    papers : array-like
    features : sequence of str
        Columns to fit (e.g. the study's seven rules); the rest are left out.

    Returns
    -------
    pandas.Series
        Coefficient per feature (GPa per occurrence); NaN for a feature that
        never varies inside a paper.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0, 1, 0, 1], "b": [0, 0, 1, 1]})
    >>> within_paper_ols(X, [1.0, 3.0, 10.0, 12.0], ["p", "p", "q", "q"], ["a", "b"]).tolist()
    [2.0, nan]
    """
    features = list(features)
    unknown = [f for f in features if f not in X.columns]
    if unknown:
        raise ValueError(f"feature(s) {unknown} are not columns of X.")
    Xv, yv, g = _check(X[features], y, papers)
    Xd, yd = demean_by_group(Xv, yv, g)
    varies = np.abs(Xd).sum(axis=0) > 1e-12
    out = np.full(len(features), np.nan)
    if varies.any():
        out[varies] = np.linalg.lstsq(Xd[:, varies], yd, rcond=None)[0]
    return pd.Series(out, index=features)


def paper_bootstrap(X: pd.DataFrame, y, papers, *, alpha: float = study.LASSO_RESULT["alpha"], n_boot: int = 200,
                    features=None, random_state: RandomState = 0,
                    max_iter: int = study.LASSO_MAX_ITER) -> pd.DataFrame:
    """Pooled and within-paper fits on paper-cluster bootstrap samples.

    Every sample draws as many papers as there are, with replacement; a paper
    drawn twice enters twice, each copy with its own intercept in the
    within-paper fit.

    Parameters
    ----------
    X : pandas.DataFrame
    y : array-like
    papers : array-like
    alpha : float
    n_boot : int, default 200
    features : sequence of str, optional
        Columns for the unpenalised within-paper least squares (``"within OLS"``);
        default: none (that fit is skipped).
    random_state : None, int or numpy.random.Generator
    max_iter : int

    Returns
    -------
    pandas.DataFrame
        Long table ``boot, fit, feature, coefficient`` with ``fit`` in
        ``"pooled"``, ``"within"`` and (with ``features``) ``"within OLS"``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.integers(0, 2, 60)})
    >>> papers = np.repeat(np.arange(12), 5)
    >>> y = 2.0 * X.a + papers + rng.normal(0, 0.1, 60)
    >>> b = paper_bootstrap(X, y, papers, alpha=0.01, n_boot=20, random_state=0)
    >>> bool(b[b.fit == "within"].coefficient.between(1.8, 2.2).all())
    True
    """
    Xv, yv, g = _check(X, y, papers)
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer, got {n_boot!r}.")
    rng = check_random_state(random_state)
    uniq, inv = np.unique(g, return_inverse=True)
    members = [np.flatnonzero(inv == k) for k in range(len(uniq))]
    feats = [] if features is None else list(features)
    rows: list[tuple[int, str, str, float]] = []
    for b in range(n_boot):
        picked = rng.integers(0, len(uniq), size=len(uniq))
        idx = np.concatenate([members[k] for k in picked])
        copy = np.concatenate([np.full(len(members[k]), j) for j, k in enumerate(picked)])
        pooled = Lasso(alpha=alpha, max_iter=max_iter).fit(Xv[idx], yv[idx]).coef_
        Xd, yd = demean_by_group(Xv[idx], yv[idx], copy)
        within = Lasso(alpha=alpha, fit_intercept=False, max_iter=max_iter).fit(Xd, yd).coef_
        for fit, coef in (("pooled", pooled), ("within", within)):
            rows.extend((b, fit, c, float(v)) for c, v in zip(X.columns, coef, strict=True))
        if feats:
            sub = X[feats].iloc[idx].reset_index(drop=True)
            ols = within_paper_ols(sub, yv[idx], copy.astype(str), feats)
            rows.extend((b, "within OLS", c, float(v)) for c, v in ols.items())
    return pd.DataFrame(rows, columns=["boot", "fit", "feature", "coefficient"])


def rule_estimates(X: pd.DataFrame, y, papers, reference: pd.Series, *,
                   alpha: float = study.LASSO_RESULT["alpha"], n_boot: int = 200, ci: float = 0.9,
                   random_state: RandomState = 0, boot: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pooled against within-paper estimate of every rule, with paper-bootstrap intervals.

    Parameters
    ----------
    X : pandas.DataFrame
    y : array-like
    papers : array-like
    reference : pandas.Series
        The rules: fragment -> coefficient whose sign states the rule (e.g.
        ``paper_lasso(X, y).coefficients``).
    alpha : float
    n_boot : int, default 200
    ci : float, default 0.9
        Coverage of the percentile intervals.
    random_state : None, int or numpy.random.Generator
    boot : pandas.DataFrame, optional
        A :func:`paper_bootstrap` result to reuse (with the rules as ``features``).

    Returns
    -------
    pandas.DataFrame
        Indexed by fragment: the study's coefficient; for ``pooled``,
        ``within`` (LASSO with paper fixed effects) and ``within_ols``
        (least squares with paper fixed effects, rules only): the estimate on
        all rows, the interval (``_lo``, ``_hi``) and the share of bootstrap
        fits with a non-zero coefficient of the rule's sign (``_support``).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> papers = np.repeat(np.arange(20), 6)
    >>> X = pd.DataFrame({"a": rng.integers(0, 3, 120), "b": (papers % 2).astype(int)})
    >>> y = 1.5 * X.a + 4.0 * (papers % 2) + rng.normal(0, 0.3, 120)   # b is a paper effect only
    >>> t = rule_estimates(X, y, papers, pd.Series({"a": 1.0, "b": 1.0}), alpha=0.05, n_boot=30)
    >>> [float(t.loc[f, c]) for f, c in [("a", "within_support"), ("b", "within_support"), ("b", "pooled_support")]]
    [1.0, 0.0, 1.0]
    """
    if not isinstance(reference, pd.Series) or reference.empty:
        raise ValueError("reference must be a non-empty Series of fragment -> coefficient (the rules).")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be in (0, 1), got {ci!r}.")
    feats = list(reference.index)
    if boot is None:
        boot = paper_bootstrap(X, y, papers, alpha=alpha, n_boot=n_boot, features=feats, random_state=random_state)
    Xv, yv, g = _check(X, y, papers)
    pooled_all = pd.Series(Lasso(alpha=alpha, max_iter=study.LASSO_MAX_ITER).fit(Xv, yv).coef_, index=X.columns)
    point = {"pooled": pooled_all, "within": within_paper_lasso(X, y, papers, alpha=alpha),
             "within_ols": within_paper_ols(X, y, papers, feats)}
    lo_q, hi_q = (1 - ci) / 2, 1 - (1 - ci) / 2
    rows = []
    for f in feats:
        sign = np.sign(reference[f])
        row = {"fragment": f, "study": float(reference[f])}
        for key, fit in (("pooled", "pooled"), ("within", "within"), ("within_ols", "within OLS")):
            b = boot[(boot.fit == fit) & (boot.feature == f)].coefficient.to_numpy()
            row[key] = float(point[key][f])
            finite = b[np.isfinite(b)]
            row[f"{key}_lo"] = float(np.quantile(finite, lo_q)) if len(finite) else np.nan
            row[f"{key}_hi"] = float(np.quantile(finite, hi_q)) if len(finite) else np.nan
            row[f"{key}_support"] = float(np.mean(np.sign(np.nan_to_num(b)) == sign)) if len(b) else np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("fragment")


def within_paper_contrasts(X: pd.DataFrame, y, papers, feature: str) -> pd.DataFrame:
    """Inside each paper that measured both, carriers of ``feature`` against non-carriers.

    Parameters
    ----------
    X : pandas.DataFrame
    y : array-like
    papers : array-like
    feature : str
        A column of ``X``; a row "carries" it when its count is above zero.

    Returns
    -------
    pandas.DataFrame
        One row per paper with both kinds of rows: ``paper, n_with, n_without,
        mean_with, mean_without, difference`` (GPa, with minus without).

    Examples
    --------
    >>> X = pd.DataFrame({"h": [0, 1, 0, 1, 1]})
    >>> within_paper_contrasts(X, [5.0, 3.0, 2.0, 4.0, 1.0], ["p", "p", "q", "q", "r"], "h").difference.tolist()
    [-2.0, 2.0]
    """
    if feature not in X.columns:
        raise ValueError(f"feature {feature!r} is not a column of X.")
    _, yv, g = _check(X, y, papers)
    has = X[feature].to_numpy() > 0
    d = pd.DataFrame({"paper": g, "has": has, "E": yv})
    rows = []
    for p, part in d.groupby("paper", sort=False):
        w, wo = part.E[part.has], part.E[~part.has]
        if len(w) and len(wo):
            rows.append({"paper": p, "n_with": len(w), "n_without": len(wo), "mean_with": float(w.mean()),
                         "mean_without": float(wo.mean()), "difference": float(w.mean() - wo.mean())})
    return pd.DataFrame(rows, columns=["paper", "n_with", "n_without", "mean_with", "mean_without", "difference"])


def contrast_summary(X: pd.DataFrame, y, papers, reference: pd.Series) -> pd.DataFrame:
    """Per rule: how many papers measured carriers and non-carriers, and in how many the rule's sign held.

    Parameters
    ----------
    X, y, papers
        As in :func:`within_paper_contrasts`.
    reference : pandas.Series
        Fragment -> coefficient (its sign is the rule).

    Returns
    -------
    pandas.DataFrame
        Indexed by fragment: ``n_papers`` (papers with both kinds of rows),
        ``n_agree`` (papers whose difference has the rule's sign),
        ``median_difference`` (GPa) and ``sign_test_p`` (two-sided binomial
        test of ``n_agree`` against half, :func:`scipy.stats.binomtest`).

    Examples
    --------
    >>> X = pd.DataFrame({"h": [0, 1] * 6})
    >>> y = [5.0, 3.0] * 6
    >>> s = contrast_summary(X, y, np.repeat(np.arange(6), 2), pd.Series({"h": -1.0}))
    >>> int(s.loc["h", "n_papers"]), int(s.loc["h", "n_agree"]), round(float(s.loc["h", "sign_test_p"]), 3)
    (6, 6, 0.031)
    """
    rows = []
    for f, c in reference.items():
        d = within_paper_contrasts(X, y, papers, str(f))
        agree = int((np.sign(d.difference) == np.sign(c)).sum())
        rows.append({"fragment": f, "n_papers": len(d), "n_agree": agree,
                     "median_difference": float(d.difference.median()) if len(d) else np.nan,
                     "sign_test_p": float(binomtest(agree, len(d)).pvalue) if len(d) else np.nan})
    return pd.DataFrame(rows).set_index("fragment")
