"""The modules a command needs for its work, as the command line reaches them: imported on first use.

The command line parses its arguments, checks its output paths and reads an
input's header with light modules only (the standard library and
:mod:`mlcrystal.study`), so that a mistake is reported in well under a
second. The science modules (NumPy, pandas, scikit-learn, RDKit, skopt...)
(and the command line's own pandas half, :mod:`mlcrystal.cli.checkpoint`) are
imported only when a command first needs them, through this module's
attributes::

    from mlcrystal.cli import kit
    kit.force.iter_campaigns(...)   # imports mlcrystal.force here, once

This is the one place where the command line names a science module's import
path (:data:`MODULES`); a module that moves is renamed here and nowhere else.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MODULES"]

#: Attribute of this module -> the science module it stands for.
MODULES: dict[str, str] = {
    "force": "mlcrystal.force",  # campaigns, strategies (the subpackage's lazy exports)
    "checkpoint": "mlcrystal.cli.checkpoint",  # the command line's own heavy half (pandas)
    "datasets": "mlcrystal.datasets",
    "ensemble": "mlcrystal.force.ensemble",
    "rdkit_descriptors": "rdkit.Chem.Descriptors",  # doctor: RDKit's fragment count (third-party)
    "openpyxl": "openpyxl",  # reads an .xlsx input's header (third-party, light)
    "replay_tables": "mlcrystal.force.replay_tables",
    "rules": "mlcrystal.rules.report",
}


def __getattr__(name: str) -> ModuleType:
    """Import the science module :data:`MODULES` maps ``name`` to (PEP 562), and keep it."""
    if name not in MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(MODULES[name])
    globals()[name] = module  # later lookups find it without coming here
    return module

