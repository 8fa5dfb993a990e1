"""Optimisation campaigns on a blocking-force landscape: one loop, four strategies.

A *campaign* replays what the study did in the laboratory: start from a few
measured crystals, then choose the next experiment, measure it, and repeat
until the budget of experiments is spent. The landscape (any object with the
interface of :class:`mlcrystal.force.landscape.BlockingForceLandscape`: ``compounds``,
``moduli``, ``force``, ``snap``, ``initial_design``) plays the laboratory.

Strategies
----------
``"skopt"``
    Bayesian optimisation with :class:`skopt.Optimizer` (ask/tell), a
    Gaussian-process surrogate and the EI, LCB, PI or gp_hedge acquisition.
    The compound is a categorical variable; L, W, T and P are real.
``"fast"``
    The study's protocol: a Gaussian process (Matern nu=2.5, alpha=1e-6,
    normalize_y=True, 5 optimizer restarts) on inputs z-scored over the
    observed points, the upper confidence bound mu + kappa * sigma with
    the study's kappa (:data:`mlcrystal.study.UCB_KAPPA`), the bending modulus
    searched as a real number and snapped to the nearest modulus of the
    library, and each suggested crystal measured at the suggested intensity
    plus four more (see :func:`~mlcrystal.force.lab.extra_intensities`).
``"grid"``
    A full factorial grid (:func:`~mlcrystal.force.lab.grid_points`) visited in a seeded random
    order (default) or in lexicographic order.
``"random"``
    Uniform random sampling of the search box (:func:`~mlcrystal.force.lab.random_design`).

Every strategy first measures an initial design: the study's 10 initial
conditions (``initial="study"``) or a seeded random design
(``initial="random"``), and every suggested size goes through
``landscape.snap(L, T)`` (the nearest crystal that can be tested) before it is
measured; what the strategy is told for a crystal so lengthened is the
short-crystal rule, ``short_crystals=`` (:mod:`mlcrystal.force.feasibility`).
A strategy is one entry of a registry
(:func:`~mlcrystal.force.strategies.registry.register_strategy`): a search
function and the options it accepts.

Randomness follows :mod:`mlcrystal.seeding`: every public function takes
``random_state`` (None, an int >= 0 or a :class:`numpy.random.Generator`), a
campaign draws every random step from one generator, and the only ints made
from it are the seeds scikit-optimize and scikit-learn ask for
(:func:`mlcrystal.seeding.int_seed`).
"""

from __future__ import annotations

import sys
from collections.abc import Hashable, Iterable, Iterator
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from tqdm import tqdm

from mlcrystal.force.authors import authors_initial_design
from mlcrystal.force.feasibility import DEFAULT_SHORT_CRYSTALS, check_short_crystals
from mlcrystal.force.lab import HISTORY_COLUMNS, Bounds, Laboratory, check_bounds, finish, measure, random_design
from mlcrystal.force.strategies.registry import get_strategy
from mlcrystal.seeding import RandomState, check_random_state

__all__ = ["run_campaign", "CampaignJob", "iter_campaigns", "run_campaigns", "MACHINE_INDEPENDENT", "NOT_COMPARABLE",
           "compare_with_stored"]


