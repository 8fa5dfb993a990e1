"""Design rules from your own table: the study's method and the kit's checks, in one call.

``mlcrystal rules DATA.csv --out DIR`` (the command line, ``mlcrystal.cli.rules``)
or :func:`run_rules` from Python takes a table of Young's moduli of organic crystals with columns
``smiles`` and ``E_GPa`` (optional: ``compound``, ``doi`` or ``paper``,
``method``) and

1. validates it (a missing column, a modulus that is not a positive number or
   a SMILES that RDKit cannot read stops the run with a message naming the
   file, row and column);
   A modulus column that looks like MPa (median above 100 "GPa") is refused
   with the fix (divide by 1000), and so is a table whose moduli are all equal;
2. audits it (:func:`mlcrystal.rules.audit.audit`, row checks and curation pass: duplicates,
   implausible values, names that contradict structures...; and the same structure with
   the same value however it is drawn, :func:`mlcrystal.rules.curation.check_structure_duplicates`);
   rows whose flags make them unfit to fit (:data:`mlcrystal.rules.fitting.EXCLUDED_FLAGS`)
   are set aside, each with its reason in ``excluded_rows.csv``, unless
   ``keep_flagged`` (a modulus above :data:`mlcrystal.rules.fitting.ABSURD_GPa` is never fitted);
   rows without a paper are fitted, each its own group in the paper-grouped checks;
3. counts the study's fragments (:func:`mlcrystal.rules.features.paper_design_matrix`);
4. runs the study's LASSO protocol (:func:`mlcrystal.rules.lasso.paper_lasso`: one
   80/20 split, 5-fold CV, the alpha that gives about 8 variables);
5. checks the result over many partitions, with the same functions as the
   book: the single split's R^2 placed among many random splits, grouped
   cross-validation by paper and by structure repeated over many fold
   assignments, bootstrap selection frequency (resampling structures) and
   leave-one-paper-out influence, and (with at least 5 papers) within-paper
   estimates with paper fixed effects (:func:`mlcrystal.rules.within_paper.rule_estimates`,
   rated by :func:`mlcrystal.rules.confidence.rerate_rules`); a rule is rated
   "high" only when its bootstrap interval is clear of zero and the model
   predicts held-out groups better than their mean (:func:`mlcrystal.rules.fitting.rule_confidence`);
6. compares with the study: which published rules appear, disappear or
   change sign; the user's rows scored by the study's published model and
   the study's rows by the user's model; rows whose structure the study's
   table holds; predictions outside the model's fragment-count domain
   (:func:`mlcrystal.rules.fitting.outside_domain`);
7. writes ``report.md`` with two PNG figures and the CSV tables
   ``rules.csv``, ``audit_flags.csv``, ``excluded_rows.csv``, ``cv_scores.csv``,
   ``split_scores.csv``, ``rule_changes.csv`` and ``predictions.csv``.

``--with-study`` appends the study's 393 rows (marked ``source = study``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from rdkit import Chem, rdBase
from sklearn.dummy import DummyRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso

from mlcrystal import study
from mlcrystal.datasets import DataUnavailableError, load_youngs_modulus
from mlcrystal.plotting import PAPER_COLOR, set_style
from mlcrystal.rules import audit
from mlcrystal.rules.confidence import rerate_rules
from mlcrystal.rules.curation import check_structure_duplicates, curation_keys, paper_of
from mlcrystal.rules.features import drop_constant, fragment_counts, fragment_smarts
from mlcrystal.rules.fitting import (
    against_study,
    looks_like_mpa,
    paper_groups,
    rows_for_fitting,
    rows_per_feature,
    rule_changes,
    rule_confidence,
)
from mlcrystal.rules.lasso import PaperLassoResult, paper_lasso
from mlcrystal.rules.partitions import (
    bootstrap_selection_frequency,
    distribution_summary,
    grouped_cv_distribution,
    influence_summary,
    leave_one_group_out_influence,
    percentile_of,
    split_r2_distribution,
)
from mlcrystal.rules.within_paper import rule_estimates
from mlcrystal.seeding import spawn

__all__ = ["REQUIRED_COLUMNS", "OPTIONAL_COLUMNS", "MIN_ROWS_PER_VALIDATION_SET", "STUDY_SOURCE", "minimum_rows",
           "RulesResult", "read_table", "validate_table", "study_table", "run_rules", "ordinal"]

#: Columns the table must have.
REQUIRED_COLUMNS = ("smiles", "E_GPa")
#: Columns used when present (``paper`` wins over ``doi`` when both are given).
OPTIONAL_COLUMNS = ("compound", "doi", "paper", "method")
#: Fewest rows in any validation set of the protocol (the test part and each
#: CV fold): R^2 needs at least two values to have a variance.
MIN_ROWS_PER_VALIDATION_SET = 2
#: Bootstrap support (share of fits with a non-zero coefficient of the same
#: sign) at or above which a rule can be rated "high", and below which it is "low".
HIGH_SUPPORT, LOW_SUPPORT = 0.8, 0.5
#: Label of the study's rows in the ``source`` column.
STUDY_SOURCE = "study"


def minimum_rows(test_size: float = study.LASSO_TEST_SIZE, n_folds: int = study.LASSO_CV_FOLDS,
                 per_set: int = MIN_ROWS_PER_VALIDATION_SET) -> int:
    """The fewest rows the study's protocol can run on.

    The protocol holds out ``ceil(test_size * n)`` rows for testing and
    splits the rest into ``n_folds`` folds; every one of these validation
    sets needs at least ``per_set`` rows.

    Parameters
    ----------
    test_size : float, default 0.2
    n_folds : int, default 5
    per_set : int, default 2

    Returns
    -------
    int

    Examples
    --------
    >>> minimum_rows()
    13
    """
    n = 1
    while math.ceil(test_size * n) < per_set or n - math.ceil(test_size * n) < n_folds * per_set:
        n += 1
    return n


@dataclass
class RulesResult:
    """Everything :func:`run_rules` computed and wrote.

    Attributes
    ----------
    data : pandas.DataFrame
        The validated table: ``source, line, compound, smiles, E_GPa,
        method, paper, structure`` (``structure`` is the canonical SMILES).
    flags : pandas.DataFrame
        The audit's findings, with the ``source`` and ``line`` of each row.
    X : pandas.DataFrame
        The study's design matrix.
    lasso : mlcrystal.rules.lasso.PaperLassoResult
    rules : pandas.DataFrame
        One row per rule with its confidence (also ``rules.csv``).
    cv_scores : pandas.DataFrame
        Grouped CV R^2 and MAE per repeat, scheme and model.
    split_scores : pandas.DataFrame
        Test R^2 over random 80/20 splits at the protocol's alpha.
    influence : pandas.DataFrame
        Leave-one-paper-out (or leave-one-structure-out) coefficients.
    split_percentile : float
        Percentile of the protocol's test R^2 among the random splits.
    notes : list of str
        What was skipped or assumed, in words.
    files : dict
        Name -> path of every file written.
    excluded : pandas.DataFrame
        One line per flagged row: ``row, source, line, compound, E_GPa,
        reasons, excluded, action`` (also ``excluded_rows.csv``).
    fitted : pandas.DataFrame
        The rows fitted (``data`` minus the rows set aside), with ``group``.
    rule_changes : pandas.DataFrame
        The study's published rules against these: ``fragment, study_GPa,
        this_table_GPa, change`` (also ``rule_changes.csv``).
    predictions : pandas.DataFrame
        The user's rows by the study's published model and the study's rows
        by this table's model, with overlap, similarity and domain (also
        ``predictions.csv``).
    cross_scores : pandas.DataFrame
        n, R^2 and MAE of those predictions, on all rows and on subsets.
    grouping : str
        How rows were grouped in the paper-grouped checks, in words.
    """

    data: pd.DataFrame
    flags: pd.DataFrame
    X: pd.DataFrame
    lasso: PaperLassoResult
    rules: pd.DataFrame
    cv_scores: pd.DataFrame
    split_scores: pd.DataFrame
    influence: pd.DataFrame
    split_percentile: float
    notes: list[str] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    fitted: pd.DataFrame = field(default_factory=pd.DataFrame)
    rule_changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    predictions: pd.DataFrame = field(default_factory=pd.DataFrame)
    cross_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    grouping: str = ""


def read_table(table_or_path) -> tuple[pd.DataFrame, str]:
    """Read a CSV or Excel file (or take a DataFrame) and say how to name it in messages.

    Parameters
    ----------
    table_or_path : pandas.DataFrame or path-like

    Returns
    -------
    (pandas.DataFrame, str)
        The raw table and its name (the file name, or ``"table"``).

    Examples
    --------
    >>> read_table(pd.DataFrame({"smiles": ["C"], "E_GPa": [1.0]}))[1]
    'table'
    """
    if isinstance(table_or_path, pd.DataFrame):
        return table_or_path.reset_index(drop=True), "table"
    path = Path(table_or_path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file; pass the path of a CSV (or .xlsx) table of moduli.")
    head = path.read_bytes()[:4096]
    is_workbook = head.startswith(b"PK\x03\x04")  # an .xlsx file is a zip archive
    if is_workbook != (path.suffix.lower() in {".xlsx", ".xlsm"}):
        kind = "an Excel workbook" if is_workbook else "a text file"
        rename = f"{path.stem}.xlsx" if is_workbook else f"{path.stem}.csv"
        raise ValueError(f"{path.name} is {kind}, not what its name says; rename it {rename} (or save it as "
                         "CSV UTF-8).")
    try:
        if is_workbook:
            raw = pd.read_excel(path, sheet_name=0, dtype=object)
        else:
            first = head.splitlines()[0].decode("utf-8-sig") if head.strip() else ""
            sep = max((",", ";", "\t"), key=first.count)  # comma, semicolon (decimal commas) or tab separated
            raw = pd.read_csv(path, dtype=object, skipinitialspace=True, sep=sep, encoding="utf-8-sig")
            if sep == ";" and "E_GPa" in raw.columns:  # a European spreadsheet export writes decimal commas
                raw["E_GPa"] = raw["E_GPa"].map(lambda v: v.replace(",", ".") if isinstance(v, str) else v)
    except UnicodeDecodeError as err:
        raise ValueError(f"{path.name}: not UTF-8 text (byte 0x{err.object[err.start]:02x} at byte {err.start}); "
                         "save it as 'CSV UTF-8' (Excel: Save As > CSV UTF-8).") from None
    except Exception as err:  # pandas raises many types for unreadable files
        first = str(err).splitlines()[0] if str(err) else ""
        raise ValueError(f"{path.name}: could not be read as a table ({type(err).__name__}: {first}); "
                         "save it as CSV with a header row.") from None
    return raw, path.name


def validate_table(raw: pd.DataFrame, source: str = "table") -> pd.DataFrame:
    """Check a user's table and bring it to the kit's columns; refuse, never repair.

    Parameters
    ----------
    raw : pandas.DataFrame
        Columns ``smiles`` and ``E_GPa`` (GPa); optional ``compound``,
        ``doi`` or ``paper`` and ``method``. Other columns are ignored.
    source : str
        Name used in messages (the file name).

    Returns
    -------
    pandas.DataFrame
        ``source, line, compound, smiles, E_GPa, method, paper, structure``:
        ``line`` is the row's line in the file (header = line 1); missing
        names become ``"row <i>"``, a missing method ``"unknown"``; ``paper``
        is ``paper`` or the lower-cased ``doi`` (empty when neither is
        given, for the whole table or a row); ``structure`` is RDKit's canonical SMILES.

    Raises
    ------
    ValueError
        A missing column, an empty cell in a required column, a
        modulus that is not a positive finite number, an unreadable SMILES:
        one line naming the file, row, column and what to do.

    Examples
    --------
    >>> t = validate_table(pd.DataFrame({"smiles": ["OCC"], "E_GPa": ["5.1"]}), "my.csv")
    >>> t[["line", "compound", "E_GPa", "structure"]].values.tolist()
    [[2, 'row 0', 5.1, 'CCO']]
    >>> try:
    ...     validate_table(pd.DataFrame({"smiles": ["C1CC"], "E_GPa": [5.0]}), "my.csv")
    ... except ValueError as err:
    ...     print(str(err)[:80])
    my.csv, row 0 (line 2), column 'smiles': RDKit cannot read the SMILES 'C1CC'; co
    """

    if not isinstance(raw, pd.DataFrame):
        raise ValueError(f"{source}: expected a table (pandas DataFrame or CSV path), got {type(raw).__name__}.")
    columns = [str(c).strip() for c in raw.columns]
    raw = raw.set_axis(columns, axis=1)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"{source}: missing column {missing[0]!r} (found {columns}); the table needs the columns "
                         f"{list(REQUIRED_COLUMNS)} (optional: {list(OPTIONAL_COLUMNS)}); rename the header.")
    if len(raw) == 0:
        raise ValueError(f"{source}: the table has a header but no rows; add at least {minimum_rows()} rows.")

    def where(i: int, col: str) -> str:
        return f"{source}, row {i} (line {i + 2}), column {col!r}"

    def text(col: str, *, required: bool) -> pd.Series:
        values = raw[col]
        blank = values.isna() | (values.astype(str).str.strip() == "")
        if required and blank.any():
            i = int(np.flatnonzero(blank.to_numpy())[0])
            raise ValueError(f"{where(i, col)}: empty cell; every row needs a value here "
                             f"({int(blank.sum())} empty) - fill it or remove the row"
                             + ("" if col == "smiles" else " (or the whole column)") + ".")
        return values.where(~blank, "").astype(str).str.strip()

    smiles = text("smiles", required=True)
    e_raw = raw["E_GPa"]
    e = pd.to_numeric(e_raw, errors="coerce")
    bad = e.isna() | ~np.isfinite(e.fillna(0)) | (e <= 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        got = e_raw.iloc[i]
        got = "an empty cell" if pd.isna(got) or str(got).strip() == "" else repr(got)
        raise ValueError(f"{where(i, 'E_GPa')}: expected Young's modulus in GPa as a positive number, got {got}"
                         f" ({int(bad.sum())} bad cell(s) in this column); fix the value or remove the row.")
    paper_col = "paper" if "paper" in columns else ("doi" if "doi" in columns else None)
    n = len(raw)
    compound = text("compound", required=False) if "compound" in columns else pd.Series([""] * n)
    compound = pd.Series([c if c else f"row {i}" for i, c in enumerate(compound)])
    method = text("method", required=False) if "method" in columns else pd.Series([""] * n)
    method = method.replace("", "unknown")
    paper = text(paper_col, required=False) if paper_col else pd.Series([""] * n)
    if paper_col == "doi":
        paper = paper.map(lambda d: paper_of(d) if d else "")

    structures: list[str] = []
    unreadable: list[int] = []
    with rdBase.BlockLogs():  # an unreadable SMILES is reported below, not in RDKit's log
        for i, smi in enumerate(smiles):
            mol = Chem.MolFromSmiles(smi)
            if mol is None:
                unreadable.append(i)
            else:
                structures.append(Chem.MolToSmiles(mol))
    if unreadable:  # every one of them named at once, so that one pass over the file fixes them all
        i = unreadable[0]
        also = ("" if len(unreadable) == 1 else f" ({len(unreadable)} unreadable SMILES, on lines "
                + ", ".join(str(k + 2) for k in unreadable[:20]) + (", ..." if len(unreadable) > 20 else "") + ")")
        raise ValueError(f"{where(i, 'smiles')}: RDKit cannot read the SMILES {smiles.iloc[i]!r}{also}; correct it "
                         "(brackets, ring closures, valences) or remove the row.")
    return pd.DataFrame({"source": source, "line": np.arange(n) + 2, "compound": compound.to_numpy(),
                         "smiles": smiles.to_numpy(), "E_GPa": e.to_numpy(dtype=float),
                         "method": method.to_numpy(), "paper": paper.to_numpy(), "structure": structures})


def study_table() -> pd.DataFrame:
    """The study's 393 rows in :func:`validate_table`'s layout (``source = "study"``).

    Returns
    -------
    pandas.DataFrame
        ``line`` is the row's line in the study's spreadsheet; ``paper`` the
        lower-cased DOI.

    Examples
    --------
    >>> t = study_table()
    >>> len(t), t.source.unique().tolist()
    (393, ['study'])
    """
    df = load_youngs_modulus()
    out = validate_table(df[["compound", "smiles", "E_GPa", "method", "doi"]], STUDY_SOURCE)
    out["line"] = df.source_row.to_numpy()
    return out


def _check_size(data: pd.DataFrame, source: str, set_aside: str = "") -> None:
    # set_aside: "" for the table as read, else a clause saying which flagged rows were set aside
    need = minimum_rows()
    n_structures = data.structure.nunique()
    left = f"after setting aside {set_aside}, " if set_aside else ""
    fix = ("; correct those rows (see the audit) or run with --keep-flagged to fit them as they are"
           if set_aside else "")
    if len(data) < need:
        raise ValueError(
            f"{source}: {left}{len(data)} rows is too few for the study's protocol, which needs at least {need} "
            f"rows (an {round(100 * (1 - study.LASSO_TEST_SIZE))}/{round(100 * study.LASSO_TEST_SIZE)} split, "
            f"then {study.LASSO_CV_FOLDS}-fold CV, with at least {MIN_ROWS_PER_VALIDATION_SET} rows in every "
            f"validation set){fix}; add rows or run with --with-study to append the study's 393 rows.")
    if data.E_GPa.nunique() < 2:
        raise ValueError(f"{source}: {left}every modulus is {data.E_GPa.iloc[0]:g} GPa: there is nothing to learn "
                         f"(a fit needs moduli that differ; R^2 is undefined without variance){fix}; check the "
                         "E_GPa column.")
    if n_structures < study.LASSO_CV_FOLDS:
        raise ValueError(
            f"{source}: {left}{n_structures} distinct structures; the checks keep structures apart in "
            f"{study.LASSO_CV_FOLDS}-fold CV and need at least {study.LASSO_CV_FOLDS}{fix}; add structures "
            "or run with --with-study.")


def _mpa_refusal(data: pd.DataFrame, source: str) -> ValueError:
    lo, hi = audit.E_RANGE_GPa
    return ValueError(f"{source}: the E_GPa column looks like MPa, not GPa (median {data.E_GPa.median():g}; moduli "
                      f"of molecular crystals lie between {lo:g} and {hi:g} GPa, median 9.4 GPa in the study's "
                      "table); divide the column by 1000 (MPa -> GPa) and run again.")


def _rules_table(lasso, freq: pd.DataFrame, influence: pd.DataFrame, group_word: str, model_skill: float | None,
                 rated: pd.DataFrame | None) -> pd.DataFrame:
    smarts = fragment_smarts()
    summary = influence_summary(influence) if len(influence) else pd.DataFrame()
    rows = []
    for frag, coef in lasso.coefficients.items():
        support = float(freq.loc[frag, "positive" if coef > 0 else "negative"])
        inf = summary.loc[frag] if frag in summary.index else None
        zeroed = int(inf["n_zeroing"]) if inf is not None else 0
        q05, q95 = float(freq.loc[frag, "q05"]), float(freq.loc[frag, "q95"])
        rows.append({
            "fragment": frag, "meaning": study.RULE_NAMES.get(frag, smarts.get(frag, "")),
            "coefficient_GPa": round(float(coef), 4), "effect": "raises E" if coef > 0 else "lowers E",
            "bootstrap_support": round(support, 3),
            "bootstrap_q05": round(q05, 4),
            "bootstrap_q95": round(q95, 4),
            f"{group_word}s_zeroing": zeroed,
            "zeroed_by": inf["zeroed_by"] if inf is not None else "",
            f"most_influential_{group_word}": inf["most_influential"] if inf is not None else "",
            "confidence": rule_confidence(support, q05, q95, n_zeroing=zeroed, high=HIGH_SUPPORT, low=LOW_SUPPORT,
                                          model_skill=model_skill),
            "within_paper_support": (round(float(rated.loc[frag, "within_support"]), 3) if rated is not None
                                     else np.nan),
            "design_rule": (rated.loc[frag, "rating"] if rated is not None
                            else f"not tested (fewer than {study.LASSO_CV_FOLDS} papers)"),
        })
    cols = ["fragment", "meaning", "coefficient_GPa", "effect", "bootstrap_support", "bootstrap_q05",
            "bootstrap_q95", f"{group_word}s_zeroing", "zeroed_by", f"most_influential_{group_word}", "confidence",
            "within_paper_support", "design_rule"]
    return pd.DataFrame(rows, columns=cols)


def _figures(result: RulesResult, out_dir: Path) -> dict[str, Path]:
    # matplotlib's Figure draws and saves without pyplot: no backend is chosen or switched
    # (the command and a notebook can both call this) and no figure is left open
    set_style()
    files = {}
    rules = result.rules
    fig = Figure(figsize=(7.5, 0.5 * max(len(rules), 2) + 1.4))
    ax = fig.subplots()
    if len(rules):
        r = rules.iloc[::-1]
        y = np.arange(len(r))
        ax.errorbar(r.coefficient_GPa, y, xerr=[np.clip(r.coefficient_GPa - r.bootstrap_q05, 0, None),
                                                np.clip(r.bootstrap_q95 - r.coefficient_GPa, 0, None)],
                    fmt="o", color="0.2", ecolor="0.6", capsize=3)
        ax.set_yticks(y, [f"{f} ({c})" for f, c in zip(r.fragment, r.confidence, strict=True)])
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set(xlabel="coefficient (GPa per occurrence); bars: bootstrap 5-95 %", ylabel="")
    files["rules_png"] = out_dir / "rules.png"
    fig.savefig(files["rules_png"], metadata={"Software": None})

    fig = Figure()
    ax = fig.subplots()
    cv = result.cv_scores
    schemes = list(dict.fromkeys(cv.scheme))
    models = list(dict.fromkeys(cv.model))
    for k, m in enumerate(models):
        data = [cv[(cv.scheme == s) & (cv.model == m)].r2.to_numpy() for s in schemes]
        pos = np.arange(len(schemes)) + (k - (len(models) - 1) / 2) * 0.35
        ax.boxplot(data, positions=pos, widths=0.3, patch_artist=True,
                   boxprops={"facecolor": f"C{k}", "alpha": 0.6}, medianprops={"color": "0.1"})
        ax.plot([], [], "s", color=f"C{k}", alpha=0.6, label=m)
    ax.axhline(result.lasso.test_r2, color=PAPER_COLOR, ls="--",
               label="protocol's single test split")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xticks(np.arange(len(schemes)), schemes)
    ax.set(ylabel="out-of-fold R² (dimensionless)", xlabel="cross-validation scheme (5 folds, repeated)")
    ax.legend(fontsize="small", loc="lower left")
    files["cv_png"] = out_dir / "cv_r2.png"
    fig.savefig(files["cv_png"], metadata={"Software": None})
    return files


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``22nd``...

    Examples
    --------
    >>> [ordinal(n) for n in (1, 2, 3, 11, 12, 13, 22, 100)]
    ['1st', '2nd', '3rd', '11th', '12th', '13th', '22nd', '100th']
    """
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _markdown_table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in df.iterrows():
        lines.append("| " + " | ".join(str(v) for v in row.tolist()) + " |")
    return "\n".join(lines)


