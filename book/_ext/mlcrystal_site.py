"""Sphinx extension of the mlcrystal site: light pages and a description per page.

Registered in ``_config.yml`` (``sphinx.local_extensions``). On every HTML page
(the ``html-page-context`` event, after Sphinx and myst-nb have chosen the
page's scripts) it

* drops the ipywidgets renderer (RequireJS, ``widgets-offline.js``,
  html-manager's ``embed-amd.js``, about 3.6 MB) from a page that holds no
  saved widget state, and loads it with ``defer`` where it is kept, so that it
  never blocks the first paint;
* drops MathJax (its configuration and its loader) from a page without maths
  (no ``math`` node, no ``class="math"`` in the body, no widget whose labels
  it could typeset), and loads it with ``defer`` where it is kept;
* gives the entries of a bibliography list the ``listitem`` role their
  ``role="list"`` container requires (docutils writes the deprecated
  ``doc-biblioentry``; axe-core reports it as a critical violation);
* after the build, removes pydata-sphinx-theme's ``scripts/fontawesome.js``
  (1.5 MB, 0.54 MB compressed) from every page: it redraws the theme's
  ``<i class="fa-...">`` icons as SVG, but the theme's own stylesheet already
  draws every one of them with the Font Awesome webfonts it ships (the script
  only adds the theme's custom PyPI icons, which this book does not use);
* gives every empty header cell of a pandas table a job or takes its header
  role away (axe-core's ``empty-table-header`` rule): the corner above an
  unnamed index is the header of the row labels, so it gets a visually hidden
  "row label"; an empty cell in a column that another header row already names
  (the corner above a named index, the cells beside the index's name) becomes a
  plain ``<td>`` (:func:`label_empty_table_headers`);
* adds ``<meta name="description">`` from the page's first paragraph of prose
  (or, for pages without one, such as the search page, the site's
  description in ``mlcrystal_site_description``).

The functions below are pure and tested in ``tests/site/test_site_extension.py``.
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes

#: The widget state script myst-nb writes on pages whose notebook saved widget state.
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
#: File names (the end of the path) of the widget renderer's scripts.
WIDGET_SCRIPTS = ("require.js", "widgets-offline.js", "embed-amd.js")
#: Maths in a rendered body: Sphinx's math spans/divs or MathJax delimiters.
MATH_IN_BODY_RE = re.compile(r'class="math|\\\(|\\\[|\$\$')
#: A bracketed citation label as sphinxcontrib-bibtex renders it, with the space before it.
CITATION_RE = re.compile(r"\s*\[[^\[\]]{1,120}\](?=[\s.,;:)]|$)")
#: Longest description written (search engines cut near 155-160 characters).
DESCRIPTION_MAX = 155
#: Paragraphs inside these never describe the page (navigation, code, notes...).
_SKIP_PARENTS = (nodes.admonition, nodes.sidebar, nodes.topic, nodes.footnote, nodes.citation,
                 nodes.literal_block, nodes.table, nodes.field_list, nodes.container)


def _filename(script: Any) -> str:
    return str(getattr(script, "filename", script) or "")


def _attributes(script: Any) -> dict[str, str]:
    return dict(getattr(script, "attributes", {}) or {})


def is_widget_state(script: Any) -> bool:
    """True for myst-nb's inline ``<script type="application/vnd.jupyter.widget-state+json">``.

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> is_widget_state(S(filename=None, attributes={"type": WIDGET_STATE_MIME, "body": "{}"}))
    True
    """
    return _attributes(script).get("type") == WIDGET_STATE_MIME


def is_widget_script(script: Any) -> bool:
    """True for one of the widget renderer's scripts (:data:`WIDGET_SCRIPTS`).

    Examples
    --------
    >>> is_widget_script("_static/npm/html-manager/embed-amd.js"), is_widget_script("_static/x.js")
    (True, False)
    """
    name = _filename(script).split("?", 1)[0]
    return name.rsplit("/", 1)[-1] in WIDGET_SCRIPTS


def is_mathjax_script(script: Any, mathjax_path: str) -> bool:
    """True for MathJax's loader (``mathjax_path``) or its inline configuration script.

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> is_mathjax_script("_static/npm/mathjax/es5/tex-mml-chtml.js", "npm/mathjax/es5/tex-mml-chtml.js")
    True
    >>> is_mathjax_script(S(filename=None, attributes={"body": "window.MathJax = {}"}), "x.js")
    True
    """
    name = _filename(script).split("?", 1)[0]
    if mathjax_path and name and (name == mathjax_path or name.endswith("/" + mathjax_path)):
        return True
    body = _attributes(script).get("body", "")
    return not name and bool(re.match(r"\s*(window\.)?MathJax\s*=|\s*MathJax\.Hub\.Config", body))


def select_scripts(scripts: list[Any], *, has_math: bool, mathjax_path: str) -> tuple[list[Any], list[Any]]:
    """Split a page's scripts into the ones to keep and the ones it does not need.

    The widget renderer is kept only when the page holds saved widget state
    (:func:`is_widget_state`); MathJax only when ``has_math`` (a page with
    widgets counts as needing maths: ipywidgets typesets its labels with it).

    Parameters
    ----------
    scripts : list
        Sphinx's ``script_files`` for the page (``_JavaScript`` objects or paths).
    has_math : bool
        Whether the page shows maths.
    mathjax_path : str
        Sphinx's ``mathjax_path`` setting.

    Returns
    -------
    (kept, dropped) : tuple of lists

    Examples
    --------
    >>> kept, dropped = select_scripts(["_static/jquery.js", "_static/npm/requirejs/require.js",
    ...     "_static/npm/mathjax/es5/tex-mml-chtml.js"], has_math=False,
    ...     mathjax_path="npm/mathjax/es5/tex-mml-chtml.js")
    >>> kept, len(dropped)
    (['_static/jquery.js'], 2)
    """
    widgets = any(is_widget_state(s) for s in scripts)
    need_math = has_math or widgets
    kept, dropped = [], []
    for s in scripts:
        unneeded = (is_widget_script(s) and not widgets) or (
            is_mathjax_script(s, mathjax_path) and not need_math)
        (dropped if unneeded else kept).append(s)
    return kept, dropped


def describe(doctree: nodes.Node | None, fallback: str, max_len: int = DESCRIPTION_MAX) -> str:
    """A page description: its first paragraph of prose, shortened at a word boundary.

    Parameters
    ----------
    doctree : docutils node or None
        The page's doctree (None for pages Sphinx writes itself, e.g. search).
    fallback : str
        Used when the page has no paragraph of prose.
    max_len : int
        Longest description returned (an ellipsis marks a cut).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``max_len`` is below 20 or the fallback is empty when it is needed.

    Examples
    --------
    >>> from docutils import nodes
    >>> doc = nodes.section("", nodes.title("", "1. Data"), nodes.note("", nodes.paragraph("", "Skip me.")),
    ...                     nodes.paragraph("", "", nodes.strong("", "Audience."),
    ...                                     nodes.Text(" Readers who want the Young's modulus of 60 crystals.")))
    >>> describe(doc, "The mlcrystal book.")
    "Readers who want the Young's modulus of 60 crystals."
    >>> describe(None, "The mlcrystal book.")
    'The mlcrystal book.'
    """
    if not isinstance(max_len, int) or max_len < 20:
        raise ValueError(f"max_len must be an integer of at least 20 characters, got {max_len!r}")
    text = ""
    if doctree is not None:
        for para in doctree.findall(nodes.paragraph):
            parent = para.parent
            skip = False
            while parent is not None:
                if isinstance(parent, _SKIP_PARENTS):
                    skip = True
                    break
                parent = parent.parent
            if skip or para.next_node(nodes.math) is not None:  # TeX source reads badly in a preview
                continue
            children = list(para.children)
            while children and isinstance(children[0], nodes.Text) and not children[0].astext().strip():
                children = children[1:]  # myst-nb may start a paragraph with an empty text node
            # a leading bold label ("Audience.") is the page's layout, not its description
            first = children[0] if children else None
            if isinstance(first, nodes.strong) and first.astext().rstrip().endswith((".", ":")):
                children = children[1:]
            parts = [c.astext() for c in children
                     if not (c.tagname == "pending_xref" and c.get("refdomain") == "cite")]
            # a citation ("[Waseda 2025]") means nothing in a search result's snippet
            candidate = re.sub(r"\s+([.,;:)])", r"\1", " ".join(CITATION_RE.sub("", "".join(parts)).split()))
            if len(candidate) >= 40:
                text = candidate
                break
    text = text or " ".join(fallback.split())
    if not text:
        raise ValueError("the page has no paragraph of prose and mlcrystal_site_description is empty; "
                         "set mlcrystal_site_description in _config.yml (sphinx.config)")
    if len(text) <= max_len:
        return text
    cut = text[: max_len - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def fix_citation_roles(body: str) -> str:
    """Give bibliography entries inside a ``role="list"`` the ``listitem`` role.

    Examples
    --------
    >>> out = fix_citation_roles('<div role="list" class="citation-list">'
    ...     '<div class="citation" id="a" role="doc-biblioentry"><p>A</p></div></div>'
    ...     '<div role="doc-biblioentry">after the list: unchanged</div>')
    >>> out.split("</div></div>")
    ['<div role="list" class="citation-list"><div class="citation" id="a" role="listitem"><p>A</p>', \
'<div role="doc-biblioentry">after the list: unchanged</div>']
    >>> fix_citation_roles('<p role="doc-biblioentry">outside a list: unchanged</p>')
    '<p role="doc-biblioentry">outside a list: unchanged</p>'
    """
    if 'role="doc-biblioentry"' not in body:
        return body
    out, pos = [], 0
    for m in re.finditer(r'<div\b(?=[^>]*\bclass="citation-list")(?=[^>]*\brole="list")[^>]*>', body):
        out.append(body[pos:m.start()])
        # the list runs to the matching </div>: count nested divs
        depth, i = 1, m.end()
        for tag in re.finditer(r"<div\b|</div>", body[m.end():]):
            depth += 1 if tag.group(0).startswith("<div") else -1
            if depth == 0:
                i = m.end() + tag.end()
                break
        else:
            i = len(body)
        out.append(body[m.start():i].replace('role="doc-biblioentry"', 'role="listitem"'))
        pos = i
    out.append(body[pos:])
    return "".join(out)


#: myst-nb's toggle of a hidden cell: an aria-label that hides the visible "Show ..." text from assistive tech.
_TOGGLE_LABEL_RE = re.compile(
    r'<summary aria-label="Toggle hidden content">(?=\s*<p class="collapsed admonition-title">)')


def name_toggles_by_their_text(body: str) -> str:
    """Drop myst-nb's fixed ``aria-label`` from a hidden cell's toggle, so its name is its visible text.

    A solution's toggle then reads "Show the solution to exercise 2" to every
    reader (its ``code_prompt_show``), not "Toggle hidden content".

    Examples
    --------
    >>> name_toggles_by_their_text('<summary aria-label="Toggle hidden content">\\n'
    ...     '<p class="collapsed admonition-title">Show the solution to exercise 2</p>')
    '<summary>\\n<p class="collapsed admonition-title">Show the solution to exercise 2</p>'
    """
    return _TOGGLE_LABEL_RE.sub("<summary>", body)


#: A table as pandas' ``DataFrame.to_html`` writes it (notebook outputs, rendered by myst-nb as they are).
DATAFRAME_RE = re.compile(r'<table\b[^>]*\bclass="(?:[^"]*\s)?dataframe(?:\s[^"]*)?"[^>]*>.*?</table>', re.S)
_THEAD_RE = re.compile(r"<thead\b[^>]*>.*?</thead>", re.S)
_TBODY_RE = re.compile(r"<tbody\b[^>]*>.*?</tbody>", re.S)
_ROW_RE = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
_CELL_RE = re.compile(r"<(th|td)\b([^>]*)>(.*?)</\1>", re.S)
#: CSS class (book/_static/mlcrystal.css) of text that screen readers read and the page does not show.
VISUALLY_HIDDEN = "mlc-visually-hidden"


def _is_blank(cell_html: str) -> bool:
    text = html.unescape(re.sub(r"<[^>]*>", "", cell_html))
    return not text.replace("\u00a0", " ").strip()


def _label_table(table: str) -> str:
    thead = _THEAD_RE.search(table)
    if thead is None:
        return table
    tbody = _TBODY_RE.search(table)
    first_row = _ROW_RE.search(tbody.group(0)) if tbody else None
    depth = 0  # index levels: the row-header cells that start a body row
    for cell in _CELL_RE.finditer(first_row.group(0) if first_row else ""):
        if cell.group(1) != "th":
            break
        depth += 1
    # every header cell with the columns it covers
    rows = []
    for row in _ROW_RE.finditer(thead.group(0)):
        col, cells = 0, []
        for cell in _CELL_RE.finditer(row.group(0)):
            span = re.search(r'\bcolspan="?(\d+)', cell.group(2))
            width = max(int(span.group(1)), 1) if span else 1
            cells.append((range(col, col + width), cell))
            col += width
        rows.append((row, cells))
    named = {c for _, cells in rows for cols, cell in cells for c in cols if not _is_blank(cell.group(3))}
    last_blank = {}  # column -> row number of its lowest blank header cell (the one next to the data)
    for r, (_, cells) in enumerate(rows):
        for cols, cell in cells:
            if cell.group(1) == "th" and _is_blank(cell.group(3)):
                for c in cols:
                    last_blank[c] = r
    out, pos = [], 0
    offset = thead.start()
    for r, (row, cells) in enumerate(rows):
        for cols, cell in cells:
            if cell.group(1) != "th" or not _is_blank(cell.group(3)):
                continue
            unnamed = [c for c in cols if c not in named and last_blank[c] == r]
            if unnamed:
                label = "row label" if unnamed[0] < depth else "unnamed column"
                new = f'<th{cell.group(2)}><span class="{VISUALLY_HIDDEN}">{label}</span></th>'
            else:
                new = f"<td{cell.group(2)}>{cell.group(3)}</td>"
            start = offset + row.start() + cell.start()
            out.append(table[pos:start] + new)
            pos = offset + row.start() + cell.end()
    out.append(table[pos:])
    return "".join(out)


def label_empty_table_headers(body: str) -> str:
    """Leave no empty header cell in the page's pandas tables.

    pandas writes the corner above the index, and the cells beside a named
    index, as empty ``<th>``; a screen reader then announces a header with no
    name (axe-core: ``empty-table-header``). Each empty header cell of a
    ``table.dataframe`` becomes

    * ``<th>`` with a visually hidden "row label" when it is the header of the
      index column (the lowest empty cell of an index column no header row
      names; "unnamed column" for a data column without a name);
    * a plain ``<td>`` when another header row already names its column (or a
      lower empty cell is its header): it heads nothing.

    Other tables, and cells with text, are left as they are.

    Parameters
    ----------
    body : str
        The page's HTML body.

    Returns
    -------
    str

    Examples
    --------
    >>> t = ('<table class="dataframe"><thead><tr><th></th><th>E (GPa)</th></tr></thead>'
    ...      '<tbody><tr><th>0</th><td>2.5</td></tr></tbody></table>')
    >>> label_empty_table_headers(t).split("<thead>")[1].split("</thead>")[0]
    '<tr><th><span class="mlc-visually-hidden">row label</span></th><th>E (GPa)</th></tr>'
    >>> named = ('<table class="dataframe"><thead><tr><th></th><th>E</th></tr><tr><th>compound</th><th></th></tr>'
    ...          '</thead><tbody><tr><th>urea</th><td>2.5</td></tr></tbody></table>')
    >>> label_empty_table_headers(named).count("<td></td>"), "<th></th>" in label_empty_table_headers(named)
    (2, False)
    """
    if "<th" not in body or "dataframe" not in body:
        return body
    return DATAFRAME_RE.sub(lambda m: _label_table(m.group(0)), body)


def _page_has_math(app: Any, pagename: str, context: dict, doctree: nodes.Node | None) -> bool:
    if doctree is not None and (doctree.next_node(nodes.math) or doctree.next_node(nodes.math_block)):
        return True
    try:
        if app.env.get_domain("math").has_equations(pagename):
            return True
    except Exception:  # a page without a document (search, genindex)
        pass
    return bool(MATH_IN_BODY_RE.search(context.get("body") or ""))


def _with_defer(script: Any) -> Any:
    """The same script loaded with ``defer`` (inline and module scripts are left as they are)."""
    attrs = _attributes(script)
    if not _filename(script) or "async" in attrs or "defer" in attrs or attrs.get("type") == "module":
        return script
    cls = type(script)
    return cls(script.filename, priority=script.priority, **{**attrs, "defer": "defer"})


def on_html_page_context(app: Any, pagename: str, templatename: str, context: dict,
                         doctree: nodes.Node | None) -> None:
    """Prune and defer the page's heavy scripts and add its description (see the module)."""
    outfile = getattr(getattr(app, "builder", None), "get_outfilename", None)
    if outfile is not None:
        _WRITTEN.add(str(outfile(pagename)))
    scripts = list(context.get("script_files") or [])
    kept, _dropped = select_scripts(scripts, has_math=_page_has_math(app, pagename, context, doctree),
                                    mathjax_path=app.config.mathjax_path or "")
    context["script_files"] = [
        _with_defer(s) if (is_widget_script(s) or is_mathjax_script(s, app.config.mathjax_path or "")) else s
        for s in kept]
    if context.get("body"):
        context["body"] = name_toggles_by_their_text(label_empty_table_headers(fix_citation_roles(context["body"])))
    metatags = context.get("metatags") or ""
    if 'name="description"' not in metatags:
        title = re.sub(r"<[^>]+>", "", context.get("title") or "")
        fallback = app.config.mlcrystal_site_description
        if title and doctree is None:
            fallback = f"{html.unescape(title)}: {fallback}"
        text = describe(doctree, fallback)
        context["metatags"] = metatags + f'\n<meta name="description" content="{html.escape(text, quote=True)}" />'


