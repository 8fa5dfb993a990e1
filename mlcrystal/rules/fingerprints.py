"""Other representations: fingerprints (MACCS, Morgan) and whole-molecule descriptors."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from rdkit import Chem, DataStructs, rdBase
from rdkit.Chem import Descriptors, rdFingerprintGenerator
from rdkit.Chem.rdMolDescriptors import GetMACCSKeysFingerprint

from mlcrystal.rules.features import _as_smiles_list, _parse_molecules, drop_constant, paper_design_matrix

__all__ = ["FINGERPRINT_KINDS", "NONFINITE_POLICIES", "fingerprints", "canonical_smiles", "representations",
           "morgan_bit_environments"]

#: The representations :func:`fingerprints` can compute.
FINGERPRINT_KINDS = ("maccs", "morgan", "descriptors")

#: What :func:`fingerprints` does with non-finite descriptor values.
NONFINITE_POLICIES = ("drop", "keep", "raise")




def _maccs(mols: list[Chem.Mol]) -> tuple[np.ndarray, list[str]]:
    out = np.zeros((len(mols), 167), dtype=int)
    for i, mol in enumerate(mols):
        # GetMACCSKeysFingerprint is what rdkit.Chem.MACCSkeys.GenMACCSKeys is bound to (and it is typed)
        DataStructs.ConvertToNumpyArray(GetMACCSKeysFingerprint(mol), out[i])
    return out, [f"maccs_{k:03d}" for k in range(167)]


def _morgan(mols: list[Chem.Mol], radius: int, n_bits: int) -> tuple[np.ndarray, list[str]]:
    for name, value, low in (("radius", radius, 0), ("n_bits", n_bits, 1)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}; "
                             "the usual ECFP4-like choice is radius=2, n_bits=2048.")
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=int(radius), fpSize=int(n_bits))
    out = np.zeros((len(mols), int(n_bits)), dtype=int)
    for i, mol in enumerate(mols):
        out[i] = gen.GetCountFingerprintAsNumPy(mol)
    width = len(str(int(n_bits) - 1))
    return out, [f"morgan_r{radius}_{k:0{width}d}" for k in range(int(n_bits))]


def _descriptors(mols: list[Chem.Mol], index: pd.Index, nonfinite: str) -> pd.DataFrame:
    names = [name for name, _ in Descriptors.descList]
    with rdBase.BlockLogs():
        rows = [Descriptors.CalcMolDescriptors(mol, missingVal=np.nan) for mol in mols]
    values = np.array([[r[n] for n in names] for r in rows], dtype=float).reshape(len(mols), len(names))
    bad = ~np.isfinite(values)
    values[bad] = np.nan
    frame = pd.DataFrame(values, index=index, columns=names)
    per_column = {names[j]: int(bad[:, j].sum()) for j in np.flatnonzero(bad.any(axis=0))}
    if nonfinite == "raise" and per_column:
        i, j = (int(k[0]) for k in np.nonzero(bad))
        raise ValueError(
            f"descriptor {names[j]!r} is not finite for the molecule at position {i} "
            f"({bad.sum()} non-finite values in {len(per_column)} columns); pass nonfinite='drop' "
            "to remove such columns or nonfinite='keep' to keep them as NaN."
        )
    if nonfinite == "drop":
        frame = frame.drop(columns=list(per_column))
    frame.attrs["nonfinite"] = per_column
    return frame


def fingerprints(smiles: Iterable[str], kind: str = "morgan", *, radius: int = 2, n_bits: int = 2048,
                 nonfinite: str = "drop") -> pd.DataFrame:
    """Represent molecules by MACCS keys, Morgan (ECFP-like) counts or RDKit descriptors.

    Alternatives to :func:`~mlcrystal.rules.features.fragment_counts`, with the same input rules and
    the same output shape: one row per SMILES, one named column per feature.
    Multi-component SMILES (joined with ``.``) are one entry, as in the study.

    Parameters
    ----------
    smiles : sequence of str
        SMILES strings (a pandas Series keeps its index).
    kind : {"maccs", "morgan", "descriptors"}, default "morgan"
        ``"maccs"``: RDKit's 167 MACCS structural keys as 0/1 columns
        ``maccs_000 ... maccs_166`` (key ``k`` is the SMARTS
        ``rdkit.Chem.MACCSkeys.smartsPatts[k]``; key 0 is never set).
        ``"morgan"``: counts of hashed circular environments up to ``radius``
        bonds (ECFP-like; ``radius=2`` is ECFP4), folded to ``n_bits``
        columns ``morgan_r<radius>_<bit>`` by RDKit's
        ``rdFingerprintGenerator`` (two environments can share a column).
        ``"descriptors"``: the whole-molecule descriptors of
        :data:`rdkit.Chem.Descriptors.descList` (217 with RDKit 2026.09,
        the 85 ``fr_*`` counts included), float columns named as in RDKit.
    radius, n_bits : int
        Morgan radius (bonds) and number of columns; ignored otherwise.
    nonfinite : {"drop", "keep", "raise"}, default "drop"
        Descriptors only. Some descriptors cannot be computed for some
        molecules (the BCUT2D family is undefined for a lone ion such as
        ``[Na+]`` and RDKit returns NaN; others may overflow to infinity).
        ``"drop"`` removes every column with a non-finite value, ``"keep"``
        keeps them as NaN (infinities become NaN too), ``"raise"`` refuses
        them. Either way ``result.attrs["nonfinite"]`` maps each affected
        column to its number of non-finite values, so nothing is dropped
        silently.

    Returns
    -------
    pandas.DataFrame
        Integer columns for ``"maccs"`` and ``"morgan"``, float columns for
        ``"descriptors"``.

    Raises
    ------
    ValueError
        An unknown ``kind`` or option, or an entry that is not a string or
        that RDKit cannot parse (the message names its position and the
        string).

    Examples
    --------
    >>> keys = fingerprints(["c1ccccc1", "CCO"], kind="maccs")
    >>> keys.shape, keys.loc[0, "maccs_163"], keys.loc[1, "maccs_139"]
    ((2, 167), np.int64(1), np.int64(1))
    >>> morgan = fingerprints(["c1ccccc1"], kind="morgan", n_bits=1024)
    >>> morgan.shape, int(morgan.to_numpy().sum())
    ((1, 1024), 18)
    >>> desc = fingerprints(["CCO"], kind="descriptors")
    >>> round(float(desc.loc[0, "MolWt"]), 2)
    46.07
    """
    if kind not in FINGERPRINT_KINDS:
        raise ValueError(f"kind must be one of {FINGERPRINT_KINDS}, got {kind!r}; "
                         "use fragment_counts() for the study's fragment counts.")
    if nonfinite not in NONFINITE_POLICIES:
        raise ValueError(f"nonfinite must be one of {NONFINITE_POLICIES}, got {nonfinite!r}.")
    if kind == "morgan":  # check the options before parsing many molecules
        _morgan([], radius, n_bits)
    mols, index = _parse_molecules(smiles)
    if kind == "descriptors":
        return _descriptors(mols, index, nonfinite)
    values, columns = _maccs(mols) if kind == "maccs" else _morgan(mols, radius, n_bits)
    return pd.DataFrame(values, index=index, columns=columns)


def canonical_smiles(smiles: Iterable[str], *, stereo: bool = True) -> pd.Series:
    """RDKit canonical SMILES: one key per structure, whatever the spelling.

    Parameters
    ----------
    smiles : sequence of str
        SMILES strings (validated as in :func:`~mlcrystal.rules.features.fragment_counts`).
    stereo : bool, default True
        Keep stereochemistry; ``False`` merges stereoisomers.

    Returns
    -------
    pandas.Series
        Canonical SMILES, same index as the input.

    Examples
    --------
    >>> canonical_smiles(["OCC", "C(O)C", "C[C@H](N)C(=O)O"], stereo=False).tolist()
    ['CCO', 'CCO', 'CC(N)C(=O)O']
    """
    mols, index = _parse_molecules(smiles)
    return pd.Series([Chem.MolToSmiles(m, isomericSmiles=stereo) for m in mols], index=index, name="structure")


def representations(smiles: Iterable[str], *, radius: int = 2, n_bits: int = 2048) -> dict[str, pd.DataFrame]:
    """The four molecular representations compared in chapter 4.

    Parameters
    ----------
    smiles : sequence of str
        Validated as in :func:`~mlcrystal.rules.features.fragment_counts`.
    radius, n_bits : int
        Morgan radius and size (ECFP4-like, 2048 columns by default).

    Returns
    -------
    dict
        ``"fragment counts"``: the study's design matrix
        (:func:`~mlcrystal.rules.features.paper_design_matrix`); ``"MACCS keys"``, ``"Morgan counts"``:
        :func:`fingerprints` without their all-zero columns;
        ``"RDKit descriptors"``: :func:`fingerprints` ``kind="descriptors"``
        (columns with non-finite values dropped, listed in
        ``.attrs["nonfinite"]``).

    Examples
    --------
    >>> reps = representations(["c1ccccc1O", "OCC(=O)O", "CCN"])
    >>> {name: X.shape[0] for name, X in reps.items()}
    {'fragment counts': 3, 'MACCS keys': 3, 'Morgan counts': 3, 'RDKit descriptors': 3}
    """
    smiles = smiles if isinstance(smiles, pd.Series) else pd.Series(_as_smiles_list(smiles))
    return {
        "fragment counts": paper_design_matrix(smiles),
        "MACCS keys": drop_constant(fingerprints(smiles, kind="maccs")),
        "Morgan counts": drop_constant(fingerprints(smiles, kind="morgan", radius=radius, n_bits=n_bits)),
        "RDKit descriptors": fingerprints(smiles, kind="descriptors"),
    }


def morgan_bit_environments(smiles: Iterable[str], *, radius: int = 2, n_bits: int = 2048) -> pd.DataFrame:
    """Which circular environments fall on each Morgan column (folding collisions).

    RDKit identifies every circular environment by a 32-bit hash and folds
    it onto ``n_bits`` columns (hash modulo ``n_bits``), so one column can
    count unrelated substructures. This lists, for each column used by
    ``smiles``, the distinct environment hashes that land on it, each shown
    by the fragment SMILES of its first occurrence.

    Parameters
    ----------
    smiles : sequence of str
    radius, n_bits : int
        As in :func:`fingerprints`.

    Returns
    -------
    pandas.DataFrame
        Indexed by column name (as in :func:`fingerprints`):
        ``n_environments`` (distinct hashes), ``environments`` (their
        fragment SMILES, ``" | "``-separated) and ``n_molecules`` (molecules
        that set the column).

    Examples
    --------
    >>> env = morgan_bit_environments(["c1ccccc1O"], radius=1)
    >>> int(env.n_environments.sum()), int(env.n_molecules.max())
    (7, 1)
    """
    _morgan([], radius, n_bits)
    mols, _ = _parse_molecules(smiles)
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=int(radius))
    width = len(str(int(n_bits) - 1))
    example: dict[int, str] = {}
    per_bit: dict[int, set[int]] = {}
    molecules: dict[int, set[int]] = {}
    for m, mol in enumerate(mols):
        ao = rdFingerprintGenerator.AdditionalOutput()
        ao.AllocateBitInfoMap()
        gen.GetSparseCountFingerprint(mol, additionalOutput=ao)
        for env_id, hits in ao.GetBitInfoMap().items():
            bit = int(env_id) % int(n_bits)
            per_bit.setdefault(bit, set()).add(int(env_id))
            molecules.setdefault(bit, set()).add(m)
            if env_id not in example:
                atom, r = hits[0]
                if r == 0:
                    example[env_id] = Chem.MolFragmentToSmiles(mol, atomsToUse=[atom])
                else:
                    bonds = list(Chem.FindAtomEnvironmentOfRadiusN(mol, r, atom))
                    atoms = sorted({a for b in bonds for a in (mol.GetBondWithIdx(b).GetBeginAtomIdx(),
                                                              mol.GetBondWithIdx(b).GetEndAtomIdx())})
                    example[env_id] = Chem.MolFragmentToSmiles(mol, atomsToUse=atoms, bondsToUse=bonds)
    bits = sorted(per_bit)
    return pd.DataFrame({"n_environments": [len(per_bit[b]) for b in bits],
                         "environments": [" | ".join(example[e] for e in sorted(per_bit[b])) for b in bits],
                         "n_molecules": [len(molecules[b]) for b in bits]},
                        index=pd.Index([f"morgan_r{radius}_{b:0{width}d}" for b in bits], name="column"))
