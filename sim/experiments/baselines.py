"""Naive baselines, scored on the behaviour checkpoints beside the model: what a score
is worth is how much it beats models that know nothing of supply.

- ``constant``: every quantity constant in time, each at the value that hits the most
  in-sample checkpoints of its kind (fire of a side, a ratio, a share, tubes lost or
  ground a day; every checkpoint is in-sample where the scenario declares no cut-off).
  It is calibrated on the record as the model is, so its in-sample score is the most a
  constant can do, and out of sample it carries the in-sample constant forward (a kind
  with no in-sample checkpoint: no answer); fire that never changes makes every change
  of fire 1.
- ``persistence``: the last published value carried forward: a checkpoint gets the
  middle of the range of the latest checkpoint of its kind and series that ended
  before its window began (none: no answer). It knows the record up to each window,
  and nothing else.
- ``supply_identity``: fire is the rounds arriving: each day's fire of a munition is
  what the side's producers made, its refurbishment delivered and its imports landed
  that day, in this run. It answers the fire checkpoints only.

A baseline with no answer to a checkpoint misses it. The model's *skill* is its
behaviour hits less the best baseline's.

Example:
    >>> from sim.scenario.schema import Checkpoint
    >>> cp = Checkpoint(id="a", metric="fired_total", side="RU", low=10, high=20,
    ...                 start_date="2023-01-01", end_date="2023-01-10", source="s")
    >>> family(cp), days_of(cp)
    (('fire', 'RU', ''), 10)
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from sim.experiments.checkpoints import checkpoint_values, in_sample
from sim.experiments.outcomes import Records
from sim.scenario.schema import FIRE_METRICS, Checkpoint, Scenario

BASELINES: dict[str, str] = {
    "constant": "the best constant: every quantity constant in time, each fitted to its "
    "in-sample checkpoints",
    "persistence": "persistence: the last published value carried forward",
    "supply_identity": "the supply identity: fire = rounds arriving that day",
}
"""The baselines: name → what it is."""
ARRIVING = ("produced", "refurbished", "imports_arrived")
_PER_DAY = {"fire_per_day", "fire_ratio", "fire_change", "fire_share", "import_share",
            "stock_held", "stock_legacy"}  # fmt: skip


def days_of(cp: Checkpoint) -> int:
    """The days a checkpoint's value sums over: its window's, or 1 for a rate, a ratio,
    a share or a stock."""
    if cp.metric in _PER_DAY:
        return 1
    return (cp.end_date - cp.start_date).days + 1


def family(cp: Checkpoint) -> tuple[str, ...]:
    """What a checkpoint measures, whatever its window: fire per day and fire over a
    window are one quantity."""
    if cp.metric in ("fire_per_day", "fired_total"):
        return ("fire", cp.side, cp.munition or "")
    parts = (cp.metric, cp.side, cp.munition, cp.other_side, cp.importer, cp.payment)
    base = (str(cp.base_start_date or ""), str(cp.base_end_date or ""))  # of a fire_change
    return tuple(part or "" for part in parts) + (base if cp.metric == "fire_change" else ())


def best_constant(ranges: list[tuple[float, float]]) -> float:
    """The value inside the most of ``ranges`` (the lowest such, where several are)."""
    candidates = sorted({end for pair in ranges for end in pair})
    counts = [sum(low <= c <= high for low, high in ranges) for c in candidates]
    return candidates[int(np.argmax(counts))]


def _constant(scenario: Scenario, checkpoints: list[Checkpoint]) -> dict[str, float]:
    fitted: dict[tuple[str, ...], list[tuple[float, float]]] = {}
    for cp in checkpoints:
        if in_sample(scenario, cp):
            fitted.setdefault(family(cp), []).append((cp.low / days_of(cp), cp.high / days_of(cp)))
    rates = {kind: best_constant(ranges) for kind, ranges in fitted.items()}
    values = {}
    for cp in checkpoints:
        if cp.metric == "fire_change":
            values[cp.id] = 1.0
        else:
            values[cp.id] = rates[family(cp)] * days_of(cp) if family(cp) in rates else np.nan
    return values


def _persistence(checkpoints: list[Checkpoint]) -> dict[str, float]:
    values = {}
    for cp in checkpoints:
        earlier = [
            other
            for other in checkpoints
            if family(other) == family(cp)
            and other.series == cp.series
            and other.end_date < cp.start_date
        ]
        if not earlier:
            values[cp.id] = np.nan
            continue
        last = max(earlier, key=lambda other: (other.end_date, other.start_date))
        middle = (last.low + last.high) / 2 / days_of(last)
        values[cp.id] = middle * days_of(cp)
    return values


def _supply_identity(
    scenario: Scenario, checkpoints: list[Checkpoint], records: Records
) -> dict[str, float]:
    rounds = dict(records.rounds)
    rounds["fired"] = np.sum([records.rounds[name] for name in ARRIVING], axis=0)
    arriving = replace(records, rounds=rounds)
    values = {}
    for cp in checkpoints:
        if cp.metric not in FIRE_METRICS:
            values[cp.id] = np.nan
            continue
        found = checkpoint_values(scenario, cp, arriving)
        finite = found[np.isfinite(found)]
        values[cp.id] = float(np.median(finite)) if finite.size else np.nan
    return values


def baseline_table(scenario: Scenario, records: Records) -> pd.DataFrame:
    """Each baseline's value of every behaviour checkpoint and whether it hits (NaN and
    a miss where it has no answer); input checkpoints are not scored."""
    scored = [cp for cp in scenario.checkpoints if cp.kind_of == "behaviour"]
    found = {
        "constant": _constant(scenario, scored),
        "persistence": _persistence(scored),
        "supply_identity": _supply_identity(scenario, scored, records),
    }
    rows = []
    for cp in scenario.checkpoints:
        row: dict[str, object] = {"checkpoint": cp.id}
        for name in BASELINES:
            value = found[name].get(cp.id, np.nan)
            row[name] = value
            row[f"{name}_hit"] = bool(np.isfinite(value) and cp.low <= value <= cp.high)
        rows.append(row)
    return pd.DataFrame(rows)
