"""The students' page (``munsim app``): a live Solara page over an ``Explorer``.

Plain Solara rather than Mesa's ``SolaraViz``: SolaraViz rebuilds its model from the
sliders on every change, at day 0, and draws after every single step; the page instead
keeps the date a student has reached when a slider moves (the new run goes straight
there, both variants at once), steps a chosen number of days, and draws only the tab in
view. The model is still a Mesa model (``Explorer``), stepped by its ``step()``.

Every control changes a ``Setting`` or the day the run has reached; the charts are
matplotlib figures rendered as PNG (they need no JavaScript beyond Solara's own, which
``solara-assets`` serves from the package: the page works offline).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import threading
import time
from pathlib import Path
from typing import Any, cast

import markdown
import solara
import solara.lab

from sim.app import figures
from sim.app.explorer import DAYS_PER_STEP, MEMBERS, STEPS, Explorer, Knob, PageFile, Setting

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
ENV_SCENARIO = "MUNSIM_APP_SCENARIO"
ENV_OUT = "MUNSIM_APP_OUT"
PLAY_PAUSE_S = 0.3  # between two steps while playing
STYLE = """
strong { font-weight: 600; }  /* the theme's reset leaves Markdown's bold plain */
.v-input__slider .v-input__slot { flex-wrap: wrap; }  /* a long label above its slider */
.v-input__slider .v-label { width: 100%; white-space: normal; }
"""

WHAT = """
**What you are looking at.** Each chart shows {members} runs ("members") of the war
with the same random draws in both variants, so the difference between them is the
variants' difference, not luck. Lines are medians; bands hold 90 % of the members
(5–95 %): the model's own chance at this setting, not what the sources disagree on
(move the sliders for that). The dotted line is today; grey ticks along the top mark
the scenario's dated events (offensives, sanctions, deliveries), listed under *Dated
events*.

*{a}* and *{b}* are the scenario's two variants: in the shipped scenarios, with and
without North Korean (DPRK) supply. The sliders set inputs whose published figures
disagree, over the range the sources give (hover for the source). A slider left alone
keeps the scenario's own value and its dated changes.
"""

TRY = """
**Try first.** Press *Reset*, then *Play*, and watch where the two variants part.
Then move *DPRK stock* to its lowest: which year's difference does it change, and
why not the others? Switch on *strict enforcement*: what does it cost the DPRK's
shipments (the *Imports* tab), and Russia's fire?
"""


def _path(path: str | Path) -> str:
    """A scenario's path as a student would type it: from here, if it is below here."""
    relative = os.path.relpath(Path(path).resolve())
    return str(path) if relative.startswith("..") else relative


def _shipped() -> list[str]:
    return sorted(_path(p) for p in SCENARIOS.glob("*.toml")) if SCENARIOS.is_dir() else []


def _default_file() -> str:
    chosen = os.environ.get(ENV_SCENARIO)
    if chosen:
        return _path(chosen)
    shipped = _shipped()
    war = [p for p in shipped if "ukraine_war" in p]
    return (war or shipped)[0]


def _text(markdown_text: str) -> None:
    """Markdown, rendered here: Solara's own Markdown fetches KaTeX from a CDN, which an
    offline page cannot reach."""
    solara.HTML(tag="div", unsafe_innerHTML=markdown.markdown(markdown_text, extensions=["tables"]))


def _display(knob: Knob, value: float) -> str:
    text = f"{value:,.0f}" if abs(value) >= 1000 or knob.whole else f"{value:.3g}"
    return f"{text} {knob.unit}".strip()


# -- state (one set per browser session) ------------------------------------------

file = solara.reactive("")
setting = solara.reactive(Setting())
target = solara.reactive(cast(int | None, None))  # the day to reach; None: the end
days_per_step = solara.reactive(DAYS_PER_STEP)
playing = solara.reactive(False)
drawn = solara.reactive(0)  # bumped each time the explorer advances
tab = solara.reactive(0)
side = solara.reactive(cast(str | None, None))
saved = solara.reactive("")
resets = solara.reactive(0)  # bumped by Reset: the run is built again at day 0


class Holder:
    """The session's explorer and the lock its threads take to move it."""

    def __init__(self) -> None:
        self.explorer: Explorer | None = None
        self.lock = threading.Lock()


