"""Exercises that check themselves.

A chapter's exercise ends with ``check.exercise("ch1", 2, answer)``: it prints
whether the answer is right and, when it is not, a hint. Where sharing a
number would give the exercise away, the question has variants: a student
passes their id (``student="s1234567"``, set once in the chapter's
``parameters`` cell), :func:`variant` draws that student's parameters from a
hash of the id, and the check computes that variant's reference answer with
the package's own functions (no answer is stored). Without an id the first
variant is used, which is the one the book's solutions work and nbval runs.

A chapter author registers an exercise with :func:`register` (see
CONTRIBUTING.md, "Exercises that check themselves").
"""

from __future__ import annotations

import hashlib
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rdkit import Chem

from mlcrystal.datasets import load_youngs_modulus
from mlcrystal.rules.audit import audit, parse_smiles

__all__ = ["Exercise", "Result", "exercise", "register", "variant", "EXERCISES", "reference"]


@dataclass(frozen=True)
class Exercise:
    """One exercise: its variants' parameters, how to compute the reference, and a hint."""

    chapter: str
    number: int
    question: str
    reference: Callable[..., Any]
    hint: str
    variants: tuple[dict[str, Any], ...] = field(default_factory=lambda: ({},))
    tolerance: float = 0.0  # absolute; 0 means an exact whole number is expected


@dataclass(frozen=True)
class Result:
    """What :func:`exercise` printed: ``correct`` is None when the answer could not be read."""

    correct: bool | None
    message: str

    def __repr__(self) -> str:
        return self.message


#: Every registered exercise, by (chapter, number).
EXERCISES: dict[tuple[str, int], Exercise] = {}


