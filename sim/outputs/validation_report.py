"""What a check writes beyond its table: the validation figure (every checkpoint's
published range against the model's bands, in time order) and, across the uncertainty,
the predictive tables and the lines the command prints.

Example:
    >>> from sim.experiments.validation import check  # doctest: +SKIP
    >>> figure = plot_validation(check(scenario, reps=4).table)  # doctest: +SKIP
    >>> save(figure, folder, "validation")  # png, svg and pdf  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.experiments.predictive import PredictiveCheck
from sim.experiments.validation import score_lines
from sim.outputs.assumptions import assumptions
from sim.outputs.document import Document, provenance, table_html
from sim.outputs.labels import Labels
from sim.outputs.style import GRID, new_figure, save, styled

LIMITS = (1 / 30, 30.0)  # the figure's x range, model ÷ published middle
STYLES = {  # band: (label, colour, vertical offset)
    "seeds": ("model, seeds alone (5–95 %)", "#222222", 0.0),
    "prior": ("model across the uncertainty (90 %)", "#1f77b4", 0.22),
    "posterior": ("after calibration on the in-sample checkpoints (90 %)", "#d95f02", -0.22),
}


def _ratio(values: np.ndarray, middle: np.ndarray) -> np.ndarray:
    """Value ÷ middle, clipped to the axis: NaN where there is no value (or no positive
    middle), the left edge for a value of 0 or less."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(middle > 0, values / middle, np.nan)
    return np.clip(np.where(np.isnan(ratio) | (ratio > 0), ratio, 0.0), *LIMITS)


MARKS = {"in": "", "out": " †", "shared": " ‡"}  # a row's label, by its sample


def row_label(row: Any, labels: Labels) -> str:
    """A checkpoint's row: its id, then the side (and munition) by name, and its mark."""
    side, munition = (getattr(row, key, "") for key in ("side", "munition"))
    munition = munition if isinstance(munition, str) else ""  # read back from CSV: NaN
    named = labels.side(side) if isinstance(side, str) and side else ""
    if munition:
        named += f", {labels.munition(munition, width=24)}"
    return f"{row.checkpoint} ({named}){MARKS[row.sample]}" if named else (
        f"{row.checkpoint}{MARKS[row.sample]}"
    )  # fmt: skip


@styled
def plot_validation(
    table: pd.DataFrame,
    bands: pd.DataFrame | None = None,
    calibration_end: str | None = None,
    variant: str = "baseline",
    labels: Labels | None = None,
) -> Figure:
    """One row per checkpoint in time order (by the end of its window): its published
    range and the model's bands, each divided by the middle of the range, on a log scale
    (a value of 0 or less at the left edge, marked ◀; no value: not drawn). Rows are
    marked † out-of-sample and ‡ after the cut-off with a source shared with an input;
    input checkpoints are grey."""
    labels = labels or Labels()
    rows = table.sort_values(["end_date", "start_date"], kind="stable").reset_index(drop=True)
    middle = ((rows["low"] + rows["high"]) / 2).to_numpy(dtype=np.float64)
    figure = new_figure(9.0, 2.0 + 0.24 * len(rows))
    axes = figure.add_subplot()
    y = -np.arange(len(rows), dtype=np.float64)
    low, high = _ratio(rows["low"].to_numpy(), middle), _ratio(rows["high"].to_numpy(), middle)
    axes.hlines(y, low, high, color="#bbbbbb", linewidth=7, label="published range")
    drawn = {"seeds": (rows["p05"], rows["median"], rows["p95"])}
    if bands is not None:
        found = bands.set_index("checkpoint").loc[rows["checkpoint"]]
        for label in ("prior", "posterior"):
            drawn[label] = tuple(found[f"{label}_p{q}"] for q in ("05", "50", "95"))
    for label, (p05, p50, p95) in drawn.items():
        name, colour, offset = STYLES[label]
        ratios = [_ratio(np.asarray(v, dtype=np.float64), middle) for v in (p05, p50, p95)]
        if np.isnan(ratios[1]).all():
            continue  # no band of this kind (a posterior of too few samples)
        axes.hlines(y + offset, ratios[0], ratios[2], color=colour, linewidth=1.6)
        edge = ratios[1] <= LIMITS[0]
        axes.plot(ratios[1][~edge], (y + offset)[~edge], "o", color=colour, markersize=3.5,
                  label=name)  # fmt: skip
        axes.plot(ratios[1][edge], (y + offset)[edge], "<", color=colour, markersize=4)
    axes.set_xscale("log")
    axes.set_xlim(*LIMITS)
    axes.axvline(1.0, color="#888888", linewidth=0.6, linestyle=":")
    axes.set_yticks(y)
    axes.set_yticklabels([row_label(row, labels) for row in rows.itertuples()], fontsize=7)
    for tick, kind in zip(axes.get_yticklabels(), rows["kind"], strict=True):
        tick.set_color("#888888" if kind == "input" else "#000000")
    after = np.flatnonzero(rows["sample"].to_numpy() != "in")
    if calibration_end and after.size and after[0] > 0:
        boundary = y[after[0]] + 0.5
        axes.axhline(boundary, color="#d95f02", linewidth=0.8, linestyle="--")
        axes.text(0.99, boundary,  # inside the axes, just above the line, at the right
                  f"calibration cut-off ({calibration_end}); below it † out-of-sample, "
                  "‡ source shared with an input", transform=axes.get_yaxis_transform(),
                  fontsize=7, color="#d95f02", va="bottom", ha="right")  # fmt: skip
    axes.set_ylim(y[-1] - 0.8, 0.8)
    axes.set_xlabel("value ÷ middle of the published range (log scale; clipped at the edges)")
    axes.grid(True, axis="x", color=GRID, linewidth=0.6)
    handles, names = axes.get_legend_handles_labels()
    handles.append(Line2D([], [], color="#888888", linestyle="none", marker="$a$"))
    names.append("grey label: an input checkpoint (a count the scenario was built from)")
    figure.legend(handles, names, loc="outside lower center", ncols=2, fontsize=7,
                  frameon=False)  # fmt: skip
    axes.set_title(
        f"Every checkpoint against the model, {labels.variant_with_id(variant)}, in time order",
        fontsize=10,
    )
    return figure


