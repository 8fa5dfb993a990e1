"""Sphinx extension of the mlcrystal site: light pages and a description per page.

Registered in ``_config.yml`` (``sphinx.local_extensions``). On every HTML page
(the ``html-page-context`` event, after Sphinx and myst-nb have chosen the
page's scripts) it

* drops the ipywidgets renderer (RequireJS, ``widgets-offline.js``,
  html-manager's ``embed-amd.js``, about 3.6 MB) and the saved widget state
  from a page that shows no widget view (the explorers of chapters 4 and 5
  show their static view instead, see ``mlcrystal/webview.py``), and loads
  the renderer with ``defer`` where it is kept, so that it never blocks the
  first paint; drops ``mlcrystal-explorers.js`` from a page without an explorer;
* loads every script file with ``defer`` except those an inline script needs
  while the page is parsed (:data:`BLOCKING_SCRIPTS`), so that no script
  blocks the first paint (``searchindex.js``, on every page, was the largest);
* drops MathJax (its configuration and its loader) from a page without maths
  (no ``math`` node, no ``class="math"`` in the body, no widget whose labels
  it could typeset); where it is kept, loads it after the page's first paint
  (:func:`after_paint_loader`; with ``defer`` on a page with widget views);
* after the build, typesets every formula to SVG with MathJax in Node
  (:func:`prerender_math`, ``prerender_math.js``, the npm package named by
  ``mlcrystal_mathjax_package``) and removes MathJax from every page that
  has no TeX left: no 1.1 MB script, no seconds of typesetting on a phone,
  no text moving when formulas appear;
* after the build, cuts the theme's Font Awesome webfonts (275 kB, fetched at
  the highest priority before the first paint) to the 25 or so icons the site
  uses (:func:`subset_icon_fonts`, 4 kB), removes the theme's high-priority
  ``<link rel="preload">`` of its deferred scripts (:func:`drop_script_preloads`)
  and Sphinx's search scripts with the whole search index from every page but
  the search page when the site does not search as the reader types
  (:func:`drop_search_scripts`);
* lists each script once (:func:`dedupe_scripts`: Sphinx 7.4 writes some
  inline scripts twice, and sphinx-thebe's second copy threw a console error
  on every page);
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
* after the build, links one stylesheet instead of the theme's eleven
  (:func:`bundle_stylesheets`; a phone opens six connections at most, so the
  first paint waited for a second round of requests), holding only the rules
  a page of the site can match (:func:`purge_unused_css`: most of Bootstrap
  goes, 94 kB compressed become 47 kB);
* marks Chinese text (the glossary's Chinese terms) with ``lang="zh-Hans"``
  (:func:`mark_chinese`);
* after the build, gives every image its width and height (no layout shift
  while it loads) and ``loading="lazy"`` (:func:`size_images`), and every
  SVG chart a ``min-width`` at which its tick labels are at least 9 CSS px
  (:func:`legible_width`; on a phone a chart that needs more than the column
  scrolls sideways inside its output box);
* sets the figure format (SVG) and font scale that the notebooks' kernels
  draw the website's figures with (``mlcrystal_figure_formats``,
  ``mlcrystal_figure_font_scale``; read by ``mlcrystal.plotting.set_style``);
* gives the text ``{{ kit_version }}``, ``{{ kit_license }}`` and
  ``{{ kit_citation }}`` from ``CITATION.cff`` (:func:`kit_citation`);
* adds ``<meta name="description">`` from the page's first paragraph of prose
  (or, for pages without one, such as the search page, the site's
  description in ``mlcrystal_site_description``).

The functions below are pure and tested in ``tests/site/test_site_extension.py``.
"""

from __future__ import annotations

import html
import posixpath
import re
from typing import Any

from docutils import nodes

#: The widget state script myst-nb writes on pages whose notebook saved widget state.
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
#: File names (the end of the path) of the widget renderer's scripts.
WIDGET_SCRIPTS = ("require.js", "widgets-offline.js", "embed-amd.js")
#: An embedded widget view in a rendered body (myst-nb writes one script per view).
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
#: The script that drives the explorers' static views, and their mark in a rendered body.
EXPLORER_SCRIPT = "mlcrystal-explorers.js"
EXPLORER_MARK = 'class="mlc-explorer"'
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


def select_scripts(scripts: list[Any], *, has_math: bool, mathjax_path: str,
                   has_widget_views: bool | None = None, has_explorer: bool = True) -> tuple[list[Any], list[Any]]:
    """Split a page's scripts into the ones to keep and the ones it does not need.

    The widget renderer and the saved widget state are kept only when the
    page shows a widget view (``has_widget_views``; when not given: when it
    holds saved widget state, :func:`is_widget_state`); MathJax only when
    ``has_math`` (a page with widget views counts as needing maths: ipywidgets
    typesets its labels with it); ``mlcrystal-explorers.js`` only when
    ``has_explorer``.

    Parameters
    ----------
    scripts : list
        Sphinx's ``script_files`` for the page (``_JavaScript`` objects or paths).
    has_math : bool
        Whether the page shows maths.
    mathjax_path : str
        Sphinx's ``mathjax_path`` setting.
    has_widget_views : bool, optional
        Whether the page's body embeds a widget view.
    has_explorer : bool, default True
        Whether the page's body holds an explorer's static view.

    Returns
    -------
    (kept, dropped) : tuple of lists

    Examples
    --------
    >>> kept, dropped = select_scripts(["_static/jquery.js", "_static/npm/requirejs/require.js",
    ...     "_static/npm/mathjax/es5/tex-mml-chtml.js", "_static/mlcrystal-explorers.js"], has_math=False,
    ...     mathjax_path="npm/mathjax/es5/tex-mml-chtml.js", has_explorer=False)
    >>> kept, len(dropped)
    (['_static/jquery.js'], 3)
    >>> from types import SimpleNamespace as S
    >>> state = S(filename=None, attributes={"type": WIDGET_STATE_MIME, "body": "{}"})
    >>> kept, dropped = select_scripts([state, "_static/npm/requirejs/require.js"], has_math=True,
    ...     mathjax_path="m.js", has_widget_views=False)
    >>> kept, len(dropped)
    ([], 2)
    """
    widgets = any(is_widget_state(s) for s in scripts) if has_widget_views is None else has_widget_views
    need_math = has_math or widgets
    kept, dropped = [], []
    for s in scripts:
        explorer = _filename(s).split("?", 1)[0].rsplit("/", 1)[-1] == EXPLORER_SCRIPT
        unneeded = ((is_widget_script(s) or is_widget_state(s)) and not widgets) or (
            is_mathjax_script(s, mathjax_path) and not need_math) or (explorer and not has_explorer)
        (dropped if unneeded else kept).append(s)
    return kept, dropped


#: A run of Chinese characters (CJK ideographs, CJK punctuation, full-width forms), joined by
#: hyphens or middle dots ("烯醇-酮互变异构").
_CJK_RUN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+"
                         r"(?:[-\u00b7\u2013][\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+)*")
#: Text between tags, except inside <script>, <style> and <textarea>, and a tag's own attributes.
_SKIP_TEXT_RE = re.compile(r"(<(script|style|textarea)\b.*?</\2>|<[^>]*>)", re.S | re.I)


