"""Chemical families defined by substructure, and leave-one-family-out refits.

Leaving one *paper* out cannot show that a rule rests on one *kind* of
molecule: sugars, energetic materials or amino acids are measured in many
papers.  Here a family is a set of SMARTS conditions on the whole molecule
(all components of a co-crystal or salt together), each with a minimum and
optionally a maximum number of matches; :data:`CHEMICAL_FAMILIES` states them.
A row may belong to several families or to none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from rdkit import Chem, rdBase
from sklearn.linear_model import Lasso

from mlcrystal import study
from mlcrystal.seeding import check_random_state

__all__ = ["CHEMICAL_FAMILIES", "family_membership", "leave_one_family_out", "family_summary",
           "random_carrier_removal"]

_NITRO = "[$([NX3+](=O)[O-]),$([NX3](=O)=O)]"

#: Family name -> list of ``(SMARTS, minimum matches, maximum matches or None)``;
#: a molecule belongs when every condition holds (unique matches, whole molecule).
CHEMICAL_FAMILIES: Mapping[str, list[tuple[str, int, int | None]]] = {
    # three or more OH on sp3 carbons: sugars, sugar alcohols, inositols
    "sugars and polyols": [("[CX4][OX2H]", 3, None)],
    # two or more OH on sp3 carbons: the same plus diols (a looser cut of the family above)
    "diols and polyols": [("[CX4][OX2H]", 2, None)],
    # two or more nitro groups (C-, N- or O-nitro): TNT, RDX, HMX, CL-20, FOX-7, PETN ...
    "multi-nitro energetics": [(_NITRO, 2, None)],
    # two or more halogen atoms
    "polyhalogenated": [("[F,Cl,Br,I]", 2, None)],
    # an alpha-amino acid (neutral or zwitterion), amide N excluded
    "amino acids": [("[NX3,NX4+;!$(N-C=O)][CX4][CX3](=O)[OX2H,OX1-]", 1, None)],
    # NH2 on an aromatic ring
    "aromatic amines": [("[NX3;H2]-a", 1, None)],
    # NH2 of amides and ureas
    "primary amides and ureas": [("[NX3;H2]-[CX3]=[OX1]", 1, None)],
    # carboxylic acids (neutral or carboxylate) on an aromatic ring
    "aromatic carboxylic acids": [("a-[CX3](=O)[OX2H,OX1-]", 1, None)],
    # two or more OH on aromatic rings: resorcinols, catechols, hydroquinones and their co-crystals
    "polyphenols": [("c[OX2H]", 2, None)],
    # hydrocarbons with two or more benzene rings (no heteroatom at all)
    "polycyclic aromatic hydrocarbons": [("c1ccccc1", 2, None), ("[!#6;!#1]", 0, 0)],
    # ortho-hydroxy aryl imines: salicylideneamines (the study's chapter-4 scaffold)
    "salicylideneamines": [("[OX2H]c:c[CX3]=[NX2]", 1, None)],
    # aryl azo compounds (azobenzenes)
    "azobenzenes": [("c[NX2]=[NX2]c", 1, None)],
}


def _compiled(families: Mapping[str, list[tuple[str, int, int | None]]]) -> dict:
    out = {}
    for name, conds in families.items():
        if not conds:
            raise ValueError(f"family {name!r} has no condition; give at least one (SMARTS, min, max).")
        comp = []
        for smarts, lo, hi in conds:
            patt = Chem.MolFromSmarts(smarts)
            if patt is None:
                raise ValueError(f"family {name!r}: SMARTS {smarts!r} cannot be parsed; correct the pattern.")
            if lo < 0 or (hi is not None and hi < lo):
                raise ValueError(f"family {name!r}: bounds ({lo}, {hi}) of {smarts!r} are not a valid range.")
            comp.append((patt, lo, hi))
        out[name] = comp
    return out


def family_membership(smiles: Iterable[str], families: Mapping[str, list[tuple[str, int, int | None]]] | None = None
                      ) -> pd.DataFrame:
    """Which family each molecule belongs to.

    Parameters
    ----------
    smiles : sequence of str
        One SMILES per row (a pandas Series keeps its index).
    families : mapping, optional
        Name -> conditions, default :data:`CHEMICAL_FAMILIES`.

    Returns
    -------
    pandas.DataFrame
        Boolean, one row per SMILES and one column per family.

    Examples
    --------
    >>> m = family_membership(["OCC(O)C(O)CO", "Cc1c(cc(cc1[N+](=O)[O-])[N+](=O)[O-])[N+](=O)[O-]", "NCC(=O)O"])
    >>> m[["sugars and polyols", "multi-nitro energetics", "amino acids"]].to_numpy().astype(int).tolist()
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    """
    comp = _compiled(CHEMICAL_FAMILIES if families is None else families)
    index = smiles.index if isinstance(smiles, pd.Series) else None
    smiles = list(smiles)
    rows = []
    for i, smi in enumerate(smiles):
        with rdBase.BlockLogs():
            mol = Chem.MolFromSmiles(str(smi))
        if mol is None:
            raise ValueError(f"SMILES at position {i} ({smi!r}) could not be parsed by RDKit; correct the string.")
        row = {}
        for name, conds in comp.items():
            ok = True
            for patt, lo, hi in conds:
                n = len(mol.GetSubstructMatches(patt, uniquify=True))
                ok = ok and n >= lo and (hi is None or n <= hi)
            row[name] = ok
        rows.append(row)
    return pd.DataFrame(rows, index=index, columns=list(comp))


def leave_one_family_out(X: pd.DataFrame, y, membership: pd.DataFrame, reference: pd.Series, *,
                         alpha: float = study.LASSO_RESULT["alpha"], max_iter: int = study.LASSO_MAX_ITER,
                         papers=None) -> pd.DataFrame:
    """Refit the fixed-alpha LASSO without each family and follow every rule.

    Parameters
    ----------
    X : pandas.DataFrame
        Raw fragment counts.
    y : array-like
    membership : pandas.DataFrame
        From :func:`family_membership` (same rows as ``X``, in order).
    reference : pandas.Series
        The rules (fragment -> coefficient; its sign states the rule).
    alpha : float
    max_iter : int
    papers : array-like, optional
        Paper labels, to report how many papers each family spans.

    Returns
    -------
    pandas.DataFrame
        One row per family and rule: ``family, n_rows, n_papers, feature,
        carriers, carriers_in_family, coefficient_all, coefficient_without,
        zeroed, sign_flipped`` (``zeroed``: non-zero on all rows, zero without
        the family; ``carriers``: rows with a non-zero count of the feature).

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0, 1] * 10, "b": [0] * 16 + [1] * 4})
    >>> y = 2.0 * X.a + 5.0 * X.b
    >>> fam = pd.DataFrame({"f": [False] * 16 + [True] * 4})
    >>> r = leave_one_family_out(X, y, fam, pd.Series({"a": 2.0, "b": 5.0}), alpha=0.01)
    >>> r[r.zeroed].feature.tolist()
    ['b']
    """
    if not isinstance(membership, pd.DataFrame) or len(membership) != len(X):
        raise ValueError(f"membership must be a DataFrame with one row per row of X ({len(X)}); "
                         "build it with family_membership(df.smiles).")
    yv = np.asarray(y, dtype=float)
    if yv.shape != (len(X),):
        raise ValueError(f"y needs one value per row of X ({len(X)}), got shape {yv.shape}.")
    unknown = [f for f in reference.index if f not in X.columns]
    if unknown:
        raise ValueError(f"rule(s) {unknown} are not columns of X.")
    Xv = X.to_numpy(dtype=float)
    full = pd.Series(Lasso(alpha=alpha, max_iter=max_iter).fit(Xv, yv).coef_, index=X.columns)
    pap = None if papers is None else np.asarray(papers).astype(str)
    rows = []
    for fam in membership.columns:
        inside = membership[fam].to_numpy(dtype=bool)
        if not inside.any() or inside.all():
            continue
        without = pd.Series(Lasso(alpha=alpha, max_iter=max_iter).fit(Xv[~inside], yv[~inside]).coef_,
                            index=X.columns)
        for f in reference.index:
            carriers = X[f].to_numpy() > 0
            a, w = float(full[f]), float(without[f])
            rows.append({"family": fam, "n_rows": int(inside.sum()),
                         "n_papers": np.nan if pap is None else len(np.unique(pap[inside])),
                         "feature": f, "carriers": int(carriers.sum()),
                         "carriers_in_family": int((carriers & inside).sum()),
                         "coefficient_all": a, "coefficient_without": w,
                         "zeroed": a != 0 and w == 0, "sign_flipped": a * w < 0})
    return pd.DataFrame(rows, columns=["family", "n_rows", "n_papers", "feature", "carriers", "carriers_in_family",
                                       "coefficient_all", "coefficient_without", "zeroed", "sign_flipped"])


def family_summary(lofo: pd.DataFrame) -> pd.DataFrame:
    """Per rule: the families whose removal zeroes or flips it.

    Parameters
    ----------
    lofo : pandas.DataFrame
        From :func:`leave_one_family_out`.

    Returns
    -------
    pandas.DataFrame
        Indexed by feature: ``coefficient`` (all rows), ``min_without``,
        ``max_without``, ``n_families_zeroing``, ``zeroed_by`` (``"; "``-separated,
        with the share of the rule's carriers inside each family).

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0, 1] * 10, "b": [0] * 16 + [1] * 4})
    >>> fam = pd.DataFrame({"f": [False] * 16 + [True] * 4})
    >>> lofo = leave_one_family_out(X, 2.0 * X.a + 5.0 * X.b, fam, pd.Series({"a": 2.0, "b": 5.0}), alpha=0.01)
    >>> family_summary(lofo).loc["b", "zeroed_by"]
    'f (4 of 4 carriers)'
    """
    rows = []
    for f, d in lofo.groupby("feature", sort=False):
        bad = d[d.zeroed | d.sign_flipped]
        rows.append({"feature": f, "coefficient": float(d.coefficient_all.iloc[0]),
                     "min_without": float(d.coefficient_without.min()),
                     "max_without": float(d.coefficient_without.max()),
                     "n_families_zeroing": len(bad),
                     "zeroed_by": "; ".join(f"{r.family} ({r.carriers_in_family} of {r.carriers} carriers)"
                                            for r in bad.itertuples())})
    return pd.DataFrame(rows).set_index("feature")


def random_carrier_removal(X: pd.DataFrame, y, feature: str, n_remove: int, *,
                           alpha: float = study.LASSO_RESULT["alpha"], n_draws: int = 50, random_state=0,
                           max_iter: int = study.LASSO_MAX_ITER) -> pd.DataFrame:
    """The null for a family result: remove ``n_remove`` carriers of ``feature`` at random instead.

    If removing *any* ``n_remove`` of the rule's carriers zeroes it as often as
    removing the family does, the family result says only that the rule has
    too few carriers; if random removals keep it, the family carried it.

    Parameters
    ----------
    X : pandas.DataFrame
    y : array-like
    feature : str
        The rule's column.
    n_remove : int
        How many carrier rows to drop in each draw (e.g. the family's carriers).
    alpha : float
    n_draws : int, default 50
    random_state : None, int or numpy.random.Generator
    max_iter : int

    Returns
    -------
    pandas.DataFrame
        One row per draw: ``draw, coefficient_without, zeroed``.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0, 1] * 20})
    >>> d = random_carrier_removal(X, 2.0 * X.a, "a", 10, alpha=0.01, n_draws=5)
    >>> bool(d.zeroed.any())
    False
    """
    if feature not in X.columns:
        raise ValueError(f"feature {feature!r} is not a column of X.")
    carriers = np.flatnonzero(X[feature].to_numpy() > 0)
    if not 0 < n_remove < len(carriers):
        raise ValueError(f"n_remove must be between 1 and {len(carriers) - 1} (the carriers of {feature}), "
                         f"got {n_remove!r}.")
    rng = check_random_state(random_state)
    Xv, yv = X.to_numpy(dtype=float), np.asarray(y, dtype=float)
    j = X.columns.get_loc(feature)
    rows = []
    for k in range(n_draws):
        drop = rng.choice(carriers, size=n_remove, replace=False)
        keep = np.setdiff1d(np.arange(len(X)), drop)
        c = float(Lasso(alpha=alpha, max_iter=max_iter).fit(Xv[keep], yv[keep]).coef_[j])
        rows.append({"draw": k, "coefficient_without": c, "zeroed": c == 0})
    return pd.DataFrame(rows, columns=["draw", "coefficient_without", "zeroed"])
