"""Sensitivity indices from a sweep's results table, one method per sampler.

Each output is first averaged over the replications of each sample (with common random
numbers, the replications of every sample share their seeds). Then:

- morris: SALib's Morris method: ``mu_star`` (mean absolute elementary effect, in the
  output's units per unit of the parameter's range, with a bootstrap interval), ``mu``
  and ``sigma`` (spread of the effects: interactions or non-linearity);
- sobol: SALib's Sobol analysis: first-order ``S1`` and total ``ST`` indices with
  bootstrap intervals;
- lhs: SALib's RBD-FAST: first-order ``S1`` with a bootstrap interval;
- grid: the main-effect share, Var(E[Y | parameter]) / Var(Y), exact on a full
  factorial (no interval).

Morris and Sobol need every sample: an output missing in any (its members failed, or
the metric is undefined there) is not analysed. Grid and LHS leave such samples out.

``conf`` is the half-width of the 95 % interval: the index lies in ``value ± conf``.

Example:
    >>> x = np.array([[0.0], [0.0], [1.0], [1.0]])  # a grid of one parameter, two levels
    >>> main_effects(x, np.array([1.0, 1.0, 3.0, 3.0])).tolist()
    [1.0]
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from SALib.analyze import morris as salib_morris
from SALib.analyze import rbd_fast as salib_rbd_fast
from SALib.analyze import sobol as salib_sobol

from sim.experiments.experiment import MORRIS_LEVELS
from sim.experiments.plan import Plan
from sim.experiments.samplers import derived_seed, problem

COLUMNS = ("parameter", "output", "method", "index", "value", "conf")
NUM_RESAMPLES = 1000
CONF_LEVEL = 0.95
HEADLINE = {"morris": "mu_star", "sobol": "ST", "lhs": "S1", "grid": "main_effect"}
MIN_LHS_SAMPLES = 16


def sample_means(results: pd.DataFrame, output: str, n_samples: int) -> np.ndarray:
    """An output averaged over the replications of each sample, in sample order."""
    means = results.groupby("sample", sort=True)[output].mean()
    return means.reindex(range(n_samples)).to_numpy(dtype=np.float64)


def rbd_fast_harmonics(n_samples: int) -> int:
    """RBD-FAST's number of harmonics M: 10, fewer for small samples (N must exceed 2M)."""
    return max(1, min(10, n_samples // 8))


def analysis_settings(plan: Plan) -> dict:
    """How the indices are computed, for the manifest (and to recompute them)."""
    info = plan.experiment.info
    settings = {
        "method": {"morris": "morris", "sobol": "sobol", "lhs": "rbd_fast", "grid": "main_effect"}[
            info.sampler
        ],
        "headline_index": HEADLINE[info.sampler],
        "statistic": "mean over replications of each sample",
        "num_resamples": NUM_RESAMPLES,
        "conf_level": CONF_LEVEL,
        "seed": derived_seed(plan.experiment.seed, "analysis"),
        "problem": problem(plan.experiment.parameters),
    }
    if info.sampler == "morris":
        settings["num_levels"] = info.levels or MORRIS_LEVELS
    if info.sampler == "sobol":
        settings["calc_second_order"] = False
    if info.sampler == "lhs":
        settings["M"] = rbd_fast_harmonics(plan.n_samples)
    return settings


def _indices(
    plan: Plan, kept: np.ndarray, y: np.ndarray, settings: dict
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """index name → (values, conf) per parameter, from the samples ``kept``."""
    sampler = plan.experiment.info.sampler
    spec = settings["problem"]
    common = {"num_resamples": NUM_RESAMPLES, "conf_level": CONF_LEVEL, "seed": settings["seed"]}
    nan = np.full(spec["num_vars"], np.nan)
    if sampler == "morris":
        found = salib_morris.analyze(
            spec, plan.matrix, y, num_levels=settings["num_levels"], **common
        )
        return {
            "mu": (np.asarray(found["mu"]), nan),
            "mu_star": (np.asarray(found["mu_star"]), np.asarray(found["mu_star_conf"])),
            "sigma": (np.asarray(found["sigma"]), nan),
        }
    if sampler == "sobol":
        found = salib_sobol.analyze(spec, y, calc_second_order=False, **common)
        return {
            "S1": (np.asarray(found["S1"]), np.asarray(found["S1_conf"])),
            "ST": (np.asarray(found["ST"]), np.asarray(found["ST_conf"])),
        }
    if sampler == "lhs":
        found = salib_rbd_fast.analyze(spec, plan.matrix[kept], y, M=settings["M"], **common)
        return {"S1": (np.asarray(found["S1"]), np.asarray(found["S1_conf"]))}
    return {"main_effect": (main_effects(plan.matrix[kept], y), nan)}


def main_effects(matrix: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Var(E[y | x_i]) / Var(y) for each column ``x_i`` of a full-factorial ``matrix``."""
    total = float(np.var(y))
    out = np.zeros(matrix.shape[1])
    for i in range(matrix.shape[1]):
        frame = pd.DataFrame({"x": matrix[:, i], "y": y})
        means = frame.groupby("x")["y"].transform("mean").to_numpy()
        out[i] = float(np.mean((means - y.mean()) ** 2)) / total
    return out


def analyse(plan: Plan, results: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The sensitivity table (``COLUMNS``) and notes on outputs that could not be analysed."""
    settings = analysis_settings(plan)
    rows: list[dict] = []
    notes: list[str] = []
    names = [p.path for p in plan.experiment.parameters]
    for output in plan.experiment.outputs:
        y = sample_means(results, output.name, plan.n_samples)
        kept = ~np.isnan(y)
        missing = plan.n_samples - int(kept.sum())
        sampler = plan.experiment.info.sampler
        if missing and (sampler in ("morris", "sobol") or not kept.any()):
            notes.append(
                f"{output.name}: not analysed, {missing} of {plan.n_samples} samples have no "
                f"value (failed members, or a metric undefined there); {sampler} needs them all"
            )
            continue
        if missing:
            notes.append(
                f"{output.name}: {missing} of {plan.n_samples} samples have no value (failed "
                "members, or a metric undefined there) and were left out"
            )
        if np.ptp(y[kept]) == 0:
            notes.append(f"{output.name}: not analysed, it is the same in every sample")
            continue
        if sampler == "lhs" and kept.sum() < MIN_LHS_SAMPLES:
            notes.append(f"{output.name}: not analysed, RBD-FAST needs {MIN_LHS_SAMPLES}+ samples")
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            found = _indices(plan, kept, y[kept], settings)
        for j, name in enumerate(names):
            for index, (values, conf) in found.items():
                rows.append(
                    {
                        "parameter": name,
                        "output": output.name,
                        "method": settings["method"],
                        "index": index,
                        "value": float(values[j]),
                        "conf": float(conf[j]),
                    }
                )
    return pd.DataFrame(rows, columns=list(COLUMNS)), notes


def ranking(sensitivity: pd.DataFrame, output: str, index: str) -> pd.DataFrame:
    """Parameters by decreasing ``index`` for ``output`` (columns parameter, value, conf)."""
    chosen = sensitivity[(sensitivity["output"] == output) & (sensitivity["index"] == index)]
    return chosen.sort_values("value", ascending=False, kind="stable")[
        ["parameter", "value", "conf"]
    ].reset_index(drop=True)