def run_campaign(landscape: Laboratory, strategy: str = "skopt", budget: int = 100, random_state: RandomState = None,
                 initial: str | pd.DataFrame | None = "study", noise: float = 0.0, n_initial: int = 10,
                 bounds: Bounds | None = None, **options: Any) -> pd.DataFrame:
    """Run one optimisation campaign and return its history.

    Parameters
    ----------
    landscape : object
        The laboratory: ``compounds``, ``moduli``, ``force(...)``,
        ``snap(L, T)`` and ``initial_design()`` as in
        :class:`mlcrystal.force.landscape.BlockingForceLandscape`.
    strategy : {"skopt", "fast", "grid", "random", "authors"}
        See the module docstring (and :func:`~mlcrystal.force.strategies.registry.register_strategy`).
    budget : int, default 100
        Total number of experiments (measurements), initial ones included.
    random_state : None, int >= 0 or numpy.random.Generator
        Seeds every random step (design, optimiser, grid order, noise).
    initial : {"study", "random", "authors", "none"} or DataFrame
        The study's 10 initial conditions, ``n_initial`` random conditions,
        none (grid and random only), or your own conditions.
    noise : float, default 0
        Relative (multiplicative) Gaussian measurement noise.
    n_initial : int, default 10
        Size of the random initial design.
    bounds : dict, optional
        Search box; defaults to :data:`mlcrystal.study.SEARCH_BOUNDS`.
    **options
        Strategy options: ``skopt``: acq ("gp_hedge"), kappa (1.96), xi (0.01),
        n_points (1000), gp_restarts (0), refit_every (5); ``fast``: kappa
        (:data:`mlcrystal.study.UCB_KAPPA`), n_candidates (10000), gp_restarts
        (5), n_extra (0, the published ``n_trial_P``); every built-in strategy:
        short_crystals (``"register-measured"``, the default, ``"register-asked"`` or
        ``"refuse"``: what is measured and told for a crystal shorter than
        the beam model's limit, :mod:`mlcrystal.force.feasibility`); ``authors``: see
        :func:`mlcrystal.force.authors.run_authors`; ``grid``: levels (3, or a dict per variable), kind
        ("centres" or "edges"), order
        ("random" or "lexicographic").

    Returns
    -------
    pandas.DataFrame
        One row per experiment: ``experiment`` (1, 2, ...), ``phase``
        ("initial" or "search"), ``compound, E_GPa, L_um, W_um, T_um,
        P_mW_cm2`` (as measured, after snapping), ``force_mN`` (measured),
        ``best_mN`` (best measured so far) and ``true_mN`` (the noise-free
        force of the same crystal, equal to ``force_mN`` when ``noise=0``).

    Examples
    --------
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> h = run_campaign(GaussianLandscape(), "random", budget=12, random_state=0, initial="random", n_initial=4)
    >>> h.shape, int((h.phase == "search").sum())
    ((12, 11), 8)
    """
    spec = get_strategy(strategy)
    unknown = set(options) - spec.options
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)} for strategy {strategy!r}; "
                         f"accepted: {sorted(spec.options)}.")
    if not isinstance(budget, Integral) or budget < 1:
        raise ValueError(f"budget must be a positive integer number of experiments; got {budget!r}.")
    if not isinstance(noise, Real) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a relative standard deviation >= 0 (e.g. 0.05); got {noise!r}.")
    if not isinstance(n_initial, Integral) or n_initial < 1:
        raise ValueError(f"n_initial must be a positive integer; got {n_initial!r}.")
    checked = check_bounds(bounds)
    rng = check_random_state(random_state)

    init = _initial(landscape, initial, n_initial, rng, checked)
    if len(init) < spec.min_initial:
        raise ValueError(f"strategy {strategy!r} needs an initial design of at least {spec.min_initial} "
                         f"experiments; got {len(init)}. Use initial='study' or 'random'.")
    if len(init) > budget:
        raise ValueError(f"budget ({budget}) is smaller than the initial design ({len(init)} experiments); "
                         "raise the budget.")
    rule = check_short_crystals(options.get("short_crystals", DEFAULT_SHORT_CRYSTALS))
    first = measure(landscape, init, noise, rng, rule) if len(init) else init.assign(force_mN=[], true_mN=[])
    search = spec.search(landscape, first, budget - len(first), rng, noise, checked, **options)
    return finish([first] + search, ["initial"] + ["search"] * len(search))


def _one(landscape, strategy, seed, kwargs):
    return run_campaign(landscape, strategy, random_state=seed, **kwargs).assign(seed=seed)


def _keyed(key: Hashable, landscape: Laboratory, strategy: str, seed: int,
           kwargs: dict) -> tuple[Hashable, pd.DataFrame]:
    return key, _one(landscape, strategy, seed, kwargs)


#: One campaign to run: ``(key, strategy, seed, run_campaign keyword arguments)``.
CampaignJob = tuple[Hashable, str, int, dict]


