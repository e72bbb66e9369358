"""Sweeps: an experiment file → samples × replications → batches on workers → a run folder.

The batches run in ``sim.experiments.sweep``; this module is the run folder around them.
Nothing is lost. The sweep works in a hidden folder beside where its run folder will
be, ``OUT/.<name>.partial``, and writes each finished batch there as its own shard (see
``sim.experiments.shards``). Killed at any point (Ctrl-C, ``kill -9``, a power cut), it
is finished by ``munsim sweep EXPERIMENT --resume OUT/.<name>.partial``, which runs
only the batches without a whole shard. When every batch is in, the results, the
sensitivity analysis, the figures and the report are written into the hidden folder,
which is then renamed to ``OUT/<name>``: a run folder that exists is complete.

Same experiment ⇒ bit-identical ``results.parquet``, with any worker count, on either
backend, resumed or not: batches are fixed by the plan, a member's results depend only
on its own parameters and seed, and shards are assembled in plan order.

Example:
    >>> import sim
    >>> done = sim.sweep("scenarios/experiments/tutorial_morris.toml", workers=2)  # doctest: +SKIP
    >>> done.sensitivity.query("index == 'mu_star'").head()  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.backends import open_backend
from sim.experiments.experiment import Experiment, load_experiment
from sim.experiments.plan import Plan, make_plan
from sim.experiments.runner import utc_now
from sim.experiments.samplers import derived_seed
from sim.experiments.sensitivity import analyse, analysis_settings
from sim.experiments.sweep import assemble, run_pending
from sim.outputs.columns import OUTPUT_SCHEMA
from sim.outputs.results import json_default, remove_stale_staging, run_folder_name, versions
from sim.outputs.sweep_report import draw_figures, write_report
from sim.scenario.errors import ScenarioError

PARTIAL = ".partial"
STATE = "sweep.json"
MANIFEST = "manifest.json"
LOCK = ".lock"


@dataclass
class SweepResult:
    """A finished sweep: its run folder and its two main tables."""

    folder: Path
    results: pd.DataFrame
    sensitivity: pd.DataFrame
    manifest: dict[str, Any]


def _write_json(path: Path, content: dict[str, Any]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(content, indent=2, default=json_default) + "\n")
    os.replace(temporary, path)


class Workspace:
    """The hidden folder a sweep works in until it is complete."""

    def __init__(self, folder: Path, state: dict[str, Any]) -> None:
        self.folder = folder
        self.state = state
        self.shards = folder / "shards"
        self._lock: Any = None

    @classmethod
    def create(cls, out_dir: str | Path, plan: Plan) -> Workspace:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(out)  # a sweep's own folder is kept: --resume finishes it
        name = run_folder_name(plan.experiment.scenario.scenario.name, "sweep")
        for suffix in range(1, 1000):
            final = name if suffix == 1 else f"{name}-{suffix}"
            folder = out / f".{final}{PARTIAL}"
            if (out / final).exists():
                continue
            try:
                folder.mkdir()
                break
            except FileExistsError:
                continue
        state = {
            "name": final,
            "experiment_identity": plan.experiment.identity,
            "experiment_file": plan.experiment.file,
            "scenario_sha256": plan.experiment.scenario.source.sha256,
            "members": plan.members,
            "batches": plan.n_batches,
            "attempts": [],
        }
        workspace = cls(folder, state)
        workspace.shards.mkdir()
        shutil.copyfile(plan.experiment.file, folder / "experiment.toml")
        _write_json(folder / STATE, state)
        return workspace

    @classmethod
    def open(cls, run_dir: str | Path, plan: Plan) -> Workspace:
        """An unfinished sweep's folder (``.NAME.partial``, or ``NAME`` for short)."""
        given = Path(run_dir)
        folder = given
        hidden = given.parent / f".{given.name}{PARTIAL}"
        if not (given / STATE).is_file() and (hidden / STATE).is_file():
            folder = hidden
        if not (folder / STATE).is_file():
            finished = given.parent / given.name.removeprefix(".").removesuffix(PARTIAL)
            if (given / MANIFEST).is_file() or (finished / MANIFEST).is_file():
                where = given if (given / MANIFEST).is_file() else finished
                raise ScenarioError(str(given), "", f"this sweep is already complete: {where}")
            raise ScenarioError(str(given), "", "not an unfinished sweep folder (no sweep.json)")
        state = json.loads((folder / STATE).read_text())
        if state.get("experiment_identity") != plan.experiment.identity:
            raise ScenarioError(
                str(given),
                "",
                f"was started from a different experiment or scenario than "
                f"{plan.experiment.file} (its content or its scenario has changed)",
            )
        workspace = cls(folder, state)
        workspace.shards.mkdir(exist_ok=True)
        return workspace

    def lock(self) -> None:
        """Hold the folder for this process; a second sweep on it is refused."""
        try:
            import fcntl
        except ImportError:  # not on a POSIX system: no lock
            return
        handle = open(self.folder / LOCK, "a")  # noqa: SIM115 — held until the sweep ends
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise ScenarioError(
                str(self.folder), "", "another munsim sweep is working in this folder"
            ) from None
        self._lock = handle

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def record_attempt(self, started: str, backend: dict[str, Any]) -> None:
        self.state["attempts"].append({"started_utc": started, **backend})
        _write_json(self.folder / STATE, self.state)

    @property
    def concluded(self) -> bool:
        """Whether every output is written (the manifest is written last)."""
        return (self.folder / MANIFEST).is_file()

    def finish(self) -> Path:
        """Drop the working files and rename the folder into place.

        Killed half-way, a resume finds the manifest and only finishes this.
        """
        shutil.rmtree(self.shards, ignore_errors=True)
        self.unlock()
        (self.folder / LOCK).unlink(missing_ok=True)
        name = self.state["name"]
        for suffix in range(1, 1000):
            final = self.folder.parent / (name if suffix == 1 else f"{name}-{suffix}")
            try:
                os.rename(self.folder, final)
                break
            except OSError:
                if not final.exists():
                    raise
        else:
            raise OSError(f"no free name for {name} in {self.folder.parent}")
        (final / STATE).unlink(missing_ok=True)
        return final


