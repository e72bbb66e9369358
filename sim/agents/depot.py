"""Depot: a storage and transfer node that serves units and downstream depots."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents.base import SupplyAgent
from sim.arithmetic import allocate_by_priority, carried_share, share_out
from sim.network import Pipeline
from sim.parameters import Parameters


@dataclass
class Leg:
    """A link out of a depot: its parameters, pipeline and the depot it feeds."""

    params: Parameters
    pipeline: Pipeline
    receiver: Depot


class Depot(SupplyAgent):
    """Holds stock and sends it out, by priority, under its daily throughput.

    Units order up to their target days of supply; downstream depots order up to theirs,
    counting what is already on the way. Dispersal lowers strike losses at the cost of
    throughput and of extra transit days into the depot.
    """

    kind = "depots"

    def setup(self, stock: np.ndarray, duds: np.ndarray) -> None:
        """Hold views of the model's depot stock; units, legs and inbound filled later."""
        self.stock = stock
        self.duds = duds
        self.units: list = []
        self.legs: list[Leg] = []
        self.inbound: list[Pipeline] = []
        self.served_units: list = []  # every unit downstream, for its target stock

    def receive(self, rounds: np.ndarray, duds: np.ndarray) -> None:
        """Take rounds into stock."""
        self.stock += rounds
        self.duds += duds

    def extra_transit_days(self) -> np.ndarray:
        """Days added to shipments into this depot by its dispersal, ``[M]``."""
        p = self.params
        return np.rint(p.dispersal_extra_transit_days * p.dispersal).astype(np.int64)

    def throughput(self) -> np.ndarray:
        """Whole rounds it can send out today, ``[M]``."""
        p = self.params
        rate = p.throughput_rounds_per_day * (1.0 - p.dispersal * p.dispersal_throughput_cost)
        return np.floor(rate).astype(np.int64)

    def request(self) -> np.ndarray:
        """What it orders from upstream: target stock less stock and stock on the way."""
        demand = sum(unit.expected_demand() for unit in self.served_units)
        target = np.ceil(self.params.target_days_of_supply[:, None] * demand).astype(np.int64)
        on_the_way = sum(pipeline.in_transit() for pipeline in self.inbound)
        return np.maximum(target - self.stock - on_the_way, 0)

    def allocate(self) -> None:
        """Serve units and downstream depots by priority, under throughput."""
        if not self.units and not self.legs:
            return
        requests = [unit.request() for unit in self.units]
        for leg in self.legs:
            cap = np.floor(np.minimum(leg.params.capacity_rounds_per_day, 2**62)).astype(np.int64)
            requests.append(share_out(cap, leg.receiver.request()))
        priority = np.stack(
            [u.params.priority for u in self.units] + [g.params.priority for g in self.legs],
            axis=-1,
        )  # [M, Q]: priorities may differ between members
        asked = np.stack(requests, axis=-1)  # [M, K, Q]
        wanted = np.minimum(asked.sum(axis=-1), self.stock)
        budget = share_out(self.throughput(), wanted)
        given = allocate_by_priority(budget, asked, priority[:, None, :])
        sent = given.sum(axis=-1)
        duds_sent = share_out(carried_share(sent, self.stock, self.duds), given)
        self.stock -= sent
        self.duds -= duds_sent.sum(axis=-1)
        day, ledger = self.model.day, self.model.ledger
        for q, unit in enumerate(self.units):
            unit.receive(given[..., q], duds_sent[..., q])
            ledger.add("delivered", self.side, given[..., q])
        for q, leg in enumerate(self.legs, start=len(self.units)):
            transit = leg.params.transit_days.astype(np.int64) + leg.receiver.extra_transit_days()
            leg.pipeline.dispatch(day, given[..., q], duds_sent[..., q], transit)
