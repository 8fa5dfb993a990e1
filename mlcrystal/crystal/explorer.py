"""Interactive explorers (ipywidgets) used in the book.

Each explorer keeps its computations in plain, tested functions; the widget
only wires sliders to them.  Every explorer has a static figure function, so
the website shows the idea without a live kernel.

Sections
--------
- Crystal anisotropy explorer (chapter 5): choose a crystal, rotate the
  direction with two angles, read the Young's modulus.
- Blocking-force landscape explorer (chapter 6): choose a compound, set the
  crystal's size and the light intensity, read the simulated force.
"""

from __future__ import annotations

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML

from mlcrystal.crystal.anisotropy import extreme_youngs_moduli, youngs_modulus_in_plane
from mlcrystal.crystal.tensors import (
    direction_from_angles,
    directional_youngs_modulus,
    stiffness_problem,
    validate_stiffness,
)
from mlcrystal.plotting import figure_html
from mlcrystal.webview import ExplorerBox, explorer_html

__all__ = ["ANISOTROPY_FIGSIZE", "crystal_options", "anisotropy_readout", "meridian_section",
           "anisotropy_explorer_figure", "anisotropy_explorer"]

#: Figure sizes (inches) of the explorers' static figures. Each is saved with a
#: tight bounding box and shown at the width of the text column, which is about
#: 360 CSS px on a phone: a figure about 5 in wide keeps its smallest text (the
#: legend, 10 pt) near 10 px there, so legends sit below the axes, not beside them.
ANISOTROPY_FIGSIZE = (5.0, 6.0)

#: Keyword arguments that make a control's description a real, full-width text label
#: (screen readers read it; the static HTML page shows it whole).
_LABEL: dict[str, object] = {"description_allow_html": False, "style": {"description_width": "initial"}}

# --------------------------------------------------------------------------
# crystal anisotropy explorer (chapter 5)
# --------------------------------------------------------------------------


def crystal_options(tensors: pd.DataFrame, valid_only: bool = True) -> list[tuple[str, object]]:
    """Dropdown options ``(label, index)`` for the tensors of a table.

    Parameters
    ----------
    tensors : pandas.DataFrame
        As returned by :func:`mlcrystal.datasets.load_stiffness_tensors`
        (columns ``compound``, ``source``, ``method``, ``C_GPa``).
    valid_only : bool, default True
        Leave out tensors refused by :func:`mlcrystal.crystal.tensors.validate_stiffness`.

    Returns
    -------
    list of (str, index)
        Labels ``"compound (source, method)"``, unique and sorted
        case-insensitively; the second item is the row's index label.

    Examples
    --------
    >>> from mlcrystal.crystal import tensors
    >>> t = pd.DataFrame({"compound": ["urea", "urea"], "source": ["Fischer", None],
    ...                   "method": ["Exp", "DFT"],
    ...                   "C_GPa": [tensors.isotropic_stiffness(5.0, 0.3)] * 2})
    >>> crystal_options(t)
    [('urea (Fischer, Exp)', 0), ('urea (unnamed source, DFT)', 1)]
    """
    missing = {"compound", "source", "method", "C_GPa"} - set(getattr(tensors, "columns", []))
    if not isinstance(tensors, pd.DataFrame) or missing:
        raise ValueError("tensors must be a DataFrame from mlcrystal.datasets.load_stiffness_tensors() "
                         f"with columns compound, source, method, C_GPa; missing {sorted(missing)}.")
    options = []
    for idx, row in tensors.iterrows():
        if valid_only and stiffness_problem(row["C_GPa"]):
            continue
        source = row["source"] if isinstance(row["source"], str) and row["source"].strip() else "unnamed source"
        options.append((f"{row['compound']} ({source.strip()}, {row['method']})", idx))
    labels = [label for label, _ in options]
    seen: dict[str, int] = {}
    out = []
    for label, idx in options:  # make repeated labels unique: "... #2"
        seen[label] = seen.get(label, 0) + 1
        out.append((label if labels.count(label) == 1 else f"{label} #{seen[label]}", idx))
    return sorted(out, key=lambda o: o[0].lower())


