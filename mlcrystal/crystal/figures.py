"""Figures of one crystal's directional Young's modulus."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps, colors
from numpy.typing import ArrayLike

from mlcrystal.crystal.anisotropy import youngs_modulus_in_plane
from mlcrystal.crystal.tensors import direction_from_angles, directional_youngs_modulus

if TYPE_CHECKING:
    from matplotlib.projections.polar import PolarAxes
    from mpl_toolkits.mplot3d.axes3d import Axes3D

__all__ = ["plot_plane_sections", "plot_modulus_surface"]




def plot_plane_sections(C: ArrayLike, ax: PolarAxes | None = None, planes: Sequence[str] = ("xy", "xz", "yz"),
                        n_angles: int = 361) -> PolarAxes:
    """Polar plot of E(direction) in the coordinate planes of one crystal.

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    ax : matplotlib polar Axes, optional
        Created if not given.
    planes : sequence of {"xy", "xz", "yz"}
        One curve per plane; the angle is measured from the plane's first axis.
    n_angles : int, default 361

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_plane_sections(np.diag([10.0, 20.0, 30.0, 4.0, 5.0, 6.0]))
    >>> len(ax.lines)
    3
    """
    if ax is None:
        ax = cast("PolarAxes", plt.subplots(subplot_kw={"projection": "polar"})[1])
    for plane in planes:
        a, E = youngs_modulus_in_plane(C, plane, n_angles)
        ax.plot(a, E, label=f"{plane} plane (angle from {plane[0]})")
    ax.set_rlabel_position(22.5)
    ax.set_ylim(0, None)
    return ax


def plot_modulus_surface(C: ArrayLike, ax: Axes3D | None = None, n_theta: int = 60, n_phi: int = 120,
                         cmap: str = "viridis") -> Axes3D:
    """3-D surface whose distance from the origin along n is E(n).

    Parameters
    ----------
    C : array-like, shape (6, 6)
        Voigt stiffness matrix (validated).
    ax : matplotlib 3-D Axes, optional
        Created if not given.
    n_theta, n_phi : int
        Grid of polar and azimuthal angles.
    cmap : str, default "viridis"
        Colour map for E.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from mlcrystal.crystal.tensors import isotropic_stiffness
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_modulus_surface(isotropic_stiffness(5.0, 0.3), n_theta=10, n_phi=20)
    >>> ax.get_xlabel()
    'x (GPa)'
    """
    if ax is None:
        fig = plt.figure()
        ax = fig.add_subplot(projection="3d")
    t, p = np.meshgrid(np.linspace(0, 180, n_theta), np.linspace(0, 360, n_phi), indexing="ij")
    d = direction_from_angles(t, p)
    E = np.asarray(directional_youngs_modulus(C, d.reshape(-1, 3))).reshape(t.shape)
    xyz = d * E[..., None]
    norm = colors.Normalize(E.min(), E.max() if E.max() > E.min() else E.min() + 1)
    ax.plot_surface(xyz[..., 0], xyz[..., 1], xyz[..., 2], facecolors=colormaps[cmap](norm(E)),
                    rstride=1, cstride=1, linewidth=0, antialiased=False, shade=False)
    lim = float(E.max())
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), zlim=(-lim, lim),
           xlabel="x (GPa)", ylabel="y (GPa)", zlabel="z (GPa)")
    ax.set_box_aspect((1, 1, 1))
    return ax
