"""The supply graph and the rounds in transit along it.

Every leg a shipment can take (a plant to its depot, a supplier's route, a depot-to-depot
link) is a *line*. What is under way waits in a ring of arrival days: a shipment
dispatched on day ``d`` with ``t`` transit days sits in slot ``(d + t) % length`` until
it arrives. The ring is slot-major (``[slot, member, line, munition, rounds|duds]``), so a
day's arrivals for every member lie together and the latent duds beside their rounds;
each line also keeps its running total under way, so nothing is re-summed each day.

Example:
    >>> import numpy as np
    >>> lines = Lines()
    >>> lines.add("producers.plant", receiver=0, side=0, imported=False)
    0
    >>> t = lines.build(n_members=1, n_munitions=1, longest_transit_days=2)
    >>> dispatch(t.ring, t.under_way, 0, 0, today(t.ring, 0), 2, 0, 5, 0)
    >>> int(t.under_way[0, 0, 0]), t.ring.shape
    (5, (4, 1, 1, 1, 2))
"""

from __future__ import annotations

from typing import NamedTuple

import networkx as nx
import numpy as np

from sim.engine.accounts import stock_index
from sim.engine.compiled import kernel

IN_TRANSIT, IMPORTS_IN_TRANSIT = stock_index("in_transit"), stock_index("imports_in_transit")


class Transit(NamedTuple):
    """Rounds (and the latent duds among them) under way, by line and arrival slot."""

    receiver: np.ndarray  # [L] depot each line ends at, -1: a rework plant
    rework_at: np.ndarray  # [L] the stockpile whose rework plant it ends at, -1: a depot
    side: np.ndarray  # [L] the receiving side
    imported: np.ndarray  # [L] bool: a foreign supplier's route
    ring: np.ndarray  # [slots, M, L, K, 2]: rounds, then the latent duds among them
    under_way: np.ndarray  # [M, L, K] running total of the rounds over the slots


class Lines:
    """The lines of a model, added by the kinds that ship along them, then built."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.receivers: list[int] = []
        self.sides: list[int] = []
        self.imported: list[bool] = []
        self.rework_at: list[int] = []

    def add(self, name: str, *, receiver: int, side: int, imported: bool, rework: int = -1) -> int:
        """A new line ending at depot ``receiver`` (or, with ``rework``, at that stockpile's
        rework plant); returns its index."""
        self.names.append(name)
        self.receivers.append(receiver)
        self.sides.append(side)
        self.imported.append(imported)
        self.rework_at.append(rework)
        return len(self.names) - 1

    def into(self, depot: int) -> list[int]:
        """The lines that end at ``depot``."""
        return [i for i, r in enumerate(self.receivers) if r == depot]

    def build(self, n_members: int, n_munitions: int, longest_transit_days: int) -> Transit:
        """Empty rings long enough for the longest transit any shipment can take."""
        n, slots = len(self.names), 2 + longest_transit_days
        return Transit(
            np.array(self.receivers, np.int64),
            np.array(self.rework_at, np.int64),
            np.array(self.sides, np.int64),
            np.array(self.imported, np.bool_),
            np.zeros((slots, n_members, n, n_munitions, 2), np.int64),
            np.zeros((n_members, n, n_munitions), np.int64),
        )


@kernel
def today(ring, day):
    """The slot of ``day`` in a ``Transit``'s ring (what arrives today sits there)."""
    return day % ring.shape[0]


@kernel
def dispatch(ring, under_way, m, line, today_slot, transit_days, k, rounds, duds):
    """Put ``rounds`` of munition ``k`` (``duds`` among them) on ``line``, to arrive
    ``transit_days`` after the day whose slot is ``today_slot``.

    The arrays are a ``Transit``'s ``ring`` and ``under_way``; the ring is longer than
    any transit, so one wrap is enough.
    """
    slot = today_slot + transit_days
    slot -= ring.shape[0] * (slot >= ring.shape[0])
    ring[slot, m, line, k, 0] += rounds
    ring[slot, m, line, k, 1] += duds
    under_way[m, line, k] += rounds


@kernel
def arrive(t, day, depot_stock, depot_duds, rework_queue, books, imports_arrived,
           rework_received):  # fmt: skip
    """Everything due on ``day`` reaches its depot or rework plant; imports are booked as
    arrived (and those for rework as received there)."""
    due = t.ring[today(t.ring, day)]
    for m in range(due.shape[0]):
        for line in range(t.receiver.shape[0]):
            d, plant = t.receiver[line], t.rework_at[line]
            for k in range(due.shape[2]):
                rounds = due[m, line, k, 0]
                if plant >= 0:
                    rework_queue[m, plant, k] += rounds
                    books[m, rework_received, t.side[line], k] += rounds
                else:
                    depot_stock[m, d, k] += rounds
                    depot_duds[m, d, k] += due[m, line, k, 1]
                t.under_way[m, line, k] -= rounds
                due[m, line, k, 0] = 0
                due[m, line, k, 1] = 0
                if t.imported[line]:
                    books[m, imports_arrived, t.side[line], k] += rounds


def supply_graph(depots: list[str], links: list[tuple[str, str]]) -> nx.DiGraph:
    """Depots as nodes, links as edges from supplier to receiver."""
    graph = nx.DiGraph()
    graph.add_nodes_from(depots)
    graph.add_edges_from(links)
    return graph


def upstream_first(graph: nx.DiGraph) -> list[str]:
    """Depots ordered so every supplier comes before the depots it feeds."""
    return list(nx.lexicographical_topological_sort(graph))


def downstream(graph: nx.DiGraph, depot: str) -> set[str]:
    """The depot and every depot it feeds, directly or not."""
    return {depot} | nx.descendants(graph, depot)


@kernel
def hold_in_transit(t, holdings):
    """Add what is under way to the day's holdings, by receiving side."""
    for m in range(t.under_way.shape[0]):
        for line in range(t.receiver.shape[0]):
            for k in range(t.under_way.shape[2]):
                rounds = t.under_way[m, line, k]
                holdings[m, IN_TRANSIT, t.side[line], k] += rounds
                if t.imported[line]:
                    holdings[m, IMPORTS_IN_TRANSIT, t.side[line], k] += rounds
