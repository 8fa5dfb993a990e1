"""Safe output files: checked before any work, locked while written, replaced atomically.

Every command that writes follows the same rules: the path is checked before
any work (:func:`check_output_file`, :func:`check_output_folder`); an existing
file is replaced only with ``--force``; a table is written to a temporary file
beside it, synced and renamed into place (:func:`write_atomic`), so an
interrupted run never leaves a truncated file; it gets the permissions a new
file gets from the user's umask, or keeps those of the file it replaces; and a
lock (:func:`output_lock`, :mod:`filelock`, released by the operating system
when its process dies) keeps two runs from writing the same file.
"""

from __future__ import annotations

import gzip
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock, Timeout

__all__ = ["LockedError", "OutputError", "check_output_file", "check_output_folder", "new_file_mode", "output_lock",
           "sidecar", "write_atomic", "SIDECARS"]

#: Files kept beside a table while it is made: its checkpoint, the checkpoint's settings, its lock.
SIDECARS = {"partial": ".partial.csv", "meta": ".partial.json", "lock": ".lock"}


class OutputError(ValueError):
    """An output path that cannot or must not be written (the message says why and what to do)."""


class LockedError(RuntimeError):
    """Another run is writing the same output."""


def sidecar(out: Path, kind: str) -> Path:
    """The files beside a table: ``partial`` (checkpoint), ``meta`` (its settings) or ``lock``.

    Examples
    --------
    >>> sidecar(Path("data/replay_main.csv.gz"), "partial").name
    'replay_main.csv.gz.partial.csv'
    """
    return out.with_name(out.name + SIDECARS[kind])


def _writable_folder(folder: Path, what: str) -> None:
    if not folder.is_dir():
        raise OutputError(f"{what}: folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{what}: folder {folder} is not writable; choose another {what}")


def check_output_file(out: Path, suffixes: tuple[str, ...], *, force: bool, what: str = "--out") -> None:
    """Refuse a file path that cannot be written, or that exists, before any work.

    Raises :class:`OutputError` with one line naming the path and the fix.

    Examples
    --------
    >>> try:
    ...     check_output_file(Path("table.txt"), (".csv",), force=False)
    ... except OutputError as err:
    ...     print(err)
    --out must end in .csv; got table.txt
    """
    if not out.name.endswith(suffixes):
        raise OutputError(f"{what} must end in {' or '.join(suffixes)}; got {out}")
    if out.is_dir():
        raise OutputError(f"{what}: {out} is a folder; name a file in it, e.g. {out / ('table' + suffixes[-1])}")
    _writable_folder(out.parent, what)
    if out.exists() and not force:
        raise OutputError(f"{what}: {out} exists; pass --force to overwrite it")
    if out.exists() and not os.access(out, os.W_OK):
        raise OutputError(f"{what}: {out} exists and is read-only; choose another {what}")


def check_output_folder(out: Path, names: tuple[str, ...], *, force: bool, inputs: tuple[Path, ...] = (),
                        what: str = "--out") -> None:
    """Refuse a folder that cannot hold the files ``names``, or holds some of them, before any work.

    The folder may be missing (it is created later) if its nearest existing
    parent is writable. A file of the same name is replaced only with
    ``force``; an input file among ``inputs`` never is.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as f:
    ...     try:
    ...         check_output_folder(Path(f.name), ("report.md",), force=False)
    ...     except OutputError as err:
    ...         print(str(err).split(": ")[-1])
    name a folder for the report and tables
    """
    if out.exists() and not out.is_dir():
        raise OutputError(f"{what}: {out} is a file, not a folder: name a folder for the report and tables")
    existing = out.absolute()
    while not existing.exists():  # the folder is created later, under its nearest existing parent
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{what}: folder {existing} is not writable; choose another {what}")
    targets = {(out / n).resolve(): n for n in names}
    for source in inputs:
        if source.resolve() in targets:
            raise OutputError(f"{what}: the input {source} would be overwritten by the output "
                              f"{targets[source.resolve()]}; choose another {what} folder")
    clash = [n for n in names if (out / n).exists()]
    if clash and not force:
        raise OutputError(f"{what}: {out} already holds {', '.join(clash)}; pass --force to overwrite them, "
                          f"or choose another {what} folder")


def new_file_mode() -> int:
    """The permission bits a new file gets here (0o666 less the umask), as ``open()`` would give it.

    Examples
    --------
    >>> new_file_mode() & 0o600
    384
    """
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(out: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write ``out`` through ``write(stream)`` into a temporary file beside it, sync it and rename it into place.

    A ``.gz`` file is gzip-compressed with a fixed header (the final file
    name, modification time 0), so the same content gives the same bytes. The
    file gets the permissions of the file it replaces, or those of a new file
    (:func:`new_file_mode`), never the temporary file's 0600.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_atomic(Path(d) / "t.csv", lambda f: f.write(b"a,b\\n1,2\\n"))
    ...     (Path(d) / "t.csv").read_text()
    'a,b\\n1,2\\n'
    """
    mode = (out.stat().st_mode & 0o7777) if out.exists() else new_file_mode()
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            if out.name.endswith(".gz"):
                with gzip.GzipFile(filename=out.name, mode="wb", fileobj=fh, mtime=0) as gz:
                    write(gz)  # type: ignore[arg-type]  # a GzipFile is a binary stream
            else:
                write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, out)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextmanager
def output_lock(out: Path) -> Iterator[Path]:
    """Hold the lock ``<out>.lock`` while ``out`` is written; raise :class:`LockedError` if another run holds it.

    The lock is an OS file lock (:class:`filelock.FileLock`): the operating
    system releases it when its process ends, however it ends (SIGKILL, a
    power cut), so a lock file left behind never blocks a later run. The
    empty file itself may stay; it holds nothing.
    """
    lock = sidecar(out, "lock")
    try:
        with FileLock(lock, timeout=0):
            yield lock
    except Timeout:
        raise LockedError(f"another run is writing {out} (it holds {lock}): wait for it to finish") from None
