"""Figures over time from a run's tables: each function takes DataFrames, returns a Figure.

The functions read the tidy tables of a run folder (``timeseries``, ``front``), never a
live model, so a script can draw them for any run. They take readable names from a
``Labels`` (the scenario's munition, side and variant names) and mark the scenario's
labelled events; the look is ``sim.outputs.style``'s. Figures stay readable in grey:
variants differ by line style and band hatching, not by colour alone. The figures of
paired differences (the forest plot, the effect by year) are in
``sim.outputs.difference_plots``.

Example:
    >>> import sim
    >>> from sim.outputs.plotting import plot_stocks_by_tier
    >>> tables = sim.read_run("runs/tutorial-compare-20260101T000000Z")  # doctest: +SKIP
    >>> figure = plot_stocks_by_tier(tables["timeseries"], side="RU")  # doctest: +SKIP
    >>> save(figure, "figures", "stocks")  # doctest: +SKIP
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.engine.agents.exchange import HECTARES_PER_KM2
from sim.engine.metrics import ALL_MUNITIONS
from sim.outputs.labels import IDENTICAL, EventMarker, Labels
from sim.outputs.style import (
    DIFFERENCE_STYLE,
    VARIANT_STYLES,
    compact,
    draw_band,
    draw_range,
    mark_events,
    new_figure,
    save,
    style_axes,
    styled,
    thousands,
)

__all__ = [
    "DIFFERENCE_STYLE",
    "VARIANT_STYLES",
    "compact",
    "draw_band",
    "new_figure",
    "save",
    "style_axes",
    "thousands",
]

BAND = (0.05, 0.95)
ROLLING_DAYS = 7
WEEK = "7D"
TIERS = {
    "stock_legacy": "legacy reserve",
    "stock_depot": "depots",
    "stock_unit": "front units",
    "in_transit": "in transit",
}
DRAWN_COLUMNS = ("fired", *TIERS, "imports_arrived")
"""The daily series the figures of a side draw (fire, stocks by tier, imports)."""
WEEKLY = "5–95 % of replications' weekly means"


# -- tables → the numbers drawn -------------------------------------------------------


def variants_of(timeseries: pd.DataFrame) -> list[str]:
    """The variants of a table, in order of appearance."""
    return list(dict.fromkeys(timeseries["variant"]))


def daily_by_replication(
    timeseries: pd.DataFrame, column: str, *, side: str, munition: str | None = None
) -> pd.DataFrame:
    """One column per (variant, replication), one row per date, summed over munitions.

    ``munition=None`` (or ``"all"``) sums the side's munitions.
    """
    rows = timeseries[timeseries["side"] == side]
    if munition not in (None, ALL_MUNITIONS):
        rows = rows[rows["munition"] == munition]
    if rows.empty:
        raise ValueError(f"no rows for side {side!r}, munition {munition!r}")
    return rows.pivot_table(
        index="date", columns=["variant", "replication"], values=column, aggfunc="sum"
    ).astype(np.float64)


def trailing_mean(wide: pd.DataFrame, days: int = ROLLING_DAYS) -> pd.DataFrame:
    """Mean over the last ``days`` days (fewer at the start), per column."""
    return wide.rolling(days, min_periods=1).mean()


def replication_band(wide: pd.DataFrame, band: tuple[float, float] = BAND) -> pd.DataFrame:
    """Across the columns (replications): ``median``, ``low`` and ``high`` quantiles per row.

    Example:
        >>> wide = pd.DataFrame({0: [1.0, 2.0], 1: [3.0, 4.0], 2: [5.0, 6.0]})
        >>> replication_band(wide, (0.0, 1.0)).to_dict("list")
        {'median': [3.0, 4.0], 'low': [1.0, 2.0], 'high': [5.0, 6.0]}
    """
    values = wide.to_numpy(dtype=np.float64)
    low, median, high = np.quantile(values, [band[0], 0.5, band[1]], axis=1)
    return pd.DataFrame({"median": median, "low": low, "high": high}, index=wide.index)


def weekly_band(wide: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each replication's weekly means, and the daily range behind them.

    Returns ``(weekly, daily)``: ``weekly`` is ``replication_band`` of each column's mean
    over seven-day weeks from the first date (dated mid-week); ``daily`` holds, per
    week, the lowest ``low`` and highest ``high`` of the daily band, the range a day
    can take.

    Example:
        >>> days = pd.date_range("2023-01-02", periods=14)
        >>> wide = pd.DataFrame({0: np.r_[np.zeros(7), np.ones(7)], 1: np.full(14, 2.0)}, days)
        >>> weekly, daily = weekly_band(wide)
        >>> weekly["median"].tolist(), [str(d.date()) for d in weekly.index]
        ([1.0, 1.5], ['2023-01-05', '2023-01-12'])
    """
    means = wide.resample(WEEK, origin="start").mean()
    weekly = replication_band(means)
    daily = replication_band(wide)
    weeks = daily.resample(WEEK, origin="start")
    ranges = pd.DataFrame({"low": weeks["low"].min(), "high": weeks["high"].max()})
    middle = pd.Timedelta(days=3)
    weekly.index, ranges.index = weekly.index + middle, ranges.index + middle
    return weekly, ranges


