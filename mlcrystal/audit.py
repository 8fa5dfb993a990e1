"""The chemistry audit of the Young's modulus table: flag, never delete.

Each check is one small function that takes the table (as returned by
:func:`mlcrystal.datasets.load_youngs_modulus`) and returns its findings as a
table with the columns ``row`` (position in the table), ``source_row`` (line
in the spreadsheet), ``compound``, ``flag`` and ``detail``.  :func:`audit`
runs them all; :func:`audit_summary` counts the findings; :func:`drop_flagged`
removes the rows that carry chosen flags and says which.

Nothing here deletes or changes a value: what to do with a flagged row is the
reader's decision, taken in the open (chapter 3 removes the rows with the
:data:`QUESTIONABLE_FLAGS` to test the design rules' sensitivity).

Curation beyond :func:`audit` (its flags are :data:`CURATION_FLAGS`):
:func:`curation_keys` standardises structures with the ChEMBL structure
pipeline (with and without stereochemistry) and merges the DOIs of one paper;
:func:`check_structure_duplicates` keys duplicates on those structures;
:func:`check_name_structure` compares names that OPSIN can read with the
SMILES; :func:`check_high_modulus` marks values to check against their source.
:func:`name_components` splits a name into its components and
:func:`check_components`, :func:`check_salts`, :func:`check_photodimers` and
:func:`check_para` compare them with the drawn structure (a co-crystal drawn
as one molecule, a named component or counter-ion not drawn, unbalanced
salt charges, a sulfonate salt drawn as an ester, a photodimer drawn for its
monomer, a para substituent drawn elsewhere); :func:`curation_audit` runs
all of them.  The kit's verdict on every row they flag in the study's table
is package data (:func:`load_audit_review`, summarised by
:func:`audit_precision`), and so is its correction table
(:func:`load_corrections`, applied by :func:`apply_corrections` or
``load_youngs_modulus(corrected=True)``).

What the checks cannot find: a wrong structure whose name is an abbreviation
or a trade name absent from :data:`KNOWN_COMPONENTS` (and unread by OPSIN),
a wrong value (only outliers above :data:`HIGH_MODULUS_GPa`), a wrong
stoichiometry of a correctly drawn co-crystal, a wrong polymorph or tautomer.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"compound": ["Resorcinol"], "smiles": ["Oc1ccccc1O"], "E_GPa": [8.0]})
>>> audit(t)[["flag", "detail"]].values.tolist()
[['name/SMILES mismatch', "name says 'resorcinol' but the SMILES lacks a resorcinol (1,3-dihydroxybenzene) ring"]]
"""

from __future__ import annotations

import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable
from importlib import resources

import numpy as np
import pandas as pd
from rdkit import Chem, rdBase
from rdkit.Chem import Descriptors, rdMolDescriptors

from mlcrystal.datasets import METHOD_LABELS, CleaningResult, _require_columns

with rdBase.BlockLogs():  # the ChEMBL pipeline logs "Initializing Normalizer" on import (shown in notebooks)
    from chembl_structure_pipeline import standardize_mol

#: What each audit flag means, in the order :func:`audit` reports them.
AUDIT_FLAGS = {
    "stray whitespace": ("a text cell starts or ends with spaces (fixed by clean_youngs_modulus) "
                         "or holds a double space"),
    "label variant": "a method label or DOI spelled two ways (fixed by clean_youngs_modulus)",
    "duplicate row": "same SMILES and same E as an earlier row (the first occurrence is not flagged)",
    "implausible modulus": "E outside the plausible range for molecular crystals",
    "implausible density": "density outside the plausible range for organic crystals",
    "name/SMILES mismatch": "the SMILES contradicts the compound name",
    "suspicious chemistry": "radicals, unbalanced charge or a metal drawn as a separate neutral atom",
    "multi-component": "several molecules in one SMILES (co-crystal, salt, solvate); kept, counted as one",
    "unreadable SMILES": "the SMILES is missing or RDKit cannot parse it; the structure checks skip the row",
}

#: Flags of the curation checks that :func:`audit` does not run (yet): findings
#: keyed on standardised structures (:func:`check_structure_duplicates`).
CURATION_FLAGS = {
    "duplicate structure": "same standardised structure and same E as an earlier row (however the SMILES is drawn)",
    "duplicate structure, stereo ignored": ("same E and the same standardised structure once stereochemistry is "
                                            "ignored, as an earlier row whose stereochemistry differs or is omitted"),
    "check the source": "E above HIGH_MODULUS_GPa, stiffer than any molecular crystal below it in the table",
    "name/structure formula mismatch": "the structure OPSIN reads from the name has another molecular formula",
    "name/structure isomer mismatch": ("the name's structure has the SMILES' formula and rings but another "
                                       "connectivity (an isomer, e.g. para named, meta drawn)"),
}

#: Flags that :func:`audit_summary` lists only when they fire: they say that a
#: row could not be checked, not what a check found.
FIRED_ONLY_FLAGS = ("unreadable SMILES",)

#: Flags whose rows chapter 3 removes to test the design rules' sensitivity:
#: repeated values, a value off by orders of magnitude, and structures that
#: are wrong or doubtful.  Whitespace and labels are fixed by cleaning;
#: density is not a model input; multi-component SMILES are kept, as in the study.
QUESTIONABLE_FLAGS = ["duplicate row", "implausible modulus", "name/SMILES mismatch", "suspicious chemistry"]

#: Default plausibility ranges.  A GPa/MPa or g/cm3 vs kg/m3 mix-up shifts a
#: value by 1000x; the ranges are loose on purpose so that they only catch such
#: errors: E from 0.01 to 100 GPa (the median of the data is 9.4 GPa),
#: density from 0.8 to 3.5 g/cm3 (heavily brominated aromatics reach about 3).
E_RANGE_GPa = (0.01, 100.0)
DENSITY_RANGE_G_CM3 = (0.8, 3.5)

#: The kit's bound above which a modulus is worth checking against its source
#: (not an error by itself): the stiffest rows of the study's table below it are
#: alpha-glycine (44 GPa) and tartaric acid (43 GPa); the three rows above it
#: (64-77 GPa) stand far from every other.
HIGH_MODULUS_GPa = 50.0

#: Name patterns (regular expressions, case-insensitive) and the substructure
#: (SMARTS) a SMILES must contain when its compound name matches.
NAME_SUBSTRUCTURES = {
    r"resorcinol": ("[OX2]c1cc([OX2])ccc1", "a resorcinol (1,3-dihydroxybenzene) ring"),
    r"catechol": ("[OX2]c1c([OX2])cccc1", "a catechol (1,2-dihydroxybenzene) ring"),
    r"nitro(?!so|gen)": ("[$([NX3](=O)=O),$([NX3+](=O)[O-])]", "a nitro group"),
    r"chlor|\bhcl\b|(?<![a-z])cl(?!-?\d)(?![a-z])": ("[Cl]", "chlorine"),
    r"brom|(?<![a-z])br(?![a-z])": ("[Br]", "bromine"),
    r"iod": ("[I]", "iodine"),
    r"fluor": ("[F]", "fluorine"),
    r"cyano|nitrile|mecn|acetonitrile": ("C#N", "a nitrile (C#N)"),
    r"pyrid(?!azin)": ("n1ccccc1", "an aromatic pyridine ring"),
    r"ethynyl": ("C#C", "a C#C triple bond"),
    r"methoxy": ("[OX2][CH3]", "a methoxy group"),
}

#: Words in a compound name that announce more than one component.
MULTI_COMPONENT_WORDS = r"co-?crystal|\bsalt\b|solvate|hydrate|hydrochloride|\bhcl\b|\bwith\b|·"
_HYDRATE_COUNTS = {"mono": 1, "di": 2, "tri": 3, "tetra": 4, "penta": 5, "hexa": 6}
METALS = {"Li", "Na", "K", "Rb", "Cs", "Mg", "Ca", "Sr", "Ba", "Al", "Zn", "Cu", "Ni", "Co", "Fe", "Mn",
          "Cr", "Pt", "Pd", "Ag", "Au", "Hg", "Cd", "Sn", "Pb", "Ir", "Rh", "Ru", "Os"}

FINDING_COLUMNS = ["row", "source_row", "compound", "flag", "detail"]

Finding = tuple[int, str, str]  # (row, flag, detail)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def _findings(d: pd.DataFrame, found: Iterable[Finding]) -> pd.DataFrame:
    """Turn ``(row, flag, detail)`` triples into the audit's table of findings."""
    src = d["source_row"] if "source_row" in d else pd.Series(np.arange(len(d)) + 2)
    rows = [{"row": int(i), "source_row": int(src.iloc[i]), "compound": str(d["compound"].iloc[i]).strip(),
             "flag": flag, "detail": detail} for i, flag, detail in found]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def _line(d: pd.DataFrame, i: int) -> int:
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


def _strip_brackets(name: str) -> str:
    """Remove [...] locant groups (e.g. 'thieno[3,2-a:2',3'-c]') before looking for ':' or '/'."""
    prev = None
    while prev != name:
        prev, name = name, re.sub(r"\[[^\[\]]*\]", "", name)
    return name


# --------------------------------------------------------------------------
# checks of one structure
# --------------------------------------------------------------------------

