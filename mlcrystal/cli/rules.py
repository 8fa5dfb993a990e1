"""``mlcrystal rules DATA.csv --out DIR``: design rules and their confidence from a user's table of moduli.

Before any work, with light modules only: the input exists, is the kind of
file its name says (a text table or an Excel workbook), is UTF-8 text, and its
header has the columns :data:`REQUIRED_COLUMNS`; ``--out`` is a folder that
can be written and holds none of the report's files (:data:`OUTPUT_FILES`)
unless ``--force`` (the input itself is never overwritten). The work is then
:func:`mlcrystal.rules.report.run_rules`, reached through :mod:`mlcrystal.cli.kit`;
it writes into a temporary folder beside ``--out`` whose files are moved into
place only when every one of them is complete, so a failure (a full disk, an
error) leaves ``--out`` as it was.

``mlcrystal rules --template PATH`` writes the shipped template
(``mlcrystal/data/rules_template.csv``: the header and three example rows) and
does nothing else.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

from mlcrystal.cli import kit
from mlcrystal.cli.output import OutputError, check_output_folder
from mlcrystal.cli.types import int_at_least, path, positive_int

__all__ = ["OUTPUT_FILES", "REQUIRED_COLUMNS", "MPA_MEDIAN_GPa", "TEMPLATE", "median_modulus", "add_parser",
           "check_args", "command", "read_header", "template_text", "InputError"]

#: Columns the table must have (:data:`mlcrystal.rules.report.REQUIRED_COLUMNS`; a test keeps the two equal).
REQUIRED_COLUMNS = ("smiles", "E_GPa")
#: The files ``rules`` writes into ``--out`` (a test keeps this equal to what
#: :func:`mlcrystal.rules.report.run_rules` writes).
OUTPUT_FILES = ("report.md", "rules.png", "cv_r2.png", "rules.csv", "audit_flags.csv", "excluded_rows.csv",
                "cv_scores.csv", "split_scores.csv", "rule_changes.csv", "predictions.csv")
#: A modulus column whose median exceeds this many "GPa" is MPa (:data:`mlcrystal.rules.fitting.MPA_MEDIAN_GPa`;
#: a test keeps the two equal).
MPA_MEDIAN_GPa = 100.0
#: The template's name in the package data (``mlcrystal/data``).
TEMPLATE = "rules_template.csv"
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC, _OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"  # .xlsx (a zip) and old .xls workbooks
_DESCRIPTION = ("Run the study's LASSO protocol and the kit's checks (audit, grouped CV over many partitions, "
                "bootstrap selection frequency, leave-one-paper-out) on a table of Young's moduli.")


class InputError(ValueError):
    """An input file the command cannot read (the message names the file and the fix)."""


def template_text() -> str:
    """The shipped CSV template: the header ``compound,smiles,E_GPa,doi,method`` and three example rows.

    Examples
    --------
    >>> template_text().splitlines()[0]
    'compound,smiles,E_GPa,doi,method'
    """
    return resources.files("mlcrystal").joinpath("data", TEMPLATE).read_text(encoding="utf-8")


def read_header(path: Path) -> list[str]:
    """The column names of a CSV/TSV file or of an Excel workbook's first sheet, read without pandas.

    Raises :class:`InputError` naming the file and what to do: missing, a
    folder, a workbook named ``.csv`` (or a text file named ``.xlsx``), an old
    ``.xls`` workbook, text that is not UTF-8, an empty file.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "t.csv"
    ...     _ = p.write_text("smiles;E_GPa\\nC;1,5\\n")
    ...     read_header(p)
    ['smiles', 'E_GPa']
    """
    if not path.exists():
        raise InputError(f"{path}: no such file; pass the path of a CSV (or .xlsx) table of moduli.")
    if path.is_dir():
        raise InputError(f"{path} is a folder; pass the path of a CSV (or .xlsx) table of moduli.")
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    if not head.strip():
        raise InputError(f"{path.name}: the file is empty; save the table with a header row "
                         f"({', '.join(REQUIRED_COLUMNS)}) and one row per measurement.")
    if head.startswith(_OLE_MAGIC):
        raise InputError(f"{path.name} is an old-format Excel (.xls) workbook; save it as .xlsx or as CSV UTF-8.")
    if head.startswith(_ZIP_MAGIC):
        if path.suffix.lower() not in _EXCEL_SUFFIXES:
            raise InputError(f"{path.name} is an Excel workbook, not a {path.suffix or 'text'} file; rename it "
                             f"{path.stem}.xlsx or save it as CSV UTF-8.")
        return _excel_header(path)
    if path.suffix.lower() in _EXCEL_SUFFIXES:
        raise InputError(f"{path.name} is a text file, not an Excel workbook; rename it {path.stem}.csv.")
    first = head.splitlines()[0]
    try:
        line = first.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path.name}: not UTF-8 text (byte 0x{first[err.start]:02x} in the header); save it as "
                         "'CSV UTF-8' (Excel: Save As > CSV UTF-8) and run again.") from None
    delimiter = max((",", ";", "\t"), key=line.count)
    return [c.strip() for c in next(csv.reader([line], delimiter=delimiter))]


def median_modulus(path: Path) -> float | None:
    """The median of a CSV/TSV file's ``E_GPa`` column, read without pandas (None: a workbook or no number).

    Cells that are not numbers are skipped here (the full validation names them later); a
    semicolon-separated file's decimal commas are read as points.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "t.csv"
    ...     _ = p.write_text("smiles;E_GPa\\nC;9600\\nO;12000,5\\nN;x\\n")
    ...     median_modulus(p)
    10800.25
    """
    with open(path, "rb") as fh:
        if fh.read(4) in (_ZIP_MAGIC, _OLE_MAGIC):
            return None
    with open(path, encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
        delimiter = max((",", ";", "\t"), key=first.count)
        header = [c.strip() for c in next(csv.reader([first], delimiter=delimiter))]
        if "E_GPa" not in header:
            return None
        k = header.index("E_GPa")
        values = []
        for row in csv.reader(fh, delimiter=delimiter):
            try:
                values.append(float(row[k].replace(",", ".") if delimiter == ";" else row[k]))
            except (IndexError, ValueError):
                continue
    values = sorted(v for v in values if v == v)  # NaN is not a number to rank
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def _excel_header(path: Path) -> list[str]:
    # openpyxl (a light, pure-Python reader) reads the first row of each sheet without loading the data
    openpyxl = kit.openpyxl
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # a damaged workbook raises many types
        raise InputError(f"{path.name}: could not be read as an Excel workbook ({type(err).__name__}); "
                         "save it again as .xlsx or as CSV UTF-8.") from None
    try:
        headers = {}
        for sheet in book.worksheets:
            row = next(sheet.iter_rows(max_row=1, values_only=True), ())
            headers[sheet.title] = [str(c).strip() for c in row if c is not None]
    finally:
        book.close()
    first = next(iter(headers))
    if all(c in headers[first] for c in REQUIRED_COLUMNS):
        return headers[first]
    other = [name for name, cols in headers.items() if all(c in cols for c in REQUIRED_COLUMNS)]
    if other:
        raise InputError(f"{path.name}: the table is on the sheet {other[0]!r}, but only the first sheet "
                         f"({first!r}) is read; move that sheet first or save it as CSV UTF-8.")
    return headers[first]


def check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse, as argparse errors (exit 2), an unreadable input or an unusable ``--out``, before any work."""
    if args.template is not None:
        if args.data is not None or args.out is not None:
            parser.error("--template writes the template and does nothing else; run it without a table and --out")
        target: Path = args.template
        if target.is_dir():
            parser.error(f"--template: {target} is a folder; name a file, e.g. {target / 'my_moduli.csv'}")
        if target.exists() and not args.force:
            parser.error(f"--template: {target} exists; pass --force to overwrite it, or choose another name")
        parent = target.absolute().parent
        if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            parser.error(f"--template: folder {parent} does not exist or is not writable; choose another path")
        return
    if args.data is None or args.out is None:
        parser.error("the following arguments are required: DATA and --out (or --template PATH for a template)")
    try:
        columns = read_header(args.data)
    except InputError as err:
        parser.error(str(err))
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        parser.error(f"{args.data.name}: missing column {missing[0]!r} (found {columns}); the table needs the "
                     f"columns {list(REQUIRED_COLUMNS)}; rename the header")
    try:
        median = median_modulus(args.data)
    except UnicodeDecodeError:
        median = None  # text below the header that is not UTF-8: the full reader names it
    if median is not None and median > MPA_MEDIAN_GPa:
        parser.error(f"{args.data.name}: the E_GPa column looks like MPa, not GPa (median {median:g}; moduli of "
                     "molecular crystals lie between 0.01 and 100 GPa, median 9.4 GPa in the study's table); divide "
                     "the column by 1000 (MPa -> GPa) and run again.")
    try:
        check_output_folder(args.out, OUTPUT_FILES, force=args.force, inputs=(args.data,))
    except OutputError as err:
        parser.error(str(err))


