"""Illustrative derivatives of N-salicylideneaniline, scored by the study's design rules (chapter 5).

The structures of the study's compounds 1-10 are not public. These
derivatives are the kit's own choices, one substituent at a time on the
photochromic scaffold, so that the size of each rule's effect can be seen;
none of them should be read as one of the study's compounds.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["SALICYLIDENEANILINE", "illustrative_derivatives"]

#: The N-salicylideneaniline scaffold (enol form): the phenolic OH and both benzene rings are fixed.
SALICYLIDENEANILINE = "Oc1ccccc1C=Nc1ccccc1"


def illustrative_derivatives() -> pd.Series:
    """SMILES of illustrative N-salicylideneaniline derivatives, one substituent each (not the study's).

    One derivative per design rule that can act on the scaffold: a group
    the rules reward (nitro, amino, hydroxymethyl, carboxy), a group they
    penalise (an extra phenolic OH, the halogens, a larger aromatic
    system) and a neutral methyl. Positions: primed on the aniline ring,
    unprimed on the salicylidene ring.

    Returns
    -------
    pandas.Series
        Named ``smiles``, indexed by the substituent (``"parent (H)"``
        first, then ``"4'-nitro"``, ..., ``"N-(2-naphthyl)"``): 13
        molecules, each a valid SMILES containing the scaffold.

    Examples
    --------
    >>> smiles = illustrative_derivatives()
    >>> len(smiles), smiles.name
    (13, 'smiles')
    >>> smiles["4'-chloro"]
    'Oc1ccccc1C=Nc1ccc(Cl)cc1'
    >>> smiles["parent (H)"] == SALICYLIDENEANILINE
    True
    """
    return pd.Series({
        "parent (H)": SALICYLIDENEANILINE,
        "4'-nitro": "Oc1ccccc1C=Nc1ccc(cc1)[N+](=O)[O-]",
        "5-nitro": "Oc1ccc(cc1C=Nc1ccccc1)[N+](=O)[O-]",
        "4'-amino": "Oc1ccccc1C=Nc1ccc(N)cc1",
        "4'-hydroxy": "Oc1ccccc1C=Nc1ccc(O)cc1",
        "4'-hydroxymethyl": "Oc1ccccc1C=Nc1ccc(CO)cc1",
        "4'-carboxy": "Oc1ccccc1C=Nc1ccc(cc1)C(=O)O",
        "4'-methyl": "Oc1ccccc1C=Nc1ccc(C)cc1",
        "4'-fluoro": "Oc1ccccc1C=Nc1ccc(F)cc1",
        "4'-chloro": "Oc1ccccc1C=Nc1ccc(Cl)cc1",
        "4'-bromo": "Oc1ccccc1C=Nc1ccc(Br)cc1",
        "4'-iodo": "Oc1ccccc1C=Nc1ccc(I)cc1",
        "N-(2-naphthyl)": "Oc1ccccc1C=Nc1ccc2ccccc2c1",
    }, name="smiles")
