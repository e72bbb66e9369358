"""Checkpoint scoring on hand-made books: each metric, the median, the band, hit/overlap."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from sim.engine.accounts import RECORDED
from sim.experiments.checkpoints import checkpoint_values
from sim.experiments.outcomes import Records
from sim.experiments.validation import check, check_table, format_table
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import build_scenario, read_raw
from sim.scenario.schema import Checkpoint

ROOT = Path(__file__).resolve().parents[2]
RAW, _ = read_raw(ROOT / "scenarios" / "tutorial.toml")
START = dt.date(2023, 1, 1)  # the tutorial's day 0
PAIRS = [("RU", "shell_152"), ("RU", "shell_122"), ("UA", "shell_155")]
DAYS, MEMBERS = 10, 5


def scenario(*checkpoints):
    raw = copy.deepcopy(RAW)
    raw["sides"].append({"id": "UA"})
    raw["checkpoints"] = [
        {"low": 0.0, "high": 1e12, "source": "a test", **cp} for cp in checkpoints
    ]
    return build_scenario(raw, file="t.toml")


def window(first, last, **fields):
    return {
        "start_date": START + dt.timedelta(days=first),
        "end_date": START + dt.timedelta(days=last),
        **fields,
    }


@pytest.fixture
def books():
    """Fired = 100 x (pair + 1) + member each day, so every sum is easy to check."""
    record = {name: np.zeros((DAYS, MEMBERS, len(PAIRS)), np.int64) for name in RECORDED}
    member = np.arange(MEMBERS)[None, :, None]
    pair = np.arange(len(PAIRS))[None, None, :]
    record["fired"][:] = 100 * (pair + 1) + member
    record["produced"][:] = 10
    record["refurbished"][3] = 7
    importers = {
        "dprk": {
            "rounds": np.ones((DAYS, MEMBERS)) * 50,
            "interdicted": np.ones((DAYS, MEMBERS)) * 5,
            "containers": np.ones((DAYS, MEMBERS)),
        }
    }
    return Records(record, PAIRS, suppliers=importers)


def values(books, **cp):
    s = scenario({"id": "cp", **cp})
    return checkpoint_values(s, s.checkpoints[0], books)


def test_fire_per_day_is_the_windows_mean_over_the_sides_munitions(books):
    got = values(books, metric="fire_per_day", side="RU", **window(2, 4))
    np.testing.assert_allclose(got, 100 + 200 + 2 * np.arange(MEMBERS))


def test_a_munition_narrows_the_metric(books):
    got = values(books, metric="fired_total", side="RU", munition="shell_122", **window(0, 9))
    np.testing.assert_allclose(got, 10 * (200 + np.arange(MEMBERS)))


def test_fire_ratio_divides_mean_daily_fire(books):
    got = values(books, metric="fire_ratio", side="RU", other_side="UA", **window(0, 0))
    m = np.arange(MEMBERS)
    np.testing.assert_allclose(got, (300 + 2 * m) / (300 + m))


def test_a_ratio_over_no_fire_is_not_a_number_and_never_a_hit(books):
    books.rounds["fired"][..., 2] = 0
    s = scenario(
        {"id": "r", "metric": "fire_ratio", "side": "RU", "other_side": "UA", **window(0, 9)}
    )
    row = check_table(s, books).iloc[0]
    assert np.isnan(row["median"]) and not row["hit"] and not row["overlap"]


def test_produced_refurbished_adds_both_flows(books):
    got = values(books, metric="produced_refurbished_total", side="RU", **window(3, 4))
    np.testing.assert_allclose(got, 2 * 2 * 10 + 7 * 2)


def test_importer_metrics_read_the_suppliers_books(books):
    rounds = values(books, metric="importer_rounds", side="RU", importer="dprk", **window(0, 3))
    boxes = values(books, metric="importer_containers", side="RU", importer="dprk", **window(5, 9))
    np.testing.assert_allclose(rounds, 200.0)
    np.testing.assert_allclose(boxes, 5.0)


def test_a_side_without_the_munition_is_bad_input(books):
    with pytest.raises(ScenarioError, match="handles no munition 'shell_122'"):
        values(books, metric="fire_per_day", side="UA", munition="shell_122", **window(0, 1))


def test_hit_scores_the_median_and_overlap_the_band(books):
    # RU fire per day over the window is 300 + 2m for members m = 0..4: median 304,
    # 5-95 % band 300.4..307.6
    base = {"metric": "fire_per_day", "side": "RU", **window(0, 9)}
    s = scenario(
        {"id": "inside", "low": 303.0, "high": 305.0, **base},
        {"id": "band_only", "low": 306.0, "high": 400.0, **base},
        {"id": "outside", "low": 310.0, "high": 400.0, **base},
        {"id": "edge", "low": 304.0, "high": 304.0, **base},
    )
    table = check_table(s, books).set_index("checkpoint")
    assert table.loc["inside", "median"] == pytest.approx(304.0)
    assert table.loc["inside", "p05"] == pytest.approx(300.4)
    assert table.loc["inside", "p95"] == pytest.approx(307.6)
    assert table["hit"].to_dict() == {
        "inside": True,
        "band_only": False,
        "outside": False,
        "edge": True,
    }
    assert table["overlap"].to_dict() == {
        "inside": True,
        "band_only": True,
        "outside": False,
        "edge": True,
    }
    text = format_table(table.reset_index())
    assert "miss (band overlaps)" in text
    assert any(line.startswith("hits: behaviour: 2 of 4 (model median inside")
               for line in text.splitlines())  # fmt: skip
    assert (table["kind"] == "behaviour").all()  # fire is behaviour, by its metric


def test_a_checkpoint_s_kind_follows_its_metric_unless_it_says():
    window = {"start_date": "2023-01-01", "end_date": "2023-01-10", "low": 0, "high": 1,
              "source": "t"}  # fmt: skip
    made = Checkpoint.model_validate(
        {"id": "m", "metric": "produced_total", "side": "RU", **window}
    )
    fire = Checkpoint.model_validate({"id": "f", "metric": "fire_per_day", "side": "RU", **window})
    said = Checkpoint.model_validate(
        {"id": "s", "metric": "fire_per_day", "side": "RU", "kind": "input", **window}
    )
    assert (made.kind_of, fire.kind_of, said.kind_of) == ("input", "behaviour", "input")
    with pytest.raises(ValidationError):
        Checkpoint.model_validate({"id": "x", "metric": "fire_per_day", "side": "RU",
                                   "kind": "guess", **window})  # fmt: skip


def test_check_needs_checkpoints():
    with pytest.raises(ScenarioError, match="no checkpoints"):
        check(build_scenario(copy.deepcopy(RAW), file="t.toml"), reps=1)


def test_fire_change_divides_the_window_s_daily_fire_by_the_base_window_s(books):
    # a two-day base and a seven-day window: their totals would give 10.5, their rates 3
    books.rounds["fired"][3:] *= 3
    got = values(books, metric="fire_change", side="RU", base_start_date=START,
                 base_end_date=START + dt.timedelta(days=1), **window(3, 9))  # fmt: skip
    np.testing.assert_allclose(got, 3.0)


def test_fire_share_is_the_munition_s_part_of_the_side_s_fire(books):
    got = values(books, metric="fire_share", side="RU", munition="shell_152", **window(0, 9))
    m = np.arange(MEMBERS)
    np.testing.assert_allclose(got, (100 + m) / (300 + 2 * m))


def test_import_share_counts_the_window_s_rounds_that_were_not_interdicted(books):
    books.suppliers["dprk"]["rounds"][:] = 10 * np.arange(DAYS)[:, None]
    got = values(books, metric="import_share", side="RU", importer="dprk", **window(2, 5))
    m = np.arange(MEMBERS)
    landed = 10 * (2 + 3 + 4 + 5) - 4 * 5  # days 2-5, less 5 a day interdicted
    np.testing.assert_allclose(got, landed / (4 * (300 + 2 * m)))


def test_stocks_are_read_at_the_end_of_the_window(books):
    books.rounds["stock_legacy"][:] = np.arange(DAYS)[:, None, None]
    books.rounds["stock_depot"][:] = 1000
    legacy = values(books, metric="stock_legacy", side="RU", **window(3, 6))
    held = values(books, metric="stock_held", side="RU", munition="shell_122", **window(3, 6))
    np.testing.assert_allclose(legacy, 2 * 6)  # two RU munitions, day 6's stock
    np.testing.assert_allclose(held, 1000 + 6)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"metric": "fire_change"}, "base_start_date and base_end_date"),
        ({"metric": "fire_per_day", "base_start_date": "2023-01-01",
          "base_end_date": "2023-01-02"}, "only by it"),
        ({"metric": "fire_share"}, "needs the munition"),
        ({"metric": "import_share"}, "importer is needed"),
    ],
)  # fmt: skip
def test_the_new_metrics_ask_for_what_they_need(fields, problem):
    window = {"start_date": "2023-01-05", "end_date": "2023-01-10", "low": 0, "high": 1,
              "source": "t", "side": "RU", "id": "c"}  # fmt: skip
    with pytest.raises(ValidationError, match=problem):
        Checkpoint.model_validate({**window, **fields})


def test_a_cut_off_splits_the_checkpoints_and_the_scores(books):
    base = {"metric": "fire_per_day", "side": "RU"}
    raw_checkpoints = [
        {"id": "early", "low": 300.0, "high": 310.0, **base, **window(0, 3)},
        {"id": "late", "low": 300.0, "high": 310.0, **base, **window(5, 9)},
    ]
    raw = copy.deepcopy(RAW)
    raw["sides"].append({"id": "UA"})
    raw["scenario"]["calibration_end"] = START + dt.timedelta(days=4)
    raw["checkpoints"] = [{"source": "a test", **cp} for cp in raw_checkpoints]
    s = build_scenario(raw, file="t.toml")
    table = check_table(s, books)
    assert table["sample"].tolist() == ["in", "out"]
    scores = _scores(table)
    assert (
        scores["by_sample"]["in"]["checkpoints"] == scores["by_sample"]["out"]["checkpoints"] == 1
    )
    raw["scenario"]["calibration_end"] = START - dt.timedelta(days=1)
    with pytest.raises(ScenarioError, match="scenario.calibration_end: outside"):
        build_scenario(raw, file="t.toml")


def _scores(table):
    from sim.experiments.validation import scores

    return scores(table)


def test_the_baselines_score_beside_the_model(books):
    # RU fire is 300 + 2m a day (median 304); RU arrivals are 2 x 10 produced a day (+7 on
    # day 3): the supply identity says RU fires 20 a day
    base = {"metric": "fire_per_day", "side": "RU"}
    s = scenario(
        {"id": "first", "low": 250.0, "high": 350.0, **base, **window(0, 1)},
        {"id": "second", "low": 10.0, "high": 30.0, **base, **window(4, 5)},
        {"id": "third", "low": 290.0, "high": 320.0, **base, **window(7, 9)},
        {"id": "made", "metric": "produced_total", "side": "RU", "low": 0.0, "high": 1.0,
         **window(0, 9)},
    )  # fmt: skip
    table = check_table(s, books).set_index("checkpoint")
    # the best constant lies in the most ranges: 290..320 is inside two of three
    assert table.loc[["first", "second", "third"], "constant"].tolist() == [290.0] * 3
    # persistence carries the middle of the range before forward; the first has none
    assert np.isnan(table.loc["first", "persistence"])
    assert table.loc["second", "persistence"] == 300.0
    assert table.loc["third", "persistence"] == 20.0
    assert table.loc["second", "supply_identity"] == 20.0
    assert table.loc["second", "supply_identity_hit"]
    assert np.isnan(table.loc["made", "constant"])  # an input checkpoint is not scored
    found = _scores(table.reset_index())["behaviour"]
    assert found["hits"] == 2 and found["baselines"] == {
        "constant": 2, "persistence": 0, "supply_identity": 1,
    }  # fmt: skip
    assert found["skill"] == 0 and found["best_baseline"] == "constant"
    lines = format_table(table.reset_index()).splitlines()
    assert lines[-1].startswith("skill: 0 (behaviour hits less the best baseline's")
