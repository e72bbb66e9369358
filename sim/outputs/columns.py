"""The run folders' files and their columns, described for people: the README's tables
are made here, from the constants the writers use.

``OUTPUT_SCHEMA`` names the version of these files and columns; every ``manifest.json``
records it. ``FILES`` lists each table a run folder can hold, the commands that write it
and its columns. ``python -m sim.outputs.columns`` rewrites the sections of the README
(and of ``docs/compare.md``) between the markers ``<!-- columns:NAME -->`` and
``<!-- /columns:NAME -->``; a test fails when the documents and the code disagree, and
another when a written file's columns differ from its documented ones.

Example:
    >>> print(markdown("timeseries").splitlines()[2])
    | `replication` | replication number, 0-based; same number = same seed in every variant |
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.engine.accounts import ACCOUNTS, FRONT, GUNS, PAYMENTS, Book
from sim.engine.metrics import ALL_MUNITIONS, METRIC_UNITS, METRICS
from sim.experiments.baselines import BASELINES
from sim.experiments.compare import (
    CONSEQUENCES_COLUMNS,
    DECOMPOSITION,
    DECOMPOSITION_COLUMNS,
    PAIRED_COLUMNS,
)
from sim.experiments.outcomes import KEYS as OUTCOME_KEYS
from sim.experiments.outcomes import OUTCOMES
from sim.experiments.runner import (
    AGGREGATE,
    FRONT_COLUMNS,
    FRONT_KEY_COLUMNS,
    GUN_COLUMNS,
    GUN_KEY_COLUMNS,
    KEY_COLUMNS,
    KEYS,
    PAYMENT_COLUMNS,
    PAYMENT_KEY_COLUMNS,
    SUMMARY_COLUMNS,
    SUMMARY_KEYS,
    SUPPLIER_COLUMNS,
    TIMESERIES_COLUMNS,
)
from sim.experiments.validation import CHECK_COLUMNS
from sim.outputs.bargain import BARGAIN_COLUMNS

OUTPUT_SCHEMA = "munsim-outputs/2"
"""The version of the run folders' files and columns (``manifest.json``'s
``output_schema``). It changes when a documented column is renamed, moved, removed or
changes its meaning or unit, or a table's rows change kind; a new file, or a new column
at a table's end, keeps it. ``munsim-outputs/2`` added the ``aggregate`` column and each
side's all-munitions rows to every summary; a folder without ``output_schema`` is older
than both."""

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCUMENTS = (README, ROOT / "docs" / "compare.md")
"""The files whose marked sections are made here (each holds some of ``SECTIONS``)."""


def _timeseries() -> list[str]:
    rows = ["| column | meaning |", "|---|---|"]
    rows += [f"| `{name}` | {KEYS[name]} |" for name in KEY_COLUMNS]
    rows += [f"| `{a.name}` | {a.describe()} |" for a in ACCOUNTS]
    return rows


def _book(book: Book, keys: tuple[str, ...]) -> list[str]:
    rows = ["| column | unit | meaning |", "|---|---|---|"]
    rows += [f"| `{name}` | | {KEYS[name]} |" for name in keys]
    rows += [f"| `{a.name}` | {a.unit} | {a.describe()} |" for a in book.accounts]
    return rows


def _guns() -> list[str]:
    return _book(GUNS, GUN_KEY_COLUMNS)


def _front() -> list[str]:
    return _book(FRONT, FRONT_KEY_COLUMNS)


def _payments() -> list[str]:
    return _book(PAYMENTS, PAYMENT_KEY_COLUMNS)


def _suppliers() -> list[str]:
    rows = ["| column | meaning |", "|---|---|"]
    rows += [f"| `{name}` | {KEYS[name]} |" for name in SUPPLIER_COLUMNS]
    rows += ["| *item id* | one column per counted delivery (`[[importers.deliveries]]`), "
             "items delivered that day |"]  # fmt: skip
    return rows


def _outcomes() -> list[str]:
    keys = ", ".join(f"`{name}`" for name in OUTCOME_KEYS)
    rows = [
        f"Keys: {keys}; then, per outcome:",
        "",
        "| outcome | unit | meaning |",
        "|---|---|---|",
    ]
    rows += [
        f"| `{name}` | {unit} | {meaning} |" for name, (meaning, unit, _, _) in OUTCOMES.items()
    ]
    return rows


def _summary() -> list[str]:
    keys = ", ".join(f"`{name}`" for name in SUMMARY_KEYS)
    rows = [f"First {keys}; then, per metric:", "", "| metric | unit | meaning |",
            "|---|---|---|"]  # fmt: skip
    rows += [
        f"| `{name}` | {METRIC_UNITS[name]} | {meaning} |" for name, meaning in METRICS.items()
    ]
    return rows


_METRIC_UNIT = "the metric's"
_INTERVAL = {
    "mean_a": (_METRIC_UNIT, "mean of A over the paired replications"),
    "mean_b": (_METRIC_UNIT, "mean of B over the same replications"),
    "mean_diff": (_METRIC_UNIT, "mean paired difference A − B (= `mean_a − mean_b`)"),
    "ci_low": (_METRIC_UNIT, "low end of the t-interval of `mean_diff` (95 % unless the "
               "manifest's `comparison.confidence` says otherwise; it covers the seeds only)"),
    "ci_high": (_METRIC_UNIT, "high end of that interval"),
}  # fmt: skip
_COMPARED = {
    "variant_a": ("", "variant A: the first variant, every other is compared with it"),
    "variant_b": ("", "variant B: the variant compared with A"),
    "side": ("", KEYS["side"]),
}
TABLE_COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    # file: column → (unit, meaning), for the tables not made from the accounts
    "paired.csv": {
        **_COMPARED,
        "munition": ("", KEYS["munition"] + f", or `{ALL_MUNITIONS}`"),
        AGGREGATE: ("", KEYS[AGGREGATE]),
        "metric": ("", "a summary metric (a column of `summary.csv`)"),
        "n": (
            "replications",
            "paired replications where both values exist (a "
            "`first_day_*` metric that never happened has none)",
        ),
        **_INTERVAL,
    },
    "decomposition.csv": {
        **_COMPARED,
        "term": ("", "a term of the side's books over the window, all munitions (below)"),
        "meaning": ("", "what the term is"),
        **{name: ("the term's", meaning) for name, (_, meaning) in _INTERVAL.items()},
        "share_of_supplied_diff": (
            "share",
            "`mean_diff` ÷ the difference in rounds "
            "supplied (the shares of the terms that balance add up "
            "to 1; empty for days and tubes)",
        ),
    },
    "consequences.csv": {
        **_COMPARED,
        "metric": ("", "an outcome (a column of `outcomes.csv`)"),
        "meaning": ("", "what the outcome is"),
        "unit": ("", "the outcome's unit"),
        **{name: ("`unit`", meaning) for name, (_, meaning) in _INTERVAL.items()},
    },
    "bargain.csv": {
        "variant": ("", KEYS["variant"]),
        "year": ("", "calendar year"),
        "supplier": (
            "",
            "importer id from the scenario (`side ID`: the rounds that side sent to rework)",
        ),
        "item": (
            "",
            "what was paid, shipped, made, delivered or reworked (`paid: KIND`, "
            "`paid beyond the cap: KIND`, `rounds shipped`, `delivered: ITEM`...)",
        ),
        "unit": ("", "the item's unit (the payment's, `usd`, `rounds`, `items`)"),
        "value": ("`unit`", "over the year, mean over replications"),
        "usd": (
            "US dollars",
            "a payment's value at the scenario's `value_usd` (empty for rounds and items)",
        ),
    },
    "check.csv": {
        "checkpoint": ("", "checkpoint id from the scenario"),
        "kind": ("", "`input` (a count the scenario was built from) or `behaviour`"),
        "sample": (
            "",
            "`in` (its window ends by the scenario's calibration end, or there "
            "is none), `out` (held out) or `shared` (after it, but an input cites its "
            "source)",
        ),
        "series": ("", "whose estimate it is (empty: the only one)"),
        "metric": ("", "the checkpoint's metric (`docs/validation.md`)"),
        "side": ("", KEYS["side"]),
        "munition": (
            "",
            "the checkpoint's munition (empty: all munitions; a row per "
            "checkpoint, so no aggregate rows)",
        ),
        "other_side": ("", "the other side of a ratio (empty: none)"),
        "importer": ("", "the importer it counts (empty: none)"),
        "payment": ("", "the payment it counts (empty: none)"),
        "start_date": ("", "first day of the checkpoint's window"),
        "end_date": ("", "last day of the window"),
        "median": ("the metric's", "model median over the replications"),
        "p05": ("the metric's", "model 5th percentile"),
        "p95": ("the metric's", "model 95th percentile"),
        "low": ("the metric's", "lowest published value"),
        "high": ("the metric's", "highest published value"),
        "hit": ("", "the model median lies in [low, high]"),
        "overlap": ("", "the model's 5–95 % band overlaps [low, high]"),
        **{
            column: (
                ("the metric's", f"the baseline {meaning}")
                if column == name
                else ("", f"the {name} baseline's value lies in [low, high]")
            )
            for name, meaning in BASELINES.items()
            for column in (name, f"{name}_hit")
        },  # fmt: skip
        "source": ("", "where the published range comes from"),
    },
    "sensitivity.csv": {
        "parameter": ("", "a swept parameter's dotted path (or its group)"),
        "output": ("", "an output of the experiment file (`diff.NAME` for a paired effect)"),
        "method": (
            "",
            "the method that made the index (`morris`, `sobol`, `rbd_fast`, "
            "`spearman`, `delta`, `main_effect`)",
        ),
        "index": (
            "",
            "the index (`mu_star`, `mu`, `sigma`, `S1`, `ST`, `spearman`, "
            "`delta`, `main_effect`...)",
        ),
        "value": ("the index's", "its value"),
        "conf": ("the index's", "half-width of its 95 % interval (`value ± conf`; empty: none)"),
    },
    "results.parquet": {
        "sample": ("", "sample number of the sweep's design, 0-based"),
        "replication": ("", "replication of the sample, 0-based"),
        "seed": ("", "the member's seed"),
    },
}
"""The meaning of each column of the tables not made from the accounts, by file."""


def _listed(file: str) -> list[str]:
    rows = ["| column | unit | meaning |", "|---|---|---|"]
    rows += [
        f"| `{name}` | {unit} | {meaning} |" if unit else f"| `{name}` | | {meaning} |"
        for name, (unit, meaning) in _table(file).items()
    ]
    return rows


def _table(file: str) -> dict[str, tuple[str, str]]:
    """A file's documented columns, in the order its writer writes them."""
    meanings = TABLE_COLUMNS[file]
    return {name: meanings[name] for name in FILES[file].columns()}


