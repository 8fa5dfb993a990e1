"""The strategy registry: each strategy's name, search function and the options it accepts.

The built-in strategies are ``"skopt"`` (:mod:`~mlcrystal.force.strategies.skopt_bo`),
``"fast"`` (:mod:`~mlcrystal.force.strategies.fast`), ``"grid"``
(:mod:`~mlcrystal.force.strategies.grid`), ``"random"``
(:mod:`~mlcrystal.force.strategies.random_search`) and ``"authors"``
(:mod:`mlcrystal.force.authors`). Every search follows the laboratory protocol of
:mod:`mlcrystal.force.lab`: it measures with :func:`~mlcrystal.force.lab.measure`
and returns the measured blocks, which :func:`~mlcrystal.force.lab.finish` joins.
The names ``"bo"`` and ``"paper"`` of earlier versions are refused with the new
name (:data:`RENAMED`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, KeysView, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from mlcrystal.force.authors import AUTHORS_OPTIONS, run_authors
from mlcrystal.force.strategies.fast import run_fast
from mlcrystal.force.strategies.grid import run_grid
from mlcrystal.force.strategies.random_search import run_random
from mlcrystal.force.strategies.skopt_bo import run_skopt

__all__ = ["SearchFunction", "Strategy", "STRATEGIES", "RENAMED", "register_strategy", "strategy_names",
           "get_strategy", "check_strategy_name"]

#: A strategy's search: ``search(landscape, first, n_search, rng, noise, bounds, **options)``
#: returns the measured blocks (each a DataFrame from :func:`mlcrystal.force.lab.measure`)
#: after the initial design ``first``.
SearchFunction = Callable[..., list[pd.DataFrame]]

#: Strategy names of earlier versions and their names now; the old names are refused.
RENAMED: Mapping[str, str] = MappingProxyType({"bo": "skopt", "paper": "fast"})


@dataclass(frozen=True)
class Strategy:
    """One entry of the strategy registry (see :func:`register_strategy`)."""

    search: SearchFunction
    options: frozenset[str]
    min_initial: int = 0


_REGISTRY: dict[str, Strategy] = {}

#: The strategies :func:`~mlcrystal.force.campaigns.run_campaign` knows (a live view of the registry).
STRATEGIES: KeysView[str] = _REGISTRY.keys()


def check_strategy_name(name: object) -> str:
    """Return ``name`` when it is a registered strategy; refuse it, naming the valid ones, otherwise.

    Examples
    --------
    >>> check_strategy_name("fast")
    'fast'
    >>> check_strategy_name("paper")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: strategy 'paper' was renamed 'fast'; use strategy='fast' (strategies: skopt, fast, ...).
    """
    names = ", ".join(strategy_names())
    if isinstance(name, str) and name in RENAMED and name not in _REGISTRY:
        raise ValueError(f"strategy {name!r} was renamed {RENAMED[name]!r}; use strategy={RENAMED[name]!r} "
                         f"(strategies: {names}).")
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(f"strategy must be one of {strategy_names()}; got {name!r}.")
    return name


def strategy_names() -> tuple[str, ...]:
    """The registered strategies' names, in the order they were registered.

    Examples
    --------
    >>> strategy_names()[:5]
    ('skopt', 'fast', 'grid', 'random', 'authors')
    """
    return tuple(_REGISTRY)


def get_strategy(name: str) -> Strategy:
    """The registry entry of strategy ``name`` (old names refused, see :func:`check_strategy_name`).

    Examples
    --------
    >>> sorted(get_strategy("grid").options)
    ['kind', 'levels', 'order', 'short_crystals']
    """
    return _REGISTRY[check_strategy_name(name)]


def register_strategy(name: str, search: SearchFunction, options: Iterable[str], min_initial: int = 0) -> None:
    """Make ``name`` a strategy of :func:`~mlcrystal.force.campaigns.run_campaign` (and of the command line).

    Parameters
    ----------
    name : str
        The strategy's name.
    search : callable
        ``search(landscape, first, n_search, rng, noise, bounds, **options)``:
        runs the search after the measured initial design ``first`` and
        returns the measured blocks (each from the landscape, in order),
        ``n_search`` experiments in all; every random step draws from the
        campaign's generator ``rng``.
    options : iterable of str
        The keyword options ``search`` accepts (anything else is refused).
        ``search`` measures with :func:`mlcrystal.force.lab.measure`.
    min_initial : int, default 0
        Smallest initial design the strategy can start from.

    Examples
    --------
    >>> {"skopt", "fast", "grid", "random", "authors"} <= set(STRATEGIES)
    True
    """
    if name in RENAMED:
        raise ValueError(f"{name!r} is the old name of strategy {RENAMED[name]!r}; choose another name.")
    _REGISTRY[name] = Strategy(search, frozenset(options), int(min_initial))


register_strategy("skopt", run_skopt, {"acq", "kappa", "xi", "n_points", "gp_restarts", "refit_every",
                                       "short_crystals"}, min_initial=2)
register_strategy("fast", run_fast, {"kappa", "n_candidates", "gp_restarts", "n_extra", "short_crystals"},
                  min_initial=2)
register_strategy("grid", run_grid, {"levels", "order", "kind", "short_crystals"})
register_strategy("random", run_random, {"short_crystals"})
register_strategy("authors", run_authors, AUTHORS_OPTIONS, min_initial=2)
