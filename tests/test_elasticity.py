"""Tests for mlcrystal.crystal: directional Young's modulus and anisotropy."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.spatial.transform import Rotation

from mlcrystal import crystal as el
from mlcrystal.datasets import load_stiffness_tensors
from mlcrystal.study import BENDING_MODULI_GPA


def cubic_stiffness(c11, c12, c44):
    C = np.zeros((6, 6))
    C[:3, :3] = c12
    C[np.arange(3), np.arange(3)] = c11
    C[np.arange(3, 6), np.arange(3, 6)] = c44
    return C


# copper, GPa (a textbook cubic crystal)
CU = cubic_stiffness(168.4, 121.4, 75.4)

# a monoclinic-like tensor with every usual coupling (valid, positive definite)
LOW_SYMMETRY = np.array([
    [12.0, 5.0, 4.0, 0.0, 1.2, 0.0],
    [5.0, 20.0, 6.0, 0.0, -0.8, 0.0],
    [4.0, 6.0, 35.0, 0.0, 2.0, 0.0],
    [0.0, 0.0, 0.0, 4.0, 0.0, 0.6],
    [1.2, -0.8, 2.0, 0.0, 6.0, 0.0],
    [0.0, 0.0, 0.0, 0.6, 0.0, 3.0],
])


def test_study_compounds_tabulates_the_published_values():
    t = el.study_compounds().set_index("compound")
    assert t.index.tolist() == list(range(1, 11))
    published = t.E_bending_GPa.dropna()
    assert published.to_dict() == dict(BENDING_MODULI_GPA)
    assert published[3] == 0.677 and published[7] == 3.55
    assert np.isnan(t.loc[6, "E_bending_GPa"])  # compound 6 has no published bending modulus
    assert t.halogenated.tolist() == [False] * 6 + [True] * 4
    assert t.group.value_counts().to_dict() == {"1-3: stiffer by nanoindentation": 3,
                                                "4-6: softer by nanoindentation": 3, "7-10: halogenated": 4}
    assert not hasattr(el, "STUDY_BENDING_MODULI_GPA")  # the facts live in mlcrystal.study only


# --------------------------------------------------------------------------
# isotropic and cubic crystals: textbook values
# --------------------------------------------------------------------------

def test_isotropic_stiffness_lame_constants():
    C = el.isotropic_stiffness(200.0, 0.25)
    # lambda = 80, mu = 80 for E = 200, nu = 0.25
    assert C[0, 0] == pytest.approx(240.0)
    assert C[0, 1] == pytest.approx(80.0)
    assert C[3, 3] == pytest.approx(80.0)
    assert C[0, 3] == 0.0


def test_isotropic_modulus_is_the_same_in_every_direction():
    C = el.isotropic_stiffness(7.5, 0.32)
    E = el.directional_youngs_modulus(C, el.fibonacci_sphere(300))
    np.testing.assert_allclose(E, 7.5, rtol=1e-12)
    assert el.anisotropy_ratio(C) == pytest.approx(1.0, abs=1e-10)
    assert el.universal_anisotropy_index(C) == pytest.approx(0.0, abs=1e-12)


def test_cubic_100_and_111_moduli():
    S = np.linalg.inv(CU)
    s11, s12, s44 = S[0, 0], S[0, 1], S[3, 3]
    E100 = el.directional_youngs_modulus(CU, [1, 0, 0])
    E111 = el.directional_youngs_modulus(CU, [1, 1, 1])
    assert E100 == pytest.approx(1 / s11, rel=1e-12)
    assert E111 == pytest.approx(1 / (s11 - 2 * (s11 - s12 - s44 / 2) / 3), rel=1e-12)
    # copper: about 66.7 GPa along <100> and 191 GPa along <111>
    assert E100 == pytest.approx(66.7, abs=0.1)
    assert E111 == pytest.approx(191.1, abs=0.2)
    # the extremes of a cubic crystal with 2 C44 > C11 - C12 are <100> and <111>
    ext = el.extreme_youngs_moduli(CU)
    assert ext["E_min"] == pytest.approx(E100, rel=1e-8)
    assert ext["E_max"] == pytest.approx(E111, rel=1e-8)
    assert abs(ext["direction_max"]) == pytest.approx(np.full(3, 3 ** -0.5), abs=1e-4)


def test_compliance_voigt_factors():
    S_voigt = np.linalg.inv(LOW_SYMMETRY)
    T = el.compliance_tensor(LOW_SYMMETRY)
    assert T[0, 0, 0, 0] == pytest.approx(S_voigt[0, 0])
    assert T[0, 0, 1, 2] == pytest.approx(S_voigt[0, 3] / 2)
    assert T[1, 2, 0, 2] == pytest.approx(S_voigt[3, 4] / 4)
    assert T[2, 1, 0, 2] == pytest.approx(S_voigt[3, 4] / 4)
    np.testing.assert_allclose(el.tensor_to_voigt(T, kind="compliance"), S_voigt, rtol=1e-12)
    # minor and major symmetries
    np.testing.assert_allclose(T, T.transpose(1, 0, 2, 3))
    np.testing.assert_allclose(T, T.transpose(2, 3, 0, 1))


def test_directional_modulus_matches_engineering_voigt_formula():
    # 1/E = q S q with q = (n1^2, n2^2, n3^2, n2 n3, n1 n3, n1 n2), engineering-shear Voigt S
    S = np.linalg.inv(LOW_SYMMETRY)
    n = el.fibonacci_sphere(50)
    q = np.column_stack([n[:, 0] ** 2, n[:, 1] ** 2, n[:, 2] ** 2,
                         n[:, 1] * n[:, 2], n[:, 0] * n[:, 2], n[:, 0] * n[:, 1]])
    expected = 1 / np.einsum("na,ab,nb->n", q, S, q)
    np.testing.assert_allclose(el.directional_youngs_modulus(LOW_SYMMETRY, n), expected, rtol=1e-12)


def test_direction_is_normalised_and_sign_free():
    d = np.array([0.3, -1.2, 0.7])
    E = el.directional_youngs_modulus(LOW_SYMMETRY, d)
    assert isinstance(E, float)
    assert el.directional_youngs_modulus(LOW_SYMMETRY, 5 * d) == pytest.approx(E, rel=1e-12)
    assert el.directional_youngs_modulus(LOW_SYMMETRY, -d) == pytest.approx(E, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1, 1), min_size=3, max_size=3).filter(lambda v: np.linalg.norm(v) > 1e-3))
def test_sign_flip_property(v):
    E = el.directional_youngs_modulus(LOW_SYMMETRY, v)
    assert el.directional_youngs_modulus(LOW_SYMMETRY, -np.asarray(v)) == pytest.approx(E, rel=1e-10)


def test_principal_moduli_are_inverse_diagonal_compliance():
    S = np.linalg.inv(LOW_SYMMETRY)
    np.testing.assert_allclose(el.principal_moduli(LOW_SYMMETRY), 1 / np.diag(S)[:3], rtol=1e-12)


# --------------------------------------------------------------------------
# rotations
# --------------------------------------------------------------------------

def test_rotate_stiffness_90_degrees_about_z_swaps_axes():
    C = np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0])
    Rz = Rotation.from_euler("z", 90, degrees=True).as_matrix()
    np.testing.assert_allclose(np.diag(el.rotate_stiffness(C, Rz)), [20, 10, 30, 5, 4, 6], atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2 ** 32 - 1), st.lists(st.floats(-1, 1), min_size=3, max_size=3)
       .filter(lambda v: np.linalg.norm(v) > 1e-3))
def test_rotating_tensor_and_direction_together_leaves_E_unchanged(seed, v):
    R = Rotation.random(random_state=seed).as_matrix()
    C_rot = el.rotate_stiffness(LOW_SYMMETRY, R)
    n = np.asarray(v)
    assert el.directional_youngs_modulus(C_rot, R @ n) == pytest.approx(
        el.directional_youngs_modulus(LOW_SYMMETRY, n), rel=1e-9)
    # rotation-invariant summaries do not change either
    assert el.universal_anisotropy_index(C_rot) == pytest.approx(
        el.universal_anisotropy_index(LOW_SYMMETRY), rel=1e-9)


def test_rotate_stiffness_rejects_non_orthogonal_matrix():
    with pytest.raises(ValueError, match="not orthogonal"):
        el.rotate_stiffness(LOW_SYMMETRY, np.diag([1.0, 2.0, 1.0]))
    with pytest.raises(ValueError, match="3x3"):
        el.rotate_stiffness(LOW_SYMMETRY, np.eye(2))


# --------------------------------------------------------------------------
# anisotropy measures
# --------------------------------------------------------------------------

def test_extremes_agree_with_dense_sampling_and_bound_it():
    dense = el.directional_youngs_modulus(LOW_SYMMETRY, el.fibonacci_sphere(200_000))
    ext = el.extreme_youngs_moduli(LOW_SYMMETRY, n_points=2000)
    assert ext["E_min"] <= dense.min() + 1e-12
    assert ext["E_max"] >= dense.max() - 1e-12
    assert ext["E_min"] == pytest.approx(dense.min(), rel=1e-4)
    assert ext["E_max"] == pytest.approx(dense.max(), rel=1e-4)
    # the reported directions give the reported moduli
    assert el.directional_youngs_modulus(LOW_SYMMETRY, ext["direction_max"]) == pytest.approx(ext["E_max"])
    assert el.anisotropy_ratio(LOW_SYMMETRY, n_points=2000) == pytest.approx(ext["E_max"] / ext["E_min"])


def test_refinement_improves_on_coarse_sampling():
    coarse = el.extreme_youngs_moduli(CU, n_points=50, refine=False)
    fine = el.extreme_youngs_moduli(CU, n_points=50, refine=True)
    assert fine["E_max"] > coarse["E_max"]
    assert fine["E_max"] == pytest.approx(el.directional_youngs_modulus(CU, [1, 1, 1]), rel=1e-8)


def test_voigt_reuss_bounds_and_universal_index_for_cubic():
    m = el.voigt_reuss_moduli(CU)
    c11, c12, c44 = 168.4, 121.4, 75.4
    assert m["K_V"] == pytest.approx((c11 + 2 * c12) / 3)
    assert m["K_R"] == pytest.approx(m["K_V"])  # cubic: bulk bounds coincide
    assert m["G_V"] == pytest.approx((c11 - c12 + 3 * c44) / 5)
    assert m["G_R"] <= m["G_V"]
    # cubic: A^U = 6/5 (sqrt(A) - 1/sqrt(A))^2 with the Zener ratio A = 2 C44 / (C11 - C12)
    A = 2 * c44 / (c11 - c12)
    assert el.universal_anisotropy_index(CU) == pytest.approx(1.2 * (A ** 0.5 - A ** -0.5) ** 2, rel=1e-10)


def test_in_plane_sweep():
    C = np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0])
    a, E = el.youngs_modulus_in_plane(C, "yz", 5)
    np.testing.assert_allclose(a, np.linspace(0, 2 * np.pi, 5))
    np.testing.assert_allclose(E, [20, 30, 20, 30, 20], rtol=1e-12)
    a2, E2 = el.youngs_modulus_in_plane(C, ([0, 1, 0], [0, 0, 3]), 5)
    np.testing.assert_allclose(E2, E)
    with pytest.raises(ValueError, match="one of"):
        el.youngs_modulus_in_plane(C, "ab")
    with pytest.raises(ValueError, match="orthogonal"):
        el.youngs_modulus_in_plane(C, ([1, 0, 0], [1, 1, 0]))


def test_direction_from_angles():
    np.testing.assert_allclose(el.direction_from_angles(90, 90), [0, 1, 0], atol=1e-15)
    d = el.direction_from_angles([0, 90, 45], [0, 0, 180])
    assert d.shape == (3, 3)
    np.testing.assert_allclose(np.linalg.norm(d, axis=1), 1)
    with pytest.raises(ValueError, match="finite"):
        el.direction_from_angles(np.nan, 0)


def test_fibonacci_sphere_is_roughly_uniform():
    P = el.fibonacci_sphere(4000)
    np.testing.assert_allclose(P.mean(axis=0), 0, atol=1e-3)
    # second moments of a uniform sphere: <x^2> = 1/3
    np.testing.assert_allclose((P ** 2).mean(axis=0), 1 / 3, atol=2e-3)
    with pytest.raises(ValueError, match="positive integer"):
        el.fibonacci_sphere(0)


# --------------------------------------------------------------------------
# invalid input
# --------------------------------------------------------------------------

@pytest.mark.parametrize("bad, match", [
    (np.eye(5), r"shape \(6, 6\)"),
    (np.full((6, 6), np.nan), "NaN"),
    ("not a matrix", "6x6 array"),
    (-np.eye(6), "not positive definite"),
    (np.zeros((6, 6)), "not positive definite"),
])
def test_validate_stiffness_rejects(bad, match):
    with pytest.raises(ValueError, match=match):
        el.validate_stiffness(bad)


def test_validate_stiffness_rejects_asymmetric_and_names_entry():
    C = LOW_SYMMETRY.copy()
    C[0, 1] += 1.0
    with pytest.raises(ValueError, match="not symmetric: C12 = 6 but C21 = 5"):
        el.validate_stiffness(C)
    # a rounding-size asymmetry is accepted and symmetrised
    C = LOW_SYMMETRY.copy()
    C[0, 1] += 1e-6
    out = el.validate_stiffness(C)
    np.testing.assert_allclose(out, out.T)
    assert el.stiffness_problem(C) == ""


def test_indefinite_but_symmetric_tensor_is_refused_everywhere():
    C = el.isotropic_stiffness(10.0, 0.3)
    C[0, 1] = C[1, 0] = 20.0  # C12 > C11 breaks positive definiteness
    assert "positive definite" in el.stiffness_problem(C)
    for f in (el.directional_youngs_modulus, ):
        with pytest.raises(ValueError, match="positive definite"):
            f(C, [1, 0, 0])
    for f in (el.principal_moduli, el.anisotropy_ratio, el.universal_anisotropy_index):
        with pytest.raises(ValueError, match="positive definite"):
            f(C)


@pytest.mark.parametrize("bad, match", [
    ([0, 0, 0], "zero length"),
    ([1, 2], r"shape \(3,\) or \(n, 3\)"),
    (np.ones((2, 2, 3)), r"shape \(3,\) or \(n, 3\)"),
    ([1, np.inf, 0], "NaN or infinite"),
])
def test_bad_directions(bad, match):
    with pytest.raises(ValueError, match=match):
        el.directional_youngs_modulus(CU, bad)


def test_voigt_kind_must_be_known():
    with pytest.raises(ValueError, match="'stiffness' or 'compliance'"):
        el.voigt_to_tensor(np.eye(6), kind="strain")


# --------------------------------------------------------------------------
# tables of crystals
# --------------------------------------------------------------------------

def test_anisotropy_table_flags_invalid_rows_and_keeps_columns():
    broken = el.isotropic_stiffness(10.0, 0.3)
    broken[0, 1] = broken[1, 0] = 20.0
    t = pd.DataFrame({"compound": ["cu", "iso", "broken"], "method": ["x", "y", "z"],
                      "C_GPa": [CU, el.isotropic_stiffness(4.0, 0.2), broken]})
    out = el.anisotropy_table(t, n_points=500)
    assert list(out.compound) == ["cu", "iso", "broken"]
    assert "C_GPa" not in out.columns
    assert out.valid.tolist() == [True, True, False]
    assert out.problem.iloc[0] == "" and "positive definite" in out.problem.iloc[2]
    assert out.loc[2, ["E_min", "E_max", "anisotropy_ratio", "A_U"]].isna().all()
    assert out.anisotropy_ratio.iloc[0] == pytest.approx(191.1 / 66.7, rel=2e-3)
    assert out.E_hill.iloc[1] == pytest.approx(4.0)
    assert out.anisotropy_ratio.iloc[1] == pytest.approx(1.0)


def test_anisotropy_table_requires_tensor_column():
    with pytest.raises(ValueError, match="'C_GPa' column"):
        el.anisotropy_table(pd.DataFrame({"compound": ["a"]}))
    with pytest.raises(ValueError, match="'C_GPa' column"):
        el.anisotropy_table([CU])


def test_study_compounds_table():
    t = el.study_compounds()
    assert t.compound.tolist() == list(range(1, 11))
    assert t.halogenated.tolist() == [False] * 6 + [True] * 4
    assert np.isnan(t.set_index("compound").E_bending_GPa[6])
    assert t.set_index("compound").E_bending_GPa[7] == 3.55
    assert t.group.nunique() == 3
    # the published bending moduli of the halogenated crystals are, on average, the highest
    means = t.groupby("halogenated").E_bending_GPa.mean()
    assert means[True] == pytest.approx((3.55 + 2.29 + 0.664 + 1.83) / 4)
    assert means[True] > means[False]


def test_plane_basis_is_orthonormal_and_right_handed():
    for n in ([0, 0, 1], [1, 0, 0], [0.3, -2.0, 0.5]):
        u, v = el.plane_basis(n)
        m = np.asarray(n, float) / np.linalg.norm(n)
        np.testing.assert_allclose([u @ u, v @ v, u @ v, u @ m, v @ m], [1, 1, 0, 0, 0], atol=1e-12)
        np.testing.assert_allclose(np.cross(u, v), m, atol=1e-12)
    with pytest.raises(ValueError, match="one 3-vector"):
        el.plane_basis(np.eye(3))


def test_plate_moduli():
    C = np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0])
    m = el.plate_moduli(C)  # thickness along the stiffest axis, z
    assert m["E_thickness"] == pytest.approx(30.0)
    assert m["E_length_max"] == pytest.approx(20.0)
    assert m["E_length_min"] == pytest.approx(10.0, rel=1e-6)
    m = el.plate_moduli(C, thickness_direction=[1, 0, 0])
    assert m["E_thickness"] == pytest.approx(10.0)
    assert m["E_length_max"] == pytest.approx(30.0)
    # an isotropic plate is equally stiff every way
    m = el.plate_moduli(el.isotropic_stiffness(4.0, 0.3), thickness_direction=[1, 1, 1])
    assert m["E_thickness"] == pytest.approx(4.0)
    assert m["E_length_min"] == pytest.approx(m["E_length_max"])


def test_agreement_by_compound():
    t = pd.DataFrame({"compound": ["a", "a", "a", "b", "c", "c"],
                      "valid": [True, True, False, True, True, True],
                      "E_hill": [4.0, 6.0, np.nan, 3.0, 2.0, 2.2],
                      "anisotropy_ratio": [2.0, 5.0, np.nan, 1.5, 3.0, 3.3]})
    out = el.agreement_by_compound(t)
    assert out.index.tolist() == ["c", "a"]  # sorted by Hill spread; "b" has one row
    assert out.loc["a", "n"] == 2  # the refused row is ignored
    assert out.loc["a", "E_hill_spread"] == pytest.approx(1.5)
    assert out.loc["a", "anisotropy_ratio_spread"] == pytest.approx(2.5)
    assert el.agreement_by_compound(t, min_rows=1).shape[0] == 3
    with pytest.raises(ValueError, match="anisotropy_table"):
        el.agreement_by_compound(t.drop(columns="E_hill"))
    with pytest.raises(ValueError, match="positive integer"):
        el.agreement_by_compound(t, min_rows=0)


def test_plot_plane_sections_draws_each_plane():
    C = np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0])
    ax = el.plot_plane_sections(C, planes=("xy", "yz"), n_angles=9)
    assert len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[0].get_ydata()[[0, 2]], [10.0, 20.0])  # x, then y
    np.testing.assert_allclose(ax.lines[1].get_ydata()[[0, 2]], [20.0, 30.0])  # y, then z


def test_plot_modulus_surface_scales_axes_to_E_max():
    ax = el.plot_modulus_surface(np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0]), n_theta=7, n_phi=9)
    assert ax.get_zlim() == pytest.approx((-30.0, 30.0))
    assert ax.get_zlabel() == "z (GPa)"


# --------------------------------------------------------------------------
# plates in stated orientations
# --------------------------------------------------------------------------

ORTHO = np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0])  # E_x, E_y, E_z = 10, 20, 30


def test_plate_orientations_fixed_rows_follow_the_extreme_directions():
    p = el.plate_orientations(ORTHO)
    assert p.orientation.tolist() == ["stiffest", "softest"]
    stiff, soft = p.iloc[0], p.iloc[1]
    assert stiff.E_thickness == pytest.approx(30.0)
    assert stiff.E_length_max == pytest.approx(20.0) and stiff.E_length_min == pytest.approx(10.0, rel=1e-6)
    assert soft.E_thickness == pytest.approx(10.0)
    assert soft.E_length_max == pytest.approx(30.0)
    # in-plane moduli are smaller than the thickness one by construction when the thickness is the stiffest,
    # larger when it is the softest
    assert stiff.length_max_over_thickness < 1 < soft.length_min_over_thickness
    assert stiff.E_length_min <= stiff.E_length_mean <= stiff.E_length_max


def test_plate_orientations_random_rows_are_seeded_and_bounded():
    a = el.plate_orientations(ORTHO, n_random=6, random_state=3)
    b = el.plate_orientations(ORTHO, n_random=6, random_state=np.random.default_rng(3))
    c = el.plate_orientations(ORTHO, n_random=6, random_state=4)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a.E_thickness.iloc[2:], c.E_thickness.iloc[2:])
    r = a[a.orientation.eq("random")]
    assert r.draw.tolist() == list(range(6))
    ext = el.extreme_youngs_moduli(ORTHO)
    assert (r.E_thickness >= ext["E_min"] - 1e-9).all() and (r.E_thickness <= ext["E_max"] + 1e-9).all()
    iso = el.plate_orientations(el.isotropic_stiffness(5.0, 0.3), n_random=3, random_state=0)
    assert np.allclose(iso[["length_min_over_thickness", "length_max_over_thickness"]], 1.0)


@pytest.mark.parametrize("n_random", [-1, 1.5, True, "3"])
def test_plate_orientations_rejects_bad_n_random(n_random):
    with pytest.raises(ValueError, match="n_random must be a non-negative integer"):
        el.plate_orientations(ORTHO, n_random=n_random)


def test_plate_orientation_table_carries_columns_and_refuses_bad_rows():
    t = pd.DataFrame({"compound": ["a", "b"], "source": ["X", None], "C_GPa": [ORTHO, LOW_SYMMETRY]},
                     index=[10, 20])
    p = el.plate_orientation_table(t, n_random=2, random_state=0)
    assert list(p.columns[:3]) == ["tensor", "compound", "source"]
    assert p.groupby("tensor").size().to_dict() == {10: 4, 20: 4}
    # each tensor draws from its own child stream: appending a row leaves the earlier rows' draws unchanged
    alone = el.plate_orientation_table(t.iloc[:1], n_random=2, random_state=0)
    pd.testing.assert_frame_equal(alone, p[p.tensor.eq(10)].reset_index(drop=True), check_dtype=False)
    bad = pd.concat([t, pd.DataFrame({"compound": ["c"], "source": ["Y"], "C_GPa": [-np.eye(6)]}, index=[30])])
    with pytest.raises(ValueError, match=r"row 30 is refused: stiffness matrix is not positive definite"):
        el.plate_orientation_table(bad, n_random=1, random_state=0)
    with pytest.raises(ValueError, match="'C_GPa' column"):
        el.plate_orientation_table(t.drop(columns="C_GPa"))


def test_summarise_plate_orientations():
    t = pd.DataFrame({"C_GPa": [ORTHO, el.isotropic_stiffness(5.0, 0.3)]})
    p = el.plate_orientation_table(t, n_random=10, random_state=1)
    s = el.summarise_plate_orientations(p)
    assert s.index.tolist() == ["stiffest", "random", "softest"]
    assert s.n_tensors.tolist() == [2, 2, 2] and s.n_draws.tolist() == [1, 10, 1]
    # the median of two tensors: the orthotropic one (2/3) and the isotropic one (1)
    assert s.at["stiffest", "median_max"] == pytest.approx((2 / 3 + 1) / 2, rel=1e-4)
    assert s.at["softest", "median_max"] == pytest.approx((3 + 1) / 2, rel=1e-4)
    assert np.isnan(s.at["stiffest", "median_max_low"])
    r = s.loc["random"]
    assert r.median_mean_low <= r.median_mean_high
    assert r.median_min <= r.median_mean <= r.median_max
    # the isotropic plate's thickness is never stiffer than its in-plane average (equal), the orthotropic one is
    assert s.at["stiffest", "share_thickness_stiffer"] == 0.5
    assert s.at["softest", "share_thickness_stiffer"] == 0.0
    with pytest.raises(ValueError, match="plate_orientation_table"):
        el.summarise_plate_orientations(p.drop(columns="draw"))
    with pytest.raises(ValueError, match="level must be the coverage of a central interval"):
        el.summarise_plate_orientations(p, level=1.5)


# --------------------------------------------------------------------------
# correlations against permutation nulls
# --------------------------------------------------------------------------

def test_spearman_rho_matches_scipy_with_ties_and_vectorises():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, size=40).astype(float)  # many ties
    y = x + rng.normal(size=40)
    assert float(el.spearman_rho(x, y)) == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    X, Y = rng.normal(size=(3, 25)), rng.normal(size=(3, 25))
    vec = el.spearman_rho(X, Y, axis=-1)
    assert vec.shape == (3,)
    assert np.allclose(vec, [stats.spearmanr(a, b).statistic for a, b in zip(X, Y, strict=True)])
    assert np.isnan(el.ratio_spearman_rho([1.0, 2.0, 3.0], [2.0, 4.0, 6.0]))  # a constant ratio has no rank order
    assert float(el.ratio_spearman_rho([1.0, 2.0, 3.0], [3.0, 2.0, 1.0])) == pytest.approx(-1.0)


def test_permutation_test_detects_a_monotone_relation():
    x = np.linspace(1, 10, 30)
    res = el.permutation_test(x, x ** 3, n_permutations=999, random_state=0)
    assert res["statistic"] == pytest.approx(1.0)
    assert res["p_value"] == pytest.approx(2 / 1000)  # the smallest two-sided p with 999 permutations
    # the null of random pairings is centred on 0 with a band of about +-2/sqrt(n)
    assert abs(res["null_median"]) < 0.05
    assert -0.5 < res["null_low"] < -0.2 and 0.2 < res["null_high"] < 0.5
    assert res["n"] == 30 and res["n_permutations"] == 999 and res["null"].shape == (999,)
    assert el.permutation_test(x, x ** 3, n_permutations=999, random_state=0, alternative="less")["p_value"] == 1.0


def test_permutation_test_finds_nothing_in_independent_data():
    rng = np.random.default_rng(11)
    p_values = [el.permutation_test(rng.normal(size=60), rng.normal(size=60), n_permutations=199,
                                    random_state=k)["p_value"] for k in range(20)]
    # under the null p is uniform: about 5 % below 0.05, and a median near one half
    assert sum(p < 0.05 for p in p_values) <= 3
    assert 0.25 < np.median(p_values) < 0.75


def test_shared_denominator_null_explains_a_ratio_correlation():
    rng = np.random.default_rng(5)
    e_max = np.exp(rng.normal(2.0, 0.5, size=120))
    # independent E_min: rho(E_max, E_min/E_max) is strongly negative, and entirely by construction
    e_min = np.exp(rng.normal(1.0, 0.5, size=120))
    res = el.permutation_test(e_max, e_min, el.ratio_spearman_rho, n_permutations=999, random_state=0)
    assert res["statistic"] < -0.4
    assert res["null_median"] < -0.4 and res["null_low"] < res["statistic"] < res["null_high"]
    assert res["p_value"] > 0.05
    # a plain independence null would have called it highly significant
    plain = el.permutation_test(e_max, e_min / e_max, n_permutations=999, random_state=0)
    assert plain["p_value"] < 0.01
    # E_min proportional to E_max (constant anisotropy): the ratio no longer falls, far above the null
    prop = e_max * np.exp(rng.normal(-1.0, 0.05, size=120))
    res = el.permutation_test(e_max, prop, el.ratio_spearman_rho, n_permutations=999, random_state=0)
    assert abs(res["statistic"]) < 0.3 and res["statistic"] > res["null_high"]
    assert res["p_value"] <= 0.01


def test_permutation_test_is_reproducible():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=20), rng.normal(size=20)
    a = el.permutation_test(x, y, n_permutations=199, random_state=7)
    b = el.permutation_test(x, y, n_permutations=199, random_state=np.random.default_rng(7))
    c = el.permutation_test(x, y, n_permutations=199, random_state=8)
    assert np.array_equal(a["null"], b["null"]) and a["p_value"] == b["p_value"]
    assert not np.array_equal(a["null"], c["null"])


@pytest.mark.parametrize("kwargs, match", [
    ({"y": np.ones(4)}, "equal length"),
    ({"y": [1.0, np.nan, 2.0, 3.0, 4.0]}, "pair 1"),
    ({"x": [1.0, 2.0], "y": [1.0, 2.0]}, "at least 3 pairs"),
    ({"n_permutations": 10}, "n_permutations must be an integer >= 99"),
    ({"alternative": "bigger"}, "alternative must be"),
    ({"statistic": "spearman"}, "statistic must be a callable"),
    ({"level": 1.2}, "level must be the coverage of a central interval"),
    ({"random_state": -3}, "random_state must be"),
])
def test_permutation_test_rejects_bad_input(kwargs, match):
    args = {"x": np.arange(5.0), "y": np.arange(5.0) ** 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        el.permutation_test(**args)


def test_bootstrap_interval_brackets_the_statistic():
    rng = np.random.default_rng(4)
    x = rng.normal(size=80)
    y = x + rng.normal(size=80)
    lo, hi = el.bootstrap_interval(x, y, n_boot=999, random_state=0)
    rho = float(el.spearman_rho(x, y))
    assert lo < rho < hi and hi - lo < 0.4
    assert (lo, hi) == el.bootstrap_interval(x, y, n_boot=999, random_state=0)
    lo90, hi90 = el.bootstrap_interval(x, y, n_boot=999, level=0.5, random_state=0)
    assert lo <= lo90 and hi90 <= hi
    with pytest.raises(ValueError, match="level must be the coverage"):
        el.bootstrap_interval(x, y, level=95)
    with pytest.raises(ValueError, match="n_boot"):
        el.bootstrap_interval(x, y, n_boot=5)


# --------------------------------------------------------------------------
# plausibility of published tensors
# --------------------------------------------------------------------------

def test_tensor_plausibility_flags_disagreement_and_small_shear():
    soft = el.isotropic_stiffness(8.0, 0.3)
    soft[4, 4] = 0.05  # C55
    t = pd.DataFrame({
        "compound": ["pair", "pair", "trio", "trio", "trio", "alone", "broken"],
        "source": ["A", "B", "A", "B", "C", "A", "A"],
        "C_GPa": [el.isotropic_stiffness(2.0, 0.3), el.isotropic_stiffness(8.0, 0.3),
                  el.isotropic_stiffness(5.0, 0.3), el.isotropic_stiffness(6.0, 0.3),
                  el.isotropic_stiffness(17.0, 0.3), soft, -np.eye(6)],
    })
    out = el.tensor_plausibility(t)
    assert "C_GPa" not in out.columns and out.source.tolist() == t.source.tolist()
    # a disagreeing pair: both are flagged (the check cannot tell which is wrong)
    assert out.flag_hill.tolist() == [True, True, False, False, True, False, False]
    assert out.at[0, "hill_fold"] == pytest.approx(4.0)
    assert out.at[4, "hill_fold"] == pytest.approx(17.0 / 5.5)
    assert out.at[4, "n_others"] == 2 and out.at[4, "E_hill_others"] == pytest.approx(5.5)
    assert np.isnan(out.at[5, "hill_fold"]) and out.at[5, "n_others"] == 0
    assert out.flag_shear.tolist() == [False] * 5 + [True, False]
    assert out.at[5, "min_shear_constant"] == "C55" and out.at[5, "min_shear"] == pytest.approx(0.05)
    assert "C55 = 0.05 GPa is below 0.1 GPa" in out.at[5, "reason"]
    assert "4.0x off the median of 1 other tensor(s) of pair" in out.at[0, "reason"]
    # the refused tensor is kept, not flagged, and has no Hill modulus
    assert not out.at[6, "valid"] and not out.at[6, "flagged"] and np.isnan(out.at[6, "E_hill"])
    assert out.flagged.sum() == 4
    # looser bounds flag less
    loose = el.tensor_plausibility(t, hill_fold_bound=5.0, min_shear_GPa=0.01)
    assert not loose.flagged.any()


@pytest.mark.parametrize("kwargs, match", [
    ({"hill_fold_bound": 1.0}, "hill_fold_bound must be a number > 1"),
    ({"min_shear_GPa": -0.1}, "min_shear_GPa must be a non-negative"),
])
def test_tensor_plausibility_rejects_bad_bounds(kwargs, match):
    t = pd.DataFrame({"compound": ["a"], "C_GPa": [ORTHO]})
    with pytest.raises(ValueError, match=match):
        el.tensor_plausibility(t, **kwargs)
    with pytest.raises(ValueError, match="'compound' column"):
        el.tensor_plausibility(t.drop(columns="compound"))


@pytest.mark.needs_data("stiffness_tensors_rev.csv")
def test_tensor_plausibility_flags_benzalazine_joshi():
    out = el.tensor_plausibility(load_stiffness_tensors())
    flagged = out[out.flagged]
    joshi = flagged[flagged.compound.eq("benzalazine") & flagged.source.eq("Joshi")]
    assert len(joshi) == 1 and joshi.flag_hill.iloc[0] and joshi.flag_shear.iloc[0]
    assert joshi.hill_fold.iloc[0] == pytest.approx(5.49 / 0.70, rel=0.01)
    # at the default bounds only the benzalazine pair is flagged
    assert set(flagged.compound) == {"benzalazine"}


def test_thickness_length_correlation_sees_a_trade_off_when_there_is_one():
    # crystals with one stiff axis (z, E = a) and a soft plane (E ~ 1/a): with the thickness along the stiffest
    # direction, the stiffer the thickness, the softer the length: rho = -1, far below the null band
    Cs = [np.diag([1 / a, 1 / a, a, 0.4 * a, 0.4 * a, 0.4 / a]) for a in (2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)]
    p = el.plate_orientation_table(pd.DataFrame({"C_GPa": Cs}), n_random=5, random_state=0)
    r = el.thickness_length_correlation(p, n_permutations=999, random_state=0)
    assert r.index.tolist() == ["stiffest", "random", "softest"]
    assert r.at["stiffest", "rho"] == pytest.approx(-1.0)
    assert r.at["stiffest", "rho"] < r.at["stiffest", "null_low"]
    assert r.at["stiffest", "p_value"] < 0.01
    assert r.at["random", "n_draws"] == 5 and r.at["random", "rho_low"] <= r.at["random", "rho_high"]
    assert np.isnan(r.at["softest", "rho_low"])
    # scaled copies of one crystal under one fixed orientation rule are stiffer every way (random orientations
    # differ between the copies, so only a positive rho is expected there)
    scaled = [s * LOW_SYMMETRY for s in (1.0, 1.5, 2.0, 3.0, 5.0)]
    p = el.plate_orientation_table(pd.DataFrame({"C_GPa": scaled}), n_random=3, random_state=0)
    r = el.thickness_length_correlation(p, length="E_length_min", n_permutations=999, random_state=0)
    assert np.allclose(r.loc[["stiffest", "softest"], "rho"], 1.0) and r.at["random", "rho"] > 0
    with pytest.raises(ValueError, match="length must be one of"):
        el.thickness_length_correlation(p, length="E_length")
    with pytest.raises(ValueError, match="plate_orientation_table"):
        el.thickness_length_correlation(p.drop(columns="orientation"))


def test_correlation_evidence_matches_the_single_tests_with_seeds_in_order():
    rng = np.random.default_rng(0)
    x, noise = rng.normal(size=25), rng.normal(size=25)
    questions = {"x against x + noise": (x, x + noise, el.spearman_rho),
                 "ratio": (np.exp(x), np.exp(noise), el.ratio_spearman_rho)}
    ev = el.correlation_evidence(questions, n_permutations=199, n_boot=300)
    assert ev.index.tolist() == list(questions)
    for seed, (name, (a, b, stat)) in enumerate(questions.items()):
        test = el.permutation_test(a, b, stat, n_permutations=199, random_state=seed)
        low, high = el.bootstrap_interval(a, b, stat, n_boot=300, random_state=seed)
        row = ev.loc[name]
        assert row.rho == pytest.approx(test["statistic"])
        assert (row.low, row.high) == pytest.approx((low, high))
        assert (row.null_median, row.null_low, row.null_high, row.p_value) == pytest.approx(
            (test["null_median"], test["null_low"], test["null_high"], test["p_value"]))
        np.testing.assert_array_equal(row.null, test["null"])
    # a question added at the end leaves the earlier rows unchanged
    more = el.correlation_evidence({**questions, "again": questions["ratio"]}, n_permutations=199, n_boot=300)
    pd.testing.assert_frame_equal(more.drop(columns="null").iloc[:2], ev.drop(columns="null"))


def test_correlation_report_formats_and_drops_a_missing_interval():
    ev = pd.DataFrame({"rho": [-0.001, 0.456], "low": [-0.2, 0.1], "high": [0.2, 0.7], "null_median": [0.0, -0.6],
                       "null_low": [-0.3, -0.7], "null_high": [0.3, -0.5], "p_value": [0.9, 0.0001]},
                      index=["flat", "ratio"])
    report = el.correlation_report(ev, level=0.9)
    assert report.columns.tolist() == ["rho", "90% interval", "null median", "null 5-95%", "p"]
    assert str(report.loc["flat", "rho"]) == "0.0"  # no -0.0
    assert report.loc["ratio", "90% interval"] == "0.10 to 0.70"
    assert report.loc["ratio", "null 5-95%"] == "-0.70 to -0.50"
    no_interval = el.correlation_report(ev.assign(low=np.nan, high=np.nan))
    assert no_interval.columns.tolist() == ["rho", "null median", "null 2.5-97.5%", "p"]
    with pytest.raises(ValueError, match=r"\['p_value'\]"):
        el.correlation_report(ev.drop(columns="p_value"))


def test_correlation_evidence_refuses_a_malformed_question():
    with pytest.raises(ValueError, match="non-empty dict"):
        el.correlation_evidence({})
    with pytest.raises(ValueError, match="question 'q'.*callable"):
        el.correlation_evidence({"q": ([1, 2, 3], [3, 2, 1], "spearman")})


def test_illustrative_derivatives_are_valid_and_keep_the_scaffold():
    from rdkit import Chem

    smiles = el.illustrative_derivatives()
    assert smiles.name == "smiles" and smiles.index.is_unique and len(smiles) == 13
    assert smiles["parent (H)"] == el.SALICYLIDENEANILINE
    scaffold = Chem.MolFromSmiles(el.SALICYLIDENEANILINE)
    canonical = set()
    for name, s in smiles.items():
        mol = Chem.MolFromSmiles(s)
        assert mol is not None, name
        assert mol.HasSubstructMatch(scaffold), name
        canonical.add(Chem.MolToSmiles(mol))
    assert len(canonical) == len(smiles)  # no derivative twice under two names


def test_ordered_null_keeps_every_pair_possible_and_is_centred_above_zero():
    rng = np.random.default_rng(0)
    lower = rng.lognormal(0, 0.5, 80)
    upper = lower * rng.uniform(1.0, 4.0, 80)  # upper tied to lower only through the bound
    res = el.ordered_permutation_test(lower, upper, n_permutations=499, random_state=1)
    assert res["null_median"] > 0.2  # the bound alone makes them rise together
    plain = el.permutation_test(lower, upper, n_permutations=499, random_state=1)
    assert abs(plain["null_median"]) < 0.05 and plain["p_value"] < 0.01
    assert 0 < res["acceptance"] < 1 and len(res["null"]) == 499


def test_ordered_null_still_finds_a_link_beyond_the_bound():
    rng = np.random.default_rng(2)
    base = rng.lognormal(0, 1.0, 80)
    lower, upper = base, base * rng.uniform(1.0, 1.5, 80)  # strongly linked, far beyond the bound
    res = el.ordered_permutation_test(lower, upper, n_permutations=499, random_state=3)
    assert res["statistic"] > res["null_high"] and res["p_value"] < 0.01


def test_ordered_null_refuses_an_impossible_pair():
    with pytest.raises(ValueError, match="pair 1 has lower 3.0 > upper 1.0"):
        el.ordered_permutation_test([1.0, 3.0, 2.0], [2.0, 1.0, 4.0], n_permutations=99)


def test_scale_removed_divides_every_modulus_of_a_plate_by_its_tensor():
    Cs = [np.diag([a, 2 * a, 3 * a, 0.4 * a, 0.5 * a, 0.6 * a]) for a in (1.0, 2.0, 3.0, 5.0, 8.0)]
    plates = el.plate_orientation_table(pd.DataFrame({"C_GPa": Cs}), n_random=3, random_state=0)
    scale = pd.Series([1.0, 2.0, 3.0, 5.0, 8.0])
    shaped = el.scale_removed(plates, scale)
    # scaled copies of one crystal: once the scale is removed, every plate of one orientation is the same plate
    for _, g in shaped[shaped.orientation.ne("random")].groupby("orientation"):
        assert np.allclose(g.E_thickness, g.E_thickness.iloc[0])
    with pytest.raises(ValueError, match="no value for tensors"):
        el.scale_removed(plates, scale.iloc[:2])
