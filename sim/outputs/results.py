"""Run folders: written whole or not at all, and read back as tables.

A run folder is built in a hidden temporary sibling and renamed into place when every
file is written, so a folder that exists is complete.

Example:
    >>> tables = read_run("runs/tutorial-run-20260101T000000Z")  # doctest: +SKIP
    >>> tables["summary"].columns[:4].tolist()  # doctest: +SKIP
    ['replication', 'variant', 'side', 'munition']
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.runner import RunTables
from sim.experiments.validation import CheckResult
from sim.outputs.bargain import bargain_by_year
from sim.outputs.labels import variant_description


def versions() -> dict[str, str]:
    """Versions of munsim and what it stands on."""
    out = {"python": platform.python_version()}
    packages = ("munsim", "mesa", "numpy", "pandas", "pyarrow", "pydantic", "scipy", "matplotlib")
    for package in packages:
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "unknown"
    return out


def json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def manifest(tables: RunTables, *, command: str, started: str, finished: str) -> dict[str, Any]:
    """What produced a run: the output schema, scenario and hash, resolved parameters,
    seeds, versions."""
    # imported here: ``import sim`` loads this module, and ``python -m sim.outputs.columns``
    # wants the registry not yet loaded when it runs
    from sim.outputs.columns import OUTPUT_SCHEMA

    first = next(iter(tables.scenarios.values()))
    source = first.source
    return {
        "output_schema": OUTPUT_SCHEMA,
        "scenario": first.scenario.name,
        "scenario_file": source.path if source else None,
        "scenario_sha256": source.sha256 if source else None,
        "command": command,
        "master_seed": tables.master_seed,
        "replication_seeds": tables.seeds,
        "variants": list(tables.scenarios),
        "variant_descriptions": {
            name: variant_description(s) for name, s in tables.scenarios.items()
        },
        "overrides": {name: s.source.overrides for name, s in tables.scenarios.items() if s.source},
        "resolved_parameters": {
            name: s.model_dump(mode="json", by_alias=True, exclude={"variants"})
            for name, s in tables.scenarios.items()
        },
        "versions": versions(),
        "started_utc": started,
        "finished_utc": finished,
        **tables.extra,
    }


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a table to Parquet, with calendar dates stored as dates."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if "date" in table.column_names:
        index = table.column_names.index("date")
        table = table.set_column(index, "date", table.column("date").cast(pa.date32()))
    pq.write_table(table, path)


STAGING = re.compile(r"^\..+\.(?P<pid>\d+)@(?P<host>[A-Za-z0-9_-]*)\.[A-Za-z0-9_]+\.partial$")
"""A run folder being written: ``.<name>.<pid>@<host>.<random>.partial`` (hidden, so
nothing lists it as a run; a sweep's own ``.<name>.partial`` never matches)."""


def host_name() -> str:
    """This machine's name as a staging folder records it."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", platform.node())


def _process_gone(pid: int) -> bool:
    """Whether process ``pid`` of this machine has ended (a zombie has)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def remove_stale_staging(out_dir: str | Path) -> list[Path]:
    """Remove the half-written run folders that killed processes of this machine left
    in ``out_dir``; a live process's, or another machine's, are kept. Returns them."""
    removed: list[Path] = []
    try:
        entries = list(Path(out_dir).iterdir())
    except OSError:
        return removed
    host = host_name()
    for entry in entries:
        found = STAGING.match(entry.name)
        if found and found["host"] == host and _process_gone(int(found["pid"])):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def new_run_folder(out_dir: str | Path, name: str, fill: Callable[[Path], None]) -> Path:
    """Create ``out_dir/name`` atomically: ``fill`` writes into a temporary sibling.

    If ``fill`` fails, the temporary folder is removed and nothing appears; one left by
    a killed process is removed by the next run folder written into ``out_dir``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out)
    prefix = f".{name}.{os.getpid()}@{host_name()}."
    staging = Path(tempfile.mkdtemp(prefix=prefix, suffix=".partial", dir=out))
    try:
        fill(staging)
        final = out / name
        suffix = 1
        while True:
            try:
                os.rename(staging, final)  # fails if final exists and is not empty
                break
            except OSError:
                if not final.exists():
                    raise
                suffix += 1
                final = out / f"{name}-{suffix}"
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def run_folder_name(scenario: str, command: str, label: str | None = None) -> str:
    """``<scenario>-<command>[-<label>]-<UTC time>``."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{scenario}-{command}-{label}-{stamp}" if label else f"{scenario}-{command}-{stamp}"


LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.=+,-]{0,79}$")
"""What a run folder's label may be: letters, digits and ``_ . = + , -``, at most 80."""


def overrides_label(overrides: dict[str, Any]) -> str | None:
    """A label that says what ``--set`` changed, ``set-KEY=VALUE+...`` (each path by its
    last part; cut to fit ``LABEL``), or None without overrides."""
    if not overrides:
        return None
    parts = [f"{path.rsplit('.', 1)[-1]}={value}" for path, value in overrides.items()]
    text = re.sub(r"[^A-Za-z0-9_.=+,-]", "_", "set-" + "+".join(parts))
    return text[:80]


