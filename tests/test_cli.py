"""Tests of the command line's replay (mlcrystal.cli): arguments, safe output, checkpoints, Dask."""

import gzip
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock

from mlcrystal.cli import build_parser, main
from mlcrystal.cli import output as cli_output
from mlcrystal.cli.checkpoint import CONFIG_COLUMNS, read_checkpoint
from mlcrystal.cli.output import sidecar
from mlcrystal.cli.replay import replay_settings
from mlcrystal.cli.types import available_cores
from mlcrystal.force import campaigns as cp
from mlcrystal.force import ensemble
from mlcrystal.force.ensemble import make_landscape
from mlcrystal.force.lab import HISTORY_COLUMNS
from mlcrystal.force.replay_tables import round_history

ROOT = Path(__file__).resolve().parent.parent

#: A small run that needs no data files: the Gaussian test landscape and a random initial design.
TINY = ["replay", "--landscape", "gaussian", "--initial", "random", "--strategy", "grid", "random",
        "--grid-levels", "2", "--seeds", "2", "--budget", "12", "--jobs", "1", "--quiet"]


def _run(*args):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "mlcrystal", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


def _read(path):
    with gzip.open(path, "rt") if str(path).endswith(".gz") else open(path) as f:
        return f.read()


def test_help_lists_the_replay_command():
    out = _run("--help")
    assert out.returncode == 0 and "replay" in out.stdout
    out = _run("replay", "--help")
    assert out.returncode == 0 and "--grid-levels" in out.stdout and "--scheduler" in out.stdout
    assert "--resume" in out.stdout and "--force" in out.stdout


@pytest.mark.parametrize("args,message", [
    (["--strategy", "simplex"], "--strategy 'simplex' is not a strategy of the kit; choose from authors, "),
    (["--seeds", "0"], "positive integer"),
    (["--noise", "-1"], "relative standard deviation from 0 to 1"),
    (["--seed-start", "-5"], "--seed-start: expected an integer >= 0, got -5"),
    (["--jobs", "0"], "--jobs: expected a positive integer, got 0"),
    (["--budget", "5"], "--budget 5 is below the initial design (10 experiments of --initial study)"),
    (["--strategy", "grid", "--grid-levels", "60"], "60^4 x 9 compounds = 116,640,000 points, above the limit"),
    (["--strategy", "grid", "--library", "article", "--grid-levels", "23"], "23^4 x 8 compounds = 2,238,728"),
])
def test_bad_arguments_are_one_line_argparse_errors(args, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["replay", "--out", str(tmp_path / "x.csv"), *args])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and message in err
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("mlcrystal replay: error:")
    assert not any(tmp_path.iterdir())  # nothing written


def test_bad_arguments_in_a_fresh_process_exit_2_without_traceback():
    out = _run("replay", "--out", "x.csv", "--budget", "5")
    assert out.returncode == 2 and "below the initial design" in out.stderr and "Traceback" not in out.stderr
    out = _run("replay")
    assert out.returncode == 2 and "--out" in out.stderr


def test_output_path_is_checked_before_any_work(tmp_path, capsys, monkeypatch):
    def boom(*a, **k):
        raise AssertionError("a campaign ran before the output path was checked")

    monkeypatch.setattr(cp, "run_campaign", boom)
    cases = [(tmp_path / "table.txt", "must end in .csv or .csv.gz"),
             (tmp_path / "missing" / "t.csv", "does not exist"),
             (tmp_path / "t.csv.bz2", "must end in .csv or .csv.gz")]
    existing = tmp_path / "old.csv"
    existing.write_text("keep me\n")
    cases.append((existing, "exists; pass --force"))
    for out, message in cases:
        with pytest.raises(SystemExit) as exc:
            main([*TINY, "--out", str(out)])
        assert exc.value.code == 2 and message in capsys.readouterr().err
    assert existing.read_text() == "keep me\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_unwritable_folder_is_refused(tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(SystemExit) as exc:
            main([*TINY, "--out", str(ro / "t.csv")])
        assert exc.value.code == 2 and "not writable" in capsys.readouterr().err
    finally:
        ro.chmod(0o700)