def name_findings(mol: Chem.Mol, compound: str) -> list[tuple[str, str]]:
    """Contradictions between a parsed structure and its compound name.

    Parameters
    ----------
    mol : rdkit.Chem.Mol
        The parsed SMILES.
    compound : str
        The compound name in the table.

    Returns
    -------
    list of (flag, detail)
        ``"name/SMILES mismatch"`` findings: a group the name announces and
        the structure lacks (:data:`NAME_SUBSTRUCTURES`), several components
        announced but one drawn, a hydrate count that disagrees.

    Examples
    --------
    >>> name_findings(parse_smiles("c1ccccc1"), "Chlorobenzene")
    [('name/SMILES mismatch', "name says 'chlor' but the SMILES lacks chlorine")]
    """
    out: list[tuple[str, str]] = []
    name = str(compound).lower()
    parts = [Chem.MolToSmiles(f) for f in Chem.GetMolFrags(mol, asMols=True)]
    n_water = sum(p == "O" for p in parts)
    for pattern, (smarts, what) in NAME_SUBSTRUCTURES.items():
        m = re.search(pattern, name)
        if m and not mol.HasSubstructMatch(Chem.MolFromSmarts(smarts)):
            out.append(("name/SMILES mismatch", f"name says {m.group(0)!r} but the SMILES lacks {what}"))
    multi_word = re.search(MULTI_COMPONENT_WORDS, name) or re.search(r"[/:]", _strip_brackets(name))
    if multi_word and len(parts) == 1 and "anhydr" not in name:
        out.append(("name/SMILES mismatch",
                    f"name says {multi_word.group(0)!r} (several components) but the SMILES has one"))
    hyd = re.search(r"(mono|di|tri|tetra|penta|hexa)?hydrate", name)
    if hyd and "anhydr" not in name and "dehydr" not in name:
        want = _HYDRATE_COUNTS.get(hyd.group(1) or "", None)
        if n_water == 0:
            out.append(("name/SMILES mismatch", f"name says {hyd.group(0)!r} but the SMILES has no water"))
        elif want is not None and n_water != want:
            out.append(("name/SMILES mismatch", f"name says {hyd.group(0)!r} but the SMILES has {n_water} water(s)"))
    if "anhydr" in name and n_water:
        out.append(("name/SMILES mismatch", f"name says anhydrous but the SMILES has {n_water} water(s)"))
    return out


def chemistry_findings(mol: Chem.Mol) -> list[tuple[str, str]]:
    """Chemically doubtful features of a structure, whatever its name.

    Returns
    -------
    list of (flag, detail)
        ``"suspicious chemistry"`` findings: unpaired electrons, a net formal
        charge, a metal drawn as a separate neutral atom.

    Examples
    --------
    >>> chemistry_findings(parse_smiles("CN(C)C.[Cl-]"))
    [('suspicious chemistry', 'net formal charge -1 (a salt with a missing or neutral counter-ion)')]
    """
    out: list[tuple[str, str]] = []
    radicals = Descriptors.NumRadicalElectrons(mol)
    if radicals:
        out.append(("suspicious chemistry", f"{radicals} unpaired electron(s) (radical or missing hydrogens)"))
    charge = Chem.GetFormalCharge(mol)
    if charge:
        out.append(("suspicious chemistry",
                    f"net formal charge {charge:+d} (a salt with a missing or neutral counter-ion)"))
    for f in Chem.GetMolFrags(mol, asMols=True):
        if f.GetNumAtoms() == 1:
            atom = f.GetAtomWithIdx(0)
            if atom.GetSymbol() in METALS and atom.GetFormalCharge() == 0:
                out.append(("suspicious chemistry",
                            f"metal {atom.GetSymbol()} drawn as a separate neutral atom (a complex drawn as pieces)"))
    return out


def component_findings(mol: Chem.Mol) -> list[tuple[str, str]]:
    """A ``"multi-component"`` finding listing the components, if there are several.

    Examples
    --------
    >>> component_findings(parse_smiles("OC(=O)C(=O)O.O"))
    [('multi-component', '2 components: O=C(O)C(=O)O . O')]
    """
    parts = [Chem.MolToSmiles(f) for f in Chem.GetMolFrags(mol, asMols=True)]
    return [("multi-component", f"{len(parts)} components: " + " . ".join(parts))] if len(parts) > 1 else []


def smiles_findings(smiles: str, compound: str = "") -> list[tuple[str, str]]:
    """Chemistry checks of one SMILES against itself and its compound name.

    Parameters
    ----------
    smiles : str
        A SMILES string (must be parsable by RDKit).
    compound : str, optional
        The compound name in the table.

    Returns
    -------
    list of (flag, detail)
        :func:`name_findings`, then :func:`chemistry_findings`, then
        :func:`component_findings`; empty when nothing is found.

    Raises
    ------
    ValueError
        RDKit cannot parse ``smiles``.

    Examples
    --------
    >>> smiles_findings("CC(=O)CC(=O)C.[Cu]", "Acetylacetone Cu")[0][0]
    'suspicious chemistry'
    >>> smiles_findings("Oc1ccccc1O", "Resorcinol")
    [('name/SMILES mismatch', "name says 'resorcinol' but the SMILES lacks a resorcinol (1,3-dihydroxybenzene) ring")]
    >>> smiles_findings("Oc1cccc(O)c1", "Resorcinol")
    []
    """
    mol = parse_smiles(smiles)
    if mol is None:
        raise ValueError(f"SMILES {smiles!r} ({compound!r}) could not be parsed by RDKit; correct the string.")
    return name_findings(mol, compound) + chemistry_findings(mol) + component_findings(mol)


# --------------------------------------------------------------------------
# checks of the table (one function per check)
# --------------------------------------------------------------------------

def check_whitespace(d: pd.DataFrame) -> pd.DataFrame:
    """Text cells with leading/trailing spaces or a double space inside.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A "], "smiles": ["C"], "E_GPa": [1.0]})
    >>> check_whitespace(t).detail.tolist()
    ['leading/trailing spaces in compound']
    """
    found = []
    text_cols = [c for c in ["compound", "smiles", "method", "doi"] if c in d]
    for i in range(len(d)):
        cells = {c: d[c].iloc[i] for c in text_cols if isinstance(d[c].iloc[i], str)}
        ends = [c for c, v in cells.items() if v != v.strip()]
        double = [c for c, v in cells.items() if "  " in v.strip()]
        if ends or double:
            parts = (["leading/trailing spaces in " + ", ".join(ends)] if ends else []) + \
                    (["double space inside " + ", ".join(double)] if double else [])
            found.append((i, "stray whitespace", "; ".join(parts)))
    return _findings(d, found)


def check_label_variants(d: pd.DataFrame) -> pd.DataFrame:
    """Method labels in :data:`~mlcrystal.datasets.METHOD_LABELS`; DOIs spelled in two letter cases.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A"], "smiles": ["C"], "E_GPa": [1.0], "method": ["Bending test"]})
    >>> check_label_variants(t).detail.tolist()
    ["method 'Bending test' is another spelling of 'Beam bending'"]
    """
    found = []
    if "method" in d:
        for i, m in enumerate(d["method"].astype(str).str.strip()):
            if m in METHOD_LABELS:
                found.append((i, "label variant", f"method {m!r} is another spelling of {METHOD_LABELS[m]!r}"))
    if "doi" in d:
        doi = d["doi"].astype(str).str.strip()
        lower = doi.str.lower()
        spellings = doi.groupby(lower).unique()
        for i, (raw_doi, key) in enumerate(zip(doi, lower, strict=True)):
            if len(spellings[key]) > 1 and raw_doi != key:
                other = sorted(set(spellings[key]) - {raw_doi})[0]
                found.append((i, "label variant", f"DOI {raw_doi!r} also appears as {other!r}"))
    return _findings(d, found)


def check_duplicates(d: pd.DataFrame) -> pd.DataFrame:
    """Rows with the same SMILES string and the same E as an earlier row.

    The first occurrence is not flagged; rows without a SMILES are skipped.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A", "A"], "smiles": ["C", "C "], "E_GPa": [1.0, 1.0]})
    >>> check_duplicates(t).detail.tolist()
    ["same SMILES and E = 1 GPa as line 2 ('A'), under the same reference"]
    """
    found = []
    smiles = d["smiles"].where(d["smiles"].notna(), None)
    key = d["smiles"].astype(str).str.strip() + "|" + d["E_GPa"].round(6).astype(str)
    doi_key = d["doi"].astype(str).str.strip().str.lower() if "doi" in d else pd.Series([""] * len(d))
    first: dict[str, int] = {}
    for i, k in enumerate(key):
        if smiles.iloc[i] is None or not str(smiles.iloc[i]).strip():
            continue
        if k in first:
            j = first[k]
            where = "under the same reference" if doi_key.iloc[i] == doi_key.iloc[j] else "under another reference"
            found.append((i, "duplicate row", f"same SMILES and E = {d['E_GPa'].iloc[i]:g} GPa as line {_line(d, j)} "
                                              f"('{' '.join(str(d['compound'].iloc[j]).split())}'), {where}"))
        else:
            first[k] = i
    return _findings(d, found)


def check_modulus_range(d: pd.DataFrame, e_range: tuple[float, float] = E_RANGE_GPa) -> pd.DataFrame:
    """Young's moduli outside ``e_range`` (GPa).

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A"], "smiles": ["C"], "E_GPa": [0.001]})
    >>> check_modulus_range(t).detail.tolist()
    ['E = 0.001 GPa is outside [0.01, 100] GPa']
    """
    lo, hi = e_range
    found = []
    for i, e in enumerate(d["E_GPa"]):
        if not lo <= e <= hi:
            method = f" (method {str(d['method'].iloc[i]).strip()!r})" if "method" in d else ""
            found.append((i, "implausible modulus", f"E = {e:g} GPa is outside [{lo:g}, {hi:g}] GPa{method}"))
    return _findings(d, found)


def check_density(d: pd.DataFrame, density_range: tuple[float, float] = DENSITY_RANGE_G_CM3) -> pd.DataFrame:
    """Densities outside ``density_range`` (g/cm3); blanks are not flagged.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A"], "smiles": ["C"], "E_GPa": [1.0], "density_g_cm3": [1371.0]})
    >>> check_density(t).detail.tolist()
    ['density = 1371 g/cm3 is outside [0.8, 3.5] (kg/m3 entered as g/cm3?)']
    """
    if "density_g_cm3" not in d:
        return _findings(d, [])
    lo, hi = density_range
    found = []
    for i, rho in enumerate(d["density_g_cm3"]):
        if pd.notna(rho) and not lo <= rho <= hi:
            hint = " (kg/m3 entered as g/cm3?)" if 800 <= rho <= 3500 else ""
            found.append((i, "implausible density", f"density = {rho:g} g/cm3 is outside [{lo:g}, {hi:g}]{hint}"))
    return _findings(d, found)


