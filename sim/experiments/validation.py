"""Score a run against the scenario's dated public checkpoints (``munsim check``).

A checkpoint is a public observation over a window of dates with a published range
``low..high`` (``CHECKPOINT_METRICS`` in the schema says what each metric measures; the
model's value is ``sim.experiments.checkpoints.checkpoint_values``). The model's value
is computed in every replication; the check reports its median and its 5–95 % band.

- **hit**: the median lies inside the published range (both ends included). This is the
  score: a band is wide when the scenario is uncertain, and "the band touches the range"
  would reward vagueness.
- **overlap**: the 5–95 % band and the published range intersect. Reported beside the
  score, for the checkpoints where the median misses narrowly.

Checkpoints are of two kinds, scored apart: ``input`` (a count the scenario was built
from, such as deliveries or production: a hit says the scenario holds it) and
``behaviour`` (fire, changes, shares, stocks, losses, ground: what the model makes of
its inputs). The behaviour score is the test, and it is worth what it beats: naive
baselines (``sim.experiments.baselines``) are scored on the same checkpoints, and the
model's *skill* is its behaviour hits less the best baseline's. Where the scenario
declares a calibration cut-off (``scenario.calibration_end``), checkpoints that end
after it are out-of-sample and scored apart; each checkpoint's ``series`` (whose
estimate it is) is scored apart too.

Example:
    >>> from sim import load_scenario
    >>> s = load_scenario("scenarios/ukraine_war_2022_2025.toml")  # doctest: +SKIP
    >>> result = check(s, reps=4, seed=1)  # doctest: +SKIP
    >>> result.table[["checkpoint", "median", "low", "high", "hit"]]  # doctest: +SKIP
    >>> result.scores["skill"]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.baselines import BASELINES, baseline_table
from sim.experiments.checkpoints import (
    IN,
    OUT,
    SHARED,
    checkpoint_values,
    sample_of,
    scenario_file,
)
from sim.experiments.outcomes import Records
from sim.experiments.predictive import PredictiveCheck
from sim.experiments.runner import (
    DEFAULT_REPS,
    RunTables,
    replication_seeds,
    reserve_all_munitions,
    simulate,
    summary_table,
    supplier_tables,
)
from sim.experiments.wording import counted
from sim.scenario.errors import ScenarioError
from sim.scenario.provenance import input_provenance
from sim.scenario.schema import Checkpoint, Scenario

BAND = (5.0, 95.0)
CHECK_COLUMNS = (
    "checkpoint",
    "kind",
    "sample",
    "series",
    "metric",
    "side",
    "munition",
    "other_side",
    "importer",
    "payment",
    "start_date",
    "end_date",
    "median",
    "p05",
    "p95",
    "low",
    "high",
    "hit",
    "overlap",
    *[column for name in BASELINES for column in (name, f"{name}_hit")],
    "source",
)


@dataclass
class CheckResult:
    """The checkpoint table, its scores and the run it scored."""

    table: pd.DataFrame
    tables: RunTables
    predictive: PredictiveCheck | None = None  # across the uncertainty, when asked
    provenance: pd.DataFrame | None = None  # inputs informed after the cut-off

    @property
    def hits(self) -> int:
        """Checkpoints whose model median lies inside the published range."""
        return int(self.table["hit"].sum())

    @property
    def scores(self) -> dict[str, Any]:
        """The behaviour and input scores, the baselines' and the skill (``scores``)."""
        return scores(self.table)

    def add_predictive(self, predictive: PredictiveCheck) -> None:
        """Attach the check across the uncertainty (its settings go to the manifest)."""
        self.predictive = predictive
        self.tables.extra["check"]["uncertainty"] = predictive.settings


def _band(values: np.ndarray) -> tuple[float, float, float]:
    """The 5 %, median and 95 % of the finite values (NaN where none is)."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return np.nan, np.nan, np.nan
    p05, median, p95 = np.percentile(finite, [BAND[0], 50.0, BAND[1]])
    return float(p05), float(median), float(p95)


def checkpoint_row(scenario: Scenario, cp: Checkpoint, values: np.ndarray) -> dict[str, Any]:
    """A checkpoint's row of the check table, from the model's value in each member."""
    p05, median, p95 = _band(values)
    return {
        "checkpoint": cp.id,
        "kind": cp.kind_of,
        "sample": sample_of(scenario, cp),
        "series": cp.series or "",
        "metric": cp.metric,
        "side": cp.side,
        "munition": cp.munition or "",
        "other_side": cp.other_side or "",
        "importer": cp.importer or "",
        "payment": cp.payment or "",
        "start_date": cp.start_date.isoformat(),
        "end_date": cp.end_date.isoformat(),
        "median": median,
        "p05": p05,
        "p95": p95,
        "low": cp.low,
        "high": cp.high,
        "hit": bool(cp.low <= median <= cp.high),
        "overlap": bool(p05 <= cp.high and p95 >= cp.low),
        "source": cp.source,
    }


def check_table(scenario: Scenario, records: Records) -> pd.DataFrame:
    """One row per checkpoint: the model's median and band, the range, hit and overlap,
    and each baseline's value and hit."""
    rows = [
        checkpoint_row(scenario, cp, checkpoint_values(scenario, cp, records))
        for cp in scenario.checkpoints
    ]
    table = pd.DataFrame(rows).merge(baseline_table(scenario, records), on="checkpoint")
    return table[list(CHECK_COLUMNS)]


