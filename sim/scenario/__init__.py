"""Scenario files: schema, loading, variants and dotted overrides."""

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario

__all__ = ["Scenario", "ScenarioError", "load_scenario"]