def check_unreadable_smiles(d: pd.DataFrame, mols: list[Chem.Mol | None] | None = None) -> pd.DataFrame:
    """Rows whose SMILES is missing or cannot be parsed by RDKit.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A", "B", "C"], "smiles": ["C", "C1CC", None], "E_GPa": [1.0, 1.0, 1.0]})
    >>> check_unreadable_smiles(t).detail.tolist()
    ["RDKit cannot parse the SMILES 'C1CC'; correct it in the source table", 'no SMILES; add the structure']
    """
    mols = [parse_smiles(s) for s in d["smiles"]] if mols is None else mols
    found = []
    for i, (s, m) in enumerate(zip(d["smiles"], mols, strict=True)):
        if m is None:
            missing = not isinstance(s, str) or not s.strip()
            found.append((i, "unreadable SMILES", "no SMILES; add the structure" if missing else
                          f"RDKit cannot parse the SMILES {s.strip()!r}; correct it in the source table"))
    return _findings(d, found)


def check_same_name(d: pd.DataFrame, mols: list[Chem.Mol | None] | None = None) -> pd.DataFrame:
    """One compound name drawn as several structures (stereochemistry ignored).

    Omitting stereochemistry is not a contradiction, so structures are
    compared as non-isomeric canonical SMILES; unreadable SMILES are skipped.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["X", "X"], "smiles": ["CCO", "CCN"], "E_GPa": [1.0, 2.0]})
    >>> check_same_name(t).detail.tolist()[0]
    "the name 'X' is drawn as 2 different structures (lines 2, 3)"
    """
    mols = [parse_smiles(s) for s in d["smiles"]] if mols is None else mols
    canon = pd.Series([Chem.MolToSmiles(m, isomericSmiles=False) if m is not None else None for m in mols],
                      index=d.index, dtype=object)
    names = d["compound"].astype(str).str.strip()
    found = []
    for name, idx in names[canon.notna()].groupby(names[canon.notna()]).groups.items():
        positions = [d.index.get_loc(i) for i in idx]
        if canon.loc[idx].nunique() > 1:
            lines = ", ".join(str(_line(d, i)) for i in positions)
            found += [(i, "name/SMILES mismatch", f"the name {name!r} is drawn as {canon.loc[idx].nunique()} "
                                                  f"different structures (lines {lines})") for i in positions]
    return _findings(d, found)


def _per_structure(d: pd.DataFrame, mols: list[Chem.Mol | None] | None,
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
    return _findings(d, found)


def check_name_vs_smiles(d: pd.DataFrame, mols: list[Chem.Mol | None] | None = None) -> pd.DataFrame:
    """:func:`name_findings` on every row with a readable SMILES.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["Oxalic acid hydrate"], "smiles": ["OC(=O)C(=O)O"], "E_GPa": [1.0]})
    >>> for detail in check_name_vs_smiles(t).detail:
    ...     print(detail)
    name says 'hydrate' (several components) but the SMILES has one
    name says 'hydrate' but the SMILES has no water
    """
    return _per_structure(d, mols, name_findings)


def check_suspicious_chemistry(d: pd.DataFrame, mols: list[Chem.Mol | None] | None = None) -> pd.DataFrame:
    """:func:`chemistry_findings` on every row with a readable SMILES.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["methoxyl"], "smiles": ["C[O]"], "E_GPa": [1.0]})
    >>> check_suspicious_chemistry(t).detail.tolist()
    ['1 unpaired electron(s) (radical or missing hydrogens)']
    """
    return _per_structure(d, mols, lambda mol, _name: chemistry_findings(mol))


def check_multicomponent(d: pd.DataFrame, mols: list[Chem.Mol | None] | None = None) -> pd.DataFrame:
    """:func:`component_findings` on every row with a readable SMILES.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["salt"], "smiles": ["CC(=O)[O-].[Na+]"], "E_GPa": [1.0]})
    >>> check_multicomponent(t).detail.tolist()
    ['2 components: CC(=O)[O-] . [Na+]']
    """
    return _per_structure(d, mols, lambda mol, _name: component_findings(mol))


# --------------------------------------------------------------------------
# the audit
# --------------------------------------------------------------------------

def _check_range(lo_hi: tuple[float, float], what: str) -> None:
    if len(lo_hi) != 2 or not lo_hi[0] < lo_hi[1]:
        raise ValueError(f"{what} must be (low, high) with low < high, got {lo_hi!r}.")


def audit(df: pd.DataFrame, *, e_range: tuple[float, float] = E_RANGE_GPa,
          density_range: tuple[float, float] = DENSITY_RANGE_G_CM3) -> pd.DataFrame:
    """Flag suspicious rows of the Young's modulus table; delete nothing.

    Runs the checks whose flags are :data:`AUDIT_FLAGS` (not the curation
    checks of :data:`CURATION_FLAGS`).

    Parameters
    ----------
    df : pandas.DataFrame
        The table from ``load_youngs_modulus(clean=False)`` (or cleaned; the
        whitespace and label checks then find nothing).  Needs ``compound,
        smiles, E_GPa``; ``method, doi, density_g_cm3, source_row`` are used
        when present.
    e_range : (float, float)
        Plausible Young's moduli in GPa (:data:`E_RANGE_GPa`).
    density_range : (float, float)
        Plausible densities in g/cm3 (:data:`DENSITY_RANGE_G_CM3`).

    Returns
    -------
    pandas.DataFrame
        One row per finding: ``row`` (position in ``df``), ``source_row``
        (line in the spreadsheet), ``compound, flag, detail``, ordered by
        flag (as in :data:`AUDIT_FLAGS`) then row.  A table row can have
        several findings.  A missing or unparsable SMILES is flagged
        ``"unreadable SMILES"`` and the structure checks skip that row.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["Benzoic acid", "Benzoic acid ", "X", "Y"],
    ...                   "smiles": ["OC(=O)c1ccccc1"] * 2 + ["C", "C1CC"],
    ...                   "E_GPa": [4.0, 4.0, 0.001, 5.0]})
    >>> audit(t).flag.tolist()
    ['stray whitespace', 'duplicate row', 'implausible modulus', 'unreadable SMILES']
    """
    _require_columns(df, ["compound", "smiles", "E_GPa"], "audit")
    _check_range(e_range, "e_range")
    _check_range(density_range, "density_range")
    d = df.reset_index(drop=True)
    mols = [parse_smiles(s) for s in d["smiles"]]
    parts = [check_whitespace(d), check_label_variants(d), check_duplicates(d),
             check_modulus_range(d, e_range), check_density(d, density_range), check_same_name(d, mols),
             check_name_vs_smiles(d, mols), check_suspicious_chemistry(d, mols), check_multicomponent(d, mols),
             check_unreadable_smiles(d, mols)]
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else _findings(d, [])
    order = list(AUDIT_FLAGS)
    out["_o"] = out.flag.map(order.index)
    return out.sort_values(["_o", "row"], kind="stable").drop(columns="_o").reset_index(drop=True)


def audit_summary(flags: pd.DataFrame) -> pd.DataFrame:
    """Count findings and distinct table rows per audit flag.

    Parameters
    ----------
    flags : pandas.DataFrame
        The output of :func:`audit`.

    Returns
    -------
    pandas.DataFrame
        ``flag, findings, rows, meaning``, in the order of :data:`AUDIT_FLAGS`.
        Flags that never fire are listed with zero, except the
        :data:`FIRED_ONLY_FLAGS`, listed only when they fire.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A"], "smiles": ["C"], "E_GPa": [0.001]})
    >>> int(audit_summary(audit(t)).set_index("flag").loc["implausible modulus", "rows"])
    1
    """
    _require_columns(flags, ["row", "flag"], "audit_summary")
    g = flags.groupby("flag")
    listed = [f for f in AUDIT_FLAGS if f not in FIRED_ONLY_FLAGS or f in set(flags.flag)]
    out = pd.DataFrame({"flag": listed})
    out["findings"] = out.flag.map(g.size()).fillna(0).astype(int)
    out["rows"] = out.flag.map(g.row.nunique()).fillna(0).astype(int)
    out["meaning"] = out.flag.map(AUDIT_FLAGS)
    return out


def drop_flagged(df: pd.DataFrame, flags: pd.DataFrame, remove: list[str]) -> CleaningResult:
    """Remove the rows that carry any of the given audit flags, and say which.

    Parameters
    ----------
    df : pandas.DataFrame
        The table that was audited (same row order).
    flags : pandas.DataFrame
        The output of ``audit(df)``.
    remove : list of str
        Flags whose rows are removed (keys of :data:`AUDIT_FLAGS` or :data:`CURATION_FLAGS`).

    Returns
    -------
    CleaningResult
        ``.data``: the kept rows (original index); ``.report``: one row per
        removed table row with ``row, source_row, compound, flags``.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A", "B"], "smiles": ["C", "CC"], "E_GPa": [0.001, 5.0]})
    >>> res = drop_flagged(t, audit(t), ["implausible modulus"])
    >>> len(res.data), res.report.compound.tolist()
    (1, ['A'])
    """
    unknown = [f for f in remove if f not in AUDIT_FLAGS and f not in CURATION_FLAGS]
    if unknown:
        known = list(AUDIT_FLAGS) + list(CURATION_FLAGS)
        raise ValueError(f"unknown audit flag(s) {unknown}; expected some of {known}.")
    _require_columns(flags, ["row", "flag"], "drop_flagged")
    if len(flags) and flags.row.max() >= len(df):
        raise ValueError(f"flags refer to row {flags.row.max()} but the table has {len(df)} rows; "
                         "pass the table that was audited.")
    hit = flags[flags.flag.isin(remove)]
    report = (hit.groupby("row").agg(source_row=("source_row", "first"), compound=("compound", "first"),
                                     flags=("flag", lambda s: ", ".join(dict.fromkeys(s))))
              .reset_index())
    keep = np.ones(len(df), dtype=bool)
    keep[report.row.to_numpy(dtype=int)] = False
    return CleaningResult(df.iloc[keep], report)


# --------------------------------------------------------------------------
# curation keys: standardised structures and papers
# --------------------------------------------------------------------------

#: The German edition of Angewandte Chemie (``10.1002/ange.*``) publishes each
#: article of the International Edition (``10.1002/anie.*``) under the same
#: manuscript number: two DOIs, one paper.
_ANGEWANDTE_GERMAN = re.compile(r"^10\.1002/ange\.(\d+)$")


def standardise_smiles(smiles: object, *, stereo: bool = True) -> str | None:
    """Canonical SMILES of the standardised structure; ``None`` when unreadable.

    The structure goes through the ChEMBL structure pipeline's
    ``standardize_mol`` (normalised functional groups such as nitro and
    N-oxides, charges neutralised where a neutral form exists, so that a
    zwitterion and its neutral drawing agree, explicit hydrogens and
    sgroups removed).  Every component is kept: a co-crystal or salt is a
    different material from its parent molecule.

    Parameters
    ----------
    smiles : str
        A SMILES string (a missing value gives ``None``).
    stereo : bool, default True
        Keep stereochemistry.  With False, structures that differ only in
        stereochemistry (or omit it) share one key: use it to find possible
        duplicates, not to identify compounds (D-xylose and L-arabinose
        share it).

    Returns
    -------
    str or None

    Examples
    --------
    >>> standardise_smiles("[NH3+]CC([O-])=O") == standardise_smiles("C(C(=O)O)N")
    True
    >>> standardise_smiles("C1=CC=CC=C1"), standardise_smiles("C1CC")
    ('c1ccccc1', None)
    >>> xylose, arabinose = "C1[C@@H]([C@@H]([C@H](C(O1)O)O)O)O", "C1[C@H]([C@@H]([C@H](C(O1)O)O)O)O"
    >>> [standardise_smiles(xylose, stereo=k) == standardise_smiles(arabinose, stereo=k) for k in (True, False)]
    [False, True]
    """
    mol = parse_smiles(smiles)
    if mol is None:
        return None
    with rdBase.BlockLogs():
        std = standardize_mol(Chem.Mol(mol))
    return Chem.MolToSmiles(std, isomericSmiles=stereo)


def paper_of(doi: object) -> str:
    """The key of the paper a DOI belongs to: the DOI, lower case, one per paper.

    DOIs are case-insensitive; the German edition of Angewandte Chemie
    (``10.1002/ange.N``) is the same paper as the International Edition
    (``10.1002/anie.N``), keyed by the latter.

    Examples
    --------
    >>> paper_of(" 10.1002/ANGE.201406898"), paper_of("10.1039/C4CE00123A")
    ('10.1002/anie.201406898', '10.1039/c4ce00123a')
    """
    key = str(doi).strip().lower()
    return _ANGEWANDTE_GERMAN.sub(r"10.1002/anie.\1", key)


def check_high_modulus(d: pd.DataFrame, bound: float = HIGH_MODULUS_GPa) -> pd.DataFrame:
    """Moduli above ``bound`` (GPa): flagged "check the source", not removed.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A", "B"], "smiles": ["C", "CC"], "E_GPa": [76.86, 44.0]})
    >>> check_high_modulus(t).detail.tolist()
    ['E = 76.86 GPa is above 50 GPa, stiffer than any molecular crystal below the bound: read the source']
    """
    _require_columns(d, ["compound", "smiles", "E_GPa"], "check_high_modulus")
    if not np.isfinite(bound) or bound <= 0:
        raise ValueError(f"bound must be a positive number of GPa, got {bound!r}.")
    found = [(i, "check the source", f"E = {e:g} GPa is above {bound:g} GPa, stiffer than any molecular crystal "
                                     "below the bound: read the source")
             for i, e in enumerate(d["E_GPa"]) if e > bound]
    return _findings(d.reset_index(drop=True), found)


def curation_keys(df: pd.DataFrame) -> pd.DataFrame:
    """Standardised-structure and paper keys of every row, to group and deduplicate by.

    Parameters
    ----------
    df : pandas.DataFrame
        A table with ``smiles`` (and ``doi``, for the ``paper`` column).

    Returns
    -------
    pandas.DataFrame
        Same index as ``df``: ``structure`` (:func:`standardise_smiles`),
        ``structure_no_stereo`` (the same without stereochemistry), both
        ``None`` for an unreadable SMILES, and ``paper`` (:func:`paper_of`)
        when ``df`` has a ``doi`` column.

    Examples
    --------
    >>> t = pd.DataFrame({"smiles": ["NCC(=O)O", "[NH3+]CC([O-])=O"],
    ...                   "doi": ["10.1002/anie.201810514", "10.1002/ange.201810514"]})
    >>> k = curation_keys(t)
    >>> k.structure.nunique(), k.paper.nunique()
    (1, 1)
    """
    _require_columns(df, ["smiles"], "curation_keys")
    unique = df["smiles"].drop_duplicates()
    stereo = {s: standardise_smiles(s) for s in unique}
    flat = {s: standardise_smiles(s, stereo=False) for s in unique}
    out = pd.DataFrame({"structure": df["smiles"].map(stereo).astype(object),
                        "structure_no_stereo": df["smiles"].map(flat).astype(object)}, index=df.index)
    if "doi" in df:
        out["paper"] = df["doi"].map(paper_of)
    return out


def add_curation_keys(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with the columns of :func:`curation_keys` added, to group by.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["Glycine", "α-Glycine"], "smiles": ["NCC(=O)O", "[NH3+]CC([O-])=O"],
    ...                   "E_GPa": [25.1, 44.0], "doi": ["10.1002/anie.201810514", "10.1002/ange.201810514"]})
    >>> add_curation_keys(t).groupby(["structure", "paper"]).size().tolist()
    [2]
    """
    keys = curation_keys(df)
    clash = [c for c in keys if c in df]
    if clash:
        raise ValueError(f"the table already has column(s) {clash}; drop them before adding the curation keys.")
    return df.join(keys)


def check_structure_duplicates(d: pd.DataFrame, keys: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows with the same standardised structure and the same E as an earlier row.

    Unlike :func:`check_duplicates` (same SMILES string), two drawings of
    one structure match here (a zwitterion and its neutral form, Kekulé and
    aromatic forms, another atom order).  A row that matches an earlier one
    only once stereochemistry is ignored is flagged
    ``"duplicate structure, stereo ignored"``.  Rows without a readable
    SMILES are skipped.  Not run by :func:`audit` (whose flags the book shows).

    Parameters
    ----------
    d : pandas.DataFrame
        A table with ``compound, smiles, E_GPa`` (``doi``, ``source_row`` used when present).
    keys : pandas.DataFrame, optional
        ``curation_keys(d)``, if already computed.

    Returns
    -------
    pandas.DataFrame
        Findings as from :func:`audit`, with the flags of :data:`CURATION_FLAGS`.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["Glycine", "α-Glycine"], "smiles": ["NCC(=O)O", "[NH3+]CC([O-])=O"],
    ...                   "E_GPa": [25.1, 25.1]})
    >>> check_structure_duplicates(t).detail.tolist()
    ["same structure and E = 25.1 GPa as line 2 ('Glycine'), drawn as another SMILES, under the same paper"]
    """
    _require_columns(d, ["compound", "smiles", "E_GPa"], "check_structure_duplicates")
    d = d.reset_index(drop=True)
    keys = curation_keys(d) if keys is None else keys.reset_index(drop=True)
    paper = keys["paper"] if "paper" in keys else pd.Series([""] * len(d))
    e = d["E_GPa"].round(6)
    first: dict[tuple[str, str, float], int] = {}
    found = []
    for i in range(len(d)):
        if keys["structure"].iloc[i] is None:
            continue
        exact, flat = ("s", keys["structure"].iloc[i], e.iloc[i]), ("f", keys["structure_no_stereo"].iloc[i], e.iloc[i])
        j = first.get(exact, first.get(flat))
        if j is not None:
            same_string = str(d["smiles"].iloc[i]).strip() == str(d["smiles"].iloc[j]).strip()
            flag = "duplicate structure" if exact in first else "duplicate structure, stereo ignored"
            found.append((i, flag, f"same structure{' once stereo is ignored' if exact not in first else ''} and "
                                   f"E = {d['E_GPa'].iloc[i]:g} GPa as line {_line(d, j)} "
                                   f"({str(d['compound'].iloc[j]).strip()!r}), "
                                   f"{'same SMILES string' if same_string else 'drawn as another SMILES'}, "
                                   f"under {'the same' if paper.iloc[i] == paper.iloc[j] else 'another'} paper"))
        first.setdefault(exact, i)
        first.setdefault(flat, i)
    return _findings(d, found)


