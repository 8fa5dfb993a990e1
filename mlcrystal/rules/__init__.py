"""The design-rules half (chapters 1-4): from a table of moduli to design rules.

Modules
-------
rows
    What the audit's checks share: reading a SMILES, the findings table, the curation flags.
audit
    Row checks of the modulus table (one function per check) and :func:`~mlcrystal.rules.audit.audit`,
    which runs every check, the curation pass included.
curation
    Standardised structures (ChEMBL pipeline), papers, names read by OPSIN and their components.
review
    The kit's stored review of the rows the curation checks flag, and the audit's precision.
features
    RDKit fragment counts, what a fragment pattern matches, correlation pruning.
fingerprints
    MACCS keys, Morgan counts and whole-molecule descriptors.
lasso
    The study's LASSO protocol and sounder checks of one partition.
partitions
    Statistics over many partitions (distributions, paired differences, influence).
representations
    Representations compared under grouped cross-validation (chapter 4).
chapter3
    Chapter 3's stored table of grouped cross-validation scores.
report
    The ``rules`` report: a user's own table through the audit, the LASSO protocol and
    chapter 3's checks.
fitting
    What a user's table can support: rows set aside from fitting with their reasons, paper
    groups, a rule's rating, rule changes, rows per column, and the comparison with the study.
within_paper
    Design rules tested as substitution rules: within-paper (paper fixed effects) estimates
    with paper-bootstrap intervals, within-paper contrasts.
families
    Chemical families by SMARTS, leave-one-family-out refits and a random-removal null.
confidence
    A rule rating that separates substitution rules from associations.
comparisons
    Fair comparisons: tuned models, a y-randomisation null, the empty model in the one-SE band.
claims
    The computations behind single claims of chapters 2-5.
findings
    The stored tables of the evidence above, read by the chapters (:func:`~mlcrystal.rules.findings.load_finding`).
novelty
    Skill by novelty, a similarity domain and grouped conformal intervals.

Every public name of these modules is also an attribute of the package,
imported on first use (``from mlcrystal.rules import BootstrapResult``); modules whose name
equals a function's name (``audit``, ``fingerprints``, ``representations``) are reached as modules.
"""

from __future__ import annotations

from mlcrystal.lazy import attach

