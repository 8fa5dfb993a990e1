"""Directional Young's modulus and elastic anisotropy of crystals.

A crystal's stiffness is a fourth-rank tensor, usually written as a 6x6
matrix in Voigt notation.  This module turns such a matrix into the Young's
modulus along any direction, finds how anisotropic a crystal is, and holds
the bending moduli the study measured on its designed crystals.
"""

from __future__ import annotations

from types import MappingProxyType

#: Bending-test Young's moduli (GPa, length direction of the plate crystals)
#: of the study's salicylideneamine compounds, keyed by compound number, as
#: published by the study (authors' code and article).  Compound 6 has no
#: published bending modulus.  The nanoindentation (thickness direction)
#: values and the structures of compounds 1-10 are not public.
STUDY_BENDING_MODULI_GPA = MappingProxyType({
    1: 1.92,
    2: 0.602,
    3: 0.677,
    4: 1.83,
    5: 1.25,
    7: 3.55,
    8: 2.29,
    9: 0.664,
    10: 1.83,
})
