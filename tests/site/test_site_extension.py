"""Tests for book/_ext/mlcrystal_site.py: which scripts a page keeps, and its description."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes
from sphinx.builders.html._assets import _JavaScript

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book" / "_ext"))
import mlcrystal_site as ext  # noqa: E402

MATHJAX = "npm/mathjax/es5/tex-mml-chtml.js"


def scripts(widgets: bool) -> list[_JavaScript]:
    """The scripts Sphinx and myst-nb give a page of this book."""
    page = [_JavaScript("_static/jquery.js"),
            _JavaScript("", body="window.MathJax = {\"options\": {}}"),
            _JavaScript("_static/" + MATHJAX, defer="defer"),
            _JavaScript("_static/npm/requirejs/require.js", defer="defer"),
            _JavaScript("_static/widgets-offline.js", defer="defer"),
            _JavaScript("_static/npm/html-manager/embed-amd.js", defer="defer")]
    if widgets:
        page.insert(3, _JavaScript(None, type=ext.WIDGET_STATE_MIME, body="{}"))
    return page


def names(js: list[_JavaScript]) -> list[str]:
    return [j.filename or j.attributes.get("type") or j.attributes["body"][:14] for j in js]


def test_a_page_without_widgets_or_maths_keeps_neither():
    kept, dropped = ext.select_scripts(scripts(False), has_math=False, mathjax_path=MATHJAX)
    assert names(kept) == ["_static/jquery.js"]
    assert len(dropped) == 5


def test_a_page_with_maths_keeps_mathjax_only():
    kept, _ = ext.select_scripts(scripts(False), has_math=True, mathjax_path=MATHJAX)
    assert names(kept) == ["_static/jquery.js", "window.MathJax", "_static/" + MATHJAX]


def test_a_widget_page_keeps_the_renderer_and_mathjax_for_its_labels():
    kept, dropped = ext.select_scripts(scripts(True), has_math=False, mathjax_path=MATHJAX)
    assert dropped == []
    assert names(kept)[-3:] == ["_static/npm/requirejs/require.js", "_static/widgets-offline.js",
                                "_static/npm/html-manager/embed-amd.js"]


def test_script_recognisers_do_not_take_look_alikes():
    assert not ext.is_widget_script("_static/my-require.js.map")
    assert ext.is_widget_script("_static/npm/requirejs/require.js?v=1")
    assert not ext.is_mathjax_script(_JavaScript("", body="var MathJaxLike = 1"), MATHJAX)
    assert not ext.is_mathjax_script("_static/other/tex-mml-chtml.js", MATHJAX)
    assert not ext.is_widget_state(_JavaScript("", type="text/javascript", body="{}"))


def test_with_defer_adds_defer_to_files_only():
    js = ext._with_defer(_JavaScript("_static/npm/requirejs/require.js", priority=400))
    assert js.attributes == {"defer": "defer"} and js.priority == 400
    inline = _JavaScript("", body="window.MathJax = {}")
    assert ext._with_defer(inline) is inline
    asynced = _JavaScript("_static/x.js", **{"async": "async"})
    assert ext._with_defer(asynced) is asynced


def doc(*children: nodes.Node) -> nodes.document:
    d = nodes.section("", nodes.title("", "4. Crystal anisotropy"), *children)
    return d


def test_description_is_the_first_paragraph_of_prose():
    d = doc(nodes.admonition("", nodes.paragraph("", "A note that is long enough to be taken, but it is a note.")),
            nodes.paragraph("", "Short."),
            nodes.paragraph("", "The Young's modulus of a   crystal\ndepends on the direction in which it is pressed."))
    assert ext.describe(d, "fallback") == (
        "The Young's modulus of a crystal depends on the direction in which it is pressed.")


def test_description_is_cut_at_a_word_with_an_ellipsis():
    long = "word " * 60
    text = ext.describe(doc(nodes.paragraph("", long)), "fallback", max_len=50)
    assert len(text) <= 50 and text.endswith("word…")


def test_description_falls_back_and_refuses_an_empty_fallback():
    assert ext.describe(doc(nodes.paragraph("", "Too short.")), "The book.") == "The book."
    with pytest.raises(ValueError, match="mlcrystal_site_description"):
        ext.describe(None, "  ")
    with pytest.raises(ValueError, match="at least 20"):
        ext.describe(None, "x", max_len=5)


def fake_app(has_equations: bool = False) -> SimpleNamespace:
    domain = SimpleNamespace(has_equations=lambda pagename: has_equations)
    return SimpleNamespace(config=SimpleNamespace(mathjax_path=MATHJAX, mlcrystal_site_description="The book."),
                           env=SimpleNamespace(get_domain=lambda name: domain))


def test_page_context_prunes_defers_and_describes():
    context = {"script_files": scripts(False), "body": "<p>no maths</p>", "metatags": "", "title": "Search"}
    ext.on_html_page_context(fake_app(), "search", "search.html", context, None)
    assert names(context["script_files"]) == ["_static/jquery.js"]
    assert context["metatags"].strip() == '<meta name="description" content="Search: The book." />'
    # maths found in the body keeps MathJax, loaded by an inline script once the page has painted
    context = {"script_files": scripts(False), "body": '<span class="math">\\(E\\)</span>', "metatags": "",
               "pathto": lambda name, resource=False: "../" + name}
    ext.on_html_page_context(fake_app(), "book/03", "page.html", context, doc(nodes.paragraph("", "x" * 50)))
    assert not [j for j in context["script_files"] if j.filename == "_static/" + MATHJAX]
    mj = [j for j in context["script_files"] if MATHJAX in j.attributes.get("body", "")]
    assert len(mj) == 1 and f'"../_static/{MATHJAX}"' in mj[0].attributes["body"]
    assert mj[0].attributes["body"].startswith('window.addEventListener("load"')
    # a page with widget views keeps it deferred (the widget renderer typesets labels with it)
    context = {"script_files": scripts(True), "metatags": "",
               "body": '<span class="math">x</span><script type="application/vnd.jupyter.widget-view+json">'}
    ext.on_html_page_context(fake_app(), "book/05", "page.html", context, doc(nodes.paragraph("", "x" * 50)))
    mj = [j for j in context["script_files"] if j.filename == "_static/" + MATHJAX]
    assert len(mj) == 1 and mj[0].attributes["defer"] == "defer"
    assert 'content="' + "x" * 50 + '"' in context["metatags"]


def test_page_context_keeps_a_description_the_page_sets_and_escapes_quotes():
    context = {"script_files": [], "metatags": '<meta name="description" content="mine" />'}
    ext.on_html_page_context(fake_app(), "p", "page.html", context, None)
    assert context["metatags"].count("description") == 1
    context = {"script_files": [], "metatags": ""}
    ext.on_html_page_context(fake_app(True), "p", "page.html", context,
                             doc(nodes.paragraph("", 'The "73x" claim <replayed> & checked, with enough words.')))
    assert "&quot;73x&quot; claim &lt;replayed&gt; &amp; checked" in context["metatags"]


def test_bibliography_entries_become_list_items_only_inside_the_list():
    body = ('<div role="list" class="citation-list">'
            '<div class="citation" id="a" role="doc-biblioentry"><span class="label">A</span><p>One.</p></div>'
            '<div class="citation" id="b" role="doc-biblioentry"><p>Two.</p></div>'
            '</div><aside role="doc-biblioentry">elsewhere</aside>')
    out = ext.fix_citation_roles(body)
    assert out.count('role="listitem"') == 2
    assert out.endswith('<aside role="doc-biblioentry">elsewhere</aside>')
    assert ext.fix_citation_roles("<p>no bibliography</p>") == "<p>no bibliography</p>"


def test_theme_icon_script_is_removed_and_nothing_else():
    page = ('<head>\n    <script defer src="../_static/scripts/bootstrap.js?digest=1"></script>\n'
            '    <script defer src="../_static/scripts/fontawesome.js?digest=1"></script>\n'
            '<script src="../_static/my-fontawesome.js.map"></script></head>')
    out, n = ext.drop_fontawesome_script(page)
    assert n == 1 and "scripts/fontawesome.js" not in out
    assert "bootstrap.js" in out and "my-fontawesome.js.map" in out


def test_build_finished_rewrites_pages_and_warns_when_the_tag_is_gone(tmp_path, caplog):
    (tmp_path / "book").mkdir()
    (tmp_path / "_static").mkdir()
    tag = '<script defer src="../_static/scripts/fontawesome.js?digest=1"></script>'
    (tmp_path / "book" / "a.html").write_text(f"<head>{tag}</head>")
    (tmp_path / "book" / "b.html").write_text("<head></head>")
    (tmp_path / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=book/a.html">')
    (tmp_path / "_static" / "c.html").write_text(f"<head>{tag}</head>")
    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    ext.on_builder_inited(app)
    ext._WRITTEN.update(str(tmp_path / p) for p in ("book/a.html", "book/b.html", "index.html",
                                                      "_static/c.html"))
    (tmp_path / "book" / "old.html").write_text("<head></head>")  # not written by this build: not checked
    with caplog.at_level("WARNING"):
        ext.on_build_finished(app, None)
    assert (tmp_path / "book" / "a.html").read_text() == "<head></head>"
    assert tag in (tmp_path / "_static" / "c.html").read_text()  # asset folder left alone
    assert "1 page(s) (e.g. book/b.html)" in caplog.text


def test_description_skips_maths_and_a_leading_bold_label():
    d = doc(nodes.paragraph("", "", nodes.Text("The modulus "), nodes.math("", "E_{max}"),
                            nodes.Text(" is computed from the tensor, in many words.")),
            nodes.paragraph("", "", nodes.Text(""), nodes.strong("", "Learning objectives."),
                            nodes.Text(" After this chapter you can compute anisotropy.")),
            nodes.paragraph("", "", nodes.strong("", "Bold start"),
                            nodes.Text(" that is not a label stays in the description.")))
    assert ext.describe(d, "fallback") == "After this chapter you can compute anisotropy."
    d2 = doc(nodes.paragraph("", "", nodes.strong("", "Bold start"),
                             nodes.Text(" that is not a label stays in the description.")))
    assert ext.describe(d2, "fallback") == "Bold start that is not a label stays in the description."


def test_page_context_records_the_pages_written():
    ext.on_builder_inited(None)
    app = fake_app()
    app.builder = SimpleNamespace(get_outfilename=lambda pagename: f"/out/{pagename}.html")
    ext.on_html_page_context(app, "book/intro", "page.html", {"script_files": [], "metatags": ""},
                             doc(nodes.paragraph("", "y" * 50)))
    assert ext._WRITTEN == {"/out/book/intro.html"}


def test_description_leaves_out_citations():
    d = doc(nodes.paragraph("", "", nodes.Text("Anyone checking the study's published numbers "),
                            nodes.inline("", "[Waseda U group, 2025]"), nodes.Text(".")))
    assert ext.describe(d, "fallback") == "Anyone checking the study's published numbers."
    from sphinx.addnodes import pending_xref
    d = doc(nodes.paragraph("", "", nodes.Text("Anyone checking the study's published numbers "),
                            pending_xref("", nodes.Text("waseda_output_force"), refdomain="cite"), nodes.Text(".")))
    assert ext.describe(d, "fallback") == "Anyone checking the study's published numbers."


def _thead(table_html: str) -> str:
    return table_html.split("<thead>")[1].split("</thead>")[0]


def _headers(table_html: str) -> list[list[str]]:
    """Each header row as its cells: text, "td" for a plain cell, "hidden:<text>" for screen-reader text."""
    import re

    rows = []
    for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", _thead(table_html), re.S):
        cells = []
        for tag, inner in re.findall(r"<(th|td)\b[^>]*>(.*?)</\1>", row, re.S):
            hidden = re.search(r'class="mlc-visually-hidden">([^<]*)<', inner)
            cells.append("td" if tag == "td" else f"hidden:{hidden.group(1)}" if hidden else inner.strip())
        rows.append(cells)
    return rows


def test_empty_table_headers_of_pandas_tables_are_labelled_or_demoted():
    import pandas as pd

    plain = pd.DataFrame({"E (GPa)": [2.5, 3.1], "n": [1, 2]})
    assert _headers(ext.label_empty_table_headers(plain.to_html())) == [["hidden:row label", "E (GPa)", "n"]]
    named = plain.rename_axis("compound")
    assert _headers(ext.label_empty_table_headers(named.to_html())) == [["td", "E (GPa)", "n"],
                                                                         ["compound", "td", "td"]]
    two_levels = plain.set_index("n", append=True)  # index levels: unnamed, "n"
    assert _headers(ext.label_empty_table_headers(two_levels.to_html())) == [["td", "td", "E (GPa)"],
                                                                             ["hidden:row label", "n", "td"]]
    wide = pd.DataFrame({("x", "a"): [1], ("x", "b"): [2], ("y", "c"): [3]})  # two header rows, colspan
    assert _headers(ext.label_empty_table_headers(wide.to_html())) == [["td", "x", "y"],
                                                                       ["hidden:row label", "a", "b", "c"]]
    unnamed_column = pd.DataFrame({"": [1], "b": [2]})
    assert _headers(ext.label_empty_table_headers(unnamed_column.to_html())) == [
        ["hidden:row label", "hidden:unnamed column", "b"]]
    for frame in (plain, named, two_levels, wide):
        out = ext.label_empty_table_headers(frame.to_html())
        assert "<th></th>" not in out
        assert out.split("<tbody>")[1] == frame.to_html().split("<tbody>")[1]  # the body rows are untouched


def test_empty_table_headers_leave_other_tables_and_text_alone():
    other = '<p>x</p><table class="docutils"><thead><tr><th></th><th>a</th></tr></thead></table>'
    assert ext.label_empty_table_headers(other) == other
    assert ext.label_empty_table_headers("<p>no table</p>") == "<p>no table</p>"
    nbsp = '<table class="dataframe"><thead><tr><th>&nbsp;</th><th>a</th></tr></thead><tbody></tbody></table>'
    assert "row label" not in ext.label_empty_table_headers(nbsp)  # no body row: no index column to name
    assert "<th>&nbsp;</th>" not in ext.label_empty_table_headers(nbsp)


def test_page_context_labels_the_tables_of_the_body():
    import pandas as pd

    context = {"script_files": [], "metatags": "",
               "body": '<div class="output text_html">' + pd.DataFrame({"a": [1]}).to_html() + "</div>"}
    ext.on_html_page_context(fake_app(), "book/01", "page.html", context, doc(nodes.paragraph("", "y" * 50)))
    assert 'class="mlc-visually-hidden">row label</span>' in context["body"]


# ---------------------------------------------------------------- the kit's citation, version and address

ROOT = Path(__file__).resolve().parents[2]


def test_citation_file_agrees_with_package_pyproject_and_config():
    import re

    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"]
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    version = ext.VERSION_RE.search((ROOT / "mlcrystal" / "__init__.py").read_text(encoding="utf-8")).group(1)
    pyproject = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    assert pyproject and pyproject.group(1) == version
    values = ext.kit_citation(cff, version, url)
    assert values["kit_version"] == version and values["kit_license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert cff["cff-version"] == "1.2.0" and url in values["kit_citation"]
    # Binder opens JupyterLab, which the kit pins
    assert config["launch_buttons"]["notebook_interface"] == "jupyterlab"


def test_citation_file_must_agree(tmp_path):
    cff = {"title": "t", "version": "0.1.0", "license": "MIT", "authors": [{"name": "a"}],
           "repository-code": "https://github.com/o/r"}
    with pytest.raises(ValueError, match="repository-code"):
        ext.kit_citation(cff, "0.1.0", "https://github.com/other/r")
    with pytest.raises(ValueError, match="missing"):
        ext.kit_citation({**cff, "license": ""}, "0.1.0", "https://github.com/o/r")


def test_the_repository_address_is_written_in_one_place():
    """Every address of the kit's own repository in the book, README and tools comes from _config.yml."""
    import re

    import yaml

    url = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    owner_repo = url.split("github.com/", 1)[1]
    hard_coded = []
    for path in [*ROOT.glob("book/*.md"), *ROOT.glob("book/*.ipynb"), *ROOT.glob("tools/*.py"), ROOT / "README.md"]:
        text = path.read_text(encoding="utf-8")
        # the Colab cells are generated from _config.yml (tools/colab_cell.py --check keeps them so)
        text = re.sub(r'kit = \\?"mlcrystal @ git\+\S+', "", text)
        if owner_repo in text:
            hard_coded.append(path.relative_to(ROOT).as_posix())
    assert hard_coded == [], f"write {{{{ repository_url }}}} (book) or read _config.yml instead in {hard_coded}"


