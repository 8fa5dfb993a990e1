"""Chapter 6's replay tables: the authors' loop and the fast variant on the calibrated landscape, and
authors, skopt BO, random search and grids on the plausible landscapes of ``ensemble_landscapes.csv``.

Usage (from the repository root, with ``MLCRYSTAL_DATA_DIR`` set)::

    python benchmarks/replay_ch6.py calibrated --jobs 2 --out mlcrystal/data/replay_authors.csv.gz
    python benchmarks/replay_ch6.py ensemble --members 25 --jobs 2 --out mlcrystal/data/replay_ensemble.csv.gz
    python benchmarks/replay_ch6.py ablation --members 25 --jobs 2 --out mlcrystal/data/replay_ablation.csv.gz
    python benchmarks/replay_ch6.py ensemble --prior relative --members 100 --authors-seeds 1 --both-rules \
        --model-seeds 5 --cheap-seeds 5 --jobs 2 --out mlcrystal/data/replay_relative.csv.gz
    python benchmarks/replay_ch6.py ablation --prior relative --members 25 --both-rules --jobs 2 \
        --out mlcrystal/data/replay_ablation_relative.csv.gz

Every finished campaign is appended to ``<out>.partial.csv`` (one flushed block per campaign), so that an
interrupted run keeps what finished and ``--resume`` skips it. The ensemble jobs are ordered member by
member, so a run cut short leaves complete members; ``--finish`` writes the table of the complete members
only. The table has the columns of :data:`mlcrystal.force.replay_tables.REPLAY_SCHEMA` (``landscape`` and
``variant`` name the member and the strategy's named options).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd
from joblib import Parallel, delayed
from tqdm import tqdm

from mlcrystal.force import ensemble
from mlcrystal.force.campaigns import run_campaign
from mlcrystal.force.ensemble import make_landscape
from mlcrystal.force.feasibility import check_short_crystals
from mlcrystal.force.landscape import SHARED_RESPONSE_SUFFIX
from mlcrystal.force.replay_tables import REPLAY_CONFIG_COLUMNS, REPLAY_SCHEMA, round_history


def _config(strategy, variant, seed, landscape, *, kappa=None, levels=None):
    return {"strategy": strategy, "acq": None, "kappa": kappa, "noise": 0.0, "grid_levels": levels,
            "landscape": landscape, "variant": variant, "seed": seed}


def calibrated_jobs(seeds: int = 20) -> list[tuple[dict, dict]]:
    """(configuration, run_campaign kwargs) of table (a): budget 155, the study's 10 initial measurements."""
    jobs = []
    for s in range(seeds):  # seed by seed, so that a run cut short leaves complete seeds
        jobs.append((_config("authors", "n_extra=0", s, "calibrated", kappa=5.0),
                     {"strategy": "authors", "budget": 155, "n_extra_intensities": 0}))
        for n_extra in (0, 4):
            jobs.append((_config("fast", f"n_extra={n_extra}", s, "calibrated", kappa=5.0),
                         {"strategy": "fast", "budget": 155, "n_extra": n_extra}))
    return jobs


#: The authors' short-crystal convention (its ``variant`` label, as ``mlcrystal replay`` names it).
ASKED = check_short_crystals("register-asked")