__all__ = ["rows", "audit", "curation", "review", "features", "fingerprints", "lasso", "partitions",
           "representations", "chapter3", "report", "fitting", "within_paper", "families", "confidence",
           "comparisons", "claims", "novelty", "findings", "ABSURD_GPa", "AROMATIC_CARBONYL", "AUDIT_FLAGS",
           "BootstrapResult", "CATIONS", "CHAPTER3_PARTITIONS_FILE", "CHEMICAL_FAMILIES", "COMPONENT_FLAGS",
           "COMPONENT_SEPARATORS", "COMPONENT_WORDS", "COUNTER_IONS", "CURATION_FLAGS", "CandidateDomain",
           "DENSITY_RANGE_G_CM3", "EXCLUDED_FLAGS", "E_RANGE_GPa", "FINDINGS_DIR", "FINDING_COLUMNS", "FINGERPRINT",
           "FINGERPRINT_KINDS", "FIRED_ONLY_FLAGS", "FOREST_GRID", "Finding", "HDRZINE_CLASSES", "HIGH_MODULUS_GPa",
           "KNOWN_COMPONENTS", "METALS", "MIN_ROWS_PER_VALIDATION_SET", "MPA_MEDIAN_GPa", "MULTI_COMPONENT_WORDS",
           "NAME_COMPONENT_SEPARATORS", "NAME_QUALIFIERS", "NAME_SUBSTRUCTURES", "NH2_CLASSES", "NONFINITE_POLICIES",
           "NOVELTY", "OPTIONAL_COLUMNS", "OneStandardErrorResult", "PARA_SUBSTITUENTS", "PREDICTION_COLUMNS",
           "PaperLassoResult", "QUESTIONABLE_FLAGS", "RATINGS", "RAW_LASSO_ALPHAS", "REPRESENTATIONS_CV_FILE",
           "REQUIRED_COLUMNS", "REVIEW_COLUMNS", "RuleEvidence", "RulesResult", "STUDY_SOURCE", "SULFONATE_ESTER",
           "TUNED_FORESTS", "VERDICTS", "add_curation_keys", "against_study", "audit_precision", "audit_recall",
           "audit_summary", "benchmark_models", "bootstrap_lasso", "bootstrap_selection_frequency",
           "candidate_domain", "canonical_smiles", "chapter3_partition_scores", "chapter3_schemes",
           "check_components", "check_density", "check_duplicates", "check_high_modulus", "check_label_variants",
           "check_modulus_range", "check_multicomponent", "check_name_structure", "check_name_vs_smiles",
           "check_para", "check_photodimers", "check_salts", "check_same_name", "check_stored_scores",
           "check_structure_duplicates", "check_suspicious_chemistry", "check_unreadable_smiles", "check_whitespace",
           "chemical_name", "chemistry_findings", "classify_matches", "coefficient_path", "compare_representations",
           "compare_with_finding", "compare_with_paper", "component_findings", "component_name_findings",
           "conformal_half_width", "contrast_summary", "correlation_with_target", "counts_table", "coverage_summary",
           "cross_validated_scores", "curation_audit", "curation_keys", "cutoff_sweep", "cv_predictions",
           "cv_splitters", "demean_by_group", "design_rules_with_confidence", "distribution_summary",
           "draw_fragments", "drop_constant", "drop_flagged", "exact_mean_difference_test", "family_membership",
           "family_summary", "finding_names", "findings_frame", "fingerprints_of", "fragment_counts",
           "fragment_descriptions", "fragment_matches", "fragment_names", "fragment_smarts", "grouped_conformal",
           "grouped_cv_distribution", "identical_in_training", "influence_summary", "leakage",
           "leave_one_family_out", "leave_one_group_out_influence", "leave_one_out_r2", "load_audit_review",
           "load_finding", "load_partition_scores", "load_representation_scores", "load_tuned_forests",
           "looks_like_mpa", "max_correlation_with", "max_pairwise_correlation", "minimum_rows",
           "morgan_bit_environments", "name_components", "name_findings", "nearest_similarity", "novelty_of",
           "one_se_with_empty_model", "one_standard_error_alpha", "ordinal", "outside_domain", "paired_comparison",
           "paired_difference", "paper_alphas", "paper_bootstrap", "paper_design_matrix", "paper_groups",
           "paper_lasso", "paper_lasso_on_subsets", "paper_of", "paper_split_leakage", "para_findings",
           "parse_smiles", "per_structure", "percentile_of", "permutation_p_value", "photodimer_findings",
           "prediction_scores", "protocol_at_cutoff", "prune_correlated", "random_carrier_removal",
           "rank_design_rules", "read_table", "representation_models", "rerate_rules", "resolve_names",
           "rows_for_fitting", "rows_per_feature", "rule_across_alphas", "rule_carriers", "rule_changes",
           "rule_confidence", "rule_estimates", "rule_evidence", "run_rules", "salt_findings",
           "save_partition_scores", "skill_by_novelty", "skill_table", "smarts_counts", "smiles_findings",
           "source_line", "split_r2_distribution", "standardise_smiles", "standardised_coefficients",
           "standardised_lasso_cv", "study_overlap", "study_table", "tuned_models", "validate_table",
           "variance_shares", "with_grouped_inner_cv", "within_paper_contrasts", "within_paper_lasso",
           "within_paper_ols", "y_randomisation"]

#: The package's modules, imported on first use.
_SUBMODULES = ("rows", "audit", "curation", "review", "features", "fingerprints", "lasso", "partitions",
               "representations",
               "chapter3", "report", "fitting", "within_paper", "families", "confidence", "comparisons", "claims",
               "novelty", "findings")

