"""Every published fact of the study that the kit uses, each with its source.

The study: "Machine Learning-Driven Optimization of Output Force in
Photo-Actuated Organic Crystals", Digital Discovery (Royal Society of
Chemistry), Waseda University; code and data at
github.com/kazuki143/Machine-Learning-Driven-Optimization-of-Output-Force-in-Photo--Actuated-Organic-Crystals
(commit 5027fdb9887852a7faa535807a3c92ae89407add, MIT).

Sources named below:

* *article*: the published article and its summaries;
* *code*: the authors' repository at the commit above
  (``LASSO_regression/`` and ``Bayesian_optimization/``);
* *data*: the repository's data files (``Youngs_modulus_dataset.xlsx``,
  ``initial_dataset.xlsx``).

This module holds numbers and names only: no computation, no imports from the
rest of the package. Everything the kit assumes, calibrates or invents lives
beside the code that uses it (for example :mod:`mlcrystal.force.landscape`), never
here. Mappings are read-only.

For example:

>>> from mlcrystal import study
>>> study.BENDING_MODULI_GPA[3]
0.677
>>> study.CLAIMED_EFFICIENCY_VS_GRID
73.0
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["N_LITERATURE_MODULI", "N_LITERATURE_SOURCES", "DROPPED_FRAGMENTS", "N_DESIGN_COLUMNS", "RDKIT_VERSION",
           "CORRELATION_SIGNS", "LASSO_TEST_SIZE", "LASSO_SPLIT_SEED", "LASSO_CV_FOLDS", "LASSO_CV_SEED",
           "LASSO_ALPHA_GRID", "LASSO_MAX_ITER", "LASSO_TARGET_NONZERO", "LASSO_RESULT", "LASSO_STABILITY_ALPHAS",
           "RULE_NAMES", "BENDING_MODULI_GPA", "NANOINDENTATION_GROUPS", "COMPOUND_LABELS", "LIBRARIES",
           "SEARCH_BOUNDS", "MAX_INTENSITY_MW_CM2", "INITIAL_INTENSITY_FRACTIONS", "UCB_KAPPA", "AUTHORS_N_INITIAL",
           "AUTHORS_OPTIMIZER_SEED", "AUTHORS_SUCCESS_FRACTION", "AUTHORS_SUCCESS_GRID_LEVELS", "GAUSSIAN_PEAK",
           "GAUSSIAN_CENTRE", "GAUSSIAN_SD", "RECORD_TRAJECTORY_MN", "N_EXPERIMENTS", "BEST_FORCE_MN",
           "BEST_COMPOUND", "PREVIOUS_MAXIMUM_MN", "CLAIMED_EFFICIENCY_VS_GRID", "COMPOUND3_DIHEDRAL_DEG"]

# ---------------------------------------------------------------------------
# 1. Data collection
# ---------------------------------------------------------------------------
#: Young's modulus values in the literature data set (article; data: 393 rows).
N_LITERATURE_MODULI = 393
#: Papers the values were mined from (article: 118; data: 118 distinct DOIs).
N_LITERATURE_SOURCES = 118

# ---------------------------------------------------------------------------
# 2. Substructure vectorisation
# ---------------------------------------------------------------------------
#: The 14 fragment columns the study removed by hand as highly inter-correlated (code).
DROPPED_FRAGMENTS: tuple[str, ...] = (
    "fr_Al_COO", "fr_COO2", "fr_Al_OH_noTert", "fr_phenol", "fr_phenol_noOrthoHbond",
    "fr_Nhpyrrole", "fr_ArN", "fr_NH1", "fr_hdrzine", "fr_nitro_arom_nonortho",
    "fr_C_O_noCOO", "fr_dihydropyridine", "fr_ether", "fr_ketone_Topliss",
)
#: Width of the design matrix the study reports (article; RDKit 2024.3.5).
N_DESIGN_COLUMNS = 45
#: RDKit release the study's 45 columns come from (code's environment).
RDKIT_VERSION = "2024.3.5"
#: Signs of the correlations of the kept columns with E (article): positive, negative.
CORRELATION_SIGNS = MappingProxyType({"positive": 18, "negative": 27})

# ---------------------------------------------------------------------------
# 3. LASSO design rules (code: LASSO_regression/)
# ---------------------------------------------------------------------------
#: ``train_test_split`` settings of the study (code).
LASSO_TEST_SIZE = 0.2
LASSO_SPLIT_SEED = 42
#: ``KFold(5, shuffle=True, random_state=42)`` on the training part (code).
LASSO_CV_FOLDS = 5
LASSO_CV_SEED = 42
#: The alphas searched: ``np.logspace(-4, 1, 50)`` (code), as (start, stop, num).
LASSO_ALPHA_GRID = (-4.0, 1.0, 50)
#: ``Lasso(alpha, max_iter=5000)`` (code).
LASSO_MAX_ITER = 5000
#: The selection score favours models with this many non-zero coefficients (code).
LASSO_TARGET_NONZERO = 8
#: The study's published LASSO result (article).
LASSO_RESULT: Mapping[str, Any] = MappingProxyType({
    "alpha": 0.7543,
    "intercept": 13.54,
    "test_r2": 0.302,
    "mae_train": 6.03,
    "mae_test": 5.54,
    "coefficients": MappingProxyType({
        "fr_Al_OH": 1.365, "fr_nitro": 0.946, "fr_COO": 0.337, "fr_NH2": 0.336,
        "fr_Ar_OH": -0.852, "fr_halogen": -1.050, "fr_benzene": -1.566,
    }),
})
#: The alpha range over which the article shows the coefficients' stability (21 values).
LASSO_STABILITY_ALPHAS = (0.5, 1.0, 21)
#: The article's names of the fragments in its design rules.
RULE_NAMES = MappingProxyType({
    "fr_Al_OH": "aliphatic hydroxyl groups",
    "fr_nitro": "nitro groups",
    "fr_COO": "carboxylic acids",
    "fr_NH2": "amino groups (primary amines)",
    "fr_Ar_OH": "aromatic hydroxyl groups",
    "fr_halogen": "halogens",
    "fr_benzene": "benzene rings",
})

# ---------------------------------------------------------------------------
# 4. Designed crystals
# ---------------------------------------------------------------------------
#: Bending-test Young's moduli (GPa, length direction of the plate crystals)
#: of the study's salicylideneamine compounds, by compound number (code and
#: article). Compound 6 has none. The nanoindentation values and the
#: structures of compounds 1-10 are not public.
BENDING_MODULI_GPA = MappingProxyType({
    1: 1.92, 2: 0.602, 3: 0.677, 4: 1.83, 5: 1.25, 7: 3.55, 8: 2.29, 9: 0.664, 10: 1.83,
})
#: How the article grouped its ten compounds by nanoindentation (thickness
#: direction): 1-3 stiffer than 4-6, as the rules predicted; 7-10 halogenated
#: and against the rules. Only this ordering is public.
NANOINDENTATION_GROUPS = MappingProxyType({
    **dict.fromkeys((1, 2, 3), "1-3: stiffer by nanoindentation"),
    **dict.fromkeys((4, 5, 6), "4-6: softer by nanoindentation"),
    **dict.fromkeys((7, 8, 9, 10), "7-10: halogenated"),
})
#: The labels the data files use for the two crystals with force measurements (data).
COMPOUND_LABELS = MappingProxyType({"2-naph": 5, "p-Cl": 9})
#: Compounds in the force library: the published code lists 9 moduli; the
#: article's library omits 6 and 7 (a discrepancy of the sources).
LIBRARIES = MappingProxyType({
    "published": (1, 2, 3, 4, 5, 7, 8, 9, 10),
    "article": (1, 2, 3, 4, 5, 8, 9, 10),
})

# ---------------------------------------------------------------------------
# 5. Blocking-force optimisation (code: Bayesian_optimization/)
# ---------------------------------------------------------------------------
#: The search box (code): modulus (GPa), length, width, thickness (um), intensity (mW/cm^2).
SEARCH_BOUNDS = MappingProxyType({
    "E_GPa": (0.5, 4.0),
    "L_um": (0.0, 3000.0),
    "W_um": (200.0, 2000.0),
    "T_um": (50.0, 500.0),
    "P_mW_cm2": (21.0, 2080.0),
})
#: Highest intensity of the study's lamp (mW/cm^2; article and data).
MAX_INTENSITY_MW_CM2 = 2080.0
#: Intensities of the initial measurements: 10, 25, 50, 75, 100 % of the maximum (data).
INITIAL_INTENSITY_FRACTIONS = (0.10, 0.25, 0.50, 0.75, 1.00)
#: UCB exploration weight chosen by the authors' pre-simulation (code, article).
UCB_KAPPA = 5.0
#: Random initial points of the authors' simulation mode (code).
AUTHORS_N_INITIAL = 5
#: ``random_state`` the authors' loop rebuilds its optimiser with at every step (code).
AUTHORS_OPTIMIZER_SEED = 1
#: Success in the authors' simulation: best >= min + 0.9 (max - min) (code).
AUTHORS_SUCCESS_FRACTION = 0.9
#: Levels per continuous variable of the grid the authors' code takes max and min on (code).
AUTHORS_SUCCESS_GRID_LEVELS = 30
#: The authors' 5-D Gaussian test function (code): peak, centre and spread.
#: The code evaluates P in mW/cm^2 as written (centre 50, sd 40); its P-loop
#: bounds 1-100 hint that percent of the maximum was meant. Both readings are
#: options of :class:`mlcrystal.force.landscape.GaussianLandscape`.
GAUSSIAN_PEAK = 15.0
GAUSSIAN_CENTRE = MappingProxyType({"E_GPa": 2.0, "L_um": 2000.0, "W_um": 1200.0, "T_um": 120.0,
                                    "P": 50.0})
GAUSSIAN_SD = MappingProxyType({"E_GPa": 1.5, "L_um": 1000.0, "W_um": 350.0, "T_um": 70.0, "P": 40.0})
#: The study's successive best blocking forces over about 100 experiments (article), mN.
RECORD_TRAJECTORY_MN = (9.8, 16.0, 26.8, 34.4, 37.0)
#: Number of experiments of the campaign (article: "about 100").
N_EXPERIMENTS = 100
#: The best force found (article), mN; assumed by the article to be the global maximum.
BEST_FORCE_MN = 37.0
#: The compound of the best force (article).
BEST_COMPOUND = 3
#: The largest blocking force previously reported for such crystals (article), mN.
PREVIOUS_MAXIMUM_MN = 10.0
#: The article's claim: at least this many times as efficient as grid search.
#: How it was computed is not in the public material.
CLAIMED_EFFICIENCY_VS_GRID = 73.0
#: Dihedral between the salicylidene and phenyl planes of compound 3 (article), degrees.
COMPOUND3_DIHEDRAL_DEG = 51.58
