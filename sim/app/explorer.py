"""The students' page's model: a scenario's two variants run side by side, live.

The page compares the scenario's first two variants, as ``munsim compare`` does (in the
shipped scenarios: with and without DPRK supply), over ~50 members each on the same
seeds, so each member's difference is paired. What a student changes is a ``Setting``:

- knobs, one per group of the scenario's ``[[uncertainties]]``, each over its published
  range (a knob left alone leaves the file's value and its dated events untouched; a
  knob moved writes its group's values at the same quantile of each one's range);
- the other variants, as switches: each switched on adds its settings to both runs;
- which of the pair to run (both, to see the difference);
- the seed.

``Explorer`` is a Mesa model with keyword arguments: one ``step()`` advances every run
``days_per_step`` days (Mesa's dated events fire inside), the two runs in two threads
(the compiled day lets go of Python's lock), and ``run_to`` goes straight to a date.
Stepping gives the numbers of one long run, bit for bit.

Example:
    >>> explorer = Explorer(scenario_file="scenarios/tutorial.toml", members=4,
    ...                     days_per_step=30)
    >>> explorer.step()
    >>> explorer.day, sorted(explorer.runs)
    (30, ['baseline', 'no_dprk'])
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import mesa
import numpy as np

from sim.engine.model import SupplyModel
from sim.experiments.compare import default_variants
from sim.experiments.parameters import Parameter, group_of, uncertain_parameters
from sim.experiments.runner import replication_seeds
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import build_scenario, read_raw, variant_settings, with_overrides
from sim.scenario.paths import get_path
from sim.scenario.schema import Scenario

MEMBERS = 50
"""Members per variant: enough for a 5–95 % band, few enough to redraw within a second."""

DAYS_PER_STEP = 30
STEPS = 200  # a knob's positions
MOVED = 0.5 / STEPS  # a knob closer than this to the file's value has not been moved

KEPT = (
    "stock_legacy",
    "stock_depot",
    "stock_unit",
    "in_transit",
    "fired",
    "imports_arrived",
    "tubes_serviceable",
    "ground_gained",
    "ground_lost",
)
"""The daily accounts the page draws; the rest are checked every day but not kept."""

_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="munsim-page")


# -- knobs --------------------------------------------------------------------------


def _unit(path: str, scale: bool) -> str:
    """A knob's unit, read from the last keys of its path (the format's names say it:
    ``stock_rounds.shell_152``, ``dud_rate``, ``ground_km2_per_day``)."""
    if scale:
        return "× the file's value"
    keys = ".".join(path.split(".")[-2:])
    for pattern, unit in (
        (r"rounds_per_container", "rounds a container"),
        (r"containers_per_shipment", "containers a shipment"),
        (r"tubes_per_day", "tubes a day"),
        (r"fire_ratio", "rounds fired to the enemy's one"),
        (r"_scale$", "× the file's value"),
        (r"km2_per_day", "km² a day"),
        (r"per_1000_rounds", "per 1,000 rounds"),
        (r"per_day", "a day"),
        (r"(rate|share|probability|evasion|effort)(\.|$)", "share (0–1)"),
        (r"rounds(\.|$)", "rounds"),
        (r"days(\.|$)", "days"),
    ):
        if re.search(pattern, keys):
            return unit
    return ""


def _label(name: str) -> str:
    """``dprk_stock_152`` → ``DPRK stock 152``."""
    words = [
        w.upper() if w in ("dprk", "ru", "ua", "un", "us", "eu") else w for w in name.split("_")
    ]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Knob:
    """A slider over one group of uncertainties: its position is the quantile of the
    group's published ranges (0: every entry at its low end, 1: at its high end), shown
    in its first entry's value and unit."""

    key: str  # the group (or the lone uncertainty's id)
    label: str
    unit: str
    low: float
    high: float
    default: float  # the quantile of the file's value of the first entry
    whole: bool  # a whole number (rounds, days)
    source: str
    lead: Parameter
    parameters: tuple[Parameter, ...]

    @property
    def moves(self) -> int:
        """How many inputs the knob moves together."""
        return len(self.parameters)

    def value(self, position: float) -> float:
        """The first entry's value at a position."""
        return float(self.lead.decode(position))

    def overrides(self, position: float) -> dict[str, Any]:
        """The dotted-path values the knob writes at a position: its group's every path
        at that quantile of its own range."""
        return {p.path: p.decode(position) for p in self.parameters}


