"""The data audit: every flag fires on a hand-made case and stays quiet on a clean one."""

import numpy as np
import pandas as pd
import pytest

from mlcrystal import rules as audit_module
from mlcrystal.datasets import load_youngs_modulus, spread_by_compound
from mlcrystal.rules.audit import (
    AUDIT_FLAGS,
    FIRED_ONLY_FLAGS,
    audit,
    audit_summary,
    drop_flagged,
    smiles_findings,
)
from mlcrystal.rules.curation import curation_audit

BENZOIC = "OC(=O)c1ccccc1"


def table(**cols):
    base = {"compound": ["Benzoic acid"], "smiles": [BENZOIC], "method": ["Nanoindentation"],
            "density_g_cm3": [1.3], "E_GPa": [5.0], "doi": ["10.1/abc"]}
    base.update(cols)
    n = max(len(v) for v in base.values())
    return pd.DataFrame({k: (v * n if len(v) == 1 else v) for k, v in base.items()})


def flags_of(df):
    return audit(df).flag.tolist()


def test_clean_row_raises_no_flag():
    assert flags_of(table()) == []
    s = audit_summary(audit(table()))
    assert s.findings.sum() == 0
    assert s.flag.tolist() == [f for f in AUDIT_FLAGS if f not in FIRED_ONLY_FLAGS]


def test_stray_whitespace():
    f = audit(table(method=["Nanoindentation "], doi=[" 10.1/abc"]))
    assert f.flag.tolist() == ["stray whitespace"]
    assert f.detail[0] == "leading/trailing spaces in method, doi"
    assert audit(table(compound=["Benzoic  acid"])).detail.tolist() == ["double space inside compound"]


def test_label_variants_method_and_doi():
    assert flags_of(table(method=["Bending test"])) == ["label variant"]
    f = audit(table(compound=["A", "B"], smiles=["C", "CC"], E_GPa=[1.0, 2.0], doi=["10.1/ABC", "10.1/abc"]))
    assert f.flag.tolist() == ["label variant"]
    assert f.row.tolist() == [0]


def test_duplicates_same_and_other_reference():
    t = table(compound=["A", "A", "A", "A"], smiles=["C"] * 4, E_GPa=[1.0, 1.0, 1.0, 2.0],
              doi=["10.1/x", "10.1/x", "10.1/y", "10.1/x"])
    f = audit(t)
    dup = f[f.flag == "duplicate row"]
    assert dup.row.tolist() == [1, 2]  # the first occurrence and the different value are not flagged
    assert "same reference" in dup.detail.iloc[0]
    assert "another reference" in dup.detail.iloc[1]


def test_implausible_modulus_and_density():
    f = audit(table(compound=["A", "B", "C", "D"], smiles=["C", "CC", "CCC", "CCCC"],
                    E_GPa=[0.00118, 150.0, 0.02, 76.9], density_g_cm3=[1563.0, 0.5, 3.015, np.nan]))
    assert f[f.flag == "implausible modulus"].row.tolist() == [0, 1]
    dens = f[f.flag == "implausible density"]
    assert dens.row.tolist() == [0, 1]
    assert "kg/m3" in dens.detail.iloc[0]
    # a custom range changes the verdict
    assert audit(table(E_GPa=[5.0]), e_range=(6.0, 10.0)).flag.tolist() == ["implausible modulus"]
    with pytest.raises(ValueError, match="low < high"):
        audit(table(), e_range=(10.0, 1.0))


