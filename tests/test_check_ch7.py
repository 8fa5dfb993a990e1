"""Chapter 7's exercises: reference answers come from the stored tables and the package's functions."""

from __future__ import annotations

import pandas as pd
import pytest

from mlcrystal import check
from mlcrystal.force.replay_tables import REPLAY_DIR


def test_chapter7_ratio_and_grid_answers_come_from_the_stored_tables():
    baselines = pd.read_csv(REPLAY_DIR / "baselines_ratio_ch6.csv")
    ratios = pd.read_csv(REPLAY_DIR / "ratios_ch6.csv.gz", low_memory=False)
    bo = ratios[(ratios.landscape == "calibrated") & (ratios.strategy == "skopt") & (ratios.fraction == 0.9)
                & (ratios.budget == 120) & ratios.count_initial & (ratios.baseline == "random")]["median"].item()
    for i, params in enumerate(check.EXERCISES[("ch7", 1)].variants):
        row = baselines[(baselines.landscape == "calibrated") & (baselines.fraction == 0.9)
                        & (baselines.baseline == "grid-edges") & (baselines.levels == params["levels"])]
        assert check._reference("ch7", 1, i) == pytest.approx(row.expected.item() / bo, abs=0.051)
    assert check._reference("ch7", 1, 0) == pytest.approx(8.7)  # the 4-level edge grid: about 9x, not 43x
    answers = [check._reference("ch7", 2, i) for i in range(len(check.EXERCISES[("ch7", 2)].variants))]
    assert answers[0] == 5 and len(set(answers)) > 1
    assert check.exercise("ch7", 2, 5).correct is True and check.exercise("ch7", 2, 4).correct is False


@pytest.mark.needs_data
def test_chapter7_width_answer_is_the_force_at_the_widest_cell_centre():
    shares = [check._reference("ch7", 3, i) for i in range(len(check.EXERCISES[("ch7", 3)].variants))]
    assert shares[0] == pytest.approx(92.0, abs=0.05)  # 4 levels: W = 1775 um keeps 92 % of the optimum
    assert all(s < 100 for s in shares) and len(set(shares)) == len(shares)
