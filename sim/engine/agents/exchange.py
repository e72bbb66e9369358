"""The exchange at the front: what each facing pair's fire buys in ground and casualties.

A reduced form, not a tactical model (``docs/exchange.md`` gives its equations and the
sources of the shipped coefficients). Each day, for every unit ``a`` and each enemy
unit ``b`` it faces:

- ``a``'s fire at ``b`` is its effective fire (fired less duds) spread evenly over the
  units it faces; ``b``'s fire back is the same of ``b``'s, if ``b`` faces ``a``;
- ``b`` suffers ``casualties_per_1000_rounds`` (of ``a``'s side) per 1,000 rounds of
  ``a``'s fire at it, times its side's ``offensive_casualty_factor`` while ``b`` is on
  the offensive;
- ``a`` takes ground from ``b``:
  ``ground_km2_per_day × share × max(0, ln R − ln breakeven_fire_ratio)``, where
  ``R = (fire at b + 1) / (fire back + 1) × ((tubes of a + 1) / (tubes of b + 1)) ^
  tube_ratio_exponent`` and ``share`` is 1 on the offensive, ``ground_share_in_defence``
  otherwise (coefficients of ``a``'s side). Ground changes hands in whole hectares and
  never more than the losing side holds.

It also notes the fire each unit received, which its side may answer the next day
(``fire_response_share``, ``sim.engine.agents.front_unit``).

Casualties and hectares are whole numbers drawn by stochastic rounding, on each
attacking unit's streams ``casualties`` and ``ground`` (one draw a day per unit faced),
so a variant that changes one side's supply still pairs every draw. The front's books
(``FRONT``) keep each side's ground, ground gained and lost, and casualties suffered
and inflicted.
"""

from __future__ import annotations

import math

import numpy as np

from sim.engine.accounts import FRONT
from sim.engine.agents.front_unit import OFFENSIVE
from sim.engine.compiled import kernel
from sim.engine.rng import round_drawn

HELD = FRONT.stock_index("ground_held")
GAINED, LOST = FRONT.flow_index("ground_gained"), FRONT.flow_index("ground_lost")
SUFFERED = FRONT.flow_index("casualties_suffered")
INFLICTED = FRONT.flow_index("casualties_inflicted")
HECTARES_PER_KM2 = 100.0


@kernel
def fire_at(units, m, a, b):
    """Unit ``a``'s effective fire today at unit ``b`` (0 if it does not face ``b``; a
    unit faces each enemy once)."""
    first, last = units.face_start[a], units.face_start[a + 1]
    faced = np.int64(0)
    for f in range(first, last):
        faced += units.faced[f] == b
    return units.effective[m, a] * faced / max(last - first, 1)


@kernel
def tubes_in_action(guns, m, u):
    """Unit ``u``'s serviceable tubes of every type."""
    tubes = np.int64(0)
    for t in range(guns.serviceable.shape[2]):
        tubes += guns.serviceable[m, u, t]
    return tubes


@kernel
def exchange(units, guns, sides, day, books):
    """Today's casualties and ground of every facing pair (see the module)."""
    n_units = units.side.shape[0]
    fronts = units.faced.shape[0] > 0  # without fronts there is nothing to do
    for m in range(units.effective.shape[0] * fronts):
        for v in range(n_units):
            units.received[m, v] = 0.0
        for a in range(n_units):
            first, last = units.face_start[a], units.face_start[a + 1]
            s = units.side[a]
            attacking = units.posture[m, a] == OFFENSIVE
            for f in range(first, last):
                b = units.faced[f]
                e = units.side[b]
                at_b = units.effective[m, a] / (last - first)  # b is one of those a faces
                units.received[m, b] += at_b
                exposed = units.posture[m, b] == OFFENSIVE
                factor = sides.offensive_casualty_factor[m, e] if exposed else 1.0
                hurt = at_b * sides.casualties_per_1000_rounds[m, s] / 1000.0 * factor
                people = round_drawn(hurt, units.casualty_keys[m, a], day, last - first, f - first)
                books[m, SUFFERED, e, 0] += people
                books[m, INFLICTED, s, 0] += people
                rate = sides.ground_km2_per_day[m, s]
                rate *= 1.0 if attacking else sides.ground_share_in_defence[m, s]
                km2 = 0.0
                if rate > 0.0:
                    ratio = (at_b + 1.0) / (fire_at(units, m, b, a) + 1.0)
                    weight = sides.tube_ratio_exponent[m, s]
                    if weight > 0.0:
                        mine = tubes_in_action(guns, m, a) + 1.0
                        theirs = tubes_in_action(guns, m, b) + 1.0
                        ratio *= (mine / theirs) ** weight
                    excess = math.log(ratio) - math.log(sides.breakeven_fire_ratio[m, s])
                    km2 = rate * max(excess, 0.0)
                hectares = round_drawn(
                    km2 * HECTARES_PER_KM2, units.ground_keys[m, a], day, last - first, f - first
                )
                hectares = min(hectares, sides.ground[m, e])
                sides.ground[m, e] -= hectares
                sides.ground[m, s] += hectares
                books[m, GAINED, s, 0] += hectares
                books[m, LOST, e, 0] += hectares


@kernel
def hold(sides, holdings):
    """Add each side's ground to the day's holdings of the front's books (none where
    no unit faces an enemy)."""
    for m in range(sides.ground.shape[0] * holdings.shape[3]):
        for s in range(sides.ground.shape[1]):
            holdings[m, HELD, s, 0] += sides.ground[m, s]
