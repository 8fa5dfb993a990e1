"""Directional Young's modulus and elastic anisotropy of crystals.

A crystal's stiffness is a fourth-rank tensor :math:`C_{ijkl}`, usually
written as a symmetric 6x6 matrix in Voigt notation (index pairs
11, 22, 33, 23, 13, 12 -> 1..6).  The Young's modulus along a unit vector
:math:`n` follows from the compliance tensor :math:`S = C^{-1}`
(Nye 1985):

.. math:: 1 / E(n) = n_i n_j n_k n_l S_{ijkl}.

This module validates stiffness matrices, converts them to and from the
fourth-rank form, rotates them, evaluates :math:`E(n)` for one or many
directions, finds the stiffest and softest directions of a crystal, and
computes the universal anisotropy index of Ranganathan and
Ostoja-Starzewski (2008).  :func:`study_compounds` tabulates the bending
moduli the study measured on its designed crystals (the values themselves
live in :mod:`mlcrystal.study`).

All moduli are in the unit of the input matrix (GPa for the data sets of
this book).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any, cast

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colormaps, colors
from numpy.typing import ArrayLike
from scipy import optimize, stats

from mlcrystal.seeding import RandomState, check_random_state, spawn
from mlcrystal.study import BENDING_MODULI_GPA, NANOINDENTATION_GROUPS

if TYPE_CHECKING:
    from matplotlib.projections.polar import PolarAxes
    from mpl_toolkits.mplot3d.axes3d import Axes3D


def study_compounds() -> pd.DataFrame:
    """The study's ten designed compounds: group and published bending modulus.

    Returns
    -------
    pandas.DataFrame
        One row per compound 1-10: ``compound``, ``group`` (see
        :data:`mlcrystal.study.NANOINDENTATION_GROUPS`), ``halogenated`` (bool) and
        ``E_bending_GPa`` (:data:`mlcrystal.study.BENDING_MODULI_GPA`; NaN for
        compound 6, which has no published value).

    Examples
    --------
    >>> t = study_compounds()
    >>> t.shape
    (10, 4)
    >>> t.groupby("group").E_bending_GPa.count().tolist()
    [3, 2, 4]
    """
    numbers = sorted(NANOINDENTATION_GROUPS)
    return pd.DataFrame({
        "compound": numbers,
        "group": [NANOINDENTATION_GROUPS[k] for k in numbers],
        "halogenated": [k >= 7 for k in numbers],
        "E_bending_GPa": [BENDING_MODULI_GPA.get(k, np.nan) for k in numbers],
    })


#: Voigt index of each pair of Cartesian indices (0-based): 11->0, 22->1,
#: 33->2, 23->3, 13->4, 12->5.
VOIGT_INDEX = np.array([[0, 5, 4],
                        [5, 1, 3],
                        [4, 3, 2]])

#: Named planes for :func:`youngs_modulus_in_plane`: two orthonormal in-plane
#: axes each; the angle is measured from the first one towards the second.
PLANES = {
    "xy": (np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])),
    "xz": (np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0])),
    "yz": (np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0])),
}


# --------------------------------------------------------------------------
# validation and conversions
# --------------------------------------------------------------------------

def validate_stiffness(C: ArrayLike, *, rtol: float = 1e-4) -> np.ndarray:
    """Check that a 6x6 Voigt stiffness matrix is physically admissible.

    A stiffness matrix must be symmetric (elastic energy exists) and
    positive definite (every deformation costs energy, i.e. the crystal is
    mechanically stable).

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Stiffness matrix in Voigt notation.
    rtol : float, default 1e-4
        Symmetry tolerance, relative to the largest absolute entry:
        ``|C_ij - C_ji| <= rtol * max|C|``.

    Returns
    -------
    numpy.ndarray, shape (6, 6)
        The matrix as floats, symmetrised as ``(C + C.T) / 2``.

    Raises
    ------
    ValueError
        If the shape is not (6, 6), an entry is not finite, the matrix is
        not symmetric within ``rtol``, or it is not positive definite.

    Examples
    --------
    >>> C = validate_stiffness(isotropic_stiffness(10.0, 0.3))
    >>> C.shape
    (6, 6)
    >>> bad = isotropic_stiffness(10.0, 0.3)
    >>> bad[3, 3] = -1.0
    >>> validate_stiffness(bad)
    Traceback (most recent call last):
    ...
    ValueError: stiffness matrix is not positive definite: smallest eigenvalue -1 (expected > 0). ...
    """
    try:
        M = np.asarray(C, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"stiffness matrix must be a 6x6 array of numbers; got {type(C).__name__} "
                         f"that cannot be converted to floats ({err}).") from err
    if M.shape != (6, 6):
        raise ValueError(f"stiffness matrix must have shape (6, 6) (Voigt notation); got shape {M.shape}. "
                         "Pass the 6x6 matrix C_IJ with I, J = 1..6.")
    if not np.all(np.isfinite(M)):
        raise ValueError("stiffness matrix contains NaN or infinite entries; every C_IJ must be a finite number.")
    if not rtol >= 0:
        raise ValueError(f"rtol must be a non-negative number; got {rtol!r}.")
    scale = np.abs(M).max()
    asym = np.abs(M - M.T).max()
    if asym > rtol * scale:
        i, j = np.unravel_index(np.argmax(np.abs(M - M.T)), M.shape)
        raise ValueError(
            f"stiffness matrix is not symmetric: C{i + 1}{j + 1} = {M[i, j]:g} but C{j + 1}{i + 1} = {M[j, i]:g} "
            f"(largest asymmetry {asym:g}, allowed {rtol * scale:g} = rtol x max|C|). "
            "Check for a transcription error, or raise rtol if the values are rounded.")
    M = (M + M.T) / 2
    smallest = np.linalg.eigvalsh(M).min()
    if not smallest > 0:
        raise ValueError(
            f"stiffness matrix is not positive definite: smallest eigenvalue {smallest:.4g} (expected > 0). "
            "Such a crystal would be mechanically unstable; the tensor is probably mis-transcribed "
            "(sign, unit or index order) and cannot be used.")
    return M


def stiffness_problem(C: ArrayLike, *, rtol: float = 1e-4) -> str:
    """Return why a stiffness matrix is refused, or ``""`` if it is valid.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Stiffness matrix in Voigt notation.
    rtol : float, default 1e-4
        Symmetry tolerance, see :func:`validate_stiffness`.

    Returns
    -------
    str
        The :class:`ValueError` message of :func:`validate_stiffness`, or an
        empty string.

    Examples
    --------
    >>> stiffness_problem(isotropic_stiffness(10.0, 0.3))
    ''
    >>> stiffness_problem(np.zeros((6, 6)))[:38]
    'stiffness matrix is not positive defin'
    """
    try:
        validate_stiffness(C, rtol=rtol)
    except ValueError as err:
        return str(err)
    return ""


def isotropic_stiffness(E: float, nu: float) -> np.ndarray:
    """Voigt stiffness matrix of an isotropic solid.

    Parameters
    ----------
    E : float
        Young's modulus (> 0).
    nu : float
        Poisson's ratio, in (-1, 0.5).

    Returns
    -------
    numpy.ndarray, shape (6, 6)
        ``C11 = lambda + 2 mu``, ``C12 = lambda``, ``C44 = mu`` with the Lame
        constants ``lambda = E nu / ((1 + nu)(1 - 2 nu))``, ``mu = E / (2 (1 + nu))``.

    Examples
    --------
    >>> C = isotropic_stiffness(200.0, 0.25)
    >>> float(C[0, 0]), float(C[0, 1]), float(C[3, 3])
    (240.0, 80.0, 80.0)
    """
    e, v = _real(E), _real(nu)
    if not (np.isfinite(e) and e > 0):
        raise ValueError(f"E must be a positive finite number; got {E!r}.")
    if not -1 < v < 0.5:
        raise ValueError(f"nu must lie in (-1, 0.5) for a stable isotropic solid; got {nu!r}.")
    lam = e * v / ((1 + v) * (1 - 2 * v))
    mu = e / (2 * (1 + v))
    C = np.zeros((6, 6))
    C[:3, :3] = lam
    C[np.arange(3), np.arange(3)] = lam + 2 * mu
    C[np.arange(3, 6), np.arange(3, 6)] = mu
    return C


def _real(x: object) -> float:
    """``float(x)`` for a real number (not a bool), else NaN (refused by the callers' checks)."""
    if isinstance(x, Real) and not isinstance(x, bool | np.bool_):
        return float(x)
    return float("nan")


def _voigt_factors(kind: str) -> np.ndarray:
    """Factor w_IJ with T_ijkl = M_IJ / w_IJ for stiffness (1) or compliance (1, 2, 4)."""
    if kind == "stiffness":
        return np.ones((6, 6))
    if kind == "compliance":
        n = np.where(np.arange(6) < 3, 1.0, 2.0)
        return np.outer(n, n)
    raise ValueError(f"kind must be 'stiffness' or 'compliance'; got {kind!r}.")


def voigt_to_tensor(M: ArrayLike, kind: str = "stiffness") -> np.ndarray:
    """Expand a 6x6 Voigt matrix into the 3x3x3x3 tensor.

    For a stiffness matrix ``C_ijkl = C_IJ``.  For a compliance matrix the
    shear terms carry Voigt factors: ``S_ijkl = S_IJ`` when I, J <= 3,
    ``S_IJ / 2`` when exactly one of them is > 3 and ``S_IJ / 4`` when both
    are, because Voigt compliance uses engineering shear strains.

    Parameters
    ----------
    M : array-like, shape (6, 6)
        Voigt matrix.
    kind : {"stiffness", "compliance"}, default "stiffness"

    Returns
    -------
    numpy.ndarray, shape (3, 3, 3, 3)

    Examples
    --------
    >>> S = np.eye(6)
    >>> T = voigt_to_tensor(S, kind="compliance")
    >>> float(T[0, 0, 0, 0]), float(T[1, 2, 1, 2]), float(T[1, 2, 2, 1])
    (1.0, 0.25, 0.25)
    """
    M = np.asarray(M, dtype=float)
    if M.shape != (6, 6):
        raise ValueError(f"Voigt matrix must have shape (6, 6); got {M.shape}.")
    W = M / _voigt_factors(kind)
    return W[VOIGT_INDEX[:, :, None, None], VOIGT_INDEX[None, None, :, :]]


def tensor_to_voigt(T: ArrayLike, kind: str = "stiffness") -> np.ndarray:
    """Contract a 3x3x3x3 tensor with minor symmetries into its 6x6 Voigt matrix.

    The inverse of :func:`voigt_to_tensor`.

    Parameters
    ----------
    T : array-like, shape (3, 3, 3, 3)
    kind : {"stiffness", "compliance"}, default "stiffness"

    Returns
    -------
    numpy.ndarray, shape (6, 6)

    Examples
    --------
    >>> C = isotropic_stiffness(10.0, 0.2)
    >>> bool(np.allclose(tensor_to_voigt(voigt_to_tensor(C)), C))
    True
    """
    T = np.asarray(T, dtype=float)
    if T.shape != (3, 3, 3, 3):
        raise ValueError(f"tensor must have shape (3, 3, 3, 3); got {T.shape}.")
    pairs = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]
    M = np.array([[T[i, j, k, m] for (k, m) in pairs] for (i, j) in pairs])
    return M * _voigt_factors(kind)


