"""Summary metrics: the stock-by-tier additions and the side totals."""

from __future__ import annotations

import numpy as np

from sim.engine.accounts import RECORDED
from sim.engine.metrics import (
    HEADLINE_METRICS,
    METRIC_UNITS,
    METRICS,
    side_totals,
    summarise,
)


def _record(days: int = 4, pairs: int = 3) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    return {
        name: rng.integers(0, 1000, size=(days, 2, pairs)).astype(np.int64) for name in RECORDED
    }


def test_every_metric_has_a_unit_and_the_headline_ones_exist():
    assert set(METRIC_UNITS) == set(METRICS)
    assert set(HEADLINE_METRICS) <= set(METRICS)


def test_lowest_and_final_stock_by_tier():
    record = _record()
    metrics = summarise(record)
    for tier in ("stock_legacy", "stock_depot", "stock_unit"):
        assert (metrics[f"min_{tier}"] == record[tier].min(axis=0)).all()
    assert (metrics["final_in_transit"] == record["in_transit"][-1]).all()
    tiers = ("stock_legacy", "stock_rework", "stock_depot", "stock_unit", "in_transit")
    held = sum(record[n] for n in tiers)
    assert (metrics["min_stock"] == held.min(axis=0)).all()
    fired_per_day = (record["fired"] - record["duds"]).sum(axis=0) / 4
    assert np.allclose(metrics["mean_daily_effective_fire"], fired_per_day)


def test_side_totals_sum_each_sides_pairs_and_keep_integers():
    record = _record()
    pairs = [("RU", "a"), ("UA", "b"), ("RU", "c")]
    totals, labels = side_totals(record, pairs)
    assert labels == [("RU", "all"), ("UA", "all")]
    for name, values in totals.items():
        assert values.dtype == np.int64
        assert (values[..., 0] == record[name][..., 0] + record[name][..., 2]).all()
        assert (values[..., 1] == record[name][..., 1]).all()
    # metrics of the totals come from the summed books, not from summed metrics
    lowest = summarise(totals)["min_stock_front"][:, 0]
    front = record["stock_depot"] + record["stock_unit"]
    assert (lowest == (front[..., 0] + front[..., 2]).min(axis=0)).all()
