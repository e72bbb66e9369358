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
    n = requests.shape[0]
    total = np.int64(0)
    for i in range(n):
        total += requests[i]
    if total <= budget:
        for i in range(n):
            out[i] = requests[i]
        return
    left = budget
    for i in range(n):
        out[i] = requests[i] * budget // total
        left -= out[i]
    if left == 0:
        return
    for i in range(n):  # the ``left`` largest remainders get one round more
        remainder = requests[i] * budget - out[i] * total
        rank = 0
        for j in range(n):
            other = requests[j] * budget - (requests[j] * budget // total) * total
            rank += (other > remainder) | ((other == remainder) & (j < i))
        if rank < left:
            out[i] += 1


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
    if total <= budget:
        return
    left = budget
    tier = np.int64(-(2**62))
    while True:
        next_tier = np.int64(2**62)
        for i in range(n):
            if (tier < priority[i]) & (priority[i] < next_tier):
                next_tier = priority[i]
        if next_tier == 2**62:
            return
        tier = next_tier
        in_tier = np.int64(0)
        for i in range(n):
            if priority[i] == tier:
                in_tier += requests[i]
        if in_tier <= left:
            left -= in_tier
            continue
        for i in range(n):
            asked[i] = requests[i] if priority[i] == tier else 0
        share_out_into(left, asked, given)
        for i in range(n):
            if priority[i] == tier:
                out[i] = given[i]
            elif priority[i] > tier:
                out[i] = 0
        left = 0


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