def test_chinese_text_gets_its_language():
    out = ext.mark_chinese('<dt id="term-9">Young\'s modulus</dt><dt id="term-10">弹性模量<a>#</a></dt>')
    assert '<dt id="term-10"><span lang="zh-Hans">弹性模量</span><a>#</a></dt>' in out
    assert ext.mark_chinese('<p title="烯醇">烯醇-酮互变异构 and E</p>') == \
        '<p title="烯醇"><span lang="zh-Hans">烯醇-酮互变异构</span> and E</p>'


def test_scripts_are_listed_once():
    thebe = 'const THEBE_JS_URL = "x"'
    page = [_JavaScript(None, body=thebe), _JavaScript("", body=thebe), _JavaScript("_static/a.js"),
            _JavaScript("_static/a.js")]
    kept = ext.dedupe_scripts(page)
    assert len(kept) == 2 and sum(thebe in str(getattr(s, "attributes", {})) for s in kept) == 1


# --- a first paint that waits for nothing it can do without ---------------------------------

THEME_FONTS = (Path(__import__("pydata_sphinx_theme").__file__).parent / "theme" / "pydata_sphinx_theme"
               / "static" / "vendor" / "fontawesome" / "webfonts")


def test_icon_codepoints_come_from_named_classes_and_from_icons_stylesheets_draw():
    css = ('.fa-github:before{content:"\\f09b"}.fa-bars:before,.fa-navicon:before{content:"\uf0c9"}'
           '.fa-rocket:before{content:"\\f135"}.admonition>.admonition-title:after{content:"\\f05a"}'
           ':root{--pst-icon-bell:"\\f0f3"}')
    got = ext.icon_codepoints([css], ['<i class="fa-brands fa-github"></i>', 'el.className = "fa-solid fa-navicon"'])
    assert got == {0xF09B, 0xF0C9, 0xF05A, 0xF0F3}  # not the rocket: nothing names it


