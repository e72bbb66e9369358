"""Producer: a domestic plant or lumped industry, shipping its output to a depot."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from sim.engine.accounts import flow_index
from sim.engine.agents.base import SupplyAgent, positions, sides_of, stack_keys
from sim.engine.agents.depot import extra_transit_days
from sim.engine.agents.sanctions import felt_by, input_availability
from sim.engine.compiled import kernel
from sim.engine.network import dispatch, today
from sim.engine.rng import noise_drawn, round_drawn
from sim.scenario import schema

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel
    from sim.scenario.schema import Scenario

PRODUCED = flow_index("produced")


class ProducerArrays(NamedTuple):
    """Every producer's numbers: ``[P]`` wiring, ``[M, P(, K)]`` parameters."""

    side: np.ndarray
    depot: np.ndarray  # receiving depot
    line: np.ndarray  # the line to it
    enabled: np.ndarray
    transit_days: np.ndarray
    capacity_scale: np.ndarray
    noise_cv: np.ndarray
    noise_distribution: np.ndarray
    sanctioned_input_share: np.ndarray
    dud_rate: np.ndarray
    ramp_days: np.ndarray  # [M, P, R] day of each ramp point (the first is day 0)
    ramp_rates: np.ndarray  # [M, P, R, K] rounds per day at each point
    keys: np.ndarray  # [M, P] the "output" stream


class Producer(SupplyAgent):
    """Makes rounds each day and ships them to its depot.

    Output = capacity(t) x capacity_scale x input availability x noise, rounded
    stochastically to whole rounds; a ``dud_rate`` share is marked as latent duds.
    Capacity is linear between the points of its ramp.
    """

    kind = "producers"
    spec = schema.Producer

    @classmethod
    def build(cls, model: SupplyModel) -> tuple[ProducerArrays]:
        table = cls.table(model)
        table.fix("rounds_per_day")  # capacity lives in the ramp: scale it instead
        agents = cls.create(model, table)
        specs = model.base.producers
        depots = [model.depot_index(spec.ship_to) for spec in specs]
        lines = [
            model.lines.add(agent.key, receiver=depot, side=agent.side, imported=False)
            for agent, depot in zip(agents, depots, strict=True)
        ]
        ramp_days, ramp_rates = ramp_arrays(model, lambda scenario: scenario.producers)
        arrays = ProducerArrays(
            side=sides_of(agents),
            depot=positions(depots),
            line=positions(lines),
            ramp_days=ramp_days,
            ramp_rates=ramp_rates,
            keys=stack_keys(agents, "output", model.n_members),
            **table.columns(ProducerArrays),
        )
        return (arrays,)


def ramp_arrays(
    model: SupplyModel,
    pick: Callable[[Scenario], Sequence[Any]],
    first: str = "rounds_per_day",
    points_field: str = "ramp",
) -> tuple[np.ndarray, np.ndarray]:
    """Ramp points per member and entity (``pick`` finds the entities; each starts at its
    ``first`` rates and ramps through its ``points_field``), padded by repeating the last
    point: ``[M, E, R]`` days and ``[M, E, R, K]`` rates."""
    specs = pick(model.base)
    n_points = max((1 + len(getattr(spec, points_field)) for spec in specs), default=1)
    shape = (len(model.distinct), len(specs), n_points)
    days = np.zeros(shape, np.int64)
    rates = np.zeros((*shape, len(model.munitions)), np.float64)
    for m, member in enumerate(model.distinct):
        for p, spec in enumerate(pick(member)):
            points = [(0, getattr(spec, first))] + [
                ((point.date - model.start_date).days, point.rounds_per_day)
                for point in getattr(spec, points_field)
            ]
            points += [points[-1]] * (n_points - len(points))
            for j, (day, rate) in enumerate(points):
                days[m, p, j] = day
                rates[m, p, j] = [rate.get(munition, 0.0) for munition in model.munitions]
    return days[model.member_of], rates[model.member_of]


@kernel
def ramp_progresses(ramp_days, m, e, day, progress):
    """How far along each segment of entity ``e``'s ramp ``day`` is, into ``progress``:
    the same for every munition, so a rule works it out once an entity and day."""
    for j in range(ramp_days.shape[2] - 1):
        progress[j] = ramp_progress(ramp_days[m, e, j], ramp_days[m, e, j + 1], day)


@kernel
def ramp_rate(ramp_rates, m, e, k, progress):
    """Entity ``e``'s rate of munition ``k``: linear between its ramp's points, at
    ``progress`` along each segment (``ramp_progresses``)."""
    rate = ramp_rates[m, e, 0, k]
    for j in range(ramp_rates.shape[2] - 1):
        rate += (ramp_rates[m, e, j + 1, k] - ramp_rates[m, e, j, k]) * progress[j]
    return rate


@kernel
def ramp_progress(start_day, end_day, day):
    """How far along a ramp segment ``day`` is: 0 before it, 1 after, linear between."""
    span = np.float64(end_day - start_day)
    if span > 0.0:
        return min(max((day - start_day) / span, 0.0), 1.0)
    return 1.0 if day >= end_day else 0.0


@kernel
def produce(a, regime, depots, transit, day, books, progress):
    """Every producer makes today's output and puts it on the way to its depot.

    Capacity is linear between the points of its ramp. ``progress`` is work space, at
    least as long as a ramp.
    """
    n_munitions = a.ramp_rates.shape[3]
    draws = 3 * n_munitions
    target = regime.target_side[0]
    slot = today(transit.ring, day)
    for m in range(a.keys.shape[0]):
        for p in range(a.side.shape[0]):
            side, d, key = a.side[p], a.depot[p], a.keys[m, p]
            pressure = felt_by(side, target, regime.pressure[m, 0])
            evasion = felt_by(side, target, regime.evasion[m])
            available = input_availability(a.sanctioned_input_share[m, p], pressure, evasion)
            scale = a.capacity_scale[m, p] * (1.0 if a.enabled[m, p] else 0.0)
            transit_days = a.transit_days[m, p] + extra_transit_days(
                depots.dispersal_extra_transit_days[m, d], depots.dispersal[m, d]
            )
            ramp_progresses(a.ramp_days, m, p, day, progress)
            for k in range(n_munitions):
                capacity = ramp_rate(a.ramp_rates, m, p, k, progress)
                if capacity > 0.0:  # a munition it does not make draws no noise
                    noise = noise_drawn(
                        a.noise_distribution[m, p], a.noise_cv[m, p], key, day, draws, k
                    )
                    expected = capacity * scale * available * noise
                    made = round_drawn(expected, key, day, draws, n_munitions + k)
                    duds = round_drawn(
                        made * a.dud_rate[m, p], key, day, draws, 2 * n_munitions + k
                    )
                    dispatch(transit.ring, transit.under_way, m, a.line[p], slot,
                             transit_days, k, made, duds)  # fmt: skip
                    books[m, PRODUCED, side, k] += made
