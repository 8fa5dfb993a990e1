"""The stored findings of the design-rules evidence: tables the chapters read instead of re-running hours.

``benchmarks/rules_findings.py`` computes every table with the tested functions of this subpackage
(``within_paper``, ``families``, ``confidence``, ``comparisons``, ``claims``, ``novelty``) and writes it
to ``mlcrystal/data/findings/``; ``benchmarks/FINDINGS_rules.md`` says what each holds and how long it
took. A chapter shows a stored table with :func:`load_finding` and re-computes a cheap part of it live
where it can, so the stored numbers stay checked.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any

import pandas as pd

from mlcrystal.datasets import PACKAGE_DATA

__all__ = ["FINDINGS_DIR", "TUNED_FORESTS", "finding_names", "load_finding", "load_tuned_forests",
           "compare_with_finding"]

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


#: Representation -> stored finding of its forests, at fixed settings and tuned by nested grouped CV
#: (``benchmarks/rules_findings.py ch7``; the first 4 fold assignments of ``representations_cv.csv``).
TUNED_FORESTS = MappingProxyType({
    "fragment counts": "ch7_tuned_fragment_counts",
    "MACCS keys": "ch7_tuned_MACCS_keys",
    "Morgan counts": "ch7_tuned_Morgan_counts",
    "RDKit descriptors": "ch7_tuned_RDKit_descriptors",
})


def load_tuned_forests() -> pd.DataFrame:
    """Chapter 4's forests on every representation, fixed and tuned, fold assignment by assignment.

    Returns
    -------
    pandas.DataFrame
        ``representation, repeat, seed, scheme, model, r2, mae``; ``model`` is
        ``"random forest"`` (fixed settings) or ``"random forest, tuned"``
        (:data:`~mlcrystal.rules.comparisons.FOREST_GRID` by grouped inner folds).

    Examples
    --------
    >>> t = load_tuned_forests()
    >>> sorted(t.representation.unique()) == sorted(TUNED_FORESTS)
    True
    >>> t.groupby(["representation", "model", "scheme"]).size().unique().tolist()  # 4 assignments each
    [4]
    """
    return pd.concat([load_finding(name) for name in TUNED_FORESTS.values()], ignore_index=True)


def _flat(d: Mapping, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.update(_flat(v, key + " / "))
        elif isinstance(v, list | tuple):
            out.update({f"{key} [{i}]": x for i, x in enumerate(v)})
        else:
            out[key] = v
    return out


def compare_with_finding(stored: Mapping, live: Mapping, *, atol: float = 0.005) -> pd.DataFrame:
    """Each number of a stored finding next to its live recomputation.

    Parameters
    ----------
    stored : mapping
        The finding (e.g. from :func:`load_finding`); nested mappings and lists are flattened
        (``"nh2 / all_rows"``, ``"nh2 / random_6_q05_q50_q95 [1]"``).
    live : mapping
        The same keys, recomputed; only these keys are compared (a finding may hold more than a
        page recomputes).
    atol : float, default 0.005
        Largest difference for non-integer numbers; integers, text and yes/no must be equal.

    Returns
    -------
    pandas.DataFrame
        ``quantity, stored, live`` (as text: integers whole, other numbers to four decimals)
        and ``agree``.

    Raises
    ------
    KeyError
        A live key that the finding does not hold (a misspelt key would otherwise compare nothing).

    Examples
    --------
    >>> t = compare_with_finding({"a": {"n": 54, "r2": 0.3018}, "b": "x"}, {"a": {"n": 54, "r2": 0.3021}})
    >>> t[["quantity", "stored", "live", "agree"]].values.tolist()
    [['a / n', '54', '54', True], ['a / r2', '0.3018', '0.3021', True]]
    """
    flat_stored, flat_live = _flat(stored), _flat(live)
    missing = [k for k in flat_live if k not in flat_stored]
    if missing:
        raise KeyError(f"the stored finding has no {missing}; it holds {sorted(flat_stored)}.")

    def text(v: Any) -> str:
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, numbers.Integral):
            return f"{int(v)}"
        if isinstance(v, numbers.Real):
            return f"{float(v):.4f}"
        return str(v)

    rows = []
    for k, v in flat_live.items():
        s = flat_stored[k]
        exact = isinstance(s, bool | str) or isinstance(v, bool | str) or (
            isinstance(s, numbers.Integral) and isinstance(v, numbers.Integral))
        agree = bool(s == v) if exact else abs(float(s) - float(v)) <= atol
        rows.append({"quantity": k, "stored": text(s), "live": text(v), "agree": agree})
    return pd.DataFrame(rows, columns=["quantity", "stored", "live", "agree"])
