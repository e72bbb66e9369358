"""The figures of a run folder: which to draw, with what caption, from its tables.

``figure_plan`` maps a file stem to its caption and the function that draws it, for the
tables a folder holds (a run, or a comparison with or without the uncertainty). A
paired-difference figure whose two variants are identical for a side is left out, and
``folded`` says so in a sentence; ``draw_figures`` draws the plan.

Example:
    >>> import sim
    >>> tables = sim.read_run("runs/tutorial-compare-20260101T000000Z")  # doctest: +SKIP
    >>> sorted(figure_plan(tables))[:2]  # doctest: +SKIP
    ['cumulative_imports_RU', 'effect_by_year']
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from tqdm import tqdm

from sim.engine.metrics import HEADLINE_METRICS
from sim.outputs import style
from sim.outputs.difference_plots import plot_effect_by_year, plot_forest
from sim.outputs.labels import EventMarker, Labels, event_markers
from sim.outputs.plotting import (
    all_identical,
    identical_across_variants,
    plot_cumulative_imports,
    plot_fire_per_day,
    plot_front,
    plot_paired_difference,
    plot_stocks_by_tier,
)
from sim.outputs.uncertainty_report import figure_plan as across_figures


def comparison_info(tables: dict[str, Any]) -> dict[str, Any]:
    """The ``comparison`` block of the manifest (variants, reps), or ``{}`` for a run."""
    return tables["manifest"].get("comparison") or {}


def compared_variants(comparison: dict[str, Any]) -> list[str]:
    """The variants a comparison compared, the first (A) first."""
    return list(comparison.get("variants") or [comparison["variant_a"], comparison["variant_b"]])


def _sides(series: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(series["side"]))


def _identical_pairs(tables: dict[str, Any]) -> dict[tuple[str, str], bool]:
    """(side, B) → whether A and B are identical for the side, per compared pair."""
    info = comparison_info(tables)
    series = tables.get("timeseries")
    if not info or series is None:
        return {}
    a, *others = compared_variants(info)
    return {
        (side, b): identical_across_variants(series, side, a, b)
        for side in _sides(series)
        for b in others
    }


def folded(tables: dict[str, Any]) -> list[str]:
    """One sentence per paired-difference figure not drawn because the two variants are
    identical for that side in every replication.

    Example:
        >>> folded(tables)  # doctest: +SKIP
        ['Ukraine: fire and stocks identical in baseline and no_dprk in every replication; ...']
    """
    labels = Labels.from_manifest(tables["manifest"])
    info = comparison_info(tables)
    a = compared_variants(info)[0] if info else ""
    return [
        f"{labels.side(side)}: fire and stocks identical in {a} and {b} in every "
        "replication; its paired-difference figures are not drawn."
        for (side, b), same in _identical_pairs(tables).items()
        if same
    ]


def _forests(
    paired: pd.DataFrame, a: str, others: list[str], labels: Labels
) -> dict[str, tuple[str, Callable[[], Figure]]]:
    """The short forest plot (the brief's metrics, sides' totals) and the long one (the
    headline metrics by munition), per compared pair."""
    plan: dict[str, tuple[str, Callable[[], Figure]]] = {}
    for b in others:
        mine = paired[paired["variant_b"] == b]
        suffix = "" if len(others) == 1 else f"_{b}"
        pair = labels.pair(a, b)
        plan[f"forest{suffix}"] = (
            f"{pair}: mean paired difference and its 95 % interval for the metrics a "
            "brief leads with, each side's munitions together. A bar that crosses the "
            "dotted zero line means no clear difference.",
            partial(plot_forest, mine, labels=labels),
        )
        plan[f"forest_by_munition{suffix}"] = (
            f"{pair}: the same for every headline metric, by munition (diamond: the side's "
            "munitions together).",
            partial(plot_forest, mine, HEADLINE_METRICS, by_munition=True, labels=labels),
        )
    return plan


def _side_figures(
    series: pd.DataFrame,
    side: str,
    variants: list[str],
    identical: dict[tuple[str, str], bool],
    labels: Labels,
    events: list[EventMarker],
) -> dict[str, tuple[str, Callable[[], Figure]]]:
    """A side's figures over time: fire, paired differences, stocks, imports."""
    name = labels.side(side)
    a, others = variants[0], variants[1:]
    same = all_identical(series, side, variants)
    once = " Its variants are identical in every replication, so it is drawn once." if same else ""

    def over_time(plot: Callable[..., Figure]) -> Callable[[], Figure]:
        """A figure of every variant over time, for this side."""
        return partial(plot, series, side, variants, identical=same, labels=labels, events=events)

    plan: dict[str, tuple[str, Callable[[], Figure]]] = {
        f"fire_per_day_{side}": (
            f"{name}: rounds fired per day (7-day trailing mean), median line and band "
            f"holding 90 % of replications, for each variant.{once}",
            over_time(plot_fire_per_day),
        )
    }
    for b in others:
        if not identical.get((side, b), False):
            plan[f"paired_difference_{side}" + ("" if len(others) == 1 else f"_{b}")] = (
                f"{name}: the difference {labels.pair(a, b)} computed replication by "
                "replication on the same seeds, then summarised across replications. Above "
                "the dotted line, the first variant has more.",
                partial(plot_paired_difference, series, side, a, b, labels=labels, events=events),
            )
    plan[f"stocks_by_tier_{side}"] = (
        f"{name}: rounds held at the end of each day in each tier of the supply chain. "
        "Lines: the median over replications of each replication's weekly mean; dark band: "
        "90 % of those weekly means; faint band: the range the daily values take within "
        f"the week (5–95 % of replications), the daily deliveries' saw-tooth.{once}",
        over_time(plot_stocks_by_tier),
    )
    if series.loc[series["side"] == side, "imports_arrived"].any():
        plan[f"cumulative_imports_{side}"] = (
            f"{name}: imported rounds that have reached a depot since the start.{once}",
            over_time(plot_cumulative_imports),
        )
    return plan


