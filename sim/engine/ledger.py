"""The books: each day's flows and stocks, per member, side and item, balanced exactly.

A run keeps four sets of books (``sim.engine.accounts.ROUNDS``, kept by munition;
``GUNS``, tubes and barrels kept by tube type; ``FRONT``, ground and casualties kept by
side; ``PAYMENTS``, what each supplier is owed and paid, kept by supplier and kind). The
ledger checks every identity of each at the end of every day, for every member, side
and item, with integer equality, and that no holding is negative and no part exceeds
its whole. A break stops the run
with a ``LedgerError`` naming the day, side, item and member. It also writes the day
into the record: every recorded account, per member, day and (side, item) pair.

Example:
    >>> print(ROUNDS.identities[1].text())
    imports_in_transit = opening + imports_dispatched - imports_arrived - interdicted
    >>> print(GUNS.identities[1].text())
    barrels_spare = opening + barrels_new + barrels_salvaged - barrels_fitted
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.engine.accounts import GUNS, ROUNDS, Book
from sim.engine.compiled import kernel

__all__ = ["GUNS", "ROUNDS", "Books", "LedgerError", "check", "close", "open_books", "start"]


class LedgerError(RuntimeError):
    """The books do not balance: a bug in the model, never bad input."""

    def __init__(
        self, day: int, side: str, item: str, member: int, detail: str, kind: str = "munition"
    ) -> None:
        self.day, self.side, self.item, self.member = day, side, item, member
        self.munition = item if kind == "munition" else None
        self.detail = detail
        super().__init__(
            f"ledger broken on day {day}, side {side}, {kind} {item}, member {member}: {detail}"
        )


class Books(NamedTuple):
    """The ledger's arrays: opening stocks, each identity's running right-hand side, the
    checks and the record."""

    opening: np.ndarray  # [M, stocks, S, K] K: the book's items
    expected: np.ndarray  # [M, identities, S, K] opening + signed cumulative flows so far
    stock_terms: np.ndarray  # [n, 3] (identity, stock, coefficient), non-zero, by identity
    stock_start: np.ndarray  # [identities + 1] each identity's first row of stock_terms
    flow_terms: np.ndarray  # [n, 3] (identity, flow, coefficient), non-zero ones
    subsets: np.ndarray  # [n, 2] (part, whole) flow positions
    record: np.ndarray  # [kept accounts, M, days, pairs]: the kept stocks, then flows
    kept_stocks: np.ndarray  # the stocks kept, as positions among the book's stocks
    kept_flows: np.ndarray  # the flows kept, likewise
    pair_side: np.ndarray  # [pairs]
    pair_munition: np.ndarray  # [pairs] the item of each pair
    status: np.ndarray  # [7]: broken, day, member, side, item, check, off by


def open_books(
    book: Book,
    n_members: int,
    n_sides: int,
    n_items: int,
    days: int,
    pairs: np.ndarray,
    kept: tuple[str, ...] | None = None,
) -> Books:
    """Empty books of ``book`` for a batch; ``pairs`` is ``[P, 2]`` (side, item) positions.
    The record keeps the accounts ``kept`` (default: all ``book.recorded``); every
    identity is checked every day whatever it keeps."""
    stock_terms, stock_start, flow_terms, subsets = _checks(book)
    kept = book.recorded if kept is None else kept
    return Books(
        np.zeros((n_members, len(book.stocks), n_sides, n_items), np.int64),
        np.zeros((n_members, len(book.identities), n_sides, n_items), np.int64),
        stock_terms,
        stock_start,
        flow_terms,
        subsets,
        # every cell is written on its day (fresh pages, not zeroed ones: much faster)
        np.empty((len(kept), n_members, days, len(pairs)), np.int64),
        np.array([book.stocks.index(n) for n in kept if n in book.stocks], np.int64).reshape(-1),
        np.array([book.flows.index(n) for n in kept if n in book.flows], np.int64).reshape(-1),
        np.ascontiguousarray(pairs[:, 0], np.int64),
        np.ascontiguousarray(pairs[:, 1], np.int64),
        np.zeros(7, np.int64),
    )


_CHECKS: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}


def _checks(book: Book) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A book's identities and subsets as the compiled close reads them (made once a
    process: they depend on the registry only, and the kernels never write them)."""
    if book.name not in _CHECKS:
        stocks, flows = book.identity_matrices()
        stock_terms = _terms(stocks)
        starts = np.searchsorted(stock_terms[:, 0], np.arange(len(book.identities) + 1))
        _CHECKS[book.name] = (
            stock_terms,
            starts.astype(np.int64),
            _terms(flows),
            book.subset_pairs(),
        )
    return _CHECKS[book.name]


