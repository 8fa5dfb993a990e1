"""Chapters survive a student turning their knobs.

Each chapter declares what a student would change in one code cell tagged
``parameters`` near its top (the papermill convention). This test executes the
chapter end to end with a second set of values, injected as a cell right after
the ``parameters`` cell (as papermill does, here with nbclient), and fails if
any cell raises. Chapters without a ``parameters`` cell are skipped with that
reason. A chapter executes in full (see the report of each run with ``-s``), so
``make test`` (through ``make unit``) pays for the converted chapters only: the
others skip at once.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
pytestmark = pytest.mark.long_running  # each runs a whole chapter

NOTEBOOKS = sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))

#: The second set of values each converted chapter runs with (names must exist in its parameters cell).
SECOND_VALUES: dict[str, dict[str, object]] = {
    "01_data_collection": {"e_range": (0.2, 45.0), "student": "s0000001"},
    "01_behind_the_numbers": {"poisson_ratios": (0.25, 0.35), "sample_seed": 3},
    "02_substructure_vectorization": {"my_molecules": {"salicylic acid": "OC(=O)c1ccccc1O", "glycine": "NCC(=O)O",
                                                       "naphthalene": "c1ccc2ccccc2c1"},
                                      "threshold": 0.85, "student": "s0000001"},
    "02_behind_the_numbers": {"thresholds": [0.65, 0.8, 0.99], "n_draws": 20, "random_state": 5},
    "04_representations": {"seed": 3, "n_repeats": 1, "novelty_repeats": 3,
                           "compare": ["fragment counts", "MACCS keys"], "student": "s0000001"},
    "04_behind_the_numbers": {"seed": 5, "n_live": 1},
    "05_crystal_anisotropy": {"candidates": {"4'-fluoro": "Oc1ccccc1C=Nc1ccc(F)cc1", "5-nitro":
                                             "Oc1ccc(cc1C=Nc1ccccc1)[N+](=O)[O-]",
                                             "N-benzylideneaniline (no OH)": "c1ccccc1C=Nc1ccccc1"},
                              "n_directions": 1500, "seed": 3, "crystal": ("HMT", "Aleksandrov"),
                              "theta_deg": 30.0, "phi_deg": 10.0, "student": "s0000001"},
    "05_behind_the_numbers": {"seed": 2, "n_permutations": 999, "n_directions": 1500},
    "03_lasso_design_rules": {"split_seed": 7, "alpha_choice": "plain CV", "partition_seed": 1,
                              "n_live_partitions": 1, "n_boot": 50, "student": "s0000001"},
    "03_behind_the_numbers": {"split_seed": 7, "partition_seed": 1, "n_live_partitions": 1, "n_boot": 50},
    "06_blocking_force_landscape": {"compound": 9, "short_crystal_rule": "refuse", "noise": 0.1, "noise_seed": 3,
                                    "member_draw": 14, "student": "s0000001"},
    "06_behind_the_numbers": {"sensitivity_values": 2, "live_draws": 4, "ensemble_seed": 1},
    "07_replaying_the_73x_claim": {"seed": 3, "budget": 60, "kappa": 2.0, "target_fraction": 0.8, "grid_levels": 5,
                                   "step_variable": "W_um", "student": "s0000007"},
    "07_behind_the_numbers": {"live_budget": 60, "live_seed": 1, "random_long_seeds": 20},
}


def parameters_cell(nb: nbformat.NotebookNode) -> int | None:
    """Index of the cell tagged ``parameters`` (None when there is none; an error when there are two)."""
    found = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    if len(found) > 1:
        raise ValueError(f"cells {found} are all tagged 'parameters'; a chapter has exactly one.")
    return found[0] if found else None


def with_values(nb: nbformat.NotebookNode, values: dict[str, object]) -> nbformat.NotebookNode:
    """A copy of ``nb`` with a cell setting ``values`` right after its ``parameters`` cell."""
    at = parameters_cell(nb)
    if at is None:
        raise ValueError("the notebook has no cell tagged 'parameters'.")
    declared = {}
    exec(nb.cells[at].source, {}, declared)  # the parameters cell only assigns literals
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise KeyError(f"values {unknown} are not set in the parameters cell (it sets {sorted(declared)}).")
    out = nbformat.from_dict(nb)
    source = "# Injected parameters\n" + "\n".join(f"{k} = {v!r}" for k, v in values.items())
    out.cells.insert(at + 1, nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]}))
    return out


def _params():
    for p in NOTEBOOKS:
        nb = nbformat.read(p, as_version=4)
        if parameters_cell(nb) is None:
            yield pytest.param(p, id=p.stem, marks=pytest.mark.skip(
                reason=f"{p.stem} has no cell tagged 'parameters' yet (not converted)"))
        else:
            yield pytest.param(p, id=p.stem)


@pytest.mark.parametrize("path", _params())
def test_chapter_runs_with_other_values(path, monkeypatch):
    assert path.stem in SECOND_VALUES, f"{path.name} has a parameters cell: add its second values to SECOND_VALUES"
    nb = with_values(nbformat.read(path, as_version=4), SECOND_VALUES[path.stem])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}}).execute()
    print(f"{path.stem}: ran with {SECOND_VALUES[path.stem]} in {time.perf_counter() - start:.0f} s")


def test_injection_follows_the_parameters_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# t"),
                nbformat.v4.new_code_cell("seed = 0\nalpha = 0.1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(seed)")]
    out = with_values(nb, {"seed": 7})
    assert out.cells[2].source == "# Injected parameters\nseed = 7" and len(nb.cells) == 3
    with pytest.raises(KeyError, match=r"\['budget'\] are not set"):
        with_values(nb, {"budget": 60})
    nb.cells[2].metadata["tags"] = ["parameters"]
    with pytest.raises(ValueError, match="exactly one"):
        parameters_cell(nb)
