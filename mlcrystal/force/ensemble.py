"""An ensemble of plausible blocking-force landscapes.

The study's ten measurements calibrate four constants of
:class:`mlcrystal.force.landscape.BlockingForceLandscape` (photostrain and
saturation of compounds 5 and 9). Everything else that the data leave open
gets a prior range here, each with its reason (:data:`PRIORS`):

* the optical penetration depth, the thermal length and the sensor stiffness;
* the photothermal strain of the two measured compounds;
* the photostrain, saturation intensity and photothermal strain of each
  unmeasured compound (1, 2, 3, 4, 7, 8, 10).

:func:`build_ensemble` draws the constants quasi-randomly (a scrambled Sobol'
sequence, :class:`scipy.stats.qmc.Sobol`), re-calibrates compounds 5 and 9 on
the ten measurements for each draw, finds each draw's optimum and keeps the
draws that agree with what the study reports (:data:`ACCEPTANCE`):

* the calibration reproduces the ten measurements with an RMS relative
  error of at most 5 %;
* the best force in the search box is at least 37.0 mN (the study's best);
* it is reached with compound 3 (the study's best compound);
* the largest crystal in the box is not the best: it gives less than 95 % of
  the best force.

Each row of the ensemble table holds every constant of its landscape, so
:func:`member` rebuilds it. :func:`sensitivity` moves one constant at a time
across its prior range; :func:`structural_sensitivity` changes the model's
functional forms instead (:data:`STRUCTURAL_FORMS`: where the photostrain
saturates, whether the heating saturates), re-calibrating compounds 5 and 9
for each.

For example:

>>> t = priors_table()
>>> len(t), sorted(t.scale.unique())
(25, ['log'])
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy.stats import qmc

from mlcrystal import study
from mlcrystal.datasets import load_initial_blocking_force, package_file
from mlcrystal.force import landscape as ls
from mlcrystal.force.outcomes import wilson
from mlcrystal.seeding import RandomState, check_random_state

__all__ = ["Prior", "PRIORS", "ACCEPTANCE", "REASONS", "ENSEMBLE_FILE", "STORED_BUILD_CPU_SECONDS",
           "LARGEST_CRYSTAL", "priors_table", "defaults", "draw_constants", "member", "evaluate", "build_ensemble",
           "extend_ensemble",
           "rejection_table", "save_ensemble", "load_ensemble", "optimum_summary", "sensitivity",
           "sensitivity_summary", "heat_reversal_share", "make_landscape", "HEAT_SATURATION_ALTERNATIVE_MW_CM2",
           "STRAIN_PRIORS", "strain_scale", "RELATIVE_FILE", "load_relative_ensemble", "MEMBER_PREFIXES",
           "prior_ensemble", "kept_members", "compare_ensembles", "ensemble_comparison_text", "ensemble_shares",
           "near_record", "FORM_FACTOR", "FORMS_FILE", "load_form_ensembles",
           "STRUCTURAL_FORMS", "structural_sensitivity", "structural_members", "implied_heating_K",
           "STRUCTURAL_FILE", "STRUCTURAL_FILES", "FORMS_FILES", "load_structural_members"]

# ---------------------------------------------------------------------------
# priors
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Prior:
    """The prior range of one constant the study's data leave open.

    Attributes
    ----------
    name : str
        Column name in the ensemble table.
    low, high : float
        Range of the draws.
    scale : {"log", "lin"}
        Draws are uniform in log(value) or in value.
    default : float
        The reference landscape's value (inside the range).
    unit : str
    reason : str
        Why this range.
    """

    name: str
    low: float
    high: float
    scale: str
    default: float
    unit: str
    reason: str

    def value(self, u: np.ndarray) -> np.ndarray:
        """Map uniform numbers in [0, 1] to the prior range.

        Examples
        --------
        >>> PRIORS[0].value(np.array([0.0, 1.0])).tolist() == [PRIORS[0].low, PRIORS[0].high]
        True
        """
        u = np.asarray(u, float)
        if self.scale == "log":
            return np.asarray(self.low * (self.high / self.low) ** u)
        return np.asarray(self.low + u * (self.high - self.low))


_UNMEASURED = (1, 2, 3, 4, 7, 8, 10)

_STRAIN_REASON = ("saturated photostrain of the lit skin; the calibrated compounds 5 and 9 reach 0.6 % and 1.0 % "
                  "at the lamp's maximum: from a sixth of the weaker to three times the stronger")
_STRAIN3_REASON = ("compound 3: the study credits its nitro group and 51.58 deg dihedral with a stronger "
                   "photoresponse, so at least the calibrated compounds' level, up to five times it")
_PSAT_REASON = ("photostationary saturation; compound 5's fit gives 674 mW/cm^2: from well inside the lamp's "
                "range to beyond its maximum")
_THERMAL_REASON = ("photothermal strain per intensity = |thermal expansion| (1e-5 to 1e-4 /K, molecular crystals) "
                   "x heating at full lamp (a few K to 30 K) / 2080 mW/cm^2")
_THERMAL3_REASON = ("compound 3: layers stacked along the thickness and negative thermal expansion along the "
                    "length (the study): at least the others' reference value, up to 30 times it")

#: The constants the ensemble draws, with their ranges and reasons.
PRIORS: tuple[Prior, ...] = (
    Prior("penetration_depth_um", 5.0, 50.0, "log", ls.PENETRATION_DEPTH_UM, "um",
          "Beer-Lambert 1/alpha of a crystal absorbing the lamp's UV: absorption coefficients of about "
          "200-2000 /cm at the band edge; not reported by the study"),
    Prior("thermal_length_um", 100.0, 1000.0, "log", ls.THERMAL_LENGTH_UM, "um",
          "heat diffusion length sqrt(D t), D about 1e-7 m^2/s in organic crystals, 0.1-10 s of irradiation"),
    Prior("sensor_stiffness_N_m", 3000.0, 30000.0, "log", ls.SENSOR_STIFFNESS_N_M, "N/m",
          "load cells and force sensors of the mN range; the study does not report its sensor"),
    Prior("measured_thermal", 3e-8, 3e-6, "log", ls.THERMAL_STRAIN_PER_INTENSITY, "1/(mW/cm^2)",
          "compounds 5 and 9: " + _THERMAL_REASON + "; the ten measurements do not fix it"),
    *(p for c in _UNMEASURED for p in (
        Prior(f"strain_{c}", *((1e-2, 5e-2) if c == 3 else (1e-3, 3e-2)), "log",
              ls.INVENTED_RESPONSES[c].strain, "-", _STRAIN3_REASON if c == 3 else _STRAIN_REASON),
        Prior(f"p_sat_{c}", 150.0, 3000.0, "log", ls.INVENTED_RESPONSES[c].p_sat, "mW/cm^2", _PSAT_REASON),
        Prior(f"thermal_{c}", *((3e-7, 1e-5) if c == 3 else (3e-8, 3e-6)), "log",
              ls.INVENTED_RESPONSES[c].thermal, "1/(mW/cm^2)", _THERMAL3_REASON if c == 3 else _THERMAL_REASON),
    )),
)

#: What a kept landscape must reproduce: the study's facts and a calibration bound.
ACCEPTANCE = MappingProxyType({
    "max_calibration_rms": 0.05,       # 5 %: the measurement noise the kit's campaigns assume
    "min_best_force_mN": study.BEST_FORCE_MN,
    "best_compound": study.BEST_COMPOUND,
    "max_largest_share": 0.95,         # the largest crystal gives < 95 % of the best
})

#: Rejection reasons, in the order they are checked.
REASONS = MappingProxyType({
    "calibration": "calibration RMS above 5 %",
    "force": f"best force below {study.BEST_FORCE_MN:g} mN",
    "compound": f"best compound is not {study.BEST_COMPOUND}",
    "largest": "the largest crystal gives at least 95 % of the best",
})

#: The stored ensemble (package data).
ENSEMBLE_FILE = "ensemble_landscapes.csv"
#: Measured CPU time of ``build_ensemble(256, random_state=0)`` (the stored table's first 256 draws) on one
#: core of the 2-core machine that wrote it, seconds: about 0.33 s per draw, so 4096 draws take about 23 CPU
#: minutes. The stored table holds 2048 draws: :func:`extend_ensemble` added draws 256-2047 (1559 s of wall
#: time with two workers on that machine under a load of about 14).
STORED_BUILD_CPU_SECONDS = 85.0

#: The largest crystal of the search box (um): L, W, T.
LARGEST_CRYSTAL = (study.SEARCH_BOUNDS["L_um"][1], study.SEARCH_BOUNDS["W_um"][1], study.SEARCH_BOUNDS["T_um"][1])


def priors_table() -> pd.DataFrame:
    """The prior of every drawn constant, as a table.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, low, high, scale, default, unit, reason``.

    Examples
    --------
    >>> t = priors_table().set_index("name")
    >>> t.loc["sensor_stiffness_N_m", ["low", "high"]].tolist()
    [3000.0, 30000.0]
    """
    return pd.DataFrame([p.__dict__ for p in PRIORS])


def defaults() -> dict[str, float]:
    """The reference landscape's value of every drawn constant.

    Examples
    --------
    >>> defaults()["penetration_depth_um"]
    20.0
    """
    return {p.name: float(p.default) for p in PRIORS}


def draw_constants(n_draws: int, random_state: RandomState = None) -> pd.DataFrame:
    """Quasi-random draws of the constants (scrambled Sobol' sequence).

    Parameters
    ----------
    n_draws : int
        A power of two (Sobol' points are balanced only then), >= 1.
    random_state : None, int or numpy.random.Generator
        Seed of the scrambling.

    Returns
    -------
    pandas.DataFrame
        Columns ``draw`` (0, 1, ...) and one per prior.

    Examples
    --------
    >>> d = draw_constants(4, random_state=0)
    >>> d.shape
    (4, 26)
    >>> d.equals(draw_constants(4, random_state=0))
    True
    """
    n = _check_n_draws(n_draws)
    sampler = qmc.Sobol(d=len(PRIORS), scramble=True, rng=check_random_state(random_state))
    u = sampler.random_base2(int(np.log2(n)))
    out = pd.DataFrame({p.name: p.value(u[:, i]) for i, p in enumerate(PRIORS)})
    out.insert(0, "draw", np.arange(n))
    return out


def _check_n_draws(n_draws: Any) -> int:
    ok = isinstance(n_draws, int | np.integer) and not isinstance(n_draws, bool) and n_draws >= 1
    if not ok or int(n_draws) & (int(n_draws) - 1):
        raise ValueError(f"n_draws must be a power of two >= 1 (Sobol' points are balanced only then), e.g. 8, 64 "
                         f"or 256; got {n_draws!r}.")
    return int(n_draws)


# ---------------------------------------------------------------------------
# one member
# ---------------------------------------------------------------------------

def _options(constants: Mapping[str, Any]) -> dict[str, Any]:
    missing = [p.name for p in PRIORS if p.name not in constants]
    if missing:
        raise ValueError(f"row is missing the constants {missing}; pass a row of build_ensemble() or "
                         "draw_constants().")
    options: dict[str, Any] = {k: float(constants[k]) for k in ls.CALIBRATION_OPTIONS}
    options["responses"] = {c: ls.PhotoResponse(float(constants[f"strain_{c}"]), float(constants[f"p_sat_{c}"]),
                                                float(constants[f"thermal_{c}"]), "invented") for c in _UNMEASURED}
    return options


def member(row: Mapping[str, Any] | pd.Series, library: str = "published") -> ls.BlockingForceLandscape:
    """Rebuild the landscape of one row of the ensemble table.

    Parameters
    ----------
    row : mapping or pandas.Series
        A row of :func:`build_ensemble` or :func:`load_ensemble`: every prior's
        constant and the calibrated ``strain_5, p_sat_5, strain_9, p_sat_9``.
    library : {"published", "article"}, default "published"

    Returns
    -------
    mlcrystal.force.landscape.BlockingForceLandscape

    Examples
    --------
    >>> row = {**defaults(), **ls.CALIBRATED_PARAMS}
    >>> member(row).optimum() == ls.BlockingForceLandscape().optimum()
    True
    """
    missing = [k for k in ls.CALIBRATED_PARAMS if k not in row]
    if missing:
        raise ValueError(f"row is missing the calibrated constants {missing}; pass a row of build_ensemble().")
    params = {k: float(row[k]) for k in ls.CALIBRATED_PARAMS}
    return ls.BlockingForceLandscape(library, params=params, **_options(row))


def _check_structure(structure: Mapping[str, Any] | None) -> dict[str, Any]:
    structure = dict(structure or {})
    unknown = sorted(set(structure) - set(ls.STRUCTURAL_OPTIONS))
    if unknown:
        raise ValueError(f"structure may hold {list(ls.STRUCTURAL_OPTIONS)} (the functional forms); got {unknown}.")
    return structure


def _largest_crystal_force(land: ls.BlockingForceLandscape) -> float:
    """Best force of the box's largest crystal, over compounds and intensities."""
    P = np.linspace(*study.SEARCH_BOUNDS["P_mW_cm2"], 209)
    L, W, T = LARGEST_CRYSTAL
    return float(max(np.max(land.force(c, L, W, T, P)) for c in land.compounds))


#: How the ensemble reads the invented compounds' photostrains (:func:`evaluate`).
STRAIN_PRIORS = ("absolute", "relative")


def strain_scale(params: Mapping[str, float]) -> float:
    """How strongly a fit's calibrated compounds respond, relative to the reference landscape's.

    The geometric mean of the strains compounds 5 and 9 reach at the lamp's
    maximum, ``strain * P / (P + p_sat)``, over the same for
    :data:`mlcrystal.force.landscape.CALIBRATED_PARAMS`. The priors of the
    invented compounds' strains are written against what the calibrated
    compounds reach (0.6 % and 1.0 %); a draw whose fit makes them reach half
    as much scales the invented strains by one half under
    ``strains="relative"``.

    Examples
    --------
    >>> strain_scale(ls.CALIBRATED_PARAMS)
    1.0
    >>> round(strain_scale({**ls.CALIBRATED_PARAMS, "strain_5": ls.CALIBRATED_PARAMS["strain_5"] / 4}), 3)
    0.5
    """
    p_max = study.MAX_INTENSITY_MW_CM2

    def reached(q: Mapping[str, float]) -> float:
        return float(np.sqrt(np.prod([q[f"strain_{c}"] * p_max / (p_max + q[f"p_sat_{c}"]) for c in (5, 9)])))

    return round(reached(params) / reached(ls.CALIBRATED_PARAMS), 12)


def evaluate(constants: Mapping[str, Any], data: pd.DataFrame | None = None,
             structure: Mapping[str, Any] | None = None, strains: str = "absolute") -> dict[str, Any]:
    """Calibrate one draw on the ten measurements, find its optimum and check it.

    Parameters
    ----------
    constants : mapping
        One value per prior (a row of :func:`draw_constants`).
    data : pandas.DataFrame, optional
        The study's initial measurements (loaded when not given).
    structure : mapping, optional
        Functional forms (keys of :data:`mlcrystal.force.landscape.STRUCTURAL_OPTIONS`,
        e.g. a value of :data:`STRUCTURAL_FORMS`); default the reference forms.
    strains : {"absolute", "relative"}, default "absolute"
        How the invented compounds' photostrains are read (:data:`STRAIN_PRIORS`):
        as drawn, or relative to what this draw's calibrated compounds reach
        (the drawn strains times :func:`strain_scale` of the fit), as the
        prior's reason puts them; the row then holds the scaled strains and
        ``strain_scale``.

    Returns
    -------
    dict
        The constants, the calibrated ``strain_5, p_sat_5, strain_9, p_sat_9``,
        ``rms_pct`` and ``max_residual_pct`` of the fit, the optimum
        (``best_force_mN, best_compound, best_L_um, best_W_um, best_T_um,
        best_P_mW_cm2``), ``compound3_force_mN``, ``largest_share`` (largest
        crystal's best force / best force), ``kept`` and ``rejected_because``
        (the failed checks of :data:`REASONS`, joined by "; ").

    Examples
    --------
    >>> r = evaluate(defaults())
    >>> r["kept"], r["best_compound"], round(r["best_force_mN"], 1)
    (True, 3, 37.0)
    """
    if strains not in STRAIN_PRIORS:
        raise ValueError(f"strains must be one of {STRAIN_PRIORS}; got {strains!r}.")
    options = {**_options(constants), **_check_structure(structure)}
    fit = ls.calibrate(data, options={k: v for k, v in options.items() if k != "responses"})
    out: dict[str, Any] = {p.name: float(constants[p.name]) for p in PRIORS}
    out.update(fit.params)
    if strains == "relative":
        k = strain_scale(fit.params)
        options["responses"] = {c: ls.PhotoResponse(r.strain * k, r.p_sat, r.thermal, r.source)
                                for c, r in options["responses"].items()}
        out.update({f"strain_{c}": options["responses"][c].strain for c in _UNMEASURED})
        out["strain_scale"] = k
    land = ls.BlockingForceLandscape(params=fit.params, **options)
    best = land.optimum()
    per = land.optimum_per_compound().set_index("compound")
    largest = _largest_crystal_force(land)
    out.update({
        "rms_pct": 100 * fit.rms, "max_residual_pct": 100 * fit.max_abs_residual,
        "best_force_mN": best["force_mN"], "best_compound": best["compound"],
        **{f"best_{k}": best[k] for k in ("L_um", "W_um", "T_um", "P_mW_cm2")},
        "compound3_force_mN": float(per.loc[study.BEST_COMPOUND, "force_mN"]),
        "largest_share": largest / best["force_mN"],
    })
    failed = [key for key, bad in (
        ("calibration", fit.rms > ACCEPTANCE["max_calibration_rms"]),
        ("force", best["force_mN"] < ACCEPTANCE["min_best_force_mN"]),
        ("compound", best["compound"] != ACCEPTANCE["best_compound"]),
        ("largest", out["largest_share"] >= ACCEPTANCE["max_largest_share"]),
    ) if bad]
    out["kept"] = not failed
    out["rejected_because"] = "; ".join(REASONS[k] for k in failed)
    return out


# ---------------------------------------------------------------------------
# the ensemble
# ---------------------------------------------------------------------------

def build_ensemble(n_draws: int, random_state: RandomState = None, n_jobs: int | None = None,
                   strains: str = "absolute") -> pd.DataFrame:
    """Draw, calibrate, optimise and check ``n_draws`` landscapes.

    Parameters
    ----------
    n_draws : int
        A power of two.
    random_state : None, int or numpy.random.Generator
        Seed of the Sobol' scrambling (the only random step).
    n_jobs : int, optional
        Parallel workers (joblib); ``None`` runs in this process.
    strains : {"absolute", "relative"}, default "absolute"
        The invented compounds' photostrain prior (:func:`evaluate`).

    Returns
    -------
    pandas.DataFrame
        One row per draw: ``draw`` and the columns of :func:`evaluate`.
        ``table.attrs["seconds"]`` holds the wall time.

    Examples
    --------
    >>> t = build_ensemble(2, random_state=0)
    >>> len(t), set(t.columns) >= {"kept", "rejected_because", "best_force_mN"}
    (2, True)
    """
    return _evaluate_draws(draw_constants(n_draws, random_state), n_jobs, strains)


def _evaluate_draws(draws: pd.DataFrame, n_jobs: int | None, strains: str = "absolute") -> pd.DataFrame:
    """:func:`evaluate` on every row of ``draws`` (joblib with ``n_jobs``), timed in ``.attrs["seconds"]``."""
    if strains not in STRAIN_PRIORS:
        raise ValueError(f"strains must be one of {STRAIN_PRIORS}; got {strains!r}.")
    data = load_initial_blocking_force()
    rows = [r._asdict() for r in draws.drop(columns="draw").itertuples(index=False)]
    start = time.perf_counter()
    if n_jobs is None or n_jobs == 1:
        results = [evaluate(r, data, strains=strains) for r in rows]
    else:
        results = Parallel(n_jobs=n_jobs)(delayed(evaluate)(r, data, None, strains) for r in rows)
    table = pd.DataFrame(results)
    table.insert(0, "draw", draws["draw"].to_numpy())
    table.attrs["seconds"] = time.perf_counter() - start
    return table


def extend_ensemble(table: pd.DataFrame, n_draws: int, random_state: RandomState = None,
                    n_jobs: int | None = None) -> pd.DataFrame:
    """``table`` (the first draws of :func:`build_ensemble`) extended to ``n_draws`` draws.

    Sobol' points are a sequence: the first 256 of 2048 draws are the 256 draws, so only the new
    draws are evaluated and the stored members keep their numbers (and every table that names them).

    Parameters
    ----------
    table : pandas.DataFrame
        A table of :func:`build_ensemble` or :func:`load_ensemble` with draws ``0 .. len(table) - 1``.
    n_draws : int
        A power of two larger than ``len(table)``.
    random_state : None, int or numpy.random.Generator
        The seed ``table`` was built with (checked: its constants must be the first draws).
    n_jobs : int, optional
        Parallel workers (joblib).

    Raises
    ------
    ValueError
        ``n_draws`` is not a larger power of two, or ``table``'s constants are not the first
        draws of this seed (another seed, or an edited table).

    Examples
    --------
    >>> t = extend_ensemble(build_ensemble(1, random_state=0), 2, random_state=0)
    >>> t.draw.tolist(), t.equals(build_ensemble(2, random_state=0))
    ([0, 1], True)
    """
    n = _check_n_draws(n_draws)
    if n <= len(table) or table["draw"].tolist() != list(range(len(table))):
        raise ValueError(f"extend_ensemble: n_draws={n} must exceed the table's {len(table)} draws, numbered "
                         "0, 1, ... in order.")
    draws = draw_constants(n, random_state)
    names = [p.name for p in PRIORS]
    old = table[names].to_numpy(dtype=float)
    if not np.allclose(old, draws[names].to_numpy()[:len(table)], rtol=1e-5, atol=0):
        raise ValueError("extend_ensemble: the table's constants are not the first draws of this random_state; "
                         "pass the seed it was built with (the stored table: random_state=0).")
    new = _evaluate_draws(draws.iloc[len(table):], n_jobs)
    out = pd.concat([table, new], ignore_index=True)
    out.attrs["seconds"] = new.attrs["seconds"]
    return out


def rejection_table(table: pd.DataFrame) -> pd.DataFrame:
    """How many draws were kept, and why the others were rejected.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`build_ensemble` or :func:`load_ensemble`.

    Returns
    -------
    pandas.DataFrame
        One row per reason of :data:`REASONS`: ``reason``, ``failing`` (draws
        that fail this check, whatever else they fail) and ``first_failing``
        (draws rejected by this check first, in the order of :data:`REASONS`:
        these add up to the rejected draws); then the rows ``rejected``,
        ``kept`` and ``drawn``.

    Examples
    --------
    >>> t = pd.DataFrame({"kept": [True, False], "rejected_because": ["", REASONS["force"]]})
    >>> int(rejection_table(t).set_index("reason").loc["kept", "failing"])
    1
    """
    need = {"kept", "rejected_because"}
    if not need <= set(table.columns):
        raise ValueError(f"table needs the columns {sorted(need)}; got {list(table.columns)}. "
                         "Pass the result of build_ensemble() or load_ensemble().")
    reasons = table["rejected_because"].fillna("").astype(str).str.split("; ")
    rows = []
    for text in REASONS.values():
        failing = int(reasons.map(lambda r, t=text: t in r).sum())
        first = int(reasons.map(lambda r, t=text: bool(r) and r[0] == t).sum())
        rows.append((text, failing, first))
    kept = int(table["kept"].astype(bool).sum())
    rows += [("rejected", len(table) - kept, len(table) - kept), ("kept", kept, kept),
             ("drawn", len(table), len(table))]
    return pd.DataFrame(rows, columns=["reason", "failing", "first_failing"])


#: Where :func:`save_ensemble` writes by default: the package data of a checkout.
_CHECKOUT_DATA = Path(__file__).resolve().parents[1] / "data"


def save_ensemble(table: pd.DataFrame, path: str | Path | None = None) -> Path:
    """Write the ensemble table as CSV, numbers at 6 significant digits.

    Parameters
    ----------
    table : pandas.DataFrame
    path : str or Path, optional
        Defaults to the package's ``mlcrystal/data/ensemble_landscapes.csv``.

    Returns
    -------
    pathlib.Path
    """
    out = _CHECKOUT_DATA / ENSEMBLE_FILE if path is None else Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    table.to_csv(tmp, index=False, float_format="%.6g")
    tmp.replace(out)
    return out


def load_ensemble(path: str | Path | None = None) -> pd.DataFrame:
    """Read the stored ensemble table.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to the package's ``mlcrystal/data/ensemble_landscapes.csv``.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> t = load_ensemble()
    >>> bool(t.loc[t.kept, "best_force_mN"].min() >= 37.0)
    True
    """
    if path is None:
        p = f"mlcrystal/data/{ENSEMBLE_FILE}"
        with package_file(ENSEMBLE_FILE).open("rb") as fh:
            table = pd.read_csv(fh, keep_default_na=False, na_values=[""])
    else:
        p = str(path)
        table = pd.read_csv(Path(path), keep_default_na=False, na_values=[""])
    need = {"draw", "kept", "rejected_because", *(q.name for q in PRIORS), *ls.CALIBRATED_PARAMS}
    missing = sorted(need - set(table.columns))
    if missing:
        raise ValueError(f"{p}: missing columns {missing}; regenerate it with build_ensemble() and save_ensemble().")
    if table["kept"].dtype != bool:
        raise ValueError(f"{p}: column 'kept' must hold True/False; got {table['kept'].dtype}. Regenerate the file.")
    table["rejected_because"] = table["rejected_because"].fillna("")
    return table


def make_landscape(name: str = "blocking",
                   library: str = "published") -> ls.BlockingForceLandscape | ls.GaussianLandscape:
    """The landscape a replay table's ``landscape`` column (or ``replay --landscape``) names.

    Parameters
    ----------
    name : str
        ``"blocking"`` or ``"calibrated"`` (the calibrated blocking-force
        landscape), ``"gaussian"`` (the study's 5-D test function) or
        ``"member-<draw>"`` (a kept draw of :func:`load_ensemble`) or
        ``"relative-<draw>"`` (a kept draw of :func:`load_relative_ensemble`, the
        invented compounds' strains relative to the calibrated ones); a calibrated
        or member name ending in :data:`mlcrystal.force.landscape.SHARED_RESPONSE_SUFFIX`
        is that landscape with compounds 2 and 9 responding like compound 3.
    library : str, default "published"
        The compound library (:data:`mlcrystal.study.LIBRARIES`).

    Examples
    --------
    >>> type(make_landscape("gaussian")).__name__
    'GaussianLandscape'
    >>> rel = load_relative_ensemble().query("kept").iloc[0]
    >>> land = make_landscape(f"relative-{int(rel.draw)}")
    >>> bool(np.isclose(land.responses[1].strain, rel.strain_1))  # an invented compound, as scaled
    True
    """
    suffix = ls.SHARED_RESPONSE_SUFFIX
    if name.endswith(suffix) and name != suffix:
        base = make_landscape(name.removesuffix(suffix), library)
        if not isinstance(base, ls.BlockingForceLandscape):
            raise ValueError(f"landscape {name!r}: only the blocking-force landscapes have photoresponses.")
        return ls.with_shared_response(base, 3, (2, 9))
    if name in ("blocking", "calibrated"):
        return ls.BlockingForceLandscape(library=library)
    if name == "gaussian":
        return ls.GaussianLandscape(library=library)
    for prior, prefix in MEMBER_PREFIXES.items():
        if name.startswith(prefix) and name.removeprefix(prefix).isdigit():
            table = prior_ensemble(prior).set_index("draw")
            draw = int(name.removeprefix(prefix))
            if draw not in table.index:
                raise ValueError(f"landscape {name!r}: no draw {draw} in the ensemble table; use a kept draw.")
            return member(table.loc[draw], library=library)
    raise ValueError("landscape must be 'blocking', 'calibrated', 'gaussian', 'member-<draw>' or 'relative-<draw>'; "
                     f"got {name!r}.")


def optimum_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Distribution of the optimum over the kept members.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`build_ensemble` or :func:`load_ensemble`.

    Returns
    -------
    pandas.DataFrame
        One row per quantity (``best_force_mN, best_L_um, best_W_um,
        best_T_um, best_P_mW_cm2, rms_pct``) with ``min, q05, median, q95,
        max`` over the kept members.

    Examples
    --------
    >>> s = optimum_summary(load_ensemble())
    >>> bool(s.loc["best_force_mN", "min"] >= 37.0)
    True
    """
    kept = table[table["kept"].astype(bool)]
    cols = ["best_force_mN", "best_L_um", "best_W_um", "best_T_um", "best_P_mW_cm2", "rms_pct"]
    q = kept[cols].quantile([0.0, 0.05, 0.5, 0.95, 1.0]).T
    q.columns = ["min", "q05", "median", "q95", "max"]
    return q


# ---------------------------------------------------------------------------
# sensitivity: one constant at a time
# ---------------------------------------------------------------------------

def sensitivity(n_values: int = 5, names: Sequence[str] | None = None) -> pd.DataFrame:
    """How the optimum moves as each constant crosses its prior range, the others at their defaults.

    Constants that change the fit of compounds 5 and 9 (penetration depth,
    thermal length, sensor stiffness, their photothermal strain) are
    re-calibrated at every value; the responses of the unmeasured compounds
    do not enter the fit.

    Parameters
    ----------
    n_values : int, default 5
        Values per constant, evenly spaced on the prior's scale from low to
        high (>= 2); the default value is added when it is not among them.
    names : sequence of str, optional
        Constants to vary (default: every prior).

    Returns
    -------
    pandas.DataFrame
        One row per (constant, value): ``constant, value, is_default,
        rms_pct, force_mN, compound, L_um, W_um, T_um, P_mW_cm2``.

    Examples
    --------
    >>> s = sensitivity(2, names=["p_sat_1"])
    >>> s.value.tolist(), s.compound.tolist()
    ([150.0, 700.0, 3000.0], [3, 3, 3])
    """
    if not isinstance(n_values, int | np.integer) or isinstance(n_values, bool) or n_values < 2:
        raise ValueError(f"n_values must be an int >= 2; got {n_values!r}.")
    by_name = {p.name: p for p in PRIORS}
    names = list(by_name) if names is None else list(names)
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ValueError(f"unknown constants {unknown}; choose from {list(by_name)}.")
    base = defaults()
    reference_rms = ls.fit_table().rms  # the fit of a constant that does not enter it (computed once)
    rows = []
    for name in names:
        prior = by_name[name]
        values = prior.value(np.linspace(0.0, 1.0, int(n_values))).tolist()
        if not any(np.isclose(v, prior.default, rtol=1e-9) for v in values):
            values.append(prior.default)
        for v in sorted(values):
            constants = {**base, name: float(v)}
            options = _options(constants)
            if name in ls.CALIBRATION_OPTIONS:
                fit = ls.calibrate(options={k: options[k] for k in ls.CALIBRATION_OPTIONS})
                params, rms = fit.params, fit.rms
            else:
                params, rms = dict(ls.CALIBRATED_PARAMS), reference_rms
            best = ls.BlockingForceLandscape(params=params, **options).optimum()
            rows.append({"constant": name, "value": float(v), "is_default": bool(np.isclose(v, prior.default)),
                         "rms_pct": 100 * rms, "force_mN": best["force_mN"], "compound": best["compound"],
                         **{k: best[k] for k in ("L_um", "W_um", "T_um", "P_mW_cm2")}})
    return pd.DataFrame(rows)


def sensitivity_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per constant: the range of the optimum force and where it sits, across the prior.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`sensitivity`.

    Returns
    -------
    pandas.DataFrame
        Indexed by constant: ``force_low, force_high`` (mN, at the prior's
        low and high end), ``force_min, force_max``, ``compounds`` (best
        compounds seen, e.g. "3" or "3, 5"), ``T_min, T_max`` (um) and
        ``P_min, P_max`` (mW/cm^2), sorted by ``force_max - force_min``
        (to 0.01 mN; ties in the order of :data:`PRIORS`).

    Examples
    --------
    >>> s = sensitivity_summary(sensitivity(2, names=["sensor_stiffness_N_m"]))
    >>> s.loc["sensor_stiffness_N_m", "compounds"]
    '3, 5'
    """
    rows = {}
    for name, g in table.groupby("constant", sort=False):
        g = g.sort_values("value")
        rows[name] = {
            "force_low": g["force_mN"].iloc[0], "force_high": g["force_mN"].iloc[-1],
            "force_min": g["force_mN"].min(), "force_max": g["force_mN"].max(),
            "compounds": ", ".join(str(c) for c in sorted(g["compound"].unique())),
            "T_min": g["T_um"].min(), "T_max": g["T_um"].max(),
            "P_min": g["P_mW_cm2"].min(), "P_max": g["P_mW_cm2"].max(),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    # rounded to 0.01 mN so that ties (constants that do not move the optimum) keep the priors' order
    spread = (out.force_max - out.force_min).round(2)
    return out.loc[spread.sort_values(ascending=False, kind="stable").index]


def heat_reversal_share(table: pd.DataFrame, P_mW_cm2: float = study.MAX_INTENSITY_MW_CM2) -> pd.DataFrame:
    """Across the kept members: for each compound, how often heat reverses the bending.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`build_ensemble` or :func:`load_ensemble`.
    P_mW_cm2 : float, default the lamp's maximum
        Intensity (heat's best chance, see :func:`mlcrystal.force.landscape.heat_crossover_table`).

    Returns
    -------
    pandas.DataFrame
        Indexed by compound: ``in_box``, ``beyond_box``, ``never`` (shares of
        the kept members whose bending reverses within the search box's
        thickness, between 500 and 1000 um, or not below 1000 um) and
        ``members`` (how many kept members).

    Examples
    --------
    >>> row = {"draw": 0, "kept": True, **defaults(), **ls.CALIBRATED_PARAMS}
    >>> float(heat_reversal_share(pd.DataFrame([row])).loc[7, "in_box"])
    1.0
    """
    kept = table[table["kept"].astype(bool)]
    if kept.empty:
        raise ValueError("the table has no kept members; build a larger ensemble.")
    frames = [ls.heat_crossover_table(member(row), P_mW_cm2) for _, row in kept.iterrows()]
    heat = pd.concat(frames, ignore_index=True)
    labels = {"reverses the bending in the box": "in_box", "reverses beyond the box": "beyond_box",
              "only weakens the bending": "never"}
    out = pd.crosstab(heat["compound"], heat["heat"].map(labels), normalize="index")
    out = out.reindex(columns=list(labels.values()), fill_value=0.0)
    out.columns.name = None
    out["members"] = len(kept)
    return out


# ---------------------------------------------------------------------------
# structural uncertainty: the functional forms as a factor
# ---------------------------------------------------------------------------

#: The saturation intensity of the heating in the "heating that saturates" form, mW/cm^2:
#: half the lamp's maximum, so that at full intensity the heat is a third of the
#: linear form's. ASSUMED: an illustration of the form, not a measured value.
HEAT_SATURATION_ALTERNATIVE_MW_CM2 = 0.5 * study.MAX_INTENSITY_MW_CM2

#: The functional forms compared by :func:`structural_sensitivity`: name -> landscape options.
STRUCTURAL_FORMS = MappingProxyType({
    "reference: saturation at the surface, heating proportional to P": MappingProxyType({}),
    "saturation at each depth": MappingProxyType({"saturation": "local"}),
    "heating that saturates": MappingProxyType({"heat_saturation_mW_cm2": HEAT_SATURATION_ALTERNATIVE_MW_CM2}),
    "both alternatives": MappingProxyType({"saturation": "local",
                                           "heat_saturation_mW_cm2": HEAT_SATURATION_ALTERNATIVE_MW_CM2}),
})


def _check_forms(forms: Sequence[str] | None) -> list[str]:
    names = list(STRUCTURAL_FORMS) if forms is None else list(forms)
    unknown = [f for f in names if f not in STRUCTURAL_FORMS]
    if unknown:
        raise ValueError(f"unknown structural forms {unknown}; choose from {list(STRUCTURAL_FORMS)}.")
    return names


def structural_sensitivity(forms: Sequence[str] | None = None,
                           constants: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The optimum under each functional form, compounds 5 and 9 re-calibrated for each.

    Parameters
    ----------
    forms : sequence of str, optional
        Keys of :data:`STRUCTURAL_FORMS` (default: all, the reference first).
    constants : mapping, optional
        One value per prior (default :func:`defaults`, the reference landscape's).

    Returns
    -------
    pandas.DataFrame
        One row per form: ``form`` and the columns of :func:`evaluate` (fit
        ``rms_pct``, ``best_force_mN``, ``best_compound``, ``best_L_um`` ...,
        ``compound3_force_mN``, ``largest_share``, ``kept``, ``rejected_because``).

    Examples
    --------
    >>> s = structural_sensitivity(["saturation at each depth"])
    >>> int(s.best_compound.iloc[0]), bool(s.best_force_mN.iloc[0] > 80), bool(s.rms_pct.iloc[0] < 3)
    (3, True, True)
    """
    names = _check_forms(forms)
    constants = defaults() if constants is None else constants
    data = load_initial_blocking_force()
    rows = [{"form": name, **evaluate(constants, data, structure=STRUCTURAL_FORMS[name])} for name in names]
    return pd.DataFrame(rows)


def structural_members(table: pd.DataFrame, forms: Sequence[str] | None = None,
                       draws: Sequence[int] | Literal["all"] | None = None, n_jobs: int | None = None) -> pd.DataFrame:
    """Re-evaluate ensemble members under other functional forms (the forms as a factor of the ensemble).

    Each member keeps its drawn constants; compounds 5 and 9 are re-calibrated
    under each form, its optimum found and the acceptance rule applied again.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`build_ensemble`, :func:`load_ensemble` or :func:`load_relative_ensemble`.
        A table with a ``strain_scale`` column was drawn with ``strains="relative"``: its rows hold the
        scaled strains, so each draw's drawn strains are recovered (divided by its ``strain_scale``) and
        scaled again by what the calibrated compounds reach under each form.
    forms : sequence of str, optional
        Keys of :data:`STRUCTURAL_FORMS` (default: all).
    draws : sequence of int or "all", optional
        The draws to re-evaluate (default: the kept members; ``"all"``: every
        draw, so that the form is a factor of the whole ensemble and the
        acceptance rule chooses the members under each form).
    n_jobs : int, optional
        Parallel workers (joblib); ``None`` runs in this process.

    Returns
    -------
    pandas.DataFrame
        One row per (draw, form): ``draw, form`` and the columns of :func:`evaluate`.

    Examples
    --------
    >>> t = structural_members(load_ensemble(), ["saturation at each depth"], draws=[0])
    >>> t.draw.tolist(), t.form.tolist()
    ([0], ['saturation at each depth'])
    """
    names = _check_forms(forms)
    by_draw = table.set_index("draw")
    if isinstance(draws, str):
        if draws != "all":
            raise ValueError(f"draws must be a sequence of draw numbers or 'all'; got {draws!r}.")
        chosen = list(by_draw.index)
    else:
        chosen = list(by_draw.index[by_draw["kept"].astype(bool)]) if draws is None else list(draws)
    missing = [d for d in chosen if d not in by_draw.index]
    if missing:
        raise ValueError(f"draws {missing} are not in the ensemble table (it holds draws "
                         f"{int(by_draw.index.min())}-{int(by_draw.index.max())}).")
    strains = "absolute"
    if "strain_scale" in by_draw.columns:
        strains = "relative"
        by_draw = by_draw.copy()
        for c in _UNMEASURED:
            by_draw[f"strain_{c}"] = by_draw[f"strain_{c}"] / by_draw["strain_scale"]
    data = load_initial_blocking_force()
    jobs = [(int(d), name) for d in chosen for name in names]
    if n_jobs is None or n_jobs == 1:
        results = [evaluate(by_draw.loc[d], data, STRUCTURAL_FORMS[name], strains) for d, name in jobs]
    else:
        results = Parallel(n_jobs=n_jobs)(delayed(evaluate)(by_draw.loc[d], data, STRUCTURAL_FORMS[name], strains)
                                          for d, name in jobs)
    return pd.DataFrame([{"draw": d, "form": name, **r} for (d, name), r in zip(jobs, results, strict=True)])


#: The stored re-evaluation of the kept members under the alternative forms (package data;
#: ``benchmarks/structural_ch6.py`` writes it, about 3 CPU minutes).
STRUCTURAL_FILE = "ensemble_structural.csv"
#: Each prior -> its stored :func:`structural_members` table (``benchmarks/structural_ch6.py --prior``).
STRUCTURAL_FILES = MappingProxyType({"absolute": STRUCTURAL_FILE, "relative": "ensemble_structural_relative.csv"})


def load_structural_members(prior: str = "absolute") -> pd.DataFrame:
    """Read the stored :func:`structural_members` table of a prior's kept members (:data:`STRUCTURAL_FILES`).

    Examples
    --------
    >>> t = load_structural_members()
    >>> sorted(t.form.unique()) == sorted(list(STRUCTURAL_FORMS)[1:])
    True
    >>> r = load_structural_members("relative")
    >>> r.draw.nunique() == int(load_relative_ensemble().kept.sum())
    True
    """
    if prior not in STRUCTURAL_FILES:
        raise ValueError(f"prior must be one of {sorted(STRUCTURAL_FILES)}; got {prior!r}.")
    stored = STRUCTURAL_FILES[prior]
    with package_file(stored).open("rb") as fh:
        table = pd.read_csv(fh, keep_default_na=False, na_values=[""])
    need = {"draw", "form", "kept", "best_force_mN", "best_compound", "rms_pct"}
    missing = sorted(need - set(table.columns))
    if missing:
        raise ValueError(f"mlcrystal/data/{stored}: missing columns {missing}; regenerate it with "
                         "benchmarks/structural_ch6.py.")
    unknown = sorted(set(table["form"]) - set(STRUCTURAL_FORMS))
    if unknown:
        raise ValueError(f"mlcrystal/data/{stored}: unknown forms {unknown}; regenerate it with "
                         "benchmarks/structural_ch6.py.")
    return table


def implied_heating_K(land: ls.BlockingForceLandscape, compound: int, P_mW_cm2: Any,
                      expansion_per_K: float = 1e-4) -> Any:
    r"""Heating of the lit face that a compound's photothermal strain implies, kelvin.

    The photothermal strain at the lit face, :math:`\gamma_c P/(1 + P/P_h)`, is a
    thermal expansion times a temperature rise; divided by the magnitude of the
    expansion coefficient it gives the heating the model assumes. The default
    coefficient, 1e-4 /K, is the top of the range the ensemble's prior takes for
    molecular crystals (:data:`PRIORS`): the smallest
    heating the strain can mean.

    Parameters
    ----------
    land : mlcrystal.force.landscape.BlockingForceLandscape
    compound : int
    P_mW_cm2 : float or array_like
        Intensity, mW/cm^2.
    expansion_per_K : float, default 1e-4
        Magnitude of the thermal expansion coefficient along the length, 1/K (> 0).

    Returns
    -------
    float or numpy.ndarray
        Temperature rise of the lit face, K.

    Examples
    --------
    >>> round(float(implied_heating_K(ls.BlockingForceLandscape(), 3, 2080.0)), 1)  # 2.5e-6 * 2080 / 1e-4
    52.0
    """
    if not (isinstance(expansion_per_K, int | float) and np.isfinite(expansion_per_K) and expansion_per_K > 0):
        raise ValueError(f"expansion_per_K must be a finite number > 0 (1/K); got {expansion_per_K!r}.")
    if compound not in land.responses:
        raise ValueError(f"compound {compound!r} is not in the landscape; choose from {sorted(land.responses)}.")
    r = land.responses[compound]
    P = np.asarray(P_mW_cm2, float)
    out = r.thermal * P / (1.0 + P / land.heat_saturation_mW_cm2) / expansion_per_K
    return out[()] if np.ndim(out) == 0 else out


#: The stored ensemble drawn with the invented compounds' strains relative to the calibrated ones
#: (``benchmarks/relative_priors_ch6.py``: the same 2048 Sobol' draws as :data:`ENSEMBLE_FILE`).
RELATIVE_FILE = "ensemble_relative.csv.gz"


def load_relative_ensemble() -> pd.DataFrame:
    """Read the stored ensemble of ``build_ensemble(2048, random_state=0, strains="relative")``.

    Each row holds its draw's scaled strains and ``strain_scale``, so
    :func:`member` rebuilds its landscape; draw ``i`` has the same drawn
    constants as draw ``i`` of :func:`load_ensemble`.

    Examples
    --------
    >>> t = load_relative_ensemble()
    >>> len(t), bool(t.loc[t.kept, "best_force_mN"].min() >= 37.0)
    (2048, True)
    """
    with package_file(RELATIVE_FILE).open("rb") as fh:
        table = pd.read_csv(fh, compression="gzip", keep_default_na=False, na_values=[""])
    need = {"draw", "kept", "rejected_because", "strain_scale", "best_force_mN", *ls.CALIBRATED_PARAMS}
    missing = sorted(need - set(table.columns))
    if missing:
        raise ValueError(f"mlcrystal/data/{RELATIVE_FILE}: missing columns {missing}; regenerate it with "
                         "benchmarks/relative_priors_ch6.py.")
    return table


#: Each stored ensemble's prior -> the prefix of its members' landscape names (``"member-12"``, ``"relative-12"``).
MEMBER_PREFIXES = {"absolute": "member-", "relative": "relative-"}


def prior_ensemble(prior: str = "absolute") -> pd.DataFrame:
    """The stored ensemble of a prior: :func:`load_ensemble` ("absolute") or :func:`load_relative_ensemble`.

    Examples
    --------
    >>> len(prior_ensemble("relative"))
    2048
    """
    if prior not in MEMBER_PREFIXES:
        raise ValueError(f"prior must be one of {sorted(MEMBER_PREFIXES)}; got {prior!r}.")
    return load_ensemble() if prior == "absolute" else load_relative_ensemble()


def kept_members(prior: str = "absolute", members: int | None = None) -> dict[str, pd.Series]:
    """The first ``members`` kept draws of a prior's stored ensemble (default all): landscape name -> row.

    The names are those :func:`make_landscape` reads and the replay tables' ``landscape`` column holds;
    :func:`member` builds a row's landscape.

    Examples
    --------
    >>> list(kept_members("relative", 2))
    ['relative-12', 'relative-14']
    """
    if members is not None and not (isinstance(members, int) and members >= 1):
        raise ValueError(f"members must be a whole number >= 1, or None for all kept members; got {members!r}.")
    table = prior_ensemble(prior)
    kept = table[table["kept"].astype(bool)]
    return {f"{MEMBER_PREFIXES[prior]}{int(row['draw'])}": row for _, row in kept.iloc[:members].iterrows()}


def compare_ensembles(tables: Mapping[str, pd.DataFrame], near_mN: float = 60.0,
                      level: float = 0.9) -> pd.DataFrame:
    """Ensembles side by side (another prior, other forms): how many members each keeps, where their optimum lies.

    Parameters
    ----------
    tables : mapping
        Name -> ensemble table (:func:`load_ensemble`, :func:`load_relative_ensemble`,
        :func:`load_form_ensembles`).
    near_mN : float, default 60
        An optimum "near the study's" is at most this force (mN).
    level : float, default 0.9
        Level of the Wilson intervals of the shares.

    Returns
    -------
    pandas.DataFrame
        One row per ensemble: ``draws``, ``kept``, ``kept_share`` with ``kept_lo, kept_hi``; the kept members'
        optimum ``median_mN, q05_mN, q95_mN``; ``near_share`` (optimum <= ``near_mN``) and
        ``thickest_share`` (best crystal as thick as the box allows), each with its interval, and the
        intervals' ``level``.

    Examples
    --------
    >>> t = pd.DataFrame({"kept": [True, True, False, True], "best_force_mN": [40.0, 100.0, 10.0, 55.0],
    ...                   "best_T_um": [500.0, 500.0, 100.0, 300.0]})
    >>> r = compare_ensembles({"a": t}).loc["a"]
    >>> int(r.kept), float(r.median_mN), round(float(r.near_share), 3), round(float(r.thickest_share), 3)
    (3, 55.0, 0.667, 0.667)
    """
    rows = {}
    t_max = study.SEARCH_BOUNDS["T_um"][1]
    for name, table in tables.items():
        kept = table[table["kept"].astype(bool)]
        n = len(kept)
        near = int((kept["best_force_mN"] <= near_mN).sum())
        thick = int(np.isclose(kept["best_T_um"], t_max).sum())
        q = kept["best_force_mN"].quantile([0.05, 0.5, 0.95])
        rows[name] = {"draws": len(table), "kept": n, "kept_share": n / len(table), "level": level,
                      **dict(zip(("kept_lo", "kept_hi"), wilson(n, len(table), level), strict=True)),
                      "median_mN": float(q.loc[0.5]), "q05_mN": float(q.loc[0.05]), "q95_mN": float(q.loc[0.95]),
                      "near_share": near / n, **dict(zip(("near_lo", "near_hi"), wilson(near, n, level), strict=True)),
                      "thickest_share": thick / n,
                      **dict(zip(("thickest_lo", "thickest_hi"), wilson(thick, n, level), strict=True))}
    return pd.DataFrame.from_dict(rows, orient="index")


def ensemble_comparison_text(compared: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare_ensembles` as a table to read: each share in % with its interval, the optimum with its spread.

    Examples
    --------
    >>> t = pd.DataFrame({"kept": [True, False], "best_force_mN": [40.0, 10.0], "best_T_um": [500.0, 9.0]})
    >>> ensemble_comparison_text(compare_ensembles({"a": t})).loc["a", "optimum of the kept, median (5-95 %), mN"]
    '40 (40-40)'
    """
    def share(r: Any, key: str, digits: int = 0) -> str:
        lo, hi = getattr(r, f"{key}_lo"), getattr(r, f"{key}_hi")
        return f"{100 * getattr(r, f'{key}_share'):.{digits}f} ({100 * lo:.{digits}f}-{100 * hi:.{digits}f})"

    rows = {}
    for r in compared.itertuples():
        lv = f"{100 * r.level:.0f} %"
        rows[r.Index] = {"draws": int(r.draws), "kept": int(r.kept),
                         f"kept, % ({lv} interval)": share(r, "kept", 1),
                         "optimum of the kept, median (5-95 %), mN":
                             f"{r.median_mN:.0f} ({r.q05_mN:.0f}-{r.q95_mN:.0f})",
                         f"optimum at most 60 mN, % ({lv})": share(r, "near"),
                         f"best crystal as thick as the box allows, % ({lv})": share(r, "thickest")}
    return pd.DataFrame.from_dict(rows, orient="index")


def ensemble_shares(table: pd.DataFrame, structural: pd.DataFrame | None = None,
                    level: float = 0.95) -> pd.DataFrame:
    """What chapter 6 counts over an ensemble's kept members, each share with its Wilson interval.

    Parameters
    ----------
    table : pandas.DataFrame
        An ensemble (:func:`load_relative_ensemble`, :func:`load_ensemble`, :func:`build_ensemble`).
    structural : pandas.DataFrame, optional
        Its kept members under other forms (:func:`load_structural_members`): one more row per form,
        the members still kept under it.
    level : float, default 0.95
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per count: ``what``, ``landscapes``, ``out_of``, ``share_pct`` and the interval
        ``lo_pct``, ``hi_pct``. The first row is the acceptance rule's (kept draws of all draws); the
        others count kept members: best crystal as thick as the box allows, lit at full intensity,
        best force below 50 mN, heat reversing compound 3's bending at a thickness inside the box
        (:func:`heat_reversal_share`). Not counted: what holds in every member by construction (the
        acceptance rule's best compound and force; the best width at the box edge, as force grows with
        width for any constants).

    Examples
    --------
    >>> t = ensemble_shares(load_relative_ensemble())
    >>> t.loc[0, ["landscapes", "out_of"]].tolist(), len(t)
    ([221, 2048], 5)
    """
    missing = sorted({"kept", "best_force_mN", "best_T_um", "best_P_mW_cm2"} - set(table.columns))
    if missing:
        raise ValueError(f"ensemble_shares needs an ensemble table (build_ensemble, load_relative_ensemble); "
                         f"this one lacks columns {missing}.")
    kept = table[table["kept"].astype(bool)]
    if kept.empty:
        raise ValueError("ensemble_shares: the table has no kept member, so no share of kept members exists.")
    n, (T_max, P_max) = len(kept), (study.SEARCH_BOUNDS[k][1] for k in ("T_um", "P_mW_cm2"))
    heat = heat_reversal_share(table)
    counts = [("draws kept by the acceptance rule", n, len(table)),
              ("kept: best crystal as thick as the box allows", int(np.isclose(kept["best_T_um"], T_max).sum()), n),
              ("kept: best crystal lit at full intensity", int(np.isclose(kept["best_P_mW_cm2"], P_max).sum()), n),
              ("kept: best force below 50 mN", int((kept["best_force_mN"] < 50).sum()), n),
              ("kept: at full intensity, heat reverses compound 3's bending at a thickness in the box",
               round(float(heat.loc[study.BEST_COMPOUND, "in_box"]) * n), n)]
    if structural is not None:
        counts += [(f"kept members still kept under: {form}", int(g["kept"].astype(bool).sum()), len(g))
                   for form, g in structural.groupby("form", sort=False)]
    rows = []
    for what, k, out_of in counts:
        lo, hi = wilson(k, out_of, level)
        rows.append({"what": what, "landscapes": k, "out_of": out_of, "share_pct": 100 * k / out_of,
                     "lo_pct": 100 * lo, "hi_pct": 100 * hi})
    return pd.DataFrame(rows)


def near_record(table: pd.DataFrame, record_mN: float = study.BEST_FORCE_MN, tolerance: float = 0.1) -> tuple[int, int]:
    """How many kept members have an optimum within ``tolerance`` above a record force: ``(near, kept)``.

    The acceptance rule keeps only optima of at least the study's 37.0 mN, so "near" is between the
    record and ``(1 + tolerance)`` times it.

    Examples
    --------
    >>> near_record(load_relative_ensemble())
    (3, 221)
    """
    if not (0 < tolerance < 1) or not record_mN > 0:
        raise ValueError(f"tolerance must lie in (0, 1) and record_mN be > 0; got {tolerance!r}, {record_mN!r}.")
    kept = table[table["kept"].astype(bool)]
    return int((kept["best_force_mN"] <= (1 + tolerance) * record_mN).sum()), len(kept)


#: The alternative forms drawn over the whole ensemble (``ensemble_forms.csv.gz``).
FORM_FACTOR = ("saturation at each depth", "heating that saturates")
#: The stored ensemble under each form of :data:`FORM_FACTOR` (``benchmarks/forms_ch6.py``).
FORMS_FILE = "ensemble_forms.csv.gz"
#: Each prior -> its stored form ensembles (``benchmarks/forms_ch6.py --prior``).
FORMS_FILES = MappingProxyType({"absolute": FORMS_FILE, "relative": "ensemble_forms_relative.csv.gz"})


def load_form_ensembles(prior: str = "absolute") -> dict[str, pd.DataFrame]:
    """The stored ensemble under each functional form: form -> table (the reference form is :func:`prior_ensemble`).

    Every draw of the prior's stored ensemble is re-calibrated under each form of
    :data:`FORM_FACTOR` and the acceptance rule applied again
    (:func:`structural_members` with ``draws="all"``), so each form keeps its own members.
    Under the relative prior the invented compounds' strains are scaled by what
    the calibrated compounds reach under each form.

    Examples
    --------
    >>> t = load_form_ensembles()
    >>> sorted(t) == sorted(FORM_FACTOR), {len(v) for v in t.values()}
    (True, {2048})
    >>> {len(v) for v in load_form_ensembles("relative").values()}
    {2048}
    """
    if prior not in FORMS_FILES:
        raise ValueError(f"prior must be one of {sorted(FORMS_FILES)}; got {prior!r}.")
    stored = FORMS_FILES[prior]
    with package_file(stored).open("rb") as fh:
        table = pd.read_csv(fh, compression="gzip", keep_default_na=False, na_values=[""])
    need = {"draw", "form", "kept", "best_force_mN", "best_T_um"}
    missing = sorted(need - set(table.columns))
    if missing:
        raise ValueError(f"mlcrystal/data/{stored}: missing columns {missing}; regenerate it with "
                         "benchmarks/forms_ch6.py.")
    return {form: t.drop(columns="form").reset_index(drop=True) for form, t in table.groupby("form", sort=False)}