def mark_chinese(body: str, lang: str = "zh-Hans") -> str:
    """Wrap every run of Chinese text in ``<span lang="zh-Hans">``.

    The pages are English (``<html lang="en">``); a screen reader reads a
    Chinese glossary term with the Chinese voice, and a browser picks Chinese
    glyph forms, only when the term says its language.

    Examples
    --------
    >>> mark_chinese('<dt id="term-0">Voigt 记号<a href="#term-0">#</a></dt>')
    '<dt id="term-0">Voigt <span lang="zh-Hans">记号</span><a href="#term-0">#</a></dt>'
    >>> mark_chinese('<p>(中文术语)</p>')
    '<p>(<span lang="zh-Hans">中文术语</span>)</p>'
    >>> mark_chinese('<script>var s = "记号";</script><img alt="记号">')
    '<script>var s = "记号";</script><img alt="记号">'
    """
    if not _CJK_RUN_RE.search(body):
        return body
    out, pos = [], 0
    for m in _SKIP_TEXT_RE.finditer(body):
        out.append(_CJK_RUN_RE.sub(lambda r: f'<span lang="{lang}">{r.group(0)}</span>', body[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_CJK_RUN_RE.sub(lambda r: f'<span lang="{lang}">{r.group(0)}</span>', body[pos:]))
    return "".join(out)


def dedupe_scripts(scripts: list[Any]) -> list[Any]:
    """The page's scripts without repeats (the same file, or the same inline body, twice).

    Sphinx 7.4 lists an inline script registered after ``Builder.init()`` twice
    (its filename once ``None``, once ``""``: they compare unequal; fixed
    upstream in sphinx-doc/sphinx#13402); the second copy of sphinx-thebe's
    ``const THEBE_JS_URL`` settings then throws "Identifier 'THEBE_JS_URL' has
    already been declared" on every page.

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> a = S(filename=None, attributes={"body": "const X = 1"})
    >>> b = S(filename="", attributes={"body": "const X = 1"})
    >>> len(dedupe_scripts([a, b, "_static/x.js", "_static/x.js"]))
    2
    """
    seen, out = set(), []
    for s in scripts:
        key = (_filename(s), tuple(sorted((k, str(v)) for k, v in _attributes(s).items())))
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


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
        # the page's own equations: MathDomain.has_equations(page) also counts every page in the
        # page's toctree, so the introduction (whose toctree holds every chapter) loaded MathJax
        if app.env.get_domain("math").data.get("has_equations", {}).get(pagename, False):
            return True
    except Exception:  # a page without a document (search, genindex)
        pass
    return bool(MATH_IN_BODY_RE.search(context.get("body") or ""))


#: Scripts that must run while the page is parsed, with the reason (everything else is deferred).
BLOCKING_SCRIPTS = {
    "documentation_options.js": "defines DOCUMENTATION_OPTIONS, which the theme's inline page settings "
                                "(pagename, search_as_you_type) assign to while the page is parsed",
}


def _with_defer(script: Any) -> Any:
    """The same script loaded with ``defer`` (inline and module scripts are left as they are)."""
    attrs = _attributes(script)
    if not _filename(script) or "async" in attrs or "defer" in attrs or attrs.get("type") == "module":
        return script
    cls = type(script)
    return cls(script.filename, priority=script.priority, **{**attrs, "defer": "defer"})


def after_paint_loader(src: str) -> str:
    """An inline script that loads the script ``src`` once the page has loaded and painted its first frame.

    A ``defer`` script still runs before the browser's first paint when the page arrives fast
    (MathJax then holds the first text back for its whole start-up and typesetting, seconds on
    a phone); loaded from the ``load`` event, after the next frame, it never does.

    Examples
    --------
    >>> after_paint_loader("../_static/m.js")  # doctest: +ELLIPSIS
    'window.addEventListener("load", function () { requestAnimationFrame(function () { setTimeout(...
    >>> '"../_static/m.js"' in after_paint_loader("../_static/m.js")
    True
    """
    import json

    return ('window.addEventListener("load", function () { requestAnimationFrame(function () { '
            'setTimeout(function () { var s = document.createElement("script"); '
            f's.src = {json.dumps(src)}; s.async = true; document.head.appendChild(s); }}, 0); }}); }});')


def _load_after_paint(script: Any, src: str) -> Any:
    """The script file ``script`` replaced by an inline :func:`after_paint_loader` of ``src``."""
    cls = type(script)
    if cls is str:
        return script
    return cls("", priority=getattr(script, "priority", 500), body=after_paint_loader(src))


def on_html_page_context(app: Any, pagename: str, templatename: str, context: dict,
                         doctree: nodes.Node | None) -> None:
    """Prune and defer the page's heavy scripts and add its description (see the module)."""
    outfile = getattr(getattr(app, "builder", None), "get_outfilename", None)
    if outfile is not None:
        _WRITTEN.add(str(outfile(pagename)))
    scripts = dedupe_scripts(list(context.get("script_files") or []))
    body = context.get("body") or ""
    kept, _dropped = select_scripts(scripts, has_math=_page_has_math(app, pagename, context, doctree),
                                    mathjax_path=app.config.mathjax_path or "",
                                    has_widget_views=WIDGET_VIEW_MIME in body, has_explorer=EXPLORER_MARK in body)
    # every script file is deferred (run in order after parsing, never blocking the first paint),
    # except the few that inline scripts need while the page is parsed
    kept = [s if _filename(s).split("?", 1)[0].rsplit("/", 1)[-1] in BLOCKING_SCRIPTS else _with_defer(s)
            for s in kept]
    if WIDGET_VIEW_MIME not in body:
        # MathJax (a 1.1 MB script that then typesets for seconds on a phone) once the page has painted;
        # a page with widget views keeps it deferred: the widget renderer typesets labels with it
        pathto = context.get("pathto")
        kept = [_load_after_paint(s, pathto(_filename(s), 1) if callable(pathto) else _filename(s))
                if _filename(s) and is_mathjax_script(s, app.config.mathjax_path or "") else s for s in kept]
    context["script_files"] = kept
    if context.get("body"):
        context["body"] = mark_chinese(name_toggles_by_their_text(label_empty_table_headers(
            fix_citation_roles(context["body"]))))
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


#: The theme's Font Awesome webfonts in the built site (pydata-sphinx-theme's ``vendor`` folder).
ICON_FONT_DIR = "_static/vendor/fontawesome/webfonts"
#: A Font Awesome icon class's rule: ``.fa-github:before{content:"\f09b"}`` (or FA 6.7's ``--fa:"..."``).
_FA_RULE_RE = re.compile(r'([^{}]*\.fa-[a-z0-9-]+[^{}]*)\{\s*(?:content|--fa)\s*:\s*"([^"]+)"\s*;?\s*\}')
_FA_CLASS_RE = re.compile(r"\.fa-([a-z0-9-]+)")
#: An icon's code point in CSS: a private-use character, or its escape (``\f09b``).
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]|\\\\[eEfF][0-9a-fA-F]{3}(?![0-9a-fA-F])")
#: An icon class in a page or a script (``class="fa-solid fa-github"``).
_ICON_NAME_RE = re.compile(r"\bfa-([a-z0-9]+(?:-[a-z0-9]+)*)")


def _codepoints(css_string: str) -> set[int]:
    return {int(m[1:], 16) if m.startswith("\\") else ord(m) for m in _PRIVATE_USE_RE.findall(css_string)}


def icon_codepoints(stylesheets: list[str], documents: list[str]) -> set[int]:
    """The Font Awesome code points the site can show: the icons its pages and scripts name, and every
    icon a stylesheet draws itself (admonition titles, the theme's own ``--pst-icon-*`` variables).

    Parameters
    ----------
    stylesheets : list of str
        The site's CSS (the theme's holds every ``.fa-NAME`` class with its code point).
    documents : list of str
        The HTML pages and the scripts that may add an icon (``fa-NAME`` classes).

    Examples
    --------
    >>> css = ('.fa-github:before{content:"\\\\f09b"}.fa-bars:before,.fa-navicon:before{content:"\\uf0c9"}'
    ...        '.fa-rocket:before{content:"\\\\f135"} html{--pst-icon-bell:"\\\\f0f3"}')
    >>> sorted(hex(c) for c in icon_codepoints([css], ['<i class="fa-brands fa-github"></i>', 'x("fa-navicon")']))
    ['0xf09b', '0xf0c9', '0xf0f3']
    """
    by_name: dict[str, set[int]] = {}
    drawn: set[int] = set()
    for css in stylesheets:
        for rule in _FA_RULE_RE.finditer(css):
            for name in _FA_CLASS_RE.findall(rule.group(1)):
                by_name.setdefault(name, set()).update(_codepoints(rule.group(2)))
        drawn |= _codepoints(_FA_RULE_RE.sub("", css))
    named = {n for doc in documents for n in _ICON_NAME_RE.findall(doc)}
    return drawn.union(*(by_name.get(n, set()) for n in named))


def subset_font(source: Any, target: Any, codepoints: set[int]) -> tuple[int, int]:
    """Write ``source`` (a TrueType or WOFF2 font) to ``target`` with only the glyphs of ``codepoints``.

    The format follows ``target``'s suffix (``.woff2`` or ``.ttf``). Returns the sizes before and after.
    """
    from pathlib import Path

    from fontTools import subset
    from fontTools.ttLib import TTFont

    source, target = Path(source), Path(target)
    before = source.stat().st_size
    font = TTFont(source)
    cmap = set(font.getBestCmap() or {})
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.flavor = "woff2" if target.suffix == ".woff2" else None
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints & cmap))
    subsetter.subset(font)
    font.flavor = options.flavor
    font.save(target)
    return before, target.stat().st_size


