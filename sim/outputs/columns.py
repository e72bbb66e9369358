"""The tables' columns, described for people: the README's tables are made here.

``python -m sim.outputs.columns`` rewrites the README's sections between the markers
``<!-- columns:NAME -->`` and ``<!-- /columns:NAME -->``; a test fails when the README
and the code disagree.

Example:
    >>> print(markdown("timeseries").splitlines()[2])
    | `replication` | replication number, 0-based; same number = same seed in every variant |
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sim.engine.accounts import ACCOUNTS, FRONT, GUNS, PAYMENTS, Book
from sim.engine.metrics import METRIC_UNITS, METRICS
from sim.experiments.outcomes import KEYS as OUTCOME_KEYS
from sim.experiments.outcomes import OUTCOMES
from sim.experiments.runner import (
    FRONT_KEY_COLUMNS,
    GUN_KEY_COLUMNS,
    KEY_COLUMNS,
    KEYS,
    PAYMENT_KEY_COLUMNS,
    SUMMARY_KEYS,
    SUPPLIER_COLUMNS,
)

README = Path(__file__).resolve().parents[2] / "README.md"


def _timeseries() -> list[str]:
    rows = ["| column | meaning |", "|---|---|"]
    rows += [f"| `{name}` | {KEYS[name]} |" for name in KEY_COLUMNS]
    rows += [f"| `{a.name}` | {a.describe()} |" for a in ACCOUNTS]
    return rows


def _book(book: Book, keys: tuple[str, ...]) -> list[str]:
    rows = ["| column | unit | meaning |", "|---|---|---|"]
    rows += [f"| `{name}` | | {KEYS[name]} |" for name in keys]
    rows += [f"| `{a.name}` | {a.unit} | {a.describe()} |" for a in book.accounts]
    return rows


def _guns() -> list[str]:
    return _book(GUNS, GUN_KEY_COLUMNS)


def _front() -> list[str]:
    return _book(FRONT, FRONT_KEY_COLUMNS)


def _payments() -> list[str]:
    return _book(PAYMENTS, PAYMENT_KEY_COLUMNS)


def _suppliers() -> list[str]:
    rows = ["| column | meaning |", "|---|---|"]
    rows += [f"| `{name}` | {KEYS[name]} |" for name in SUPPLIER_COLUMNS]
    rows += ["| *item id* | one column per counted delivery (`[[importers.deliveries]]`), "
             "items delivered that day |"]  # fmt: skip
    return rows


def _outcomes() -> list[str]:
    keys = ", ".join(f"`{name}`" for name in OUTCOME_KEYS)
    rows = [
        f"Keys: {keys}; then, per outcome:",
        "",
        "| outcome | unit | meaning |",
        "|---|---|---|",
    ]
    rows += [
        f"| `{name}` | {unit} | {meaning} |" for name, (meaning, unit, _, _) in OUTCOMES.items()
    ]
    return rows


def _summary() -> list[str]:
    keys = ", ".join(f"`{name}`" for name in SUMMARY_KEYS)
    rows = [f"Keys: {keys}; then, per metric:", "", "| metric | unit | meaning |", "|---|---|---|"]
    rows += [
        f"| `{name}` | {METRIC_UNITS[name]} | {meaning} |" for name, meaning in METRICS.items()
    ]
    return rows


SECTIONS = {
    "timeseries": _timeseries,
    "guns": _guns,
    "front": _front,
    "payments": _payments,
    "suppliers": _suppliers,
    "summary": _summary,
    "outcomes": _outcomes,
}


def markdown(section: str) -> str:
    """The Markdown of one section (a key of ``SECTIONS``)."""
    return "\n".join(SECTIONS[section]())


def _pattern(section: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- columns:{section} -->)(.*?)(<!-- /columns:{section} -->)", re.DOTALL)


def rewrite(text: str) -> str:
    """``text`` (the README) with every marked section made anew."""
    for section in SECTIONS:
        made = f"\n{markdown(section)}\n"
        text = _pattern(section).sub(lambda found: found[1] + made + found[3], text)  # noqa: B023
    return text


def sections(text: str) -> dict[str, str]:
    """The marked sections of ``text`` as they stand."""
    return {s: found[2].strip("\n") for s in SECTIONS if (found := _pattern(s).search(text))}


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else README
    path.write_text(rewrite(path.read_text()))
