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

from numbers import Real
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from mlcrystal.study import BENDING_MODULI_GPA, NANOINDENTATION_GROUPS

__all__ = ["study_compounds", "VOIGT_INDEX", "PLANES", "validate_stiffness", "stiffness_problem",
           "isotropic_stiffness", "voigt_to_tensor", "tensor_to_voigt", "compliance_tensor",
           "directional_youngs_modulus", "direction_from_angles", "fibonacci_sphere", "rotate_stiffness"]

if TYPE_CHECKING:
    pass


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

#: Named planes for :func:`~mlcrystal.crystal.anisotropy.youngs_modulus_in_plane`: two orthonormal in-plane
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


def _youngs_from_compliance(S99: np.ndarray, n: np.ndarray) -> np.ndarray:
    """E for unit vectors n (rows) from the 9x9-reshaped compliance tensor."""
    nn = np.einsum("ni,nj->nij", n, n).reshape(-1, 9)
    return 1.0 / np.einsum("na,ab,nb->n", nn, S99, nn)
