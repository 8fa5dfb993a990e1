"""Item 4 of issue 19: skill by novelty, applicability domain, grouped conformal intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Lasso, LinearRegression

from mlcrystal.rules.chapter3 import chapter3_schemes
from mlcrystal.rules.features import paper_design_matrix
from mlcrystal.rules.lasso import paper_lasso
from mlcrystal.rules.novelty import (
    NOVELTY,
    candidate_domain,
    conformal_half_width,
    coverage_summary,
    cv_predictions,
    fingerprints_of,
    grouped_conformal,
    nearest_similarity,
    novelty_of,
    skill_by_novelty,
)


def test_novelty_kinds():
    s = np.array(["x", "x", "y", "z", "w"])
    p = np.array(["p", "q", "q", "r", "r"])
    assert novelty_of([0, 2], [1, 3, 4], s, p).tolist() == ["a", "c", "c"]
    assert novelty_of([0, 3], [1, 2, 4], s, p).tolist() == ["a", "c", "b"]
    assert set(NOVELTY) == {"a", "b", "c"}


def test_similarity_is_tanimoto_to_the_nearest_training_structure():
    fps = fingerprints_of(["c1ccccc1O", "c1ccccc1N", "CCCCCC"])
    sim = nearest_similarity(fps[:2], fps)
    assert sim[0] == 1.0 and sim[1] == 1.0 and sim[2] < 0.2
    with pytest.raises(ValueError, match="position 1"):
        fingerprints_of(["CCO", "C1C("])
    with pytest.raises(ValueError, match="empty"):
        nearest_similarity([], fps)


def test_memorised_structures_score_and_new_ones_do_not():
    """y depends on the structure only through an arbitrary per-structure value: a model that memorises
    structures (one-hot) scores on seen structures (a) and not on new ones (b, c)."""
    rng = np.random.default_rng(0)
    structure = np.repeat(np.arange(40), 3)
    paper = structure // 4
    value = rng.normal(0, 3, 40)[structure]
    X = pd.get_dummies(structure).astype(float)
    X.columns = [f"s{c}" for c in X.columns]
    y = value + rng.normal(0, 0.3, len(structure))
    d = cv_predictions({"one-hot": LinearRegression()}, X, y, structure, paper, n_repeats=2, random_state=0)
    s = skill_by_novelty(d).xs("one-hot", level="model")
    assert s.loc["a", "skill"] > 0.9
    assert s.loc["b", "skill"] < 0.1 and s.loc["c", "skill"] < 0.1
    assert (skill_by_novelty(d).xs("mean predictor", level="model").skill == 0).all()
    with pytest.raises(ValueError, match="unknown scheme"):
        cv_predictions({}, X, y, structure, paper, schemes=("random",))


def test_grouped_conformal_reaches_its_coverage_on_exchangeable_groups():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=300)})
    groups = np.arange(300) % 60
    y = 2 * X.a + rng.normal(0, 1, 300)
    d = grouped_conformal(LinearRegression(), X, y, groups, n_repeats=3, random_state=0)
    cs = coverage_summary(d)
    assert cs.coverage.between(0.86, 0.95).all()
    assert cs.median_half_width.between(1.4, 2.1).all()  # 1.645 sd of the noise
    q = conformal_half_width(LinearRegression(), X, y, groups, random_state=0)
    assert 1.4 < q < 2.1
    with pytest.raises(ValueError, match="coverage"):
        grouped_conformal(LinearRegression(), X, y, groups, coverage=1.5)


def test_grouped_conformal_undercovers_when_a_paper_shifts_all_its_values():
    """Papers with their own offset (a method, a lab): coverage holds on average over rows, but the
    intervals of the shifted papers miss: coverage_summary reports the share of papers below target."""
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(30), 8)
    X = pd.DataFrame({"a": rng.normal(size=240)})
    y = X.a + rng.normal(0, 0.3, 240) + np.where(groups % 10 == 0, 6.0, 0.0)
    cs = coverage_summary(grouped_conformal(LinearRegression(), X, y, groups, n_repeats=2, random_state=0))
    assert (cs.groups_half > 0.05).all()


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_study_skill_on_new_structures_and_papers_is_small(youngs_raw_shared):
    X = paper_design_matrix(youngs_raw_shared)
    y = youngs_raw_shared.E_GPa.to_numpy()
    s = chapter3_schemes(youngs_raw_shared)
    d = cv_predictions({"LASSO": Lasso(alpha=0.7543, max_iter=5000)}, X, y, s["by structure"], s["by paper"],
                       n_repeats=2, random_state=0)
    sk = skill_by_novelty(d).xs("LASSO", level="model")
    assert sk.loc["c", "skill"] < sk.loc["a", "skill"]
    assert 0.0 < sk.loc["c", "skill"] < 0.25


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_design_candidates_sit_on_soft_motif_rows_with_wide_intervals(youngs_raw_shared):
    lasso = paper_lasso(paper_design_matrix(youngs_raw_shared), youngs_raw_shared.E_GPa)
    candidates = pd.Series({"parent (H)": "Oc1ccccc1C=Nc1ccccc1", "no OH": "c1ccccc1C=Nc1ccccc1"})
    d = candidate_domain(lasso, youngs_raw_shared, candidates, n_repeats=2, random_state=0)
    assert d.candidates.carries_motif.tolist() == [True, False]
    # the evidence of benchmarks/FINDINGS_rules.md: 7 soft motif rows from 4 papers, over-predicted by the model
    assert len(d.motif_rows) == 7 and d.motif_rows.doi.nunique() == 4
    assert d.motif_rows.E_GPa.median() < 1.0
    assert (d.motif_rows.predicted_E_GPa > d.motif_rows.E_GPa).all()
    assert d.candidates.at["parent (H)", "predicted_E_GPa"] == pytest.approx(9.557, abs=1e-3)
    width = d.candidates.interval_hi - d.candidates.interval_lo
    assert np.allclose(width, 2 * d.half_width) and 9.0 < d.half_width < 13.0
    assert ((d.coverage.coverage > 0.85) & (d.coverage.coverage < 0.97)).all()
    assert 0.2 < d.candidates.at["parent (H)", "nn_similarity"] < 0.5
    assert len(d.similarity_of_training) == len(youngs_raw_shared)


def test_candidate_domain_refuses_a_list_of_smiles():
    with pytest.raises(ValueError, match="pandas Series of SMILES"):
        candidate_domain(None, pd.DataFrame(), ["CCO"])  # type: ignore[arg-type]
