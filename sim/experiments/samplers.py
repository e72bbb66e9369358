"""Samplers: an experiment's parameters → a matrix of sampler values, one row per sample.

Grid is a full factorial (``itertools.product``), Latin hypercube comes from
``scipy.stats.qmc``, Sobol (Saltelli's scheme) and Morris (trajectories) from SALib.
Rows hold sampler values (``Parameter.decode`` turns them into scenario values); the
same experiment always gives the same matrix, because the sampler's seed is derived
from the experiment's master seed.

Example:
    >>> from sim.experiments.experiment import Parameter
    >>> params = (Parameter("a", "float", 0.0, 1.0), Parameter("b", "float", 10.0, 20.0))
    >>> sample_matrix("grid", params, levels=2).tolist()
    [[0.0, 10.0], [0.0, 20.0], [1.0, 10.0], [1.0, 20.0]]
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from SALib.sample import morris as salib_morris
from SALib.sample import sobol as salib_sobol
from scipy.stats import qmc

from sim.experiments.experiment import GRID_LEVELS, MORRIS_LEVELS, Parameter


def derived_seed(master_seed: int, purpose: str) -> int:
    """A 32-bit seed for ``purpose`` (``"sampler"``, ``"analysis"``) from the master seed."""
    spawn = int.from_bytes(hashlib.sha256(purpose.encode()).digest()[:4], "little")
    state = np.random.SeedSequence(master_seed, spawn_key=(spawn,)).generate_state(1)
    return int(state[0])


def problem(parameters: Sequence[Parameter]) -> dict[str, Any]:
    """SALib's problem dictionary: names (dotted paths) and sampler bounds."""
    return {
        "num_vars": len(parameters),
        "names": [p.path for p in parameters],
        "bounds": [[p.low, p.high] for p in parameters],
    }


def sample_matrix(
    sampler: str,
    parameters: Sequence[Parameter],
    *,
    samples: int | None = None,
    levels: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Sampler values ``[samples, parameters]`` for ``sampler`` (grid, lhs, sobol, morris).

    Args:
        samples: lhs: points; sobol: base size N (N × (D + 2) rows); morris:
            trajectories (N × (D + 1) rows); unused by grid.
        levels: morris: levels of its grid; grid: points per bounded parameter.
        seed: the sampler's seed (``derived_seed(master, "sampler")``).
    """
    if sampler == "grid":
        axes = [p.grid(levels or GRID_LEVELS) for p in parameters]
        return np.array(list(itertools.product(*axes)), dtype=np.float64)
    if sampler == "lhs":
        unit = qmc.LatinHypercube(d=len(parameters), rng=np.random.default_rng(seed)).random(
            samples
        )
        return qmc.scale(unit, [p.low for p in parameters], [p.high for p in parameters])
    if sampler == "sobol":
        return salib_sobol.sample(
            problem(parameters), samples, calc_second_order=False, scramble=True, seed=seed
        )
    if sampler == "morris":
        return salib_morris.sample(
            problem(parameters), samples, num_levels=levels or MORRIS_LEVELS, seed=seed
        )
    raise ValueError(f"unknown sampler {sampler!r}")
