"""Every chapter reads the same in JupyterLab, Colab and on the website.

Each stored notebook is rendered as Jupyter shows it (nbconvert's Markdown
exporter: markdown cells and stored outputs, no Sphinx) and the rendered text
must hold no MyST role or directive: JupyterLab and Colab would show
``{glue:text}`n_rows``` instead of the number, ``{cite}`key``` instead of
the reference. Numbers are written by code (``mlcrystal.prose.say``) and
references are plain Markdown links. Code inputs are left out (code is read
as code).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbconvert import MarkdownExporter
from traitlets.config import Config

BOOK = Path(__file__).resolve().parents[1] / "book"
NOTEBOOKS = sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))

#: Chapters whose prose still uses MyST roles; remove a chapter when it is converted
#: (its xfail is strict: a converted chapter still listed here fails until it is removed).
NOT_CONVERTED: dict[str, int] = {}

#: MyST syntax that Jupyter shows raw: roles, directives (fenced and colon), targets, substitutions.
MYST_SYNTAX = re.compile(
    r"\{(?:glue(?::\w+)?|cite(?::\w+)?|numref|term|doc|ref|eq|download|abbr|sub-ref|prf:\w+)\}`"
    r"|^\s*(?:`{3,}|~{3,}|:{3,})\s*\{[\w:-]+\}"
    r"|^\s*\([\w-]+\)=\s*$"
    r"|\{\{\s*[\w.]+\s*\}\}",
    re.MULTILINE)


def rendered_text(path: Path) -> str:
    """The notebook as Jupyter renders it: markdown cells and outputs, without code inputs or removed cells."""
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = ("remove-cell",)
    c.MarkdownExporter.exclude_input = True
    exporter = MarkdownExporter(config=c)
    body, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
    return body


def myst_left(text: str) -> list[str]:
    """Each piece of MyST syntax in ``text``, with its line.

    Examples
    --------
    >>> myst_left("The table has {glue:text}`n_rows` rows.\\n```{note}\\nx\\n```\\n(fig-a)=\\n")
    ['{glue:text}` in: The table has {glue:text}`n_rows` rows.', '```{note} in: ```{note}', '(fig-a)= in: (fig-a)=']
    >>> myst_left("See [Oliver and Pharr 1992](bibliography.md); a dict {1: 2}; ```python")
    []
    """
    lines = text.splitlines()
    found = []
    for m in MYST_SYNTAX.finditer(text):
        line = lines[text.count("\n", 0, m.start())]
        found.append(f"{m.group(0).strip()} in: {line.strip()[:160]}")
    return found


def _params():
    for p in NOTEBOOKS:
        marks = []
        if p.stem in NOT_CONVERTED:
            marks = [pytest.mark.xfail(strict=True, reason=f"chapter {NOT_CONVERTED[p.stem]} not converted yet")]
        yield pytest.param(p, id=p.stem, marks=marks)


@pytest.mark.parametrize("path", _params())
def test_no_myst_syntax_in_what_jupyter_shows(path):
    left = myst_left(rendered_text(path))
    assert left == [], f"{path.name}: {len(left)} pieces of MyST syntax show raw in JupyterLab and Colab:\n" + \
        "\n".join(left[:20])


def test_the_check_finds_roles_in_markdown_and_outputs(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Mean {glue:text}`E_mean:.2f` GPa {cite}`oliver1992`."),
                nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
                    "display_data", data={"text/markdown": "see {numref}`fig-01-a`", "text/plain": "s"})]),
                nbformat.v4.new_code_cell("y", metadata={"tags": ["remove-cell"]}, outputs=[nbformat.v4.new_output(
                    "display_data", data={"text/markdown": "{term}`hidden`", "text/plain": "s"})])]
    path = tmp_path / "99_x.ipynb"
    nbformat.write(nb, path)
    left = myst_left(rendered_text(path))
    assert [s.split(" in:")[0] for s in left] == ["{glue:text}`", "{cite}`", "{numref}`"]
