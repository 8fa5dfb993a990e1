"""The trend test behind the noise sentence and the record weights behind 'conditioning on what happened'."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mlcrystal.force.outcomes import cochran_armitage, k_of_n, record_weights, wilson


def test_cochran_armitage_matches_the_regression_score_test_and_its_sign():
    k, n, w = [14, 15, 13, 8], [20, 20, 20, 20], [0.0, 0.05, 0.1, 0.2]
    r = cochran_armitage(k, n, w)
    assert r["z"] == pytest.approx(-2.26, abs=5e-3) and r["p"] == pytest.approx(0.024, abs=1e-3)
    # the same statistic from the individual outcomes: z^2 = N r^2 (r the point-biserial correlation)
    y = np.concatenate([[1] * a + [0] * (b - a) for a, b in zip(k, n, strict=True)])
    x = np.concatenate([[s] * b for s, b in zip(w, n, strict=True)])
    assert r["z"] ** 2 == pytest.approx(len(y) * stats.pearsonr(x, y)[0] ** 2, rel=1e-9)
    assert cochran_armitage([8, 13, 15, 14], n, w)["z"] > 0  # a rising share gives a positive z
    with pytest.raises(ValueError, match="no variance"):
        cochran_armitage([5, 5], [10, 10], [1.0, 1.0])
    with pytest.raises(ValueError, match="reached <= campaigns"):
        cochran_armitage([11, 5], [10, 10], [0.0, 1.0])


def test_record_weights_accepts_campaigns_like_the_record_and_weights_their_landscapes():
    t = pd.DataFrame({"landscape": ["near", "near", "far", "far", "other"],
                      "optimum_mN": [38.0, 38.0, 107.0, 107.0, 60.0],
                      "best_100": [36.0, 35.0, 37.0, 90.0, 20.0], "best_155": [36.5, 35.2, 45.0, 95.0, 25.0]})
    w = record_weights(t, 37.0)
    # far's first campaign is at the record by 100 but climbs on (no plateau): rejected
    assert w["accepted"] == 2 and w["landscapes_accepted"] == 1 and w["accepted_optima"] == [38.0]
    assert w["weighted_near"] == 1.0 and w["prior_near"] == pytest.approx(1 / 3)
    loose = record_weights(t, 37.0, plateau=None)
    assert loose["accepted"] == 3 and loose["weighted_near"] == pytest.approx(2 / 3)  # weights 1 and 1/2
    # intervals: Wilson over the landscapes (1 of 3 near) and over the accepted ones' effective number
    # (weights 2/3 and 1/3: (sum w)^2 / sum w^2 = 1.8, so 2 landscapes, 1 of them near)
    assert (w["prior_near_lo"], w["prior_near_hi"]) == pytest.approx(wilson(1, 3))
    assert (loose["weighted_near_lo"], loose["weighted_near_hi"]) == pytest.approx(wilson(1, 2))
    assert loose["weighted_near_lo"] < loose["weighted_near"] < loose["weighted_near_hi"]
    none = record_weights(t.assign(best_100=1.0), 37.0)
    assert none["accepted"] == 0 and np.isnan(none["weighted_median"])
    with pytest.raises(ValueError, match="lacks columns"):
        record_weights(t.drop(columns="best_155"), 37.0)


def test_k_of_n_states_the_count_and_its_wilson_interval():
    lo, hi = wilson(21, 100)
    assert k_of_n(21, 100, "campaigns") == f"21 of 100 campaigns (95 % interval {100 * lo:.0f}-{100 * hi:.0f} %)"
    lo, hi = wilson(8, 100, 0.9)
    assert k_of_n(8, 100, level=0.9) == f"8 of 100 (90 % interval {100 * lo:.0f}-{100 * hi:.0f} %)"
    for k, n in [(3, 2), (-1, 4), (1, 0), (0.5, 2)]:
        with pytest.raises(ValueError, match="k_of_n needs whole numbers"):
            k_of_n(k, n)