def compliance_tensor(C: ArrayLike) -> np.ndarray:
    """The fourth-rank compliance tensor S_ijkl of a Voigt stiffness matrix.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Stiffness matrix (validated with :func:`validate_stiffness`).

    Returns
    -------
    numpy.ndarray, shape (3, 3, 3, 3)
        ``S = C^-1`` expanded with the compliance Voigt factors (1, 2, 4).

    Examples
    --------
    >>> S = compliance_tensor(isotropic_stiffness(10.0, 0.25))
    >>> round(1 / float(S[0, 0, 0, 0]), 6)
    10.0
    """
    C = validate_stiffness(C)
    return voigt_to_tensor(np.linalg.inv(C), kind="compliance")


def _as_directions(direction: ArrayLike) -> tuple[np.ndarray, bool]:
    try:
        d = np.asarray(direction, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"direction must be a 3-vector or an (n, 3) array of numbers; got {direction!r}.") from err
    single = d.ndim == 1
    if d.ndim not in (1, 2) or d.shape[-1] != 3:
        raise ValueError(f"direction must have shape (3,) or (n, 3); got shape {d.shape}. "
                         "Stack several directions as rows.")
    d = np.atleast_2d(d)
    if not np.all(np.isfinite(d)):
        raise ValueError("direction contains NaN or infinite components.")
    norms = np.linalg.norm(d, axis=1)
    if np.any(norms == 0):
        raise ValueError(f"direction {d[np.argmax(norms == 0)].tolist()} has zero length; "
                         "a direction needs at least one non-zero component.")
    return d / norms[:, None], single


