"""The ensemble with the invented compounds' photostrains drawn relative to the calibrated compounds.

Usage (from the repository root, with ``MLCRYSTAL_DATA_DIR`` set)::

    python benchmarks/relative_priors_ch6.py --jobs 2 --out mlcrystal/data/ensemble_relative.csv.gz

The same 2048 Sobol' draws as ``ensemble_landscapes.csv`` (``random_state=0``), each re-calibrated and
optimised with ``strains="relative"`` (:func:`mlcrystal.force.ensemble.evaluate`). Prints its wall time.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from mlcrystal.force import ensemble


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--draws", type=int, default=2048)
    args = ap.parse_args(argv)
    t0 = time.time()
    table = ensemble.build_ensemble(args.draws, random_state=0, n_jobs=args.jobs, strains="relative")
    tmp = args.out.with_suffix(".tmp.gz")
    table.to_csv(tmp, index=False, float_format="%.10g", compression={"method": "gzip", "mtime": 0})
    os.replace(tmp, args.out)
    print(f"wrote {args.out}: {len(table)} draws, {int(table.kept.sum())} kept; wall {time.time() - t0:.0f} s "
          f"with {args.jobs} workers (load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
