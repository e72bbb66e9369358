"""The pure integer rules: exact, bounded, conserving."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.arithmetic import (
    allocate_by_priority,
    carried_share,
    fire_allowed,
    share_out,
    strike_losses,
)

counts = st.integers(min_value=0, max_value=10**7)


def test_share_out_gives_everything_when_budget_suffices():
    assert share_out(np.array(100), np.array([10, 20, 30])).tolist() == [10, 20, 30]


def test_share_out_is_proportional_with_largest_remainders():
    # 10 over requests 6, 6, 3 (total 15): quotas 4, 4, 2 exactly
    assert share_out(np.array(10), np.array([6, 6, 3])).tolist() == [4, 4, 2]
    # 2 over 1, 1, 1: quotas 0.67 each -> 0, 0, 0, then one each to the first two (ties)
    assert share_out(np.array(2), np.array([1, 1, 1])).tolist() == [1, 1, 0]


def test_share_out_zero_requests():
    assert share_out(np.array(5), np.array([0, 0])).tolist() == [0, 0]


@given(
    budget=counts,
    requests=arrays(np.int64, st.integers(1, 8), elements=st.integers(0, 10**6)),
)
def test_share_out_properties(budget, requests):
    given_out = share_out(np.array(budget), requests)
    assert (given_out >= 0).all()
    assert (given_out <= requests).all()
    assert given_out.sum() == min(budget, requests.sum())
    # proportional: no one is more than one round from their exact quota
    if requests.sum() > budget:
        quota = requests * budget / requests.sum()
        assert (np.abs(given_out - quota) < 1 + 1e-9).all()


def test_share_out_batched_rows_are_independent():
    budget = np.array([10, 3])
    requests = np.array([[6, 6, 3], [1, 1, 1]])
    out = share_out(budget, requests)
    assert out[0].tolist() == share_out(np.array(10), requests[0]).tolist()
    assert out[1].tolist() == share_out(np.array(3), requests[1]).tolist()


def test_priority_serves_first_tier_fully_before_second():
    out = allocate_by_priority(np.array(100), np.array([80, 50, 40]), np.array([2, 1, 2]))
    # tier 1 (index 1) gets 50; tier 2 shares the 50 left in proportion 80:40
    # quotas 33.3 and 16.7: the round left over goes to the larger remainder
    assert out.tolist() == [33, 50, 17]


@given(
    budget=counts,
    requests=arrays(np.int64, 5, elements=st.integers(0, 10**6)),
    priority=arrays(np.int64, 5, elements=st.integers(1, 3)),
)
def test_priority_properties(budget, requests, priority):
    out = allocate_by_priority(np.array(budget), requests, priority)
    assert (out >= 0).all() and (out <= requests).all()
    assert out.sum() == min(budget, requests.sum())
    # a lower tier gets nothing unless every higher tier is served in full
    for tier in np.unique(priority):
        later = priority > tier
        if out[later].sum() > 0:
            assert (out[priority == tier] == requests[priority == tier]).all()


@given(
    stock=st.integers(0, 10**7),
    data=st.data(),
)
def test_carried_share_bounds(stock, data):
    marked = data.draw(st.integers(0, stock))
    moved = data.draw(st.integers(0, stock))
    carried = int(carried_share(np.array(moved), np.array(stock), np.array(marked)))
    assert 0 <= carried <= min(moved, marked)
    assert marked - carried <= stock - moved


def test_carried_share_is_proportional():
    assert int(carried_share(np.array(50), np.array(100), np.array(20))) == 10


def test_strike_losses_share_and_bounds():
    stock = np.array([1000, 0, 7])
    lost = strike_losses(stock, np.array([0.3, 0.3, 1.0]), np.array([0.0, 0.5, 0.999]))
    assert lost.tolist() == [300, 0, 7]


def test_rationing_cuts_fire_below_threshold():
    demand = np.array([100, 100, 100])
    on_hand = np.array([1000, 120, 40])
    dos = np.array([10.0, 1.2, 0.4])
    fired = fire_allowed(demand, on_hand, dos, np.array(1.5), np.array(0.6))
    # enough supply: full demand; below 1.5 days: 60 % of demand; never above stock
    assert fired.tolist() == [100, 60, 40]


def test_priority_may_differ_between_members():
    requests = np.array([[60, 60], [60, 60]])
    priority = np.array([[1, 2], [2, 1]])
    out = allocate_by_priority(np.array([80, 80]), requests, priority)
    assert out.tolist() == [[60, 20], [20, 60]]
