"""Readable names for figures: munitions, sides and variants as the scenario names them,
and the dated events it labels.

Figures show ``Labels.side("RU")`` ("Russia") rather than the id; an id without a name
shows as itself, so a figure never lacks a label. Everything is read from a run folder's
manifest (``Labels.from_manifest``) or a scenario in memory (``Labels.from_scenario``).

Example:
    >>> labels = Labels(munitions={"shell_152": "152 mm shell"}, sides={"RU": "Russia"})
    >>> labels.munition("shell_152"), labels.side("RU"), labels.side("UA")
    ('152 mm shell', 'Russia', 'UA')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sim.engine.metrics import ALL_MUNITIONS
from sim.scenario.schema import Scenario

IDENTICAL = "all variants (identical)"
"""The legend of a side drawn once because its variants do not differ."""


class EventMarker(NamedTuple):
    """A dated event shown on figures: its date and its short label."""

    date: dt.date
    label: str


@dataclass(frozen=True)
class Labels:
    """Readable names by id; an unknown id reads as itself."""

    munitions: dict[str, str] = field(default_factory=dict)
    sides: dict[str, str] = field(default_factory=dict)
    variants: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_manifest(cls, info: Mapping[str, Any]) -> Labels:
        """From a run folder's manifest: its resolved parameters and its variants'
        descriptions (``variant_descriptions``)."""
        resolved = info.get("resolved_parameters") or {}
        first: dict[str, Any] = next(iter(resolved.values()), {})
        return cls(
            munitions={m["id"]: m.get("name") or m["id"] for m in first.get("munitions", [])},
            sides={s["id"]: s.get("name") or s["id"] for s in first.get("sides", [])},
            variants={k: v for k, v in (info.get("variant_descriptions") or {}).items() if v},
        )

    @classmethod
    def from_scenario(
        cls, scenario: Scenario, variants: dict[str, Scenario] | None = None
    ) -> Labels:
        """From a scenario in memory (and, by label, the scenarios of the variants run)."""
        described = {name: variant_description(s) for name, s in (variants or {}).items()}
        return cls(
            munitions={m.id: m.name or m.id for m in scenario.munitions},
            sides={s.id: s.name or s.id for s in scenario.sides},
            variants={k: v for k, v in described.items() if v},
        )

    @classmethod
    def from_run(cls, tables: Any) -> Labels:
        """From a run in memory (anything with ``scenarios``, variant label → scenario)."""
        scenarios = dict(tables.scenarios)
        return cls.from_scenario(next(iter(scenarios.values())), scenarios)

    def munition(self, ident: str, width: int | None = None) -> str:
        """A munition's name (``all`` reads "all munitions"), cut to ``width`` characters
        at a word if given.

        Example:
            >>> Labels({"gmlrs": "GMLRS guided rocket, the share fired at depots"}).munition(
            ...     "gmlrs", width=24)
            'GMLRS guided rocket'
        """
        if ident == ALL_MUNITIONS:
            return "all munitions"
        return shorten(self.munitions.get(ident, ident), width)

    def side(self, ident: str) -> str:
        """A side's name."""
        return self.sides.get(ident, ident)

    def variant(self, ident: str) -> str:
        """A variant's description, or its name."""
        return self.variants.get(ident, ident)

    def variant_with_id(self, ident: str) -> str:
        """A variant's description with its name in parentheses ("with DPRK supply
        (baseline)"), or its name alone."""
        text = self.variants.get(ident)
        return f"{text} ({ident})" if text else ident

    def pair(self, a: str, b: str) -> str:
        """The comparison of two variants in words: "A − B" by their names."""
        return f"{self.variant(a)} − {self.variant(b)}"


def shorten(text: str, width: int | None) -> str:
    """``text`` up to its first comma if longer than ``width``, then cut at a word.

    Example:
        >>> shorten("122 mm MLRS rocket, the share fired", 20)
        '122 mm MLRS rocket'
        >>> shorten("GMLRS rocket (HIMARS, M270), the share fired", 20)
        'GMLRS rocket'
        >>> shorten("a very long name without commas", 12)
        'a very long…'
    """
    if width is None or len(text) <= width:
        return text
    head = text.split(", ")[0]
    if head.count("(") > head.count(")"):  # the comma was inside parentheses
        head = head[: head.index("(")].rstrip()
    if len(head) <= width:
        return head
    return head[: head.rfind(" ", 0, width)].rstrip(" ,(") + "…"


def variant_description(scenario: Scenario) -> str:
    """The ``description`` of the variant a scenario was loaded as ("" if none)."""
    name = scenario.source.variant if scenario.source is not None else None
    table = scenario.variants.get(name or "", {})
    text = table.get("description", "")
    return text if isinstance(text, str) else ""


def event_markers(info: dict[str, Any], variants: list[str] | None = None) -> list[EventMarker]:
    """The labelled events of the run's variants (all, or those named), by date.

    Events come from the manifest's resolved parameters; an event without a ``label``
    is not marked, nor one outside the scenario's dates. An event a variant moves is
    marked where each variant has it.
    """
    resolved = info.get("resolved_parameters") or {}
    names = [v for v in (variants or list(resolved)) if v in resolved]
    found: dict[EventMarker, None] = {}
    for name in names:
        parameters = resolved[name]
        start = dt.date.fromisoformat(str(parameters["scenario"]["start_date"]))
        end = start + dt.timedelta(days=int(parameters["scenario"]["days"]) - 1)
        for event in parameters.get("events", []):
            date = dt.date.fromisoformat(str(event["date"]))
            if event.get("label") and start <= date <= end:
                found[EventMarker(date, str(event["label"]))] = None
    return sorted(found)
