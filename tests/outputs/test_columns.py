"""The README's column tables are the code's: made from the accounts and the metrics."""

from __future__ import annotations

from sim.engine.accounts import ACCOUNTS
from sim.engine.metrics import METRICS
from sim.experiments.runner import TIMESERIES_COLUMNS
from sim.outputs.columns import README, SECTIONS, markdown, rewrite, sections


def test_the_readme_tables_are_made_from_the_code():
    found = sections(README.read_text())
    assert set(found) == set(SECTIONS), "a marked table is missing from the README"
    for section, text in found.items():
        assert text == markdown(section), (
            f"README's {section} table is out of date: run python -m sim.outputs.columns"
        )


def test_every_column_and_metric_is_in_its_table():
    timeseries, summary = markdown("timeseries"), markdown("summary")
    assert all(f"| `{name}` |" in timeseries for name in TIMESERIES_COLUMNS)
    assert all(f"| `{name}` |" in summary for name in METRICS)
    assert all(account.meaning in timeseries for account in ACCOUNTS)


def test_rewriting_replaces_only_what_is_between_the_markers():
    text = "before\n<!-- columns:summary -->\nold\n<!-- /columns:summary -->\nafter\n"
    made = rewrite(text)
    assert made.startswith("before\n<!-- columns:summary -->\n") and made.endswith("after\n")
    assert "old" not in made and markdown("summary") in made
    assert rewrite(made) == made
