"""Chapter 7's game (mlcrystal/experimenter.py): what it gives the reader, and how it judges them."""

import numpy as np
import pytest

from mlcrystal.force import experimenter as ex
from mlcrystal.force import metrics
from tools.sitecheck import landscape_from_spec


@pytest.fixture(scope="module")
def data():
    return ex.experiment_data()


def test_every_member_starts_from_the_studys_ten_measurements_on_its_own_landscape(data):
    assert data["n_initial"] == 10 and len(data["members"]) >= 20
    for m in data["members"][:5]:
        land = landscape_from_spec(m["land"])  # the spec the browser computes forces from
        for r in m["initial"]:
            assert land.force(r["compound"], r["L_um"], r["W_um"], r["T_um"], r["P_mW_cm2"]) == \
                pytest.approx(r["force_mN"], abs=1e-3)
        # every stored campaign starts from the same 10 measurements
        best10 = max(r["force_mN"] for r in m["initial"])
        for curve in m["curves"].values():
            assert curve[9] == pytest.approx(best10, abs=1e-3)
        assert m["target_mN"] == pytest.approx(0.9 * m["optimum_mN"], rel=1e-3)


def test_experiments_to_target_of_the_stored_campaigns(data):
    for m in data["members"]:
        for label, curve in m["curves"].items():
            hit = next((i + 1 for i, v in enumerate(curve) if v >= m["target_mN"]), None)
            assert m["to_target"][label] == hit, (m["name"], label)


def test_your_results_use_the_kits_metrics(data):
    m = data["members"][0]
    forces = [1.0, m["target_mN"] + 1.0, 2.0]
    r = ex.your_results(m, forces)
    assert r["to_target"] == 12 and r["best_mN"] == pytest.approx(m["target_mN"] + 1.0)
    g = m["baselines"]["grid"]
    assert r["ratio"]["grid"] == float(metrics.efficiency_ratio(np.inf if g is None else g, 12.0))
    assert ex.your_results(m, [0.0])["ratio"] == {"grid": 0.0, "random": 0.0}  # never reached: 0


def test_bad_budget_is_refused():
    with pytest.raises(ValueError, match="budget"):
        ex.experiment_data(budget=0)


def test_the_live_game_ends_with_the_comparison(data):
    box = ex.experimenter(data=data, member=1)
    run, log, out = box.children[5], box.children[6], box.children[7]
    for _ in range(data["budget"]):
        run.click()
    assert run.disabled and "0 of 20 experiments left" in log.value
    assert len(out.outputs) == 2 and "efficiency ratio" in out.outputs[0]["data"]["text/html"]
    assert out.outputs[1]["data"]["text/html"].startswith('<img src="data:image/png')
    assert "text/html" in box._repr_mimebundle_()  # the website's static view


def test_the_game_plays_the_relative_priors_first_members_and_the_authors_rule(data):
    names = [m["name"] for m in data["members"]]
    assert names == list(ex.ensemble.kept_members(ex.GAME_PRIOR, ex.GAME_MEMBERS))
    runs = ex.load_replay(ex.GAME_PRIOR)
    asked = runs[(runs.landscape == names[0]) & (runs.strategy == "authors") & (runs.seed == 0)
                 & (runs.variant == "n_extra=0;short_crystals=register-asked")]
    assert data["members"][0]["curves"]["authors' loop"] == pytest.approx(
        asked.sort_values("experiment").best_mN.tolist(), abs=1e-4)


@pytest.mark.parametrize("kwargs, match", [({"members": 0}, "members must be"), ({"members": 101}, "members must be"),
                                           ({"seed": 3}, "seed 3 is not stored")])
def test_bad_game_settings_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ex.experiment_data(**kwargs)


def test_the_games_random_search_baseline_rests_on_at_least_20_hits(data):
    costs = ex.baselines.at_fraction(ex.pd.read_csv(ex.REPLAY_DIR / f"baselines_ratio_{ex.GAME_PRIOR}.csv"),
                                     ex.GAME_FRACTION).set_index(["landscape", "baseline"])
    for m in data["members"]:
        row = costs.loc[(m["name"], "random")]
        assert row.n_hits >= 20 and row.kind == "estimate"
        assert m["baselines"]["random"] == pytest.approx(row.expected, abs=0.05)
