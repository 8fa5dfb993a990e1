"""tools/student_edition.py: solutions out, checks in, every solution named by its exercise."""

from pathlib import Path

import nbformat
import pytest

from tools.student_edition import label, label_problems, main, solution_cells, student_notebook, write_edition

ROOT = Path(__file__).resolve().parents[1]
CONVERTED = sorted(p for p in (ROOT / "book").glob("[0-9][0-9]_*.ipynb")
                   if solution_cells(nbformat.read(p, as_version=4)))


def _toy():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("**Exercise 2.** Count the rows."),
                nbformat.v4.new_code_cell("# Solution 2\nanswer_2 = 3\nprint('Three rows are flagged here.')",
                                          metadata={"tags": ["hide-cell", "solution"],
                                                    "mlcrystal": {"exercise": 2, "answer": "answer_2"}}),
                nbformat.v4.new_code_cell('check.exercise("ch1", 2, answer_2, student=student)')]
    return nb


def test_student_notebook_drops_solutions_and_keeps_checks():
    out = student_notebook(_toy())
    assert solution_cells(out) == []
    assert out.cells[1].source.endswith("answer_2 = None") and "Solution" not in out.cells[1].source
    assert out.cells[2].source == 'check.exercise("ch1", 2, answer_2, student=student)'


def test_labels_name_the_exercise_and_stale_labels_are_found():
    nb = _toy()
    assert any("does not name exercise 2" in p for p in label_problems(nb))
    label(nb)
    assert label_problems(nb) == []
    assert nb.cells[1].metadata["mystnb"]["code_prompt_show"] == "Show the solution to exercise 2"
    nb.cells[1].metadata["mlcrystal"]["exercise"] = 3
    assert any("starts '# Solution 3'" in p for p in label_problems(nb))
    del nb.cells[1].metadata["mlcrystal"]
    with pytest.raises(ValueError, match='"exercise": N'):
        label(nb)


@pytest.mark.parametrize("path", CONVERTED, ids=[p.stem for p in CONVERTED])
def test_converted_chapters_label_every_solution(path):
    assert label_problems(nbformat.read(path, as_version=4), path.name) == []
    assert main(["--check", str(path)]) == 0


def test_write_edition_copies_the_book_without_solutions(tmp_path):
    written = write_edition(tmp_path / "student")
    assert {p.name for p in written} == {p.name for p in CONVERTED}
    for p in written:
        nb = nbformat.read(p, as_version=4)
        assert solution_cells(nb) == [] and "check.exercise(" in "".join(c.source for c in nb.cells)
    assert (tmp_path / "student" / "_toc.yml").exists()
    with pytest.raises(ValueError, match="outside the book's sources"):
        write_edition(ROOT / "book" / "student")