# --------------------------------------------------------------------------
# names against structures (OPSIN)
# --------------------------------------------------------------------------

#: Parts of a compound name that describe the sample, not the chemical: polymorph
#: and form labels, sample states, indenter shapes; removed before OPSIN reads it.
NAME_QUALIFIERS = (
    r"\s*\((?:form|polymorph|rac|before|after|macro|nano|berkovich|spherical|freshly|atmosphere?)[^)]*\)",
    r"\s+(?:form|from|polymorph)\s*(?:[IVX]+|\d+|alpha|beta|gamma)\b.*$",
    r"^[αβγδε]-",
)
_HALO = {"Cl": "chloro", "Br": "bromo", "I": "iodo", "F": "fluoro"}
#: Separators between the components of a co-crystal or salt name, each read on its own.
NAME_COMPONENT_SEPARATORS = r"\s*[–/·]\s*|\s+with\s+"


def chemical_name(compound: object) -> str:
    """The compound name without sample qualifiers, with plain spaces and hyphens.

    Examples
    --------
    >>> chemical_name("Sulfathiazole\xa0Form II"), chemical_name("α-Glycine"), chemical_name("N‑methyl (Form I)")
    ('Sulfathiazole', 'Glycine', 'N-methyl')
    >>> chemical_name("N-(4-ethynylphenyl)-3- fluoro-4-(trifluoromethyl) benzamide.2")
    'N-(4-ethynylphenyl)-3-fluoro-4-(trifluoromethyl)benzamide'
    >>> chemical_name("4,6-Di-Br-resorcinol")
    '4,6-Dibromoresorcinol'

    """
    name = str(compound).replace("\xa0", " ").replace("\u2011", "-").replace("\xad", "").strip()
    for pattern in NAME_QUALIFIERS:
        name = re.sub(pattern, "", name, flags=re.IGNORECASE)
    name = re.sub(r"(?<=[\w\])])- (?=\w)", "-", name)  # '3- fluoro' typed across a line break
    name = re.sub(r"((?i:di|tri))-(Cl|Br|I|F)-", lambda m: m.group(1) + _HALO[m.group(2)], name)  # 'Di-Cl-'
    name = re.sub(r"(?<=\)) (?=[a-z])", "", name)         # '(trifluoromethyl) benzamide'
    return re.sub(r"\.\d+$", "", name).strip()           # '.1', '.2': spreadsheet copies of a name