def _count(found: dict[str, Any], label: str) -> str:
    return f"{found[f'{label}_covered']} of {found['checkpoints']}"


def predictive_lines(predictive: PredictiveCheck) -> list[str]:
    """What ``check --uncertainty`` prints after the table: coverage and interval score,
    the calibration, the effect under prior and posterior, the inputs it moves most."""
    return across_lines(predictive.settings, predictive.effects, predictive.inputs)


def across_lines(
    settings: dict[str, Any], effects: pd.DataFrame, inputs: pd.DataFrame
) -> list[str]:
    """``predictive_lines`` from what a check's folder keeps: the settings (in the
    manifest), ``effects.csv`` and ``posterior.csv``."""
    scores = settings["scores"]
    calibration = settings["calibration"]
    every = scores["all"]
    lines = [
        f"across {settings['samples']} samples × {settings['reps']} seed"
        f"{'s' if settings['reps'] > 1 else ''}: the model's 90 % band holds the middle of "
        f"the published range for {_count(every, 'prior')} behaviour checkpoints; mean "
        f"interval score {every['prior_interval_score_mean']:.2f} (in units of the middle; "
        "lower is better)"
    ]
    parts = [
        f"{name}: {_count(scores[key], 'prior')}"
        for key, name in (("in", "in-sample"), ("out", "out-of-sample"),
                          ("shared", "shared source"))
        if key in scores
    ]  # fmt: skip
    if len(parts) > 1:
        lines.append("; ".join(parts))
    posterior = calibration["accepted"] > 0
    if not posterior:
        lines.append(
            f"calibration: fewer than {calibration['min_accepted']} samples would be kept, so "
            "no posterior is reported (give more samples or a larger --accept)"
        )
    else:
        lines.append(
            f"calibration ({calibration['method']}): {calibration['accepted']} of "
            f"{settings['samples']} samples kept, on {calibration['checkpoints_used']} "
            "checkpoints"
        )
    if posterior and "out" in scores:
        out = scores["out"]
        lines.append(
            f"out-of-sample after calibration: the band holds {_count(out, 'posterior')} "
            f"(before: {_count(out, 'prior')}); mean interval score "
            f"{out['posterior_interval_score_mean']:.2f} (before: "
            f"{out['prior_interval_score_mean']:.2f})"
        )
    for row in effects.itertuples():
        line = (
            f"effect on {row.output} ({row.variant_a} − {row.variant_b}): prior median "
            f"{row.prior_p50:,.0f} (90 %: {row.prior_p05:,.0f} to {row.prior_p95:,.0f})"
        )
        if posterior:
            line += (
                f"; posterior {row.posterior_p50:,.0f} ({row.posterior_p05:,.0f} to "
                f"{row.posterior_p95:,.0f})"
            )
        lines.append(line)
    moved = inputs[inputs["shift"].notna()].head(3)
    if posterior and len(moved):
        lines.append(
            "inputs the record moves most (median, prior → posterior): "
            + "; ".join(
                f"{row.uncertainty} {row.prior_p50:,.4g} → {row.posterior_p50:,.4g}"
                for row in moved.itertuples()
            )
        )
    return lines


