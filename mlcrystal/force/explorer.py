"""The blocking-force landscape explorer of chapter 6 (ipywidgets), beside its static figure."""

from __future__ import annotations

from typing import Any

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML

from mlcrystal.force.landscape import BlockingForceLandscape
from mlcrystal.plotting import figure_html
from mlcrystal.study import SEARCH_BOUNDS
from mlcrystal.webview import ExplorerBox, explorer_html, landscape_spec

__all__ = ["LANDSCAPE_FIGSIZE", "landscape_readout", "landscape_explorer_figure",
           "landscape_explorer"]

#: Figure sizes (inches) of the explorers' static figures. Each is saved with a
#: tight bounding box and shown at the width of the text column, which is about
#: 360 CSS px on a phone: a figure about 5 in wide keeps its smallest text (the
#: legend, 10 pt) near 10 px there, so legends sit below the axes, not beside them.
LANDSCAPE_FIGSIZE = (5.0, 4.4)

#: Keyword arguments that make a control's description a real, full-width text label
#: (screen readers read it; the static HTML page shows it whole).
_LABEL: dict[str, object] = {"description_allow_html": False, "style": {"description_width": "initial"}}



def landscape_readout(land, compound: int, L_um: float, W_um: float, T_um: float, P_mW_cm2: float) -> dict:
    """What the landscape explorer shows for one crystal and one intensity.

    A length below the beam-theory limit is snapped up to the nearest
    testable crystal (:meth:`~mlcrystal.force.landscape.BlockingForceLandscape.snap`),
    as the experimenter would do.

    Parameters
    ----------
    land : mlcrystal.force.landscape.BlockingForceLandscape
    compound : int
        The study's compound number.
    L_um, W_um, T_um : float
        Length, width, thickness (micrometres).
    P_mW_cm2 : float
        Light intensity (mW/cm^2).

    Returns
    -------
    dict
        ``L_um`` (after snapping), ``snapped`` (bool), ``force_mN``,
        ``fraction`` (of the landscape's optimum) and ``text``, a one-line
        HTML summary.

    Examples
    --------
    >>> from mlcrystal.force.landscape import BlockingForceLandscape
    >>> r = landscape_readout(BlockingForceLandscape(), 3, 100.0, 2000.0, 175.0, 0.0)
    >>> r["L_um"], r["snapped"], r["force_mN"]
    (437.5, True, 0.0)
    """
    L_snap, _ = land.snap(float(L_um), float(T_um))
    force = land.force(compound, L_snap, W_um, T_um, P_mW_cm2)
    best = land.optimum()["force_mN"]
    snapped = L_snap > float(L_um)
    text = (f"compound {compound} (E = {land.moduli[compound]:.3g} GPa): <b>F = {force:.2f} mN</b>, "
            f"{100 * force / best:.0f} % of the landscape's best ({best:.1f} mN)")
    if snapped:
        text += f"; length raised to {L_snap:.0f} um (L/T >= {land.min_aspect_ratio:g})"
    return {"L_um": float(L_snap), "snapped": bool(snapped), "force_mN": float(force),
            "fraction": float(force / best), "text": text}


def landscape_explorer_figure(land, compound: int, L_um: float, W_um: float, T_um: float, P_mW_cm2: float, ax=None):
    """Static figure of the explorer: force against thickness for the chosen crystal.

    Each thickness uses the chosen length, raised to the beam-theory limit
    where needed; the chosen crystal is marked.

    Parameters
    ----------
    land : mlcrystal.force.landscape.BlockingForceLandscape
    compound : int
    L_um, W_um, T_um, P_mW_cm2 : float
        The chosen crystal and intensity.
    ax : matplotlib Axes, optional
        Created with :data:`LANDSCAPE_FIGSIZE` if not given. The legend goes
        below the axes, so a given Axes needs room beneath it.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from mlcrystal.force.landscape import BlockingForceLandscape
    >>> ax = landscape_explorer_figure(BlockingForceLandscape(), 3, 1000.0, 2000.0, 175.0, 1464.0)
    >>> ax.get_xlabel()
    'thickness T (um)'
    """
    r = landscape_readout(land, compound, L_um, W_um, T_um, P_mW_cm2)
    T = np.linspace(*SEARCH_BOUNDS["T_um"], 181)
    L, T = land.snap(np.full_like(T, float(L_um)), T)
    F = land.force(compound, L, W_um, T, P_mW_cm2)
    if ax is None:
        _, ax = plt.subplots(figsize=LANDSCAPE_FIGSIZE)
    ax.plot(T, F, lw=2, label=f"compound {compound}, L = {L_um:.0f} um (or L/T limit)")
    ax.plot([T_um], [r["force_mN"]], "o", ms=9, color="black", label=f"this crystal: {r['force_mN']:.1f} mN")
    ax.axhline(land.optimum()["force_mN"], color="grey", ls="--", lw=1, label="landscape's best")
    ax.set_xlabel("thickness T (um)")
    ax.set_ylabel("blocking force F (mN)")
    ax.set_ylim(0, 1.1 * max(land.optimum()["force_mN"], np.nanmax(F)))
    ax.set_title(f"W = {W_um:.0f} um, P = {P_mW_cm2:.0f} mW/cm$^2$", fontsize="medium")
    # below the axes, one entry per line: a beside-the-axes legend would widen the
    # figure and shrink every label on a phone
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize="small", frameon=False)
    return ax


