"""Depot: a storage and transfer node that serves front units and downstream depots.

Also the links between depots: a link is a depot's leg to the depot it feeds, and the
downstream depot orders along it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.engine.accounts import flow_index, stock_index
from sim.engine.agents.base import SupplyAgent, positions, sides_of
from sim.engine.agents.front_unit import expected_demand, order_up_to
from sim.engine.arithmetic import (
    allocate_by_priority_rows,
    carried_share,
    share_out_rows,
    whole_cap,
)
from sim.engine.compiled import kernel
from sim.engine.network import dispatch, downstream, supply_graph, today, upstream_first
from sim.scenario import schema

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel

DELIVERED = flow_index("delivered")
STOCK_DEPOT = stock_index("stock_depot")


class LinkArrays(NamedTuple):
    """Every link's numbers: ``[L]`` wiring, ``[M, L]`` parameters."""

    source: np.ndarray
    receiver: np.ndarray
    line: np.ndarray
    transit_days: np.ndarray
    capacity_rounds_per_day: np.ndarray
    priority: np.ndarray


class DepotArrays(NamedTuple):
    """Every depot's stock and numbers, whom it serves, and the links between depots."""

    side: np.ndarray  # [D]
    stock: np.ndarray  # [M, D, K]
    duds: np.ndarray  # [M, D, K] latent duds within ``stock``
    throughput_rounds_per_day: np.ndarray
    munition_throughput_rounds_per_day: np.ndarray
    target_days_of_supply: np.ndarray
    exposure: np.ndarray
    distance_to_front_km: np.ndarray
    dispersal: np.ndarray
    dispersal_protection: np.ndarray
    dispersal_throughput_cost: np.ndarray
    dispersal_extra_transit_days: np.ndarray
    hardened_share: np.ndarray
    order: np.ndarray  # [D] suppliers before the depots they feed
    client_start: np.ndarray  # [D + 1] each depot's clients: its units, then its links
    client_unit: np.ndarray  # [Q] the unit served (-1: a link)
    client_link: np.ndarray  # [Q] the link served (-1: a unit)
    served_start: np.ndarray  # [D + 1] each depot's units downstream, for its target stock
    served: np.ndarray
    inbound_start: np.ndarray  # [D + 1] the lines that end at each depot
    inbound: np.ndarray


class Depot(SupplyAgent):
    """Holds stock and sends it out, by priority, under its daily throughput.

    Units order up to their target days of supply; downstream depots order up to theirs,
    counting what is already on the way. The throughput (a total, and optionally one
    per munition) is shared among munitions in proportion to what is wanted. Dispersal
    lowers strike losses at the cost of throughput and of extra transit days into the
    depot.
    """

    kind = "depots"
    spec = schema.Depot

    @property
    def stock(self) -> np.ndarray:
        """Rounds held now, ``[M, K]``."""
        return self.model.arrays.depots.stock[:, self.index]

    @classmethod
    def build(cls, model: SupplyModel) -> tuple[DepotArrays, LinkArrays]:
        base = model.base
        table = cls.table(model)
        agents = cls.create(model, table)
        links = model.table(schema.Link, lambda scenario: scenario.links)
        for index, spec in enumerate(base.links):
            model.parameters.append(links.entity(f"links.{spec.id}", index))
        names = [d.id for d in base.depots]
        graph = supply_graph(names, [(ln.from_depot, ln.to_depot) for ln in base.links])
        lines = [
            model.lines.add(
                f"links.{ln.id}",
                receiver=names.index(ln.to_depot),
                side=agents[names.index(ln.to_depot)].side,
                imported=False,
            )
            for ln in base.links
        ]
        clients: list[tuple[int, int]] = []
        served: list[int] = []
        inbound: list[int] = []
        client_start, served_start, inbound_start = [0], [0], [0]
        for name in names:
            clients += [(u, -1) for u, unit in enumerate(base.front_units) if unit.depot == name]
            clients += [(-1, j) for j, ln in enumerate(base.links) if ln.from_depot == name]
            below = downstream(graph, name)
            served += [u for u, unit in enumerate(base.front_units) if unit.depot in below]
            inbound += model.lines.into(names.index(name))
            client_start.append(len(clients))
            served_start.append(len(served))
            inbound_start.append(len(inbound))
        stock = table["stock_rounds"].copy()
        depots = DepotArrays(
            side=sides_of(agents),
            stock=stock,
            duds=np.zeros_like(stock),
            order=positions([names.index(n) for n in upstream_first(graph)]),
            client_start=positions(client_start),
            client_unit=positions([u for u, _ in clients]),
            client_link=positions([j for _, j in clients]),
            served_start=positions(served_start),
            served=positions(served),
            inbound_start=positions(inbound_start),
            inbound=positions(inbound),
            **table.columns(DepotArrays),
        )
        wiring = LinkArrays(
            source=positions([names.index(ln.from_depot) for ln in base.links]),
            receiver=positions([names.index(ln.to_depot) for ln in base.links]),
            line=positions(lines),
            **links.columns(LinkArrays),
        )
        return depots, wiring


