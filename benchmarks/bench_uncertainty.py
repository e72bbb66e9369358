"""A comparison across the uncertainty of the 2022-2025 scenario: how long, and the cost
of sampling beside a plain batch of the same members.

    .venv/bin/python benchmarks/bench_uncertainty.py             # 200 samples x 2 x 5
    .venv/bin/python benchmarks/bench_uncertainty.py --quick     # 20 samples x 2 x 2

Three timings, each in this process after the kernels are compiled:

- samples: ``run_across`` of 200 samples of the scenario's ``[[uncertainties]]`` × 2
  variants (baseline, no_dprk) × 5 replications = 2,000 members on 2 local workers: the
  batches (each sample's scenario built and validated, the members run, their outputs,
  the monthly ones included, summarised) and the sensitivity analysis;
- the same number of members of the scenario at its own values, in plain batches of
  250 (``run`` without the daily table) in this one process: what the engine alone
  costs;
- the whole command, ``munsim compare ... --uncertainty 200`` (the 20-replication
  comparison at the scenario's values, figures and report too), in a fresh process.

Goal: the whole command in a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WAR = ROOT / "scenarios" / "ukraine_war_2022_2025.toml"
CHUNK = 250


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    samples, reps = (20, 2) if args.quick else (200, 5)
    members = samples * reps * 2

    import sim
    from sim.engine.model import compile_kernels
    from sim.experiments.uncertainty import run_across, uncertainty_experiment

    compile_kernels()
    experiment = uncertainty_experiment(WAR, ["baseline", "no_dprk"], samples=samples, reps=reps)
    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        across = run_across(experiment, Path(work), workers=2, progress=False)
        sampled = time.perf_counter() - started
    assert across.settings["failed_members"] == 0

    scenario = sim.load_scenario(WAR)
    started = time.perf_counter()
    for first in range(0, members, CHUNK):  # batches of CHUNK: a whole batch's books in memory
        sim.run(scenario, reps=min(CHUNK, members - first), seed=first, timeseries=False)
    plain = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sim", "compare", str(WAR), "--uncertainty", str(samples),
             "--sample-reps", str(reps), "--out", out],
            check=True, capture_output=True, cwd=ROOT,
        )  # fmt: skip
        whole = time.perf_counter() - started

    print(f"{samples} samples x 2 variants x {reps} replications = {members} members")
    print(f"samples on 2 workers, with the analysis: {sampled:6.1f} s")
    print(f"the same members, plain batches of {CHUNK}, 1 process: {plain:6.1f} s")
    print(f"ratio, samples (2 workers) / plain (1 process): {sampled / plain:.2f}")
    print(f"the whole command (compare, samples, figures, report): {whole:6.1f} s")


if __name__ == "__main__":
    main()
