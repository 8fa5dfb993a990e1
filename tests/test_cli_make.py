"""The Makefile's set-up paths: any Python >= 3.11, one-line messages before long installs, rebuilds never stale.

These run `make` on a copy of the Makefile with stand-ins for the slow tools
(a fake ``jupyter-book`` that records what it found), so they take seconds.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None or os.name != "posix", reason="needs make and a POSIX shell")


def _bin(tmp_path, **scripts):
    """A folder of executables for PATH: name -> shell script body (or a path to link to)."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    for name in ("bash", "sh", "env", "cat", "sha256sum", "cut", "find", "sort", "rm", "mkdir", "sed", "tail", "touch",
                 "test", "true", "awk"):
        found = shutil.which(name)
        if found and not (folder / name).exists():
            (folder / name).symlink_to(found)
    for name, body in scripts.items():
        path = folder / name
        if isinstance(body, Path):
            path.symlink_to(body)
        else:
            path.write_text("#!/bin/bash\n" + body + "\n")
            path.chmod(0o755)
    return folder


def _make(cwd, path_dir, *args, **extra_env):
    env = {"PATH": str(path_dir), "HOME": os.environ.get("HOME", "/tmp"), **extra_env}
    return subprocess.run([MAKE, "--no-print-directory", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def test_any_python_of_at_least_3_11_on_the_path_is_found(tmp_path):
    # only a Python called python3.12 (really this interpreter, >= 3.11): found under that name
    path = _bin(tmp_path, **{"python3.12": Path(sys.executable)})
    res = _make(ROOT, path, "--eval", "print-python: ; @echo PYTHON=$(PYTHON)", "print-python")
    assert res.stdout.strip() == "PYTHON=python3.12", res.stderr


def test_an_old_python_gets_one_line_saying_what_to_install(tmp_path):
    path = _bin(tmp_path, python3="exit 1")  # a python3 older than 3.11 (its version check fails)
    res = _make(ROOT, path, "book-preflight")
    assert res.returncode != 0
    assert res.stdout.strip().splitlines() == [
        "no Python >= 3.11 found on the PATH: install one (python.org, Homebrew, apt, or py -3.11 on Windows) or "
        "run 'make PYTHON=/path/to/python3.11 ...'"]


def test_without_npm_and_not_root_book_stops_before_any_install(tmp_path):
    path = _bin(tmp_path, id="echo 1000", **{"python3.11": Path(sys.executable)})  # not root, no npm, no apt
    work = tmp_path / "clone"
    work.mkdir()
    shutil.copy(ROOT / "Makefile", work)
    res = _make(work, path, "book")
    assert res.returncode != 0 and not (work / ".venv").exists()  # nothing installed
    lines = res.stdout.strip().splitlines()
    assert len(lines) == 1 and "make book needs npm" in lines[0] and "install Node.js with npm" in lines[0]


def _book_copy(tmp_path):
    """A checkout in miniature for `make book`: the Makefile, a package file, the pins and configs."""
    work = tmp_path / "clone"
    (work / "mlcrystal").mkdir(parents=True)
    shutil.copy(ROOT / "Makefile", work)
    for name in ("requirements.txt", "_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, work)
    (work / "mlcrystal" / "physics.py").write_text("G = 1\n")
    return work


FAKE_BOOK = """\
[ -d _build/.doctrees ] && echo "saw doctrees" >> _build/calls || echo "fresh" >> _build/calls
mkdir -p _build/.doctrees _build/html
if [ -f fail ]; then
  mkdir -p _build/html/reports; echo "DataUnavailableError" > _build/html/reports/ch.err.log; exit 1
fi
"""


def _book(work, path):
    # the environment, data check and site assets are taken as done: this tests the build step only
    return _make(work, path, "BIN=" + str(path), "-o", ".venv/.installed", "-o", "data-check", "-o", "site-assets",
                 "-o", "book-preflight", "book")


def test_a_package_change_reexecutes_every_chapter_and_a_failed_build_leaves_nothing_up_to_date(tmp_path):
    path = _bin(tmp_path, **{"jupyter-book": FAKE_BOOK})
    work = _book_copy(tmp_path)
    calls = work / "_build" / "calls"

    assert _book(work, path).returncode == 0
    assert _book(work, path).returncode == 0  # nothing changed: Sphinx's incremental build (doctrees kept)
    assert calls.read_text().split("\n")[:2] == ["fresh", "saw doctrees"]

    (work / "mlcrystal" / "physics.py").write_text("G = 2\n")  # the package changed
    res = _book(work, path)
    assert res.returncode == 0 and "every chapter is executed again" in res.stdout
    assert calls.read_text().splitlines()[-1] == "fresh"  # doctrees were removed before the build

    (work / "fail").write_text("")  # a notebook fails to execute
    res = _book(work, path)
    assert res.returncode != 0 and "DataUnavailableError" in res.stdout and "next make book executes" in res.stdout
    assert not (work / "_build" / ".doctrees").exists() and not (work / "_build" / ".book-depends").exists()
    (work / "fail").unlink()
    assert _book(work, path).returncode == 0
    assert calls.read_text().splitlines()[-1] == "fresh"  # the rebuild started from nothing


def test_a_data_folder_without_the_files_is_named_before_any_install(tmp_path):
    path = _bin(tmp_path, **{"python3.11": Path(sys.executable), "npm": "true"})
    work = tmp_path / "clone"
    (work / "mlcrystal" / "data").mkdir(parents=True)
    shutil.copy(ROOT / "Makefile", work)
    shutil.copy(ROOT / "mlcrystal" / "data" / "registry.txt", work / "mlcrystal" / "data")
    env_dir = tmp_path / "empty"
    env_dir.mkdir()
    res = _make(work, path, "book", MLCRYSTAL_DATA_DIR=str(env_dir))
    assert res.returncode != 0 and not (work / ".venv").exists()
    assert res.stdout.strip().splitlines() == [
        f"MLCRYSTAL_DATA_DIR={env_dir} has no Youngs_modulus_dataset.xlsx: put the study's files there "
        "(data/README.md lists them) or unset it to download them"]