def _fmt(v: float, digits: int = 3) -> str:
    return "undefined" if not np.isfinite(v) else f"{v:.{digits}f}"


def _skill(cv: pd.DataFrame, scheme: str, model: str) -> tuple[float, float, float, int]:
    r2 = cv[(cv.scheme == scheme) & (cv.model == model)].r2.to_numpy()
    if not len(r2):
        return (np.nan, np.nan, np.nan, 0)
    q = np.quantile(r2, [0.05, 0.5, 0.95])
    return float(q[1]), float(q[0]), float(q[2]), len(r2)


def _report(result: RulesResult, source: str, *, keep_flagged: bool = False) -> str:
    d, lasso, fit = result.data, result.lasso, result.fitted
    n_user = int((d.source != STUDY_SOURCE).sum())
    summary = distribution_summary(result.cv_scores).round(3).reset_index()
    counts = result.flags.groupby("flag").size().rename("findings").reset_index() if len(result.flags) else None
    q = result.split_scores.r2.quantile([0.05, 0.5, 0.95]).round(3).tolist()
    ex = result.excluded
    n_out = int(ex.excluded.sum()) if len(ex) else 0
    n_kept_flagged = int((~ex.excluded).sum()) if len(ex) else 0
    scheme = "by paper" if "by paper" in set(result.cv_scores.scheme) else "by structure"
    med, lo, hi, reps = _skill(result.cv_scores, scheme, "LASSO, protocol alpha")
    base, _, _, _ = _skill(result.cv_scores, scheme, "mean predictor")
    n_high = int((result.rules.confidence == "high").sum()) if len(result.rules) else 0

    supports = [rows_per_feature(len(fit), result.X.shape[1], int(fit.structure.nunique()))]
    if n_out:
        reasons = ex[ex.excluded].reasons.str.split("; ").explode().str.replace(r" \(above.*", "", regex=True)
        supports.append(f"{n_out} flagged rows set aside, not fitted ("
                        + ", ".join(f"{k}: {v}" for k, v in reasons.value_counts().items())
                        + "); each is listed with its reason in excluded_rows.csv. Run with --keep-flagged to "
                        "fit them as they are.")
    if n_kept_flagged:
        supports.append(f"--keep-flagged: {n_kept_flagged} flagged rows that would be set aside are FITTED as they "
                        "are (listed in excluded_rows.csv, action 'kept').")
    supports.append(result.grouping)
    verdict = ("better than their mean" if np.isfinite(med) and med > 0 else "NO better than their mean")
    supports.append(f"Cross-validated skill, {scheme} ({reps} fold assignments): LASSO R² median {_fmt(med)} "
                    f"(5-95 %: {_fmt(lo)} to {_fmt(hi)}), mean predictor {_fmt(base)}: the rules predict held-out "
                    f"{scheme.split()[-1]}s {verdict}."
                    + ("" if np.isfinite(med) and med > 0 else " No rule is rated high."))
    supports.append(f"{n_high} of {len(result.rules)} rules rated high (support >= {HIGH_SUPPORT:.0%}, bootstrap "
                    "interval clear of zero, no single group zeroing it, skill above the mean's).")
    if len(result.rules) and not result.rules.design_rule.str.startswith("not tested").all():
        kinds = result.rules.groupby("design_rule", sort=False).fragment.agg(list)
        supports.append("Within papers (an intercept per paper): " + "; ".join(
            f"{k}: {', '.join(v)}" for k, v in kinds.items()) + ". A rule that holds only between papers is an "
            "association (papers that measured different chemistry), not a substitution rule.")
    cs = result.cross_scores
    preds = result.predictions
    mine = preds[preds.direction == "your rows, study's model"] if len(preds) else preds
    if len(mine) and mine.structure_in_other_table.notna().any():
        n_in = int(mine.structure_in_other_table.eq(True).sum())
        n_same = int(mine.same_value_in_other.eq(True).sum())
        supports.append(f"{n_in} of {len(mine)} fitted rows of {source} have a structure the study's table holds "
                        f"({n_same} with the same value): skill on them is not skill on new molecules.")
        n_dom = int((mine.outside_domain != "").sum())
        supports.append(f"{n_dom} of {len(mine)} fitted rows lie outside the study model's domain (a fragment "
                        "count outside the range of the study's rows; column outside_domain of predictions.csv)"
                        + (": the study's rules extrapolate to them." if n_dom else "."))

    parts = [
        f"# Design rules from {source}",
        "",
        f"{len(d)} rows read ({n_user} from {source}"
        + (f", {len(d) - n_user} from the study" if n_user < len(d) else "") + f"), {len(fit)} fitted; "
        f"{fit.structure.nunique()} distinct structures, {fit.paper.replace('', np.nan).nunique()} papers; "
        f"design matrix {result.X.shape[0]} x {result.X.shape[1]} fragment counts.",
        "",
        "## What this table can support",
        "",
        *[f"- {t}" for t in supports],
        "",
        "## The study's protocol",
        "",
        f"80/20 split (seed {study.LASSO_SPLIT_SEED}), {study.LASSO_CV_FOLDS}-fold CV, alpha chosen to give about "
        f"{study.LASSO_TARGET_NONZERO} variables: alpha = {lasso.alpha:.4f}, "
        f"{len(lasso.coefficients)} rules, test R² = {_fmt(lasso.test_r2)}, "
        f"test MAE = {lasso.mae_test:.2f} GPa.",
        "",
        f"That split is one draw: over {len(result.split_scores)} random 80/20 splits at this alpha the test "
        f"R² has median {q[1]:.3f} (5-95 %: {q[0]:.3f} to {q[2]:.3f}); the protocol's split sits at the "
        f"{ordinal(round(result.split_percentile))} percentile.",
        "",
        "## The rules and their confidence",
        "",
        "Support: share of bootstrap fits (resampling whole structures, same alpha) giving the fragment a "
        f"non-zero coefficient of the same sign. Confidence: high if support >= {HIGH_SUPPORT:.0%}, the bootstrap "
        "5-95 % interval of the coefficient does not touch zero, no single group zeroes the rule when left out "
        "and the model beats the mean predictor in grouped cross-validation; low if support < "
        f"{LOW_SUPPORT:.0%}; moderate otherwise. Design rule: the same rule with an unpenalised intercept per "
        "paper (paper fixed effects, paper-cluster bootstrap); a rule that holds only between papers is an "
        "association, not a substitution rule (mlcrystal.rules.confidence.RATINGS).",
        "",
        _markdown_table(result.rules.drop(columns=["zeroed_by"])) if len(result.rules) else "No rule: every "
        "coefficient is zero at the chosen alpha.",
        "",
        "![rules](rules.png)",
        "",
        "## How well the rules predict new structures and papers",
        "",
        "Pooled out-of-fold R² over repeated 5-fold cross-validation (each repeat shuffles which groups share "
        "a fold); 'shuffled rows' lets rows of one structure or paper sit on both sides and is shown for "
        "comparison only.",
        "",
        _markdown_table(summary),
        "",
        "![grouped cross-validation](cv_r2.png)",
        "",
        "## Against the study",
        "",
        "The study's published rules (alpha 0.7543) against this table's (rule_changes.csv):",
        "",
        _markdown_table(result.rule_changes.round(3)) if len(result.rule_changes) else "No rule on either side.",
        "",
    ]
    if len(cs):
        parts += ["Predictions across the tables (predictions.csv; R² against the mean of the rows scored, so 0 is "
                  "no better than a constant, undefined over fewer than 5 rows; domain: every fragment count within "
                  "the range of the model's training rows):", "",
                  _markdown_table(cs.astype(object).where(cs.notna(), "undefined")), ""]
    dup = mine[mine.structure_in_other_table.eq(True)] if len(mine) else mine
    if len(dup):
        show = dup[["line", "compound", "E_GPa", "other_lines", "other_E_GPa"]].rename(
            columns={"other_lines": "study lines", "other_E_GPa": "study E_GPa"})
        parts += [f"Rows of {source} whose structure is in the study's table (standardised structures):", "",
                  _markdown_table(show.head(20)) + ("" if len(show) <= 20 else f"\n\n... and {len(show) - 20} more "
                                                    "(predictions.csv)."), ""]
    parts += ["## Rows set aside", ""]
    if len(ex):
        show = ex[["source", "line", "compound", "E_GPa", "reasons", "action"]]
        parts += [_markdown_table(show.head(30)) + ("" if len(show) <= 30 else f"\n\n... and {len(show) - 30} "
                                                    "more (excluded_rows.csv)."), ""]
    else:
        parts += ["None: no row carries a flag that excludes it from fitting.", ""]
    parts += [
        "## Audit",
        "",
        (f"{len(result.flags)} findings on {result.flags.row.nunique()} rows (see audit_flags.csv; the flags "
         "that set a row aside are listed above):" if counts is not None else "The audit found nothing."),
        "",
        _markdown_table(counts) if counts is not None else "",
        "",
    ]
    if result.notes:
        parts += ["## Notes", ""] + [f"- {n}" for n in result.notes] + [""]
    parts += ["Files: rules.csv, audit_flags.csv, excluded_rows.csv, cv_scores.csv, split_scores.csv, "
              "rule_changes.csv, predictions.csv.", ""]
    return "\n".join(parts)