def test_name_smiles_mismatch_rules():
    # resorcinol drawn as catechol
    assert smiles_findings("Oc1ccccc1O", "Resorcinol")[0][0] == "name/SMILES mismatch"
    assert smiles_findings("Oc1cccc(O)c1", "Resorcinol") == []
    # halogen in the name, none in the SMILES; 'CL-20' is a name, not chlorine
    assert any("chlor" in d for _, d in smiles_findings("c1ccccc1", "Chlorobenzene"))
    assert not any(f == "name/SMILES mismatch" for f, _ in smiles_findings("CC", "CL-20"))
    # co-crystal name, one component
    f = smiles_findings("OC(=O)c1ccccc1", "Benzoic acid/pyrazine co-crystal")
    assert ("several components" in f[0][1]) and f[0][0] == "name/SMILES mismatch"
    # IUPAC locants with ':' are not a co-crystal
    assert smiles_findings("c1ccc2c(c1)sc1ccccc12", "benzo[b:d]thiophene") == []
    # hydrate counts
    assert smiles_findings("OC(=O)C(=O)O.O.O", "Oxalic acid dihydrate") == [
        ("multi-component", "3 components: O=C(O)C(=O)O . O . O")]
    assert any("1 water" in d for _, d in smiles_findings("OC(=O)C(=O)O.O", "Oxalic acid dihydrate"))
    assert any("no water" in d for _, d in smiles_findings("OC(=O)C(=O)O", "Oxalic acid hydrate"))
    assert any("anhydrous" in d for _, d in smiles_findings("OC(=O)C(=O)O.O", "Anhydrous oxalic acid"))


def test_same_name_two_structures():
    t = table(compound=["DPH-HCl", "DPH-HCl", "Aspirin", "Aspirin"],
              smiles=["CN(C)C.Cl", "C[NH+](C)C.[Cl-]", "CC(=O)Oc1ccccc1C(=O)O", "CC(=O)Oc1ccccc1C(O)=O"],
              E_GPa=[1.0, 2.0, 3.0, 4.0])
    f = audit(t)
    mism = f[f.flag == "name/SMILES mismatch"]
    assert mism.row.tolist() == [0, 1]  # two spellings of one aspirin structure are fine


def test_suspicious_chemistry():
    assert any("neutral atom" in d for _, d in smiles_findings("CC(=O)CC(=O)C.[Cu]", "Acetylacetone Cu"))
    assert any("unpaired" in d for _, d in smiles_findings("C[O]", "methoxyl"))
    assert any("net formal charge -1" in d for _, d in smiles_findings("CN(C)C.[Cl-]", "X-HCl"))
    # a balanced salt with an ionic metal is fine
    assert smiles_findings("CC(=O)[O-].[Na+]", "Sodium acetate salt") == [
        ("multi-component", "2 components: CC(=O)[O-] . [Na+]")]


def test_unparsable_smiles_is_refused():
    with pytest.raises(ValueError, match="could not be parsed"):
        smiles_findings("C1CC", "broken")


def test_missing_columns_are_refused():
    with pytest.raises(ValueError, match="missing column"):
        audit(pd.DataFrame({"compound": ["A"], "E_GPa": [1.0]}))


