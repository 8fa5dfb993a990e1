"""Access to the study's public data: download, verify, validate, load, clean.

Three upstream files, each pinned to a commit of its repository and verified by
SHA-256 (the pooch registry ``mlcrystal/data/registry.txt``; licences in
:data:`LICENCES`): ``Youngs_modulus_dataset.xlsx`` (393 literature Young's
moduli, the article's Supplementary Data), ``initial_dataset.xlsx`` (the 10
initial blocking-force measurements) and ``stiffness_tensors_rev.csv``
(stiffness tensors of molecular crystals, Taniguchi, CrystEngComm 2024).
They are downloaded on first use with :mod:`pooch` into the user's cache
folder, or read from the folder named by ``MLCRYSTAL_DATA_DIR`` (nothing is
downloaded then); nothing touches the network at import.  The kit's own tables
(``mlcrystal/data``) are read through :func:`package_file`, which works from a
zipped install; the correction table is applied by :func:`apply_corrections`.
The replay tables are read by :mod:`mlcrystal.force.replay_tables`; the
chemistry audit is :mod:`mlcrystal.rules.audit`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pooch

from mlcrystal import study

__all__ = ["ENV_VAR", "PACKAGE_DATA", "LICENCES", "UpstreamFile", "package_file", "read_package_csv", "REGISTRY",
           "DataUnavailableError", "fetch", "require_columns", "first_bad", "require_numeric", "require_text",
           "YOUNGS_COLUMNS", "METHOD_LABELS", "load_youngs_modulus", "CleaningResult", "clean_youngs_modulus",
           "spread_by_compound", "INITIAL_COLUMNS", "load_initial_blocking_force", "VOIGT_COLUMNS",
           "EXPERIMENTAL_METHOD", "load_stiffness_tensors", "CORRECTION_COLUMNS", "load_corrections",
           "apply_corrections", "CHECKOUT_DATA_DIR", "checkout_copy"]

ENV_VAR = "MLCRYSTAL_DATA_DIR"
#: A checkout's top-level ``data/`` folder (beside ``mlcrystal/``, with its README): upstream files kept
#: there are read without download when ``MLCRYSTAL_DATA_DIR`` is unset. An installed wheel has none.
#: (Its value is a path on the machine that imports the kit.)
#:
#: :meta hide-value:
CHECKOUT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: The kit's package data (``mlcrystal/data``): the pooch registry, the stored tables.
#:
#: :meta hide-value:
PACKAGE_DATA = resources.files("mlcrystal") / "data"
#: Licence of each upstream file (the registry holds names, hashes and URLs).
LICENCES = {"Youngs_modulus_dataset.xlsx": "MIT (c) 2025 kazuki143",
            "initial_dataset.xlsx": "MIT (c) 2025 kazuki143",
            "stiffness_tensors_rev.csv": "MIT (c) 2023 takuyhaa"}


@dataclass(frozen=True)
class UpstreamFile:
    """One pinned upstream file: its name, SHA-256, URL and licence."""

    name: str
    sha256: str
    url: str
    licence: str


def package_file(name: str) -> Traversable:
    """One file of the kit's package data (``mlcrystal/data``), zip-safe.

    The one reader of the package data: open the result with ``.open()``
    or ``.read_bytes()`` (never turn it into a path: an installed package
    may be a zip file).

    Raises
    ------
    FileNotFoundError
        ``name`` is not in the package data; the message lists what is.

    Examples
    --------
    >>> package_file("registry.txt").read_text(encoding="utf-8").startswith("#")
    True
    """
    item = PACKAGE_DATA / name
    if not item.is_file():
        have = sorted(t.name for t in PACKAGE_DATA.iterdir() if t.is_file())
        raise FileNotFoundError(f"mlcrystal/data/{name} is not in the package data; it holds {have}. "
                                "Reinstall the package or check the name.")
    return item


def read_package_csv(name: str, columns: list[str], **read_csv: Any) -> pd.DataFrame:
    """Read a kit-authored CSV table of the package data and check its columns.

    Parameters
    ----------
    name : str
        File name in ``mlcrystal/data`` (``.csv`` or ``.csv.gz``).
    columns : list of str
        Columns the table must have (a missing one is refused, naming the file).
    **read_csv
        Passed to :func:`pandas.read_csv`.

    Examples
    --------
    >>> read_package_csv("corrections.csv", CORRECTION_COLUMNS).columns[0]
    'source_row'
    """
    with package_file(name).open("rb") as fh:
        table = pd.read_csv(fh, compression="gzip" if name.endswith(".gz") else None, **read_csv)
    require_columns(table, columns, f"mlcrystal/data/{name}")
    return table


def _pooch_registry() -> pooch.Pooch:
    """The pinned files as a pooch registry read from the package data (no download)."""
    pup = pooch.create(path=pooch.os_cache("mlcrystal"), base_url="")
    with package_file("registry.txt").open("r", encoding="utf-8") as fh:
        pup.load_registry(fh)
    return pup


def _read_registry() -> dict[str, UpstreamFile]:
    pup = _pooch_registry()
    return {name: UpstreamFile(name, digest.removeprefix("sha256:"), pup.urls[name], LICENCES[name])
            for name, digest in pup.registry.items()}


#: The pinned upstream files by name, read from the package's pooch registry (``registry.txt``).
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
    expected = REGISTRY[name].sha256
    actual = pooch.file_hash(str(path), alg="sha256")
    if actual != expected:
        raise ValueError(
            f"{path}: SHA-256 {actual} does not match the pinned hash {expected} of {name}. "
            "The file is corrupted or is a different version; replace it with the file "
            f"from {REGISTRY[name].url}."
        )


def _downloader() -> pooch.Pooch:
    """The pooch registry of :data:`~mlcrystal.datasets.REGISTRY` in the current cache folder (built per call,
    cheap)."""
    return pooch.create(path=pooch.os_cache("mlcrystal"), base_url="",
                        registry={f.name: f"sha256:{f.sha256}" for f in REGISTRY.values()},
                        urls={f.name: f.url for f in REGISTRY.values()})


def checkout_copy(name: str) -> Path | None:
    """The upstream file ``name`` in a checkout's ``data/`` folder (:data:`CHECKOUT_DATA_DIR`), if it is there.

    Examples
    --------
    >>> checkout_copy("no such file") is None
    True
    """
    root = CHECKOUT_DATA_DIR
    if not ((root / "README.md").is_file() and (root.parent / "pyproject.toml").is_file()):
        return None  # not a checkout: an installed package
    path = root / name
    return path if path.is_file() else None


def fetch(name: str) -> Path:
    """Return the local path of an upstream file, downloading it if needed.

    Looked for in ``MLCRYSTAL_DATA_DIR`` when it is set (and only there); else
    in a checkout's ``data/`` folder (:func:`checkout_copy`); else in pooch's
    cache folder, downloaded there the first time.

    Parameters
    ----------
    name : str
        One of the keys of :data:`~mlcrystal.datasets.REGISTRY`.

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
    kept = checkout_copy(name)
    if kept is not None:
        _check_hash(name, kept)
        return kept
    try:
        out = _downloader().fetch(name)
    except ValueError as err:  # pooch's hash mismatch after download
        raise ValueError(f"{name}: downloaded file refused, hash mismatch. {err}") from err
    except Exception as err:  # network errors come in many types (requests, OSError)
        raise _unavailable(name, f"download failed ({type(err).__name__}: {err}).") from err
    return Path(out)


