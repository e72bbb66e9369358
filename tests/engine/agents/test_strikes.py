"""Strike campaigns: how often, where, how much, and what protects a depot."""

from __future__ import annotations

import numpy as np

from tests.builder import Build

STOCK = 10**6


def _struck(days=200, seeds=(1,), **campaign):
    world = Build(days=days).depot("d", stock_rounds={"a": STOCK})
    world.strikes("s", **campaign)
    return world, world.run(seeds=seeds).record


def test_a_disabled_or_idle_campaign_destroys_nothing():
    assert _struck(strikes_per_day=5.0, enabled=False)[1]["destroyed"].sum() == 0
    assert _struck(strikes_per_day=0.0)[1]["destroyed"].sum() == 0


def test_each_hit_destroys_its_share_of_the_stock():
    # one strike a day for sure (a high rate, capped at one): stock x (1 - share) a day
    _, r = _struck(days=10, strikes_per_day=50.0, max_strikes_per_day=1, destroyed_share=0.5)
    stock = r["stock_depot"][:, 0, 0]
    expected = STOCK * 0.5 ** (np.arange(10) + 1)
    assert (np.abs(stock - expected) <= 1).all()


def test_strikes_come_at_their_daily_rate():
    _, r = _struck(days=4000, strikes_per_day=0.1, destroyed_share=0.01)
    hit_days = (r["destroyed"][:, 0, 0] > 0).mean()
    assert abs(hit_days - (1 - np.exp(-0.1))) < 0.015


def test_a_spread_draws_each_strikes_share_within_its_bounds():
    _, r = _struck(days=300, strikes_per_day=50.0, max_strikes_per_day=1, destroyed_share=0.3,
                   destroyed_share_spread=0.2)  # fmt: skip
    before = np.concatenate([[STOCK], r["stock_depot"][:-1, 0, 0]])
    kept = before > 1000
    seen = r["destroyed"][kept, 0, 0] / before[kept]
    assert seen.min() >= 0.1 - 1e-3 and seen.max() <= 0.5 + 1e-3
    assert abs(seen.mean() - 0.3) < 0.02 and seen.std() > 0.1


def test_exposure_and_dispersal_protect_a_depot():
    world = Build(days=50).depot("d", stock_rounds={"a": STOCK}, exposure=0.0)
    world.strikes("s", strikes_per_day=5.0)
    assert world.run().record["destroyed"].sum() == 0
    world = Build(days=1).depot("d", stock_rounds={"a": STOCK}, dispersal=1.0,
                                dispersal_protection=0.5)  # fmt: skip
    world.strikes("s", strikes_per_day=50.0, max_strikes_per_day=1, destroyed_share=0.4)
    assert abs(world.run().record["destroyed"][0, 0, 0] - STOCK * 0.2) <= 1


def test_targeting_the_largest_or_the_nearest_stock():
    for rule, target in (("largest", "big"), ("nearest", "near")):
        world = Build(days=1).depot("big", stock_rounds={"a": 900}, distance_to_front_km=300)
        world.depot("near", stock_rounds={"a": 100}, distance_to_front_km=20)
        world.strikes("s", strikes_per_day=50.0, max_strikes_per_day=1, destroyed_share=1.0,
                      targeting=rule)  # fmt: skip
        model = world.run()
        left = {a.spec_id: int(a.stock[0, 0]) for a in model.agents if a.kind == "depots"}
        assert (
            left[target] == 0
            and sum(left.values()) == 900 + 100 - {"big": 900, "near": 100}[target]
        )
