"""The data layer: pinned files, loaders, validation, cleaning."""

import os
import shutil

import numpy as np
import pandas as pd
import pytest

from mlcrystal import datasets
from mlcrystal.datasets import (
    DataUnavailableError,
    clean_youngs_modulus,
    fetch,
    load_initial_blocking_force,
    load_stiffness_tensors,
    load_youngs_modulus,
)

# ---------------------------------------------------------------- registry / fetch

def test_registry_lists_the_three_pinned_files():
    names = {"Youngs_modulus_dataset.xlsx", "initial_dataset.xlsx", "stiffness_tensors_rev.csv"}
    assert set(datasets.REGISTRY) == names
    for f in datasets.REGISTRY.values():
        assert len(f.sha256) == 64
        pins = ("/5027fdb9887852a7faa535807a3c92ae89407add/", "/a62e51a628e67ebfa228f787966ae6ca88f0372c/")
        assert any(pin in f.url for pin in pins)
        assert f.licence.startswith("MIT")


def test_registry_is_package_data_in_pooch_format():
    """The pins ship inside the package, one ``name sha256:<hash> <url>`` line per file."""
    from importlib import resources

    text = (resources.files("mlcrystal") / "data" / "registry.txt").read_text()
    lines = [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert [len(parts) for parts in lines] == [3, 3, 3]
    for name, digest, url in lines:
        assert digest == "sha256:" + datasets.REGISTRY[name].sha256 and url == datasets.REGISTRY[name].url


@pytest.mark.needs_data()
def test_fetch_returns_verified_files():
    for name in datasets.REGISTRY:
        path = fetch(name)
        assert path.name == name and path.is_file()


def test_fetch_unknown_name():
    with pytest.raises(ValueError, match="unknown data file"):
        fetch("nope.csv")


def test_empty_local_folder_gives_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MLCRYSTAL_DATA_DIR", str(tmp_path))
    with pytest.raises(DataUnavailableError) as err:
        load_youngs_modulus()
    msg = str(err.value)
    assert "Youngs_modulus_dataset.xlsx" in msg
    assert datasets.REGISTRY["Youngs_modulus_dataset.xlsx"].url in msg
    assert "MLCRYSTAL_DATA_DIR" in msg


def test_offline_download_gives_clear_error(tmp_path, monkeypatch):
    """No local folder, empty cache, unreachable host: the error says what to do."""
    monkeypatch.delenv("MLCRYSTAL_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    name = "initial_dataset.xlsx"
    entry = datasets.REGISTRY[name]
    # port 9 on loopback: refused at once, never leaves the machine
    unreachable = datasets.UpstreamFile(name, entry.sha256, "http://127.0.0.1:9/initial_dataset.xlsx", entry.licence)
    monkeypatch.setitem(datasets.REGISTRY, name, unreachable)
    with pytest.raises(DataUnavailableError) as err:
        fetch(name)
    assert "download failed" in str(err.value)
    assert "MLCRYSTAL_DATA_DIR" in str(err.value)


@pytest.mark.needs_data("stiffness_tensors_rev.csv")
def test_cached_file_is_used_without_network(tmp_path, monkeypatch):
    """A verified file in the user's cache folder is returned without a download."""
    name = "stiffness_tensors_rev.csv"
    src = fetch(name)
    monkeypatch.delenv("MLCRYSTAL_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "mlcrystal").mkdir()
    shutil.copy(src, tmp_path / "mlcrystal" / name)
    entry = datasets.REGISTRY[name]
    unreachable = datasets.UpstreamFile(name, entry.sha256, "http://127.0.0.1:9/x.csv", entry.licence)
    monkeypatch.setitem(datasets.REGISTRY, name, unreachable)
    assert fetch(name) == tmp_path / "mlcrystal" / name
    assert len(load_stiffness_tensors()) == 237


@pytest.mark.needs_data()
def test_corrupted_file_is_refused(tmp_path, monkeypatch):
    for name in datasets.REGISTRY:
        shutil.copy(fetch(name), tmp_path / name)
    with open(tmp_path / "stiffness_tensors_rev.csv", "ab") as fh:
        fh.write(b"\n")
    monkeypatch.setenv("MLCRYSTAL_DATA_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="does not match the pinned hash"):
        load_stiffness_tensors()
    assert load_initial_blocking_force().shape == (10, 9)  # the intact files still load


# ---------------------------------------------------------------- Young's modulus

@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_youngs_modulus_shape_columns_units():
    df = load_youngs_modulus()
    assert df.shape == (393, 8)
    assert list(df.columns) == ["compound", "smiles", "method", "density_g_cm3", "E_GPa", "E_se_GPa", "doi",
                                "source_row"]
    assert df.E_GPa.dtype == float
    assert df.E_GPa.min() == pytest.approx(0.00118)
    assert df.E_GPa.max() == pytest.approx(76.86)
    assert df.E_GPa.mean() == pytest.approx(11.51, abs=0.005)
    assert df.E_GPa.median() == pytest.approx(9.36, abs=0.005)
    assert df.density_g_cm3.isna().sum() == 151
    assert df.E_se_GPa.isna().sum() == 122
    assert df.smiles.nunique() == 221
    assert df.source_row.tolist() == list(range(2, 395))


def test_raw_is_exactly_as_published(youngs_raw):
    assert youngs_raw.shape == (393, 8)
    assert youngs_raw.doi.nunique() == 118  # the study's 118 papers, as distinct strings
    assert youngs_raw.compound.nunique() == 290
    counts = youngs_raw.method.value_counts()
    assert counts["Nanoindentation"] == 351
    assert counts["Beam bending"] == 19
    assert counts["Bending test "] == 3  # trailing space kept
    assert (youngs_raw.doi != youngs_raw.doi.str.strip()).sum() == 30


def test_cleaning_keeps_rows_and_reports_changes(youngs_raw):
    res = clean_youngs_modulus(youngs_raw)
    clean = res.data
    assert len(clean) == len(youngs_raw)
    assert clean.E_GPa.equals(youngs_raw.E_GPa)
    assert (clean.doi == clean.doi.str.strip()).all()
    assert clean.doi.nunique() == 113  # 118 strings name 113 DOIs
    assert clean.method.value_counts()["Beam bending"] == 22
    assert "Bending test" not in set(clean.method)
    # every reported change is real and points at the right cell
    assert len(res.report) > 0
    for r in res.report.itertuples():
        assert youngs_raw.loc[r.row, r.field] != clean.loc[r.row, r.field]
        assert r.source_row == r.row + 2
    changed_cells = {(r.row, r.field) for r in res.report.itertuples()}
    diff = {(i, c) for c in ["compound", "smiles", "method", "doi"]
            for i in np.flatnonzero((youngs_raw[c] != clean[c]).to_numpy())}
    assert changed_cells == diff  # nothing changed without a report line
    summary = res.summary()
    assert summary.cells.sum() == len(res.report)


def test_load_clean_equals_clean_of_raw(youngs_raw):
    pd.testing.assert_frame_equal(load_youngs_modulus(clean=True), clean_youngs_modulus(youngs_raw).data)


def _published_table():
    return pd.read_excel(fetch("Youngs_modulus_dataset.xlsx"))


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_missing_column_is_named(tmp_path):
    bad = _published_table().rename(columns={"E (Gpa)": "E"})
    path = tmp_path / "renamed.xlsx"
    bad.to_excel(path, index=False)
    with pytest.raises(ValueError, match=r"renamed\.xlsx: missing column\(s\) \['E \(Gpa\)'\]"):
        load_youngs_modulus(path=path)


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_text_in_number_column_names_column_and_row(tmp_path):
    bad = _published_table()
    bad["E (Gpa)"] = bad["E (Gpa)"].astype(object)
    bad.loc[5, "E (Gpa)"] = "4.7 GPa"
    path = tmp_path / "texty.xlsx"
    bad.to_excel(path, index=False)
    with pytest.raises(ValueError) as err:
        load_youngs_modulus(path=path)
    msg = str(err.value)
    assert "texty.xlsx" in msg and "'E (Gpa)'" in msg and "row 5" in msg and "line 7" in msg and "4.7 GPa" in msg


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_blank_modulus_is_refused_but_blank_density_is_allowed(tmp_path):
    bad = _published_table()
    bad.loc[3, "E (Gpa)"] = np.nan
    path = tmp_path / "blank.xlsx"
    bad.to_excel(path, index=False)
    with pytest.raises(ValueError, match="row 3 .*may not be blank"):
        load_youngs_modulus(path=path)


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_empty_smiles_is_refused(tmp_path):
    bad = _published_table()
    bad.loc[10, "Smiles"] = np.nan
    path = tmp_path / "nosmiles.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"nosmiles\.csv, column 'Smiles', row 10 .*empty cell"):
        load_youngs_modulus(path=path)


# ---------------------------------------------------------------- initial blocking force

@pytest.mark.needs_data("initial_dataset.xlsx")
def test_initial_blocking_force_shape_columns_units():
    df = load_initial_blocking_force()
    assert list(df.columns) == ["compound", "compound_id", "E_GPa", "P_mW_cm2", "L_um", "W_um", "T_um", "face",
                                "force_mN"]
    assert df.shape == (10, 9)
    assert df.groupby("compound_id").size().to_dict() == {5: 5, 9: 5}
    naph = df[df.compound == "2-naph"]
    assert naph[["L_um", "W_um", "T_um"]].iloc[0].tolist() == [626, 708, 241]
    assert naph.E_GPa.unique().tolist() == [1.25]
    assert sorted(df.P_mW_cm2.unique()) == [208, 520, 1040, 1560, 2080]
    assert naph.force_mN.round(2).tolist() == [3.42, 5.85, 8.34, 9.22, 9.81]
    pcl = df[df.compound == "p-Cl"]
    assert pcl.force_mN.round(2).tolist() == [0.73, 1.89, 3.67, 5.07, 6.82]


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_initial_blocking_force_text_in_number(tmp_path):
    bad = pd.read_excel(fetch("initial_dataset.xlsx"))
    bad["T"] = bad["T"].astype(object)
    bad.loc[2, "T"] = "241um"
    path = tmp_path / "init.xlsx"
    bad.to_excel(path, index=False)
    with pytest.raises(ValueError, match=r"init\.xlsx, column 'T', row 2 \(line 4"):
        load_initial_blocking_force(path=path)


# ---------------------------------------------------------------- stiffness tensors

@pytest.mark.needs_data("stiffness_tensors_rev.csv")
def test_stiffness_tensors_shape_and_units():
    df = load_stiffness_tensors()
    assert len(df) == 237
    assert list(df.columns) == ["compound", "source", "method", "experimental", "C_GPa"]
    assert df.experimental.sum() == 123
    assert set(df.method) == {"Exp", "DFT", "S-HF-3c", "NNP"}
    C = df.C_GPa.iloc[0]
    assert C.shape == (6, 6)
    assert df.compound.iloc[0] == "1,2,4,5-tetrabromobenzene"
    assert C[0, 0] == pytest.approx(14.25) and C[0, 1] == pytest.approx(12.58)
    # matrices are stored row by row: C[i, j] is column "C{i+1}{j+1}"
    raw = pd.read_csv(fetch("stiffness_tensors_rev.csv"))
    assert df.C_GPa.iloc[7][2, 4] == pytest.approx(raw.loc[7, "C35"])


@pytest.mark.needs_data("stiffness_tensors_rev.csv")
def test_stiffness_missing_voigt_column(tmp_path):
    bad = pd.read_csv(fetch("stiffness_tensors_rev.csv")).drop(columns=["C44"])
    path = tmp_path / "tensors.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"tensors\.csv: missing column\(s\) \['C44'\]"):
        load_stiffness_tensors(path=path)


def test_import_does_no_network_or_heavy_work():
    """Importing the package must not import the heavy stacks or touch the data."""
    import subprocess
    import sys

    code = ("import sys, mlcrystal, mlcrystal.datasets; "
            "heavy = [m for m in ('rdkit', 'sklearn', 'skopt', 'requests') if m in sys.modules]; "
            "print(','.join(heavy))")
    env = dict(os.environ, MLCRYSTAL_DATA_DIR="/nonexistent")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == ""


# ---------------------------------------------------------------- no silent coercion (one bad file per case)

def _initial_table():
    return pd.read_excel(fetch("initial_dataset.xlsx"))


def _write_initial(tmp_path, table, name="init.xlsx"):
    path = tmp_path / name
    table.to_excel(path, index=False)
    return path


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_initial_face_must_be_0_or_1(tmp_path):
    bad = _initial_table()
    bad["upper_or_down"] = bad["upper_or_down"].astype(float)
    bad.loc[3, "upper_or_down"] = 0.5
    with pytest.raises(ValueError) as err:
        load_initial_blocking_force(path=_write_initial(tmp_path, bad))
    msg = str(err.value)
    assert "init.xlsx, column 'upper_or_down', row 3 (line 5" in msg and "0 or 1" in msg and "got 0.5" in msg


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_initial_unknown_compound_label(tmp_path):
    bad = _initial_table()
    bad.loc[7, "Compound"] = "p-Br"
    with pytest.raises(ValueError) as err:
        load_initial_blocking_force(path=_write_initial(tmp_path, bad))
    msg = str(err.value)
    assert "column 'Compound', row 7 (line 9" in msg and "'p-Br'" in msg and "'2-naph', 'p-Cl'" in msg
    assert "COMPOUND_LABELS" in msg


@pytest.mark.needs_data("initial_dataset.xlsx")
@pytest.mark.parametrize("column", ["L", "W", "T", "P"])
def test_initial_negative_size_or_intensity(tmp_path, column):
    bad = _initial_table()
    bad[column] = bad[column].astype(float)
    bad.loc[1, column] = -bad.loc[1, column]
    with pytest.raises(ValueError, match=rf"init\.xlsx, column '{column}', row 1 \(line 3.*positive number"):
        load_initial_blocking_force(path=_write_initial(tmp_path, bad))


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_initial_zero_thickness(tmp_path):
    bad = _initial_table()
    bad.loc[0, "T"] = 0
    with pytest.raises(ValueError, match=r"column 'T', row 0 .*expected a positive number, got 0"):
        load_initial_blocking_force(path=_write_initial(tmp_path, bad))


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
@pytest.mark.parametrize("text", ["inf", "-inf", "Infinity"])
def test_text_inf_is_not_a_modulus(tmp_path, text):
    bad = _published_table()
    bad["E (Gpa)"] = bad["E (Gpa)"].astype(object)
    bad.loc[12, "E (Gpa)"] = text
    path = tmp_path / "inf.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"inf\.csv, column 'E \(Gpa\)', row 12 \(line 14.*finite number"):
        load_youngs_modulus(path=path)


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_inf_in_initial_modulus(tmp_path):
    bad = _initial_table()
    bad["E"] = bad["E"].astype(object)
    bad.loc[2, "E"] = "inf"
    with pytest.raises(ValueError, match=r"column 'E', row 2 .*finite number, got '?inf'?\. "):
        load_initial_blocking_force(path=_write_initial(tmp_path, bad))


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_negative_youngs_modulus(tmp_path):
    bad = _published_table()
    bad.loc[4, "E (Gpa)"] = -3.0
    path = tmp_path / "neg.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"neg\.csv, column 'E \(Gpa\)', row 4 .*positive number, got -3.0"):
        load_youngs_modulus(path=path)


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx", "initial_dataset.xlsx")
def test_header_only_sheet_is_refused(tmp_path):
    path = _write_initial(tmp_path, _initial_table().iloc[:0], "empty.xlsx")
    with pytest.raises(ValueError, match=r"empty\.xlsx: the first sheet has no data rows \(columns found: \['Comp"):
        load_initial_blocking_force(path=path)
    csv = tmp_path / "empty.csv"
    _published_table().iloc[:0].to_csv(csv, index=False)
    with pytest.raises(ValueError, match=r"empty\.csv: the table has no data rows"):
        load_youngs_modulus(path=csv)


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_truncated_xlsx_is_refused_with_its_name(tmp_path):
    data = fetch("initial_dataset.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError) as err:
        load_initial_blocking_force(path=path)
    msg = str(err.value)
    assert str(path) in msg and "cannot be read as an Excel workbook" in msg and "truncated" in msg


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_csv_named_xlsx_is_refused_with_its_name(tmp_path):
    path = tmp_path / "really_a.xlsx"
    _initial_table().to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"really_a\.xlsx: cannot be read as an Excel workbook.*not CSV renamed"):
        load_initial_blocking_force(path=path)


@pytest.mark.needs_data("stiffness_tensors_rev.csv")
def test_garbled_csv_is_refused_with_its_name(tmp_path):
    path = tmp_path / "tensors.csv"
    text = fetch("stiffness_tensors_rev.csv").read_text()
    lines = text.splitlines()
    lines[5] = lines[5] + ",1,2,3,4"  # a row with more fields than the header
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"tensors\.csv: cannot be read as a CSV table \(ParserError"):
        load_stiffness_tensors(path=path)


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_data_on_the_wrong_sheet_names_the_sheet(tmp_path):
    path = tmp_path / "moved.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"note": ["measured in 2024"]}).to_excel(xl, sheet_name="Notes", index=False)
        _initial_table().to_excel(xl, sheet_name="Sheet1", index=False)
    with pytest.raises(ValueError) as err:
        load_initial_blocking_force(path=path)
    msg = str(err.value)
    assert "moved.xlsx: missing column(s)" in msg and "['Notes', 'Sheet1']" in msg
    assert "they are on 'Sheet1': move that sheet first" in msg


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_wrong_columns_on_the_only_sheet(tmp_path):
    path = _write_initial(tmp_path, _initial_table().rename(columns={"target": "force"}), "renamed.xlsx")
    with pytest.raises(ValueError) as err:
        load_initial_blocking_force(path=path)
    msg = str(err.value)
    assert "renamed.xlsx: missing column(s) ['target']" in msg and "sheets are ['Sheet1']" in msg
    assert "Restore the published header row" in msg
