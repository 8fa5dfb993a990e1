"""Tests of mlcrystal.force.campaigns on a small hand-made landscape (and the real one when its data is at hand)."""

import pickle

import numpy as np
import pandas as pd
import pytest
from skopt.learning import GaussianProcessRegressor
from skopt.learning.gaussian_process.kernels import ConstantKernel, Matern

from mlcrystal import force as cp
from mlcrystal import study
from mlcrystal.force.campaigns import run_campaign, run_campaigns
from mlcrystal.force.lab import HISTORY_COLUMNS, extra_intensities, grid_points, random_design, snap_modulus
from mlcrystal.force.landscape import BlockingForceLandscape
from mlcrystal.force.replay_tables import load_replay
from mlcrystal.force.strategies import registry, skopt_bo
from mlcrystal.force.strategies.fast import fast_suggest
from mlcrystal.force.strategies.skopt_bo import make_bo_optimizer
from mlcrystal.seeding import int_seed

STRATEGY_CASES = [("skopt", {"acq": "EI", "n_points": 200}), ("skopt", {"acq": "gp_hedge", "n_points": 200}),
                  ("fast", {"n_candidates": 500, "gp_restarts": 1}), ("grid", {"levels": 2}), ("random", {})]


@pytest.mark.parametrize("strategy,options", STRATEGY_CASES)
def test_campaign_is_deterministic_for_a_seed(strategy, options, toy_lab, toy_box):
    a = run_campaign(toy_lab, strategy, budget=18, random_state=3, bounds=toy_box, **options)
    b = run_campaign(toy_lab, strategy, budget=18, random_state=3, bounds=toy_box, **options)
    c = run_campaign(toy_lab, strategy, budget=18, random_state=4, bounds=toy_box, **options)
    pd.testing.assert_frame_equal(a, b)
    assert not a[["L_um", "W_um", "T_um", "P_mW_cm2"]].equals(c[["L_um", "W_um", "T_um", "P_mW_cm2"]])


@pytest.mark.parametrize("strategy,options", STRATEGY_CASES)
def test_history_is_tidy(strategy, options, toy_lab, toy_box):
    h = run_campaign(toy_lab, strategy, budget=17, random_state=0, bounds=toy_box, **options)
    assert list(h.columns) == HISTORY_COLUMNS
    assert h["experiment"].tolist() == list(range(1, 18))
    assert (h["phase"] == "initial").sum() == 10 and (h["phase"] == "search").sum() == 7
    # initial phase is the study's design, measured on the landscape
    first = h[h.phase == "initial"]
    np.testing.assert_allclose(first["force_mN"], toy_lab.force(first.compound, first.L_um, first.W_um,
                                                            first.T_um, first.P_mW_cm2))
    np.testing.assert_allclose(h["best_mN"], np.maximum.accumulate(h["force_mN"]))
    assert (h["L_um"] >= toy_lab.min_aspect_ratio * h["T_um"] - 1e-9).all()  # snapped before measuring
    assert h["compound"].isin(toy_lab.compounds).all()
    assert (h["E_GPa"] == h["compound"].map(toy_lab.moduli)).all()
    for k in ("W_um", "T_um", "P_mW_cm2"):
        assert h[k].between(*toy_box[k]).all()


