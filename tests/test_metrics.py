"""Tests of mlcrystal.force.metrics on small hand-made histories."""

import numpy as np
import pandas as pd
import pytest

from mlcrystal.force.metrics import (
    acceleration_factor,
    best_so_far_bands,
    campaign_outcomes,
    efficiency_ratio,
    enhancement_factor,
    expected_first_hit,
    experiments_to_target,
    grid_baseline,
    grid_ratio_table,
    label_ablations,
    paired_ablation,
    quantile_band,
    reference_pool,
    target_summary,
    top_candidates,
    top_percent,
)


def _hist(seed, forces):
    f = np.asarray(forces, dtype=float)
    return pd.DataFrame({"seed": seed, "experiment": np.arange(1, len(f) + 1), "force_mN": f,
                         "best_mN": np.maximum.accumulate(f)})


HISTS = pd.concat([_hist(0, [1, 5, 3, 9, 2]), _hist(1, [4, 4, 10, 1, 1]), _hist(2, [1, 1, 1, 1, 2])],
                  ignore_index=True)


def test_experiments_to_target_per_seed_and_censoring():
    n = experiments_to_target(HISTS, 8.0)
    assert n.to_dict() == {0: 4.0, 1: 3.0, 2: np.inf}
    assert experiments_to_target(HISTS[HISTS.seed == 1], 4.0, by=None) == 1.0
    assert experiments_to_target(HISTS, 0.5).tolist() == [1.0, 1.0, 1.0]
    noisy = HISTS.assign(true_mN=HISTS["force_mN"] - 2)
    assert experiments_to_target(noisy, 7.0, column="true_mN").to_dict() == {0: 4.0, 1: 3.0, 2: np.inf}
    assert experiments_to_target(noisy, 7.5, column="true_mN").to_dict() == {0: np.inf, 1: 3.0, 2: np.inf}
    with pytest.raises(ValueError, match="finite force"):
        experiments_to_target(HISTS, np.nan)
    with pytest.raises(ValueError, match="lacks columns"):
        experiments_to_target(HISTS.drop(columns="force_mN"), 1.0)
    with pytest.raises(ValueError, match="DataFrame"):
        experiments_to_target([1, 2], 1.0)


def test_expected_first_hit_formula_and_simulation():
    assert expected_first_hit(9, 1) == 5.0
    assert expected_first_hit(99, 9) == 10.0
    assert expected_first_hit(1, 1) == 1.0
    assert expected_first_hit(5, 0) == np.inf
    rng = np.random.default_rng(0)
    N, k = 30, 3
    firsts = [np.argmax(rng.permutation(N) < k) + 1 for _ in range(20000)]
    assert abs(np.mean(firsts) - expected_first_hit(N, k)) < 0.1
    with pytest.raises(ValueError, match="n_hits <= n_points"):
        expected_first_hit(3, 4)
    with pytest.raises(ValueError, match="non-negative integer"):
        expected_first_hit(3.5, 1)


def test_grid_baseline_counts_hits_on_the_snapped_grid(toy_lab, toy_box):
    b = grid_baseline(toy_lab, 2, target=0.0, bounds=toy_box)
    assert b["n_grid"] == 4 * 16 and b["n_hits"] == 64 and b["expected_first_hit"] == 1.0
    b = grid_baseline(toy_lab, 3, target=1e6, bounds=toy_box)
    assert b["n_hits"] == 0 and b["expected_first_hit"] == np.inf and b["n_grid"] == 4 * 81
    # the grid's best point lies where the toy peaks: compound 3, full intensity
    b = grid_baseline(toy_lab, 4, target=10.0, bounds=toy_box)
    assert 0 < b["n_hits"] < b["n_grid"]
    assert b["expected_first_hit"] == pytest.approx((b["n_grid"] + 1) / (b["n_hits"] + 1))
    assert b["grid_best_mN"] < 30.0


