"""A side's tempo policy: fire held back to keep a reserve, built before an offensive."""

from __future__ import annotations

import numpy as np

from tests.builder import Build


def _side(world: Build, **policy) -> Build:
    world.raw["sides"][0].update(policy)
    return world


def test_without_a_reserve_nothing_is_held_back():
    world = Build(days=20).depot("d", stock_rounds={"a": 500})
    r = world.unit("u", "d", base_rounds_per_day={"a": 100}).run().record
    assert (r["held_back"] == 0).all()


def test_short_of_its_reserve_a_side_fires_the_share_of_its_plan_its_stock_allows():
    world = Build(days=1).depot("d")
    world.unit("u", "d", base_rounds_per_day={"a": 100}, stock_rounds={"a": 1200},
               rationing_threshold_days=0.0)  # fmt: skip
    r = _side(world, reserve_days_of_supply=20.0, min_tempo=0.3).run().record
    # 1,200 rounds held, 20 days of 100 wanted: a tempo of 0.6
    assert r["fired"][0, 0, 0] == 60 and r["held_back"][0, 0, 0] == 40
    r = _side(world, reserve_days_of_supply=20.0, min_tempo=0.8).run().record
    assert r["fired"][0, 0, 0] == 80  # never below its minimum tempo


def test_stock_is_built_before_a_planned_offensive_and_spent_during_it():
    def world(**policy):
        w = Build(days=90).depot("d", stock_rounds={"a": 4000})
        w.producer("p", "d", rounds_per_day={"a": 800}, transit_days=0)
        w.unit("u", "d", base_rounds_per_day={"a": 800}, rationing_threshold_days=0.0)
        w.event("attack", 50, {"front_units.u.posture": "offensive"})
        return _side(w, **policy).run().record

    plain = world()
    planned = world(offensive_reserve_days_of_supply=20.0, offensive_lead_days=30,
                    min_tempo=0.5)  # fmt: skip

    def held(r):
        return (r["stock_depot"] + r["stock_unit"])[:, 0, 0]

    back = planned["held_back"][:, 0, 0]
    assert (back[:20] == 0).all() and (back[20:50] > 0).all() and (back[50:] == 0).all()
    assert (plain["held_back"] == 0).all()
    # built in the 30 days before the offensive ...
    assert held(planned)[49] - held(planned)[19] > 8000
    assert abs(held(plain)[49] - held(plain)[19]) < 1000
    # ... and spent once it starts: the offensive's full fire lasts twice as long
    at_full = (planned["fired"][50:, 0, 0] == 1200).sum()
    assert at_full >= 2 * (plain["fired"][50:, 0, 0] == 1200).sum() > 0
    assert held(planned)[69] < held(planned)[49] - 6000
    assert np.array_equal(planned["demanded"], plain["demanded"])  # the plan is the same
