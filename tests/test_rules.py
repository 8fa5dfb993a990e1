"""``mlcrystal.rules``: a user's table through validation, audit, the study's protocol and the checks."""

import numpy as np
import pandas as pd
import pytest

from mlcrystal.rules import report as rules
from mlcrystal.rules.features import paper_design_matrix

# simple, valid molecules with different numbers of benzene rings and aliphatic OH groups
MOLECULES = [
    "c1ccccc1", "Cc1ccccc1", "c1ccc(cc1)c1ccccc1", "OCC", "OCCO", "OCC(O)CO", "OCc1ccccc1",
    "OC1CCCCC1", "c1ccc2ccccc2c1", "OCCc1ccccc1", "CCCCO", "OC(CO)(CO)CO", "Clc1ccccc1",
    "OCc1ccc(CO)cc1", "CC(O)C", "c1ccc(cc1)Cc1ccccc1", "OCCCCO", "Oc1ccccc1", "NCCO", "OC(=O)c1ccccc1",
]
FAST = {"n_repeats": 2, "n_boot": 10, "n_random_splits": 10}


def _good_table(n_copies: int = 2, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    smiles = MOLECULES * n_copies
    X = paper_design_matrix(smiles)
    e = 8.0 - 2.0 * X.fr_benzene.to_numpy() + 3.0 * X.fr_Al_OH.to_numpy() + rng.normal(0, 0.3, len(smiles))
    return pd.DataFrame({
        "compound": [f"compound {i % len(MOLECULES)}" for i in range(len(smiles))],
        "smiles": smiles,
        "E_GPa": np.round(np.clip(e, 0.5, None), 3),
        "doi": [f"10.1000/paper{i % 7}" for i in range(len(smiles))],
        "method": ["Nanoindentation"] * len(smiles),
    })


@pytest.fixture(scope="module")
def good_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("rules")
    path = out / "mine.csv"
    _good_table().to_csv(path, index=False)
    return rules.run_rules(path, out / "report", random_state=0, **FAST), path, out / "report"


def test_minimum_rows_follows_the_protocol():
    assert rules.minimum_rows() == 13  # ceil(0.2 * 13) = 3 test rows, 10 training rows = 5 folds of 2
    assert rules.minimum_rows(per_set=1) == 7
    assert rules.minimum_rows(test_size=0.5, n_folds=2, per_set=2) == 8


def test_good_file_writes_report_and_tables(good_run):
    res, _, out = good_run
    assert {p.name for p in res.files.values()} == {"report.md", "rules.png", "cv_r2.png", "rules.csv",
                                                    "audit_flags.csv", "excluded_rows.csv", "cv_scores.csv",
                                                    "split_scores.csv", "rule_changes.csv", "predictions.csv"}
    assert all(p.exists() and p.stat().st_size > 0 for p in res.files.values())
    table = pd.read_csv(out / "rules.csv")
    # the planted signal: benzene lowers E, aliphatic OH raises it
    by_frag = table.set_index("fragment")
    assert by_frag.loc["fr_benzene", "effect"] == "lowers E"
    assert by_frag.loc["fr_Al_OH", "effect"] == "raises E"
    assert by_frag.loc["fr_benzene", "coefficient_GPa"] == pytest.approx(-2.0, abs=0.6)
    assert set(table.confidence) <= {"high", "moderate", "low"}
    assert by_frag.loc["fr_benzene", "bootstrap_support"] >= 0.8
    assert "papers_zeroing" in table.columns  # the table has 7 papers: grouped by paper
    report = (out / "report.md").read_text()
    assert "test R²" in report and "rules.png" in report and "by paper" in report
    cv = pd.read_csv(out / "cv_scores.csv")
    assert set(cv.scheme) == {"by paper", "by structure", "shuffled rows"}
    assert len(cv) == 3 * 2 * FAST["n_repeats"]
    lasso_by_paper = cv[(cv.scheme == "by paper") & (cv.model == "LASSO, protocol alpha")].r2
    assert (lasso_by_paper > 0.5).all()
    assert len(pd.read_csv(out / "split_scores.csv")) == FAST["n_random_splits"]


def test_audit_flags_name_source_and_line(good_run):
    res, path, out = good_run
    flags = pd.read_csv(out / "audit_flags.csv")
    assert {"row", "source", "line", "compound", "flag", "detail"} <= set(flags.columns)
    # every molecule appears twice with another value: no duplicates, but the values are fine;
    # the planted multi-row structures are not errors, so only known flags may appear
    assert set(flags.flag) <= {"duplicate row", "multi-component", "implausible modulus"}
    assert (flags.source == path.name).all()
    assert (flags.line == flags.row + 2).all()


def test_audit_catches_a_duplicate_and_an_implausible_value(tmp_path):
    t = _good_table()
    t.loc[5, "E_GPa"] = 250.0  # a MPa/GPa-type slip
    t.loc[len(t)] = t.loc[0]  # an exact duplicate row
    path = tmp_path / "dup.csv"
    t.to_csv(path, index=False)
    res = rules.run_rules(path, tmp_path / "out", **FAST)
    flags = res.flags.set_index("flag")
    assert int(flags.loc["implausible modulus", "line"]) == 7
    assert int(flags.loc["duplicate row", "line"]) == len(t) + 1


def test_same_seed_same_result(good_run, tmp_path):
    res, path, _ = good_run
    again = rules.run_rules(path, tmp_path, random_state=0, **FAST)
    pd.testing.assert_frame_equal(res.rules, again.rules)
    pd.testing.assert_frame_equal(res.cv_scores, again.cv_scores)


def test_without_papers_falls_back_to_structures(tmp_path):
    t = _good_table().drop(columns=["doi", "compound", "method"])
    res = rules.run_rules(t, tmp_path, **FAST)
    assert "structures_zeroing" in res.rules.columns
    assert set(res.cv_scores.scheme) == {"by structure", "shuffled rows"}
    assert any("paper" in n for n in res.notes)
    assert res.data.compound.iloc[3] == "row 3" and res.data.method.iloc[0] == "unknown"


def test_paper_column_wins_over_doi():
    t = _good_table().assign(paper=lambda d: "P" + d.doi.str[-1])
    data = rules.validate_table(t, "x.csv")
    assert data.paper.iloc[0] == "P0"
    assert rules.validate_table(_good_table().assign(doi="10.1000/ABC"), "x.csv").paper.iloc[0] == "10.1000/abc"


@pytest.mark.parametrize("change, pattern", [
    (lambda t: t.drop(columns="E_GPa"), r"mine\.csv: missing column 'E_GPa'"),
    (lambda t: t.drop(columns="smiles"), r"mine\.csv: missing column 'smiles'"),
    (lambda t: t.assign(E_GPa=t.E_GPa.astype(object).where(t.index != 4, "stiff")),
     r"mine\.csv, row 4 \(line 6\), column 'E_GPa': expected .* got 'stiff'"),
    (lambda t: t.assign(E_GPa=t.E_GPa.where(t.index != 2, -1.0)),
     r"mine\.csv, row 2 \(line 4\), column 'E_GPa': .* got '-1.0'"),
    (lambda t: t.assign(E_GPa=t.E_GPa.where(t.index != 3, np.nan)),
     r"mine\.csv, row 3 \(line 5\), column 'E_GPa': .* got an empty cell"),
    (lambda t: t.assign(smiles=t.smiles.where(t.index != 7, "C1CC(")),
     r"mine\.csv, row 7 \(line 9\), column 'smiles': RDKit cannot read the SMILES 'C1CC\('"),
    (lambda t: t.assign(smiles=t.smiles.where(t.index != 1, "")),
     r"mine\.csv, row 1 \(line 3\), column 'smiles': empty cell"),
    (lambda t: t.head(12), r"mine\.csv: 12 rows is too few .* at least 13 rows"),
    (lambda t: t.iloc[[0, 1, 2, 3] * 5], r"mine\.csv: 4 distinct structures"),
])
def test_bad_input_is_refused_with_file_row_and_column(tmp_path, change, pattern):
    path = tmp_path / "mine.csv"
    change(_good_table()).to_csv(path, index=False)
    with pytest.raises(ValueError, match=pattern):
        rules.run_rules(path, tmp_path / "out", **FAST)
    assert not (tmp_path / "out").exists()  # nothing written for refused input


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_with_study_appends_the_393_rows(tmp_path):
    t = _good_table(n_copies=1).head(8)  # too small alone, fine with the study
    res = rules.run_rules(t, tmp_path, with_study=True, **FAST)
    assert len(res.data) == 8 + 393
    assert (res.data.source == "study").sum() == 393 and (res.data.source == "table").sum() == 8
    # the study's own duplicates and its one value below 0.01 GPa are set aside, and listed
    assert res.X.shape[0] == len(res.fitted) == 401 - int(res.excluded.excluded.sum())
    assert (res.excluded[res.excluded.excluded].source == "study").all()
    assert "by paper" in set(res.cv_scores.scheme)
    study_flags = res.flags[res.flags.source == "study"]
    assert len(study_flags) > 0 and study_flags.line.min() >= 2


def test_table_without_any_fragment_is_refused(tmp_path):
    t = pd.DataFrame({"smiles": ["C", "O", "[He]", "[Ne]", "[Ar]"] * 3, "E_GPa": np.linspace(1, 15, 15),
                      "doi": [f"10.1/{i % 5}" for i in range(15)]})
    with pytest.raises(ValueError, match="none of the study's fragments occurs"):
        rules.run_rules(t, tmp_path, **FAST)


def test_semicolon_tab_and_mislabelled_files_are_read_or_refused_clearly(tmp_path):
    t = _good_table()
    semi = tmp_path / "semi.csv"  # a European spreadsheet export: semicolons and decimal commas
    semi.write_text(t.to_csv(index=False, sep=";", decimal=","), encoding="utf-8")
    raw, _ = rules.read_table(semi)
    assert rules.validate_table(raw, "semi.csv").E_GPa.tolist() == t.E_GPa.tolist()
    tab = tmp_path / "tab.csv"
    tab.write_text(t.to_csv(index=False, sep="\t"), encoding="utf-8")
    assert rules.validate_table(rules.read_table(tab)[0]).E_GPa.tolist() == t.E_GPa.tolist()
    latin = tmp_path / "latin.csv"
    latin.write_bytes(t.assign(compound="caf\u00e9").to_csv(index=False).encode("cp1252"))
    with pytest.raises(ValueError, match=r"latin\.csv: not UTF-8 text \(byte 0xe9 .*CSV UTF-8"):
        rules.read_table(latin)
    book = tmp_path / "book.csv"  # a workbook saved under a .csv name
    t.to_excel(tmp_path / "real.xlsx", index=False)
    book.write_bytes((tmp_path / "real.xlsx").read_bytes())
    with pytest.raises(ValueError, match=r"book\.csv is an Excel workbook.*rename it book\.xlsx"):
        rules.read_table(book)
    text = tmp_path / "text.xlsx"
    text.write_text(t.to_csv(index=False))
    with pytest.raises(ValueError, match=r"text\.xlsx is a text file.*rename it text\.csv"):
        rules.read_table(text)


def test_all_equal_moduli_are_refused(tmp_path):
    with pytest.raises(ValueError, match="every modulus is 5 GPa"):
        rules.run_rules(_good_table().assign(E_GPa=5.0), tmp_path / "out", **FAST)


def test_report_says_22nd_not_22th():
    assert [rules.ordinal(n) for n in (21, 22, 23, 24, 111)] == ["21st", "22nd", "23rd", "24th", "111th"]


# --- what a table can support (issue 19, item 6; issue 22's "silent" findings about rules) ---

def _messy_table() -> pd.DataFrame:
    t = _good_table()
    t.loc[5, "E_GPa"] = 9600.0  # an MPa number in a GPa column (line 7)
    t.loc[len(t)] = t.loc[0]  # an exact duplicate row (line 42)
    return t


def test_flagged_rows_are_set_aside_listed_and_counted(tmp_path):
    res = rules.run_rules(_messy_table(), tmp_path, **FAST)
    ex = pd.read_csv(tmp_path / "excluded_rows.csv").set_index("line")
    assert ex.loc[7, "reasons"] == "implausible modulus" and ex.loc[7, "action"] == "set aside"
    assert "duplicate row" in ex.loc[42, "reasons"]
    assert len(res.fitted) == len(res.data) - 2 and res.fitted.E_GPa.max() < 100
    assert res.lasso.mae_test < 2  # the 9600 'GPa' row gave a test MAE of 1 375 GPa when it was fitted
    report = (tmp_path / "report.md").read_text()
    assert "2 flagged rows set aside, not fitted" in report and "| table | 7 | compound 5 | 9600.0 |" in report


def test_keep_flagged_fits_them_and_says_so(tmp_path):
    res = rules.run_rules(_messy_table(), tmp_path, keep_flagged=True, **FAST)
    assert len(res.fitted) == len(res.data) and res.fitted.E_GPa.max() == 9600.0
    assert (res.excluded.action == "kept (--keep-flagged)").all() and not res.excluded.excluded.any()
    assert "--keep-flagged: 2 flagged rows that would be set aside are FITTED" in (tmp_path / "report.md").read_text()


def test_an_absurd_value_is_never_fitted_even_with_keep_flagged(tmp_path):
    t = _good_table()
    t.loc[3, "E_GPa"] = 1e300  # gave R^2 = -inf and NaN scores when fitted
    res = rules.run_rules(t, tmp_path, keep_flagged=True, **FAST)
    row = res.excluded.set_index("line").loc[5]
    assert bool(row.excluded) and "never fitted" in row.reasons
    assert np.isfinite(res.cv_scores.r2).all() and np.isfinite(res.lasso.test_r2)


def test_a_table_in_mpa_is_refused_with_the_fix(tmp_path):
    t = _good_table().assign(E_GPa=lambda d: d.E_GPa * 1000)
    with pytest.raises(ValueError, match=r"table: the E_GPa column looks like MPa, not GPa \(median \d+.*divide the "
                                         r"column by 1000"):
        rules.run_rules(t, tmp_path / "out", **FAST)
    assert not (tmp_path / "out").exists()


def test_all_equal_moduli_after_setting_aside_are_refused(tmp_path):
    t = _good_table().assign(E_GPa=5.0)
    t.loc[2, "E_GPa"] = 9600.0
    with pytest.raises(ValueError, match=r"after setting aside 20 flagged rows \(.*, 1 implausible modulus\), "
                                         r"every modulus is 5 GPa: there is nothing to learn.*--keep-flagged"):
        rules.run_rules(t, tmp_path / "out", **FAST)


def test_rows_without_a_doi_are_accepted_each_its_own_group(tmp_path):
    t = _good_table()
    t.loc[[6, 9], "doi"] = ""
    res = rules.run_rules(t, tmp_path, **FAST)
    assert len(res.fitted) == len(t) and "by paper" in set(res.cv_scores.scheme)
    groups = res.fitted.set_index("line").group
    assert groups[8] == "table: no paper, line 8" and groups[11] == "table: no paper, line 11"
    assert res.grouping.startswith("2 of 40 rows have no paper: each is its own group")
    assert "2 of 40 rows have no paper" in (tmp_path / "report.md").read_text()


def test_high_needs_an_interval_clear_of_zero_and_skill(good_run, tmp_path):
    res = good_run[0]
    high = res.rules[res.rules.confidence == "high"]
    assert len(high) and ((high.bootstrap_q05 > 0) | (high.bootstrap_q95 < 0)).all()
    # moduli unrelated to structure: grouped CV is no better than the mean, so no rule is rated high
    t = _good_table().assign(E_GPa=np.random.default_rng(3).uniform(1, 20, 40).round(2))
    noise = rules.run_rules(t, tmp_path, **FAST)
    skill = noise.cv_scores[(noise.cv_scores.scheme == "by paper") & (noise.cv_scores.model != "mean predictor")]
    assert skill.r2.median() <= 0 and (noise.rules.confidence != "high").all()
    assert "NO better than their mean. No rule is rated high." in (tmp_path / "report.md").read_text()


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_the_report_compares_with_the_study(tmp_path):
    t = _good_table()
    t.loc[0] = ["Benzoic acid", "OC(=O)c1ccccc1", 4.75, "10.1000/paper0", "Nanoindentation"]  # study line 2
    t.loc[1, "smiles"] = "[N-]=[N+]=Nc1ccccc1"  # an azide: a fragment no study row carries
    res = rules.run_rules(t, tmp_path, **FAST)
    pred = pd.read_csv(tmp_path / "predictions.csv")
    mine = pred[pred.direction == "your rows, study's model"].set_index("line")
    assert bool(mine.loc[2, "structure_in_other_table"]) and bool(mine.loc[2, "same_value_in_other"])
    assert str(mine.loc[2, "other_lines"]) == "2"
    assert "fr_azide" in mine.loc[3, "outside_domain"]
    # the study's published model, by hand: intercept + benzene + COO
    assert mine.loc[2, "predicted_GPa"] == pytest.approx(13.54 - 1.566 + 0.337, abs=1e-3)
    back = pred[pred.direction == "study's rows, your model"]
    assert len(back) == 393 and (back.outside_domain.fillna("") != "").any()
    changes = pd.read_csv(tmp_path / "rule_changes.csv").set_index("fragment")
    assert set(study_rules := ["fr_Al_OH", "fr_nitro", "fr_COO", "fr_NH2", "fr_Ar_OH", "fr_halogen",
                               "fr_benzene"]) <= set(changes.index)
    assert changes.loc["fr_nitro", "change"] == "disappeared"  # the table has no nitro group
    assert changes.loc["fr_benzene", "change"] == "same sign" and len(study_rules) == 7
    cross = res.cross_scores.set_index("rows")
    assert cross.loc["table, study's published model: structure in the study", "n"] == 3  # + 2 benzoic acids
    assert cross.loc["study's 393 rows, model of table: all rows", "n"] == 393
    report = (tmp_path / "report.md").read_text()
    assert "3 of 40 fitted rows of table have a structure the study's table holds (1 with the same value)" in report
    assert "rows per column" in report and "5-95 %" in report


def test_without_the_study_the_comparison_is_skipped_with_a_note(tmp_path, monkeypatch):
    from mlcrystal.datasets import DataUnavailableError

    def unavailable():
        raise DataUnavailableError("Youngs_modulus_dataset.xlsx: not found in MLCRYSTAL_DATA_DIR")

    monkeypatch.setattr(rules, "study_table", unavailable)
    res = rules.run_rules(_good_table(), tmp_path, **FAST)
    assert len(res.cross_scores) == 1 and res.predictions.structure_in_other_table.isna().all()
    assert any("could not be read" in n for n in res.notes)
    with pytest.raises(DataUnavailableError):
        rules.run_rules(_good_table(), tmp_path, with_study=True, **FAST)


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_the_study_own_table_sets_aside_its_duplicates_and_keeps_them_on_request(tmp_path):
    res = rules.run_rules(rules.study_table(), tmp_path, **FAST)
    reasons = res.excluded[res.excluded.excluded].reasons
    assert len(reasons) == 26 and reasons.str.contains("duplicate").sum() == 25
    assert len(res.fitted) == 367 and res.X.shape[0] == 367
    kept = rules.run_rules(rules.study_table(), tmp_path, keep_flagged=True, **FAST)
    assert round(kept.lasso.alpha, 4) == 0.7543 and round(kept.lasso.test_r2, 3) == 0.302


def test_every_unreadable_smiles_is_named_at_once(tmp_path):
    t = _good_table()
    t.loc[[7, 12, 30], "smiles"] = ["C1CC(", "c1ccc", "N(("]
    with pytest.raises(ValueError, match=r"mine\.csv, row 7 \(line 9\), column 'smiles': RDKit cannot read the "
                                         r"SMILES 'C1CC\(' \(3 unreadable SMILES, on lines 9, 14, 32\)"):
        rules.validate_table(t, "mine.csv")


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_an_mpa_value_no_longer_spoils_the_study_rows(tmp_path):
    # one 9600 'GPa' row with --with-study put alpha at the grid's edge and test R^2 at -31.7
    t = _good_table(n_copies=1).head(8)
    t.loc[3, "E_GPa"] = 9600.0
    res = rules.run_rules(t, tmp_path, with_study=True, **FAST)
    assert res.excluded.set_index("line").loc[5, "reasons"] == "implausible modulus"
    assert res.lasso.alpha < 1.0 and res.lasso.test_r2 > 0.1 and res.fitted.E_GPa.max() < 100
    assert any("only your rows are scored" in n for n in res.notes)
