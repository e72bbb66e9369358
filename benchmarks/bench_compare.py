"""How long a paired comparison takes: simulation, paired table, figures and report.

Run: ``.venv/bin/python benchmarks/bench_compare.py [SCENARIO] [REPS ...]``. Prints one
line per replication count; timings on a shared machine are noisy, take the best of a
few runs.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import sim
from sim.outputs.report import write_comparison

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> None:
    scenario = argv[0] if argv else str(ROOT / "scenarios" / "tutorial.toml")
    counts = [int(text) for text in argv[1:]] or [10, 50, 200]
    print(f"{scenario}: seconds for compare (simulate + tables) and write (figures + report)")
    print(f"{'reps':>6} {'compare':>9} {'write':>9} {'members/s':>10}")
    for reps in counts:
        started = time.perf_counter()
        result = sim.compare(scenario, reps=reps, seed=1, progress=False)
        compared = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            write_comparison(result, out, started="", finished="", progress=False)
            written = time.perf_counter() - started
        print(f"{reps:>6} {compared:>9.2f} {written:>9.2f} {2 * reps / compared:>10.0f}")


if __name__ == "__main__":
    main(sys.argv[1:])
