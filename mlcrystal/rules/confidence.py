"""A confidence table for design rules that separates substitution rules from associations.

A pooled fit says "crystals with X are stiffer"; a design rule says "adding X
makes a crystal stiffer".  :func:`rerate_rules` rates each rule on three
kinds of evidence, each computed elsewhere in ``mlcrystal.rules``:

- pooled support: share of paper-resampled pooled fits with the rule's sign;
- within-paper support: the same for fits with an intercept per paper
  (one or more estimators, :mod:`mlcrystal.rules.within_paper`); the rule's
  within-paper support is the smallest over the estimators given;
- family dependence: chemical families whose removal zeroes or flips the rule
  (:mod:`mlcrystal.rules.families`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["rerate_rules", "RATINGS"]

#: The ratings, from strongest to weakest, with what each means.
RATINGS = {
    "substitution rule": "holds within papers (support >= high for every within-paper estimator) and no "
                         "chemical family carries it alone",
    "substitution rule, one family": "holds within papers, but removing one chemical family zeroes it",
    "unresolved": "supported pooled; within papers the estimators disagree or support is moderate",
    "association": "supported pooled (>= high) but not within papers (every within-paper estimator < low): "
                   "a difference between papers, not a substitution rule",
    "not supported": "pooled support below low",
}


def rerate_rules(pooled_support: pd.Series, within_support: pd.DataFrame, family_zeroed_by: pd.Series | None = None,
                 *, high: float = 0.8, low: float = 0.5) -> pd.DataFrame:
    """Rate each rule by where its support comes from.

    Parameters
    ----------
    pooled_support : pandas.Series
        Fragment -> share of resampled pooled fits with the rule's sign.
    within_support : pandas.DataFrame
        Fragment x estimator -> share of resampled within-paper fits with the rule's sign.
    family_zeroed_by : pandas.Series, optional
        Fragment -> the families whose removal zeroes or flips it (empty string: none).
    high, low : float
        Thresholds, as in chapter 3's table (0.8 and 0.5).

    Returns
    -------
    pandas.DataFrame
        Indexed by fragment: ``pooled_support``, ``within_support`` (the
        smallest over estimators), ``families``, ``rating`` (a key of
        :data:`RATINGS`).

    Examples
    --------
    >>> pooled = pd.Series({"benzene": 1.0, "halogen": 0.99, "nitro": 0.8, "COO": 0.3})
    >>> within = pd.DataFrame({"ols": [1.0, 0.14, 0.96, 0.3], "lasso": [0.96, 0.0, 0.08, 0.0]}, index=pooled.index)
    >>> rerate_rules(pooled, within).rating.tolist()
    ['substitution rule', 'association', 'unresolved', 'not supported']
    """
    if not 0 <= low <= high <= 1:
        raise ValueError(f"need 0 <= low <= high <= 1, got low={low!r}, high={high!r}.")
    missing = [f for f in pooled_support.index if f not in within_support.index]
    if missing:
        raise ValueError(f"within_support has no row for {missing}; give one row per rule.")
    fam = (pd.Series("", index=pooled_support.index) if family_zeroed_by is None
           else family_zeroed_by.reindex(pooled_support.index).fillna(""))
    rows = []
    for f, p in pooled_support.items():
        w = within_support.loc[f].to_numpy(dtype=float)
        w_min, w_max = float(np.nanmin(w)), float(np.nanmax(w))
        if p < low:
            rating = "not supported"
        elif w_min >= high:
            rating = "substitution rule, one family" if fam[f] else "substitution rule"
        elif p >= high and w_max < low:
            rating = "association"
        else:
            rating = "unresolved"
        rows.append({"fragment": f, "pooled_support": float(p), "within_support": w_min, "families": fam[f],
                     "rating": rating})
    return pd.DataFrame(rows).set_index("fragment")
