"""Curation checks of names against structures, the audit's precision and the correction table."""

import shutil
import tomllib
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from mlcrystal import datasets
from mlcrystal import rules as A
from mlcrystal.datasets import load_youngs_modulus

needs_java = pytest.mark.skipif(shutil.which("java") is None,
                                reason="OPSIN needs a Java runtime (java on the PATH); none is installed here")

CAFFEINE = "Cn1cnc2c1c(=O)n(C)c(=O)n2C"
GLUTARIC = "OC(=O)CCCC(=O)O"
VOR = "CC(c1ncncc1F)C(O)(Cn1cncn1)c1ccc(F)cc1F"
VOR_ESTER = "CC(c1ncncc1F)C(Cn1cncn1)(c1ccc(F)cc1F)OS(=O)(=O)CC12CCC(CC1=O)C2(C)C"
DPH = "CN(C)CCOC(c1ccccc1)c1ccccc1"


def flags(fn, smiles, name):
    return [f for f, _ in fn(A.parse_smiles(smiles), name)]


def rows(compound, smiles, e=5.0):
    n = len(compound)
    return pd.DataFrame({"compound": compound, "smiles": smiles, "E_GPa": [e] * n,
                         "source_row": list(range(2, n + 2))})


# ---------------------------------------------------------------- splitting names into components

def test_name_components_split_at_separators_and_words():
    split = A.name_components
    assert split("Resorcinol/trans-1,2-bis(4-pyridyl)ethylene") == ["resorcinol", "trans-1,2-bis(4-pyridyl)ethylene"]
    assert split("1,2,4,5-tetracyanobenzene with pyrene") == ["1,2,4,5-tetracyanobenzene", "pyrene"]
    assert split("Caffeine 4-chloro-3-nitrobenzoic acid, methanol") == ["caffeine 4-chloro-3-nitrobenzoic acid",
                                                                         "methanol"]
    assert split("Theophyline-methyl gallate cocrystal") == ["theophyline", "methyl gallate"]
    assert split("Metformin-Acesulfame salt") == ["metformin", "acesulfame"]
    assert split("Sodium saccharin dihydrate") == ["sodium", "saccharin"]    # the hydrate word goes
    assert split("Anhydrous ipratropium bromide") == ["ipratropium", "bromide"]  # a counter-ion splits off
    assert split("Testosterone propionate") == ["testosterone propionate"]      # an ester name stays whole
    assert split("5-Fluoroisatin–picolinic acid") == ["5-fluoroisatin", "picolinic acid"]


def test_name_components_keep_hyphens_between_unknown_parts():
    split = A.name_components
    assert split("N–benzyl-2-methyl-4-nitroaniline") == ["n–benzyl-2-methyl-4-nitroaniline"]
    assert split("L-Alanine") == ["l-alanine"]
    assert split("Dithieno[3,2-a:2’,3’-c]phenazine") == ["dithieno[3,2-a:2’,3’-c]phenazine"]  # ':' in locants
    assert split("Methyl-PABA") == ["methyl-paba"]                      # 'methyl' is not a component
    assert split("Methyl-PABA", known=["Methyl"]) == ["methyl", "paba"]  # unless the caller (OPSIN) knows it
    assert split("VOR-PAB") == ["vor", "pab"]


# ---------------------------------------------------------------- components: named against drawn

def test_cocrystal_drawn_as_one_molecule():
    covalent = "Cn1cnc2c1c(=O)n(CC(CCC(=O)O)C(=O)O)c(=O)n2C"
    got = flags(A.component_name_findings, covalent, "Caffeine-glutaric acid Form I")
    assert got == ["co-crystal drawn as one molecule", "named component not drawn", "named component not drawn"]
    assert flags(A.component_name_findings, f"{CAFFEINE}.{GLUTARIC}", "Caffeine-glutaric acid Form I") == []
    assert flags(A.component_name_findings, CAFFEINE, "Caffeine") == []


def test_named_component_not_drawn_ignores_protons_and_charges():
    purine = "c1ncc2[nH]cnc2n1"
    carbazole = "c1ccc2c(c1)[nH]c1ccccc12"
    findings = A.component_name_findings(A.parse_smiles(f"{carbazole}.{purine}"), "DABCO-carbazole cocrystal")
    assert findings == [("named component not drawn", "'dabco' (C1CN2CCN1CC2) is not among the drawn components")]
    assert flags(A.component_name_findings, f"{carbazole}.C1CN2CCN1CC2", "DABCO-carbazole cocrystal") == []
    # a salt drawn ionic matches its neutral components (HCl as chloride, amine protonated)
    assert flags(A.component_name_findings, "C[NH+](C)CCOC(c1ccccc1)c1ccccc1.[Cl-]", "DPH-HCl") == []
    # swapped coformers are caught: PAB named, p-hydroxybenzoic acid drawn
    assert flags(A.component_name_findings, f"{VOR}.OC(=O)c1ccc(O)cc1", "VOR-PAB") == ["named component not drawn"]
    assert flags(A.component_name_findings, f"{VOR}.OC(=O)c1ccc(N)cc1", "VOR-PAB") == []


