"""Command line: ``python -m mlcrystal <command> ...`` (``--help`` lists the commands).

``replay`` runs many seeded optimisation campaigns on the simulated landscape
and writes their histories as one table (csv or csv.gz), e.g.::

    python -m mlcrystal replay --strategy bo paper grid random --seeds 100 \\
        --budget 150 --out mlcrystal/data/replay_main.csv.gz

List-valued options (``--strategy``, ``--acq``, ``--kappa``, ``--noise``,
``--grid-levels``) run every combination that applies to a strategy; the
table records each in its own column.

Long runs are safe: the output path is checked before any work; an existing
table is never overwritten without ``--force``; every finished campaign is
appended (flushed and synced) to a checkpoint ``<out>.partial.csv``, so that
``--resume`` continues an interrupted run; the table is written to a
temporary file in the same folder and renamed into place, so an interrupted
run never leaves a truncated table; a lock file ``<out>.lock`` keeps a second
run from writing the same table at the same time. Campaigns run on the
machine's cores (joblib) or on a Dask cluster (``--scheduler``).

This module is a thin argparse layer over :mod:`mlcrystal.campaign`: a new
command is one entry of :data:`COMMANDS`.

Dask is an optional extra (``pip install 'mlcrystal[dask]'``), imported only
when ``--scheduler`` asks for it.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import itertools
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from mlcrystal import ensemble, rules, study
from mlcrystal.campaign import (
    BO_ACQUISITIONS,
    MAX_GRID_POINTS,
    STRATEGIES,
    Progress,
    grid_size,
    iter_campaigns,
)
from mlcrystal.force.feasibility import DEFAULT_SHORT_CRYSTALS, SHORT_CRYSTAL_RULES
from mlcrystal.landscape import (
    SHARED_RESPONSE_SUFFIX,
    BlockingForceLandscape,
    GaussianLandscape,
    with_shared_response,
)
from mlcrystal.replay_tables import REPLAY_CONFIG_COLUMNS
from mlcrystal.rules import int_at_least, positive_int

#: Columns written before the campaign history, in order.
CONFIG_COLUMNS = REPLAY_CONFIG_COLUMNS

_DEFAULT_KAPPA = {"bo": 1.96, "paper": study.UCB_KAPPA, "authors": study.UCB_KAPPA}

#: Experiments of the initial design of each ``--initial`` choice: the study's
#: 10 measurements (2 compounds x 5 intensities) or 10 random conditions.
INITIAL_SIZE = {"study": len(study.COMPOUND_LABELS) * len(study.INITIAL_INTENSITY_FRACTIONS), "random": 10,
                "authors": study.AUTHORS_N_INITIAL}

#: Acquisition maximisers of the ``authors`` strategy (see :func:`mlcrystal.authors.authors_suggest`).
AUTHORS_MAXIMIZERS = ("bayes_opt", "sampling")


_non_negative_int = int_at_least(0, "an integer >= 0")


def _optimizer_seed(text: str) -> int | None:
    """``--optimizer-seed``: an integer >= 0, or ``fresh`` (None: a new seed at every step)."""
    return None if text == "fresh" else _non_negative_int(text)


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}") from None
    if not np.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports it).

    Examples
    --------
    >>> available_cores() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def add_replay_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``replay`` sub-command to ``sub`` (an argparse sub-parsers object)."""
    rp = sub.add_parser("replay", help="run many seeded campaigns and write their histories",
                        description="Run seeded optimisation campaigns (mlcrystal.campaign.run_campaign) "
                                    "and write one row per experiment to a csv/csv.gz table.")
    rp.add_argument("--strategy", nargs="+", choices=sorted(STRATEGIES), default=["bo"],
                    help="strategies to run (default: bo)")
    rp.add_argument("--seeds", type=positive_int, default=10, help="number of seeded campaigns per setting")
    rp.add_argument("--seed-start", type=_non_negative_int, default=0,
                    help="first seed, >= 0 (seeds are consecutive)")
    rp.add_argument("--budget", type=positive_int, default=100,
                    help="experiments per campaign, initial included (at least the initial design's 10)")
    rp.add_argument("--out", required=True, type=Path,
                    help="output table (.csv or .csv.gz) in an existing, writable folder")
    rp.add_argument("--force", action="store_true",
                    help="overwrite an existing table and discard the checkpoint of an interrupted run")
    rp.add_argument("--resume", action="store_true",
                    help="continue an interrupted run: skip the campaigns in <out>.partial.csv")
    rp.add_argument("--acq", nargs="+", choices=BO_ACQUISITIONS, default=["gp_hedge"],
                    help="acquisition functions of the bo strategy (default: gp_hedge)")
    rp.add_argument("--kappa", nargs="+", type=_non_negative_float, default=None,
                    help="exploration weight: UCB kappa of 'paper' (default 5), LCB kappa of 'bo' (default 1.96)")
    rp.add_argument("--noise", nargs="+", type=_non_negative_float, default=[0.0],
                    help="relative measurement noise sd (default 0)")
    rp.add_argument("--grid-levels", nargs="+", type=positive_int, default=[3],
                    help=f"levels per continuous variable of the grid strategy (default 3; the grid, "
                         f"levels^4 x compounds points, must not exceed {MAX_GRID_POINTS:,})")
    rp.add_argument("--grid-order", choices=("random", "lexicographic"), default="random",
                    help="order in which the grid is visited (default: seeded random permutation)")
    rp.add_argument("--grid-kind", nargs="+", choices=("centres", "edges"), default=["centres"],
                    help="grid values: cell centres (default) or evenly spaced including the box edges")
    rp.add_argument("--n-extra", nargs="+", type=_non_negative_int, default=[0],
                    help="extra intensities measured on each suggested crystal by 'paper' and 'authors' "
                         "(default 0, the published n_trial_P; the 'authors' loop takes up to 10)")
    rp.add_argument("--maximizer", nargs="+", choices=AUTHORS_MAXIMIZERS, default=["bayes_opt"],
                    help="acquisition maximiser of 'authors': the library's own (default) or sampling only")
    rp.add_argument("--optimizer-seed", nargs="+", type=_optimizer_seed, default=[study.AUTHORS_OPTIMIZER_SEED],
                    help=f"random_state of the optimiser 'authors' rebuilds at every step "
                         f"(default {study.AUTHORS_OPTIMIZER_SEED}, as in the published code), or 'fresh' for "
                         "a new seed drawn from the campaign's generator at every step")
    rp.add_argument("--short-crystals", nargs="+", choices=SHORT_CRYSTAL_RULES, default=[DEFAULT_SHORT_CRYSTALS],
                    help="crystals shorter than the beam model's limit (L < 2.5 T): lengthened and the measured "
                         "length told to the model (register-measured, default), lengthened and the asked length "
                         "told (register-asked, the authors' simulation), or refused (mlcrystal.force.feasibility)")
    rp.add_argument("--shared-response", action="store_true",
                    help="compounds 2 and 9 respond like compound 3 (chapter 6's ablation; landscape names end "
                         f"in {SHARED_RESPONSE_SUFFIX!r})")
    rp.add_argument("--initial", choices=tuple(INITIAL_SIZE), default="study",
                    help="initial design: the study's 10 conditions, 10 seeded random ones, or the authors' "
                         "code's 5 random points")
    rp.add_argument("--landscape", choices=("blocking", "calibrated", "gaussian", "ensemble"), default="blocking",
                    help="the calibrated blocking-force landscape ('blocking' or 'calibrated'), the study's 5-D "
                         "Gaussian test function, or the first --members kept landscapes of the ensemble")
    rp.add_argument("--members", type=positive_int, default=None,
                    help="with --landscape ensemble: how many kept members (default: all)")
    rp.add_argument("--library", choices=tuple(study.LIBRARIES), default="published",
                    help="compound library: the published code's 9 moduli or the article's 8 crystals")
    rp.add_argument("--jobs", type=positive_int, default=available_cores(),
                    help="parallel workers (default: the cores of this machine)")
    rp.add_argument("--scheduler", default=None, metavar="ADDRESS",
                    help="run on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' for a "
                         "LocalCluster of --jobs single-threaded worker processes (default: joblib)")
    rp.add_argument("--quiet", action="store_true", help="no progress on stderr")
    rp.set_defaults(func=replay, check=partial(check_replay_args, rp))
    return rp


