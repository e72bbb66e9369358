"""A run's figures and its self-contained ``report.html``, drawn from the tables alone.

``draw_run`` takes the tables of a run folder (as ``sim.read_run`` returns them) and
writes ``figures/*.png`` and ``report.html`` (figures embedded as base64 PNG, no
external assets, so it opens offline and can be mailed on). ``write_comparison`` writes
a whole comparison folder; ``redraw`` draws an existing folder again.

Example:
    >>> import sim
    >>> from sim.outputs.report import write_comparison
    >>> result = sim.compare("scenarios/tutorial.toml", reps=10, seed=1)  # doctest: +SKIP
    >>> folder = write_comparison(result, "runs", started="", finished="")  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from tqdm import tqdm

from sim.engine.metrics import ALL_MUNITIONS, HEADLINE_METRICS, METRIC_UNITS, METRICS, NEVER
from sim.experiments.compare import Comparison
from sim.outputs.bargain import bargain_by_year, bargain_for_display
from sim.outputs.plotting import (
    plot_cumulative_imports,
    plot_fire_per_day,
    plot_forest,
    plot_front,
    plot_paired_difference,
    plot_stocks_by_tier,
)
from sim.outputs.results import manifest, read_run, write_run
from sim.outputs.uncertainty_report import across_headline, across_html, write_across
from sim.outputs.uncertainty_report import figure_plan as across_figures
from sim.scenario.errors import ScenarioError

HEADLINE_METRIC = "mean_daily_fire"
FIRST_DAY_METRIC = "first_day_below_3_dos"


# -- what the report says ---------------------------------------------------------------


def format_number(value: float) -> str:
    """A number for a table: thousands separators, few decimals (none for a whole
    number), a dash when missing.

    Example:
        >>> format_number(1234567.8), format_number(-3.14159), format_number(float("nan"))
        ('1,234,568', '-3.14', '—')
        >>> format_number(0.0), format_number(7.0)
        ('0', '7')
    """
    if value is None or not np.isfinite(value):
        return "—"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.3g}"


def comparison_info(tables: dict[str, Any]) -> dict[str, Any]:
    """The ``comparison`` block of the manifest (variants, reps), or ``{}`` for a run."""
    return tables["manifest"].get("comparison") or {}


def compared_variants(comparison: dict[str, Any]) -> list[str]:
    """The variants a comparison compared, the first (A) first."""
    return list(comparison.get("variants") or [comparison["variant_a"], comparison["variant_b"]])


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
        return first + [start_sentence + s for s in headline(comparison.paired, start, days)]
    return headline(comparison.paired, start, days)


def headline(paired: pd.DataFrame, start: dt.date, days: int) -> list[str]:
    """One sentence per side: the effect of A rather than B on fire per day, with its CI."""
    end = start + dt.timedelta(days=days - 1)
    rows = paired[(paired["metric"] == HEADLINE_METRIC) & (paired["munition"] == ALL_MUNITIONS)]
    sentences = []
    for row in rows.itertuples():
        span = f"{row.n} paired replications, {start:%d %b %Y} to {end:%d %b %Y}"
        interval = (
            f"95 % CI {format_number(row.ci_low)} to {format_number(row.ci_high)} rounds per day; "
            f"{span}"
        )
        if row.ci_low == row.ci_high == row.mean_diff == 0:
            sentences.append(
                f"{row.side} fires the same with {row.variant_a} and {row.variant_b}, "
                f"{format_number(row.mean_a)} rounds per day, in every replication ({span})."
            )
            continue
        if not (row.ci_low > 0 or row.ci_high < 0):
            sentences.append(
                f"{row.side} fires {format_number(row.mean_a)} rounds per day with "
                f"{row.variant_a} and {format_number(row.mean_b)} with {row.variant_b}: the "
                f"paired difference, {format_number(row.mean_diff)} rounds per day, is not "
                f"distinguishable from zero ({interval})."
            )
            continue
        more = "more" if row.mean_diff > 0 else "fewer"
        sentences.append(
            f"With {row.variant_a} rather than {row.variant_b}, {row.side} fires "
            f"{format_number(abs(row.mean_diff))} {more} rounds per day on average "
            f"({format_number(row.mean_a)} against {format_number(row.mean_b)}; {interval})."
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
                "" if np.isnan(v) else f"{100 * v:.0f} %" for v in share
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


def _formatted(table: pd.DataFrame) -> pd.DataFrame:
    """A table's numeric columns as the report writes numbers."""
    return table.assign(
        **{c: table[c].map(format_number) for c in table.columns if table[c].dtype.kind == "f"}
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


# -- the figures ------------------------------------------------------------------------


def figure_plan(tables: dict[str, Any]) -> dict[str, tuple[str, Callable[[], Figure]]]:
    """File stem → (caption, function drawing it), for the tables a run folder has."""
    info = comparison_info(tables)
    paired = tables.get("paired")
    series = tables.get("timeseries")
    plan: dict[str, tuple[str, Callable[[], Figure]]] = {}
    variants = compared_variants(info) if info else tables["manifest"]["variants"]
    others = variants[1:] if info else []
    if paired is not None and not paired.empty:
        for b in others:
            mine = paired[paired["variant_b"] == b]
            plan["forest" if len(others) == 1 else f"forest_{b}"] = (
                f"Mean paired difference {variants[0]} − {b} and its 95 % interval for the "
                "headline metrics. A bar that crosses the dotted zero line means no clear "
                "difference.",
                partial(plot_forest, mine),
            )
    plan |= across_figures(tables)
    if series is None:
        return plan
    front = tables.get("front")
    if front is not None and not front.empty:
        plan["front"] = (
            "What the fire bought, in the exchange model (a reduced form of the fire ratio, "
            "not a tactical model): ground taken, net, since the start, and casualties "
            "per day (30-day trailing mean) from the enemy's modelled fire.",
            partial(plot_front, front, variants),
        )
    for side in dict.fromkeys(series["side"]):
        plan[f"fire_per_day_{side}"] = (
            f"{side}: rounds fired per day (7-day trailing mean), median line and band holding "
            "90 % of replications, for each variant.",
            partial(plot_fire_per_day, series, side, variants),
        )
        for b in others:
            stem = f"paired_difference_{side}" + ("" if len(others) == 1 else f"_{b}")
            plan[stem] = (
                f"{side}: the difference {variants[0]} − {b} computed replication by "
                "replication on the same seeds, then summarised across replications. Above "
                "the dotted line, the first variant has more.",
                partial(plot_paired_difference, series, side, variants[0], b),
            )
        plan[f"stocks_by_tier_{side}"] = (
            f"{side}: rounds held at the end of each day in each tier of the supply chain.",
            partial(plot_stocks_by_tier, series, side, variants),
        )
        if series.loc[series["side"] == side, "imports_arrived"].any():
            plan[f"cumulative_imports_{side}"] = (
                f"{side}: imported rounds that have reached a depot since the start.",
                partial(plot_cumulative_imports, series, side, variants),
            )
    return plan


def png_bytes(figure: Figure) -> bytes:
    """A figure as PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def draw_figures(
    tables: dict[str, Any], progress: bool | None = None
) -> dict[str, tuple[str, bytes]]:
    """Every figure of the plan as PNG bytes: stem → (caption, png)."""
    plan = figure_plan(tables)
    show = sys.stderr.isatty() if progress is None else progress
    out = {}
    for stem, (caption, draw) in tqdm(
        plan.items(), desc="figures", unit="figure", disable=not show, leave=False
    ):
        out[stem] = (caption, png_bytes(draw()))
    return out


# -- the page ---------------------------------------------------------------------------

_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #111; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { margin-top: 1.8em; border-bottom: 1px solid #999; }
p.headline { font-size: 1.15em; border-left: 4px solid #111; padding: 0.4em 0.8em;
             background: #f3f3f3; }
table { border-collapse: collapse; font-family: Helvetica, Arial, sans-serif; font-size: 0.82em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; text-align: right; }
th { background: #eee; } td:nth-child(-n+4), th:nth-child(-n+4) { text-align: left; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.9em; color: #333; } code { font-size: 0.9em; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dt { font-weight: bold; } dd { margin: 0; word-break: break-all; }
"""


def _e(value: Any) -> str:
    return html.escape(str(value))


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, escape=True, border=0, na_rep="—")


