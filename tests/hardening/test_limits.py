"""A run too large for this machine's memory is refused before it starts: one line
naming ``--reps`` and the estimate, exit code 2, nothing allocated or written. And the
estimate holds: above what a real run takes, but not by much."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

import sim
from sim.experiments.memory import available_bytes, estimated_bytes
from tests.support import ROOT, TUTORIAL, WAR

pytestmark = pytest.mark.slow


def _run(*arguments: object) -> tuple[int, str, int, float]:
    """Exit code, stderr, peak resident bytes and seconds of ``python -m sim ARGS``."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "sim", *map(str, arguments)], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stderr is not None
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, stderr, usage.ru_maxrss * 1024, time.monotonic() - started


@pytest.mark.parametrize(
    ("command", "scenario", "variants"),
    [("run", WAR, ""), ("compare", WAR, " × 2 variants"), ("check", WAR, "")],
)
def test_a_huge_reps_is_refused_at_once(command, scenario, variants, tmp_path):
    out = tmp_path / "runs"
    code, stderr, peak, seconds = _run(command, scenario, "--reps", 10**9, "--out", out)
    assert code == 2, stderr
    (line,) = stderr.strip().splitlines()
    assert line.startswith(f"error: {scenario}: --reps: 1000000000 replications{variants} × ")
    assert "GiB of memory" in line and "GiB is available; at most " in line
    assert peak < 1 * 2**30, f"it allocated {peak / 2**20:.0f} MiB before refusing"
    assert seconds < 60
    assert not out.exists()


def test_what_fits_is_not_refused(tmp_path):
    code, stderr, _, _ = _run("run", TUTORIAL, "--reps", 2, "--out", tmp_path)
    assert code == 0, stderr


def test_the_estimate_is_above_a_real_run_but_within_a_third(tmp_path):
    reps = 50
    code, stderr, peak, _ = _run("run", WAR, "--reps", reps, "--out", tmp_path)
    assert code == 0, stderr
    estimate = estimated_bytes(sim.load_scenario(WAR), reps)
    assert peak < estimate < 1.33 * peak, (peak, estimate)


def test_available_memory_is_read():
    available = available_bytes()
    assert available is not None and available > 0
