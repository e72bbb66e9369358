"""Time one batch of the 2022-2025 scenario at a few batch sizes.

Run: ``.venv/bin/python benchmarks/bench_ukraine_war.py [REPS ...]`` (default 1 20 100).
A batch of this ~1,400-day scenario costs about the same at any size up to ~100
members: the time goes on the daily Python work per agent, not on the member axis. That
is why `munsim check` defaults to 20 replications.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sim.experiments.runner import replication_seeds, simulate
from sim.scenario.loader import load_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "ukraine_war_2022_2025.toml"


def main(sizes: list[int]) -> None:
    scenario = load_scenario(SCENARIO)
    for reps in sizes:
        started = time.perf_counter()
        simulate([scenario] * reps, replication_seeds(1, reps), progress=False)
        took = time.perf_counter() - started
        print(f"{reps:4d} members: {took:6.1f} s  ({scenario.scenario.days} days)")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1, 20, 100])
