"""The accounts: every stock and flow the books keep, declared once.

The ledger's identities, the daily record, the timeseries columns, the summary metrics
and the README's column tables are all made from ``ACCOUNTS`` and ``IDENTITIES``.
Adding a flow is one line here and the rule that books it.

Each account belongs to an *asset* (rounds today) and is one of

- ``stock``: held at the end of a day (``held`` stocks make up the side's holdings);
- ``flow``: moved during a day; ``sign`` says whether it adds to the side's holdings
  (+1, from outside), takes from them (-1, to outside) or moves within them (0);
- ``measure``: counted during a day but not a movement of rounds (demand, duds);
- ``derived``: computed from the others for the tables (``formula``).

Example:
    >>> [a.name for a in ACCOUNTS if a.kind == "flow" and a.sign > 0]
    ['produced', 'imports_dispatched']
    >>> sorted(holdings_identity("rounds").flows.items(), key=lambda item: -item[1])[:3]
    [('produced', 1), ('imports_dispatched', 1), ('rework_discarded', -1)]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

Record = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Account:
    """One stock or flow of the books, and what the tables say of it."""

    name: str
    kind: str  # "stock", "flow", "measure" or "derived"
    meaning: str
    asset: str = "rounds"
    unit: str = "rounds"
    sign: int = 0  # flows: +1 into the holdings, -1 out of them, 0 within them
    held: bool = False  # stocks: part of the side's holdings
    summaries: tuple[str, ...] = ()  # which summary metrics it gets (see sim.engine.metrics)
    formula: Callable[[Record], np.ndarray] | None = field(default=None, compare=False)
    note: str = ""  # said of the column, not of its metrics
    stem: str = ""  # the metrics' word for it, where not its name ("fire" for "fired")

    def describe(self) -> str:
        """The meaning with its note, as the timeseries table gives it."""
        return f"{self.meaning} ({self.note})" if self.note else self.meaning


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.maximum(denominator, 1), np.nan)


ACCOUNTS: tuple[Account, ...] = (
    Account("stock_legacy", "stock", "legacy (not yet refurbished) stock", held=True,
            summaries=("final", "min")),
    Account("stock_rework", "stock", "imported rounds waiting for rework in the buyer's plants",
            note="rounds in rework are `in_transit` from the plant to its depot", held=True,
            summaries=("final",)),
    Account("stock_depot", "stock", "stock in all depots", held=True, summaries=("final", "min")),
    Account("stock_unit", "stock", "stock held by front units", held=True,
            summaries=("final", "min")),
    Account("in_transit", "stock", "rounds under way",
            note="domestic legs, depot links and import routes", held=True,
            summaries=("final",)),
    Account("produced", "flow", "rounds made by producers", sign=+1, summaries=("total",)),
    Account("refurbished", "flow", "legacy rounds refurbished and sent to a depot",
            summaries=("total",)),
    Account("imports_dispatched", "flow", "rounds foreign suppliers handed to a route",
            note="the side's boundary", sign=+1, summaries=("total",)),
    Account("imports_arrived", "flow", "imported rounds that reached a depot or a rework plant",
            summaries=("total",)),
    Account("rework_received", "flow", "imported rounds that arrived for rework",
            note="part of `imports_arrived`", summaries=("total",)),
    Account("reworked", "flow", "imported rounds reworked and sent on to a depot",
            summaries=("total",)),
    Account("rework_discarded", "flow", "imported rounds rework found beyond repair", sign=-1,
            summaries=("total",)),
    Account("interdicted", "flow", "imported rounds seized or destroyed en route", sign=-1,
            summaries=("total",)),
    Account("destroyed", "flow", "depot stock destroyed by strikes", sign=-1,
            summaries=("total",)),
    Account("discarded", "flow", "legacy rounds found unserviceable", sign=-1,
            summaries=("total",)),
    Account("launched", "flow", "long-range munitions spent on deep strikes",
            note="from the striking campaign's depot", sign=-1, summaries=("total",)),
    Account("delivered", "flow", "rounds depots handed to front units", summaries=("total",)),
    Account("demanded", "measure", "rounds front units wanted to fire", summaries=("total",)),
    Account("fired", "flow", "rounds fired", sign=-1, summaries=("total", "mean_daily"),
            stem="fire"),
    Account("shortfall", "derived", "rounds demanded but not fired",
            note="`demanded − fired`: rationing or empty stock", summaries=("total", "days"),
            formula=lambda r: r["demanded"] - r["fired"]),
    Account("duds", "measure", "fired rounds that failed", note="a subset of `fired`",
            summaries=("total",)),
    Account("held_back", "measure", "rounds on hand the side's tempo policy held back",
            note="part of `shortfall`: a choice, to keep or build a reserve",
            summaries=("total", "days")),
    Account("postponed", "measure", "rounds held back while a planned offensive waited for "
            "stock", note="part of `held_back`: the unit fired as before its offensive",
            summaries=("total", "days")),
    Account("tube_limited", "measure", "rounds on hand that serviceable tubes could not fire",
            note="part of `shortfall`: the guns, not the shells, were the limit",
            summaries=("total", "days")),
    Account("ammunition_limited", "derived", "rounds demanded that the unit did not have",
            note="`shortfall − held_back − tube_limited`: empty, or rationing",
            summaries=("total", "days"),
            formula=lambda r: r["demanded"] - r["fired"] - r["held_back"] - r["tube_limited"]),
    Account("effective_fire", "derived", "rounds fired that were not duds",
            note="`fired − duds`", summaries=("total", "mean_daily"),
            formula=lambda r: r["fired"] - r["duds"]),
    Account("imports_in_transit", "stock", "imported rounds under way",
            note="part of `in_transit`"),
    Account("days_of_supply", "derived", "(unit + depot stock) ÷ that day's demand",
            note="float; empty when no demand", unit="days of supply", summaries=("min",),
            formula=lambda r: _ratio(r["stock_unit"] + r["stock_depot"], r["demanded"])),
)  # fmt: skip
"""Every account, in the order of the timeseries table's columns."""

