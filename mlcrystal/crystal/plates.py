"""Plates cut in stated orientations: the moduli a bending test of a thin plate would see."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from mlcrystal.crystal.anisotropy import extreme_youngs_moduli, plate_moduli
from mlcrystal.crystal.correlations import _check_level
from mlcrystal.crystal.plausibility import _require_tensor_column
from mlcrystal.crystal.tensors import stiffness_problem, validate_stiffness
from mlcrystal.seeding import RandomState, check_random_state, spawn

__all__ = ["PLATE_ORIENTATIONS", "plate_orientations", "plate_orientation_table", "summarise_plate_orientations"]

if TYPE_CHECKING:
    pass




#: Orientations of a plate's thickness that :func:`plate_orientations` knows:
#: along the crystal's stiffest direction, along its softest, or uniformly at random.
PLATE_ORIENTATIONS = ("stiffest", "softest", "random")


def plate_orientations(C: ArrayLike, n_random: int = 0, random_state: RandomState = None,
                       n_angles: int = 181) -> pd.DataFrame:
    """Plate moduli with the thickness along the stiffest, the softest and random directions.

    Which crystal direction runs through a plate's thickness is set by how
    the crystal grew (its habit), which a stiffness tensor does not say.
    This function makes the orientation an explicit assumption and shows
    the plate under each: thickness along the stiffest direction, along the
    softest direction, and along ``n_random`` directions drawn uniformly on
    the sphere (the neutral reference).

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    n_random : int, default 0
        Number of random thickness directions (>= 0).
    random_state : None, int or numpy.random.Generator
        Seed of the random directions (see :mod:`mlcrystal.seeding`).
    n_angles : int, default 181
        In-plane directions sampled per plate (see :func:`~mlcrystal.crystal.anisotropy.plate_moduli`).

    Returns
    -------
    pandas.DataFrame
        One row per plate: ``orientation`` (``"stiffest"``, ``"softest"``
        or ``"random"``), ``draw`` (0 for the fixed orientations, 0 to
        ``n_random - 1`` for the random ones), ``E_thickness``,
        ``E_length_min``, ``E_length_mean``, ``E_length_max`` and the
        ratios ``length_min_over_thickness``, ``length_mean_over_thickness``,
        ``length_max_over_thickness``.

    Examples
    --------
    >>> C = np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0])
    >>> t = plate_orientations(C, n_random=2, random_state=0)
    >>> t[["orientation", "draw", "E_thickness", "length_max_over_thickness"]].head(2).round(3)
      orientation  draw  E_thickness  length_max_over_thickness
    0    stiffest     0         30.0                      0.667
    1     softest     0         10.0                      3.000
    >>> bool(t.E_thickness.round(6).between(10.0, 30.0).all()), t.orientation.tolist()[2:]
    (True, ['random', 'random'])
    """
    C = validate_stiffness(C)
    if not (isinstance(n_random, (int, np.integer)) and not isinstance(n_random, bool) and n_random >= 0):
        raise ValueError(f"n_random must be a non-negative integer; got {n_random!r}.")
    rng = check_random_state(random_state)
    ext = extreme_youngs_moduli(C)
    plates: list[tuple[str, int, np.ndarray]] = [("stiffest", 0, ext["direction_max"]),
                                                 ("softest", 0, ext["direction_min"])]
    # an isotropic Gaussian vector points uniformly on the sphere; redraw the (measure-zero) zero vector
    for k in range(int(n_random)):
        d = rng.normal(size=3)
        while not np.linalg.norm(d) > 1e-12:
            d = rng.normal(size=3)
        plates.append(("random", k, d))
    rows = []
    for orientation, draw, d in plates:
        m = plate_moduli(C, d, n_angles=n_angles)
        rows.append({"orientation": orientation, "draw": draw, "E_thickness": m["E_thickness"],
                     "E_length_min": m["E_length_min"], "E_length_mean": m["E_length_mean"],
                     "E_length_max": m["E_length_max"]})
    out = pd.DataFrame(rows)
    for part in ("min", "mean", "max"):
        out[f"length_{part}_over_thickness"] = out[f"E_length_{part}"] / out["E_thickness"]
    return out


def plate_orientation_table(tensors: pd.DataFrame, n_random: int = 20, random_state: RandomState = None,
                            n_angles: int = 181) -> pd.DataFrame:
    """:func:`plate_orientations` for every tensor of a table.

    Parameters
    ----------
    tensors : pandas.DataFrame
        A table with a ``C_GPa`` column of valid 6x6 matrices (filter
        refused ones first, e.g. with :func:`~mlcrystal.crystal.tensors.stiffness_problem`); other
        columns (``compound``, ``source``...) are carried over.
    n_random : int, default 20
        Random thickness directions per tensor.
    random_state : None, int or numpy.random.Generator
        Seed; every tensor draws from its own child stream
        (:func:`mlcrystal.seeding.spawn`), in the order of the rows.
    n_angles : int, default 181
        In-plane directions per plate.

    Returns
    -------
    pandas.DataFrame
        The long table of :func:`plate_orientations` with a ``tensor``
        column (the row label in ``tensors``) and the carried columns.

    Raises
    ------
    ValueError
        If ``C_GPa`` is missing or a tensor is refused by
        :func:`~mlcrystal.crystal.tensors.validate_stiffness` (the message names its row).

    Examples
    --------
    >>> from mlcrystal.crystal.tensors import isotropic_stiffness
    >>> t = pd.DataFrame({"compound": ["iso"], "C_GPa": [isotropic_stiffness(8.0, 0.3)]})
    >>> p = plate_orientation_table(t, n_random=3, random_state=0)
    >>> len(p), sorted(set(p.orientation)), bool(np.allclose(p.length_mean_over_thickness, 1.0))
    (5, ['random', 'softest', 'stiffest'], True)
    """
    _require_tensor_column(tensors)
    streams = spawn(random_state, len(tensors))
    parts = []
    carried = tensors.drop(columns="C_GPa")
    for (label, C), rng in zip(tensors["C_GPa"].items(), streams, strict=True):
        problem = stiffness_problem(C)
        if problem:
            raise ValueError(f"tensor in row {label!r} is refused: {problem} Drop refused rows first, e.g. "
                             "tensors[tensors.C_GPa.map(stiffness_problem).eq('')].")
        p = plate_orientations(C, n_random=n_random, random_state=rng, n_angles=n_angles)
        p.insert(0, "tensor", label)
        for col in carried.columns:
            p.insert(1 + carried.columns.get_loc(col), col, carried.at[label, col])
        parts.append(p)
    return pd.concat(parts, ignore_index=True)


def summarise_plate_orientations(plates: pd.DataFrame, level: float = 0.9) -> pd.DataFrame:
    """Median in-plane/thickness ratios per orientation, with the spread over random draws.

    Parameters
    ----------
    plates : pandas.DataFrame
        Output of :func:`plate_orientation_table`.
    level : float, default 0.9
        Coverage of the central band of the per-draw medians reported for the
        random orientation (its 5-95 % quantiles; the fixed orientations have a single draw).

    Returns
    -------
    pandas.DataFrame
        Indexed by orientation (stiffest, random, softest): ``n_tensors``,
        ``n_draws`` and, for each of ``min``, ``mean`` and ``max`` (the
        softest, average and stiffest in-plane direction), the median ratio
        over tensors ``median_<part>`` with its band over draws
        ``median_<part>_low`` / ``_high`` (NaN for a single draw), and
        ``share_thickness_stiffer``: the share of plates whose thickness is
        stiffer than their in-plane average.

    Examples
    --------
    >>> C = np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0])
    >>> p = plate_orientation_table(pd.DataFrame({"C_GPa": [C]}), n_random=4, random_state=0)
    >>> s = summarise_plate_orientations(p)
    >>> s.loc[["stiffest", "softest"], "median_max"].round(3).tolist()
    [0.667, 3.0]
    >>> s.share_thickness_stiffer.round(3).to_dict()
    {'stiffest': 1.0, 'random': 0.25, 'softest': 0.0}
    """
    needed = {"tensor", "orientation", "draw", "E_thickness", "E_length_mean",
              "length_min_over_thickness", "length_mean_over_thickness", "length_max_over_thickness"}
    if not isinstance(plates, pd.DataFrame) or not needed <= set(plates.columns):
        raise ValueError(f"plates must be the output of plate_orientation_table() with columns {sorted(needed)}; "
                         "got " + (f"columns {list(plates.columns)}." if isinstance(plates, pd.DataFrame)
                                   else f"{type(plates).__name__}."))
    lo, hi = _check_level(level)
    rows = {}
    for orientation in ("stiffest", "random", "softest"):
        p = plates[plates.orientation.eq(orientation)]
        if p.empty:
            continue
        row: dict[str, float] = {"n_tensors": p.tensor.nunique(), "n_draws": p.draw.nunique()}
        for part in ("min", "mean", "max"):
            col = f"length_{part}_over_thickness"
            per_draw = p.groupby("draw")[col].median()
            row[f"median_{part}"] = float(p[col].median())
            several = len(per_draw) > 1
            row[f"median_{part}_low"] = float(per_draw.quantile(lo)) if several else np.nan
            row[f"median_{part}_high"] = float(per_draw.quantile(hi)) if several else np.nan
        # stiffer by more than rounding: an isotropic plate is not counted
        row["share_thickness_stiffer"] = float((p.E_thickness > p.E_length_mean * (1 + 1e-9)).mean())
        rows[orientation] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "orientation"
    return out.astype({"n_tensors": int, "n_draws": int})


# --------------------------------------------------------------------------