def test_drop_flagged_reports_what_it_removes():
    t = table(compound=["A", "B", "C"], smiles=["C", "CC", "CCC"], E_GPa=[0.001, 5.0, 5.0],
              density_g_cm3=[1.0, 1500.0, 1.0])
    f = audit(t)
    res = drop_flagged(t, f, ["implausible modulus"])
    assert res.data.compound.tolist() == ["B", "C"]
    assert res.report.compound.tolist() == ["A"]
    res2 = drop_flagged(t, f, ["implausible modulus", "implausible density"])
    assert res2.data.compound.tolist() == ["C"]
    with pytest.raises(ValueError, match="unknown audit flag"):
        drop_flagged(t, f, ["nonsense"])
    with pytest.raises(ValueError, match="table that was audited"):
        drop_flagged(t.iloc[:1], f, ["implausible density"])


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_audit_of_the_study_data():
    raw = load_youngs_modulus(clean=False)
    f = audit(raw)
    s = audit_summary(f).set_index("flag")
    assert s.loc["implausible modulus", "rows"] == 1
    assert raw.E_GPa[f[f.flag == "implausible modulus"].row.iloc[0]] == pytest.approx(0.00118)
    assert s.loc["implausible density", "rows"] == 5
    assert s.loc["duplicate row", "rows"] == 20
    assert s.loc["multi-component", "rows"] == int(raw.smiles.str.contains(".", regex=False).sum())
    # cleaning removes every label variant and every leading/trailing space;
    # only double spaces inside two compound names remain
    clean = audit(load_youngs_modulus())
    assert not clean.flag.eq("label variant").any()
    ws = clean[clean.flag == "stray whitespace"]
    assert ws.detail.str.startswith("double space inside compound").all()
    assert len(ws) == 2
    # nothing is deleted by auditing
    assert len(raw) == 393


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_spread_by_compound():
    t = pd.DataFrame({"compound": ["A", "A ", "A", "B", "C", "C"], "smiles": ["C", "C", "C ", "CC", "O", "O"],
                      "E_GPa": [1.0, 2.0, 8.0, 5.0, 3.0, 3.0]})
    s = spread_by_compound(t)
    assert s.index.tolist() == ["C", "O"]
    assert s.loc["C", "ratio"] == 8.0 and s.loc["C", "n"] == 3
    assert s.loc["O", "ratio"] == 1.0
    assert len(spread_by_compound(t, min_rows=1)) == 3
    with pytest.raises(ValueError, match="min_rows"):
        spread_by_compound(t, min_rows=0)
    study = spread_by_compound(load_youngs_modulus())
    assert study.ratio.iloc[0] == pytest.approx(41.26, abs=0.01)


def test_unreadable_smiles_is_flagged_with_its_row_and_the_audit_goes_on():
    t = table(compound=["Benzoic acid", "broken ring", "no structure", "blank", "Chlorobenzene", "broken ring"],
              smiles=[BENZOIC, "C1CC", np.nan, "  ", "c1ccccc1", "C1CC"],
              E_GPa=[5.0, 5.0, 5.0, 5.0, 0.001, 5.0])
    f = audit(t, curation=False)
    bad = f[f.flag == "unreadable SMILES"]
    assert bad.row.tolist() == [1, 2, 3, 5]
    assert bad.source_row.tolist() == [3, 4, 5, 7]
    assert "'C1CC'" in bad.detail.iloc[0] and "correct it" in bad.detail.iloc[0]
    assert bad.detail.iloc[1] == bad.detail.iloc[2] == "no SMILES; add the structure"
    # the checks after the broken rows still ran on the readable ones
    assert f[f.flag == "implausible modulus"].row.tolist() == [4]
    assert f[f.flag == "name/SMILES mismatch"].row.tolist() == [4]
    # unreadable rows get no structure findings; the text checks still see them (a repeated row is a duplicate)
    others = f[f.flag != "unreadable SMILES"]
    assert sorted(zip(others.row, others.flag, strict=True)) == [
        (3, "stray whitespace"), (4, "implausible modulus"), (4, "name/SMILES mismatch"), (5, "duplicate row")]
    s = audit_summary(f).set_index("flag")
    assert s.loc["unreadable SMILES", "rows"] == 4
    removed = drop_flagged(t, f, ["unreadable SMILES"])
    assert removed.data.compound.tolist() == ["Benzoic acid", "Chlorobenzene"]


