"""Summaries of a crystal's stiffness: principal and extreme moduli, anisotropy, plates; and of many crystals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize

from mlcrystal.crystal.tensors import (
    PLANES,
    _as_directions,
    _youngs_from_compliance,
    directional_youngs_modulus,
    fibonacci_sphere,
    stiffness_problem,
    validate_stiffness,
    voigt_to_tensor,
)

__all__ = ["principal_moduli", "youngs_modulus_in_plane", "extreme_youngs_moduli", "anisotropy_ratio", "plane_basis",
           "plate_moduli", "voigt_reuss_moduli", "universal_anisotropy_index", "anisotropy_table",
           "agreement_by_compound"]

if TYPE_CHECKING:
    pass




# summaries of one crystal
# --------------------------------------------------------------------------

def principal_moduli(C: ArrayLike) -> np.ndarray:
    """Young's moduli along the x, y and z axes of the tensor's frame.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).

    Returns
    -------
    numpy.ndarray, shape (3,)
        ``[E_x, E_y, E_z] = 1 / [S11, S22, S33]``.

    Examples
    --------
    >>> C = np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0])
    >>> principal_moduli(C).round(6)
    array([10., 20., 30.])
    """
    return np.asarray(directional_youngs_modulus(C, np.eye(3)))


def youngs_modulus_in_plane(C: ArrayLike, plane: str | ArrayLike = "xy",
                            n_angles: int = 361) -> tuple[np.ndarray, np.ndarray]:
    """Young's modulus for directions sweeping a plane through the origin.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    plane : {"xy", "xz", "yz"} or (u, v)
        A named plane of :data:`~mlcrystal.crystal.tensors.PLANES`, or two orthogonal in-plane vectors
        (normalised here); directions are ``cos(a) u + sin(a) v``.
    n_angles : int, default 361
        Number of angles from 0 to 2 pi inclusive.

    Returns
    -------
    angles : numpy.ndarray, shape (n_angles,)
        In radians, measured from ``u`` towards ``v``.
    E : numpy.ndarray, shape (n_angles,)

    Examples
    --------
    >>> a, E = youngs_modulus_in_plane(np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0]), "xy", 5)
    >>> E.round(3)
    array([10., 20., 10., 20., 10.])
    """
    if isinstance(plane, str):
        if plane not in PLANES:
            raise ValueError(f"plane must be one of {sorted(PLANES)} or a pair of vectors; got {plane!r}.")
        u, v = PLANES[plane]
    else:
        pair, _ = _as_directions(plane)
        if len(pair) != 2:
            raise ValueError(f"plane must be one of {sorted(PLANES)} or a pair of in-plane vectors (u, v); "
                             f"got {len(pair)} vectors.")
        u, v = pair
        if abs(u @ v) > 1e-8:
            raise ValueError(f"the two in-plane vectors must be orthogonal; their cosine is {u @ v:.3g}.")
    if not (isinstance(n_angles, (int, np.integer)) and n_angles >= 2):
        raise ValueError(f"n_angles must be an integer >= 2; got {n_angles!r}.")
    a = np.linspace(0, 2 * np.pi, n_angles)
    dirs = np.cos(a)[:, None] * u + np.sin(a)[:, None] * v
    return a, np.asarray(directional_youngs_modulus(C, dirs))


def extreme_youngs_moduli(C: ArrayLike, n_points: int = 4000, refine: bool = True,
                          n_starts: int = 6) -> dict[str, Any]:
    """Softest and stiffest directions of a crystal.

    The sphere is sampled with a Fibonacci lattice; optionally the best
    samples of several distinct regions (at least 20 degrees apart, and
    within 5 % of the best sample) are polished with :func:`scipy.optimize.minimize` (Nelder-Mead in a local
    chart of the sphere), which is deterministic.  The best value found wins.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    n_points : int, default 4000
        Number of sampled directions.
    refine : bool, default True
        Polish the minimum and maximum with a local optimiser.
    n_starts : int, default 6
        Number of distinct starting directions polished for each extreme.

    Returns
    -------
    dict
        ``E_min``, ``E_max`` (floats) and ``direction_min``, ``direction_max``
        (unit vectors, shape (3,)).

    Examples
    --------
    >>> ext = extreme_youngs_moduli(np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0]))
    >>> round(ext["E_min"], 4), round(ext["E_max"], 4)
    (10.0, 30.0)
    """
    C = validate_stiffness(C)
    S = voigt_to_tensor(np.linalg.inv(C), kind="compliance").reshape(9, 9)
    P = fibonacci_sphere(n_points)
    E = _youngs_from_compliance(S, P)
    step = 2.0 * np.sqrt(4 * np.pi / n_points)  # a few lattice spacings
    out = {}
    for name, sign in (("min", 1.0), ("max", -1.0)):
        best = int(np.argmin(sign * E))
        d, e = P[best], float(E[best])
        if refine:
            for start in _distinct_starts(P, sign * E, n_starts):
                if abs(E[start] - e) > 0.05 * abs(e):  # polishing gains far less than 5 %
                    continue
                x, f = _polish(S, P[start], sign, step)
                if f < sign * e:
                    d, e = x, float(sign * f)
        out[f"E_{name}"] = e
        out[f"direction_{name}"] = d
    return out




def _distinct_starts(P: np.ndarray, f: np.ndarray, n_starts: int, min_angle_deg: float = 20.0) -> list[int]:
    """Indices of the lowest values of f whose directions differ by > min_angle (n and -n alike)."""
    cos_max = np.cos(np.radians(min_angle_deg))
    picked: list[int] = []
    for i in np.argsort(f, kind="stable"):
        if all(abs(P[i] @ P[j]) < cos_max for j in picked):
            picked.append(int(i))
            if len(picked) == n_starts:
                break
    return picked


def _polish(S99: np.ndarray, d: np.ndarray, sign: float, step: float) -> tuple[np.ndarray, float]:
    """Nelder-Mead on a local chart d(u, v) = normalise(d + u e1 + v e2) (no pole singularity)."""
    e1 = np.cross(d, [1.0, 0.0, 0.0] if abs(d[0]) < 0.9 else [0.0, 1.0, 0.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(d, e1)

    def unit(x):
        v = d + x[0] * e1 + x[1] * e2
        return v / np.linalg.norm(v)

    res = optimize.minimize(lambda x: sign * _youngs_from_compliance(S99, unit(x)[None, :])[0], [0.0, 0.0],
                            method="Nelder-Mead",
                            options={"xatol": 1e-7, "fatol": 1e-10, "maxiter": 2000,
                                     "initial_simplex": [[0, 0], [step, 0], [0, step]]})
    return unit(res.x), float(res.fun)


def anisotropy_ratio(C: ArrayLike, n_points: int = 4000, refine: bool = True) -> float:
    """Ratio of the largest to the smallest Young's modulus over all directions.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    n_points : int, default 4000
        Sampled directions (Fibonacci sphere).
    refine : bool, default True
        Polish the extremes with :func:`scipy.optimize.minimize`.

    Returns
    -------
    float
        ``E_max / E_min`` (1 for an isotropic solid).

    Examples
    --------
    >>> from mlcrystal.crystal.tensors import isotropic_stiffness
    >>> round(anisotropy_ratio(isotropic_stiffness(5.0, 0.3)), 6)
    1.0
    """
    ext = extreme_youngs_moduli(C, n_points=n_points, refine=refine)
    return ext["E_max"] / ext["E_min"]


def plane_basis(normal: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Two orthonormal vectors spanning the plane perpendicular to ``normal``.

    Parameters
    ----------
    normal : array-like, shape (3,)
        Plane normal (normalised here).

    Returns
    -------
    (u, v) : tuple of numpy.ndarray
        ``u``, ``v`` and ``normal / |normal|`` form a right-handed orthonormal basis.

    Examples
    --------
    >>> u, v = plane_basis([0, 0, 2])
    >>> bool(np.allclose(np.cross(u, v), [0, 0, 1]))
    True
    """
    d, single = _as_directions(normal)
    if not single:
        raise ValueError(f"normal must be one 3-vector; got shape {np.shape(normal)}.")
    n = d[0]
    u = np.cross(n, [1.0, 0.0, 0.0] if abs(n[0]) < 0.9 else [0.0, 1.0, 0.0])
    u /= np.linalg.norm(u)
    return u, np.cross(n, u)


