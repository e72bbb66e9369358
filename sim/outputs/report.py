"""A comparison's self-contained ``report.html``, drawn from the tables alone.

The report leads with the answer (the headline, where the difference went, what it
buys), then says what shapes it (the mechanics on and off, what each variant changes,
what the intervals cover), then the figures (``sim.outputs.figure_plan``), short
tables, and an appendix of the long ones. ``draw_run`` writes ``figures/`` (PNG, SVG,
PDF) and ``report.html`` from a folder's tables; ``write_comparison`` writes a whole
comparison folder; ``redraw`` draws an existing folder (a comparison, a run or a check)
again. The page is a ``sim.outputs.document.Document``, as the sweep's and the check's.

Example:
    >>> import sim
    >>> from sim.outputs.report import write_comparison
    >>> result = sim.compare("scenarios/tutorial.toml", reps=10, seed=1)  # doctest: +SKIP
    >>> folder = write_comparison(result, "runs", started="", finished="")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.engine.metrics import (
    ALL_MUNITIONS,
    BRIEF_METRICS,
    METRIC_UNITS,
    METRICS,
    NEVER,
)
from sim.experiments.compare import BALANCE, Comparison
from sim.outputs import style
from sim.outputs.assumptions import assumptions
from sim.outputs.bargain import bargain_by_year, bargain_for_display
from sim.outputs.document import Document, escape, provenance, table_html
from sim.outputs.document import number as format_number
from sim.outputs.figure_plan import compared_variants, comparison_info, each_figure, folded
from sim.outputs.labels import Labels
from sim.outputs.results import manifest, read_run, write_run
from sim.outputs.uncertainty_report import across_headline, across_tables_html, write_across
from sim.outputs.validation_report import draw_check
from sim.scenario.errors import ScenarioError

HEADLINE_METRIC = "mean_daily_fire"
FIRST_DAY_METRIC = "first_day_below_3_dos"


# -- what the report says ---------------------------------------------------------------


def _rows_against(table: pd.DataFrame | None, b: str) -> pd.DataFrame | None:
    """A paired table's rows of the comparison with ``b`` (all rows of an older folder,
    which compared two variants only)."""
    if table is None or "variant_b" not in table.columns:
        return table
    return table[table["variant_b"] == b]


def run_dates(info: dict[str, Any]) -> tuple[dt.date, int]:
    """Start date and number of days, from the manifest's resolved parameters."""
    first = next(iter(info["resolved_parameters"].values()))["scenario"]
    return dt.date.fromisoformat(str(first["start_date"])), int(first["days"])


def metric_dates(info: dict[str, Any]) -> tuple[dt.date, int]:
    """First date and number of days the comparison's metrics cover (its window, if any)."""
    window = (info.get("comparison") or {}).get("window")
    if not window:
        return run_dates(info)
    first, last = (dt.date.fromisoformat(day) for day in window)
    return first, (last - first).days + 1


def comparison_headline(comparison: Comparison) -> list[str]:
    """``headline`` of a comparison in memory (across the uncertainty first, if sampled)."""
    scenario = next(iter(comparison.tables.scenarios.values())).scenario
    window = comparison.tables.extra["comparison"].get("window")
    info = {"comparison": {"window": window}} if window else None
    start, days = metric_dates(info) if info else (scenario.start_date, scenario.days)
    labels = Labels.from_run(comparison.tables)
    first: list[str] = []
    if comparison.across is not None:
        first = across_headline(
            {
                "manifest": {"comparison": comparison.tables.extra["comparison"]},
                "uncertainty": comparison.across.effects,
                "drivers": comparison.across.drivers,
            }
        )
        start_sentence = "At the scenario's own values: "
        own = headline(comparison.paired, start, days, labels)
        return first + [start_sentence + s for s in own]
    return headline(comparison.paired, start, days, labels)


