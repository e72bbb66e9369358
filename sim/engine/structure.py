"""What members of one batch must share (ids, sides, links, days), and what they record.

Example:
    >>> from sim import load_scenario
    >>> s = load_scenario("scenarios/tutorial.toml")
    >>> side_munition_pairs(s)
    [('RU', 'shell_152'), ('RU', 'shell_122')]
"""

from __future__ import annotations

from sim.engine.accounts import FRONT_ITEM
from sim.scenario.schema import Scenario


class StructureError(ValueError):
    """Members of one batch must share ids, sides and links; only numbers may differ."""


def structure(s: Scenario) -> tuple:
    """What members of one batch must share: ids, sides, links, days; not numbers."""

    def ids(items):
        return tuple(item.id for item in items)

    return (
        tuple((m.id, m.tube_type) for m in s.munitions),
        ids(s.sides),
        ids(s.tube_types),
        tuple((g.id, g.side, tuple((j.id, j.supplier) for j in g.imports)) for g in s.gun_parks),
        tuple((p.id, p.side, p.ship_to, len(p.ramp)) for p in s.producers),
        tuple((x.id, x.side, x.ship_to) for x in s.stockpiles),
        tuple(
            (
                i.id,
                i.side,
                i.rework_at,
                len(i.production_ramp),
                tuple((r.id, r.ship_to) for r in i.routes),
                tuple((p.id, p.unit) for p in i.payments),
                ids(i.deliveries),
            )
            for i in s.importers
        ),
        tuple((d.id, d.side) for d in s.depots),
        tuple((link.id, link.from_depot, link.to_depot) for link in s.links),
        tuple(
            (
                u.id,
                u.side,
                u.depot,
                tuple(sorted(u.tubes)),
                tuple(sorted(u.establishment_tubes)),
                tuple(u.faces),
            )
            for u in s.front_units
        ),
        tuple(
            (c.id, c.target_side, tuple(c.depots or ()), c.munition, c.from_depot)
            for c in s.strikes
        ),
        s.sanctions.target_side,
        s.scenario.days,
        s.scenario.start_date,
    )


def side_munition_pairs(s: Scenario) -> list[tuple[str, str]]:
    """The (side, munition) pairs some agent of the side handles, in declaration order."""
    used: set[tuple[str, str]] = set()
    for p in s.producers:
        used |= {(p.side, m) for m in p.rounds_per_day}
        used |= {(p.side, m) for point in p.ramp for m in point.rounds_per_day}
    for x in s.stockpiles:
        used |= {(x.side, m) for m in {**x.stock_rounds, **x.refurbish_rounds_per_day}}
    for i in s.importers:
        used |= {(i.side, m) for m in i.stock_rounds}
        used |= {(i.side, m) for r in i.routes for m in r.munition_shares}
    for d in s.depots:
        used |= {(d.side, m) for m in d.stock_rounds}
    for u in s.front_units:
        used |= {(u.side, m) for m in {**u.base_rounds_per_day, **u.stock_rounds}}
    return [(side.id, m.id) for side in s.sides for m in s.munitions if (side.id, m.id) in used]


def whole(value: object) -> int:
    """A whole number from an event's value (the schema has checked it is a number)."""
    assert isinstance(value, int | float), value
    return int(value)


def longest_transit_days(members: list[Scenario]) -> int:
    """The longest transit any shipment of any member can take, events included: the
    longest leg, plus the most days a route's own delays and a depot's dispersal add."""
    longest = 0
    for member in members:
        legs = [p.transit_days for p in member.producers]
        legs += [r.transit_days for i in member.importers for r in i.routes]
        legs += [link.transit_days for link in member.links]
        legs += [x.rework_days for x in member.stockpiles]  # the rework plant to its depot
        dispersal = max((d.dispersal_extra_transit_days for d in member.depots), default=0)
        delay = max((r.extra_transit_days for i in member.importers for r in i.routes), default=0)
        for event in member.events:
            for path, value in event.set.items():
                if path.endswith("dispersal_extra_transit_days"):
                    dispersal = max(dispersal, whole(value))
                elif path.endswith("extra_transit_days"):
                    delay = max(delay, whole(value))
                elif path.endswith(("transit_days", "rework_days")):
                    legs.append(whole(value))
        longest = max(longest, max(legs, default=0) + dispersal + delay)
    return longest


def front_pairs_of(scenario: Scenario) -> list[tuple[str, str]]:
    """The (side, front) pairs the front's books record: every side's whole front, or
    none where no unit faces an enemy (as a scenario without tube types keeps no guns)."""
    if not any(unit.faces for unit in scenario.front_units):
        return []
    return [(side.id, FRONT_ITEM) for side in scenario.sides]


def gun_pairs_of(scenario: Scenario) -> list[tuple[str, str]]:
    """The (side, tube type) pairs the guns' books record: the types a side's units hold
    or its gun park lists, in the scenario's order."""
    held: set[tuple[str, str]] = set()
    for unit in scenario.front_units:
        held.update((unit.side, t) for t in [*unit.tubes, *unit.establishment_tubes])
    for park in scenario.gun_parks:
        tables = (park.reserve_tubes, park.stored_tubes, park.reactivated_tubes_per_day,
                  park.new_tubes_per_day, park.spare_barrels, park.barrels_per_day)  # fmt: skip
        held.update((park.side, t) for table in tables for t in table)
    pairs = [(s.id, t.id) for s in scenario.sides for t in scenario.tube_types]
    return [pair for pair in pairs if pair in held]
