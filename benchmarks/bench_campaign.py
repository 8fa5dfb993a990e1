"""Time BO campaigns: mlcrystal's configuration against a plain default skopt.Optimizer loop.

Usage (from the repository root, with the study's data reachable)::

    MLCRYSTAL_DATA_DIR=/path/to/data python benchmarks/bench_campaign.py \
        --campaigns 100 --budget 100 --reference-seeds 10

Prints the wall time of ``--campaigns`` seeded BO campaigns run with
``mlcrystal.force.campaigns.run_campaigns`` (goal: 100 x 100 within 10 minutes on a
2-core machine), the CPU time per campaign of both loops on ``--reference-seeds`` seeds,
their ratio, and both loops' final best force, so the speed-up is shown at
equal quality. The machine load (1-minute load average) is printed too: on a
shared machine repeat the run when it is quiet.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np


def default_skopt_campaign(land, budget, seed):
    """The reference: skopt.Optimizer with every default (GP, gp_hedge, lbfgs, 10 000 points)."""
    import pandas as pd
    from skopt import Optimizer
    from skopt.space import Categorical, Real

    from mlcrystal.force.lab import SIZE_POWER
    from mlcrystal.study import SEARCH_BOUNDS

    space = [Categorical(list(land.compounds))] + [Real(*SEARCH_BOUNDS[k]) for k in SIZE_POWER]
    opt = Optimizer(space, base_estimator="GP", n_initial_points=0, random_state=seed)
    init = land.initial_design()
    forces = list(land.force(compound=init.compound.to_numpy(), L_um=init.L_um.to_numpy(),
                             W_um=init.W_um.to_numpy(), T_um=init.T_um.to_numpy(),
                             P_mW_cm2=init.P_mW_cm2.to_numpy()))
    opt.tell([[int(c), *map(float, r)] for c, r in zip(init.compound, init[list(SIZE_POWER)].to_numpy(), strict=True)],
             [-f for f in forces])
    for _ in range(budget - len(init)):
        c, L, W, T, P = opt.ask()
        L, T = land.snap(L, T)
        L = min(L, SEARCH_BOUNDS["L_um"][1])
        f = float(land.force(compound=c, L_um=L, W_um=W, T_um=T, P_mW_cm2=P))
        forces.append(f)
        opt.tell([c, L, W, T, P], -f)
    return pd.Series(forces).cummax()


def _cpu_timed(fn, *args):
    t = time.process_time()
    out = fn(*args)
    return out, time.process_time() - t


def _pair(land, budget, seed):
    """One seed with both loops, single-threaded BLAS: (seed, cpu ours, cpu default, best ours, best default)."""
    from threadpoolctl import threadpool_limits

    from mlcrystal.force.campaigns import run_campaign

    warnings.simplefilter("ignore")
    with threadpool_limits(limits=1):
        ours, t_ours = _cpu_timed(lambda: run_campaign(land, "skopt", budget=budget, random_state=seed))
        ref, t_ref = _cpu_timed(default_skopt_campaign, land, budget, seed)
    return seed, t_ours, t_ref, float(ours.best_mN.iloc[-1]), float(ref.iloc[-1])


def main(argv=None):
    from mlcrystal.cli.types import available_cores
    from mlcrystal.force.campaigns import run_campaigns
    from mlcrystal.force.landscape import BlockingForceLandscape

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--campaigns", type=int, default=100)
    p.add_argument("--budget", type=int, default=100)
    p.add_argument("--reference-seeds", type=int, default=10,
                   help="seeds on which both loops are run and timed (CPU time, one BLAS thread per worker)")
    p.add_argument("--jobs", type=int, default=available_cores(), help="workers (default: this machine's cores)")
    args = p.parse_args(argv)
    warnings.simplefilter("ignore")
    land = BlockingForceLandscape()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (1 min) at start")

    # 1. the goal: many campaigns on both cores
    t = time.perf_counter()
    hist = run_campaigns(land, "skopt", seeds=args.campaigns, n_jobs=args.jobs, budget=args.budget)
    wall = time.perf_counter() - t
    final = hist.groupby("seed").best_mN.last()
    print(f"mlcrystal bo: {args.campaigns} campaigns x {args.budget} experiments in {wall:.0f} s wall "
          f"({wall / args.campaigns:.2f} s per campaign with {args.jobs} workers; goal 600 s for 100 x 100); "
          f"median final best {final.median():.2f} mN")

    # 2. same seeds, both loops, CPU time measured inside each worker (one BLAS thread each)
    from joblib import Parallel, delayed

    rows = Parallel(n_jobs=args.jobs)(delayed(_pair)(land, args.budget, seed)
                                      for seed in range(args.reference_seeds))
    for seed, t_ours, t_ref, b_ours, b_ref in rows:
        print(f"seed {seed}: mlcrystal {t_ours:.2f} s CPU, best {b_ours:.2f} mN | "
              f"default skopt {t_ref:.2f} s CPU, best {b_ref:.2f} mN")
    r = np.array(rows)
    print(f"per campaign (CPU, median of {len(r)} seeds): mlcrystal {np.median(r[:, 1]):.2f} s, "
          f"default skopt.Optimizer {np.median(r[:, 2]):.2f} s, speed-up x{np.median(r[:, 2] / r[:, 1]):.1f}; "
          f"final best median {np.median(r[:, 3]):.2f} vs {np.median(r[:, 4]):.2f} mN, "
          f"mean {r[:, 3].mean():.2f} vs {r[:, 4].mean():.2f} mN; optimum {land.optimum()['force_mN']:.2f} mN")
    print(f"load average {os.getloadavg()[0]:.2f} (1 min) at the end")


if __name__ == "__main__":
    main()
