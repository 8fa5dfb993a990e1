"""Chapter order is one order: file numbering = table of contents = the intro's and instructors' tables."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = re.compile(r"^(\d\d)_([a-z0-9_]+)$")


def toc_chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"].removeprefix("book/") for part in toc["parts"] for c in part["chapters"]]
    return [f for f in files if CHAPTER.match(f)]


def core_chapters() -> list[str]:
    return [f for f in toc_chapters() if not f.endswith("_behind_the_numbers")]


def test_toc_follows_file_numbering():
    numbers = [int(CHAPTER.match(f).group(1)) for f in toc_chapters()]
    assert numbers == sorted(numbers), f"_toc.yml lists chapters out of numbering order: {toc_chapters()}"
    cores = [int(CHAPTER.match(f).group(1)) for f in core_chapters()]
    assert cores == list(range(1, len(cores) + 1)), f"core chapters are not numbered 1..n in order: {core_chapters()}"


def test_every_chapter_notebook_is_in_the_toc():
    on_disk = sorted(p.stem for p in (ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    assert on_disk == sorted(toc_chapters())


def test_a_companion_follows_its_chapter():
    files = toc_chapters()
    for i, f in enumerate(files):
        if f.endswith("_behind_the_numbers"):
            assert i > 0 and files[i - 1][:2] == f[:2], f"{f} does not follow chapter {f[:2]} in _toc.yml"


def test_intro_and_instructors_list_chapters_in_book_order():
    for page in ("intro.md", "instructors.md"):
        text = (ROOT / "book" / page).read_text(encoding="utf-8")
        listed = [m for m in re.findall(r"^\|\s*(?:\{doc\})?`?\[?(\d\d_[a-z0-9_]+)", text, flags=re.MULTILINE)]
        listed = [f for f in listed if not f.endswith("_behind_the_numbers")]
        assert listed == core_chapters(), f"book/{page} lists {listed}, the book's order is {core_chapters()}"