def _terms(coefficients: np.ndarray) -> np.ndarray:
    """The non-zero entries of an ``[identities, accounts]`` matrix as rows of
    (identity, account, coefficient)."""
    rows = [(i, j, c) for (i, j), c in np.ndenumerate(coefficients) if c]
    return np.array(rows, np.int64).reshape(-1, 3)


def check(books: Books, sides: list[str], items: list[str], book: Book = ROUNDS) -> None:
    """Raise the ``LedgerError`` the compiled close recorded, if any."""
    broken, day, member, side, item, which, off_by = (int(v) for v in books.status)
    if not broken:
        return
    n_identities = len(book.identities)
    if which < n_identities:
        identity = book.identities[which]
        detail = f"{identity.message} (off by {off_by} {identity.asset})"
    elif which < n_identities + len(book.subsets):
        part, whole = book.subsets[which - n_identities]
        detail = f"more {part} than {whole}"
    else:
        detail = f"negative {book.stocks[off_by]}"
    raise LedgerError(day, sides[side], items[item], member, detail, book.item)


@kernel
def _fail(status, day, m, side, k, which, off_by):
    status[0], status[1], status[2] = 1, day, m
    status[3], status[4], status[5], status[6] = side, k, which, off_by


@kernel
def start(b):
    """Each identity's right-hand side before day 0: its stocks' opening values."""
    b.expected[:] = 0
    for t in range(b.stock_terms.shape[0]):
        i, st, c = b.stock_terms[t, 0], b.stock_terms[t, 1], b.stock_terms[t, 2]
        b.expected[:, i] += c * b.opening[:, st]


@kernel
def close(b, day, flows, holdings):
    """Book the day's ``flows``, check every identity against ``holdings``, record both.

    ``flows`` and ``holdings`` are ``[M, accounts, S, K]``. Returns False, with the
    day's first break (members in order) in ``status``; the checks go on to the end and
    the day is recorded either way, as a break stops the run.
    """
    n_members, n_stocks, n_sides, n_munitions = holdings.shape
    n_identities = b.expected.shape[1]
    ok = True  # no early return: Numba then prunes the reference counts of the books
    for m in range(n_members):
        for t in range(b.flow_terms.shape[0]):
            i, f, c = b.flow_terms[t, 0], b.flow_terms[t, 1], b.flow_terms[t, 2]
            for s in range(n_sides):
                for k in range(n_munitions):
                    b.expected[m, i, s, k] += c * flows[m, f, s, k]
        for s in range(n_sides):
            for k in range(n_munitions):
                for i in range(n_identities):
                    held = np.int64(0)
                    for t in range(b.stock_start[i], b.stock_start[i + 1]):
                        held += b.stock_terms[t, 2] * holdings[m, b.stock_terms[t, 1], s, k]
                    if ok & (held != b.expected[m, i, s, k]):
                        _fail(b.status, day, m, s, k, i, held - b.expected[m, i, s, k])
                        ok = False
                for j in range(b.subsets.shape[0]):
                    if ok & (flows[m, b.subsets[j, 0], s, k] > flows[m, b.subsets[j, 1], s, k]):
                        _fail(b.status, day, m, s, k, n_identities + j, 0)
                        ok = False
                for st in range(n_stocks):
                    if ok & (holdings[m, st, s, k] < 0):
                        _fail(b.status, day, m, s, k, n_identities + b.subsets.shape[0], st)
                        ok = False
    # account by account: the record is [accounts, M, days, pairs] (a member's days in
    # a row, as the tables want them), and writing it account by account is quickest
    n_kept_stocks = b.kept_stocks.shape[0]
    for r in range(n_kept_stocks):
        st = b.kept_stocks[r]
        for m in range(n_members):
            for p in range(b.pair_side.shape[0]):
                b.record[r, m, day, p] = holdings[m, st, b.pair_side[p], b.pair_munition[p]]
    for r in range(b.kept_flows.shape[0]):
        f = b.kept_flows[r]
        for m in range(n_members):
            for p in range(b.pair_side.shape[0]):
                b.record[n_kept_stocks + r, m, day, p] = flows[
                    m, f, b.pair_side[p], b.pair_munition[p]
                ]
    return ok
