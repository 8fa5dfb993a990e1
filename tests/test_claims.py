"""Item 3 of issue 19: the computations behind corrected claims (mlcrystal.rules.claims)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from mlcrystal.rules.chapter3 import chapter3_schemes
from mlcrystal.rules.claims import (
    cutoff_sweep,
    exact_mean_difference_test,
    protocol_at_cutoff,
    rule_across_alphas,
    rule_carriers,
    variance_shares,
)
from mlcrystal.rules.families import family_membership
from mlcrystal.rules.features import paper_design_matrix
from mlcrystal.rules.lasso import paper_lasso


def test_rule_across_alphas_on_a_one_paper_rule():
    X = pd.DataFrame({"a": [0, 1] * 10, "b": [0] * 18 + [1, 1]})
    y = 2.0 * X.a + 0.5 * X.b
    d = rule_across_alphas(X, y, ["p"] * 9 + ["r"] * 9 + ["q"] * 2, "b", [0.001, 0.05])
    assert d.zeroed_by.tolist() == ["q", ""]


def test_variance_shares_by_hand_and_bootstrap():
    y = np.array([1.0, 3.0, 10.0, 12.0, 20.0, 20.0])
    g = np.array(["a", "a", "b", "b", "c", "c"])
    v = variance_shares(y, {"g": g, "all": np.zeros(6)}, n_boot=30, random_state=0)
    total = ((y - y.mean()) ** 2).sum()
    assert v.loc["g", "within_share"] == pytest.approx(4.0 / total)
    assert v.loc["all", "within_share"] == pytest.approx(1.0)
    assert v.loc["g", "lo"] <= v.loc["g", "within_share"] <= v.loc["g", "hi"]
    with pytest.raises(ValueError, match="expected 6"):
        variance_shares(y, {"g": g[:3]})


def test_exact_permutation_test_counts_every_assignment():
    r = exact_mean_difference_test([1.83, 1.25], [1.92, 0.602, 0.677], alternative="greater")
    assert r["n_assignments"] == 10 and r["p_value"] == pytest.approx(0.3) and r["smallest_p"] == 0.1
    r2 = exact_mean_difference_test([1.83, 1.25], [1.92, 0.602, 0.677], alternative="two-sided")
    assert r2["p_value"] == pytest.approx(0.6)


@pytest.fixture(scope="module")
def study(youngs_raw_shared):
    X = paper_design_matrix(youngs_raw_shared)
    y = youngs_raw_shared.E_GPa.to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = paper_lasso(X, y)
    return X, y, chapter3_schemes(youngs_raw_shared), res


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_aromatic_oh_rests_on_one_paper_only_at_the_study_alpha(study):
    X, y, s, res = study
    d = rule_across_alphas(X, y, s["by paper"], "fr_Ar_OH", [res.alpha, res.plain_cv_alpha]).set_index("alpha")
    assert d.n_zeroing.tolist() == [1, 0]
    assert d.zeroed_by.iloc[0] == "10.1021/jacs.5b07873"
    assert d.without_most_influential.iloc[1] == pytest.approx(-1.30, abs=0.01)


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_a_tenth_of_the_variance_lies_within_one_structure(study):
    X, y, s, res = study
    v = variance_shares(y, {"structure": s["by structure"], "paper": s["by paper"]}, n_boot=50, random_state=0)
    assert v.loc["structure", "within_share"] == pytest.approx(0.107, abs=0.001)
    assert v.loc["structure", "hi"] < 0.25  # far from "most of the variance"
    assert v.loc["paper", "within_share"] == pytest.approx(0.179, abs=0.001)


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_cutoff_08_gives_the_same_protocol_result(study, youngs_raw_shared):
    X, y, s, res = study
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        r8, cols = protocol_at_cutoff(youngs_raw_shared.smiles, y, 0.8)
    assert len(cols) == 54 and r8.alpha == pytest.approx(res.alpha)
    assert r8.test_r2 == pytest.approx(res.test_r2, abs=1e-9)
    pd.testing.assert_series_equal(r8.coefficients, res.coefficients, atol=1e-9)


def test_rule_carriers_finds_the_rows_a_rule_rests_on():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.integers(0, 3, 60), "b": [0] * 40 + [1] * 20})
    y = 2.0 * X.a + rng.normal(0, 0.1, 60)
    y[40:45] += 6.0  # five of the twenty carriers of b hold its whole effect
    few = np.arange(60) >= 55
    d = rule_carriers(X, y, "b", {"the five": (np.arange(60) >= 40) & (np.arange(60) < 45), "five others": few},
                      alpha=0.01, n_draws=30, random_state=0).set_index("removed")
    assert d.loc["none", "coefficient"] > 1.0 and np.isnan(d.loc["none", "random_median"])
    assert d.loc["the five", "coefficient"] < 0.2 < d.loc["the five", "random_q05"]  # far below the null
    assert d.loc["five others", "random_q05"] <= d.loc["five others", "coefficient"]
    assert d.loc["the five", "versus_random"] == "lower" and d.loc["none", "versus_random"] == ""
    assert d.loc["the five", "carriers_removed"] == 5 and d.loc["five others", "rows_removed"] == 5
    with pytest.raises(ValueError, match="one True/False per row"):
        rule_carriers(X, y, "b", {"short": [True, False]})
    with pytest.raises(ValueError, match="not a column"):
        rule_carriers(X, y, "c", {})
    with pytest.raises(ValueError, match="removes every row"):
        rule_carriers(X, y, "b", {"all": np.ones(60, bool)})


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_nh2_rests_on_one_dye_cocrystal_not_on_aromatic_amines(study, youngs_raw_shared):
    X, y, s, res = study
    m = family_membership(youngs_raw_shared.smiles)
    paper = np.asarray(s["by paper"]) == "10.1021/acs.chemmater.0c00433"
    d = rule_carriers(X, y, "fr_NH2", {"aromatic amines": m["aromatic amines"], "amino acids": m["amino acids"],
                                       "azobenzenes": m["azobenzenes"], "paper": paper},
                      alpha=res.alpha, max_iter=100_000).set_index("removed")
    assert d.loc["none", "coefficient"] == pytest.approx(0.60, abs=0.005)
    assert d.loc["aromatic amines", "coefficient"] == pytest.approx(0.44, abs=0.005)
    assert d.loc["aromatic amines", "versus_random"] == "higher"  # not what carries it
    assert d.loc["amino acids", "random_q05"] < d.loc["amino acids", "coefficient"] < d.loc["amino acids", "random_q95"]
    for dye in ("azobenzenes", "paper"):
        assert d.loc[dye, "coefficient"] < 0.15 < d.loc[dye, "random_q05"]


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_cutoff_sweep_against_the_study(study, youngs_raw_shared):
    X, y, s, res = study
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        d = cutoff_sweep(youngs_raw_shared.smiles, y, [0.8, 0.9], reference=res).set_index("threshold")
    assert d.loc[0.8, "same_rules"] and d.loc[0.8, "max_coef_difference"] == pytest.approx(0.0, abs=1e-9)
    assert not d.loc[0.9, "same_rules"] and "fr_Al_COO" in d.loc[0.9, "rules"]  # one near-duplicate swaps in
    with pytest.raises(ValueError, match="thresholds is empty"):
        cutoff_sweep(youngs_raw_shared.smiles, y, [])