class DepotWork(NamedTuple):
    """Work space of one member's allocation (reused every day).

    ``rows`` holds, for K munitions and Q clients: what each client asks (rows 0..K-1)
    and gets (K..2K-1) of each munition and the latent duds among it (2K..3K-1); the
    clients' priorities (3K) and two rows of scratch (3K+1, 3K+2); a link's request
    and capped ask, what the depot's clients want and its budget, by munition
    (3K+3..3K+6).
    """

    expected: np.ndarray  # [U, K] each unit's mean demand
    rows: np.ndarray  # [3K + 7, max(Q, K)]


@kernel
def workspace(a, units):
    """Work space for the largest number of clients any depot has."""
    n_munitions = a.stock.shape[2]
    most = n_munitions
    for d in range(a.side.shape[0]):
        most = max(most, a.client_start[d + 1] - a.client_start[d])
    return DepotWork(
        np.zeros((units.side.shape[0], n_munitions), np.float64),
        np.zeros((3 * n_munitions + 7, most), np.int64),
    )


@kernel
def extra_transit_days(dispersal_extra_transit_days, dispersal):
    """Days a depot's dispersal adds to shipments into it."""
    return np.int64(np.rint(dispersal_extra_transit_days * dispersal))


@kernel
def throughput(throughput_rounds_per_day, dispersal, dispersal_throughput_cost):
    """Whole rounds a depot can send out today (all munitions)."""
    cost = 1.0 - dispersal * dispersal_throughput_cost
    return whole_cap(throughput_rounds_per_day * cost)


