"""Chapter 5: from molecules to crystals, the directional Young's modulus and anisotropy.

Modules
-------
derivatives
    Illustrative N-salicylideneaniline derivatives scored by the study's rules (not the study's compounds).
tensors
    Stiffness matrices: validation, Voigt and tensor forms, rotation, E(n) along directions.
anisotropy
    Summaries of one crystal (principal and extreme moduli, anisotropy indices, plates) and of many.
plates
    Plates cut in stated orientations.
correlations
    Spearman correlations against permutation nulls, bootstrap intervals.
plausibility
    Plausibility of published stiffness tensors.
figures
    Plane sections and the modulus surface of one crystal.
explorer
    The crystal anisotropy explorer (ipywidgets) and its static figure.

Every public name of these modules is also an attribute of the package,
imported on first use (``from mlcrystal.crystal import agreement_by_compound``).
"""

from __future__ import annotations

from mlcrystal.lazy import attach

__all__ = ["derivatives", "tensors", "anisotropy", "plates", "correlations", "plausibility", "figures", "explorer",
           "ANISOTROPY_FIGSIZE", "HILL_FOLD_BOUND", "MIN_SHEAR_GPA", "PLANES", "PLATE_ORIENTATIONS",
           "VOIGT_INDEX", "agreement_by_compound", "anisotropy_explorer", "anisotropy_explorer_figure",
           "anisotropy_ratio", "anisotropy_readout", "anisotropy_table", "bootstrap_interval",
           "correlation_evidence", "correlation_report", "illustrative_derivatives", "SALICYLIDENEANILINE",
           "compliance_tensor", "crystal_options", "direction_from_angles", "directional_youngs_modulus",
           "extreme_youngs_moduli", "fibonacci_sphere", "isotropic_stiffness", "meridian_section",
           "permutation_test", "plane_basis", "plate_moduli", "plate_orientation_table", "plate_orientations",
           "plot_modulus_surface", "plot_plane_sections", "principal_moduli", "ratio_spearman_rho",
           "rotate_stiffness", "spearman_rho", "stiffness_problem", "study_compounds",
           "summarise_plate_orientations", "tensor_plausibility", "tensor_to_voigt",
           "thickness_length_correlation", "ordered_permutation_test", "scale_removed",
           "universal_anisotropy_index", "validate_stiffness",
           "voigt_reuss_moduli", "voigt_to_tensor", "youngs_modulus_in_plane"]

#: The package's modules, imported on first use.
_SUBMODULES = ("derivatives", "tensors", "anisotropy", "plates", "correlations", "plausibility", "figures", "explorer")

#: Where each public name lives (``tests/test_architecture.py`` checks this against the modules' ``__all__``).
_EXPORTS = {
    "agreement_by_compound": "anisotropy",
    "anisotropy_ratio": "anisotropy",
    "anisotropy_table": "anisotropy",
    "extreme_youngs_moduli": "anisotropy",
    "plane_basis": "anisotropy",
    "plate_moduli": "anisotropy",
    "principal_moduli": "anisotropy",
    "universal_anisotropy_index": "anisotropy",
    "voigt_reuss_moduli": "anisotropy",
    "youngs_modulus_in_plane": "anisotropy",
    "bootstrap_interval": "correlations",
    "permutation_test": "correlations",
    "ordered_permutation_test": "correlations",
    "scale_removed": "correlations",
    "ratio_spearman_rho": "correlations",
    "spearman_rho": "correlations",
    "correlation_evidence": "correlations",
    "correlation_report": "correlations",
    "SALICYLIDENEANILINE": "derivatives",
    "illustrative_derivatives": "derivatives",
    "thickness_length_correlation": "correlations",
    "ANISOTROPY_FIGSIZE": "explorer",
    "anisotropy_explorer": "explorer",
    "anisotropy_explorer_figure": "explorer",
    "anisotropy_readout": "explorer",
    "crystal_options": "explorer",
    "meridian_section": "explorer",
    "plot_modulus_surface": "figures",
    "plot_plane_sections": "figures",
    "PLATE_ORIENTATIONS": "plates",
    "plate_orientation_table": "plates",
    "plate_orientations": "plates",
    "summarise_plate_orientations": "plates",
    "HILL_FOLD_BOUND": "plausibility",
    "MIN_SHEAR_GPA": "plausibility",
    "tensor_plausibility": "plausibility",
    "PLANES": "tensors",
    "VOIGT_INDEX": "tensors",
    "compliance_tensor": "tensors",
    "direction_from_angles": "tensors",
    "directional_youngs_modulus": "tensors",
    "fibonacci_sphere": "tensors",
    "isotropic_stiffness": "tensors",
    "rotate_stiffness": "tensors",
    "stiffness_problem": "tensors",
    "study_compounds": "tensors",
    "tensor_to_voigt": "tensors",
    "validate_stiffness": "tensors",
    "voigt_to_tensor": "tensors",
}


__getattr__, __dir__ = attach(__name__, _SUBMODULES, _EXPORTS)
