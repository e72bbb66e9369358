"""How large a scenario's numbers may be, so that no count of a run overflows ``int64``.

Stocks and flows are ``int64`` whole rounds (below 2**63 ≈ 9.2e18), and the daily rules
multiply two counts: a share-out's request × its budget (``share_out_rows``), a move's
rounds × the latent duds of its stock, doubled, plus the stock (``carried_share``). Two
counts below ``COUNT_CEILING`` = 2**31 multiply to below 2**62, and that doubled plus a
third count stays below 2**63, so every count a run
can hold — a stock, a day's flow, an order, a shipment, a fleet of tubes — is kept
below it: each number of the file is bounded in the schema (the constants below), and
the totals that numbers of many entries add up to are checked here, on the validated
scenario, where the file and its dated events are known.

Example:
    >>> from sim import load_scenario
    >>> totals = magnitudes(load_scenario("scenarios/tutorial.toml"))
    >>> totals["rounds"].total < COUNT_CEILING
    True
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sim.scenario.errors import ScenarioError

COUNT_CEILING = 2**31
"""Rounds (or tubes, or an order) a run may ever hold: ≈ 2.1e9, twenty times the stocks,
production and imports of the 2022-2025 war scenario together (≈ 9.4e7, noise at its
extreme included). Two such counts multiplied stay below 2**62; doubled, plus a third,
below 2**63."""

MAX_DAYS = 20_000
"""A run's days (55 years): a day's flow below ``COUNT_CEILING`` sums over a run to
below 2**31 × 20,000 ≈ 4.3e13, and a day's noisy demand (below 2**31 × ``NOISE_CEILING``)
to below 7e17, both far under 2**63."""

FACTOR_MAX = 1_000.0
"""A multiplier of rates (capacity, supply and surge scales, posture multipliers,
intensity, casualty factor, fire response): three of them in one product stay below
1e9, which the totals below then bound."""

PER_1000_MAX = 1_000.0
"""Casualties or tubes destroyed per 1,000 rounds: at most one a round, so a run's losses
stay below its rounds (× ``FACTOR_MAX``): below 1.1e12."""

EARTH_KM2 = 510_072_000.0
"""The Earth's surface, km²: the most ground a side can hold or take in a day. In
hectares (× 100) and summed over a run, far below 2**63."""

TUBES_MAX = 10**7
"""Tubes (or barrels) of one type in one entry, or a day's tubes made, received or lost."""

TUBE_RATIO_EXPONENT_MAX = 10.0
"""The weight of the tube ratio in the exchange: a ratio below 2**31 to the 10th power has
a log below 215, so a day's ground stays below ``EARTH_KM2`` × 250 km²."""

FIRE_RATIO_RANGE = (1e-6, 1e6)
"""The breakeven fire ratio's range: its log lies within ±14."""

PRIORITY_MAX = 10**9
"""A client's priority: far inside the ±2**62 the allocation by priority starts from."""

Z_MAX = 8.3
"""The largest normal quantile a day's uniform (at least 2**-54 from 0 and 1) gives."""


def noise_ceiling(cv: float) -> float:
    """The largest mean-one noise factor of coefficient of variation ``cv``: the lognormal's
    at ``Z_MAX`` (the uniform's, 1 + √3·cv, is smaller)."""
    sigma = math.sqrt(math.log1p(cv * cv))
    return math.exp(sigma * Z_MAX - 0.5 * sigma * sigma)


NOISE_CEILING = noise_ceiling(2.0)  # ≈ 1.6e4: the schema's largest cv


@dataclass
class Total:
    """A count a run may reach, as the sum of its parts (dotted path → amount)."""

    what: str
    how: str
    parts: dict[str, float] = field(default_factory=dict)

    def add(self, path: str, amount: float) -> None:
        self.parts[path] = self.parts.get(path, 0.0) + amount

    @property
    def total(self) -> float:
        return sum(self.parts.values())

    def largest(self) -> tuple[str, float]:
        return max(self.parts.items(), key=lambda item: item[1], default=("", 0.0))


def _set_by_events(events: Iterable[Any]) -> dict[str, float]:
    """The largest number each path is set to by a dated event."""
    found: dict[str, float] = {}
    for event in events:
        for path, value in event.set.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                found[path] = max(found.get(path, -math.inf), float(value))
    return found


class _Peaks:
    """A number's largest value over a run: the file's, or a dated event's."""

    def __init__(self, events: Iterable[Any]) -> None:
        self.events = _set_by_events(events)

    def __call__(self, path: str, value: float | None, absent: float = 0.0) -> float:
        base = absent if value is None else float(value)
        return max(base, self.events.get(path, -math.inf))