# --------------------------------------------------------------------------
# reading and validation
# --------------------------------------------------------------------------

def _read_table(path: Path) -> pd.DataFrame:
    """Read the first sheet of a workbook, or a CSV; refuse unreadable or empty files, naming them."""
    excel = path.suffix.lower() in {".xlsx", ".xls"}
    what = "an Excel workbook" if excel else "a CSV table"
    try:
        df = pd.read_excel(path, sheet_name=0) if excel else pd.read_csv(path)
    except FileNotFoundError:
        raise
    except Exception as err:  # zipfile, openpyxl, xlrd and the CSV parser each raise their own types
        raise ValueError(f"{path}: cannot be read as {what} ({type(err).__name__}: {err}). The file is "
                         "truncated, corrupted or in another format; replace it with the original file"
                         + (" (saved as .xlsx, not CSV renamed)." if excel else ".")) from err
    if df.empty:
        raise ValueError(f"{path}: {'the first sheet' if excel else 'the table'} has no data rows "
                         f"(columns found: {list(df.columns)}); restore the published rows.")
    return df


def require_columns(df: pd.DataFrame, columns: list[str], source: str, path: Path | None = None) -> None:
    """Refuse missing columns; for a workbook, say on which sheet the columns are, if any."""
    missing = [c for c in columns if c not in df.columns]
    if not missing:
        return
    hint = "Restore the published header row (columns are matched by exact name)."
    if path is not None and path.suffix.lower() == ".xlsx":
        with pd.ExcelFile(path) as book:
            sheets = [str(s) for s in book.sheet_names]
            holders = [s for s in sheets[1:] if set(columns) <= set(pd.read_excel(book, sheet_name=s, nrows=0).columns)]
        hint = (f"The workbook's sheets are {sheets}; the data must be on the first sheet"
                + (f", but they are on {holders[0]!r}: move that sheet first." if holders else ". " + hint))
    raise ValueError(f"{source}: missing column(s) {missing}; found {list(df.columns)}. {hint}")


