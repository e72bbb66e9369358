"""Named streams: reproducible, independent of batch-mates and of other processes."""

from __future__ import annotations

import numpy as np
from scipy import stats

from sim.rng import RandomStreams, member_seed, poisson_from_uniform, stochastic_round


def test_same_seed_same_draws_and_batch_independence():
    a = RandomStreams([11, 12, 13, 14]).stream("x.noise", 4).uniforms(day=7)
    b = RandomStreams([11, 12]).stream("x.noise", 4).uniforms(day=7)
    assert np.array_equal(a[:2], b)


def test_names_days_and_seeds_give_different_draws():
    streams = RandomStreams([1])
    u = streams.stream("a", 3).uniforms(0)
    assert not np.array_equal(u, streams.stream("b", 3).uniforms(0))
    assert not np.array_equal(u, streams.stream("a", 3).uniforms(1))
    assert not np.array_equal(u, RandomStreams([2]).stream("a", 3).uniforms(0))


def test_uniforms_are_uniform():
    u = RandomStreams([5]).stream("check", 1000)
    draws = np.concatenate([u.uniforms(day).ravel() for day in range(20)])
    assert ((draws > 0) & (draws < 1)).all()
    assert stats.kstest(draws, "uniform").pvalue > 1e-4


def test_member_seeds_are_stable_and_distinct():
    seeds = [member_seed(42, r) for r in range(100)]
    assert len(set(seeds)) == 100
    assert seeds[3] == member_seed(42, 3)
    assert seeds[0] != member_seed(43, 0)


def test_stochastic_round_mean_is_exact():
    u = RandomStreams([9]).stream("round", 20000).uniforms(0)[0]
    rounded = stochastic_round(np.full(u.shape, 2.3), u)
    assert set(np.unique(rounded)) == {2, 3}
    assert abs(rounded.mean() - 2.3) < 0.02


def test_poisson_from_uniform_matches_poisson():
    u = RandomStreams([3]).stream("p", 50000).uniforms(0)[0]
    counts = poisson_from_uniform(np.full(u.shape, 0.7), u, cap=20)
    assert abs(counts.mean() - 0.7) < 0.02
    assert abs((counts == 0).mean() - np.exp(-0.7)) < 0.01
