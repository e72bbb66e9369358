"""An independent recomputation of the books from a timeseries table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.scenario.schema import Scenario


def opening_stocks(scenario: Scenario) -> dict[tuple[str, str], dict[str, int]]:
    """Opening stocks by (side, munition), read straight from the scenario."""
    out: dict[tuple[str, str], dict[str, int]] = {}

    def add(side: str, tier: str, stocks: dict[str, int]) -> None:
        for munition, rounds in stocks.items():
            entry = out.setdefault((side, munition), {"legacy": 0, "depot": 0, "unit": 0})
            entry[tier] += rounds

    for s in scenario.stockpiles:
        add(s.side, "legacy", s.stock_rounds)
    for d in scenario.depots:
        add(d.side, "depot", d.stock_rounds)
    for u in scenario.front_units:
        add(u.side, "unit", u.stock_rounds)
    return out


def check_books(series: pd.DataFrame, scenario: Scenario) -> int:
    """Assert every identity of the books on every row; returns the rows checked."""
    opening = opening_stocks(scenario)
    checked = 0
    for (_, _, side, munition), g in series.groupby(
        ["replication", "variant", "side", "munition"], sort=False
    ):
        g = g.sort_values("day")
        o = opening.get((side, munition), {"legacy": 0, "depot": 0, "unit": 0})

        def previous(column: str, start: int, g=g) -> np.ndarray:
            values = g[column].to_numpy()
            return np.concatenate([[start], values[:-1]])

        legacy, depot, unit = (
            g[c].to_numpy() for c in ("stock_legacy", "stock_depot", "stock_unit")
        )
        transit = g["in_transit"].to_numpy()
        f = {c: g[c].to_numpy() for c in g.columns if g[c].dtype == np.int64}
        # each tier moves only by its own flows
        assert np.array_equal(
            legacy, previous("stock_legacy", o["legacy"]) - f["refurbished"] - f["discarded"]
        )
        assert np.array_equal(unit, previous("stock_unit", o["unit"]) + f["delivered"] - f["fired"])
        assert np.array_equal(
            depot + transit,
            previous("stock_depot", o["depot"])
            + previous("in_transit", 0)
            + f["produced"]
            + f["refurbished"]
            + f["imports_dispatched"]
            - f["interdicted"]
            - f["delivered"]
            - f["destroyed"]
            - f["launched"]
            - f["rework_received"]
            + f["reworked"],
        )
        # rework: what waits = what came - what left the plant, repaired or discarded
        assert np.array_equal(
            f["stock_rework"],
            np.cumsum(f["rework_received"] - f["reworked"] - f["rework_discarded"]),
        )
        assert (f["rework_received"] <= f["imports_arrived"]).all()
        # imports: dispatched = arrived + still on the way + lost
        assert np.array_equal(
            np.cumsum(f["imports_dispatched"]),
            np.cumsum(f["imports_arrived"]) + f["imports_in_transit"] + np.cumsum(f["interdicted"]),
        )
        # the whole books: held = opening + inflows - outflows
        held = legacy + f["stock_rework"] + depot + unit + transit
        total = o["legacy"] + o["depot"] + o["unit"]
        assert np.array_equal(
            held,
            total
            + np.cumsum(
                f["produced"]
                + f["imports_dispatched"]
                - f["fired"]
                - f["launched"]
                - f["destroyed"]
                - f["interdicted"]
                - f["discarded"]
                - f["rework_discarded"]
            ),
        )
        assert np.array_equal(f["shortfall"], f["demanded"] - f["fired"])
        assert np.array_equal(f["effective_fire"], f["fired"] - f["duds"])
        assert (f["duds"] <= f["fired"]).all()
        for column in (
            "stock_legacy",
            "stock_rework",
            "stock_depot",
            "stock_unit",
            "in_transit",
            "fired",
            "produced",
            "delivered",
            "destroyed",
            "launched",
            "shortfall",
        ):
            assert (f[column] >= 0).all(), column
        checked += len(g)
    return checked
