"""The sweep report's tables: a row per parameter, a column per index, no stray header."""

from __future__ import annotations

import pandas as pd

from sim.outputs.sweep_report import index_table


def test_the_index_table_has_no_blank_index_column():
    sensitivity = pd.DataFrame(
        {
            "parameter": ["a", "a", "b", "b"],
            "output": ["fire"] * 4,
            "method": ["morris"] * 4,
            "index": ["mu_star", "sigma", "mu_star", "sigma"],
            "value": [3.0, 1.0, 5.0, 2.0],
            "conf": [0.5, 0.1, 0.5, 0.2],
        }
    )
    table = index_table(sensitivity, "fire", "mu_star")
    assert table.columns.name is None
    assert table.columns[0] == "parameter" and table["parameter"].tolist() == ["b", "a"]
    html = table.to_html(index=False, border=0)
    assert ">index<" not in html and html.count("<tr") == 1 + len(table)