def subset_icon_fonts(outdir: Any, theme_dirs: list[Any] = ()) -> dict[str, tuple[int, int]]:
    """Cut the theme's Font Awesome webfonts down to the icons the built site uses.

    The theme ships every icon (fa-solid-900.woff2 156 kB, fa-brands-400.woff2 118 kB); a page with
    any icon fetches them at the highest priority before its first paint, which on a phone's 4G
    delays the first text by about 1.5 s. The site uses about 25 icons: each font keeps those
    (:func:`icon_codepoints`, from every page, script and stylesheet of the site), a few kB.
    Each font is cut from the theme's original (in ``theme_dirs``) when found, so a rebuild that
    adds an icon gets it. Returns ``{file name: (bytes before, bytes after)}``.
    """
    from pathlib import Path

    outdir = Path(outdir)
    fonts = outdir / ICON_FONT_DIR
    if not fonts.is_dir():
        return {}
    static = outdir / "_static"
    stylesheets = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(static.rglob("*.css"))]
    documents = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(outdir.rglob("*.html"))
                 if static not in p.parents]
    # the theme's and the site's own scripts (the widget renderer's bundles in _static/npm draw no icon
    # of this font; the theme's fontawesome.js, which names them all, is no longer loaded)
    documents += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(static.rglob("*.js"))
                  if "npm" not in p.relative_to(static).parts and p.name != "fontawesome.js"]
    codepoints = icon_codepoints(stylesheets, documents)
    sizes = {}
    for font in sorted(fonts.iterdir()):
        if font.suffix not in (".woff2", ".ttf"):
            continue
        originals = [Path(d) / "static" / "vendor" / "fontawesome" / "webfonts" / font.name for d in theme_dirs]
        source = next((o for o in originals if o.is_file()), font)
        sizes[font.name] = subset_font(source, font, codepoints)
    return sizes


#: The theme's ``<link rel="preload" as="script">`` of its own scripts (webpack-macros.html's head_js_preload).
_SCRIPT_PRELOAD_RE = re.compile(r'[ \t]*<link\b(?=[^>]*\brel="preload")(?=[^>]*\bas="script")[^>]*>[ \t]*\n?')


def drop_script_preloads(page_html: str) -> tuple[str, int]:
    """Remove ``<link rel="preload" as="script">`` from a page; return the page and how many were removed.

    pydata-sphinx-theme preloads ``bootstrap.js`` and ``pydata-sphinx-theme.js`` (30 kB compressed)
    at high priority, beside the stylesheets the first paint waits for; the scripts themselves are
    deferred (at the end of the page), so the preload only competes with the first paint.

    Examples
    --------
    >>> drop_script_preloads('<head><link rel="preload" as="script" href="b.js" />\\n'
    ...                      '<link rel="preload" as="font" href="f.woff2"></head>')
    ('<head><link rel="preload" as="font" href="f.woff2"></head>', 1)
    """
    return _SCRIPT_PRELOAD_RE.subn("", page_html)


#: Sphinx's search scripts, which pydata-sphinx-theme writes into every page's ``<head>``.
SEARCH_SCRIPTS = ("searchtools.js", "language_data.js", "searchindex.js")
_SEARCH_OFF = "DOCUMENTATION_OPTIONS.search_as_you_type = false"


def drop_search_scripts(page_html: str) -> tuple[str, int]:
    """Remove Sphinx's search scripts from a page that does not search as the reader types.

    pydata-sphinx-theme loads ``searchtools.js``, ``language_data.js`` and the whole
    ``searchindex.js`` (230 kB, 53 kB compressed) on every page for its search-as-you-type
    box; with ``search_as_you_type`` off (the site's setting) the box sends the reader to
    ``search.html``, which loads them itself, and no other page uses them.

    Examples
    --------
    >>> page = ('<head><script src="../_static/searchtools.js" defer="defer"></script>'
    ...         '<script src="../searchindex.js" defer="defer"></script><script src="x.js"></script>'
    ...         '<script>DOCUMENTATION_OPTIONS.search_as_you_type = false;</script></head>')
    >>> drop_search_scripts(page)[1], drop_search_scripts(page.replace("false", "true"))[1]
    (2, 0)
    """
    head = _HEAD_RE.search(page_html)
    if head is None or _SEARCH_OFF not in head.group(0):
        return page_html, 0
    count = 0

    def one(m: re.Match) -> str:
        nonlocal count
        if m.group(1).split("?", 1)[0].rsplit("/", 1)[-1] not in SEARCH_SCRIPTS:
            return m.group(0)
        count += 1
        return ""

    new_head = re.sub(r'[ \t]*<script\b[^>]*\bsrc="([^"]+)"[^>]*></script>[ \t]*\n?', one, head.group(0))
    return page_html[: head.start()] + new_head + page_html[head.end():], count