def test_efficiency_ratio():
    np.testing.assert_allclose(efficiency_ratio(730, [10, 73, np.inf]), [73.0, 10.0, 0.0])
    assert efficiency_ratio(np.inf, 10) == np.inf
    assert efficiency_ratio(100, 4) == 25.0
    with pytest.raises(ValueError, match="positive"):
        efficiency_ratio(0, 10)
    with pytest.raises(ValueError, match="positive"):
        efficiency_ratio(10, [np.nan])


def test_top_candidates_and_top_percent():
    pool = pd.DataFrame({"force_mN": np.arange(1.0, 101.0)})
    top = top_candidates(pool, 0.1)
    np.testing.assert_array_equal(top, np.arange(91.0, 101.0))
    t = top_percent(pd.concat([_hist(0, [50, 92, 90, 95.5]), _hist(1, [100, 1, 1, 1])]), top)
    assert t[t.seed == 0]["top_pct"].tolist() == [0.0, 0.2, 0.2, 0.5]
    assert t[t.seed == 1]["top_pct"].tolist() == [1.0, 1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match=r"fraction"):
        top_candidates(pool, 0.0)
    with pytest.raises(ValueError, match="top_forces"):
        top_percent(HISTS, [])


def test_enhancement_and_acceleration_factors():
    bo = pd.DataFrame({"seed": [0] * 4 + [1] * 4, "experiment": [1, 2, 3, 4] * 2,
                       "top_pct": [0.0, 0.5, 1.0, 1.0, 0.0, 0.5, 0.5, 1.0]})
    rnd = pd.DataFrame({"seed": [0] * 4 + [1] * 4, "experiment": [1, 2, 3, 4] * 2,
                        "top_pct": [0.0, 0.25, 0.25, 0.5, 0.0, 0.0, 0.25, 0.5]})
    ef = enhancement_factor(bo, rnd)
    assert np.isnan(ef["ef"].iloc[0])
    np.testing.assert_allclose(ef["ef"].iloc[1:], [0.5 / 0.125, 0.75 / 0.25, 1.0 / 0.5])
    af = acceleration_factor(bo, rnd, levels=[0.25, 0.5, 1.0])
    # mean curves: bo [0, .5, .75, 1]; random [0, .125, .25, .5]
    assert af["n_bo"].tolist() == [2.0, 2.0, 4.0]
    assert af["n_random"].tolist()[:2] == [3.0, 4.0] and np.isnan(af["n_random"].iloc[2])
    np.testing.assert_allclose(af["af"].iloc[:2], [1.5, 2.0])
    med = acceleration_factor(bo, rnd, levels=[0.5], agg="median")
    assert med["n_bo"].item() == 2.0 and med["n_random"].item() == 4.0
    with pytest.raises(ValueError, match="agg"):
        enhancement_factor(bo, rnd, agg="max")
    with pytest.raises(ValueError, match="levels"):
        acceleration_factor(bo, rnd, levels=[0.0])


def test_reference_pool_is_fixed_by_its_seed_and_snapped(toy_lab, toy_box):
    a = reference_pool(toy_lab, n=300, random_state=0, bounds=toy_box)
    b = reference_pool(toy_lab, n=300, random_state=0, bounds=toy_box)
    pd.testing.assert_frame_equal(a, b)
    assert (a["L_um"] >= 2 * a["T_um"]).all()
    np.testing.assert_allclose(a["force_mN"], toy_lab.force(a.compound, a.L_um, a.W_um, a.T_um, a.P_mW_cm2))


