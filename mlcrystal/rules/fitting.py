"""What a user's table can support: which rows to fit, how to group them, how to rate a rule.

Building blocks for the ``rules`` report (issue 19, item 6), kept free of
file handling so that the report, the chapters and the tests call the same
functions:

- :func:`rows_for_fitting`: rows whose audit flags make them unfit to fit
  (a value outside the plausible range, a column that looks like MPa, a
  duplicate, an unreadable structure) are set aside with their reasons,
  unless the caller keeps them on purpose;
- :func:`paper_groups`: rows without a DOI are accepted, each its own group,
  and the grouping is stated;
- :func:`rule_confidence`: never "high" when the rule's interval touches zero;
- :func:`rule_changes`: which published rules appear, disappear or change sign;
- :func:`rows_per_feature`: the sample-size statement a report should make;
- :func:`outside_domain`: which rows a fitted model would extrapolate to;
- :func:`study_overlap`: which rows repeat a structure of another table (the study's);
- :func:`prediction_scores`: n, R^2 and MAE of predictions, undefined where they are;
- :func:`against_study`: a user's rows by the study's published model, the study's rows by the
  user's model, with overlap, similarity and domain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlcrystal import study
from mlcrystal.rules.features import fragment_counts
from mlcrystal.rules.novelty import fingerprints_of, nearest_similarity

__all__ = ["EXCLUDED_FLAGS", "MPA_MEDIAN_GPa", "ABSURD_GPa", "looks_like_mpa", "rows_for_fitting", "paper_groups",
           "rule_confidence", "rule_changes", "rows_per_feature", "outside_domain", "study_overlap",
           "prediction_scores", "PREDICTION_COLUMNS", "against_study"]

#: Audit flags whose rows are excluded from fitting by default.
EXCLUDED_FLAGS = ("implausible modulus", "duplicate row", "duplicate structure", "unreadable SMILES",
                  "column looks like MPa")
#: A modulus column whose median exceeds this many GPa is read as MPa (molecular crystals:
#: median about 9 GPa in the study's table, none above 100 GPa).
MPA_MEDIAN_GPa = 100.0
#: A modulus above this many GPa (a thousand times diamond's) is fitted by no option: its
#: squared error alone outweighs every other row (1e300 overflows to inf), so it is set aside
#: even with ``keep_flagged``.
ABSURD_GPa = 1e6
#: Columns of :func:`against_study`'s predictions (``predictions.csv`` of the ``rules`` report).
PREDICTION_COLUMNS = ("direction", "source", "line", "compound", "smiles", "E_GPa", "predicted_GPa",
                      "structure_in_other_table", "same_value_in_other", "other_lines", "other_E_GPa",
                      "nn_similarity", "outside_domain")


def looks_like_mpa(E_GPa) -> bool:
    """Whether a whole modulus column looks like MPa entered as GPa (median above :data:`MPA_MEDIAN_GPa`).

    Examples
    --------
    >>> looks_like_mpa([9600.0, 12000.0, 8000.0]), looks_like_mpa([9.6, 12.0, 9600.0])
    (True, False)
    """
    v = np.asarray(E_GPa, dtype=float)
    return bool(len(v) and np.nanmedian(v) > MPA_MEDIAN_GPa)


def rows_for_fitting(data: pd.DataFrame, flags: pd.DataFrame, *, exclude=EXCLUDED_FLAGS,
                     keep_flagged: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a validated table into rows to fit and rows set aside, each with its reasons.

    Parameters
    ----------
    data : pandas.DataFrame
        The table (``E_GPa`` and, for the listing, ``line`` and ``compound`` when present).
    flags : pandas.DataFrame
        Audit findings with ``row`` (position in ``data``) and ``flag``
        (:func:`mlcrystal.rules.audit.audit`); a column that looks like MPa
        (:func:`looks_like_mpa`) adds the flag ``"column looks like MPa"`` to every row.
    exclude : sequence of str
        Flags that exclude a row (default :data:`EXCLUDED_FLAGS`).
    keep_flagged : bool, default False
        Keep every row (the reasons are still listed, marked kept), except
        moduli above :data:`ABSURD_GPa`, which are never fitted.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The rows to fit (index reset) and one line per flagged row:
        ``row, line, compound, E_GPa, reasons, excluded``.

    Examples
    --------
    >>> d = pd.DataFrame({"line": [2, 3, 4], "compound": ["a", "b", "c"], "E_GPa": [9.0, 9600.0, 8.0]})
    >>> f = pd.DataFrame({"row": [1], "flag": ["implausible modulus"]})
    >>> kept, out = rows_for_fitting(d, f)
    >>> kept.compound.tolist(), out[["line", "reasons", "excluded"]].values.tolist()
    (['a', 'c'], [[3, 'implausible modulus', True]])
    """
    for col in ("row", "flag"):
        if col not in flags.columns:
            raise ValueError(f"flags has no column {col!r}; pass the output of mlcrystal.rules.audit.audit().")
    if "E_GPa" not in data.columns:
        raise ValueError("data has no column 'E_GPa'; pass the validated table.")
    f = flags[["row", "flag"]].copy()
    if looks_like_mpa(data.E_GPa):
        f = pd.concat([f, pd.DataFrame({"row": np.arange(len(data)), "flag": "column looks like MPa"})])
    f = f[f.flag.isin(list(exclude))]
    reasons = f.groupby("row").flag.agg(lambda s: "; ".join(dict.fromkeys(s)))
    bad = np.zeros(len(data), dtype=bool)
    bad[reasons.index.to_numpy(dtype=int)] = True
    listing = pd.DataFrame({"row": reasons.index.to_numpy(dtype=int)})
    for col in ("line", "compound", "E_GPa"):
        if col in data.columns:
            listing[col] = data[col].to_numpy()[listing.row]
    listing["reasons"] = reasons.to_numpy()
    absurd = ~(data.E_GPa.to_numpy(dtype=float) <= ABSURD_GPa)
    listing["excluded"] = (not keep_flagged) | absurd[listing.row.to_numpy()]
    extra = np.flatnonzero(absurd & ~bad)  # absurd but not flagged (a caller's own flags)
    if len(extra):
        more = pd.DataFrame({"row": extra})
        for col in ("line", "compound", "E_GPa"):
            if col in data.columns:
                more[col] = data[col].to_numpy()[extra]
        listing = pd.concat([listing, more.assign(reasons="implausible modulus", excluded=True)],
                            ignore_index=True).sort_values("row", ignore_index=True)
    listing.loc[absurd[listing.row.to_numpy()], "reasons"] += f" (above {ABSURD_GPa:g} GPa: never fitted)"
    keep = absurd if keep_flagged else (bad | absurd)
    return data[~keep].reset_index(drop=True), listing