#: A formula as Sphinx writes it for MathJax: ``<span class="math ...">\(...\)</span>`` or ``<div ...>\[...\]</div>``.
_MATH_ELEMENT_RE = re.compile(r'(<(span|div) class="math notranslate nohighlight"[^>]*>)(.*?)(</\2>)', re.S)
#: An equation number Sphinx writes inside a display formula, before its TeX.
_EQNO_RE = re.compile(r'\s*(<span class="eqno">.*?</span>)?\s*(.*?)\s*\Z', re.S)
#: TeX delimiters MathJax would still find in a page (outside code).
_RAW_TEX_RE = re.compile(r"\\\(|\\\[|\$\$|\\begin\{")
_CODE_RE = re.compile(r"<(pre|code|script|style|textarea)\b.*?</\1>", re.S | re.I)
#: The inline MathJax configuration and the loader of :func:`after_paint_loader`, as written in a page.
_MATHJAX_TAGS_RE = re.compile(r'[ \t]*<script>(?:window\.MathJax = [^<]*|window\.addEventListener\("load"[^<]*'
                              r'mathjax[^<]*)</script>[ \t]*\n?')
#: The node script that typesets TeX to SVG (beside this file).
PRERENDER_JS = "prerender_math.js"


def _formula_tex(tag: str, inner: str) -> tuple[str, bool] | None:
    parts = _EQNO_RE.match(inner)
    text = parts.group(2) if parts else inner.strip()
    if "<" in text:
        return None  # markup inside a formula: left to the browser
    text = html.unescape(text)
    if tag == "span" and text.startswith("\\(") and text.endswith("\\)"):
        return text[2:-2].strip(), False
    if tag == "div":
        if text.startswith("\\[") and text.endswith("\\]"):
            return text[2:-2].strip(), True
        if text.startswith("\\begin{"):
            return text, True
    return None


def math_formulas(page_html: str) -> list[tuple[str, bool]]:
    """The TeX of every formula Sphinx wrote for MathJax in a page, with whether it is displayed.

    Examples
    --------
    >>> math_formulas('<span class="math notranslate nohighlight">\\\\(a &lt; b\\\\)</span> and '
    ...     '<div class="math notranslate nohighlight" id="equation-e"><span class="eqno">(1)</span>\\n'
    ...     '\\\\[E = mc^2\\\\]</div>')
    [('a < b', False), ('E = mc^2', True)]
    """
    found = (_formula_tex(m.group(2), m.group(3)) for m in _MATH_ELEMENT_RE.finditer(page_html))
    return [f for f in found if f is not None]


def insert_prerendered_math(page_html: str, rendered: list[str], css: str) -> str:
    """Put the typeset formulas (in :func:`math_formulas`' order) in the page, and drop MathJax.

    Each formula element keeps its tag, class and equation number and holds MathJax's
    ``<mjx-container>``; the stylesheet MathJax adds in the browser goes into the page's head.
    MathJax's configuration and loader are removed unless TeX is left for it (a delimiter
    outside code).

    Examples
    --------
    >>> page = ('<head><script>window.MathJax = {}</script>\\n</head><body>'
    ...         '<span class="math notranslate nohighlight">\\\\(x\\\\)</span></body>')
    >>> out = insert_prerendered_math(page, ['<mjx-container>x</mjx-container>'], 'mjx-container{}')
    >>> out.split('<body>')
    ['<head><style>mjx-container{}</style></head>', \
'<span class="math notranslate nohighlight"><mjx-container>x</mjx-container></span></body>']
    """
    it = iter(rendered)

    def one(m: re.Match) -> str:
        if _formula_tex(m.group(2), m.group(3)) is None:
            return m.group(0)
        eqno = _EQNO_RE.match(m.group(3))
        return m.group(1) + ((eqno.group(1) or "") if eqno else "") + next(it) + m.group(4)

    out = _MATH_ELEMENT_RE.sub(one, page_html)
    cut = out.find("</head>")
    if cut < 0:
        return out
    head, rest = out[:cut], out[cut:]
    if not _RAW_TEX_RE.search(_CODE_RE.sub("", rest)):
        head = _MATHJAX_TAGS_RE.sub("", head)
    return head + f"<style>{css}</style>" + rest


