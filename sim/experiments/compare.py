"""Paired comparison of two variants on common random numbers.

Both variants run in one batch with the same replication seeds, so replication ``r`` of
variant A meets the same strikes, demand and production noise as replication ``r`` of
variant B. The effect of the change is then measured replication by replication
(A − B), and its mean gets a 95 % t-interval.

Example:
    >>> import sim
    >>> result = sim.compare("scenarios/tutorial.toml", reps=10, seed=1)
    >>> row = result.paired.query("aggregate and metric == 'mean_daily_fire'")
    >>> bool((row["ci_low"] > 0).all())  # DPRK supply raises fire, interval above zero
    True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.engine.metrics import DAY_METRICS, METRICS, NEVER
from sim.engine.structure import StructureError, side_munition_pairs, structure
from sim.experiments.outcomes import OUTCOMES, Records, outcomes_table
from sim.experiments.runner import (
    AGGREGATE,
    DEFAULT_REPS,
    RunTables,
    aggregate_rows,
    reserve_all_munitions,
    run_variants,
    summary_table,
)
from sim.experiments.statistics import CONFIDENCE, half_width, t_interval
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import BASELINE, build_scenario, read_raw
from sim.scenario.schema import Scenario

PAIRED_COLUMNS = (
    "side",
    "munition",
    AGGREGATE,
    "metric",
    "variant_a",
    "variant_b",
    "n",
    "mean_a",
    "mean_b",
    "mean_diff",
    "ci_low",
    "ci_high",
)
_INTERVAL = ("mean_a", "mean_b", "mean_diff", "ci_low", "ci_high")
DECOMPOSITION_COLUMNS = (
    "variant_a", "variant_b", "side", "term", "meaning", *_INTERVAL, "share_of_supplied_diff",
)  # fmt: skip
CONSEQUENCES_COLUMNS = ("variant_a", "variant_b", "side", "metric", "meaning", "unit", *_INTERVAL)


@dataclass
class Comparison:
    """A paired comparison: the run's tables and the paired differences A − B.

    ``tables.summary`` and ``paired`` hold each side's totals over its munitions
    (``munition == "all"``, ``aggregate`` True) after its munitions' rows, as every
    summary does; ``paired`` has the columns of ``PAIRED_COLUMNS``.
    """

    tables: RunTables
    paired: pd.DataFrame
    variant_a: str
    variant_b: str
    decomposition: pd.DataFrame | None = None  # where the difference went (``DECOMPOSITION``)
    outcomes: pd.DataFrame | None = None  # per replication, variant and side (``OUTCOMES``)
    consequences: pd.DataFrame | None = None  # the outcomes' paired differences
    across: Any = None  # across the uncertainty (``sim.experiments.uncertainty.Across``)

    @property
    def summary(self) -> pd.DataFrame:
        return self.tables.summary

    @property
    def variants(self) -> list[str]:
        """Every variant, the first (A) first; each other is compared with it."""
        return list(self.tables.scenarios)

    @property
    def timeseries(self) -> pd.DataFrame | None:
        return self.tables.timeseries


# -- the statistics (pure functions over numbers and tables) ----------------------------


def paired_differences(
    summary: pd.DataFrame,
    variant_a: str,
    variant_b: str,
    metrics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The per-replication differences A − B, one row per replication × pair × metric.

    Columns: ``replication, side, munition, aggregate, metric, value_a, value_b,
    difference``. A ``first_day_*`` metric that never happened (``NEVER``) is missing
    (NaN), and so is its difference.
    """
    metrics = [m for m in (metrics or METRICS) if m in summary.columns]
    summary = summary.assign(**{AGGREGATE: aggregate_rows(summary)})
    keys = ["replication", "side", "munition", AGGREGATE]
    sides = {}
    for label, variant in (("value_a", variant_a), ("value_b", variant_b)):
        rows = summary[summary["variant"] == variant]
        if rows.empty:
            raise ValueError(f"no rows of variant {variant!r} in the summary")
        long = rows.melt(id_vars=keys, value_vars=metrics, var_name="metric", value_name=label)
        values = long[label].astype(np.float64)
        never = long["metric"].isin(DAY_METRICS) & (values == NEVER)
        long[label] = values.mask(never)
        sides[label] = long
    both = sides["value_a"].merge(
        sides["value_b"], on=[*keys, "metric"], how="inner", validate="one_to_one", sort=False
    )
    if not len(both) == len(sides["value_a"]) == len(sides["value_b"]):
        raise ValueError(f"variants {variant_a!r} and {variant_b!r} have different replications")
    both["difference"] = both["value_a"] - both["value_b"]
    return both[[*keys, "metric", "value_a", "value_b", "difference"]]


