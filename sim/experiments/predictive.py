"""The check across the uncertainty (``munsim check --uncertainty N``): each checkpoint
against the model's predictive band, and which inputs the record supports.

The scenario's ``[[uncertainties]]`` are sampled (``sim.experiments.uncertainty``); each
sample runs on the same seeds in the checked variant and in a counterfactual (the
scenario's second variant, e.g. ``no_dprk``), and every checkpoint's model value is
recorded in every member.

- **Predictive band**: a checkpoint's 5–95 % over samples × seeds. It *covers* the
  checkpoint when the middle of the published range lies inside it. The **interval
  score** (Gneiting and Raftery 2007, at α = 0.1) charges the band's width and, for a
  middle outside it, 2/α times the distance; divided by the middle's size, so
  checkpoints of every unit average (lower is better).
- **Calibration by rejection** (approximate Bayesian computation, the rejection
  sampler): each sample's distance to the record is the sum, over the in-sample
  behaviour checkpoints (windows ending by the cut-off), of how far the sample's median
  over its seeds lies outside the published range, in widths of that range (0 inside).
  The ``accept`` share of samples nearest the record is the posterior (at least
  ``MIN_ACCEPTED`` samples, or none is reported); the prior is every sample.
  Out-of-sample checkpoints play no part in it, so the posterior's band on them tests
  the calibration; the scenario's inputs, though, were set with reporting from after
  the cut-off (``provenance.csv``), so it is not a forecast from the cut-off.
- **The effect under prior and posterior**: the counterfactual's paired difference
  (checked − counterfactual, each sample's mean over its seeds), its quantiles over the
  prior's samples and over the posterior's.

Example:
    >>> experiment = predictive_experiment(
    ...     "scenarios/ukraine_war_2022_2025.toml", ["baseline", "no_dprk"], samples=4, reps=1
    ... )  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.checkpoints import in_sample, sample_of
from sim.experiments.experiment import CHECKPOINT, DIFFERENCE, Experiment
from sim.experiments.uncertainty import AcrossUncertainty, effect_outputs, run_across
from sim.scenario.schema import Checkpoint, Scenario

ALPHA = 0.1  # the band is the central 1 − α = 90 %
ACCEPT = 0.2
MIN_ACCEPTED = 10  # fewer samples are no posterior to report
QUANTILES = (ALPHA / 2, 0.5, 1 - ALPHA / 2)
EFFECTS = ("fire_per_day", "effective_fire_per_day")


def _name(checkpoint: str) -> str:
    return f"{CHECKPOINT}.{checkpoint}"


def predictive_outputs(scenario: Scenario) -> list[dict]:
    """Each side's fire and effective fire per day over the run (the effects), and the
    model's value of every checkpoint."""
    outputs: list[dict] = []
    for side in scenario.sides:
        if any(u.side == side.id for u in scenario.front_units):
            outputs += effect_outputs(side.id)
    outputs += [
        {"name": _name(cp.id), "metric": CHECKPOINT, "checkpoint": cp.id, "analyse": False}
        for cp in scenario.checkpoints
    ]
    return outputs


def predictive_experiment(
    scenario_file: str | Path,
    variants: list[str],
    *,
    samples: int,
    reps: int | None = None,
    seed: int | None = None,
    sampler: str = "lhs",
    overrides: dict[str, Any] | None = None,
) -> Experiment:
    """The experiment of a check across the uncertainty, the checked variant first and
    the counterfactual second; every option checked before anything runs."""
    from sim.experiments.uncertainty import prepare_across
    from sim.scenario.loader import load_scenario

    base = load_scenario(str(scenario_file), variant=variants[0], overrides=overrides)
    experiment, _ = prepare_across(
        scenario_file, variants, samples, reps=reps, seed=seed, sampler=sampler,
        overrides=overrides, outputs=predictive_outputs(base),
    )  # fmt: skip
    return experiment


def interval_score(low: float, high: float, observed: float, alpha: float = ALPHA) -> float:
    """The interval score of the central ``1 − alpha`` band ``low..high`` at ``observed``:
    its width, plus ``2 / alpha`` times how far ``observed`` lies outside it."""
    below = max(low - observed, 0.0)
    above = max(observed - high, 0.0)
    return (high - low) + 2.0 / alpha * (below + above)


