"""The shared fixtures and the needs_data marker of tests/conftest.py do what they promise."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from threadpoolctl import threadpool_info

import conftest
from conftest import DATA_HINT, data_problem, skip_without_data


def test_matplotlib_draws_with_agg():
    assert matplotlib.get_backend().lower() == "agg"


def test_blas_runs_one_thread_during_a_test():
    pools = [p for p in threadpool_info() if p["user_api"] in ("blas", "openmp")]
    assert pools, "no BLAS library loaded: numpy should have loaded one"
    assert {p["num_threads"] for p in pools} == {1}


def test_figures_left_open_are_closed_after_each_test():
    import matplotlib.pyplot as plt

    plt.figure()
    gen = conftest._close_figures.__wrapped__()  # the fixture's generator, run by hand
    next(gen)
    assert plt.get_fignums()
    with pytest.raises(StopIteration):
        next(gen)
    assert plt.get_fignums() == []


def test_an_empty_data_folder_skips_with_the_hint_and_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("MLCRYSTAL_DATA_DIR", str(tmp_path))
    problem = data_problem("initial_dataset.xlsx")
    assert problem is not None and problem.startswith("initial_dataset.xlsx")
    assert str(tmp_path) in problem
    with pytest.raises(pytest.skip.Exception) as skipped:
        skip_without_data("initial_dataset.xlsx")
    assert str(skipped.value.msg).startswith(
        "upstream data not reachable: set MLCRYSTAL_DATA_DIR=/folder/with/the/files or go online")
    assert DATA_HINT in skipped.value.msg and "initial_dataset.xlsx" in skipped.value.msg


def test_the_marker_skips_before_the_test_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("MLCRYSTAL_DATA_DIR", str(tmp_path))

    class Item:
        def get_closest_marker(self, name):
            return pytest.mark.needs_data("stiffness_tensors_rev.csv").mark if name == "needs_data" else None

    with pytest.raises(pytest.skip.Exception, match="stiffness_tensors_rev.csv"):
        conftest.pytest_runtest_setup(Item())


def test_bad_marker_arguments_are_errors_not_skips():
    with pytest.raises(ValueError, match="unknown data file"):
        skip_without_data("nope.csv")
    with pytest.raises(TypeError, match="file names"):
        skip_without_data(3)  # type: ignore[arg-type]


@pytest.mark.needs_data("initial_dataset.xlsx")
def test_reachable_data_is_not_a_problem():
    assert data_problem("initial_dataset.xlsx") is None


def test_youngs_raw_is_a_fresh_copy_of_the_published_table(youngs_raw, youngs_raw_shared):
    assert youngs_raw is not youngs_raw_shared and youngs_raw.equals(youngs_raw_shared)
    assert len(youngs_raw) == 393


def test_toy_lab_peaks_with_compound_3_at_the_stated_centre(toy_lab, toy_box):
    peak = toy_lab.force(3, 2000.0, 1200.0, 150.0, 2080.0)
    assert peak == pytest.approx(30.0)
    assert toy_lab.force(5, 2000.0, 1200.0, 150.0, 2080.0) == pytest.approx(15.0)
    assert toy_lab.force(3, 2000.0, 1200.0, 150.0, 1040.0) == pytest.approx(15.0)
    assert toy_lab.force(3, 2500.0, 1200.0, 150.0, 2080.0) < peak
    L, T = toy_lab.snap(np.array([100.0, 900.0]), np.array([200.0, 200.0]))
    np.testing.assert_array_equal(L, [400.0, 900.0])
    design = toy_lab.initial_design()
    assert design.shape == (10, 6) and set(design.compound) == {5, 9}
    assert all(design[k].between(*toy_box[k]).all() for k in toy_box)
    with pytest.raises(ValueError, match="unknown compound"):
        toy_lab.force(4, 2000.0, 1200.0, 150.0, 2080.0)
    with pytest.raises(ValueError, match="beam-theory limit"):
        toy_lab.force(3, 100.0, 1200.0, 150.0, 2080.0)
