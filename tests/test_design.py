import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import Lasso
from sklearn.model_selection import train_test_split

from mlcrystal.rules.lasso import (
    BootstrapResult,
    benchmark_models,
    bootstrap_lasso,
    coefficient_path,
    compare_with_paper,
    cross_validated_scores,
    cv_splitters,
    design_rules_with_confidence,
    leakage,
    leave_one_out_r2,
    paper_alphas,
    paper_lasso,
    paper_lasso_on_subsets,
    paper_split_leakage,
    rank_design_rules,
    standardised_coefficients,
    standardised_lasso_cv,
)
from mlcrystal.study import LASSO_RESULT


@pytest.fixture(scope="module")
def study():
    from mlcrystal.datasets import load_youngs_modulus
    from mlcrystal.rules.features import paper_design_matrix

    df = load_youngs_modulus(clean=False)
    return df, paper_design_matrix(df)


@pytest.fixture(scope="module")
def result(study):
    df, X = study
    return paper_lasso(X, df.E_GPa)


def test_paper_lasso_replicates_the_study(result):
    assert result.alpha == pytest.approx(LASSO_RESULT["alpha"], abs=1e-4)
    assert result.test_r2 == pytest.approx(LASSO_RESULT["test_r2"], abs=1e-3)
    assert result.intercept == pytest.approx(LASSO_RESULT["intercept"], abs=5e-3)
    assert result.mae_train == pytest.approx(LASSO_RESULT["mae_train"], abs=5e-3)
    assert result.mae_test == pytest.approx(LASSO_RESULT["mae_test"], abs=5e-3)
    assert set(result.coefficients.index) == set(LASSO_RESULT["coefficients"])
    for name, value in LASSO_RESULT["coefficients"].items():
        assert result.coefficients[name] == pytest.approx(value, abs=1e-3)
    # sorted from most positive to most negative
    assert result.coefficients.index[0] == "fr_Al_OH"
    assert result.coefficients.index[-1] == "fr_benzene"


def test_paper_lasso_path_and_split(result):
    assert len(result.path) == 50
    best = result.path.loc[result.path.alpha == result.alpha].iloc[0]
    assert best.n_nonzero == pytest.approx(8.0)
    assert best.score == pytest.approx(0.0)
    assert result.plain_cv_alpha < result.alpha
    assert len(result.y_test) == 79 and len(result.y_train) == 314
    assert result.pred_test.shape == result.y_test.shape


def test_compare_with_paper(result):
    table = compare_with_paper(result)
    assert table.difference.abs().max() < 5e-3
    assert table.loc["coef fr_benzene", "study"] == -1.566
    with pytest.raises(ValueError, match="PaperLassoResult"):
        compare_with_paper("not a result")


def test_coefficient_path(study):
    df, X = study
    alphas = np.linspace(0.5, 1.0, 21)
    path = coefficient_path(X, df.E_GPa, alphas)
    assert path.shape[0] == 21
    # at alpha = 0.75, next to the study's 0.7543, exactly the study's 7 fragments are selected
    at_075 = path.loc[0.75]
    assert set(at_075[at_075 != 0].index) == set(LASSO_RESULT["coefficients"])
    nnz = (path != 0).sum(axis=1).to_numpy()
    assert nnz[0] >= nnz[-1]
    # fr_benzene is selected and negative over the whole range; fr_Ar_OH vanishes at 1.0
    assert (path.fr_benzene < 0).all()
    assert path.loc[1.0, "fr_Ar_OH"] == 0


