"""Outcomes: what each side's fire bought and cost, from all three books.

One row per replication × variant × side: ground taken and lost, casualties suffered
and inflicted, tubes lost to the enemy, rounds fired, long-range munitions launched and
rounds lost in struck depots, over a window of days. ``compare`` pairs them
(``sim.experiments.compare.paired_outcomes``), so the consequence of a change gets its
interval on both sides.

Example:
    >>> import sim
    >>> result = sim.compare("scenarios/tutorial.toml", reps=3, seed=1)
    >>> sorted(set(result.outcomes["side"]))
    ['RU']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine.agents.exchange import HECTARES_PER_KM2
from sim.engine.structure import side_munition_pairs
from sim.experiments.runner import RunTables

OUTCOMES: dict[str, tuple[str, str, str, str]] = {
    # name: (meaning, unit, book, account); ground is shown in km², kept in hectares
    "ground_gained_km2": ("ground taken from the enemy", "km²", "front", "ground_gained"),
    "ground_lost_km2": ("ground lost to the enemy", "km²", "front", "ground_lost"),
    "ground_net_km2": ("ground taken less ground lost", "km²", "front", ""),
    "ground_held_km2": ("ground held at the end of the window", "km²", "front", "ground_held"),
    "casualties_suffered": ("casualties the enemy's modelled fire caused", "people", "front",
                            "casualties_suffered"),
    "casualties_inflicted": ("casualties the side's modelled fire caused the enemy", "people",
                             "front", "casualties_inflicted"),
    "tubes_lost": ("serviceable tubes lost to the enemy", "tubes", "guns", "tubes_lost"),
    "rounds_fired": ("rounds fired at the front, all munitions", "rounds", "rounds", "fired"),
    "strike_munitions_launched": ("long-range munitions launched at enemy depots", "rounds",
                                  "rounds", "launched"),
    "rounds_destroyed": ("rounds lost in the side's depots to enemy strikes", "rounds",
                         "rounds", "destroyed"),
}  # fmt: skip
"""The outcome metrics: name → (meaning, unit, book, account)."""
KEYS = ("replication", "variant", "side")


def _series(tables: RunTables, book: str, account: str, side: str) -> np.ndarray:
    """The account summed over the side's items, ``[days, members]`` (zeros if absent)."""
    record, pairs = {
        "rounds": (tables.record, side_munition_pairs(next(iter(tables.scenarios.values())))),
        "guns": (tables.gun_record, tables.gun_pairs),
        "front": (tables.front_record, tables.front_pairs),
    }[book]
    assert tables.record is not None, "outcomes need the run's record"
    shape = tables.record["fired"].shape[:2]
    columns = [i for i, (s, _) in enumerate(pairs) if s == side]
    if not record or account not in record or not columns:
        return np.zeros(shape, np.int64)
    return record[account][..., columns].sum(axis=-1)


def outcomes_table(
    tables: RunTables, reps: int, days: tuple[int, int | None] = (0, None)
) -> pd.DataFrame:
    """One row per replication × variant × side, each outcome over days ``first`` to
    ``last`` (inclusive; default: the whole run). Members are replication-major."""
    labels = list(tables.scenarios)
    first_scenario = next(iter(tables.scenarios.values()))
    sides = [s.id for s in first_scenario.sides]
    first, last = days
    assert tables.record is not None, "outcomes need the run's record"
    n_days, n_members = tables.record["fired"].shape[:2]
    stop = n_days if last is None else last + 1
    rows: dict[str, list] = {key: [] for key in KEYS} | {name: [] for name in OUTCOMES}
    per_side = {}
    for side in sides:
        values = {}
        for name, (_, _, book, account) in OUTCOMES.items():
            if not account:
                continue
            series = _series(tables, book, account, side)
            if name == "ground_held_km2":
                values[name] = series[stop - 1] / HECTARES_PER_KM2
            elif name.endswith("_km2"):
                values[name] = series[first:stop].sum(axis=0) / HECTARES_PER_KM2
            else:
                values[name] = series[first:stop].sum(axis=0)
        values["ground_net_km2"] = values["ground_gained_km2"] - values["ground_lost_km2"]
        per_side[side] = values
    for member in range(n_members):
        for side in sides:
            rows["replication"].append(member // len(labels))
            rows["variant"].append(labels[member % len(labels)])
            rows["side"].append(side)
            for name in OUTCOMES:
                rows[name].append(per_side[side][name][member])
    return pd.DataFrame(rows)
