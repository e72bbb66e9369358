"""Summary metrics from the daily record, for every member and (side, munition) pair.

Most metrics follow from the accounts (``sim.engine.accounts``): each account names the
summaries it gets (its total over the window, its mean per day, the days it was non-zero,
its value at the end, its lowest value). A few combine accounts (``COMBINED``). Every
metric has a meaning and a unit here; the README's table is made from ``METRICS``.

Example:
    >>> import numpy as np
    >>> record = {name: np.zeros((3, 1, 1), np.int64) for name in RECORDED}
    >>> record["fired"][:, 0, 0] = [10, 20, 30]
    >>> int(summarise(record)["fired_total"][0, 0])
    60
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.engine.accounts import ACCOUNTS, BY_NAME, HELD, RECORDED, Account

Window = Mapping[str, np.ndarray]  # account → [days, members, pairs], derived ones too
DOS_THRESHOLD_DAYS = 3.0
NEVER = -1
"""The value of a ``first_day_*`` metric when the event never happens."""
ALL_MUNITIONS = "all"
"""The ``munition`` label of a side's totals over all its munitions."""


@dataclass(frozen=True)
class Metric:
    """One summary metric: its name, meaning, unit and how it is computed."""

    name: str
    meaning: str
    unit: str
    compute: Callable[[Window, int], np.ndarray]  # (window, first day) → [members, pairs]


def _lowest(values: np.ndarray) -> np.ndarray:
    """The lowest value over the days, NaN where every day is NaN."""
    seen = ~np.isnan(values).all(axis=0)
    low = np.where(np.isnan(values), np.inf, values).min(axis=0)
    return np.where(seen, low, np.nan)


def _per_day(unit: str) -> str:
    return unit if unit.endswith("/day") else f"{unit}/day"


SUMMARIES = ("total", "mean_daily", "days", "final", "min")
"""The summaries an account may ask for, in the order of the metrics' columns."""


def summary(kind: str, a: Account) -> Metric:
    """The metric of summary ``kind`` (one of ``SUMMARIES``) of account ``a``."""
    series = a.name

    def total(w: Window, first_day: int) -> np.ndarray:
        return w[series].sum(axis=0)

    def mean_daily(w: Window, first_day: int) -> np.ndarray:
        return w[series].sum(axis=0) / max(w[series].shape[0], 1)

    def days(w: Window, first_day: int) -> np.ndarray:
        return (w[series] > 0).sum(axis=0)

    def final(w: Window, first_day: int) -> np.ndarray:
        return w[series][-1]

    def lowest(w: Window, first_day: int) -> np.ndarray:
        return _lowest(w[series]) if a.kind == "derived" else w[series].min(axis=0)

    return {
        "total": Metric(f"{series}_total", f"{a.meaning}, over the run", a.unit, total),
        "mean_daily": Metric(
            f"mean_daily_{a.stem or series}",
            f"{a.meaning} per day, mean over the run",
            _per_day(a.unit),
            mean_daily,
        ),
        "days": Metric(f"{series}_days", f"days with any {series}", "days", days),
        "final": Metric(f"final_{series}", f"{a.meaning} at the end", a.unit, final),
        "min": Metric(f"min_{series}", f"lowest {a.meaning} on any day", a.unit, lowest),
    }[kind]


def _held(w: Window) -> np.ndarray:
    total = w[HELD[0]].copy()
    for name in HELD[1:]:
        total += w[name]
    return total


def _fill_rate(w: Window, _: int) -> np.ndarray:
    fired, demanded = w["fired"].sum(axis=0), w["demanded"].sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(demanded > 0, fired / np.maximum(demanded, 1), np.nan)


def _below(w: Window) -> np.ndarray:
    return w["days_of_supply"] < DOS_THRESHOLD_DAYS


def _first_below(w: Window, first_day: int) -> np.ndarray:
    below = _below(w)
    return np.where(below.any(axis=0), first_day + below.argmax(axis=0), NEVER)


COMBINED: tuple[Metric, ...] = (
    Metric("fill_rate", "fired_total / demanded_total", "share of demand", _fill_rate),
    Metric("final_stock", "rounds held (legacy + rework + depot + unit + in transit) at the end",
           "rounds", lambda w, _: _held(w)[-1]),
    Metric("min_stock", "lowest rounds held (legacy + rework + depot + unit + in transit) on "
           "any day",
           "rounds", lambda w, _: _held(w).min(axis=0)),
    Metric("min_stock_front", "lowest depot + unit stock on any day", "rounds",
           lambda w, _: (w["stock_unit"] + w["stock_depot"]).min(axis=0)),
    Metric("days_below_3_dos", f"days with under {DOS_THRESHOLD_DAYS:g} days of supply", "days",
           lambda w, _: _below(w).sum(axis=0)),
    Metric("first_day_below_3_dos",
           f"first day with under {DOS_THRESHOLD_DAYS:g} days of supply ({NEVER}: never)",
           "day of run", _first_below),
)  # fmt: skip
"""Metrics that combine accounts."""

ALL: tuple[Metric, ...] = (
    tuple(
        summary(kind, account)
        for kind in SUMMARIES
        for account in ACCOUNTS
        if kind in account.summaries
    )
    + COMBINED
)

METRICS: dict[str, str] = {m.name: m.meaning for m in ALL}
"""Every summary metric and what it is, in the order of ``summary.csv``'s columns."""
METRIC_UNITS: dict[str, str] = {m.name: m.unit for m in ALL}
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
"""The metrics a comparison's full tables lead with."""

BRIEF_METRICS = (
    "mean_daily_fire",
    "mean_daily_effective_fire",
    "shortfall_days",
    "destroyed_total",
    "min_days_of_supply",
)
"""The few a brief leads with (the short table and the forest plot): how much each side
fires, how much of it works, how often it goes short, what strikes take, and how close
it comes to running dry."""

DAY_METRICS = ("first_day_below_3_dos",)
"""Metrics that are a day number, ``NEVER`` when the event does not happen."""


def with_derived(record: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The record with the derived accounts (shortfall, effective fire, ...) added."""
    out = dict(record)
    for account in ACCOUNTS:
        if account.formula is not None:
            out[account.name] = account.formula(out)
    return out


def days_of_supply(record: Mapping[str, np.ndarray]) -> np.ndarray:
    """(unit + depot stock) / that day's demand; NaN on a day with no demand."""
    formula = BY_NAME["days_of_supply"].formula
    assert formula is not None
    return formula(record)


def side_totals(
    record: Mapping[str, np.ndarray], pairs: list[tuple[str, str]]
) -> tuple[dict[str, np.ndarray], list[tuple[str, str]]]:
    """The record summed over each side's munitions: one ``(side, "all")`` pair per side.

    Rounds of every calibre count alike. Metrics of the totals are computed from the
    summed record (the lowest total stock, the days of supply of the total stock against
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


def summarise(
    record: Mapping[str, np.ndarray], first_day: int = 0, last_day: int | None = None
) -> dict[str, np.ndarray]:
    """Every metric over days ``first_day..last_day`` (inclusive), each ``[members, pairs]``.

    Args:
        record: recorded account → ``[days, members, pairs]`` integer arrays.
    """
    stop = record["fired"].shape[0] if last_day is None else last_day + 1
    window = with_derived({name: record[name][first_day:stop] for name in RECORDED})
    return {metric.name: metric.compute(window, first_day) for metric in ALL}