def anisotropy_readout(C, theta_deg: float, phi_deg: float) -> dict:
    """What the explorer shows for one crystal and one direction.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix in GPa (validated).
    theta_deg : float
        Polar angle from +z, in degrees (0-180).
    phi_deg : float
        Azimuth from +x towards +y, in degrees (0-360).

    Returns
    -------
    dict
        ``direction`` (unit vector), ``E`` (GPa), ``E_min`` and ``E_max``
        (GPa, over all directions), ``fraction`` = (E - E_min) / (E_max - E_min)
        (0 = softest, 1 = stiffest; 0 for an isotropic crystal) and ``text``,
        a one-line HTML summary.

    Examples
    --------
    >>> r = anisotropy_readout(np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0]), 0, 0)
    >>> round(r["E"], 3), round(r["fraction"], 3)
    (30.0, 1.0)
    """
    for name, value, hi in (("theta_deg", theta_deg, 180), ("phi_deg", phi_deg, 360)):
        if not (isinstance(value, (int, float, np.integer, np.floating)) and np.isfinite(value)
                and 0 <= value <= hi):
            raise ValueError(f"{name} must be a number of degrees in [0, {hi}]; got {value!r}.")
    d = direction_from_angles(theta_deg, phi_deg)
    E = directional_youngs_modulus(C, d)
    ext = extreme_youngs_moduli(C, n_points=2000)
    span = ext["E_max"] - ext["E_min"]
    fraction = float(np.clip((E - ext["E_min"]) / span, 0, 1)) if span > 1e-9 * ext["E_max"] else 0.0
    text = (f"n = ({d[0]:+.3f}, {d[1]:+.3f}, {d[2]:+.3f}): <b>E = {E:.2f} GPa</b> "
            f"(softest {ext['E_min']:.2f}, stiffest {ext['E_max']:.2f} GPa; "
            f"E<sub>max</sub>/E<sub>min</sub> = {ext['E_max'] / ext['E_min']:.2f})")
    return {"direction": d, "E": E, "E_min": ext["E_min"], "E_max": ext["E_max"],
            "fraction": fraction, "text": text}


def meridian_section(C, phi_deg: float, n_angles: int = 361):
    """E along the half-plane that contains +z and the azimuth phi (and its opposite).

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    phi_deg : float
        Azimuth of the plane, in degrees.
    n_angles : int, default 361

    Returns
    -------
    angles : numpy.ndarray
        Angle from +z towards the azimuth, radians, 0 to 2 pi; the angle
        ``radians(theta)`` is the direction ``direction_from_angles(theta, phi)``.
    E : numpy.ndarray
        Young's modulus (unit of ``C``).

    Examples
    --------
    >>> a, E = meridian_section(np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0]), 90, 5)
    >>> E.round(3)
    array([30., 20., 30., 20., 30.])
    """
    if not (np.isscalar(phi_deg) and np.isfinite(phi_deg)):
        raise ValueError(f"phi_deg must be a finite number of degrees; got {phi_deg!r}.")
    p = np.radians(phi_deg)
    plane = np.array([[0.0, 0.0, 1.0], [np.cos(p), np.sin(p), 0.0]])
    return youngs_modulus_in_plane(C, plane, n_angles)


def anisotropy_explorer_figure(C, theta_deg: float = 90.0, phi_deg: float = 0.0, title: str = "", ax=None):
    """Static figure of the explorer: E in the chosen meridian plane, with the direction marked.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix in GPa (validated).
    theta_deg, phi_deg : float
        The chosen direction (see :func:`anisotropy_readout`).
    title : str, optional
        Figure title, e.g. the crystal's label.
    ax : matplotlib polar Axes, optional
        Created with :data:`ANISOTROPY_FIGSIZE` if not given. The legend goes
        below the axis label, so a given Axes needs room beneath it.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = anisotropy_explorer_figure(np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0]), 0, 0)
    >>> [round(float(v), 3) for v in ax.lines[1].get_ydata()]
    [30.0]
    """
    r = anisotropy_readout(C, theta_deg, phi_deg)
    a, E = meridian_section(C, phi_deg)
    if ax is None:
        _, ax = plt.subplots(figsize=ANISOTROPY_FIGSIZE, subplot_kw={"projection": "polar"})
    ax.plot(a, E, lw=2, label="E in this plane")
    ax.plot([np.radians(theta_deg)], [r["E"]], "o", ms=9, color="black", label=f"E = {r['E']:.2f} GPa")
    ax.plot([0, np.radians(theta_deg)], [0, r["E"]], color="black", lw=1)
    ax.set_theta_zero_location("N")  # +z points up
    ax.set_theta_direction(-1)  # angle grows towards the azimuth phi (to the right)
    ax.set_ylim(0, 1.08 * E.max())
    ax.set_rlabel_position(200)
    # two short lines and a legend below the label: the figure stays as wide as the plot
    ax.set_xlabel(f"angle from +z (deg) in the plane of azimuth\nphi = {phi_deg:.0f} deg; radius: E (GPa)")
    ax.set_title(title, fontsize="medium", pad=16)  # clear of the 0° label
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize="small", frameon=False)
    return ax


