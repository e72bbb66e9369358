"""Command: a side's tempo policy, which sets how much of its plan its units fire.

The scripted postures and intensities are the side's plan. Its policy keeps a reserve:
``reserve_days_of_supply`` days of the plan's fire (by munition, the side's units'
expected demand) in its depots and front units, and more,
``offensive_reserve_days_of_supply``, in the ``offensive_lead_days`` before a planned
offensive (a unit's posture set to offensive by a dated event), so stock builds before
an offensive and is spent once it starts. Holding fewer days than it wants, the side
fires that share of what its units could (days held ÷ days wanted, at least
``min_tempo``): a side short of shells fights a less intense war. A planned offensive
may also wait for stock: until the side holds ``offensive_launch_days_of_supply`` days
of its planned fire (the offensive's included), at most ``offensive_max_delay_days``,
the unit fires as in its posture before, while its depot already orders for the
offensive; the offensive's end stays on its date, so a late start is a shorter
offensive. What the side holds back is booked as ``held_back`` (the waits' part as
``postponed``); ammunition and tubes limit what is left.

It also says how short the side is, in days of planned fire held (``days_held``): the
responses to shortage of stockpiles and foreign suppliers read the day before's.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.engine.agents.base import SupplyAgent
from sim.engine.agents.exchange import HECTARES_PER_KM2
from sim.engine.agents.front_unit import OFFENSIVE, POSTURES, expected_demand
from sim.engine.compiled import kernel
from sim.scenario import schema
from sim.scenario.paths import split_path
from sim.scenario.schema import NEVER_DAYS

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel


class CommandArrays(NamedTuple):
    """Each side's policy, ``[M, S]``, its planned offensives and today's tempo."""

    reserve_days_of_supply: np.ndarray
    offensive_reserve_days_of_supply: np.ndarray
    offensive_lead_days: np.ndarray
    min_tempo: np.ndarray
    offensive_launch_days_of_supply: np.ndarray
    offensive_max_delay_days: np.ndarray
    tubes_destroyed_per_1000_rounds: np.ndarray
    fire_response_share: np.ndarray
    casualties_per_1000_rounds: np.ndarray
    offensive_casualty_factor: np.ndarray
    ground_km2_per_day: np.ndarray
    breakeven_fire_ratio: np.ndarray
    ground_share_in_defence: np.ndarray
    tube_ratio_exponent: np.ndarray
    ground: np.ndarray  # [M, S] hectares held (see ``sim.engine.agents.exchange``)
    offensives: np.ndarray  # [M, S, n] days planned offensives start, in order, then NEVER
    tempo: np.ndarray  # [M, S, K] the share of what they could fire the units fire today
    days_held: np.ndarray  # [M, S, K] days of planned fire in depots and units (inf: no plan)
    days_held_all: np.ndarray  # [M, S] the same over all munitions
    wait_share: np.ndarray  # [M, U] share of its fire a unit whose offensive waits fires
    waiting_since: np.ndarray  # [M, U] day its offensive was planned to start, -1: none
    launched: np.ndarray  # [M, U] its offensive has started
    before: np.ndarray  # [M, U] its last posture other than offensive


class Command(SupplyAgent):
    """A side's command: its tempo policy (see the module)."""

    kind = "sides"
    spec = schema.Side

    @classmethod
    def build(cls, model: SupplyModel) -> tuple[CommandArrays]:
        table = cls.table(model)
        table.fix("offensive_launch_days_of_supply")  # whether a side ever waits: at build
        table.fix("ground_held_km2")  # a stock: by the books
        for index, spec in enumerate(model.base.sides):
            cls(model, spec.id, index, index, table.entity(f"sides.{spec.id}", index))
        planned = [_offensives(model, scenario) for scenario in model.distinct]
        longest = max([len(days) for plan in planned for days in plan] + [1])
        shape = (len(model.distinct), len(model.sides), longest)
        offensives = np.full(shape, NEVER_DAYS, np.int64)
        for row, plan in enumerate(planned):
            for side, days in enumerate(plan):
                offensives[row, side, : len(days)] = days
        n, units = model.n_members, model.base.front_units
        arrays = CommandArrays(
            offensives=offensives[model.member_of],
            wait_share=np.ones((n, len(units))),
            waiting_since=np.full((n, len(units)), -1, np.int64),
            launched=np.ones((n, len(units)), np.bool_),  # an offensive on day 0 is under way
            before=np.tile(np.array([POSTURES.index(u.posture) for u in units], np.int64), (n, 1)),
            tempo=np.ones((model.n_members, len(model.sides), model.n_munitions)),
            days_held=np.full((model.n_members, len(model.sides), model.n_munitions), np.inf),
            days_held_all=np.full((model.n_members, len(model.sides)), np.inf),
            ground=np.rint(table["ground_held_km2"] * HECTARES_PER_KM2).astype(np.int64),
            **table.columns(CommandArrays),
        )
        return (arrays,)


