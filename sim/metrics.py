"""Summary metrics from the daily books, for every member and side × munition pair.

Each metric is documented in ``METRICS`` (the README's table is made from it).

Example:
    >>> import numpy as np
    >>> record = {name: np.zeros((3, 1, 1), np.int64) for name in RECORD_COLUMNS}
    >>> record["fired"][:, 0, 0] = [10, 20, 30]
    >>> int(summarise(record)["fired_total"][0, 0])
    60
"""

from __future__ import annotations

import numpy as np

from sim.ledger import FLOWS, HELD, STOCKS

RECORD_COLUMNS = STOCKS + FLOWS
DOS_THRESHOLD_DAYS = 3.0

METRICS: dict[str, str] = {
    "fired_total": "rounds fired over the run",
    "mean_daily_fire": "rounds fired per day, mean over the run",
    "effective_fire_total": "rounds fired that were not duds",
    "mean_daily_effective_fire": "rounds fired that were not duds, per day, mean over the run",
    "duds_total": "duds among rounds fired",
    "demanded_total": "rounds front units wanted to fire",
    "shortfall_total": "rounds demanded but not fired (rationing or empty stock)",
    "shortfall_days": "days with any shortfall",
    "fill_rate": "fired_total / demanded_total",
    "produced_total": "rounds made by producers",
    "refurbished_total": "rounds refurbished from legacy stock",
    "imports_dispatched_total": "rounds foreign suppliers handed to routes",
    "imports_arrived_total": "imported rounds that reached a depot",
    "interdicted_total": "imported rounds seized or destroyed en route",
    "destroyed_total": "rounds destroyed by strikes on depots",
    "discarded_total": "legacy rounds found unserviceable and discarded",
    "final_stock": "rounds held (legacy + depot + unit + in transit) at the end",
    "final_stock_legacy": "legacy stock at the end",
    "final_stock_depot": "depot stock at the end",
    "final_stock_unit": "front-unit stock at the end",
    "final_in_transit": "rounds on the way (domestic and imported) at the end",
    "min_stock": "lowest rounds held (legacy + depot + unit + in transit) on any day",
    "min_stock_legacy": "lowest legacy stock on any day",
    "min_stock_depot": "lowest depot stock on any day",
    "min_stock_unit": "lowest front-unit stock on any day",
    "min_stock_front": "lowest depot + unit stock on any day",
    "min_days_of_supply": "lowest (unit + depot stock) / demand on any day",
    "days_below_3_dos": f"days with under {DOS_THRESHOLD_DAYS:g} days of supply",
    "first_day_below_3_dos": (
        f"first day with under {DOS_THRESHOLD_DAYS:g} days of supply (-1: never)"
    ),
}

_ROUNDS = "rounds"
METRIC_UNITS: dict[str, str] = {
    **{name: _ROUNDS for name in METRICS},
    "mean_daily_fire": "rounds/day",
    "mean_daily_effective_fire": "rounds/day",
    "shortfall_days": "days",
    "fill_rate": "share of demand",
    "min_days_of_supply": "days of supply",
    "days_below_3_dos": "days",
    "first_day_below_3_dos": "day of run",
}
"""The unit of each metric, for axis labels and tables."""

HEADLINE_METRICS = (
    "mean_daily_fire",
    "mean_daily_effective_fire",
    "shortfall_total",
    "shortfall_days",
    "imports_arrived_total",
    "destroyed_total",
    "final_stock",
    "min_stock_front",
    "min_days_of_supply",
    "days_below_3_dos",
)
"""The metrics a comparison's report and forest plot lead with."""

NEVER = -1
"""The value of a ``first_day_*`` metric when the event never happens."""

DAY_METRICS = ("first_day_below_3_dos",)
"""Metrics that are a day number, ``NEVER`` when the event does not happen."""

ALL_MUNITIONS = "all"
"""The ``munition`` label of a side's totals over all its munitions."""


