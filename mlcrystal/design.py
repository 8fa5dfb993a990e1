"""Design rules from LASSO: the study's protocol and sounder checks of it.

:func:`paper_lasso` replays the authors' protocol exactly (raw counts, one
80/20 split, 5-fold CV on the training part, an alpha chosen to give about
8 variables).  The other functions ask how much the result depends on that
protocol: plain cross-validation, standardised features with
:class:`~sklearn.linear_model.LassoCV`, leave-one-out, grouped
cross-validation (rows of the same compound or paper kept together), a
baseline and a non-linear model, and bootstrap stability selection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from numbers import Integral
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Lasso, LassoCV
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import GroupKFold, KFold, LeaveOneOut, RepeatedKFold, cross_val_predict, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from mlcrystal import study
from mlcrystal.audit import curation_keys
from mlcrystal.features import paper_design_matrix
from mlcrystal.seeding import RandomState, check_random_state, int_seed, spawn


def _sklearn_seeds(random_state: RandomState, n: int) -> list[int]:
    """``n`` int seeds for scikit-learn splitters and estimators.

    An int is validated and used as it is for all ``n`` (the study passes its
    42 to both the split and the folds); a generator or ``None`` gives ``n``
    independent child streams, each turned into an int by
    :func:`mlcrystal.seeding.int_seed`.
    """
    rng = check_random_state(random_state)  # refuses negative, bool, float... with a clear message
    if isinstance(random_state, Integral):
        return [int(random_state)] * n
    return [int_seed(child) for child in spawn(rng, n)]


def _check_aligned(X: pd.DataFrame, values, name: str) -> None:
    """Refuse a pandas ``values`` whose index differs from ``X.index`` (it would be paired by position)."""
    if isinstance(values, pd.Series | pd.DataFrame) and not values.index.equals(X.index):
        only_x, only_v = X.index.difference(values.index), values.index.difference(X.index)
        detail = (f"{len(only_x)} labels only in X (e.g. {list(only_x[:3])}), "
                  f"{len(only_v)} only in {name} (e.g. {list(only_v[:3])})" if len(only_x) or len(only_v)
                  else "the same labels in another order")
        raise ValueError(
            f"the index of {name} does not match the index of X ({detail}); rows would be paired by position. "
            f"Align them first, e.g. {name} = {name}.loc[X.index], or reset both indexes "
            f"(X.reset_index(drop=True), {name}.reset_index(drop=True)) if they are in the same order."
        )


def _check_xy(X, y, min_rows: int = 10) -> tuple[pd.DataFrame, np.ndarray]:
    if not isinstance(X, pd.DataFrame):
        raise ValueError(
            f"X must be a pandas DataFrame with named fragment columns, got {type(X).__name__}; "
            "build it with mlcrystal.features.paper_design_matrix(df)."
        )
    _check_aligned(X, y, "y")
    y = np.asarray(y, dtype=float)
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"y must be 1-D with one value per row of X ({len(X)} rows), got shape {y.shape}; "
            "pass the E_GPa column of the same table."
        )
    if not np.all(np.isfinite(y)):
        raise ValueError("y contains NaN or infinite values; drop or fix those rows first.")
    if X.isna().any().any():
        raise ValueError("X contains missing values; fragment counts should never be missing.")
    if len(X) < min_rows:
        raise ValueError(f"need at least {min_rows} rows for a train/test split and cross-validation, "
                         f"got {len(X)}.")
    return X, y


def _check_alphas(alphas) -> np.ndarray:
    out = np.asarray(alphas, dtype=float)
    if out.ndim != 1 or len(out) == 0 or not np.all(np.isfinite(out)) or np.any(out <= 0):
        raise ValueError(f"alphas must be a non-empty 1-D array of positive numbers, got {alphas!r}; "
                         "e.g. paper_alphas().")
    return out


def _check_test_size(test_size: float) -> None:
    if not (isinstance(test_size, float) and 0 < test_size < 1):
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}; "
                         f"the study used {study.LASSO_TEST_SIZE}.")


@dataclass
class PaperLassoResult:
    """The outcome of :func:`paper_lasso`.

    Attributes
    ----------
    alpha : float
        Selected regularisation strength.
    coefficients : pandas.Series
        Non-zero coefficients (GPa per fragment), indexed by fragment name,
        sorted from most positive to most negative.
    intercept : float
        Intercept (GPa).
    test_r2, mae_train, mae_test : float
        R^2 on the test part, mean absolute errors (GPa).
    path : pandas.DataFrame
        One row per alpha: ``alpha, cv_mse, n_nonzero`` (means over the 5
        folds) and ``score = cv_mse * |n_nonzero - target|``.
    model : sklearn.linear_model.Lasso
        The final model fitted on the training part.
    X_train, X_test : pandas.DataFrame
    y_train, y_test, pred_train, pred_test : numpy.ndarray
    """

    alpha: float
    coefficients: pd.Series
    intercept: float
    test_r2: float
    mae_train: float
    mae_test: float
    path: pd.DataFrame
    model: Lasso
    X_train: pd.DataFrame = field(repr=False)
    X_test: pd.DataFrame = field(repr=False)
    y_train: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)
    pred_train: np.ndarray = field(repr=False)
    pred_test: np.ndarray = field(repr=False)

    @property
    def train_r2(self) -> float:
        """R^2 on the training part."""
        return float(r2_score(self.y_train, self.pred_train))

    @property
    def plain_cv_alpha(self) -> float:
        """The alpha with the lowest mean CV MSE (what plain CV would pick)."""
        return float(self.path.alpha.iloc[int(self.path.cv_mse.to_numpy().argmin())])


def paper_alphas() -> np.ndarray:
    """The alphas the study searched: ``np.logspace(-4, 1, 50)``.

    Returns
    -------
    numpy.ndarray
        :data:`mlcrystal.study.LASSO_ALPHA_GRID` as ``np.logspace(start, stop, num)``.

    Examples
    --------
    >>> a = paper_alphas()
    >>> len(a), float(a[0]), float(a[-1])
    (50, 0.0001, 10.0)
    """
    start, stop, num = study.LASSO_ALPHA_GRID
    return np.logspace(start, stop, int(num))


def paper_lasso(X: pd.DataFrame, y, *, alphas=None, target_nonzero: float = study.LASSO_TARGET_NONZERO,
                test_size: float = study.LASSO_TEST_SIZE, random_state: RandomState = study.LASSO_SPLIT_SEED,
                max_iter: int = study.LASSO_MAX_ITER) -> PaperLassoResult:
    """Replay the study's LASSO protocol.

    ``train_test_split(test_size=0.2, random_state=42)``; on the training
    part, ``KFold(5, shuffle=True, random_state=42)`` for each alpha of
    ``np.logspace(-4, 1, 50)``; the selected alpha minimises
    ``mean CV MSE * |mean number of non-zero coefficients - 8|``; the final
    ``Lasso(alpha, max_iter=5000)`` is refitted on the training part. The
    settings are those of :mod:`mlcrystal.study` (``LASSO_*``).

    Parameters
    ----------
    X : pandas.DataFrame
        Raw fragment counts (no scaling), e.g. from
        :func:`mlcrystal.features.paper_design_matrix`.
    y : array-like
        Young's modulus in GPa. A pandas Series must have the index of ``X``
        (rows are paired by label, never silently by position).
    alphas : array-like, optional
        Default :func:`paper_alphas` (``np.logspace(-4, 1, 50)``).
    target_nonzero : float, default 8
        Number of variables the selection score favours.
    test_size : float, default 0.2
    random_state : None, int or numpy.random.Generator, default 42
        An int seeds both the split and the folds (the study's 42 for both);
        a generator gives them independent child streams.
    max_iter : int, default 5000

    Returns
    -------
    PaperLassoResult

    Examples
    --------
    >>> from mlcrystal.datasets import load_youngs_modulus
    >>> from mlcrystal.features import paper_design_matrix
    >>> df = load_youngs_modulus(clean=False)
    >>> res = paper_lasso(paper_design_matrix(df), df.E_GPa)
    >>> published = study.LASSO_RESULT
    >>> round(res.alpha, 4) == published["alpha"], round(res.test_r2, 3) == published["test_r2"]
    (True, True)
    >>> sorted(res.coefficients.index) == sorted(published["coefficients"])
    True
    """
    X, y = _check_xy(X, y)
    alphas = _check_alphas(paper_alphas() if alphas is None else alphas)
    _check_test_size(test_size)
    split_seed, cv_seed = _sklearn_seeds(random_state, 2)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=split_seed)
    kf = KFold(n_splits=study.LASSO_CV_FOLDS, shuffle=True, random_state=cv_seed)
    folds = list(kf.split(X_train))
    rows = []
    for a in alphas:
        mses, nnz = [], []
        for tr, va in folds:
            m = Lasso(alpha=a, max_iter=max_iter).fit(X_train.iloc[tr], y_train[tr])
            mses.append(mean_squared_error(y_train[va], m.predict(X_train.iloc[va])))
            nnz.append(np.count_nonzero(m.coef_))
        rows.append((a, float(np.mean(mses)), float(np.mean(nnz))))
    path = pd.DataFrame(rows, columns=["alpha", "cv_mse", "n_nonzero"])
    path["score"] = path.cv_mse * (path.n_nonzero - target_nonzero).abs()
    best = float(path.alpha.iloc[int(path.score.to_numpy().argmin())])
    model = Lasso(alpha=best, max_iter=max_iter).fit(X_train, y_train)
    coefs = pd.Series(model.coef_, index=X.columns)
    coefs = coefs[coefs != 0].sort_values(ascending=False, kind="stable")
    pred_train, pred_test = model.predict(X_train), model.predict(X_test)
    return PaperLassoResult(
        alpha=best, coefficients=coefs, intercept=float(model.intercept_),
        test_r2=float(r2_score(y_test, pred_test)),
        mae_train=float(mean_absolute_error(y_train, pred_train)),
        mae_test=float(mean_absolute_error(y_test, pred_test)),
        path=path, model=model, X_train=X_train, X_test=X_test, y_train=y_train, y_test=y_test,
        pred_train=pred_train, pred_test=pred_test,
    )


def compare_with_paper(result: PaperLassoResult) -> pd.DataFrame:
    """Put a :func:`paper_lasso` result beside the study's published numbers.

    Parameters
    ----------
    result : PaperLassoResult

    Returns
    -------
    pandas.DataFrame
        Rows ``alpha, intercept, test R^2, MAE train, MAE test`` and one per
        coefficient; columns ``study``, ``replicated`` and ``difference``.

    Examples
    --------
    >>> from mlcrystal.datasets import load_youngs_modulus
    >>> from mlcrystal.features import paper_design_matrix
    >>> df = load_youngs_modulus(clean=False)
    >>> table = compare_with_paper(paper_lasso(paper_design_matrix(df), df.E_GPa))
    >>> bool(table.difference.abs().max() < 0.005)
    True
    """
    if not isinstance(result, PaperLassoResult):
        raise ValueError(f"expected a PaperLassoResult from paper_lasso(), got {type(result).__name__}.")
    p = study.LASSO_RESULT
    rows = [("alpha", p["alpha"], result.alpha), ("intercept (GPa)", p["intercept"], result.intercept),
            ("test R^2", p["test_r2"], result.test_r2), ("MAE train (GPa)", p["mae_train"], result.mae_train),
            ("MAE test (GPa)", p["mae_test"], result.mae_test)]
    names = list(dict.fromkeys([*p["coefficients"], *result.coefficients.index]))
    for name in names:
        rows.append((f"coef {name}", p["coefficients"].get(name, 0.0), float(result.coefficients.get(name, 0.0))))
    out = pd.DataFrame(rows, columns=["quantity", "study", "replicated"]).set_index("quantity")
    out["difference"] = out.replicated - out.study
    return out


def coefficient_path(X: pd.DataFrame, y, alphas, *, test_size: float = study.LASSO_TEST_SIZE,
                     random_state: RandomState = study.LASSO_SPLIT_SEED,
                     max_iter: int = study.LASSO_MAX_ITER) -> pd.DataFrame:
    """Coefficients of a Lasso refitted on the study's training part for several alphas.

    Parameters
    ----------
    X : pandas.DataFrame
        Raw fragment counts.
    y : array-like
        Young's modulus in GPa.
    alphas : array-like
        E.g. ``np.linspace(0.5, 1.0, 21)`` (the study's Supplementary Fig. 2).
    test_size, random_state, max_iter
        As in :func:`paper_lasso`.

    Returns
    -------
    pandas.DataFrame
        One row per alpha (index), one column per fragment that is non-zero
        for at least one alpha.

    Examples
    --------
    >>> from mlcrystal.datasets import load_youngs_modulus
    >>> from mlcrystal.features import paper_design_matrix
    >>> df = load_youngs_modulus(clean=False)
    >>> path = coefficient_path(paper_design_matrix(df), df.E_GPa, [0.5, 1.0])
    >>> bool((path.loc[1.0] != 0).sum() <= (path.loc[0.5] != 0).sum())
    True
    """
    X, y = _check_xy(X, y)
    alphas = _check_alphas(alphas)
    _check_test_size(test_size)
    (split_seed,) = _sklearn_seeds(random_state, 1)
    X_train, _, y_train, _ = train_test_split(X, y, test_size=test_size, random_state=split_seed)
    coefs = np.array([Lasso(alpha=a, max_iter=max_iter).fit(X_train, y_train).coef_ for a in alphas])
    out = pd.DataFrame(coefs, index=pd.Index(np.round(alphas, 6), name="alpha"), columns=X.columns)
    return out.loc[:, (out != 0).any(axis=0)]


def standardised_lasso_cv(*, n_splits: int = 5, n_repeats: int = 5, random_state: RandomState = 0,
                          n_jobs: int | None = None) -> Pipeline:
    """A LASSO that standardises its inputs and picks alpha by repeated K-fold CV.

    Parameters
    ----------
    n_splits, n_repeats : int
        The repeated K-fold used inside :class:`~sklearn.linear_model.LassoCV`.
    random_state : None, int or numpy.random.Generator, default 0
        Seed of the folds.
    n_jobs : int, optional
        Parallel jobs; ``None`` (default) is one worker.

    Returns
    -------
    sklearn.pipeline.Pipeline
        ``StandardScaler`` followed by ``LassoCV``.

    Examples
    --------
    >>> model = standardised_lasso_cv(random_state=0)
    >>> [name for name, _ in model.steps]
    ['standardscaler', 'lassocv']
    """
    (seed,) = _sklearn_seeds(random_state, 1)
    cv = RepeatedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=seed)
    return make_pipeline(StandardScaler(), LassoCV(cv=cv, max_iter=50000, n_jobs=n_jobs))


def standardised_coefficients(model, columns) -> pd.Series:
    """Non-zero coefficients of a fitted :func:`standardised_lasso_cv`, in GPa per count.

    The pipeline fits on z-scored counts; dividing by each column's standard
    deviation puts the coefficients back on the scale of the raw counts, so
    they can be compared with the study's.

    Parameters
    ----------
    model : sklearn.pipeline.Pipeline
        A fitted pipeline from :func:`standardised_lasso_cv`.
    columns : sequence of str
        Feature names, in the order used for fitting.

    Returns
    -------
    pandas.Series
        Non-zero coefficients, sorted from most positive to most negative.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0, 1, 2, 3, 4, 5] * 3, "b": [1, 0, 1, 0, 1, 1] * 3})
    >>> y = 2.0 * X.a + 1.0
    >>> m = standardised_lasso_cv(n_splits=3, n_repeats=1).fit(X, y)
    >>> round(float(standardised_coefficients(m, X.columns)["a"]), 1)
    2.0
    """
    scaler, lasso = model.steps[0][1], model.steps[-1][1]
    columns = list(columns)
    if len(columns) != len(lasso.coef_):
        raise ValueError(f"got {len(columns)} column names for a model with {len(lasso.coef_)} coefficients.")
    coefs = pd.Series(lasso.coef_ / scaler.scale_, index=columns)
    return coefs[coefs != 0].sort_values(ascending=False, kind="stable")


def leakage(groups, train_index, test_index) -> float:
    """Share of test rows whose group (compound, paper) also appears in training.

    Parameters
    ----------
    groups : array-like
        Group label of every row (e.g. SMILES or DOI).
    train_index, test_index : array-like of int
        Positions of the training and test rows.

    Returns
    -------
    float
        Fraction in [0, 1].

    Examples
    --------
    >>> leakage(["a", "a", "b", "c"], [0, 3], [1, 2])
    0.5
    """
    groups = np.asarray(groups)
    test_index = np.asarray(test_index)
    if len(test_index) == 0:
        raise ValueError("test_index is empty; pass the positions of at least one test row.")
    seen = set(groups[np.asarray(train_index)])
    return float(np.mean([g in seen for g in groups[test_index]]))


def paper_split_leakage(X: pd.DataFrame, groups: dict, *, test_size: float = study.LASSO_TEST_SIZE,
                        random_state: RandomState = study.LASSO_SPLIT_SEED) -> pd.Series:
    """How many test rows of the study's split share a group with a training row.

    Parameters
    ----------
    X : pandas.DataFrame
        The design matrix (only its length is used).
    groups : dict
        Name -> group labels (e.g. ``{"compound (SMILES)": df.smiles, "paper (DOI)": df.doi}``).
    test_size, random_state
        As in :func:`paper_lasso`.

    Returns
    -------
    pandas.Series
        One leakage fraction per grouping.

    Examples
    --------
    >>> X = pd.DataFrame({"a": range(10)})
    >>> float(paper_split_leakage(X, {"all one": ["x"] * 10})["all one"])
    1.0
    """
    _check_test_size(test_size)
    (split_seed,) = _sklearn_seeds(random_state, 1)
    idx = np.arange(len(X))
    tr, te = train_test_split(idx, test_size=test_size, random_state=split_seed)
    out = {}
    for name, g in groups.items():
        _check_aligned(X, g, f"groups[{name!r}]")
        g = np.asarray(g)
        if len(g) != len(X):
            raise ValueError(f"groups[{name!r}] has {len(g)} labels, expected {len(X)} (one per row of X).")
        out[name] = leakage(g, tr, te)
    return pd.Series(out, name="share of test rows with a relative in training")


def benchmark_models(alpha: float = study.LASSO_RESULT["alpha"], *, random_state: RandomState = 0,
                     n_jobs: int | None = None) -> dict:
    """The models compared in chapter 3, unfitted.

    Parameters
    ----------
    alpha : float
        Regularisation of the fixed-alpha LASSO (the study's, by default).
    random_state : None, int or numpy.random.Generator, default 0
        Seed of the random forest and of the inner CV of ``LassoCV`` (an int
        seeds both; a generator gives them independent child streams).
    n_jobs : int, optional
        Parallel jobs for the forest and ``LassoCV``; ``None`` (default) is one worker.

    Returns
    -------
    dict
        Name -> estimator: mean predictor, the study's LASSO (fixed alpha,
        raw counts), standardised LassoCV, random forest.

    Examples
    --------
    >>> sorted(benchmark_models())
    ['LASSO, standardised, alpha by CV', 'LASSO, study alpha', 'mean predictor', 'random forest']
    """
    cv_seed, forest_seed = _sklearn_seeds(random_state, 2)
    return {
        "mean predictor": DummyRegressor(strategy="mean"),
        "LASSO, study alpha": Lasso(alpha=alpha, max_iter=study.LASSO_MAX_ITER),
        "LASSO, standardised, alpha by CV": standardised_lasso_cv(n_repeats=1, random_state=cv_seed, n_jobs=n_jobs),
        "random forest": RandomForestRegressor(n_estimators=200, min_samples_leaf=2, random_state=forest_seed,
                                               n_jobs=n_jobs),
    }


def cv_splitters(groups: dict | None = None, *, n_splits: int = 5, random_state: RandomState = 0) -> dict:
    """The validation schemes compared in chapter 3.

    Parameters
    ----------
    groups : dict, optional
        Name -> group labels; each gives a :class:`~sklearn.model_selection.GroupKFold`.
    n_splits : int, default 5
    random_state : None, int or numpy.random.Generator, default 0
        Seed of the shuffled K-fold and of the grouped folds (an int seeds
        them all; a generator gives each an independent child stream).

    Returns
    -------
    dict
        Name -> ``(splitter, groups or None)``.

    Examples
    --------
    >>> sorted(cv_splitters({"by paper": ["a", "b"] * 5}))
    ['5-fold, grouped by paper', '5-fold, shuffled']
    """
    groups = dict(groups or {})
    seeds = _sklearn_seeds(random_state, 1 + len(groups))
    out: dict[str, tuple[Any, np.ndarray | None]] = {
        f"{n_splits}-fold, shuffled": (KFold(n_splits, shuffle=True, random_state=seeds[0]), None)}
    for (name, g), seed in zip(groups.items(), seeds[1:], strict=True):
        out[f"{n_splits}-fold, grouped {name}"] = (GroupKFold(n_splits, shuffle=True, random_state=seed),
                                                    np.asarray(g))
    return out


def cross_validated_scores(models: dict, X: pd.DataFrame, y, splitters: dict, *,
                           n_jobs: int | None = None) -> pd.DataFrame:
    """Pooled out-of-fold R^2 and MAE of every model under every scheme.

    Predictions of all folds are pooled before scoring, which also makes
    leave-one-out R^2 defined.

    Parameters
    ----------
    models : dict
        Name -> unfitted estimator (e.g. :func:`benchmark_models`).
    X : pandas.DataFrame
    y : array-like
    splitters : dict
        Name -> ``(splitter, groups or None)`` (e.g. :func:`cv_splitters`).
    n_jobs : int, optional
        Parallel folds; ``None`` (default) is one worker.

    Returns
    -------
    pandas.DataFrame
        Columns ``scheme, model, r2, mae``.

    Examples
    --------
    >>> X = pd.DataFrame({"a": np.arange(20.0)})
    >>> y = 2 * X.a.to_numpy()
    >>> s = cross_validated_scores({"mean": DummyRegressor()}, X, y,
    ...                            {"3-fold": (KFold(3), None)})
    >>> bool(s.r2.iloc[0] < 0)
    True
    """
    X, y = _check_xy(X, y, min_rows=2)
    rows = []
    for sname, (cv, groups) in splitters.items():
        for mname, model in models.items():
            pred = cross_val_predict(clone(model), X, y, cv=cv, groups=groups, n_jobs=n_jobs)
            rows.append({"scheme": sname, "model": mname, "r2": float(r2_score(y, pred)),
                         "mae": float(mean_absolute_error(y, pred))})
    return pd.DataFrame(rows)


def leave_one_out_r2(model, X: pd.DataFrame, y, *, n_jobs: int | None = None) -> float:
    """Leave-one-out R^2 (pooled predictions) of a model.

    Parameters
    ----------
    model : estimator
    X : pandas.DataFrame
    y : array-like
    n_jobs : int, optional
        Parallel folds; ``None`` (default) is one worker.

    Returns
    -------
    float

    Examples
    --------
    >>> X = pd.DataFrame({"a": np.arange(12.0)})
    >>> round(leave_one_out_r2(Lasso(alpha=0.01), X, 3 * X.a + 1), 3)
    1.0
    """
    X, y = _check_xy(X, y)
    pred = cross_val_predict(clone(model), X, y, cv=LeaveOneOut(), n_jobs=n_jobs)
    return float(r2_score(y, pred))


@dataclass
class BootstrapResult:
    """Coefficients and out-of-bag scores of refits on bootstrap samples.

    Attributes
    ----------
    coefficients : pandas.DataFrame
        One row per bootstrap sample, one column per feature.
    oob_r2 : numpy.ndarray
        R^2 on the rows (or groups) left out of each sample.
    """

    coefficients: pd.DataFrame
    oob_r2: np.ndarray

    def selection_frequency(self) -> pd.Series:
        """Share of bootstrap fits in which each feature is non-zero, sorted."""
        return (self.coefficients != 0).mean().sort_values(ascending=False, kind="stable")


def bootstrap_lasso(X: pd.DataFrame, y, *, alpha: float = study.LASSO_RESULT["alpha"], n_boot: int = 200,
                    groups=None, random_state: RandomState = 0,
                    max_iter: int = study.LASSO_MAX_ITER) -> BootstrapResult:
    """Refit a fixed-alpha LASSO on bootstrap samples (stability selection).

    Parameters
    ----------
    X : pandas.DataFrame
        Raw fragment counts.
    y : array-like
        Young's modulus in GPa.
    alpha : float
        Regularisation (the study's by default).
    n_boot : int, default 200
        Number of bootstrap samples.
    groups : array-like, optional
        If given, whole groups (e.g. compounds) are resampled, so that rows of
        one crystal are never split between the sample and the out-of-bag set.
    random_state : None, int or numpy.random.Generator, default 0
        Seed of the resampling.
    max_iter : int

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.integers(0, 3, size=(60, 3)), columns=["a", "b", "c"])
    >>> y = 3.0 * X.a + rng.normal(0, 0.1, 60)
    >>> res = bootstrap_lasso(X, y, alpha=0.1, n_boot=20, random_state=0)
    >>> float(res.selection_frequency()["a"])
    1.0
    """
    X, y = _check_xy(X, y)
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer, got {n_boot!r}; 200 is a sensible choice.")
    rng = check_random_state(random_state)
    n = len(X)
    if groups is None:
        labels = np.arange(n)
    else:
        _check_aligned(X, groups, "groups")
        labels = np.asarray(groups)
        if len(labels) != n:
            raise ValueError(f"groups has {len(labels)} labels, expected {n} (one per row of X).")
    uniq, inverse = np.unique(labels, return_inverse=True)
    members = [np.flatnonzero(inverse == k) for k in range(len(uniq))]
    Xv = X.to_numpy(dtype=float)
    coefs, scores = [], []
    for _ in range(n_boot):
        picked = rng.integers(0, len(uniq), size=len(uniq))
        idx = np.concatenate([members[k] for k in picked])
        oob = np.setdiff1d(np.arange(n), idx)
        m = Lasso(alpha=alpha, max_iter=max_iter).fit(Xv[idx], y[idx])
        coefs.append(m.coef_)
        scores.append(r2_score(y[oob], m.predict(Xv[oob])) if len(oob) > 1 else np.nan)
    return BootstrapResult(pd.DataFrame(np.array(coefs), columns=X.columns), np.array(scores))


def rank_design_rules(reference: pd.Series, boot: BootstrapResult, *, high: float = 0.8,
                      low: float = 0.5) -> pd.DataFrame:
    """How robust each design rule is under the bootstrap.

    A rule is "fragment X raises (lowers) E".  Its support is the share of
    bootstrap fits whose coefficient for X is non-zero *with the same sign*.

    Parameters
    ----------
    reference : pandas.Series
        Coefficients stating the rules (e.g. ``paper_lasso(...).coefficients``).
    boot : BootstrapResult
    high, low : float
        Support at or above ``high`` is "high", below ``low`` is "low",
        in between "moderate".

    Returns
    -------
    pandas.DataFrame
        Indexed by fragment: ``coefficient, effect, selected, same_sign,
        median, q05, q95, confidence``; sorted by decreasing support.

    Examples
    --------
    >>> boot = BootstrapResult(pd.DataFrame({"a": [1.0, 1.2, 0.0, 0.9], "b": [-1.0, 0.5, 0.0, 0.0]}),
    ...                        np.zeros(4))
    >>> rank_design_rules(pd.Series({"a": 1.0, "b": -1.0}), boot).confidence.tolist()
    ['moderate', 'low']
    """
    if not isinstance(boot, BootstrapResult):
        raise ValueError(f"boot must be a BootstrapResult from bootstrap_lasso(), got {type(boot).__name__}.")
    if not 0 <= low <= high <= 1:
        raise ValueError(f"need 0 <= low <= high <= 1, got low={low}, high={high}.")
    missing = [c for c in reference.index if c not in boot.coefficients.columns]
    if missing:
        raise ValueError(f"fragments {missing} are not among the bootstrap's columns.")
    rows = []
    for name, c in reference.items():
        b = boot.coefficients[name].to_numpy()
        same = float(np.mean(np.sign(b) == np.sign(c)))
        conf = "high" if same >= high else ("low" if same < low else "moderate")
        rows.append({"fragment": name, "coefficient": float(c), "effect": "raises E" if c > 0 else "lowers E",
                     "selected": float(np.mean(b != 0)), "same_sign": same, "median": float(np.median(b)),
                     "q05": float(np.quantile(b, 0.05)), "q95": float(np.quantile(b, 0.95)), "confidence": conf})
    return (pd.DataFrame(rows).set_index("fragment")
            .sort_values("same_sign", ascending=False, kind="stable"))


# ---------------------------------------------------------------------------
# statistics over many partitions
#
# One split, one fold assignment or one bootstrap is one draw.  The functions
# below return distributions over many partitions, so that every comparison
# can be quoted with its spread.  Every random step takes ``random_state``
# (mlcrystal.seeding); children are spawned per partition, so a result does
# not depend on n_jobs.
# ---------------------------------------------------------------------------

def _partition_seeds(random_state, n: int, what: str) -> list[int]:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"{what} must be a positive integer, got {n!r}.")
    return [int_seed(g) for g in spawn(random_state, int(n))]


def _labels(groups, n: int, name: str) -> np.ndarray:
    labels = np.asarray(groups, dtype=object)
    if labels.shape != (n,):
        raise ValueError(f"{name} has {labels.shape[0] if labels.ndim else 0} labels, expected {n} "
                         "(one per row of X).")
    if pd.isna(labels).any():
        i = int(np.flatnonzero(pd.isna(labels))[0])
        raise ValueError(f"{name} is missing at row {i}; every row needs a group label.")
    return labels.astype(str)


def split_r2_distribution(model, X: pd.DataFrame, y, *, n_splits: int = 200, test_size: float = 0.2,
                          random_state=None, n_jobs: int | None = None) -> pd.DataFrame:
    """Test R^2 and MAE of one model over many random train/test splits.

    Places a single split's score (such as the study's test R^2) in the
    distribution it was drawn from.

    Parameters
    ----------
    model : estimator
        Refitted (cloned) on the training part of every split, e.g.
        ``Lasso(alpha=0.7543, max_iter=5000)``.
    X : pandas.DataFrame
    y : array-like
    n_splits : int, default 200
        Number of random splits.
    test_size : float, default 0.2
        Share of rows in each test part (the study's 0.2).
    random_state : None, int or numpy.random.Generator
        Seed of the splits (each split gets a spawned child seed).
    n_jobs : int, optional
        Parallel splits (joblib).

    Returns
    -------
    pandas.DataFrame
        One row per split: ``split, seed, r2, mae`` (test part).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.normal(size=50)})
    >>> y = 2 * X.a + rng.normal(0, 0.5, 50)
    >>> d = split_r2_distribution(Lasso(alpha=0.01), X, y, n_splits=20, random_state=0)
    >>> d.shape, bool(d.r2.median() > 0.8)
    ((20, 4), True)
    >>> percentile_of(d.r2, d.r2.max())
    100.0
    """
    X, y = _check_xy(X, y)
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}; the study used 0.2.")
    seeds = _partition_seeds(random_state, n_splits, "n_splits")

    def one(k, seed):
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, random_state=seed)
        pred = clone(model).fit(X_tr, y_tr).predict(X_te)
        return {"split": k, "seed": seed, "r2": float(r2_score(y_te, pred)),
                "mae": float(mean_absolute_error(y_te, pred))}

    rows = Parallel(n_jobs=n_jobs)(delayed(one)(k, s) for k, s in enumerate(seeds))
    return pd.DataFrame(rows, columns=["split", "seed", "r2", "mae"])


def percentile_of(values, value: float) -> float:
    """Percentage of ``values`` at or below ``value`` (its percentile rank).

    Parameters
    ----------
    values : array-like
        A distribution (e.g. ``split_r2_distribution(...).r2``); NaNs are ignored.
    value : float

    Returns
    -------
    float
        In [0, 100].

    Examples
    --------
    >>> percentile_of([0.1, 0.2, 0.3, 0.4], 0.3)
    75.0
    """
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        raise ValueError("values is empty (or all NaN); pass a distribution of scores.")
    return float(100.0 * np.mean(v <= value))


def _inner_cv_params(model) -> list[str]:
    """Names of the ``cv`` parameters of the tuned steps of ``model`` (LassoCV, GridSearchCV...)."""
    params = model.get_params(deep=True)
    return [k for k in params if k == "cv" or k.endswith("__cv")]


def with_grouped_inner_cv(model, groups_train, *, n_splits: int = 5, random_state=None):
    """A clone of ``model`` whose inner cross-validation keeps groups together.

    A tuned model (``LassoCV``, ``GridSearchCV``, or a pipeline holding one)
    chooses its hyper-parameters by an inner cross-validation on the
    training rows.  If that inner split ignores the groups, rows of one
    paper or compound sit on both sides and the tuning rewards memorising
    them.  This replaces every ``cv`` parameter by the folds of a shuffled
    :class:`~sklearn.model_selection.GroupKFold` on ``groups_train``.

    Parameters
    ----------
    model : estimator
        Unfitted; models without a ``cv`` parameter are returned as clones.
    groups_train : array-like
        Group label of each training row.
    n_splits : int, default 5
        Inner folds (fewer if there are fewer groups; at least 2 groups needed).
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    estimator
        A clone with ``cv`` set to a list of ``(train, validation)`` index pairs.

    Examples
    --------
    >>> m = with_grouped_inner_cv(standardised_lasso_cv(), ["a", "a", "b", "c", "c", "d"], n_splits=3,
    ...                           random_state=0)
    >>> folds = m.get_params()["lassocv__cv"]
    >>> len(folds), sorted(len(va) for _, va in folds)
    (3, [1, 2, 3])
    """
    out = clone(model)
    names = _inner_cv_params(out)
    if not names:
        return out
    g = np.asarray(groups_train).astype(str)
    k = min(int(n_splits), len(np.unique(g)))
    if k < 2:
        raise ValueError(f"the training rows hold {len(np.unique(g))} group(s); a grouped inner "
                         "cross-validation needs at least 2. Use more data or coarser groups.")
    folds = list(GroupKFold(k, shuffle=True, random_state=int_seed(random_state)).split(np.zeros(len(g)), groups=g))
    return out.set_params(**{name: folds for name in names})


def _scheme_splitter(labels, n_splits: int, seed: int):
    if labels is None:
        return KFold(n_splits, shuffle=True, random_state=seed)
    return GroupKFold(n_splits, shuffle=True, random_state=seed)


def _one_repeat(models: dict, Xv: np.ndarray, columns, y: np.ndarray, schemes: dict, n_splits: int,
                seed: int, repeat: int) -> list[dict]:
    rows = []
    for sname, labels in schemes.items():
        cv = _scheme_splitter(labels, n_splits, seed)
        preds = {m: np.empty(len(y)) for m in models}
        folds = list(cv.split(Xv, y, groups=labels))
        inner_seeds = spawn(seed, len(folds))
        for (tr, te), inner in zip(folds, inner_seeds, strict=True):
            X_tr = pd.DataFrame(Xv[tr], columns=columns)
            X_te = pd.DataFrame(Xv[te], columns=columns)
            for mname, model in models.items():
                if labels is None:
                    m = clone(model)
                else:
                    m = with_grouped_inner_cv(model, labels[tr], random_state=inner)
                preds[mname][te] = m.fit(X_tr, y[tr]).predict(X_te)
        for mname in models:
            rows.append({"repeat": repeat, "seed": seed, "scheme": sname, "model": mname,
                         "r2": float(r2_score(y, preds[mname])),
                         "mae": float(mean_absolute_error(y, preds[mname]))})
    return rows


def grouped_cv_distribution(models: dict, X: pd.DataFrame, y, groups, *, n_repeats: int = 20, n_splits: int = 5,
                            random_state=None, n_jobs: int | None = None) -> pd.DataFrame:
    """Out-of-fold R^2 and MAE of several models over many grouped fold assignments.

    ``GroupKFold`` without shuffling always makes the same folds, so one
    grouped CV is one draw.  Each repeat here shuffles which groups share a
    fold (``GroupKFold(shuffle=True)`` with a spawned seed); every model sees
    the same folds within a repeat, so differences between models are paired.
    Tuned models get a grouped inner CV on the training groups
    (:func:`with_grouped_inner_cv`).  Predictions of the folds are pooled
    before scoring, as in :func:`cross_validated_scores`.

    Parameters
    ----------
    models : dict
        Name -> unfitted estimator.
    X : pandas.DataFrame
    y : array-like
    groups : dict or array-like
        Scheme name -> group labels (one per row), e.g.
        ``{"by paper": paper, "by structure": canonical}``; a value of
        ``None`` gives shuffled K-fold of the rows (the leaky reference).
        A single array is the scheme ``"grouped"``.
    n_repeats : int, default 20
        Number of fold assignments per scheme.
    n_splits : int, default 5
        Outer folds.
    random_state : None, int or numpy.random.Generator
    n_jobs : int, optional
        Parallel repeats (joblib).

    Returns
    -------
    pandas.DataFrame
        One row per repeat, scheme and model: ``repeat, seed, scheme, model, r2, mae``.
        Summarise with :func:`distribution_summary` and :func:`paired_difference`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    >>> y = 3 * X.a + rng.normal(0, 0.3, 40)
    >>> models = {"mean": DummyRegressor(), "lasso": Lasso(alpha=0.05)}
    >>> d = grouped_cv_distribution(models, X, y, {"by group": np.arange(40) % 8}, n_repeats=3, random_state=0)
    >>> d.shape, d.groupby("model").r2.median().round(2).to_dict()
    ((6, 6), {'lasso': 0.98, 'mean': -0.04})
    """
    X, y = _check_xy(X, y)
    if not isinstance(models, dict) or not models:
        raise ValueError("models must be a non-empty dict of name -> unfitted estimator.")
    schemes = groups if isinstance(groups, dict) else {"grouped": groups}
    schemes = {name: (None if g is None else _labels(g, len(X), f"groups[{name!r}]")) for name, g in schemes.items()}
    if not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
        raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}.")
    for name, g in schemes.items():
        n_groups = len(X) if g is None else len(np.unique(g))
        if n_groups < n_splits:
            raise ValueError(f"scheme {name!r} has {n_groups} groups, fewer than n_splits={n_splits}; "
                             "use fewer folds or more data.")
    seeds = _partition_seeds(random_state, n_repeats, "n_repeats")
    Xv = X.to_numpy(dtype=float)
    parts = Parallel(n_jobs=n_jobs)(delayed(_one_repeat)(models, Xv, X.columns, y, schemes, n_splits, s, r)
                                    for r, s in enumerate(seeds))
    return pd.DataFrame([row for part in parts for row in part],
                        columns=["repeat", "seed", "scheme", "model", "r2", "mae"])


def distribution_summary(scores: pd.DataFrame, value: str = "r2", by=("scheme", "model"),
                         quantiles=(0.05, 0.5, 0.95)) -> pd.DataFrame:
    """Quantiles of a score over partitions, per scheme and model.

    Parameters
    ----------
    scores : pandas.DataFrame
        E.g. from :func:`grouped_cv_distribution`.
    value : str, default "r2"
    by : sequence of str
        Columns to group by (kept in their order of appearance).
    quantiles : sequence of float

    Returns
    -------
    pandas.DataFrame
        ``n``, one column per quantile (``q05, q50, q95``), ``min`` and ``max``.

    Examples
    --------
    >>> s = pd.DataFrame({"scheme": ["a"] * 3, "model": ["m"] * 3, "r2": [0.1, 0.2, 0.3]})
    >>> distribution_summary(s).round(2).values.tolist()
    [[3.0, 0.11, 0.2, 0.29, 0.1, 0.3]]
    """
    by = list(by)
    missing = [c for c in [*by, value] if c not in scores.columns]
    if missing:
        raise ValueError(f"scores has no column(s) {missing}; found {list(scores.columns)}.")
    g = scores.groupby(by, sort=False)[value]
    out = pd.DataFrame({"n": g.size()})
    for q in quantiles:
        out[f"q{round(100 * q):02d}"] = g.quantile(q)
    out["min"], out["max"] = g.min(), g.max()
    return out


def paired_difference(scores: pd.DataFrame, a: str, b: str, value: str = "r2") -> pd.DataFrame:
    """Model ``a`` minus model ``b``, repeat by repeat, per scheme.

    Parameters
    ----------
    scores : pandas.DataFrame
        From :func:`grouped_cv_distribution` (columns ``repeat, scheme, model``).
    a, b : str
        Model names.
    value : str, default "r2"

    Returns
    -------
    pandas.DataFrame
        Per scheme: ``n``, ``q05, q50, q95`` of the difference and
        ``share_a_better`` (share of repeats with ``a > b``; for ``"mae"``
        lower is better and the share counts ``a < b``).

    Examples
    --------
    >>> s = pd.DataFrame({"repeat": [0, 0, 1, 1], "scheme": ["x"] * 4, "model": ["A", "B"] * 2,
    ...                   "r2": [0.3, 0.1, 0.2, 0.25]})
    >>> paired_difference(s, "A", "B").share_a_better.tolist()
    [0.5]
    """
    wide = scores.pivot_table(index=["scheme", "repeat"], columns="model", values=value, sort=False)
    for m in (a, b):
        if m not in wide.columns:
            raise ValueError(f"model {m!r} is not in scores; found {list(wide.columns)}.")
    diff = (wide[a] - wide[b]).rename("diff").reset_index()
    better = diff["diff"] < 0 if value == "mae" else diff["diff"] > 0
    g = diff.assign(better=better).groupby("scheme", sort=False)
    return pd.DataFrame({"n": g.size(), "q05": g["diff"].quantile(0.05), "q50": g["diff"].median(),
                         "q95": g["diff"].quantile(0.95), "share_a_better": g.better.mean()})


def leave_one_group_out_influence(X: pd.DataFrame, y, groups, alpha: float, *, features=None,
                                  max_iter: int = 5000, n_jobs: int | None = None) -> pd.DataFrame:
    """How much each group (paper, compound) moves each LASSO rule.

    Fits ``Lasso(alpha)`` on all rows, then once without each group, and
    records every rule's coefficient each time.  A rule that one group can
    zero rests on that group.

    Parameters
    ----------
    X : pandas.DataFrame
        Raw counts, as in :func:`paper_lasso`.
    y : array-like
    groups : array-like
        Group label of each row (at least 2 groups).
    alpha : float
        Regularisation (e.g. the study's).
    features : sequence of str, optional
        Columns to follow; default: the non-zero coefficients of the fit on
        all rows (the rules).
    max_iter : int
    n_jobs : int, optional
        Parallel refits (joblib).

    Returns
    -------
    pandas.DataFrame
        One row per group and feature: ``group, n_rows, feature,
        coefficient_all, coefficient_without, change, zeroed, sign_flipped``.
        Summarise with :func:`influence_summary`.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0, 1] * 10, "b": [0] * 18 + [1, 1]})
    >>> y = 2.0 * X.a + 5.0 * X.b
    >>> inf = leave_one_group_out_influence(X, y, ["p"] * 9 + ["r"] * 9 + ["q"] * 2, alpha=0.01)
    >>> inf[inf.zeroed][["group", "feature"]].values.tolist()
    [['q', 'b']]
    """
    X, y = _check_xy(X, y)
    labels = _labels(groups, len(X), "groups")
    uniq = list(dict.fromkeys(labels))
    if len(uniq) < 2:
        raise ValueError(f"groups has {len(uniq)} distinct label(s); need at least 2 to leave one out.")
    if not alpha > 0:
        raise ValueError(f"alpha must be positive, got {alpha!r}.")
    full = pd.Series(Lasso(alpha=alpha, max_iter=max_iter).fit(X, y).coef_, index=X.columns)
    features = list(full[full != 0].index) if features is None else list(features)
    unknown = [f for f in features if f not in X.columns]
    if unknown:
        raise ValueError(f"feature(s) {unknown} are not columns of X.")

    def without(g):
        keep = labels != g
        return Lasso(alpha=alpha, max_iter=max_iter).fit(X[keep], y[keep]).coef_

    coefs = Parallel(n_jobs=n_jobs)(delayed(without)(g) for g in uniq)
    pos = [X.columns.get_loc(f) for f in features]
    rows = []
    for g, c in zip(uniq, coefs, strict=True):
        n = int(np.sum(labels == g))
        for f, j in zip(features, pos, strict=True):
            a, w = float(full[f]), float(c[j])
            rows.append({"group": str(g), "n_rows": n, "feature": f, "coefficient_all": a, "coefficient_without": w,
                         "change": w - a, "zeroed": a != 0 and w == 0,
                         "sign_flipped": a * w < 0})
    return pd.DataFrame(rows, columns=["group", "n_rows", "feature", "coefficient_all", "coefficient_without",
                                       "change", "zeroed", "sign_flipped"])


def influence_summary(influence: pd.DataFrame) -> pd.DataFrame:
    """One line per rule from :func:`leave_one_group_out_influence`.

    Parameters
    ----------
    influence : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        Indexed by feature: ``coefficient`` (all rows), ``min_without``,
        ``max_without``, ``most_influential`` (the group whose removal moves
        it most), ``largest_change``, ``n_zeroing`` and ``zeroed_by`` (the
        groups whose removal sets it to zero, ``"; "``-separated).

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0, 1] * 10, "b": [0] * 18 + [1, 1]})
    >>> groups = ["p"] * 9 + ["r"] * 9 + ["q"] * 2
    >>> s = influence_summary(leave_one_group_out_influence(X, 2.0 * X.a + 5.0 * X.b, groups, alpha=0.01))
    >>> int(s.loc["b", "n_zeroing"]), s.loc["b", "zeroed_by"], s.loc["b", "most_influential"]
    (1, 'q', 'q')
    """
    need = ["group", "feature", "coefficient_all", "coefficient_without", "change", "zeroed"]
    missing = [c for c in need if c not in influence.columns]
    if missing:
        raise ValueError(f"influence has no column(s) {missing}; pass the output of leave_one_group_out_influence().")
    rows = []
    for f, d in influence.groupby("feature", sort=False):
        k = int(d.change.abs().to_numpy().argmax())
        zeroing = d.group[d.zeroed].tolist()
        rows.append({"feature": f, "coefficient": float(d.coefficient_all.iloc[0]),
                     "min_without": float(d.coefficient_without.min()),
                     "max_without": float(d.coefficient_without.max()),
                     "most_influential": d.group.iloc[k], "largest_change": float(d.change.iloc[k]),
                     "n_zeroing": len(zeroing), "zeroed_by": "; ".join(zeroing)})
    return pd.DataFrame(rows).set_index("feature")


def bootstrap_selection_frequency(X: pd.DataFrame, y, alpha: float, *, n_boot: int = 200, groups=None,
                                  random_state=None, max_iter: int = 5000) -> pd.DataFrame:
    """How often each feature is selected by a fixed-alpha LASSO over bootstrap samples.

    This is often called stability selection; it is the simple version:
    one alpha, bootstrap samples of the rows (or of whole groups, with
    ``groups``), and the share of fits in which a coefficient is non-zero.
    Meinshausen and Bühlmann's stability selection instead takes the maximum
    selection probability over a range of alphas on half-size subsamples.

    Parameters
    ----------
    X : pandas.DataFrame
        Raw counts.
    y : array-like
    alpha : float
        The one regularisation strength.
    n_boot : int, default 200
    groups : array-like, optional
        Resample whole groups (compounds, papers) instead of rows.
    random_state : None, int or numpy.random.Generator
    max_iter : int

    Returns
    -------
    pandas.DataFrame
        Indexed by feature, sorted by decreasing ``selected``: ``selected``
        (share of fits with a non-zero coefficient), ``positive``,
        ``negative`` (shares with each sign), ``median, q05, q95`` of the
        coefficient (zeros included).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.integers(0, 3, size=(60, 3)), columns=["a", "b", "c"])
    >>> y = 3.0 * X.a + rng.normal(0, 0.1, 60)
    >>> f = bootstrap_selection_frequency(X, y, alpha=0.1, n_boot=20, random_state=0)
    >>> f.index[0], float(f.loc["a", "positive"])
    ('a', 1.0)
    """
    if not alpha > 0:
        raise ValueError(f"alpha must be positive, got {alpha!r}.")
    boot = bootstrap_lasso(X, y, alpha=alpha, n_boot=n_boot, groups=groups,
                           random_state=check_random_state(random_state), max_iter=max_iter)  # type: ignore[arg-type]
    c = boot.coefficients
    out = pd.DataFrame({"selected": (c != 0).mean(), "positive": (c > 0).mean(), "negative": (c < 0).mean(),
                        "median": c.median(), "q05": c.quantile(0.05), "q95": c.quantile(0.95)})
    return out.sort_values("selected", ascending=False, kind="stable")


@dataclass
class OneStandardErrorResult:
    """The outcome of :func:`one_standard_error_alpha`.

    Attributes
    ----------
    path : pandas.DataFrame
        One row per alpha: ``alpha, cv_mse`` (mean over folds), ``cv_se``
        (standard error of that mean: fold standard deviation / sqrt(folds))
        and ``n_nonzero`` (mean over folds).
    alpha_min : float
        The alpha with the lowest mean CV MSE.
    alpha_1se : float
        The largest alpha whose mean CV MSE is within one standard error of
        the minimum (the one-standard-error rule).
    """

    path: pd.DataFrame
    alpha_min: float
    alpha_1se: float

    @property
    def threshold(self) -> float:
        """Minimum mean CV MSE plus its standard error."""
        i = int(self.path.cv_mse.to_numpy().argmin())
        return float(self.path.cv_mse.iloc[i] + self.path.cv_se.iloc[i])

    def within_one_se(self, alpha: float) -> bool:
        """Whether ``alpha``'s mean CV MSE (nearest alpha of the path) is within one SE of the minimum."""
        i = int(np.abs(np.log(self.path.alpha.to_numpy()) - np.log(alpha)).argmin())
        return bool(self.path.cv_mse.iloc[i] <= self.threshold)