def plate_moduli(C: ArrayLike, thickness_direction: ArrayLike | None = None,
                 n_angles: int = 361) -> dict[str, Any]:
    """Young's moduli of a plate: through its thickness and along its plane.

    A plate crystal bent along its length is loaded along a direction in the
    plate's plane; an indenter pressed on its face loads it through the
    thickness.  This function gives E through the thickness and the range of
    E over all in-plane (possible length) directions.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    thickness_direction : array-like, shape (3,), optional
        Plate normal.  Default: the crystal's stiffest direction (from
        :func:`extreme_youngs_moduli`), i.e. a plate that is as stiff as it
        can be through its thickness.
    n_angles : int, default 361
        In-plane directions sampled.

    Returns
    -------
    dict
        ``E_thickness``, ``E_length_min``, ``E_length_mean`` (mean over the
        in-plane directions), ``E_length_max`` (unit of ``C``) and
        ``thickness_direction`` (unit vector).

    Examples
    --------
    >>> m = plate_moduli(np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0]))
    >>> round(m["E_thickness"], 3), round(m["E_length_min"], 3), round(m["E_length_max"], 3)
    (30.0, 10.0, 20.0)
    """
    if thickness_direction is None:
        thickness_direction = extreme_youngs_moduli(C)["direction_max"]
    u, v = plane_basis(thickness_direction)  # validates: one non-zero 3-vector
    n = np.cross(u, v)
    _, E = youngs_modulus_in_plane(C, (u, v), n_angles)
    return {"E_thickness": directional_youngs_modulus(C, n), "E_length_min": float(E.min()),
            "E_length_mean": float(E[:-1].mean()),  # the last angle repeats the first
            "E_length_max": float(E.max()), "thickness_direction": n}


