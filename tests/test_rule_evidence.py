"""rule_evidence reproduces the stored re-rated table; skill_table reads like the stored skill by novelty."""

from __future__ import annotations

import pandas as pd
import pytest

from mlcrystal.datasets import load_youngs_modulus
from mlcrystal.rules.chapter3 import chapter3_schemes
from mlcrystal.rules.confidence import rule_evidence
from mlcrystal.rules.features import paper_design_matrix
from mlcrystal.rules.findings import load_finding
from mlcrystal.rules.lasso import paper_lasso
from mlcrystal.rules.novelty import skill_table
from mlcrystal.study import RULE_NAMES


@pytest.fixture(scope="module")
def evidence():
    raw = load_youngs_modulus(clean=False)
    X, y = paper_design_matrix(raw), raw.E_GPa.to_numpy()
    res = paper_lasso(X, y)
    paper = chapter3_schemes(raw)["by paper"]
    return rule_evidence(X, y, paper, raw.smiles, res.coefficients, alpha=res.alpha,
                         within_alpha=res.plain_cv_alpha, n_boot=200, random_state=0)


def test_ratings_match_the_stored_findings(evidence):
    stored = load_finding("rules_rerated").set_index("fragment")
    assert evidence.rated.rating.to_dict() == stored.rating.loc[evidence.rated.index].to_dict()
    assert evidence.rated.loc["fr_benzene", "rating"] == "substitution rule"
    assert evidence.rated.loc["fr_halogen", "rating"] == "association"


def test_estimates_match_the_stored_findings(evidence):
    stored = load_finding("rules_estimates_alpha_study").set_index("fragment").loc[evidence.estimates.index]
    cols = ["pooled", "pooled_lo", "pooled_hi", "within_ols", "within_ols_lo", "within_ols_hi", "pooled_support"]
    assert (stored[cols] - evidence.estimates[cols]).abs().max().max() < 2e-3
    # the halogen's within-paper least squares: +0.21 GPa against a pooled -1.02 (benchmarks/FINDINGS_rules.md)
    assert evidence.estimates.loc["fr_halogen", "within_ols"] == pytest.approx(0.21, abs=0.01)


def test_table_for_readers(evidence):
    t = evidence.table(RULE_NAMES).set_index("rule")
    assert t.loc["halogens", "papers"] == "7 of 13"
    assert t.loc["benzene rings", "papers"] == "14 of 16"
    assert t.loc["halogens", "family"].startswith("polyhalogenated (89 of 135")
    assert pd.isna(t.loc["benzene rings", "family"])  # no family zeroes it: shown as a dash


def test_rules_must_not_be_empty():
    X = pd.DataFrame({"a": [0, 1, 0, 1]})
    with pytest.raises(ValueError, match="smaller alpha"):
        rule_evidence(X, [1.0, 2.0, 1.0, 2.0], ["p", "p", "q", "q"], ["C"] * 4, pd.Series(dtype=float),
                      within_alpha=0.1)


def test_skill_table_from_the_stored_skills():
    t = skill_table(load_finding("novelty_skill"), ["LASSO, study alpha", "random forest, leaf 5"])
    assert t.loc["c", "skill: LASSO, study alpha"].startswith("0.12 (0.10 to")
    assert t.loc["a", "skill: random forest, leaf 5"].startswith("0.52")
    with pytest.raises(ValueError, match="no rows for model"):
        skill_table(load_finding("novelty_skill"), ["a forest that was never run"])
