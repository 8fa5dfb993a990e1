"""Argument types of the command line: each turns one string into a value or refuses it in one line.

An argparse ``type`` raises :class:`argparse.ArgumentTypeError`; argparse
prints it as ``<prog>: error: argument --name: <message>`` and exits with 2.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from pathlib import Path

__all__ = ["available_cores", "bounded_float", "int_at_least", "non_negative_int", "optimizer_seed",
           "path", "positive_int"]


def int_at_least(low: int, what: str, high: int | None = None) -> Callable[[str], int]:
    """An argparse type for whole numbers ``low <= n (<= high)``, named ``what`` in its message.

    Examples
    --------
    >>> int_at_least(0, "an integer >= 0")("3")
    3
    >>> int_at_least(1, "a positive integer", high=10)("11")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a positive integer up to 10, got 11
    """
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"expected {what} up to {high:,}, got {value:,}")
        return value

    return parse


#: A whole number >= 1.
positive_int = int_at_least(1, "a positive integer")
#: A whole number >= 0.
non_negative_int = int_at_least(0, "an integer >= 0")


def bounded_float(low: float, high: float, what: str, hint: str = "") -> Callable[[str], float]:
    """An argparse type for finite numbers ``low <= x <= high``; ``hint`` follows the refusal.

    Examples
    --------
    >>> noise = bounded_float(0, 1, "a relative sd from 0 to 1", "0.05 is 5 %")
    >>> noise("0.05")
    0.05
    >>> noise("5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a relative sd from 0 to 1, got 5.0 (0.05 is 5 %)
    """
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value!r}" + (f" ({hint})" if hint else ""))
        return value

    return parse


def path(text: str) -> Path:
    """A file or folder path; an empty one is refused (``Path("")`` would quietly be the current folder).

    Examples
    --------
    >>> path("out")
    PosixPath('out')
    """
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a path, got an empty string (. is the current folder)")
    return Path(text)


def optimizer_seed(text: str) -> int | None:
    """``--optimizer-seed``: an integer >= 0, or ``fresh`` (None: a new seed at every step).

    Examples
    --------
    >>> optimizer_seed("fresh") is None, optimizer_seed("7")
    (True, 7)
    """
    return None if text == "fresh" else non_negative_int(text)


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