def directional_youngs_modulus(C: ArrayLike, direction: ArrayLike) -> float | np.ndarray:
    """Young's modulus along one or many directions.

    .. math:: 1 / E(n) = n_i n_j n_k n_l S_{ijkl},\\qquad S = C^{-1}

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    direction : array-like, shape (3,) or (n, 3)
        Direction(s) in the Cartesian frame of ``C``; they need not be unit
        vectors (each is normalised).

    Returns
    -------
    float or numpy.ndarray of shape (n,)
        Young's modulus, in the unit of ``C``.

    Examples
    --------
    >>> C = isotropic_stiffness(10.0, 0.3)
    >>> round(directional_youngs_modulus(C, [1, 1, 0]), 6)
    10.0
    >>> directional_youngs_modulus(C, [[1, 0, 0], [0, 0, 2]]).round(6)
    array([10., 10.])
    """
    n, single = _as_directions(direction)
    E = _youngs_along(C, n)
    return float(E[0]) if single else E


def _youngs_along(C: ArrayLike, n: np.ndarray) -> np.ndarray:
    """E along the unit vectors n (rows), always as an array."""
    return _youngs_from_compliance(compliance_tensor(C).reshape(9, 9), n)


def direction_from_angles(theta_deg: ArrayLike, phi_deg: ArrayLike) -> np.ndarray:
    """Unit vector(s) from a polar angle (from +z) and an azimuth (from +x, towards +y).

    Parameters
    ----------
    theta_deg, phi_deg : float or array-like
        Angles in degrees; arrays are broadcast together.

    Returns
    -------
    numpy.ndarray, shape (3,) or (..., 3)

    Examples
    --------
    >>> direction_from_angles(90, 0).round(12)
    array([1., 0., 0.])
    >>> direction_from_angles(0, 45).round(12)
    array([0., 0., 1.])
    """
    t = np.radians(np.asarray(theta_deg, dtype=float))
    p = np.radians(np.asarray(phi_deg, dtype=float))
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(p))):
        raise ValueError(f"angles must be finite numbers (degrees); got theta={theta_deg!r}, phi={phi_deg!r}.")
    t, p = np.broadcast_arrays(t, p)
    return np.stack([np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)], axis=-1)


def fibonacci_sphere(n_points: int) -> np.ndarray:
    """Nearly uniform unit vectors on the sphere (Fibonacci lattice).

    Parameters
    ----------
    n_points : int
        Number of points (>= 1).

    Returns
    -------
    numpy.ndarray, shape (n_points, 3)

    Examples
    --------
    >>> P = fibonacci_sphere(500)
    >>> P.shape, bool(np.allclose(np.linalg.norm(P, axis=1), 1))
    ((500, 3), True)
    """
    if not (isinstance(n_points, (int, np.integer)) and n_points >= 1):
        raise ValueError(f"n_points must be a positive integer; got {n_points!r}.")
    i = np.arange(n_points) + 0.5
    z = 1 - 2 * i / n_points
    r = np.sqrt(1 - z ** 2)
    phi = np.pi * (1 + 5 ** 0.5) * i
    return np.column_stack([r * np.cos(phi), r * np.sin(phi), z])


def rotate_stiffness(C: ArrayLike, R: ArrayLike) -> np.ndarray:
    """Express a stiffness matrix in a rotated frame.

    ``C'_ijkl = R_ia R_jb R_kc R_ld C_abcd``: if a direction ``n`` becomes
    ``R n``, then ``E'(R n) = E(n)``.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    R : array-like, shape (3, 3)
        Orthogonal matrix (``R R^T = I`` within 1e-8).

    Returns
    -------
    numpy.ndarray, shape (6, 6)

    Examples
    --------
    >>> C = np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0])
    >>> Rz = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])  # 90 deg about z
    >>> np.diag(rotate_stiffness(C, Rz)).round(6)
    array([20., 10., 30.,  5.,  4.,  6.])
    """
    C = validate_stiffness(C)
    R = np.asarray(R, dtype=float)
    if R.shape != (3, 3):
        raise ValueError(f"R must be a 3x3 rotation matrix; got shape {R.shape}.")
    if not np.allclose(R @ R.T, np.eye(3), atol=1e-8):
        raise ValueError("R is not orthogonal (R @ R.T differs from the identity by "
                         f"{np.abs(R @ R.T - np.eye(3)).max():.3g}); pass a rotation matrix, "
                         "e.g. from scipy.spatial.transform.Rotation.as_matrix().")
    T = voigt_to_tensor(C)
    Tr = np.einsum("ia,jb,kc,ld,abcd->ijkl", R, R, R, R, T, optimize=True)
    return tensor_to_voigt(Tr)


# --------------------------------------------------------------------------
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
        A named plane of :data:`PLANES`, or two orthogonal in-plane vectors
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


def _youngs_from_compliance(S99: np.ndarray, n: np.ndarray) -> np.ndarray:
    """E for unit vectors n (rows) from the 9x9-reshaped compliance tensor."""
    nn = np.einsum("ni,nj->nij", n, n).reshape(-1, 9)
    return 1.0 / np.einsum("na,ab,nb->n", nn, S99, nn)


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

    Tensors that fail :func:`validate_stiffness` are kept, flagged and given
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
# plates in stated orientations
# --------------------------------------------------------------------------

