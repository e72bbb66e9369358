"""Reading scenario files: TOML → variant and overrides → validated ``Scenario``.

Every problem becomes one ``ScenarioError`` naming the file, the key path and what is
wrong; nothing here prints or exits.

Example:
    >>> from sim import load_scenario
    >>> s = load_scenario("scenarios/tutorial.toml", variant="no_dprk")
    >>> s.source.variant, s.importers[0].enabled
    ('no_dprk', False)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from sim.scenario.errors import ScenarioError
from sim.scenario.magnitudes import check_magnitudes
from sim.scenario.paths import PathError, get_path, set_path, split_path
from sim.scenario.references import check_references
from sim.scenario.schema import SCALED, VARIANT_RESERVED, Scenario

BASELINE = "baseline"


@dataclass(frozen=True)
class Source:
    """Provenance of a loaded scenario: file, hash, variant and overrides applied."""

    path: str
    sha256: str
    variant: str
    overrides: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


def read_raw(path: str | Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file into a dictionary and its SHA-256."""
    file = str(path)
    p = Path(path)
    if not p.exists():
        raise ScenarioError(file, "", "no such file")
    if p.is_dir():
        raise ScenarioError(file, "", "is a directory, not a scenario file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ScenarioError(file, "", f"cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(file, "", "not a text file (not UTF-8)") from None
    if not text.strip():
        raise ScenarioError(file, "", "the file is empty")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(file, "", f"malformed TOML: {exc}") from None
    return raw, hashlib.sha256(data).hexdigest()


def _location(raw: Any, loc: tuple[Any, ...]) -> str:
    """A pydantic error location as a dotted path, list positions shown as ids."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(item, int) and isinstance(node, list) and item < len(node):
            node = node[item]
            ident = node.get("id") if isinstance(node, dict) else None
            parts.append(str(ident) if ident is not None else str(item))
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts)


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing required key"
    message = error["msg"]
    if error.get("input") is not None and not isinstance(error["input"], dict | list):
        message += f" (got {error['input']!r})"
    return message


_KEYED = re.compile(r"^([a-z_]+): (.*)$", re.DOTALL)  # "key: problem" from a validator


def input_error(exc: ValidationError, raw: dict[str, Any], file: str) -> ScenarioError:
    """The first problem pydantic found in ``raw``, as one error at its dotted path.

    A validator may name the key it is about as ``"key: problem"``; the key then joins
    the path.
    """
    first = exc.errors()[0]
    more = exc.error_count() - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    location, message = tuple(first["loc"]), _message(first).removeprefix("Value error, ")
    keyed = _KEYED.match(message)
    if keyed:
        location, message = (*location, keyed.group(1)), keyed.group(2)
    return ScenarioError(file, _location(raw, location), message + suffix)


def validate_raw(raw: dict[str, Any], file: str, checked: dict[str, Any] | None = None) -> Scenario:
    """Validate a raw dictionary against the schema and the cross-references.

    ``checked`` holds top-level tables already validated (a scenario's own, where
    ``raw`` did not change them): they are taken as they are, and the cross-references
    are still checked across the whole.
    """
    try:
        scenario = Scenario.model_validate({**raw, **(checked or {})})
    except ValidationError as exc:
        raise input_error(exc, raw, file) from None
    check_references(scenario, file)
    check_magnitudes(scenario, file)
    return scenario


def relative(path: str) -> tuple[str, dt.date | None] | None:
    """``(PATH, from date or None)`` where ``path`` is relative (``PATH*`` or
    ``PATH*@DATE``: a factor on PATH's schedule), else None."""
    key, at, since = path.partition(f"{SCALED}@")
    if at:
        try:
            return key, dt.date.fromisoformat(since)
        except ValueError:
            raise PathError(f"expected PATH*@YYYY-MM-DD, got {path!r}") from None
    return (path[: -len(SCALED)], None) if path.endswith(SCALED) else None


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PathError(f"{path} holds {value!r}, not a number: a factor needs a number")
    if not math.isfinite(value):
        raise PathError(f"{path}: a factor must be a finite number, got {value!r}")
    return value


def _times(value: Any, factor: float, path: str) -> Any:
    """``value × factor``, a whole number again where ``value`` was one."""
    scaled = _number(value, path) * factor
    if not math.isfinite(scaled):
        raise PathError(f"{path}: {value!r} × {factor:g} is too large a number")
    return int(round(scaled)) if isinstance(value, int) else float(scaled)


def _value_in_file(raw: dict[str, Any], path: str) -> Any:
    """The value at ``path``: the file's, else the format's default."""
    try:
        return get_path(raw, path)
    except PathError:
        try:
            dumped = Scenario.model_validate(raw).model_dump(by_alias=True)
        except ValidationError:
            raise PathError(f"{path} has no value to scale (the scenario is not valid)") from None
        return get_path(dumped, path)


def _absolute(raw: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """The plain overrides a relative override (``PATH*`` = factor, from a date or over
    the whole run) stands for: PATH's value and every dated event's value for it,
    multiplied. From a date, an event is added there (unless one already sets PATH that
    day) to hold the scaled value of the day."""
    found = relative(path)
    if found is None:
        return {path: value}
    target, since = found
    factor = _number(value, path)
    if factor < 0:
        raise PathError(f"a factor cannot be negative, got {factor:g}")
    split_path(target)
    start = (
        raw.get("scenario", {}).get("start_date") if isinstance(raw.get("scenario"), dict) else None
    )
    base = _value_in_file(raw, target)
    events = [
        e for e in raw.get("events", []) if isinstance(e, dict) and isinstance(e.get("set"), dict)
    ]
    setting = sorted(
        (e["date"], e["id"])
        for e in events
        if target in e["set"] and isinstance(e.get("date"), dt.date)
    )
    from_start = since is None or (isinstance(start, dt.date) and since <= start)
    out: dict[str, Any] = {}
    if from_start:
        out[target] = _times(base, factor, target)
    held_by = {
        ident: next(e for e in events if e["id"] == ident)["set"][target] for _, ident in setting
    }
    for date, ident in setting:
        if since is None or from_start or date >= since:
            out[f"events.{ident}.set.{target}"] = _times(held_by[ident], factor, target)
    if since is not None and not from_start and since not in {date for date, _ in setting}:
        before = [ident for date, ident in setting if date < since]
        held = held_by[before[-1]] if before else base
        ident = "scaled_" + "".join(c if c.isalnum() else "_" for c in target)
        added = {
            "id": f"{ident}_from_{since:%Y%m%d}",
            "date": since,
            "description": f"{path} = {factor:g}",
            "set": {target: _times(held, factor, target)},
        }
        out = {"events": [*raw.get("events", []), added], **out}  # added before scaling
    return out


def apply_overrides(
    raw: dict[str, Any], overrides: dict[str, Any], file: str, where: str = ""
) -> dict[str, Any]:
    """A copy of ``raw`` with dotted-path overrides applied, in order; a relative one
    (``PATH*``) scales PATH's value and its events' (see ``_absolute``).

    Only the tables and lists along each path are copied; the rest is shared with
    ``raw``, which is never changed (a sweep makes one copy a member).
    """
    out = dict(raw)
    for path, value in overrides.items():
        try:
            for target, absolute in _absolute(out, path, value).items():
                set_path(out, target, absolute, copy=True)
        except PathError as exc:
            raise ScenarioError(file, f"{where}{path}", str(exc)) from None
    return out


def _changed_settings(old: dict[str, Any], new: dict[str, Any]) -> set[tuple[Any, str]]:
    """The ``(event id, path)`` settings ``new`` adds or changes from ``old``."""
    before = {
        (e.get("id"), path): value
        for e in old.get("events", [])
        if isinstance(e, dict) and isinstance(e.get("set"), dict)
        for path, value in e["set"].items()
    }
    return {
        (e.get("id"), path)
        for e in new.get("events", [])
        if isinstance(e, dict) and isinstance(e.get("set"), dict)
        for path, value in e["set"].items()
        if (e.get("id"), path) not in before or before[(e.get("id"), path)] != value
    }


def _check_events(raw: dict[str, Any], file: str, only: set[tuple[str, str]] | None = None) -> None:
    """Each event's settings must name a real key and hold a valid value there (``only``:
    just these ``(event id, path)`` settings)."""
    for event in raw.get("events", []):
        if not isinstance(event, dict) or not isinstance(event.get("set"), dict):
            continue  # the schema reports it
        for path, value in event["set"].items():
            if only is not None and (event.get("id"), path) not in only:
                continue
            where = f"events.{event.get('id')}.set.{path}"
            if path.split(".")[0] in {"scenario", "munitions", "events", "variants"}:
                raise ScenarioError(file, where, "only agent parameters can change on a date")
            if "stock_rounds" in path.split("."):
                raise ScenarioError(
                    file, where, "stocks change only through the books, not by date"
                )
            try:
                trial = apply_overrides(raw, {path: value}, file)
                validate_raw(trial, file)
            except PathError as exc:
                raise ScenarioError(file, where, str(exc)) from None
            except ScenarioError as exc:
                raise ScenarioError(file, where, exc.message) from None


class ShadowedOverride(UserWarning):
    """A variant's, ``--set``'s or a sweep's value that a dated event overwrites."""


def _paths_meet(a: str, b: str) -> bool:
    """Whether two dotted paths name the same value, or one holds the other."""
    return a == b or b.startswith(a + ".") or a.startswith(b + ".")


def shadowed(scenario: Scenario, overrides: dict[str, Any], where: str) -> list[str]:
    """What of ``overrides`` the scenario's dated events overwrite during the run: one
    sentence a path, naming the first event that does, its date and the path it sets.
    An event dated before the start overwrites from the start; one after the end never
    fires."""
    messages = []
    for path in overrides:
        if path.split(".")[0] in {"events", "scenario", "variants", "checkpoints"}:
            continue
        found = sorted(
            (event.date, event.id, target)
            for event in scenario.events
            if event.date <= scenario.end_date
            for target in event.set
            if _paths_meet(path, target)
        )
        if found:
            date, ident, target = found[0]
            when = max(date, scenario.scenario.start_date).isoformat()
            later = f" and {len(found) - 1} later" if len(found) > 1 else ""
            messages.append(
                f"{where}{path} is overwritten from {when} by event {ident!r}{later} "
                f"(it sets {target}); to keep the value, move the event "
                f"(events.{ident}.date) or set its value (events.{ident}.set.{target})"
            )
    return messages


def _warn_shadowed(scenario: Scenario, overrides: dict[str, Any], file: str, where: str) -> None:
    for message in shadowed(scenario, overrides, where):
        warnings.warn(f"{file}: {message}", ShadowedOverride, stacklevel=3)


def _with_variant_events(raw: dict[str, Any], added: Any, file: str, name: str) -> dict[str, Any]:
    """``raw`` with a variant's own ``[[variants.NAME.events]]`` after the file's."""
    if added is None:
        return raw
    where = f"variants.{name}.events"
    if not isinstance(added, list) or not all(isinstance(e, dict) for e in added):
        raise ScenarioError(
            file, where, "must be a list of event tables ([[variants.NAME.events]])"
        )
    existing = {e.get("id") for e in raw.get("events", []) if isinstance(e, dict)}
    for event in added:
        if event.get("id") in existing:
            raise ScenarioError(
                file, f"{where}.{event.get('id')}", "the scenario already has an event of this id"
            )
    return {**raw, "events": [*raw.get("events", []), *added]}


def variant_settings(table: dict[str, Any], file: str = "", name: str = "") -> dict[str, Any]:
    """A ``[variants.NAME]`` table's dotted-path overrides: all but its reserved keys
    (``events``, ``description``). A description that is not a string is an error.

    Example:
        >>> variant_settings({"description": "no DPRK", "importers.dprk.enabled": False})
        {'importers.dprk.enabled': False}
    """
    description = table.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(
            file, f"variants.{name}.description", "must be a string (a short text for figures)"
        )
    return {path: value for path, value in table.items() if path not in VARIANT_RESERVED}


def build_scenario(
    raw: dict[str, Any],
    *,
    file: str,
    sha256: str = "",
    variant: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> Scenario:
    """Apply a variant and overrides to a raw scenario, validate, attach provenance."""
    variants = raw.get("variants", {}) if isinstance(raw.get("variants"), dict) else {}
    name = variant or BASELINE
    if variant is not None and variant not in variants and variant != BASELINE:
        known = ", ".join(variants) or "none defined"
        raise ScenarioError(file, "variants", f"unknown variant {variant!r} (known: {known})")
    resolved = raw
    table = variants.get(name)
    settings: dict[str, Any] = {}
    if isinstance(table, dict):
        settings = variant_settings(table, file, name)
        resolved = _with_variant_events(resolved, table.get("events"), file, name)
        resolved = apply_overrides(resolved, settings, file, f"variants.{name}.")
    if overrides:
        resolved = apply_overrides(resolved, overrides, file)
    scenario = validate_raw(resolved, file)
    _check_events(resolved, file)
    _warn_shadowed(scenario, settings, file, f"variants.{name}.")
    _warn_shadowed(scenario, overrides or {}, file, "--set ")
    scenario._source = Source(file, sha256, name, dict(overrides or {}), resolved)
    return scenario


def load_scenario(
    path: str | Path, variant: str | None = None, overrides: dict[str, Any] | None = None
) -> Scenario:
    """Load, resolve and validate a scenario file.

    Args:
        path: the TOML file.
        variant: a ``[variants.NAME]`` table to apply (default: ``baseline``).
        overrides: dotted path → value, applied after the variant.
    """
    raw, sha256 = read_raw(path)
    return build_scenario(raw, file=str(path), sha256=sha256, variant=variant, overrides=overrides)


def with_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """The same scenario with more dotted-path overrides (a sweep sample, say)."""
    source: Source = scenario.source
    merged = {**source.overrides, **overrides}
    resolved = apply_overrides(source.raw, overrides, source.path)
    unchanged = {
        name: getattr(scenario, name) for name in resolved if resolved[name] is source.raw.get(name)
    }  # validated already: a sweep's member validates only the tables its sample sets
    out = validate_raw(resolved, source.path, unchanged)
    settings = _changed_settings(source.raw, resolved)
    if settings:  # an event's new value must be valid where it is set
        _check_events(resolved, source.path, settings)
    _warn_shadowed(out, overrides, source.path, "")
    out._source = Source(source.path, source.sha256, source.variant, merged, resolved)
    return out


def check_variants(path: str | Path) -> list[Scenario]:
    """Validate a file and every variant it declares; returns baseline then the variants."""
    raw, sha256 = read_raw(path)
    baseline = build_scenario(raw, file=str(path), sha256=sha256)
    others = [name for name in baseline.variants if name != BASELINE]
    return [baseline] + [
        build_scenario(raw, file=str(path), sha256=sha256, variant=name) for name in others
    ]
