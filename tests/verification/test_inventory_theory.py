"""munsim against inventory theory, on small base-stock networks where theory has the answer.

Each case is a serial chain: an unlimited source depot, depots joined by links, and one
front unit at the last depot. Every stage orders up to a fixed base stock, so theory
(Clark and Scarf's serial system, computed with ``stockpyl``) gives the fire fill rate
and the mean stock on hand at each stage; Little's law gives the mean pipeline. The
simulated values are means over replications, held to theory within four standard
errors. ``docs/verification.md`` explains the mapping; its table is printed by::

    .venv/bin/python -m tests.verification.test_inventory_theory
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np
import pytest
from stockpyl.helpers import sum_of_discretes_distribution
from stockpyl.loss_functions import discrete_loss, lognormal_loss

from sim.engine.agents.depot import Depot
from sim.engine.model import SupplyModel
from tests.builder import Build

REPLICATIONS = 20
DAYS = 4000
WARM_UP_DAYS = 60
STANDARD_ERRORS = 4.0
SOURCE_ROUNDS = 10**9  # the source depot never runs out (100 a day for 4,000 days)
TAIL_PROBABILITY = 1e-15  # daily demands less likely than this are dropped


@dataclass(frozen=True)
class Chain:
    """A source depot, a depot per link, then one front unit at the last depot.

    ``links`` gives each depot's link in, upstream first: its ``transit_days`` and the
    depot's ``target_days_of_supply``. With no link the unit orders from the source.
    """

    name: str
    network: str
    links: tuple[tuple[int, float], ...]
    unit_target_days: float
    rounds_per_day: float = 100.0
    demand_noise_cv: float = 0.3

    @property
    def depots(self) -> list[str]:
        return [f"depot_{i + 1}" for i in range(len(self.links))]

    def base_stock(self, target_days: float) -> int:
        """The rounds a stage orders up to: munsim's ``order_up_to`` target."""
        return math.ceil(target_days * self.rounds_per_day)

    def lead_time_days(self) -> int:
        return sum(transit_days for transit_days, _ in self.links)

    def world(self) -> Build:
        """The scenario, every stage full at the start."""
        world = Build(days=DAYS).depot("source", stock_rounds={"a": SOURCE_ROUNDS})
        supplier = "source"
        for depot, (transit_days, target_days) in zip(self.depots, self.links, strict=True):
            world.depot(depot, target_days_of_supply=target_days,
                        stock_rounds={"a": self.base_stock(target_days)})  # fmt: skip
            world.link(f"to_{depot}", supplier, depot, transit_days=transit_days)
            supplier = depot
        return world.unit(
            "unit",
            supplier,
            base_rounds_per_day={"a": self.rounds_per_day},
            demand_noise_cv=self.demand_noise_cv,
            target_days_of_supply=self.unit_target_days,
            stock_rounds={"a": self.base_stock(self.unit_target_days)},
            rationing_threshold_days=0.0,  # it fires what it has, down to the last round
        )


NEWSVENDOR = Chain("newsvendor", "unit at the source", (), unit_target_days=1.25)
SINGLE = Chain("single", "source → depot → unit", ((3, 6.0),), unit_target_days=2.5)
SERIAL = Chain(
    "serial", "source → depot 1 → depot 2 → unit", ((5, 8.0), (2, 4.5)), unit_target_days=2.5
)
LOW_SERVICE = Chain("low service", "source → depot → unit", ((3, 4.5),), unit_target_days=1.5)
CASES = (NEWSVENDOR, SINGLE, SERIAL)
"""Where stockouts are rare, so lost fire (munsim) and backorders (theory) agree."""


# -- theory ---------------------------------------------------------------------------


def daily_demand(rounds_per_day: float, demand_noise_cv: float) -> np.ndarray:
    """P(a unit wants k rounds in a day), k = 0, 1, ...: munsim's law.

    munsim draws ``rounds_per_day`` x a lognormal of mean 1 and cv ``demand_noise_cv``,
    then rounds it up with probability its fraction. So P(demand >= k) is the mean of
    the lognormal's survival function over [k - 1, k]: a difference of its loss
    function n, and P(demand = k) = n(k - 1) - 2 n(k) + n(k + 1).
    """
    sigma = math.sqrt(math.log1p(demand_noise_cv**2))
    log_mean = math.log(rounds_per_day) - sigma**2 / 2
    most = math.ceil(rounds_per_day * math.exp(10 * sigma)) + 2  # far in the tail
    loss = np.array([lognormal_loss(k, log_mean, sigma)[0] for k in range(-1, most + 1)])
    pmf = np.maximum(loss[:-2] - 2 * loss[1:-1] + loss[2:], 0.0)
    pmf = pmf[: np.flatnonzero(pmf > TAIL_PROBABILITY)[-1] + 1]
    return pmf / pmf.sum()


