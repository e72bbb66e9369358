"""The ledger: identities made from the registry, a break stops the run, naming where."""

from __future__ import annotations

import numpy as np
import pytest

from sim import SupplyModel
from sim.engine.accounts import FLOWS, IDENTITIES, STOCKS, flow_index, stock_index
from sim.engine.ledger import ROUNDS, LedgerError, check, close, open_books, start


def _books():
    """Books of 2 members, 1 side, 2 munitions, 5 days, opened with 100 in depots."""
    books = open_books(ROUNDS, 2, 1, 2, 5, np.array([[0, 0], [0, 1]]))
    books.opening[:, stock_index("stock_depot")] = 100
    start(books)
    return books


def _day(depot: int):
    flows = np.zeros((2, len(FLOWS), 1, 2), np.int64)
    holdings = np.zeros((2, len(STOCKS), 1, 2), np.int64)
    holdings[:, stock_index("stock_depot")] = depot
    return flows, holdings


def test_a_balanced_day_closes_and_is_recorded():
    books = _books()
    flows, holdings = _day(70)
    flows[:, flow_index("fired")] = 30
    assert close(books, 0, flows, holdings)
    fired = books.record[len(STOCKS) + flow_index("fired"), :, 0]
    assert fired.tolist() == [[30, 30], [30, 30]]
    assert books.record[stock_index("stock_depot"), :, 0].tolist() == [[70, 70], [70, 70]]


def test_lost_rounds_break_the_books_with_names():
    books = _books()
    flows, holdings = _day(100)
    holdings[1, stock_index("stock_depot"), 0, 1] = 99  # a round vanished: member 1, munition b
    assert not close(books, 4, flows, holdings)
    with pytest.raises(LedgerError) as caught:
        check(books, ["RU"], ["a", "b"])
    error = caught.value
    assert (error.day, error.side, error.munition, error.member) == (4, "RU", "b", 1)
    assert "day 4" in str(error) and "off by -1" in str(error)
    assert IDENTITIES[0].message in str(error)


def test_more_duds_than_fired_is_a_break():
    books = _books()
    flows, holdings = _day(95)
    flows[:, flow_index("fired")] = 5
    flows[:, flow_index("duds")] = 6
    assert not close(books, 0, flows, holdings)
    with pytest.raises(LedgerError, match="more duds than fired"):
        check(books, ["RU"], ["a", "b"])


def test_a_negative_holding_is_a_break():
    books = _books()
    flows, holdings = _day(100)
    holdings[0, stock_index("stock_unit"), 0, 0] = -1
    holdings[0, stock_index("stock_depot"), 0, 0] = 101
    assert not close(books, 2, flows, holdings)
    with pytest.raises(LedgerError, match="negative stock_unit"):
        check(books, ["RU"], ["a", "b"])


def test_model_stops_when_a_stock_is_changed_behind_the_books(tutorial):
    model = SupplyModel([tutorial], seeds=[1])
    model.run_until(10)
    forward = next(a for a in model.agents if getattr(a, "spec_id", None) == "forward")
    forward.stock[0, 0] += 1  # not through any flow
    with pytest.raises(LedgerError, match="day 10, side RU, munition shell_152, member 0"):
        model.run_until(11)


def test_cli_reports_a_broken_ledger_as_internal_error(
    monkeypatch, capsys, tutorial_path, tmp_path
):
    import sim.experiments.runner as runner
    from sim.cli import main

    def broken(*args, **kwargs):
        raise LedgerError(3, "RU", "shell_152", 0, "stocks held != opening stock")

    monkeypatch.setattr(runner, "run", broken)
    code = main(["run", str(tutorial_path), "--reps", "1", "--out", str(tmp_path)])
    assert code == 1
    assert "internal error" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