def test_audit_is_the_union_of_its_checks():
    t = table(compound=["A ", "A", "Resorcinol", "B", "X"], smiles=["CCO", "CCO", "Oc1ccccc1O", "CC[O]", "C1CC"],
              E_GPa=[2.0, 2.0, 150.0, 3.0, 1.0], method=["Bending test", "Nanoindentation", "Nanoindentation",
                                                         "Nanoindentation", "Nanoindentation"],
              density_g_cm3=[1.2, 1.2, 1500.0, np.nan, 1.0])
    checks = [audit_module.check_whitespace, audit_module.check_label_variants, audit_module.check_duplicates,
              audit_module.check_modulus_range, audit_module.check_density, audit_module.check_same_name,
              audit_module.check_name_vs_smiles, audit_module.check_suspicious_chemistry,
              audit_module.check_multicomponent, audit_module.check_unreadable_smiles]
    each = {check.__name__: check(t) for check in checks}
    assert each["check_whitespace"].row.tolist() == [0]
    assert each["check_label_variants"].row.tolist() == [0]
    assert each["check_duplicates"].row.tolist() == [1]
    assert each["check_modulus_range"].row.tolist() == [2]
    assert each["check_density"].row.tolist() == [2]
    assert each["check_name_vs_smiles"].row.tolist() == [2]
    assert each["check_suspicious_chemistry"].row.tolist() == [3]
    assert each["check_unreadable_smiles"].row.tolist() == [4]
    assert each["check_same_name"].empty and each["check_multicomponent"].empty
    f = audit(t, curation=False)
    assert len(f) == sum(len(x) for x in each.values())
    # one pass: the full audit is the row checks followed by the curation pass, nothing lost or added
    full, cur = audit(t), curation_audit(t)
    assert len(full) == len(f) + len(cur) and len(cur) > 0
    assert full.flag.tolist() == f.flag.tolist() + cur.flag.tolist()
    assert full.attrs["skipped"] == cur.attrs["skipped"] == ""
    assert sorted(map(tuple, f[["row", "flag", "detail"]].values.tolist())) == sorted(
        tuple(r) for x in each.values() for r in x[["row", "flag", "detail"]].values.tolist())


# ---------------------------------------------------------------- curation keys (standardised structures, papers)

def test_standardised_structures_merge_drawings_not_compounds():
    std = audit_module.standardise_smiles
    # zwitterion and neutral glycine; Kekulé and aromatic benzoic acid; another atom order
    assert std("[NH3+]CC([O-])=O") == std("C(C(=O)O)N") == std("NCC(=O)O")
    assert std("OC(=O)C1=CC=CC=C1") == std(BENZOIC)
    assert std("CC1=CC=C(C=C1)C2=CC(=NN2C3=CC=C(C=C3)S(=O)(=O)N)C(F)(F)F") == \
        std("CC1=CC=C(C2=CC(C(F)(F)F)=NN2C3=CC=C(S(=O)(N)=O)C=C3)C=C1")
    # a co-crystal keeps both components; a different molecule stays different
    assert std("OC(=O)c1ccccc1.c1cnccn1") != std(BENZOIC)
    assert std("OC(=O)c1ccccc1C") != std(BENZOIC)
    # stereochemistry: kept by default, dropped on request
    ascorbic = "C([C@@H]([C@@H]1C(=C(C(=O)O1)O)O)O)O"
    assert std(ascorbic) != std("C(C(C1C(=C(C(=O)O1)O)O)O)O")
    assert std(ascorbic, stereo=False) == std("C(C(C1C(=C(C(=O)O1)O)O)O)O", stereo=False)
    assert std("C1CC") is None and std(np.nan) is None and std("") is None


def test_papers_merge_the_two_angewandte_editions():
    paper = audit_module.paper_of
    assert paper("10.1002/ange.201406898") == paper("10.1002/anie.201406898") == "10.1002/anie.201406898"
    assert paper(" 10.1039/C4CE00123A ") == "10.1039/c4ce00123a"
    assert paper("10.1002/anie.201505813") != paper("10.1002/ange.201406898")
    assert paper("10.1002/angew.123") == "10.1002/angew.123"  # only the ange.<number> pattern is merged


