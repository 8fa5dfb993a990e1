"""Tests of mlcrystal.force.ensemble: plausible landscapes, their calibration and the optimum's sensitivity."""

import numpy as np
import pandas as pd
import pytest

from mlcrystal import study
from mlcrystal.force import ensemble as en
from mlcrystal.force import landscape as ls

UNMEASURED = (1, 2, 3, 4, 7, 8, 10)


@pytest.fixture(scope="module")
def stored():
    return en.load_ensemble()


@pytest.fixture(scope="module")
def tiny():
    return en.build_ensemble(4, random_state=11)


# --- priors ----------------------------------------------------------------------

def test_priors_table_is_complete_with_reasons():
    t = en.priors_table()
    assert list(t.columns) == ["name", "low", "high", "scale", "default", "unit", "reason"]
    expected = {*ls.CALIBRATION_OPTIONS} | {f"{q}_{c}" for c in UNMEASURED for q in ("strain", "p_sat", "thermal")}
    assert set(t.name) == expected and len(t) == len(expected) == 25
    assert t.scale.isin(["log", "lin"]).all()
    assert (t.low > 0).all() and (t.low < t.default).all() and (t.default < t.high).all()
    assert (t.reason.str.len() > 40).all()
    # the defaults are the reference landscape's constants
    d = t.set_index("name")["default"]
    assert d["penetration_depth_um"] == ls.PENETRATION_DEPTH_UM
    assert d["sensor_stiffness_N_m"] == ls.SENSOR_STIFFNESS_N_M
    assert d["measured_thermal"] == ls.THERMAL_STRAIN_PER_INTENSITY
    for c in UNMEASURED:
        r = ls.INVENTED_RESPONSES[c]
        assert (d[f"strain_{c}"], d[f"p_sat_{c}"], d[f"thermal_{c}"]) == (r.strain, r.p_sat, r.thermal)
    # the issue's measured alternatives lie inside the ranges
    ranges = t.set_index("name")[["low", "high"]]
    assert ranges.loc["penetration_depth_um"].tolist() == [5.0, 50.0]
    assert ranges.loc["sensor_stiffness_N_m"].tolist() == [3000.0, 30000.0]


def test_prior_maps_the_unit_interval_onto_its_range():
    p = en.Prior("x", 10.0, 1000.0, "log", 100.0, "-", "a reason")
    np.testing.assert_allclose(p.value(np.array([0.0, 0.5, 1.0])), [10.0, 100.0, 1000.0])
    q = en.Prior("y", 1.0, 3.0, "lin", 2.0, "-", "a reason")
    np.testing.assert_allclose(q.value(np.array([0.0, 0.5, 1.0])), [1.0, 2.0, 3.0])


# --- draws -------------------------------------------------------------------------

def test_draws_are_reproducible_by_seed_and_stratified():
    a = en.draw_constants(8, random_state=3)
    pd.testing.assert_frame_equal(a, en.draw_constants(8, random_state=3))
    pd.testing.assert_frame_equal(a, en.draw_constants(8, random_state=np.random.default_rng(3)))
    assert not a.equals(en.draw_constants(8, random_state=4))
    assert a["draw"].tolist() == list(range(8))
    for p in en.PRIORS:
        v = a[p.name].to_numpy()
        assert ((v >= p.low) & (v <= p.high)).all(), p.name
        # a scrambled Sobol' net: one point in each eighth of every prior's range (on its scale)
        u = np.log(v / p.low) / np.log(p.high / p.low)
        assert sorted(np.floor(8 * u).astype(int)) == list(range(8)), p.name


@pytest.mark.parametrize("n", [0, 3, 100, 2.0, True, "8"])
def test_draws_refuse_bad_sizes(n):
    with pytest.raises(ValueError, match="n_draws must be a power of two"):
        en.draw_constants(n, random_state=0)


def test_draws_refuse_bad_seeds():
    with pytest.raises(ValueError, match="random_state"):
        en.draw_constants(4, random_state=-2)


# --- one member ----------------------------------------------------------------------

