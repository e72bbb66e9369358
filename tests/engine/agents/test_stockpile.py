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


def test_the_deeper_rows_are_worse_kept():
    world = Build(days=4).depot("d")
    world.stockpile(
        "s", "d", stock_rounds={"a": 4000}, refurbish_rounds_per_day={"a": 1000},
        unserviceable_share=0.2, unserviceable_share_when_empty=0.6,
    )  # fmt: skip
    # the share rises in line with what has been drawn: 0.2, 0.3, 0.4, 0.5
    assert world.run().record["discarded"][:, 0, 0].tolist() == [200, 300, 400, 500]


def test_a_line_surges_while_its_side_is_short_and_not_otherwise():
    def world(surge_below):
        w = Build(days=30).depot("d", stock_rounds={"a": 2000})
        w.unit("u", "d", base_rounds_per_day={"a": 500})
        w.stockpile("s", "d", stock_rounds={"a": 10**6}, refurbish_rounds_per_day={"a": 300},
                    surge_refurbish_rounds_per_day={"a": 400},
                    surge_below_days_of_supply=surge_below)  # fmt: skip
        return w.run().record["refurbished"][:, 0, 0]

    assert (world(0.0) == 300).all()  # the response switched off
    surged = world(3.0)
    assert surged[0] == 300  # nothing known yet on the first day
    assert set(surged[1:].tolist()) <= {300, 700} and (surged == 700).sum() > 10
