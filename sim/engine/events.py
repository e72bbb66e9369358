"""Dated events: on a date, set parameters by dotted path, as Mesa events.

An event of day ``d`` is a Mesa event at time ``d`` (the model's time counts the days
done): when it fires, the compiled rules first run every day before ``d``, then the
event sets its values, which hold from day ``d`` on. An event whose date differs
between members becomes one Mesa event per distinct date, each applying to its members
only (a member mask); an event only some members have (a variant's own) applies to
those. Events dated before the scenario start are in force on day 0.
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


def _targets(
    model: SupplyModel, ident: str, found: list
) -> list[tuple[np.ndarray, int | None, np.ndarray]]:
    """Where event ``ident`` writes, and each member's value (``found``: the event in each
    distinct member, None where a member lacks it)."""
    event = next(e for e in found if e is not None)
    source = model.base.source
    file = source.path if source is not None else "scenario"
    targets = []
    for path in event.set:
        hit = next(
            ((p, where) for p in model.parameters if (where := p.setter(path)) is not None), None
        )
        if hit is None:
            raise ScenarioError(
                file, f"events.{ident}.set.{path}", "not a parameter that can change on a date"
            )
        params, (array, column, field) = hit
        values = np.array([params.convert(field, (e or event).set[path]) for e in found]).astype(
            array.dtype
        )[model.member_of]
        targets.append((array, column, values))
    return targets


def schedule_events(model: SupplyModel) -> list[DatedChange]:
    """Schedule every event of the scenario on the model; returns the live changes.

    Events are matched by id across members; a member without one of them (its variant
    does not add it) is left out of its changes.
    """
    by_id: dict[str, list] = {}
    for k, member in enumerate(model.distinct):
        for event in member.events:
            by_id.setdefault(event.id, [None] * len(model.distinct))[k] = event
    absent = -(10**9)  # a member without the event: in no change's mask
    dated = []
    for ident, found in by_id.items():
        days = np.array(
            [(e.date - model.start_date).days if e is not None else absent for e in found]
        )
        first = days[0] if days[0] != absent else min(d for d in days if d != absent)
        dated.append((first, ident, found, days[model.member_of]))  # in the first's order
    changes: list[DatedChange] = []
    for _, ident, found, days in sorted(dated, key=lambda entry: entry[0]):
        targets = _targets(model, ident, found)
        for day in np.unique(days[days != absent]):
            change = DatedChange(model, int(day), targets, days == day)
            if day <= 0:
                change.apply()
            elif day < model.days:
                model.schedule_event(change.apply, at=float(day))
                changes.append(change)  # Mesa holds callbacks weakly; the model keeps them
    return changes
