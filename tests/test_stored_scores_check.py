"""Chapter 3's live check of its stored partitions: a clear message naming the row, not a bare AssertionError."""

import pytest

from mlcrystal.rules.chapter3 import check_stored_scores, load_partition_scores


def test_matching_scores_pass_and_a_changed_value_is_named():
    stored = load_partition_scores()
    live = stored[stored.repeat < 2].reset_index(drop=True).copy()
    check_stored_scores(live, stored)
    live.loc[3, "r2"] += 0.01
    with pytest.raises(ValueError, match=r"r2 of \{'repeat': 0, .*stored .*recomputed .*regenerate"):
        check_stored_scores(live, stored)


def test_other_partitions_are_refused():
    stored = load_partition_scores()
    live = stored[stored.repeat < 2].reset_index(drop=True).copy()
    live.loc[0, "seed"] += 1
    with pytest.raises(ValueError, match="differ from the stored ones"):
        check_stored_scores(live, stored)
