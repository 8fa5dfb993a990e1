"""Curation of the modulus table: standardised structures (ChEMBL), papers, names read by OPSIN.

:func:`curation_keys` standardises structures with the ChEMBL structure pipeline and merges the DOIs of
one paper; the name checks compare what a compound's name says (OPSIN, known components, salts, photodimers,
para substitution) with the drawn structure; :func:`curation_audit` runs all of them.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd
from rdkit import Chem, rdBase
from rdkit.Chem import rdMolDescriptors

from mlcrystal.datasets import require_columns
from mlcrystal.rules.rows import CURATION_FLAGS, HIGH_MODULUS_GPa, parse_smiles, source_line
from mlcrystal.rules.rows import findings_frame as _findings
from mlcrystal.rules.rows import per_structure as _per_structure

with rdBase.BlockLogs():  # the ChEMBL pipeline logs "Initializing Normalizer" on import (shown in notebooks)
    from chembl_structure_pipeline import standardize_mol

__all__ = ["standardise_smiles", "paper_of", "check_high_modulus", "curation_keys", "add_curation_keys",
           "check_structure_duplicates", "NAME_QUALIFIERS", "NAME_COMPONENT_SEPARATORS", "chemical_name",
           "resolve_names", "check_name_structure", "KNOWN_COMPONENTS", "COUNTER_IONS", "CATIONS", "COMPONENT_WORDS",
           "COMPONENT_SEPARATORS", "SULFONATE_ESTER", "PARA_SUBSTITUENTS", "name_components",
           "component_name_findings", "salt_findings", "photodimer_findings", "para_findings", "check_components",
           "check_salts", "check_photodimers", "check_para", "curation_audit"]


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
    require_columns(d, ["compound", "smiles", "E_GPa"], "check_high_modulus")
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
    require_columns(df, ["smiles"], "curation_keys")
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

    Unlike :func:`~mlcrystal.rules.audit.check_duplicates` (same SMILES string), two drawings of
    one structure match here (a zwitterion and its neutral form, Kekulé and
    aromatic forms, another atom order).  A row that matches an earlier one
    only once stereochemistry is ignored is flagged
    ``"duplicate structure, stereo ignored"``.  Rows without a readable
    SMILES are skipped.  Run by :func:`~mlcrystal.rules.audit.audit` in its curation pass.

    Parameters
    ----------
    d : pandas.DataFrame
        A table with ``compound, smiles, E_GPa`` (``doi``, ``source_row`` used when present).
    keys : pandas.DataFrame, optional
        ``curation_keys(d)``, if already computed.

    Returns
    -------
    pandas.DataFrame
        Findings as from :func:`~mlcrystal.rules.audit.audit`, with the flags of
        :data:`~mlcrystal.rules.rows.CURATION_FLAGS`.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["Glycine", "α-Glycine"], "smiles": ["NCC(=O)O", "[NH3+]CC([O-])=O"],
    ...                   "E_GPa": [25.1, 25.1]})
    >>> check_structure_duplicates(t).detail.tolist()
    ["same structure and E = 25.1 GPa as line 2 ('Glycine'), drawn as another SMILES, under the same paper"]
    """
    require_columns(d, ["compound", "smiles", "E_GPa"], "check_structure_duplicates")
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
                                   f"E = {d['E_GPa'].iloc[i]:g} GPa as line {source_line(d, j)} "
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
    states, are not compared: :func:`~mlcrystal.rules.audit.chemistry_findings` sees unbalanced charges);
    with equal formulas, the heavy-atom connectivities (InChI connection
    layers) are compared when both have the same number of rings (an open-chain and a ring form
    of a sugar are not a contradiction).  Run by :func:`~mlcrystal.rules.audit.audit` with ``opsin=True``.

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
    require_columns(d, ["compound", "smiles"], "check_name_structure")
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
    """The curation checks (:data:`~mlcrystal.rules.rows.CURATION_FLAGS`): the curation pass that
    :func:`~mlcrystal.rules.audit.audit` runs after its row checks.

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
        flag (as in :data:`~mlcrystal.rules.rows.CURATION_FLAGS`) then row; ``.attrs["skipped"]``
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
    require_columns(df, ["compound", "smiles", "E_GPa"], "curation_audit")
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
