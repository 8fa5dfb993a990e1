"""One execution of each notebook for two jobs: nbval's comparison and the website.

A pytest plugin (``-p tools.nbval_site``) and a small command line. With
``--nbval-executed DIR``, the notebooks that nbval executes are run the way the
website's build runs them (the figure settings of ``_config.yml``'s
``mlcrystal_figure_*``, which :mod:`mlcrystal_site` gives the build's kernels),
and each notebook whose every cell ran and matched its stored outputs is written
to ``DIR`` with its fresh outputs and the state of its widgets (the state that
``nbclient``'s ``store_widget_state`` keeps for a build). nbval never compares
images (PNG, JPEG, and here SVG): what it compares is unchanged.

``python tools/nbval_site.py seed DIR CACHE`` then puts those notebooks into the
jupyter-cache folder of the book's build, each checked to match its source in
``book/``, so that ``make book BOOK_EXECUTE=cache`` builds from them and executes
only a notebook that is missing (one that failed under nbval, for instance).
``.ci/run`` does this, so each notebook runs once natively in CI, not twice;
``make book`` on its own still executes every notebook.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
#: The book's Sphinx extensions (``mlcrystal_site``: the build's figure settings).
EXTENSIONS = ROOT / "book" / "_ext"

#: Asks a kernel for the state of every live widget (ipywidgets' embed format), as one JSON line.
_WIDGET_STATE_CODE = """\
import json as _mlc_json
try:
    import ipywidgets as _mlc_w
    _mlc_state = _mlc_w.Widget.get_manager_state(drop_defaults=False) if _mlc_w.widgets.widget._instances else None
except ImportError:
    _mlc_state = None
print(_mlc_json.dumps(_mlc_state))
"""


def kernel_environment(config_path: str | Path = ROOT / "_config.yml") -> dict[str, str]:
    """The environment variables the book's build gives its kernels for the website's figures
    (``mlcrystal_site.figure_environment`` on ``_config.yml``'s ``sphinx.config``, as the build calls it).

    >>> env = kernel_environment()
    >>> env["MLCRYSTAL_FIGURE_FORMATS"]
    'svg,retina'
    """
    if str(EXTENSIONS) not in sys.path:
        sys.path.insert(0, str(EXTENSIONS))
    import mlcrystal_site

    config = (yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) or {}).get("sphinx", {}).get("config", {})
    return mlcrystal_site.figure_environment(config or {})


def pytest_addoption(parser: Any) -> None:
    parser.addoption("--nbval-executed", metavar="DIR", default=None,
                     help="run the notebooks with the website's figure settings and write each one that passed, "
                          "with its fresh outputs and widget state, into DIR (for `make book BOOK_EXECUTE=cache`)")


def pytest_configure(config: Any) -> None:
    if config.getoption("--nbval-executed"):
        os.environ.update(kernel_environment())  # before any kernel starts: kernels inherit it


def pytest_collection_modifyitems(config: Any, items: list) -> None:
    if not config.getoption("--nbval-executed"):
        return
    for item in items:
        parent = item.parent
        skip = getattr(parent, "skip_compare", None)
        if skip is not None and "image/svg+xml" not in skip:
            parent.skip_compare = tuple(skip) + ("image/svg+xml",)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any):
    outcome = yield
    if not item.config.getoption("--nbval-executed") or not hasattr(item, "cell_num"):
        return
    report = outcome.get_result()
    runs = item.parent.__dict__.setdefault("_mlc_runs", {})
    if call.when == "call":
        runs[item.cell_num] = (report.passed, getattr(item, "test_outputs", None))
    elif report.failed:  # a failed set-up or tear-down spoils the notebook too
        runs[item.cell_num] = (False, None)


def executed_notebook(nb: nbformat.NotebookNode, runs: dict[int, tuple[bool, Any]],
                      widget_state: dict | None) -> nbformat.NotebookNode | None:
    """``nb`` with the fresh outputs of ``runs`` (code cell number -> (passed, outputs)), or None when
    any code cell did not run or did not pass."""
    out = copy.deepcopy(nb)
    code = [c for c in out.cells if c.cell_type == "code"]
    if len(runs) != len(code) or not all(ok and outs is not None for ok, outs in runs.values()):
        return None
    count = 0
    for num, cell in enumerate(code):
        count += 1
        cell.execution_count = count
        cell.outputs = [nbformat.from_dict(dict(o)) for o in runs[num][1]]
        for o in cell.outputs:
            if o.output_type == "execute_result":
                o.execution_count = count
    if widget_state and widget_state.get("state"):
        out.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": widget_state}
    else:
        out.metadata.pop("widgets", None)
    nbformat.validate(out)
    return out


def _widget_state(parent: Any) -> dict | None:
    kernel = parent.kernel
    msg_id = kernel.execute_cell_input(_WIDGET_STATE_CODE, allow_stdin=False)
    kernel.await_reply(msg_id, timeout=120)
    text = []
    while True:
        msg = parent.get_kernel_message(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            text.append(msg["content"]["text"])
        if msg["msg_type"] == "error":
            raise RuntimeError(f"could not read the widget state: {msg['content']['evalue']}")
    return json.loads("".join(text))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> None:
    folder = item.config.getoption("--nbval-executed")
    if not folder or not hasattr(item, "cell_num") or (nextitem is not None and nextitem.parent is item.parent):
        return
    parent = item.parent  # the notebook's last cell: its kernel is still alive
    target = Path(folder) / Path(str(parent.fspath)).resolve().relative_to(Path(str(item.config.rootpath)).resolve())
    target.unlink(missing_ok=True)  # never leave an older run's copy of a notebook that failed now
    if parent.kernel is None or not parent.kernel.is_alive():
        return
    done = executed_notebook(parent.nb, parent.__dict__.get("_mlc_runs", {}), _widget_state(parent))
    if done is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(done, str(target))


def seed(executed: str | Path, cache_path: str | Path, root: str | Path = ROOT) -> list[str]:
    """Put every notebook of ``executed`` into the jupyter cache at ``cache_path``.

    Each must match the notebook of the same path under ``root`` (its code cells and their
    metadata), or the seeding stops with an error: the build would not use it.
    Returns the paths seeded.
    """
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))
    done = []
    for path in sorted(Path(executed).rglob("*.ipynb")):
        rel = path.relative_to(executed)
        source = Path(root) / rel
        if not source.is_file():
            raise FileNotFoundError(f"{path}: no notebook {source} to match it")
        cache.cache_notebook_file(str(path), uri=str(source), check_validity=False, overwrite=True)
        try:
            cache.match_cache_notebook(nbformat.read(str(source), as_version=4))
        except KeyError:
            raise ValueError(f"{path} does not match {source} (its code cells changed since nbval ran)") from None
        done.append(str(rel))
    return done


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed", help="put nbval's executed notebooks into the book's jupyter cache")
    s.add_argument("executed")
    s.add_argument("cache")
    args = ap.parse_args(argv)
    if not Path(args.executed).is_dir():
        print(f"nbval_site: no folder {args.executed} (run make nbval NBVAL_EXECUTED={args.executed} first)")
        return 1
    done = seed(args.executed, args.cache)
    print(f"nbval_site: {len(done)} notebook(s) from {args.executed} in {args.cache}: {', '.join(done) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
