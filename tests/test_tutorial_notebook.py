"""docs/tutorial.ipynb runs from the repository root, top to bottom, without an error.

The notebook runs in a fresh kernel of this interpreter (the native ``python3`` kernel
resolves to ``sys.executable``), with its working directory at the repository root, as
a student would open it. The kernel's temporary folder is pytest's, so the test also
shows that the notebook writes there and nowhere else.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"
CELL_TIMEOUT_SECONDS = 180
FIGURES = 4  # the run's stocks and fire, the paired difference, the Morris plane, the scatter


def _code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _text(cell: nbformat.NotebookNode) -> str:
    """Everything a cell printed or returned, as text."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def test_notebook_is_stored_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in _code_cells(notebook):
        assert cell.outputs == [], f"cell {cell.get('id')} is stored with outputs"
        assert cell.execution_count is None, f"cell {cell.get('id')} has an execution count"


def test_notebook_runs(tmp_path: Path, monkeypatch) -> None:
    # one test, so that pytest-xdist never runs the notebook twice at once
    for name in ("TMPDIR", "TEMP", "TMP"):  # the kernel inherits this environment
        monkeypatch.setenv(name, str(tmp_path))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.append(  # the test's own last cell: which Python, which temporary folder
        new_code_cell("import sys, tempfile\nprint(sys.prefix)\nprint(tempfile.gettempdir())")
    )
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_SECONDS,
        resources={"metadata": {"path": str(ROOT)}},  # the kernel's working directory
    )
    client.execute()  # raises CellExecutionError, with the traceback, on a failing cell

    prefix, tempdir = _text(notebook.cells[-1]).split("\n")[:2]
    assert Path(prefix) == Path(sys.prefix), "the kernel is not this environment's Python"
    assert Path(tempdir) == tmp_path

    printed = "\n".join(_text(cell) for cell in _code_cells(notebook))
    effect = re.search(
        r"DPRK effect on fire: ([+-][\d,]+) rounds a day "
        r"\(95 % interval ([+-][\d,]+) to ([+-][\d,]+), 5 paired replications\)",
        printed,
    )
    assert effect, "the comparison did not print the DPRK effect"
    mean, low, high = (int(value.replace(",", "")) for value in effect.groups())
    assert 0 < low <= mean <= high, "DPRK supply raises the tutorial's fire"

    images = [
        output
        for cell in _code_cells(notebook)
        for output in cell.outputs
        if "image/png" in output.get("data", {})
    ]
    assert len(images) == FIGURES, "a figure is missing (matplotlib not drawing inline?)"

    work = re.search(r"^This notebook writes its files to (.+)$", printed, re.MULTILINE)
    assert work, "the notebook did not say where it writes"
    folder = Path(work.group(1))
    assert folder.is_relative_to(tmp_path), folder
    written = sorted(path.name.split("-")[1] for path in folder.glob("tutorial-*"))
    assert written == ["run", "sweep", "sweep"], written
    assert all((path / "report.html").is_file() for path in folder.glob("tutorial-sweep-*"))
