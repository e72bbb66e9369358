"""Named random streams, counter-based, drawn inside the compiled rules.

A stream is keyed by a stable name (``importers.dprk.routes.sea.shipments``) and each
member's seed through ``numpy.random.SeedSequence``. The uniform for (member, day,
slot) is a hash of that key and a counter, so

- a stream draws the same fixed number of uniforms each day whatever the state, and
  turning one process off never shifts another's draws (common random numbers);
- a member's draws depend only on its own seed, never on its batch-mates;
- no state is carried from day to day: a day's draws are the same whether the run
  goes day by day or in one span.

The hash is SplitMix64's finaliser applied to ``key + (counter + 1) * golden``, the
same construction SplitMix64 uses to generate its sequence. Keys are made by
``stream_keys``, a compiled copy of ``SeedSequence(seed, spawn_key=(name,))``'s state
(equal to numpy's, word for word; a test holds it to that).

Example:
    >>> import numpy as np
    >>> keys = stream_keys(np.array([1, 2]), "producers.plant.output")
    >>> u = [uniform(k, 0, 3, slot) for k in keys for slot in range(3)]
    >>> all(0.0 < x < 1.0 for x in u)
    True
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from sim.engine.compiled import kernel

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53

# SeedSequence's constants (numpy/random/bit_generator.pyx), on 32-bit words
_MASK32 = np.uint64(0xFFFFFFFF)
_INIT_A = np.uint64(0x43B0D7E5)
_MULT_A = np.uint64(0x931E8875)
_INIT_B = np.uint64(0x8B51F9DD)
_MULT_B = np.uint64(0x58F38DED)
_MIX_MULT_L = np.uint64(0xCA01F9DD)
_MIX_MULT_R = np.uint64(0x4973F715)
_XSHIFT = np.uint64(16)
_POOL = 4


@kernel
def uniform(key, day, draws_per_day, slot):
    """The stream's uniform in (0, 1) for ``day`` and ``slot`` (of ``draws_per_day``)."""
    counter = np.uint64(day * draws_per_day + 1 + slot)
    z = key + counter * _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z = z ^ (z >> np.uint64(31))
    return (np.float64(z >> np.uint64(11)) + 0.5) * _TO_UNIT


@kernel
def _hashmix(value, hash_const):
    value = (value ^ hash_const) & _MASK32
    hash_const = (hash_const * _MULT_A) & _MASK32
    value = (value * hash_const) & _MASK32
    return value ^ (value >> _XSHIFT), hash_const


@kernel
def _mix(x, y):
    result = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _MASK32
    return result ^ (result >> _XSHIFT)


@kernel
def _words(value, out, at):
    """``value``'s 32-bit words, least significant first, written from ``out[at]``."""
    n = 0
    if value == 0:
        out[at] = np.uint64(0)
        return 1
    while value > 0:
        out[at + n] = value & _MASK32
        value = value >> np.uint64(32)
        n += 1
    return n


@kernel
def _seed_sequence_state(seed, spawn):
    """``SeedSequence(seed, spawn_key=(spawn,)).generate_state(1, np.uint64)[0]``."""
    entropy = np.zeros(_POOL + 2, np.uint64)
    n = _words(seed, entropy, 0)
    n = max(n, _POOL)  # a spawn key pads the run entropy to the pool size
    n += _words(spawn, entropy, n)
    pool = np.zeros(_POOL, np.uint64)
    h = _INIT_A
    for i in range(_POOL):
        pool[i], h = _hashmix(entropy[i] if i < n else np.uint64(0), h)
    for i_src in range(_POOL):
        for i_dst in range(_POOL):
            if i_src != i_dst:
                mixed, h = _hashmix(pool[i_src], h)
                pool[i_dst] = _mix(pool[i_dst], mixed)
    for i_src in range(_POOL, n):
        for i_dst in range(_POOL):
            mixed, h = _hashmix(entropy[i_src], h)
            pool[i_dst] = _mix(pool[i_dst], mixed)
    h = _INIT_B
    state = np.zeros(2, np.uint64)
    for i in range(2):
        value = pool[i % _POOL] ^ h
        h = (h * _MULT_B) & _MASK32
        value = (value * h) & _MASK32
        state[i] = value ^ (value >> _XSHIFT)
    return state[0] | (state[1] << np.uint64(32))