def test_named_component_read_by_opsin_is_compared():
    resolved = {"4,6-dichlororesorcinol": "Oc1cc(O)c(Cl)cc1Cl"}
    catechol = "Oc1cc(Cl)c(Cl)cc1O.C(=Cc1ccncc1)c1ccncc1"
    name = "4,6-Di-Cl-resorcinol/trans-1,2-bis(4-pyridyl)ethylene"
    assert A.component_name_findings(A.parse_smiles(catechol), name) == []  # unknown without OPSIN
    got = A.component_name_findings(A.parse_smiles(catechol), name, resolved)
    assert [f for f, _ in got] == ["named component not drawn"] and "4,6-dichlororesorcinol" in got[0][1]


def test_counter_ion_named_not_drawn():
    ipratropium = "CC(C)[N+]1(C)C2CCC1CC(C2)OC(=O)C(CO)c1ccccc1"
    assert flags(A.component_name_findings, ipratropium, "Ipratropium bromide") == [
        "co-crystal drawn as one molecule", "named component not drawn"]
    assert flags(A.component_name_findings, f"{ipratropium}.[Br-]", "Anhydrous ipratropium bromide") == []
    assert flags(A.component_name_findings, "O=C1[N-]S(=O)(=O)c2ccccc12", "Sodium saccharin") == [
        "co-crystal drawn as one molecule", "named component not drawn"]


def test_unnamed_water():
    assert flags(A.component_name_findings, "CC(=[NH+]c1ccc(O)cc1)O.O.[Cl-]", "ACM Form I") == ["unnamed water drawn"]
    assert flags(A.component_name_findings, "OC(=O)C(=O)O.O.O", "Oxalic acid dihydrate") == []
    assert flags(A.component_name_findings, "OC(=O)C(=O)O", "Oxalic acid") == []


# ---------------------------------------------------------------- salts

def test_salt_with_unbalanced_charges():
    got = A.salt_findings(A.parse_smiles(f"{DPH}.OC(=O)CC(O)(CC(=O)[O-])C(=O)[O-]"), "DPH-Cit")
    assert got == [("salt charges unbalanced", "net charge -2: 1 anion(s) drawn and 0 cation(s); "
                                               "a proton or a counter-ion is missing")]
    assert A.salt_findings(A.parse_smiles("O=C1[N-]S(=O)(=O)c2ccccc12.O.O.[Na+]"), "Sodium saccharin dihydrate") == []
    assert A.salt_findings(A.parse_smiles("[NH3+]CC([O-])=O"), "Glycine") == []  # a zwitterion is balanced
    assert flags(A.salt_findings, "C[N+](C)(C)C", "Tetramethylammonium") == ["salt charges unbalanced"]


def test_salt_drawn_as_ester():
    assert flags(A.salt_findings, VOR_ESTER, "VOR") == ["salt drawn as ester"]
    assert flags(A.salt_findings, f"{VOR}.CC1(C)C2CCC1(CS(=O)(=O)O)C(=O)C2", "Voriconazole camsylate") == []
    assert flags(A.salt_findings, "CCOS(C)(=O)=O", "Ethyl methanesulfonate") == []   # a named ester
    assert flags(A.salt_findings, "CC1=CC(=O)NS(=O)(=O)O1", "Acesulfame acid") == []   # O-S-N, not a sulfonate


# ---------------------------------------------------------------- photodimers and substitution patterns

def test_photodimer():
    dimer = "COc1ccc(cc1OC)C1C(C(=O)O)C(c2ccc(OC)c(OC)c2)C1C(=O)O"
    assert flags(A.photodimer_findings, dimer, "3,4-Dimethoxycinnamic acid FormI") == ["photodimer drawn"]
    assert flags(A.photodimer_findings, dimer, "3,4-Dimethoxycinnamic acid photodimer") == []
    assert flags(A.photodimer_findings, "COc1ccc(C=CC(=O)O)cc1OC", "3,4-Dimethoxycinnamic acid FormII") == []
    assert flags(A.photodimer_findings, "OC(=O)C1CCC1", "Cyclobutanecarboxylic acid") == []  # no aryl groups
    assert flags(A.photodimer_findings, "OC(=O)C1C(c2ccccc2)CC1", "X") == []                 # one aryl group


