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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mlcrystal import study
from mlcrystal.rules.families import family_membership, family_summary, leave_one_family_out
from mlcrystal.rules.within_paper import contrast_summary, rule_estimates
from mlcrystal.seeding import RandomState

__all__ = ["rerate_rules", "RATINGS", "RuleEvidence", "rule_evidence"]

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


@dataclass(frozen=True)
class RuleEvidence:
    """Everything :func:`rule_evidence` computed for a list of rules."""

    estimates: pd.DataFrame
    """:func:`~mlcrystal.rules.within_paper.rule_estimates` at the rules' alpha."""
    estimates_within_alpha: pd.DataFrame
    """The same at the alpha for the within-paper LASSO (e.g. the plain-CV alpha)."""
    contrasts: pd.DataFrame
    """:func:`~mlcrystal.rules.within_paper.contrast_summary`."""
    lofo: pd.DataFrame
    """:func:`~mlcrystal.rules.families.leave_one_family_out` at the rules' alpha."""
    families: pd.DataFrame
    """:func:`~mlcrystal.rules.families.family_summary` of ``lofo``."""
    rated: pd.DataFrame
    """:func:`rerate_rules` with both within-paper estimators."""

    def table(self, names=None) -> pd.DataFrame:
        """One row per rule, for readers: estimates with 90 % intervals as text, supports, papers, family, rating.

        Parameters
        ----------
        names : mapping, optional
            Fragment -> name in words (e.g. :data:`mlcrystal.study.RULE_NAMES`).
        """
        names = {} if names is None else names
        est, cv, con = self.estimates, self.estimates_within_alpha, self.contrasts.reindex(self.estimates.index)

        def band(v, lo, hi):
            return None if np.isnan([v, lo, hi]).any() else f"{v:+.2f} ({lo:+.2f} to {hi:+.2f})"

        fam = self.families.zeroed_by.reindex(est.index)
        return pd.DataFrame({
            "rule": [names.get(f, f) for f in est.index],
            "coefficient": est.study.to_numpy(),
            "pooled": [band(r.pooled, r.pooled_lo, r.pooled_hi) for r in est.itertuples()],
            "within": [band(r.within_ols, r.within_ols_lo, r.within_ols_hi) for r in est.itertuples()],
            "supports": [f"{p:.2f} / {w:.2f} / {c:.2f}" for p, w, c in
                         zip(est.pooled_support, est.within_ols_support, cv.within_support, strict=True)],
            "papers": [f"{int(r.n_agree)} of {int(r.n_papers)}" for r in con.itertuples()],
            "family": [v or None for v in fam.fillna("")],  # missing: no family zeroes it (a dash for readers)
            "rating": self.rated.rating.reindex(est.index).to_numpy(),
        })


def rule_evidence(X: pd.DataFrame, y, papers, smiles, rules: pd.Series, *,
                  alpha: float = study.LASSO_RESULT["alpha"], within_alpha: float, n_boot: int = 200,
                  random_state: RandomState = 0) -> RuleEvidence:
    """Test every rule as a design rule and rate it (chapter 3, Part 2).

    Pooled against within-paper estimates with paper-bootstrap intervals at
    ``alpha`` (the rules' own), the within-paper LASSO again at
    ``within_alpha`` (the study's alpha zeroes every rule within papers),
    within-paper contrasts, leave-one-chemical-family-out at ``alpha``, and
    :func:`rerate_rules` with the within-paper least squares and the
    within-paper LASSO at ``within_alpha`` as the two estimators.

    Parameters
    ----------
    X : pandas.DataFrame
        Raw fragment counts.
    y : array-like
    papers : array-like
        Paper key per row.
    smiles : sequence of str
        One SMILES per row (for the chemical families).
    rules : pandas.Series
        Fragment -> coefficient (the sign states the rule).
    alpha, within_alpha : float
    n_boot : int, default 200
    random_state : None, int or numpy.random.Generator
        Seeds the paper bootstrap (the same samples at both alphas).

    Returns
    -------
    RuleEvidence

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> papers = np.repeat(np.arange(20), 6)
    >>> X = pd.DataFrame({"a": rng.integers(0, 3, 120), "b": (papers % 2).astype(int)})
    >>> y = 1.5 * X.a + 4.0 * (papers % 2) + rng.normal(0, 0.3, 120)   # b is a paper effect only
    >>> ev = rule_evidence(X, y, papers, ["CCO"] * 120, pd.Series({"a": 1.5, "b": 4.0}), alpha=0.05,
    ...                    within_alpha=0.05, n_boot=30)
    >>> ev.rated.rating.tolist()
    ['substitution rule', 'association']
    """
    if not isinstance(rules, pd.Series) or rules.empty:
        raise ValueError("rules must be a non-empty Series of fragment -> coefficient; at this alpha the fit "
                         "selected nothing, so choose a smaller alpha.")
    est = rule_estimates(X, y, papers, rules, alpha=alpha, n_boot=n_boot, random_state=random_state)
    est_w = rule_estimates(X, y, papers, rules, alpha=within_alpha, n_boot=n_boot, random_state=random_state)
    lofo = leave_one_family_out(X, y, family_membership(smiles), rules, alpha=alpha, papers=papers)
    families = (family_summary(lofo) if len(lofo)  # no molecule in any family: nothing to leave out
                else pd.DataFrame({"zeroed_by": pd.Series("", index=rules.index, dtype=object)}))
    within = pd.DataFrame({"within least squares": est.within_ols_support, "within LASSO": est_w.within_support})
    rated = rerate_rules(est.pooled_support, within, families.zeroed_by)
    return RuleEvidence(est, est_w, contrast_summary(X, y, papers, rules), lofo, families, rated)
