"""Statistics over many partitions (mlcrystal.rules.lasso), on synthetic data with known answers."""

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Lasso
from sklearn.model_selection import GridSearchCV, KFold

from mlcrystal.rules.lasso import standardised_lasso_cv
from mlcrystal.rules.partitions import (
    bootstrap_selection_frequency,
    distribution_summary,
    grouped_cv_distribution,
    influence_summary,
    leave_one_group_out_influence,
    one_standard_error_alpha,
    paired_difference,
    percentile_of,
    split_r2_distribution,
    with_grouped_inner_cv,
)
from mlcrystal.rules.representations import (
    compare_representations,
    identical_in_training,
    representation_models,
)


@pytest.fixture(scope="module")
def signal():
    """E depends on column 'a' only; 'b', 'c' are noise counts."""
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.integers(0, 4, size=(120, 3)), columns=["a", "b", "c"])
    y = 2.0 * X.a.to_numpy() + rng.normal(0, 0.5, 120)
    return X, y


@pytest.fixture(scope="module")
def clustered():
    """20 groups of 6 rows; y is a group effect only, so memorising groups is all a model can do."""
    rng = np.random.default_rng(2)
    g = np.repeat(np.arange(20), 6)
    group_x = rng.normal(size=(20, 4))
    X = pd.DataFrame(group_x[g] + rng.normal(0, 0.01, size=(120, 4)), columns=list("abcd"))
    y = rng.normal(0, 3, 20)[g] + rng.normal(0, 0.1, 120)
    return X, y, g


def test_split_distribution_is_reproducible_and_placed(signal):
    X, y = signal
    d1 = split_r2_distribution(Lasso(alpha=0.01), X, y, n_splits=30, random_state=3)
    d2 = split_r2_distribution(Lasso(alpha=0.01), X, y, n_splits=30, random_state=3, n_jobs=2)
    pd.testing.assert_frame_equal(d1, d2)
    assert len(d1) == 30 and d1.seed.nunique() == 30
    assert 0.8 < d1.r2.median() < 1.0
    assert d1.r2.std() > 0  # different splits, different scores
    assert percentile_of(d1.r2, d1.r2.median()) == pytest.approx(50, abs=4)
    assert percentile_of(d1.r2, -1.0) == 0.0
    # the mean predictor scores about zero (slightly below) on every split
    dummy = split_r2_distribution(DummyRegressor(), X, y, n_splits=30, random_state=3)
    assert (dummy.r2 < 0.05).all()


def test_split_distribution_bad_input(signal):
    X, y = signal
    with pytest.raises(ValueError, match="test_size"):
        split_r2_distribution(Lasso(), X, y, test_size=1.5)
    with pytest.raises(ValueError, match="n_splits must be a positive integer"):
        split_r2_distribution(Lasso(), X, y, n_splits=0)
    with pytest.raises(ValueError, match="random_state"):
        split_r2_distribution(Lasso(), X, y, n_splits=2, random_state=-3)
    with pytest.raises(ValueError, match="empty"):
        percentile_of([np.nan], 1.0)


def test_grouped_cv_exposes_memorisation(clustered):
    X, y, g = clustered
    models = {"mean": DummyRegressor(), "forest": RandomForestRegressor(n_estimators=30, random_state=0)}
    d = grouped_cv_distribution(models, X, y, {"rows": None, "by group": g}, n_repeats=4, random_state=0)
    assert len(d) == 4 * 2 * 2
    med = d.groupby(["scheme", "model"]).r2.median()
    assert med[("rows", "forest")] > 0.9  # shuffled rows: the forest recognises the group
    assert med[("by group", "forest")] < 0.3  # new groups: nothing to recognise
    # repeats really differ (shuffled group assignments), and are paired across models
    assert d[d.scheme == "by group"].groupby("model").r2.nunique().min() == 4
    assert (d.groupby(["repeat", "scheme"]).seed.nunique() == 1).all()
    diff = paired_difference(d, "forest", "mean")
    assert diff.loc["rows", "share_a_better"] == 1.0
    s = distribution_summary(d)
    assert list(s.columns) == ["n", "q05", "q50", "q95", "min", "max"] and (s.n == 4).all()
    assert (s.q05 <= s.q50).all() and (s.q50 <= s.q95).all()