def condition(labels: Labels, variant: str) -> str:
    """A variant as the condition a sentence compares: its description where it says
    "with ..." or "without ...", else the variant in quotes.

    Example:
        >>> condition(Labels(variants={"a": "with DPRK supply"}), "a")
        'with DPRK supply'
        >>> condition(Labels(), "no_strikes")
        "in variant 'no_strikes'"
    """
    text = labels.variant(variant)
    if text != variant and text.split(" ", 1)[0] in ("with", "without"):
        return text
    return f"in variant '{text}'"


def headline(
    paired: pd.DataFrame, start: dt.date, days: int, labels: Labels | None = None
) -> list[str]:
    """One sentence per side: the effect of A rather than B on fire per day, with its CI,
    in the scenario's names where ``labels`` has them."""
    labels = labels or Labels()
    end = start + dt.timedelta(days=days - 1)
    rows = paired[(paired["metric"] == HEADLINE_METRIC) & (paired["munition"] == ALL_MUNITIONS)]
    sentences = []
    for row in rows.itertuples():
        side, a, b = labels.side(row.side), condition(labels, row.variant_a), condition(
            labels, row.variant_b
        )  # fmt: skip
        span = f"{row.n} paired replications, {start:%d %b %Y} to {end:%d %b %Y}"
        interval = (
            f"95 % CI {format_number(row.ci_low)} to {format_number(row.ci_high)} rounds per day; "
            f"{span}"
        )
        if row.ci_low == row.ci_high == row.mean_diff == 0:
            sentences.append(
                f"{side} fires the same {a} and {b}, {format_number(row.mean_a)} rounds per "
                f"day, in every replication ({span})."
            )
            continue
        if not (row.ci_low > 0 or row.ci_high < 0):
            sentences.append(
                f"{side} fires {format_number(row.mean_a)} rounds per day {a} and "
                f"{format_number(row.mean_b)} {b}: the paired difference, "
                f"{format_number(row.mean_diff)} rounds per day, is not distinguishable from "
                f"zero ({interval})."
            )
            continue
        more = "more" if row.mean_diff > 0 else "fewer"
        sentences.append(
            f"{side} fires {format_number(abs(row.mean_diff))} {more} rounds per day on "
            f"average {a} than {b} ({format_number(row.mean_a)} against "
            f"{format_number(row.mean_b)}; {interval})."
        )
    return sentences