def test_paper_strategy_measures_each_crystal_at_five_intensities(toy_lab, toy_box):
    h = run_campaign(toy_lab, "fast", budget=20, random_state=1, bounds=toy_box, n_candidates=300, gp_restarts=0,
                     n_extra=4)
    search = h[h.phase == "search"]
    assert len(search) == 10
    for _, block in search.groupby(np.arange(len(search)) // 5):
        assert block[["compound", "L_um", "W_um", "T_um"]].nunique().max() == 1
        assert block["P_mW_cm2"].nunique() == 5
        # the four extra intensities are four of the study's levels
        assert set(block["P_mW_cm2"].iloc[1:]) <= set(cp.STUDY_INTENSITIES)


def test_paper_strategy_truncates_last_block_to_budget(toy_lab, toy_box):
    h = run_campaign(toy_lab, "fast", budget=13, random_state=1, bounds=toy_box, n_candidates=300, gp_restarts=0,
                     n_extra=4)
    assert len(h) == 13


def test_grid_orders(toy_lab, toy_box):
    lex = run_campaign(toy_lab, "grid", budget=26, random_state=0, bounds=toy_box, levels=2, order="lexicographic",
                       initial="none")
    g = grid_points(toy_lab, 2, bounds=toy_box)
    assert lex["compound"].tolist() == g["compound"].iloc[:26].tolist()
    np.testing.assert_allclose(lex["P_mW_cm2"], g["P_mW_cm2"].iloc[:26])
    rnd = run_campaign(toy_lab, "grid", budget=64, random_state=0, bounds=toy_box, levels=2, initial="none")
    # a full visit in random order is a permutation of the grid
    key = ["compound", "W_um", "P_mW_cm2"]
    assert len(rnd) == 64 and not rnd[key].duplicated().all()
    assert sorted(map(tuple, rnd[key].to_numpy())) == sorted(map(tuple, g[key].to_numpy()))


def test_grid_points_levels_and_centres(toy_lab, toy_box):
    g = grid_points(toy_lab, {"L_um": 3, "T_um": 2}, bounds=toy_box)
    assert len(g) == 4 * 3 * 2
    assert sorted(g["L_um"].unique()) == [500.0, 1500.0, 2500.0]
    assert sorted(g["T_um"].unique()) == [162.5, 387.5]
    assert g["W_um"].unique().tolist() == [1100.0]  # 1 level: centre of the range
    assert len(grid_points(toy_lab, 3, bounds=toy_box)) == 4 * 3 ** 4
    with pytest.raises(ValueError, match="levels"):
        grid_points(toy_lab, {"X": 2}, bounds=toy_box)
    with pytest.raises(ValueError, match="positive integer"):
        grid_points(toy_lab, 0, bounds=toy_box)


def test_random_initial_design_and_none(toy_lab, toy_box):
    h = run_campaign(toy_lab, "random", budget=12, random_state=0, bounds=toy_box, initial="random", n_initial=6)
    assert (h.phase == "initial").sum() == 6
    d = random_design(toy_lab, 500, random_state=1, bounds=toy_box)
    assert set(d.compound) == set(toy_lab.compounds)
    assert d["L_um"].between(0, 3000).all() and d["P_mW_cm2"].between(21, 2080).all()
    h = run_campaign(toy_lab, "random", budget=5, random_state=0, bounds=toy_box, initial="none")
    assert (h.phase == "search").all() and len(h) == 5


def test_noise_is_reproducible_and_true_force_is_kept(toy_lab, toy_box):
    a = run_campaign(toy_lab, "random", budget=15, random_state=2, bounds=toy_box, noise=0.1)
    b = run_campaign(toy_lab, "random", budget=15, random_state=2, bounds=toy_box, noise=0.1)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["force_mN"], a["true_mN"])
    np.testing.assert_allclose(a["true_mN"], toy_lab.force(a.compound, a.L_um, a.W_um, a.T_um, a.P_mW_cm2))


def test_extra_intensities():
    assert extra_intensities(1000.0) == [208.0, 520.0, 1560.0, 2080.0]
    assert extra_intensities(2079.0) == [208.0, 520.0, 1040.0, 1560.0]
    assert extra_intensities(50.0, n_extra=2) == [1560.0, 2080.0]
    with pytest.raises(ValueError, match="n_extra"):
        extra_intensities(100.0, n_extra=5)
    with pytest.raises(ValueError, match="finite"):
        extra_intensities(float("nan"))


def test_snap_modulus_nearest_and_ties():
    moduli = {1: 1.92, 4: 1.83, 10: 1.83, 3: 0.677}
    assert snap_modulus(0.1, moduli) == 3
    assert snap_modulus(2.5, moduli) == 1
    picks = {snap_modulus(1.8, moduli, random_state=s) for s in range(20)}
    assert picks == {4, 10}
    with pytest.raises(ValueError, match="finite"):
        snap_modulus(np.nan, moduli)


