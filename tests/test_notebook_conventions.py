"""Conventions every chapter notebook keeps, read from the stored .ipynb JSON (nothing is executed).

- every code cell that stores a PNG is a numbered figure: myst-nb cell metadata
  ``mystnb.figure.caption`` and ``mystnb.figure.name`` (``fig-...``, unique in the book) and
  ``mystnb.image.alt``, a sentence that says what the plot shows (not a file name);
- every ``{numref}`fig-...``` in the text names a figure of the book;
- exercise solutions are code cells (tagged ``hide-cell``, starting ``# Solution N``) whose stored
  output says what the result means, never ``python`` code in a markdown dropdown, so nbval runs them;
- cells are excluded from nbval's comparison by the cell tag ``nbval-ignore-output``, never by a
  comment the reader sees;
- no stored PNG is wider than :data:`MAX_FIGURE_WIDTH_IN` inches at its own resolution, unless its cell
  carries the tag ``wide-figure`` and says why in its metadata (``mlcrystal.wide-figure``): the page
  shrinks every image to the text column, about 360 px on a phone, and with it every label;
- no visible code cell is longer than :data:`MAX_CODE_CELL_LINES` lines, except figure drawing: logic
  that needs more belongs in a tested function of the package (see ``test_code_cells_are_short``).
"""

from __future__ import annotations

import ast
import base64
import binascii
import io
import json
import re
import struct
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
NOTEBOOKS = sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))

#: Chapters being rewritten in another workstream; they adopt these conventions there.
PENDING: set[str] = set()

#: Widest figure a chapter may store, in inches at the PNG's own resolution. The page shows each image
#: at the width of the text column, about 360 px on a phone: a 7 in figure at 100 dpi (700 px) keeps
#: its smallest allowed text, 10 pt (14 px at 100 dpi), at about 7 px there; the default 6.4 in near 8 px.
MAX_FIGURE_WIDTH_IN = 7.0
#: Resolution assumed for a PNG without a pHYs chunk (RDKit's drawings): the book's figure dpi.
DEFAULT_DPI = 100.0
#: The cell tag that lets one figure be wider, with its reason in metadata ``mlcrystal.wide-figure``.
WIDE_TAG = "wide-figure"
#: Chapters whose wide figures are still to be re-laid out (reported as xfail with the reason, not skipped).
WIDE_PENDING: dict[str, str] = {}

#: Longest visible code cell that does not draw a figure, in lines (blank lines and imports not counted).
MAX_CODE_CELL_LINES = 15
#: Cell tags that keep a cell's code off the page, or folded away (``hide-cell``: exercise solutions).
HIDDEN_CODE_TAGS = frozenset({"remove-input", "remove-cell", "hide-input", "hide-cell"})
#: A call of a drawing method on ``plt``, a figure or axes (``ax.hist(``, ``axes[0].legend(``, ``fig.savefig(``).
DRAWING_CALL = re.compile(r"\b(plt|fig|ax|axs|axes)(\[[^\]]*\])*\.[A-Za-z_]\w*\(")

FIGURE_NAME = re.compile(r"^fig-[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*$")
NUMREF = re.compile(r"\{numref\}`(?:[^`<]*<)?(fig-[^`>]+)>?`")
SOLUTION_DROPDOWN = re.compile(r"^(:{3,}|`{3,})\{dropdown\}\s*Solution.*?^\1\s*$", re.MULTILINE | re.DOTALL)
CODE_FENCE = re.compile(r"^\s*(```|~~~)\s*(\{code-cell\}\s*)?(python|ipython3?|py)\b", re.MULTILINE)


