"""The importer's own books: rounds, seizures, shipments and containers per day."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.engine.model import SupplyModel
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "scenarios" / "tutorial.toml"


def run(overrides=None, seeds=(1, 2)):
    scenario = load_scenario(TUTORIAL, overrides=overrides)
    model = SupplyModel([scenario] * len(seeds), list(seeds))
    model.run()
    return model


@pytest.fixture(scope="module")
def model():
    return run()


def test_books_have_one_row_a_day_and_one_column_a_member(model):
    books = model.importer_record["dprk"]
    assert set(books) == {"rounds", "interdicted", "shipments", "made", "containers"}
    assert all(values.shape == (model.days, 2) for values in books.values())


def test_rounds_and_seizures_match_the_sides_ledger(model):
    # the tutorial's only supplier is the DPRK, so its books are the side's imports
    books = model.importer_record["dprk"]
    np.testing.assert_array_equal(books["rounds"], model.record["imports_dispatched"].sum(axis=2))
    np.testing.assert_array_equal(books["interdicted"], model.record["interdicted"].sum(axis=2))


def test_a_full_shipment_carries_the_routes_containers(model):
    books = model.importer_record["dprk"]
    first = (load_scenario(TUTORIAL).importers[0].start_date - model.start_date).days
    expected_days = np.arange(first, model.days, 7)  # weekly from the start date
    for member in range(2):
        shipped = np.flatnonzero(books["shipments"][:, member])
        np.testing.assert_array_equal(shipped, expected_days)
    assert set(np.unique(books["containers"][books["shipments"] > 0])) == {250.0}
    assert books["containers"][books["shipments"] == 0].sum() == 0


def test_supply_scale_shrinks_containers_with_rounds():
    books = run({"importers.dprk.supply_scale": 0.5}).importer_record["dprk"]
    assert set(np.unique(books["containers"][books["shipments"] > 0])) == {125.0}


def test_a_shipment_cut_short_by_the_contract_carries_its_share_of_containers():
    books = run({"importers.dprk.contract_rounds": 100_000}).importer_record["dprk"]
    for member in range(2):
        days = np.flatnonzero(books["shipments"][:, member])
        assert books["rounds"][days, member].tolist() == [62_500, 37_500]
        assert books["containers"][days, member].tolist() == [250.0, 150.0]


def test_books_do_not_change_what_the_model_does(model):
    # a member's results depend on its own seed only, with or without the books read
    again = run(seeds=(2,))
    for name, values in model.record.items():
        np.testing.assert_array_equal(values[:, 1], again.record[name][:, 0], err_msg=name)
    for name, values in model.importer_record["dprk"].items():
        np.testing.assert_array_equal(values[:, 1], again.importer_record["dprk"][name][:, 0])
