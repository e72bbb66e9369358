"""Checkpoints: known metrics, the fields each metric needs, ids that resolve, dates inside."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import build_scenario, read_raw
from sim.scenario.schema import CHECKPOINT_METRICS

ROOT = Path(__file__).resolve().parents[2]
RAW, _ = read_raw(ROOT / "scenarios" / "tutorial.toml")


def scenario_with(**checkpoint):
    raw = copy.deepcopy(RAW)
    raw["sides"].append({"id": "UA"})
    entry = {
        "id": "cp",
        "metric": "fire_per_day",
        "side": "RU",
        "start_date": dt.date(2023, 2, 1),
        "end_date": dt.date(2023, 2, 28),
        "low": 1.0,
        "high": 2.0,
        "source": "a test",
    }
    entry.update(checkpoint)
    raw["checkpoints"] = [{k: v for k, v in entry.items() if v is not None}]
    return build_scenario(raw, file="t.toml")


@pytest.mark.parametrize(
    "checkpoint",
    [
        {},
        {"munition": "shell_152"},
        {"metric": "fire_ratio", "other_side": "UA"},
        {"metric": "importer_rounds", "importer": "dprk"},
        {"metric": "importer_containers", "importer": "dprk"},
        {"metric": "produced_refurbished_total", "end_date": dt.date(2023, 12, 31)},
    ],
)
def test_well_formed_checkpoints_load(checkpoint):
    loaded = scenario_with(**checkpoint).checkpoints[0]
    assert loaded.metric in CHECKPOINT_METRICS


@pytest.mark.parametrize(
    ("checkpoint", "key", "words"),
    [
        ({"metric": "fire_per_dya"}, "checkpoints.cp", "unknown metric 'fire_per_dya'"),
        ({"metric": "fire_ratio"}, "checkpoints.cp", "other_side is needed by fire_ratio"),
        ({"other_side": "UA"}, "checkpoints.cp", "other_side is needed by fire_ratio"),
        ({"metric": "importer_rounds"}, "checkpoints.cp", "importer is needed"),
        ({"importer": "dprk"}, "checkpoints.cp", "importer is needed"),
        (
            {"metric": "importer_rounds", "importer": "dprk", "munition": "shell_152"},
            "checkpoints.cp",
            "leave munition out",
        ),
        (
            {"metric": "fire_ratio", "other_side": "XX"},
            "checkpoints.cp.other_side",
            "unknown side",
        ),
        (
            {"metric": "importer_rounds", "importer": "iran"},
            "checkpoints.cp.importer",
            "unknown importer",
        ),
        (
            {"metric": "importer_rounds", "importer": "dprk", "side": "UA"},
            "checkpoints.cp.importer",
            "supplies another side",
        ),
        ({"start_date": dt.date(2022, 12, 31)}, "checkpoints.cp.start_date", "outside"),
        ({"end_date": dt.date(2024, 1, 1)}, "checkpoints.cp.end_date", "outside"),
        ({"munition": "shell_155"}, "checkpoints.cp.munition", "unknown munition"),
    ],
)
def test_bad_checkpoints_name_the_key_and_the_problem(checkpoint, key, words):
    with pytest.raises(ScenarioError) as caught:
        scenario_with(**checkpoint)
    assert caught.value.key_path == key
    assert words in caught.value.message
