"""Stockpile: a legacy reserve released by a refurbishment line, which also reworks
imported rounds.

The line's daily capacity is shared: imported rounds waiting for rework are taken first
(they are the buyer's newest stock and need only inspection or repair), each taking
``rework_effort`` of a legacy round's capacity, and the legacy reserve gets what
capacity is left. Of the rounds reworked, a ``rework_discard_share``
is beyond repair; the rest leave the plant ``rework_days`` later for its depot, with a
``rework_dud_rate`` share that still fails at the gun.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.engine.accounts import flow_index, stock_index
from sim.engine.agents.base import SupplyAgent, positions, sides_of, stack_keys
from sim.engine.compiled import kernel
from sim.engine.network import dispatch, today
from sim.engine.rng import round_drawn
from sim.scenario import schema

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel

REFURBISHED, DISCARDED = flow_index("refurbished"), flow_index("discarded")
REWORKED, REWORK_DISCARDED = flow_index("reworked"), flow_index("rework_discarded")
STOCK_LEGACY, STOCK_REWORK = stock_index("stock_legacy"), stock_index("stock_rework")


class StockpileArrays(NamedTuple):
    """Every reserve's stock and numbers."""

    side: np.ndarray  # [X]
    depot: np.ndarray  # [X] the depot its line sits at
    stock: np.ndarray  # [M, X, K] not yet refurbished
    enabled: np.ndarray
    refurbish_rounds_per_day: np.ndarray
    unserviceable_share: np.ndarray
    unserviceable_share_when_empty: np.ndarray  # < 0: as unserviceable_share
    surge_refurbish_rounds_per_day: np.ndarray
    surge_below_days_of_supply: np.ndarray
    surge_from: np.ndarray  # [M, X] day number
    opening: np.ndarray  # [M, X, K] the stock at the start
    dud_rate: np.ndarray
    keys: np.ndarray  # [M, X] the "refurbishment" stream
    queue: np.ndarray  # [M, X, K] imported rounds waiting for rework
    rework_line: np.ndarray  # [X] its plant's line to its depot, -1: it reworks nothing
    rework_days: np.ndarray
    rework_effort: np.ndarray
    rework_discard_share: np.ndarray
    rework_dud_rate: np.ndarray
    rework_keys: np.ndarray  # [M, X] the "rework" stream


class Stockpile(SupplyAgent):
    """Takes rounds out of storage each day; the unserviceable share is discarded.

    Refurbished rounds go straight to its depot (the line sits at the arsenal). While
    its side is short of a munition it takes out ``surge_refurbish_rounds_per_day``
    more; the unserviceable share may rise as storage empties (the deeper rows are the
    worse kept).
    """

    kind = "stockpiles"
    spec = schema.Stockpile

    @property
    def stock(self) -> np.ndarray:
        """Rounds still in storage, ``[M, K]``."""
        return self.model.arrays.stockpiles.stock[:, self.index]

    @classmethod
    def build(cls, model: SupplyModel) -> tuple[StockpileArrays]:
        table = cls.table(model)
        agents = cls.create(model, table)
        depots = [model.depot_index(x.ship_to) for x in model.base.stockpiles]
        reworking = {i.rework_at for i in model.base.importers}
        lines = [
            model.lines.add(f"{agent.key}.rework", receiver=depot, side=agent.side,
                            imported=False) if agent.spec_id in reworking else -1
            for agent, depot in zip(agents, depots, strict=True)
        ]  # fmt: skip
        arrays = StockpileArrays(
            side=sides_of(agents),
            depot=positions(depots),
            stock=table["stock_rounds"].copy(),
            opening=table["stock_rounds"].copy(),
            keys=stack_keys(agents, "refurbishment", model.n_members),
            queue=np.zeros_like(table["stock_rounds"]),
            rework_line=positions(lines),
            rework_keys=stack_keys(agents, "rework", model.n_members),
            **table.columns(StockpileArrays),
        )
        return (arrays,)


