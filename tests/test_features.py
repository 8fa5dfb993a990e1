import numpy as np
import pandas as pd
import pytest

from mlcrystal.features import (
    correlation_with_target,
    drop_constant,
    fragment_counts,
    fragment_names,
    fragment_smarts,
    max_correlation_with,
    max_pairwise_correlation,
    paper_design_matrix,
    prune_correlated,
)
from mlcrystal.study import DROPPED_FRAGMENTS

ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"


@pytest.fixture(scope="module")
def youngs_raw():
    from mlcrystal.datasets import load_youngs_modulus

    return load_youngs_modulus(clean=False)


def test_fragment_names_are_rdkit_fr_descriptors():
    names = fragment_names()
    assert len(names) == 85
    assert all(n.startswith("fr_") for n in names)
    assert set(DROPPED_FRAGMENTS) <= set(names)
    assert len(DROPPED_FRAGMENTS) == 14


def test_fragment_smarts_cover_every_fragment():
    smarts = fragment_smarts()
    assert set(fragment_names()) <= set(smarts)
    assert smarts["fr_benzene"] == "c1ccccc1"
    assert smarts["fr_C_O"] == "[CX3]=[OX1]"


def test_aspirin_counts():
    X = fragment_counts([ASPIRIN])
    assert X.shape == (1, 85)
    assert X.loc[0, "fr_benzene"] == 1
    assert X.loc[0, "fr_COO"] == 1
    assert X.loc[0, "fr_ester"] == 1
    assert X.loc[0, "fr_nitro"] == 0
    assert X.loc[0, "fr_Ar_OH"] == 0


def test_known_molecules():
    X = fragment_counts(["O=[N+]([O-])c1ccc(Cl)cc1", "OCCO", "Nc1ccccc1"])
    assert X.loc[0, ["fr_nitro", "fr_halogen", "fr_benzene"]].tolist() == [1, 1, 1]
    assert X.loc[1, "fr_Al_OH"] == 2
    assert X.loc[2, "fr_NH2"] == 1
    assert X.loc[2, "fr_aniline"] == 1


def test_series_index_is_kept():
    s = pd.Series(["C", "CCO"], index=[10, 20])
    assert fragment_counts(s).index.tolist() == [10, 20]


def test_invalid_smiles_names_position_and_string():
    with pytest.raises(ValueError, match=r"position 1 \('C1CC'\)"):
        fragment_counts(["CCO", "C1CC"])


def test_empty_and_non_string_smiles_are_refused():
    with pytest.raises(ValueError, match="position 0"):
        fragment_counts([""])
    with pytest.raises(ValueError, match="position 1"):
        fragment_counts(["C", None])
    with pytest.raises(ValueError, match="single string"):
        fragment_counts("CCO")
    with pytest.raises(ValueError, match="sequence"):
        fragment_counts(5)


def test_drop_constant():
    X = pd.DataFrame({"a": [0, 0, 0], "b": [0, 1, 0], "c": [2, 2, 2]})
    assert drop_constant(X).columns.tolist() == ["b", "c"]
    with pytest.raises(ValueError, match="DataFrame"):
        drop_constant(np.zeros((2, 2)))


def test_paper_design_matrix_columns_and_reuse():
    X = paper_design_matrix(pd.DataFrame({"smiles": [ASPIRIN, "c1ccccc1Cl"]}))
    assert not set(DROPPED_FRAGMENTS) & set(X.columns)
    assert (X != 0).any().all()
    assert {"fr_benzene", "fr_COO", "fr_ester", "fr_halogen"} <= set(X.columns)
    new = paper_design_matrix(["OCCO"], columns=X.columns)
    assert new.columns.tolist() == X.columns.tolist()
    assert new.to_numpy().sum() == 0  # ethylene glycol has none of these fragments


def test_paper_design_matrix_bad_input():
    with pytest.raises(ValueError, match="'smiles' column"):
        paper_design_matrix(pd.DataFrame({"Smiles": ["C"]}))
    with pytest.raises(ValueError, match="unknown fragment"):
        paper_design_matrix(["C"], columns=["fr_benzene", "fr_nonsense"])


