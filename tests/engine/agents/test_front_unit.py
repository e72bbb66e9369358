"""Front units: demand from posture and intensity, rationing, and fire never above stock."""

from __future__ import annotations

import numpy as np

from tests.builder import Build


def _front(days=10, **unit):
    world = Build(days=days).depot("d", stock_rounds={"a": 10**7})
    unit.setdefault("base_rounds_per_day", {"a": 200})
    return world.unit("u", "d", **unit)


def test_demand_is_base_times_posture_multiplier_times_intensity():
    for posture, multiplier in (("offensive", 1.5), ("defensive", 1.0), ("holding", 0.5)):
        r = _front(posture=posture, intensity=1.2).run().record
        assert (r["demanded"][:, 0, 0] == round(200 * multiplier * 1.2)).all()
    world = _front()
    world.raw["sides"][0]["posture_multipliers"] = {"offensive": 3.0}
    assert (
        world.run(overrides={"front_units.u.posture": "offensive"}).record["demanded"] == 600
    ).all()


def test_demand_noise_keeps_the_mean():
    demanded = _front(days=2000, demand_noise_cv=0.3).run().record["demanded"][:, 0, 0]
    assert abs(demanded.mean() / 200 - 1) < 0.02 and abs(demanded.std() / 200 - 0.3) < 0.02


def test_below_the_threshold_a_unit_rations_and_never_fires_more_than_it_holds():
    world = Build(days=6).depot("d")  # nothing to deliver
    world.unit("u", "d", base_rounds_per_day={"a": 100}, stock_rounds={"a": 450},
               rationing_threshold_days=2.0, ration_share=0.5)  # fmt: skip
    r = world.run().record
    # 450 (4.5 days): full fire while 2 days or more are left, then half a day's demand
    assert r["fired"][:, 0, 0].tolist() == [100, 100, 100, 50, 50, 50]
    assert (r["demanded"] - r["fired"])[:, 0, 0].tolist() == [0, 0, 0, 50, 50, 50]


def test_a_dated_posture_change_takes_effect_on_its_day():
    world = _front(days=10, posture="defensive")
    world.event("push", 4, {"front_units.u.posture": "offensive"})
    demanded = world.run().record["demanded"][:, 0, 0]
    assert (demanded[:4] == 200).all() and (demanded[4:] == 300).all()
    assert np.diff(demanded).nonzero()[0].tolist() == [3]
