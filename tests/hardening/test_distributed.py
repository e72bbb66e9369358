"""A sweep on a real Dask cluster (``dask scheduler`` and two ``dask worker`` processes
on 127.0.0.1) survives ``kill -9`` of its workers mid-sweep, and gives the same results
table, byte for byte, as the sweep run uninterrupted on local workers.

Then: two sweeps and two runs started at the same moment into the same folder all end
in distinct, whole run folders.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from sim.outputs.results import read_run
from tests.experiments.sweep_support import SOBOL, write
from tests.support import ROOT, TUTORIAL, munsim

pytestmark = pytest.mark.slow

DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _finished(done: subprocess.CompletedProcess) -> Path:
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip().splitlines()[-1])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two nannied workers, one thread each; yields (address, nannies)."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    started = []

    def start(name: str, *arguments: str) -> subprocess.Popen:
        log = open(logs / f"{name}.log", "w")  # noqa: SIM115 — closed with the process
        process = subprocess.Popen(
            [str(DASK), *arguments], cwd=ROOT, stdout=log, stderr=log, start_new_session=True
        )
        started.append((process, log))
        return process

    start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port),
          "--no-dashboard")  # fmt: skip
    nannies = [
        start(f"worker{i}", "worker", address, "--nthreads", "1", "--nworkers", "1",
              "--host", "127.0.0.1", "--no-dashboard", "--local-directory", str(tmp_path))
        for i in range(2)
    ]  # fmt: skip
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=120)
    yield address, nannies
    for process, log in reversed(started):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        log.close()


def _worker_processes(nanny: subprocess.Popen) -> list[psutil.Process]:
    """The processes a nanny runs its worker in (not the nanny itself)."""
    return psutil.Process(nanny.pid).children(recursive=True)


def test_killed_dask_workers_are_replaced_and_the_results_are_identical(cluster, tmp_path):
    address, nannies = cluster
    file = write(tmp_path, SOBOL)
    reference = _finished(munsim("sweep", file, "--workers", "1", "--out", tmp_path / "ref"))

    out = tmp_path / "runs"
    command = [sys.executable, "-m", "sim", "sweep", str(file), "--scheduler", address,
               "--out", str(out)]  # fmt: skip
    sweep = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)  # fmt: skip
    killed = []
    for shards, nanny in ((2, nannies[0]), (5, nannies[1])):  # each worker once, mid-sweep
        deadline = time.monotonic() + 300
        while len(list(out.glob(".*.partial/shards/batch-*.parquet"))) < shards:
            assert sweep.poll() is None, sweep.communicate()
            assert time.monotonic() < deadline, "no shards came"
            time.sleep(0.01)
        for process in _worker_processes(nanny):
            process.send_signal(signal.SIGKILL)
            killed.append(process.pid)
    stdout, stderr = sweep.communicate(timeout=600)
    assert sweep.returncode == 0, stderr
    assert len(killed) >= 2
    assert all(not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"
               for pid in killed)  # fmt: skip
    done = Path(stdout.strip().splitlines()[-1])
    assert _sha(done / "results.parquet") == _sha(reference / "results.parquet")
    results = pd.read_parquet(done / "results.parquet")
    assert len(results) == 80 and not results.duplicated(["sample", "replication"]).any()


def test_two_sweeps_and_two_runs_at_the_same_moment_end_in_distinct_folders(tmp_path):
    file = write(tmp_path, SOBOL)
    out = tmp_path / "runs"
    commands = [
        ("sweep", file, "--workers", "1", "--out", out),
        ("sweep", file, "--workers", "1", "--out", out),
        ("run", TUTORIAL, "--reps", "2", "--out", out),
        ("run", TUTORIAL, "--reps", "2", "--out", out),
    ]
    go = threading.Barrier(len(commands))
    found: list[subprocess.CompletedProcess] = [None] * len(commands)  # type: ignore[list-item]

    def start(i: int) -> None:
        go.wait()
        found[i] = munsim(*commands[i])

    threads = [threading.Thread(target=start, args=(i,)) for i in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    folders = [_finished(done) for done in found]
    assert len(set(folders)) == 4
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        f.name for f in folders
    )
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    sweeps = [read_run(f)["results"] for f in folders[:2]]
    pd.testing.assert_frame_equal(sweeps[0], sweeps[1])
    runs = [read_run(f)["summary"] for f in folders[2:]]
    pd.testing.assert_frame_equal(runs[0], runs[1])


def test_run_folders_written_at_once_in_one_second_get_distinct_names(tmp_path):
    """Many writers in one process and second: each gets its own suffix, none is lost."""
    from concurrent.futures import ThreadPoolExecutor

    from sim.outputs.results import new_run_folder

    def fill(folder: Path) -> None:
        (folder / "manifest.json").write_text("{}\n")
        time.sleep(0.05)

    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda _: new_run_folder(tmp_path, "same-name", fill), range(16)))
    assert len(set(made)) == 16
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["same-name"] + [f"same-name-{k}" for k in range(2, 17)]
    )