def resolve_names(names: Iterable[str]) -> dict[str, str | None]:
    """Structures of compound names read by OPSIN (one Java call for all names).

    Each name goes through :func:`chemical_name`; co-crystal and salt names
    are split at :data:`NAME_COMPONENT_SEPARATORS` and their components read
    one by one.  Trivial names OPSIN does not know, abbreviations and names it
    cannot parse give ``None``.

    Raises
    ------
    RuntimeError
        No Java runtime (OPSIN runs on Java); the message says what to install.

    Examples
    --------
    >>> resolve_names(["p-Toluic acid", "Form X of nothing"])  # doctest: +SKIP
    {'p-Toluic acid': 'C1(=CC=C(C=C1)C(=O)O)C', 'Form X of nothing': None}
    """
    if shutil.which("java") is None:
        raise RuntimeError("OPSIN needs a Java runtime (java on the PATH), which is missing: install one "
                           "(e.g. apt-get install default-jre-headless) to compare names with structures.")
    # imported here, not at the top: importing py2opsin starts a Java process (`java -version`)
    # and warns when there is none; only the name checks need it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from py2opsin import py2opsin

    names = list(dict.fromkeys(str(n) for n in names))
    parts = {n: [p for p in re.split(NAME_COMPONENT_SEPARATORS, chemical_name(n)) if p] for n in names}
    unique = sorted({p for ps in parts.values() for p in ps})
    if not unique:
        return dict.fromkeys(names)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unreadable name is an expected outcome: it gives None
        out = py2opsin(unique, tmp_fpath=f"{tmp}/names.txt")
    read = {p: (o or None) for p, o in zip(unique, out, strict=True)}
    resolved: dict[str, str | None] = {}
    for n, ps in parts.items():
        found = [smiles for p in ps if (smiles := read[p])]
        resolved[n] = ".".join(found) if ps and len(found) == len(ps) else None
    return resolved


def _formula_and_skeleton(smiles: str) -> tuple[str, str, int, int] | None:
    """Heavy-atom formula, heavy-atom connectivity, ring and component counts of a standardised structure.

    Hydrogens are left out of both: a name read as a neutral salt ("sodium
    saccharin") and its ionic drawing, or two tautomers, differ only in them.
    The connectivity is the connection layer of the standard InChI.
    """
    mol = parse_smiles(smiles)
    if mol is None:
        return None
    with rdBase.BlockLogs():
        mol = standardize_mol(Chem.Mol(mol))
        formula = re.sub(r"H\d*(?=[A-Z]|$)", "", rdMolDescriptors.CalcMolFormula(mol))
        inchi = Chem.MolToInchi(mol) or ""
    layers = {part[0]: part[1:] for part in inchi.split("/")[2:] if part}
    skeleton = layers.get("c", Chem.MolToSmiles(mol, isomericSmiles=False))
    return formula, skeleton, mol.GetRingInfo().NumRings(), len(Chem.GetMolFrags(mol))


def check_name_structure(d: pd.DataFrame, resolved: dict[str, str | None] | None = None) -> pd.DataFrame:
    """Compare each compound name that OPSIN can read with the row's SMILES.

    A name is compared only when its structure names at least as many
    components as the SMILES holds (otherwise OPSIN read only part of the
    name, or read a co-crystal name as one substituted molecule).  Heavy-atom
    formulas are compared after standardisation (hydrogens, and so protonation
    states, are not compared: :func:`chemistry_findings` sees unbalanced charges);
    with equal formulas, the heavy-atom connectivities (InChI connection
    layers) are compared when both have the same number of rings (an open-chain and a ring form
    of a sugar are not a contradiction).  Not run by :func:`audit`.

    Parameters
    ----------
    d : pandas.DataFrame
        A table with ``compound, smiles`` (``source_row`` used when present).
    resolved : dict, optional
        ``resolve_names(d.compound)``, if already computed.

    Returns
    -------
    pandas.DataFrame
        Findings (``"name/structure formula mismatch"`` or ``"... isomer
        mismatch"``).  ``.attrs["compared"]`` is the number of rows compared;
        ``.attrs["skipped"]`` says why nothing was compared when Java is missing.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["4-Aminobenzoic acid"], "smiles": ["Nc1cccc(C(=O)O)c1"], "E_GPa": [5.0]})
    >>> check_name_structure(t, {"4-Aminobenzoic acid": "NC1=CC=C(C(=O)O)C=C1"}).detail.tolist()
    ['the name reads as NC1=CC=C(C(=O)O)C=C1: same formula C7NO2 (without H), another connectivity']
    """
    _require_columns(d, ["compound", "smiles"], "check_name_structure")
    d = d.reset_index(drop=True)
    if resolved is None:
        try:
            resolved = resolve_names(d["compound"].astype(str))
        except RuntimeError as err:
            out = _findings(d, [])
            out.attrs.update(compared=0, skipped=str(err))
            return out
    found, compared = [], 0
    for i in range(len(d)):
        name_smiles = resolved.get(str(d["compound"].iloc[i]))
        drawn = parse_smiles(d["smiles"].iloc[i])
        if not name_smiles or drawn is None:
            continue
        named = _formula_and_skeleton(name_smiles)
        have = _formula_and_skeleton(str(d["smiles"].iloc[i]))
        if named is None or have is None or named[3] < have[3]:
            continue
        compared += 1
        if named[0] != have[0]:
            found.append((i, "name/structure formula mismatch",
                          f"the name reads as {name_smiles} ({named[0]} without H) but the SMILES is {have[0]}"))
        elif named[1] != have[1] and named[2] == have[2]:
            found.append((i, "name/structure isomer mismatch",
                          f"the name reads as {name_smiles}: same formula {have[0]} (without H), another connectivity"))
    out = _findings(d, found)
    out.attrs.update(compared=compared, skipped="")
    return out


# --------------------------------------------------------------------------
# names against structures: components, salts, dimers, substitution patterns
# --------------------------------------------------------------------------

#: Components a co-crystal, salt or solvate name may name, by name or by the
#: abbreviation used in the literature of the table (lower case), with their
#: neutral structures.  A name part is "recognisable" when it is a key here (or
#: when OPSIN reads it, see :func:`name_components`).
KNOWN_COMPONENTS = {
    "water": "O", "methanol": "CO", "meoh": "CO", "acetonitrile": "CC#N", "mecn": "CC#N",
    "dimethyl sulfoxide": "CS(C)=O", "dmso": "CS(C)=O",
    "hcl": "Cl", "hydrochloride": "Cl", "hbr": "Br", "hydrobromide": "Br",
    "caffeine": "Cn1cnc2c1c(=O)n(C)c(=O)n2C", "theophylline": "Cn1c(=O)c2[nH]cnc2n(C)c1=O",
    "theophyline": "Cn1c(=O)c2[nH]cnc2n(C)c1=O",
    "acetaminophen": "CC(=O)Nc1ccc(O)cc1", "paracetamol": "CC(=O)Nc1ccc(O)cc1", "acm": "CC(=O)Nc1ccc(O)cc1",
    "piroxicam": "CN1C(C(=O)Nc2ccccn2)=C(O)c2ccccc2S1(=O)=O",
    "voriconazole": "CC(c1ncncc1F)C(O)(Cn1cncn1)c1ccc(F)cc1F", "vor": "CC(c1ncncc1F)C(O)(Cn1cncn1)c1ccc(F)cc1F",
    "diphenhydramine": "CN(C)CCOC(c1ccccc1)c1ccccc1", "dph": "CN(C)CCOC(c1ccccc1)c1ccccc1",
    "metformin": "CN(C)C(=N)N=C(N)N", "isoniazid": "NNC(=O)c1ccncc1", "inz": "NNC(=O)c1ccncc1",
    "saccharin": "O=C1NS(=O)(=O)c2ccccc12", "sac": "O=C1NS(=O)(=O)c2ccccc12",
    "acesulfame": "CC1=CC(=O)NS(=O)(=O)O1", "acs": "CC1=CC(=O)NS(=O)(=O)O1",
    "citric acid": "OC(=O)CC(O)(CC(=O)O)C(=O)O", "citrate": "OC(=O)CC(O)(CC(=O)O)C(=O)O",
    "cit": "OC(=O)CC(O)(CC(=O)O)C(=O)O",
    "oxalic acid": "OC(=O)C(=O)O", "oxa": "OC(=O)C(=O)O", "fumaric acid": "OC(=O)C=CC(=O)O",
    "fum": "OC(=O)C=CC(=O)O", "glutaric acid": "OC(=O)CCCC(=O)O", "glutaric": "OC(=O)CCCC(=O)O",
    "benzoic acid": "OC(=O)c1ccccc1", "ba": "OC(=O)c1ccccc1",
    "salicylic acid": "OC(=O)c1ccccc1O", "2hba": "OC(=O)c1ccccc1O",
    "4-hydroxybenzoic acid": "OC(=O)c1ccc(O)cc1", "4hba": "OC(=O)c1ccc(O)cc1", "phb": "OC(=O)c1ccc(O)cc1",
    "4-aminobenzoic acid": "Nc1ccc(C(=O)O)cc1", "p-aminobenzoic acid": "Nc1ccc(C(=O)O)cc1",
    "paba": "Nc1ccc(C(=O)O)cc1", "pab": "Nc1ccc(C(=O)O)cc1",
    "gallic acid": "OC(=O)c1cc(O)c(O)c(O)c1", "ga": "OC(=O)c1cc(O)c(O)c(O)c1",
    "methyl gallate": "COC(=O)c1cc(O)c(O)c(O)c1", "picolinic acid": "OC(=O)c1ccccn1",
    "resorcinol": "Oc1cccc(O)c1", "catechol": "Oc1ccccc1O", "5-cyanoresorcinol": "N#Cc1cc(O)cc(O)c1",
    "trans-1,2-bis(4-pyridyl)ethylene": "C(=Cc1ccncc1)c1ccncc1",
    "1,2,4,5-tetracyanobenzene": "N#Cc1cc(C#N)c(C#N)cc1C#N", "tcnb": "N#Cc1cc(C#N)c(C#N)cc1C#N",
    "1,3,5-trinitrobenzene": "O=[N+]([O-])c1cc(cc(c1)[N+](=O)[O-])[N+](=O)[O-]",
    "tnb": "O=[N+]([O-])c1cc(cc(c1)[N+](=O)[O-])[N+](=O)[O-]",
    "tnt": "Cc1c(cc(cc1[N+](=O)[O-])[N+](=O)[O-])[N+](=O)[O-]",
    "naphthalene": "c1ccc2ccccc2c1", "anthracene": "c1ccc2cc3ccccc3cc2c1", "phenanthrene": "c1ccc2c(c1)ccc1ccccc12",
    "pyrene": "c1cc2ccc3cccc4ccc(c1)c2c34", "perylene": "c1cc2cccc3c4cccc5cccc(c(c1)c23)c54",
    "coronene": "c1cc2ccc3ccc4ccc5ccc6ccc1c1c2c3c4c5c61", "carbazole": "c1ccc2c(c1)[nH]c1ccccc12",
    "dabco": "C1CN2CCN1CC2", "uric acid": "O=c1[nH]c(=O)c2[nH]c(=O)[nH]c2[nH]1",
    "methylene blue": "CN(C)c1ccc2nc3ccc(=[N+](C)C)cc3sc2c1", "5-fluoroisatin": "O=C1Nc2ccc(F)cc2C1=O",
    "glycine": "NCC(=O)O", "l-phenylalanine": "NC(Cc1ccccc1)C(=O)O", "saccharin sodium": "O=C1NS(=O)(=O)c2ccccc12",
}