def test_best_so_far_bands_and_quantile_band():
    bands = best_so_far_bands(HISTS)
    assert bands["experiment"].tolist() == [1, 2, 3, 4, 5]
    assert bands["median"].tolist() == [1.0, 4.0, 5.0, 9.0, 9.0]
    assert (bands["lo"] <= bands["median"]).all() and (bands["median"] <= bands["hi"]).all()
    with pytest.raises(ValueError, match="quantiles"):
        best_so_far_bands(HISTS, q=(0.5,))
    qb = quantile_band([1.0, 2.0, 3.0, 4.0, np.inf])
    assert qb["median"] == 3.0 and qb["hi"] == np.inf and qb["n_inf"] == 1
    assert quantile_band([1.0, 2.0, 3.0])["lo"] == pytest.approx(1.1)
    with pytest.raises(ValueError, match="NaN"):
        quantile_band([1.0, np.nan])


def test_target_summary_and_ratio_columns():
    h = HISTS.assign(strategy=np.where(HISTS.seed == 2, "random", "skopt"))
    t = target_summary(h, 8.0, grid_experiments=30.0)
    bo = t[t.strategy == "skopt"].iloc[0]
    assert bo["campaigns"] == 2 and bo["reached"] == 1.0 and bo["median"] == 3.5
    assert bo["ratio_median"] == pytest.approx(30.0 / 3.5)
    assert bo["ratio_lo"] == pytest.approx(30.0 / bo["hi"])
    rnd = t[t.strategy == "random"].iloc[0]
    assert rnd["reached"] == 0.0 and rnd["median"] == np.inf and rnd["ratio_median"] == 0.0


def test_grid_ratio_table_uses_the_median_bo_experiments(toy_lab, toy_box):
    t = grid_ratio_table(toy_lab, [2, 3], 10.0, [10.0, 20.0, 30.0], bounds=toy_box)
    assert t["levels"].tolist() == [2, 3]
    np.testing.assert_allclose(t["ratio_full_grid"], t["n_grid"] / 20.0)
    np.testing.assert_allclose(t["ratio_expected"], t["expected_first_hit"] / 20.0)


def test_reference_pool_takes_a_generator_and_refuses_bad_seeds(toy_lab, toy_box):
    a = reference_pool(toy_lab, n=50, random_state=np.random.default_rng(3), bounds=toy_box)
    b = reference_pool(toy_lab, n=50, random_state=3, bounds=toy_box)
    pd.testing.assert_frame_equal(a, b)
    assert not reference_pool(toy_lab, n=50, random_state=4, bounds=toy_box).equals(b)
    for bad in (-1, 2.5, "0"):
        with pytest.raises(ValueError, match="random_state must be None, a non-negative int"):
            reference_pool(toy_lab, n=10, random_state=bad, bounds=toy_box)


# ---------------------------------------------------------------- random search at the target, bootstrap, ensembles

def test_random_baseline_is_the_geometric_expectation_of_the_pool_hit_rate(toy_lab, toy_box):
    from mlcrystal.force.metrics import random_baseline

    forces = np.r_[np.full(98, 1.0), 5.0, 6.0]  # 2 hits in 100
    r = random_baseline(None, 4.0, forces=forces, n_initial=10)
    assert r["n_hits"] == 2 and r["hit_rate"] == pytest.approx(0.02)
    assert r["expected"] == pytest.approx(10 + 101 / 3)
    assert 10 + 1 / 0.1 < r["lo"] < r["expected"] < r["hi"]  # Wilson interval, wide for 2 hits
    none = random_baseline(None, 9.0, forces=forces)
    z2 = 1.959964 ** 2  # no hit in 100: the Wilson upper bound on p is z^2 / (n + z^2)
    assert none["expected"] == np.inf and none["hi"] == np.inf and none["lo"] == pytest.approx((100 + z2) / z2)
    # from a landscape: the pool of reference_pool, same seed, same answer
    pool = reference_pool(toy_lab, n=2000, random_state=0, bounds=toy_box)["force_mN"]
    t = float(pool.quantile(0.99))
    a = random_baseline(toy_lab, t, n=2000, random_state=0, bounds=toy_box)
    assert a == random_baseline(None, t, forces=pool)
    with pytest.raises(ValueError, match="forces must be a non-empty array"):
        random_baseline(None, 1.0, forces=[1.0, np.nan])
    with pytest.raises(ValueError, match="n_initial"):
        random_baseline(None, 1.0, forces=forces, n_initial=-1)


