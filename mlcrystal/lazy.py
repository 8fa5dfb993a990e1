"""Lazy access to a package's modules and to the public names they define (PEP 562).

``import mlcrystal`` stays fast because each package imports its modules only
when one of them, or a name one of them defines, is first asked for. Every
package of the kit declares the same two tables and gets its module-level
``__getattr__`` and ``__dir__`` from :func:`attach`::

    _SUBMODULES = ("lab", "landscape")           # modules, imported on first use
    _EXPORTS = {"Bounds": "lab"}                 # public name -> the module that defines it
    __getattr__, __dir__ = attach(__name__, _SUBMODULES, _EXPORTS)
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["attach"]


def attach(package: str, submodules: Iterable[str],
           exports: Mapping[str, str] | None = None) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose modules load on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    submodules : iterable of str
        Its modules and subpackages, each imported the first time it is asked for. A module
        missing from this install (e.g. a part left out of a wheel) is no attribute.
    exports : mapping of str to str, optional
        Public name -> the module (relative to ``package``) that defines it; the name is
        imported from there on first use and then kept in the package's namespace.

    Returns
    -------
    (callable, callable)
        The package's ``__getattr__(name)`` and ``__dir__()``.

    Examples
    --------
    >>> getattr_, dir_ = attach("mlcrystal", ["study"])
    >>> getattr_("study").__name__
    'mlcrystal.study'
    >>> getattr_("nothing")
    Traceback (most recent call last):
    ...
    AttributeError: module 'mlcrystal' has no attribute 'nothing'
    """
    modules = tuple(submodules)
    names = dict(exports or {})

    def __getattr__(name: str) -> Any:
        if name in modules:
            try:
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as err:  # a part missing from this install: no such attribute
                if err.name != f"{package}.{name}":
                    raise
                raise AttributeError(f"module {package!r} has no attribute {name!r} ({err})") from err
        if name in names:
            value = getattr(importlib.import_module(f"{package}.{names[name]}"), name)
            setattr(sys.modules[package], name, value)  # later lookups find it without coming here
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(getattr(sys.modules[package], "__all__", ())))

    return __getattr__, __dir__