def _params():
    return [pytest.param(p, id=p.stem, marks=[pytest.mark.xfail(
        strict=False, reason=f"{p.stem} is being rewritten elsewhere; it adopts the conventions there")]
        if p.stem in PENDING else []) for p in NOTEBOOKS]


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _figure_problems(path: Path) -> list[str]:
    problems = []
    for k, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code":
            continue
        n_png = sum("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        if not n_png:
            continue
        where = f"{path.name} cell {k} ({_source(cell).splitlines()[0][:50]!r})"
        meta = cell["metadata"].get("mystnb", {})
        figure, image = meta.get("figure", {}), meta.get("image", {})
        caption, name, alt = figure.get("caption", ""), figure.get("name", ""), image.get("alt", "")
        if not caption.strip():
            problems.append(f"{where}: no metadata mystnb.figure.caption")
        if not FIGURE_NAME.match(name) or not name.startswith(f"fig-{path.stem[:2]}-"):
            problems.append(f"{where}: mystnb.figure.name {name!r} is not 'fig-{path.stem[:2]}-<short-name>'")
        if len(alt.split()) < 8 or re.search(r"\.(png|svg|jpe?g)\b", alt):
            problems.append(f"{where}: mystnb.image.alt {alt[:40]!r} must say in words what the plot shows")
        if n_png > 1:
            problems.append(f"{where}: {n_png} images under one caption; split the cell or draw one figure")
        shown = [out for out in cell.get("outputs", []) if out.get("output_type") in ("display_data", "execute_result")
                 and not out.get("metadata", {}).get("scrapbook", {}).get("mime_prefix")]  # glue(display=False)
        if len(shown) > n_png:
            problems.append(f"{where}: a table or text is shown under the figure's caption; move it to its own cell")
    return problems


@pytest.mark.parametrize("path", _params())
def test_every_figure_has_caption_name_and_alt(path):
    assert _figure_problems(path) == []


def _figure_names() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for path in NOTEBOOKS:
        for cell in _cells(path):
            name = cell["metadata"].get("mystnb", {}).get("figure", {}).get("name")
            if name:
                names.setdefault(name, []).append(path.stem)
    return names


def test_figure_names_are_unique_in_the_book():
    repeated = {name: where for name, where in _figure_names().items() if len(where) > 1}
    assert repeated == {}


@pytest.mark.parametrize("path", _params())
def test_every_numref_names_a_figure(path):
    known = _figure_names()
    cited = {m for cell in _cells(path) if cell["cell_type"] == "markdown" for m in NUMREF.findall(_source(cell))}
    assert sorted(cited - set(known)) == []


def _solution_problems(path: Path) -> list[str]:
    problems = []
    for k, cell in enumerate(_cells(path)):
        text = _source(cell)
        if cell["cell_type"] == "markdown":
            for block in SOLUTION_DROPDOWN.finditer(text):
                if CODE_FENCE.search(block.group(0)):
                    problems.append(f"{path.name} cell {k}: python code in a markdown solution dropdown; "
                                    "make it a code cell tagged hide-cell starting '# Solution N'")
        elif re.match(r"#\s*Solution\b", text):
            if not re.match(r"# Solution [0-9]+\n", text):
                problems.append(f"{path.name} cell {k}: a solution cell starts '# Solution N' on its own line")
            if "hide-cell" not in cell["metadata"].get("tags", []):
                problems.append(f"{path.name} cell {k}: solution cell without the hide-cell tag")
            printed = "".join("".join(out.get("text", "")) for out in cell.get("outputs", [])
                              if out.get("output_type") == "stream" and out.get("name") == "stdout")
            if not re.search(r"[A-Za-z][^.!?]{20,}[.!?]", printed):
                problems.append(f"{path.name} cell {k}: the stored output prints no sentence saying what "
                                "the result means (or the cell was not executed)")
    return problems


@pytest.mark.parametrize("path", _params())
def test_solutions_are_executed_code_cells(path):
    assert _solution_problems(path) == []


@pytest.mark.parametrize("path", _params())
def test_no_visible_nbval_comment(path):
    visible = [k for k, cell in enumerate(_cells(path))
               if cell["cell_type"] == "code" and re.search(r"#.*nbval-", _source(cell))]
    assert visible == [], f"{path.name} cells {visible}: use the cell tag nbval-ignore-output, not a comment"


def _code_lines(source: str) -> int:
    """Lines of a cell that a reader must follow: not blank, not part of an import statement."""
    lines = [line for line in source.splitlines()
             if not line.lstrip().startswith(("%", "!"))]  # IPython magics and shell lines: not Python
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return sum(bool(line.strip()) for line in lines)
    imports = {n for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
               for n in range(node.lineno, (node.end_lineno or node.lineno) + 1)}
    return sum(bool(line.strip()) for k, line in enumerate(lines, start=1) if k not in imports)


def _is_figure_cell(cell: dict) -> bool:
    """A cell that stores an image, or calls a drawing method of ``plt``, a figure or axes."""
    images = any(key.startswith("image/") for out in cell.get("outputs", []) for key in out.get("data", {}))
    return images or bool(DRAWING_CALL.search(_source(cell)))


def _long_cell_problems(path: Path) -> list[str]:
    problems = []
    for k, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code" or HIDDEN_CODE_TAGS & set(cell["metadata"].get("tags", [])):
            continue
        n = _code_lines(_source(cell))
        if n > MAX_CODE_CELL_LINES and not _is_figure_cell(cell):
            problems.append(f"{path.name} cell {k} ({_source(cell).splitlines()[0][:50]!r}): {n} lines of code "
                            f"(limit {MAX_CODE_CELL_LINES}); move its logic into a documented, tested function "
                            "of the package and call it")
    return problems


@pytest.mark.parametrize("path", _params())
def test_code_cells_are_short(path):
    """No visible code cell is longer than about 15 lines, except figure drawing.

    The rule: a code cell is *visible* unless tagged ``remove-input``, ``remove-cell``, ``hide-input``
    or ``hide-cell`` (a folded exercise solution). Its length is its lines that are neither blank nor
    part of an import statement (the set-up cell lists names, it holds no logic). A *figure cell*
    stores an image output or calls a drawing method of ``plt``, a figure or axes (``plt.subplots(``,
    ``ax.hist(``, ``axes[0].legend(``); laying out a figure takes the lines it takes. Every other
    visible code cell has at most :data:`MAX_CODE_CELL_LINES` lines: the notebook tells the story,
    the package does the work.
    """
    assert _long_cell_problems(path) == []


def test_long_cell_check_catches_long_cells(tmp_path):
    """A long visible cell fails; figure cells, hidden cells, imports and blank lines do not count."""
    logic = [f"x{i} = {i}\n" for i in range(MAX_CODE_CELL_LINES + 1)]
    png = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}}
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": logic},  # 0: too long
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": logic[:-1] + ["axes[1].set_xlabel('x')"]},
        {"cell_type": "code", "metadata": {}, "outputs": [png], "source": logic},  # 2: stores an image
        {"cell_type": "code", "metadata": {"tags": ["remove-input"]}, "outputs": [], "source": logic},
        {"cell_type": "code", "metadata": {"tags": ["hide-cell"]}, "outputs": [], "source": logic},
        {"cell_type": "code", "metadata": {}, "outputs": [],  # 5: imports and blank lines do not count
         "source": ["from math import (\n", "    pi,\n", "    tau,\n", ")\n", "import os\n", "\n"] * 4 + logic[:-1]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["%matplotlib inline\n"] + logic},  # 6
    ]
    bad = tmp_path / "99_long.ipynb"
    bad.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    problems = _long_cell_problems(bad)
    assert [p.split(" (")[0] for p in problems] == ["99_long.ipynb cell 0", "99_long.ipynb cell 6"]
    assert f"{MAX_CODE_CELL_LINES + 1} lines of code" in problems[0]
    assert _code_lines("import numpy as np\n\nx = np.pi\n") == 1


