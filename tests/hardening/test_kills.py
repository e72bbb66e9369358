"""``kill -9`` of ``munsim run``, ``compare`` and ``check`` at random moments.

After every kill, each visible folder under ``--out`` is a whole run folder; what a kill
leaves half-written is hidden, refused by ``read_run``, and removed by the next command
writing into the same folder, while a live process's staging is never touched.

``MUNSIM_KILLS`` sets how many kills (default 10; ``make faults`` runs 60). Half of them
fall at a uniform moment of the command's measured duration, half while its run folder
is being written (the moment its staging folder appears, plus up to 0.3 s).
"""

from __future__ import annotations

import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from sim.outputs.results import STAGING, host_name, read_run, remove_stale_staging
from tests.support import ROOT, TUTORIAL, WAR, munsim

pytestmark = pytest.mark.slow

KILLS = int(os.environ.get("MUNSIM_KILLS", "10"))
COMMANDS = {
    "run": ("run", TUTORIAL, "--reps", "2"),
    "compare": ("compare", TUTORIAL, "--reps", "2"),
    "check": ("check", WAR, "--reps", "1"),
}


def _start(command: str, out: Path) -> subprocess.Popen:
    arguments = [sys.executable, "-m", "sim", *map(str, COMMANDS[command]), "--out", str(out)]
    return subprocess.Popen(
        arguments, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _staging_of(out: Path, pid: int) -> list[Path]:
    return [p for p in out.glob(".*.partial") if f".{pid}@" in p.name]


def _kill_at(process: subprocess.Popen, out: Path, rng: random.Random, duration: float) -> str:
    """Kill ``process`` at a random moment; say when it fell."""
    if rng.random() < 0.5:
        at = time.monotonic() + rng.uniform(0, 1.1 * duration)
        while time.monotonic() < at and process.poll() is None:
            time.sleep(0.002)
        moment = "uniform"
    else:
        deadline = time.monotonic() + 120 + 10 * duration
        while not _staging_of(out, process.pid) and process.poll() is None:
            assert time.monotonic() < deadline, "the command neither wrote nor ended"
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.3))
        moment = "writing"
    if process.poll() is not None:
        return "finished"
    process.send_signal(signal.SIGKILL)
    process.wait()
    return moment


def _contents(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def _assert_only_whole_folders(out: Path, whole: dict[str, set[str]]) -> None:
    """Every visible folder in ``out`` holds what its command's uninterrupted one does."""
    for folder in out.iterdir():
        if folder.name.startswith("."):
            if STAGING.match(folder.name) and not (folder / "manifest.json").is_file():
                with pytest.raises(FileNotFoundError, match="not a run folder"):
                    read_run(folder)
            continue
        command = next(c for c in COMMANDS if f"-{c}-" in folder.name)
        files = _contents(folder)
        assert files == whole[command], f"{folder} is half-written: {sorted(files)}"
        assert not read_run(folder)["summary"].empty


@pytest.fixture(scope="module")
def whole() -> tuple[dict[str, float], dict[str, set[str]]]:
    """Each command's time uninterrupted (the shorter of two: the first may compile),
    and what its run folder holds."""
    out = Path(tempfile.mkdtemp(prefix="munsim-whole-"))
    durations: dict[str, float] = {}
    contents: dict[str, set[str]] = {}
    for command, arguments in [*COMMANDS.items()] * 2:
        started = time.monotonic()
        done = munsim(*arguments, "--out", out)
        assert done.returncode == 0, done.stderr
        durations[command] = min(durations.get(command, math.inf), time.monotonic() - started)
        contents[command] = _contents(Path(done.stdout.strip().splitlines()[-1]))
    shutil.rmtree(out)
    return durations, contents


def test_kill_9_at_random_moments_leaves_no_visible_partial_folder(whole, tmp_path):
    durations, contents = whole
    out = tmp_path / "runs"
    out.mkdir()
    names = list(COMMANDS)
    moments: dict[str, int] = {}
    left_staging = 0
    scale = dict(durations)  # shortened for a command that finished before its kill
    attempts = 0
    while attempts - moments.get("finished", 0) < KILLS and attempts < 3 * KILLS:
        rng = random.Random(f"kill-{attempts}")
        command = names[attempts % len(names)]
        process = _start(command, out)
        moment = _kill_at(process, out, rng, scale[command])
        if moment == "finished":  # a loaded machine ran it faster than measured
            scale[command] *= 0.7
        moments[moment] = moments.get(moment, 0) + 1
        left_staging += bool(_staging_of(out, process.pid))
        _assert_only_whole_folders(out, contents)
        attempts += 1
    killed = attempts - moments.get("finished", 0)
    print(f"{attempts} attempts: {moments}; {left_staging} left a hidden staging folder")
    assert killed >= KILLS, f"too few kills landed: {moments}"
    assert left_staging >= 1, "no kill fell while a run folder was being written"

    # the next command into the folder clears what the killed ones left, and only that
    live = out / f".tutorial-run-x.{os.getpid()}@{host_name()}.abc.partial"
    live.mkdir()
    resumable = out / ".tutorial-sweep-20260101T000000Z.partial"  # a sweep's: --resume
    resumable.mkdir()
    done = munsim(*COMMANDS["run"], "--out", out)
    assert done.returncode == 0, done.stderr
    left = sorted(p.name for p in out.iterdir() if STAGING.match(p.name))
    assert left == [live.name]  # this test's own process is alive
    assert resumable.is_dir()
    _assert_only_whole_folders(out, contents)


def test_staging_of_a_dead_process_is_removed_and_a_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    gone = tmp_path / f".x-run-1.{dead.stdout.strip()}@{host_name()}.a1b2c3d4.partial"
    alive = tmp_path / f".x-run-2.{os.getpid()}@{host_name()}.a1b2c3d4.partial"
    elsewhere = tmp_path / f".x-run-3.{dead.stdout.strip()}@another-host.a1b2c3d4.partial"
    for folder in (gone, alive, elsewhere):
        folder.mkdir()
        (folder / "summary.csv").write_text("half")
    assert remove_stale_staging(tmp_path) == [gone]
    assert not gone.exists() and alive.is_dir() and elsewhere.is_dir()


def test_a_zombie_counts_as_gone(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    while Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    folder = tmp_path / f".x-run-1.{child.pid}@{host_name()}.a1b2c3d4.partial"
    folder.mkdir()
    assert remove_stale_staging(tmp_path) == [folder]
    child.wait()