def test_para_named_meta_drawn():
    name = "N-(4-ethynylphenyl)-3- fluoro-4-(trifluoromethyl) benzamide"
    meta = "O=C(NC1=CC(C#C)=CC=C1)C2=CC=C(C(F)(F)F)C(F)=C2"
    para = "O=C(NC1=CC=C(C#C)C=C1)C2=CC=C(C(F)(F)F)C(F)=C2"
    got = A.para_findings(A.parse_smiles(meta), name)
    assert [d for _, d in got] == ["the name says '4-ethynyl' but no benzene ring carries ethynyl para to "
                                   "another group"]  # the 4-CF3 is drawn para: not flagged
    assert A.para_findings(A.parse_smiles(para), name) == []
    assert flags(A.para_findings, "OC(=O)c1ccccc1Br", "p-Bromobenzoic acid") == ["para named, not drawn"]
    assert flags(A.para_findings, "OC(=O)c1ccc(Br)cc1", "p-Bromobenzoic acid") == []
    assert flags(A.para_findings, "OC(=O)c1ccccc1", "p-Bromobenzoic acid") == []  # no Br at all: not this check
    assert flags(A.para_findings, "COc1ccc(C=CC(=O)O)cc1OC", "3,4-Dimethoxycinnamic acid") == []


# ---------------------------------------------------------------- the curation audit

def test_curation_audit_orders_flags_and_leaves_audit_unchanged():
    t = rows(["Caffeine-glutaric acid", "p-Bromobenzoic acid", "DPH-HCl", "Benzoic acid"],
             ["Cn1cnc2c1c(=O)n(CC(CCC(=O)O)C(=O)O)c(=O)n2C", "OC(=O)c1cccc(Br)c1", f"{DPH}.[Cl-]",
              "OC(=O)c1ccccc1"])
    f = A.curation_audit(t)
    assert f[["source_row", "flag"]].values.tolist() == [
        [2, "co-crystal drawn as one molecule"], [2, "named component not drawn"], [2, "named component not drawn"],
        [4, "salt charges unbalanced"], [3, "para named, not drawn"]]
    assert f.attrs["skipped"] == ""
    assert set(A.audit.audit(t, curation=False).flag) <= set(A.AUDIT_FLAGS)  # the row checks alone
    full = A.audit.audit(t)  # one pass: the row checks, then the curation pass, in the curation pass's order
    assert full[full.flag.isin(list(A.CURATION_FLAGS))][["source_row", "flag"]].values.tolist() == \
        f[["source_row", "flag"]].values.tolist()
    with pytest.raises(ValueError, match="missing column"):
        A.curation_audit(t.drop(columns="smiles"))


def test_curation_audit_says_what_it_skipped_without_java(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda _: None)
    f = A.curation_audit(rows(["p-Toluic acid"], ["Cc1ccc(C(=O)O)cc1"]), opsin=True)
    assert f.empty and "OPSIN" in f.attrs["skipped"] and "Java runtime" in f.attrs["skipped"]


@needs_java
def test_curation_audit_with_opsin():
    t = rows(["N-(4-ethynylphenyl)-3- fluoro-4-(trifluoromethyl) benzamide.2", "4-Aminobenzoic acid"],
             ["O=C(NC1=CC(C#C)=CC=C1)C2=CC=C(C(F)(F)F)C(F)=C2", "Nc1ccc(C(=O)O)cc1"])
    f = A.curation_audit(t, opsin=True)
    assert f[["source_row", "flag"]].values.tolist() == [[2, "name/structure isomer mismatch"],
                                                         [2, "para named, not drawn"]]


# ---------------------------------------------------------------- the audit's precision

