"""The day, compiled: every agent kind's rule in the daily order, over a span of days.

Between two dated events nothing changes the rules' parameters, so one call advances
every member through the whole span: days outside, and each kind's rule runs every
member in turn (members never depend on each other). The daily order:

1. the sanctions regime adapts (evasion closes part of its gap);
2. producers make rounds, refurbishment lines rework imported rounds and release legacy
   stock, foreign suppliers dispatch what is due while they are paid, and deliver their
   counted items; the buyer owes for what was dispatched and pays what it can;
3. shipments due today arrive at their depots (or rework plants);
4. depots, suppliers first, serve their front units and downstream depots;
5. deep strikes: each campaign launches the long-range munitions its side holds at
   the enemy's depots;
6. gun parks receive tubes, refit worn ones and issue reserve ones;
7. each side sets its tempo from its stocks and its plan;
8. front units fire, as far as their tubes allow and at their side's tempo, and wear
   their barrels; the enemy destroys some of their tubes, at a set rate and by the
   counter-battery fire of the units that face them;
9. each facing pair's fire buys ground and casualties (the exchange);
10. the ledger closes the day, all four books: every identity checked, the day
    recorded.

A span of one day is the day-by-day path (``SupplyModel.step``); it runs the same code,
so stepping gives the same numbers, bit for bit, as one long span.
"""

from __future__ import annotations

import numpy as np

from sim.engine.accounts import FLOWS, FRONT, GUNS, PAYMENTS, STOCKS, flow_index
from sim.engine.agents import (
    command,
    depot,
    exchange,
    front_unit,
    gun_park,
    importer,
    payments,
    producer,
    sanctions,
    stockpile,
    strikes,
)
from sim.engine.compiled import kernel
from sim.engine.ledger import close, start
from sim.engine.network import arrive, hold_in_transit

IMPORTS_ARRIVED, REWORK_RECEIVED = flow_index("imports_arrived"), flow_index("rework_received")
N_GUN_STOCKS, N_GUN_FLOWS = len(GUNS.stocks), len(GUNS.flows)
N_FRONT_STOCKS, N_FRONT_FLOWS = len(FRONT.stocks), len(FRONT.flows)
N_PAYMENT_STOCKS, N_PAYMENT_FLOWS = len(PAYMENTS.stocks), len(PAYMENTS.flows)


@kernel
def advance(first_day, last_day, regime, producers, stockpiles, importers, routes, paid,
            deliveries, depots, links, hits, guns, tube_imports, sides, units, transit, books,
            gun_books, front_books, payment_books):  # fmt: skip
    """Run days ``first_day`` to ``last_day - 1`` for every member; False on a ledger break."""
    n_members, _, n_sides, n_munitions = books.opening.shape
    n_tube_types = gun_books.opening.shape[3]
    flows = np.zeros((n_members, len(FLOWS), n_sides, n_munitions), np.int64)
    holdings = np.zeros((n_members, len(STOCKS), n_sides, n_munitions), np.int64)
    gun_flows = np.zeros((n_members, N_GUN_FLOWS, n_sides, n_tube_types), np.int64)
    gun_holdings = np.zeros((n_members, N_GUN_STOCKS, n_sides, n_tube_types), np.int64)
    n_fronts = front_books.opening.shape[3]  # 1, or 0 where no unit faces an enemy
    front_flows = np.zeros((n_members, N_FRONT_FLOWS, n_sides, n_fronts), np.int64)
    front_holdings = np.zeros((n_members, N_FRONT_STOCKS, n_sides, n_fronts), np.int64)
    n_streams = payment_books.opening.shape[3]
    payment_flows = np.zeros((n_members, N_PAYMENT_FLOWS, n_sides, n_streams), np.int64)
    payment_holdings = np.zeros((n_members, N_PAYMENT_STOCKS, n_sides, n_streams), np.int64)
    depot_work = depot.workspace(depots, units)
    shipment_work = np.zeros((2, n_munitions), np.int64)
    fire_work = np.zeros((4, n_munitions), np.int64)
    ramp_work = np.zeros(max(producers.ramp_days.shape[2], importers.ramp_days.shape[2]))
    for day in range(first_day, last_day):
        flows[:] = 0
        gun_flows[:] = 0
        front_flows[:] = 0
        payment_flows[:] = 0
        sanctions.adapt(regime)
        producer.produce(producers, regime, depots, transit, day, flows, ramp_work)
        stockpile.refurbish(stockpiles, sides, depots, transit, day, flows)
        importer.dispatch_all(importers, routes, paid, regime, sides, depots, transit, day,
                              flows, shipment_work, ramp_work)  # fmt: skip
        importer.deliver(deliveries, importers, day)
        payments.pay(paid, importers, regime, day, payment_flows)
        arrive(transit, day, depots.stock, depots.duds, stockpiles.queue, flows,
               IMPORTS_ARRIVED, REWORK_RECEIVED)  # fmt: skip
        depot.allocate(depots, links, units, transit, day, flows, depot_work)
        strikes.strike(hits, depots, day, flows)
        gun_park.refit(guns, tube_imports, importers, day, gun_flows)
        command.set_tempo(sides, depots, units, day)
        front_unit.fire(units, sides, guns, day, flows, fire_work)
        gun_park.wear_out(guns, gun_flows)
        gun_park.lose(guns, units, sides, day, gun_flows)
        exchange.exchange(units, guns, sides, day, front_flows)
        holdings_of(stockpiles, paid, depots, guns, sides, units, transit, holdings,
                    gun_holdings, front_holdings, payment_holdings)  # fmt: skip
        if not close(books, day, flows, holdings):
            return False
        if not close(gun_books, day, gun_flows, gun_holdings):
            return False
        if not close(front_books, day, front_flows, front_holdings):
            return False
        if not close(payment_books, day, payment_flows, payment_holdings):
            return False
    return True


@kernel
def holdings_of(stockpiles, paid, depots, guns, sides, units, transit, holdings, gun_holdings,
                front_holdings, payment_holdings):  # fmt: skip
    """Every member's stocks now, by account, side and item (munition, tube type,
    front, payment stream)."""
    holdings[:] = 0
    stockpile.hold(stockpiles, holdings)
    depot.hold(depots, holdings)
    front_unit.hold(units, holdings)
    hold_in_transit(transit, holdings)
    gun_holdings[:] = 0
    gun_park.hold(guns, gun_holdings)
    front_holdings[:] = 0
    exchange.hold(sides, front_holdings)
    payment_holdings[:] = 0
    payments.hold(paid, payment_holdings)


@kernel
def opening(stockpiles, paid, depots, guns, sides, units, transit, books, gun_books,
            front_books, payment_books):  # fmt: skip
    """Record every member's stocks before day 0 as the books' opening."""
    holdings_of(stockpiles, paid, depots, guns, sides, units, transit, books.opening,
                gun_books.opening, front_books.opening, payment_books.opening)  # fmt: skip
    start(books)
    start(gun_books)
    start(front_books)
    start(payment_books)