def test_paper_design_matrix_on_study_data(youngs_raw):
    X = paper_design_matrix(youngs_raw)
    assert X.shape == (393, 46)  # 45 in the study with RDKit 2024.3.5
    assert "fr_prisulfonamd" in X.columns
    assert int((X.fr_prisulfonamd > 0).sum()) == 3
    r = correlation_with_target(X, youngs_raw.E_GPa)
    assert (int((r > 0).sum()), int((r < 0).sum())) == (19, 27)
    a, b, rmax = max_pairwise_correlation(X)
    assert rmax == pytest.approx(0.681, abs=1e-3)
    full = drop_constant(fragment_counts(youngs_raw.smiles))
    dropped = [c for c in DROPPED_FRAGMENTS if c in full.columns]
    table = max_correlation_with(full, dropped, X.columns)
    assert table.abs_r.min() == pytest.approx(0.7097, abs=1e-3)


def test_prune_correlated_synthetic():
    rng = np.random.default_rng(0)
    a = rng.normal(size=100)
    X = pd.DataFrame({"a": a, "a_copy": 2 * a + rng.normal(scale=0.01, size=100),
                      "b": rng.normal(size=100), "const": np.ones(100)})
    kept, dropped = prune_correlated(X, threshold=0.9)
    assert kept == ["a", "b"]
    assert dropped.set_index("column").loc["a_copy", "partner"] == "a"
    assert dropped.set_index("column").loc["a_copy", "abs_r"] > 0.99
    assert dropped.set_index("column").loc["const", "reason"] == "constant"
    # a threshold above every correlation keeps all non-constant columns
    kept_all, _ = prune_correlated(X, threshold=1.0)
    assert kept_all == ["a", "a_copy", "b"]
    corr = X[kept].corr().abs().to_numpy()
    assert corr[~np.eye(len(kept), dtype=bool)].max() < 0.9


def test_prune_correlated_prefers_frequent_columns():
    X = pd.DataFrame({"rare": [0, 0, 0, 1, 1, 0], "common": [0, 0, 1, 1, 1, 0]})
    kept, dropped = prune_correlated(X, threshold=0.5)
    assert kept == ["common"]
    assert dropped.column.tolist() == ["rare"]


def test_prune_correlated_bad_threshold():
    X = pd.DataFrame({"a": [1, 2, 3]})
    for bad in (0, -0.1, 1.5, "0.7"):
        with pytest.raises(ValueError, match="threshold"):
            prune_correlated(X, threshold=bad)


def test_correlation_helpers_bad_input():
    X = pd.DataFrame({"a": [1, 2, 3], "b": [3, 1, 2]})
    with pytest.raises(ValueError, match="3 values"):
        correlation_with_target(X, [1, 2])
    with pytest.raises(ValueError, match="not in X"):
        max_correlation_with(X, ["zzz"], ["a"])
    with pytest.raises(ValueError, match="at least 2 columns"):
        max_pairwise_correlation(X[["a"]])


def test_fragment_matches_agree_with_counts():
    from mlcrystal.features import fragment_matches

    smi = "O=[N+]([O-])c1ccc(cc1)[N+](=O)[O-]"
    assert len(fragment_matches(smi, "fr_nitro")) == fragment_counts([smi]).loc[0, "fr_nitro"] == 2
    assert fragment_matches(ASPIRIN, "fr_benzene") == [(4, 5, 6, 7, 8, 9)]
    with pytest.raises(ValueError, match="unknown fragment"):
        fragment_matches(ASPIRIN, "fr_nope")
    with pytest.raises(ValueError, match="could not be parsed"):
        fragment_matches("C1CC", "fr_benzene")


def test_draw_fragments_makes_an_image():
    from mlcrystal.features import draw_fragments

    img = draw_fragments([ASPIRIN, "OCCO"], ["fr_ester", "fr_Al_OH"], mols_per_row=2, size=(200, 150))
    assert img.size == (400, 150)
    with pytest.raises(ValueError, match="one fragment per molecule"):
        draw_fragments([ASPIRIN], [])
    with pytest.raises(ValueError, match="one legend"):
        draw_fragments([ASPIRIN], ["fr_ester"], legends=["a", "b"])
