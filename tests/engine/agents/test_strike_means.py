"""Deep strikes from real means: a munition the striker holds, launchers, hardening."""

from __future__ import annotations

import numpy as np
import pytest

from sim.scenario.errors import ScenarioError
from tests.builder import Build

ARSENAL = 10**6


def _war(days=20, missiles=1000, strike=None, arsenal=None):
    """Side B launches ``m`` missiles from its depot ``launch`` at side A's ``arsenal``."""
    world = Build(days=days, munitions=("a", "m"), sides=("A", "B"))
    world.depot("arsenal", stock_rounds={"a": ARSENAL}, **(arsenal or {}))
    world.depot("launch", side="B", stock_rounds={"m": missiles} if missiles else {})
    fields = {"strikes_per_day": 50.0, "max_strikes_per_day": 1, "destroyed_share": 0.3,
              "munition": "m", "from_depot": "launch", **(strike or {})}  # fmt: skip
    world.strikes("s", target_side="A", **fields)
    return world


def _books(model, account, side, munition):
    return model.record[account][:, 0, model.pairs.index((side, munition))]


def test_without_the_long_range_munition_no_strike_happens():
    model = _war(missiles=0).run()
    assert _books(model, "destroyed", "A", "a").sum() == 0
    assert _books(model, "stock_depot", "A", "a")[-1] == ARSENAL


def test_a_strike_on_a_full_arsenal_destroys_the_calibrated_share():
    model = _war(days=1).run()
    assert abs(_books(model, "destroyed", "A", "a")[0] - 0.3 * ARSENAL) <= 1
    assert _books(model, "launched", "B", "m")[0] == 1
    assert _books(model, "stock_depot", "B", "m")[0] == 999


def test_strikes_stop_when_the_munition_runs_out_and_each_spends_its_salvo():
    model = _war(days=10, missiles=25, strike={"rounds_per_strike": 10}).run()
    launched = _books(model, "launched", "B", "m")
    assert launched.tolist() == [10, 10] + [0] * 8  # two salvos of ten, five left
    assert (_books(model, "destroyed", "A", "a")[2:] == 0).all()
    assert _books(model, "stock_depot", "B", "m")[-1] == 5


def test_launchers_cap_the_strikes_a_day():
    world = _war(days=30, strike={"max_strikes_per_day": 8, "launchers": 3,
                                  "strikes_per_launcher_per_day": 1.0})  # fmt: skip
    assert (_books(world.run(), "launched", "B", "m") == 3).all()
    world.raw["strikes"][0]["launchers"] = 0
    assert _books(world.run(), "launched", "B", "m").sum() == 0


def test_hardened_storage_and_dispersal_lower_the_share_a_hit_destroys():
    hardened = _war(days=1, arsenal={"hardened_share": 0.5}).run()
    assert abs(_books(hardened, "destroyed", "A", "a")[0] - 0.15 * ARSENAL) <= 1
    both = _war(days=1, arsenal={"hardened_share": 0.5, "dispersal": 1.0,
                                 "dispersal_protection": 0.5}).run()  # fmt: skip
    assert abs(_books(both, "destroyed", "A", "a")[0] - 0.075 * ARSENAL) <= 1


def test_a_salvo_of_duds_misses():
    world = _war(days=40, missiles=0)
    world.raw["depots"][1]["stock_rounds"] = {}
    world.importer("maker", [{"id": "r", "mode": "rail", "ship_to": "launch", "cadence_days": 1,
                              "containers_per_shipment": 1, "rounds_per_container": {"m": 1000},
                              "transit_days": 0, "munition_shares": {"m": 1.0}}],
                   side="B", dud_rate=0.5, stock_rounds={"m": 10**6})  # fmt: skip
    model = world.run(seeds=(1, 2, 3))
    hits = (model.record["destroyed"][:, :, model.pairs.index(("A", "a"))] > 0).sum()
    launched = (model.record["launched"][:, :, model.pairs.index(("B", "m"))] > 0).sum()
    assert launched == 120 and 30 < hits < 90  # about half miss


def test_the_striking_sides_supply_does_not_shift_the_other_draws():
    world = _war(days=60, strike={"strikes_per_day": 0.5, "max_strikes_per_day": 3,
                                  "destroyed_share_spread": 0.2})  # fmt: skip
    world.variant("fewer", {"depots.launch.stock_rounds.m": 10})
    from sim.engine.model import SupplyModel

    model = SupplyModel([world.scenario(), world.scenario(variant="fewer")], [5, 5])
    model.run()
    lost = model.record["destroyed"][:, :, model.pairs.index(("A", "a"))]
    launched = model.record["launched"][:, :, model.pairs.index(("B", "m"))]
    ran_out = int(np.argmax(np.cumsum(launched[:, 1]) == 10))
    # until the smaller arsenal runs out, the same strikes, the same losses
    assert (lost[: ran_out + 1, 0] == lost[: ran_out + 1, 1]).all()
    assert launched[:, 0].sum() > launched[:, 1].sum() == 10


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        ({"from_depot": None}, "strikes.s.from_depot", "needs the depot"),
        ({"from_depot": "arsenal"}, "strikes.s.from_depot", "on the side it strikes"),
        ({"munition": "x"}, "strikes.s.munition", "unknown munition"),
        ({"munition": None}, "strikes.s.from_depot", "needs a munition"),
        ({"from_depot": "nowhere"}, "strikes.s.from_depot", "unknown depot"),
    ],
)
def test_bad_strike_means_name_their_key(change, key, problem):
    world = _war()
    world.raw["strikes"][0].update(change)
    world.raw["strikes"][0] = {k: v for k, v in world.raw["strikes"][0].items() if v is not None}
    with pytest.raises(ScenarioError, match=problem) as error:
        world.scenario()
    assert error.value.key_path == key


def test_a_fractional_launch_capacity_is_kept_on_average():
    means = {"max_strikes_per_day": 4, "launchers": 2, "strikes_per_launcher_per_day": 0.3}
    world = _war(days=400, missiles=10**5, strike=means)
    launched = _books(world.run(), "launched", "B", "m")
    assert set(launched.tolist()) <= {0, 1} and abs(launched.mean() - 0.6) < 0.06
