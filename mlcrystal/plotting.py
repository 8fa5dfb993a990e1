"""The book's figure style and shared small plotting helpers."""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns

#: Colour for the study's published values; model and simulation use the palette.
PAPER_COLOR = "#b2182b"


def set_style(context: str = "notebook") -> None:
    """Apply the book's plotting style (seaborn whitegrid, readable sizes).

    Parameters
    ----------
    context : str, default "notebook"
        A seaborn context ("paper", "notebook", "talk").

    Examples
    --------
    >>> set_style()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["savefig.dpi"]
    150.0
    """
    sns.set_theme(context=context, style="whitegrid", palette="colorblind")
    mpl.rcParams.update({
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "axes.titlesize": "medium",
        "figure.autolayout": True,
        # deterministic SVG/PNG metadata, so re-executed notebooks match
        "svg.hashsalt": "mlcrystal",
    })
