"""Re-evaluate the stored ensemble's kept members under the alternative functional forms.

Writes ``mlcrystal/data/ensemble_structural.csv`` (``--prior relative``:
``ensemble_structural_relative.csv``; read by
``mlcrystal.force.ensemble.load_structural_members``): for every kept member and
every form of ``STRUCTURAL_FORMS`` other than the reference, compounds 5 and 9
re-calibrated, the optimum found and the acceptance rule applied again.
About 3 CPU minutes on one core (for 216 or 221 members). Run from the repository root:

    PYTHONPATH=$PWD python benchmarks/structural_ch6.py [--prior relative]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from mlcrystal.force import ensemble as en

DATA = Path(__file__).resolve().parents[1] / "mlcrystal" / "data"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prior", choices=sorted(en.STRUCTURAL_FILES), default="absolute",
                    help="whose stored ensemble's kept members to re-evaluate (default: absolute)")
    args = ap.parse_args(argv)
    out = DATA / en.STRUCTURAL_FILES[args.prior]
    start = time.process_time()
    table = en.structural_members(en.prior_ensemble(args.prior), forms=list(en.STRUCTURAL_FORMS)[1:])
    table.to_csv(out, index=False, float_format="%.10g")
    print(f"{out.name}: {len(table)} rows in {time.process_time() - start:.0f} CPU seconds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
