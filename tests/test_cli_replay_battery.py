"""``mlcrystal replay`` against the reliability battery: every finding refused before work or kept safe."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import _interrupt_after

from mlcrystal.cli import main
from mlcrystal.cli.output import sidecar
from mlcrystal.force import campaigns as cp
from mlcrystal.force.landscape import MAX_FORCE_GRID, GaussianLandscape, force_grid

ROOT = Path(__file__).resolve().parent.parent
TINY = ["replay", "--landscape", "gaussian", "--initial", "random", "--strategy", "grid", "random",
        "--grid-levels", "2", "--seeds", "2", "--budget", "12", "--jobs", "1", "--quiet"]


def _fail(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize("args, message", [
    (["--noise", "5"], "expected a relative standard deviation from 0 to 1, got 5.0 (0.05 is 5 %)"),
    (["--kappa", "1e6"], "expected a number from 0 to 1000, got 1000000.0"),
    (["--kappa", "nan"], "expected a number from 0 to 1000, got nan"),
    (["--seeds", "1000000000"], "expected a positive integer up to 100,000, got 1,000,000,000"),
    (["--budget", "100000000"], "expected a positive integer up to 10,000, got 100,000,000"),
    (["--seeds", "100000", "--budget", "100", "--strategy", "random"], "would write 10,000,000 rows"),
    (["--strategy", "grid", "--grid-levels", "2", "--budget", "155"],
     "--grid-levels 2 makes a grid of 144 points, fewer than the 145 search experiments of --budget 155"),
    (["--landscape", "ensemble", "--members", "100000"], "--members 100000: the ensemble has 216 kept members"),
    (["--scheduler", "tcp://localhost"], "is not 'local' nor an address like tcp://host:8786"),
    (["--strategy", "simplex"], "choose from"),
])
def test_silent_or_oversized_runs_are_refused_before_work(args, message, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cp, "run_campaign", lambda *a, **k: pytest.fail("a campaign ran"))
    assert message in _fail(["replay", "--out", str(tmp_path / "t.csv"), *args], capsys)
    assert not any(tmp_path.iterdir())


def test_out_naming_a_folder_or_nothing_is_refused(tmp_path, capsys):
    folder = tmp_path / "x.csv"
    folder.mkdir()
    assert f"{folder} is a folder; name a file in it" in _fail([*TINY, "--out", str(folder)], capsys)
    assert "expected a path, got an empty string" in _fail([*TINY, "--out", ""], capsys)


def test_table_gets_the_umask_permissions_and_force_keeps_the_old_ones(tmp_path):
    out = tmp_path / "t.csv.gz"
    old = os.umask(0o022)
    try:
        assert main([*TINY, "--out", str(out)]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644  # not mkstemp's 0600
        out.chmod(0o640)
        assert main([*TINY, "--out", str(out), "--force"]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_ctrl_c_on_a_forced_run_says_how_to_finish_it_and_that_works(tmp_path, monkeypatch, capsys):
    fresh = tmp_path / "fresh.csv"
    assert main([*TINY, "--out", str(fresh)]) == 0
    out = tmp_path / "t.csv"
    out.write_text("an older table\n")
    with monkeypatch.context() as m:
        _interrupt_after(m, 2)
        assert main([*TINY, "--out", str(out), "--force"]) == 130
    err = capsys.readouterr().err
    assert "rerun the same command with --resume --force" in err
    assert out.read_text() == "an older table\n"  # untouched until the new table is complete
    # --resume alone would replace the table without --force: refused, naming both ways on
    assert "--resume --force to finish the interrupted run" in _fail([*TINY, "--out", str(out), "--resume"], capsys)
    ran = []
    real = cp.run_campaign
    with monkeypatch.context() as m:
        m.setattr(cp, "run_campaign", lambda *a, **k: ran.append(k["random_state"]) or real(*a, **k))
        assert main([*TINY, "--out", str(out), "--resume", "--force"]) == 0
    assert len(ran) == 2  # only the two unfinished campaigns ran
    assert out.read_bytes() == fresh.read_bytes()
    assert "no checkpoint" in _fail([*TINY, "--out", str(out), "--resume", "--force"], capsys)


def test_interrupt_before_any_campaign_keeps_nothing_that_blocks_a_rerun(tmp_path, monkeypatch, capsys):
    out = tmp_path / "t.csv"
    with monkeypatch.context() as m:
        _interrupt_after(m, 0)
        assert main([*TINY, "--out", str(out)]) == 130
    assert "before any campaign finished; nothing was kept" in capsys.readouterr().err
    assert not sidecar(out, "partial").exists() and not sidecar(out, "meta").exists()
    assert main([*TINY, "--out", str(out)]) == 0


def test_a_damaged_checkpoint_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    out = tmp_path / "t.csv"
    with monkeypatch.context() as m:
        _interrupt_after(m, 1)
        assert main([*TINY, "--out", str(out)]) == 130
    capsys.readouterr()
    sidecar(out, "meta").write_text('{"settings": [')  # cut short
    assert main([*TINY, "--out", str(out), "--resume"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "is damaged" in err and "--force" in err
    sidecar(out, "meta").write_text(json.dumps({}))
    sidecar(out, "partial").write_bytes(b"\x00\x01garbage\n")
    assert main([*TINY, "--out", str(out), "--resume"]) == 2  # other options: the recorded settings differ


def test_missing_data_is_one_line_and_the_corrected_rerun_is_not_blocked(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLCRYSTAL_DATA_DIR", str(tmp_path))  # a folder without the study's files
    out = tmp_path / "t.csv"
    run = ["replay", "--strategy", "random", "--seeds", "1", "--budget", "11", "--jobs", "1", "--quiet",
           "--out", str(out)]
    assert main(run) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "initial_dataset.xlsx is not available" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv.lock"]  # no checkpoint left to block a rerun


@pytest.mark.long_running
def test_an_unreachable_scheduler_is_one_line_and_leaves_no_checkpoint(tmp_path, capsys):
    pytest.importorskip("distributed")
    out = tmp_path / "t.csv"
    res = subprocess.run([sys.executable, "-m", "mlcrystal", *TINY, "--out", str(out), "--scheduler",
                          "tcp://127.0.0.1:9"], capture_output=True, text=True, cwd=ROOT, timeout=180)
    last = res.stderr.strip().splitlines()[-1]
    assert res.returncode == 1 and last.startswith("python -m mlcrystal replay: error:") and "Traceback" not in \
        res.stderr
    assert not sidecar(out, "partial").exists() and not out.exists()


def test_force_grid_has_an_upper_bound_on_its_size():
    axis = list(range(1, 2_001))
    with pytest.raises(ValueError, match=r"2,000 lengths x 2,001 thicknesses = 4,002,000 points is above the limit"):
        force_grid(GaussianLandscape(), 1, axis, [*axis, 2001], 100.0, 100.0)
    assert MAX_FORCE_GRID == 4_000_000


def test_a_dask_run_prints_the_dashboard_address(tmp_path, capsys):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster:
        run = [a for a in TINY if a != "--quiet"]
        assert main([*run, "--out", str(tmp_path / "t.csv"), "--scheduler", cluster.scheduler_address]) == 0
    err = capsys.readouterr().err
    assert f"Dask scheduler {cluster.scheduler_address}; dashboard: http" in err