def test_paper_lasso_bad_input():
    X = pd.DataFrame({"a": np.arange(20.0)})
    with pytest.raises(ValueError, match="DataFrame"):
        paper_lasso(X.to_numpy(), np.arange(20.0))
    with pytest.raises(ValueError, match="one value per row"):
        paper_lasso(X, np.arange(19.0))
    with pytest.raises(ValueError, match="NaN"):
        paper_lasso(X, np.r_[np.arange(19.0), np.nan])
    with pytest.raises(ValueError, match="positive"):
        paper_lasso(X, np.arange(20.0), alphas=[-1.0])
    with pytest.raises(ValueError, match="test_size"):
        paper_lasso(X, np.arange(20.0), test_size=1.5)
    with pytest.raises(ValueError, match="at least 10"):
        paper_lasso(X.iloc[:5], np.arange(5.0))


def test_paper_lasso_recovers_a_planted_signal():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.integers(0, 4, size=(200, 12)), columns=[f"f{i}" for i in range(12)])
    y = 10 + 3.0 * X.f0 - 2.0 * X.f1 + rng.normal(0, 0.3, 200)
    res = paper_lasso(X, y, target_nonzero=2)
    assert set(res.coefficients.index) == {"f0", "f1"}
    assert res.test_r2 > 0.9


def test_standardised_lasso_cv_and_coefficients():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.integers(0, 5, size=(120, 4)), columns=list("abcd"))
    y = 4.0 * X.a - 1.5 * X.c + rng.normal(0, 0.1, 120)
    model = standardised_lasso_cv(n_splits=5, n_repeats=2, random_state=0).fit(X, y)
    coefs = standardised_coefficients(model, X.columns)
    assert coefs["a"] == pytest.approx(4.0, abs=0.1)
    assert coefs["c"] == pytest.approx(-1.5, abs=0.1)
    with pytest.raises(ValueError, match="column names"):
        standardised_coefficients(model, ["a"])


def test_leakage():
    assert leakage(["a", "a", "b", "c"], [0, 3], [1, 2]) == 0.5
    assert leakage(list("abcd"), [0, 1], [2, 3]) == 0.0
    with pytest.raises(ValueError, match="empty"):
        leakage(["a"], [0], [])


def test_paper_split_leakage_on_study(study):
    df, X = study
    share = paper_split_leakage(X, {"compound": df.smiles, "paper": df.doi.str.strip().str.lower()})
    assert 0.4 < share["compound"] < 1.0
    assert share["paper"] > share["compound"]
    with pytest.raises(ValueError, match="expected 393"):
        paper_split_leakage(X, {"bad": ["x"]})


def test_cross_validated_scores_and_splitters():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=60)})
    y = 2 * X.a.to_numpy() + rng.normal(0, 0.1, 60)
    splitters = cv_splitters({"by block": np.repeat(np.arange(6), 10)}, n_splits=3)
    scores = cross_validated_scores({"mean": DummyRegressor(), "lasso": Lasso(alpha=0.01)}, X, y, splitters)
    assert len(scores) == 4
    s = scores.set_index(["scheme", "model"]).r2
    assert s[("3-fold, shuffled", "lasso")] > 0.95
    assert s[("3-fold, shuffled", "mean")] < 0.0


def test_leave_one_out_r2_mean_predictor_is_negative():
    X = pd.DataFrame({"a": np.arange(15.0)})
    y = np.arange(15.0)
    # LOO of the mean predictor is always below zero (the left-out value pulls the mean away)
    assert leave_one_out_r2(DummyRegressor(), X, y) < 0
    assert leave_one_out_r2(Lasso(alpha=0.001), X, y) == pytest.approx(1.0, abs=1e-3)


def test_benchmark_models_names():
    models = benchmark_models()
    assert models["LASSO, study alpha"].alpha == LASSO_RESULT["alpha"]
    assert len(models) == 4