def test_bootstrap_interval_resamples_clusters_and_counts_censored_runs():
    from mlcrystal.force.metrics import cluster_bootstrap_interval

    v = np.r_[np.full(10, 20.0), np.full(10, np.inf)]
    share = cluster_bootstrap_interval(v, "share", n_boot=500)
    assert share["estimate"] == 0.5 and 0.2 < share["lo"] < 0.5 < share["hi"] < 0.8
    # two clusters that differ completely: the clustered interval spans both, the plain one is narrower
    labels = np.r_[np.zeros(10), np.ones(10)]
    clustered = cluster_bootstrap_interval(v, "share", clusters=labels, n_boot=500)
    assert clustered["n_clusters"] == 2 and clustered["lo"] == 0.0 and clustered["hi"] == 1.0
    med = cluster_bootstrap_interval(v, "median", clusters=labels, n_boot=500)
    assert med["hi"] == np.inf and med["lo"] == 20.0
    with pytest.raises(ValueError, match="one label per value"):
        cluster_bootstrap_interval(v, "share", clusters=labels[:5])
    with pytest.raises(ValueError, match="statistic must be one of"):
        cluster_bootstrap_interval(v, "mode")
    with pytest.raises(ValueError, match="without NaN"):
        cluster_bootstrap_interval([1.0, np.nan])


def test_experiments_to_targets_judges_each_landscape_against_its_own_target():
    from mlcrystal.force.metrics import distribution_table, experiments_to_targets, reproduces_study

    rows = []
    for land, forces in (("m1", [10.0, 30.0, 40.0]), ("m2", [10.0, 20.0, 25.0])):
        for seed in (0, 1):
            for k, f in enumerate(forces, 1):
                rows.append({"landscape": land, "strategy": "s", "seed": seed, "experiment": k,
                             "force_mN": f + seed, "true_mN": f + seed})
    h = pd.DataFrame(rows)
    per = experiments_to_targets(h, {"m1": 35.0, "m2": 21.0}, group=["strategy"])
    assert per["experiments"].tolist() == [3.0, 3.0, 3.0, 2.0] and per["budget"].eq(3).all()
    with pytest.raises(ValueError, match=r"no value for the landscape\(s\) \['m2'\]"):
        experiments_to_targets(h, {"m1": 35.0}, group=["strategy"])
    d = distribution_table(per, group=["strategy"], n_boot=200)
    assert d[["landscapes", "campaigns", "reached", "median"]].to_dict("records") == [
        {"landscapes": 2, "campaigns": 4, "reached": 1.0, "median": 3.0}]
    rep = reproduces_study(h, threshold=37.0, within=3)
    assert rep.set_index("landscape")["reproduced"].to_dict() == {"m1": 2, "m2": 0}
    assert reproduces_study(h, threshold=37.0, within=2)["reproduced"].sum() == 0
    with pytest.raises(ValueError, match="within must be a positive integer"):
        reproduces_study(h, within=0)


def test_grid_baseline_of_the_edge_including_grid(toy_lab, toy_box):
    edges = grid_baseline(toy_lab, 2, target=0.0, bounds=toy_box, kind="edges")
    assert edges["n_grid"] == 16 * len(toy_lab.compounds) and edges["n_hits"] == edges["n_grid"]


