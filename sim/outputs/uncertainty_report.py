"""A comparison across the uncertainty in its run folder: tables, headline, fan charts.

Written beside everything ``compare`` writes: ``samples.parquet`` (a row per sample ×
replication × variant: the sampled inputs by dotted path, the outputs and their paired
difference to the first variant, ``diff.NAME``), ``uncertainty.csv`` (the effects'
quantiles over the samples), ``drivers.csv`` (SALib's indices of each effect),
``fan.csv`` (monthly bands), ``robustness.csv`` and, for a named case, ``discovery.csv``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.experiments.sensitivity import ranking
from sim.outputs.document import number
from sim.outputs.labels import Labels
from sim.outputs.style import GRID, PALETTE, date_axis, new_figure, styled

TABLES = ("uncertainty", "drivers", "fan", "robustness", "discovery")
DRIVER_LABELS = {"spearman": "ρ", "delta": "δ", "ST": "ST"}  # lhs: ρ (and δ); sobol: ST
SHOWN_DRIVERS = 3


def write_across(folder: Path, across: Any) -> dict[str, Any]:
    """Write the tables into ``folder``; returns them by name, as ``read_run`` would."""
    from sim.outputs.results import write_parquet

    write_parquet(across.samples, folder / "samples.parquet")
    tables = {
        "samples": across.samples,
        "uncertainty": across.effects,
        "drivers": across.drivers,
        "fan": across.fan,
        "robustness": across.robustness,
    }
    if across.discovery is not None:
        found = across.discovery
        limits = found.limits.assign(
            case=str(found.case), variant=found.variant, samples=found.samples,
            in_case=found.in_case, coverage=found.coverage, density=found.density,
            mass=found.mass,
        )  # fmt: skip
        tables["discovery"] = limits
    for name in TABLES:
        if name in tables:
            tables[name].to_csv(folder / f"{name}.csv", index=False)
    return tables


def _settings(tables: dict[str, Any]) -> dict[str, Any] | None:
    return (tables["manifest"].get("comparison") or {}).get("uncertainty")


def driver_index(settings: dict[str, Any]) -> str:
    """The index the drivers are ranked by: delta (lhs samples) or ST (sobol)."""
    return str(settings["analysis"]["headline_index"])


def top_drivers(
    drivers: pd.DataFrame, output: str, index: str, count: int = SHOWN_DRIVERS
) -> pd.DataFrame:
    """The inputs with the largest ``index`` for ``output`` (parameter, value, conf)."""
    return ranking(drivers, output, index).head(count)


def across_headline(tables: dict[str, Any]) -> list[str]:
    """One sentence per side and variant: the median effect on fire per day and its 90 %
    range over the samples, the seeds-only width, and the inputs that drive it most."""
    settings = _settings(tables)
    effects = tables.get("uncertainty")
    if settings is None or effects is None or effects.empty:
        return []
    drivers = tables.get("drivers", pd.DataFrame(columns=["output", "index"]))
    sentences = []
    inputs = len(settings["uncertainties"])
    several = len(settings["variants"]) > 2
    for row in effects.itertuples():
        kind, _, side = row.output.partition(".")
        if kind != "fire_per_day":
            continue
        effective = effects[
            (effects["output"] == f"effective_fire_per_day.{side}")
            & (effects["variant_b"] == row.variant_b)
        ]
        label = f"diff.{row.output}" + (f":{row.variant_b}" if several else "")
        index = driver_index(settings)
        top = top_drivers(drivers, label, index)
        named = ", ".join(
            f"{d.parameter} ({DRIVER_LABELS.get(index, index)} {d.value:+.2f} ± {d.conf:.2f})"
            for d in top.itertuples()
            if np.isfinite(d.value)
        )
        more = "more" if row.diff_p50 >= 0 else "fewer"
        sentence = (
            f"Across {settings['samples']} samples of the scenario's {inputs} uncertain "
            f"inputs ({settings['reps']} replication{'s' if settings['reps'] > 1 else ''} "
            "each, paired by sample and seed), with "
            f"{row.variant_a} rather than {row.variant_b} {side} fires a median "
            f"{number(abs(row.diff_p50))} {more} rounds a day; in 90 % of the samples the "
            f"difference lies between {number(row.diff_p05)} and {number(row.diff_p95)}"
            + (
                f" (run-to-run randomness alone moves it by ±{number(row.seed_half_width_median)} "
                "within a sample)."
                if np.isfinite(row.seed_half_width_median)
                else "."
            )
        )
        if not effective.empty:
            e = effective.iloc[0]
            sentence += (
                f" After duds: a median {number(e['diff_p50'])} ({number(e['diff_p05'])} to "
                f"{number(e['diff_p95'])})."
            )
        if named:
            sentence += f" What moves it most: {named}."
        sentences.append(sentence)
    return sentences


def figure_plan(tables: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Fan charts per side and the drivers of each side's effect: stem → (caption, draw)."""
    from functools import partial

    settings = _settings(tables)
    fan = tables.get("fan")
    if settings is None or fan is None or fan.empty:
        return {}
    plan: dict[str, tuple[str, Any]] = {}
    variants = settings["variants"]
    labels = Labels.from_manifest(tables["manifest"])
    for side in dict.fromkeys(fan["side"]):
        plan[f"fan_fire_per_day_{side}"] = (
            f"{side}: fire per day, each month, across the {settings['samples']} samples of "
            "the uncertain inputs: median line, bands holding 50 % and 90 % of the samples "
            f"(each the mean of its replications). Right: the paired difference {variants[0]} "
            "less each other variant, sample by sample.",
            partial(plot_fan, fan, side, "mean_daily_fire", variants, labels),
        )
        drivers = tables.get("drivers")
        if drivers is not None and not drivers.empty:
            several = len(variants) > 2
            label = f"diff.fire_per_day.{side}" + (f":{variants[1]}" if several else "")
            if (drivers["output"] == label).any():
                index = driver_index(settings)
                meaning = (
                    "Spearman's rank correlation ρ of each uncertain input with the effect "
                    "(above 0: the effect grows with the input; drivers.csv also has "
                    "SALib's moment-independent δ)"
                    if index == "spearman"
                    else "the total Sobol index ST of each uncertain input (SALib)"
                )
                plan[f"drivers_{side}"] = (
                    f"{side}: what drives the effect of {variants[0]} rather than {variants[1]} "
                    f"on fire per day: {meaning}, with its 95 % bootstrap interval.",
                    partial(plot_drivers, drivers, label, index),
                )
    return plan