#: Counter-ions a salt name puts after its parent ("... bromide", "... citrate") or before it
#: ("sodium ..."): split off whatever the rest of the name is.  Ester-like names ("... propionate")
#: are left whole: only anions that rarely name esters are listed.
COUNTER_IONS = {
    "chloride": "[Cl-]", "bromide": "[Br-]", "iodide": "[I-]",
    "picrate": "O=[N+]([O-])c1cc(cc(c1O)[N+](=O)[O-])[N+](=O)[O-]",
    "tartrate": "OC(C(O)C(=O)O)C(=O)O", "citrate": "OC(=O)CC(O)(CC(=O)O)C(=O)O", "fumarate": "OC(=O)C=CC(=O)O",
    "maleate": "OC(=O)/C=C\\C(=O)O", "oxalate": "OC(=O)C(=O)O", "mesylate": "CS(=O)(=O)O",
    "besylate": "OS(=O)(=O)c1ccccc1", "tosylate": "Cc1ccc(cc1)S(=O)(=O)O", "hydrochloride": "Cl",
    "hydrobromide": "Br", "hcl": "Cl",
}
CATIONS = {"sodium": "[Na+]", "potassium": "[K+]", "k": "[K+]", "lithium": "[Li+]", "calcium": "[Ca+2]",
           "magnesium": "[Mg+2]"}

#: Words of a name that announce several components (removed before the name is split).
COMPONENT_WORDS = (r"\b(?:co-?crystals?|salts?|solvates?|bilayers?|anhydrous|anhydrate|"
                   r"(?:mono|di|tri|tetra|penta|hexa|hemi|sesqui)?hydrates?)\b")
#: Separators between the components of a name (a hyphen, dash or space splits only between two recognisable parts).
COMPONENT_SEPARATORS = r"\s*[:·/]\s*|\s+with\s+|,\s+"

#: Sulfonic ester: a salt of a sulfonic acid (camsylate, mesylate, besylate...) drawn as a covalent ester.
SULFONATE_ESTER = "[#6]-[OX2]-S(=O)(=O)-[#6]"

#: Ring substituents a name may place ``4-`` or ``p-``, and their SMARTS (first atom bonded to the ring).
PARA_SUBSTITUENTS = {
    "chloro": "[Cl]", "bromo": "[Br]", "iodo": "[I]", "fluoro": "[F]", "nitro": "[$([NX3](=O)=O),$([NX3+](=O)[O-])]",
    "amino": "[NX3;H2]", "hydroxy": "[OX2;H1]", "methoxy": "[OX2][CH3]", "ethoxy": "[OX2][CH2][CH3]",
    "butoxy": "[OX2][CH2][CH2][CH2][CH3]", "cyano": "C#N", "ethynyl": "C#[CH]", "trifluoromethyl": "C(F)(F)F",
    "dimethylamino": "[NX3]([CH3])[CH3]", "methyl": "[CH3]",
}

#: The curation checks' flags and what they mean (see :func:`curation_audit`).
COMPONENT_FLAGS = {
    "co-crystal drawn as one molecule": ("the name names several components (co-crystal, salt, solvate), "
                                         "the SMILES is one molecule"),
    "named component not drawn": "a component the name names (KNOWN_COMPONENTS or OPSIN) matches no drawn component",
    "unnamed water drawn": "the SMILES holds water but the name says no hydrate or solvate",
    "salt charges unbalanced": "the drawn ions do not add up to zero charge: part of the salt is missing",
    "salt drawn as ester": "a sulfonic ester where the name names no ester (a sulfonate salt drawn covalently)",
    "photodimer drawn": "a cyclobutane formed from two olefin (cinnamic) units, the name says no dimer",
    "para named, not drawn": "the name puts a substituent 4-/p- on a benzene ring, the SMILES does not",
}
CURATION_FLAGS.update(COMPONENT_FLAGS)


def _name_key(part: str) -> str:
    return re.sub(r"\s+", " ", part.strip(" -,.").lower())


def name_components(compound: object, known: Iterable[str] | None = None) -> list[str]:
    """Split a compound name into the names of its components.

    The name goes through :func:`chemical_name`; the words of
    :data:`COMPONENT_WORDS` are removed; the name is split at
    :data:`COMPONENT_SEPARATORS`, then each part at a hyphen or a space
    where both sides are recognisable (keys of :data:`KNOWN_COMPONENTS`, or
    names in ``known``, e.g. those OPSIN reads).

    Parameters
    ----------
    compound : str
        A compound name.
    known : iterable of str, optional
        More recognisable component names (any case).

    Returns
    -------
    list of str
        Component names, lower case, in order (one item for a one-component name).

    Examples
    --------
    >>> name_components("β-Piroxicam-saccharin cocrystal"), name_components("INZ-4HBA")
    (['piroxicam', 'saccharin'], ['inz', '4hba'])
    >>> name_components("Resorcinol/trans-1,2-bis(4-pyridyl)ethylene"), name_components("N-(4-Chlorophenyl)-imine")
    (['resorcinol', 'trans-1,2-bis(4-pyridyl)ethylene'], ['n-(4-chlorophenyl)-imine'])
    """
    recognisable = set(KNOWN_COMPONENTS) | set(COUNTER_IONS) | set(CATIONS) | {_name_key(k) for k in (known or ())}
    name = re.sub(COMPONENT_WORDS, " ", chemical_name(compound), flags=re.IGNORECASE)
    parts = [_name_key(p) for p in re.split(COMPONENT_SEPARATORS, _protect_brackets(name)) if _name_key(p)]
    parts = [p.replace("\x00", ":") for p in parts]

    def split(part: str, vocab: set[str]) -> list[str]:
        if part in vocab:
            return [part]
        for m in re.finditer(r"[-–\s]", part):
            left, right = _name_key(part[:m.start()]), _name_key(part[m.end():])
            if left in vocab and (right in vocab or len(split(right, vocab)) > 1):
                return [left, *split(right, vocab)]
        head, _, tail = part.rpartition(" ")
        if head and tail in COUNTER_IONS:
            return [*split(head, vocab), tail]
        first, _, rest = part.partition(" ")
        if rest and first in CATIONS:
            return [first, *split(rest, vocab)]
        return [part]

    # a split into parts the kit knows comes first; then a whole name OPSIN reads; then OPSIN's parts
    return [q for p in parts for q in (lambda s: s if len(s) > 1 else split(p, recognisable))(
        split(p, set(KNOWN_COMPONENTS) | set(COUNTER_IONS) | set(CATIONS)))]


def _protect_brackets(name: str) -> str:
    """Hide ':' inside [...] locants (e.g. 'thieno[3,2-a:2',3'-c]') from the separators."""
    out, depth = [], 0
    for ch in name:
        depth += ch == "["
        depth -= ch == "]" and depth > 0
        out.append("\x00" if ch == ":" and depth else ch)
    return "".join(out)


def _candidate_parts(compound: object) -> list[str]:
    """Every side of every hyphen, dash or space of each part of a name: what OPSIN is asked to read."""
    name = re.sub(COMPONENT_WORDS, " ", chemical_name(compound), flags=re.IGNORECASE)
    out = []
    for part in re.split(COMPONENT_SEPARATORS, _protect_brackets(name)):
        part = _name_key(part).replace("\x00", ":")
        out.append(part)
        for m in re.finditer(r"[-–\s]", part):
            out += [_name_key(part[:m.start()]), _name_key(part[m.end():])]
    return [p for p in dict.fromkeys(out) if len(p) > 1]


def _component_key(mol: Chem.Mol) -> tuple[str, str]:
    """Heavy-atom formula and InChI connectivity of one component: blind to protons and charges."""
    with rdBase.BlockLogs():
        formula = re.sub(r"H\d*(?=[A-Z]|$)", "", re.sub(r"[+-]\d*$", "", rdMolDescriptors.CalcMolFormula(mol)))
        inchi = Chem.MolToInchi(mol) or ""
    layers = {part[0]: part[1:] for part in inchi.split("/")[2:] if part}
    return formula, layers.get("c", "")


def _components(mol: Chem.Mol) -> list[Chem.Mol]:
    return list(Chem.GetMolFrags(mol, asMols=True))


