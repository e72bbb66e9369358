"""Replications: run a scenario (or several variants of it) as one batch of members.

Replication ``r`` gets the seed ``member_seed(seed, r)`` in every variant, so the
variants' replications are paired on common random numbers.

Example:
    >>> from sim import load_scenario, run
    >>> tables = run(load_scenario("scenarios/tutorial.toml"), reps=2, seed=1, progress=False)
    >>> tables.summary["replication"].unique().tolist()
    [0, 1]
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.engine.accounts import ACCOUNTS, FRONT, GUNS, PAYMENTS
from sim.engine.metrics import ALL_MUNITIONS, METRICS, side_totals, summarise, with_derived
from sim.engine.model import SupplyModel
from sim.engine.rng import member_seed
from sim.experiments.outcomes import Records, outcomes_table
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Scenario

DEFAULT_REPS = 20
"""Replications of ``run``, ``compare`` and ``check`` (and the CLI's ``--reps``) unless
asked for another number."""
AGGREGATE = "aggregate"
"""The column that marks a side's totals over all its munitions (``munition == "all"``)
in the tables with a row per munition (``summary``, ``paired``)."""

KEYS: dict[str, str] = {
    "replication": "replication number, 0-based; same number = same seed in every variant",
    "variant": "variant name (`baseline` when none was asked for)",
    "day": "day number, 0 = the scenario's start date",
    "date": "calendar date of the day",
    "side": "side id from the scenario",
    "munition": "munition id from the scenario",
    "aggregate": f"True on the side's totals over all its munitions (`munition` = "
    f"`{ALL_MUNITIONS}`), False on one munition's row: sum the False rows, or read the "
    "True ones, never both",
    "tube_type": "tube type id from the scenario (the guns' table)",
    "front": "`front`: the side's whole front (the front's table)",
    "payment": "`supplier.kind`: a supplier and the kind of payment it takes (the payments' "
    "table; `side` is the paying side)",
    "supplier": "importer id from the scenario (the suppliers' table)",
    "rounds": "rounds the supplier dispatched, seized ones included",
    "interdicted": "of them, rounds seized or destroyed en route",
    "shipments": "shipments that left",
    "made": "rounds the supplier made (into its own stock)",
    "containers": "containers its shipments carried (float: a shipment cut short by its "
    "stock or contract carries that share)",
}
"""The key columns of the tables, and what each is."""
KEY_COLUMNS = ("replication", "variant", "day", "date", "side", "munition")
SUMMARY_KEYS = ("replication", "variant", "side", "munition", AGGREGATE)
SUMMARY_COLUMNS = SUMMARY_KEYS + tuple(METRICS)
TIMESERIES_COLUMNS = KEY_COLUMNS + tuple(account.name for account in ACCOUNTS)
GUN_KEY_COLUMNS = ("replication", "variant", "day", "date", "side", "tube_type")
GUN_COLUMNS = GUN_KEY_COLUMNS + tuple(account.name for account in GUNS.accounts)
FRONT_KEY_COLUMNS = ("replication", "variant", "day", "date", "side", "front")
FRONT_COLUMNS = FRONT_KEY_COLUMNS + tuple(account.name for account in FRONT.accounts)
PAYMENT_KEY_COLUMNS = ("replication", "variant", "day", "date", "side", "payment")
PAYMENT_COLUMNS = PAYMENT_KEY_COLUMNS + tuple(account.name for account in PAYMENTS.accounts)
SUPPLIER_COLUMNS = (
    "replication", "variant", "day", "date", "supplier",
    "rounds", "interdicted", "shipments", "made", "containers",
)  # fmt: skip


@dataclass
class RunTables:
    """What a run returns, in memory: its tables and what produced them."""

    summary: pd.DataFrame
    timeseries: pd.DataFrame | None
    seeds: list[int]
    scenarios: dict[str, Scenario]
    master_seed: int
    record: dict[str, np.ndarray] | None = field(default=None, repr=False)
    guns: pd.DataFrame | None = None  # the guns' daily books, where there are tube types
    opening: dict[str, np.ndarray] | None = field(default=None, repr=False)  # [members, pairs]
    gun_record: dict[str, np.ndarray] | None = field(default=None, repr=False)
    gun_pairs: list[tuple[str, str]] = field(default_factory=list)
    front: pd.DataFrame | None = None  # the front's daily books, where there are fronts
    front_record: dict[str, np.ndarray] | None = field(default=None, repr=False)
    front_pairs: list[tuple[str, str]] = field(default_factory=list)
    front_opening: dict[str, np.ndarray] | None = field(default=None, repr=False)
    outcomes: pd.DataFrame | None = None  # per replication, variant and side (``OUTCOMES``)
    payments: pd.DataFrame | None = None  # the payments' daily books, where suppliers are paid
    payment_record: dict[str, np.ndarray] | None = field(default=None, repr=False)
    payment_pairs: list[tuple[str, str]] = field(default_factory=list)
    suppliers: pd.DataFrame | None = None  # each supplier's own daily record (long)
    extra: dict[str, Any] = field(default_factory=dict)


def replication_seeds(master_seed: int, reps: int) -> list[int]:
    """The member seed of each replication."""
    return [member_seed(master_seed, r) for r in range(reps)]


def simulate(
    scenarios: Sequence[Scenario], seeds: Sequence[int], *, progress: bool | None = None
) -> SupplyModel:
    """Run one batch: member ``i`` is ``scenarios[i]`` with ``seeds[i]``."""
    model = SupplyModel(scenarios, seeds)
    show = sys.stderr.isatty() if progress is None else progress
    chunk = 30
    with tqdm(total=model.days, unit="day", disable=not show, leave=False) as bar:
        while model.day < model.days:
            until = min(model.day + chunk, model.days)
            model.run_until(until)
            bar.update(until - bar.n)
    return model


def reserve_all_munitions(scenario: Scenario) -> None:
    """No munition may be called ``"all"``: the tables keep that id for a side's totals."""
    if any(m.id == ALL_MUNITIONS for m in scenario.munitions):
        file = scenario.source.path if scenario.source else "<scenario>"
        raise ScenarioError(
            file, f"munitions.{ALL_MUNITIONS}", "this id is kept for the totals of a side"
        )


def aggregate_rows(table: pd.DataFrame) -> pd.Series:
    """Which rows of a table with a row per munition are a side's totals over all its
    munitions (the ``aggregate`` column; ``munition == "all"`` where it is missing)."""
    if AGGREGATE in table.columns:
        return table[AGGREGATE].astype(bool)
    return table["munition"] == ALL_MUNITIONS


def run_variants(
    variants: Sequence[Scenario],
    *,
    reps: int,
    seed: int,
    timeseries: bool = True,
    labels: Sequence[str] | None = None,
    progress: bool | None = None,
) -> RunTables:
    """Run ``reps`` replications of each variant in one batch, paired by replication.

    Args:
        variants: the scenarios to compare (same structure, any numbers).
        labels: their names in the tables (default: each scenario's variant name).
    """
    if reps < 1:
        raise ValueError("reps must be at least 1")
    for scenario in variants:
        reserve_all_munitions(scenario)
    if labels is None:
        labels = [s.source.variant if s.source else "baseline" for s in variants]
    if len(set(labels)) != len(labels) or len(labels) != len(variants):
        raise ValueError(f"need one distinct label per variant, got {list(labels)}")
    seeds = replication_seeds(seed, reps)
    # replication-major: member r * V + v is replication r of variant v, the order of
    # the tables' rows
    members = [scenario for _ in range(reps) for scenario in variants]
    model = simulate(members, [s for s in seeds for _ in variants], progress=progress)
    base = variants[0]
    record = model.record
    summary = summary_table(record, model.pairs, labels, reps)
    series = timeseries_table(record, model.pairs, labels, reps, base) if timeseries else None
    guns = front = None
    if timeseries and model.gun_pairs:
        guns = guns_table(model.gun_record, model.gun_pairs, labels, reps, base)
    if timeseries and model.front_pairs:
        front = daily_table(
            model.front_record, model.front_pairs, labels, reps, base, FRONT_COLUMNS
        )
    outcomes = outcomes_table(Records.of(model), model.sides, list(labels))
    payments, suppliers = supplier_tables(model, labels, reps, base) if timeseries else (None, None)
    return RunTables(
        payments=payments,
        payment_record=model.payment_record,
        payment_pairs=model.payment_pairs,
        suppliers=suppliers,
        summary=summary,
        timeseries=series,
        outcomes=outcomes,
        guns=guns,
        seeds=seeds,
        scenarios=dict(zip(labels, variants, strict=True)),
        master_seed=seed,
        record=record,
        opening=model.opening,
        gun_record=model.gun_record,
        gun_pairs=model.gun_pairs,
        front=front,
        front_record=model.front_record,
        front_pairs=model.front_pairs,
        front_opening=model.front_opening,
    )


def run(
    scenario: Scenario,
    *,
    reps: int = DEFAULT_REPS,
    seed: int | None = None,
    timeseries: bool = True,
    progress: bool | None = None,
) -> RunTables:
    """Run ``reps`` replications of a loaded scenario; returns the tables in memory.

    Args:
        scenario: from ``load_scenario`` (its variant and overrides already applied).
        reps: number of replications (default ``DEFAULT_REPS``).
        seed: master seed (default: the scenario's ``[scenario] seed``).
        timeseries: also build the daily table (large for long runs).
    """
    master = scenario.scenario.seed if seed is None else seed
    return run_variants(
        [scenario], reps=reps, seed=master, timeseries=timeseries, progress=progress
    )


def summary_table(
    record: dict[str, np.ndarray],
    pairs: list[tuple[str, str]],
    labels: Sequence[str],
    reps: int,
    first_day: int = 0,
    last_day: int | None = None,
) -> pd.DataFrame:
    """One row per replication × variant × side × munition, with every metric, and after
    each side's munitions one row of its totals over them (munition ``"all"``, the
    ``aggregate`` column True; ``side_totals``: computed from the summed record).

    The record's members are replication-major (member ``r * V + v`` is replication
    ``r`` of variant ``v``). Metrics cover days ``first_day`` to ``last_day``
    (inclusive; default: the whole run).
    """
    totals, total_pairs = side_totals(record, pairs)
    per_munition = summarise(record, first_day, last_day)
    per_side = summarise(totals, first_day, last_day)
    # each side's munitions in their order, then the side's totals
    order = [
        j
        for k, (side, _) in enumerate(total_pairs)
        for j in [*(i for i, (s, _) in enumerate(pairs) if s == side), len(pairs) + k]
    ]
    rows = [[*pairs, *total_pairs][j] for j in order]
    members = reps * len(labels)
    return pd.DataFrame(
        {
            "replication": np.repeat(np.repeat(np.arange(reps), len(labels)), len(rows)),
            "variant": np.repeat(np.tile(np.asarray(labels, dtype=str), reps), len(rows)),
            "side": np.tile(np.asarray([s for s, _ in rows], dtype=str), members),
            "munition": np.tile(np.asarray([m for _, m in rows], dtype=str), members),
            AGGREGATE: np.tile(np.asarray([j >= len(pairs) for j in order]), members),
            **{
                name: np.concatenate([per_munition[name], per_side[name]], axis=1)[
                    :, order
                ].reshape(-1)
                for name in METRICS
            },
        }
    )


def timeseries_table(
    record: dict[str, np.ndarray],
    pairs: list[tuple[str, str]],
    labels: Sequence[str],
    reps: int,
    scenario: Scenario,
) -> pd.DataFrame:
    """One row per replication × variant × day × side × munition.

    The record's members are replication-major, as its rows; the engine stores the
    record member by member, so most columns are views of it, not copies.
    """
    return daily_table(with_derived(record), pairs, labels, reps, scenario, TIMESERIES_COLUMNS)


def guns_table(
    record: dict[str, np.ndarray],
    pairs: list[tuple[str, str]],
    labels: Sequence[str],
    reps: int,
    scenario: Scenario,
) -> pd.DataFrame:
    """The guns' books: one row per replication × variant × day × side × tube type."""
    return daily_table(record, pairs, labels, reps, scenario, GUN_COLUMNS)


def supplier_tables(
    model: SupplyModel, labels: Sequence[str], reps: int, scenario: Scenario
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The payments' daily books and the suppliers' own records (None where there are no
    payments, or no suppliers)."""
    payments = suppliers = None
    if model.payment_pairs:
        payments = daily_table(
            model.payment_record, model.payment_pairs, labels, reps, scenario, PAYMENT_COLUMNS
        )
    if model.importer_record:
        suppliers = suppliers_table(model.importer_record, labels, reps, scenario)
    return payments, suppliers


def suppliers_table(
    record: dict[str, dict[str, np.ndarray]],
    labels: Sequence[str],
    reps: int,
    scenario: Scenario,
) -> pd.DataFrame:
    """Each supplier's own record: one row per replication × variant × day × supplier,
    a column per quantity (``SupplyModel.importer_record``: ``SUPPLIER_COLUMNS``, then
    one column per counted delivery item, zero for a supplier that delivers none)."""
    suppliers = list(record)
    quantities = list(dict.fromkeys(name for books in record.values() for name in books))
    first = next(iter(record[suppliers[0]].values()))
    columns = {}
    for name in quantities:
        dtype = np.float64 if name == "containers" else np.int64
        values = np.zeros((*first.shape, len(suppliers)), dtype)
        for j, supplier in enumerate(suppliers):
            if name in record[supplier]:
                values[:, :, j] = record[supplier][name]
        columns[name] = values
    pairs = [(supplier, "") for supplier in suppliers]
    names = (*SUPPLIER_COLUMNS[:5], "_", *quantities)
    return daily_table(columns, pairs, labels, reps, scenario, names).drop(columns="_")


def daily_table(
    record: dict[str, np.ndarray],
    pairs: list[tuple[str, str]],
    labels: Sequence[str],
    reps: int,
    scenario: Scenario,
    names: tuple[str, ...],
) -> pd.DataFrame:
    """A daily table of ``record``: its columns ``names``, keyed by pairs, the pair's
    first column being ``names[4]`` (the side) and its second ``names[5]`` (the item)."""
    n_days, n_members, n_pairs = next(iter(record.values())).shape

    def tidy(values: np.ndarray) -> np.ndarray:
        # [days, members, pairs] -> rows ordered member, day, pair
        return values.transpose(1, 0, 2).reshape(-1)

    def labelled(codes: np.ndarray, names: Sequence[str]) -> pd.Categorical:
        # a label a row, stored once: the table stays small however many rows it has
        return pd.Categorical.from_codes(codes, categories=list(dict.fromkeys(names)))

    columns: dict[str, Any] = {}
    rows = n_members * n_days * n_pairs
    columns["replication"] = np.repeat(np.arange(reps), rows // reps)
    variant_codes = np.tile(np.repeat(np.arange(len(labels)), n_days * n_pairs), reps)
    columns["variant"] = labelled(variant_codes, labels)
    columns["day"] = np.tile(np.repeat(np.arange(n_days), n_pairs), n_members)
    start = np.datetime64(scenario.scenario.start_date, "s")
    columns["date"] = start + (columns["day"] * 86_400).astype("timedelta64[s]")
    sides = [s for s, _ in pairs]
    side_names = list(dict.fromkeys(sides))
    columns[names[4]] = labelled(
        np.tile([side_names.index(s) for s in sides], rows // n_pairs), sides
    )
    items = [item for _, item in pairs]
    item_names = list(dict.fromkeys(items))
    columns[names[5]] = labelled(
        np.tile([item_names.index(i) for i in items], rows // n_pairs), items
    )
    for name, values in record.items():
        columns[name] = tidy(values)
    return pd.DataFrame({name: columns[name] for name in names}, copy=False)


def utc_now() -> str:
    """The current UTC time, ISO 8601."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
