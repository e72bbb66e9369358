"""The check across the uncertainty, on hand-made samples: the interval score, the
distance to a published range, the bands, calibration by rejection and the posterior."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.experiments.baselines import best_constant, days_of, family
from sim.experiments.predictive import (
    band_table,
    distance_to_range,
    distances,
    interval_score,
)
from sim.scenario.loader import build_scenario, read_raw
from sim.scenario.schema import Checkpoint

ROOT = Path(__file__).resolve().parents[2]
RAW, _ = read_raw(ROOT / "scenarios" / "tutorial.toml")
START = dt.date(2023, 1, 1)
finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(finite, finite, finite)
def test_the_interval_score_is_the_width_inside_and_grows_outside(a, b, observed):
    low, high = min(a, b), max(a, b)
    score = interval_score(low, high, observed)
    if low <= observed <= high:
        assert score == pytest.approx(high - low)
    else:
        miss = low - observed if observed < low else observed - high
        assert score == pytest.approx(high - low + 20 * miss)  # 2 / alpha, alpha = 0.1


@given(finite, finite, st.lists(finite, min_size=1, max_size=5))
def test_the_distance_is_zero_inside_and_in_widths_outside(a, b, values):
    low, high = min(a, b), max(a, b)
    far = distance_to_range(np.asarray(values), low, high)
    width = max(high - low, 0.01 * max(abs(low), abs(high)), 1e-12)
    for value, d in zip(values, far, strict=True):
        outside = max(low - value, 0.0, value - high)
        assert d == pytest.approx(outside / width) and (d == 0) == (low <= value <= high)


def scenario(*checkpoints, cutoff=None):
    raw = copy.deepcopy(RAW)
    raw["sides"].append({"id": "UA"})
    if cutoff is not None:
        raw["scenario"]["calibration_end"] = cutoff
    raw["checkpoints"] = [{"source": "a test", "side": "RU", **cp} for cp in checkpoints]
    return build_scenario(raw, file="t.toml")


def window(first, last):
    return {"start_date": START + dt.timedelta(days=first),
            "end_date": START + dt.timedelta(days=last)}  # fmt: skip


@pytest.fixture
def two_checkpoints():
    fire = {"metric": "fire_per_day", "low": 100.0, "high": 200.0}
    return scenario(
        {"id": "early", **fire, **window(0, 9)},
        {"id": "late", **fire, **window(20, 29)},
        cutoff=START + dt.timedelta(days=10),
    )


def members(values: dict[str, list[float]], samples: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"sample": samples, **{f"checkpoint.{k}": v for k, v in values.items()}})


def test_the_distance_sums_the_in_sample_checkpoints_only(two_checkpoints):
    # two seeds a sample: sample 0 inside, 1 at 250 (half a width out), 2 at 400 late only
    table = members(
        {"early": [150, 150, 240, 260, 150, 150], "late": [150, 150, 150, 150, 400, 400]},
        [0, 0, 1, 1, 2, 2],
    )
    found = distances(two_checkpoints, table).set_index("sample")["distance"]
    assert found.to_dict() == pytest.approx({0: 0.0, 1: 0.5, 2: 0.0})


def test_the_bands_cover_the_middle_and_the_posterior_is_its_samples(two_checkpoints):
    table = members(
        {"early": [140, 150, 160, 900, 950, 1000], "late": [140, 150, 160, 900, 950, 1000]},
        [0, 0, 0, 1, 1, 1],
    )
    bands = band_table(two_checkpoints, table, accepted={0}).set_index("checkpoint")
    assert list(bands["sample"]) == ["in", "out"]
    # the prior: all six values, 5-95 % = 142.5 to 987.5, covers the middle but is wide
    assert (bands.loc["early", "prior_p05"], bands.loc["early", "prior_p95"]) == (142.5, 987.5)
    assert bands.loc["early", "prior_covers"]
    assert bands.loc["early", "prior_interval_score"] == pytest.approx(845 / 150)
    assert bands.loc["early", "posterior_covers"]  # sample 0 alone: 141 to 159
    assert bands.loc["early", "posterior_p95"] == pytest.approx(159.0)
    middle, low, high = 150.0, 141.0, 159.0
    assert bands.loc["early", "posterior_interval_score"] == pytest.approx(
        interval_score(low, high, middle) / middle
    )


def test_the_best_constant_lies_in_the_most_ranges():
    assert best_constant([(1, 3), (2, 5), (4, 6), (10, 11)]) == 2  # in two; lowest of ties
    assert best_constant([(5, 5)]) == 5


def test_a_total_and_a_rate_of_fire_are_one_quantity():
    common = {"side": "RU", "low": 1, "high": 2, "source": "s"}
    total = Checkpoint(id="t", metric="fired_total", start_date="2023-01-01",
                       end_date="2023-01-31", **common)  # fmt: skip
    rate = Checkpoint(id="r", metric="fire_per_day", start_date="2023-02-01",
                      end_date="2023-02-10", **common)  # fmt: skip
    change = Checkpoint(id="c", metric="fire_change", start_date="2023-02-01",
                        end_date="2023-02-10", base_start_date="2023-01-01",
                        base_end_date="2023-01-10", **common)  # fmt: skip
    assert family(total) == family(rate) and (days_of(total), days_of(rate)) == (31, 1)
    assert family(change) != family(
        change.model_copy(update={"base_end_date": dt.date(2023, 1, 9)})
    )
