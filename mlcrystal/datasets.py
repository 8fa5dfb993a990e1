"""Access to the study's public data: download, verify, validate, clean.

Three upstream files are used, each pinned to a commit of its repository and
verified by SHA-256 (see ``data/registry.csv``):

* ``Youngs_modulus_dataset.xlsx``: 393 literature Young's moduli of organic
  crystals (the article's Supplementary Data), MIT licence, kazuki143.
* ``initial_dataset.xlsx``: the 10 initial blocking-force measurements of the
  Bayesian-optimisation campaign, MIT licence, kazuki143.
* ``stiffness_tensors_rev.csv``: experimental and computed elastic stiffness
  tensors of molecular crystals (Taniguchi, CrystEngComm 2024), MIT licence,
  takuyhaa.

Files are downloaded on first use with :mod:`pooch` into the user's cache
folder.  Set the environment variable ``MLCRYSTAL_DATA_DIR`` to a folder that
already holds the files to use it instead; nothing is downloaded then.
Nothing touches the network at import time.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ENV_VAR = "MLCRYSTAL_DATA_DIR"
REGISTRY_FILE = Path(__file__).resolve().parent.parent / "data" / "registry.csv"


@dataclass(frozen=True)
class UpstreamFile:
    """One pinned upstream file: its name, SHA-256, URL and licence."""

    name: str
    sha256: str
    url: str
    licence: str


def _read_registry() -> dict[str, UpstreamFile]:
    # the kit is installed in editable mode (pip install -e .), so data/ is beside it
    with open(REGISTRY_FILE, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {r["file"]: UpstreamFile(r["file"], r["sha256"], r["url"], r["licence"]) for r in rows}


REGISTRY: dict[str, UpstreamFile] = _read_registry()


class DataUnavailableError(FileNotFoundError):
    """An upstream data file is neither present locally nor downloadable."""


def _unavailable(name: str, reason: str) -> DataUnavailableError:
    f = REGISTRY[name]
    return DataUnavailableError(
        f"{name} is not available: {reason}\n"
        f"  Download it by hand from {f.url}\n"
        f"  (SHA-256 {f.sha256}), put it in a folder and set "
        f"{ENV_VAR}=/path/to/that/folder."
    )


def _check_hash(name: str, path: Path) -> None:
    import pooch

    expected = REGISTRY[name].sha256
    actual = pooch.file_hash(str(path), alg="sha256")
    if actual != expected:
        raise ValueError(
            f"{path}: SHA-256 {actual} does not match the pinned hash {expected} of {name}. "
            "The file is corrupted or is a different version; replace it with the file "
            f"from {REGISTRY[name].url}."
        )


def _downloader():
    """The pooch registry of the pinned files, cached in the user's cache folder.

    Built on each call (cheap) so that it always reflects :data:`REGISTRY`
    and the current cache location.
    """
    import pooch

    return pooch.create(
        path=pooch.os_cache("mlcrystal"),
        base_url="",
        registry={f.name: f"sha256:{f.sha256}" for f in REGISTRY.values()},
        urls={f.name: f.url for f in REGISTRY.values()},
    )


def fetch(name: str) -> Path:
    """Return the local path of an upstream file, downloading it if needed.

    Parameters
    ----------
    name : str
        One of the keys of :data:`REGISTRY`.

    Returns
    -------
    pathlib.Path
        A file whose SHA-256 matches the pinned hash.

    Raises
    ------
    DataUnavailableError
        The file is missing from ``MLCRYSTAL_DATA_DIR`` or cannot be downloaded.
    ValueError
        The file's hash does not match.

    Examples
    --------
    >>> fetch("initial_dataset.xlsx").name
    'initial_dataset.xlsx'
    """
    if name not in REGISTRY:
        raise ValueError(f"unknown data file {name!r}; expected one of {sorted(REGISTRY)}")
    local = os.environ.get(ENV_VAR)
    if local:
        path = Path(local).expanduser() / name
        if not path.is_file():
            raise _unavailable(name, f"{ENV_VAR} is set to {local!r} but {path} does not exist.")
        _check_hash(name, path)
        return path

    try:
        out = _downloader().fetch(name)
    except ValueError as err:  # pooch's hash mismatch after download
        raise ValueError(f"{name}: downloaded file refused, hash mismatch. {err}") from err
    except Exception as err:  # network errors come in many types (requests, OSError)
        raise _unavailable(name, f"download failed ({type(err).__name__}: {err}).") from err
    return Path(out)


# --------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------

def _require_columns(df: pd.DataFrame, columns: list[str], source: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{source}: missing column(s) {missing}; found {list(df.columns)}. "
            "Restore the published header row (columns are matched by exact name)."
        )


def _require_numeric(df: pd.DataFrame, columns: list[str], source: str, *, header_rows: int = 1,
                     allow_missing: tuple[str, ...] = ()) -> pd.DataFrame:
    """Convert ``columns`` to float, refusing text and (unless allowed) blanks.

    Rows are reported as 0-based data rows and as the 1-based row in the file
    (the header counts as ``header_rows`` rows).
    """
    out = df.copy()
    for col in columns:
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna() & df[col].notna()
        if col not in allow_missing:
            bad |= df[col].isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{source}, column {col!r}, row {i} (line {i + 1 + header_rows} of the file): "
                f"expected a number, got {df[col].iloc[i]!r}"
                + (f" ({int(bad.sum())} bad cells in this column)" if bad.sum() > 1 else "")
                + ". Fix or blank the cell"
                + ("" if col in allow_missing else " (this column may not be blank)") + "."
            )
        out[col] = values.astype(float)
    return out


def _require_text(df: pd.DataFrame, columns: list[str], source: str) -> None:
    for col in columns:
        bad = df[col].isna() | (df[col].astype(str).str.strip() == "")
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{source}, column {col!r}, row {i} (line {i + 2} of the file): empty cell; "
                "every row needs a value here."
            )


# --------------------------------------------------------------------------
# Young's modulus data set
# --------------------------------------------------------------------------

YOUNGS_COLUMNS = {
    "Compound": "compound",
    "Smiles": "smiles",
    "Method": "method",
    "Density (g/cm3)": "density_g_cm3",
    "E (Gpa)": "E_GPa",
    "S.E.": "E_se_GPa",
    "Reference": "doi",
}

#: Method labels that name the same measurement, mapped to one spelling.
#: Keys are compared after stripping whitespace.
METHOD_LABELS = {
    "Bending test": "Beam bending",
    "Brillouin light scattering (BLS)": "Brillouin light scattering",
    "Knoop microhardness measurements": "Knoop hardness",
    "Knoop hardness test": "Knoop hardness",
    "forced resonance vibration method": "Forced resonance vibration",
    "vibrating reed method": "Vibrating reed",
    "three-point flexural test": "Three-point bending",
    "shearing from the side": "Shearing from the side",
}


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in {".xlsx", ".xls"}:
        return pd.read_excel(path, sheet_name=0)
    return pd.read_csv(path)


def load_youngs_modulus(clean: bool = True, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load the 393 literature Young's moduli of organic crystals.

    Parameters
    ----------
    clean : bool, default True
        If True, apply :func:`clean_youngs_modulus` (whitespace, method labels,
        DOI case); every row is kept.  If False, return the values exactly as
        published, with only the columns renamed.
    path : path-like, optional
        Read this file instead of the pinned upstream file (same layout).

    Returns
    -------
    pandas.DataFrame
        Columns ``compound, smiles, method, density_g_cm3, E_GPa, E_se_GPa,
        doi`` and ``source_row`` (the row's line number in the spreadsheet).

    Examples
    --------
    >>> df = load_youngs_modulus()
    >>> df.shape
    (393, 8)
    >>> float(round(df.E_GPa.median(), 2))
    9.36
    """
    path = Path(path) if path is not None else fetch("Youngs_modulus_dataset.xlsx")
    raw = _read_table(path)
    source = path.name
    _require_columns(raw, list(YOUNGS_COLUMNS), source)
    _require_text(raw, ["Compound", "Smiles", "Method", "Reference"], source)
    raw = _require_numeric(raw, ["E (Gpa)"], source)
    raw = _require_numeric(raw, ["Density (g/cm3)", "S.E."], source, allow_missing=("Density (g/cm3)", "S.E."))
    df = raw[list(YOUNGS_COLUMNS)].rename(columns=YOUNGS_COLUMNS)
    for col in ["compound", "smiles", "method", "doi"]:
        df[col] = df[col].astype(str)
    df["source_row"] = np.arange(len(df)) + 2
    df = df.reset_index(drop=True)
    return clean_youngs_modulus(df).data if clean else df