def iter_campaigns(landscape: Laboratory, jobs: Iterable[CampaignJob], n_jobs: int | None = None,
                   client: Any = None) -> Iterator[tuple[Hashable, pd.DataFrame]]:
    """Run campaigns and yield ``(key, history)`` as each one finishes (in any order).

    Parameters
    ----------
    landscape : object
        As for :func:`run_campaign` (it must pickle for ``n_jobs > 1`` or a client).
    jobs : iterable of (key, strategy, seed, kwargs)
        ``kwargs`` go to :func:`run_campaign`; ``key`` identifies the result.
    n_jobs : int or None, default None
        joblib workers; ``None`` or 1 runs in this process, one campaign after another.
    client : dask.distributed.Client, optional
        Run on this Dask cluster instead (``n_jobs`` is then ignored); the
        landscape is sent to the workers once.

    Yields
    ------
    (key, pandas.DataFrame)
        The history has a leading ``seed`` column.

    Examples
    --------
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> jobs = [(s, "random", s, {"budget": 3, "initial": "none"}) for s in (0, 1)]
    >>> sorted(k for k, h in iter_campaigns(GaussianLandscape(), jobs))
    [0, 1]
    """
    jobs = list(jobs)
    for _, _, seed, _ in jobs:
        check_random_state(seed)  # refuse negative or non-integer seeds before any work
    if n_jobs is not None and (not isinstance(n_jobs, Integral) or n_jobs == 0):
        raise ValueError(f"n_jobs must be None or a non-zero integer (joblib convention); got {n_jobs!r}.")
    if client is not None:
        from dask.distributed import as_completed  # optional: only a Dask run needs it

        land = client.scatter(landscape, broadcast=True)
        futures = [client.submit(_keyed, key, land, strategy, seed, kwargs, pure=False)
                   for key, strategy, seed, kwargs in jobs]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            client.cancel(futures)
    elif n_jobs is None or n_jobs == 1:
        for key, strategy, seed, kwargs in jobs:
            yield _keyed(key, landscape, strategy, seed, kwargs)
    else:
        tasks = (delayed(_keyed)(key, landscape, strategy, seed, kwargs) for key, strategy, seed, kwargs in jobs)
        yield from Parallel(n_jobs=n_jobs, return_as="generator_unordered")(tasks)


def _check_seeds(seeds: int | Iterable[int]) -> list[int]:
    if isinstance(seeds, Integral) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ValueError(f"seeds must be a positive count or a list of ints >= 0; got {seeds!r}.")
        return list(range(int(seeds)))
    if not isinstance(seeds, Iterable) or isinstance(seeds, str):
        raise ValueError(f"seeds must be a positive count or a list of ints >= 0; got {seeds!r}.")
    out: list[int] = []
    for s in seeds:
        if not isinstance(s, Integral) or isinstance(s, bool) or s < 0:
            raise ValueError(f"seeds must be ints >= 0; got {s!r}. Pass e.g. seeds=[0, 1, 2].")
        out.append(int(s))
    if not out:
        raise ValueError("seeds is empty; pass a positive count or a list of ints >= 0.")
    return out