def paired_difference(wide: pd.DataFrame, variant_a: str, variant_b: str) -> pd.DataFrame:
    """A − B replication by replication (columns: replication)."""
    a, b = wide[variant_a], wide[variant_b]
    if list(a.columns) != list(b.columns):
        raise ValueError(f"variants {variant_a!r} and {variant_b!r} have different replications")
    return a - b


def identical_across_variants(
    timeseries: pd.DataFrame,
    side: str,
    a: str,
    b: str,
    columns: Sequence[str] = DRAWN_COLUMNS,
) -> bool:
    """Whether variants ``a`` and ``b`` are exactly equal for ``side``: every
    replication's daily series of each munition, in every column the figures draw.

    Example:
        >>> rows = pd.DataFrame({"side": "RU", "variant": ["A", "B"], "replication": 0,
        ...                      "date": "2023-01-01", "munition": "m", "fired": [5, 5]})
        >>> identical_across_variants(rows, "RU", "A", "B")
        True
    """
    rows = timeseries[timeseries["side"] == side]
    keys = ["replication", "date", *(k for k in ("munition", "front") if k in rows.columns)]
    drawn = [c for c in columns if c in rows.columns]

    def series(variant: str) -> pd.DataFrame:
        mine = rows.loc[rows["variant"] == variant, keys + drawn]
        return mine.sort_values(keys, kind="stable").reset_index(drop=True)

    first, second = series(a), series(b)
    return not first.empty and first.equals(second)


def all_identical(timeseries: pd.DataFrame, side: str, variants: Sequence[str]) -> bool:
    """Whether every variant equals the first for ``side`` (False for one variant)."""
    return len(variants) > 1 and all(
        identical_across_variants(timeseries, side, variants[0], v) for v in variants[1:]
    )


# -- drawing helpers ------------------------------------------------------------------


def _styles(
    variants: Sequence[str], labels: Labels, identical: bool = False
) -> list[tuple[str, str, dict[str, Any]]]:
    """(variant, its legend name, its style) per variant drawn; one if all are identical."""
    if identical:
        return [(variants[0], IDENTICAL, VARIANT_STYLES[0])]
    if len(variants) > len(VARIANT_STYLES):
        raise ValueError(f"at most {len(VARIANT_STYLES)} variants per figure, got {variants}")
    return [
        (v, labels.variant(v), style) for v, style in zip(variants, VARIANT_STYLES, strict=False)
    ]


def _mark(axes: Axes, events: Sequence[EventMarker]) -> None:
    """Events on a panel; their labels on the top row only."""
    spec = axes.get_subplotspec()
    mark_events(axes, events, labelled=spec is None or spec.is_first_row())


def _finish(figure: Figure, title: str, timeseries: pd.DataFrame, columns: int = 2) -> Figure:
    """The legend below the panels; a title that says what is drawn and over how many
    replications."""
    handles, names = figure.axes[0].get_legend_handles_labels()
    if handles:
        figure.legend(handles, names, loc="outside lower center", ncols=columns, frameon=False)
    replications = int(timeseries["replication"].nunique())
    figure.suptitle(f"{title}\n(median and 5–95 % of {replications} replications)")
    return figure


def _versus(variants: Sequence[str], labels: Labels, identical: bool) -> str:
    if identical:
        return IDENTICAL
    return " vs ".join(labels.variant(v) for v in variants)


def _wrapped(text: str, width: int = 70) -> str:
    return "\n".join(textwrap.wrap(text, width))


# -- the figures ----------------------------------------------------------------------


