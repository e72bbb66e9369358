"""The layers hold: every import in sim/ points down the stack, never up.

scenario → engine (model, agents, kernels, books) → experiments (runs, comparisons,
sweeps, checks) → outputs (run folders, figures, reports) → the command line and the
package's front door.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"
LAYERS = ("scenario", "engine", "experiments", "outputs", "app")
TOP = len(LAYERS)  # sim/__init__.py, sim/__main__.py, sim/cli.py


def layer(module: str) -> int:
    """The layer of a ``sim.*`` module."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else TOP


def module_name(path: Path) -> str:
    relative = path.relative_to(SIM.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every ``sim`` import in a file, in functions too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.split(".")[0] == "sim"]
    return found


MODULES = sorted(SIM.rglob("*.py"))


def test_every_module_is_in_a_layer():
    for path in MODULES:
        name = module_name(path)
        assert layer(name) < TOP or name in {"sim", "sim.__main__", "sim.cli"}, name


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SIM.parent)))
def test_imports_point_down(path):
    here = module_name(path)
    upward = [
        f"{path.name}:{line} imports {target}"
        for line, target in imports(path)
        if layer(target) > layer(here)
    ]
    assert not upward, f"{here} (layer {LAYERS[layer(here)] if layer(here) < TOP else 'top'})"


def test_the_check_catches_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from sim.outputs.report import write_comparison\n")
    assert imports(bad) == [(2, "sim.outputs.report")]
    assert layer("sim.outputs.report") > layer("sim.engine.model")
