"""``[[uncertainties]]``: checked like every other table, one line naming the entry."""

from __future__ import annotations

import pytest

from tests.support import TUTORIAL, munsim

ENTRY = """
[[uncertainties]]
id = "x"
paths = ["{path}"]
distribution = "{law}"
{bounds}
source = "assumption: a test"
"""


@pytest.mark.parametrize(
    ("path", "law", "bounds", "key", "message"),
    [
        ("importers.dprk.dud_rate", "triangular", "low = 0.1\nhigh = 0.3", "uncertainties.x.mode",
         "needed by a triangular distribution"),
        ("importers.dprk.dud_rate", "loguniform", "low = 0\nhigh = 0.3", "uncertainties.x.low",
         "log-uniform distribution needs low above 0"),
        ("importers.dprk.dud_rate", "choice", "low = 0.1\nchoices = [0.1, 0.2]",
         "uncertainties.x.low", "a choice takes choices"),
        ("importers.dprk.dud_rate", "uniform", "low = 0.3\nhigh = 0.1", "uncertainties.x.high",
         "must be above low"),
        ("front_units.south.intensity", "uniform", "low = 0.5\nhigh = 1.5",
         "uncertainties.x.paths", "overwritten from 2023-06-04 by event 'counteroffensive'"),
        ("stockpiles.soviet_reserve.dud_rate", "uniform", "low = 0.5\nhigh = 1.5",
         "uncertainties.x", "at 1.5: stockpiles.soviet_reserve.dud_rate"),
        ("importers.dprk.nothing", "uniform", "low = 0.1\nhigh = 0.3", "uncertainties.x.paths",
         "not a key of the scenario format"),
        ("importers.dprk.dud_rate", "uniform", "low = 0.1\nhigh = 0.3", "uncertainties.x.paths",
         "also sampled by uncertainty 'dprk_dud_rate'"),
        ("scenario.days", "uniform", "low = 300\nhigh = 365", "uncertainties.x.paths",
         "changes the scenario's structure"),
    ],
)  # fmt: skip
def test_a_bad_uncertainty_is_one_line_naming_it(tmp_path, path, law, bounds, key, message):
    file = tmp_path / "tutorial.toml"
    file.write_text(TUTORIAL.read_text() + ENTRY.format(path=path, law=law, bounds=bounds))
    done = munsim("validate", file)
    assert done.returncode == 2 and not done.stdout
    assert done.stderr.count("\n") == 1 and f"{file}: {key}: " in done.stderr
    assert message in done.stderr


def test_validate_counts_the_uncertainties_and_their_draws():
    done = munsim("validate", TUTORIAL)
    assert done.returncode == 0 and "uncertainties: 3 (3 drawn independently)" in done.stdout
