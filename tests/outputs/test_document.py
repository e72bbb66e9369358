"""The report toolkit and what a report says shapes its answer."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

import sim
from sim.experiments.compare import BALANCE
from sim.outputs.assumptions import assumptions
from sim.outputs.document import Document, number, table_html
from sim.outputs.report import where_it_went

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "scenarios" / "tutorial.toml"


def _info(**overrides) -> dict:
    scenario = sim.load_scenario(TUTORIAL, overrides=overrides)
    dumped = scenario.model_dump(mode="json", by_alias=True, exclude={"variants"})
    return {"resolved_parameters": {"baseline": dumped}}


def test_a_document_escapes_text_and_keeps_its_sections_in_order():
    page = Document("a <b> title").section("The answer").headline(["x < y"])
    page.section("Figures").text("caption & more")
    rendered = page.render()
    assert "<h1>a &lt;b&gt; title</h1>" in rendered
    assert '<p class="headline">x &lt; y</p>' in rendered
    assert rendered.index("The answer") < rendered.index("Figures")
    assert not re.search(r"<link|<script|https?://", rendered)


def test_tables_print_numbers_by_kind():
    frame = pd.DataFrame({"side": ["RU"], "rounds": [1234567.0], "share": [0.0123], "n": [20]})
    rendered = table_html(frame)
    assert "<td>1,234,567</td>" in rendered and "<td>0.0123</td>" in rendered
    assert "<td>20</td>" in rendered
    assert number(float("inf")) == "—"


def test_only_the_toolkit_writes_a_whole_page():
    pages = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "sim").rglob("*.py")
        if "<!DOCTYPE" in path.read_text().upper() or "<HTML" in path.read_text().upper()
    ]
    assert pages == ["sim/outputs/document.py"]


def test_assumptions_name_the_mechanics_that_are_off():
    on = assumptions(_info())
    assert any(s.startswith("Guns count") for s in on)
    assert any(s.startswith("Depots are struck") for s in on)
    assert any("interdiction is off" in s for s in on)
    off = assumptions(_info(**{"strikes.guided_rockets.enabled": False}))
    assert any(s.startswith("No strikes on depots") for s in off)
    assert not any(s.startswith("Depots are struck") for s in off)


def test_assumptions_say_what_each_variant_changes():
    info = _info() | {
        "comparison": {
            "variants": ["baseline", "no_dprk"],
            "settings": {"baseline": {}, "no_dprk": {"importers.dprk.enabled": False}},
        }
    }
    found = assumptions(info)
    assert "Variant baseline is the scenario as written." in found
    assert "Variant no_dprk changes: importers.dprk.enabled = False." in found


def test_where_it_went_lists_the_balance_terms_largest_first_and_skips_the_small():
    shares = {"fired": 0.6, "destroyed": 0.004, "discarded": -0.1, "stock_built": 0.496}
    rows = [("supplied", 1000.0, 1.0)] + [
        (term, 1000.0 * shares.get(term, 0.0), shares.get(term, 0.0)) for term in BALANCE
    ]
    parts = pd.DataFrame(rows, columns=["term", "mean_diff", "share_of_supplied_diff"])
    parts["side"] = "RU"
    (sentence,) = where_it_went(parts)
    assert sentence.startswith("RU: 1,000 more rounds entered its books")
    assert sentence.index("fired +60 %") < sentence.index("left in stock +50 %")
    assert sentence.index("left in stock") < sentence.index(
        "discarded from the legacy reserve -10 %"
    )
    assert "destroyed" not in sentence
    assert where_it_went(parts.assign(mean_diff=0.0)) == []
