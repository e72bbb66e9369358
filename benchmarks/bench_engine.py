"""Engine cost: per member-day by batch size, and how it grows with days and agents.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_engine.py``). Prints
Markdown tables; the figures in benchmarks/README.md come from this script.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import time
from pathlib import Path

from sim.engine.model import SupplyModel
from sim.scenario.loader import build_scenario, read_raw

TUTORIAL = Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.toml"


def scenario(days: int = 365, extra_units: int = 0, extra_depots: int = 0):
    """The tutorial, with more days, front units or forward depots (copies of existing ones)."""
    raw, _ = read_raw(TUTORIAL)
    raw = copy.deepcopy(raw)
    raw["scenario"]["days"] = days
    template_depot = next(d for d in raw["depots"] if d["id"] == "forward")
    template_link = raw["links"][0]
    for i in range(extra_depots):
        raw["depots"].append({**copy.deepcopy(template_depot), "id": f"forward_{i}"})
        raw["links"].append({**template_link, "id": f"rail_{i}", "to": f"forward_{i}"})
    depots = ["forward"] + [f"forward_{i}" for i in range(extra_depots)]
    template_unit = raw["front_units"][0]
    for i in range(extra_units):
        unit = {
            **copy.deepcopy(template_unit),
            "id": f"sector_{i}",
            "depot": depots[i % len(depots)],
        }
        raw["front_units"].append(unit)
    return build_scenario(raw, file=str(TUTORIAL))


def timed(members: int, s, repeat: int = 3) -> tuple[float, float]:
    """Best of ``repeat``: (build seconds, run seconds) for a batch of ``members``."""
    best_build, best_run = float("inf"), float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        model = SupplyModel([s] * members, list(range(members)))
        built = time.perf_counter()
        model.run()
        done = time.perf_counter()
        best_build = min(best_build, built - start)
        best_run = min(best_run, done - built)
    return best_build, best_run


def batch_sizes(repeat: int) -> None:
    s = scenario()
    print("\n### Cost per member-day by batch size (tutorial, 365 days)\n")
    print("| members | build s | run s | µs per member-day | vs one member |")
    print("|---:|---:|---:|---:|---:|")
    lone = None
    for members in (1, 10, 100, 1000):
        build, run = timed(members, s, repeat)
        per = (build + run) / (members * s.scenario.days) * 1e6
        lone = lone or per
        print(f"| {members} | {build:.3f} | {run:.3f} | {per:.1f} | {lone / per:.0f}× |")


def growth(repeat: int) -> None:
    print("\n### Growth with days (100 members)\n")
    print("| days | run s | ms per day |")
    print("|---:|---:|---:|")
    for days in (100, 365, 1460):
        _, run = timed(100, scenario(days=days), repeat)
        print(f"| {days} | {run:.3f} | {run / days * 1e3:.2f} |")
    print("\n### Growth with agents (100 members, 365 days)\n")
    print("| front units | depots | run s | ms per day |")
    print("|---:|---:|---:|---:|")
    for units, depots in ((0, 0), (6, 2), (27, 8), (57, 18)):
        s = scenario(extra_units=units, extra_depots=depots)
        _, run = timed(100, s, repeat)
        print(f"| {3 + units} | {2 + depots} | {run:.3f} | {run / 365 * 1e3:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    batch_sizes(args.repeat)
    growth(args.repeat)


if __name__ == "__main__":
    main()
