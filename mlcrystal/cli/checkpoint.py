"""The checkpoint of a replay: finished campaigns appended as they arrive, read back to resume.

Every finished campaign is appended to ``<out>.partial.csv`` and synced, so
an interrupted run (Ctrl-C, SIGTERM, SIGKILL, a power cut) keeps its finished
work; ``<out>.partial.json`` records the settings it was made with, so that
``--resume`` continues only the same run. This module is the heavy half of
:mod:`mlcrystal.cli.replay` (pandas): the command line reaches it through
:mod:`mlcrystal.cli.kit` after its arguments are checked.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from mlcrystal.force.replay_tables import REPLAY_CONFIG_COLUMNS, round_history

__all__ = ["CONFIG_COLUMNS", "CheckpointError", "append_campaign", "final_table", "read_checkpoint", "read_meta"]

#: Columns written before the campaign history, in order.
CONFIG_COLUMNS = REPLAY_CONFIG_COLUMNS


class CheckpointError(ValueError):
    """A checkpoint that cannot be resumed (the message names the file and the fix)."""


def read_meta(path: Path, checkpoint: Path) -> Any:
    """The settings recorded beside a checkpoint (None when the file is missing)."""
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise CheckpointError(f"{path}, the settings of the checkpoint {checkpoint}, is damaged ({err}); "
                              "pass --force to discard the checkpoint and start over") from None


def read_checkpoint(path: Path, budget: int) -> tuple[pd.DataFrame, set[tuple[int, int]]]:
    """The complete campaigns of a checkpoint, and their ``(setting, seed)`` keys.

    A last line cut short by an interruption is dropped, and so is every
    campaign without exactly ``budget`` rows numbered 1..budget: those
    campaigns run again.
    """
    text = path.read_bytes()
    if not text.endswith(b"\n"):
        text = text[: text.rfind(b"\n") + 1]
    if not text.strip():
        return pd.DataFrame(), set()
    try:
        table = pd.read_csv(io.BytesIO(text), low_memory=False)
        if table.empty:
            return table, set()
        expected = np.arange(1, budget + 1)
        complete = table.groupby(["_setting", "seed"], sort=False)["experiment"].transform(
            lambda e: len(e) == budget and np.array_equal(np.sort(e.to_numpy()), expected))
        complete &= table["force_mN"].notna().groupby([table["_setting"], table["seed"]]).transform("all")
    except (ValueError, KeyError, pd.errors.ParserError) as err:
        raise CheckpointError(f"the checkpoint {path} is damaged ({type(err).__name__}: {err}); pass --force to "
                              "discard it and start over") from None
    table = table[complete.astype(bool)]
    keys = set(map(tuple, table[["_setting", "seed"]].drop_duplicates().to_numpy().tolist()))
    return table.reset_index(drop=True), {(int(a), int(b)) for a, b in keys}


def append_campaign(stream: IO[str], history: pd.DataFrame, setting: dict, index: int, *, header: bool) -> None:
    """Append one finished campaign (its setting's columns first) to the checkpoint and sync it to disk."""
    block = history.copy()
    for k in reversed(CONFIG_COLUMNS[:-1]):
        block.insert(0, k, setting[k])
    block.insert(0, "_setting", index)
    round_history(block).to_csv(stream, index=False, header=header)
    stream.flush()
    os.fsync(stream.fileno())


def final_table(path: Path) -> pd.DataFrame:
    """The finished table from a complete checkpoint: ordered by setting, seed and experiment."""
    table = pd.read_csv(path, low_memory=False)
    table = table.sort_values(["_setting", "seed", "experiment"], kind="stable").drop(columns="_setting")
    table["grid_levels"] = table["grid_levels"].astype("Int64")
    return table[CONFIG_COLUMNS + [c for c in table.columns if c not in CONFIG_COLUMNS]].reset_index(drop=True)
