"""FrontUnit: a sector or formation that orders from its depot and fires."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple, cast

import numpy as np

from sim.engine.accounts import flow_index, stock_index
from sim.engine.agents.base import SupplyAgent, positions, sides_of, stack_keys
from sim.engine.agents.gun_park import fire_capacity
from sim.engine.arithmetic import carried_share, fire_allowed, share_out_rows
from sim.engine.compiled import kernel
from sim.engine.parameters import codes
from sim.engine.rng import LOGNORMAL, noise_drawn, round_drawn
from sim.scenario import schema

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel

DEMANDED, FIRED, DUDS = flow_index("demanded"), flow_index("fired"), flow_index("duds")
TUBE_LIMITED, HELD_BACK = flow_index("tube_limited"), flow_index("held_back")
POSTPONED = flow_index("postponed")
STOCK_UNIT = stock_index("stock_unit")
POSTURES = cast(tuple[schema.Posture, ...], codes(schema.FrontUnit.model_fields["posture"]))
"""The postures in the order of their codes in the arrays."""
OFFENSIVE = POSTURES.index("offensive")


class UnitArrays(NamedTuple):
    """Every front unit's stock and numbers: ``[U]`` wiring, ``[M, U(, K)]`` the rest."""

    side: np.ndarray
    depot: np.ndarray
    stock: np.ndarray  # [M, U, K]
    duds: np.ndarray  # [M, U, K] latent duds within ``stock``
    base_rounds_per_day: np.ndarray
    posture: np.ndarray
    intensity: np.ndarray
    demand_noise_cv: np.ndarray
    target_days_of_supply: np.ndarray
    rationing_threshold_days: np.ndarray
    ration_share: np.ndarray
    priority: np.ndarray
    posture_multipliers: np.ndarray  # [M, S, postures] each side's demand multipliers
    keys: np.ndarray  # [M, U] the "demand" stream
    face_start: np.ndarray  # [U + 1] each unit's first row of ``faced``
    faced: np.ndarray  # [n] the enemy units each unit faces, unit by unit
    effective: np.ndarray  # [M, U] today's effective fire (rounds fired less duds)
    received: np.ndarray  # [M, U] the enemy's effective fire at it the day before
    casualty_keys: np.ndarray  # [M, U] the "casualties" stream (what its fire causes)
    ground_keys: np.ndarray  # [M, U] the "ground" stream (what it takes)


class FrontUnit(SupplyAgent):
    """Orders from its depot up to a target days of supply, then fires.

    Demand = base rate x posture multiplier x intensity x noise. It fires
    min(demand, on hand); below ``rationing_threshold_days`` of supply it fires only
    ``ration_share`` of demand; and no more than its serviceable tubes can (see
    ``sim.engine.agents.gun_park``). Latent duds among what it fires are its duds.
    """

    kind = "front_units"
    spec = schema.FrontUnit

    @property
    def stock(self) -> np.ndarray:
        """Rounds held now, ``[M, K]``."""
        return self.model.arrays.units.stock[:, self.index]

    @classmethod
    def build(cls, model: SupplyModel) -> tuple[UnitArrays]:
        table = cls.table(model)
        agents = cls.create(model, table)
        multipliers = np.array(
            [
                [[side.posture_multipliers.get(name, 1.0) for name in POSTURES] for side in s.sides]
                for s in model.members
            ],
            np.float64,
        ).reshape(model.n_members, len(model.sides), len(POSTURES))
        stock = table["stock_rounds"].copy()
        ids = [u.id for u in model.base.front_units]
        faced = [ids.index(enemy) for u in model.base.front_units for enemy in u.faces]
        face_start = np.cumsum([0] + [len(u.faces) for u in model.base.front_units])
        arrays = UnitArrays(
            side=sides_of(agents),
            depot=positions([model.depot_index(u.depot) for u in model.base.front_units]),
            stock=stock,
            duds=np.zeros_like(stock),
            posture_multipliers=multipliers,
            keys=stack_keys(agents, "demand", model.n_members),
            face_start=positions(face_start.tolist()),
            faced=positions(faced),
            effective=np.zeros((model.n_members, len(ids)), np.int64),
            received=np.zeros((model.n_members, len(ids))),
            casualty_keys=stack_keys(agents, "casualties", model.n_members),
            ground_keys=stack_keys(agents, "ground", model.n_members),
            **table.columns(UnitArrays),
        )
        return (arrays,)


