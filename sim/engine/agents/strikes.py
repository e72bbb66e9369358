"""StrikeCampaign: deep strikes on a side's depots, with the munitions the striker holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.engine.accounts import flow_index
from sim.engine.agents.base import SupplyAgent, positions, sides_of, stack_keys
from sim.engine.arithmetic import MAX_ROUNDS, carried_share, strike_losses, whole_cap
from sim.engine.compiled import kernel
from sim.engine.parameters import codes
from sim.engine.rng import poisson, round_drawn, uniform
from sim.engine.structure import whole
from sim.scenario import schema

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel

DESTROYED, LAUNCHED = flow_index("destroyed"), flow_index("launched")
RANDOM, LARGEST, NEAREST = (
    (codes(schema.StrikeCampaign.model_fields["targeting"]) or ()).index(name)
    for name in ("random", "largest", "nearest")
)


class StrikeArrays(NamedTuple):
    """Every campaign's numbers and reach: ``[C]`` wiring, ``[M, C]`` parameters."""

    side: np.ndarray  # [C] the side struck
    munition: np.ndarray  # [C] the long-range munition a strike spends, -1: none
    from_depot: np.ndarray  # [C] the striking side's depot holding it, -1: none
    striker: np.ndarray  # [C] the striking side, -1: not modelled
    reach_start: np.ndarray  # [C + 1] the depots each campaign can reach
    reach: np.ndarray
    enabled: np.ndarray
    strikes_per_day: np.ndarray
    max_strikes_per_day: np.ndarray
    targeting: np.ndarray
    destroyed_share: np.ndarray
    destroyed_share_spread: np.ndarray
    rounds_per_strike: np.ndarray
    launchers: np.ndarray
    strikes_per_launcher_per_day: np.ndarray
    slots: np.ndarray  # [C] the most strikes a day any member can make
    count_keys: np.ndarray  # [M, C] the "strike_count" stream
    launch_keys: np.ndarray  # [M, C] the "launch_capacity" stream (fractional capacity)
    slot_keys: np.ndarray  # [M, C, slots] one stream per strike of the day
    share_keys: np.ndarray  # [M, C, slots] each strike's destroyed share


class StrikeCampaign(SupplyAgent):
    """Plans a Poisson number of strikes a day (at most ``max_strikes_per_day``) and
    makes those its launchers can launch and its long-range munition can arm.

    Each strike spends ``rounds_per_strike`` of the munition from the striking side's
    depot, picks a depot it can reach (at random, the largest stock, or the nearest to
    the front), hits with the depot's exposure (a salvo of duds misses), and destroys a
    share of its stock drawn from ``destroyed_share ± destroyed_share_spread``, less what
    dispersal and hardened storage protect.
    """

    kind = "strikes"
    spec = schema.StrikeCampaign

    @classmethod
    def build(cls, model: SupplyModel) -> tuple[StrikeArrays]:
        base, n = model.base, model.n_members
        table = cls.table(model)
        agents = cls.create(model, table)
        reach: list[int] = []
        reach_start = [0]
        slots = []
        for agent, spec in zip(agents, base.strikes, strict=True):
            names = spec.depots or [d.id for d in base.depots if d.side == spec.target_side]
            reach += [model.depot_index(name) for name in names]
            reach_start.append(len(reach))
            path = f"{agent.key}.max_strikes_per_day"
            by_events = [whole(v) for m in model.distinct for e in m.events
                         for k, v in e.set.items() if k == path]  # fmt: skip
            slots.append(max([int(table["max_strikes_per_day"][:, agent.index].max()), *by_events]))
        most = max(slots, default=0)
        slot_keys = np.zeros((n, len(agents), most), np.uint64)
        share_keys = np.zeros_like(slot_keys)
        # one stream per strike slot: a member's draws never depend on how many slots
        # its batch-mates need
        for c, agent in enumerate(agents):
            for slot in range(slots[c]):
                slot_keys[:, c, slot] = agent.stream(f"strike_{slot}")
                share_keys[:, c, slot] = agent.stream(f"strike_{slot}.share")
        munitions = [model.munitions.index(c.munition or "") if c.munition else -1
                     for c in base.strikes]  # fmt: skip
        depots = [model.depot_index(c.from_depot) if c.from_depot else -1 for c in base.strikes]
        arrays = StrikeArrays(
            side=sides_of(agents),
            munition=positions(munitions),
            from_depot=positions(depots),
            striker=positions(
                [model.sides.index(base.depots[d].side) if d >= 0 else -1 for d in depots]
            ),  # fmt: skip
            reach_start=positions(reach_start),
            reach=positions(reach),
            slots=positions(slots),
            count_keys=stack_keys(agents, "strike_count", n),
            launch_keys=stack_keys(agents, "launch_capacity", n),
            slot_keys=slot_keys,
            share_keys=share_keys,
            **table.columns(StrikeArrays),
        )
        return (arrays,)


