"""Depots: orders up to target, throughput caps, priority tiers, links and dispersal."""

from __future__ import annotations

import numpy as np

from tests.builder import Build


def test_units_are_topped_up_to_their_target_days_of_supply():
    world = Build(days=3).depot("d", stock_rounds={"a": 10**6})
    world.unit("u", "d", base_rounds_per_day={"a": 100}, target_days_of_supply=4)
    r = world.run().record
    # day 0: orders 400 (4 days), fires 100; then tops up the 100 fired
    assert r["delivered"][:, 0, 0].tolist() == [400, 100, 100]
    assert (r["stock_unit"][:, 0, 0] == 300).all()


def test_a_total_throughput_cap_is_shared_in_proportion_to_what_is_wanted():
    world = Build(days=1, munitions=("a", "b"))
    world.depot("d", stock_rounds={"a": 10**6, "b": 10**6}, throughput_rounds_per_day=300)
    world.unit("u", "d", base_rounds_per_day={"a": 200, "b": 100}, target_days_of_supply=1)
    delivered = world.run().record["delivered"][0, 0]
    assert delivered.tolist() == [200, 100]  # asked 200 + 100: all fits
    world.raw["depots"][0]["throughput_rounds_per_day"] = 150
    assert world.run().record["delivered"][0, 0].tolist() == [100, 50]


def test_a_per_munition_cap_binds_that_munition_alone():
    world = Build(days=1, munitions=("a", "b"))
    world.depot("d", stock_rounds={"a": 10**6, "b": 10**6},
                munition_throughput_rounds_per_day={"a": 120})  # fmt: skip
    world.unit("u", "d", base_rounds_per_day={"a": 200, "b": 100}, target_days_of_supply=1)
    assert world.run().record["delivered"][0, 0].tolist() == [120, 100]


def test_the_first_priority_is_served_in_full_before_the_next():
    world = Build(days=1).depot("d", stock_rounds={"a": 250})
    for name, priority in (("u1", 2), ("u2", 1), ("u3", 2)):
        world.unit(name, "d", base_rounds_per_day={"a": 100}, target_days_of_supply=2,
                   priority=priority)  # fmt: skip
    model = world.run()
    # each asks 200: u2 (priority 1) gets its 200, u1 and u3 share the 50 left; then each
    # fires a day's 100 or what it has
    stock = {a.spec_id: int(a.stock[0, 0]) for a in model.agents if a.kind == "front_units"}
    assert stock == {"u1": 0, "u2": 100, "u3": 0}
    assert model.record["fired"][0, 0, 0] == 150


def test_a_downstream_depot_orders_along_its_link_counting_what_is_on_the_way():
    world = Build(days=8).depot("rear", stock_rounds={"a": 10**6})
    world.depot("front", target_days_of_supply=5)
    world.link("rail", "rear", "front", transit_days=3)
    world.unit("u", "front", base_rounds_per_day={"a": 100}, target_days_of_supply=1)
    r = world.run().record
    # the front wants 5 days (500) in stock and on the way: it orders 500 on day 0 and
    # nothing more until the rounds arrive on day 3; the unit fires from day 3
    assert r["in_transit"][:3, 0, 0].tolist() == [500, 500, 500]
    assert r["fired"][:3, 0, 0].sum() == 0 and r["fired"][3, 0, 0] == 100
    # from then on it reorders what was fired, to arrive three days later
    assert r["in_transit"][4:, 0, 0].tolist() == [100, 200, 300, 300]


def test_link_capacity_caps_what_a_link_carries():
    world = Build(days=4).depot("rear", stock_rounds={"a": 10**6})
    world.depot("front", target_days_of_supply=10)
    world.link("rail", "rear", "front", transit_days=1, capacity_rounds_per_day=70)
    world.unit("u", "front", target_days_of_supply=1)
    r = world.run().record
    assert (r["in_transit"][:, 0, 0] == 70).all()


def test_dispersal_costs_throughput_and_adds_transit_days():
    world = Build(days=6).depot("rear", stock_rounds={"a": 10**6}, throughput_rounds_per_day=100)
    world.depot("front", target_days_of_supply=10, dispersal=1.0, dispersal_extra_transit_days=2,
                dispersal_throughput_cost=0.5)  # fmt: skip
    world.link("rail", "rear", "front", transit_days=1)
    world.unit("u", "front", target_days_of_supply=1)
    r = world.run().record
    # the rear's own throughput is untouched (it is not dispersed): 100 a day, 3 days out
    assert r["in_transit"][:3, 0, 0].tolist() == [100, 200, 300]
    assert r["stock_depot"][2, 0, 0] == 10**6 - 300 and r["fired"][2, 0, 0] == 0
    assert r["fired"][3, 0, 0] == 100


def test_latent_duds_leave_a_depot_in_proportion_to_what_leaves():
    world = Build(days=200).depot("d").producer("p", "d", rounds_per_day={"a": 1000},
                                                 dud_rate=0.2, transit_days=0)  # fmt: skip
    world.unit("u", "d", base_rounds_per_day={"a": 400}, target_days_of_supply=1)
    r = world.run().record
    assert abs(r["duds"].sum() / r["fired"].sum() - 0.2) < 0.005
    assert np.all(r["duds"] <= r["fired"])