def window_demand(daily: np.ndarray, days: int) -> np.ndarray:
    """P(the rounds wanted over ``days`` days = k), k = 0, 1, ... (stockpyl convolves)."""
    window = sum_of_discretes_distribution(days, 0, len(daily) - 1, list(daily))
    return window.pmf(np.arange(days * (len(daily) - 1) + 1))


def losses(pmf: np.ndarray, base_stock: int) -> tuple[float, float]:
    """E[(X - S)+] and E[(S - X)+] for X with ``pmf`` from 0: rounds short, rounds left."""
    short, spare = discrete_loss(base_stock, pmf=dict(enumerate(pmf)))
    return float(short), float(spare)


class Theory(NamedTuple):
    """A chain's answer under backorders: fire fill rate, mean end-of-day stock on hand at
    each depot and at the unit, and the mean pipeline by Little's law."""

    fill_rate: float
    on_hand: tuple[float, ...]
    pipeline: float


@cache
def theory(chain: Chain) -> Theory:
    """Clark and Scarf's serial system, stage by stage from the source down.

    A depot with a link of L transit days covers L + 1 days of demand (its lead time and
    a day's review), the unit (served the same day) covers one. A stage's stock must also
    make up what the stage above it owes (its backorders), whose window of demand comes
    just before the stage's own, so the two are independent: on hand = E[(S - D - B)+],
    and what it owes below is (D + B - S)+.
    """
    daily = daily_demand(chain.rounds_per_day, chain.demand_noise_cv)
    stages = [(transit_days + 1, target) for transit_days, target in chain.links]
    owed = np.array([1.0])  # P(the stage above owes k rounds): the source owes nothing
    on_hand = []
    for days, target_days in stages:
        base_stock = chain.base_stock(target_days)
        wanted = np.convolve(window_demand(daily, days), owed)
        on_hand.append(losses(wanted, base_stock)[1])
        owed = np.concatenate([[wanted[: base_stock + 1].sum()], wanted[base_stock + 1 :]])
    unit_stock = chain.base_stock(chain.unit_target_days)
    short_after, unit_on_hand = losses(np.convolve(daily, owed), unit_stock)
    short_before = losses(owed, unit_stock)[0]  # what it owed before the day's demand
    fill_rate = 1 - (short_after - short_before) / chain.rounds_per_day
    pipeline = chain.lead_time_days() * chain.rounds_per_day  # every round is replaced
    return Theory(fill_rate, (*on_hand, unit_on_hand), pipeline)


# -- simulation -----------------------------------------------------------------------


class Estimate(NamedTuple):
    """A mean over replications and its standard error."""

    mean: float
    standard_error: float

    @classmethod
    def of(cls, values: np.ndarray) -> Estimate:
        return cls(float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values))))

    def agrees_with(self, value: float) -> bool:
        return abs(self.mean - value) <= STANDARD_ERRORS * self.standard_error


class Simulated(NamedTuple):
    """What munsim ran to: each replication's mean over the days after the warm-up."""

    fill_rate: np.ndarray  # fired / demanded
    on_hand: tuple[np.ndarray, ...]  # end-of-day stock at each depot, then the unit
    pipeline: np.ndarray  # rounds in transit at the end of the day
    fired_per_day: np.ndarray


@cache
def simulate(chain: Chain) -> Simulated:
    """Run the chain's replications day by day, reading each depot's stock every day."""
    model = SupplyModel([chain.world().scenario()] * REPLICATIONS, range(1, REPLICATIONS + 1))
    depots = {agent.spec_id: agent for agent in model.agents_by_type[Depot]}
    held = np.zeros((DAYS, len(chain.depots), REPLICATIONS), np.int64)
    for day in range(DAYS):
        model.step()
        for i, depot in enumerate(chain.depots):
            held[day, i] = depots[depot].stock[:, 0]
    record = {name: series[WARM_UP_DAYS:, :, 0] for name, series in model.record.items()}
    fired = record["fired"]
    on_hand = (*held[WARM_UP_DAYS:].mean(axis=0), record["stock_unit"].mean(axis=0))
    return Simulated(
        fired.sum(axis=0) / record["demanded"].sum(axis=0),
        on_hand,
        record["in_transit"].mean(axis=0),
        fired.mean(axis=0),
    )


