"""The API reference documents every module of the package once, and its index lists the same modules."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import mlcrystal

BOOK = Path(__file__).resolve().parents[1] / "book"
#: Modules that hold no public API of their own (entry points and the command line's internals).
NOT_DOCUMENTED = re.compile(r"^mlcrystal(\.__main__|\.cli(\..*)?|\.data(\..*)?)$")


def _modules() -> set[str]:
    names = set()
    for info in pkgutil.walk_packages(mlcrystal.__path__, "mlcrystal."):
        if not info.ispkg and not NOT_DOCUMENTED.match(info.name):
            names.add(info.name)
    return names


def _documented() -> dict[str, list[str]]:
    pages: dict[str, list[str]] = {}
    for page in sorted(BOOK.glob("api_*.md")):
        for name in re.findall(r"^\.\. automodule:: (\S+)", page.read_text(encoding="utf-8"), re.M):
            pages.setdefault(name, []).append(page.name)
    return pages


def test_every_module_has_one_reference_page():
    documented = _documented()
    twice = {m: p for m, p in documented.items() if len(p) > 1}
    assert not twice, f"modules documented on several pages: {twice}"
    missing = sorted(_modules() - set(documented))
    assert not missing, f"modules without a reference page (add an automodule to a book/api_*.md): {missing}"


def test_the_index_lists_every_documented_module():
    index = set(re.findall(r"^   (mlcrystal\.\S+)$", (BOOK / "api.md").read_text(encoding="utf-8"), re.M))
    assert index == set(_documented()), (sorted(set(_documented()) - index), sorted(index - set(_documented())))