def run_rules(table_or_path, out_dir, *, with_study: bool = False, keep_flagged: bool = False, n_repeats: int = 20,
              n_boot: int = 200, n_random_splits: int = 200, random_state=0, n_jobs: int | None = None,
              log: Callable[[str], None] | None = None) -> RulesResult:
    """Run the study's LASSO protocol and the kit's checks on a table of moduli.

    Parameters
    ----------
    table_or_path : pandas.DataFrame or path-like
        A CSV/Excel file or table with ``smiles`` and ``E_GPa`` (optional
        ``compound``, ``doi`` or ``paper``, ``method``).
    out_dir : path-like
        Folder for ``report.md``, ``rules.png``, ``cv_r2.png`` and the CSV
        tables (created if needed; files of the same names are replaced).
        Without ``with_study`` the study's table is still read (when
        available) to compare with; without it that part is skipped with a note.
    with_study : bool, default False
        Append the study's 393 rows (``source = "study"``).
    keep_flagged : bool, default False
        Fit the rows whose audit flags would set them aside (they are still
        listed in ``excluded_rows.csv``, marked kept, and counted in the report).
    n_repeats : int, default 20
        Fold assignments of the repeated grouped cross-validation.
    n_boot : int, default 200
        Bootstrap samples of the selection frequency.
    n_random_splits : int, default 200
        Random 80/20 splits for placing the protocol's single split.
    random_state : None, int or numpy.random.Generator, default 0
        Seed of the checks (the protocol itself uses the study's seed 42).
    n_jobs : int, optional
        Parallel jobs of the checks.
    log : callable, optional
        Called with a short line as each step starts (the command line prints
        them, so a long run shows where it is).

    Returns
    -------
    RulesResult

    Raises
    ------
    ValueError
        Invalid input (one line naming file, row and column), moduli that
        look like MPa or are all equal, or a table too small for the
        protocol once flagged rows are set aside (the message says how many
        rows it needs).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     res = run_rules(study_table(), out, n_repeats=2, n_boot=20, n_random_splits=20)
    ...     names = sorted(p.name for p in res.files.values())
    >>> len(names), names[3:5]
    (10, ['excluded_rows.csv', 'predictions.csv'])
    >>> int(res.excluded.excluded.sum()), len(res.fitted)  # duplicates and one value of 0.00118 GPa set aside
    (26, 367)
    >>> with tempfile.TemporaryDirectory() as out:
    ...     res = run_rules(study_table(), out, keep_flagged=True, n_repeats=2, n_boot=20, n_random_splits=20)
    >>> round(res.lasso.alpha, 4), len(res.rules)
    (0.7543, 7)
    """

    say = log if log is not None else (lambda message: None)
    raw, source = read_table(table_or_path)
    say(f"validating {len(raw)} rows of {source}")
    data = validate_table(raw, source)
    if looks_like_mpa(data.E_GPa):
        raise _mpa_refusal(data, source)
    notes: list[str] = []
    try:
        study_rows: pd.DataFrame | None = study_table()
    except (DataUnavailableError, OSError) as err:
        if with_study:
            raise
        study_rows = None
        notes.append("The study's table could not be read (" + " ".join(str(err).split())[:160] + "): your rows "
                     "are scored by the study's published rules, but their overlap with the study's rows, the "
                     "study model's domain and the study's rows under your model are not computed.")
    n_user = len(data)
    study_keys = (curation_keys(study_rows.rename(columns={"paper": "doi"})).reset_index(drop=True)
                  if study_rows is not None else None)
    if with_study:
        assert study_rows is not None
        data = pd.concat([data, study_rows], ignore_index=True)
        notes.append("With --with-study the study's rows are fitted too: scoring them by this table's model would "
                     "not be a test, so only your rows are scored against the study's published model.")
    _check_size(data, source)

    audit_input = data.rename(columns={"line": "source_row", "paper": "doi"})[
        ["compound", "smiles", "E_GPa", "method", "doi", "source_row"]]
    say(f"auditing {len(data)} rows")
    keys = curation_keys(audit_input.iloc[:n_user])
    if with_study:
        keys = pd.concat([keys, study_keys], ignore_index=True)
    # the one audit (row checks and curation pass); structure duplicates are keyed once, across the user's
    # rows and the study's, from the keys computed above
    full = audit.audit(audit_input)
    flags = pd.concat([full[~full.flag.str.startswith("duplicate structure")],
                       check_structure_duplicates(audit_input, keys=keys)], ignore_index=True)
    flags.insert(1, "source", data.source.iloc[flags.row.to_numpy()].to_numpy() if len(flags) else [])
    flags = flags.rename(columns={"source_row": "line"})
    data["key"] = keys.structure.to_numpy()

    fit, excluded = rows_for_fitting(data, flags, keep_flagged=keep_flagged)
    excluded.insert(1, "source", data.source.to_numpy()[excluded.row.to_numpy(dtype=int)])
    excluded["action"] = np.where(excluded.excluded, "set aside", "kept (--keep-flagged)")
    if excluded.excluded.any():
        why = excluded[excluded.excluded].reasons.str.split("; ").explode().str.replace(r" \(above.*", "",
                                                                                          regex=True)
        _check_size(fit, source, set_aside=f"{int(excluded.excluded.sum())} flagged rows ("
                    + ", ".join(f"{v} {k}" for k, v in why.value_counts().items()) + ")")
    n_papers = int(fit.paper[fit.paper != ""].nunique())
    has_papers = n_papers >= study.LASSO_CV_FOLDS
    labels, grouping = paper_groups(fit.paper, fit.line)
    if has_papers:
        fit["group"] = np.where(fit.paper == "", [f"{s_}: {g}" for s_, g in zip(fit.source, labels, strict=True)],
                                labels)
        if (fit.paper == "").any():
            grouping += (" Such a row can never share a fold with a sibling it cannot be matched to, which "
                         "flatters the paper-grouped scores if several come from one paper.")
    else:
        fit["group"] = fit.structure
        grouping = (f"{n_papers} papers (fewer than {study.LASSO_CV_FOLDS}, or no doi/paper column): no "
                    "paper-grouped checks; rows are grouped by structure instead, and rules are tested by "
                    "leaving out one structure at a time.")
        notes.append(f"fewer than {study.LASSO_CV_FOLDS} papers (or no doi/paper column): no paper-grouped "
                     "cross-validation; rules are tested by leaving out one structure at a time instead.")

    say("counting the study's fragments")
    counts = fragment_counts(fit["smiles"])  # all 85: the domain needs them; X drops 14 and the all-zero ones
    X = drop_constant(counts.drop(columns=list(study.DROPPED_FRAGMENTS)))  # = paper_design_matrix(fit)
    if X.shape[1] == 0:
        raise ValueError(f"{source}: none of the study's fragments occurs in any molecule; the protocol has "
                         "nothing to select from.")
    y = fit.E_GPa.to_numpy()
    rs_split, rs_cv, rs_boot, rs_within = spawn(random_state, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        say("the study's LASSO protocol")
        lasso = paper_lasso(X, y)
        fixed = Lasso(alpha=lasso.alpha, max_iter=study.LASSO_MAX_ITER)
        say(f"{n_random_splits} random 80/20 splits")
        split_scores = split_r2_distribution(fixed, X, y, n_splits=n_random_splits, random_state=rs_split,
                                             n_jobs=n_jobs)
        schemes: dict = {}
        if has_papers:
            schemes["by paper"] = fit.group.to_numpy()
        schemes["by structure"] = fit.structure.to_numpy()
        schemes["shuffled rows"] = None
        models = {"mean predictor": DummyRegressor(), "LASSO, protocol alpha": fixed}
        say(f"grouped cross-validation, {n_repeats} repeats")
        cv_scores = grouped_cv_distribution(models, X, y, schemes, n_repeats=n_repeats, random_state=rs_cv,
                                            n_jobs=n_jobs)
        say(f"{n_boot} bootstrap fits")
        freq = bootstrap_selection_frequency(X, y, lasso.alpha, n_boot=n_boot, groups=fit.structure,
                                             random_state=rs_boot)
        group_word = "paper" if has_papers else "structure"
        say(f"leave-one-{group_word}-out influence")
        influence = (leave_one_group_out_influence(X, y, fit.group, lasso.alpha,
                                                   features=list(lasso.coefficients.index), n_jobs=n_jobs)
                     if len(lasso.coefficients) else pd.DataFrame())
        rated = None
        if has_papers and len(lasso.coefficients):
            say(f"within-paper fits, {n_boot} paper-bootstrap samples")
            est = rule_estimates(X, y, fit.group.to_numpy(), lasso.coefficients, alpha=lasso.alpha, n_boot=n_boot,
                                 random_state=rs_within)
            rated = rerate_rules(est.pooled_support, est[["within_support", "within_ols_support"]],
                                 high=HIGH_SUPPORT, low=LOW_SUPPORT)
    cv_med = _skill(cv_scores, "by paper" if has_papers else "by structure", "LASSO, protocol alpha")[0]
    rules = _rules_table(lasso, freq, influence, group_word, cv_med, rated)

    say("comparing with the study")
    published = pd.Series(dict(study.LASSO_RESULT["coefficients"]), dtype=float)
    changes = rule_changes(published, lasso.coefficients).reset_index().rename(
        columns={"reference": "study_GPa", "other": "this_table_GPa"})
    is_mine = (fit.source != STUDY_SOURCE).to_numpy()
    predictions, cross = against_study(
        fit[is_mine].reset_index(drop=True), counts[is_mine].reset_index(drop=True), study_rows, study_keys,
        model=None if with_study else lasso.model, columns=X.columns, train_rows=lasso.X_train.index, name=source)

    result = RulesResult(data=data.drop(columns="key"), flags=flags, X=X, lasso=lasso, rules=rules,
                         cv_scores=cv_scores, split_scores=split_scores, influence=influence,
                         split_percentile=percentile_of(split_scores.r2, lasso.test_r2), notes=notes,
                         excluded=excluded, fitted=fit.drop(columns="key"), rule_changes=changes,
                         predictions=predictions, cross_scores=cross, grouping=grouping)

    say("writing the report")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"rules_csv": out / "rules.csv", "audit_csv": out / "audit_flags.csv",
             "excluded_csv": out / "excluded_rows.csv", "cv_csv": out / "cv_scores.csv",
             "split_csv": out / "split_scores.csv", "changes_csv": out / "rule_changes.csv",
             "predictions_csv": out / "predictions.csv"}
    rules.to_csv(files["rules_csv"], index=False)
    flags.to_csv(files["audit_csv"], index=False)
    excluded.to_csv(files["excluded_csv"], index=False)
    cv_scores.round(4).to_csv(files["cv_csv"], index=False)
    split_scores.round(4).to_csv(files["split_csv"], index=False)
    changes.round(4).to_csv(files["changes_csv"], index=False)
    predictions.round(4).to_csv(files["predictions_csv"], index=False)
    files.update(_figures(result, out))
    files["report"] = out / "report.md"
    files["report"].write_text(_report(result, source, keep_flagged=keep_flagged))
    result.files = files
    return result