def figure_plan(tables: dict[str, Any]) -> dict[str, tuple[str, Callable[[], Figure]]]:
    """File stem → (caption, function drawing it), for the tables a run folder has.

    A paired-difference figure whose variants are identical for the side is left out
    (``folded`` says so); a side whose variants are all identical is drawn once.
    """
    info = comparison_info(tables)
    labels = Labels.from_manifest(tables["manifest"])
    paired = tables.get("paired")
    series = tables.get("timeseries")
    plan: dict[str, tuple[str, Callable[[], Figure]]] = {}
    variants = compared_variants(info) if info else list(tables["manifest"]["variants"])
    others = variants[1:] if info else []
    if paired is not None and not paired.empty:
        plan |= _forests(paired, variants[0], others, labels)
    plan |= across_figures(tables)
    if series is None:
        return plan
    identical = _identical_pairs(tables)
    events = event_markers(tables["manifest"], variants)
    for b in others:
        differing = [s for s in _sides(series) if not identical[(s, b)]]
        if differing:
            plan["effect_by_year" + ("" if len(others) == 1 else f"_{b}")] = (
                f"Rounds fired per day, {labels.pair(variants[0], b)}, each calendar year "
                "(the first and last may be partial, as marked): the mean of the paired "
                "differences over replications and its 95 % interval.",
                partial(plot_effect_by_year, series, variants[0], b, sides=differing,
                        labels=labels),
            )  # fmt: skip
    front = tables.get("front")
    if front is not None and not front.empty:
        plan["front"] = (
            "What the fire bought, in the exchange model (a reduced form of the fire ratio, "
            "not a tactical model): ground taken, net, since the start, and casualties "
            "per day (30-day trailing mean) from the enemy's modelled fire.",
            partial(plot_front, front, variants, labels=labels, events=events),
        )
    for side in _sides(series):
        plan |= _side_figures(series, side, variants, identical, labels, events)
    return plan


def png_bytes(figure: Figure) -> bytes:
    """A figure as PNG, at the style's resolution (``style.PRINT_DPI``)."""
    return style.png_bytes(figure)


def each_figure(tables: dict[str, Any], progress: bool | None) -> Iterator[tuple[str, str, Figure]]:
    """(stem, caption, figure) for every figure of the plan, drawn one at a time."""
    plan = figure_plan(tables)
    show = sys.stderr.isatty() if progress is None else progress
    for stem, (caption, draw) in tqdm(
        plan.items(), desc="figures", unit="figure", disable=not show, leave=False
    ):
        yield stem, caption, draw()


def draw_figures(
    tables: dict[str, Any], progress: bool | None = None
) -> dict[str, tuple[str, bytes]]:
    """Every figure of the plan as PNG bytes: stem → (caption, png)."""
    return {
        stem: (caption, png_bytes(figure))
        for stem, caption, figure in each_figure(tables, progress)
    }
