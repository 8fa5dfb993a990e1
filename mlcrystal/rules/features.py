"""Substructure vectorization: RDKit fragment counts and correlation pruning.

The study turned every SMILES into the 85 RDKit fragment counts (the
``fr_*`` descriptors of :data:`rdkit.Chem.Descriptors.descList`), removed 14
highly inter-correlated columns by hand (:data:`mlcrystal.study.DROPPED_FRAGMENTS`) and
then every column that is zero for all molecules.  :func:`paper_design_matrix`
does exactly that; :func:`prune_correlated` is a reproducible, rule-based
alternative to the hand-made list.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from rdkit import Chem, rdBase
from rdkit.Chem import Descriptors, Draw, Fragments

from mlcrystal.study import DROPPED_FRAGMENTS

__all__ = ["fragment_names", "fragment_smarts", "fragment_descriptions", "counts_table", "fragment_counts",
           "drop_constant", "paper_design_matrix", "prune_correlated", "max_correlation_with",
           "max_pairwise_correlation", "correlation_with_target", "fragment_matches", "NH2_CLASSES",
           "HDRZINE_CLASSES", "AROMATIC_CARBONYL", "classify_matches", "smarts_counts", "draw_fragments"]


def _fragment_functions() -> list[tuple[str, Callable[[Chem.Mol], int]]]:
    return [(name, fn) for name, fn in Descriptors.descList if name.startswith("fr_")]


def fragment_names() -> list[str]:
    """Names of RDKit's fragment-count descriptors, in RDKit's order.

    Returns
    -------
    list of str
        The ``fr_*`` entries of :data:`rdkit.Chem.Descriptors.descList`
        (85 with RDKit 2024-2026).

    Examples
    --------
    >>> names = fragment_names()
    >>> len(names), names[0]
    (85, 'fr_Al_COO')
    """
    return [name for name, _ in _fragment_functions()]


def _fragment_table() -> dict[str, tuple[str, str]]:
    """Name -> (description, SMARTS), read from RDKit's ``FragmentDescriptors.csv``."""
    out = {}
    with open(Fragments.defaultPatternFileName) as fh:
        for row in csv.reader((line for line in fh if line.strip() and not line.startswith("#")),
                              delimiter="\t"):
            if len(row) >= 3:
                out[row[0].replace("=", "_").replace("-", "_")] = (row[1], row[2])
    return out


def fragment_smarts() -> dict[str, str]:
    """The SMARTS pattern behind every fragment count.

    Read from RDKit's ``FragmentDescriptors.csv``, the file that
    :mod:`rdkit.Chem.Fragments` compiles into the ``fr_*`` functions
    (names are converted the same way: ``=`` and ``-`` become ``_``).

    Returns
    -------
    dict
        Fragment name -> SMARTS string.

    Examples
    --------
    >>> fragment_smarts()["fr_benzene"]
    'c1ccccc1'
    """
    return {name: smarts for name, (_, smarts) in _fragment_table().items()}


def fragment_descriptions() -> dict[str, str]:
    """RDKit's one-line description of every fragment count (from the same file as :func:`fragment_smarts`).

    The description is RDKit's name for the pattern, not what it matches: read
    the SMARTS too (``fr_NH2`` is described as primary amines but counts every NH2).

    Returns
    -------
    dict
        Fragment name -> description.

    Examples
    --------
    >>> fragment_descriptions()["fr_Al_OH"]
    'Number of aliphatic hydroxyl groups'
    """
    return {name: text for name, (text, _) in _fragment_table().items()}


