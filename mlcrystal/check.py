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

import numpy as np
import pandas as pd
from rdkit import Chem
from scipy.spatial.transform import Rotation
from sklearn.linear_model import Lasso

from mlcrystal import study
from mlcrystal import study as _study
from mlcrystal.crystal.anisotropy import plate_moduli, principal_moduli
from mlcrystal.crystal.tensors import rotate_stiffness
from mlcrystal.datasets import load_initial_blocking_force as _load_initial
from mlcrystal.datasets import load_stiffness_tensors, load_youngs_modulus
from mlcrystal.force import ensemble as _ensemble
from mlcrystal.force import landscape as _landscape
from mlcrystal.force import teaching as _teaching
from mlcrystal.force.landscape import BlockingForceLandscape
from mlcrystal.force.replay_tables import REPLAY_DIR
from mlcrystal.rules.audit import audit
from mlcrystal.rules.chapter3 import chapter3_schemes
from mlcrystal.rules.claims import rule_carriers, variance_shares
from mlcrystal.rules.families import family_membership
from mlcrystal.rules.features import drop_constant, fragment_counts, paper_design_matrix, prune_correlated
from mlcrystal.rules.fingerprints import representations
from mlcrystal.rules.lasso import paper_lasso
from mlcrystal.rules.novelty import cv_predictions, skill_by_novelty
from mlcrystal.rules.partitions import grouped_cv_distribution, with_grouped_inner_cv
from mlcrystal.rules.representations import representation_models
from mlcrystal.rules.rows import parse_smiles
from mlcrystal.rules.within_paper import contrast_summary
from mlcrystal.study import LASSO_MAX_ITER

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
    """What :func:`exercise` says: ``correct`` is None when the answer could not be read."""

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
        Shown as its message (once) when the call is a cell's last line.
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
    flags = audit(_youngs_raw(), e_range=e_range, curation=False)
    return int((flags.flag == "implausible modulus").sum())


@register("ch1", 2,
          question="How many duplicate rows repeat a row of the same reference?",
          hint="the audit's 'duplicate row' findings say in their detail column whether the earlier row has "
               "'same reference' or another one; count those that say 'same reference'.")
def _ch1_ex2() -> int:
    flags = audit(_youngs_raw(), curation=False)
    dup = flags[flags.flag == "duplicate row"]
    return int(dup.detail.str.contains("same reference").sum())


@register("ch1", 3,
          question="How many rows whose compound name contains `word` have a SMILES without the group `smarts`?",
          hint="select the rows whose compound contains the word (case-insensitive), parse each SMILES with "
               "mlcrystal.rules.rows.parse_smiles, and count those where "
               "mol.HasSubstructMatch(Chem.MolFromSmarts(smarts)) "
               "is False.",
          variants=[{"word": "hydroxy", "smarts": "[OX2H]"}])
def _ch1_ex3(word: str, smarts: str) -> int:
    raw = _youngs_raw()
    pattern = Chem.MolFromSmarts(smarts)
    hits = raw[raw.compound.str.contains(word, case=False, na=False)]
    mols = [parse_smiles(s) for s in hits.smiles]
    return sum(1 for m in mols if m is None or not m.HasSubstructMatch(pattern))


# --- chapter 2: substructure vectorization ---------------------------------------------------

#: Refits converge at this many iterations (the study's 5 000 leave some random removals unconverged).
_CH2_MAX_ITER = 100_000


@cache
def _ch2_matrix():
    return paper_design_matrix(_youngs_raw())


@register("ch2", 1,
          question="How many of the molecule's non-zero fragment counts are columns of the study's design matrix X?",
          hint="c = fragment_counts([smiles]).iloc[0]; count the fragments with c > 0 whose name is in X.columns "
               "(((c > 0) & c.index.isin(X.columns)).sum()).",
          variants=[{"name": "caffeine", "smiles": "CN1C=NC2=C1C(=O)N(C(=O)N2C)C"},
                    {"name": "theophylline", "smiles": "CN1C2=C(C(=O)N(C1=O)C)NC=N2"},
                    {"name": "FOX-7", "smiles": "NC(N)=C([N+](=O)[O-])[N+](=O)[O-]"},
                    {"name": "sucrose", "smiles": "OC[C@H]1O[C@@](CO)(O[C@H]2O[C@H](CO)[C@@H](O)[C@H](O)[C@H]2O)"
                                                  "[C@@H](O)[C@@H]1O"},
                    {"name": "4-aminobenzoic acid", "smiles": "Nc1ccc(cc1)C(=O)O"}])
def _ch2_ex1(name: str, smiles: str) -> int:
    c = fragment_counts([smiles]).iloc[0]
    return int(((c > 0) & c.index.isin(_ch2_matrix().columns)).sum())


