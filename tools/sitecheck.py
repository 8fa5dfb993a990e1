"""Check the built website the way a reader meets it: in a real browser.

``python tools/sitecheck.py _build/html`` (or ``make site-check``) runs two
kinds of checks on the static site that ``make book`` builds:

1. **Static checks** (pure functions, no browser): every ``<a href>``,
   ``<img src>``, ``<script src>`` and ``<link href>`` that points inside the
   site must resolve to an existing file, and a ``#fragment`` to an ``id`` on
   the target page; nothing the browser would *load* (scripts, stylesheets,
   images, frames) may come from another host; every chapter page must carry
   learning objectives, a summary, exercises with hidden solutions and
   references. No page may show a Python warning in a cell's output or the
   path of the checkout that built it.
2. **Browser checks**: the site is served on ``127.0.0.1`` (a random free
   port) and every page is opened in headless Chromium through Playwright.
   A page fails on any console error or uncaught exception (none is excused), a failed or
   4xx/5xx request, or any request to a host other than the local server
   (such requests are blocked and reported). Chapter pages must show at least
   one rendered figure (an ``<img>`` with ``naturalWidth > 0``) and no broken
   image; every embedded ipywidgets view must render visibly; every formula
   must be typeset by MathJax. One
   screenshot per page goes to ``_build/screenshots/`` (plus one of the first
   widget on widget pages, and one of the page on a phone).
3. **Accessibility, layout and weight** (in the browser): axe-core (fetched
   by ``make site-assets``, pinned and hash-checked) is injected into every
   page, and any ``serious`` or ``critical`` violation fails unless it sits in
   an element the theme owns and is listed in :data:`THEME_AXE_EXCEPTIONS`
   with its reason. Every page is loaded at 1280 px and at 390 px (a phone)
   and fails when the document scrolls sideways; the widest element that
   sticks out is named. A widget control that passes its widget's right
   edge (or a box inside a widget that scrolls sideways) fails too. The bytes each page transfers are summed from the
   network events and printed; the heaviest chapter page must stay under
   :data:`CHAPTER_BYTES_BUDGET`. Every page needs a favicon and a
   ``<meta name="description">``, and no image may have a file path for
   alt text (static checks).

4. **Explorers without a kernel**: every explorer's static view (chapters 5
   and 6, ``mlcrystal/webview.py``) must start in the browser; its controls
   are set to :data:`EXPLORER_SETTINGS` random settings and every number of
   the readout must agree with the package's Python functions to 3
   significant figures, and the figure must follow; chapter 7's game is
   played through (the first experiment by keyboard) and every force compared
   with Python. Labels, tracks, numbers and readouts must be fully visible
   (nothing cut vertically or horizontally by a clipping box) at every width
   of :data:`EXPLORER_WIDTHS` (360-1920 px); without JavaScript the controls
   must be disabled, with a visible note saying why. The site search must
   find :data:`SEARCH_TERMS`.
5. **Speed and sharpness**: deterministic causes fail the check
   (:func:`performance_problems`: MathJax on a page without maths or loaded as
   a script file (it then runs before the first paint), a script blocking the
   first paint or preloaded beside it, the search index outside the search
   page, an image without size or lazy loading; :func:`stylesheet_problems`:
   a stylesheet that ``@import``-s another, a web font over
   :data:`FONT_BYTES_BUDGET`; a chapter
   over :data:`CHAPTER_BYTES_BUDGET`; a matplotlib chart as PNG; tick labels
   under :data:`TICK_MIN_PX` CSS px at :data:`TICK_WIDTH` px). Lighthouse
   (``make lighthouse``, mobile preset, three pages at a time) then reports
   every page's performance score, largest contentful paint and layout shift,
   with the load average, and never fails the check on them.

The browser checks are skipped, with a message and exit code 0, only when
Chromium cannot be found or started; the static checks always run.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import os
import posixpath
import queue
import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Debian's Chromium; Playwright drives it instead of downloading a browser.
DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: Environment variable naming another Chromium-based browser (e.g. Chrome on CI);
#: read when a check runs (see :func:`chromium_path`), never at import.
CHROMIUM_ENV = "MLCRYSTAL_CHROMIUM"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Folders of a Sphinx build that hold assets, not pages.
ASSET_DIRS = ("_static", "_sources", "_images", "_downloads")
#: Chapter pages: ``book/NN_name.html`` (a chapter's companion, ``NN_behind_the_numbers.html``, is not one).
CHAPTER_RE = re.compile(r"(^|/)\d\d_(?!behind_the_numbers\.html$)[^/]*\.html$")
#: (tag, attribute) pairs whose URL the link check follows.
LINK_ATTRS = {("a", "href"), ("img", "src"), ("script", "src"), ("link", "href"),
              ("source", "src"), ("iframe", "src")}
#: Markers of the parts every chapter must have, searched case-insensitively
#: in the page's headings (objectives may also be a bold paragraph).
CHAPTER_PARTS = {
    "learning objectives": re.compile(r"learning objectives|you will learn", re.I),
    "summary": re.compile(r"\bsummary\b", re.I),
    "exercises": re.compile(r"\bexercises?\b", re.I),
    "references": re.compile(r"\breferences\b", re.I),
}
#: HTML of a hidden solution: a hide-input/hide-cell/hide-output cell or a dropdown.
HIDDEN_SOLUTION_RE = re.compile(
    r'class="(?:[^"]*\s)?(tag_hide-input|tag_hide-cell|tag_hide-output|sd-dropdown|dropdown|toggle)(?:\s[^"]*)?"')
#: The page's own content; theme navigation outside it does not count.
ARTICLE_RE = re.compile(r"<article\b.*</article>", re.S)
#: Embedded ipywidgets views, as myst-nb writes them.
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
#: axe-core impacts that fail the check (``minor`` and ``moderate`` are printed only).
AXE_FAILING_IMPACTS = ("serious", "critical")
#: axe-core's build, as ``make site-assets`` unpacks it (relative to the site or to book/).
AXE_JS = "_static/npm/axe-core/axe.min.js"
#: Violations in elements the theme (sphinx-book-theme / pydata-sphinx-theme)
#: writes and the book cannot change from its own files: ``(axe rule id,
#: regular expression searched in the node's CSS selector) -> reason``. One
#: table, so that every exception is visible and must give its reason.
THEME_AXE_EXCEPTIONS: dict[tuple[str, str], str] = {}
#: Viewport widths (CSS px) at which no page may scroll sideways: a desktop and two phones.
VIEWPORT_WIDTHS = (1280, 390, 360)
#: Width (CSS px) at which figures' tick labels are measured, and the smallest size they may have there.
TICK_WIDTH = 360
TICK_MIN_PX = 9.0
#: The heaviest chapter page may transfer at most this many bytes (1.5 MB, gzip-compressed).
CHAPTER_BYTES_BUDGET = 1_500_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one page of the site."""

    page: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.page}: [{self.kind}] {self.detail}"


@dataclass
class PageDoc:
    """What the static checks need from one HTML page (see :func:`parse_page`)."""

    refs: list[tuple[str, str, str, str]]  # (tag, attribute, url, rel)
    ids: set[str]
    headings: list[str]
    text: str


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = PageDoc(refs=[], ids=set(), headings=[], text="")
        self._heading: list[str] | None = None
        self._chunks: list[str] = []
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.doc.ids.add(a[key])
        for t, attr in LINK_ATTRS:
            if tag == t and a.get(attr) is not None:
                self.doc.refs.append((tag, attr, a[attr].strip(), (a.get("rel") or "").lower()))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.doc.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._skip:
            return
        self._chunks.append(data)
        if self._heading is not None:
            self._heading.append(data)

    def close(self):
        super().close()
        self.doc.text = " ".join(" ".join(self._chunks).split())


def parse_page(html: str) -> PageDoc:
    """Collect the references, element ids, headings and visible text of a page.

    Parameters
    ----------
    html : str
        The page's HTML source.

    Returns
    -------
    PageDoc
        ``refs`` lists ``(tag, attribute, url, rel)`` for every ``a[href]``,
        ``img[src]``, ``script[src]``, ``link[href]``, ``source[src]`` and
        ``iframe[src]``; ``ids`` holds every ``id`` (and ``<a name>``);
        ``headings`` the text of ``h1``-``h6``; ``text`` the visible text.

    Examples
    --------
    >>> doc = parse_page('<h2 id="s">Summary</h2><a href="b.html#x">b</a>')
    >>> doc.refs, sorted(doc.ids), doc.headings
    ([('a', 'href', 'b.html#x', '')], ['s'], ['Summary'])
    """
    if not isinstance(html, str):
        raise TypeError(f"html must be a str, got {type(html).__name__}; read the file first")
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser.doc


def list_pages(site_dir: str | Path) -> list[str]:
    """List the HTML pages of a built site, as sorted POSIX paths relative to it.

    Asset folders (``_static``, ``_sources``, ``_images``, ``_downloads``) are
    left out: they hold files the pages use, not pages.

    Parameters
    ----------
    site_dir : str or Path
        The site's root folder, e.g. ``_build/html``.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "book").mkdir(); (d / "_static").mkdir()
    >>> for p in ("index.html", "book/01_a.html", "_static/x.html"):
    ...     _ = (d / p).write_text("<html></html>")
    >>> list_pages(d)
    ['book/01_a.html', 'index.html']
    """
    root = _site_root(site_dir)
    pages = []
    for path in root.rglob("*.html"):
        rel = path.relative_to(root).as_posix()
        if rel.split("/", 1)[0] in ASSET_DIRS:
            continue
        pages.append(rel)
    return sorted(pages)


def is_chapter(page: str) -> bool:
    """True for a chapter page, named ``NN_topic.html`` (e.g. ``book/03_lasso.html``).

    Examples
    --------
    >>> is_chapter("book/03_lasso_design_rules.html"), is_chapter("book/glossary.html")
    (True, False)
    >>> is_chapter("book/01_behind_the_numbers.html")  # a companion page: no objectives or exercises
    False
    """
    return bool(CHAPTER_RE.search(page))


