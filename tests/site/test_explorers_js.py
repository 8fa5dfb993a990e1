"""The JavaScript port of the explorers' physics (book/_static/mlcrystal-explorers.js) against Python.

Runs the script in Node (skipped when Node is not installed) at random settings
and compares it with :mod:`mlcrystal.crystal` and
:class:`mlcrystal.force.landscape.BlockingForceLandscape`; ``make site-check``
repeats the comparison through the pages' controls in a browser.
"""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mlcrystal import crystal as el
from mlcrystal.datasets import load_stiffness_tensors
from mlcrystal.force import ensemble
from mlcrystal.force.landscape import BlockingForceLandscape
from mlcrystal.webview import landscape_spec

SCRIPT = Path(__file__).resolve().parents[2] / "book" / "_static" / "mlcrystal-explorers.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def run_node(program: str, payload) -> list:
    code = (f"const m = require({json.dumps(str(SCRIPT))});\n"
            f"const input = {json.dumps(payload)};\n{program}\n")
    out = subprocess.run([NODE, "-e", code], capture_output=True, text=True, check=True, timeout=60)
    return json.loads(out.stdout)


def test_youngs_modulus_matches_python_at_random_directions():
    rng = np.random.default_rng(0)
    tensors = load_stiffness_tensors()
    rows = [np.asarray(C) for C in tensors["C_GPa"] if not el.stiffness_problem(C)]
    cases = []
    for _ in range(60):
        C = rows[rng.integers(len(rows))]
        theta, phi = float(rng.uniform(0, 180)), float(rng.uniform(0, 360))
        expected = el.directional_youngs_modulus(C, el.direction_from_angles(theta, phi))
        cases.append({"C": C.tolist(), "theta": theta, "phi": phi, "E": expected})
    got = run_node("console.log(JSON.stringify(input.map(c => m.youngs(m.inverse6(c.C), "
                   "m.direction(c.theta, c.phi)))));", cases)
    np.testing.assert_allclose(got, [c["E"] for c in cases], rtol=1e-9)


@pytest.mark.parametrize("member", [None, 0, 7])
def test_force_matches_python_at_random_crystals(member):
    if member is None:
        land = BlockingForceLandscape()
    else:  # a plausible alternative landscape: every constant differs from the reference
        kept = ensemble.load_ensemble().query("kept").reset_index(drop=True)
        land = ensemble.member(kept.loc[member])
    spec = landscape_spec(land)
    rng = np.random.default_rng(1 if member is None else member + 2)
    cases = []
    for _ in range(40):
        c = int(rng.choice(land.compounds))
        T, W, P = rng.uniform(50, 500), rng.uniform(200, 2000), rng.uniform(21, 2080)
        L, T = land.snap(rng.uniform(25, 3000), T)
        cases.append({"c": c, "L": L, "W": W, "T": T, "P": P, "F": land.force(c, L, W, T, P)})
    got = run_node("console.log(JSON.stringify(input.cases.map(k => m.force(input.spec, k.c, k.L, k.W, k.T, k.P))));",
                   {"spec": spec, "cases": cases})
    np.testing.assert_allclose(got, [k["F"] for k in cases], rtol=1e-9)


def test_readout_formats_keep_three_significant_figures():
    got = run_node("console.log(JSON.stringify(input.map(x => m.sig3(x))));", [37.04, 9.716, 0.05234, 0.0, 1.0])
    assert got == ["37.04", "9.72", "0.0523", "0.00", "1.00"]