def write_run(
    tables: RunTables,
    out_dir: str | Path,
    *,
    command_name: str = "run",
    command: str | None = None,
    started: str | None = None,
    finished: str | None = None,
    extra: Callable[[Path], None] | None = None,
    label: str | None = None,
) -> Path:
    """Write a run folder (manifest, the daily tables, summary, ``bargain.csv`` where
    suppliers are paid, and any ``extra`` files).

    Args:
        command_name: the middle part of the folder name (``run``, ``compare``, ...).
        label: names the run in the folder name and the manifest (default: what the
            overrides changed, ``overrides_label``, or nothing).
        command: the command line to record (default: this process's).
        started, finished: UTC times to record (default: now).
        extra: writes more files into the folder before it appears.
    """
    first = next(iter(tables.scenarios.values()))
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if label is None and first.source is not None:
        label = overrides_label(first.source.overrides)
    info = manifest(
        tables,
        command=command or " ".join(sys.argv),
        started=started or now,
        finished=finished or now,
    )
    info["label"] = label

    def fill(folder: Path) -> None:
        if tables.timeseries is not None:
            write_parquet(tables.timeseries, folder / "timeseries.parquet")
        if tables.guns is not None:
            write_parquet(tables.guns, folder / "guns.parquet")
        if tables.front is not None:
            write_parquet(tables.front, folder / "front.parquet")
        if tables.payments is not None:
            write_parquet(tables.payments, folder / "payments.parquet")
        if tables.suppliers is not None:
            write_parquet(tables.suppliers, folder / "suppliers.parquet")
        bargain = bargain_by_year(
            {"manifest": info, "payments": tables.payments, "suppliers": tables.suppliers,
             "timeseries": tables.timeseries}
        )  # fmt: skip
        if not bargain.empty:
            bargain.to_csv(folder / "bargain.csv", index=False)
        tables.summary.to_csv(folder / "summary.csv", index=False)
        if tables.outcomes is not None:
            tables.outcomes.to_csv(folder / "outcomes.csv", index=False)
        if extra is not None:
            extra(folder)
        text = json.dumps(info, indent=2, default=json_default)
        (folder / "manifest.json").write_text(text + "\n")

    name = run_folder_name(first.scenario.name, command_name, label)
    return new_run_folder(out_dir, name, fill)


def read_run(path: str | Path) -> dict[str, Any]:
    """A run folder's tables: ``manifest`` (dict) and each table as a DataFrame.

    Keys: ``manifest``, ``summary``, and where present ``timeseries``, ``guns``,
    ``front``, ``payments``, ``suppliers``, ``paired``, ``decomposition``, ``outcomes``,
    ``consequences``, ``bargain``,
    ``results``, ``sensitivity``, ``check``, ``provenance``, and across the uncertainty
    ``samples``, ``uncertainty``, ``drivers``, ``fan``, ``robustness``, ``discovery``,
    ``predictive``, ``posterior``, ``effects``.
    """
    folder = Path(path)
    if not (folder / "manifest.json").is_file():
        raise FileNotFoundError(f"{folder}: not a run folder (no manifest.json)")
    out: dict[str, Any] = {"manifest": json.loads((folder / "manifest.json").read_text())}
    for name in ("timeseries", "guns", "front", "payments", "suppliers", "results", "samples"):
        file = folder / f"{name}.parquet"
        if file.is_file():
            frame = pd.read_parquet(file)
            if "date" in frame.columns:
                frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[s]")
            out[name] = frame
    for name in ("summary", "paired", "decomposition", "outcomes", "consequences", "bargain",
                 "sensitivity", "check", "provenance", "uncertainty", "drivers", "fan",
                 "robustness", "discovery", "predictive", "posterior", "effects"):  # fmt: skip
        file = folder / f"{name}.csv"
        if file.is_file():
            out[name] = pd.read_csv(file)
    return out


def write_check(
    result: CheckResult,
    out_dir: str | Path,
    *,
    started: str,
    finished: str,
    label: str | None = None,
) -> Path:
    """Write the run folder of a check: manifest, summary, ``check.csv`` and the
    validation figure (and, where suppliers are paid, their tables and ``bargain.csv``;
    across the uncertainty, the predictive tables and the samples)."""
    from sim.outputs.validation_report import draw_check, write_predictive

    predictive = result.predictive
    command = " ".join(sys.argv)
    info = manifest(result.tables, command=command, started=started, finished=finished)

    def extra(folder: Path) -> None:
        result.table.to_csv(folder / "check.csv", index=False)
        if predictive is not None:
            write_predictive(folder, predictive)
        if result.provenance is not None:
            result.provenance.to_csv(folder / "provenance.csv", index=False)
        # drawn from the tables as written, as `munsim plot` draws them again
        contents = {"manifest": info} | {
            name: pd.read_csv(folder / f"{name}.csv")
            for name in ("check", "predictive", "effects", "posterior", "provenance")
            if (folder / f"{name}.csv").is_file()
        }
        draw_check(folder, contents)  # figures/validation.* and report.html

    return write_run(
        result.tables,
        out_dir,
        command_name="check",
        started=started,
        finished=finished,
        extra=extra,
        label=label,
        command=command,
    )
