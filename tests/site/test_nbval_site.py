"""One execution for nbval and the website: tools/nbval_site.py keeps what nbval ran, and only what passed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from tools import nbval_site

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import mlcrystal_site as ext  # noqa: E402


def test_the_kernels_get_the_figure_settings_the_build_gives_its_own(monkeypatch):
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    variables = (ext.FIGURE_FORMATS_ENV, ext.SVG_MAX_BYTES_ENV, ext.FONT_SCALE_ENV)
    for var in variables:  # recorded, so what the extension sets is undone afterwards
        monkeypatch.setenv(var, "")
        monkeypatch.delenv(var)
    fake = SimpleNamespace(**{k: config.get(k, default) for k, default in ext.FIGURE_CONFIG.items()})
    ext.on_config_inited(SimpleNamespace(confdir="/nonexistent"), fake)
    built = {var: os.environ[var] for var in variables if var in os.environ}
    assert built == nbval_site.kernel_environment()
    assert built["MLCRYSTAL_FIGURE_FORMATS"].startswith("svg")
    assert float(built["MLCRYSTAL_FIGURE_FONT_SCALE"]) == float(config["mlcrystal_figure_font_scale"]) != 1.0


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# t")] + [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def test_a_notebook_is_kept_only_when_every_cell_ran_and_passed():
    nb = _notebook("1 + 1", "print('x')")
    out = [{"output_type": "execute_result", "data": {"text/plain": "2"}, "metadata": {}, "execution_count": 9}]
    stream = [{"output_type": "stream", "name": "stdout", "text": "x\n"}]
    state = {"version_major": 2, "version_minor": 0, "state": {"m1": {"model_name": "IntSliderModel"}}}
    done = nbval_site.executed_notebook(nb, {0: (True, out), 1: (True, stream)}, state)
    code = [c for c in done.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2]
    assert code[0].outputs[0].execution_count == 1 and code[1].outputs[0].text == "x\n"
    assert done.metadata.widgets["application/vnd.jupyter.widget-state+json"] == state
    assert not nb.cells[1].outputs  # the source is not touched
    assert nbval_site.executed_notebook(nb, {0: (True, out), 1: (False, stream)}, None) is None
    assert nbval_site.executed_notebook(nb, {0: (True, out)}, None) is None  # a cell that never ran
    assert "widgets" not in nbval_site.executed_notebook(nb, {0: (True, out), 1: (True, stream)}, None).metadata


def test_nbval_writes_what_it_ran_with_widget_state_and_the_cache_matches_the_source(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    good = _notebook("import ipywidgets\nw = ipywidgets.IntSlider(value=7)\nw", "print(6 * 7)")
    bad = _notebook("print(6 * 7)")
    for nb, cells_out in ((good, [[], [{"output_type": "stream", "name": "stdout", "text": "42\n"}]]),
                          (bad, [[{"output_type": "stream", "name": "stdout", "text": "41\n"}]])):
        code = [c for c in nb.cells if c.cell_type == "code"]
        for i, (c, o) in enumerate(zip(code, cells_out, strict=True), start=1):
            c.execution_count = i
            c.outputs = [nbformat.from_dict(x) for x in o]
    code = [c for c in good.cells if c.cell_type == "code"]
    code[0].metadata["tags"] = ["nbval-ignore-output"]
    nbformat.write(good, str(book / "good.ipynb"))
    nbformat.write(bad, str(book / "bad.ipynb"))
    executed = tmp_path / "executed"
    (executed / "book").mkdir(parents=True)
    (executed / "book" / "bad.ipynb").write_text("an older run's copy")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                          "--nbval-current-env", "-p", "tools.nbval_site", "--nbval-executed", str(executed),
                          "--rootdir", str(tmp_path), str(book)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300,
                         # the caller's PYTEST_ADDOPTS (-q, --durations) would change the summary line read below
                         env={**{k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"},
                              "PYTHONPATH": str(ROOT)})
    assert "1 failed, 2 passed" in run.stdout, run.stdout[-2000:]
    assert not (executed / "book" / "bad.ipynb").exists()  # failed now: no copy, not even an old one
    kept = nbformat.read(str(executed / "book" / "good.ipynb"), as_version=4)
    state = kept.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    assert [s["state"]["value"] for s in state.values() if s["model_name"] == "IntSliderModel"] == [7]
    kept_code = [c for c in kept.cells if c.cell_type == "code"]
    assert "application/vnd.jupyter.widget-view+json" in kept_code[0].outputs[0].data
    assert kept_code[1].outputs[0].text == "42\n"
    cache = tmp_path / "cache"
    assert nbval_site.seed(executed, cache, root=tmp_path) == ["book/good.ipynb"]
    # a notebook whose code changed after nbval ran cannot be matched, and seeding says so
    changed = nbformat.read(str(book / "good.ipynb"), as_version=4)
    [c for c in changed.cells if c.cell_type == "code"][1].source = "print(43)"
    nbformat.write(changed, str(book / "good.ipynb"))
    with pytest.raises(ValueError, match="does not match"):
        nbval_site.seed(executed, cache, root=tmp_path)