@kernel
def expected_demand(base_rounds_per_day, posture_multiplier, intensity):
    """Mean rounds a unit wants a day (no noise): base x posture multiplier x intensity."""
    return base_rounds_per_day * (posture_multiplier * intensity)


@kernel
def order_up_to(target_days_of_supply, expected_demand, stock):
    """Rounds ordered to bring ``stock`` up to a target days of supply."""
    target = np.int64(math.ceil(target_days_of_supply * expected_demand))
    return max(target - stock, 0)


@kernel
def fire(a, command, guns, day, books, work):
    """Every unit fires today's rounds: its plan and its answer to yesterday's enemy
    fire, rationed when supply runs low, as far as its serviceable tubes allow, at its
    side's tempo; what it fires wears their barrels.

    ``work`` is work space, ``[4, K]``: what ammunition allows of each munition, what
    the tubes allow of that, then a tube type's share-out.
    """
    n_munitions = a.stock.shape[2]
    draws = 2 * n_munitions
    allowed, fired, asked, given = 0, 1, 2, 3
    for m in range(a.stock.shape[0]):
        for u in range(a.side.shape[0]):
            side, key, posture = a.side[u], a.keys[m, u], a.posture[m, u]
            multiplier = a.posture_multipliers[m, side, posture]
            answer = command.fire_response_share[m, side] * a.received[m, u]
            base = 0.0
            if answer > 0.0:  # most units of most scenarios answer nothing
                for k in range(n_munitions):
                    base += a.base_rounds_per_day[m, u, k]
            for k in range(n_munitions):
                expected = expected_demand(
                    a.base_rounds_per_day[m, u, k], multiplier, a.intensity[m, u]
                )
                if (answer > 0.0) & (base > 0.0):  # the enemy's fire answered
                    expected += answer * a.base_rounds_per_day[m, u, k] / base
                demand = np.int64(0)  # a munition it does not fire draws no noise
                if expected > 0.0:
                    noise = noise_drawn(LOGNORMAL, a.demand_noise_cv[m, u], key, day, draws, k)
                    demand = round_drawn(expected * noise, key, day, draws, n_munitions + k)
                stock = a.stock[m, u, k]
                days_of_supply = stock / expected if expected > 0.0 else math.inf
                work[allowed, k] = fire_allowed(
                    demand,
                    stock,
                    days_of_supply,
                    a.rationing_threshold_days[m, u],
                    a.ration_share[m, u],
                )
                work[fired, k] = work[allowed, k]
                books[m, DEMANDED, side, k] += demand
            # what the tubes can fire: a tube type's munitions share them in proportion
            # (a lone one: all)
            for t in range(guns.barrel_life.shape[1]):
                capacity = fire_capacity(guns, m, u, t, posture)
                if guns.type_munitions[t] == 1:
                    k = guns.type_first_munition[t]
                    work[fired, k] = min(work[allowed, k], capacity)
                elif guns.type_munitions[t] > 1:
                    for k in range(n_munitions):
                        work[asked, k] = work[allowed, k] * (guns.munition_tube[k] == t)
                    share_out_rows(capacity, work, asked, given, n_munitions)
                    for k in range(n_munitions):
                        if guns.munition_tube[k] == t:
                            work[fired, k] = work[given, k]
            # the side's tempo: its share of what the unit could fire (less while the
            # unit's offensive waits)
            wait = command.wait_share[m, u]
            a.effective[m, u] = 0
            for k in range(n_munitions):
                could = work[fired, k]
                at_tempo = np.int64(math.floor(could * command.tempo[m, side, k]))
                rounds = np.int64(math.floor(at_tempo * wait)) if wait < 1.0 else at_tempo
                duds = carried_share(rounds, a.stock[m, u, k], a.duds[m, u, k])
                a.stock[m, u, k] -= rounds
                a.duds[m, u, k] -= duds
                tube = guns.munition_tube[k]
                if tube >= 0:
                    guns.wear[m, u, tube] += rounds
                books[m, FIRED, side, k] += rounds
                books[m, DUDS, side, k] += duds
                books[m, TUBE_LIMITED, side, k] += work[allowed, k] - could
                books[m, HELD_BACK, side, k] += could - rounds
                books[m, POSTPONED, side, k] += at_tempo - rounds
                a.effective[m, u] += rounds - duds


@kernel
def hold(a, holdings):
    """Add the units' stock to the day's holdings by side."""
    for m in range(a.stock.shape[0]):
        for u in range(a.side.shape[0]):
            for k in range(a.stock.shape[2]):
                holdings[m, STOCK_UNIT, a.side[u], k] += a.stock[m, u, k]