def component_name_findings(mol: Chem.Mol, compound: str,
                            resolved: dict[str, str | None] | None = None) -> list[tuple[str, str]]:
    """Compare the components a name names with the components drawn.

    Parameters
    ----------
    mol : rdkit.Chem.Mol
        The parsed SMILES.
    compound : str
        The compound name.
    resolved : dict, optional
        Structures of component names read by OPSIN (name -> SMILES or None),
        used for the parts :data:`KNOWN_COMPONENTS` does not hold.

    Returns
    -------
    list of (flag, detail)
        ``"co-crystal drawn as one molecule"`` (several components named, one
        drawn), ``"named component not drawn"`` (a named component with a
        known structure matches no drawn one, protons and charges ignored) and
        ``"unnamed water drawn"``.

    Examples
    --------
    >>> drawn = parse_smiles("Cn1cnc2c1c(=O)n(CC(CCC(=O)O)C(=O)O)c(=O)n2C")
    >>> component_name_findings(drawn, "Caffeine-glutaric acid")[0][1]
    "the name names 2 components ('caffeine', 'glutaric acid'), the SMILES is one molecule"
    >>> component_name_findings(parse_smiles("Oc1ccccc1O.c1cc(ccn1)C=Cc1ccncc1"), "Resorcinol / bpe")
    [('named component not drawn', "'resorcinol' (Oc1cccc(O)c1) is not among the drawn components")]
    """
    resolved = {_name_key(k): v for k, v in (resolved or {}).items()}
    known = {**{k: v for k, v in resolved.items() if v}, **KNOWN_COMPONENTS, **COUNTER_IONS, **CATIONS}
    parts = name_components(compound, known)
    frags = _components(mol)
    out: list[tuple[str, str]] = []
    if len(parts) > 1 and len(frags) == 1:
        out.append(("co-crystal drawn as one molecule",
                    f"the name names {len(parts)} components ({', '.join(map(repr, parts))}), "
                    "the SMILES is one molecule"))
    drawn = {_component_key(f) for f in frags}
    for p in parts:
        ref = known.get(p)
        named = parse_smiles(ref) if ref else None
        if named is not None and len(parts) > 1 and not {_component_key(f) for f in _components(named)} <= drawn:
            out.append(("named component not drawn", f"{p!r} ({ref}) is not among the drawn components"))
    n_water = sum(Chem.MolToSmiles(f) == "O" for f in frags)
    if n_water and not re.search(r"hydrat|solvat|water|aqua|oxacdh", str(compound), re.IGNORECASE):
        out.append(("unnamed water drawn", f"{n_water} water molecule(s) drawn, the name says no hydrate or solvate"))
    return out


def salt_findings(mol: Chem.Mol, compound: str) -> list[tuple[str, str]]:
    """A salt drawn without part of it (unbalanced charges) or as a covalent sulfonic ester.

    Examples
    --------
    >>> salt_findings(parse_smiles("CN(C)CCOC(c1ccccc1)c1ccccc1.[Cl-]"), "DPH-HCl")[0][1]
    'net charge -1: 1 anion(s) drawn and 0 cation(s); a proton or a counter-ion is missing'
    >>> salt_findings(parse_smiles("CS(=O)(=O)OCC"), "Ethyl methanesulfonate")
    []
    >>> salt_findings(parse_smiles("C[N+](C)(C)C.[Cl-]"), "Tetramethylammonium chloride")
    []
    """
    out: list[tuple[str, str]] = []
    charge = Chem.GetFormalCharge(mol)
    if charge:
        frags = [Chem.GetFormalCharge(f) for f in _components(mol)]
        out.append(("salt charges unbalanced",
                    f"net charge {charge:+d}: {sum(c < 0 for c in frags)} anion(s) drawn and "
                    f"{sum(c > 0 for c in frags)} cation(s); a proton or a counter-ion is missing"))
    name = str(compound).lower()
    if mol.HasSubstructMatch(Chem.MolFromSmarts(SULFONATE_ESTER)) and not re.search(r"ester|yl\b.*sulfonate", name):
        out.append(("salt drawn as ester", "a sulfonic ester C-O-S(=O)(=O)-C is drawn but the name names no ester "
                                           "(a sulfonate salt drawn as a covalent ester?)"))
    return out


def photodimer_findings(mol: Chem.Mol, compound: str) -> list[tuple[str, str]]:
    """A cyclobutane ring carrying two or more aryl groups (an olefin photodimer) under a name without 'dimer'.

    Examples
    --------
    >>> dimer = "OC(=O)C1C(c2ccccc2)C(C(=O)O)C1c1ccccc1"
    >>> photodimer_findings(parse_smiles(dimer), "Cinnamic acid")[0][0]
    'photodimer drawn'
    >>> photodimer_findings(parse_smiles(dimer), "Cinnamic acid dimer")
    []
    """
    if re.search(r"dimer|cyclobut|trux|tpcb", str(compound), re.IGNORECASE):
        return []
    for ring in mol.GetRingInfo().AtomRings():
        atoms = [mol.GetAtomWithIdx(i) for i in ring]
        if len(ring) != 4 or any(a.GetSymbol() != "C" or a.GetIsAromatic() or a.GetDegree() < 3 for a in atoms):
            continue
        aryl = sum(any(n.GetIsAromatic() and n.GetIdx() not in ring for n in a.GetNeighbors()) for a in atoms)
        if aryl >= 2:
            return [("photodimer drawn", f"a cyclobutane with {aryl} aryl substituents (two olefins joined, "
                                         "as in a [2+2] photodimer) but the name says no dimer")]
    return []


def para_findings(mol: Chem.Mol, compound: str) -> list[tuple[str, str]]:
    """Substituents the name places 4- or p- on a benzene ring, found on no benzene ring para to another group.

    Only a single locant is read (``4-chloro``, ``p-bromo``, ``para-nitro``,
    ``(4-ethynylphenyl)``), for the substituents of :data:`PARA_SUBSTITUENTS`;
    the finding is made only when the SMILES carries that substituent on a
    benzene ring (elsewhere) at all.

    Examples
    --------
    >>> para_findings(parse_smiles("O=C(Nc1cccc(C#C)c1)c1ccccc1"), "N-(4-ethynylphenyl)benzamide")
    [('para named, not drawn', "the name says '4-ethynyl' but no benzene ring carries ethynyl para to another group")]
    >>> para_findings(parse_smiles("O=C(Nc1ccc(C#C)cc1)c1ccccc1"), "N-(4-ethynylphenyl)benzamide")
    []
    """
    out: list[tuple[str, str]] = []
    name = chemical_name(compound).lower()
    pattern = r"(?<![\d,′'’])(4|p|para)-\(?(" + "|".join(sorted(PARA_SUBSTITUENTS, key=len, reverse=True)) + ")"
    for m in dict.fromkeys(re.finditer(pattern, name), None):
        what = m.group(2)
        x = PARA_SUBSTITUENTS[what]
        on_ring = Chem.MolFromSmarts(f"[c;r6](!@{x})")
        para = Chem.MolFromSmarts(f"[c;r6]1(!@{x}):[c;r6]:[c;r6]:[c;r6](!@[!#1]):[c;r6]:[c;r6]:1")
        if mol.HasSubstructMatch(on_ring) and not mol.HasSubstructMatch(para):
            out.append(("para named, not drawn", f"the name says {m.group(0)!r} but no benzene ring carries "
                                                 f"{what} para to another group"))
    return out


def check_components(d: pd.DataFrame, mols: list[Chem.Mol | None] | None = None,
                     resolved: dict[str, str | None] | None = None) -> pd.DataFrame:
    """:func:`component_name_findings` on every row with a readable SMILES.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["DABCO-carbazole cocrystal"], "E_GPa": [1.0],
    ...                   "smiles": ["c1ccc2c(c1)[nH]c1ccccc12.c1ncc2[nH]cnc2n1"]})
    >>> check_components(t).detail.tolist()
    ["'dabco' (C1CN2CCN1CC2) is not among the drawn components"]
    """
    return _per_structure(d, mols, lambda mol, name: component_name_findings(mol, name, resolved))


def check_salts(d: pd.DataFrame, mols: list[Chem.Mol | None] | None = None) -> pd.DataFrame:
    """:func:`salt_findings` on every row with a readable SMILES.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["VOR-OXA"], "E_GPa": [1.0], "smiles": ["CC(O)c1ccccc1.[O-]C(=O)C([O-])=O"]})
    >>> check_salts(t).flag.tolist()
    ['salt charges unbalanced']
    """
    return _per_structure(d, mols, salt_findings)


def check_photodimers(d: pd.DataFrame, mols: list[Chem.Mol | None] | None = None) -> pd.DataFrame:
    """:func:`photodimer_findings` on every row with a readable SMILES.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["Cinnamic acid"], "E_GPa": [1.0], "smiles": ["OC(=O)C=Cc1ccccc1"]})
    >>> check_photodimers(t).empty
    True
    """
    return _per_structure(d, mols, photodimer_findings)


def check_para(d: pd.DataFrame, mols: list[Chem.Mol | None] | None = None) -> pd.DataFrame:
    """:func:`para_findings` on every row with a readable SMILES.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["p-Bromobenzoic acid"], "E_GPa": [1.0], "smiles": ["OC(=O)c1cccc(Br)c1"]})
    >>> check_para(t).flag.tolist()
    ['para named, not drawn']
    """
    return _per_structure(d, mols, para_findings)


def curation_audit(df: pd.DataFrame, *, resolved: dict[str, str | None] | None = None,
                   opsin: bool = False, bound: float = HIGH_MODULUS_GPa) -> pd.DataFrame:
    """The curation checks (:data:`CURATION_FLAGS`), beside :func:`audit` whose output they leave unchanged.

    Runs :func:`check_structure_duplicates`, :func:`check_high_modulus`,
    :func:`check_components`, :func:`check_salts`, :func:`check_photodimers`,
    :func:`check_para` and, with ``opsin=True`` or ``resolved`` given,
    :func:`check_name_structure`.

    Parameters
    ----------
    df : pandas.DataFrame
        The table (``compound, smiles, E_GPa``; ``doi, source_row`` used when present).
    resolved : dict, optional
        ``resolve_names(...)`` of the compound names and of their components.
    opsin : bool, default False
        Read the names with OPSIN (needs Java).  Where Java is missing the
        OPSIN check is skipped and ``.attrs["skipped"]`` says so.
    bound : float
        The :func:`check_high_modulus` bound in GPa.

    Returns
    -------
    pandas.DataFrame
        Findings (``row, source_row, compound, flag, detail``), ordered by
        flag (as in :data:`CURATION_FLAGS`) then row; ``.attrs["skipped"]``
        is empty or says which check did not run and why.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["Caffeine-glutaric acid", "Caffeine"], "E_GPa": [5.0, 60.0],
    ...                   "smiles": ["Cn1cnc2c1c(=O)n(CC(CCC(=O)O)C(=O)O)c(=O)n2C", "Cn1cnc2c1c(=O)n(C)c(=O)n2C"]})
    >>> for line, flag in curation_audit(t)[["source_row", "flag"]].values:
    ...     print(line, flag)
    3 check the source
    2 co-crystal drawn as one molecule
    2 named component not drawn
    2 named component not drawn
    """
    _require_columns(df, ["compound", "smiles", "E_GPa"], "curation_audit")
    d = df.reset_index(drop=True)
    mols = [parse_smiles(s) for s in d["smiles"]]
    skipped = ""
    if opsin and resolved is None:
        names = list(d["compound"].astype(str))
        try:
            resolved = resolve_names(names + sorted({c for n in names for c in _candidate_parts(n)}))
        except RuntimeError as err:
            skipped = f"name/structure (OPSIN): {err}"
    parts = [check_structure_duplicates(d), check_high_modulus(d, bound), check_components(d, mols, resolved),
             check_salts(d, mols), check_photodimers(d, mols), check_para(d, mols)]
    if resolved is not None:
        parts.append(check_name_structure(d, resolved))
    found = [p for p in parts if len(p)]
    out = pd.concat(found, ignore_index=True) if found else _findings(d, [])
    order = list(CURATION_FLAGS)
    out = out.assign(_o=out.flag.map(order.index)).sort_values(["_o", "row"], kind="stable")
    out = out.drop(columns="_o").reset_index(drop=True)
    out.attrs["skipped"] = skipped
    return out