# -- tests ----------------------------------------------------------------------------


@pytest.mark.parametrize("chain", CASES, ids=lambda chain: chain.name)
def test_the_fire_fill_rate_is_theorys(chain):
    fill_rate = Estimate.of(simulate(chain).fill_rate)
    assert fill_rate.agrees_with(theory(chain).fill_rate), (fill_rate, theory(chain))


@pytest.mark.parametrize("chain", CASES, ids=lambda chain: chain.name)
def test_the_stock_on_hand_at_every_stage_is_theorys(chain):
    simulated = [Estimate.of(stage) for stage in simulate(chain).on_hand]
    expected = theory(chain).on_hand
    pairs = list(zip(simulated, expected, strict=True))
    assert all(s.agrees_with(e) for s, e in pairs), pairs


@pytest.mark.parametrize("chain", [SINGLE, SERIAL], ids=lambda chain: chain.name)
def test_the_pipeline_is_the_lead_time_times_the_demand(chain):
    pipeline = Estimate.of(simulate(chain).pipeline)
    assert pipeline.agrees_with(theory(chain).pipeline), (pipeline, theory(chain))


@pytest.mark.parametrize("chain", [SINGLE, SERIAL, LOW_SERVICE], ids=lambda chain: chain.name)
def test_the_pipeline_is_the_lead_time_times_the_fire_at_any_service(chain):
    # Little's law: each round fired is replaced, and spends the lead time in transit
    simulated = simulate(chain)
    gap = Estimate.of(simulated.pipeline - chain.lead_time_days() * simulated.fired_per_day)
    assert gap.agrees_with(0.0), gap


def test_at_low_service_lost_fire_keeps_stock_that_backorders_would_owe():
    # theory owes every round short and replaces it; munsim loses it and replaces only
    # what was fired, so it fires a larger share of its demand, with less in transit
    simulated, expected = simulate(LOW_SERVICE), theory(LOW_SERVICE)
    fill_rate, pipeline = Estimate.of(simulated.fill_rate), Estimate.of(simulated.pipeline)
    assert fill_rate.mean - expected.fill_rate > STANDARD_ERRORS * fill_rate.standard_error
    assert expected.pipeline - pipeline.mean > STANDARD_ERRORS * pipeline.standard_error


# -- the table of docs/verification.md ------------------------------------------------


def table_rows(chain: Chain) -> list[list[str]]:
    """A chain's rows: what it is, then each quantity in theory and in munsim."""
    simulated, expected = simulate(chain), theory(chain)
    stages = [f"on hand, {depot.replace('_', ' ')}" for depot in chain.depots] + ["on hand, unit"]
    quantities = [("fill rate", expected.fill_rate, simulated.fill_rate)]
    quantities += zip(stages, expected.on_hand, simulated.on_hand, strict=True)
    if chain.links:
        quantities.append(("pipeline", expected.pipeline, simulated.pipeline))
    targets = [target for _, target in chain.links] + [chain.unit_target_days]
    targets_shown = [f"{target:g} ({chain.base_stock(target)})" for target in targets]
    lead_times = "0" if not chain.links else " + ".join(str(t) for t, _ in chain.links)
    described = [
        chain.name,
        chain.network,
        f"{chain.rounds_per_day:g} × lognormal, cv {chain.demand_noise_cv:g}",
        lead_times,
        " / ".join(targets_shown),
    ]
    rows = []
    for quantity, value, values in quantities:
        digits = 5 if quantity == "fill rate" else 1
        estimate = Estimate.of(values)
        shown = f"{estimate.mean:.{digits}f} ± {estimate.standard_error:.{digits}f}"
        rows.append([*described, quantity, f"{value:.{digits}f}", shown])
        described = [""] * len(described)
    return rows


def main() -> None:
    header = ["case", "network", "daily demand", "transit days", "targets, days (rounds)",
              "quantity", "theory (stockpyl)", "munsim (mean ± s.e.)"]  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for chain in (*CASES, LOW_SERVICE):
        for row in table_rows(chain):
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