def test_folder_without_write_permission_is_refused_for_any_user(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli_output.os, "access", lambda path, mode: Path(path) != tmp_path)
    with pytest.raises(SystemExit) as exc:
        main([*TINY, "--out", str(tmp_path / "t.csv")])
    assert exc.value.code == 2 and f"folder {tmp_path} is not writable" in capsys.readouterr().err


def test_replay_settings_expand_only_what_applies():
    args = build_parser().parse_args(["replay", "--out", "x.csv", "--strategy", "skopt", "fast", "grid", "random",
                                      "--acq", "EI", "LCB", "--kappa", "1", "5", "--grid-levels", "2", "3"])
    s = pd.DataFrame(replay_settings(args))
    assert (s.strategy == "skopt").sum() == 3  # EI (kappa unused) + LCB x 2 kappas
    assert (s.strategy == "fast").sum() == 2 and set(s[s.strategy == "fast"].acq) == {"UCB"}
    assert sorted(s[s.strategy == "grid"].grid_levels) == [2, 3]
    assert (s.strategy == "random").sum() == 1
    assert s[s.strategy == "grid"].options.iloc[0] == {"kind": "centres", "levels": 2, "order": "random"}


def test_jobs_default_is_the_machine_cores():
    args = build_parser().parse_args(["replay", "--out", "x.csv"])
    assert args.jobs == available_cores() >= 1