def png_size_inches(data: bytes) -> tuple[float, float]:
    """Width and height of a PNG in inches, from its IHDR and pHYs chunks.

    A PNG without a pHYs chunk in metres counts at :data:`DEFAULT_DPI`.

    >>> from matplotlib.figure import Figure
    >>> buf = io.BytesIO()
    >>> Figure(figsize=(3, 2)).savefig(buf, format="png", dpi=50)
    >>> png_size_inches(buf.getvalue())
    (3.0, 2.0)
    """
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    dpi_x = dpi_y = DEFAULT_DPI
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"pHYs":
            px, py, unit = struct.unpack(">IIB", data[pos + 8:pos + 17])
            if unit == 1 and px and py:  # pixels per metre
                dpi_x, dpi_y = px * 0.0254, py * 0.0254
            break
        if kind == b"IDAT":  # pHYs must come before the image data
            break
        pos += 12 + length
    return round(width / dpi_x, 2), round(height / dpi_y, 2)


def _width_problems(path: Path) -> list[str]:
    problems = []
    for k, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code":
            continue
        tagged = WIDE_TAG in cell["metadata"].get("tags", [])
        reason = cell["metadata"].get("mlcrystal", {}).get(WIDE_TAG, "")
        where = f"{path.name} cell {k} ({_source(cell).splitlines()[0][:50]!r})"
        if tagged and len(reason.split()) < 8:
            problems.append(f"{where}: tagged {WIDE_TAG!r} without a reason in metadata mlcrystal.{WIDE_TAG}")
        widths = []
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                try:
                    widths.append(png_size_inches(base64.b64decode("".join(png)))[0])
                except (ValueError, binascii.Error, struct.error) as err:
                    problems.append(f"{where}: stored image/png is not a readable PNG ({err})")
        wide = [w for w in widths if w > MAX_FIGURE_WIDTH_IN]
        if wide and not tagged:
            problems.append(f"{where}: figure {max(wide):.2f} in wide (limit {MAX_FIGURE_WIDTH_IN} in): stack its "
                            f"panels or move its legend below, or tag the cell {WIDE_TAG!r} and give the reason")
        if tagged and widths and not wide:
            problems.append(f"{where}: tagged {WIDE_TAG!r} but only {max(widths):.2f} in wide; remove the tag")
    return problems