def test_grouped_cv_same_result_with_jobs(signal):
    X, y = signal
    g = np.arange(120) % 12
    models = {"lasso": Lasso(alpha=0.05)}
    a = grouped_cv_distribution(models, X, y, g, n_repeats=3, random_state=5)
    b = grouped_cv_distribution(models, X, y, g, n_repeats=3, random_state=5, n_jobs=2)
    pd.testing.assert_frame_equal(a, b)
    assert set(a.scheme) == {"grouped"}


def test_grouped_cv_bad_input(signal):
    X, y = signal
    with pytest.raises(ValueError, match="groups\\['p'\\] has 3 labels"):
        grouped_cv_distribution({"m": Lasso()}, X, y, {"p": [1, 2, 3]})
    with pytest.raises(ValueError, match="has 3 groups, fewer than n_splits=5"):
        grouped_cv_distribution({"m": Lasso()}, X, y, np.arange(120) % 3)
    with pytest.raises(ValueError, match="missing at row 0"):
        grouped_cv_distribution({"m": Lasso()}, X, y, [None] + [1] * 119)
    with pytest.raises(ValueError, match="non-empty dict"):
        grouped_cv_distribution({}, X, y, np.arange(120) % 10)


def test_tuned_models_get_grouped_inner_folds():
    groups = np.repeat(["a", "b", "c", "d", "e", "f"], 3)
    m = with_grouped_inner_cv(standardised_lasso_cv(), groups, n_splits=3, random_state=0)
    folds = m.get_params()["lassocv__cv"]
    assert len(folds) == 3
    for tr, va in folds:
        assert not set(groups[tr]) & set(groups[va])
    gs = with_grouped_inner_cv(GridSearchCV(Lasso(), {"alpha": [0.1, 1.0]}, cv=5), groups, random_state=0)
    assert len(gs.cv) == 5
    plain = Lasso(alpha=0.3)
    assert with_grouped_inner_cv(plain, groups).get_params() == plain.get_params()
    with pytest.raises(ValueError, match="at least 2"):
        with_grouped_inner_cv(standardised_lasso_cv(), ["a"] * 6)


def test_grouped_cv_runs_a_tuned_model(clustered):
    X, y, g = clustered
    tuned = GridSearchCV(Lasso(max_iter=5000), {"alpha": [0.01, 0.1, 1.0]}, cv=5)
    d = grouped_cv_distribution({"tuned": tuned}, X, y, {"by group": g}, n_repeats=2, random_state=0)
    assert len(d) == 2 and np.isfinite(d.r2).all()


def test_leave_one_group_out_finds_the_group_that_carries_a_rule():
    # 'b' is non-zero only in group 'outlier', whose rows carry a large E
    rng = np.random.default_rng(0)
    n = 60
    X = pd.DataFrame({"a": rng.integers(0, 3, n), "b": [0] * (n - 3) + [1, 1, 1]})
    y = 1.5 * X.a.to_numpy() + rng.normal(0, 0.2, n)
    y[-3:] += 10.0
    groups = np.array([f"p{i % 6}" for i in range(n - 3)] + ["outlier"] * 3)
    inf = leave_one_group_out_influence(X, y, groups, alpha=0.05)
    assert set(inf.feature) == {"a", "b"} and inf.group.nunique() == 7
    assert inf.groupby("group").n_rows.first()["outlier"] == 3
    s = influence_summary(inf)
    assert s.loc["b", "zeroed_by"] == "outlier" and s.loc["b", "n_zeroing"] == 1
    assert s.loc["b", "largest_change"] == pytest.approx(-s.loc["b", "coefficient"])
    assert s.loc["a", "n_zeroing"] == 0
    assert s.loc["a", "min_without"] > 1.0
    only_a = leave_one_group_out_influence(X, y, groups, alpha=0.05, features=["a"])
    assert set(only_a.feature) == {"a"}


def test_leave_one_group_out_bad_input(signal):
    X, y = signal
    with pytest.raises(ValueError, match="at least 2"):
        leave_one_group_out_influence(X, y, ["x"] * 120, alpha=0.1)
    with pytest.raises(ValueError, match="not columns of X"):
        leave_one_group_out_influence(X, y, np.arange(120) % 4, alpha=0.1, features=["zzz"])
    with pytest.raises(ValueError, match="alpha must be positive"):
        leave_one_group_out_influence(X, y, np.arange(120) % 4, alpha=0)
    with pytest.raises(ValueError, match="leave_one_group_out_influence"):
        influence_summary(pd.DataFrame({"group": []}))


