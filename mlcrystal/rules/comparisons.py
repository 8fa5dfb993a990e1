"""Fair comparisons: tuned models, a y-randomisation null, and the empty model in the one-SE band.

Comparing a model at settings chosen beforehand (a forest with
``min_samples_leaf=2``) with another tuned by cross-validation ranks the
settings, not the models.  :func:`tuned_models` wraps every model that has a
hyperparameter in :class:`~sklearn.model_selection.GridSearchCV`; run through
:func:`mlcrystal.rules.partitions.grouped_cv_distribution`, the inner search is grouped
like the outer folds (``mlcrystal.rules.partitions.with_grouped_inner_cv`` replaces
its ``cv``), so the search is nested and cannot reward memorising a paper.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Lasso
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold

from mlcrystal import study
from mlcrystal.rules.lasso import paper_alphas, paper_lasso, standardised_lasso_cv
from mlcrystal.rules.partitions import one_standard_error_alpha
from mlcrystal.seeding import RandomState, int_seed, spawn

__all__ = ["FOREST_GRID", "RAW_LASSO_ALPHAS", "tuned_models", "y_randomisation", "permutation_p_value",
           "one_se_with_empty_model"]

#: The forest's search grid (leaf size and share of columns per split).
FOREST_GRID = {"min_samples_leaf": [1, 2, 5, 10], "max_features": [0.3, 1.0]}
#: The raw-count LASSO's search grid: the study's grid from 0.01 GPa up (smaller alphas
#: give 40+ coefficients and converge slowly on raw counts).
RAW_LASSO_ALPHAS = paper_alphas()[paper_alphas() >= 0.01]


def tuned_models(*, alpha: float = study.LASSO_RESULT["alpha"], random_state: RandomState = 0,
                 n_estimators: int = 100, fixed_forests: bool = True) -> dict:
    """The models of chapters 3 and 4, each with its hyperparameters chosen by an inner search.

    Parameters
    ----------
    alpha : float
        The study's fixed alpha, kept as the published reference (not tuned).
    random_state : None, int or numpy.random.Generator
        Seeds the forests and the LassoCV folds (replaced by grouped folds when
        run through :func:`mlcrystal.rules.partitions.grouped_cv_distribution` with groups).
    n_estimators : int, default 100
        Trees per forest.
    fixed_forests : bool, default True
        Also include the forest at chapter 3's fixed settings
        (``min_samples_leaf=2``, all columns) and at ``min_samples_leaf=5``.

    Returns
    -------
    dict
        Name -> unfitted estimator: mean predictor; the study's LASSO (fixed
        alpha); the raw-count LASSO with alpha by grid search
        (:data:`RAW_LASSO_ALPHAS`); the standardised LassoCV; the forest tuned
        over :data:`FOREST_GRID`; optionally the two fixed forests.

    Examples
    --------
    >>> sorted(tuned_models(fixed_forests=False))[:2]
    ['LASSO, raw counts, alpha tuned', 'LASSO, standardised, alpha tuned']
    """
    s_cv, s_rf = (int_seed(g) for g in spawn(random_state, 2))
    neg_mse = "neg_mean_squared_error"
    models = {
        "mean predictor": DummyRegressor(),
        "LASSO, study alpha": Lasso(alpha=alpha, max_iter=study.LASSO_MAX_ITER),
        "LASSO, raw counts, alpha tuned": GridSearchCV(Lasso(max_iter=study.LASSO_MAX_ITER),
                                                       {"alpha": list(RAW_LASSO_ALPHAS)}, cv=5, scoring=neg_mse),
        "LASSO, standardised, alpha tuned": standardised_lasso_cv(n_repeats=1, random_state=s_cv),
        "random forest, tuned": GridSearchCV(RandomForestRegressor(n_estimators=n_estimators, random_state=s_rf),
                                             FOREST_GRID, cv=5, scoring=neg_mse),
    }
    if fixed_forests:
        models["random forest, leaf 2 (chapter 3)"] = RandomForestRegressor(
            n_estimators=n_estimators, min_samples_leaf=2, random_state=s_rf)
        models["random forest, leaf 5"] = RandomForestRegressor(
            n_estimators=n_estimators, min_samples_leaf=5, random_state=s_rf)
    return models


def permutation_p_value(null, observed: float) -> float:
    """One-sided permutation p-value, ``(1 + #(null >= observed)) / (1 + n)``.

    Examples
    --------
    >>> permutation_p_value([0.1, 0.2, 0.5], 0.3)
    0.5
    """
    v = np.asarray(null, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        raise ValueError("null is empty; run at least one permutation.")
    return float((1 + np.sum(v >= observed)) / (1 + len(v)))


def y_randomisation(X: pd.DataFrame, y, *, n_permutations: int = 50, random_state: RandomState = 0,
                    **protocol) -> pd.DataFrame:
    """The study's whole protocol on permuted moduli: what a chance result looks like.

    Each permutation shuffles ``y`` over the rows and reruns
    :func:`mlcrystal.rules.lasso.paper_lasso` unchanged (the same split seed, the
    same folds, the same selection score), so the null includes the choice of
    alpha.

    Parameters
    ----------
    X : pandas.DataFrame
    y : array-like
    n_permutations : int, default 50
    random_state : None, int or numpy.random.Generator
        Seeds the permutations (one spawned child each).
    **protocol
        Passed to :func:`mlcrystal.rules.lasso.paper_lasso`.

    Returns
    -------
    pandas.DataFrame
        One row per permutation: ``permutation, alpha, n_coefficients, test_r2``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.integers(0, 3, size=(60, 4)), columns=list("abcd"))
    >>> null = y_randomisation(X, 2.0 * X.a + rng.normal(0, 0.5, 60), n_permutations=5, random_state=0)
    >>> bool(null.test_r2.max() < 0.5)
    True
    """
    yv = np.asarray(y, dtype=float)
    rows = []
    for k, g in enumerate(spawn(random_state, n_permutations)):
        r = paper_lasso(X, g.permutation(yv), **protocol)
        rows.append({"permutation": k, "alpha": r.alpha, "n_coefficients": len(r.coefficients),
                     "test_r2": r.test_r2})
    return pd.DataFrame(rows, columns=["permutation", "alpha", "n_coefficients", "test_r2"])


def one_se_with_empty_model(X: pd.DataFrame, y, groups=None, *, n_repeats: int = 10, n_splits: int = 5,
                            alphas=None, study_alpha: float = study.LASSO_RESULT["alpha"],
                            random_state: RandomState = 0) -> pd.DataFrame:
    """Where the empty model (the training mean) sits in the one-standard-error band.

    For each fold assignment: the LASSO path's lowest mean CV MSE, its
    standard error, and the mean CV MSE of the empty model on the same folds.
    If the empty model is within one SE of the minimum, the one-SE rule
    cannot tell the fitted rules from no rules at all.

    Parameters
    ----------
    X : pandas.DataFrame
    y : array-like
    groups : array-like, optional
        Folds keep groups together (shuffled ``GroupKFold``); default shuffled ``KFold``.
    n_repeats : int, default 10
    n_splits : int, default 5
    alphas : array-like, optional
        Default :func:`mlcrystal.rules.lasso.paper_alphas`.
    study_alpha : float
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        One row per repeat: ``repeat, alpha_min, mse_min, se_min, threshold,
        mse_study_alpha, study_inside, mse_empty, empty_inside``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(60, 3)), columns=list("abc"))
    >>> d = one_se_with_empty_model(X, 3 * X.a + rng.normal(0, 1, 60), n_repeats=2, alphas=[0.01, 0.1, 1.0])
    >>> d.empty_inside.tolist()
    [False, False]
    """
    yv = np.asarray(y, dtype=float)
    labels = None if groups is None else np.asarray(groups).astype(str)
    rows = []
    for k, g in enumerate(spawn(random_state, n_repeats)):
        seed = int_seed(g)
        cv = (KFold(n_splits, shuffle=True, random_state=seed) if labels is None
              else GroupKFold(n_splits, shuffle=True, random_state=seed))
        folds = list(cv.split(X, yv, groups=labels))
        r = one_standard_error_alpha(X, yv, alphas=alphas, cv=_Fixed(folds), groups=labels)
        p = r.path
        i = int(p.cv_mse.to_numpy().argmin())
        j = int(np.abs(np.log(p.alpha.to_numpy()) - np.log(study_alpha)).argmin())
        empty = float(np.mean([mean_squared_error(yv[va], np.full(len(va), yv[tr].mean())) for tr, va in folds]))
        rows.append({"repeat": k, "alpha_min": r.alpha_min, "mse_min": float(p.cv_mse.iloc[i]),
                     "se_min": float(p.cv_se.iloc[i]), "threshold": r.threshold,
                     "mse_study_alpha": float(p.cv_mse.iloc[j]), "study_inside": r.within_one_se(study_alpha),
                     "mse_empty": empty, "empty_inside": empty <= r.threshold})
    return pd.DataFrame(rows)


class _Fixed:
    """A splitter that replays given folds (so the empty model sees the LASSO's folds)."""

    def __init__(self, folds):
        self.folds = folds

    def split(self, X=None, y=None, groups=None):
        return iter(self.folds)

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(self.folds)
