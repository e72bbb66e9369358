"""Importer: a foreign supplier shipping to one side along its routes, while it is paid.

It makes rounds (its production ramp) into its own stock and ships what it holds beyond
the reserve it keeps for itself. A shipment's rounds come from its containers by calibre
(``schema.Route``); a ``rework_share`` of what arrives goes to the buyer's rework line
(``sim.engine.agents.stockpile``) instead of a depot. It also delivers counted items
(missiles: ``deliveries``) while it ships.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.engine.accounts import flow_index
from sim.engine.agents import payments
from sim.engine.agents.base import SupplyAgent, positions, sides_of, stack_keys, willing
from sim.engine.agents.depot import extra_transit_days
from sim.engine.agents.payments import PaymentArrays, paid_enough
from sim.engine.agents.producer import ramp_arrays, ramp_progresses, ramp_rate
from sim.engine.arithmetic import MAX_ROUNDS, share_out_rows
from sim.engine.compiled import kernel
from sim.engine.network import dispatch, today
from sim.engine.rng import round_drawn, uniform
from sim.scenario import schema

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel

IMPORTS_DISPATCHED, INTERDICTED = flow_index("imports_dispatched"), flow_index("interdicted")
SHARE_SCALE = 10**9  # munition shares as integer weights, for an exact split
RECORD = ("rounds", "interdicted", "shipments", "made", "containers")
"""The supplier's own daily books: rounds it dispatched (seized ones included), rounds
seized, the shipments that left, the rounds it made, and the containers its shipments
carried (a shipment cut short by the supplier's stock or contract carries that share of
its containers)."""


class RouteArrays(NamedTuple):
    """Every route's numbers: ``[R]`` wiring, ``[M, R(, K)]`` parameters."""

    importer: np.ndarray
    depot: np.ndarray
    line: np.ndarray
    start_date: np.ndarray
    end_date: np.ndarray
    cadence_days: np.ndarray
    containers_per_shipment: np.ndarray
    capacity_share: np.ndarray
    ammunition_share: np.ndarray
    rounds_per_container: np.ndarray  # [M, R, K]
    munition_shares: np.ndarray  # [M, R, K] of the ammunition containers
    transit_days: np.ndarray
    extra_transit_days: np.ndarray
    interdiction_probability: np.ndarray
    rework_line: np.ndarray  # [R] the line to the buyer's rework plant, -1: none
    keys: np.ndarray  # [M, R] the "shipments" stream
    rework_keys: np.ndarray  # [M, R] the "rework" stream (which rounds need it)


class ImporterArrays(NamedTuple):
    """Every supplier's own stock, numbers, routes and daily record."""

    side: np.ndarray  # [I] the receiving side
    stock: np.ndarray  # [M, I, K] the supplier's own stock (outside the side's books)
    dispatched_total: np.ndarray  # [M, I] rounds dispatched so far, for the contract
    reserve_rounds: np.ndarray  # [M, I, K]
    enabled: np.ndarray
    start_date: np.ndarray
    end_date: np.ndarray
    contract_rounds: np.ndarray
    supply_scale: np.ndarray
    surge_scale: np.ndarray
    surge_below_days_of_supply: np.ndarray
    surge_from: np.ndarray  # [M, I] day number
    production_rounds_per_day: np.ndarray  # [M, I, K] at the start (events may set it)
    ramp_days: np.ndarray  # [M, I, R] its production ramp (the first point is day 0)
    ramp_rates: np.ndarray  # [M, I, R, K] what the ramp adds to it, from its first point
    dud_rate: np.ndarray
    rework_share: np.ndarray
    disclosure_price_premium: np.ndarray
    paid_up: np.ndarray  # [M, I] bool: what it is owed is within its credits (today)
    route_start: np.ndarray  # [I + 1] each supplier's routes (in ``RouteArrays``)
    production_keys: np.ndarray  # [M, I] the "production" stream
    counts: np.ndarray  # [days, M, I, 4] rounds, interdicted, shipments, made
    containers: np.ndarray  # [days, M, I]