def resolve_url(page: str, url: str) -> tuple[str, str] | None:
    """Resolve a URL found on ``page`` to a site path and a fragment.

    Parameters
    ----------
    page : str
        The page's POSIX path relative to the site root, e.g. ``"book/intro.html"``.
    url : str
        The ``href``/``src`` value as written in the page.

    Returns
    -------
    tuple of (str, str) or None
        ``(target, fragment)`` with ``target`` relative to the site root
        (``""`` for the site root itself) and the fragment without ``#`` (percent
        escapes decoded), or None when the URL does not point inside the site:
        another host (``http:``, ``https:``, ``//host``), or a ``mailto:``,
        ``javascript:``, ``data:`` or ``tel:`` URL.

    Raises
    ------
    ValueError
        If a relative URL climbs above the site root (``../`` too many times):
        it would leave the published site.

    Examples
    --------
    >>> resolve_url("book/intro.html", "../_static/x.js?v=1")
    ('_static/x.js', '')
    >>> resolve_url("book/intro.html", "#summary")
    ('book/intro.html', 'summary')
    >>> resolve_url("book/intro.html", "https://example.org/") is None
    True
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    if parts.path.startswith("/"):
        # root-relative: depends on where the site is published (baseurl)
        raise ValueError(
            f"{page}: URL {url!r} is absolute to the server root, which breaks when the site "
            "is published under a sub-path (GitHub Pages); use a relative URL")
    fragment = unquote(parts.fragment)
    if not parts.path:
        return page, fragment
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if joined == ".." or joined.startswith("../"):
        raise ValueError(
            f"{page}: URL {url!r} climbs above the site root (resolves to {joined!r}); "
            "fix the relative path")
    return ("" if joined == "." else joined), fragment


def _target_file(root: Path, target: str) -> Path | None:
    path = root / target
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def _is_loaded_resource(tag: str, rel: str) -> bool:
    """True when the browser fetches this reference on page load (not a mere link)."""
    if tag == "a":
        return False
    if tag == "link":
        return bool({"stylesheet", "preload", "icon", "modulepreload", "manifest"} & set(rel.split()))
    return True


def check_links(site_dir: str | Path, pages: list[str] | None = None) -> list[Problem]:
    """Find broken internal links and images, and resources loaded from other hosts.

    Every internal ``a[href]``, ``img[src]``, ``script[src]``, ``link[href]``,
    ``source[src]`` and ``iframe[src]`` must name an existing file (a folder
    counts when it holds ``index.html``), and a fragment must match an
    ``id`` on the target HTML page. External *links* (``<a>``, ``<link
    rel="index">``...) are fine; external *resources* the browser would load
    (scripts, stylesheets, images, frames) are problems, because the site
    must work offline and load nothing from a CDN.

    Parameters
    ----------
    site_dir : str or Path
        The built site, e.g. ``_build/html``.
    pages : list of str, optional
        Pages to check (relative POSIX paths); default: :func:`list_pages`.

    Returns
    -------
    list of Problem
        Empty when everything resolves. ``kind`` is ``"broken-link"``,
        ``"broken-image"``, ``"broken-resource"``, ``"missing-anchor"``,
        ``"remote-resource"`` or ``"bad-url"``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.html").write_text('<a href="b.html">b</a><img src="x.png">')
    >>> _ = (d / "b.html").write_text('<a href="a.html#top">a</a>')
    >>> for p in check_links(d): print(p)
    a.html: [broken-image] img src="x.png" -> x.png does not exist
    b.html: [missing-anchor] a href="a.html#top" -> no id="top" in a.html
    """
    root = _site_root(site_dir)
    pages = list_pages(root) if pages is None else pages
    cache: dict[str, PageDoc] = {}

    def doc_of(rel: str) -> PageDoc:
        if rel not in cache:
            cache[rel] = parse_page((root / rel).read_text(encoding="utf-8", errors="replace"))
        return cache[rel]

    problems: list[Problem] = []
    for page in pages:
        if _target_file(root, page) is None:
            raise ValueError(f"page {page!r} is not a file under {root}; pass paths from list_pages()")
        for tag, attr, url, rel in doc_of(page).refs:
            where = f'{tag} {attr}="{url}"'
            if url.lower().startswith(("mailto:", "javascript:", "data:", "tel:", "about:")):
                continue
            try:
                resolved = resolve_url(page, url)
            except ValueError as err:
                problems.append(Problem(page, "bad-url", str(err)))
                continue
            if resolved is None:
                if _is_loaded_resource(tag, rel):
                    problems.append(Problem(page, "remote-resource",
                                            f"{where} is loaded from another host; serve a copy from _static"))
                continue
            target, fragment = resolved
            path = _target_file(root, target)
            if path is None:
                kind = {"a": "broken-link", "img": "broken-image"}.get(tag, "broken-resource")
                problems.append(Problem(page, kind, f"{where} -> {target or '.'} does not exist"))
                continue
            if fragment and path.suffix == ".html":
                trel = path.relative_to(root).as_posix()
                if fragment not in doc_of(trel).ids:
                    problems.append(Problem(page, "missing-anchor", f'{where} -> no id="{fragment}" in {trel}'))
    return problems


def check_chapter_parts(html: str) -> list[str]:
    """Name the parts a chapter page lacks (empty list: nothing missing).

    A chapter needs learning objectives (a heading or bold paragraph saying
    "Learning objectives" or "you will learn"), a Summary, Exercises, a
    hidden solution (a ``hide-input``/``hide-cell`` cell or a dropdown, inside
    the page's ``<article>`` when it has one) and References, as the book's
    conventions ask.

    Parameters
    ----------
    html : str
        The chapter page's HTML.

    Returns
    -------
    list of str
        Among ``"learning objectives"``, ``"summary"``, ``"exercises"``,
        ``"hidden solutions"``, ``"references"``.

    Examples
    --------
    >>> check_chapter_parts("<h1>Ch</h1><h2>Summary</h2><h2>Exercises</h2>")
    ['learning objectives', 'hidden solutions', 'references']
    """
    doc = parse_page(html)
    headings = " | ".join(doc.headings)
    missing = []
    for name, pattern in CHAPTER_PARTS.items():
        haystack = doc.text if name == "learning objectives" else headings
        if not pattern.search(haystack):
            missing.append(name)
    article = ARTICLE_RE.search(html)
    if not HIDDEN_SOLUTION_RE.search(article.group(0) if article else html):
        missing.insert(len(missing) - ("references" in missing), "hidden solutions")
    return missing


def has_widgets(html: str) -> bool:
    """True when a page embeds ipywidgets views (saved widget state to render).

    Examples
    --------
    >>> has_widgets('<script type="application/vnd.jupyter.widget-view+json">{}</script>')
    True
    """
    return WIDGET_VIEW_MIME in html


def screenshot_name(page: str) -> str:
    """File name for a page's screenshot: the path with ``/`` as ``__`` and ``.png``.

    Examples
    --------
    >>> screenshot_name("book/01_data_collection.html")
    'book__01_data_collection.png'
    """
    if not page.endswith(".html"):
        raise ValueError(f"expected an .html page path, got {page!r}")
    return page[: -len(".html")].replace("/", "__") + ".png"


#: Script files allowed to block the first paint, with the reason (book/_ext/mlcrystal_site.py defers the rest).
BLOCKING_SCRIPTS_ALLOWED = {
    "documentation_options.js": "the theme's inline page settings assign to DOCUMENTATION_OPTIONS while the page "
                                "is parsed (0.4 kB)",
}
#: MathJax's loader, as the site serves it: a script file, or the inline script that loads it after the first paint.
MATHJAX_SRC_RE = re.compile(r"<script\b[^>]*\bsrc=\"[^\"]*mathjax[^\"]*\"|<script>[^<]*\.src = \"[^\"]*mathjax[^\"]*\"",
                            re.I)
#: MathJax loaded as a script file of the page (it then runs, and typesets, before the first paint).
MATHJAX_FILE_RE = re.compile(r"<script\b[^>]*\bsrc=\"[^\"]*mathjax[^\"]*\"", re.I)
#: Maths in a page's article: Sphinx's math spans/divs, or MathJax delimiters.
MATH_RE = re.compile(r'class="(?:[^"]*\s)?math\b|\\\(|\\\[|\$\$')
#: Sphinx's search index, which only the search page (or a search-as-you-type box) needs.
SEARCH_INDEX_RE = re.compile(r"<script\b[^>]*\bsrc=\"(?:[^\"]*/)?searchindex\.js(?:\?[^\"]*)?\"", re.I)
#: A script preloaded at high priority (it competes with the stylesheets the first paint waits for).
SCRIPT_PRELOAD_RE = re.compile(r"<link\b(?=[^>]*\brel=\"preload\")(?=[^>]*\bas=\"script\")[^>]*>", re.I)


def performance_problems(html: str, page: str = "") -> list[str]:
    """What makes a page slower than it must be, found in its HTML (deterministic, unlike Lighthouse).

    * MathJax (about 1 MB of script, seconds of work on a phone) loaded by a page without maths,
      or loaded as a script file (even deferred, it then starts and typesets before the first
      paint when the page arrives fast: book/_ext/mlcrystal_site.py loads it after the page has
      painted), except on a page with widget views (their renderer typesets labels with it);
    * a script file in ``<head>`` without ``defer`` or ``async`` (it blocks the first paint),
      unless listed in :data:`BLOCKING_SCRIPTS_ALLOWED`;
    * a script preloaded with ``<link rel="preload" as="script">``;
    * the search index (``searchindex.js``, the largest script of the site) on a page other than
      ``search.html`` that does not search as the reader types;
    * an image in the page's article without ``width`` and ``height`` (the page shifts when it
      arrives) or without ``loading="lazy"`` (it is fetched before the reader scrolls to it).

    Examples
    --------
    >>> performance_problems('<head><script src="_static/mathjax/tex.js" defer></script>'
    ...     '<link rel="preload" as="script" href="b.js">'
    ...     '<script src="searchindex.js"></script></head><article><img src="a.png" alt="a"></article>')
    ... # doctest: +NORMALIZE_WHITESPACE
    ['MathJax is loaded but the page has no maths',
     'script searchindex.js blocks the first paint (no defer or async)',
     'script b.js is preloaded at high priority beside the first paint',
     'the search index (searchindex.js) is loaded by a page that does not search',
     '1 image(s) without width and height: a.png',
     '1 image(s) not loading lazily: a.png']
    >>> performance_problems('<head><script defer src="_static/mathjax/tex.js"></script></head>'
    ...     '<article><span class="math">x</span></article>')
    ['MathJax is a script file of the page: it starts before the first paint (load it after the page has painted)']
    """
    out = []
    head_end = html.find("</head>")
    head = html[: head_end if head_end >= 0 else 0]
    article = ARTICLE_RE.search(html)
    body = article.group(0) if article else html[head_end + 1 if head_end >= 0 else 0:]
    if MATHJAX_SRC_RE.search(html) and not MATH_RE.search(body):
        out.append("MathJax is loaded but the page has no maths")
    elif MATHJAX_FILE_RE.search(head) and WIDGET_VIEW_MIME not in html:
        out.append("MathJax is a script file of the page: it starts before the first paint "
                   "(load it after the page has painted)")
    for tag in re.findall(r"<script\b[^>]*\bsrc=\"[^\"]+\"[^>]*>", head, re.I):
        found = re.search(r'\bsrc="([^"]+)"', tag)
        name = found.group(1).split("?", 1)[0].rsplit("/", 1)[-1] if found else ""
        if not re.search(r"\b(defer|async)\b|type=\"module\"", tag) and name not in BLOCKING_SCRIPTS_ALLOWED:
            out.append(f"script {name} blocks the first paint (no defer or async)")
    for tag in SCRIPT_PRELOAD_RE.findall(head):
        found = re.search(r'\bhref="([^"]+)"', tag)
        name = found.group(1).split("?", 1)[0].rsplit("/", 1)[-1] if found else "?"
        out.append(f"script {name} is preloaded at high priority beside the first paint")
    if (SEARCH_INDEX_RE.search(head) and page.rsplit("/", 1)[-1] != "search.html"
            and "search_as_you_type = true" not in head):
        out.append("the search index (searchindex.js) is loaded by a page that does not search")
    unsized, eager = [], []
    for tag in re.findall(r"<img\b[^>]*>", body, re.I):
        found = re.search(r'\bsrc="([^"]*)"', tag)
        src = found.group(1) if found else ""
        if src.startswith("data:"):
            continue
        if not (re.search(r"\bwidth=", tag) and re.search(r"\bheight=", tag)):
            unsized.append(src.rsplit("/", 1)[-1])
        if 'loading="lazy"' not in tag:
            eager.append(src.rsplit("/", 1)[-1])
    if unsized:
        out.append(f"{len(unsized)} image(s) without width and height: {', '.join(unsized[:3])}")
    if eager:
        out.append(f"{len(eager)} image(s) not loading lazily: {', '.join(eager[:3])}")
    return out


#: Largest web font a page's stylesheets may fetch (bytes): the theme's icon fonts are fetched at the
#: highest priority before the first paint, so the build cuts them to the icons the site uses.
FONT_BYTES_BUDGET = 30_000
_STYLESHEET_RE = re.compile(r"<link\b(?=[^>]*\brel=\"stylesheet\")[^>]*\bhref=\"([^\"]+)\"", re.I)
_FONT_FACE_RE = re.compile(r"@font-face\s*\{([^}]*)\}", re.I)
_FONT_URL_RE = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)(?:\s*format\(\s*['\"]?([\w-]+))?", re.I)
_CSS_IMPORT_RE = re.compile(r"@import\s+(?:url\()?\s*['\"]?([^'\")\s;]+)", re.I)


def stylesheet_problems(site_dir: str | Path, pages: list[str] | None = None,
                        budget: int = FONT_BYTES_BUDGET) -> list[Problem]:
    """What the stylesheets of the pages' ``<head>`` hold back the first paint with.

    * a web font over ``budget`` bytes: for every stylesheet a page links (and those it
      ``@import``-s), each ``@font-face`` is judged by the file a browser fetches (its ``woff2``
      source, else its first);
    * a linked stylesheet that ``@import``-s another: the browser finds the second one round
      trip later (link it from the page instead);
    * a page that links more than one local stylesheet without a ``media`` query: a phone
      opens six connections at most, so the first paint waits for more round trips than one
      bundle costs (the build bundles them, ``bundle_stylesheets`` in ``book/_ext``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "fonts").mkdir()
    >>> _ = (d / "fonts" / "icons.woff2").write_bytes(b"0" * 40_000)
    >>> _ = (d / "a.css").write_text('@font-face{font-family:I;src:url(fonts/icons.woff2) format("woff2")}')
    >>> _ = (d / "index.html").write_text('<head><link rel="stylesheet" href="a.css"></head>')
    >>> _ = (d / "b.css").write_text('@import "a.css";')
    >>> _ = (d / "index.html").write_text('<head><link rel="stylesheet" href="b.css"></head>')
    >>> [str(p) for p in stylesheet_problems(d)]  # doctest: +NORMALIZE_WHITESPACE
    ['b.css: [performance] imports a.css: the browser finds it one round trip later (link it from the page)',
     'a.css: [performance] web font fonts/icons.woff2 is 40 kB (budget 30 kB): cut it to the glyphs
      the site uses']
    >>> _ = (d / "index.html").write_text('<head><link rel="stylesheet" href="b.css">'
    ...                                   '<link rel="stylesheet" href="c.css"></head>')
    >>> str(stylesheet_problems(d)[0]).split(":")[:2]
    ['index.html', ' [performance] links 2 stylesheets']
    """
    root = _site_root(site_dir)
    sheets: set[str] = set()
    problems: list[Problem] = []
    for page in pages if pages is not None else list_pages(root):
        text = (root / page).read_text(encoding="utf-8")
        head = text[: max(text.find("</head>"), 0)]
        local = 0
        for m in _STYLESHEET_RE.finditer(head):
            href = m.group(1)
            if "://" in href or href.startswith("//"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("?", 1)[0]))
            sheets.add(target)
            tag = head[m.start(): head.find(">", m.end()) + 1]
            local += not re.search(r"\bmedia=", tag)
        if local > 1:
            problems.append(Problem(page, "performance", f"links {local} stylesheets: each costs the first paint a "
                                    "request (bundle them, as the build's bundle_stylesheets does)"))
    seen: set[str] = set()
    todo = sorted(sheets)
    while todo:
        sheet = todo.pop(0)
        if sheet in seen or not (root / sheet).is_file():
            continue
        seen.add(sheet)
        css = (root / sheet).read_text(encoding="utf-8", errors="replace")
        imported = [u for u in _CSS_IMPORT_RE.findall(re.sub(r"/\*.*?\*/", "", css, flags=re.S)) if "://" not in u]
        if sheet in sheets:
            problems += [Problem(sheet, "performance", f"imports {u}: the browser finds it one round trip later "
                                 "(link it from the page)") for u in imported]
        todo += [posixpath.normpath(posixpath.join(posixpath.dirname(sheet), u.split("?", 1)[0])) for u in imported]
        for face in _FONT_FACE_RE.findall(css):
            urls = [(u.split("?", 1)[0].split("#", 1)[0], (f or "").lower()) for u, f in _FONT_URL_RE.findall(face)
                    if not u.startswith("data:")]
            if not urls:
                continue
            url = next((u for u, f in urls if f == "woff2"), urls[0][0])
            font = posixpath.normpath(posixpath.join(posixpath.dirname(sheet), url))
            path = root / font
            if path.is_file() and path.stat().st_size > budget:
                problems.append(Problem(sheet, "performance", f"web font {url} is {path.stat().st_size // 1000} kB "
                                        f"(budget {budget // 1000} kB): cut it to the glyphs the site uses"))
    return problems


#: The checkout this script runs from (the one that built the site, in `make site-check`), with a slash.
_CHECKOUT = str(Path(__file__).resolve().parents[1]) + "/"
_STDERR_BLOCK = re.compile(r'<div class="output stderr[^"]*">(.*?)</pre>', re.S)
_WARNING = re.compile(r"\b([A-Z]\w*Warning)\b: ?([^\n<]{0,80})")


def warning_outputs(html: str) -> list[str]:
    """The Python warnings a page shows in a cell's error output (stderr), as "Kind: start of message".

    A warning on a page is a fault of the notebook (or of the build's figure settings), and it
    prints a path of the machine that built the site.

    >>> page = ('<div class="output stderr highlight-myst-ansi notranslate"><div class="highlight"><pre>'
    ...         '/x/pylabtools.py:158: UserWarning: Tight layout not applied.\\n  fig.canvas</pre></div></div>')
    >>> warning_outputs(page)
    ['UserWarning: Tight layout not applied.']
    >>> warning_outputs('<div class="output stream highlight-myst-ansi"><pre>UserWarning: printed on purpose</pre>')
    []
    """
    return [f"{m.group(1)}: {m.group(2).strip()}" for block in _STDERR_BLOCK.findall(html)
            for m in _WARNING.finditer(block)]


def static_problems(site_dir: str | Path) -> list[Problem]:
    """Run every check that needs no browser on a built site.

    :func:`check_links` on all pages, :func:`check_head` on every page but a
    bare redirect (kind ``"head"``), :func:`path_alt_images` (kind
    ``"alt-text"``), :func:`warning_outputs` (kind ``"warning"``), the checkout's
    own path (kind ``"build-path"``), plus :func:`check_chapter_parts` on each
    chapter page (reported with kind ``"chapter-parts"``).

    Parameters
    ----------
    site_dir : str or Path
        The built site, e.g. ``_build/html``.

    Returns
    -------
    list of Problem

    Raises
    ------
    ValueError
        If the folder does not exist or holds no HTML page.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "01_intro.html").write_text("<h1>1. Intro</h1><a href='#'>top</a>")
    >>> [str(p) for p in static_problems(d)]  # doctest: +NORMALIZE_WHITESPACE
    ['01_intro.html: [head] missing: favicon, description',
     '01_intro.html: [chapter-parts] missing: learning objectives, summary,
      exercises, hidden solutions, references']
    """
    root = _site_root(site_dir)
    pages = list_pages(root)
    if not pages:
        raise ValueError(f"{root} holds no .html pages: run `make book` first")
    problems = check_links(root, pages)
    for page in pages:
        missing = check_head((root / page).read_text(encoding="utf-8"))
        if missing and not _is_redirect((root / page).read_text(encoding="utf-8")):
            problems.append(Problem(page, "head", "missing: " + ", ".join(missing)))
    for page in pages:
        bad_alt = path_alt_images((root / page).read_text(encoding="utf-8"))
        if bad_alt:
            problems.append(Problem(page, "alt-text", f"{len(bad_alt)} image(s) whose alt text is a file path, "
                                    f"not what the image shows: {', '.join(bad_alt[:2])}"
                                    + (", ..." if len(bad_alt) > 2 else "")))
    for page in pages:
        page_html = (root / page).read_text(encoding="utf-8")
        if not _is_redirect(page_html):
            problems.extend(Problem(page, "performance", p) for p in performance_problems(page_html, page))
        problems.extend(Problem(page, "warning", f"a cell's output shows {w}") for w in warning_outputs(page_html))
        if _CHECKOUT in page_html:
            problems.append(Problem(page, "build-path", f"shows the path of the checkout that built it ({_CHECKOUT}): "
                                    "a reader's copy is elsewhere (hide the value, e.g. ':meta hide-value:')"))
    problems.extend(stylesheet_problems(root, pages))
    for page in filter(is_chapter, pages):
        missing = check_chapter_parts((root / page).read_text(encoding="utf-8"))
        if missing:
            problems.append(Problem(page, "chapter-parts", "missing: " + ", ".join(missing)))
    return problems



# ------------------------------------------------- page head, axe, layout, weight

class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.icons: list[str] = []
        self.descriptions: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "link" and "icon" in a.get("rel", "").lower().split() and a.get("href", "").strip():
            self.icons.append(a["href"].strip())
        if tag == "meta" and a.get("name", "").lower() == "description":
            self.descriptions.append(a.get("content", "").strip())


def check_head(html: str) -> list[str]:
    """Name what a page's head lacks among a favicon and a description.

    A favicon is a ``<link rel="icon" href="...">`` (``check_links`` checks
    that the file exists); a description is a ``<meta name="description">``
    with non-empty content, which search engines and link previews show.

    Parameters
    ----------
    html : str
        The page's HTML.

    Returns
    -------
    list of str
        Among ``"favicon"`` and ``"description"``; empty when both are there.

    Examples
    --------
    >>> check_head('<link rel="icon" href="_static/favicon.svg">'
    ...            '<meta name="description" content="Chapter 1 reads the data.">')
    []
    >>> check_head('<meta name="description" content="  ">')
    ['favicon', 'description']
    """
    if not isinstance(html, str):
        raise TypeError(f"html must be a str, got {type(html).__name__}; read the file first")
    parser = _HeadParser()
    parser.feed(html)
    parser.close()
    missing = []
    if not parser.icons:
        missing.append("favicon")
    if not any(parser.descriptions):
        missing.append("description")
    return missing


#: An alt text that is a file name or path: what Sphinx writes when a figure has no description.
PATH_ALT_RE = re.compile(r"(^|/)[^\s/]+\.(png|jpe?g|svg|gif|webp)$|_images/|^\.\./", re.I)


def path_alt_images(html: str) -> list[str]:
    """The ``src`` of each image in the page's ``<article>`` whose alt text is a file path.

    axe-core accepts any non-empty alt; an alt such as ``../_build/jupyter_execute/x.png``
    tells a reader who cannot see the chart nothing, so the site check reports it
    (kind ``"alt-text"``).

    Examples
    --------
    >>> path_alt_images('<article><img src="../_images/a.png" alt="../_images/a.png">'
    ...                 '<img src="../_images/b.png" alt="Young modulus against density">'
    ...                 '<img src="../_images/c.png" alt=""></article>')
    ['../_images/a.png']
    """
    if not isinstance(html, str):
        raise TypeError(f"html must be a str, got {type(html).__name__}; read the file first")
    article = ARTICLE_RE.search(html)
    found = []
    for tag in re.findall(r"<img\b[^>]*>", article.group(0) if article else html, re.I):
        alt = re.search(r'\balt="([^"]*)"', tag)
        src = re.search(r'\bsrc="([^"]*)"', tag)
        if alt and alt.group(1).strip() and PATH_ALT_RE.search(alt.group(1).strip()):
            found.append(src.group(1) if src else "(no src)")
    return found


def _axe_target(node: dict) -> str:
    """One readable selector for an axe node (nested lists: iframes / shadow roots)."""
    target = node.get("target")
    if not isinstance(target, list) or not target:
        raise ValueError(f"axe node without a 'target' list of selectors: {node!r}")
    return " >>> ".join(" ".join(t) if isinstance(t, list) else str(t) for t in target)


@dataclass
class AxeOutcome:
    """An axe-core result sorted for the site check (see :func:`axe_problems`)."""

    failing: list[Problem]
    excused: list[tuple[Problem, str]]
    advisory: list[Problem]


def axe_problems(page: str, result: dict,
                 exceptions: dict[tuple[str, str], str] | None = None,
                 max_targets: int = 3) -> AxeOutcome:
    """Sort the violations of one axe-core run into failing, excused and advisory.

    A violation fails when its impact is ``serious`` or ``critical``
    (:data:`AXE_FAILING_IMPACTS`) on at least one element that no theme
    exception covers. An element is excused when an entry ``(rule id,
    selector pattern)`` of ``exceptions`` has the violation's rule id and its
    pattern is found (``re.search``) in the element's CSS selector; the
    excused element is reported with the entry's reason. ``minor`` and
    ``moderate`` violations are advisory: printed, never failing.

    Parameters
    ----------
    page : str
        The page the result belongs to (named in each problem).
    result : dict
        What ``axe.run()`` resolved to (only ``violations`` is read: a list of
        ``{"id", "impact", "help", "nodes": [{"target": [...]}, ...]}``).
    exceptions : dict, optional
        Default :data:`THEME_AXE_EXCEPTIONS`.
    max_targets : int
        How many element selectors to name per violation.

    Returns
    -------
    AxeOutcome
        ``failing`` and ``advisory``: one :class:`Problem` of kind ``"axe"``
        per violated rule, naming its impact, help text, element count and
        first selectors; ``excused``: ``(problem, reason)`` pairs.

    Raises
    ------
    ValueError
        If ``result`` is not an axe result (no ``violations`` list, a
        violation without ``id``/``impact``/``nodes``, a node without ``target``).

    Examples
    --------
    >>> result = {"violations": [
    ...     {"id": "image-alt", "impact": "critical", "help": "Images must have alternative text",
    ...      "nodes": [{"target": ["#fig-1 > img"]}]},
    ...     {"id": "region", "impact": "moderate", "help": "Content in landmarks",
    ...      "nodes": [{"target": [".skip"]}]}]}
    >>> out = axe_problems("book/01.html", result, exceptions={})
    >>> print(out.failing[0])
    book/01.html: [axe] image-alt (critical): Images must have alternative text; 1 element(s): #fig-1 > img
    >>> len(out.advisory), out.excused
    (1, [])
    """
    if not isinstance(result, dict) or not isinstance(result.get("violations"), list):
        raise ValueError(f"{page}: expected an axe-core result with a 'violations' list, got "
                         f"{type(result).__name__} with keys {sorted(result)[:8] if isinstance(result, dict) else '-'}")
    if not isinstance(max_targets, int) or max_targets < 1:
        raise ValueError(f"max_targets must be a positive integer, got {max_targets!r}")
    exceptions = THEME_AXE_EXCEPTIONS if exceptions is None else exceptions
    out = AxeOutcome([], [], [])
    for v in result["violations"]:
        missing = [k for k in ("id", "impact", "nodes") if k not in v]
        if missing or not isinstance(v.get("nodes"), list):
            raise ValueError(f"{page}: axe violation {v.get('id', '?')!r} lacks {missing or ['a nodes list']}")
        impact = v["impact"] or "unknown"
        targets = [_axe_target(n) for n in v["nodes"]]

        def describe(ts: list[str], v=v, impact=impact) -> str:
            shown = ", ".join(ts[:max_targets]) + (f", ... ({len(ts) - max_targets} more)"
                                                   if len(ts) > max_targets else "")
            return f"{v['id']} ({impact}): {v.get('help', '')}; {len(ts)} element(s): {shown}"

        if impact not in AXE_FAILING_IMPACTS:
            out.advisory.append(Problem(page, "axe", describe(targets)))
            continue
        kept: list[str] = []
        for t in targets:
            reason = next((r for (rule, pattern), r in exceptions.items()
                           if rule == v["id"] and re.search(pattern, t)), None)
            if reason is None:
                kept.append(t)
            else:
                out.excused.append((Problem(page, "axe", describe([t])), reason))
        if kept:
            out.failing.append(Problem(page, "axe", describe(kept)))
    return out


def overflow_problem(page: str, width: int, measured: dict) -> Problem | None:
    """A problem when a page is wider than its viewport (it scrolls sideways).

    Parameters
    ----------
    page : str
        The page measured.
    width : int
        The viewport width (CSS px) it was loaded at.
    measured : dict
        ``{"scrollWidth": int, "clientWidth": int, "culprits": [{"selector": str,
        "right": float, "width": float}, ...]}`` as the browser measured it
        (culprits: elements whose right edge passes the viewport, widest cause first).

    Returns
    -------
    Problem or None
        Kind ``"overflow"`` when ``scrollWidth > clientWidth + 1``, naming the
        element that sticks out furthest; None when the page fits.

    Examples
    --------
    >>> print(overflow_problem("book/04.html", 390, {"scrollWidth": 612, "clientWidth": 390,
    ...     "culprits": [{"selector": "article p > code", "right": 612.4, "width": 540}]}))
    book/04.html: [overflow] at 390 px the page scrolls sideways (612 px of content in 390 px); \
sticks out: article p > code (540 px wide, right edge at 612 px)
    >>> overflow_problem("book/04.html", 390, {"scrollWidth": 391, "clientWidth": 390}) is None
    True
    """
    try:
        sw, cw = int(measured["scrollWidth"]), int(measured["clientWidth"])
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{page}: layout measurement at {width} px needs integer scrollWidth and "
                         f"clientWidth, got {measured!r}") from err
    if sw <= cw + 1:
        return None
    culprits = measured.get("culprits") or []
    where = "; ".join(f"{c['selector']} ({round(c['width'])} px wide, right edge at {round(c['right'])} px)"
                      for c in culprits[:2]) or "no single element found (check margins/transforms)"
    return Problem(page, "overflow",
                   f"at {width} px the page scrolls sideways ({sw} px of content in {cw} px); sticks out: {where}")


def widget_fit_problem(page: str, width: int, measured: list[dict]) -> Problem | None:
    """A problem when a control of an embedded widget does not fit its widget's box.

    The page may fit its viewport while a slider runs past the right edge of
    its widget, which then scrolls sideways inside the page (or cuts the
    control off).

    Parameters
    ----------
    page : str
    width : int
        Viewport width, px.
    measured : list of dict
        ``[{"selector": str, "overhang": float}, ...]`` as the browser
        measured it: elements inside a ``.widget-subarea`` that pass its right
        edge, or boxes whose content is wider than they are, by ``overhang`` px.

    Returns
    -------
    Problem or None
        Kind ``"widget-overflow"`` naming the element that overhangs most.

    Examples
    --------
    >>> print(widget_fit_problem("book/05.html", 390, [{"selector": "div.widget-slider", "overhang": 24.6}]))
    book/05.html: [widget-overflow] at 390 px 1 widget control(s) do not fit their widget: div.widget-slider \
(24.6 px past its edge)
    >>> widget_fit_problem("book/05.html", 390, []) is None
    True
    """
    if not isinstance(measured, list) or not all(isinstance(m, dict) and "selector" in m and "overhang" in m
                                                  for m in measured):
        raise ValueError(f"{page}: widget measurement at {width} px needs a list of {{selector, overhang}}, "
                         f"got {measured!r}")
    if not measured:
        return None
    worst = max(measured, key=lambda m: float(m["overhang"]))
    detail = (f"at {width} px {len(measured)} widget control(s) do not fit their widget: {worst['selector']} "
              f"({float(worst['overhang']):.1f} px past its edge)")
    return Problem(page, "widget-overflow", detail)


def weight_problems(weights: dict[str, int], budget: int = CHAPTER_BYTES_BUDGET) -> list[Problem]:
    """Fail the heaviest chapter page when it transfers more than ``budget`` bytes.

    Parameters
    ----------
    weights : dict of str to int
        Bytes transferred by each page (all pages; only chapters are budgeted).
    budget : int
        Limit for the heaviest chapter page, default :data:`CHAPTER_BYTES_BUDGET`.

    Returns
    -------
    list of Problem
        Kind ``"weight"``, one per chapter page above the budget (empty when all fit).

    Examples
    --------
    >>> [str(p) for p in weight_problems({"book/05_x.html": 3_500_000, "book/glossary.html": 9_000_000})]
    ['book/05_x.html: [weight] transfers 3.50 MB, over the 1.50 MB budget for a chapter page']
    """
    if not isinstance(budget, int) or budget <= 0:
        raise ValueError(f"budget must be a positive number of bytes, got {budget!r}")
    bad = [k for k, v in weights.items() if not isinstance(v, int) or v < 0]
    if bad:
        raise ValueError(f"page weights must be non-negative byte counts; bad values for {bad}")
    return [Problem(page, "weight", f"transfers {n / 1e6:.2f} MB, over the {budget / 1e6:.2f} MB "
                                    "budget for a chapter page")
            for page, n in sorted(weights.items()) if is_chapter(page) and n > budget]


def format_weights(weights: dict[str, int], decoded: dict[str, int] | None = None) -> list[str]:
    """One line per page: bytes transferred (and decompressed), heaviest first, chapters marked.

    Examples
    --------
    >>> format_weights({"book/intro.html": 512_000, "book/05_x.html": 2_750_000},
    ...                {"book/05_x.html": 7_100_000})
    ['   2.75 MB  (7.10 MB decompressed)  book/05_x.html (chapter)', '   0.51 MB  book/intro.html']
    """
    decoded = decoded or {}
    return [f"  {n / 1e6:5.2f} MB  " + (f"({decoded[page] / 1e6:.2f} MB decompressed)  " if page in decoded else "")
            + page + (" (chapter)" if is_chapter(page) else "")
            for page, n in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))]


def _is_redirect(html: str) -> bool:
    """True for a page that only redirects (Jupyter Book's root index.html)."""
    return bool(re.search(r'<meta[^>]+http-equiv=["\']?refresh', html, re.I)) and "<body" not in html.lower()


def _site_root(site_dir: str | Path) -> Path:
    root = Path(site_dir)
    if not root.is_dir():
        raise ValueError(
            f"site folder {str(site_dir)!r} does not exist or is not a folder; "
            "build the site with `make book` and pass its folder (e.g. _build/html)")
    return root.resolve()


# ---------------------------------------------------------------- browser part

#: File types a static host (GitHub Pages, Netlify, nginx's defaults) sends gzip-compressed.
GZIP_SUFFIXES = (".html", ".js", ".css", ".svg", ".json", ".txt", ".map", ".xml", ".ttf", ".eot")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files like a static host: text types gzip-compressed when the browser accepts it."""

    gzip_cache: dict[tuple[str, int, int], bytes] = {}

    def log_message(self, format, *args):  # the stdlib's signature
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and os.path.isfile(path) and path.endswith(GZIP_SUFFIXES)):
            return super().send_head()
        st = os.stat(path)
        key = (path, st.st_mtime_ns, st.st_size)  # a rewritten file is compressed afresh
        if key not in self.gzip_cache:
            with open(path, "rb") as f:
                self.gzip_cache[key] = gzip.compress(f.read(), compresslevel=6, mtime=0)
        data = self.gzip_cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)


def serve(site_dir: str | Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve a folder on 127.0.0.1 at a free port, in a daemon thread.

    Returns the server (call ``shutdown()`` when done) and its base URL.
    Like a static host (GitHub Pages), it sends text files (HTML, JS, CSS,
    SVG, JSON; :data:`GZIP_SUFFIXES`) gzip-compressed to a browser that
    accepts it, so transferred bytes are what a reader downloads.

    Examples
    --------
    >>> import tempfile, urllib.request
    >>> server, url = serve(tempfile.mkdtemp())
    >>> url.startswith("http://127.0.0.1:")
    True
    >>> server.shutdown(); server.server_close()
    """
    root = _site_root(site_dir)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


_FIGURES_JS = """() => {
  const main = document.querySelector('article') || document.querySelector('main') || document.body;
  const imgs = Array.from(main.querySelectorAll('img'));
  return {
    rendered: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
    broken: imgs.filter(i => i.complete && i.naturalWidth === 0).map(i => i.getAttribute('src')),
  };
}"""
#: Load every lazy image of the page now, and wait until each has loaded or failed.
_LOAD_LAZY_JS = """async () => {
  const imgs = Array.from(document.querySelectorAll('img[loading="lazy"]'));
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r, {once: true}); i.addEventListener('error', r, {once: true});
    setTimeout(r, 15000); })));
}"""
_WIDGETS_JS = """() => {
  const views = Array.from(document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]'));
  const shown = views.filter(v => Array.from(v.parentElement.querySelectorAll('.widget-subarea'))
      .some(w => { const r = w.getBoundingClientRect(); return r.width > 0 && r.height > 0; }));
  return {views: views.length, rendered: shown.length};
}"""
#: Controls of embedded widgets that pass their widget's right edge, or boxes inside a widget whose content
#: is wider than they are (they scroll sideways or cut a control off).
_WIDGET_FIT_JS = """() => {
  const name = el => { let n = el.tagName.toLowerCase();
    const c = Array.from(el.classList).slice(0, 2); return n + (c.length ? '.' + c.join('.') : ''); };
  const out = [];
  for (const area of document.querySelectorAll('.widget-subarea')) {
    const edge = area.getBoundingClientRect().right;
    for (const el of area.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const past = r.right - edge, inside = el.scrollWidth - el.clientWidth;
      const boxed = getComputedStyle(el).overflowX !== 'visible' && el.clientWidth > 0 ? inside : 0;
      const over = Math.max(past, boxed);
      if (over > 1) out.push({selector: name(el), overhang: over});
    }
  }
  return out;
}"""
#: Math that MathJax has not typeset: a .math element without an mjx-container.
_RAW_MATH_JS = """() => Array.from(document.querySelectorAll('span.math, div.math'))
  .filter(m => !m.querySelector('mjx-container')).length"""


#: How wide the document is, and which elements stick out past the viewport's
#: right edge: the innermost ones (no sticking-out child), furthest first, each
#: unless an ancestor with its own horizontal scroll or clipping contains it.
_OVERFLOW_JS = """() => {
  window.scrollTo(0, 0);
  const doc = document.documentElement, cw = doc.clientWidth;
  // a fixed element (an off-canvas drawer) never widens the document; nor does what a scrolling box holds
  const clips = el => { if (getComputedStyle(el).position === 'fixed') return true;
    for (let a = el.parentElement; a && a !== document.body && a !== doc; a = a.parentElement) {
      const st = getComputedStyle(a);
      if (st.position === 'fixed') return true;
      if (st.overflowX !== 'visible' && a.getBoundingClientRect().right <= cw + 1) return true; }
    return false; };
  const name = el => { let n = el.tagName.toLowerCase();
    if (el.id) return n + '#' + el.id;
    const c = Array.from(el.classList).slice(0, 2); return n + (c.length ? '.' + c.join('.') : ''); };
  const path = el => { const parts = [];
    for (let a = el; a && a !== document.body && parts.length < 4; a = a.parentElement) {
      parts.unshift(name(a)); if (a.id) break; }
    return parts.join(' > '); };
  // an element that sticks out, or one whose own text runs past its box (a long word in a heading)
  const spills = el => getComputedStyle(el).overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1
    && el.getBoundingClientRect().left + el.scrollWidth > cw + 1;
  const out = Array.from(document.body.querySelectorAll('*')).filter(el => {
    const r = el.getBoundingClientRect(); return r.width > 0 && (r.right > cw + 1 || spills(el)); })
    .filter(el => !clips(el));
  const inner = out.filter(el => !out.some(o => o !== el && el.contains(o)));
  inner.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
  return {scrollWidth: doc.scrollWidth, clientWidth: cw,
          culprits: inner.slice(0, 3).map(el => { const r = el.getBoundingClientRect();
            const text = (el.textContent || '').trim().slice(0, 40);
            const w = Math.max(r.width, el.scrollWidth || 0);
            return {selector: path(el) + (text ? ' "' + text + '"' : ''), right: r.left + w, width: w}; })};
}"""
#: Bytes the page's responses hold once decompressed (the document and every resource).
_DECODED_JS = """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
  .reduce((n, e) => n + (e.decodedBodySize || 0), 0)"""
#: Run the injected axe-core on the whole document (WCAG 2.x A/AA and best-practice rules).
_AXE_RUN_JS = """async () => {
  // preload: false, or axe fetches each stylesheet's @import relative to the page (wrong URL, a 404)
  const r = await axe.run(document, {resultTypes: ['violations'], preload: false});
  return {violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map(n => ({target: n.target, impact: n.impact}))}))};
}"""


def find_axe(site_dir: str | Path) -> Path | None:
    """Where axe-core's ``axe.min.js`` is: in the built site, else in book/ (``make site-assets``).

    Examples
    --------
    >>> import tempfile
    >>> find_axe(tempfile.mkdtemp()) is None or find_axe(tempfile.mkdtemp()).name == "axe.min.js"
    True
    """
    for base in (Path(site_dir), Path(__file__).resolve().parents[1] / "book"):
        path = base / AXE_JS
        if path.is_file():
            return path
    return None


@dataclass
class BrowserReport:
    """What the browser checks found (see :func:`browser_report`)."""

    problems: list[Problem]
    weights: dict[str, int]
    decoded: dict[str, int]
    axe_excused: list[tuple[Problem, str]]
    axe_advisory: list[Problem]
    explorers: dict[str, list[str]] = field(default_factory=dict)
    ticks: dict[str, list[str]] = field(default_factory=dict)


def chromium_path() -> str:
    """The Chromium executable to drive: ``$MLCRYSTAL_CHROMIUM`` if set, else Debian's.

    Read on every call, so a test or a CI step can set the variable at any time.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {CHROMIUM_ENV: "/usr/bin/google-chrome"}):
    ...     chromium_path()
    '/usr/bin/google-chrome'
    >>> with mock.patch.dict(os.environ, {CHROMIUM_ENV: ""}):  # empty: the default
    ...     chromium_path()
    '/usr/bin/chromium'
    """
    return os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM


def browser_problems(site_dir: str | Path, screenshots: str | Path,
                     chromium: str | None = None, timeout_ms: int = 30_000,
                     axe: bool = True) -> list[Problem]:
    """Open every page in headless Chromium and report what a reader would hit.

    The problems of :func:`browser_report` (which also measures weights and
    keeps the excused and advisory axe findings).

    Examples
    --------
    >>> problems = browser_problems("_build/html", "_build/screenshots")  # doctest: +SKIP
    >>> [str(p) for p in problems]  # doctest: +SKIP
    []
    """
    return browser_report(site_dir, screenshots, chromium, timeout_ms, axe).problems


def browser_report(site_dir: str | Path, screenshots: str | Path,
                   chromium: str | None = None, timeout_ms: int = 30_000,
                   axe: bool = True) -> BrowserReport:
    """Open every page in headless Chromium at 1280, 390 and 360 px and check it.

    :data:`BROWSER_WORKERS` browsers share the loads: every page at 1280 px
    with every check (axe, weights, figures, explorers) first, then at the
    phone widths, then the explorers at the other widths and the search box.
    The findings are reported in that order, whichever browser found them.

    Parameters
    ----------
    site_dir : str or Path
        The built site.
    screenshots : str or Path
        Folder for one PNG per page (created; existing files are replaced).
    chromium : str, optional
        Path of the Chromium executable; by default :func:`chromium_path`
        (``$MLCRYSTAL_CHROMIUM``, else Debian's package).
    timeout_ms : int
        Per-page time limit for loading and for widgets to appear.
    axe : bool
        Run axe-core on each page (its absence is then a problem of kind
        ``"axe"``: run ``make site-assets``).

    Returns
    -------
    BrowserReport
        ``problems`` (failing), ``weights`` (bytes each page transferred at
        1280 px, gzip-compressed as a static host sends them), ``decoded``
        (the same responses once decompressed), the axe findings excused by :data:`THEME_AXE_EXCEPTIONS` and
        the advisory (minor/moderate) ones. A chapter page heavier than
        :data:`CHAPTER_BYTES_BUDGET` is among the problems.

    Raises
    ------
    FileNotFoundError
        If ``chromium`` does not exist (the caller decides whether to skip).
    ValueError
        If ``timeout_ms`` is not a positive number of milliseconds.

    Examples
    --------
    >>> report = browser_report("_build/html", "_build/screenshots")  # doctest: +SKIP
    >>> max(report.weights.values()) < CHAPTER_BYTES_BUDGET  # doctest: +SKIP
    True
    """
    if not isinstance(timeout_ms, int) or timeout_ms <= 0:
        raise ValueError(f"timeout_ms must be a positive integer (milliseconds), got {timeout_ms!r}")
    if chromium is None:
        chromium = chromium_path()
    if not Path(chromium).is_file():
        raise FileNotFoundError(f"Chromium not found at {chromium}")
    root = _site_root(site_dir)
    shots = Path(screenshots)
    shots.mkdir(parents=True, exist_ok=True)
    axe_js = find_axe(root) if axe else None
    server, base = serve(root)
    host = urlsplit(base).netloc
    report = BrowserReport([], {}, {}, [], [])
    if axe and axe_js is None:
        report.problems.append(Problem("(site)", "axe", f"axe-core not found at {AXE_JS} in the site or in "
                                                        "book/: run `make site-assets`"))
    # Every (width, page) load is a task; BROWSER_WORKERS browsers, each with its own Playwright (one per
    # thread, as Playwright requires), take the next task until none is left: the pages at 1280 px (every
    # check, axe) first, as they take longest. Each task reports apart; the reports are joined in the order
    # of a single browser's run (widths, pages, explorers, search), so the output does not depend on timing.
    tasks = [("page", width, page_path) for width in VIEWPORT_WIDTHS for page_path in list_pages(root)]
    tasks += [("explorers", 0, ""), ("search", 0, "")]
    todo: queue.SimpleQueue = queue.SimpleQueue()  # taken in the order above
    for task in tasks:
        todo.put(task)
    parts: dict[tuple, BrowserReport] = {}
    try:
        with ThreadPoolExecutor(BROWSER_WORKERS) as pool:
            for done in [pool.submit(_browser_worker, chromium, base, host, root, shots, timeout_ms, axe_js,
                                     todo, parts) for _ in range(BROWSER_WORKERS)]:
                done.result()
    finally:
        server.shutdown()
        server.server_close()
    for task in tasks:
        part = parts[task]
        report.problems.extend(part.problems)
        report.weights.update(part.weights)
        report.decoded.update(part.decoded)
        report.axe_excused.extend(part.axe_excused)
        report.axe_advisory.extend(part.axe_advisory)
        report.explorers.update(part.explorers)
        report.ticks.update(part.ticks)
    report.problems.extend(weight_problems(report.weights))
    return report


#: Browsers that load pages side by side in :func:`browser_report` (each mostly waits on its page).
BROWSER_WORKERS = 2


def _browser_worker(chromium, base, host, root, shots, timeout_ms, axe_js, todo, parts) -> None:
    """One browser of :func:`browser_report`: takes tasks from ``todo`` (a :class:`queue.SimpleQueue`) until
    it is empty, writing each task's report into ``parts``."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        contexts = {}
        while True:
            try:
                task = todo.get_nowait()
            except queue.Empty:
                break
            kind, width, page_path = task
            part = BrowserReport([], {}, {}, [], [])
            if kind == "page":
                if width not in contexts:
                    contexts[width] = browser.new_context(
                        viewport={"width": width, "height": 900 if width > 600 else 844}, service_workers="block")
                desktop = width == max(VIEWPORT_WIDTHS)
                _check_one_page(contexts[width], base, host, root, page_path, shots, timeout_ms, PlaywrightError,
                                part, width, full=desktop, axe_js=axe_js if desktop else None)
            elif kind == "explorers":
                _explorer_widths(browser, base, root, timeout_ms, PlaywrightError, part)
            elif (root / "search.html").is_file():
                _check_search(browser, base, timeout_ms, PlaywrightError, part)
            parts[task] = part
        for context in contexts.values():
            context.close()
        browser.close()


#: Words a reader must find with the site's search box, each on the glossary page at least
#: (an English term, the Chinese terms readers of Chinese coverage use for Young's modulus).
SEARCH_TERMS = ("LASSO", "杨氏模量", "弹性模量")


def _check_search(browser, base, timeout_ms, PlaywrightError, report):
    """Search the site for each of :data:`SEARCH_TERMS`; each must list the glossary among its results."""
    from urllib.parse import quote

    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    for term in SEARCH_TERMS:
        page = context.new_page()
        try:
            page.goto(base + "search.html?q=" + quote(term), wait_until="load", timeout=timeout_ms)
            try:
                page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0 || "
                                       "/found no|did not match/i.test(document.querySelector('#search-results')"
                                       "?.textContent || '')", timeout=timeout_ms)
            except PlaywrightError:
                pass
            hits = page.evaluate("() => Array.from(document.querySelectorAll('#search-results li a'))"
                                 ".map(a => a.getAttribute('href') || '')")
            if not any("glossary" in h for h in hits):
                report.problems.append(Problem("search.html", "search", f"searching {term!r} does not find the "
                                               f"glossary ({len(hits)} result(s))"))
        except PlaywrightError as err:
            report.problems.append(Problem("search.html", "load", f"searching {term!r}: " + str(err).splitlines()[0]))
        finally:
            page.close()
    context.close()


def _explorer_widths(browser, base, root, timeout_ms, PlaywrightError, report):
    """Explorer pages at every width of :data:`EXPLORER_WIDTHS` (clipping), and without JavaScript.

    Without the site's script an explorer cannot act: its controls must then be
    disabled and its note, saying why, visible.
    """
    pages = [p for p in list_pages(root) if has_explorers((root / p).read_text(encoding="utf-8"))]
    for width in EXPLORER_WIDTHS:
        if width in VIEWPORT_WIDTHS or not pages:
            continue  # measured by the main pass
        context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
        for page_path in pages:
            page = context.new_page()
            try:
                page.goto(base + page_path, wait_until="load", timeout=timeout_ms)
                page.wait_for_function("() => Array.from(document.querySelectorAll('.mlc-explorer'))"
                                       ".every(b => b.getAttribute('data-mlc-ready') === 'true')", timeout=timeout_ms)
                clipped = clipping_problem(page_path, width, page.evaluate(_CLIPPED_JS, MIN_TRACK_PX))
                if clipped is not None:
                    report.problems.append(clipped)
            except PlaywrightError as err:
                report.problems.append(Problem(page_path, "load", f"at {width} px: " + str(err).splitlines()[0]))
            finally:
                page.close()
        context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    for page_path in pages:
        page = context.new_page()
        try:
            page.goto(base + page_path, wait_until="load", timeout=timeout_ms)
            for i, ex in enumerate(_static_explorers(page)):
                if ex["disabled"] < ex["controls"] or not ex["statusVisible"] or "need" not in ex["status"]:
                    report.problems.append(Problem(page_path, "explorer", (
                        f"without JavaScript explorer {i + 1} has {ex['controls'] - ex['disabled']} control(s) that "
                        f"look usable but cannot act, or no visible note saying why (note: {ex['status']!r})")))
        except PlaywrightError as err:
            report.problems.append(Problem(page_path, "load", "without JavaScript: " + str(err).splitlines()[0]))
        finally:
            page.close()
    context.close()


def _static_explorers(page) -> list[dict]:
    """The explorers of a page loaded without JavaScript (read through the DOM from Python)."""
    out = []
    for box in page.query_selector_all(".mlc-explorer"):
        controls = box.query_selector_all("select, input")
        status = box.query_selector(".mlc-explorer-status")
        out.append({"controls": len(controls), "disabled": sum(c.is_disabled() for c in controls),
                    "status": status.text_content() if status else "",
                    "statusVisible": bool(status and status.is_visible())})
    return out


def _check_one_page(context, base, host, root, page_path, shots, timeout_ms, PlaywrightError,
                    report, width, full=True, axe_js=None):
    """Load one page at one width; ``full`` runs every check, otherwise only the layout one."""
    def add(kind, detail):
        report.problems.append(Problem(page_path, kind, detail))

    page = context.new_page()
    finished = []

    def route(r):
        # routing every request also turns off the HTTP cache: each page's weight is its own
        if urlsplit(r.request.url).netloc == host or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            if full:
                add("external-request", f"blocked request to {r.request.url}")
            r.abort()

    page.route("**/*", route)
    page.on("requestfinished", lambda r: finished.append(r))
    if full:
        page.on("console", lambda m: m.type == "error" and add("console-error", m.text))
        page.on("pageerror", lambda e: add("page-error", str(e)))  # known ones filtered below
    page.on("requestfailed", lambda r: full and urlsplit(r.url).netloc == host and add(
        "failed-request", f"{r.url[len(base) - 1:]} ({r.failure})"))
    page.on("response", lambda r: full and r.status >= 400 and add(
        "failed-request", f"{r.url[len(base) - 1:]} -> HTTP {r.status}"))
    try:
        page.goto(base + page_path, wait_until="load", timeout=timeout_ms)
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
        html = (root / page_path).read_text(encoding="utf-8")
        if has_widgets(html):
            try:
                page.wait_for_function(
                    "() => document.querySelectorAll('.widget-subarea').length >= "
                    "document.querySelectorAll('script[type=\"application/vnd.jupyter.widget-view+json\"]').length",
                    timeout=timeout_ms)
            except PlaywrightError:
                pass  # reported below with the counts
            w = page.evaluate(_WIDGETS_JS)
            if full and w["rendered"] < w["views"]:
                add("widgets", f"{w['views'] - w['rendered']} of {w['views']} embedded widget view(s) "
                               "did not render visibly")
            fit = widget_fit_problem(page_path, width, page.evaluate(_WIDGET_FIT_JS))
            if fit is not None:
                report.problems.append(fit)
            if full and w["rendered"]:
                el = page.locator(".widget-subarea").first
                el.scroll_into_view_if_needed()
                el.screenshot(path=str(shots / screenshot_name(page_path).replace(".png", "--widget.png")))
                page.evaluate("() => window.scrollTo(0, 0)")
        if 'class="math' in html:
            try:
                page.wait_for_function(f"() => ({_RAW_MATH_JS})() === 0", timeout=timeout_ms)
            except PlaywrightError:
                if full:
                    add("math", f"{page.evaluate(_RAW_MATH_JS)} formula(s) not typeset by MathJax")
        if full and is_chapter(page_path):
            # figures load lazily (when the reader nears them): load them all before judging them
            page.evaluate(_LOAD_LAZY_JS)
            figs = page.evaluate(_FIGURES_JS)
            if figs["rendered"] == 0:
                add("figures", "no rendered figure (<img> with naturalWidth > 0) on a chapter page")
            for src in figs["broken"]:
                add("broken-image", f"img {src!r} did not render")
        if has_explorers(html) or has_widgets(html):
            if full and has_explorers(html):
                report.explorers[page_path] = _check_explorers(page, page_path, add, timeout_ms, PlaywrightError)
            clipped = clipping_problem(page_path, width, page.evaluate(_CLIPPED_JS, MIN_TRACK_PX))
            if clipped is not None:
                report.problems.append(clipped)
        if width == TICK_WIDTH and is_chapter(page_path):
            figs, notes = figure_problems(root, page_path, width, page.evaluate(_FIGURE_SIZES_JS))
            report.problems.extend(figs)
            report.ticks[page_path] = notes
        wide = overflow_problem(page_path, width, page.evaluate(_OVERFLOW_JS))
        if wide is not None:
            report.problems.append(wide)
        if full:
            total = 0
            for req in finished:
                try:
                    sizes = req.sizes()
                except PlaywrightError:
                    continue  # data: URLs and the like have no network sizes
                total += max(sizes.get("responseBodySize", 0), 0) + max(sizes.get("responseHeadersSize", 0), 0)
            report.weights[page_path] = total
            report.decoded[page_path] = int(page.evaluate(_DECODED_JS))
        if axe_js is not None:
            page.add_script_tag(content=Path(axe_js).read_text(encoding="utf-8"))
            outcome = axe_problems(page_path, page.evaluate(_AXE_RUN_JS))
            report.problems.extend(outcome.failing)
            report.axe_excused.extend(outcome.excused)
            report.axe_advisory.extend(outcome.advisory)
        name = screenshot_name(page_path)
        page.screenshot(path=str(shots / (name if full else name.replace(".png", f"--{width}px.png"))))
    except PlaywrightError as err:
        add("load", f"at {width} px: " + str(err).splitlines()[0])
    finally:
        page.close()



# ------------------------------------------------- explorers without a kernel

#: The explorers' static views (mlcrystal/webview.py), driven by book/_static/mlcrystal-explorers.js.
EXPLORER_MARK = 'class="mlc-explorer"'
#: Random settings per explorer at which the page's readout must agree with Python.
EXPLORER_SETTINGS = 20
#: Widths (CSS px) at which every label, track, number and readout of an explorer must be visible.
EXPLORER_WIDTHS = (360, 390, 414, 600, 601, 768, 1024, 1280, 1440, 1920)
#: A slider narrower than this shows no usable track.
MIN_TRACK_PX = 80
#: A number as the readouts write it (sign, digits, decimals).
_NUMBER = r"([+-]?\d+(?:\.\d+)?)"


_SVG_WIDTH_RE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)(pt|px)?"', re.S)
_TICK_START_RE = re.compile(r'<g id="[xy]tick_\d+">')
_TICK_TEXT_RE = re.compile(r'<g id="text_\d+">.*?scale\(([\d.]+) -[\d.]+\)', re.S)


def svg_tick_labels(svg: str) -> tuple[float, list[float]]:
    """A matplotlib SVG's width (pt) and the font size (pt) of each of its tick labels.

    matplotlib draws each tick label (``<g id="xtick_N">``, ``<g id="ytick_N">``)
    as glyph paths scaled by ``fontsize / 100``; the width is the ``<svg>``
    element's (in pt, 72 to the inch).

    Examples
    --------
    >>> svg = ('<svg width="432pt" height="288pt"><g id="xtick_1"><g id="line2d_1"></g>'
    ...        '<g id="text_1"><g transform="translate(5 9) scale(0.11 -0.11)"></g></g></g></svg>')
    >>> svg_tick_labels(svg)
    (432.0, [11.0])
    """
    m = _SVG_WIDTH_RE.search(svg[:4000])
    if m is None:
        raise ValueError("not an SVG with a width")
    width = float(m.group(1)) * (0.75 if m.group(2) == "px" else 1.0)
    starts = [t.start() for t in _TICK_START_RE.finditer(svg)] + [len(svg)]
    sizes = []
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        t = _TICK_TEXT_RE.search(svg, a, b)
        if t:
            sizes.append(round(float(t.group(1)) * 100, 3))
    return width, sizes


#: Every figure image of the article: its src, drawn width, natural width and whether it is tagged wide.
_FIGURE_SIZES_JS = """() => Array.from((document.querySelector('article') || document.body).querySelectorAll('img'))
  .filter(i => !(i.getAttribute('src') || '').startsWith('data:'))
  .map(i => ({src: i.getAttribute('src'), drawn: i.getBoundingClientRect().width, natural: i.naturalWidth,
              declared: Number(i.getAttribute('width')) || 0, wide: !!i.closest('.tag_wide-figure')}))"""


def figure_problems(root: Path, page: str, width: int, figures: list[dict]) -> tuple[list[Problem], list[str]]:
    """Tick labels smaller than :data:`TICK_MIN_PX` CSS px at this width, and matplotlib charts as PNG.

    A figure tagged ``wide-figure`` (with its reason) is exempt from the size
    limit: the reader opens it at full size.

    Returns
    -------
    (problems, notes)
        ``notes`` name each figure's smallest tick label, for the report.
    """
    problems, notes = [], []
    for f in figures:
        resolved = resolve_url(page, f["src"])
        path = _target_file(root, resolved[0]) if resolved else None
        if path is None:
            continue
        if path.suffix.lower() == ".png" and b"atplotlib" in path.read_bytes()[:400]:
            # a chart as PNG must be at least 2x (its pixels twice its declared CSS width): the
            # site's charts are SVG, or 2x PNG when their SVG would be too heavy
            declared = f.get("declared") or 0
            head = path.read_bytes()[:24]
            f = {**f, "natural": int.from_bytes(head[16:20], "big")}  # from the file: a lazy image may not be loaded
            if not declared or f["natural"] < 1.95 * declared:
                problems.append(Problem(page, "figure-format", f"{path.name} is a matplotlib chart as a PNG of "
                                        f"{f['natural']} px for {declared or '?'} CSS px: use SVG or a 2x PNG "
                                        "(mlcrystal_figure_formats in _config.yml)"))
                continue
            from mlcrystal.plotting import png_tick_px  # the kernel records it in the PNG (set_style)

            tick = png_tick_px(path.read_bytes())
            if tick is None or not f["drawn"]:
                notes.append(f"{path.name}: 2x PNG ({f['natural']} px for {declared} CSS px), no tick size recorded")
                continue
            _tick_labels(page, width, path.name, tick * f["drawn"] / f["natural"], f, problems, notes,
                         f"a 2x PNG: {tick:g} of its {f['natural']} px, drawn {f['drawn']:.0f} px wide")
            continue
        if path.suffix.lower() != ".svg":
            continue
        try:
            svg_width, sizes = svg_tick_labels(path.read_text(encoding="utf-8", errors="replace"))
        except ValueError:
            continue
        if not sizes or not f["drawn"]:
            continue
        _tick_labels(page, width, path.name, min(sizes) * f["drawn"] / svg_width, f, problems, notes,
                     f"font {min(sizes):g} pt in a {svg_width:g} pt wide figure drawn {f['drawn']:.0f} px wide")
    return problems, notes


def _tick_labels(page: str, width: int, name: str, px: float, figure: dict, problems: list, notes: list,
                 how: str) -> None:
    """Note a figure's smallest tick label (CSS px) and flag it below :data:`TICK_MIN_PX` unless tagged wide."""
    notes.append(f"{name}: {px:.1f} px")
    if px < TICK_MIN_PX - 1e-6 and not figure["wide"]:
        problems.append(Problem(page, "tick-labels", f"at {width} px the tick labels of {name} are drawn "
                                f"{px:.1f} CSS px high ({how}); at least {TICK_MIN_PX:g} px needed"))


def has_explorers(html: str) -> bool:
    """True when a page holds an explorer's static view.

    Examples
    --------
    >>> has_explorers('<div class="mlc-explorer" data-mlc-explorer="landscape"></div>'), has_explorers("<p>")
    (True, False)
    """
    return EXPLORER_MARK in html


def shown_agrees(shown: str, value: float, min_sig: int = 3) -> bool:
    """True when the text ``shown`` is ``value`` correctly rounded, to at least ``min_sig`` significant figures.

    A number printed with ``d`` decimals agrees when it is within half a unit of
    its last digit of ``value`` (plus 1e-9 relative, for the float rounding of
    the two computations); ``min_sig=0`` skips the significant-figure count
    (unit-vector components shown to 3 decimals).

    Examples
    --------
    >>> shown_agrees("9.72", 9.7163), shown_agrees("9.71", 9.7163), shown_agrees("0.05", 0.0523)
    (True, False, False)
    >>> shown_agrees("0.0523", 0.05234), shown_agrees("-0.000", -1e-17, min_sig=0), shown_agrees("37", 37.2)
    (True, True, False)
    """
    m = re.fullmatch(r"[+-]?(\d+)(?:\.(\d+))?", shown.strip())
    if m is None:
        raise ValueError(f"{shown!r} is not a decimal number as the readouts write them")
    decimals = len(m.group(2) or "")
    digits = (m.group(1) + (m.group(2) or "")).lstrip("0")
    if value != 0 and len(digits) < min_sig:
        return False
    return abs(float(shown) - value) <= 0.5 * 10 ** -decimals * (1 + 1e-9) + 1e-12 * abs(value)


def anisotropy_expected(data: dict, values: dict) -> dict[str, float]:
    """What :func:`mlcrystal.crystal.explorer.anisotropy_readout` gives for a setting of the page's explorer.

    ``data`` is the explorer's JSON (each crystal's stiffness matrix), ``values``
    the controls as the page set them (``crystal``, ``theta``, ``phi``).
    """
    from mlcrystal.crystal.explorer import anisotropy_readout

    crystal = next(c for c in data["crystals"] if c["value"] == str(values["crystal"]))
    r = anisotropy_readout(crystal["C"], float(values["theta"]), float(values["phi"]))
    return {"n1": r["direction"][0], "n2": r["direction"][1], "n3": r["direction"][2], "E": r["E"],
            "E_min": r["E_min"], "E_max": r["E_max"], "ratio": r["E_max"] / r["E_min"]}


def anisotropy_shown(text: str) -> dict[str, str]:
    """The numbers of an anisotropy readout, as shown.

    Examples
    --------
    >>> anisotropy_shown("n = (+0.000, +0.866, +0.500): E = 2.46 GPa (softest 1.67, stiffest 30.15 GPa; "
    ...                  "Emax/Emin = 18.02)")["E_max"]
    '30.15'
    """
    m = re.search(rf"n = \({_NUMBER}, {_NUMBER}, {_NUMBER}\): E = {_NUMBER} GPa \(softest {_NUMBER}, "
                  rf"stiffest {_NUMBER} GPa; Emax/Emin = {_NUMBER}\)", " ".join(text.split()))
    if m is None:
        raise ValueError(f"not an anisotropy readout: {text!r}")
    return dict(zip(("n1", "n2", "n3", "E", "E_min", "E_max", "ratio"), m.groups(), strict=True))


_LANDS: dict[str, object] = {}


def landscape_from_spec(spec: dict):
    """Rebuild the :class:`~mlcrystal.force.landscape.BlockingForceLandscape` an explorer's JSON describes.

    Examples
    --------
    >>> from mlcrystal.force.landscape import BlockingForceLandscape
    >>> from mlcrystal.webview import landscape_spec
    >>> land = landscape_from_spec(landscape_spec(BlockingForceLandscape(thermal_length_um=250.0)))
    >>> land.thermal_length_um, land.force(3, 1000.0, 800.0, 200.0, 1000.0) == BlockingForceLandscape(
    ...     thermal_length_um=250.0).force(3, 1000.0, 800.0, 200.0, 1000.0)
    (250.0, True)
    """
    import json

    from mlcrystal.force.landscape import BlockingForceLandscape, PhotoResponse

    key = json.dumps(spec, sort_keys=True)
    if key not in _LANDS:
        sensor = spec["sensor_stiffness_N_m"]
        _LANDS[key] = BlockingForceLandscape(
            library=spec["library"], params=spec["params"],
            sensor_stiffness_N_m=float("inf") if sensor is None else sensor,
            penetration_depth_um=spec["penetration_depth_um"], thermal_length_um=spec["thermal_length_um"],
            measured_thermal=spec["measured_thermal"],
            responses={int(c): PhotoResponse(r["strain"], r["p_sat"], r["thermal"], r["source"])
                       for c, r in spec["responses"].items() if r["source"] == "invented"})
    return _LANDS[key]


def landscape_expected(data: dict, values: dict) -> dict[str, float]:
    """What :func:`mlcrystal.force.explorer.landscape_readout` gives for a setting of the page's explorer."""
    from mlcrystal.force.explorer import landscape_readout

    land = landscape_from_spec(data["land"])
    c = int(values["compound"])
    r = landscape_readout(land, c, *(float(values[k]) for k in ("L_um", "W_um", "T_um", "P_mW_cm2")))
    best = land.optimum()["force_mN"]  # type: ignore[attr-defined]
    out = {"E": land.moduli[c], "F": r["force_mN"], "percent": 100 * r["fraction"], "best": best}  # type: ignore
    if r["snapped"]:
        out["L"] = r["L_um"]
    return out


def landscape_shown(text: str) -> dict[str, str]:
    """The numbers of a landscape readout, as shown.

    Examples
    --------
    >>> landscape_shown("compound 5 (E = 1.25 GPa): F = 9.72 mN, 26 % of the landscape's best (37.0 mN); "
    ...                 "length raised to 625 um (L/T >= 2.5)")["L"]
    '625'
    """
    m = re.search(rf"compound (\d+) \(E = {_NUMBER} GPa\): F = {_NUMBER} mN, {_NUMBER} % of the landscape's "
                  rf"best \({_NUMBER} mN\)(?:; length raised to {_NUMBER} um)?", " ".join(text.split()))
    if m is None:
        raise ValueError(f"not a landscape readout: {text!r}")
    out = dict(zip(("compound", "E", "F", "percent", "best", "L"), m.groups(), strict=True))
    return {k: v for k, v in out.items() if v is not None}


#: Significant figures each readout number must show (0: a fixed number of decimals is the point).
_MIN_SIG = {"n1": 0, "n2": 0, "n3": 0, "percent": 0, "L": 0, "ratio": 3, "E": 3, "E_min": 3, "E_max": 3,
            "F": 3, "best": 3}


def readout_problems(kind: str, data: dict, values: dict, text: str) -> list[str]:
    """Compare one readout of the page with the package's Python functions.

    Parameters
    ----------
    kind : {"anisotropy", "landscape"}
    data : dict
        The explorer's JSON.
    values : dict
        The controls' values as the page set them.
    text : str
        The readout's text on the page.

    Returns
    -------
    list of str
        One line per number that disagrees (or that is missing or extra); empty when all agree.

    Examples
    --------
    >>> from mlcrystal.force.landscape import BlockingForceLandscape
    >>> from mlcrystal.webview import landscape_spec
    >>> data = {"land": landscape_spec(BlockingForceLandscape())}
    >>> v = {"compound": "3", "L_um": 1000, "W_um": 800, "T_um": 200, "P_mW_cm2": 1000}
    >>> shown = f"compound 3 (E = {data['land']['moduli']['3']:.3g} GPa): F = 1.00 mN, 3 % of the landscape's best"
    >>> [p.split(" (")[0] for p in readout_problems("landscape", data, v, shown + " (37.0 mN)")]
    ['F shown 1.00', 'percent shown 3']
    """
    expected = anisotropy_expected(data, values) if kind == "anisotropy" else landscape_expected(data, values)
    try:
        shown = anisotropy_shown(text) if kind == "anisotropy" else landscape_shown(text)
    except ValueError as err:
        return [str(err)]
    shown.pop("compound", None)
    problems = [f"{k} missing from the readout (Python: {v:.6g})" for k, v in expected.items() if k not in shown]
    problems += [f"{k} shown {s} but Python computes none" for k, s in shown.items() if k not in expected]
    for k in sorted(set(shown) & set(expected)):
        if not shown_agrees(shown[k], float(expected[k]), _MIN_SIG.get(k, 3)):
            problems.append(f"{k} shown {shown[k]} (Python: {float(expected[k]):.6g})")
    return problems


def explorer_settings(controls: list[dict], n: int, seed: int) -> list[dict]:
    """``n`` random settings of an explorer's controls (range values on their steps).

    Examples
    --------
    >>> s = explorer_settings([{"name": "T", "kind": "range", "min": 50, "max": 500, "step": 5},
    ...                        {"name": "c", "kind": "select", "options": [["a", "1"], ["b", "2"]]}], 3, 0)
    >>> len(s), all(50 <= x["T"] <= 500 and (x["T"] - 50) % 5 == 0 and x["c"] in ("1", "2") for x in s)
    (3, True)
    """
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        setting: dict[str, object] = {}
        for c in controls:
            if c["kind"] == "select":
                setting[c["name"]] = rng.choice(c["options"])[1]
            else:
                steps = int((float(c["max"]) - float(c["min"])) // float(c["step"]))
                setting[c["name"]] = float(c["min"]) + float(c["step"]) * rng.randint(0, steps)
        out.append(setting)
    return out


#: Set one explorer's controls (index i on the page) and return the values it took, the readout and a
#: fingerprint of the figure.
_EXPLORER_SET_JS = """([i, setting]) => {
  const box = document.querySelectorAll('.mlc-explorer')[i];
  for (const [name, value] of Object.entries(setting)) {
    const input = box.querySelector('[name="' + name + '"]');
    input.value = String(value);
    input.dispatchEvent(new Event('input', {bubbles: true}));
  }
  const values = {};
  box.querySelectorAll('select[name], input[name]').forEach(c => { values[c.name] = c.value; });
  const svg = box.querySelector('.mlc-explorer-plot svg');
  return {values, text: box.querySelector('.mlc-explorer-readout').textContent,
          figure: svg ? svg.innerHTML.length + ':' + Array.from(svg.querySelectorAll('polyline, circle'))
            .map(p => p.getAttribute('points') || (p.getAttribute('cx') + ',' + p.getAttribute('cy'))).join('|')
            .length + ':' + (svg.querySelector('circle[r="5.5"]') || {getAttribute: () => ''}).getAttribute('cx')
            + ',' + (svg.querySelector('circle[r="5.5"]') || {getAttribute: () => ''}).getAttribute('cy') : '',
          label: box.querySelector('.mlc-explorer-plot').getAttribute('aria-label')};
}"""
#: The explorers on the page: kind, JSON, whether the script enabled them, their status note.
_EXPLORERS_JS = """() => Array.from(document.querySelectorAll('.mlc-explorer')).map(b => ({
  kind: b.getAttribute('data-mlc-explorer'), ready: b.getAttribute('data-mlc-ready') === 'true',
  data: JSON.parse(b.querySelector('script.mlc-explorer-data').textContent),
  disabled: Array.from(b.querySelectorAll('select, input')).filter(c => c.disabled).length,
  controls: b.querySelectorAll('select, input').length,
  status: (b.querySelector('.mlc-explorer-status') || {}).textContent || '',
  statusVisible: (() => { const s = b.querySelector('.mlc-explorer-status');
    if (!s) return false; const r = s.getBoundingClientRect(); return r.width > 0 && r.height > 0; })()}))"""
#: Every label, control, number and readout of the explorers (and of embedded widgets) that is not fully
#: visible: zero-sized, cut by an ancestor that clips (overflow other than visible) vertically or
#: horizontally, or past the viewport; and sliders whose track is narrower than MIN_TRACK_PX.
_CLIPPED_JS = """(minTrack) => {
  const name = el => { let n = el.tagName.toLowerCase();
    const c = Array.from(el.classList).slice(0, 2); return n + (c.length ? '.' + c.join('.') : '')
      + (el.getAttribute('name') ? '[name=' + el.getAttribute('name') + ']' : ''); };
  const out = [], vw = document.documentElement.clientWidth;
  const items = document.querySelectorAll(
    '.mlc-explorer label, .mlc-explorer select, .mlc-explorer input, .mlc-explorer output, ' +
    '.mlc-explorer button:not([hidden]), ' +
    '.mlc-explorer-readout, .mlc-explorer-status, .mlc-explorer-plot svg, ' +
    '.widget-subarea .widget-label, .widget-subarea .widget-readout, .widget-subarea .slider-container, ' +
    '.widget-subarea .widget-html-content, .widget-subarea select');
  for (const el of items) {
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) { out.push({selector: name(el), why: 'has no size (hidden)'}); continue; }
    if (r.left < -1 || r.right > vw + 1) {
      out.push({selector: name(el), why: `runs past the viewport (${Math.round(r.left)}-${Math.round(r.right)} px)`});
      continue;
    }
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const st = getComputedStyle(a);
      if (st.overflowX === 'visible' && st.overflowY === 'visible') continue;
      const b = a.getBoundingClientRect();
      const cutY = st.overflowY !== 'visible' && (r.top < b.top - 1 || r.bottom > b.bottom + 1);
      const cutX = st.overflowX !== 'visible' && (r.left < b.left - 1 || r.right > b.right + 1);
      if (cutY || cutX) {
        out.push({selector: name(el), why: `cut ${cutY ? 'vertically' : 'horizontally'} by ${name(a)} (` +
          `${Math.round(r.top - b.top)} px from its top, ${Math.round(b.bottom - r.bottom)} px above its bottom)`});
        break;
      }
    }
    const isTrack = (el.tagName === 'INPUT' && el.type === 'range') || el.classList.contains('slider-container');
    if (isTrack && r.width < minTrack) out.push({selector: name(el), why: `track only ${Math.round(r.width)} px wide`});
  }
  return out;
}"""


def clipping_problem(page: str, width: int, measured: list[dict]) -> Problem | None:
    """A problem when an explorer's (or widget's) label, control, number or readout is not fully visible.

    Examples
    --------
    >>> print(clipping_problem("book/05.html", 768, [{"selector": "output", "why": "cut vertically by div.x"}]))
    book/05.html: [clipped] at 768 px 1 explorer element(s) not fully visible: output cut vertically by div.x
    >>> clipping_problem("book/05.html", 768, []) is None
    True
    """
    if not measured:
        return None
    shown = "; ".join(f"{m['selector']} {m['why']}" for m in measured[:3])
    return Problem(page, "clipped", f"at {width} px {len(measured)} explorer element(s) not fully visible: {shown}"
                   + ("; ..." if len(measured) > 3 else ""))


#: Play one experiment of the game (explorer i): set the controls, press "run the experiment" (the first
#: through the keyboard), return the controls' values, the newest log line and the game's state.
_GAME_STEP_JS = """([i, setting, member]) => {
  const box = document.querySelectorAll('.mlc-explorer')[i];
  if (member) box.mlcStart(member);
  for (const [name, value] of Object.entries(setting)) {
    const input = box.querySelector('[name="' + name + '"]');
    input.value = String(value);
    input.dispatchEvent(new Event('input', {bubbles: true}));
  }
  const values = {};
  box.querySelectorAll('select[name], input[name]').forEach(c => { values[c.name] = c.value; });
  return values;
}"""
_GAME_READ_JS = """(i) => {
  const box = document.querySelectorAll('.mlc-explorer')[i];
  const items = box.querySelectorAll('.mlc-log li');
  return {last: items.length ? items[items.length - 1].textContent : '', count: items.length,
          run: box.querySelector('button[name="run"]').disabled,
          rows: box.querySelectorAll('.mlc-results tbody tr').length,
          summary: (box.querySelector('.mlc-results-box') || {}).textContent || '',
          member: box.getAttribute('data-mlc-member')};
}"""


def _check_game(page, i, ex, add, n_check=None):
    """Play the chapter 7 game through: every force shown must agree with Python; the end shows the comparison."""
    game = ex["data"]["game"]
    member = game["members"][0]
    land = landscape_from_spec(member["land"])
    controls = [c for c in ex["data"]["controls"] if c["kind"] != "button"]
    settings = explorer_settings(controls, game["budget"], seed=1000 * i + 61)
    bad = []
    for k, setting in enumerate(settings):
        values = page.evaluate(_GAME_STEP_JS, [i, setting, member["name"] if k == 0 else None])
        if k == 0:  # the first experiment through the keyboard
            page.locator(".mlc-explorer").nth(i).locator('button[name="run"]').focus()
            page.keyboard.press("Enter")
        else:
            page.locator(".mlc-explorer").nth(i).locator('button[name="run"]').click()
        got = page.evaluate(_GAME_READ_JS, i)
        m = re.search(rf"F = {_NUMBER} mN", got["last"])
        c = int(values["compound"])
        L, T = land.snap(float(values["L_um"]), float(values["T_um"]))  # type: ignore[attr-defined]
        W, P = float(values["W_um"]), float(values["P_mW_cm2"])
        expected = land.force(c, L, W, T, P)  # type: ignore[attr-defined]
        if m is None or not shown_agrees(m.group(1), expected):
            bad.append(f"experiment {k + 1} {values}: shown {got['last']!r}, Python {expected:.6g} mN")
    end = page.evaluate(_GAME_READ_JS, i)
    if bad:
        add("explorer", f"game: {len(bad)} of {len(settings)} forces disagree with Python: " + "; ".join(bad[:2]))
    if not end["run"] or end["rows"] != 1 + len(member["curves"]) or "efficiency ratio" not in end["summary"]:
        state = "disabled" if end["run"] else "enabled"
        add("explorer", f"game: after {len(settings)} experiments the button is {state} and the comparison shows "
                        f"{end['rows']} campaign row(s) (expected {1 + len(member['curves'])})")
    return f"experimenter: {len(settings)} experiments played on {member['name']} (the first by keyboard), " \
           f"{len(bad)} disagreement(s); comparison with {end['rows']} rows"


def _check_explorers(page, page_path, add, timeout_ms, PlaywrightError, n_settings=EXPLORER_SETTINGS):
    """Drive every explorer of a loaded page through random settings; compare with Python."""
    try:
        page.wait_for_function("() => Array.from(document.querySelectorAll('.mlc-explorer'))"
                               ".every(b => b.getAttribute('data-mlc-ready') === 'true')", timeout=timeout_ms)
    except PlaywrightError:
        pass  # reported below
    summary = []
    for i, ex in enumerate(page.evaluate(_EXPLORERS_JS)):
        if ex["kind"] == "experimenter":
            if not ex["ready"]:
                add("explorer", f"explorer {i + 1} (experimenter) did not start")
            else:
                summary.append(_check_game(page, i, ex, add))
            continue
        if not ex["ready"] or ex["disabled"]:
            add("explorer", f"explorer {i + 1} ({ex['kind']}) did not start: {ex['disabled']} of {ex['controls']} "
                            "controls still disabled")
            continue
        bad, figures, labels = [], set(), set()
        for k, setting in enumerate(explorer_settings(ex["data"]["controls"], n_settings, seed=1000 * i + 23)):
            got = page.evaluate(_EXPLORER_SET_JS, [i, setting])
            figures.add(got["figure"])
            labels.add(got["label"])
            for p in readout_problems(ex["kind"], ex["data"], got["values"], got["text"]):
                bad.append(f"setting {k + 1} {got['values']}: {p}")
        if bad:
            add("explorer", f"explorer {i + 1} ({ex['kind']}): {len(bad)} readout number(s) disagree with Python: "
                            + "; ".join(bad[:3]))
        if len(figures) < n_settings // 2 or len(labels) < n_settings // 2:
            add("explorer", f"explorer {i + 1} ({ex['kind']}): the figure or its description did not follow the "
                            f"controls ({len(figures)} distinct figures, {len(labels)} descriptions in {n_settings} "
                            "settings)")
        summary.append(f"{ex['kind']}: {n_settings} random settings, {len(bad)} disagreement(s)")
    return summary


# ------------------------------------------------- Lighthouse (reported, never failing)

#: Lighthouse as ``make lighthouse`` installs it (``npm ci`` from tools/lighthouse/package-lock.json).
LIGHTHOUSE_BIN = "_build/lighthouse/node_modules/.bin/lighthouse"
#: Environment variable naming another Lighthouse executable.
LIGHTHOUSE_ENV = "MLCRYSTAL_LIGHTHOUSE"
#: The goals of the issue, for the report (an idle 2-core machine): score, LCP seconds, CLS.
LIGHTHOUSE_GOALS = (90, 2.5, 0.1)


def lighthouse_path() -> Path | None:
    """Lighthouse's executable: ``$MLCRYSTAL_LIGHTHOUSE``, else the repository's ``make lighthouse`` copy.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {LIGHTHOUSE_ENV: "/no/such/lighthouse"}):
    ...     lighthouse_path() is None
    True
    """
    named = os.environ.get(LIGHTHOUSE_ENV)
    path = Path(named) if named else Path(__file__).resolve().parents[1] / LIGHTHOUSE_BIN
    return path if path.is_file() else None


def lighthouse_summary(result: dict) -> dict[str, float]:
    """Performance score (0-100), largest contentful paint (s), layout shift and blocking time (ms) of a run.

    Examples
    --------
    >>> lighthouse_summary({"categories": {"performance": {"score": 0.93}}, "audits": {
    ...     "largest-contentful-paint": {"numericValue": 2104.2}, "cumulative-layout-shift": {"numericValue": 0.013},
    ...     "total-blocking-time": {"numericValue": 120.0}}})
    {'score': 93.0, 'lcp_s': 2.104, 'cls': 0.013, 'tbt_ms': 120.0}
    """
    try:
        audits = result["audits"]
        score = result["categories"]["performance"]["score"]
        return {"score": round(100 * float(score), 1) if score is not None else float("nan"),
                "lcp_s": round(float(audits["largest-contentful-paint"]["numericValue"]) / 1000, 3),
                "cls": round(float(audits["cumulative-layout-shift"]["numericValue"]), 3),
                "tbt_ms": round(float(audits["total-blocking-time"]["numericValue"]), 0)}
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"not a Lighthouse result with a performance category: {err!r}") from err


#: Lighthouse runs at once: each mostly waits (for the page to go quiet), using about half a core,
#: so three keep two cores busy without crowding them.
LIGHTHOUSE_WORKERS = 3
#: Runs Lighthouse on several pages with one Chromium (node tools/lighthouse/run.mjs MODULES OUT NAME=URL...).
LIGHTHOUSE_RUNNER = Path(__file__).resolve().parent / "lighthouse" / "run.mjs"


def _lighthouse_line(page: str, result: dict) -> str:
    r = lighthouse_summary(result)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    goal = LIGHTHOUSE_GOALS
    met = r["score"] >= goal[0] and r["lcp_s"] <= goal[1] and r["cls"] <= goal[2]
    return (f"{page}: performance {r['score']:.0f}, LCP {r['lcp_s']:.2f} s, CLS {r['cls']:.3f}, "
            f"TBT {r['tbt_ms']:.0f} ms (load average {load:.2f}){'' if met else '  [below goal]'}")


def lighthouse_report(site_dir: str | Path, pages: list[str], chromium: str | None = None,
                      timeout_s: int = 180, workers: int = LIGHTHOUSE_WORKERS) -> list[str]:
    """Run Lighthouse (mobile: an emulated mid-range phone on a throttled 4G network) on every page.

    Scores depend on the machine's load, so they are printed, never failing:
    the check enforces the deterministic causes instead (:func:`performance_problems`,
    the weight budget). Each line gives the page's score, largest contentful
    paint, layout shift and total blocking time, and the load average when the
    page's report was read. The pages are shared among ``workers`` runs side by side,
    each with its own Chromium started once (:data:`LIGHTHOUSE_RUNNER`, the settings of
    Lighthouse's command line ``--only-categories=performance --form-factor=mobile``);
    the full-page screenshot, which no metric uses, is not taken. With another
    Lighthouse (``$MLCRYSTAL_LIGHTHOUSE``) each page is one command-line run.

    Returns
    -------
    list of str
        Lines for the report, in the order of ``pages`` (a note instead when Lighthouse or
        Chromium is missing).
    """
    import json
    import shutil
    import subprocess
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    lh = lighthouse_path()
    if lh is None:
        return [f"Lighthouse SKIPPED: not installed (run `make lighthouse`, or set ${LIGHTHOUSE_ENV})"]
    chromium = chromium or chromium_path()
    if not Path(chromium).is_file():
        return [f"Lighthouse SKIPPED: no Chromium at {chromium}"]
    modules = lh.resolve().parents[2] if lh.parent.name == ".bin" else lh.parent
    node = shutil.which("node")
    batch = node is not None and (modules / "lighthouse" / "core" / "index.js").is_file()
    env = {**os.environ, "CHROME_PATH": chromium}
    root = _site_root(site_dir)
    server, base = serve(root)

    def batch_run(chunk: list[int], tmp: str) -> None:
        cmd = [str(node), str(LIGHTHOUSE_RUNNER), str(modules), tmp, *(f"{i}={base}{pages[i]}" for i in chunk)]
        try:
            subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s * len(chunk), env=env)
        except subprocess.TimeoutExpired:
            pass  # the pages without a report are listed as failed

    def cli_run(i: int, tmp: str) -> None:
        cmd = [str(lh), base + pages[i], "--only-categories=performance", "--form-factor=mobile",
               "--output=json", f"--output-path={Path(tmp) / f'{i}.json'}", "--quiet",
               "--disable-full-page-screenshot", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, env=env)
            if done.returncode != 0:
                (Path(tmp) / f"{i}.err").write_text((done.stderr or "").strip()[-300:], encoding="utf-8")
        except subprocess.TimeoutExpired as err:
            (Path(tmp) / f"{i}.err").write_text(str(err), encoding="utf-8")

    def line(i: int, tmp: str) -> str:
        out, err = Path(tmp) / f"{i}.json", Path(tmp) / f"{i}.err"
        try:
            if out.is_file():
                return _lighthouse_line(pages[i], json.loads(out.read_text(encoding="utf-8")))
        except ValueError as error:
            return f"{pages[i]}: Lighthouse failed ({error})"
        why = err.read_text(encoding="utf-8").strip().splitlines()[-1:] if err.is_file() else ["no report"]
        return f"{pages[i]}: Lighthouse failed ({why})"

    n = max(1, int(workers))
    try:
        with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(n) as pool:
            if batch:
                list(pool.map(lambda chunk: batch_run(chunk, tmp), [list(range(len(pages)))[k::n] for k in range(n)]))
            else:
                list(pool.map(lambda i: cli_run(i, tmp), range(len(pages))))
            return [line(i, tmp) for i in range(len(pages))]
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python tools/sitecheck.py SITE_DIR [--no-browser]``.

    Prints one line per problem and returns the exit code: 0 when the site
    passes (or only the browser is missing), 1 when problems were found, 2
    when the site folder is missing or empty.

    Examples
    --------
    >>> main(["no/such/folder"])
    2
    """
    ap = argparse.ArgumentParser(prog="python tools/sitecheck.py", description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("site_dir", help="the built site, e.g. _build/html")
    ap.add_argument("--screenshots", help="screenshot folder (default: SITE_DIR/../screenshots)")
    ap.add_argument("--chromium", default=None,
                    help=f"Chromium executable (default ${CHROMIUM_ENV}, else {DEFAULT_CHROMIUM})")
    ap.add_argument("--no-browser", action="store_true", help="run only the static checks")
    ap.add_argument("--no-axe", action="store_true", help="skip the axe-core accessibility audit")
    ap.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse run (reported, never failing)")
    args = ap.parse_args(argv)
    try:
        root = _site_root(args.site_dir)
        pages = list_pages(root)
        problems = static_problems(root)
    except ValueError as err:
        print(f"site-check: {err}", file=sys.stderr)
        return 2
    print(f"site-check: {len(pages)} pages in {args.site_dir}; static checks: {len(problems)} problem(s)")
    if not args.no_browser:
        shots = Path(args.screenshots) if args.screenshots else root.parent / "screenshots"
        try:
            report = browser_report(root, shots, chromium=args.chromium, axe=not args.no_axe)
            problems += report.problems
            print(f"site-check: opened {len(pages)} pages in Chromium at "
                  f"{' and '.join(f'{w} px' for w in VIEWPORT_WIDTHS)}; screenshots in {shots}")
            print(f"site-check: bytes transferred per page (budget for a chapter page: "
                  f"{CHAPTER_BYTES_BUDGET / 1e6:.2f} MB)")
            print("\n".join(format_weights(report.weights, report.decoded)))
            for page_path, notes in report.ticks.items():
                svg_notes = [n for n in notes if n.endswith(" px")]
                if svg_notes:
                    smallest = min(svg_notes, key=lambda n: float(n.rsplit(": ", 1)[1].split()[0]))
                    print(f"site-check: tick labels at {TICK_WIDTH} px on {page_path}: {len(svg_notes)} "
                          f"figure(s) measured (SVG or 2x PNG), smallest {smallest}"
                          + "".join(f"; {n}" for n in notes if not n.endswith(" px")))
            for page_path, lines in report.explorers.items():
                for line in lines:
                    print(f"site-check: explorer on {page_path}: {line}")
            if not args.no_lighthouse:
                print(f"site-check: Lighthouse, mobile preset, on {len(pages)} pages (reported only; goals: "
                      f"performance "
                      f">= {LIGHTHOUSE_GOALS[0]}, LCP <= {LIGHTHOUSE_GOALS[1]} s, CLS <= {LIGHTHOUSE_GOALS[2]} "
                      "on an idle machine)")
                for line in lighthouse_report(root, pages, chromium=args.chromium):
                    print(f"site-check: lighthouse {line}")
            for p, reason in report.axe_excused:
                print(f"site-check: axe finding excused (theme-owned: {reason}): {p}")
            for p in report.axe_advisory:
                print(f"site-check: axe advisory (minor/moderate, not failing): {p}")
        except FileNotFoundError as err:
            print(f"site-check: SKIPPED the browser checks: {err}. Install it with "
                  "`apt-get install -y chromium` to run them.")
        except Exception as err:  # Playwright cannot start the browser here
            if "launch" not in str(err).lower() and "executable" not in str(err).lower():
                raise
            print(f"site-check: SKIPPED the browser checks: Chromium could not start "
                  f"({str(err).splitlines()[0]})")
    per_page = {page: sum(p.page == page for p in problems) for page in pages}
    for page, n in per_page.items():
        print(f"  {'ok  ' if n == 0 else 'FAIL'} {page}" + (f" ({n} problem(s))" if n else ""))
    for p in problems:
        print(f"  {p}")
    print(f"site-check: {'FAILED, ' + str(len(problems)) + ' problem(s)' if problems else 'OK'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
