"""The short-crystal rule: which length the surrogate is told, for every strategy (mlcrystal.force.feasibility)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlcrystal.cli import build_parser, main
from mlcrystal.cli.replay import landscape_names, replay_settings
from mlcrystal.force import authors, lab
from mlcrystal.force import campaigns as cp
from mlcrystal.force import feasibility as fz
from mlcrystal.force.landscape import SHARED_RESPONSE_SUFFIX, BlockingForceLandscape
from mlcrystal.force.replay_tables import load_replay
from mlcrystal.force.strategies import fast, skopt_bo

#: A fixed history: two crystals the beam model describes, and one 100 um long and 200 um thick
#: (below L >= 2.5 T), which the laboratory lengthens to 500 um.
SHORT_HISTORY = pd.DataFrame({"compound": [5, 9, 3], "L_um": [626.0, 625.0, 100.0], "W_um": [708.0, 631.0, 1500.0],
                              "T_um": [241.0, 113.0, 200.0], "P_mW_cm2": [2080.0, 2080.0, 1464.0]})


@pytest.fixture
def land():
    return BlockingForceLandscape()


def _spy(monkeypatch, module, name):
    seen = []
    real = getattr(module, name)

    def spy(X, *args, **kwargs):
        seen.append(np.array(X, dtype=float))
        return real(X, *args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return seen


@pytest.mark.parametrize(("rule", "told_L"), [("register-measured", 500.0), ("register-asked", 100.0)])
def test_authors_loop_is_told_the_rule_s_length(monkeypatch, land, rule, told_L):
    seen = _spy(monkeypatch, authors, "authors_suggest")
    h = cp.run_campaign(land, "authors", budget=5, random_state=0, initial=SHORT_HISTORY, short_crystals=rule)
    # the first suggestion sees the three initial crystals: the short one with the rule's length
    assert seen[0][:, 1].tolist() == [626.0, 625.0, told_L]
    # the history records the crystal measured, under both rules
    assert h.L_um.iloc[2] == 500.0
    assert h.force_mN.iloc[2] == pytest.approx(land.force(3, 500.0, 1500.0, 200.0, 1464.0))


@pytest.mark.parametrize(("rule", "told_L"), [("register-measured", 500.0), ("register-asked", 100.0)])
def test_fast_variant_is_told_the_rule_s_length(monkeypatch, land, rule, told_L):
    seen = _spy(monkeypatch, fast, "fast_suggest")
    cp.run_campaign(land, "fast", budget=4, random_state=0, initial=SHORT_HISTORY, short_crystals=rule,
                    n_candidates=200, gp_restarts=0)
    assert seen[0][:, 1].tolist() == [626.0, 625.0, told_L]


@pytest.mark.parametrize(("rule", "told_L"), [("register-measured", 500.0), ("register-asked", 100.0)])
def test_skopt_bo_is_told_the_rule_s_length(monkeypatch, land, rule, told_L):
    told = []
    real = skopt_bo._as_point

    def spy(row, bounds):
        told.append(float(row["L_um"]))
        return real(row, bounds)

    monkeypatch.setattr(skopt_bo, "_as_point", spy)
    cp.run_campaign(land, "skopt", budget=4, random_state=0, initial=SHORT_HISTORY, short_crystals=rule, n_points=50)
    assert told[:3] == [626.0, 625.0, told_L]


def test_default_rule_is_the_kit_s_and_reproduces_the_stored_campaigns(land):
    # the default leaves every strategy as before: the same history with and without naming it
    a = cp.run_campaign(land, "random", budget=30, random_state=3, initial="random")
    b = cp.run_campaign(land, "random", budget=30, random_state=3, initial="random",
                        short_crystals="register-measured")
    pd.testing.assert_frame_equal(a, b)
    assert fz.DEFAULT_SHORT_CRYSTALS == "register-measured"


def test_uninformed_strategies_measure_the_same_under_both_register_rules(land):
    a = cp.run_campaign(land, "grid", budget=40, random_state=1, initial="none", levels=3,
                        short_crystals="register-asked")
    b = cp.run_campaign(land, "grid", budget=40, random_state=1, initial="none", levels=3)
    pd.testing.assert_frame_equal(a, b)


def test_refuse_names_the_crystal_and_the_fix(land):
    with pytest.raises(ValueError, match=r"L_um=100, T_um=200.*refuse.*register-measured"):
        cp.run_campaign(land, "random", budget=4, random_state=0, initial=SHORT_HISTORY, short_crystals="refuse")
    # in a box whose every crystal is a beam (L >= 1250 = 2.5 x 500 um), refusing changes nothing
    box = {"E_GPa": (0.5, 4.0), "L_um": (1250.0, 3000.0), "W_um": (200.0, 2000.0), "T_um": (50.0, 500.0),
           "P_mW_cm2": (21.0, 2080.0)}
    a = cp.run_campaign(land, "random", budget=20, random_state=0, initial="none", bounds=box, short_crystals="refuse")
    b = cp.run_campaign(land, "random", budget=20, random_state=0, initial="none", bounds=box)
    pd.testing.assert_frame_equal(a, b)


def test_unknown_rule_is_refused(land):
    with pytest.raises(ValueError, match="short_crystals must be one of"):
        cp.run_campaign(land, "grid", budget=3, initial="none", short_crystals="lengthen")
    with pytest.raises(ValueError, match="short_crystals must be one of"):
        fz.told(SHORT_HISTORY, "asked")


def test_lengthened_flags_crystals_on_the_limit():
    h = pd.DataFrame({"L_um": [500.0, 625.0, 602.5], "T_um": [200.0, 241.0, 241.0]})
    assert fz.lengthened(h).tolist() == [True, False, True]


def test_authors_simulation_takes_the_rule(land):
    res = authors.authors_simulation(land, budget=12, random_state=0, initial=SHORT_HISTORY, target=np.inf,
                                     short_crystals="register-asked")
    assert len(res.history) == 12 and res.history.L_um.iloc[2] == 500.0


def test_command_line_names_the_rule_in_the_variant():
    args = build_parser().parse_args(["replay", "--strategy", "authors", "grid", "--out", "x.csv",
                                      "--short-crystals", "register-measured", "register-asked"])
    settings = replay_settings(args)
    labels = sorted((s["strategy"], s["variant"]) for s in settings)
    assert labels == [("authors", "n_extra=0"), ("authors", "n_extra=0;short_crystals=register-asked"),
                      ("grid", "centres"), ("grid", "centres;short_crystals=register-asked")]
    asked = [s for s in settings if s["strategy"] == "authors" and "asked" in s["variant"]][0]
    assert asked["options"]["short_crystals"] == "register-asked"
    default = [s for s in settings if s["strategy"] == "authors" and "asked" not in s["variant"]][0]
    assert "short_crystals" not in default["options"]  # stored tables' settings unchanged


def test_measure_keeps_the_asked_length_while_a_campaign_runs_and_the_history_drops_it(land):
    m = lab.measure(land, SHORT_HISTORY, 0.0, np.random.default_rng(0))
    assert m[fz.ASKED_LENGTH].tolist() == [626.0, 625.0, 100.0] and m.L_um.tolist() == [626.0, 625.0, 500.0]
    assert fz.told(m, "register-asked").L_um.tolist() == [626.0, 625.0, 100.0]
    assert fz.ASKED_LENGTH not in lab.finish([m], ["initial"]).columns


def test_command_line_shared_response_names_the_landscapes():
    args = build_parser().parse_args(["replay", "--strategy", "grid", "--out", "x.csv", "--shared-response"])
    assert landscape_names(args) == ["calibrated" + SHARED_RESPONSE_SUFFIX]


@pytest.mark.parametrize(("args", "message"), [
    (["--short-crystals", "lengthen"], "--short-crystals 'lengthen' is not a short-crystal rule; choose from "
                                       "register-measured, register-asked, refuse"),
    (["--shared-response", "--landscape", "gaussian", "--initial", "random"],
     "--shared-response applies to the blocking-force landscapes only"),
])
def test_command_line_refuses_an_unknown_rule_and_a_shared_gaussian(args, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["replay", "--strategy", "grid", "--out", str(tmp_path / "x.csv"), *args])
    assert exc.value.code == 2 and message in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_the_stored_register_asked_campaigns_are_reproduced(land):
    # the authors' loop is identical across CPUs for its first 20 or so experiments (force.campaigns)
    stored = load_replay("feasibility_calibrated").query("seed == 1").sort_values("experiment").head(20)
    live = cp.run_campaign(land, "authors", budget=20, random_state=1, short_crystals="register-asked")
    cols = ["compound", "L_um", "W_um", "T_um", "P_mW_cm2", "force_mN"]
    np.testing.assert_allclose(live[cols].to_numpy(float), stored[cols].to_numpy(float), rtol=0, atol=1.5e-4)
    # under the kit's rule the same seed measures other crystals after the initial design
    kit = cp.run_campaign(land, "authors", budget=20, random_state=1)
    assert not np.allclose(kit[cols].to_numpy(float), stored[cols].to_numpy(float), rtol=0, atol=1.5e-4)