def _decomposition() -> list[str]:
    units = {"flow": "rounds", "stock": "rounds", "days": "days", "guns": "tubes"}
    rows = [*_listed("decomposition.csv"), "", "| term | unit | meaning |", "|---|---|---|"]
    rows += [
        f"| `{term}` | {units[kind]} | {meaning} |"
        for term, (meaning, _, kind) in DECOMPOSITION.items()
    ]
    return rows


def _results() -> list[str]:
    rows = _listed("results.parquet")
    rows += [
        "| `variant` | | the variant (only where the experiment compares variants) |",
        "| *parameter path* | the parameter's | one column per swept parameter, its value |",
        "| *output name* | the output's | one column per output; `diff.NAME`, its paired "
        "difference where variants are compared |",
        "| `error` | | why the member failed (empty: it ran) |",
    ]
    return rows


@dataclass(frozen=True)
class File:
    """A table a run folder can hold: who writes it and its columns."""

    commands: str  # the commands whose folders hold it
    rows: str  # what a row is
    columns: Callable[[], tuple[str, ...]]  # the columns its writer writes, in order
    open_ended: bool = False  # more columns follow, named by the scenario or experiment


def _sweep_keys() -> tuple[str, ...]:
    from sim.experiments.batch import KEY_COLUMNS as SWEEP_KEYS

    return SWEEP_KEYS


