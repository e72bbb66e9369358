"""munsim: an agent-based simulator of artillery-munitions supply under sanctions.

The Python API::

    import sim
    scenario = sim.load_scenario("scenarios/tutorial.toml", variant="no_dprk")
    tables = sim.run(scenario, reps=20, seed=1)
    tables.summary.groupby(["side", "munition"])["fired_total"].mean()
    done = sim.sweep("scenarios/experiments/tutorial_morris.toml")  # a run folder + tables
    result = sim.compare("scenarios/tutorial.toml", uncertainty=50)  # across [[uncertainties]]
    sim.discover(result.across.samples, "diff.fire_per_day.RU>400")  # where does it happen?
"""

from sim.engine.model import SupplyModel
from sim.experiments.compare import Comparison, compare
from sim.experiments.runner import RunTables, run
from sim.outputs.results import read_run, write_run
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario

__all__ = [
    "Comparison",
    "RunTables",
    "ScenarioError",
    "SupplyModel",
    "compare",
    "discover",
    "load_scenario",
    "read_run",
    "robustness",
    "run",
    "sweep",
    "write_run",
]


def __getattr__(name: str):
    # sweeps pull in SALib and the figure code: loaded on first use, not on ``import sim``
    if name == "sweep":
        from sim.outputs.sweeps import sweep

        return sweep
    if name in ("discover", "robustness"):
        from sim.experiments import discovery

        return getattr(discovery, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
