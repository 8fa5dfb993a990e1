"""Fixtures and markers shared by every test under ``tests/``.

- matplotlib draws with the Agg backend (no display), and figures are closed
  after each test;
- BLAS runs one thread per test (``threadpoolctl``): GP fits on tiny matrices
  are slower, not faster, with more threads on a shared CPU;
- ``toy_lab`` and ``toy_box``: a small hand-made landscape and its search box,
  for campaign and metrics tests that must not depend on the study's data;
- ``youngs_raw`` (a copy per test) and ``youngs_raw_shared`` (one object per
  session, read only, for wider-scoped fixtures): the study's Young's-modulus
  table as published; both skip when the data are unreachable;
- ``@pytest.mark.needs_data`` (optionally with file names, e.g.
  ``@pytest.mark.needs_data("initial_dataset.xlsx")``): skips the test, with
  the reason, when an upstream file can be neither found in
  ``MLCRYSTAL_DATA_DIR`` nor downloaded;
- ``@pytest.mark.long_running``: the test is collected first (otherwise in
  the usual order), so that under ``-n auto --dist worksteal`` the long tests
  start at once and the short ones fill the gaps, instead of one long test
  running alone at the end.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterator

import matplotlib
import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

matplotlib.use("Agg")  # before any test module imports pyplot

#: The first words of every skip for unreachable data.
DATA_HINT = "upstream data not reachable: set MLCRYSTAL_DATA_DIR=/folder/with/the/files or go online"


# ---------------------------------------------------------------- process-wide habits

@pytest.fixture(autouse=True)
def _single_blas_thread() -> Iterator[None]:
    """One BLAS/OpenMP thread while each test runs (entered per test, so libraries loaded late count)."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    """Close every matplotlib figure a test left open."""
    yield
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


# ---------------------------------------------------------------- upstream data

def data_problem(name: str) -> str | None:
    """Why the upstream file ``name`` cannot be had now, or None when it can.

    Tries :func:`mlcrystal.datasets.fetch` once per file, per value of
    ``MLCRYSTAL_DATA_DIR`` and per session. Only
    :class:`mlcrystal.datasets.DataUnavailableError` (missing locally, download
    failed) counts as unreachable; a hash mismatch or an unknown name raises,
    it is never a skip.
    """
    return _data_problem(name, os.environ.get("MLCRYSTAL_DATA_DIR"))


@functools.cache
def _data_problem(name: str, data_dir: str | None) -> str | None:
    from mlcrystal import datasets

    try:
        datasets.fetch(name)
    except datasets.DataUnavailableError as err:
        reason = str(err).strip().splitlines()[0]
        return reason if name in reason else f"{name}: {reason}"
    return None


def skip_without_data(*names: str) -> None:
    """Skip the running test or fixture when one of ``names`` (default: every registered file) is unreachable."""
    from mlcrystal import datasets

    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise TypeError(f"needs_data takes file names (str) from mlcrystal.datasets.REGISTRY; got {bad!r}")
    for name in names or tuple(datasets.REGISTRY):
        problem = data_problem(name)
        if problem is not None:
            pytest.skip(f"{DATA_HINT} ({problem})")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long-running tests first (a stable sort: each group keeps its collection order)."""
    items.sort(key=lambda item: item.get_closest_marker("long_running") is None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a ``needs_data`` test before its fixtures try to load the data."""
    marker = item.get_closest_marker("needs_data")
    if marker is not None:
        skip_without_data(*marker.args)


@pytest.fixture(scope="session")
def youngs_raw_shared() -> pd.DataFrame:
    """The same table, one object for the whole session: for module- or session-scoped fixtures; never modify it."""
    skip_without_data("Youngs_modulus_dataset.xlsx")
    from mlcrystal.datasets import load_youngs_modulus

    return load_youngs_modulus(clean=False)


@pytest.fixture
def youngs_raw(youngs_raw_shared: pd.DataFrame) -> pd.DataFrame:
    """The study's 393-row Young's-modulus table, uncleaned (a fresh copy per test; read once per session)."""
    return youngs_raw_shared.copy()


# ---------------------------------------------------------------- a small landscape

class ToyLab:
    """A smooth 5-D bump that behaves like a landscape: compound 3 best, peak at
    L=2000, W=1200, T=150 um, force growing linearly with intensity P.

    It has what :func:`mlcrystal.force.campaigns.run_campaign` asks of a landscape
    (``compounds``, ``moduli``, ``min_aspect_ratio``, ``snap``, ``force``,
    ``initial_design``) and needs no data file.
    """

    compounds = (2, 3, 5, 9)
    moduli = {2: 0.602, 3: 0.677, 5: 1.25, 9: 0.664}
    min_aspect_ratio = 2.0

    def snap(self, L_um, T_um):
        T = np.asarray(T_um, dtype=float)
        return np.maximum(np.asarray(L_um, dtype=float), self.min_aspect_ratio * T), T

    def force(self, compound, L_um, W_um, T_um, P_mW_cm2, noise=0.0, random_state=None):
        c = np.asarray(compound)
        if not np.all(np.isin(c, self.compounds)):
            raise ValueError(f"unknown compound in {np.unique(c).tolist()}; expected one of {self.compounds}")
        if np.any(np.asarray(L_um) < self.min_aspect_ratio * np.asarray(T_um) - 1e-9):
            raise ValueError("L/T below the beam-theory limit")
        amp = np.select([c == 3, c == 5], [30.0, 15.0], 8.0)
        f = amp * np.exp(-((np.asarray(L_um) - 2000) / 800) ** 2 - ((np.asarray(W_um) - 1200) / 600) ** 2
                         - ((np.asarray(T_um) - 150) / 150) ** 2) * np.asarray(P_mW_cm2) / 2080
        if noise:
            f = f * (1 + noise * np.random.default_rng(random_state).standard_normal(np.shape(f)))
        return f

    def initial_design(self):
        return pd.DataFrame({"compound": [5] * 5 + [9] * 5, "E_GPa": [1.25] * 5 + [0.664] * 5,
                             "L_um": [626.0] * 5 + [625.0] * 5, "W_um": [708.0] * 5 + [631.0] * 5,
                             "T_um": [241.0] * 5 + [113.0] * 5,
                             "P_mW_cm2": [208.0, 520.0, 1040.0, 1560.0, 2080.0] * 2})


@pytest.fixture(scope="session")
def toy_lab() -> ToyLab:
    """A :class:`ToyLab` (stateless, shared by the session)."""
    return ToyLab()


@pytest.fixture
def toy_box() -> dict[str, tuple[float, float]]:
    """The search box for :func:`toy_lab` (a fresh dict per test)."""
    return {"E_GPa": (0.5, 4.0), "L_um": (0.0, 3000.0), "W_um": (200.0, 2000.0),
            "T_um": (50.0, 500.0), "P_mW_cm2": (21.0, 2080.0)}
