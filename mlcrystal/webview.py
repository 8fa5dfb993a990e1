"""Explorers that also work on the book's static website, without a kernel.

An explorer (:mod:`mlcrystal.crystal.explorer`, :mod:`mlcrystal.force.explorer`) is an ipywidgets box: in Jupyter its
controls call the package's Python functions. The website has no kernel, so
each explorer also carries a *static view* (its ``text/html`` output): the
same controls as plain HTML, the data they need as JSON, and the readout as
Python computed it for the first setting. On the website
``book/_static/mlcrystal-explorers.js`` ports the closed-form physics behind
the readout and the figure (the directional Young's modulus of a stiffness
tensor; the blocking force of the landscape), enables the controls and
redraws on every change; ``make site-check`` sets the controls of every
explorer to at least 20 random settings and compares the page's readout with
these Python functions to 3 significant figures.

Jupyter shows the live widget (its mime type ranks above ``text/html``); the
book's build ranks ``text/html`` first (``nb_mime_priority_overrides`` in
``_config.yml``). Where neither a kernel nor the site's script runs (a
notebook viewer, JavaScript turned off) the controls stay disabled and a note
says why.
"""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets

#: CSS class of a static explorer (book/_static/mlcrystal.css, mlcrystal-explorers.js).
__all__ = ["EXPLORER_CLASS", "NO_SCRIPT_NOTE", "ExplorerBox", "explorer_html", "landscape_spec"]

EXPLORER_CLASS = "mlc-explorer"
#: What a reader without the site's script (or a kernel) is told, next to the disabled controls.
NO_SCRIPT_NOTE = ("These controls need the book's website (with JavaScript) or a live Jupyter kernel "
                  "(Binder, Colab or a local Jupyter); here they show the first setting only.")

_ids = itertools.count(1)


class ExplorerBox(ipywidgets.VBox):
    """A VBox that also renders as a static HTML explorer (``text/html``).

    Parameters
    ----------
    children : sequence of widgets
    static_html : str
        The static view (see :func:`explorer_html`).

    Examples
    --------
    >>> box = ExplorerBox([ipywidgets.HTML("x")], static_html='<div class="mlc-explorer">static</div>')
    >>> sorted(box._repr_mimebundle_())
    ['application/vnd.jupyter.widget-view+json', 'text/html', 'text/plain']
    """

    def __init__(self, children: Sequence[Any], static_html: str, **kwargs: Any) -> None:
        super().__init__(list(children), **kwargs)
        if not isinstance(static_html, str) or EXPLORER_CLASS not in static_html:
            raise ValueError("static_html must be an explorer's static view from mlcrystal.webview.explorer_html().")
        self.static_html = static_html

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        data = dict(super()._repr_mimebundle_(**kwargs) or {})
        data["text/html"] = self.static_html
        return data