@styled
def plot_fan(
    fan: pd.DataFrame,
    side: str,
    metric: str,
    variants: list[str],
    labels: Labels | None = None,
) -> Figure:
    """Two panels: each variant's monthly bands, and the paired difference's."""
    labels = labels or Labels()
    figure = new_figure(11, 4.2)
    left, right = figure.subplots(1, 2)
    rows = fan[(fan["side"] == side) & (fan["metric"] == metric)]
    colours = PALETTE[:4]
    for axes, series in ((left, variants), (right, [f"diff.{v}" for v in variants[1:]])):
        for i, name in enumerate(series):
            band = rows[rows["series"] == name]
            when = pd.to_datetime(band["month"]) + pd.Timedelta(days=14)  # mid-month
            colour = colours[i % len(colours)] if axes is left else colours[(i + 1) % 4]
            axes.fill_between(when, band["p05"], band["p95"], color=colour, alpha=0.15, lw=0)
            axes.fill_between(when, band["p25"], band["p75"], color=colour, alpha=0.3, lw=0)
            other = name.removeprefix("diff.")
            label = labels.variant(name) if axes is left else labels.pair(variants[0], other)
            axes.plot(when, band["p50"], color=colour, lw=1.5, label=label)
        axes.grid(color=GRID, linewidth=0.6)
        axes.legend(loc="upper left")
        axes.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    right.axhline(0, color="black", lw=0.8, ls=":")
    left.set_ylabel("rounds per day (month's mean)")
    left.set_title(f"{labels.side(side)}: fire per day across the uncertainty")
    right.set_title("paired difference")
    for axes in (left, right):
        date_axis(axes)
    return figure


