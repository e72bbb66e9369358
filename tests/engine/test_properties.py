"""Random valid scenarios never break the books, go negative, or lose determinism."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.accounts import GUNS
from sim.engine.model import SupplyModel
from sim.experiments.runner import run
from sim.scenario.loader import build_scenario
from tests.ledger_check import check_books

share = st.floats(0.0, 1.0)
rate = st.floats(0.0, 5000.0)
stock = st.integers(0, 200_000)


def payments_of(draw):
    """Oil (maybe under a binding cap) and cash, with or without a credit."""
    limit = st.one_of(st.none(), st.floats(0.0, 5000.0))
    return [
        {
            "id": "oil",
            "unit": "barrels",
            "per_1000_rounds": draw(st.floats(0.0, 500.0)),
            "paid_per_day": draw(limit),
            "cap_per_year": draw(st.one_of(st.none(), st.floats(0.0, 20_000.0))),
            "cap_binds": draw(st.booleans()),
            "credit": draw(limit),
        },
        {"id": "cash", "unit": "usd", "per_1000_rounds": draw(st.floats(0.0, 1e6))},
    ]


def guns_of(draw, munitions, units):
    """Tube types for some munitions (or none), tubes for the units, maybe a gun park."""
    if not draw(st.booleans()):
        return {"fired_by": {}, "tube_types": [], "gun_parks": []}
    fired_by = {m: draw(st.sampled_from(["t1", "t2"])) for m in munitions if draw(st.booleans())}
    types = sorted(set(fired_by.values())) or ["t1"]
    tube_types = [
        {
            "id": t,
            "barrel_life_rounds": draw(st.integers(1, 5000)),
            "rounds_per_tube_per_day": {
                p: draw(st.floats(0.0, 200.0)) for p in ("offensive", "defensive", "holding")
            },
        }
        for t in types
    ]
    for unit in units:
        unit["tubes"] = {t: draw(st.integers(0, 60)) for t in types}
        unit["establishment_tubes"] = {t: draw(st.integers(0, 80)) for t in types
                                       if draw(st.booleans())}  # fmt: skip
    parks = []
    if draw(st.booleans()):
        per_type = {t: None for t in types}
        parks.append(
            {
                "id": "park",
                "side": "A",
                "reserve_tubes": {t: draw(st.integers(0, 50)) for t in per_type},
                "stored_tubes": {t: draw(st.integers(0, 500)) for t in per_type},
                "reactivated_tubes_per_day": {t: draw(st.floats(0.0, 20.0)) for t in per_type},
                "stored_unserviceable_share": draw(share),
                "new_tubes_per_day": {t: draw(st.floats(0.0, 5.0)) for t in per_type},
                "spare_barrels": {t: draw(st.integers(0, 100)) for t in per_type},
                "barrels_per_day": {t: draw(st.floats(0.0, 5.0)) for t in per_type},
                "rebarrel_tubes_per_day": {t: draw(st.floats(0.0, 10.0)) for t in per_type},
                "tubes_lost_per_day": {t: draw(st.floats(0.0, 5.0)) for t in per_type},
                "imports": [
                    {
                        "id": f"i{j}",
                        "supplier": draw(st.sampled_from([None, "i"])),
                        "tubes_per_day": {t: draw(st.floats(0.0, 3.0)) for t in per_type},
                    }
                    for j in range(draw(st.integers(0, 2)))
                ],
            }
        )
    return {"fired_by": fired_by, "tube_types": tube_types, "gun_parks": parks}


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
    guns = guns_of(draw, munitions, units)
    return {
        "scenario": {"name": "generated", "start_date": dt.date(2024, 1, 1), "days": 40},
        "munitions": [{"id": m, "tube_type": guns["fired_by"].get(m)} for m in munitions],
        "tube_types": guns["tube_types"],
        "gun_parks": guns["gun_parks"],
        "sides": [
            {
                "id": "A",
                "reserve_days_of_supply": draw(st.sampled_from([0.0, 3.0, 15.0])),
                "offensive_reserve_days_of_supply": draw(st.floats(0.0, 20.0)),
                "offensive_lead_days": draw(st.integers(0, 30)),
                "min_tempo": draw(share),
                "offensive_launch_days_of_supply": draw(st.sampled_from([0.0, 2.0, 30.0])),
                "offensive_max_delay_days": draw(st.integers(0, 20)),
            }
        ],
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
                "unserviceable_share_when_empty": draw(st.one_of(st.none(), share)),
                "surge_refurbish_rounds_per_day": {m: draw(rate) for m in munitions},
                "surge_below_days_of_supply": draw(st.floats(0.0, 10.0)),
                "rework_days": draw(st.integers(0, 8)),
                "rework_effort": draw(st.floats(0.1, 3.0)),
                "rework_discard_share": draw(share),
                "rework_dud_rate": draw(share),
            }
        ],
        "importers": [
            {
                "id": "i",
                "side": "A",
                "contract_rounds": draw(st.floats(0.0, 1e6)),
                "stock_rounds": {m: draw(stock) for m in munitions},
                "production_rounds_per_day": {m: draw(rate) for m in munitions},
                "production_ramp": [
                    {
                        "date": dt.date(2024, 1, 1) + dt.timedelta(days=day),
                        "rounds_per_day": {m: draw(rate) for m in munitions},
                    }
                    for day in sorted(draw(st.lists(st.integers(0, 40), max_size=2)))
                ],
                "reserve_rounds": {m: draw(st.integers(0, 100_000)) for m in munitions},
                "rework_share": draw(share),
                "rework_at": "s",
                "disclosure_price_premium": draw(st.floats(0.0, 1.0)),
                "payments": payments_of(draw),
                "deliveries": [{"id": "missile", "items_per_day": draw(st.floats(0.0, 3.0))}],
                "dud_rate": draw(share),
                "surge_scale": draw(st.floats(1.0, 4.0)),
                "surge_below_days_of_supply": draw(st.floats(0.0, 10.0)),
                "routes": [
                    {
                        "id": "r",
                        "mode": "sea",
                        "ship_to": "d0",
                        "cadence_days": draw(st.integers(1, 10)),
                        "containers_per_shipment": draw(st.floats(0.0, 300.0)),
                        "rounds_per_container": {m: draw(st.floats(0.0, 450.0)) for m in munitions},
                        "ammunition_share": draw(share),
                        "capacity_share": draw(share),
                        "transit_days": draw(st.integers(0, 6)),
                        "extra_transit_days": draw(st.integers(0, 3)),
                        "interdiction_probability": draw(share),
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
        "sanctions": {"target_side": "A", "pressure": draw(share), "monitoring": draw(share)},
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
                "set": {
                    "sanctions.pressure": draw(share),
                    "depots.d0.dispersal": draw(share),
                    "front_units.u0.posture": draw(st.sampled_from(["offensive", "holding"])),
                    "importers.i.payments.oil.paid_per_day": draw(st.floats(0.0, 2000.0)),
                    "importers.i.routes.r.capacity_share": draw(share),
                },
            }
        ],
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=scenarios(), seed=st.integers(0, 2**32))
def test_random_scenarios_keep_the_books(raw, seed):
    scenario = build_scenario(raw, file="generated")
    first = run(scenario, reps=2, seed=seed, progress=False)
    check_books(first.timeseries, scenario)
    # what went unfired is held back, tube-limited or short of rounds, each never negative
    series = first.timeseries
    for part in ("held_back", "tube_limited", "ammunition_limited"):
        assert (series[part] >= 0).all(), part
    second = run(scenario, reps=2, seed=seed, progress=False)
    for name, values in first.record.items():
        assert np.array_equal(values, second.record[name]), name


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=scenarios(), seed=st.integers(0, 2**32))
def test_random_scenarios_keep_the_guns_books_and_fire_within_the_tubes(raw, seed):
    scenario = build_scenario(raw, file="generated")
    model = SupplyModel([scenario] * 2, [seed, seed + 1])
    model.run()
    g, r = model.gun_record, model.record
    opening = {name: model.gun_books.opening[:, i] for i, name in enumerate(GUNS.stocks)}
    # recomputed here, day by day: every tube and barrel is held or has left the books
    for asset, held, moved in (
        ("tubes", ("tubes_serviceable", "tubes_worn", "tubes_reserve", "tubes_stored"),
         {"tubes_new": 1, "tubes_imported": 1, "tubes_stripped": -1, "tubes_lost": -1}),
        ("barrels", ("barrels_spare",), {"barrels_new": 1, "barrels_salvaged": 1,
                                         "barrels_fitted": -1}),
    ):  # fmt: skip
        start = sum(opening[name] for name in held).reshape(2, -1)  # [M, pairs]
        now = sum(g[name] for name in held)
        net = sum(c * np.cumsum(g[name], axis=0) for name, c in moved.items())
        assert np.array_equal(now, start[None] + net), asset
        for name in held:
            assert (g[name] >= 0).all(), name
    assert np.array_equal(g["barrels_fitted"], g["tubes_rebarrelled"])
    # fire of a tube type's munitions never exceeds its tubes in service x the top rate
    for tube in scenario.tube_types:
        munitions = [k for k, m in enumerate(scenario.munitions) if m.tube_type == tube.id]
        if not munitions:
            continue
        top = max(tube.rounds_per_tube_per_day.values())
        t = model.gun_pairs.index(("A", tube.id))
        # what was in service when the units fired: wear and losses come after the fire
        in_service = sum(g[name][:, :, t] for name in
                         ("tubes_serviceable", "tubes_worn_out", "tubes_lost"))  # fmt: skip
        fired = sum(r["fired"][:, :, k] for k in munitions)
        assert (fired <= np.floor(in_service * top)).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=scenarios(), seed=st.integers(0, 2**32))
def test_random_scenarios_keep_the_payments_and_no_supplier_ships_what_it_lacks(raw, seed):
    scenario = build_scenario(raw, file="generated")
    model = SupplyModel([scenario] * 2, [seed, seed + 1])
    model.run()
    p = model.payment_record
    # recomputed here, day by day: every unit owed is still due or was paid
    due = np.cumsum(p["payment_owed"] - p["payment_made"], axis=0)
    assert np.array_equal(p["payment_due"], due)
    assert (p["payment_due"] >= 0).all() and (p["payment_made"] >= 0).all()
    assert (p["payment_over_cap"] <= p["payment_made"]).all()
    oil = next(pay for pay in scenario.importers[0].payments if pay.id == "oil")
    if oil.cap_binds and oil.cap_per_year is not None:  # one calendar year: the run's 40 days
        assert p["payment_made"][:, :, 0].sum(axis=0).max() <= oil.cap_per_year
        assert p["payment_over_cap"].sum() == 0
    books = model.importer_record["i"]
    opening = sum(scenario.importers[0].stock_rounds.values())
    shipped, made = books["rounds"].sum(axis=0), books["made"].sum(axis=0)
    stock = model.arrays.importers.stock[:, 0].sum(axis=1)
    assert np.array_equal(stock, opening + made - shipped)
    assert (model.arrays.importers.stock >= 0).all() and (shipped <= opening + made).all()