#: Orientations of a plate's thickness that :func:`plate_orientations` knows:
#: along the crystal's stiffest direction, along its softest, or uniformly at random.
PLATE_ORIENTATIONS = ("stiffest", "softest", "random")


def plate_orientations(C: ArrayLike, n_random: int = 0, random_state: RandomState = None,
                       n_angles: int = 181) -> pd.DataFrame:
    """Plate moduli with the thickness along the stiffest, the softest and random directions.

    Which crystal direction runs through a plate's thickness is set by how
    the crystal grew (its habit), which a stiffness tensor does not say.
    This function makes the orientation an explicit assumption and shows
    the plate under each: thickness along the stiffest direction, along the
    softest direction, and along ``n_random`` directions drawn uniformly on
    the sphere (the neutral reference).

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    n_random : int, default 0
        Number of random thickness directions (>= 0).
    random_state : None, int or numpy.random.Generator
        Seed of the random directions (see :mod:`mlcrystal.seeding`).
    n_angles : int, default 181
        In-plane directions sampled per plate (see :func:`plate_moduli`).

    Returns
    -------
    pandas.DataFrame
        One row per plate: ``orientation`` (``"stiffest"``, ``"softest"``
        or ``"random"``), ``draw`` (0 for the fixed orientations, 0 to
        ``n_random - 1`` for the random ones), ``E_thickness``,
        ``E_length_min``, ``E_length_mean``, ``E_length_max`` and the
        ratios ``length_min_over_thickness``, ``length_mean_over_thickness``,
        ``length_max_over_thickness``.

    Examples
    --------
    >>> C = np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0])
    >>> t = plate_orientations(C, n_random=2, random_state=0)
    >>> t[["orientation", "draw", "E_thickness", "length_max_over_thickness"]].head(2).round(3)
      orientation  draw  E_thickness  length_max_over_thickness
    0    stiffest     0         30.0                      0.667
    1     softest     0         10.0                      3.000
    >>> bool(t.E_thickness.round(6).between(10.0, 30.0).all()), t.orientation.tolist()[2:]
    (True, ['random', 'random'])
    """
    C = validate_stiffness(C)
    if not (isinstance(n_random, (int, np.integer)) and not isinstance(n_random, bool) and n_random >= 0):
        raise ValueError(f"n_random must be a non-negative integer; got {n_random!r}.")
    rng = check_random_state(random_state)
    ext = extreme_youngs_moduli(C)
    plates: list[tuple[str, int, np.ndarray]] = [("stiffest", 0, ext["direction_max"]),
                                                 ("softest", 0, ext["direction_min"])]
    # an isotropic Gaussian vector points uniformly on the sphere; redraw the (measure-zero) zero vector
    for k in range(int(n_random)):
        d = rng.normal(size=3)
        while not np.linalg.norm(d) > 1e-12:
            d = rng.normal(size=3)
        plates.append(("random", k, d))
    rows = []
    for orientation, draw, d in plates:
        m = plate_moduli(C, d, n_angles=n_angles)
        rows.append({"orientation": orientation, "draw": draw, "E_thickness": m["E_thickness"],
                     "E_length_min": m["E_length_min"], "E_length_mean": m["E_length_mean"],
                     "E_length_max": m["E_length_max"]})
    out = pd.DataFrame(rows)
    for part in ("min", "mean", "max"):
        out[f"length_{part}_over_thickness"] = out[f"E_length_{part}"] / out["E_thickness"]
    return out


def plate_orientation_table(tensors: pd.DataFrame, n_random: int = 20, random_state: RandomState = None,
                            n_angles: int = 181) -> pd.DataFrame:
    """:func:`plate_orientations` for every tensor of a table.

    Parameters
    ----------
    tensors : pandas.DataFrame
        A table with a ``C_GPa`` column of valid 6x6 matrices (filter
        refused ones first, e.g. with :func:`stiffness_problem`); other
        columns (``compound``, ``source``...) are carried over.
    n_random : int, default 20
        Random thickness directions per tensor.
    random_state : None, int or numpy.random.Generator
        Seed; every tensor draws from its own child stream
        (:func:`mlcrystal.seeding.spawn`), in the order of the rows.
    n_angles : int, default 181
        In-plane directions per plate.

    Returns
    -------
    pandas.DataFrame
        The long table of :func:`plate_orientations` with a ``tensor``
        column (the row label in ``tensors``) and the carried columns.

    Raises
    ------
    ValueError
        If ``C_GPa`` is missing or a tensor is refused by
        :func:`validate_stiffness` (the message names its row).

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["iso"], "C_GPa": [isotropic_stiffness(8.0, 0.3)]})
    >>> p = plate_orientation_table(t, n_random=3, random_state=0)
    >>> len(p), sorted(set(p.orientation)), bool(np.allclose(p.length_mean_over_thickness, 1.0))
    (5, ['random', 'softest', 'stiffest'], True)
    """
    _require_tensor_column(tensors)
    streams = spawn(random_state, len(tensors))
    parts = []
    carried = tensors.drop(columns="C_GPa")
    for (label, C), rng in zip(tensors["C_GPa"].items(), streams, strict=True):
        problem = stiffness_problem(C)
        if problem:
            raise ValueError(f"tensor in row {label!r} is refused: {problem} Drop refused rows first, e.g. "
                             "tensors[tensors.C_GPa.map(stiffness_problem).eq('')].")
        p = plate_orientations(C, n_random=n_random, random_state=rng, n_angles=n_angles)
        p.insert(0, "tensor", label)
        for col in carried.columns:
            p.insert(1 + carried.columns.get_loc(col), col, carried.at[label, col])
        parts.append(p)
    return pd.concat(parts, ignore_index=True)


