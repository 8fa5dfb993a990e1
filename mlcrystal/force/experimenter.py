"""Be the experimenter (chapter 7): run a short campaign yourself, then compare it with the optimisers.

The reader receives the study's 10 initial measurements on a plausible
landscape drawn from the ensemble (:func:`mlcrystal.force.ensemble.load_ensemble`)
without being told which, chooses crystal and conditions for a budget of
experiments, and sees the force of each. At the end the reader's best-so-far
curve is drawn beside the stored campaigns on the same landscape from the same
start (``replay_ensemble``: skopt BO, the authors' loop, a grid in random order
and random search, seed 0), with experiments-to-target for each and the
reader's own efficiency ratio against two baselines.

Everything the comparison needs is precomputed here (:func:`experiment_data`);
the forces come from the landscape's closed-form physics, live in Python
(:func:`experimenter`, an ipywidgets box) and in the browser on the website
(``book/_static/mlcrystal-explorers.js``).
"""

from __future__ import annotations

from typing import Any

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML

from mlcrystal.force import baselines, ensemble, metrics
from mlcrystal.force.replay_tables import REPLAY_DIR, load_replay
from mlcrystal.plotting import figure_html
from mlcrystal.study import SEARCH_BOUNDS
from mlcrystal.webview import ExplorerBox, explorer_html, landscape_spec

__all__ = ["GAME_BUDGET", "GAME_STRATEGIES", "GAME_FRACTION", "GAME_TARGET", "GAME_PRIOR", "GAME_MEMBERS", "GAME_STEPS",
           "experiment_data", "your_results", "comparison_figure", "summary_text", "experimenter"]

#: Search experiments the reader may run after the study's 10 initial measurements.
GAME_BUDGET = 20
#: The stored campaigns shown beside the reader's: label -> (strategy, variant, grid levels).
#: The authors' loop registers a crystal too short for the model as their code does (chapter 7).
GAME_STRATEGIES: dict[str, tuple[str, str | None, int | None]] = {
    "skopt BO": ("skopt", None, None),
    "authors' loop": ("authors", "n_extra=0;short_crystals=register-asked", None),
    "grid in random order": ("grid", "centres", 4),
    "random search": ("random", None, None),
}
#: The target of experiments-to-target (chapter 7), as a share of the landscape's optimum.
GAME_FRACTION = 0.9
#: The same target as the replay tables label it ("90% of optimum").
GAME_TARGET = f"{100 * GAME_FRACTION:.0f}% of optimum"
#: The prior of chapter 6's ensemble whose members the game plays (its stored replay ``replay_relative``).
GAME_PRIOR = "relative"
#: How many of its first kept members the game draws from (each one's data is embedded in the page).
GAME_MEMBERS = 25
#: Slider steps of the reader's conditions (as the chapter 6 explorer).
GAME_STEPS = {"L_um": 25.0, "W_um": 25.0, "T_um": 5.0, "P_mW_cm2": 13.0}


def _curve(history: pd.DataFrame) -> list[float]:
    return [round(float(v), 4) for v in history.sort_values("experiment")["best_mN"]]