def _sensitivity() -> tuple[str, ...]:
    from sim.experiments.sensitivity import COLUMNS

    return COLUMNS


RUNS = "run, compare, check"
FILES: dict[str, File] = {
    "timeseries.parquet": File("run, compare", "replication × variant × day × side × munition",
                               lambda: TIMESERIES_COLUMNS),
    "guns.parquet": File("run, compare", "replication × variant × day × side × tube type "
                         "(where there are tube types)", lambda: GUN_COLUMNS),
    "front.parquet": File("run, compare", "replication × variant × day × side (where front "
                          "units face enemy units)", lambda: FRONT_COLUMNS),
    "payments.parquet": File(RUNS, "replication × variant × day × paying side × "
                             "`supplier.kind` (where a supplier is paid)",
                             lambda: PAYMENT_COLUMNS),
    "suppliers.parquet": File(RUNS, "replication × variant × day × supplier (where there are "
                              "foreign suppliers)", lambda: SUPPLIER_COLUMNS, open_ended=True),
    "summary.csv": File(RUNS, "replication × variant × side × munition, then the side's "
                        f"`{ALL_MUNITIONS}` row", lambda: SUMMARY_COLUMNS),
    "outcomes.csv": File("run, compare", "replication × variant × side",
                         lambda: (*OUTCOME_KEYS, *OUTCOMES)),
    "paired.csv": File("compare", f"variant B × side × munition (and `{ALL_MUNITIONS}`) × "
                       "metric", lambda: PAIRED_COLUMNS),
    "decomposition.csv": File("compare", "variant B × side × term",
                              lambda: DECOMPOSITION_COLUMNS),
    "consequences.csv": File("compare", "variant B × side × outcome",
                             lambda: CONSEQUENCES_COLUMNS),
    "bargain.csv": File(RUNS, "variant × year × supplier × item (where a supplier is paid)",
                        lambda: BARGAIN_COLUMNS),
    "check.csv": File("check", "checkpoint", lambda: CHECK_COLUMNS),
    "results.parquet": File("sweep", "sample × replication (× variant)", _sweep_keys,
                            open_ended=True),
    "sensitivity.csv": File("sweep", "parameter × output × index", _sensitivity),
}  # fmt: skip
"""Every table a run folder can hold that has documented columns (the tables across the
uncertainty are described in ``docs/uncertainty.md`` and ``docs/validation.md``)."""


