"""mlcrystal: a teaching and replication kit for machine-learning-driven
optimisation of output force in photo-actuated organic crystals.

Modules (one per concept, imported on demand so that ``import mlcrystal`` is
fast and touches no network):

- :mod:`mlcrystal.datasets`: pinned upstream data, validated loaders, cleaning
- :mod:`mlcrystal.features`: RDKit fragment counts, correlation pruning
- :mod:`mlcrystal.design`: the study's LASSO protocol and sounder alternatives
- :mod:`mlcrystal.elasticity`: directional Young's modulus, anisotropy
- :mod:`mlcrystal.landscape`: a calibrated blocking-force simulator
- :mod:`mlcrystal.campaign`: Bayesian optimisation, grid and random search
- :mod:`mlcrystal.metrics`: experiments-to-target, efficiency ratios, AF/EF
- :mod:`mlcrystal.plotting`: the book's figure style
"""

__version__ = "0.1.0"
