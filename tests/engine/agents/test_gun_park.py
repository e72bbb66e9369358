"""Guns: fire capped by serviceable tubes, barrels that wear, gun parks that refit."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.ledger import LedgerError
from sim.scenario.errors import ScenarioError
from tests.builder import Build, route

RATES = {"offensive": 60.0, "defensive": 50.0, "holding": 20.0}


def _guns(days=12, tubes=10, demand=10_000, stock=10**7, posture="defensive", **tube):
    """One unit with ``tubes`` tubes of ``t`` (50 rounds a tube a day defending) and
    plenty of ammunition, wanting ``demand`` rounds a day."""
    world = Build(days=days).depot("d", stock_rounds={"a": stock})
    tube.setdefault("rounds_per_tube_per_day", RATES)
    world.tube_type("t", **tube)
    return world.unit(
        "u", "d", base_rounds_per_day={"a": demand}, tubes={"t": tubes}, posture=posture
    )


def _column(record, name):
    return record[name][:, 0, 0]


def test_with_ammunition_abundant_the_tubes_cap_fire_and_their_barrels_wear_out():
    model = _guns(barrel_life_rounds=1000).run()
    r, g = model.record, model.gun_record
    fired, worn_out = _column(r, "fired"), _column(g, "tubes_worn_out")
    serviceable = _column(g, "tubes_serviceable")
    # each day: serviceable tubes x 50; one barrel life (1,000 rounds) wears out a tube
    at_fire = serviceable + worn_out  # wear-out comes after the day's fire
    assert (fired == at_fire * 50).all()
    assert (np.cumsum(worn_out) == np.cumsum(fired) // 1000).all()
    assert fired[0] == 500 and fired[-1] < fired[0] and serviceable[-1] < 10
    assert (_column(g, "tubes_worn") == 10 - serviceable).all()  # no park: never refitted
    # the rounds the guns could not fire are the tube-limited part of the shortfall
    assert (_column(r, "tube_limited") == 10_000 - fired).all()


def test_posture_sets_the_rate_a_tube_sustains():
    for posture, rate in RATES.items():
        r = _guns(days=1, posture=posture, barrel_life_rounds=10**6).run().record
        assert _column(r, "fired")[0] == 10 * rate


def test_with_tubes_abundant_ammunition_is_the_limit_and_the_rounds_are_unchanged():
    plain = Build(days=20).depot("d", stock_rounds={"a": 3000})
    plain.unit("u", "d", base_rounds_per_day={"a": 400})
    gunned = Build(days=20).depot("d", stock_rounds={"a": 3000}).tube_type("t")
    gunned.unit("u", "d", base_rounds_per_day={"a": 400}, tubes={"t": 1000})
    a, b = plain.run().record, gunned.run().record
    for name in a:
        assert np.array_equal(a[name], b[name]), name
    assert (b["tube_limited"] == 0).all() and b["fired"].sum() < 400 * 20


def test_munitions_of_one_type_share_its_tubes_in_proportion():
    world = Build(days=1, munitions=("a", "b")).depot("d", stock_rounds={"a": 10**6, "b": 10**6})
    world.tube_type("t", fires=("a", "b"), rounds_per_tube_per_day=RATES)
    world.unit("u", "d", base_rounds_per_day={"a": 3000, "b": 1000}, tubes={"t": 20})
    fired = world.run().record["fired"][0, 0]
    assert fired.tolist() == [750, 250]  # 20 x 50 = 1,000 rounds, split 3:1


def test_a_park_refits_worn_tubes_with_spare_barrels_up_to_its_capacity():
    world = _guns(days=30, barrel_life_rounds=500)
    world.gun_park("park", spare_barrels={"t": 12}, rebarrel_tubes_per_day={"t": 1})
    g = world.run().gun_record
    fitted, rebarrelled = _column(g, "barrels_fitted"), _column(g, "tubes_rebarrelled")
    assert (fitted == rebarrelled).all() and (fitted <= 1).all()
    assert fitted.sum() == 12  # every spare barrel fitted, one a day at most
    assert _column(g, "barrels_spare")[-1] == 0
    assert (_column(g, "tubes_serviceable") <= 10).all()  # never above establishment


def test_a_park_issues_its_reserve_and_inspects_stored_tubes():
    world = _guns(days=20, barrel_life_rounds=400)
    world.gun_park("park", reserve_tubes={"t": 5}, stored_tubes={"t": 50},
                   reactivated_tubes_per_day={"t": 2}, stored_unserviceable_share=0.5)  # fmt: skip
    g = world.run().gun_record
    stripped, salvaged = _column(g, "tubes_stripped"), _column(g, "barrels_salvaged")
    reactivated = _column(g, "tubes_reactivated")
    assert (stripped == salvaged).all() and stripped.sum() > 0  # a barrel from each
    assert (reactivated + stripped == 2).all()  # two inspected a day
    issued = _column(g, "tubes_issued")
    assert issued.sum() > 0  # the gaps salvaged barrels could not close
    assert _column(g, "tubes_reserve")[-1] == 5 + reactivated.sum() - issued.sum()
    assert _column(g, "barrels_fitted").sum() > 0  # salvaged barrels refit worn tubes
    assert _column(g, "tubes_stored")[-1] == 50 - 2 * 20


def test_a_side_without_tubes_of_a_munitions_type_cannot_fire_it():
    r = _guns(tubes=0).run().record
    assert (r["fired"] == 0).all() and (r["tube_limited"] == r["demanded"]).all()


def test_a_tube_changed_behind_the_books_breaks_them_naming_the_tube_type():
    model = _guns().scenario()
    from sim.engine.model import SupplyModel

    m = SupplyModel([model], [1])
    m.run_until(3)
    m.arrays.guns.serviceable[0, 0, 0] += 1
    with pytest.raises(LedgerError, match="day 3, side A, tube type t, member 0"):
        m.run_until(4)


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (lambda w: w.raw["munitions"][0].update(tube_type="x"), "munitions.a.tube_type",
         "unknown tube type"),
        (lambda w: w.raw["front_units"][0].update(tubes={}), "front_units.u.tubes",
         "no t tubes for the a it fires"),
        (lambda w: w.gun_park("p1").gun_park("p2"), "gun_parks.p2.side", "has a gun park"),
        (lambda w: w.raw["tube_types"][0].update(rounds_per_tube_per_day={"offensive": 1.0}),
         "tube_types.t.rounds_per_tube_per_day", "no rate for defensive, holding"),
        (lambda w: w.gun_park("p", spare_barrels={"y": 3}), "gun_parks.p.spare_barrels.y",
         "unknown tube type"),
    ],
)  # fmt: skip
def test_bad_guns_name_the_key(change, key, words):
    world = _guns()
    change(world)
    with pytest.raises(ScenarioError) as caught:
        world.scenario()
    assert key in str(caught.value) and words in str(caught.value)


def test_events_change_a_parks_rates_but_never_its_stocks_or_a_units_tubes():
    def world(path, value):
        w = _guns(days=20, barrel_life_rounds=10**6).gun_park("p")
        return w.event("e", 5, {path: value})

    g = world("gun_parks.p.barrels_per_day.t", 3.0).run().gun_record
    assert _column(g, "barrels_new").tolist() == [0] * 5 + [3] * 15
    for path in ("gun_parks.p.spare_barrels.t", "front_units.u.tubes.t"):
        with pytest.raises(ScenarioError, match="not a parameter that can change on a date"):
            world(path, 5).run()


def test_a_fleet_grows_to_its_establishment_as_new_tubes_arrive():
    world = Build(days=30).depot("d", stock_rounds={"a": 10**7})
    world.tube_type("t", barrel_life_rounds=10**6)  # no wear: only the arrivals
    world.unit("u", "d", base_rounds_per_day={"a": 10_000}, tubes={"t": 0},
               establishment_tubes={"t": 20})  # fmt: skip
    world.gun_park("park", new_tubes_per_day={"t": 1})
    model = world.run()
    serviceable = _column(model.gun_record, "tubes_serviceable")
    assert serviceable.tolist()[:3] == [1, 2, 3] and serviceable[-1] == 20  # then it stops
    assert _column(model.gun_record, "tubes_reserve")[-1] == 10  # the rest wait in reserve
    fired = _column(model.record, "fired")
    assert fired[0] == 10 and fired[-1] == 200  # 10 rounds a tube a day


def test_the_sides_tempo_is_a_share_of_what_the_tubes_can_fire():
    world = _guns(days=1, tubes=2, demand=1000, barrel_life_rounds=10**6)  # tubes: 100
    world.raw["front_units"][0].update(stock_rounds={"a": 1000}, rationing_threshold_days=0.0)
    world.raw["depots"][0]["stock_rounds"] = {"a": 0}
    world.raw["sides"][0].update(reserve_days_of_supply=5.0, min_tempo=0.2)  # tempo 0.2
    r = world.run().record
    assert _column(r, "fired")[0] == 20  # a fifth of the 100 the tubes could fire
    assert _column(r, "tube_limited")[0] == 900 and _column(r, "held_back")[0] == 80


def test_a_tube_that_fires_more_than_a_barrel_a_day_leaves_no_wear_behind():
    rates = {p: 250.0 for p in RATES}  # two and a half barrels a day
    world = _guns(days=6, tubes=1, barrel_life_rounds=100, rounds_per_tube_per_day=rates)
    world.gun_park("park", reserve_tubes={"t": 5})
    g = world.run().gun_record
    # each day one fresh tube fires 250 rounds and is worn out; nothing carries over
    assert _column(g, "tubes_worn_out").tolist() == [1] * 6
    assert (_column(world.run().record, "fired") == 250).all()


@pytest.mark.parametrize("key", ["rounds_per_tube_per_day", "new_tubes_per_day"])
def test_an_endless_rate_is_refused(key):
    world = _guns()
    if key == "rounds_per_tube_per_day":
        world.raw["tube_types"][0][key] = {p: float("inf") for p in RATES}
    else:
        world.gun_park("p", new_tubes_per_day={"t": float("inf")})
    with pytest.raises(ScenarioError, match=key):
        world.scenario()


def test_the_enemy_destroys_tubes_spread_over_the_units_by_their_tubes():
    world = Build(days=10).depot("d", stock_rounds={"a": 10**7})
    world.tube_type("t", barrel_life_rounds=10**6)
    world.unit("u1", "d", base_rounds_per_day={"a": 10}, tubes={"t": 10})
    world.unit("u2", "d", base_rounds_per_day={"a": 10}, tubes={"t": 30})
    world.gun_park("park", tubes_lost_per_day={"t": 4})
    model = world.run()
    lost = _column(model.gun_record, "tubes_lost")
    assert (lost == 4).all()  # 4 a day, as long as there are tubes
    assert _column(model.gun_record, "tubes_serviceable")[-1] == 0  # all 40 gone
    # ... and a unit with three times the tubes loses about three times as many
    u1, u2 = (model.arrays.guns.serviceable[0, i, 0] for i in (0, 1))
    assert u1 == u2 == 0
    early = world.scenario(overrides={"scenario.days": 2})
    from sim.engine.model import SupplyModel

    two = SupplyModel([early], [1])
    two.run()
    assert two.arrays.guns.serviceable[0, :, 0].tolist() == [8, 24]  # 1 and 3 lost a day


def _importing(days=30, **importer):
    """A unit short of its establishment, a park importing a tube a day from ``s``."""
    world = Build(days=days).depot("d", stock_rounds={"a": 10**7})
    world.tube_type("t", barrel_life_rounds=10**6)
    world.unit("u", "d", base_rounds_per_day={"a": 10_000}, tubes={"t": 0},
               establishment_tubes={"t": 100})  # fmt: skip
    world.importer("s", [route("r", "d", munition_shares={"a": 1.0})], **importer)
    imports = [{"id": "guns", "supplier": "s", "tubes_per_day": {"t": 1.0}}]
    return world.gun_park("park", imports=imports)


def test_imported_tubes_arrive_only_while_their_supplier_is_willing():
    g = _importing(start_date=None).run().gun_record
    assert _column(g, "tubes_imported").tolist() == [1] * 30
    assert _column(g, "tubes_serviceable").tolist() == list(range(1, 31))
    assert _column(g, "tubes_new").sum() == 0  # imports are not the side's own output
    world = _importing()
    world.raw["importers"][0].update(start_date=world.day(10), end_date=world.day(19))
    assert _column(world.run().gun_record, "tubes_imported").tolist() == (
        [0] * 10 + [1] * 10 + [0] * 10
    )
    off = _importing(enabled=False).run().gun_record  # a variant without the supplier
    assert _column(off, "tubes_imported").sum() == 0


def test_imported_tubes_without_a_supplier_always_arrive_and_follow_events():
    world = _importing()
    world.raw["gun_parks"][0]["imports"][0].pop("supplier")
    world.raw["importers"][0].update(enabled=False)
    world.event("more", 20, {"gun_parks.park.imports.guns.tubes_per_day.t": 2.5})
    imported = _column(world.run().gun_record, "tubes_imported")
    assert imported[:20].tolist() == [1] * 20 and imported[20:].sum() == 25  # 2.5 a day


@pytest.mark.parametrize(
    ("imports", "key", "words"),
    [
        ([{"id": "x", "supplier": "nobody"}], "gun_parks.park.imports.x.supplier",
         "unknown importer"),
        ([{"id": "x", "tubes_per_day": {"y": 1}}], "gun_parks.park.imports.x.tubes_per_day.y",
         "unknown tube type"),
        ([{"id": "x"}, {"id": "x"}], "gun_parks.park.imports.x", "duplicate id"),
    ],
)  # fmt: skip
def test_bad_imports_of_tubes_name_the_key(imports, key, words):
    world = _importing()
    world.raw["gun_parks"][0]["imports"] = imports
    with pytest.raises(ScenarioError) as caught:
        world.scenario()
    assert key in str(caught.value) and words in str(caught.value)


def test_a_supplier_of_another_side_cannot_send_a_park_its_tubes():
    world = _importing()
    world.raw["sides"].append({"id": "B"})
    world.raw["importers"][0].update(side="B")
    world.raw["importers"][0]["routes"][0]["ship_to"] = "e"
    world.depot("e", side="B")
    with pytest.raises(ScenarioError, match="imports.guns.supplier: the importer supplies"):
        world.scenario()
