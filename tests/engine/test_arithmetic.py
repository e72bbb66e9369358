"""The pure integer rules: exact, bounded, conserving."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.engine.arithmetic import (
    allocate_by_priority,
    carried_share,
    fire_allowed,
    share_out,
    strike_losses,
    whole_cap,
)

counts = st.integers(min_value=0, max_value=10**7)
requests_of = arrays(np.int64, st.integers(1, 8), elements=st.integers(0, 10**6))


def test_share_out_gives_everything_when_budget_suffices():
    assert share_out(100, np.array([10, 20, 30])).tolist() == [10, 20, 30]


def test_share_out_is_proportional_with_largest_remainders():
    # 10 over requests 6, 6, 3 (total 15): quotas 4, 4, 2 exactly
    assert share_out(10, np.array([6, 6, 3])).tolist() == [4, 4, 2]
    # 2 over 1, 1, 1: quotas 0.67 each -> 0, 0, 0, then one each to the first two (ties)
    assert share_out(2, np.array([1, 1, 1])).tolist() == [1, 1, 0]
    # 5 over 1, 3: quotas 1.25 and 3.75 -> 1 and 3, the round left to the larger remainder
    assert share_out(5, np.array([2, 6])).tolist() == [1, 4]


def test_share_out_zero_requests():
    assert share_out(5, np.array([0, 0])).tolist() == [0, 0]


@given(budget=counts, requests=requests_of)
def test_share_out_properties(budget, requests):
    given_out = share_out(budget, requests)
    assert (given_out >= 0).all()
    assert (given_out <= requests).all()
    assert given_out.sum() == min(budget, requests.sum())
    # proportional: no one is more than one round from their exact quota
    if requests.sum() > budget:
        quota = requests * budget / requests.sum()
        assert (np.abs(given_out - quota) < 1 + 1e-9).all()


def test_priority_serves_first_tier_fully_before_second():
    out = allocate_by_priority(100, np.array([80, 50, 40]), np.array([2, 1, 2]))
    # tier 1 (index 1) gets 50; tier 2 shares the 50 left in proportion 80:40
    # quotas 33.3 and 16.7: the round left over goes to the larger remainder
    assert out.tolist() == [33, 50, 17]


@given(
    budget=counts,
    requests=arrays(np.int64, 5, elements=st.integers(0, 10**6)),
    priority=arrays(np.int64, 5, elements=st.integers(1, 3)),
)
def test_priority_properties(budget, requests, priority):
    out = allocate_by_priority(budget, requests, priority)
    assert (out >= 0).all() and (out <= requests).all()
    assert out.sum() == min(budget, requests.sum())
    # a lower tier gets nothing unless every higher tier is served in full
    for tier in np.unique(priority):
        later = priority > tier
        if out[later].sum() > 0:
            assert (out[priority == tier] == requests[priority == tier]).all()
    # within a tier, shares follow share_out of what the tier was left
    for tier in np.unique(priority):
        mine = priority == tier
        left = budget - out[priority < tier].sum()
        expected = share_out(max(left, 0), np.where(mine, requests, 0))
        assert (out[mine] == expected[mine]).all()


@given(stock=st.integers(0, 10**7), data=st.data())
def test_carried_share_bounds(stock, data):
    marked = data.draw(st.integers(0, stock))
    moved = data.draw(st.integers(0, stock))
    carried = int(carried_share(moved, stock, marked))
    assert 0 <= carried <= min(moved, marked)
    assert marked - carried <= stock - moved


def test_carried_share_is_proportional():
    assert int(carried_share(50, 100, 20)) == 10
    assert int(carried_share(5, 0, 0)) == 0


def test_strike_losses_share_and_bounds():
    lost = [
        strike_losses(s, share, u)
        for s, share, u in ((1000, 0.3, 0.0), (0, 0.3, 0.5), (7, 1.0, 0.999))
    ]
    assert lost == [300, 0, 7]


def test_rationing_cuts_fire_below_threshold():
    # enough supply: full demand; below 1.5 days: 60 % of demand; never above stock
    fired = [
        fire_allowed(100, on_hand, dos, 1.5, 0.6)
        for on_hand, dos in ((1000, 10.0), (120, 1.2), (40, 0.4))
    ]
    assert fired == [100, 60, 40]


def test_whole_cap_turns_no_limit_into_a_large_whole_number():
    assert whole_cap(12.7) == 12
    assert whole_cap(float("inf")) == 2**62
