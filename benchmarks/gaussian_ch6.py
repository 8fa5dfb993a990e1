"""Chapter 6's Gaussian test: the authors' simulation mode (their 5 random initial points, their
success rule min + 0.9 (max - min) on their grid) on the study's Gaussian test function, with P read as
the code evaluates it (mW/cm^2, ``GaussianLandscape(intensity_reading="mW_cm2")``) and as "% of the
maximum" (:class:`mlcrystal.force.landscape.GaussianLandscape`, the default reading).

Usage (from the repository root)::

    python benchmarks/gaussian_ch6.py --seeds 4 --budget 100 --out mlcrystal/data/gaussian_readings_ch6.csv
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from mlcrystal import study
from mlcrystal.force.authors import authors_simulation, edge_share, success_grid_extremes
from mlcrystal.force.landscape import GaussianLandscape


class _Uncached:
    """The laboratory without its cache key (GaussianLandscape's ``definition_key`` takes a compound)."""

    def __init__(self, land):
        self.compounds, self.force, self.snap = land.compounds, land.force, land.snap


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--budget", type=int, default=100)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    rows = pd.read_csv(args.out).to_dict("records") if args.out.exists() else []  # resume a cut run
    done = {(r["reading"], r["seed"]) for r in rows}
    t0 = time.time()
    for seed in range(args.seeds):  # seed by seed, so that a run cut short compares both readings
        for reading, land in (("percent", GaussianLandscape()),
                              ("mW/cm2 (literal)", GaussianLandscape(intensity_reading="mW_cm2"))):
            if (reading, seed) in done:
                continue
            c0 = time.process_time()
            hi, lo = success_grid_extremes(_Uncached(land))
            threshold = lo + study.AUTHORS_SUCCESS_FRACTION * (hi - lo)  # the code's success rule
            res = authors_simulation(land, budget=args.budget, random_state=seed, target=threshold,
                                     kappa=study.UCB_KAPPA)
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