def paper_groups(paper, line=None) -> tuple[np.ndarray, str]:
    """Group labels for paper-grouped checks, accepting rows without a paper.

    A row without a DOI or paper gets a group of its own (``"no paper, line N"``):
    it can never share a fold with a sibling it cannot be matched to, which
    may flatter a model if such rows come from one paper; the returned
    sentence says so for the report.

    Parameters
    ----------
    paper : array-like of str
        Paper key per row, empty (or missing) when unknown.
    line : array-like, optional
        Line numbers for the labels (default: position + 2, a file with a header).

    Returns
    -------
    (numpy.ndarray, str)
        Labels, and a sentence stating the grouping.

    Examples
    --------
    >>> labels, note = paper_groups(["10.1/a", "", None, "10.1/a"])
    >>> labels.tolist()
    ['10.1/a', 'no paper, line 3', 'no paper, line 4', '10.1/a']
    >>> note
    '2 of 4 rows have no paper: each is its own group in the paper-grouped checks.'
    """
    p = pd.Series(paper, dtype=object)
    lines = np.arange(len(p)) + 2 if line is None else np.asarray(line)
    blank = p.isna() | (p.astype(str).str.strip() == "")
    labels = np.where(blank, [f"no paper, line {n}" for n in lines], p.astype(str).str.strip())
    n = int(blank.sum())
    note = (f"{n} of {len(p)} rows have no paper: each is its own group in the paper-grouped checks." if n
            else f"all {len(p)} rows have a paper: {p.nunique()} papers.")
    return labels.astype(str), note


def rule_confidence(support: float, lo: float, hi: float, *, n_zeroing: int = 0, high: float = 0.8,
                    low: float = 0.5, model_skill: float | None = None) -> str:
    """Rate a rule: "high" needs support >= ``high``, no single group zeroing it, an interval clear of
    zero and (when given) a model that predicts held-out groups better than their mean.

    Parameters
    ----------
    support : float
        Share of resampled fits with the rule's sign.
    lo, hi : float
        The coefficient's interval over the resampled fits.
    n_zeroing : int
        Groups (papers) whose removal zeroes the rule.
    high, low : float
    model_skill : float, optional
        The model's grouped cross-validated R^2 (median over fold
        assignments); at or below zero no rule of that model is rated "high".

    Returns
    -------
    str
        ``"high"``, ``"moderate"`` or ``"low"``.

    Examples
    --------
    >>> rule_confidence(0.92, 0.0, 2.02), rule_confidence(0.99, -1.48, -0.26), rule_confidence(0.3, 0.1, 1.0)
    ('moderate', 'high', 'low')
    >>> rule_confidence(0.99, -1.48, -0.26, model_skill=-0.05)
    'moderate'
    """
    if support < low:
        return "low"
    touches_zero = lo <= 0 <= hi
    skilled = model_skill is None or model_skill > 0
    if support >= high and n_zeroing == 0 and not touches_zero and skilled:
        return "high"
    return "moderate"