BY_NAME = {account.name: account for account in ACCOUNTS}
STOCKS = tuple(a.name for a in ACCOUNTS if a.kind == "stock")
FLOWS = tuple(a.name for a in ACCOUNTS if a.kind in ("flow", "measure"))
RECORDED = STOCKS + FLOWS  # what the engine records each day, in this order
DERIVED = tuple(a.name for a in ACCOUNTS if a.kind == "derived")
HELD = tuple(a.name for a in ACCOUNTS if a.kind == "stock" and a.held)


@dataclass(frozen=True)
class Identity:
    """An exact equation of the books: ``Σ stocks = opening + Σ sign · cumulative flows``.

    ``stocks`` and ``flows`` map account names to integer coefficients; the opening
    side is the same stocks' values before day 0.
    """

    name: str
    asset: str
    stocks: Mapping[str, int]
    flows: Mapping[str, int]
    message: str

    def text(self) -> str:
        """The equation, written out."""
        left = " + ".join(self.stocks)
        right = "opening" + "".join(
            f" {'+' if c > 0 else '-'} {name}" for name, c in self.flows.items()
        )
        return f"{left} = {right}"


def holdings_identity(asset: str, accounts: tuple[Account, ...] | None = None) -> Identity:
    """The asset's main identity: what is held = opening + inflows - outflows."""
    accounts = ACCOUNTS if accounts is None else accounts
    held = {a.name: 1 for a in accounts if a.asset == asset and a.kind == "stock" and a.held}
    moved = [a for a in accounts if a.asset == asset and a.kind == "flow" and a.sign != 0]
    flows = {a.name: a.sign for a in sorted(moved, key=lambda a: -a.sign)}
    return Identity(
        f"{asset}_held", asset, held, flows, "stocks held != opening stock + inflows - outflows"
    )


IDENTITIES: tuple[Identity, ...] = (
    holdings_identity("rounds"),
    Identity(
        "imports",
        "rounds",
        {"imports_in_transit": 1},
        {"imports_dispatched": 1, "imports_arrived": -1, "interdicted": -1},
        "imports dispatched != arrived + en route + lost",
    ),
    Identity(
        "rework",
        "rounds",
        {"stock_rework": 1},
        {"rework_received": 1, "reworked": -1, "rework_discarded": -1},
        "rounds waiting for rework != opening + received - reworked - discarded",
    ),
)
"""The equations the ledger checks at the end of every day, for every member."""

