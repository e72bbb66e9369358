"""The real command in a subprocess: what it prints, writes and refuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments.runner import GUN_COLUMNS, SUMMARY_COLUMNS, TIMESERIES_COLUMNS
from tests.support import munsim

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "scenarios" / "tutorial.toml"


def test_validate_prints_a_summary():
    done = munsim("validate", str(TUTORIAL))
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout and "no_dprk" in done.stdout
    assert "2 munitions, 1 side, 1 producer," in done.stdout  # a count of one is singular
    assert "1 gun park," in done.stdout and " 1 sides" not in done.stdout


def test_run_writes_a_whole_run_folder(tmp_path):
    done = munsim(
        "run",
        str(TUTORIAL),
        "--reps",
        "2",
        "--seed",
        "9",
        "--variant",
        "no_dprk",
        "--set",
        "importers.dprk.dud_rate=0.3",
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    folder = Path(done.stdout.strip().splitlines()[-1])
    assert folder.parent == tmp_path and folder.name.startswith("tutorial-run-")
    assert sorted(p.name for p in folder.iterdir()) == [
        "guns.parquet",
        "manifest.json",
        "outcomes.csv",
        "summary.csv",
        "suppliers.parquet",
        "timeseries.parquet",
    ]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["master_seed"] == 9 and len(manifest["replication_seeds"]) == 2
    assert manifest["variants"] == ["no_dprk"]
    assert manifest["overrides"]["no_dprk"] == {"importers.dprk.dud_rate": 0.3}
    resolved = manifest["resolved_parameters"]["no_dprk"]
    assert resolved["importers"][0]["dud_rate"] == 0.3
    assert resolved["importers"][0]["enabled"] is False
    assert len(manifest["scenario_sha256"]) == 64
    assert {"mesa", "numpy", "python", "munsim"} <= set(manifest["versions"])
    series = pd.read_parquet(folder / "timeseries.parquet")
    assert tuple(series.columns) == TIMESERIES_COLUMNS
    assert len(series) == 2 * 365 * 2
    guns = pd.read_parquet(folder / "guns.parquet")  # the tutorial's two tube types
    assert tuple(guns.columns) == GUN_COLUMNS and len(guns) == 2 * 365 * 2
    assert set(guns["tube_type"]) == {"gun_152", "howitzer_122"}
    summary = pd.read_csv(folder / "summary.csv")
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    assert not list(tmp_path.glob(".*"))  # no staging folder left


@pytest.mark.parametrize(("variant", "seed"), [("baseline", "1"), ("no_dprk", "2")])
def test_books_recompute_from_the_parquet_file(tmp_path, variant, seed):
    from sim import load_scenario
    from tests.ledger_check import check_books

    done = munsim(
        "run",
        str(TUTORIAL),
        "--variant",
        variant,
        "--reps",
        "2",
        "--seed",
        seed,
        "--out",
        str(tmp_path),
    )
    folder = Path(done.stdout.strip().splitlines()[-1])
    series = pd.read_parquet(folder / "timeseries.parquet")
    assert check_books(series, load_scenario(TUTORIAL, variant=variant)) == len(series) > 0


def test_same_seed_gives_identical_files(tmp_path):
    folders = []
    for name in ("a", "b"):
        done = munsim(
            "run", str(TUTORIAL), "--reps", "2", "--seed", "3", "--out", str(tmp_path / name)
        )
        folders.append(Path(done.stdout.strip().splitlines()[-1]))
    a, b = (pd.read_parquet(f / "timeseries.parquet") for f in folders)
    pd.testing.assert_frame_equal(a, b)
    for table in ("summary.csv", "outcomes.csv"):
        assert (folders[0] / table).read_bytes() == (folders[1] / table).read_bytes()


def test_python_api_run_matches_cli(tmp_path):
    import sim

    done = munsim("run", str(TUTORIAL), "--reps", "2", "--seed", "11", "--out", str(tmp_path))
    folder = done.stdout.strip().splitlines()[-1]
    written = sim.read_run(folder)
    tables = sim.run(sim.load_scenario(TUTORIAL), reps=2, seed=11, progress=False)
    pd.testing.assert_frame_equal(written["timeseries"], tables.timeseries, check_dtype=False)


def test_schema_is_json_schema():
    done = munsim("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert "importers" in schema["properties"]
    assert "Importer" in schema["$defs"]


BAD_FILES = {
    "malformed.toml": b"[scenario\nname = 1",
    "empty.toml": b"",
    "binary.toml": bytes(range(256)),
}


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = TUTORIAL.read_text()
    assert old in text
    path = tmp_path / "edited.toml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (("[sanctions]", "[sanctionz]"), "sanctionz: unknown key"),
        (("noise_cv = 0.15", "noise_kv = 0.15"), "producers.industry.noise_kv: unknown key"),
        (
            ("throughput_rounds_per_day = 30000", "throughput_rounds_per_day = -5"),
            "depots.arsenal.throughput_rounds_per_day",
        ),
        (("dud_rate = 0.2 ", "dud_rate = 1.2 "), "importers.dprk.dud_rate"),
        (("start_date = 2023-01-01", "start_date = 2023-02-30"), "malformed TOML"),
        (("days = 365 ", "days = 0 "), "scenario.days"),
        (("days = 365 ", 'days = "many" '), "scenario.days"),
    ],
)
def test_bad_scenarios_exit_2_with_one_line(tmp_path, edit, words):
    path = _edited(tmp_path, *edit)
    done = munsim("run", str(path), "--reps", "1", "--out", str(tmp_path / "runs"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: ")
    assert words in lines[0]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_unreadable_files_exit_2(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    done = munsim("validate", str(path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"error: {path}: ")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", "missing.toml"], "missing.toml: no such file"),
        (["run", "scenarios"], "scenarios: is a directory"),
        (["run", str(TUTORIAL), "--variant", "nope"], "variants: unknown variant 'nope'"),
        (["run", str(TUTORIAL), "--set", "importers.nope.dud_rate=0.1"], "no entry 'nope'"),
        (["run", str(TUTORIAL), "--set", "importers.dprk.dud_rat=0.1"], "dud_rat: unknown key"),
        (["run", str(TUTORIAL), "--set", "importers.dprk.dud_rate"], "--set: expected PATH=VALUE"),
        (["run", str(TUTORIAL), "--set", "a..b=1"], "--set: malformed path"),
        (["run", str(TUTORIAL), "--set", "importers.dprk.dud_rate=abc"], "valid number"),
        (["run", str(TUTORIAL), "--set", "importers.dprk.enabled=maybe"], "valid boolean"),
        (["run", str(TUTORIAL), "--reps", "-3"], "--reps: must be at least 1"),
        (["run", str(TUTORIAL), "--reps", "two"], "--reps: must be a whole number"),
        (["run", str(TUTORIAL), "--seed", "-1"], "--seed: must be at least 0"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_command_lines_exit_2_with_one_line(tmp_path, args, words):
    done = munsim(*args, "--out", str(tmp_path)) if args[0] == "run" else munsim(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert words in lines[0]
    assert not any(tmp_path.iterdir())


def test_validate_refuses_an_event_on_a_number_fixed_at_the_start(tmp_path):
    # capacity lives in the ramp: an event must scale it (capacity_scale), not set it
    path = _edited(
        tmp_path,
        'set = { "sanctions.pressure" = 0.5 }',
        'set = { "producers.industry.rounds_per_day.shell_152" = 1.0 }',
    )
    done = munsim("validate", str(path))
    assert done.returncode == 2
    assert "events.new_export_controls.set.producers.industry.rounds_per_day" in done.stderr
    assert "not a parameter that can change on a date" in done.stderr


def test_a_reader_that_stops_early_ends_munsim_quietly(tmp_path):
    # like `munsim check ... | head -1`: the pipe closes after one line, munsim writes on
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        f"{sys.executable} -m sim check scenarios/ukraine_war_2022_2025.toml --reps 1 "
        f"--out {tmp_path} | head -c 20",
        shell=True, cwd=root, capture_output=True, text=True, timeout=600,
        executable="/bin/bash",
    )  # fmt: skip
    assert len(done.stdout) == 20
    assert done.stderr == ""  # no "internal error", no traceback


def test_version_names_the_package():
    done = munsim("--version")
    assert done.returncode == 0 and done.stdout.strip().startswith("munsim ")


def test_a_label_names_the_run_folder_and_the_manifest(tmp_path):
    tutorial = Path(__file__).resolve().parents[2] / "scenarios" / "tutorial.toml"
    named = munsim("run", tutorial, "--reps", 1, "--label", "dud_test", "--out", tmp_path)
    assert named.returncode == 0, named.stderr
    folder = Path(named.stdout.strip().splitlines()[-1])
    assert folder.name.startswith("tutorial-run-dud_test-")
    assert json.loads((folder / "manifest.json").read_text())["label"] == "dud_test"
    # without a label, what --set changed names the run
    changed = munsim("run", tutorial, "--reps", 1, "--set", "importers.dprk.dud_rate=0.3",
                     "--out", tmp_path)  # fmt: skip
    assert Path(changed.stdout.strip().splitlines()[-1]).name.startswith(
        "tutorial-run-set-dud_rate=0.3-"
    )
    bad = munsim("run", tutorial, "--label", "../escape", "--out", tmp_path / "none")
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and "--label" in bad.stderr
    assert not (tmp_path / "none").exists()
