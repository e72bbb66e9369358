"""Refurbishment lines: a daily rate out of storage, an unserviceable share discarded."""

from __future__ import annotations

from tests.builder import Build


def test_rate_unserviceable_share_and_running_out():
    world = Build(days=5).depot("d")
    world.stockpile(
        "s", "d", stock_rounds={"a": 2500}, refurbish_rounds_per_day={"a": 1000},
        unserviceable_share=0.2,
    )  # fmt: skip
    r = world.run().record
    assert r["refurbished"][:, 0, 0].tolist() == [800, 800, 400, 0, 0]
    assert r["discarded"][:, 0, 0].tolist() == [200, 200, 100, 0, 0]
    assert r["stock_legacy"][:, 0, 0].tolist() == [1500, 500, 0, 0, 0]
    assert r["stock_depot"][-1, 0, 0] == 2000  # refurbished rounds reach the depot that day


def test_a_fractional_rate_is_met_on_average():
    world = Build(days=1000).depot("d")
    world.stockpile("s", "d", stock_rounds={"a": 10**6}, refurbish_rounds_per_day={"a": 2.5})
    refurbished = world.run().record["refurbished"][:, 0, 0]
    assert set(refurbished.tolist()) == {2, 3}
    assert abs(refurbished.mean() - 2.5) < 0.05
