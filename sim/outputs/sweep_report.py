"""Figures and ``report.html`` of a sweep, drawn from its tables alone.

Per output: the sensitivity chart of the method (Morris μ*–σ plane, Sobol S1/ST bars
with intervals, RBD-FAST or main-effect bars) and scatters of the most influential
parameters against the output, one dot per member. The report is one self-contained
HTML file (figures embedded) naming the parameters that matter most.

Example:
    >>> figures = draw_figures(results, sensitivity, manifest, folder / "figures")  # doctest: +SKIP
    >>> write_report(folder / "report.html", manifest, sensitivity, figures)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import EngFormatter

from sim.engine.metrics import METRIC_UNITS
from sim.experiments.outcomes import OUTCOMES
from sim.experiments.sensitivity import ranking
from sim.outputs.document import Document, escape, number
from sim.outputs.style import new_figure, place_labels, save, styled

TOP = 3
LABELLED = 6  # points named on the Morris plane
_LABELS = {
    "mu_star": "μ*",
    "mu": "μ",
    "sigma": "σ",
    "S1": "S1 (first order)",
    "ST": "ST (total)",
    "main_effect": "main-effect share",
    "delta": "δ (moment-independent)",
    "spearman": "ρ (Spearman)",
}


def _file_stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _short(path: str) -> str:
    """A dotted path shortened for an axis label: its last three parts."""
    parts = path.split(".")
    return ".".join(parts[-3:])


def _readable(axis, values) -> None:
    """Large counts of rounds as 250 k, 1.2 M rather than an offset exponent."""
    if pd.Series(values).abs().max() >= 1e4:
        axis.set_major_formatter(EngFormatter(sep=" "))


def _as_plotted(column: pd.Series) -> pd.Series:
    """Dates as dates, categories as text, numbers as they are."""
    present = column.dropna()
    if present.empty or column.dtype.kind in "iuf":
        return column
    if column.dtype.kind == "M" or isinstance(present.iloc[0], dt.date):
        return pd.to_datetime(column)
    return column.astype(str)


@styled
def _index_chart(sensitivity: pd.DataFrame, output: str, method: str, unit: str) -> Figure:
    rows = sensitivity[sensitivity["output"] == output]
    fig = new_figure(7.5, 4.8)
    ax = fig.subplots()
    if method == "morris":
        star = rows[rows["index"] == "mu_star"].set_index("parameter")
        sigma = rows[rows["index"] == "sigma"].set_index("parameter").reindex(star.index)
        ax.errorbar(
            star["value"],
            sigma["value"],
            xerr=star["conf"],
            fmt="o",
            color="black",
            ecolor="grey",
            capsize=3,
        )
        named = star["value"].nlargest(LABELLED).index  # the rest crowd the origin
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.set_xlabel(f"μ*: mean |elementary effect| ({unit} per parameter range)")
        ax.set_ylabel(f"σ of elementary effects ({unit})")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        _readable(ax.xaxis, star["value"])
        _readable(ax.yaxis, sigma["value"])
        ax.set_title(
            f"Morris screening (far right matters most; top {LABELLED} named)\n{output}",
            fontsize=10,
        )
        points = [(star.loc[n, "value"], sigma.loc[n, "value"]) for n in named]
        place_labels(ax, points, [_short(n) for n in named], fontsize=8)  # once laid out
    else:
        indices = [i for i in ("S1", "ST", "main_effect") if i in set(rows["index"])]
        names = list(dict.fromkeys(rows["parameter"]))
        width = 0.8 / len(indices)
        for k, index in enumerate(indices):
            chosen = rows[rows["index"] == index].set_index("parameter").reindex(names)
            positions = [i + (k - (len(indices) - 1) / 2) * width for i in range(len(names))]
            errors = chosen["conf"].where(chosen["conf"].notna(), 0.0)
            ax.barh(
                positions,
                chosen["value"],
                height=width,
                xerr=errors,
                capsize=3,
                label=_LABELS[index],
                color=["0.3", "0.7"][k % 2],
                edgecolor="black",
            )
        ax.set_yticks(range(len(names)), [_short(n) for n in names], fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("share of the output's variance (95 % interval)")
        ax.legend(loc="lower right")
        title = {"sobol": "Sobol indices", "rbd_fast": "RBD-FAST first-order indices"}
        ax.set_title(f"{title.get(method, 'Main-effect shares')}\n{output}", fontsize=10)
    return fig


@styled
def _scatter(results: pd.DataFrame, output: str, parameters: list[str], unit: str) -> Figure:
    fig = new_figure(3.6 * len(parameters), 3.4)
    axes = np.atleast_2d(fig.subplots(1, len(parameters), squeeze=False))
    for ax, name in zip(axes[0], parameters, strict=True):
        ax.scatter(
            _as_plotted(results[name]),
            results[output],
            s=9,
            alpha=0.5,
            color="black",
            linewidths=0,
        )
        _readable(ax.yaxis, results[output])
        _readable(ax.xaxis, results[name] if results[name].dtype.kind in "iuf" else [0])
        ax.set_xlabel(_short(name))
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    axes[0][0].set_ylabel(textwrap.fill(f"{output} ({unit})", 32), fontsize=8)
    fig.suptitle(
        f"{output} against its most influential parameters (one dot per member)", fontsize=10
    )
    return fig


def top_parameters(
    sensitivity: pd.DataFrame, output: str, index: str, count: int = TOP
) -> list[str]:
    """The ``count`` parameters with the largest ``index`` for ``output``."""
    return ranking(sensitivity, output, index)["parameter"].head(count).tolist()


def draw_figures(
    results: pd.DataFrame, sensitivity: pd.DataFrame, manifest: dict, folder: Path
) -> list[Path]:
    """Draw every figure into ``folder`` (PNG, SVG and PDF); returns the PNGs' paths in
    report order."""
    folder.mkdir(parents=True, exist_ok=True)
    analysis = manifest["analysis"]
    ok = results[results["error"].isna()] if "error" in results else results
    paths = []
    columns = manifest.get("columns", {})  # a sampler column → the paths that read it
    for spec in analysed(manifest):
        output = spec["name"]
        if not (sensitivity["output"] == output).any():
            continue
        metric = spec.get("metric", "")
        unit = METRIC_UNITS.get(metric) or OUTCOMES.get(metric, ("", "output units"))[1]
        stem = _file_stem(output)
        chart = _index_chart(sensitivity, output, analysis["method"], unit)
        png, *_ = save(chart, folder, f"{analysis['method']}_{stem}")  # and svg, pdf
        paths.append(png)
        top = top_parameters(sensitivity, output, analysis["headline_index"])
        rows = ok if spec.get("variant") is None else ok[ok["variant"] == spec["variant"]]
        shown = rows.rename(columns={spec["column"]: output})
        drawn = [columns.get(name, [name])[0] for name in top]
        scatter = _scatter(shown, output, drawn, unit)
        png, *_ = save(scatter, folder, f"scatter_{stem}")
        paths.append(png)
    return paths


def analysed(manifest: dict) -> list[dict]:
    """The outputs the sensitivity analysis covers: each output, or its paired difference
    against each variant where variants are compared (``name``, ``column``, ``variant``)."""
    found = manifest["analysis"].get("outputs")
    if found is not None:
        return list(found)
    return [{**o, "column": o["name"], "variant": None} for o in manifest["outputs"]]


def _with_interval(value: float, conf: float) -> str:
    return number(value) if pd.isna(conf) else f"{number(value)} ± {number(conf)}"


def index_table(sensitivity: pd.DataFrame, output: str, headline: str) -> pd.DataFrame:
    """One output's indices, a row per parameter (most influential first), ``value ± conf``."""
    rows = sensitivity[sensitivity["output"] == output]
    cells = rows.assign(
        cell=[_with_interval(v, c) for v, c in zip(rows["value"], rows["conf"], strict=True)]
    )
    table = cells.pivot(index="parameter", columns="index", values="cell")
    order = ranking(sensitivity, output, headline)["parameter"]
    table = table.reindex(order)[[i for i in _LABELS if i in table.columns]]
    # the pivot names the columns' axis "index", which would print as a header of its own
    return table.rename(columns=_LABELS).rename_axis(columns=None).reset_index()


