"""``munsim app``'s bad input: one line naming the file and key, exit 2, no server."""

from __future__ import annotations

import socket

from tests.support import TUTORIAL, munsim


def _one_error_line(result) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr and "munsim app:" not in result.stdout
    return lines[0]


def test_a_missing_scenario(tmp_path):
    line = _one_error_line(munsim("app", tmp_path / "nope.toml", timeout=60))
    assert "nope.toml" in line


def test_a_scenario_without_two_variants(tmp_path):
    text = TUTORIAL.read_text()
    single = tmp_path / "one.toml"
    single.write_text(text[: text.index("[variants.")])  # no variants (nor what follows them)
    line = _one_error_line(munsim("app", single, timeout=60))
    assert "variants" in line and "one.toml" in line


def test_a_bad_port_and_a_port_in_use():
    assert "--port" in _one_error_line(munsim("app", TUTORIAL, "--port", "70000", timeout=60))
    assert "--port" in _one_error_line(munsim("app", TUTORIAL, "--port", "x", timeout=60))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _one_error_line(munsim("app", TUTORIAL, "--port", port, timeout=60))
    assert f"127.0.0.1:{port}" in line
