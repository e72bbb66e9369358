"""Comparisons across the uncertainty: sampled inputs, paired effects, drivers, PRIM."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
import sim.outputs.uncertainty_report
from sim.experiments.discovery import per_sample
from sim.experiments.experiment import Parameter
from sim.experiments.uncertainty import run_across, uncertainty_experiment
from sim.outputs.report import write_comparison
from sim.scenario.errors import ScenarioError
from tests.support import ROOT, TUTORIAL, munsim

pytestmark = pytest.mark.slow
CASE = "diff.fire_per_day.RU>250"


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """The tutorial compared across 40 samples of its uncertainties, written out."""
    result = sim.compare(
        TUTORIAL, reps=3, seed=5, uncertainty=40, sample_reps=3, workers=1, case=CASE,
        progress=False,
    )  # fmt: skip
    out = tmp_path_factory.mktemp("runs")
    folder = write_comparison(result, out, started="s", finished="f", progress=False)
    return result, folder


def test_drivers_are_rank_correlations_recomputed_independently(compared):
    result, _ = compared
    drivers = result.across.drivers
    effect = drivers[drivers["output"] == "diff.fire_per_day.RU"]
    assert set(effect["index"]) == {"spearman", "S1", "delta"}
    rho = effect[effect["index"] == "spearman"].set_index("parameter")
    table = per_sample(result.across.samples, "no_dprk")
    for name, path in result.across.run.settings["uncertainty_columns"].items():
        expected = stats.spearmanr(table[path], table["diff.fire_per_day.RU"])[0]
        assert rho.loc[name, "value"] == pytest.approx(expected)
        assert 0 < rho.loc[name, "conf"] < 1
    # the headline names them by size, whatever the sign
    first = rho["value"].abs().idxmax()
    sentence = sim.outputs.uncertainty_report.across_headline(
        {"manifest": {"comparison": result.tables.extra["comparison"]},
         "uncertainty": result.across.effects, "drivers": drivers}
    )[0]  # fmt: skip
    assert sentence.split("What moves it most: ")[1].startswith(f"{first} (ρ ")


def test_paired_differences_recomputed_from_samples_parquet(compared):
    result, folder = compared
    samples = pd.read_parquet(folder / "samples.parquet")
    assert len(samples) == 40 * 3 * 2 and samples["error"].isna().all()
    keys = ["sample", "replication"]
    first = samples[samples["variant"] == "baseline"].set_index(keys)
    other = samples[samples["variant"] == "no_dprk"].set_index(keys)
    assert (first["seed"] == other["seed"]).all()  # paired by sample and seed
    for name in (
        "fire_per_day.RU",
        "effective_fire_per_day.RU",
        "month.mean_daily_fire.RU.2023-10",
    ):
        assert np.array_equal(other[f"diff.{name}"], first[name] - other[name])
        assert (first[f"diff.{name}"] == 0).all()
    # the replications of one sample share their inputs; samples differ
    inputs = ["importers.dprk.dud_rate", "sanctions.pressure*"]
    assert (samples.groupby("sample")[inputs].nunique() == 1).all().all()
    assert samples.groupby("sample")[inputs[0]].first().nunique() == 40
    # the headline's quantiles, recomputed
    per = other.groupby("sample")["diff.fire_per_day.RU"].mean()
    row = pd.read_csv(folder / "uncertainty.csv").set_index("output").loc["fire_per_day.RU"]
    assert row["diff_p50"] == pytest.approx(per.median())
    assert row["diff_p05"] == pytest.approx(per.quantile(0.05))


def test_samples_follow_their_distributions_in_strata(compared):
    result, _ = compared
    table = per_sample(result.across.samples, "baseline")
    rounds = table["importers.dprk.routes.sea.rounds_per_container.shell_152"]
    assert rounds.equals(table["importers.dprk.routes.sea.rounds_per_container.shell_122"])
    # a Latin hypercube: one sample in each fortieth of the range
    strata = np.floor((rounds - 75) / (450 - 75) * 40).astype(int)
    assert sorted(strata) == list(range(40))
    law = ("triangular", 0.1, 0.4, 0.2)
    drawn = Parameter("x", "float", 0.0, 1.0, law=law)
    expected = stats.triang(c=(0.2 - 0.1) / 0.3, loc=0.1, scale=0.3)
    for u in (0.01, 0.3, 0.5, 0.9):
        assert drawn.decode(u) == pytest.approx(expected.ppf(u))
    log = Parameter("x", "float", 0.0, 1.0, law=("loguniform", 0.25, 1.0, None))
    assert log.decode(0.5) == pytest.approx(0.5)  # the geometric middle
    choice = Parameter("x", "levels", 0.0, 1.0, levels=("a", "b", "c"), law=("choice", 0, 0, None))
    assert [choice.decode(u) for u in (0.0, 0.34, 0.99, 1.0)] == ["a", "b", "c", "c"]


def test_prim_agrees_with_ema_workbench_called_directly(compared):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    result, _ = compared
    found = result.across.discovery
    assert found is not None and 0 < found.in_case < found.samples
    columns = result.across.run.settings["uncertainty_columns"]
    table = per_sample(result.across.samples, "no_dprk")
    x = table[list(columns.values())].set_axis(list(columns), axis=1).reset_index(drop=True)
    y = (table["diff.fire_per_day.RU"] > 250).to_numpy()
    assert found.in_case == y.sum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = prim.Prim(x, y).find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory[trajectory["density"] >= 0.8]
    pick = dense.sort_values(["coverage", "density"], ascending=False).index[0]
    assert found.coverage == pytest.approx(trajectory.loc[pick, "coverage"])
    assert found.density == pytest.approx(trajectory.loc[pick, "density"])
    limits = box.box_lims[pick]
    for row in found.limits.itertuples():
        assert (row.low, row.high) == pytest.approx((limits.loc[0, row.input],
                                                     limits.loc[1, row.input]))  # fmt: skip
    assert "rounds_per_container" in set(found.limits["input"])


def test_the_run_folder_has_the_uncertainty_and_its_report(compared):
    _, folder = compared
    for name in ("samples.parquet", "uncertainty.csv", "drivers.csv", "fan.csv",
                 "robustness.csv", "discovery.csv", "figures/fan_fire_per_day_RU.png",
                 "figures/drivers_RU.png", "paired.csv", "decomposition.csv"):  # fmt: skip
        assert (folder / name).is_file(), name
    report = (folder / "report.html").read_text()
    assert "Across the uncertainty" in report and "in 90 % of the samples" in report
    assert "At the scenario's own values" in report
    fan = pd.read_csv(folder / "fan.csv")
    assert (fan["p05"] <= fan["p50"]).all() and (fan["p50"] <= fan["p95"]).all()
    robust = pd.read_csv(folder / "robustness.csv")
    assert set(robust["variant"]) == {"baseline", "no_dprk"}
    assert (robust["mean_regret"] >= 0).all()
    again = sim.read_run(folder)
    assert again["samples"].equals(pd.read_parquet(folder / "samples.parquet"))


def _tutorial_with(folder, tables: str):
    """The tutorial scenario with more tables, written into ``folder``."""
    file = folder / "tutorial.toml"
    file.write_text(TUTORIAL.read_text() + tables)
    return file


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_same_seed_gives_the_same_samples_on_any_backend(tmp_path):
    from distributed import LocalCluster

    experiment = uncertainty_experiment(TUTORIAL, ["baseline", "no_dprk"], samples=8, reps=2)
    one = run_across(experiment, tmp_path / "one", workers=1, progress=False)
    two = run_across(experiment, tmp_path / "two", workers=2, progress=False)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        dask = run_across(
            experiment, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False
        )
    reference = _sha(tmp_path / "one" / "samples.parquet")
    assert _sha(tmp_path / "two" / "samples.parquet") == reference
    assert _sha(tmp_path / "dask" / "samples.parquet") == reference
    assert one.samples.equals(two.samples) and dask.settings["backend"]["backend"] == "dask"


THIRD = """
[variants.half_containers]
"importers.dprk.routes.sea.containers_per_shipment" = 125
"""


def test_several_variants_each_against_the_first_on_the_command_line(tmp_path):
    file = _tutorial_with(tmp_path, THIRD)
    done = munsim(
        "compare", file, "--variants", "baseline,no_dprk,half_containers", "--reps", 2,
        "--uncertainty", 8, "--sample-reps", 1, "--out", tmp_path / "runs",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "runs" / done.stdout.strip().splitlines()[-1].split("/")[-1]
    samples = pd.read_parquet(folder / "samples.parquet")
    assert list(dict.fromkeys(samples["variant"])) == ["baseline", "no_dprk", "half_containers"]
    effects = pd.read_csv(folder / "uncertainty.csv")
    assert set(effects["variant_b"]) == {"no_dprk", "half_containers"}
    assert done.stdout.count("Across 8 samples") == 2  # one sentence a variant
    assert not list((tmp_path / "runs").glob(".*"))  # its working folder is gone
    # at the scenario's own values too, each variant against the first
    for table in ("paired", "decomposition", "consequences"):
        found = pd.read_csv(folder / f"{table}.csv")
        assert set(found["variant_a"]) == {"baseline"}, table
        assert set(found["variant_b"]) == {"no_dprk", "half_containers"}, table
    paired = (
        pd.read_csv(folder / "paired.csv")
        .query("metric == 'imports_arrived_total' and munition == 'all'")
        .set_index("variant_b")["mean_diff"]
    )
    assert paired["no_dprk"] > paired["half_containers"] > 0  # half the ships, half the gap
    report = (folder / "report.html").read_text()
    assert (
        "<h3>baseline − no_dprk</h3>" in report and "<h3>baseline − half_containers</h3>" in report
    )
    for stem in (
        "forest_no_dprk",
        "forest_half_containers",
        "paired_difference_RU_half_containers",
    ):
        assert (folder / "figures" / f"{stem}.png").is_file()
    assert "== baseline − half_containers ==" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--uncertainty", "1"], "--uncertainty: must be at least 2"),
        (["--uncertainty", "4", "--sampler", "grid"], "--sampler: lhs or sobol"),
        (["--uncertainty", "6", "--sampler", "sobol"], "sobol needs a power of 2"),
        (["--uncertainty", "4", "--case", "fire>>3"], "--case: expected OUTPUT>VALUE"),
        (["--uncertainty", "4", "--case", "nothing>3"], "--case: no output 'nothing'"),
        (["--sample-reps", "3"], "give --uncertainty N"),
        (["--uncertainty", "4", "--variants", "baseline"], "needs at least two variants"),
    ],
)
def test_bad_options_are_one_line_and_write_nothing(tmp_path, args, message):
    done = munsim("compare", TUTORIAL, "--reps", 2, *args, "--out", tmp_path)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())


def test_a_scenario_without_uncertainties_says_so(tmp_path):
    file = tmp_path / "plain.toml"
    file.write_text(TUTORIAL.read_text().split("# Uncertain inputs")[0])
    with pytest.raises(ScenarioError) as caught:
        sim.compare(file, reps=2, uncertainty=4)
    assert caught.value.key_path == "uncertainties" and "declares none" in caught.value.message


def test_a_killed_comparison_run_again_resumes_without_redoing_a_batch(tmp_path):
    out = tmp_path / "runs"
    options = ["--uncertainty", "64", "--sample-reps", "2", "--workers", "2", "--out", str(out)]
    command = [sys.executable, "-m", "sim", "compare", str(TUTORIAL), "--reps", "2", *options]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while len(list(out.glob(".*.partial/shards/batch-*.parquet"))) < 2:
        assert time.monotonic() < deadline and process.poll() is None, "no shards came"
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    kept = len(list(out.glob(".*.partial/shards/batch-*.parquet")))
    assert not [p for p in out.iterdir() if not p.name.startswith(".")]  # no run folder yet
    done = munsim(*command[3:])
    assert done.returncode == 0, done.stderr
    members = 64 * 2 * 2
    assert f"{members} members in 8 batches ({members - members // 8 * kept} to run)" in done.stderr
    assert not list(out.glob(".*"))  # the working folder is gone
    again = munsim(*command[3:-1], str(tmp_path / "again"))  # uninterrupted, from nothing
    first = next(p for p in out.iterdir())
    second = next(p for p in (tmp_path / "again").iterdir())
    assert _sha(first / "samples.parquet") == _sha(second / "samples.parquet"), again.stderr


OWN_DUD_RATE = """
[variants.poor_lots]
"importers.dprk.dud_rate" = 0.35
"""


def test_a_variant_or_set_keeps_its_own_value_and_its_cell_is_empty(tmp_path):
    file = _tutorial_with(tmp_path, OWN_DUD_RATE)
    experiment = uncertainty_experiment(file, ["baseline", "poor_lots"], samples=4, reps=1)
    samples = run_across(experiment, tmp_path / "a", workers=1, progress=False).samples
    dud = samples.set_index("variant")["importers.dprk.dud_rate"]
    assert dud["baseline"].notna().all() and dud["poor_lots"].isna().all()
    assert samples["sanctions.pressure*"].notna().all()  # the rest is sampled in both
    fixed = uncertainty_experiment(
        file, ["baseline", "poor_lots"], samples=4, reps=1,
        overrides={"importers.dprk.dud_rate": 0.3},
    )  # fmt: skip
    again = run_across(fixed, tmp_path / "b", workers=1, progress=False).samples
    assert again["importers.dprk.dud_rate"].isna().all()  # --set fixes it: never sampled
    base = again[again["variant"] == "baseline"].set_index("sample")
    plain = sim.run(
        sim.load_scenario(
            file, overrides={"importers.dprk.dud_rate": 0.3, **_drawn(base.iloc[0])}
        ),
        reps=1, seed=fixed.seed, timeseries=False,  # replication 0's seed, as the sample's
    )  # fmt: skip
    assert plain.seeds == [int(base["seed"].iloc[0])]
    fired = plain.summary.query("side == 'RU' and aggregate")["mean_daily_effective_fire"].sum()
    assert base["effective_fire_per_day.RU"].iloc[0] == pytest.approx(fired)


def _drawn(row: pd.Series) -> dict:
    """A sample's drawn inputs as overrides (the cells that hold a value)."""
    paths = [c for c in row.index if c.startswith(("importers.", "sanctions."))]
    return {p: row[p] for p in paths if pd.notna(row[p])}
