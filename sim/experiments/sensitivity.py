"""Sensitivity indices from a sweep's results table, one method per sampler.

Each output is first averaged over the replications of each sample (with common random
numbers, the replications of every sample share their seeds). Then:

- morris: SALib's Morris method: ``mu_star`` (mean absolute elementary effect, in the
  output's units per unit of the parameter's range, with a bootstrap interval), ``mu``
  and ``sigma`` (spread of the effects: interactions or non-linearity);
- sobol: SALib's Sobol analysis: first-order ``S1`` and total ``ST`` indices with
  bootstrap intervals;
- lhs: Spearman's rank correlation ``spearman`` (ρ, with a bootstrap interval; the
  headline, ranked by its size): how consistently the output rises or falls with the
  parameter, robust at a few hundred samples; SALib's RBD-FAST first-order ``S1`` with a
  bootstrap interval; and Borgonovo's moment-independent ``delta`` (SALib's delta method
  on the given samples, with a bootstrap interval of ``DELTA_RESAMPLES``): how far fixing
  the parameter would move the whole distribution of the output, which catches an
  influence that is not monotone, but whose estimate has a floor of about 0.1 at 200
  samples;
- grid: the main-effect share, Var(E[Y | parameter]) / Var(Y), exact on a full
  factorial (no interval).

Where variants are compared, what is analysed is the effect: each output's paired
difference, the first variant less each other (``diff.NAME``; ``diff.NAME:VARIANT``
with more than two variants). The columns analysed are the sampler's: a group of
uncertainties that move together is one column, named by its group.

An output with ``analyse = false`` is recorded, not analysed. Morris and Sobol need
every sample: an output missing in any (its members failed, or
the metric is undefined there) is not analysed. Grid and LHS leave such samples out.

``conf`` is the half-width of the 95 % interval: the index lies in ``value ± conf``.

Example:
    >>> x = np.array([[0.0], [0.0], [1.0], [1.0]])  # a grid of one parameter, two levels
    >>> main_effects(x, np.array([1.0, 1.0, 3.0, 3.0])).tolist()
    [1.0]
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
from SALib.analyze import delta as salib_delta
from SALib.analyze import morris as salib_morris
from SALib.analyze import rbd_fast as salib_rbd_fast
from SALib.analyze import sobol as salib_sobol

from sim.experiments.experiment import DIFFERENCE, MORRIS_LEVELS
from sim.experiments.plan import Plan
from sim.experiments.samplers import derived_seed, problem

COLUMNS = ("parameter", "output", "method", "index", "value", "conf")
NUM_RESAMPLES = 1000
DELTA_RESAMPLES = 100  # delta's bootstrap is slow (a kernel density per resample and input)
CONF_LEVEL = 0.95
HEADLINE = {"morris": "mu_star", "sobol": "ST", "lhs": "spearman", "grid": "main_effect"}
SIGNED = {"spearman", "mu"}  # ranked by size
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
        "problem": problem(plan.experiment.columns),
    }
    if info.sampler == "morris":
        settings["num_levels"] = info.levels or MORRIS_LEVELS
    if info.sampler == "sobol":
        settings["calc_second_order"] = False
    if info.sampler == "lhs":
        settings["M"] = rbd_fast_harmonics(plan.n_samples)
    by_name = {o.name: o for o in plan.experiment.outputs}
    settings["outputs"] = [
        {"name": label, "column": column, "variant": variant,
         "metric": by_name[column.removeprefix(DIFFERENCE)].metric}
        for label, variant, column in _labels(plan)
    ]  # fmt: skip
    return settings


def _labels(plan: Plan) -> list[tuple[str, str | None, str]]:
    """``(label, variant or None, column)`` of each output analysed."""
    experiment = plan.experiment
    analysed = [o for o in experiment.outputs if o.analysed]
    if not experiment.variants:
        return [(o.name, None, o.name) for o in analysed]
    names = experiment.variant_names
    return [
        (f"{DIFFERENCE}{o.name}" + (f":{variant}" if len(names) > 2 else ""), variant,
         f"{DIFFERENCE}{o.name}")
        for variant in names[1:]
        for o in analysed
    ]  # fmt: skip


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
        rho = {"spearman": rank_correlations(plan.matrix[kept], y, settings["seed"])}
        if len(y) < MIN_LHS_SAMPLES:
            return rho
        found = salib_rbd_fast.analyze(spec, plan.matrix[kept], y, M=settings["M"], **common)
        indices = {"S1": (np.asarray(found["S1"]), np.asarray(found["S1_conf"])), **rho}
        try:
            moved = _delta(spec, plan.matrix[kept], y, settings["seed"])
        except (ValueError, np.linalg.LinAlgError):  # too few distinct values to estimate it
            return indices
        indices["delta"] = (np.asarray(moved["delta_raw"]), np.asarray(moved["delta_raw_conf"]))
        return indices
    return {"main_effect": (main_effects(plan.matrix[kept], y), nan)}


def rank_correlations(
    x: np.ndarray, y: np.ndarray, seed: int, resamples: int = NUM_RESAMPLES
) -> tuple[np.ndarray, np.ndarray]:
    """Spearman's ρ of each column of ``x`` with ``y``, and the half-width of its 95 %
    bootstrap interval (samples resampled with replacement, ``resamples`` times)."""
    from scipy import stats

    def rho(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:  # [..., n, d], [..., n]
        rx = stats.rankdata(xs, axis=-2)
        ry = stats.rankdata(ys, axis=-1)[..., None]
        rx -= rx.mean(axis=-2, keepdims=True)
        ry -= ry.mean(axis=-2, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (rx * ry).sum(axis=-2) / np.sqrt((rx**2).sum(axis=-2) * (ry**2).sum(axis=-2))

    picks = np.random.default_rng(seed).integers(0, len(y), size=(resamples, len(y)))
    spread = rho(x[picks], y[picks])
    low, high = np.nanpercentile(spread, [2.5, 97.5], axis=0)
    return rho(x, y), (high - low) / 2


def _delta(spec: dict, x: np.ndarray, y: np.ndarray, seed: int) -> dict:
    """SALib's delta on given data, quietly (it prints notes), leaving numpy's global
    random state as it was (it seeds it)."""
    state = np.random.get_state()
    try:
        # it sets its own warning filter: record its warnings, so none is shown
        with warnings.catch_warnings(record=True), contextlib.redirect_stdout(io.StringIO()):
            return salib_delta.analyze(
                spec, x, y, num_resamples=DELTA_RESAMPLES, conf_level=CONF_LEVEL, seed=seed,
                method="delta",
            )  # fmt: skip
    finally:
        np.random.set_state(state)


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
    names = [p.path for p in plan.experiment.columns]
    for label, variant, column in _labels(plan):
        chosen = results if variant is None else results[results["variant"] == variant]
        y = sample_means(chosen, column, plan.n_samples)
        kept = ~np.isnan(y)
        missing = plan.n_samples - int(kept.sum())
        sampler = plan.experiment.info.sampler
        if missing and (sampler in ("morris", "sobol") or not kept.any()):
            notes.append(
                f"{label}: not analysed, {missing} of {plan.n_samples} samples have no "
                f"value (failed members, or a metric undefined there); {sampler} needs them all"
            )
            continue
        if missing:
            notes.append(
                f"{label}: {missing} of {plan.n_samples} samples have no value (failed "
                "members, or a metric undefined there) and were left out"
            )
        if np.ptp(y[kept]) == 0:
            notes.append(f"{label}: not analysed, it is the same in every sample")
            continue
        if sampler == "lhs" and kept.sum() < MIN_LHS_SAMPLES:
            notes.append(
                f"{label}: only Spearman's ρ; RBD-FAST and δ need {MIN_LHS_SAMPLES}+ samples"
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            found = _indices(plan, kept, y[kept], settings)
        if "delta" in found and np.isnan(found["delta"][0]).any():
            missing_delta = [
                n for n, v in zip(names, found["delta"][0], strict=True) if np.isnan(v)
            ]
            notes.append(
                f"{label}: δ could not be estimated for {', '.join(missing_delta)} from "
                f"{int(kept.sum())} samples (its classes need about 10 samples each; take more)"
            )
        for j, name in enumerate(names):
            for index, (values, conf) in found.items():
                rows.append(
                    {
                        "parameter": name,
                        "output": label,
                        "method": {"delta": "delta", "spearman": "spearman"}.get(
                            index, settings["method"]
                        ),
                        "index": index,
                        "value": float(values[j]),
                        "conf": float(conf[j]),
                    }
                )
    return pd.DataFrame(rows, columns=list(COLUMNS)), notes


def ranking(sensitivity: pd.DataFrame, output: str, index: str) -> pd.DataFrame:
    """Parameters by decreasing ``index`` for ``output`` (columns parameter, value, conf);
    a correlation by its size, whatever its sign."""
    chosen = sensitivity[(sensitivity["output"] == output) & (sensitivity["index"] == index)]
    size = chosen["value"].abs() if index in SIGNED else chosen["value"]
    order = size.sort_values(ascending=False, kind="stable").index
    return chosen.loc[order, ["parameter", "value", "conf"]].reset_index(drop=True)
