"""The search strategies of a campaign, each following :mod:`mlcrystal.force.lab`'s protocol.

Modules
-------
skopt_bo
    ``"skopt"``: Bayesian optimisation with :class:`skopt.Optimizer`.
fast
    ``"fast"``: the kit's fast approximation of the study's UCB loop.
grid
    ``"grid"``: a full factorial grid.
random_search
    ``"random"``: uniform random sampling of the search box.
registry
    The registry of strategies (the authors' loop, ``"authors"``, is :mod:`mlcrystal.force.authors`).

Every public name of these modules is also an attribute of the package,
imported on first use (``from mlcrystal.force.strategies import FastGP``).
"""

from __future__ import annotations

from mlcrystal.lazy import attach

__all__ = ["skopt_bo", "fast", "grid", "random_search", "registry", "BO_ACQUISITIONS", "FastGP", "RENAMED",
           "STRATEGIES", "SearchFunction", "Strategy", "check_strategy_name", "fast_suggest", "get_strategy",
           "make_bo_optimizer", "prepare_next_fit", "register_strategy", "run_fast", "run_grid", "run_random",
           "run_skopt", "strategy_names"]

#: The package's modules, imported on first use.
_SUBMODULES = ("skopt_bo", "fast", "grid", "random_search", "registry")

#: Where each public name lives (``tests/test_architecture.py`` checks this against the modules' ``__all__``).
_EXPORTS = {
    "fast_suggest": "fast",
    "run_fast": "fast",
    "run_grid": "grid",
    "run_random": "random_search",
    "RENAMED": "registry",
    "STRATEGIES": "registry",
    "SearchFunction": "registry",
    "Strategy": "registry",
    "check_strategy_name": "registry",
    "get_strategy": "registry",
    "register_strategy": "registry",
    "strategy_names": "registry",
    "BO_ACQUISITIONS": "skopt_bo",
    "FastGP": "skopt_bo",
    "make_bo_optimizer": "skopt_bo",
    "prepare_next_fit": "skopt_bo",
    "run_skopt": "skopt_bo",
}


__getattr__, __dir__ = attach(__name__, _SUBMODULES, _EXPORTS)
