"""The ``"grid"`` strategy: a full factorial grid visited in a seeded random or lexicographic order."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mlcrystal.force.feasibility import DEFAULT_SHORT_CRYSTALS
from mlcrystal.force.lab import Bounds, Laboratory, grid_points, measure

__all__ = ["run_grid"]


def run_grid(landscape: Laboratory, first: pd.DataFrame, n_search: int, rng: np.random.Generator, noise: float,
              bounds: Bounds, levels: int | Mapping[str, int] = 3, order: str = "random",
              kind: str = "centres", short_crystals: str = DEFAULT_SHORT_CRYSTALS) -> list[pd.DataFrame]:
    if order not in ("random", "lexicographic"):
        raise ValueError(f"order must be 'random' or 'lexicographic'; got {order!r}.")
    grid = grid_points(landscape, levels=levels, bounds=bounds, kind=kind)
    if order == "random":
        grid = grid.iloc[rng.permutation(len(grid))]
    grid = grid.iloc[:n_search]
    return [measure(landscape, grid, noise, rng, short_crystals)] if len(grid) else []