def test_structure_duplicates_find_what_string_keys_miss():
    t = table(compound=["Glycine", "α-Glycine", "Glycine", "Ascorbic acid", "L-Ascorbic acid", "Benzoic acid"],
              smiles=["NCC(=O)O", "[NH3+]CC([O-])=O", "NCC(=O)O", "C([C@@H]([C@@H]1C(=C(C(=O)O1)O)O)O)O",
                      "C(C(C1C(=C(C(=O)O1)O)O)O)O", BENZOIC],
              E_GPa=[25.1, 25.1, 30.0, 8.0, 8.0, 25.1],
              doi=["10.1002/anie.201406898", "10.1002/ange.201406898", "10.1/x", "10.1/y", "10.1/z", "10.1/x"])
    assert audit(t)[lambda f: f.flag == "duplicate row"].empty  # no two rows share a SMILES string and a value
    f = audit_module.check_structure_duplicates(t)
    assert f.row.tolist() == [1, 4]
    assert f.flag.tolist() == ["duplicate structure", "duplicate structure, stereo ignored"]
    assert f.detail.iloc[0] == ("same structure and E = 25.1 GPa as line 2 ('Glycine'), drawn as another SMILES, "
                                "under the same paper")
    assert "once stereo is ignored" in f.detail.iloc[1] and "under another paper" in f.detail.iloc[1]
    # the curation flags can be acted on like the audit's
    assert drop_flagged(t, f, ["duplicate structure"]).data.compound.tolist() == [
        "Glycine", "Glycine", "Ascorbic acid", "L-Ascorbic acid", "Benzoic acid"]


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_curation_keys_of_the_study_data():
    raw = load_youngs_modulus(clean=False)
    keys = audit_module.curation_keys(raw)
    assert keys.index.equals(raw.index)
    assert raw.smiles.str.strip().nunique() == 221
    assert keys.structure.nunique() == 214 and keys.structure_no_stereo.nunique() == 210
    assert raw.doi.str.strip().str.lower().nunique() == 113 and keys.paper.nunique() == 110
    f = audit_module.check_structure_duplicates(raw, keys)
    assert len(f) == 25 and set(f.flag) == {"duplicate structure"}
    strings = audit(raw)[lambda a: a.flag == "duplicate row"]
    assert set(strings.row) < set(f.row)  # every string duplicate is a structure duplicate
    missed = f[~f.row.isin(strings.row)]
    assert sorted(missed.compound) == ["Celecoxib Form III", "DPH-Cit", "DPH-HCl",
                                       "Dithieno[3,2-a:2’,3’-c]phenazine", "α-Glycine"]


# ---------------------------------------------------------------- names against structures (OPSIN)

needs_java = pytest.mark.skipif(__import__("shutil").which("java") is None, reason="OPSIN needs a Java runtime")


def test_chemical_name_drops_sample_qualifiers():
    name = audit_module.chemical_name
    assert name("Sulfathiazole\xa0Form II") == "Sulfathiazole"
    assert name("3,4-Dimethoxycinnamic acid FormI") == "3,4-Dimethoxycinnamic acid"
    assert name("Felodipine From III") == "Felodipine"
    assert name("Chlorpropamide Form alpha") == "Chlorpropamide"
    assert name("γ-Glycine") == "Glycine"
    assert name("5-Cyanoresorcinol (after photo-reaction)") == "5-Cyanoresorcinol"
    assert name("N\u2011(3-Ethynylphenyl)-3-fluorobenzamide") == "N-(3-Ethynylphenyl)-3-fluorobenzamide"
    assert name("Formic acid") == "Formic acid"  # 'Form' inside a word is not a qualifier