def test_audit_precision_counts_and_refuses_bad_reviews():
    r = pd.DataFrame({"source_row": [2, 3, 3, 4], "check": ["a", "a", "b", "a"],
                      "verdict": ["real", "false alarm", "real", "real"]})
    p = A.audit_precision(r).set_index("check")
    assert p.loc["a", ["flagged", "real", "false_alarms"]].tolist() == [3, 2, 1]
    assert p.loc["a", "precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert p.loc["all", ["flagged", "real"]].tolist() == [4, 3]
    with pytest.raises(ValueError, match="verdict must be one of"):
        A.audit_precision(r.assign(verdict=["real", "maybe", "real", "real"]))
    with pytest.raises(ValueError, match="reviewed twice"):
        A.audit_precision(pd.concat([r, r.iloc[:1]]))
    findings = pd.DataFrame({"source_row": [2, 5], "flag": ["a", "a"]})
    with pytest.raises(ValueError, match=r"1 flagged \(line, check\) pair\(s\) have no verdict, e.g. \[\(5, 'a'\)\]"):
        A.audit_precision(r, findings)


def test_review_of_the_study_table():
    review = A.load_audit_review()
    assert len(review) == 99 and review.reason.str.len().min() > 20
    p = A.audit_precision(review).set_index("check")
    assert p.loc["all", ["flagged", "real"]].tolist() == [99, 94]
    assert p.loc["name/structure formula mismatch", ["flagged", "real"]].tolist() == [8, 4]  # OPSIN misreadings
    assert p.loc["name/structure isomer mismatch", ["flagged", "real"]].tolist() == [15, 14]
    rule_based = [c for c in A.COMPONENT_FLAGS if c in p.index]
    assert (p.loc[rule_based, "precision"] == 1.0).all() and p.loc[rule_based, "flagged"].sum() == 48


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
@needs_java
def test_review_covers_exactly_what_the_curation_audit_flags():
    f = A.curation_audit(load_youngs_modulus(), opsin=True)
    review = A.load_audit_review()
    assert set(zip(f.source_row, f.flag, strict=True)) == set(zip(review.source_row, review.check, strict=True))
    A.audit_precision(review, f)  # every flagged pair has a verdict


# ---------------------------------------------------------------- the correction table

def test_corrections_are_read_from_the_package_data():
    path = resources.files("mlcrystal") / "data" / "corrections.csv"
    assert path.is_file() and (resources.files("mlcrystal") / "data" / "audit_review.csv").is_file()
    c = datasets.load_corrections()
    assert list(c.columns) == datasets.CORRECTION_COLUMNS and len(c) == 31 and c.source_row.is_unique
    assert c.evidence.str.contains("doi 10.").all() and c.reason.notna().all()


def test_package_data_glob_covers_the_kit_tables():
    conf = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    globs = conf["tool"]["setuptools"]["package-data"]["mlcrystal.data"]
    kit_files = ("corrections.csv", "audit_review.csv", "ensemble_landscapes.csv")
    assert all(any(fnmatch(f, g) for g in globs) for f in kit_files)


@pytest.mark.needs_data("Youngs_modulus_dataset.xlsx")
def test_load_corrected_table_applies_every_correction():
    raw, fixed = load_youngs_modulus(), load_youngs_modulus(corrected=True)
    assert "corrections" not in raw.attrs
    changes = fixed.attrs["corrections"]
    assert len(fixed) == len(raw) == 393 and len(changes) == 31
    assert fixed.drop(columns="smiles").equals(raw.drop(columns="smiles"))  # only SMILES cells change
    changed = raw.smiles.ne(fixed.smiles)
    assert sorted(raw.source_row[changed]) == sorted(changes.source_row)
    resorcinol = fixed.set_index("source_row").smiles[325]
    assert A.standardise_smiles(resorcinol) == A.standardise_smiles("Oc1cccc(O)c1.C(=Cc1ccncc1)c1ccncc1")
    # the corrected rows no longer carry the rule-based flags that marked them
    after = A.curation_audit(fixed)
    fixed_lines = set(changes.source_row)
    left = after[after.source_row.isin(fixed_lines) & after.flag.isin(list(A.COMPONENT_FLAGS))]
    assert left[["source_row", "flag"]].values.tolist() == [[72, "salt charges unbalanced"],
                                                           [73, "salt charges unbalanced"]]  # oxalate kept


def test_corrections_refuse_a_stale_published_value_and_unknown_rows():
    t = rows(["Resorcinol", "B"], ["Oc1ccccc1O", "CC"])
    c = pd.DataFrame({"source_row": [2], "field": ["smiles"], "published": ["Oc1cccc(O)c1"],
                      "corrected": ["Oc1cccc(O)c1"], "reason": ["r"], "evidence": ["e"]})
    with pytest.raises(ValueError, match=r"correction 0 \(line 2, field 'smiles'\): the table holds 'Oc1ccccc1O'"):
        datasets.apply_corrections(t, c)
    with pytest.raises(ValueError, match="the table has no line 9"):
        datasets.apply_corrections(t, c.assign(source_row=[9]))
    with pytest.raises(ValueError, match="has no column 'density'"):
        datasets.apply_corrections(t, c.assign(field=["density"]))
    e = datasets.apply_corrections(t, c.assign(field=["E_GPa"], published=["5.0"], corrected=["0.5"]))
    assert e.E_GPa.tolist() == [0.5, 5.0] and t.E_GPa.tolist() == [5.0, 5.0]  # the input is not changed
    assert e.attrs["corrections"][["source_row", "before", "after"]].values.tolist() == [[2, 5.0, 0.5]]
