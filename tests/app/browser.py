"""The page in a real browser: serve it with ``munsim app``, drive Debian's chromium.

The browser tests and the README's screenshot share this. Chromium is the system's
(``/usr/bin/chromium``, which ``make`` installs with apt): no browser is downloaded.
Every request off this machine is refused, so a page that needed the network would
show it. Run as a script, it writes the README's screenshot::

    .venv/bin/python tests/app/browser.py docs/figures/page.png
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WAR = ROOT / "scenarios" / "ukraine_war_2022_2025.toml"
LOCAL = re.compile(r"^(https?|wss?)://127\.0\.0\.1[:/]|^(blob|data):")
SETTLED_S = 60  # a first page builds and runs both variants
FETCH_IMAGE = """(img) => {
    // the pixels the page shows, copied on a canvas: fetching the image's blob again
    // could find it already released, and the browser would log that as an error
    if (!img.complete || img.naturalWidth === 0) throw new Error("not loaded yet");
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    canvas.getContext("2d").drawImage(img, 0, 0);
    return canvas.toDataURL("image/png");
}"""


def chromium() -> str | None:
    """The system's chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def served(scenario: Path = WAR, out: Path | None = None) -> Iterator[str]:
    """``munsim app SCENARIO --port 0`` in a child process; yields the page's address."""
    command = [sys.executable, "-m", "sim", "app", str(scenario), "--port", "0"]
    if out is not None:
        command += ["--out", str(out)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)  # fmt: skip
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        found = re.search(r"http://\S+/", first)
        if found is None:
            raise RuntimeError(f"munsim app did not start: {first}{server.stdout.read()}")
        url = found.group(0)
        _wait_for(url, server)
        yield url
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def _wait_for(url: str, server: subprocess.Popen) -> None:
    import urllib.request

    deadline = time.monotonic() + SETTLED_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"munsim app stopped with exit code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"no page at {url} after {SETTLED_S} s")


class Session:
    """One browser page on the app, with what it logged and what it tried to fetch."""

    def __init__(self, playwright, url: str, width: int = 1400, height: int = 1000) -> None:
        path = chromium()
        if path is None:
            raise RuntimeError("chromium is not installed (make installs it with apt)")
        self.browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        self.page = self.browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.route("**/*", self._route)
        self.page.goto(url)
        self.page.wait_for_selector("img", timeout=SETTLED_S * 1000)

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _route(self, route) -> None:
        if LOCAL.match(route.request.url):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def chart(self, timeout_s: float = SETTLED_S) -> bytes:
        """The chart in view: the image the page shows (its pixels, not a screenshot of
        the page, so a chart moved on the page by something else is the same chart)."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                data = self.page.locator("img").first.evaluate(FETCH_IMAGE)
                return base64.b64decode(data.split(",", 1)[1])
            except Exception:  # the image is being replaced
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def date(self) -> str:
        return self.page.locator(".munsim-date").inner_text()

    def changed_chart(self, before: bytes, timeout_s: float = SETTLED_S) -> bytes:
        """Wait until the chart in view differs from ``before``; return it."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            now = self.chart()
            if now != before:
                return now
            time.sleep(0.1)
        raise AssertionError(f"the chart did not change within {timeout_s} s")

    def close(self) -> None:
        self.browser.close()


def inked(png: bytes) -> float:
    """The share of a chart's pixels that are not (near) white: 0 for a blank chart."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return float((pixels < 200).mean())


def screenshot(path: Path) -> None:
    """The README's picture of the page: the war scenario at its end."""
    from playwright.sync_api import sync_playwright

    with served() as url, sync_playwright() as playwright:
        session = Session(playwright, url, width=1400, height=1050)
        time.sleep(1)  # the last frame of the chart
        path.parent.mkdir(parents=True, exist_ok=True)
        session.page.screenshot(path=str(path))
        session.close()


if __name__ == "__main__":
    screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/figures/page.png"))