@kernel
def _keys(seeds, spawn):
    out = np.empty(seeds.shape[0], np.uint64)
    for m in range(seeds.shape[0]):
        out[m] = _seed_sequence_state(seeds[m], spawn)
    return out


def name_key(name: str) -> int:
    """The 64-bit number a stream's name stands for in its seed sequence."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")


def stream_keys(seeds: np.ndarray, name: str) -> np.ndarray:
    """Each member's key of the stream ``name`` (``uint64[M]``) from the member seeds."""
    return _keys(np.asarray(seeds, dtype=np.uint64), np.uint64(name_key(name)))


def member_seed(master_seed: int, replication: int) -> int:
    """The seed of replication ``replication`` under ``master_seed`` (stable, 63-bit)."""
    state = np.random.SeedSequence(master_seed, spawn_key=(replication,)).generate_state(
        1, np.uint64
    )
    return int(state[0] >> np.uint64(1))


@kernel
def stochastic_round(x, u):
    """Round non-negative ``x`` to a whole number: up with probability frac(x). Mean exact."""
    return np.int64(math.floor(x + u))


@kernel
def round_drawn(x, key, day, draws_per_day, slot):
    """``stochastic_round`` with the stream's uniform for ``slot``, drawn only if ``x``
    is not whole already (a draw not needed is not computed; it is still the same draw
    whenever it is, so skipping it changes nothing else)."""
    whole = math.floor(x)
    if whole == x:
        return np.int64(whole)
    return stochastic_round(x, uniform(key, day, draws_per_day, slot))


# Wichura's AS241 (PPND16): the normal quantile to about 1e-16 relative error.
_A = (3.387132872796366608, 133.14166789178437745, 1971.5909503065514427,
      13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
      33430.575583588128105, 2509.0809287301226727)  # fmt: skip
_B = (1.0, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077,
      21213.794301586595867, 39307.89580009271061, 28729.085735721942674,
      5226.495278852545925)  # fmt: skip
_C = (1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055,
      3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
      0.0227238449892691845833, 7.7454501427834140764e-4)  # fmt: skip
_D = (1.0, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
      0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4,
      1.05075007164441684324e-9)  # fmt: skip
_E = (6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358,
      0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386,
      2.71155556874348757815e-5, 2.01033439929228813265e-7)  # fmt: skip
_F = (1.0, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
      7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
      2.04426310338993978564e-15)  # fmt: skip


@kernel
def _poly(c, x):
    return ((((((c[7] * x + c[6]) * x + c[5]) * x + c[4]) * x + c[3]) * x + c[2]) * x
            + c[1]) * x + c[0]  # fmt: skip


@kernel
def normal_quantile(p):
    """The standard normal quantile of ``p`` in (0, 1) (AS241)."""
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * _poly(_A, r) / _poly(_B, r)
    r = p if q < 0.0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        value = _poly(_C, r - 1.6) / _poly(_D, r - 1.6)
    else:
        value = _poly(_E, r - 5.0) / _poly(_F, r - 5.0)
    return -value if q < 0.0 else value


LOGNORMAL, UNIFORM = 0, 1  # the codes of the schema's noise distributions, in its order


@kernel
def noise_factor(distribution, cv, u):
    """A mean-one multiplier with coefficient of variation ``cv`` from the uniform ``u``.

    Lognormal, or uniform on ``1 ± √3·cv`` (clipped at zero).
    """
    if cv == 0.0:
        return 1.0
    if distribution == UNIFORM:
        return max(1.0 + math.sqrt(3.0) * cv * (2.0 * u - 1.0), 0.0)
    sigma = math.sqrt(math.log1p(cv * cv))
    return math.exp(sigma * normal_quantile(u) - 0.5 * sigma * sigma)


@kernel
def noise_drawn(distribution, cv, key, day, draws_per_day, slot):
    """``noise_factor`` with the stream's uniform for ``slot``, drawn only if ``cv > 0``."""
    if cv == 0.0:
        return 1.0
    return noise_factor(distribution, cv, uniform(key, day, draws_per_day, slot))


@kernel
def poisson(rate, u, cap):
    """A Poisson count with mean ``rate``, by inverting the CDF at ``u``; at most ``cap``."""
    term = math.exp(-rate)
    cdf = term
    count = 0
    for k in range(1, cap + 1):
        if u <= cdf:
            break
        count += 1
        term = term * rate / k
        cdf = cdf + term
    return count