def knobs(scenario: Scenario, raw: dict[str, Any]) -> list[Knob]:
    """One knob per group of the scenario's numeric ``[[uncertainties]]``, in file order
    (a choice has no slider)."""
    _, parameters = uncertain_parameters(scenario, scenario.source.path, check=False)
    found: dict[str, Knob] = {}
    by_group: dict[str, list[Parameter]] = {}
    index = 0
    for uncertainty in scenario.uncertainties:
        group = group_of(uncertainty)
        mine = parameters[index : index + len(uncertainty.paths)]
        index += len(uncertainty.paths)
        by_group.setdefault(group, []).extend(mine)
        if group in found or uncertainty.distribution == "choice":
            continue
        assert uncertainty.low is not None and uncertainty.high is not None
        lead = mine[0]
        if uncertainty.scale:
            default = 1.0
        else:
            try:
                default = float(get_path(raw, uncertainty.paths[0]))
            except Exception:  # a format default the file does not write
                default = (uncertainty.low + uncertainty.high) / 2
        count = sum(1 for u in scenario.uncertainties if group_of(u) == group)
        found[group] = Knob(
            key=group,
            label=_label(group),
            unit=_unit(uncertainty.paths[0], uncertainty.scale),
            low=float(uncertainty.low),
            high=float(uncertainty.high),
            default=lead.quantile(default),
            whole=lead.kind == "int",
            source=uncertainty.source
            + (f" (moves {count} inputs of this group together)" if count > 1 else ""),
            lead=lead,
            parameters=(),
        )
    return [replace(k, parameters=tuple(by_group[k.key])) for k in found.values()]


# -- a setting ----------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """What a student has changed: knobs moved, variants switched on, runs shown, seed."""

    values: tuple[tuple[str, float], ...] = ()  # knob key → position, only knobs moved
    extras: tuple[str, ...] = ()  # other variants switched on, in the file's order
    shown: tuple[str, ...] | None = None  # of the pair; None: both
    seed: int = 1

    def position(self, knob: Knob) -> float:
        return dict(self.values).get(knob.key, knob.default)

    def moved(self, knob: Knob, position: float) -> Setting:
        """The setting with a knob at ``position``; a knob put back where the file has it
        (within a slider's step) is left alone again, the file's values all kept."""
        values = dict(self.values)
        if abs(position - knob.default) < MOVED:
            values.pop(knob.key, None)
        else:
            values[knob.key] = position
        return replace(self, values=tuple(sorted(values.items())))


@dataclass
class PageFile:
    """A scenario file read for the page: its pair, its other variants, its knobs."""

    file: str
    raw: dict[str, Any]
    sha256: str
    base: Scenario
    pair: list[str]
    extras: list[str]
    knobs: list[Knob] = field(default_factory=list)
    _variants: dict[str, Scenario] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, file: str) -> PageFile:
        raw, sha256 = read_raw(file)
        base = build_scenario(raw, file=file, sha256=sha256)
        pair = default_variants(base, file)
        extras = [
            name
            for name, table in base.variants.items()
            if name not in pair and "events" not in table  # a switch adds settings only
        ]
        return cls(file, raw, sha256, base, pair, extras, knobs(base, raw))

    def scenarios(self, setting: Setting) -> dict[str, Scenario]:
        """The scenario of each run shown: its variant after the switched-on extras'
        settings and the knobs moved."""
        overrides = self.overrides(setting)
        shown = self.pair if setting.shown is None else [v for v in self.pair if v in setting.shown]
        return {
            name: with_overrides(self.variant(name), overrides) if overrides else self.variant(name)
            for name in shown
        }

    def overrides(self, setting: Setting) -> dict[str, Any]:
        """The dotted-path values a setting writes on top of each variant (``--set``)."""
        overrides: dict[str, Any] = {}
        for name in setting.extras:
            if name not in self.extras:
                raise ScenarioError(self.file, "variants", f"no variant {name!r} to switch on")
            overrides.update(variant_settings(self.base.variants[name]))
        by_key = {k.key: k for k in self.knobs}
        for key, value in setting.values:
            overrides.update(by_key[key].overrides(value))
        return overrides

    def command(self, setting: Setting, members: int) -> str:
        """The ``munsim compare`` line that runs the same members as the page."""
        sets = " ".join(
            shlex.quote(f"--set={path}={_literal(value)}")
            for path, value in self.overrides(setting).items()
        )
        line = (
            f"munsim compare {shlex.quote(self.file)} --variants {','.join(self.pair)} "
            f"--reps {members} --seed {setting.seed}"
        )
        return f"{line} {sets}".strip()

    def variant(self, name: str) -> Scenario:
        """A variant of the file, as it stands (built once)."""
        if name not in self._variants:
            self._variants[name] = build_scenario(
                self.raw, file=self.file, sha256=self.sha256, variant=name
            )
        return self._variants[name]