class DeliveryArrays(NamedTuple):
    """Counted items suppliers deliver besides rounds (missiles), and their record."""

    importer: np.ndarray  # [D]
    items_per_day: np.ndarray  # [M, D]
    keys: np.ndarray  # [M, D] the "deliveries" stream
    counts: np.ndarray  # [days, M, D]


class Importer(SupplyAgent):
    """Ships from its own stock (plus production) on each route's cadence.

    A shipment is its containers in service x ``supply_scale``, turned into rounds by
    calibre (``schema.Route``), capped by the supplier's stock beyond its reserve and what
    is left of its contract. It ships only while it is paid (``payments.paid_enough``).
    It is seized with the route's interdiction chance; of what arrives, a
    ``rework_share`` goes to rework, and a ``dud_rate`` share of the rest is latent duds.
    While the receiving side is short it ships ``surge_scale`` times more, within the
    same limits.
    """

    kind = "importers"
    spec = schema.Importer

    @property
    def record(self) -> dict[str, np.ndarray]:
        """The supplier's own daily books, name (``RECORD``) → ``[days, M]``."""
        a = self.model.arrays.importers
        out = {name: a.counts[:, :, self.index, i] for i, name in enumerate(RECORD[:4])}
        out["containers"] = a.containers[:, :, self.index]
        return out

    @property
    def deliveries(self) -> dict[str, np.ndarray]:
        """The counted items it delivered each day, item id → ``[days, M]``."""
        d = self.model.arrays.deliveries
        columns = [j for j in range(d.importer.shape[0]) if d.importer[j] == self.index]
        spec = self.model.base.importers[self.index]
        return {
            item.id: d.counts[:, :, j] for item, j in zip(spec.deliveries, columns, strict=True)
        }

    @classmethod
    def build(
        cls, model: SupplyModel
    ) -> tuple[ImporterArrays, RouteArrays, PaymentArrays, DeliveryArrays]:
        base, n = model.base, model.n_members
        table = cls.table(model)
        agents = cls.create(model, table)
        routes = model.table(
            schema.Route, lambda scenario: [r for i in scenario.importers for r in i.routes]
        )
        routes.fix("munition_shares")  # they sum to 1: one path at a time cannot change them
        owner, depots, lines, rework_lines, keys, rework_keys = [], [], [], [], [], []
        route_start = [0]
        index = 0
        for i, (agent, spec) in enumerate(zip(agents, base.importers, strict=True)):
            for route in spec.routes:
                key = f"{agent.key}.routes.{route.id}"
                model.parameters.append(routes.entity(key, index))
                depot = model.depot_index(route.ship_to)
                owner.append(i)
                depots.append(depot)
                lines.append(model.lines.add(key, receiver=depot, side=agent.side, imported=True))
                rework = -1
                if spec.rework_at is not None:
                    plant = model.stockpile_index(spec.rework_at)
                    rework = model.lines.add(f"{key}.rework", receiver=-1, side=agent.side,
                                             imported=True, rework=plant)  # fmt: skip
                rework_lines.append(rework)
                keys.append(model.stream_keys(f"{key}.shipments"))
                rework_keys.append(model.stream_keys(f"{key}.rework"))
                index += 1
            route_start.append(index)
        ramp_days, ramp_rates = ramp_arrays(
            model, lambda spec: spec.importers, "production_rounds_per_day", "production_ramp"
        )
        suppliers = ImporterArrays(
            side=sides_of(agents),
            stock=table["stock_rounds"].copy(),
            dispatched_total=np.zeros((n, len(agents)), np.int64),
            route_start=positions(route_start),
            production_keys=stack_keys(agents, "production", n),
            counts=np.zeros((model.days, n, len(agents), 4), np.int64),
            containers=np.zeros((model.days, n, len(agents)), np.float64),
            ramp_days=ramp_days,
            ramp_rates=ramp_rates,
            paid_up=np.ones((n, len(agents)), np.bool_),
            **table.columns(ImporterArrays),
        )
        wiring = RouteArrays(
            importer=positions(owner),
            depot=positions(depots),
            line=positions(lines),
            rework_line=positions(rework_lines),
            keys=_stacked(keys, n),
            rework_keys=_stacked(rework_keys, n),
            **routes.columns(RouteArrays),
        )
        return suppliers, wiring, payments.build(model), _deliveries(model, agents)


