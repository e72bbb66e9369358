"""The page's components without a browser (``solara.render``): the controls are there
and each moves the model it drives."""

from __future__ import annotations

import json
import time
from pathlib import Path

import ipyvuetify as v
import ipywidgets
import pytest
import solara

from sim.app import page
from sim.app.explorer import Explorer, PageFile, Setting
from tests.support import TUTORIAL

TIMEOUT_S = 60


@pytest.fixture
def rendered(monkeypatch):
    monkeypatch.setenv(page.ENV_SCENARIO, str(TUTORIAL))
    for state, initial in (
        (page.file, ""), (page.setting, Setting()), (page.target, None), (page.playing, False),
        (page.tab, 0), (page.side, None), (page.saved, ""), (page.resets, 0),
    ):  # fmt: skip
        state.set(initial)
    box, rc = solara.render(page.Page(), handle_error=False)
    _wait(lambda: _widgets(rc, v.Btn, "munsim-step"))
    yield rc
    rc.close()


def _widgets(rc, kind, css: str) -> list:
    return [w for w in rc.find(kind).widgets if css in (w.class_ or "")]


def _wait(condition, timeout_s: float = TIMEOUT_S):
    deadline = time.monotonic() + timeout_s
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise AssertionError("the page did not get there in time")
        time.sleep(0.05)
    return found


def _date(rc) -> str:
    return _widgets(rc, v.Html, "munsim-date")[0].children[0]


def test_the_clock_and_a_chart_are_there(rendered):
    labels = {w.children[-1] for w in rendered.find(v.Btn).widgets if w.children}
    assert {"Play", "Step", "To the end", "Reset"} <= labels
    assert _date(rendered).endswith("day 365 of 365")  # it opens on the whole run
    charts = rendered.find(ipywidgets.Image).widgets
    assert charts and all(len(chart.value) > 10_000 for chart in charts)  # PNGs drawn


def test_a_slider_per_knob_and_each_moves_the_setting(monkeypatch):
    page.setting.set(Setting())
    scenario = PageFile.read(str(TUTORIAL))
    box, rc = solara.render(page.Controls(page.Holder(), scenario), handle_error=False)
    sliders = [w for w in rc.find(v.Slider).widgets if w.max == 1.0]
    assert len(sliders) == len(scenario.knobs) and scenario.knobs
    for slider, knob in zip(sliders, scenario.knobs, strict=True):
        assert knob.label in slider.label
        slider.v_model = 0.0 if knob.default > 0.5 else 1.0
        assert dict(page.setting.value.values)[knob.key] == slider.v_model
    switches = rc.find(v.Switch).widgets
    assert len(switches) == len(scenario.extras)
    rc.close()


def test_reset_and_step_move_the_date(rendered):
    _widgets(rendered, v.Btn, "munsim-reset")[0].click()
    _wait(lambda: "day 0 of" in _date(rendered))
    _widgets(rendered, v.Btn, "munsim-step")[0].click()
    _wait(lambda: "day 30 of" in _date(rendered))
    _widgets(rendered, v.Btn, "munsim-end")[0].click()
    _wait(lambda: "day 365 of" in _date(rendered))


def test_a_new_setting_is_run_to_the_date_reached(rendered):
    _widgets(rendered, v.Btn, "munsim-reset")[0].click()
    _wait(lambda: "day 0 of" in _date(rendered))
    _widgets(rendered, v.Btn, "munsim-step")[0].click()
    _wait(lambda: "day 30 of" in _date(rendered))
    knob = PageFile.read(str(TUTORIAL)).knobs[0]
    page.setting.set(page.setting.value.moved(knob, 0.0 if knob.default > 0.5 else 1.0))
    path = knob.parameters[0].path
    _wait(lambda: _command_has(rendered, path))
    assert "day 30 of" in _date(rendered)  # the new run went to the same date


def _command_has(rc, text: str) -> bool:
    """The page's command line (of the run shown) mentions ``text``."""
    return any(text in (w.unsafe_innerHTML or "") for w in rc.find(solara.widgets.HTML).widgets)


def test_save_writes_the_run_folder_the_command_names(tmp_path, monkeypatch):
    monkeypatch.setenv(page.ENV_OUT, str(tmp_path))
    page.saved.set("")
    scenario = PageFile.read(str(TUTORIAL))
    explorer = Explorer(str(TUTORIAL), Setting(seed=3), members=3, page=scenario)
    box, rc = solara.render(page.Save(explorer, scenario), handle_error=False)
    _widgets(rc, v.Btn, "munsim-save")[0].click()
    folder = Path(_wait(lambda: page.saved.value))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert folder.parent == tmp_path and (folder / "report.html").exists()
    assert manifest["command"] == scenario.command(Setting(seed=3), 3)
    assert "--reps 3 --seed 3" in manifest["command"]
    rc.close()
