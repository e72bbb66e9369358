"""The bargain: suppliers that are paid, keep a reserve, ramp up, ship equipment and
counted items, whose rounds need rework, on routes whose capacity sanctions can take."""

from __future__ import annotations

import pytest

from sim.engine.agents.payments import days_until_unpaid
from sim.scenario.errors import ScenarioError
from tests.builder import Build, route


def _paid_supplier(days=60, payments=None, **fields):
    """A supplier shipping 1,000 rounds a day, paid in oil (100 barrels per 1,000 rounds)."""
    world = Build(days=days).depot("d")
    fields.setdefault("stock_rounds", {"a": 10**7})
    oil = {"id": "oil", "unit": "barrels", "per_1000_rounds": 100, "credit": 450}
    routes = [route("r", "d", rounds_per_container={"a": 1000})]
    return world.importer("x", routes, payments=payments or [oil], **fields)


def test_the_buyer_owes_for_what_is_dispatched_and_pays_it_the_same_day():
    model = _paid_supplier(days=20).run()
    pay = model.payment_record
    assert model.payment_pairs == [("A", "x.oil")]
    assert (pay["payment_owed"][:, 0, 0] == 100).all()
    assert (pay["payment_made"][:, 0, 0] == 100).all()
    assert (pay["payment_due"][:, 0, 0] == 0).all()


def test_stopping_payment_stops_shipments_after_the_stated_lag_and_paying_resumes_them():
    world = _paid_supplier(days=40)
    world.event("stop", 10, {"importers.x.payments.oil.paid_per_day": 0})
    world.event("resume", 30, {"importers.x.payments.oil.paid_per_day": 10**6})
    model = world.run()
    shipped = model.importer_record["x"]["rounds"][:, 0]
    due = model.payment_record["payment_due"][:, 0, 0]
    lag = days_until_unpaid(credit=450, owed_per_day=100)  # 5 days: 500 owed > 450
    assert (shipped[: 10 + lag] == 1000).all()
    assert (shipped[10 + lag : 30] == 0).all()  # owed more than its credit: it waits
    assert due[29] == 500 and due[30] == 0  # paid up on the day payment resumes
    assert shipped[30] == 0 and (shipped[31:] == 1000).all()  # it sees the debt settled


def test_a_binding_cap_holds_payments_back_within_the_calendar_year_and_resets():
    oil = {"id": "oil", "unit": "barrels", "per_1000_rounds": 100, "cap_per_year": 1000,
           "cap_binds": True, "credit": 450}  # fmt: skip
    world = Build(days=40).depot("d")
    world.raw["scenario"]["start_date"] = world.day(0).replace(month=12, day=20)
    world.importer("x", [route("r", "d", rounds_per_container={"a": 1000})],
                   stock_rounds={"a": 10**7}, payments=[oil])  # fmt: skip
    model = world.run()
    pay = model.payment_record
    made, held = pay["payment_made"][:, 0, 0], pay["payment_held_by_cap"][:, 0, 0]
    assert made[:10].sum() == 1000 and made[10] == 0  # 1,000 barrels by 29 Dec: the cap
    assert held[10] == 100 and held[11] == 100  # each day's debt it kept from being paid
    assert made[12] == 300 and made[12:].sum() == 1000  # 1 Jan: a new year's cap, used up
    shipped = model.importer_record["x"]["rounds"][:, 0]
    assert (shipped[:25] == 1000).all()  # till the debt passes the credit ...
    assert shipped[25:].sum() == 0  # ... then nothing, till next year's cap pays it
    assert pay["payment_over_cap"].sum() == 0


def test_a_cap_that_does_not_bind_is_recorded_as_paid_over_it():
    oil = {"id": "oil", "unit": "barrels", "per_1000_rounds": 100, "cap_per_year": 1000}
    model = _paid_supplier(days=20, payments=[oil]).run()
    pay = model.payment_record
    assert pay["payment_made"][:, 0, 0].sum() == 2000
    assert pay["payment_over_cap"][:, 0, 0].sum() == 1000
    assert pay["payment_over_cap"][:10, 0, 0].sum() == 0


def test_fractions_of_a_unit_carry_over_so_nothing_is_rounded_away():
    tech = {"id": "technology", "unit": "items", "per_1000_rounds": 0.25}
    model = _paid_supplier(days=30, payments=[tech]).run()
    owed = model.payment_record["payment_owed"][:, 0, 0]
    assert owed.sum() == 7 and owed[:4].tolist() == [0, 0, 0, 1]  # 0.25 a day: 7.5


