"""The books: daily flows and stocks per member, side and munition, balanced exactly.

For each member, side and munition, at the end of every day::

    stock_legacy + stock_depot + stock_unit + in_transit
      = initial_total + cum(produced) + cum(imports_dispatched)
        - cum(fired) - cum(destroyed) - cum(interdicted) - cum(discarded)

and ``cum(imports_dispatched) = cum(imports_arrived) + imports_in_transit +
cum(interdicted)`` (only imports can be interdicted). A break raises ``LedgerError``.

Example:
    >>> import numpy as np
    >>> ledger = Ledger(n_members=1, sides=["RU"], munitions=["shell_152"])
    >>> opening = {name: np.zeros((1, 1, 1), np.int64) for name in STOCKS}
    >>> opening["stock_depot"][:] = 100
    >>> ledger.open(opening)
    >>> ledger.add("fired", 0, np.array([[30]]))
    >>> closing = dict(opening, stock_depot=np.array([[[70]]]))
    >>> ledger.close(0, closing)["fired"].tolist()
    [[[30]]]
"""

from __future__ import annotations

import numpy as np

STOCKS = ("stock_legacy", "stock_depot", "stock_unit", "in_transit", "imports_in_transit")
FLOWS = (
    "produced",
    "refurbished",
    "imports_dispatched",
    "imports_arrived",
    "interdicted",
    "destroyed",
    "discarded",
    "delivered",
    "demanded",
    "fired",
    "duds",
)
INFLOWS = ("produced", "imports_dispatched")
OUTFLOWS = ("fired", "destroyed", "interdicted", "discarded")
HELD = ("stock_legacy", "stock_depot", "stock_unit", "in_transit")


class LedgerError(RuntimeError):
    """The books do not balance: a bug in the model, never bad input."""

    def __init__(self, day: int, side: str, munition: str, member: int, detail: str) -> None:
        self.day, self.side, self.munition, self.member = day, side, munition, member
        self.detail = detail
        super().__init__(
            f"ledger broken on day {day}, side {side}, munition {munition}, member {member}: "
            f"{detail}"
        )


class Ledger:
    """Daily flows (``add``) and the end-of-day balance check (``close``)."""

    def __init__(self, n_members: int, sides: list[str], munitions: list[str]) -> None:
        self.sides, self.munitions = sides, munitions
        self.shape = (n_members, len(sides), len(munitions))
        self.today = {name: np.zeros(self.shape, np.int64) for name in FLOWS}
        self.cumulative = {name: np.zeros(self.shape, np.int64) for name in FLOWS}
        self.initial_total = np.zeros(self.shape, np.int64)

    def open(self, stocks: dict[str, np.ndarray]) -> None:
        """Record the opening stocks (before day 0)."""
        self.initial_total = sum(stocks[name] for name in HELD)
        self._check_non_negative(-1, stocks)

    def add(self, flow: str, side: int, rounds: np.ndarray) -> None:
        """Book ``rounds`` (``[M, K]``) of ``flow`` for ``side`` today."""
        self.today[flow][:, side, :] += rounds

    def close(self, day: int, stocks: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Check the day's balance; return the day's flows and start the next day."""
        for name in FLOWS:
            self.cumulative[name] += self.today[name]
        cum = self.cumulative
        held = sum(stocks[name] for name in HELD)
        expected = (
            self.initial_total
            + sum(cum[name] for name in INFLOWS)
            - sum(cum[name] for name in OUTFLOWS)
        )
        self._check_equal(day, held, expected, "stocks held != opening stock + inflows - outflows")
        imports = cum["imports_arrived"] + stocks["imports_in_transit"] + cum["interdicted"]
        self._check_equal(
            day,
            cum["imports_dispatched"],
            imports,
            "imports dispatched != arrived + en route + lost",
        )
        if (self.today["duds"] > self.today["fired"]).any():
            self._fail(day, self.today["duds"] > self.today["fired"], "more duds than rounds fired")
        self._check_non_negative(day, stocks)
        flows = self.today
        self.today = {name: np.zeros(self.shape, np.int64) for name in FLOWS}
        return flows

    def _check_equal(self, day: int, a: np.ndarray, b: np.ndarray, what: str) -> None:
        if not np.array_equal(a, b):
            self._fail(day, a != b, f"{what} (off by {int((a - b)[a != b].flat[0])} rounds)")

    def _check_non_negative(self, day: int, stocks: dict[str, np.ndarray]) -> None:
        for name, stock in stocks.items():
            if (stock < 0).any():
                self._fail(day, stock < 0, f"negative {name}")

    def _fail(self, day: int, where: np.ndarray, what: str) -> None:
        member, side, munition = (int(i) for i in np.argwhere(where)[0])
        raise LedgerError(day, self.sides[side], self.munitions[munition], member, what)