@styled
def plot_stocks_by_tier(
    timeseries: pd.DataFrame,
    side: str,
    variants: Sequence[str] | None = None,
    munition: str | None = None,
    *,
    labels: Labels | None = None,
    events: Sequence[EventMarker] = (),
    identical: bool | None = None,
) -> Figure:
    """End-of-day stock in each tier (legacy, depots, units, in transit), per variant:
    the median of each replication's weekly mean over a band holding 90 % of them, and
    faintly behind, the range of the daily values."""
    labels = labels or Labels()
    variants = list(variants or variants_of(timeseries))
    if identical is None:
        identical = all_identical(timeseries, side, variants)
    figure = new_figure(11, 7.2)
    grid = figure.subplots(2, 2, sharex=True)
    for axes, (column, tier) in zip(grid.flat, TIERS.items(), strict=True):
        wide = daily_by_replication(timeseries, column, side=side, munition=munition)
        for variant, name, style in _styles(variants, labels, identical):
            weekly, daily = weekly_band(wide[variant])
            draw_range(axes, daily["low"], daily["high"], style)
            draw_band(axes, weekly, name, style, what=WEEKLY)
        axes.set_title(tier)
        style_axes(axes, "rounds held (weekly mean)")
        axes.yaxis.set_major_formatter(FuncFormatter(compact))
        axes.set_ylim(bottom=0)
        _mark(axes, events)
    what = labels.munition(munition or ALL_MUNITIONS, width=40)
    title = f"{labels.side(side)}: stocks by tier, {what}: {_versus(variants, labels, identical)}"
    return _finish(figure, title, timeseries)


def _fired_munitions(timeseries: pd.DataFrame, side: str) -> list[str]:
    """The side's munitions that are fired at all, in order."""
    rows = timeseries[timeseries["side"] == side]
    fired = rows.groupby("munition", sort=False)["fired"].sum()
    return [m for m in fired.index if fired[m] > 0] or list(fired.index[:1])


@styled
def plot_fire_per_day(
    timeseries: pd.DataFrame,
    side: str,
    variants: Sequence[str] | None = None,
    window_days: int = ROLLING_DAYS,
    *,
    labels: Labels | None = None,
    events: Sequence[EventMarker] = (),
    identical: bool | None = None,
) -> Figure:
    """Rounds fired per day (trailing mean), per munition fired and in all, per variant."""
    labels = labels or Labels()
    variants = list(variants or variants_of(timeseries))
    if identical is None:
        identical = all_identical(timeseries, side, variants)
    munitions = _fired_munitions(timeseries, side)
    panels = [*munitions, ALL_MUNITIONS] if len(munitions) > 1 else munitions
    figure = new_figure(11, 2.1 * len(panels) + 1.4)
    grid = np.atleast_1d(figure.subplots(len(panels), 1, sharex=True))
    for axes, munition in zip(grid, panels, strict=True):
        wide = trailing_mean(
            daily_by_replication(timeseries, "fired", side=side, munition=munition), window_days
        )
        for variant, name, style in _styles(variants, labels, identical):
            draw_band(axes, replication_band(wide[variant]), name, style)
        axes.set_title(labels.munition(munition, width=60))
        style_axes(axes, f"rounds per day\n({window_days}-day mean)")
        axes.set_ylim(bottom=0)
        _mark(axes, events)
    title = (
        f"{labels.side(side)}: rounds fired per day, {window_days}-day trailing mean: "
        f"{_versus(variants, labels, identical)}"
    )
    return _finish(figure, _wrapped(title, 110), timeseries)


@styled
def plot_paired_difference(
    timeseries: pd.DataFrame,
    side: str,
    variant_a: str,
    variant_b: str,
    window_days: int = ROLLING_DAYS,
    *,
    labels: Labels | None = None,
    events: Sequence[EventMarker] = (),
) -> Figure:
    """A − B by replication over time: fire per day and front stock, median and band."""
    labels = labels or Labels()
    panels = {
        "fired": (f"fire per day ({window_days}-day mean)", "rounds per day", window_days),
        "front": ("front stock (depots + units, end of day)", "rounds", None),
    }
    figure = new_figure(11, 6.2)
    grid = figure.subplots(len(panels), 1, sharex=True)
    for axes, (column, (title, unit, window)) in zip(grid, panels.items(), strict=True):
        if column == "front":
            wide = sum(
                daily_by_replication(timeseries, name, side=side)
                for name in ("stock_depot", "stock_unit")
            )
        else:
            wide = daily_by_replication(timeseries, column, side=side)
        if window:
            wide = trailing_mean(wide, window)
        difference = paired_difference(wide, variant_a, variant_b)
        draw_band(
            axes, replication_band(difference), f"{variant_a} − {variant_b}", DIFFERENCE_STYLE
        )
        axes.axhline(0, color="black", linewidth=0.8, linestyle=":")
        axes.set_title(title)
        style_axes(axes, f"{unit},\n{variant_a} − {variant_b}")
        _mark(axes, events)
    title = (
        f"{labels.side(side)}, all munitions: {labels.pair(variant_a, variant_b)}, "
        "replication by replication on the same seeds"
    )
    return _finish(figure, _wrapped(title, 110), timeseries)