def documented_columns(file: str) -> tuple[tuple[str, ...], bool]:
    """A file's documented columns, in order, and whether more may follow them."""
    spec = FILES[file]
    return spec.columns(), spec.open_ended


def _files() -> list[str]:
    rows = [f"Output schema: `{OUTPUT_SCHEMA}` (every `manifest.json`'s `output_schema`).",
            "", "| file | written by | one row per |", "|---|---|---|"]  # fmt: skip
    rows += [f"| `{name}` | {spec.commands} | {spec.rows} |" for name, spec in FILES.items()]
    return rows


SECTIONS = {
    "files": _files,
    "timeseries": _timeseries,
    "guns": _guns,
    "front": _front,
    "payments": _payments,
    "suppliers": _suppliers,
    "summary": _summary,
    "outcomes": _outcomes,
    "paired": lambda: _listed("paired.csv"),
    "decomposition": _decomposition,
    "consequences": lambda: _listed("consequences.csv"),
    "bargain": lambda: _listed("bargain.csv"),
    "check": lambda: _listed("check.csv"),
    "results": _results,
    "sensitivity": lambda: _listed("sensitivity.csv"),
}


def markdown(section: str) -> str:
    """The Markdown of one section (a key of ``SECTIONS``)."""
    return "\n".join(SECTIONS[section]())


def _pattern(section: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- columns:{section} -->)(.*?)(<!-- /columns:{section} -->)", re.DOTALL)


def rewrite(text: str) -> str:
    """``text`` (the README) with every marked section made anew."""
    for section in SECTIONS:
        made = f"\n{markdown(section)}\n"
        text = _pattern(section).sub(lambda found: found[1] + made + found[3], text)  # noqa: B023
    return text


def sections(text: str) -> dict[str, str]:
    """The marked sections of ``text`` as they stand."""
    return {s: found[2].strip("\n") for s in SECTIONS if (found := _pattern(s).search(text))}


if __name__ == "__main__":
    for path in [Path(name) for name in sys.argv[1:]] or DOCUMENTS:
        path.write_text(rewrite(path.read_text()))
