"""Shared fixtures: the tutorial scenario and helpers to run it."""

from __future__ import annotations

from pathlib import Path

import pytest

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