def distance_to_range(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """How far each value lies outside ``low..high``, in widths of the range (0 inside;
    a range of one figure counts 1 % of it as its width)."""
    width = max(high - low, 0.01 * max(abs(low), abs(high)), 1e-12)
    return (np.maximum(low - values, 0.0) + np.maximum(values - high, 0.0)) / width


@dataclass
class PredictiveCheck:
    """A check across the uncertainty: the samples, the bands, the posterior, and the
    effect under prior and posterior."""

    run: AcrossUncertainty
    bands: pd.DataFrame  # predictive.csv: per checkpoint, prior and posterior bands
    inputs: pd.DataFrame  # posterior.csv: per uncertainty, prior and posterior quantiles
    effects: pd.DataFrame  # effects.csv: per output, the effect under prior and posterior
    distances: pd.DataFrame  # per sample: distance to the record, accepted or not
    settings: dict[str, Any]

    @property
    def scores(self) -> dict[str, Any]:
        return self.settings["scores"]


def _quantiles(values: pd.Series, prefix: str) -> dict[str, float]:
    finite = values[np.isfinite(values)]
    return {
        f"{prefix}_p{round(q * 100):02d}": float(finite.quantile(q)) if len(finite) else np.nan
        for q in QUANTILES
    }


def band_table(scenario: Scenario, members: pd.DataFrame, accepted: set[int]) -> pd.DataFrame:
    """``predictive.csv``: every checkpoint's prior and posterior 90 % band over samples ×
    seeds, whether each covers the middle of the published range, and its interval
    score (scaled by the middle)."""
    rows = []
    posterior = members[members["sample"].isin(accepted)]
    for cp in scenario.checkpoints:
        middle = (cp.low + cp.high) / 2
        scale = max(abs(middle), 1e-12)
        row: dict[str, Any] = {
            "checkpoint": cp.id, "kind": cp.kind_of,
            "sample": sample_of(scenario, cp), "series": cp.series or "",
            "start_date": cp.start_date.isoformat(), "end_date": cp.end_date.isoformat(),
            "low": cp.low, "high": cp.high, "middle": middle,
        }  # fmt: skip
        for label, rows_of in (("prior", members), ("posterior", posterior)):
            found = _quantiles(rows_of[_name(cp.id)], label)
            low, high = found[f"{label}_p05"], found[f"{label}_p95"]
            row |= found
            row[f"{label}_covers"] = bool(low <= middle <= high)
            row[f"{label}_overlaps"] = bool(low <= cp.high and high >= cp.low)
            row[f"{label}_interval_score"] = (
                interval_score(low, high, middle) / scale if np.isfinite(low) else np.nan
            )
        rows.append(row)
    return pd.DataFrame(rows)


def calibrating(scenario: Scenario) -> list[Checkpoint]:
    """The checkpoints calibration weighs samples by: the in-sample behaviour ones."""
    return [
        cp for cp in scenario.checkpoints if cp.kind_of == "behaviour" and in_sample(scenario, cp)
    ]


def distances(scenario: Scenario, members: pd.DataFrame) -> pd.DataFrame:
    """Each sample's distance to the in-sample behaviour checkpoints (its median over its
    seeds against each published range, ``distance_to_range``, summed)."""
    used = calibrating(scenario)
    medians = members.groupby("sample")[[_name(cp.id) for cp in used]].median()
    total = np.zeros(len(medians))
    for cp in used:
        values = medians[_name(cp.id)].to_numpy(dtype=np.float64)
        far = distance_to_range(values, cp.low, cp.high)
        total += np.where(np.isfinite(far), far, np.inf)  # no value: as far as can be
    return pd.DataFrame({"sample": medians.index.to_numpy(), "distance": total})


def _scores(bands: pd.DataFrame) -> dict[str, Any]:
    """Coverage and mean interval score, prior and posterior, of the behaviour
    checkpoints: all, and in each sample (in, out, shared). A checkpoint without a band
    (the model has no value for it) is not covered, and it is counted apart, not left
    out of the mean unsaid."""
    found: dict[str, Any] = {}
    behaviour = bands[bands["kind"] == "behaviour"]
    for part, rows in [("all", behaviour), *behaviour.groupby("sample", sort=True)]:
        found[str(part)] = {"checkpoints": len(rows)}
        for label in ("prior", "posterior"):
            score = rows[f"{label}_interval_score"]
            found[str(part)] |= {
                f"{label}_covered": int(rows[f"{label}_covers"].sum()),
                f"{label}_interval_score_mean": float(score.mean()) if score.notna().any()
                else np.nan,
                f"{label}_without_band": int(score.isna().sum()),
            }  # fmt: skip
    return found


def _inputs(run: AcrossUncertainty, table: pd.DataFrame, accepted: set[int]) -> pd.DataFrame:
    """Each uncertainty's prior and posterior quantiles and how far its median moved, in
    widths of the prior's 90 % (``fixed``: the checked variant sets the path itself, so
    the draw is not its value and says nothing of the record)."""
    first = table[table["variant"] == run.variants[0]]
    drawn = table.groupby("sample").first()  # a draw, from whichever variant kept it
    rows = []
    for ident, path in run.settings["uncertainty_columns"].items():
        values = drawn[path].astype(np.float64)
        row: dict[str, Any] = {"uncertainty": ident, "path": path}
        row["fixed"] = bool(first[path].isna().all())
        row |= _quantiles(values, "prior")
        row |= _quantiles(values[values.index.isin(accepted)], "posterior")
        width = row["prior_p95"] - row["prior_p05"]
        moved = row["posterior_p50"] - row["prior_p50"]
        row["shift"] = moved / width if width > 0 and not row["fixed"] else np.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.reindex(table["shift"].abs().sort_values(ascending=False).index).reset_index(
        drop=True
    )


def _effects(run: AcrossUncertainty, table: pd.DataFrame, accepted: set[int]) -> pd.DataFrame:
    names = run.variants
    rows = []
    outputs = [
        c.removeprefix(DIFFERENCE)
        for c in table.columns
        if c.startswith(DIFFERENCE) and c.removeprefix(DIFFERENCE).split(".")[0] in EFFECTS
    ]
    for variant in names[1:]:
        mine = table[table["variant"] == variant].groupby("sample")
        for output in outputs:
            effect = mine[f"{DIFFERENCE}{output}"].mean()
            row: dict[str, Any] = {"variant_a": names[0], "variant_b": variant, "output": output}
            row |= _quantiles(effect, "prior")
            row |= _quantiles(effect[effect.index.isin(accepted)], "posterior")
            rows.append(row)
    return pd.DataFrame(rows)


def predictive_check(
    experiment: Experiment,
    work: Path,
    *,
    accept: float = ACCEPT,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    say: Callable[[str], None] | None = None,
    resume_hint: str = "run the same command again",
) -> PredictiveCheck:
    """Run a ``predictive_experiment`` (its batches kept in ``work``) and score it."""
    run = run_across(
        experiment, work, workers=workers, scheduler=scheduler, progress=progress, say=say,
        resume_hint=resume_hint,
    )  # fmt: skip
    scenario = experiment.scenario
    table = run.samples[run.samples["error"].isna()]
    first = table[table["variant"] == run.variants[0]]
    far = distances(scenario, first)
    keep = math.ceil(accept * len(far))
    chosen = far.sort_values(["distance", "sample"], kind="stable").head(keep)
    accepted = set(chosen["sample"].tolist()) if keep >= MIN_ACCEPTED else set()
    far["accepted"] = far["sample"].isin(accepted)
    bands = band_table(scenario, first, accepted)
    used = len(calibrating(scenario))
    settings = {
        **run.settings,
        "calibration": {
            "method": "rejection ABC: the samples nearest the in-sample behaviour checkpoints",
            "distance": "sum over them of the sample's median outside the published range, "
            "in widths of the range",
            "accept_share": accept,
            "accepted": len(accepted),
            "min_accepted": MIN_ACCEPTED,
            "checkpoints_used": used,
            "calibration_end": (
                scenario.scenario.calibration_end.isoformat()
                if scenario.scenario.calibration_end
                else None
            ),
        },
        "band": f"central {1 - ALPHA:.0%} over samples × seeds",
        "scores": _scores(bands),
    }
    return PredictiveCheck(
        run, bands, _inputs(run, table, accepted), _effects(run, table, accepted), far, settings
    )
