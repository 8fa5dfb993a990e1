"""mlcrystal.rules.findings: stored evidence tables and their comparison with a live recomputation."""

import pytest

from mlcrystal.rules.findings import compare_with_finding, load_finding


def test_compare_flattens_and_judges_each_kind_of_value():
    stored = {"nh2": {"all_rows": 0.6014, "paper": "10.1/x", "q": [0.36, 0.57]}, "cut": {"columns": 54, "same": True}}
    live = {"nh2": {"all_rows": 0.6100, "paper": "10.1/x", "q": [0.36, 0.58]}, "cut": {"columns": 55, "same": True}}
    t = compare_with_finding(stored, live).set_index("quantity")
    assert t.agree.to_dict() == {"nh2 / all_rows": False, "nh2 / paper": True, "nh2 / q [0]": True,
                                 "nh2 / q [1]": False, "cut / columns": False, "cut / same": True}
    assert t.loc["cut / columns", "stored"] == "54" and t.loc["nh2 / all_rows", "live"] == "0.6100"
    assert t.loc["cut / same", "stored"] == "yes"
    assert compare_with_finding(stored, live, atol=0.02).set_index("quantity").agree["nh2 / all_rows"]


def test_compare_refuses_a_key_the_finding_does_not_hold():
    with pytest.raises(KeyError, match="no \\['nh2 / al_rows'\\]"):
        compare_with_finding({"nh2": {"all_rows": 1.0}}, {"nh2": {"al_rows": 1.0}})


def test_the_stored_claims_summary_holds_what_chapter_2_checks():
    stored = load_finding("claims_summary")
    assert {"all_rows", "without_that_paper", "paper_most"} <= set(stored["nh2"])
    assert stored["cutoff_0.8"]["same_rules"] is True