def test_icon_fonts_keep_exactly_the_icons_the_site_uses(tmp_path):
    pytest.importorskip("brotli")
    from fontTools.ttLib import TTFont

    fonts = tmp_path / ext.ICON_FONT_DIR
    fonts.mkdir(parents=True)
    (fonts / "fa-solid-900.woff2").write_bytes(b"not the original: replaced from the theme")
    (tmp_path / "_static" / "styles").mkdir()
    (tmp_path / "_static" / "styles" / "theme.css").write_text(
        '.fa-bars:before{content:"\\f0c9"}.fa-rocket:before{content:"\\f135"}', encoding="utf-8")
    (tmp_path / "index.html").write_text('<i class="fa-solid fa-bars"></i>', encoding="utf-8")
    sizes = ext.subset_icon_fonts(tmp_path, [THEME_FONTS.parents[3]])
    before, after = sizes["fa-solid-900.woff2"]
    assert before > 100_000 and after < 5_000
    font = TTFont(fonts / "fa-solid-900.woff2")
    assert font.flavor == "woff2" and set(font.getBestCmap()) == {0xF0C9}
    assert ext.subset_icon_fonts(tmp_path / "no-site") == {}


def test_script_preloads_and_unused_search_scripts_are_dropped():
    head = ('<head>\n  <link rel="preload" as="script" href="../_static/scripts/bootstrap.js?digest=1" />\n'
            '<link rel="stylesheet" href="../_static/a.css" />\n'
            '    <script src="../_static/searchtools.js" defer="defer"></script>\n'
            '    <script src="../_static/language_data.js" defer="defer"></script>\n'
            '    <script src="../searchindex.js" defer="defer"></script>\n'
            '<script>DOCUMENTATION_OPTIONS.search_as_you_type = false;</script>\n'
            '</head><body><script src="../searchindex.js"></script></body>')
    out, n = ext.drop_script_preloads(head)
    assert n == 1 and "preload" not in out and "a.css" in out
    out, n = ext.drop_search_scripts(out)
    assert n == 3 and "searchtools" not in out.split("</head>")[0]
    assert out.endswith('<body><script src="../searchindex.js"></script></body>')  # only the head's
    assert ext.drop_search_scripts(head.replace("= false", "= true")) == (head.replace("= false", "= true"), 0)