def test_paper_suggest_stays_in_bounds_and_explores_with_kappa(toy_box):
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.uniform(*toy_box[k], 12) for k in toy_box])
    y = X[:, 1] / 100.0
    x = fast_suggest(X, y, toy_box, kappa=0.0, n_candidates=2000, random_state=0)
    lo = np.array([v[0] for v in toy_box.values()])
    hi = np.array([v[1] for v in toy_box.values()])
    assert np.all((x >= lo) & (x <= hi))
    assert x[1] > 2000  # pure exploitation follows the trend in L
    with pytest.raises(ValueError, match=r"\(n, 5\)"):
        fast_suggest(X[:, :4], y, toy_box)
    with pytest.raises(ValueError, match="finite"):
        fast_suggest(np.where(X > 2500, np.nan, X), y, toy_box)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_make_bo_optimizer_space_and_fast_gp_matches_skopt(toy_lab, toy_box):
    opt = make_bo_optimizer(toy_lab, acq="LCB", random_state=0, bounds=toy_box)
    assert opt.space.dimensions[0].categories == toy_lab.compounds
    assert opt.acq_optimizer == "sampling"
    rng = np.random.default_rng(0)
    X, Z = rng.uniform(size=(40, 3)), rng.uniform(size=(300, 3))
    y = np.sin(4 * X.sum(axis=1))
    kernel = ConstantKernel() * Matern(length_scale=np.ones(3), nu=2.5)
    ref = GaussianProcessRegressor(kernel=kernel, normalize_y=True, noise="gaussian", random_state=0).fit(X, y)
    fast = cp.FastGP(kernel=kernel, normalize_y=True, noise="gaussian", random_state=0).fit(X, y)
    for a, b in zip(ref.predict(Z, return_std=True), fast.predict(Z, return_std=True), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)
    with pytest.raises(ValueError, match="acq"):
        make_bo_optimizer(toy_lab, acq="UCB", bounds=toy_box)


@pytest.mark.parametrize("kwargs,match", [
    ({"strategy": "simplex"}, "strategy must be one of"),
    ({"budget": 0}, "budget"),
    ({"budget": 5}, "smaller than the initial design"),
    ({"noise": -0.1}, "noise"),
    ({"random_state": "seed"}, "random_state"),
    ({"random_state": -1}, "non-negative int"),
    ({"random_state": 1.5}, "non-negative int"),
    ({"strategy": "skopt", "random_state": -3}, "non-negative int"),
    ({"initial": "lhs"}, "initial"),
    ({"strategy": "grid", "acq": "EI"}, "unknown options"),
    ({"strategy": "skopt", "initial": "none"}, "at least 2"),
    ({"strategy": "grid", "order": "spiral"}, "order"),
    ({"strategy": "skopt", "refit_every": 0}, "refit_every"),
])
def test_run_campaign_rejects_bad_input(kwargs, match, toy_lab, toy_box):
    args = {"strategy": "random", "budget": 12, "random_state": 0, "bounds": toy_box, **kwargs}
    with pytest.raises(ValueError, match=match):
        run_campaign(toy_lab, **args)


def test_bounds_are_checked(toy_lab, toy_box):
    with pytest.raises(ValueError, match="missing"):
        run_campaign(toy_lab, "random", budget=12, bounds={"L_um": (0, 1)})
    with pytest.raises(ValueError, match="low < high"):
        run_campaign(toy_lab, "random", budget=12, bounds={**toy_box, "W_um": (5, 1)})


