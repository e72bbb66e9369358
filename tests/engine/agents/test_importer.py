"""Foreign suppliers: cadence, window, contract, stock, shares, seizure and their own books
(what they are paid, and rework: ``test_bargain``)."""

from __future__ import annotations

import numpy as np

from tests.builder import Build, route


def _supplier(days=30, routes=None, **fields):
    world = Build(days=days, munitions=("a", "b")).depot("d")
    fields.setdefault("stock_rounds", {"a": 10**6, "b": 10**6})
    return world.importer("x", routes or [route("r", "d")], **fields)


def test_shipments_leave_on_their_cadence_from_their_first_day_until_the_last():
    world = _supplier(days=40)
    world.raw["importers"][0]["routes"] = [
        route("r", "d", cadence_days=7, start_date=world.day(3), end_date=world.day(31))
    ]
    dispatched = world.run().record["imports_dispatched"][:, 0, 0]
    assert np.flatnonzero(dispatched).tolist() == [3, 10, 17, 24, 31]
    assert (dispatched[[3, 10, 17, 24, 31]] == 100).all()


def test_a_shipment_splits_exactly_by_munition_shares_and_arrives_after_transit():
    world = _supplier(days=10, routes=[route("r", "d", transit_days=4, rounds_per_container=101,
                                             munition_shares={"a": 0.5, "b": 0.5})])  # fmt: skip
    r = world.run().record
    dispatched = r["imports_dispatched"][:, 0, :]
    assert (dispatched.sum(axis=1) == 101).all()  # not a round lost to rounding
    assert (dispatched == [51, 50]).all()  # the odd round to the first of equal remainders
    arrived = r["imports_arrived"][:, 0, :].sum(axis=1)
    assert (arrived[:4] == 0).all() and (arrived[4:] == 101).all()


def test_the_contract_and_the_suppliers_stock_cap_what_it_ships():
    capped = _supplier(days=20, contract_rounds=250).run().record["imports_dispatched"]
    assert capped.sum() == 250 and capped[:, 0].sum(axis=1).tolist()[:4] == [100, 100, 50, 0]
    short = _supplier(days=20, stock_rounds={"a": 130}, production_rounds_per_day={"a": 10})
    dispatched = short.run().record["imports_dispatched"][:, 0, 0]
    # 130 in stock, and 10 made each day before it ships: 100, then 50, then 10 a day
    assert dispatched[:4].tolist() == [100, 50, 10, 10]


def test_supply_scale_scales_every_shipment():
    dispatched = _supplier(supply_scale=0.3).run().record["imports_dispatched"][:, 0, 0]
    assert (dispatched == 30).all()


def test_a_seized_shipment_is_interdicted_and_never_arrives():
    world = _supplier(routes=[route("r", "d", interdiction_probability=1.0)])
    r = world.run().record
    assert (r["interdicted"] == r["imports_dispatched"]).all()
    assert r["imports_arrived"].sum() == 0 and r["interdicted"].sum() > 0


def test_the_suppliers_own_record_counts_rounds_shipments_and_containers():
    world = _supplier(routes=[route("r", "d", cadence_days=2, containers_per_shipment=4,
                                    rounds_per_container=25)])  # fmt: skip
    model = world.run()
    books = model.importer_record["x"]
    assert books["rounds"][:, 0].sum() == model.record["imports_dispatched"].sum() == 1500
    assert books["shipments"][:, 0].sum() == 15 and books["containers"][:, 0].sum() == 60


def test_a_disabled_supplier_ships_nothing():
    assert _supplier(enabled=False).run().record["imports_dispatched"].sum() == 0


def test_a_supplier_ships_more_while_its_side_is_short_within_its_stock():
    def shipped(**fields):
        w = Build(days=20).depot("d")
        w.unit("u", "d", base_rounds_per_day={"a": 1000})
        w.importer("x", [route("r", "d")], stock_rounds={"a": 1500}, **fields)
        return w.run().importer_record["x"]["rounds"][:, 0]

    assert (shipped()[:15] == 100).all()
    surged = shipped(surge_scale=3.0, surge_below_days_of_supply=2.0)
    assert surged[0] == 100 and (surged[1:5] == 300).all()  # short from the first day
    assert surged.sum() == 1500  # never more than it has
