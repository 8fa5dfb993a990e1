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


# --- chapter 6: a blocking-force landscape ------------------------------------------------------

from mlcrystal import study as _study  # noqa: E402
from mlcrystal.datasets import load_initial_blocking_force as _load_initial  # noqa: E402
from mlcrystal.force import ensemble as _ensemble  # noqa: E402
from mlcrystal.force import landscape as _landscape  # noqa: E402


@register("ch6", 1,
          question="What is the best force (mN) of BlockingForceLandscape(sensor_stiffness_N_m=k), "
                   "with the stored calibration?",
          hint="build the landscape with your variant's sensor stiffness and read optimum()['force_mN']; "
               "round to 0.1 mN.",
          variants=[{"sensor_stiffness_N_m": float("inf")}, {"sensor_stiffness_N_m": 3000.0},
                    {"sensor_stiffness_N_m": 5000.0}, {"sensor_stiffness_N_m": 20000.0},
                    {"sensor_stiffness_N_m": 30000.0}],
          tolerance=0.051)
def _ch6_ex1(sensor_stiffness_N_m: float) -> float:
    return float(_landscape.BlockingForceLandscape(sensor_stiffness_N_m=sensor_stiffness_N_m).optimum()["force_mN"])


@register("ch6", 2,
          question="The study's first crystal (compound 5, its length and thickness) at full intensity, W um wide: "
                   "what force (mN) does the reference landscape give?",
          hint="take the fifth row of load_initial_blocking_force() for L and T, and call land.force(5, L, W, T, "
               "2080.0) with your variant's width; round to 0.01 mN.",
          variants=[{"W_um": 2000.0}, {"W_um": 1500.0}, {"W_um": 1200.0}, {"W_um": 1800.0}, {"W_um": 1000.0}],
          tolerance=0.0051)
def _ch6_ex2(W_um: float) -> float:
    first = _load_initial().iloc[4]
    return float(_landscape.BlockingForceLandscape().force(5, float(first.L_um), W_um, float(first.T_um),
                                                           _study.MAX_INTENSITY_MW_CM2))


@register("ch6", 3,
          question="With compound 3's photothermal strain multiplied by a factor, what is the best thickness (um)?",
          hint="on a new BlockingForceLandscape, replace responses[3] by a PhotoResponse with the same strain and "
               "p_sat and thermal multiplied by your factor; read optimum()['T_um'] and round to 1 um.",
          variants=[{"thermal_factor": 0.0}, {"thermal_factor": 0.5}, {"thermal_factor": 1.5},
                    {"thermal_factor": 0.75}, {"thermal_factor": 2.0}],
          tolerance=0.51)
def _ch6_ex3(thermal_factor: float) -> float:
    land = _landscape.BlockingForceLandscape()
    r3 = land.responses[3]
    land.responses[3] = _landscape.PhotoResponse(r3.strain, r3.p_sat, thermal_factor * r3.thermal, "invented")
    return float(land.optimum()["T_um"])


@register("ch6", 4,
          question="How many kelvin of heating does a compound's photothermal strain imply at an intensity, for a "
                   "given thermal expansion?",
          hint="ensemble.implied_heating_K(BlockingForceLandscape(), compound, P, expansion_per_K): the strain "
               "gamma_c * P divided by the expansion; round to 0.1 K.",
          variants=[{"compound": 3, "P_mW_cm2": 2080.0, "expansion_per_K": 1e-4},
                    {"compound": 3, "P_mW_cm2": 1040.0, "expansion_per_K": 1e-4},
                    {"compound": 3, "P_mW_cm2": 1500.0, "expansion_per_K": 7e-5},
                    {"compound": 5, "P_mW_cm2": 2080.0, "expansion_per_K": 2e-5},
                    {"compound": 9, "P_mW_cm2": 1000.0, "expansion_per_K": 1e-5}],
          tolerance=0.051)
def _ch6_ex4(compound: int, P_mW_cm2: float, expansion_per_K: float) -> float:
    return float(_ensemble.implied_heating_K(_landscape.BlockingForceLandscape(), compound, P_mW_cm2,
                                             expansion_per_K))