def experiment_data(seed: int = 0, budget: int = GAME_BUDGET, members: int = GAME_MEMBERS) -> dict[str, Any]:
    """The first ``members`` landscapes of the stored ensemble replay, with what the comparison needs.

    Parameters
    ----------
    seed : int, default 0
        The stored campaign of each strategy shown beside the reader's.
    budget : int, default :data:`GAME_BUDGET`
        Search experiments the reader may run.
    members : int, default :data:`GAME_MEMBERS`
        How many kept members of :data:`GAME_PRIOR`'s ensemble, in draw order (each one's data is
        embedded in the page).

    Returns
    -------
    dict
        ``budget``, ``n_initial``, ``bounds`` and ``members``: per landscape its
        ``name``, ``land`` (:func:`mlcrystal.webview.landscape_spec`),
        ``optimum_mN``, ``target_mN``, ``initial`` (the 10 measurements),
        ``curves`` (best force so far per experiment of each strategy),
        ``to_target`` (experiments to target of each, ``None`` when never reached)
        and ``baselines`` (expected first hit of a 4-level grid and of random
        sampling, ``None`` when they never reach the target).

    Examples
    --------
    >>> d = experiment_data()
    >>> len(d["members"]) >= 20, d["n_initial"], sorted(d["members"][0]["curves"])[0]
    (True, 10, "authors' loop")
    """
    if not (isinstance(budget, int) and 1 <= budget <= 100):
        raise ValueError(f"budget must be an integer number of experiments from 1 to 100; got {budget!r}.")
    runs = load_replay(GAME_PRIOR)
    # random search from at least 20 hits per landscape, grids exact (chapter 7's baselines)
    base = baselines.at_fraction(pd.read_csv(REPLAY_DIR / f"baselines_ratio_{GAME_PRIOR}.csv"), GAME_FRACTION)
    rows = ensemble.kept_members(GAME_PRIOR)
    replayed = set(runs["landscape"])
    stored = [name for name in rows if name in replayed]  # kept_members is in draw order
    if not (isinstance(members, int) and 1 <= members <= len(stored)):
        raise ValueError(f"members must be an integer from 1 to {len(stored)} (the landscapes replay_{GAME_PRIOR} "
                         f"holds); got {members!r}.")
    complete = set.intersection(*(set(runs.loc[runs["strategy"] == s, "seed"]) for s, *_ in GAME_STRATEGIES.values()))
    if seed not in complete:
        raise ValueError(f"seed {seed} is not stored in replay_{GAME_PRIOR} for every strategy of the game; "
                         f"choose from {sorted(complete)}.")
    out: list[dict[str, Any]] = []
    for name in stored[:members]:
        land = ensemble.member(rows[name])
        b = base[base["landscape"] == name]
        target = float(b["target_mN"].iloc[0])
        mine = runs[(runs["landscape"] == name) & (runs["seed"] == seed)]
        curves, to_target = {}, {}
        for label, (strategy, variant, levels) in GAME_STRATEGIES.items():
            h = mine[mine["strategy"] == strategy]
            if variant is not None:
                h = h[h["variant"] == variant]
            if levels is not None:
                h = h[h["grid_levels"] == levels]
            curves[label] = _curve(h)
            e = metrics.experiments_to_target(h, target, by=None)
            to_target[label] = None if np.isinf(e) else int(e)
        first = mine[(mine["strategy"] == "skopt") & (mine["phase"] == "initial")].sort_values("experiment")
        initial = [{"compound": int(r.compound), "L_um": float(r.L_um), "W_um": float(r.W_um),
                    "T_um": float(r.T_um), "P_mW_cm2": float(r.P_mW_cm2), "force_mN": round(float(r.force_mN), 4)}
                   for r in first.itertuples()]

        def expected(kind: str, levels: float | None = None, b: pd.DataFrame = b) -> float | None:
            sel = b[b["baseline"] == kind]
            if levels is not None:
                sel = sel[sel["levels"] == levels]
            v = float(sel["expected"].iloc[0]) if len(sel) else float("inf")
            return None if not np.isfinite(v) else round(v, 1)

        out.append({"name": name, "land": landscape_spec(land), "optimum_mN": float(b["optimum_mN"].iloc[0]),
                    "target_mN": target, "initial": initial, "curves": curves, "to_target": to_target,
                    "baselines": {"grid": expected("grid-centres", 4), "random": expected("random")}})
    return {"budget": budget, "n_initial": len(out[0]["initial"]), "members": out,
            "bounds": {k: [max(float(lo), 25.0) if k == "L_um" else float(lo), float(hi)]
                       for k, (lo, hi) in SEARCH_BOUNDS.items() if k != "E_GPa"}}


def your_results(member: dict, forces: list[float]) -> dict[str, Any]:
    """The reader's campaign judged like the stored ones.

    Parameters
    ----------
    member : dict
        One landscape of :func:`experiment_data`.
    forces : list of float
        The forces of the reader's search experiments, in order (after the 10 initial ones).

    Returns
    -------
    dict
        ``best_mN``, ``curve`` (best so far per experiment, initial ones included),
        ``to_target`` (experiment number of the first hit, or None) and
        ``ratio`` (``{"grid": ..., "random": ...}``: the baseline's expected first hit
        divided by the reader's experiments to target; ``inf`` when the baseline never
        reaches the target, 0 when the reader did not).

    Examples
    --------
    >>> m = {"initial": [{"force_mN": 5.0}] * 10, "target_mN": 30.0, "baselines": {"grid": 600.0, "random": None}}
    >>> r = your_results(m, [10.0, 31.0])
    >>> r["to_target"], r["ratio"]
    (12, {'grid': 50.0, 'random': inf})
    """
    all_forces = [float(i["force_mN"]) for i in member["initial"]] + [float(f) for f in forces]
    curve = list(np.maximum.accumulate(all_forces))
    history = pd.DataFrame({"experiment": np.arange(1, len(all_forces) + 1), "force_mN": all_forces})
    e = metrics.experiments_to_target(history, member["target_mN"], by=None)
    ratio = {}
    for kind in ("grid", "random"):
        g = member["baselines"][kind]
        ratio[kind] = float(metrics.efficiency_ratio(np.inf if g is None else g, e))
    return {"best_mN": float(curve[-1]), "curve": curve, "to_target": None if np.isinf(e) else int(e), "ratio": ratio}


