import numpy as np
import pandas as pd
import pytest

from mlcrystal.rules.features import (
    AROMATIC_CARBONYL,
    HDRZINE_CLASSES,
    NH2_CLASSES,
    classify_matches,
    correlation_with_target,
    counts_table,
    draw_fragments,
    drop_constant,
    fragment_counts,
    fragment_descriptions,
    fragment_matches,
    fragment_names,
    fragment_smarts,
    max_correlation_with,
    max_pairwise_correlation,
    paper_design_matrix,
    prune_correlated,
    smarts_counts,
)
from mlcrystal.study import DROPPED_FRAGMENTS

ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"


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


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
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
    smi = "O=[N+]([O-])c1ccc(cc1)[N+](=O)[O-]"
    assert len(fragment_matches(smi, "fr_nitro")) == fragment_counts([smi]).loc[0, "fr_nitro"] == 2
    assert fragment_matches(ASPIRIN, "fr_benzene") == [(4, 5, 6, 7, 8, 9)]
    with pytest.raises(ValueError, match="unknown fragment"):
        fragment_matches(ASPIRIN, "fr_nope")
    with pytest.raises(ValueError, match="could not be parsed"):
        fragment_matches("C1CC", "fr_benzene")


def test_draw_fragments_makes_an_image():
    img = draw_fragments([ASPIRIN, "OCCO"], ["fr_ester", "fr_Al_OH"], mols_per_row=2, size=(200, 150))
    assert img.size == (400, 150)
    with pytest.raises(ValueError, match="one fragment per molecule"):
        draw_fragments([ASPIRIN], [])
    with pytest.raises(ValueError, match="one legend"):
        draw_fragments([ASPIRIN], ["fr_ester"], legends=["a", "b"])


# --------------------------------------------------------------------------
# what the fragment patterns really match
# --------------------------------------------------------------------------

def test_classify_matches_splits_fr_nh2_by_chemistry():
    smiles = pd.Series({"a": "Nc1ccccc1", "b": "NCc1ccccc1", "c": "NC(=O)C", "d": "NS(=O)(=O)c1ccccc1",
                        "e": "NNC(=O)c1ccncc1", "f": "NC(N)=C([N+](=O)[O-])[N+](=O)[O-]", "g": "C1CC[NH2+]C1"})
    m = classify_matches(smiles, "fr_NH2", NH2_CLASSES)
    # one row per match: the total is the column sum of fr_NH2
    assert len(m) == int(fragment_counts(smiles).fr_NH2.sum()) == 8
    short = m.assign(cls=m["class"].str.split(" ").str[0]).groupby("row").cls.apply(list).to_dict()
    assert short == {"a": ["aromatic"], "b": ["primary"], "c": ["amide,"], "d": ["sulfonamide"],
                     "e": ["hydrazine"], "f": ["other", "other"], "g": ["other"]}
    # a secondary ammonium (R2NH2+) is matched by fr_NH2 although it is no primary amine at all
    assert m.loc[m.row.eq("g"), "atoms"].iloc[0] == (3,)


def test_classify_matches_finds_nitramines_in_fr_hdrzine():
    rdx = "C1N(CN(CN1[N+](=O)[O-])[N+](=O)[O-])[N+](=O)[O-]"
    m = classify_matches([rdx, "NNC(=O)c1ccncc1", "CN(C)N(C)C"], "fr_hdrzine", HDRZINE_CLASSES)
    assert m.groupby("row")["class"].apply(list).to_dict() == {
        0: ["nitramine (N-NO2)"] * 3, 1: ["hydrazide or acylhydrazine (N-N-C=O)"], 2: ["hydrazine (N-N, no carbonyl)"]}
    # uncharged nitro notation is recognised too
    assert classify_matches(["CN(C)N(=O)=O"], "fr_hdrzine", HDRZINE_CLASSES)["class"].tolist() == ["nitramine (N-NO2)"]
    # other labels and no match at all
    assert classify_matches(["CCO"], "fr_hdrzine", {"x": "[NX3]-[NX3]"}).empty


def test_classify_matches_and_smarts_counts_refuse_bad_input():
    with pytest.raises(ValueError, match="unknown fragment 'fr_nh2'"):
        classify_matches(["N"], "fr_nh2", NH2_CLASSES)
    with pytest.raises(ValueError, match=r"row 'b' \('C1CC'\) could not be parsed"):
        classify_matches(pd.Series({"a": "N", "b": "C1CC"}), "fr_NH2", NH2_CLASSES)
    with pytest.raises(ValueError, match="SMARTS '\\[N' for 'broken' could not be parsed"):
        smarts_counts(["N"], {"broken": "[N"})
    with pytest.raises(ValueError, match="non-empty mapping"):
        smarts_counts(["N"], {})
    with pytest.raises(ValueError, match="single string"):
        smarts_counts("CCO", {"O": "O"})


def test_aromatic_carbonyls_are_invisible_to_fr_c_o():
    smiles = pd.Series({"caffeine": "CN1C=NC2=C1C(=O)N(C(=O)N2C)C", "2-pyridone": "O=c1cccc[nH]1",
                        "acetone": "CC(C)=O"})
    c = smarts_counts(smiles, {"aromatic": AROMATIC_CARBONYL, "any": "[#6]=[OX1]"})
    assert c.index.tolist() == smiles.index.tolist()
    assert c.to_dict("index") == {"caffeine": {"aromatic": 2, "any": 2}, "2-pyridone": {"aromatic": 1, "any": 1},
                                  "acetone": {"aromatic": 0, "any": 1}}
    X = fragment_counts(smiles)
    # fr_C_O asks for an aliphatic carbon: it sees acetone's carbonyl and none of the aromatic ones
    assert X.fr_C_O.tolist() == [0, 0, 1]
    assert (c["any"] - c["aromatic"]).tolist() == X.fr_C_O.tolist()


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_fr_nh2_split_on_the_study_data(youngs_raw):
    m = classify_matches(youngs_raw.smiles, "fr_NH2", NH2_CLASSES)
    counts = m["class"].str.split(" ").str[0].value_counts().to_dict()
    assert len(m) == 118
    assert counts["aromatic"] == 55 and counts["primary"] == 17  # fewer than one in six are primary amines
    c = smarts_counts(youngs_raw.smiles, {"aromatic": AROMATIC_CARBONYL})
    assert int((c.aromatic > 0).sum()) == 35 and int(c.aromatic.sum()) == 78


def test_counts_table_reads_like_a_table():
    t = counts_table(["CC(=O)Oc1ccccc1C(=O)O", "NCC(=O)O"], ["aspirin", "glycine"], kept=["fr_benzene", "fr_NH2"])
    assert list(t.columns[:3]) == ["fragment", "description", "in_matrix"]
    row = t.set_index("fragment").loc["fr_NH2"]
    assert (row.aspirin, row.glycine, row.in_matrix) == (0, 1, True)
    assert row.description == fragment_descriptions()["fr_NH2"] == "Number of Primary amines"
    assert (t[["aspirin", "glycine"]].to_numpy().sum(axis=1) > 0).all()  # only fragments that occur
    assert "in_matrix" not in counts_table(["CCO"]).columns
    with pytest.raises(ValueError, match="one label per SMILES"):
        counts_table(["CCO", "CCN"], ["ethanol"])
    with pytest.raises(ValueError, match="repeat a name"):
        counts_table(["CCO", "CCN"], ["x", "x"])
    with pytest.raises(ValueError, match="position 1"):
        counts_table(["CCO", "c1ccccc1("])
