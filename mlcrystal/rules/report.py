"""Design rules from your own table: the study's method and the kit's checks, in one call.

``mlcrystal rules DATA.csv --out DIR`` (the command line, ``mlcrystal.cli.rules``)
or :func:`run_rules` from Python takes a table of Young's moduli of organic crystals with columns
``smiles`` and ``E_GPa`` (optional: ``compound``, ``doi`` or ``paper``,
``method``) and

1. validates it (a missing column, a modulus that is not a positive number or
   a SMILES that RDKit cannot read stops the run with a message naming the
   file, row and column);
2. audits it (:func:`mlcrystal.rules.audit.audit`: duplicates, implausible
   values, names that contradict structures...; flags only, nothing removed);
3. counts the study's fragments (:func:`mlcrystal.rules.features.paper_design_matrix`);
4. runs the study's LASSO protocol (:func:`mlcrystal.rules.lasso.paper_lasso`: one
   80/20 split, 5-fold CV, the alpha that gives about 8 variables);
5. checks the result over many partitions, with the same functions as the
   book: the single split's R^2 placed among many random splits, grouped
   cross-validation by paper and by structure repeated over many fold
   assignments, bootstrap selection frequency (resampling structures) and
   leave-one-paper-out influence;
6. writes ``report.md`` with two PNG figures and the CSV tables
   ``rules.csv``, ``audit_flags.csv``, ``cv_scores.csv`` and ``split_scores.csv``.

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
from mlcrystal.datasets import load_youngs_modulus
from mlcrystal.plotting import PAPER_COLOR, set_style
from mlcrystal.rules import audit
from mlcrystal.rules.curation import paper_of
from mlcrystal.rules.features import fragment_smarts, paper_design_matrix
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
        given); ``structure`` is RDKit's canonical SMILES.

    Raises
    ------
    ValueError
        A missing column, an empty cell in a required or source column, a
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
    paper = text(paper_col, required=True) if paper_col else pd.Series([""] * n)
    if paper_col == "doi":
        paper = paper.map(lambda d: paper_of(d) if d else "")

    structures = []
    with rdBase.BlockLogs():  # an unreadable SMILES is reported below, not in RDKit's log
        for i, smi in enumerate(smiles):
            mol = Chem.MolFromSmiles(smi)
            if mol is None:
                raise ValueError(f"{where(i, 'smiles')}: RDKit cannot read the SMILES {smi!r}; correct it "
                                 "(brackets, ring closures, valences) or remove the row.")
            structures.append(Chem.MolToSmiles(mol))
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


def _check_size(data: pd.DataFrame, source: str) -> None:
    need = minimum_rows()
    n_structures = data.structure.nunique()
    if len(data) < need:
        raise ValueError(
            f"{source}: {len(data)} rows is too few for the study's protocol, which needs at least {need} rows "
            f"(an {round(100 * (1 - study.LASSO_TEST_SIZE))}/{round(100 * study.LASSO_TEST_SIZE)} split, then "
            f"{study.LASSO_CV_FOLDS}-fold CV, with at least {MIN_ROWS_PER_VALIDATION_SET} rows in every "
            "validation set); add rows or run with --with-study to append the study's 393 rows.")
    if data.E_GPa.nunique() < 2:
        raise ValueError(f"{source}: every modulus is {data.E_GPa.iloc[0]:g} GPa; a fit needs moduli that differ "
                         "(R^2 is undefined without variance).")
    if n_structures < study.LASSO_CV_FOLDS:
        raise ValueError(
            f"{source}: {n_structures} distinct structures; the checks keep structures apart in "
            f"{study.LASSO_CV_FOLDS}-fold CV and need at least {study.LASSO_CV_FOLDS}; add structures "
            "or run with --with-study.")


def _confidence(support: float, zeroed: int) -> str:
    if support < LOW_SUPPORT:
        return "low"
    if support >= HIGH_SUPPORT and zeroed == 0:
        return "high"
    return "moderate"


def _rules_table(lasso, freq: pd.DataFrame, influence: pd.DataFrame, group_word: str) -> pd.DataFrame:
    smarts = fragment_smarts()
    summary = influence_summary(influence) if len(influence) else pd.DataFrame()
    rows = []
    for frag, coef in lasso.coefficients.items():
        support = float(freq.loc[frag, "positive" if coef > 0 else "negative"])
        inf = summary.loc[frag] if frag in summary.index else None
        zeroed = int(inf["n_zeroing"]) if inf is not None else 0
        rows.append({
            "fragment": frag, "meaning": study.RULE_NAMES.get(frag, smarts.get(frag, "")),
            "coefficient_GPa": round(float(coef), 4), "effect": "raises E" if coef > 0 else "lowers E",
            "bootstrap_support": round(support, 3),
            "bootstrap_q05": round(float(freq.loc[frag, "q05"]), 4),
            "bootstrap_q95": round(float(freq.loc[frag, "q95"]), 4),
            f"{group_word}s_zeroing": zeroed,
            "zeroed_by": inf["zeroed_by"] if inf is not None else "",
            f"most_influential_{group_word}": inf["most_influential"] if inf is not None else "",
            "confidence": _confidence(support, zeroed),
        })
    cols = ["fragment", "meaning", "coefficient_GPa", "effect", "bootstrap_support", "bootstrap_q05",
            "bootstrap_q95", f"{group_word}s_zeroing", "zeroed_by", f"most_influential_{group_word}", "confidence"]
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


def _report(result: RulesResult, source: str) -> str:
    d, lasso = result.data, result.lasso
    n_user = int((d.source != STUDY_SOURCE).sum())
    summary = distribution_summary(result.cv_scores).round(3).reset_index()
    counts = result.flags.groupby("flag").size().rename("findings").reset_index() if len(result.flags) else None
    q = result.split_scores.r2.quantile([0.05, 0.5, 0.95]).round(3).tolist()
    parts = [
        f"# Design rules from {source}",
        "",
        f"{len(d)} rows ({n_user} from {source}"
        + (f", {len(d) - n_user} from the study" if n_user < len(d) else "") + f"), "
        f"{d.structure.nunique()} distinct structures, {d.paper.replace('', np.nan).nunique()} papers; "
        f"design matrix {result.X.shape[0]} x {result.X.shape[1]} fragment counts.",
        "",
        "## The study's protocol",
        "",
        f"80/20 split (seed {study.LASSO_SPLIT_SEED}), {study.LASSO_CV_FOLDS}-fold CV, alpha chosen to give about "
        f"{study.LASSO_TARGET_NONZERO} variables: alpha = {lasso.alpha:.4f}, "
        f"{len(lasso.coefficients)} rules, test R² = {lasso.test_r2:.3f}, "
        f"test MAE = {lasso.mae_test:.2f} GPa.",
        "",
        f"That split is one draw: over {len(result.split_scores)} random 80/20 splits at this alpha the test "
        f"R² has median {q[1]:.3f} (5-95 %: {q[0]:.3f} to {q[2]:.3f}); the protocol's split sits at the "
        f"{ordinal(round(result.split_percentile))} percentile.",
        "",
        "## The rules and their confidence",
        "",
        "Support: share of bootstrap fits (resampling whole structures, same alpha) giving the fragment a "
        f"non-zero coefficient of the same sign. Confidence: high if support >= {HIGH_SUPPORT:.0%} and no single "
        f"group zeroes the rule when left out; low if support < {LOW_SUPPORT:.0%}; moderate otherwise.",
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
        "## Audit",
        "",
        (f"{len(result.flags)} findings on {result.flags.row.nunique()} rows (nothing was removed; see "
         "audit_flags.csv):" if counts is not None else "The audit found nothing."),
        "",
        _markdown_table(counts) if counts is not None else "",
        "",
    ]
    if result.notes:
        parts += ["## Notes", ""] + [f"- {n}" for n in result.notes] + [""]
    parts += ["Files: rules.csv, audit_flags.csv, cv_scores.csv, split_scores.csv.", ""]
    return "\n".join(parts)


def run_rules(table_or_path, out_dir, *, with_study: bool = False, n_repeats: int = 20, n_boot: int = 200,
              n_random_splits: int = 200, random_state=0, n_jobs: int | None = None,
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
    with_study : bool, default False
        Append the study's 393 rows (``source = "study"``).
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
        Invalid input (one line naming file, row and column) or a table too
        small for the protocol (the message says how many rows it needs).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     res = run_rules(study_table(), out, n_repeats=2, n_boot=20, n_random_splits=20)
    ...     sorted(p.name for p in res.files.values())
    ['audit_flags.csv', 'cv_r2.png', 'cv_scores.csv', 'report.md', 'rules.csv', 'rules.png', 'split_scores.csv']
    >>> round(res.lasso.alpha, 4), len(res.rules)
    (0.7543, 7)
    """

    say = log if log is not None else (lambda message: None)
    raw, source = read_table(table_or_path)
    say(f"validating {len(raw)} rows of {source}")
    data = validate_table(raw, source)
    notes: list[str] = []
    if with_study:
        if (data.paper == "").all():
            data["paper"] = f"{source} (no paper given)"
            notes.append(f"{source} has no doi/paper column: its rows count as one paper in the paper-grouped checks.")
        data = pd.concat([data, study_table()], ignore_index=True)
    _check_size(data, source)

    audit_input = data.rename(columns={"line": "source_row", "paper": "doi"})[
        ["compound", "smiles", "E_GPa", "method", "doi", "source_row"]]
    say(f"auditing {len(data)} rows")
    flags = audit.audit(audit_input)
    flags.insert(1, "source", data.source.iloc[flags.row.to_numpy()].to_numpy() if len(flags) else [])
    flags = flags.rename(columns={"source_row": "line"})

    say("counting the study's fragments")
    X = paper_design_matrix(data)
    if X.shape[1] == 0:
        raise ValueError(f"{source}: none of the study's fragments occurs in any molecule; the protocol has "
                         "nothing to select from.")
    y = data.E_GPa.to_numpy()
    rs_split, rs_cv, rs_boot = spawn(random_state, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        say("the study's LASSO protocol")
        lasso = paper_lasso(X, y)
        fixed = Lasso(alpha=lasso.alpha, max_iter=study.LASSO_MAX_ITER)
        say(f"{n_random_splits} random 80/20 splits")
        split_scores = split_r2_distribution(fixed, X, y, n_splits=n_random_splits, random_state=rs_split,
                                             n_jobs=n_jobs)
        has_papers = data.paper.nunique() >= study.LASSO_CV_FOLDS and (data.paper != "").all()
        schemes: dict = {}
        if has_papers:
            schemes["by paper"] = data.paper.to_numpy()
        else:
            notes.append(f"fewer than {study.LASSO_CV_FOLDS} papers (or no doi/paper column): no paper-grouped "
                         "cross-validation; rules are tested by leaving out one structure at a time instead.")
        schemes["by structure"] = data.structure.to_numpy()
        schemes["shuffled rows"] = None
        models = {"mean predictor": DummyRegressor(), "LASSO, protocol alpha": fixed}
        say(f"grouped cross-validation, {n_repeats} repeats")
        cv_scores = grouped_cv_distribution(models, X, y, schemes, n_repeats=n_repeats, random_state=rs_cv,
                                            n_jobs=n_jobs)
        say(f"{n_boot} bootstrap fits")
        freq = bootstrap_selection_frequency(X, y, lasso.alpha, n_boot=n_boot, groups=data.structure,
                                             random_state=rs_boot)
        group_word = "paper" if has_papers else "structure"
        say(f"leave-one-{group_word}-out influence")
        influence = (leave_one_group_out_influence(X, y, data[group_word], lasso.alpha,
                                                   features=list(lasso.coefficients.index), n_jobs=n_jobs)
                     if len(lasso.coefficients) else pd.DataFrame())
    rules = _rules_table(lasso, freq, influence, group_word)
    result = RulesResult(data=data, flags=flags, X=X, lasso=lasso, rules=rules, cv_scores=cv_scores,
                         split_scores=split_scores, influence=influence,
                         split_percentile=percentile_of(split_scores.r2, lasso.test_r2), notes=notes)

    say("writing the report")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"rules_csv": out / "rules.csv", "audit_csv": out / "audit_flags.csv",
             "cv_csv": out / "cv_scores.csv", "split_csv": out / "split_scores.csv"}
    rules.to_csv(files["rules_csv"], index=False)
    flags.to_csv(files["audit_csv"], index=False)
    cv_scores.round(4).to_csv(files["cv_csv"], index=False)
    split_scores.round(4).to_csv(files["split_csv"], index=False)
    files.update(_figures(result, out))
    files["report"] = out / "report.md"
    files["report"].write_text(_report(result, source))
    result.files = files
    return result
