"""The ``"skopt"`` strategy: Bayesian optimisation with :class:`skopt.Optimizer` (ask/tell)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from skopt import Optimizer
from skopt.learning import GaussianProcessRegressor as SkoptGP
from skopt.learning.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
from skopt.space import Categorical, Space
from skopt.space import Real as RealDim
from skopt.utils import normalize_dimensions

from mlcrystal.force.feasibility import DEFAULT_SHORT_CRYSTALS, told
from mlcrystal.force.lab import SIZE_POWER, Bounds, Laboratory, check_bounds, measure
from mlcrystal.seeding import RandomState, check_random_state, int_seed

__all__ = ["BO_ACQUISITIONS", "FastGP", "make_bo_optimizer", "prepare_next_fit", "run_skopt"]

#: Acquisition functions accepted by the ``"skopt"`` strategy (skopt names).
BO_ACQUISITIONS = ("EI", "LCB", "PI", "gp_hedge")


def _bo_space(landscape: Laboratory, bounds: Bounds) -> list:
    return [Categorical([int(c) for c in landscape.compounds], name="compound")] + \
        [RealDim(*bounds[k], name=k) for k in SIZE_POWER]


class FastGP(SkoptGP):
    """skopt's GP with a BLAS-based predictive variance (same numbers, ~10x faster).

    skopt 0.10.2 computes the variance with a three-operand ``np.einsum``
    that does not use BLAS; this dominates a campaign's run time. Defined at
    module level so that an optimiser holding it pickles (joblib, Dask).
    """

    def predict(self, X: np.ndarray, return_std: bool = False, return_cov: bool = False,
                return_mean_grad: bool = False, return_std_grad: bool = False) -> Any:
        """Mean (and, with ``return_std``, standard deviation) at ``X``, as skopt's GP returns them."""
        if not return_std or return_cov or return_mean_grad or return_std_grad \
                or not hasattr(self, "X_train_"):
            return super().predict(X, return_std=return_std, return_cov=return_cov,
                                   return_mean_grad=return_mean_grad,
                                   return_std_grad=return_std_grad)
        # gp_hedge asks for the same candidates three times in a row: reuse the answer
        cached = getattr(self, "_last_prediction", None)
        if cached is not None and cached[0] is X and cached[1] is self.alpha_:
            return cached[2]
        K_trans = self.kernel_(X, self.X_train_)
        y_mean = self.y_train_std_ * K_trans.dot(self.alpha_) + self.y_train_mean_
        y_var = self.kernel_.diag(X) - np.einsum("ij,ij->i", K_trans @ self.K_inv_, K_trans)
        y_var = np.clip(y_var, 0.0, None)
        out = (y_mean, np.sqrt(y_var) * self.y_train_std_)
        self._last_prediction = (X, self.alpha_, out)
        return out


def make_bo_optimizer(landscape: Laboratory, acq: str = "gp_hedge", kappa: float = 1.96, xi: float = 0.01,
                      n_points: int = 1000, gp_restarts: int = 0, random_state: RandomState = None,
                      bounds: Bounds | None = None) -> Optimizer:
    """A :class:`skopt.Optimizer` set up for blocking-force campaigns.

    The space is a ``Categorical`` over the library's compounds and ``Real``
    L, W, T and P within ``bounds``. The surrogate is skopt's default GP
    (constant x anisotropic Matern 5/2, Gaussian noise term, normalised y)
    with ``gp_restarts`` restarts of its hyperparameter optimiser and a
    BLAS-based predictive variance (:class:`FastGP`); the acquisition is
    maximised over ``n_points`` random candidates (``acq_optimizer="sampling"``).
    During a campaign (:func:`~mlcrystal.force.campaigns.run_campaign`) the kernel hyperparameters are
    re-optimised every ``refit_every`` experiments (default 5), warm-started
    from the previous fit and capped at 30 L-BFGS-B iterations, and kept fixed
    in between (:func:`prepare_next_fit`). Together these make a campaign
    several times faster than a default ``skopt.Optimizer`` (2 restarts every
    step; lbfgs from 10 000 candidates) at equal quality
    (``benchmarks/bench_campaign.py``). The optimiser pickles.

    Parameters
    ----------
    landscape : object
        Provides ``compounds``.
    acq : {"EI", "LCB", "PI", "gp_hedge"}
        Acquisition function (skopt minimises, so LCB on -force is UCB on force).
    kappa, xi : float
        Exploration parameters of LCB and of EI/PI.
    n_points : int
        Random candidates over which the acquisition is maximised.
    gp_restarts : int
        Restarts of the GP hyperparameter optimiser.
    random_state : None, int >= 0 or numpy.random.Generator
        skopt wants an int: one is drawn with :func:`mlcrystal.seeding.int_seed`
        (an int is used as it is).
    bounds : dict, optional
        Search box; defaults to :data:`mlcrystal.study.SEARCH_BOUNDS`.

    Returns
    -------
    skopt.Optimizer

    Examples
    --------
    >>> from mlcrystal.force.landscape import GaussianLandscape
    >>> opt = make_bo_optimizer(GaussianLandscape(), acq="EI", random_state=0)
    >>> len(opt.space.dimensions)
    5
    """
    if acq not in BO_ACQUISITIONS:
        raise ValueError(f"acq must be one of {BO_ACQUISITIONS}; got {acq!r}.")
    if not isinstance(n_points, Integral) or n_points < 1:
        raise ValueError(f"n_points must be a positive integer; got {n_points!r}.")
    if not isinstance(kappa, Real) or kappa < 0:
        raise ValueError(f"kappa must be a non-negative number; got {kappa!r}.")
    seed = _skopt_seed(random_state)
    space = _bo_space(landscape, check_bounds(bounds))
    # the kernel of skopt's cook_estimator("GP"): constant x anisotropic Matern 5/2 (+ white noise)
    n_dims = Space(normalize_dimensions(space)).transformed_n_dims
    kernel = ConstantKernel(1.0, (0.01, 1000.0)) * Matern(
        length_scale=np.ones(n_dims), length_scale_bounds=[(0.01, 100)] * n_dims, nu=2.5)
    gp = FastGP(kernel=kernel, normalize_y=True, noise="gaussian", n_restarts_optimizer=int(gp_restarts),
                random_state=seed)
    return Optimizer(space, base_estimator=gp, n_initial_points=0, acq_func=acq,
                     acq_optimizer="sampling", acq_func_kwargs={"kappa": float(kappa), "xi": float(xi)},
                     acq_optimizer_kwargs={"n_points": int(n_points)}, random_state=seed)