def prerender_math(pages: list[Any], package: Any, node: str = "node") -> int:
    """Typeset the formulas of ``pages`` (HTML files) with MathJax in Node and write them in.

    One Node process (``prerender_math.js``, with the unpacked npm package ``mathjax`` at
    ``package``) typesets every formula of every page. A page then shows its formulas at
    once, without MathJax's 1.1 MB script and its seconds of typesetting on a phone, and
    without the text moving when they are typeset. Returns the number of formulas typeset.

    Raises
    ------
    RuntimeError
        If Node fails (the message names the formula count and Node's error).
    """
    import json
    import subprocess
    from pathlib import Path

    texts = {Path(p): Path(p).read_text(encoding="utf-8") for p in pages}
    found = {p: math_formulas(t) for p, t in texts.items()}
    items = [f for fs in found.values() for f in fs]
    if not items:
        return 0
    script = Path(__file__).with_name(PRERENDER_JS)
    done = subprocess.run([node, str(script), str(Path(package).resolve())], input=json.dumps(items),
                          capture_output=True, text=True, encoding="utf-8", timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{PRERENDER_JS} failed on {len(items)} formula(s): {done.stderr.strip()[-800:]}")
    result = json.loads(done.stdout)
    rendered = list(result["html"])
    if len(rendered) != len(items):
        raise RuntimeError(f"{PRERENDER_JS} returned {len(rendered)} formula(s) for {len(items)}")
    css = " ".join(result["css"].split())
    pos = 0
    for path, formulas in found.items():
        if not formulas:
            continue
        new = insert_prerendered_math(texts[path], rendered[pos: pos + len(formulas)], css)
        pos += len(formulas)
        path.write_text(new, encoding="utf-8")
    return len(items)


_CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
_LINK_HREF_RE = re.compile(r'<link\b(?=[^>]*\brel="stylesheet")[^>]*\bhref="([^"]+)"[^>]*>', re.I)


def unchain_stylesheets(page_html: str, read_css: Any) -> tuple[str, int]:
    """Link a stylesheet that only ``@import``-s another straight to that one; return the page and the count.

    pydata-sphinx-theme's ``styles/theme.css`` holds nothing but ``@import "../basic.css"``:
    the browser learns of ``basic.css`` only once ``theme.css`` has arrived, one more round
    trip (150 ms on a phone's 4G) before the first paint.

    Parameters
    ----------
    page_html : str
    read_css : callable
        ``href -> text of that stylesheet, or None``.

    Examples
    --------
    >>> css = {"../_static/styles/theme.css": '/* basic */ @import "../basic.css";'}
    >>> unchain_stylesheets('<head><link href="../_static/styles/theme.css?digest=1" rel="stylesheet" /></head>',
    ...                     lambda href: css.get(href))
    ('<head><link href="../_static/basic.css" rel="stylesheet" /></head>', 1)
    """
    count = 0

    def one(m: re.Match) -> str:
        nonlocal count
        href = html.unescape(m.group(1)).split("?", 1)[0]
        text = read_css(href)
        if text is None:
            return m.group(0)
        only = re.fullmatch(r'\s*@import\s+(?:url\()?\s*["\']([^"\')]+)["\']\s*\)?\s*;\s*',
                            _CSS_COMMENT_RE.sub("", text))
        if only is None or "://" in only.group(1):
            return m.group(0)
        count += 1
        target = posixpath.normpath(posixpath.join(posixpath.dirname(href), only.group(1)))
        return m.group(0).replace(m.group(1), html.escape(target, quote=True))

    head = _HEAD_RE.search(page_html)
    if head is None:
        return page_html, 0
    new_head = _LINK_HREF_RE.sub(one, head.group(0))
    return page_html[: head.start()] + new_head + page_html[head.end():], count


#: A ``url(...)`` in a stylesheet, with or without quotes.
_CSS_URL_RE = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
#: The file name of the one stylesheet a page links instead of the theme's many (content hash appended).
BUNDLE_PREFIX = "mlcrystal-styles-"


def _rebase_css_urls(css: str, css_path: str, bundle_dir: str) -> str:
    """``url(...)``-s of a stylesheet at ``css_path`` rewritten relative to ``bundle_dir`` (site-relative paths)."""

    def one(m: re.Match) -> str:
        target = m.group(2).strip()
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", target, re.I):
            return m.group(0)  # data:, http:, absolute or fragment: unchanged
        path, _, tail = target.partition("?")
        new = posixpath.relpath(posixpath.normpath(posixpath.join(posixpath.dirname(css_path), path)), bundle_dir)
        return f'url("{new}{"?" + tail if tail else ""}")'

    return _CSS_URL_RE.sub(one, css)


def bundle_stylesheets(page_html: str, page_path: str, read_css: Any,
                       words: set[str] | None = None) -> tuple[str, str | None, str | None]:
    """Replace the stylesheets of a page's ``<head>`` by one file holding them all, in order.

    The theme links eleven stylesheets; a phone on 4G opens six connections at
    most, so the first paint waits for a second round of requests. One file of
    the same rules (the ``url(...)``-s rebased to ``_static/``) costs one
    request. Only local stylesheets without a ``media`` attribute and without
    ``@import`` are bundled; the others keep their own link, and the bundle
    takes the place of the first one bundled, so the order of the rules is kept.

    Parameters
    ----------
    page_html : str
    page_path : str
        The page's path in the site (``book/01_data_collection.html``).
    read_css : callable
        ``site-relative path -> text of that stylesheet, or None``.
    words : set of str, optional
        The site's words (:func:`site_words`): the bundle then keeps only the
        rules a page can match (:func:`purge_unused_css`).

    Returns
    -------
    tuple
        The new page, the bundle's site-relative path and its text, named by
        the hash of that text (both None
        when fewer than two stylesheets could be bundled: the page is unchanged).

    Examples
    --------
    >>> css = {"_static/a.css": "p{color:red}", "_static/styles/b.css": "i{background:url(../img/x.png)}"}
    >>> page, path, text = bundle_stylesheets(
    ...     '<head><link rel="stylesheet" href="../_static/a.css?v=1" />'
    ...     '<link rel="stylesheet" href="../_static/styles/b.css" /></head>', "book/p.html", css.get)
    >>> page.count("stylesheet"), path.startswith("_static/mlcrystal-styles-"), text.splitlines()[-1]
    (1, True, 'i{background:url("img/x.png")}')
    >>> bundle_stylesheets('<head><link rel="stylesheet" href="a.css" /></head>', "index.html", {"a.css": ""}.get)[1:]
    (None, None)
    """
    import hashlib

    head = _HEAD_RE.search(page_html)
    if head is None:
        return page_html, None, None
    base = posixpath.dirname(page_path)
    parts: list[str] = []
    bundled: list[re.Match] = []
    for m in _LINK_HREF_RE.finditer(head.group(0)):
        href = html.unescape(m.group(1))
        if "://" in href or href.startswith("/") or re.search(r"\bmedia=", m.group(0)):
            continue
        path = posixpath.normpath(posixpath.join(base, href.split("?", 1)[0]))
        text = read_css(path)
        if text is None or re.search(r"@import\b", _CSS_COMMENT_RE.sub("", text)):
            continue
        text = re.sub(r'^\s*@charset\s+"[^"]*"\s*;', "", text)
        parts.append(f"/* {path} */\n" + _rebase_css_urls(text, path, "_static"))
        bundled.append(m)
    if len(bundled) < 2:
        return page_html, None, None
    text = "\n".join(parts)
    if words is not None:
        key = hashlib.sha256(text.encode()).hexdigest()
        if key not in _PURGED:
            _PURGED[key] = purge_unused_css(text, words)[0]
        text = _PURGED[key]
    bundle = f"_static/{BUNDLE_PREFIX}{hashlib.sha256(text.encode()).hexdigest()[:12]}.css"
    link = f'<link rel="stylesheet" type="text/css" href="{html.escape(posixpath.relpath(bundle, base or "."))}" />'
    new_head, last = [], 0
    for i, m in enumerate(bundled):
        new_head.append(head.group(0)[last: m.start()])
        if i == 0:
            new_head.append(link)
        last = m.end()
    new_head.append(head.group(0)[last:])
    return page_html[: head.start()] + "".join(new_head) + page_html[head.end():], bundle, text


#: A class or id in a selector (``.bd-header``, ``#searchbox``); tokens inside ``:not(...)`` are not needed.
_SELECTOR_TOKEN_RE = re.compile(r"[.#](-?[_a-zA-Z][\w-]*)")
_NOT_RE = re.compile(r":not\([^()]*\)")
#: A word that could be a class or id in a page or a script.
_WORD_RE = re.compile(r"[_a-zA-Z][\w-]*")


def site_words(outdir: Any) -> set[str]:
    """Every word of the site's pages and scripts: a superset of the classes and ids a page can carry.

    Scripts count because the theme's and the widgets' code add classes while
    the page runs (``show``, ``collapsing``, ``widget-slider``...).
    """
    from pathlib import Path

    words: set[str] = set()
    for path in Path(outdir).rglob("*"):
        if path.suffix in (".html", ".js") and path.is_file():
            words.update(_WORD_RE.findall(path.read_text(encoding="utf-8", errors="replace")))
    return words


#: Classes that scripts build from pieces (Bootstrap's ``"bs-" + "tooltip-" + placement``), never written
#: whole in any file: rules naming them are always kept.
DYNAMIC_CLASS_PREFIXES = ("bs-",)


def _selector_used(prelude: str, words: set[str]) -> bool:
    """Whether some selector of a comma list can match: each of its classes and ids occurs in ``words``."""
    for selector in prelude.split(","):
        if all(t in words or t.startswith(DYNAMIC_CLASS_PREFIXES)
               for t in _SELECTOR_TOKEN_RE.findall(_NOT_RE.sub("", selector))):
            return True
    return False


def purge_unused_css(css: str, words: set[str]) -> tuple[str, int]:
    """Drop the style rules no page can match, as PurgeCSS does; return the stylesheet and the rules dropped.

    A rule is kept when one of its selectors names only classes and ids that
    occur in ``words`` (:func:`site_words`); element and attribute selectors,
    ``@font-face``, ``@keyframes`` and the like are always kept, and ``@media``
    or ``@supports`` blocks are purged inside (and dropped when emptied). The
    theme's stylesheet carries all of Bootstrap, most of which no page uses: on
    a phone's 4G every kilobyte of it delays the first paint.

    Examples
    --------
    >>> purge_unused_css(".used{color:red} .unused, .x{color:blue} p{margin:0} "
    ...                  "@media (min-width:9px){.unused{top:0} .used b{top:1px}}", {"used"})
    ('.used{color:red}  p{margin:0} @media (min-width:9px){ .used b{top:1px}}', 2)
    """
    import tinycss2

    dropped = 0

    def walk(rules: list) -> str:
        nonlocal dropped
        out = []
        for rule in rules:
            if rule.type == "qualified-rule":
                if _selector_used(tinycss2.serialize(rule.prelude), words):
                    out.append(rule.serialize())
                else:
                    dropped += 1
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
                inner = walk(tinycss2.parse_rule_list(rule.content))
                if inner.strip():
                    out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
            elif rule.type not in ("comment",):
                out.append(rule.serialize())
        return "".join(out)

    return walk(tinycss2.parse_stylesheet(css, skip_comments=True)), dropped


#: Output files of the pages written by the current build (an incremental build rewrites few).
_WRITTEN: set[str] = set()
#: Purged bundles of this build, by the hash of the stylesheets they were made from.
_PURGED: dict[str, str] = {}


def on_builder_inited(app: Any) -> None:
    _WRITTEN.clear()
    _PURGED.clear()


_HEAD_RE = re.compile(r"<head\b.*?</head>", re.S | re.I)
_SCRIPT_SRC_RE = re.compile(r"<script\b(?=[^>]*\bsrc=\"([^\"]+)\")[^>]*>", re.I)


def defer_head_scripts(page_html: str) -> tuple[str, int]:
    """Add ``defer`` to every script file in the page's ``<head>`` that would block the first paint.

    Scripts already ``async``, ``defer`` or modules are left alone, and so are
    :data:`BLOCKING_SCRIPTS` (an inline script needs them while the page is
    parsed). Deferred scripts still run in their order, after the page is
    parsed. This catches the scripts that templates write themselves
    (pydata-sphinx-theme loads ``searchtools.js``, ``language_data.js`` and
    the whole ``searchindex.js`` on every page).

    Examples
    --------
    >>> defer_head_scripts('<head><script src="../searchindex.js"></script>'
    ...     '<script src="../_static/documentation_options.js?v=1"></script>'
    ...     '<script async="async" src="a.js"></script></head><body><script src="b.js"></script></body>')
    ('<head><script src="../searchindex.js" defer="defer"></script><script \
src="../_static/documentation_options.js?v=1"></script><script async="async" src="a.js"></script></head><body>\
<script src="b.js"></script></body>', 1)
    """
    head = _HEAD_RE.search(page_html)
    if head is None:
        return page_html, 0
    count = 0

    def one(m: re.Match) -> str:
        nonlocal count
        tag, name = m.group(0), m.group(1).split("?", 1)[0].rsplit("/", 1)[-1]
        if re.search(r"\b(defer|async)\b|type=\"module\"", tag) or name in BLOCKING_SCRIPTS:
            return tag
        count += 1
        return tag[:-1] + ' defer="defer">'

    new_head = _SCRIPT_SRC_RE.sub(one, head.group(0))
    return page_html[: head.start()] + new_head + page_html[head.end():], count


#: An image tag, or a script or style whose text is left alone (a widget's saved state holds HTML in JSON strings).
_IMG_RE = re.compile(r"<(script|style)\b.*?</\1>|<img\b[^>]*>", re.I | re.S)
_SVG_SIZE_RE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)(pt|px)?"[^>]*?\bheight="([\d.]+)(pt|px)?"', re.S)