#: The sub-commands: name -> function adding its parser (which sets ``func(args)``
#: and optionally ``check(args)``, run before ``func``). A new command is one entry here.
COMMANDS: dict[str, Callable[[Any], argparse.ArgumentParser]] = {
    "replay": add_replay_parser,
    "rules": rules.add_parser,
}


def build_parser() -> argparse.ArgumentParser:
    """The ``mlcrystal`` argument parser (one sub-parser per entry of :data:`COMMANDS`).

    Examples
    --------
    >>> build_parser().parse_args(["replay", "--out", "x.csv", "--seeds", "3"]).seeds
    3
    """
    parser = argparse.ArgumentParser(
        prog="python -m mlcrystal",
        description="mlcrystal: replay the study's blocking-force optimisation on a simulated landscape.")
    sub = parser.add_subparsers(dest="command", metavar="command", required=True)
    for add in COMMANDS.values():
        add(sub)
    return parser


def replay_settings(args: argparse.Namespace) -> list[dict]:
    """Expand the list-valued options of ``replay`` into one setting per run.

    Returns a list of dicts with the table's config columns (``strategy, acq,
    kappa, noise, grid_levels, variant``) and the ``options`` passed to
    :func:`mlcrystal.campaign.run_campaign`.
    """
    settings = []
    for strategy in args.strategy:
        acqs = args.acq if strategy == "bo" else [None]
        levels = args.grid_levels if strategy == "grid" else [None]
        kappas = (args.kappa or [_DEFAULT_KAPPA[strategy]]) if strategy in _DEFAULT_KAPPA else [None]
        for acq, kappa, noise, lv, (variant, named) in itertools.product(acqs, kappas, args.noise, levels,
                                                                        _variants(strategy, args)):
            options: dict[str, Any] = dict(named)
            if strategy == "bo":
                options["acq"] = acq
                if acq in ("LCB", "gp_hedge"):
                    options["kappa"] = kappa
                else:
                    kappa = None
            elif strategy == "paper":
                options["kappa"] = kappa
                acq = "UCB"
            elif strategy == "grid":
                options.update(levels=lv, order=args.grid_order)
            elif strategy == "authors":
                options["kappa"] = kappa
                acq = "UCB"
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
    if strategy == "grid":
        pairs = [(kind, {"kind": kind}) for kind in getattr(args, "grid_kind", ["centres"])]
    elif strategy == "paper":
        pairs = [(f"n_extra={n}", {"n_extra": n}) for n in getattr(args, "n_extra", [0])]
    elif strategy == "authors":
        pairs = []
        for n, m, seed in itertools.product(getattr(args, "n_extra", [0]), getattr(args, "maximizer", ["bayes_opt"]),
                                            getattr(args, "optimizer_seed", [study.AUTHORS_OPTIMIZER_SEED])):
            label = f"n_extra={n}" + ("" if m == "bayes_opt" else f";maximizer={m}")
            shown = "fresh" if seed is None else seed
            label += "" if seed == study.AUTHORS_OPTIMIZER_SEED else f";optimizer_seed={shown}"
            label += "" if getattr(args, "initial", "study") == "study" else f";initial={args.initial}"
            pairs.append((label, {"n_extra_intensities": n, "maximizer": m, "optimizer_seed": seed}))
    out: list[tuple[str | None, dict]] = []
    for rule in getattr(args, "short_crystals", [DEFAULT_SHORT_CRYSTALS]):
        for name, named in pairs:
            if rule == DEFAULT_SHORT_CRYSTALS:  # the default leaves labels and options as they were
                out.append((name, named))
            else:
                out.append(((name + ";" if name else "") + f"short_crystals={rule}",
                            {**named, "short_crystals": rule}))
    return out


