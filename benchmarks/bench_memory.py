"""How much memory a run takes, per member-day: the figures behind ``sim.outputs.memory``.

Run: ``.venv/bin/python benchmarks/bench_memory.py [SCENARIO] [REPS ...]``. Each count
runs in a fresh process (``munsim run`` through the Python API: simulate, build the
tables, write the run folder) and reports its peak resident memory; a least-squares
line through the peaks gives the fixed cost and the cost of one member-day.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import resource, sys, tempfile
import sim
from sim.outputs.results import write_run
scenario = sim.load_scenario(sys.argv[1])
tables = sim.run(scenario, reps=int(sys.argv[2]), seed=1, progress=False)
with tempfile.TemporaryDirectory() as out:
    write_run(tables, out)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, scenario.scenario.days)
"""


def peak_bytes(scenario: str, reps: int) -> tuple[int, int]:
    """Peak resident bytes of a run of ``reps`` members, and the scenario's days."""
    with tempfile.TemporaryDirectory():
        done = subprocess.run(
            [sys.executable, "-c", CHILD, scenario, str(reps)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
    peak, days = done.stdout.split()
    return int(peak), int(days)


def main(argv: list[str]) -> None:
    scenario = argv[0] if argv else str(ROOT / "scenarios" / "ukraine_war_2022_2025.toml")
    counts = [int(text) for text in argv[1:]] or [50, 200, 400]
    print(f"{scenario}: peak resident memory of a run")
    print(f"{'reps':>6} {'days':>6} {'peak MiB':>10}")
    member_days, peaks = [], []
    for reps in counts:
        peak, days = peak_bytes(scenario, reps)
        member_days.append(reps * days)
        peaks.append(peak)
        print(f"{reps:>6} {days:>6} {peak / 2**20:>10.0f}")
    slope, fixed = np.polyfit(member_days, peaks, 1)
    print(f"fixed {fixed / 2**20:.0f} MiB + {slope:.0f} bytes per member-day")
    print(f"this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
