"""What every munsim agent shares: a scenario id, a side, per-member parameters.

An agent is a window onto its kind's arrays: its numbers live in the kind's
struct-of-arrays (one row per member, one column per entity), which the compiled
rules read and write; its ``params`` are views of its own column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import mesa
import numpy as np
from pydantic import BaseModel

from sim.engine.compiled import kernel
from sim.engine.parameters import Parameters, Table

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel


class SupplyAgent(mesa.Agent):
    """A Mesa agent whose numbers are arrays over the batch's members.

    Attributes:
        spec_id: the entity's id in the scenario file.
        key: its dotted path (``producers.plant``), also the prefix of its streams.
        index: its position among its kind's entities (a column of the kind's arrays).
        side: index of its side in the model's side list.
        params: its per-member parameters.
    """

    kind: ClassVar[str] = ""  # the scenario's list of such entities
    spec: ClassVar[type[BaseModel]]  # the schema's model of one entry
    model: SupplyModel

    def __init__(
        self, model: SupplyModel, spec_id: str, index: int, side: int, params: Parameters
    ) -> None:
        super().__init__(model)
        self.spec_id = spec_id
        self.key = f"{self.kind}.{spec_id}"
        self.index = index
        self.side = side
        self.params = params
        model.parameters.append(params)

    def stream(self, process: str) -> np.ndarray:
        """Each member's key of this agent's named random stream for ``process``."""
        return self.model.stream_keys(f"{self.key}.{process}")

    @classmethod
    def table(cls, model: SupplyModel) -> Table:
        """The kind's numbers over the batch, from each member's scenario."""
        return model.table(cls.spec, lambda scenario: getattr(scenario, cls.kind))

    @classmethod
    def create(cls, model: SupplyModel, table: Table, prefix: str = "") -> list[Any]:
        """One agent per entity of the kind, in the scenario's order."""
        agents = []
        for index, spec in enumerate(getattr(model.base, cls.kind)):
            params = table.entity(f"{prefix or cls.kind}.{spec.id}", index)
            side = model.sides.index(getattr(spec, "side", None) or spec.target_side)
            agents.append(cls(model, spec.id, index, side, params))
        return agents


def stack_keys(agents: list[SupplyAgent], process: str, n_members: int) -> np.ndarray:
    """Each agent's stream keys for ``process``, ``[M, agents]`` (``uint64``)."""
    keys = np.zeros((n_members, len(agents)), np.uint64)
    for column, agent in enumerate(agents):
        keys[:, column] = agent.stream(process)
    return keys


def sides_of(agents: list[SupplyAgent]) -> np.ndarray:
    """The agents' side indices, ``[agents]``."""
    return positions([agent.side for agent in agents])


def positions(values: Sequence[int]) -> np.ndarray:
    """Positions in the engine's arrays (wiring: depots, lines, clients), as ``int64``."""
    return np.array(values, np.int64)


@kernel
def willing(enabled, start_day, end_day, day):
    """Whether an entity with dates (a supplier) is at work on ``day``."""
    return enabled & (start_day <= day) & (day <= end_day)
