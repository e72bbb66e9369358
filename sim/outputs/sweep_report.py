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

import base64
import datetime as dt
import html
import re
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import EngFormatter

from sim.engine.metrics import METRIC_UNITS
from sim.experiments.outcomes import OUTCOMES
from sim.experiments.sensitivity import ranking

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


def _figure(width: float, height: float) -> Figure:
    """A figure on its own Agg canvas: the caller's backend (a notebook's) is left alone."""
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def _index_chart(
    sensitivity: pd.DataFrame, output: str, method: str, path: Path, unit: str
) -> None:
    rows = sensitivity[sensitivity["output"] == output]
    fig = _figure(7.5, 4.8)
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
        low = 0.05 * sigma["value"].max()
        for rank, name in enumerate(named):
            ax.annotate(
                _short(name),
                (star.loc[name, "value"], sigma.loc[name, "value"]),
                textcoords="offset points",
                # neighbours above and below, but never below a point on the axis
                xytext=(4, 4 if rank % 2 == 0 or sigma.loc[name, "value"] < low else -11),
                fontsize=8,
            )
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
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _scatter(
    results: pd.DataFrame, output: str, parameters: list[str], path: Path, unit: str
) -> None:
    fig = _figure(3.6 * len(parameters), 3.4)
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
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def top_parameters(
    sensitivity: pd.DataFrame, output: str, index: str, count: int = TOP
) -> list[str]:
    """The ``count`` parameters with the largest ``index`` for ``output``."""
    return ranking(sensitivity, output, index)["parameter"].head(count).tolist()


def draw_figures(
    results: pd.DataFrame, sensitivity: pd.DataFrame, manifest: dict, folder: Path
) -> list[Path]:
    """Draw every figure into ``folder``; returns their paths in report order."""
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
        chart = folder / f"{analysis['method']}_{stem}.png"
        _index_chart(sensitivity, output, analysis["method"], chart, unit)
        scatter = folder / f"scatter_{stem}.png"
        top = top_parameters(sensitivity, output, analysis["headline_index"])
        rows = ok if spec.get("variant") is None else ok[ok["variant"] == spec["variant"]]
        shown = rows.rename(columns={spec["column"]: output})
        drawn = [columns.get(name, [name])[0] for name in top]
        _scatter(shown, output, drawn, scatter, unit)
        paths += [chart, scatter]
    return paths


def analysed(manifest: dict) -> list[dict]:
    """The outputs the sensitivity analysis covers: each output, or its paired difference
    against each variant where variants are compared (``name``, ``column``, ``variant``)."""
    found = manifest["analysis"].get("outputs")
    if found is not None:
        return list(found)
    return [{**o, "column": o["name"], "variant": None} for o in manifest["outputs"]]


def number(value: float) -> str:
    """A readable number: 702,350 or 0.0766."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


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
    return table.rename(columns=_LABELS).reset_index()


def write_report(
    path: Path, manifest: dict, sensitivity: pd.DataFrame, figures: list[Path]
) -> None:
    """A short self-contained HTML report: what was swept, what matters most, figures."""
    analysis = manifest["analysis"]
    index = analysis["headline_index"]
    e = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Sweep {e(manifest['experiment'])}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
        "table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ccc;"
        "text-align:right}td:first-child,th:first-child{text-align:left}img{max-width:100%}"
        "</style></head><body>",
        f"<h1>Sweep: {e(manifest['experiment'])}</h1>",
        f"<p>Scenario <b>{e(manifest['scenario'])}</b> (variant {e(manifest['variant'])}, "
        f"SHA-256 <code>{e(manifest['scenario_sha256'][:16])}…</code>): "
        f"{manifest['samples']} {e(manifest['sampler'])} samples × {manifest['reps']} "
        f"replications = {manifest['members']} members, master seed {manifest['master_seed']}"
        f"{' (common random numbers)' if manifest['common_random_numbers'] else ''}. "
        f"{manifest['failed_members']} members failed.</p>",
        "<h2>What matters most</h2><ul>",
    ]
    for output in [o["name"] for o in analysed(manifest)]:
        top = ranking(sensitivity, output, index).head(TOP)
        if top.empty:
            continue
        named = ", ".join(
            f"<code>{e(row.parameter)}</code> ({_LABELS[index]} "
            f"{e(_with_interval(row.value, row.conf))})"
            for row in top.itertuples()
        )
        parts.append(f"<li><b>{e(output)}</b>: {named}</li>")
    parts.append("</ul>")
    for note in analysis.get("notes", []):
        parts.append(f"<p><i>{e(note)}</i></p>")
    parts.append(
        f"<p>Method: {e(analysis['method'])}; intervals are {analysis['conf_level']:.0%} "
        f"bootstrap intervals ({analysis['num_resamples']} resamples) where shown; each "
        "sample's output is the mean over its replications.</p>"
    )
    for figure in figures:
        data = base64.b64encode(figure.read_bytes()).decode()
        parts.append(f"<p><img alt='{e(figure.stem)}' src='data:image/png;base64,{data}'></p>")
    parts.append("<h2>Indices</h2><p>Most influential first; 95 % intervals after ±.</p>")
    for output in dict.fromkeys(sensitivity["output"]):
        parts.append(f"<h3>{e(output)}</h3>")
        parts.append(index_table(sensitivity, output, index).to_html(index=False, border=0))
    parts.append(
        f"<h2>Provenance</h2><p>munsim {e(manifest['versions'].get('munsim', '?'))}, "
        f"experiment file <code>{e(str(manifest['experiment_file']))}</code>, started "
        f"{e(manifest['started_utc'])}, finished {e(manifest['finished_utc'])}.</p>"
    )
    parts.append("</body></html>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
