"""``munsim app``: check the scenario, then serve the page with Solara's server.

The scenario is read (and its errors reported, one line, exit 2) before the server
starts; the server runs in a child process (``python -m solara run sim.app.page``) so
Ctrl-C stops both. It serves Solara's assets from the installed ``solara-assets``
package: no network is needed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from sim.app.explorer import PageFile
from sim.app.page import ENV_OUT, ENV_SCENARIO
from sim.scenario.errors import ScenarioError

HOST, PORT = "127.0.0.1", 8765


def free_port(host: str, port: int, file: str) -> int:
    """``port``, checked: a number Solara can listen on at ``host`` now."""
    if not 0 <= port <= 65535:
        raise ScenarioError(file, "--port", f"a port is 0 to 65535, got {port}")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ScenarioError(
                file, "--port", f"cannot listen on {host}:{port} ({exc.strerror})"
            ) from None
        return int(probe.getsockname()[1])


def command(host: str, port: int) -> list[str]:
    """The server's command line."""
    return [
        sys.executable, "-m", "solara", "run", "sim.app.page", "--host", host, "--port",
        str(port), "--production", "--no-open", "--log-level", "warning",
    ]  # fmt: skip


def serve(file: str, host: str = HOST, port: int = PORT, out: str = "runs") -> int:
    """Serve the page for ``file`` until interrupted; returns the server's exit code."""
    PageFile.read(file)  # a bad file ends here, with its one-line error
    port = free_port(host, port, file)
    env = {**os.environ, ENV_SCENARIO: str(Path(file)), ENV_OUT: out}
    print(f"munsim app: http://{host}:{port}/ ({file}; Ctrl-C stops it)", flush=True)
    server = subprocess.Popen(command(host, port), env=env)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait()
        raise
