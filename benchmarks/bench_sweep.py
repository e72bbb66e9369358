"""Sweep benchmarks: members per second by worker count, and peak memory by sample count.

    .venv/bin/python benchmarks/bench_sweep.py                 # both, full size
    .venv/bin/python benchmarks/bench_sweep.py --quick         # smaller, for a smoke run

Throughput: a Latin-hypercube sweep of the tutorial scenario (365 days, 5 parameters,
1 replication), batches of 128 members, run through the local backend with 1 and with
2 worker processes; members per second counts the batches' wall time, the start of
the worker processes excluded (it is paid once per sweep, and reported). Goal: 2
workers at least 1.8 x one.

Memory: the whole ``sweep()`` (plan, batches, shards, results, analysis, figures) with
2,000 and with 20,000 samples, each in a fresh process with one worker (in process, so
its peak resident memory is the process's) and the default batch size (250 and 256
members). Goal: the same peak.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "scenarios" / "tutorial.toml"

EXPERIMENT = """
[experiment]
scenario = "{scenario}"
sampler = "lhs"
samples = {samples}
reps = 1
seed = 1
{batch_line}
set = {{ "scenario.days" = {days} }}

[[parameters]]
path = "depots.forward.throughput_rounds_per_day"
low = 12000
high = 30000

[[parameters]]
path = "strikes.guided_rockets.strikes_per_day"
low = 0.0
high = 0.5

[[parameters]]
path = "importers.dprk.start_date"
low = 2023-06-01
high = 2023-11-01

[[parameters]]
path = "producers.industry.capacity_scale"
low = 0.7
high = 1.3

[[parameters]]
path = "importers.dprk.dud_rate"
low = 0.05
high = 0.4

[[outputs]]
metric = "effective_fire_total"
side = "RU"

[[outputs]]
metric = "shortfall_total"
side = "RU"
"""


def experiment_file(folder: Path, samples: int, batch_size: int | None, days: int = 365) -> Path:
    path = folder / f"bench_{samples}.toml"
    batch_line = "" if batch_size is None else f"batch_size = {batch_size}"
    text = EXPERIMENT.format(scenario=TUTORIAL, samples=samples, batch_line=batch_line, days=days)
    path.write_text(text)
    return path


def throughput(samples: int, workers: int, folder: Path) -> float:
    """Members per second through the local backend with ``workers`` processes."""
    from sim.experiments.backends import LocalBackend
    from sim.experiments.batch import SweepContext
    from sim.experiments.experiment import load_experiment
    from sim.experiments.plan import make_plan

    experiment = load_experiment(experiment_file(folder, samples, batch_size=128))
    plan = make_plan(experiment)
    jobs = [plan.job(i) for i in range(plan.n_batches)]
    context = SweepContext.of(experiment)
    started = time.perf_counter()
    rows = sum(table.num_rows for _, table in LocalBackend(workers).run(context, jobs))
    return rows / (time.perf_counter() - started)


def peak_memory(samples: int, folder: Path) -> dict:
    """Run a whole sweep in a fresh process; its peak resident memory and time."""
    file = experiment_file(folder, samples, batch_size=None)  # the default batch size
    code = (
        "import resource, sys, time, json\n"
        "from sim.outputs.sweeps import sweep\n"
        "started = time.perf_counter()\n"
        f"done = sweep({str(file)!r}, out={str(folder / 'runs')!r}, workers=1, progress=False)\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "seconds = round(time.perf_counter() - started, 1)\n"
        "rows = len(done.results)\n"
        "print(json.dumps({'peak_mib': round(peak), 'seconds': seconds, 'rows': rows}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        samples = 256 if args.quick else 2048
        started = time.perf_counter()
        throughput(256, 2, folder)  # starts the worker server (two batches, so a pool)
        cold = time.perf_counter() - started
        rates = {workers: throughput(samples, workers, folder) for workers in (1, 2)}
        print(f"throughput, {samples} members of 365 days, batches of 128:")
        for workers, rate in rates.items():
            print(f"  {workers} worker(s): {rate:7.1f} members/s")
        print(f"  speed-up with 2 workers: {rates[2] / rates[1]:.2f} x (goal >= 1.8)")
        print(f"  (a first 256-member run, starting the worker server: {cold:.1f} s, not counted)")
        sizes = (200, 2000) if args.quick else (2000, 20000)
        print("peak memory of a whole sweep, 1 worker, default batch size:")
        for size in sizes:
            found = peak_memory(size, folder)
            print(f"  {size:6d} samples: {found['peak_mib']} MiB, {found['seconds']} s")


if __name__ == "__main__":
    main()
