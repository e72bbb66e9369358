"""The tutorial scenario: every number says it is an (illustrative) assumption."""

from __future__ import annotations

from pathlib import Path

from tests.scenarios.sourcing import unsourced_lines

TUTORIAL = Path(__file__).resolve().parents[2] / "scenarios" / "tutorial.toml"


def test_every_number_is_marked_as_an_assumption():
    unsourced = unsourced_lines(TUTORIAL)
    assert not unsourced, "numbers without an assumption comment:\n" + "\n".join(unsourced)
