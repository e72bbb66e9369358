"""Paired comparison: the statistics alone, then on the tutorial scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import sim
from sim.engine.metrics import ALL_MUNITIONS, METRICS, NEVER
from sim.experiments.compare import (
    PAIRED_COLUMNS,
    compare,
    paired_differences,
    paired_table,
    t_interval,
)

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "scenarios" / "tutorial.toml"
REPS = 10  # the DPRK effect on fire is ~10 standard errors wide at 10 replications
SEED = 4242


@pytest.fixture(scope="module")
def tutorial() -> sim.Comparison:
    return compare(TUTORIAL, reps=REPS, seed=SEED, progress=False)


# -- the statistics alone ---------------------------------------------------------------


def test_t_interval_matches_scipy_one_sample_t_test():
    values = np.array([3.0, -1.0, 4.5, 2.0, 0.5, 7.25])
    mean, low, high = t_interval(values)
    expected = stats.ttest_1samp(values, 0.0).confidence_interval(0.95)
    assert mean == pytest.approx(values.mean())
    assert (low, high) == pytest.approx((expected.low, expected.high))


def test_t_interval_of_identical_values_has_zero_width_and_needs_two_values():
    assert t_interval([5.0, 5.0, 5.0]) == (5.0, 5.0, 5.0)
    mean, low, high = t_interval([5.0])
    assert mean == 5.0 and np.isnan(low) and np.isnan(high)
    assert t_interval([1.0, np.nan, 3.0]) == pytest.approx(t_interval([1.0, 3.0]))


def _synthetic_summary(a_values, b_values, metric="fired_total") -> pd.DataFrame:
    rows = []
    for replication, (a, b) in enumerate(zip(a_values, b_values, strict=True)):
        rows.append(("A", replication, a))
        rows.append(("B", replication, b))
    return pd.DataFrame(
        {
            "replication": [r for _, r, _ in rows],
            "variant": [v for v, _, _ in rows],
            "side": "RU",
            "munition": "shell_152",
            metric: [x for _, _, x in rows],
        }
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 10**7), st.integers(0, 10**7)),
        min_size=2,
        max_size=30,
    )
)
def test_paired_table_is_the_t_interval_of_the_differences(pairs):
    a_values, b_values = zip(*pairs, strict=True)
    summary = _synthetic_summary(a_values, b_values)
    row = paired_table(summary, "A", "B").iloc[0]
    differences = np.subtract(a_values, b_values, dtype=np.float64)
    mean, low, high = t_interval(differences)
    assert row["n"] == len(pairs)
    assert row["mean_a"] == pytest.approx(np.mean(a_values))
    assert row["mean_b"] == pytest.approx(np.mean(b_values))
    assert row["mean_diff"] == pytest.approx(mean)
    assert row["ci_low"] == pytest.approx(low, abs=1e-6)
    assert row["ci_high"] == pytest.approx(high, abs=1e-6)
    assert row["ci_low"] <= row["mean_diff"] <= row["ci_high"]


def test_a_day_that_never_comes_is_missing_not_minus_one():
    summary = _synthetic_summary([10, NEVER, 30, 40], [5, 6, NEVER, 20], "first_day_below_3_dos")
    differences = paired_differences(summary, "A", "B")
    assert differences["difference"].isna().tolist() == [False, True, True, False]
    row = paired_table(summary, "A", "B").iloc[0]
    assert row["n"] == 2
    assert row["mean_a"] == 25 and row["mean_b"] == 12.5 and row["mean_diff"] == 12.5


def test_paired_table_refuses_unpaired_replications():
    summary = _synthetic_summary([1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError, match="different replications"):
        paired_table(summary.iloc[:-1], "A", "B")


# -- on the tutorial --------------------------------------------------------------------


def test_default_variants_are_the_first_two_tables(tutorial):
    assert (tutorial.variant_a, tutorial.variant_b) == ("baseline", "no_dprk")
    assert list(tutorial.paired.columns) == list(PAIRED_COLUMNS)
    assert set(tutorial.paired["variant_a"]) == {"baseline"}
    assert set(tutorial.paired["variant_b"]) == {"no_dprk"}


def test_paired_table_agrees_with_a_recomputation_from_the_summary(tutorial):
    summary = tutorial.summary
    for row in tutorial.paired.itertuples():
        if row.metric == "first_day_below_3_dos":
            continue
        chosen = summary[(summary["side"] == row.side) & (summary["munition"] == row.munition)]
        a = chosen[chosen["variant"] == "baseline"].set_index("replication")[row.metric]
        b = chosen[chosen["variant"] == "no_dprk"].set_index("replication")[row.metric]
        differences = (a - b).dropna().to_numpy(np.float64)
        assert row.n == len(differences)
        assert row.mean_diff == pytest.approx(differences.mean(), nan_ok=True)
        if differences.std() > 0:
            interval = stats.ttest_1samp(differences, 0.0).confidence_interval(0.95)
            assert (row.ci_low, row.ci_high) == pytest.approx((interval.low, interval.high))
        elif len(differences) > 1:
            assert row.ci_low == row.ci_high == row.mean_diff


def test_side_totals_add_up_the_munitions(tutorial):
    summary = tutorial.summary
    keys = ["replication", "variant", "side"]
    totals = summary[summary["aggregate"]].set_index(keys)
    parts = summary[~summary["aggregate"]].groupby(keys).sum(numeric_only=True)
    assert (summary["aggregate"] == (summary["munition"] == ALL_MUNITIONS)).all()
    for metric in ("fired_total", "imports_arrived_total", "shortfall_total", "final_stock"):
        pd.testing.assert_series_equal(totals[metric], parts[metric], check_dtype=False)
    # a lowest total is at least the sum of each munition's lowest
    assert (totals["min_stock_front"] >= parts["min_stock_front"]).all()
    assert summary["munition"].tolist()[:3] == ["shell_152", "shell_122", ALL_MUNITIONS]


def test_same_seed_gives_bit_identical_results(tutorial):
    again = compare(TUTORIAL, reps=REPS, seed=SEED, progress=False)
    pd.testing.assert_frame_equal(again.summary, tutorial.summary, check_exact=True)
    pd.testing.assert_frame_equal(again.timeseries, tutorial.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(again.paired, tutorial.paired, check_exact=True)


@pytest.mark.parametrize("variant", ["baseline", "no_dprk"])
def test_each_variant_equals_a_plain_run_with_the_same_seed(tutorial, variant):
    plain = sim.run(sim.load_scenario(TUTORIAL, variant=variant), reps=REPS, seed=SEED)
    summary = tutorial.summary
    mine = summary[summary["variant"] == variant]  # totals and all: a run has them too
    pd.testing.assert_frame_equal(
        mine.reset_index(drop=True), plain.summary.reset_index(drop=True), check_exact=True
    )
    # labels are categories: the comparison's table knows both variants, the plain run one
    series = tutorial.timeseries[tutorial.timeseries["variant"] == variant].reset_index(drop=True)
    series["variant"] = series["variant"].cat.remove_unused_categories()
    pd.testing.assert_frame_equal(series, plain.timeseries.reset_index(drop=True), check_exact=True)


def test_without_dprk_imports_and_fire_fall_with_intervals_excluding_zero(tutorial):
    totals = tutorial.paired[tutorial.paired["munition"] == ALL_MUNITIONS].set_index("metric")
    for metric in ("imports_arrived_total", "fired_total", "mean_daily_fire"):
        row = totals.loc[metric]
        assert row["mean_b"] < row["mean_a"], metric
        assert row["ci_low"] > 0, f"{metric}: {row['ci_low']} .. {row['ci_high']}"
    assert totals.loc["imports_arrived_total", "mean_b"] == 0
    # and the front runs short more often without them
    assert totals.loc["shortfall_total", "ci_high"] < 0


def test_every_metric_has_a_row_per_side_and_munition(tutorial):
    combos = tutorial.paired.groupby(["side", "munition"], sort=False)["metric"].apply(list)
    assert list(combos.index) == [("RU", "shell_152"), ("RU", "shell_122"), ("RU", "all")]
    for metrics in combos:
        assert metrics == list(METRICS)
    assert tutorial.tables.extra["comparison"]["settings"]["no_dprk"] == {
        "importers.dprk.enabled": False
    }


def test_loaded_scenarios_can_be_compared_directly():
    short = {"scenario.days": 40}
    pair = [
        sim.load_scenario(TUTORIAL, overrides=short),
        sim.load_scenario(TUTORIAL, variant="no_dprk", overrides=short),
    ]
    result = compare(pair, reps=2, seed=1, progress=False, timeseries=False)
    assert result.timeseries is None
    assert result.paired["n"].max() == 2


# -- bad input --------------------------------------------------------------------------


def _expect_error(match: str, *args, **kwargs) -> sim.ScenarioError:
    with pytest.raises(sim.ScenarioError, match=match) as caught:
        compare(*args, progress=False, **kwargs)
    return caught.value


def test_unknown_variant_is_named():
    error = _expect_error("unknown variant 'nope'", TUTORIAL, "baseline,nope", reps=2)
    assert error.file == str(TUTORIAL) and error.key_path == "variants"


def test_one_variant_or_the_same_twice_is_refused():
    _expect_error("at least two variants, got baseline", TUTORIAL, "baseline", reps=2)
    _expect_error("unknown variant 'a'", TUTORIAL, ["a", "b", "c"], reps=2)
    _expect_error("'baseline' is twice", TUTORIAL, "baseline,baseline", reps=2)


def test_one_replication_cannot_make_an_interval():
    error = _expect_error("at least 2 replications, got 1", TUTORIAL, reps=1)
    assert error.key_path == "reps"


def test_a_file_with_one_variant_table_needs_them_named(tmp_path):
    lonely_table = (
        '[variants.no_dprk]\ndescription = "without DPRK shells"\n"importers.dprk.enabled" = false'
    )
    assert lonely_table in TUTORIAL.read_text()
    text = TUTORIAL.read_text().replace(lonely_table, "")
    lonely = tmp_path / "lonely.toml"
    lonely.write_text(text)
    _expect_error("two \\[variants.NAME\\] tables, found only 'baseline'", lonely, reps=2)
    # naming them still works: a variant table is optional for the baseline
    text += '\n[variants.late]\n"importers.dprk.start_date" = 2023-11-01\n'
    lonely.write_text(text)
    result = compare(lonely, "late,baseline", reps=2, seed=3, progress=False, timeseries=False)
    assert (result.variant_a, result.variant_b) == ("late", "baseline")


def test_a_variant_that_changes_the_structure_is_refused(tmp_path):
    changed = tmp_path / "changed.toml"
    changed.write_text(TUTORIAL.read_text() + '\n[variants.short]\n"scenario.days" = 30\n')
    error = _expect_error("changes the structure", changed, "baseline,short", reps=2)
    assert error.key_path == "variants.short"


def test_side_totals_follow_each_sides_munitions_with_two_sides():
    from sim.engine.accounts import RECORDED
    from sim.experiments.runner import summary_table

    rng = np.random.default_rng(0)
    pairs = [("RU", "a"), ("RU", "b"), ("UA", "a")]
    reps, labels = 2, ["A", "B"]
    record = {
        name: rng.integers(0, 100, size=(5, reps * len(labels), len(pairs))).astype(np.int64)
        for name in RECORDED
    }
    combined = summary_table(record, pairs, labels, reps)
    block = list(zip(combined["side"], combined["munition"], strict=True))[:5]
    assert block == [("RU", "a"), ("RU", "b"), ("RU", "all"), ("UA", "a"), ("UA", "all")]
    assert len(combined) == reps * len(labels) * 5
    assert combined["aggregate"].tolist()[:5] == [False, False, True, False, True]
    keys = ["replication", "variant", "side"]
    totals = combined[combined["munition"] == "all"].set_index(keys)["fired_total"]
    parts = combined[combined["munition"] != "all"].groupby(keys)["fired_total"].sum()
    pd.testing.assert_series_equal(totals, parts.reindex(totals.index), check_names=False)
    paired = paired_table(combined, "A", "B")
    assert paired[["side", "munition"]].drop_duplicates().values.tolist() == [
        list(p) for p in block
    ]


def test_a_window_before_the_first_delivery_shows_no_effect_and_after_it_does():
    import datetime as dt

    from sim.experiments.compare import compare as run_compare

    tutorial = Path(__file__).resolve().parents[2] / "scenarios" / "tutorial.toml"
    before = run_compare(
        tutorial,
        reps=4,
        seed=3,
        timeseries=False,
        window=(dt.date(2023, 1, 1), dt.date(2023, 8, 14)),
    )
    after = run_compare(
        tutorial,
        reps=4,
        seed=3,
        timeseries=False,
        window=(dt.date(2023, 9, 1), dt.date(2023, 12, 31)),
    )

    def fire(result):
        rows = result.paired.query("munition == 'all' and metric == 'mean_daily_fire'")
        return rows.iloc[0]

    # common random numbers: until DPRK rounds arrive, the two variants are the same run
    assert (before.paired["mean_diff"].fillna(0) == 0).all()
    assert fire(after)["ci_low"] > 0
    assert before.tables.extra["comparison"]["window"] == ["2023-01-01", "2023-08-14"]


def test_a_window_outside_the_run_is_bad_input():
    import datetime as dt

    from sim.experiments.compare import compare as run_compare
    from sim.scenario.errors import ScenarioError

    tutorial = Path(__file__).resolve().parents[2] / "scenarios" / "tutorial.toml"
    with pytest.raises(ScenarioError, match="within 2023-01-01:2023-12-31"):
        run_compare(tutorial, reps=2, window=(dt.date(2022, 12, 1), dt.date(2023, 2, 1)))


def test_where_the_difference_went_adds_up_and_agrees_with_the_daily_table(tutorial):
    parts = tutorial.decomposition.set_index("term")
    balance = ["fired", "destroyed", "interdicted", "discarded", "stock_built"]
    diff = parts["mean_diff"]
    assert diff[balance].sum() == pytest.approx(diff["supplied"])
    assert parts.loc[balance, "share_of_supplied_diff"].sum() == pytest.approx(1.0)
    tiers = [t for t in parts.index if t.startswith("stock_built_")]
    assert diff[tiers].sum() == pytest.approx(diff["stock_built"])
    # recomputed from the daily table: supplied and fired per variant
    series = tutorial.timeseries
    for variant, column in (("baseline", "mean_a"), ("no_dprk", "mean_b")):
        rows = series[series["variant"] == variant]
        reps = rows["replication"].nunique()
        supplied = (rows["produced"] + rows["imports_dispatched"]).sum() / reps
        assert parts.loc["supplied", column] == pytest.approx(supplied)
        assert parts.loc["fired", column] == pytest.approx(rows["fired"].sum() / reps)
    # the DPRK's rounds are not all fired: some build stock, some are destroyed
    assert 0 < parts.loc["fired", "share_of_supplied_diff"] < 1
    assert parts.loc["stock_built", "ci_low"] > 0


def test_a_window_decomposes_only_its_days(tutorial):
    import datetime as dt

    first, last = dt.date(2023, 1, 1), dt.date(2023, 6, 30)  # before the first DPRK delivery
    early = sim.compare("scenarios/tutorial.toml", reps=3, seed=1, window=(first, last))
    parts = early.decomposition.set_index("term")
    assert (parts["mean_diff"] == 0).all()
    assert parts.loc["stock_built", "mean_a"] != 0  # stocks move; the variants alike
