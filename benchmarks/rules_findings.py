"""Compute the numbers of benchmarks/FINDINGS_rules.md (issue 19, items 1-4).

Run from the repository root, one part at a time (each writes its tables to
mlcrystal/data/findings/ and prints its wall time):

    export PYTHONPATH=$PWD MLCRYSTAL_DATA_DIR=/path/to/data
    nice -n 10 .venv/bin/python benchmarks/rules_findings.py rules      # item 1
    nice -n 10 .venv/bin/python benchmarks/rules_findings.py ch3 [N]    # item 2, chapter 3 models (~3 min per repeat)
    nice -n 10 .venv/bin/python benchmarks/rules_findings.py ch7        # item 2, chapter 7 forests
    nice -n 10 .venv/bin/python benchmarks/rules_findings.py null       # item 2, y-randomisation and one-SE
    nice -n 10 .venv/bin/python benchmarks/rules_findings.py claims     # item 3
    nice -n 10 .venv/bin/python benchmarks/rules_findings.py novelty    # item 4

Everything runs on one core (n_jobs=1); every random step is seeded.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from mlcrystal.datasets import load_youngs_modulus
from mlcrystal.rules.chapter3 import chapter3_schemes
from mlcrystal.rules.features import paper_design_matrix
from mlcrystal.rules.lasso import paper_lasso
from mlcrystal.rules.partitions import grouped_cv_distribution

warnings.filterwarnings("ignore", category=ConvergenceWarning)
OUT = Path(__file__).resolve().parents[1] / "mlcrystal" / "data" / "findings"


def data():
    raw = load_youngs_modulus(clean=False)
    X = paper_design_matrix(raw)
    y = raw.E_GPa.to_numpy()
    return raw, X, y, chapter3_schemes(raw)


def save_time(part: str, seconds: float) -> None:
    path = OUT / "timings.json"
    t = json.loads(path.read_text()) if path.exists() else {}
    t[part] = round(seconds, 1)
    path.write_text(json.dumps(t, indent=1, sort_keys=True) + "\n")
    print(f"{part}: {seconds:.0f} s")


def part_ch3(n_repeats: int = 12) -> None:
    """Repeat k uses the k-th child of seed 0; each repeat is appended as it finishes (a stopped run keeps them)."""
    from mlcrystal.rules.comparisons import tuned_models
    from mlcrystal.seeding import spawn

    raw, X, y, s = data()
    path = OUT / "ch3_tuned_scores.csv"
    done = set(pd.read_csv(path).repeat) if path.exists() else set()
    for k, child in enumerate(spawn(0, n_repeats)):
        if k in done:
            continue
        t = time.time()
        d = grouped_cv_distribution(tuned_models(random_state=0), X, y,
                                    {"by structure": s["by structure"], "by paper": s["by paper"]},
                                    n_repeats=1, random_state=child).assign(repeat=k)
        d.to_csv(path, mode="a", header=not path.exists(), index=False, float_format="%.6g")
        print(f"repeat {k}: {time.time() - t:.0f} s", flush=True)


def part_ch7(n_repeats: int = 4) -> None:
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.model_selection import GridSearchCV

    from mlcrystal.rules.comparisons import FOREST_GRID
    from mlcrystal.rules.fingerprints import representations
    from mlcrystal.rules.representations import compare_representations, representation_models

    df = load_youngs_modulus()
    s = chapter3_schemes(df)
    reps = representations(df.smiles)
    fixed = representation_models(random_state=0)["random forest"]
    models = {"random forest": fixed,
              "random forest, tuned": GridSearchCV(RandomForestRegressor(n_estimators=100, random_state=0),
                                                   FOREST_GRID, cv=5, scoring="neg_mean_squared_error")}
    names = sys.argv[2].split(",") if len(sys.argv) > 2 else ["fragment counts", "RDKit descriptors", "MACCS keys"]
    for name in names:
        t = time.time()
        d = compare_representations({name: reps[name]}, df.E_GPa, {"by paper": s["by paper"],
                                    "by structure": s["by structure"]}, models=models, n_repeats=n_repeats,
                                    random_state=0)
        key = name.replace(" ", "_")
        d.to_csv(OUT / f"ch7_tuned_{key}.csv", index=False, float_format="%.6g")
        save_time(f"ch7 {name}", time.time() - t)


def part_rules() -> None:
    """Item 1: pooled against within-paper, same-sign support, chemical families, the re-rated table."""
    from mlcrystal.rules.confidence import rerate_rules
    from mlcrystal.rules.families import (
        CHEMICAL_FAMILIES,
        family_membership,
        family_summary,
        leave_one_family_out,
        random_carrier_removal,
    )
    from mlcrystal.rules.within_paper import contrast_summary, rule_estimates

    raw, X, y, s = data()
    res = paper_lasso(X, y)
    paper = s["by paper"]
    ests = {}
    for name, a in [("study", res.alpha), ("plain_cv", res.plain_cv_alpha)]:
        t = time.time()
        e = rule_estimates(X, y, paper, res.coefficients, alpha=a, n_boot=200, random_state=0)
        save_time(f"rules: 200 paper-bootstrap fits x 3 estimators, alpha {name}", time.time() - t)
        e.to_csv(OUT / f"rules_estimates_alpha_{name}.csv", float_format="%.4g")
        ests[name] = e
    contrast_summary(X, y, paper, res.coefficients).to_csv(OUT / "rules_contrasts.csv", float_format="%.4g")
    member = family_membership(raw.smiles)
    member.sum().rename("rows").to_csv(OUT / "families_rows.csv")
    fam = {}
    for name, a in [("study", res.alpha), ("plain_cv", res.plain_cv_alpha)]:
        lofo = leave_one_family_out(X, y, member, res.coefficients, alpha=a, papers=paper)
        lofo.to_csv(OUT / f"families_lofo_alpha_{name}.csv", index=False, float_format="%.4g")
        fam[name] = family_summary(lofo)
        fam[name].to_csv(OUT / f"families_summary_alpha_{name}.csv", float_format="%.4g")
    lofo = pd.read_csv(OUT / "families_lofo_alpha_study.csv")
    nulls = []
    for f in res.coefficients.index:
        for r in lofo[(lofo.feature == f) & (lofo.zeroed | lofo.sign_flipped)].itertuples():
            d = random_carrier_removal(X, y, f, int(r.carriers_in_family), alpha=res.alpha, n_draws=50,
                                       random_state=0)
            nulls.append({"feature": f, "family": r.family, "n_removed": int(r.carriers_in_family),
                          "share_random_zeroing": float(d.zeroed.mean()),
                          "median_without": float(d.coefficient_without.median())})
    pd.DataFrame(nulls).to_csv(OUT / "families_random_null.csv", index=False, float_format="%.4g")
    within = pd.DataFrame({"within OLS (paper effects)": ests["study"].within_ols_support,
                           "within LASSO, plain-CV alpha": ests["plain_cv"].within_support})
    table = rerate_rules(ests["study"].pooled_support, within, fam["study"].zeroed_by)
    table.to_csv(OUT / "rules_rerated.csv", float_format="%.3g")
    (OUT / "families_definitions.json").write_text(json.dumps(CHEMICAL_FAMILIES, indent=1) + "\n")
    print(table)
    # sensitivity of the within-paper least squares (alpha-free) to the data and to the scale of E
    from mlcrystal.rules.audit import QUESTIONABLE_FLAGS, audit, drop_flagged

    variants = {"flagged rows removed": drop_flagged(raw, audit(raw), QUESTIONABLE_FLAGS).data.reset_index(drop=True),
                "corrected": load_youngs_modulus(clean=False, corrected=True), "log10 E": raw}
    parts = []
    for name, df in variants.items():
        Xv = paper_design_matrix(df)
        Xv = Xv.reindex(columns=[*Xv.columns, *[c for c in res.coefficients.index if c not in Xv]], fill_value=0)
        log = name == "log10 E"
        yv = np.log10(df.E_GPa.to_numpy()) if log else df.E_GPa.to_numpy()
        e = rule_estimates(Xv, yv, chapter3_schemes(df)["by paper"], res.coefficients, n_boot=200, random_state=0,
                           alpha=0.01 if log else res.alpha)  # log10 E: the pooled LASSO at alpha 0.01
        parts.append(e[["pooled", "pooled_support", "within_ols", "within_ols_lo", "within_ols_hi",
                        "within_ols_support"]].assign(data=name, rows=len(df)))
    sens = pd.concat(parts)
    sens.to_csv(OUT / "rules_within_ols_sensitivity.csv", float_format="%.4g")
    print(sens.round(2))


def part_null(n_permutations: int = 50, n_repeats: int = 10) -> None:
    """Item 2: y-randomisation of the study's protocol; the empty model in the one-SE band."""
    from sklearn.model_selection import KFold

    from mlcrystal.rules.comparisons import one_se_with_empty_model, permutation_p_value, y_randomisation
    from mlcrystal.rules.partitions import one_standard_error_alpha

    raw, X, y, s = data()
    res = paper_lasso(X, y)
    t = time.time()
    null = y_randomisation(X, y, n_permutations=n_permutations, random_state=0)
    save_time(f"null: {n_permutations} permutations of the whole protocol", time.time() - t)
    null.to_csv(OUT / "null_y_randomisation.csv", index=False, float_format="%.4g")
    summary = {"observed_test_r2": res.test_r2, "null_q50": float(null.test_r2.median()),
               "null_q95": float(null.test_r2.quantile(0.95)), "null_max": float(null.test_r2.max()),
               "p_value": permutation_p_value(null.test_r2, res.test_r2), "n_permutations": n_permutations}
    one = one_standard_error_alpha(res.X_train, res.y_train, cv=KFold(5, shuffle=True, random_state=42))
    p = one.path
    empty_study = float(p.cv_mse[p.n_nonzero == 0].min()) if (p.n_nonzero == 0).any() else float("nan")
    summary.update({"study_folds_threshold": one.threshold, "study_folds_empty_mse": empty_study,
                    "study_folds_empty_inside": bool(empty_study <= one.threshold)})
    rows = []
    for scheme, g in [("shuffled rows", None), ("by structure", s["by structure"]), ("by paper", s["by paper"])]:
        d = one_se_with_empty_model(X, y, g, n_repeats=n_repeats, random_state=0).assign(scheme=scheme)
        rows.append(d)
    pd.concat(rows).to_csv(OUT / "null_one_se_empty.csv", index=False, float_format="%.4g")
    (OUT / "null_summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(summary)


def part_claims() -> None:
    """Item 3: aromatic OH across alphas, variance shares, NH2 carriers, the 0.8 cut-off, chapter 4."""
    from sklearn.model_selection import KFold

    from mlcrystal import study
    from mlcrystal.rules.claims import (
        exact_mean_difference_test,
        protocol_at_cutoff,
        rule_across_alphas,
        variance_shares,
    )
    from mlcrystal.rules.families import family_membership, leave_one_family_out
    from mlcrystal.rules.features import NH2_CLASSES, classify_matches
    from mlcrystal.rules.partitions import one_standard_error_alpha

    raw, X, y, s = data()
    res = paper_lasso(X, y)
    out = {}
    one = one_standard_error_alpha(res.X_train, res.y_train, cv=KFold(5, shuffle=True, random_state=42))
    ar = rule_across_alphas(X, y, s["by paper"], "fr_Ar_OH", [res.alpha, one.alpha_1se, res.plain_cv_alpha])
    ar.insert(0, "which", ["study", "one-SE (study folds)", "plain CV"])
    ar.to_csv(OUT / "claims_aroh_alphas.csv", index=False, float_format="%.4g")
    shares = []
    for label, df in [("as published", raw), ("cleaned (chapter 7)", load_youngs_modulus())]:
        sc = chapter3_schemes(df)
        st, pa = sc["by structure"], sc["by paper"]
        yy = df.E_GPa.to_numpy()
        v = variance_shares(yy, {"structure": st, "paper": pa, "structure and paper": np.char.add(
            np.char.add(st.astype(str), "|"), pa.astype(str))}, n_boot=200, random_state=0)
        repeated = pd.Series(st).map(pd.Series(st).value_counts()).to_numpy() > 1
        vr = variance_shares(yy[repeated], {"structure, repeated structures only": st[repeated]}, n_boot=200,
                             random_state=0)
        shares.append(pd.concat([v, vr]).assign(data=label))
    pd.concat(shares).to_csv(OUT / "claims_variance_shares.csv", float_format="%.4g")
    nh2 = classify_matches(raw.smiles, "fr_NH2", NH2_CLASSES)
    nh2_rows = nh2.groupby("class").row.nunique().rename("rows")
    nh2_rows.to_csv(OUT / "claims_nh2_classes.csv")
    member = family_membership(raw.smiles)
    fams = ["aromatic amines", "amino acids", "primary amides and ureas"]
    lofo = leave_one_family_out(X, y, member[fams], res.coefficients, alpha=res.alpha)
    lofo[lofo.feature == "fr_NH2"].to_csv(OUT / "claims_nh2_families.csv", index=False, float_format="%.4g")
    from mlcrystal.rules.families import random_carrier_removal
    from mlcrystal.rules.partitions import leave_one_group_out_influence

    inf = leave_one_group_out_influence(X, y, s["by paper"], res.alpha, features=["fr_NH2"])
    k = int(inf.coefficient_without.to_numpy().argmin())
    azo = member["azobenzenes"].to_numpy()
    null6 = random_carrier_removal(X, y, "fr_NH2", int((azo & (X.fr_NH2 > 0).to_numpy()).sum()), alpha=res.alpha,
                                   n_draws=50, random_state=0)
    out["nh2"] = {"all_rows": float(inf.coefficient_all.iloc[0]), "paper_most": inf.group.iloc[k],
                  "without_that_paper": float(inf.coefficient_without.iloc[k]),
                  "nh2_groups_total": int(X.fr_NH2.sum()), "nh2_groups_in_azobenzenes": int(X.fr_NH2[azo].sum()),
                  "random_6_q05_q50_q95": null6.coefficient_without.quantile([0.05, 0.5, 0.95]).tolist(),
                  "random_6_min": float(null6.coefficient_without.min())}
    r8, cols8 = protocol_at_cutoff(raw.smiles, y, 0.8)
    out["cutoff_0.8"] = {"columns": len(cols8), "alpha": r8.alpha, "test_r2": r8.test_r2,
                         "same_rules": sorted(r8.coefficients.index) == sorted(res.coefficients.index),
                         "max_coef_difference": float((r8.coefficients - res.coefficients).abs().max())}
    b = study.BENDING_MODULI_GPA
    out["bending_4_5_vs_1_3"] = {alt: exact_mean_difference_test([b[4], b[5]], [b[1], b[2], b[3]], alternative=alt)
                                 for alt in ("greater", "two-sided")}
    (OUT / "claims_summary.json").write_text(json.dumps(out, indent=1) + "\n")
    print(ar, "\n", pd.concat(shares), "\n", nh2_rows, "\n", out)


def part_novelty(n_repeats: int = 10) -> None:
    """Item 4: skill by novelty, nearest-neighbour similarity, grouped conformal intervals, chapter 4's candidates."""
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.linear_model import Lasso

    from mlcrystal.rules.families import family_membership
    from mlcrystal.rules.novelty import (
        FINGERPRINT,
        conformal_half_width,
        coverage_summary,
        cv_predictions,
        fingerprints_of,
        grouped_conformal,
        nearest_similarity,
        skill_by_novelty,
    )

    raw, X, y, s = data()
    res = paper_lasso(X, y)
    fps = fingerprints_of(raw.smiles)
    models = {"LASSO, study alpha": Lasso(alpha=res.alpha, max_iter=5000),
              "random forest, leaf 5": RandomForestRegressor(100, min_samples_leaf=5, random_state=0)}
    t = time.time()
    preds = cv_predictions(models, X, y, s["by structure"], s["by paper"], n_repeats=n_repeats, fps=fps,
                           random_state=0)
    save_time(f"novelty: {n_repeats} repeats x 3 schemes x 5 folds", time.time() - t)
    skill_by_novelty(preds).to_csv(OUT / "novelty_skill.csv", float_format="%.4g")
    skill_by_novelty(preds, by=("scheme", "novelty")).to_csv(OUT / "novelty_skill_by_scheme.csv",
                                                             float_format="%.4g")
    bins = [0, 0.3, 0.5, 0.7, 0.999, 1.0]
    preds["similarity"] = pd.cut(preds.nn_similarity, bins, include_lowest=True).astype(str)
    skill_by_novelty(preds, by=("similarity",)).to_csv(OUT / "novelty_skill_by_similarity.csv",
                                                       float_format="%.4g")
    c_rows = preds[(preds.novelty == "c") & (preds.model == "mean predictor")]
    sim_c = c_rows.nn_similarity.quantile([0.05, 0.5, 0.95]).to_dict()
    conf = {}
    for name, m in models.items():
        t = time.time()
        c = grouped_conformal(m, X, y, s["by paper"], n_repeats=5, structure=s["by structure"], random_state=0)
        save_time(f"conformal {name}: 5 repeats", time.time() - t)
        cs = coverage_summary(c)
        by_kind = c.groupby("novelty").covered.mean().to_dict()
        conf[name] = {"coverage_median": float(cs.coverage.median()), "coverage_min": float(cs.coverage.min()),
                      "coverage_max": float(cs.coverage.max()),
                      "half_width_median": float(cs.median_half_width.median()),
                      "groups_below_target_median": float(cs.groups_below.median()),
                      "groups_below_half_median": float(cs.groups_half.median()),
                      "coverage_by_novelty": by_kind,
                      "coverage_E_below_5GPa": float(c[c.y < 5].covered.mean()),
                      "lower_bound_below_zero": float((c.pred - c.half_width < 0).mean())}
    # chapter 4: the design step's candidates against the training domain
    illustrative = {"parent (H)": "Oc1ccccc1C=Nc1ccccc1", "4'-nitro": "Oc1ccccc1C=Nc1ccc(cc1)[N+](=O)[O-]",
                    "4'-hydroxymethyl": "Oc1ccccc1C=Nc1ccc(CO)cc1", "4'-chloro": "Oc1ccccc1C=Nc1ccc(Cl)cc1",
                    "N-(2-naphthyl)": "Oc1ccccc1C=Nc1ccc2ccccc2c1", "4'-amino": "Oc1ccccc1C=Nc1ccc(N)cc1"}
    Xc = paper_design_matrix(pd.Series(illustrative), columns=res.X_train.columns)
    q = conformal_half_width(models["LASSO, study alpha"], X, y, s["by paper"], random_state=0)
    cand = pd.DataFrame({"predicted_E_GPa": res.model.predict(Xc), "nn_similarity": nearest_similarity(
        fps, fingerprints_of(list(illustrative.values())))}, index=list(illustrative))
    cand["interval_lo"], cand["interval_hi"] = cand.predicted_E_GPa - q, cand.predicted_E_GPa + q
    cand.to_csv(OUT / "ch4_candidates.csv", float_format="%.4g")
    motif = family_membership(raw.smiles)["salicylideneamines"].to_numpy()
    training_motif = raw.loc[motif, ["compound", "E_GPa", "doi"]]
    training_motif.to_csv(OUT / "ch4_training_motif_rows.csv", index=False)
    summary = {"fingerprint": FINGERPRINT, "similarity_of_c_rows": sim_c, "conformal": conf,
               "candidate_half_width": q, "motif_rows": int(motif.sum()),
               "motif_E_max": float(raw.E_GPa[motif].max()), "motif_E_median": float(raw.E_GPa[motif].median()),
               "motif_pred_insample": [float(v) for v in res.model.predict(X[motif])]}
    (OUT / "novelty_summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(pd.read_csv(OUT / "novelty_skill.csv"), "\n", cand, "\n", json.dumps(summary, indent=1))


def part_compare() -> None:
    """Summaries of the ch3 and ch7 tables: medians with 5-95 % and paired differences."""
    from mlcrystal.rules.partitions import distribution_summary, paired_difference
    from mlcrystal.rules.representations import load_representation_scores

    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 30)
    s = pd.read_csv(OUT / "ch3_tuned_scores.csv")
    print("chapter 3 models,", s.repeat.nunique(), "fold assignments")
    print(distribution_summary(s).round(3))
    ref = "LASSO, study alpha"
    rows = []
    for m in s.model.unique():
        if m != ref:
            rows.append(paired_difference(s, m, ref).assign(model=m))
    d = pd.concat(rows).reset_index().set_index(["scheme", "model"])
    d.to_csv(OUT / "ch3_tuned_paired.csv", float_format="%.4g")
    print(d.round(3))
    stored = load_representation_scores()
    for path in sorted(OUT.glob("ch7_tuned_*.csv")):
        t = pd.read_csv(path)
        name = t.representation.iloc[0]
        st = stored[(stored.representation == name) & (stored.repeat.isin(t.repeat.unique()))]
        both = pd.concat([t, st[st.model == "LASSO"]])
        print(name, t.repeat.nunique(), "repeats (stored LASSO on the same folds)")
        print(distribution_summary(both).round(3))
        for m in ["random forest, tuned", "random forest"]:
            print(m, "- LASSO")
            print(paired_difference(both, m, "LASSO").round(3))
        print(paired_difference(both, "random forest, tuned", "random forest").round(3))


PARTS = {"compare": part_compare, "ch3": part_ch3, "ch7": part_ch7, "rules": part_rules, "null": part_null,
         "claims": part_claims, "novelty": part_novelty}

if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    part = sys.argv[1]
    t0 = time.time()
    if part == "ch3" and len(sys.argv) > 2:  # e.g. `ch3 20`: extend a finished run to 20 fold assignments
        part_ch3(int(sys.argv[2]))
    else:
        PARTS[part]()
    save_time(part, time.time() - t0)
