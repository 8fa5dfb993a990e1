"""The site check's explorer test, on a one-page site: it passes the real port and catches a wrong one."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlcrystal.force.explorer import landscape_explorer
from mlcrystal.force.landscape import BlockingForceLandscape
from tools import sitecheck

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "book" / "_static" / "mlcrystal-explorers.js"

needs_chromium = pytest.mark.skipif(
    not Path(sitecheck.chromium_path()).is_file(), reason=f"no Chromium at {sitecheck.chromium_path()}")


def one_page_site(tmp_path: Path, script: str) -> Path:
    site = tmp_path / "site"
    (site / "_static").mkdir(parents=True)
    (site / "_static" / "mlcrystal-explorers.js").write_text(script, encoding="utf-8")
    view = landscape_explorer(BlockingForceLandscape(), compound=5)._repr_mimebundle_()["text/html"]
    (site / "page.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title>'
        '<script defer src="_static/mlcrystal-explorers.js"></script></head>'
        f"<body><main>{view}</main></body></html>", encoding="utf-8")
    return site


def drive(site: Path, settings: int = 20) -> tuple[list[str], list[tuple[str, str]]]:
    from playwright.sync_api import Error, sync_playwright

    problems: list[tuple[str, str]] = []
    server, base = sitecheck.serve(site)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=sitecheck.chromium_path(), args=sitecheck.CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(base + "page.html", wait_until="load")
            summary = sitecheck._check_explorers(page, "page.html", lambda k, d: problems.append((k, d)), 20_000,
                                                 Error, n_settings=settings)
            clipped = page.evaluate(sitecheck._CLIPPED_JS, sitecheck.MIN_TRACK_PX)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert clipped == [], clipped
    return summary, problems


@needs_chromium
def test_the_port_agrees_with_python_at_random_settings(tmp_path):
    summary, problems = drive(one_page_site(tmp_path, SCRIPT.read_text(encoding="utf-8")))
    assert problems == [] and summary == ["landscape: 20 random settings, 0 disagreement(s)"]


@needs_chromium
def test_a_wrong_port_is_caught(tmp_path):
    wrong = SCRIPT.read_text(encoding="utf-8").replace("POISSON_RATIO = 0.3", "POISSON_RATIO = 0.2")
    assert wrong != SCRIPT.read_text(encoding="utf-8")
    _, problems = drive(one_page_site(tmp_path, wrong), settings=8)
    assert problems and problems[0][0] == "explorer" and "disagree with Python" in problems[0][1]


def test_clipping_and_readout_helpers():
    assert sitecheck.shown_agrees("37.0", 37.04) and not sitecheck.shown_agrees("37", 37.04)
    assert sitecheck.performance_problems('<head><script defer src="a.js"></script></head><article>'
                                          '<img src="a.svg" width="5" height="5" loading="lazy"></article>') == []
    assert sitecheck.clipping_problem("p.html", 390, [{"selector": "output", "why": "has no size (hidden)"}])