def write_predictive(folder: Path, predictive: PredictiveCheck) -> None:
    """``predictive.csv``, ``posterior.csv``, ``effects.csv`` and ``samples.parquet``."""
    predictive.bands.to_csv(folder / "predictive.csv", index=False)
    predictive.inputs.to_csv(folder / "posterior.csv", index=False)
    predictive.effects.to_csv(folder / "effects.csv", index=False)
    named = {"distance": "abc_distance", "accepted": "abc_accepted"}
    samples = predictive.run.samples.merge(predictive.distances.rename(columns=named), on="sample")
    samples.to_parquet(folder / "samples.parquet", index=False)


CHECK_CAPTION = (
    "Every checkpoint in time order: the published range (grey bar) and the model's 5–95 % "
    "band and median, each divided by the middle of the range, on a log scale. Grey labels "
    "are input checkpoints (counts the scenario was built from); † out-of-sample, ‡ after "
    "the cut-off with a source shared with an input."
)
BANDS_COVER = (
    "The model's band over replications covers run-to-run randomness only; across the "
    "uncertainty (check --uncertainty N) the bands also cover the declared uncertain "
    "inputs. A hit is a model median inside the published range; the baselines are what "
    "simple rules (such as a constant) would score on the same checkpoints."
)


def checkpoints_for_display(table: pd.DataFrame) -> pd.DataFrame:
    """The checkpoint table for reading: window, model median and band, range, score."""
    rows = table.sort_values(["end_date", "start_date"], kind="stable")
    score = np.where(rows["hit"], "hit", np.where(rows["overlap"], "miss (bands overlap)", "miss"))
    return pd.DataFrame(
        {
            "checkpoint": rows["checkpoint"],
            "kind": rows["kind"],
            "window": rows["start_date"].astype(str) + " to " + rows["end_date"].astype(str),
            "model median": rows["median"],
            "model 5 %": rows["p05"],
            "model 95 %": rows["p95"],
            "published low": rows["low"],
            "published high": rows["high"],
            "score": score,
        }
    )


def check_report(tables: dict[str, Any], png: bytes, vectors: tuple[str, ...] = ()) -> Document:
    """The report of a check folder, from its tables: the scores first, what shapes them,
    the figure, the checkpoints, then sources and provenance."""
    info = tables["manifest"]
    table = tables["check"]
    check = info.get("check") or {}
    variant = info["variants"][0]
    page = Document(f"{info['scenario']} ({variant}) against the published record")
    page.section("The answer").headline(score_lines(table, check.get("calibration_end")))
    settings = check.get("uncertainty")
    if settings and "effects" in tables and "posterior" in tables:
        page.headline(across_lines(settings, tables["effects"], tables["posterior"]))
    page.section("What shapes it").items([BANDS_COVER, *assumptions(info)])
    page.section("Figures").figure("validation", CHECK_CAPTION, png, vectors)
    page.section("Tables").table(checkpoints_for_display(table), "Also in check.csv.")
    page.section("Appendix")
    cited = table[["checkpoint", "source"]] if "source" in table else pd.DataFrame()
    page.appendix("Sources of the published ranges", table_html(cited) if len(cited) else "")
    found = tables.get("provenance")
    if found is not None and not found.empty:
        page.appendix("Inputs informed after the cut-off (provenance.csv)", table_html(found))
    page.section("Provenance", 3).facts(provenance(info))
    return page


def draw_check(folder: Path, tables: dict[str, Any]) -> None:
    """Write a check folder's ``figures/validation.{png,svg,pdf}`` and ``report.html``
    from its tables (``manifest``, ``check``, and across the uncertainty
    ``predictive``, ``effects``, ``posterior``)."""
    info = tables["manifest"]
    check = info.get("check") or {}
    figure = plot_validation(
        tables["check"], tables.get("predictive"), check.get("calibration_end"),
        info["variants"][0], Labels.from_manifest(info),
    )  # fmt: skip
    png, *vectors = save(figure, folder / "figures", "validation")
    report = check_report(tables, png.read_bytes(), tuple(p.suffix[1:] for p in vectors))
    report.write(folder / "report.html")