def _hits(rows: pd.DataFrame) -> dict[str, Any]:
    """The model's and each baseline's hits on ``rows``, and the skill."""
    found: dict[str, Any] = {"checkpoints": len(rows), "hits": int(rows["hit"].sum())}
    found["baselines"] = {name: int(rows[f"{name}_hit"].sum()) for name in BASELINES}
    best = max(found["baselines"], key=lambda name: found["baselines"][name])
    found["best_baseline"] = best
    found["skill"] = found["hits"] - found["baselines"][best]
    return found


def scores(table: pd.DataFrame) -> dict[str, Any]:
    """A check table's scores: the behaviour checkpoints' hits, each baseline's and the
    skill (the model's hits less the best baseline's), in-sample and out-of-sample
    apart and by series; the input checkpoints' hits (inputs echoed)."""
    behaviour = table[table["kind"] == "behaviour"]
    inputs = table[table["kind"] == "input"]
    found: dict[str, Any] = {
        "rule": "hit = model median inside the published range [low, high]",
        "band_percentiles": list(BAND),
        "checkpoints": len(table),
        "hits": int(table["hit"].sum()),
        "behaviour": _hits(behaviour),
        "inputs": {"checkpoints": len(inputs), "hits": int(inputs["hit"].sum())},
        "by_sample": {
            sample: _hits(rows) for sample, rows in behaviour.groupby("sample", sort=True)
        },
        "by_series": {
            series: _hits(rows) for series, rows in behaviour.groupby("series", sort=True) if series
        },
    }
    found["skill"] = found["behaviour"]["skill"]
    return found


def check(
    scenario: Scenario,
    *,
    reps: int = DEFAULT_REPS,
    seed: int | None = None,
    progress: bool | None = None,
) -> CheckResult:
    """Run ``reps`` replications of ``scenario`` and score them against its checkpoints.

    Args:
        scenario: from ``load_scenario`` (variant and overrides applied).
        reps: replications (the band is their 5–95 % range; default ``DEFAULT_REPS``).
        seed: master seed (default: the scenario's own).
    """
    if not scenario.checkpoints:
        raise ScenarioError(
            scenario_file(scenario), "checkpoints", "no checkpoints to check against"
        )
    if reps < 1:
        raise ValueError("reps must be at least 1")
    reserve_all_munitions(scenario)
    master = scenario.scenario.seed if seed is None else seed
    seeds = replication_seeds(master, reps)
    model = simulate([scenario] * reps, seeds, progress=progress)
    table = check_table(scenario, Records.of(model))
    provenance = inputs_after_cutoff(scenario)
    label = scenario.source.variant if scenario.source is not None else "baseline"
    payments, suppliers = supplier_tables(model, [label], reps, scenario)
    tables = RunTables(
        summary=summary_table(model.record, model.pairs, [label], reps),
        timeseries=None,
        payments=payments,
        suppliers=suppliers,
        seeds=seeds,
        scenarios={label: scenario},
        master_seed=master,
        record=model.record,
        extra={"check": {**scores(table), "calibration_end": calibration_end(scenario)}},
    )
    if provenance is not None:
        tables.extra["check"]["inputs_after_cutoff"] = {
            "inputs": len(provenance), "after": int(provenance["after_cutoff"].sum())
        }  # fmt: skip
    return CheckResult(table=table, tables=tables, provenance=provenance)


def inputs_after_cutoff(scenario: Scenario) -> pd.DataFrame | None:
    """``provenance.csv``: each cited input line of the scenario's file, its latest
    cited date and whether that is after the calibration cut-off (None: no cut-off, or
    no file to read)."""
    cutoff = scenario.scenario.calibration_end
    if cutoff is None or scenario.source is None or not Path(scenario.source.path).is_file():
        return None
    rows = [
        {"line": cited.line, "input": cited.key,
         "latest_cited": latest.isoformat() if latest else "", "after_cutoff": after}
        for cited, latest, after in input_provenance(scenario.source.path, cutoff)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["line", "input", "latest_cited", "after_cutoff"])