def _literal(value: Any) -> str:
    """A value as ``--set`` reads it (TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


# -- the model ----------------------------------------------------------------------


class Explorer(mesa.Model):
    """The page's model: each variant shown, ``members`` members on the same seeds.

    Args:
        scenario_file: a scenario with two or more variants.
        setting: what the student changed (default: nothing).
        members: members per variant.
        days_per_step: days one ``step()`` runs.
        page: the file already read (the page keeps it between rebuilds).
    """

    def __init__(
        self,
        scenario_file: str = "scenarios/ukraine_war_2022_2025.toml",
        setting: Setting | None = None,
        members: int = MEMBERS,
        days_per_step: int = DAYS_PER_STEP,
        page: PageFile | None = None,
    ) -> None:
        self.setting = setting or Setting()
        super().__init__(rng=self.setting.seed)
        self.page = (
            page
            if page is not None and page.file == scenario_file
            else PageFile.read(scenario_file)
        )
        self.days_per_step = days_per_step
        self.scenarios = self.page.scenarios(self.setting)
        seeds = replication_seeds(self.setting.seed, members)
        self.runs = {
            name: SupplyModel([scenario] * members, seeds, keep=KEPT)
            for name, scenario in self.scenarios.items()
        }
        self.base = self.page.base
        self.days = self.base.scenario.days
        self.start_date = self.base.scenario.start_date

    @property
    def day(self) -> int:
        """Days run so far (0: the opening)."""
        return min(run.day for run in self.runs.values()) if self.runs else 0

    @property
    def date(self) -> dt.date:
        """The date of the day about to run (the scenario's end once it has run)."""
        return self.start_date + dt.timedelta(days=self.day)

    def run_to(self, day: int) -> None:
        """Run every variant up to ``day``, side by side."""
        day = min(max(day, 0), self.days)
        behind = [run for run in self.runs.values() if run.day < day]
        list(_THREADS.map(lambda run: run.run_until(day), behind))
        self.running = self.day < self.days

    def step(self) -> None:
        """``days_per_step`` more days."""
        self.run_to(self.day + self.days_per_step)


# -- what the page draws --------------------------------------------------------------


def munitions_fired_by_guns(scenario: Scenario) -> list[str]:
    """The munitions guns fire (all of them where the scenario has no tube types)."""
    guns = [m.id for m in scenario.munitions if m.tube_type is not None]
    return guns or [m.id for m in scenario.munitions]


def daily(
    run: SupplyModel, account: str, side: str, munitions: Sequence[str] | None = None
) -> np.ndarray:
    """A side's daily account, summed over its munitions (or tube types, or its front),
    ``[days run, members]``."""
    for record, pairs in (
        (run.record, run.pairs),
        (run.gun_record, run.gun_pairs),
        (run.front_record, run.front_pairs),
    ):
        if account in record:
            columns = [
                i
                for i, (s, item) in enumerate(pairs)
                if s == side
                and (munitions is None or record is not run.record or item in munitions)
            ]
            return record[account][:, :, columns].sum(axis=2, dtype=np.float64)
    raise KeyError(account)


def trailing(values: np.ndarray, days: int = 7) -> np.ndarray:
    """The mean of the last ``days`` days (fewer at the start), per member: the
    report's ``trailing_mean`` on an array, without a DataFrame per redraw."""
    total = np.cumsum(values, axis=0)
    shifted = np.zeros_like(total)
    shifted[days:] = total[:-days]
    count = np.minimum(np.arange(1, len(values) + 1), days)[:, None]
    return (total - shifted) / count