def test_mathjax_left_to_the_browser_is_loaded_after_the_first_paint():
    js = ext.after_paint_loader('../_static/a "b".js')
    assert js.startswith('window.addEventListener("load", function () { requestAnimationFrame(')
    assert 's.src = "../_static/a \\"b\\".js"; s.async = true;' in js


EQUATION = ('<div class="math notranslate nohighlight" id="equation-e">\n<span class="eqno">(1)<a class="headerlink" '
            'href="#equation-e">#</a></span>\\[E = \\frac{\\sigma}{\\varepsilon}\\]</div>')
PAGE = ('<html><head><script>window.MathJax = {"options": {}}</script>\n'
        '<script>window.addEventListener("load", function () { s.src = "../_static/npm/mathjax/x.js"; });</script>\n'
        '</head><body><p>With <span class="math notranslate nohighlight">\\(a &lt; b\\)</span>:</p>' + EQUATION +
        '<pre>\\(kept\\) in code</pre><div class="math notranslate nohighlight"><b>odd</b></div></body></html>')


def test_formulas_are_found_with_their_display_and_unescaped():
    assert ext.math_formulas(PAGE) == [("a < b", False), ("E = \\frac{\\sigma}{\\varepsilon}", True)]
    assert ext.math_formulas('<div class="math notranslate nohighlight">\\begin{align}a&amp;=b\\end{align}</div>') == [
        ("\\begin{align}a&=b\\end{align}", True)]


