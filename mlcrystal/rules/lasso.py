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
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Lasso, LassoCV
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import GroupKFold, KFold, LeaveOneOut, RepeatedKFold, cross_val_predict, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from mlcrystal import study
from mlcrystal.rules.features import paper_design_matrix
from mlcrystal.seeding import RandomState, check_random_state, int_seed, spawn

__all__ = ["PaperLassoResult", "paper_alphas", "paper_lasso", "compare_with_paper", "coefficient_path",
           "standardised_lasso_cv", "standardised_coefficients", "leakage", "paper_split_leakage",
           "benchmark_models", "cv_splitters", "cross_validated_scores", "leave_one_out_r2", "BootstrapResult",
           "bootstrap_lasso", "rank_design_rules", "design_rules_with_confidence", "paper_lasso_on_subsets"]


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
            "build it with mlcrystal.rules.features.paper_design_matrix(df)."
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
        :func:`mlcrystal.rules.features.paper_design_matrix`.
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
    >>> from mlcrystal.rules.features import paper_design_matrix
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
    >>> from mlcrystal.rules.features import paper_design_matrix
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
    >>> from mlcrystal.rules.features import paper_design_matrix
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


def design_rules_with_confidence(reference: pd.Series, boot: BootstrapResult, boot_cleaned: BootstrapResult,
                                 influence: pd.DataFrame, *, names=study.RULE_NAMES, high: float = 0.8,
                                 low: float = 0.5) -> pd.DataFrame:
    """The design rules with their support on two versions of the data and one confidence.

    Each rule of ``reference`` is ranked with :func:`rank_design_rules` on
    two bootstraps (the data as published and, e.g., with the flagged rows
    removed). Its confidence is the lower of the two ratings, so a rule is
    "high" only when both supports are at least ``high``.

    Parameters
    ----------
    reference : pandas.Series
        Coefficients stating the rules, indexed by fragment.
    boot, boot_cleaned : BootstrapResult
        Bootstraps of the data as published and of the cleaned data.
    influence : pandas.DataFrame
        Indexed by fragment, with ``coefficient`` (on all rows) and
        ``n_zeroing`` (how many groups' removal sets it to zero), as from
        :func:`mlcrystal.rules.partitions.influence_summary`.
    names : mapping, optional
        Readable name of each fragment; defaults to
        :data:`mlcrystal.study.RULE_NAMES`.
    high, low : float
        Thresholds of :func:`rank_design_rules`.

    Returns
    -------
    pandas.DataFrame
        Indexed by fragment, in the order of decreasing support on the
        published data: ``substructure, effect, study coefficient (GPa),
        support, as published, support, flagged rows removed, papers that
        zero it, confidence``.

    Examples
    --------
    >>> boot = BootstrapResult(pd.DataFrame({"a": [1.0, 1.2, 0.9, 0.9], "b": [-1.0, 0.5, 0.0, 0.0]}),
    ...                        np.zeros(4))
    >>> cleaned = BootstrapResult(pd.DataFrame({"a": [1.0, 0.0, 0.0, 0.9], "b": [-1.0, -1.0, -1.0, -1.0]}),
    ...                           np.zeros(4))
    >>> influence = pd.DataFrame({"coefficient": [1.0, -1.0], "n_zeroing": [0, 2]}, index=["a", "b"])
    >>> rules = design_rules_with_confidence(pd.Series({"a": 1.0, "b": -1.0}), boot, cleaned, influence,
    ...                                      names={"a": "group a", "b": "group b"})
    >>> rules[["substructure", "papers that zero it", "confidence"]].values.tolist()
    [['group a', 0, 'moderate'], ['group b', 2, 'low']]
    """
    missing = [f for f in reference.index if f not in names or f not in influence.index]
    if missing:
        raise ValueError(f"fragments {missing} of reference have no readable name in names or no row in "
                         "influence; pass names and influence covering every fragment of reference.")
    for column in ("coefficient", "n_zeroing"):
        if column not in influence.columns:
            raise ValueError(f"influence has no column {column!r}; pass the table of influence_summary().")
    published = rank_design_rules(reference, boot, high=high, low=low)
    cleaned = rank_design_rules(reference, boot_cleaned, high=high, low=low).reindex(published.index)
    levels = ["low", "moderate", "high"]
    return pd.DataFrame({
        "substructure": [names[f] for f in published.index],
        "effect": published.effect,
        "study coefficient (GPa)": published.coefficient.round(3),
        "support, as published": published.same_sign,
        "support, flagged rows removed": cleaned.same_sign,
        "papers that zero it": [("already 0 on all rows" if influence.loc[f, "coefficient"] == 0
                                 else int(influence.loc[f, "n_zeroing"])) for f in published.index],
        "confidence": [levels[min(levels.index(a), levels.index(b))]
                       for a, b in zip(published.confidence, cleaned.confidence, strict=True)],
    })


def paper_lasso_on_subsets(data: pd.DataFrame, subsets: dict, **kwargs: Any) -> pd.DataFrame:
    """Refit the study's protocol on named subsets of the rows; the coefficients side by side.

    Each subset gets its own design matrix (:func:`mlcrystal.rules.features.paper_design_matrix`,
    so a fragment absent from the subset drops out) and its own
    :func:`paper_lasso` fit: an ablation of which rows the rules rest on.

    Parameters
    ----------
    data : pandas.DataFrame
        The modulus table, with ``smiles`` and ``E_GPa``.
    subsets : dict
        Name -> boolean mask over the rows of ``data`` (True = kept).
    **kwargs
        Passed to :func:`paper_lasso`.

    Returns
    -------
    pandas.DataFrame
        One column of coefficients per subset, one row per fragment
        (NaN where a fragment is not a column of that subset's fit).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> smiles = rng.choice(["c1ccccc1O", "OCC(=O)O", "c1ccccc1Cl", "OCCO", "Nc1ccccc1"], size=60)
    >>> data = pd.DataFrame({"smiles": smiles})
    >>> data["E_GPa"] = 5 + 2 * data.smiles.str.count("O") + rng.normal(0, 0.1, 60)
    >>> coefs = paper_lasso_on_subsets(data, {"all rows": np.ones(60, bool), "first half": np.arange(60) < 30})
    >>> coefs.columns.tolist()
    ['all rows', 'first half']
    """
    if not isinstance(data, pd.DataFrame) or not {"smiles", "E_GPa"} <= set(data.columns):
        raise ValueError("data must be the modulus table, a DataFrame with 'smiles' and 'E_GPa' columns.")
    if not subsets:
        raise ValueError("subsets is empty; pass at least one name -> boolean mask over the rows of data.")
    coefficients = {}
    for name, mask in subsets.items():
        keep = np.asarray(mask)
        if keep.dtype != bool or keep.shape != (len(data),):
            raise ValueError(f"subset {name!r}: expected a boolean mask of {len(data)} values, got dtype "
                             f"{keep.dtype} and shape {keep.shape}; build it with a comparison over the rows.")
        sub = data[keep]
        coefficients[name] = paper_lasso(paper_design_matrix(sub), sub.E_GPa.to_numpy(), **kwargs).coefficients
    return pd.DataFrame(coefficients)


# ---------------------------------------------------------------------------