def test_name_structure_checks_with_given_name_structures():
    t = table(compound=["4-Aminobenzoic acid", "A with B", "Sodium saccharin", "L-Arabinose", "X salt", "Benzoic acid"],
              smiles=["Nc1cccc(C(=O)O)c1", "c1ccccc1C#N.c1ccc2ccccc2c1", "O=C1[N-]S(=O)(=O)c2ccccc12.[Na+]",
                      "O[C@@H]1CO[C@@H](O)[C@@H](O)[C@@H]1O", "CC(=O)O.c1ccncc1", BENZOIC],
              E_GPa=[5.0] * 6)
    resolved = {"4-Aminobenzoic acid": "NC1=CC=C(C(=O)O)C=C1",           # para named, meta drawn
                "A with B": "c1ccccc1C#N.c1ccc2cc3ccccc3cc2c1",           # anthracene named, naphthalene drawn
                "Sodium saccharin": "S1(=O)(=O)NC(=O)C2=CC=CC=C12.[Na]",  # neutral reading of an ionic drawing
                "L-Arabinose": "O=C[C@H](O)[C@@H](O)[C@@H](O)CO",          # open chain against the ring form
                "X salt": "CC(=O)O",                                       # the name names fewer components
                "Benzoic acid": "C(C1=CC=CC=C1)(=O)O"}
    f = audit_module.check_name_structure(t, resolved)
    assert f[["row", "flag"]].values.tolist() == [[0, "name/structure isomer mismatch"],
                                                  [1, "name/structure formula mismatch"]]
    assert "(C21N without H) but the SMILES is C17N" in f.detail.iloc[1]
    assert f.attrs["compared"] == 5  # every row but the one whose name names too few components
    # the findings can be acted on
    assert drop_flagged(t, f, ["name/structure isomer mismatch"]).report.compound.tolist() == ["4-Aminobenzoic acid"]


def test_name_structure_check_says_what_it_skipped_without_java(monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda _: None)
    f = audit_module.check_name_structure(table(compound=["p-Toluic acid"], smiles=["Cc1ccc(C(=O)O)cc1"]))
    assert f.empty and f.attrs["compared"] == 0 and "Java runtime" in f.attrs["skipped"]
    with pytest.raises(RuntimeError, match="install one"):
        audit_module.resolve_names(["p-Toluic acid"])


@needs_java
def test_opsin_reads_names_and_cocrystal_components():
    got = audit_module.resolve_names(["p-Toluic acid", "Resorcinol/trans-1,2-bis(4-pyridyl)ethylene", "ACM",
                                      "Glycine Form II"])
    assert audit_module.standardise_smiles(got["p-Toluic acid"]) == audit_module.standardise_smiles("Cc1ccc(cc1)C(=O)O")
    assert got["Resorcinol/trans-1,2-bis(4-pyridyl)ethylene"].count(".") == 1
    assert got["ACM"] is None
    assert audit_module.standardise_smiles(got["Glycine Form II"]) == audit_module.standardise_smiles("NCC(=O)O")


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
@needs_java
def test_name_structure_check_of_the_study_data():
    """What it finds in the study's table; each flagged name was read against its row."""
    raw = load_youngs_modulus()
    f = audit_module.check_name_structure(raw)
    assert f.attrs["compared"] > 130
    flagged = set(f.compound)
    real = {"1,2,4,5-tetracyanobenzene with phenanthrene",      # pyrene drawn
            "3,4-Di\xadmethoxycinnamic acid FormI",            # the photodimer drawn for the monomer
            "Resorcinol/trans-1,2-bis(4-pyridyl)ethylene",      # catechol drawn
            "L-Prolinium tartrate",                             # one cation drawn for a dianion
            "N-(4-ethynylphenyl)-3- fluoro-4-(trifluoromethyl) benzamide",  # 3-ethynylphenyl drawn
            *(f"N-(4-ethynylphenyl)-3- fluoro-4-(trifluoromethyl) benzamide.{k}" for k in range(1, 5)),
            *(f"4,6-Di-{x}-resorcinol/trans-1,2-bis(4-pyridyl)ethylene" for x in ("Cl", "Br", "I"))}  # catechols
    opsin_misreadings = {"N,N'-Dimethyl-1,4,5,8-naphthalenetetracarboxylic diimide",
                         "N,N′-Diethyl-1,4,5,8-naphthalenetetracarboxylic diimide",
                         "N,N'-Din-propyl-1,4,5,8-naphthalenetetracarboxylic diimide",
                         "Naphthalene-2,3-diyl-bis(4-fluorobenzoate)"}
    assert real <= flagged and flagged <= real | opsin_misreadings
    assert len(f) == 23 and f.source_row.nunique() == 23


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_high_moduli_are_flagged_check_the_source():
    t = table(compound=["A", "B", "C"], smiles=["C", "CC", "CCC"], E_GPa=[76.86, 50.0, 44.0])
    f = audit_module.check_high_modulus(t)
    assert f.row.tolist() == [0] and f.flag.tolist() == ["check the source"]
    assert audit_module.check_high_modulus(t, bound=40.0).row.tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="positive number of GPa"):
        audit_module.check_high_modulus(t, bound=-1.0)
    study = audit_module.check_high_modulus(load_youngs_modulus())
    assert study.source_row.tolist() == [213, 214, 252]
    assert sorted(set(study.compound)) == ["Caffeine 4-chloro-3-nitrobenzoic acid, methanol", "L-Threoninium picrate"]


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_spread_by_standardised_structure():
    t = pd.DataFrame({"compound": ["Glycine", "α-Glycine", "γ-Glycine", "Urea"],
                      "smiles": ["NCC(=O)O", "[NH3+]CC([O-])=O", "C(C(=O)[O-])[NH3+]", "NC(N)=O"],
                      "E_GPa": [10.0, 30.0, 20.0, 5.0], "doi": ["10.1/a"] * 4})
    keyed = audit_module.add_curation_keys(t)
    assert spread_by_compound(keyed).empty  # three SMILES strings, one row each
    s = spread_by_compound(keyed, key="structure")
    assert s.index.tolist() == ["NCC(=O)O"] and s.n.iloc[0] == 3 and s.ratio.iloc[0] == 3.0
    with pytest.raises(ValueError, match="already has column"):
        audit_module.add_curation_keys(keyed)
    broken = audit_module.add_curation_keys(t.assign(smiles=["C1CC", "NCC(=O)O", "NCC(=O)O", "NC(N)=O"]))
    with pytest.raises(ValueError, match=r"column 'structure', row 0 .*unreadable SMILES"):
        spread_by_compound(broken, key="structure")
    study = spread_by_compound(audit_module.add_curation_keys(load_youngs_modulus()), key="structure")
    assert len(study) >= len(spread_by_compound(load_youngs_modulus()))


