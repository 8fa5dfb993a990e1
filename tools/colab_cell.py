"""Give every chapter a first code cell that installs the kit on Google Colab.

"Open in Colab" opens one notebook from the repository, without the package
beside it. The cell this tool writes (tagged ``colab-setup``) installs
``mlcrystal`` from the repository named once, in ``_config.yml``
(``repository: url:``, the entry the launch buttons and issue links use), at
the release tag of the package's version (``v`` + ``mlcrystal.__version__``,
e.g. ``v0.1.0``: a fixed release, not whatever ``main`` holds that day),
when ``google.colab`` can be imported; anywhere else it does nothing
and prints nothing, so stored outputs and nbval are unaffected. The cell is
also tagged ``remove-cell``: the website does not show it.

Usage::

    python tools/colab_cell.py            # write or update the cell in book/NN_*.ipynb
    python tools/colab_cell.py --check    # exit 1 when a notebook's cell is missing or stale
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
#: The tag that marks the set-up cell (and the id it gets in nbformat >= 4.5 notebooks).
TAG = "colab-setup"
#: Tags the cell carries: ours, and Jupyter Book's "do not show on the website".
TAGS = [TAG, "remove-cell"]
#: The chapters: ``book/NN_*.ipynb``.
CHAPTER_GLOB = "book/[0-9][0-9]_*.ipynb"

_TEMPLATE = '''\
# On Google Colab only: install the mlcrystal kit (elsewhere this cell does nothing).
try:
    import google.colab  # noqa: F401
except ImportError:
    pass
else:
    import subprocess
    import sys

    kit = "mlcrystal @ git+{url}@{tag}"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", kit], check=True)'''


def repository(config: str | Path) -> tuple[str, str]:
    """The repository URL and branch named in a Jupyter Book ``_config.yml``.

    Parameters
    ----------
    config : str or Path
        The book's configuration file.

    Returns
    -------
    (url, branch)
        ``repository.url`` without a trailing slash or ``.git``, and
        ``repository.branch`` (``"main"`` when absent).

    Raises
    ------
    ValueError
        If the file has no ``repository: url:`` or the URL is not an
        ``https://`` address.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> cfg = pathlib.Path(tempfile.mkdtemp()) / "_config.yml"
    >>> _ = cfg.write_text("repository:\\n  url: https://github.com/o/r.git\\n  branch: dev\\n")
    >>> repository(cfg)
    ('https://github.com/o/r', 'dev')
    """
    path = Path(config)
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    repo = data.get("repository") if isinstance(data, dict) else None
    if not isinstance(repo, dict) or not isinstance(repo.get("url"), str) or not repo["url"].strip():
        raise ValueError(f"{path}: no 'repository: url:' entry (got repository={repo!r}); add the "
                         "repository's https address there, e.g. 'repository:\\n  url: https://github.com/owner/name'")
    url = repo["url"].strip().rstrip("/").removesuffix(".git")
    if not url.startswith("https://") or any(c in url for c in " \"'@"):
        raise ValueError(f"{path}: 'repository: url:' must be a plain https:// address without quotes, "
                         f"spaces or '@'; got {url!r}")
    branch = repo.get("branch") or "main"
    if not isinstance(branch, str) or any(c in branch for c in " \"'@"):
        raise ValueError(f"{path}: 'repository: branch:' must be a branch name; got {branch!r}")
    return url, branch


def package_version(init: str | Path = ROOT / "mlcrystal" / "__init__.py") -> str:
    r"""The package's version, ``__version__`` in ``mlcrystal/__init__.py`` (read, not imported).

    Examples
    --------
    >>> import re
    >>> bool(re.fullmatch(r"\d+\.\d+\.\d+\S*", package_version()))
    True
    """
    path = Path(init)
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', path.read_text(encoding="utf-8"), re.M)
    if match is None:
        raise ValueError(f"{path}: no line __version__ = \"X.Y.Z\"")
    return match.group(1)


def release_tag(version: str) -> str:
    """The git tag of a release: ``v`` and the version.

    Examples
    --------
    >>> release_tag("0.1.0")
    'v0.1.0'
    """
    if not version or any(c in version for c in " \"'@/"):
        raise ValueError(f"not a version number: {version!r}")
    return f"v{version}"


def setup_source(url: str, version: str) -> str:
    """The source of the set-up cell for a repository URL and the package's version.

    Examples
    --------
    >>> print(setup_source("https://github.com/o/r", "0.1.0").splitlines()[-2].strip())
    kit = "mlcrystal @ git+https://github.com/o/r@v0.1.0"
    """
    return _TEMPLATE.format(url=url, tag=release_tag(version))


def _is_setup(cell: nbformat.NotebookNode) -> bool:
    return TAG in cell.get("metadata", {}).get("tags", [])


def problem(nb: nbformat.NotebookNode, source: str) -> str | None:
    """What is wrong with a notebook's set-up cell, or None when it is up to date.

    Up to date means: exactly one cell tagged ``colab-setup``, it is the first
    code cell, and its source is ``source``.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    >>> problem(nb, setup_source("https://github.com/o/r", "0.1.0"))
    'no colab-setup cell'
    """
    tagged = [i for i, c in enumerate(nb.cells) if _is_setup(c)]
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    if not tagged:
        return f"no {TAG} cell"
    if len(tagged) > 1:
        return f"{len(tagged)} {TAG} cells (cells {tagged}); expected one"
    i = tagged[0]
    if nb.cells[i].cell_type != "code":
        return f"the {TAG} cell (cell {i}) is a {nb.cells[i].cell_type} cell, not a code cell"
    if code[0] != i:
        return f"the {TAG} cell is cell {i}, not the first code cell (cell {code[0]})"
    if nb.cells[i].source != source:
        return f"the {TAG} cell's source is stale (differs from what _config.yml's repository gives)"
    if [t for t in TAGS if t not in nb.cells[i].metadata.get("tags", [])]:
        return f"the {TAG} cell lacks the tags {TAGS}"
    return None


def update(nb: nbformat.NotebookNode, source: str) -> bool:
    """Write or refresh the set-up cell in place; return whether anything changed.

    Removes every cell tagged ``colab-setup`` and inserts one, before the first
    code cell (after the title cell), without outputs.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"),
    ...                                      nbformat.v4.new_code_cell("x = 1")])
    >>> update(nb, setup_source("https://github.com/o/r", "0.1.0")), [c.cell_type for c in nb.cells]
    (True, ['markdown', 'code', 'code'])
    >>> update(nb, setup_source("https://github.com/o/r", "0.1.0"))
    False
    """
    if problem(nb, source) is None:
        return False
    old = [c for c in nb.cells if _is_setup(c)]
    nb.cells = [c for c in nb.cells if not _is_setup(c)]
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(TAGS)})
    if (nb.nbformat, nb.nbformat_minor) >= (4, 5):
        cell["id"] = old[0].get("id", TAG) if old else TAG
        if cell["id"] in {c.get("id") for c in nb.cells}:
            raise ValueError(f"a cell other than the set-up cell already has the id {cell['id']!r}; rename it")
    else:
        cell.pop("id", None)
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first_code, cell)
    return True


def main(argv: list[str] | None = None) -> int:
    """Command line; returns the exit code (0 done or up to date, 1 ``--check`` found problems, 2 bad input).

    Examples
    --------
    >>> main(["--config", "no/such/_config.yml", "--check"])
    2
    """
    ap = argparse.ArgumentParser(prog="python tools/colab_cell.py",
                                 description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("notebooks", nargs="*", type=Path,
                    help=f"notebooks to treat (default: {CHAPTER_GLOB} under the repository)")
    ap.add_argument("--config", type=Path, default=ROOT / "_config.yml",
                    help="the book's _config.yml, whose repository: url: is installed")
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 if a cell is missing or stale")
    args = ap.parse_args(argv)
    notebooks = args.notebooks or sorted(ROOT.glob(CHAPTER_GLOB))
    try:
        source = setup_source(repository(args.config)[0], package_version())
        if not notebooks:
            raise ValueError(f"no notebooks given and none match {CHAPTER_GLOB} under {ROOT}")
        read = {path: nbformat.read(path, as_version=4) for path in notebooks}
    except (OSError, ValueError, yaml.YAMLError) as err:
        print(f"colab_cell: {err}", file=sys.stderr)
        return 2
    stale = 0
    for path, nb in read.items():
        why = problem(nb, source)
        if why is None:
            continue
        stale += 1
        if args.check:
            print(f"{path}: {why}; run `python tools/colab_cell.py` to write it")
        else:
            update(nb, source)
            nbformat.write(nb, path)
            print(f"{path}: {TAG} cell written ({why})")
    if args.check and stale:
        return 1
    print(f"colab_cell: {len(read)} notebook(s), {stale} {'stale' if args.check else 'updated'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