def _settings(settings: dict[str, Any]) -> str:
    if not settings:
        return "the scenario as written"
    return ", ".join(f"<code>{_e(path)} = {_e(value)}</code>" for path, value in settings.items())


def _compared(tables: dict[str, Any]) -> str:
    info = tables["manifest"]
    comparison = comparison_info(tables)
    start, days = run_dates(info)
    scenario = next(iter(info["resolved_parameters"].values()))["scenario"]
    parts = [
        f"<p>Scenario <b>{_e(info['scenario'])}</b> ({_e(scenario.get('description', ''))}), "
        f"{days} days from {start:%d %B %Y}.</p>"
    ]
    if comparison:
        names = compared_variants(comparison)
        settings = comparison.get("settings", {})
        letters = "ABCDEFGH"
        items = "".join(
            f"<li>Variant {letters[i] if i < len(letters) else i + 1}, <b>{_e(name)}</b>: "
            f"{_settings(settings.get(name, {}))}</li>"
            for i, name in enumerate(names)
        )
        parts.append(
            f"<ul>{items}</ul>"
            f"<p>{comparison['reps']} replications of each variant, run in one batch. "
            "Replication <i>r</i> of A and of B use the same random seed (common random "
            "numbers), so each difference A − B is measured replication by replication; "
            "the intervals are 95 % t-intervals of the mean of those differences.</p>"
        )
    else:
        reps = len(info.get("replication_seeds", []))
        parts.append(f"<p>Variant(s) {_e(', '.join(info['variants']))}; {reps} replications.</p>")
    return "\n".join(parts)


