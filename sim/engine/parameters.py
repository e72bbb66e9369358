"""Per-member parameter arrays, addressable by the scenario's dotted paths.

Members of a batch share the scenario's structure (ids, sides, links) but may differ in
any number. A ``Table`` stacks one kind's numbers over the members and the kind's
entities (``[M, E]`` for a scalar, ``[M, E, K]`` for a per-munition table): the
compiled rules read these arrays. Each entity's ``Parameters`` holds views of its own
column, so a dated event that sets ``importers.dprk.dud_rate`` writes straight into
the arrays the rules read.

How a field is stored follows its type in the schema: booleans, whole numbers (``int64``),
numbers (``float64``), dates (``int64`` day numbers, day 0 the scenario's start), choices
(``int64`` codes in the order the schema lists them) and per-munition tables; a value
left out takes the field's ``WhenAbsent`` value.

Example:
    >>> import datetime as dt
    >>> from sim.scenario.schema import Sanctions
    >>> t = Table(Sanctions, [[Sanctions(pressure=0.2)], [Sanctions(pressure=0.4)]],
    ...           munitions=["shell_152"], start=dt.date(2023, 1, 1))
    >>> t["pressure"].tolist(), t.entity("sanctions", 0).pressure.tolist()
    ([[0.2], [0.4]], [0.2, 0.4])
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.scenario.schema import KeyedByTubeType, WhenAbsent


def _strip(annotation: Any) -> Any:
    """The type under ``Annotated[...]`` and ``X | None``."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) == 1:
                annotation = options[0]
                continue
        return annotation


def _codes(field: FieldInfo) -> tuple[str, ...]:
    return codes(field) or ()


