"""Per-member parameter arrays, addressable by the scenario's dotted paths.

Members of a batch share the scenario's structure (ids, sides, links) but may differ in
any number: ``Parameters`` stacks one entity's numbers over the members (``[M]`` for a
scalar, ``[M, K]`` for a per-munition table) and lets dated events set them.

Example:
    >>> import datetime as dt
    >>> from sim.scenario.schema import Sanctions
    >>> p = Parameters("sanctions", [Sanctions(pressure=0.2), Sanctions(pressure=0.4)],
    ...                munitions=["shell_152"], start=dt.date(2023, 1, 1))
    >>> p.pressure.tolist()
    [0.2, 0.4]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

NEVER = 10**9  # a day number beyond any horizon
CODES: dict[str, tuple[str, ...]] = {
    "posture": ("offensive", "defensive", "holding"),
    "targeting": ("random", "largest", "nearest"),
    "mode": ("rail", "sea", "road", "air"),
}
FROZEN = {"stock_rounds"}  # stocks move only through the books, never by decree


class Parameters:
    """The numbers of one scenario entity across members, as attributes.

    Args:
        prefix: the entity's dotted path (``importers.dprk``).
        specs: the entity as validated in each member's scenario.
        munitions: munition ids, the order of the last axis of per-munition tables.
        start: calendar date of day 0, to turn dates into day numbers.
    """

    def __init__(
        self, prefix: str, specs: Sequence[BaseModel], munitions: Sequence[str], start: dt.date
    ) -> None:
        self.prefix = prefix
        self.munitions = list(munitions)
        self.start = start
        self.arrays: dict[str, np.ndarray] = {}
        for name in type(specs[0]).model_fields:
            values = [getattr(spec, name) for spec in specs]
            array = self._stack(name, values)
            if array is not None:
                self.arrays[name] = array

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["arrays"][name]
        except KeyError:
            raise AttributeError(name) from None

    def day(self, value: dt.date) -> int:
        """Day number of a calendar date (day 0 is the scenario start)."""
        return (value - self.start).days

    def convert(self, name: str, value: Any) -> Any:
        """One value of field ``name`` as it is stored in the arrays."""
        if isinstance(value, dt.date):
            return self.day(value)
        if name in CODES and isinstance(value, str):
            return CODES[name].index(value)
        return value

    def _stack(self, name: str, values: list[Any]) -> np.ndarray | None:
        present = [v for v in values if v is not None]
        if not present:
            if name.startswith("end") or name.endswith("_end"):
                return np.full(len(values), NEVER, dtype=np.int64)
            if name.startswith("start"):
                return np.full(len(values), -NEVER, dtype=np.int64)
            if name in {"contract_rounds", "capacity_rounds_per_day"}:
                return np.full(len(values), np.inf)
            return None
        sample = present[0]
        if isinstance(sample, bool):
            return np.array(values, dtype=bool)
        if isinstance(sample, dt.date):
            missing = NEVER if name.startswith("end") else -NEVER
            return np.array([missing if v is None else self.day(v) for v in values], np.int64)
        if isinstance(sample, int | float):
            return np.array([np.inf if v is None else v for v in values], dtype=np.float64)
        if isinstance(sample, str) and name in CODES:
            return np.array([CODES[name].index(v) for v in values], dtype=np.int64)
        if isinstance(sample, dict) and all(k in self.munitions for k in sample):
            dtype = np.int64 if name in FROZEN else np.float64
            table = np.zeros((len(values), len(self.munitions)), dtype=dtype)
            for m, value in enumerate(values):
                for key, amount in value.items():
                    table[m, self.munitions.index(key)] = amount
            return table
        return None  # ids, references and nested lists are structure, not numbers

    def setter(self, path: str) -> tuple[np.ndarray, int | None, str] | None:
        """The array (and munition column) that a dotted path names, if settable."""
        rest = path[len(self.prefix) + 1 :].split(".")
        if not path.startswith(self.prefix + ".") or rest[0] not in self.arrays:
            return None
        if rest[0] in FROZEN:
            return None
        array = self.arrays[rest[0]]
        if array.ndim == 2 and len(rest) == 2 and rest[1] in self.munitions:
            return array, self.munitions.index(rest[1]), rest[0]
        if array.ndim == 1 and len(rest) == 1:
            return array, None, rest[0]
        return None
