import numpy as np
import pandas as pd
import pytest
from rdkit import Chem
from rdkit.Chem import Descriptors, rdMolDescriptors

from mlcrystal.rules.features import fragment_counts
from mlcrystal.rules.fingerprints import (
    canonical_smiles,
    fingerprints,
    morgan_bit_environments,
    representations,
)

BENZENE, ETHANOL = "c1ccccc1", "CCO"


def test_maccs_known_bits_for_benzene_and_ethanol():
    keys = fingerprints([BENZENE, ETHANOL], kind="maccs")
    assert keys.shape == (2, 167)
    assert keys.columns[0] == "maccs_000" and keys.columns[-1] == "maccs_166"
    on = {i: sorted(int(c.split("_")[1]) for c in keys.columns[keys.iloc[i] == 1]) for i in range(2)}
    # 162 aromatic atom, 163 six-membered ring, 165 ring
    assert on[0] == [162, 163, 165]
    # 139 O-H, 164 oxygen; no ring, no aromatic atom
    assert {139, 164} <= set(on[1]) and not {162, 163, 165} & set(on[1])
    assert set(np.unique(keys.to_numpy())) == {0, 1}
    assert keys["maccs_000"].sum() == 0


def test_morgan_counts_match_rdkit_sparse_counts():
    X = fingerprints([BENZENE, ETHANOL, "OC(=O)c1ccccc1"], kind="morgan")
    assert X.shape == (3, 2048)
    assert all(c.startswith("morgan_r2_") for c in X.columns)
    # benzene: one environment per radius 0, 1, 2, each on all six atoms
    assert sorted(X.iloc[0][X.iloc[0] > 0].tolist()) == [6, 6, 6]
    for i, smi in enumerate([BENZENE, ETHANOL, "OC(=O)c1ccccc1"]):
        ref = rdMolDescriptors.GetHashedMorganFingerprint(Chem.MolFromSmiles(smi), 2, nBits=2048)
        nz = ref.GetNonzeroElements()
        assert {int(k.split("_")[-1]): int(v) for k, v in X.iloc[i][X.iloc[i] > 0].items()} == nz


def test_morgan_radius_and_size_arguments():
    r0 = fingerprints([BENZENE], kind="morgan", radius=0, n_bits=64)
    r1 = fingerprints([BENZENE], kind="morgan", radius=1, n_bits=64)
    assert r0.shape == (1, 64) and r0.columns[0] == "morgan_r0_00"
    assert int(r0.to_numpy().sum()) == 6 and int(r1.to_numpy().sum()) == 12
    # counts, not bits: two carbons of ethane share their environment
    assert fingerprints(["CC"], kind="morgan", radius=0).to_numpy().max() == 2


def test_descriptors_values_and_names():
    D = fingerprints([ETHANOL, BENZENE], kind="descriptors")
    names = [n for n, _ in Descriptors.descList]
    assert list(D.columns) == names  # nothing is non-finite for these two
    assert D.attrs["nonfinite"] == {}
    assert D.loc[0, "MolWt"] == pytest.approx(46.069, abs=1e-3)
    assert D.loc[1, "NumAromaticRings"] == 1
    assert D.loc[0, "NumHDonors"] == 1
    # the fr_* columns agree with fragment_counts
    fr = fragment_counts([ETHANOL, BENZENE])
    assert (D[fr.columns].to_numpy() == fr.to_numpy()).all()


def test_descriptors_nonfinite_policies():
    smiles = ["CCO", "[Na+].[Cl-]"]  # BCUT2D descriptors are undefined for lone ions
    dropped = fingerprints(smiles, kind="descriptors")
    kept = fingerprints(smiles, kind="descriptors", nonfinite="keep")
    assert "BCUT2D_MWHI" not in dropped.columns and "BCUT2D_MWHI" in kept.columns
    assert dropped.attrs["nonfinite"]["BCUT2D_MWHI"] == 1
    assert np.isnan(kept.loc[1, "BCUT2D_MWHI"]) and np.isfinite(kept.loc[0, "BCUT2D_MWHI"])
    assert kept.shape[1] - dropped.shape[1] == len(dropped.attrs["nonfinite"])
    assert np.isfinite(dropped.to_numpy()).all()
    with pytest.raises(ValueError, match="position 1"):
        fingerprints(smiles, kind="descriptors", nonfinite="raise")