def _width_params():
    return [pytest.param(p, id=p.stem, marks=[pytest.mark.xfail(strict=False, reason=WIDE_PENDING[p.stem])]
                         if p.stem in WIDE_PENDING else []) for p in NOTEBOOKS]


@pytest.mark.parametrize("path", _width_params())
def test_figures_fit_a_phone(path):
    assert _width_problems(path) == []


def test_checks_catch_what_they_are_for(tmp_path):
    """The checks above fail on a notebook that breaks each convention."""
    png = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}}
    solution_md = ":::{dropdown} Solution 1\n```python\nprint(1)\n```\n:::\n"
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [png], "source": ["plt.show()"]},
        {"cell_type": "code", "metadata": {"mystnb": {"figure": {"caption": "c", "name": "fig-99-x"},
                                                      "image": {"alt": "plot.png"}}},
         "outputs": [png, png, {"output_type": "execute_result", "metadata": {}, "data": {"text/html": "<table>"}}],
         "source": ["plt.show()"]},
        {"cell_type": "markdown", "metadata": {}, "source": [solution_md]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["# Solution 2\nx = 1"]},
    ]
    bad = tmp_path / "99_bad.ipynb"
    bad.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    figure = _figure_problems(bad)
    assert any("no metadata mystnb.figure.caption" in p for p in figure)
    assert any("must say in words" in p for p in figure)
    assert any("2 images under one caption" in p for p in figure)
    assert any("a table or text is shown" in p for p in figure)
    solutions = _solution_problems(bad)
    assert any("python code in a markdown solution dropdown" in p for p in solutions)
    assert any("without the hide-cell tag" in p for p in solutions)
    assert any("prints no sentence" in p for p in solutions)
    assert NUMREF.findall("see {numref}`fig-02-a` and {numref}`Figure %s <fig-04-b>`") == ["fig-02-a", "fig-04-b"]


def test_width_check_catches_wide_figures(tmp_path):
    """A figure wider than the limit fails unless tagged with a reason; a stale tag fails too."""
    from matplotlib.figure import Figure

    def png(width_in, dpi):
        buf = io.BytesIO()
        Figure(figsize=(width_in, 1)).savefig(buf, format="png", dpi=dpi)
        return {"output_type": "display_data", "metadata": {},
                "data": {"image/png": base64.b64encode(buf.getvalue()).decode("ascii")}}

    reason = {"mlcrystal": {WIDE_TAG: "a matrix with one label per row needs the width; tap to enlarge it"}}
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [png(8, 50)], "source": ["wide()"]},
        {"cell_type": "code", "metadata": {}, "outputs": [png(6.4, 200)], "source": ["narrow_at_high_dpi()"]},
        {"cell_type": "code", "metadata": {"tags": [WIDE_TAG], **reason}, "outputs": [png(9, 100)],
         "source": ["tagged_wide()"]},
        {"cell_type": "code", "metadata": {"tags": [WIDE_TAG]}, "outputs": [png(9, 100)], "source": ["no_reason()"]},
        {"cell_type": "code", "metadata": {"tags": [WIDE_TAG], **reason}, "outputs": [png(5, 100)],
         "source": ["stale_tag()"]},
    ]
    bad = tmp_path / "99_wide.ipynb"
    bad.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    problems = _width_problems(bad)
    assert len(problems) == 3, problems
    assert "cell 0 ('wide()'): figure 8.00 in wide" in problems[0]
    assert "cell 3 ('no_reason()'): tagged 'wide-figure' without a reason" in problems[1]
    assert "cell 4 ('stale_tag()'): tagged 'wide-figure' but only 5.00 in wide" in problems[2]