def test_paired_ablation_pairs_landscapes_and_averages_seeds():
    t = pd.DataFrame({
        "landscape": ["a", "a", "b", "c"] + ["a", "b", "c"] + ["a", "b"],
        "ablation": ["base"] * 4 + ["up"] * 3 + ["down"] * 2,
        "best_share": [0.4, 0.6, 0.5, 0.7] + [0.9, 0.8, 0.6] + [0.1, 0.2],
        "experiments": [np.inf, 40.0, np.inf, 80.0] + [30.0, 50.0, np.inf] + [np.inf, np.inf]})
    r = paired_ablation(t, "base", n_boot=200).set_index("ablation")
    # landscape a's two baseline seeds are averaged (0.5, reached in 1 of 2)
    assert r.loc["up", "landscapes"] == 3 and r.loc["down", "landscapes"] == 2
    np.testing.assert_allclose(r.loc["up", "median_change"], 0.3)  # changes 0.4, 0.3, -0.1
    assert r.loc["up", "better"] == pytest.approx(2 / 3) and r.loc["up", "worse"] == pytest.approx(1 / 3)
    assert r.loc["up", "reached"] == pytest.approx(2 / 3)
    assert r.loc["up", "reached_base"] == pytest.approx((0.5 + 0 + 1) / 3)
    assert r.loc["down", "change_hi"] < 0 and r.loc["down", "worse"] == 1.0
    assert r.loc["up", "change_lo"] <= 0.3 <= r.loc["up", "change_hi"]


def test_paired_ablation_refuses_unknown_baseline_and_unpaired_ablations():
    t = pd.DataFrame({"landscape": ["a", "b"], "ablation": ["base", "x"], "best_share": [0.5, 0.6],
                      "experiments": [np.inf, 3.0]})
    with pytest.raises(ValueError, match="baseline 'nope'"):
        paired_ablation(t, "nope")
    with pytest.raises(ValueError, match="shares no landscape"):
        paired_ablation(t, "base")
    with pytest.raises(ValueError, match="best_share"):
        paired_ablation(t.drop(columns="best_share"), "base")


def test_campaign_outcomes_judges_each_landscape_by_its_own_target_and_optimum():
    rows = []
    for land, forces in (("a", [1.0, 3.0, 6.0, 8.0]), ("b", [4.0, 2.0, 5.0, 20.0])):
        for e, f in enumerate(forces, 1):
            rows.append({"landscape": land, "strategy": "s", "variant": None, "seed": 0, "experiment": e,
                         "phase": "initial" if e <= 2 else "search", "force_mN": f})
    h = pd.DataFrame(rows)
    out = campaign_outcomes(h, {"a": 6.0, "b": 6.0}, {"a": 10.0, "b": 25.0}, within=3).set_index("landscape")
    assert out.loc["a", "experiments"] == 3 and np.isinf(out.loc["b", "experiments"])  # b's 20 comes at 4
    np.testing.assert_allclose(out.loc["a", ["initial_share", "best_share", "gain_share"]].to_numpy(float),
                               [0.3, 0.6, 0.3])
    np.testing.assert_allclose(out.loc["b", ["initial_share", "best_share", "gain_share"]].to_numpy(float),
                               [0.16, 0.2, 0.04])
    full = campaign_outcomes(h, {"a": 6.0, "b": 6.0}, {"a": 10.0, "b": 25.0}).set_index("landscape")
    assert full.loc["b", "experiments"] == 4 and full.loc["b", "best_share"] == pytest.approx(0.8)
    with pytest.raises(ValueError, match="optima has no value"):
        campaign_outcomes(h, {"a": 6.0, "b": 6.0}, {"a": 10.0})
    with pytest.raises(ValueError, match="within"):
        campaign_outcomes(h, {"a": 6.0, "b": 6.0}, {"a": 10.0, "b": 25.0}, within=0)


