"""Swept parameters: a dotted path, its kind and range, and how a sampler's value becomes
the scenario's; and the scenario's ``[[uncertainties]]`` as such parameters.

Each uncertainty is drawn on a quantile ``u`` in 0..1 and turned into its value by its
distribution's inverse CDF (``Parameter.decode``); uncertainties of one ``group`` share
their quantile, so they move together, and every path of one uncertainty takes the same
value. A ``scale`` uncertainty's value is a factor on each path's whole schedule
(``PATH*``: the file's value and every dated event's). The sampler draws one column per
group (``Experiment.columns``); each path reads its group's column.

Example:
    >>> from sim import load_scenario
    >>> scenario = load_scenario("scenarios/ukraine_war_2022_2025.toml")
    >>> columns, parameters = uncertain_parameters(scenario, scenario.source.path)
    >>> len(columns) <= len(parameters)
    True
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Union

import numpy as np
from pydantic import BaseModel

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import relative, shadowed, with_overrides
from sim.scenario.paths import PathError, event_setting, split_path
from sim.scenario.schema import SCALED, Scenario, Uncertainty


@dataclass(frozen=True)
class Parameter:
    """A swept parameter, resolved against the scenario.

    ``kind`` is ``float``, ``int``, ``date`` or ``levels``. Samplers draw from
    ``low..high``; ``decode`` turns a sampler value into the value written into the
    scenario. A whole-number parameter (an ``int`` or a date, counted in days after
    ``origin``) is drawn from ``first - 0.5 .. last + 0.5`` and rounded, so each whole
    value between ``first`` and ``last`` is equally likely.
    """

    path: str
    kind: str
    low: float
    high: float
    origin: dt.date | None = None
    levels: tuple[Any, ...] = ()
    law: tuple[str, float, float, float | None] | None = None  # an uncertainty's, on 0..1
    factor: int | None = None  # the sampler's column it reads (default: its own)

    @classmethod
    def whole(cls, path: str, kind: str, first: int, last: int, origin: dt.date | None = None):
        """A whole-number parameter taking the values ``first..last``."""
        return cls(path, kind, first - 0.5, last + 0.5, origin)

    @property
    def first(self) -> int:
        return int(self.low + 0.5)

    @property
    def last(self) -> int:
        return int(self.high - 0.5)

    def decode(self, x: float) -> Any:
        """The scenario value for the sampler value ``x``."""
        if self.law is not None:
            return self._drawn(x)
        if self.kind == "float":
            return float(x)
        if self.kind == "levels":
            return self.levels[int(x)]
        whole = min(max(int(np.floor(x + 0.5)), self.first), self.last)
        if self.kind == "int":
            return whole
        assert self.origin is not None  # a date parameter counts days from its origin
        return self.origin + dt.timedelta(days=whole)

    def _drawn(self, u: float) -> Any:
        """An uncertainty's value at quantile ``u``: its distribution's inverse CDF."""
        assert self.law is not None
        name, low, high, mode = self.law
        u = min(max(float(u), 0.0), 1.0)
        if name == "choice":
            return self.levels[min(int(u * len(self.levels)), len(self.levels) - 1)]
        if name == "uniform":
            value = low + u * (high - low)
        elif name == "loguniform":
            value = float(np.exp(np.log(low) + u * (np.log(high) - np.log(low))))
        else:  # triangular
            assert mode is not None
            c = (mode - low) / (high - low)
            value = (
                low + np.sqrt(u * (high - low) * (mode - low))
                if u < c
                else high - np.sqrt((1 - u) * (high - low) * (high - mode))
            )
            value = float(value)
        return int(round(value)) if self.kind == "int" else value

    def quantile(self, value: float) -> float:
        """The quantile at which an uncertainty takes ``value`` (its CDF, the inverse of
        ``decode``), clipped to 0..1: where a slider set to ``value`` puts its group.

        Example:
            >>> p = Parameter("x", "float", 0.0, 1.0, law=("loguniform", 10.0, 1000.0, None))
            >>> p.quantile(100.0), p.decode(0.5)
            (0.5, 100.00000000000004)
        """
        assert self.law is not None, "only an uncertainty has a distribution"
        name, low, high, mode = self.law
        value = min(max(float(value), low), high)
        if name == "uniform":
            u = (value - low) / (high - low)
        elif name == "loguniform":
            u = float(np.log(value / low) / np.log(high / low))
        else:  # triangular
            assert mode is not None
            if value < mode:
                u = (value - low) ** 2 / ((high - low) * (mode - low))
            elif high > mode:
                u = 1 - (high - value) ** 2 / ((high - low) * (high - mode))
            else:
                u = 1.0
        return min(max(u, 0.0), 1.0)

    def grid(self, count: int) -> list[float]:
        """Sampler values of ``count`` evenly spaced points (fewer if rounding merges some)."""
        if self.kind == "levels":
            return [float(i) for i in range(len(self.levels))]
        if self.kind == "float":
            return [float(x) for x in np.linspace(self.low, self.high, count)]
        points = np.linspace(self.first, self.last, count)
        return [float(x) for x in dict.fromkeys(np.floor(points + 0.5))]


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``| None`` from a type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def value_type(path: str) -> Any:
    """The schema's type at a dotted path (``int``, ``float``, ``dt.date``…), or None;
    an event's value (``events.ID.set.PATH``) has the type of the path it sets."""
    if relative(path) is not None:
        return float  # a factor
    setting = event_setting(path)
    if setting is not None:
        return value_type(setting[1])
    node: Any = Scenario
    for part in split_path(path):
        node = _unwrap(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            fields = node.model_fields
            found = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
            if found is None:
                return None
            node = found.annotation
        elif typing.get_origin(node) is list:
            node = typing.get_args(node)[0]  # ``part`` picks an entry by its id
        elif typing.get_origin(node) is dict:
            node = typing.get_args(node)[1]
        else:
            return None
    return _unwrap(node)


def uncertainty_path(uncertainty: Uncertainty, path: str) -> str:
    """The path an uncertainty's value is written to: ``PATH*`` for a factor."""
    return f"{path}{SCALED}" if uncertainty.scale else path


def group_of(uncertainty: Uncertainty) -> str:
    """The name of the sampler column an uncertainty reads: its group, else its id."""
    return uncertainty.group or uncertainty.id


def _trials(uncertainty: Uncertainty) -> list[Any]:
    if uncertainty.choices is not None:
        return list(uncertainty.choices)
    return [uncertainty.low, uncertainty.high]


def uncertain_parameters(
    scenario: Scenario, file: str, *, check: bool = True
) -> tuple[tuple[Parameter, ...], tuple[Parameter, ...]]:
    """``(columns, parameters)``: one sampler column per group of the scenario's
    uncertainties, and one parameter per path, reading its group's column.

    With ``check``, each uncertainty's extreme values (or each choice) must give a
    valid scenario with the structure unchanged.

    Raises:
        ScenarioError: at ``uncertainties.ID.KEY``, an uncertainty that cannot be sampled.
    """
    from sim.engine.structure import structure as structure_of

    groups: list[str] = []
    parameters = []
    shape = structure_of(scenario) if check else None
    seen: dict[str, str] = {}
    for uncertainty in scenario.uncertainties:
        where = f"uncertainties.{uncertainty.id}"
        name = group_of(uncertainty)
        if name not in groups:
            groups.append(name)
        column = groups.index(name)
        for path in uncertainty.paths:
            target = uncertainty_path(uncertainty, path)
            try:
                plain = relative(target)
            except PathError as exc:
                raise ScenarioError(file, f"{where}.paths", str(exc)) from None
            key = plain[0] if plain else target
            if key in seen:
                raise ScenarioError(
                    file, f"{where}.paths", f"{key} is also sampled by uncertainty {seen[key]!r}"
                )
            seen[key] = uncertainty.id
            kind_of = float if uncertainty.scale else value_type(path)
            if kind_of is None:
                raise ScenarioError(
                    file, f"{where}.paths", f"{path} is not a key of the scenario format"
                )
            if uncertainty.distribution == "choice":
                kind = "levels"
            elif kind_of is int:
                kind = "int"
            elif kind_of is float:
                kind = "float"
            else:
                raise ScenarioError(
                    file, f"{where}.paths", f"{path} is not a number: give a choice instead"
                )
            law = (
                uncertainty.distribution,
                float(uncertainty.low or 0.0),
                float(uncertainty.high or 0.0),
                uncertainty.mode,
            )
            levels = tuple(uncertainty.choices or ())
            parameters.append(Parameter(target, kind, 0.0, 1.0, None, levels, law, column))
            if shape is None:
                continue
            found = shadowed(scenario, {target: 0}, "")
            if found:
                message = found[0].split("; to keep")[0]
                raise ScenarioError(
                    file, f"{where}.paths", f"{message}: sample it with scale = true"
                )
            for value in _trials(uncertainty):
                try:
                    trial = with_overrides(scenario, {target: value})
                except ScenarioError as exc:
                    message = f"{exc.key_path}: {exc.message}" if exc.key_path else exc.message
                    raise ScenarioError(file, where, f"at {value!r}: {message}") from None
                if structure_of(trial) != shape:
                    raise ScenarioError(
                        file,
                        f"{where}.paths",
                        f"{path} changes the scenario's structure (ids, links, horizon)",
                    )
    columns = tuple(Parameter(name, "float", 0.0, 1.0) for name in groups)
    return columns, tuple(parameters)
