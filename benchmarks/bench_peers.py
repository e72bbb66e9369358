"""munsim beside its peers on the reference network, in one run, interleaved.

The peers (``../shared/bench/peers`` beside this checkout, or ``--peers DIR``) are the
reference network written as a competent Mesa user would (``mesa_naive.py``), the numpy
floor (``floor_numpy.py``) and the compiled floor (``floor_numba.py``, one Numba
function). munsim runs the same network from ``benchmarks/reference.toml``.

First a cross-check with randomness off (the peers' "no-risk" case against munsim's
``norisk`` variant): the books must agree, but for the gaps the scenario file marks.
Then ``--rounds`` rounds, each timing every model once in turn (A B C D, A B C D, ...),
so that drift in the machine's speed hits all of them alike; the figures are medians
over the rounds of seconds per replication, and the ratios are taken within rounds.

A replication includes building the model (munsim: ``SupplyModel`` from a loaded
scenario, Mesa: its model object) and its final books; munsim also records every day's
books (the peers keep only the totals). Compile time is paid before the first round
(munsim's kernels come from the on-disk cache after the first run on a machine).

    .venv/bin/python benchmarks/bench_peers.py            # ~2 minutes
    .venv/bin/python benchmarks/bench_peers.py --rounds 3 --quick
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from sim.engine.model import SupplyModel
from sim.scenario.loader import load_scenario

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "reference.toml"
PEERS = HERE.parents[1] / "shared" / "bench" / "peers"
BOOKS = (
    "produced",
    "refurbished",
    "discarded",
    "imports_dispatched",
    "imports_arrived",
    "interdicted",
    "destroyed",
    "demanded",
    "fired",
    "duds",
)


def munsim_books(model: SupplyModel) -> dict[str, list[int]]:
    """The run's totals per book and munition (the peers' books)."""
    record = model.record
    return {name: record[name][:, 0].sum(axis=0).tolist() for name in BOOKS}


def crosscheck(peers) -> None:
    """Randomness off: munsim's books beside Mesa-naive's."""
    ref, mesa_naive = peers["reference"], peers["mesa_naive"]
    saved = dict(vars(ref))
    ref.PRODUCER_NOISE, ref.STRIKE_P, ref.INTERDICTION_P = (1.0, 1.0), 1e-15, 0.0
    try:
        mesa = mesa_naive.run_one(0).books
    finally:
        vars(ref).update(saved)
    model = SupplyModel([load_scenario(SCENARIO, variant="norisk")], [0])
    model.run()
    ours = munsim_books(model)
    print("\n### Cross-check, randomness off (Mesa-naive no-risk vs munsim `norisk`)\n")
    print("| book | munition | Mesa-naive | munsim | |")
    print("|---|---|---:|---:|---|")
    for name in BOOKS:
        for j, munition in enumerate(ref.MUNITIONS):
            theirs = mesa[name][munition]
            same = "same" if theirs == ours[name][j] else "differs"
            if same == "differs" and name == "duds":
                same = "differs (GAP: duds)"
            print(f"| {name} | {munition} | {theirs:,} | {ours[name][j]:,} | {same} |")


def timed(run, repeats: int) -> float:
    """Seconds per call of ``run``, over ``repeats`` calls.

    The garbage of the timings before is collected first, outside the clock: a Mesa
    model and its agents refer to each other, so a finished model (munsim's with its
    books, a few hundred MiB at 1,000 members) lives until Python's cycle collector
    runs, and the next timing would otherwise pay for its pages.
    """
    gc.collect()
    start = time.perf_counter()
    for i in range(repeats):
        run(i)
    return (time.perf_counter() - start) / repeats


def models(peers, scenario, quick: bool):
    """name → (seconds per replication of one timing, replications it covers)."""
    mesa_naive, floor_numba, floor_numpy = (
        peers["mesa_naive"],
        peers["floor_numba"],
        peers["floor_numpy"],
    )
    big = 200 if quick else 1000

    def munsim(members: int):
        def run(i: int) -> None:
            model = SupplyModel([scenario] * members, list(range(i, i + members)))
            model.run()

        return run

    return {
        "Mesa-naive, 1": (lambda: timed(mesa_naive.run_one, 3 if quick else 10), 1),
        "numpy floor, 1": (lambda: timed(lambda i: floor_numpy.run_batch(1, i), 2), 1),
        f"numpy floor, {big}": (
            lambda: timed(lambda i: floor_numpy.run_batch(big, i), 1) / big,
            big,
        ),  # fmt: skip
        "Numba floor, 1": (lambda: timed(lambda i: floor_numba.run_batch(1, i), 50), 1),
        f"Numba floor, {big}": (
            lambda: timed(lambda i: floor_numba.run_batch(big, i), 2) / big,
            big,
        ),  # fmt: skip
        "munsim, 1": (lambda: timed(munsim(1), 20), 1),
        f"munsim, {big}": (lambda: timed(munsim(big), 1) / big, big),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", type=Path, default=PEERS, help="the peers' folder")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, 200 members")
    args = parser.parse_args()
    if not (args.peers / "reference.py").is_file():
        sys.exit(f"error: {args.peers}: no peer benchmarks there (give --peers DIR)")
    sys.path.insert(0, str(args.peers))
    peers = {
        name: importlib.import_module(name)
        for name in ("reference", "mesa_naive", "floor_numpy", "floor_numba")
    }
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )
    crosscheck(peers)
    scenario = load_scenario(SCENARIO)
    table = models(peers, scenario, args.quick)
    for run, _ in table.values():  # warm-up: imports, compilation, first-touch memory
        run()
    seconds: dict[str, list[float]] = {name: [] for name in table}
    for _ in range(args.rounds):
        for name, (run, _) in table.items():
            seconds[name].append(run())
    print(f"\n### Seconds per replication, {args.rounds} interleaved rounds (median [min–max])\n")
    print("| model, batch | per replication | per member-day |")
    print("|---|---:|---:|")
    for name, values in seconds.items():
        median = statistics.median(values)
        print(
            f"| {name} | {median * 1e3:.3f} ms [{min(values) * 1e3:.3f}–{max(values) * 1e3:.3f}] "
            f"| {median / 1300 * 1e6:.3f} µs |"
        )
    big = next(name for name in table if name.startswith("munsim, ") and name != "munsim, 1")
    size = big.split(", ")[1]

    def ratio(a: str, b: str) -> str:
        per_round = [x / y for x, y in zip(seconds[a], seconds[b], strict=True)]
        return f"{statistics.median(per_round):.1f}× [{min(per_round):.1f}–{max(per_round):.1f}]"

    print("\n### Ratios, taken within each round (median [min–max])\n")
    print("| ratio | goal | measured |")
    print("|---|---|---:|")
    print(
        f"| Mesa-naive ÷ munsim, one replication | ≥ 10× | {ratio('Mesa-naive, 1', 'munsim, 1')} |"
    )
    print(f"| munsim ÷ Numba floor, {size} members | ≤ 3× | {ratio(big, f'Numba floor, {size}')} |")
    print(f"| Mesa-naive ÷ munsim, {size} members | ≥ 100× | {ratio('Mesa-naive, 1', big)} |")
    print(f"| munsim ÷ numpy floor, {size} members | | {ratio(big, f'numpy floor, {size}')} |")


if __name__ == "__main__":
    main()
