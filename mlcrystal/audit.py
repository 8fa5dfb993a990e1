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

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"compound": ["Resorcinol"], "smiles": ["Oc1ccccc1O"], "E_GPa": [8.0]})
>>> audit(t)[["flag", "detail"]].values.tolist()
[['name/SMILES mismatch', "name says 'resorcinol' but the SMILES lacks a resorcinol (1,3-dihydroxybenzene) ring"]]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

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
                                              f"({str(d['compound'].iloc[j]).strip()!r}), {where}"))
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
#: Separators between the components of a co-crystal or salt name, each read on its own.
NAME_COMPONENT_SEPARATORS = r"\s*[–/·]\s*|\s+with\s+"


def chemical_name(compound: object) -> str:
    """The compound name without sample qualifiers, with plain spaces and hyphens.

    Examples
    --------
    >>> chemical_name("Sulfathiazole\xa0Form II"), chemical_name("α-Glycine"), chemical_name("N‑methyl (Form I)")
    ('Sulfathiazole', 'Glycine', 'N-methyl')
    """
    name = str(compound).replace("\xa0", " ").replace("\u2011", "-").strip()
    for pattern in NAME_QUALIFIERS:
        name = re.sub(pattern, "", name, flags=re.IGNORECASE)
    return name.strip()


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
    import shutil
    import tempfile

    if shutil.which("java") is None:
        raise RuntimeError("OPSIN needs a Java runtime (java on the PATH), which is missing: install one "
                           "(e.g. apt-get install default-jre-headless) to compare names with structures.")
    import warnings

    with warnings.catch_warnings():  # py2opsin warns at import and relays OPSIN's parse errors as warnings
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
    return {n: ".".join(read[p] for p in ps) if ps and all(read[p] for p in ps) else None  # type: ignore[misc]
            for n, ps in parts.items()}


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