@pytest.mark.needs_data("initial_dataset.xlsx")
def test_the_reference_landscape_is_a_kept_member():
    r = en.evaluate(en.defaults())
    assert r["kept"] and r["rejected_because"] == ""
    assert r["best_compound"] == 3
    assert r["best_force_mN"] == pytest.approx(ls.BlockingForceLandscape().optimum()["force_mN"], rel=1e-9)
    for k, v in ls.CALIBRATED_PARAMS.items():
        assert r[k] == pytest.approx(v, rel=1e-3)
    assert r["rms_pct"] == pytest.approx(100 * ls.fit_table().rms, rel=1e-6)
    assert r["largest_share"] < 0.95


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_each_check_can_reject():
    # heat that large in compounds 5 and 9 cannot fit the thick 2-naph crystal
    hot = en.evaluate({**en.defaults(), "measured_thermal": 3e-6})
    assert hot["rms_pct"] > 5 and not hot["kept"]
    assert en.REASONS["calibration"] in hot["rejected_because"]
    # a shallow skin: the fit is as good, the optimum falls to about 25 mN (issue 11)
    shallow = en.evaluate({**en.defaults(), "penetration_depth_um": 10.0})
    assert shallow["rms_pct"] < 3 and shallow["best_force_mN"] == pytest.approx(25.0, abs=0.5)
    assert shallow["rejected_because"] == en.REASONS["force"]
    # a strongly photoactive compound 1 takes the optimum from compound 3
    strong1 = en.evaluate({**en.defaults(), "strain_1": 3e-2})
    assert strong1["best_compound"] == 1 and en.REASONS["compound"] in strong1["rejected_because"]
    # a soft sensor and little heat in compound 3: long crystals win, the largest is (nearly) the best
    soft = en.evaluate({**en.defaults(), "thermal_3": 3e-7, "sensor_stiffness_N_m": 3000.0})
    assert soft["largest_share"] >= 0.95 and en.REASONS["largest"] in soft["rejected_because"]
    assert soft["best_L_um"] > 2000.0


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_a_stored_member_reproduces_the_ten_measurements(stored):
    kept = stored[stored.kept]
    assert len(kept) >= 10
    for _, row in kept.head(5).iterrows():
        land = en.member(row)
        fit = ls.fit_table(land.params, options={k: getattr(land, k) for k in ls.CALIBRATION_OPTIONS})
        assert fit.rms <= en.ACCEPTANCE["max_calibration_rms"]
        assert 100 * fit.rms == pytest.approx(row.rms_pct, rel=1e-3)
        assert fit.max_abs_residual < 0.15
        best = land.optimum()
        assert best["compound"] == study.BEST_COMPOUND == row.best_compound
        assert best["force_mN"] == pytest.approx(row.best_force_mN, rel=1e-4)
        assert best["force_mN"] >= study.BEST_FORCE_MN


def test_member_refuses_incomplete_rows():
    with pytest.raises(ValueError, match="missing the calibrated constants"):
        en.member(en.defaults())
    with pytest.raises(ValueError, match=r"missing the constants \['penetration_depth_um'\]"):
        en.member({**{k: v for k, v in en.defaults().items() if k != "penetration_depth_um"},
                   **ls.CALIBRATED_PARAMS})


# --- the ensemble ------------------------------------------------------------------

@pytest.mark.needs_data("initial_dataset.xlsx")
def test_rejection_reasons_are_counted_correctly(tiny):
    assert len(tiny) == 4 and tiny["draw"].tolist() == [0, 1, 2, 3]
    # recount every check from the numbers of the table
    checks = {
        en.REASONS["calibration"]: tiny.rms_pct > 100 * en.ACCEPTANCE["max_calibration_rms"],
        en.REASONS["force"]: tiny.best_force_mN < study.BEST_FORCE_MN,
        en.REASONS["compound"]: tiny.best_compound != study.BEST_COMPOUND,
        en.REASONS["largest"]: tiny.largest_share >= en.ACCEPTANCE["max_largest_share"],
    }
    failed = pd.DataFrame(checks)
    np.testing.assert_array_equal(tiny.kept, ~failed.any(axis=1))
    r = en.rejection_table(tiny).set_index("reason")
    for reason, bad in checks.items():
        assert r.loc[reason, "failing"] == int(bad.sum())
    first = failed.idxmax(axis=1)[failed.any(axis=1)].value_counts()
    for reason in checks:
        assert r.loc[reason, "first_failing"] == int(first.get(reason, 0))
    assert r.loc["drawn", "failing"] == 4
    assert r.loc["kept", "failing"] + r.loc["rejected", "failing"] == 4
    assert r.loc[list(checks), "first_failing"].sum() == r.loc["rejected", "first_failing"]
    # the same seed gives the same ensemble
    pd.testing.assert_frame_equal(tiny.drop(columns=[]), en.build_ensemble(4, random_state=11))