# --------------------------------------------------------------------------
# the audit's precision and the correction table (package data)
# --------------------------------------------------------------------------

#: Columns of ``mlcrystal/data/audit_review.csv``: one row per (line, check) the curation checks flag.
REVIEW_COLUMNS = ["source_row", "check", "verdict", "reason"]
VERDICTS = ("real", "false alarm")
#: Columns of ``mlcrystal/data/corrections.csv``: one row per corrected cell.
CORRECTION_COLUMNS = ["source_row", "field", "published", "corrected", "reason", "evidence"]


def _package_table(name: str, columns: list[str]) -> pd.DataFrame:
    """Read a kit-authored CSV of the package data (works from an installed wheel)."""
    with (resources.files("mlcrystal") / "data" / name).open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype={"published": str, "corrected": str})
    _require_columns(table, columns, f"mlcrystal/data/{name}")
    return table


def load_audit_review() -> pd.DataFrame:
    """The kit's reading of every row the curation checks flag in the study's table.

    Each row of ``mlcrystal/data/audit_review.csv`` is one (spreadsheet
    line, check) pair of ``curation_audit(load_youngs_modulus(), opsin=True)``
    with the verdict ("real" or "false alarm") reached by reading the
    row's name, SMILES and DOI, and the reason.  "real" says that the check's
    claim holds for the row (for "check the source": that the value is an
    outlier worth reading in the source, not that it is wrong).  The checks
    and :data:`KNOWN_COMPONENTS` were written while reading this table, so
    its precision is measured in sample: expect lower on another table.

    Examples
    --------
    >>> r = load_audit_review()
    >>> sorted(r.verdict.unique())
    ['false alarm', 'real']
    """
    review = _package_table("audit_review.csv", REVIEW_COLUMNS)
    bad = ~review["verdict"].isin(VERDICTS)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"mlcrystal/data/audit_review.csv, row {i}, column 'verdict': expected one of "
                         f"{VERDICTS}, got {review['verdict'].iloc[i]!r}; correct the verdict.")
    return review


def audit_precision(review: pd.DataFrame, findings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per check: rows flagged, rows judged real, and the precision (real / flagged).

    Parameters
    ----------
    review : pandas.DataFrame
        ``source_row, check, verdict`` (as :func:`load_audit_review`), one row per flagged (line, check).
    findings : pandas.DataFrame, optional
        The findings reviewed (``source_row, flag``, e.g. from :func:`curation_audit`); then every
        flagged (line, check) must have a verdict.

    Returns
    -------
    pandas.DataFrame
        ``check, flagged, real, false_alarms, precision``, one row per check, then a row ``"all"``.

    Raises
    ------
    ValueError
        A verdict other than "real"/"false alarm", a (line, check) reviewed twice, or (with
        ``findings``) a flagged (line, check) without a verdict.

    Examples
    --------
    >>> r = pd.DataFrame({"source_row": [2, 3, 3], "check": ["a", "a", "b"],
    ...                   "verdict": ["real", "false alarm", "real"]})
    >>> audit_precision(r)[["check", "flagged", "real", "precision"]].values.tolist()
    [['a', 2, 1, 0.5], ['b', 1, 1, 1.0], ['all', 3, 2, 0.6667]]
    """
    _require_columns(review, ["source_row", "check", "verdict"], "audit_precision (review)")
    bad = ~review["verdict"].isin(VERDICTS)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"review row {i}: verdict must be one of {VERDICTS}, got {review['verdict'].iloc[i]!r}.")
    twice = review.duplicated(["source_row", "check"])
    if twice.any():
        i = int(np.flatnonzero(twice)[0])
        raise ValueError(f"review row {i}: line {review['source_row'].iloc[i]} is reviewed twice under "
                         f"{review['check'].iloc[i]!r}; keep one verdict per (line, check).")
    if findings is not None:
        _require_columns(findings, ["source_row", "flag"], "audit_precision (findings)")
        done = set(zip(review["source_row"], review["check"], strict=True))
        missing = sorted({(int(r), str(c)) for r, c in zip(findings["source_row"], findings["flag"], strict=True)}
                         - done)
        if missing:
            raise ValueError(f"{len(missing)} flagged (line, check) pair(s) have no verdict, e.g. {missing[:3]}; "
                             "read those rows and add them to the review.")
    real = review["verdict"].eq("real")
    g = review.assign(real=real).groupby("check", sort=True)
    out = pd.DataFrame({"flagged": g.size(), "real": g["real"].sum()}).reset_index()
    out.loc[len(out)] = ["all", len(review), int(real.sum())]
    out["flagged"] = out["flagged"].astype(int)
    out["real"] = out["real"].astype(int)
    out["false_alarms"] = out["flagged"] - out["real"]
    out["precision"] = (out["real"] / out["flagged"]).round(4)
    return out[["check", "flagged", "real", "false_alarms", "precision"]]


def load_corrections() -> pd.DataFrame:
    """The kit's correction table ``mlcrystal/data/corrections.csv`` (read from the package data).

    One row per corrected cell: ``source_row`` (line in the spreadsheet),
    ``field`` (a column of :func:`mlcrystal.datasets.load_youngs_modulus`),
    the ``published`` and ``corrected`` values, the ``reason`` and the
    ``evidence`` (name, formulas, DOI).  Only errors that the row itself
    shows are corrected; rows where name or structure could be the wrong one
    stay flagged, uncorrected.

    Examples
    --------
    >>> c = load_corrections()
    >>> c.field.unique().tolist(), bool(c.source_row.is_unique)
    (['smiles'], True)
    """
    return _package_table("corrections.csv", CORRECTION_COLUMNS)


def apply_corrections(df: pd.DataFrame, corrections: pd.DataFrame | None = None) -> pd.DataFrame:
    """A copy of ``df`` with the correction table applied; ``.attrs["corrections"]`` lists every change.

    Each correction names a line (``source_row``) and a ``field``; the
    current value must equal the ``published`` value (text compared without
    surrounding spaces, numbers to 1e-9) before it is replaced.  No row is
    added or removed.

    Parameters
    ----------
    df : pandas.DataFrame
        The table of :func:`mlcrystal.datasets.load_youngs_modulus` (needs ``source_row``).
    corrections : pandas.DataFrame, optional
        Defaults to :func:`load_corrections`.

    Returns
    -------
    pandas.DataFrame
        The corrected copy; ``.attrs["corrections"]`` is a table ``row, source_row,
        compound, field, before, after, reason``.

    Raises
    ------
    ValueError
        A correction names a line not in ``df``, a column it lacks, or a published value that
        does not match the table (the table changed or the correction is stale).

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["Resorcinol"], "smiles": ["Oc1ccccc1O"], "E_GPa": [1.0], "source_row": [2]})
    >>> c = pd.DataFrame({"source_row": [2], "field": ["smiles"], "published": ["Oc1ccccc1O"],
    ...                   "corrected": ["Oc1cccc(O)c1"], "reason": ["catechol drawn"], "evidence": ["name"]})
    >>> out = apply_corrections(t, c)
    >>> out.smiles[0], out.attrs["corrections"][["source_row", "before", "after"]].values.tolist()
    ('Oc1cccc(O)c1', [[2, 'Oc1ccccc1O', 'Oc1cccc(O)c1']])
    """
    corrections = load_corrections() if corrections is None else corrections
    _require_columns(corrections, CORRECTION_COLUMNS, "the correction table")
    _require_columns(df, ["source_row"], "apply_corrections")
    out = df.copy()
    out.attrs = {}
    lines = pd.Series(np.arange(len(out)), index=out["source_row"].to_numpy())
    changes = []
    for k, c in corrections.reset_index(drop=True).iterrows():
        line, field = int(c["source_row"]), str(c["field"])
        where = f"correction {k} (line {line}, field {field!r})"
        if field not in out.columns:
            raise ValueError(f"{where}: the table has no column {field!r}; columns are {list(out.columns)}.")
        if line not in lines.index:
            raise ValueError(f"{where}: the table has no line {line}; correct the table's source_row or drop the "
                             "correction.")
        i = int(lines[line])
        now = out[field].iloc[i]
        numeric = pd.api.types.is_numeric_dtype(out[field])
        same = (np.isclose(float(now), float(c["published"]), rtol=0, atol=1e-9) if numeric
                else str(now).strip() == str(c["published"]).strip())
        if not same:
            raise ValueError(f"{where}: the table holds {now!r}, the correction expects the published value "
                             f"{c['published']!r}; the correction is stale or the table was changed: "
                             "check the row before updating the correction.")
        new = float(c["corrected"]) if numeric else str(c["corrected"]).strip()
        out.iloc[i, out.columns.get_loc(field)] = new
        changes.append({"row": i, "source_row": line, "compound": str(out["compound"].iloc[i]).strip()
                        if "compound" in out else "", "field": field, "before": now, "after": new,
                        "reason": c["reason"]})
    out.attrs["corrections"] = pd.DataFrame(
        changes, columns=["row", "source_row", "compound", "field", "before", "after", "reason"])
    return out
