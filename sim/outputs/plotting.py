"""Figures from a run's tables: each function takes DataFrames and returns a Figure.

The functions read the tidy tables of a run folder (``timeseries``, ``paired``), never a
live model, so a script can draw them for any run. Figures are drawn on matplotlib's Agg
canvas (no display needed) and stay readable in grey: variants differ by line style and
band hatching, not by colour alone.

Example:
    >>> import sim
    >>> from sim.outputs.plotting import plot_stocks_by_tier
    >>> tables = sim.read_run("runs/tutorial-compare-20260101T000000Z")  # doctest: +SKIP
    >>> figure = plot_stocks_by_tier(tables["timeseries"], side="RU")  # doctest: +SKIP
    >>> figure.savefig("stocks.png")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.engine.agents.exchange import HECTARES_PER_KM2
from sim.engine.metrics import ALL_MUNITIONS, HEADLINE_METRICS, METRIC_UNITS

BAND = (0.05, 0.95)
ROLLING_DAYS = 7
TIERS = {
    "stock_legacy": "legacy reserve",
    "stock_depot": "depots",
    "stock_unit": "front units",
    "in_transit": "in transit",
}
# Dark blue vs orange also differ in lightness, so they part in grey; line style and
# hatching carry the distinction on their own.
VARIANT_STYLES = (
    {"color": "#1f3b73", "linestyle": "-", "hatch": None, "alpha": 0.25},
    {"color": "#d9862b", "linestyle": "--", "hatch": "////", "alpha": 0.15},
    {"color": "#2e7d32", "linestyle": "-.", "hatch": "\\\\", "alpha": 0.15},
    {"color": "#8e24aa", "linestyle": ":", "hatch": "....", "alpha": 0.15},
    {"color": "#6d4c41", "linestyle": (0, (5, 1)), "hatch": "xx", "alpha": 0.15},
)
DIFFERENCE_STYLE = {"color": "#333333", "linestyle": "-", "hatch": "\\\\\\\\", "alpha": 0.2}


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


def paired_difference(wide: pd.DataFrame, variant_a: str, variant_b: str) -> pd.DataFrame:
    """A − B replication by replication (columns: replication)."""
    a, b = wide[variant_a], wide[variant_b]
    if list(a.columns) != list(b.columns):
        raise ValueError(f"variants {variant_a!r} and {variant_b!r} have different replications")
    return a - b


# -- drawing helpers ------------------------------------------------------------------


def new_figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas (no display, no global pyplot state)."""
    figure = Figure(figsize=(width, height), layout="constrained", dpi=110)
    FigureCanvasAgg(figure)
    return figure


def _thousands(value: float, _position: int) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:g}"


def compact(value: float, _position: int = 0) -> str:
    """Short tick labels for narrow panels: 1.2M, 250k, 12."""
    for scale, suffix in ((1e6, "M"), (1e4, "k")):
        if abs(value) >= scale:
            divisor = 1e3 if suffix == "k" else scale
            return f"{value / divisor:,.4g}{suffix}"
    return f"{value:,.4g}"


def style_axes(axes: Axes, unit: str) -> None:
    """Thousands on y, calendar dates on x (labelled on the bottom panels only)."""
    axes.set_ylabel(unit)
    axes.yaxis.set_major_formatter(FuncFormatter(_thousands))
    axes.grid(True, color="#dddddd", linewidth=0.6)
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    spec = axes.get_subplotspec()
    if spec is None or spec.is_last_row():
        axes.set_xlabel("date")


def draw_band(axes: Axes, band: pd.DataFrame, label: str, style: dict) -> None:
    """A median line over a shaded (and, for the second variant, hatched) 5–95 % band."""
    axes.fill_between(
        band.index,
        band["low"],
        band["high"],
        facecolor=style["color"],
        alpha=style["alpha"],
        edgecolor=style["color"] if style["hatch"] else "none",
        hatch=style["hatch"],
        linewidth=0.0,
        label=f"{label}: 5–95 % of replications",
    )
    axes.plot(
        band.index,
        band["median"],
        color=style["color"],
        linestyle=style["linestyle"],
        linewidth=1.8,
        label=f"{label}: median",
    )


def _styles(variants: Sequence[str]) -> list[tuple[str, dict]]:
    if len(variants) > len(VARIANT_STYLES):
        raise ValueError(f"at most {len(VARIANT_STYLES)} variants per figure, got {variants}")
    return list(zip(variants, VARIANT_STYLES, strict=False))


