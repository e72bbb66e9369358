"""The students' page in Debian's chromium: it loads offline with a chart, and every
control does what it says (a chart that stays blank, or a control that changes nothing,
fails here)."""

from __future__ import annotations

import os
import re

import pytest

from tests.app.browser import Session, chromium, inked, served

if chromium() is None:
    if os.environ.get("CI"):
        raise RuntimeError("chromium is missing: make test installs it with apt")
    pytest.skip("chromium is not installed (make test installs it)", allow_module_level=True)

pytestmark = pytest.mark.slow
sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    with served(out=out) as url, sync_playwright() as playwright:
        session = Session(playwright, url)
        session.out = out
        yield session
        session.close()


def _day(session: Session) -> int:
    found = re.search(r"day (\d+) of (\d+)", session.date())
    assert found, session.date()
    return int(found.group(1))


def _tab(session: Session, name: str) -> bytes:
    before = session.chart()
    session.page.get_by_role("tab", name=name).click()
    return session.changed_chart(before)


def test_the_page_loads_offline_with_a_chart(session):
    chart = session.chart()
    assert inked(chart) > 0.03, "the first chart is blank"
    assert _day(session) > 0  # it opens on the whole run
    assert session.outside == [], f"the page asked the network for {session.outside[:3]}"
    assert session.page.locator("[role=slider]").count() >= 10  # the scenario's knobs


def test_moving_a_slider_changes_the_chart(session):
    before = session.chart()
    thumb = session.page.locator('[role=slider][aria-label^="DPRK stock"]')
    label = thumb.get_attribute("aria-label")
    thumb.focus()
    session.page.keyboard.press("Home")  # the low end of the published range
    after = session.changed_chart(before)
    assert inked(after) > 0.03
    assert thumb.get_attribute("aria-label") != label  # the value shown moved with it
    session.page.get_by_role("button", name="Put every slider back").click()
    session.changed_chart(after)


def test_the_dprk_toggle_changes_imports(session):
    imports = _tab(session, "Imports, guns, ground")
    assert inked(imports) > 0.03
    toggle = session.page.locator(".v-btn-toggle").first
    toggle.get_by_text("baseline", exact=True).click()  # leave the run without DPRK supply
    without = session.changed_chart(imports)
    toggle.get_by_text("baseline", exact=True).click()
    session.changed_chart(without)
    _tab(session, "Fire and the difference")


def test_reset_restores_day_zero_and_step_advances_the_date(session):
    chart = session.chart()
    session.page.locator(".munsim-reset").click()
    session.page.wait_for_function(
        "() => document.querySelector('.munsim-date').innerText.includes('day 0 of')"
    )
    assert _day(session) == 0
    reset = session.changed_chart(chart)
    first = session.date()
    session.page.locator(".munsim-step").click()
    session.page.wait_for_function(
        "() => !document.querySelector('.munsim-date').innerText.includes('day 0 of')"
    )
    assert _day(session) == 30 and session.date() != first
    stepped = session.changed_chart(reset)
    assert inked(stepped) > inked(reset)  # a month of fans drawn
    session.page.locator(".munsim-end").click()
    session.page.wait_for_function(
        "() => /day (\\d+) of \\1\\b/.test(document.querySelector('.munsim-date').innerText)"
    )


def test_no_console_errors(session):
    assert session.errors == []
