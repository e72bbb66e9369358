"""Figures for briefs: vector files with readable names, print resolution, identical
variants folded, the effect by calendar year, labelled events, one style module."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib import image

import sim
from sim.outputs.difference_plots import effect_by_year
from sim.outputs.figure_plan import figure_plan, folded
from sim.outputs.labels import Labels, event_markers
from sim.outputs.plotting import identical_across_variants, plot_fire_per_day
from sim.outputs.report import write_comparison
from sim.outputs.style import PRINT_DPI, mark_events, new_figure

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "scenarios" / "tutorial.toml"
SHORT = {"scenario.days": 40}  # before the first DPRK shipment arrives: identical variants
LONG = {"scenario.days": 90, "importers.dprk.start_date": dt.date(2023, 1, 20)}


def _compare(overrides: dict) -> sim.Comparison:
    pair = [
        sim.load_scenario(TUTORIAL, overrides=overrides),
        sim.load_scenario(TUTORIAL, variant="no_dprk", overrides=overrides),
    ]
    return sim.compare(pair, reps=3, seed=3, progress=False)


@pytest.fixture(scope="module")
def differing() -> sim.Comparison:
    return _compare(LONG)


@pytest.fixture(scope="module")
def written(tmp_path_factory, differing) -> Path:
    out = tmp_path_factory.mktemp("runs")
    return write_comparison(differing, out, started="s", finished="f", command="munsim compare")


def test_every_figure_is_written_as_png_svg_and_pdf_with_readable_names(written):
    figures = written / "figures"
    stems = {p.stem for p in figures.glob("*.png")}
    assert stems and stems == {p.stem for p in figures.glob("*.svg")}
    assert stems == {p.stem for p in figures.glob("*.pdf")}
    manifest = sim.read_run(written)["manifest"]
    description = manifest["variant_descriptions"]["baseline"]
    assert description  # the tutorial describes its variants
    fire = (figures / "fire_per_day_RU.svg").read_text()
    assert "152 mm shell" in fire and description in fire  # not only the ids
    assert (figures / "forest.pdf").read_bytes()[:5] == b"%PDF-"


def test_pngs_are_at_print_resolution(written):
    for png in (written / "figures").glob("*.png"):
        pixels = image.imread(png)
        svg = (png.with_suffix(".svg")).read_text()
        width_pt = float(re.search(r'width="([\d.]+)pt"', svg).group(1))
        assert pixels.shape[1] / (width_pt / 72) >= PRINT_DPI - 1, png.name


def test_identical_variants_fold_and_differing_ones_do_not(tmp_path, differing):
    same = _compare(SHORT)
    series = same.timeseries
    assert identical_across_variants(series, "RU", "baseline", "no_dprk")
    assert not identical_across_variants(differing.timeseries, "RU", "baseline", "no_dprk")
    folder = write_comparison(same, tmp_path, started="s", finished="f", command="x")
    tables = sim.read_run(folder)
    plan = figure_plan(tables)
    assert "paired_difference_RU" not in plan and "effect_by_year" not in plan
    (sentence,) = folded(tables)
    assert "identical in baseline and no_dprk" in sentence
    lines = plot_fire_per_day(series, "RU", ["baseline", "no_dprk"]).axes[0].get_lines()
    assert len(lines) == 1 and lines[0].get_label() == "all variants (identical): median"
    differing_tables = {
        "manifest": tables["manifest"],
        "timeseries": differing.timeseries,
        "paired": differing.paired,
    }
    assert not folded(differing_tables)
    assert "paired_difference_RU" in figure_plan(differing_tables)


def test_yearly_effects_recombine_to_the_whole_run_weighted_by_days(differing):
    series = differing.timeseries.copy()
    series["date"] = series["date"] + pd.Timedelta(days=-45)  # straddle a new year
    table = effect_by_year(series, "baseline", "no_dprk")
    ru = table[table["side"] == "RU"]
    assert len(ru) == 2 and ru["days"].sum() == series["date"].nunique()
    whole = series[series["side"] == "RU"].groupby(["variant", "replication", "date"])
    daily = whole["fired"].sum().unstack("variant")
    expected = (daily["baseline"] - daily["no_dprk"]).mean()
    assert np.average(ru["mean_diff"], weights=ru["days"]) == pytest.approx(expected)
    assert (ru["ci_low"] <= ru["mean_diff"]).all() and (ru["mean_diff"] <= ru["ci_high"]).all()


def test_only_labelled_events_are_marked(written):
    info = sim.read_run(written)["manifest"]
    events = info["resolved_parameters"]["baseline"]["events"]
    labelled = {e["label"] for e in events if e.get("label")}
    assert labelled and len(labelled) < len(events)
    markers = event_markers(info)
    start = dt.date.fromisoformat(info["resolved_parameters"]["baseline"]["scenario"]["start_date"])
    end = start + dt.timedelta(days=89)
    inside = {e["label"] for e in events
              if e.get("label") and start <= dt.date.fromisoformat(e["date"]) <= end}  # fmt: skip
    assert {m.label for m in markers} == inside
    figure = new_figure(6, 3)
    axes = figure.subplots()
    axes.plot(pd.date_range(start, end), np.arange(90))
    mark_events(axes, markers)
    assert {t.get_text() for t in axes.texts} == inside
    mark_events(axes, markers, labelled=False)
    assert len(axes.texts) == len(inside)


def test_labels_fall_back_to_ids():
    labels = Labels(sides={"RU": "Russia"}, variants={"baseline": "with DPRK supply"})
    assert labels.side("RU") == "Russia" and labels.side("XX") == "XX"
    assert labels.variant("baseline") == "with DPRK supply" and labels.variant("b") == "b"
    assert labels.munition("all") == "all munitions"


def test_a_variant_description_is_not_an_override(tmp_path):
    text = TUTORIAL.read_text()
    assert 'description = "without DPRK shells"' in text
    scenario = sim.load_scenario(TUTORIAL, variant="no_dprk")
    assert scenario.importers[0].enabled is False
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('description = "without DPRK shells"', "description = 3"))
    with pytest.raises(sim.ScenarioError, match=r"variants\.no_dprk\.description"):
        sim.load_scenario(bad, variant="no_dprk")


def test_the_style_module_is_the_only_one_that_makes_figures_or_sets_resolution():
    pattern = re.compile(r"\bFigure\(|\bdpi\s*=|plt\.|pyplot")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "sim").rglob("*.py")
        if path.name != "style.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line.split("#")[0])
    ]
    assert offenders == []
