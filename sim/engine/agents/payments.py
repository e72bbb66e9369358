"""What suppliers are paid: the buyer's debts to each supplier, by kind of payment.

Every 1,000 rounds a supplier dispatches put its buyer in debt by each of its payments'
``per_1000_rounds`` (oil in barrels, food in tonnes, technology in counted items, cash in
dollars), raised by ``disclosure_price_premium`` x the sanctions regime's ``monitoring``
where the buyer is the sanctioned side: trade that is watched and published costs more.
Debts and payments are whole units; the fractions (of a debt, of a day's ``paid_per_day``)
carry to the next day, so nothing is rounded away. Each day the buyer pays what it owes,
up to ``paid_per_day`` and, where ``cap_binds``, what is left of the calendar year's
``cap_per_year``; what it pays beyond the cap when the cap does not bind is recorded as
``payment_over_cap``, and what it owed that day but a binding cap kept it from paying as
``payment_held_by_cap``.

A supplier ships while it is paid: while its buyer owes it no more of any payment than
that payment's ``credit`` (each kind in its own unit: cash does not settle a debt of
oil). Stop paying and it ships on until the debt passes its credit, then stops; pay
again and it resumes. ``value_usd`` only prices the payments for the tables.

Example:
    >>> days_until_unpaid(credit=1_000.0, owed_per_day=300.0)
    4
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.engine.accounts import PAYMENTS
from sim.engine.agents.base import positions
from sim.engine.agents.sanctions import felt_by
from sim.engine.compiled import kernel
from sim.scenario import schema

if TYPE_CHECKING:
    from sim.engine.model import SupplyModel
    from sim.scenario.schema import Scenario

DUE = PAYMENTS.stock_index("payment_due")
OWED, MADE = PAYMENTS.flow_index("payment_owed"), PAYMENTS.flow_index("payment_made")
OVER_CAP = PAYMENTS.flow_index("payment_over_cap")
HELD_BY_CAP = PAYMENTS.flow_index("payment_held_by_cap")


class PaymentArrays(NamedTuple):
    """Every payment stream's wiring (``[P]``), parameters (``[M, P]``) and state."""

    importer: np.ndarray  # [P] the supplier it pays
    side: np.ndarray  # [P] the paying side
    per_1000_rounds: np.ndarray
    credit: np.ndarray
    paid_per_day: np.ndarray
    cap_per_year: np.ndarray
    cap_binds: np.ndarray
    due: np.ndarray  # [M, P] whole units owed, not yet paid
    carry: np.ndarray  # [M, P] the fraction of a unit owed, carried to the next day
    capacity_carry: np.ndarray  # [M, P] the fraction of a unit of a day's payment capacity
    paid_this_year: np.ndarray  # [M, P]
    year_starts: np.ndarray  # [days] bool: the day a calendar year starts (and day 0)


def build(model: SupplyModel) -> PaymentArrays:
    """The payment streams of every supplier, ``importers.ID.payments.KIND``."""
    base = model.base
    table = model.table(
        schema.Payment, lambda scenario: [p for i in scenario.importers for p in i.payments]
    )
    owner, sides = [], []
    index = 0
    for i, spec in enumerate(base.importers):
        for payment in spec.payments:
            model.parameters.append(
                table.entity(f"importers.{spec.id}.payments.{payment.id}", index)
            )
            owner.append(i)
            sides.append(model.sides.index(spec.side))
            index += 1
    n = model.n_members
    dates = np.datetime64(model.start_date, "D") + np.arange(model.days)
    before = dates - np.timedelta64(1, "D")
    year_starts = dates.astype("datetime64[Y]") != before.astype("datetime64[Y]")
    year_starts[:1] = True  # the run's first day opens its first year
    return PaymentArrays(
        importer=positions(owner),
        side=positions(sides),
        due=np.zeros((n, index), np.int64),
        carry=np.zeros((n, index), np.float64),
        capacity_carry=np.zeros((n, index), np.float64),
        paid_this_year=np.zeros((n, index), np.int64),
        year_starts=year_starts,
        **table.columns(PaymentArrays),
    )


def stream_pairs(scenario: Scenario) -> list[tuple[str, str]]:
    """Each payment stream's (paying side, item id in the payments' books:
    ``supplier.kind``), in the order of the streams."""
    return [(i.side, f"{i.id}.{p.id}") for i in scenario.importers for p in i.payments]


def days_until_unpaid(credit: float, owed_per_day: float) -> int:
    """Days a supplier ships unpaid before its debt passes its credit (the stated lag)."""
    if owed_per_day <= 0:
        return 10**9
    return math.floor(credit / owed_per_day) + 1


@kernel
def paid_enough(p, m, i):
    """Whether supplier ``i`` of member ``m`` is owed no more of any payment than its
    credit."""
    ok = True
    for s in range(p.importer.shape[0]):
        if p.importer[s] == i:
            ok = ok & (p.due[m, s] <= p.credit[m, s])
    return ok


@kernel
def pay(p, importers, regime, day, books):
    """The buyer owes for today's dispatches and pays what it can, stream by stream."""
    if p.year_starts[day]:
        p.paid_this_year[:] = 0
    for m in range(p.due.shape[0]):
        for s in range(p.importer.shape[0]):
            i, side = p.importer[s], p.side[s]
            monitoring = felt_by(side, regime.target_side[0], regime.monitoring[m, 0])
            rounds = importers.counts[day, m, i, 0]
            price = p.per_1000_rounds[m, s] * (
                1.0 + importers.disclosure_price_premium[m, i] * monitoring
            )
            exact = p.carry[m, s] + rounds * price / 1000.0
            owed = np.int64(np.floor(exact))
            p.carry[m, s] = exact - owed
            p.due[m, s] += owed
            # what it can deliver today, in whole units; a fraction of a unit carries
            limit = p.paid_per_day[m, s]
            if np.isfinite(limit):
                limit += p.capacity_carry[m, s]
                whole = np.floor(limit)
                p.capacity_carry[m, s] = limit - whole
                limit = whole
            can = min(np.float64(p.due[m, s]), limit)
            room = max(p.cap_per_year[m, s] - p.paid_this_year[m, s], 0.0)
            allowed = min(can, np.floor(room)) if p.cap_binds[m, s] else can
            paid = np.int64(allowed)
            over = paid - min(paid, np.int64(min(room, np.float64(paid))))
            p.due[m, s] -= paid
            p.paid_this_year[m, s] += paid
            books[m, OWED, side, s] += owed
            books[m, MADE, side, s] += paid
            books[m, OVER_CAP, side, s] += over
            books[m, HELD_BY_CAP, side, s] += min(owed, np.int64(can) - paid)


@kernel
def hold(p, holdings):
    """Add what each stream is owed to the day's holdings."""
    for m in range(p.due.shape[0]):
        for s in range(p.importer.shape[0]):
            holdings[m, DUE, p.side[s], s] += p.due[m, s]
