"""Plausibility of published stiffness tensors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mlcrystal.crystal.anisotropy import voigt_reuss_moduli
from mlcrystal.crystal.tensors import stiffness_problem, validate_stiffness

__all__ = ["HILL_FOLD_BOUND", "MIN_SHEAR_GPA", "tensor_plausibility"]

if TYPE_CHECKING:
    pass




#: Default bound of :func:`tensor_plausibility`: a tensor whose Hill modulus is
#: more than this factor above or below the median of the other tensors of
#: the same compound is flagged.
HILL_FOLD_BOUND = 3.0

#: Default bound of :func:`tensor_plausibility` on the diagonal shear constants
#: C44, C55, C66 (GPa): below it a molecular crystal would shear like a soft
#: polymer; the median of the smallest shear constant over the collection of
#: chapter 5 is about 3.4 GPa.
MIN_SHEAR_GPA = 0.1


def tensor_plausibility(tensors: pd.DataFrame, hill_fold_bound: float = HILL_FOLD_BOUND,
                        min_shear_GPa: float = MIN_SHEAR_GPA) -> pd.DataFrame:
    """Flag admissible tensors that disagree with their compound's other tensors or shear implausibly easily.

    Two checks beyond :func:`~mlcrystal.crystal.tensors.validate_stiffness` (a tensor can be symmetric
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
        are excluded by :func:`~mlcrystal.crystal.tensors.validate_stiffness` already.

    Examples
    --------
    >>> from mlcrystal.crystal.tensors import isotropic_stiffness
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
