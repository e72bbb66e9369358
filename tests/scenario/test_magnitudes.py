"""Bounds on a scenario's numbers: nothing a run adds up or multiplies overflows int64."""

from __future__ import annotations

import pytest

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario
from sim.scenario.magnitudes import COUNT_CEILING, magnitudes, noise_ceiling


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
@pytest.mark.parametrize(
    "path",
    ["depots.forward.throughput_rounds_per_day", "producers.industry.capacity_scale",
     "sides.RU.fire_response_share", "events.counteroffensive.set.front_units.south.intensity",
     "front_units.north.target_days_of_supply"],
)  # fmt: skip
def test_a_number_that_is_not_finite_is_refused(tutorial_path, path, value):
    with pytest.raises(ScenarioError, match=path.split(".")[-1]):
        load_scenario(tutorial_path, overrides={path: value})


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [("producers.industry.rounds_per_day.shell_152", 1e9, "producers.industry.rounds_per_day"),
     ("depots.forward.stock_rounds.shell_152", 2**31 - 1, "stock_rounds"),
     ("front_units.centre.target_days_of_supply", 1e6, "base_rounds_per_day"),
     ("importers.dprk.routes.sea.containers_per_shipment", 1e8, "containers_per_shipment"),
     ("gun_parks.guns.new_tubes_per_day.gun_152", 1e7, "gun_parks.guns.new_tubes_per_day"),
     ("front_units.north.priority", 10**20, "front_units.north.priority")],
)  # fmt: skip
def test_a_number_too_large_for_a_run_is_refused_by_its_key(tutorial_path, path, value, named):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tutorial_path, overrides={path: value})
    assert named in caught.value.key_path


def test_an_event_that_sets_a_rate_counts_at_its_peak(tutorial_path):
    base = magnitudes(load_scenario(tutorial_path))["orders"].total
    raised = load_scenario(
        tutorial_path, overrides={"events.counteroffensive.set.front_units.south.intensity": 10.0}
    )
    assert magnitudes(raised)["orders"].total > base
    with pytest.raises(ScenarioError, match="target_days_of_supply, of the units"):
        load_scenario(
            tutorial_path,
            overrides={"events.counteroffensive.set.front_units.south.intensity": 1000.0,
                       "front_units.south.target_days_of_supply": 2000.0},
        )  # fmt: skip


def test_the_scenarios_are_far_inside_the_ceiling(tutorial_path):
    totals = magnitudes(load_scenario(tutorial_path))
    assert all(count.total < COUNT_CEILING / 10 for count in totals.values())


def test_a_factor_that_is_not_finite_is_refused(tutorial_path):
    with pytest.raises(ScenarioError, match="finite"):
        load_scenario(
            tutorial_path, overrides={"importers.dprk.routes.sea.transit_days*": float("nan")}
        )
    with pytest.raises(ScenarioError, match="too large"):
        load_scenario(
            tutorial_path,
            overrides={"depots.forward.throughput_rounds_per_day*": 1e305},
        )


def test_the_noise_ceiling_grows_with_the_cv():
    assert noise_ceiling(0.0) == 1.0
    assert 3 < noise_ceiling(0.15) < 4 < noise_ceiling(0.5) < noise_ceiling(2.0) < 2e4
