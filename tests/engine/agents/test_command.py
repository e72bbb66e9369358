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


def _offensive(days=80, launch=0.0, delay=0, **unit):
    """A producer of 1,000 a day feeding a unit of 800 a day that attacks (1,200 a day)
    from day 20 to day 60; the side waits for ``launch`` days of fire, ``delay`` at most."""
    w = Build(days=days).depot("d", stock_rounds={"a": 1000})
    w.producer("p", "d", rounds_per_day={"a": 1000}, transit_days=0)
    w.unit("u", "d", base_rounds_per_day={"a": 800}, rationing_threshold_days=0.0, **unit)
    w.event("attack", 20, {"front_units.u.posture": "offensive"})
    w.event("stop", 60, {"front_units.u.posture": "defensive"})
    policy = {"offensive_launch_days_of_supply": launch, "offensive_max_delay_days": delay}
    return _side(w, **policy)


def _held(r):
    return (r["stock_depot"] + r["stock_unit"])[:, 0, 0]


def test_an_offensive_waits_for_stock_firing_as_before_then_launches():
    r = _offensive(launch=8.0, delay=30).run().record
    fired, postponed = r["fired"][:, 0, 0], r["postponed"][:, 0, 0]
    waiting = np.flatnonzero(postponed)
    assert waiting[0] == 20 and (np.diff(waiting) == 1).all()  # from its date, in one spell
    start = waiting[-1] + 1
    assert 20 < start < 50  # it launched before its longest wait ran out
    assert (fired[20:start] <= 800).all()  # as defending: 800 of the 1,200 planned
    # eight days of the offensive's fire held when it launched (the day's 1,000 made)
    assert _held(r)[start - 1] + 1000 >= 8 * 1200 > _held(r)[start - 2] + 1000
    assert (fired[start : start + 5] > 800).all()  # then it attacks
    assert np.array_equal(postponed, np.minimum(postponed, r["held_back"][:, 0, 0]))
    assert (r["demanded"][20:60, 0, 0] > 800).all()  # the plan still asks for the offensive
    assert postponed[60:].sum() == 0  # its end stays on its date


def test_an_offensive_that_cannot_get_its_stock_starts_when_its_wait_runs_out():
    r = _offensive(launch=1000.0, delay=15).run().record
    postponed = r["postponed"][:, 0, 0]
    assert np.flatnonzero(postponed).tolist() == list(range(20, 35))
    assert (r["fired"][35:45, 0, 0] > 800).all()


def test_without_a_launch_threshold_offensives_start_on_their_dates():
    plain = _offensive().run().record
    assert plain["postponed"].sum() == 0
    assert (plain["fired"][20:22, 0, 0] == 1200).all()
    waiting = _offensive(launch=0.0, delay=30).run().record  # a wait alone changes nothing
    assert np.array_equal(waiting["fired"], plain["fired"])