def test_bootstrap_selection_frequency_finds_the_signal(signal):
    X, y = signal
    f = bootstrap_selection_frequency(X, y, alpha=0.1, n_boot=40, random_state=0)
    assert f.index[0] == "a"
    assert f.loc["a", "selected"] == 1.0 and f.loc["a", "positive"] == 1.0
    assert f.loc["a", "q05"] > 1.5
    assert f.loc[["b", "c"], "selected"].max() < 0.8
    assert ((f.positive + f.negative - f.selected).abs() < 1e-12).all()
    again = bootstrap_selection_frequency(X, y, alpha=0.1, n_boot=40, random_state=0)
    pd.testing.assert_frame_equal(f, again)
    grouped = bootstrap_selection_frequency(X, y, alpha=0.1, n_boot=20, groups=np.arange(120) % 10,
                                            random_state=np.random.default_rng(1))
    assert grouped.loc["a", "selected"] == 1.0
    with pytest.raises(ValueError, match="alpha must be positive"):
        bootstrap_selection_frequency(X, y, alpha=-1.0)


def test_one_standard_error_rule(signal):
    X, y = signal
    alphas = np.logspace(-3, 1, 30)
    r = one_standard_error_alpha(X, y, alphas=alphas, random_state=0)
    assert list(r.path.columns) == ["alpha", "cv_mse", "cv_se", "n_nonzero"]
    assert (r.path.cv_se > 0).all()
    assert r.alpha_1se >= r.alpha_min
    assert r.within_one_se(r.alpha_1se) and r.within_one_se(r.alpha_min)
    larger = r.path[r.path.alpha > r.alpha_1se]
    assert (larger.cv_mse > r.threshold).all()  # the rule picks the largest alpha within one SE
    # the simpler model keeps the signal and drops noise
    assert r.path.set_index("alpha").loc[r.alpha_1se, "n_nonzero"] <= 3
    study_folds = one_standard_error_alpha(X, y, alphas=alphas, cv=KFold(5, shuffle=True, random_state=42))
    grouped = one_standard_error_alpha(X, y, alphas=alphas, groups=np.arange(120) % 8, random_state=0)
    assert study_folds.path.shape == grouped.path.shape == (30, 4)
    with pytest.raises(ValueError, match="alphas must be"):
        one_standard_error_alpha(X, y, alphas=[-1.0])


def test_identical_in_training_counts_copies():
    # rows 0-4 are five copies of one vector, rows 5-24 all distinct
    X = pd.DataFrame({"a": [0] * 5 + list(range(1, 21)), "b": [1] * 25})
    d = identical_in_training(X, n_splits=100, random_state=0)
    assert len(d) == 100 and d.share.between(0, 1).all()
    # a test row has a copy in training only if it is one of the copies (and at most 5 test rows are)
    assert d.share.max() <= 5 / 5 and d.share.mean() < 0.25 and d.share.max() > 0
    distinct = identical_in_training(pd.DataFrame({"a": range(25)}), n_splits=20, random_state=0)
    assert (distinct.share == 0).all()
    with pytest.raises(ValueError, match="test_size"):
        identical_in_training(X, test_size=0)


def test_compare_representations_is_paired_across_representations(signal):
    X, y = signal
    sets = {"informative": X, "noise only": X[["b", "c"]]}
    d = compare_representations(sets, y, {"rows": None}, models={"lasso": Lasso(alpha=0.05)}, n_repeats=3,
                                random_state=0)
    assert list(d.columns[:2]) == ["representation", "repeat"]
    seeds = d.pivot_table(index="repeat", columns="representation", values="seed")
    assert (seeds["informative"] == seeds["noise only"]).all()
    med = d.groupby("representation").r2.median()
    assert med["informative"] > 0.8 and med["noise only"] < 0.1
    with pytest.raises(ValueError, match="same rows"):
        compare_representations({"a": X, "b": X.head(10)}, y, {"rows": None})
    assert set(representation_models()) == {"LASSO", "random forest"}


