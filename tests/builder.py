"""Small scenarios for mechanic tests, built in a few lines.

A test states the few entities its mechanic needs and runs them; nothing depends on the
shipped scenarios' numbers. Every entity takes the schema's keys as keyword arguments.

Example::

    world = Build(days=30).depot("d", stock_rounds={"a": 1000}).unit("u", depot="d")
    model = world.run()            # one member, seed 1
    model.record["fired"][:, 0, 0]
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sim.engine.model import SupplyModel
from sim.scenario.loader import build_scenario
from sim.scenario.schema import Scenario

START = dt.date(2024, 1, 1)


class Build:
    """A scenario under construction: one side ``A`` (more with ``side``), munitions
    ``a`` (and any named), a start date and a number of days."""

    def __init__(
        self, days: int = 30, munitions: tuple[str, ...] = ("a",), sides: tuple[str, ...] = ("A",)
    ) -> None:
        self.raw: dict[str, Any] = {
            "scenario": {"name": "built", "start_date": START, "days": days, "seed": 1},
            "munitions": [{"id": m} for m in munitions],
            "sides": [{"id": s} for s in sides],
            "depots": [],
        }

    def _add(self, table: str, entry: dict[str, Any]) -> Build:
        self.raw.setdefault(table, []).append(entry)
        return self

    def day(self, day: int) -> dt.date:
        """The calendar date of a day number."""
        return START + dt.timedelta(days=day)

    def depot(self, id: str, side: str = "A", **fields: Any) -> Build:
        return self._add("depots", {"id": id, "side": side, **fields})

    def link(self, id: str, source: str, to: str, **fields: Any) -> Build:
        return self._add("links", {"id": id, "from": source, "to": to, **fields})

    def unit(self, id: str, depot: str, side: str = "A", **fields: Any) -> Build:
        fields.setdefault("base_rounds_per_day", {"a": 100})
        return self._add("front_units", {"id": id, "side": side, "depot": depot, **fields})

    def producer(self, id: str, ship_to: str, side: str = "A", **fields: Any) -> Build:
        fields.setdefault("rounds_per_day", {"a": 100})
        return self._add("producers", {"id": id, "side": side, "ship_to": ship_to, **fields})

    def stockpile(self, id: str, ship_to: str, side: str = "A", **fields: Any) -> Build:
        entry = {"id": id, "side": side, "ship_to": ship_to, **fields}
        return self._add("stockpiles", entry)

    def importer(self, id: str, routes: list[dict[str, Any]], side: str = "A", **fields: Any):
        return self._add("importers", {"id": id, "side": side, "routes": routes, **fields})

    def strikes(self, id: str, target_side: str = "A", **fields: Any) -> Build:
        fields.setdefault("destroyed_share", 0.5)
        return self._add("strikes", {"id": id, "target_side": target_side, **fields})

    def tube_type(self, id: str, fires: tuple[str, ...] = ("a",), **fields: Any) -> Build:
        """A tube type that fires ``fires``: 10 rounds a tube a day in any posture, and
        barrels of 1,000 rounds, unless said otherwise."""
        fields.setdefault("barrel_life_rounds", 1000)
        fields.setdefault(
            "rounds_per_tube_per_day", {p: 10.0 for p in ("offensive", "defensive", "holding")}
        )
        for munition in self.raw["munitions"]:
            if munition["id"] in fires:
                munition["tube_type"] = id
        return self._add("tube_types", {"id": id, **fields})

    def gun_park(self, id: str, side: str = "A", **fields: Any) -> Build:
        return self._add("gun_parks", {"id": id, "side": side, **fields})

    def event(self, id: str, day: int, settings: dict[str, Any]) -> Build:
        """An event on day ``day`` setting dotted paths."""
        return self._add("events", {"id": id, "date": self.day(day), "set": settings})

    def sanctions(self, **fields: Any) -> Build:
        self.raw["sanctions"] = fields
        return self

    def variant(self, name: str, overrides: dict[str, Any]) -> Build:
        self.raw.setdefault("variants", {})[name] = overrides
        return self

    def scenario(
        self, variant: str | None = None, overrides: dict[str, Any] | None = None
    ) -> Scenario:
        """The validated scenario (a variant, and dotted-path overrides, applied)."""
        raw = copy.deepcopy(self.raw)
        return build_scenario(raw, file="built.toml", variant=variant, overrides=overrides)

    def run(
        self, seeds: tuple[int, ...] = (1,), overrides: dict[str, Any] | None = None
    ) -> SupplyModel:
        """A batch of one member per seed, run to the end."""
        scenario = self.scenario(overrides=overrides)
        model = SupplyModel([scenario] * len(seeds), list(seeds))
        model.run()
        return model


def route(id: str, ship_to: str, **fields: Any) -> dict[str, Any]:
    """An importer's route: one shipment a day of 100 rounds of ``a`` by default; a single
    ``rounds_per_container`` number stands for every munition it carries."""
    entry = {
        "id": id,
        "mode": "rail",
        "ship_to": ship_to,
        "cadence_days": 1,
        "containers_per_shipment": 1,
        "rounds_per_container": 100,
        "transit_days": 1,
        "munition_shares": {"a": 1.0},
    }
    entry = {**entry, **fields}
    if not isinstance(entry["rounds_per_container"], dict):
        entry["rounds_per_container"] = dict.fromkeys(
            entry["munition_shares"], entry["rounds_per_container"]
        )
    return entry
