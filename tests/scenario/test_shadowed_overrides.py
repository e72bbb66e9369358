"""A value set by a variant, ``--set`` or a sweep that a later dated event overwrites is
said, once, naming the event and its date; a value no event touches is not."""

from __future__ import annotations

import warnings

import pytest

from sim.scenario.loader import ShadowedOverride, with_overrides
from tests.builder import Build
from tests.support import munsim


def _world():
    world = Build(days=100).depot("d", stock_rounds={"a": 10**6}).unit("u", "d")
    world.sanctions(target_side="A", pressure=0.1)
    world.event("controls", 40, {"sanctions.pressure": 0.5})
    world.event("later", 70, {"front_units.u.intensity": 2.0})
    world.event("never", 500, {"front_units.u.posture": "holding"})  # after the end
    return world


def test_an_override_a_later_event_overwrites_is_said_with_the_event_and_its_date():
    with pytest.warns(ShadowedOverride) as caught:
        _world().scenario(overrides={"sanctions.pressure": 0.3})
    (message,) = [str(w.message) for w in caught]
    assert "--set sanctions.pressure is overwritten from 2024-02-10 by event 'controls'" in message
    assert "events.controls.date" in message


def test_a_variant_and_a_sweep_sample_are_checked_too():
    world = _world().variant("busy", {"front_units.u.intensity": 1.5})
    with pytest.warns(ShadowedOverride, match="variants.busy.front_units.u.intensity .*'later'"):
        base = world.scenario(variant="busy")
    with pytest.warns(ShadowedOverride, match="^built.toml: sanctions.pressure .*'controls'"):
        with_overrides(base, {"sanctions.pressure": 0.2})


def test_values_no_event_touches_during_the_run_are_not_said():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShadowedOverride)
        _world().scenario(overrides={
            "front_units.u.posture": "offensive",  # its only event falls after the end
            "events.controls.date": "2024-12-31",  # moving an event shadows nothing
            "depots.d.exposure": 0.5,
        })  # fmt: skip


def test_the_cli_warns_on_one_line_of_stderr_and_carries_on(tmp_path):
    done = munsim("validate", "scenarios/tutorial.toml")
    assert done.returncode == 0 and "warning" not in done.stderr
    done = munsim("run", "scenarios/tutorial.toml", "--reps", 2, "--set",
                  "sanctions.pressure=0.9", "--out", tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    shadowing = [line for line in lines if line.startswith("warning: ")]
    assert len(shadowing) == 1 and "--set sanctions.pressure is overwritten from" in lines[0]


def test_an_events_value_is_a_dotted_path_and_changes_the_run():
    from sim.engine.model import SupplyModel
    from sim.experiments.experiment import value_type

    world = _world()
    base = world.scenario()
    moved = with_overrides(base, {"events.controls.set.sanctions.pressure": 0.9})
    assert next(e for e in moved.events if e.id == "controls").set["sanctions.pressure"] == 0.9
    pressures = []
    for scenario in (base, moved):
        model = SupplyModel([scenario], [1])
        model.run_until(50)  # after the event of day 40
        pressures.append(float(model.arrays.regime.pressure[0, 0]))
    assert pressures == [0.5, 0.9]
    assert value_type("events.controls.set.sanctions.pressure") is float


def test_an_events_value_must_exist_and_be_valid_where_it_is_set():
    from sim.scenario.errors import ScenarioError

    with pytest.raises(ScenarioError, match="event 'controls' sets no 'sanctions.presure'"):
        _world().scenario(overrides={"events.controls.set.sanctions.presure": 0.9})
    base = _world().scenario()
    with pytest.raises(ScenarioError, match="events.controls.set.sanctions.pressure"):
        with_overrides(base, {"events.controls.set.sanctions.pressure": 1.5})