def test_monitoring_raises_the_sanctioned_buyers_prices_by_the_disclosure_premium():
    world = _paid_supplier(days=10, disclosure_price_premium=0.2)
    world.sanctions(target_side="A", monitoring=0.5)
    owed = world.run().payment_record["payment_owed"][:, 0, 0]
    assert (owed == 110).all()  # 100 x (1 + 0.2 x 0.5)
    world.raw["sides"].append({"id": "B"})
    world.sanctions(target_side="B", monitoring=0.5)  # another side's suppliers are watched
    assert (world.run().payment_record["payment_owed"][:, 0, 0] == 100).all()


def test_a_fraction_of_a_days_payment_capacity_carries_over():
    oil = {"id": "oil", "unit": "barrels", "per_1000_rounds": 100, "paid_per_day": 0.5}
    pay = _paid_supplier(days=20, payments=[oil]).run().payment_record
    assert pay["payment_made"][:, 0, 0].sum() == 10  # half a barrel a day, paid every other
    assert pay["payment_due"][-1, 0, 0] == 2000 - 10


def test_a_vessel_designation_removes_route_capacity_from_its_date():
    world = _paid_supplier(days=20)
    world.event("designated", 8, {"importers.x.routes.r.capacity_share": 0.25})
    record = world.run().importer_record["x"]
    assert (record["rounds"][:8, 0] == 1000).all() and (record["rounds"][8:, 0] == 250).all()
    assert record["containers"][8:, 0].sum() == pytest.approx(12 * 0.25)


def test_rounds_come_from_containers_by_calibre_and_the_ammunition_share():
    world = Build(days=1, munitions=("big", "small")).depot("d")
    line = route("r", "d", containers_per_shipment=10, ammunition_share=0.8,
                 rounds_per_container={"big": 450, "small": 75},
                 munition_shares={"big": 0.5, "small": 0.5})  # fmt: skip
    world.importer("x", [line], stock_rounds={"big": 10**6, "small": 10**6})
    dispatched = world.run().record["imports_dispatched"][0, 0]
    # 10 containers x 0.8 carry ammunition: 4 of 450 and 4 of 75 rounds
    assert dispatched.tolist() == [1800, 300]


def test_extra_transit_days_delay_arrival():
    world = _paid_supplier(days=12)
    world.event("transshipment", 0, {"importers.x.routes.r.extra_transit_days": 3})
    arrived = world.run().record["imports_arrived"][:, 0, 0]
    assert (arrived[:4] == 0).all() and (arrived[4:] == 1000).all()  # 1 + 3 days


def test_the_supplier_keeps_its_reserve_and_ships_its_ramping_output_beyond_it():
    world = Build(days=40).depot("d")
    ramp = [{"date": world.day(20), "rounds_per_day": {"a": 300}}]
    world.importer("x", [route("r", "d", rounds_per_container={"a": 1000})],
                   stock_rounds={"a": 5000}, reserve_rounds={"a": 2000},
                   production_rounds_per_day={"a": 100}, production_ramp=ramp)  # fmt: skip
    model = world.run()
    books = model.importer_record["x"]
    shipped, made = books["rounds"][:, 0], books["made"][:, 0]
    assert made[0] == 100 and made[10] == 200 and made[20] == 300  # linear ramp
    # 5,000 + 100 + 110 + 120 + 130 made, less three shipments of 1,000: 460 above 2,000
    assert shipped[:3].tolist() == [1000, 1000, 1000] and shipped[3] == 460
    assert (shipped[4:] == made[4:]).all()  # then only what it makes
    stock = model.arrays.importers.stock[0, 0, 0]
    assert stock == 5000 + made.sum() - shipped.sum() == 2000


def test_counted_items_and_tubes_come_while_the_supplier_is_paid():
    world = _paid_supplier(days=40, deliveries=[{"id": "missile", "items_per_day": 1.0}])
    world.tube_type("gun").unit("u", "d", tubes={"gun": 10}).gun_park("park", imports=[
        {"id": "guns", "supplier": "x", "tubes_per_day": {"gun": 1.0}}])  # fmt: skip
    world.event("stop", 10, {"importers.x.payments.oil.paid_per_day": 0})
    model = world.run()
    missiles = model.importer_record["x"]["missile"][:, 0]
    tubes = model.gun_record["tubes_imported"][:, 0, 0]
    assert (missiles[:15] == 1).all() and missiles[15:].sum() == 0
    assert (tubes[:15] == 1).all() and tubes[15:].sum() == 0