def _manifest(
    plan: Plan,
    workspace: Workspace,
    results: pd.DataFrame,
    notes: list[str],
    finished: str,
    command: str,
) -> dict[str, Any]:
    experiment = plan.experiment
    info = experiment.info
    scenario = experiment.scenario
    attempts = workspace.state["attempts"]
    analysis = analysis_settings(plan)
    analysis["notes"] = notes
    return {
        "output_schema": OUTPUT_SCHEMA,
        "command": "sweep",
        "command_line": command,
        "experiment": experiment.name,
        "experiment_file": experiment.file,
        "experiment_sha256": experiment.sha256,
        "experiment_spec": experiment.spec.model_dump(mode="json"),
        "scenario": scenario.scenario.name,
        "scenario_file": scenario.source.path,
        "scenario_sha256": scenario.source.sha256,
        "variant": scenario.source.variant,
        "fixed_overrides": dict(info.set),
        "sampler": info.sampler,
        "sampler_seed": derived_seed(experiment.seed, "sampler"),
        "samples": plan.n_samples,
        "reps": plan.reps,
        "members": plan.members,
        "failed_members": int(results["error"].notna().sum()),
        "batch_size": plan.batch_size,
        "batches": plan.n_batches,
        "master_seed": experiment.seed,
        "common_random_numbers": info.common_random_numbers,
        "replication_seeds": plan.replication_seeds() if info.common_random_numbers else None,
        "parameters": [
            {
                "path": p.path,
                "kind": p.kind,
                "low": p.decode(p.low) if p.kind != "levels" else None,
                "high": p.decode(p.high) if p.kind != "levels" else None,
                "levels": list(p.levels) or None,
            }
            for p in experiment.parameters
        ],
        "outputs": [
            {
                "name": o.name,
                "metric": o.metric,
                "side": o.side,
                "munition": o.munition,
                "first_day": o.first_day,
                "last_day": o.last_day,
            }
            for o in experiment.outputs
        ],
        "analysis": analysis,
        "variants": experiment.variant_names or None,
        "columns": {
            column.path: [
                p.path
                for j, p in enumerate(experiment.parameters)
                if (p.factor if p.factor is not None else j) == i
            ]
            for i, column in enumerate(experiment.columns)
        },
        "resolved_parameters": scenario.model_dump(
            mode="json", by_alias=True, exclude={"variants"}
        ),
        "versions": versions(),
        "attempts": attempts,
        "started_utc": attempts[0]["started_utc"],
        "finished_utc": finished,
    }


def _conclude(plan: Plan, workspace: Workspace, command: str) -> SweepResult:
    """Results, sensitivity, manifest, figures and report, then the folder into place."""
    folder = workspace.folder
    assemble(plan, workspace.shards, folder / "results.parquet")
    results = pd.read_parquet(folder / "results.parquet")
    sensitivity, notes = analyse(plan, results)
    sensitivity.to_csv(folder / "sensitivity.csv", index=False)
    info = _manifest(plan, workspace, results, notes, utc_now(), command)
    figures = draw_figures(results, sensitivity, info, folder / "figures")
    write_report(folder / "report.html", info, sensitivity, figures)
    _write_json(folder / MANIFEST, info)
    final = workspace.finish()
    return SweepResult(final, results, sensitivity, info)


def _finished(folder: Path) -> SweepResult:
    """A finished sweep read back from its run folder."""
    return SweepResult(
        folder,
        pd.read_parquet(folder / "results.parquet"),
        pd.read_csv(folder / "sensitivity.csv"),
        json.loads((folder / MANIFEST).read_text()),
    )


def sweep(
    experiment: str | Path | Experiment,
    *,
    out: str | Path = "runs",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: str | Path | None = None,
    progress: bool | None = None,
    log: Callable[[str], None] | None = None,
    command: str | None = None,
) -> SweepResult:
    """Run (or finish) a sweep and write its run folder.

    Args:
        experiment: an experiment file (or one loaded with ``load_experiment``).
        out: parent folder of the run folder.
        workers: local worker processes (default: every core this process may use).
        scheduler: a Dask scheduler address (``tcp://HOST:PORT``) instead of local workers.
        resume: an unfinished sweep's folder (``OUT/.NAME.partial``) to finish.
        progress: show a progress bar (default: when stderr is a terminal).
        log: where to send one-line messages (the folder worked in, say).
        command: the command line, for the manifest.

    Returns:
        The run folder with the results and sensitivity tables and the manifest.

    Raises:
        ScenarioError: a bad experiment, scenario, option or resume folder, before
            anything is written.
    """
    say = log or (lambda message: None)
    loaded = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    plan = make_plan(loaded)
    workspace = Workspace.open(resume, plan) if resume is not None else None
    if workspace is not None and workspace.concluded:  # killed while moving into place
        workspace.lock()
        return _finished(workspace.finish())
    with open_backend(workers, scheduler, loaded.file) as backend:
        if workspace is None:
            workspace = Workspace.create(out, plan)
        workspace.lock()
        try:
            workspace.record_attempt(utc_now(), backend.describe())
            run_pending(
                plan, workspace.shards, backend, progress=progress, say=say, where=workspace.folder
            )
        except BaseException:
            workspace.unlock()
            raise
    try:
        return _conclude(plan, workspace, command or " ".join(sys.argv))
    finally:
        workspace.unlock()