def write_report(
    path: Path, manifest: dict, sensitivity: pd.DataFrame, figures: list[Path]
) -> None:
    """A short self-contained HTML report: what matters most first, then how the sweep
    was made, the figures, the indices, provenance."""
    analysis = manifest["analysis"]
    index = analysis["headline_index"]
    page = Document(f"Sweep {manifest['experiment']} of {manifest['scenario']}")
    answer = []
    for output in [o["name"] for o in analysed(manifest)]:
        top = ranking(sensitivity, output, index).head(TOP)
        if not top.empty:
            named = ", ".join(
                f"{row.parameter} ({_LABELS[index]} {_with_interval(row.value, row.conf)})"
                for row in top.itertuples()
            )
            answer.append(f"{output}: {named}")
    page.section("What matters most").items(answer)
    crn = " (common random numbers)" if manifest["common_random_numbers"] else ""
    page.section("What shapes it").items(
        [
            f"Scenario {manifest['scenario']}, variant {manifest['variant']}: "
            f"{manifest['samples']} {manifest['sampler']} samples × {manifest['reps']} "
            f"replications = {manifest['members']} members, master seed "
            f"{manifest['master_seed']}{crn}. {manifest['failed_members']} members failed.",
            f"Method: {analysis['method']}; intervals are {analysis['conf_level']:.0%} "
            f"bootstrap intervals ({analysis['num_resamples']} resamples) where shown; each "
            "sample's output is the mean over its replications.",
            *analysis.get("notes", []),
        ]
    )
    page.section("Figures")
    for figure in figures:
        vectors = tuple(ext for ext in ("svg", "pdf") if figure.with_suffix(f".{ext}").is_file())
        page.figure(figure.stem, _caption(figure.stem), figure.read_bytes(), vectors)
    page.section("Tables").text("Most influential first; 95 % intervals after ±.")
    for output in dict.fromkeys(sensitivity["output"]):
        page.section(output, 3).table(index_table(sensitivity, output, index))
    page.section("Provenance", 3).facts(
        {
            "experiment file": f"<code>{escape(manifest['experiment_file'])}</code>",
            "scenario SHA-256": f"<code>{escape(manifest['scenario_sha256'])}</code>",
            "output schema": escape(manifest.get("output_schema", "")),
            "munsim": escape(manifest["versions"].get("munsim", "?")),
            "started (UTC)": escape(manifest["started_utc"]),
            "finished (UTC)": escape(manifest["finished_utc"]),
        }
    )
    page.write(path)


def _caption(stem: str) -> str:
    """What a sweep figure shows, from its file stem."""
    kind, _, output = stem.partition("_")
    if kind == "scatter":
        return f"{output} against its most influential parameters, one dot per member."
    return f"Sensitivity of {output} to each swept parameter ({kind})."
