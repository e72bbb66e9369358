"""Comparisons across the uncertainty: every variant at samples of the scenario's
``[[uncertainties]]`` (``sim.experiments.parameters``), paired by sample and seed, run as
a sweep's batches are, and what is read from them: the effects' spread, their drivers
(``sim.experiments.sensitivity``), the fan charts' monthly bands, robustness and PRIM
(``sim.experiments.discovery``).

Example:
    >>> experiment = uncertainty_experiment(
    ...     "scenarios/tutorial.toml", ["baseline", "no_dprk"], samples=4, reps=1
    ... )
    >>> len(experiment.columns), experiment.variant_names
    (3, ['baseline', 'no_dprk'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.experiment import DIFFERENCE as DIFF
from sim.experiments.experiment import Experiment, resolve_experiment
from sim.experiments.parameters import uncertainty_path
from sim.experiments.statistics import half_width
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Scenario

# -- comparisons across the uncertainty -------------------------------------------------

MONTH = "month."  # a fan chart's output: month.METRIC.SIDE.YYYY-MM
FAN_METRICS = ("mean_daily_fire", "mean_daily_effective_fire")
SAMPLE_REPS = 5
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def default_outputs(scenario: Scenario, window: tuple[dt.date, dt.date] | None) -> list[dict]:
    """What a comparison across the uncertainty measures, per side: fire and effective
    fire per day (the effects whose drivers are ranked), days short, ground and tubes
    lost over the window; and each month's fire and effective fire per day (the fan
    charts)."""
    first, last = window or (scenario.scenario.start_date, scenario.end_date)
    span = {"start_date": first, "end_date": last}
    front = bool(scenario.front_units) and any(u.faces for u in scenario.front_units)
    outputs: list[dict] = []
    for side in scenario.sides:
        if not any(u.side == side.id for u in scenario.front_units):
            continue
        s = side.id
        outputs += effect_outputs(s, span)
        outputs += [
            {"name": f"days_below_3_dos.{s}", "metric": "days_below_3_dos", "side": s,
             "analyse": False, **span},
            {"name": f"tubes_lost.{s}", "metric": "tubes_lost", "side": s, "analyse": False,
             **span},
        ]  # fmt: skip
        if front:
            outputs.append(
                {"name": f"ground_net_km2.{s}", "metric": "ground_net_km2", "side": s,
                 "analyse": False, **span}
            )  # fmt: skip
        for month_start, month_end in months(scenario):
            for metric in FAN_METRICS:
                name = f"{MONTH}{metric}.{s}.{month_start:%Y-%m}"
                outputs.append(
                    {"name": name, "metric": metric, "side": s, "analyse": False,
                     "start_date": month_start, "end_date": month_end}
                )  # fmt: skip
    return outputs


def effect_outputs(side: str, span: dict[str, dt.date] | None = None) -> list[dict]:
    """A side's fire and effective fire per day over ``span`` (default: the run): the
    effects whose spread and drivers are reported."""
    window = span or {}
    return [
        {"name": f"fire_per_day.{side}", "metric": "mean_daily_fire", "side": side, **window},
        {"name": f"effective_fire_per_day.{side}", "metric": "mean_daily_effective_fire",
         "side": side, **window},
    ]  # fmt: skip


def months(scenario: Scenario) -> list[tuple[dt.date, dt.date]]:
    """The calendar months of the run (the first and last cut to the run's days)."""
    start, end = scenario.scenario.start_date, scenario.end_date
    found = []
    first = start
    while first <= end:
        following = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        found.append((first, min(following - dt.timedelta(days=1), end)))
        first = following
    return found


def uncertainty_experiment(
    scenario_file: str | Path,
    variants: list[str],
    *,
    samples: int,
    reps: int = SAMPLE_REPS,
    seed: int | None = None,
    sampler: str = "lhs",
    overrides: dict[str, Any] | None = None,
    window: tuple[dt.date, dt.date] | None = None,
    outputs: list[dict] | None = None,
) -> Experiment:
    """The experiment a comparison across the uncertainty runs: ``samples`` draws of the
    scenario's uncertainties, each in every variant on the same ``reps`` seeds; it
    measures ``outputs`` (default: ``default_outputs``)."""
    from sim.scenario.loader import load_scenario

    file = str(scenario_file)
    base = load_scenario(file, variant=variants[0], overrides=overrides)
    if not base.uncertainties:
        raise ScenarioError(file, "uncertainties", "declares none; --uncertainty samples them")
    raw = {
        "experiment": {
            "scenario": Path(file).name,
            "name": base.scenario.name,
            "sampler": sampler,
            "samples": samples,
            "reps": reps,
            "seed": base.scenario.seed if seed is None else seed,
            "variants": list(variants),
            "uncertainties": True,
            "set": dict(overrides or {}),
        },
        "outputs": default_outputs(base, window) if outputs is None else outputs,
    }
    return resolve_experiment(raw, file)


@dataclass
class AcrossUncertainty:
    """A comparison across the uncertainty: every sample × replication × variant, the
    sensitivity of each effect to the inputs, and what the run was."""

    samples: pd.DataFrame  # samples.parquet
    drivers: pd.DataFrame  # sensitivity of the effects (SALib)
    settings: dict[str, Any]  # for the manifest

    @property
    def variants(self) -> list[str]:
        return list(self.settings["variants"])


def run_across(
    experiment: Experiment,
    work: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    say: Callable[[str], None] | None = None,
    resume_hint: str = "run the same command again",
) -> AcrossUncertainty:
    """Run the experiment's batches into shards under ``work`` (those already whole
    there are kept: a killed run picks up where it stopped), then assemble them."""
    from sim.experiments.backends import open_backend
    from sim.experiments.plan import make_plan
    from sim.experiments.samplers import derived_seed
    from sim.experiments.sensitivity import analyse, analysis_settings
    from sim.experiments.sweep import assemble, run_pending

    plan = make_plan(experiment)
    shards = work / "shards"
    with open_backend(workers, scheduler, experiment.file) as backend:
        shards.mkdir(parents=True, exist_ok=True)  # once the backend is up: none on error
        run_pending(
            plan, shards, backend, progress=progress, say=say or (lambda _: None),
            where=work, resume=resume_hint, label="uncertainty",
        )  # fmt: skip
        described = backend.describe()
    assemble(plan, shards, work / "samples.parquet")
    samples = pd.read_parquet(work / "samples.parquet")
    drivers, notes = analyse(plan, samples)
    analysis = analysis_settings(plan)
    analysis["notes"] = notes
    by_column: dict[str, list[str]] = {}
    for j, p in enumerate(experiment.parameters):
        column = experiment.columns[p.factor if p.factor is not None else j].path
        by_column.setdefault(column, []).append(p.path)
    settings = {
        "samples": plan.n_samples,
        "reps": plan.reps,
        "members": plan.members,
        "variants": experiment.variant_names,
        "sampler": experiment.info.sampler,
        "sampler_seed": derived_seed(experiment.seed, "sampler"),
        "master_seed": experiment.seed,
        "replication_seeds": plan.replication_seeds(),
        "batch_size": plan.batch_size,
        "failed_members": int(samples["error"].notna().sum()),
        "columns": by_column,
        "uncertainties": [
            u.model_dump(mode="json", exclude_none=True) for u in experiment.scenario.uncertainties
        ],
        "uncertainty_columns": {
            u.id: uncertainty_path(u, u.paths[0]) for u in experiment.scenario.uncertainties
        },
        "analysis": analysis,
        "backend": described,
        "experiment_identity": experiment.identity,
    }
    return AcrossUncertainty(samples, drivers, settings)


def effect_table(across: AcrossUncertainty) -> pd.DataFrame:
    """``uncertainty.csv``: per variant after the first and per output (not the monthly
    ones), the first variant's, this variant's and the paired difference's quantiles
    over the samples (each sample's mean over its replications), and the typical seeds-only
    95 % half-width within a sample."""
    table = across.samples[across.samples["error"].isna()]
    names = across.variants
    outputs = [c for c in table.columns if c.startswith(DIFF)]
    rows = []
    first = table[table["variant"] == names[0]].groupby("sample")
    for variant in names[1:]:
        mine = table[table["variant"] == variant].groupby("sample")
        for column in outputs:
            output = column.removeprefix(DIFF)
            if output.startswith(MONTH):
                continue
            effect = mine[column]
            row: dict[str, Any] = {"variant_a": names[0], "variant_b": variant, "output": output}
            for label, values in (
                ("a", first[output].mean()),
                ("b", mine[output].mean()),
                ("diff", effect.mean()),
            ):
                for q in QUANTILES:
                    row[f"{label}_p{round(q * 100):02d}"] = float(values.quantile(q))
                row[f"{label}_mean"] = float(values.mean())
            half = half_width(effect.std().to_numpy(), effect.count().to_numpy(), 0.95)
            row["seed_half_width_median"] = (
                float(np.nanmedian(half)) if np.isfinite(half).any() else np.nan
            )  # NaN with one replication a sample
            row["samples"] = int(effect.mean().notna().sum())
            rows.append(row)
    return pd.DataFrame(rows)


def fan_table(across: AcrossUncertainty) -> pd.DataFrame:
    """Per month, side and metric: the quantiles over the samples of each variant's value
    and of the paired difference to the first (the fan charts' bands)."""
    table = across.samples[across.samples["error"].isna()]
    rows = []
    names = across.variants
    months_of = [c for c in table.columns if c.startswith(MONTH)]
    means = {v: table[table["variant"] == v].groupby("sample") for v in names}
    for column in months_of:
        metric, side, month = column.removeprefix(MONTH).rsplit(".", 2)
        series = {v: means[v][column].mean() for v in names}
        series |= {f"{DIFF}{v}": means[v][f"{DIFF}{column}"].mean() for v in names[1:]}
        for label, values in series.items():
            row = {"month": month, "metric": metric, "side": side, "series": label}
            row |= {f"p{round(q * 100):02d}": float(values.quantile(q)) for q in QUANTILES}
            rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class Across:
    """Everything a comparison reports about the uncertainty."""

    run: AcrossUncertainty
    effects: pd.DataFrame  # uncertainty.csv
    fan: pd.DataFrame  # fan.csv
    robustness: pd.DataFrame  # robustness.csv
    discovery: Any = None  # a sim.experiments.discovery.Discovery, for a named case

    @property
    def samples(self) -> pd.DataFrame:
        return self.run.samples

    @property
    def drivers(self) -> pd.DataFrame:
        return self.run.drivers


def prepare_across(
    scenario_file: str | Path,
    variants: list[str],
    samples: int,
    *,
    reps: int | None = None,
    seed: int | None = None,
    sampler: str = "lhs",
    overrides: dict[str, Any] | None = None,
    window: tuple[dt.date, dt.date] | None = None,
    case: str | None = None,
    outputs: list[dict] | None = None,
) -> tuple[Experiment, Any]:
    """The experiment of a comparison across the uncertainty and its case of interest
    (a ``sim.experiments.discovery.Case``, or None), every option checked before
    anything runs; errors name the command's options."""
    from sim.experiments.discovery import CaseError, parse_case

    file = str(scenario_file)
    if samples < 2:
        raise ScenarioError(file, "--uncertainty", f"needs at least 2 samples, got {samples}")
    reps = SAMPLE_REPS if reps is None else reps
    if reps < 1:
        raise ScenarioError(file, "--sample-reps", f"must be at least 1, got {reps}")
    if sampler not in ("lhs", "sobol"):
        raise ScenarioError(file, "--sampler", f"lhs or sobol, got {sampler!r}")
    if sampler == "sobol" and samples & (samples - 1):
        raise ScenarioError(file, "--uncertainty", f"sobol needs a power of 2, got {samples}")
    chosen = None
    if case is not None:
        try:
            chosen = parse_case(case)
        except CaseError as exc:
            raise ScenarioError(file, "--case", str(exc)) from None
    experiment = uncertainty_experiment(
        file, variants, samples=samples, reps=reps, seed=seed, sampler=sampler,
        overrides=overrides, window=window, outputs=outputs,
    )  # fmt: skip
    if chosen is not None:
        known = [o.name for o in experiment.outputs if not o.name.startswith(MONTH)]
        if chosen.column.removeprefix(DIFF) not in known:
            raise ScenarioError(
                file, "--case", f"no output {chosen.column!r} (known: {', '.join(known)}, "
                "each also as diff.NAME)",
            )  # fmt: skip
    return experiment, chosen


def across_uncertainty(
    experiment: Experiment,
    work: Path,
    *,
    case: Any = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    say: Callable[[str], None] | None = None,
    resume_hint: str = "run the same command again",
) -> Across:
    """Run a ``prepare_across`` experiment (its batches kept in ``work``): every variant
    at each sample of the scenario's uncertainties, paired by sample and seed; the
    effects' spread, drivers, fan bands, robustness and, for a ``case``, PRIM's box."""
    from sim.experiments.discovery import CaseError, discover, robustness

    run = run_across(
        experiment, work, workers=workers, scheduler=scheduler, progress=progress, say=say,
        resume_hint=resume_hint,
    )  # fmt: skip
    sides = [o.name for o in experiment.outputs if o.name.startswith("fire_per_day.")]
    robust = pd.concat(
        [robustness(run.samples, name, maximise=True) for name in sides], ignore_index=True
    )
    found = None
    if case is not None:
        columns = run.settings["uncertainty_columns"]
        try:
            found = discover(named_inputs(run.samples, columns), case, list(columns))
        except CaseError as exc:  # the case never (or always) happens: say so
            run.settings["analysis"]["notes"].append(f"--case: {exc}")
            if say is not None:
                say(f"note: --case: {exc}")
        output = case.column.removeprefix(DIFF)
        robust = robustness(
            run.samples, output, maximise=case.above,
            threshold=None if case.column.startswith(DIFF) else case.value,
        )  # fmt: skip
    return Across(run, effect_table(run), fan_table(run), robust, found)


def named_inputs(samples: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The samples with one more column per uncertainty, named by its id (the value of
    its first path, ``columns``: id → path), to be read in domain words."""
    return samples.assign(**{ident: samples[path] for ident, path in columns.items()})