def summarise_plate_orientations(plates: pd.DataFrame, band: tuple[float, float] = (0.05, 0.95)) -> pd.DataFrame:
    """Median in-plane/thickness ratios per orientation, with the spread over random draws.

    Parameters
    ----------
    plates : pandas.DataFrame
        Output of :func:`plate_orientation_table`.
    band : (float, float), default (0.05, 0.95)
        Quantiles of the per-draw medians reported for the random
        orientation (the fixed orientations have a single draw).

    Returns
    -------
    pandas.DataFrame
        Indexed by orientation (stiffest, random, softest): ``n_tensors``,
        ``n_draws`` and, for each of ``min``, ``mean`` and ``max`` (the
        softest, average and stiffest in-plane direction), the median ratio
        over tensors ``median_<part>`` with its band over draws
        ``median_<part>_low`` / ``_high`` (NaN for a single draw), and
        ``share_thickness_stiffer``: the share of plates whose thickness is
        stiffer than their in-plane average.

    Examples
    --------
    >>> C = np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0])
    >>> p = plate_orientation_table(pd.DataFrame({"C_GPa": [C]}), n_random=4, random_state=0)
    >>> s = summarise_plate_orientations(p)
    >>> s.loc[["stiffest", "softest"], "median_max"].round(3).tolist()
    [0.667, 3.0]
    >>> s.share_thickness_stiffer.round(3).to_dict()
    {'stiffest': 1.0, 'random': 0.25, 'softest': 0.0}
    """
    needed = {"tensor", "orientation", "draw", "E_thickness", "E_length_mean",
              "length_min_over_thickness", "length_mean_over_thickness", "length_max_over_thickness"}
    if not isinstance(plates, pd.DataFrame) or not needed <= set(plates.columns):
        raise ValueError(f"plates must be the output of plate_orientation_table() with columns {sorted(needed)}; "
                         "got " + (f"columns {list(plates.columns)}." if isinstance(plates, pd.DataFrame)
                                   else f"{type(plates).__name__}."))
    lo, hi = _check_band(band)
    rows = {}
    for orientation in ("stiffest", "random", "softest"):
        p = plates[plates.orientation.eq(orientation)]
        if p.empty:
            continue
        row: dict[str, float] = {"n_tensors": p.tensor.nunique(), "n_draws": p.draw.nunique()}
        for part in ("min", "mean", "max"):
            col = f"length_{part}_over_thickness"
            per_draw = p.groupby("draw")[col].median()
            row[f"median_{part}"] = float(p[col].median())
            several = len(per_draw) > 1
            row[f"median_{part}_low"] = float(per_draw.quantile(lo)) if several else np.nan
            row[f"median_{part}_high"] = float(per_draw.quantile(hi)) if several else np.nan
        # stiffer by more than rounding: an isotropic plate is not counted
        row["share_thickness_stiffer"] = float((p.E_thickness > p.E_length_mean * (1 + 1e-9)).mean())
        rows[orientation] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "orientation"
    return out.astype({"n_tensors": int, "n_draws": int})


# --------------------------------------------------------------------------
# correlations against permutation nulls
# --------------------------------------------------------------------------

def spearman_rho(x: ArrayLike, y: ArrayLike, axis: int = -1) -> Any:
    """Spearman's rank correlation along an axis (average ranks for ties).

    Vectorised so that :func:`permutation_test` can evaluate thousands of
    permutations at once.

    Parameters
    ----------
    x, y : array-like
        Paired samples of the same shape.
    axis : int, default -1
        Axis along which the observations run.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        Rho for each slice along ``axis`` (NaN where a slice is constant).

    Examples
    --------
    >>> round(float(spearman_rho([1, 2, 3, 4], [10, 20, 40, 30])), 3)
    0.8
    """
    rx = stats.rankdata(np.asarray(x, dtype=float), axis=axis)
    ry = stats.rankdata(np.asarray(y, dtype=float), axis=axis)
    rx = rx - rx.mean(axis=axis, keepdims=True)
    ry = ry - ry.mean(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):  # a constant slice has no rank correlation: NaN
        rho = (rx * ry).sum(axis=axis) / np.sqrt((rx ** 2).sum(axis=axis) * (ry ** 2).sum(axis=axis))
    return np.asarray(rho)[()]  # a numpy scalar for 1-D input (SciPy's resampling needs its dtype)


def ratio_spearman_rho(x: ArrayLike, y: ArrayLike, axis: int = -1) -> Any:
    """Spearman's rho between ``x`` and ``y / x``: a ratio that shares its denominator with x.

    ``rho(E_max, E_min / E_max)`` is negative even for unrelated ``E_min``
    and ``E_max``, because ``E_max`` sits in the denominator.  Passed to
    :func:`permutation_test`, which shuffles ``y`` against ``x``, the null
    distribution shows how negative it is by construction alone.

    Parameters
    ----------
    x, y : array-like
        Paired positive samples of the same shape.
    axis : int, default -1

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> round(float(ratio_spearman_rho([1.0, 2.0, 4.0], [1.0, 1.0, 1.0])), 3)
    -1.0
    """
    x = np.asarray(x, dtype=float)
    return spearman_rho(x, np.asarray(y, dtype=float) / x, axis=axis)


def _check_band(band: tuple[float, float]) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in band)
    except (TypeError, ValueError):
        raise ValueError(f"band must be two quantiles (low, high) in [0, 1]; got {band!r}.") from None
    if not 0 <= lo < hi <= 1:
        raise ValueError(f"band must be two quantiles with 0 <= low < high <= 1; got {band!r}.")
    return lo, hi


def _paired_samples(x: ArrayLike, y: ArrayLike, min_n: int = 3) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xs.ndim != 1 or xs.shape != ys.shape:
        raise ValueError(f"x and y must be 1-D and of equal length (one pair per observation); "
                         f"got shapes {xs.shape} and {ys.shape}.")
    if len(xs) < min_n:
        raise ValueError(f"need at least {min_n} pairs; got {len(xs)}.")
    bad = ~(np.isfinite(xs) & np.isfinite(ys))
    if bad.any():
        raise ValueError(f"x and y must be finite; pair {int(np.argmax(bad))} is ({xs[bad][0]}, {ys[bad][0]}). "
                         "Drop incomplete rows before testing.")
    return xs, ys


