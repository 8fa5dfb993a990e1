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

    import pooch

    f = REGISTRY[name]
    cache = pooch.os_cache("mlcrystal")
    try:
        out = pooch.retrieve(url=f.url, known_hash=f"sha256:{f.sha256}", fname=name, path=cache, progressbar=False)
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
    >>> round(df.E_GPa.median(), 2)
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
