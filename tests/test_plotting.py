"""The book's helpers for quoted numbers: a rounded median and band, glued for the text."""

import numpy as np
import pytest

from mlcrystal import plotting


def test_median_band_rounds_and_never_gives_negative_zero():
    assert plotting.median_band(np.arange(101.0), digits=1) == (50.0, 5.0, 95.0)
    med, lo, hi = plotting.median_band([-0.001, 0.0, 0.001], digits=2)
    assert (med, lo, hi) == (0.0, 0.0, 0.0) and str(med) == "0.0" and str(lo) == "0.0"
    assert plotting.median_band([1.0, np.nan, 3.0]) == (2.0, 1.1, 2.9)  # NaN ignored


def test_glue_band_glues_three_names(monkeypatch):
    glued = []
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: glued.append((name, value, display)))
    assert plotting.glue_band("r2", np.arange(101.0), digits=0) is None  # nothing for a cell to display
    assert glued == [("r2_med", 50.0, False), ("r2_lo", 5.0, False), ("r2_hi", 95.0, False)]
    plotting.glue_values({"n": 3})
    assert glued[-1] == ("n", 3, False)


@pytest.mark.parametrize("digits", [0, 2])
def test_median_band_is_ordered(digits):
    med, lo, hi = plotting.median_band(np.random.default_rng(0).normal(size=50), digits)
    assert lo <= med <= hi