def one_standard_error_alpha(X: pd.DataFrame, y, *, alphas=None, cv=None, groups=None, n_splits: int = 5,
                             random_state=None, max_iter: int = 5000) -> OneStandardErrorResult:
    """Choose alpha by the one-standard-error rule.

    The alpha of lowest mean cross-validated error is itself uncertain: its
    mean over K folds has a standard error.  The one-standard-error rule
    takes the simplest model (largest alpha) whose mean error is within one
    standard error of the minimum (Hastie, Tibshirani and Friedman,
    *The Elements of Statistical Learning*, section 7.10).

    Parameters
    ----------
    X : pandas.DataFrame
        Raw counts (fitted as they are, like the study).
    y : array-like
    alphas : array-like, optional
        Default: the study's grid, :func:`paper_alphas` (``np.logspace(-4, 1, 50)``).
    cv : splitter, optional
        E.g. ``KFold(5, shuffle=True, random_state=42)`` for the study's
        folds; by default ``KFold`` (or shuffled ``GroupKFold`` when
        ``groups`` is given) with ``n_splits`` folds seeded by ``random_state``.
    groups : array-like, optional
        Keep groups (papers, compounds) within one fold.
    n_splits : int, default 5
    random_state : None, int or numpy.random.Generator
    max_iter : int

    Returns
    -------
    OneStandardErrorResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(80, 5)), columns=list("abcde"))
    >>> y = 2 * X.a + X.b + rng.normal(0, 1, 80)
    >>> r = one_standard_error_alpha(X, y, alphas=np.logspace(-3, 0, 20), random_state=0)
    >>> bool(r.alpha_1se >= r.alpha_min), r.within_one_se(r.alpha_1se)
    (True, True)
    """
    X, y = _check_xy(X, y)
    alphas = paper_alphas() if alphas is None else np.asarray(alphas, dtype=float)
    if alphas.ndim != 1 or len(alphas) == 0 or np.any(alphas <= 0):
        raise ValueError(f"alphas must be a non-empty 1-D array of positive numbers, got {alphas!r}.")
    labels = None if groups is None else _labels(groups, len(X), "groups")
    if cv is None:
        seed = int_seed(random_state)
        cv = (KFold(n_splits, shuffle=True, random_state=seed) if labels is None
              else GroupKFold(n_splits, shuffle=True, random_state=seed))
    folds = list(cv.split(X, y, groups=labels))
    rows = []
    for a in np.sort(alphas):
        mses, nnz = [], []
        for tr, va in folds:
            m = Lasso(alpha=a, max_iter=max_iter).fit(X.iloc[tr], y[tr])
            mses.append(mean_squared_error(y[va], m.predict(X.iloc[va])))
            nnz.append(np.count_nonzero(m.coef_))
        rows.append((a, float(np.mean(mses)), float(np.std(mses, ddof=1) / np.sqrt(len(mses))), float(np.mean(nnz))))
    path = pd.DataFrame(rows, columns=["alpha", "cv_mse", "cv_se", "n_nonzero"])
    i = int(path.cv_mse.to_numpy().argmin())
    ok = path.cv_mse <= path.cv_mse.iloc[i] + path.cv_se.iloc[i]
    return OneStandardErrorResult(path, float(path.alpha.iloc[i]), float(path.alpha[ok].max()))