def landscape_explorer(land=None, compound: int = 3, L_um: float = 1000.0, W_um: float = 1000.0,
                       T_um: float = 200.0, P_mW_cm2: float = 1040.0):
    """An ipywidgets explorer of the blocking-force landscape: pick a crystal, read the force.

    Parameters
    ----------
    land : mlcrystal.force.landscape.BlockingForceLandscape, optional
        Defaults to ``BlockingForceLandscape()``.
    compound : int, default 3
        Compound shown first.
    L_um, W_um, T_um, P_mW_cm2 : float
        Initial slider values (within :data:`mlcrystal.study.SEARCH_BOUNDS`).

    Returns
    -------
    ipywidgets.VBox
        Compound dropdown, four sliders (L, W, T, P), an HTML readout and the
        figure of :func:`landscape_explorer_figure`.

    Examples
    --------
    >>> w = landscape_explorer()
    >>> len(w.children)
    7
    """
    land = BlockingForceLandscape() if land is None else land
    if compound not in land.compounds:
        raise ValueError(f"compound must be one of {list(land.compounds)}; got {compound!r}.")
    start = {"L_um": L_um, "W_um": W_um, "T_um": T_um, "P_mW_cm2": P_mW_cm2}
    for name, value in start.items():
        lo, hi = SEARCH_BOUNDS[name]
        if not (isinstance(value, (int, float, np.integer, np.floating)) and lo <= value <= hi):
            raise ValueError(f"{name} must be a number in the search bounds [{lo:g}, {hi:g}]; got {value!r}.")
    pick = ipywidgets.Dropdown(options=[(f"{c} (E = {land.moduli[c]:.3g} GPa)", c) for c in land.compounds],
                            value=compound, description="compound", tooltip="the study's compound number", **_LABEL)
    labels = {"L_um": "length L (um)", "W_um": "width W (um)", "T_um": "thickness T (um)",
              "P_mW_cm2": "light intensity P (mW/cm2)"}
    steps = {"L_um": 25.0, "W_um": 25.0, "T_um": 5.0, "P_mW_cm2": 13.0}
    lows = {name: max(lo, 25.0) if name == "L_um" else lo for name, (lo, _) in SEARCH_BOUNDS.items()}
    sliders = {name: ipywidgets.FloatSlider(value=float(value), min=lows[name], max=SEARCH_BOUNDS[name][1],
                                            step=steps[name], description=labels[name], continuous_update=False,
                                            tooltip=f"crystal {labels[name]}" if name != "P_mW_cm2" else labels[name],
                                            **_LABEL)
               for name, value in start.items()}
    readout = ipywidgets.HTML()
    out = ipywidgets.Output()

    def redraw(*_):
        args: tuple[int, float, float, float, float] = (
            pick.value, sliders["L_um"].value, sliders["W_um"].value, sliders["T_um"].value, sliders["P_mW_cm2"].value)
        readout.value = landscape_readout(land, *args)["text"]
        fig, ax = plt.subplots(figsize=LANDSCAPE_FIGSIZE)
        landscape_explorer_figure(land, *args, ax=ax)
        r = landscape_readout(land, *args)
        alt = (f"Blocking force (mN) against crystal thickness (um) for compound {args[0]} at L = {args[1]:.0f} um, "
               f"W = {args[2]:.0f} um and P = {args[4]:.0f} mW/cm2; the marked crystal, T = {args[3]:.0f} um, "
               f"gives {r['force_mN']:.1f} mN, against the landscape's best of {land.optimum()['force_mN']:.1f} mN "
               "(dashed line).")
        out.outputs = ()  # replace the previous figure (works with and without a live kernel)
        out.append_display_data(HTML(figure_html(fig, alt)))
        plt.close(fig)

    for w in (pick, *sliders.values()):
        w.observe(redraw, names="value")
    redraw()
    return ExplorerBox([pick, *sliders.values(), readout, out],
                       static_html=_landscape_static(land, pick, sliders, compound, start))


def _landscape_static(land, pick, sliders, compound, start) -> str:
    """The explorer's static view for the website (:mod:`mlcrystal.webview`): the landscape's
    constants and optimum, the controls and the first readout."""
    controls: list[dict[str, Any]] = [{"name": "compound", "label": "compound", "kind": "select",
                                       "value": str(compound),
                                       "options": [(text, str(c)) for text, c in pick.options],
                 "help": "the study's compound number"}]
    controls += [{"name": n, "label": s.description, "kind": "range", "min": s.min, "max": s.max, "step": s.step,
                  "value": float(start[n]), "help": s.tooltip} for n, s in sliders.items()]
    r = landscape_readout(land, compound, *(start[n] for n in ("L_um", "W_um", "T_um", "P_mW_cm2")))
    alt = (f"Blocking force (mN) against crystal thickness (um) for compound {compound}; the marked crystal gives "
           f"{r['force_mN']:.1f} mN, against the landscape's best of {land.optimum()['force_mN']:.1f} mN.")
    data = {"land": landscape_spec(land), "best": land.optimum(),
            "T_range": [float(v) for v in SEARCH_BOUNDS["T_um"]]}
    return explorer_html("landscape", "Blocking-force landscape explorer", controls, data, r["text"], alt)