def test_run_campaigns_stacks_seeds_and_matches_single_runs(toy_lab, toy_box):
    many = run_campaigns(toy_lab, "random", seeds=[4, 2], n_jobs=1, budget=12, bounds=toy_box)
    assert many["seed"].unique().tolist() == [2, 4]
    one = run_campaign(toy_lab, "random", budget=12, random_state=4, bounds=toy_box)
    pd.testing.assert_frame_equal(many[many.seed == 4].drop(columns="seed").reset_index(drop=True), one)
    par = run_campaigns(toy_lab, "random", seeds=[4, 2], n_jobs=2, budget=12, bounds=toy_box)
    pd.testing.assert_frame_equal(many, par)
    with pytest.raises(ValueError, match="seeds"):
        run_campaigns(toy_lab, "random", seeds=0, budget=12, bounds=toy_box)
    with pytest.raises(ValueError, match="ints >= 0"):
        run_campaigns(toy_lab, "random", seeds=[1, -2], budget=12, bounds=toy_box)
    with pytest.raises(ValueError, match="n_jobs"):
        run_campaigns(toy_lab, "random", seeds=2, n_jobs=0, budget=12, bounds=toy_box)


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_real_landscape_campaign():
    land = BlockingForceLandscape()
    h = run_campaign(land, "skopt", budget=14, random_state=0, acq="EI", n_points=200)
    assert len(h) == 14 and h["best_mN"].iloc[-1] >= h["force_mN"].iloc[:10].max()
    assert (h["L_um"] >= land.min_aspect_ratio * h["T_um"] - 1e-6).all()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_bo_optimizer_pickles_and_asks_the_same_point(toy_lab, toy_box):
    opt = make_bo_optimizer(toy_lab, acq="gp_hedge", n_points=200, random_state=5, bounds=toy_box)
    h = run_campaign(toy_lab, "random", budget=12, random_state=0, bounds=toy_box)
    opt.tell([skopt_bo._as_point(r, toy_box) for _, r in h.iterrows()], (-h["force_mN"]).tolist())
    cp.prepare_next_fit(opt, optimise=True)
    opt.tell(skopt_bo._as_point(h.iloc[0], toy_box), -float(h["force_mN"].iloc[0]))
    copy = pickle.loads(pickle.dumps(opt))
    assert isinstance(copy.models[-1], cp.FastGP)
    a, b = opt.ask(), copy.ask()
    assert a[0] == b[0] and np.array_equal(a[1:], b[1:])
    assert a[0] in toy_lab.compounds and toy_box["L_um"][0] <= a[1] <= toy_box["L_um"][1]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_prepare_next_fit_warm_starts_or_freezes_the_kernel(toy_lab, toy_box):
    opt = make_bo_optimizer(toy_lab, acq="EI", n_points=200, random_state=1, bounds=toy_box)
    h = run_campaign(toy_lab, "random", budget=14, random_state=1, bounds=toy_box)
    opt.tell([skopt_bo._as_point(r, toy_box) for _, r in h.iterrows()], (-h["force_mN"]).tolist())
    fitted = opt.models[-1].kernel_
    est = cp.prepare_next_fit(opt, optimise=False)
    assert opt.base_estimator_ is est and est.optimizer is None
    np.testing.assert_allclose(est.kernel.k1.theta, fitted.k1.theta)  # the fitted kernel is the start
    opt.tell(skopt_bo._as_point(h.iloc[1], toy_box), -float(h["force_mN"].iloc[1]))
    # hyperparameters kept fixed: the new fit has exactly the previous length scales
    np.testing.assert_allclose(opt.models[-1].kernel_.k1.theta, fitted.k1.theta)
    assert len(opt.models) == 2  # only the last fits are kept
    est = cp.prepare_next_fit(opt, optimise=True)
    assert est.optimizer is skopt_bo._lbfgs_warm and len(opt.models) == 1


def test_int_seed_for_skopt_comes_from_the_campaign_generator(toy_lab, toy_box):
    # make_bo_optimizer draws skopt's int from a generator with seeding.int_seed, and refuses bad seeds
    opt = make_bo_optimizer(toy_lab, random_state=np.random.default_rng(9), bounds=toy_box)
    assert opt.base_estimator_.random_state == int_seed(np.random.default_rng(9))
    assert make_bo_optimizer(toy_lab, random_state=4, bounds=toy_box).base_estimator_.random_state == 4
    with pytest.raises(ValueError, match="non-negative"):
        make_bo_optimizer(toy_lab, random_state=-4, bounds=toy_box)


def test_strategy_registry_adds_a_strategy_in_one_line(toy_lab, toy_box):
    def first_corner(landscape, first, n_search, rng, noise, bounds, corner="low"):
        side = 0 if corner == "low" else 1
        cond = pd.DataFrame({"compound": [landscape.compounds[0]] * n_search,
                             **{k: [bounds[k][side]] * n_search for k in cp.SIZE_POWER}})
        cond["L_um"] = np.maximum(cond["L_um"], 1000.0)
        return [cp.measure(landscape, cond, noise, rng)]

    cp.register_strategy("corner", first_corner, {"corner"})
    try:
        assert "corner" in cp.STRATEGIES
        h = run_campaign(toy_lab, "corner", budget=12, random_state=0, bounds=toy_box, corner="high")
        assert len(h) == 12 and (h.phase == "search").sum() == 2
        assert h[h.phase == "search"].P_mW_cm2.eq(2080.0).all()
        with pytest.raises(ValueError, match="unknown options"):
            run_campaign(toy_lab, "corner", budget=12, bounds=toy_box, levels=2)
    finally:
        del registry._REGISTRY["corner"]
    assert "corner" not in cp.STRATEGIES