def register(chapter: str, number: int, *, question: str, hint: str,
             variants: Sequence[dict[str, Any]] = ({},), tolerance: float = 0.0
             ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the function that computes an exercise's reference answer from a variant's parameters."""
    if not variants:
        raise ValueError(f"{chapter} exercise {number}: give at least one variant ({{}} for none).")

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        key = (chapter, number)
        if key in EXERCISES:
            raise ValueError(f"{chapter} exercise {number} is registered twice.")
        EXERCISES[key] = Exercise(chapter, number, question, func, hint, tuple(dict(v) for v in variants),
                                  tolerance)
        return func

    return wrap


def _get(chapter: str, number: int) -> Exercise:
    try:
        return EXERCISES[(chapter, number)]
    except KeyError:
        known = sorted(n for c, n in EXERCISES if c == chapter)
        where = f"chapter {chapter!r} has exercises {known}" if known else \
            f"known chapters: {sorted({c for c, _ in EXERCISES})}"
        raise KeyError(f"no exercise {number} in chapter {chapter!r}; {where}.") from None


def _variant_index(ex: Exercise, student: str | None) -> int:
    if student is None:
        return 0
    if not isinstance(student, str) or not student.strip():
        raise ValueError(f"student must be a non-empty text id such as 's1234567'; got {student!r}.")
    digest = hashlib.sha256(f"{ex.chapter}:{ex.number}:{student.strip()}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % len(ex.variants)


def variant(chapter: str, number: int, student: str | None = None) -> dict[str, Any]:
    """The parameters of an exercise for one student (the first variant when ``student`` is None).

    Examples
    --------
    >>> variant("ch1", 1)
    {'e_range': (0.1, 50.0)}
    >>> variant("ch1", 1, "s1234567") == variant("ch1", 1, " s1234567 ")  # the same student, the same variant
    True
    """
    ex = _get(chapter, number)
    return dict(ex.variants[_variant_index(ex, student)])


@cache
def _reference(chapter: str, number: int, index: int) -> Any:
    ex = EXERCISES[(chapter, number)]
    return ex.reference(**ex.variants[index])


def reference(chapter: str, number: int, student: str | None = None) -> Any:
    """The reference answer of a student's variant, computed with the package's functions."""
    ex = _get(chapter, number)
    return _reference(chapter, number, _variant_index(ex, student))


def _read_number(answer: Any) -> float | str:
    """The answer as a float, or a sentence saying why it cannot be read."""
    if answer is None:
        return "no answer yet: replace None with your answer"
    if isinstance(answer, bool):
        return f"the answer is {answer}, a yes/no; this exercise asks for a number"
    if isinstance(answer, str):
        try:
            value = float(answer.strip())
        except ValueError:
            return f"the answer {answer!r} is text, not a number; give a number such as 7"
        return value
    if hasattr(answer, "__len__") and not hasattr(answer, "item"):
        return (f"the answer is a {type(answer).__name__} of {len(answer)} items; this exercise asks for one "
                "number (e.g. len(...) of your table)")
    if hasattr(answer, "item") and getattr(answer, "size", 1) == 1:
        answer = answer.item()
    if not isinstance(answer, numbers.Real):
        return f"the answer is a {type(answer).__name__}; this exercise asks for a number"
    value = float(answer)
    if not math.isfinite(value):
        return f"the answer is {value}; this exercise asks for a finite number"
    return value


def exercise(chapter: str, number: int, answer: Any, *, student: str | None = None) -> Result:
    """Say whether ``answer`` is right for this student's variant, with a hint when it is not.

    Parameters
    ----------
    chapter : str
        "ch1", "ch2", ...
    number : int
        The exercise's number in the chapter.
    answer
        The student's answer (a number).
    student : str, optional
        The student's id; it picks the variant (see :func:`variant`). None: the book's variant.

    Returns
    -------
    Result
        Also printed, so a cell that calls it shows the verdict.
    """
    ex = _get(chapter, number)
    index = _variant_index(ex, student)
    params = ex.variants[index]
    which = f"{chapter}, exercise {number}" + (f" (your variant: {_describe(params)})" if student else "")
    value = _read_number(answer)
    if isinstance(value, str):
        result = Result(None, f"{which}: cannot check yet, {value}.")
    else:
        expected = float(_reference(chapter, number, index))
        ok = abs(value - expected) <= ex.tolerance if ex.tolerance else value == expected
        if ok:
            result = Result(True, f"{which}: right.")
        else:
            result = Result(False, f"{which}: not yet. Hint: {ex.hint}")
    print(result.message)
    return result


def _describe(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in params.items()) or "the book's"


# --- chapter 1: data collection -------------------------------------------------------------

@cache
def _youngs_raw():
    return load_youngs_modulus(clean=False)


@register("ch1", 1,
          question="How many rows does audit(raw, e_range=e_range) flag as 'implausible modulus'?",
          hint="run flags = audit(raw, e_range=...) with your variant's range and count the rows of "
               "flags[flags.flag == 'implausible modulus'] (len(...)).",
          variants=[{"e_range": (0.1, 50.0)}, {"e_range": (0.1, 40.0)}, {"e_range": (0.05, 60.0)},
                    {"e_range": (0.2, 45.0)}, {"e_range": (0.5, 35.0)}])
def _ch1_ex1(e_range: tuple[float, float]) -> int:
    flags = audit(_youngs_raw(), e_range=e_range)
    return int((flags.flag == "implausible modulus").sum())


@register("ch1", 2,
          question="How many duplicate rows repeat a row of the same reference?",
          hint="the audit's 'duplicate row' findings say in their detail column whether the earlier row has "
               "'same reference' or another one; count those that say 'same reference'.")
def _ch1_ex2() -> int:
    flags = audit(_youngs_raw())
    dup = flags[flags.flag == "duplicate row"]
    return int(dup.detail.str.contains("same reference").sum())


@register("ch1", 3,
          question="How many rows whose compound name contains `word` have a SMILES without the group `smarts`?",
          hint="select the rows whose compound contains the word (case-insensitive), parse each SMILES with "
               "mlcrystal.rules.audit.parse_smiles, and count those where "
               "mol.HasSubstructMatch(Chem.MolFromSmarts(smarts)) "
               "is False.",
          variants=[{"word": "hydroxy", "smarts": "[OX2H]"}])
def _ch1_ex3(word: str, smarts: str) -> int:
    raw = _youngs_raw()
    pattern = Chem.MolFromSmarts(smarts)
    hits = raw[raw.compound.str.contains(word, case=False, na=False)]
    mols = [parse_smiles(s) for s in hits.smiles]
    return sum(1 for m in mols if m is None or not m.HasSubstructMatch(pattern))


# --- chapter 7: replaying the 73x claim ------------------------------------------------------

import pandas as pd  # noqa: E402 (chapter 7's block keeps its imports with it)

from mlcrystal.force import teaching as _teaching  # noqa: E402
from mlcrystal.force.landscape import BlockingForceLandscape  # noqa: E402
from mlcrystal.force.replay_tables import REPLAY_DIR  # noqa: E402


@cache
def _ch7_tables():
    return (pd.read_csv(REPLAY_DIR / "ratios_ch6.csv.gz", low_memory=False),
            pd.read_csv(REPLAY_DIR / "baselines_ratio_ch6.csv"))


@cache
def _ch7_landscape():
    return BlockingForceLandscape(library="published")


@register("ch7", 1,
          question="Against a grid including the box edges with `levels` levels per variable, visited in random "
                   "order, what is BO's efficiency ratio at the 90 % target (the grid's expected experiments to a "
                   "first hit over BO's median experiments, budget 120, initial design counted)? One decimal.",
          hint="teaching.baseline_cost(baselines, 0.9, 'grid-edges', levels).expected divided by BO's median "
               "experiments to target (the 'median' column of teaching.ratio_side_by_side).",
          variants=[{"levels": 4}, {"levels": 5}, {"levels": 6}, {"levels": 7}, {"levels": 8}], tolerance=0.1)
def _ch7_ex1(levels: int) -> float:
    ratios, baselines = _ch7_tables()
    t = _teaching.ratio_side_by_side(ratios, baselines, 0.9, [levels])
    return round(float(t.loc[t.baseline == "grid including the box edges", "ratio"].iloc[0]), 1)


@register("ch7", 2,
          question="What is the coarsest grid of cell centres (levels per variable) that holds at least one point "
                   "at `fraction` of the optimum?",
          hint="in the baselines table, keep the calibrated landscape, your fraction and baseline 'grid-centres', "
               "and find the smallest levels with n_hits > 0.",
          variants=[{"fraction": 0.9}, {"fraction": 0.85}, {"fraction": 0.8}, {"fraction": 0.95},
                    {"fraction": 0.75}])
def _ch7_ex2(fraction: float) -> int:
    _, baselines = _ch7_tables()
    t = baselines[(baselines.landscape == "calibrated") & (baselines.baseline == "grid-centres")
                  & (abs(baselines.fraction - fraction) < 1e-9) & (baselines.n_hits > 0)]
    return int(t.levels.min())


@register("ch7", 3,
          question="The optimal crystal has the largest width, W = 2000 µm. What share of the optimum (in %, one "
                   "decimal) does it keep when its width is cut to the widest width of a `levels`-level grid of "
                   "cell centres, everything else unchanged?",
          hint="the widest cell centre is 200 + (levels - 1/2) * 1800 / levels µm; measure land.force(...) of the "
               "optimum's compound, L, T and P at that width and divide by the optimum's force "
               "(teaching.edge_width_share does both).",
          variants=[{"levels": 4}, {"levels": 3}, {"levels": 5}, {"levels": 6}, {"levels": 8}], tolerance=0.1)
def _ch7_ex3(levels: int) -> float:
    return round(100 * _teaching.edge_width_share(_ch7_landscape(), levels)["share"], 1)