@dataclass
class CleaningResult:
    """A cleaned table and the report of every cell that cleaning changed."""

    data: pd.DataFrame
    report: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """Counts of changed cells per field and reason."""
        if self.report.empty:
            return pd.DataFrame(columns=["field", "reason", "cells"])
        return (self.report.groupby(["field", "reason"]).size().rename("cells").reset_index()
                .sort_values("cells", ascending=False, kind="stable").reset_index(drop=True))


def clean_youngs_modulus(df: pd.DataFrame) -> CleaningResult:
    """Strip whitespace, unify method labels and DOI case; keep every row.

    Parameters
    ----------
    df : pandas.DataFrame
        The table as returned by ``load_youngs_modulus(clean=False)``.

    Returns
    -------
    CleaningResult
        ``.data`` has the same rows in the same order; ``.report`` has one
        row per changed cell with ``row, source_row, field, before, after,
        reason``.

    Examples
    --------
    >>> raw = pd.DataFrame({"compound": ["A "], "smiles": ["C"], "method": ["Bending test "],
    ...                     "doi": ["10.1039/ABC "], "E_GPa": [1.0]})
    >>> res = clean_youngs_modulus(raw)
    >>> res.data.method[0], res.data.doi[0]
    ('Beam bending', '10.1039/abc')
    >>> len(res.report)
    5
    """
    out = df.copy()
    changes = []

    def record(col, new, reason):
        old = out[col]
        changed = old.ne(new)
        for i in np.flatnonzero(changed.to_numpy()):
            changes.append({"row": int(i), "source_row": int(out["source_row"].iloc[i]) if "source_row" in out else int(i) + 2,
                            "field": col, "before": old.iloc[i], "after": new.iloc[i], "reason": reason})
        out[col] = new

    for col in ["compound", "smiles", "method", "doi"]:
        if col in out:
            record(col, out[col].astype(str).str.strip(), "stray whitespace")
    if "method" in out:
        record("method", out["method"].replace(METHOD_LABELS), "method label unified")
    if "doi" in out:
        record("doi", out["doi"].str.lower(), "DOI case unified (DOIs are case-insensitive)")
    report = pd.DataFrame(changes, columns=["row", "source_row", "field", "before", "after", "reason"])
    return CleaningResult(out, report)


