"""Command line: ``python -m mlcrystal <command> ...`` (``--help`` lists the commands).

``replay`` runs many seeded optimisation campaigns on the simulated landscape
and writes their histories as one table (csv or csv.gz), e.g.::

    python -m mlcrystal replay --strategy bo paper grid random --seeds 100 \\
        --budget 150 --out data/replay_main.csv.gz

List-valued options (``--strategy``, ``--acq``, ``--kappa``, ``--noise``,
``--grid-levels``) run every combination that applies to a strategy; the
table records each in its own column. This module is a thin argparse layer
over :mod:`mlcrystal.campaign`: new commands are new sub-parsers.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd

#: Columns written before the campaign history, in order.
CONFIG_COLUMNS = ["strategy", "acq", "kappa", "noise", "grid_levels", "seed"]

_DEFAULT_KAPPA = {"bo": 1.96, "paper": 5.0}


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _non_negative_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}") from None
    if not np.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``mlcrystal`` argument parser (one sub-parser per command)."""
    from mlcrystal.campaign import BO_ACQUISITIONS, STRATEGIES

    parser = argparse.ArgumentParser(
        prog="python -m mlcrystal",
        description="mlcrystal: replay the study's blocking-force optimisation on a simulated landscape.")
    sub = parser.add_subparsers(dest="command", metavar="command", required=True)

    rp = sub.add_parser("replay", help="run many seeded campaigns and write their histories",
                        description="Run seeded optimisation campaigns (mlcrystal.campaign.run_campaign) "
                                    "and write one row per experiment to a csv/csv.gz table.")
    rp.add_argument("--strategy", nargs="+", choices=STRATEGIES, default=["bo"],
                    help="strategies to run (default: bo)")
    rp.add_argument("--seeds", type=_positive_int, default=10, help="number of seeded campaigns per setting")
    rp.add_argument("--seed-start", type=int, default=0, help="first seed (seeds are consecutive)")
    rp.add_argument("--budget", type=_positive_int, default=100, help="experiments per campaign, initial included")
    rp.add_argument("--out", required=True, type=Path, help="output table (.csv or .csv.gz)")
    rp.add_argument("--acq", nargs="+", choices=BO_ACQUISITIONS, default=["gp_hedge"],
                    help="acquisition functions of the bo strategy (default: gp_hedge)")
    rp.add_argument("--kappa", nargs="+", type=_non_negative_float, default=None,
                    help="exploration weight: UCB kappa of 'paper' (default 5), LCB kappa of 'bo' (default 1.96)")
    rp.add_argument("--noise", nargs="+", type=_non_negative_float, default=[0.0],
                    help="relative measurement noise sd (default 0)")
    rp.add_argument("--grid-levels", nargs="+", type=_positive_int, default=[3],
                    help="levels per continuous variable of the grid strategy (default 3)")
    rp.add_argument("--grid-order", choices=("random", "lexicographic"), default="random",
                    help="order in which the grid is visited (default: seeded random permutation)")
    rp.add_argument("--initial", choices=("study", "random"), default="study",
                    help="initial design: the study's 10 conditions or 10 seeded random ones")
    rp.add_argument("--landscape", choices=("blocking", "gaussian"), default="blocking",
                    help="the calibrated blocking-force landscape or the study's 5-D Gaussian test function")
    rp.add_argument("--library", choices=("published", "article"), default="published",
                    help="compound library: the published code's 9 moduli or the article's 8 crystals")
    rp.add_argument("--jobs", type=int, default=2, help="parallel workers (joblib n_jobs, default 2)")
    rp.add_argument("--quiet", action="store_true", help="no progress on stderr")
    rp.set_defaults(func=replay)
    return parser


def replay_settings(args) -> list[dict]:
    """Expand the list-valued options of ``replay`` into one setting per run.

    Returns a list of dicts with the table's config columns (``strategy, acq,
    kappa, noise, grid_levels``) and the ``options`` passed to
    :func:`mlcrystal.campaign.run_campaign`.
    """
    settings = []
    for strategy in args.strategy:
        acqs = args.acq if strategy == "bo" else [None]
        levels = args.grid_levels if strategy == "grid" else [None]
        kappas = (args.kappa or [_DEFAULT_KAPPA[strategy]]) if strategy in _DEFAULT_KAPPA else [None]
        for acq, kappa, noise, lv in itertools.product(acqs, kappas, args.noise, levels):
            options = {}
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
            settings.append({"strategy": strategy, "acq": acq, "kappa": kappa, "noise": noise,
                             "grid_levels": lv, "options": options})
    # an EI/PI run does not depend on kappa: keep one of each
    unique, seen = [], set()
    for s in settings:
        key = (s["strategy"], s["acq"], s["kappa"], s["noise"], s["grid_levels"])
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique


def make_landscape(name="blocking", library="published"):
    """The landscape named on the command line."""
    from mlcrystal.landscape import BlockingForceLandscape, GaussianLandscape

    if name == "blocking":
        return BlockingForceLandscape(library=library)
    if name == "gaussian":
        return GaussianLandscape(library=library)
    raise ValueError(f"landscape must be 'blocking' or 'gaussian'; got {name!r}.")


def replay(args) -> pd.DataFrame:
    """Run the ``replay`` command and write its table; returns the table."""
    from mlcrystal.campaign import run_campaigns

    if not (args.out.name.endswith(".csv") or args.out.name.endswith(".csv.gz")):
        raise SystemExit(f"--out must end in .csv or .csv.gz; got {args.out}")
    land = make_landscape(args.landscape, args.library)
    seeds = list(range(args.seed_start, args.seed_start + args.seeds))
    parts = []
    settings = replay_settings(args)
    for i, s in enumerate(settings, 1):
        if not args.quiet:
            label = ", ".join(f"{k}={v}" for k, v in s.items() if k != "options" and v is not None)
            print(f"[{i}/{len(settings)}] {label}", file=sys.stderr, flush=True)
        hist = run_campaigns(land, s["strategy"], seeds=seeds, n_jobs=args.jobs, progress=not args.quiet,
                             budget=args.budget, initial=args.initial, noise=s["noise"], **s["options"])
        for k in reversed(CONFIG_COLUMNS[:-1]):
            hist.insert(0, k, s[k])
        parts.append(hist)
    table = pd.concat(parts, ignore_index=True)
    table["grid_levels"] = table["grid_levels"].astype("Int64")
    floats = table.select_dtypes("float").columns.drop(["kappa", "noise"], errors="ignore")
    table[floats] = table[floats].round(4)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    compression = {"method": "gzip", "mtime": 0} if args.out.name.endswith(".gz") else None
    table.to_csv(args.out, index=False, compression=compression)
    if not args.quiet:
        print(f"wrote {len(table)} rows ({len(settings)} settings x {len(seeds)} seeds) to {args.out}",
              file=sys.stderr)
    return table


def main(argv=None) -> int:
    """Entry point of ``python -m mlcrystal`` and of the ``mlcrystal`` script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.func(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