#: Smallest tick label a reader should meet (CSS px, font size), with a little margin for rounding.
LEGIBLE_TICK_PX = 9.2
_TICK_START_RE = re.compile(r'<g id="[xy]tick_\d+">')
_TICK_TEXT_RE = re.compile(r'<g id="text_\d+">.*?scale\(([\d.]+) -[\d.]+\)', re.S)


def legible_width(svg: str, tick_px: float = LEGIBLE_TICK_PX) -> int | None:
    """The narrowest width (CSS px) at which a matplotlib SVG's tick labels are ``tick_px`` high.

    matplotlib draws a tick label as glyph paths scaled by ``fontsize / 100``;
    drawn ``w`` CSS px wide, a figure ``W`` pt wide shows a ``f`` pt label
    ``f * w / W`` px high. None for an SVG without tick labels.

    Examples
    --------
    >>> legible_width('<svg width="450pt" height="300pt"><g id="xtick_1"><g id="text_1">'
    ...               '<g transform="translate(1 2) scale(0.1485 -0.1485)"></g></g></g></svg>')
    279
    """
    m = _SVG_SIZE_RE.search(svg[:4000])
    if m is None:
        return None
    width_pt = float(m.group(1)) * (0.75 if m.group(2) == "px" else 1.0)
    starts = [t.start() for t in _TICK_START_RE.finditer(svg)] + [len(svg)]
    sizes = [float(t.group(1)) * 100 for a, b in zip(starts[:-1], starts[1:], strict=True)
             if (t := _TICK_TEXT_RE.search(svg, a, b))]
    if not sizes:
        return None
    return int(-(-tick_px * width_pt // min(sizes)))  # ceil


def image_size(path: Any) -> tuple[int, int] | None:
    """An image file's size in CSS px: PNG from its header, SVG from its width/height (pt = 4/3 px).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "f.svg"
    >>> _ = p.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="432pt" height="216pt"></svg>')
    >>> image_size(p)
    (576, 288)
    """
    from pathlib import Path

    path = Path(path)
    if not path.is_file():
        return None
    if path.suffix.lower() == ".png":
        head = path.read_bytes()[:24]
        if head[:8] != b"\x89PNG\r\n\x1a\n":
            return None
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if path.suffix.lower() == ".svg":
        m = _SVG_SIZE_RE.search(path.read_text(encoding="utf-8", errors="replace")[:4000])
        if m is None:
            return None
        k = 4 / 3 if (m.group(2) or "px") == "pt" else 1.0
        k_h = 4 / 3 if (m.group(4) or "px") == "pt" else 1.0
        return round(float(m.group(1)) * k), round(float(m.group(3)) * k_h)
    return None


def size_images(page_html: str, size_of: Any) -> tuple[str, int]:
    """Give each ``<img>`` its size and let it load lazily; return the page and how many were changed.

    An image with ``width`` and ``height`` keeps its room while it loads (no
    layout shift); ``loading="lazy"`` fetches it only when it nears the screen;
    ``decoding="async"`` decodes it off the main thread. Images with a size,
    or whose file cannot be read, keep what they have.

    Parameters
    ----------
    page_html : str
    size_of : callable
        ``src -> (width, height) or None``.

    Examples
    --------
    >>> out, n = size_images('<img alt="a" src="../_images/a.svg"><img src="x.png" width="5">',
    ...                      lambda src: (576, 288) if src.endswith("a.svg") else None)
    >>> out.split("><")
    ['<img alt="a" src="../_images/a.svg" width="576" height="288" loading="lazy" decoding="async"', \
'img src="x.png" width="5" loading="lazy" decoding="async">']
    >>> n
    2
    >>> size_images('<script type="x">{"html": "<img src=\\\\"a.svg\\\\">"}</script>', lambda src: (1, 1))
    ('<script type="x">{"html": "<img src=\\\\"a.svg\\\\">"}</script>', 0)
    """
    changed = 0

    def one(m: re.Match) -> str:
        nonlocal changed
        tag = m.group(0)
        if m.group(1) or re.search(r'\bsrc="data:', tag):
            return tag
        # Sphinx writes an image's width and height (a 2x PNG's metadata) as a style: make them
        # attributes, so the stylesheet can shrink the image on a phone without distorting it
        style = re.search(r'\sstyle="width:\s*([\d.]+)px;\s*height:\s*([\d.]+)px;?"', tag)
        if style and not re.search(r"\s(width|height)=", tag):
            tag = tag.replace(style.group(0), f' width="{round(float(style.group(1)))}" '
                                              f'height="{round(float(style.group(2)))}"')
        add = []
        src = re.search(r'\bsrc="([^"]+)"', tag)
        size = size_of(html.unescape(src.group(1))) if src else None
        if size and not re.search(r"\bwidth=", tag) and not re.search(r"\bheight=", tag):
            add.append(f'width="{size[0]}" height="{size[1]}"')
        if size and len(size) > 2 and size[2] and "style=" not in tag:
            # never drawn so small that its tick labels cannot be read: on a phone the figure
            # then scrolls sideways inside its output box (or opens at full size on a tap)
            add.append(f'style="min-width: {min(size[2], size[0])}px"')
        if "loading=" not in tag:
            add.append('loading="lazy"')
        if "decoding=" not in tag:
            add.append('decoding="async"')
        if not add:
            if tag != m.group(0):
                changed += 1
            return tag
        changed += 1
        end = "/>" if tag.endswith("/>") else ">"
        return tag[: -len(end)].rstrip() + " " + " ".join(add) + end

    return _IMG_RE.sub(one, page_html), changed


def _size_and_legible(path: Any) -> tuple[int, ...] | None:
    size = image_size(path)
    if size is None or not str(path).lower().endswith(".svg"):
        return size
    legible = legible_width(path.read_text(encoding="utf-8", errors="replace"))
    return (*size, legible) if legible else size


def _read_text(path: Any) -> str | None:
    from pathlib import Path

    path = Path(path)
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None


def on_build_finished(app: Any, exception: Exception | None) -> None:
    """Lighten every HTML page this build wrote: icon script, image sizes, deferred scripts, one purged stylesheet."""
    if exception is not None or getattr(app.builder, "format", None) != "html":
        return
    from pathlib import Path

    from sphinx.util import logging

    missed = []
    words = site_words(app.outdir)
    bundles: dict[str, str] = {}
    for name in sorted(_WRITTEN):
        path = Path(name)
        if not path.is_file() or "_static" in path.relative_to(app.outdir).parts:
            continue
        text = path.read_text(encoding="utf-8")
        new, n = drop_fontawesome_script(text)
        if not n and "<head" in text and "http-equiv" not in text.lower():
            missed.append(path.relative_to(app.outdir).as_posix())
        new, _sized = size_images(new, lambda src, here=path.parent: _size_and_legible(here / src.split("?")[0]))
        new, _deferred = defer_head_scripts(new)
        new, _preloads = drop_script_preloads(new)
        new, _unchained = unchain_stylesheets(new, lambda href, here=path.parent: _read_text(here / href))
        new, bundle, css = bundle_stylesheets(new, path.relative_to(app.outdir).as_posix(),
                                              lambda rel: _read_text(Path(app.outdir) / rel), words)
        if bundle and css is not None:
            bundles[bundle] = css
        if path != Path(app.outdir) / "search.html":
            new, _search = drop_search_scripts(new)
        if new != text:
            path.write_text(new, encoding="utf-8")
    for bundle, css in bundles.items():
        (Path(app.outdir) / bundle).write_text(css, encoding="utf-8")
    theme = getattr(app.builder, "theme", None)
    subset_icon_fonts(app.outdir, theme.get_theme_dirs() if hasattr(theme, "get_theme_dirs") else [])
    package = getattr(getattr(app, "config", None), "mlcrystal_mathjax_package", "")
    if package:
        package = Path(app.confdir) / package
        written = [Path(n) for n in sorted(_WRITTEN)
                   if Path(n).is_file() and "_static" not in Path(n).relative_to(app.outdir).parts]
        if (package / "es5" / "node-main.js").is_file():
            n = prerender_math(written, package)
            logging.getLogger(__name__).info("mlcrystal_site: %d formula(s) typeset at build time", n)
        else:
            # the pages keep MathJax, loaded after their first paint
            logging.getLogger(__name__).info("mlcrystal_site: no MathJax package at %s (make site-assets): "
                                             "formulas are typeset in the browser", package)
    if missed:
        # the theme changed how it loads its icons: look at the new template before the next release
        logging.getLogger(__name__).warning(
            "mlcrystal_site: no fontawesome.js script tag found in %d page(s) (e.g. %s); "
            "check pydata-sphinx-theme's webpack-macros.html", len(missed), missed[0])


#: The kit's citation file, at the repository's root (the book's configuration folder).
CITATION_FILE = "CITATION.cff"
#: The package's version, as ``mlcrystal/__init__.py`` writes it.
VERSION_RE = re.compile(r'^__version__\s*=\s*["\']([^"\']+)["\']', re.M)


def kit_citation(citation: dict, package_version: str, repository_url: str) -> dict[str, str]:
    """The kit's version, licence and citation, for the book's text (``{{ kit_version }}`` ...).

    Parameters
    ----------
    citation : dict
        ``CITATION.cff`` as read by ``yaml.safe_load``.
    package_version : str
        ``mlcrystal.__version__``.
    repository_url : str
        The repository named in ``_config.yml`` (``repository: url:``).

    Returns
    -------
    dict
        ``kit_version``, ``kit_license``, ``kit_title``, ``kit_citation`` (one line of text).

    Raises
    ------
    ValueError
        If the file lacks a field, or names another version or repository than the package
        and ``_config.yml``: the URL and the version are written in one place each, and this
        file must agree with them.

    Examples
    --------
    >>> cff = {"title": "mlcrystal", "version": "0.1.0", "license": "MIT",
    ...        "authors": [{"name": "mlcrystal contributors"}], "repository-code": "https://github.com/o/r"}
    >>> kit_citation(cff, "0.1.0", "https://github.com/o/r")["kit_citation"]
    'mlcrystal contributors. mlcrystal, version 0.1.0 (MIT licence). https://github.com/o/r'
    >>> kit_citation(cff, "0.2.0", "https://github.com/o/r")
    Traceback (most recent call last):
    ...
    ValueError: CITATION.cff: version '0.1.0' differs from mlcrystal.__version__ '0.2.0'; make them the same
    """
    missing = [k for k in ("title", "version", "license", "authors", "repository-code") if not citation.get(k)]
    if missing:
        raise ValueError(f"{CITATION_FILE}: missing {missing}; see https://citation-file-format.github.io")
    version = str(citation["version"])
    if version != package_version:
        raise ValueError(f"{CITATION_FILE}: version {version!r} differs from mlcrystal.__version__ "
                         f"{package_version!r}; make them the same")
    if str(citation["repository-code"]).rstrip("/") != repository_url.rstrip("/"):
        raise ValueError(f"{CITATION_FILE}: repository-code {citation['repository-code']!r} is not the repository "
                         f"named in _config.yml ({repository_url!r}); make them the same")
    names = []
    for a in citation["authors"]:
        name = a.get("name") or " ".join(x for x in (a.get("given-names"), a.get("family-names")) if x)
        names.append(str(name))
    return {"kit_version": version, "kit_license": str(citation["license"]), "kit_title": str(citation["title"]),
            "kit_citation": f"{', '.join(names)}. {citation['title']}, version {version} "
                            f"({citation['license']} licence). {str(citation['repository-code']).rstrip('/')}"}


#: Environment variables that mlcrystal.plotting.set_style reads in the notebooks' kernels
#: (started by this Sphinx process, so they inherit its environment).
FIGURE_FORMATS_ENV = "MLCRYSTAL_FIGURE_FORMATS"
FONT_SCALE_ENV = "MLCRYSTAL_FIGURE_FONT_SCALE"
SVG_MAX_BYTES_ENV = "MLCRYSTAL_FIGURE_SVG_MAX_BYTES"
#: The configuration values (``_config.yml``'s ``sphinx.config``) that set the kernels' figures, and their defaults.
FIGURE_CONFIG = {"mlcrystal_figure_formats": "", "mlcrystal_figure_svg_max_bytes": 0,
                 "mlcrystal_figure_font_scale": 1.0}


def figure_environment(settings: dict[str, Any]) -> dict[str, str]:
    """The environment the notebooks' kernels draw the website's figures with, from the ``mlcrystal_figure_*``
    configuration values (missing or default values set nothing).

    The build sets it in its own process (:func:`on_config_inited`), whose kernels inherit it; nbval's run
    for the website (``tools/nbval_site.py``) sets the same.

    >>> figure_environment({"mlcrystal_figure_formats": "svg,retina", "mlcrystal_figure_font_scale": 1.35})
    {'MLCRYSTAL_FIGURE_FORMATS': 'svg,retina', 'MLCRYSTAL_FIGURE_FONT_SCALE': '1.35'}
    >>> figure_environment({"mlcrystal_figure_font_scale": 1})
    {}
    """
    values = {**FIGURE_CONFIG, **{k: v for k, v in settings.items() if k in FIGURE_CONFIG}}
    env = {}
    if values["mlcrystal_figure_formats"]:
        env[FIGURE_FORMATS_ENV] = str(values["mlcrystal_figure_formats"])
    if values["mlcrystal_figure_svg_max_bytes"]:
        env[SVG_MAX_BYTES_ENV] = str(int(values["mlcrystal_figure_svg_max_bytes"]))
    if float(values["mlcrystal_figure_font_scale"]) != 1.0:
        env[FONT_SCALE_ENV] = str(float(values["mlcrystal_figure_font_scale"]))
    return env


def on_config_inited(app: Any, config: Any) -> None:
    """Set the website's figure format and font scale for the kernels; give the book's text the
    kit's version, licence and citation from ``CITATION.cff``."""
    import os
    from pathlib import Path

    import yaml

    # the notebooks executed by this build draw SVG figures with larger text (the stored outputs,
    # written by nbval and `make notebooks` without these variables, stay PNG at the book's sizes)
    os.environ.update(figure_environment({key: getattr(config, key) for key in FIGURE_CONFIG}))

    root = Path(app.confdir)
    cff_path = root / CITATION_FILE
    init = root / "mlcrystal" / "__init__.py"
    if not cff_path.is_file() or not init.is_file():
        return  # a build outside the repository (the extension's own tests)
    match = VERSION_RE.search(init.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"{init}: no __version__ = \"...\" line")
    url = (getattr(config, "html_theme_options", None) or {}).get("repository_url", "")
    values = kit_citation(yaml.safe_load(cff_path.read_text(encoding="utf-8")), match.group(1), url)
    subs = dict(getattr(config, "myst_substitutions", None) or {})
    subs.update(values)
    config.myst_substitutions = subs


#: Name of the citation style registered by :func:`register_citation_style` (``bibtex_reference_style``).
CITATION_STYLE = "mlcrystal_author_year"


def register_citation_style() -> None:
    """Register sphinxcontrib-bibtex's author-year citations, with a ``shorttitle`` for entries without authors.

    An entry without an author (the study, whose authors could not be
    confirmed) is cited by its ``shorttitle`` field when it has one, not by its
    full title: "[Waseda study, n.d.]" instead of a title that fills four or
    five lines of a phone. The bibliography still lists the full title.
    """
    from dataclasses import dataclass, field

    from pybtex.style.template import field as bib_field
    from pybtex.style.template import first_of, optional, tag
    from sphinxcontrib.bibtex.plugin import register_plugin
    from sphinxcontrib.bibtex.style.referencing import PersonStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
    from sphinxcontrib.bibtex.style.template import names, node

    @node
    def author_or_editor_or_shorttitle(children: Any, data: Any, **kwargs: Any) -> Any:
        assert not children
        return first_of[optional[names("author", **kwargs)], optional[names("editor", **kwargs)],
                        optional[bib_field("shorttitle")], tag("em")[bib_field("title")]].format_data(data)

    @dataclass
    class ShortTitlePersonStyle(PersonStyle):
        def author_or_editor_or_title(self, full: bool) -> Any:
            return author_or_editor_or_shorttitle(sep=self.sep, sep2=self.sep2, last_sep=self.last_sep,
                                                  other=None if full else self.other)

    @dataclass
    class ShortTitleAuthorYearStyle(AuthorYearReferenceStyle):
        person: PersonStyle = field(default_factory=ShortTitlePersonStyle)

    register_plugin("sphinxcontrib.bibtex.style.referencing", CITATION_STYLE, ShortTitleAuthorYearStyle, force=True)


def setup(app: Any) -> dict:
    app.add_config_value("mlcrystal_site_description", "", "html")
    app.add_config_value("mlcrystal_figure_formats", FIGURE_CONFIG["mlcrystal_figure_formats"], "env")
    app.add_config_value("mlcrystal_figure_font_scale", FIGURE_CONFIG["mlcrystal_figure_font_scale"], "env",
                         types=(float, int))
    app.add_config_value("mlcrystal_figure_svg_max_bytes", FIGURE_CONFIG["mlcrystal_figure_svg_max_bytes"], "env",
                         types=(int,))
    app.add_config_value("mlcrystal_mathjax_package", "", "html")
    register_citation_style()
    # after Sphinx's MathJax installer and myst-nb's per-page scripts (priority 500)
    app.connect("html-page-context", on_html_page_context, priority=900)
    app.connect("builder-inited", on_builder_inited)
    app.connect("config-inited", on_config_inited)
    # after pydata-sphinx-theme rewrites pygments.css and myst-nb writes its stylesheet (both at priority 500):
    # the bundle must hold their final text
    app.connect("build-finished", on_build_finished, priority=900)
    # pages written in parallel processes would not be listed in _WRITTEN
    return {"parallel_read_safe": True, "parallel_write_safe": False, "version": "1"}
