"""Skill by novelty, an applicability domain, and grouped conformal intervals.

A cross-validated score mixes test rows of three kinds: (a) the structure
itself is in the training folds (another face, polymorph or paper of the
same molecule); (b) the structure is new but its paper is in training (a
sibling measured by the same group and method); (c) both are new.  A design
rule is used on (c).  :func:`cv_predictions` labels every out-of-fold
prediction with its kind and with its nearest-neighbour Tanimoto similarity
to the training structures (Morgan fingerprints, radius 2, 2048 bits,
:data:`FINGERPRINT`), and :func:`skill_by_novelty` scores each kind against
the training-mean prediction on the same rows.

:func:`grouped_conformal` gives split-conformal intervals whose calibration
residuals come from folds grouped by paper, so that the interval of a row
from an unseen paper is calibrated on rows from papers its model did not see.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rdkit import Chem, DataStructs, rdBase
from rdkit.Chem import rdFingerprintGenerator
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import Lasso
from sklearn.model_selection import GroupKFold, KFold

from mlcrystal.rules.chapter3 import chapter3_schemes
from mlcrystal.rules.families import family_membership
from mlcrystal.rules.features import paper_design_matrix
from mlcrystal.seeding import RandomState, int_seed, spawn

__all__ = ["FINGERPRINT", "NOVELTY", "fingerprints_of", "nearest_similarity", "novelty_of", "cv_predictions",
           "skill_by_novelty", "grouped_conformal", "conformal_half_width", "coverage_summary", "CandidateDomain",
           "candidate_domain", "skill_table"]

_RADIUS, _N_BITS = 2, 2048
#: The fingerprint behind every similarity here.
FINGERPRINT = {"kind": "Morgan (ECFP4-like) bit vector", "radius": _RADIUS, "n_bits": _N_BITS,
               "similarity": "Tanimoto, to the nearest training structure"}

#: The three kinds of test row, by what the training folds hold.
NOVELTY = {"a": "structure in training", "b": "new structure, paper in training", "c": "new structure and paper"}


def fingerprints_of(smiles) -> list:
    """Morgan bit vectors (:data:`FINGERPRINT`) of SMILES strings.

    Examples
    --------
    >>> fps = fingerprints_of(["CCO", "CCO", "c1ccccc1"])
    >>> nearest_similarity(fps[:1], fps[1:]).tolist()
    [1.0, 0.0]
    """
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=_RADIUS, fpSize=_N_BITS)
    out = []
    for i, s in enumerate(smiles):
        with rdBase.BlockLogs():
            mol = Chem.MolFromSmiles(str(s))
        if mol is None:
            raise ValueError(f"SMILES at position {i} ({s!r}) could not be parsed by RDKit; correct the string.")
        out.append(gen.GetFingerprint(mol))
    return out


def nearest_similarity(train_fps, query_fps) -> np.ndarray:
    """Tanimoto similarity of each query to its nearest training fingerprint.

    Parameters
    ----------
    train_fps, query_fps : list
        From :func:`fingerprints_of`.

    Returns
    -------
    numpy.ndarray
        One value in [0, 1] per query.
    """
    if not len(train_fps):
        raise ValueError("train_fps is empty; the applicability domain needs training structures.")
    return np.array([max(DataStructs.BulkTanimotoSimilarity(q, list(train_fps))) for q in query_fps])


def novelty_of(train, test, structure, paper) -> np.ndarray:
    """Kind of each test row: ``"a"``, ``"b"`` or ``"c"`` (:data:`NOVELTY`).

    Examples
    --------
    >>> s = np.array(["x", "x", "y", "z"]); p = np.array(["p", "q", "q", "r"])
    >>> novelty_of([0, 1], [2, 3], s, p).tolist()
    ['b', 'c']
    >>> novelty_of([0, 2], [1, 3], s, p).tolist()
    ['a', 'c']
    """
    structure, paper = np.asarray(structure).astype(str), np.asarray(paper).astype(str)
    s_in = np.isin(structure[test], structure[train])
    p_in = np.isin(paper[test], paper[train])
    return np.where(s_in, "a", np.where(p_in, "b", "c"))


def cv_predictions(models: dict, X: pd.DataFrame, y, structure, paper, *, schemes=("rows", "structure", "paper"),
                   n_repeats: int = 10, n_splits: int = 5, fps=None, random_state: RandomState = 0) -> pd.DataFrame:
    """Out-of-fold predictions of several models, each labelled with its novelty.

    Parameters
    ----------
    models : dict
        Name -> unfitted estimator; a ``"mean predictor"`` (training mean) is
        always added, as the baseline every kind of row is scored against.
    X : pandas.DataFrame
    y : array-like
    structure, paper : array-like
        Group keys per row.
    schemes : sequence of {"rows", "structure", "paper"}
        Outer folds: shuffled rows, grouped by structure, grouped by paper;
        every scheme contributes rows of whichever kinds it produces.
    n_repeats, n_splits : int
    fps : list, optional
        Fingerprints per row (:func:`fingerprints_of`), to add ``nn_similarity``.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        ``repeat, scheme, row, model, y, pred, novelty`` and, with ``fps``, ``nn_similarity``.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> X = pd.DataFrame({"a": np.arange(20.0)})
    >>> d = cv_predictions({"ols": LinearRegression()}, X, 2 * X.a, np.arange(20) % 10, np.arange(20) % 5,
    ...                    n_repeats=1, random_state=0)
    >>> sorted(d.novelty.unique()), sorted(d.model.unique())
    (['a', 'b', 'c'], ['mean predictor', 'ols'])
    """
    yv = np.asarray(y, dtype=float)
    st, pa = np.asarray(structure).astype(str), np.asarray(paper).astype(str)
    bad = [s for s in schemes if s not in ("rows", "structure", "paper")]
    if bad:
        raise ValueError(f"unknown scheme(s) {bad}; use 'rows', 'structure' or 'paper'.")
    models = {"mean predictor": DummyRegressor(), **models}
    Xv = X.to_numpy(dtype=float)
    parts = []
    for r, g in enumerate(spawn(random_state, n_repeats)):
        seed = int_seed(g)
        for scheme in schemes:
            labels = {"rows": None, "structure": st, "paper": pa}[scheme]
            cv = (KFold(n_splits, shuffle=True, random_state=seed) if labels is None
                  else GroupKFold(n_splits, shuffle=True, random_state=seed))
            for tr, te in cv.split(Xv, yv, groups=labels):
                kind = novelty_of(tr, te, st, pa)
                sim = None if fps is None else nearest_similarity([fps[i] for i in tr], [fps[i] for i in te])
                Xtr = pd.DataFrame(Xv[tr], columns=X.columns)
                Xte = pd.DataFrame(Xv[te], columns=X.columns)
                for name, model in models.items():
                    pred = clone(model).fit(Xtr, yv[tr]).predict(Xte)
                    part = pd.DataFrame({"repeat": r, "scheme": scheme, "row": te, "model": name, "y": yv[te],
                                         "pred": pred, "novelty": kind})
                    if sim is not None:
                        part["nn_similarity"] = sim
                    parts.append(part)
    return pd.concat(parts, ignore_index=True)


def skill_by_novelty(preds: pd.DataFrame, by=("novelty",)) -> pd.DataFrame:
    """Score each model on each kind of test row, repeat by repeat, then summarise.

    Skill is ``1 - SSE(model) / SSE(mean predictor)`` on the same rows (the
    mean predictor being the training mean of each fold): 0 is no better than
    a constant, negative is worse.

    Parameters
    ----------
    preds : pandas.DataFrame
        From :func:`cv_predictions`.
    by : sequence of str
        Columns to split by (``"novelty"``, and e.g. a similarity bin).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by`` and model: ``n_rows`` (per repeat, median),
        ``skill`` and ``mae`` medians with 5-95 % over repeats.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> X = pd.DataFrame({"a": np.arange(40.0)})
    >>> d = cv_predictions({"ols": LinearRegression()}, X, 2 * X.a, np.arange(40) % 20, np.arange(40) % 8,
    ...                    n_repeats=2, random_state=0)
    >>> s = skill_by_novelty(d)
    >>> bool((s.xs("ols", level="model").skill > 0.99).all())
    True
    """
    by = list(by)
    need = ["repeat", "model", "y", "pred", *by]
    missing = [c for c in need if c not in preds.columns]
    if missing:
        raise ValueError(f"preds has no column(s) {missing}; pass the output of cv_predictions().")
    base = preds[preds.model == "mean predictor"]
    if base.empty:
        raise ValueError("preds holds no 'mean predictor' rows; cv_predictions() adds them.")
    keys = ["repeat", "scheme", "row"] if "scheme" in preds else ["repeat", "row"]
    merged = preds.merge(base[[*keys, "pred"]].rename(columns={"pred": "base"}), on=keys)
    merged["se"] = (merged.y - merged.pred) ** 2
    merged["se0"] = (merged.y - merged.base) ** 2
    merged["ae"] = (merged.y - merged.pred).abs()
    per = merged.groupby([*by, "model", "repeat"], observed=True).agg(n=("se", "size"), sse=("se", "sum"),
                                                                       sse0=("se0", "sum"), mae=("ae", "mean"))
    per["skill"] = 1 - per.sse / per.sse0
    g = per.groupby([*by, "model"], observed=True)
    return pd.DataFrame({"n_rows": g.n.median(), "skill": g.skill.median(), "skill_q05": g.skill.quantile(0.05),
                         "skill_q95": g.skill.quantile(0.95), "mae": g.mae.median(), "mae_q05": g.mae.quantile(0.05),
                         "mae_q95": g.mae.quantile(0.95)})


def grouped_conformal(model, X: pd.DataFrame, y, groups, *, coverage: float = 0.9, n_splits: int = 5,
                      n_repeats: int = 5, structure=None, random_state: RandomState = 0) -> pd.DataFrame:
    """Split-conformal intervals calibrated on grouped folds, and their coverage on unseen groups.

    For each outer fold (``GroupKFold`` by ``groups``): the training part is
    split again by group; out-of-fold absolute residuals of the inner folds
    are the calibration scores, their ``ceil((n + 1) * coverage) / n``
    empirical quantile ``q`` the half-width; the model refitted on the whole
    training part predicts the outer test rows, each with ``[pred - q, pred + q]``.
    Outer test rows are from groups neither the model nor the calibration saw.

    Parameters
    ----------
    model : estimator
    X : pandas.DataFrame
    y : array-like
    groups : array-like
        E.g. the paper key.
    coverage : float, default 0.9
    n_splits : int, default 5
        Outer and inner folds.
    n_repeats : int, default 5
        Outer fold assignments.
    structure : array-like, optional
        Structure key per row, to label each test row with its novelty (:func:`novelty_of`).
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        One row per repeat and row: ``repeat, row, group, y, pred, half_width, covered``
        (and ``novelty`` with ``structure``).

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.normal(size=200)})
    >>> y = X.a + rng.normal(0, 1, 200)
    >>> d = grouped_conformal(LinearRegression(), X, y, np.arange(200) % 40, n_repeats=2, random_state=0)
    >>> bool(0.85 <= d.covered.mean() <= 0.95)
    True
    """
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must be in (0, 1), got {coverage!r}.")
    yv = np.asarray(y, dtype=float)
    g = np.asarray(groups).astype(str)
    Xv = X.to_numpy(dtype=float)
    parts = []
    for r, gen in enumerate(spawn(random_state, n_repeats)):
        seed = int_seed(gen)
        outer = GroupKFold(n_splits, shuffle=True, random_state=seed)
        for k, (tr, te) in enumerate(outer.split(Xv, yv, groups=g)):
            inner = GroupKFold(n_splits, shuffle=True, random_state=seed + k + 1)
            resid = np.empty(len(tr))
            for itr, iva in inner.split(Xv[tr], yv[tr], groups=g[tr]):
                m = clone(model).fit(pd.DataFrame(Xv[tr][itr], columns=X.columns), yv[tr][itr])
                resid[iva] = np.abs(yv[tr][iva] - m.predict(pd.DataFrame(Xv[tr][iva], columns=X.columns)))
            n = len(resid)
            level = min(1.0, np.ceil((n + 1) * coverage) / n)
            q = float(np.quantile(resid, level, method="higher"))
            pred = clone(model).fit(pd.DataFrame(Xv[tr], columns=X.columns), yv[tr]).predict(
                pd.DataFrame(Xv[te], columns=X.columns))
            part = pd.DataFrame({"repeat": r, "row": te, "group": g[te], "y": yv[te], "pred": pred,
                                 "half_width": q, "covered": np.abs(yv[te] - pred) <= q})
            if structure is not None:
                part["novelty"] = novelty_of(tr, te, structure, g)
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


def conformal_half_width(model, X: pd.DataFrame, y, groups, *, coverage: float = 0.9, n_splits: int = 5,
                         random_state: RandomState = 0) -> float:
    """Half-width of a grouped split-conformal interval for new rows, calibrated on all rows.

    Out-of-fold absolute residuals of ``GroupKFold`` by ``groups`` on every
    row; their ``ceil((n + 1) * coverage) / n`` quantile.  With
    :func:`grouped_conformal`'s measured coverage it gives an interval for a
    candidate molecule from an unseen paper.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.normal(size=200)})
    >>> q = conformal_half_width(LinearRegression(), X, X.a + rng.normal(0, 1, 200), np.arange(200) % 40)
    >>> bool(1.4 < q < 2.0)
    True
    """
    yv = np.asarray(y, dtype=float)
    g = np.asarray(groups).astype(str)
    resid = np.empty(len(yv))
    cv = GroupKFold(n_splits, shuffle=True, random_state=int_seed(random_state))
    for tr, va in cv.split(X, yv, groups=g):
        m = clone(model).fit(X.iloc[tr], yv[tr])
        resid[va] = np.abs(yv[va] - m.predict(X.iloc[va]))
    n = len(resid)
    return float(np.quantile(resid, min(1.0, np.ceil((n + 1) * coverage) / n), method="higher"))


def coverage_summary(conf: pd.DataFrame, coverage: float = 0.9) -> pd.DataFrame:
    """Measured coverage of :func:`grouped_conformal` intervals: overall, and per group.

    Returns
    -------
    pandas.DataFrame
        One row per repeat: ``coverage`` (share of rows covered),
        ``median_half_width`` (GPa), ``groups_below`` (share of groups whose
        own rows are covered less often than ``coverage``), ``groups_half`` (share
        covered in less than half of their rows).

    Examples
    --------
    >>> d = pd.DataFrame({"repeat": 0, "group": ["p", "p", "q"], "covered": [True, False, True],
    ...                   "half_width": 1.0})
    >>> coverage_summary(d).round(2).values.tolist()
    [[0.0, 0.67, 1.0, 0.5, 0.0]]
    """
    rows = []
    for r, d in conf.groupby("repeat"):
        per_group = d.groupby("group").covered.mean()
        rows.append({"repeat": r, "coverage": float(d.covered.mean()),
                     "median_half_width": float(d.half_width.median()),
                     "groups_below": float((per_group < coverage).mean()),
                     "groups_half": float((per_group < 0.5).mean())})
    return pd.DataFrame(rows)


@dataclass
class CandidateDomain:
    """The outcome of :func:`candidate_domain`: designed molecules against the model's training domain.

    Attributes
    ----------
    candidates : pandas.DataFrame
        One row per candidate (its name): ``predicted_E_GPa``, ``interval_lo``, ``interval_hi``
        (the grouped conformal interval), ``nn_similarity`` (Tanimoto to the nearest training
        structure, :data:`FINGERPRINT`) and ``carries_motif``.
    motif_rows : pandas.DataFrame
        The training rows whose structure carries the motif: ``compound``, ``E_GPa`` (measured),
        ``predicted_E_GPa`` (the same model), ``doi``.
    half_width : float
        Half-width of the interval (GPa), calibrated on every row with folds grouped by paper.
    coverage : pandas.DataFrame
        The interval's measured coverage on papers neither model nor calibration saw, one row per
        fold assignment (:func:`coverage_summary`).
    nominal : float
        The coverage asked for.
    similarity_of_training : numpy.ndarray
        Each training row's similarity to its nearest *other* structure (a reference for ``nn_similarity``).
    """

    candidates: pd.DataFrame
    motif_rows: pd.DataFrame
    half_width: float
    coverage: pd.DataFrame
    nominal: float
    similarity_of_training: np.ndarray


def candidate_domain(lasso, literature: pd.DataFrame, candidates: pd.Series, *, motif: str = "salicylideneamines",
                     coverage: float = 0.9, n_repeats: int = 5, random_state: RandomState = 0) -> CandidateDomain:
    """Where designed molecules sit in a LASSO model's training domain, with grouped conformal intervals.

    Three checks of a design step: (1) the training rows that carry the
    candidates' motif (a family of :data:`~mlcrystal.rules.families.CHEMICAL_FAMILIES`),
    their measured moduli beside the model's predictions for them; (2) each
    candidate's nearest-neighbour Tanimoto similarity to the training
    structures; (3) a split-conformal interval calibrated on folds grouped by
    paper (:func:`conformal_half_width`), whose coverage on unseen papers is
    measured with :func:`grouped_conformal`. The model is refitted as
    ``Lasso(alpha=lasso.alpha)`` inside the folds.

    Parameters
    ----------
    lasso : PaperLassoResult
        From :func:`~mlcrystal.rules.lasso.paper_lasso` on ``literature``.
    literature : pandas.DataFrame
        The modulus table the model was fitted on (``smiles``, ``E_GPa``, ``doi``, ``compound``).
    candidates : pandas.Series
        SMILES of the designed molecules, indexed by name.
    motif : str, default "salicylideneamines"
        A family name of :data:`~mlcrystal.rules.families.CHEMICAL_FAMILIES`.
    coverage : float, default 0.9
    n_repeats : int, default 5
        Fold assignments for the measured coverage.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    CandidateDomain
    """
    if not isinstance(candidates, pd.Series) or candidates.empty:
        raise ValueError("candidates must be a non-empty pandas Series of SMILES indexed by name, e.g. "
                         "pd.Series({'parent (H)': 'Oc1ccccc1C=Nc1ccccc1'}).")
    columns = lasso.X_train.columns
    X = paper_design_matrix(literature, columns=columns)
    y = literature.E_GPa.to_numpy(dtype=float)
    schemes = chapter3_schemes(literature)
    papers = schemes["by paper"]
    model = Lasso(alpha=lasso.alpha, max_iter=5000)
    train_fps = fingerprints_of(literature.smiles)
    cand_fps = fingerprints_of(candidates)
    q = conformal_half_width(model, X, y, papers, coverage=coverage, random_state=random_state)
    pred = lasso.model.predict(paper_design_matrix(candidates, columns=columns))
    cand_motif = family_membership(candidates)[motif].to_numpy()
    table = pd.DataFrame({"predicted_E_GPa": pred, "interval_lo": pred - q, "interval_hi": pred + q,
                          "nn_similarity": nearest_similarity(train_fps, cand_fps), "carries_motif": cand_motif},
                         index=candidates.index)
    has = family_membership(literature.smiles)[motif].to_numpy()
    rows = literature.loc[has, ["compound", "E_GPa", "doi"]].copy()
    rows.insert(2, "predicted_E_GPa", lasso.model.predict(X[has]))
    conf = grouped_conformal(model, X, y, papers, coverage=coverage, n_repeats=n_repeats, random_state=random_state)
    structure = np.asarray(schemes["by structure"]).astype(str)
    own = np.array([max((sim for j, sim in enumerate(DataStructs.BulkTanimotoSimilarity(fp, train_fps))
                         if structure[j] != structure[i]), default=0.0) for i, fp in enumerate(train_fps)])
    return CandidateDomain(candidates=table, motif_rows=rows, half_width=q,
                           coverage=coverage_summary(conf, coverage), nominal=coverage, similarity_of_training=own)


def skill_table(skill: pd.DataFrame, models, *, baseline: str = "mean predictor") -> pd.DataFrame:
    """One row per kind of test row: each model's skill with its band, and the mean absolute errors.

    Parameters
    ----------
    skill : pandas.DataFrame
        :func:`skill_by_novelty` output (indexed by novelty and model, or with
        those as columns, e.g. a stored table and a live one concatenated).
    models : sequence of str
        The models to show, in order.
    baseline : str
        The model whose mean absolute error is shown last (the training mean).

    Returns
    -------
    pandas.DataFrame
        Indexed by novelty (``a``, ``b``, ``c``): ``kind`` (words, :data:`NOVELTY`),
        ``rows`` (per fold assignment), one ``skill: <model>`` column per model
        as ``"median (5 % to 95 %)"``, and ``mae`` as ``"model / ... / baseline"`` (GPa).

    Examples
    --------
    >>> s = pd.DataFrame({"novelty": ["c", "c"], "model": ["m", "mean predictor"], "n_rows": [10, 10],
    ...                   "skill": [0.12, 0.0], "skill_q05": [0.1, 0.0], "skill_q95": [0.15, 0.0],
    ...                   "mae": [6.3, 7.1]})
    >>> t = skill_table(s, ["m"])
    >>> t.kind.iloc[0], t["skill: m"].iloc[0], t.mae.iloc[0]
    ('new structure and paper', '0.12 (0.10 to 0.15)', '6.3 / 7.1')
    """
    flat = skill.reset_index() if "novelty" not in skill.columns else skill
    missing = [m for m in [*models, baseline] if m not in set(flat.model)]
    if missing:
        raise ValueError(f"skill has no rows for model(s) {missing}; it has {sorted(set(flat.model))}.")
    by = flat.set_index(["novelty", "model"])
    kinds = sorted(set(flat.novelty))
    out = pd.DataFrame({"kind": [NOVELTY.get(k, k) for k in kinds],
                        "rows": [float(by.loc[(k, baseline), "n_rows"]) for k in kinds]}, index=pd.Index(kinds,
                                                                                                    name="novelty"))
    for m in models:
        out[f"skill: {m}"] = [f"{by.loc[(k, m), 'skill']:.2f} ({by.loc[(k, m), 'skill_q05']:.2f} to "
                              f"{by.loc[(k, m), 'skill_q95']:.2f})".replace("-0.00", "0.00") for k in kinds]
    out["mae"] = [" / ".join(f"{by.loc[(k, m), 'mae']:.1f}" for m in [*models, baseline]) for k in kinds]
    return out