# --------------------------------------------------------------------------
# initial blocking-force measurements
# --------------------------------------------------------------------------

INITIAL_COLUMNS = {
    "Compound": "compound",
    "E": "E_GPa",
    "P": "P_mW_cm2",
    "L": "L_um",
    "W": "W_um",
    "T": "T_um",
    "upper_or_down": "face",
    "target": "force_mN",
}

#: The study's compound numbers for the labels used in ``initial_dataset.xlsx``.
COMPOUND_NUMBERS = {"2-naph": 5, "p-Cl": 9}


def load_initial_blocking_force(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load the study's 10 initial blocking-force measurements.

    Parameters
    ----------
    path : path-like, optional
        Read this file instead of the pinned upstream file (same layout).

    Returns
    -------
    pandas.DataFrame
        Columns ``compound, compound_id, E_GPa, P_mW_cm2, L_um, W_um, T_um,
        face, force_mN``: light intensity in mW/cm^2, sizes in micrometres,
        blocking force in mN; ``compound_id`` is the study's compound number
        and ``face`` the published ``upper_or_down`` flag (which face was lit).

    Examples
    --------
    >>> df = load_initial_blocking_force()
    >>> df.shape
    (10, 9)
    >>> sorted(df.compound_id.unique().tolist())
    [5, 9]
    """
    path = Path(path) if path is not None else fetch("initial_dataset.xlsx")
    raw = _read_table(path)
    _require_columns(raw, list(INITIAL_COLUMNS), path.name)
    _require_text(raw, ["Compound"], path.name)
    raw = _require_numeric(raw, [c for c in INITIAL_COLUMNS if c != "Compound"], path.name)
    df = raw[list(INITIAL_COLUMNS)].rename(columns=INITIAL_COLUMNS)
    df["compound"] = df["compound"].astype(str).str.strip()
    df["face"] = df["face"].astype(int)
    df.insert(1, "compound_id", df["compound"].map(COMPOUND_NUMBERS).astype("Int64"))
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------
# stiffness tensors
# --------------------------------------------------------------------------

VOIGT_COLUMNS = [f"C{i}{j}" for i in range(1, 7) for j in range(1, 7)]
EXPERIMENTAL_METHOD = "Exp"


def load_stiffness_tensors(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load the elastic stiffness tensors of molecular crystals.

    Parameters
    ----------
    path : path-like, optional
        Read this file instead of the pinned upstream file (same layout).

    Returns
    -------
    pandas.DataFrame
        One row per tensor: ``compound``, ``source`` (the published
        ``subname``: first author or data source, may be missing), ``method``
        (``Exp``, ``DFT``, ``S-HF-3c`` or ``NNP``), ``experimental`` (bool)
        and ``C_GPa``, the 6x6 stiffness matrix in Voigt notation, in GPa.

    Examples
    --------
    >>> df = load_stiffness_tensors()
    >>> int(df.experimental.sum())
    123
    >>> df.C_GPa.iloc[0].shape
    (6, 6)
    """
    path = Path(path) if path is not None else fetch("stiffness_tensors_rev.csv")
    raw = _read_table(path)
    _require_columns(raw, ["Compound", "subname", "Method", *VOIGT_COLUMNS], path.name)
    _require_text(raw, ["Compound", "Method"], path.name)
    raw = _require_numeric(raw, VOIGT_COLUMNS, path.name)
    matrices = raw[VOIGT_COLUMNS].to_numpy(float).reshape(-1, 6, 6)
    df = pd.DataFrame({
        "compound": raw["Compound"].astype(str).str.strip(),
        "source": raw["subname"].where(raw["subname"].notna(), None),
        "method": raw["Method"].astype(str).str.strip(),
    })
    df["experimental"] = df["method"].eq(EXPERIMENTAL_METHOD)
    df["C_GPa"] = list(matrices)
    return df


# --------------------------------------------------------------------------
# audit: flag, never delete
# --------------------------------------------------------------------------

#: What each audit flag means.  "acted on" says what the book does with it.
AUDIT_FLAGS = {
    "stray whitespace": "a text cell starts or ends with spaces (fixed by clean_youngs_modulus) or holds a double space",
    "label variant": "a method label or DOI spelled two ways (fixed by clean_youngs_modulus)",
    "duplicate row": "same SMILES and same E as an earlier row (the first occurrence is not flagged)",
    "implausible modulus": "E outside the plausible range for molecular crystals",
    "implausible density": "density outside the plausible range for organic crystals",
    "name/SMILES mismatch": "the SMILES contradicts the compound name",
    "suspicious chemistry": "radicals, unbalanced charge or a metal drawn as a separate neutral atom",
    "multi-component": "several molecules in one SMILES (co-crystal, salt, solvate); kept, counted as one",
}

#: Default plausibility ranges.  A GPa/MPa or g/cm3 vs kg/m3 mix-up shifts a
#: value by 1000x; the ranges are loose on purpose so that they only catch such
#: errors: E from 0.01 to 100 GPa (the median of the data is 9.4 GPa),
#: density from 0.8 to 3.5 g/cm3 (heavily brominated aromatics reach about 3).
E_RANGE_GPa = (0.01, 100.0)
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


def _strip_brackets(name: str) -> str:
    """Remove [...] locant groups (e.g. 'thieno[3,2-a:2',3'-c]') before looking for ':' or '/'."""
    import re

    prev = None
    while prev != name:
        prev, name = name, re.sub(r"\[[^\[\]]*\]", "", name)
    return name


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
        Flags among ``"name/SMILES mismatch"``, ``"suspicious chemistry"``
        and ``"multi-component"``; empty when nothing is found.

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
    import re

    from rdkit import Chem, RDLogger
    from rdkit.Chem import Descriptors

    RDLogger.DisableLog("rdApp.*")
    try:
        mol = Chem.MolFromSmiles(smiles)
    finally:
        RDLogger.EnableLog("rdApp.*")
    if mol is None:
        raise ValueError(f"SMILES {smiles!r} ({compound!r}) could not be parsed by RDKit; correct the string.")
    out: list[tuple[str, str]] = []
    name = str(compound).lower()
    frags = Chem.GetMolFrags(mol, asMols=True)
    parts = [Chem.MolToSmiles(f) for f in frags]
    n_water = sum(p == "O" for p in parts)

    # name <-> SMILES
    for pattern, (smarts, what) in NAME_SUBSTRUCTURES.items():
        m = re.search(pattern, name)
        if m and not mol.HasSubstructMatch(Chem.MolFromSmarts(smarts)):
            out.append(("name/SMILES mismatch", f"name says {m.group(0)!r} but the SMILES lacks {what}"))
    multi_word = re.search(MULTI_COMPONENT_WORDS, name) or re.search(r"[/:]", _strip_brackets(name))
    if multi_word and len(frags) == 1 and "anhydr" not in name:
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

    # chemistry
    radicals = Descriptors.NumRadicalElectrons(mol)
    if radicals:
        out.append(("suspicious chemistry", f"{radicals} unpaired electron(s) (radical or missing hydrogens)"))
    charge = Chem.GetFormalCharge(mol)
    if charge:
        out.append(("suspicious chemistry", f"net formal charge {charge:+d} (a salt with a missing or neutral counter-ion)"))
    for f in frags:
        if f.GetNumAtoms() == 1:
            atom = f.GetAtomWithIdx(0)
            if atom.GetSymbol() in METALS and atom.GetFormalCharge() == 0:
                out.append(("suspicious chemistry",
                            f"metal {atom.GetSymbol()} drawn as a separate neutral atom (a complex drawn as pieces)"))
    if len(frags) > 1:
        out.append(("multi-component", f"{len(frags)} components: " + " . ".join(parts)))
    return out


def audit(df: pd.DataFrame, *, e_range: tuple[float, float] = E_RANGE_GPa,
          density_range: tuple[float, float] = DENSITY_RANGE_G_CM3) -> pd.DataFrame:
    """Flag suspicious rows of the Young's modulus table; delete nothing.

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
        (line in the spreadsheet), ``compound, flag, detail``.  A table row
        can have several findings.  Flags are the keys of :data:`AUDIT_FLAGS`.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["Benzoic acid", "Benzoic acid ", "X"],
    ...                   "smiles": ["OC(=O)c1ccccc1"] * 2 + ["C"],
    ...                   "E_GPa": [4.0, 4.0, 0.001]})
    >>> audit(t).flag.tolist()
    ['stray whitespace', 'duplicate row', 'implausible modulus']
    """
    import re

    _require_columns(df, ["compound", "smiles", "E_GPa"], "audit")
    for lo_hi, what in ((e_range, "e_range"), (density_range, "density_range")):
        if len(lo_hi) != 2 or not lo_hi[0] < lo_hi[1]:
            raise ValueError(f"{what} must be (low, high) with low < high, got {lo_hi!r}.")
    d = df.reset_index(drop=True)
    src = d["source_row"] if "source_row" in d else pd.Series(np.arange(len(d)) + 2)
    rows: list[dict] = []

    def add(i, flag, detail):
        rows.append({"row": int(i), "source_row": int(src.iloc[i]), "compound": str(d["compound"].iloc[i]).strip(),
                     "flag": flag, "detail": detail})

    text_cols = [c for c in ["compound", "smiles", "method", "doi"] if c in d]
    for i in range(len(d)):
        cells = {c: d[c].iloc[i] for c in text_cols if isinstance(d[c].iloc[i], str)}
        ends = [c for c, v in cells.items() if v != v.strip()]
        double = [c for c, v in cells.items() if "  " in v.strip()]
        if ends or double:
            parts = (["leading/trailing spaces in " + ", ".join(ends)] if ends else []) + \
                    (["double space inside " + ", ".join(double)] if double else [])
            add(i, "stray whitespace", "; ".join(parts))
    if "method" in d:
        for i, m in enumerate(d["method"].astype(str).str.strip()):
            if m in METHOD_LABELS:
                add(i, "label variant", f"method {m!r} is another spelling of {METHOD_LABELS[m]!r}")
    if "doi" in d:
        doi = d["doi"].astype(str).str.strip()
        lower = doi.str.lower()
        spellings = doi.groupby(lower).unique()
        for i, (raw_doi, key) in enumerate(zip(doi, lower)):
            if len(spellings[key]) > 1 and raw_doi != key:
                add(i, "label variant", f"DOI {raw_doi!r} also appears as {sorted(set(spellings[key]) - {raw_doi})[0]!r}")

    # duplicates: same structure and same value
    key = d["smiles"].astype(str).str.strip() + "|" + d["E_GPa"].round(6).astype(str)
    first: dict[str, int] = {}
    doi_key = d["doi"].astype(str).str.strip().str.lower() if "doi" in d else pd.Series([""] * len(d))
    for i, k in enumerate(key):
        if k in first:
            j = first[k]
            where = "under the same reference" if doi_key.iloc[i] == doi_key.iloc[j] else "under another reference"
            add(i, "duplicate row", f"same SMILES and E = {d['E_GPa'].iloc[i]:g} GPa as line {int(src.iloc[j])} "
                                    f"({str(d['compound'].iloc[j]).strip()!r}), {where}")
        else:
            first[k] = i

    lo, hi = e_range
    for i, e in enumerate(d["E_GPa"]):
        if not lo <= e <= hi:
            method = f" (method {str(d['method'].iloc[i]).strip()!r})" if "method" in d else ""
            add(i, "implausible modulus", f"E = {e:g} GPa is outside [{lo:g}, {hi:g}] GPa{method}")
    if "density_g_cm3" in d:
        lo, hi = density_range
        for i, rho in enumerate(d["density_g_cm3"]):
            if pd.notna(rho) and not lo <= rho <= hi:
                hint = " (kg/m3 entered as g/cm3?)" if 800 <= rho <= 3500 else ""
                add(i, "implausible density", f"density = {rho:g} g/cm3 is outside [{lo:g}, {hi:g}]{hint}")

    # one name, several structures (stereo ignored: omitting it is not a contradiction)
    from rdkit import Chem, RDLogger

    names = d["compound"].astype(str).str.strip()
    RDLogger.DisableLog("rdApp.*")
    try:
        canon = [Chem.MolToSmiles(m, isomericSmiles=False) if (m := Chem.MolFromSmiles(str(s).strip())) else str(s)
                 for s in d["smiles"]]
    finally:
        RDLogger.EnableLog("rdApp.*")
    canon = pd.Series(canon)
    for name, idx in names.groupby(names).groups.items():
        structures = canon.loc[idx].unique()
        if len(structures) > 1:
            lines = ", ".join(str(int(src.iloc[i])) for i in idx)
            for i in idx:
                add(i, "name/SMILES mismatch",
                    f"the name {name!r} is drawn as {len(structures)} different structures (lines {lines})")

    cache: dict[tuple[str, str], list] = {}
    for i in range(len(d)):
        k = (str(d["smiles"].iloc[i]).strip(), str(d["compound"].iloc[i]).strip())
        if k not in cache:
            cache[k] = smiles_findings(*k)
        for flag, detail in cache[k]:
            add(i, flag, detail)
    order = list(AUDIT_FLAGS)
    out = pd.DataFrame(rows, columns=["row", "source_row", "compound", "flag", "detail"])
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
        ``flag, findings, rows, meaning``, in the order of :data:`AUDIT_FLAGS`
        (flags that never fire are listed with zero).

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A"], "smiles": ["C"], "E_GPa": [0.001]})
    >>> int(audit_summary(audit(t)).set_index("flag").loc["implausible modulus", "rows"])
    1
    """
    _require_columns(flags, ["row", "flag"], "audit_summary")
    g = flags.groupby("flag")
    out = pd.DataFrame({"flag": list(AUDIT_FLAGS)})
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
        Flags whose rows are removed (keys of :data:`AUDIT_FLAGS`).

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
    unknown = [f for f in remove if f not in AUDIT_FLAGS]
    if unknown:
        raise ValueError(f"unknown audit flag(s) {unknown}; expected some of {list(AUDIT_FLAGS)}.")
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


#: Flags whose rows chapter 3 removes to test the design rules' sensitivity:
#: repeated values, a value off by orders of magnitude, and structures that
#: are wrong or doubtful.  Whitespace and labels are fixed by cleaning;
#: density is not a model input; multi-component SMILES are kept, as in the study.
QUESTIONABLE_FLAGS = ["duplicate row", "implausible modulus", "name/SMILES mismatch", "suspicious chemistry"]


def spread_by_compound(df: pd.DataFrame, min_rows: int = 2) -> pd.DataFrame:
    """Spread of Young's moduli among rows of the same structure (SMILES).

    Parameters
    ----------
    df : pandas.DataFrame
        A table with ``smiles``, ``E_GPa`` and ``compound``.
    min_rows : int, default 2
        Only structures with at least this many rows are listed.

    Returns
    -------
    pandas.DataFrame
        One row per SMILES: ``compound`` (first name), ``n``, ``E_min``,
        ``E_max`` (GPa) and ``ratio = E_max / E_min``, largest ratio first.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A", "A", "B"], "smiles": ["C", "C", "CC"],
    ...                   "E_GPa": [1.0, 4.0, 2.0]})
    >>> spread_by_compound(t)[["n", "ratio"]].values.tolist()
    [[2.0, 4.0]]
    """
    _require_columns(df, ["compound", "smiles", "E_GPa"], "spread_by_compound")
    if not isinstance(min_rows, (int, np.integer)) or min_rows < 1:
        raise ValueError(f"min_rows must be a positive integer, got {min_rows!r}.")
    smiles = df["smiles"].astype(str).str.strip()
    g = df.assign(smiles=smiles).groupby("smiles", sort=False).agg(
        compound=("compound", lambda s: str(s.iloc[0]).strip()), n=("E_GPa", "size"),
        E_min=("E_GPa", "min"), E_max=("E_GPa", "max"))
    g = g[g.n >= min_rows].copy()
    g["ratio"] = g.E_max / g.E_min
    return g.sort_values("ratio", ascending=False, kind="stable")