def test_baseline_ratios_and_ratio_table_judge_each_campaign_against_its_own_landscape():
    from mlcrystal.force.metrics import baseline_ratios, ratio_table

    per = pd.DataFrame({"landscape": ["a", "a", "b", "b"], "setting": ["BO", "BO", "BO", "BO"],
                        "experiments": [10.0, np.inf, 20.0, 5.0]})
    grid = pd.DataFrame({"landscape": ["a", "b"], "expected": [100.0, 40.0]})
    rand = pd.DataFrame({"landscape": ["b"], "expected": [np.inf]})
    r = baseline_ratios(per, {"grid": grid, "random": rand})
    assert r.baseline.tolist() == ["grid"] * 4 + ["random"] * 2
    assert r.ratio.tolist()[:4] == [10.0, 0.0, 2.0, 8.0]  # 0: never reached; a's baseline is not b's
    assert np.isinf(r.ratio.iloc[4:]).all()  # a baseline that never reaches: every reaching campaign wins
    t = ratio_table(r[r.baseline == "grid"], n_boot=200).iloc[0]
    assert (t.landscapes, t.campaigns, t.reached_n) == (2, 4, 3)  # ratio 0: a campaign that never reached
    assert t["median"] == 5.0 and t["median_if_reached"] == 8.0 and t["q05_if_reached"] == pytest.approx(2.6)
    with pytest.raises(ValueError, match="lacks columns"):
        baseline_ratios(per.drop(columns="setting"), {"grid": grid})


def test_paired_ablations_and_the_ablation_table_in_percent():
    from mlcrystal.force.metrics import ABLATION_VALUES, ablation_table, paired_ablation, paired_ablations

    rng = np.random.default_rng(0)
    rows = []
    for land in range(6):
        for abl, shift in (("unchanged", 0.0), ("better", 0.1)):
            best = 0.5 + shift + 0.01 * rng.standard_normal()
            rows.append({"landscape": f"m{land}", "ablation": abl, "experiments": 10.0 if best > 0.55 else np.inf,
                         "best_share": best,
                         "gain_share": best - 0.3, "initial_share": 0.3})
    outcomes = pd.DataFrame(rows)
    paired = paired_ablations(outcomes, "unchanged", n_boot=200)
    assert list(paired) == list(ABLATION_VALUES)
    pd.testing.assert_frame_equal(paired["best_share"],
                                  paired_ablation(outcomes, "unchanged", n_boot=200).set_index("ablation"))
    table = ablation_table(paired)
    row = table.loc["better"]
    assert row["landscapes"] == 6 and row["landscapes better (%)"] == 100.0
    assert 9.0 < row["best: median change (% of optimum)"] < 11.0 and row["lo"] <= row["hi"]
    assert row["search gain: median change"] == pytest.approx(row["best: median change (% of optimum)"])
    with pytest.raises(ValueError, match="gain_share"):
        ablation_table({"best_share": paired["best_share"]})


def test_label_ablations_names_variants_and_strips_the_shared_suffix():
    runs = pd.DataFrame({"landscape": ["calibrated", "calibrated;2,9 as 3", "member-1", "member-1"],
                         "variant": ["n_extra=0", "n_extra=0", "n_extra=4", "n_extra=0"]})
    before = runs.copy()
    out = label_ablations(runs, {"n_extra=0": "unchanged", "n_extra=4": "4 extra"}, shared_suffix=";2,9 as 3",
                          shared_label="2 and 9 respond like 3")
    assert out.ablation.tolist() == ["unchanged", "2 and 9 respond like 3", "4 extra", "unchanged"]
    assert out.landscape.tolist() == ["calibrated", "calibrated", "member-1", "member-1"]
    pd.testing.assert_frame_equal(runs, before)  # the input is not modified


def test_label_ablations_refuses_an_unnamed_variant():
    runs = pd.DataFrame({"landscape": ["a", "a;x"], "variant": ["new", "other"]})
    with pytest.raises(ValueError, match=r"\['new'\] have no ablation label"):
        label_ablations(runs, {"base": "unchanged"}, shared_suffix=";x", shared_label="x")
    with pytest.raises(ValueError, match="variant"):
        label_ablations(runs.drop(columns="variant"), {}, shared_suffix=";x", shared_label="x")