def _stacked(keys: list[np.ndarray], n_members: int) -> np.ndarray:
    return np.stack(keys, axis=1) if keys else np.zeros((n_members, 0), np.uint64)


def _deliveries(model: SupplyModel, agents: list[Importer]) -> DeliveryArrays:
    table = model.table(
        schema.Delivery, lambda scenario: [d for i in scenario.importers for d in i.deliveries]
    )
    owner: list[int] = []
    keys: list[np.ndarray] = []
    for agent, spec in zip(agents, model.base.importers, strict=True):
        for item in spec.deliveries:
            key = f"{agent.key}.deliveries.{item.id}"
            model.parameters.append(table.entity(key, len(owner)))
            owner.append(agent.index)
            keys.append(model.stream_keys(key))
    n = model.n_members
    return DeliveryArrays(
        importer=positions(owner),
        keys=_stacked(keys, n),
        counts=np.zeros((model.days, n, len(owner)), np.int64),
        **table.columns(DeliveryArrays),
    )


@kernel
def due(willing_today, supplier_start_day, route_start_day, route_end_day, cadence_days, day):
    """Whether a route's shipment leaves on ``day``: on its cadence from its first day."""
    start = max(max(route_start_day, supplier_start_day), 0)
    in_window = willing_today & (start <= day) & (day <= route_end_day)
    return in_window & ((day - start) % cadence_days == 0)


@kernel
def rounds_per_shipment(routes, m, r, n_munitions, work):
    """A shipment's rounds for one of its containers, and each munition's integer weight in
    it (``work[0]``): ammunition share x calibre mix x that calibre's rounds a container."""
    total = 0.0
    for k in range(n_munitions):
        total += routes.munition_shares[m, r, k] * routes.rounds_per_container[m, r, k]
    for k in range(n_munitions):
        part = routes.munition_shares[m, r, k] * routes.rounds_per_container[m, r, k]
        work[0, k] = np.int64(np.rint(part / total * SHARE_SCALE)) if total > 0.0 else 0
    return total * routes.ammunition_share[m, r]


