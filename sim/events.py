"""Dated events: on a date, set parameters by dotted path, as Mesa events.

An event whose date differs between members becomes one Mesa event per distinct date,
each applying to its members only (a member mask). Events dated before the scenario
start are already in force on day 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.scenario.errors import ScenarioError

if TYPE_CHECKING:
    from sim.model import SupplyModel


class DatedChange:
    """Parameter settings for the members whose event falls on one day."""

    def __init__(self, targets: list[tuple[np.ndarray, int | None, np.ndarray]], mask) -> None:
        self.targets = targets
        self.mask = mask

    def apply(self) -> None:
        """Set each target array to the event's value, for the masked members."""
        for array, column, values in self.targets:
            if column is None:
                array[self.mask] = values[self.mask]
            else:
                array[self.mask, column] = values[self.mask]


def _targets(model: SupplyModel, index: int) -> list[tuple[np.ndarray, int | None, np.ndarray]]:
    event = model.members[0].events[index]
    source = model.members[0].source
    file = source.path if source is not None else "scenario"
    targets = []
    for path in event.set:
        found = next(
            ((p, hit) for p in model.registry if (hit := p.setter(path)) is not None), None
        )
        if found is None:
            raise ScenarioError(
                file, f"events.{event.id}.set.{path}", "not a parameter that can change on a date"
            )
        params, (array, column, field) = found
        values = np.array(
            [params.convert(field, m.events[index].set[path]) for m in model.members]
        ).astype(array.dtype)
        targets.append((array, column, values))
    return targets


def schedule_events(model: SupplyModel) -> list[DatedChange]:
    """Schedule every event of the scenario on the model; returns the live actions."""
    members = model.members
    order = sorted(range(len(members[0].events)), key=lambda i: members[0].events[i].date)
    actions: list[DatedChange] = []
    for index in order:
        targets = _targets(model, index)
        days = np.array([(m.events[index].date - model.start_date).days for m in members])
        for day in np.unique(days):
            action = DatedChange(targets, days == day)
            if day < 0:
                action.apply()
            elif day < model.days:
                model.schedule_event(action.apply, at=float(day) + 0.5)
                actions.append(action)  # Mesa holds callbacks weakly; the model keeps them
    return actions