@solara.component
def KnobSlider(knob: Knob, position: float, on_value: Any) -> None:
    with (
        solara.Tooltip(
            f"{knob.label}: {_display(knob, knob.value(0))} to "
            f"{_display(knob, knob.value(1))}. Source: {knob.source}"
        ),
        solara.Column(gap="0px"),
    ):
        solara.SliderFloat(
            f"{knob.label}: {_display(knob, knob.value(position))}",
            value=position,
            min=0.0,
            max=1.0,
            step=1 / STEPS,
            on_value=on_value,
            thumb_label=False,
        )


@solara.component
def Controls(holder: Holder, page: PageFile) -> None:
    now = setting.value
    solara.Select("scenario", values=sorted({*_shipped(), file.value}), value=file)

    def shown(names: list[str]) -> None:
        kept = tuple(n for n in page.pair if n in names) or (page.pair[0],)
        setting.set(Setting(now.values, now.extras, None if len(kept) == 2 else kept, now.seed))

    _text("**Runs** (both: the difference)")
    solara.ToggleButtonsMultiple(
        value=list(now.shown or page.pair),
        values=page.pair,
        on_value=shown,
        mandatory=True,
        dense=True,
    )
    if page.extras:
        _text("**Switch on, in both runs**")
    for name in page.extras:

        def switched(on: bool, name: str = name) -> None:
            extras = [
                n for n in page.extras if (n == name and on) or (n != name and n in now.extras)
            ]
            setting.set(Setting(now.values, tuple(extras), now.shown, now.seed))

        solara.Switch(label=name.replace("_", " "), value=name in now.extras, on_value=switched)
    solara.InputInt(
        "seed",
        value=now.seed,
        on_value=lambda s: setting.set(
            Setting(now.values, now.extras, now.shown, max(int(s or 0), 0))
        ),
    )
    _text("**Inputs the sources disagree on**")
    for knob in page.knobs:
        KnobSlider(
            knob,
            now.position(knob),
            lambda v, knob=knob: setting.set(setting.value.moved(knob, float(v))),
        )
    if now.values:
        solara.Button(
            "Put every slider back",
            text=True,
            on_click=lambda: setting.set(Setting((), now.extras, now.shown, now.seed)),
        )


@solara.component
def Clock(holder: Holder, explorer: Explorer, version: int) -> None:
    def step() -> None:
        with holder.lock:
            explorer.days_per_step = days_per_step.value
            explorer.step()
            target.set(explorer.day)
        drawn.set(drawn.value + 1)

    def to_end() -> None:
        playing.set(False)
        with holder.lock:
            explorer.run_to(explorer.days)
        target.set(None)
        drawn.set(drawn.value + 1)

    def reset() -> None:
        playing.set(False)
        target.set(0)
        resets.set(resets.value + 1)

    def play(cancel: threading.Event) -> None:
        while playing.value and not cancel.is_set():
            with holder.lock:
                if not explorer.running:
                    break
                explorer.days_per_step = days_per_step.value
                explorer.step()
            target.set(explorer.day)
            drawn.set(drawn.value + 1)
            time.sleep(PLAY_PAUSE_S)
        playing.set(False)

    solara.use_thread(play, dependencies=[playing.value, explorer], intrusive_cancel=False)
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button(
            "Pause" if playing.value else "Play",
            icon_name="mdi-pause" if playing.value else "mdi-play",
            on_click=lambda: playing.set(not playing.value),
            disabled=not explorer.running,
            classes=["munsim-play"],
        )
        solara.Button(
            "Step",
            icon_name="mdi-step-forward",
            on_click=step,
            disabled=playing.value or not explorer.running,
            classes=["munsim-step"],
        )
        solara.Button(
            "To the end",
            icon_name="mdi-skip-forward",
            on_click=to_end,
            disabled=not explorer.running,
            classes=["munsim-end"],
        )
        solara.Button("Reset", icon_name="mdi-restore", on_click=reset, classes=["munsim-reset"])
        last = explorer.start_date + dt.timedelta(days=explorer.days - 1)
        shown = explorer.date if explorer.day < explorer.days else last
        solara.Text(
            f"{shown:%d %B %Y} · day {explorer.day} of {explorer.days}",
            classes=["munsim-date"],
            style={"font-size": "1.2em", "margin": "0 1em"},
        )
        with solara.Column(style={"min-width": "220px"}):
            solara.SliderInt("days a step", value=days_per_step, min=1, max=120, thumb_label=False)