#: The theme's icon script tag, as pydata-sphinx-theme's webpack-macros.html writes it.
FONTAWESOME_SCRIPT_RE = re.compile(
    r'[ \t]*<script\b[^>]*\bsrc="[^"]*_static/scripts/fontawesome\.js(?:\?[^"]*)?"[^>]*></script>[ \t]*\n?')


def drop_fontawesome_script(page_html: str) -> tuple[str, int]:
    """Remove the theme's ``fontawesome.js`` script tag; return the page and how many were removed.

    Examples
    --------
    >>> drop_fontawesome_script('<head>\\n  <script defer src="../_static/scripts/fontawesome.js?digest=5"></script>\\n'
    ...                         '<script src="x.js"></script></head>')
    ('<head>\\n<script src="x.js"></script></head>', 1)
    """
    return FONTAWESOME_SCRIPT_RE.subn("", page_html)


#: Output files of the pages written by the current build (an incremental build rewrites few).
_WRITTEN: set[str] = set()


def on_builder_inited(app: Any) -> None:
    _WRITTEN.clear()


def on_build_finished(app: Any, exception: Exception | None) -> None:
    """Drop the theme's icon script from every HTML page this build wrote (see the module)."""
    if exception is not None or getattr(app.builder, "format", None) != "html":
        return
    from pathlib import Path

    from sphinx.util import logging

    missed = []
    for name in sorted(_WRITTEN):
        path = Path(name)
        if not path.is_file() or "_static" in path.relative_to(app.outdir).parts:
            continue
        text = path.read_text(encoding="utf-8")
        new, n = drop_fontawesome_script(text)
        if n:
            path.write_text(new, encoding="utf-8")
        elif "<head" in text and "http-equiv" not in text.lower():
            missed.append(path.relative_to(app.outdir).as_posix())
    if missed:
        # the theme changed how it loads its icons: look at the new template before the next release
        logging.getLogger(__name__).warning(
            "mlcrystal_site: no fontawesome.js script tag found in %d page(s) (e.g. %s); "
            "check pydata-sphinx-theme's webpack-macros.html", len(missed), missed[0])


def setup(app: Any) -> dict:
    app.add_config_value("mlcrystal_site_description", "", "html")
    # after Sphinx's MathJax installer and myst-nb's per-page scripts (priority 500)
    app.connect("html-page-context", on_html_page_context, priority=900)
    app.connect("builder-inited", on_builder_inited)
    app.connect("build-finished", on_build_finished)
    # pages written in parallel processes would not be listed in _WRITTEN
    return {"parallel_read_safe": True, "parallel_write_safe": False, "version": "1"}
