"""Chapter 3 over many partitions: the stored table of grouped cross-validation scores."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlcrystal import study
from mlcrystal.rules.curation import curation_keys
from mlcrystal.rules.features import paper_design_matrix
from mlcrystal.rules.lasso import benchmark_models
from mlcrystal.rules.partitions import grouped_cv_distribution
from mlcrystal.rules.representations import _read_scores
from mlcrystal.seeding import int_seed

__all__ = ["CHAPTER3_PARTITIONS_FILE", "check_stored_scores", "chapter3_schemes", "chapter3_partition_scores",
           "save_partition_scores", "load_partition_scores"]

#: File name (in the package's ``data`` folder) of chapter 3's repeated
#: cross-validation, written by :func:`chapter3_partition_scores` and
#: :func:`save_partition_scores` (chapter 3 shows the call).
CHAPTER3_PARTITIONS_FILE = "chapter3_partitions.csv"


def chapter3_schemes(df: pd.DataFrame) -> dict:
    """The three validation schemes of chapter 3, as group labels for
    :func:`~mlcrystal.rules.partitions.grouped_cv_distribution`.

    Parameters
    ----------
    df : pandas.DataFrame
        The Young's-modulus table (``smiles`` and ``doi``).

    Returns
    -------
    dict
        ``"shuffled rows"``: ``None`` (plain shuffled K-fold);
        ``"by structure"``: the standardised structure without stereochemistry
        (:func:`mlcrystal.rules.curation.curation_keys`, so enantiomers, forms and ionisation
        states of one molecule share a fold); ``"by paper"``: the ``paper`` key
        (DOIs of one paper merged, :func:`mlcrystal.rules.curation.paper_of`).

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
    """The repeated cross-validation of chapter 3: :func:`~mlcrystal.rules.lasso.benchmark_models` x
    :func:`chapter3_schemes`.

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
        :func:`~mlcrystal.rules.partitions.grouped_cv_distribution`'s columns.

    Examples
    --------
    >>> from sklearn.dummy import DummyRegressor
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
    """Write a table of :func:`~mlcrystal.rules.partitions.grouped_cv_distribution` with 6 significant digits.

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
    scores, path = _read_scores(path, CHAPTER3_PARTITIONS_FILE)
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
