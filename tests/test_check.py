"""mlcrystal.check: right, wrong and malformed answers; variants drawn from a student id."""

import numpy as np
import pytest

from mlcrystal import check
from mlcrystal.datasets import load_youngs_modulus
from mlcrystal.rules.audit import audit


@pytest.fixture()
def toy_exercise():
    key = ("toy", 1)
    check.register("toy", 1, question="a + b?", hint="add them.",
                   variants=[{"a": 1, "b": 2}, {"a": 10, "b": 20}, {"a": 5, "b": 5}])(lambda a, b: a + b)
    yield key
    del check.EXERCISES[key]
    check._reference.cache_clear()


def test_right_wrong_and_hint(toy_exercise, capsys):
    right = check.exercise("toy", 1, 3)
    assert right.correct is True and repr(right) == "toy, exercise 1: right."
    wrong = check.exercise("toy", 1, 4)
    assert wrong.correct is False and "Hint: add them." in wrong.message
    assert capsys.readouterr().out == ""  # said once, as the cell's result, not printed as well


@pytest.mark.parametrize("answer, says", [(None, "no answer yet"), ("three", "is text"), (True, "yes/no"),
                                          ([1, 2], "list of 2 items"), (float("nan"), "finite number"),
                                          (object(), "asks for a number")])
def test_malformed_answers_are_not_judged(toy_exercise, answer, says):
    result = check.exercise("toy", 1, answer)
    assert result.correct is None and says in result.message


def test_numeric_text_and_numpy_scalars_are_read(toy_exercise):
    assert check.exercise("toy", 1, " 3 ").correct is True
    assert check.exercise("toy", 1, np.int64(3)).correct is True
    assert check.exercise("toy", 1, np.float64(3.0)).correct is True


def test_variants_follow_the_student_and_the_check_knows_each(toy_exercise):
    students = [f"s{i:04d}" for i in range(60)]
    drawn = [check.variant("toy", 1, s) for s in students]
    assert {tuple(v.items()) for v in drawn} == {tuple(v.items()) for v in check.EXERCISES[toy_exercise].variants}
    assert check.variant("toy", 1, "s0001") == check.variant("toy", 1, "s0001")
    assert check.variant("toy", 1) == {"a": 1, "b": 2}
    for s, v in zip(students[:10], drawn[:10], strict=True):
        assert check.exercise("toy", 1, v["a"] + v["b"], student=s).correct is True
    # someone else's answer is wrong for a student with another variant
    other = next(s for s, v in zip(students, drawn, strict=True) if v != drawn[0])
    assert check.exercise("toy", 1, drawn[0]["a"] + drawn[0]["b"], student=other).correct is False


def test_bad_student_and_unknown_exercise(toy_exercise):
    with pytest.raises(ValueError, match="non-empty text id"):
        check.variant("toy", 1, "  ")
    with pytest.raises(KeyError, match=r"chapter 'toy' has exercises \[1\]"):
        check.exercise("toy", 9, 1)
    with pytest.raises(ValueError, match="registered twice"):
        check.register("toy", 1, question="q", hint="h")(lambda: 0)


@pytest.mark.needs_data
def test_chapter1_references_come_from_the_audit():
    raw = load_youngs_modulus(clean=False)
    for i, params in enumerate(check.EXERCISES[("ch1", 1)].variants):
        flags = audit(raw, e_range=params["e_range"])
        assert check._reference("ch1", 1, i) == int((flags.flag == "implausible modulus").sum())
    counts = [check._reference("ch1", 1, i) for i in range(len(check.EXERCISES[("ch1", 1)].variants))]
    assert len(set(counts)) > 1, "variants that share one answer give nothing away to hide"
    assert check.exercise("ch1", 2, check.reference("ch1", 2)).correct is True


@pytest.mark.needs_data
def test_chapter2_references_and_variants():
    from mlcrystal.rules.features import drop_constant, fragment_counts, paper_design_matrix, prune_correlated

    raw = load_youngs_modulus(clean=False)
    X = paper_design_matrix(raw)
    kept, _ = prune_correlated(drop_constant(fragment_counts(raw.smiles)), 0.8)
    assert check.reference("ch2", 2) == len(set(kept) - set(X.columns)) == 8
    assert check.reference("ch2", 1) == 5  # caffeine: its carbonyls are invisible (aromatic rings)
    assert check.reference("ch2", 3) == 0  # counts of a co-crystal add up
    assert check.reference("ch2", 4) == pytest.approx(0.24, abs=0.005)
    for k in (1, 2, 4):
        n = len(check.EXERCISES[("ch2", k)].variants)
        assert len({round(float(check._reference("ch2", k, i)), 2) for i in range(n)}) > 1
    assert check.exercise("ch2", 4, 0.245).correct is True and check.exercise("ch2", 4, 0.6).correct is False