def rule_changes(reference: pd.Series, other: pd.Series) -> pd.DataFrame:
    """Which rules of ``reference`` (e.g. the study's) disappear, change sign or stay in ``other``, and which appear.

    Examples
    --------
    >>> ref = pd.Series({"fr_benzene": -1.57, "fr_halogen": -1.05, "fr_COO": 0.34})
    >>> new = pd.Series({"fr_benzene": -1.2, "fr_halogen": 0.3, "fr_NH0": 0.1})
    >>> rule_changes(ref, new).change.to_dict()
    {'fr_benzene': 'same sign', 'fr_halogen': 'sign changed', 'fr_COO': 'disappeared', 'fr_NH0': 'appeared'}
    """
    ref = reference[reference != 0]
    oth = other[other != 0]
    rows = []
    for f, c in ref.items():
        o = oth.get(f, 0.0)
        change = "disappeared" if o == 0 else ("same sign" if np.sign(o) == np.sign(c) else "sign changed")
        rows.append({"fragment": f, "reference": float(c), "other": float(o), "change": change})
    for f, o in oth.items():
        if f not in ref.index:
            rows.append({"fragment": f, "reference": 0.0, "other": float(o), "change": "appeared"})
    return pd.DataFrame(rows, columns=["fragment", "reference", "other", "change"]).set_index("fragment")


def rows_per_feature(n_rows: int, n_features: int, n_structures: int | None = None) -> str:
    """The sample-size sentence a report should carry.

    Examples
    --------
    >>> rows_per_feature(29, 26, 20)[:63]
    '29 rows (20 structures) for 26 fragment columns: 1.1 rows per c'
    """
    if n_features < 1:
        raise ValueError("n_features must be at least 1.")
    ratio = n_rows / n_features
    struct = f" ({n_structures} structures)" if n_structures is not None else ""
    tail = ("; fewer than 10 per column, so a selected rule can rest on one or two molecules." if ratio < 10
            else ".")
    return f"{n_rows} rows{struct} for {n_features} fragment columns: {ratio:.1f} rows per column{tail}"


def outside_domain(train_counts: pd.DataFrame, query_counts: pd.DataFrame) -> np.ndarray:
    """Why each query row lies outside a model's training domain ("" when it lies inside).

    The domain is the one a linear model of fragment counts has: every count
    of the query within the range its training rows span. A count above the
    training maximum (or below the minimum) asks the model to extrapolate a
    rule; a fragment no training row carries has no coefficient at all, so
    its effect is simply missing from the prediction. (A nearest-neighbour
    similarity threshold does not separate good from bad predictions on the
    study's data, see ``benchmarks/FINDINGS_rules.md``; it is reported beside
    this, not used as the domain.)

    Parameters
    ----------
    train_counts, query_counts : pandas.DataFrame
        Fragment counts (e.g. :func:`mlcrystal.rules.features.fragment_counts`)
        with the same columns.

    Returns
    -------
    numpy.ndarray of str

    Examples
    --------
    >>> train = pd.DataFrame({"fr_benzene": [0, 1, 2], "fr_nitro": [0, 0, 0]})
    >>> query = pd.DataFrame({"fr_benzene": [1, 3, 0], "fr_nitro": [0, 0, 2]})
    >>> outside_domain(train, query).tolist()
    ['', 'fr_benzene = 3 (training 0-2)', 'fr_nitro = 2 (no training row has one)']
    """
    missing = [c for c in query_counts.columns if c not in train_counts.columns]
    if missing:
        raise ValueError(f"train_counts has no column(s) {missing}; count the same fragments in both tables.")
    lo, hi = train_counts[query_counts.columns].min(), train_counts[query_counts.columns].max()
    q = query_counts.to_numpy(dtype=float)
    lo_v, hi_v = lo.to_numpy(dtype=float), hi.to_numpy(dtype=float)
    out = []
    for row in q:
        why = []
        for j in np.flatnonzero((row < lo_v) | (row > hi_v)):
            col = query_counts.columns[j]
            why.append(f"{col} = {row[j]:g} (no training row has one)" if hi_v[j] == 0 and lo_v[j] == 0
                       else f"{col} = {row[j]:g} (training {lo_v[j]:g}-{hi_v[j]:g})")
        out.append("; ".join(why))
    return np.array(out, dtype=object)