def magnitudes(s: Any) -> dict[str, Total]:
    """The counts a run of scenario ``s`` may reach, each as an upper bound by its parts:
    ``rounds`` held, ``orders`` placed, the largest ``shipment`` and ``tubes`` held."""
    peak = _Peaks(s.events)
    days = s.scenario.days
    held = f"stocks, and {days} days of the largest rates, scales and noise of the file and events"
    rounds = Total("rounds the scenario can hold", held)
    tubes = Total("tubes and barrels the scenario can hold", held)
    for kind in ("depots", "front_units", "stockpiles", "importers"):
        for entry in getattr(s, kind):
            rounds.add(f"{kind}.{entry.id}.stock_rounds", sum(entry.stock_rounds.values()))
    for p in s.producers:
        at = f"producers.{p.id}"
        rates = [p.rounds_per_day, *(point.rounds_per_day for point in p.ramp)]
        highest = sum(max(rate.get(k, 0.0) for rate in rates) for k in set().union(*rates))
        scale = peak(f"{at}.capacity_scale", p.capacity_scale)
        noise = noise_ceiling(peak(f"{at}.noise_cv", p.noise_cv))
        rounds.add(f"{at}.rounds_per_day", days * highest * scale * noise)
    for i in s.importers:
        at = f"importers.{i.id}.production_rounds_per_day"
        munitions = set(i.production_rounds_per_day).union(
            *(point.rounds_per_day for point in i.production_ramp)
        )
        for k in munitions:
            base = i.production_rounds_per_day.get(k, 0.0)
            ramped = max([base, *(pt.rounds_per_day.get(k, 0.0) for pt in i.production_ramp)])
            rounds.add(at, days * (ramped + max(peak(f"{at}.{k}", base) - base, 0.0)))
    multiplier = {
        side.id: max(peak(f"sides.{side.id}.posture_multipliers.{posture}", value)
                     for posture, value in side.posture_multipliers.items())
        for side in s.sides
    }  # fmt: skip
    target = max(
        [peak(f"front_units.{u.id}.target_days_of_supply", u.target_days_of_supply)
         for u in s.front_units]
        + [peak(f"depots.{d.id}.target_days_of_supply", d.target_days_of_supply)
           for d in s.depots] + [1.0]
    )  # fmt: skip
    orders = Total(
        "rounds one order can ask for",
        f"{target:g} days of supply, the largest target_days_of_supply, of the units' largest "
        "daily demand, the enemy's answered fire included",
    )
    for u in s.front_units:
        at = f"front_units.{u.id}"
        base = sum(
            peak(f"{at}.base_rounds_per_day.{k}", v) for k, v in u.base_rounds_per_day.items()
        )
        intensity = peak(f"{at}.intensity", u.intensity)
        orders.add(
            f"{at}.base_rounds_per_day", target * base * multiplier.get(u.side, 0.0) * intensity
        )
    response = max(
        [peak(f"sides.{side.id}.fire_response_share", side.fire_response_share) for side in s.sides]
    )
    orders.add("sides.fire_response_share", target * response * rounds.total)
    shipment = Total(
        "rounds one shipment can carry", "containers × the importer's scales × rounds a container"
    )
    for i in s.importers:
        scale = peak(f"importers.{i.id}.supply_scale", i.supply_scale)
        scale *= max(peak(f"importers.{i.id}.surge_scale", i.surge_scale), 1.0)
        for r in i.routes:
            at = f"importers.{i.id}.routes.{r.id}"
            containers = peak(f"{at}.containers_per_shipment", r.containers_per_shipment)
            per_container = max(
                [
                    peak(f"{at}.rounds_per_container.{k}", v)
                    for k, v in r.rounds_per_container.items()
                ]
                + [0.0]
            )
            carried = containers * scale * per_container
            if carried > shipment.total:  # one shipment at a time: the largest
                shipment.parts = {f"{at}.containers_per_shipment": carried}
    for u in s.front_units:
        tubes.add(f"front_units.{u.id}.tubes", sum(u.tubes.values()))
    for g in s.gun_parks:
        at = f"gun_parks.{g.id}"
        for name in ("reserve_tubes", "stored_tubes", "spare_barrels"):
            tubes.add(f"{at}.{name}", sum(getattr(g, name).values()))
        for name in ("reactivated_tubes_per_day", "new_tubes_per_day", "barrels_per_day"):
            rates = getattr(g, name)
            tubes.add(
                f"{at}.{name}", days * sum(peak(f"{at}.{name}.{t}", v) for t, v in rates.items())
            )
        for imported in g.imports:
            where = f"{at}.imports.{imported.id}.tubes_per_day"
            rates = imported.tubes_per_day
            tubes.add(where, days * sum(peak(f"{where}.{t}", v) for t, v in rates.items()))
    return {"rounds": rounds, "orders": orders, "shipment": shipment, "tubes": tubes}


def check_magnitudes(s: Any, file: str) -> None:
    """Refuse a scenario a run of which could reach ``COUNT_CEILING`` in one of its counts,
    naming the largest part of the count."""
    for count in magnitudes(s).values():
        total = count.total
        if total < COUNT_CEILING:
            continue
        path, amount = count.largest()
        raise ScenarioError(
            file,
            path,
            f"too large: with it, the {count.what} in a run ({count.how}) reach {total:.3g}, "
            f"and must stay below {COUNT_CEILING:,} (2**31); this part is {amount:.3g}",
        )