@styled
def plot_cumulative_imports(
    timeseries: pd.DataFrame,
    side: str,
    variants: Sequence[str] | None = None,
    *,
    labels: Labels | None = None,
    events: Sequence[EventMarker] = (),
    identical: bool | None = None,
) -> Figure:
    """Imported rounds that reached a depot, cumulated from the start, per variant."""
    labels = labels or Labels()
    variants = list(variants or variants_of(timeseries))
    if identical is None:
        identical = all_identical(timeseries, side, variants)
    figure = new_figure(11, 4.6)
    axes = figure.subplots()
    wide = daily_by_replication(timeseries, "imports_arrived", side=side).cumsum()
    for variant, name, style in _styles(variants, labels, identical):
        draw_band(axes, replication_band(wide[variant]), name, style)
    style_axes(axes, "imported rounds arrived, cumulative")
    axes.yaxis.set_major_formatter(FuncFormatter(compact))
    axes.set_ylim(bottom=0)
    _mark(axes, events)
    title = (
        f"{labels.side(side)}: imports arrived since the start, all munitions: "
        f"{_versus(variants, labels, identical)}"
    )
    return _finish(figure, _wrapped(title, 110), timeseries)


FRONT_COLUMNS = ("ground_gained", "ground_lost", "casualties_suffered")


@styled
def plot_front(
    front: pd.DataFrame,
    variants: Sequence[str] | None = None,
    window_days: int = 30,
    *,
    labels: Labels | None = None,
    events: Sequence[EventMarker] = (),
) -> Figure:
    """What the fire bought: the first side's ground taken, net, since the start, and
    each side's casualties per day (trailing mean), per variant (the exchange model)."""
    labels = labels or Labels()
    variants = list(variants or variants_of(front))
    sides = list(dict.fromkeys(front["side"]))
    same = len(variants) > 1 and all(
        identical_across_variants(front, s, variants[0], v, FRONT_COLUMNS)
        for s in sides
        for v in variants[1:]
    )
    drawn = _styles(variants, labels, same)
    figure = new_figure(11, 2.3 * (1 + len(sides)) + 1.4)
    grid = figure.subplots(1 + len(sides), 1, sharex=True)
    gained = daily_by_replication(front, "ground_gained", side=sides[0])
    lost = daily_by_replication(front, "ground_lost", side=sides[0])
    net = (gained - lost).cumsum() / HECTARES_PER_KM2
    for variant, name, style in drawn:
        draw_band(grid[0], replication_band(net[variant]), name, style)
    grid[0].axhline(0, color="black", linewidth=0.8, linestyle=":")
    grid[0].set_title(f"{labels.side(sides[0])}: ground taken less ground lost since the start")
    style_axes(grid[0], "km²")
    for axes, side in zip(grid[1:], sides, strict=True):
        hurt = trailing_mean(
            daily_by_replication(front, "casualties_suffered", side=side), window_days
        )
        for variant, name, style in drawn:
            draw_band(axes, replication_band(hurt[variant]), name, style)
        axes.set_title(f"{labels.side(side)}: casualties suffered from the enemy's modelled fire")
        style_axes(axes, f"people per day\n({window_days}-day mean)")
        axes.set_ylim(bottom=0)
    for axes in grid:
        _mark(axes, events)
    title = f"The front (exchange model, a reduced form): {_versus(variants, labels, same)}"
    return _finish(figure, _wrapped(title, 110), front)


_DIFFERENCE_FIGURES = {"plot_forest", "effect_by_year", "plot_effect_by_year"}


def __getattr__(name: str) -> Any:
    """The figures of paired differences, where scripts found them before
    (``sim.outputs.difference_plots``)."""
    if name in _DIFFERENCE_FIGURES:
        from sim.outputs import difference_plots

        return getattr(difference_plots, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
