"""Named random streams, counter-based, for a batch of members.

A stream is keyed by a stable name (``importers.dprk.routes.sea.seizure``) and each
member's seed through ``numpy.random.SeedSequence``. The uniform for (member, day, slot)
is a hash of that key and a counter, so

- a stream draws the same fixed number of uniforms each day whatever the state, and
  turning one process off never shifts another's draws (common random numbers);
- a member's draws depend only on its own seed, never on its batch-mates;
- no state is carried from day to day, so nothing can drift between runs.

The hash is SplitMix64's finaliser applied to ``key + (counter + 1) * golden``, the
same construction SplitMix64 uses to generate its sequence.

Example:
    >>> streams = RandomStreams([1, 2])
    >>> u = streams.stream("producers.plant.noise", draws_per_day=3).uniforms(day=0)
    >>> u.shape, bool(((u > 0) & (u < 1)).all())
    ((2, 3), True)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from scipy.special import ndtri

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53


def _mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def _name_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")


class Stream:
    """One named process's uniforms for every member: ``draws_per_day`` a day."""

    def __init__(self, keys: np.ndarray, draws_per_day: int) -> None:
        self.keys = keys
        self.draws_per_day = draws_per_day
        self._slots = np.arange(draws_per_day, dtype=np.uint64)

    def uniforms(self, day: int) -> np.ndarray:
        """Uniforms in (0, 1), shape ``[members, draws_per_day]``."""
        counter = np.uint64(day * self.draws_per_day + 1) + self._slots
        with np.errstate(over="ignore"):
            z = _mix(self.keys[:, None] + counter[None, :] * _GOLDEN)
        return ((z >> np.uint64(11)).astype(np.float64) + 0.5) * _TO_UNIT


class RandomStreams:
    """Factory of named streams for a batch of members with the given seeds."""

    def __init__(self, member_seeds: Sequence[int]) -> None:
        self.member_seeds = [int(seed) for seed in member_seeds]

    def stream(self, name: str, draws_per_day: int) -> Stream:
        """The stream ``name`` (stable across runs, variants and batches)."""
        spawn = _name_key(name)
        keys = np.array(
            [
                np.random.SeedSequence(seed, spawn_key=(spawn,)).generate_state(1, np.uint64)[0]
                for seed in self.member_seeds
            ],
            dtype=np.uint64,
        )
        return Stream(keys, max(int(draws_per_day), 1))


def member_seed(master_seed: int, replication: int) -> int:
    """The seed of replication ``replication`` under ``master_seed`` (stable, 63-bit)."""
    state = np.random.SeedSequence(master_seed, spawn_key=(replication,)).generate_state(
        1, np.uint64
    )
    return int(state[0] >> np.uint64(1))


def stochastic_round(x: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Round non-negative ``x`` to an integer: up with probability frac(x). Mean exact."""
    return np.floor(x + u).astype(np.int64)


def lognormal_noise(cv: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Mean-one lognormal multipliers with coefficient of variation ``cv``."""
    sigma = np.sqrt(np.log1p(np.square(cv)))
    return np.exp(sigma * ndtri(u) - 0.5 * sigma**2)


def poisson_from_uniform(rate: np.ndarray, u: np.ndarray, cap: int) -> np.ndarray:
    """Poisson counts with mean ``rate`` by inverting the CDF at ``u``, at most ``cap``."""
    rate = np.asarray(rate, dtype=np.float64)
    term = np.exp(-rate)
    cdf = term.copy()
    count = np.zeros(rate.shape, dtype=np.int64)
    for k in range(1, cap + 1):
        count += u > cdf
        term = term * rate / k
        cdf = cdf + term
    return count
