"""Pure integer arithmetic of the daily rules, compiled; every result is whole rounds.

Each function works on one member's numbers (scalars, or rows of a rule's work matrix)
and conserves rounds exactly; the agents' rules call them, and property tests hold
them to it.

Example:
    >>> import numpy as np
    >>> share_out(10, np.array([6, 6, 3])).tolist()
    [4, 4, 2]
"""

from __future__ import annotations

import math

import numpy as np

from sim.engine.compiled import kernel

MAX_ROUNDS = 2**62  # stands for "no limit" where a cap is infinite


@kernel
def whole_cap(limit):
    """A non-negative float limit (``inf``: none) as whole rounds."""
    return np.int64(math.floor(min(limit, MAX_ROUNDS)))


@kernel
def share_out_rows(budget, work, requests, out, n):
    """Split ``budget`` among ``work[requests, :n]`` in proportion, into ``work[out, :n]``.

    Each gets at most its request; together they get ``min(budget, sum(requests))``.
    Whole rounds left by rounding down go to the largest remainders, ties to the lower
    index, so the result is exact and deterministic. ``out`` must not be ``requests``.

    The rules keep their numbers in rows of one work matrix: a helper that takes one
    array and row numbers, and has one way out, costs no reference counting (see
    ``sim.engine.compiled``).
    """
    total = np.int64(0)
    for i in range(n):
        total += work[requests, i]
    if total <= budget:
        for i in range(n):
            work[out, i] = work[requests, i]
    elif n == 1:
        work[out, 0] = budget
    else:
        left = budget
        for i in range(n):
            work[out, i] = work[requests, i] * budget // total
            left -= work[out, i]
        # the ``left`` largest remainders (fewer than n) get one round more; a request
        # that got its round has a negative remainder, so none gets two
        for _ in range(left):
            best, best_remainder = 0, np.int64(-1)
            for i in range(n):
                remainder = work[requests, i] * budget - work[out, i] * total
                if remainder > best_remainder:
                    best, best_remainder = i, remainder
            work[out, best] += 1


@kernel
def allocate_by_priority_rows(budget, work, requests, priority, out, scratch, n):
    """Serve ``work[requests, :n]`` tier by tier (lowest ``work[priority]`` first) out of
    ``budget``, into ``work[out, :n]``.

    Within a tier what is left is shared in proportion to requests (``share_out``); the
    first tier that cannot be served in full takes what is left, and later tiers get
    nothing. Rows ``scratch`` and ``scratch + 1`` are work space.
    """
    total = np.int64(0)
    for i in range(n):
        total += work[requests, i]
        work[out, i] = work[requests, i]
    left = budget
    tier = np.int64(-(2**62))
    if (n == 1) & (total > left):  # one client: it gets what there is
        work[out, 0] = left
        total = left
    while total > left:  # not all can be served: go tier by tier
        next_tier = np.int64(2**62)
        in_tier = np.int64(0)
        for i in range(n):
            if (tier < work[priority, i]) & (work[priority, i] < next_tier):
                next_tier = work[priority, i]
        tier = next_tier
        for i in range(n):
            if work[priority, i] == tier:
                in_tier += work[requests, i]
        total -= in_tier
        if in_tier <= left:
            left -= in_tier
        else:
            for i in range(n):
                work[scratch, i] = work[requests, i] if work[priority, i] == tier else 0
            share_out_rows(left, work, scratch, scratch + 1, n)
            for i in range(n):
                if work[priority, i] == tier:
                    work[out, i] = work[scratch + 1, i]
                elif work[priority, i] > tier:
                    work[out, i] = 0
            total = np.int64(-1)  # what is left went to this tier; later tiers get none


@kernel
def share_out(budget, requests):
    """``requests`` shared out of ``budget`` (see ``share_out_rows``), as a new array."""
    n = requests.shape[0]
    work = np.zeros((2, n), np.int64)
    work[0] = requests
    share_out_rows(budget, work, 0, 1, n)
    return work[1].copy()


@kernel
def allocate_by_priority(budget, requests, priority):
    """``requests`` served by ``priority`` out of ``budget`` (see
    ``allocate_by_priority_rows``), as a new array."""
    n = requests.shape[0]
    work = np.zeros((5, n), np.int64)
    work[0] = requests
    work[1] = priority
    allocate_by_priority_rows(budget, work, 0, 1, 2, 3, n)
    return work[2].copy()


@kernel
def carried_share(moved, stock, marked):
    """How many of the ``marked`` rounds (latent duds) travel with ``moved`` of ``stock``.

    Marked rounds are spread evenly through a stock, so ``moved`` carries its
    proportional share, rounded to the nearest whole round. The result never exceeds
    ``moved`` or ``marked``, and what stays behind never exceeds what stays.
    """
    if (stock <= 0) | (marked == 0):
        return np.int64(0)
    return (2 * moved * marked + stock) // (2 * stock)


@kernel
def strike_losses(stock, destroyed_share, u):
    """Rounds a hit destroys: the destroyed share of the stock, stochastically rounded."""
    return min(np.int64(math.floor(stock * destroyed_share + u)), stock)


@kernel
def fire_allowed(demand, on_hand, days_of_supply, rationing_threshold_days, ration_share):
    """Rounds fired: the demand, cut to ``ration_share`` below the rationing threshold,
    and never more than is on hand."""
    wanted = demand
    if days_of_supply < rationing_threshold_days:
        wanted = np.int64(math.floor(demand * ration_share))
    return min(wanted, on_hand)
