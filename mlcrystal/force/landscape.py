r"""A blocking-force landscape: a calibrated simulator that stands in for the laboratory.

The study measured the blocking force of a photo-actuated crystal clamped at
one end and pushing on a load sensor under UV light. This module replaces
that experiment by a small physical model, so that optimisation campaigns can
be replayed many times. What is physics, what is calibrated on the study's
ten initial measurements and what is invented is stated next to every
constant below, and in chapter 6 of the book.

Model
-----
A cantilever of length :math:`L`, width :math:`W` and thickness :math:`T`
carries an eigen-curvature :math:`\kappa` (the bending it would adopt if free).
The free tip deflection is :math:`\delta_0 = |\kappa| L^2 / 2`; the crystal
pushing on the load sensor delivers the force that undoes it, that deflection
divided by the compliances in series: bending (Euler-Bernoulli), shear
(Timoshenko) and the sensor itself:

.. math::

    F = \frac{|\kappa| L^2 / 2}{\dfrac{L^3}{3 E I} + \dfrac{L}{k_s G W T}
        + \dfrac{1}{k_\mathrm{sensor}}}, \qquad I = \frac{W T^3}{12},

with :math:`G = E / (2 (1 + \nu))` and :math:`k_s = 5/6`. For a slender crystal
on a rigid sensor only the first term counts and :math:`F = 3 E I \kappa / (2 L)`,
the Euler-Bernoulli blocking force. A short, thick crystal is stiffer than the
sensor and delivers only about :math:`k_\mathrm{sensor} \kappa L^2 / 2`: this is
why the best length lies inside the search space. The absolute value reflects
the study's protocol: both faces were lit and the larger force was kept.

The curvature of a beam whose longitudinal eigenstrain decays from the lit
face as :math:`\varepsilon(z) = \varepsilon_0 e^{-z/\delta}` is

.. math::

    \kappa(\varepsilon_0, \delta, T) = \frac{12}{T^3} \int_0^T \varepsilon(z)
    \left(\frac{T}{2} - z\right) dz
    = \frac{12 \varepsilon_0}{T^3} \left[\frac{T \delta}{2} (1 - e^{-T/\delta})
      - \delta^2 \left(1 - e^{-T/\delta} (1 + T/\delta)\right)\right],

which tends to :math:`\varepsilon_0 / \delta` for :math:`T \ll \delta` and to
:math:`6 \varepsilon_0 \delta / T^2` for :math:`T \gg \delta`. Two such layers act:

* photoisomerisation in the layer that the light reaches (Beer-Lambert
  penetration depth :math:`d`), with a photostationary-state saturation
  :math:`\varepsilon_0 = \varepsilon_c \, P / (P + P_{\mathrm{sat},c})`, bending the
  crystal away from the light;
* photothermal strain: the absorbed light heats the lit face, the heat spreads
  over a thermal length :math:`\ell`, and the negative thermal expansion along
  the length makes the heated side contract, bending the crystal towards the
  light: :math:`\varepsilon_0 = -\gamma_c P`.

So the curvature is the difference of the two layers' curvatures (both
functional forms are assumptions of the kit, not results of the study; see
*Structural alternatives* below):

.. math::

    \kappa = \kappa(\varepsilon_c P/(P+P_{\mathrm{sat},c}), d, T)
        - \kappa(\gamma_c P, \ell, T).

Photoisomerisation wins in thin crystals, heat
catches up in thick ones: the force first grows with thickness (stiffness
:math:`\propto T^3`), then falls as the two curvatures cancel and as the
crystal outgrows the sensor. The largest crystal is not the best.

Structural alternatives: ``saturation="local"`` saturates the photostrain at
each depth, :math:`\varepsilon(z) = \varepsilon_c I(z)/(I(z) + P_{\mathrm{sat},c})` with
:math:`I(z) = P e^{-z/d}` (a photostationary state reached layer by layer;
closed form with the dilogarithm, :func:`local_saturation_curvature`), instead of
at the lit surface; ``heat_saturation_mW_cm2=P_h`` makes the heating saturate,
:math:`\gamma_c P / (1 + P/P_h)` (losses that grow with temperature), instead of
growing in proportion to :math:`P` (the default, :math:`P_h = \infty`). Each
form needs its own calibration of compounds 5 and 9
(``calibrate(options={"saturation": "local"})``).

Every constant the study's data leave open (penetration depth, thermal
length, sensor stiffness, the photothermal strain of the measured compounds
and the response of each unmeasured compound) is an option of
:class:`BlockingForceLandscape`; the defaults are the reference landscape.
:mod:`mlcrystal.force.ensemble` draws plausible alternatives.

Region: :meth:`~mlcrystal.force.landscape.BlockingForceLandscape.force` answers for sizes within a
factor :data:`VALIDITY_FACTOR` of the study's search box and intensities
within the lamp's range (:data:`VALID_RANGE`) and refuses the rest with a
``ValueError``: beyond it nothing the model was calibrated or invented on
says anything.

Units: E in GPa, lengths in micrometres, P in mW/cm^2, force in mN.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize, special

from mlcrystal import study
from mlcrystal.datasets import load_initial_blocking_force
from mlcrystal.seeding import RandomState, check_random_state

__all__ = ["ArrayLike", "VALIDITY_FACTOR", "VALID_RANGE", "PENETRATION_DEPTH_UM", "THERMAL_LENGTH_UM",
           "POISSON_RATIO", "SHEAR_COEFFICIENT", "SENSOR_STIFFNESS_N_M", "MIN_ASPECT_RATIO",
           "THERMAL_STRAIN_PER_INTENSITY", "CALIBRATED_PARAMS", "PhotoResponse", "MEASURED_COMPOUNDS",
           "INVENTED_RESPONSES", "layer_curvature", "blocking_force_mN", "photo_curvature",
           "OPTIMUM_LATTICE_LEVELS", "BlockingForceLandscape", "IntensityReading", "INTENSITY_READINGS",
           "GaussianLandscape", "CalibrationResult", "CALIBRATION_OPTIONS", "fit_table", "calibrate",
           "parameter_table", "force_grid", "best_length_profile", "SHARED_RESPONSE_SUFFIX", "with_shared_response",
           "curvature_parts", "heat_crossover_table", "MAX_FORCE_GRID", "SaturationForm", "SATURATION_FORMS",
           "HEAT_SATURATION_MW_CM2", "STRUCTURAL_OPTIONS", "local_saturation_curvature"]

ArrayLike = Any  # float or array_like of floats

#: How far beyond the study's search box :meth:`~mlcrystal.force.landscape.BlockingForceLandscape.force`
#: answers: every size may be up to this factor larger (and smaller) than the
#: box allows. Beyond it the invented and calibrated constants describe
#: nothing the study measured or searched, and the model refuses to extrapolate.
VALIDITY_FACTOR = 2.0

#: The region where :meth:`~mlcrystal.force.landscape.BlockingForceLandscape.force` answers: sizes within
#: :data:`VALIDITY_FACTOR` of :data:`mlcrystal.study.SEARCH_BOUNDS` (the length
#: has no lower bound beyond the beam-theory limit), intensity within the lamp's
#: range (0 to :data:`mlcrystal.study.MAX_INTENSITY_MW_CM2`: saturation was
#: calibrated up to the lamp's maximum and no further).
VALID_RANGE = MappingProxyType({
    "L_um": (0.0, VALIDITY_FACTOR * study.SEARCH_BOUNDS["L_um"][1]),
    "W_um": (study.SEARCH_BOUNDS["W_um"][0] / VALIDITY_FACTOR, VALIDITY_FACTOR * study.SEARCH_BOUNDS["W_um"][1]),
    "T_um": (study.SEARCH_BOUNDS["T_um"][0] / VALIDITY_FACTOR, VALIDITY_FACTOR * study.SEARCH_BOUNDS["T_um"][1]),
    "P_mW_cm2": (0.0, study.MAX_INTENSITY_MW_CM2),
})

# ---------------------------------------------------------------------------
# Assumed physical constants (physics, not fitted; typical values, see chapter 6)
# ---------------------------------------------------------------------------
#: Optical penetration depth of the UV light (Beer-Lambert 1/alpha), micrometres. ASSUMED.
PENETRATION_DEPTH_UM = 20.0
#: Depth over which the photothermal heating acts (thermal length), micrometres. ASSUMED.
THERMAL_LENGTH_UM = 300.0
#: Poisson's ratio used for the shear modulus G = E / (2 (1 + nu)). ASSUMED.
POISSON_RATIO = 0.3
#: Timoshenko shear coefficient of a rectangular section.
SHEAR_COEFFICIENT = 5.0 / 6.0
#: Stiffness of the load sensor the crystal pushes on, N/m. ASSUMED (typical of
#: a small load cell; the study does not report it). A stiff crystal cannot
#: deliver its ideal blocking force to a compliant sensor.
SENSOR_STIFFNESS_N_M = 10000.0
#: Shortest testable crystal, as length / thickness. The study's own 2-naph
#: crystal (626 um long, 241 um thick, ratio 2.6) sets the scale: below 2.5
#: the crystal is a block, not a beam, and the cantilever model does not hold.
MIN_ASPECT_RATIO = 2.5

#: Photothermal strain per unit intensity, 1/(mW/cm^2), used for the two measured
#: compounds. INVENTED: the 10 measurements do not pin it down (a fit drives it to
#: zero within the noise), so it is set to make thick crystals lose to heat, as the
#: study describes. Its value shifts the calibrated constants below.
THERMAL_STRAIN_PER_INTENSITY = 3.0e-7

#: Where the photostationary state saturates: at the lit surface (``"surface"``,
#: the reference: :math:`\varepsilon_c P/(P+P_\mathrm{sat})` times the decay
#: profile) or at each depth (``"local"``). ASSUMED: a functional form chosen, not measured.
SaturationForm = Literal["surface", "local"]
#: Where the photostrain of a layer saturates: "surface" (the reference form) or "local" (at each depth).
SATURATION_FORMS: tuple[str, ...] = ("surface", "local")

#: Intensity at which the heating saturates, mW/cm^2: photothermal strain
#: :math:`\gamma_c P / (1 + P / P_h)`. ASSUMED: the reference landscape takes
#: heating proportional to intensity (``numpy.inf``).
HEAT_SATURATION_MW_CM2 = float("inf")

#: The keywords of :class:`BlockingForceLandscape` that change the model's functional forms.
STRUCTURAL_OPTIONS = ("saturation", "heat_saturation_mW_cm2")

# ---------------------------------------------------------------------------
# Calibrated constants: fitted by calibrate() on the study's 10 initial
# measurements (compounds 5 "2-naph" and 9 "p-Cl"). Re-fit with calibrate().
# ---------------------------------------------------------------------------
#: Photostrain at saturation (dimensionless) and saturation intensity (mW/cm^2)
#: of compounds 5 and 9. CALIBRATED.
CALIBRATED_PARAMS = MappingProxyType({
    "strain_5": 8.263667798854745e-03,
    "p_sat_5": 673.9504202692467,
    "strain_9": 9.913119641307463e-02,
    "p_sat_9": 18015.29560280894,
})


@dataclass(frozen=True)
class PhotoResponse:
    """Photoresponse of one compound.

    Attributes
    ----------
    strain : float
        Photostrain of the lit layer at saturation (dimensionless).
    p_sat : float
        Saturation intensity of the photostationary state, mW/cm^2.
    thermal : float
        Photothermal strain per unit intensity, 1/(mW/cm^2) (negative thermal
        expansion along the length: it opposes the photostrain).
    source : str
        ``"calibrated"`` (fitted on the study's measurements) or ``"invented"``.
    """

    strain: float
    p_sat: float
    thermal: float
    source: str


#: The compounds with public force measurements (the study's initial design).
MEASURED_COMPOUNDS = (5, 9)


def _calibrated_response(compound: int, params: Mapping[str, float], thermal: float) -> PhotoResponse:
    return PhotoResponse(float(params[f"strain_{compound}"]), float(params[f"p_sat_{compound}"]), float(thermal),
                         "calibrated")


#: Photoresponse of compounds without public force measurements. INVENTED:
#: chosen so that the landscape reproduces the study's headline facts (best
#: force near 37 mN, reached with compound 3, at an interior thickness).
INVENTED_RESPONSES = MappingProxyType({
    1: PhotoResponse(3.6e-3, 700.0, 3.0e-7, "invented"),
    2: PhotoResponse(1.2e-2, 900.0, 3.0e-7, "invented"),
    # compound 3: the study credits a nitro group (stronger photoresponse) and molecular
    # layers stacked along the thickness (anisotropic, negative thermal expansion along
    # the length): large photostrain, early saturation, strong photothermal strain
    3: PhotoResponse(2.16e-2, 300.0, 2.5e-6, "invented"),
    4: PhotoResponse(3.0e-3, 500.0, 3.0e-7, "invented"),
    7: PhotoResponse(1.5e-3, 400.0, 3.0e-7, "invented"),
    8: PhotoResponse(3.5e-3, 800.0, 3.0e-7, "invented"),
    10: PhotoResponse(4.2e-3, 600.0, 3.0e-7, "invented"),
})

# ---------------------------------------------------------------------------
# physics
# ---------------------------------------------------------------------------

def layer_curvature(strain: ArrayLike, depth_um: ArrayLike, T_um: ArrayLike) -> Any:
    r"""Curvature of a beam with an exponentially decaying eigenstrain layer.

    Parameters
    ----------
    strain : float or array_like
        Eigenstrain at the lit face, :math:`\varepsilon_0` (dimensionless).
    depth_um : float or array_like
        Decay length :math:`\delta` of the strain, micrometres (> 0).
    T_um : float or array_like
        Thickness of the beam, micrometres (> 0).

    Returns
    -------
    float or numpy.ndarray
        Curvature in 1/um, positive when the lit face elongates (bending away
        from the light): :math:`12 \varepsilon_0 / T^3 [T\delta/2 (1 - e) -
        \delta^2 (1 - e (1 + T/\delta))]`, :math:`e = e^{-T/\delta}`.

    Examples
    --------
    >>> round(float(layer_curvature(1e-3, 20.0, 2000.0) / (6e-3 * 20.0 / 2000.0**2)), 2)  # thick limit
    0.98
    >>> round(float(layer_curvature(1e-3, 1e6, 10.0) * 1e9), 3)  # thin limit eps/delta
    1.0
    """
    strain = np.asarray(strain, float)
    d = np.asarray(depth_um, float)
    T = np.asarray(T_um, float)
    x = T / d
    e = np.exp(-x)
    # 1 - e(1+x) loses precision for small x: use expm1 and the series there
    one_minus_e = -np.expm1(-x)
    second = np.where(x > 1e-3, one_minus_e - x * e, x**2 / 2 - x**3 / 3 + x**4 / 8)
    bracket = T * d / 2 * one_minus_e - d**2 * second
    out = 12.0 * strain / T**3 * bracket
    return out[()] if out.ndim == 0 else out


def blocking_force_mN(E_GPa: ArrayLike, L_um: ArrayLike, W_um: ArrayLike, T_um: ArrayLike,
                      curvature_per_um: ArrayLike, sensor_stiffness_N_m: float | None = None) -> Any:
    r"""Blocking force of a cantilever with eigen-curvature pushing on a load sensor.

    The free tip deflection :math:`\delta_0 = |\kappa| L^2 / 2` is divided by the
    compliances in series: bending :math:`L^3 / (3 E I)`, shear
    :math:`L / (k_s G W T)` and the sensor's :math:`1 / k_\mathrm{sensor}`.

    Parameters
    ----------
    E_GPa : float or array_like
        Bending (Young's) modulus along the length, GPa.
    L_um, W_um, T_um : float or array_like
        Free length, width and thickness, micrometres.
    curvature_per_um : float or array_like
        Eigen-curvature :math:`\kappa`, 1/um.
    sensor_stiffness_N_m : float, optional
        Stiffness of the load sensor, N/m; default :data:`SENSOR_STIFFNESS_N_M`.
        ``numpy.inf`` gives the ideal (rigid-sensor) blocking force
        :math:`3 E I |\kappa| / (2 L)` of Euler-Bernoulli theory when shear is negligible.

    Returns
    -------
    float or numpy.ndarray
        Force in mN.

    Examples
    --------
    >>> # 1 GPa, 3 mm long, 1 mm wide, 50 um thick, kappa = 10/m, rigid sensor: 3EI kappa/(2L) = 0.052 mN
    >>> round(float(blocking_force_mN(1.0, 3000.0, 1000.0, 50.0, 1e-5, sensor_stiffness_N_m=np.inf)), 3)
    0.052
    """
    k_sensor = SENSOR_STIFFNESS_N_M if sensor_stiffness_N_m is None else float(sensor_stiffness_N_m)
    if not k_sensor > 0:
        raise ValueError(f"sensor_stiffness_N_m must be > 0 (np.inf for a rigid sensor); got {sensor_stiffness_N_m!r}.")
    E = np.asarray(E_GPa, float)
    L = np.asarray(L_um, float)
    W = np.asarray(W_um, float)
    T = np.asarray(T_um, float)
    inertia = W * T**3 / 12.0                                       # um^4
    shear_modulus = E / (2.0 * (1.0 + POISSON_RATIO))               # GPa
    # compliances in um/mN: with E in GPa and lengths in um, L^3/(3EI) is already um/mN;
    # a sensor of k N/m (= 1e-3 mN/um) has compliance 1e3/k um/mN
    compliance = L**3 / (3.0 * E * inertia) + L / (SHEAR_COEFFICIENT * shear_modulus * W * T) + 1e3 / k_sensor
    out = 0.5 * np.abs(curvature_per_um) * L**2 / compliance
    return out[()] if np.ndim(out) == 0 else out


def local_saturation_curvature(strain: ArrayLike, p_sat: ArrayLike, P_mW_cm2: ArrayLike, depth_um: ArrayLike,
                               T_um: ArrayLike) -> Any:
    r"""Curvature of a beam whose photostrain saturates at each depth (1/um).

    The light decays as :math:`I(z) = P e^{-z/d}` and each layer reaches its own
    photostationary state, :math:`\varepsilon(z) = \varepsilon_c I(z)/(I(z) + P_\mathrm{sat})`.
    With :math:`s = z/d`, :math:`a = P/P_\mathrm{sat}` and :math:`X = T/d` the curvature
    :math:`12/T^3 \int_0^T \varepsilon(z)(T/2 - z)\,dz` has the closed form
    :math:`12 \varepsilon_c/T^3 [T d/2 \, A - d^2 B]` with
    :math:`A = \ln(1+a) - \ln(1+a e^{-X})` and
    :math:`B = -X \ln(1 + a e^{-X}) + \mathrm{Li}_2(-a e^{-X}) - \mathrm{Li}_2(-a)`
    (:func:`scipy.special.spence` gives the dilogarithm).

    Parameters
    ----------
    strain : float or array_like
        Photostrain at saturation :math:`\varepsilon_c`.
    p_sat : float or array_like
        Saturation intensity, mW/cm^2 (> 0).
    P_mW_cm2 : float or array_like
        Intensity at the lit face, mW/cm^2 (>= 0).
    depth_um : float or array_like
        Penetration depth :math:`d`, micrometres.
    T_um : float or array_like
        Thickness, micrometres.

    Returns
    -------
    float or numpy.ndarray
        Curvature in 1/um. For :math:`P \ll P_\mathrm{sat}` it equals
        ``layer_curvature(strain * P / p_sat, depth_um, T_um)``.

    Examples
    --------
    >>> weak = local_saturation_curvature(1e-2, 600.0, 1e-3, 20.0, 200.0)
    >>> round(float(weak / layer_curvature(1e-2 * 1e-3 / 600.0, 20.0, 200.0)), 4)
    1.0
    """
    eps = np.asarray(strain, float)
    a = np.asarray(P_mW_cm2, float) / np.asarray(p_sat, float)
    d = np.asarray(depth_um, float)
    T = np.asarray(T_um, float)
    X = T / d
    tail = a * np.exp(-X)

    def dilog_neg(x: Any) -> Any:  # Li2(-x) for x >= 0
        return special.spence(1.0 + x)

    A = np.log1p(a) - np.log1p(tail)
    B = -X * np.log1p(tail) + dilog_neg(tail) - dilog_neg(a)
    out = 12.0 * eps / T**3 * (T * d / 2.0 * A - d**2 * B)
    return out[()] if np.ndim(out) == 0 else out


def photo_curvature(T_um: ArrayLike, P_mW_cm2: ArrayLike, response: PhotoResponse,
                    penetration_depth_um: float = PENETRATION_DEPTH_UM,
                    thermal_length_um: float = THERMAL_LENGTH_UM, saturation: str = "surface",
                    heat_saturation_mW_cm2: float = HEAT_SATURATION_MW_CM2) -> Any:
    r"""Net eigen-curvature (1/um) from photoisomerisation minus photothermal strain.

    Parameters
    ----------
    T_um : float or array_like
        Thickness, micrometres.
    P_mW_cm2 : float or array_like
        Light intensity, mW/cm^2 (>= 0).
    response : PhotoResponse
        The compound's photostrain, saturation intensity and thermal coefficient.
    penetration_depth_um : float, default :data:`PENETRATION_DEPTH_UM`
        Decay length :math:`d` of the photostrain, micrometres.
    thermal_length_um : float, default :data:`THERMAL_LENGTH_UM`
        Decay length :math:`\ell` of the photothermal strain, micrometres.
    saturation : {"surface", "local"}, default "surface"
        Where the photostrain saturates (:data:`SATURATION_FORMS`): at the lit
        surface (the reference) or at each depth (:func:`local_saturation_curvature`).
    heat_saturation_mW_cm2 : float, default :data:`HEAT_SATURATION_MW_CM2` (infinite)
        :math:`P_h` of the photothermal strain :math:`\gamma P/(1 + P/P_h)`; infinite: :math:`\gamma P`.

    Returns
    -------
    float or numpy.ndarray
        :math:`\kappa(\varepsilon_c P/(P+P_\mathrm{sat}), d, T) - \kappa(\gamma P, \ell, T)` (reference forms).

    Examples
    --------
    >>> r = PhotoResponse(strain=1e-2, p_sat=600.0, thermal=1e-7, source="invented")
    >>> float(photo_curvature(200.0, 0.0, r))
    0.0
    >>> bool(photo_curvature(200.0, 2000.0, r, saturation="local") > photo_curvature(200.0, 2000.0, r))
    True
    """
    P = np.asarray(P_mW_cm2, float)
    if saturation == "local":
        photo = local_saturation_curvature(response.strain, response.p_sat, P, penetration_depth_um, T_um)
    elif saturation == "surface":
        photo = layer_curvature(response.strain * P / (P + response.p_sat), penetration_depth_um, T_um)
    else:
        raise ValueError(f"saturation must be one of {SATURATION_FORMS}; got {saturation!r}.")
    heat = layer_curvature(response.thermal * P / (1.0 + P / heat_saturation_mW_cm2), thermal_length_um, T_um)
    return photo - heat


# ---------------------------------------------------------------------------
# input validation
# ---------------------------------------------------------------------------

def _as_float_array(name: str, value: Any) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a number or an array of numbers (in the study's units); "
                         f"got {value!r}.") from err
    return arr


def _check_positive(name: str, arr: np.ndarray, unit: str) -> None:
    bad = ~np.isfinite(arr) | (arr <= 0)
    if bad.any():
        first = float(arr.flat[int(np.flatnonzero(bad.ravel())[0])])
        raise ValueError(
            f"{name} must be a finite positive length in {unit}; got {first!r}"
            + (f" ({int(bad.sum())} bad values)" if bad.sum() > 1 else "")
            + f". Pass the crystal's measured {name.split('_')[0]} in {unit}."
        )


def _check_intensity(arr: np.ndarray) -> None:
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        first = float(arr.flat[int(np.flatnonzero(bad.ravel())[0])])
        raise ValueError(
            f"P_mW_cm2 must be a finite light intensity >= 0 mW/cm^2 (0 means no light); got {first!r}. "
            f"The study used {study.SEARCH_BOUNDS['P_mW_cm2'][0]:g}-{study.MAX_INTENSITY_MW_CM2:g} mW/cm^2."
        )


def _check_aspect(L: np.ndarray, T: np.ndarray, min_ratio: float) -> None:
    if min_ratio <= 0:
        return
    ratio = L / T
    bad = ratio < min_ratio * (1 - 1e-12)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        Lb, Tb = np.broadcast_to(L, bad.shape).flat[i], np.broadcast_to(T, bad.shape).flat[i]
        raise ValueError(
            f"crystal too short or too thick for beam theory: L_um / T_um = {Lb:g} / {Tb:g} = {Lb / Tb:.3g}, "
            f"but the cantilever model needs L_um / T_um >= {min_ratio:g}. Use a longer or thinner crystal "
            f"(L_um >= {min_ratio:g} * T_um), or call snap(L_um, T_um) for the nearest testable crystal."
        )


def _noisy(force: Any, noise: float | None, random_state: RandomState) -> Any:
    if noise is None or noise == 0:
        return force
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise is a relative standard deviation and must be >= 0 (e.g. 0.05 for 5 %); got {noise!r}.")
    rng = check_random_state(random_state)
    f = np.asarray(force, float)
    out = np.clip(f * (1.0 + noise * rng.standard_normal(f.shape)), 0.0, None)
    return out[()] if out.ndim == 0 else out



class _ByDefinition:
    """A landscape and a compound, equal to another when their definition keys are equal (for the cache)."""

    __slots__ = ("key", "land", "compound")

    def __init__(self, key: tuple, land: Any, compound: int) -> None:
        self.key, self.land, self.compound = key, land, compound

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ByDefinition) and self.key == other.key


@functools.cache
def _optimum(item: _ByDefinition) -> MappingProxyType:
    """A compound's optimum, computed once per landscape definition (shared by all instances)."""
    return MappingProxyType(item.land._optimise_compound(item.compound))


#: Levels per input of the lattice the optimum search starts from (11**4 points per compound).
OPTIMUM_LATTICE_LEVELS = 11


def _check_range(name: str, arr: np.ndarray, unit: str) -> None:
    """Refuse values outside :data:`VALID_RANGE` (the region the model covers)."""
    lo, hi = VALID_RANGE[name]
    bad = (arr < lo) | (arr > hi)
    if bad.any():
        first = float(arr.flat[int(np.flatnonzero(bad.ravel())[0])])
        box = study.SEARCH_BOUNDS[name]
        why = ("the lamp's range: saturation is calibrated up to the lamp's maximum and not beyond"
               if name == "P_mW_cm2" else
               f"within a factor {VALIDITY_FACTOR:g} of the study's search box {box[0]:g}-{box[1]:g} {unit}")
        raise ValueError(
            f"{name} = {first:g} {unit} is outside the range the landscape covers, {lo:g}-{hi:g} {unit} ({why})"
            + (f"; {int(bad.sum())} values are outside" if bad.sum() > 1 else "")
            + f". Pass {name} within {lo:g}-{hi:g} {unit}: the model does not extrapolate its calibrated and "
            "invented constants."
        )


class _Landscape:
    """Methods shared by the physical and the Gaussian landscape."""

    min_aspect_ratio: float
    compounds: tuple[int, ...]
    moduli: dict[int, float]
    library: str

    def _compound_array(self, compound: Any) -> np.ndarray:
        arr = np.asarray(compound)
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(int)
        if arr.dtype.kind not in "iu":
            raise ValueError(
                f"compound must be one of the study's compound numbers {list(self.compounds)}; got {compound!r}."
            )
        unknown = sorted(set(np.unique(arr).tolist()) - set(self.compounds))
        if unknown:
            raise ValueError(
                f"unknown compound {unknown[0]!r}: this library holds compounds {list(self.compounds)}"
                + (" (compound 7 is only in library='published')" if 7 in unknown else "")
                + (" (compound 6 has no published bending modulus)" if 6 in unknown else "")
                + "."
            )
        return arr

    def snap(self, L_um: ArrayLike, T_um: ArrayLike) -> tuple[Any, Any]:
        """Nearest testable crystal: raise the length to ``min_aspect_ratio * T_um`` where needed.

        Parameters
        ----------
        L_um, T_um : float or array_like
            Suggested length and thickness, micrometres.

        Returns
        -------
        tuple
            ``(L_um, T_um)``: the thickness unchanged, the length at least
            ``min_aspect_ratio * T_um``.

        Examples
        --------
        >>> land = BlockingForceLandscape()
        >>> land.snap(100.0, 200.0)
        (500.0, 200.0)
        """
        L = _as_float_array("L_um", L_um)
        T = _as_float_array("T_um", T_um)
        out = np.maximum(L, self.min_aspect_ratio * T)
        L_out = out[()] if out.ndim == 0 else out
        T_out = T[()] if T.ndim == 0 else T
        if np.ndim(L_out) == 0:
            return float(L_out), float(T_out)
        return L_out, np.broadcast_to(T_out, np.shape(L_out)).copy()

    def initial_design(self) -> pd.DataFrame:
        """The study's 10 initial conditions (compounds 5 and 9, 5 intensities each).

        Returns
        -------
        pandas.DataFrame
            Columns ``compound, E_GPa, L_um, W_um, T_um, P_mW_cm2``.

        Examples
        --------
        >>> BlockingForceLandscape().initial_design().shape
        (10, 6)
        """
        df = load_initial_blocking_force()
        out = df[["compound_id", "E_GPa", "L_um", "W_um", "T_um", "P_mW_cm2"]].rename(
            columns={"compound_id": "compound"})
        out["compound"] = out["compound"].astype(int)
        return out.reset_index(drop=True)

    def optimum(self) -> dict[str, Any]:
        """The true best point within :data:`mlcrystal.study.SEARCH_BOUNDS` (computed once, then cached).

        For each compound, L-BFGS-B maximises the log force over (L, W, T, P)
        from the best points of a fixed lattice (:data:`OPTIMUM_LATTICE_LEVELS`
        levels per input); lengths below the beam-theory limit are snapped up
        as a campaign would. Deterministic.

        Returns
        -------
        dict
            ``compound, L_um, W_um, T_um, P_mW_cm2, force_mN``.

        Examples
        --------
        >>> best = BlockingForceLandscape().optimum()
        >>> best["compound"]
        3
        """
        per = self.optimum_per_compound()
        row = per.loc[per["force_mN"].idxmax()]
        return {"compound": int(row["compound"]),
                **{k: float(row[k]) for k in ["L_um", "W_um", "T_um", "P_mW_cm2", "force_mN"]}}

    def optimum_per_compound(self) -> pd.DataFrame:
        """Best force of every compound within :data:`mlcrystal.study.SEARCH_BOUNDS` (cached per compound).

        Returns
        -------
        pandas.DataFrame
            One row per compound: ``compound, E_GPa, L_um, W_um, T_um,
            P_mW_cm2, force_mN``, in library order.

        Examples
        --------
        >>> table = BlockingForceLandscape(library="article").optimum_per_compound()
        >>> len(table)
        8
        """
        rows = [dict(_optimum(_ByDefinition(self.definition_key(c), self, c))) for c in self.compounds]
        return pd.DataFrame(rows)

    def definition_key(self, compound: int) -> tuple:
        """Everything the compound's force depends on, as a hashable key (equal keys: equal forces).

        Results computed from a landscape (its optimum) are cached by this key, so they are
        shared by every instance with the same definition and recomputed when a constant changes.
        """
        raise NotImplementedError

    def _force(self, comp: np.ndarray, L: Any, W: Any, T: Any, P: Any) -> Any:
        raise NotImplementedError

    def _optimise_compound(self, compound: int) -> dict[str, float]:
        names = ["L_um", "W_um", "T_um", "P_mW_cm2"]
        lo = np.array([max(study.SEARCH_BOUNDS[n][0], 1.0) for n in names])
        hi = np.array([study.SEARCH_BOUNDS[n][1] for n in names])
        span = hi - lo
        comp = np.asarray(compound)

        def point(u: np.ndarray) -> tuple[Any, Any, Any, Any]:
            x = lo[:, None] + np.clip(np.atleast_2d(u).T, 0, 1) * span[:, None]
            L, T = self.snap(x[0], x[2])
            return L, x[1], T, x[3]

        def negative_log_force(u: np.ndarray) -> float:
            return -float(np.log(self._force(comp, *point(u))[0] + 1e-12))

        # a coarse lattice evaluated at once, then L-BFGS-B from its best points
        axis = np.linspace(0.0, 1.0, OPTIMUM_LATTICE_LEVELS)
        lattice = np.array(np.meshgrid(axis, axis, axis, axis, indexing="ij")).reshape(4, -1).T
        values = self._force(comp, *point(lattice))
        starts = lattice[np.argsort(-values, kind="stable")[:4]]
        best = None
        for u0 in starts:
            res = optimize.minimize(negative_log_force, u0, method="L-BFGS-B", bounds=[(0, 1)] * 4)
            if best is None or res.fun < best.fun - 1e-12:
                best = res
        assert best is not None
        L, W, T, P = (float(v[0]) for v in point(best.x))
        return {"compound": int(compound), "E_GPa": self.moduli[int(compound)], "L_um": L, "W_um": W,
                "T_um": T, "P_mW_cm2": P, "force_mN": float(np.asarray(self._force(comp, L, W, T, P)))}

    def force(self, compound: Any, L_um: ArrayLike, W_um: ArrayLike, T_um: ArrayLike, P_mW_cm2: ArrayLike,
              noise: float = 0.0, random_state: RandomState = None) -> Any:
        """Blocking force (mN) of a crystal, as a measurement would give it.

        Parameters
        ----------
        compound : int or array_like of int
            The study's compound number (see ``compounds``).
        L_um, W_um, T_um : float or array_like
            Free length, width and thickness in micrometres (finite, > 0;
            ``L_um / T_um >= min_aspect_ratio``; the physical landscape also
            needs them within :data:`VALID_RANGE`).
        P_mW_cm2 : float or array_like
            UV light intensity in mW/cm^2 (>= 0; 0 gives exactly 0 force; the
            physical landscape needs it within the lamp's range, see
            :data:`VALID_RANGE`).
        noise : float, default 0.0
            Relative standard deviation of multiplicative Gaussian measurement
            noise (0.05 = 5 %); noisy forces are clipped at 0.
        random_state : None, int or numpy.random.Generator
            Seed of the noise (see :func:`mlcrystal.seeding.check_random_state`).

        Returns
        -------
        float or numpy.ndarray
            Blocking force in mN (inputs are broadcast with numpy rules).

        Raises
        ------
        ValueError
            Unknown compound, non-positive or NaN sizes, negative intensity, a
            crystal too short for beam theory, or (physical landscape) an
            input outside :data:`VALID_RANGE`.

        Examples
        --------
        >>> land = BlockingForceLandscape()
        >>> land.force(compound=3, L_um=1000.0, W_um=800.0, T_um=200.0, P_mW_cm2=0.0)
        0.0
        """
        comp = self._compound_array(compound)
        L = _as_float_array("L_um", L_um)
        W = _as_float_array("W_um", W_um)
        T = _as_float_array("T_um", T_um)
        P = _as_float_array("P_mW_cm2", P_mW_cm2)
        self._check_dims(L, W, T)
        _check_intensity(P)
        self._check_region(L, W, T, P)
        try:
            shape = np.broadcast_shapes(comp.shape, L.shape, W.shape, T.shape, P.shape)
        except ValueError as err:
            raise ValueError(
                f"inputs cannot be broadcast together: shapes compound {comp.shape}, L_um {L.shape}, W_um {W.shape}, "
                f"T_um {T.shape}, P_mW_cm2 {P.shape}. Pass scalars or arrays of the same length."
            ) from err
        _check_aspect(L, T, self.min_aspect_ratio)
        out = np.broadcast_to(self._force(comp, L, W, T, P), shape).astype(float)
        out = _noisy(out, noise, random_state)
        return float(out) if np.ndim(out) == 0 else np.asarray(out)

    def _check_dims(self, L: np.ndarray, W: np.ndarray, T: np.ndarray) -> None:
        _check_positive("L_um", L, "um")
        _check_positive("W_um", W, "um")
        _check_positive("T_um", T, "um")

    def _check_region(self, L: np.ndarray, W: np.ndarray, T: np.ndarray, P: np.ndarray) -> None:
        _check_range("L_um", L, "um")
        _check_range("W_um", W, "um")
        _check_range("T_um", T, "um")
        _check_range("P_mW_cm2", P, "mW/cm^2")


def _check_library(library: str) -> tuple[int, ...]:
    if library not in study.LIBRARIES:
        raise ValueError(f"library must be one of {sorted(study.LIBRARIES)}; got {library!r}.")
    return tuple(study.LIBRARIES[library])


def _positive_option(name: str, value: Any, default: float, unit: str, allow_inf: bool = False,
                     allow_zero: bool = False) -> float:
    v = default if value is None else value
    ok = isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
    ok = ok and (v >= 0 if allow_zero else v > 0) and (allow_inf or np.isfinite(v)) and not np.isnan(v)
    if not ok:
        raise ValueError(f"{name} must be a number {'>= 0' if allow_zero else '> 0'} in {unit}"
                         + (" (numpy.inf for a rigid sensor)" if allow_inf else "") + f"; got {value!r}.")
    return float(v)


def _check_response(compound: int, r: Any) -> PhotoResponse:
    if not isinstance(r, PhotoResponse):
        raise ValueError(f"responses[{compound}] must be a PhotoResponse; got {type(r).__name__}.")
    values = (r.strain, r.p_sat, r.thermal)
    if not all(isinstance(v, int | float | np.integer | np.floating) and np.isfinite(v) for v in values) \
            or r.strain < 0 or r.p_sat <= 0 or r.thermal < 0:
        raise ValueError(f"responses[{compound}] needs finite strain >= 0, p_sat > 0 (mW/cm^2) and thermal >= 0 "
                         f"(1/(mW/cm^2)); got {r!r}.")
    return r


class BlockingForceLandscape(_Landscape):
    """The simulated blocking-force experiment (see the module docstring for the equations).

    Every constant the study's data leave open is an option; the defaults
    are the kit's reference landscape (chapters 6 and 7 and every stored
    table use it).

    Parameters
    ----------
    library : {"published", "article"}, default "published"
        ``"published"``: the 9 compounds of the study's code (1, 2, 3, 4, 5,
        7, 8, 9, 10); ``"article"``: the article's 8-crystal library, without 7.
    params : mapping, optional
        Calibrated constants (keys of :data:`CALIBRATED_PARAMS`); defaults to
        the stored fit (which belongs to the default options: after changing
        an option, re-fit with ``calibrate(options=...)``).
    sensor_stiffness_N_m : float, optional
        Stiffness of the load sensor, N/m; default :data:`SENSOR_STIFFNESS_N_M`.
        ``numpy.inf`` gives the ideal blocking force of a rigid sensor.
    penetration_depth_um : float, optional
        Optical penetration depth :math:`d`, um; default :data:`PENETRATION_DEPTH_UM`.
    thermal_length_um : float, optional
        Thermal length :math:`\\ell`, um; default :data:`THERMAL_LENGTH_UM`.
    measured_thermal : float, optional
        Photothermal strain per intensity of the measured compounds 5 and 9,
        1/(mW/cm^2) (>= 0); default :data:`THERMAL_STRAIN_PER_INTENSITY`.
    responses : mapping of int to PhotoResponse, optional
        Replacements for :data:`INVENTED_RESPONSES` (compounds 1, 2, 3, 4, 7,
        8, 10); compounds not given keep the defaults.
    saturation : {"surface", "local"}, optional
        Where the photostrain saturates (:data:`SATURATION_FORMS`); default
        ``"surface"``. A structural assumption: re-fit with
        ``calibrate(options={"saturation": "local"})``.
    heat_saturation_mW_cm2 : float, optional
        Intensity at which the heating saturates (:data:`HEAT_SATURATION_MW_CM2`);
        default infinite (heating proportional to intensity).

    Attributes
    ----------
    compounds : tuple of int
    moduli : dict
        Compound -> published bending modulus, GPa.
    responses : dict
        Compound -> :class:`PhotoResponse` (calibrated for 5 and 9, invented otherwise).
    min_aspect_ratio : float
        Beam-theory limit on ``L_um / T_um``.

    Examples
    --------
    >>> land = BlockingForceLandscape()
    >>> land.compounds
    (1, 2, 3, 4, 5, 7, 8, 9, 10)
    >>> BlockingForceLandscape(library="article").compounds
    (1, 2, 3, 4, 5, 8, 9, 10)
    >>> BlockingForceLandscape(penetration_depth_um=40.0).penetration_depth_um
    40.0
    >>> BlockingForceLandscape(saturation="local").saturation
    'local'
    """

    def __init__(self, library: str = "published", params: Mapping[str, float] | None = None,
                 sensor_stiffness_N_m: float | None = None, *, penetration_depth_um: float | None = None,
                 thermal_length_um: float | None = None, measured_thermal: float | None = None,
                 responses: Mapping[int, PhotoResponse] | None = None, saturation: str | None = None,
                 heat_saturation_mW_cm2: float | None = None) -> None:
        self.library = library
        self.compounds = _check_library(library)
        self.moduli = {c: float(study.BENDING_MODULI_GPA[c]) for c in self.compounds}
        params = dict(CALIBRATED_PARAMS if params is None else params)
        missing = sorted(set(CALIBRATED_PARAMS) - set(params))
        if missing:
            raise ValueError(f"params is missing {missing}; expected the keys {sorted(CALIBRATED_PARAMS)}.")
        self.params = {k: float(params[k]) for k in CALIBRATED_PARAMS}
        self.sensor_stiffness_N_m = _positive_option("sensor_stiffness_N_m", sensor_stiffness_N_m,
                                                     SENSOR_STIFFNESS_N_M, "N/m", allow_inf=True)
        self.penetration_depth_um = _positive_option("penetration_depth_um", penetration_depth_um,
                                                     PENETRATION_DEPTH_UM, "um")
        self.thermal_length_um = _positive_option("thermal_length_um", thermal_length_um, THERMAL_LENGTH_UM, "um")
        self.measured_thermal = _positive_option("measured_thermal", measured_thermal, THERMAL_STRAIN_PER_INTENSITY,
                                                 "1/(mW/cm^2)", allow_zero=True)
        saturation = "surface" if saturation is None else saturation
        if saturation not in SATURATION_FORMS:
            raise ValueError(f"saturation must be one of {SATURATION_FORMS} (where the photostrain saturates); "
                             f"got {saturation!r}.")
        self.saturation = str(saturation)
        self.heat_saturation_mW_cm2 = _positive_option("heat_saturation_mW_cm2", heat_saturation_mW_cm2,
                                                       HEAT_SATURATION_MW_CM2, "mW/cm^2", allow_inf=True)
        invented = dict(INVENTED_RESPONSES)
        for c, r in (responses or {}).items():
            if c not in INVENTED_RESPONSES:
                raise ValueError("responses may replace the invented responses of compounds "
                                 f"{sorted(INVENTED_RESPONSES)}; got compound {c!r} "
                                 "(5 and 9 are calibrated: use params and measured_thermal).")
            invented[c] = _check_response(c, r)
        self.responses = {c: (_calibrated_response(c, self.params, self.measured_thermal) if c in MEASURED_COMPOUNDS
                              else invented[c]) for c in self.compounds}
        self.min_aspect_ratio = MIN_ASPECT_RATIO

    def __repr__(self) -> str:
        return f"BlockingForceLandscape(library={self.library!r})"

    def definition_key(self, compound: int) -> tuple:
        """Everything the compound's force depends on (see ``definition_key``)."""
        # the response is part of the key, so a reader who edits land.responses gets a fresh optimum
        return ("physical", int(compound), self.moduli[compound], self.responses[compound], self.sensor_stiffness_N_m,
                self.penetration_depth_um, self.thermal_length_um, self.min_aspect_ratio, OPTIMUM_LATTICE_LEVELS,
                self.saturation, self.heat_saturation_mW_cm2)

    def curvature(self, compound: int, T_um: ArrayLike, P_mW_cm2: ArrayLike) -> Any:
        """Net eigen-curvature (1/um) of a compound with this landscape's constants (no validation).

        Parameters
        ----------
        compound : int
        T_um, P_mW_cm2 : float or array_like

        Returns
        -------
        float or numpy.ndarray

        Examples
        --------
        >>> float(BlockingForceLandscape().curvature(3, 200.0, 0.0))
        0.0
        """
        return photo_curvature(T_um, P_mW_cm2, self.responses[int(compound)], self.penetration_depth_um,
                               self.thermal_length_um, self.saturation, self.heat_saturation_mW_cm2)

    def _force(self, comp: np.ndarray, L: Any, W: Any, T: Any, P: Any) -> Any:
        comp = np.asarray(comp)
        E = np.vectorize(self.moduli.__getitem__, otypes=[float])(comp) if comp.size else np.zeros(comp.shape)
        if comp.ndim == 0:
            kappa = self.curvature(int(comp), T, P)
        else:
            shape = np.broadcast_shapes(comp.shape, np.shape(T), np.shape(P))
            kappa = np.zeros(shape)
            cb = np.broadcast_to(comp, shape)
            Tb, Pb = np.broadcast_to(T, shape), np.broadcast_to(P, shape)
            for c in np.unique(comp):
                m = cb == c
                kappa[m] = self.curvature(int(c), Tb[m], Pb[m])
        return blocking_force_mN(E, L, W, T, kappa, self.sensor_stiffness_N_m)


#: The readings of the Gaussian test function's intensity centre and spread.
IntensityReading = Literal["percent", "mW_cm2"]
INTENSITY_READINGS: tuple[str, ...] = ("percent", "mW_cm2")


class GaussianLandscape(_Landscape):
    r"""The study's 5-D Gaussian test function, used to choose the UCB kappa.

    .. math::

        f = 15 \exp\left(-\sum_i \frac{(x_i - \mu_i)^2}{2 \sigma_i^2}\right)

    with :math:`\mu` = (E 2 GPa, L 2000 um, W 1200 um, T 120 um, P) and
    :math:`\sigma` = (1.5 GPa, 1000 um, 350 um, 70 um, P spread), the
    constants of :mod:`mlcrystal.study` (``GAUSSIAN_*``). The study's code
    gives the intensity's centre and spread as 50 and 40, and evaluates them
    in mW/cm^2 as written; its P-loop bounds 1-100 hint that percent of the
    maximum was meant. Both readings are options:

    * ``intensity_reading="percent"`` (default, the kit's reading since its
      first release, so stored tables do not change): 50 % and 40 % of the
      maximum intensity 2080 mW/cm^2, centre 1040 and spread 832 mW/cm^2;
    * ``intensity_reading="mW_cm2"``: the code's literal values, centre
      50 and spread 40 mW/cm^2 (near the lower edge of the search box).

    ``force(compound=...)`` uses the compound's bending modulus as E. There is
    no beam-theory limit (``min_aspect_ratio = 0``), so
    :meth:`~mlcrystal.force.landscape.GaussianLandscape.snap` changes
    nothing, and no validity range: the test function is defined everywhere.

    Parameters
    ----------
    library : {"published", "article"}, default "published"
    intensity_reading : {"percent", "mW_cm2"}, default "percent"

    Attributes
    ----------
    CENTRE, SD : mapping
        Centre and spread of each input (``E_GPa, L_um, W_um, T_um, P_mW_cm2``) for this reading.

    Examples
    --------
    >>> g = GaussianLandscape()
    >>> g.value(E_GPa=2.0, L_um=2000.0, W_um=1200.0, T_um=120.0, P_mW_cm2=1040.0)
    15.0
    >>> GaussianLandscape(intensity_reading="mW_cm2").CENTRE["P_mW_cm2"]
    50.0
    """

    PEAK = study.GAUSSIAN_PEAK

    def __init__(self, library: str = "published", intensity_reading: IntensityReading = "percent") -> None:
        self.library = library
        self.compounds = _check_library(library)
        if intensity_reading not in INTENSITY_READINGS:
            raise ValueError(f"intensity_reading must be one of {list(INTENSITY_READINGS)} ('percent': 50 % and 40 % "
                             f"of the lamp's maximum; 'mW_cm2': the code's literal 50 and 40 mW/cm^2); "
                             f"got {intensity_reading!r}.")
        self.intensity_reading = intensity_reading
        self.moduli = {c: float(study.BENDING_MODULI_GPA[c]) for c in self.compounds}
        self.min_aspect_ratio = 0.0
        scale = study.MAX_INTENSITY_MW_CM2 / 100.0 if intensity_reading == "percent" else 1.0
        sizes = ("E_GPa", "L_um", "W_um", "T_um")
        self.CENTRE = MappingProxyType({**{k: float(study.GAUSSIAN_CENTRE[k]) for k in sizes},
                                        "P_mW_cm2": float(study.GAUSSIAN_CENTRE["P"]) * scale})
        self.SD = MappingProxyType({**{k: float(study.GAUSSIAN_SD[k]) for k in sizes},
                                    "P_mW_cm2": float(study.GAUSSIAN_SD["P"]) * scale})

    def __repr__(self) -> str:
        extra = "" if self.intensity_reading == "percent" else f", intensity_reading={self.intensity_reading!r}"
        return f"GaussianLandscape(library={self.library!r}{extra})"

    def definition_key(self, compound: int) -> tuple:
        """Everything the compound's value depends on (see ``definition_key``)."""
        return ("gaussian", int(compound), self.moduli[compound], tuple(self.CENTRE.items()),
                tuple(self.SD.items()), OPTIMUM_LATTICE_LEVELS)

    def value(self, E_GPa: ArrayLike, L_um: ArrayLike, W_um: ArrayLike, T_um: ArrayLike,
              P_mW_cm2: ArrayLike) -> Any:
        """The Gaussian at any modulus (not only the library's), no validation of physics.

        Parameters
        ----------
        E_GPa, L_um, W_um, T_um, P_mW_cm2 : float or array_like

        Returns
        -------
        float or numpy.ndarray

        Examples
        --------
        >>> round(GaussianLandscape().value(2.0, 2000.0, 1200.0, 190.0, 1040.0), 3)  # one sd off in T
        9.098
        """
        x = {"E_GPa": E_GPa, "L_um": L_um, "W_um": W_um, "T_um": T_um, "P_mW_cm2": P_mW_cm2}
        z2 = sum(((np.asarray(v, float) - self.CENTRE[k]) / self.SD[k]) ** 2 for k, v in x.items())
        out = self.PEAK * np.exp(-0.5 * z2)
        return float(out) if np.ndim(out) == 0 else out

    def _check_dims(self, L: np.ndarray, W: np.ndarray, T: np.ndarray) -> None:
        for name, arr in (("L_um", L), ("W_um", W), ("T_um", T)):
            bad = ~np.isfinite(arr) | (arr < 0)
            if bad.any():
                first = float(arr.flat[int(np.flatnonzero(bad.ravel())[0])])
                raise ValueError(f"{name} must be a finite number >= 0 (um); got {first!r}.")

    def _check_region(self, L: np.ndarray, W: np.ndarray, T: np.ndarray, P: np.ndarray) -> None:
        return None

    def _force(self, comp: np.ndarray, L: Any, W: Any, T: Any, P: Any) -> Any:
        E = np.vectorize(self.moduli.__getitem__, otypes=[float])(np.asarray(comp))
        return self.value(E, L, W, T, P)


# ---------------------------------------------------------------------------
# calibration
# ---------------------------------------------------------------------------

@dataclass
class CalibrationResult:
    """Fitted constants and the fit quality on the study's measurements.

    Attributes
    ----------
    params : dict
        Fitted values of the keys of :data:`CALIBRATED_PARAMS`.
    table : pandas.DataFrame
        One row per measurement: ``compound, T_um, P_mW_cm2, measured_mN,
        model_mN, rel_residual`` (model / measured - 1).
    rms : float
        Root-mean-square relative residual.
    options : dict
        The landscape options (:class:`BlockingForceLandscape` keywords) the
        fit belongs to; empty for the defaults.
    """

    params: dict[str, float]
    table: pd.DataFrame = field(repr=False)
    rms: float = 0.0
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def max_abs_residual(self) -> float:
        """Largest absolute relative residual."""
        return float(self.table["rel_residual"].abs().max())

    def landscape(self, library: str = "published") -> BlockingForceLandscape:
        """The landscape with these fitted constants and options.

        Examples
        --------
        >>> calibrate().landscape().params == calibrate().params
        True
        """
        return BlockingForceLandscape(library, params=self.params, **self.options)


_FIT_KEYS = ("strain_5", "p_sat_5", "strain_9", "p_sat_9")
#: The keywords of :class:`BlockingForceLandscape` a calibration can be made for.
CALIBRATION_OPTIONS = ("sensor_stiffness_N_m", "penetration_depth_um", "thermal_length_um", "measured_thermal")


def _check_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    options = dict(options or {})
    allowed = (*CALIBRATION_OPTIONS, *STRUCTURAL_OPTIONS)
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ValueError(f"options may hold {list(allowed)} (the constants and functional forms that change the "
                         f"fit); got {unknown}.")
    return options


def _check_data(data: pd.DataFrame | None) -> pd.DataFrame:
    data = load_initial_blocking_force() if data is None else data
    need = {"compound_id", "L_um", "W_um", "T_um", "P_mW_cm2", "force_mN"}
    if not need <= set(data.columns):
        raise ValueError(f"data needs columns {sorted(need)}; got {list(data.columns)}. "
                         "Use mlcrystal.datasets.load_initial_blocking_force().")
    if (data["force_mN"] <= 0).any():
        raise ValueError("every measured force_mN must be > 0 to fit on log residuals.")
    return data


def fit_table(params: Mapping[str, float] | None = None, data: pd.DataFrame | None = None,
              options: Mapping[str, Any] | None = None) -> CalibrationResult:
    """Compare the model with the study's 10 initial measurements.

    Parameters
    ----------
    params : mapping, optional
        Calibrated constants; defaults to :data:`CALIBRATED_PARAMS`.
    data : pandas.DataFrame, optional
        As returned by :func:`mlcrystal.datasets.load_initial_blocking_force`.
    options : mapping, optional
        Landscape options (keys of :data:`CALIBRATION_OPTIONS` and :data:`STRUCTURAL_OPTIONS`); defaults
        to the reference landscape.

    Returns
    -------
    CalibrationResult

    Examples
    --------
    >>> res = fit_table()
    >>> len(res.table), res.max_abs_residual < 0.15
    (10, True)
    """
    data = _check_data(data)
    options = _check_options(options)
    land = BlockingForceLandscape(params=params, **options)
    model = land.force(compound=data["compound_id"].astype(int).to_numpy(), L_um=data["L_um"].to_numpy(),
                       W_um=data["W_um"].to_numpy(), T_um=data["T_um"].to_numpy(),
                       P_mW_cm2=data["P_mW_cm2"].to_numpy())
    table = pd.DataFrame({
        "compound": data["compound_id"].astype(int).to_numpy(),
        "T_um": data["T_um"].to_numpy(),
        "P_mW_cm2": data["P_mW_cm2"].to_numpy(),
        "measured_mN": data["force_mN"].to_numpy(),
        "model_mN": model,
    })
    table["rel_residual"] = table["model_mN"] / table["measured_mN"] - 1.0
    rms = float(np.sqrt(np.mean(table["rel_residual"] ** 2)))
    return CalibrationResult(dict(land.params), table, rms, options)


def calibrate(data: pd.DataFrame | None = None, options: Mapping[str, Any] | None = None) -> CalibrationResult:
    """Re-fit the calibrated constants on the study's 10 initial measurements.

    Least squares on log residuals, log(model) - log(measured), over the log
    of each parameter (all positive), from fixed starting values with
    :func:`scipy.optimize.least_squares` (trust-region reflective):
    deterministic.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        As returned by :func:`mlcrystal.datasets.load_initial_blocking_force`.
    options : mapping, optional
        The constants the fit is made for (keys of :data:`CALIBRATION_OPTIONS`:
        sensor stiffness, penetration depth, thermal length, photothermal
        strain of compounds 5 and 9) and the functional forms
        (:data:`STRUCTURAL_OPTIONS`); defaults to the reference landscape,
        whose fit is stored in :data:`CALIBRATED_PARAMS`.

    Returns
    -------
    CalibrationResult
        The fitted ``params`` and the per-measurement residuals.

    Examples
    --------
    >>> res = calibrate()
    >>> res.rms < 0.1
    True
    >>> calibrate(options={"penetration_depth_um": 40.0}).rms < 0.05
    True
    """
    data = _check_data(data)
    options = _check_options(options)
    measured = np.log(data["force_mN"].to_numpy(float))
    comp = data["compound_id"].astype(int).to_numpy()
    sizes = [data[k].to_numpy(float) for k in ("L_um", "W_um", "T_um", "P_mW_cm2")]
    start = np.log([3e-3, 500.0, 1e-2, 2000.0])

    def residuals(logp: np.ndarray) -> np.ndarray:
        land = BlockingForceLandscape(params=dict(zip(_FIT_KEYS, np.exp(logp), strict=True)), **options)
        return np.log(np.asarray(land._force(comp, *sizes)) + 1e-300) - measured

    res = optimize.least_squares(residuals, start, method="trf", x_scale=1.0,
                                 bounds=(np.log([1e-5, 1.0, 1e-5, 1.0]), np.log([1.0, 1e6, 1.0, 1e6])))
    params = {k: float(v) for k, v in zip(_FIT_KEYS, np.exp(res.x), strict=True)}
    return fit_table(params, data, options)


# ---------------------------------------------------------------------------
# views of the landscape used by chapter 6
# ---------------------------------------------------------------------------

def parameter_table(land: BlockingForceLandscape | None = None) -> pd.DataFrame:
    """Every constant of the simulator, with its value and where it comes from.

    Parameters
    ----------
    land : BlockingForceLandscape, optional
        Defaults to ``BlockingForceLandscape()`` (the published library).

    Returns
    -------
    pandas.DataFrame
        Columns ``quantity, compound, value, unit, status``; ``status`` is one
        of ``"published"`` (the study's numbers), ``"assumed"`` (a typical
        physical value, not from the study), ``"calibrated"`` (fitted to the
        study's 10 measurements) or ``"invented"`` (chosen to reproduce the
        study's headline facts).

    Examples
    --------
    >>> t = parameter_table()
    >>> sorted(t.status.unique())
    ['assumed', 'calibrated', 'invented', 'published']
    >>> int((t.status == "calibrated").sum())
    4
    """
    land = BlockingForceLandscape() if land is None else land
    rows: list[tuple[str, int | str, float, str, str]] = [
        ("optical penetration depth d", "all", land.penetration_depth_um, "um", "assumed"),
        ("thermal length l", "all", land.thermal_length_um, "um", "assumed"),
        ("Poisson's ratio nu", "all", POISSON_RATIO, "-", "assumed"),
        ("shear coefficient k_s", "all", SHEAR_COEFFICIENT, "-", "assumed"),
        ("load-sensor stiffness", "all", land.sensor_stiffness_N_m, "N/m", "assumed"),
        ("shortest crystal L/T", "all", land.min_aspect_ratio, "-", "assumed"),
    ]
    for c in land.compounds:
        r = land.responses[c]
        rows.append(("bending modulus E", c, land.moduli[c], "GPa", "published"))
        rows.append(("photostrain at saturation eps_c", c, r.strain, "-", r.source))
        rows.append(("saturation intensity P_sat", c, r.p_sat, "mW/cm^2", r.source))
        rows.append(("photothermal strain per intensity gamma_c", c, r.thermal, "1/(mW/cm^2)", "invented"))
    return pd.DataFrame(rows, columns=["quantity", "compound", "value", "unit", "status"])


def _check_land_compound(land: Any, compound: Any) -> int:
    if not isinstance(land, _Landscape):
        raise ValueError(f"land must be a BlockingForceLandscape or GaussianLandscape; got {type(land).__name__}.")
    land._compound_array(compound)
    return int(compound)


#: Most points :func:`force_grid` evaluates at once (about 100 MB of intermediate arrays).
MAX_FORCE_GRID = 4_000_000


def force_grid(land: _Landscape, compound: int, L_um: ArrayLike, T_um: ArrayLike, W_um: float,
               P_mW_cm2: float) -> np.ndarray:
    """Force on a grid of lengths and thicknesses (NaN where the crystal is untestable).

    Parameters
    ----------
    land : BlockingForceLandscape or GaussianLandscape
    compound : int
    L_um, T_um : array_like, 1-D
        Grid axes, micrometres.
    W_um, P_mW_cm2 : float
        Fixed width (um) and intensity (mW/cm^2).

    Returns
    -------
    numpy.ndarray, shape (len(T_um), len(L_um))
        Force in mN; NaN where ``L_um / T_um`` is below ``land.min_aspect_ratio``.

    Examples
    --------
    >>> g = force_grid(BlockingForceLandscape(), 3, [200.0, 1000.0], [100.0, 200.0], 2000.0, 1000.0)
    >>> g.shape, bool(np.isnan(g[1, 0])), bool(np.isfinite(g[0, 1]))
    ((2, 2), True, True)
    """
    compound = _check_land_compound(land, compound)
    L = np.asarray(L_um, float)
    T = np.asarray(T_um, float)
    if L.ndim != 1 or T.ndim != 1 or L.size == 0 or T.size == 0:
        raise ValueError(f"L_um and T_um must be non-empty 1-D grids; got shapes {L.shape} and {T.shape}.")
    if L.size * T.size > MAX_FORCE_GRID:
        raise ValueError(f"a grid of {L.size:,} lengths x {T.size:,} thicknesses = {L.size * T.size:,} points is "
                         f"above the limit of {MAX_FORCE_GRID:,}; use coarser axes (a figure needs a few hundred).")
    LL, TT = np.meshgrid(L, T)
    ok = LL >= land.min_aspect_ratio * TT
    out = np.full(LL.shape, np.nan)
    if ok.any():
        out[ok] = land.force(compound, LL[ok], W_um, TT[ok], P_mW_cm2)
    return out


def best_length_profile(land: _Landscape, compound: int, T_um: ArrayLike, W_um: float,
                        P_mW_cm2: float) -> pd.DataFrame:
    """For each thickness, the best length (within the search bounds) and its force.

    Parameters
    ----------
    land : BlockingForceLandscape or GaussianLandscape
    compound : int
    T_um : array_like, 1-D
        Thicknesses, micrometres.
    W_um, P_mW_cm2 : float
        Fixed width (um) and intensity (mW/cm^2).

    Returns
    -------
    pandas.DataFrame
        Columns ``T_um, L_um, force_mN``: the length between the beam-theory
        limit and the largest length of :data:`mlcrystal.study.SEARCH_BOUNDS` that gives the
        most force (bounded scalar search), and that force.

    Examples
    --------
    >>> p = best_length_profile(BlockingForceLandscape(), 3, [100.0, 175.0, 500.0], 2000.0, 1464.0)
    >>> bool(p.force_mN.iloc[1] > p.force_mN.iloc[2])
    True
    """
    compound = _check_land_compound(land, compound)
    T = np.atleast_1d(np.asarray(T_um, float))
    L_max = study.SEARCH_BOUNDS["L_um"][1]
    rows = []
    for t in T:
        lo = max(land.min_aspect_ratio * t, 1.0)
        if lo >= L_max:
            rows.append((t, np.nan, np.nan))
            continue
        def negative_force(L: float, t: float = t) -> float:
            return -land.force(compound, L, W_um, t, P_mW_cm2)

        res = optimize.minimize_scalar(negative_force, bounds=(lo, L_max), method="bounded", options={"xatol": 1e-3})
        ends = [(lo, negative_force(lo)), (L_max, negative_force(L_max))]
        L_best, f_best = min([(res.x, res.fun), *ends], key=lambda p: p[1])
        rows.append((t, float(L_best), -float(f_best)))
    return pd.DataFrame(rows, columns=["T_um", "L_um", "force_mN"])


#: Suffix of a landscape name (``"calibrated;2,9 as 3"``, ``"member-12;2,9 as 3"``) whose compounds 2 and 9
#: respond like compound 3 (:func:`with_shared_response`; chapter 7's ablation).
SHARED_RESPONSE_SUFFIX = ";2,9 as 3"


def with_shared_response(land: BlockingForceLandscape, source: int, targets: tuple[int, ...]) -> BlockingForceLandscape:
    """A copy of ``land`` in which the ``targets`` respond to light like ``source`` (an ablation).

    Moduli, constants and every other compound stay as they are; each target
    takes the :class:`PhotoResponse` of ``source``. Chapter 7 uses it to test
    whether the study's loop struggles because it sees a crystal only through
    its modulus: compounds 2 and 9 have almost the modulus of compound 3, so
    giving them compound 3's response makes the modulus a faithful summary.

    Parameters
    ----------
    land : BlockingForceLandscape
    source : int
        The compound whose response is copied.
    targets : tuple of int
        Compounds that take it (measured ones included: the copy is no longer
        calibrated for them).

    Returns
    -------
    BlockingForceLandscape

    Raises
    ------
    ValueError
        A compound not in the landscape's library.

    Examples
    --------
    >>> land = BlockingForceLandscape()
    >>> twin = with_shared_response(land, 3, (2, 9))
    >>> twin.responses[9] == land.responses[3], land.responses[9] == land.responses[3]
    (True, False)
    """
    if not isinstance(land, BlockingForceLandscape):
        raise ValueError("with_shared_response needs a BlockingForceLandscape (the Gaussian has no responses).")
    source = _check_land_compound(land, source)
    targets = tuple(_check_land_compound(land, t) for t in targets)
    twin = copy.copy(land)
    twin.responses = {c: (land.responses[source] if c in targets else r) for c, r in land.responses.items()}
    return twin


def curvature_parts(land: BlockingForceLandscape, compound: int, T_um: ArrayLike, P_mW_cm2: float) -> pd.DataFrame:
    """The photoisomerisation and photothermal curvatures of a compound, and their difference.

    Parameters
    ----------
    land : BlockingForceLandscape
    compound : int
    T_um : array_like
        Thicknesses, micrometres.
    P_mW_cm2 : float
        Intensity, mW/cm^2.

    Returns
    -------
    pandas.DataFrame
        Columns ``T_um, photo_per_m, thermal_per_m, net_per_m``: curvatures
        in 1/m; ``thermal`` is the curvature the heat removes.

    Examples
    --------
    >>> c = curvature_parts(BlockingForceLandscape(), 3, [50.0, 500.0], 2080.0)
    >>> bool(c.thermal_per_m.iloc[1] > 0.9 * c.photo_per_m.iloc[1])  # heat cancels photo in thick crystals
    True
    """
    compound = _check_land_compound(land, compound)
    if not isinstance(land, BlockingForceLandscape):
        raise ValueError("curvature_parts needs a BlockingForceLandscape (the Gaussian has no curvature).")
    T = np.atleast_1d(np.asarray(T_um, float))
    _check_positive("T_um", T, "um")
    P = float(P_mW_cm2)
    _check_intensity(np.asarray(P))
    r = land.responses[compound]
    photo = layer_curvature(r.strain * P / (P + r.p_sat), land.penetration_depth_um, T) * 1e6
    heat = layer_curvature(r.thermal * P, land.thermal_length_um, T) * 1e6
    return pd.DataFrame({"T_um": T, "photo_per_m": photo, "thermal_per_m": heat, "net_per_m": photo - heat})


def heat_crossover_table(land: BlockingForceLandscape | None = None,
                         P_mW_cm2: float = study.MAX_INTENSITY_MW_CM2) -> pd.DataFrame:
    """For each compound, the thickness beyond which heat out-bends photoisomerisation.

    The photothermal curvature grows linearly with intensity while the
    photostrain saturates, so at the lamp's maximum (the default) heat has
    its best chance: a compound with no crossover there has none at any
    intensity of the lamp. Thicknesses are searched over the range the
    landscape covers (:data:`VALID_RANGE`, 25-1000 um).

    Parameters
    ----------
    land : BlockingForceLandscape, optional
        Defaults to the reference landscape.
    P_mW_cm2 : float, default the lamp's maximum
        Intensity, mW/cm^2 (> 0, within the lamp's range).

    Returns
    -------
    pandas.DataFrame
        One row per compound: ``compound, source, heat_share_50, heat_share_500``
        (photothermal / photochemical curvature at the box's thinnest and
        thickest crystal), ``crossover_T_um`` (thickness where the two are
        equal: the net bending reverses beyond it; NaN when it does not
        happen below 1000 um) and ``heat`` (``"reverses the bending in the
        box"``, ``"reverses beyond the box"`` or ``"only weakens the
        bending"``).

    Examples
    --------
    >>> t = heat_crossover_table().set_index("compound")
    >>> t.loc[7, "heat"], t.loc[5, "heat"]
    ('reverses the bending in the box', 'only weakens the bending')
    """
    land = BlockingForceLandscape() if land is None else land
    if not isinstance(land, BlockingForceLandscape):
        raise ValueError(f"land must be a BlockingForceLandscape; got {type(land).__name__}.")
    P = float(P_mW_cm2)
    if not 0 < P <= VALID_RANGE["P_mW_cm2"][1]:
        raise ValueError(f"P_mW_cm2 must be > 0 and <= {VALID_RANGE['P_mW_cm2'][1]:g} mW/cm^2; got {P_mW_cm2!r}.")
    T_lo, T_hi = VALID_RANGE["T_um"]
    box_lo, box_hi = study.SEARCH_BOUNDS["T_um"]
    grid = np.geomspace(T_lo, T_hi, 400)
    rows = []
    for c in land.compounds:
        r = land.responses[c]

        def excess(T: Any, r: PhotoResponse = r) -> Any:
            photo = layer_curvature(r.strain * P / (P + r.p_sat), land.penetration_depth_um, T)
            heat = layer_curvature(r.thermal * P, land.thermal_length_um, T)
            return heat / photo - 1.0

        values = excess(grid)
        crossing = np.flatnonzero((values[:-1] < 0) & (values[1:] >= 0))
        if values[0] >= 0:
            T_cross = T_lo
        elif crossing.size:
            i = int(crossing[0])
            T_cross = float(optimize.brentq(excess, grid[i], grid[i + 1], xtol=1e-6))
        else:
            T_cross = np.nan
        verdict = ("only weakens the bending" if np.isnan(T_cross) else
                   "reverses the bending in the box" if T_cross <= box_hi else "reverses beyond the box")
        rows.append({"compound": c, "source": r.source, "heat_share_50": float(excess(box_lo)) + 1.0,
                     "heat_share_500": float(excess(box_hi)) + 1.0, "crossover_T_um": T_cross, "heat": verdict})
    return pd.DataFrame(rows)