def side_totals(
    record: dict[str, np.ndarray], pairs: list[tuple[str, str]]
) -> tuple[dict[str, np.ndarray], list[tuple[str, str]]]:
    """The books summed over each side's munitions: one ``(side, "all")`` pair per side.

    Rounds of every calibre count alike. Metrics of the totals are computed from the
    summed books (the lowest total stock, the days of supply of the total stock against
    the total demand), not summed from the per-munition metrics.

    Example:
        >>> record = {"fired": np.ones((2, 1, 3), np.int64)}
        >>> totals, labels = side_totals(record, [("RU", "a"), ("RU", "b"), ("UA", "c")])
        >>> labels, totals["fired"][:, 0, :].tolist()
        ([('RU', 'all'), ('UA', 'all')], [[2, 1], [2, 1]])
    """
    sides = list(dict.fromkeys(side for side, _ in pairs))
    index = [[i for i, (side, _) in enumerate(pairs) if side == name] for name in sides]
    totals = {
        column: np.stack([values[..., i].sum(axis=-1) for i in index], axis=-1)
        for column, values in record.items()
    }
    return totals, [(side, ALL_MUNITIONS) for side in sides]


def days_of_supply(record: dict[str, np.ndarray]) -> np.ndarray:
    """(unit + depot stock) / that day's demand; NaN on a day with no demand."""
    front = (record["stock_unit"] + record["stock_depot"]).astype(np.float64)
    demanded = record["demanded"].astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(demanded > 0, front / demanded, np.nan)


def summarise(
    record: dict[str, np.ndarray], first_day: int = 0, last_day: int | None = None
) -> dict[str, np.ndarray]:
    """Metrics over days ``first_day..last_day`` (inclusive), each ``[members, pairs]``.

    Args:
        record: column → ``[days, members, pairs]`` integer arrays.
    """
    stop = record["fired"].shape[0] if last_day is None else last_day + 1
    window = {name: values[first_day:stop] for name, values in record.items()}
    n_days = window["fired"].shape[0]
    total = {name: window[name].sum(axis=0) for name in FLOWS}
    shortfall = window["demanded"] - window["fired"]
    dos = days_of_supply(window)
    below = dos < DOS_THRESHOLD_DAYS
    held = sum(window[name] for name in HELD)
    with np.errstate(divide="ignore", invalid="ignore"):
        fill = np.where(total["demanded"] > 0, total["fired"] / total["demanded"], np.nan)
    any_dos = ~np.isnan(dos).all(axis=0)
    out = {
        "fired_total": total["fired"],
        "mean_daily_fire": total["fired"] / max(n_days, 1),
        "effective_fire_total": total["fired"] - total["duds"],
        "mean_daily_effective_fire": (total["fired"] - total["duds"]) / max(n_days, 1),
        "duds_total": total["duds"],
        "demanded_total": total["demanded"],
        "shortfall_total": shortfall.sum(axis=0),
        "shortfall_days": (shortfall > 0).sum(axis=0),
        "fill_rate": fill,
        "produced_total": total["produced"],
        "refurbished_total": total["refurbished"],
        "imports_dispatched_total": total["imports_dispatched"],
        "imports_arrived_total": total["imports_arrived"],
        "interdicted_total": total["interdicted"],
        "destroyed_total": total["destroyed"],
        "discarded_total": total["discarded"],
        "final_stock": held[-1],
        "final_stock_legacy": window["stock_legacy"][-1],
        "final_stock_depot": window["stock_depot"][-1],
        "final_stock_unit": window["stock_unit"][-1],
        "final_in_transit": window["in_transit"][-1],
        "min_stock": held.min(axis=0),
        "min_stock_legacy": window["stock_legacy"].min(axis=0),
        "min_stock_depot": window["stock_depot"].min(axis=0),
        "min_stock_unit": window["stock_unit"].min(axis=0),
        "min_stock_front": (window["stock_unit"] + window["stock_depot"]).min(axis=0),
        "min_days_of_supply": np.where(
            any_dos, np.nanmin(np.where(np.isnan(dos), np.inf, dos), axis=0), np.nan
        ),
        "days_below_3_dos": below.sum(axis=0),
        "first_day_below_3_dos": np.where(below.any(axis=0), first_day + below.argmax(axis=0), -1),
    }
    assert set(out) == set(METRICS)
    return out
