"""What run folders hold is what the README says, through the real command line: each
side's aggregate rows by one rule everywhere, every file's documented columns, the
output schema in every manifest, and one default number of replications."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim
from sim.engine.metrics import ALL_MUNITIONS, METRICS
from sim.experiments.runner import AGGREGATE, DEFAULT_REPS, SUMMARY_KEYS
from sim.experiments.validation import check
from sim.outputs.columns import FILES, OUTPUT_SCHEMA, documented_columns
from tests.experiments.sweep_support import EVENT_GRID, write
from tests.support import TUTORIAL, munsim

pytestmark = pytest.mark.slow

REPS, SEED = 3, 5
CHECKPOINT = """
[[checkpoints]]
id = "ru_fire_2023"
metric = "fire_per_day"
side = "RU"
start_date = 2023-01-01
end_date = 2023-12-31
low = 10000
high = 15000
source = "a range for the test"
"""
ADDITIVE = [m for m in METRICS if m.endswith("_total") or m.startswith(("final_", "mean_daily_"))]
"""Metrics whose value for all munitions is the sum of each munition's."""


def _folder(done) -> Path:
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> Path:
    """The tutorial with one checkpoint, for ``check``."""
    path = tmp_path_factory.mktemp("scenario") / "tutorial_checked.toml"
    path.write_text(TUTORIAL.read_text() + CHECKPOINT)
    return path


@pytest.fixture(scope="module")
def folders(tmp_path_factory, checked) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("runs")
    seeded = ("--reps", REPS, "--seed", SEED, "--out", out)
    experiment = write(tmp_path_factory.mktemp("experiment"), EVENT_GRID)
    found = {
        "run": _folder(munsim("run", TUTORIAL, *seeded)),
        "compare": _folder(munsim("compare", TUTORIAL, *seeded)),
        "check": _folder(munsim("check", checked, *seeded)),
        "sweep": _folder(munsim("sweep", experiment, "--workers", 1, "--out", out)),
    }
    return found


def _columns(file: Path) -> list[str]:
    if file.suffix == ".parquet":
        return pq.read_schema(file).names
    return pd.read_csv(file, nrows=0).columns.tolist()


def test_every_table_written_has_its_documented_columns(folders):
    seen = set()
    for command, folder in folders.items():
        for file in sorted([*folder.glob("*.csv"), *folder.glob("*.parquet")]):
            assert file.name in FILES, f"{command} wrote {file.name}, which has no table"
            assert command in FILES[file.name].commands, (command, file.name)
            documented, more = documented_columns(file.name)
            written = _columns(file)
            shown = written[: len(documented)] if more else written
            assert shown == list(documented), f"{command}'s {file.name}"
            seen.add(file.name)
    assert seen >= {
        "timeseries.parquet", "guns.parquet", "suppliers.parquet", "summary.csv",
        "outcomes.csv", "paired.csv", "decomposition.csv", "consequences.csv", "check.csv",
        "results.parquet", "sensitivity.csv",
    }  # fmt: skip


def test_every_manifest_names_the_output_schema(folders):
    for command, folder in folders.items():
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["output_schema"] == OUTPUT_SCHEMA, command


def _follows_the_rule(summary: pd.DataFrame) -> pd.DataFrame:
    """Assert the aggregate rule on a summary; its aggregate rows."""
    assert tuple(summary.columns[: len(SUMMARY_KEYS)]) == SUMMARY_KEYS
    marked = summary[AGGREGATE].astype(bool)
    assert (marked == (summary["munition"] == ALL_MUNITIONS)).all()
    keys = ["replication", "variant", "side"]
    # one aggregate row per replication, variant and side, right after its munitions
    assert (summary[marked].groupby(keys).size() == 1).all()
    blocks = (summary[keys] != summary[keys].shift()).any(axis=1).cumsum()
    assert marked.groupby(blocks).apply(lambda m: m.iloc[-1] and m.sum() == 1).all()
    totals = summary[marked].set_index(keys)[ADDITIVE]
    parts = summary[~marked].groupby(keys)[ADDITIVE].sum()
    pd.testing.assert_frame_equal(
        totals.astype(np.float64), parts.reindex(totals.index).astype(np.float64)
    )
    return summary[marked].reset_index(drop=True)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        a.reset_index(drop=True).astype({"variant": str, "side": str, "munition": str}),
        b.reset_index(drop=True).astype({"variant": str, "side": str, "munition": str}),
        check_dtype=False,
    )


def test_run_compare_check_and_the_api_share_one_rule_for_aggregate_rows(folders, checked):
    run_rows = _follows_the_rule(pd.read_csv(folders["run"] / "summary.csv"))
    compared = _follows_the_rule(pd.read_csv(folders["compare"] / "summary.csv"))
    checked_rows = _follows_the_rule(pd.read_csv(folders["check"] / "summary.csv"))
    api = sim.run(sim.load_scenario(TUTORIAL), reps=REPS, seed=SEED, timeseries=False)
    api_rows = _follows_the_rule(api.summary)
    api_compared = sim.compare(TUTORIAL, reps=REPS, seed=SEED, timeseries=False)
    _follows_the_rule(api_compared.summary)
    api_checked = _follows_the_rule(check(sim.load_scenario(checked), reps=REPS, seed=SEED)
                                    .tables.summary)  # fmt: skip
    # the same seeds give the same aggregate rows, whichever way they were made
    _same(run_rows, api_rows)
    _same(run_rows, checked_rows)
    _same(checked_rows, api_checked)
    _same(compared[compared["variant"] == "baseline"], run_rows)
    _same(compared, _follows_the_rule(api_compared.summary))
    # the paired table marks the same rows
    paired = pd.read_csv(folders["compare"] / "paired.csv")
    assert (paired[AGGREGATE] == (paired["munition"] == ALL_MUNITIONS)).all()
    per_metric = paired[paired[AGGREGATE]].groupby(["variant_b", "side", "metric"]).size()
    assert (per_metric == 1).all() and len(per_metric) == len(METRICS)


def test_the_run_prints_whole_numbers_with_each_sides_aggregate_row(tmp_path):
    done = munsim("run", TUTORIAL, "--reps", 2, "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    table = done.stdout.strip().splitlines()[:-1]
    rows = [line.split() for line in table[2:]]
    assert [row[-5] for row in rows][-1] == ALL_MUNITIONS
    assert all(cell.isdigit() for row in rows for cell in row[-4:])


def test_one_default_number_of_replications():
    from sim.cli import build_parser

    assert inspect.signature(sim.run).parameters["reps"].default == DEFAULT_REPS
    assert inspect.signature(sim.compare).parameters["reps"].default == DEFAULT_REPS
    assert inspect.signature(check).parameters["reps"].default == DEFAULT_REPS
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001
    for name in ("run", "compare", "check"):
        option = next(a for a in commands[name]._actions if "--reps" in a.option_strings)
        assert option.default == str(DEFAULT_REPS), name
        assert f"(default: {DEFAULT_REPS})" in option.help, name