@register("ch2", 2,
          question="Prune the non-zero fragment counts with prune_correlated at the cut-off `threshold`: how many "
                   "of the columns it keeps are not columns of the study's matrix X?",
          hint="kept, _ = prune_correlated(drop_constant(fragment_counts(df.smiles)), threshold); count "
               "the names in kept that are not in X.columns (len(set(kept) - set(X.columns))).",
          variants=[{"threshold": 0.8}, {"threshold": 0.75}, {"threshold": 0.9}])
def _ch2_ex2(threshold: float) -> int:
    kept, _ = prune_correlated(drop_constant(fragment_counts(_youngs_raw().smiles)), threshold)
    return len(set(kept) - set(_ch2_matrix().columns))


@register("ch2", 3,
          question="In how many of the 85 fragment columns do the counts of a co-crystal's SMILES differ from the "
                   "sum of the counts of its components?",
          hint="count the whole SMILES with fragment_counts([co]) and each component with "
               "fragment_counts(co.split('.')).sum(); count the columns where the two differ.",
          variants=[{"smiles": "CN1C=NC2=C1C(=O)N(C(=O)N2C)C.C1=CC(=C(C=C1C(=O)O)[N+](=O)[O-])Cl"}])
def _ch2_ex3(smiles: str) -> int:
    whole = fragment_counts([smiles]).iloc[0]
    parts = fragment_counts(smiles.split(".")).sum()
    return int((whole != parts).sum())


@register("ch2", 4,
          question="Refit the LASSO at the study's alpha on all rows except those of the chemical family "
                   "`family`: what is the fr_NH2 coefficient (GPa per group, two decimals)?",
          hint="member = family_membership(df.smiles); rule_carriers(X, df.E_GPa, 'fr_NH2', {family: "
               "member[family]}, n_draws=0, max_iter=100_000) gives the coefficient without the family in its "
               "second row.",
          variants=[{"family": "polyhalogenated"}, {"family": "multi-nitro energetics"}, {"family": "polyphenols"},
                    {"family": "sugars and polyols"}],
          tolerance=0.01)
def _ch2_ex4(family: str) -> float:
    raw = _youngs_raw()
    member = family_membership(raw.smiles)
    d = rule_carriers(_ch2_matrix(), raw.E_GPa.to_numpy(), "fr_NH2", {family: member[family]}, n_draws=0,
                      max_iter=_CH2_MAX_ITER)
    return float(d.coefficient.iloc[1])
# --- chapter 4: representations --------------------------------------------------------------
# The kit imports of this block sit here, not at the top, so that the block stays contiguous.



@cache
def _ch4_cleaned():
    df = load_youngs_modulus()
    return df, chapter3_schemes(df)


@cache
def _ch4_representations():
    return representations(_ch4_cleaned()[0].smiles)


@register("ch4", 1,
          question="What percentage of the variance of E (cleaned table) lies within the groups of `grouping`, "
                   "with chapter 3's keys for structure and paper? Give it to one decimal.",
          hint="call mlcrystal.rules.claims.variance_shares(y, {grouping: labels}, n_boot=0) with labels from "
               "chapter3_schemes(df) ('by structure', 'by paper'; for 'structure and paper' join the two keys "
               "row by row; for 'method' use df.method) and multiply its within_share by 100.",
          variants=[{"grouping": "structure"}, {"grouping": "paper"}, {"grouping": "structure and paper"},
                    {"grouping": "method"}],
          tolerance=0.1)
def _ch4_ex1(grouping: str) -> float:
    df, keys = _ch4_cleaned()
    st, pa = keys["by structure"].astype(str), keys["by paper"].astype(str)
    labels = {"structure": st, "paper": pa, "structure and paper": [f"{s}|{p}" for s, p in zip(st, pa, strict=True)],
              "method": df.method.to_numpy()}[grouping]
    share = variance_shares(df.E_GPa.to_numpy(), {grouping: labels}, n_boot=0).loc[grouping, "within_share"]
    return round(100 * float(share), 1)


@register("ch4", 2,
          question="What skill (1 - SSE / SSE of the training mean) does the study's LASSO (alpha 0.7543, the "
                   "study's design matrix, the table as published) have on test rows of kind `kind` when the "
                   "outer folds follow `scheme`, over 10 fold assignments with random_state=0 (the median)? "
                   "Give it to two decimals.",
          hint="run mlcrystal.rules.novelty.cv_predictions({'LASSO': Lasso(alpha=..., max_iter=5000)}, X, y, "
               "structure, paper, schemes=(scheme,), n_repeats=10, random_state=0) and read the 'skill' of "
               "skill_by_novelty(...) at (kind, 'LASSO').",
          variants=[{"scheme": "paper", "kind": "c"}, {"scheme": "structure", "kind": "c"},
                    {"scheme": "structure", "kind": "b"}, {"scheme": "rows", "kind": "a"},
                    {"scheme": "rows", "kind": "b"}],
          tolerance=0.01)