@kernel
def strike(a, depots, day, books):
    """Today's strikes of every campaign.

    A strike aimed at the largest stock picks the reachable depot holding most rounds
    (the first of equals); at the nearest, the one nearest the front (the first of
    equals). Draws are made only for the strikes there are: the rest would not be used.
    """
    n_munitions = depots.stock.shape[2]
    draws = 2 + n_munitions
    for m in range(depots.stock.shape[0]):
        for c in range(a.side.shape[0]):
            first, n = a.reach_start[c], a.reach_start[c + 1] - a.reach_start[c]
            rate = a.strikes_per_day[m, c] if a.enabled[m, c] else 0.0
            if (n == 0) | (rate == 0.0):
                continue
            count = poisson(rate, uniform(a.count_keys[m, c], day, 1, 0), a.slots[c])
            made, failed = min(count, a.max_strikes_per_day[m, c]), 0.0
            if a.munition[c] >= 0:  # a campaign with means: as many as they allow
                made, failed = launch(a, depots, m, c, made, day, books)
            for slot in range(made):
                key = a.slot_keys[m, c, slot]
                target = a.reach[first + min(np.int64(uniform(key, day, draws, 0) * n), n - 1)]
                if a.targeting[m, c] == NEAREST:
                    target = a.reach[first]
                    for i in range(first, first + n):
                        distance = depots.distance_to_front_km[m, a.reach[i]]
                        if distance < depots.distance_to_front_km[m, target]:
                            target = a.reach[i]
                elif a.targeting[m, c] == LARGEST:
                    most = np.int64(-1)
                    for i in range(first, first + n):
                        held = np.int64(0)
                        for k in range(n_munitions):
                            held += depots.stock[m, a.reach[i], k]
                        if held > most:
                            target, most = a.reach[i], held
                if uniform(key, day, draws, 1) >= depots.exposure[m, target] * (1.0 - failed):
                    continue
                protected = depots.dispersal[m, target] * depots.dispersal_protection[m, target]
                reached = protected + (1.0 - protected) * depots.hardened_share[m, target]
                share = destroyed_share(
                    a.destroyed_share[m, c],
                    a.destroyed_share_spread[m, c],
                    a.share_keys[m, c, slot],
                    day,
                    reached,
                )
                for k in range(n_munitions):
                    stock = depots.stock[m, target, k]
                    lost = strike_losses(stock, share, uniform(key, day, draws, 2 + k))
                    depots.duds[m, target, k] -= carried_share(
                        lost, stock, depots.duds[m, target, k]
                    )
                    depots.stock[m, target, k] -= lost
                    books[m, DESTROYED, a.side[c], k] += lost


@kernel
def launch(a, depots, m, c, planned, day, books):
    """Campaign ``c``'s strikes today: as many of the ``planned`` as its launchers can
    launch (a fractional capacity rounded stochastically, so 0.3 a day is 0.3 a day on
    average) and its munition in stock can arm, spent and booked as ``launched``.

    Returns the strikes made and the share of their munitions that are duds (a dud
    salvo misses).
    """
    k, d = a.munition[c], a.from_depot[c]
    salvo = a.rounds_per_strike[m, c]
    rate = a.strikes_per_launcher_per_day[m, c]
    capacity = a.launchers[m, c] * rate if rate > 0.0 else 0.0
    launchable = whole_cap(capacity)  # unlimited launchers
    if capacity < MAX_ROUNDS:  # a capacity of 0.3 a day is 0.3 a day on average
        launchable = round_drawn(capacity, a.launch_keys[m, c], day, 1, 0)
    made = min(planned, launchable, depots.stock[m, d, k] // salvo)
    spent = made * salvo
    duds = carried_share(spent, depots.stock[m, d, k], depots.duds[m, d, k])
    depots.duds[m, d, k] -= duds
    depots.stock[m, d, k] -= spent
    books[m, LAUNCHED, a.striker[c], k] += spent
    return made, duds / spent if spent > 0 else 0.0


@kernel
def destroyed_share(mean, spread, key, day, protection):
    """The share of a depot's stock one hit destroys: drawn from ``mean ± spread`` (with
    the stream ``key``), less what dispersal and hardening protect (``protection``)."""
    share = mean
    if spread > 0.0:
        u = uniform(key, day, 1, 0)
        share = min(max(mean + spread * (2.0 * u - 1.0), 0.0), 1.0)
    return share * (1.0 - protection)