def anisotropy_explorer(tensors: pd.DataFrame, crystal=None, theta_deg: float = 90.0, phi_deg: float = 0.0):
    """An ipywidgets explorer: choose a crystal, rotate the direction, read E.

    Parameters
    ----------
    tensors : pandas.DataFrame
        As returned by :func:`mlcrystal.datasets.load_stiffness_tensors`;
        only valid tensors are offered.
    crystal : index label, optional
        Row shown first (default: the first option).
    theta_deg, phi_deg : float
        Initial direction.

    Returns
    -------
    ipywidgets.VBox
        Dropdown, two angle sliders, an HTML readout and the figure of
        :func:`anisotropy_explorer_figure`.

    Examples
    --------
    >>> from mlcrystal.crystal import tensors
    >>> t = pd.DataFrame({"compound": ["iso"], "source": ["demo"], "method": ["Exp"],
    ...                   "C_GPa": [tensors.isotropic_stiffness(5.0, 0.3)]})
    >>> w = anisotropy_explorer(t)
    >>> len(w.children)
    5
    """
    options = crystal_options(tensors)
    if not options:
        raise ValueError("no valid stiffness tensor in the table; nothing to explore.")
    indices = [idx for _, idx in options]
    if crystal is None:
        crystal = indices[0]
    if crystal not in indices:
        raise ValueError(f"crystal {crystal!r} is not a valid row of the table; pass one of the index labels "
                         f"of valid tensors, e.g. {indices[:3]}.")
    pick = ipywidgets.Dropdown(options=options, value=crystal, description="crystal",
                               layout=ipywidgets.Layout(width="95%"),
                               tooltip="stiffness tensor: compound (source, method)", **_LABEL)
    theta = ipywidgets.FloatSlider(value=theta_deg, min=0, max=180, step=1, description="polar angle theta (deg)",
                                continuous_update=False, tooltip="angle of the direction from +z, 0 to 180 degrees",
                                **_LABEL)
    phi = ipywidgets.FloatSlider(value=phi_deg, min=0, max=360, step=1, description="azimuth phi (deg)",
                              continuous_update=False, tooltip="turn about z from +x towards +y, 0 to 360 degrees",
                              **_LABEL)
    readout = ipywidgets.HTML()
    out = ipywidgets.Output()

    def redraw(*_):
        C = tensors.loc[pick.value, "C_GPa"]
        readout.value = anisotropy_readout(C, theta.value, phi.value)["text"]
        label = next(lbl for lbl, idx in options if idx == pick.value)
        fig, ax = plt.subplots(figsize=ANISOTROPY_FIGSIZE, subplot_kw={"projection": "polar"})
        anisotropy_explorer_figure(C, theta.value, phi.value, title=label, ax=ax)
        r = anisotropy_readout(C, theta.value, phi.value)
        alt = (f"Polar plot of Young's modulus (GPa) of {label} against the angle from +z, in the plane of "
               f"azimuth phi = {phi.value:.0f} deg; the marked direction, theta = {theta.value:.0f} deg, has "
               f"E = {r['E']:.2f} GPa (extremes {r['E_min']:.2f} and {r['E_max']:.2f} GPa).")
        out.outputs = ()  # replace the previous figure (works with and without a live kernel)
        out.append_display_data(HTML(figure_html(fig, alt)))
        plt.close(fig)

    for w in (pick, theta, phi):
        w.observe(redraw, names="value")
    redraw()
    return ExplorerBox([pick, theta, phi, readout, out], static_html=_anisotropy_static(
        tensors, options, pick.value, theta_deg, phi_deg, [theta, phi]))


def _anisotropy_static(tensors, options, crystal, theta_deg, phi_deg, sliders) -> str:
    """The explorer's static view for the website (:mod:`mlcrystal.webview`): each crystal's
    stiffness matrix and extreme moduli, the controls and the first readout."""
    crystals = []
    for label, idx in options:
        C = validate_stiffness(tensors.loc[idx, "C_GPa"])
        ext = extreme_youngs_moduli(C, n_points=2000)  # as anisotropy_readout computes them
        crystals.append({"value": str(idx), "label": label, "C": C.tolist(),
                         "E_min": float(ext["E_min"]), "E_max": float(ext["E_max"])})
    controls = [{"name": "crystal", "label": "crystal", "kind": "select", "value": str(crystal),
                 "options": [(c["label"], c["value"]) for c in crystals],
                 "help": "stiffness tensor: compound (source, method)"}]
    controls += [{"name": name, "label": s.description, "kind": "range", "min": s.min, "max": s.max, "step": s.step,
                  "value": value, "help": s.tooltip}
                 for name, s, value in zip(("theta", "phi"), sliders, (theta_deg, phi_deg), strict=True)]
    label = next(lbl for lbl, idx in options if idx == crystal)
    r = anisotropy_readout(tensors.loc[crystal, "C_GPa"], theta_deg, phi_deg)
    alt = (f"Polar plot of Young's modulus (GPa) of {label} against the angle from +z, in the plane of azimuth "
           f"phi = {phi_deg:.0f} deg; the marked direction, theta = {theta_deg:.0f} deg, has E = {r['E']:.2f} GPa.")
    return explorer_html("anisotropy", "Crystal anisotropy explorer", controls, {"crystals": crystals}, r["text"], alt)
