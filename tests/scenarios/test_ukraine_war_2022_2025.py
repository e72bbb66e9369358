"""The shipped 2022-2025 scenario: valid, every number sourced, variants as described."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sim.scenario.loader import load_scenario, read_raw
from tests.scenarios.sourcing import unsourced_lines
from tests.support import munsim

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "ukraine_war_2022_2025.toml"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("cadence_days = 7   # assumption: weekly", (["7"], " assumption: weekly")),
        ("x = { shell_152 = 600, rocket_122 = 1.5 }", (["600", "1.5"], "")),
        ('"importers.dprk.routes.sea.start_date" = 2022-09-06', (["2022", "09", "06"], "")),
        ('name = "152 mm # not a comment"', ([], "")),
        ("[[importers.routes]]", ([], "")),
        ("[variants.dprk_from_2022]", ([], "")),
    ],
)
def test_the_line_reader_finds_values_not_keys(line, expected):
    from tests.scenarios.sourcing import numeric_values, split_comment

    code, comment = split_comment(line)
    assert (numeric_values(code), comment) == expected


def test_every_number_has_a_source_or_an_assumption_beside_it():
    unsourced = unsourced_lines(SCENARIO)
    assert not unsourced, "numbers without a source or assumption:\n" + "\n".join(unsourced)


def test_munsim_validate_passes_on_the_file():
    done = munsim("validate", SCENARIO)
    assert done.returncode == 0, done.stderr
    variants = "baseline, no_dprk, no_dprk_no_response, dprk_from_2022, un_oil_cap, no_strikes"
    assert f"variants: {variants}, strict_enforcement" in done.stdout


def test_no_event_switches_a_supplier_or_campaign_on_or_off():
    # variants switch them off; an event that set `enabled` would undo the variant
    raw, _ = read_raw(SCENARIO)
    for event in raw["events"]:
        assert not any(path.endswith(".enabled") for path in event["set"]), event["id"]


def test_variants_change_what_their_names_say():
    base = load_scenario(SCENARIO)
    variants = {
        name: load_scenario(SCENARIO, variant=name)
        for name in (
            "no_dprk",
            "no_dprk_no_response",
            "dprk_from_2022",
            "no_strikes",
            "un_oil_cap",
            "strict_enforcement",
        )
    }

    def importer(s, ident):
        return next(i for i in s.importers if i.id == ident)

    def event_date(s, ident):
        return next(e.date for e in s.events if e.id == ident)

    assert importer(base, "dprk").enabled and not importer(variants["no_dprk"], "dprk").enabled
    # without the DPRK the reserve's lines surge while short; the identity case does not
    line = next(x for x in variants["no_dprk"].stockpiles if x.id == "soviet_reserve")
    plain = next(x for x in variants["no_dprk_no_response"].stockpiles if x.id == "soviet_reserve")
    assert line.surge_below_days_of_supply > 0 and sum(line.surge_refurbish_rounds_per_day.values())
    assert plain.surge_below_days_of_supply == 0 and not plain.surge_refurbish_rounds_per_day
    assert not importer(variants["no_dprk_no_response"], "dprk").enabled
    early = importer(variants["dprk_from_2022"], "dprk")
    assert early.start_date == dt.date(2022, 9, 6) < importer(base, "dprk").start_date
    assert all(route.start_date.year == 2022 for route in early.routes)
    calm = variants["no_strikes"]
    assert all(c.enabled for c in base.strikes) and not any(c.enabled for c in calm.strikes)
    for ident in ("depots_pulled_back", "arsenals_disperse"):
        assert event_date(base, ident) <= base.end_date < event_date(calm, ident)

    def oil(s):
        return next(p for p in importer(s, "dprk").payments if p.id == "oil")

    assert not oil(base).cap_binds and oil(base).cap_per_year == 500_000  # UNSCR 2397
    assert oil(variants["un_oil_cap"]).cap_binds
    assert importer(variants["un_oil_cap"], "dprk").routes == importer(base, "dprk").routes
    strict = variants["strict_enforcement"]
    assert oil(strict).cap_binds and oil(strict).paid_per_day < 4000  # the tankers' lift
    assert all(r.capacity_share < 1 for r in importer(strict, "dprk").routes if r.mode == "sea")
    assert all(r.capacity_share == 1 for r in importer(base, "dprk").routes)
    assert all(r.interdiction_probability == 0 for r in importer(strict, "dprk").routes)
    assert event_date(strict, "panel_of_experts_ends") > strict.end_date
    assert strict.sanctions.max_evasion < base.sanctions.max_evasion
    assert strict.sanctions.evasion_rate_per_day < base.sanctions.evasion_rate_per_day
