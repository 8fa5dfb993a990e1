"""What the laboratory does with a crystal the force model cannot describe, and what the surrogate is told.

The blocking-force landscape is a beam model: it holds for crystals at least
``min_aspect_ratio`` (2.5) times as long as they are thick
(:data:`mlcrystal.force.landscape.MIN_ASPECT_RATIO`). That limit belongs to the
kit's model, not to the laboratory: a real crystal shorter than 2.5 T can be
grown and measured, only the model cannot predict its force. A strategy that
asks for such a crystal (the search box allows L from 0 to 3000 um and T up to
500 um) therefore meets a *choice*, which this module names:

``"register-measured"`` (the default; the kit's behaviour since chapter 7 was written)
    The crystal is lengthened to ``min_aspect_ratio * T`` and measured, and
    the surrogate is told the lengthened length: what a laboratory notebook
    would record for the crystal actually measured.
``"register-asked"``
    The same crystal is lengthened and measured, but the surrogate is told the
    length it asked for, with the force of the lengthened crystal. This is the
    authors' own simulation convention (their code registers the suggested
    point with the value of the test function).
``"refuse"``
    A crystal below the limit is an error (:class:`ValueError` naming the
    crystal): nothing is lengthened silently.

The campaign history always records the crystal measured (the lengthened
length); the length asked for travels in the column :data:`ASKED_LENGTH` of
a measured block while a campaign runs (:func:`mlcrystal.force.lab.measure`).
Every strategy of ``mlcrystal.force.strategies`` and the authors' loop
(:mod:`mlcrystal.force.authors`) take the rule as ``short_crystals=``
(:func:`mlcrystal.force.campaigns.run_campaign` passes it on). For example:

>>> import pandas as pd
>>> block = pd.DataFrame({"L_um": [500.0], "T_um": [200.0], ASKED_LENGTH: [100.0]})
>>> float(told(block, "register-measured").L_um.iloc[0]), float(told(block, "register-asked").L_um.iloc[0])
(500.0, 100.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SHORT_CRYSTAL_RULES", "DEFAULT_SHORT_CRYSTALS", "ASKED_LENGTH", "check_short_crystals",
           "measured_crystal", "told", "lengthened"]

#: The named conventions for crystals shorter than the beam model's limit.
SHORT_CRYSTAL_RULES: tuple[str, ...] = ("register-measured", "register-asked", "refuse")

#: The default: stored tables and chapters 6 and 7 were written with it.
DEFAULT_SHORT_CRYSTALS = "register-measured"

#: Column of a measured block holding the length the strategy asked for, micrometres.
ASKED_LENGTH = "L_asked_um"


def check_short_crystals(rule: Any) -> str:
    """Return ``rule`` if it is one of :data:`SHORT_CRYSTAL_RULES`, else raise a ``ValueError``.

    Examples
    --------
    >>> check_short_crystals("register-asked")
    'register-asked'
    """
    if not isinstance(rule, str) or rule not in SHORT_CRYSTAL_RULES:
        raise ValueError(f"short_crystals must be one of {SHORT_CRYSTAL_RULES} (what happens to a crystal shorter "
                         f"than the beam model's limit L >= min_aspect_ratio * T); got {rule!r}.")
    return rule


def measured_crystal(landscape: Any, L_um: Any, T_um: Any, rule: str = DEFAULT_SHORT_CRYSTALS) -> tuple[Any, Any]:
    """The length and thickness the laboratory measures for the crystals asked for.

    Parameters
    ----------
    landscape : object
        Has ``snap(L, T)`` and ``min_aspect_ratio``.
    L_um, T_um : array_like
        Lengths and thicknesses asked for, micrometres.
    rule : str
        One of :data:`SHORT_CRYSTAL_RULES`.

    Returns
    -------
    tuple
        ``(L, T)`` as measured: lengthened to ``min_aspect_ratio * T`` where
        needed (both ``register-*`` rules); unchanged under ``"refuse"``.

    Raises
    ------
    ValueError
        ``rule="refuse"`` and a crystal is shorter than the limit (the first
        one is named, with the two other rules as the fix).

    Examples
    --------
    >>> from mlcrystal.force.landscape import BlockingForceLandscape
    >>> measured_crystal(BlockingForceLandscape(), [100.0], [200.0])[0].tolist()
    [500.0]
    """
    rule = check_short_crystals(rule)
    if rule == "refuse":
        L = np.asarray(L_um, float)
        T = np.asarray(T_um, float)
        short = L < landscape.min_aspect_ratio * T
        if np.any(short):
            i = int(np.flatnonzero(np.atleast_1d(short))[0])
            raise ValueError(
                f"crystal {i} (L_um={np.atleast_1d(L)[i]:g}, T_um={np.atleast_1d(T)[i]:g}) is shorter than the beam "
                f"model's limit L >= {landscape.min_aspect_ratio:g} T and short_crystals='refuse'; use "
                "'register-measured' or 'register-asked' to lengthen it, or bound the search to longer crystals.")
        return L, T
    return landscape.snap(L_um, T_um)


def told(block: pd.DataFrame, rule: str = DEFAULT_SHORT_CRYSTALS) -> pd.DataFrame:
    """The measurements as the surrogate is told them under ``rule``.

    Under ``"register-asked"`` the length is the one asked for (column
    :data:`ASKED_LENGTH`, where present); otherwise the block is returned
    unchanged (the lengthened, measured length).

    Examples
    --------
    >>> b = pd.DataFrame({"L_um": [625.0], "T_um": [241.0]})
    >>> told(b, "register-asked").L_um.tolist()  # no asked length recorded: the measured one
    [625.0]
    """
    rule = check_short_crystals(rule)
    if rule != "register-asked" or ASKED_LENGTH not in block.columns:
        return block
    out = block.copy()
    asked = out[ASKED_LENGTH].to_numpy(float)
    out["L_um"] = np.where(np.isfinite(asked), asked, out["L_um"].to_numpy(float))
    return out


def lengthened(history: pd.DataFrame, min_aspect_ratio: float = 2.5, tol: float = 1e-3) -> pd.Series:
    """Which experiments of a history were lengthened: measured at exactly ``min_aspect_ratio * T``.

    A history records the crystal measured, so a lengthened crystal sits on
    the limit (a crystal asked for exactly on the limit counts too; with
    integer lengths and thicknesses that is rare).

    Examples
    --------
    >>> h = pd.DataFrame({"L_um": [500.0, 625.0], "T_um": [200.0, 241.0]})
    >>> lengthened(h).tolist()
    [True, False]
    """
    L = history["L_um"].to_numpy(float)
    T = history["T_um"].to_numpy(float)
    return pd.Series(np.abs(L - min_aspect_ratio * T) <= tol, index=history.index, name="lengthened")