#: Where each public name lives (``tests/test_architecture.py`` checks this against the modules' ``__all__``).
_EXPORTS = {
    "RuleEvidence": "confidence",
    "rule_evidence": "confidence",
    "skill_table": "novelty",
    "AUDIT_FLAGS": "audit",
    "COMPONENT_FLAGS": "rows",
    "CURATION_FLAGS": "rows",
    "DENSITY_RANGE_G_CM3": "audit",
    "E_RANGE_GPa": "audit",
    "FINDING_COLUMNS": "rows",
    "FIRED_ONLY_FLAGS": "audit",
    "Finding": "rows",
    "HIGH_MODULUS_GPa": "rows",
    "METALS": "audit",
    "MULTI_COMPONENT_WORDS": "audit",
    "NAME_SUBSTRUCTURES": "audit",
    "QUESTIONABLE_FLAGS": "audit",
    "audit_summary": "audit",
    "check_density": "audit",
    "check_duplicates": "audit",
    "check_label_variants": "audit",
    "check_modulus_range": "audit",
    "check_multicomponent": "audit",
    "check_name_vs_smiles": "audit",
    "check_same_name": "audit",
    "check_suspicious_chemistry": "audit",
    "check_unreadable_smiles": "audit",
    "check_whitespace": "audit",
    "chemistry_findings": "audit",
    "component_findings": "audit",
    "drop_flagged": "audit",
    "name_findings": "audit",
    "parse_smiles": "rows",
    "smiles_findings": "audit",
    "CHAPTER3_PARTITIONS_FILE": "chapter3",
    "chapter3_partition_scores": "chapter3",
    "chapter3_schemes": "chapter3",
    "check_stored_scores": "chapter3",
    "load_partition_scores": "chapter3",
    "save_partition_scores": "chapter3",
    "exact_mean_difference_test": "claims",
    "protocol_at_cutoff": "claims",
    "rule_across_alphas": "claims",
    "cutoff_sweep": "claims",
    "rule_carriers": "claims",
    "variance_shares": "claims",
    "FOREST_GRID": "comparisons",
    "RAW_LASSO_ALPHAS": "comparisons",
    "one_se_with_empty_model": "comparisons",
    "permutation_p_value": "comparisons",
    "tuned_models": "comparisons",
    "y_randomisation": "comparisons",
    "RATINGS": "confidence",
    "rerate_rules": "confidence",
    "CATIONS": "curation",
    "COMPONENT_SEPARATORS": "curation",
    "COMPONENT_WORDS": "curation",
    "COUNTER_IONS": "curation",
    "KNOWN_COMPONENTS": "curation",
    "NAME_COMPONENT_SEPARATORS": "curation",
    "NAME_QUALIFIERS": "curation",
    "PARA_SUBSTITUENTS": "curation",
    "SULFONATE_ESTER": "curation",
    "add_curation_keys": "curation",
    "check_components": "curation",
    "check_high_modulus": "curation",
    "check_name_structure": "curation",
    "check_para": "curation",
    "check_photodimers": "curation",
    "check_salts": "curation",
    "check_structure_duplicates": "curation",
    "chemical_name": "curation",
    "component_name_findings": "curation",
    "curation_audit": "curation",
    "curation_keys": "curation",
    "name_components": "curation",
    "paper_of": "curation",
    "para_findings": "curation",
    "photodimer_findings": "curation",
    "resolve_names": "curation",
    "salt_findings": "curation",
    "standardise_smiles": "curation",
    "CHEMICAL_FAMILIES": "families",
    "family_membership": "families",
    "family_summary": "families",
    "leave_one_family_out": "families",
    "random_carrier_removal": "families",
    "AROMATIC_CARBONYL": "features",
    "HDRZINE_CLASSES": "features",
    "NH2_CLASSES": "features",
    "classify_matches": "features",
    "counts_table": "features",
    "fragment_descriptions": "features",
    "correlation_with_target": "features",
    "draw_fragments": "features",
    "drop_constant": "features",
    "fragment_counts": "features",
    "fragment_matches": "features",
    "fragment_names": "features",
    "fragment_smarts": "features",
    "max_correlation_with": "features",
    "max_pairwise_correlation": "features",
    "paper_design_matrix": "features",
    "prune_correlated": "features",
    "smarts_counts": "features",
    "FINGERPRINT_KINDS": "fingerprints",
    "NONFINITE_POLICIES": "fingerprints",
    "canonical_smiles": "fingerprints",
    "morgan_bit_environments": "fingerprints",
    "EXCLUDED_FLAGS": "fitting",
    "MPA_MEDIAN_GPa": "fitting",
    "looks_like_mpa": "fitting",
    "paper_groups": "fitting",
    "rows_for_fitting": "fitting",
    "rows_per_feature": "fitting",
    "rule_changes": "fitting",
    "rule_confidence": "fitting",
    "ABSURD_GPa": "fitting",
    "outside_domain": "fitting",
    "study_overlap": "fitting",
    "prediction_scores": "fitting",
    "PREDICTION_COLUMNS": "fitting",
    "against_study": "fitting",
    "BootstrapResult": "lasso",
    "PaperLassoResult": "lasso",
    "benchmark_models": "lasso",
    "bootstrap_lasso": "lasso",
    "coefficient_path": "lasso",
    "compare_with_paper": "lasso",
    "cross_validated_scores": "lasso",
    "cv_splitters": "lasso",
    "leakage": "lasso",
    "leave_one_out_r2": "lasso",
    "paper_alphas": "lasso",
    "paper_lasso": "lasso",
    "paper_split_leakage": "lasso",
    "rank_design_rules": "lasso",
    "design_rules_with_confidence": "lasso",
    "paper_lasso_on_subsets": "lasso",
    "standardised_coefficients": "lasso",
    "standardised_lasso_cv": "lasso",
    "FINGERPRINT": "novelty",
    "NOVELTY": "novelty",
    "conformal_half_width": "novelty",
    "CandidateDomain": "novelty",
    "candidate_domain": "novelty",
    "coverage_summary": "novelty",
    "cv_predictions": "novelty",
    "fingerprints_of": "novelty",
    "grouped_conformal": "novelty",
    "nearest_similarity": "novelty",
    "novelty_of": "novelty",
    "skill_by_novelty": "novelty",
    "OneStandardErrorResult": "partitions",
    "bootstrap_selection_frequency": "partitions",
    "distribution_summary": "partitions",
    "grouped_cv_distribution": "partitions",
    "influence_summary": "partitions",
    "leave_one_group_out_influence": "partitions",
    "one_standard_error_alpha": "partitions",
    "paired_comparison": "partitions",
    "paired_difference": "partitions",
    "percentile_of": "partitions",
    "split_r2_distribution": "partitions",
    "with_grouped_inner_cv": "partitions",
    "MIN_ROWS_PER_VALIDATION_SET": "report",
    "OPTIONAL_COLUMNS": "report",
    "REQUIRED_COLUMNS": "report",
    "RulesResult": "report",
    "STUDY_SOURCE": "report",
    "minimum_rows": "report",
    "ordinal": "report",
    "read_table": "report",
    "run_rules": "report",
    "study_table": "report",
    "validate_table": "report",
    "REPRESENTATIONS_CV_FILE": "representations",
    "compare_representations": "representations",
    "identical_in_training": "representations",
    "load_representation_scores": "representations",
    "representation_models": "representations",
    "REVIEW_COLUMNS": "review",
    "VERDICTS": "review",
    "audit_precision": "review",
    "load_audit_review": "review",
    "audit_recall": "review",
    "findings_frame": "rows",
    "source_line": "rows",
    "per_structure": "rows",
    "contrast_summary": "within_paper",
    "demean_by_group": "within_paper",
    "paper_bootstrap": "within_paper",
    "rule_estimates": "within_paper",
    "within_paper_contrasts": "within_paper",
    "within_paper_lasso": "within_paper",
    "within_paper_ols": "within_paper",
    "FINDINGS_DIR": "findings",
    "finding_names": "findings",
    "load_finding": "findings",
    "load_tuned_forests": "findings",
    "TUNED_FORESTS": "findings",
    "compare_with_finding": "findings",
}


__getattr__, __dir__ = attach(__name__, _SUBMODULES, _EXPORTS)
