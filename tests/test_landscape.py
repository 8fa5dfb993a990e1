"""Tests of mlcrystal.force.landscape: the simulated blocking-force experiment."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcrystal import study
from mlcrystal.force import explorer as widgets
from mlcrystal.force import landscape as ls
from mlcrystal.force.landscape import BlockingForceLandscape, GaussianLandscape
from mlcrystal.study import BENDING_MODULI_GPA, SEARCH_BOUNDS

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

CRYSTAL = dict(L_um=1500.0, W_um=800.0, T_um=200.0)


@pytest.fixture(scope="module")
def land():
    return BlockingForceLandscape()


@pytest.fixture(scope="module")
def rigid():
    return BlockingForceLandscape(sensor_stiffness_N_m=np.inf)


# --- interface ---------------------------------------------------------------

def test_the_studys_facts_come_from_study_only():
    # no copies of the published facts in the landscape module (issue 9)
    for name in ("SEARCH_BOUNDS", "P_MAX_MW_CM2", "LIBRARIES", "STUDY_BENDING_MODULI_GPA"):
        assert not hasattr(ls, name), name
    assert "mlcrystal.crystal" not in {getattr(v, "__module__", None) for v in vars(ls).values()}
    assert GaussianLandscape().PEAK == study.GAUSSIAN_PEAK


def test_libraries_and_moduli():
    pub = BlockingForceLandscape()
    art = BlockingForceLandscape(library="article")
    assert pub.compounds == (1, 2, 3, 4, 5, 7, 8, 9, 10)
    assert art.compounds == (1, 2, 3, 4, 5, 8, 9, 10)
    assert pub.moduli[3] == 0.677 and pub.moduli[9] == 0.664 and pub.moduli[7] == 3.55
    assert pub.moduli == dict(BENDING_MODULI_GPA)
    assert 7 not in art.moduli
    with pytest.raises(ValueError, match="compound 7 is only in library='published'"):
        art.force(7, **CRYSTAL, P_mW_cm2=1000.0)
    with pytest.raises(ValueError, match="library must be one of"):
        BlockingForceLandscape(library="all")


def test_sources_of_the_photoresponses(land):
    assert {c for c, r in land.responses.items() if r.source == "calibrated"} == {5, 9}
    assert all(r.source == "invented" for c, r in land.responses.items() if c not in (5, 9))


def test_shared_response_copies_one_compound_response_and_leaves_the_original(land):
    twin = ls.with_shared_response(land, 3, (2, 9))
    assert twin.responses[2] == twin.responses[9] == land.responses[3]
    assert land.responses[9].source == "calibrated" and land.responses[2] != land.responses[3]  # original kept
    assert twin.moduli == land.moduli and twin.responses[5] == land.responses[5]
    crystal = dict(L_um=900.0, W_um=1200.0, T_um=150.0, P_mW_cm2=1500.0)
    # same response, nearly the same modulus: nearly the same force; the original differs
    assert twin.force(9, **crystal) == pytest.approx(twin.force(3, **crystal), rel=0.05)
    assert land.force(9, **crystal) < 0.8 * land.force(3, **crystal)
    assert twin.force(3, **crystal) == land.force(3, **crystal)
    with pytest.raises(ValueError, match="compound"):
        ls.with_shared_response(land, 6, (2,))
    with pytest.raises(ValueError, match="BlockingForceLandscape"):
        ls.with_shared_response(GaussianLandscape(), 3, (2,))


def test_scalar_in_float_out_array_in_array_out(land):
    f = land.force(compound=3, **CRYSTAL, P_mW_cm2=1000.0)
    assert isinstance(f, float) and f > 0
    arr = land.force(compound=np.array([3, 5, 9]), L_um=1500.0, W_um=800.0, T_um=200.0,
                     P_mW_cm2=np.array([1000.0, 1000.0, 1000.0]))
    assert isinstance(arr, np.ndarray) and arr.shape == (3,)
    assert arr[0] == pytest.approx(f)
    assert arr[1] == pytest.approx(land.force(5, **CRYSTAL, P_mW_cm2=1000.0))
    grid = land.force(3, 1500.0, 800.0, np.array([[100.0], [200.0]]), np.array([500.0, 1000.0, 2000.0]))
    assert grid.shape == (2, 3)
    assert grid[1, 1] == pytest.approx(f)


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_initial_design_is_the_studys(land):
    d = land.initial_design()
    assert list(d.columns) == ["compound", "E_GPa", "L_um", "W_um", "T_um", "P_mW_cm2"]
    assert d.shape == (10, 6)
    assert d["compound"].tolist() == [5] * 5 + [9] * 5
    assert sorted(d["P_mW_cm2"].unique()) == [208.0, 520.0, 1040.0, 1560.0, 2080.0]
    assert d.loc[0, ["L_um", "W_um", "T_um"]].tolist() == [626.0, 708.0, 241.0]
    # every initial crystal is testable: the beam-theory limit does not refuse the study's own crystals
    assert (d["L_um"] / d["T_um"] >= land.min_aspect_ratio).all()


# --- physics -----------------------------------------------------------------

def test_no_light_gives_exactly_zero_force(land):
    assert land.force(3, **CRYSTAL, P_mW_cm2=0.0) == 0.0
    zeros = land.force(np.array(land.compounds), **CRYSTAL, P_mW_cm2=0.0)
    assert np.all(zeros == 0.0)


def test_rigid_sensor_gives_euler_bernoulli_force(rigid):
    # F = 3 E I kappa / (2 L) with I = W T^3 / 12 when shear is negligible (slender crystal)
    kappa = ls.photo_curvature(60.0, 1000.0, rigid.responses[3])
    E = rigid.moduli[3]
    L, W, T = 3000.0, 1000.0, 60.0
    expected = 3 * E * (W * T**3 / 12) * kappa / (2 * L)
    assert rigid.force(3, L, W, T, 1000.0) == pytest.approx(expected, rel=2e-3)


def test_force_proportional_to_width_with_a_rigid_sensor(rigid):
    f1 = rigid.force(3, **{**CRYSTAL, "W_um": 500.0}, P_mW_cm2=800.0)
    f2 = rigid.force(3, **{**CRYSTAL, "W_um": 1000.0}, P_mW_cm2=800.0)
    f4 = rigid.force(3, **{**CRYSTAL, "W_um": 2000.0}, P_mW_cm2=800.0)
    assert f2 / f1 == pytest.approx(2.0, rel=1e-12)
    assert f4 / f1 == pytest.approx(4.0, rel=1e-12)


def test_force_proportional_to_width_where_the_crystal_is_compliant(land):
    # a long thin crystal is far softer than the sensor: F ~ W
    f1 = land.force(3, 3000.0, 400.0, 60.0, 800.0)
    f2 = land.force(3, 3000.0, 800.0, 60.0, 800.0)
    assert f2 / f1 == pytest.approx(2.0, rel=0.01)


def test_force_inversely_proportional_to_length_for_slender_crystals(rigid, land):
    # beam theory: F = 3 E I kappa / (2 L) for L >> T
    ratio = rigid.force(3, 1500.0, 800.0, 50.0, 800.0) / rigid.force(3, 3000.0, 800.0, 50.0, 800.0)
    assert ratio == pytest.approx(2.0, rel=0.005)
    # with the real sensor, still 1/L for long thin crystals, but not for short stiff ones
    ratio_soft = land.force(3, 1500.0, 400.0, 50.0, 800.0) / land.force(3, 3000.0, 400.0, 50.0, 800.0)
    assert ratio_soft == pytest.approx(2.0, rel=0.05)
    # a short thick crystal is stiffer than the sensor: lengthening it gains force
    assert land.force(3, 1500.0, 2000.0, 300.0, 800.0) > land.force(3, 750.0, 2000.0, 300.0, 800.0)


def test_force_vanishes_as_the_crystal_gets_short(rigid):
    # the shear term keeps F finite as L -> 0 (the API refuses such crystals; the physics does not diverge)
    kappa = ls.photo_curvature(200.0, 1000.0, rigid.responses[3])
    forces = [ls.blocking_force_mN(0.677, L, 800.0, 200.0, kappa, np.inf) for L in (1.0, 10.0, 100.0)]
    assert forces[0] < forces[1] < forces[2]
    assert forces[0] < 0.05 * forces[2]  # F ~ L in the shear-dominated limit


def test_layer_curvature_limits():
    # thick beam: 6 eps delta / T^2; thin beam: eps / delta
    assert ls.layer_curvature(1e-3, 10.0, 5000.0) == pytest.approx(6e-3 * 10.0 / 5000.0**2, rel=0.01)
    assert ls.layer_curvature(1e-3, 1e5, 10.0) == pytest.approx(1e-3 / 1e5, rel=1e-3)
    # continuous across the series / closed-form switch at T / delta = 1e-3
    a = ls.layer_curvature(1.0, 1.0, 0.999e-3)
    b = ls.layer_curvature(1.0, 1.0, 1.001e-3)
    assert a == pytest.approx(b, rel=1e-2)


def test_thin_crystals_photo_thick_crystals_thermal(land):
    r = land.responses[3]
    photo = ls.layer_curvature(r.strain * 2080 / (2080 + r.p_sat), ls.PENETRATION_DEPTH_UM, np.array([50.0, 500.0]))
    heat = ls.layer_curvature(r.thermal * 2080, ls.THERMAL_LENGTH_UM, np.array([50.0, 500.0]))
    share = heat / photo
    assert share[0] < 0.1 < 0.5 < share[1]


def test_saturation_with_intensity(land):
    P = np.array([100.0, 200.0, 400.0, 800.0, 1600.0])
    f = land.force(5, **CRYSTAL, P_mW_cm2=P)
    assert np.all(np.diff(f) > 0)
    gains = f[1:] / f[:-1]
    assert np.all(np.diff(gains) < 0)  # each doubling of P gains less


@settings(max_examples=60, deadline=None)
@given(compound=st.sampled_from([1, 2, 3, 4, 5, 7, 8, 9, 10]),
       W=st.floats(200.0, 2000.0), T=st.floats(50.0, 500.0), aspect=st.floats(2.5, 12.0),
       P=st.floats(0.0, 2080.0), k=st.floats(1.05, 2.0))
def test_width_monotone_and_at_most_proportional(compound, W, T, aspect, P, k):
    land = BlockingForceLandscape()
    f1 = land.force(compound, aspect * T, W, T, P)
    f2 = land.force(compound, aspect * T, k * W, T, P)
    assert f1 >= 0
    assert f1 <= f2 * (1 + 1e-9) <= k * f1 * (1 + 1e-9) + 1e-300


@settings(max_examples=40, deadline=None)
@given(W=st.floats(200.0, 2000.0), T=st.floats(50.0, 500.0), aspect=st.floats(2.5, 20.0),
       E=st.floats(0.1, 50.0), scale=st.floats(0.1, 10.0))
def test_units_force_scales_with_curvature(W, T, aspect, E, scale):
    # linear in curvature, sign-free (both faces are tried and the larger force kept)
    kappa = 1e-5
    f = ls.blocking_force_mN(E, aspect * T, W, T, kappa)
    assert ls.blocking_force_mN(E, aspect * T, W, T, scale * kappa) == pytest.approx(scale * f, rel=1e-12)
    assert ls.blocking_force_mN(E, aspect * T, W, T, -kappa) == pytest.approx(f, rel=1e-12)


# --- noise -------------------------------------------------------------------

def test_noise_reproducible_by_seed_and_different_across_seeds(land):
    kw = dict(compound=3, L_um=1500.0, W_um=800.0, T_um=np.full(50, 200.0), P_mW_cm2=1000.0)
    exact = land.force(**kw)
    a = land.force(**kw, noise=0.05, random_state=1)
    b = land.force(**kw, noise=0.05, random_state=1)
    c = land.force(**kw, noise=0.05, random_state=2)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    rel = a / exact - 1
    assert 0.03 < rel.std() < 0.07 and abs(rel.mean()) < 0.03
    assert land.force(**kw, noise=0.0, random_state=1) == pytest.approx(exact)
    with pytest.raises(ValueError, match="relative standard deviation"):
        land.force(**kw, noise=-0.1)


# --- bad input -----------------------------------------------------------------

@pytest.mark.parametrize("change, message", [
    (dict(compound=6), "unknown compound 6.*no published bending modulus"),
    (dict(compound=11), "unknown compound 11"),
    (dict(compound="3"), "compound must be one of"),
    (dict(compound=3.5), "compound must be one of"),
    (dict(L_um=np.nan), "L_um must be a finite positive length"),
    (dict(W_um=0.0), "W_um must be a finite positive length"),
    (dict(T_um=-10.0), "T_um must be a finite positive length"),
    (dict(T_um=np.inf), "T_um must be a finite positive length"),
    (dict(W_um="wide"), "W_um must be a number"),
    (dict(P_mW_cm2=-1.0), "P_mW_cm2 must be a finite light intensity >= 0"),
    (dict(P_mW_cm2=np.nan), "P_mW_cm2 must be a finite light intensity >= 0"),
    (dict(L_um=300.0, T_um=200.0), r"too short or too thick for beam theory.*>= 2.5"),
    (dict(L_um=np.array([1.0, 2.0]), P_mW_cm2=np.array([1.0, 2.0, 3.0])), "cannot be broadcast"),
])
def test_invalid_input_raises_a_clear_error(land, change, message):
    kw = dict(compound=3, L_um=1500.0, W_um=800.0, T_um=200.0, P_mW_cm2=500.0)
    kw.update(change)
    with pytest.raises(ValueError, match=message):
        land.force(**kw)


def test_bad_sensor_and_params():
    with pytest.raises(ValueError, match="sensor_stiffness_N_m must be a number > 0"):
        BlockingForceLandscape(sensor_stiffness_N_m=0.0)
    with pytest.raises(ValueError, match="params is missing"):
        BlockingForceLandscape(params={"strain_5": 1e-3})


def test_snap_raises_length_to_the_beam_theory_limit(land):
    assert land.snap(100.0, 200.0) == (500.0, 200.0)
    assert land.snap(1000.0, 200.0) == (1000.0, 200.0)
    L, T = land.snap(np.array([0.0, 3000.0]), np.array([400.0, 400.0]))
    np.testing.assert_array_equal(L, [1000.0, 3000.0])
    np.testing.assert_array_equal(T, [400.0, 400.0])
    # a snapped crystal is always accepted
    assert land.force(3, *land.snap(0.0, 500.0)[:1], 800.0, 500.0, 1000.0) > 0


# --- calibration -----------------------------------------------------------------

@pytest.mark.needs_data("initial_dataset.xlsx")
def test_stored_constants_reproduce_every_measurement_within_15_percent():
    res = ls.fit_table()
    assert len(res.table) == 10
    assert res.max_abs_residual < 0.15
    assert res.rms == pytest.approx(np.sqrt(np.mean(res.table["rel_residual"] ** 2)))
    assert res.rms < 0.05


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_refitting_reproduces_the_stored_constants():
    res = ls.calibrate()
    for key, value in ls.CALIBRATED_PARAMS.items():
        assert res.params[key] == pytest.approx(value, rel=1e-3), key
    assert res.max_abs_residual < 0.15


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_calibrate_refuses_bad_data():
    from mlcrystal.datasets import load_initial_blocking_force

    data = load_initial_blocking_force()
    with pytest.raises(ValueError, match="data needs columns"):
        ls.calibrate(data.drop(columns="force_mN"))
    bad = data.copy()
    bad.loc[3, "force_mN"] = 0.0
    with pytest.raises(ValueError, match="must be > 0"):
        ls.calibrate(bad)


# --- optimum -------------------------------------------------------------------

def test_optimum_near_37_mN_with_compound_3_at_interior_thickness(land):
    best = land.optimum()
    assert set(best) == {"compound", "L_um", "W_um", "T_um", "P_mW_cm2", "force_mN"}
    assert best["compound"] == 3
    assert best["force_mN"] == pytest.approx(37.0, abs=1.5)
    assert 50.0 + 20 < best["T_um"] < 500.0 - 20
    for name in ("L_um", "W_um", "T_um", "P_mW_cm2"):
        lo, hi = SEARCH_BOUNDS[name]
        assert lo <= best[name] <= hi
    assert best["L_um"] >= land.min_aspect_ratio * best["T_um"]
    # it is the true value at that point, and better than every other compound
    assert land.force(3, best["L_um"], best["W_um"], best["T_um"], best["P_mW_cm2"]) == pytest.approx(best["force_mN"])
    table = land.optimum_per_compound()
    assert (table.loc[table.compound != 3, "force_mN"] < best["force_mN"] - 5).all()


def test_the_largest_crystal_is_not_the_best(land):
    best = land.optimum()
    largest = land.force(3, 3000.0, 2000.0, 500.0, best["P_mW_cm2"])
    assert largest < 0.8 * best["force_mN"]


def test_optimum_is_a_local_maximum(land):
    best = land.optimum()
    x = {k: best[k] for k in ("L_um", "T_um", "P_mW_cm2")}
    for k, step in (("L_um", 50.0), ("T_um", 10.0)):
        for sign in (-1, 1):
            y = dict(x, **{k: x[k] + sign * step})
            L, T = land.snap(y["L_um"], y["T_um"])
            assert land.force(3, L, best["W_um"], T, y["P_mW_cm2"]) <= best["force_mN"] * (1 + 1e-6)


def test_optimum_is_cached(land):
    a = land.optimum_per_compound()
    b = BlockingForceLandscape().optimum_per_compound()
    pd.testing.assert_frame_equal(a, b)
    assert ls._optimum.cache_info().currsize >= len(land.compounds)  # computed once per landscape definition
    assert land.definition_key(3) == BlockingForceLandscape().definition_key(3)


def test_article_library_optimum(land):
    art = BlockingForceLandscape(library="article").optimum()
    assert art["compound"] == 3
    assert art["force_mN"] == pytest.approx(land.optimum()["force_mN"])


# --- the study's Gaussian test function -------------------------------------------

def test_gaussian_peak_is_15():
    g = GaussianLandscape()
    assert g.value(2.0, 2000.0, 1200.0, 120.0, 1040.0) == 15.0
    # one standard deviation away in each input: 15 exp(-1/2)
    for name, sd in [("E_GPa", 1.5), ("L_um", 1000.0), ("W_um", 350.0), ("T_um", 70.0), ("P_mW_cm2", 832.0)]:
        x = dict(g.CENTRE)
        x[name] += sd
        assert g.value(**x) == pytest.approx(15 * np.exp(-0.5))


def test_gaussian_optimum_is_15_at_its_peak():
    g = GaussianLandscape()
    best = g.optimum()
    # compound 1 (1.92 GPa) is the library's modulus closest to the peak's 2 GPa
    assert best["compound"] == 1
    assert best["force_mN"] == pytest.approx(15.0 * np.exp(-0.5 * (0.08 / 1.5) ** 2), rel=1e-6)
    assert best["force_mN"] == pytest.approx(15.0, abs=0.03)
    for name in ("L_um", "W_um", "T_um", "P_mW_cm2"):
        assert best[name] == pytest.approx(g.CENTRE[name], rel=1e-3)


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_gaussian_has_the_same_interface():
    g = GaussianLandscape(library="article")
    assert g.compounds == (1, 2, 3, 4, 5, 8, 9, 10)
    assert g.min_aspect_ratio == 0.0
    assert g.snap(10.0, 400.0) == (10.0, 400.0)
    assert g.initial_design().shape == (10, 6)
    f = g.force(compound=1, L_um=2000.0, W_um=1200.0, T_um=120.0, P_mW_cm2=1040.0)
    assert f == pytest.approx(g.value(1.92, 2000.0, 1200.0, 120.0, 1040.0))
    assert g.force(np.array([1, 5]), 2000.0, 1200.0, 120.0, 1040.0).shape == (2,)
    with pytest.raises(ValueError, match="unknown compound 7"):
        g.force(7, 2000.0, 1200.0, 120.0, 1040.0)
    with pytest.raises(ValueError, match="T_um must be a finite number >= 0"):
        g.force(1, 2000.0, 1200.0, np.nan, 1040.0)
    a = g.force(1, 2000.0, 1200.0, 120.0, 1040.0, noise=0.1, random_state=3)
    assert a == g.force(1, 2000.0, 1200.0, 120.0, 1040.0, noise=0.1, random_state=3) != f


# --- views used by chapter 6 ------------------------------------------------------

def test_parameter_table_labels_every_constant(land):
    t = ls.parameter_table(land)
    assert set(t.status) == {"published", "assumed", "calibrated", "invented"}
    cal = t[t.status == "calibrated"]
    assert set(cal.compound) == {5, 9} and len(cal) == 4
    assert set(t.loc[(t.status == "invented") & t.quantity.str.startswith("photostrain"), "compound"]) == \
        {1, 2, 3, 4, 7, 8, 10}
    e = t[t.quantity == "bending modulus E"].set_index("compound")["value"]
    assert e.to_dict() == dict(BENDING_MODULI_GPA)


def test_force_grid_marks_untestable_crystals(land):
    L = np.array([100.0, 500.0, 2000.0])
    T = np.array([100.0, 300.0])
    g = ls.force_grid(land, 3, L, T, 2000.0, 1000.0)
    assert g.shape == (2, 3)
    assert np.isnan(g[0, 0]) and np.isnan(g[1, 0]) and np.isnan(g[1, 1])
    assert g[0, 2] == pytest.approx(land.force(3, 2000.0, 2000.0, 100.0, 1000.0))
    with pytest.raises(ValueError, match="non-empty 1-D grids"):
        ls.force_grid(land, 3, [], T, 2000.0, 1000.0)
    with pytest.raises(ValueError, match="unknown compound 6"):
        ls.force_grid(land, 6, L, T, 2000.0, 1000.0)
    with pytest.raises(ValueError, match="land must be"):
        ls.force_grid("lab", 3, L, T, 2000.0, 1000.0)


def test_best_length_profile_finds_the_optimum(land):
    best = land.optimum()
    p = ls.best_length_profile(land, 3, [100.0, best["T_um"], 500.0], best["W_um"], best["P_mW_cm2"])
    assert p.loc[1, "L_um"] == pytest.approx(best["L_um"], rel=1e-3)
    assert p.loc[1, "force_mN"] == pytest.approx(best["force_mN"], rel=1e-6)
    assert p.force_mN.idxmax() == 1
    assert (p.L_um >= land.min_aspect_ratio * p.T_um - 1e-9).all()


def test_curvature_parts_add_up(land):
    c = ls.curvature_parts(land, 5, [100.0, 241.0], 2080.0)
    np.testing.assert_allclose(c.net_per_m, c.photo_per_m - c.thermal_per_m)
    assert (c.photo_per_m > 0).all() and (c.thermal_per_m > 0).all()
    with pytest.raises(ValueError, match="Gaussian has no curvature"):
        ls.curvature_parts(GaussianLandscape(), 3, [100.0], 1000.0)
    with pytest.raises(ValueError, match="P_mW_cm2 must be"):
        ls.curvature_parts(land, 3, [100.0], -5.0)


# --- the explorer (mlcrystal.crystal.explorer, chapter-5 section) -----------------------------

def test_landscape_readout_snaps_and_reports(land):
    best = land.optimum()
    r = widgets.landscape_readout(land, 3, best["L_um"], best["W_um"], best["T_um"], best["P_mW_cm2"])
    assert r["fraction"] == pytest.approx(1.0) and not r["snapped"]
    assert "F = 37.01 mN" in r["text"]
    r = widgets.landscape_readout(land, 9, 100.0, 800.0, 200.0, 1000.0)
    assert r["snapped"] and r["L_um"] == 500.0
    assert r["force_mN"] == pytest.approx(land.force(9, 500.0, 800.0, 200.0, 1000.0))
    assert "length raised to 500 um" in r["text"]


def test_landscape_explorer_widget_and_figure(land):
    w = widgets.landscape_explorer(land, compound=5, T_um=241.0)
    pick, L, W, T, P, readout, out = w.children
    assert pick.value == 5 and T.value == 241.0
    assert "compound 5" in readout.value
    P.value = 2080.0
    assert f"F = {land.force(5, 1000.0, 1000.0, 241.0, 2080.0):.2f} mN" in readout.value
    assert len(out.outputs) == 1
    ax = widgets.landscape_explorer_figure(land, 3, 1000.0, 2000.0, 175.0, 1464.0)
    assert ax.get_ylabel() == "blocking force F (mN)"
    assert ax.lines[1].get_ydata()[0] == pytest.approx(land.force(3, 1000.0, 2000.0, 175.0, 1464.0))
    with pytest.raises(ValueError, match="compound must be one of"):
        widgets.landscape_explorer(land, compound=6)
    with pytest.raises(ValueError, match="T_um must be a number in the search bounds"):
        widgets.landscape_explorer(land, T_um=900.0)


# --- the region the landscape covers (issue 10) -------------------------------------

@pytest.mark.parametrize("change, name, value", [
    (dict(L_um=1e30), "L_um", "1e+30"),
    (dict(L_um=6001.0), "L_um", "6001"),
    (dict(W_um=4500.0), "W_um", "4500"),
    (dict(W_um=50.0), "W_um", "50"),
    (dict(T_um=1200.0, L_um=5000.0), "T_um", "1200"),
    (dict(T_um=10.0), "T_um", "10"),
    (dict(P_mW_cm2=2081.0), "P_mW_cm2", "2081"),
])
def test_the_landscape_refuses_to_extrapolate(land, change, name, value):
    kw = dict(compound=3, L_um=1500.0, W_um=800.0, T_um=200.0, P_mW_cm2=500.0)
    kw.update(change)
    lo, hi = ls.VALID_RANGE[name]
    with pytest.raises(ValueError, match=rf"{name} = {re.escape(value)} .* outside the range the landscape covers, "
                                         rf"{lo:g}-{hi:g}"):
        land.force(**kw)


def test_the_covered_region_is_twice_the_search_box_and_the_lamp(land):
    assert ls.VALID_RANGE["L_um"] == (0.0, 6000.0)
    assert ls.VALID_RANGE["W_um"] == (100.0, 4000.0)
    assert ls.VALID_RANGE["T_um"] == (25.0, 1000.0)
    assert ls.VALID_RANGE["P_mW_cm2"] == (0.0, study.MAX_INTENSITY_MW_CM2)
    # the edges are accepted, the search box is inside
    assert land.force(3, 6000.0, 4000.0, 1000.0, 2080.0) > 0
    assert land.force(3, 62.5, 100.0, 25.0, 21.0) > 0
    with pytest.raises(ValueError, match="2 values are outside"):
        land.force(3, 1500.0, 800.0, 200.0, np.array([500.0, 3000.0, 4000.0]))
    # the Gaussian test function is defined everywhere
    assert GaussianLandscape().force(1, 1e5, 1e5, 1e4, 1e5) == 0.0


def test_noise_seed_follows_the_kit_convention(land):
    with pytest.raises(ValueError, match="non-negative int"):
        land.force(3, 1500.0, 800.0, 200.0, 500.0, noise=0.05, random_state=-1)
    g = np.random.default_rng(4)
    a = land.force(3, 1500.0, 800.0, 200.0, 500.0, noise=0.05, random_state=g)
    assert a == land.force(3, 1500.0, 800.0, 200.0, 500.0, noise=0.05, random_state=np.random.default_rng(4))


# --- the Gaussian's two intensity readings (issue 11) ---------------------------------

def test_gaussian_intensity_readings():
    pct = GaussianLandscape()
    lit = GaussianLandscape(intensity_reading="mW_cm2")
    assert pct.intensity_reading == "percent"
    assert (pct.CENTRE["P_mW_cm2"], pct.SD["P_mW_cm2"]) == (1040.0, 832.0)
    assert (lit.CENTRE["P_mW_cm2"], lit.SD["P_mW_cm2"]) == (50.0, 40.0)
    assert {k: v for k, v in lit.CENTRE.items() if k != "P_mW_cm2"} == \
        {k: v for k, v in pct.CENTRE.items() if k != "P_mW_cm2"}
    assert lit.value(2.0, 2000.0, 1200.0, 120.0, 50.0) == 15.0
    assert lit.value(2.0, 2000.0, 1200.0, 120.0, 90.0) == pytest.approx(15 * np.exp(-0.5))
    # the literal reading puts the peak near the low edge of the box: at 1040 mW/cm^2 nothing is left
    assert lit.value(2.0, 2000.0, 1200.0, 120.0, 1040.0) < 1e-100
    best = lit.optimum()
    assert best["P_mW_cm2"] == pytest.approx(50.0, rel=1e-3) and best["compound"] == 1
    assert pct.optimum()["P_mW_cm2"] == pytest.approx(1040.0, rel=1e-3)
    assert "mW_cm2" in repr(lit) and repr(pct) == "GaussianLandscape(library='published')"
    with pytest.raises(ValueError, match="intensity_reading must be one of"):
        GaussianLandscape(intensity_reading="percentage")


# --- options: the constants the data leave open (issue 11) ----------------------------

def test_default_options_are_the_reference_landscape(land):
    explicit = BlockingForceLandscape(sensor_stiffness_N_m=ls.SENSOR_STIFFNESS_N_M,
                                      penetration_depth_um=ls.PENETRATION_DEPTH_UM,
                                      thermal_length_um=ls.THERMAL_LENGTH_UM,
                                      measured_thermal=ls.THERMAL_STRAIN_PER_INTENSITY,
                                      responses=dict(ls.INVENTED_RESPONSES))
    P = np.array([208.0, 1040.0, 2080.0])
    for c in land.compounds:
        np.testing.assert_array_equal(explicit.force(c, 1500.0, 800.0, 200.0, P),
                                      land.force(c, 1500.0, 800.0, 200.0, P))
    assert explicit.optimum() == land.optimum()


def test_options_change_the_physics(land):
    kw = dict(L_um=1500.0, W_um=800.0, T_um=200.0, P_mW_cm2=1000.0)
    deep = BlockingForceLandscape(penetration_depth_um=40.0)
    # a deeper skin bends a 200 um crystal more: kappa ~ 6 eps d / T^2 for T >> d
    assert deep.force(3, **kw) > land.force(3, **kw)
    no_heat_5 = BlockingForceLandscape(measured_thermal=0.0)
    assert no_heat_5.responses[5].thermal == 0.0 and no_heat_5.responses[3] == land.responses[3]
    assert no_heat_5.force(5, **kw) > land.force(5, **kw)
    assert no_heat_5.force(3, **kw) == land.force(3, **kw)
    new3 = ls.PhotoResponse(0.03, 300.0, 2.5e-6, "invented")
    alt = BlockingForceLandscape(responses={3: new3})
    assert alt.responses[3] == new3 and alt.responses[1] == land.responses[1]
    assert alt.force(3, **kw) > land.force(3, **kw)
    assert alt.force(1, **kw) == land.force(1, **kw)
    # only the changed compound's optimum is recomputed (cached per compound)
    assert alt.optimum_per_compound().set_index("compound").drop(index=3).equals(
        land.optimum_per_compound().set_index("compound").drop(index=3))
    assert alt.optimum()["force_mN"] > land.optimum()["force_mN"]


@pytest.mark.parametrize("kwargs, message", [
    (dict(penetration_depth_um=0.0), "penetration_depth_um must be a number > 0"),
    (dict(thermal_length_um=np.inf), "thermal_length_um must be a number > 0"),
    (dict(measured_thermal=-1e-7), "measured_thermal must be a number >= 0"),
    (dict(sensor_stiffness_N_m="stiff"), "sensor_stiffness_N_m must be a number > 0"),
    (dict(responses={5: ls.PhotoResponse(1e-2, 500.0, 0.0, "invented")}), "5 and 9 are calibrated"),
    (dict(responses={3: (1e-2, 500.0, 0.0)}), r"responses\[3\] must be a PhotoResponse"),
    (dict(responses={3: ls.PhotoResponse(1e-2, 0.0, 0.0, "invented")}), "p_sat > 0"),
])
def test_bad_options_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BlockingForceLandscape(**kwargs)


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_calibration_for_other_constants():
    # the fit is equally good whatever the penetration depth; the optimum is not (issue 11: 25 mN at 10 um)
    shallow = ls.calibrate(options={"penetration_depth_um": 10.0})
    assert shallow.rms < 0.03 and shallow.options == {"penetration_depth_um": 10.0}
    assert shallow.params["strain_5"] != pytest.approx(ls.CALIBRATED_PARAMS["strain_5"], rel=0.05)
    member = shallow.landscape()
    assert member.penetration_depth_um == 10.0
    assert member.optimum()["force_mN"] == pytest.approx(25.0, abs=0.5)
    assert ls.fit_table(shallow.params, options=shallow.options).rms == pytest.approx(shallow.rms)
    with pytest.raises(ValueError, match="options may hold"):
        ls.calibrate(options={"poisson": 0.3})


# --- heat against light, by thickness --------------------------------------------------

def test_heat_reverses_the_bending_only_for_compound_7_in_the_box(land):
    t = ls.heat_crossover_table(land).set_index("compound")
    assert list(t.index) == list(land.compounds)
    assert t.index[t.heat == "reverses the bending in the box"].tolist() == [7]
    assert set(t.loc[[5, 9], "heat"]) == {"only weakens the bending"}
    # at the crossover the two curvatures are equal; heat's share grows with thickness
    r = land.responses[7]
    T = t.loc[7, "crossover_T_um"]
    photo = ls.layer_curvature(r.strain * 2080 / (2080 + r.p_sat), land.penetration_depth_um, T)
    heat = ls.layer_curvature(r.thermal * 2080, land.thermal_length_um, T)
    assert heat == pytest.approx(photo, rel=1e-6)
    assert land.curvature(7, T * 0.99, 2080.0) > 0 > land.curvature(7, T * 1.01, 2080.0)
    assert (t.heat_share_500 > t.heat_share_50).all()
    assert np.isnan(t.loc[5, "crossover_T_um"]) and t.loc[5, "heat_share_500"] < 1
    # at a lower intensity heat is weaker: the crossover moves to thicker crystals
    assert ls.heat_crossover_table(land, 500.0).set_index("compound").loc[7, "crossover_T_um"] > T
    with pytest.raises(ValueError, match="P_mW_cm2 must be > 0"):
        ls.heat_crossover_table(land, 0.0)


# --- structural alternatives: where the photostrain saturates, whether the heating saturates ---

@pytest.mark.parametrize("eps, p_sat, P, d, T", [(1e-2, 300.0, 1464.0, 20.0, 183.0), (2e-2, 600.0, 50.0, 5.0, 500.0),
                                                 (1e-2, 300.0, 2080.0, 50.0, 60.0),
                                                 (3e-3, 150.0, 2080.0, 20.0, 1000.0)])
def test_local_saturation_curvature_matches_quadrature(eps, p_sat, P, d, T):
    from scipy import integrate

    def integrand(z):
        light = P * np.exp(-z / d)
        return eps * light / (light + p_sat) * (T / 2 - z)

    expected = 12 / T**3 * integrate.quad(integrand, 0, T, limit=200, epsabs=0, epsrel=1e-12)[0]
    assert ls.local_saturation_curvature(eps, p_sat, P, d, T) == pytest.approx(expected, rel=1e-8)


def test_local_saturation_is_the_surface_form_in_weak_light_and_stronger_in_bright_light():
    r = ls.PhotoResponse(1e-2, 300.0, 0.0, "invented")
    weak = ls.photo_curvature(200.0, 1e-3, r, saturation="local") / ls.photo_curvature(200.0, 1e-3, r)
    assert weak == pytest.approx(1.0, rel=1e-5)
    # saturation at each depth leaves the deeper, dimmer layers unsaturated: more strain than the surface form
    assert ls.photo_curvature(200.0, 2000.0, r, saturation="local") > 1.5 * ls.photo_curvature(200.0, 2000.0, r)
    assert float(ls.photo_curvature(200.0, 0.0, r, saturation="local")) == 0.0


def test_heat_saturation_halves_the_heat_at_its_intensity_and_infinity_is_the_reference():
    r = ls.PhotoResponse(0.0, 300.0, 2.5e-6, "invented")
    linear = ls.photo_curvature(200.0, 1040.0, r)
    assert ls.photo_curvature(200.0, 1040.0, r, heat_saturation_mW_cm2=1040.0) == pytest.approx(linear / 2, rel=1e-12)
    assert BlockingForceLandscape(heat_saturation_mW_cm2=np.inf).force(3, 700, 2000, 175, 1464) == \
        BlockingForceLandscape().force(3, 700, 2000, 175, 1464)


def test_structural_options_are_checked_and_enter_the_cache_key():
    with pytest.raises(ValueError, match="saturation must be one of"):
        BlockingForceLandscape(saturation="bulk")
    with pytest.raises(ValueError, match="heat_saturation_mW_cm2 must be a number > 0"):
        BlockingForceLandscape(heat_saturation_mW_cm2=-1.0)
    assert BlockingForceLandscape(saturation="local").definition_key(3) != BlockingForceLandscape().definition_key(3)
    with pytest.raises(ValueError, match="functional forms"):
        ls.calibrate(options={"saturation_form": "local"})


def test_local_saturation_fits_as_well_and_moves_the_optimum_to_full_intensity():
    ref, local = ls.calibrate(), ls.calibrate(options={"saturation": "local"})
    assert local.rms == pytest.approx(0.0208, abs=5e-4) and ref.rms == pytest.approx(0.0229, abs=5e-4)
    best = local.landscape().optimum()
    assert best["compound"] == 3
    assert best["force_mN"] == pytest.approx(87.2, abs=0.3)
    assert best["P_mW_cm2"] == pytest.approx(2080.0)
    assert best["W_um"] == pytest.approx(2000.0)



def test_the_website_copy_refuses_a_structural_alternative():
    from mlcrystal.webview import landscape_spec

    with pytest.raises(ValueError, match="reference functional forms only"):
        landscape_spec(BlockingForceLandscape(saturation="local"))
    assert landscape_spec(BlockingForceLandscape())["min_aspect_ratio"] == 2.5
