"""Chapter 4's self-checks: their reference answers agree with the stored evidence tables."""

import pytest

from mlcrystal import check
from mlcrystal.rules.findings import load_finding


def test_variance_share_answers_match_the_stored_shares():
    stored = load_finding("claims_variance_shares")
    stored = stored[stored.data == stored.data.iloc[-1]].set_index("grouping")  # the cleaned table
    for k, v in enumerate(check.EXERCISES[("ch4", 1)].variants):
        if v["grouping"] in stored.index:
            assert check._reference("ch4", 1, k) == pytest.approx(100 * stored.loc[v["grouping"], "within_share"],
                                                                   abs=0.05)
    assert check._reference("ch4", 1, 3) > 50  # the method column: most variance lies within a method


def test_skill_answer_matches_the_stored_skill_by_scheme():
    stored = load_finding("novelty_skill_by_scheme").set_index(["scheme", "novelty", "model"])
    expected = float(stored.loc[("paper", "c", "LASSO, study alpha"), "skill"])
    assert check._reference("ch4", 2, 0) == pytest.approx(expected, abs=0.005)
    wrong = check.exercise("ch4", 2, expected + 0.05)
    assert wrong.correct is False and "cv_predictions" in wrong.message


def test_kept_columns_answer_is_a_count_and_varies_by_representation():
    answers = [check._reference("ch4", 3, k) for k in range(len(check.EXERCISES[("ch4", 3)].variants))]
    assert all(isinstance(a, int) and a > 0 for a in answers) and len(set(answers)) == len(answers)
