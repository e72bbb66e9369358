"""Importer: a foreign supplier shipping to one side along its routes."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.engine.accounts import flow_index
from sim.engine.agents.base import SupplyAgent, positions, sides_of, stack_keys, willing
from sim.engine.agents.depot import extra_transit_days
from sim.engine.agents.sanctions import felt_by
from sim.engine.arithmetic import MAX_ROUNDS, share_out_rows
from sim.engine.compiled import kernel
from sim.engine.network import dispatch, today
from sim.engine.rng import round_drawn, uniform
from sim.scenario import schema

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel

IMPORTS_DISPATCHED, INTERDICTED = flow_index("imports_dispatched"), flow_index("interdicted")
SHARE_SCALE = 10**9  # munition shares as integer weights, for an exact split
RECORD = ("rounds", "interdicted", "shipments", "containers")
"""The supplier's own daily books: rounds it dispatched (seized ones included), rounds
seized, the shipments that left, and the containers they carried (a shipment cut short by
the supplier's stock or contract carries that share of its containers)."""


class RouteArrays(NamedTuple):
    """Every route's numbers: ``[R]`` wiring, ``[M, R(, K)]`` parameters."""

    importer: np.ndarray
    depot: np.ndarray
    line: np.ndarray
    start_date: np.ndarray
    end_date: np.ndarray
    cadence_days: np.ndarray
    containers_per_shipment: np.ndarray
    rounds_per_container: np.ndarray
    transit_days: np.ndarray
    interdiction_probability: np.ndarray
    enforcement_sensitivity: np.ndarray
    share_weights: np.ndarray  # [M, R, K] integer weights of each munition in a shipment
    keys: np.ndarray  # [M, R] the "shipments" stream


class ImporterArrays(NamedTuple):
    """Every supplier's own stock, numbers, routes and daily record."""

    side: np.ndarray  # [I] the receiving side
    stock: np.ndarray  # [M, I, K] the supplier's own stock (outside the side's books)
    dispatched_total: np.ndarray  # [M, I] rounds dispatched so far, for the contract
    enabled: np.ndarray
    start_date: np.ndarray
    end_date: np.ndarray
    contract_rounds: np.ndarray
    supply_scale: np.ndarray
    surge_scale: np.ndarray
    surge_below_days_of_supply: np.ndarray
    surge_from: np.ndarray  # [M, I] day number
    production_rounds_per_day: np.ndarray
    dud_rate: np.ndarray
    route_start: np.ndarray  # [I + 1] each supplier's routes (in ``RouteArrays``)
    production_keys: np.ndarray  # [M, I] the "production" stream
    counts: np.ndarray  # [days, M, I, 3] rounds, interdicted, shipments
    containers: np.ndarray  # [days, M, I]


class Importer(SupplyAgent):
    """Ships from its own stock (plus production) on each route's cadence.

    A shipment is containers x rounds per container x ``supply_scale`` rounds, split by
    the route's munition shares, capped by the importer's stock and what is left of its
    contract. It is seized with the route's interdiction chance (raised by sanction
    enforcement); a ``dud_rate`` share of what it carries is latent duds. While the
    receiving side is short it ships ``surge_scale`` times more, within the same limits.
    """

    kind = "importers"
    spec = schema.Importer

    @property
    def record(self) -> dict[str, np.ndarray]:
        """The supplier's own daily books, name (``RECORD``) → ``[days, M]``."""
        a = self.model.arrays.importers
        out = {name: a.counts[:, :, self.index, i] for i, name in enumerate(RECORD[:3])}
        out["containers"] = a.containers[:, :, self.index]
        return out

    @classmethod
    def build(cls, model: SupplyModel) -> tuple[ImporterArrays, RouteArrays]:
        base, n = model.base, model.n_members
        table = cls.table(model)
        agents = cls.create(model, table)
        routes = model.table(
            schema.Route, lambda scenario: [r for i in scenario.importers for r in i.routes]
        )
        routes.fix("munition_shares")  # read once, as integer weights
        owner, depots, lines, keys = [], [], [], []
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
                keys.append(model.stream_keys(f"{key}.shipments"))
                index += 1
            route_start.append(index)
        weights = np.rint(routes["munition_shares"] * SHARE_SCALE).astype(np.int64)
        route_keys = np.stack(keys, axis=1) if keys else np.zeros((n, 0), np.uint64)
        suppliers = ImporterArrays(
            side=sides_of(agents),
            stock=table["stock_rounds"].copy(),
            dispatched_total=np.zeros((n, len(agents)), np.int64),
            route_start=positions(route_start),
            production_keys=stack_keys(agents, "production", n),
            counts=np.zeros((model.days, n, len(agents), 3), np.int64),
            containers=np.zeros((model.days, n, len(agents)), np.float64),
            **table.columns(ImporterArrays),
        )
        wiring = RouteArrays(
            importer=positions(owner),
            depot=positions(depots),
            line=positions(lines),
            share_weights=weights,
            keys=route_keys,
            **routes.columns(RouteArrays),
        )
        return suppliers, wiring


@kernel
def due(willing_today, supplier_start_day, route_start_day, route_end_day, cadence_days, day):
    """Whether a route's shipment leaves on ``day``: on its cadence from its first day."""
    start = max(max(route_start_day, supplier_start_day), 0)
    in_window = willing_today & (start <= day) & (day <= route_end_day)
    return in_window & ((day - start) % cadence_days == 0)


@kernel
def dispatch_all(a, routes, regime, sides, depots, transit, day, books, work):
    """Every supplier adds today's production to its stock and sends what is due.

    ``work`` is work space, ``[2, K]``: a shipment's munition weights, then its split.
    """
    n_munitions = a.stock.shape[2]
    draws = 2 + n_munitions
    slot = today(transit.ring, day)
    for m in range(a.stock.shape[0]):
        for i in range(a.side.shape[0]):
            side = a.side[i]
            on = willing(a.enabled[m, i], a.start_date[m, i], a.end_date[m, i], day)
            for k in range(n_munitions):
                rate = a.production_rounds_per_day[m, i, k] * on
                if rate > 0.0:  # most suppliers make few of the munitions, and none when idle
                    key = a.production_keys[m, i]
                    a.stock[m, i, k] += round_drawn(rate, key, day, n_munitions, k)
            enforcement = felt_by(side, regime.target_side[0], regime.enforcement[m, 0])
            for r in range(a.route_start[i], a.route_start[i + 1]):
                if not due(on, a.start_date[m, i], routes.start_date[m, r],
                           routes.end_date[m, r], routes.cadence_days[m, r], day):  # fmt: skip
                    continue
                key = routes.keys[m, r]
                short = (sides.days_held_all[m, side] < a.surge_below_days_of_supply[m, i]) & (
                    day >= a.surge_from[m, i]
                )
                scale = a.supply_scale[m, i] * (a.surge_scale[m, i] if short else 1.0)
                full = round_drawn(
                    routes.containers_per_shipment[m, r]
                    * routes.rounds_per_container[m, r]
                    * scale,
                    key, day, draws, 0,
                )  # fmt: skip
                left = np.floor(max(a.contract_rounds[m, i] - a.dispatched_total[m, i], 0.0))
                size = np.int64(min(np.float64(full), min(left, np.float64(MAX_ROUNDS))))
                for k in range(n_munitions):
                    work[0, k] = routes.share_weights[m, r, k]
                share_out_rows(size, work, 0, 1, n_munitions)
                chance = routes.interdiction_probability[m, r]
                chance += routes.enforcement_sensitivity[m, r] * enforcement
                seized = uniform(key, day, draws, 1) < min(max(chance, 0.0), 1.0)
                d = routes.depot[r]
                transit_days = routes.transit_days[m, r] + extra_transit_days(
                    depots.dispersal_extra_transit_days[m, d], depots.dispersal[m, d]
                )
                shipped, lost_total = np.int64(0), np.int64(0)
                for k in range(n_munitions):
                    rounds = min(work[1, k], a.stock[m, i, k])
                    a.stock[m, i, k] -= rounds
                    lost = rounds if seized else np.int64(0)
                    sent = rounds - lost
                    duds = round_drawn(sent * a.dud_rate[m, i], key, day, draws, 2 + k)
                    dispatch(transit.ring, transit.under_way, m, routes.line[r],
                             slot, transit_days, k, sent, duds)  # fmt: skip
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
                containers = routes.containers_per_shipment[m, r] * scale
                a.containers[day, m, i] += containers * filled * left_port
