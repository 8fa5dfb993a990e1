"""What the audit's checks share: reading a SMILES, the table of findings, the curation checks' flags.

:mod:`~mlcrystal.rules.audit` (the row checks and :func:`~mlcrystal.rules.audit.audit`, which runs
every check) and :mod:`~mlcrystal.rules.curation` (the checks on standardised structures, names and
components) both build on this module, so that the audit can run the curation pass without an
import circle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
from rdkit import Chem, rdBase

__all__ = ["COMPONENT_FLAGS", "CURATION_FLAGS", "HIGH_MODULUS_GPa", "FINDING_COLUMNS", "Finding", "parse_smiles",
           "findings_frame", "source_line", "per_structure"]

#: The kit's bound above which a modulus is worth checking against its source
#: (not an error by itself): the stiffest rows of the study's table below it are
#: alpha-glycine (44 GPa) and tartaric acid (43 GPa); the three rows above it
#: (64-77 GPa) stand far from every other.
HIGH_MODULUS_GPa = 50.0

#: The curation checks' flags and what they mean (see :func:`~mlcrystal.rules.curation.curation_audit`).
COMPONENT_FLAGS = {
    "co-crystal drawn as one molecule": ("the name names several components (co-crystal, salt, solvate), "
                                         "the SMILES is one molecule"),
    "named component not drawn": ("a component the name names (a co-former, solvent or counter-ion the kit knows, "
                                  "or one the name-to-structure tool OPSIN reads) matches no drawn component"),
    "unnamed water drawn": "the SMILES holds water but the name says no hydrate or solvate",
    "salt charges unbalanced": "the drawn ions do not add up to zero charge: part of the salt is missing",
    "salt drawn as ester": "a sulfonic ester where the name names no ester (a sulfonate salt drawn covalently)",
    "photodimer drawn": "a cyclobutane formed from two olefin (cinnamic) units, the name says no dimer",
    "para named, not drawn": "the name puts a substituent 4-/p- on a benzene ring, the SMILES does not",
}

#: Flags of the curation checks (:func:`~mlcrystal.rules.curation.curation_audit`, the curation pass of
#: :func:`~mlcrystal.rules.audit.audit`): standardised structures, names read by OPSIN, components.
CURATION_FLAGS = {
    "duplicate structure": "same standardised structure and same E as an earlier row (however the SMILES is drawn)",
    "duplicate structure, stereo ignored": ("same E and the same standardised structure once stereochemistry is "
                                            "ignored, as an earlier row whose stereochemistry differs or is omitted"),
    "check the source": (f"E above {HIGH_MODULUS_GPa:g} GPa, stiffer than any other molecular crystal in the "
                         "table: worth checking against its source"),
    "name/structure formula mismatch": "the structure OPSIN reads from the name has another molecular formula",
    "name/structure isomer mismatch": ("the name's structure has the SMILES' formula and rings but another "
                                       "connectivity (an isomer, e.g. para named, meta drawn)"),
    **COMPONENT_FLAGS,
}

FINDING_COLUMNS = ["row", "source_row", "compound", "flag", "detail"]

Finding = tuple[int, str, str]  # (row, flag, detail)


def findings_frame(d: pd.DataFrame, found: Iterable[Finding]) -> pd.DataFrame:
    """Turn ``(row, flag, detail)`` triples into the audit's table of findings."""
    src = d["source_row"] if "source_row" in d else pd.Series(np.arange(len(d)) + 2)
    rows = [{"row": int(i), "source_row": int(src.iloc[i]), "compound": str(d["compound"].iloc[i]).strip(),
             "flag": flag, "detail": detail} for i, flag, detail in found]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def source_line(d: pd.DataFrame, i: int) -> int:
    """The spreadsheet line of row ``i`` (its ``source_row``, else the position plus the header line)."""
    return int(d["source_row"].iloc[i]) if "source_row" in d else i + 2


def parse_smiles(smiles: object) -> Chem.Mol | None:
    """Parse a SMILES quietly; ``None`` when it is missing or RDKit refuses it.

    Examples
    --------
    >>> parse_smiles("c1ccccc1").GetNumAtoms(), parse_smiles("C1CC"), parse_smiles(float("nan"))
    (6, None, None)
    """
    if not isinstance(smiles, str) or not smiles.strip():
        return None
    with rdBase.BlockLogs():  # a refused SMILES is reported by the caller, not printed by RDKit
        return Chem.MolFromSmiles(smiles.strip())


def per_structure(d: pd.DataFrame, mols: list[Chem.Mol | None] | None,
                   check: Callable[[Chem.Mol, str], list[tuple[str, str]]]) -> pd.DataFrame:
    """Run a one-structure check on every readable row (cached per SMILES and name)."""
    mols = [parse_smiles(s) for s in d["smiles"]] if mols is None else mols
    cache: dict[tuple[str, str], list[tuple[str, str]]] = {}
    found = []
    for i, mol in enumerate(mols):
        if mol is None:
            continue
        k = (str(d["smiles"].iloc[i]).strip(), str(d["compound"].iloc[i]).strip())
        if k not in cache:
            cache[k] = check(mol, k[1])
        found += [(i, flag, detail) for flag, detail in cache[k]]
    return findings_frame(d, found)
