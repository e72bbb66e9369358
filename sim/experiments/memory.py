"""How much memory a run needs, estimated before it starts, so one that cannot fit is
refused at once instead of failing hours later (or being killed by the system).

A run keeps each member's daily books, ``int64[days, members, series]`` per account,
and builds its tables from them. Its peak memory is a fixed part (Python, the kernels,
the libraries) plus a part proportional to the recorded values, one per member, day
and account of a series (a side's munition, a side's tube type, the front, a payment
stream, a supplier). Measured with ``benchmarks/bench_memory.py`` (peak resident
memory of ``munsim run`` at 50, 200 and 400 members of the 2022-2025 war scenario, 544
values per member-day): 342 MiB + 8,109 bytes per member-day, 14.9 bytes a value; the
tutorial scenario (93 values per member-day) measures about 10.6 bytes a value.

Example:
    >>> import sim
    >>> scenario = sim.load_scenario("scenarios/ukraine_war_2022_2025.toml")
    >>> daily_values(scenario)
    544
    >>> round(estimated_bytes(scenario, members=400) / 2**30, 1)  # measured: 4.6
    5.0
"""

from __future__ import annotations

import re
from pathlib import Path

from sim.engine.accounts import ACCOUNTS, FRONT, GUNS, PAYMENTS
from sim.engine.agents.payments import stream_pairs
from sim.engine.structure import front_pairs_of, gun_pairs_of, side_munition_pairs
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Scenario

FIXED_BYTES = 400 * 2**20
"""What a run takes whatever its size (measured 342 MiB, rounded up)."""
BYTES_PER_VALUE = 16
"""Peak bytes per recorded value: the books' 8 plus the tables built from them
(measured 14.9 on the war scenario, rounded up)."""
MARGIN = 0.8
"""The share of the available memory a run may plan to use."""
SUPPLIER_COLUMNS = 5  # rounds, interdicted, shipments, made, containers


def daily_values(scenario: Scenario) -> int:
    """The values a member records each day, over all its books."""
    return (
        len(side_munition_pairs(scenario)) * len(ACCOUNTS)
        + len(gun_pairs_of(scenario)) * len(GUNS.accounts)
        + len(front_pairs_of(scenario)) * len(FRONT.accounts)
        + len(stream_pairs(scenario)) * len(PAYMENTS.accounts)
        + len(scenario.importers) * SUPPLIER_COLUMNS
    )


def estimated_bytes(scenario: Scenario, members: int) -> int:
    """Peak memory of a run of ``members`` members of ``scenario``, in bytes."""
    return FIXED_BYTES + BYTES_PER_VALUE * daily_values(scenario) * scenario.scenario.days * members


def available_bytes() -> int | None:
    """Memory this process may still use: the system's available memory, or less under
    a control group's limit; None where neither can be read."""
    found = []
    try:
        meminfo = Path("/proc/meminfo").read_text()
    except OSError:
        meminfo = ""
    match = re.search(r"^MemAvailable:\s+(\d+) kB", meminfo, re.MULTILINE)
    if match:
        found.append(int(match[1]) * 1024)
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text().strip()
    except OSError:
        limit = used = "max"
    if limit.isdigit() and used.isdigit():
        found.append(int(limit) - int(used))
    return min(found) if found else None


def require_memory(
    scenario: Scenario, reps: int, file: str, *, variants: int = 1, option: str = "--reps"
) -> None:
    """Refuse (``ScenarioError`` naming ``option``) a run of ``reps`` replications of
    ``variants`` variants whose estimate exceeds ``MARGIN`` of the available memory."""
    available = available_bytes()
    if available is None:
        return
    need = estimated_bytes(scenario, reps * variants)
    allowed = MARGIN * available
    if need <= allowed:
        return
    per_rep = estimated_bytes(scenario, variants) - FIXED_BYTES
    most = max(0, int((allowed - FIXED_BYTES) // per_rep))
    of_variants = f" × {variants} variants" if variants > 1 else ""
    raise ScenarioError(
        file,
        option,
        f"{reps} replications{of_variants} × {scenario.scenario.days} days need about "
        f"{need / 2**30:,.1f} GiB of memory, and {available / 2**30:,.1f} GiB is available; "
        f"at most {most} fit here",
    )
