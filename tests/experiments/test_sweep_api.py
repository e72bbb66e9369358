"""``sim.sweep`` from Python: a grid over levels, main effects, failed members, examples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sweep_support import EVENT_GRID, GRID, ROOT, write

import sim
from sim.experiments.experiment import load_experiment
from sim.experiments.sensitivity import main_effects
from tests.support import munsim

pytestmark = pytest.mark.slow


def test_a_grid_sweep_from_python(tmp_path):
    done = sim.sweep(write(tmp_path, GRID), out=tmp_path / "runs", workers=1, progress=False)
    results = done.results
    assert len(results) == 2 * 2 * 2 * 2 and done.folder.parent == tmp_path / "runs"
    assert sim.read_run(done.folder)["results"].equals(results)
    # the route that closes before it opens: both its replications fail, nothing else
    bad = (
        results["importers.dprk.routes.sea.end_date"]
        < results["importers.dprk.routes.sea.start_date"]
    )
    assert bad.sum() == 2 * 2 and results.loc[bad, "error"].notna().all()
    assert results.loc[~bad, "error"].isna().all()
    assert done.manifest["failed_members"] == 4
    # an offensive posture raises demand: posture explains demand's variance, not the dates
    demand = done.sensitivity[done.sensitivity["output"] == "demanded_total.RU.all"]
    share = demand.set_index("parameter")["value"]
    assert share["front_units.centre.posture"] > 0.9
    assert (demand["method"] == "main_effect").all() and demand["conf"].isna().all()
    # the failed samples have no value: a grid leaves them out, and says so
    notes = done.manifest["analysis"]["notes"]
    assert notes[0].startswith("demanded_total.RU.all: 2 of 8 samples have no value")
    assert len(notes) == 2 and "left out" in notes[1]


def test_main_effects_of_an_additive_grid():
    x = np.array([[a, b] for a in (0.0, 1.0) for b in (0.0, 1.0, 2.0)])
    y = 3 * x[:, 0] + x[:, 1]  # no interaction: the main effects add up to the whole
    effects = main_effects(x, y)
    assert effects.sum() == pytest.approx(1.0)
    assert effects[0] == pytest.approx(np.var(3 * x[:, 0]) / np.var(y))


SHIPPED = sorted((ROOT / "scenarios" / "experiments").glob("*.toml"))


@pytest.mark.parametrize("file", SHIPPED, ids=[f.stem for f in SHIPPED])
def test_shipped_experiments_load_against_their_scenarios(file: Path):
    text = file.read_text()
    scenario = file.parent / text.split('scenario = "')[1].split('"')[0]
    assert scenario.is_file(), f"{file.name} names a scenario that is not shipped"
    experiment = load_experiment(file)
    assert experiment.parameters and experiment.outputs
    bounds = [line for line in text.splitlines() if line.startswith(("low", "high"))]
    assert all("# citing" in line or "# assumption" in line for line in bounds)


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--workers", "0"], "--workers: must be at least 1, got 0"),
        (["--workers", "two"], "--workers: must be a whole number, got 'two'"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:9"], "--scheduler: give --workers"),
    ],
)
def test_option_errors_are_one_line_exit_2(tmp_path, options, says):
    file = ROOT / "scenarios" / "experiments" / "tutorial_morris.toml"
    done = munsim("sweep", file, *options, "--out", tmp_path / "runs")
    assert done.returncode == 2
    assert done.stderr == f"error: {file}: {says}" + done.stderr.split(says)[1]
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists()


def test_killed_while_moving_into_place_a_resume_only_finishes(tmp_path, monkeypatch):
    from sim.outputs import sweeps as sweeping

    file = write(tmp_path, GRID)
    out = tmp_path / "runs"

    def killed(self):
        raise KeyboardInterrupt  # every output written, the folder not yet renamed

    with monkeypatch.context() as patch:
        patch.setattr(sweeping.Workspace, "finish", killed)
        with pytest.raises(KeyboardInterrupt):
            sim.sweep(file, out=out, workers=1, progress=False)
    partial = next(out.glob(".*.partial"))
    assert (partial / "manifest.json").is_file() and (partial / "sweep.json").is_file()

    def no_batch_runs_again(*args, **kwargs):
        raise AssertionError("a concluded sweep ran a batch")

    monkeypatch.setattr(sweeping, "run_pending", no_batch_runs_again)
    done = sim.sweep(file, resume=partial, progress=False)
    assert not partial.exists() and done.folder.parent == out
    assert sorted(p.name for p in done.folder.iterdir()) == [
        "experiment.toml",
        "figures",
        "manifest.json",
        "report.html",
        "results.parquet",
        "sensitivity.csv",
    ]
    assert len(done.results) == 16
    with pytest.raises(sim.ScenarioError, match=f"already complete: {done.folder}"):
        sim.sweep(file, resume=partial, progress=False)


def test_a_sweep_over_what_an_event_sets_changes_the_results(tmp_path):
    # the tutorial's export controls of 2023-06-01 set the pressure; sweeping the event's
    # own value (not sanctions.pressure, which the event overwrites) moves production
    done = sim.sweep(write(tmp_path, EVENT_GRID), out=tmp_path / "runs", workers=1,
                     progress=False)  # fmt: skip
    results = done.results.set_index("events.new_export_controls.set.sanctions.pressure")
    produced = results["produced_after"]
    assert produced[0.0] > produced[0.9] > 0