def _json_for_script(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</`` that would end it).

    Examples
    --------
    >>> _json_for_script({"a": "</script>"})
    '{"a":"<\\\\/script>"}'
    """
    return json.dumps(data, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")


def _control_html(prefix: str, c: Mapping[str, Any]) -> str:
    name = str(c["name"])
    cid = f"{prefix}-{name}"
    label = html.escape(str(c["label"]))
    help_text = html.escape(str(c.get("help", "")), quote=True)
    title = f' title="{help_text}"' if help_text else ""
    if c["kind"] == "select":
        options = "".join(
            f'<option value="{html.escape(str(v), quote=True)}"{" selected" if v == c["value"] else ""}>'
            f"{html.escape(str(text))}</option>" for text, v in c["options"])
        return (f'<div class="mlc-control mlc-select"><label for="{cid}">{label}</label>'
                f'<select id="{cid}" name="{name}"{title} disabled>{options}</select></div>')
    if c["kind"] == "range":
        value = float(c["value"])
        shown = html.escape(str(c.get("shown", f"{value:g}")))
        return (f'<div class="mlc-control mlc-range"><label for="{cid}">{label}</label>'
                f'<input type="range" id="{cid}" name="{name}" min="{float(c["min"]):g}" max="{float(c["max"]):g}" '
                f'step="{float(c["step"]):g}" value="{value:g}"{title} disabled>'
                f'<output id="{cid}-value" for="{cid}">{shown}</output></div>')
    if c["kind"] == "button":
        return (f'<div class="mlc-control mlc-button"><button type="button" id="{cid}" name="{name}"{title} disabled>'
                f"{label}</button></div>")
    raise ValueError(f"control {name!r}: kind must be 'select', 'range' or 'button'; got {c['kind']!r}.")


def explorer_html(kind: str, title: str, controls: Sequence[Mapping[str, Any]], data: Mapping[str, Any],
                  readout_html: str, figure_alt: str) -> str:
    """The static view of an explorer: disabled HTML controls, its data as JSON, the first readout.

    Parameters
    ----------
    kind : str
        Which port of ``mlcrystal-explorers.js`` drives it (``"anisotropy"``, ``"landscape"``,
        ``"experimenter"``).
    title : str
        Accessible name of the explorer (a group).
    controls : sequence of dict
        Each ``{"name", "label", "kind": "select" | "range" | "button", "value", "help"}`` plus
        ``"options"`` (``[(text, value), ...]``) for a select or ``"min", "max", "step"``
        for a range (a button has no value).
    data : mapping
        What the script needs besides the controls (JSON-serialisable, finite).
    readout_html : str
        The readout for the first setting (HTML from the package's readout function).
    figure_alt : str
        Description of the figure for the first setting (the script redraws both).

    Returns
    -------
    str

    Examples
    --------
    >>> out = explorer_html("landscape", "demo", [{"name": "T", "label": "thickness T (um)", "kind": "range",
    ...                     "min": 50, "max": 500, "step": 5, "value": 200}], {"x": 1}, "F = <b>1</b>", "a plot")
    >>> 'type="range"' in out and "disabled" in out and 'data-mlc-explorer="landscape"' in out
    True
    """
    if kind not in ("anisotropy", "landscape", "experimenter"):
        raise ValueError(f"kind must be 'anisotropy', 'landscape' or 'experimenter'; got {kind!r}.")
    prefix = f"mlc-{kind}-{next(_ids)}"
    payload = {"kind": kind, "controls": [dict(c) for c in controls], **data}
    rows = "".join(_control_html(prefix, c) for c in controls)
    return (f'<div class="{EXPLORER_CLASS}" id="{prefix}" data-mlc-explorer="{kind}" role="group" '
            f'aria-label="{html.escape(title, quote=True)}">'
            f'<script type="application/json" class="mlc-explorer-data">{_json_for_script(payload)}</script>'
            f'<p class="mlc-explorer-status">{html.escape(NO_SCRIPT_NOTE)}</p>'
            f'<div class="mlc-explorer-controls">{rows}</div>'
            f'<p class="mlc-explorer-readout" aria-live="polite">{readout_html}</p>'
            f'<div class="mlc-explorer-plot" role="img" aria-label="{html.escape(figure_alt, quote=True)}"></div>'
            "</div>")


def landscape_spec(land: Any) -> dict[str, Any]:
    """Everything that defines a physical blocking-force landscape, as JSON-ready numbers.

    Read from the public attributes of a
    :class:`mlcrystal.force.landscape.BlockingForceLandscape`; the site's script
    computes forces from it and the site check rebuilds the landscape from it.

    Examples
    --------
    >>> from mlcrystal.force.landscape import BlockingForceLandscape
    >>> spec = landscape_spec(BlockingForceLandscape())
    >>> spec["compounds"][:3], spec["min_aspect_ratio"], sorted(spec["responses"]["3"])
    ([1, 2, 3], 2.5, ['p_sat', 'source', 'strain', 'thermal'])
    """
    needed = ("library", "compounds", "moduli", "params", "responses", "sensor_stiffness_N_m",
              "penetration_depth_um", "thermal_length_um", "measured_thermal", "min_aspect_ratio")
    missing = [a for a in needed if not hasattr(land, a)]
    if missing:
        raise ValueError(f"land must be a BlockingForceLandscape (the physical landscape); it lacks {missing}.")
    # the site's script computes the reference functional forms only
    if getattr(land, "saturation", "surface") != "surface" or \
            float(getattr(land, "heat_saturation_mW_cm2", float("inf"))) != float("inf"):
        raise ValueError("the website's copy of the landscape computes the reference functional forms only "
                         "(saturation='surface', heat_saturation_mW_cm2=inf); show this landscape with "
                         "landscape_explorer_figure instead.")
    sensor = float(land.sensor_stiffness_N_m)
    return {
        "library": str(land.library),
        "compounds": [int(c) for c in land.compounds],
        "moduli": {str(c): float(land.moduli[c]) for c in land.compounds},
        "params": {k: float(v) for k, v in land.params.items()},
        "responses": {str(c): {"strain": float(r.strain), "p_sat": float(r.p_sat), "thermal": float(r.thermal),
                               "source": str(r.source)} for c, r in land.responses.items()},
        # JSON has no infinity: a rigid sensor is written as null
        "sensor_stiffness_N_m": sensor if sensor != float("inf") else None,
        "penetration_depth_um": float(land.penetration_depth_um),
        "thermal_length_um": float(land.thermal_length_um),
        "measured_thermal": float(land.measured_thermal),
        "min_aspect_ratio": float(land.min_aspect_ratio),
    }