def _ch4_ex2(scheme: str, kind: str) -> float:
    raw = _youngs_raw()
    keys = chapter3_schemes(raw)
    preds = cv_predictions({"LASSO": Lasso(alpha=study.LASSO_RESULT["alpha"], max_iter=study.LASSO_MAX_ITER)},
                           paper_design_matrix(raw), raw.E_GPa.to_numpy(), keys["by structure"], keys["by paper"],
                           schemes=(scheme,), n_repeats=10, random_state=0)
    return round(float(skill_by_novelty(preds).loc[(kind, "LASSO"), "skill"]), 2)


@register("ch4", 3,
          question="How many columns of `representation` does the chapter's LASSO keep (non-zero coefficients) "
                   "when it is fitted on all rows of the cleaned table with alpha chosen by inner folds grouped "
                   "by paper (random_state=0)?",
          hint="fit with_grouped_inner_cv(representation_models()['LASSO'], paper, random_state=0) on "
               "representations(df.smiles)[representation] and count (model[-1].coef_ != 0).",
          variants=[{"representation": "MACCS keys"}, {"representation": "RDKit descriptors"},
                    {"representation": "fragment counts"}])
def _ch4_ex3(representation: str) -> int:
    df, keys = _ch4_cleaned()
    model = with_grouped_inner_cv(representation_models()["LASSO"], keys["by paper"], random_state=0)
    model.fit(_ch4_representations()[representation], df.E_GPa.to_numpy())
    return int((model[-1].coef_ != 0).sum())
# --- chapter 5: from design rules to crystals ---------------------------------------------



@cache
def _ch5_lasso():
    raw = _youngs_raw()
    return paper_lasso(paper_design_matrix(raw), raw.E_GPa)


@register("ch5", 1,
          question="By how much (GPa) does the chapter-3 model's prediction for `twice` exceed its prediction "
                   "for `once`?",
          hint="score both SMILES with paper_design_matrix(pd.Series([...]), columns=lasso.X_train.columns) and "
               "lasso.model.predict(...); subtract. The model is linear in the counts.",
          variants=[{"twice": "Oc1ccc(cc1C=Nc1ccc(cc1)[N+](=O)[O-])[N+](=O)[O-]",
                     "once": "Oc1ccccc1C=Nc1ccc(cc1)[N+](=O)[O-]"},
                    {"twice": "Oc1ccc(CO)cc1C=Nc1ccc(CO)cc1", "once": "Oc1ccccc1C=Nc1ccc(CO)cc1"},
                    {"twice": "Oc1ccc(Cl)cc1C=Nc1ccc(Cl)cc1", "once": "Oc1ccccc1C=Nc1ccc(Cl)cc1"},
                    {"twice": "Oc1ccc(N)cc1C=Nc1ccc(N)cc1", "once": "Oc1ccccc1C=Nc1ccc(N)cc1"}])
def _ch5_ex1(twice: str, once: str) -> float:
    lasso = _ch5_lasso()
    pred = lasso.model.predict(paper_design_matrix(pd.Series([twice, once]), columns=lasso.X_train.columns))
    return float(pred[0] - pred[1])


@cache
def _ch5_tensor(compound: str, source: str):
    t = load_stiffness_tensors()
    hit = t[t.compound.eq(compound) & t.source.eq(source) & t.experimental]
    if hit.empty:
        raise ValueError(f"no experimental tensor of {compound!r} from {source!r} in load_stiffness_tensors().")
    return hit.C_GPa.iloc[0]


@register("ch5", 2,
          question="Rotate the anthracene (Dye) tensor by `angle_deg` degrees about z "
                   "(Rotation.from_euler('z', angle_deg, degrees=True)). What is E along x (GPa) afterwards?",
          hint="C_rot = el.rotate_stiffness(C_anth, R) with R the rotation's matrix; el.principal_moduli(C_rot)[0] "
               "is E along x. E_max/E_min and A^U do not change: they belong to the crystal, not to the axes.",
          variants=[{"angle_deg": 30.0}, {"angle_deg": 45.0}, {"angle_deg": 60.0}, {"angle_deg": 20.0},
                    {"angle_deg": 75.0}])
def _ch5_ex2(angle_deg: float) -> float:
    R = Rotation.from_euler("z", angle_deg, degrees=True).as_matrix()
    return float(principal_moduli(rotate_stiffness(_ch5_tensor("anthracene", "Dye"), R))[0])


