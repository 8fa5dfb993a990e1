"""Tests for tools/colab_cell.py on a tiny notebook (never on book/)."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

from tools import colab_cell
from tools.colab_cell import TAG, main, package_version, problem, repository, setup_source, update

ROOT = Path(__file__).resolve().parent.parent
URL = "https://github.com/example/kit"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    cfg = tmp_path / "_config.yml"
    cfg.write_text(f"title: t\nrepository:\n  url: {URL}\n  branch: main\n")
    return cfg


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 1. A chapter", id="title"),
        nbformat.v4.new_code_cell("import math\nprint(math.pi)", id="imports"),
        nbformat.v4.new_markdown_cell("Text.", id="text"),
        nbformat.v4.new_code_cell("x = 1", id="more"),
    ])
    path = tmp_path / "01_chapter.ipynb"
    nbformat.write(nb, path)
    return path


def test_repository_reads_url_and_branch_once_from_the_config(config, tmp_path):
    assert repository(config) == (URL, "main")
    (tmp_path / "b.yml").write_text("repository:\n  url: https://github.com/o/r.git/\n")
    assert repository(tmp_path / "b.yml") == ("https://github.com/o/r", "main")


def test_the_project_config_names_the_repository():
    url, branch = repository(ROOT / "_config.yml")
    assert url.startswith("https://github.com/") and branch == "main"
    assert (ROOT / "_config.yml").read_text().count(url) == 1  # written once; a YAML anchor reuses it


@pytest.mark.parametrize("text, match", [
    ("title: t\n", "no 'repository: url:' entry"),
    ("repository:\n  branch: main\n", "no 'repository: url:' entry"),
    ("repository:\n  url: http://github.com/o/r\n", "plain https:// address"),
    ("repository:\n  url: https://github.com/o/r@evil\n", "plain https:// address"),
    ("repository:\n  url: https://github.com/o/r\n  branch: 'a b'\n", "branch name"),
])
def test_repository_refuses_a_missing_or_odd_entry(tmp_path, text, match):
    cfg = tmp_path / "_config.yml"
    cfg.write_text(text)
    with pytest.raises(ValueError, match=match) as err:
        repository(cfg)
    assert str(cfg) in str(err.value)


def test_main_writes_the_cell_first_among_code_cells_and_check_passes_after(notebook, config, capsys):
    assert main([str(notebook), "--config", str(config), "--check"]) == 1
    assert "no colab-setup cell" in capsys.readouterr().out
    assert main([str(notebook), "--config", str(config)]) == 0
    nb = nbformat.read(notebook, as_version=4)
    assert [c.get("id") for c in nb.cells] == ["title", TAG, "imports", "text", "more"]
    cell = nb.cells[1]
    assert cell.cell_type == "code" and cell.outputs == [] and cell.execution_count is None
    assert cell.metadata["tags"] == ["colab-setup", "remove-cell"]
    # a release tag from the package's version, never a moving branch
    assert f'"mlcrystal @ git+{URL}@v{package_version()}"' in cell.source and "@main" not in cell.source
    nbformat.validate(nb)
    before = notebook.read_bytes()
    assert main([str(notebook), "--config", str(config), "--check"]) == 0
    assert main([str(notebook), "--config", str(config)]) == 0
    assert notebook.read_bytes() == before  # idempotent: nothing rewritten


def test_a_changed_repository_makes_the_cell_stale_and_update_keeps_one_cell(notebook, config, capsys):
    main([str(notebook), "--config", str(config)])
    config.write_text("repository:\n  url: https://github.com/moved/kit\n  branch: main\n")
    assert main([str(notebook), "--config", str(config), "--check"]) == 1
    assert "stale" in capsys.readouterr().out
    assert main([str(notebook), "--config", str(config)]) == 0
    nb = nbformat.read(notebook, as_version=4)
    setup = [c for c in nb.cells if TAG in c.metadata.get("tags", [])]
    assert len(setup) == 1 and "git+https://github.com/moved/kit@v" in setup[0].source
    assert [c.get("id") for c in nb.cells] == ["title", TAG, "imports", "text", "more"]


def test_problem_finds_misplaced_duplicated_and_untagged_cells():
    src = setup_source(URL, "0.1.0")
    tagged = {"tags": [TAG, "remove-cell"]}
    first = nbformat.v4.new_code_cell("x = 1")
    late = nbformat.v4.new_notebook(cells=[first, nbformat.v4.new_code_cell(src, metadata=tagged)])
    assert "not the first code cell" in problem(late, src)
    twice = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src, metadata=tagged, id=i) for i in "ab"])
    assert "2 colab-setup cells" in problem(twice, src)
    shown = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src, metadata={"tags": [TAG]})])
    assert "lacks the tags" in problem(shown, src)
    assert update(late, src) and [c.source for c in late.cells] == [src, "x = 1"]


def test_update_refuses_to_reuse_an_id_another_cell_has():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", id=TAG)])
    with pytest.raises(ValueError, match="already has the id 'colab-setup'"):
        update(nb, setup_source(URL, "0.1.0"))


def test_main_reports_bad_input_with_exit_code_2(tmp_path, config, capsys):
    assert main([str(tmp_path / "missing.ipynb"), "--config", str(config)]) == 2
    assert "missing.ipynb" in capsys.readouterr().err
    (tmp_path / "bad.yml").write_text("title: t\n")
    assert main([str(tmp_path / "x.ipynb"), "--config", str(tmp_path / "bad.yml")]) == 2
    assert "repository: url:" in capsys.readouterr().err


def test_the_cell_prints_nothing_off_colab():
    out = subprocess.run([sys.executable, "-c", setup_source(URL, "0.1.0")], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout == "" and out.stderr == ""


def test_the_cell_pip_installs_the_kit_on_colab(monkeypatch):
    calls = []
    google = types.ModuleType("google")
    google.colab = types.ModuleType("google.colab")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", google.colab)  # type: ignore[attr-defined]
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append((cmd, kw)))
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        exec(setup_source(URL, "1.2.3"), {})
    assert calls == [([sys.executable, "-m", "pip", "install", "-q", f"mlcrystal @ git+{URL}@v1.2.3"],
                      {"check": True})]
    assert stdout.getvalue() == ""


def test_default_notebooks_are_the_chapters():
    assert colab_cell.CHAPTER_GLOB == "book/[0-9][0-9]_*.ipynb"
    chapters = sorted(ROOT.glob(colab_cell.CHAPTER_GLOB))
    assert len(chapters) >= 6 and all(p.name[:2].isdigit() for p in chapters)
