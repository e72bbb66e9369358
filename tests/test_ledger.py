"""The ledger's own check: a broken balance stops the run, naming where."""

from __future__ import annotations

import numpy as np
import pytest

from sim import SupplyModel
from sim.ledger import STOCKS, Ledger, LedgerError


def _stocks(depot: int) -> dict[str, np.ndarray]:
    out = {name: np.zeros((2, 1, 2), np.int64) for name in STOCKS}
    out["stock_depot"][:] = depot
    return out


def test_balanced_day_closes_and_resets():
    ledger = Ledger(2, ["RU"], ["a", "b"])
    ledger.open(_stocks(100))
    ledger.add("fired", 0, np.full((2, 2), 30))
    flows = ledger.close(0, _stocks(70))
    assert flows["fired"].sum() == 120
    assert ledger.today["fired"].sum() == 0 and ledger.cumulative["fired"].sum() == 120


def test_lost_rounds_break_the_books_with_names():
    ledger = Ledger(2, ["RU"], ["a", "b"])
    ledger.open(_stocks(100))
    closing = _stocks(100)
    closing["stock_depot"][1, 0, 1] = 99  # a round vanished in member 1, munition b
    with pytest.raises(LedgerError) as caught:
        ledger.close(4, closing)
    error = caught.value
    assert (error.day, error.side, error.munition, error.member) == (4, "RU", "b", 1)
    assert "day 4" in str(error) and "off by -1" in str(error)


def test_more_duds_than_fired_is_a_break():
    ledger = Ledger(2, ["RU"], ["a", "b"])
    ledger.open(_stocks(100))
    ledger.add("fired", 0, np.full((2, 2), 5))
    ledger.add("duds", 0, np.full((2, 2), 6))
    with pytest.raises(LedgerError, match="more duds"):
        ledger.close(0, _stocks(95))


def test_model_stops_when_a_stock_is_changed_behind_the_books(tutorial):
    model = SupplyModel([tutorial], seeds=[1])
    model.run_until(10)
    model.depots["forward"].stock[0, 0] += 1  # not through any flow
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
