"""A factor on a schedule (``PATH*``, ``PATH*@DATE``) and a variant's own events."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

import sim
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import ShadowedOverride, with_overrides
from tests.support import TUTORIAL, WAR, munsim


def _events_setting(scenario, path: str) -> dict[str, tuple[dt.date, object]]:
    return {e.id: (e.date, e.set[path]) for e in scenario.events if path in e.set}


def test_a_factor_scales_the_value_and_every_event_setting_it():
    path = "importers.dprk.supply_scale"
    plain = sim.load_scenario(WAR)
    scaled = sim.load_scenario(WAR, overrides={f"{path}*": 0.5})
    before, after = _events_setting(plain, path), _events_setting(scaled, path)
    assert before and before.keys() == after.keys()
    for ident, (date, value) in before.items():
        assert after[ident] == (date, value * 0.5)
    dprk = {i.id: i for i in scaled.importers}["dprk"]
    assert dprk.supply_scale == 0.5 * {i.id: i for i in plain.importers}["dprk"].supply_scale


def test_a_factor_from_a_date_adds_an_event_and_scales_only_the_later_ones():
    path = "sanctions.pressure"
    plain = sim.load_scenario(TUTORIAL)
    scaled = sim.load_scenario(TUTORIAL, overrides={f"{path}*@2023-03-01": 0.5})
    assert scaled.sanctions.pressure == plain.sanctions.pressure  # before the date: as before
    found = _events_setting(scaled, path)
    added = [ident for ident in found if ident not in _events_setting(plain, path)]
    assert len(added) == 1
    date, value = found[added[0]]
    assert date == dt.date(2023, 3, 1) and value == pytest.approx(plain.sanctions.pressure * 0.5)
    # the export controls of June hold half their pressure from then on
    assert found["new_export_controls"][1] == pytest.approx(0.5 * 0.5)


def test_a_factor_on_whole_numbers_stays_whole_and_changes_the_run():
    days = sim.load_scenario(TUTORIAL, overrides={"importers.dprk.routes.sea.transit_days*": 0.3})
    route = days.importers[0].routes[0]
    assert route.transit_days == 2 and isinstance(route.transit_days, int)  # 6 × 0.3, rounded
    path = "importers.dprk.routes.sea.containers_per_shipment"
    scaled = sim.load_scenario(TUTORIAL, overrides={f"{path}*": 0.3})
    assert scaled.importers[0].routes[0].containers_per_shipment == 75
    plain = sim.run(sim.load_scenario(TUTORIAL), reps=1, seed=3, timeseries=False)
    fewer = sim.run(scaled, reps=1, seed=3, timeseries=False)
    arrived = "imports_arrived_total"
    assert fewer.summary[arrived].sum() < plain.summary[arrived].sum()


def test_a_sampled_factor_on_an_event_controlled_input_is_not_shadowed():
    base = sim.load_scenario(TUTORIAL)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShadowedOverride)  # a plain value would warn here
        scaled = with_overrides(base, {"sanctions.pressure*": 0.5})
    assert _events_setting(scaled, "sanctions.pressure")["new_export_controls"][1] == 0.25


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("importers.dprk.enabled*", 0.5, "holds True, not a number: a factor needs a number"),
        ("sanctions.pressure*", -1, "a factor cannot be negative"),
        ("sanctions.pressure*@2023-13-01", 0.5, "expected PATH*@YYYY-MM-DD"),
        ("importers.nobody.dud_rate*", 0.5, "no entry 'nobody'"),
    ],
)
def test_bad_factors_are_one_clear_error(key, value, message):
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(TUTORIAL, overrides={key: value})
    assert message in str(caught.value) and key in str(caught.value)


def test_the_command_line_takes_a_factor_and_refuses_a_bad_one(tmp_path):
    done = munsim(
        "run", TUTORIAL, "--reps", 2, "--set", "sanctions.pressure*=0.5", "--out", tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    bad = munsim("run", TUTORIAL, "--set", "importers.dprk.enabled*=2", "--out", tmp_path / "b")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "importers.dprk.enabled*" in bad.stderr and not (tmp_path / "b").exists()


VARIANT_EVENT = """
[variants.late_controls]
"importers.dprk.dud_rate" = 0.3

[[variants.late_controls.events]]
id = "dprk_stops"
date = 2023-10-01
source = "assumption: a test"
set = { "importers.dprk.supply_scale" = 0.0 }
"""


def test_a_variant_adds_its_own_events(tmp_path):
    file = tmp_path / "tutorial.toml"
    file.write_text(TUTORIAL.read_text() + VARIANT_EVENT)
    base = sim.load_scenario(file)
    variant = sim.load_scenario(file, variant="late_controls")
    assert "dprk_stops" not in {e.id for e in base.events}
    added = {e.id: e for e in variant.events}["dprk_stops"]
    assert added.date == dt.date(2023, 10, 1) and variant.importers[0].dud_rate == 0.3
    # the added event's value is a dotted path like any other
    moved = sim.load_scenario(
        file, variant="late_controls", overrides={"events.dprk_stops.date": dt.date(2023, 11, 1)}
    )
    assert {e.id: e for e in moved.events}["dprk_stops"].date == dt.date(2023, 11, 1)
    result = sim.compare(file, "baseline,late_controls", reps=2, seed=1, timeseries=False)
    row = result.paired.query("metric == 'imports_arrived_total' and munition == 'all'")
    assert float(row["mean_diff"].iloc[0]) > 0  # the variant stops DPRK shipments in October


def test_a_variant_event_that_repeats_an_id_is_refused(tmp_path):
    file = tmp_path / "tutorial.toml"
    file.write_text(TUTORIAL.read_text() + VARIANT_EVENT.replace("dprk_stops", "counteroffensive"))
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(file, variant="late_controls")
    assert caught.value.key_path == "variants.late_controls.events.counteroffensive"
    assert "already has an event of this id" in caught.value.message


@pytest.mark.slow
def test_a_sweep_over_a_factor_on_an_event_controlled_input_changes_the_results(tmp_path):
    file = tmp_path / "factor.toml"
    file.write_text(f"""
[experiment]
scenario = "{TUTORIAL}"
sampler = "grid"
reps = 1
seed = 1

[[parameters]]
path = "sanctions.pressure*"
levels = [0.2, 1.0, 1.8]

[[outputs]]
metric = "produced_total"
side = "RU"
start_date = 2023-07-01
""")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShadowedOverride)
        done = sim.sweep(file, out=tmp_path / "runs", workers=1, progress=False)
    produced = done.results.set_index("sanctions.pressure*")[
        "produced_total.RU.all.2023-07-01_2023-12-31"
    ]
    # after the export controls of June, more pressure means fewer rounds made
    assert produced[0.2] > produced[1.0] > produced[1.8]
