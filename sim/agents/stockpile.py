"""Stockpile: a legacy reserve released by a refurbishment line."""

from __future__ import annotations

import numpy as np

from sim.agents.base import SupplyAgent
from sim.rng import stochastic_round


class Stockpile(SupplyAgent):
    """Takes rounds out of storage each day; the unserviceable share is discarded.

    Refurbished rounds go straight to its depot (the line sits at the arsenal).
    """

    kind = "stockpiles"

    def setup(self, stock: np.ndarray, destination) -> None:
        """Hold a view of the model's legacy stock and the receiving depot."""
        self.stock = stock
        self.destination = destination
        self._draws = self.stream("refurbishment", 3 * self.model.n_munitions)

    def refurbish(self) -> None:
        """Run the refurbishment line for a day."""
        day, k = self.model.day, self.model.n_munitions
        p = self.params
        u = self._draws.uniforms(day)
        rate = stochastic_round(p.refurbish_rounds_per_day * p.enabled[:, None], u[:, :k])
        taken = np.minimum(rate, self.stock)
        discarded = stochastic_round(taken * p.unserviceable_share[:, None], u[:, k : 2 * k])
        refurbished = taken - discarded
        duds = stochastic_round(refurbished * p.dud_rate[:, None], u[:, 2 * k :])
        self.stock -= taken
        self.destination.receive(refurbished, duds)
        self.model.ledger.add("discarded", self.side, discarded)
        self.model.ledger.add("refurbished", self.side, refurbished)