def ensemble_jobs(members: list[str], model_seeds: int = 1, cheap_seeds: int = 5,
                  authors_seeds: int | None = None, both_rules: bool = False) -> list[tuple[dict, dict]]:
    """Table (b), member by member: authors (budget 155) x ``authors_seeds`` (default ``model_seeds``; with
    ``both_rules`` also under the authors' short-crystal convention) and skopt BO (120) x ``model_seeds``;
    random search and grids (cell-centre and edge-including, 4 and 5 levels; budget 120) x ``cheap_seeds``."""
    jobs = []
    authors_seeds = model_seeds if authors_seeds is None else authors_seeds
    for m in members:
        for s in range(max(model_seeds, authors_seeds)):
            if s < authors_seeds:
                jobs.append((_config("authors", "n_extra=0", s, m, kappa=5.0),
                             {"strategy": "authors", "budget": 155, "n_extra_intensities": 0}))
                if both_rules:
                    jobs.append((_config("authors", f"n_extra=0;short_crystals={ASKED}", s, m, kappa=5.0),
                                 {"strategy": "authors", "budget": 155, "n_extra_intensities": 0,
                                  "short_crystals": ASKED}))
            if s < model_seeds:
                jobs.append((_config("skopt", "", s, m, kappa=1.96),
                             {"strategy": "skopt", "budget": 120}))
                jobs[-1][0]["acq"] = "gp_hedge"
        for s in range(cheap_seeds):
            jobs.append((_config("random", "", s, m), {"strategy": "random", "budget": 120}))
            for kind in ("centres", "edges"):
                for levels in (4, 5):
                    jobs.append((_config("grid", kind, s, m, levels=levels),
                                 {"strategy": "grid", "budget": 120, "levels": levels, "kind": kind}))
    return jobs


#: The ablations of table (c): variant label -> options of the authors' loop (each changes one thing).
ABLATIONS = {"n_extra=0;maximizer=sampling": {"maximizer": "sampling"},
             "n_extra=0;optimizer_seed=fresh": {"optimizer_seed": None},
             "n_extra=4": {"n_extra_intensities": 4},
             "n_extra=0;compound_input=identity": {"compound_input": "identity"}}


#: The two main ablations again under the authors' short-crystal convention (``--both-rules``): variant -> options.
ASKED_ABLATIONS = {f"n_extra=0;optimizer_seed=fresh;short_crystals={ASKED}": {"optimizer_seed": None,
                                                                             "short_crystals": ASKED}}


def ablation_jobs(landscapes: list[str], seeds: int = 1, both_rules: bool = False) -> list[tuple[dict, dict]]:
    """Table (c), landscape by landscape: the authors' loop (budget 100, the study's 10 measurements) with one
    change each: the sampling maximiser, a fresh optimiser seed at every step, 4 extra intensities, the
    compound's identity in place of its modulus as the model's input, and the
    unchanged loop on the landscape whose compounds 2 and 9 respond like compound 3. The unchanged loop on the
    unchanged landscape is in tables (a) and (b) (the first 100 experiments of their campaigns)."""
    jobs = []
    for m in landscapes:
        for s in range(seeds):
            for variant, opts in ABLATIONS.items():
                jobs.append((_config("authors", variant, s, m, kappa=5.0),
                             {"strategy": "authors", "budget": 100, "n_extra_intensities": 0, **opts}))
            jobs.append((_config("authors", "n_extra=0", s, m + SHARED_RESPONSE_SUFFIX, kappa=5.0),
                         {"strategy": "authors", "budget": 100, "n_extra_intensities": 0}))
            if both_rules:  # a fresh optimiser seed, and compounds 2 and 9 like 3, under the authors' rule
                for variant, opts in ASKED_ABLATIONS.items():
                    jobs.append((_config("authors", variant, s, m, kappa=5.0),
                                 {"strategy": "authors", "budget": 100, "n_extra_intensities": 0, **opts}))
                jobs.append((_config("authors", f"n_extra=0;short_crystals={ASKED}", s, m + SHARED_RESPONSE_SUFFIX,
                                     kappa=5.0), {"strategy": "authors", "budget": 100, "n_extra_intensities": 0,
                                                  "short_crystals": ASKED}))
    return jobs


def _run(config: dict, kwargs: dict) -> pd.DataFrame:
    land = make_landscape(config["landscape"])
    kw = dict(kwargs)
    strategy = kw.pop("strategy")
    h = run_campaign(land, strategy, random_state=config["seed"], **kw)
    for i, (k, v) in enumerate(config.items()):
        h.insert(i, k, v)
    return round_history(h[list(REPLAY_SCHEMA)].copy())