def test_prerendered_formulas_replace_the_tex_and_mathjax_leaves_the_page():
    out = ext.insert_prerendered_math(PAGE, ["<mjx-container>A</mjx-container>",
                                             '<mjx-container display="true">B</mjx-container>'], "mjx-container{}")
    assert '<span class="math notranslate nohighlight"><mjx-container>A</mjx-container></span>' in out
    assert ('<span class="eqno">(1)<a class="headerlink" href="#equation-e">#</a></span>'
            '<mjx-container display="true">B</mjx-container></div>') in out
    assert "<b>odd</b>" in out and "<pre>\\(kept\\) in code</pre>" in out  # left as they were
    head = out.split("</head>")[0]
    assert "MathJax" not in head and "mathjax" not in head and head.endswith("<style>mjx-container{}</style>")
    # TeX left outside the formula elements (an output's raw \( ... \)): MathJax stays for it
    left = PAGE.replace("</body>", "<div class='output_area'>\\(x\\)</div></body>")
    out = ext.insert_prerendered_math(left, ["<mjx-container>A</mjx-container>", "<mjx-container>B</mjx-container>"],
                                      "")
    assert "window.MathJax" in out and "npm/mathjax/x.js" in out


def _mathjax_package() -> Path | None:
    root = Path(__file__).resolve().parents[2] / "_build" / "npm-pack"
    found = sorted(root.glob("mathjax-3*/package/es5/node-main.js"))
    return found[-1].parent.parent if found else None


