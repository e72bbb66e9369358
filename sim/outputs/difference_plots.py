"""Figures of paired differences A − B: the forest plot of a comparison's metrics and the
effect on fire, calendar year by calendar year.

Both read tables only (``paired``, ``timeseries``); the intervals are the comparison's
own 95 % t-intervals of the replications' paired differences
(``sim.experiments.statistics.t_interval``).

Example:
    >>> import sim
    >>> tables = sim.read_run("runs/tutorial-compare-20260101T000000Z")  # doctest: +SKIP
    >>> effect_by_year(tables["timeseries"], "baseline", "no_dprk")  # doctest: +SKIP
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.engine.metrics import ALL_MUNITIONS, BRIEF_METRICS, METRIC_UNITS
from sim.experiments.statistics import t_interval
from sim.outputs.labels import Labels
from sim.outputs.plotting import daily_by_replication, paired_difference
from sim.outputs.style import compact, grid, new_figure, styled

METRIC_TITLES = {
    "mean_daily_fire": "fire per day",
    "mean_daily_effective_fire": "effective fire per day (after duds)",
    "shortfall_total": "rounds short of demand",
    "shortfall_days": "days short of demand",
    "imports_arrived_total": "imported rounds arrived",
    "destroyed_total": "rounds destroyed by strikes",
    "final_stock": "stock at the end",
    "min_stock_front": "lowest front stock",
    "min_days_of_supply": "lowest days of supply",
    "days_below_3_dos": "days below 3 days of supply",
}
"""Short readable titles of the metrics the forest plots show."""
EFFECT_COLUMNS = (
    "side", "year", "days", "mean_a", "mean_b", "mean_diff", "ci_low", "ci_high", "n",
)  # fmt: skip


def metric_title(metric: str) -> str:
    """A metric's short title ("fire per day"), or its name in words."""
    return METRIC_TITLES.get(metric, metric.replace("_", " "))


# -- the effect by calendar year --------------------------------------------------------


def effect_by_year(timeseries: pd.DataFrame, a: str, b: str, column: str = "fired") -> pd.DataFrame:
    """Per side and calendar year: the mean per day of ``column`` (all munitions) with
    A and with B, and the paired difference A − B with its 95 % t-interval over the
    replications. The first and last years may be partial: ``days`` says how many days
    of each year the run covers.

    Weighted by ``days``, the years' ``mean_diff`` give the whole run's mean difference.

    Example:
        >>> days = pd.date_range("2022-12-31", periods=3)  # one day of 2022, two of 2023
        >>> rows = [(r, v, d, "RU", "m", 10 + 5 * (v == "A") + r)
        ...         for r in range(3) for v in "AB" for d in days]
        >>> ts = pd.DataFrame(rows, columns=["replication", "variant", "date", "side",
        ...                                  "munition", "fired"])
        >>> table = effect_by_year(ts, "A", "B")
        >>> [(r.year, r.days, r.mean_diff, r.n) for r in table.itertuples()]
        [(2022, 1, 5.0, 3), (2023, 2, 5.0, 3)]
    """
    rows = []
    for side in dict.fromkeys(timeseries["side"]):
        wide = daily_by_replication(timeseries, column, side=side)
        difference = paired_difference(wide, a, b)
        for year, days in pd.Series(wide.index.year).value_counts(sort=False).items():
            inside = wide.index.year == year
            per_replication = difference[inside].mean(axis=0).to_numpy()
            mean, low, high = t_interval(per_replication)
            rows.append(
                {
                    "side": side,
                    "year": int(year),
                    "days": int(days),
                    "mean_a": float(wide[a][inside].to_numpy().mean()),
                    "mean_b": float(wide[b][inside].to_numpy().mean()),
                    "mean_diff": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "n": int(per_replication.size),
                }
            )
    return pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))


def signed(value: float) -> str:
    """A difference as written by its point: +1,234, -56, +0.5.

    Example:
        >>> signed(1234.4), signed(-56.0), signed(0.5)
        ('+1,234', '-56', '+0.5')
    """
    return f"{value:+,.0f}" if abs(value) >= 10 else f"{value:+.2g}"


def _year_label(year: int, days: int, first: pd.Timestamp, last: pd.Timestamp) -> str:
    """ "2023", or for a partial year "2022\\nfrom 24 Feb (311 days)"."""
    if days >= 365:
        return str(year)
    if year == first.year:
        return f"{year}\nfrom {first:%d %b}\n({days} days)"
    return f"{year}\nto {last:%d %b}\n({days} days)"


