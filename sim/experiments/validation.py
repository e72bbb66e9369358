"""Score a run against the scenario's dated public checkpoints (``munsim check``).

A checkpoint is a public observation over a window of dates with a published range
``low..high`` (see ``CHECKPOINT_METRICS`` in the schema for what each metric measures).
The model's value is computed in every replication; the check reports its median and
its 5–95 % band across replications.

- **hit**: the median lies inside the published range (both ends included). This is the
  score: a band is wide when the scenario is uncertain, and "the band touches the range"
  would reward vagueness.
- **overlap**: the 5–95 % band and the published range intersect. Reported beside the
  score, for the checkpoints where the median misses narrowly.

Checkpoints are of two kinds, scored apart: ``input`` (a count the scenario was built
from, such as deliveries or production: a hit says the scenario holds it) and
``behaviour`` (fire, ratios, losses, ground: what the model makes of its inputs). The
behaviour score is the test.

Example:
    >>> from sim import load_scenario
    >>> s = load_scenario("scenarios/ukraine_war_2022_2025.toml")  # doctest: +SKIP
    >>> result = check(s, reps=4, seed=1)  # doctest: +SKIP
    >>> result.table[["checkpoint", "median", "low", "high", "hit"]]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.engine.agents.exchange import HECTARES_PER_KM2
from sim.engine.structure import front_pairs_of
from sim.experiments.runner import (
    RunTables,
    replication_seeds,
    simulate,
    summary_table,
    supplier_tables,
)
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Checkpoint, Scenario

BAND = (5.0, 95.0)
CHECK_COLUMNS = (
    "checkpoint",
    "kind",
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
    "source",
)
_SUMS = {
    "fired_total": ("fired",),
    "produced_total": ("produced",),
    "refurbished_total": ("refurbished",),
    "produced_refurbished_total": ("produced", "refurbished"),
    "imports_arrived_total": ("imports_arrived",),
    "destroyed_total": ("destroyed",),
}
_IMPORTER_NAMES = {"importer_rounds": "rounds", "importer_containers": "containers"}


@dataclass
class CheckResult:
    """The checkpoint table and the run it scored."""

    table: pd.DataFrame
    tables: RunTables

    @property
    def hits(self) -> int:
        """Checkpoints whose model median lies inside the published range."""
        return int(self.table["hit"].sum())


def _file(scenario: Scenario) -> str:
    return scenario.source.path if scenario.source is not None else "scenario"


def _window(scenario: Scenario, cp: Checkpoint) -> slice:
    first = (cp.start_date - scenario.scenario.start_date).days
    last = (cp.end_date - scenario.scenario.start_date).days
    return slice(first, last + 1)


def _columns(
    scenario: Scenario, cp: Checkpoint, pairs: list[tuple[str, str]], side: str
) -> list[int]:
    """The record's pair columns of ``side`` (and the checkpoint's munition, if any)."""
    found = [i for i, (s, m) in enumerate(pairs) if s == side and cp.munition in (None, m)]
    if not found:
        what = f"munition {cp.munition!r}" if cp.munition else "any munition"
        raise ScenarioError(
            _file(scenario), f"checkpoints.{cp.id}", f"side {side!r} handles no {what}"
        )
    return found


def checkpoint_values(
    scenario: Scenario,
    cp: Checkpoint,
    record: dict[str, np.ndarray],
    pairs: list[tuple[str, str]],
    importer_record: dict[str, dict[str, np.ndarray]],
    guns: tuple[dict[str, np.ndarray], list[tuple[str, str]]] | None = None,
    front: dict[str, np.ndarray] | None = None,
    payments: tuple[dict[str, np.ndarray], list[tuple[str, str]]] | None = None,
) -> np.ndarray:
    """The model's value of checkpoint ``cp`` in each member, ``[members]``.

    Args:
        record: ``model.record`` (column → ``[days, members, pairs]``).
        pairs: ``model.pairs``, the (side, munition) of each pair column.
        importer_record: ``model.importer_record``.
        guns: ``(model.gun_record, model.gun_pairs)``, for the tube metrics.
        front: ``model.front_record``, for the ground metrics.
        payments: ``(model.payment_record, model.payment_pairs)``, for ``payment_made``.
    """
    days = _window(scenario, cp)
    n_days = days.stop - days.start
    if cp.metric == "tubes_lost_total":
        gun_record, gun_pairs = guns if guns is not None else ({}, [])
        columns = [i for i, (side, _) in enumerate(gun_pairs) if side == cp.side]
        if not columns:
            raise ScenarioError(
                _file(scenario), f"checkpoints.{cp.id}", f"side {cp.side!r} has no tubes"
            )
        lost = gun_record["tubes_lost"][days][:, :, columns]
        return lost.sum(axis=(0, 2)).astype(np.float64)
    if cp.metric == "ground_net_km2":
        if front is None or not front_pairs_of(scenario):
            raise ScenarioError(
                _file(scenario), f"checkpoints.{cp.id}", "no front unit faces an enemy"
            )
        side = [s.id for s in scenario.sides].index(cp.side)
        net = front["ground_gained"][days, :, side] - front["ground_lost"][days, :, side]
        return net.sum(axis=0) / HECTARES_PER_KM2
    if cp.metric == "payment_made":
        payment_record, payment_pairs = payments if payments is not None else ({}, [])
        column = [item for _, item in payment_pairs].index(f"{cp.importer}.{cp.payment}")
        return payment_record["payment_made"][days, :, column].sum(axis=0).astype(np.float64)
    if cp.importer is not None:
        books = importer_record[cp.importer][_IMPORTER_NAMES[cp.metric]]
        return books[days].sum(axis=0).astype(np.float64)

    def total(names: tuple[str, ...], side: str) -> np.ndarray:
        columns = _columns(scenario, cp, pairs, side)
        return np.sum(
            [record[name][days][:, :, columns].sum(axis=(0, 2)) for name in names], axis=0
        ).astype(np.float64)

    if cp.metric == "fire_per_day":
        return total(("fired",), cp.side) / n_days
    if cp.metric == "fire_ratio":
        assert cp.other_side is not None  # the schema requires it of a fire_ratio
        mine, theirs = total(("fired",), cp.side), total(("fired",), cp.other_side)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(theirs > 0, mine / theirs, np.nan)
    return total(_SUMS[cp.metric], cp.side)


def check_table(
    scenario: Scenario,
    record: dict[str, np.ndarray],
    pairs: list[tuple[str, str]],
    importer_record: dict[str, dict[str, np.ndarray]],
    guns: tuple[dict[str, np.ndarray], list[tuple[str, str]]] | None = None,
    front: dict[str, np.ndarray] | None = None,
    payments: tuple[dict[str, np.ndarray], list[tuple[str, str]]] | None = None,
) -> pd.DataFrame:
    """One row per checkpoint: the model's median and band, the range, hit and overlap."""
    rows = []
    for cp in scenario.checkpoints:
        values = checkpoint_values(
            scenario, cp, record, pairs, importer_record, guns, front, payments
        )
        finite = values[np.isfinite(values)]
        if finite.size:
            p05, median, p95 = np.percentile(finite, [BAND[0], 50.0, BAND[1]])
        else:
            p05 = median = p95 = np.nan
        rows.append(
            {
                "checkpoint": cp.id,
                "kind": cp.kind_of,
                "metric": cp.metric,
                "side": cp.side,
                "munition": cp.munition or "",
                "other_side": cp.other_side or "",
                "importer": cp.importer or "",
                "payment": cp.payment or "",
                "start_date": cp.start_date.isoformat(),
                "end_date": cp.end_date.isoformat(),
                "median": float(median),
                "p05": float(p05),
                "p95": float(p95),
                "low": cp.low,
                "high": cp.high,
                "hit": bool(cp.low <= median <= cp.high),
                "overlap": bool(p05 <= cp.high and p95 >= cp.low),
                "source": cp.source,
            }
        )
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))


