"""Tests for mlcrystal.crystal.explorer: the logic behind the explorers (no browser needed)."""

import numpy as np
import pandas as pd
import pytest

from mlcrystal import crystal as el
from mlcrystal.crystal import explorer as widgets
from mlcrystal.force import explorer as force_explorer

ORTHO = np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0])


def _broken():
    C = el.isotropic_stiffness(10.0, 0.3)
    C[0, 1] = C[1, 0] = 20.0
    return C


@pytest.fixture
def table():
    return pd.DataFrame({
        "compound": ["urea", "urea", "benzene", "bad"],
        "source": ["Fischer", "Fischer", None, "X"],
        "method": ["Exp", "Exp", "DFT", "Exp"],
        "C_GPa": [ORTHO, el.isotropic_stiffness(5.0, 0.3), ORTHO, _broken()],
    }, index=[10, 11, 12, 13])


# --------------------------------------------------------------------------
# crystal anisotropy explorer
# --------------------------------------------------------------------------

def test_crystal_options_unique_sorted_and_valid_only(table):
    opts = widgets.crystal_options(table)
    assert opts == [("benzene (unnamed source, DFT)", 12),
                    ("urea (Fischer, Exp) #1", 10),
                    ("urea (Fischer, Exp) #2", 11)]
    assert len(widgets.crystal_options(table, valid_only=False)) == 4


def test_crystal_options_rejects_wrong_table():
    with pytest.raises(ValueError, match="missing"):
        widgets.crystal_options(pd.DataFrame({"compound": ["a"]}))


def test_readout_along_axes_and_fraction():
    r = widgets.anisotropy_readout(ORTHO, 90, 0)  # +x: the softest axis of this tensor
    np.testing.assert_allclose(r["direction"], [1, 0, 0], atol=1e-12)
    assert r["E"] == pytest.approx(10.0)
    assert r["E_min"] == pytest.approx(10.0, rel=1e-6)
    assert r["E_max"] == pytest.approx(30.0, rel=1e-6)
    assert r["fraction"] == pytest.approx(0.0, abs=1e-6)
    assert "E = 10.00 GPa" in r["text"]
    r = widgets.anisotropy_readout(ORTHO, 90, 90)  # +y
    assert r["E"] == pytest.approx(20.0)
    assert r["fraction"] == pytest.approx(0.5, abs=1e-6)


def test_readout_isotropic_fraction_is_zero():
    r = widgets.anisotropy_readout(el.isotropic_stiffness(5.0, 0.3), 33, 210)
    assert r["E"] == pytest.approx(5.0)
    assert r["fraction"] == 0.0


@pytest.mark.parametrize("theta, phi", [(-1, 0), (181, 0), (0, 361), (np.nan, 0), ("10", 0)])
def test_readout_rejects_bad_angles(theta, phi):
    with pytest.raises(ValueError, match="degrees"):
        widgets.anisotropy_readout(ORTHO, theta, phi)


def test_readout_rejects_invalid_tensor():
    with pytest.raises(ValueError, match="positive definite"):
        widgets.anisotropy_readout(_broken(), 0, 0)


def test_meridian_section_matches_direction_from_angles():
    C = np.array([[12, 5, 4, 0, 1.2, 0], [5, 20, 6, 0, -0.8, 0], [4, 6, 35, 0, 2, 0],
                  [0, 0, 0, 4, 0, 0.6], [1.2, -0.8, 2, 0, 6, 0], [0, 0, 0, 0.6, 0, 3.0]])
    a, E = widgets.meridian_section(C, 37.0, n_angles=181)
    for k in (0, 17, 60, 90):
        theta = np.degrees(a[k])
        expected = el.directional_youngs_modulus(C, el.direction_from_angles(theta, 37.0))
        assert E[k] == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="finite"):
        widgets.meridian_section(C, np.inf)


def test_static_figure_marks_the_chosen_direction():
    ax = widgets.anisotropy_explorer_figure(ORTHO, 90, 90, title="demo")
    assert ax.get_title() == "demo"
    marker = ax.lines[1]
    assert marker.get_xdata()[0] == pytest.approx(np.pi / 2)
    assert marker.get_ydata()[0] == pytest.approx(20.0)
    assert "E (GPa)" in ax.get_xlabel()
    assert "phi = 90 deg" in ax.get_xlabel() and "deg (deg)" not in ax.get_xlabel()


def test_explorer_updates_readout_when_sliders_move(table):
    w = widgets.anisotropy_explorer(table, crystal=10, theta_deg=90, phi_deg=0)
    pick, theta, phi, readout, out = w.children
    assert "E = 10.00 GPa" in readout.value
    assert len(out.outputs) == 1
    theta.value = 0.0  # +z
    assert "E = 30.00 GPa" in readout.value
    pick.value = 11  # the isotropic tensor
    assert "E = 5.00 GPa" in readout.value
    assert len(out.outputs) == 1  # the figure is replaced, not appended


def test_explorer_rejects_unknown_or_invalid_crystal(table):
    with pytest.raises(ValueError, match="not a valid row"):
        widgets.anisotropy_explorer(table, crystal=13)
    with pytest.raises(ValueError, match="no valid stiffness tensor"):
        widgets.anisotropy_explorer(table.loc[[13]])


# --------------------------------------------------------------------------
# accessible labels of the controls
# --------------------------------------------------------------------------

def _controls(box):
    import ipywidgets

    return [w for w in box.children if isinstance(w, (ipywidgets.Dropdown, ipywidgets.FloatSlider))]


