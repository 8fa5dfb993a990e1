"""CPU time per campaign of the authors' loop, the fast "fast" variant and skopt BO, and the cost of
chapter 6's stored replays, as ratios.

Usage (from the repository root, with the study's data reachable)::

    MLCRYSTAL_DATA_DIR=/path/to/data python benchmarks/bench_ch6.py              # recorded numbers
    MLCRYSTAL_DATA_DIR=/path/to/data python benchmarks/bench_ch6.py --measure --budget 100 --seeds 1

The recorded numbers (``benchmarks/ch6_replay_cost.json``) are what the runs that wrote
``mlcrystal/data/replay_authors.csv.gz``, ``replay_ensemble.csv.gz`` and ``replay_ablation.csv.gz``
measured (process CPU time, wall time, machine load); ``--measure`` times fresh campaigns on the
calibrated landscape from the study's 10 measurements, one after the other, one BLAS thread. Nothing here
asserts a timing; quote the load it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

RECORD = Path(__file__).with_name("ch6_replay_cost.json")
LOOPS = {"authors (bayes_opt)": ("authors", {}), "fast variant (n_extra=0)": ("fast", {"n_extra": 0}),
         "skopt BO": ("skopt", {})}


def measure(budget: int, seeds: int) -> dict[str, float]:
    from mlcrystal.force.campaigns import run_campaign
    from mlcrystal.force.landscape import BlockingForceLandscape

    land = BlockingForceLandscape()
    out = {}
    for name, (strategy, options) in LOOPS.items():
        t = []
        for seed in range(seeds):
            c0 = time.process_time()
            run_campaign(land, strategy, budget=budget, random_state=seed, **options)
            t.append(time.process_time() - c0)
        out[name] = sum(t) / len(t)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--measure", action="store_true", help="time fresh campaigns instead of the record")
    ap.add_argument("--budget", type=int, default=100)
    ap.add_argument("--seeds", type=int, default=1)
    args = ap.parse_args(argv)
    record = json.loads(RECORD.read_text())
    print(f"load average now: {os.getloadavg()[0]:.1f}")
    if args.measure:
        per = measure(args.budget, args.seeds)
        print(f"CPU s per campaign of {args.budget} experiments ({args.seeds} seed(s), measured now):")
    else:
        per = record["per_campaign_cpu_s"]
        print(f"CPU s per campaign of {record['per_campaign_budget']} experiments (recorded: "
              f"{record['per_campaign_source']}):")
    bo = per["skopt BO"]
    for name, s in per.items():
        print(f"  {name:28s} {s:7.2f} s   x{s / bo:5.1f} of skopt BO")
    print("Stored replays of chapter 6 (recorded process CPU time, wall time):")
    for name, r in record["replays"].items():
        wall = "     -" if r["wall_s"] is None else f"{r['wall_s']:6.0f}"
        print(f"  {name:28s} {r['campaigns']:4d} campaigns  CPU {r['cpu_s']:7.0f} s  wall {wall} s  "
              f"= {r['cpu_s'] / per['authors (bayes_opt)']:6.1f} authors campaigns, "
              f"{r['cpu_s'] / bo:6.0f} skopt BO campaigns  ({r['note']})")
    chosen = record.get("regenerated_set", [])
    if chosen:  # the tables chapter 7 reads over the ensemble, regenerated in one go
        cpu = sum(record["replays"][n]["cpu_s"] for n in chosen)
        wall = sum(record["replays"][n]["wall_s"] for n in chosen)
        print(f"The regenerated set ({', '.join(chosen)}): CPU {cpu:.0f} s, wall {wall:.0f} s "
              f"= {wall / 3600:.2f} h of wall time on the 2-core machine (budget 2 h: "
              f"{'within' if wall <= 7200 else 'OVER'}); CPU / 2 = {cpu / 7200:.2f} h")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
