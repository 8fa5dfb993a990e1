"""Chapter 6's Gaussian test: the authors' simulation mode (their 5 random initial points, their
success rule min + 0.9 (max - min) on their grid) on the study's Gaussian test function, with P read as
the code evaluates it (mW/cm^2, :class:`mlcrystal.authors.LiteralGaussianLandscape`) and as "% of the
maximum" (:class:`mlcrystal.landscape.GaussianLandscape`).

Usage (from the repository root)::

    python benchmarks/gaussian_ch6.py --seeds 4 --budget 100 --out mlcrystal/data/gaussian_readings_ch6.csv
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from mlcrystal import study
from mlcrystal.authors import LiteralGaussianLandscape, authors_simulation, edge_share
from mlcrystal.landscape import GaussianLandscape


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--budget", type=int, default=100)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    rows = []
    t0 = time.time()
    for reading, land in (("percent", GaussianLandscape()), ("mW/cm2 (literal)", LiteralGaussianLandscape())):
        for seed in range(args.seeds):
            c0 = time.process_time()
            res = authors_simulation(land, budget=args.budget, random_state=seed, kappa=study.UCB_KAPPA)
            rows.append({"reading": reading, "kappa": study.UCB_KAPPA, "seed": seed, "budget": args.budget,
                         "threshold": round(res.threshold_mN, 4), "experiments": res.experiments,
                         "best": round(float(res.history["best_mN"].iloc[-1]), 4),
                         "edge_share": round(edge_share(res.history), 3),
                         "cpu_s": round(time.process_time() - c0, 1)})
            pd.DataFrame(rows).to_csv(args.out, index=False)
            print(rows[-1], flush=True)
    print(f"wall {time.time() - t0:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