# ---------------------------------------------------------------------------
# representations compared (chapter 7)
# ---------------------------------------------------------------------------

#: File name (in the package's ``data`` folder) of the stored comparison of
#: chapter 7, written by :func:`compare_representations` (chapter 7 shows the call).
REPRESENTATIONS_CV_FILE = "representations_cv.csv"


def _package_data(name: str) -> Path:
    """A stored table of the package (``mlcrystal/data``), read through importlib.resources."""
    return Path(str(resources.files("mlcrystal") / "data" / name))


def load_representation_scores(path=None) -> pd.DataFrame:
    """The stored repeated grouped CV of four representations x two models (chapter 7).

    Parameters
    ----------
    path : path-like, optional
        Default: ``mlcrystal/data/representations_cv.csv``.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`compare_representations`.

    Examples
    --------
    >>> scores = load_representation_scores()
    >>> sorted(scores.representation.unique())
    ['MACCS keys', 'Morgan counts', 'RDKit descriptors', 'fragment counts']
    """
    path = _package_data(REPRESENTATIONS_CV_FILE) if path is None else Path(path)
    scores = pd.read_csv(path)
    need = ["representation", "repeat", "scheme", "model", "r2", "mae"]
    missing = [c for c in need if c not in scores.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; regenerate it with compare_representations().")
    return scores


def representation_models(*, random_state=0, n_jobs: int | None = None) -> dict:
    """The linear and the non-linear model of chapter 7, unfitted.

    Parameters
    ----------
    random_state : None, int or numpy.random.Generator
        Seed of the random forest.
    n_jobs : int, optional
        Parallel trees.

    Returns
    -------
    dict
        ``"LASSO"``: standardised columns, ``LassoCV`` over 20 alphas down to
        1 % of the largest useful one (5 inner folds, grouped when the caller
        passes groups, see :func:`with_grouped_inner_cv`; ``tol=1e-3`` keeps
        2048-column Morgan counts tractable); ``"random forest"``: 100 trees,
        30 % of the columns per split, at least 2 rows per leaf.

    Examples
    --------
    >>> sorted(representation_models())
    ['LASSO', 'random forest']
    """
    return {
        "LASSO": make_pipeline(StandardScaler(), LassoCV(cv=5, eps=1e-2, alphas=20, max_iter=2000, tol=1e-3)),
        "random forest": RandomForestRegressor(n_estimators=100, max_features=0.3, min_samples_leaf=2,
                                               random_state=int_seed(random_state), n_jobs=n_jobs),
    }


def compare_representations(feature_sets: dict, y, groups, *, models: dict | None = None, n_repeats: int = 10,
                            n_splits: int = 5, random_state=0, n_jobs: int | None = None) -> pd.DataFrame:
    """Repeated grouped CV of every model on every representation, on the same folds.

    Parameters
    ----------
    feature_sets : dict
        Representation name -> feature table (same rows, same order), e.g.
        :func:`mlcrystal.features.representations`.
    y : array-like
    groups : dict
        Scheme name -> group labels (or ``None`` for shuffled rows), as in
        :func:`grouped_cv_distribution`.
    models : dict, optional
        Default :func:`representation_models`.
    n_repeats, n_splits : int
    random_state : None, int or numpy.random.Generator
        One seed for all representations, so that repeat ``k`` uses the same
        folds for each (the comparison is paired).
    n_jobs : int, optional

    Returns
    -------
    pandas.DataFrame
        :func:`grouped_cv_distribution`'s columns plus ``representation`` first.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = pd.DataFrame({"x": rng.normal(size=30)})
    >>> b = pd.DataFrame({"z": rng.normal(size=30)})
    >>> y = 2 * a.x.to_numpy()
    >>> d = compare_representations({"a": a, "b": b}, y, {"rows": None}, models={"lasso": Lasso(alpha=0.01)},
    ...                             n_repeats=2, random_state=0)
    >>> d.groupby("representation").r2.median().round(1).gt(0.5).to_dict()
    {'a': True, 'b': False}
    """
    if not isinstance(feature_sets, dict) or not feature_sets:
        raise ValueError("feature_sets must be a non-empty dict of name -> feature table.")
    lengths = {name: len(X) for name, X in feature_sets.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"feature tables must have the same rows; got lengths {lengths}.")
    models = representation_models(random_state=random_state) if models is None else models
    seed = int_seed(random_state)
    parts = []
    for name, X in feature_sets.items():
        d = grouped_cv_distribution(models, X, y, groups, n_repeats=n_repeats, n_splits=n_splits,
                                    random_state=seed, n_jobs=n_jobs)
        parts.append(d.assign(representation=name))
    out = pd.concat(parts, ignore_index=True)
    return out[["representation", *[c for c in out.columns if c != "representation"]]]


def identical_in_training(X: pd.DataFrame, *, n_splits: int = 200, test_size: float = 0.2,
                          random_state=None) -> pd.DataFrame:
    """Share of test rows whose representation also occurs in training, over random splits.

    A row whose feature vector is identical to a training row's (the same
    structure measured twice, or two structures the representation cannot
    tell apart) is predicted from a copy of itself: one mechanism by which
    random splits flatter a model.

    Parameters
    ----------
    X : pandas.DataFrame
        A representation (one row per measurement).
    n_splits : int, default 200
    test_size : float, default 0.2
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        One row per split: ``split, seed, share``.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0, 0, 1, 2, 3, 4, 5, 6, 7, 8]})
    >>> d = identical_in_training(X, n_splits=50, random_state=0)
    >>> bool(d.share.max() <= 0.5), bool(d.share.min() == 0.0)
    (True, True)
    """
    if not isinstance(X, pd.DataFrame) or len(X) < 2:
        raise ValueError("X must be a pandas DataFrame with at least 2 rows (one per measurement).")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}.")
    keys = pd.util.hash_pandas_object(X, index=False).to_numpy()
    idx = np.arange(len(X))
    rows = []
    for k, seed in enumerate(_partition_seeds(random_state, n_splits, "n_splits")):
        tr, te = train_test_split(idx, test_size=test_size, random_state=seed)
        rows.append({"split": k, "seed": seed, "share": float(np.isin(keys[te], keys[tr]).mean())})
    return pd.DataFrame(rows, columns=["split", "seed", "share"])