def _log(message: str) -> None:
    print(f"rules: {message}", file=sys.stderr, flush=True)


def command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Run ``rules`` from checked arguments; exit status 2 on bad input, 1 when the study's data are unavailable.

    Prints one line to stderr and raises ``SystemExit`` for a failure, so
    that ``mlcrystal rules`` exits with its status whatever the caller does
    with the return value.
    """
    if args.template is not None:
        args.template.write_text(template_text(), encoding="utf-8")
        print(f"wrote {args.template}: fill in one row per measurement (smiles and E_GPa in GPa required; doi "
              "may be empty), then run: mlcrystal rules " + f"{args.template} --out report/", file=sys.stderr)
        return 0
    out: Path = args.out
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{out.name or 'rules'}.", dir=parent))
    start = time.monotonic()
    try:
        res = kit.rules.run_rules(args.data, scratch, with_study=args.with_study, keep_flagged=args.keep_flagged,
                                  n_repeats=args.repeats,
                                  n_boot=args.boot, n_random_splits=args.splits, random_state=args.seed,
                                  n_jobs=args.jobs, log=None if args.quiet else _log)
        out.mkdir(parents=True, exist_ok=True)
        for name in OUTPUT_FILES:
            os.replace(scratch / name, out / name)
    except ValueError as err:
        print(f"{parser.prog}: error: " + " ".join(str(err).split()), file=sys.stderr)
        raise SystemExit(2) from None
    except OSError as err:  # the study's data could not be fetched (--with-study), a full disk...
        print(f"{parser.prog}: error: " + " ".join(str(err).split()), file=sys.stderr)
        raise SystemExit(1) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    n_aside = int(res.excluded.excluded.sum()) if len(res.excluded) else 0
    n_kept = len(res.excluded) - n_aside
    flagged = (f"{n_aside} flagged rows set aside" if not args.keep_flagged
               else f"{n_kept} flagged rows kept and fitted (--keep-flagged), {n_aside} set aside")
    print(f"wrote {out / 'report.md'} ({len(res.rules)} rules, {len(res.flags)} audit findings, {flagged}, "
          f"see excluded_rows.csv) in {time.monotonic() - start:.0f} s", file=sys.stderr)
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``rules`` command on the command line's sub-parsers.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="mlcrystal")
    >>> p = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["rules", "data.csv", "--out", "out"])
    >>> args.with_study, args.keep_flagged, args.repeats, args.force
    (False, False, 20, False)
    """
    p = subparsers.add_parser("rules", help="design rules and their confidence from your own table of moduli",
                              description=_DESCRIPTION)
    p.add_argument("data", type=path, nargs="?", metavar="DATA",
                   help="CSV (UTF-8, comma, semicolon or tab separated) or .xlsx (first sheet) with columns smiles, "
                        "E_GPa [compound, doi or paper, method]; a row may leave doi empty")
    p.add_argument("--out", type=path, help=f"folder for {', '.join(OUTPUT_FILES)} (created if missing; required "
                                            "with DATA)")
    p.add_argument("--force", action="store_true", help="overwrite those files when --out already holds them")
    p.add_argument("--keep-flagged", action="store_true",
                   help="fit the rows the audit flags (out-of-range values, duplicates); by default they are set "
                        "aside and listed in excluded_rows.csv")
    p.add_argument("--template", type=path, metavar="PATH",
                   help="write a CSV template of the table (header and three example rows) to PATH and stop")
    p.add_argument("--with-study", action="store_true", help="append the study's 393 rows (source = study)")
    p.add_argument("--repeats", type=positive_int, default=20,
                   help="fold assignments of the repeated grouped CV (default: %(default)s)")
    p.add_argument("--boot", type=positive_int, default=200, help="bootstrap samples (default: %(default)s)")
    p.add_argument("--splits", type=positive_int, default=200, help="random 80/20 splits (default: %(default)s)")
    p.add_argument("--seed", type=int_at_least(0, "an integer >= 0"), default=0,
                   help="seed of the checks (default: %(default)s)")
    p.add_argument("--jobs", type=positive_int, default=None, help="parallel jobs (default: one)")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=partial(command, p), check=partial(check_args, p))
    return p
