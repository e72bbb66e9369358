"""What tests share: the project's paths and the real command line in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
TUTORIAL = SCENARIOS / "tutorial.toml"
WAR = SCENARIOS / "ukraine_war_2022_2025.toml"


def munsim(*args: str | Path | int | float, **options: Any) -> subprocess.CompletedProcess:
    """Run ``python -m sim ARGS`` from the project's root; output captured as text.

    ``options`` go to ``subprocess.run`` (``cwd``, ``env``, ``input``, ...).
    """
    options = {"cwd": ROOT, "timeout": 600, **options}
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True, **options
    )