def _skopt_seed(random_state: RandomState) -> int | None:
    """The int skopt wants: an int as given (checked), a generator through :func:`int_seed`, None as None."""
    if random_state is None:
        return None
    if isinstance(random_state, np.random.Generator):
        return int_seed(random_state)
    check_random_state(random_state)  # refuses negative, bool, float, ...
    return int(random_state)


def _as_point(row: pd.Series, bounds: Bounds) -> list:
    x: list = [int(row["compound"])]
    for k in SIZE_POWER:
        lo, hi = bounds[k]
        x.append(float(np.clip(row[k], lo, hi)))
    return x


def _lbfgs_warm(obj_func: Callable, initial_theta: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, float]:
    """GP hyperparameter optimiser: L-BFGS-B from the previous fit, at most 30 iterations."""
    res = minimize(obj_func, initial_theta, method="L-BFGS-B", jac=True, bounds=bounds,
                   options={"maxiter": 30})
    return res.x, res.fun


def prepare_next_fit(opt: Optimizer, optimise: bool) -> SkoptGP:
    """Set up the GP that ``opt`` fits at its next ``tell``: every reach into skopt's internals.

    skopt 0.10.2 has no public way to warm-start or freeze the GP
    hyperparameters between ``tell`` calls, so this one function reaches
    inside the optimiser (nothing else in the kit does):

    * ``opt.models[-1]`` is the GP fitted at the last ``tell`` (the only
      place skopt keeps it); its ``kernel_.k1`` is the fitted constant x
      Matern part and ``noise_`` the fitted noise level (skopt's GP with
      ``noise="gaussian"`` adds a ``WhiteKernel`` term while fitting and
      reports it there). Their sum is the starting kernel of the next fit.
    * ``opt.base_estimator_`` is what ``tell`` clones and fits; it is the
      only hook to change the kernel and the hyperparameter optimiser of the
      next fit. We replace it by a copy with the warm kernel and either
      ``_lbfgs_warm`` (30 L-BFGS-B iterations from the warm start) or
      ``optimizer=None`` (keep the hyperparameters fixed).
    * ``del opt.models[:-1]``: skopt keeps every fitted GP of a campaign;
      only the last is needed, so memory stays flat over long campaigns.

    Parameters
    ----------
    opt : skopt.Optimizer
        An optimiser from :func:`make_bo_optimizer` that has been told at least once.
    optimise : bool
        Re-optimise the hyperparameters at the next fit (warm-started) or keep them.

    Returns
    -------
    skopt.learning.GaussianProcessRegressor
        The new (unfitted) ``opt.base_estimator_``.
    """
    last = opt.models[-1]
    kernel = last.kernel_.k1 + WhiteKernel(noise_level=max(float(last.noise_ or 1e-5), 1e-5))
    est = opt.base_estimator_
    opt.base_estimator_ = est.__class__(**{**est.get_params(deep=False), "kernel": kernel,
                                           "optimizer": _lbfgs_warm if optimise else None})
    del opt.models[:-1]  # keep memory flat over long campaigns
    return opt.base_estimator_


def run_skopt(landscape: Laboratory, first: pd.DataFrame, n_search: int, rng: np.random.Generator, noise: float,
            bounds: Bounds, acq: str = "gp_hedge", kappa: float = 1.96, xi: float = 0.01, n_points: int = 1000,
            gp_restarts: int = 0, refit_every: int = 5,
            short_crystals: str = DEFAULT_SHORT_CRYSTALS) -> list[pd.DataFrame]:
    if not isinstance(refit_every, Integral) or refit_every < 1:
        raise ValueError(f"refit_every must be a positive integer; got {refit_every!r}.")
    opt = make_bo_optimizer(landscape, acq=acq, kappa=kappa, xi=xi, n_points=n_points,
                            gp_restarts=gp_restarts, random_state=rng, bounds=bounds)
    if n_search == 0:
        return []
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the measured (snapped) points are told (the asked length under "register-asked"), clipped into the box
        opt.tell([_as_point(r, bounds) for _, r in told(first, short_crystals).iterrows()],
                 (-first["force_mN"]).tolist())
        for i in range(n_search):
            x = opt.ask()
            cond = pd.DataFrame([dict(zip(("compound",) + SIZE_POWER, x, strict=True))])
            m = measure(landscape, cond, noise, rng, short_crystals)
            out.append(m)
            # hyperparameters are re-optimised every `refit_every` tells and kept otherwise
            prepare_next_fit(opt, optimise=(i + 1) % refit_every == 0)
            opt.tell(_as_point(told(m, short_crystals).iloc[0], bounds), -float(m["force_mN"].iloc[0]),
                     fit=i < n_search - 1)
    return out


# ---------------------------------------------------------------------------