def test_grid_points_refuses_a_grid_too_large_for_memory(toy_lab, toy_box):
    assert cp.grid_size(9, 21) == 9 * 21 ** 4 <= cp.MAX_GRID_POINTS < cp.grid_size(9, 22)
    with pytest.raises(ValueError, match="exceeds max_points"):
        grid_points(toy_lab, 60, bounds=toy_box)
    with pytest.raises(ValueError, match="exceeds max_points=100"):
        grid_points(toy_lab, 3, bounds=toy_box, max_points=100)


def test_study_facts_come_from_the_study_module():
    assert cp.STUDY_INTENSITIES == tuple(f * study.MAX_INTENSITY_MW_CM2 for f in study.INITIAL_INTENSITY_FRACTIONS)
    assert cp.STUDY_INTENSITIES == (208.0, 520.0, 1040.0, 1560.0, 2080.0)
    assert cp.check_bounds(None) == dict(study.SEARCH_BOUNDS)


def test_iter_campaigns_yields_every_key_and_progress_counts(capsys, toy_lab, toy_box):
    jobs = [(("random", s), "random", s, {"budget": 11, "bounds": toy_box}) for s in (3, 1, 2)]
    got = dict(cp.iter_campaigns(toy_lab, jobs))
    assert sorted(got) == [("random", 1), ("random", 2), ("random", 3)]
    pd.testing.assert_frame_equal(got[("random", 1)].drop(columns="seed"),
                                  run_campaign(toy_lab, "random", budget=11, random_state=1, bounds=toy_box))
    with pytest.raises(ValueError, match="non-negative"):
        list(cp.iter_campaigns(toy_lab, [("x", "random", -1, {"budget": 11})]))
    run_campaigns(toy_lab, "random", seeds=2, budget=11, bounds=toy_box, progress=True)
    err = capsys.readouterr().err
    assert "2/2" in err and "campaigns/s" in err  # tqdm's bar: done/total, rate


def _final_best_table(strategy, finals, start_seed=0):
    return pd.DataFrame([{"strategy": strategy, "seed": start_seed + i, "experiment": e, "best_mN": f * e / 3}
                         for i, f in enumerate(finals) for e in (1, 2, 3)])


def test_compare_with_stored_identity_for_machine_independent_strategies(toy_lab, toy_box):
    stored = run_campaigns(toy_lab, "grid", seeds=3, budget=12, bounds=toy_box, levels=2).assign(strategy="grid")
    live = run_campaigns(toy_lab, "grid", seeds=[0, 2], budget=12, bounds=toy_box, levels=2).assign(strategy="grid")
    res = cp.compare_with_stored(live, stored.round(4))
    assert res[["strategy", "check", "campaigns", "agree"]].values.tolist() == [["grid", "identical per seed", 2, True]]
    bent = live.copy()
    bent.loc[bent.index[5], "W_um"] += 1e-3  # one value off by more than the table's 4 decimals
    assert not cp.compare_with_stored(bent, stored)["agree"].item()
    with pytest.raises(ValueError, match=r"seeds \[7\]"):
        cp.compare_with_stored(live.assign(seed=7), stored)


