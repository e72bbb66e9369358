"""The fuzz tests' marker."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fuzz: mutated input files and --set values (MUNSIM_FUZZ_EXAMPLES; make fuzz)"
    )
