"""Chapter 7's teaching path: one BO step along one variable, and experiments-to-target curves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlcrystal import study
from mlcrystal.force.teaching import (
    BOStep,
    baseline_cost,
    bo_step,
    edge_width_share,
    grid_reach,
    plot_bo_step,
    random_reach,
    ratio_side_by_side,
    reach_curve,
)

STUDY_LIKE = pd.DataFrame({
    "E_GPa": [1.25] * 5 + [0.664] * 5, "L_um": [626.0] * 5 + [625.0] * 5, "W_um": [708.0] * 5 + [631.0] * 5,
    "T_um": [241.0] * 5 + [113.0] * 5, "P_mW_cm2": [208.0, 520.0, 1040.0, 1560.0, 2080.0] * 2,
    "force_mN": [3.35, 6.08, 8.25, 9.24, 9.72, 0.75, 1.84, 3.58, 5.23, 6.79]})


def test_bo_step_interpolates_the_measurements_and_picks_the_largest_ucb():
    step = bo_step(STUDY_LIKE, variable="P_mW_cm2", kappa=5.0, n_points=2080 - 21 + 1)
    assert isinstance(step, BOStep) and step.n_measurements == 10
    # the line runs through the box at the best crystal measured (compound 5's, at full intensity)
    assert step.line.P_mW_cm2.iloc[0] == 21.0 and step.line.P_mW_cm2.iloc[-1] == 2080.0
    assert step.fixed == {"E_GPa": 1.25, "L_um": 626.0, "W_um": 708.0, "T_um": 241.0}
    assert len(step.on_line) == 5
    # the mean passes through the measurements on the line, and the band is narrow there
    at = step.line.set_index("P_mW_cm2").loc[step.on_line.P_mW_cm2]
    np.testing.assert_allclose(at.mean_mN.to_numpy(), step.on_line.force_mN.to_numpy(), atol=0.05)
    assert at.sd_mN.max() < 0.05 < step.line.sd_mN.max()
    # the UCB is mean + kappa sd, and the pick is its argmax
    np.testing.assert_allclose(step.line.ucb_mN, step.line.mean_mN + 5.0 * step.line.sd_mN)
    assert step.pick["ucb_mN"] == pytest.approx(step.line.ucb_mN.max())
    assert step.pick["P_mW_cm2"] == step.line.P_mW_cm2[step.line.ucb_mN.idxmax()]


def test_bo_step_kappa_zero_picks_the_mean_and_more_kappa_explores():
    greedy = bo_step(STUDY_LIKE, variable="T_um", kappa=0.0)
    bold = bo_step(STUDY_LIKE, variable="T_um", kappa=study.UCB_KAPPA)
    assert greedy.pick["mean_mN"] == pytest.approx(greedy.line.mean_mN.max())
    assert bold.pick["sd_mN"] >= greedy.pick["sd_mN"]


def test_bo_step_refuses_bad_input():
    with pytest.raises(ValueError, match="lacks columns"):
        bo_step(STUDY_LIKE.drop(columns="force_mN"))
    with pytest.raises(ValueError, match="variable must be one of"):
        bo_step(STUDY_LIKE, variable="length")
    with pytest.raises(ValueError, match="at least 2 measurements"):
        bo_step(STUDY_LIKE.head(1))
    with pytest.raises(ValueError, match="kappa"):
        bo_step(STUDY_LIKE, kappa=-1.0)
    with pytest.raises(ValueError, match="not the other inputs"):
        bo_step(STUDY_LIKE, variable="T_um", at={"T_um": 100.0})
    with pytest.raises(ValueError, match="NaN"):
        bo_step(STUDY_LIKE.assign(force_mN=np.nan))


def test_plot_bo_step_draws_two_panels():
    import matplotlib

    matplotlib.use("Agg")
    fig = plot_bo_step(bo_step(STUDY_LIKE, variable="W_um", n_points=21))
    ax1, ax2 = fig.axes
    assert ax2.get_xlabel() == "width W (µm)" and ax1.get_ylabel() == "blocking force (mN)"
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_reach_curve_keeps_campaigns_that_never_reach():
    h = pd.DataFrame({"seed": np.repeat([0, 1, 2, 3], 5), "experiment": np.tile(np.arange(1, 6), 4),
                      "best_mN": [1, 2, 9, 9, 9, 1, 1, 1, 1, 9, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]})
    c = reach_curve(h, 5.0)
    assert c.reached.tolist() == [0, 0, 1, 1, 2] and set(c.campaigns) == {4}
    assert c.share.iloc[-1] == 0.5  # two of four never reached it: the curve stops at one half
    assert len(reach_curve(h, 5.0, budget=3)) == 3
    with pytest.raises(ValueError, match="lacks column"):
        reach_curve(h.drop(columns="seed"), 5.0)


def test_grid_and_random_reach_match_their_closed_forms_and_a_simulation():
    rng = np.random.default_rng(0)
    n_points, n_hits = 50, 3
    first = np.array([np.flatnonzero(rng.permutation(n_points) < n_hits)[0] + 1 for _ in range(20000)])
    sim = [(first <= n).mean() for n in (1, 10, 30)]
    np.testing.assert_allclose(grid_reach(n_points, n_hits, [1, 10, 30]), sim, atol=0.01)
    assert grid_reach(n_points, n_hits, [n_points - n_hits + 1])[0] == pytest.approx(1.0)
    geo = rng.geometric(0.02, 20000)
    np.testing.assert_allclose(random_reach(0.02, [10, 50, 200]), [(geo <= n).mean() for n in (10, 50, 200)],
                               atol=0.01)
    assert random_reach(0.0, [1000]).tolist() == [0.0]
    with pytest.raises(ValueError, match="n_hits"):
        grid_reach(10, 11, [1])
    with pytest.raises(ValueError, match="probability"):
        random_reach(1.5, [1])


def test_baseline_cost_reads_one_row_and_names_what_the_table_holds():
    t = pd.DataFrame({"landscape": "calibrated", "fraction": [0.9, 0.9, 0.9], "baseline": ["random", "grid-edges",
                      "grid-centres"], "levels": [np.nan, 4, 4], "n_points": [9_000_000, 2304, 2304],
                      "n_hits": [2266, 3, 0], "expected": [3972.0, 576.0, np.inf]})
    assert baseline_cost(t, 0.9, "grid-edges", 4).n_hits == 3
    assert baseline_cost(t, 0.9, "random").n_points == 9_000_000
    with pytest.raises(ValueError, match=r"holds fractions \[0.9\]"):
        baseline_cost(t, 0.8, "random")


def test_ratio_side_by_side_reads_both_tables_and_leaves_no_ratio_where_a_side_never_reaches():
    ratios = pd.DataFrame({
        "landscape": "calibrated", "strategy": "skopt", "variant": np.nan, "fraction": 0.9, "budget": 120,
        "count_initial": True, "baseline": ["grid-centres", "grid-edges", "random"], "levels": [4, 4, np.nan],
        "median": 66.0, "reached": 0.82, "ratio": [np.inf, 8.73, 60.2], "ratio_lo": [np.inf, 7.4, 48.9],
        "ratio_hi": [np.inf, 9.4, 67.9]})
    baselines = pd.DataFrame({"landscape": "calibrated", "fraction": 0.9, "baseline": ["grid-centres", "grid-edges",
                              "random"], "levels": [4, 4, np.nan], "n_points": [2304, 2304, 9_000_000],
                              "n_hits": [0, 3, 2266], "expected": [np.inf, 576.25, 3971.8]})
    t = ratio_side_by_side(ratios, baselines, 0.9, [4])
    assert t.baseline.tolist() == ["grid of cell centres", "grid including the box edges", "random search"]
    assert np.isnan(t.ratio.iloc[0]) and t.n_hits.tolist() == [0, 3, 2266]
    assert t.ratio.iloc[1] == pytest.approx(8.73) and t.expected.iloc[1] == pytest.approx(576.25)
    with pytest.raises(ValueError, match="budgets"):
        ratio_side_by_side(ratios, baselines, 0.9, [4], budget=100)
    with pytest.raises(ValueError, match="levels 5"):
        ratio_side_by_side(ratios, baselines, 0.9, [5])


class _EdgeLab:
    """A landscape whose force grows linearly with width, best at the box edge W = 2000 um."""

    def optimum(self):
        return {"compound": 3, "L_um": 700.0, "W_um": 2000.0, "T_um": 175.0, "P_mW_cm2": 1464.0, "force_mN": 20.0}

    def force(self, compound, L_um, W_um, T_um, P_mW_cm2):
        return 20.0 * W_um / 2000.0


def test_edge_width_share_is_the_force_at_the_widest_cell_centre():
    got = edge_width_share(_EdgeLab(), 4)
    assert got["grid_W_um"] == 1775.0  # 200 + 3.5 * 1800 / 4
    assert got["share"] == pytest.approx(1775.0 / 2000.0)
    assert edge_width_share(_EdgeLab(), 10)["share"] > got["share"]
    with pytest.raises(ValueError, match="levels"):
        edge_width_share(_EdgeLab(), 0)
