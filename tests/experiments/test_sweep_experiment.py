"""Experiment files: validation against the scenario, one-line errors, resolved types."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sweep_support import SOBOL, TUTORIAL, write

from sim.experiments.experiment import Parameter, load_experiment, value_type
from sim.scenario.errors import ScenarioError
from tests.support import munsim


def test_the_sobol_example_resolves_kinds_windows_and_names(tmp_path):
    experiment = load_experiment(write(tmp_path, SOBOL))
    kinds = {p.path: p.kind for p in experiment.parameters}
    assert kinds == {
        "importers.dprk.routes.sea.rounds_per_container.shell_152": "float",
        "depots.forward.throughput_rounds_per_day": "float",
        "importers.dprk.start_date": "date",
    }
    assert experiment.scenario.scenario.days == 90  # the fixed override applies
    fire, imports = experiment.outputs
    assert fire.name == "effective_fire_total.RU.all"
    assert fire.pairs == (0, 1) and (fire.first_day, fire.last_day) == (0, 89)
    assert imports.name == "imports_arrived_total.RU.shell_152.2023-02-01_2023-03-31"
    assert imports.pairs == (0,) and imports.first_day == 31


def test_schema_types_decide_rounding():
    assert value_type("importers.dprk.routes.sea.transit_days") is int
    assert value_type("importers.dprk.dud_rate") is float
    assert value_type("importers.dprk.start_date") is dt.date
    assert value_type("front_units.north.stock_rounds.shell_152") is int
    assert value_type("links.rail_forward.from") is str  # by its alias
    assert value_type("importers.dprk.no_such_key") is None


@given(st.integers(-5, 20), st.integers(1, 30), st.floats(0, 1))
def test_whole_parameters_stay_within_their_values(first, span, fraction):
    parameter = Parameter.whole("p", "int", first, first + span)
    x = parameter.low + fraction * (parameter.high - parameter.low)
    assert first <= parameter.decode(x) <= first + span
    origin = dt.date(2023, 1, 1)
    day = Parameter.whole("d", "date", 0, span, origin).decode(fraction * span)
    assert origin <= day <= origin + dt.timedelta(days=span)


def test_whole_grid_has_distinct_rounded_points():
    parameter = Parameter.whole("p", "int", 3, 5)
    assert [parameter.decode(x) for x in parameter.grid(5)] == [3, 4, 5]


HEAD = '[experiment]\nscenario = "../t.toml"\nsampler = "morris"\nsamples = 2\n'
PARAM = '[[parameters]]\npath = "importers.dprk.dud_rate"\nlow = 0.1\nhigh = 0.3\n'
OUTPUT = '[[outputs]]\nmetric = "fired_total"\n'

BAD = [
    ("unknown option", HEAD + "colour = 1\n" + PARAM + OUTPUT, "experiment.colour", "unknown key"),
    ("sampler", HEAD.replace("morris", "halton") + PARAM + OUTPUT, "experiment.sampler", "'grid'"),
    (
        "sobol size",
        HEAD.replace("morris", "sobol").replace("2\n", "12\n") + PARAM + OUTPUT,
        "experiment.samples",
        "power of 2",
    ),
    ("no outputs", HEAD + PARAM, "outputs", "missing required key"),
    (
        "unknown key",
        HEAD + PARAM.replace("dud_rate", "dud_ratio") + OUTPUT,
        "parameters.0.path",
        "dud_ratio",
    ),
    (
        "unknown id",
        HEAD + PARAM.replace("dprk", "iran") + OUTPUT,
        "parameters.0.path",
        "no entry 'iran'",
    ),
    (
        "out of range",
        HEAD + PARAM.replace("0.3", "1.5") + OUTPUT,
        "parameters.0.high",
        "less than or equal to 1",
    ),
    (
        "reversed",
        HEAD + PARAM.replace("0.3", "0.05") + OUTPUT,
        "parameters.0.high",
        "must be above",
    ),
    (
        "structure",
        HEAD + '[[parameters]]\npath = "scenario.days"\nlow = 30\nhigh = 60\n' + OUTPUT,
        "parameters.0.path",
        "structure",
    ),
    (
        "metric",
        HEAD + PARAM + OUTPUT.replace("fired_total", "fired_all"),
        "outputs.0.metric",
        "unknown",
    ),
    ("side", HEAD + PARAM + OUTPUT + 'side = "UA"\n', "outputs.0.side", "unknown side"),
    ("window", HEAD + PARAM + OUTPUT + "end_date = 2025-01-01\n", "outputs.0.end_date", "outside"),
    (
        "levels",
        HEAD + '[[parameters]]\npath = "sanctions.pressure"\nlevels = [0.1, 0.2]\n' + OUTPUT,
        "parameters.0.levels",
        "grid sampler",
    ),
    (
        "fixed set",
        HEAD.replace("samples = 2", 'samples = 2\nset = { "x.y" = 1 }') + PARAM + OUTPUT,
        "experiment.set.x",
        "unknown key",
    ),
    (
        "scenario",
        HEAD.replace("../t.toml", "missing.toml") + PARAM + OUTPUT,
        "experiment.scenario",
        "no such file",
    ),
    ("malformed", HEAD + "[[parameters\n", "", "malformed TOML"),
]


@pytest.mark.parametrize(
    ("text", "where", "says"), [case[1:] for case in BAD], ids=[c[0] for c in BAD]
)
def test_bad_experiments_name_the_key(tmp_path, text, where, says):
    (tmp_path / "t.toml").write_text(TUTORIAL.read_text())
    sub = tmp_path / "exp"
    sub.mkdir()
    file = write(sub, text)
    with pytest.raises(ScenarioError) as caught:
        load_experiment(file)
    assert caught.value.file == str(file)
    assert caught.value.key_path == where
    assert says in caught.value.message
    assert "\n" not in str(caught.value)
    print(caught.value)


def test_cli_bad_experiment_is_one_line_exit_2_and_writes_nothing(tmp_path):
    file = write(tmp_path, SOBOL.replace("high = 450", "high = -1"))
    out = tmp_path / "runs"
    done = munsim("sweep", file, "--out", out)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {file}: parameters.0")
    assert not out.exists() or not any(out.iterdir())
