"""The 2022-2025 scenario: whole runs by batch size, memory, and the cost of compiling.

Run: ``.venv/bin/python benchmarks/bench_ukraine_war.py [--quick]``. Prints Markdown
tables; the figures in benchmarks/README.md come from here.

- Whole runs (build the model, run all 1,407 days, daily record kept) of 1, 50 and
  1,000 members, best of a few repeats, and 50 members keeping only what a page of
  fan charts draws: the students' page needs 50 members in 0.5 s. User CPU time beside
  the wall clock: the rest is mostly the kernel zeroing fresh memory, which on a
  virtual machine can cost as much as the run.
- Peak memory of ``sim.run(reps=1000)`` with and without the daily table, each in a
  fresh process.
- Compiling: ``import sim`` and a first run with an empty kernel cache, and with the
  cache the first run left behind, each in a fresh process.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.engine.model import SupplyModel
from sim.experiments.runner import replication_seeds
from sim.scenario.loader import load_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "ukraine_war_2022_2025.toml"

MEMORY = """
import sys
import sim
s = sim.load_scenario(sys.argv[1])
sim.run(s, reps=1000, seed=1, timeseries=sys.argv[2] == "1", progress=False)
# the process's own high-water mark (ru_maxrss would include the parent's, as Linux
# carries it over fork and exec)
status = open("/proc/self/status").read().split("VmHWM:")[1]
print(status.split()[0])
"""

FIRST_RUN = """
import time
started = time.perf_counter()
import sim
from sim.engine.model import compile_kernels
imported = time.perf_counter() - started
compile_kernels()
print(imported, time.perf_counter() - started)
"""


PAGE = ("stock_legacy", "stock_depot", "stock_unit", "in_transit", "fired", "duds",
        "tubes_serviceable")  # fmt: skip
"""What a page of fan charts draws (stocks by tier, fire and effective fire, guns)."""


def whole_runs(sizes: list[int], repeats: int) -> None:
    scenario = load_scenario(SCENARIO)
    days = scenario.scenario.days
    SupplyModel([scenario], [0]).run()  # kernels loaded, memory warm
    print("\n### Whole runs (build + 1,407 days), best of", repeats, "\n")
    print("| members | daily record | seconds | of it user CPU | µs per member-day |")
    print("|---:|---|---:|---:|---:|")
    runs = [(members, None) for members in sizes] + [(50, PAGE)]
    for members, keep in runs:
        seeds = replication_seeds(1, members)
        best, cpu = float("inf"), float("inf")
        for _ in range(repeats):
            gc.collect()  # the run before's model (a cycle with its agents), off the clock
            started, used = time.perf_counter(), os.times().user
            SupplyModel([scenario] * members, seeds, keep=keep).run()
            best = min(best, time.perf_counter() - started)
            cpu = min(cpu, os.times().user - used)  # not the kernel's time for fresh pages
        kept = "all accounts" if keep is None else f"{len(keep)} accounts"
        print(f"| {members:,} | {kept} | {best:.3f} | {cpu:.3f} | "
              f"{best / members / days * 1e6:.2f} |")  # fmt: skip


def peak_memory() -> None:
    print("\n### Peak memory of `sim.run(reps=1000)` (a fresh process each)\n")
    print("| daily table | peak RSS |")
    print("|---|---:|")
    for table in ("1", "0"):
        done = subprocess.run(
            [sys.executable, "-c", MEMORY, str(SCENARIO), table],
            capture_output=True,
            text=True,
            check=True,
        )
        kib = int(done.stdout.split()[-1])
        print(f"| {'with' if table == '1' else 'without'} | {kib / 2**20:.2f} GiB |")


def compile_cost() -> None:
    print("\n### Compiling (a fresh process each)\n")
    print("| kernel cache | `import sim` | import + first run |")
    print("|---|---:|---:|")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for label in ("empty", "filled by the run before"):
            done = subprocess.run(
                [sys.executable, "-c", FIRST_RUN], capture_output=True, text=True, env=env
            )
            imported, total = (float(x) for x in done.stdout.split())
            print(f"| {label} | {imported:.2f} s | {total:.2f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, 200 members")
    args = parser.parse_args()
    whole_runs([1, 50, 200 if args.quick else 1000], 2 if args.quick else 3)
    if not args.quick:
        peak_memory()
    compile_cost()


if __name__ == "__main__":
    main()
