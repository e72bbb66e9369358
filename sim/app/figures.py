"""The page's figures, drawn from a live ``Explorer`` up to the day it has run.

Every time axis spans the whole scenario, so a run being stepped fills it from the
left; a dotted line marks today and grey ticks along the top mark the scenario's dated
events. Bands are 5–95 % of the members, lines their medians, in the report's styles
(``sim.outputs.style``), so a student's page and an analyst's report read alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedFormatter, FixedLocator

from sim.app.explorer import Explorer, daily, munitions_fired_by_guns, trailing
from sim.engine.agents.exchange import HECTARES_PER_KM2
from sim.outputs.plotting import TIERS, replication_band
from sim.outputs.style import (
    DIFFERENCE_STYLE,
    EVENT,
    VARIANT_STYLES,
    compact,
    draw_band,
    mark_events,
    new_figure,
    style_axes,
    styled,
)

ROLLING = 7
COLUMNS = (
    "foreign\nsuppliers",
    "plants and\nreserves",
    "rear depots",
    "forward depots",
    "front units",
)  # the network's columns, left to right


def _dates(explorer: Explorer, days: int) -> pd.DatetimeIndex:
    return pd.date_range(explorer.start_date, periods=days, freq="D")


def _frame(explorer: Explorer, values: np.ndarray) -> pd.DataFrame:
    """Median and 5–95 % over the members (columns) of ``[days, members]``, by date."""
    return replication_band(pd.DataFrame(values, index=_dates(explorer, len(values))))


def _axes_for_time(explorer: Explorer, axes: Axes, unit: str) -> None:
    """The whole scenario on x, today's line and the events' ticks."""
    style_axes(axes, unit)
    dates = _dates(explorer, explorer.days)
    axes.set_xlim(dates[0], dates[-1])
    # fixed ticks at each half year: a date locator recomputes its calendar rules on
    # every layout pass, the most costly part of a redraw
    ticks = [d for d in pd.date_range(dates[0], dates[-1], freq="MS") if d.month in (1, 7)]
    axes.xaxis.set_major_locator(FixedLocator(mdates.date2num(ticks)))
    axes.xaxis.set_major_formatter(
        FixedFormatter([f"{d.year}" if d.month == 1 else "Jul" for d in ticks])
    )
    today = explorer.start_date + pd.Timedelta(days=max(explorer.day - 1, 0))
    axes.axvline(pd.Timestamp(today), color="#555555", linewidth=0.9, linestyle=":")
    events = [(e.date, e.label) for e in explorer.base.events]
    mark_events(axes, events, labelled=False, tick=True)


def _variants(explorer: Explorer) -> list[tuple[str, dict]]:
    """Each run's style: the report's, without its hatching (a screen is in colour, and
    hatching a long band costs a page's redraw more than all the rest)."""
    order = [name for name in explorer.page.pair if name in explorer.runs]
    styles = [{**VARIANT_STYLES[explorer.page.pair.index(n)], "hatch": None} for n in order]
    return list(zip(order, styles, strict=True))


def _legend(figure: Figure, explorer: Explorer, *, difference: bool = False) -> None:
    handles = [
        Line2D(
            [], [], color=style["color"], linestyle=style["linestyle"], linewidth=1.8, label=name
        )
        for name, style in _variants(explorer)
    ]
    if difference:
        pair = " − ".join(explorer.page.pair)
        handles.append(Line2D([], [], color=str(DIFFERENCE_STYLE["color"]), label=pair))
    handles.append(Line2D([], [], color=EVENT, linewidth=0.8, label="dated event"))
    figure.legend(
        handles=handles,
        loc="outside lower center",
        ncols=len(handles),
        fontsize="small",
        frameon=False,
    )


@styled
def fire_figure(explorer: Explorer) -> Figure:
    """Each side's guns' fire per day, per variant, and the pair's paired difference for
    the side they differ for most."""
    sides = explorer.page.base.sides
    figure = new_figure(10, 2.2 * (len(sides) + 1) + 0.6)
    grid = figure.subplots(len(sides) + 1, 1, sharex=True)
    guns = munitions_fired_by_guns(explorer.base)
    fired = {
        name: {s.id: trailing(daily(run, "fired", s.id, guns), ROLLING) for s in sides}
        for name, run in explorer.runs.items()
    }
    for axes, spec in zip(grid, sides, strict=False):
        for name, style in _variants(explorer):
            draw_band(axes, _frame(explorer, fired[name][spec.id]), name, style)
        axes.set_title(f"{spec.id}: rounds fired by guns", fontsize="medium", loc="left")
        _axes_for_time(explorer, axes, f"a day ({ROLLING}-day mean)")
        axes.set_ylim(bottom=0)
    axes = grid[-1]
    a, b = explorer.page.pair
    side = effect_side(explorer)
    if a in fired and b in fired:
        draw_band(
            axes,
            _frame(explorer, fired[a][side] - fired[b][side]),
            f"{a} − {b}",
            {**DIFFERENCE_STYLE, "hatch": None},
        )
        axes.set_title(
            f"{side}: what {a} fires beyond {b}, member by member (same seeds)",
            fontsize="medium",
            loc="left",
        )
    else:
        axes.set_title("the difference needs both runs", fontsize="medium", loc="left")
    axes.axhline(0, color="black", linewidth=0.8, linestyle=":")
    _axes_for_time(explorer, axes, "rounds a day")
    _legend(figure, explorer, difference=True)
    return figure


def effect_side(explorer: Explorer) -> str:
    """The side the pair's variants differ for: the one whose imports they change most
    (the first side if neither run has begun)."""
    a, b = explorer.page.pair
    if a not in explorer.runs or b not in explorer.runs or explorer.day == 0:
        return explorer.base.sides[0].id
    gaps = {
        side.id: abs(
            daily(explorer.runs[a], "imports_arrived", side.id).sum()
            - daily(explorer.runs[b], "imports_arrived", side.id).sum()
        )
        for side in explorer.base.sides
    }
    return max(gaps, key=lambda s: gaps[s]) if any(gaps.values()) else explorer.base.sides[0].id


@styled
def stocks_figure(explorer: Explorer, side: str) -> Figure:
    """A side's rounds held in each tier at the end of each day, per variant."""
    figure = new_figure(10, 5.2)
    grid = figure.subplots(2, 2, sharex=True)
    for axes, (account, tier) in zip(grid.flat, TIERS.items(), strict=True):
        for name, style in _variants(explorer):
            draw_band(
                axes, _frame(explorer, daily(explorer.runs[name], account, side)), name, style
            )
        axes.set_title(f"{side}: {tier}", fontsize="medium", loc="left")
        _axes_for_time(explorer, axes, "rounds")
        axes.set_ylim(bottom=0)
    _legend(figure, explorer)
    return figure


@styled
def supply_figure(explorer: Explorer, side: str) -> Figure:
    """Imports arrived since the start, serviceable guns, and the ground the first side
    took, per variant."""
    first = explorer.base.sides[0].id
    has_guns = bool(explorer.base.tube_types)
    has_front = any(run.front_pairs for run in explorer.runs.values())
    panels = ["imports", *(["guns"] if has_guns else []), *(["ground"] if has_front else [])]
    figure = new_figure(10, 2.2 * len(panels) + 0.6)
    grid = np.atleast_1d(figure.subplots(len(panels), 1, sharex=True))
    for axes, panel in zip(grid, panels, strict=True):
        for name, style in _variants(explorer):
            run = explorer.runs[name]
            if panel == "imports":
                values = np.cumsum(daily(run, "imports_arrived", side), axis=0)
            elif panel == "guns":
                values = daily(run, "tubes_serviceable", side)
            else:
                net = daily(run, "ground_gained", first) - daily(run, "ground_lost", first)
                values = np.cumsum(net, axis=0) / HECTARES_PER_KM2
            draw_band(axes, _frame(explorer, values), name, style)
        title, unit = {
            "imports": (f"{side}: imported rounds arrived since the start", "rounds"),
            "guns": (f"{side}: serviceable guns and launchers at the front", "tubes"),
            "ground": (f"{first}: ground taken less ground lost (exchange model)", "km²"),
        }[panel]
        axes.set_title(title, fontsize="medium", loc="left")
        _axes_for_time(explorer, axes, unit)
    _legend(figure, explorer)
    return figure


@styled
def network_figure(explorer: Explorer, variant: str) -> Figure:
    """The supply network of one run today (member medians): suppliers, plants and
    reserves on the left, then rear and forward depots, then the front units; a node's
    area is the rounds it holds, a line's width the rounds under way along it."""
    run = explorer.runs[variant]
    base = explorer.base
    a = run.arrays
    median = lambda stock: np.median(stock.sum(axis=-1), axis=0)  # noqa: E731 [M, n, K] → [n]
    depots = [d.id for d in base.depots]
    fed = {ln.to_depot for ln in base.links}
    held: dict[str, float] = {}
    column: dict[str, int] = {}
    side_of: dict[str, str] = {}
    for i, depot in enumerate(base.depots):
        held[depot.id] = float(median(a.depots.stock)[i])
        column[depot.id], side_of[depot.id] = (3 if depot.id in fed else 2), depot.side
    for i, unit in enumerate(base.front_units):
        held[unit.id] = float(median(a.units.stock)[i])
        column[unit.id], side_of[unit.id] = 4, unit.side
    for i, importer in enumerate(base.importers):
        held[importer.id] = float(median(a.importers.stock)[i])
        column[importer.id], side_of[importer.id] = 0, importer.side
    for i, reserve in enumerate(base.stockpiles):
        held[reserve.id] = float(median(a.stockpiles.stock)[i])
        column[reserve.id], side_of[reserve.id] = 1, reserve.side
    for producer in base.producers:
        held.setdefault(producer.id, 0.0)
        column[producer.id], side_of[producer.id] = 1, producer.side
    edges: list[tuple[str, str, float]] = []
    under_way = median(run.transit.under_way)
    links = {ln.id: ln.from_depot for ln in base.links}
    for index, name in enumerate(run.lines.names):
        kind, source, *rest = name.split(".")
        origin = links[source] if kind == "links" else source
        receiver = int(run.transit.receiver[index])
        target = (
            depots[receiver]
            if receiver >= 0
            else base.stockpiles[int(run.transit.rework_at[index])].id
        )
        if origin != target:
            edges.append((origin, target, float(under_way[index])))
    edges += [(r.id, r.ship_to, 0.0) for r in base.stockpiles]  # released straight to its depot
    edges += [(u.depot, u.id, 0.0) for u in base.front_units]
    position: dict[str, tuple[float, float]] = {}
    sides = [s.id for s in base.sides]
    for side_index, side in enumerate(sides):
        for col in range(len(COLUMNS)):
            names = [n for n in column if column[n] == col and side_of[n] == side]
            for row, node in enumerate(names):
                y = (row + 0.5) / max(len(names), 1)
                position[node] = (col, side_index + 0.9 * y)
    figure = new_figure(10, 3.2 * len(sides) + 0.8)
    axes = figure.subplots()
    widest = max([w for *_, w in edges] + [1.0])
    biggest = max(list(held.values()) + [1.0])
    for origin, target, width in edges:
        (x0, y0), (x1, y1) = position[origin], position[target]
        axes.annotate(
            "",
            (x1, y1),
            (x0, y0),
            arrowprops={
                "arrowstyle": "-|>",
                "color": "#1f3b73" if width else "#bbbbbb",
                "linewidth": 0.6 + 6 * width / widest,
                "shrinkA": 8,
                "shrinkB": 8,
            },
        )
    for node, (x, y) in position.items():
        size = 30 + 900 * np.sqrt(held[node] / biggest)
        axes.scatter(
            [x],
            [y],
            s=size,
            color="#d9862b" if column[node] < 2 else "#1f3b73",
            alpha=0.55,
            zorder=3,
            edgecolors="white",
        )
        label = node if held[node] == 0 else f"{node}\n{compact(held[node])}"
        axes.annotate(
            label,
            (x, y),
            xytext=(0, -14),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=7,
        )
    axes.set_xticks(range(len(COLUMNS)), COLUMNS)
    axes.set_yticks([i + 0.45 for i in range(len(sides))], sides)
    axes.set_xlim(-0.5, len(COLUMNS) - 0.5)
    axes.set_ylim(-0.1, len(sides))
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_title(
        f"{variant}, {explorer.date:%d %b %Y}: rounds held (area) and under way (line width),"
        f" median of {run.n_members} members",
        fontsize="medium",
        loc="left",
    )
    return figure
