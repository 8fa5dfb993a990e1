"""The stored findings of the design-rules evidence: tables the chapters read instead of re-running hours.

``benchmarks/rules_findings.py`` computes every table with the tested functions of this subpackage
(``within_paper``, ``families``, ``confidence``, ``comparisons``, ``claims``, ``novelty``) and writes it
to ``mlcrystal/data/findings/``; ``benchmarks/FINDINGS_rules.md`` says what each holds and how long it
took. A chapter shows a stored table with :func:`load_finding` and re-computes a cheap part of it live
where it can, so the stored numbers stay checked.
"""

from __future__ import annotations

import json
from importlib.resources.abc import Traversable
from typing import Any

import pandas as pd

from mlcrystal.datasets import PACKAGE_DATA

__all__ = ["FINDINGS_DIR", "finding_names", "load_finding"]

#: Where the stored findings live in the package data.
FINDINGS_DIR = "findings"


def _folder() -> Traversable:
    return PACKAGE_DATA / FINDINGS_DIR


def finding_names() -> list[str]:
    """The stored findings, by file name without its extension.

    Examples
    --------
    >>> "rules_rerated" in finding_names()
    True
    """
    return sorted(t.name.rsplit(".", 1)[0] for t in _folder().iterdir()
                  if t.is_file() and t.name.endswith((".csv", ".json")))


def load_finding(name: str, **read_csv: Any) -> pd.DataFrame | dict[str, Any]:
    """One stored finding: a CSV table as a DataFrame, a JSON summary as a dict.

    Parameters
    ----------
    name : str
        The finding's name (``"rules_rerated"``), as listed by :func:`finding_names`.
    **read_csv
        Passed to :func:`pandas.read_csv` (for example ``index_col=0``).

    Raises
    ------
    FileNotFoundError
        No stored finding has that name; the message lists those that exist.

    Examples
    --------
    >>> sorted(load_finding("claims_summary"))
    ['bending_4_5_vs_1_3', 'cutoff_0.8', 'nh2']
    >>> load_finding("rules_rerated").shape[0] > 0
    True
    """
    folder = _folder()
    for ext in (".csv", ".json"):
        item = folder / f"{name}{ext}"
        if item.is_file():
            if ext == ".json":
                return dict(json.loads(item.read_text(encoding="utf-8")))
            with item.open("rb") as fh:
                return pd.read_csv(fh, **read_csv)
    raise FileNotFoundError(f"mlcrystal/data/{FINDINGS_DIR}/ has no finding {name!r}; it holds "
                            f"{finding_names()}. Check the name, or regenerate it with "
                            "benchmarks/rules_findings.py.")