def first_crossings(summary: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    """Per variant, side and munition: how often, and from when, days of supply run low."""
    if FIRST_DAY_METRIC not in summary.columns:
        return pd.DataFrame()
    rows = []
    for (variant, side, munition), group in summary.groupby(
        ["variant", "side", "munition"], sort=False
    ):
        days = group[FIRST_DAY_METRIC]
        crossed = days[days != NEVER]
        median = (
            (start + dt.timedelta(days=int(crossed.median()))).isoformat() if len(crossed) else "—"
        )
        earliest = (
            (start + dt.timedelta(days=int(crossed.min()))).isoformat() if len(crossed) else "—"
        )
        rows.append(
            {
                "variant": variant,
                "side": side,
                "munition": munition,
                "replications where it happens": f"{len(crossed)} of {len(days)}",
                "earliest first date": earliest,
                "median first date (where it happens)": median,
            }
        )
    return pd.DataFrame(rows)


def decomposition_for_display(parts: pd.DataFrame) -> pd.DataFrame:
    """Where the difference went, rounded and labelled for reading."""
    share = parts["share_of_supplied_diff"]
    return pd.DataFrame(
        {
            "side": parts["side"],
            "term": parts["term"],
            "mean A − B": parts["mean_diff"].map(format_number),
            "95 % CI": [
                f"{format_number(low)} to {format_number(high)}"
                for low, high in zip(parts["ci_low"], parts["ci_high"], strict=True)
            ],
            "share of the supply difference": [
                "" if np.isnan(v) else f"{round(100 * v):d} %" for v in share
            ],
            "meaning": parts["meaning"],
        }
    )


OUTCOME_MODEL = (
    "<p>Per side over the metrics' window, A − B per replication with its 95 % interval; "
    "also in <code>consequences.csv</code> (and per replication in "
    "<code>outcomes.csv</code>). Ground and casualties come from the exchange model: a "
    "reduced form that turns each facing pair's daily fire ratio, postures and tubes in "
    "action into ground changing hands and casualties from artillery fire, with "
    "coefficients set from yearly public series of fire ratios, ground and casualties "
    "(<code>docs/exchange.md</code>). It is "
    "not a tactical model: it knows no terrain, manoeuvre, drones not modelled as a "
    "munition, air power, mines or morale, and its casualties are those of the modelled "
    "fire only. Read its ground and casualties as what the fire ratio alone would "
    "explain, an order of magnitude to set beside the rounds, not a forecast of the "
    "front line.</p>"
)


BARGAIN_TEXT = (
    "<p>Means over replications, calendar years (the first and last are partial). A "
    "supplier is paid per 1,000 rounds it dispatches, in each of its kinds of payment, "
    "and ships only while its buyer owes it no more of any kind than its credit; a "
    "sanctions cap held back what it binds, and what was paid beyond a cap that does not "
    "bind is shown. Rounds sent to rework wait for the buyer's refurbishment line, which "
    "they share with the legacy reserve. Also in <code>bargain.csv</code>; day by day in "
    "<code>payments.parquet</code> and <code>suppliers.parquet</code>; the rules in "
    "<code>docs/scenario.md</code>.</p>"
)


def _paired_columns(table: pd.DataFrame, a: str, b: str) -> dict[str, Any]:
    """The means of A and B, A − B and its interval, for reading."""
    excludes = (table["ci_low"] > 0) | (table["ci_high"] < 0)
    return {
        f"mean {a}": table["mean_a"].map(format_number),
        f"mean {b}": table["mean_b"].map(format_number),
        f"mean {a} − {b}": table["mean_diff"].map(format_number),
        "95 % CI": [
            f"{format_number(low)} to {format_number(high)}"
            for low, high in zip(table["ci_low"], table["ci_high"], strict=True)
        ],
        "CI excludes 0": np.where(excludes, "yes", "no"),
    }


def consequences_for_display(
    consequences: pd.DataFrame, comparison: dict[str, Any]
) -> pd.DataFrame:
    """The paired outcomes, rounded and labelled for reading."""
    a, b = comparison["variant_a"], comparison["variant_b"]
    return pd.DataFrame(
        {
            "side": consequences["side"],
            "outcome": consequences["meaning"],
            "unit": consequences["unit"],
            **_paired_columns(consequences, a, b),
        }
    )


def paired_for_display(paired: pd.DataFrame, metrics: list[str] | None = None) -> pd.DataFrame:
    """The paired table, rounded and labelled for reading."""
    table = paired if metrics is None else paired[paired["metric"].isin(metrics)]
    if metrics is not None:
        order = {name: i for i, name in enumerate(metrics)}
        table = table.sort_values("metric", key=lambda s: s.map(order), kind="stable")
    a, b = paired["variant_a"].iloc[0], paired["variant_b"].iloc[0]
    return pd.DataFrame(
        {
            "metric": table["metric"],
            "unit": table["metric"].map(METRIC_UNITS).fillna(""),
            "side": table["side"],
            "munition": table["munition"],
            **_paired_columns(table, a, b),
            "n": table["n"],
        }
    )


# -- the page ---------------------------------------------------------------------------


def where_it_went(parts: pd.DataFrame | None, labels: Labels | None = None) -> list[str]:
    """One sentence per side whose supply differs: where the difference in rounds that
    entered its books went (fired, destroyed, left in stock...), largest share first."""
    if parts is None or parts.empty:
        return []
    sentences = []
    for side, rows in parts.groupby("side", sort=False):
        by_term = rows.set_index("term")
        supplied = by_term.loc["supplied", "mean_diff"] if "supplied" in by_term.index else 0
        if not supplied:
            continue
        shares = by_term.loc[[t for t in BALANCE if t in by_term.index], "share_of_supplied_diff"]
        shown = shares[shares.abs() >= 0.01].sort_values(key=abs, ascending=False)
        more = "more" if supplied > 0 else "fewer"
        listed = "; ".join(f"{_TERMS[t]} {100 * share:+.0f} %" for t, share in shown.items())
        sentences.append(
            f"{(labels or Labels()).side(side)}: {format_number(abs(supplied))} {more} rounds "
            "entered its books over the "
            f"window; as shares of that difference: {listed}."
        )
    return sentences


_TERMS = {
    "fired": "fired",
    "launched": "launched at enemy depots",
    "destroyed": "destroyed in depots",
    "interdicted": "seized on the way",
    "discarded": "discarded from the legacy reserve",
    "rework_discarded": "discarded in rework",
    "stock_built": "left in stock",
}


BOUGHT = ("ground_net_km2", "casualties_inflicted", "casualties_suffered", "tubes_lost")
"""The outcomes the answer names (the rest are in the table): ground, people, guns."""


def what_it_buys(consequences: pd.DataFrame | None, labels: Labels | None = None) -> list[str]:
    """The outcomes of ``BOUGHT`` whose paired interval excludes zero, one clause each,
    per side."""
    if consequences is None or consequences.empty:
        return []
    clear = consequences[
        consequences["metric"].isin(BOUGHT)
        & ((consequences["ci_low"] > 0) | (consequences["ci_high"] < 0))
    ]
    sentences = []
    for side, rows in clear.groupby("side", sort=False):
        clauses = [
            f"{row.meaning} {'+' if row.mean_diff > 0 else '−'}"
            f"{format_number(abs(row.mean_diff))} {row.unit}".rstrip()
            for row in rows.itertuples()
        ]
        sentences.append(f"{(labels or Labels()).side(side)}: " + "; ".join(clauses) + ".")
    return sentences


APPENDIX_FIGURE = "forest_by_munition"  # the long forest: every headline metric by munition

INTERVALS_SEEDS = (
    "The intervals measure run-to-run randomness only (strikes, demand, production noise, "
    "seizures, drawn alike in both variants). They do not cover what the sources disagree "
    "on, such as rounds per container or dud rates: munsim compare --uncertainty N samples "
    "the scenario's [[uncertainties]] for that. Neither covers the model's structure."
)
INTERVALS_ACROSS = (
    "The 90 % ranges across the samples cover the scenario's declared uncertain inputs over "
    "their sourced ranges; the 95 % intervals at the scenario's own values cover "
    "run-to-run randomness only. Neither covers the model's structure."
)


def _compared(tables: dict[str, Any]) -> list[str]:
    """What was run, in plain words: scenario, dates, variants, replications."""
    info = tables["manifest"]
    comparison = comparison_info(tables)
    start, days = run_dates(info)
    scenario = next(iter(info["resolved_parameters"].values()))["scenario"]
    described = scenario.get("description", "").rstrip(".")
    lines = [f"Scenario {info['scenario']}" + (f" ({described})" if described else "")
             + f": {days} days from {start:%d %B %Y}."]  # fmt: skip
    if comparison:
        window = comparison.get("window")
        if window:
            lines.append(f"The metrics cover {window[0]} to {window[1]}.")
        lines.append(
            f"{comparison['reps']} replications of each variant, run in one batch. "
            "Replication r of every variant uses the same random seed (common random "
            "numbers), so each difference A − B is measured replication by replication; "
            "the intervals are 95 % t-intervals of the mean of those differences."
        )
    else:
        reps = len(info.get("replication_seeds", []))
        lines.append(f"Variant(s) {', '.join(info['variants'])}; {reps} replications.")
    return lines


def _definitions() -> str:
    rows = pd.DataFrame(
        {
            "metric": list(METRICS),
            "unit": [METRIC_UNITS[m] for m in METRICS],
            "meaning": list(METRICS.values()),
        }
    )
    return table_html(rows)


def _blocks(
    names: list[str], table: pd.DataFrame | None, show: Callable[[pd.DataFrame, str], str]
) -> str:
    """``show`` of each comparison's rows (``A − B`` headed where several are compared)."""
    if table is None or table.empty:
        return ""
    several = len(names) > 2
    parts = []
    for b in names[1:]:
        mine = _rows_against(table, b)
        assert mine is not None
        heading = f"<h3>{escape(names[0])} − {escape(b)}</h3>" if several else ""
        parts.append(heading + show(mine, b))
    return "".join(parts)


def report_html(
    tables: dict[str, Any],
    figures: dict[str, tuple[str, bytes]],
    folded: list[str] | None = None,
    vectors: tuple[str, ...] = (),
) -> str:
    """The whole report as one HTML page: the answer and what drives it first, then what
    shapes it, the figures, short tables, and an appendix of long tables and provenance."""
    info = tables["manifest"]
    comparison = comparison_info(tables)
    paired = tables.get("paired")
    names = compared_variants(comparison) if comparison else list(info["variants"])
    labels = Labels.from_manifest(info)
    named = [labels.variant(name) for name in names]
    title = f"{info['scenario']}: {named[0]} vs {', '.join(named[1:])}" if comparison else (
        f"{info['scenario']}: {', '.join(named)}"
    )  # fmt: skip
    page = Document(title)
    compared = comparison and paired is not None and not paired.empty
    parts, consequences = tables.get("decomposition"), tables.get("consequences")
    if compared:
        page.section("The answer")
        across = across_headline(tables)
        page.headline(across)
        own = headline(paired, *metric_dates(info), labels)
        if across:
            own = ["At the scenario's own values: " + s for s in own]
        page.headline(own)
        went = where_it_went(_rows_against(parts, names[1]), labels)
        bought = what_it_buys(_rows_against(consequences, names[1]), labels)
        if went or bought:
            page.section(f"What drives it ({labels.pair(names[0], names[1])})", 3)
            page.items(went + [f"What it buys, {s}" for s in bought])
    page.section("What shapes it").items(_compared(tables) + assumptions(info))
    if compared:
        page.text(INTERVALS_ACROSS if across else INTERVALS_SEEDS)
    page.section("Figures").items(folded or [])
    for stem, (caption, png) in figures.items():
        if not stem.startswith(APPENDIX_FIGURE):
            page.figure(stem, caption, png, vectors)
    if compared:
        page.section("Tables")
        page.section("Paired differences, the brief's metrics", 3)
        page.markup(_blocks(names, paired, lambda t, _: table_html(paired_for_display(
            t[t["munition"] == ALL_MUNITIONS], list(BRIEF_METRICS)))))  # fmt: skip
        page.text(
            "A − B per replication, averaged, for each side's munitions together. Every "
            "metric, by munition, is in paired.csv and in the appendix."
        )
    if comparison and parts is not None and not parts.empty:
        page.section("Where the difference went", 3).text(
            "Per side over the metrics' window: the difference in rounds that entered the "
            "side's books (produced, or handed over by foreign suppliers) equals, in every "
            "replication, the differences in rounds fired, destroyed, interdicted, "
            "discarded and in stock built. Then the guns. Also in decomposition.csv."
        )
        page.markup(_blocks(names, parts, lambda t, _: table_html(decomposition_for_display(t))))
    if comparison and consequences is not None and not consequences.empty:
        page.section("What the difference buys, on both sides", 3)
        page.markup(_blocks(names, consequences, lambda t, b: table_html(
            consequences_for_display(t, {"variant_a": names[0], "variant_b": b}))))  # fmt: skip
        page.markup(OUTCOME_MODEL)
    bargain = tables.get("bargain")
    if bargain is not None and not bargain.empty:
        page.section("The bargain: what the suppliers were paid, by year", 3)
        page.table(bargain_for_display(bargain, names)).markup(BARGAIN_TEXT)
    crossings = first_crossings(tables["summary"], run_dates(info)[0])
    if not crossings.empty:
        page.section("When the front first falls below 3 days of supply", 3).table(crossings)
    page.section("Appendix")
    for stem, (caption, png) in figures.items():
        if stem.startswith(APPENDIX_FIGURE):
            page.figure(stem, caption, png, vectors)
    page.markup(across_tables_html(tables))
    if compared and paired is not None:
        page.appendix(
            f"All paired differences ({len(paired)} rows, also in paired.csv)",
            _blocks(names, paired, lambda t, _: table_html(paired_for_display(t))),
        )
    page.appendix("Metric definitions", _definitions())
    page.section("Provenance", 3).facts(provenance(info))
    return page.render()


# -- writing ----------------------------------------------------------------------------


def draw_run(folder: str | Path, tables: dict[str, Any], progress: bool | None = None) -> None:
    """Write ``figures/`` (each figure as PNG, SVG and PDF) and ``report.html`` into
    ``folder`` from the tables."""
    folder = Path(folder)
    figures = {}
    for stem, caption, figure in each_figure(tables, progress):
        png, *_ = style.save(figure, folder / "figures", stem)
        figures[stem] = (caption, png.read_bytes())
    page = report_html(tables, figures, folded(tables), style.VECTOR_FORMATS)
    (folder / "report.html").write_text(page, encoding="utf-8")


def write_comparison(
    comparison: Comparison,
    out_dir: str | Path,
    *,
    started: str,
    finished: str,
    command: str | None = None,
    progress: bool | None = None,
    label: str | None = None,
) -> Path:
    """Write a comparison's run folder atomically: tables, ``paired.csv``,
    ``decomposition.csv``, ``outcomes.csv``, ``consequences.csv``, ``bargain.csv``,
    figures, report."""
    command = command or " ".join(sys.argv)
    tables = comparison.tables
    info = manifest(tables, command=command, started=started, finished=finished)

    def extra(folder: Path) -> None:
        comparison.paired.to_csv(folder / "paired.csv", index=False)
        contents = {
            "manifest": info,
            "summary": tables.summary,
            "timeseries": tables.timeseries,
            "front": tables.front,
            "payments": tables.payments,
            "suppliers": tables.suppliers,
            "paired": comparison.paired,
        }
        bargain = bargain_by_year(contents)  # write_run writes it as bargain.csv
        if not bargain.empty:
            contents["bargain"] = bargain
        if comparison.decomposition is not None:
            comparison.decomposition.to_csv(folder / "decomposition.csv", index=False)
            contents["decomposition"] = comparison.decomposition
        if comparison.consequences is not None:
            comparison.consequences.to_csv(folder / "consequences.csv", index=False)
            contents["consequences"] = comparison.consequences
        if comparison.across is not None:
            contents |= write_across(folder, comparison.across)
        draw_run(folder, contents, progress)

    return write_run(
        tables,
        out_dir,
        command_name="compare",
        command=command,
        started=started,
        finished=finished,
        extra=extra,
        label=label,
    )


def redraw(folder: str | Path, progress: bool | None = None) -> Path:
    """Draw a run folder's figures and report again from its tables, replacing the old ones.

    The new files are drawn aside first, so a failure leaves the old ones in place.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError(str(folder), "", "no such run folder")
    try:
        tables = read_run(folder)
    except FileNotFoundError:
        raise ScenarioError(str(folder), "", "not a run folder (no manifest.json)") from None
    if not {"timeseries", "paired", "check"} & set(tables):
        raise ScenarioError(
            str(folder), "", "nothing to draw: no timeseries.parquet, paired.csv or check.csv"
        )
    staging = Path(tempfile.mkdtemp(prefix=".redraw.", dir=folder))
    try:
        if "check" in tables:
            draw_check(staging, tables)
        else:
            draw_run(staging, tables, progress)
        old = folder / ".figures.old"
        if (folder / "figures").exists():
            os.rename(folder / "figures", old)
        os.rename(staging / "figures", folder / "figures")
        os.replace(staging / "report.html", folder / "report.html")
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder
