"""Guard: the scikit-optimize paths mlcrystal uses work with the pinned scikit-learn.

scikit-optimize 0.10.2 is archived; a scikit-learn upgrade can break it silently.
These tests exercise exactly what the kit relies on: ``Optimizer`` ask/tell
with a GP and each acquisition used (EI, LCB, PI, gp_hedge; sampling and
lbfgs acquisition optimisers), ``gp_minimize`` and ``skopt.plots.plot_convergence``.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from skopt import Optimizer, gp_minimize
from skopt.plots import plot_convergence
from skopt.space import Categorical, Real


def quadratic(x):
    return (x[0] - 0.3) ** 2


@pytest.mark.parametrize("acq,acq_optimizer", [
    ("EI", "sampling"), ("LCB", "sampling"), ("PI", "sampling"), ("gp_hedge", "sampling"),
    ("gp_hedge", "lbfgs"),  # skopt's default set-up, the benchmark's reference loop
])
def test_optimizer_ask_tell_finds_quadratic_minimum(acq, acq_optimizer):
    opt = Optimizer([Real(-1.0, 1.0)], base_estimator="GP", acq_func=acq, acq_optimizer=acq_optimizer,
                    n_initial_points=4, random_state=0, acq_optimizer_kwargs={"n_points": 500})
    for _ in range(14):
        x = opt.ask()
        opt.tell(x, quadratic(x))
    best = opt.get_result()
    assert abs(best.x[0] - 0.3) < 0.1
    assert best.fun < 0.01


def test_optimizer_with_categorical_and_real_dimensions():
    space = [Categorical([1, 2, 3]), Real(0.0, 1.0)]
    opt = Optimizer(space, base_estimator="GP", acq_func="EI", acq_optimizer="sampling",
                    n_initial_points=6, random_state=1)
    for _ in range(20):
        c, x = opt.ask()
        opt.tell([c, x], (c != 2) + (x - 0.7) ** 2)
    res = opt.get_result()
    assert res.x[0] == 2 and abs(res.x[1] - 0.7) < 0.15


def test_gp_minimize_one_dimensional_quadratic():
    res = gp_minimize(quadratic, [(-1.0, 1.0)], n_calls=12, n_initial_points=5, random_state=0)
    assert abs(res.x[0] - 0.3) < 0.05
    assert len(res.func_vals) == 12


def test_plot_convergence_draws_the_running_minimum():
    res = gp_minimize(quadratic, [(-1.0, 1.0)], n_calls=8, n_initial_points=4, random_state=0)
    _, fresh = plt.subplots()
    ax = plot_convergence(res, ax=fresh)
    assert ax is fresh and len(ax.lines) >= 1
    y = ax.lines[0].get_ydata()
    np.testing.assert_allclose(y, np.minimum.accumulate(res.func_vals))