@kernel
def allocate(a, links, units, transit, day, books, w):
    """Every depot, suppliers first, serves its units and links by priority.

    Units order up to their target days of supply; a downstream depot orders up to its
    target days of the demand of every unit below it, less its stock and what is on
    the way to it, at most its link's capacity. The depot's throughput (its total cap,
    shared among munitions in proportion to what is wanted, and any per-munition cap)
    is served tier by tier of priority; latent duds leave in proportion.
    """
    n_munitions = a.stock.shape[2]
    slot = today(transit.ring, day)
    work = w.rows
    asked, given, duds_sent = 0, n_munitions, 2 * n_munitions  # first rows of each
    priority, scratch = 3 * n_munitions, 3 * n_munitions + 1
    request, capped = 3 * n_munitions + 3, 3 * n_munitions + 4
    wanted, budget = 3 * n_munitions + 5, 3 * n_munitions + 6
    for m in range(a.stock.shape[0]):
        for u in range(units.side.shape[0]):
            multiplier = units.posture_multipliers[m, units.side[u], units.posture[m, u]]
            for k in range(n_munitions):
                w.expected[u, k] = expected_demand(
                    units.base_rounds_per_day[m, u, k], multiplier, units.intensity[m, u]
                )
        for position in range(a.order.shape[0]):
            d = a.order[position]
            first, n = a.client_start[d], a.client_start[d + 1] - a.client_start[d]
            if n == 0:
                continue
            # what each client asks for
            for q in range(n):
                u, j = a.client_unit[first + q], a.client_link[first + q]
                if u >= 0:
                    work[priority, q] = units.priority[m, u]
                    target_days = units.target_days_of_supply[m, u]
                    for k in range(n_munitions):
                        stock = units.stock[m, u, k]
                        work[asked + k, q] = order_up_to(target_days, w.expected[u, k], stock)
                    continue
                work[priority, q] = links.priority[m, j]
                to = links.receiver[j]
                for k in range(n_munitions):
                    demand = 0.0
                    for i in range(a.served_start[to], a.served_start[to + 1]):
                        demand += w.expected[a.served[i], k]
                    work[request, k] = 0  # nothing is ordered of a munition no one fires
                    if demand > 0.0:
                        held = a.stock[m, to, k]
                        for i in range(a.inbound_start[to], a.inbound_start[to + 1]):
                            held += transit.under_way[m, a.inbound[i], k]
                        target = a.target_days_of_supply[m, to]
                        work[request, k] = order_up_to(target, demand, held)
                cap = whole_cap(links.capacity_rounds_per_day[m, j])
                share_out_rows(cap, work, request, capped, n_munitions)
                for k in range(n_munitions):
                    work[asked + k, q] = work[capped, k]
            # what the throughput allows, shared among munitions
            for k in range(n_munitions):
                total = np.int64(0)
                for q in range(n):
                    total += work[asked + k, q]
                cap = whole_cap(a.munition_throughput_rounds_per_day[m, d, k])
                work[wanted, k] = min(min(total, a.stock[m, d, k]), cap)
            capacity = throughput(
                a.throughput_rounds_per_day[m, d],
                a.dispersal[m, d],
                a.dispersal_throughput_cost[m, d],
            )
            share_out_rows(capacity, work, wanted, budget, n_munitions)
            # served tier by tier; duds leave in proportion
            for k in range(n_munitions):
                if work[budget, k] == 0:  # most munitions of most depots, most days
                    for q in range(n):
                        work[given + k, q] = 0
                        work[duds_sent + k, q] = 0
                else:
                    allocate_by_priority_rows(
                        work[budget, k], work, asked + k, priority, given + k, scratch, n
                    )
                    sent = np.int64(0)
                    for q in range(n):
                        sent += work[given + k, q]
                    duds = carried_share(sent, a.stock[m, d, k], a.duds[m, d, k])
                    share_out_rows(duds, work, given + k, duds_sent + k, n)
                    a.stock[m, d, k] -= sent
                    for q in range(n):
                        a.duds[m, d, k] -= work[duds_sent + k, q]
            side = a.side[d]
            for q in range(n):
                u, j = a.client_unit[first + q], a.client_link[first + q]
                for k in range(n_munitions):
                    rounds, duds = work[given + k, q], work[duds_sent + k, q]
                    moved = (rounds > 0) | (duds > 0)  # most munitions, most days: none
                    if moved & (u >= 0):
                        units.stock[m, u, k] += rounds
                        units.duds[m, u, k] += duds
                        books[m, DELIVERED, side, k] += rounds
                    elif moved:
                        to = links.receiver[j]
                        transit_days = links.transit_days[m, j] + extra_transit_days(
                            a.dispersal_extra_transit_days[m, to], a.dispersal[m, to]
                        )
                        dispatch(transit.ring, transit.under_way, m, links.line[j],
                                 slot, transit_days, k, rounds, duds)  # fmt: skip


@kernel
def hold(a, holdings):
    """Add the depots' stock to the day's holdings by side."""
    for m in range(a.stock.shape[0]):
        for d in range(a.side.shape[0]):
            for k in range(a.stock.shape[2]):
                holdings[m, STOCK_DEPOT, a.side[d], k] += a.stock[m, d, k]
