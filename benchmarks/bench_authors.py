"""The authors' loop (bayes_opt 1.5.1) against the fast "fast" variant and skopt BO.

Usage (from the repository root, with the study's data reachable)::

    MLCRYSTAL_DATA_DIR=/path/to/data python benchmarks/bench_authors.py timing --seeds 3 --budget 100
    MLCRYSTAL_DATA_DIR=/path/to/data python benchmarks/bench_authors.py success --seeds 20 --jobs 2
    MLCRYSTAL_DATA_DIR=/path/to/data python benchmarks/bench_authors.py agreement --seeds 30 --jobs 2

``timing``
    CPU time per campaign of ``authors`` (:mod:`mlcrystal.force.authors`), the fast
    ``"fast"`` variant (``n_extra=0``) and skopt ``"skopt"`` on
    ``BlockingForceLandscape()`` from the study's 10 measurements, and their
    ratios. One BLAS thread, campaigns one after the other.
``success``
    On the Gaussian test function (P as % of 2080, and P in mW/cm^2 as the
    authors' code evaluates it) and on ``BlockingForceLandscape()``: share of
    campaigns reaching 90 % of the true optimum within 120 and 155
    experiments, median experiments to it, median best force, and the share of
    search experiments with W, T or P on a box edge, for both loops (no extra
    intensities; initial design ``--initial``: the study's 10 measurements,
    or the authors' 5 random integer points, the same for both loops).
``agreement``
    The larger version of the agreement test of ``tests/test_authors.py``:
    the authors' simulation mode (5 random integer points, then one
    measurement per suggestion, success on the 30-level grid rule) with the
    library's maximiser and with the fast variant's sampling maximiser, and
    the fast ``"fast"`` strategy from 5 random points, on the Gaussian (P in %).

Nothing here asserts a timing; the machine load is printed, quote it.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def _landscapes():
    from mlcrystal.force.landscape import BlockingForceLandscape, GaussianLandscape

    return {"gaussian_percent": GaussianLandscape(), "gaussian_mW": GaussianLandscape(intensity_reading="mW_cm2"),
            "physical": BlockingForceLandscape()}


def _cpu(fn, *args, **kwargs):
    t = time.process_time()
    out = fn(*args, **kwargs)
    return out, time.process_time() - t


# ---------------------------------------------------------------------------
# timing
# ---------------------------------------------------------------------------

def _authors_campaign(land, budget, seed):
    from mlcrystal.force.authors import authors_simulation

    return authors_simulation(land, budget=budget, random_state=seed, initial="study", target=np.inf).history


def _kit_campaign(land, strategy, budget, seed, **options):
    from mlcrystal.force.campaigns import run_campaign

    return run_campaign(land, strategy, budget=budget, random_state=seed, initial="study", **options)


def timing(seeds, budget):
    from mlcrystal.force.landscape import BlockingForceLandscape

    land = BlockingForceLandscape()
    land.optimum()
    runs = {"authors (bayes_opt)": lambda s: _authors_campaign(land, budget, s),
            "paper (fast, n_extra=0)": lambda s: _kit_campaign(land, "fast", budget, s, n_extra=0),
            "bo (skopt)": lambda s: _kit_campaign(land, "skopt", budget, s)}
    rows = []
    for name, fn in runs.items():
        for s in range(seeds):
            hist, cpu = _cpu(fn, s)
            rows.append({"loop": name, "seed": s, "cpu_s": cpu, "best_mN": float(hist["best_mN"].iloc[-1])})
    table = pd.DataFrame(rows).groupby("loop", sort=False).agg(cpu_s=("cpu_s", "mean"), best_mN=("best_mN", "median"))
    ref = table.loc["authors (bayes_opt)", "cpu_s"]
    table["authors / loop"] = ref / table["cpu_s"]
    print(f"BlockingForceLandscape, budget {budget}, {seeds} seeds, study's 10 initial measurements; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(table.to_string(float_format=lambda v: f"{v:.2f}"))


# ---------------------------------------------------------------------------
# success shares and edge shares
# ---------------------------------------------------------------------------

def _one_success(name, land, loop, seed, budget, initial="study"):
    from mlcrystal.force.authors import authors_initial_design, authors_simulation, edge_share
    from mlcrystal.force.campaigns import run_campaign

    target = 0.9 * land.optimum()["force_mN"]
    design = "study" if initial == "study" else authors_initial_design(land, random_state=seed)
    t = time.process_time()
    if loop == "authors":
        hist = authors_simulation(land, budget=budget, random_state=seed, initial=design, target=target).history
    else:
        hist = run_campaign(land, "fast", budget=budget, random_state=seed, initial=design, n_extra=0)
    cpu = time.process_time() - t
    hits = np.flatnonzero(hist["force_mN"].to_numpy() >= target)
    first = float(hist["experiment"].iloc[hits[0]]) if len(hits) else np.inf
    return {"landscape": name, "loop": loop, "seed": seed, "target_mN": target, "experiments": first,
            "best_120": float(hist["best_mN"].iloc[:120].max()), "best_155": float(hist["best_mN"].max()),
            "edge_share": edge_share(hist), "n_search": int((hist["phase"] == "search").sum()), "cpu_s": cpu}


def success(seeds, jobs, budget=155, out=None, only=None, initial="study"):
    from joblib import Parallel, delayed

    lands = {k: v for k, v in _landscapes().items() if only is None or k in only}
    for land in lands.values():
        land.optimum()
    jobs_list = [(n, land, loop, s) for n, land in lands.items() for loop in ("authors", "fast") for s in range(seeds)]
    t = time.perf_counter()
    rows = Parallel(n_jobs=jobs)(delayed(_one_success)(n, land, loop, s, budget, initial)
                                 for n, land, loop, s in jobs_list)
    wall = time.perf_counter() - t
    df = pd.DataFrame(rows)
    if out:
        df.to_csv(out, index=False)
    summary = df.groupby(["landscape", "loop"], sort=False).apply(lambda g: pd.Series({
        "target_mN": g["target_mN"].iloc[0],
        "within_120": f"{int((g.experiments <= 120).sum())}/{len(g)}",
        "within_155": f"{int((g.experiments <= 155).sum())}/{len(g)}",
        "median_exp": g["experiments"].median(),
        "median_best_120": g["best_120"].median(),
        "median_best_155": g["best_155"].median(),
        "edge_share": (g["edge_share"] * g["n_search"]).sum() / g["n_search"].sum(),
        "cpu_s_per_campaign": g["cpu_s"].mean()}), include_groups=False)
    print(f"{seeds} seeds per cell, budget {budget}, initial design {initial!r}, target 90 % of the true optimum; "
          f"wall {wall:.0f} s on {jobs} workers; load average {os.getloadavg()[0]:.2f}")
    print("(authors stops at the target, so its best forces are exact only for campaigns that miss it)")
    print(summary.to_string(float_format=lambda v: f"{v:.3g}"))


# ---------------------------------------------------------------------------
# agreement on the Gaussian, the authors' way
# ---------------------------------------------------------------------------

def _one_agreement(loop, seed, budget):
    from mlcrystal.force.authors import authors_simulation, success_grid_extremes
    from mlcrystal.force.campaigns import run_campaign
    from mlcrystal.force.landscape import GaussianLandscape
    from mlcrystal.study import AUTHORS_N_INITIAL, AUTHORS_SUCCESS_FRACTION

    land = GaussianLandscape()
    if loop == "fast":
        hi, lo = success_grid_extremes(land)
        threshold = lo + AUTHORS_SUCCESS_FRACTION * (hi - lo)
        hist = run_campaign(land, "fast", budget=budget, random_state=seed, initial="random",
                            n_initial=AUTHORS_N_INITIAL, n_extra=0)
        hits = np.flatnonzero(hist["force_mN"].to_numpy() >= threshold)
        return {"loop": loop, "seed": seed, "experiments": float(hits[0] + 1) if len(hits) else np.inf}
    maximizer = "bayes_opt" if loop == "authors" else "sampling"
    res = authors_simulation(land, budget=budget, random_state=seed, maximizer=maximizer)
    return {"loop": loop, "seed": seed, "experiments": res.experiments}


def agreement(seeds, jobs, budget=200):
    from joblib import Parallel, delayed
    from scipy.stats import mannwhitneyu

    loops = ("authors", "authors_sampling", "fast")
    t = time.perf_counter()
    rows = Parallel(n_jobs=jobs)(delayed(_one_agreement)(lp, s, budget) for lp in loops for s in range(seeds))
    wall = time.perf_counter() - t
    df = pd.DataFrame(rows)
    print(f"Gaussian (P in % of 2080), 5 random initial points, grid success rule, budget {budget}, "
          f"{seeds} seeds; wall {wall:.0f} s on {jobs} workers; load average {os.getloadavg()[0]:.2f}")
    for lp in loops:
        e = df.loc[df.loop == lp, "experiments"]
        print(f"{lp:18s} success {int(np.isfinite(e).sum())}/{len(e)}  median experiments {e.median():.1f}  "
              f"quartiles {e.quantile(0.25):.1f}-{e.quantile(0.75):.1f}")
    a = df.loc[df.loop == "authors", "experiments"].replace(np.inf, budget + 1)
    for lp in loops[1:]:
        b = df.loc[df.loop == lp, "experiments"].replace(np.inf, budget + 1)
        print(f"Mann-Whitney U, authors vs {lp}: p = {mannwhitneyu(a, b).pvalue:.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=["timing", "success", "agreement"])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--budget", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", default=None, help="CSV of the per-campaign rows (success mode)")
    ap.add_argument("--initial", choices=["study", "authors"], default="study",
                    help="success mode: the study's 10 measurements or the authors' 5 random points "
                         "(the same points for both loops)")
    ap.add_argument("--landscapes", nargs="*", default=None,
                    help="success mode: a subset of gaussian_percent, gaussian_mW, physical")
    args = ap.parse_args()
    if args.mode == "timing":
        timing(args.seeds, args.budget or 100)
    elif args.mode == "success":
        success(args.seeds, args.jobs, args.budget or 155, args.out, args.landscapes, args.initial)
    else:
        agreement(args.seeds, args.jobs, args.budget or 200)


if __name__ == "__main__":
    main()