def test_compare_with_stored_distribution_for_bo():
    rng = np.random.default_rng(0)
    stored = _final_best_table("skopt", 35 + rng.standard_normal(100))
    typical = cp.compare_with_stored(_final_best_table("skopt", [35.2, 34.6]), stored)
    assert typical["check"].item() == "median best inside the stored interval" and typical["agree"].item()
    assert typical["lo"].item() < 34.9 < typical["hi"].item() and typical["live_median"].item() == pytest.approx(34.9)
    worse = cp.compare_with_stored(_final_best_table("skopt", [30.0, 31.0]), stored)
    assert not worse["agree"].item() and worse["hi"].item() < 38
    # a wider interval at a higher level
    wide = cp.compare_with_stored(_final_best_table("skopt", [35.2, 34.6]), stored, level=0.999)
    assert wide["lo"].item() <= typical["lo"].item() and wide["hi"].item() >= typical["hi"].item()
    with pytest.raises(ValueError, match="level"):
        cp.compare_with_stored(stored, stored, level=1.0)
    with pytest.raises(ValueError, match="lacks columns"):
        cp.compare_with_stored(stored.drop(columns="best_mN"), stored)
    with pytest.raises(ValueError, match="no 'fast' campaigns"):
        cp.compare_with_stored(stored.assign(strategy="fast"), stored)


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_stored_main_table_reproduces_for_machine_independent_strategies():
    land = BlockingForceLandscape(library="published")
    main = load_replay("main")
    options = {"fast": {"n_extra": 4}, "grid": {"levels": 4}, "random": {}}  # stored before n_extra's default was 0
    live = pd.concat([run_campaigns(land, s, seeds=[3], budget=120, **o).assign(strategy=s)
                      for s, o in options.items()], ignore_index=True)
    res = cp.compare_with_stored(live, main)
    assert res["check"].eq("identical per seed").all() and res["agree"].all(), res


# ---------------------------------------------------------------- the authors' loop, named options, grid kinds

def test_paper_default_measures_one_intensity_per_crystal_the_published_n_trial_p(toy_lab, toy_box):
    h = run_campaign(toy_lab, "fast", budget=14, random_state=1, bounds=toy_box, n_candidates=300, gp_restarts=0)
    search = h[h.phase == "search"]
    assert len(search) == 4
    # each suggestion is its own crystal: no two consecutive rows share size and compound
    assert search[["compound", "L_um", "W_um", "T_um"]].drop_duplicates().shape[0] == 4


def test_authors_is_a_registered_strategy_with_its_named_options(toy_lab, toy_box):
    assert "authors" in cp.STRATEGIES
    assert cp.AUTHORS_OPTIONS == {"kappa", "optimizer_seed", "n_extra_intensities", "maximizer", "n_candidates",
                                  "short_crystals", "compound_input"}
    with pytest.raises(ValueError, match=r"unknown options \['n_extra'\] for strategy 'authors'"):
        run_campaign(toy_lab, "authors", budget=12, random_state=0, bounds=toy_box, initial="random", n_extra=4)


def test_authors_campaign_runs_the_authors_loop_from_their_initial_design(toy_lab, toy_box):
    from mlcrystal.force import authors

    h = run_campaign(toy_lab, "authors", budget=8, random_state=3, bounds=toy_box, initial="authors",
                     n_extra_intensities=1, maximizer="sampling", n_candidates=200)
    assert len(h) == 8 and (h.phase == "initial").sum() == 5  # the code's 5 random points
    init = h[h.phase == "initial"]
    ref = authors.authors_initial_design(toy_lab, random_state=np.random.default_rng(3), bounds=toy_box)
    assert init["compound"].tolist() == ref["compound"].tolist()
    assert init[["W_um", "T_um", "P_mW_cm2"]].to_numpy().tolist() == \
        ref[["W_um", "T_um", "P_mW_cm2"]].to_numpy(float).tolist()
    assert (init["L_um"].to_numpy() >= ref["L_um"].to_numpy(float)).all()  # lengths the beam theory allows
    search = h[h.phase == "search"]
    # one extra intensity per suggested crystal: pairs of rows share the crystal
    assert search.iloc[:2][["compound", "L_um", "W_um", "T_um"]].nunique().max() == 1
    assert search["L_um"].eq(search["L_um"].round()).all()  # integers, as the authors' code rounds them
    again = run_campaign(toy_lab, "authors", budget=8, random_state=3, bounds=toy_box, initial="authors",
                         n_extra_intensities=1, maximizer="sampling", n_candidates=200)
    pd.testing.assert_frame_equal(h, again)


