"""Pure integer arithmetic of the daily rules, compiled; every result is whole rounds.

Each function works on one member's numbers (scalars and short 1-D arrays) and conserves
rounds exactly; the agents' rules call them, and property tests hold them to it.

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
def share_out_into(budget, requests, out):
    """Split ``budget`` among ``requests`` in proportion to them, into ``out``.

    Each gets at most its request; together they get ``min(budget, sum(requests))``.
    Whole rounds left by rounding down go to the largest remainders, ties to the lower
    index, so the result is exact and deterministic. ``out`` must not be ``requests``.
    """
    # one way out of every helper that takes arrays: Numba then drops their reference
    # counts (see sim.engine.compiled)
    n = requests.shape[0]
    total = np.int64(0)
    for i in range(n):
        total += requests[i]
    if total <= budget:
        for i in range(n):
            out[i] = requests[i]
    else:
        left = budget
        for i in range(n):
            out[i] = requests[i] * budget // total
            left -= out[i]
        # the ``left`` largest remainders (fewer than n) get one round more; a request
        # that got its round has a negative remainder, so none gets two
        for _ in range(left):
            best, best_remainder = 0, np.int64(-1)
            for i in range(n):
                remainder = requests[i] * budget - out[i] * total
                if remainder > best_remainder:
                    best, best_remainder = i, remainder
            out[best] += 1


@kernel
def share_out(budget, requests):
    """``share_out_into`` into a new array."""
    out = np.zeros(requests.shape[0], np.int64)
    share_out_into(budget, requests, out)
    return out


@kernel
def allocate_by_priority_into(budget, requests, priority, out, asked, given):
    """Serve ``requests`` tier by tier (lowest ``priority`` first) out of ``budget``.

    Within a tier what is left is shared in proportion to requests (``share_out``); the
    first tier that cannot be served in full takes what is left, and later tiers get
    nothing. ``asked`` and ``given`` are work space of the same length.
    """
    n = requests.shape[0]
    total = np.int64(0)
    for i in range(n):
        total += requests[i]
        out[i] = requests[i]
    left = budget
    tier = np.int64(-(2**62))
    while total > left:  # not all can be served: go tier by tier
        next_tier = np.int64(2**62)
        in_tier = np.int64(0)
        for i in range(n):
            if (tier < priority[i]) & (priority[i] < next_tier):
                next_tier = priority[i]
        tier = next_tier
        for i in range(n):
            if priority[i] == tier:
                in_tier += requests[i]
        total -= in_tier
        if in_tier <= left:
            left -= in_tier
        else:
            for i in range(n):
                asked[i] = requests[i] if priority[i] == tier else 0
            share_out_into(left, asked, given)
            for i in range(n):
                if priority[i] == tier:
                    out[i] = given[i]
                elif priority[i] > tier:
                    out[i] = 0
            total = np.int64(-1)  # what is left went to this tier; later tiers get none


@kernel
def allocate_by_priority(budget, requests, priority):
    """``allocate_by_priority_into`` into a new array."""
    out = np.zeros(requests.shape[0], np.int64)
    allocate_by_priority_into(
        budget, requests, priority, out, np.zeros_like(out), np.zeros_like(out)
    )
    return out


@kernel
def carried_share(moved, stock, marked):
    """How many of the ``marked`` rounds (latent duds) travel with ``moved`` of ``stock``.

    Marked rounds are spread evenly through a stock, so ``moved`` carries its
    proportional share, rounded to the nearest whole round. The result never exceeds
    ``moved`` or ``marked``, and what stays behind never exceeds what stays.
    """
    if stock <= 0:
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
