"""Named streams: reproducible, independent of batch-mates, keyed as numpy would key them."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import ndtri

from sim.engine.rng import (
    LOGNORMAL,
    UNIFORM,
    member_seed,
    name_key,
    noise_factor,
    normal_quantile,
    poisson,
    stochastic_round,
    stream_keys,
    uniform,
)


def _draws(seed: int, name: str, days: int, per_day: int) -> np.ndarray:
    (key,) = stream_keys(np.array([seed]), name)
    return np.array([[uniform(key, d, per_day, s) for s in range(per_day)] for d in range(days)])


@settings(max_examples=200)
@given(seed=st.integers(0, 2**63 - 1), name=st.text(min_size=1, max_size=40))
def test_stream_keys_are_numpys_seed_sequence(seed, name):
    (key,) = stream_keys(np.array([seed]), name)
    expected = np.random.SeedSequence(seed, spawn_key=(name_key(name),)).generate_state(
        1, np.uint64
    )[0]
    assert key == expected


def test_a_members_keys_do_not_depend_on_its_batch_mates():
    four = stream_keys(np.array([11, 12, 13, 14]), "x.noise")
    two = stream_keys(np.array([11, 12]), "x.noise")
    assert np.array_equal(four[:2], two)


def test_names_days_and_seeds_give_different_draws():
    u = _draws(1, "a", 2, 3)
    assert not np.array_equal(u, _draws(1, "b", 2, 3))
    assert not np.array_equal(u[0], u[1])
    assert not np.array_equal(u, _draws(2, "a", 2, 3))


def test_uniforms_are_uniform():
    draws = _draws(5, "check", 20, 1000).ravel()
    assert ((draws > 0) & (draws < 1)).all()
    assert stats.kstest(draws, "uniform").pvalue > 1e-4


def test_member_seeds_are_stable_and_distinct():
    seeds = [member_seed(42, r) for r in range(100)]
    assert len(set(seeds)) == 100
    assert seeds[3] == member_seed(42, 3)
    assert seeds[0] != member_seed(43, 0)


def test_stochastic_round_mean_is_exact():
    rounded = np.array([stochastic_round(2.3, u) for u in _draws(9, "round", 1, 20000)[0]])
    assert set(np.unique(rounded)) == {2, 3}
    assert abs(rounded.mean() - 2.3) < 0.02


def test_normal_quantile_matches_scipy():
    p = np.concatenate([np.linspace(1e-12, 1 - 1e-12, 10001), [1e-300, 0.5, 0.975]])
    ours = np.array([normal_quantile(x) for x in p])
    np.testing.assert_allclose(ours, ndtri(p), rtol=1e-14, atol=1e-14)


def test_noise_factors_have_mean_one_and_the_asked_spread():
    u = _draws(4, "noise", 1, 40000)[0]
    for distribution in (LOGNORMAL, UNIFORM):
        f = np.array([noise_factor(distribution, 0.2, x) for x in u])
        assert abs(f.mean() - 1.0) < 0.005 and abs(f.std() / f.mean() - 0.2) < 0.005
        assert noise_factor(distribution, 0.0, 0.3) == 1.0
    # uniform noise on 1 ± √3·cv: cv = 0.4/√12 spans 0.8 to 1.2
    f = np.array([noise_factor(UNIFORM, 0.4 / np.sqrt(12), x) for x in u])
    assert 0.8 <= f.min() < 0.801 and 1.199 < f.max() <= 1.2


def test_poisson_matches_poisson():
    counts = np.array([poisson(0.7, u, 20) for u in _draws(3, "p", 1, 50000)[0]])
    assert abs(counts.mean() - 0.7) < 0.02
    assert abs((counts == 0).mean() - np.exp(-0.7)) < 0.01
    assert max(poisson(50.0, u, 4) for u in (0.5, 0.9999)) == 4
