"""The ``"random"`` strategy: uniform random sampling of the search box."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlcrystal.force.feasibility import DEFAULT_SHORT_CRYSTALS
from mlcrystal.force.lab import Bounds, Laboratory, measure, random_design

__all__ = ["run_random"]


def run_random(landscape: Laboratory, first: pd.DataFrame, n_search: int, rng: np.random.Generator, noise: float,
                bounds: Bounds, short_crystals: str = DEFAULT_SHORT_CRYSTALS) -> list[pd.DataFrame]:
    if n_search == 0:
        return []
    return [measure(landscape, random_design(landscape, n_search, random_state=rng, bounds=bounds),
                     noise, rng, short_crystals)]


# ---------------------------------------------------------------------------
