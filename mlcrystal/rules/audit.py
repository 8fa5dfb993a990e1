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

The curation pass that :func:`audit` runs after the row checks (its flags are
:data:`~mlcrystal.rules.rows.CURATION_FLAGS`):
:func:`~mlcrystal.rules.curation.curation_keys` standardises structures with the ChEMBL structure
pipeline (with and without stereochemistry) and merges the DOIs of one paper;
:func:`~mlcrystal.rules.curation.check_structure_duplicates` keys duplicates on those structures;
:func:`~mlcrystal.rules.curation.check_name_structure` compares names that OPSIN can read with the
SMILES; :func:`~mlcrystal.rules.curation.check_high_modulus` marks values to check against their source.
:func:`~mlcrystal.rules.curation.name_components` splits a name into its components and
:func:`~mlcrystal.rules.curation.check_components`, :func:`~mlcrystal.rules.curation.check_salts`,
:func:`~mlcrystal.rules.curation.check_photodimers` and
:func:`~mlcrystal.rules.curation.check_para` compare them with the drawn structure (a co-crystal drawn
as one molecule, a named component or counter-ion not drawn, unbalanced
salt charges, a sulfonate salt drawn as an ester, a photodimer drawn for its
monomer, a para substituent drawn elsewhere); :func:`~mlcrystal.rules.curation.curation_audit` runs
all of them.  The kit's verdict on every row they flag in the study's table
is package data (:func:`~mlcrystal.rules.review.load_audit_review`, summarised by
:func:`~mlcrystal.rules.review.audit_precision`), and so is its correction table
(:func:`~mlcrystal.datasets.load_corrections`, applied by :func:`~mlcrystal.datasets.apply_corrections` or
``load_youngs_modulus(corrected=True)``).

What the checks cannot find: a wrong structure whose name is an abbreviation
or a trade name absent from :data:`~mlcrystal.rules.curation.KNOWN_COMPONENTS` (and unread by OPSIN),
a wrong value (only outliers above :data:`~mlcrystal.rules.rows.HIGH_MODULUS_GPa`), a wrong
stoichiometry of a correctly drawn co-crystal, a wrong polymorph or tautomer.

For example:

>>> import pandas as pd
>>> t = pd.DataFrame({"compound": ["Resorcinol"], "smiles": ["Oc1ccccc1O"], "E_GPa": [8.0]})
>>> audit(t)[["flag", "detail"]].values.tolist()
[['name/SMILES mismatch', "name says 'resorcinol' but the SMILES lacks a resorcinol (1,3-dihydroxybenzene) ring"]]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rdkit import Chem
from rdkit.Chem import Descriptors

from mlcrystal.datasets import METHOD_LABELS, CleaningResult, require_columns
from mlcrystal.rules.curation import curation_audit
from mlcrystal.rules.rows import CURATION_FLAGS, parse_smiles, source_line
from mlcrystal.rules.rows import findings_frame as _findings
from mlcrystal.rules.rows import per_structure as _per_structure

__all__ = ["AUDIT_FLAGS", "FIRED_ONLY_FLAGS", "QUESTIONABLE_FLAGS",
           "E_RANGE_GPa", "DENSITY_RANGE_G_CM3", "NAME_SUBSTRUCTURES", "MULTI_COMPONENT_WORDS",
           "METALS", "name_findings", "chemistry_findings",
           "component_findings", "smiles_findings", "check_whitespace", "check_label_variants", "check_duplicates",
           "check_modulus_range", "check_density", "check_unreadable_smiles", "check_same_name",
           "check_name_vs_smiles", "check_suspicious_chemistry", "check_multicomponent", "audit", "audit_summary",
           "drop_flagged"]


