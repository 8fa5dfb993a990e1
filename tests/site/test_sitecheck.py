"""Tests for tools/sitecheck.py: link checking and page logic on a tiny hand-made site."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tools import sitecheck
from tools.sitecheck import (
    Problem,
    check_chapter_parts,
    check_links,
    has_widgets,
    is_chapter,
    list_pages,
    parse_page,
    resolve_url,
    screenshot_name,
    serve,
    static_problems,
)

ROOT = Path(__file__).resolve().parents[2]

#: Browser tests run when the Chromium that ``make site-check`` would use exists.
needs_chromium = pytest.mark.skipif(
    not Path(sitecheck.chromium_path()).is_file(),
    reason=f"no Chromium at {sitecheck.chromium_path()} (apt-get install -y chromium, or set MLCRYSTAL_CHROMIUM)")

# A 1x1 PNG, so that image checks have a real image to find.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

#: What every page's head needs (a favicon and a description), for a page in book/.
HEAD = ('<link rel="icon" href="../_static/favicon.svg">'
        '<meta name="description" content="A page of the test site.">')

CHAPTER_OK = """<html><head><script defer src="../_static/app.js"></script>""" + HEAD + """</head><body>
<article>
<h1 id="ch">1. A chapter</h1>
<p><strong>Learning objectives.</strong> You will learn things.</p>
<img src="../_images/fig.png" alt="a figure" width="1" height="1" loading="lazy">
<h2 id="summary">Summary</h2>
<h2 id="exercises">Exercises</h2>
<div class="cell tag_hide-input"><pre>solution</pre></div>
<h2 id="references">References</h2>
<a href="intro.html#who">intro</a> <a href="#summary">self</a>
<a href="https://example.org/paper">an external link is fine</a>
<a href="mailto:someone@example.org">mail</a>
</article></body></html>"""

INTRO = """<html><head>""" + HEAD + """
<link rel="stylesheet" href="../_static/style.css?v=1">
<link rel="index" href="../genindex.html">
</head><body><article><h1 id="who">Who it is for</h1>
<a href="01_chapter.html">chapter</a> <a href="glossary.html#term-LASSO">LASSO</a>
<a href="../_static/">static folder with index</a>
</article></body></html>"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A four-page site with assets; every link in it resolves."""
    (tmp_path / "book").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "_images").mkdir()
    (tmp_path / "_static" / "app.js").write_text("console.log('ok');")
    (tmp_path / "_static" / "style.css").write_text("body{}")
    (tmp_path / "_static" / "index.html").write_text("<p>static index</p>")
    (tmp_path / "_static" / "favicon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (tmp_path / "_images" / "fig.png").write_bytes(PNG)
    (tmp_path / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=book/intro.html">')
    (tmp_path / "genindex.html").write_text(HEAD.replace("../", "") + "<h1>Index</h1>")
    (tmp_path / "book" / "intro.html").write_text(INTRO)
    (tmp_path / "book" / "01_chapter.html").write_text(CHAPTER_OK)
    (tmp_path / "book" / "glossary.html").write_text(HEAD + '<dl><dt id="term-LASSO">LASSO</dt></dl>')
    return tmp_path


def test_list_pages_skips_asset_folders_and_sorts(site):
    assert list_pages(site) == ["book/01_chapter.html", "book/glossary.html", "book/intro.html",
                                "genindex.html", "index.html"]


def test_list_pages_rejects_missing_folder(tmp_path):
    with pytest.raises(ValueError, match="does not exist.*make book"):
        list_pages(tmp_path / "nope")


def test_clean_site_has_no_problems(site):
    assert check_links(site) == []
    assert static_problems(site) == []


def test_broken_link_image_anchor_and_resource_are_each_reported(site):
    (site / "book" / "glossary.html").write_text(
        '<a href="missing.html">x</a>'
        '<img src="../_images/gone.png">'
        '<a href="intro.html#nowhere">y</a>'
        '<script src="../_static/none.js"></script>'
        '<dt id="term-LASSO">LASSO</dt>')
    problems = check_links(site)
    got = {(p.page, p.kind) for p in problems}
    assert got == {("book/glossary.html", "broken-link"), ("book/glossary.html", "broken-image"),
                   ("book/glossary.html", "missing-anchor"), ("book/glossary.html", "broken-resource")}
    anchor = next(p for p in problems if p.kind == "missing-anchor")
    assert 'no id="nowhere" in book/intro.html' in anchor.detail
    # the intro still links to the glossary term, which still exists
    assert not any(p.page == "book/intro.html" for p in problems)


def test_remote_resources_fail_but_remote_links_do_not(site):
    (site / "book" / "intro.html").write_text(
        '<script src="https://cdn.jsdelivr.net/npm/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.com/a.css">'
        '<link rel="canonical" href="https://example.org/intro.html">'
        '<img src="http://example.org/logo.png">'
        '<a href="https://doi.org/10.1/abc">doi</a>')
    problems = check_links(site, ["book/intro.html"])
    assert [p.kind for p in problems] == ["remote-resource"] * 3
    assert "cdn.jsdelivr.net" in problems[0].detail


def test_url_escaping_above_the_root_is_a_bad_url(site):
    (site / "index.html").write_text('<a href="../../outside.html">out</a><a href="/abs.html">abs</a>')
    kinds = [p.kind for p in check_links(site, ["index.html"])]
    assert kinds == ["bad-url", "bad-url"]


def test_check_links_rejects_a_page_not_in_the_site(site):
    with pytest.raises(ValueError, match="not a file"):
        check_links(site, ["book/ghost.html"])


@pytest.mark.parametrize("page, url, expected", [
    ("book/intro.html", "01_chapter.html", ("book/01_chapter.html", "")),
    ("book/intro.html", "../_static/style.css?v=1", ("_static/style.css", "")),
    ("book/intro.html", "glossary.html#term-Young%27s-modulus", ("book/glossary.html", "term-Young's-modulus")),
    ("book/intro.html", "#who", ("book/intro.html", "who")),
    ("index.html", "book/", ("book", "")),
    ("book/intro.html", "..", ("", "")),
    ("book/intro.html", "https://example.org/x", None),
    ("book/intro.html", "//example.org/x", None),
])
def test_resolve_url(page, url, expected):
    assert resolve_url(page, url) == expected


def test_resolve_url_refuses_leaving_the_site():
    with pytest.raises(ValueError, match="climbs above the site root"):
        resolve_url("book/intro.html", "../../x.html")


def test_parse_page_collects_refs_ids_headings_and_skips_script_text():
    doc = parse_page('<h2 id="a">Sum<em>mary</em></h2><a name="old"></a>'
                     '<script>var x = "Exercises";</script><img src="f.png"><p>Body</p>')
    assert doc.ids == {"a", "old"}
    assert doc.headings == ["Summary"]
    assert doc.refs == [("img", "src", "f.png", "")]
    assert "Exercises" not in doc.text and "Body" in doc.text


def test_parse_page_rejects_bytes():
    with pytest.raises(TypeError, match="must be a str"):
        parse_page(b"<p>bytes</p>")


def test_chapter_parts_complete_and_missing():
    assert check_chapter_parts(CHAPTER_OK) == []
    placeholder = "<h1>1. Data collection</h1><p>This chapter is being written.</p>"
    assert check_chapter_parts(placeholder) == [
        "learning objectives", "summary", "exercises", "hidden solutions", "references"]
    dropdown = CHAPTER_OK.replace("cell tag_hide-input", "cell").replace(
        '<h2 id="references">',
        '<details class="sd-sphinx-override sd-dropdown dropdown"></details><h2 id="references">')
    assert check_chapter_parts(dropdown) == []


def test_chapter_parts_ignores_theme_toggles_outside_the_article():
    page = ('<nav><button class="sidebar-toggle primary-toggle">menu</button></nav><article>'
            + CHAPTER_OK.replace("cell tag_hide-input", "cell") + "</article>")
    assert check_chapter_parts(page) == ["hidden solutions"]
    # a class that merely contains the word is not a hidden solution
    assert check_chapter_parts(page.replace('class="cell"', 'class="cell not-a-dropdownish"')) == ["hidden solutions"]


def test_chapter_parts_fails_the_static_check(site):
    (site / "book" / "02_placeholder.html").write_text(HEAD + "<h1>2. Soon</h1>")
    problems = static_problems(site)
    assert problems == [Problem("book/02_placeholder.html", "chapter-parts",
                                "missing: learning objectives, summary, exercises, hidden solutions, references")]


def test_static_problems_refuses_an_empty_site(tmp_path):
    with pytest.raises(ValueError, match="no .html pages"):
        static_problems(tmp_path)


def test_is_chapter_has_widgets_and_screenshot_name():
    assert is_chapter("book/07_replaying_the_73x_claim.html")
    assert not is_chapter("book/intro.html") and not is_chapter("book/2026_notes/intro.html")
    assert has_widgets('<script type="application/vnd.jupyter.widget-view+json">{"model_id": "1"}</script>')
    assert not has_widgets("<p>no widgets</p>")
    assert screenshot_name("index.html") == "index.png"
    with pytest.raises(ValueError, match=r"expected an \.html page"):
        screenshot_name("book/intro.md")


def test_serve_binds_localhost_and_serves_files(site):
    server, url = serve(site)
    try:
        assert server.server_address[0] == "127.0.0.1"
        with urllib.request.urlopen(url + "book/glossary.html", timeout=10) as resp:
            assert b"term-LASSO" in resp.read()
    finally:
        server.shutdown()
        server.server_close()


def test_main_reports_and_sets_exit_code(site, capsys):
    assert sitecheck.main([str(site), "--no-browser"]) == 0
    (site / "book" / "intro.html").write_text(HEAD + '<h1 id="who">Who</h1><a href="nope.html">x</a>')
    assert sitecheck.main([str(site), "--no-browser"]) == 1
    out = capsys.readouterr().out
    assert "book/intro.html: [broken-link]" in out and "FAILED, 1 problem(s)" in out
    assert sitecheck.main([str(site / "missing"), "--no-browser"]) == 2


def test_browser_problems_validates_timeout(site, tmp_path):
    with pytest.raises(ValueError, match="positive integer"):
        sitecheck.browser_problems(site, tmp_path, timeout_ms=0)


def test_main_skips_browser_checks_without_chromium(site, capsys):
    assert sitecheck.main([str(site), "--chromium", str(site / "no-chromium")]) == 0
    assert "SKIPPED the browser checks" in capsys.readouterr().out


def test_chromium_is_read_from_the_environment_when_called(monkeypatch):
    monkeypatch.setenv("MLCRYSTAL_CHROMIUM", "/opt/chrome/chrome")
    assert sitecheck.chromium_path() == "/opt/chrome/chrome"
    monkeypatch.delenv("MLCRYSTAL_CHROMIUM")
    assert sitecheck.chromium_path() == sitecheck.DEFAULT_CHROMIUM == "/usr/bin/chromium"


def test_importing_the_tool_reads_no_environment():
    """Importing tools.sitecheck reads no environment variable (checked in a fresh interpreter)."""
    code = """
import os, sys
class Recorder(dict):
    seen = []
    def __getitem__(self, k): self.seen.append(k); return super().__getitem__(k)
    def get(self, k, d=None): self.seen.append(k); return super().get(k, d)
    def __contains__(self, k): self.seen.append(k); return super().__contains__(k)
os.environ = Recorder(os.environ)
import tools.sitecheck
print(sorted(set(Recorder.seen)))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_main_uses_the_browser_named_in_the_environment(site, monkeypatch, capsys):
    monkeypatch.setenv("MLCRYSTAL_CHROMIUM", str(site / "env-chromium"))
    assert sitecheck.main([str(site)]) == 0
    out = capsys.readouterr().out
    assert "SKIPPED the browser checks" in out and "env-chromium" in out


def test_main_fails_on_any_console_error_and_lists_every_page(site, monkeypatch, capsys):
    # no browser error is excused, not even one from the toolchain (the THEBE_JS_URL one is fixed)
    monkeypatch.setattr(sitecheck, "browser_report", lambda *a, **k: sitecheck.BrowserReport([
        Problem("book/intro.html", "page-error", "Identifier 'THEBE_JS_URL' has already been declared"),
        Problem("book/glossary.html", "console-error", "Uncaught TypeError: boom")], {}, {}, [], []))
    assert sitecheck.main([str(site), "--no-lighthouse"]) == 1
    out = capsys.readouterr().out
    listed = [line.split()[1] for line in out.splitlines() if line.startswith(("  ok", "  FAIL"))]
    assert listed == list_pages(site)
    assert "FAIL book/glossary.html (1 problem(s))" in out and "FAIL book/intro.html (1 problem(s))" in out
    assert "FAILED, 2 problem(s)" in out


@pytest.mark.long_running
@needs_chromium
def test_browser_finds_figures_blocks_remote_requests_and_screenshots(site, tmp_path):
    shots = tmp_path / "shots"
    assert sitecheck.browser_problems(site, shots, axe=False) == []
    assert (shots / "book__01_chapter.png").stat().st_size > 0
    # a remote script is blocked and reported; a chapter without figures fails
    (site / "book" / "01_chapter.html").write_text(
        CHAPTER_OK.replace('<img src="../_images/fig.png" alt="a figure" width="1" height="1" loading="lazy">',
                           '<script src="https://cdn.example.org/lib.js"></script>'))
    kinds = {p.kind for p in sitecheck.browser_problems(site, shots, axe=False) if p.page == "book/01_chapter.html"}
    assert {"external-request", "figures"} <= kinds


@pytest.mark.long_running
@needs_chromium
def test_browser_reports_unrendered_widgets_and_math(site, tmp_path):
    (site / "book" / "glossary.html").write_text(
        HEAD + '<dl><dt id="term-LASSO">LASSO</dt></dl><p><span class="math">$E$</span></p>'
        '<div><script type="application/vnd.jupyter.widget-view+json">{"model_id": "1"}</script></div>')
    found = [p for p in sitecheck.browser_problems(site, tmp_path / "shots", timeout_ms=2000, axe=False)
             if p.page == "book/glossary.html"]
    assert sorted(p.kind for p in found) == ["math", "widgets"]
    assert "1 of 1 embedded widget view(s)" in next(p.detail for p in found if p.kind == "widgets")


STATIC = ROOT / "book" / "_static"


@pytest.mark.long_running
@needs_chromium
@pytest.mark.skipif(not (STATIC / "npm" / ".complete").is_file(),
                    reason="browser libraries not fetched: run `make site-assets`")
def test_saved_widgets_render_offline_with_mathjax_and_icons(site, tmp_path):
    """The site's own widget stack (require.js, widgets-offline.js, embed-amd.js), deferred as
    _config.yml loads it, renders saved ipywidgets state with MathJax 3 on the page, fetching
    fonts locally and nothing remote."""
    import json
    import shutil

    import ipywidgets
    from ipywidgets.embed import embed_data

    shutil.copytree(STATIC, site / "_static", dirs_exist_ok=True)
    slider = ipywidgets.FloatSlider(value=1.25, min=0.5, max=4.0, description="$E$ (GPa)")
    button = ipywidgets.Button(description="run", icon="check")
    data = embed_data(views=[ipywidgets.VBox([slider, button])])
    state = json.dumps(data["manager_state"])
    view = json.dumps(data["view_specs"][0])
    (site / "book" / "05_widgets.html").write_text(f"""<html><head>
<script>window.MathJax = {{"options": {{"processHtmlClass": "math"}}}}</script>
<script defer src="../_static/npm/mathjax/es5/tex-mml-chtml.js"></script>
<script type="application/vnd.jupyter.widget-state+json">{state}</script>
<script defer src="../_static/npm/requirejs/require.js"></script>
<script defer src="../_static/widgets-offline.js"></script>
<script defer src="../_static/npm/html-manager/embed-amd.js"></script>
</head><body><article><h1>Widgets</h1><p><span class="math">\\(E = \\sigma/\\varepsilon\\)</span></p>
<img src="../_images/fig.png" alt="static figure beside the widget" width="1" height="1" loading="lazy">
<div><script type="application/vnd.jupyter.widget-view+json">{view}</script></div>
</article></body></html>""")
    shots = tmp_path / "shots"
    problems = [p for p in sitecheck.browser_problems(site, shots, axe=False) if p.page == "book/05_widgets.html"]
    assert problems == []
    assert (shots / "book__05_widgets--widget.png").is_file()


# ------------------------------------------------- head, axe filtering, layout, weight

def test_check_head_needs_a_favicon_and_a_non_empty_description():
    assert sitecheck.check_head(HEAD) == []
    assert sitecheck.check_head('<link rel="icon" href="">') == ["favicon", "description"]
    assert sitecheck.check_head('<link rel="shortcut icon" href="f.ico"><meta name="Description" content="x">') == []
    assert sitecheck.check_head('<link rel="stylesheet" href="a.css"><meta name="keywords" content="x">') == [
        "favicon", "description"]
    with pytest.raises(TypeError, match="must be a str"):
        sitecheck.check_head(b"<html>")


def test_static_check_reports_a_page_without_head_but_not_the_root_redirect(site):
    (site / "book" / "glossary.html").write_text('<dl><dt id="term-LASSO">LASSO</dt></dl>')
    (site / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=book/intro.html">')
    assert static_problems(site) == [Problem("book/glossary.html", "head", "missing: favicon, description")]


def _axe(*violations):
    return {"violations": [
        {"id": rule, "impact": impact, "help": f"help for {rule}",
         "nodes": [{"target": [t] if isinstance(t, str) else t} for t in targets]}
        for rule, impact, targets in violations]}


def test_axe_serious_and_critical_fail_minor_and_moderate_are_advisory():
    result = _axe(("image-alt", "critical", ["#fig-1 > img", "#fig-2 > img"]),
                  ("color-contrast", "serious", [".caption"]),
                  ("region", "moderate", ["#skip"]),
                  ("landmark-unique", "minor", ["nav"]))
    out = sitecheck.axe_problems("book/04.html", result, exceptions={})
    assert [p.detail.split(" ")[0] for p in out.failing] == ["image-alt", "color-contrast"]
    assert "2 element(s): #fig-1 > img, #fig-2 > img" in out.failing[0].detail
    assert all(p.kind == "axe" and p.page == "book/04.html" for p in out.failing)
    assert [p.detail.split(" ")[0] for p in out.advisory] == ["region", "landmark-unique"]
    assert out.excused == []


def test_axe_theme_exceptions_excuse_only_their_rule_and_elements():
    exceptions = {("color-contrast", r"\.bd-header"): "theme header colours"}
    result = _axe(("color-contrast", "serious", [".bd-header > a", "article p"]),
                  ("link-name", "serious", [".bd-header > a"]))
    out = sitecheck.axe_problems("a.html", result, exceptions=exceptions)
    # the article paragraph still fails; another rule on the header element is not excused
    assert [p.detail for p in out.failing] == [
        "color-contrast (serious): help for color-contrast; 1 element(s): article p",
        "link-name (serious): help for link-name; 1 element(s): .bd-header > a"]
    assert [(p.detail.split(";")[-1].strip(), r) for p, r in out.excused] == [
        ("1 element(s): .bd-header > a", "theme header colours")]
    # every node excused: nothing fails
    only_theme = _axe(("color-contrast", "critical", [".bd-header .x", ".bd-header .y"]))
    out = sitecheck.axe_problems("a.html", only_theme, exceptions=exceptions)
    assert out.failing == [] and len(out.excused) == 2


def test_axe_names_nested_targets_and_caps_the_list():
    result = _axe(("image-alt", "critical", [["iframe#w", "img"], "#a", "#b", "#c", "#d"]))
    detail = sitecheck.axe_problems("p.html", result, exceptions={}, max_targets=2).failing[0].detail
    assert detail.endswith("5 element(s): iframe#w >>> img, #a, ... (3 more)")


def test_every_listed_theme_exception_has_a_rule_a_valid_pattern_and_a_reason():
    import re
    for (rule, pattern), reason in sitecheck.THEME_AXE_EXCEPTIONS.items():
        assert re.fullmatch(r"[a-z0-9-]+", rule)
        re.compile(pattern)
        assert len(reason) > 20


@pytest.mark.parametrize("bad, match", [
    ({}, "'violations' list"),
    ([], "'violations' list"),
    ({"violations": [{"id": "x", "nodes": []}]}, "lacks \\['impact'\\]"),
    ({"violations": [{"id": "x", "impact": "serious", "nodes": "n"}]}, "nodes list"),
    ({"violations": [{"id": "x", "impact": "serious", "nodes": [{"html": "<b>"}]}]}, "'target' list"),
])
def test_axe_problems_rejects_what_is_not_an_axe_result(bad, match):
    with pytest.raises(ValueError, match=match):
        sitecheck.axe_problems("p.html", bad, exceptions={})


def test_overflow_problem_names_the_culprit_and_allows_one_pixel():
    measured = {"scrollWidth": 700, "clientWidth": 390, "culprits": [
        {"selector": 'article > p > code "0123abcd"', "right": 699.6, "width": 612.2},
        {"selector": "table.dataframe", "right": 650, "width": 640}]}
    p = sitecheck.overflow_problem("book/05.html", 390, measured)
    assert p.kind == "overflow" and "at 390 px" in p.detail and "700 px of content in 390 px" in p.detail
    assert 'article > p > code "0123abcd" (612 px wide, right edge at 700 px)' in p.detail
    assert sitecheck.overflow_problem("a.html", 390, {"scrollWidth": 391, "clientWidth": 390}) is None
    assert "no single element" in sitecheck.overflow_problem(
        "a.html", 1280, {"scrollWidth": 1400, "clientWidth": 1280, "culprits": []}).detail
    with pytest.raises(ValueError, match="scrollWidth"):
        sitecheck.overflow_problem("a.html", 390, {"clientWidth": 390})


def test_weight_budget_applies_to_chapter_pages_only():
    weights = {"book/04_a.html": 1_500_001, "book/05_b.html": 1_500_000, "book/bibliography.html": 5_000_000}
    assert [(p.page, p.kind) for p in sitecheck.weight_problems(weights)] == [("book/04_a.html", "weight")]
    assert sitecheck.weight_problems(weights, budget=10_000_000) == []
    with pytest.raises(ValueError, match="non-negative"):
        sitecheck.weight_problems({"book/01_a.html": -1})
    with pytest.raises(ValueError, match="positive number of bytes"):
        sitecheck.weight_problems({}, budget=0)
    lines = sitecheck.format_weights(weights, {"book/04_a.html": 9_000_000})
    assert lines[0].split() == ["5.00", "MB", "book/bibliography.html"]
    assert "(9.00 MB decompressed)" in lines[1]


def test_server_sends_text_gzip_compressed_and_images_as_they_are(site):
    import gzip
    big = "console.log('mlcrystal');\n" * 400
    (site / "_static" / "app.js").write_text(big)
    server, url = serve(site)
    try:
        req = urllib.request.Request(url + "_static/app.js", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
            assert resp.headers["Content-Encoding"] == "gzip"
            assert int(resp.headers["Content-Length"]) == len(body) < len(big) / 10
            assert gzip.decompress(body).decode() == big
        # a rewritten file is served afresh, not from the compressed cache
        (site / "_static" / "app.js").write_text("let x = 1;\n")
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert gzip.decompress(resp.read()) == b"let x = 1;\n"
        with urllib.request.urlopen(url + "_static/app.js", timeout=10) as resp:  # no Accept-Encoding
            assert resp.headers["Content-Encoding"] is None and resp.read() == b"let x = 1;\n"
        png = urllib.request.Request(url + "_images/fig.png", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(png, timeout=10) as resp:
            assert resp.headers["Content-Encoding"] is None and resp.read() == PNG
    finally:
        server.shutdown()
        server.server_close()


def test_main_prints_weights_and_axe_findings(site, monkeypatch, capsys):
    excused = (Problem("book/intro.html", "axe", "color-contrast (serious): x; 1 element(s): .theme"), "theme")
    monkeypatch.setattr(sitecheck, "browser_report", lambda *a, **k: sitecheck.BrowserReport(
        [], {"book/01_chapter.html": 1_200_000}, {"book/01_chapter.html": 2_500_000}, [excused],
        [Problem("book/intro.html", "axe", "region (moderate): y")]))
    assert sitecheck.main([str(site), "--no-lighthouse"]) == 0
    out = capsys.readouterr().out
    assert "1.20 MB  (2.50 MB decompressed)  book/01_chapter.html (chapter)" in out
    assert "axe finding excused (theme-owned: theme)" in out and "axe advisory" in out


@pytest.mark.long_running
@needs_chromium
def test_browser_reports_sideways_scroll_at_phone_width_axe_and_weight(site, tmp_path):
    axe_js = sitecheck.find_axe(site)
    if axe_js is None:
        pytest.skip("axe-core not fetched: run `make site-assets`")
    # fits at 1280 px, not at 390 px; and an image without alt text (axe: critical)
    (site / "book" / "01_chapter.html").write_text(CHAPTER_OK.replace(
        "<h2 id=\"summary\">", '<div id="wide" style="width:800px">wide</div><img src="../_images/fig.png">'
        '<h2 id="summary">'))
    # a word too long for a phone in a title: its box fits, its text does not
    (site / "book" / "glossary.html").write_text(
        HEAD + '<h1 style="font-size:64px">Salicylideneamines</h1><dl><dt id="term-LASSO">LASSO</dt></dl>')
    report = sitecheck.browser_report(site, tmp_path / "shots")
    # reported at each phone width (390 and 360 px), never at 1280
    title = [p for p in report.problems if p.page == "book/glossary.html" and p.kind == "overflow"]
    assert len(title) == 2 and all('h1 "Salicylideneamines"' in p.detail for p in title)
    assert [p.detail.split(" the page")[0] for p in title] == ["at 390 px", "at 360 px"]
    mine = [p for p in report.problems if p.page == "book/01_chapter.html"]
    overflow = [p for p in mine if p.kind == "overflow"]
    assert len(overflow) == 2 and all("div#wide" in p.detail for p in overflow)
    assert not any("at 1280 px" in p.detail for p in overflow)
    assert any(p.kind == "axe" and p.detail.startswith("image-alt (critical)") for p in mine)
    # the page, its script and its image, each with HTTP headers
    assert report.weights["book/01_chapter.html"] > len(PNG) + len("console.log('ok');")
    assert report.decoded["book/01_chapter.html"] >= len(PNG)
    assert (tmp_path / "shots" / "book__01_chapter--390px.png").is_file()


def test_main_runs_lighthouse_on_every_page_and_only_reports_it(site, monkeypatch, capsys):
    monkeypatch.setattr(sitecheck, "browser_report", lambda *a, **k: sitecheck.BrowserReport([], {}, {}, [], []))
    asked = []
    monkeypatch.setattr(sitecheck, "lighthouse_report", lambda root, pages, **k: asked.extend(pages) or [
        f"{p}: performance 40, LCP 9.00 s, CLS 0.300, TBT 900 ms (load average 1.00)  [below goal]" for p in pages])
    assert sitecheck.main([str(site)]) == 0  # reported, never failing
    assert asked == list_pages(site)
    assert capsys.readouterr().out.count("site-check: lighthouse ") == len(asked)


@pytest.mark.long_running
@needs_chromium
def test_lighthouse_measures_pages_side_by_side_and_keeps_their_order(site, monkeypatch):
    if sitecheck.lighthouse_path() is None:
        pytest.skip("Lighthouse not installed: run `make lighthouse`")
    measured = r"performance \d+, LCP \d+\.\d\d s, CLS \d\.\d{3}, TBT \d+ ms"
    pages = ["book/intro.html", "book/glossary.html", "book/01_chapter.html"]
    lines = sitecheck.lighthouse_report(site, pages, workers=2)  # one Chromium per worker (run.mjs)
    assert [line.split(":")[0] for line in lines] == pages
    assert all(re.search(measured, line) for line in lines), lines
    # without node on the PATH to start run.mjs: one command-line run per page, the same report
    monkeypatch.setattr("shutil.which", lambda *a, **k: None)
    lines = sitecheck.lighthouse_report(site, ["book/intro.html", "no/such.html"], workers=2)
    assert re.search(measured, lines[0]) and lines[1].startswith("no/such.html: Lighthouse failed"), lines


def test_a_warning_in_a_cell_output_fails_the_static_check(site):
    assert not [p for p in static_problems(site) if p.kind == "warning"]
    page = CHAPTER_OK.replace('<h2 id="summary">', '<div class="output stderr highlight-myst-ansi notranslate">'
                              '<div class="highlight"><pre>/home/u/x.py:3: FutureWarning: old API\n</pre></div></div>'
                              '<h2 id="summary">')
    (site / "book" / "01_chapter.html").write_text(page)
    assert [p for p in static_problems(site) if p.kind == "warning"] == [
        Problem("book/01_chapter.html", "warning", "a cell's output shows FutureWarning: old API")]


def test_a_page_showing_the_checkout_path_fails_the_static_check(site):
    root = str(Path(sitecheck.__file__).resolve().parents[1])
    page = CHAPTER_OK.replace('<h2 id="summary">', f"<p>DATA = PosixPath('{root}/mlcrystal/data')</p>"
                              '<h2 id="summary">')
    (site / "book" / "01_chapter.html").write_text(page)
    found = [p for p in static_problems(site) if p.kind == "build-path"]
    assert [p.page for p in found] == ["book/01_chapter.html"] and root in found[0].detail


def test_alt_text_that_is_a_file_path_fails_the_static_check(site):
    page = CHAPTER_OK.replace('alt="a figure"', 'alt="../_build/jupyter_execute/abc123.png"')
    (site / "book" / "01_chapter.html").write_text(page)
    problems = [p for p in static_problems(site) if p.kind == "alt-text"]
    assert problems == [Problem("book/01_chapter.html", "alt-text",
                                "1 image(s) whose alt text is a file path, not what the image shows: "
                                "../_images/fig.png")]
    assert sitecheck.path_alt_images('<img src="x.svg" alt="logo.svg">') == ["x.svg"]
    assert sitecheck.path_alt_images('<img src="x.png" alt="Force (mN) against thickness T/um">') == []
    assert sitecheck.path_alt_images('<img src="x.png">') == []  # a missing alt is axe-core's to report


def test_widget_fit_problem_names_the_worst_overhang_and_refuses_bad_measurements():
    measured = [{"selector": "div.widget-label", "overhang": 2.0},
                {"selector": "div.widget-slider", "overhang": 31.5}]
    p = sitecheck.widget_fit_problem("book/05.html", 390, measured)
    assert p.kind == "widget-overflow" and "2 widget control(s)" in p.detail
    assert "div.widget-slider (31.5 px past its edge)" in p.detail
    assert sitecheck.widget_fit_problem("book/05.html", 1280, []) is None
    for bad in (None, [{"selector": "x"}], {"selector": "x", "overhang": 3}):
        with pytest.raises(ValueError, match="book/05.html: widget measurement at 390 px"):
            sitecheck.widget_fit_problem("book/05.html", 390, bad)


def test_a_2x_png_chart_is_measured_from_the_tick_size_its_kernel_recorded(tmp_path):
    import io

    from matplotlib.figure import Figure

    from mlcrystal.plotting import with_tick_size

    fig = Figure(figsize=(6, 4), dpi=100)
    fig.add_subplot().plot([0, 1], [0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200)  # 1200 px for 600 CSS px: a 2x PNG
    (tmp_path / "_images").mkdir()
    (tmp_path / "book").mkdir()
    png = tmp_path / "_images" / "chart.png"
    figure = {"src": "../_images/chart.png", "declared": 600, "drawn": 328.0, "wide": False}
    png.write_bytes(buf.getvalue())
    problems, notes = sitecheck.figure_problems(tmp_path, "book/x.html", 360, [figure])
    assert problems == [] and notes == ["chart.png: 2x PNG (1200 px for 600 CSS px), no tick size recorded"]
    png.write_bytes(with_tick_size(buf.getvalue(), 10.0 * 200 / 72))  # 10 pt labels at 200 dpi
    problems, notes = sitecheck.figure_problems(tmp_path, "book/x.html", 360, [figure])
    assert notes == ["chart.png: 7.6 px"]  # 27.8 of 1200 px drawn 328 px wide
    assert [p.kind for p in problems] == ["tick-labels"]
    png.write_bytes(with_tick_size(buf.getvalue(), 14.0 * 200 / 72))
    problems, notes = sitecheck.figure_problems(tmp_path, "book/x.html", 360, [figure])
    assert problems == [] and notes == ["chart.png: 10.6 px"]
def test_performance_accepts_mathjax_after_the_first_paint_and_the_search_page_index():
    loader = ('<head><script>window.addEventListener("load", function () { requestAnimationFrame(function () { '
              'setTimeout(function () { var s = document.createElement("script"); '
              's.src = "../_static/npm/mathjax/es5/tex-mml-chtml.js"; s.async = true; }, 0); }); });</script>'
              '<script src="searchindex.js" defer></script></head>')
    maths = '<article><span class="math notranslate nohighlight">\\(x\\)</span></article>'
    assert sitecheck.performance_problems(loader + maths, "search.html") == []
    assert sitecheck.performance_problems(loader + "<article><p>prose</p></article>", "search.html") == [
        "MathJax is loaded but the page has no maths"]
    assert sitecheck.performance_problems(loader + maths, "book/intro.html") == [
        "the search index (searchindex.js) is loaded by a page that does not search"]
    # a page with widget views keeps MathJax as a deferred file (the renderer typesets labels with it)
    widgets = ('<head><script defer src="_static/npm/mathjax/es5/tex-mml-chtml.js"></script></head>' + maths +
               '<script type="application/vnd.jupyter.widget-view+json">{}</script>')
    assert sitecheck.performance_problems(widgets, "book/05.html") == []


def test_stylesheets_may_neither_chain_imports_nor_fetch_heavy_fonts(tmp_path):
    static = tmp_path / "_static"
    (static / "styles").mkdir(parents=True)
    (static / "fonts").mkdir()
    (static / "basic.css").write_text("body{}")
    (static / "styles" / "theme.css").write_text('/* @import "ignored.css"; */ @import "../basic.css";')
    (static / "styles" / "icons.css").write_text(
        '@font-face{font-family:I;src:url(../fonts/i.woff2) format("woff2"),url(../fonts/i.ttf) format("truetype")}'
        '@font-face{font-family:J;src:url(../fonts/j.woff2) format("woff2")}')
    (static / "fonts" / "i.woff2").write_bytes(b"0" * 3000)
    (static / "fonts" / "i.ttf").write_bytes(b"0" * 90_000)  # not fetched: the browser takes the woff2
    (static / "fonts" / "j.woff2").write_bytes(b"0" * 31_000)
    (tmp_path / "index.html").write_text('<head><link href="_static/styles/theme.css?d=1" rel="stylesheet" />'
                                         '<link rel="stylesheet" href="_static/styles/icons.css"></head>')
    got = [str(p) for p in sitecheck.stylesheet_problems(tmp_path)]
    assert got == ["index.html: [performance] links 2 stylesheets: each costs the first paint a request (bundle "
                   "them, as the build's bundle_stylesheets does)",
                   "_static/styles/icons.css: [performance] web font ../fonts/j.woff2 is 31 kB (budget 30 kB): "
                   "cut it to the glyphs the site uses",
                   "_static/styles/theme.css: [performance] imports ../basic.css: the browser finds it one round "
                   "trip later (link it from the page)"]


def test_one_stylesheet_per_page_and_those_for_print_apart_pass(tmp_path):
    (tmp_path / "a.css").write_text("p{}")
    (tmp_path / "b.css").write_text("p{}")
    (tmp_path / "index.html").write_text('<head><link rel="stylesheet" href="a.css" />'
                                         '<link rel="stylesheet" media="print" href="b.css" /></head>')
    assert sitecheck.stylesheet_problems(tmp_path) == []
