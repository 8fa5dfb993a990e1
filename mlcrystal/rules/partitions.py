"""Statistics over many partitions: distributions, not single splits.

The checks of chapter 3 return distributions over many partitions, so that every comparison can be quoted
with its spread.  Every random step takes ``random_state``; results do not depend on ``n_jobs``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.linear_model import Lasso
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import GroupKFold, KFold, train_test_split

from mlcrystal.rules.lasso import _check_xy, bootstrap_lasso, paper_alphas
from mlcrystal.seeding import check_random_state, int_seed, spawn

__all__ = ["split_r2_distribution", "percentile_of", "with_grouped_inner_cv", "grouped_cv_distribution",
           "distribution_summary", "paired_difference", "paired_comparison", "leave_one_group_out_influence",
           "influence_summary",
           "bootstrap_selection_frequency", "OneStandardErrorResult", "one_standard_error_alpha"]


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
    >>> from mlcrystal.rules.lasso import standardised_lasso_cv
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
    before scoring, as in :func:`~mlcrystal.rules.lasso.cross_validated_scores`.

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
    >>> from sklearn.dummy import DummyRegressor
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


def paired_comparison(scores: pd.DataFrame, reference: str, value: str = "r2") -> pd.DataFrame:
    """Every model against one reference, repeat by repeat, per grouping scheme (:func:`paired_difference`).

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns ``scheme``, ``repeat``, ``model`` and ``value`` (e.g. a
        representation and model joined into one ``model`` label).
    reference : str
        The model every other one is compared with.
    value : str, default "r2"

    Returns
    -------
    pandas.DataFrame
        Indexed by (``grouped``: the scheme, ``combination``: the model):
        ``median difference``, ``5 %``, ``95 %`` (model minus reference) and
        ``share of repeats better``; schemes in sorted order, models in the
        order they first appear.

    Examples
    --------
    >>> s = pd.DataFrame({"scheme": "by paper", "repeat": [0, 1, 0, 1], "model": ["a", "a", "b", "b"],
    ...                   "r2": [0.1, 0.2, 0.3, 0.1]})
    >>> paired_comparison(s, "a")["share of repeats better"].tolist()
    [0.5]
    """
    if reference not in set(scores.get("model", [])):
        raise ValueError(f"reference {reference!r} is not a model of scores; models are "
                         f"{list(pd.unique(scores['model'])) if 'model' in scores else []}.")
    rows = []
    for other in scores.model.unique():
        if other == reference:
            continue
        d = paired_difference(scores, other, reference, value=value)
        for scheme, r in d.iterrows():
            rows.append({"grouped": scheme, "combination": other, "median difference": r.q50,
                         "5 %": r.q05, "95 %": r.q95, "share of repeats better": r.share_a_better})
    return pd.DataFrame(rows).set_index(["grouped", "combination"]).sort_index(level=0, sort_remaining=False)


def leave_one_group_out_influence(X: pd.DataFrame, y, groups, alpha: float, *, features=None,
                                  max_iter: int = 5000, n_jobs: int | None = None) -> pd.DataFrame:
    """How much each group (paper, compound) moves each LASSO rule.

    Fits ``Lasso(alpha)`` on all rows, then once without each group, and
    records every rule's coefficient each time.  A rule that one group can
    zero rests on that group.

    Parameters
    ----------
    X : pandas.DataFrame
        Raw counts, as in :func:`~mlcrystal.rules.lasso.paper_lasso`.
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
        Default: the study's grid, :func:`~mlcrystal.rules.lasso.paper_alphas` (``np.logspace(-4, 1, 50)``).
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