def study_overlap(structure, E_GPa, other_structure, other_E_GPa, other_line) -> pd.DataFrame:
    """Rows whose structure another table (e.g. the study's) also holds, and whether with the same value.

    Parameters
    ----------
    structure, E_GPa : array-like
        Structure key (e.g. the standardised SMILES) and modulus of each row.
    other_structure, other_E_GPa, other_line : array-like
        The same for the other table, and its rows' line numbers.

    Returns
    -------
    pandas.DataFrame
        One row per input row: ``in_other`` (bool), ``same_value`` (the same
        modulus to 1e-6 GPa in one of those rows), ``other_lines`` (their
        lines, comma-separated) and ``other_E_GPa`` (their moduli).

    Examples
    --------
    >>> d = study_overlap(["A", "B", "C"], [1.0, 2.0, 3.0], ["A", "A", "C"], [1.0, 5.0, 4.0], [10, 11, 12])
    >>> d.values.tolist()
    [[True, True, '10, 11', '1, 5'], [False, False, '', ''], [True, False, '12', '4']]
    """
    other = pd.DataFrame({"s": np.asarray(other_structure, dtype=object), "e": np.asarray(other_E_GPa, dtype=float),
                          "line": np.asarray(other_line)})
    by = {k: g for k, g in other.groupby("s", sort=False)}
    rows = []
    for s, e in zip(np.asarray(structure, dtype=object), np.asarray(E_GPa, dtype=float), strict=True):
        g = by.get(s)
        if s is None or g is None:
            rows.append({"in_other": False, "same_value": False, "other_lines": "", "other_E_GPa": ""})
            continue
        rows.append({"in_other": True, "same_value": bool((np.abs(g.e.to_numpy() - e) < 1e-6).any()),
                     "other_lines": ", ".join(str(v) for v in g.line),
                     "other_E_GPa": ", ".join(f"{v:g}" for v in g.e)})
    return pd.DataFrame(rows, columns=["in_other", "same_value", "other_lines", "other_E_GPa"])


def prediction_scores(y, pred, *, min_rows: int = 5) -> dict:
    """``n``, ``r2`` and ``mae`` (GPa) of predictions; R^2 is NaN for fewer than ``min_rows`` rows or equal values.

    R^2 is measured against the mean of the rows scored; over two or three rows
    that mean fits them almost exactly and R^2 says nothing (-7 000 for two
    nearby values), hence ``min_rows``.

    Examples
    --------
    >>> prediction_scores([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 6.0])
    {'n': 5, 'r2': 0.9, 'mae': 0.2}
    >>> prediction_scores([2.0] * 5, [1.0, 3.0, 2.0, 2.0, 2.0])["r2"], prediction_scores([1, 2], [1, 2])["r2"]
    (nan, nan)
    """
    yv, pv = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
    if yv.shape != pv.shape:
        raise ValueError(f"y and pred differ in length ({len(yv)} against {len(pv)}).")
    n = len(yv)
    if n == 0:
        return {"n": 0, "r2": float("nan"), "mae": float("nan")}
    ss = float(((yv - yv.mean()) ** 2).sum())
    r2 = 1 - float(((yv - pv) ** 2).sum()) / ss if n >= max(min_rows, 2) and ss > 0 else float("nan")
    return {"n": n, "r2": r2, "mae": float(np.abs(yv - pv).mean())}


