"""Tests of mlcrystal.metrics on small hand-made histories."""

import numpy as np
import pandas as pd
import pytest

from mlcrystal.metrics import (
    acceleration_factor,
    best_so_far_bands,
    efficiency_ratio,
    enhancement_factor,
    expected_first_hit,
    experiments_to_target,
    grid_baseline,
    grid_ratio_table,
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
    h = HISTS.assign(strategy=np.where(HISTS.seed == 2, "random", "bo"))
    t = target_summary(h, 8.0, grid_experiments=30.0)
    bo = t[t.strategy == "bo"].iloc[0]
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
