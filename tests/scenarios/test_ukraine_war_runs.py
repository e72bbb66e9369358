"""Runs of the 2022-2025 scenario: a floor on its skill against the naive baselines (and
a wrong model scoring worse), exact books, same seed same result, and a DPRK effect on
Russian fire that starts with the first delivery.

One small batch (four replications) serves every test here; the scenario is ~1,400
days, so a batch takes seconds whatever its size.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from sim.engine.structure import side_munition_pairs
from sim.experiments.outcomes import Records
from sim.experiments.runner import replication_seeds, run_variants, simulate
from sim.experiments.validation import check_table, scores
from sim.scenario.loader import load_scenario

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "ukraine_war_2022_2025.toml"
REPS = 4

# The skill of the shipped scenario (behaviour hits less the best naive baseline's,
# sim.experiments.baselines) may not fall below this: a change that costs skill should
# be looked at. It is the skill at the time of writing (-5 over the 48 behaviour
# checkpoints with four replications: the best constant beats the model) less a margin
# for the seeds; docs/validation.md says what the model gets wrong. A floor below zero
# says only that the model must not get worse; the goal is above it.
SKILL_FLOOR = -7
# the books written out here, not taken from the engine's registry, so the two check
# each other
HELD = ("stock_legacy", "stock_rework", "stock_depot", "stock_unit", "in_transit")
INFLOWS = ("produced", "imports_dispatched")
OUTFLOWS = ("fired", "launched", "destroyed", "interdicted", "discarded", "rework_discarded")


@pytest.fixture(scope="module")
def baseline():
    scenario = load_scenario(SCENARIO)
    seeds = replication_seeds(scenario.scenario.seed, REPS)
    model = simulate([scenario] * REPS, seeds, progress=False)
    return scenario, seeds, model


def test_the_baseline_keeps_its_skill_against_the_naive_baselines(baseline):
    scenario, _, model = baseline
    table = check_table(scenario, Records.of(model))
    assert len(table) == len(scenario.checkpoints)
    found = scores(table)
    assert found["behaviour"]["checkpoints"] >= 40
    assert found["skill"] >= SKILL_FLOOR, found["behaviour"]


def test_a_wrong_history_scores_less_skill(baseline):
    # no_dprk scored as if it were history: the same checkpoints, the same constant and
    # persistence baselines, and less skill; the DPRK's share of Russian fire is what
    # tells the two apart
    scenario, seeds, model = baseline
    wrong = load_scenario(SCENARIO, variant="no_dprk")
    wrong_model = simulate([wrong] * REPS, seeds, progress=False)
    right_table = check_table(scenario, Records.of(model))
    wrong_table = check_table(wrong, Records.of(wrong_model))
    right, worse = scores(right_table), scores(wrong_table)
    assert worse["skill"] < right["skill"]
    for name in ("constant", "persistence"):
        assert worse["behaviour"]["baselines"][name] == right["behaviour"]["baselines"][name]
    shares = right_table["metric"] == "import_share"
    assert wrong_table.loc[shares, "median"].eq(0).all()
    assert right_table.loc[shares, "hit"].sum() > wrong_table.loc[shares, "hit"].sum()


def test_the_books_balance_every_day(baseline):
    _, _, model = baseline
    r = model.record
    held = sum(r[name] for name in HELD)
    net = sum(r[name] for name in INFLOWS) - sum(r[name] for name in OUTFLOWS)
    np.testing.assert_array_equal(np.diff(held, axis=0), net[1:])
    cum = {name: r[name].cumsum(axis=0) for name in ("imports_dispatched", "imports_arrived")}
    np.testing.assert_array_equal(
        cum["imports_dispatched"],
        cum["imports_arrived"] + r["imports_in_transit"] + r["interdicted"].cumsum(axis=0),
    )
    assert (r["duds"] <= r["fired"]).all()
    assert all((r[name] >= 0).all() for name in HELD)


def test_suppliers_books_add_up_to_each_sides_imports(baseline):
    scenario, _, model = baseline
    for side in ("RU", "UA"):
        columns = [i for i, (s, _) in enumerate(model.pairs) if s == side]
        suppliers = [i.id for i in scenario.importers if i.side == side]
        for books, ledger in (("rounds", "imports_dispatched"), ("interdicted", "interdicted")):
            total = sum(model.importer_record[ident][books] for ident in suppliers)
            np.testing.assert_array_equal(total, model.record[ledger][:, :, columns].sum(axis=2))


@pytest.fixture(scope="module")
def with_and_without_dprk():
    base = load_scenario(SCENARIO)
    return run_variants(
        [base, load_scenario(SCENARIO, variant="no_dprk")],
        reps=2,
        seed=base.scenario.seed,
        timeseries=False,
        progress=False,
    )


def test_same_seed_same_run_whatever_the_batch(baseline, with_and_without_dprk):
    # replications 0 and 1 of the four-member batch are members 0 and 2 of a batch that
    # also holds two no_dprk members (replication-major: baseline, no_dprk, baseline, ...)
    _, seeds, model = baseline
    assert with_and_without_dprk.seeds == seeds[:2]
    for name, values in model.record.items():
        np.testing.assert_array_equal(
            values[:, :2], with_and_without_dprk.record[name][:, 0::2], err_msg=name
        )


def test_dprk_supply_raises_russian_fire_from_its_first_delivery_only(with_and_without_dprk):
    scenario = with_and_without_dprk.scenarios["baseline"]
    russian = [i for i, (side, _) in enumerate(side_munition_pairs(scenario)) if side == "RU"]
    fire = with_and_without_dprk.record["fired"][:, :, russian].sum(axis=2)
    with_dprk, without = fire[:, 0::2], fire[:, 1::2]  # members: replication-major

    def day(date):
        return (date - scenario.scenario.start_date).days

    first_shipment = day(next(i for i in scenario.importers if i.id == "dprk").start_date)
    np.testing.assert_array_equal(with_dprk[:first_shipment], without[:first_shipment])
    year_2024 = slice(day(dt.date(2024, 1, 1)), day(dt.date(2024, 12, 31)) + 1)
    gain = with_dprk[year_2024].mean(axis=0) - without[year_2024].mean(axis=0)
    assert (gain > 1000).all()  # rounds a day, in each paired replication


@pytest.fixture(scope="module")
def consequences():
    from sim.experiments.compare import compare

    result = compare(SCENARIO, "baseline,no_dprk", reps=3, timeseries=False, progress=False)
    return result.consequences.set_index(["side", "metric"])


@pytest.mark.parametrize(
    ("side", "metric", "sign"),
    [
        ("RU", "ground_net_km2", +1),  # Russia takes more ground with DPRK supply
        ("UA", "ground_net_km2", -1),
        ("UA", "tubes_lost", +1),  # Ukraine loses more guns to Russia's fire
        ("UA", "casualties_suffered", +1),
        ("UA", "rounds_fired", +1),  # and answers some of it (over the war: 2024 alone is
        # within the noise of three replications)
        ("RU", "casualties_inflicted", +1),
    ],
)
def test_dprk_supply_changes_ukraines_rows_too(consequences, side, metric, sign):
    row = consequences.loc[(side, metric)]
    assert row["mean_diff"] == pytest.approx(row["mean_a"] - row["mean_b"])
    low, high = sign * row["ci_low"], sign * row["ci_high"]
    assert min(low, high) > 0, (side, metric, row.to_dict())  # the interval excludes zero


def test_one_sides_ground_gained_is_the_others_lost(consequences):
    c = consequences["mean_a"]
    assert c[("RU", "ground_gained_km2")] == pytest.approx(c[("UA", "ground_lost_km2")])
    assert c[("RU", "casualties_suffered")] == pytest.approx(c[("UA", "casualties_inflicted")])
