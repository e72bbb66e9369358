"""Run one batch of a sweep: members → one ``SupplyModel`` → one row of outputs each.

This is what a worker executes (a local process or a Dask worker). Only the chosen
summary outputs leave the worker, so memory does not grow with the sweep's size. A
member whose sampled values make an invalid scenario gets its error in the ``error``
column and no outputs; the rest of the batch runs.

Example:
    >>> from sim.experiments.experiment import load_experiment
    >>> from sim.experiments.plan import make_plan
    >>> exp = load_experiment("scenarios/experiments/tutorial_morris.toml")
    >>> context = SweepContext.of(exp)
    >>> table = run_batch(context, make_plan(exp).job(0))
    >>> table.num_rows, table.column_names[:3], table.column_names[-1]
    (32, ['sample', 'replication', 'seed'], 'error')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from sim.engine.metrics import summarise
from sim.engine.model import SupplyModel
from sim.experiments.checkpoints import checkpoint_values
from sim.experiments.experiment import DIFFERENCE, Experiment, Output, Parameter
from sim.experiments.outcomes import OUTCOMES, Records, side_outcomes
from sim.experiments.plan import BatchJob
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import with_overrides
from sim.scenario.schema import Scenario

KEY_COLUMNS = ("sample", "replication", "seed")
CHECK_DAYS = 30


@dataclass(frozen=True)
class SweepContext:
    """What every batch of a sweep shares: the resolved scenario (and the variants
    compared), and the specs."""

    scenario: Scenario
    parameters: tuple[Parameter, ...]
    outputs: tuple[Output, ...]
    variants: tuple[Scenario, ...] = ()
    kept: tuple[tuple[bool, ...], ...] = ()  # per variant (or the one scenario), per parameter

    @classmethod
    def of(cls, experiment: Experiment) -> SweepContext:
        return cls(
            experiment.scenario,
            experiment.parameters,
            experiment.outputs,
            experiment.variants,
            experiment.kept,
        )

    @property
    def variant_names(self) -> list[str]:
        return [s.source.variant for s in self.variants]


def _arrow_type(parameter: Parameter) -> pa.DataType:
    if parameter.kind == "float":
        return pa.float64()
    if parameter.kind == "int":
        return pa.int64()
    if parameter.kind == "date":
        return pa.date32()
    sample = parameter.levels[0]
    if isinstance(sample, bool):
        return pa.bool_()
    if isinstance(sample, dt.date):
        return pa.date32()
    if isinstance(sample, int) and all(isinstance(v, int) for v in parameter.levels):
        return pa.int64()
    if isinstance(sample, int | float):
        return pa.float64()
    return pa.string()


def results_schema(
    parameters: tuple[Parameter, ...], outputs: tuple[Output, ...], variants: bool = False
) -> pa.Schema:
    """Columns of a shard and of ``results.parquet``: keys (and the variant), parameters,
    outputs (and their paired differences, ``diff.NAME``), error."""
    fields = [pa.field(name, pa.int64()) for name in KEY_COLUMNS]
    if variants:
        fields.append(pa.field("variant", pa.string()))
    fields += [pa.field(p.path, _arrow_type(p)) for p in parameters]
    fields += [pa.field(o.name, pa.float64()) for o in outputs]
    if variants:
        fields += [pa.field(DIFFERENCE + o.name, pa.float64()) for o in outputs]
    fields.append(pa.field("error", pa.string()))
    return pa.schema(fields)


def context_schema(context: SweepContext) -> pa.Schema:
    return results_schema(context.parameters, context.outputs, bool(context.variants))


def output_values(
    records: Records, outputs: tuple[Output, ...], scenario: Scenario
) -> list[np.ndarray]:
    """Each output per member: its metric over its window, on its pairs summed (an
    outcome: of its side; a checkpoint: the model's value of it)."""
    record = records.rounds
    merged: dict[tuple[int, ...], dict[str, np.ndarray]] = {}
    values = []
    for output in outputs:
        if output.checkpoint is not None:
            found = checkpoint_values(scenario, output.checkpoint, records)
            values.append(np.asarray(found, dtype=np.float64))
            continue
        if output.metric in OUTCOMES:
            days = (output.first_day, output.last_day)
            found = side_outcomes(records, output.side, days)[output.metric]
            values.append(np.asarray(found, dtype=np.float64))
            continue
        if output.pairs not in merged:
            columns = list(output.pairs)
            merged[output.pairs] = {
                name: array[:, :, columns].sum(axis=2, keepdims=True)
                for name, array in record.items()
            }
        metrics = summarise(merged[output.pairs], output.first_day, output.last_day)
        values.append(np.asarray(metrics[output.metric][:, 0], dtype=np.float64))
    return values


def _not_applied(context: SweepContext, job: BatchJob, j: int) -> np.ndarray | None:
    """Members whose variant (or the experiment's ``set``) fixes parameter ``j`` itself:
    the sampled value is not theirs, so it is left empty in their row."""
    if not context.kept:
        return None
    variants = job.variants or (0,) * len(job.samples)
    mask = np.array([not context.kept[v][j] for v in variants])
    return mask if mask.any() else None


def run_batch(
    context: SweepContext, job: BatchJob, should_stop: Callable[[], bool] | None = None
) -> pa.Table | None:
    """Run the members of ``job`` as one batch; one row per member, in member order.

    ``should_stop`` is asked every ``CHECK_DAYS`` simulated days; if it says so, the
    batch is abandoned (returns None) and its members will be run again on resume.
    """
    size = len(job.samples)
    errors: list[str | None] = [None] * size
    scenarios: dict[tuple[int, int], Scenario | str] = {}
    members: list[Scenario] = []
    ran: list[int] = []
    for i, sample in enumerate(job.samples):
        variant = job.variants[i] if job.variants else -1
        if (variant, sample) not in scenarios:
            base = context.variants[variant] if variant >= 0 else context.scenario
            kept = (
                context.kept[max(variant, 0)] if context.kept else (True,) * len(context.parameters)
            )
            overrides = {
                p.path: job.values[j][i] for j, p in enumerate(context.parameters) if kept[j]
            }
            try:
                scenarios[(variant, sample)] = with_overrides(base, overrides)
            except ScenarioError as exc:
                scenarios[(variant, sample)] = f"{exc.key_path}: {exc.message}"
        found = scenarios[(variant, sample)]
        if isinstance(found, str):
            errors[i] = found
        else:
            members.append(found)
            ran.append(i)
    outputs = [np.full(size, np.nan) for _ in context.outputs]
    if members:
        model = SupplyModel(members, [job.seeds[i] for i in ran])
        while model.day < model.days:
            if should_stop is not None and should_stop():
                return None
            model.run_until(min(model.day + CHECK_DAYS, model.days))
        measured = output_values(Records.of(model), context.outputs, context.scenario)
        for column, values in zip(outputs, measured, strict=True):
            column[ran] = values
    schema = context_schema(context)
    failed = np.array([error is not None for error in errors])
    masks = [failed] * len(outputs)
    columns: list[Any] = [job.samples, job.replications, job.seeds]
    if context.variants:
        names = context.variant_names
        columns.append([names[v] for v in job.variants])
        # the batch holds whole pairs: member i's first variant is member i - variant
        first = np.arange(size) - np.asarray(job.variants)
        outputs += [column[first] - column for column in outputs]
        masks += [failed | failed[first]] * len(context.outputs)
    keys = [pa.array(column, type=f.type) for column, f in zip(columns, schema, strict=False)]
    inputs = schema.names[len(keys) : len(keys) + len(context.parameters)]
    arrays = keys + [
        pa.array(values, type=schema.field(name).type, mask=_not_applied(context, job, j))
        for j, (name, values) in enumerate(zip(inputs, job.values, strict=True))
    ]
    arrays += [
        pa.array(values, type=pa.float64(), mask=mask)
        for values, mask in zip(outputs, masks, strict=True)
    ]
    arrays.append(pa.array(errors, type=pa.string()))
    return pa.Table.from_arrays(arrays, schema=schema)