def _finish(figure: Figure, legend_axes: Axes, title: str, timeseries: pd.DataFrame) -> Figure:
    """Legend on one panel; a title that says what is drawn and over how many replications."""
    legend_axes.legend(loc="best", fontsize="small")
    replications = int(timeseries["replication"].nunique())
    figure.suptitle(f"{title} (median and 5–95 % of {replications} replications)")
    return figure


def _what(munition: str | None) -> str:
    return "all munitions" if munition in (None, ALL_MUNITIONS) else munition


# -- the figures ----------------------------------------------------------------------


def plot_stocks_by_tier(
    timeseries: pd.DataFrame,
    side: str,
    variants: Sequence[str] | None = None,
    munition: str | None = None,
) -> Figure:
    """End-of-day stock in each tier (legacy, depots, units, in transit), per variant."""
    variants = list(variants or variants_of(timeseries))
    figure = new_figure(11, 7.5)
    grid = figure.subplots(2, 2, sharex=True)
    for axes, (column, tier) in zip(grid.flat, TIERS.items(), strict=True):
        wide = daily_by_replication(timeseries, column, side=side, munition=munition)
        for variant, style in _styles(variants):
            draw_band(axes, replication_band(wide[variant]), variant, style)
        axes.set_title(tier)
        style_axes(axes, "rounds held at end of day")
        axes.set_ylim(bottom=0)
    title = f"{side} stocks by tier, {_what(munition)}: {' vs '.join(variants)}"
    return _finish(figure, grid.flat[0], title, timeseries)


def plot_fire_per_day(
    timeseries: pd.DataFrame,
    side: str,
    variants: Sequence[str] | None = None,
    window_days: int = ROLLING_DAYS,
) -> Figure:
    """Rounds fired per day (trailing mean), per munition and in all, per variant."""
    variants = list(variants or variants_of(timeseries))
    munitions = list(dict.fromkeys(timeseries.loc[timeseries["side"] == side, "munition"]))
    panels = [*munitions, ALL_MUNITIONS] if len(munitions) > 1 else munitions
    figure = new_figure(11, 2.6 * len(panels) + 0.8)
    grid = np.atleast_1d(figure.subplots(len(panels), 1, sharex=True))
    for axes, munition in zip(grid, panels, strict=True):
        wide = trailing_mean(
            daily_by_replication(timeseries, "fired", side=side, munition=munition), window_days
        )
        for variant, style in _styles(variants):
            draw_band(axes, replication_band(wide[variant]), variant, style)
        axes.set_title(_what(munition))
        style_axes(axes, f"rounds fired per day\n({window_days}-day mean)")
        axes.set_ylim(bottom=0)
    title = f"{side} fire per day, {window_days}-day trailing mean: {' vs '.join(variants)}"
    return _finish(figure, grid[0], title, timeseries)


def plot_paired_difference(
    timeseries: pd.DataFrame,
    side: str,
    variant_a: str,
    variant_b: str,
    window_days: int = ROLLING_DAYS,
) -> Figure:
    """A − B by replication over time: fire per day and front stock, median and band."""
    panels = {
        "fired": (f"fire per day ({window_days}-day mean)", "rounds per day", window_days),
        "front": ("front stock (depots + units, end of day)", "rounds", None),
    }
    figure = new_figure(11, 6.5)
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
        style_axes(axes, f"{unit}, {variant_a} − {variant_b}")
    title = f"{side}, all munitions: paired difference {variant_a} − {variant_b} on the same seeds"
    return _finish(figure, grid[0], title, timeseries)


def plot_cumulative_imports(
    timeseries: pd.DataFrame, side: str, variants: Sequence[str] | None = None
) -> Figure:
    """Imported rounds that reached a depot, cumulated from the start, per variant."""
    variants = list(variants or variants_of(timeseries))
    figure = new_figure(11, 4.5)
    axes = figure.subplots()
    wide = daily_by_replication(timeseries, "imports_arrived", side=side).cumsum()
    for variant, style in _styles(variants):
        draw_band(axes, replication_band(wide[variant]), variant, style)
    style_axes(axes, "imported rounds arrived, cumulative")
    axes.set_ylim(bottom=0)
    title = f"{side} imports arrived since the start, all munitions: {' vs '.join(variants)}"
    return _finish(figure, axes, title, timeseries)


