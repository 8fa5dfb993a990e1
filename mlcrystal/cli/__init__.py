"""The command line: ``mlcrystal <command>`` (the console script a ``pip install`` puts on the PATH),
or ``python -m mlcrystal <command>`` (the same, from a checkout or any environment with the kit).

Commands (``mlcrystal --help`` lists them, ``mlcrystal <command> --help`` their options):

- ``replay`` (:mod:`mlcrystal.cli.replay`): many seeded optimisation campaigns, one table;
- ``rules`` (:mod:`mlcrystal.cli.rules`): design rules and their confidence from a table of moduli;
- ``doctor`` (:mod:`mlcrystal.cli.doctor`): what this machine has and lacks, and what each gap affects.

How a command runs (:func:`main`): argparse reads the arguments with the
command's argument types (:mod:`mlcrystal.cli.types`); the command's
``check`` refuses, before any work and with light modules only, what would
fail later (an output path, an input's header, incompatible options); then
its ``func`` does the work, reaching the science modules through
:mod:`mlcrystal.cli.kit`, which imports each on first use. A mistake in the
arguments is one line on stderr and exit status 2; a run that fails (no data,
a full disk, a lost connection) is one line and exit status 1; Ctrl-C is 130.
A new command is one module with ``add_parser(subparsers)`` and one entry of
:data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

from mlcrystal import __version__
from mlcrystal.cli import doctor, replay, rules

__all__ = ["COMMANDS", "build_parser", "main", "prog_name"]

#: The commands: name -> function adding its parser to argparse's sub-parsers (setting ``func(args)`` and
#: optionally ``check(args)``, run before ``func``).
COMMANDS: dict[str, Callable[[Any], argparse.ArgumentParser]] = {
    "replay": replay.add_parser,
    "rules": rules.add_parser,
    "doctor": doctor.add_parser,
}


def prog_name(argv0: str | None = None) -> str:
    """How the user called the command line: ``python -m mlcrystal`` or ``mlcrystal`` (the console script).

    Examples
    --------
    >>> prog_name("/x/lib/python3.11/site-packages/mlcrystal/__main__.py"), prog_name("/usr/bin/mlcrystal")
    ('python -m mlcrystal', 'mlcrystal')
    """
    argv0 = sys.argv[0] if argv0 is None else argv0
    head, tail = os.path.split(argv0)
    return "python -m mlcrystal" if tail == "__main__.py" and os.path.basename(head) == "mlcrystal" else "mlcrystal"


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The command line's argument parser (one sub-parser per entry of :data:`COMMANDS`).

    Examples
    --------
    >>> build_parser().parse_args(["replay", "--out", "x.csv", "--seeds", "3"]).seeds
    3
    """
    parser = argparse.ArgumentParser(
        prog=prog or prog_name(),
        description="mlcrystal: replay the study's blocking-force optimisation on a simulated landscape, derive "
                    "design rules from a table of moduli, check this machine's set-up.",
        epilog="Installed with pip, the console script is called mlcrystal; from a checkout, "
               ".venv/bin/mlcrystal or python -m mlcrystal does the same.")
    parser.add_argument("--version", action="version", version=f"mlcrystal {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="command", required=True)
    for add in COMMANDS.values():
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``mlcrystal`` console script and of ``python -m mlcrystal``; returns the exit status.

    0 on success; 1 when a run failed (data, disk, network, another run's
    lock), with one line on stderr; 2 for a mistake in the arguments or the
    input (argparse raises ``SystemExit(2)``); 130 when interrupted.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    check = getattr(args, "check", None)
    if check is not None:
        check(args)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(f"\n{parser.prog} {args.command}: interrupted", file=sys.stderr)
        return 130