#: What each audit flag means, in the order :func:`audit` reports them.
AUDIT_FLAGS = {
    "stray whitespace": ("a text cell starts or ends with spaces (fixed by the cleaning step) "
                         "or holds a double space"),
    "label variant": "a method label or DOI spelled two ways (fixed by the cleaning step)",
    "duplicate row": "same SMILES and same E as an earlier row (the first occurrence is not flagged)",
    "implausible modulus": "E outside the plausible range for molecular crystals",
    "implausible density": "density outside the plausible range for organic crystals",
    "name/SMILES mismatch": "the SMILES contradicts the compound name",
    "suspicious chemistry": "radicals, unbalanced charge or a metal drawn as a separate neutral atom",
    "multi-component": "several molecules in one SMILES (co-crystal, salt, solvate); kept, counted as one",
    "unreadable SMILES": "the SMILES is missing or RDKit cannot parse it; the structure checks skip the row",
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
#: Plausible crystal density range (g/cm3) used by :func:`check_density`.
DENSITY_RANGE_G_CM3 = (0.8, 3.5)

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


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


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
            found.append((i, "duplicate row", f"same SMILES and E = {d['E_GPa'].iloc[i]:g} GPa as line "
                                              f"{source_line(d, j)} "
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
            lines = ", ".join(str(source_line(d, i)) for i in positions)
            found += [(i, "name/SMILES mismatch", f"the name {name!r} is drawn as {canon.loc[idx].nunique()} "
                                                  f"different structures (lines {lines})") for i in positions]
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
          density_range: tuple[float, float] = DENSITY_RANGE_G_CM3, curation: bool = True,
          opsin: bool = False, resolved: dict[str, str | None] | None = None) -> pd.DataFrame:
    """Flag suspicious rows of the Young's modulus table; delete nothing.

    Runs every check in one pass: the row checks whose flags are :data:`AUDIT_FLAGS`, then
    (``curation=True``) the curation pass of
    :func:`~mlcrystal.rules.curation.curation_audit` (flags
    :data:`~mlcrystal.rules.rows.CURATION_FLAGS`: standardised structures with the ChEMBL
    pipeline, a modulus worth checking in its source, names against components, salts, dimers,
    para positions and, with ``opsin=True`` where Java exists or ``resolved`` given, names read by OPSIN).

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
        Plausible densities in g/cm3 (:data:`~mlcrystal.rules.audit.DENSITY_RANGE_G_CM3`).
    curation : bool, default True
        Also run the curation pass (about 4 s for the study's 393 rows); False runs the row checks only.
    opsin : bool, default False
        Read the compound names with OPSIN (needs Java; where Java is missing the check is skipped
        and ``.attrs["skipped"]`` says so).
    resolved : dict, optional
        Names already read (``resolve_names(...)``), instead of running OPSIN.

    Returns
    -------
    pandas.DataFrame
        One row per finding: ``row`` (position in ``df``), ``source_row``
        (line in the spreadsheet), ``compound, flag, detail``, ordered by
        flag (as in :data:`AUDIT_FLAGS`) then row.  A table row can have
        several findings.  A missing or unparsable SMILES is flagged
        ``"unreadable SMILES"`` and the structure checks skip that row.
        ``.attrs["skipped"]`` is empty or names a check that did not run and why.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["Benzoic acid", "Benzoic acid ", "X", "Y"],
    ...                   "smiles": ["OC(=O)c1ccccc1"] * 2 + ["C", "C1CC"],
    ...                   "E_GPa": [4.0, 4.0, 0.001, 5.0]})
    >>> audit(t).flag.tolist()
    ['stray whitespace', 'duplicate row', 'implausible modulus', 'unreadable SMILES', 'duplicate structure']
    >>> audit(t, curation=False).flag.tolist()
    ['stray whitespace', 'duplicate row', 'implausible modulus', 'unreadable SMILES']
    """
    require_columns(df, ["compound", "smiles", "E_GPa"], "audit")
    _check_range(e_range, "e_range")
    _check_range(density_range, "density_range")
    d = df.reset_index(drop=True)
    mols = [parse_smiles(s) for s in d["smiles"]]
    parts = [check_whitespace(d), check_label_variants(d), check_duplicates(d),
             check_modulus_range(d, e_range), check_density(d, density_range), check_same_name(d, mols),
             check_name_vs_smiles(d, mols), check_suspicious_chemistry(d, mols), check_multicomponent(d, mols),
             check_unreadable_smiles(d, mols)]
    skipped = ""
    if curation:
        cur = curation_audit(d, resolved=resolved, opsin=opsin)
        skipped = str(cur.attrs.get("skipped", ""))
        parts.append(cur)
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else _findings(d, [])
    order = list(AUDIT_FLAGS) + list(CURATION_FLAGS)
    out["_o"] = out.flag.map(order.index)
    out = out.sort_values(["_o", "row"], kind="stable").drop(columns="_o").reset_index(drop=True)
    out.attrs["skipped"] = skipped
    return out


def audit_summary(flags: pd.DataFrame) -> pd.DataFrame:
    """Count findings and distinct table rows per audit flag.

    Parameters
    ----------
    flags : pandas.DataFrame
        The output of :func:`audit`.

    Returns
    -------
    pandas.DataFrame
        ``flag, findings, rows, meaning``, in the order of :data:`AUDIT_FLAGS`, then the
        curation flags (:data:`~mlcrystal.rules.rows.CURATION_FLAGS`) that fired.
        Row-check flags that never fire are listed with zero, except the
        :data:`FIRED_ONLY_FLAGS`, listed only when they fire.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A"], "smiles": ["C"], "E_GPa": [0.001]})
    >>> int(audit_summary(audit(t)).set_index("flag").loc["implausible modulus", "rows"])
    1
    """
    require_columns(flags, ["row", "flag"], "audit_summary")
    g = flags.groupby("flag")
    fired = set(flags.flag)
    listed = [f for f in AUDIT_FLAGS if f not in FIRED_ONLY_FLAGS or f in fired]
    listed += [f for f in CURATION_FLAGS if f in fired]
    out = pd.DataFrame({"flag": listed})
    out["findings"] = out.flag.map(g.size()).fillna(0).astype(int)
    out["rows"] = out.flag.map(g.row.nunique()).fillna(0).astype(int)
    out["meaning"] = out.flag.map({**AUDIT_FLAGS, **CURATION_FLAGS})
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
        Flags whose rows are removed (keys of :data:`AUDIT_FLAGS` or :data:`~mlcrystal.rules.rows.CURATION_FLAGS`).

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
    require_columns(flags, ["row", "flag"], "drop_flagged")
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
