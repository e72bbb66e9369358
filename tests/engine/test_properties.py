"""Random valid scenarios never break the books, go negative, or lose determinism."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.experiments.runner import run
from sim.scenario.loader import build_scenario
from tests.ledger_check import check_books

share = st.floats(0.0, 1.0)
rate = st.floats(0.0, 5000.0)
stock = st.integers(0, 200_000)


@st.composite
def scenarios(draw):
    munitions = ["m1", "m2"][: draw(st.integers(1, 2))]
    n_depots = draw(st.integers(1, 3))
    depots = [
        {
            "id": f"d{i}",
            "side": "A",
            "stock_rounds": {m: draw(stock) for m in munitions},
            "throughput_rounds_per_day": draw(st.floats(0.0, 20000.0)),
            "target_days_of_supply": draw(st.floats(0.0, 20.0)),
            "exposure": draw(share),
            "dispersal": draw(share),
            "dispersal_extra_transit_days": draw(st.integers(0, 3)),
        }
        for i in range(n_depots)
    ]
    links = [
        {
            "id": f"l{i}",
            "from": f"d{draw(st.integers(0, i - 1))}",
            "to": f"d{i}",
            "transit_days": draw(st.integers(1, 4)),
            "capacity_rounds_per_day": draw(st.floats(0.0, 20000.0)),
            "priority": draw(st.integers(1, 2)),
        }
        for i in range(1, n_depots)
    ]
    shares = draw(st.lists(st.integers(1, 10), min_size=len(munitions), max_size=len(munitions)))
    units = [
        {
            "id": f"u{i}",
            "side": "A",
            "depot": f"d{draw(st.integers(0, n_depots - 1))}",
            "base_rounds_per_day": {m: draw(rate) for m in munitions},
            "posture": draw(st.sampled_from(["offensive", "defensive", "holding"])),
            "intensity": draw(st.floats(0.0, 2.0)),
            "demand_noise_cv": draw(st.floats(0.0, 1.0)),
            "stock_rounds": {m: draw(stock) for m in munitions},
            "target_days_of_supply": draw(st.floats(0.0, 10.0)),
            "rationing_threshold_days": draw(st.floats(0.0, 3.0)),
            "ration_share": draw(share),
            "priority": draw(st.integers(1, 3)),
        }
        for i in range(draw(st.integers(1, 3)))
    ]
    return {
        "scenario": {"name": "generated", "start_date": dt.date(2024, 1, 1), "days": 40},
        "munitions": [{"id": m} for m in munitions],
        "sides": [{"id": "A"}],
        "producers": [
            {
                "id": "p",
                "side": "A",
                "ship_to": "d0",
                "transit_days": draw(st.integers(0, 3)),
                "rounds_per_day": {m: draw(rate) for m in munitions},
                "ramp": [
                    {"date": dt.date(2024, 1, 20), "rounds_per_day": {munitions[0]: draw(rate)}}
                ],
                "noise_cv": draw(st.floats(0.0, 1.0)),
                "sanctioned_input_share": draw(share),
                "dud_rate": draw(share),
            }
        ],
        "stockpiles": [
            {
                "id": "s",
                "side": "A",
                "ship_to": f"d{n_depots - 1}",
                "stock_rounds": {m: draw(stock) for m in munitions},
                "refurbish_rounds_per_day": {m: draw(rate) for m in munitions},
                "unserviceable_share": draw(share),
            }
        ],
        "importers": [
            {
                "id": "i",
                "side": "A",
                "contract_rounds": draw(st.floats(0.0, 1e6)),
                "stock_rounds": {m: draw(stock) for m in munitions},
                "production_rounds_per_day": {m: draw(rate) for m in munitions},
                "dud_rate": draw(share),
                "routes": [
                    {
                        "id": "r",
                        "mode": "sea",
                        "ship_to": "d0",
                        "cadence_days": draw(st.integers(1, 10)),
                        "containers_per_shipment": draw(st.floats(0.0, 300.0)),
                        "rounds_per_container": draw(st.floats(0.0, 450.0)),
                        "transit_days": draw(st.integers(0, 6)),
                        "interdiction_probability": draw(share),
                        "enforcement_sensitivity": draw(share),
                        "munition_shares": {
                            m: s / sum(shares) for m, s in zip(munitions, shares, strict=True)
                        },
                    }
                ],
            }
        ],
        "depots": depots,
        "links": links,
        "front_units": units,
        "sanctions": {"target_side": "A", "pressure": draw(share), "enforcement": draw(share)},
        "strikes": [
            {
                "id": "k",
                "target_side": "A",
                "strikes_per_day": draw(st.floats(0.0, 3.0)),
                "targeting": draw(st.sampled_from(["random", "largest", "nearest"])),
                "destroyed_share": draw(share),
            }
        ],
        "events": [
            {
                "id": "e",
                "date": dt.date(2024, 1, 1) + dt.timedelta(days=draw(st.integers(-5, 45))),
                "set": {"sanctions.pressure": draw(share), "depots.d0.dispersal": draw(share)},
            }
        ],
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=scenarios(), seed=st.integers(0, 2**32))
def test_random_scenarios_keep_the_books(raw, seed):
    scenario = build_scenario(raw, file="generated")
    first = run(scenario, reps=2, seed=seed, progress=False)
    check_books(first.timeseries, scenario)
    second = run(scenario, reps=2, seed=seed, progress=False)
    for name, values in first.record.items():
        assert np.array_equal(values, second.record[name]), name