# ---------------------------------------------------------------------------
# chapter 3's schemes and stored repeated cross-validation
# ---------------------------------------------------------------------------

from mlcrystal.rules.chapter3 import (  # noqa: E402
    chapter3_partition_scores,
    chapter3_schemes,
    load_partition_scores,
    save_partition_scores,
)


def _table(n=30):
    smiles = ["NCC(=O)O", "[NH3+]CC([O-])=O", "C[C@H](N)C(=O)O", "CC(N)C(=O)O", "c1ccccc1O", "OCCO", "CCO", "CCCO"]
    dois = ["10.1002/anie.201810514", "10.1002/ange.201810514", "10.1039/a", "10.1039/b", "10.1039/c",
            "10.1039/d", "10.1039/e"]
    rng = np.random.default_rng(0)
    return pd.DataFrame({"smiles": [smiles[i % 8] for i in range(n)], "doi": [dois[i % 7] for i in range(n)],
                         "E_GPa": rng.uniform(1, 20, n)})


def test_chapter3_schemes_merge_drawings_stereo_and_editions():
    t = _table(12)
    s = chapter3_schemes(t)
    assert list(s) == ["shuffled rows", "by structure", "by paper"]
    assert s["shuffled rows"] is None
    st = s["by structure"]
    assert st[0] == st[1]  # neutral glycine and its zwitterion are one structure
    assert st[2] == st[3]  # L-alanine and alanine without stereo are one structure
    assert st[0] != st[2] and len(set(st)) == 6
    pa = s["by paper"]
    assert pa[0] == pa[1]  # the two Angewandte editions are one paper
    assert len(set(pa)) == 6


def test_chapter3_schemes_refuse_unreadable_smiles_and_missing_doi():
    t = _table(12)
    t.loc[5, "smiles"] = "C1CC"
    with pytest.raises(ValueError, match="row 5.*cannot be read"):
        chapter3_schemes(t)
    with pytest.raises(ValueError, match="doi"):
        chapter3_schemes(_table(12).drop(columns="doi"))


def test_chapter3_partition_scores_first_repeats_equal_a_shorter_run():
    t = _table(42)
    models = {"mean": DummyRegressor(), "lasso": Lasso(alpha=0.05, max_iter=5000)}
    long = chapter3_partition_scores(t, models=models, n_repeats=3, random_state=4)
    short = chapter3_partition_scores(t, models=models, n_repeats=1, random_state=4)
    assert long.shape == (3 * 3 * 2, 6)
    assert set(long.scheme) == {"shuffled rows", "by structure", "by paper"}
    first = long[long.repeat == 0].reset_index(drop=True)
    pd.testing.assert_frame_equal(first, short)
    # the repeats differ: a shuffled grouping is a new draw each time
    assert long[long.model == "lasso"].groupby("scheme").r2.nunique().min() > 1


def test_partition_scores_round_trip_at_six_significant_digits(tmp_path):
    s = pd.DataFrame({"repeat": [0, 0], "seed": [12, 12], "scheme": ["by paper"] * 2, "model": ["a", "b"],
                      "r2": [0.123456789, -0.000123456789], "mae": [6.0312345, 7.1]})
    save_partition_scores(s, tmp_path / "s.csv")
    back = load_partition_scores(tmp_path / "s.csv")
    assert back.r2.tolist() == [0.123457, -0.000123457]
    assert back.mae.tolist() == [6.03123, 7.1]
    assert back.seed.tolist() == [12, 12]
    with pytest.raises(ValueError, match="mae"):
        save_partition_scores(s.drop(columns="mae"), tmp_path / "t.csv")
    s.drop(columns="scheme").to_csv(tmp_path / "u.csv", index=False)
    with pytest.raises(ValueError, match="scheme"):
        load_partition_scores(tmp_path / "u.csv")


