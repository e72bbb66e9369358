"""Dotted paths into a scenario: ``importers.dprk.routes.sea.transit_days``.

The same paths serve ``[variants.NAME]`` tables, ``--set PATH=VALUE``, ``[[events]]``
and sweeps. A list entry is addressed by its ``id`` (or, for lists of entries without
ids such as a ramp, by its position). A dated event's values are addressed through its
``set`` table, the rest of the path being the key it sets:
``events.machine_tool_controls.set.sanctions.pressure``.

Example:
    >>> raw = {"importers": [{"id": "dprk", "dud_rate": 0.2}]}
    >>> set_path(raw, "importers.dprk.dud_rate", 0.3)
    >>> raw["importers"][0]["dud_rate"]
    0.3
"""

from __future__ import annotations

import tomllib
from copy import deepcopy
from typing import Any


class PathError(ValueError):
    """A dotted path that does not lead anywhere."""


def split_path(path: str) -> list[str]:
    """Split a dotted path, rejecting empty parts."""
    parts = path.strip().split(".")
    if not path.strip() or any(not part for part in parts):
        raise PathError(f"malformed path {path!r}")
    return parts


def event_setting(path: str) -> tuple[str, str] | None:
    """``(event id, the dotted path it sets)`` where ``path`` names an event's value
    (``events.ID.set.PATH``), else None."""
    parts = split_path(path)
    if len(parts) >= 4 and parts[0] == "events" and parts[2] == "set":
        return parts[1], ".".join(parts[3:])
    return None


def _parts(path: str) -> list[str]:
    """The steps of a path: an event's ``set`` key is one step, dots and all."""
    parts = split_path(path)
    setting = event_setting(path)
    return parts[:3] + [setting[1]] if setting else parts


def _locate(node: Any, part: str, where: str) -> tuple[Any, Any]:
    """Where the entry ``part`` of ``node`` stands (a key of a table, or an id/index in a
    list), and the entry."""
    if isinstance(node, dict):
        if part not in node:
            raise PathError(f"no key {part!r} in {where or 'the scenario'}")
        return part, node[part]
    if isinstance(node, list):
        for i, entry in enumerate(node):
            if isinstance(entry, dict) and entry.get("id") == part:
                return i, entry
        if part.isdigit() and int(part) < len(node):
            return int(part), node[int(part)]
        ids = [entry.get("id") for entry in node if isinstance(entry, dict) and "id" in entry]
        known = f" (known: {', '.join(map(str, ids))})" if ids else ""
        raise PathError(f"no entry {part!r} in {where}{known}")
    raise PathError(f"{where} is a value, not a table")


def _child(node: Any, part: str, where: str) -> Any:
    """The entry ``part`` of ``node``: a key of a table or an id/index in a list."""
    return _locate(node, part, where)[1]


def get_path(raw: dict[str, Any], path: str) -> Any:
    """The value at ``path`` in the raw scenario dictionary."""
    node: Any = raw
    walked: list[str] = []
    for part in _parts(path):
        node = _child(node, part, ".".join(walked))
        walked.append(part)
    return node


def set_path(raw: dict[str, Any], path: str, value: Any, *, copy: bool = False) -> None:
    """Set ``path`` to ``value`` in place; a missing last key (a default) is created.

    Tables along the way that the file left out (``[sanctions]``, say) are created too;
    whether the key is allowed there is for the schema to say. With ``copy``, each table
    and list along the path is replaced by a copy before it is changed, so what ``raw``
    shares with another dictionary (the one it was copied from) is left untouched.
    """
    parts = _parts(path)
    node: Any = raw
    walked: list[str] = []
    for part in parts[:-1]:
        if isinstance(node, dict) and part not in node:
            node[part] = {}
        place, child = _locate(node, part, ".".join(walked))
        if copy and isinstance(child, dict | list):
            child = node[place] = type(child)(child)
        node = child
        walked.append(part)
    last = parts[-1]
    where = ".".join(walked) or "the scenario"
    if event_setting(path) and isinstance(node, dict) and last not in node:
        raise PathError(f"event {parts[1]!r} sets no {last!r} (it sets: {', '.join(node)})")
    if isinstance(node, dict):
        node[last] = deepcopy(value) if copy else value
    elif isinstance(node, list):
        entry = _child(node, last, where)
        raise PathError(f"{path!r} names a whole entry ({type(entry).__name__}), not a value")
    else:
        raise PathError(f"{where} is a value, not a table")


def parse_value(text: str) -> Any:
    """Read a ``--set`` value as TOML (``0.3``, ``false``, ``2023-08-15``), else a string."""
    try:
        return tomllib.loads(f"value = {text.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        return text.strip()


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split ``PATH=VALUE`` into a path and a parsed value."""
    path, sep, value = text.partition("=")
    if not sep or not path.strip() or not value.strip():
        raise PathError(f"expected PATH=VALUE, got {text!r}")
    split_path(path)
    return path.strip(), parse_value(value)
