"""``mlcrystal doctor``: what this machine has and lacks for the kit, and what each gap affects.

One line per check: ``ok``, ``MISSING`` (something a chapter or command
cannot do without) or ``note`` (optional), what was found, and what a gap
affects. Checks: Python, the key packages (against the pins of
``requirements.txt`` when run from a checkout), the upstream data (reachable
or not, and from where: ``MLCRYSTAL_DATA_DIR``, the checkout's ``data/``
folder, pooch's cache, or a download), RDKit's fragment count, Java (OPSIN
name checks), npm and Chromium (building and checking the website), and the
cores campaigns can use. Exit status 1 when a chapter cannot run, else 0.
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import os
import platform
import re
import shutil
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from mlcrystal.cli import kit
from mlcrystal.cli.types import available_cores

__all__ = ["Finding", "add_parser", "command", "findings", "package_findings", "PACKAGES", "OPTIONAL_PACKAGES",
           "EXPECTED_FRAGMENTS", "MIN_PYTHON", "data_check"]

#: Distribution -> what needs it. The first group runs the notebooks; the rest build, test or extend.
PACKAGES: dict[str, str] = {
    "numpy": "every chapter", "pandas": "every chapter", "scipy": "every chapter",
    "scikit-learn": "chapters 3, 4, 6, 7", "scikit-optimize": "chapter 7, replay", "bayesian-optimization":
        "chapter 7 (the authors' loop), replay --strategy authors", "rdkit": "chapters 1-4, rules",
    "matplotlib": "every chapter's figures", "openpyxl": "loading the study's .xlsx files",
    "pooch": "downloading the data", "ipywidgets": "the explorers of chapters 5-6",
    "jupyterlab": "make lab (running the notebooks)", "ipykernel": "running the notebooks",
    "myst-nb": "the chapters' glued numbers", "tqdm": "replay's progress", "filelock": "replay's output lock",
}
#: Optional distributions -> what needs them.
OPTIONAL_PACKAGES: dict[str, str] = {
    "dask": "replay --scheduler", "distributed": "replay --scheduler",
    "jupyter-book": "make book (the website)", "nbval": "make test (nbval)", "pytest": "make test",
    "ruff": "make lint", "mypy": "make lint", "playwright": "make site-check",
}
#: Fragment counts the chapters were written with (RDKit 2024-2026).
EXPECTED_FRAGMENTS = 85
MIN_PYTHON = (3, 11)


@dataclass
class Finding:
    """One line of the report."""

    status: str  # "ok", "MISSING" or "note"
    what: str
    found: str
    affects: str = ""

    def line(self) -> str:
        tail = f"  -> {self.affects}" if self.affects and self.status != "ok" else ""
        return f"{self.status:<8} {self.what:<28} {self.found}{tail}"


def _pins(requirements: Path) -> dict[str, str]:
    pins = {}
    if requirements.is_file():
        for line in requirements.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s#;]+)", line.strip())
            if m:
                pins[_norm(m.group(1))] = m.group(2)
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def package_findings(requirements: Path | None = None) -> list[Finding]:
    """The key packages: installed version, and the pinned one when it differs (``requirements.txt``)."""
    root = Path(__file__).resolve().parents[2]
    pins = _pins(requirements if requirements is not None else root / "requirements.txt")
    out = []
    for group, status_missing in ((PACKAGES, "MISSING"), (OPTIONAL_PACKAGES, "note")):
        for name, affects in group.items():
            try:
                version = metadata.version(name)
            except metadata.PackageNotFoundError:
                out.append(Finding(status_missing, name, "not installed", affects))
                continue
            pin = pins.get(_norm(name))
            if pin is not None and pin != version:
                out.append(Finding("note", name, f"{version} (tested: {pin}; outputs may differ in the last digits)",
                                   affects))
            else:
                out.append(Finding("ok", name, version, affects))
    return out


def _data_findings(download: bool) -> list[Finding]:
    try:
        datasets = kit.datasets
    except ImportError as err:
        return [Finding("MISSING", "data", f"the kit cannot load ({err})", "every chapter")]
    out = []
    env = os.environ.get(datasets.ENV_VAR)
    where = (f"{datasets.ENV_VAR}={env}" if env else
             f"{datasets.ENV_VAR} unset: the checkout's data/, then pooch's cache, then a download")
    out.append(Finding("ok" if not env or Path(env).expanduser().is_dir() else "MISSING", "data folder", where,
                       "every chapter: the folder does not exist"))
    affects = {"Youngs_modulus_dataset.xlsx": "chapters 1-4, rules --with-study",
               "initial_dataset.xlsx": "chapters 6-7, replay (blocking and ensemble landscapes)",
               "stiffness_tensors_rev.csv": "chapter 5"}
    cache = Path(datasets.pooch.os_cache("mlcrystal"))
    for name in datasets.REGISTRY:
        if env:
            origin = f"from {datasets.ENV_VAR}"
        elif datasets.checkout_copy(name) is not None:
            origin = "from the checkout's data/ folder"
        elif (cache / name).is_file():
            origin = "from pooch's cache"
        elif download:
            origin = "downloaded now"
        else:
            out.append(Finding("MISSING", name, f"not here (--offline: not downloaded from "
                                                f"{datasets.REGISTRY[name].url})", affects[name]))
            continue
        try:
            path = datasets.fetch(name)  # checks the SHA-256; downloads only when nothing local has it
        except (OSError, ValueError) as err:
            out.append(Finding("MISSING", name, " ".join(str(err).split())[:200], affects[name]))
            continue
        out.append(Finding("ok", name, f"{path} ({origin}, SHA-256 as pinned)"))
    return out


def _rdkit_finding() -> Finding:
    try:
        descriptors = kit.rdkit_descriptors
    except ImportError:
        return Finding("MISSING", "RDKit fragments", "RDKit not installed", "chapters 1-4, rules")
    n = sum(1 for name, _ in descriptors.descList if name.startswith("fr_"))
    status = "ok" if n == EXPECTED_FRAGMENTS else "note"
    return Finding(status, "RDKit fragments", f"{n} fr_* counts (the chapters were written with "
                   f"{EXPECTED_FRAGMENTS})", "chapters 2-3: other column counts and numbers")


def _chromium() -> str | None:
    for candidate in (os.environ.get("MLCRYSTAL_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def findings(download: bool = True) -> list[Finding]:
    """Every check of ``mlcrystal doctor``, in the order printed."""
    py = sys.version_info
    out = [Finding("ok" if py[:2] >= MIN_PYTHON else "MISSING", "Python",
                   f"{platform.python_version()} ({sys.executable}) on {platform.system()} {platform.machine()}",
                   "everything: the kit needs Python >= 3.11")]
    out += _data_findings(download)
    out.append(_rdkit_finding())
    out += package_findings()
    java = shutil.which("java")
    out.append(Finding("ok" if java else "note", "Java (optional)", java or "not found",
                       "chapter 1's OPSIN name checks are skipped (make java installs a runtime)"))
    npm = shutil.which("npm")
    out.append(Finding("ok" if npm else "note", "npm", npm or "not found",
                       "make book cannot fetch the website's JavaScript (install Node.js with npm)"))
    chromium = _chromium()
    out.append(Finding("ok" if chromium else "note", "Chromium", chromium or "not found",
                       "make site-check runs only its static checks (install chromium)"))
    cores = available_cores()
    out.append(Finding("ok", "cores", f"{cores} available to this process (os.cpu_count() = {os.cpu_count()})",
                       ""))
    return out


def data_check(download: bool = True) -> int:
    """``doctor --data-only``: one line per upstream file, the whole reason for one that is unavailable; 1 if any is."""
    datasets = kit.datasets
    failed = 0
    for name in datasets.REGISTRY:
        try:
            path = datasets.fetch(name) if download or datasets.checkout_copy(name) or \
                os.environ.get(datasets.ENV_VAR) else None
        except (OSError, ValueError) as err:  # DataUnavailableError is an OSError: its text says what to do
            print(f"{type(err).__name__}: {err}", file=sys.stderr)
            failed += 1
            continue
        print(f"data: {name}: {path if path else 'not here (--offline)'}")
        failed += path is None
    return 1 if failed else 0


def command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Print the report; 1 when something every chapter or a named chapter needs is missing."""
    if args.data_only:
        return data_check(download=not args.offline)
    report = findings(download=not args.offline)
    for f in report:
        print(f.line())
    missing = [f for f in report if f.status == "MISSING"]
    if missing:
        print(f"\n{len(missing)} missing: " + "; ".join(f"{f.what} ({f.affects})" for f in missing))
    else:
        print("\nEverything the chapters need is here.")
    if not os.environ.get("MLCRYSTAL_DATA_DIR"):
        print("Note: a data folder set with MLCRYSTAL_DATA_DIR must be in the environment of the Jupyter "
              "server too (export it before starting jupyter lab).")
    return 1 if missing else 0


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``doctor`` command to ``sub`` (an argparse sub-parsers object)."""
    p = sub.add_parser("doctor", help="what this machine has and lacks for the kit, and what each gap affects",
                       description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--offline", action="store_true",
                   help="do not try to download missing data (report only what is already here)")
    p.add_argument("--data-only", action="store_true",
                   help="check only that the upstream data are reachable (what make book and make lab run first)")
    p.set_defaults(func=partial(command, p))
    return p
