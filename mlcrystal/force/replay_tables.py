"""The kit's replay tables: their schema, and a loader that refuses damaged tables.

A replay table holds the histories of seeded optimisation campaigns, written
by ``python -m mlcrystal replay`` and read by chapter 7.  The stored tables
ship inside the package (``mlcrystal/data/replay_*.csv.gz``, described in
``mlcrystal/data/README.md``).  :data:`REPLAY_SCHEMA` is the one definition of
their columns, for the writer and for :func:`load_replay`, which refuses,
naming the file (and row and column), a table that an interrupted or
interleaved write has damaged.

What a writer must do so that its table loads: write the columns of
:data:`REPLAY_SCHEMA` in that order (extra columns after them are kept);
leave blank only the columns marked blank-able (``acq``, ``kappa``,
``grid_levels``, ``variant``); write integers as integers; write the same consecutive seeds
for every configuration of a strategy and every experiment ``1..budget`` of every
campaign (the budget may differ between configurations); a table written
before ``landscape`` and ``variant`` existed loads with ``"calibrated"`` and
blank; end the file with a line break; and replace the output only by
renaming a complete temporary file into place.  A plain ``.csv`` cut exactly
at a campaign boundary of the last configuration cannot be told from a
shorter run; a ``.csv.gz`` can (its end-of-stream marker is missing).
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from importlib.resources.abc import Traversable
from pathlib import Path

import pandas as pd

from mlcrystal.datasets import PACKAGE_DATA, first_bad, require_columns, require_numeric

__all__ = ["REPLAY_DIR", "REPLAY_SCHEMA", "REPLAY_CONFIG_COLUMNS", "REPLAY_ADDED_COLUMNS", "REPLAY_HISTORY_COLUMNS",
           "load_replay", "round_history", "REPLAY_DECIMALS"]

#: Where the stored replay tables are: the package data folder ``mlcrystal/data``.
#:
#: :meta hide-value:
REPLAY_DIR = PACKAGE_DATA


#: The one schema of a replay table: column -> (kind, may be blank), in the
#: order the writer must use.  The first six columns are the campaign's
#: configuration, the rest its history (one row per experiment).
REPLAY_SCHEMA: dict[str, tuple[str, bool]] = {
    "strategy": ("text", False), "acq": ("text", True), "kappa": ("number", True),
    "noise": ("number", False), "grid_levels": ("integer", True), "landscape": ("text", False),
    "variant": ("text", True), "seed": ("integer", False),
    "experiment": ("integer", False), "phase": ("text", False), "compound": ("integer", False),
    **{c: ("number", False) for c in ["E_GPa", "L_um", "W_um", "T_um", "P_mW_cm2", "force_mN", "best_mN",
                                      "true_mN"]},
}
#: The configuration columns: one campaign is one (configuration, seed).
REPLAY_CONFIG_COLUMNS = ["strategy", "acq", "kappa", "noise", "grid_levels", "landscape", "variant", "seed"]
#: Configuration columns added after the first tables were stored, and the value a table without them
#: means: ``landscape`` names the landscape ("calibrated", or "member-<draw>" of
#: :func:`mlcrystal.force.ensemble.load_ensemble`); ``variant`` the strategy's named options (e.g. "n_extra=4",
#: "edges"), blank for the defaults.
REPLAY_ADDED_COLUMNS: dict[str, str | None] = {"landscape": "calibrated", "variant": None}
#: The history columns of one campaign, in order.
REPLAY_HISTORY_COLUMNS = [c for c in REPLAY_SCHEMA if c not in REPLAY_CONFIG_COLUMNS]
#: Decimals a replay table keeps of its measured columns (``kappa`` and ``noise`` are kept as given).
REPLAY_DECIMALS = 4


def round_history(block: pd.DataFrame) -> pd.DataFrame:
    """Round a campaign's float columns, in place, to :data:`REPLAY_DECIMALS` as the stored tables are written.

    ``kappa`` and ``noise`` (settings, not measurements) are left as given.

    Examples
    --------
    >>> round_history(pd.DataFrame({"noise": [0.123456], "force_mN": [1.234567]})).values.tolist()
    [[0.123456, 1.2346]]
    """
    floats = block.select_dtypes("float").columns.drop(["kappa", "noise"], errors="ignore")
    block[floats] = block[floats].round(REPLAY_DECIMALS)
    return block


def _replay_path(name: str | os.PathLike[str], directory: str | os.PathLike[str] | None) -> Path | Traversable:
    if isinstance(name, os.PathLike) or os.sep in name or "/" in name:
        return Path(name)
    fname = name if name.endswith((".csv", ".csv.gz")) else f"replay_{name}.csv.gz"
    if directory is not None:
        return Path(directory) / fname
    return REPLAY_DIR / fname  # package data, read without a path (zip-safe)


def _read_replay_bytes(path: Path | Traversable) -> bytes:
    try:
        data = path.read_bytes()
        data = gzip.decompress(data) if path.name.endswith(".gz") else data
    except (EOFError, OSError, zlib.error) as err:
        raise ValueError(f"{path}: not a complete gzip file ({type(err).__name__}: {err}). {_REWRITE}") from err
    if not data:
        raise ValueError(f"{path}: the file is empty. {_REWRITE}")
    if not data.endswith(b"\n"):
        raise ValueError(f"{path}: the table is cut in the middle of its last row (no final line break). {_REWRITE}")
    return data


_REWRITE = "The write was interrupted or the file is corrupt: delete it and run the replay command again."


def _check_replay(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """Types, blanks and completeness of a replay table (see :func:`load_replay`)."""
    for col, value in REPLAY_ADDED_COLUMNS.items():
        if col not in table.columns:
            table.insert(REPLAY_CONFIG_COLUMNS.index(col), col, value)
    if "variant" in table.columns:
        table["variant"] = table["variant"].astype(object)
    require_columns(table, list(REPLAY_SCHEMA), source)
    for col, (kind, blank_ok) in REPLAY_SCHEMA.items():
        if kind == "text":
            first_bad(table[col].isna() & (not blank_ok), table, col, source, 1, "a value", _REWRITE)
            continue
        table = require_numeric(table, [col], source, allow_missing=(col,) if blank_ok else (), fix=_REWRITE)
        if kind == "integer":
            fraction = table[col].notna() & (table[col] != table[col].round())
            first_bad(fraction, table, col, source, 1, "an integer", _REWRITE)
            table[col] = table[col].astype("Int64" if blank_ok else "int64")
    first_bad(~table["phase"].isin(["initial", "search"]), table, "phase", source, 1, "initial or search", _REWRITE)
    config = REPLAY_CONFIG_COLUMNS[:-1]
    n_of = table.groupby(config, dropna=False, sort=False)["experiment"].transform("max")
    campaigns = table.assign(_n=n_of).groupby([*config, "seed"], dropna=False, sort=False)
    for key, g in campaigns:
        exp, n = g["experiment"], int(g["_n"].iloc[0])
        if sorted(exp) != list(range(1, n + 1)):
            counts = exp.value_counts()
            missing = sorted(set(range(1, n + 1)) - set(exp))
            outside = sorted(set(exp) - set(range(1, n + 1)))
            raise ValueError(f"{source}: the campaign {dict(zip([*config, 'seed'], key, strict=True))} has "
                             f"{len(exp)} rows; experiments missing {missing[:10]}, repeated "
                             f"{sorted(counts[counts > 1].index)[:10]}, out of range {outside}"
                             f"; expected 1..{n} once each (n is its configuration's highest experiment). "
                             f"{_REWRITE}")
    seeds = table.groupby(config, dropna=False, sort=False)["seed"].agg(frozenset)
    strategy_of = dict(zip(seeds.index, (k[0] for k in seeds.index), strict=True))
    for key, got in seeds.items():
        same = [v for k, v in seeds.items() if strategy_of[k] == strategy_of[key]]
        span = frozenset(range(min(got), max(got) + 1))
        if missing := sorted(frozenset().union(*same, span) - got):
            raise ValueError(f"{source}: the configuration {dict(zip(config, key, strict=True))} lacks seed(s) "
                             f"{missing[:10]} (a gap in its consecutive seeds, or seeds other configurations "
                             f"of its strategy have); every configuration of a strategy must hold the same "
                             f"consecutive seeds. {_REWRITE}")
    return table


def load_replay(name: str | os.PathLike[str], directory: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Read and check a replay table written by ``python -m mlcrystal replay``.

    Parameters
    ----------
    name : str or path-like
        A stored table's stem (``"main"``) or file name (``"replay_main.csv.gz"``),
        read from the package data (or ``directory``); or the path of a ``.csv``/``.csv.gz`` table.
    directory : path-like, optional
        Folder to read a bare name from, instead of the package data.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`REPLAY_SCHEMA` (and any extra ones), one row per
        experiment; ``grid_levels`` a nullable integer.

    Raises
    ------
    FileNotFoundError
        No such table.
    ValueError
        Naming the file (and the row and column): a truncated or corrupt gzip; a
        table cut mid-row; a garbled row; a cell of the wrong type, or blank where
        :data:`REPLAY_SCHEMA` forbids it; a missing column; a campaign without its
        experiments 1..n (n the same for all campaigns of a configuration); a configuration
        lacking seeds others have.

    Examples
    --------
    >>> main = load_replay("main")
    >>> main.columns[:3].tolist(), main.groupby("strategy").seed.nunique().tolist()
    (['strategy', 'acq', 'kappa'], [100, 100, 100, 100])
    """
    path = _replay_path(name, directory)
    if not path.is_file():
        stored = sorted(p.name for p in REPLAY_DIR.iterdir() if p.name.startswith("replay_"))
        raise FileNotFoundError(f"no replay table at {path} (stored: {stored}); regenerate it with the command in "
                                "mlcrystal/data/README.md (python -m mlcrystal replay ... --out ...).")
    try:
        table = pd.read_csv(io.BytesIO(_read_replay_bytes(path)), low_memory=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        raise ValueError(f"{path}: garbled table ({type(err).__name__}: {err}). {_REWRITE}") from err
    return _check_replay(table, str(path))