@styled
def plot_drivers(drivers: pd.DataFrame, output: str, index: str) -> Figure:
    """The inputs' ``index`` for ``output``, largest on top, with intervals."""
    rows = ranking(drivers, output, index).iloc[::-1]
    figure = new_figure(8, 0.3 * len(rows) + 1.2)
    axes = figure.subplots()
    place = np.arange(len(rows))
    axes.barh(place, rows["value"], xerr=rows["conf"], color=PALETTE[0], alpha=0.8)
    axes.set_yticks(place, rows["parameter"], fontsize=8)
    axes.set_xlabel(
        {
            "spearman": "Spearman's ρ with the effect (rank correlation)",
            "delta": "δ (moment-independent sensitivity)",
        }.get(index, "ST (total Sobol index)")
    )
    if index == "spearman":
        axes.axvline(0, color="black", lw=0.8)
    axes.set_title(output, fontsize=10)
    axes.grid(axis="x", color=GRID, linewidth=0.6)
    return figure


def across_tables_html(tables: dict[str, Any]) -> str:
    """The report's tables across the uncertainty: the effects' quantiles, robustness,
    where a named case happens, and the uncertain inputs (its sentences are
    ``across_headline``)."""
    settings = _settings(tables)
    effects = tables.get("uncertainty")
    if settings is None or effects is None:
        return ""
    e = html.escape
    parts = ["<h3>Across the uncertainty</h3>"]
    shown = effects[["variant_a", "variant_b", "output", "a_p50", "b_p50", "diff_p05",
                     "diff_p25", "diff_p50", "diff_p75", "diff_p95",
                     "seed_half_width_median"]]  # fmt: skip
    parts.append(
        "<p>Each sample's value is the mean of its replications; p05 to p95 holds 90 % of "
        "the samples. The seeds-only half-width is the median, over the samples, of the "
        "95 % interval's half-width from the replications of one sample. All in "
        "<code>uncertainty.csv</code>; every member in <code>samples.parquet</code>.</p>"
        + shown.to_html(index=False, border=0, float_format=number)
    )
    robust = tables.get("robustness")
    if robust is not None and not robust.empty:
        parts.append(
            "<h3>Robustness across variants</h3><p>Per variant, over the samples: the "
            "output's spread, and its regret, how far it falls short of the best variant of "
            "the same sample (<code>robustness.csv</code>).</p>"
            + robust.to_html(index=False, border=0, float_format=number)
        )
    found = tables.get("discovery")
    if found is not None and not found.empty:
        first = found.iloc[0]
        parts.append(
            f"<h3>Where {e(str(first['case']))} happens (PRIM)</h3><p>It holds in "
            f"{int(first['in_case'])} of {int(first['samples'])} samples. The box below "
            f"holds {first['coverage']:.0%} of them (coverage); {first['density']:.0%} of the "
            f"samples inside it are in the case (density); it spans {first['mass']:.0%} of "
            "all samples (<code>discovery.csv</code>).</p>"
            + found[["input", "low", "high", "sampled_low", "sampled_high", "qp_value"]].to_html(
                index=False, border=0, float_format=lambda v: f"{v:,.4g}"
            )
        )
    notes = settings.get("analysis", {}).get("notes", [])
    if notes:
        parts.append("<p><i>" + e("; ".join(notes)) + "</i></p>")
    listed = pd.DataFrame(settings["uncertainties"])
    keep = [c for c in ("id", "distribution", "low", "mode", "high", "choices", "scale",
                        "group", "paths", "source") if c in listed.columns]  # fmt: skip
    parts.append(
        "<h3>The uncertain inputs</h3>" + listed[keep].to_html(index=False, border=0, na_rep="")
    )
    return "\n".join(parts)