def paired_table(
    summary: pd.DataFrame,
    variant_a: str,
    variant_b: str,
    metrics: Sequence[str] | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """``paired.csv``: per side × munition × metric, the mean of A − B and its t-interval.

    ``n`` counts the replications where both values exist; ``mean_a`` and ``mean_b`` are
    over those same replications, so ``mean_diff == mean_a - mean_b``.
    """
    differences = paired_differences(summary, variant_a, variant_b, metrics)
    usable = differences.dropna(subset=["difference"])
    pair = ["side", "munition", AGGREGATE]
    grouped = usable.groupby([*pair, "metric"], sort=False)
    table = grouped.agg(
        n=("difference", "size"),
        mean_a=("value_a", "mean"),
        mean_b=("value_b", "mean"),
        mean_diff=("difference", "mean"),
        sd_diff=("difference", "std"),
    )
    # keep every side × munition × metric, in summary order, even when none is usable
    order = differences[[*pair, "metric"]].drop_duplicates()
    table = order.merge(table.reset_index(), on=[*pair, "metric"], how="left")
    table["n"] = table["n"].fillna(0).astype(np.int64)
    half = half_width(table["sd_diff"].to_numpy(), table["n"].to_numpy(), confidence)
    table["ci_low"] = table["mean_diff"] - half
    table["ci_high"] = table["mean_diff"] + half
    table["variant_a"] = variant_a
    table["variant_b"] = variant_b
    return table[list(PAIRED_COLUMNS)].reset_index(drop=True)


DECOMPOSITION: dict[str, tuple[str, dict[str, int], str]] = {
    # term: (meaning, the accounts summed (with signs), "flow" over the window or a
    # "stock" change from the day before it to its last day)
    "supplied": ("rounds that entered the side's books: produced, and handed over by "
                 "foreign suppliers", {"produced": 1, "imports_dispatched": 1}, "flow"),
    "fired": ("rounds fired", {"fired": 1}, "flow"),
    "launched": ("long-range munitions launched at enemy depots", {"launched": 1}, "flow"),
    "destroyed": ("rounds destroyed in depots by strikes", {"destroyed": 1}, "flow"),
    "interdicted": ("imported rounds seized or destroyed en route", {"interdicted": 1}, "flow"),
    "discarded": ("legacy rounds found unserviceable", {"discarded": 1}, "flow"),
    "rework_discarded": ("imported rounds rework found beyond repair",
                         {"rework_discarded": 1}, "flow"),
    "stock_built": ("rounds held at the end less rounds held before the window",
                    {"stock_legacy": 1, "stock_rework": 1, "stock_depot": 1, "stock_unit": 1,
                     "in_transit": 1}, "stock"),
    "stock_built_depots": ("of which in depots", {"stock_depot": 1}, "stock"),
    "stock_built_units": ("of which at front units", {"stock_unit": 1}, "stock"),
    "stock_built_in_transit": ("of which under way", {"in_transit": 1}, "stock"),
    "stock_built_legacy": ("of which legacy (not yet refurbished)", {"stock_legacy": 1},
                           "stock"),
    "stock_built_rework": ("of which imported rounds waiting for rework", {"stock_rework": 1},
                           "stock"),
    "held_back": ("rounds on hand the tempo policy held back", {"held_back": 1}, "flow"),
    "postponed": ("of which while a planned offensive waited for stock", {"postponed": 1},
                  "flow"),
    "tube_limited": ("rounds on hand the serviceable tubes could not fire",
                     {"tube_limited": 1}, "flow"),
    "tube_limited_days": ("days on which tubes, not shells, limited some fire",
                          {"tube_limited": 1}, "days"),
    "tubes_worn_out": ("tubes whose barrels wore out", {"tubes_worn_out": 1}, "guns"),
    "tubes_lost": ("serviceable tubes lost to the enemy", {"tubes_lost": 1}, "guns"),
}  # fmt: skip
"""The terms of ``decomposition``: supplied = fired + launched + destroyed + interdicted +
discarded + discarded in rework + stock built, exactly, in each replication (the books'
identity over a window)."""
BALANCE = (
    "fired", "launched", "destroyed", "interdicted", "discarded", "rework_discarded",
    "stock_built",
)  # fmt: skip


def decomposition(
    tables: RunTables,
    pairs: list[tuple[str, str]],
    variant_a: str,
    variant_b: str,
    reps: int,
    days: tuple[int, int | None] = (0, None),
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Where the difference in supply went, per side over the window (all munitions).

    For each side and term of ``DECOMPOSITION``: the means of A and of B, the mean paired
    difference A − B with its t-interval, and the difference as a share of the
    difference in rounds supplied. The rounds' terms add up exactly in every
    replication, so the shares of ``BALANCE`` add up to 1.
    """
    assert tables.record is not None, "a comparison keeps its record"
    labels = list(tables.scenarios)
    a, b = labels.index(variant_a), labels.index(variant_b)
    first, last = days
    record = tables.record
    stop = record["fired"].shape[0] if last is None else last + 1
    sides = list(dict.fromkeys(side for side, _ in pairs))
    columns = {side: [i for i, (s, _) in enumerate(pairs) if s == side] for side in sides}
    assert tables.opening is not None, "a comparison keeps its opening stocks"
    opening = tables.opening
    guns = tables.gun_record or {}
    gun_columns = {
        side: [i for i, (s, _) in enumerate(tables.gun_pairs) if s == side] for side in sides
    }

    def signed(books: dict[str, np.ndarray], accounts: dict[str, int], picked) -> np.ndarray:
        """The accounts summed with their signs over the side's pairs, ``[days, members]``
        (``[members]`` for the opening stocks)."""
        return np.sum([c * books[n][..., picked].sum(axis=-1) for n, c in accounts.items()], 0)

    def per_member(side: str, accounts: dict[str, int], kind: str) -> np.ndarray:
        """The term's value for each member."""
        if kind == "guns":
            if not guns:
                return np.zeros(record["fired"].shape[1], np.int64)
            return signed(guns, accounts, gun_columns[side])[first:stop].sum(axis=0)
        series = signed(record, accounts, columns[side])
        if kind == "flow":
            return series[first:stop].sum(axis=0)
        if kind == "days":
            return (series[first:stop] > 0).sum(axis=0)
        # a stock's change: held on the last day less held the day before the window
        before = series[first - 1] if first > 0 else signed(opening, accounts, columns[side])
        return series[stop - 1] - before

    kind_of = {term: kind for term, (_, _, kind) in DECOMPOSITION.items()}
    rows = []
    for side in sides:
        values = {t: per_member(side, acc, kind) for t, (_, acc, kind) in DECOMPOSITION.items()}
        assert np.array_equal(values["supplied"], sum(values[t] for t in BALANCE)), side
        member_a = np.arange(reps) * len(labels) + a
        member_b = np.arange(reps) * len(labels) + b
        supplied = values["supplied"][member_a] - values["supplied"][member_b]
        for term, (meaning, _, _) in DECOMPOSITION.items():
            diff = (values[term][member_a] - values[term][member_b]).astype(np.float64)
            mean, low, high = t_interval(diff, confidence)
            rounds = kind_of[term] in ("flow", "stock")
            share = mean / supplied.mean() if rounds and supplied.mean() != 0 else np.nan
            rows.append({
                "side": side, "term": term, "meaning": meaning,
                "mean_a": float(values[term][member_a].mean()),
                "mean_b": float(values[term][member_b].mean()),
                "mean_diff": mean, "ci_low": low, "ci_high": high,
                "share_of_supplied_diff": share if term != "supplied" else 1.0,
            })  # fmt: skip
    return pd.DataFrame(rows)


def paired_outcomes(
    outcomes: pd.DataFrame, variant_a: str, variant_b: str, confidence: float
) -> pd.DataFrame:
    """Per side and outcome: the means of A and B, the mean paired difference A − B and
    its t-interval (``consequences.csv``)."""
    rows = []
    a = outcomes[outcomes["variant"] == variant_a].set_index(["replication", "side"])
    b = outcomes[outcomes["variant"] == variant_b].set_index(["replication", "side"])
    for side in dict.fromkeys(outcomes["side"]):
        for name, (meaning, unit, _, _) in OUTCOMES.items():
            value_a = a.xs(side, level="side")[name].sort_index()
            value_b = b.xs(side, level="side")[name].sort_index()
            diff = (value_a - value_b).to_numpy(np.float64)
            mean, low, high = t_interval(diff, confidence)
            rows.append({
                "side": side, "metric": name, "meaning": meaning, "unit": unit,
                "mean_a": float(value_a.mean()), "mean_b": float(value_b.mean()),
                "mean_diff": mean, "ci_low": low, "ci_high": high,
            })  # fmt: skip
    return pd.DataFrame(rows)


# -- choosing and running the variants --------------------------------------------------


def require_replications(reps: int, file: str, key: str = "reps") -> None:
    """An interval needs at least two paired replications."""
    if reps < 2:
        raise ScenarioError(
            file, key, f"a paired interval needs at least 2 replications, got {reps}"
        )


def parse_variants(text: str | Sequence[str], file: str, key: str = "variants") -> list[str]:
    """``"A,B,C"`` (or a list) → two or more different variant names, A first."""
    names = text.split(",") if isinstance(text, str) else list(text)
    names = [name.strip() for name in names if name.strip()]
    if len(names) < 2:
        shown = ", ".join(names) or "none"
        raise ScenarioError(file, key, f"a comparison needs at least two variants, got {shown}")
    repeated = [name for i, name in enumerate(names) if name in names[:i]]
    if repeated:
        raise ScenarioError(file, key, f"compare different variants: {repeated[0]!r} is twice")
    return names


def default_variants(scenario: Scenario, file: str) -> list[str]:
    """The scenario's first two ``[variants.NAME]`` tables."""
    declared = list(scenario.variants)
    if len(declared) < 2:
        found = f"only {declared[0]!r}" if declared else "none"
        raise ScenarioError(
            file,
            "variants",
            f"a comparison needs two [variants.NAME] tables, found {found}; "
            "declare another or name two variants",
        )
    return declared[:2]


def load_pair(
    path: str | Path,
    variants: str | Sequence[str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> list[Scenario]:
    """Load variants of a scenario file (default: its first two variant tables), each
    with the same dotted-path ``overrides`` applied after its variant."""
    file = str(path)
    raw, sha256 = read_raw(path)
    base = build_scenario(raw, file=file, sha256=sha256)
    names = default_variants(base, file) if variants is None else parse_variants(variants, file)
    return [
        build_scenario(raw, file=file, sha256=sha256, variant=name, overrides=overrides)
        if overrides or name != BASELINE
        else base
        for name in names
    ]


def _label(scenario: Scenario) -> str:
    return scenario.source.variant if scenario.source else BASELINE


def window_days(
    scenario: Scenario, window: tuple[dt.date, dt.date] | None, file: str, key: str = "window"
) -> tuple[int, int | None]:
    """A date window as (first day, last day) of the run, or an error naming ``key``."""
    if window is None:
        return 0, None
    first, last = window
    start, end = scenario.scenario.start_date, scenario.end_date
    if not start <= first <= last <= end:
        raise ScenarioError(file, key, f"{first}:{last} must be ordered dates within {start}:{end}")
    return (first - start).days, (last - start).days


def parse_window(text: str, file: str, key: str = "--window") -> tuple[dt.date, dt.date]:
    """``"2024-01-01:2024-12-31"`` → two dates."""
    try:
        first, last = (dt.date.fromisoformat(part.strip()) for part in text.split(":"))
    except ValueError:
        raise ScenarioError(file, key, f"expected FIRST:LAST as ISO dates, got {text!r}") from None
    return first, last


def compare(
    scenario: str | Path | Sequence[Scenario],
    variants: str | Sequence[str] | None = None,
    *,
    reps: int = DEFAULT_REPS,
    seed: int | None = None,
    timeseries: bool = True,
    progress: bool | None = None,
    confidence: float = CONFIDENCE,
    window: tuple[dt.date, dt.date] | None = None,
    overrides: dict[str, Any] | None = None,
    uncertainty: int | None = None,
    sample_reps: int | None = None,
    sampler: str = "lhs",
    workers: int | None = None,
    scheduler: str | None = None,
    work: str | Path | None = None,
    case: str | None = None,
    log: Any = None,
) -> Comparison:
    """Run two or more variants on common random numbers and measure the paired
    differences of each with the first.

    Args:
        scenario: a scenario file, or loaded scenarios (A, then B...) of one structure.
        variants: with a file, two or more ``[variants.NAME]`` names (``"A,B,C"`` or a
            list), each compared with the first; default: the file's first two tables.
        reps: paired replications (at least 2).
        seed: master seed (default: the scenario's ``[scenario] seed``).
        timeseries: also build the daily table (the figures need it).
        progress: show a progress bar (default: when stderr is a terminal).
        confidence: of the intervals.
        window: first and last date the metrics cover (default: the whole run); the
            daily table and the figures always cover the whole run.
        overrides: with a file, dotted path → value, applied to both variants (after
            each variant's own table), like ``--set``.
        uncertainty: also run every variant at this many samples of the scenario's
            ``[[uncertainties]]``, paired by sample and seed
            (``sim.experiments.uncertainty``).
        sample_reps: replications of each sample (default 5).
        sampler: of the samples: ``lhs`` (N points) or ``sobol`` (Saltelli's design on
            base N, a power of 2).
        workers, scheduler: where the samples run (local workers, or a Dask scheduler).
        work: where the samples' finished batches are kept until the comparison is
            written (default: a temporary folder); a killed comparison given the same
            folder runs only the batches not yet there.
        case: a case of interest (``"diff.fire_per_day.RU>3000"``) for PRIM to find.
        log: where one-line messages go (the samples' progress).

    Raises:
        ScenarioError: unknown variant, not two different variants, fewer than two
            replications, or variants that differ in structure.
    """
    if uncertainty is not None and not isinstance(scenario, str | Path):
        raise TypeError("sample the uncertainty only with a scenario file")
    if isinstance(scenario, str | Path):
        pair = load_pair(scenario, variants, overrides)
    else:
        if variants is not None or overrides:
            raise TypeError("name variants and overrides only with a scenario file")
        pair = list(scenario)
    file = pair[0].source.path if pair[0].source else "<scenario>"
    labels = parse_variants([_label(s) for s in pair], file)
    others = labels[1:]
    require_replications(reps, file)
    reserve_all_munitions(pair[0])
    master = pair[0].scenario.seed if seed is None else seed
    days = window_days(pair[0], window, file, "--window")
    prepared = None
    if uncertainty is not None:  # checked before anything runs
        from sim.experiments.uncertainty import prepare_across

        prepared = prepare_across(
            str(scenario), labels, uncertainty, reps=sample_reps, seed=master,
            sampler=sampler, overrides=overrides, window=window, case=case,
        )  # fmt: skip
    try:
        tables = run_variants(
            pair, reps=reps, seed=master, timeseries=timeseries, progress=progress
        )
    except StructureError:
        changed = next(
            (
                b
                for b, s in zip(others, pair[1:], strict=True)
                if structure(s) != structure(pair[0])
            ),
            labels[1],
        )
        raise ScenarioError(
            file,
            f"variants.{changed}",
            f"changes the structure of {labels[0]!r} (ids, sides, links, dates); "
            "a paired comparison needs the same structure with other numbers",
        ) from None
    pairs = side_munition_pairs(pair[0])
    assert tables.record is not None, "a comparison keeps its record"
    tables.summary = summary_table(tables.record, pairs, labels, reps, *days)
    paired = pd.concat(
        [paired_table(tables.summary, labels[0], b, confidence=confidence) for b in others],
        ignore_index=True,
    )
    parts = pd.concat(
        [
            _against(
                decomposition(tables, pairs, labels[0], b, reps, days, confidence), labels[0], b
            )
            for b in others
        ],
        ignore_index=True,
    )[list(DECOMPOSITION_COLUMNS)]
    records = Records(tables.record, pairs, tables.gun_record or {}, tables.gun_pairs,
                  tables.front_record or {}, tables.front_pairs)  # fmt: skip
    outcomes = outcomes_table(records, [s.id for s in pair[0].sides], labels, days)
    consequences = pd.concat(
        [
            _against(paired_outcomes(outcomes, labels[0], b, confidence), labels[0], b)
            for b in others
        ],
        ignore_index=True,
    )[list(CONSEQUENCES_COLUMNS)]
    if not tables.front_pairs:  # no unit faces an enemy: no ground, no casualties
        front = [name for name, (_, _, book, _) in OUTCOMES.items() if book == "front"]
        consequences = consequences[~consequences["metric"].isin(front)].reset_index(drop=True)
    tables.outcomes = outcomes  # over the metrics' window, as the summary
    tables.extra = {
        "comparison": {
            "variant_a": labels[0],
            "variant_b": labels[1],
            "variants": labels,  # each after the first is compared with it
            "difference": "variant_a - variant_b",
            "reps": reps,
            "confidence": confidence,
            "window": [d.isoformat() for d in window] if window else None,
            "settings": {
                label: {
                    path: [e.model_dump(mode="json") for e in value]
                    if isinstance(value, list)
                    else value
                    for path, value in s.variants.get(label, {}).items()
                    if path != "description"  # shown as the variant's name, not a setting
                }
                for label, s in zip(labels, pair, strict=True)
            },
        }
    }
    across = None
    if prepared is not None:
        across = _across(*prepared, work, workers, scheduler, progress, log)
        tables.extra["comparison"]["uncertainty"] = across.run.settings
    return Comparison(
        tables=tables,
        paired=paired,
        variant_a=labels[0],
        variant_b=labels[1],
        decomposition=parts,
        outcomes=outcomes,
        consequences=consequences,
        across=across,
    )


def _against(table: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """A paired table with the two variants it compares in its first columns."""
    return table.assign(variant_a=a, variant_b=b)[
        ["variant_a", "variant_b", *[c for c in table.columns if not c.startswith("variant_")]]
    ]


def _across(
    experiment: Any,
    case: Any,
    work: str | Path | None,
    workers: int | None,
    scheduler: str | None,
    progress: bool | None,
    log: Any,
) -> Any:
    """The comparison across the uncertainty, its batches kept in ``work`` (default: a
    temporary folder, removed after)."""
    import shutil
    import tempfile

    from sim.experiments.uncertainty import across_uncertainty

    folder = Path(work) if work is not None else Path(tempfile.mkdtemp(prefix="munsim-"))
    try:
        return across_uncertainty(
            experiment, folder, case=case, workers=workers, scheduler=scheduler,
            progress=progress, say=log,
        )  # fmt: skip
    finally:
        if work is None:
            shutil.rmtree(folder, ignore_errors=True)
