"""The exchange: each facing pair's fire buys ground and casualties (a reduced form)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.scenario.errors import ScenarioError
from tests.builder import Build

POSTURES = ("offensive", "defensive", "holding")


def _pair(days=60, fire_a=4000, fire_b=1000, posture_a="offensive", posture_b="defensive",
          a_faces=True, b_faces=True, side_a=None, side_b=None):  # fmt: skip
    """Side A's unit ``a1`` faces side B's ``b1`` (and back); rounds never run short,
    tubes never limit, no tube is lost, and every posture fires its base rate."""
    world = Build(days=days, sides=("A", "B"))
    world.tube_type("t", barrel_life_rounds=10**7,
                    rounds_per_tube_per_day={p: 100.0 for p in POSTURES})  # fmt: skip
    world.depot("da", stock_rounds={"a": 10**9}).depot("db", side="B", stock_rounds={"a": 10**9})
    world.unit("a1", "da", base_rounds_per_day={"a": fire_a}, tubes={"t": 1000},
               posture=posture_a, faces=["b1"] if a_faces else [])  # fmt: skip
    world.unit("b1", "db", side="B", base_rounds_per_day={"a": fire_b}, tubes={"t": 1000},
               posture=posture_b, faces=["a1"] if b_faces else [])  # fmt: skip
    a = {"ground_held_km2": 1000.0, "ground_km2_per_day": 2.0, "breakeven_fire_ratio": 2.0,
         "casualties_per_1000_rounds": 50.0, **(side_a or {})}  # fmt: skip
    b = {"ground_held_km2": 1000.0, "ground_km2_per_day": 2.0, "breakeven_fire_ratio": 2.0,
         "casualties_per_1000_rounds": 80.0, **(side_b or {})}  # fmt: skip
    flat = {"posture_multipliers": {p: 1.0 for p in POSTURES}}
    world.raw["sides"][0].update(flat | a)
    world.raw["sides"][1].update(flat | b)
    return world


def _front(model, account, side):
    return model.front_record[account][:, 0, model.sides.index(side)]


def test_the_stronger_fire_on_the_offensive_takes_ground_at_the_stated_rate():
    model = _pair().run()
    gained = _front(model, "ground_gained", "A")
    # ratio (4,000 + 1) / (1,000 + 1) ≈ 4; 2 km² × (ln 4 − ln 2) a day, in hectares
    expected = 2.0 * (math.log(4001 / 1001) - math.log(2.0)) * 100
    assert abs(gained.mean() - expected) < 1.0 and (np.abs(gained - expected) < 1).all()
    assert (_front(model, "ground_lost", "B") == gained).all()
    assert _front(model, "ground_gained", "B").sum() == 0  # below its breakeven
    held_a, held_b = _front(model, "ground_held", "A"), _front(model, "ground_held", "B")
    assert (held_a + held_b == 200_000).all()  # ground only changes hands
    assert held_a[-1] == 100_000 + gained.sum()


def test_casualties_follow_the_enemys_fire_and_the_offensive_is_exposed():
    model = _pair(side_b={"offensive_casualty_factor": 1.0}).run()
    # B suffers A's 4,000 rounds at 50 per 1,000; A suffers B's 1,000 at 80 per 1,000
    assert (_front(model, "casualties_suffered", "B") == 200).all()
    assert (_front(model, "casualties_suffered", "A") == 80).all()
    assert (_front(model, "casualties_inflicted", "A") == 200).all()
    exposed = _pair(side_a={"offensive_casualty_factor": 1.5}).run()
    assert (_front(exposed, "casualties_suffered", "A") == 120).all()  # A is on the offensive


def test_below_the_breakeven_or_not_attacking_takes_no_ground():
    assert _front(_pair(fire_a=1500).run(), "ground_gained", "A").sum() == 0
    defending = _pair(posture_a="defensive").run()
    assert _front(defending, "ground_gained", "A").sum() == 0
    local = _pair(posture_a="defensive", side_a={"ground_share_in_defence": 0.5}).run()
    attacking = _pair().run()
    share = (
        _front(local, "ground_gained", "A").sum() / _front(attacking, "ground_gained", "A").sum()
    )
    assert share == pytest.approx(0.5, abs=0.02)


def test_more_fire_takes_more_ground_and_a_unit_that_does_not_face_back_is_unanswered():
    low = _front(_pair(fire_a=4000).run(), "ground_gained", "A").sum()
    high = _front(_pair(fire_a=8000).run(), "ground_gained", "A").sum()
    assert high > low > 0
    unanswered = _front(_pair(b_faces=False).run(), "ground_gained", "A").sum()
    assert unanswered > high  # B fires, but not at A: the ratio is A's fire alone
    model = _pair(b_faces=False).run()
    assert _front(model, "casualties_suffered", "A").sum() == 0


def test_tubes_in_action_weigh_in_only_with_their_exponent():
    world = _pair(fire_a=4000, fire_b=4000)  # even fire: no ground
    world.raw["front_units"][0]["tubes"] = {"t": 4000}
    assert _front(world.run(), "ground_gained", "A").sum() == 0
    world.raw["sides"][0]["tube_ratio_exponent"] = 1.0  # 4:1 in tubes
    assert _front(world.run(), "ground_gained", "A").sum() > 0


def test_a_side_never_loses_more_ground_than_it_holds():
    model = _pair(days=30, side_a={"ground_km2_per_day": 1000.0},
                  side_b={"ground_held_km2": 50.0}).run()  # fmt: skip
    assert _front(model, "ground_held", "B")[-1] == 0
    assert _front(model, "ground_gained", "A").sum() == 5000  # 50 km², all of it


def test_ground_and_casualties_pair_across_variants_that_change_one_sides_supply():
    world = _pair(fire_a=3000, fire_b=900)
    world.variant("less", {"front_units.b1.base_rounds_per_day.a": 800})
    base, less = world.scenario(), world.scenario(variant="less")
    from sim.engine.model import SupplyModel

    model = SupplyModel([base, less], [7, 7])
    model.run()
    a = model.sides.index("A")
    b_hurt = model.front_record["casualties_suffered"][:, :, model.sides.index("B")]
    assert (b_hurt[:, 0] == b_hurt[:, 1]).all()  # A's fire, A's draws: unchanged
    gained = model.front_record["ground_gained"][:, :, a]
    assert gained[:, 1].sum() > gained[:, 0].sum()  # B fires less back: A gains more


@pytest.mark.parametrize(
    ("key", "value"),
    [("breakeven_fire_ratio", 0.0), ("ground_km2_per_day", -1.0), ("ground_share_in_defence", 2.0)],
)
def test_a_bad_exchange_coefficient_names_its_key(key, value):
    world = _pair()
    world.raw["sides"][0][key] = value
    with pytest.raises(ScenarioError) as error:
        world.scenario()
    assert error.value.key_path == f"sides.A.{key}"


def test_a_side_that_answers_fire_wants_more_when_the_enemy_fires_more():
    def demanded(fire_a):
        model = _pair(fire_a=fire_a, side_b={"fire_response_share": 0.1}).run()
        return model.record["demanded"][:, 0, model.pairs.index(("B", "a"))]

    quiet, loud = demanded(2000), demanded(4000)
    assert quiet[0] == loud[0] == 1000  # nothing received before the first day
    assert (quiet[1:] == 1200).all() and (loud[1:] == 1400).all()  # plus a tenth of A's fire
    model = _pair(fire_a=4000).run()  # no response: the plan alone
    assert (model.record["demanded"][:, 0, model.pairs.index(("B", "a"))] == 1000).all()


def test_an_enemy_faced_twice_is_refused():
    world = _pair()
    world.raw["front_units"][0]["faces"] = ["b1", "b1"]
    with pytest.raises(ScenarioError, match="listed twice") as error:
        world.scenario()
    assert error.value.key_path == "front_units.a1.faces"


def test_the_exchange_coefficients_change_on_a_date_but_ground_held_does_not():
    from sim.engine.model import SupplyModel

    world = _pair(days=40).event("drones", 20, {"sides.A.ground_km2_per_day": 4.0})
    model = world.run()
    gained = _front(model, "ground_gained", "A")
    assert gained[:20].mean() == pytest.approx(139, abs=2)  # 2 km² × ln 2, in hectares
    assert gained[20:].mean() == pytest.approx(277, abs=2)  # twice that from day 20
    stock = _pair(days=40).event("more", 5, {"sides.A.ground_held_km2": 10.0}).scenario()
    with pytest.raises(ScenarioError, match="can change on a date"):
        SupplyModel([stock], [1])
