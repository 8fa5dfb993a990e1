"""Re-evaluate the stored ensemble's kept members under the alternative functional forms.

Writes ``mlcrystal/data/ensemble_structural.csv`` (read by
``mlcrystal.force.ensemble.load_structural_members``): for every kept member and
every form of ``STRUCTURAL_FORMS`` other than the reference, compounds 5 and 9
re-calibrated, the optimum found and the acceptance rule applied again.
About 6 CPU minutes on one core. Run from the repository root:

    PYTHONPATH=$PWD python benchmarks/structural_ch6.py
"""

from __future__ import annotations

import time
from pathlib import Path

from mlcrystal.force import ensemble as en

OUT = Path(__file__).resolve().parents[1] / "mlcrystal" / "data" / en.STRUCTURAL_FILE

if __name__ == "__main__":
    start = time.process_time()
    table = en.structural_members(en.load_ensemble(), forms=list(en.STRUCTURAL_FORMS)[1:])
    table.to_csv(OUT, index=False, float_format="%.10g")
    print(f"{OUT.name}: {len(table)} rows in {time.process_time() - start:.0f} CPU seconds")
