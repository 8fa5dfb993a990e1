"""mlcrystal: a teaching and replication kit for machine-learning-driven
optimisation of output force in photo-actuated organic crystals.

The package mirrors the book. Its parts are imported on first use, so that
``import mlcrystal`` is fast and touches no network
(``mlcrystal.force.run_campaign`` imports the force half when it is first read).

Shared foundations
------------------
study
    Every published fact of the study, each with its source.
seeding
    The one random-state convention (``random_state``, child streams).
datasets
    The pinned upstream data, validated loaders, cleaning, the correction table, package data.
plotting
    The book's figure style and table formatting.

The two halves, chapter 5 and the command line
----------------------------------------------
rules
    The design-rules half (chapters 1-4): audit, curation, features, the study's LASSO,
    partition statistics, representations, the ``rules`` report.
crystal
    Chapter 5: stiffness tensors, directional Young's modulus, anisotropy, its explorer.
force
    The force half (chapters 6-7): the laboratory protocol, landscapes, the ensemble, strategies,
    the authors' loop, campaigns, metrics, stored replays, the landscape explorer.
cli
    The command line (``python -m mlcrystal``, console script ``mlcrystal``).
"""

from __future__ import annotations

from mlcrystal.lazy import attach

__all__ = ["study", "seeding", "datasets", "plotting", "rules", "crystal", "force", "cli", "__version__"]

__version__ = "0.1.0"

#: The package's modules and subpackages, imported on first use.
_SUBMODULES = ("study", "seeding", "datasets", "plotting", "rules", "crystal", "force", "cli")


__getattr__, __dir__ = attach(__name__, _SUBMODULES)