def _offensives(model: SupplyModel, scenario: schema.Scenario) -> list[list[int]]:
    """Each side's planned offensives in one scenario: the days an event sets a unit's
    posture to offensive, in order."""
    side_of = {u.id: model.sides.index(u.side) for u in scenario.front_units}
    days: list[set[int]] = [set() for _ in model.sides]
    for event in scenario.events:
        day = (event.date - model.start_date).days
        for path, value in event.set.items():
            kind, unit, *rest = split_path(path) + [""]
            posture = kind == "front_units" and rest[:1] == ["posture"]
            if posture and value == "offensive" and day > 0 and unit in side_of:
                days[side_of[unit]].add(day)
    return [sorted(d) for d in days]


@kernel
def set_tempo(c, depots, units, day):
    """Today's tempo of every side and munition, from its stocks and its plan."""
    n_sides, n_munitions = c.tempo.shape[1], c.tempo.shape[2]
    for m in range(c.tempo.shape[0]):
        for s in range(n_sides):
            soon = False  # an offensive starts within the lead days
            for i in range(c.offensives.shape[2]):
                ahead = c.offensives[m, s, i] - day
                soon = soon | ((ahead > 0) & (ahead <= c.offensive_lead_days[m, s]))
            wanted = c.reserve_days_of_supply[m, s]
            wanted += c.offensive_reserve_days_of_supply[m, s] * soon
            held_all, plan_all = np.int64(0), 0.0
            for k in range(n_munitions):
                held = np.int64(0)
                for d in range(depots.side.shape[0]):
                    held += depots.stock[m, d, k] * (depots.side[d] == s)
                plan = 0.0
                for u in range(units.side.shape[0]):
                    if units.side[u] == s:
                        held += units.stock[m, u, k]
                        multiplier = units.posture_multipliers[m, s, units.posture[m, u]]
                        plan += expected_demand(
                            units.base_rounds_per_day[m, u, k], multiplier, units.intensity[m, u]
                        )
                tempo = 1.0
                if (wanted > 0.0) & (plan > 0.0):
                    tempo = min(max(held / (plan * wanted), c.min_tempo[m, s]), 1.0)
                c.tempo[m, s, k] = tempo
                c.days_held[m, s, k] = held / plan if plan > 0.0 else math.inf
                held_all += held * (plan > 0.0)  # a munition outside the plan (a strike
                plan_all += plan  # campaign's) is no days of planned fire
            c.days_held_all[m, s] = held_all / plan_all if plan_all > 0.0 else math.inf
        launch(c, units, day, m)


@kernel
def launch(c, units, day, m):
    """Whether each unit's planned offensive starts today or waits for stock, and the
    share of its fire it fires while it waits (its posture before, to the offensive's).
    A side that never waits (a launch threshold of 0, fixed at build) is left alone."""
    for u in range(units.side.shape[0]):
        s, posture = units.side[u], units.posture[m, u]
        if c.offensive_launch_days_of_supply[m, s] > 0.0:
            attacking = posture == OFFENSIVE
            if not attacking:
                c.before[m, u], c.waiting_since[m, u], c.launched[m, u] = posture, -1, False
            if attacking & (c.waiting_since[m, u] < 0):
                c.waiting_since[m, u] = day
            waited = day - c.waiting_since[m, u]
            ready = c.days_held_all[m, s] >= c.offensive_launch_days_of_supply[m, s]
            waiting = attacking & (not c.launched[m, u]) & (not ready)
            waiting = waiting & (waited < c.offensive_max_delay_days[m, s])
            if attacking & (not waiting):
                c.launched[m, u] = True
            share = 1.0
            if waiting:
                planned = units.posture_multipliers[m, s, OFFENSIVE]
                before = units.posture_multipliers[m, s, c.before[m, u]]
                if planned > 0.0:
                    share = min(before / planned, 1.0)
            c.wait_share[m, u] = share