def voigt_reuss_moduli(C: ArrayLike) -> dict[str, float]:
    """Voigt and Reuss bounds of the bulk and shear moduli, and Hill averages.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).

    Returns
    -------
    dict
        ``K_V, G_V`` (uniform strain), ``K_R, G_R`` (uniform stress),
        ``K_H, G_H`` (their means) and ``E_H = 9 K_H G_H / (3 K_H + G_H)``,
        the Hill estimate of the Young's modulus of a fine-grained,
        randomly oriented polycrystal.

    Examples
    --------
    >>> from mlcrystal.crystal.tensors import isotropic_stiffness
    >>> m = voigt_reuss_moduli(isotropic_stiffness(10.0, 0.25))
    >>> round(m["K_V"], 6), round(m["G_R"], 6), round(m["E_H"], 6)
    (6.666667, 4.0, 10.0)
    """
    C = validate_stiffness(C)
    S = np.linalg.inv(C)
    a = np.trace(C[:3, :3])
    b = C[1, 2] + C[0, 2] + C[0, 1]
    c = np.trace(C[3:, 3:])
    KV = (a + 2 * b) / 9
    GV = (a - b + 3 * c) / 15
    sa = np.trace(S[:3, :3])
    sb = S[1, 2] + S[0, 2] + S[0, 1]
    sc = np.trace(S[3:, 3:])
    KR = 1 / (sa + 2 * sb)
    GR = 15 / (4 * sa - 4 * sb + 3 * sc)
    KH, GH = (KV + KR) / 2, (GV + GR) / 2
    return {"K_V": float(KV), "G_V": float(GV), "K_R": float(KR), "G_R": float(GR),
            "K_H": float(KH), "G_H": float(GH), "E_H": float(9 * KH * GH / (3 * KH + GH))}


def universal_anisotropy_index(C: ArrayLike) -> float:
    """Universal elastic anisotropy index of Ranganathan and Ostoja-Starzewski (2008).

    .. math:: A^U = 5 G_V / G_R + K_V / K_R - 6 \\ge 0

    It is zero only for a locally isotropic crystal and, unlike E_max/E_min,
    accounts for the bulk and shear response in all directions at once.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).

    Returns
    -------
    float

    Examples
    --------
    >>> from mlcrystal.crystal.tensors import isotropic_stiffness
    >>> round(universal_anisotropy_index(isotropic_stiffness(10.0, 0.3)), 12)
    0.0
    """
    m = voigt_reuss_moduli(C)
    return 5 * m["G_V"] / m["G_R"] + m["K_V"] / m["K_R"] - 6


# --------------------------------------------------------------------------
# many crystals
# --------------------------------------------------------------------------

