"""Issue 19, item 6 (fitting rules): which rows a user's table fits, how rows without a paper group,
and a rule rating that is never "high" when its interval touches zero."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlcrystal.rules.fitting import (
    EXCLUDED_FLAGS,
    PREDICTION_COLUMNS,
    ABSURD_GPa,
    against_study,
    looks_like_mpa,
    outside_domain,
    paper_groups,
    prediction_scores,
    rows_for_fitting,
    rows_per_feature,
    rule_changes,
    rule_confidence,
    study_overlap,
)


def _table():
    return pd.DataFrame({"line": [2, 3, 4, 5, 6], "compound": list("abcde"),
                         "E_GPa": [9.0, 9600.0, 8.0, 8.0, 12.0]})


def test_flagged_rows_are_set_aside_with_their_reasons():
    flags = pd.DataFrame({"row": [1, 3, 3, 4], "flag": ["implausible modulus", "duplicate row", "duplicate row",
                                                        "multi-component"]})
    kept, out = rows_for_fitting(_table(), flags)
    assert kept.compound.tolist() == ["a", "c", "e"]  # multi-component is listed by the audit, not excluded
    assert out.set_index("line").reasons.to_dict() == {3: "implausible modulus", 5: "duplicate row"}
    assert out.excluded.all()
    kept_all, out_all = rows_for_fitting(_table(), flags, keep_flagged=True)
    assert len(kept_all) == 5 and not out_all.excluded.any()


def test_a_modulus_column_in_mpa_excludes_every_row():
    t = _table().assign(E_GPa=[9000.0, 9600.0, 8000.0, 8000.0, 12000.0])
    assert looks_like_mpa(t.E_GPa) and not looks_like_mpa(_table().E_GPa)
    kept, out = rows_for_fitting(t, pd.DataFrame({"row": [], "flag": []}))
    assert kept.empty and (out.reasons == "column looks like MPa").all()
    assert "column looks like MPa" in EXCLUDED_FLAGS


def test_bad_flags_table_is_refused():
    with pytest.raises(ValueError, match="audit"):
        rows_for_fitting(_table(), pd.DataFrame({"line": [2]}))


def test_rows_without_a_paper_are_accepted_and_stated():
    labels, note = paper_groups(pd.Series(["10.1/a", " ", np.nan]), line=[10, 11, 12])
    assert labels.tolist() == ["10.1/a", "no paper, line 11", "no paper, line 12"]
    assert note.startswith("2 of 3 rows have no paper")
    assert paper_groups(["x", "y"])[1] == "all 2 rows have a paper: 2 papers."


def test_high_needs_an_interval_clear_of_zero():
    assert rule_confidence(0.92, 0.0, 2.02) == "moderate"     # the aliphatic OH of the study's data
    assert rule_confidence(0.99, -1.48, -0.26) == "high"
    assert rule_confidence(0.99, -1.48, -0.26, n_zeroing=1) == "moderate"
    assert rule_confidence(0.40, -1.0, -0.5) == "low"


def test_rule_changes_and_sample_size():
    d = rule_changes(pd.Series({"a": 1.0, "b": -1.0, "z": 0.0}), pd.Series({"a": 0.5, "b": 0.2, "c": -0.1}))
    assert d.change.to_dict() == {"a": "same sign", "b": "sign changed", "c": "appeared"}
    assert "1.1 rows per column" in rows_per_feature(29, 26)
    assert rows_per_feature(393, 46).endswith("8.5 rows per column; fewer than 10 per column, so a selected "
                                              "rule can rest on one or two molecules.")
    with pytest.raises(ValueError):
        rows_per_feature(10, 0)


def test_an_absurd_value_is_set_aside_even_when_flagged_rows_are_kept():
    t = _table().assign(E_GPa=[9.0, 1e300, 8.0, 8.0, 12.0])
    kept, out = rows_for_fitting(t, pd.DataFrame({"row": [1], "flag": ["implausible modulus"]}), keep_flagged=True)
    assert kept.E_GPa.max() == 12.0 and bool(out.set_index("line").loc[3, "excluded"])
    assert out.reasons.iloc[0] == f"implausible modulus (above {ABSURD_GPa:g} GPa: never fitted)"
    # even when no audit flag names it
    kept, out = rows_for_fitting(t, pd.DataFrame({"row": [], "flag": []}), keep_flagged=True)
    assert len(kept) == 4 and out.line.tolist() == [3]


def test_the_domain_names_the_fragment_and_its_training_range():
    train = pd.DataFrame({"fr_benzene": [0, 1, 2], "fr_nitro": [0, 0, 0], "fr_COO": [1, 1, 1]})
    query = pd.DataFrame({"fr_benzene": [2, 3], "fr_nitro": [0, 1], "fr_COO": [1, 0]})
    assert outside_domain(train, query).tolist() == [
        "", "fr_benzene = 3 (training 0-2); fr_nitro = 1 (no training row has one); fr_COO = 0 (training 1-1)"]
    with pytest.raises(ValueError, match="fr_azide"):
        outside_domain(train, query.assign(fr_azide=1))


def test_overlap_and_scores():
    d = study_overlap(["A", None, "B"], [1.0, 2.0, 2.5], ["B", "A"], [2.5, 1.1], [7, 8])
    assert d.in_other.tolist() == [True, False, True] and d.same_value.tolist() == [False, False, True]
    assert d.other_lines.tolist() == ["8", "", "7"]
    s = prediction_scores(np.arange(6.0), np.arange(6.0) + 1)
    assert s["n"] == 6 and s["mae"] == 1.0 and s["r2"] == pytest.approx(1 - 6 / 17.5)
    assert np.isnan(prediction_scores([4.74, 4.75], [10.0, 10.0])["r2"])  # two rows: R^2 is not reported
    with pytest.raises(ValueError, match="differ in length"):
        prediction_scores([1.0], [1.0, 2.0])


def test_against_study_scores_both_ways_on_a_small_pair_of_tables():
    from sklearn.linear_model import LinearRegression

    from mlcrystal.rules.curation import curation_keys
    from mlcrystal.rules.features import fragment_counts

    smiles = ["c1ccccc1", "Oc1ccccc1", "OCCO", "OCC(O)CO", "Clc1ccccc1", "OC(=O)c1ccccc1"]
    mine = pd.DataFrame({"source": "mine.csv", "line": range(2, 8), "compound": list("abcdef"), "smiles": smiles,
                         "E_GPa": [5.0, 6.0, 12.0, 14.0, 4.0, 7.0]})
    mine["key"] = curation_keys(mine).structure.to_numpy()
    other = pd.DataFrame({"source": "study", "line": [2, 3], "compound": ["Benzoic acid", "nitro"],
                          "smiles": ["C1=CC=C(C=C1)C(=O)O", "[O-][N+](=O)c1ccccc1"], "E_GPa": [4.75, 9.0]})
    counts = fragment_counts(mine.smiles)
    model = LinearRegression().fit(counts[["fr_benzene", "fr_Al_OH"]], mine.E_GPa)
    pred, scores = against_study(mine, counts, other, curation_keys(other), model=model,
                                 columns=["fr_benzene", "fr_Al_OH"], train_rows=range(6), name="mine.csv")
    mine_pred = pred[pred.direction == "your rows, study's model"].set_index("line")
    assert bool(mine_pred.loc[7, "structure_in_other_table"]) and not bool(mine_pred.loc[7, "same_value_in_other"])
    assert mine_pred.loc[2, "predicted_GPa"] == pytest.approx(13.54 - 1.566)
    back = pred[pred.direction == "study's rows, your model"].set_index("line")
    assert "fr_nitro = 1 (no training row has one)" in back.loc[3, "outside_domain"]
    assert back.loc[2, "nn_similarity"] == 1.0 and list(pred.columns) == list(PREDICTION_COLUMNS)
    assert scores.rows.tolist()[-1] == "study's 2 rows, model of mine.csv: outside this model's domain"
    alone, one = against_study(mine, counts, None, None, name="mine.csv")
    assert len(one) == 1 and alone.structure_in_other_table.isna().all()
