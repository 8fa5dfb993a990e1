"""The force half (chapters 5-6): a blocking-force laboratory and optimisation campaigns in it.

Modules
-------
lab
    The laboratory protocol every strategy follows: the landscape contract, bounds, measuring, designs.
feasibility
    The short-crystal rule: what is measured and told for a crystal shorter than the beam model's limit.
landscape
    The blocking-force simulator from beam mechanics, calibrated on the study's measurements.
ensemble
    An ensemble of plausible landscapes drawn from stated priors.
strategies
    The search strategies (skopt BO, the fast UCB variant, grid, random) and their registry.
authors
    The authors' own loop (bayes_opt), run through the same protocol.
campaigns
    One campaign, many seeded campaigns (joblib or Dask), live campaigns against stored tables.
metrics
    Experiments to target, grid ratios, Top%/EF/AF, bootstrap intervals, paired ablations.
outcomes
    What campaigns achieved (best force, experiments to target, lengthened crystals) with intervals and tests.
baselines
    Baselines of the efficiency ratio (grids of both designs, random search) and the ratio across choices.
replay_tables
    The stored replay tables of chapter 6 and their schema.
explorer
    The blocking-force landscape explorer (ipywidgets) and its static figure.

Every public name of these modules is also an attribute of the package,
imported on first use (``from mlcrystal.force import ArrayLike``).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["lab", "landscape", "ensemble", "strategies", "authors", "campaigns", "metrics", "replay_tables",
           "explorer", "experimenter", "GAME_BUDGET", "GAME_STRATEGIES", "GAME_TARGET", "GAME_STEPS",
           "experiment_data", "your_results", "comparison_figure", "summary_text", "ABLATION_VALUES", "ACCEPTANCE",
           "AUTHORS_OPTIONS", "ArrayLike", "BO_ACQUISITIONS", "BlockingForceLandscape", "Bounds",
           "CALIBRATED_PARAMS", "CALIBRATION_OPTIONS", "CalibrationResult", "CampaignJob", "ENSEMBLE_FILE",
           "FastGP", "GRID_KINDS", "GaussianLandscape", "HISTORY_COLUMNS", "INPUTS", "INTENSITY_READINGS",
           "INVENTED_RESPONSES", "IntensityReading", "LANDSCAPE_FIGSIZE", "LARGEST_CRYSTAL", "Laboratory",
           "MACHINE_INDEPENDENT", "MAXIMIZERS", "MAX_EXTRA_INTENSITIES", "MAX_GRID_POINTS", "MEASURED_COMPOUNDS",
           "MIN_ASPECT_RATIO", "OPTIMUM_LATTICE_LEVELS", "PENETRATION_DEPTH_UM", "POISSON_RATIO", "PRIORS",
           "PhotoResponse", "Prior", "REASONS", "RENAMED", "REPLAY_ADDED_COLUMNS", "REPLAY_CONFIG_COLUMNS",
           "REPLAY_DIR", "REPLAY_HISTORY_COLUMNS", "REPLAY_SCHEMA", "SENSOR_STIFFNESS_N_M",
           "SHARED_RESPONSE_SUFFIX", "SHEAR_COEFFICIENT", "SIZE_POWER", "STORED_BUILD_CPU_SECONDS", "STRATEGIES",
           "STUDY_INTENSITIES", "STUDY_MAX_INTENSITY", "SearchFunction", "SimulationResult", "Strategy",
           "THERMAL_LENGTH_UM", "THERMAL_STRAIN_PER_INTENSITY", "VALIDITY_FACTOR", "VALID_RANGE", "ablation_table",
           "acceleration_factor", "authors_initial_design", "authors_simulation", "authors_suggest",
           "baseline_ratios", "best_length_profile", "best_so_far_bands", "blocking_force_mN", "build_ensemble",
           "calibrate", "campaign_outcomes", "check_bounds", "check_strategy_name", "cluster_bootstrap_interval",
           "compare_with_stored", "curvature_parts", "defaults", "distribution_table", "draw_constants",
           "edge_share", "efficiency_ratio", "enhancement_factor", "evaluate", "expected_first_hit",
           "experiments_to_target", "experiments_to_targets", "extra_intensities", "fast_suggest", "finish",
           "fit_table", "force_grid", "get_strategy", "grid_baseline", "grid_points", "grid_ratio_table",
           "grid_size", "heat_crossover_table", "heat_reversal_share", "iter_campaigns", "landscape_explorer",
           "landscape_explorer_figure", "landscape_readout", "layer_curvature", "load_ensemble", "load_replay",
           "make_landscape", "round_history", "MAX_FORCE_GRID", "REPLAY_DECIMALS", "make_bo_optimizer", "measure",
           "member", "optimum_summary", "paired_ablation", "paired_ablations", "parameter_table", "photo_curvature",
           "prepare_next_fit", "priors_table", "quantile_band", "random_baseline", "random_design", "ratio_table",
           "reference_pool", "register_strategy", "rejection_table", "reproduces_study", "run_authors",
           "run_campaign", "run_campaigns", "run_fast", "run_grid", "run_random", "run_skopt", "save_ensemble",
           "sensitivity", "sensitivity_summary", "snap_modulus", "strategy_names", "success_grid_extremes",
           "target_summary", "top_candidates", "top_percent", "with_shared_response",
           "feasibility", "outcomes", "baselines", "SHORT_CRYSTAL_RULES", "DEFAULT_SHORT_CRYSTALS", "ASKED_LENGTH",
           "check_short_crystals", "measured_crystal", "told", "lengthened", "CRYSTAL", "campaign_table", "wilson",
           "outcome_summary", "compare_rules", "liang_top_count", "liang_enhancement", "OPTIMISER_LABELS",
           "optimiser_label", "TARGET_FRACTIONS", "grid_costs", "random_search_cost", "baseline_table", "first_hits",
           "ratio_choices", "plot_ratio_choices"]

#: The package's modules, imported on first use.
_SUBMODULES = ("lab", "landscape", "ensemble", "strategies", "authors", "campaigns", "metrics", "replay_tables",
               "explorer", "experimenter", "feasibility", "outcomes", "baselines")

#: Where each public name lives (``tests/test_architecture.py`` checks this against the modules' ``__all__``).
_EXPORTS = {
    "AUTHORS_OPTIONS": "authors",
    "MAXIMIZERS": "authors",
    "MAX_EXTRA_INTENSITIES": "authors",
    "SimulationResult": "authors",
    "authors_initial_design": "authors",
    "authors_simulation": "authors",
    "authors_suggest": "authors",
    "edge_share": "authors",
    "run_authors": "authors",
    "success_grid_extremes": "authors",
    "CampaignJob": "campaigns",
    "MACHINE_INDEPENDENT": "campaigns",
    "compare_with_stored": "campaigns",
    "iter_campaigns": "campaigns",
    "run_campaign": "campaigns",
    "run_campaigns": "campaigns",
    "ACCEPTANCE": "ensemble",
    "ENSEMBLE_FILE": "ensemble",
    "LARGEST_CRYSTAL": "ensemble",
    "PRIORS": "ensemble",
    "Prior": "ensemble",
    "REASONS": "ensemble",
    "STORED_BUILD_CPU_SECONDS": "ensemble",
    "build_ensemble": "ensemble",
    "defaults": "ensemble",
    "draw_constants": "ensemble",
    "evaluate": "ensemble",
    "heat_reversal_share": "ensemble",
    "load_ensemble": "ensemble",
    "make_landscape": "ensemble",
    "member": "ensemble",
    "optimum_summary": "ensemble",
    "priors_table": "ensemble",
    "rejection_table": "ensemble",
    "save_ensemble": "ensemble",
    "sensitivity": "ensemble",
    "sensitivity_summary": "ensemble",
    "LANDSCAPE_FIGSIZE": "explorer",
    "GAME_BUDGET": "experimenter",
    "GAME_STRATEGIES": "experimenter",
    "GAME_TARGET": "experimenter",
    "GAME_STEPS": "experimenter",
    "experiment_data": "experimenter",
    "your_results": "experimenter",
    "comparison_figure": "experimenter",
    "summary_text": "experimenter",
    "landscape_explorer": "explorer",
    "landscape_explorer_figure": "explorer",
    "landscape_readout": "explorer",
    "Bounds": "lab",
    "GRID_KINDS": "lab",
    "HISTORY_COLUMNS": "lab",
    "INPUTS": "lab",
    "Laboratory": "lab",
    "MAX_GRID_POINTS": "lab",
    "SIZE_POWER": "lab",
    "STUDY_INTENSITIES": "lab",
    "STUDY_MAX_INTENSITY": "lab",
    "check_bounds": "lab",
    "extra_intensities": "lab",
    "finish": "lab",
    "grid_points": "lab",
    "grid_size": "lab",
    "measure": "lab",
    "random_design": "lab",
    "snap_modulus": "lab",
    "ArrayLike": "landscape",
    "BlockingForceLandscape": "landscape",
    "CALIBRATED_PARAMS": "landscape",
    "CALIBRATION_OPTIONS": "landscape",
    "CalibrationResult": "landscape",
    "GaussianLandscape": "landscape",
    "INTENSITY_READINGS": "landscape",
    "INVENTED_RESPONSES": "landscape",
    "IntensityReading": "landscape",
    "MEASURED_COMPOUNDS": "landscape",
    "MIN_ASPECT_RATIO": "landscape",
    "OPTIMUM_LATTICE_LEVELS": "landscape",
    "PENETRATION_DEPTH_UM": "landscape",
    "POISSON_RATIO": "landscape",
    "PhotoResponse": "landscape",
    "SENSOR_STIFFNESS_N_M": "landscape",
    "SHARED_RESPONSE_SUFFIX": "landscape",
    "SHEAR_COEFFICIENT": "landscape",
    "THERMAL_LENGTH_UM": "landscape",
    "THERMAL_STRAIN_PER_INTENSITY": "landscape",
    "VALIDITY_FACTOR": "landscape",
    "VALID_RANGE": "landscape",
    "best_length_profile": "landscape",
    "blocking_force_mN": "landscape",
    "calibrate": "landscape",
    "curvature_parts": "landscape",
    "fit_table": "landscape",
    "force_grid": "landscape",
    "heat_crossover_table": "landscape",
    "layer_curvature": "landscape",
    "parameter_table": "landscape",
    "photo_curvature": "landscape",
    "with_shared_response": "landscape",
    "ABLATION_VALUES": "metrics",
    "ablation_table": "metrics",
    "acceleration_factor": "metrics",
    "baseline_ratios": "metrics",
    "best_so_far_bands": "metrics",
    "campaign_outcomes": "metrics",
    "cluster_bootstrap_interval": "metrics",
    "distribution_table": "metrics",
    "efficiency_ratio": "metrics",
    "enhancement_factor": "metrics",
    "expected_first_hit": "metrics",
    "experiments_to_target": "metrics",
    "experiments_to_targets": "metrics",
    "grid_baseline": "metrics",
    "grid_ratio_table": "metrics",
    "paired_ablation": "metrics",
    "paired_ablations": "metrics",
    "quantile_band": "metrics",
    "random_baseline": "metrics",
    "ratio_table": "metrics",
    "reference_pool": "metrics",
    "reproduces_study": "metrics",
    "target_summary": "metrics",
    "top_candidates": "metrics",
    "top_percent": "metrics",
    "REPLAY_ADDED_COLUMNS": "replay_tables",
    "REPLAY_CONFIG_COLUMNS": "replay_tables",
    "REPLAY_DIR": "replay_tables",
    "REPLAY_HISTORY_COLUMNS": "replay_tables",
    "REPLAY_SCHEMA": "replay_tables",
    "round_history": "replay_tables",
    "REPLAY_DECIMALS": "replay_tables",
    "MAX_FORCE_GRID": "landscape",
    "load_replay": "replay_tables",
    "fast_suggest": "strategies.fast",
    "run_fast": "strategies.fast",
    "run_grid": "strategies.grid",
    "run_random": "strategies.random_search",
    "RENAMED": "strategies.registry",
    "STRATEGIES": "strategies.registry",
    "SearchFunction": "strategies.registry",
    "Strategy": "strategies.registry",
    "check_strategy_name": "strategies.registry",
    "get_strategy": "strategies.registry",
    "register_strategy": "strategies.registry",
    "strategy_names": "strategies.registry",
    "BO_ACQUISITIONS": "strategies.skopt_bo",
    "FastGP": "strategies.skopt_bo",
    "make_bo_optimizer": "strategies.skopt_bo",
    "prepare_next_fit": "strategies.skopt_bo",
    "run_skopt": "strategies.skopt_bo",
    "SHORT_CRYSTAL_RULES": "feasibility",
    "DEFAULT_SHORT_CRYSTALS": "feasibility",
    "ASKED_LENGTH": "feasibility",
    "check_short_crystals": "feasibility",
    "measured_crystal": "feasibility",
    "told": "feasibility",
    "lengthened": "feasibility",
    "CRYSTAL": "outcomes",
    "campaign_table": "outcomes",
    "wilson": "outcomes",
    "outcome_summary": "outcomes",
    "compare_rules": "outcomes",
    "liang_top_count": "outcomes",
    "liang_enhancement": "outcomes",
    "OPTIMISER_LABELS": "outcomes",
    "optimiser_label": "outcomes",
    "TARGET_FRACTIONS": "baselines",
    "grid_costs": "baselines",
    "random_search_cost": "baselines",
    "baseline_table": "baselines",
    "first_hits": "baselines",
    "ratio_choices": "baselines",
    "plot_ratio_choices": "baselines",
}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
