"""Tests of the command line (python -m mlcrystal)."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from mlcrystal.__main__ import CONFIG_COLUMNS, build_parser, replay_settings
from mlcrystal.campaign import HISTORY_COLUMNS

ROOT = Path(__file__).resolve().parent.parent


def _run(*args, **kw):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "mlcrystal", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300, **kw)


def _data_available():
    try:
        from mlcrystal.datasets import fetch
        fetch("initial_dataset.xlsx")
    except Exception:  # offline without a local copy: the subprocess test cannot run
        return False
    return True


def test_help_lists_the_replay_command():
    out = _run("--help")
    assert out.returncode == 0 and "replay" in out.stdout
    out = _run("replay", "--help")
    assert out.returncode == 0 and "--grid-levels" in out.stdout and "--jobs" in out.stdout


@pytest.mark.parametrize("args,message", [
    (["replay", "--out", "x.csv", "--strategy", "simplex"], "invalid choice"),
    (["replay", "--out", "x.csv", "--seeds", "0"], "positive integer"),
    (["replay", "--out", "x.csv", "--noise", "-1"], "number >= 0"),
    (["replay"], "--out"),
    ([], "command"),
])
def test_bad_arguments_exit_with_a_message(args, message):
    out = _run(*args)
    assert out.returncode == 2 and message in out.stderr


def test_replay_settings_expand_only_what_applies():
    args = build_parser().parse_args(["replay", "--out", "x.csv", "--strategy", "bo", "paper", "grid", "random",
                                      "--acq", "EI", "LCB", "--kappa", "1", "5", "--grid-levels", "2", "3"])
    s = pd.DataFrame(replay_settings(args))
    assert (s.strategy == "bo").sum() == 3  # EI (kappa unused) + LCB x 2 kappas
    assert (s.strategy == "paper").sum() == 2 and set(s[s.strategy == "paper"].acq) == {"UCB"}
    assert sorted(s[s.strategy == "grid"].grid_levels) == [2, 3]
    assert (s.strategy == "random").sum() == 1
    assert s[s.strategy == "grid"].options.iloc[0] == {"levels": 2, "order": "random"}


@pytest.mark.skipif(not _data_available(), reason="the study's initial data is not available offline")
def test_replay_writes_a_table_with_the_right_columns(tmp_path):
    out = tmp_path / "tiny.csv.gz"
    res = _run("replay", "--strategy", "bo", "paper", "grid", "random", "--seeds", "2", "--budget", "15",
               "--grid-levels", "2", "--out", str(out), "--jobs", "2")
    assert res.returncode == 0, res.stderr
    assert "campaigns" in res.stderr and f"wrote 120 rows" in res.stderr  # progress on stderr
    table = pd.read_csv(out)
    assert list(table.columns) == CONFIG_COLUMNS + HISTORY_COLUMNS
    assert len(table) == 4 * 2 * 15
    assert table.groupby(["strategy", "seed"]).size().eq(15).all()
    assert set(table.seed) == {0, 1}
    assert (table.groupby(["strategy", "seed"]).best_mN.apply(lambda b: b.is_monotonic_increasing)).all()
    assert table.loc[table.strategy == "paper", "kappa"].eq(5.0).all()
    assert table.loc[table.strategy == "grid", "grid_levels"].eq(2).all()
