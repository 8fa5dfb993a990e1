"""Sentences and tables for readers, written by code so they read the same everywhere.

A chapter quotes a computed number in a sentence that a code cell writes as
Markdown output (``say``), not through a MyST role: JupyterLab, Colab and the
website then all show the number, the stored output holds it at the precision
shown (so nbval compares it, without last-bit noise), and the cell is tagged
``remove-input`` so the website shows only the sentence. References are plain
Markdown links (``[Oliver and Pharr 1992](bibliography.md)``,
``[the histogram](#fig-01-modulus-distribution)``) that the website resolves.

``for_people`` turns a DataFrame into a table for readers: columns named in
words with units, no meaningless index, a dash for a missing value, "never"
for an infinite count, yes/no for booleans and whole numbers without decimals.
"""

from __future__ import annotations

import math
import numbers
import re
import string
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["DASH", "NEVER", "Sentence", "Table", "for_people", "say", "units", "UNIT_SPELLINGS", "COLUMN_WORDS",
           "in_words"]

#: What a reader sees for a missing value (explained once in the book's introduction).
DASH = "–"
#: What a reader sees for an infinite count ("the target was never reached").
NEVER = "never"

#: Unit spellings for programmers and their typeset forms, applied to column names.
UNIT_SPELLINGS: dict[str, str] = {
    "mW/cm2": "mW/cm²",
    "g/cm3": "g/cm³",
    "um": "µm",
    "degC": "°C",
}
_UNIT_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(u) for u in UNIT_SPELLINGS) + r")(?![A-Za-z0-9])")


def units(text: str) -> str:
    """Write the units in ``text`` as a reader expects them (µm, mW/cm², g/cm³).

    Examples
    --------
    >>> units("thickness (um), intensity (mW/cm2), density (g/cm3)")
    'thickness (µm), intensity (mW/cm²), density (g/cm³)'
    >>> units("sum of drums")  # words that merely contain "um" are left alone
    'sum of drums'
    """
    return _UNIT_RE.sub(lambda m: UNIT_SPELLINGS[m.group(1)], text)