def test_bootstrap_lasso_and_rules():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.integers(0, 3, size=(80, 4)), columns=list("abcd"))
    y = 3.0 * X.a - 2.0 * X.b + rng.normal(0, 0.5, 80)
    boot = bootstrap_lasso(X, y, alpha=0.05, n_boot=30, random_state=0)
    assert boot.coefficients.shape == (30, 4)
    freq = boot.selection_frequency()
    assert freq["a"] == 1.0 and freq["b"] == 1.0
    assert np.nanmedian(boot.oob_r2) > 0.8
    rules = rank_design_rules(pd.Series({"a": 3.0, "b": -2.0, "c": 0.5}), boot)
    assert rules.loc["a", "confidence"] == "high"
    assert rules.loc["b", "effect"] == "lowers E"
    assert rules.loc["c", "same_sign"] < 1.0
    # same seed, same result
    again = bootstrap_lasso(X, y, alpha=0.05, n_boot=30, random_state=0)
    pd.testing.assert_frame_equal(boot.coefficients, again.coefficients)


def test_bootstrap_lasso_grouped_keeps_groups_together():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.integers(0, 3, size=(40, 2)), columns=["a", "b"])
    y = X.a.to_numpy() * 1.0
    groups = np.repeat(np.arange(10), 4)
    boot = bootstrap_lasso(X, y, alpha=0.01, n_boot=5, groups=groups, random_state=3)
    assert boot.coefficients.shape == (5, 2)
    with pytest.raises(ValueError, match="one per row"):
        bootstrap_lasso(X, y, groups=groups[:5])
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_lasso(X, y, n_boot=0)


def test_rank_design_rules_bad_input():
    boot = BootstrapResult(pd.DataFrame({"a": [1.0]}), np.zeros(1))
    with pytest.raises(ValueError, match="BootstrapResult"):
        rank_design_rules(pd.Series({"a": 1.0}), "boot")
    with pytest.raises(ValueError, match="not among"):
        rank_design_rules(pd.Series({"z": 1.0}), boot)
    with pytest.raises(ValueError, match="low <= high"):
        rank_design_rules(pd.Series({"a": 1.0}), boot, high=0.2, low=0.5)


# --------------------------------------------------------------------------
# pairing of X and y, seeds
# --------------------------------------------------------------------------


FEW = [0.05, 0.5]  # a short alpha grid keeps the synthetic checks fast


def _planted(n=60, seed=2):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.integers(0, 4, size=(n, 5)), columns=[f"f{i}" for i in range(5)])
    y = pd.Series(5 + 2.0 * X.f0 - 1.0 * X.f1 + rng.normal(0, 0.3, n), index=X.index)
    return X, y


def test_functions_refuse_x_and_y_whose_indexes_disagree():
    X, y = _planted()
    shifted = y.set_axis(y.index + 100)
    for call in (lambda yy: paper_lasso(X, yy, alphas=FEW), lambda yy: coefficient_path(X, yy, [0.1]),
                 lambda yy: leave_one_out_r2(Lasso(alpha=0.1), X, yy),
                 lambda yy: bootstrap_lasso(X, yy, n_boot=2),
                 lambda yy: cross_validated_scores({"m": DummyRegressor()}, X, yy, cv_splitters(n_splits=3))):
        with pytest.raises(ValueError, match=r"y = y\.loc\[X\.index\]") as err:
            call(shifted)
        assert "60 labels only in X" in str(err.value) and "reset both indexes" in str(err.value)
    with pytest.raises(ValueError, match="same labels in another order"):
        paper_lasso(X, y.iloc[::-1], alphas=FEW)
    # aligned by label, the result is that of the positional pairing
    a = paper_lasso(X, y.iloc[::-1].loc[X.index], alphas=FEW)
    b = paper_lasso(X, y.to_numpy(), alphas=FEW)
    assert a.alpha == b.alpha and a.test_r2 == b.test_r2
    # a plain array is paired by position, as documented
    assert paper_lasso(X.set_axis(X.index + 7), y.to_numpy(), alphas=FEW).test_r2 == b.test_r2