@styled
def plot_effect_by_year(
    timeseries: pd.DataFrame,
    a: str,
    b: str,
    *,
    sides: Sequence[str] | None = None,
    labels: Labels | None = None,
) -> Figure:
    """The paired difference A − B in rounds fired per day, each calendar year, a panel
    per side: the mean over replications and its 95 % interval, the value written by it."""
    labels = labels or Labels()
    table = effect_by_year(timeseries, a, b)
    sides = list(sides or dict.fromkeys(table["side"]))
    dates = pd.to_datetime(timeseries["date"])
    first, last = dates.min(), dates.max()
    years = int(table.groupby("side").size().max()) if len(table) else 1
    figure = new_figure(min(11.0, 3.5 + 1.6 * years), 2.2 + 2.2 * len(sides))
    panels = np.atleast_1d(figure.subplots(len(sides), 1, sharex=True))
    for axes, side in zip(panels, sides, strict=True):
        mine = table[table["side"] == side]
        where = np.arange(len(mine))
        error = np.vstack([mine["mean_diff"] - mine["ci_low"], mine["ci_high"] - mine["mean_diff"]])
        axes.errorbar(where, mine["mean_diff"], yerr=np.nan_to_num(error), fmt="o", color="black",
                      capsize=4, linewidth=1.4, markersize=5)  # fmt: skip
        for x, row in zip(where, mine.itertuples(), strict=True):
            axes.annotate(signed(row.mean_diff), (x, row.mean_diff), xytext=(7, 0),
                          textcoords="offset points", va="center", fontsize=8)  # fmt: skip
        axes.axhline(0, color="black", linewidth=0.8, linestyle=":")
        axes.set_title(labels.side(side))
        axes.set_ylabel(f"rounds per day,\n{a} − {b}")
        axes.yaxis.set_major_formatter(FuncFormatter(compact))
        axes.set_xticks(
            where, [_year_label(r.year, r.days, first, last) for r in mine.itertuples()]
        )
        axes.set_xlim(-0.5, len(mine) - 0.5)
        axes.margins(y=0.2)
        grid(axes, "y")
    n = int(table["n"].max()) if len(table) else 0
    width = int(11 * figure.get_figwidth())  # characters a line of the title holds
    figure.suptitle(
        textwrap.fill(f"Rounds fired per day, {labels.pair(a, b)}, by calendar year", width)
        + "\n"
        + textwrap.fill(
            f"(mean of {n} paired replications and its 95 % interval; dotted line: no difference)",
            width,
        )
    )
    return figure


# -- the forest plot --------------------------------------------------------------------


def _rows(paired: pd.DataFrame, by_munition: bool) -> list[tuple[str, str]]:
    """The (side, munition) rows drawn: the sides' totals, or every munition too."""
    rows = list(dict.fromkeys(zip(paired["side"], paired["munition"], strict=True)))
    return rows if by_munition else [r for r in rows if r[1] == ALL_MUNITIONS]


def _row_label(side: str, munition: str, labels: Labels, by_munition: bool) -> str:
    if not by_munition:
        return labels.side(side)
    return f"{labels.side(side)}: {labels.munition(munition, width=28)}"


@styled
def plot_forest(
    paired: pd.DataFrame,
    metrics: Sequence[str] = BRIEF_METRICS,
    columns: int | None = None,
    *,
    by_munition: bool = False,
    labels: Labels | None = None,
) -> Figure:
    """Mean paired difference A − B and its 95 % interval, one small panel per metric,
    each in its own unit, a row per side (its munitions together).

    With ``by_munition`` the rows are side × munition too (``all`` = the side's total,
    a diamond), for the long version of the figure.
    """
    labels = labels or Labels()
    metrics = [m for m in metrics if m in set(paired["metric"])]
    variant_a, variant_b = paired["variant_a"].iloc[0], paired["variant_b"].iloc[0]
    n = int(paired["n"].max())
    columns = columns or (len(metrics) if not by_munition and len(metrics) <= 5 else 2)
    rows = -(-len(metrics) // columns)
    drawn = _rows(paired, by_munition)
    height = 0.9 + rows * (0.32 * len(drawn) + 1.2)
    figure = new_figure(11, max(height, 2.6))
    panels = figure.subplots(rows, columns, squeeze=False, sharey=True)
    for axes, metric in zip(panels.flat, metrics, strict=False):
        _forest_panel(axes, paired[paired["metric"] == metric], drawn, metric)
        axes.set_xlabel(f"{METRIC_UNITS.get(metric, '')},\n{variant_a} − {variant_b}")
    names = [_row_label(s, m, labels, by_munition) for s, m in drawn]
    for axes in panels[:, 0]:
        axes.set_yticks(np.arange(len(drawn))[::-1], names)
    for axes in list(panels.flat)[len(metrics) :]:
        axes.set_visible(False)
    shape = "; diamond: the side's munitions together" if by_munition else ""
    figure.suptitle(
        f"{labels.pair(variant_a, variant_b)}: paired difference, mean and 95 % interval "
        f"over {n} replications\n(dotted line: no difference{shape})"
    )
    return figure


def _forest_panel(axes, table: pd.DataFrame, drawn: list[tuple[str, str]], metric: str) -> None:
    """One metric's intervals, a row per (side, munition)."""
    table = table.set_index(["side", "munition"]).reindex(drawn)
    position = np.arange(len(drawn))[::-1]
    totals = np.array([m == ALL_MUNITIONS for _, m in drawn])
    error = np.vstack([table["mean_diff"] - table["ci_low"], table["ci_high"] - table["mean_diff"]])
    for selected, marker in ((~totals, "o"), (totals, "D")):
        axes.errorbar(
            table["mean_diff"].to_numpy()[selected], position[selected],
            xerr=np.nan_to_num(error[:, selected]), fmt=marker, color="black",
            markerfacecolor="white" if marker == "o" else "black", capsize=3, linewidth=1.2,
        )  # fmt: skip
    axes.axvline(0, color="black", linewidth=0.8, linestyle=":")
    axes.set_title(textwrap.fill(metric_title(metric), 24), fontsize="medium")
    axes.xaxis.set_major_locator(MaxNLocator(nbins=4))
    axes.xaxis.set_major_formatter(FuncFormatter(compact))
    axes.tick_params(axis="x", labelrotation=0)
    axes.margins(x=0.15)
    grid(axes, "x")
    axes.set_ylim(-0.7, len(drawn) - 0.3)