def _reworked(days=40, **line):
    world = Build(days=days).depot("d").depot("plant_depot")
    line.setdefault("refurbish_rounds_per_day", {"a": 600})
    world.stockpile("line", "plant_depot", stock_rounds={"a": 10**6}, **line)
    world.importer("x", [route("r", "d", rounds_per_container={"a": 1000})],
                   stock_rounds={"a": 10**7}, rework_share=0.5, rework_at="line")  # fmt: skip
    return world.run()


def test_rework_takes_a_share_of_arrivals_delays_and_discards_what_the_rule_says():
    model = _reworked(rework_days=5, rework_discard_share=0.2, rework_effort=0.5)
    r = model.record
    received, reworked = r["rework_received"][:, 0, 0], r["reworked"][:, 0, 0]
    discarded = r["rework_discarded"][:, 0, 0]
    assert received[0] == 0 and (received[1:] == 500).all()  # half of what arrives
    assert (r["imports_arrived"][1:, 0, 0] == 1000).all()  # all of it arrived somewhere
    assert reworked[1] == 0 and (reworked[2:] + discarded[2:] == 500).all()  # a day later
    assert discarded[2:].sum() == pytest.approx(0.2 * 500 * 38, rel=0.05)
    # a reworked round is under way from the plant to its depot for rework_days
    assert r["in_transit"][-1, 0, 0] == 1000 + reworked[-5:].sum()
    assert r["stock_rework"][-1, 0, 0] == 500  # the line keeps up: only today's arrivals wait


def test_rework_shares_the_line_with_the_legacy_reserve():
    alone = Build(days=40).depot("plant_depot")
    alone.stockpile("line", "plant_depot", stock_rounds={"a": 10**6},
                    refurbish_rounds_per_day={"a": 600})  # fmt: skip
    legacy_alone = alone.run().record["refurbished"][:, 0, 0]
    shared = _reworked(rework_effort=0.5).record
    assert (legacy_alone == 600).all()
    # 500 imported rounds a day at half the effort leave 350 of the 600 for the reserve
    assert (shared["refurbished"][2:, 0, 0] == 350).all()
    slow = _reworked(refurbish_rounds_per_day={"a": 200}).record
    assert (slow["refurbished"][:, 0, 0][2:] == 0).all()  # rework first, all of it
    assert slow["stock_rework"][-1, 0, 0] == 39 * 500 - 38 * 200  # the queue grows


def test_a_rework_heavier_than_a_days_capacity_still_gets_done_some_days():
    model = _reworked(days=200, refurbish_rounds_per_day={"a": 1}, rework_effort=2.0)
    reworked = model.record["reworked"][:, 0, 0]
    assert 70 < reworked.sum() < 130  # about one every other day
    assert model.record["refurbished"][2:, 0, 0].sum() == 199 - 1 - reworked.sum()


def test_delivery_ids_keep_clear_of_the_suppliers_own_record():
    from sim.engine.agents.importer import RECORD
    from sim.experiments.runner import SUPPLIER_COLUMNS
    from sim.scenario.references import RESERVED_DELIVERY_IDS

    assert set(RECORD) | set(SUPPLIER_COLUMNS) <= RESERVED_DELIVERY_IDS
    world = _paid_supplier(days=5, deliveries=[{"id": "rounds", "items_per_day": 1.0}])
    with pytest.raises(ScenarioError, match="deliveries.rounds"):
        world.scenario()


def test_a_production_ramp_goes_forward_in_time():
    world = Build(days=40).depot("d")
    ramp = [{"date": world.day(30), "rounds_per_day": {"a": 300}},
            {"date": world.day(10), "rounds_per_day": {"a": 100}}]  # fmt: skip
    world.importer("x", [route("r", "d")], production_ramp=ramp)
    with pytest.raises(ScenarioError, match="increasing order"):
        world.scenario()


def test_rework_needs_a_line_of_the_same_side():
    world = Build(days=5, sides=("A", "B")).depot("d").depot("e", side="B")
    world.stockpile("line", "e", side="B", stock_rounds={"a": 1}, refurbish_rounds_per_day={})
    world.importer("x", [route("r", "d")], rework_share=0.5, rework_at="line")
    with pytest.raises(ScenarioError, match="rework_at.*another side"):
        world.scenario()
    world.raw["importers"][0].pop("rework_at")
    with pytest.raises(ScenarioError, match="rework_share needs rework_at"):
        world.scenario()