def anisotropy_table(tensors: pd.DataFrame, n_points: int = 4000, refine: bool = True) -> pd.DataFrame:
    """Directional moduli and anisotropy of every tensor in a table.

    Tensors that fail :func:`~mlcrystal.crystal.tensors.validate_stiffness` are kept, flagged and given
    NaN results, so they can be listed and excluded from statistics.

    Parameters
    ----------
    tensors : pandas.DataFrame
        A table with a ``C_GPa`` column of 6x6 matrices, as returned by
        :func:`mlcrystal.datasets.load_stiffness_tensors`; other columns are
        carried over.
    n_points : int, default 4000
        Sampled directions per crystal, see :func:`extreme_youngs_moduli`.
    refine : bool, default True
        Polish the extremes with a local optimiser.

    Returns
    -------
    pandas.DataFrame
        The input columns without ``C_GPa``, plus ``valid`` (bool),
        ``problem`` (why a tensor was refused, else ``""``), ``E_x, E_y,
        E_z`` (principal moduli), ``E_min, E_max``, ``anisotropy_ratio``
        (E_max / E_min), ``A_U`` (universal anisotropy index) and ``E_hill``.

    Examples
    --------
    >>> from mlcrystal.crystal.tensors import isotropic_stiffness
    >>> t = pd.DataFrame({"compound": ["iso", "broken"],
    ...                   "C_GPa": [isotropic_stiffness(8.0, 0.3), -np.eye(6)]})
    >>> out = anisotropy_table(t, n_points=200)
    >>> out[["compound", "valid", "anisotropy_ratio"]].round(6)
      compound  valid  anisotropy_ratio
    0      iso   True               1.0
    1   broken  False               NaN
    """
    if not isinstance(tensors, pd.DataFrame) or "C_GPa" not in tensors.columns:
        raise ValueError("tensors must be a pandas DataFrame with a 'C_GPa' column of 6x6 matrices "
                         "(see mlcrystal.datasets.load_stiffness_tensors); got "
                         + (f"columns {list(tensors.columns)}." if isinstance(tensors, pd.DataFrame)
                            else f"{type(tensors).__name__}."))
    cols = ["E_x", "E_y", "E_z", "E_min", "E_max", "anisotropy_ratio", "A_U", "E_hill"]
    rows = []
    for C in tensors["C_GPa"]:
        problem = stiffness_problem(C)
        row = dict.fromkeys(cols, np.nan)
        if not problem:
            ex, ey, ez = principal_moduli(C)
            ext = extreme_youngs_moduli(C, n_points=n_points, refine=refine)
            row.update(E_x=ex, E_y=ey, E_z=ez, E_min=ext["E_min"], E_max=ext["E_max"],
                       anisotropy_ratio=ext["E_max"] / ext["E_min"],
                       A_U=universal_anisotropy_index(C), E_hill=voigt_reuss_moduli(C)["E_H"])
        rows.append({"valid": not problem, "problem": problem, **row})
    res = pd.DataFrame(rows, index=tensors.index, columns=["valid", "problem", *cols])
    return pd.concat([tensors.drop(columns="C_GPa"), res], axis=1)


def agreement_by_compound(table: pd.DataFrame, min_rows: int = 2) -> pd.DataFrame:
    """How well repeated tensors of the same compound agree.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`anisotropy_table` (columns ``compound``, ``valid``,
        ``E_hill``, ``anisotropy_ratio``); refused rows are ignored.
    min_rows : int, default 2
        Only compounds with at least this many valid rows are listed.

    Returns
    -------
    pandas.DataFrame
        Indexed by compound: ``n``, ``E_hill_min``, ``E_hill_max``,
        ``E_hill_spread`` (max/min), ``anisotropy_ratio_min``,
        ``anisotropy_ratio_max`` and ``anisotropy_ratio_spread`` (max/min),
        sorted by ``E_hill_spread``.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["a", "a", "b"], "valid": [True, True, True],
    ...                   "E_hill": [4.0, 5.0, 3.0], "anisotropy_ratio": [2.0, 3.0, 1.5]})
    >>> agreement_by_compound(t)[["n", "E_hill_spread", "anisotropy_ratio_spread"]].reset_index()
      compound  n  E_hill_spread  anisotropy_ratio_spread
    0        a  2           1.25                      1.5
    """
    needed = {"compound", "valid", "E_hill", "anisotropy_ratio"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns):
        raise ValueError(f"table must be the output of anisotropy_table() with columns {sorted(needed)}; got "
                         + (f"columns {list(table.columns)}." if isinstance(table, pd.DataFrame)
                            else f"{type(table).__name__}."))
    if not isinstance(min_rows, (int, np.integer)) or min_rows < 1:
        raise ValueError(f"min_rows must be a positive integer; got {min_rows!r}.")
    g = table[table["valid"]].groupby("compound").agg(
        n=("E_hill", "size"), E_hill_min=("E_hill", "min"), E_hill_max=("E_hill", "max"),
        anisotropy_ratio_min=("anisotropy_ratio", "min"), anisotropy_ratio_max=("anisotropy_ratio", "max"))
    g = g[g.n >= min_rows].copy()
    g.insert(3, "E_hill_spread", g.E_hill_max / g.E_hill_min)
    g["anisotropy_ratio_spread"] = g.anisotropy_ratio_max / g.anisotropy_ratio_min
    return g.sort_values("E_hill_spread", kind="stable")


# --------------------------------------------------------------------------
