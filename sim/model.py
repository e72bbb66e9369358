"""SupplyModel: builds the agents of a scenario for a batch of members and runs the days.

One step is one day, in the order of DESIGN.md: dated events (Mesa events, fired just
before the day's step), then production and dispatch, arrivals, depot allocation,
strikes, fire, and the ledger's close.

Mesa's clock: the step for day ``d`` runs at time ``d + 1``; the events of day ``d``
run at time ``d + 0.5``, so they take effect that day.

Example:
    >>> from sim import load_scenario
    >>> s = load_scenario("scenarios/tutorial.toml")
    >>> model = SupplyModel([s, s], seeds=[1, 2])
    >>> model.run()
    >>> model.record["fired"].shape  # [days, members, (side, munition) pairs]
    (365, 2, 2)
"""

from __future__ import annotations

from collections.abc import Sequence

import mesa
import numpy as np

from sim.agents import Depot, FrontUnit, Importer, Producer, Stockpile, StrikeCampaign
from sim.agents.depot import Leg
from sim.agents.importer import _SHARE_SCALE, RouteLine
from sim.events import schedule_events
from sim.ledger import FLOWS, STOCKS, Ledger
from sim.network import Pipeline, downstream, supply_graph, upstream_first
from sim.parameters import CODES, Parameters
from sim.rng import RandomStreams
from sim.sanctions import SanctionsRegime
from sim.scenario.schema import Scenario

COLUMNS = STOCKS + FLOWS


class StructureError(ValueError):
    """Members of one batch must share ids, sides and links; only numbers may differ."""


