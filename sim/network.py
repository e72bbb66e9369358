"""The supply graph and shipments in transit.

A ``Pipeline`` holds what is under way along one route, link or plant-to-depot leg, as
a ring of arrival days: a shipment dispatched on day ``d`` with ``t`` transit days sits
in slot ``(d + t) % length`` until it arrives.

Example:
    >>> import numpy as np
    >>> p = Pipeline("leg", n_members=1, n_munitions=1, length=4)
    >>> p.dispatch(0, np.array([[5]]), np.array([[0]]), np.array([2]))
    >>> p.arrive(1)[0].tolist(), p.arrive(2)[0].tolist()
    ([[0]], [[5]])
"""

from __future__ import annotations

import networkx as nx
import numpy as np


class Pipeline:
    """Rounds (and the latent duds among them) under way along one leg, by arrival day."""

    def __init__(self, name: str, n_members: int, n_munitions: int, length: int) -> None:
        self.name = name
        self.length = length
        self.rounds = np.zeros((n_members, length, n_munitions), np.int64)
        self.duds = np.zeros_like(self.rounds)
        self._members = np.arange(n_members)

    def dispatch(
        self, day: int, rounds: np.ndarray, duds: np.ndarray, transit_days: np.ndarray
    ) -> None:
        """Put ``rounds`` (``[M, K]``) on the way, arriving ``transit_days`` (``[M]``) later."""
        slot = (day + np.asarray(transit_days, dtype=np.int64)) % self.length
        self.rounds[self._members, slot] += rounds
        self.duds[self._members, slot] += duds

    def arrive(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Take out what arrives on ``day``."""
        slot = day % self.length
        rounds = self.rounds[:, slot].copy()
        duds = self.duds[:, slot].copy()
        self.rounds[:, slot] = 0
        self.duds[:, slot] = 0
        return rounds, duds

    def in_transit(self) -> np.ndarray:
        """Rounds under way, ``[M, K]``."""
        return self.rounds.sum(axis=1)


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
