"""Dated events: on a date, set parameters by dotted path, as Mesa events.

An event of day ``d`` is a Mesa event at time ``d`` (the model's time counts the days
done): when it fires, the compiled rules first run every day before ``d``, then the
event sets its values, which hold from day ``d`` on. An event whose date differs
between members becomes one Mesa event per distinct date, each applying to its members
only (a member mask). Events dated before the scenario start are in force on day 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.scenario.errors import ScenarioError

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel


class DatedChange:
    """Parameter settings for the members whose event falls on one day."""

    def __init__(
        self,
        model: SupplyModel,
        day: int,
        targets: list[tuple[np.ndarray, int | None, np.ndarray]],
        mask: np.ndarray,
    ) -> None:
        self.model = model
        self.day = day
        self.targets = targets
        self.mask = mask

    def apply(self) -> None:
        """Run the days before this one, then set each target for the masked members."""
        self.model.advance_to(self.day)
        for array, column, values in self.targets:
            if column is None:
                array[self.mask] = values[self.mask]
            else:
                array[self.mask, column] = values[self.mask]


def _targets(model: SupplyModel, index: int) -> list[tuple[np.ndarray, int | None, np.ndarray]]:
    event = model.base.events[index]
    source = model.base.source
    file = source.path if source is not None else "scenario"
    targets = []
    for path in event.set:
        found = next(
            ((p, hit) for p in model.parameters if (hit := p.setter(path)) is not None), None
        )
        if found is None:
            raise ScenarioError(
                file, f"events.{event.id}.set.{path}", "not a parameter that can change on a date"
            )
        params, (array, column, field) = found
        values = np.array(
            [params.convert(field, m.events[index].set[path]) for m in model.distinct]
        ).astype(array.dtype)[model.member_of]
        targets.append((array, column, values))
    return targets


def schedule_events(model: SupplyModel) -> list[DatedChange]:
    """Schedule every event of the scenario on the model; returns the live changes."""
    order = sorted(range(len(model.base.events)), key=lambda i: model.base.events[i].date)
    changes: list[DatedChange] = []
    for index in order:
        targets = _targets(model, index)
        days = np.array([(m.events[index].date - model.start_date).days for m in model.distinct])[
            model.member_of
        ]
        for day in np.unique(days):
            change = DatedChange(model, int(day), targets, days == day)
            if day <= 0:
                change.apply()
            elif day < model.days:
                model.schedule_event(change.apply, at=float(day))
                changes.append(change)  # Mesa holds callbacks weakly; the model keeps them
    return changes