def test_stored_chapter3_partitions_are_complete_and_paired():
    s = load_partition_scores()
    n = s.repeat.nunique()
    assert n >= 20
    assert set(s.scheme) == {"shuffled rows", "by structure", "by paper"}
    assert set(s.model) == {"mean predictor", "LASSO, study alpha", "LASSO, standardised, alpha by CV",
                            "random forest"}
    assert len(s) == n * 3 * 4 and not s.duplicated(["repeat", "scheme", "model"]).any()
    assert (s.groupby("repeat").seed.nunique() == 1).all()  # all models of a repeat share its folds
    assert s[s.model == "mean predictor"].r2.max() < 0.01  # the baseline cannot beat the mean
    lasso = s[s.model == "LASSO, study alpha"].groupby("scheme").r2.median()
    assert lasso["shuffled rows"] > lasso["by structure"] > 0


# ---------------------------------------------------------------------------
# chapter 4: the representation comparison groups with chapter 3's keys
# ---------------------------------------------------------------------------

from sklearn.neighbors import KNeighborsRegressor  # noqa: E402

from mlcrystal.rules.representations import load_representation_scores  # noqa: E402


def _two_editions(n_papers=10, rows=3):
    """Every paper published twice (Angewandte's German and international editions), y a paper effect only."""
    rng = np.random.default_rng(5)
    effect = rng.normal(0, 3, n_papers)
    recs = []
    for p in range(n_papers):
        for edition in ("anie", "ange"):
            for _ in range(rows):
                recs.append({"smiles": "C" * (p + 1), "doi": f"10.1002/{edition}.2018{p:05d}", "x": float(p),
                             "E_GPa": effect[p] + rng.normal(0, 0.05)})
    return pd.DataFrame(recs)


def test_representation_comparison_by_merged_paper_does_not_leak_the_other_edition():
    t = _two_editions()
    X = t[["x"]]
    models = {"1-NN": KNeighborsRegressor(n_neighbors=1)}
    by_doi = compare_representations({"x": X}, t.E_GPa, {"by paper": t.doi.to_numpy()}, models=models,
                                     n_repeats=3, random_state=0)
    by_key = compare_representations({"x": X}, t.E_GPa, {"by paper": chapter3_schemes(t)["by paper"]},
                                     models=models, n_repeats=3, random_state=0)
    # grouped by DOI the twin edition usually sits in training: the 1-NN copies it
    assert by_doi.r2.median() > 0.5
    # grouped by the merged paper key no paper is seen in training: memorising papers is worthless
    assert by_key.r2.max() < 0.2


def test_stored_representation_scores_cover_the_documented_design():
    s = load_representation_scores()
    assert len(s) == 4 * 2 * 2 * 10
    assert sorted(s.representation.unique()) == ["MACCS keys", "Morgan counts", "RDKit descriptors",
                                                 "fragment counts"]
    assert sorted(s.model.unique()) == ["LASSO", "random forest"]
    assert sorted(s.scheme.unique()) == ["by paper", "by structure"]
    assert sorted(s.repeat.unique()) == list(range(10))
    # one seed per repeat, shared by every representation (the comparison is paired), as random_state=0 gives
    reference = compare_representations({"a": pd.DataFrame({"a": np.arange(20.0)})}, np.arange(20.0), {"rows": None},
                                        models={"mean": DummyRegressor()}, n_repeats=10, random_state=0)
    assert s.groupby("repeat").seed.nunique().eq(1).all()
    assert s.groupby("repeat").seed.first().tolist() == reference.seed.tolist()
    assert np.isfinite(s.r2).all() and (s.mae > 0).all()


def test_paired_comparison_compares_every_model_with_the_reference():
    from mlcrystal.rules.partitions import paired_comparison

    s = pd.DataFrame({"scheme": ["by paper"] * 6 + ["by structure"] * 6, "repeat": [0, 1] * 6,
                      "model": (["ref"] * 2 + ["a"] * 2 + ["b"] * 2) * 2,
                      "r2": [0.1, 0.2, 0.3, 0.4, 0.0, 0.1, 0.2, 0.2, 0.1, 0.1, 0.5, 0.6]})
    t = paired_comparison(s, "ref")
    assert t.index.tolist() == [("by paper", "a"), ("by paper", "b"), ("by structure", "a"), ("by structure", "b")]
    assert t.loc[("by paper", "a"), "median difference"] == pytest.approx(0.2)
    assert t.loc[("by paper", "b"), "share of repeats better"] == 0.0
    assert t.loc[("by structure", "b"), "share of repeats better"] == 1.0
    with pytest.raises(ValueError, match="reference 'c' is not a model"):
        paired_comparison(s, "c")
