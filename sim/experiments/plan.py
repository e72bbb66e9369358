"""A sweep's plan: samples × replications → members → batches, each with its shard key.

Member ``m`` is sample ``m // reps``, replication ``m % reps``; where variants are
compared, each of those runs in every variant, the variant counting fastest, and
shares its seed. With common random numbers (the default) replication ``r`` of every
sample gets ``member_seed(seed, r)``: samples differ only in their parameters, not in
their luck, which sharpens the comparisons sensitivity analysis makes between samples.
Without them, run ``k`` (sample × replication) gets ``member_seed(seed, k)``.

Batches are consecutive runs of members whose size depends only on the experiment,
never on the worker count or backend, so a batch (and the shard holding its results)
is the same whoever runs it. A batch's key hashes the scenario, the experiment and its
members' parameters and seeds.

Example:
    >>> from sim.experiments.experiment import load_experiment
    >>> plan = make_plan(load_experiment("scenarios/experiments/tutorial_morris.toml"))
    >>> plan.n_samples, plan.reps, plan.members, plan.batch_size, plan.n_batches
    (90, 2, 180, 32, 6)
    >>> plan.job(0).samples[:4], plan.job(0).replications[:4]
    ((0, 0, 1, 1), (0, 1, 0, 1))
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.engine.accounts import FRONT, GUNS, RECORDED
from sim.engine.rng import member_seed
from sim.engine.structure import front_pairs_of, gun_pairs_of, side_munition_pairs
from sim.experiments.experiment import Experiment
from sim.experiments.samplers import derived_seed, sample_matrix

MAX_BATCH = 256  # beyond this the fixed cost of a day is well amortised
MIN_BATCH = 32
BATCH_MEMORY_BYTES = 256 * 2**20  # the daily books of one batch, per worker
_WORK_ARRAYS = 12  # temporaries of the metrics, in record-sized arrays per column set


@dataclass(frozen=True)
class BatchJob:
    """What a worker needs to run one batch; small and picklable."""

    index: int
    key: str
    samples: tuple[int, ...]
    replications: tuple[int, ...]
    seeds: tuple[int, ...]
    values: tuple[tuple[Any, ...], ...]  # per parameter, per member: scenario values
    variants: tuple[int, ...] = ()  # per member, where variants are compared


@dataclass(frozen=True)
class Plan:
    """Every member of a sweep, by sample and replication, grouped into batches."""

    experiment: Experiment
    matrix: np.ndarray  # [samples, columns] sampler values (``Experiment.columns``)
    batch_size: int

    @property
    def n_variants(self) -> int:
        return max(1, len(self.experiment.variants))

    @property
    def n_samples(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def reps(self) -> int:
        return self.experiment.info.reps

    @property
    def members(self) -> int:
        return self.n_samples * self.reps * self.n_variants

    @property
    def n_batches(self) -> int:
        return math.ceil(self.members / self.batch_size)

    def seed_of(self, member: int) -> int:
        """The seed of member ``member``."""
        info = self.experiment.info
        run = member // self.n_variants  # a sample's replication, in every variant
        replication = run % self.reps if info.common_random_numbers else run
        return member_seed(self.experiment.seed, replication)

    def replication_seeds(self) -> list[int]:
        """With common random numbers, the seed of each replication (shared by samples)."""
        return [member_seed(self.experiment.seed, r) for r in range(self.reps)]

    def job(self, index: int) -> BatchJob:
        """Batch ``index``: its members, their seeds and parameter values, and its key."""
        start = index * self.batch_size
        members = range(start, min(start + self.batch_size, self.members))
        runs = [m // self.n_variants for m in members]
        samples = tuple(run // self.reps for run in runs)
        values = tuple(
            tuple(parameter.decode(self.matrix[s, _column(parameter, j)]) for s in samples)
            for j, parameter in enumerate(self.experiment.parameters)
        )
        replications = tuple(run % self.reps for run in runs)
        seeds = tuple(self.seed_of(m) for m in members)
        variants = tuple(m % self.n_variants for m in members) if self.experiment.variants else ()
        content = {
            "experiment": self.experiment.identity,
            "samples": samples,
            "replications": replications,
            "seeds": seeds,
            "values": values,
        }
        if variants:
            content["variants"] = variants
        text = json.dumps(content, default=_json_value, sort_keys=True)
        key = hashlib.sha256(text.encode()).hexdigest()
        return BatchJob(index, key, samples, replications, seeds, values, variants)


def _column(parameter: Any, position: int) -> int:
    """The sampler's column a parameter reads."""
    return position if parameter.factor is None else parameter.factor


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


def default_batch_size(experiment: Experiment, members: int) -> int:
    """Members per batch: at most what fits ``BATCH_MEMORY_BYTES``, ideally about 8 batches.

    Within those limits, at least ``MIN_BATCH`` (a day's Python overhead is paid once
    per batch) and at most ``MAX_BATCH``.
    """
    scenario = experiment.scenario
    pairs = len(side_munition_pairs(scenario))
    guns = len(gun_pairs_of(scenario)) * len(GUNS.recorded)  # the guns' books, per day
    guns += len(front_pairs_of(scenario)) * len(FRONT.recorded)  # and the front's
    per_member = scenario.scenario.days * 8 * (pairs * (len(RECORDED) + _WORK_ARRAYS) + guns)
    fits = max(1, BATCH_MEMORY_BYTES // per_member)
    wanted = max(math.ceil(members / 8), min(MIN_BATCH, members))
    return max(1, min(wanted, MAX_BATCH, fits))


def make_plan(experiment: Experiment) -> Plan:
    """Draw the samples and fix the batches of an experiment."""
    info = experiment.info
    matrix = sample_matrix(
        info.sampler,
        experiment.columns,
        samples=info.samples,
        levels=info.levels,
        seed=derived_seed(experiment.seed, "sampler"),
    )
    variants = max(1, len(experiment.variants))
    members = matrix.shape[0] * info.reps * variants
    size = info.batch_size or default_batch_size(experiment, members)
    size = -(-size // variants) * variants  # a batch holds whole pairs, to difference them
    return Plan(experiment, matrix, size)
