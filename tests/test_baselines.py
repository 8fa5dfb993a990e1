"""Baselines of the efficiency ratio and the ratio across analysis choices (mlcrystal.force.baselines)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlcrystal.force.baselines import (
    baseline_table,
    first_hits,
    grid_costs,
    random_search_cost,
    ratio_by_member,
    ratio_choices,
)
from mlcrystal.force.landscape import BlockingForceLandscape


class WidthLab:
    """Compound 1's force is W / 2000 mN, compound 2's is 0: random search hits force >= t with
    probability p = (2000 - 2000 t) / 1800 / 2 (W uniform on 200-2000 um), known exactly."""

    compounds = (1, 2)
    moduli = {1: 1.0, 2: 2.0}
    min_aspect_ratio = 0.0

    def snap(self, L, T):
        return L, T

    def force(self, compound, L_um, W_um, T_um, P_mW_cm2):
        W = np.broadcast_to(np.asarray(W_um, float), np.broadcast_shapes(np.shape(compound), np.shape(W_um)))
        return np.where(np.asarray(compound) == 1, W / 2000.0, 0.0)

    def optimum_per_compound(self):
        return pd.DataFrame({"compound": [1, 2], "force_mN": [1.0, 0.0]})

    def optimum(self):
        return {"force_mN": 1.0}


def test_random_search_cost_is_right_and_rests_on_enough_hits():
    t = [0.9, 0.99]
    r = random_search_cost(WidthLab(), t, min_hits=200, chunk=50_000, max_draws=2_000_000, random_state=1)
    true_p = (2000 - 2000 * np.array(t)) / 1800 / 2
    assert (r.n_hits >= 200).all() and (r.kind == "estimate").all()
    assert np.all(r.lo.to_numpy() <= 1 / true_p) and np.all(1 / true_p <= r.hi.to_numpy())
    np.testing.assert_allclose(r.expected, 1 / true_p, rtol=0.15)
    # compound 2 (optimum 0) takes one chunk only, compound 1 until its strictest target has 200 hits
    assert r.n_draws.iloc[0] < 2_000_000


def test_random_search_cost_reports_a_bound_when_the_cap_comes_first():
    r = random_search_cost(WidthLab(), [0.9999], min_hits=20, chunk=1000, max_draws=2000, random_state=0)
    row = r.iloc[0]
    assert row.kind == "bound" and row.n_hits < 20
    true_expected = 1 / ((2000 - 2000 * 0.9999) / 1800 / 2)
    assert row.lo <= true_expected and np.isinf(row.hi)


def test_cell_centre_grids_never_test_the_box_edge_where_the_optimum_lies():
    land = BlockingForceLandscape()
    opt = land.optimum()
    assert opt["W_um"] == pytest.approx(2000.0)
    g = grid_costs(land, [0.9 * opt["force_mN"]], levels=[4], kinds=["centres", "edges"]).set_index("kind")
    assert g.loc["centres", "best_W_um"] == pytest.approx(1775.0) and g.loc["edges", "best_W_um"] == 2000.0
    # the 4-level cell-centre grid caps the force below the target; the edge grid holds three points at it
    assert g.loc["centres", "grid_best_mN"] / opt["force_mN"] < 0.9
    assert g.loc["centres", "n_hits"] == 0 and g.loc["edges", "n_hits"] == 3
    assert g.loc["edges", "expected"] == pytest.approx((2304 + 1) / 4)


def test_baseline_table_has_every_baseline_per_fraction():
    b = baseline_table({"w": WidthLab()}, fractions=[0.8, 0.9], levels=[2, 3], min_hits=50, max_draws=400_000)
    assert set(b.baseline) == {"random", "grid-centres", "grid-edges"}
    assert len(b) == 2 * (1 + 2 * 2)
    edges = b[(b.baseline == "grid-edges") & (b.levels == 2) & (b.fraction == 0.9)].iloc[0]
    # the 2-level edge grid: W in {200, 2000}; compound 1 at W = 2000 reaches every target, 8 of 32 points
    assert edges.n_points == 32 and edges.n_hits == 8
    centres = b[(b.baseline == "grid-centres") & (b.levels == 2) & (b.fraction == 0.9)].iloc[0]
    assert centres.n_hits == 0 and np.isinf(centres.expected)  # centres at W = 650 and 1550


def _hits() -> pd.DataFrame:
    h = pd.DataFrame({"landscape": "a", "strategy": "x", "variant": "", "seed": np.repeat([0, 1, 2], 4),
                      "experiment": np.tile([1, 2, 3, 4], 3), "phase": np.tile(["initial", "initial", "search",
                                                                                 "search"], 3),
                      "force_mN": [1, 2, 9.5, 9.6, 1, 2, 3, 9.2, 1, 2, 3, 4]})
    return first_hits(h, {"a": 10.0}, fractions=[0.9, 0.95])


def test_first_hits_per_campaign_and_fraction():
    f = _hits()
    assert f.query("fraction == 0.9").experiments.tolist() == [3.0, 4.0, np.inf]
    assert f.query("fraction == 0.95").experiments.tolist() == [3.0, np.inf, np.inf]
    assert (f.n_initial == 2).all() and (f.budget == 4).all()


def test_ratio_choices_over_budget_initial_design_and_baselines():
    base = pd.DataFrame({"landscape": "a", "fraction": [0.9, 0.9, 0.95, 0.95],
                         "baseline": ["random", "grid-centres", "random", "grid-centres"],
                         "levels": [pd.NA, 4, pd.NA, 4], "expected": [70.0, np.inf, 700.0, np.inf],
                         "lo": [60.0, np.inf, 600.0, np.inf], "hi": [80.0, np.inf, 800.0, np.inf]})
    t = ratio_choices(_hits(), base, budgets=[3, 4], count_initial=[True, False], n_boot=200)
    row = t.query("fraction == 0.9 and budget == 4 and count_initial and baseline == 'random'").iloc[0]
    assert row["median"] == 4.0 and row.ratio == pytest.approx(17.5) and row.reached == pytest.approx(2 / 3)
    # the initial design not counted: experiments 1 and 2, median 2
    row = t.query("fraction == 0.9 and budget == 4 and not count_initial and baseline == 'random'").iloc[0]
    assert row["median"] == 2.0 and row.ratio == pytest.approx(35.0)
    # a budget of 3 leaves one campaign at the target: the median campaign never reached it, ratio 0
    row = t.query("fraction == 0.9 and budget == 3 and count_initial and baseline == 'random'").iloc[0]
    assert np.isinf(row["median"]) and row.ratio == 0.0
    # a grid without a point at the target: infinite ratio where the median campaign reached it
    row = t.query("fraction == 0.9 and budget == 4 and count_initial and baseline == 'grid-centres'").iloc[0]
    assert np.isinf(row.ratio)
    with pytest.raises(ValueError, match="no row for landscape"):
        ratio_choices(_hits().assign(landscape="b"), base)


def test_plot_ratio_choices_draws_one_line_per_choice_and_refuses_nothing_to_draw():
    import matplotlib.pyplot as plt

    from mlcrystal.force.baselines import plot_ratio_choices

    base = pd.DataFrame({"landscape": "a", "fraction": [0.9, 0.95], "baseline": "random", "levels": pd.NA,
                         "expected": [70.0, 700.0], "lo": [60.0, 600.0], "hi": [80.0, 800.0]})
    t = ratio_choices(_hits().assign(strategy="skopt"), base, budgets=[4], count_initial=[True, False], n_boot=50)
    fig, ax = plt.subplots()
    plot_ratio_choices(t, landscape="a", ax=ax)
    # two choices (initial design counted or not) with a finite ratio, plus the claim's line
    assert len([ln for ln in ax.get_lines() if len(ln.get_xdata())]) == 3
    plt.close(fig)
    with pytest.raises(ValueError, match="no finite ratio"):
        plot_ratio_choices(t, landscape="b")


def test_ratio_by_member_counts_landscapes_where_the_ratio_is_not_defined():
    t = pd.DataFrame({"landscape": ["a", "a", "a", "b", "b"], "strategy": "skopt", "variant": "",
                      "fraction": 0.9, "baseline": "grid-edges",
                      # a: one choice never reached by BO (0), one where the grid never reaches (inf)
                      "ratio": [12.0, 0.0, np.inf, 0.0, 0.0]})
    m = ratio_by_member(t).set_index("landscape")
    assert m.loc["a", "defined"] == pytest.approx(1 / 3) and m.loc["a", "median_ratio"] == 12.0
    assert m.loc["b", "defined"] == 0.0 and np.isnan(m.loc["b", "median_ratio"])
    with pytest.raises(ValueError, match="no rows for strategy 'authors'"):
        ratio_by_member(t, "authors")


def test_at_fraction_keeps_one_target_and_labels_it_and_refuses_what_it_cannot_read():
    from mlcrystal.force.baselines import at_fraction
    from mlcrystal.force.replay_tables import REPLAY_DIR
    stored = pd.read_csv(REPLAY_DIR / "baselines_ratio_relative.csv")
    t = at_fraction(stored, 0.9)
    assert set(t.target) == {"90% of optimum"} and np.allclose(t.fraction, 0.9)
    assert len(t) == int(np.isclose(stored.fraction, 0.9).sum()) > 0
    assert (t.query("baseline == 'random'").n_hits >= 20).all()
    with pytest.raises(ValueError, match="no rows at fraction 0.5"):
        at_fraction(stored, 0.5)
    with pytest.raises(ValueError, match="no 'fraction' column"):
        at_fraction(stored.drop(columns="fraction"))
