"""Representations compared under grouped cross-validation (chapter 4)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LassoCV
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mlcrystal.datasets import package_file
from mlcrystal.rules.partitions import _partition_seeds, grouped_cv_distribution
from mlcrystal.seeding import int_seed

__all__ = ["REPRESENTATIONS_CV_FILE", "load_representation_scores", "representation_models",
           "compare_representations", "identical_in_training"]

#: File name (in the package's ``data`` folder) of the stored comparison of
#: chapter 4, written by :func:`compare_representations` (chapter 4 shows the call).
REPRESENTATIONS_CV_FILE = "representations_cv.csv"


def _read_scores(path: str | os.PathLike[str] | None, name: str) -> tuple[pd.DataFrame, str]:
    """A stored score table: ``path``, or the package's ``mlcrystal/data/<name>`` (zip-safe)."""
    if path is None:
        with package_file(name).open("rb") as fh:
            return pd.read_csv(fh), f"mlcrystal/data/{name}"
    return pd.read_csv(Path(path)), str(path)


def load_representation_scores(path=None) -> pd.DataFrame:
    """The stored repeated grouped CV of four representations x two models (chapter 4).

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
    scores, path = _read_scores(path, REPRESENTATIONS_CV_FILE)
    need = ["representation", "repeat", "scheme", "model", "r2", "mae"]
    missing = [c for c in need if c not in scores.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; regenerate it with compare_representations().")
    return scores


def representation_models(*, random_state=0, n_jobs: int | None = None) -> dict:
    """The linear and the non-linear model of chapter 4, unfitted.

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
        passes groups, see :func:`~mlcrystal.rules.partitions.with_grouped_inner_cv`; ``tol=1e-3`` keeps
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
        :func:`mlcrystal.rules.fingerprints.representations`.
    y : array-like
    groups : dict
        Scheme name -> group labels (or ``None`` for shuffled rows), as in
        :func:`~mlcrystal.rules.partitions.grouped_cv_distribution`.
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
        :func:`~mlcrystal.rules.partitions.grouped_cv_distribution`'s columns plus ``representation`` first.

    Examples
    --------
    >>> from sklearn.linear_model import Lasso
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
