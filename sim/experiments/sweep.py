"""Running a sweep's batches: every batch without a whole shard, on a backend, into shards.

A sweep's batches depend only on its plan, so a batch (and the shard holding its
results) is the same whoever runs it; ``pending_jobs`` finds the batches still to run
(after a kill, say), ``run_pending`` runs them on a backend and writes each shard as it
comes in, and ``assemble`` concatenates the shards in plan order into one table. The
run folder around them is ``sim.outputs.sweeps``.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
from tqdm import tqdm

from sim.experiments.backends import Backend
from sim.experiments.batch import SweepContext, context_schema
from sim.experiments.plan import BatchJob, Plan
from sim.experiments.shards import (
    clear_temporaries,
    read_shard,
    shard_complete,
    shard_path,
    write_shard,
)
from sim.experiments.wording import counted


def pending_jobs(plan: Plan, shards: Path) -> tuple[list[BatchJob], int]:
    """Jobs without a whole shard; members already done. Broken shards are removed."""
    clear_temporaries(shards)
    expected = {}
    pending = []
    done = 0
    for index in range(plan.n_batches):
        job = plan.job(index)
        path = shard_path(shards, job)
        expected[path.name] = job
        if path.exists() and shard_complete(path, job.key, len(job.samples)):
            done += len(job.samples)
        else:
            path.unlink(missing_ok=True)
            pending.append(job)
    for stray in shards.iterdir():
        if stray.name not in expected:
            stray.unlink()
    return pending, done


def assemble(plan: Plan, shards: Path, path: Path) -> None:
    """Concatenate the shards in plan order into ``results.parquet`` (one batch at a time)."""
    schema = context_schema(SweepContext.of(plan.experiment))
    with pq.ParquetWriter(path, schema) as writer:
        for index in range(plan.n_batches):
            job = plan.job(index)
            table = read_shard(shard_path(shards, job))
            writer.write_table(table.cast(schema))


def run_pending(
    plan: Plan,
    shards: Path,
    backend: Backend,
    *,
    progress: bool | None,
    say: Callable[[str], None],
    where: Path,
    resume: str | None = None,
    label: str = "sweep",
) -> None:
    """Run every batch without a whole shard, writing each shard as it comes in.

    ``where`` is the folder the sweep works in; ``resume``, how to finish it after an
    interruption (default: ``munsim sweep EXPERIMENT --resume WHERE``).
    """
    experiment = plan.experiment
    pending, done = pending_jobs(plan, shards)
    compared = f" × {counted(plan.n_variants, 'variants')}" if experiment.variants else ""
    say(
        f"{label}: {counted(plan.n_samples, 'samples')} × {counted(plan.reps, 'reps')}"
        f"{compared} = {counted(plan.members, 'members')} in "
        f"{counted(plan.n_batches, 'batches')} ({plan.members - done} to run); working in {where}"
    )
    context = SweepContext.of(experiment)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(
        total=plan.members, initial=done, unit="member", disable=not show, desc=label,
        smoothing=0.05,
    )  # fmt: skip
    try:
        with bar, contextlib.closing(backend.run(context, pending)) as finished:
            for job, table in finished:
                write_shard(table, shard_path(shards, job), job.key)
                bar.update(len(job.samples))
    except KeyboardInterrupt:
        hint = resume or f"munsim sweep {experiment.file} --resume {where}"
        say(f"interrupted; finish it with: {hint}")
        raise