def first_bad(bad: pd.Series, df: pd.DataFrame, col: str, source: str, header_rows: int, expected: str,
               fix: str) -> None:
    """Raise for the first True of ``bad``: file, column, row and line, what was expected and got, the fix."""
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy(dtype=bool, na_value=False))[0])
        n = int(bad.sum())
        got = df[col].iloc[i]
        got = "a blank cell" if pd.isna(got) else repr(got.item() if isinstance(got, np.generic) else got)
        raise ValueError(f"{source}, column {col!r}, row {i} (line {i + 1 + header_rows} of the file): expected "
                         f"{expected}, got {got}" + (f" ({n} bad cells in this column)" if n > 1 else "") + f". {fix}")


def require_numeric(df: pd.DataFrame, columns: list[str], source: str, *, header_rows: int = 1,
                     allow_missing: tuple[str, ...] = (), positive: tuple[str, ...] = (),
                     fix: str = "") -> pd.DataFrame:
    """Convert ``columns`` to float, refusing text, non-finite values and (unless allowed) blanks.

    Columns in ``positive`` must be > 0.  Rows are reported as 0-based data
    rows and as the 1-based line in the file (the header is ``header_rows`` lines).
    """
    out = df.copy()
    for col in columns:
        values = pd.to_numeric(df[col], errors="coerce").astype(float)
        bad = (values.isna() & df[col].notna()) | np.isinf(values)
        if col not in allow_missing:
            bad |= df[col].isna()
        first_bad(bad, df, col, source, header_rows, "a finite number", fix or "Fix or blank the cell"
                   + ("" if col in allow_missing else " (this column may not be blank)") + ".")
        if col in positive:
            first_bad(values <= 0, df, col, source, header_rows, "a positive number",
                       "Sizes, intensities and moduli are > 0: correct the sign or the value.")
        out[col] = values
    return out


def require_text(df: pd.DataFrame, columns: list[str], source: str) -> None:
    for col in columns:
        bad = df[col].isna() | (df[col].astype(str).str.strip() == "")
        first_bad(bad, df, col, source, 1, "text", "Every row needs a value here: fill the empty cell.")


# --------------------------------------------------------------------------
# Young's modulus data set
# --------------------------------------------------------------------------

YOUNGS_COLUMNS = {"Compound": "compound", "Smiles": "smiles", "Method": "method", "Density (g/cm3)": "density_g_cm3",
                  "E (Gpa)": "E_GPa", "S.E.": "E_se_GPa", "Reference": "doi"}

