"""Shared by the sweep tests: small experiment files on the tutorial scenario."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "scenarios" / "tutorial.toml"

# 8 x (3 + 2) = 40 Sobol samples x 2 replications = 80 members, 10 batches of 8, 90 days
SOBOL = f"""
[experiment]
scenario = "{TUTORIAL}"
sampler = "sobol"
samples = 8
reps = 2
seed = 7
batch_size = 8
set = {{ "scenario.days" = 90 }}

[[parameters]]
path = "importers.dprk.routes.sea.rounds_per_container.shell_152"
low = 75
high = 450

[[parameters]]
path = "depots.forward.throughput_rounds_per_day"
low = 12000
high = 30000

[[parameters]]
path = "importers.dprk.start_date"
low = 2023-01-15
high = 2023-03-01

[[outputs]]
metric = "effective_fire_total"
side = "RU"

[[outputs]]
metric = "imports_arrived_total"
side = "RU"
munition = "shell_152"
start_date = 2023-02-01
"""

# 2 x 2 x 2 = 8 grid samples x 2 replications, 60 days; the route closing before it
# opens (start 2023-02-10, end 2023-01-20) makes 2 samples invalid
GRID = f"""
[experiment]
scenario = "{TUTORIAL}"
sampler = "grid"
levels = 2
reps = 2
seed = 3
set = {{ "scenario.days" = 60, "importers.dprk.start_date" = 2023-01-01 }}

[[parameters]]
path = "front_units.centre.posture"
levels = ["holding", "offensive"]

[[parameters]]
path = "importers.dprk.routes.sea.start_date"
levels = [2023-01-10, 2023-02-10]

[[parameters]]
path = "importers.dprk.routes.sea.end_date"
levels = [2023-01-20, 2023-02-20]

[[outputs]]
metric = "demanded_total"
side = "RU"

[[outputs]]
metric = "imports_arrived_total"
side = "RU"
"""


def write(folder: Path, text: str, name: str = "experiment.toml") -> Path:
    """An experiment file in ``folder``."""
    path = folder / name
    path.write_text(text)
    return path


# 2 grid samples x 1 replication, 240 days: what the tutorial's export controls of
# 2023-06-01 set (sanctions.pressure itself the event overwrites)
EVENT_GRID = f"""
[experiment]
scenario = "{TUTORIAL}"
sampler = "grid"
levels = 2
reps = 1
seed = 3
set = {{ "scenario.days" = 240 }}

[[parameters]]
path = "events.new_export_controls.set.sanctions.pressure"
levels = [0.0, 0.9]

[[outputs]]
name = "produced_after"
metric = "produced_total"
side = "RU"
start_date = 2023-06-01
"""