# ---------------------------------------------------------------------------
# chapter 3 over many partitions (stored table)
# ---------------------------------------------------------------------------

#: File name (in the package's ``data`` folder) of chapter 3's repeated
#: cross-validation, written by :func:`chapter3_partition_scores` and
#: :func:`save_partition_scores` (chapter 3 shows the call).
CHAPTER3_PARTITIONS_FILE = "chapter3_partitions.csv"


def chapter3_schemes(df: pd.DataFrame) -> dict:
    """The three validation schemes of chapter 3, as group labels for :func:`grouped_cv_distribution`.

    Parameters
    ----------
    df : pandas.DataFrame
        The Young's-modulus table (``smiles`` and ``doi``).

    Returns
    -------
    dict
        ``"shuffled rows"``: ``None`` (plain shuffled K-fold);
        ``"by structure"``: the standardised structure without stereochemistry
        (:func:`mlcrystal.audit.curation_keys`, so enantiomers, forms and ionisation
        states of one molecule share a fold); ``"by paper"``: the ``paper`` key
        (DOIs of one paper merged, :func:`mlcrystal.audit.paper_of`).

    Examples
    --------
    >>> t = pd.DataFrame({"smiles": ["NCC(=O)O", "[NH3+]CC([O-])=O", "C[C@H](N)C(=O)O"],
    ...                   "doi": ["10.1002/anie.201810514", "10.1002/ange.201810514", "10.1/x"]})
    >>> s = chapter3_schemes(t)
    >>> list(s), len(set(s["by structure"])), len(set(s["by paper"]))
    (['shuffled rows', 'by structure', 'by paper'], 2, 2)
    """

    keys = curation_keys(df)
    if "paper" not in keys:
        raise ValueError("chapter3_schemes needs a 'doi' column to group by paper.")
    bad = keys.structure_no_stereo.isna()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"row {i}: SMILES {df['smiles'].iloc[i]!r} cannot be read, so it has no structure "
                         "key; correct or remove the row first.")
    return {"shuffled rows": None, "by structure": keys.structure_no_stereo.to_numpy(dtype=str),
            "by paper": keys.paper.to_numpy(dtype=str)}


