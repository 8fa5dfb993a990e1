"""The kit's stored review of every row the curation checks flag, and the audit's precision.

The kit's correction table (``mlcrystal/data/corrections.csv``) is applied when
the data are loaded: :func:`mlcrystal.datasets.load_corrections`,
:func:`mlcrystal.datasets.apply_corrections` and
``load_youngs_modulus(corrected=True)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlcrystal.datasets import read_package_csv, require_columns

__all__ = ["REVIEW_COLUMNS", "VERDICTS", "load_audit_review", "audit_precision", "audit_recall"]

#: Columns of ``mlcrystal/data/audit_review.csv``: one row per (line, check) the curation checks flag.
REVIEW_COLUMNS = ["source_row", "check", "verdict", "reason"]
VERDICTS = ("real", "false alarm")


def load_audit_review() -> pd.DataFrame:
    """The kit's reading of every row the curation checks flag in the study's table.

    Each row of ``mlcrystal/data/audit_review.csv`` is one (spreadsheet
    line, check) pair of ``curation_audit(load_youngs_modulus(), opsin=True)``
    with the verdict ("real" or "false alarm") reached by reading the
    row's name, SMILES and DOI, and the reason.  "real" says that the check's
    claim holds for the row (for "check the source": that the value is an
    outlier worth reading in the source, not that it is wrong).  The checks
    and :data:`~mlcrystal.rules.curation.KNOWN_COMPONENTS` were written while reading this table, so
    its precision is measured in sample: expect lower on another table.

    Examples
    --------
    >>> r = load_audit_review()
    >>> sorted(r.verdict.unique())
    ['false alarm', 'real']
    """
    review = read_package_csv("audit_review.csv", REVIEW_COLUMNS)
    bad = ~review["verdict"].isin(VERDICTS)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"mlcrystal/data/audit_review.csv, row {i}, column 'verdict': expected one of "
                         f"{VERDICTS}, got {review['verdict'].iloc[i]!r}; correct the verdict.")
    return review


def audit_precision(review: pd.DataFrame, findings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per check: rows flagged, rows judged real, and the precision (real / flagged).

    Parameters
    ----------
    review : pandas.DataFrame
        ``source_row, check, verdict`` (as :func:`load_audit_review`), one row per flagged (line, check).
    findings : pandas.DataFrame, optional
        The findings reviewed (``source_row, flag``, e.g. from
        :func:`~mlcrystal.rules.curation.curation_audit`); then every
        flagged (line, check) must have a verdict.

    Returns
    -------
    pandas.DataFrame
        ``check, flagged, real, false_alarms, precision``, one row per check, then a row ``"all"``.

    Raises
    ------
    ValueError
        A verdict other than "real"/"false alarm", a (line, check) reviewed twice, or (with
        ``findings``) a flagged (line, check) without a verdict.

    Examples
    --------
    >>> r = pd.DataFrame({"source_row": [2, 3, 3], "check": ["a", "a", "b"],
    ...                   "verdict": ["real", "false alarm", "real"]})
    >>> audit_precision(r)[["check", "flagged", "real", "precision"]].values.tolist()
    [['a', 2, 1, 0.5], ['b', 1, 1, 1.0], ['all', 3, 2, 0.6667]]
    """
    require_columns(review, ["source_row", "check", "verdict"], "audit_precision (review)")
    bad = ~review["verdict"].isin(VERDICTS)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"review row {i}: verdict must be one of {VERDICTS}, got {review['verdict'].iloc[i]!r}.")
    twice = review.duplicated(["source_row", "check"])
    if twice.any():
        i = int(np.flatnonzero(twice)[0])
        raise ValueError(f"review row {i}: line {review['source_row'].iloc[i]} is reviewed twice under "
                         f"{review['check'].iloc[i]!r}; keep one verdict per (line, check).")
    if findings is not None:
        require_columns(findings, ["source_row", "flag"], "audit_precision (findings)")
        done = set(zip(review["source_row"], review["check"], strict=True))
        missing = sorted({(int(r), str(c)) for r, c in zip(findings["source_row"], findings["flag"], strict=True)}
                         - done)
        if missing:
            raise ValueError(f"{len(missing)} flagged (line, check) pair(s) have no verdict, e.g. {missing[:3]}; "
                             "read those rows and add them to the review.")
    real = review["verdict"].eq("real")
    g = review.assign(real=real).groupby("check", sort=True)
    out = pd.DataFrame({"flagged": g.size(), "real": g["real"].sum()}).reset_index()
    out.loc[len(out)] = ["all", len(review), int(real.sum())]
    out["flagged"] = out["flagged"].astype(int)
    out["real"] = out["real"].astype(int)
    out["false_alarms"] = out["flagged"] - out["real"]
    out["precision"] = (out["real"] / out["flagged"]).round(4)
    return out[["check", "flagged", "real", "false_alarms", "precision"]]


def audit_recall(review: pd.DataFrame, findings: pd.DataFrame,
                 corrections: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per check: the problems the kit's review judged real, how many ``findings`` flag, and the recall.

    The review lists every (line, check) that the kit's checks flagged in the study's table, with
    a verdict; a run of :func:`~mlcrystal.rules.audit.audit` with fewer checks (no Java, so no OPSIN)
    finds fewer of them. The recall is measured on problems the checks themselves found, so it says
    what a run misses against the full audit, not what every check misses in the table.

    Parameters
    ----------
    review : pandas.DataFrame
        ``source_row, check, verdict`` (as :func:`load_audit_review`).
    findings : pandas.DataFrame
        ``source_row, flag`` (as :func:`~mlcrystal.rules.audit.audit`).
    corrections : pandas.DataFrame, optional
        ``source_row`` of rows known to be wrong (:func:`~mlcrystal.datasets.load_corrections`): adds a
        row ``"corrected rows (any flag)"``, the share of them that carry at least one flag.

    Returns
    -------
    pandas.DataFrame
        ``check, real, found, recall``, one row per check, then ``"all"`` (and the corrections row).

    Examples
    --------
    >>> r = pd.DataFrame({"source_row": [2, 3, 4], "check": ["a", "a", "b"],
    ...                   "verdict": ["real", "real", "false alarm"]})
    >>> f = pd.DataFrame({"source_row": [2, 4], "flag": ["a", "b"]})
    >>> audit_recall(r, f).values.tolist()
    [['a', 2, 1, 0.5], ['all', 2, 1, 0.5]]
    """
    require_columns(review, ["source_row", "check", "verdict"], "audit_recall (review)")
    require_columns(findings, ["source_row", "flag"], "audit_recall (findings)")
    real = review.loc[review.verdict == "real", ["source_row", "check"]].drop_duplicates()
    flagged = set(zip(findings.source_row.astype(int), findings.flag.astype(str), strict=True))
    real = real.assign(found=[(int(r), str(c)) in flagged for r, c in zip(real.source_row, real.check, strict=True)])
    out = real.groupby("check", sort=True).found.agg(real="size", found="sum").reset_index()
    out.loc[len(out)] = ["all", int(out.real.sum()), int(out.found.sum())]
    if corrections is not None:
        require_columns(corrections, ["source_row"], "audit_recall (corrections)")
        rows = set(corrections.source_row.astype(int))
        out.loc[len(out)] = ["corrected rows (any flag)", len(rows), len(rows & set(findings.source_row.astype(int)))]
    out = out.astype({"real": int, "found": int})
    out["recall"] = (out.found / out.real).round(4)
    return out