SUBSETS: tuple[tuple[str, str], ...] = (
    ("rework_received", "imports_arrived"),
    ("duds", "fired"),
    ("held_back", "demanded"),
    ("postponed", "held_back"),
    ("tube_limited", "demanded"),
)
"""(part, whole): a day's ``part`` never exceeds its ``whole``."""


def stock_index(name: str) -> int:
    """Position of a stock in the engine's arrays of the rounds' stocks."""
    return STOCKS.index(name)


def flow_index(name: str) -> int:
    """Position of a flow or measure in the engine's arrays of the rounds' flows."""
    return FLOWS.index(name)


GUN_ACCOUNTS: tuple[Account, ...] = (
    Account("tubes_serviceable", "stock", "serviceable tubes at front units", asset="tubes",
            unit="tubes", held=True, summaries=("final", "min")),
    Account("tubes_worn", "stock", "tubes at front units whose barrels are worn out",
            asset="tubes", unit="tubes", held=True, summaries=("final",)),
    Account("tubes_reserve", "stock", "serviceable tubes in the gun park's reserve",
            asset="tubes", unit="tubes", held=True, summaries=("final",)),
    Account("tubes_stored", "stock", "tubes in long-term storage", asset="tubes", unit="tubes",
            held=True, summaries=("final",)),
    Account("barrels_spare", "stock", "spare barrels", asset="barrels", unit="barrels",
            held=True, summaries=("final", "min")),
    Account("tubes_new", "flow", "new tubes made at home", asset="tubes", unit="tubes",
            sign=+1, summaries=("total",)),
    Account("tubes_imported", "flow", "tubes received from abroad", asset="tubes",
            unit="tubes", sign=+1, summaries=("total",)),
    Account("tubes_reactivated", "flow", "stored tubes inspected and put in the reserve",
            asset="tubes", unit="tubes", summaries=("total",)),
    Account("tubes_stripped", "flow", "stored tubes found unserviceable, stripped for barrels",
            asset="tubes", unit="tubes", sign=-1, summaries=("total",)),
    Account("tubes_issued", "flow", "reserve tubes issued to front units", asset="tubes",
            unit="tubes", summaries=("total",)),
    Account("tubes_worn_out", "flow", "tubes whose barrels wore out", asset="tubes",
            unit="tubes", summaries=("total",)),
    Account("tubes_lost", "flow", "serviceable tubes lost to the enemy at the front",
            asset="tubes", unit="tubes", sign=-1, summaries=("total",)),
    Account("tubes_rebarrelled", "flow", "worn tubes fitted with a spare barrel",
            asset="tubes", unit="tubes", summaries=("total",)),
    Account("barrels_new", "flow", "new barrels received", asset="barrels", unit="barrels",
            sign=+1, summaries=("total",)),
    Account("barrels_salvaged", "flow", "barrels taken from stripped tubes", asset="barrels",
            unit="barrels", sign=+1, summaries=("total",)),
    Account("barrels_fitted", "flow", "spare barrels fitted to worn tubes", asset="barrels",
            unit="barrels", sign=-1, summaries=("total",)),
)  # fmt: skip
"""The guns' accounts: tubes and barrels, by side and tube type."""


@dataclass(frozen=True)
class Book:
    """One set of books: its accounts, the item they are kept by, and their checks.

    The rounds are kept by munition, the guns (tubes and barrels) by tube type; each
    book has its own identities, checked every day like the others.
    """

    name: str
    item: str  # what the books are kept by, besides side: "munition", "tube type"
    accounts: tuple[Account, ...]
    identities: tuple[Identity, ...]
    subsets: tuple[tuple[str, str], ...]

    @cached_property
    def stocks(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.accounts if a.kind == "stock")

    @cached_property
    def flows(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.accounts if a.kind in ("flow", "measure"))

    @cached_property
    def recorded(self) -> tuple[str, ...]:
        """What the engine records each day, in this order."""
        return self.stocks + self.flows

    def stock_index(self, name: str) -> int:
        return self.stocks.index(name)

    def flow_index(self, name: str) -> int:
        return self.flows.index(name)

    def identity_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """The identities as integer coefficients: ``[identities, stocks]``,
        ``[identities, flows]``."""
        stocks = np.zeros((len(self.identities), len(self.stocks)), np.int64)
        flows = np.zeros((len(self.identities), len(self.flows)), np.int64)
        for i, identity in enumerate(self.identities):
            for name, coefficient in identity.stocks.items():
                stocks[i, self.stock_index(name)] = coefficient
            for name, coefficient in identity.flows.items():
                flows[i, self.flow_index(name)] = coefficient
        return stocks, flows

    def subset_pairs(self) -> np.ndarray:
        """The subsets as flow positions, ``[n, 2]``."""
        pairs = [[self.flow_index(a), self.flow_index(b)] for a, b in self.subsets]
        return np.array(pairs, np.int64).reshape(-1, 2)


