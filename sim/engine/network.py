"""The supply graph and the rounds in transit along it.

Every leg a shipment can take (a plant to its depot, a supplier's route, a depot-to-depot
link) is a *line*: a ring of arrival days. A shipment dispatched on day ``d`` with
``t`` transit days sits in slot ``(d + t) % length`` until it arrives; each line also
keeps its running total under way, so nothing is re-summed each day.

Example:
    >>> import numpy as np
    >>> lines = Lines()
    >>> lines.add("producers.plant", receiver=0, side=0, imported=False)
    0
    >>> t = lines.build(n_members=1, n_munitions=1, longest_transit_days=2)
    >>> dispatch(t.rounds, t.duds, t.under_way, 0, 0, today(t.rounds, 0), 2, 0, 5, 0)
    >>> int(t.under_way[0, 0, 0]), t.rounds.shape
    (5, (1, 1, 4, 1))
"""

from __future__ import annotations

from typing import NamedTuple

import networkx as nx
import numpy as np

from sim.engine.accounts import stock_index
from sim.engine.compiled import kernel, rule

IN_TRANSIT, IMPORTS_IN_TRANSIT = stock_index("in_transit"), stock_index("imports_in_transit")


class Transit(NamedTuple):
    """Rounds (and the latent duds among them) under way, by line and arrival slot."""

    receiver: np.ndarray  # [L] depot each line ends at
    side: np.ndarray  # [L] the receiving side
    imported: np.ndarray  # [L] bool: a foreign supplier's route
    rounds: np.ndarray  # [M, L, slots, K]
    duds: np.ndarray  # [M, L, slots, K]
    under_way: np.ndarray  # [M, L, K] running total of ``rounds`` over the slots


class Lines:
    """The lines of a model, added by the kinds that ship along them, then built."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.receivers: list[int] = []
        self.sides: list[int] = []
        self.imported: list[bool] = []

    def add(self, name: str, *, receiver: int, side: int, imported: bool) -> int:
        """A new line ending at depot ``receiver``; returns its index."""
        self.names.append(name)
        self.receivers.append(receiver)
        self.sides.append(side)
        self.imported.append(imported)
        return len(self.names) - 1

    def into(self, depot: int) -> list[int]:
        """The lines that end at ``depot``."""
        return [i for i, r in enumerate(self.receivers) if r == depot]

    def build(self, n_members: int, n_munitions: int, longest_transit_days: int) -> Transit:
        """Empty rings long enough for the longest transit any shipment can take."""
        n, slots = len(self.names), 2 + longest_transit_days
        shape = (n_members, n, slots, n_munitions)
        return Transit(
            np.array(self.receivers, np.int64),
            np.array(self.sides, np.int64),
            np.array(self.imported, np.bool_),
            np.zeros(shape, np.int64),
            np.zeros(shape, np.int64),
            np.zeros((n_members, n, n_munitions), np.int64),
        )


@kernel
def today(ring, day):
    """The slot of ``day`` in a ``Transit``'s rings (what arrives today sits there)."""
    return day % ring.shape[2]


@kernel
def dispatch(ring, dud_ring, under_way, m, line, today_slot, transit_days, k, rounds, duds):
    """Put ``rounds`` of munition ``k`` (``duds`` among them) on ``line``, to arrive
    ``transit_days`` after the day whose slot is ``today_slot``.

    The arrays are a ``Transit``'s ``rounds``, ``duds`` and ``under_way``; a ring is
    longer than any transit, so one wrap is enough.
    """
    slot = today_slot + transit_days
    slot -= ring.shape[2] * (slot >= ring.shape[2])
    ring[m, line, slot, k] += rounds
    dud_ring[m, line, slot, k] += duds
    under_way[m, line, k] += rounds


@rule
def arrive(t, day, depot_stock, depot_duds, books, imports_arrived):
    """Everything due on ``day`` reaches its depot; imports are booked as arrived."""
    slot = today(t.rounds, day)
    for m in range(t.rounds.shape[0]):
        for line in range(t.receiver.shape[0]):
            d = t.receiver[line]
            for k in range(t.rounds.shape[3]):
                rounds = t.rounds[m, line, slot, k]
                depot_stock[m, d, k] += rounds
                depot_duds[m, d, k] += t.duds[m, line, slot, k]
                t.under_way[m, line, k] -= rounds
                t.rounds[m, line, slot, k] = 0
                t.duds[m, line, slot, k] = 0
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


@rule
def hold_in_transit(t, holdings):
    """Add what is under way to the day's holdings, by receiving side."""
    for m in range(t.rounds.shape[0]):
        for line in range(t.receiver.shape[0]):
            for k in range(t.under_way.shape[2]):
                rounds = t.under_way[m, line, k]
                holdings[m, IN_TRANSIT, t.side[line], k] += rounds
                if t.imported[line]:
                    holdings[m, IMPORTS_IN_TRANSIT, t.side[line], k] += rounds
