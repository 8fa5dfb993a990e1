"""Item 2 of issue 19: fair comparisons (mlcrystal.rules.comparisons): tuned models with grouped
inner folds, a y-randomisation null, the empty model in the one-SE band."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV

from mlcrystal.rules.comparisons import (
    FOREST_GRID,
    one_se_with_empty_model,
    permutation_p_value,
    tuned_models,
    y_randomisation,
)
from mlcrystal.rules.partitions import grouped_cv_distribution, with_grouped_inner_cv


def test_tuned_models_get_grouped_inner_folds():
    """Every searched model's inner cv becomes grouped folds: nested, grouped like the outer split."""
    groups = np.repeat(np.arange(10), 3)
    for name, model in tuned_models(fixed_forests=False).items():
        m = with_grouped_inner_cv(model, groups, random_state=0)
        for key, folds in m.get_params().items():
            if key == "cv" or key.endswith("__cv"):
                for tr, va in folds:
                    assert not set(groups[tr]) & set(groups[va]), name
    assert tuned_models()["random forest, tuned"].param_grid == FOREST_GRID
    assert isinstance(tuned_models()["LASSO, raw counts, alpha tuned"], GridSearchCV)


def test_tuned_lasso_beats_the_mean_on_every_grouped_assignment():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 3)), columns=list("abc"))
    y = X.a.to_numpy() + rng.normal(0, 1, 60)
    models = {k: v for k, v in tuned_models(n_estimators=10, fixed_forests=False).items()
              if k in ("mean predictor", "LASSO, raw counts, alpha tuned")}
    d = grouped_cv_distribution(models, X, y, {"g": np.arange(60) % 12}, n_repeats=2, random_state=0)
    wide = d.pivot_table(index="repeat", columns="model", values="r2")
    assert (wide["LASSO, raw counts, alpha tuned"] > wide["mean predictor"]).all()


def test_y_randomisation_and_p_value():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.integers(0, 3, size=(80, 4)), columns=list("abcd"))
    y = 2.0 * X.a + rng.normal(0, 0.5, 80)
    null = y_randomisation(X, y, n_permutations=6, random_state=0, alphas=np.logspace(-3, 0, 8))
    assert null.shape == (6, 4) and null.test_r2.max() < 0.5
    assert permutation_p_value(null.test_r2, 0.9) == pytest.approx(1 / 7)
    with pytest.raises(ValueError, match="empty"):
        permutation_p_value([], 0.1)


def test_empty_model_is_inside_the_band_only_when_there_is_no_signal():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(60, 3)), columns=list("abc"))
    alphas = np.logspace(-3, 1, 12)
    signal = one_se_with_empty_model(X, 3 * X.a + rng.normal(0, 1, 60), n_repeats=3, alphas=alphas)
    noise = one_se_with_empty_model(X, rng.normal(0, 1, 60), n_repeats=3, alphas=alphas)
    assert not signal.empty_inside.any() and noise.empty_inside.all()
