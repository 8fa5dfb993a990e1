"""One seed convention for the whole kit.

Every public function with a random step takes ``random_state``: ``None``
(fresh entropy), a non-negative ``int`` or a :class:`numpy.random.Generator`.
Inside the kit randomness travels as a ``Generator``; independent child
streams come from :func:`spawn` (``Generator.spawn``, i.e. ``SeedSequence``
children), and the only conversion to an ``int`` is :func:`int_seed`, for
libraries that want one (scikit-learn, scikit-optimize, bayes_opt).

For example:

>>> rng = check_random_state(7)
>>> a, b = spawn(rng, 2)
>>> int_seed(check_random_state(7)) == int_seed(check_random_state(7))
True
>>> check_random_state(-1)
Traceback (most recent call last):
...
ValueError: random_state must be None, a non-negative int or a numpy.random.Generator; got -1. Pass e.g. random_state=0.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

__all__ = ["RandomState", "INT_SEED_HIGH", "check_random_state", "spawn", "int_seed"]

#: What :func:`check_random_state` accepts.
RandomState = None | int | np.random.Generator

#: Upper bound (exclusive) of the ints handed to other libraries (fits a C int32).
INT_SEED_HIGH = 2**31 - 1


def _refuse(random_state: object) -> ValueError:
    return ValueError("random_state must be None, a non-negative int or a numpy.random.Generator; "
                      f"got {random_state!r}. Pass e.g. random_state=0.")


def check_random_state(random_state: RandomState = None) -> np.random.Generator:
    """Turn ``random_state`` into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    random_state : None, int or numpy.random.Generator
        ``None`` draws fresh entropy; an int (>= 0) seeds a new generator; a
        generator is returned as it is (so the caller's stream advances).

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    ValueError
        For a negative int, a bool, a float, a legacy ``RandomState`` or
        anything else.

    Examples
    --------
    >>> float(check_random_state(0).random()) == float(np.random.default_rng(0).random())
    True
    >>> g = np.random.default_rng(1)
    >>> check_random_state(g) is g
    True
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, Integral) and not isinstance(random_state, bool | np.bool_):
        if int(random_state) < 0:
            raise _refuse(random_state)
        return np.random.default_rng(int(random_state))
    raise _refuse(random_state)


def spawn(random_state: RandomState, n: int) -> list[np.random.Generator]:
    """``n`` independent child generators (``SeedSequence`` children).

    Parameters
    ----------
    random_state : None, int or numpy.random.Generator
    n : int
        Number of children (>= 0).

    Returns
    -------
    list of numpy.random.Generator

    Examples
    --------
    >>> [int(g.integers(100)) for g in spawn(0, 3)] == [int(g.integers(100)) for g in spawn(0, 3)]
    True
    """
    if not isinstance(n, Integral) or isinstance(n, bool) or n < 0:
        raise ValueError(f"n must be a non-negative int; got {n!r}.")
    return check_random_state(random_state).spawn(int(n))


def int_seed(random_state: RandomState) -> int:
    """An int seed in ``[0, 2**31 - 1)`` drawn from ``random_state``.

    The one place where the kit turns its generators into the ints that
    scikit-learn, scikit-optimize and bayes_opt expect.

    Parameters
    ----------
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    int

    Examples
    --------
    >>> 0 <= int_seed(3) < INT_SEED_HIGH
    True
    """
    return int(check_random_state(random_state).integers(0, INT_SEED_HIGH))