def test_rejection_table_on_a_known_table():
    t = pd.DataFrame({"kept": [True, False, False, False],
                      "rejected_because": ["", en.REASONS["force"],
                                           f"{en.REASONS['calibration']}; {en.REASONS['compound']}",
                                           en.REASONS["compound"]]})
    r = en.rejection_table(t).set_index("reason")
    assert r.loc[en.REASONS["compound"]].tolist() == [2, 1]
    assert r.loc[en.REASONS["calibration"]].tolist() == [1, 1]
    assert r.loc[en.REASONS["largest"]].tolist() == [0, 0]
    assert r.loc["kept", "failing"] == 1 and r.loc["rejected", "failing"] == 3
    with pytest.raises(ValueError, match="table needs the columns"):
        en.rejection_table(t.drop(columns="kept"))


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_save_and_load_round_trip(tiny, tmp_path):
    path = en.save_ensemble(tiny, tmp_path / "e.csv")
    back = en.load_ensemble(path)
    assert back.shape == tiny.shape and back.kept.tolist() == tiny.kept.tolist()
    np.testing.assert_allclose(back.best_force_mN, tiny.best_force_mN, rtol=1e-5)
    text = path.read_text().splitlines()[1]
    assert all(len(x.replace("-", "").replace(".", "").split("e")[0]) <= 7 for x in text.split(",")[1:3])
    pd.DataFrame({"draw": [0]}).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match="bad.csv: missing columns"):
        en.load_ensemble(tmp_path / "bad.csv")


def test_the_stored_ensemble_agrees_with_its_rules(stored):
    n = len(stored)
    assert n == 2048 and stored.draw.tolist() == list(range(n))
    assert int(stored.kept.sum()) >= 100  # at least 100 plausible landscapes
    kept = stored[stored.kept]
    assert (kept.best_compound == 3).all() and (kept.best_force_mN >= 37.0).all()
    assert (kept.rms_pct <= 5.0).all() and (kept.largest_share < 0.95).all()
    # the stored draws are the seeded Sobol' draws of build_ensemble(2048, random_state=0)
    draws = en.draw_constants(n, random_state=0)
    for p in en.PRIORS:
        np.testing.assert_allclose(stored[p.name], draws[p.name], rtol=1e-5)
    s = en.optimum_summary(stored)
    assert s.loc["best_force_mN", "min"] >= 37.0 and s.loc["rms_pct", "max"] <= 5.0


# --- sensitivity -------------------------------------------------------------------

@pytest.mark.needs_data("initial_dataset.xlsx")
def test_sensitivity_to_the_sensor_matches_the_issue():
    s = en.sensitivity(2, names=["sensor_stiffness_N_m"])
    assert s.value.tolist() == [3000.0, 10000.0, 30000.0]
    assert s.is_default.tolist() == [False, True, False]
    soft, ref, stiff = (s.iloc[i] for i in range(3))
    assert soft.compound == 5 and soft.force_mN == pytest.approx(34.0, abs=1.0)
    assert stiff.compound == 3 and stiff.force_mN == pytest.approx(52.0, abs=1.5)
    assert ref.force_mN == pytest.approx(ls.BlockingForceLandscape().optimum()["force_mN"], rel=1e-9)
    assert (s.rms_pct < 3).all()  # equally good fits
    summary = en.sensitivity_summary(s)
    assert summary.loc["sensor_stiffness_N_m", "compounds"] == "3, 5"
    assert summary.loc["sensor_stiffness_N_m", "force_low"] == pytest.approx(soft.force_mN)


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_sensitivity_of_an_unmeasured_compound_needs_no_refit():
    s = en.sensitivity(3, names=["strain_3"])
    assert len(s) == 4  # 3 values and the default
    assert (s.rms_pct == s.rms_pct.iloc[0]).all()
    assert s.force_mN.is_monotonic_increasing
    with pytest.raises(ValueError, match="unknown constants"):
        en.sensitivity(2, names=["depth"])
    with pytest.raises(ValueError, match="n_values must be an int >= 2"):
        en.sensitivity(1)


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_deeper_skin_raises_the_optimum_as_the_issue_measured():
    deep = en.evaluate({**en.defaults(), "penetration_depth_um": 40.0})
    assert deep["rms_pct"] < 3 and deep["best_compound"] == 3
    assert deep["best_force_mN"] == pytest.approx(67.0, abs=1.5)