def permutation_test(x: ArrayLike, y: ArrayLike, statistic: Callable[..., Any] = spearman_rho,
                     n_permutations: int = 9999, random_state: RandomState = None,
                     alternative: str = "two-sided", band: tuple[float, float] = (0.025, 0.975)) -> dict[str, Any]:
    """Test an association against the null of random pairings.

    The pairs ``(x_i, y_i)`` are re-paired at random ``n_permutations``
    times (:func:`scipy.stats.permutation_test` with
    ``permutation_type="pairings"``); the statistic of each re-pairing forms
    the null distribution.  With :func:`spearman_rho` this is the usual test
    of independence; with :func:`ratio_spearman_rho` the null keeps the
    shared-denominator effect and removes any real dependence, so it shows
    what a ratio correlation is by construction.

    Parameters
    ----------
    x, y : array-like, shape (n,)
        Paired, finite observations (n >= 3).
    statistic : callable, default :func:`spearman_rho`
        ``statistic(x, y, axis=-1)``, vectorised along ``axis``.
    n_permutations : int, default 9999
        Random re-pairings (>= 99).
    random_state : None, int or numpy.random.Generator
        Seed of the permutations (see :mod:`mlcrystal.seeding`).
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        Two-sided p is twice the smaller one-sided p (SciPy's convention),
        so it also works for a null that is not centred on zero.
    band : (float, float), default (0.025, 0.975)
        Quantiles of the null distribution reported as its band.

    Returns
    -------
    dict
        ``statistic`` (observed), ``null_median``, ``null_low``,
        ``null_high`` (the band), ``p_value`` (with the +1 correction, so
        never below ``1 / (n_permutations + 1)``), ``n`` (pairs),
        ``n_permutations`` and ``null`` (the null distribution, an array).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=50)
    >>> res = permutation_test(x, x + rng.normal(size=50), n_permutations=999, random_state=1)
    >>> round(res["statistic"], 2), res["p_value"]  # two-sided: twice the smallest one-sided p, 1/1000
    (0.63, 0.002)
    >>> bool(-0.35 < res["null_low"] < 0 < res["null_high"] < 0.35)  # unrelated pairings scatter around 0
    True

    A ratio that shares its denominator with ``x`` correlates with it even
    when the numerator is unrelated; the null keeps that effect:

    >>> y = rng.normal(size=50)
    >>> r = permutation_test(np.exp(x), np.exp(y), ratio_spearman_rho, n_permutations=999, random_state=1)
    >>> round(r["statistic"], 2), round(r["null_median"], 2), r["p_value"]
    (-0.66, -0.68, 0.784)
    """
    xs, ys = _paired_samples(x, y)
    if not (isinstance(n_permutations, (int, np.integer)) and not isinstance(n_permutations, bool)
            and n_permutations >= 99):
        raise ValueError(f"n_permutations must be an integer >= 99; got {n_permutations!r}.")
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError(f"alternative must be 'two-sided', 'less' or 'greater'; got {alternative!r}.")
    if not callable(statistic):
        raise ValueError(f"statistic must be a callable statistic(x, y, axis=-1); got {statistic!r}.")
    lo, hi = _check_band(band)
    res = stats.permutation_test((xs, ys), statistic, permutation_type="pairings", vectorized=True,
                                 n_resamples=int(n_permutations), alternative=alternative,
                                 rng=check_random_state(random_state))
    null = np.asarray(res.null_distribution, dtype=float)
    return {"statistic": float(res.statistic), "null_median": float(np.median(null)),
            "null_low": float(np.quantile(null, lo)), "null_high": float(np.quantile(null, hi)),
            "p_value": float(res.pvalue), "n": len(xs), "n_permutations": len(null), "null": null}