def counts_table(smiles: Sequence[str], labels: Sequence[str] | None = None,
                 kept: Sequence[str] | None = None) -> pd.DataFrame:
    """The non-zero fragment counts of a few molecules, one row per fragment, to read.

    Parameters
    ----------
    smiles : sequence of str
        The molecules (a co-crystal as one dot-separated SMILES).
    labels : sequence of str, optional
        A name per molecule for the column headers (default: the SMILES).
    kept : sequence of str, optional
        The columns of a design matrix (e.g. the study's); adds ``in_matrix``
        saying whether each fragment is one of them.

    Returns
    -------
    pandas.DataFrame
        One row per fragment with a non-zero count in at least one molecule,
        in RDKit's order: ``fragment, description`` (RDKit's), ``in_matrix``
        (with ``kept``), then one integer column per molecule.

    Raises
    ------
    ValueError
        A SMILES cannot be parsed (its position is named), labels do not
        match the molecules, or two molecules share a label.

    Examples
    --------
    >>> t = counts_table(["CC(=O)Oc1ccccc1C(=O)O"], ["aspirin"], kept=["fr_benzene", "fr_ester"])
    >>> t[t.in_matrix][["fragment", "aspirin"]].values.tolist()
    [['fr_benzene', 1], ['fr_ester', 1]]
    """
    smiles = _as_smiles_list(smiles)
    names = list(smiles) if labels is None else [str(x) for x in labels]
    if len(names) != len(smiles):
        raise ValueError(f"{len(names)} labels for {len(smiles)} molecules; give one label per SMILES.")
    if len(set(names)) != len(names):
        raise ValueError(f"labels {names} repeat a name; give each molecule its own label.")
    counts = fragment_counts(smiles)
    counts.index = names
    present = counts.loc[:, (counts > 0).any(axis=0)].T
    desc = fragment_descriptions()
    out = pd.DataFrame({"fragment": present.index, "description": [desc.get(f, "") for f in present.index]})
    if kept is not None:
        out["in_matrix"] = [f in set(kept) for f in present.index]
    for name in names:
        out[name] = present[name].to_numpy()
    return out


def _as_smiles_list(smiles: Iterable[str] | str) -> list[str]:
    if isinstance(smiles, str):
        raise ValueError(
            f"expected a sequence of SMILES strings, got a single string {smiles!r}; "
            "wrap it in a list: fragment_counts([smiles])."
        )
    try:
        items = list(smiles)
    except TypeError:
        raise ValueError(
            f"expected a sequence of SMILES strings, got {type(smiles).__name__}; "
            "pass a list or a pandas Series of strings."
        ) from None
    return items


def fragment_counts(smiles: Iterable[str]) -> pd.DataFrame:
    """Count RDKit's 85 fragment substructures in each molecule.

    Parameters
    ----------
    smiles : sequence of str
        SMILES strings; multi-component SMILES (joined with ``.``) are
        counted as one entry, as in the study.

    Returns
    -------
    pandas.DataFrame
        One row per input (same index as ``smiles`` when it is a Series),
        one integer column per fragment, named as in RDKit.

    Raises
    ------
    ValueError
        An entry is not a string or RDKit cannot parse it; the message names
        its position in the input and the string.

    Examples
    --------
    >>> X = fragment_counts(["CC(=O)Oc1ccccc1C(=O)O"])
    >>> X.shape
    (1, 85)
    >>> X.loc[0, ["fr_benzene", "fr_COO", "fr_ester"]].tolist()
    [1, 1, 1]
    """
    mols, index = _parse_molecules(smiles)
    fns = _fragment_functions()
    rows = [[fn(mol) for _, fn in fns] for mol in mols]
    return pd.DataFrame(np.array(rows, dtype=int).reshape(len(mols), len(fns)),
                        index=index, columns=[name for name, _ in fns])


def drop_constant(X: pd.DataFrame) -> pd.DataFrame:
    """Remove the columns that are zero for every row.

    Parameters
    ----------
    X : pandas.DataFrame
        Fragment counts.

    Returns
    -------
    pandas.DataFrame
        ``X`` without its all-zero columns.

    Examples
    --------
    >>> drop_constant(pd.DataFrame({"a": [0, 0], "b": [1, 0]})).columns.tolist()
    ['b']
    """
    _require_frame(X)
    return X.loc[:, (X != 0).any(axis=0)]