def comparison_figure(member: dict, yours: dict, ax=None):
    """Best force so far: the reader's campaign beside the stored ones on the same landscape.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> m = experiment_data()["members"][0]
    >>> ax = comparison_figure(m, your_results(m, [1.0, 2.0]))
    >>> ax.get_ylabel()
    'best force so far (mN)'
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 4.6))
    n = len(yours["curve"])
    colours = {"skopt BO": "C0", "authors' loop": "C4", "grid in random order": "C2", "random search": "C7"}
    for label, curve in member["curves"].items():
        ax.step(np.arange(1, n + 1), curve[:n], where="post", color=colours[label], lw=1.5, label=label)
    ax.step(np.arange(1, n + 1), yours["curve"], where="post", color="black", lw=2.5, label="you")
    ax.axhline(member["target_mN"], color="0.4", ls="--", lw=1, label="target (90 % of the optimum)")
    ax.axvline(len(member["initial"]) + 0.5, color="0.3", ls=":", lw=1)
    ax.set(xlabel="experiment number", ylabel="best force so far (mN)", ylim=(0, 1.08 * member["optimum_mN"]))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize="small", frameon=False)
    return ax


def summary_text(member: dict, yours: dict) -> str:
    """The end of the game as HTML: experiments to target of everyone, and the reader's efficiency ratios."""
    n = len(yours["curve"])

    def e2t(v: int | None, stored: int | None = None) -> str:
        if v is not None and v <= n:
            return str(v)
        if stored is None:
            return f"not within {n}"
        return f"not within {n} " + (f"(nor within {stored})" if v is None else f"(reached at {v})")

    rows = [("you", e2t(yours["to_target"]), yours["best_mN"])]
    for label, curve in member["curves"].items():
        rows.append((label, e2t(member["to_target"][label], len(curve)), float(curve[min(n, len(curve)) - 1])))
    body = "".join(f"<tr><th scope=\"row\">{lab}</th><td>{hit}</td><td>{best:.1f}</td></tr>"
                   for lab, hit, best in rows)
    ratios = []
    for kind, words in (("grid", "a 4-level grid's"), ("random", "random sampling's")):
        g = member["baselines"][kind]
        r = yours["ratio"][kind]
        shown = ("infinite (the baseline never reaches the target)" if np.isinf(r) else
                 "0 (you did not reach the target)" if r == 0 else f"{r:.1f}")
        ratios.append(f"against {words} expected first hit ({'never' if g is None else f'{g:.0f} experiments'}): "
                      f"<b>{shown}</b>")
    return (f"<p>This landscape was {member['name']} of the ensemble (best possible force "
            f"{member['optimum_mN']:.1f} mN; target {member['target_mN']:.1f} mN).</p>"
            "<table class=\"mlc-results\"><caption>Experiments to target within the first "
            f"{n} experiments (the study's 10 included), and the best force reached</caption>"
            "<thead><tr><th scope=\"col\">campaign</th><th scope=\"col\">experiments to target</th>"
            f"<th scope=\"col\">best force (mN)</th></tr></thead><tbody>{body}</tbody></table>"
            f"<p>Your efficiency ratio {ratios[0]}; {ratios[1]}.</p>")