def run_campaigns(landscape: Laboratory, strategy: str = "skopt", seeds: int | Iterable[int] = 10,
                  n_jobs: int | None = None,
                  progress: bool = False, client: Any = None, **kwargs: Any) -> pd.DataFrame:
    """Run many seeded campaigns (in parallel if asked) and stack their histories.

    Parameters
    ----------
    landscape : object
        As for :func:`run_campaign` (must be picklable when ``n_jobs > 1``).
    strategy : str
    seeds : int or sequence of int
        ``n`` means seeds ``0 .. n-1``; seeds are ints >= 0.
    n_jobs : int or None, default None
        joblib workers; ``None`` is one worker (this process). The command
        line uses every core of the machine.
    progress : bool
        Show a progress bar (tqdm) of campaigns done, rate and time left on stderr.
    client : dask.distributed.Client, optional
        Run on a Dask cluster (see :func:`iter_campaigns`).
    **kwargs
        Passed to :func:`run_campaign` (budget, initial, noise, options).

    Returns
    -------
    pandas.DataFrame
        The histories with a leading ``seed`` column, ordered by seed.

    Examples
    --------
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> lab = GaussianLandscape()  # the study's 5-D Gaussian test function
    >>> h = run_campaigns(lab, "random", seeds=3, budget=5, initial="random", n_initial=2)
    >>> sorted(h.seed.unique().tolist())
    [0, 1, 2]
    """
    seed_list = _check_seeds(seeds)
    jobs = [(s, strategy, s, kwargs) for s in seed_list]
    parts = []
    with tqdm(total=len(jobs), desc=strategy, unit=" campaigns", disable=not progress, file=sys.stderr) as bar:
        for _, part in iter_campaigns(landscape, jobs, n_jobs=n_jobs, client=client):
            parts.append(part)
            bar.update()
    out = pd.concat(parts, ignore_index=True).sort_values(["seed", "experiment"], kind="stable")
    cols = ["seed"] + [c for c in out.columns if c != "seed"]
    return out[cols].reset_index(drop=True)


# ---------------------------------------------------------------------------
# live campaigns against stored tables
# ---------------------------------------------------------------------------

#: Strategies whose campaigns are bit-identical across CPUs (measured: native and
#: with numpy's dispatch and OpenBLAS forced to generic kernels). skopt BO is not:
#: last-bit differences in its GP refits change a suggestion after 40-90 experiments.
MACHINE_INDEPENDENT = ("grid", "random", "fast")


#: What :func:`compare_with_stored` says when the live campaigns have another budget than the stored ones.
NOT_COMPARABLE = "not comparable: the budget differs"


