"""End to end: ``munsim compare`` and ``munsim plot`` in a subprocess, on the tutorial."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.cli import main
from tests.support import munsim

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "scenarios" / "tutorial.toml"
PAIRED_HEADER = (
    "side,munition,aggregate,metric,variant_a,variant_b,n,mean_a,mean_b,mean_diff,ci_low,ci_high"
)
STEMS = {
    "cumulative_imports_RU",
    "effect_by_year",
    "fire_per_day_RU",
    "forest",
    "forest_by_munition",
    "paired_difference_RU",
    "stocks_by_tier_RU",
}
FIGURES = {f"{stem}.{kind}" for stem in STEMS for kind in ("png", "svg", "pdf")}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs")
    done = munsim("compare", str(TUTORIAL), "--reps", "6", "--seed", "99", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress bars when stderr is not a terminal
    last = done.stdout.strip().splitlines()[-1]
    assert Path(last).parent == out
    assert "Russia (illustrative) fires" in done.stdout and "more rounds per day" in done.stdout
    return Path(last)


def test_compare_writes_a_whole_run_folder(folder):
    names = {p.name for p in folder.iterdir()}
    assert names == {
        "manifest.json",
        "timeseries.parquet",
        "guns.parquet",
        "suppliers.parquet",
        "decomposition.csv",
        "outcomes.csv",
        "consequences.csv",
        "summary.csv",
        "paired.csv",
        "figures",
        "report.html",
    }
    assert {p.name for p in (folder / "figures").iterdir()} == FIGURES
    assert folder.name.startswith("tutorial-compare-")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["variants"] == ["baseline", "no_dprk"]
    assert manifest["master_seed"] == 99 and len(manifest["replication_seeds"]) == 6
    assert manifest["comparison"]["variant_a"] == "baseline"
    assert manifest["comparison"]["difference"] == "variant_a - variant_b"
    series = pd.read_parquet(folder / "timeseries.parquet")
    assert len(series) == 6 * 2 * 365 * 2


def test_paired_csv_agrees_with_a_recomputation_from_summary_csv(folder):
    assert (folder / "paired.csv").read_text().splitlines()[0] == PAIRED_HEADER
    paired = pd.read_csv(folder / "paired.csv")
    summary = pd.read_csv(folder / "summary.csv")
    checked = 0
    for row in paired.itertuples():
        if row.metric.startswith("first_day"):
            continue  # a day that never comes is dropped; tested in the unit tests
        rows = summary[(summary["side"] == row.side) & (summary["munition"] == row.munition)]
        a = rows[rows["variant"] == row.variant_a].set_index("replication")[row.metric]
        b = rows[rows["variant"] == row.variant_b].set_index("replication")[row.metric]
        differences = (a - b).dropna()
        assert row.n == len(differences) == 6
        assert row.mean_a == pytest.approx(a.mean())
        assert row.mean_diff == pytest.approx(differences.mean(), abs=1e-9)
        if differences.std() > 0:
            interval = stats.ttest_1samp(differences, 0.0).confidence_interval(0.95)
            assert row.ci_low == pytest.approx(interval.low)
            assert row.ci_high == pytest.approx(interval.high)
        else:
            assert row.ci_low == pytest.approx(row.mean_diff) == row.ci_high
        checked += 1
    assert checked == len(paired) - 3  # one first_day row per side x munition


def test_dprk_raises_imports_and_fire_in_the_written_table(folder):
    paired = pd.read_csv(folder / "paired.csv").set_index(["munition", "metric"])
    for metric in ("imports_arrived_total", "mean_daily_fire"):
        assert paired.loc[("all", metric), "ci_low"] > 0


def test_report_embeds_the_figures(folder):
    page = (folder / "report.html").read_text()
    assert page.count('src="data:image/png;base64,') == len(STEMS)
    assert "http:" not in page and "https:" not in page  # nothing fetched (":" is not base64)


def test_plot_redraws_figures_and_report_from_the_tables(folder):
    old_report = (folder / "report.html").read_text()
    for png in (folder / "figures").iterdir():
        png.unlink()
    (folder / "report.html").unlink()
    tables = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    done = munsim("plot", str(folder))
    assert done.returncode == 0, done.stderr
    said, last = done.stdout.strip().splitlines()[-2:]
    assert last == str(folder)
    assert said.startswith("redrew figures and report in place") and "report.html" in said
    redrawn = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert redrawn.pop("report.html") and tables.keys() - {"report.html"} == redrawn.keys()
    assert all(tables[name] == data for name, data in redrawn.items()), "a table changed"
    assert {p.name for p in (folder / "figures").iterdir()} == FIGURES
    headline = old_report.split('<p class="headline">')[1].split("</p>")[0]
    assert headline in (folder / "report.html").read_text()


def test_one_replication_is_refused_in_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "runs"
    done = munsim("compare", str(TUTORIAL), "--reps", "1", "--out", str(out))
    assert done.returncode == 2
    assert done.stderr == (
        f"error: {TUTORIAL}: --reps: a paired interval needs at least 2 replications, got 1\n"
    )
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--variants", "baseline,nope"], "variants: unknown variant 'nope' (known: "),
        (["--variants", "baseline"], "--variants: a comparison needs at least two variants, "),
        (["--variants", "no_dprk,no_dprk"], "--variants: compare different variants: "),
        (["--set", "importers.dprk.dud_rate=2"], "importers.dprk.dud_rate: Input should be"),
        (["--set", "dud_rate"], "--set: expected PATH=VALUE"),
    ],
)
def test_bad_options_name_the_file_and_option(tmp_path, capsys, options, message):
    out = tmp_path / "runs"
    code = main(["compare", str(TUTORIAL), "--reps", "2", *options, "--out", str(out)])
    error = capsys.readouterr().err
    assert code == 2
    assert error.count("\n") == 1 and error.startswith(f"error: {TUTORIAL}: ")
    assert message in error
    assert not out.exists() or not any(out.iterdir()), "bad input left a run folder"


def test_plot_on_something_that_is_not_a_run_folder(tmp_path, capsys):
    assert main(["plot", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path}: not a run folder (no manifest.json)\n"


def test_values_in_summary_are_whole_rounds_where_they_should_be(folder):
    summary = pd.read_csv(folder / "summary.csv")
    assert summary["fired_total"].dtype == np.int64
    assert set(summary["munition"]) == {"shell_152", "shell_122", "all"}


def test_set_applies_to_both_variants_after_their_own_tables(tmp_path):
    from sim.experiments.compare import compare

    plain = compare(TUTORIAL, "baseline,no_dprk", reps=2, timeseries=False, progress=False)
    result = compare(TUTORIAL, "baseline,no_dprk", reps=2, timeseries=False, progress=False,
                     overrides={"producers.industry.capacity_scale": 0.5})  # fmt: skip
    scenarios = result.tables.scenarios
    assert [s.producers[0].capacity_scale for s in scenarios.values()] == [0.5, 0.5]
    assert not scenarios["no_dprk"].importers[0].enabled  # the variant's own table stays
    produced = result.tables.summary.groupby("variant")["produced_total"].sum()
    before = plain.tables.summary.groupby("variant")["produced_total"].sum()
    assert (produced < before).all()