def landscape_names(args: argparse.Namespace) -> list[str]:
    """The ``landscape`` column values of a run: ``"calibrated"``, ``"gaussian"`` or ``"member-<draw>"``."""
    suffix = SHARED_RESPONSE_SUFFIX if getattr(args, "shared_response", False) else ""
    if args.landscape in ("blocking", "calibrated"):
        return ["calibrated" + suffix]
    if args.landscape == "gaussian":
        return ["gaussian" + suffix]
    table = ensemble.load_ensemble()
    kept = table.loc[table["kept"], "draw"].astype(int).tolist()
    return [f"member-{d}{suffix}" for d in kept[: args.members or len(kept)]]


def make_landscape(name: str = "blocking", library: str = "published") -> Any:
    """The landscape named on the command line or in a table's ``landscape`` column.

    ``"blocking"`` or ``"calibrated"``, ``"gaussian"``, or ``"member-<draw>"``
    (a kept draw of :func:`mlcrystal.ensemble.load_ensemble`); a calibrated
    or member name ending in :data:`mlcrystal.landscape.SHARED_RESPONSE_SUFFIX`
    is that landscape with compounds 2 and 9 responding like compound 3.
    """
    if name.endswith(SHARED_RESPONSE_SUFFIX) and name != SHARED_RESPONSE_SUFFIX:
        base = make_landscape(name.removesuffix(SHARED_RESPONSE_SUFFIX), library)
        if not isinstance(base, BlockingForceLandscape):
            raise ValueError(f"landscape {name!r}: only the blocking-force landscapes have photoresponses.")
        return with_shared_response(base, 3, (2, 9))
    if name in ("blocking", "calibrated"):
        return BlockingForceLandscape(library=library)
    if name == "gaussian":
        return GaussianLandscape(library=library)
    if name.startswith("member-") and name.removeprefix("member-").isdigit():
        table = ensemble.load_ensemble().set_index("draw")
        draw = int(name.removeprefix("member-"))
        if draw not in table.index:
            raise ValueError(f"landscape {name!r}: no draw {draw} in the ensemble table; use a kept draw.")
        return ensemble.member(table.loc[draw], library=library)
    raise ValueError(f"landscape must be 'blocking', 'calibrated', 'gaussian' or 'member-<draw>'; got {name!r}.")