def test_recall_of_the_one_audit_on_the_kits_review_and_corrections(youngs_raw_shared):
    from mlcrystal.datasets import load_corrections
    from mlcrystal.rules.review import audit_recall, load_audit_review

    review, corrections = load_audit_review(), load_corrections()
    full = audit(youngs_raw_shared)  # no OPSIN: the name/structure checks need Java
    recall = audit_recall(review, full, corrections).set_index("check")
    # every real finding of a check that ran is found again; the OPSIN checks are what a run without Java misses
    opsin = ["name/structure formula mismatch", "name/structure isomer mismatch"]
    ran = recall.drop(index=[*opsin, "named component not drawn", "all", "corrected rows (any flag)"])
    assert (ran.recall == 1.0).all()
    assert (recall.loc[opsin, "found"] == 0).all() and (recall.loc[opsin, "real"] > 0).all()
    # components named only in systematic names are read by OPSIN too
    assert 0 < recall.loc["named component not drawn", "recall"] < 1
    assert recall.loc["all", "recall"] < 1.0
    # every row the kit corrects carries at least one flag of the one audit
    assert recall.loc["corrected rows (any flag)", "recall"] == 1.0
    rows_only = audit_recall(review, audit(youngs_raw_shared, curation=False)).set_index("check")
    assert rows_only.loc["all", "found"] < recall.loc["all", "found"]


@pytest.mark.skipif(__import__("shutil").which("java") is None, reason="OPSIN needs Java (make java)")
def test_the_one_audit_with_opsin_finds_every_reviewed_problem(youngs_raw_shared):
    from mlcrystal.rules.review import audit_recall, load_audit_review

    full = audit(youngs_raw_shared, opsin=True)
    assert full.attrs["skipped"] == ""
    assert audit_recall(load_audit_review(), full).set_index("check").loc["all", "recall"] == 1.0
