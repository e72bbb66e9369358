"""Random two-sided scenarios: every book balances every day, both sides' draws pair.

The sides face each other sector by sector, strike each other's depots with long-range
munitions that come through their own supply chains, and trade ground and casualties.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.accounts import FRONT, GUNS
from sim.engine.model import SupplyModel
from sim.experiments.runner import run
from sim.scenario.loader import build_scenario
from tests.ledger_check import check_books

share = st.floats(0.0, 1.0)
POSTURES = ("offensive", "defensive", "holding")
SIDES = ("A", "B")


def side_of(draw, side: str, n_units: int, enemy_units: int) -> dict:
    """One side's depots, producer, units (facing the enemy's) and a strike campaign."""
    enemy = "B" if side == "A" else "A"
    low = side.lower()
    depots = [
        {"id": f"{low}_rear", "side": side,
         "stock_rounds": {"shell": draw(st.integers(0, 100_000)),
                          f"{low}_missile": draw(st.integers(0, 300))},
         "exposure": draw(share), "dispersal": draw(share), "hardened_share": draw(share)},
        {"id": f"{low}_fwd", "side": side, "stock_rounds": {"shell": draw(st.integers(0, 20_000))},
         "exposure": draw(share), "target_days_of_supply": draw(st.floats(0.0, 10.0))},
    ]  # fmt: skip
    units = [
        {"id": f"{low}{i}", "side": side, "depot": f"{low}_fwd",
         "base_rounds_per_day": {"shell": draw(st.floats(0.0, 4000.0))},
         "posture": draw(st.sampled_from(POSTURES)), "tubes": {"gun": draw(st.integers(0, 200))},
         "faces": draw(st.lists(st.sampled_from([f"{enemy.lower()}{j}"
                                                  for j in range(enemy_units)]),
                                unique=True, max_size=enemy_units))}
        for i in range(n_units)
    ]  # fmt: skip
    return {
        "side": {
            "id": side,
            "ground_held_km2": draw(st.floats(0.0, 500.0)),
            "ground_km2_per_day": draw(st.floats(0.0, 50.0)),
            "breakeven_fire_ratio": draw(st.floats(0.1, 5.0)),
            "ground_share_in_defence": draw(share),
            "tube_ratio_exponent": draw(st.floats(0.0, 2.0)),
            "casualties_per_1000_rounds": draw(st.floats(0.0, 200.0)),
            "offensive_casualty_factor": draw(st.floats(0.0, 3.0)),
            "tubes_destroyed_per_1000_rounds": draw(st.floats(0.0, 5.0)),
            "reserve_days_of_supply": draw(st.sampled_from([0.0, 3.0])),
        },
        "depots": depots,
        "links": [{"id": f"{low}_rail", "from": f"{low}_rear", "to": f"{low}_fwd",
                   "transit_days": draw(st.integers(0, 3))}],  # fmt: skip
        "producers": [{"id": f"{low}_plant", "side": side, "ship_to": f"{low}_rear",
                       "rounds_per_day": {"shell": draw(st.floats(0.0, 5000.0)),
                                          f"{low}_missile": draw(st.floats(0.0, 20.0))},
                       "noise_cv": draw(st.floats(0.0, 1.0)), "dud_rate": draw(share)}],
        "front_units": units,
        "strikes": [{"id": f"{low}_strikes", "target_side": enemy,
                     "strikes_per_day": draw(st.floats(0.0, 3.0)),
                     "max_strikes_per_day": draw(st.integers(1, 4)),
                     "targeting": draw(st.sampled_from(["random", "largest", "nearest"])),
                     "munition": f"{low}_missile", "from_depot": f"{low}_rear",
                     "rounds_per_strike": draw(st.integers(1, 20)),
                     "launchers": draw(st.one_of(st.none(), st.floats(0.0, 10.0))),
                     "destroyed_share": draw(share)}],
        "gun_parks": [{"id": f"{low}_park", "side": side,
                       "reserve_tubes": {"gun": draw(st.integers(0, 50))},
                       "new_tubes_per_day": {"gun": draw(st.floats(0.0, 3.0))}}]
        if draw(st.booleans()) else [],
    }  # fmt: skip


@st.composite
def two_sided(draw):
    n = {side: draw(st.integers(1, 2)) for side in SIDES}
    parts = [side_of(draw, "A", n["A"], n["B"]), side_of(draw, "B", n["B"], n["A"])]
    raw = {
        "scenario": {"name": "two_sided", "start_date": dt.date(2024, 1, 1), "days": 40},
        "munitions": [{"id": "shell", "tube_type": "gun"}, {"id": "a_missile"},
                      {"id": "b_missile"}],
        "tube_types": [{"id": "gun", "barrel_life_rounds": draw(st.integers(50, 5000)),
                        "rounds_per_tube_per_day": {p: draw(st.floats(0.0, 60.0))
                                                    for p in POSTURES}}],
        "sides": [part["side"] for part in parts],
        "events": [{"id": "turn",
                    "date": dt.date(2024, 1, 1) + dt.timedelta(draw(st.integers(1, 39))),
                    "set": {"front_units.a0.posture": draw(st.sampled_from(POSTURES)),
                            "strikes.b_strikes.launchers": draw(st.floats(0.0, 10.0))}}],
        "variants": {"less": {"producers.b_plant.capacity_scale": draw(st.floats(0.0, 0.9))}},
    }  # fmt: skip
    for key in ("depots", "links", "producers", "front_units", "strikes", "gun_parks"):
        raw[key] = parts[0][key] + parts[1][key]
    if "b0" not in raw["front_units"][0]["faces"]:  # at least one front
        raw["front_units"][0]["faces"].append("b0")
    return raw


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=two_sided(), seed=st.integers(0, 2**32))
def test_every_book_balances_every_day_on_both_sides(raw, seed):
    scenario = build_scenario(raw, file="generated")
    tables = run(scenario, reps=2, seed=seed, progress=False)
    check_books(tables.timeseries, scenario)  # the rounds, strike munitions among them
    model = SupplyModel([scenario] * 2, [seed, seed + 1])
    model.run()
    # the guns: every tube held or gone
    g = model.gun_record
    opening = {name: model.gun_books.opening[:, i] for i, name in enumerate(GUNS.stocks)}
    held = ("tubes_serviceable", "tubes_worn", "tubes_reserve", "tubes_stored")
    start = sum(opening[name] for name in held).reshape(2, -1)
    moved = {"tubes_new": 1, "tubes_imported": 1, "tubes_stripped": -1, "tubes_lost": -1}
    net = sum(c * np.cumsum(g[name], axis=0) for name, c in moved.items())
    assert np.array_equal(sum(g[name] for name in held), start[None] + net)
    # the front: ground only changes hands, never below zero; one side's casualties
    # suffered are the other's inflicted
    f = model.front_record
    ground0 = model.front_books.opening[:, FRONT.stock_index("ground_held")]  # [M, S, 1]
    assert np.array_equal(
        f["ground_held"],
        ground0[None, :, :, 0] + np.cumsum(f["ground_gained"] - f["ground_lost"], 0),
    )
    assert (f["ground_held"] >= 0).all()
    assert np.array_equal(f["ground_gained"].sum(axis=2), f["ground_lost"].sum(axis=2))
    assert np.array_equal(f["casualties_suffered"][..., ::-1], f["casualties_inflicted"])
    total = f["ground_held"].sum(axis=2)
    assert (total == total[0]).all()
    # the same seeds, the same fight, bit for bit
    again = SupplyModel([scenario] * 2, [seed, seed + 1])
    again.run()
    for book, other in ((model.record, again.record), (f, again.front_record)):
        for name, values in book.items():
            assert np.array_equal(values, other[name]), name
    # strikes spend only what the striker holds, whole salvos of its own munition
    r = model.record
    for side, campaign in (("A", scenario.strikes[0]), ("B", scenario.strikes[1])):
        k = model.pairs.index((side, campaign.munition))
        assert (r["launched"][:, :, k] % campaign.rounds_per_strike == 0).all()
        if side == "A" and campaign.launchers is not None:  # (B's change on a date)
            most = np.ceil(campaign.launchers * campaign.strikes_per_launcher_per_day)
            assert (r["launched"][:, :, k] <= most * campaign.rounds_per_strike).all()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=two_sided(), seed=st.integers(0, 2**32))
def test_a_variant_of_one_sides_supply_pairs_the_other_sides_draws(raw, seed):
    base = build_scenario(raw, file="generated")
    less = build_scenario(raw, file="generated", variant="less")
    model = SupplyModel([base, less], [seed, seed])
    model.run()
    r = model.record
    for side in ("A", "B"):
        k = model.pairs.index((side, "shell"))
        produced = r["produced"][:, :, k]
        if side == "A":  # A's plant never depends on B: the same draws, the same output
            assert np.array_equal(produced[:, 0], produced[:, 1])
        else:
            assert (produced[:, 1] <= produced[:, 0]).all()  # the same noise, scaled down