#: Method labels that name the same measurement, mapped to one spelling.
#: Keys are compared after stripping whitespace.
METHOD_LABELS = {
    "Bending test": "Beam bending", "Brillouin light scattering (BLS)": "Brillouin light scattering",
    "Knoop microhardness measurements": "Knoop hardness", "Knoop hardness test": "Knoop hardness",
    "forced resonance vibration method": "Forced resonance vibration", "vibrating reed method": "Vibrating reed",
    "three-point flexural test": "Three-point bending", "shearing from the side": "Shearing from the side",
}


def load_youngs_modulus(clean: bool = True, path: str | os.PathLike[str] | None = None, *,
                        corrected: bool = False) -> pd.DataFrame:
    """Load the 393 literature Young's moduli of organic crystals.

    Parameters
    ----------
    clean : bool, default True
        If True, apply :func:`clean_youngs_modulus` (whitespace, method labels,
        DOI case); every row is kept.  If False, return the values exactly as
        published, with only the columns renamed.
    path : path-like, optional
        Read this file instead of the pinned upstream file (same layout).
    corrected : bool, default False
        Apply the kit's correction table (:func:`mlcrystal.datasets.apply_corrections`; no row is removed).

    Returns
    -------
    pandas.DataFrame
        Columns ``compound, smiles, method, density_g_cm3, E_GPa, E_se_GPa,
        doi`` and ``source_row`` (the row's line number in the spreadsheet);
        with ``corrected=True``, ``.attrs["corrections"]`` lists every change.

    Raises
    ------
    ValueError
        The file cannot be read, has no rows or lacks a column; a modulus is
        blank, not a finite number or not positive; a text cell is empty.

    Examples
    --------
    >>> df = load_youngs_modulus()
    >>> df.shape
    (393, 8)
    >>> float(round(df.E_GPa.median(), 2))
    9.36
    >>> len(load_youngs_modulus(corrected=True).attrs["corrections"])
    31
    """
    path = Path(path) if path is not None else fetch("Youngs_modulus_dataset.xlsx")
    raw = _read_table(path)
    source = path.name
    require_columns(raw, list(YOUNGS_COLUMNS), source, path)
    require_text(raw, ["Compound", "Smiles", "Method", "Reference"], source)
    raw = require_numeric(raw, ["E (Gpa)"], source, positive=("E (Gpa)",))
    raw = require_numeric(raw, ["Density (g/cm3)", "S.E."], source, allow_missing=("Density (g/cm3)", "S.E."))
    df = raw[list(YOUNGS_COLUMNS)].rename(columns=YOUNGS_COLUMNS)
    for col in ["compound", "smiles", "method", "doi"]:
        df[col] = df[col].astype(str)
    df["source_row"] = np.arange(len(df)) + 2
    df = df.reset_index(drop=True)
    df = clean_youngs_modulus(df).data if clean else df
    if corrected:
        df = apply_corrections(df)
    return df


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

    def record(col: str, new: pd.Series, reason: str) -> None:
        changed = out[col].ne(new)
        for i in np.flatnonzero(changed.to_numpy()):
            src = int(out["source_row"].iloc[i]) if "source_row" in out else int(i) + 2
            changes.append({"row": int(i), "source_row": src, "field": col, "before": out[col].iloc[i],
                            "after": new.iloc[i], "reason": reason})
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