def test_heat_reversal_across_kept_members(stored):
    share = en.heat_reversal_share(stored)
    kept = stored[stored.kept]
    assert list(share.index) == [1, 2, 3, 4, 5, 7, 8, 9, 10]
    np.testing.assert_allclose(share[["in_box", "beyond_box", "never"]].sum(axis=1), 1.0)
    assert (share.members == len(kept)).all()
    # recount compound 3 member by member
    in_box = [ls.heat_crossover_table(en.member(row)).set_index("compound").loc[3, "heat"]
              == "reverses the bending in the box" for _, row in kept.iterrows()]
    assert share.loc[3, "in_box"] == pytest.approx(np.mean(in_box))
    with pytest.raises(ValueError, match="no kept members"):
        en.heat_reversal_share(stored[~stored.kept])


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_extending_the_ensemble_keeps_the_stored_members_and_refuses_another_seed():
    base = en.build_ensemble(2, random_state=0)
    grown = en.extend_ensemble(base, 4, random_state=0)
    assert grown.iloc[:2].equals(base) and grown.draw.tolist() == [0, 1, 2, 3]
    assert grown.iloc[2:].reset_index(drop=True).drop(columns="draw").equals(
        en.build_ensemble(4, random_state=0).iloc[2:].reset_index(drop=True).drop(columns="draw"))
    with pytest.raises(ValueError, match="not the first draws"):
        en.extend_ensemble(base, 4, random_state=1)
    with pytest.raises(ValueError, match="must exceed"):
        en.extend_ensemble(grown, 4, random_state=0)


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_structural_sensitivity_reference_row_is_the_reference_landscape():
    s = en.structural_sensitivity().set_index("form")
    assert list(s.index) == list(en.STRUCTURAL_FORMS)
    ref = s.iloc[0]
    assert ref.best_force_mN == pytest.approx(ls.BlockingForceLandscape().optimum()["force_mN"], rel=1e-6)
    local = s.loc["saturation at each depth"]
    assert local.best_force_mN == pytest.approx(87.2, abs=0.3) and local.best_P_mW_cm2 == pytest.approx(2080.0)
    heat = s.loc["heating that saturates"]
    assert 40 < heat.best_force_mN < 50 and heat.best_compound == 3
    assert (s.rms_pct < 3).all() and s.kept.all()


def test_structural_forms_are_checked():
    with pytest.raises(ValueError, match="unknown structural forms"):
        en.structural_sensitivity(["plate"])
    with pytest.raises(ValueError, match="draws \\[9999\\]"):
        en.structural_members(en.load_ensemble(), draws=[9999])
    with pytest.raises(ValueError, match="functional forms"):
        en.evaluate(en.defaults(), structure={"saturation_form": "local"})


def test_implied_heating_of_compound_3_at_the_reference_optimum_exceeds_the_priors_30_K():
    land = ls.BlockingForceLandscape()
    best = land.optimum()
    heating = en.implied_heating_K(land, 3, best["P_mW_cm2"])
    assert heating == pytest.approx(2.5e-6 * best["P_mW_cm2"] / 1e-4)
    assert 36 < heating < 38 > 30
    assert en.implied_heating_K(ls.BlockingForceLandscape(heat_saturation_mW_cm2=1040.0), 3, 1040.0) == \
        pytest.approx(2.5e-6 * 1040 / 2 / 1e-4)
    with pytest.raises(ValueError, match="expansion_per_K"):
        en.implied_heating_K(land, 3, 1000.0, expansion_per_K=0.0)


