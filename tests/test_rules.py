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
