"""`munsim check` end to end: the real CLI in a subprocess, on the shipped scenario."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
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
    assert lines[0].split()[:4] == ["checkpoint", "kind", "window", "median"]
    tables = read_run(folder)
    check = tables["check"]
    assert list(check.columns) == list(CHECK_COLUMNS)
    n = len(load_scenario(WAR).checkpoints)
    assert len(check) == n and check["checkpoint"].is_unique
    assert (check["p05"] <= check["median"]).all() and (check["median"] <= check["p95"]).all()
    hits = int(check["hit"].sum())
    kinds = check.groupby("kind")["hit"].agg(["sum", "size"])
    behaviour, inputs = kinds.loc["behaviour"], kinds.loc["input"]
    score = next(line for line in lines if line.startswith("hits: "))
    assert score == (
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
    scores = manifest["check"]
    assert scores["hits"] == hits and scores["checkpoints"] == n
    assert scores["behaviour"]["checkpoints"] == behaviour["size"]
    assert scores["behaviour"]["hits"] == behaviour["sum"]
    # the skill line quotes the best baseline's hits, counted from the table's columns
    best = scores["behaviour"]["best_baseline"]
    rows = check[check["kind"] == "behaviour"]
    assert scores["skill"] == behaviour["sum"] - rows[f"{best}_hit"].sum()
    assert f"skill: {scores['skill']:+d}".replace("+0", "0").replace("-", "−") in done.stdout
    assert set(tables["summary"]["replication"]) == {0, 1}
    for suffix in ("png", "svg", "pdf"):
        assert (folder / "figures" / f"validation.{suffix}").stat().st_size > 10_000
    # the report leads with the score the command printed, then draws the checkpoints
    report = (folder / "report.html").read_text()
    assert re.findall(r"<h2>([^<]*)</h2>", report)[0] == "The answer"
    assert html.escape(score, quote=False) in report[: report.index("<h2>What shapes it</h2>")]
    assert report.count('src="data:image/png;base64,') == 1
    # the folder redraws from its tables alone
    before = report
    (folder / "report.html").unlink()
    assert munsim("plot", folder).returncode == 0
    strip = re.compile(r"base64,[^\"]*")
    assert strip.sub("", (folder / "report.html").read_text()) == strip.sub("", before)


def test_check_across_the_uncertainty_scores_bands_and_calibrates(tmp_path):
    done = munsim("check", WAR, "--reps", 1, "--uncertainty", 20, "--sample-reps", 1,
                  "--accept", "0.5", "--out", tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    folder = Path(done.stdout.strip().splitlines()[-1])
    bands = pd.read_csv(folder / "predictive.csv")
    samples = pd.read_parquet(folder / "samples.parquet")
    assert len(bands) == len(load_scenario(WAR).checkpoints)
    assert set(samples["variant"]) == {"baseline", "no_dprk"} and samples["sample"].nunique() == 20
    # the band holds the middle where the table says so, and the counts are the table's
    covers = (bands["prior_p05"] <= bands["middle"]) & (bands["middle"] <= bands["prior_p95"])
    assert (covers == bands["prior_covers"]).all()
    behaviour = bands[bands["kind"] == "behaviour"]
    line = f"holds the middle of the published range for {behaviour['prior_covers'].sum()} of "
    assert line + f"{len(behaviour)} behaviour checkpoints" in done.stdout
    # half the samples, the nearest to the record, are the posterior
    per_sample = samples.groupby("sample")[["abc_distance", "abc_accepted"]].first()
    assert per_sample["abc_accepted"].sum() == 10 and "10 of 20 samples kept" in done.stdout
    nearest = per_sample.sort_values("abc_distance", kind="stable").index[:10]
    assert set(per_sample.index[per_sample["abc_accepted"]]) == set(nearest)
    assert set(read_run(folder)) >= {"check", "predictive", "posterior", "effects", "provenance"}
    effects = pd.read_csv(folder / "effects.csv").set_index("output")
    assert effects.loc["fire_per_day.RU", "prior_p50"] > 0  # DPRK shells add Russian fire
    posterior = pd.read_csv(folder / "posterior.csv")
    assert set(posterior["uncertainty"]) == {u.id for u in load_scenario(WAR).uncertainties}
    assert not any(p.name.endswith(".partial") for p in tmp_path.iterdir())  # work removed


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((TUTORIAL,), "checkpoints: no checkpoints to check against"),
        ((WAR, "--variant", "no_such"), "unknown variant 'no_such'"),
        ((WAR, "--set", "importers.dprk.dud_rate=2"), "importers.dprk.dud_rate"),
        ((WAR, "--reps", "0"), "--reps: must be at least 1"),
        ((WAR, "--sample-reps", "2"), "--uncertainty: --sample-reps, --sampler, --against"),
        ((WAR, "--sampler", "sobol"), "are options of the samples"),
        ((WAR, "--uncertainty", "4", "--scheduler", "tcp://127.0.0.1:9"), "--scheduler"),
        ((WAR, "--uncertainty", "4", "--accept", "0"), "--accept: a share in (0, 1]"),
        ((WAR, "--uncertainty", "4", "--against", "baseline"), "--against: name a variant"),
        ((WAR, "--uncertainty", "4", "--against", "nope"), "--against: unknown variant 'nope'"),
        ((WAR, "--uncertainty", "1"), "--uncertainty: must be at least 2"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_run_folder(tmp_path, args, words):
    done = munsim("check", *args, "--out", tmp_path / "runs")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
    assert words in done.stderr
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
