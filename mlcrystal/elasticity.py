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

from collections.abc import Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize

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
        ``E_thickness``, ``E_length_min``, ``E_length_max`` (unit of ``C``)
        and ``thickness_direction`` (unit vector).

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
    import matplotlib.pyplot as plt

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
    import matplotlib.pyplot as plt
    from matplotlib import colormaps, colors

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