def _provenance(info: dict[str, Any]) -> str:
    seeds = info.get("replication_seeds", [])
    versions = ", ".join(f"{_e(k)} {_e(v)}" for k, v in info.get("versions", {}).items())
    items = {
        "scenario file": f"<code>{_e(info.get('scenario_file'))}</code>",
        "SHA-256": f"<code>{_e(info.get('scenario_sha256'))}</code>",
        "command": f"<code>{_e(info.get('command'))}</code>",
        "master seed": _e(info.get("master_seed")),
        "replication seeds": (
            f"<details><summary>{len(seeds)} seeds, derived from the master seed</summary>"
            f"<code>{_e(', '.join(map(str, seeds)))}</code></details>"
        ),
        "versions": versions,
        "started (UTC)": _e(info.get("started_utc")),
        "finished (UTC)": _e(info.get("finished_utc")),
    }
    return "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items.items()) + "</dl>"


def _definitions() -> str:
    rows = pd.DataFrame(
        {
            "metric": list(METRICS),
            "unit": [METRIC_UNITS[m] for m in METRICS],
            "meaning": list(METRICS.values()),
        }
    )
    return _table(rows)


def report_html(tables: dict[str, Any], figures: dict[str, tuple[str, bytes]]) -> str:
    """The whole report as one HTML page (figures embedded)."""
    info = tables["manifest"]
    comparison = comparison_info(tables)
    paired = tables.get("paired")
    start, _ = run_dates(info)
    names = compared_variants(comparison) if comparison else []
    others = names[1:]

    def heading(b: str) -> str:  # one block a variant compared with the first
        return f"<h3>{_e(names[0])} − {_e(b)}</h3>" if len(others) > 1 else ""

    if comparison:
        title = f"{info['scenario']}: {names[0]} vs {', '.join(others)}"
    else:
        title = f"{info['scenario']}: {', '.join(info['variants'])}"
    body = [f"<h1>{_e(title)}</h1>", "<h2>What was compared</h2>", _compared(tables)]
    if comparison and paired is not None and not paired.empty:
        body.append("<h2>The answer</h2>")
        across = across_html(tables)
        if across:
            body.append(across)
            body.append("<h3>At the scenario's own values</h3>")
        body += [f'<p class="headline">{_e(s)}</p>' for s in headline(paired, *metric_dates(info))]
        body.append("<h2>Paired differences, headline metrics</h2>")
        for b in others:
            mine = _rows_against(paired, b)
            assert mine is not None
            body.append(heading(b) + _table(paired_for_display(mine, list(HEADLINE_METRICS))))
        body.append(
            "<p>A − B per replication, averaged; <i>all</i> = the side's munitions added "
            "together. Every metric is in <code>paired.csv</code> and below.</p>"
            "<p>The intervals measure run-to-run randomness only (strikes, demand, "
            "production noise, seizures, drawn alike in both variants). They do not cover "
            "uncertainty in the scenario's parameters, such as rounds per container or dud "
            "rates: for that, <code>munsim compare --uncertainty N</code> samples the "
            "scenario's <code>[[uncertainties]]</code>.</p>"
        )
    parts = tables.get("decomposition")
    if comparison and parts is not None and not parts.empty:
        body.append(
            "<h2>Where the difference went</h2>"
            "<p>Per side over the metrics' window: the difference in rounds that entered "
            "the side's books (produced, or handed over by foreign suppliers) equals, in "
            "every replication, the differences in rounds fired, destroyed, interdicted, "
            "discarded (from legacy stock and in rework) and in stock built. Then the "
            "guns: rounds the tubes could not fire, the days they limited fire, and tubes "
            "worn out. Also in <code>decomposition.csv</code>.</p>"
        )
        for b in others:
            mine = _rows_against(parts, b)
            assert mine is not None
            body.append(heading(b) + _table(decomposition_for_display(mine)))
    consequences = tables.get("consequences")
    if comparison and consequences is not None and not consequences.empty:
        body.append("<h2>What the difference buys, on both sides</h2>")
        for b in others:
            mine = _rows_against(consequences, b)
            assert mine is not None
            against = {"variant_a": names[0], "variant_b": b}
            body.append(heading(b) + _table(consequences_for_display(mine, against)))
        body.append(OUTCOME_MODEL)
    bargain = tables.get("bargain")
    if bargain is not None and not bargain.empty:
        shown = names or None
        body.append(
            "<h2>The bargain: what the suppliers were paid, by year</h2>"
            + _table(_formatted(bargain_for_display(bargain, shown or list(info["variants"]))))
            + BARGAIN_TEXT
        )
    crossings = first_crossings(tables["summary"], start)
    if not crossings.empty:
        body.append(
            "<h2>When the front first falls below 3 days of supply</h2>" + _table(crossings)
        )
    body.append("<h2>Figures</h2>")
    for stem, (caption, png) in figures.items():
        encoded = base64.b64encode(png).decode("ascii")
        body.append(
            f'<figure><img alt="{_e(stem)}" src="data:image/png;base64,{encoded}">'
            f"<figcaption><b>{_e(stem)}.png</b> — {_e(caption)}</figcaption></figure>"
        )
    if comparison and paired is not None and not paired.empty:
        body.append(
            "<h2>All paired differences</h2><details><summary>show the full table "
            f"({len(paired)} rows)</summary>"
        )
        for b in others:
            mine = _rows_against(paired, b)
            assert mine is not None
            body.append(heading(b) + _table(paired_for_display(mine)))
        body.append("</details>")
    body.append("<h2>Metric definitions</h2><details><summary>show</summary>")
    body.append(_definitions() + "</details>")
    body.append("<h2>Provenance</h2>" + _provenance(info))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
        f"<body>\n{chr(10).join(body)}\n</body></html>\n"
    )


# -- writing ----------------------------------------------------------------------------


def draw_run(folder: str | Path, tables: dict[str, Any], progress: bool | None = None) -> None:
    """Write ``figures/*.png`` and ``report.html`` into ``folder`` from the tables."""
    folder = Path(folder)
    figures = draw_figures(tables, progress)
    (folder / "figures").mkdir(exist_ok=True)
    for stem, (_, png) in figures.items():
        (folder / "figures" / f"{stem}.png").write_bytes(png)
    (folder / "report.html").write_text(report_html(tables, figures), encoding="utf-8")


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
    if "timeseries" not in tables and "paired" not in tables:
        raise ScenarioError(str(folder), "", "nothing to draw: no timeseries.parquet or paired.csv")
    staging = Path(tempfile.mkdtemp(prefix=".redraw.", dir=folder))
    try:
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
