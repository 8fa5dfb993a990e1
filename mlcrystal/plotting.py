"""The book's figure style, table formatting, and the rounded numbers the chapters quote (glue)."""

from __future__ import annotations

import base64
import html
import io
import os
import struct
import zlib
from collections.abc import Callable, Mapping
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["PAPER_COLOR", "DASH", "figure_html", "set_style", "format_table", "median_band", "glue_values",
           "glue_band", "FIGURE_FORMATS_ENV", "FONT_SCALE_ENV", "SVG_MAX_BYTES_ENV", "TICK_PX_KEY",
           "smallest_tick_pt", "with_tick_size", "png_tick_px"]

#: Colour for the study's published values; model and simulation use the palette.
PAPER_COLOR = "#b2182b"

#: What a table shows where it has no value.
DASH = "–"

#: Environment variables the book's website build sets (book/_ext/mlcrystal_site.py, from
#: ``_config.yml``) and :func:`set_style` reads: the inline figure formats (``svg``: sharp at
#: any zoom) and a font scale (tick labels stay >= 9 CSS px when a figure shrinks to a phone's
#: column). Unset (Jupyter, nbval, ``make notebooks``): PNG at the book's sizes, so the stored
#: outputs do not change.
FIGURE_FORMATS_ENV = "MLCRYSTAL_FIGURE_FORMATS"
FONT_SCALE_ENV = "MLCRYSTAL_FIGURE_FONT_SCALE"
#: With both ``svg`` and ``retina`` formats: a figure whose SVG would be larger than this many
#: bytes (thousands of markers) is shown as its 2x PNG instead.
SVG_MAX_BYTES_ENV = "MLCRYSTAL_FIGURE_SVG_MAX_BYTES"


#: The PNG text chunk in which a chart shown as PNG on the website records the height of its smallest
#: tick label in the PNG's own pixels (the site check turns it into CSS px at a phone's width).
TICK_PX_KEY = "mlcrystal:tick-px"


def smallest_tick_pt(fig: Figure) -> float | None:
    """The font size (pt) of the smallest visible tick label of any axes of ``fig``, or None.

    Examples
    --------
    >>> fig = Figure()
    >>> ax = fig.add_subplot()
    >>> _ = ax.set_xticks([0, 1]); ax.tick_params(axis="y", labelsize=7)
    >>> smallest_tick_pt(fig)
    7.0
    """
    sizes = [float(label.get_fontsize()) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
             if axis.get_visible() and ax.get_visible()
             for label in axis.get_ticklabels() if label.get_visible() and label.get_text()]
    if not sizes:  # labels are filled in at draw time: draw once, then read them
        FigureCanvasAgg(fig).draw()
        sizes = [float(label.get_fontsize()) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
                 if axis.get_visible() and ax.get_visible()
                 for label in axis.get_ticklabels() if label.get_visible() and label.get_text()]
    return min(sizes) if sizes else None


def with_tick_size(png: bytes, tick_px: float) -> bytes:
    """``png`` with a text chunk :data:`TICK_PX_KEY` saying its smallest tick label is ``tick_px`` pixels high.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> Figure(figsize=(1, 1)).savefig(buf, format="png")
    >>> png_tick_px(with_tick_size(buf.getvalue(), 18.5))
    18.5
    """
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    end_of_header = 8 + 12 + struct.unpack(">I", png[8:12])[0]  # the IHDR chunk comes first
    body = TICK_PX_KEY.encode("latin-1") + b"\0" + f"{tick_px:.2f}".encode("ascii")
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    return png[:end_of_header] + chunk + png[end_of_header:]


def png_tick_px(png: bytes) -> float | None:
    """The tick-label height recorded by :func:`with_tick_size`, or None when the PNG has none.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> Figure(figsize=(1, 1)).savefig(buf, format="png")
    >>> png_tick_px(buf.getvalue()) is None
    True
    """
    pos, key = 8, TICK_PX_KEY.encode("latin-1") + b"\0"
    while pos + 8 <= len(png):
        length, kind = struct.unpack(">I", png[pos:pos + 4])[0], png[pos + 4:pos + 8]
        if kind == b"tEXt" and png[pos + 8:pos + 8 + length].startswith(key):
            return float(png[pos + 8 + len(key):pos + 8 + length].decode("ascii"))
        if kind in (b"IDAT", b"IEND"):
            return None
        pos += 12 + length
    return None


def _wrap_figure_formatter(mime: str, marker: str,
                           wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Replace the kernel's ``mime`` formatter of matplotlib figures by ``wrap(current)``, once.

    Nothing happens outside a kernel (IPython's display formatters exist only there), when the
    format is not enabled, or when ``marker`` shows the wrapper is already in place.
    """
    try:  # IPython's display formatters exist only in a kernel; the website's build runs in one
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters[mime]
    try:
        current = formatter.lookup_by_type(Figure)
    except KeyError:
        return
    if getattr(current, marker, False):
        return
    wrapped = wrap(current)
    setattr(wrapped, marker, True)
    formatter.for_type(Figure, wrapped)


def _record_png_ticks() -> None:
    """Make the kernel's PNG figures carry their smallest tick label's height (:func:`with_tick_size`)."""

    def wrap(png: Callable[..., Any]) -> Callable[..., Any]:
        def png_with_ticks(fig: Figure, **kwargs: object) -> Any:
            out = png(fig, **kwargs)
            if out is None:
                return out
            data, meta = out if isinstance(out, tuple) else (out, None)
            pt = smallest_tick_pt(fig)
            if pt is None:
                return out
            raw = base64.b64decode(data) if isinstance(data, str) else data
            # a retina PNG (with its halved size in the metadata) is drawn at twice the figure's dpi
            scale = 2 if isinstance(meta, dict) and "width" in meta else 1
            raw = with_tick_size(raw, pt * fig.dpi * scale / 72)
            data = base64.b64encode(raw).decode("ascii") if isinstance(data, str) else raw
            return (data, meta) if meta is not None else data

        return png_with_ticks

    _wrap_figure_formatter("image/png", "_mlcrystal_ticks", wrap)


def _limit_svg(max_bytes: int) -> None:
    """Drop the SVG of a figure larger than ``max_bytes`` (its PNG is shown instead)."""

    def wrap(svg: Callable[..., Any]) -> Callable[..., Any]:
        def svg_or_none(fig: Figure, **kwargs: object) -> str | None:
            data = svg(fig, **kwargs)
            return data if data is None or len(data) <= max_bytes else None

        return svg_or_none

    _wrap_figure_formatter("image/svg+xml", "_mlcrystal_limited", wrap)


def _site_settings() -> tuple[list[str], float]:
    """The formats and font scale of :data:`FIGURE_FORMATS_ENV` and :data:`FONT_SCALE_ENV`."""
    formats = [f.strip() for f in os.environ.get(FIGURE_FORMATS_ENV, "").split(",") if f.strip()]
    unknown = [f for f in formats if f not in ("svg", "png", "retina", "pdf", "jpeg")]
    if unknown:
        raise ValueError(f"{FIGURE_FORMATS_ENV}={os.environ[FIGURE_FORMATS_ENV]!r}: unknown format(s) {unknown}; "
                         "use a comma-separated list of svg, png, retina, pdf, jpeg (or unset it)")
    raw = os.environ.get(FONT_SCALE_ENV, "").strip() or "1"
    try:
        scale = float(raw)
    except ValueError:
        scale = float("nan")
    if not 0.5 <= scale <= 3:
        raise ValueError(f"{FONT_SCALE_ENV}={raw!r}: must be a number between 0.5 and 3 (or unset it)")
    return formats, scale


def figure_html(fig, alt: str, dpi: int = 100) -> str:
    """A matplotlib figure as an HTML ``<img>`` with alternative text.

    Widgets show their plot as HTML through this, so that the plot keeps a
    description of what it shows for screen readers, live and on the static
    site (a bare PNG output has none).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    alt : str
        What the plot shows (axes, quantities, the point a reader should see).
    dpi : int, default 100

    Returns
    -------
    str

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> tag = figure_html(Figure(figsize=(1, 1)), "an empty plot")
    >>> tag.startswith('<img src="data:image/png;base64,') and 'alt="an empty plot"' in tag
    True
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of what the figure shows.")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt.strip(), quote=True)}" '
            'style="max-width:100%;height:auto">')


def set_style(context: str = "notebook") -> None:
    """Apply the book's plotting style (seaborn whitegrid, readable sizes).

    Parameters
    ----------
    context : str, default "notebook"
        A seaborn context ("paper", "notebook", "talk").

    The website's build also sets the inline figure format and a font scale
    through :data:`FIGURE_FORMATS_ENV` and :data:`FONT_SCALE_ENV`.

    Examples
    --------
    >>> set_style()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["savefig.dpi"]
    150.0
    """
    formats, scale = _site_settings()
    sns.set_theme(context=context, style="whitegrid", palette="colorblind", font_scale=scale)
    mpl.rcParams.update({
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "axes.titlesize": "medium",
        "figure.autolayout": True,
        # deterministic SVG/PNG metadata, so re-executed notebooks match
        "svg.hashsalt": "mlcrystal",
    })
    if formats:
        # matplotlib_inline (IPython's inline backend) matters only in a kernel: imported when a format is asked for
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats(*formats)
        limit = os.environ.get(SVG_MAX_BYTES_ENV, "").strip()
        if limit and "svg" in formats:
            if not limit.isdigit():
                raise ValueError(f"{SVG_MAX_BYTES_ENV}={limit!r}: must be a number of bytes (or unset it)")
            _limit_svg(int(limit))
        _record_png_ticks()


def format_table(table: pd.DataFrame | pd.Series, decimals: int | Mapping[str, int] = 3,
                 na_rep: str = DASH) -> pd.DataFrame:
    """A table's numbers as text at the precision the book shows, missing cells as a dash.

    Stored notebook outputs then hold exactly what the reader sees (no full
    float reprs whose last digits depend on the CPU), and a cell without a
    value reads as a dash instead of ``NaN``.

    Parameters
    ----------
    table : pandas.DataFrame or pandas.Series
        A Series is shown as a one-column table.
    decimals : int or dict, default 3
        Decimals of every float column, or ``{column: decimals}`` (columns
        not named keep 3).
    na_rep : str, default "–"
        Text of a missing cell (NaN, None, NA), in every column.

    Returns
    -------
    pandas.DataFrame
        Same index and columns; float columns as fixed-point text, integer
        and boolean columns unchanged, text columns with ``na_rep`` for gaps.

    Examples
    --------
    >>> import numpy as np
    >>> t = pd.DataFrame({"E (GPa)": [2.5, np.nan, 0.6024], "n": [3, 1, 2], "name": ["a", None, "c"]})
    >>> format_table(t)
      E (GPa)  n name
    0   2.500  3    a
    1       –  1    –
    2   0.602  2    c
    >>> format_table(pd.Series([0.1234], name="r"), decimals=2)["r"].tolist()
    ['0.12']
    """
    frame = table.to_frame() if isinstance(table, pd.Series) else table
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"table must be a pandas DataFrame or Series; got {type(table).__name__}.")
    if isinstance(decimals, Mapping):
        unknown = [c for c in decimals if c not in frame.columns]
        if unknown:
            raise ValueError(f"decimals names columns {unknown} that the table does not have; "
                             f"its columns are {list(frame.columns)}.")
    out = {}
    for col in frame.columns:
        values = frame[col]
        d = decimals.get(col, 3) if isinstance(decimals, Mapping) else decimals
        if not (isinstance(d, int) and d >= 0):
            raise ValueError(f"decimals must be a non-negative int (or a dict of them); got {d!r} for {col!r}.")
        if pd.api.types.is_float_dtype(values):
            out[col] = [na_rep if pd.isna(v) else f"{v:.{d}f}" for v in values]
        elif values.isna().any():
            out[col] = [na_rep if pd.isna(v) else v for v in values]
        else:
            out[col] = values.tolist()
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)