def against_study(mine: pd.DataFrame, mine_counts: pd.DataFrame, study_rows: pd.DataFrame | None,
                  study_keys: pd.DataFrame | None, *, model=None, columns=None, train_rows=None,
                  name: str = "table") -> tuple[pd.DataFrame, pd.DataFrame]:
    """A user's rows scored by the study's published model, and the study's rows by the user's model.

    Parameters
    ----------
    mine : pandas.DataFrame
        The user's fitted rows: ``source, line, compound, smiles, E_GPa`` and
        ``key`` (standardised structure, :func:`mlcrystal.rules.curation.curation_keys`).
    mine_counts : pandas.DataFrame
        All fragment counts of those rows (:func:`mlcrystal.rules.features.fragment_counts`).
    study_rows, study_keys : pandas.DataFrame or None
        The study's table (``mlcrystal.rules.report.study_table``) and its
        curation keys; None when it could not be read (then only the
        published model's predictions and their scores are returned).
    model : fitted estimator, optional
        The user's model; None skips scoring the study's rows (e.g. when they were fitted too).
    columns : sequence of str
        The model's fragment columns.
    train_rows : array-like of int
        Positions in ``mine`` of the model's training rows (its domain).
    name : str
        The user's table in the score labels.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Predictions (:data:`PREDICTION_COLUMNS`; ``direction`` is "your rows,
        study's model" or "study's rows, your model") and their scores
        (``rows, n, r2, mae_GPa``) on all rows and on subsets: structure in
        or not in the other table, inside or outside the model's domain.
    """
    published = pd.Series(dict(study.LASSO_RESULT["coefficients"]), dtype=float)
    pred = float(study.LASSO_RESULT["intercept"]) + mine_counts[published.index].to_numpy(dtype=float) @ published
    part = mine[["source", "line", "compound", "smiles", "E_GPa"]].assign(
        direction="your rows, study's model", predicted_GPa=pred)
    label = f"{name}, study's published model"
    if study_rows is None or study_keys is None:
        part = part.assign(structure_in_other_table=np.nan, same_value_in_other=np.nan, other_lines="",
                           other_E_GPa="", nn_similarity=np.nan, outside_domain="")
        return part[list(PREDICTION_COLUMNS)], pd.DataFrame([{"rows": label, **prediction_scores(part.E_GPa, pred)}])
    keys = study_keys.structure.to_numpy()
    ov = study_overlap(mine.key, mine.E_GPa, keys, study_rows.E_GPa, study_rows.line)
    study_counts = fragment_counts(study_rows.smiles)
    study_fps, mine_fps = fingerprints_of(study_rows.smiles), fingerprints_of(mine.smiles)
    part = part.assign(structure_in_other_table=ov.in_other.to_numpy(), same_value_in_other=ov.same_value.to_numpy(),
                       other_lines=ov.other_lines.to_numpy(), other_E_GPa=ov.other_E_GPa.to_numpy(),
                       nn_similarity=nearest_similarity(study_fps, mine_fps),
                       outside_domain=outside_domain(study_counts, mine_counts))
    rows = []
    inside = part.outside_domain.to_numpy() == ""
    for what, mask in (("all rows", np.ones(len(part), bool)), ("structure not in the study", ~ov.in_other.to_numpy()),
                       ("structure in the study", ov.in_other.to_numpy()),
                       ("inside the study model's domain", inside), ("outside the study model's domain", ~inside)):
        rows.append({"rows": f"{label}: {what}", **prediction_scores(part.E_GPa[mask], pred[mask])})
    parts = [part]
    if model is not None:  # out of sample: none of the study's rows was fitted
        train = np.asarray(train_rows, dtype=int)
        pred_s = model.predict(study_counts[list(columns)])
        ov_s = study_overlap(keys, study_rows.E_GPa, mine.key, mine.E_GPa, mine.line)
        back = study_rows[["source", "line", "compound", "smiles", "E_GPa"]].assign(
            direction="study's rows, your model", predicted_GPa=pred_s,
            structure_in_other_table=ov_s.in_other.to_numpy(), same_value_in_other=ov_s.same_value.to_numpy(),
            other_lines=ov_s.other_lines.to_numpy(), other_E_GPa=ov_s.other_E_GPa.to_numpy(),
            nn_similarity=nearest_similarity([mine_fps[i] for i in train], study_fps),
            outside_domain=outside_domain(mine_counts.iloc[train], study_counts))
        label = f"study's {len(back)} rows, model of {name}"
        inside = back.outside_domain.to_numpy() == ""
        for what, mask in (("all rows", np.ones(len(back), bool)),
                           (f"structure not in {name}", ~ov_s.in_other.to_numpy()),
                           ("inside this model's domain", inside), ("outside this model's domain", ~inside)):
            rows.append({"rows": f"{label}: {what}", **prediction_scores(back.E_GPa[mask], pred_s[mask])})
        parts.append(back)
    scores = pd.DataFrame(rows)
    scores["r2"] = scores.r2.round(3)
    scores["mae"] = scores.mae.round(2)
    return (pd.concat(parts, ignore_index=True)[list(PREDICTION_COLUMNS)],
            scores.rename(columns={"mae": "mae_GPa"}))