class Sentence:
    """Markdown text shown as a cell's ``text/markdown`` output (and as plain text elsewhere)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sentence) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def _check_value(name: str, value: Any, spec: str) -> None:
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"say(): {{{name}}} is a boolean ({value}); write the words it stands for "
                         "(e.g. 'yes'/'no') into the template instead.")
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        if not math.isfinite(float(value)):
            raise ValueError(f"say(): {{{name}}} is {value}; say in words what it means (e.g. 'never') "
                             "instead of quoting it.")
        if not re.search(r"\.[0-9]+[eEfFgG%]|[eEfFgG%]$", spec):
            raise ValueError(f"say(): {{{name}}} is a float ({value!r}) without a precision; "
                             f"write it as {{{name}:.2f}} (or the precision the sentence needs), so the "
                             "stored output never carries the last, machine-dependent digits.")


def say(template: str, /, **values: Any) -> Sentence:
    """A Markdown paragraph with computed numbers, shown as the cell's output.

    Use it as the last line of a code cell tagged ``remove-input``; the
    website shows only the sentence, JupyterLab and Colab show it under the
    cell, and nbval compares the numbers at the precision written.

    Parameters
    ----------
    template : str
        Markdown with ``str.format`` fields, e.g. ``"{n_rows} rows, mean
        {E_mean:.2f} GPa"``. Links are plain Markdown:
        ``[Oliver and Pharr 1992](bibliography.md)``, ``[chapter 3](03_lasso_design_rules.ipynb)``,
        ``[the histogram](#fig-01-modulus-distribution)``.
    **values
        The numbers and words named in the template. Every float needs a
        precision in its field (``{x:.2f}``, ``{x:.0f}``, ``{x:.1%}``);
        booleans, infinities and NaN are refused (say in words what they mean).

    Returns
    -------
    Sentence
        Displayed as ``text/markdown`` (and the same text as ``text/plain``).

    Examples
    --------
    >>> say("The table has {n} rows; the mean is {mean:.2f} GPa.", n=393, mean=11.5149)
    The table has 393 rows; the mean is 11.51 GPa.
    >>> say("mean {mean} GPa", mean=11.5149)
    Traceback (most recent call last):
    ...
    ValueError: say(): {mean} is a float (11.5149) without a precision; write it as {mean:.2f} \
(or the precision the sentence needs), so the stored output never carries the last, machine-dependent digits.
    >>> say("{n} rows", m=3)
    Traceback (most recent call last):
    ...
    KeyError: "say(): the template names {n}, which was not given; given: ['m']."
    """
    if not isinstance(template, str):
        raise TypeError(f"say(): the template must be a str; got {type(template).__name__}.")
    named = set()
    for _literal, field, spec, _conv in string.Formatter().parse(template):
        if field is None:
            continue
        if field == "" or field.isdigit():
            raise ValueError("say(): use named fields ({n_rows}), not positional ones ({} or {0}).")
        name = re.split(r"[.\[]", field, maxsplit=1)[0]
        if name not in values:
            raise KeyError(f"say(): the template names {{{name}}}, which was not given; given: {sorted(values)}.")
        named.add(name)
        _check_value(name, values[name], spec or "")
    unused = sorted(set(values) - named)
    if unused:
        raise ValueError(f"say(): values {unused} are not used by the template; remove them or quote them.")
    return Sentence(template.format(**values))


class Table:
    """A table for readers: shown as HTML without an index (and as aligned text elsewhere)."""

    def __init__(self, frame: pd.DataFrame, caption: str | None = None) -> None:
        self.frame = frame
        self.caption = caption

    def _repr_html_(self) -> str:
        html = self.frame.to_html(index=False, border=0, escape=True)
        if self.caption:
            html = html.replace(">", f">\n<caption>{self.caption}</caption>", 1)
        return html

    def __repr__(self) -> str:
        text = self.frame.to_string(index=False)
        return f"{self.caption}\n{text}" if self.caption else text


#: Column names of the kit's tables in words, where the generic rules of :func:`in_words` would be unclear.
COLUMN_WORDS = {
    "n_grid": "grid points", "n_hits": "grid points at the target", "n_bo": "experiments, BO",
    "n_random": "experiments, random search", "af": "acceleration factor",
    "af_at_target": "acceleration factor at the target",
    "reached_n": "campaigns that reached it", "expected_first_hit": "expected experiments to the first hit",
    "ratio_full_grid": "ratio against the full grid", "ratio_expected": "ratio against the grid in random order",
    "within_120": "reached within 120 experiments", "within_155": "reached within 155 experiments",
    "median_best_100": "median best by experiment 100", "median_best_155": "median best by experiment 155",
    "target_fraction": "target (share of the optimum)", "bo_reached": "BO reached (share)",
    "bo_median": "BO, median experiments", "edge_share": "share of experiments at the box edge",
}
_UNIT_SUFFIXES = (("_mW_cm2", " (mW/cm2)"), ("_g_cm3", " (g/cm3)"), ("_GPa", " (GPa)"), ("_mN", " (mN)"),
                  ("_um", " (um)"), ("_pct", " (%)"), ("_K", " (K)"), ("_s", " (s)"))
_QUANTITIES = {"P": "intensity", "L": "length", "W": "width", "T": "thickness", "E": "Young's modulus", "F": "force"}
_TOKENS = {"q05": "5 % quantile", "q95": "95 % quantile", "bo": "BO", "af": "acceleration factor", "n": "number of",
           "lo": "low end", "hi": "high end"}


def in_words(name: str) -> str:
    """A programmer's column name in words, with its unit: ``"median_lo"`` -> ``"median, low end"``.

    Names in :data:`COLUMN_WORDS` take their entry; names without an underscore stay as they are.
    Otherwise a unit suffix becomes the unit in brackets, a one-letter quantity its name, ``_lo``
    and ``_hi`` the ends of an interval, ``_5lv`` "5 levels", and the other underscores spaces.

    Examples
    --------
    >>> [in_words(n) for n in ["P_mW_cm2", "L_um", "force_mN", "ratio_lo", "q05_if_reached", "ratio_expected_5lv",
    ...                        "median_experiments", "campaigns", "af_at_target"]]  # doctest: +NORMALIZE_WHITESPACE
    ['intensity (mW/cm2)', 'length (um)', 'force (mN)', 'ratio, low end', '5 % quantile if reached',
     'ratio expected (5 levels)', 'median experiments', 'campaigns', 'acceleration factor at the target']
    """
    if name in COLUMN_WORDS:
        return COLUMN_WORDS[name]
    if "_" not in name:
        return name
    unit = ""
    for suffix, words in _UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name, unit = name[: -len(suffix)], words
            break
    end = ""
    for suffix, words in (("_lo", ", low end"), ("_hi", ", high end")):
        if name.endswith(suffix):
            name, end = name[: -len(suffix)], words
    levels = re.search(r"_(\d+)lv$", name)
    if levels:
        name, end = name[: levels.start()], f" ({levels.group(1)} levels)" + end
    parts = name.split("_")
    if parts[0] in _QUANTITIES and (len(parts) == 1 or unit):
        parts[0] = _QUANTITIES[parts[0]]
    words_ = [_TOKENS.get(p, p) if not (p == "n" and i) else p for i, p in enumerate(parts)]
    return " ".join(words_) + end + unit


def _cell(value: Any, decimals: int) -> Any:
    if value is None or (isinstance(value, float | np.floating) and math.isnan(value)) or value is pd.NA:
        return DASH
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        if math.isinf(value):
            return NEVER if value > 0 else DASH
        return f"{value:.{decimals}f}"
    return value


def for_people(frame: pd.DataFrame | pd.Series, columns: Mapping[str, str] | None = None, *,
               decimals: int | Mapping[str, int] = 2, keep_index: str | None = None,
               caption: str | None = None) -> Table:
    """Format a DataFrame for readers (not programmers).

    Parameters
    ----------
    frame : pandas.DataFrame or pandas.Series
    columns : dict, optional
        ``{column: "name in words (unit)"}``; the columns named are kept, in
        this order, and renamed. Without it every column is kept, its name put
        in words by :func:`in_words` (``ratio_lo`` -> "ratio, low end"). Unit
        spellings are typeset in either case (``um`` -> µm, ``mW/cm2`` -> mW/cm²,
        ``g/cm3`` -> g/cm³).
    decimals : int or dict, default 2
        Decimals of float columns (by original column name). A float column
        whose values are all whole numbers is shown without decimals.
    keep_index : str, optional
        The index means something (a compound, a strategy): keep it as the
        first column under this name. By default the index is dropped.
    caption : str, optional
        A caption shown above the table.

    Returns
    -------
    Table
        Missing values as a dash, infinite counts as "never", booleans as
        yes/no, whole numbers without decimals.

    Examples
    --------
    >>> t = pd.DataFrame({"thickness_um": [626.0, 40.0], "reached_n": [12, np.inf],
    ...                   "af": [2.345, np.nan], "ok": [True, False]})
    >>> for_people(t, {"thickness_um": "thickness (um)", "reached_n": "experiments to target",
    ...                "af": "acceleration factor", "ok": "reached"})
    thickness (µm) experiments to target acceleration factor reached
               626                    12                2.35     yes
                40                 never                   –      no
    >>> for_people(t, {"nope": "x"})
    Traceback (most recent call last):
    ...
    KeyError: "for_people(): no column 'nope'; the table's columns are ['thickness_um', 'reached_n', 'af', 'ok']."
    """
    data = frame.to_frame() if isinstance(frame, pd.Series) else frame
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"for_people(): expected a pandas DataFrame or Series; got {type(frame).__name__}.")
    if keep_index is not None:
        data = data.reset_index(names=keep_index)
    names = dict(columns) if columns is not None else {c: in_words(str(c)) for c in data.columns}
    if keep_index is not None and keep_index not in names:
        names = {keep_index: keep_index, **names}
    for c in names:
        if c not in data.columns:
            raise KeyError(f"for_people(): no column {c!r}; the table's columns are {list(data.columns)}.")
    if isinstance(decimals, Mapping):
        unknown = [c for c in decimals if c not in names]
        if unknown:
            raise KeyError(f"for_people(): decimals names columns {unknown} that are not shown.")
    out = {}
    for col, label in names.items():
        values = data[col]
        d = decimals.get(col, 2) if isinstance(decimals, Mapping) else decimals
        if pd.api.types.is_float_dtype(values):
            finite = values[np.isfinite(values.to_numpy(dtype=float))]
            if len(finite) and (finite == finite.round()).all():
                d = 0
        out[units(str(label))] = [_cell(v, d) for v in values]
    return Table(pd.DataFrame(out), caption=caption)
