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
    [('produced', 1), ('imports_dispatched', 1), ('interdicted', -1)]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

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
    Account("imports_arrived", "flow", "imported rounds that reached a depot",
            summaries=("total",)),
    Account("interdicted", "flow", "imported rounds seized or destroyed en route", sign=-1,
            summaries=("total",)),
    Account("destroyed", "flow", "depot stock destroyed by strikes", sign=-1,
            summaries=("total",)),
    Account("discarded", "flow", "legacy rounds found unserviceable", sign=-1,
            summaries=("total",)),
    Account("delivered", "flow", "rounds depots handed to front units", summaries=("total",)),
    Account("demanded", "measure", "rounds front units wanted to fire", summaries=("total",)),
    Account("fired", "flow", "rounds fired", sign=-1, summaries=("total", "mean_daily"),
            stem="fire"),
    Account("shortfall", "derived", "rounds demanded but not fired",
            note="`demanded − fired`: rationing or empty stock", summaries=("total", "days"),
            formula=lambda r: r["demanded"] - r["fired"]),
    Account("duds", "measure", "fired rounds that failed", note="a subset of `fired`",
            summaries=("total",)),
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


def holdings_identity(asset: str) -> Identity:
    """The asset's main identity: what is held = opening + inflows - outflows."""
    held = {a.name: 1 for a in ACCOUNTS if a.asset == asset and a.kind == "stock" and a.held}
    moved = [a for a in ACCOUNTS if a.asset == asset and a.kind == "flow" and a.sign != 0]
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
)
"""The equations the ledger checks at the end of every day, for every member."""

SUBSETS: tuple[tuple[str, str], ...] = (("duds", "fired"),)
"""(part, whole): a day's ``part`` never exceeds its ``whole``."""


def stock_index(name: str) -> int:
    """Position of a stock in the engine's arrays of stocks."""
    return STOCKS.index(name)


def flow_index(name: str) -> int:
    """Position of a flow or measure in the engine's arrays of flows."""
    return FLOWS.index(name)


def identity_matrices() -> tuple[np.ndarray, np.ndarray]:
    """``IDENTITIES`` as integer coefficients: ``[identities, stocks]``, ``[identities, flows]``."""
    stocks = np.zeros((len(IDENTITIES), len(STOCKS)), np.int64)
    flows = np.zeros((len(IDENTITIES), len(FLOWS)), np.int64)
    for i, identity in enumerate(IDENTITIES):
        for name, coefficient in identity.stocks.items():
            stocks[i, stock_index(name)] = coefficient
        for name, coefficient in identity.flows.items():
            flows[i, flow_index(name)] = coefficient
    return stocks, flows


def subset_pairs() -> np.ndarray:
    """``SUBSETS`` as flow positions, ``[n, 2]``."""
    return np.array([[flow_index(a), flow_index(b)] for a, b in SUBSETS], np.int64).reshape(-1, 2)