def test_int_seed_is_passed_to_scikit_learn_unchanged():
    X, y = _planted()
    res = paper_lasso(X, y, alphas=FEW, random_state=7)
    X_train, _, _, _ = train_test_split(X, y, test_size=0.2, random_state=7)
    assert res.X_train.index.tolist() == X_train.index.tolist()
    assert benchmark_models(random_state=5)["random forest"].random_state == 5
    assert all(cv.random_state == 3 for cv, _ in cv_splitters({"g": np.arange(60) % 6}, random_state=3).values())


def test_generator_seeds_give_reproducible_independent_streams():
    X, y = _planted()
    a = paper_lasso(X, y, alphas=FEW, random_state=np.random.default_rng(11))
    b = paper_lasso(X, y, alphas=FEW, random_state=np.random.default_rng(11))
    assert a.X_test.index.tolist() == b.X_test.index.tolist() and a.alpha == b.alpha
    models = benchmark_models(random_state=np.random.default_rng(0))
    forest_seed = models["random forest"].random_state
    cv_seed = models["LASSO, standardised, alpha by CV"].steps[-1][1].cv.random_state
    assert isinstance(forest_seed, int) and isinstance(cv_seed, int) and forest_seed != cv_seed
    splitters = cv_splitters({"g": np.arange(60) % 6}, random_state=np.random.default_rng(0))
    assert len({cv.random_state for cv, _ in splitters.values()}) == 2
    boot_a = bootstrap_lasso(X, y, alpha=0.1, n_boot=5, random_state=np.random.default_rng(4))
    boot_b = bootstrap_lasso(X, y, alpha=0.1, n_boot=5, random_state=4)
    pd.testing.assert_frame_equal(boot_a.coefficients, boot_b.coefficients)  # int 4 == default_rng(4)


@pytest.mark.parametrize("bad", [-1, 1.5, "42", True, np.random.RandomState(0)])
def test_bad_seeds_are_refused_with_a_clear_message(bad):
    X, y = _planted()
    for call in (lambda: paper_lasso(X, y, alphas=FEW, random_state=bad),
                 lambda: coefficient_path(X, y, [0.1], random_state=bad),
                 lambda: standardised_lasso_cv(random_state=bad),
                 lambda: paper_split_leakage(X, {"g": np.arange(60)}, random_state=bad),
                 lambda: benchmark_models(random_state=bad),
                 lambda: cv_splitters(random_state=bad),
                 lambda: bootstrap_lasso(X, y, n_boot=2, random_state=bad)):
        with pytest.raises(ValueError, match="random_state must be None, a non-negative int"):
            call()


def test_paper_alphas_are_the_study_grid():
    a = paper_alphas()
    np.testing.assert_allclose(a, np.logspace(-4, 1, 50))
    assert float(np.log10(a[1] / a[0])) == pytest.approx(5 / 49)


