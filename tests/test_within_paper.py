"""Item 1 of issue 19: design rules tested within papers and within chemical families
(mlcrystal.rules.within_paper, mlcrystal.rules.families, mlcrystal.rules.confidence)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from mlcrystal.rules.chapter3 import chapter3_schemes
from mlcrystal.rules.confidence import RATINGS, rerate_rules
from mlcrystal.rules.families import (
    CHEMICAL_FAMILIES,
    family_membership,
    family_summary,
    leave_one_family_out,
    random_carrier_removal,
)
from mlcrystal.rules.features import paper_design_matrix
from mlcrystal.rules.lasso import paper_lasso
from mlcrystal.rules.partitions import leave_one_group_out_influence
from mlcrystal.rules.within_paper import (
    contrast_summary,
    demean_by_group,
    paper_bootstrap,
    rule_estimates,
    within_paper_contrasts,
    within_paper_lasso,
    within_paper_ols,
)


def _papers_table(seed: int = 0):
    """20 papers of 6 rows: 'a' raises E inside every paper; 'b' is constant inside a paper (a paper effect)."""
    rng = np.random.default_rng(seed)
    papers = np.repeat(np.arange(20), 6)
    X = pd.DataFrame({"a": rng.integers(0, 3, 120), "b": (papers % 2).astype(int)})
    y = 1.5 * X.a + 4.0 * (papers % 2) + rng.normal(0, 0.3, 120)
    return X, y, papers


# ------------------------------------------------------------------ synthetic

def test_demeaning_removes_every_group_mean():
    rng = np.random.default_rng(0)
    X, y, g = rng.normal(size=(30, 3)), rng.normal(size=30), np.arange(30) % 4
    Xd, yd = demean_by_group(X, y, g)
    for k in range(4):
        assert np.allclose(Xd[g == k].mean(axis=0), 0) and abs(yd[g == k].mean()) < 1e-12


def test_within_paper_lasso_equals_a_fit_with_one_dummy_per_paper():
    """The demeaned fit is the LASSO with an unpenalised intercept per paper (checked by least squares)."""
    X, y, papers = _papers_table()
    fe = within_paper_lasso(X, y, papers, alpha=1e-8)
    dummies = pd.get_dummies(papers).to_numpy(float)
    beta = np.linalg.lstsq(np.column_stack([X[["a"]].to_numpy(float), dummies]), y, rcond=None)[0]
    assert fe["a"] == pytest.approx(beta[0], abs=1e-4)
    assert fe["b"] == 0.0  # constant inside every paper: nothing to learn within papers


def test_pooled_sees_a_paper_effect_that_within_paper_fits_do_not():
    X, y, papers = _papers_table()
    t = rule_estimates(X, y, papers, pd.Series({"a": 1.0, "b": 1.0}), alpha=0.05, n_boot=40, random_state=0)
    assert t.loc["b", "pooled_support"] == 1.0 and t.loc["b", "pooled"] > 3
    assert t.loc["b", "within_support"] == 0.0 and np.isnan(t.loc["b", "within_ols"])
    assert t.loc["a", "within_lo"] > 1.2 and t.loc["a", "within_ols_support"] == 1.0


def test_bootstrap_is_seeded_and_keeps_duplicate_papers_apart():
    X, y, papers = _papers_table()
    a = paper_bootstrap(X, y, papers, alpha=0.05, n_boot=5, features=["a"], random_state=3)
    b = paper_bootstrap(X, y, papers, alpha=0.05, n_boot=5, features=["a"], random_state=3)
    pd.testing.assert_frame_equal(a, b)
    assert set(a.fit) == {"pooled", "within", "within OLS"}


def test_within_paper_ols_and_contrasts_by_hand():
    X = pd.DataFrame({"h": [0, 1, 0, 1, 1], "k": [1, 1, 2, 2, 2]})
    y = [5.0, 3.0, 2.0, 4.0, 1.0]
    papers = ["p", "p", "q", "q", "r"]
    assert within_paper_ols(X, y, papers, ["h"])["h"] == pytest.approx(0.0)  # -2 in p, +2 in q
    c = within_paper_contrasts(X, y, papers, "h")
    assert c.paper.tolist() == ["p", "q"] and c.difference.tolist() == [-2.0, 2.0]
    s = contrast_summary(X, y, papers, pd.Series({"h": -1.0}))
    assert (int(s.loc["h", "n_papers"]), int(s.loc["h", "n_agree"])) == (2, 1)


def test_bad_input_is_refused_with_the_fix():
    X, y, papers = _papers_table()
    with pytest.raises(ValueError, match="paper label"):
        within_paper_lasso(X, y, np.where(papers == 3, None, papers).astype(object), alpha=0.1)
    with pytest.raises(ValueError, match="DataFrame"):
        within_paper_lasso(X.to_numpy(), y, papers)
    with pytest.raises(ValueError, match="not columns"):
        within_paper_ols(X, y, papers, ["zz"])


def test_families_by_smarts():
    m = family_membership(["OCC(O)C(O)CO", "OCCO", "Cc1c(cc(cc1[N+](=O)[O-])[N+](=O)[O-])[N+](=O)[O-]",
                           "NCC(=O)O", "C[C@H]([NH3+])C([O-])=O", "NC(=O)C", "Clc1ccc(Cl)cc1", "c1ccc2ccccc2c1",
                           "Oc1ccccc1C=Nc1ccccc1", "c1ccccc1N=Nc1ccccc1", "Nc1ccccc1", "Oc1cccc(O)c1"])
    expect = {"sugars and polyols": [0], "diols and polyols": [0, 1], "multi-nitro energetics": [2],
              "amino acids": [3, 4], "primary amides and ureas": [5], "polyhalogenated": [6],
              "polycyclic aromatic hydrocarbons": [7], "salicylideneamines": [8], "azobenzenes": [9],
              "aromatic amines": [10], "polyphenols": [11]}
    for fam, rows in expect.items():
        assert np.flatnonzero(m[fam].to_numpy()).tolist() == rows, fam
    assert set(m.columns) == set(CHEMICAL_FAMILIES)
    with pytest.raises(ValueError, match="position 1"):
        family_membership(["CCO", "C1CC("])
    with pytest.raises(ValueError, match="SMARTS"):
        family_membership(["CCO"], {"bad": [("[C", 1, None)]})


def test_leave_one_family_out_finds_the_family_that_carries_a_rule():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.integers(0, 3, 80), "b": np.r_[np.zeros(60), rng.integers(1, 3, 20)]})
    in_family = np.r_[np.zeros(60, bool), np.ones(20, bool)]
    y = 2.0 * X.a + 5.0 * in_family + rng.normal(0, 0.2, 80)  # b "works" only through the family
    lofo = leave_one_family_out(X, y, pd.DataFrame({"fam": in_family}), pd.Series({"a": 2.0, "b": 1.0}),
                                alpha=0.05)
    s = family_summary(lofo)
    assert s.loc["b", "zeroed_by"] == "fam (20 of 20 carriers)" and s.loc["a", "n_families_zeroing"] == 0
    null = random_carrier_removal(X, y, "a", 10, alpha=0.05, n_draws=10, random_state=0)
    assert not null.zeroed.any()
    with pytest.raises(ValueError, match="n_remove"):
        random_carrier_removal(X, y, "b", 20, alpha=0.05)


def test_rating_rules():
    pooled = pd.Series({"benzene": 1.0, "halogen": 0.99, "OH": 0.92, "COO": 0.3, "NH2": 0.74})
    within = pd.DataFrame({"ols": [1.0, 0.14, 0.92, 0.3, 0.95], "lasso": [0.96, 0.0, 0.85, 0.0, 0.49]},
                          index=pooled.index)
    fam = pd.Series({"OH": "diols and polyols (26 of 60 carriers)"})
    t = rerate_rules(pooled, within, fam)
    assert t.rating.tolist() == ["substitution rule", "association", "substitution rule, one family",
                                 "not supported", "unresolved"]
    assert set(t.rating) <= set(RATINGS)
    with pytest.raises(ValueError, match="low <= high"):
        rerate_rules(pooled, within, low=0.9, high=0.5)


# ------------------------------------------------------------------ the study's data

@pytest.fixture(scope="module")
def study_rules(youngs_raw_shared):
    X = paper_design_matrix(youngs_raw_shared)
    y = youngs_raw_shared.E_GPa.to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = paper_lasso(X, y)
    return X, y, chapter3_schemes(youngs_raw_shared)["by paper"], res


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_halogen_rule_is_a_between_paper_association(study_rules):
    X, y, paper, res = study_rules
    t = rule_estimates(X, y, paper, res.coefficients, n_boot=100, random_state=0)
    assert t.loc["fr_halogen", "pooled_support"] >= 0.95          # pooled: the rule looks solid
    assert t.loc["fr_halogen", "within"] == 0.0                     # with paper intercepts it is gone
    assert t.loc["fr_halogen", "within_ols"] > 0                    # even unpenalised: wrong sign
    assert t.loc["fr_halogen", "within_ols_lo"] < 0 < t.loc["fr_halogen", "within_ols_hi"]
    assert t.loc["fr_halogen", "within_ols_support"] < 0.3
    assert t.loc["fr_benzene", "within_ols_support"] >= 0.95 and t.loc["fr_benzene", "within_ols_hi"] < 0
    c = contrast_summary(X, y, paper, res.coefficients)
    assert (c.loc["fr_halogen", "n_papers"], c.loc["fr_halogen", "n_agree"]) == (13, 7)


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_polyhalogenated_compounds_carry_the_halogen_rule(study_rules, youngs_raw_shared):
    X, y, paper, res = study_rules
    m = family_membership(youngs_raw_shared.smiles)
    s = family_summary(leave_one_family_out(X, y, m, res.coefficients, alpha=res.alpha))
    assert s.loc["fr_halogen", "zeroed_by"] == "polyhalogenated (89 of 135 carriers)"
    assert "multi-nitro energetics" in s.loc["fr_nitro", "zeroed_by"]
    assert s.loc["fr_benzene", "n_families_zeroing"] == 0
    null = random_carrier_removal(X, y, "fr_halogen", 89, alpha=res.alpha, n_draws=10, random_state=0)
    assert not null.zeroed.any()  # removing any 89 carriers keeps the rule: the family carries it


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_nh2_rule_rests_on_one_dye_cocrystal(study_rules, youngs_raw_shared):
    """Six rows of uric acid-Bismarck brown Y carry most of the NH2 coefficient; six random carriers do not."""
    X, y, paper, res = study_rules
    inf = leave_one_group_out_influence(X, y, paper, res.alpha, features=["fr_NH2"]).set_index("group")
    assert inf.loc["10.1021/acs.chemmater.0c00433", "coefficient_all"] == pytest.approx(0.60, abs=0.01)
    assert inf.loc["10.1021/acs.chemmater.0c00433", "coefficient_without"] < 0.15
    null = random_carrier_removal(X, y, "fr_NH2", 6, alpha=res.alpha, n_draws=10, random_state=0)
    assert null.coefficient_without.min() > 0.2
