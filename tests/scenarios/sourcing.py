"""The mechanical check that every number in a shipped scenario has its source beside it.

A number in value position must share its line with a comment that starts with
``assumption:`` (and says why) or ``citing`` a source with its year. An
``[[uncertainties]]`` entry carries its source as a key of its own: its bounds are
sourced when its ``source`` starts with ``assumption:`` or names a year.
"""

from __future__ import annotations

import re
from pathlib import Path

from sim.scenario.provenance import HEADER, split_comment

KEY = re.compile(r"[A-Za-z_][\w\-]*\s*=")
NUMBER = re.compile(r"(?<![\w.])[-+]?\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?(?!\w)")
SOURCED = re.compile(r"^\s*(assumption: \S|citing .*(\b(19|20)\d\d\b|undated))")
SOURCE_KEY = re.compile(r"^\s*source\s*=\s*[\"'](assumption: \S|.*\b(19|20)\d\d\b)")
UNCERTAINTY = "[[uncertainties]]"


def numeric_values(code: str) -> list[str]:
    """Numbers (and dates) in value position: keys and table headers are not values."""
    if HEADER.match(code):
        return []
    return NUMBER.findall(KEY.sub("", code))


def unsourced_lines(path: Path) -> list[str]:
    """Lines of ``path`` with a number but no source or assumption comment."""
    lines = path.read_text().splitlines()
    covered = _uncertainty_lines(lines)
    unsourced = []
    for number, line in enumerate(lines, start=1):
        code, comment = split_comment(line)
        if numeric_values(code) and not SOURCED.match(comment) and number not in covered:
            unsourced.append(f"line {number}: {line.strip()[:80]}")
    return unsourced


def _uncertainty_lines(lines: list[str]) -> set[int]:
    """Line numbers inside ``[[uncertainties]]`` entries whose ``source`` is one."""
    covered: set[int] = set()
    block: list[int] | None = None
    sourced = False
    for number, line in enumerate([*lines, "[end]"], start=1):
        if HEADER.match(split_comment(line)[0]):
            if block is not None and sourced:
                covered.update(block)
            block = [] if line.strip() == UNCERTAINTY else None
            sourced = False
        elif block is not None:
            block.append(number)
            sourced = sourced or bool(SOURCE_KEY.match(line))
    return covered
