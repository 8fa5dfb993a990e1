"""Binder installs what the notebooks need, at the versions requirements.txt tests, and nothing more."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
#: Tools for the site build, the browser check, tests and lint: never on Binder.
NOT_ON_BINDER = {"jupyter-book", "sphinx", "sphinx-book-theme", "pydata-sphinx-theme", "sphinxcontrib-bibtex",
                 "playwright", "pytest", "nbval", "hypothesis", "ruff", "mypy", "pre-commit", "nbconvert"}


def pins(path: Path) -> dict[str, Requirement]:
    """Requirement lines of a pip requirements file, by canonical name; option lines (``-c``) skipped.

    Raises ValueError naming the file and line for a line that is not a requirement
    or a name listed twice.
    """
    found: dict[str, Requirement] = {}
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement as err:
            raise ValueError(f"{path}:{number}: not a requirement: {raw!r} ({err})") from err
        name = canonicalize_name(req.name)
        if name in found:
            raise ValueError(f"{path}:{number}: {req.name} is listed twice")
        found[name] = req
    return found


def section(path: Path, title: str) -> list[str]:
    """Canonical names listed under the ``# --- title ---`` heading of a requirements file."""
    names, inside = [], False
    for line in path.read_text().splitlines():
        if line.startswith("# ---"):
            inside = line.strip("# -").strip() == title
        elif inside and line.strip() and not line.startswith(("#", "-")):
            names.append(canonicalize_name(Requirement(line.split(" #", 1)[0]).name))
    return names


def test_every_binder_pin_is_the_tested_pin():
    tested, binder = pins(ROOT / "requirements.txt"), pins(BINDER / "requirements.txt")
    assert binder, "binder/requirements.txt lists no packages"
    unpinned = [str(r) for r in binder.values() if len(r.specifier) != 1 or next(iter(r.specifier)).operator != "=="]
    assert unpinned == [], f"binder/requirements.txt: pin these with == as in requirements.txt: {unpinned}"
    absent = sorted(set(binder) - set(tested))
    assert absent == [], f"binder/requirements.txt lists packages requirements.txt does not pin: {absent}"
    differ = [f"{n}: binder {binder[n]} vs requirements.txt {tested[n]}" for n in binder
              if (binder[n].specifier, binder[n].extras) != (tested[n].specifier, tested[n].extras)]
    assert differ == [], "pins differ:\n" + "\n".join(differ)


def test_binder_has_the_whole_science_stack_and_no_build_or_test_tools():
    binder = pins(BINDER / "requirements.txt")
    science = section(ROOT / "requirements.txt", "science")
    assert len(science) >= 10
    assert sorted(set(science) - set(binder)) == []
    assert sorted(NOT_ON_BINDER & set(binder)) == []
    assert {"ipykernel", "ipywidgets", "myst-nb"} <= set(binder)  # kernel, explorers, glue


def test_binder_installs_the_kit_without_dependencies_and_supersedes_the_top_level_files():
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable"
    commands = [ln for ln in post.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert any("pip install" in ln and "--no-deps" in ln for ln in commands)
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    # repo2docker reads binder/ only; a top-level postBuild would be dead and misleading
    assert not (ROOT / "postBuild").exists()


def test_pins_names_file_and_line_of_a_bad_or_repeated_requirement(tmp_path):
    bad = tmp_path / "r.txt"
    bad.write_text("numpy==2.4.6\nnot a requirement!\n")
    with pytest.raises(ValueError, match=r"r\.txt:2: not a requirement"):
        pins(bad)
    bad.write_text("numpy==2.4.6\nNumPy==2.4.6\n")
    with pytest.raises(ValueError, match=r"r\.txt:2: NumPy is listed twice"):
        pins(bad)
    bad.write_text("-c other.txt\ndask[distributed]==2026.8.0  # note\n")
    assert str(pins(bad)["dask"]) == "dask[distributed]==2026.8.0"
