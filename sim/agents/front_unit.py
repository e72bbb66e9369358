"""FrontUnit: a sector or formation that fires."""

from __future__ import annotations

import numpy as np

from sim.agents.base import SupplyAgent
from sim.arithmetic import carried_share, fire_allowed
from sim.rng import lognormal_noise, stochastic_round


class FrontUnit(SupplyAgent):
    """Orders from its depot up to a target days of supply, then fires.

    Demand = base rate x posture multiplier x intensity x noise. It fires
    min(demand, on hand); below ``rationing_threshold_days`` of supply it fires only
    ``ration_share`` of demand. Latent duds among what it fires are its duds.
    """

    kind = "front_units"

    def setup(self, stock: np.ndarray, duds: np.ndarray, posture_multipliers: np.ndarray) -> None:
        """Hold views of the model's unit stock and its side's posture multipliers."""
        self.stock = stock
        self.duds = duds
        self.posture_multipliers = posture_multipliers  # [M, 3], by posture code
        self._draws = self.stream("demand", 2 * self.model.n_munitions)

    def expected_demand(self) -> np.ndarray:
        """Mean rounds per day it wants now, ``[M, K]`` (no noise)."""
        p = self.params
        members = np.arange(len(p.posture))
        multiplier = self.posture_multipliers[members, p.posture] * p.intensity
        return p.base_rounds_per_day * multiplier[:, None]

    def request(self) -> np.ndarray:
        """Rounds it orders from its depot today."""
        target = np.ceil(self.params.target_days_of_supply[:, None] * self.expected_demand())
        return np.maximum(target.astype(np.int64) - self.stock, 0)

    def receive(self, rounds: np.ndarray, duds: np.ndarray) -> None:
        """Take delivery."""
        self.stock += rounds
        self.duds += duds

    def fire(self) -> None:
        """Fire today's rounds, rationing when supply runs low."""
        day, k = self.model.day, self.model.n_munitions
        p = self.params
        u = self._draws.uniforms(day)
        expected = self.expected_demand()
        demand = stochastic_round(
            expected * lognormal_noise(p.demand_noise_cv[:, None], u[:, :k]), u[:, k:]
        )
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            days_of_supply = np.where(expected > 0, self.stock / expected, np.inf)
        fired = fire_allowed(
            demand,
            self.stock,
            days_of_supply,
            p.rationing_threshold_days[:, None],
            p.ration_share[:, None],
        )
        duds = carried_share(fired, self.stock, self.duds)
        self.stock -= fired
        self.duds -= duds
        ledger = self.model.ledger
        ledger.add("demanded", self.side, demand)
        ledger.add("fired", self.side, fired)
        ledger.add("duds", self.side, duds)
