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
    "min_stock_front": "lowest depot + unit stock on any day",
    "min_days_of_supply": "lowest (unit + depot stock) / demand on any day",
    "days_below_3_dos": f"days with under {DOS_THRESHOLD_DAYS:g} days of supply",
    "first_day_below_3_dos": (
        f"first day with under {DOS_THRESHOLD_DAYS:g} days of supply (-1: never)"
    ),
}


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
        "min_stock_front": (window["stock_unit"] + window["stock_depot"]).min(axis=0),
        "min_days_of_supply": np.where(
            any_dos, np.nanmin(np.where(np.isnan(dos), np.inf, dos), axis=0), np.nan
        ),
        "days_below_3_dos": below.sum(axis=0),
        "first_day_below_3_dos": np.where(below.any(axis=0), first_day + below.argmax(axis=0), -1),
    }
    assert set(out) == set(METRICS)
    return out
