"""The student edition: the book without its solutions (the self-checks stay).

A solution is a code cell tagged ``solution`` (and ``hide-cell``, so the
website folds it) whose metadata names its exercise::

    "tags": ["hide-cell", "solution"],
    "mlcrystal": {"exercise": 2, "answer": "answer_2"}

It starts ``# Solution 2``, sets the variable named by ``answer`` and prints
what the result means; the next cell calls
``check.exercise("ch1", 2, answer_2, student=student)``.

``python tools/student_edition.py OUT`` copies the book (``_config.yml``,
``_toc.yml``, ``book/``) to ``OUT`` and replaces each solution cell by an
empty workspace that sets the answer to None, so the check cell still runs
and says "no answer yet"; ``make student`` then builds the site from ``OUT``.

``python tools/student_edition.py --label NOTEBOOK...`` writes each solution's
toggle text from its exercise number (myst-nb's ``code_prompt_show`` and
``code_prompt_hide``: "Show the solution to exercise 2"), so on the website the
toggle's name says which exercise it solves; ``--check`` fails where a label is
missing or stale.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTION_TAG = "solution"


def solution_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of the cells tagged ``solution``."""
    return [i for i, c in enumerate(nb.cells) if SOLUTION_TAG in c.metadata.get("tags", [])]


def _exercise_of(cell: nbformat.NotebookNode, where: str) -> tuple[int, str]:
    meta = cell.metadata.get("mlcrystal", {})
    number, answer = meta.get("exercise"), meta.get("answer")
    if not isinstance(number, int) or not isinstance(answer, str) or not answer.isidentifier():
        raise ValueError(f"{where}: a cell tagged 'solution' needs metadata "
                         '"mlcrystal": {"exercise": N, "answer": "answer_N"} (got '
                         f"{meta!r}); add it in the notebook's cell metadata.")
    if cell.cell_type != "code":
        raise ValueError(f"{where}: a solution is a code cell (it is a {cell.cell_type} cell).")
    return number, answer


def prompts(number: int) -> dict[str, str]:
    """The toggle texts of exercise ``number``'s solution.

    Examples
    --------
    >>> prompts(2)["code_prompt_show"]
    'Show the solution to exercise 2'
    """
    return {"code_prompt_show": f"Show the solution to exercise {number}",
            "code_prompt_hide": f"Hide the solution to exercise {number}"}


def label_problems(nb: nbformat.NotebookNode, name: str = "notebook") -> list[str]:
    """Solution cells whose label, tags or first line do not match their exercise."""
    problems = []
    for i in solution_cells(nb):
        cell, where = nb.cells[i], f"{name} cell {i}"
        try:
            number, _ = _exercise_of(cell, where)
        except ValueError as err:
            problems.append(str(err))
            continue
        if "hide-cell" not in cell.metadata.get("tags", []):
            problems.append(f"{where}: a solution is also tagged hide-cell (folded on the website)")
        if not cell.source.startswith(f"# Solution {number}\n"):
            problems.append(f"{where}: the solution to exercise {number} starts '# Solution {number}'")
        mystnb = cell.metadata.get("mystnb", {})
        if {k: mystnb.get(k) for k in prompts(number)} != prompts(number):
            problems.append(f"{where}: its toggle does not name exercise {number}; run "
                            "python tools/student_edition.py --label on the notebook")
    for i, cell in enumerate(nb.cells):
        want = _collapsed(cell)
        if want and {k: cell.metadata.get("jupyter", {}).get(k) for k in want} != want:
            problems.append(f"{name} cell {i}: not collapsed in JupyterLab as on the website ({want}); run "
                            "python tools/student_edition.py --label on the notebook")
    return problems


def _collapsed(cell: nbformat.NotebookNode) -> dict[str, bool]:
    """What JupyterLab should fold, as the website does: a solution whole, a sentence's code."""
    tags = cell.metadata.get("tags", [])
    if cell.cell_type != "code":
        return {}
    if "solution" in tags:
        return {"source_hidden": True, "outputs_hidden": True}
    if "remove-input" in tags or "hide-input" in tags:
        return {"source_hidden": True}
    return {}


def label(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """Write each solution's toggle texts from its exercise number, and fold in JupyterLab what the website
    folds: solutions whole, the code of sentences written by code (in place; returns ``nb``)."""
    for i in solution_cells(nb):
        number, _ = _exercise_of(nb.cells[i], f"{name} cell {i}")
        nb.cells[i].metadata.setdefault("mystnb", {}).update(prompts(number))
    for cell in nb.cells:  # JupyterLab folds what the website folds (Colab shows it all)
        if _collapsed(cell):
            cell.metadata.setdefault("jupyter", {}).update(_collapsed(cell))
    return nb


def student_notebook(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """A copy of ``nb`` whose solution cells are empty workspaces that set the answer to None."""
    out = nbformat.from_dict(nb)
    for i in solution_cells(out):
        number, answer = _exercise_of(out.cells[i], f"{name} cell {i}")
        out.cells[i] = nbformat.v4.new_code_cell(
            f"# Exercise {number}: your work here; then set {answer} to your answer\n{answer} = None",
            metadata={"tags": ["exercise-workspace"]})
    return out


def write_edition(out: Path, root: Path = ROOT) -> list[Path]:
    """Copy the book to ``out`` with every chapter's solutions removed; returns the notebooks written."""
    if out.resolve() == root.resolve() or root.resolve() in out.resolve().parents and \
            out.resolve().parts[len(root.resolve().parts)] == "book":
        raise ValueError(f"{out}: write the student edition outside the book's sources (e.g. _build/student).")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(root / name, out / name)
    shutil.copytree(root / "book", out / "book", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "_build"))
    written = []
    for path in sorted((out / "book").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if solution_cells(nb):
            nbformat.write(student_notebook(nb, path.name), path)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="OUT folder, or notebooks with --label/--check")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--label", action="store_true", help="write each solution's toggle texts in place")
    mode.add_argument("--check", action="store_true", help="fail where a solution's label is missing or stale")
    args = parser.parse_args(argv)
    if args.label or args.check:
        paths = args.paths or sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
        problems = []
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            if args.label:
                nbformat.write(label(nb, path.name), path)
            else:
                problems += label_problems(nb, path.name)
        print("\n".join(problems) or f"{len(paths)} notebooks: every solution names its exercise")
        return 1 if problems else 0
    if len(args.paths) != 1:
        parser.error("give one output folder, e.g. _build/student")
    written = write_edition(args.paths[0])
    print(f"student edition in {args.paths[0]}: solutions removed from {len(written)} notebooks "
          f"({', '.join(p.name for p in written) or 'none'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