def codes(field: FieldInfo) -> tuple[str, ...] | None:
    """The choices of a field whose type is a ``Literal``, in the schema's order."""
    annotation = _strip(field.annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(typing.get_args(annotation))
    return None


def when_absent(field: FieldInfo) -> WhenAbsent | None:
    """What the engine puts where the file leaves the field (or a table entry) out."""
    return next((m for m in field.metadata if isinstance(m, WhenAbsent)), None)


def storage(field: FieldInfo) -> str | None:
    """How the engine stores a field: bool, int, float, date, code, table_int, table_float.

    None for what is structure (ids, references, lists), not a number.
    """
    annotation = _strip(field.annotation)
    if any(isinstance(m, KeyedByTubeType) for m in field.metadata):
        return None  # keyed by tube type: the gun parks build it
    if codes(field) is not None:
        return "code"
    if typing.get_origin(annotation) is dict:
        key, value = (_strip(a) for a in typing.get_args(annotation))
        if key is not str:  # keyed by choices (posture multipliers), not by munition
            return None
        return "table_int" if value is int else "table_float" if value is float else None
    return {bool: "bool", int: "int", float: "float", dt.date: "date"}.get(annotation)


_DTYPES = {"bool": np.bool_, "int": np.int64, "float": np.float64, "date": np.int64}


@functools.cache
def numeric_fields(spec_type: type[BaseModel]) -> tuple[tuple[str, FieldInfo, str], ...]:
    """A schema model's fields that are numbers to the engine: (name, field, storage)."""
    out = []
    for name, field in spec_type.model_fields.items():
        kind = storage(field)
        if kind is not None:
            out.append((name, field, kind))
    return tuple(out)


class Table:
    """One kind's numbers over a batch: field name → ``[M, E]`` or ``[M, E, K]`` array.

    Args:
        spec_type: the schema's model of the kind's entries.
        rows: per member, the kind's entities as validated in its scenario.
        munitions: munition ids, the order of the last axis of per-munition tables.
        start: calendar date of day 0, to turn dates into day numbers.
        member_of: when ``rows`` are distinct scenarios, the row of each member.
    """

    def __init__(
        self,
        spec_type: type[BaseModel],
        rows: Sequence[Sequence[BaseModel]],
        munitions: Sequence[str],
        start: dt.date,
        member_of: np.ndarray | None = None,
    ) -> None:
        self.munitions = list(munitions)
        self.start = start
        self.arrays: dict[str, np.ndarray] = {}
        self.fields: dict[str, FieldInfo] = {}
        self.fixed: set[str] = set()
        n_members, n_entities = len(rows), len(rows[0]) if rows else 0
        for name, field, kind in numeric_fields(spec_type):
            values = [[getattr(spec, name) for spec in row] for row in rows]
            array = self._stack(field, kind, values, n_members, n_entities)
            self.arrays[name] = array if member_of is None else array[member_of]
            self.fields[name] = field

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    def day(self, value: dt.date) -> int:
        """Day number of a calendar date (day 0 is the scenario start)."""
        return (value - self.start).days

    def _stack(self, field: FieldInfo, kind: str, values, n_members: int, n_entities: int):
        absent = when_absent(field)
        if kind.startswith("table"):
            dtype = np.int64 if kind == "table_int" else np.float64
            fill = absent.value if absent is not None else 0
            table = np.full((n_members, n_entities, len(self.munitions)), fill, dtype=dtype)
            for m, row in enumerate(values):
                for e, entries in enumerate(row):
                    for key, amount in entries.items():
                        table[m, e, self.munitions.index(key)] = amount
            return table
        if kind == "code" and n_entities:
            choices = _codes(field)
            return np.array([[choices.index(v) for v in row] for row in values], np.int64)
        if not n_entities:
            return np.zeros((n_members, 0), _DTYPES.get(kind, np.int64))
        missing = absent.value if absent is not None else 0
        if kind == "date":
            values = [[missing if v is None else self.day(v) for v in row] for row in values]
        else:
            values = [[missing if v is None else v for v in row] for row in values]
        return np.array(values, dtype=_DTYPES[kind])

    def columns(self, struct: Any) -> dict[str, np.ndarray]:
        """The arrays of the fields a kind's struct of arrays shares with the schema."""
        return {name: self.arrays[name] for name in struct._fields if name in self.arrays}

    def fix(self, *names: str) -> None:
        """Mark fields the kind reads once at build: no dated event may set them."""
        self.fixed.update(names)

    def entity(self, prefix: str, index: int) -> Parameters:
        """The parameters of entity ``index``, addressed under ``prefix``."""
        return Parameters(prefix, self, index)


class Parameters:
    """One entity's numbers across members, as attributes (views of its kind's table).

    Args:
        prefix: the entity's dotted path (``importers.dprk``).
        table: its kind's table.
        index: its position among the kind's entities.
    """

    def __init__(self, prefix: str, table: Table, index: int) -> None:
        self.prefix = prefix
        self.table = table
        self.arrays = {name: array[:, index] for name, array in table.arrays.items()}

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["arrays"][name]
        except KeyError:
            raise AttributeError(name) from None

    def convert(self, name: str, value: Any) -> Any:
        """One value of field ``name`` as it is stored in the arrays."""
        if isinstance(value, dt.date):
            return self.table.day(value)
        choices = codes(self.table.fields[name])
        if choices is not None and isinstance(value, str):
            return choices.index(value)
        return value

    def setter(self, path: str) -> tuple[np.ndarray, int | None, str] | None:
        """The array (and munition column) a dotted path names, if an event may set it.

        Stocks are never settable: rounds move only through the books.
        """
        rest = path[len(self.prefix) + 1 :].split(".")
        if not path.startswith(self.prefix + ".") or rest[0] not in self.arrays:
            return None
        if rest[0] in self.table.fixed or rest[0] == "stock_rounds":
            return None
        array = self.arrays[rest[0]]
        if array.ndim == 2 and len(rest) == 2 and rest[1] in self.table.munitions:
            return array, self.table.munitions.index(rest[1]), rest[0]
        if array.ndim == 1 and len(rest) == 1:
            return array, None, rest[0]
        return None