def experimenter(data: dict | None = None, member: int | None = None, random_state: Any = None) -> ExplorerBox:
    """Be the experimenter: an ipywidgets game, with a static view that runs in the browser.

    Parameters
    ----------
    data : dict, optional
        :func:`experiment_data` (computed when not given).
    member : int, optional
        Index of the landscape in ``data["members"]`` for the live game; by
        default one drawn with ``random_state`` (the reader is not told which).
    random_state : None, int or numpy.random.Generator
        Draws the landscape of the live game.

    Returns
    -------
    ExplorerBox
        Compound dropdown, four sliders, a "run the experiment" button, the log
        of experiments and, at the end, the comparison.

    Examples
    --------
    >>> box = experimenter(member=0)
    >>> box.children[5].description
    'run the experiment'
    """
    data = experiment_data() if data is None else data
    if member is None:
        member = int(np.random.default_rng(random_state).integers(len(data["members"])))
    m = data["members"][member]
    compounds = m["land"]["compounds"]
    pick = ipywidgets.Dropdown(options=[(f"{c} (E = {m['land']['moduli'][str(c)]:.3g} GPa)", c) for c in compounds],
                               value=3 if 3 in compounds else compounds[0], description="compound",
                               style={"description_width": "initial"})
    labels = {"L_um": "length L (um)", "W_um": "width W (um)", "T_um": "thickness T (um)",
              "P_mW_cm2": "light intensity P (mW/cm2)"}
    # each slider starts mid-range, on its steps (a browser's range input snaps to them)
    start = {k: lo + GAME_STEPS[k] * round((hi - lo) / 2 / GAME_STEPS[k]) for k, (lo, hi) in data["bounds"].items()}
    sliders = {k: ipywidgets.FloatSlider(value=float(start[k]), min=data["bounds"][k][0],
                                         max=data["bounds"][k][1], step=GAME_STEPS[k], description=labels[k],
                                         continuous_update=False, style={"description_width": "initial"})
               for k in labels}
    run = ipywidgets.Button(description="run the experiment", button_style="primary")
    log = ipywidgets.HTML()
    out = ipywidgets.Output()
    land = ensemble.member(ensemble.kept_members(GAME_PRIOR)[m["name"]])
    forces: list[float] = []

    def show_log() -> None:
        rows = [f"<li>{i + 1}: compound {r['compound']}, {r['force_mN']:.2f} mN (the study's)</li>"
                for i, r in enumerate(m["initial"])]
        rows += [f"<li>{len(m['initial']) + i + 1}: {text}</li>" for i, text in enumerate(done)]
        log.value = (f"<p>{data['budget'] - len(forces)} of {data['budget']} experiments left.</p>"
                     f"<ol class=\"mlc-log\">{''.join(rows)}</ol>")

    done: list[str] = []

    def on_run(_: Any) -> None:
        if len(forces) >= data["budget"]:
            return
        L, T = land.snap(sliders["L_um"].value, sliders["T_um"].value)
        f = float(land.force(pick.value, L, sliders["W_um"].value, T, sliders["P_mW_cm2"].value))
        forces.append(f)
        done.append(f"compound {pick.value}, L {L:.0f}, W {sliders['W_um'].value:.0f}, T {T:.0f} um, "
                    f"P {sliders['P_mW_cm2'].value:.0f} mW/cm2: <b>{f:.2f} mN</b>")
        show_log()
        if len(forces) == data["budget"]:
            run.disabled = True
            run.tooltip = "the budget is spent"
            yours = your_results(m, forces)
            fig, ax = plt.subplots(figsize=(5.0, 4.6))
            comparison_figure(m, yours, ax=ax)
            out.outputs = ()
            out.append_display_data(HTML(summary_text(m, yours)))
            out.append_display_data(HTML(figure_html(fig, "Best force so far of your campaign and of the stored "
                                                          "campaigns on the same landscape")))
            plt.close(fig)

    run.on_click(on_run)
    show_log()
    controls = [{"name": "compound", "label": "compound", "kind": "select", "value": str(pick.value),
                 "options": [(t, str(c)) for t, c in pick.options], "help": "the study's compound number"}]
    controls += [{"name": k, "label": s.description, "kind": "range", "min": s.min, "max": s.max, "step": s.step,
                  "value": s.value, "help": s.description} for k, s in sliders.items()]
    controls += [{"name": "run", "label": "run the experiment", "kind": "button",
                  "help": "measure the blocking force of this crystal under this light"}]
    static = explorer_html("experimenter", "Be the experimenter", controls, {"game": data},
                           f"{data['budget']} experiments left.",
                           "Best force so far (appears when the budget is spent)")
    return ExplorerBox([pick, *sliders.values(), run, log, out], static_html=static)
