"""The page's model: knobs write what they say, stepping is running, and the page's
members are the members a comparison from the command line runs."""

from __future__ import annotations

import shlex

import numpy as np
import pytest

import sim
from sim.app.explorer import Explorer, PageFile, Setting, daily
from sim.cli import build_parser
from sim.engine.metrics import ALL_MUNITIONS
from sim.scenario.paths import get_path, parse_assignment
from tests.support import TUTORIAL, WAR


@pytest.fixture(scope="module")
def war() -> PageFile:
    return PageFile.read(str(WAR))


@pytest.fixture(scope="module")
def tutorial() -> PageFile:
    return PageFile.read(str(TUTORIAL))


def test_one_knob_per_group_of_uncertainties(war):
    groups = {u.group or u.id for u in war.base.uncertainties if u.distribution != "choice"}
    assert [k.key for k in war.knobs] == list(dict.fromkeys(
        u.group or u.id for u in war.base.uncertainties if u.distribution != "choice"
    ))  # fmt: skip
    assert {k.key for k in war.knobs} == groups
    packing = next(k for k in war.knobs if k.key == "dprk_packing")
    assert packing.moves == 9 and packing.unit == "rounds a container"
    assert next(k for k in war.knobs if k.key == "ru_demand_scale").unit == "× the file's value"


def test_a_knob_left_alone_writes_nothing_and_sits_at_the_files_value(war):
    assert war.overrides(Setting()) == {}
    for knob in war.knobs:
        uncertainty = next(u for u in war.base.uncertainties if (u.group or u.id) == knob.key)
        if uncertainty.scale:
            assert knob.value(knob.default) == pytest.approx(1.0)
            continue
        in_file = float(get_path(war.raw, uncertainty.paths[0]))
        if uncertainty.low <= in_file <= uncertainty.high:
            assert knob.value(knob.default) == pytest.approx(in_file, rel=1e-9), knob.key
    knob = war.knobs[0]
    moved = Setting().moved(knob, 1.0)
    assert moved.values and moved.moved(knob, knob.default).values == ()


def test_a_moved_knob_sets_its_whole_group_at_one_quantile(war):
    knob = next(k for k in war.knobs if k.key == "dprk_stock")
    written = war.overrides(Setting().moved(knob, 0.0))
    lows = {
        path: u.low for u in war.base.uncertainties if u.group == "dprk_stock" for path in u.paths
    }
    assert written == pytest.approx(lows)
    top = war.overrides(Setting().moved(knob, 1.0))
    assert all(top[path] > written[path] for path in lows)
    run = war.scenarios(Setting().moved(knob, 0.0))
    dprk = next(i for i in run["baseline"].importers if i.id == "dprk")
    assert dprk.stock_rounds["shell_152"] == lows["importers.dprk.stock_rounds.shell_152"]


def test_switches_and_shown_runs(war):
    only = war.scenarios(Setting(shown=("no_dprk",)))
    assert list(only) == ["no_dprk"]
    switched = war.scenarios(Setting(extras=("no_strikes",)))
    for scenario in switched.values():
        assert not next(s for s in scenario.strikes if s.id == "himars").enabled
    assert next(s for s in war.variant("baseline").strikes if s.id == "himars").enabled


def test_stepping_gives_the_numbers_of_one_run(tutorial):
    stepped = Explorer(str(TUTORIAL), members=3, days_per_step=40, page=tutorial)
    while stepped.running:
        stepped.step()
    straight = Explorer(str(TUTORIAL), members=3, page=tutorial)
    straight.run_to(straight.days)
    assert stepped.day == straight.day == straight.days
    for name in straight.runs:
        for account in ("fired", "stock_depot", "imports_arrived"):
            np.testing.assert_array_equal(
                stepped.runs[name].record[account], straight.runs[name].record[account]
            )


def test_the_page_runs_the_members_the_saved_command_runs(tutorial):
    """What Save writes (and the command it prints) are the page's own members."""
    knob = tutorial.knobs[0]
    setting = Setting(seed=7).moved(knob, 0.9)
    explorer = Explorer(str(TUTORIAL), setting, members=3, page=tutorial)
    explorer.run_to(explorer.days)
    words = shlex.split(tutorial.command(setting, 3))
    args = build_parser().parse_args(words[1:])
    overrides = dict(parse_assignment(text) for text in args.set)
    assert overrides == pytest.approx(tutorial.overrides(setting))
    result = sim.compare(args.scenario, args.variants.split(","), reps=int(args.reps),
                         seed=int(args.seed), overrides=overrides, progress=False)  # fmt: skip
    summary = result.tables.summary
    for name, run in explorer.runs.items():
        side = run.pairs[0][0]
        page_totals = daily(run, "fired", side).sum(axis=0)
        rows = summary[
            (summary["variant"] == name)
            & (summary["side"] == side)
            & (summary["munition"] != ALL_MUNITIONS)  # not the side's total row
        ]
        cli_totals = rows.groupby("replication")["fired_total"].sum().to_numpy()
        np.testing.assert_array_equal(page_totals, cli_totals)
