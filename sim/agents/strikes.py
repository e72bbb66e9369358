"""StrikeCampaign: the enemy's strikes on a side's depots."""

from __future__ import annotations

import numpy as np

from sim.agents.base import SupplyAgent
from sim.arithmetic import carried_share, strike_losses
from sim.rng import poisson_from_uniform

RANDOM, LARGEST, NEAREST = 0, 1, 2


class StrikeCampaign(SupplyAgent):
    """Strikes a Poisson number of times a day (at most ``max_strikes_per_day``).

    Each strike picks a depot it can reach (at random, the largest stock, or the
    nearest to the front), hits with the depot's exposure, and destroys the destroyed
    share of its stock, less what dispersal protects.
    """

    kind = "strikes"

    def setup(self, depots: list, most_by_events: int = 0) -> None:
        """The depots it can reach; ``most_by_events`` is the highest daily cap any event sets."""
        self.depots = depots
        slots = max(int(self.params.max_strikes_per_day.max()), most_by_events)
        # one stream per strike slot: a member's draws never depend on how many slots
        # its batch-mates need
        self._count = self.stream("strike_count", 1)
        self._slots = [self.stream(f"strike_{k}", 2 + self.model.n_munitions) for k in range(slots)]

    def strike(self) -> None:
        """Today's strikes."""
        if not self.depots:
            return
        day, k = self.model.day, self.model.n_munitions
        p = self.params
        cap = p.max_strikes_per_day.astype(np.int64)
        rate = p.strikes_per_day * p.enabled
        first = self._count.uniforms(day)[:, 0]
        count = np.minimum(poisson_from_uniform(rate, first, len(self._slots)), cap)
        members = np.arange(self.model.n_members)
        exposure = np.stack([d.params.exposure for d in self.depots], axis=1)
        distance = np.stack([d.params.distance_to_front_km for d in self.depots], axis=1)
        protection = np.stack(
            [d.params.dispersal * d.params.dispersal_protection for d in self.depots], axis=1
        )
        nearest = np.argmin(distance, axis=1)
        for slot, stream in enumerate(self._slots):
            draw = stream.uniforms(day)
            stocks = np.stack([d.stock for d in self.depots], axis=1)  # [M, D, K]
            duds = np.stack([d.duds for d in self.depots], axis=1)
            choice = np.select(
                [p.targeting == LARGEST, p.targeting == NEAREST],
                [np.argmax(stocks.sum(axis=2), axis=1), nearest],
                np.minimum((draw[:, 0] * len(self.depots)).astype(np.int64), len(self.depots) - 1),
            )
            hit = (slot < count) & (draw[:, 1] < exposure[members, choice])
            share = p.destroyed_share * (1.0 - protection[members, choice])
            target_stock = stocks[members, choice]
            lost = strike_losses(target_stock, share[:, None], draw[:, 2 : 2 + k]) * hit[:, None]
            lost_duds = carried_share(lost, target_stock, duds[members, choice])
            for index, depot in enumerate(self.depots):
                mine = (choice == index)[:, None]
                depot.stock -= lost * mine
                depot.duds -= lost_duds * mine
            self.model.ledger.add("destroyed", self.side, lost)
