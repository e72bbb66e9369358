"""What every munsim agent shares: a scenario id, a side, per-member parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import mesa

from sim.parameters import Parameters
from sim.rng import Stream

if TYPE_CHECKING:
    from sim.model import SupplyModel


class SupplyAgent(mesa.Agent):
    """A Mesa agent whose numbers are arrays over the batch's members.

    Attributes:
        spec_id: the entity's id in the scenario file.
        key: its dotted path (``producers.plant``), also the prefix of its streams.
        side: index of its side in the model's side list.
        params: its per-member parameters.
    """

    kind: ClassVar[str] = ""
    model: SupplyModel

    def __init__(self, model: SupplyModel, spec_id: str, side: int, params: Parameters) -> None:
        super().__init__(model)
        self.spec_id = spec_id
        self.key = f"{self.kind}.{spec_id}"
        self.side = side
        self.params = params

    def stream(self, process: str, draws_per_day: int) -> Stream:
        """This agent's named random stream for ``process``."""
        return self.model.streams.stream(f"{self.key}.{process}", draws_per_day)
