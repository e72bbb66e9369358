"""The 2022-2025 scenario across its shipped uncertainties: far wider than the seeds."""

from __future__ import annotations

import datetime as dt

import pytest

import sim
from sim.experiments.sensitivity import ranking
from tests.support import WAR

pytestmark = pytest.mark.slow
YEAR_2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def _ranking(result, output: str) -> list[str]:
    """The inputs by the size of their rank correlation with the effect."""
    return ranking(result.across.drivers, f"diff.{output}", "spearman")["parameter"].tolist()


def test_the_dprk_effect_over_the_shipped_uncertainties_dwarfs_the_seed_interval():
    result = sim.compare(
        WAR, reps=2, uncertainty=48, sample_reps=3, window=YEAR_2024, progress=False
    )
    effect = result.across.effects.set_index("output").loc["fire_per_day.RU"]
    spread = effect["diff_p95"] - effect["diff_p05"]
    seeds = 2 * effect["seed_half_width_median"]
    assert effect["diff_p05"] > 0 and spread > 10 * seeds
    # every group of inputs has its indices (δ, or a note saying why not)
    drivers = result.across.drivers
    delta = drivers[(drivers["output"] == "diff.fire_per_day.RU") & (drivers["index"] == "delta")]
    assert set(delta["parameter"]) == set(result.across.run.settings["columns"])
    assert set(_ranking(result, "fire_per_day.RU")) == set(delta["parameter"])
    notes = result.across.run.settings["analysis"]["notes"]
    assert delta["value"].notna().all() or any("δ could not be estimated" in n for n in notes)


ONLY_PACKING_DOMINATES = """
[[uncertainties]]
id = "packing"
paths = ["importers.dprk.routes.rajin_dunai.rounds_per_container.shell_152",
         "importers.dprk.routes.rajin_vostochny.rounds_per_container.shell_152",
         "importers.dprk.routes.tumangang_khasan.rounds_per_container.shell_152"]
distribution = "uniform"
low = 75
high = 500
source = "assumption: a test, the widest public readings"

[[uncertainties]]
id = "iran_contract"
paths = ["importers.iran.contract_rounds"]
distribution = "uniform"
low = 400000
high = 500000
source = "assumption: a test, a narrow range"

[[uncertainties]]
id = "evasion"
paths = ["sanctions.max_evasion"]
distribution = "uniform"
low = 0.84
high = 0.86
source = "assumption: a test, a narrow range"
"""


def test_the_conversion_of_containers_is_named_first_while_it_dominates(tmp_path):
    text = WAR.read_text()
    cut = text.index("# UNCERTAINTIES")
    file = tmp_path / "war.toml"
    file.write_text(text[: text.rindex("\n# ====", 0, cut)] + ONLY_PACKING_DOMINATES)
    result = sim.compare(
        file, reps=2, uncertainty=60, sample_reps=1, window=YEAR_2024, progress=False
    )
    assert _ranking(result, "fire_per_day.RU")[0] == "packing"
    effect = result.across.effects.set_index("output").loc["fire_per_day.RU"]
    assert effect["diff_p95"] > 1.5 * effect["diff_p05"]