def bootstrap_interval(x: ArrayLike, y: ArrayLike, statistic: Callable[..., Any] = spearman_rho,
                       n_resamples: int = 2000, confidence: float = 0.95,
                       random_state: RandomState = None) -> tuple[float, float]:
    """Percentile bootstrap interval of a paired statistic (pairs resampled together).

    Parameters
    ----------
    x, y : array-like, shape (n,)
        Paired, finite observations (n >= 3).
    statistic : callable, default :func:`spearman_rho`
        ``statistic(x, y, axis=-1)``, vectorised along ``axis``.
    n_resamples : int, default 2000
        Bootstrap resamples (>= 99).
    confidence : float, default 0.95
        Coverage of the interval, in (0, 1).
    random_state : None, int or numpy.random.Generator
        Seed of the resampling.

    Returns
    -------
    (float, float)
        Low and high ends (:func:`scipy.stats.bootstrap`, ``method="percentile"``).

    Examples
    --------
    >>> x = np.arange(30.0)
    >>> lo, hi = bootstrap_interval(x, x ** 2, n_resamples=200, random_state=0)
    >>> round(lo, 3), round(hi, 3)
    (1.0, 1.0)
    """
    xs, ys = _paired_samples(x, y)
    if not (isinstance(n_resamples, (int, np.integer)) and not isinstance(n_resamples, bool) and n_resamples >= 99):
        raise ValueError(f"n_resamples must be an integer >= 99; got {n_resamples!r}.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1); got {confidence!r}.")
    res = stats.bootstrap((xs, ys), statistic, paired=True, vectorized=True, n_resamples=int(n_resamples),
                          confidence_level=confidence, method="percentile", rng=check_random_state(random_state))
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def thickness_length_correlation(plates: pd.DataFrame, length: str = "E_length_mean", n_permutations: int = 9999,
                                 random_state: RandomState = None,
                                 band: tuple[float, float] = (0.05, 0.95)) -> pd.DataFrame:
    """Across crystals: does a plate stiffer through its thickness tend to be softer along its length?

    For each orientation rule of :func:`plate_orientation_table`, Spearman's
    rho between ``E_thickness`` and the chosen in-plane modulus over the
    tensors, tested against random pairings (:func:`permutation_test`).
    For the random orientation the test is run for every draw, and the
    spread over draws is reported.

    Parameters
    ----------
    plates : pandas.DataFrame
        Output of :func:`plate_orientation_table`.
    length : {"E_length_mean", "E_length_min", "E_length_max"}, default "E_length_mean"
        In-plane modulus standing for the bending direction.
    n_permutations : int, default 9999
        Permutations per test.
    random_state : None, int or numpy.random.Generator
        Seed; each test draws from its own child stream.
    band : (float, float), default (0.05, 0.95)
        Quantiles of rho over the random draws.

    Returns
    -------
    pandas.DataFrame
        Indexed by orientation: ``n_tensors``, ``n_draws``, ``rho`` (median
        over draws), ``rho_low``, ``rho_high`` (band over draws, NaN for
        one draw), ``null_low``, ``null_high`` (the 2.5-97.5 % band of the
        permutation null, widest over draws) and ``p_value`` (largest over
        draws).  A study-like trade-off would show as a negative rho below
        the null band.

    Examples
    --------
    >>> Cs = [np.diag([a, 2 * a, 3 * a, 0.4 * a, 0.5 * a, 0.6 * a]) for a in (1.0, 2.0, 3.0, 5.0, 8.0)]
    >>> p = plate_orientation_table(pd.DataFrame({"C_GPa": Cs}), n_random=3, random_state=0)
    >>> r = thickness_length_correlation(p, n_permutations=999, random_state=0)
    >>> r.loc[["stiffest", "softest"], "rho"].round(2).tolist()  # scaled copies of one crystal: stiffer every way
    [1.0, 1.0]
    """
    lengths = ("E_length_mean", "E_length_min", "E_length_max")
    if length not in lengths:
        raise ValueError(f"length must be one of {lengths}; got {length!r}.")
    needed = {"tensor", "orientation", "draw", "E_thickness", length}
    if not isinstance(plates, pd.DataFrame) or not needed <= set(plates.columns):
        raise ValueError(f"plates must be the output of plate_orientation_table() with columns {sorted(needed)}; "
                         "got " + (f"columns {list(plates.columns)}." if isinstance(plates, pd.DataFrame)
                                   else f"{type(plates).__name__}."))
    lo, hi = _check_band(band)
    present = [o for o in ("stiffest", "random", "softest") if plates.orientation.eq(o).any()]
    groups = [(o, d, g) for o in present for d, g in plates[plates.orientation.eq(o)].groupby("draw")]
    streams = spawn(random_state, len(groups))
    tests = pd.DataFrame([{"orientation": o, "draw": d, "n": len(g),
                           **permutation_test(g.E_thickness, g[length], n_permutations=n_permutations,
                                              random_state=rng)}
                          for (o, d, g), rng in zip(groups, streams, strict=True)])
    rows = {}
    for o, t in tests.groupby("orientation", sort=False):
        several = len(t) > 1
        rows[o] = {"n_tensors": int(t.n.iloc[0]), "n_draws": len(t), "rho": float(t.statistic.median()),
                   "rho_low": float(t.statistic.quantile(lo)) if several else np.nan,
                   "rho_high": float(t.statistic.quantile(hi)) if several else np.nan,
                   "null_low": float(t.null_low.min()), "null_high": float(t.null_high.max()),
                   "p_value": float(t.p_value.max())}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "orientation"
    return out


# --------------------------------------------------------------------------
# plausibility of published tensors
# --------------------------------------------------------------------------

#: Default bound of :func:`tensor_plausibility`: a tensor whose Hill modulus is
#: more than this factor above or below the median of the other tensors of
#: the same compound is flagged.
HILL_FOLD_BOUND = 3.0

#: Default bound of :func:`tensor_plausibility` on the diagonal shear constants
#: C44, C55, C66 (GPa): below it a molecular crystal would shear like a soft
#: polymer; the median of the smallest shear constant over the collection of
#: chapter 4 is about 3.4 GPa.
MIN_SHEAR_GPA = 0.1


