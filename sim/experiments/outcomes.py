"""Outcomes: what each side's fire bought and cost, from all three books.

Per side and member, over a window of days: ground taken and lost, casualties suffered
and inflicted, tubes lost to the enemy, rounds fired, long-range munitions launched and
rounds lost in struck depots (``side_outcomes``). ``compare`` tabulates them per
replication × variant × side (``outcomes_table``) and pairs them
(``sim.experiments.compare.paired_outcomes``), so the consequence of a change gets its
interval on both sides; a sweep may take any of them as an output.

Example:
    >>> import sim
    >>> result = sim.compare("scenarios/tutorial.toml", reps=3, seed=1)
    >>> sorted(set(result.outcomes["side"]))
    ['RU']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.engine.agents.exchange import HECTARES_PER_KM2

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel

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

Record = Mapping[str, np.ndarray]  # account → [days, members, pairs]


@dataclass(frozen=True)
class Records:
    """A run's daily records of its three books, each with its (side, item) pairs, and
    of its foreign suppliers' books and the payments to them."""

    rounds: Record
    round_pairs: list[tuple[str, str]]
    guns: Record = field(default_factory=dict)
    gun_pairs: list[tuple[str, str]] = field(default_factory=list)
    front: Record = field(default_factory=dict)
    front_pairs: list[tuple[str, str]] = field(default_factory=list)
    suppliers: Mapping[str, Record] = field(default_factory=dict)  # id → name → [days, members]
    payments: Record = field(default_factory=dict)
    payment_pairs: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, model: SupplyModel) -> Records:
        """The books of a run model."""
        return cls(model.record, model.pairs, model.gun_record, model.gun_pairs,
                   model.front_record, model.front_pairs, model.importer_record,
                   model.payment_record, model.payment_pairs)  # fmt: skip

    def series(self, book: str, account: str, side: str) -> np.ndarray:
        """The account summed over the side's items, ``[days, members]`` (zeros where the
        book has none of it)."""
        record, pairs = {
            "rounds": (self.rounds, self.round_pairs),
            "guns": (self.guns, self.gun_pairs),
            "front": (self.front, self.front_pairs),
        }[book]
        columns = [i for i, (s, _) in enumerate(pairs) if s == side]
        if account not in record or not columns:
            return np.zeros(self.rounds["fired"].shape[:2], np.int64)
        return record[account][..., columns].sum(axis=-1)


def side_outcomes(
    records: Records, side: str, days: tuple[int, int | None] = (0, None)
) -> dict[str, np.ndarray]:
    """Every outcome of ``side`` per member over days ``first`` to ``last`` (inclusive;
    default: the whole run)."""
    first, last = days
    stop = records.rounds["fired"].shape[0] if last is None else last + 1
    values: dict[str, np.ndarray] = {}
    for name, (_, _, book, account) in OUTCOMES.items():
        if not account:
            continue
        series = records.series(book, account, side)
        if name == "ground_held_km2":
            values[name] = series[stop - 1] / HECTARES_PER_KM2
        elif name.endswith("_km2"):
            values[name] = series[first:stop].sum(axis=0) / HECTARES_PER_KM2
        else:
            values[name] = series[first:stop].sum(axis=0)
    values["ground_net_km2"] = values["ground_gained_km2"] - values["ground_lost_km2"]
    return {name: values[name] for name in OUTCOMES}


def outcomes_table(
    records: Records, sides: list[str], labels: list[str], days: tuple[int, int | None] = (0, None)
) -> pd.DataFrame:
    """One row per replication × variant × side; members are replication-major."""
    per_side = {side: side_outcomes(records, side, days) for side in sides}
    n_members = records.rounds["fired"].shape[1]
    member = np.repeat(np.arange(n_members), len(sides))
    columns: dict[str, Any] = {
        "replication": member // len(labels),
        "variant": np.asarray(labels)[member % len(labels)],
        "side": np.tile(np.asarray(sides), n_members),
    }
    for name in OUTCOMES:
        columns[name] = np.stack([per_side[side][name] for side in sides], axis=1).reshape(-1)
    return pd.DataFrame(columns)
