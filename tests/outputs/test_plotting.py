"""Figures from tables: the numbers they draw, and what a reader sees on them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import sim
from sim.engine.metrics import BRIEF_METRICS, HEADLINE_METRICS, METRIC_UNITS
from sim.outputs.difference_plots import metric_title, plot_forest
from sim.outputs.labels import Labels
from sim.outputs.plotting import (
    VARIANT_STYLES,
    daily_by_replication,
    paired_difference,
    plot_cumulative_imports,
    plot_fire_per_day,
    plot_front,
    plot_paired_difference,
    plot_stocks_by_tier,
    replication_band,
    trailing_mean,
)

TUTORIAL = Path(__file__).resolve().parents[2] / "scenarios" / "tutorial.toml"
EARLY = {"scenario.days": 90, "importers.dprk.start_date": dt.date(2023, 1, 20)}


@pytest.fixture(scope="module")
def small() -> sim.Comparison:
    pair = [
        sim.load_scenario(TUTORIAL, overrides=EARLY),
        sim.load_scenario(TUTORIAL, variant="no_dprk", overrides=EARLY),
    ]
    return sim.compare(pair, reps=4, seed=11, progress=False)


# -- the numbers ------------------------------------------------------------------------


def _toy() -> pd.DataFrame:
    dates = pd.date_range("2023-01-01", periods=3).astype("datetime64[s]")
    rows = []
    for variant, offset in (("A", 100), ("B", 0)):
        for replication in range(2):
            for day, date in enumerate(dates):
                for munition, scale in (("m1", 1), ("m2", 10)):
                    fired = offset + scale * (day + replication)
                    rows.append((replication, variant, day, date, "RU", munition, fired))
    columns = ["replication", "variant", "day", "date", "side", "munition", "fired"]
    return pd.DataFrame(rows, columns=columns)


def test_daily_by_replication_sums_munitions_unless_one_is_named():
    toy = _toy()
    wide = daily_by_replication(toy, "fired", side="RU")
    # replication 1, day 2 of A: m1 = 100 + 3, m2 = 100 + 30
    assert wide[("A", 1)].tolist() == [211.0, 222.0, 233.0]
    one = daily_by_replication(toy, "fired", side="RU", munition="m2")
    assert one[("B", 0)].tolist() == [0.0, 10.0, 20.0]
    with pytest.raises(ValueError, match="no rows"):
        daily_by_replication(toy, "fired", side="UA")


def test_difference_is_taken_replication_by_replication():
    wide = daily_by_replication(_toy(), "fired", side="RU")
    difference = paired_difference(wide, "A", "B")
    assert (difference.to_numpy() == 200.0).all()


def test_band_and_trailing_mean():
    wide = pd.DataFrame(np.arange(20.0).reshape(2, 10))
    band = replication_band(wide)
    assert band["median"].tolist() == [4.5, 14.5]
    assert band["low"].tolist() == pytest.approx([0.45, 10.45])
    assert band["high"].tolist() == pytest.approx([8.55, 18.55])
    series = pd.DataFrame({0: [7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]})
    assert trailing_mean(series)[0].tolist() == [7.0, 3.5, 7 / 3, 1.75, 1.4, 7 / 6, 1.0, 0.0]


# -- what the figures show --------------------------------------------------------------


def _visible_axes(figure: Figure) -> list:
    return [axes for axes in figure.axes if axes.get_visible()]


def _assert_readable(figure: Figure) -> None:
    assert isinstance(figure, Figure)
    assert figure.get_suptitle() or any(a.get_title() for a in figure.axes)
    for axes in _visible_axes(figure):
        assert axes.get_ylabel() or axes.get_yticklabels(), "a y axis without labels"
    assert figure.legends or any(axes.get_legend() for axes in figure.axes)


def _bottom_xlabels(figure: Figure) -> set[str]:
    return {axes.get_xlabel() for axes in _visible_axes(figure)} - {""}


def test_stocks_by_tier_has_one_panel_per_tier_and_both_variants(small):
    figure = plot_stocks_by_tier(small.timeseries, "RU")
    _assert_readable(figure)
    titles = [axes.get_title() for axes in figure.axes]
    assert titles == ["legacy reserve", "depots", "front units", "in transit"]
    assert _bottom_xlabels(figure) == {"date"}
    assert all("rounds" in axes.get_ylabel() for axes in figure.axes)
    labels = figure.axes[0].get_legend_handles_labels()[1]
    assert labels == [
        "baseline: 5–95 % of replications' weekly means",
        "baseline: median",
        "no_dprk: 5–95 % of replications' weekly means",
        "no_dprk: median",
    ]
    # in grey the variants part by line style, not by colour alone
    styles = [line.get_linestyle() for line in figure.axes[0].get_lines()]
    assert styles == ["-", "--"]
    assert VARIANT_STYLES[0]["hatch"] != VARIANT_STYLES[1]["hatch"]
    # the median line of the depots panel is the median over replications of each
    # replication's weekly mean
    ts = small.timeseries
    depots = ts[ts["variant"] == "baseline"].groupby(["date", "replication"])["stock_depot"].sum()
    weekly = depots.unstack("replication").resample("7D", origin="start").mean()
    expected = weekly.median(axis=1).to_numpy()
    assert figure.axes[1].get_lines()[0].get_ydata() == pytest.approx(expected)


def test_dates_on_the_x_axis(small):
    figure = plot_fire_per_day(small.timeseries, "RU")
    x = figure.axes[-1].get_lines()[0].get_xdata()
    assert pd.Timestamp(x[0]) == pd.Timestamp("2023-01-01")
    assert pd.Timestamp(x[-1]) == pd.Timestamp("2023-03-31")


def test_fire_per_day_has_a_panel_per_munition_and_the_total(small):
    labels = Labels.from_run(small.tables)
    figure = plot_fire_per_day(small.timeseries, "RU", labels=labels)
    _assert_readable(figure)
    assert [a.get_title() for a in figure.axes] == ["152 mm shell", "122 mm shell", "all munitions"]
    assert all("rounds per day" in a.get_ylabel() for a in figure.axes)
    assert "7-day" in figure.get_suptitle()


def test_paired_difference_over_time_shows_the_front_stock_dprk_adds(small):
    figure = plot_paired_difference(small.timeseries, "RU", "baseline", "no_dprk")
    _assert_readable(figure)
    fire, front = (axes.get_lines()[0].get_ydata() for axes in figure.axes)
    # the same seeds: no difference at all before the first ship arrives
    assert fire[:20] == pytest.approx(0.0) and front[:20] == pytest.approx(0.0)
    assert front[-1] > 0
    assert "baseline − no_dprk" in figure.axes[0].get_ylabel()


def test_cumulative_imports_rise_only_with_dprk(small):
    figure = plot_cumulative_imports(small.timeseries, "RU")
    _assert_readable(figure)
    with_dprk, without = (line.get_ydata() for line in figure.axes[0].get_lines())
    assert with_dprk[-1] > 0 and np.all(np.diff(with_dprk) >= 0)
    assert np.all(without == 0)


def _titles(figure: Figure) -> list[str]:
    return [a.get_title().replace("\n", " ") for a in _visible_axes(figure)]


def test_forest_by_munition_has_a_panel_per_headline_metric_with_its_unit(small):
    labels = Labels.from_run(small.tables)
    figure = plot_forest(small.paired, HEADLINE_METRICS, by_munition=True, labels=labels)
    assert _titles(figure) == [metric_title(m) for m in HEADLINE_METRICS]
    for axes, metric in zip(_visible_axes(figure), HEADLINE_METRICS, strict=True):
        assert axes.get_xlabel() == f"{METRIC_UNITS[metric]},\nbaseline − no_dprk"
    ticks = sorted(figure.axes[0].get_yticklabels(), key=lambda t: -t.get_position()[1])
    side = labels.side("RU")
    assert [t.get_text() for t in ticks] == [
        f"{side}: 152 mm shell",
        f"{side}: 122 mm shell",
        f"{side}: all munitions",
    ]
    assert "95 % interval" in figure.get_suptitle()


def test_the_short_forest_shows_the_brief_metrics_for_the_sides_totals(small):
    figure = plot_forest(small.paired, labels=Labels(sides={"RU": "Russia"}))
    assert _titles(figure) == [metric_title(m) for m in BRIEF_METRICS]
    ticks = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert ticks == ["Russia"]
    totals = small.paired[(small.paired["munition"] == "all")].set_index("metric")
    for axes, metric in zip(_visible_axes(figure), BRIEF_METRICS, strict=True):
        points = [x for found in axes.containers for x in found.lines[0].get_xdata()]
        assert points == pytest.approx([totals.loc[metric, "mean_diff"]])


def test_figures_render_to_png(small, tmp_path):
    figure = plot_forest(small.paired, ["mean_daily_fire"], columns=1)
    path = tmp_path / "forest.png"
    figure.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_front_figure_draws_the_first_sides_net_ground_and_both_sides_casualties():
    from sim.experiments.runner import run_variants
    from tests.engine.agents.test_exchange import _pair

    world = _pair(days=30, fire_a=4000, fire_b=1000)
    world.variant("quiet", {"front_units.a1.base_rounds_per_day.a": 3000})
    tables = run_variants([world.scenario(), world.scenario(variant="quiet")], reps=3, seed=2,
                          labels=["loud", "quiet"], progress=False)  # fmt: skip
    figure = plot_front(tables.front)
    _assert_readable(figure)
    titles = [axes.get_title() for axes in figure.axes]
    assert titles[0].startswith("A: ground taken") and len(titles) == 3
    front = tables.front
    rows = front[(front["variant"] == "loud") & (front["side"] == "A")]
    per_replication = (rows["ground_gained"] - rows["ground_lost"]).groupby(rows["replication"])
    expected = np.median(per_replication.sum()) / 100  # km², the median's last point
    assert figure.axes[0].get_lines()[0].get_ydata()[-1] == pytest.approx(expected)
    loud, quiet = (line.get_ydata()[-1] for line in figure.axes[0].get_lines()[:2])
    assert loud > quiet > 0  # more fire, more ground