def median_band(values: Any, digits: int = 2) -> tuple[float, float, float]:
    """Median and 5-95 % band of a distribution, rounded for the text (``-0.0`` shown as ``0.0``).

    Examples
    --------
    >>> median_band([1.0, 2.0, 3.0, 4.0, 5.0], digits=1)
    (3.0, 1.2, 4.8)
    """
    lo, med, hi = np.nanquantile(np.asarray(values, dtype=float), [0.05, 0.5, 0.95])
    return tuple(round(float(v), digits) + 0.0 for v in (med, lo, hi))  # type: ignore[return-value]


def glue_values(values: Mapping[str, Any]) -> None:
    """Glue rounded values for the text: ``myst_nb.glue(name, value, display=False)`` for each.

    Quote each in markdown with ``{glue:text}`name```. Round before
    gluing: stored outputs must be the same on every machine.

    Examples
    --------
    >>> glue_values({"n_rows": 393})  # doctest: +SKIP
    """
    from myst_nb import glue  # imported here: only the book's notebooks need myst_nb (not a package dependency)

    for name, value in values.items():
        glue(name, value, display=False)


def glue_band(name: str, values: Any, digits: int = 2) -> None:
    """Glue the median and 5-95 % band of ``values`` as ``<name>_med``, ``<name>_lo`` and ``<name>_hi``.

    Examples
    --------
    >>> glue_band("r2", [0.1, 0.2, 0.3])  # doctest: +SKIP
    """
    med, lo, hi = median_band(values, digits)
    glue_values({f"{name}_med": med, f"{name}_lo": lo, f"{name}_hi": hi})
