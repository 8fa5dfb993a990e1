"""CONTRIBUTING.md's module map is the package's tree: every module named, nothing named that is not there.

The map is the fenced block under "## The module map". A module is named by its
dotted path at the start of a line (``mlcrystal.force.lab``); a package counts
as one entry (``mlcrystal.force.strategies``); everything under ``mlcrystal/cli/``
is one entry, ``mlcrystal.cli``.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def map_entries(text: str) -> set[str]:
    """The dotted module names at the start of the lines of the map's fenced block."""
    section = text.split("## The module map", 1)[1]
    block = section.split("```", 2)[1]
    return set(re.findall(r"^(mlcrystal(?:\.\w+)*)\b", block, flags=re.M))


def tree_entries(package: Path) -> set[str]:
    """Every module and package of the tree (``mlcrystal.cli`` standing for all of mlcrystal/cli/)."""
    found = set()
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[:2] == ["mlcrystal", "cli"]:
            parts = parts[:2]
        found.add(".".join(parts))
    found.discard("mlcrystal")  # the package itself is the map's subject
    return found


def test_the_map_is_the_tree():
    named = map_entries((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"))
    tree = tree_entries(ROOT / "mlcrystal")
    # the command line is being moved into mlcrystal/cli/ on its own branch: while it is not
    # in this tree, its map entry may name it ahead of time (and only it)
    missing_from_tree = named - tree - {"mlcrystal.cli"}
    assert not (tree - named), f"modules the map does not name: {sorted(tree - named)}"
    assert not missing_from_tree, f"the map names modules that do not exist: {sorted(missing_from_tree)}"


def test_the_check_sees_both_kinds_of_drift(tmp_path):
    pkg = tmp_path / "mlcrystal"
    (pkg / "force").mkdir(parents=True)
    (pkg / "cli").mkdir()
    for name in ("__init__.py", "study.py", "force/__init__.py", "force/lab.py", "cli/__init__.py", "cli/replay.py"):
        (pkg / name).write_text("")
    assert tree_entries(pkg) == {"mlcrystal.study", "mlcrystal.force", "mlcrystal.force.lab", "mlcrystal.cli"}
    text = ("## The module map\n\n```\nmlcrystal.study   facts\nmlcrystal.gone    old\n"
            "  mlcrystal.force.lab (indented: not an entry)\n```\n")
    assert map_entries(text) == {"mlcrystal.study", "mlcrystal.gone"}


def test_the_docs_name_real_files():
    # drift fixed once: the registry is registry.txt and load_replay lives in replay_tables
    for doc in ("README.md", "CONTRIBUTING.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        assert "registry.csv" not in text and "campaign.load_replay" not in text
        for path in re.findall(r"`(mlcrystal/data/[\w.]+)`", text):
            assert (ROOT / path).exists(), f"{doc} names {path}, which does not exist"
