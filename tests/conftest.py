"""Shared fixtures: the tutorial scenario and helpers to run it; the property tests' CI profile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI draws the same property-test examples every run, so a red run is the change's, not
# a new random example's; local runs keep searching new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "scenarios" / "tutorial.toml"


@pytest.fixture(scope="session")
def tutorial_path() -> Path:
    return TUTORIAL


@pytest.fixture(scope="session")
def tutorial():
    from sim import load_scenario

    return load_scenario(TUTORIAL)


@pytest.fixture(scope="session")
def tutorial_no_dprk():
    from sim import load_scenario

    return load_scenario(TUTORIAL, variant="no_dprk")
