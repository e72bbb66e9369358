"""Samplers, plans, batches and shards: the pieces of a sweep, each on its own."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow.parquet as pq
import pytest
from sweep_support import GRID, SOBOL, write

from sim.engine.rng import member_seed
from sim.experiments.batch import SweepContext, run_batch
from sim.experiments.experiment import Parameter, load_experiment
from sim.experiments.plan import BatchJob, make_plan
from sim.experiments.samplers import sample_matrix
from sim.experiments.shards import (
    clear_temporaries,
    read_shard,
    shard_complete,
    shard_path,
    write_shard,
)

PARAMS = (Parameter("a", "float", 0.0, 1.0), Parameter.whole("b", "int", 2, 5))


def test_grid_is_the_full_factorial():
    matrix = sample_matrix("grid", PARAMS, levels=3)
    assert matrix.shape == (3 * 3, 2)
    assert sorted({PARAMS[1].decode(x) for x in matrix[:, 1]}) == [2, 4, 5]


@pytest.mark.parametrize(
    ("sampler", "rows"), [("lhs", 20), ("sobol", 8 * (2 + 2)), ("morris", 5 * (2 + 1))]
)
def test_samplers_are_seeded_and_in_bounds(sampler, rows):
    size = {"lhs": 20, "sobol": 8, "morris": 5}[sampler]
    first = sample_matrix(sampler, PARAMS, samples=size, seed=3)
    assert first.shape == (rows, 2)
    assert np.array_equal(first, sample_matrix(sampler, PARAMS, samples=size, seed=3))
    assert not np.array_equal(first, sample_matrix(sampler, PARAMS, samples=size, seed=4))
    for j, p in enumerate(PARAMS):
        assert (first[:, j] >= p.low).all() and (first[:, j] <= p.high).all()


def test_lhs_puts_one_point_in_each_stratum():
    matrix = sample_matrix("lhs", PARAMS, samples=10, seed=1)
    strata = np.floor((matrix[:, 0] - 0.0) / 0.1).astype(int)
    assert sorted(strata) == list(range(10))


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    return load_experiment(write(tmp_path_factory.mktemp("plan"), SOBOL))


def test_replications_share_seeds_across_samples(experiment):
    plan = make_plan(experiment)
    assert (plan.n_samples, plan.members, plan.n_batches) == (40, 80, 10)
    jobs = [plan.job(i) for i in range(plan.n_batches)]
    rows = [
        row for job in jobs for row in zip(job.samples, job.replications, job.seeds, strict=True)
    ]
    assert [(s, r) for s, r, _ in rows] == [(s, r) for s in range(40) for r in range(2)]
    assert all(seed == member_seed(7, r) for _, r, seed in rows)
    assert len({job.key for job in jobs}) == len(jobs)


def test_independent_seeds_when_asked(tmp_path):
    text = SOBOL.replace("seed = 7", "seed = 7\ncommon_random_numbers = false")
    plan = make_plan(load_experiment(write(tmp_path, text)))
    seeds = [seed for i in range(plan.n_batches) for seed in plan.job(i).seeds]
    assert seeds == [member_seed(7, m) for m in range(plan.members)]


def test_keys_change_with_what_determines_results(tmp_path, experiment):
    key = make_plan(experiment).job(0).key
    assert make_plan(experiment).job(0).key == key  # the plan is a function of the file
    other = load_experiment(write(tmp_path, SOBOL.replace("seed = 7", "seed = 8")))
    assert make_plan(other).job(0).key != key
    other = load_experiment(write(tmp_path, SOBOL.replace("high = 450", "high = 400")))
    assert make_plan(other).job(0).key != key


def _context(experiment):
    return SweepContext.of(experiment)


def _sub_job(job: BatchJob, rows: list[int]) -> BatchJob:
    return BatchJob(
        job.index,
        job.key,
        tuple(job.samples[i] for i in rows),
        tuple(job.replications[i] for i in rows),
        tuple(job.seeds[i] for i in rows),
        tuple(tuple(values[i] for i in rows) for values in job.values),
    )


def test_a_member_does_not_depend_on_its_batch_mates(experiment):
    job = make_plan(experiment).job(3)
    whole = run_batch(_context(experiment), job).to_pandas()
    alone = run_batch(_context(experiment), _sub_job(job, [5])).to_pandas()
    pair = run_batch(_context(experiment), _sub_job(job, [5, 1])).to_pandas()
    assert whole.iloc[[5]].reset_index(drop=True).equals(alone)
    assert whole.iloc[[5, 1]].reset_index(drop=True).equals(pair)
    assert whole["error"].isna().all()
    assert whole["effective_fire_total.RU.all"].nunique() > 1


def test_an_invalid_sample_is_recorded_and_the_rest_run(tmp_path):
    experiment = load_experiment(write(tmp_path, GRID))
    plan = make_plan(experiment)
    assert plan.n_batches == 1
    table = run_batch(_context(experiment), plan.job(0)).to_pandas()
    starts = table["importers.dprk.routes.sea.start_date"]
    ends = table["importers.dprk.routes.sea.end_date"]
    bad = ends < starts  # the route that closes before it opens: 2 samples x 2 replications
    assert bad.sum() == 4
    assert table.loc[bad, "error"].str.contains("end_date is before start_date").all()
    assert table.loc[bad, "imports_arrived_total.RU.all"].isna().all()
    assert table.loc[~bad, "error"].isna().all()
    assert (table.loc[~bad, "imports_arrived_total.RU.all"] > 0).all()
    assert isinstance(starts.iloc[0], dt.date)


def test_shards_are_whole_or_absent(tmp_path, experiment, monkeypatch):
    job = make_plan(experiment).job(0)
    table = run_batch(_context(experiment), job)
    path = shard_path(tmp_path, job)
    write_shard(table, path, job.key)
    assert shard_complete(path, job.key, table.num_rows)
    assert read_shard(path).equals(table)
    assert not shard_complete(path, "another key", table.num_rows)
    assert not shard_complete(path, job.key, table.num_rows + 1)

    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 8, 8):
        path.write_bytes(data[:cut])  # as if a non-atomic write had been cut short
        assert not shard_complete(path, job.key, table.num_rows)

    def dies_mid_write(table, sink, **options):
        sink.write(b"PAR1 half a shard")
        raise KeyboardInterrupt

    path.unlink()
    monkeypatch.setattr(pq, "write_table", dies_mid_write)
    with pytest.raises(KeyboardInterrupt):
        write_shard(table, path, job.key)
    assert list(tmp_path.iterdir()) == []  # neither the shard nor its temporary file
    (tmp_path / ".batch-000000-x.parquet.1.tmp").write_bytes(b"PAR1")
    assert clear_temporaries(tmp_path) == 1
