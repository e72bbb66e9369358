"""Fronts: units face enemy units, and their effective fire destroys the enemy's tubes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.scenario.errors import ScenarioError
from tests.builder import Build, route


def _front(days=40, fire=2000, rate=1.0, duds=0.0, **policy):
    """Side A's unit ``a1`` (plenty of rounds, ``fire`` a day) faces side B's ``b1``
    (200 tubes, barrels that never wear) at ``rate`` tubes per 1,000 effective rounds."""
    world = Build(days=days, sides=("A", "B"))
    world.tube_type("t", barrel_life_rounds=10**7,
                    rounds_per_tube_per_day={p: 100.0 for p in
                                             ("offensive", "defensive", "holding")})  # fmt: skip
    world.depot("da", stock_rounds={"a": 10**8}).depot("db", side="B", stock_rounds={"a": 10**8})
    world.unit("a1", "da", base_rounds_per_day={"a": fire}, tubes={"t": 1000}, faces=["b1"])
    world.unit("b1", "db", side="B", base_rounds_per_day={"a": 500}, tubes={"t": 200})
    world.raw["sides"][0].update(tubes_destroyed_per_1000_rounds=rate, **policy)
    if duds:
        world.raw["depots"][0]["stock_rounds"] = {}
        world.raw["front_units"][0]["stock_rounds"] = {}
        shipments = route("r", "da", rounds_per_container=10**6, transit_days=0)
        world.importer("s", [shipments], dud_rate=duds, stock_rounds={"a": 10**9})
    return world


def _lost(model, side="B"):
    t = model.gun_pairs.index((side, "t"))
    return model.gun_record["tubes_lost"][:, 0, t]


def test_a_units_fire_destroys_the_tubes_of_the_unit_it_faces_at_its_sides_rate():
    model = _front().run()
    fired = model.record["fired"][:, 0, model.pairs.index(("A", "a"))]
    lost = _lost(model)
    assert (fired == 2000).all()
    assert lost.sum() == 2 * 40  # 2,000 rounds a day at 1 tube per 1,000
    assert _lost(model, "A").sum() == 0  # B's unit faces no one: A loses nothing
    serviceable = model.gun_record["tubes_serviceable"][:, 0, model.gun_pairs.index(("B", "t"))]
    assert serviceable[-1] == 200 - 80


def test_more_fire_destroys_more_and_no_rate_destroys_nothing():
    assert _lost(_front(fire=4000).run()).sum() == 2 * _lost(_front(fire=2000).run()).sum()
    assert _lost(_front(rate=0.0).run()).sum() == 0
    assert _lost(_front(fire=0).run()).sum() == 0


def test_duds_destroy_nothing():
    model = _front(duds=0.5, days=20).run()
    effective = model.record["fired"] - model.record["duds"]
    a = model.pairs.index(("A", "a"))
    assert 0 < effective[:, 0, a].sum() < model.record["fired"][:, 0, a].sum()
    expected = effective[:, 0, a] / 1000.0  # tubes a day, rounded stochastically
    lost = _lost(model)
    assert abs(lost.sum() - expected.sum()) <= 5 and (np.abs(lost - expected) < 1).all()


def test_fire_spread_over_several_faced_units_by_their_number():
    world = _front(rate=2.0)
    world.unit("b2", "db", side="B", base_rounds_per_day={"a": 500}, tubes={"t": 200})
    world.raw["front_units"][0]["faces"] = ["b1", "b2"]
    model = world.run()
    lost = model.gun_record["tubes_lost"][:, 0, model.gun_pairs.index(("B", "t"))]
    assert lost.sum() == 4 * 40  # 2,000 a day at 2 per 1,000, half on each unit


def test_a_unit_never_loses_more_tubes_than_it_has():
    model = _front(rate=500.0, days=5).run()
    assert _lost(model).sum() == 200
    t = model.gun_pairs.index(("B", "t"))
    assert model.gun_record["tubes_serviceable"][-1, 0, t] == 0


@pytest.mark.parametrize(
    ("faces", "words"),
    [(["nobody"], "unknown front unit 'nobody'"), (["a1"], "'a1' is on its own side")],
)
def test_bad_fronts_name_the_key(faces, words):
    world = _front()
    world.raw["front_units"][0]["faces"] = faces
    with pytest.raises(ScenarioError) as caught:
        world.scenario()
    assert "front_units.a1.faces" in str(caught.value) and words in str(caught.value)


def test_a_front_is_not_a_parameter_that_changes_on_a_date():
    world = _front().event("swap", 5, {"front_units.a1.faces": ["b1"]})
    with pytest.raises(ScenarioError):
        world.run()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_fronts_keep_both_sides_books_and_never_lose_tubes_they_lack(data):
    draw = data.draw
    world = Build(days=25, sides=("A", "B"))
    world.tube_type("t", barrel_life_rounds=draw(st.integers(50, 5000)),
                    rounds_per_tube_per_day={p: draw(st.floats(0.0, 60.0)) for p in
                                             ("offensive", "defensive", "holding")})  # fmt: skip
    units = {
        "A": ["a1", "a2"][: draw(st.integers(1, 2))],
        "B": ["b1", "b2"][: draw(st.integers(1, 2))],
    }
    for side, ids in units.items():
        world.depot(f"d{side}", side=side, stock_rounds={"a": draw(st.integers(0, 10**6))})
        world.raw["sides"][0 if side == "A" else 1].update(
            tubes_destroyed_per_1000_rounds=draw(st.floats(0.0, 50.0))
        )
        enemies = units["B" if side == "A" else "A"]
        for u in ids:
            faces = draw(st.lists(st.sampled_from(enemies), unique=True, max_size=len(enemies)))
            world.unit(u, f"d{side}", side=side, faces=faces, tubes={"t": draw(st.integers(0, 80))},
                       base_rounds_per_day={"a": draw(st.floats(0.0, 5000.0))},
                       stock_rounds={"a": draw(st.integers(0, 10**5))})  # fmt: skip
        if draw(st.booleans()):
            world.gun_park(f"p{side}", side=side, reserve_tubes={"t": draw(st.integers(0, 40))},
                           tubes_lost_per_day={"t": draw(st.floats(0.0, 3.0))})  # fmt: skip
    model = world.run(seeds=(draw(st.integers(0, 2**31)),))  # the ledger checks every day
    g = model.gun_record
    assert all((g[name] >= 0).all() for name in ("tubes_serviceable", "tubes_reserve"))
    for side, enemy in (("A", 1), ("B", 0)):
        t = model.gun_pairs.index((side, "t"))
        fleet = sum(u["tubes"]["t"] for u in world.raw["front_units"] if u["side"] == side)
        parks = [p for p in world.raw.get("gun_parks", []) if p["side"] == side]
        fleet += sum(p["reserve_tubes"]["t"] for p in parks)
        lost = g["tubes_lost"][:, 0, t].sum()
        assert lost <= fleet  # no new tubes here: none lost that were never there
        faced = any(u["faces"] for u in world.raw["front_units"] if u["side"] != side)
        rate = world.raw["sides"][enemy]["tubes_destroyed_per_1000_rounds"]
        if not parks and (rate == 0.0 or not faced):
            assert lost == 0  # nothing but the enemy's fire destroys tubes


def test_a_checkpoint_scores_the_tubes_a_side_lost():
    from sim.experiments.validation import check

    world = _front(days=20)
    world.raw["checkpoints"] = [
        {"id": "lost", "metric": "tubes_lost_total", "side": "B", "start_date": world.day(10),
         "end_date": world.day(19), "low": 15, "high": 25, "source": "test"},
    ]  # fmt: skip
    row = check(world.scenario(), reps=2, seed=1, progress=False).table.iloc[0]
    assert row["median"] == 20 and row["hit"]  # 2 a day over the window's ten days
    world.raw["checkpoints"][0]["munition"] = "a"
    with pytest.raises(ScenarioError, match="not by munition"):
        world.scenario()