def compare_with_stored(live: pd.DataFrame, stored: pd.DataFrame, level: float = 0.99, n_boot: int = 4000,
                        atol: float = 1.5e-4, random_state: RandomState = 0,
                        per_seed: Iterable[str] = ()) -> pd.DataFrame:
    """Check live campaigns against a stored replay table, in the way each strategy allows.

    * Strategies in :data:`MACHINE_INDEPENDENT`: every live campaign must
      equal the stored campaign of the same seed, value by value (the table
      holds 4 decimals, hence ``atol``).
    * Other strategies (skopt BO): campaigns are reproducible only on CPUs
      like the one that wrote the table, so the live campaigns are compared
      with the stored *distribution*: the median best force at the end of
      the live campaigns must lie in the ``level`` bootstrap interval of the
      median of as many campaigns drawn from the stored ones. Campaigns from
      the same distribution fail this with probability about ``1 - level``.

    Parameters
    ----------
    live, stored : pandas.DataFrame
        Stacked histories with ``strategy`` and ``seed`` columns (a replay
        table, or :func:`run_campaigns` output with a ``strategy`` column);
        the live campaigns have the stored budget.
    level : float, default 0.99
        Coverage of the bootstrap interval.
    n_boot : int, default 4000
        Bootstrap resamples.
    atol : float
        Tolerance of the per-seed comparison.
    random_state : None, int >= 0 or numpy.random.Generator
        Seed of the bootstrap.
    per_seed : iterable of str, default ()
        Further strategies to compare seed by seed, for campaigns short enough to
        be identical on every CPU (e.g. the first 20 experiments of ``"authors"``,
        which differ between CPUs from about experiment 25 on).

    Returns
    -------
    pandas.DataFrame
        One row per strategy: ``strategy, check`` ("identical per seed" or
        "median best inside the stored interval"), ``campaigns`` (live),
        ``agree`` (bool, or None when the campaigns are not comparable),
        ``result`` in words ("agree", "differ", or "not comparable: the budget
        differs" when a live campaign has another length than the stored
        ones: a stored table can only vouch for campaigns of its own budget),
        and for the distribution check ``live_median, lo, hi`` (mN).

    Examples
    --------
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> lab = GaussianLandscape()
    >>> stored = run_campaigns(lab, "random", seeds=4, budget=12, initial="random").assign(strategy="random")
    >>> live = run_campaigns(lab, "random", seeds=[1, 2], budget=12, initial="random").assign(strategy="random")
    >>> compare_with_stored(live, stored)[["strategy", "check", "campaigns", "result"]].to_dict("records")
    [{'strategy': 'random', 'check': 'identical per seed', 'campaigns': 2, 'result': 'agree'}]
    >>> short = live[live.experiment <= 8]
    >>> compare_with_stored(short, stored)[["strategy", "result"]].to_dict("records")
    [{'strategy': 'random', 'result': 'not comparable: the budget differs'}]
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}.")
    for name, t in (("live", live), ("stored", stored)):
        missing = {"strategy", "seed", "experiment", "best_mN"} - set(t.columns)
        if missing:
            raise ValueError(f"{name} lacks columns {sorted(missing)}; pass stacked histories with a strategy column.")
    rng = check_random_state(random_state)
    rows = []
    for strategy, lv in live.groupby("strategy", sort=False):
        st = stored[stored["strategy"] == strategy]
        if st.empty:
            raise ValueError(f"the stored table has no {strategy!r} campaigns to compare with.")
        check = ("identical per seed" if strategy in MACHINE_INDEPENDENT or strategy in set(per_seed)
                 else "median best inside the stored interval")
        live_budgets = set(lv.groupby("seed")["experiment"].max().astype(int))
        stored_budgets = set(st.groupby("seed")["experiment"].max().astype(int))
        if live_budgets != stored_budgets:
            rows.append({"strategy": strategy, "check": check, "campaigns": lv["seed"].nunique(), "agree": None,
                         "result": NOT_COMPARABLE})
            continue
        if strategy in MACHINE_INDEPENDENT or strategy in set(per_seed):
            missing_seeds = sorted(set(lv["seed"]) - set(st["seed"]))
            if missing_seeds:
                raise ValueError(f"seeds {missing_seeds} of strategy {strategy!r} are not in the stored table.")
            agree = True
            for seed, one in lv.groupby("seed"):
                ref = st[st["seed"] == seed].reset_index(drop=True)
                one = one.reset_index(drop=True)
                cols = [c for c in HISTORY_COLUMNS if c in one and pd.api.types.is_numeric_dtype(one[c])]
                same = len(one) == len(ref) and np.allclose(one[cols].to_numpy(float), ref[cols].to_numpy(float),
                                                            rtol=0, atol=atol)
                agree = agree and bool(same)
            rows.append({"strategy": strategy, "check": check, "campaigns": lv["seed"].nunique(),
                         "agree": agree, "result": "agree" if agree else "differ"})
        else:
            final_live = lv.sort_values("experiment").groupby("seed")["best_mN"].last().to_numpy(float)
            final_stored = st.sort_values("experiment").groupby("seed")["best_mN"].last().to_numpy(float)
            k = len(final_live)
            boot = np.median(final_stored[rng.integers(0, len(final_stored), size=(int(n_boot), k))], axis=1)
            lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
            med = float(np.median(final_live))
            inside = bool(lo <= med <= hi)
            rows.append({"strategy": strategy, "check": check, "campaigns": k, "agree": inside,
                         "result": "agree" if inside else "differ", "live_median": med, "lo": float(lo),
                         "hi": float(hi)})
    return pd.DataFrame(rows)


def _initial(landscape: Laboratory, initial: str | pd.DataFrame | None, n_initial: int, rng: np.random.Generator,
             bounds: Bounds) -> pd.DataFrame:
    if isinstance(initial, pd.DataFrame):
        return initial
    if initial == "study":
        return landscape.initial_design()
    if initial == "random":
        return random_design(landscape, n_initial, random_state=rng, bounds=bounds)
    if initial == "authors":
        return authors_initial_design(landscape, random_state=rng, bounds=bounds)
    if initial is None or initial == "none":
        return pd.DataFrame(columns=["compound", "L_um", "W_um", "T_um", "P_mW_cm2"])
    raise ValueError(f"initial must be 'study', 'random', 'authors', 'none' or a DataFrame of conditions; "
                     f"got {initial!r}.")
