"""Write the table of an interrupted ``python -m mlcrystal replay`` run from its checkpoint (complete campaigns only).

Usage (from the repository root)::

    python benchmarks/finish_replay.py mlcrystal/data/replay_feasibility_ensemble.csv.gz --budget 155

Reads ``<out>.partial.csv``, keeps the campaigns with all ``--budget`` experiments (as ``--resume`` would),
orders and writes them exactly as the command line does, and leaves the checkpoint in place, so that rerunning
the original command with ``--resume`` completes the table later. Prints how many campaigns of each landscape
the table holds.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mlcrystal.cli.checkpoint import CONFIG_COLUMNS, read_checkpoint
from mlcrystal.cli.output import sidecar, write_atomic


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--budget", type=int, required=True)
    args = ap.parse_args(argv)
    table, keys = read_checkpoint(sidecar(args.out, "partial"), args.budget)
    if table.empty:
        raise SystemExit(f"{sidecar(args.out, 'partial')} holds no complete campaign")
    table = table.sort_values(["_setting", "seed", "experiment"], kind="stable").drop(columns="_setting")
    table["grid_levels"] = table["grid_levels"].astype("Int64")
    table = table[CONFIG_COLUMNS + [c for c in table.columns if c not in CONFIG_COLUMNS]].reset_index(drop=True)
    write_atomic(args.out, lambda f: table.to_csv(f, index=False, encoding="utf-8", lineterminator="\n"))
    per = table.groupby("landscape").seed.nunique()
    print(f"wrote {args.out}: {len(keys)} complete campaigns on {len(per)} landscapes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
