"""Producers: capacity, ramps, sanctions, noise and transit, on scenarios of their own."""

from __future__ import annotations

import numpy as np

from tests.builder import Build


def test_output_is_capacity_times_scale_and_arrives_after_its_transit():
    world = Build(days=12).depot("d").producer("p", "d", capacity_scale=2.5, transit_days=3)
    r = world.run().record
    assert (r["produced"][:, 0, 0] == 250).all()
    days = np.arange(12)
    assert (r["stock_depot"][:, 0, 0] == 250 * np.maximum(days - 2, 0)).all()
    assert (r["in_transit"][:, 0, 0] == 250 * np.minimum(days + 1, 3)).all()


def test_capacity_is_linear_between_ramp_points_and_flat_after():
    world = Build(days=40).depot("d")
    ramp = [{"date": world.day(20), "rounds_per_day": {"a": 300}}]
    world.producer("p", "d", rounds_per_day={"a": 100}, ramp=ramp)
    produced = world.run().record["produced"][:, 0, 0]
    assert produced[0] == 100 and produced[10] == 200 and produced[20] == 300
    assert (produced[20:] == 300).all()
    assert (np.diff(produced[:21]) == 10).all()


def test_sanctions_cut_the_sanctioned_side_only():
    world = Build(days=5, sides=("A", "B")).depot("d").depot("e", side="B")
    world.producer("p", "d", sanctioned_input_share=0.5)
    world.producer("q", "e", side="B", sanctioned_input_share=0.5)
    world.sanctions(target_side="A", pressure=0.4)
    produced = world.run().record["produced"][:, 0, :]  # pairs: (A, a), (B, a)
    # availability 1 - 0.5 x 0.4 = 0.8 on A; B untouched
    assert (produced[:, 0] == 80).all() and (produced[:, 1] == 100).all()


def test_evasion_closes_its_gap_while_pressure_lasts():
    world = Build(days=200).depot("d").producer("p", "d", sanctioned_input_share=1.0)
    world.sanctions(target_side="A", pressure=1.0, evasion_rate_per_day=0.05, max_evasion=0.5)
    produced = world.run().record["produced"][:, 0, 0]
    # evasion after day t: 0.5 (1 - 0.95^(t+1)); output = 100 x evasion, rounded
    evasion = 0.5 * (1 - 0.95 ** (np.arange(200) + 1))
    assert (np.abs(produced - 100 * evasion) <= 1).all()
    assert produced[-1] == 50


def test_noise_keeps_the_mean_and_has_the_asked_spread():
    for distribution in ("lognormal", "uniform"):
        world = Build(days=400).depot("d")
        world.producer("p", "d", rounds_per_day={"a": 1000}, noise_cv=0.2,
                       noise_distribution=distribution)  # fmt: skip
        produced = world.run(seeds=(1, 2, 3)).record["produced"][:, :, 0].astype(float)
        assert abs(produced.mean() / 1000 - 1) < 0.01
        assert abs(produced.std() / produced.mean() - 0.2) < 0.02
    # uniform noise stays within 1 ± √3 x cv
    assert produced.min() >= 1000 * (1 - np.sqrt(3) * 0.2) - 1


def test_a_dud_rate_marks_that_share_of_output_as_duds_fired_later():
    world = Build(days=60).depot("d").producer("p", "d", dud_rate=0.25, transit_days=0)
    world.unit("u", "d", base_rounds_per_day={"a": 100}, target_days_of_supply=1)
    r = world.run().record
    fired, duds = r["fired"][:, 0, 0].sum(), r["duds"][:, 0, 0].sum()
    assert fired > 0 and abs(duds / fired - 0.25) < 0.01


def test_a_disabled_producer_makes_nothing():
    world = Build(days=5).depot("d").producer("p", "d", enabled=False)
    assert world.run().record["produced"].sum() == 0
