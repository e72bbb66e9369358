"""The documents' column tables are the code's: made from the accounts, the metrics and
the constants every table's writer uses."""

from __future__ import annotations

import re

from sim.engine.accounts import ACCOUNTS
from sim.engine.metrics import METRICS
from sim.experiments.runner import SUMMARY_KEYS, TIMESERIES_COLUMNS
from sim.outputs.columns import (
    DOCUMENTS,
    FILES,
    OUTPUT_SCHEMA,
    README,
    SECTIONS,
    TABLE_COLUMNS,
    documented_columns,
    markdown,
    rewrite,
    sections,
)


def test_the_documents_tables_are_made_from_the_code():
    assert set(sections(README.read_text())) == set(SECTIONS), "a table is missing from README"
    for document in DOCUMENTS:
        found = sections(document.read_text())
        assert found, f"{document.name} has no marked table"
        for section, text in found.items():
            assert text == markdown(section), (
                f"{document.name}'s {section} table is out of date: "
                "run python -m sim.outputs.columns"
            )


def test_every_column_and_metric_is_in_its_table():
    timeseries, summary = markdown("timeseries"), markdown("summary")
    assert all(f"| `{name}` |" in timeseries for name in TIMESERIES_COLUMNS)
    assert all(f"| `{name}` |" in summary for name in METRICS)
    assert all(f"`{name}`" in summary.splitlines()[0] for name in SUMMARY_KEYS)
    assert all(account.meaning in timeseries for account in ACCOUNTS)


def test_every_file_is_listed_and_each_column_has_a_meaning():
    listing = markdown("files")
    assert OUTPUT_SCHEMA in listing
    for file in FILES:
        assert f"| `{file}` |" in listing
        columns, _ = documented_columns(file)
        assert columns and len(set(columns)) == len(columns), file
        if file in TABLE_COLUMNS:  # the others' tables are made from the accounts
            assert set(columns) <= set(TABLE_COLUMNS[file]), f"{file}: a column has no meaning"
            assert set(TABLE_COLUMNS[file]) - set(columns) == set(), f"{file}: a stale meaning"


def test_the_output_schema_is_a_versioned_name():
    assert re.fullmatch(r"munsim-outputs/\d+", OUTPUT_SCHEMA)


def test_rewriting_replaces_only_what_is_between_the_markers():
    text = "before\n<!-- columns:summary -->\nold\n<!-- /columns:summary -->\nafter\n"
    made = rewrite(text)
    assert made.startswith("before\n<!-- columns:summary -->\n") and made.endswith("after\n")
    assert "old" not in made and markdown("summary") in made
    assert rewrite(made) == made