@solara.component
def Charts(explorer: Explorer, version: int) -> None:
    sides = [s.id for s in explorer.base.sides]
    chosen = side.value if side.value in sides else figures.effect_side(explorer)
    # only the tab in view is drawn: a figure costs a redraw more than a month's run
    with solara.lab.Tabs(value=tab, lazy=True):
        with solara.lab.Tab("Fire and the difference"):
            if tab.value == 0:
                solara.FigureMatplotlib(figures.fire_figure(explorer), format="png")
        with solara.lab.Tab("Stocks"):
            if tab.value == 1:
                solara.ToggleButtonsSingle(value=chosen, values=sides, on_value=side.set)
                solara.FigureMatplotlib(figures.stocks_figure(explorer, chosen), format="png")
        with solara.lab.Tab("Imports, guns, ground"):
            if tab.value == 2:
                solara.ToggleButtonsSingle(value=chosen, values=sides, on_value=side.set)
                solara.FigureMatplotlib(figures.supply_figure(explorer, chosen), format="png")
        with solara.lab.Tab("Supply network"):
            if tab.value == 3:
                for name in explorer.runs:
                    solara.FigureMatplotlib(figures.network_figure(explorer, name), format="png")


@solara.component
def Events(explorer: Explorer) -> None:
    with solara.Details("Dated events"):
        rows = [
            f"| {e.date} | `{e.id}` | {html.escape(e.description)} |" for e in explorer.base.events
        ]
        _text("| date | event | what changes |\n|---|---|---|\n" + "\n".join(rows))


@solara.component
def Save(explorer: Explorer, page: PageFile) -> None:
    members = next(iter(explorer.runs.values())).n_members
    now = explorer.setting

    def write() -> None:
        from sim.experiments.compare import compare
        from sim.experiments.runner import utc_now
        from sim.outputs.report import write_comparison

        started = utc_now()
        result = compare(
            page.file,
            page.pair,
            reps=members,
            seed=now.seed,
            overrides=page.overrides(now),
            progress=False,
        )
        folder = write_comparison(
            result,
            os.environ.get(ENV_OUT, "runs"),
            started=started,
            finished=utc_now(),
            command=page.command(now, members),
            label="page",
            progress=False,
        )
        saved.set(str(folder))

    task = solara.lab.use_task(write, dependencies=None)
    with solara.Row(style={"align-items": "center"}):
        solara.Button(
            "Save this setting as a run folder",
            icon_name="mdi-content-save",
            on_click=task,
            disabled=task.pending,
            classes=["munsim-save"],
        )
        if task.pending:
            solara.Text("running the comparison and writing its report…")
    if task.error:
        solara.Error(f"could not write the run folder: {task.exception}")
    elif saved.value:
        solara.Success(f"written: {saved.value}/report.html")
    _text(f"The same members from a shell:\n\n```\n{page.command(now, members)}\n```")


@solara.component
def Page() -> None:
    if not file.value:
        file.set(_default_file())
    holder = solara.use_memo(Holder, [])
    page = solara.use_memo(lambda: PageFile.read(file.value), [file.value])

    def build(cancel: threading.Event) -> Explorer:
        wanted = (file.value, setting.value, resets.value)
        explorer = Explorer(file.value, setting.value, MEMBERS, days_per_step.value, page=page)
        day = explorer.days if target.value is None else target.value
        explorer.run_to(day)
        with holder.lock:
            # a build for an older setting, still running when a newer one started, never
            # replaces the newer one
            if (file.value, setting.value, resets.value) == wanted and not cancel.is_set():
                holder.explorer = explorer
        return explorer

    result = solara.use_thread(
        build, dependencies=[page, setting.value, resets.value], intrusive_cancel=False
    )
    explorer = holder.explorer
    solara.Title("munsim: the war with and without DPRK supply")
    solara.Style(STYLE)
    with solara.Sidebar():
        Controls(holder, page)
    with solara.Column(style={"padding": "0 1em 3em 1em"}):  # clear of Solara's footer
        _text(f"## {page.base.scenario.name}: *{page.pair[0]}* beside *{page.pair[1]}*")
        # always there, so the page does not move when a run starts or ends
        solara.ProgressLinear(result.state == solara.ResultState.RUNNING or explorer is None)
        if result.error:
            solara.Error(str(result.error))
        if explorer is None:
            return
        # the explorer moves in place: its version tells the components it has moved
        Clock(holder, explorer, drawn.value)
        Charts(explorer, drawn.value)
        with solara.Row():
            with solara.Column():
                _text(WHAT.format(members=MEMBERS, a=page.pair[0], b=page.pair[1]))
            with solara.Column():
                _text(TRY)
        Events(explorer)
        Save(explorer, page)
