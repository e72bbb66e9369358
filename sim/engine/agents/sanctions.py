"""The sanctions regime: pressure on one side's imported production inputs, evasion, and
the watch kept on its suppliers' trade.

Pressure cuts the share of sanctioned inputs a producer gets; evasion (new suppliers,
transshipment) recovers part of it, closing ``evasion_rate_per_day`` of the gap to
``max_evasion`` each day. ``monitoring`` (a panel that investigates and publishes) raises
what suppliers charge (``sim.engine.agents.payments``). The regime's other levers act
where they bite, on routes and payments (``schema.Sanctions``).

Example:
    >>> input_availability(0.5, 0.4, 0.25)
    0.85
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.engine.agents.base import SupplyAgent
from sim.engine.compiled import kernel
from sim.scenario import schema

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel


class SanctionsArrays(NamedTuple):
    """The regime's numbers: ``[M, 1]`` parameters and the evasion reached, ``[M]``."""

    target_side: np.ndarray  # [1]; -1: no side is sanctioned
    pressure: np.ndarray
    monitoring: np.ndarray
    evasion_rate_per_day: np.ndarray
    max_evasion: np.ndarray
    evasion: np.ndarray


class SanctionsRegime(SupplyAgent):
    """The regime itself, one per scenario (``[sanctions]``)."""

    kind = "sanctions"
    spec = schema.Sanctions

    @classmethod
    def build(cls, model: SupplyModel) -> tuple[SanctionsArrays]:
        table = model.table(cls.spec, lambda scenario: [scenario.sanctions])
        target = model.base.sanctions.target_side
        side = -1 if target is None else model.sides.index(target)
        regime = cls(model, "regime", 0, side, table.entity(cls.kind, 0))
        arrays = SanctionsArrays(
            target_side=np.array([regime.side], np.int64),
            evasion=table["initial_evasion"][:, 0].copy(),
            **table.columns(SanctionsArrays),
        )
        return (arrays,)


@kernel
def input_availability(sanctioned_input_share, pressure, evasion):
    """Share of normal output the inputs allow: 1 - exposed share x pressure x (1 - evasion)."""
    return 1.0 - sanctioned_input_share * pressure * (1.0 - evasion)


@kernel
def adapt(a):
    """One day of adaptation: evasion closes part of its gap while pressure lasts."""
    for m in range(a.evasion.shape[0]):
        gap = max(a.max_evasion[m, 0] - a.evasion[m], 0.0)
        if a.pressure[m, 0] > 0.0:
            a.evasion[m] = a.evasion[m] + a.evasion_rate_per_day[m, 0] * gap


@kernel
def felt_by(side, target_side, value):
    """What a sanction's ``value`` (pressure, evasion) is to ``side``."""
    return value * (side == target_side)