def chapter3_partition_scores(df: pd.DataFrame, *, alpha: float = study.LASSO_RESULT["alpha"],
                              models: dict | None = None, n_repeats: int = 40, random_state=0,
                              n_jobs: int | None = None) -> pd.DataFrame:
    """The repeated cross-validation of chapter 3: :func:`benchmark_models` x :func:`chapter3_schemes`.

    Parameters
    ----------
    df : pandas.DataFrame
        The Young's-modulus table (``smiles``, ``doi``, ``E_GPa``).
    alpha : float
        The fixed-alpha LASSO's regularisation (the study's by default).
    models : dict, optional
        Name -> unfitted estimator; default ``benchmark_models(alpha, random_state=...)``.
    n_repeats : int, default 40
    random_state : None, int or numpy.random.Generator
        Seeds the folds (repeat ``k`` gets the ``k``-th spawned child, so the first
        repeats of a longer run equal a shorter run) and the models.
    n_jobs : int, optional
        Parallel repeats.

    Returns
    -------
    pandas.DataFrame
        :func:`grouped_cv_distribution`'s columns.

    Examples
    --------
    >>> t = pd.DataFrame({"smiles": ["c1ccccc1O", "CCO", "CC(=O)O", "c1ccccc1N", "OCCO"] * 4,
    ...                   "doi": [f"10.1/p{i % 7}" for i in range(20)], "E_GPa": np.linspace(1.0, 20.0, 20)})
    >>> s = chapter3_partition_scores(t, models={"mean": DummyRegressor()}, n_repeats=2)
    >>> s.groupby("scheme", sort=False).size().to_dict()
    {'shuffled rows': 2, 'by structure': 2, 'by paper': 2}
    """

    X = paper_design_matrix(df)
    if models is None:
        models = benchmark_models(alpha, random_state=int_seed(random_state))
    return grouped_cv_distribution(models, X, df["E_GPa"].to_numpy(), chapter3_schemes(df), n_repeats=n_repeats,
                                   random_state=int_seed(random_state), n_jobs=n_jobs)


