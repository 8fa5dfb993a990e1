"""Chapter 6's computed baselines, per landscape: random search's expected experiments to the target
(from a reference pool, :func:`mlcrystal.force.metrics.random_baseline`) and the grids' expected first hit
(cell-centre and edge-including, 4 and 5 levels, :func:`mlcrystal.force.metrics.grid_baseline`).

Usage (from the repository root)::

    python benchmarks/baselines_ch6.py --out mlcrystal/data/baselines_ch6.csv
    python benchmarks/baselines_ch6.py --prior relative --members 100 --out mlcrystal/data/baselines_relative.csv

The target of each landscape is 90 % of its own optimum (the calibrated landscape's, or the ensemble
member's ``best_force_mN``); the study's 37.0 mN is a second target on every landscape.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from mlcrystal import study
from mlcrystal.force import ensemble, metrics
from mlcrystal.force.landscape import BlockingForceLandscape

FRACTION = 0.9
POOL = 200_000


def rows_for(name: str, land) -> list[dict]:
    opt = float(land.optimum()["force_mN"])
    forces = metrics.reference_pool(land, n=POOL, random_state=0)["force_mN"].to_numpy()
    out = []
    for target_kind, target in (("90% of optimum", FRACTION * opt), ("37.0 mN", study.BEST_FORCE_MN)):
        if target > opt:
            continue
        r = metrics.random_baseline(None, target, forces=forces)
        out.append({"landscape": name, "optimum_mN": round(opt, 4), "target": target_kind,
                    "target_mN": round(target, 4), "baseline": "random", "levels": None,
                    "n_points": r["n_pool"], "n_hits": r["n_hits"], "expected": r["expected"],
                    "lo": r["lo"], "hi": r["hi"]})
        for kind in ("centres", "edges"):
            for lv in (4, 5):
                g = metrics.grid_baseline(land, lv, target, kind=kind)
                out.append({"landscape": name, "optimum_mN": round(opt, 4), "target": target_kind,
                            "target_mN": round(target, 4), "baseline": f"grid-{kind}", "levels": lv,
                            "n_points": g["n_grid"], "n_hits": g["n_hits"], "expected": g["expected_first_hit"],
                            "lo": None, "hi": None})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--prior", choices=tuple(ensemble.MEMBER_PREFIXES), default="absolute",
                    help="the ensemble (landscapes 'member-<draw>' or 'relative-<draw>')")
    ap.add_argument("--members", type=int, default=None, help="first N kept members (default all)")
    args = ap.parse_args(argv)
    t0 = time.time()
    rows = rows_for("calibrated", BlockingForceLandscape())
    for name, row in ensemble.kept_members(args.prior, args.members).items():
        rows += rows_for(name, ensemble.member(row))
    out = pd.DataFrame(rows)
    out["levels"] = out["levels"].astype("Int64")
    for c in ("expected", "lo", "hi"):
        out[c] = out[c].astype(float).round(1)
    out.to_csv(args.out, index=False)
    print(f"wrote {args.out}: {len(out)} rows in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