@pytest.mark.parametrize("kind", ["maccs", "morgan", "descriptors"])
def test_index_convention_like_fragment_counts(kind):
    s = pd.Series([BENZENE, ETHANOL], index=[10, 20])
    X = fingerprints(s, kind=kind)
    assert list(X.index) == list(fragment_counts(s).index) == [10, 20]
    assert list(fingerprints([BENZENE, ETHANOL], kind=kind).index) == [0, 1]


@pytest.mark.parametrize("kind", ["maccs", "morgan", "descriptors"])
def test_bad_smiles_names_row_and_string(kind):
    with pytest.raises(ValueError, match=r"position 1 \('C1CC'\)"):
        fingerprints(["CCO", "C1CC"], kind=kind)
    with pytest.raises(ValueError, match="position 0 is ''"):
        fingerprints([""], kind=kind)
    with pytest.raises(ValueError, match="position 1 is None"):
        fingerprints(["CCO", None], kind=kind)
    with pytest.raises(ValueError, match="single string"):
        fingerprints("CCO", kind=kind)


def test_bad_options():
    with pytest.raises(ValueError, match="kind must be one of"):
        fingerprints(["CCO"], kind="ecfp")
    with pytest.raises(ValueError, match="n_bits must be an integer"):
        fingerprints(["CCO"], kind="morgan", n_bits=0)
    with pytest.raises(ValueError, match="radius must be an integer"):
        fingerprints(["CCO"], kind="morgan", radius=1.5)
    with pytest.raises(ValueError, match="nonfinite must be one of"):
        fingerprints(["CCO"], kind="descriptors", nonfinite="zero")


def test_canonical_smiles_merges_spellings():
    c = canonical_smiles(["OCC", "C(O)C", "N[C@@H](C)C(=O)O", "N[C@H](C)C(=O)O"])
    assert c.iloc[0] == c.iloc[1] == "CCO"
    assert c.iloc[2] != c.iloc[3]
    assert canonical_smiles(["N[C@@H](C)C(=O)O", "N[C@H](C)C(=O)O"], stereo=False).nunique() == 1
    with pytest.raises(ValueError, match="position 0"):
        canonical_smiles(["C1CC"])


def test_morgan_bit_environments_agree_with_the_counts():
    smiles = ["c1ccccc1O", "OCC(=O)O", "CCN", "Clc1ccccc1"]
    env = morgan_bit_environments(smiles, n_bits=2048)
    X = fingerprints(smiles, kind="morgan")
    used = X.columns[(X != 0).any()]
    assert set(env.index) == set(used)
    assert (env.n_molecules == (X[env.index] != 0).sum()).all()
    # folded onto 8 columns, the same environments must collide
    small = morgan_bit_environments(smiles, n_bits=8)
    assert len(small) <= 8
    assert small.n_environments.sum() == env.n_environments.sum()
    assert small.n_environments.max() > 1
    assert "O" in env.environments.str.split(" | ", regex=False).sum()


def test_representations_share_rows():
    reps = representations(pd.Series(["c1ccccc1O", "OCC(=O)O", "CCN"], index=[5, 6, 7]))
    assert list(reps) == ["fragment counts", "MACCS keys", "Morgan counts", "RDKit descriptors"]
    assert all(list(X.index) == [5, 6, 7] for X in reps.values())
    assert all((X != 0).any().all() for name, X in reps.items() if name != "RDKit descriptors")
