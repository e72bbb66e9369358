"""Producer: a domestic plant or lumped industry."""

from __future__ import annotations

import numpy as np

from sim.agents.base import SupplyAgent
from sim.network import Pipeline
from sim.rng import lognormal_noise, stochastic_round
from sim.sanctions import input_availability


def ramp_capacity(day: int, ramp_days: np.ndarray, ramp_rates: np.ndarray) -> np.ndarray:
    """Capacity on ``day``, linear between ramp points, flat after the last.

    Args:
        ramp_days: ``[M, R]`` day numbers of the points (the first is day 0).
        ramp_rates: ``[M, R, K]`` rounds per day at each point.
    """
    capacity = ramp_rates[:, 0, :].copy()
    for j in range(ramp_days.shape[1] - 1):
        span = (ramp_days[:, j + 1] - ramp_days[:, j]).astype(np.float64)
        safe = np.where(span > 0, span, 1.0)
        linear = np.clip((day - ramp_days[:, j]) / safe, 0.0, 1.0)
        progress = np.where(span > 0, linear, day >= ramp_days[:, j + 1])
        capacity += (ramp_rates[:, j + 1, :] - ramp_rates[:, j, :]) * progress[:, None]
    return capacity


class Producer(SupplyAgent):
    """Makes rounds each day and ships them to its depot.

    Output = capacity(t) x capacity_scale x input availability x noise, rounded
    stochastically to whole rounds; a ``dud_rate`` share is marked as latent duds.
    """

    kind = "producers"

    def setup(
        self, ramp_days: np.ndarray, ramp_rates: np.ndarray, pipeline: Pipeline, destination
    ) -> None:
        """Wire the capacity ramp and the leg to the receiving depot."""
        self.ramp_days = ramp_days
        self.ramp_rates = ramp_rates
        self.pipeline = pipeline
        self.destination = destination
        self._draws = self.stream("output", 3 * self.model.n_munitions)

    def produce(self) -> None:
        """Make today's output and put it on the way to the depot."""
        day, k = self.model.day, self.model.n_munitions
        p = self.params
        u = self._draws.uniforms(day)
        capacity = ramp_capacity(day, self.ramp_days, self.ramp_rates)
        capacity *= (p.capacity_scale * p.enabled)[:, None]
        pressure, evasion = self.model.sanctions.pressure_on(self.side)
        available = input_availability(p.sanctioned_input_share, pressure, evasion)
        noise = lognormal_noise(p.noise_cv[:, None], u[:, :k])
        made = stochastic_round(capacity * available[:, None] * noise, u[:, k : 2 * k])
        duds = stochastic_round(made * p.dud_rate[:, None], u[:, 2 * k :])
        transit = p.transit_days.astype(np.int64) + self.destination.extra_transit_days()
        self.pipeline.dispatch(day, made, duds, transit)
        self.model.ledger.add("produced", self.side, made)
