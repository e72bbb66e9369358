"""A full disk, a read-only output folder, an output path that is not a folder: one line
``error: FOLDER: problem``, exit code 2, and nothing visible (nor hidden) left behind.

The full disk is a file-size limit (``RLIMIT_FSIZE``, with ``SIGXFSZ`` ignored so writes
fail with ``EFBIG``) and, where this machine lets us mount, a 64 KiB tmpfs (``ENOSPC``);
read-only is a read-only tmpfs (root ignores permission bits, so ``chmod`` proves nothing).
"""

from __future__ import annotations

import resource
import signal
import subprocess
from pathlib import Path

import pytest

from tests.support import TUTORIAL, WAR, munsim

pytestmark = pytest.mark.slow

COMMANDS = {
    "run": ("run", TUTORIAL, "--reps", "2"),
    "compare": ("compare", TUTORIAL, "--reps", "2"),
    "check": ("check", WAR, "--reps", "1"),
}


def _file_size_limit(size: int):
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def _assert_refused(done: subprocess.CompletedProcess, out: Path, problem: str) -> None:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == [f"error: {out}: {problem}"], done.stderr
    if out.is_dir():
        assert list(out.iterdir()) == [], "something was left half-written"


@pytest.fixture
def mount(tmp_path):
    """``mount(options)``: a fresh tmpfs under ``tmp_path``, unmounted afterwards."""
    mounted = []

    def make(options: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(point)
        return point

    yield make
    for point in mounted:
        subprocess.run(["umount", str(point)], check=True)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_file_size_limit_is_one_line_and_leaves_nothing(command, tmp_path):
    out = tmp_path / "runs"
    done = munsim(*COMMANDS[command], "--out", out, preexec_fn=_file_size_limit(16 * 1024))
    _assert_refused(done, out, "File too large")


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_full_disk_is_one_line_and_leaves_nothing(command, mount):
    out = mount("size=64k") / "runs"
    _assert_refused(munsim(*COMMANDS[command], "--out", out), out, "No space left on device")


def test_a_read_only_folder_is_one_line(mount):
    folder = mount("size=1m")
    (folder / "runs").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    for command, out in (("run", folder / "runs"), ("compare", folder / "new" / "runs")):
        done = munsim(*COMMANDS[command], "--out", out)  # into a folder there, or to be made
        _assert_refused(done, out, "Read-only file system")


def test_an_output_path_through_a_file_is_one_line(tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("not a folder\n")
    _assert_refused(munsim(*COMMANDS["run"], "--out", file / "runs"), file / "runs",
                    "Not a directory")  # fmt: skip
    _assert_refused(munsim(*COMMANDS["run"], "--out", file), file, "File exists")
    assert file.read_text() == "not a folder\n"


def test_a_folder_in_proc_is_one_line():
    out = Path("/proc/munsim-runs")
    done = munsim(*COMMANDS["run"], "--out", out)
    assert done.returncode == 2 and done.stderr.startswith(f"error: {out}: "), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