def _number(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def calibration_end(scenario: Scenario) -> str | None:
    """The scenario's calibration cut-off as an ISO date (None: it declares none)."""
    cutoff = scenario.scenario.calibration_end
    return cutoff.isoformat() if cutoff is not None else None


_SAMPLE_TAGS = {IN: "", OUT: ", out-of-sample", SHARED: ", shared source"}


def format_table(table: pd.DataFrame, calibration_end: str | None = None) -> str:
    """The checkpoint table as aligned text, one checkpoint a line, source last; then
    the scores (``score_lines``)."""
    lines = []
    for row in table.itertuples(index=False):
        scored = row.kind + _SAMPLE_TAGS[row.sample]
        lines.append(
            [
                row.checkpoint,
                scored + (f", {row.series}" if row.series else ""),
                f"{row.start_date}..{row.end_date}",
                _number(row.median),
                f"{_number(row.p05)}–{_number(row.p95)}",
                f"{_number(row.low)}–{_number(row.high)}",
                "hit" if row.hit else ("miss (band overlaps)" if row.overlap else "miss"),
                row.source,
            ]
        )
    header = ["checkpoint", "kind", "window", "median", "model 5–95 %", "published", "score",
              "source"]  # fmt: skip
    shown = len(header) - 1
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(shown)]
    out = []
    for line in [header, *lines]:
        cells = [str(cell).ljust(width) for cell, width in zip(line[:shown], widths, strict=True)]
        out.append("  ".join(cells) + "  " + str(line[shown]))
    out += score_lines(table, calibration_end)
    return "\n".join(out)


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value).replace("-", "−")


def _versus(found: dict[str, Any]) -> str:
    best = found["best_baseline"]
    return (
        f"{found['hits']} of {found['checkpoints']}, best baseline "
        f"({best.replace('_', ' ')}) {found['baselines'][best]}, skill {_signed(found['skill'])}"
    )


def score_lines(table: pd.DataFrame, calibration_end: str | None = None) -> list[str]:
    """The scores, behaviour first: what the model makes of its inputs is the test, and
    it is worth what it beats; an input checkpoint only says the scenario holds the
    counts it was built from."""
    found = scores(table)
    behaviour, inputs = found["behaviour"], found["inputs"]
    parts = []
    if behaviour["checkpoints"]:
        parts.append(f"behaviour: {behaviour['hits']} of {behaviour['checkpoints']}")
    if inputs["checkpoints"]:
        parts.append(f"inputs echoed: {inputs['hits']} of {inputs['checkpoints']}")
    lines = [
        f"hits: {'; '.join(parts)} (model median inside the published range; "
        f"{found['hits']} of {found['checkpoints']} in all)"
    ]
    if not behaviour["checkpoints"]:
        return lines
    baselines = ", ".join(
        f"{BASELINES[name].split(':')[0]} {hits}" for name, hits in behaviour["baselines"].items()
    )
    checked = counted(behaviour["checkpoints"], "behaviour checkpoints")
    lines.append(f"baselines on the {checked}: {baselines}")
    best = behaviour["best_baseline"]
    lines.append(
        f"skill: {_signed(behaviour['skill'])} (behaviour hits less the best baseline's, "
        f"{BASELINES[best].split(':')[0]}'s {behaviour['baselines'][best]})"
    )
    samples = found["by_sample"]
    if set(samples) - {IN}:
        cut = f" (windows ending by {calibration_end})" if calibration_end else ""
        parts = [f"in-sample{cut}: {_versus(samples[IN])}"] if IN in samples else []
        if OUT in samples:
            parts.append(f"out-of-sample: {_versus(samples[OUT])}")
        if SHARED in samples:
            parts.append(
                f"after the cut-off but sharing a source with an input (neither fitted on "
                f"nor held out): {_versus(samples[SHARED])}"
            )
        lines.append("; ".join(parts))
    if found["by_series"]:
        lines.append(
            "by series: "
            + "; ".join(f"{series} {_versus(rows)}" for series, rows in found["by_series"].items())
        )
    return lines


def check_lines(result: CheckResult) -> list[str]:
    """What ``munsim check`` prints: the table, the scores and, where the scenario has a
    cut-off, how many inputs cite sources published after it."""
    scored = result.tables.extra["check"]
    lines = format_table(result.table, scored["calibration_end"]).splitlines()
    if "inputs_after_cutoff" in scored:
        after = scored["inputs_after_cutoff"]
        lines.append(
            f"inputs informed after the cut-off: {after['after']} of {after['inputs']} cited "
            "input lines cite a source published after it (provenance.csv)"
        )
    return lines