# --- the invented compounds' strains relative to the calibrated compounds ---------------------------

@pytest.mark.needs_data("initial_dataset.xlsx")
def test_relative_strains_scale_the_drawn_strains_by_what_the_calibrated_compounds_reach():
    row = en.draw_constants(4, random_state=11).iloc[3].to_dict()
    absolute = en.evaluate(row)
    relative = en.evaluate(row, strains="relative")
    k = en.strain_scale({key: relative[key] for key in ("strain_5", "p_sat_5", "strain_9", "p_sat_9")})
    assert relative["strain_scale"] == pytest.approx(k)
    assert k != pytest.approx(1.0, abs=0.01)  # this draw's calibrated compounds respond unlike the reference
    for c in (1, 2, 3, 4, 7, 8, 10):
        assert relative[f"strain_{c}"] == pytest.approx(k * absolute[f"strain_{c}"])
        assert relative[f"p_sat_{c}"] == absolute[f"p_sat_{c}"]
    # the calibration does not depend on the invented compounds
    assert relative["strain_5"] == absolute["strain_5"] and relative["rms_pct"] == absolute["rms_pct"]
    # the row rebuilds its landscape
    assert en.member(relative).optimum()["force_mN"] == pytest.approx(relative["best_force_mN"])


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_the_reference_landscape_is_the_same_under_both_priors():
    assert en.evaluate(en.defaults(), strains="relative")["best_force_mN"] == pytest.approx(37.01, abs=0.01)


def test_an_unknown_strain_prior_is_refused():
    with pytest.raises(ValueError, match="strains must be one of"):
        en.evaluate(en.defaults(), strains="relatively")


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_a_form_as_a_factor_re_evaluates_every_draw_and_each_form_keeps_its_own():
    table = en.load_ensemble().head(4)
    every = en.structural_members(table, ["saturation at each depth"], draws="all", n_jobs=2)
    assert every.draw.tolist() == table.draw.tolist()
    one = en.structural_members(table, ["saturation at each depth"], draws=[2]).iloc[0]
    assert one.best_force_mN == pytest.approx(every.set_index("draw").loc[2, "best_force_mN"])
    with pytest.raises(ValueError, match="'all'"):
        en.structural_members(table, draws="every")


def test_the_stored_form_ensembles_hold_every_draw_under_each_form():
    forms = en.load_form_ensembles()
    stored = en.load_ensemble()
    for table in forms.values():
        assert table.draw.tolist() == stored.draw.tolist()
        assert bool(table.loc[table.kept, "best_force_mN"].min() >= 37.0)


# --- the relative prior: its forms, its structural members, chapter 6's shares -----------------------

@pytest.mark.needs_data("initial_dataset.xlsx")
def test_a_relative_member_under_another_form_rescales_its_drawn_strains():
    relative = en.load_relative_ensemble()
    reference = list(en.STRUCTURAL_FORMS)[0]
    again = en.structural_members(relative, [reference, "saturation at each depth"], draws=[12, 14])
    stored = relative.set_index("draw")
    for draw in (12, 14):  # the reference form gives back the stored member
        row = again[(again.draw == draw) & (again.form == reference)].iloc[0]
        assert row.best_force_mN == pytest.approx(stored.loc[draw, "best_force_mN"], rel=1e-6)
        assert row.strain_3 == pytest.approx(stored.loc[draw, "strain_3"], rel=1e-8)
    local = again[again.form == "saturation at each depth"].set_index("draw")
    drawn = stored.loc[12, "strain_3"] / stored.loc[12, "strain_scale"]
    assert local.loc[12, "strain_3"] == pytest.approx(drawn * local.loc[12, "strain_scale"], rel=1e-9)
    assert local.loc[12, "strain_scale"] != pytest.approx(stored.loc[12, "strain_scale"], rel=0.01)
    lit = en.load_structural_members("relative")
    kept = lit[(lit.draw == 12) & (lit.form == "saturation at each depth")].iloc[0]
    assert kept.best_force_mN == pytest.approx(local.loc[12, "best_force_mN"], rel=1e-6)