@register("ch5", 3,
          question="A plate of `compound` (`source`) has its thickness along `axis`. What is its stiffest "
                   "in-plane Young's modulus (GPa), i.e. what a bending test along its best length direction "
                   "would see?",
          hint="el.plate_moduli(C, axis)['E_length_max'] with C the experimental tensor of that compound and source.",
          variants=[{"compound": "urea", "source": "Haussuhl", "axis": (0.0, 0.0, 1.0)},
                    {"compound": "urea", "source": "Haussuhl", "axis": (1.0, 0.0, 0.0)},
                    {"compound": "anthracene", "source": "Dye", "axis": (0.0, 0.0, 1.0)},
                    {"compound": "anthracene", "source": "Dye", "axis": (1.0, 0.0, 0.0)},
                    {"compound": "benzil", "source": "Haussuhl", "axis": (1.0, 0.0, 0.0)}])
def _ch5_ex3(compound: str, source: str, axis: tuple[float, float, float]) -> float:
    return float(plate_moduli(_ch5_tensor(compound, source), list(axis))["E_length_max"])
# --- chapter 3: LASSO design rules --------------------------------------------------------

@cache
def _ch3_data() -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    raw = _youngs_raw()
    return raw, paper_design_matrix(raw), raw.E_GPa.to_numpy()


@register("ch3", 1,
          question="How many fragments does the study's protocol keep with target_nonzero set to your target?",
          hint="run paper_lasso(X, y, target_nonzero=...) with your variant's target and count its coefficients "
               "(len(result.coefficients)).",
          variants=[{"target_nonzero": 5}, {"target_nonzero": 4}, {"target_nonzero": 6}, {"target_nonzero": 3}])
def _ch3_ex1(target_nonzero: int) -> int:
    _, X, y = _ch3_data()
    return len(paper_lasso(X, y, target_nonzero=target_nonzero).coefficients)


@register("ch3", 2,
          question="What test R² does the study's protocol give with your split seed (two decimals)?",
          hint="run paper_lasso(X, y, random_state=seed) with your variant's seed and read result.test_r2; "
               "round it to two decimals.",
          variants=[{"seed": 0}, {"seed": 1}, {"seed": 2}, {"seed": 3}, {"seed": 7}], tolerance=0.006)
def _ch3_ex2(seed: int) -> float:
    _, X, y = _ch3_data()
    return float(paper_lasso(X, y, random_state=seed).test_r2)


@register("ch3", 3,
          question="In how many of 20 structure-grouped fold assignments is the study's LASSO's R² the same "
                   "(to 1e-6) with and without one-hot method columns?",
          hint="build the one-hot columns with pd.get_dummies(load_youngs_modulus().method, dtype=int), run "
               "grouped_cv_distribution with the study's LASSO on X and on X with those columns (the same "
               "structure groups, n_repeats=20, random_state=0), and count the repeats whose R² agree.")
def _ch3_ex3() -> int:
    raw, X, y = _ch3_data()
    structure = chapter3_schemes(raw)["by structure"]
    X_method = pd.concat([X, pd.get_dummies(load_youngs_modulus().method, dtype=int)], axis=1)
    model = {"LASSO, study alpha": Lasso(alpha=paper_lasso(X, y).alpha, max_iter=LASSO_MAX_ITER)}
    runs = [grouped_cv_distribution(model, Xm, y, {"by structure": structure}, n_repeats=20, random_state=0)
            for Xm in (X, X_method)]
    return int(np.isclose(runs[0].r2, runs[1].r2, rtol=0, atol=1e-6).sum())


@register("ch3", 4,
          question="In how many papers that measured crystals with and without your fragment did the rule's sign "
                   "hold?",
          hint="contrast_summary(X, y, paper, paper_lasso(X, y).coefficients) has one row per rule; read n_agree "
               "in your fragment's row (paper = chapter3_schemes(raw)['by paper']).",
          variants=[{"fragment": "fr_halogen"}, {"fragment": "fr_benzene"}, {"fragment": "fr_NH2"},
                    {"fragment": "fr_Al_OH"}, {"fragment": "fr_COO"}, {"fragment": "fr_nitro"}])
def _ch3_ex4(fragment: str) -> int:
    raw, X, y = _ch3_data()
    paper = chapter3_schemes(raw)["by paper"]
    return int(contrast_summary(X, y, paper, paper_lasso(X, y).coefficients).loc[fragment, "n_agree"])
# --- chapter 6: a blocking-force landscape ------------------------------------------------------



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
# --- chapter 7: replaying the 73x claim ------------------------------------------------------




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
                   "at `fraction` of the optimum on the calibrated landscape?",
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