def tensor_plausibility(tensors: pd.DataFrame, hill_fold_bound: float = HILL_FOLD_BOUND,
                        min_shear_GPa: float = MIN_SHEAR_GPA) -> pd.DataFrame:
    """Flag admissible tensors that disagree with their compound's other tensors or shear implausibly easily.

    Two checks beyond :func:`validate_stiffness` (a tensor can be symmetric
    and positive definite and still be wrong):

    * agreement: the Hill modulus ``E_H`` of a tensor against the median
      ``E_H`` of the *other* admissible tensors of the same compound
      (experimental or computed); a fold difference above
      ``hill_fold_bound`` is flagged (both members of a disagreeing pair are
      flagged: the check cannot tell which is wrong);
    * small shear: the smallest of ``C44, C55, C66`` below ``min_shear_GPa``.

    Parameters
    ----------
    tensors : pandas.DataFrame
        Columns ``compound`` and ``C_GPa`` (6x6 matrices), as from
        :func:`mlcrystal.datasets.load_stiffness_tensors`; other columns are
        carried over.
    hill_fold_bound : float, default :data:`HILL_FOLD_BOUND`
        Largest accepted ratio max(a/b, b/a) (> 1).
    min_shear_GPa : float, default :data:`MIN_SHEAR_GPA`
        Smallest accepted diagonal shear constant (>= 0).

    Returns
    -------
    pandas.DataFrame
        The input without ``C_GPa``, plus ``valid``, ``E_hill``,
        ``n_others`` (admissible tensors of the same compound besides this
        one), ``E_hill_others`` (their median E_H, NaN if none),
        ``hill_fold`` (max of E_H / E_hill_others and its inverse),
        ``min_shear`` (GPa) and ``min_shear_constant`` (``"C44"``...),
        ``flag_hill``, ``flag_shear``, ``flagged`` and ``reason`` (text).
        Refused tensors are kept with ``valid`` False and no flags: they
        are excluded by :func:`validate_stiffness` already.

    Examples
    --------
    >>> soft = isotropic_stiffness(8.0, 0.3)
    >>> soft[3, 3] = 0.05
    >>> t = pd.DataFrame({"compound": ["a", "a", "a", "a", "b"],
    ...                   "C_GPa": [isotropic_stiffness(E, 0.3) for E in (8.0, 9.0, 10.0, 40.0)] + [soft]})
    >>> tensor_plausibility(t)[["compound", "hill_fold", "flag_hill", "flag_shear"]].round(2)
      compound  hill_fold  flag_hill  flag_shear
    0        a       1.25      False       False
    1        a       1.11      False       False
    2        a       1.11      False       False
    3        a       4.44       True       False
    4        b        NaN      False        True
    """
    _require_tensor_column(tensors)
    if "compound" not in tensors.columns:
        raise ValueError(f"tensors must have a 'compound' column to compare tensors of one compound; "
                         f"got columns {list(tensors.columns)}.")
    if not (np.isfinite(hill_fold_bound) and hill_fold_bound > 1):
        raise ValueError(f"hill_fold_bound must be a number > 1 (a fold difference); got {hill_fold_bound!r}.")
    if not (np.isfinite(min_shear_GPa) and min_shear_GPa >= 0):
        raise ValueError(f"min_shear_GPa must be a non-negative number (GPa); got {min_shear_GPa!r}.")
    out = tensors.drop(columns="C_GPa").copy()
    valid = tensors["C_GPa"].map(stiffness_problem).eq("")
    out["valid"] = valid
    out["E_hill"] = [voigt_reuss_moduli(C)["E_H"] if ok else np.nan
                     for C, ok in zip(tensors["C_GPa"], valid, strict=True)]
    shear = np.array([np.diag(validate_stiffness(C))[3:] if ok else np.full(3, np.nan)
                      for C, ok in zip(tensors["C_GPa"], valid, strict=True)]).reshape(-1, 3)
    out["min_shear"] = shear.min(axis=1)
    out["min_shear_constant"] = [f"C{44 + 11 * int(np.argmin(s))}" if ok else ""
                                 for s, ok in zip(shear, valid, strict=True)]
    n_others, others = [], []
    for label in out.index:
        same = out.index[out.compound.eq(out.at[label, "compound"]) & out.valid & (out.index != label)]
        n_others.append(len(same))
        others.append(float(out.loc[same, "E_hill"].median()) if len(same) and out.at[label, "valid"] else np.nan)
    out["n_others"] = n_others
    out["E_hill_others"] = others
    ratio = out.E_hill / out.E_hill_others
    out["hill_fold"] = np.maximum(ratio, 1 / ratio)
    out["flag_hill"] = out.valid & out.hill_fold.gt(hill_fold_bound)
    out["flag_shear"] = out.valid & out.min_shear.lt(min_shear_GPa)
    out["flagged"] = out.flag_hill | out.flag_shear
    reasons = []
    for _, r in out.iterrows():
        why = []
        if r.flag_hill:
            why.append(f"Hill modulus {r.E_hill:.2f} GPa is {r.hill_fold:.1f}x off the median of "
                       f"{r.n_others} other tensor(s) of {r.compound} ({r.E_hill_others:.2f} GPa)")
        if r.flag_shear:
            why.append(f"{r.min_shear_constant} = {r.min_shear:.3g} GPa is below {min_shear_GPa:g} GPa")
        reasons.append("; ".join(why))
    out["reason"] = reasons
    return out


def _require_tensor_column(tensors: object) -> None:
    if not isinstance(tensors, pd.DataFrame) or "C_GPa" not in tensors.columns:
        raise ValueError("tensors must be a pandas DataFrame with a 'C_GPa' column of 6x6 matrices "
                         "(see mlcrystal.datasets.load_stiffness_tensors); got "
                         + (f"columns {list(tensors.columns)}." if isinstance(tensors, pd.DataFrame)
                            else f"{type(tensors).__name__}."))


# --------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------

def plot_plane_sections(C: ArrayLike, ax: PolarAxes | None = None, planes: Sequence[str] = ("xy", "xz", "yz"),
                        n_angles: int = 361) -> PolarAxes:
    """Polar plot of E(direction) in the coordinate planes of one crystal.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    ax : matplotlib polar Axes, optional
        Created if not given.
    planes : sequence of {"xy", "xz", "yz"}
        One curve per plane; the angle is measured from the plane's first axis.
    n_angles : int, default 361

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_plane_sections(np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0]))
    >>> len(ax.lines)
    3
    """
    if ax is None:
        ax = cast("PolarAxes", plt.subplots(subplot_kw={"projection": "polar"})[1])
    for plane in planes:
        a, E = youngs_modulus_in_plane(C, plane, n_angles)
        ax.plot(a, E, label=f"{plane} plane (angle from {plane[0]})")
    ax.set_rlabel_position(22.5)
    ax.set_ylim(0, None)
    return ax


def plot_modulus_surface(C: ArrayLike, ax: Axes3D | None = None, n_theta: int = 60, n_phi: int = 120,
                         cmap: str = "viridis") -> Axes3D:
    """3-D surface whose distance from the origin along n is E(n).

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    ax : matplotlib 3-D Axes, optional
        Created if not given.
    n_theta, n_phi : int
        Grid of polar and azimuthal angles.
    cmap : str, default "viridis"
        Colour map for E.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_modulus_surface(isotropic_stiffness(5.0, 0.3), n_theta=10, n_phi=20)
    >>> ax.get_xlabel()
    'x (GPa)'
    """
    if ax is None:
        fig = plt.figure()
        ax = fig.add_subplot(projection="3d")
    t, p = np.meshgrid(np.linspace(0, 180, n_theta), np.linspace(0, 360, n_phi), indexing="ij")
    d = direction_from_angles(t, p)
    E = np.asarray(directional_youngs_modulus(C, d.reshape(-1, 3))).reshape(t.shape)
    xyz = d * E[..., None]
    norm = colors.Normalize(E.min(), E.max() if E.max() > E.min() else E.min() + 1)
    ax.plot_surface(xyz[..., 0], xyz[..., 1], xyz[..., 2], facecolors=colormaps[cmap](norm(E)),
                    rstride=1, cstride=1, linewidth=0, antialiased=False, shade=False)
    lim = float(E.max())
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), zlim=(-lim, lim),
           xlabel="x (GPa)", ylabel="y (GPa)", zlabel="z (GPa)")
    ax.set_box_aspect((1, 1, 1))
    return ax