def structure(s: Scenario) -> tuple:
    """What members of one batch must share: ids, sides, links, days; not numbers."""

    def ids(items):
        return tuple(item.id for item in items)

    return (
        ids(s.munitions),
        ids(s.sides),
        tuple((p.id, p.side, p.ship_to, len(p.ramp)) for p in s.producers),
        tuple((x.id, x.side, x.ship_to) for x in s.stockpiles),
        tuple((i.id, i.side, tuple((r.id, r.ship_to) for r in i.routes)) for i in s.importers),
        tuple((d.id, d.side) for d in s.depots),
        tuple((link.id, link.from_depot, link.to_depot) for link in s.links),
        tuple((u.id, u.side, u.depot) for u in s.front_units),
        tuple((c.id, c.target_side, tuple(c.depots or ())) for c in s.strikes),
        ids(s.events),
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


class SupplyModel(mesa.Model):
    """A batch of members of one scenario structure, run day by day.

    Args:
        members: one validated scenario per member (same structure, any numbers).
        seeds: one seed per member; a member's results depend only on its own seed
            and scenario, never on the rest of the batch.

    Attributes:
        record: column name → ``int64`` array ``[days, members, pairs]``, where
            ``pairs`` are ``side_munition_pairs`` of the scenario.
        importer_record: per foreign supplier, its own daily books (see the property).
    """

    def __init__(self, members: Sequence[Scenario], seeds: Sequence[int]) -> None:
        if len(members) != len(seeds) or not members:
            raise ValueError("need one seed per member, and at least one member")
        shape = structure(members[0])
        for index, member in enumerate(members[1:], start=1):
            if structure(member) != shape:
                raise StructureError(f"member {index} differs in structure from member 0")
        super().__init__(rng=int(seeds[0]))
        base = members[0]
        self.members = list(members)
        self.n_members = len(members)
        self.munitions = [m.id for m in base.munitions]
        self.sides = [s.id for s in base.sides]
        self.n_munitions = len(self.munitions)
        self.days = base.scenario.days
        self.start_date = base.scenario.start_date
        self.streams = RandomStreams(seeds)
        self.day = 0
        self.pairs = side_munition_pairs(base)
        self._pair_side = np.array([self.sides.index(s) for s, _ in self.pairs], dtype=np.int64)
        self._pair_munition = np.array(
            [self.munitions.index(m) for _, m in self.pairs], dtype=np.int64
        )
        self._build(base)
        self.ledger = Ledger(self.n_members, self.sides, self.munitions)
        self.ledger.open(self.stocks())
        self.record = {
            name: np.zeros((self.days, self.n_members, len(self.pairs)), np.int64)
            for name in COLUMNS
        }
        self._actions = schedule_events(self)

    # -- building -------------------------------------------------------------------

    def params(self, prefix: str, pick) -> Parameters:
        """Stack one entity's parameters over the members; ``pick`` finds it in each."""
        return Parameters(prefix, [pick(m) for m in self.members], self.munitions, self.start_date)

    def _views(self, name: str, count: int) -> np.ndarray:
        array = np.zeros((self.n_members, count, self.n_munitions), np.int64)
        setattr(self, name, array)
        return array

    def _opening(self, array: np.ndarray, index: int, stock: Parameters) -> np.ndarray:
        array[:, index, :] = stock.stock_rounds if "stock_rounds" in stock.arrays else 0
        return array[:, index, :]

    def _build(self, base: Scenario) -> None:
        side_of = self.sides.index
        self.registry: list[Parameters] = []
        self.sanctions = SanctionsRegime(
            self._register(self.params("sanctions", lambda m: m.sanctions)),
            None if base.sanctions.target_side is None else side_of(base.sanctions.target_side),
        )
        posture = np.array(
            [
                [[side.posture_multipliers.get(name, 1.0) for name in CODES["posture"]]]
                for member in self.members
                for side in member.sides
            ]
        ).reshape(self.n_members, len(self.sides), len(CODES["posture"]))
        length = 2 + self._longest_transit()
        self.pipelines: list[tuple[Pipeline, Depot, bool]] = []

        depot_stock = self._views("depot_stock", len(base.depots))
        depot_duds = self._views("depot_duds", len(base.depots))
        self.depots: dict[str, Depot] = {}
        for i, spec in enumerate(base.depots):
            params = self._register(self.params(f"depots.{spec.id}", lambda m, i=i: m.depots[i]))
            depot = Depot(self, spec.id, side_of(spec.side), params)
            depot.setup(self._opening(depot_stock, i, params), depot_duds[:, i, :])
            self.depots[spec.id] = depot

        def pipeline(name: str, receiver: Depot, imported: bool) -> Pipeline:
            line = Pipeline(name, self.n_members, self.n_munitions, length)
            self.pipelines.append((line, receiver, imported))
            receiver.inbound.append(line)
            return line

        for i, spec in enumerate(base.producers):
            params = self._register(
                self.params(f"producers.{spec.id}", lambda m, i=i: m.producers[i])
            )
            producer = Producer(self, spec.id, side_of(spec.side), params)
            days, rates = self._ramp(i)
            del params.arrays["rounds_per_day"]  # capacity lives in the ramp; scale it instead
            receiver = self.depots[spec.ship_to]
            producer.setup(days, rates, pipeline(producer.key, receiver, False), receiver)

        legacy = self._views("legacy_stock", len(base.stockpiles))
        for i, spec in enumerate(base.stockpiles):
            params = self._register(
                self.params(f"stockpiles.{spec.id}", lambda m, i=i: m.stockpiles[i])
            )
            stockpile = Stockpile(self, spec.id, side_of(spec.side), params)
            stockpile.setup(self._opening(legacy, i, params), self.depots[spec.ship_to])

        foreign = self._views("importer_stock", len(base.importers))
        for i, spec in enumerate(base.importers):
            params = self._register(
                self.params(f"importers.{spec.id}", lambda m, i=i: m.importers[i])
            )
            importer = Importer(self, spec.id, side_of(spec.side), params)
            routes = []
            for j, route in enumerate(spec.routes):
                key = f"importers.{spec.id}.routes.{route.id}"
                rparams = self._register(
                    self.params(key, lambda m, i=i, j=j: m.importers[i].routes[j])
                )
                weights = np.array(
                    [
                        [
                            round(
                                m.importers[i].routes[j].munition_shares.get(mun, 0.0)
                                * _SHARE_SCALE
                            )
                            for mun in self.munitions
                        ]
                        for m in self.members
                    ],
                    dtype=np.int64,
                )
                del rparams.arrays["munition_shares"]  # fixed at build, as integer weights
                receiver = self.depots[route.ship_to]
                routes.append(
                    RouteLine(
                        rparams,
                        pipeline(key, receiver, True),
                        receiver,
                        self.streams.stream(f"{key}.shipments", 2 + self.n_munitions),
                        weights,
                    )
                )
            importer.setup(self._opening(foreign, i, params), routes)

        graph = supply_graph(list(self.depots), [(ln.from_depot, ln.to_depot) for ln in base.links])
        for i, spec in enumerate(base.links):
            params = self._register(self.params(f"links.{spec.id}", lambda m, i=i: m.links[i]))
            receiver = self.depots[spec.to_depot]
            line = pipeline(f"links.{spec.id}", receiver, False)
            self.depots[spec.from_depot].legs.append(Leg(params, line, receiver))

        unit_stock = self._views("unit_stock", len(base.front_units))
        unit_duds = self._views("unit_duds", len(base.front_units))
        self.units: list[FrontUnit] = []
        for i, spec in enumerate(base.front_units):
            params = self._register(
                self.params(f"front_units.{spec.id}", lambda m, i=i: m.front_units[i])
            )
            unit = FrontUnit(self, spec.id, side_of(spec.side), params)
            unit.setup(
                self._opening(unit_stock, i, params), unit_duds[:, i, :], posture[:, unit.side, :]
            )
            unit.depot_name = spec.depot
            self.depots[spec.depot].units.append(unit)
            self.units.append(unit)
        for name, depot in self.depots.items():
            below = downstream(graph, name)
            depot.served_units = [u for u in self.units if u.depot_name in below]
        self.depot_order = [self.depots[name] for name in upstream_first(graph)]

        for i, spec in enumerate(base.strikes):
            params = self._register(self.params(f"strikes.{spec.id}", lambda m, i=i: m.strikes[i]))
            campaign = StrikeCampaign(self, spec.id, side_of(spec.target_side), params)
            reach = spec.depots or [d.id for d in base.depots if d.side == spec.target_side]
            most = [
                int(v)
                for m in self.members
                for e in m.events
                for k, v in e.set.items()
                if k == f"strikes.{spec.id}.max_strikes_per_day"
            ]
            campaign.setup([self.depots[name] for name in reach], max(most, default=0))

    def _register(self, params: Parameters) -> Parameters:
        self.registry.append(params)
        return params

    def _ramp(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Ramp points of producer ``i`` per member: days ``[M, R]``, rates ``[M, R, K]``."""
        days, rates = [], []
        for member in self.members:
            spec = member.producers[i]
            points = [(0, spec.rounds_per_day)] + [
                ((p.date - self.start_date).days, p.rounds_per_day) for p in spec.ramp
            ]
            days.append([d for d, _ in points])
            rates.append([[r.get(m, 0.0) for m in self.munitions] for _, r in points])
        return np.array(days, dtype=np.int64), np.array(rates, dtype=np.float64)

    def _longest_transit(self) -> int:
        """The longest transit any shipment can take, for the pipelines' length."""
        longest = 0
        for member in self.members:
            legs = [p.transit_days for p in member.producers]
            legs += [r.transit_days for i in member.importers for r in i.routes]
            legs += [link.transit_days for link in member.links]
            for event in member.events:
                legs += [int(v) for k, v in event.set.items() if k.endswith("transit_days")]
            extra = max((d.dispersal_extra_transit_days for d in member.depots), default=0)
            for event in member.events:
                extra = max(
                    [extra]
                    + [int(v) for k, v in event.set.items() if k.endswith("extra_transit_days")]
                )
            longest = max(longest, max(legs, default=0) + extra)
        return longest

    # -- the day ------------------------------------------------------------------

    def stocks(self) -> dict[str, np.ndarray]:
        """End-of-day stocks per member, side and munition (``[M, S, K]``)."""
        shape = (self.n_members, len(self.sides), self.n_munitions)
        out = {name: np.zeros(shape, np.int64) for name in STOCKS}
        for agent in self.agents_by_type.get(Stockpile, []):
            out["stock_legacy"][:, agent.side] += agent.stock
        for depot in self.depots.values():
            out["stock_depot"][:, depot.side] += depot.stock
        for unit in self.units:
            out["stock_unit"][:, unit.side] += unit.stock
        for line, receiver, imported in self.pipelines:
            under_way = line.in_transit()
            out["in_transit"][:, receiver.side] += under_way
            if imported:
                out["imports_in_transit"][:, receiver.side] += under_way
        return out

    def _arrivals(self) -> None:
        for line, receiver, imported in self.pipelines:
            rounds, duds = line.arrive(self.day)
            receiver.receive(rounds, duds)
            if imported:
                self.ledger.add("imports_arrived", receiver.side, rounds)

    def step(self) -> None:
        """One day, in the daily order."""
        self.sanctions.advance()
        by_type = self.agents_by_type
        for kind, action in (
            (Producer, "produce"),
            (Stockpile, "refurbish"),
            (Importer, "dispatch"),
        ):
            if kind in by_type:
                by_type[kind].do(action)
        self._arrivals()
        for depot in self.depot_order:
            depot.allocate()
        if StrikeCampaign in by_type:
            by_type[StrikeCampaign].do("strike")
        if FrontUnit in by_type:
            by_type[FrontUnit].do("fire")
        stocks = self.stocks()
        flows = self.ledger.close(self.day, stocks)
        for name, values in (*stocks.items(), *flows.items()):
            self.record[name][self.day] = values[:, self._pair_side, self._pair_munition]
        self.day += 1

    def run(self) -> None:
        """Run every day of the scenario."""
        self.run_until(self.days)

    @property
    def importer_record(self) -> dict[str, dict[str, np.ndarray]]:
        """Each foreign supplier's own daily books: id → name → ``[days, members]``.

        Names are ``Importer.RECORD``: ``rounds`` dispatched (seized ones included),
        ``interdicted``, ``shipments`` and ``containers``.
        """
        return {agent.spec_id: agent.record for agent in self.agents_by_type.get(Importer, [])}