@kernel
def unserviceable(share, share_when_empty, stock, opening):
    """The unserviceable share of what is taken out now: from ``share`` when full to
    ``share_when_empty`` when empty, in line with the share drawn (negative: constant)."""
    if (share_when_empty < 0.0) | (opening <= 0):
        return share
    drawn = 1.0 - stock / opening
    return share + (share_when_empty - share) * drawn


@kernel
def refurbish(a, sides, depots, transit, day, books):
    """Every refurbishment line runs for a day (more while its side is short): imported
    rounds waiting for rework first, then the legacy reserve."""
    n_munitions = a.stock.shape[2]
    draws = 3 * n_munitions
    slot = today(transit.ring, day)
    for m in range(a.stock.shape[0]):
        for x in range(a.side.shape[0]):
            side, depot, key = a.side[x], a.depot[x], a.keys[m, x]
            on = 1.0 if a.enabled[m, x] else 0.0
            for k in range(n_munitions):
                short = (sides.days_held[m, side, k] < a.surge_below_days_of_supply[m, x]) & (
                    day >= a.surge_from[m, x]
                )
                surge = a.surge_refurbish_rounds_per_day[m, x, k] * short
                rate = round_drawn(
                    (a.refurbish_rounds_per_day[m, x, k] + surge) * on, key, day, draws, k
                )
                used = np.int64(0)
                if a.queue[m, x, k] > 0:  # imported rounds wait: they go first
                    effort = a.rework_effort[m, x]
                    # the rounds today's capacity can rework, rounded on the rework
                    # stream (so an effort above the day's rate still reworks, some days)
                    able = round_drawn(rate / effort, a.rework_keys[m, x], day,
                                       3 * n_munitions, 2 * n_munitions + k)  # fmt: skip
                    reworked = min(able, a.queue[m, x, k])
                    used = min(np.int64(np.rint(reworked * effort)), rate)
                    rework(a, m, x, k, reworked, transit, slot, day, books)
                taken = min(rate - used, a.stock[m, x, k])
                share = unserviceable(a.unserviceable_share[m, x],
                                      a.unserviceable_share_when_empty[m, x],
                                      a.stock[m, x, k], a.opening[m, x, k])  # fmt: skip
                discarded = round_drawn(taken * share, key, day, draws, n_munitions + k)
                refurbished = taken - discarded
                duds = round_drawn(
                    refurbished * a.dud_rate[m, x], key, day, draws, 2 * n_munitions + k
                )
                a.stock[m, x, k] -= taken
                depots.stock[m, depot, k] += refurbished
                depots.duds[m, depot, k] += duds
                books[m, DISCARDED, side, k] += discarded
                books[m, REFURBISHED, side, k] += refurbished


@kernel
def rework(a, m, x, k, rounds, transit, slot, day, books):
    """Rework ``rounds`` of munition ``k`` waiting at line ``x``: discard what is beyond
    repair, send the rest to the depot after ``rework_days``."""
    n_munitions = a.stock.shape[2]
    key = a.rework_keys[m, x]
    lost = round_drawn(rounds * a.rework_discard_share[m, x], key, day, 3 * n_munitions, k)
    fixed = rounds - lost
    duds = round_drawn(fixed * a.rework_dud_rate[m, x], key, day, 3 * n_munitions,
                       n_munitions + k)  # fmt: skip
    a.queue[m, x, k] -= rounds
    dispatch(transit.ring, transit.under_way, m, a.rework_line[x], slot,
             a.rework_days[m, x], k, fixed, duds)  # fmt: skip
    books[m, REWORK_DISCARDED, a.side[x], k] += lost
    books[m, REWORKED, a.side[x], k] += fixed


@kernel
def hold(a, holdings):
    """Add what is still in storage, and waiting for rework, to the day's holdings."""
    for m in range(a.stock.shape[0]):
        for x in range(a.side.shape[0]):
            for k in range(a.stock.shape[2]):
                holdings[m, STOCK_LEGACY, a.side[x], k] += a.stock[m, x, k]
                holdings[m, STOCK_REWORK, a.side[x], k] += a.queue[m, x, k]
