"""`munsim check` end to end: the real CLI in a subprocess, on the shipped scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import load_scenario
from sim.experiments.validation import CHECK_COLUMNS
from sim.outputs.results import read_run
from tests.support import munsim

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
WAR = ROOT / "scenarios" / "ukraine_war_2022_2025.toml"
TUTORIAL = ROOT / "scenarios" / "tutorial.toml"


def test_check_prints_the_table_and_writes_check_csv(tmp_path):
    done = munsim("check", WAR, "--reps", 2, "--seed", 3, "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    folder = Path(lines[-1])
    assert folder.parent == tmp_path and folder.name.startswith("ukraine_war_2022_2025-check-")
    assert lines[0].split()[:3] == ["checkpoint", "window", "median"]
    tables = read_run(folder)
    check = tables["check"]
    assert list(check.columns) == list(CHECK_COLUMNS)
    n = len(load_scenario(WAR).checkpoints)
    assert len(check) == n and check["checkpoint"].is_unique
    assert (check["p05"] <= check["median"]).all() and (check["median"] <= check["p95"]).all()
    hits = int(check["hit"].sum())
    kinds = check.groupby("kind")["hit"].agg(["sum", "size"])
    behaviour, inputs = kinds.loc["behaviour"], kinds.loc["input"]
    assert lines[-2] == (
        f"hits: behaviour: {behaviour['sum']} of {behaviour['size']}; inputs echoed: "
        f"{inputs['sum']} of {inputs['size']} (model median inside the published range; "
        f"{hits} of {n} in all)"
    )
    # deliveries and production are what the scenario was built from; fire is behaviour
    assert set(check.loc[check["metric"] == "importer_rounds", "kind"]) == {"input"}
    assert set(check.loc[check["metric"] == "fire_per_day", "kind"]) == {"behaviour"}
    for row in check.itertuples():
        assert (row.low <= row.median <= row.high) == row.hit
        assert any(line.startswith(row.checkpoint + " ") for line in lines)
    manifest = tables["manifest"]
    assert manifest["master_seed"] == 3 and len(manifest["replication_seeds"]) == 2
    assert manifest["check"]["hits"] == hits and manifest["check"]["checkpoints"] == n
    assert manifest["check"]["by_kind"]["behaviour"]["checkpoints"] == behaviour["size"]
    assert set(tables["summary"]["replication"]) == {0, 1}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((TUTORIAL,), "checkpoints: no checkpoints to check against"),
        ((WAR, "--variant", "no_such"), "unknown variant 'no_such'"),
        ((WAR, "--set", "importers.dprk.dud_rate=2"), "importers.dprk.dud_rate"),
        ((WAR, "--reps", "0"), "--reps: must be at least 1"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_run_folder(tmp_path, args, words):
    done = munsim("check", *args, "--out", tmp_path / "runs")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
    assert words in done.stderr
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