# ---------------------------------------------------------------------------
# the output, its checkpoint and its lock
# ---------------------------------------------------------------------------

def sidecar(out: Path, kind: str) -> Path:
    """The files beside the table: ``partial`` (checkpoint), ``meta`` (its settings) or ``lock``.

    Examples
    --------
    >>> sidecar(Path("data/replay_main.csv.gz"), "partial").name
    'replay_main.csv.gz.partial.csv'
    """
    suffix = {"partial": ".partial.csv", "meta": ".partial.json", "lock": ".lock"}[kind]
    return out.with_name(out.name + suffix)


def check_replay_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse, as argparse errors (exit 2), what would fail or do harm only after the campaigns ran."""
    out: Path = args.out
    if not out.name.endswith((".csv", ".csv.gz")):
        parser.error(f"--out must end in .csv or .csv.gz; got {out}")
    folder = out.parent
    if not folder.is_dir():
        parser.error(f"--out: folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        parser.error(f"--out: folder {folder} is not writable; choose another --out")
    if out.exists() and not args.force:
        parser.error(f"--out: {out} exists; pass --force to overwrite it")
    if args.scheduler is not None and importlib.util.find_spec("distributed") is None:
        parser.error("--scheduler needs Dask's distributed scheduler, which is not installed: "
                     "pip install 'mlcrystal[dask]' (or run without --scheduler, on this machine's cores)")
    if args.resume and args.force:
        parser.error("--resume and --force exclude each other: resume a checkpoint or discard it")
    if sidecar(out, "partial").exists() and not (args.resume or args.force):
        parser.error(f"found the checkpoint {sidecar(out, 'partial')} of an interrupted run; "
                     "pass --resume to continue it or --force to start over")
    if getattr(args, "shared_response", False) and args.landscape == "gaussian":
        parser.error("--shared-response applies to the blocking-force landscapes only (the Gaussian has no "
                     "photoresponses)")
    if args.members is not None and args.landscape != "ensemble":
        parser.error(f"--members applies to --landscape ensemble only; got --landscape {args.landscape}")
    if "paper" in args.strategy and max(args.n_extra) > 4:
        parser.error(f"--n-extra {max(args.n_extra)} is above the 4 further intensities of the 'paper' strategy "
                     "(the study's initial levels); use 0 to 4, or --strategy authors for up to 10")
    if "authors" in args.strategy and max(args.n_extra) > 10:
        parser.error(f"--n-extra {max(args.n_extra)} is above the authors' loop's 10 further intensities; use 0 to 10")
    n_initial = INITIAL_SIZE[args.initial]
    if args.budget < n_initial:
        parser.error(f"--budget {args.budget} is below the initial design ({n_initial} experiments of "
                     f"--initial {args.initial}); pass --budget {n_initial} or more")
    if "grid" in args.strategy:
        n_compounds = len(study.LIBRARIES[args.library])
        for lv in args.grid_levels:
            n = grid_size(n_compounds, lv)
            if n > MAX_GRID_POINTS:
                parser.error(f"--grid-levels {lv} makes a grid of {lv}^4 x {n_compounds} compounds = {n:,} "
                             f"points, above the limit of {MAX_GRID_POINTS:,}; use fewer levels")


class LockedError(RuntimeError):
    """Another run is writing the same table."""


@contextmanager
def output_lock(out: Path) -> Iterator[Path]:
    """Hold ``<out>.lock`` (created with ``O_EXCL``) while writing ``out``.

    A lock left by a process that no longer runs (killed with SIGKILL, a
    power cut) is taken over; a live one raises :class:`LockedError`.
    """
    lock = sidecar(out, "lock")
    for attempt in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            pid = _lock_owner(lock)
            if attempt == 0 and pid is not None and not _alive(pid):
                with suppress(FileNotFoundError):
                    os.unlink(lock)  # stale: its process is gone
                continue
            raise LockedError(f"another replay (pid {pid}) is writing {out}: wait for it to finish, or delete "
                              f"{lock} if no such run is alive") from None
        with os.fdopen(fd, "w") as f:
            f.write(f"{os.getpid()}\n")
        break
    try:
        yield lock
    finally:
        with suppress(FileNotFoundError):
            os.unlink(lock)


def _lock_owner(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run_meta(args: argparse.Namespace, settings: list[dict], seeds: list[int]) -> dict:
    """What a checkpoint must agree on to be resumed."""
    return {"settings": settings, "seeds": seeds, "budget": args.budget,
            "initial": args.initial, "landscape": args.landscape, "library": args.library}


def read_checkpoint(path: Path, budget: int) -> tuple[pd.DataFrame, set[tuple[int, int]]]:
    """The complete campaigns of a checkpoint, and their ``(setting, seed)`` keys.

    A last line cut short by an interruption is dropped, and so is every
    campaign without exactly ``budget`` rows numbered 1..budget: those
    campaigns run again.
    """
    text = path.read_bytes()
    if not text.endswith(b"\n"):
        text = text[: text.rfind(b"\n") + 1]
    if not text.strip():
        return pd.DataFrame(), set()
    table = pd.read_csv(io.BytesIO(text), low_memory=False)
    if table.empty:
        return table, set()
    expected = np.arange(1, budget + 1)
    complete = table.groupby(["_setting", "seed"], sort=False)["experiment"].transform(
        lambda e: len(e) == budget and np.array_equal(np.sort(e.to_numpy()), expected))
    complete &= table["force_mN"].notna().groupby([table["_setting"], table["seed"]]).transform("all")
    table = table[complete.astype(bool)]
    keys = set(map(tuple, table[["_setting", "seed"]].drop_duplicates().to_numpy().tolist()))
    return table.reset_index(drop=True), {(int(a), int(b)) for a, b in keys}


def _rounded(block: pd.DataFrame) -> pd.DataFrame:
    floats = block.select_dtypes("float").columns.drop(["kappa", "noise"], errors="ignore")
    block[floats] = block[floats].round(4)
    return block


def _write_atomic(table: pd.DataFrame, out: Path) -> None:
    """Write ``table`` to a temporary file beside ``out``, sync it, and rename it into place.

    A ``.gz`` table is gzip-compressed with a fixed header (the final file
    name, modification time 0), so the same table gives the same bytes.
    """
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            gz = gzip.GzipFile(filename=out.name, mode="wb", fileobj=fh, mtime=0) if out.name.endswith(".gz") \
                else None
            text = io.TextIOWrapper(gz if gz is not None else fh, encoding="utf-8", newline="")
            table.to_csv(text, index=False)
            text.flush()
            text.detach()
            if gz is not None:
                gz.close()  # writes the gzip trailer; fh stays open
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextmanager
def _dask_client(scheduler: str | None, n_workers: int) -> Iterator[Any]:
    if scheduler is None:
        yield None
        return
    # imported here: Dask is an optional extra that only --scheduler needs (check_replay_args
    # refuses --scheduler when it is missing)
    from dask.distributed import Client, LocalCluster

    if scheduler == "local":
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True) as cluster, \
                Client(cluster) as client:
            yield client
    else:
        with Client(scheduler) as client:
            yield client


def replay(args: argparse.Namespace) -> pd.DataFrame:
    """Run the ``replay`` command and write its table; returns the table.

    Arguments are expected checked (:func:`check_replay_args`, which
    :func:`main` runs). Raises :class:`LockedError` when another run holds the lock.
    """
    out: Path = args.out
    ckpt_path, meta_path = sidecar(out, "partial"), sidecar(out, "meta")
    names = landscape_names(args)
    settings = [{**s, "landscape": name} for name in names for s in replay_settings(args)]
    seeds = list(range(args.seed_start, args.seed_start + args.seeds))
    meta = _run_meta(args, settings, seeds)
    with output_lock(out):
        done: set[tuple[int, int]] = set()
        if args.resume and ckpt_path.exists():
            old = json.loads(meta_path.read_text()) if meta_path.exists() else None
            if old != json.loads(json.dumps(meta)):
                raise SystemExit(f"the checkpoint {ckpt_path} was made with other options; rerun the command that "
                                 "made it with --resume, or pass --force to start over")
            kept, done = read_checkpoint(ckpt_path, args.budget)
            if kept.empty:
                ckpt_path.write_text("")
            else:
                _write_atomic(kept, ckpt_path)  # drop incomplete campaigns before appending
        else:
            for p in (ckpt_path, meta_path):
                with suppress(FileNotFoundError):
                    p.unlink()
            meta_path.write_text(json.dumps(meta))
        jobs = [((i, seed), s["strategy"], seed,
                 {"budget": args.budget, "initial": args.initial, "noise": s["noise"], **s["options"]})
                for i, s in enumerate(settings) for seed in seeds if (i, seed) not in done]
        # one landscape at a time (an ensemble run builds each member once)
        by_land = {name: [j for j in jobs if settings[j[0][0]]["landscape"] == name] for name in names}
        total = len(settings) * len(seeds)
        bar = None if args.quiet else Progress(total, done=total - len(jobs), label="replay")
        if bar is not None:
            print(f"{total} campaigns ({len(settings)} settings x {len(seeds)} seeds), "
                  f"{total - len(jobs)} already checkpointed", file=sys.stderr, flush=True)
        new = not ckpt_path.exists() or ckpt_path.stat().st_size == 0
        with open(ckpt_path, "a", newline="") as ckpt, _dask_client(args.scheduler, args.jobs) as client:
            finished = ((key, hist) for name, todo in by_land.items() if todo
                        for key, hist in iter_campaigns(make_landscape(name if name != "calibrated" else
                                                                       args.landscape, args.library),
                                                        todo, n_jobs=args.jobs, client=client))
            for key, hist in finished:
                i, _seed = cast(tuple[int, int], key)
                s = settings[i]
                block = hist.copy()
                for k in reversed(CONFIG_COLUMNS[:-1]):
                    block.insert(0, k, s[k])
                block.insert(0, "_setting", i)
                _rounded(block).to_csv(ckpt, index=False, header=new)
                new = False
                ckpt.flush()
                os.fsync(ckpt.fileno())
                if bar is not None:
                    bar.update()
        if bar is not None:
            bar.close()
        table = pd.read_csv(ckpt_path, low_memory=False)
        table = table.sort_values(["_setting", "seed", "experiment"], kind="stable").drop(columns="_setting")
        table["grid_levels"] = table["grid_levels"].astype("Int64")
        table = table[CONFIG_COLUMNS + [c for c in table.columns if c not in CONFIG_COLUMNS]].reset_index(drop=True)
        _write_atomic(table, out)
        ckpt_path.unlink()
        meta_path.unlink()
    if not args.quiet:
        print(f"wrote {len(table)} rows ({len(settings)} settings x {len(seeds)} seeds) to {out}", file=sys.stderr)
    return table


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m mlcrystal`` and of the ``mlcrystal`` script.

    Returns 0 on success, 1 when another run holds the output's lock, 130
    when interrupted (the checkpoint stays for ``--resume``); argument errors
    exit with status 2 (argparse).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    check = getattr(args, "check", None)
    if check is not None:
        check(args)
    try:
        args.func(args)
    except LockedError as err:
        print(f"{parser.prog} {args.command}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        out = getattr(args, "out", None)
        where = f"; finished campaigns are kept in {sidecar(out, 'partial')}: rerun with --resume" if out else ""
        print(f"\n{parser.prog} {args.command}: interrupted{where}", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
