"""``mlcrystal replay``: many seeded optimisation campaigns on a simulated landscape, one table.

Runs campaigns (:func:`mlcrystal.force.campaigns.run_campaign`) and writes their
histories, one row per experiment, to a csv or csv.gz table, e.g.::

    mlcrystal replay --strategy skopt fast grid random --seeds 100 --budget 150 \\
        --out mlcrystal/data/replay_main.csv.gz

List-valued options (``--strategy``, ``--acq``, ``--kappa``, ``--noise``,
``--grid-levels``...) run every combination that applies to a strategy; the
table records each in its own column.

Long runs are safe. Before any work the arguments, the output path and the
run's size are checked (:func:`check_args`, then :func:`check_with_kit` for
what needs the kit's registry and data). :func:`run` then takes the output's
lock (:func:`mlcrystal.cli.output.output_lock`), decides what to
:func:`resume`, connects to Dask if asked, starts the
:func:`checkpoint` ``<out>.partial.csv`` to which every finished campaign is
appended and synced, shows :func:`progress` with tqdm, and :func:`write` s the
table atomically (a temporary file renamed into place). An interrupted run
keeps its finished campaigns for ``--resume``; an existing table is replaced
only with ``--force``.

The arguments are read with light modules only; the science modules are
reached through :mod:`mlcrystal.cli.kit` once the arguments are known to be
usable.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from mlcrystal import study
from mlcrystal.cli import kit
from mlcrystal.cli.output import LockedError, OutputError, check_output_file, output_lock, sidecar, write_atomic
from mlcrystal.cli.types import (
    available_cores,
    bounded_float,
    int_at_least,
    non_negative_int,
    optimizer_seed,
    path,
    positive_int,
)

__all__ = ["INITIAL_SIZE", "Plan", "add_parser", "check_args", "check_with_kit", "checkpoint", "landscape_names",
           "make_plan", "progress", "replay_settings", "resume", "run", "write", "DEFAULT_STRATEGY",
           "AUTHORS_MAXIMIZERS", "MAX_KAPPA", "SCHEDULER_ADDRESS", "dask_client", "command"]

# The strategy names this command's option expansion refers to. The registry
# (mlcrystal.force.STRATEGIES) is the list of strategies; these name the few
# whose options the command expands, each in this one place.
SKOPT_BO, FAST_UCB, AUTHORS, GRID = "skopt", "fast", "authors", "grid"
#: Strategy run when ``--strategy`` is not given.
DEFAULT_STRATEGY = SKOPT_BO
_DEFAULT_KAPPA = {SKOPT_BO: 1.96, FAST_UCB: study.UCB_KAPPA, AUTHORS: study.UCB_KAPPA}

#: Experiments of the initial design of each ``--initial`` choice: the study's
#: 10 measurements (2 compounds x 5 intensities), 10 random conditions, or the
#: authors' code's 5 random points.
INITIAL_SIZE = {"study": len(study.COMPOUND_LABELS) * len(study.INITIAL_INTENSITY_FRACTIONS), "random": 10,
                "authors": study.AUTHORS_N_INITIAL}
#: Acquisition maximisers of the ``authors`` strategy (see :func:`mlcrystal.force.authors.authors_suggest`).
AUTHORS_MAXIMIZERS = ("bayes_opt", "sampling")
#: Largest ``--seeds`` and ``--budget``, and most rows in one table (settings x seeds x budget):
#: the largest stored table has 326 625 rows; 5 million take about 1 GB in memory.
MAX_SEEDS, MAX_BUDGET, MAX_ROWS = 100_000, 10_000, 5_000_000
#: Largest exploration weight ``--kappa``: beyond it the acquisition overflows and every search is random.
MAX_KAPPA = 1000.0
#: ``--scheduler``: ``local`` or a Dask scheduler address, ``[protocol://]host:port``.
SCHEDULER_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx)://)?[^\s:/]+:\d{1,5}$|^inproc://\S+$")


class _Lazy:
    """Help text computed only when ``--help`` is shown (it may import the kit's registry)."""

    def __init__(self, make: Callable[[], str]) -> None:
        self.make = make

    def __str__(self) -> str:
        return self.make()


def _strategy_names() -> str:
    return ", ".join(sorted(kit.force.STRATEGIES))


def _acquisitions() -> str:
    return ", ".join(kit.force.BO_ACQUISITIONS)


def _short_crystal_rules() -> str:
    return ", ".join(kit.force.SHORT_CRYSTAL_RULES)


def _shared_suffix() -> str:
    return repr(kit.force.SHARED_RESPONSE_SUFFIX)


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``replay`` command to ``sub`` (an argparse sub-parsers object)."""
    rp = sub.add_parser("replay", help="run many seeded campaigns and write their histories",
                        description="Run seeded optimisation campaigns (mlcrystal.force.campaigns.run_campaign) "
                                    "and write one row per experiment to a csv/csv.gz table.")
    act = rp.add_argument("--strategy", nargs="+", default=[DEFAULT_STRATEGY], metavar="NAME",
                          help=f"strategies to run, from the kit's registry: %(names)s (default: {DEFAULT_STRATEGY})")
    act.names = _Lazy(_strategy_names)  # type: ignore[attr-defined]  # read by argparse's %-formatting
    rp.add_argument("--seeds", type=int_at_least(1, "a positive integer", MAX_SEEDS), default=10,
                    help="number of seeded campaigns per setting (default: %(default)s)")
    rp.add_argument("--seed-start", type=non_negative_int, default=0,
                    help="first seed, >= 0 (seeds are consecutive; default: %(default)s)")
    rp.add_argument("--budget", type=int_at_least(1, "a positive integer", MAX_BUDGET), default=100,
                    help="experiments per campaign, initial included (at least the initial design's; "
                         "default: %(default)s)")
    rp.add_argument("--out", required=True, type=path,
                    help="output table (.csv or .csv.gz) in an existing, writable folder")
    rp.add_argument("--force", action="store_true",
                    help="overwrite an existing table; alone, also discard the checkpoint of an interrupted run")
    rp.add_argument("--resume", action="store_true",
                    help="continue an interrupted run: skip the campaigns in <out>.partial.csv "
                         "(with --force: and replace the existing table at the end)")
    act = rp.add_argument("--acq", nargs="+", default=["gp_hedge"], metavar="ACQ",
                          help="acquisition functions of the skopt strategy: %(names)s (default: gp_hedge)")
    act.names = _Lazy(_acquisitions)  # type: ignore[attr-defined]
    rp.add_argument("--kappa", nargs="+", type=bounded_float(0, MAX_KAPPA, f"a number from 0 to {MAX_KAPPA:g}"),
                    default=None, help=f"exploration weight: UCB kappa of '{FAST_UCB}' and '{AUTHORS}' (default "
                                       f"{study.UCB_KAPPA:g}), LCB kappa of '{SKOPT_BO}' (default 1.96)")
    rp.add_argument("--noise", nargs="+", default=[0.0],
                    type=bounded_float(0, 1, "a relative standard deviation from 0 to 1", "0.05 is 5 %"),
                    help="relative measurement noise sd, 0 to 1 (0.05 is 5 %%; default: 0)")
    rp.add_argument("--grid-levels", nargs="+", type=positive_int, default=[3],
                    help="levels per continuous variable of the grid strategy (default 3; the grid has "
                         "levels^4 x compounds points)")
    rp.add_argument("--grid-order", choices=("random", "lexicographic"), default="random",
                    help="order in which the grid is visited (default: seeded random permutation)")
    rp.add_argument("--grid-kind", nargs="+", choices=("centres", "edges"), default=["centres"],
                    help="grid values: cell centres (default) or evenly spaced including the box edges")
    rp.add_argument("--n-extra", nargs="+", type=non_negative_int, default=[0],
                    help=f"extra intensities measured on each suggested crystal by '{FAST_UCB}' and '{AUTHORS}' "
                         f"(default 0, the published n_trial_P; '{AUTHORS}' takes up to 10)")
    rp.add_argument("--maximizer", nargs="+", choices=AUTHORS_MAXIMIZERS, default=["bayes_opt"],
                    help=f"acquisition maximiser of '{AUTHORS}': the library's own (default) or sampling only")
    rp.add_argument("--optimizer-seed", nargs="+", type=optimizer_seed, default=[study.AUTHORS_OPTIMIZER_SEED],
                    help=f"random_state of the optimiser '{AUTHORS}' rebuilds at every step "
                         f"(default {study.AUTHORS_OPTIMIZER_SEED}, as in the published code), or 'fresh' for "
                         "a new seed drawn from the campaign's generator at every step")
    act = rp.add_argument("--short-crystals", nargs="+", default=None, metavar="RULE",
                          help="crystals shorter than the beam model's limit (L < 2.5 T), one of %(names)s: "
                               "lengthened and the measured length told to the model (register-measured, the "
                               "default), lengthened and the asked length told (register-asked, the authors' "
                               "simulation), or refused (mlcrystal.force.feasibility); a rule other than the "
                               "default is named in the variant column")
    act.names = _Lazy(_short_crystal_rules)  # type: ignore[attr-defined]
    act = rp.add_argument("--shared-response", action="store_true",
                          help="compounds 2 and 9 respond like compound 3 (chapter 7's ablation; landscape names "
                               "end in %(suffix)s)")
    act.suffix = _Lazy(_shared_suffix)  # type: ignore[attr-defined]
    rp.add_argument("--initial", choices=tuple(INITIAL_SIZE), default="study",
                    help="initial design: the study's 10 conditions (default), 10 seeded random ones, or the "
                         "authors' code's 5 random points")
    rp.add_argument("--landscape", choices=("blocking", "calibrated", "gaussian", "ensemble"), default="blocking",
                    help="the calibrated blocking-force landscape ('blocking' or 'calibrated', the default), "
                         "the study's 5-D Gaussian test function, or the first --members kept landscapes of the "
                         "ensemble")
    rp.add_argument("--members", type=positive_int, default=None,
                    help="with --landscape ensemble: how many kept members (default: all)")
    rp.add_argument("--library", choices=tuple(study.LIBRARIES), default="published",
                    help="compound library: the published code's 9 moduli (default) or the article's 8 crystals")
    rp.add_argument("--jobs", type=positive_int, default=available_cores(),
                    help="parallel workers (default: the cores of this machine, %(default)s)")
    rp.add_argument("--scheduler", default=None, metavar="ADDRESS",
                    help="run on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' for a "
                         "LocalCluster of --jobs single-threaded worker processes (default: joblib); the "
                         "dashboard's address is printed")
    rp.add_argument("--quiet", action="store_true", help="no progress on stderr")
    rp.set_defaults(func=partial(command, rp), check=partial(check_args, rp))
    return rp


# ---------------------------------------------------------------------------
# checks: first with light modules only, then with the kit's registry and data
# ---------------------------------------------------------------------------

def _dask_missing() -> bool:
    return importlib.util.find_spec("distributed") is None  # looks for Dask without importing it


def check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse, as argparse errors (exit 2), what would fail or do harm later; needs no science module."""
    out: Path = args.out
    if args.resume and args.force and not sidecar(out, "partial").exists():
        parser.error(f"--resume --force finishes an interrupted run, but there is no checkpoint "
                     f"{sidecar(out, 'partial')}; pass --force alone to start over")
    try:
        check_output_file(out, (".csv", ".csv.gz"), force=args.force)
    except OutputError as err:
        if out.exists() and sidecar(out, "partial").exists():
            parser.error(f"{err}, or --resume --force to finish the interrupted run whose checkpoint is "
                         f"{sidecar(out, 'partial')} and then replace it")
        parser.error(str(err))
    if sidecar(out, "partial").exists() and not (args.resume or args.force):
        parser.error(f"found the checkpoint {sidecar(out, 'partial')} of an interrupted run; "
                     "pass --resume to continue it or --force to start over")
    if args.scheduler is not None:
        if args.scheduler != "local" and not SCHEDULER_ADDRESS.match(args.scheduler):
            parser.error(f"--scheduler {args.scheduler!r} is not 'local' nor an address like tcp://host:8786 "
                         "(protocol, host and port)")
        if _dask_missing():
            parser.error("--scheduler needs Dask's distributed scheduler, which is not installed: "
                         "pip install dask distributed (or run without --scheduler, on this machine's cores)")
    if args.members is not None and args.landscape != "ensemble":
        parser.error(f"--members applies to --landscape ensemble only; got --landscape {args.landscape}")
    if getattr(args, "shared_response", False) and args.landscape == "gaussian":
        parser.error("--shared-response applies to the blocking-force landscapes only (the Gaussian has no "
                     "photoresponses)")
    if FAST_UCB in args.strategy and max(args.n_extra) > 4:
        parser.error(f"--n-extra {max(args.n_extra)} is above the 4 further intensities of the '{FAST_UCB}' "
                     f"strategy (the study's initial levels); use 0 to 4, or --strategy {AUTHORS} for up to 10")
    if AUTHORS in args.strategy and max(args.n_extra) > 10:
        parser.error(f"--n-extra {max(args.n_extra)} is above the authors' loop's 10 further intensities; "
                     "use 0 to 10")
    n_initial = INITIAL_SIZE[args.initial]
    if args.budget < n_initial:
        parser.error(f"--budget {args.budget} is below the initial design ({n_initial} experiments of "
                     f"--initial {args.initial}); pass --budget {n_initial} or more")


def check_with_kit(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The checks that need the kit: strategy names, grids, ensemble members, run size. Argparse errors (exit 2)."""
    cp = kit.force
    unknown = [s for s in args.strategy if s not in cp.STRATEGIES]
    if unknown:
        parser.error(f"--strategy {unknown[0]!r} is not a strategy of the kit; choose from {_strategy_names()}")
    bad_acq = [a for a in args.acq if a not in cp.BO_ACQUISITIONS]
    if bad_acq:
        parser.error(f"--acq {bad_acq[0]!r} is not an acquisition function; choose from {_acquisitions()}")
    rules = getattr(args, "short_crystals", None) or []
    bad_rule = [r for r in rules if r not in cp.SHORT_CRYSTAL_RULES]
    if bad_rule:
        parser.error(f"--short-crystals {bad_rule[0]!r} is not a short-crystal rule; choose from "
                     f"{_short_crystal_rules()}")
    if any(r != cp.DEFAULT_SHORT_CRYSTALS for r in rules):
        without = [s for s in args.strategy if "short_crystals" not in cp.get_strategy(s).options]
        if without:
            parser.error(f"--strategy {without[0]!r} takes no short-crystal rule; run it without --short-crystals")
    if GRID in args.strategy:
        n_compounds = len(study.LIBRARIES[args.library])
        n_search = args.budget - INITIAL_SIZE[args.initial]
        for lv in args.grid_levels:
            n = cp.grid_size(n_compounds, lv)
            if n > cp.MAX_GRID_POINTS:
                parser.error(f"--grid-levels {lv} makes a grid of {lv}^4 x {n_compounds} compounds = {n:,} "
                             f"points, above the limit of {cp.MAX_GRID_POINTS:,}; use fewer levels")
            if n < n_search:
                parser.error(f"--grid-levels {lv} makes a grid of {n:,} points, fewer than the {n_search:,} "
                             f"search experiments of --budget {args.budget}; the campaigns would end early. "
                             "Raise --grid-levels or lower --budget")
    if args.landscape == "ensemble" and args.members is not None:
        kept = int(kit.ensemble.load_ensemble()["kept"].sum())
        if args.members > kept:
            parser.error(f"--members {args.members}: the ensemble has {kept} kept members; use 1 to {kept}")
    n_rows = len(replay_settings(args)) * len(landscape_names(args)) * args.seeds * args.budget
    if n_rows > MAX_ROWS:
        parser.error(f"this run would write {n_rows:,} rows (settings x landscapes x seeds x budget), above the "
                     f"limit of {MAX_ROWS:,}; split it into smaller runs (--seed-start, fewer seeds or settings)")


# ---------------------------------------------------------------------------
# plan: what to run
# ---------------------------------------------------------------------------

def replay_settings(args: argparse.Namespace) -> list[dict]:
    """Expand the list-valued options of ``replay`` into one setting per run.

    Returns a list of dicts with the table's config columns (``strategy, acq,
    kappa, noise, grid_levels, variant``) and the ``options`` passed to
    :func:`mlcrystal.force.campaigns.run_campaign`.
    """
    settings = []
    for strategy in args.strategy:
        acqs = args.acq if strategy == SKOPT_BO else [None]
        levels = args.grid_levels if strategy == GRID else [None]
        kappas = (args.kappa or [_DEFAULT_KAPPA[strategy]]) if strategy in _DEFAULT_KAPPA else [None]
        for acq, kappa, noise, lv, (variant, named) in itertools.product(acqs, kappas, args.noise, levels,
                                                                        _variants(strategy, args)):
            options: dict[str, Any] = dict(named)
            if strategy == SKOPT_BO:
                options["acq"] = acq
                if acq in ("LCB", "gp_hedge"):
                    options["kappa"] = kappa
                else:
                    kappa = None
            elif strategy in (FAST_UCB, AUTHORS):
                options["kappa"] = kappa
                acq = "UCB"
            elif strategy == GRID:
                options.update(levels=lv, order=args.grid_order)
            settings.append({"strategy": strategy, "acq": acq, "kappa": kappa, "noise": noise,
                             "grid_levels": lv, "variant": variant, "options": options})
    # an EI/PI run does not depend on kappa: keep one of each
    unique, seen = [], set()
    for s in settings:
        key = (s["strategy"], s["acq"], s["kappa"], s["noise"], s["grid_levels"], s["variant"])
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique


def _variants(strategy: str, args: argparse.Namespace) -> list[tuple[str | None, dict]]:
    """The ``variant`` label of each combination of a strategy's named options, with the options."""
    pairs: list[tuple[str | None, dict]] = [(None, {})]
    if strategy == GRID:
        pairs = [(kind, {"kind": kind}) for kind in getattr(args, "grid_kind", ["centres"])]
    elif strategy == FAST_UCB:
        pairs = [(f"n_extra={n}", {"n_extra": n}) for n in getattr(args, "n_extra", [0])]
    elif strategy == AUTHORS:
        pairs = []
        for n, m, seed in itertools.product(getattr(args, "n_extra", [0]), getattr(args, "maximizer", ["bayes_opt"]),
                                            getattr(args, "optimizer_seed", [study.AUTHORS_OPTIMIZER_SEED])):
            label = f"n_extra={n}" + ("" if m == "bayes_opt" else f";maximizer={m}")
            shown = "fresh" if seed is None else seed
            label += "" if seed == study.AUTHORS_OPTIMIZER_SEED else f";optimizer_seed={shown}"
            label += "" if getattr(args, "initial", "study") == "study" else f";initial={args.initial}"
            pairs.append((label, {"n_extra_intensities": n, "maximizer": m, "optimizer_seed": seed}))
    out: list[tuple[str | None, dict]] = []
    for rule in getattr(args, "short_crystals", None) or [None]:
        for name, named in pairs:
            if rule is None or rule == kit.force.DEFAULT_SHORT_CRYSTALS:  # labels and options as they were
                out.append((name, named))
            else:
                out.append(((name + ";" if name else "") + f"short_crystals={rule}",
                            {**named, "short_crystals": rule}))
    return out


def landscape_names(args: argparse.Namespace) -> list[str]:
    """The ``landscape`` column values of a run: ``"calibrated"``, ``"gaussian"`` or ``"member-<draw>"``.

    With ``--shared-response`` each name ends in
    :data:`mlcrystal.force.landscape.SHARED_RESPONSE_SUFFIX`.
    """
    suffix = kit.force.SHARED_RESPONSE_SUFFIX if getattr(args, "shared_response", False) else ""
    if args.landscape in ("blocking", "calibrated"):
        return ["calibrated" + suffix]
    if args.landscape == "gaussian":
        return ["gaussian" + suffix]
    table = kit.ensemble.load_ensemble()
    kept = table.loc[table["kept"], "draw"].astype(int).tolist()
    return [f"member-{d}{suffix}" for d in kept[: args.members or len(kept)]]


@dataclass
class Plan:
    """What one ``replay`` run computes: its settings (one per landscape), seeds, and what a checkpoint records."""

    settings: list[dict]
    seeds: list[int]
    landscapes: list[str]
    meta: dict

    @property
    def total(self) -> int:
        """Campaigns in the whole run."""
        return len(self.settings) * len(self.seeds)


def make_plan(args: argparse.Namespace) -> Plan:
    """The settings x seeds of a run, and the settings a checkpoint must agree on to be resumed."""
    names = landscape_names(args)
    settings = [{**s, "landscape": name} for name in names for s in replay_settings(args)]
    seeds = list(range(args.seed_start, args.seed_start + args.seeds))
    meta = {"settings": settings, "seeds": seeds, "budget": args.budget,
            "initial": args.initial, "landscape": args.landscape, "library": args.library}
    return Plan(settings, seeds, names, json.loads(json.dumps(meta)))


# ---------------------------------------------------------------------------
# resume, checkpoint, progress, write
# ---------------------------------------------------------------------------

def resume(args: argparse.Namespace, plan: Plan) -> set[tuple[int, int]]:
    """The ``(setting, seed)`` campaigns already finished in the checkpoint (none unless ``--resume``).

    The incomplete campaigns of the checkpoint are dropped from it, so that
    the run appends after complete ones only. Raises
    :class:`mlcrystal.cli.checkpoint.CheckpointError` when the checkpoint was
    made with other options or is damaged.
    """
    ckpt, meta_path = sidecar(args.out, "partial"), sidecar(args.out, "meta")
    if not (args.resume and ckpt.exists()):
        return set()
    store = kit.checkpoint
    if store.read_meta(meta_path, ckpt) != plan.meta:
        raise store.CheckpointError(f"the checkpoint {ckpt} was made with other options; rerun the command that "
                                    "made it with --resume, or pass --force to start over")
    kept, done = store.read_checkpoint(ckpt, args.budget)
    if kept.empty:
        ckpt.write_text("")
    else:
        write_atomic(ckpt, lambda f: _to_csv(kept, f))  # drop incomplete campaigns before appending
    return done


@contextmanager
def checkpoint(args: argparse.Namespace, plan: Plan, resumed: bool) -> Iterator[Callable[[Any, Any], None]]:
    """Open the checkpoint for appending (a new one unless ``resumed``); yield ``add(key, history)``.

    If the run stops before any campaign was added to a new checkpoint (a
    failure, Ctrl-C), the checkpoint is removed: nothing is kept, nothing
    blocks the corrected rerun.
    """
    ckpt, meta_path = sidecar(args.out, "partial"), sidecar(args.out, "meta")
    if not resumed:
        for p in (ckpt, meta_path):
            with suppress(FileNotFoundError):
                p.unlink()
        meta_path.write_text(json.dumps(plan.meta), encoding="utf-8")
    header = not ckpt.exists() or ckpt.stat().st_size == 0
    state = {"header": header, "added": 0}
    stream: IO[str]
    with open(ckpt, "a", newline="", encoding="utf-8") as stream:
        def add(key: Any, history: Any) -> None:
            i, _seed = key
            kit.checkpoint.append_campaign(stream, history, plan.settings[i], i, header=state["header"])
            state["header"] = False
            state["added"] += 1

        try:
            yield add
        except BaseException:
            if header and state["added"] == 0:
                stream.close()
                for p in (ckpt, meta_path):
                    with suppress(FileNotFoundError):
                        p.unlink()
            raise


def progress(args: argparse.Namespace, plan: Plan, done: int) -> tqdm:
    """The progress bar on stderr (tqdm): campaigns done out of the run's total, rate and time left."""
    if not args.quiet:
        print(f"{plan.total} campaigns ({len(plan.settings)} settings x {len(plan.seeds)} seeds), "
              f"{done} already checkpointed", file=sys.stderr, flush=True)
    return tqdm(total=plan.total, initial=done, desc="replay", unit=" campaigns", disable=args.quiet,
                file=sys.stderr, dynamic_ncols=True)


def _to_csv(table: Any, stream: IO[bytes]) -> None:
    table.to_csv(stream, index=False, encoding="utf-8", lineterminator="\n")


def write(args: argparse.Namespace) -> Any:
    """Assemble the table from the complete checkpoint, write it atomically, remove the checkpoint; return it."""
    ckpt = sidecar(args.out, "partial")
    table = kit.checkpoint.final_table(ckpt)
    write_atomic(args.out, lambda f: _to_csv(table, f))
    ckpt.unlink()
    sidecar(args.out, "meta").unlink()
    return table


@contextmanager
def dask_client(args: argparse.Namespace) -> Iterator[Any]:
    """A Dask client for ``--scheduler`` (None without it); prints the dashboard's address."""
    if args.scheduler is None:
        yield None
        return
    # imported here: Dask is an optional third-party extra that only --scheduler needs
    # (check_args refuses --scheduler when it is missing)
    from dask.distributed import Client, LocalCluster

    with ExitStack() as stack:
        if args.scheduler == "local":
            cluster = stack.enter_context(LocalCluster(n_workers=args.jobs, threads_per_worker=1, processes=True))
            client = stack.enter_context(Client(cluster))
        else:
            client = stack.enter_context(Client(args.scheduler, timeout="10s"))
        if not args.quiet:
            print(f"Dask scheduler {client.scheduler.address}; dashboard: {client.dashboard_link}",
                  file=sys.stderr, flush=True)
        yield client


def run(args: argparse.Namespace) -> Any:
    """Run the ``replay`` command and write its table; returns the table.

    Arguments are expected checked (:func:`check_args`, :func:`check_with_kit`).
    Raises :class:`mlcrystal.cli.output.LockedError` when another run holds the lock.
    """
    plan = make_plan(args)
    with output_lock(args.out):
        done = resume(args, plan)
        jobs = [((i, seed), s["strategy"], seed,
                 {"budget": args.budget, "initial": args.initial, "noise": s["noise"], **s["options"]})
                for i, s in enumerate(plan.settings) for seed in plan.seeds if (i, seed) not in done]
        with dask_client(args) as client, checkpoint(args, plan, resumed=bool(done)) as add, \
                progress(args, plan, len(done)) as bar:
            for name in plan.landscapes:  # one landscape at a time (an ensemble run builds each member once)
                todo = [j for j in jobs if plan.settings[j[0][0]]["landscape"] == name]
                if not todo:
                    continue
                land = kit.ensemble.make_landscape(args.landscape if name == "calibrated" else name, args.library)
                for key, hist in kit.force.iter_campaigns(land, todo, n_jobs=args.jobs, client=client):
                    add(key, hist)
                    bar.update()
        table = write(args)
    if not args.quiet:
        print(f"wrote {len(table)} rows ({len(plan.settings)} settings x {len(plan.seeds)} seeds) to {args.out}",
              file=sys.stderr)
    return table


def command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """``mlcrystal replay``: the kit's checks, then :func:`run`; a failure is one line on stderr.

    Returns 0 on success, 1 when another run holds the lock or the run failed
    (a disk, network or data problem), 130 when interrupted (the finished
    campaigns stay in the checkpoint for ``--resume``); a mistake in the
    arguments or a damaged checkpoint exits with 2.
    """
    check_with_kit(parser, args)
    where = f"{parser.prog}: error:"
    try:
        run(args)
    except KeyboardInterrupt:
        ckpt = sidecar(args.out, "partial")
        if ckpt.exists() and ckpt.stat().st_size > 0:
            again = "--resume --force" if args.out.exists() else "--resume"
            print(f"\n{parser.prog}: interrupted; the finished campaigns are kept in {ckpt}: rerun the same "
                  f"command with {again}", file=sys.stderr)
        else:
            print(f"\n{parser.prog}: interrupted before any campaign finished; nothing was kept", file=sys.stderr)
        return 130
    except kit.checkpoint.CheckpointError as err:
        print(f"{where} {err}", file=sys.stderr)
        return 2
    except (OSError, ValueError, LockedError) as err:
        # a disk, network or data problem (DataUnavailableError is an OSError), or another run's lock;
        # the finished campaigns, if any, stay in the checkpoint
        ckpt = sidecar(args.out, "partial")
        kept = f"; the finished campaigns are kept in {ckpt} for --resume" if ckpt.exists() else ""
        print(f"{where} " + " ".join(str(err).split()) + kept, file=sys.stderr)
        return 1
    return 0