def test_grid_kinds_centres_and_edges(toy_lab, toy_box):
    centres = grid_points(toy_lab, {"L_um": 3, "P_mW_cm2": 2}, bounds=toy_box)
    edges = grid_points(toy_lab, {"L_um": 3, "P_mW_cm2": 2}, bounds=toy_box, kind="edges")
    assert len(centres) == len(edges) == 3 * 2 * len(toy_lab.compounds)
    assert sorted(centres.L_um.unique()) == [500.0, 1500.0, 2500.0]
    assert sorted(edges.L_um.unique()) == [0.0, 1500.0, 3000.0]
    assert sorted(edges.P_mW_cm2.unique()) == [21.0, 2080.0]
    assert sorted(edges.W_um.unique()) == [1100.0]  # a 1-level axis takes the middle either way
    with pytest.raises(ValueError, match=r"kind must be one of \('centres', 'edges'\); got 'corners'"):
        grid_points(toy_lab, 2, bounds=toy_box, kind="corners")
    h = run_campaign(toy_lab, "grid", budget=10, random_state=0, bounds=toy_box, levels=2, kind="edges", initial="none")
    assert set(h.P_mW_cm2) <= {21.0, 2080.0}


def test_compare_with_stored_per_seed_for_a_named_strategy(toy_lab, toy_box):
    stored = run_campaigns(toy_lab, "random", seeds=3, budget=12, bounds=toy_box,
                           initial="random").assign(strategy="skopt")
    live = stored[stored.seed == 1].copy()
    assert cp.compare_with_stored(live, stored)["check"].item() == "median best inside the stored interval"
    same = cp.compare_with_stored(live, stored, per_seed=["skopt"])
    assert same["check"].item() == "identical per seed" and same["agree"].item()
    live.loc[live.index[5], "force_mN"] += 0.01
    assert not cp.compare_with_stored(live, stored, per_seed=["skopt"])["agree"].item()


@pytest.mark.parametrize(("old", "new"), [("bo", "skopt"), ("paper", "fast")])
def test_old_strategy_names_are_refused_with_the_new_ones(toy_lab, toy_box, old, new):
    with pytest.raises(ValueError, match=rf"strategy '{old}' was renamed '{new}'; use strategy='{new}'"):
        run_campaign(toy_lab, old, budget=12, random_state=0, bounds=toy_box)
    with pytest.raises(ValueError, match="old name of strategy"):
        cp.register_strategy(old, lambda *a, **k: [], set())
    assert registry.strategy_names()[:5] == ("skopt", "fast", "grid", "random", "authors")
    assert old not in cp.STRATEGIES and new in registry.strategy_names()


def test_every_strategy_measures_through_the_laboratory_protocol(toy_lab, toy_box, monkeypatch):
    # the strategies (the authors' loop included) measure with mlcrystal.force.lab.measure: count the calls
    from mlcrystal.force import authors, lab
    from mlcrystal.force.strategies import fast, grid, random_search

    calls = []
    real = lab.measure

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    for module in (skopt_bo, fast, grid, random_search, authors):
        monkeypatch.setattr(module, "measure", counting)
    for name, options in [("skopt", {"n_points": 100}), ("fast", {"n_candidates": 200, "gp_restarts": 0}),
                          ("grid", {"levels": 2}), ("random", {}), ("authors", {})]:
        calls.clear()
        run_campaign(toy_lab, name, budget=12, random_state=0, bounds=toy_box, **options)
        assert calls, f"strategy {name!r} did not measure through mlcrystal.force.lab.measure"


def test_compare_with_stored_says_not_comparable_when_the_budget_differs(toy_lab, toy_box):
    stored = run_campaigns(toy_lab, "grid", seeds=2, budget=12, bounds=toy_box, levels=2).assign(strategy="grid")
    short = run_campaigns(toy_lab, "grid", seeds=[0], budget=11, bounds=toy_box, levels=2).assign(strategy="grid")
    res = cp.compare_with_stored(short, stored.round(4))
    assert res["result"].item() == "not comparable: the budget differs" and res["agree"].item() is None
    bo = _final_best_table("skopt", [35.2, 34.6])
    res = cp.compare_with_stored(bo[bo.experiment <= 2], _final_best_table("skopt", [35.0, 35.1, 34.9]))
    assert res["result"].item() == "not comparable: the budget differs"
    same = cp.compare_with_stored(bo, _final_best_table("skopt", [35.0, 35.1, 34.9]))
    assert same["result"].item() == "agree"