FRONT_ACCOUNTS: tuple[Account, ...] = (
    Account("ground_held", "stock", "ground the side holds", asset="ground", unit="hectares",
            note="100 hectares = 1 km²", held=True, summaries=("final", "min")),
    Account("ground_gained", "flow", "ground taken from the enemy", asset="ground",
            unit="hectares", sign=+1, summaries=("total",)),
    Account("ground_lost", "flow", "ground lost to the enemy", asset="ground", unit="hectares",
            sign=-1, summaries=("total",)),
    Account("casualties_suffered", "measure", "casualties the enemy's modelled fire caused the "
            "side", asset="people", unit="people", note="killed and wounded, by artillery fire",
            summaries=("total",)),
    Account("casualties_inflicted", "measure", "casualties the side's modelled fire caused the "
            "enemy", asset="people", unit="people", summaries=("total",)),
)  # fmt: skip
"""The front's accounts: ground and casualties, by side (see ``sim.engine.agents.exchange``)."""

PAYMENT_ACCOUNTS: tuple[Account, ...] = (
    Account("payment_due", "stock", "owed to the supplier and not yet paid", asset="payment",
            unit="units", note="in the payment's unit: barrels, tonnes, items or US dollars",
            held=True, summaries=("final",)),
    Account("payment_owed", "flow", "owed for the rounds the supplier dispatched",
            asset="payment", unit="units", sign=+1, summaries=("total",)),
    Account("payment_made", "flow", "delivered to the supplier", asset="payment",
            unit="units", sign=-1, summaries=("total",)),
    Account("payment_over_cap", "measure", "delivered beyond the year's sanctions cap",
            asset="payment", unit="units", note="part of `payment_made`", summaries=("total",)),
    Account("payment_held_by_cap", "measure", "owed that day that a binding sanctions cap "
            "kept from being paid", asset="payment", unit="units",
            note="part of `payment_owed`", summaries=("total",)),
)  # fmt: skip
"""The payments' accounts: what the buying side owes and pays each supplier, by kind of
payment (see ``sim.engine.agents.payments``)."""

FRONT_ITEM = "front"
"""The one item the front's books are kept by: a side's whole front."""

ROUNDS = Book("rounds", "munition", ACCOUNTS, IDENTITIES, SUBSETS)
GUNS = Book(
    "guns",
    "tube type",
    GUN_ACCOUNTS,
    (holdings_identity("tubes", GUN_ACCOUNTS), holdings_identity("barrels", GUN_ACCOUNTS)),
    # a barrel is fitted for each tube re-barrelled, and salvaged from each stripped one
    (("barrels_fitted", "tubes_rebarrelled"), ("tubes_rebarrelled", "barrels_fitted"),
     ("barrels_salvaged", "tubes_stripped"), ("tubes_stripped", "barrels_salvaged")),
)  # fmt: skip
FRONT = Book("front", "front", FRONT_ACCOUNTS, (holdings_identity("ground", FRONT_ACCOUNTS),), ())
PAYMENTS = Book(
    "payments",
    "payment",
    PAYMENT_ACCOUNTS,
    (holdings_identity("payment", PAYMENT_ACCOUNTS),),
    (("payment_over_cap", "payment_made"), ("payment_held_by_cap", "payment_owed")),
)
"""The four sets of books every run keeps; the payments are kept by supplier and kind of
payment (``dprk.oil``), on the buying side."""
