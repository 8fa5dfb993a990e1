"""Chapter 6's efficiency ratio across every defensible analysis choice, with the baselines side by side.

Usage (from the repository root, ``MLCRYSTAL_DATA_DIR`` set)::

    python benchmarks/ratios_ch6.py baselines --out mlcrystal/data/baselines_ratio_ch6.csv
    python benchmarks/ratios_ch6.py ratios --baselines mlcrystal/data/baselines_ratio_ch6.csv \\
        --out mlcrystal/data/ratios_ch6.csv.gz
    python benchmarks/ratios_ch6.py baselines --prior relative --members 100 \
        --out mlcrystal/data/baselines_ratio_relative.csv
    python benchmarks/ratios_ch6.py ratios --prior relative --baselines mlcrystal/data/baselines_ratio_relative.csv \
        --extra mlcrystal/data/replay_feasibility_calibrated.csv.gz --out mlcrystal/data/ratios_relative.csv.gz

``baselines``: for the calibrated landscape and every kept ensemble member, at 70-95 % of its own optimum,
the cell-centre and edge-including grids of 2 to 10 levels (exact) and random search from at least 20 hits
per target (:func:`mlcrystal.force.baselines.random_search_cost`; a row is a bound where the draw cap came
first). ``ratios``: those baselines over the median experiments to target of the stored campaigns (skopt
BO, the fast variant and the authors' loop under both short-crystal rules), for budgets 100 and 120, with
and without the initial design (:func:`mlcrystal.force.baselines.ratio_choices`). Each step prints its cost.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import pandas as pd

from mlcrystal.force import ensemble
from mlcrystal.force.baselines import baseline_table, first_hits, ratio_choices
from mlcrystal.force.landscape import BlockingForceLandscape
from mlcrystal.force.replay_tables import REPLAY_DIR, load_replay


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def landscapes(members: int | None, prior: str = "absolute") -> dict:
    return {"calibrated": BlockingForceLandscape(),
            **{name: ensemble.member(row) for name, row in ensemble.kept_members(prior, members).items()}}


def histories(extra: list[Path], ensemble_table: str = "ensemble") -> pd.DataFrame:
    """Stored campaigns of the model-based strategies, every landscape, one table."""
    main = load_replay("main").query("strategy in ['skopt', 'fast']")
    main = main.assign(variant=main["variant"].fillna("").replace("", pd.NA))
    main.loc[main.strategy == "fast", "variant"] = "n_extra=4"
    parts = [main, load_replay("authors").query("strategy == 'authors'"),
             load_replay(ensemble_table).query("strategy in ['authors', 'skopt']")]
    parts += [pd.read_csv(p, low_memory=False) for p in extra if p.exists()]
    out = pd.concat(parts, ignore_index=True)
    out["variant"] = out["variant"].fillna("")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=("baselines", "ratios"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--members", type=int, default=None, help="first N kept members (default all)")
    ap.add_argument("--baselines", type=Path, default=REPLAY_DIR / "baselines_ratio_ch6.csv")
    ap.add_argument("--extra", type=Path, nargs="*", default=[REPLAY_DIR / "replay_feasibility_calibrated.csv.gz",
                                                               REPLAY_DIR / "replay_feasibility_ensemble.csv.gz"])
    ap.add_argument("--prior", choices=tuple(ensemble.MEMBER_PREFIXES), default="absolute",
                    help="the ensemble: 'member-<draw>' landscapes with replay_ensemble, or 'relative-<draw>' with "
                    "replay_relative (whose members' rows hold both short-crystal rules: pass --extra only the "
                    "calibrated landscape's replay_feasibility_calibrated.csv.gz)")
    args = ap.parse_args(argv)
    t0, c0 = time.time(), _cpu()
    if args.step == "baselines":
        table = baseline_table(landscapes(args.members, args.prior))
        table.round(6).to_csv(args.out, index=False)
        print(f"{args.out}: {len(table)} rows, {table.landscape.nunique()} landscapes; "
              f"random-search rows marked 'bound': {int((table.kind == 'bound').sum())}")
    else:
        base = pd.read_csv(args.baselines)
        hist = histories(args.extra, "ensemble" if args.prior == "absolute" else "relative")
        hist = hist[hist.landscape.isin(set(base.landscape))]
        optima = base.groupby("landscape").optimum_mN.first().to_dict()
        hits = first_hits(hist, optima)
        table = ratio_choices(hits, base)
        table.round(6).to_csv(args.out, index=False)
        print(f"{args.out}: {len(table)} rows")
    print(f"cost: {time.time() - t0:.0f} s wall, {_cpu() - c0:.0f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
