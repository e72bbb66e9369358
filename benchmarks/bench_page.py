"""The students' page: how long after a slider moves the new 50-member run is on screen.

Run: ``.venv/bin/python benchmarks/bench_page.py [--rounds N]`` (needs chromium, as
``make test`` installs it). Prints Markdown tables; benchmarks/README.md quotes them.

- In the browser: ``munsim app`` on the 2022–2025 scenario, driven by Debian's chromium
  (the browser tests' machinery); a slider is moved (End, then Home, in turn) and the
  clock runs until the chart in view has changed on screen. The run is both variants,
  50 members each, to the scenario's end, then the chart drawn and sent.
- On the server, its parts: building the two runs, running them (side by side, one
  thread each), and drawing the chart in view as PNG.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the browser tests' machinery

from sim.app import figures  # noqa: E402
from sim.app.explorer import MEMBERS, Explorer, PageFile, Setting  # noqa: E402
from tests.app.browser import WAR, Session, served  # noqa: E402


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s [{min(values):.2f}–{max(values):.2f}]"


def in_browser(rounds: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with served(WAR) as url, sync_playwright() as playwright:
        session = Session(playwright, url)
        thumb = session.page.locator('[role=slider][aria-label^="DPRK stock"]')
        for index in range(rounds + 1):
            before = session.chart()
            thumb.focus()
            started = time.perf_counter()
            session.page.keyboard.press("End" if index % 2 == 0 else "Home")
            session.changed_chart(before)
            if index:  # the first is the page's first slider change: warm-up
                times.append(time.perf_counter() - started)
        session.close()
    return times


def on_server(rounds: int) -> dict[str, list[float]]:
    page = PageFile.read(str(WAR))
    knob = next(k for k in page.knobs if k.key == "dprk_stock")
    parts: dict[str, list[float]] = {"build": [], "run": [], "draw": []}
    for index in range(rounds + 1):
        setting = Setting().moved(knob, 1.0 if index % 2 == 0 else 0.0)
        started = time.perf_counter()
        explorer = Explorer(str(WAR), setting, MEMBERS, page=page)
        built = time.perf_counter()
        explorer.run_to(explorer.days)
        ran = time.perf_counter()
        figures.fire_figure(explorer).savefig(io.BytesIO(), format="png")
        drawn = time.perf_counter()
        if index:
            parts["build"].append(built - started)
            parts["run"].append(ran - built)
            parts["draw"].append(drawn - ran)
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    parts = on_server(rounds)
    browser = in_browser(rounds)
    print(f"\n### A slider moved: {MEMBERS} members of each of the two variants, {rounds} times\n")
    print("| part | median [min–max] |")
    print("|---|---:|")
    for name, values in parts.items():
        print(f"| server: {name} | {_spread(values)} |")
    total = [sum(p) for p in zip(*parts.values(), strict=True)]
    print(f"| server: all three | {_spread(total)} |")
    print(f"| **in the browser: slider to new chart** (goal ≤ 1 s) | **{_spread(browser)}** |")


if __name__ == "__main__":
    main()
