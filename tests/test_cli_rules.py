"""``mlcrystal rules`` and ``mlcrystal doctor``: checks before work, safe outputs, one-line errors."""

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_rules import FAST, _good_table

from mlcrystal.cli import build_parser, kit, main
from mlcrystal.cli import rules as cli_rules
from mlcrystal.cli.doctor import findings
from mlcrystal.rules import report as rules

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--repeats", "2", "--boot", "10", "--splits", "10", "--quiet"]


def _fail(argv, capsys):
    """Run the command line, expect exit status 2 and return its one-line error."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "Traceback" not in err
    return err.strip().splitlines()[-1]


def test_light_constants_match_the_science_module(tmp_path):
    from mlcrystal.rules.fitting import MPA_MEDIAN_GPa
    assert cli_rules.REQUIRED_COLUMNS == rules.REQUIRED_COLUMNS
    assert cli_rules.MPA_MEDIAN_GPa == MPA_MEDIAN_GPa
    res = rules.run_rules(_good_table(), tmp_path, **FAST)
    assert sorted(p.name for p in res.files.values()) == sorted(cli_rules.OUTPUT_FILES)


def test_exit_codes_and_one_line_messages(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    _good_table().assign(smiles=lambda t: t.smiles.where(t.index != 7, "C1CC(")).to_csv(bad, index=False)
    with pytest.raises(SystemExit) as exc:
        main(["rules", str(bad), "--out", str(tmp_path / "o"), *SMALL])
    err = capsys.readouterr().err.strip()
    assert exc.value.code == 2 and len(err.splitlines()) == 1 and "bad.csv, row 7 (line 9), column 'smiles'" in err
    assert not (tmp_path / "o").exists()  # nothing written for refused input

    small = tmp_path / "small.csv"
    _good_table().head(5).to_csv(small, index=False)
    with pytest.raises(SystemExit):
        main(["rules", str(small), "--out", str(tmp_path / "o"), *SMALL])
    assert "needs at least 13 rows" in capsys.readouterr().err
    assert "nope.csv: no such file" in _fail(["rules", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o")],
                                             capsys)
    assert "--out" in _fail(["rules", str(small)], capsys)  # --out is required: argparse's usage error

    good = tmp_path / "good.csv"
    _good_table().to_csv(good, index=False)
    assert main(["rules", str(good), "--out", str(tmp_path / "ok"), *SMALL]) == 0
    assert sorted(p.name for p in (tmp_path / "ok").iterdir()) == sorted(cli_rules.OUTPUT_FILES)


def test_header_is_read_before_the_science_modules_are_imported(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("smiles,E_MPa\nC,1\n")
    code = ("import sys\nfrom mlcrystal.cli import main\ntry:\n    main(['rules', sys.argv[1], '--out', sys.argv[2]])\n"
            "except SystemExit as e:\n    heavy = [m for m in ('pandas', 'numpy', 'rdkit', 'mlcrystal.rules') "
            "if m in sys.modules]\n    print(e.code, heavy)")
    res = subprocess.run([sys.executable, "-c", code, str(bad), str(tmp_path / "o")], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert res.stdout.strip() == "2 []", res.stderr
    assert "missing column 'E_GPa' (found ['smiles', 'E_MPa'])" in res.stderr


@pytest.mark.parametrize("name, content, message", [
    ("latin.csv", "smiles,E_GPa,compound\nC,1,caf\xe9\n".encode("cp1252"), None),  # header is UTF-8: read later
    ("latin2.csv", "smiles,E_GPa,caf\xe9\nC,1,x\n".encode("cp1252"), "not UTF-8 text (byte 0xe9 in the header)"),
    ("book.csv", b"PK\x03\x04rest", "book.csv is an Excel workbook, not a .csv file; rename it book.xlsx"),
    ("old.xlsx", b"\xd0\xcf\x11\xe0rest", "old.xlsx is an old-format Excel (.xls) workbook"),
    ("text.xlsx", b"smiles,E_GPa\nC,1\n", "text.xlsx is a text file, not an Excel workbook; rename it text.csv"),
    ("empty.csv", b"", "empty.csv: the file is empty"),
    ("tabs.csv", b"smiles\tE\nC\t1\n", "missing column 'E_GPa' (found ['smiles', 'E'])"),
])
def test_spreadsheet_exports_get_a_message_that_says_what_to_do(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    if message is None:
        assert cli_rules.read_header(path) == ["smiles", "E_GPa", "compound"]
        return
    assert message in _fail(["rules", str(path), "--out", str(tmp_path / "o")], capsys)


def test_a_table_on_the_second_sheet_is_named(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    path = tmp_path / "two.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"notes": ["see next sheet"]}).to_excel(xl, sheet_name="Notes", index=False)
        _good_table().to_excel(xl, sheet_name="Data", index=False)
    assert "the table is on the sheet 'Data', but only the first sheet ('Notes') is read" in _fail(
        ["rules", str(path), "--out", str(tmp_path / "o")], capsys)


def test_out_problems_are_found_before_any_work(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(kit.rules, "run_rules", lambda *a, **k: pytest.fail("work began before --out was checked"))
    data = tmp_path / "rules.csv"
    _good_table().to_csv(data, index=False)
    before = data.read_bytes()
    # the input is named like an output and sits in --out: never overwritten, even with --force
    for extra in ([], ["--force"]):
        assert "the input" in _fail(["rules", str(data), "--out", str(tmp_path), *extra], capsys)
    assert data.read_bytes() == before
    # an existing output is not replaced without --force
    out = tmp_path / "o"
    out.mkdir()
    (out / "report.md").write_text("my notes\n")
    assert "already holds report.md; pass --force" in _fail(["rules", str(data), "--out", str(out)], capsys)
    assert (out / "report.md").read_text() == "my notes\n"
    # --out naming a file, or empty
    assert "is a file, not a folder" in _fail(["rules", str(data), "--out", str(data)], capsys)
    assert "expected a path, got an empty string" in _fail(["rules", str(data), "--out", ""], capsys)
    # a folder that cannot be written
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != tmp_path / "ro")
    (tmp_path / "ro").mkdir()
    assert "folder" in _fail(["rules", str(data), "--out", str(tmp_path / "ro" / "x")], capsys)


def test_a_failure_while_writing_leaves_out_as_it_was(tmp_path, capsys, monkeypatch):
    data = tmp_path / "mine.csv"
    _good_table().to_csv(data, index=False)
    real = kit.rules.run_rules

    def disk_full(table, out_dir, **kwargs):
        (Path(out_dir) / "rules.csv").write_text("half a tab")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(kit.rules, "run_rules", disk_full)
    out = tmp_path / "o"
    with pytest.raises(SystemExit) as exc:
        main(["rules", str(data), "--out", str(out), *SMALL])
    err = capsys.readouterr().err.strip()
    assert exc.value.code == 1 and "No space left on device" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.csv"]  # no partial output, no scratch folder
    monkeypatch.setattr(kit.rules, "run_rules", real)
    assert main(["rules", str(data), "--out", str(out), *SMALL]) == 0
    assert (out / "rules.csv").read_text().startswith("fragment,")


def test_progress_lines_name_each_step(tmp_path, capsys):
    data = tmp_path / "mine.csv"
    _good_table().to_csv(data, index=False)
    assert main(["rules", str(data), "--out", str(tmp_path / "o"), "--repeats", "2", "--boot", "10",
                 "--splits", "10"]) == 0
    err = capsys.readouterr().err
    assert "rules: validating 40 rows of mine.csv" in err and "rules: 10 bootstrap fits" in err
    assert "wrote " in err.splitlines()[-1]


def test_help_names_the_console_script_and_shows_defaults():
    text = build_parser().format_help()
    assert "the console script is called mlcrystal" in text
    replay = subprocess.run([sys.executable, "-m", "mlcrystal", "replay", "--help"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120).stdout
    replay = " ".join(replay.split())
    assert "(default: 10)" in replay and "default: 100)" in replay  # --seeds, --budget
    assert all(name in replay for name in kit.force.STRATEGIES)  # the registry's names, listed lazily


def test_doctor_reports_what_the_machine_has_and_what_a_gap_affects(capsys):
    report = {f.what: f for f in findings(download=False)}
    for what in ("Python", "RDKit fragments", "Java (optional)", "npm", "Chromium", "cores", "numpy", "tqdm"):
        assert what in report
    assert report["RDKit fragments"].found.startswith("85 fr_* counts")
    assert "OPSIN" in report["Java (optional)"].affects and "site-check" in report["Chromium"].affects
    code = main(["doctor", "--offline"])
    out = capsys.readouterr().out
    assert code in (0, 1) and "Youngs_modulus_dataset.xlsx" in out and "cores" in out


def test_doctor_names_a_wrong_data_folder_and_the_chapters_it_affects(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MLCRYSTAL_DATA_DIR", str(tmp_path))
    assert main(["doctor", "--offline"]) == 1
    out = capsys.readouterr().out
    assert "MISSING  initial_dataset.xlsx" in out and "chapters 6-7" in out


def test_kit_dispatcher_refuses_unknown_names():
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        kit.nothing  # noqa: B018 - the attribute access is the test



def test_the_command_line_parses_with_light_modules_only():
    code = ("import sys\nfrom mlcrystal.cli import build_parser\n"
            "build_parser().parse_args(['replay', '--out', 'x.csv', '--seeds', '3'])\n"
            "print(sorted(m for m in ('numpy', 'pandas', 'sklearn', 'rdkit', 'skopt', 'matplotlib', 'scipy', "
            "'mlcrystal.force', 'mlcrystal.rules', 'mlcrystal.datasets') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.stdout.strip() == "[]", res.stderr


def test_template_is_written_with_light_modules_and_never_overwritten(tmp_path, capsys):
    target = tmp_path / "my_moduli.csv"
    code = ("import sys\nfrom mlcrystal.cli import main\nmain(['rules', '--template', sys.argv[1]])\n"
            "print(sorted(m for m in ('numpy', 'pandas', 'rdkit', 'mlcrystal.rules') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert res.stdout.strip() == "[]", res.stderr
    assert target.read_text() == (ROOT / "mlcrystal" / "data" / "rules_template.csv").read_text()
    table = rules.validate_table(rules.read_table(target)[0], target.name)  # the template is a valid table
    assert list(table.compound)[:1] == ["Benzoic acid"] and (table.paper != "").all()
    target.write_text("my rows\n")
    assert "exists; pass --force" in _fail(["rules", "--template", str(target)], capsys)
    assert target.read_text() == "my rows\n"
    assert "--template writes the template and does nothing else" in _fail(
        ["rules", str(target), "--template", str(tmp_path / "t.csv")], capsys)
    assert "DATA and --out" in _fail(["rules"], capsys)


def test_an_mpa_table_is_refused_in_one_line_before_any_work(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(kit.rules, "run_rules", lambda *a, **k: pytest.fail("work began on an MPa table"))
    mpa = tmp_path / "mpa.csv"
    _good_table().assign(E_GPa=lambda t: t.E_GPa * 1000).to_csv(mpa, index=False, sep=";", decimal=",")
    err = _fail(["rules", str(mpa), "--out", str(tmp_path / "o"), *SMALL], capsys)
    assert "mpa.csv: the E_GPa column looks like MPa, not GPa" in err and "divide the column by 1000" in err
    assert not (tmp_path / "o").exists()
    assert cli_rules.median_modulus(mpa) > 1000  # decimal commas read


def test_keep_flagged_is_passed_on_and_reported(tmp_path, capsys):
    t = _good_table()
    t.loc[5, "E_GPa"] = 9600.0
    data = tmp_path / "mine.csv"
    t.to_csv(data, index=False)
    assert main(["rules", str(data), "--out", str(tmp_path / "a"), *SMALL]) == 0
    assert "1 flagged rows set aside, see excluded_rows.csv" in capsys.readouterr().err
    assert main(["rules", str(data), "--out", str(tmp_path / "b"), "--keep-flagged", *SMALL]) == 0
    assert "1 flagged rows kept and fitted (--keep-flagged)" in capsys.readouterr().err
    assert "9600" in (tmp_path / "b" / "excluded_rows.csv").read_text()
