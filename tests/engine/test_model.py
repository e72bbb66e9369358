"""The engine end to end in memory: books, determinism, batches, variants, events."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import SupplyModel, load_scenario, run
from sim.experiments.runner import run_variants
from tests.ledger_check import check_books


@pytest.fixture(scope="module")
def both(tutorial, tutorial_no_dprk):
    return run_variants([tutorial, tutorial_no_dprk], reps=3, seed=7, progress=False)


def test_books_recompute_on_every_row(both, tutorial):
    rows = check_books(both.timeseries, tutorial)
    assert rows == len(both.timeseries) == 3 * 2 * 365 * 2


@pytest.mark.parametrize("seed", [0, 1, 123456789])
def test_books_hold_for_other_seeds(tutorial, seed):
    tables = run(tutorial, reps=2, seed=seed, progress=False)
    check_books(tables.timeseries, tutorial)


def test_same_seed_identical_other_seed_differs(tutorial):
    a = run(tutorial, reps=2, seed=5, progress=False).timeseries
    b = run(tutorial, reps=2, seed=5, progress=False).timeseries
    c = run(tutorial, reps=2, seed=6, progress=False).timeseries
    pd.testing.assert_frame_equal(a, b)
    assert not a["fired"].equals(c["fired"])


def test_batch_of_two_equals_first_two_of_four(tutorial):
    seeds = [101, 202, 303, 404]
    four = SupplyModel([tutorial] * 4, seeds)
    four.run()
    two = SupplyModel([tutorial] * 2, seeds[:2])
    two.run()
    for name, values in two.record.items():
        assert np.array_equal(values, four.record[name][:, :2]), name


def test_no_dprk_keeps_production_and_lowers_imports(both):
    s = both.summary
    base = s[s.variant == "baseline"].set_index(["replication", "side", "munition"])
    off = s[s.variant == "no_dprk"].set_index(["replication", "side", "munition"])
    # common random numbers: production does not depend on imports at all
    assert base["produced_total"].equals(off["produced_total"])
    assert (off["imports_arrived_total"] == 0).all()
    assert (base["imports_arrived_total"] > 0).all()
    # most imports are 152 mm: without them the front runs shorter of 152 mm
    # (122 mm can gain a little: depot throughput no longer goes to imported 152 mm)
    shell_152 = base.index.get_level_values("munition") == "shell_152"
    assert (off["shortfall_total"][shell_152] > base["shortfall_total"][shell_152]).all()


def test_imports_start_on_their_date(both):
    ts = both.timeseries
    base = ts[ts.variant == "baseline"]
    first = base.loc[base.imports_dispatched > 0, "date"].min()
    assert first == pd.Timestamp("2023-08-15")


def test_member_varying_event_dates_use_masks(tutorial_path):
    early = load_scenario(tutorial_path, overrides={"events.centre_offensive.date": "2023-03-01"})
    late = load_scenario(tutorial_path)
    model = SupplyModel([early, late], seeds=[1, 1])
    model.run()
    demanded = model.record["demanded"][:, :, 0]  # shell_152
    day = (pd.Timestamp("2023-03-01") - pd.Timestamp("2023-01-01")).days
    # same seed, same draws: before the earlier date both members want the same
    assert np.array_equal(demanded[:day, 0], demanded[:day, 1])
    # between the two dates the early offensive raises demand
    assert demanded[day : day + 60, 0].sum() > 1.2 * demanded[day : day + 60, 1].sum()


def test_rationing_shows_as_shell_hunger(tutorial_path):
    # a front with almost nothing to fire rations: fire well below demand, shortfall days
    starved = load_scenario(
        tutorial_path,
        overrides={
            "producers.industry.enabled": False,
            "stockpiles.soviet_reserve.enabled": False,
            "importers.dprk.enabled": False,
            "depots.arsenal.stock_rounds.shell_152": 0,
        },
    )
    tables = run(starved, reps=1, seed=3, progress=False)
    row = tables.summary.query("munition == 'shell_152'").iloc[0]
    assert row["shortfall_days"] > 300
    assert row["fired_total"] < 0.2 * row["demanded_total"]


def test_strikes_destroy_only_when_enabled(tutorial_path):
    calm = load_scenario(tutorial_path, overrides={"strikes.guided_rockets.enabled": False})
    busy = load_scenario(tutorial_path, overrides={"strikes.guided_rockets.strikes_per_day": 2.0})
    tables = run_variants([calm, busy], reps=2, seed=4, labels=["calm", "busy"], progress=False)
    destroyed = tables.summary.groupby("variant", sort=False)["destroyed_total"].sum()
    assert destroyed.iloc[0] == 0
    assert destroyed.iloc[1] > 0


def test_duds_follow_imported_rounds(tutorial_path):
    clean = load_scenario(
        tutorial_path,
        overrides={
            "importers.dprk.dud_rate": 0.0,
            "producers.industry.dud_rate": 0.0,
            "stockpiles.soviet_reserve.dud_rate": 0.0,
        },
    )
    tables = run(clean, reps=1, seed=2, progress=False)
    assert tables.summary["duds_total"].sum() == 0


def test_members_with_different_numbers_match_their_solo_runs(tutorial_path):
    variants = [
        {},
        {"front_units.north.priority": 1, "front_units.centre.priority": 3},
        {
            "strikes.guided_rockets.max_strikes_per_day": 9,
            "strikes.guided_rockets.strikes_per_day": 3,
        },
        {"events.centre_offensive.date": "2023-02-01", "importers.dprk.dud_rate": 0.5},
        {"importers.dprk.routes.sea.transit_days": 30, "depots.forward.dispersal": 1.0},
    ]
    members = [load_scenario(tutorial_path, overrides=o) for o in variants]
    seeds = [11, 12, 13, 14, 15]
    batch = SupplyModel(members, seeds)
    batch.run()
    for index, (member, seed) in enumerate(zip(members, seeds, strict=True)):
        solo = SupplyModel([member], [seed])
        solo.run()
        for name, values in solo.record.items():
            assert np.array_equal(values[:, 0], batch.record[name][:, index]), (index, name)


def _two_world_scenario():
    from tests.builder import Build, route

    world = Build(days=60, munitions=("a", "b"), sides=("A", "B"))
    world.depot("rear", stock_rounds={"a": 5000, "b": 3000}).depot("front", target_days_of_supply=3)
    world.link("rail", "rear", "front", transit_days=2)
    world.producer("p", "rear", rounds_per_day={"a": 300, "b": 80}, noise_cv=0.2, dud_rate=0.05)
    world.stockpile("s", "rear", stock_rounds={"a": 9000}, refurbish_rounds_per_day={"a": 150},
                    unserviceable_share=0.3)  # fmt: skip
    world.importer("x", [route("sea", "rear", cadence_days=5, transit_days=4,
                               munition_shares={"a": 0.7, "b": 0.3})],
                   stock_rounds={"a": 10**5, "b": 10**5}, dud_rate=0.1)  # fmt: skip
    world.unit("u1", "front", base_rounds_per_day={"a": 250, "b": 60}, demand_noise_cv=0.3)
    world.unit("u2", "front", base_rounds_per_day={"a": 150}, priority=2, posture="offensive")
    world.depot("other", side="B", stock_rounds={"a": 2000})
    world.unit("v", "other", side="B")
    world.strikes("s", strikes_per_day=0.3, destroyed_share=0.2, destroyed_share_spread=0.1)
    world.event("push", 20, {"front_units.u2.intensity": 1.5})
    return world.scenario()


def test_day_by_day_steps_give_the_same_numbers_as_one_run():
    scenario = _two_world_scenario()
    whole = SupplyModel([scenario] * 3, [5, 6, 7])
    whole.run()
    stepped = SupplyModel([scenario] * 3, [5, 6, 7])
    for day in range(scenario.scenario.days):
        assert stepped.day == day
        stepped.step()
        assert stepped.record["fired"].shape[0] == day + 1  # the days run so far
    assert not stepped.running
    for name, values in whole.record.items():
        assert np.array_equal(values, stepped.record[name]), name
    for name, values in whole.importer_record["x"].items():
        assert np.array_equal(values, stepped.importer_record["x"][name]), name


def test_runs_of_any_length_pick_up_where_they_stopped():
    scenario = _two_world_scenario()
    whole = SupplyModel([scenario], [9])
    whole.run()
    pieces = SupplyModel([scenario], [9])
    for until in (1, 7, 20, 21, 45, 60, 80):  # past the end is the end
        pieces.run_until(until)
    assert pieces.day == 60
    for name, values in whole.record.items():
        assert np.array_equal(values, pieces.record[name]), name


def test_an_event_before_the_start_is_in_force_from_day_0():
    from tests.builder import Build

    world = Build(days=5).depot("d", stock_rounds={"a": 10**6}).unit("u", "d")
    world.event("earlier", -3, {"front_units.u.intensity": 2.0})
    assert (world.run().record["demanded"] == 200).all()


def test_agents_are_mesa_agents_whose_numbers_are_the_engines_arrays():
    scenario = _two_world_scenario()
    model = SupplyModel([scenario] * 2, [1, 2])
    kinds = {type(agent).__name__ for agent in model.agents}
    assert kinds == {
        "SanctionsRegime",
        "Producer",
        "Stockpile",
        "Importer",
        "Depot",
        "StrikeCampaign",
        "Command",
        "FrontUnit",
    }  # fmt: skip (no gun park)
    u2 = next(a for a in model.agents if a.key == "front_units.u2")
    assert u2.params.intensity.tolist() == [1.0, 1.0]
    model.run_until(25)
    # the dated event wrote into the arrays the compiled rules read
    assert u2.params.intensity.tolist() == [1.5, 1.5]
    assert model.arrays.units.intensity[:, u2.index].tolist() == [1.5, 1.5]


def test_a_model_that_keeps_a_few_accounts_records_them_as_the_whole_run_does(tutorial):
    whole = SupplyModel([tutorial] * 2, [3, 4])
    whole.run()
    keep = ("fired", "stock_depot", "tubes_serviceable", "barrels_fitted")
    few = SupplyModel([tutorial] * 2, [3, 4], keep=keep)
    few.run()
    assert set(few.record) == {"stock_depot", "fired"}  # in the books' order
    assert set(few.gun_record) == {"tubes_serviceable", "barrels_fitted"}
    for name, values in few.record.items():
        assert np.array_equal(values, whole.record[name]), name
    for name, values in few.gun_record.items():
        assert np.array_equal(values, whole.gun_record[name]), name
    assert few.books.record.nbytes * 9 < whole.books.record.nbytes


def test_a_model_that_keeps_few_accounts_still_checks_every_identity(tutorial):
    from sim.engine.ledger import LedgerError

    model = SupplyModel([tutorial], [1], keep=("fired",))
    model.run_until(3)
    model.arrays.guns.reserve[0, 0, 0] += 1  # a tube from nowhere, in an account not kept
    with pytest.raises(LedgerError, match="day 3"):
        model.run_until(4)


def test_keeping_an_account_that_is_not_recorded_is_refused(tutorial):
    with pytest.raises(ValueError, match="not a recorded account: shortfall"):
        SupplyModel([tutorial], [1], keep=("fired", "shortfall"))  # derived, never recorded


def test_a_model_may_keep_accounts_of_one_book_only(tutorial):
    model = SupplyModel([tutorial], [1], keep=("tubes_serviceable",))
    model.run()
    assert model.record == {} and list(model.gun_record) == ["tubes_serviceable"]