def save_partition_scores(scores: pd.DataFrame, path) -> None:
    """Write a table of :func:`grouped_cv_distribution` with 6 significant digits.

    Parameters
    ----------
    scores : pandas.DataFrame
    path : path-like

    Examples
    --------
    >>> import tempfile, pathlib
    >>> s = pd.DataFrame({"repeat": [0], "seed": [1], "scheme": ["x"], "model": ["m"], "r2": [0.123456789],
    ...                   "mae": [6.0]})
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> save_partition_scores(s, p)
    >>> float(load_partition_scores(p).r2[0])
    0.123457
    """
    need = ["repeat", "seed", "scheme", "model", "r2", "mae"]
    missing = [c for c in need if c not in scores.columns]
    if missing:
        raise ValueError(f"scores has no column(s) {missing}; pass the output of grouped_cv_distribution().")
    scores[need].to_csv(path, index=False, float_format="%.6g")


def load_partition_scores(path=None) -> pd.DataFrame:
    """The stored repeated cross-validation of chapter 3 (``mlcrystal/data/chapter3_partitions.csv``).

    Parameters
    ----------
    path : path-like, optional
        Default: the package's copy, written by
        ``save_partition_scores(chapter3_partition_scores(load_youngs_modulus(clean=False)), path)``.

    Returns
    -------
    pandas.DataFrame
        ``repeat, seed, scheme, model, r2, mae``.

    Examples
    --------
    >>> s = load_partition_scores()
    >>> sorted(s.scheme.unique())
    ['by paper', 'by structure', 'shuffled rows']
    """
    path = _package_data(CHAPTER3_PARTITIONS_FILE) if path is None else Path(path)
    scores = pd.read_csv(path)
    need = ["repeat", "seed", "scheme", "model", "r2", "mae"]
    missing = [c for c in need if c not in scores.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; regenerate it with chapter3_partition_scores().")
    return scores


def check_stored_scores(live: pd.DataFrame, stored: pd.DataFrame, tol: float = 1e-4) -> None:
    """Check that scores recomputed now equal the first repeats of a stored table; say where they differ.

    Parameters
    ----------
    live : pandas.DataFrame
        Recomputed ``repeat, seed, scheme, model, r2, mae`` (e.g. the first two repeats).
    stored : pandas.DataFrame
        The stored table (:func:`load_partition_scores`); its rows with the same repeats are compared.
    tol : float, default 1e-4
        Absolute and relative tolerance of ``r2`` and ``mae`` (the table keeps 6 significant digits).

    Raises
    ------
    ValueError
        The stored table no longer matches what the code computes: the first differing row, both values
        and how to regenerate the table.

    Examples
    --------
    >>> s = load_partition_scores()
    >>> check_stored_scores(s[s.repeat < 1], s)
    """
    first = stored[stored.repeat.isin(live.repeat.unique())].reset_index(drop=True)
    keys = ["repeat", "seed", "scheme", "model"]
    regenerate = ("the stored table no longer matches what the code computes: regenerate "
                  f"mlcrystal/data/{CHAPTER3_PARTITIONS_FILE} with the command shown in chapter 3")
    if len(first) != len(live) or not (live[keys].reset_index(drop=True) == first[keys]).all().all():
        raise ValueError(f"the recomputed partitions (repeats, seeds, schemes, models) differ from the stored ones; "
                         f"{regenerate}.")
    for col in ("r2", "mae"):
        a, b = live[col].to_numpy(), first[col].to_numpy()
        bad = ~np.isclose(a, b, rtol=tol, atol=tol)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            row = first.loc[i, keys].to_dict()
            raise ValueError(f"{col} of {row}: stored {b[i]:.6g}, recomputed {a[i]:.6g}; {regenerate}.")