def _key(config: dict) -> tuple:
    def norm(v):
        if pd.isna(v):
            return ""
        return f"{float(v):g}" if isinstance(v, (int, float)) else str(v)
    return tuple(norm(config[c]) for c in REPLAY_CONFIG_COLUMNS)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("table", choices=("calibrated", "ensemble", "ablation"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--members", type=int, default=12, help="first N kept members of the ensemble")
    ap.add_argument("--prior", choices=tuple(ensemble.MEMBER_PREFIXES), default="absolute",
                    help="the ensemble: invented compounds' strains as drawn (ensemble_landscapes.csv, landscapes "
                    "'member-<draw>') or relative to the calibrated ones (ensemble_relative.csv.gz, 'relative-<draw>')")
    ap.add_argument("--both-rules", action="store_true", help="the authors' loop also under the authors' "
                    "short-crystal convention (register-asked): in the ensemble table, and for the fresh-seed and "
                    "shared-response ablations")
    ap.add_argument("--seeds", type=int, default=20, help="seeds of table (a)")
    ap.add_argument("--model-seeds", type=int, default=1, help="seeds of skopt BO (and authors) per member")
    ap.add_argument("--authors-seeds", type=int, default=None, help="seeds of authors per member "
                    "(default: --model-seeds)")
    ap.add_argument("--cheap-seeds", type=int, default=5, help="seeds of random search and grids per member")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--finish", action="store_true", help="only write the table from the checkpoint")
    args = ap.parse_args(argv)
    if args.table == "calibrated":
        jobs = calibrated_jobs(args.seeds)
    else:
        kept = list(ensemble.kept_members(args.prior, args.members))
        if args.table == "ensemble":
            jobs = ensemble_jobs(kept, args.model_seeds, args.cheap_seeds, args.authors_seeds, args.both_rules)
        else:
            jobs = ablation_jobs(["calibrated", *kept], args.model_seeds, args.both_rules)
    partial = Path(str(args.out) + ".partial.csv")
    done: set[tuple] = set()
    if partial.exists() and (args.resume or args.finish):
        old = pd.read_csv(partial, keep_default_na=False, na_values=[""])
        done = {_key(r) for r in old[REPLAY_CONFIG_COLUMNS].drop_duplicates().to_dict("records")}
    elif partial.exists():
        sys.exit(f"{partial} exists: pass --resume to continue it or delete it.")
    todo = [(c, k) for c, k in jobs if _key(c) not in done]
    t0 = time.time()
    if not args.finish and todo:
        tasks = (delayed(_run)(c, k) for c, k in todo)
        with open(partial, "a") as fh, tqdm(total=len(jobs), initial=len(jobs) - len(todo), desc=args.table,
                                            unit=" campaigns", file=sys.stderr) as bar:
            for h in Parallel(n_jobs=args.jobs, return_as="generator")(tasks):
                h.to_csv(fh, header=fh.tell() == 0, index=False)
                fh.flush()
                os.fsync(fh.fileno())
                bar.update()
    print(f"wall {time.time() - t0:.0f} s for {len(todo)} campaigns", file=sys.stderr)
    out = pd.read_csv(partial, keep_default_na=False, na_values=[""])
    out = out.drop_duplicates(subset=[*REPLAY_CONFIG_COLUMNS, "experiment"], keep="first")  # a campaign run twice
    unit = "seed" if args.table == "calibrated" else "landscape"  # keep complete members (seeds) only
    per_unit = {u: sum(1 for c, _ in jobs if c[unit] == u) for u in out[unit].unique()}
    n_done = out.groupby(unit)[REPLAY_CONFIG_COLUMNS].apply(lambda g: len(g.drop_duplicates()))
    complete = [u for u, n in n_done.items() if n == per_unit[u]]
    out = out[out[unit].isin(complete)]
    print(f"complete {unit}s: {len(complete)}", file=sys.stderr)
    order = [c for c in REPLAY_CONFIG_COLUMNS if c != "seed"] + ["seed", "experiment"]
    out = out.sort_values(order, kind="stable", na_position="first")
    tmp = args.out.with_suffix(".tmp.gz")
    out.to_csv(tmp, index=False, compression={"method": "gzip", "mtime": 0})
    os.replace(tmp, args.out)
    print(f"wrote {args.out}: {len(out)} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