def test_replay_writes_the_table_atomically_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "t.csv.gz"
    assert main([*TINY, "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == CONFIG_COLUMNS + HISTORY_COLUMNS
    assert len(table) == 2 * 2 * 12 and table.groupby(["strategy", "seed"]).size().eq(12).all()
    assert table.loc[table.strategy == "grid", "grid_levels"].eq(2).all()
    # the table holds exactly the campaigns of the library, rounded to 4 decimals
    land = make_landscape("gaussian")
    ref = cp.run_campaign(land, "grid", budget=12, random_state=1, initial="random", levels=2)
    got = table.query("strategy == 'grid' and seed == 1")[HISTORY_COLUMNS].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, round_history(ref.copy()), check_dtype=False)
    # no checkpoint or temporary left; the empty lock file holds no lock once the run ends
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv.gz", "t.csv.gz.lock"]
    with pytest.raises(SystemExit):
        main([*TINY, "--out", str(out)])
    assert "exists; pass --force" in capsys.readouterr().err
    before = out.read_bytes()
    assert main([*TINY, "--out", str(out), "--force"]) == 0
    assert out.read_bytes() == before  # deterministic, byte for byte (gzip mtime 0)


def _interrupt_after(monkeypatch, n):
    real = cp.run_campaign
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > n:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(cp, "run_campaign", flaky)


def test_interrupted_run_leaves_no_table_and_resumes_to_the_same_table(tmp_path, monkeypatch, capsys):
    fresh = tmp_path / "fresh.csv"
    assert main([*TINY, "--out", str(fresh)]) == 0
    out = tmp_path / "t.csv"
    with monkeypatch.context() as m:
        _interrupt_after(m, 3)
        assert main([*TINY, "--out", str(out)]) == 130
    assert "rerun the same command with --resume" in capsys.readouterr().err
    assert not out.exists()
    kept, done = read_checkpoint(sidecar(out, "partial"), budget=12)
    assert done == {(0, 0), (0, 1), (1, 0)} and len(kept) == 36
    # without --resume or --force the checkpoint is not silently discarded
    with pytest.raises(SystemExit) as exc:
        main([*TINY, "--out", str(out)])
    assert exc.value.code == 2 and "--resume" in capsys.readouterr().err
    # resuming runs only the missing campaign
    ran = []
    real = cp.run_campaign
    with monkeypatch.context() as m:
        m.setattr(cp, "run_campaign", lambda *a, **k: ran.append(k["random_state"]) or real(*a, **k))
        assert main([*TINY, "--out", str(out), "--resume"]) == 0
    assert ran == [1]
    assert out.read_bytes() == fresh.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.csv", "fresh.csv.lock", "t.csv", "t.csv.lock"]


def test_truncated_checkpoint_line_is_detected_and_that_campaign_rerun(tmp_path, monkeypatch):
    fresh = tmp_path / "fresh.csv.gz"
    assert main([*TINY, "--out", str(fresh)]) == 0
    out = tmp_path / "t.csv.gz"
    with monkeypatch.context() as m:
        _interrupt_after(m, 2)
        assert main([*TINY, "--out", str(out)]) == 130
    partial = sidecar(out, "partial")
    text = partial.read_bytes()
    partial.write_bytes(text[:-25])  # a crash in the middle of the last row
    kept, done = read_checkpoint(partial, budget=12)
    assert done == {(0, 0)} and len(kept) == 12  # the second campaign lost a row: it will run again
    assert main([*TINY, "--out", str(out), "--resume"]) == 0
    assert _read(out) == _read(fresh)


def test_resume_with_other_options_is_refused(tmp_path, monkeypatch, capsys):
    out = tmp_path / "t.csv"
    with monkeypatch.context() as m:
        _interrupt_after(m, 1)
        assert main([*TINY, "--out", str(out)]) == 130
    capsys.readouterr()
    assert main([*TINY, "--out", str(out), "--resume", "--budget", "13"]) == 2
    err = capsys.readouterr().err
    assert "other options" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_second_run_on_the_same_output_exits_with_a_message(tmp_path, capsys):
    out = tmp_path / "t.csv"
    lock = sidecar(out, "lock")
    with FileLock(lock, timeout=0):  # a live run holds the lock
        assert main([*TINY, "--out", str(out)]) == 1
    assert "another run is writing" in capsys.readouterr().err and not out.exists()
    # a run killed with SIGKILL leaves its lock file; the OS released its lock, so the next run goes ahead
    killed = subprocess.run([sys.executable, "-c", "import os, signal, sys; from filelock import FileLock; "
                             "FileLock(sys.argv[1]).acquire(); os.kill(os.getpid(), signal.SIGKILL)", str(lock)])
    assert killed.returncode == -9 and lock.exists()
    assert main([*TINY, "--out", str(out)]) == 0 and out.exists()


def test_replay_on_a_dask_cluster_equals_the_joblib_table(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    local = tmp_path / "joblib.csv"
    assert main([*TINY, "--out", str(local)]) == 0
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        out = tmp_path / "dask.csv"
        assert main([*TINY, "--out", str(out), "--scheduler", cluster.scheduler_address]) == 0
    assert out.read_bytes() == local.read_bytes()


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_replay_in_a_subprocess_on_two_workers(tmp_path):
    out = tmp_path / "tiny.csv.gz"
    res = _run("replay", "--strategy", "skopt", "fast", "grid", "random", "--seeds", "2", "--budget", "15",
               "--grid-levels", "2", "--out", str(out), "--jobs", "2")
    assert res.returncode == 0, res.stderr
    assert "8/8" in res.stderr and "campaigns/s" in res.stderr and "wrote 120 rows" in res.stderr
    table = pd.read_csv(out)
    assert list(table.columns) == CONFIG_COLUMNS + HISTORY_COLUMNS
    assert table.groupby(["strategy", "seed"]).size().eq(15).all() and set(table.seed) == {0, 1}
    assert (table.groupby(["strategy", "seed"]).best_mN.apply(lambda b: b.is_monotonic_increasing)).all()
    assert table.loc[table.strategy == "fast", "kappa"].eq(5.0).all()


def test_scheduler_without_dask_is_an_argparse_error(tmp_path, capsys, monkeypatch):
    # Dask is an optional extra: without it --scheduler is refused before any work, saying how to get it
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "distributed" else real(name, *args))
    with pytest.raises(SystemExit) as exc:
        main([*TINY, "--out", str(tmp_path / "x.csv"), "--scheduler", "local"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "Traceback" not in err
    assert "--scheduler needs Dask's distributed scheduler" in err and "pip install dask distributed" in err
    assert not any(tmp_path.iterdir())


def test_scheduler_local_starts_a_local_cluster_of_jobs_single_threaded_workers(tmp_path, monkeypatch, capsys):
    distributed = pytest.importorskip("dask.distributed")
    seen = {}
    real = distributed.LocalCluster

    def recording_cluster(**kwargs):
        seen.update(kwargs)
        # threads instead of processes keep the test fast; the options asked for are recorded above
        return real(**{**kwargs, "processes": False, "n_workers": 1, "dashboard_address": None})

    monkeypatch.setattr(distributed, "LocalCluster", recording_cluster)
    local = tmp_path / "joblib.csv"
    assert main([*TINY, "--out", str(local)]) == 0
    out = tmp_path / "dask.csv"
    assert main([*TINY, "--out", str(out), "--scheduler", "local", "--jobs", "3"]) == 0
    assert seen == {"n_workers": 3, "threads_per_worker": 1, "processes": True}
    assert "dashboard" not in capsys.readouterr().err  # --quiet
    assert out.read_bytes() == local.read_bytes()


# ---------------------------------------------------------------- authors, named options, ensemble landscapes

def test_authors_and_named_options_expand_into_variants():
    args = build_parser().parse_args(["replay", "--out", "x.csv", "--strategy", "authors", "fast", "grid",
                                      "--n-extra", "0", "4", "--maximizer", "bayes_opt", "sampling",
                                      "--grid-kind", "centres", "edges", "--grid-levels", "4"])
    s = pd.DataFrame(replay_settings(args))
    assert s[s.strategy == "authors"].variant.tolist() == ["n_extra=0", "n_extra=0;maximizer=sampling",
                                                           "n_extra=4", "n_extra=4;maximizer=sampling"]
    assert s[s.strategy == "authors"].options.iloc[1] == {"n_extra_intensities": 0, "maximizer": "sampling",
                                                          "optimizer_seed": 1, "kappa": 5.0}
    assert s[s.strategy == "fast"].variant.tolist() == ["n_extra=0", "n_extra=4"]
    assert s[s.strategy == "grid"].variant.tolist() == ["centres", "edges"]
    assert set(s[s.strategy == "authors"].acq) == {"UCB"}


def test_optimizer_seed_fresh_is_a_named_variant_and_bad_seeds_are_refused(capsys):
    args = build_parser().parse_args(["replay", "--out", "x.csv", "--strategy", "authors",
                                      "--optimizer-seed", "1", "fresh", "7"])
    s = pd.DataFrame(replay_settings(args))
    assert s.variant.tolist() == ["n_extra=0", "n_extra=0;optimizer_seed=fresh", "n_extra=0;optimizer_seed=7"]
    assert [o["optimizer_seed"] for o in s.options] == [1, None, 7]
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["replay", "--out", "x.csv", "--optimizer-seed", "new"])
    assert exc.value.code == 2 and "expected an integer >= 0, got 'new'" in capsys.readouterr().err


@pytest.mark.parametrize("args,message", [
    (["--strategy", "fast", "--n-extra", "5"], "--n-extra 5 is above the 4 further intensities"),
    (["--strategy", "authors", "--n-extra", "11"], "--n-extra 11 is above the authors' loop's 10"),
    (["--members", "3"], "--members applies to --landscape ensemble only"),
    (["--strategy", "authors", "--initial", "authors", "--budget", "4"], "below the initial design (5 experiments"),
])
def test_bad_authors_and_ensemble_arguments(args, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["replay", "--out", str(tmp_path / "t.csv"), *args])
    assert exc.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_ensemble_replay_names_each_member_and_resumes(tmp_path, monkeypatch, capsys):

    kept = ensemble.load_ensemble().query("kept").draw.astype(int).tolist()[:2]
    out = tmp_path / "ens.csv"
    run = ["replay", "--landscape", "ensemble", "--members", "2", "--strategy", "grid", "random",
           "--grid-kind", "edges", "--grid-levels", "2", "--seeds", "2", "--budget", "12", "--jobs", "1",
           "--quiet", "--out", str(out)]
    _interrupt_after(monkeypatch, 3)
    assert main(run) == 130
    monkeypatch.undo()
    assert main([*run, "--resume"]) == 0
    from mlcrystal.force.replay_tables import load_replay

    table = load_replay(out)
    assert sorted(table.landscape.unique()) == sorted(f"member-{d}" for d in kept)
    assert table.groupby(["landscape", "strategy"]).seed.nunique().eq(2).all()
    assert set(table.loc[table.strategy == "grid", "variant"]) == {"edges"}
    # each member's campaigns are that member's: a member's own landscape gives the same forces
    land = make_landscape(f"member-{kept[1]}")
    ref = cp.run_campaign(land, "random", budget=12, random_state=1)
    got = table[(table.landscape == f"member-{kept[1]}") & (table.strategy == "random") & (table.seed == 1)]
    assert len(got) == 12
    assert got["force_mN"].to_numpy() == pytest.approx(round_history(ref.copy())["force_mN"].to_numpy(), abs=1e-4)


def test_make_landscape_reads_the_shared_response_suffix():
    from mlcrystal.force.landscape import SHARED_RESPONSE_SUFFIX

    kept = int(ensemble.load_ensemble().query("kept").draw.iloc[0])
    for name in ("calibrated", f"member-{kept}"):
        base, twin = make_landscape(name), make_landscape(name + SHARED_RESPONSE_SUFFIX)
        assert twin.responses[2] == twin.responses[9] == base.responses[3] != base.responses[9]
        assert twin.penetration_depth_um == base.penetration_depth_um
    for bad in ("gaussian" + SHARED_RESPONSE_SUFFIX, SHARED_RESPONSE_SUFFIX):
        with pytest.raises(ValueError, match="landscape"):
            make_landscape(bad)


def test_make_landscape_reads_members_of_the_relative_prior():
    """'relative-<draw>' is that draw of the relative-prior ensemble: same constants, the invented strains scaled."""
    absolute, relative = ensemble.load_ensemble().set_index("draw"), ensemble.load_relative_ensemble().set_index("draw")
    draw = int(relative.index[relative.kept & (relative.strain_scale > 1.5)][0])
    a, r = make_landscape(f"member-{draw}"), make_landscape(f"relative-{draw}")
    # the same drawn constants (each table stores them to its own precision)
    assert r.penetration_depth_um == pytest.approx(a.penetration_depth_um, rel=1e-6)
    assert a.penetration_depth_um == pytest.approx(absolute.loc[draw, "penetration_depth_um"], rel=1e-6)
    assert r.responses[5].strain == pytest.approx(a.responses[5].strain, rel=1e-4)  # calibrated: fitted, not drawn
    assert r.responses[1].strain == pytest.approx(relative.loc[draw, "strain_1"])
    assert r.responses[1].strain != pytest.approx(a.responses[1].strain)
    assert r.optimum()["force_mN"] == pytest.approx(relative.loc[draw, "best_force_mN"], rel=1e-6)
    with pytest.raises(ValueError, match="no draw 99999"):
        make_landscape("relative-99999")


def test_a_run_killed_with_sigkill_resumes_to_the_table_of_an_uninterrupted_run(tmp_path):
    """SIGKILL cannot be caught: what survives is the checkpoint written campaign by campaign."""
    import signal
    import time

    args = ["replay", "--landscape", "gaussian", "--initial", "random", "--strategy", "fast", "--seeds", "24",
            "--budget", "25", "--jobs", "1", "--quiet"]
    fresh = tmp_path / "fresh.csv"
    assert main([*args, "--out", str(fresh)]) == 0
    out = tmp_path / "killed.csv"
    partial = sidecar(out, "partial")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "mlcrystal", *args, "--out", str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if partial.exists() and len(read_checkpoint(partial, budget=25)[1]) >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it could be killed: lengthen it"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not out.exists()
    _, done = read_checkpoint(partial, budget=25)
    assert 3 <= len(done) < 24
    assert main([*args, "--out", str(out), "--resume"]) == 0
    assert out.read_bytes() == fresh.read_bytes()