def test_group_labels_as_series_must_share_the_index_of_x():
    X, y = _planted()
    groups = pd.Series(np.arange(60) // 3, index=X.index)
    assert bootstrap_lasso(X, y, alpha=0.1, n_boot=2, groups=groups).coefficients.shape == (2, 5)
    with pytest.raises(ValueError, match=r"index of groups does not match.*groups = groups\.loc\[X\.index\]"):
        bootstrap_lasso(X, y, alpha=0.1, n_boot=2, groups=groups.set_axis(groups.index + 1))
    with pytest.raises(ValueError, match=r"index of groups\['paper'\] does not match"):
        paper_split_leakage(X, {"paper": groups.iloc[::-1]})
    # plain arrays are paired by position
    assert 0 <= paper_split_leakage(X, {"paper": groups.to_numpy()[::-1]})["paper"] <= 1


def _toy_boot(columns: dict) -> BootstrapResult:
    coefs = pd.DataFrame(columns)
    return BootstrapResult(coefs, np.zeros(len(coefs)))


def test_design_rules_with_confidence_takes_the_lower_rating():
    reference = pd.Series({"a": 1.0, "b": -1.0, "c": 0.5})
    published = _toy_boot({"a": [1.0] * 10, "b": [-1.0] * 9 + [0.0], "c": [0.5] * 6 + [0.0] * 4})
    cleaned = _toy_boot({"a": [1.0] * 4 + [0.0] * 6, "b": [-1.0] * 10, "c": [0.5] * 10})
    influence = pd.DataFrame({"coefficient": [1.0, -1.0, 0.0], "n_zeroing": [3, 0, 7]}, index=["a", "b", "c"])
    rules = design_rules_with_confidence(reference, published, cleaned, influence,
                                         names={"a": "A", "b": "B", "c": "C"})
    # ordered by the published support: a 1.0, b 0.9, c 0.6
    assert rules.index.tolist() == ["a", "b", "c"]
    assert rules.substructure.tolist() == ["A", "B", "C"]
    assert rules["support, as published"].tolist() == [1.0, 0.9, 0.6]
    assert rules["support, flagged rows removed"].tolist() == [0.4, 1.0, 1.0]
    # a: high and low -> low; b: high and high -> high; c: moderate and high -> moderate
    assert rules.confidence.tolist() == ["low", "high", "moderate"]
    assert rules["papers that zero it"].tolist() == [3, 0, "already 0 on all rows"]
    assert rules.effect.tolist() == ["raises E", "lowers E", "raises E"]


def test_design_rules_with_confidence_names_what_is_missing():
    reference = pd.Series({"a": 1.0})
    boot = _toy_boot({"a": [1.0, 1.0]})
    influence = pd.DataFrame({"coefficient": [1.0], "n_zeroing": [0]}, index=["a"])
    with pytest.raises(ValueError, match=r"\['a'\].*names"):
        design_rules_with_confidence(reference, boot, boot, influence, names={})
    with pytest.raises(ValueError, match="n_zeroing"):
        design_rules_with_confidence(reference, boot, boot, influence[["coefficient"]], names={"a": "A"})


def _toy_modulus_table(n: int = 80) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    smiles = rng.choice(["c1ccccc1O", "OCC(=O)O", "c1ccccc1Cl", "OCCO", "Nc1ccccc1", "c1ccccc1[N+](=O)[O-]"], size=n)
    data = pd.DataFrame({"smiles": smiles})
    data["E_GPa"] = 5 + 2 * data.smiles.str.count("O") - data.smiles.str.count("Cl") + rng.normal(0, 0.2, n)
    return data


def test_paper_lasso_on_subsets_is_paper_lasso_on_each_subset():
    from mlcrystal.rules.features import paper_design_matrix

    data = _toy_modulus_table()
    no_chloro = ~data.smiles.str.contains("Cl").to_numpy()
    coefs = paper_lasso_on_subsets(data, {"all": np.ones(len(data), bool), "no chloro": no_chloro})
    assert coefs.columns.tolist() == ["all", "no chloro"]
    sub = data[no_chloro]
    direct = paper_lasso(paper_design_matrix(sub), sub.E_GPa.to_numpy()).coefficients
    pd.testing.assert_series_equal(coefs["no chloro"].dropna().reindex(direct.index), direct, check_names=False)
    # the chlorine fragment is no column of the subset's fit: NaN, not a coefficient of 0
    assert np.isnan(coefs.loc["fr_halogen", "no chloro"]) and coefs.loc["fr_halogen", "all"] < 0


def test_paper_lasso_on_subsets_refuses_bad_masks():
    data = _toy_modulus_table()
    with pytest.raises(ValueError, match="subset 'half'.*boolean mask of 80"):
        paper_lasso_on_subsets(data, {"half": np.arange(40)})
    with pytest.raises(ValueError, match="empty"):
        paper_lasso_on_subsets(data, {})
    with pytest.raises(ValueError, match="'smiles' and 'E_GPa'"):
        paper_lasso_on_subsets(data.drop(columns="E_GPa"), {"all": np.ones(80, bool)})
