"""Every draw of the stored ensemble under the alternative functional forms: the form as a factor.

Writes ``mlcrystal/data/ensemble_forms.csv.gz`` (``--prior relative``: ``ensemble_forms_relative.csv.gz``;
read by ``mlcrystal.force.ensemble.load_form_ensembles``): all 2048 draws of the prior's stored ensemble,
each re-calibrated under "saturation at each depth" and under "heating that saturates", its optimum found
and the acceptance rule applied again, so that each form chooses its own members.
Run from the repository root (prints its wall time)::

    PYTHONPATH=$PWD python benchmarks/forms_ch6.py --jobs 2 [--prior relative]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from mlcrystal.force import ensemble as en

DATA = Path(__file__).resolve().parents[1] / "mlcrystal" / "data"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--prior", choices=sorted(en.FORMS_FILES), default="absolute",
                    help="whose stored ensemble to re-evaluate (default: absolute)")
    args = ap.parse_args(argv)
    out = DATA / en.FORMS_FILES[args.prior]
    start = time.time()
    table = en.structural_members(en.prior_ensemble(args.prior), forms=list(en.FORM_FACTOR), draws="all",
                                  n_jobs=args.jobs)
    tmp = out.with_suffix(".tmp.gz")
    table.to_csv(tmp, index=False, float_format="%.10g", compression={"method": "gzip", "mtime": 0})
    os.replace(tmp, out)
    print(f"{out.name}: {len(table)} rows, wall {time.time() - start:.0f} s with {args.jobs} workers "
          f"(load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
