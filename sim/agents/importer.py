"""Importer: a foreign supplier shipping to one side along its routes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents.base import SupplyAgent
from sim.arithmetic import share_out
from sim.network import Pipeline
from sim.parameters import Parameters
from sim.rng import Stream, stochastic_round

_SHARE_SCALE = 10**9  # munition shares as integer weights, for an exact split


@dataclass
class RouteLine:
    """One route of an importer: its parameters, its pipeline and where it ends."""

    params: Parameters
    pipeline: Pipeline
    destination: object
    draws: Stream
    share_weights: np.ndarray  # [M, K] integer weights of each munition in a shipment

    def due(self, day: int, window_open: np.ndarray, first_day: np.ndarray) -> np.ndarray:
        """Members for which a shipment leaves on ``day``."""
        p = self.params
        start = np.maximum(np.maximum(p.start_date, first_day), 0)
        cadence = p.cadence_days.astype(np.int64)
        in_window = (day >= start) & (day <= p.end_date) & window_open
        return in_window & ((day - start) % cadence == 0)


class Importer(SupplyAgent):
    """Ships from its own stock (plus production) on each route's cadence.

    A shipment is containers x rounds per container x ``supply_scale`` rounds, split by
    the route's munition shares, capped by the importer's stock and what is left of its
    contract. It is seized with the route's interdiction chance (raised by sanction
    enforcement); a ``dud_rate`` share of what it carries is latent duds.

    Attributes:
        record: the supplier's own daily books, ``[days, members]`` per name in
            ``RECORD``: rounds it dispatched (seized ones included), rounds seized, the
            shipments that left, and the containers they carried (a shipment cut short
            by the supplier's stock or contract carries that share of its containers).
    """

    kind = "importers"
    RECORD = ("rounds", "interdicted", "shipments", "containers")

    def setup(self, stock: np.ndarray, routes: list[RouteLine]) -> None:
        """Hold a view of the supplier's own stock (outside the side's books) and routes."""
        self.stock = stock
        self.routes = routes
        self.dispatched_total = np.zeros(self.model.n_members, np.int64)
        shape = (self.model.days, self.model.n_members)
        self.record = {
            name: np.zeros(shape, np.float64 if name == "containers" else np.int64)
            for name in self.RECORD
        }
        self._production = self.stream("production", self.model.n_munitions)

    def window_open(self, day: int) -> np.ndarray:
        """Members in which the supplier is willing to ship on ``day``."""
        p = self.params
        return p.enabled & (day >= p.start_date) & (day <= p.end_date)

    def dispatch(self) -> None:
        """Add today's production to stock and send the shipments that are due."""
        day, k = self.model.day, self.model.n_munitions
        p = self.params
        open_ = self.window_open(day)
        made = stochastic_round(p.production_rounds_per_day, self._production.uniforms(day))
        self.stock += made * open_[:, None]
        enforcement = self.model.sanctions.enforcement_on(self.side)
        for route in self.routes:
            r = route.params
            u = route.draws.uniforms(day)
            due = route.due(day, open_, p.start_date)
            full = stochastic_round(
                r.containers_per_shipment * r.rounds_per_container * p.supply_scale, u[:, 0]
            )
            left = np.floor(np.maximum(p.contract_rounds - self.dispatched_total, 0.0))
            size = np.where(due, np.minimum(full, np.minimum(left, 2**62)), 0).astype(np.int64)
            ship = np.minimum(share_out(size, route.share_weights), self.stock)
            self.stock -= ship
            self.dispatched_total += ship.sum(axis=1)
            chance = np.clip(
                r.interdiction_probability + r.enforcement_sensitivity * enforcement, 0, 1
            )
            seized = (u[:, 1] < chance)[:, None]
            lost = ship * seized
            sent = ship - lost
            duds = stochastic_round(sent * p.dud_rate[:, None], u[:, 2 : 2 + k])
            transit = r.transit_days.astype(np.int64) + route.destination.extra_transit_days()
            route.pipeline.dispatch(day, sent, duds, transit)
            self.model.ledger.add("imports_dispatched", self.side, ship)
            self.model.ledger.add("interdicted", self.side, lost)
            self._book(day, r.containers_per_shipment * p.supply_scale, full, ship, lost)

    def _book(self, day, containers, full, ship, lost) -> None:
        """Add one route's shipment of ``day`` to the supplier's own record."""
        shipped = ship.sum(axis=1)
        filled = np.minimum(shipped / np.maximum(full, 1), 1.0)
        self.record["rounds"][day] += shipped
        self.record["interdicted"][day] += lost.sum(axis=1)
        self.record["shipments"][day] += shipped > 0
        self.record["containers"][day] += np.where(shipped > 0, containers * filled, 0.0)