def test_the_stored_relative_form_tables_cover_the_relative_ensemble():
    relative = en.load_relative_ensemble()
    forms = en.load_form_ensembles("relative")
    assert sorted(forms) == sorted(en.FORM_FACTOR)
    for table in forms.values():
        assert table.draw.tolist() == relative.draw.tolist()
        assert bool(table.loc[table.kept, "best_force_mN"].min() >= 37.0) and "strain_scale" in table
    lit = en.load_structural_members("relative")
    assert sorted(lit.form.unique()) == sorted(list(en.STRUCTURAL_FORMS)[1:])
    assert sorted(lit.draw.unique()) == relative.draw[relative.kept].tolist()
    assert en.load_structural_members().draw.nunique() == int(en.load_ensemble().kept.sum())
    for loader in (en.load_structural_members, en.load_form_ensembles):
        with pytest.raises(ValueError, match="prior must be one of"):
            loader("relatively")


def test_chapter_6s_shares_count_what_they_say():
    table = en.load_relative_ensemble()
    kept = table[table.kept]
    shares = en.ensemble_shares(table, en.load_structural_members("relative")).set_index("what")
    assert shares.loc["draws kept by the acceptance rule", ["landscapes", "out_of"]].tolist() == [len(kept), 2048]
    assert shares.loc["kept: best crystal as thick as the box allows", "landscapes"] == (kept.best_T_um > 499).sum()
    assert shares.loc["kept: best crystal lit at full intensity", "landscapes"] == (kept.best_P_mW_cm2 > 2079).sum()
    assert shares.loc["kept: best force below 50 mN", "landscapes"] == (kept.best_force_mN < 50).sum()
    assert (shares.lo_pct <= shares.share_pct).all() and (shares.share_pct <= shares.hi_pct).all()
    assert shares.loc["kept members still kept under: both alternatives", "out_of"] == len(kept)
    heat = en.heat_reversal_share(table).loc[3, "in_box"]
    row = shares.loc["kept: at full intensity, heat reverses compound 3's bending at a thickness in the box"]
    assert row.landscapes == round(heat * len(kept))
    # what holds by construction is not counted as a share
    assert not shares.index.str.contains("wide").any() and len(en.ensemble_shares(table)) == 5
    # every kept best crystal is as wide as the box allows: the model, not the ensemble, decides it
    assert np.allclose(kept.best_W_um, 2000.0)


def test_chapter_6s_shares_refuse_what_they_cannot_count():
    table = en.load_relative_ensemble()
    with pytest.raises(ValueError, match=r"lacks columns \['best_T_um'\]"):
        en.ensemble_shares(table.drop(columns="best_T_um"))
    with pytest.raises(ValueError, match="no kept member"):
        en.ensemble_shares(table[~table.kept])


def test_near_record_counts_kept_optima_just_above_the_record():
    t = pd.DataFrame({"kept": [True, True, True, False], "best_force_mN": [37.5, 40.7, 40.8, 38.0]})
    assert en.near_record(t, 37.0, 0.1) == (2, 3)  # 40.7 <= 40.7 counts, 40.8 does not, the rejected draw neither
    table = en.load_relative_ensemble()
    kept = table[table.kept]
    assert en.near_record(table) == (int((kept.best_force_mN <= 1.1 * 37.0116).sum()), len(kept))
    with pytest.raises(ValueError, match="tolerance must lie in"):
        en.near_record(t, 37.0, 1.5)


def test_kept_members_takes_the_first_n_in_draw_order_and_refuses_a_count_it_cannot_take():
    every = en.kept_members("relative")
    assert len(every) == 221 and list(en.kept_members("relative", 3)) == list(every)[:3]
    for bad in (0, -1, 2.5):
        with pytest.raises(ValueError, match="members must be a whole number"):
            en.kept_members("relative", bad)