def check(
    scenario: Scenario, *, reps: int, seed: int | None = None, progress: bool | None = None
) -> CheckResult:
    """Run ``reps`` replications of ``scenario`` and score them against its checkpoints.

    Args:
        scenario: from ``load_scenario`` (variant and overrides applied).
        reps: replications (the band is their 5–95 % range).
        seed: master seed (default: the scenario's own).
    """
    if not scenario.checkpoints:
        raise ScenarioError(_file(scenario), "checkpoints", "no checkpoints to check against")
    if reps < 1:
        raise ValueError("reps must be at least 1")
    master = scenario.scenario.seed if seed is None else seed
    seeds = replication_seeds(master, reps)
    model = simulate([scenario] * reps, seeds, progress=progress)
    table = check_table(
        scenario,
        model.record,
        model.pairs,
        model.importer_record,
        (model.gun_record, model.gun_pairs),
        model.front_record,
        (model.payment_record, model.payment_pairs),
    )
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
        extra={
            "check": {
                "rule": "hit = model median inside the published range [low, high]",
                "band_percentiles": list(BAND),
                "hits": int(table["hit"].sum()),
                "checkpoints": len(table),
                "by_kind": {
                    kind: {"hits": int(rows["hit"].sum()), "checkpoints": len(rows)}
                    for kind, rows in table.groupby("kind", sort=True)
                },
            }
        },
    )
    return CheckResult(table=table, tables=tables)


def _number(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def format_table(table: pd.DataFrame) -> str:
    """The checkpoint table as aligned text, one checkpoint a line, source last."""
    lines = []
    for row in table.itertuples(index=False):
        lines.append(
            [
                row.checkpoint,
                f"{row.start_date}..{row.end_date}",
                _number(row.median),
                f"{_number(row.p05)}–{_number(row.p95)}",
                f"{_number(row.low)}–{_number(row.high)}",
                "hit" if row.hit else ("miss (band overlaps)" if row.overlap else "miss"),
                row.source,
            ]
        )
    header = ["checkpoint", "window", "median", "model 5–95 %", "published", "score", "source"]
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(6)]
    out = []
    for line in [header, *lines]:
        cells = [str(cell).ljust(width) for cell, width in zip(line[:6], widths, strict=True)]
        out.append("  ".join(cells) + "  " + str(line[6]))
    out.append(score_line(table))
    return "\n".join(out)


def score_line(table: pd.DataFrame) -> str:
    """The score, behaviour first: what the model makes of its inputs is the test; an
    input checkpoint only says the scenario holds the counts it was built from."""
    parts = []
    for kind, meaning in (("behaviour", "behaviour"), ("input", "inputs echoed")):
        rows = table[table["kind"] == kind]
        if len(rows):
            parts.append(f"{meaning}: {int(rows['hit'].sum())} of {len(rows)}")
    return (
        f"hits: {'; '.join(parts)} (model median inside the published range; "
        f"{int(table['hit'].sum())} of {len(table)} in all)"
    )
