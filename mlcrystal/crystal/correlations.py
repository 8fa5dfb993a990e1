"""Correlations against permutation nulls, and bootstrap intervals of a paired statistic."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from mlcrystal.seeding import RandomState, check_random_state, spawn

__all__ = ["spearman_rho", "ratio_spearman_rho", "permutation_test", "ordered_permutation_test", "bootstrap_interval",
           "thickness_length_correlation", "scale_removed", "correlation_evidence", "correlation_report"]

if TYPE_CHECKING:
    pass




def spearman_rho(x: ArrayLike, y: ArrayLike, axis: int = -1) -> Any:
    """Spearman's rank correlation along an axis (average ranks for ties).

    Vectorised so that :func:`permutation_test` can evaluate thousands of
    permutations at once.

    Parameters
    ----------
    x, y : array-like
        Paired samples of the same shape.
    axis : int, default -1
        Axis along which the observations run.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        Rho for each slice along ``axis`` (NaN where a slice is constant).

    Examples
    --------
    >>> round(float(spearman_rho([1, 2, 3, 4], [10, 20, 40, 30])), 3)
    0.8
    """
    rx = stats.rankdata(np.asarray(x, dtype=float), axis=axis)
    ry = stats.rankdata(np.asarray(y, dtype=float), axis=axis)
    rx = rx - rx.mean(axis=axis, keepdims=True)
    ry = ry - ry.mean(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):  # a constant slice has no rank correlation: NaN
        rho = (rx * ry).sum(axis=axis) / np.sqrt((rx ** 2).sum(axis=axis) * (ry ** 2).sum(axis=axis))
    return np.asarray(rho)[()]  # a numpy scalar for 1-D input (SciPy's resampling needs its dtype)


def ratio_spearman_rho(x: ArrayLike, y: ArrayLike, axis: int = -1) -> Any:
    """Spearman's rho between ``x`` and ``y / x``: a ratio that shares its denominator with x.

    ``rho(E_max, E_min / E_max)`` is negative even for unrelated ``E_min``
    and ``E_max``, because ``E_max`` sits in the denominator.  Passed to
    :func:`permutation_test`, which shuffles ``y`` against ``x``, the null
    distribution shows how negative it is by construction alone.

    Parameters
    ----------
    x, y : array-like
        Paired positive samples of the same shape.
    axis : int, default -1

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> round(float(ratio_spearman_rho([1.0, 2.0, 4.0], [1.0, 1.0, 1.0])), 3)
    -1.0
    """
    x = np.asarray(x, dtype=float)
    return spearman_rho(x, np.asarray(y, dtype=float) / x, axis=axis)


def _check_level(level: float) -> tuple[float, float]:
    """The quantiles ``((1 - level) / 2, (1 + level) / 2)`` of a central interval of coverage ``level``."""
    if isinstance(level, bool) or not isinstance(level, (int, float, np.floating)) or not 0 < level < 1:
        raise ValueError(f"level must be the coverage of a central interval, in (0, 1) (e.g. 0.9); got {level!r}.")
    lo = round((1 - float(level)) / 2, 12)
    return lo, round(1 - lo, 12)


def _paired_samples(x: ArrayLike, y: ArrayLike, min_n: int = 3) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xs.ndim != 1 or xs.shape != ys.shape:
        raise ValueError(f"x and y must be 1-D and of equal length (one pair per observation); "
                         f"got shapes {xs.shape} and {ys.shape}.")
    if len(xs) < min_n:
        raise ValueError(f"need at least {min_n} pairs; got {len(xs)}.")
    bad = ~(np.isfinite(xs) & np.isfinite(ys))
    if bad.any():
        raise ValueError(f"x and y must be finite; pair {int(np.argmax(bad))} is ({xs[bad][0]}, {ys[bad][0]}). "
                         "Drop incomplete rows before testing.")
    return xs, ys


def permutation_test(x: ArrayLike, y: ArrayLike, statistic: Callable[..., Any] = spearman_rho,
                     n_permutations: int = 9999, random_state: RandomState = None,
                     alternative: str = "two-sided", level: float = 0.95) -> dict[str, Any]:
    """Test an association against the null of random pairings.

    The pairs ``(x_i, y_i)`` are re-paired at random ``n_permutations``
    times (:func:`scipy.stats.permutation_test` with
    ``permutation_type="pairings"``); the statistic of each re-pairing forms
    the null distribution.  With :func:`spearman_rho` this is the usual test
    of independence; with :func:`ratio_spearman_rho` the null keeps the
    shared-denominator effect and removes any real dependence, so it shows
    what a ratio correlation is by construction.

    Parameters
    ----------
    x, y : array-like, shape (n,)
        Paired, finite observations (n >= 3).
    statistic : callable, default :func:`spearman_rho`
        ``statistic(x, y, axis=-1)``, vectorised along ``axis``.
    n_permutations : int, default 9999
        Random re-pairings (>= 99).
    random_state : None, int or numpy.random.Generator
        Seed of the permutations (see :mod:`mlcrystal.seeding`).
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        Two-sided p is twice the smaller one-sided p (SciPy's convention),
        so it also works for a null that is not centred on zero.
    level : float, default 0.95
        Coverage of the central band of the null distribution reported (its 2.5-97.5 % quantiles).

    Returns
    -------
    dict
        ``statistic`` (observed), ``null_median``, ``null_low``,
        ``null_high`` (the band), ``p_value`` (with the +1 correction, so
        never below ``1 / (n_permutations + 1)``), ``n`` (pairs),
        ``n_permutations`` and ``null`` (the null distribution, an array).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=50)
    >>> res = permutation_test(x, x + rng.normal(size=50), n_permutations=999, random_state=1)
    >>> round(res["statistic"], 2), res["p_value"]  # two-sided: twice the smallest one-sided p, 1/1000
    (0.63, 0.002)
    >>> bool(-0.35 < res["null_low"] < 0 < res["null_high"] < 0.35)  # unrelated pairings scatter around 0
    True

    A ratio that shares its denominator with ``x`` correlates with it even
    when the numerator is unrelated; the null keeps that effect:

    >>> y = rng.normal(size=50)
    >>> r = permutation_test(np.exp(x), np.exp(y), ratio_spearman_rho, n_permutations=999, random_state=1)
    >>> round(r["statistic"], 2), round(r["null_median"], 2), r["p_value"]
    (-0.66, -0.68, 0.784)
    """
    xs, ys = _paired_samples(x, y)
    if not (isinstance(n_permutations, (int, np.integer)) and not isinstance(n_permutations, bool)
            and n_permutations >= 99):
        raise ValueError(f"n_permutations must be an integer >= 99; got {n_permutations!r}.")
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError(f"alternative must be 'two-sided', 'less' or 'greater'; got {alternative!r}.")
    if not callable(statistic):
        raise ValueError(f"statistic must be a callable statistic(x, y, axis=-1); got {statistic!r}.")
    lo, hi = _check_level(level)
    res = stats.permutation_test((xs, ys), statistic, permutation_type="pairings", vectorized=True,
                                 n_resamples=int(n_permutations), alternative=alternative,
                                 rng=check_random_state(random_state))
    null = np.asarray(res.null_distribution, dtype=float)
    return {"statistic": float(res.statistic), "null_median": float(np.median(null)),
            "null_low": float(np.quantile(null, lo)), "null_high": float(np.quantile(null, hi)),
            "p_value": float(res.pvalue), "n": len(xs), "n_permutations": len(null), "null": null}


def ordered_permutation_test(lower: ArrayLike, upper: ArrayLike, statistic: Callable[..., Any] = spearman_rho,
                             n_permutations: int = 9999, n_steps: int | None = None,
                             random_state: RandomState = None, level: float = 0.95) -> dict[str, Any]:
    """Test an association of two bounds (``lower <= upper`` in every pair) against possible re-pairings only.

    The plain re-pairing null of :func:`permutation_test` pairs a crystal's
    ``E_min`` with another crystal's ``E_max`` even where the result is
    impossible (``E_min > E_max``).  Here the null is uniform over the
    re-pairings that keep every pair possible: each of ``n_permutations``
    independent chains starts at the observed pairing and makes ``n_steps``
    proposals to swap the partners of two random pairs, accepted when both
    new pairs stay possible (a symmetric proposal with this acceptance
    leaves the uniform distribution over reachable pairings invariant).
    Because ``lower <= upper`` alone makes the two rise together, this null
    is centred above zero; the test asks whether they rise together *more*
    than the constraint forces.

    Parameters
    ----------
    lower, upper : array-like, shape (n,)
        Paired, finite values with ``lower <= upper`` in every pair (e.g. ``E_min``, ``E_max``).
    statistic : callable, default :func:`spearman_rho`
        ``statistic(lower, upper, axis=-1)``, vectorised along ``axis``.
    n_permutations : int, default 9999
        Null draws (>= 99).
    n_steps : int, optional
        Swap proposals per chain; default ``20 * n``.
    random_state : None, int or numpy.random.Generator
    level : float, default 0.95

    Returns
    -------
    dict
        As :func:`permutation_test`, plus ``acceptance`` (share of proposals accepted).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> lo = rng.uniform(1, 2, 60)
    >>> res = ordered_permutation_test(lo, lo + rng.uniform(0, 3, 60), n_permutations=999, random_state=1)
    >>> bool(res["null_median"] > 0.1), bool(res["p_value"] > 0.05)  # the bound alone correlates them
    (True, True)
    >>> ordered_permutation_test([1.0, 3.0, 2.0], [2.0, 1.0, 4.0], n_permutations=99)
    Traceback (most recent call last):
    ValueError: lower must not exceed upper; pair 1 has lower 3.0 > upper 1.0.
    """
    xs, ys = _paired_samples(lower, upper)
    bad = xs > ys
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"lower must not exceed upper; pair {i} has lower {xs[i]} > upper {ys[i]}.")
    if not (isinstance(n_permutations, (int, np.integer)) and not isinstance(n_permutations, bool)
            and n_permutations >= 99):
        raise ValueError(f"n_permutations must be an integer >= 99; got {n_permutations!r}.")
    lo, hi = _check_level(level)
    n = len(xs)
    steps = 20 * n if n_steps is None else int(n_steps)
    if steps < 1:
        raise ValueError(f"n_steps must be a positive integer; got {n_steps!r}.")
    rng = check_random_state(random_state)
    k = int(n_permutations)
    perm = np.tile(np.arange(n), (k, 1))  # chain c pairs xs[i] with ys[perm[c, i]]
    rows = np.arange(k)
    accepted = 0
    for _ in range(steps):
        a, b = rng.integers(0, n, k), rng.integers(0, n, k)  # per chain, two pairs whose partners may swap
        pa, pb = perm[rows, a], perm[rows, b]
        ok = (xs[a] <= ys[pb]) & (xs[b] <= ys[pa])
        perm[rows[ok], a[ok]], perm[rows[ok], b[ok]] = pb[ok], pa[ok]
        accepted += int(ok.sum())
    null = np.asarray(statistic(np.broadcast_to(xs, perm.shape), ys[perm], axis=-1), dtype=float)
    observed = float(statistic(xs, ys))
    p_greater = (1 + np.sum(null >= observed)) / (k + 1)
    p_less = (1 + np.sum(null <= observed)) / (k + 1)
    return {"statistic": observed, "null_median": float(np.median(null)), "null_low": float(np.quantile(null, lo)),
            "null_high": float(np.quantile(null, hi)), "p_value": float(min(1.0, 2 * min(p_greater, p_less))),
            "n": n, "n_permutations": k, "null": null, "acceptance": accepted / (steps * k)}


def bootstrap_interval(x: ArrayLike, y: ArrayLike, statistic: Callable[..., Any] = spearman_rho,
                       n_boot: int = 2000, level: float = 0.95,
                       random_state: RandomState = None) -> tuple[float, float]:
    """Percentile bootstrap interval of a paired statistic (pairs resampled together).

    Parameters
    ----------
    x, y : array-like, shape (n,)
        Paired, finite observations (n >= 3).
    statistic : callable, default :func:`spearman_rho`
        ``statistic(x, y, axis=-1)``, vectorised along ``axis``.
    n_boot : int, default 2000
        Bootstrap resamples (>= 99).
    level : float, default 0.95
        Coverage of the interval, in (0, 1).
    random_state : None, int or numpy.random.Generator
        Seed of the resampling.

    Returns
    -------
    (float, float)
        Low and high ends (:func:`scipy.stats.bootstrap`, ``method="percentile"``).

    Examples
    --------
    >>> x = np.arange(30.0)
    >>> lo, hi = bootstrap_interval(x, x ** 2, n_boot=200, random_state=0)
    >>> round(lo, 3), round(hi, 3)
    (1.0, 1.0)
    """
    xs, ys = _paired_samples(x, y)
    if not (isinstance(n_boot, (int, np.integer)) and not isinstance(n_boot, bool) and n_boot >= 99):
        raise ValueError(f"n_boot must be an integer >= 99; got {n_boot!r}.")
    _check_level(level)
    res = stats.bootstrap((xs, ys), statistic, paired=True, vectorized=True, n_resamples=int(n_boot),
                          confidence_level=float(level), method="percentile", rng=check_random_state(random_state))
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def thickness_length_correlation(plates: pd.DataFrame, length: str = "E_length_mean", n_permutations: int = 9999,
                                 random_state: RandomState = None,
                                 level: float = 0.9) -> pd.DataFrame:
    """Across crystals: does a plate stiffer through its thickness tend to be softer along its length?

    For each orientation rule of :func:`~mlcrystal.crystal.plates.plate_orientation_table`, Spearman's
    rho between ``E_thickness`` and the chosen in-plane modulus over the
    tensors, tested against random pairings (:func:`permutation_test`).
    For the random orientation the test is run for every draw, and the
    spread over draws is reported.

    Parameters
    ----------
    plates : pandas.DataFrame
        Output of :func:`~mlcrystal.crystal.plates.plate_orientation_table`.
    length : {"E_length_mean", "E_length_min", "E_length_max"}, default "E_length_mean"
        In-plane modulus standing for the bending direction.
    n_permutations : int, default 9999
        Permutations per test.
    random_state : None, int or numpy.random.Generator
        Seed; each test draws from its own child stream.
    level : float, default 0.9
        Coverage of the central band of rho over the random draws (the 5-95 % quantiles).

    Returns
    -------
    pandas.DataFrame
        Indexed by orientation: ``n_tensors``, ``n_draws``, ``rho`` (median
        over draws), ``rho_low``, ``rho_high`` (band over draws, NaN for
        one draw), ``null_low``, ``null_high`` (the 2.5-97.5 % band of the
        permutation null, widest over draws) and ``p_value`` (largest over
        draws).  A study-like trade-off would show as a negative rho below
        the null band.

    Examples
    --------
    >>> from mlcrystal.crystal.plates import plate_orientation_table
    >>> Cs = [np.diag([a, 2 * a, 3 * a, 0.4 * a, 0.5 * a, 0.6 * a]) for a in (1.0, 2.0, 3.0, 5.0, 8.0)]
    >>> p = plate_orientation_table(pd.DataFrame({"C_GPa": Cs}), n_random=3, random_state=0)
    >>> r = thickness_length_correlation(p, n_permutations=999, random_state=0)
    >>> r.loc[["stiffest", "softest"], "rho"].round(2).tolist()  # scaled copies of one crystal: stiffer every way
    [1.0, 1.0]
    """
    lengths = ("E_length_mean", "E_length_min", "E_length_max")
    if length not in lengths:
        raise ValueError(f"length must be one of {lengths}; got {length!r}.")
    needed = {"tensor", "orientation", "draw", "E_thickness", length}
    if not isinstance(plates, pd.DataFrame) or not needed <= set(plates.columns):
        raise ValueError(f"plates must be the output of plate_orientation_table() with columns {sorted(needed)}; "
                         "got " + (f"columns {list(plates.columns)}." if isinstance(plates, pd.DataFrame)
                                   else f"{type(plates).__name__}."))
    lo, hi = _check_level(level)
    present = [o for o in ("stiffest", "random", "softest") if plates.orientation.eq(o).any()]
    groups = [(o, d, g) for o in present for d, g in plates[plates.orientation.eq(o)].groupby("draw")]
    streams = spawn(random_state, len(groups))
    tests = pd.DataFrame([{"orientation": o, "draw": d, "n": len(g),
                           **permutation_test(g.E_thickness, g[length], n_permutations=n_permutations,
                                              random_state=rng)}
                          for (o, d, g), rng in zip(groups, streams, strict=True)])
    rows = {}
    for o, t in tests.groupby("orientation", sort=False):
        several = len(t) > 1
        rows[o] = {"n_tensors": int(t.n.iloc[0]), "n_draws": len(t), "rho": float(t.statistic.median()),
                   "rho_low": float(t.statistic.quantile(lo)) if several else np.nan,
                   "rho_high": float(t.statistic.quantile(hi)) if several else np.nan,
                   "null_low": float(t.null_low.min()), "null_high": float(t.null_high.max()),
                   "p_value": float(t.p_value.max())}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "orientation"
    return out


def scale_removed(plates: pd.DataFrame, scale: pd.Series) -> pd.DataFrame:
    """Plates with every modulus divided by its tensor's overall stiffness (e.g. the Hill modulus).

    Across crystals, a plate stiff through its thickness is stiff along its
    length mostly because some crystals are stiffer every way.  Dividing
    ``E_thickness`` and the in-plane moduli by one number per tensor keeps
    only the shape of each crystal's anisotropy; :func:`thickness_length_correlation`
    on the result asks whether a trade-off is left once overall stiffness is removed.

    Parameters
    ----------
    plates : pandas.DataFrame
        Output of :func:`~mlcrystal.crystal.plates.plate_orientation_table` (column ``tensor``).
    scale : pandas.Series
        One positive modulus per tensor, indexed like ``plates.tensor`` (e.g. ``table.E_hill``).

    Returns
    -------
    pandas.DataFrame
        A copy with ``E_thickness``, ``E_length_min``, ``E_length_mean`` and ``E_length_max`` divided by the scale.

    Examples
    --------
    >>> p = pd.DataFrame({"tensor": [0, 1], "E_thickness": [2.0, 8.0], "E_length_min": [1.0, 4.0],
    ...                   "E_length_mean": [1.0, 6.0], "E_length_max": [1.0, 8.0]})
    >>> scale_removed(p, pd.Series({0: 2.0, 1: 4.0})).E_length_mean.tolist()
    [0.5, 1.5]
    """
    if not isinstance(plates, pd.DataFrame) or "tensor" not in plates.columns:
        raise ValueError("plates must be the output of plate_orientation_table() (with a 'tensor' column).")
    missing = sorted(set(plates.tensor) - set(scale.index))
    if missing:
        raise ValueError(f"scale has no value for tensors {missing[:5]}; pass one modulus per tensor, indexed "
                         "like plates.tensor (e.g. the anisotropy table's E_hill).")
    s = plates.tensor.map(scale).astype(float)
    if not (np.isfinite(s) & (s > 0)).all():
        raise ValueError("scale must be finite and positive for every tensor.")
    out = plates.copy()
    for column in ("E_thickness", "E_length_min", "E_length_mean", "E_length_max"):
        if column in out.columns:
            out[column] = out[column] / s.to_numpy()
    return out


# --------------------------------------------------------------------------


def correlation_evidence(questions: dict, *, n_permutations: int = 9999, n_boot: int | None = 2000,
                         level: float = 0.95) -> pd.DataFrame:
    """Several paired statistics, each against its permutation null and with a bootstrap interval.

    Question ``i`` (in the order of ``questions``) uses ``random_state=i``
    for both its :func:`permutation_test` and its :func:`bootstrap_interval`,
    so adding a question at the end leaves the earlier rows unchanged.

    Parameters
    ----------
    questions : dict
        Name -> ``(x, y, statistic)``: the paired samples and the statistic
        (e.g. :func:`spearman_rho` or :func:`ratio_spearman_rho`).
    n_permutations : int
        Re-pairings for the null.
    n_boot : int or None
        Resamples for the interval; ``None`` computes no interval (``low``
        and ``high`` are NaN).
    level : float, default 0.95
        Coverage of the null band and of the interval.

    Returns
    -------
    pandas.DataFrame
        Indexed by question: ``rho`` (the observed statistic), ``low``,
        ``high`` (bootstrap interval), ``null_median``, ``null_low``,
        ``null_high`` (band of the null), ``p_value`` (floats) and ``null``
        (the null distribution of each question, an array, for a figure).

    Examples
    --------
    >>> x = np.arange(30.0)
    >>> ev = correlation_evidence({"x against x^2": (x, x ** 2, spearman_rho)}, n_permutations=99, n_boot=200)
    >>> float(ev.loc["x against x^2", "rho"]), float(ev.loc["x against x^2", "p_value"])
    (1.0, 0.02)
    """
    if not isinstance(questions, dict) or not questions:
        raise ValueError("questions must be a non-empty dict: name -> (x, y, statistic).")
    rows, nulls = {}, {}
    for seed, (name, question) in enumerate(questions.items()):
        if not isinstance(question, tuple) or len(question) != 3 or not callable(question[2]):
            raise ValueError(f"question {name!r}: expected (x, y, statistic) with a callable statistic, "
                             f"got {question!r}.")
        x, y, statistic = question
        test = permutation_test(x, y, statistic, n_permutations=n_permutations, random_state=seed, level=level)
        nulls[name] = test["null"]
        low, high = (np.nan, np.nan) if n_boot is None else bootstrap_interval(
            x, y, statistic, n_boot=n_boot, level=level, random_state=seed)
        rows[name] = {"rho": test["statistic"], "low": low, "high": high, "null_median": test["null_median"],
                      "null_low": test["null_low"], "null_high": test["null_high"], "p_value": test["p_value"]}
    evidence = pd.DataFrame.from_dict(rows, orient="index").astype(float)
    evidence["null"] = pd.Series({name: np.asarray(null) for name, null in nulls.items()}, dtype=object)
    return evidence


def correlation_report(evidence: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """The table for readers of :func:`correlation_evidence`: rounded values and intervals as text.

    Parameters
    ----------
    evidence : pandas.DataFrame
        The table of :func:`correlation_evidence`.
    level : float, default 0.95
        The coverage it was computed with (names the interval columns).

    Returns
    -------
    pandas.DataFrame
        Indexed by question: ``rho`` and ``null median`` rounded to 2
        decimals (never ``-0.00``), the interval and the null band as
        ``"low to high"`` text (no interval column when none was
        computed), and ``p``.

    Examples
    --------
    >>> ev = pd.DataFrame({"rho": [0.371], "low": [0.19], "high": [0.531], "null_median": [-0.001],
    ...                    "null_low": [-0.18], "null_high": [0.18], "p_value": [0.0002]}, index=["q"])
    >>> report = correlation_report(ev)
    >>> report.columns.tolist()
    ['rho', '95% interval', 'null median', 'null 2.5-97.5%', 'p']
    >>> float(report.loc["q", "null median"]), report.loc["q", "95% interval"]
    (0.0, '0.19 to 0.53')
    """
    missing = [c for c in ("rho", "low", "high", "null_median", "null_low", "null_high", "p_value")
               if c not in evidence.columns]
    if missing:
        raise ValueError(f"evidence has no columns {missing}; pass the table of correlation_evidence().")
    lo, hi = _check_level(level)
    report = pd.DataFrame({
        "rho": evidence.rho.round(2) + 0.0,  # + 0.0 turns -0.0 into 0.0
        f"{level:.0%} interval": [f"{a:.2f} to {b:.2f}" for a, b in zip(evidence.low, evidence.high, strict=True)],
        "null median": evidence.null_median.round(2) + 0.0,
        f"null {100 * lo:g}-{100 * hi:g}%": [f"{a:.2f} to {b:.2f}"
                                              for a, b in zip(evidence.null_low, evidence.null_high, strict=True)],
        "p": evidence.p_value,
    }, index=evidence.index)
    return report.drop(columns=f"{level:.0%} interval") if evidence[["low", "high"]].isna().all(axis=None) else report
