"""Experiment files: which scenario to sweep, over which parameters, for which outputs.

An experiment file is TOML, validated like a scenario (pydantic, one ``ScenarioError``
naming the file, the key path and the problem), then checked against its scenario:
every parameter path must resolve, its bounds must give a valid scenario, and it must
not change the scenario's structure (ids, links, horizon), because the members of a
batch share one structure.

Example file::

    [experiment]
    scenario = "../tutorial.toml"       # relative to this file
    sampler = "morris"                   # grid | lhs | sobol | morris
    samples = 10                         # Morris trajectories
    reps = 2
    seed = 1

    [[parameters]]
    path = "importers.dprk.dud_rate"
    low = 0.05
    high = 0.4

    [[outputs]]
    metric = "effective_fire_total"
    side = "RU"

Example:
    >>> exp = load_experiment("scenarios/experiments/tutorial_morris.toml")
    >>> [(p.path, p.kind) for p in exp.parameters][2:4]
    [('importers.dprk.start_date', 'date'), ('importers.dprk.routes.sea.transit_days', 'int')]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.engine.metrics import METRICS
from sim.engine.structure import side_munition_pairs
from sim.engine.structure import structure as structure_of
from sim.experiments.outcomes import OUTCOMES
from sim.experiments.parameters import Parameter, uncertain_parameters, value_type
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import (
    apply_overrides,
    input_error,
    load_scenario,
    read_raw,
    relative,
    variant_settings,
    with_overrides,
)
from sim.scenario.paths import PathError
from sim.scenario.schema import Checkpoint, Finite, Identifier, Scalar, Scenario

SAMPLERS = ("grid", "lhs", "sobol", "morris")
DIFFERENCE = "diff."  # a paired difference's column: diff.OUTPUT = first variant − this one
ALL = "all"
CHECKPOINT = "checkpoint"  # an output's metric: the model's value of a scenario checkpoint
MORRIS_LEVELS = 4
GRID_LEVELS = 3


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Bound = dt.date | Finite  # a bound is a date or a finite number (no inf, no nan)
# A cross-field check says which key it is about as "KEY: message"; the loader moves KEY
# into the error's key path.


class ExperimentInfo(_Strict):
    """``[experiment]``: the scenario, the sampler and its size, seeds and batches."""

    scenario: str = Field(description="Scenario file, relative to the experiment file.")
    name: Identifier | None = Field(default=None, description="Default: the file's stem.")
    description: str = ""
    variant: Identifier | None = Field(default=None, description="Variant to sweep around.")
    variants: list[Identifier] = Field(
        default_factory=list,
        description="Run every sample in each of these variants, on the same seeds; outputs "
        "then also hold the paired difference, the first variant less each (diff.NAME).",
    )
    uncertainties: bool = Field(
        default=False,
        description="Also sample the scenario's [[uncertainties]] (lhs or sobol sampler).",
    )
    set: dict[str, Scalar] = Field(
        default_factory=dict,
        description="Fixed overrides for every member (dotted paths), e.g. scenario.days.",
    )
    sampler: Literal["grid", "lhs", "sobol", "morris"]
    samples: int | None = Field(
        default=None,
        ge=1,
        le=10_000_000,
        description="lhs: points; sobol: base N (a power of 2); morris: trajectories.",
    )
    levels: int | None = Field(
        default=None,
        ge=2,
        le=1000,
        description="morris: grid levels (even, default 4); grid: points per bounded parameter.",
    )
    reps: int = Field(default=1, ge=1, le=10_000, description="Replications per sample.")
    seed: int | None = Field(
        default=None, ge=0, le=2**63 - 1, description="Master seed (default: the scenario's)."
    )
    common_random_numbers: bool = Field(
        default=True,
        description="Replication r of every sample uses the same seed (paired samples).",
    )
    batch_size: int | None = Field(
        default=None, ge=1, le=100_000, description="Members per batch (default: sized to memory)."
    )

    @model_validator(mode="after")
    def _sized(self) -> ExperimentInfo:
        if self.sampler == "grid":
            if self.samples is not None:
                raise ValueError("samples: the grid sampler's size is the product of its levels")
        elif self.samples is None:
            raise ValueError(f"samples: the {self.sampler} sampler needs a sample size")
        if (
            self.sampler == "sobol"
            and self.samples is not None
            and self.samples & (self.samples - 1)
        ):
            raise ValueError(f"samples: sobol needs a power of 2, got {self.samples}")
        if self.sampler == "morris" and self.levels is not None and self.levels % 2:
            raise ValueError(f"levels: morris needs an even number of levels, got {self.levels}")
        if self.sampler in ("lhs", "sobol") and self.levels is not None:
            raise ValueError(f"levels: not used by the {self.sampler} sampler")
        if self.variants:
            if self.variant is not None:
                raise ValueError("variants: give variant (one) or variants (compared), not both")
            if len(self.variants) < 2 or len(set(self.variants)) != len(self.variants):
                raise ValueError("variants: name at least two different variants")
        if self.uncertainties and self.sampler not in ("lhs", "sobol"):
            raise ValueError(f"uncertainties: sampled by lhs or sobol, not {self.sampler}")
        return self


class ParameterSpec(_Strict):
    """``[[parameters]]``: a dotted path with bounds (``low``, ``high``) or ``levels``."""

    path: str = Field(description="Dotted path, as in --set (importers.dprk.dud_rate).")
    low: Bound | None = None
    high: Bound | None = None
    levels: list[Scalar] | None = Field(
        default=None, min_length=1, description="Explicit values (grid sampler only)."
    )
    integer: bool | None = Field(
        default=None, description="Round sampled values to whole numbers (default: the key's type)."
    )

    @model_validator(mode="after")
    def _bounded(self) -> ParameterSpec:
        bounds = (self.low is not None) + (self.high is not None)
        if self.levels is not None:
            if bounds:
                raise ValueError("levels: give either low and high, or levels, not both")
            return self
        if self.low is None or self.high is None:
            raise ValueError("high: needs low and high (or levels, with the grid sampler)")
        if isinstance(self.low, dt.date) != isinstance(self.high, dt.date):
            raise ValueError("high: low and high must both be dates or both be numbers")
        if not self.low < self.high:  # type: ignore[operator]  # both dates or both numbers
            raise ValueError(f"high: must be above low ({self.low}), got {self.high}")
        return self


class OutputSpec(_Strict):
    """``[[outputs]]``: a summary metric for one side and munition, or an outcome of one
    side (``sim.experiments.outcomes.OUTCOMES``: ground, casualties, tubes lost...), over
    a date window."""

    metric: str = Field(
        description="A metric of sim.engine.metrics.METRICS, an outcome of "
        "sim.experiments.outcomes.OUTCOMES, or 'checkpoint' (the model's value of the "
        "scenario's checkpoint `checkpoint`)."
    )
    checkpoint: str | None = Field(
        default=None, description="The checkpoint id of a 'checkpoint' output."
    )
    side: str = Field(default=ALL, description="A side id, or 'all' (summed).")
    munition: str = Field(default=ALL, description="A munition id, or 'all' (summed).")
    start_date: dt.date | None = Field(default=None, description="Window start (default: day 0).")
    end_date: dt.date | None = Field(default=None, description="Window end (default: last day).")
    name: str | None = Field(
        default=None, min_length=1, description="Column name (default: metric.side.munition)."
    )
    analyse: bool = Field(
        default=True, description="Rank the parameters for this output (false: only record it)."
    )

    @model_validator(mode="after")
    def _known(self) -> OutputSpec:
        if (self.metric == CHECKPOINT) != (self.checkpoint is not None):
            raise ValueError("checkpoint: names the checkpoint of a 'checkpoint' output, "
                             "and only of one")  # fmt: skip
        if self.metric == CHECKPOINT:
            if self.side != ALL or self.munition != ALL or self.start_date or self.end_date:
                raise ValueError("metric: a checkpoint output takes its side, munition and "
                                 "window from the checkpoint")  # fmt: skip
            return self
        if self.metric not in METRICS and self.metric not in OUTCOMES:
            known = ", ".join([*METRICS, *OUTCOMES, CHECKPOINT])
            raise ValueError(f"metric: unknown metric {self.metric!r} (known: {known})")
        if self.metric in OUTCOMES and self.side == ALL:
            raise ValueError(f"side: the outcome {self.metric!r} is one side's; name the side")
        if self.metric in OUTCOMES and self.munition != ALL:
            raise ValueError(f"munition: the outcome {self.metric!r} is of every munition")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date: is before start_date")
        return self


class ExperimentFile(_Strict):
    """A whole experiment file."""

    experiment: ExperimentInfo
    parameters: list[ParameterSpec] = Field(default_factory=list)
    outputs: list[OutputSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _something_varies(self) -> ExperimentFile:
        if not self.parameters and not self.experiment.uncertainties:
            raise ValueError("parameters: name at least one, or set uncertainties = true")
        return self


# -- resolved experiment --------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """An output column: a metric over a window, for the pairs it sums over."""

    name: str
    metric: str
    side: str
    munition: str
    pairs: tuple[int, ...]
    first_day: int
    last_day: int
    analysed: bool = True  # the sensitivity analysis ranks the parameters for it
    checkpoint: Checkpoint | None = None  # of a 'checkpoint' output


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: its file, the resolved scenario and the specs."""

    file: str
    sha256: str
    spec: ExperimentFile
    scenario: Scenario
    parameters: tuple[Parameter, ...]
    outputs: tuple[Output, ...]
    factors: tuple[Parameter, ...] = ()  # the sampler's columns (default: the parameters)
    variants: tuple[Scenario, ...] = ()  # each sample runs in each, when variants are compared
    kept: tuple[tuple[bool, ...], ...] = ()  # per variant (or the one scenario), per parameter

    @property
    def columns(self) -> tuple[Parameter, ...]:
        """What the sampler draws, one column each: the parameters, and one column per
        group of uncertainties that move together."""
        return self.factors or self.parameters

    @property
    def variant_names(self) -> list[str]:
        return [s.source.variant for s in self.variants]

    @property
    def info(self) -> ExperimentInfo:
        return self.spec.experiment

    @property
    def name(self) -> str:
        return self.info.name or _identifier(Path(self.file).stem)

    @property
    def seed(self) -> int:
        """The master seed: the experiment's, else the scenario's."""
        return self.scenario.scenario.seed if self.info.seed is None else self.info.seed

    @property
    def identity(self) -> str:
        """A hash of what determines the results: the experiment's content and scenario."""
        content = self.spec.model_dump(mode="json")
        content["experiment"].pop("scenario")  # where it is does not matter, what it is does
        content["scenario_sha256"] = self.scenario.source.sha256
        text = json.dumps(content, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def _identifier(text: str) -> str:
    cleaned = "".join(c if c.isalnum() else "_" for c in text)
    return cleaned if cleaned[:1].isalpha() else f"x{cleaned}"


def _bad(file: str, where: str, exc: ScenarioError | PathError) -> ScenarioError:
    message = exc.message if isinstance(exc, ScenarioError) else str(exc)
    if isinstance(exc, ScenarioError) and exc.key_path:
        message = f"{exc.key_path}: {message}"
    return ScenarioError(file, where, message)


def _resolve_parameter(file: str, index: int, spec: ParameterSpec, base: Scenario) -> Parameter:
    where = f"parameters.{index}"
    try:
        apply_overrides(base.source.raw, {spec.path: 1}, file)  # do its entries exist?
    except ScenarioError as exc:
        raise ScenarioError(file, f"{where}.path", exc.message) from None
    kind_of = value_type(spec.path)
    if kind_of is None:
        raise ScenarioError(
            file, f"{where}.path", f"{spec.path} is not a key of the scenario format"
        )
    if spec.levels is not None:
        kinds = {"number" if type(v) in (int, float) else type(v).__name__ for v in spec.levels}
        if len(kinds) > 1:
            raise ScenarioError(file, f"{where}.levels", "levels must all be of one type")
        parameter = Parameter(
            spec.path, "levels", 0.0, len(spec.levels) - 1.0, None, tuple(spec.levels)
        )
        trials = [(f"{where}.levels", level) for level in spec.levels]
    elif isinstance(spec.low, dt.date):
        if kind_of is not dt.date:
            raise ScenarioError(file, f"{where}.low", f"{spec.path} is not a date")
        assert isinstance(spec.high, dt.date)  # the spec's validator holds both to one type
        span = (spec.high - spec.low).days
        parameter = Parameter.whole(spec.path, "date", 0, span, spec.low)
        trials = [(f"{where}.low", spec.low), (f"{where}.high", spec.high)]
    else:
        if kind_of in (bool, str, dt.date):
            name = {bool: "true/false", str: "text", dt.date: "a date"}[kind_of]
            raise ScenarioError(
                file, f"{where}.low", f"{spec.path} is {name}: give levels (grid) or date bounds"
            )
        assert isinstance(spec.low, int | float) and isinstance(spec.high, int | float)
        integer = spec.integer if spec.integer is not None else kind_of is int
        if integer:
            first, last = int(np.ceil(spec.low)), int(np.floor(spec.high))
            if first >= last:
                raise ScenarioError(
                    file,
                    f"{where}.high",
                    f"no two whole numbers between {spec.low} and {spec.high}",
                )
            parameter = Parameter.whole(spec.path, "int", first, last)
            trials = [(f"{where}.low", first), (f"{where}.high", last)]
        else:
            parameter = Parameter(spec.path, "float", float(spec.low), float(spec.high))
            trials = [(f"{where}.low", parameter.low), (f"{where}.high", parameter.high)]
    shape = structure_of(base)
    for key, value in trials:
        try:
            trial = with_overrides(base, {spec.path: value})
        except ScenarioError as exc:
            raise _bad(file, key, exc) from None
        if structure_of(trial) != shape:
            raise ScenarioError(
                file,
                f"{where}.path",
                f"{spec.path} changes the scenario's structure (ids, links, horizon) and "
                "cannot vary between members; fix it in [experiment] set instead",
            )
    return parameter


def _resolve_output(file: str, index: int, spec: OutputSpec, base: Scenario) -> Output:
    where = f"outputs.{index}"
    if spec.metric == CHECKPOINT:
        found = {cp.id: cp for cp in base.checkpoints}
        if spec.checkpoint not in found:
            raise ScenarioError(
                file, f"{where}.checkpoint", f"the scenario has no checkpoint {spec.checkpoint!r}"
            )
        cp = found[spec.checkpoint]
        first = (cp.start_date - base.scenario.start_date).days
        last = (cp.end_date - base.scenario.start_date).days
        name = spec.name or f"{CHECKPOINT}.{cp.id}"
        return Output(name, CHECKPOINT, cp.side, ALL, (), first, last, spec.analyse, cp)
    pairs = side_munition_pairs(base)
    sides = [s.id for s in base.sides]
    munitions = [m.id for m in base.munitions]
    if spec.side != ALL and spec.side not in sides:
        raise ScenarioError(
            file, f"{where}.side", f"unknown side {spec.side!r} (known: all, {', '.join(sides)})"
        )
    if spec.munition != ALL and spec.munition not in munitions:
        known = ", ".join(munitions)
        raise ScenarioError(
            file, f"{where}.munition", f"unknown munition {spec.munition!r} (known: all, {known})"
        )
    chosen = tuple(
        i
        for i, (side, munition) in enumerate(pairs)
        if spec.side in (ALL, side) and spec.munition in (ALL, munition)
    )
    if not chosen and spec.metric not in OUTCOMES:
        raise ScenarioError(
            file, where, f"no agent of side {spec.side!r} handles munition {spec.munition!r}"
        )
    start = base.scenario.start_date
    first = 0 if spec.start_date is None else (spec.start_date - start).days
    last = base.scenario.days - 1 if spec.end_date is None else (spec.end_date - start).days
    for key, day, date in (
        ("start_date", first, spec.start_date),
        ("end_date", last, spec.end_date),
    ):
        if not 0 <= day < base.scenario.days:
            raise ScenarioError(
                file,
                f"{where}.{key}",
                f"{date} is outside the scenario ({start} to {base.end_date})",
            )
    name = spec.name or f"{spec.metric}.{spec.side}.{spec.munition}"
    if spec.name is None and (spec.start_date or spec.end_date):
        name += f".{start + dt.timedelta(days=first)}_{start + dt.timedelta(days=last)}"
    return Output(name, spec.metric, spec.side, spec.munition, chosen, first, last, spec.analyse)


def _validate(raw: dict[str, Any], file: str) -> ExperimentFile:
    try:
        return ExperimentFile.model_validate(raw)
    except ValidationError as exc:
        raise input_error(exc, raw, file) from None


def load_experiment(path: str | Path) -> Experiment:
    """Read, validate and resolve an experiment file against its scenario.

    Raises:
        ScenarioError: anything wrong in the experiment or its scenario, in one line.
    """
    file = str(path)
    raw, sha256 = read_raw(path)
    return resolve_experiment(raw, file, sha256)


def _variant(scenario_file: Path, name: str | None, info: ExperimentInfo, file: str) -> Scenario:
    """The scenario in variant ``name`` with the experiment's fixed overrides."""
    found = load_scenario(scenario_file, variant=name)  # its own errors name it
    if not info.set:
        return found
    try:
        return load_scenario(scenario_file, variant=name, overrides=dict(info.set))
    except ScenarioError as exc:
        where = f"experiment.set.{exc.key_path}" if exc.key_path else "experiment.set"
        raise ScenarioError(file, where, exc.message) from None


def _kept(
    scenario: Scenario, parameters: tuple[Parameter, ...], fixed: dict[str, Any]
) -> tuple[bool, ...]:
    """Per parameter: whether a member of this scenario takes its sampled value. An
    uncertainty's value yields where the variant sets the path itself (its
    counterfactual) or the experiment fixes it (its ``set``, a command's ``--set``); a
    swept ``[[parameters]]`` value never does."""
    table = scenario.variants.get(scenario.source.variant, {})
    own = list(variant_settings(table)) + list(fixed)

    def plain(path: str) -> str:
        found = relative(path)
        return found[0] if found else path

    return tuple(
        p.law is None
        or not any(plain(p.path) == plain(mine) or plain(mine).startswith(plain(p.path) + ".")
                   for mine in own)
        for p in parameters
    )  # fmt: skip


def resolve_experiment(raw: dict[str, Any], file: str, sha256: str = "") -> Experiment:
    """Validate and resolve an experiment's content (``file`` names it in errors, and
    the scenario is found relative to it)."""
    spec = _validate(raw, file)
    info = spec.experiment
    if spec.experiment.sampler != "grid":
        for i, p in enumerate(spec.parameters):
            if p.levels is not None:
                raise ScenarioError(
                    file,
                    f"parameters.{i}.levels",
                    f"levels need the grid sampler, not {info.sampler}",
                )
    scenario_file = Path(file).parent / info.scenario
    if not scenario_file.is_file():
        raise ScenarioError(file, "experiment.scenario", f"no such file: {scenario_file}")
    first = info.variants[0] if info.variants else info.variant
    base = _variant(scenario_file, first, info, file)
    paths = [p.path for p in spec.parameters]
    for i, swept in enumerate(paths):
        if swept in paths[:i]:
            raise ScenarioError(file, f"parameters.{i}.path", f"{swept} is swept twice")
    parameters = tuple(_resolve_parameter(file, i, p, base) for i, p in enumerate(spec.parameters))
    factors: tuple[Parameter, ...] = ()
    if info.uncertainties:
        if not base.uncertainties:
            raise ScenarioError(
                file, "experiment.uncertainties", f"{scenario_file} declares no [[uncertainties]]"
            )
        columns, drawn = uncertain_parameters(base, base.source.path)
        offset = len(parameters)
        own = tuple(replace(p, factor=i) for i, p in enumerate(parameters))
        drawn = tuple(replace(d, factor=offset + (d.factor or 0)) for d in drawn)
        for d in drawn:
            if d.path in paths:
                raise ScenarioError(
                    file, "parameters", f"{d.path} is also one of the scenario's uncertainties"
                )
        factors, parameters = own + columns, own + drawn
    variants = tuple(_variant(scenario_file, name, info, file) for name in info.variants)
    if variants:
        shape = structure_of(variants[0])
        for name, other in zip(info.variants[1:], variants[1:], strict=True):
            if structure_of(other) != shape:
                raise ScenarioError(
                    file,
                    "experiment.variants",
                    f"{name} changes the structure of {info.variants[0]} (ids, links, dates); "
                    "variants compared need the same structure with other numbers",
                )
    kept = tuple(_kept(v, parameters, info.set) for v in variants or (base,))
    outputs = tuple(_resolve_output(file, i, o, base) for i, o in enumerate(spec.outputs))
    names = [o.name for o in outputs]
    taken = {"sample", "replication", "seed", "variant", "error", *[p.path for p in parameters]}
    for i, name in enumerate(names):
        if name in names[:i] or name in taken or name.startswith(DIFFERENCE):
            raise ScenarioError(file, f"outputs.{i}", f"output name {name!r} is already taken")
    return Experiment(file, sha256, spec, base, parameters, outputs, factors, variants, kept)
