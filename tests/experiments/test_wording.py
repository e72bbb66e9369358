"""Counts in sentences agree with their number."""

from __future__ import annotations

import pytest

from sim.experiments.wording import counted, singular


@pytest.mark.parametrize(
    ("plural", "one"),
    [("sides", "side"), ("front units", "front unit"), ("uncertainties", "uncertainty"),
     ("batches", "batch"), ("behaviour checkpoints", "behaviour checkpoint")],
)  # fmt: skip
def test_one_takes_the_singular_and_every_other_count_the_plural(plural, one):
    assert singular(plural) == one
    assert counted(1, plural) == f"1 {one}"
    assert counted(0, plural) == f"0 {plural}" and counted(2, plural) == f"2 {plural}"


def test_an_irregular_singular_is_given():
    assert counted(1, "people", "person") == "1 person" and counted(3, "people") == "3 people"