@kernel
def dispatch_all(a, routes, paid, regime, sides, depots, transit, day, books, work, progress):
    """Every supplier adds today's production to its stock and sends what is due.

    ``paid`` are the payment streams (``sim.engine.agents.payments``): a supplier owed
    more than its credit sends nothing. ``work`` is work space, ``[2, K]``: a shipment's
    munition weights, then its split; ``progress`` too, at least as long as a ramp.
    """
    n_munitions = a.stock.shape[2]
    draws = 2 + n_munitions
    slot = today(transit.ring, day)
    for m in range(a.stock.shape[0]):
        for i in range(a.side.shape[0]):
            side = a.side[i]
            on = willing(a.enabled[m, i], a.start_date[m, i], a.end_date[m, i], day)
            if on:  # an idle supplier makes nothing
                ramp_progresses(a.ramp_days, m, i, day, progress)
            for k in range(n_munitions * on):
                # output now: its first rate (which events may set), moved along its ramp
                ramped = ramp_rate(a.ramp_rates, m, i, k, progress) - a.ramp_rates[m, i, 0, k]
                rate = a.production_rounds_per_day[m, i, k] + ramped
                if rate > 0.0:  # most suppliers make few of the munitions
                    made = round_drawn(rate, a.production_keys[m, i], day, n_munitions, k)
                    a.stock[m, i, k] += made
                    a.counts[day, m, i, 3] += made
            a.paid_up[m, i] = paid_enough(paid, m, i)
            ships = on & a.paid_up[m, i]
            for r in range(a.route_start[i], a.route_start[i + 1]):
                if not due(ships, a.start_date[m, i], routes.start_date[m, r],
                           routes.end_date[m, r], routes.cadence_days[m, r], day):  # fmt: skip
                    continue
                key = routes.keys[m, r]
                short = (sides.days_held_all[m, side] < a.surge_below_days_of_supply[m, i]) & (
                    day >= a.surge_from[m, i]
                )
                scale = a.supply_scale[m, i] * (a.surge_scale[m, i] if short else 1.0)
                containers = (
                    routes.containers_per_shipment[m, r] * routes.capacity_share[m, r] * scale
                )
                per_container = rounds_per_shipment(routes, m, r, n_munitions, work)
                full = round_drawn(containers * per_container, key, day, draws, 0)
                left = np.floor(max(a.contract_rounds[m, i] - a.dispatched_total[m, i], 0.0))
                size = np.int64(min(np.float64(full), min(left, np.float64(MAX_ROUNDS))))
                share_out_rows(size, work, 0, 1, n_munitions)
                chance = routes.interdiction_probability[m, r]
                seized = uniform(key, day, draws, 1) < chance
                d = routes.depot[r]
                transit_days = (
                    routes.transit_days[m, r]
                    + routes.extra_transit_days[m, r]
                    + extra_transit_days(
                        depots.dispersal_extra_transit_days[m, d], depots.dispersal[m, d]
                    )
                )
                rework_line = routes.rework_line[r]
                shipped, lost_total = np.int64(0), np.int64(0)
                for k in range(n_munitions):
                    spare = max(a.stock[m, i, k] - np.int64(np.ceil(a.reserve_rounds[m, i, k])), 0)
                    rounds = min(work[1, k], spare)
                    a.stock[m, i, k] -= rounds
                    lost = rounds if seized else np.int64(0)
                    sent = rounds - lost
                    rework = np.int64(0)
                    if rework_line >= 0:
                        rework = round_drawn(sent * a.rework_share[m, i], routes.rework_keys[m, r],
                                             day, n_munitions, k)  # fmt: skip
                        dispatch(transit.ring, transit.under_way, m, rework_line,
                                 slot, transit_days, k, rework, 0)  # fmt: skip
                    direct = sent - rework
                    duds = round_drawn(direct * a.dud_rate[m, i], key, day, draws, 2 + k)
                    dispatch(transit.ring, transit.under_way, m, routes.line[r],
                             slot, transit_days, k, direct, duds)  # fmt: skip
                    books[m, IMPORTS_DISPATCHED, side, k] += rounds
                    books[m, INTERDICTED, side, k] += lost
                    shipped += rounds
                    lost_total += lost
                a.dispatched_total[m, i] += shipped
                # the supplier's own record: a shipment cut short by its stock or
                # contract carries that share of its containers
                left_port = shipped > 0
                a.counts[day, m, i, 0] += shipped
                a.counts[day, m, i, 1] += lost_total
                a.counts[day, m, i, 2] += left_port
                filled = min(shipped / max(full, 1), 1.0)
                a.containers[day, m, i] += containers * filled * left_port


@kernel
def deliver(d, a, day):
    """Suppliers deliver their counted items (missiles) while they ship: willing and paid."""
    for m in range(d.items_per_day.shape[0]):
        for j in range(d.importer.shape[0]):
            i = d.importer[j]
            on = willing(a.enabled[m, i], a.start_date[m, i], a.end_date[m, i], day)
            rate = d.items_per_day[m, j] * (on & a.paid_up[m, i])
            d.counts[day, m, j] = round_drawn(rate, d.keys[m, j], day, 1, 0)