def paper_design_matrix(data: pd.DataFrame | Sequence[str], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Build the study's design matrix: fragment counts, minus 14, minus all-zero.

    Parameters
    ----------
    data : pandas.DataFrame or sequence of str
        A table with a ``smiles`` column (as from
        :func:`mlcrystal.datasets.load_youngs_modulus`), or SMILES strings.
    columns : sequence of str, optional
        Keep exactly these columns, in this order, instead of dropping the
        all-zero ones.  Pass ``X_train.columns`` to score new molecules with
        the columns of an existing design matrix.

    Returns
    -------
    pandas.DataFrame
        Raw integer counts (no scaling), one row per molecule.  On the
        study's 393 rows: 46 columns with RDKit 2026.09 (45 in the study,
        RDKit 2024.3.5).

    Examples
    --------
    >>> X = paper_design_matrix(["c1ccccc1O", "OCC(=O)O"])
    >>> X.columns.tolist()
    ['fr_Al_OH', 'fr_Ar_OH', 'fr_COO', 'fr_C_O', 'fr_benzene', 'fr_para_hydroxylation']
    >>> paper_design_matrix(["c1ccccc1Cl"], columns=X.columns).iloc[0].tolist()
    [0, 0, 0, 0, 1, 0]
    """
    if isinstance(data, pd.DataFrame):
        if "smiles" not in data.columns:
            raise ValueError(
                f"expected a table with a 'smiles' column, got columns {list(data.columns)}; "
                "load it with mlcrystal.datasets.load_youngs_modulus() or pass SMILES strings."
            )
        smiles = data["smiles"]
    else:
        smiles = data
    counts = fragment_counts(smiles)
    if columns is not None:
        columns = list(columns)
        unknown = [c for c in columns if c not in counts.columns]
        if unknown:
            raise ValueError(
                f"unknown fragment column(s) {unknown}; expected names from fragment_names(), "
                "e.g. 'fr_benzene'."
            )
        return counts[columns]
    return drop_constant(counts.drop(columns=list(DROPPED_FRAGMENTS)))


def _require_frame(X) -> None:
    if not isinstance(X, pd.DataFrame):
        raise ValueError(
            f"expected a pandas DataFrame of features, got {type(X).__name__}; "
            "build one with fragment_counts() or wrap your array in pd.DataFrame(...)."
        )


def prune_correlated(X: pd.DataFrame, threshold: float = 0.7) -> tuple[list[str], pd.DataFrame]:
    """Drop columns until no two kept columns correlate above a threshold.

    A greedy, reproducible rule: columns are visited in order of decreasing
    number of non-zero entries (ties: original order), and a column is kept
    only if its absolute Pearson correlation with every column kept so far
    is below ``threshold``.  Constant columns are dropped first.

    Parameters
    ----------
    X : pandas.DataFrame
        Features (for instance fragment counts).
    threshold : float, default 0.7
        Largest allowed absolute correlation between kept columns, in (0, 1].

    Returns
    -------
    kept : list of str
        Kept columns, in the order of ``X``.
    dropped : pandas.DataFrame
        One row per dropped column: ``column``, ``partner`` (the kept column
        it correlates with most, empty for constant columns), ``abs_r`` and
        ``reason``.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 5], "c": [1, 0, 1, 0]})
    >>> kept, dropped = prune_correlated(X, threshold=0.9)
    >>> kept, dropped.column.tolist()
    (['a', 'c'], ['b'])
    """
    _require_frame(X)
    if not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise ValueError(f"threshold must be a number in (0, 1], got {threshold!r}; a common choice is 0.7.")
    rows = []
    constant = [c for c in X.columns if X[c].nunique(dropna=True) <= 1]
    for c in constant:
        rows.append({"column": c, "partner": "", "abs_r": np.nan, "reason": "constant"})
    candidates = [c for c in X.columns if c not in constant]
    corr = X[candidates].astype(float).corr().abs()
    nonzero = (X[candidates] != 0).sum()
    order = sorted(candidates, key=lambda c: (-int(nonzero[c]), candidates.index(c)))
    kept: list[str] = []
    for c in order:
        if kept:
            r = corr.loc[c, kept]
            if r.max() >= threshold:
                rows.append({"column": c, "partner": r.idxmax(), "abs_r": float(r.max()),
                             "reason": f"|r| >= {threshold}"})
                continue
        kept.append(c)
    kept_in_order = [c for c in X.columns if c in kept]
    dropped = pd.DataFrame(rows, columns=["column", "partner", "abs_r", "reason"])
    return kept_in_order, dropped


def max_correlation_with(X: pd.DataFrame, columns: Sequence[str], among: Sequence[str]) -> pd.DataFrame:
    """For each of ``columns``, its strongest absolute correlation with ``among``.

    Parameters
    ----------
    X : pandas.DataFrame
        Features holding both sets of columns.
    columns, among : sequence of str
        Columns to describe and the columns to compare them with.

    Returns
    -------
    pandas.DataFrame
        ``column, partner, abs_r`` sorted by decreasing ``abs_r``; columns that
        are constant have ``abs_r`` NaN.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 4], "c": [3, 1, 2]})
    >>> max_correlation_with(X, ["b"], ["a", "c"]).partner.tolist()
    ['a']
    """
    _require_frame(X)
    missing = [c for c in [*columns, *among] if c not in X.columns]
    if missing:
        raise ValueError(f"column(s) {missing} are not in X; available: {list(X.columns)}.")
    corr = X.astype(float).corr().abs()
    rows = []
    for c in columns:
        others = [a for a in among if a != c]
        r = corr.loc[c, others].dropna()
        if r.empty:
            rows.append({"column": c, "partner": "", "abs_r": np.nan})
        else:
            rows.append({"column": c, "partner": r.idxmax(), "abs_r": float(r.max())})
    return (pd.DataFrame(rows, columns=["column", "partner", "abs_r"])
            .sort_values("abs_r", ascending=False, kind="stable").reset_index(drop=True))


def max_pairwise_correlation(X: pd.DataFrame) -> tuple[str, str, float]:
    """The most correlated pair of distinct columns of ``X``.

    Parameters
    ----------
    X : pandas.DataFrame
        Features.

    Returns
    -------
    tuple
        ``(column_a, column_b, abs_r)``.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 4], "c": [3, 1, 2]})
    >>> a, b, r = max_pairwise_correlation(X)
    >>> (a, b, round(r, 3))
    ('a', 'b', 0.982)
    """
    _require_frame(X)
    if X.shape[1] < 2:
        raise ValueError(f"need at least 2 columns to correlate, got {X.shape[1]}.")
    corr = X.astype(float).corr().abs().to_numpy(copy=True)
    np.fill_diagonal(corr, np.nan)
    if np.all(np.isnan(corr)):
        raise ValueError("every column is constant; no correlation can be computed.")
    i, j = np.unravel_index(np.nanargmax(corr), corr.shape)
    return X.columns[i], X.columns[j], float(corr[i, j])


def correlation_with_target(X: pd.DataFrame, y: ArrayLike) -> pd.Series:
    """Pearson correlation of each column with the target.

    Parameters
    ----------
    X : pandas.DataFrame
        Features.
    y : array-like of float
        Target, same length as ``X``.

    Returns
    -------
    pandas.Series
        One value per column, sorted from most positive to most negative.

    Examples
    --------
    >>> X = pd.DataFrame({"up": [1, 2, 3], "down": [3, 2, 0]})
    >>> correlation_with_target(X, [1.0, 2.0, 3.0]).round(3).to_dict()
    {'up': 1.0, 'down': -0.982}
    """
    _require_frame(X)
    target = np.asarray(y, dtype=float)
    if target.shape != (len(X),):
        raise ValueError(f"y must be 1-D with {len(X)} values (one per row of X), got shape {target.shape}.")
    r = X.astype(float).corrwith(pd.Series(target, index=X.index))
    return r.sort_values(ascending=False, kind="stable")


def fragment_matches(smiles: str, fragment: str) -> list[tuple[int, ...]]:
    """Atom indices of each match of one RDKit fragment in one molecule.

    Parameters
    ----------
    smiles : str
        A SMILES string.
    fragment : str
        A fragment name such as ``"fr_benzene"``.

    Returns
    -------
    list of tuple of int
        One tuple of atom indices per (unique) match; its length is the count.

    Examples
    --------
    >>> fragment_matches("CC(=O)Oc1ccccc1C(=O)O", "fr_benzene")
    [(4, 5, 6, 7, 8, 9)]
    """
    smarts = fragment_smarts()
    if fragment not in smarts:
        raise ValueError(f"unknown fragment {fragment!r}; expected a name from fragment_names(), e.g. 'fr_benzene'.")
    mol = Chem.MolFromSmiles(smiles) if isinstance(smiles, str) else None
    if mol is None:
        raise ValueError(f"SMILES {smiles!r} could not be parsed by RDKit; correct the string.")
    return [tuple(m) for m in mol.GetSubstructMatches(Chem.MolFromSmarts(smarts[fragment]), uniquify=True)]


# --------------------------------------------------------------------------
# what a fragment pattern really matches
# --------------------------------------------------------------------------

#: Chemical classes of the groups that ``fr_NH2`` (SMARTS ``[NH2,nH2]``: any
#: nitrogen with two hydrogens) matches, tried in this order by
#: :func:`classify_matches`; a match in none of them is ``"other"``.
NH2_CLASSES = {
    "aromatic amine (NH2 on an aromatic ring, e.g. aniline)": "[NX3;H2]-a",
    "primary aliphatic amine (NH2 on an sp3 carbon)": "[NX3;H2;+0]-[CX4]",
    "amide, urea, thioamide or amidine NH2": "[NX3;H2]-[CX3]=[O,S,N]",
    "sulfonamide NH2": "[NX3;H2]-S(=O)=O",
    "hydrazine or hydrazide NH2": "[NX3;H2]-[#7]",
}

#: Chemical classes of the N-N bonds that ``fr_hdrzine`` (SMARTS ``[NX3]-[NX3]``)
#: matches: the nitrogen of a charge-separated nitro group is also
#: three-connected, so every N-NO2 group (nitramine) counts as a "hydrazine".
HDRZINE_CLASSES = {
    "nitramine (N-NO2)": "[NX3]-[$([NX3+](=O)[O-]),$([NX3](=O)=O)]",
    "hydrazide or acylhydrazine (N-N-C=O)": "[NX3]-[NX3]-C=O",
    "hydrazine (N-N, no carbonyl)": "[NX3]-[NX3]",
}

#: SMARTS of carbonyl groups with an aromatic carbon (pyridones, pyrimidinediones
#: such as caffeine, uric acid): RDKit writes them ``c(=O)``, and patterns that
#: ask for an aliphatic ``C`` (``fr_C_O``, ``fr_amide``, ``fr_urea``...) miss them.
AROMATIC_CARBONYL = "[c]=[OX1]"


def _mol(smi: object, label: object) -> Chem.Mol:
    mol = Chem.MolFromSmiles(smi) if isinstance(smi, str) and smi.strip() else None
    if mol is None:
        raise ValueError(f"SMILES in row {label!r} ({smi!r}) could not be parsed by RDKit; "
                         "correct the string (check brackets, ring closures and valences).")
    return mol


def _compile(patterns: Mapping[str, str]) -> dict[str, Chem.Mol]:
    if not isinstance(patterns, Mapping) or not patterns:
        raise ValueError(f"expected a non-empty mapping name -> SMARTS; got {patterns!r}.")
    out = {}
    for name, smarts in patterns.items():
        q = Chem.MolFromSmarts(smarts) if isinstance(smarts, str) else None
        if q is None:
            raise ValueError(f"SMARTS {smarts!r} for {name!r} could not be parsed by RDKit; correct the pattern.")
        out[name] = q
    return out


def classify_matches(smiles: Iterable[str], fragment: str, classes: Mapping[str, str],
                     other: str = "other") -> pd.DataFrame:
    """Sort every match of an RDKit fragment pattern into chemical classes.

    A match belongs to the first class whose SMARTS has a match containing
    all of its atoms; a match in no class is labelled ``other``.  This shows
    what a count stands for in a data set: ``fr_NH2`` counts anilines and
    amide NH2 groups as well as primary amines (:data:`NH2_CLASSES`), and
    ``fr_hdrzine`` counts nitramines (:data:`HDRZINE_CLASSES`).

    Parameters
    ----------
    smiles : sequence of str
        SMILES strings (a pandas Series keeps its index as ``row``).
    fragment : str
        A fragment name of :func:`fragment_names`, e.g. ``"fr_NH2"``.
    classes : mapping of str to str
        Class name -> SMARTS, tried in order.
    other : str, default "other"
        Label of matches in no class.

    Returns
    -------
    pandas.DataFrame
        One row per match (so its length is the column sum of the fragment
        count): ``row`` (index label of the molecule), ``atoms`` (matched atom
        indices) and ``class``.

    Raises
    ------
    ValueError
        An unknown fragment, an unparsable SMILES (the message names its
        row) or SMARTS.

    Examples
    --------
    >>> m = classify_matches(["Nc1ccc(CN)cc1", "NC(=O)c1ccccc1"], "fr_NH2", NH2_CLASSES)
    >>> [c.split(" (")[0] for c in m["class"]]
    ['aromatic amine', 'primary aliphatic amine', 'amide, urea, thioamide or amidine NH2']
    >>> classify_matches(["CN([N+](=O)[O-])C"], "fr_hdrzine", HDRZINE_CLASSES)["class"].tolist()
    ['nitramine (N-NO2)']
    """
    smarts = fragment_smarts()
    if fragment not in smarts:
        raise ValueError(f"unknown fragment {fragment!r}; expected a name from fragment_names(), e.g. 'fr_NH2'.")
    pattern = Chem.MolFromSmarts(smarts[fragment])
    queries = _compile(classes)
    items = _as_smiles_list(smiles)
    labels = list(smiles.index) if isinstance(smiles, pd.Series) else list(range(len(items)))
    rows = []
    for label, smi in zip(labels, items, strict=True):
        mol = _mol(smi, label)
        found = {name: [set(m) for m in mol.GetSubstructMatches(q, uniquify=True)] for name, q in queries.items()}
        for match in mol.GetSubstructMatches(pattern, uniquify=True):
            cls = next((name for name, ms in found.items() if any(set(match) <= m for m in ms)), other)
            rows.append({"row": label, "atoms": tuple(match), "class": cls})
    return pd.DataFrame(rows, columns=["row", "atoms", "class"])


def smarts_counts(smiles: Iterable[str], patterns: Mapping[str, str]) -> pd.DataFrame:
    """Count unique matches of named SMARTS patterns in each molecule, as RDKit's fragments do.

    Parameters
    ----------
    smiles : sequence of str
        SMILES strings (a pandas Series keeps its index).
    patterns : mapping of str to str
        Column name -> SMARTS.

    Returns
    -------
    pandas.DataFrame
        One integer column per pattern, one row per molecule.

    Examples
    --------
    >>> caffeine = "CN1C=NC2=C1C(=O)N(C(=O)N2C)C"
    >>> smarts_counts([caffeine], {"aromatic C=O": AROMATIC_CARBONYL, "any C=O": "[#6]=[OX1]"}).iloc[0].tolist()
    [2, 2]
    >>> int(fragment_counts([caffeine]).fr_C_O.iloc[0])  # RDKit reads the ring as aromatic: no 'C=O' for fr_C_O
    0
    """
    queries = _compile(patterns)
    items = _as_smiles_list(smiles)
    index = smiles.index if isinstance(smiles, pd.Series) else pd.RangeIndex(len(items))
    rows = []
    for label, smi in zip(index, items, strict=True):
        mol = _mol(smi, label)
        rows.append([len(mol.GetSubstructMatches(q, uniquify=True)) for q in queries.values()])
    return pd.DataFrame(np.array(rows, dtype=int).reshape(len(items), len(queries)), index=index,
                        columns=list(queries))


def draw_fragments(smiles: Sequence[str], fragments: Sequence[str], legends: Sequence[str] | None = None,
                   mols_per_row: int = 2, size: tuple[int, int] = (300, 240)):
    """Draw molecules with the atoms of the given fragments highlighted.

    Parameters
    ----------
    smiles : sequence of str
        Molecules to draw.
    fragments : sequence of str
        One fragment name per molecule (``"fr_nitro"``...), whose matches
        are highlighted.
    legends : sequence of str, optional
        Captions under the molecules; default ``"<fragment>: <count>"``.
    mols_per_row : int, default 2
        Two 300 px panels per row keep the legends legible when the page
        shrinks the image to a phone's width (about 360 px).
    size : (int, int)
        Size of each panel in pixels.

    Returns
    -------
    PIL.Image.Image
        A static PNG image (rendered as such in the book).

    Examples
    --------
    >>> img = draw_fragments(["CC(=O)Oc1ccccc1C(=O)O"], ["fr_ester"])
    >>> img.size
    (300, 240)
    """
    smiles, fragments = list(smiles), list(fragments)
    if len(smiles) != len(fragments) or not smiles:
        raise ValueError(f"need one fragment per molecule, got {len(smiles)} SMILES and {len(fragments)} fragments.")
    mols, atoms, labels = [], [], []
    for smi, frag in zip(smiles, fragments, strict=True):
        matches = fragment_matches(smi, frag)
        mols.append(Chem.MolFromSmiles(smi))
        atoms.append(sorted({a for m in matches for a in m}))
        labels.append(f"{frag}: {len(matches)}")
    if legends is not None:
        labels = list(legends)
        if len(labels) != len(smiles):
            raise ValueError(f"need one legend per molecule, got {len(labels)} for {len(smiles)} molecules.")
    return Draw.MolsToGridImage(mols, molsPerRow=min(mols_per_row, len(mols)), subImgSize=size, legends=labels,
                                highlightAtomLists=atoms, useSVG=False)


# ---------------------------------------------------------------------------


def _parse_molecules(smiles: Iterable[str] | str) -> tuple[list[Chem.Mol], pd.Index]:
    """Parse SMILES, refusing (by position) empty, non-string and unparsable entries; RDKit's own log is muted."""
    items = _as_smiles_list(smiles)
    index = smiles.index if isinstance(smiles, pd.Series) else pd.RangeIndex(len(items))
    mols = []
    with rdBase.BlockLogs():
        for i, smi in enumerate(items):
            if not isinstance(smi, str) or not smi.strip():
                raise ValueError(
                    f"SMILES at position {i} is {smi!r}; expected a non-empty SMILES string. "
                    "Fill in or remove that row."
                )
            mol = Chem.MolFromSmiles(smi)
            if mol is None:
                raise ValueError(
                    f"SMILES at position {i} ({smi!r}) could not be parsed by RDKit; "
                    "correct the string (check brackets, ring closures and valences)."
                )
            mols.append(mol)
    return mols, index
