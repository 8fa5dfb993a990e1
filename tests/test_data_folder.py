"""The checkout's data/ folder: documented, ignored by git except its README, read without MLCRYSTAL_DATA_DIR."""

import shutil
import subprocess
from pathlib import Path

import pytest

from mlcrystal import datasets

ROOT = Path(__file__).resolve().parent.parent


def test_the_data_folder_readme_lists_every_pinned_file_with_its_hash_and_licence():
    text = (ROOT / "data" / "README.md").read_text()
    for f in datasets.REGISTRY.values():
        assert f"`{f.name}`" in text and f.sha256 in text and f.licence in text


def test_git_ignores_the_data_folder_except_its_readme():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "check-ignore", "-q", "data/initial_dataset.xlsx"], cwd=ROOT).returncode
    kept = subprocess.run(["git", "check-ignore", "-q", "data/README.md"], cwd=ROOT).returncode
    assert (ignored, kept) == (0, 1)


def test_checkout_copy_is_found_without_the_environment_variable(tmp_path, monkeypatch):
    # a checkout's layout in miniature: pyproject.toml beside data/README.md and the file
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "README.md").write_text("")
    monkeypatch.setattr(datasets, "CHECKOUT_DATA_DIR", tmp_path / "data")
    monkeypatch.delenv(datasets.ENV_VAR, raising=False)
    assert datasets.checkout_copy("initial_dataset.xlsx") is None
    source = Path(__file__)  # any file: its hash is checked, and refused
    shutil.copy(source, tmp_path / "data" / "initial_dataset.xlsx")
    assert datasets.checkout_copy("initial_dataset.xlsx") == tmp_path / "data" / "initial_dataset.xlsx"
    with pytest.raises(ValueError, match="does not match the pinned hash"):
        datasets.fetch("initial_dataset.xlsx")


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_a_pinned_file_in_the_checkout_data_folder_is_used(tmp_path, monkeypatch):
    real = datasets.fetch("initial_dataset.xlsx")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "README.md").write_text("")
    shutil.copy(real, tmp_path / "data" / "initial_dataset.xlsx")
    monkeypatch.setattr(datasets, "CHECKOUT_DATA_DIR", tmp_path / "data")
    monkeypatch.delenv(datasets.ENV_VAR, raising=False)
    assert datasets.fetch("initial_dataset.xlsx") == tmp_path / "data" / "initial_dataset.xlsx"