@pytest.mark.parametrize("build, n_controls", [
    (lambda t: widgets.anisotropy_explorer(t, crystal=10), 3),
    (lambda t: force_explorer.landscape_explorer(), 5),
])
def test_every_control_has_a_full_text_label(table, build, n_controls):
    controls = _controls(build(table))
    assert len(controls) == n_controls
    descriptions = [c.description for c in controls]
    assert all(d.strip() for d in descriptions), descriptions
    assert len(set(descriptions)) == len(descriptions)  # each label names one control
    for c in controls:
        assert c.description_allow_html is False  # read as text, not markup
        assert c.style.description_width == "initial"  # the whole label shows, not a clipped one
        assert c.tooltip and c.tooltip.strip()
    units = [d for d in descriptions if "(" in d]
    assert all(d.endswith(")") and "deg (deg)" not in d for d in units)


def test_slider_labels_name_the_quantity_and_unit():
    box = force_explorer.landscape_explorer()
    labels = [c.description for c in _controls(box)]
    assert labels == ["compound", "length L (um)", "width W (um)", "thickness T (um)", "light intensity P (mW/cm2)"]


def test_explorer_plot_carries_alt_text_that_follows_the_sliders(table):
    w = widgets.anisotropy_explorer(table, crystal=10, theta_deg=90, phi_deg=0)
    _, theta, _, _, out = w.children
    html = out.outputs[0]["data"]["text/html"]
    assert html.startswith("<img ") and 'alt="Polar plot of Young' in html and "E = 10.00 GPa" in html
    theta.value = 0.0
    assert "E = 30.00 GPa" in out.outputs[0]["data"]["text/html"]
    assert "image/png" not in out.outputs[0]["data"]  # no bare image without a description


# --------------------------------------------------------------------------
# legible on a phone: the static figures shown 360 CSS px wide
# --------------------------------------------------------------------------

#: Width of the text column on a 390 px phone, and the smallest text wanted there (CSS px).
PHONE_COLUMN_PX = 360
MIN_PHONE_TEXT_PX = 9.0


def _saved_width_in(fig):
    """Width (inches) of the PNG that ``savefig(bbox_inches="tight")`` writes."""
    import matplotlib as mpl

    fig.canvas.draw()
    return fig.get_tightbbox(fig.canvas.get_renderer()).width + 2 * mpl.rcParams["savefig.pad_inches"]


def _smallest_text_px(fig, column_px=PHONE_COLUMN_PX):
    """Font size (CSS px) of the figure's smallest visible text when its image is shown ``column_px`` wide."""
    from matplotlib.text import Text

    px_per_pt = column_px / (72 * _saved_width_in(fig))
    sizes = [t.get_fontsize() * px_per_pt for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes)


def test_smallest_text_px_scales_with_the_saved_width():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.0, 5.0))
    ax.set_xlabel("x", fontsize=10)
    ax.tick_params(labelsize=8)
    width = _saved_width_in(fig)
    assert 4.0 < width < 5.5
    narrow = _smallest_text_px(fig)
    assert narrow == pytest.approx(8 * PHONE_COLUMN_PX / (72 * width))  # the tick labels
    ax.legend(handles=ax.plot([0, 1], label="a long label beside the axes " * 2),
              loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=10)
    assert _smallest_text_px(fig) < 0.7 * narrow  # the legend beside the axes widens the image
    plt.close(fig)


@pytest.fixture
def book_style():
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from mlcrystal.plotting import set_style

    with mpl.rc_context():
        set_style()
        yield
        plt.close("all")


def _landscape_ax():
    from mlcrystal.force.landscape import BlockingForceLandscape

    # long legend entries: the chapter's explorer at its start values
    return force_explorer.landscape_explorer_figure(BlockingForceLandscape(), 5, 626.0, 708.0, 241.0, 2080.0)


@pytest.mark.parametrize("draw", [
    lambda: widgets.anisotropy_explorer_figure(ORTHO, 60, 90, title="anthracene (Dye)"),
    _landscape_ax,
], ids=["anisotropy", "landscape"])
def test_explorer_figures_are_legible_on_a_phone(book_style, draw):
    ax = draw()
    fig = ax.figure
    assert _saved_width_in(fig) <= 5.6  # about as wide as the column it is shrunk into
    assert _smallest_text_px(fig) >= MIN_PHONE_TEXT_PX
    # the legend sits below the axes, inside the figure's width, and covers no label
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.y1 <= ax.get_window_extent(renderer).y0
    assert not legend.overlaps(ax.xaxis.label.get_window_extent(renderer))
    assert not any(legend.overlaps(t.get_window_extent(renderer)) for t in ax.get_xticklabels() if t.get_text())


@pytest.mark.parametrize("build", [
    lambda t: widgets.anisotropy_explorer(t, crystal=12, theta_deg=60, phi_deg=90),
    lambda t: force_explorer.landscape_explorer(compound=5, L_um=626, W_um=708, T_um=241, P_mW_cm2=2080),
], ids=["anisotropy", "landscape"])
def test_explorer_images_are_narrow(book_style, table, build):
    import base64
    import io
    import re

    from PIL import Image

    out = build(table).children[-1]
    html = out.outputs[0]["data"]["text/html"]
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1))
    width_px = Image.open(io.BytesIO(png)).size[0]
    assert width_px <= 5.6 * 100  # figure_html saves at 100 dpi
