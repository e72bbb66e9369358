"""Pure integer arithmetic of the daily rules, written once for all members.

Arrays carry a leading member axis; every function returns whole rounds (``int64``)
and conserves them exactly.

Example:
    >>> import numpy as np
    >>> share_out(np.array([10]), np.array([[6, 6, 3]])).tolist()
    [[4, 4, 2]]
"""

from __future__ import annotations

import numpy as np


def share_out(budget: np.ndarray, requests: np.ndarray) -> np.ndarray:
    """Split ``budget`` among ``requests`` (last axis) in proportion to them.

    Each gets at most its request; together they get ``min(budget, sum(requests))``.
    Whole rounds left by rounding down go to the largest remainders, ties to the
    lower index, so the result is exact and deterministic.

    Args:
        budget: non-negative integers, shape ``[...]``.
        requests: non-negative integers, shape ``[..., K]``.
    """
    budget = np.asarray(budget, dtype=np.int64)
    requests = np.asarray(requests, dtype=np.int64)
    total = requests.sum(axis=-1)
    enough = total <= budget
    safe_total = np.where(total > 0, total, 1)
    scaled = requests * np.minimum(budget, total)[..., None]
    base = scaled // safe_total[..., None]
    remainder = scaled % safe_total[..., None]
    left = np.minimum(budget, total) - base.sum(axis=-1)
    # rank remainders, largest first; a stable sort keeps ties in index order
    order = np.argsort(-remainder, axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(requests.shape[-1]), axis=-1)
    extra = (rank < left[..., None]).astype(np.int64)
    return np.where(enough[..., None], requests, base + extra)


def allocate_by_priority(
    budget: np.ndarray, requests: np.ndarray, priority: np.ndarray
) -> np.ndarray:
    """Serve ``requests`` tier by tier (priority 1 first) out of ``budget``.

    Within a tier the budget left is shared in proportion to requests (``share_out``).

    Args:
        budget: ``[...]`` whole rounds available.
        requests: ``[..., K]`` whole rounds asked for.
        priority: integers, lower is served first; ``[K]`` or any shape that
            broadcasts against ``requests`` (priorities may differ between members).
    """
    budget = np.asarray(budget, dtype=np.int64)
    requests = np.asarray(requests, dtype=np.int64)
    priority = np.broadcast_to(np.asarray(priority), requests.shape)
    allocated = np.zeros_like(requests)
    left = budget.copy()
    for tier in np.unique(priority):
        in_tier = priority == tier
        given = share_out(left, np.where(in_tier, requests, 0))
        allocated += given
        left = left - given.sum(axis=-1)
    return allocated


def carried_share(moved: np.ndarray, stock: np.ndarray, marked: np.ndarray) -> np.ndarray:
    """How many of the ``marked`` rounds (latent duds) travel with ``moved`` of ``stock``.

    Marked rounds are spread evenly through a stock, so ``moved`` carries its
    proportional share, rounded to the nearest whole round. The result never exceeds
    ``moved`` or ``marked``, and what stays behind never exceeds what stays.
    """
    moved = np.asarray(moved, dtype=np.int64)
    stock = np.asarray(stock, dtype=np.int64)
    safe = np.where(stock > 0, stock, 1)
    share = (2 * moved * marked + safe) // (2 * safe)
    return np.where(stock > 0, share, 0)


def strike_losses(stock: np.ndarray, destroyed_share: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Rounds a hit destroys: the destroyed share of the stock, stochastically rounded."""
    expected = np.asarray(stock, dtype=np.float64) * destroyed_share
    lost = np.floor(expected + u).astype(np.int64)
    return np.minimum(lost, stock)


def fire_allowed(
    demand: np.ndarray,
    on_hand: np.ndarray,
    days_of_supply: np.ndarray,
    rationing_threshold_days: np.ndarray,
    ration_share: np.ndarray,
) -> np.ndarray:
    """Rounds fired: the demand, cut to ``ration_share`` below the rationing threshold,
    and never more than is on hand."""
    rationing = days_of_supply < rationing_threshold_days
    wanted = np.where(rationing, np.floor(demand * ration_share).astype(np.int64), demand)
    return np.minimum(wanted, on_hand)