@pytest.mark.skipif(_mathjax_package() is None or __import__("shutil").which("node") is None,
                    reason="MathJax's npm package (make site-assets) or node missing")
def test_formulas_are_typeset_by_mathjax_in_node(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(PAGE, encoding="utf-8")
    (tmp_path / "none.html").write_text("<html><head></head><body>no maths</body></html>", encoding="utf-8")
    assert ext.prerender_math([page, tmp_path / "none.html"], _mathjax_package()) == 2
    out = page.read_text(encoding="utf-8")
    assert out.count('<mjx-container class="MathJax" jax="SVG"') == 2
    assert out.count('<mjx-container class="MathJax" jax="SVG" display="true"') == 1
    # screen readers read the MathML; the drawing is hidden from them
    assert "<mjx-assistive-mml" in out and '<mo>&lt;</mo>' in out and 'aria-hidden="true"' in out
    assert "mjx-assistive-mml {" in out.split("</head>")[0] or "mjx-assistive-mml{" in out.split("</head>")[0] \
        or "mjx-assistive-mml " in out.split("</head>")[0]
    assert "window.MathJax" not in out
    with pytest.raises(RuntimeError, match="failed on 1 formula"):
        bad = tmp_path / "bad.html"
        bad.write_text('<span class="math notranslate nohighlight">\\(x\\)</span>', encoding="utf-8")
        ext.prerender_math([bad], tmp_path / "no-such-package")


# --- one purged stylesheet per page ---------------------------------------------------------------

CSS = {
    "_static/basic.css": "div.body{margin:0}",
    "_static/styles/theme.css": '.bd-header{background:url("../img/logo.png?v=2")} .unused-utility{top:0}',
    "_static/print.css": "p{color:black}",
    "_static/imports.css": '@import "basic.css"; a{color:blue}',
    "_static/mlcrystal.css": ".bd-header{color:red}",
}


def _page(*hrefs: str, media: str = "") -> str:
    links = "".join(f'<link rel="stylesheet" href="../{h}"{media if "print" in h else ""} />' for h in hrefs)
    return f"<html><head><title>t</title>{links}</head><body class='bd-header'></body></html>"


def test_the_bundle_keeps_the_order_of_the_rules_and_rebases_their_urls():
    page, bundle, css = ext.bundle_stylesheets(
        _page("_static/basic.css", "_static/styles/theme.css", "_static/mlcrystal.css"), "book/ch.html", CSS.get)
    assert page.count('rel="stylesheet"') == 1 and f'href="../{bundle}"' in page
    assert css.index("div.body") < css.index("logo.png") < css.index("color:red")
    assert 'url("img/logo.png?v=2")' in css  # ../img from _static/styles is img from _static


def test_a_page_at_the_root_links_the_same_bundle():
    _, inner, _ = ext.bundle_stylesheets(_page("_static/basic.css", "_static/mlcrystal.css"), "book/ch.html", CSS.get)
    page, outer, _ = ext.bundle_stylesheets(_page("_static/basic.css", "_static/mlcrystal.css").replace("../", ""),
                                            "index.html", CSS.get)
    assert inner == outer and f'href="{outer}"' in page


def test_stylesheets_with_a_media_query_or_an_import_keep_their_own_link():
    page, _, css = ext.bundle_stylesheets(
        _page("_static/basic.css", "_static/print.css", "_static/imports.css", "_static/mlcrystal.css",
              media=' media="print"'), "book/ch.html", CSS.get)
    assert 'href="../_static/print.css"' in page and 'href="../_static/imports.css"' in page
    assert "color:black" not in css and "color:blue" not in css


def test_the_purged_bundle_drops_rules_no_page_can_match_and_keeps_the_rest():
    _, _, css = ext.bundle_stylesheets(_page("_static/basic.css", "_static/styles/theme.css"), "book/ch.html",
                                       CSS.get, words={"bd-header", "body"})
    assert "unused-utility" not in css and "div.body" in css and "logo.png" in css


@pytest.mark.parametrize("rule", [
    "@font-face{font-family:x;src:url(x.woff2)}", "@keyframes spin{to{transform:rotate(1turn)}}",
    "html[data-theme=dark]{--c:#000}", ".bs-tooltip-auto .tooltip-arrow{top:0}", "a:not(.never){color:red}",
])
def test_purging_keeps_what_a_page_or_a_script_can_still_use(rule):
    assert ext.purge_unused_css(rule, {"tooltip-arrow"}) == (rule, 0)


def test_purging_drops_an_emptied_media_block():
    css, dropped = ext.purge_unused_css("@media (max-width:9px){.gone{top:0}} p{top:0}", set())
    assert (css.strip(), dropped) == ("p{top:0}", 1)


def test_the_stylesheets_are_bundled_after_the_theme_and_myst_nb_finish_theirs():
    """pydata-sphinx-theme rewrites pygments.css and myst-nb writes its stylesheet at build-finished (priority 500)."""
    seen = {}

    class App:
        def add_config_value(self, *a, **k): ...

        def connect(self, event, handler, priority=500):
            seen[event] = priority

    ext.setup(App())
    assert seen["build-finished"] > 500