def spread_by_compound(df: pd.DataFrame, min_rows: int = 2, key: str = "smiles") -> pd.DataFrame:
    """Spread of Young's moduli among rows of the same structure.

    Parameters
    ----------
    df : pandas.DataFrame
        A table with ``compound``, ``E_GPa`` and the ``key`` column.
    min_rows : int, default 2
        Only structures with at least this many rows are listed.
    key : str, default "smiles"
        The column that names a structure: the SMILES string as published,
        or a standardised structure (``structure`` or ``structure_no_stereo``
        of :func:`mlcrystal.rules.curation.curation_keys`).

    Returns
    -------
    pandas.DataFrame
        One row per structure (the index): ``compound`` (first name), ``n``,
        ``E_min``, ``E_max`` (GPa) and ``ratio = E_max / E_min``, largest ratio first.

    Examples
    --------
    >>> t = pd.DataFrame({"compound": ["A", "A", "B"], "smiles": ["C", "C", "CC"],
    ...                   "E_GPa": [1.0, 4.0, 2.0]})
    >>> spread_by_compound(t)[["n", "ratio"]].values.tolist()
    [[2.0, 4.0]]
    """
    require_columns(df, ["compound", key, "E_GPa"], "spread_by_compound")
    if not isinstance(min_rows, (int, np.integer)) or min_rows < 1:
        raise ValueError(f"min_rows must be a positive integer, got {min_rows!r}.")
    first_bad(df[key].isna(), df, key, "spread_by_compound", 1, "a structure",
               f"Drop or fix the rows without a {key!r} (an unreadable SMILES has no standardised structure).")
    g = df.assign(**{key: df[key].astype(str).str.strip()}).groupby(key, sort=False).agg(
        compound=("compound", lambda s: str(s.iloc[0]).strip()), n=("E_GPa", "size"),
        E_min=("E_GPa", "min"), E_max=("E_GPa", "max"))
    g = g[g.n >= min_rows].copy()
    g["ratio"] = g.E_max / g.E_min
    return g.sort_values("ratio", ascending=False, kind="stable")


# --------------------------------------------------------------------------
# initial blocking-force measurements
# --------------------------------------------------------------------------

INITIAL_COLUMNS = {"Compound": "compound", "E": "E_GPa", "P": "P_mW_cm2", "L": "L_um", "W": "W_um", "T": "T_um",
                   "upper_or_down": "face", "target": "force_mN"}


def load_initial_blocking_force(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
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
        (:data:`mlcrystal.study.COMPOUND_LABELS`) and ``face`` the published
        ``upper_or_down`` flag (which face was lit, 0 or 1).

    Raises
    ------
    ValueError
        The file cannot be read, has no rows or lacks a column; a number is
        blank, not finite, or (modulus, sizes, intensity) not positive;
        ``upper_or_down`` is not 0 or 1; a compound label is unknown.

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
    source = path.name
    require_columns(raw, list(INITIAL_COLUMNS), source, path)
    require_text(raw, ["Compound"], source)
    raw = require_numeric(raw, [c for c in INITIAL_COLUMNS if c != "Compound"], source,
                           positive=("E", "P", "L", "W", "T"))
    first_bad(~raw["upper_or_down"].isin([0.0, 1.0]), raw, "upper_or_down", source, 1, "0 or 1 (the lit face)",
               "Enter 0 or 1.")
    labels = raw["Compound"].astype(str).str.strip()
    first_bad(~labels.isin(list(study.COMPOUND_LABELS)), raw, "Compound", source, 1,
               f"one of the study's labels {list(study.COMPOUND_LABELS)}",
               "Correct the label, or add the compound to mlcrystal.study.COMPOUND_LABELS if it is published.")
    df = raw[list(INITIAL_COLUMNS)].rename(columns=INITIAL_COLUMNS)
    df["compound"] = labels
    df["face"] = df["face"].astype(int)
    df.insert(1, "compound_id", df["compound"].map(dict(study.COMPOUND_LABELS)).astype("Int64"))
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------
# stiffness tensors
# --------------------------------------------------------------------------

VOIGT_COLUMNS = [f"C{i}{j}" for i in range(1, 7) for j in range(1, 7)]
EXPERIMENTAL_METHOD = "Exp"


def load_stiffness_tensors(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
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
    require_columns(raw, ["Compound", "subname", "Method", *VOIGT_COLUMNS], path.name, path)
    require_text(raw, ["Compound", "Method"], path.name)
    raw = require_numeric(raw, VOIGT_COLUMNS, path.name)
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
# the kit's correction table (package data)
# --------------------------------------------------------------------------

CORRECTION_COLUMNS = ["source_row", "field", "published", "corrected", "reason", "evidence"]



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
    return read_package_csv("corrections.csv", CORRECTION_COLUMNS, dtype={"published": str, "corrected": str})


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
    require_columns(corrections, CORRECTION_COLUMNS, "the correction table")
    require_columns(df, ["source_row"], "apply_corrections")
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