def plot_front(
    front: pd.DataFrame, variants: Sequence[str] | None = None, window_days: int = 30
) -> Figure:
    """What the fire bought: the first side's ground taken, net, since the start, and
    each side's casualties per day (trailing mean), per variant (the exchange model)."""
    variants = list(variants or variants_of(front))
    sides = list(dict.fromkeys(front["side"]))
    figure = new_figure(11, 2.6 * (1 + len(sides)) + 0.8)
    grid = figure.subplots(1 + len(sides), 1, sharex=True)
    gained = daily_by_replication(front, "ground_gained", side=sides[0])
    lost = daily_by_replication(front, "ground_lost", side=sides[0])
    net = (gained - lost).cumsum() / HECTARES_PER_KM2
    for variant, style in _styles(variants):
        draw_band(grid[0], replication_band(net[variant]), variant, style)
    grid[0].axhline(0, color="black", linewidth=0.8, linestyle=":")
    grid[0].set_title(f"{sides[0]}: ground taken less ground lost since the start")
    style_axes(grid[0], "km²")
    for axes, side in zip(grid[1:], sides, strict=True):
        hurt = trailing_mean(
            daily_by_replication(front, "casualties_suffered", side=side), window_days
        )
        for variant, style in _styles(variants):
            draw_band(axes, replication_band(hurt[variant]), variant, style)
        axes.set_title(f"{side}: casualties suffered from the enemy's modelled fire")
        style_axes(axes, f"people per day\n({window_days}-day mean)")
        axes.set_ylim(bottom=0)
    title = f"The front (exchange model, a reduced form): {' vs '.join(variants)}"
    return _finish(figure, grid[0], title, front)


def plot_forest(
    paired: pd.DataFrame, metrics: Sequence[str] = HEADLINE_METRICS, columns: int = 2
) -> Figure:
    """Mean paired difference A − B and its interval, one panel per metric.

    Each panel has its own unit; rows are side × munition (``all`` = the side's total).
    """
    metrics = [m for m in metrics if m in set(paired["metric"])]
    variant_a, variant_b = paired["variant_a"].iloc[0], paired["variant_b"].iloc[0]
    n = int(paired["n"].max())
    rows = -(-len(metrics) // columns)
    labels = list(dict.fromkeys(zip(paired["side"], paired["munition"], strict=True)))
    figure = new_figure(11, 0.9 + rows * (0.45 * len(labels) + 1.1))
    grid = np.atleast_2d(figure.subplots(rows, columns, squeeze=False))
    for axes, metric in zip(grid.flat, metrics, strict=False):
        table = paired[paired["metric"] == metric].set_index(["side", "munition"])
        table = table.reindex(labels)
        position = np.arange(len(labels))[::-1]
        totals = np.array([m == ALL_MUNITIONS for _, m in labels])
        error = np.vstack(
            [table["mean_diff"] - table["ci_low"], table["ci_high"] - table["mean_diff"]]
        )
        for selected, marker in ((~totals, "o"), (totals, "D")):
            axes.errorbar(
                table["mean_diff"].to_numpy()[selected],
                position[selected],
                xerr=error[:, selected],
                fmt=marker,
                color="black",
                markerfacecolor="white" if marker == "o" else "black",
                capsize=3,
                linewidth=1.2,
            )
        axes.axvline(0, color="black", linewidth=0.8, linestyle=":")
        axes.set_yticks(position, [f"{side} {munition}" for side, munition in labels])
        axes.set_title(metric, fontsize="medium")
        axes.set_xlabel(f"{METRIC_UNITS.get(metric, '')}, {variant_a} − {variant_b}")
        axes.xaxis.set_major_locator(MaxNLocator(nbins=6))
        axes.xaxis.set_major_formatter(FuncFormatter(compact))
        axes.grid(True, axis="x", color="#dddddd", linewidth=0.6)
        axes.set_ylim(-0.7, len(labels) - 0.3)
    for axes in list(grid.flat)[len(metrics) :]:
        axes.set_visible(False)
    figure.suptitle(
        f"Paired difference {variant_a} − {variant_b}: mean and 95 % interval over "
        f"{n} replications (diamond: all munitions; dotted line: no difference)"
    )
    return figure
