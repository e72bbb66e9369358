"""What shapes an answer, in plain words, read from a run folder's manifest.

A comparison's number is only as good as the mechanics behind it: which are on, which
are off, and what the variants change. ``assumptions`` says so in sentences a reader of
a brief can check against the scenario file, so the report can state them right after
the answer.

Example:
    >>> info = {"resolved_parameters": {"a": {"scenario": {}, "tube_types": []}}}
    >>> assumptions(info)[0]
    'No guns: fire is limited by rounds alone, never by tubes or worn barrels.'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.outputs.labels import Labels


def _names(entries: list[dict[str, Any]]) -> str:
    return ", ".join(e.get("name") or e["id"] for e in entries)


def _guns(p: Mapping[str, Any]) -> str:
    tubes = p.get("tube_types") or []
    if not tubes:
        return "No guns: fire is limited by rounds alone, never by tubes or worn barrels."
    return (
        f"Guns count: fire is limited by the serviceable tubes of {len(tubes)} types, each "
        "wearing out its barrels by the rounds it fires; tubes lost or delivered change it."
    )


def _tempo(sides: list[dict[str, Any]]) -> str:
    answering = [s for s in sides if s.get("fire_response_share", 0)]
    if not answering:
        return (
            "Tempo does not answer the enemy: each side's demand follows its units' postures "
            "and the dated events."
        )
    return (
        f"Tempo answers the enemy: {_names(answering)} add fire when the other side fires "
        "more; every side's demand also follows its units' postures and the dated events."
    )


def _front(sides: list[dict[str, Any]]) -> str:
    if not any(s.get("ground_km2_per_day", 0) for s in sides):
        return "The exchange model is off: no ground changes hands and no casualties are counted."
    return (
        "Ground and casualties come from the exchange model, a reduced form of the daily "
        "fire ratio, postures and tubes in action; it knows no terrain, manoeuvre, air "
        "power or morale."
    )


def _strikes(p: Mapping[str, Any]) -> str:
    on = [s for s in p.get("strikes") or [] if s.get("enabled", True)]
    if not on:
        return "No strikes on depots: rounds held in depots are never destroyed by the enemy."
    return f"Depots are struck ({_names(on)}); what they destroy depends on what depots hold."


def _suppliers(p: Mapping[str, Any]) -> list[str]:
    on = [i for i in p.get("importers") or [] if i.get("enabled", True)]
    if not on:
        return ["No foreign supplier ships anything."]
    out = [f"Foreign suppliers: {_names(on)}."]
    paid = [i for i in on if i.get("payments")]
    if paid:
        out.append(
            f"Paid per 1,000 rounds, shipping only while their buyer owes no more than their "
            f"credit: {_names(paid)}."
        )
    else:
        out.append("Suppliers are not paid: payment never limits what they ship.")
    routes = [r for i in on for r in i.get("routes") or []]
    if any(r.get("interdiction_probability", 0) for r in routes):
        out.append("Shipments can be seized or destroyed on the way (interdiction).")
    elif routes:
        out.append("No shipment is ever seized on the way: interdiction is off.")
    return out


def _sanctions(p: Mapping[str, Any]) -> str | None:
    sanctions = p.get("sanctions") or {}
    if not sanctions.get("target_side"):
        return None
    if not sanctions.get("pressure"):
        return "Export controls are declared but cut nothing at the start (pressure 0)."
    return (
        f"Export controls cut {sanctions['pressure']:.0%} of {sanctions['target_side']}'s "
        "sanctioned production inputs at the start, less what evasion undoes."
    )


def _events(p: Mapping[str, Any]) -> str | None:
    events = p.get("events") or []
    if not events:
        return None
    return (
        f"{len(events)} dated events change the inputs during the run (postures, supply, "
        "controls); their dates and values are the scenario's, not the model's."
    )


def _variants(comparison: Mapping[str, Any], labels: Labels) -> list[str]:
    settings = comparison.get("settings") or {}
    out = []
    for name, changed in settings.items():
        called = labels.variant_with_id(name)
        if changed:
            shown = "; ".join(f"{path} = {value}" for path, value in changed.items())
            out.append(f"Variant {called} changes: {shown}.")
        else:
            out.append(f"Variant {called} is the scenario as written.")
    return out


def assumptions(info: Mapping[str, Any]) -> list[str]:
    """Sentences on the mechanics behind a run folder's numbers: guns, tempo, the front,
    strikes, suppliers, sanctions, events, then what each variant changes.

    Read from the first variant's resolved parameters; the variants' own settings come
    last, so a mechanic a variant switches off is named there.
    """
    resolved = info["resolved_parameters"]
    comparison = info.get("comparison") or {}
    first = (comparison.get("variants") or [comparison.get("variant_a")])[0] or next(iter(resolved))
    p = resolved[first]
    sides = p.get("sides") or []
    found = [_guns(p), _tempo(sides), _front(sides), _strikes(p), *_suppliers(p)]
    found += [s for s in (_sanctions(p), _events(p)) if s]
    return found + _variants(comparison, Labels.from_manifest(info))
