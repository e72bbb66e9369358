"""Fuzzing the inputs: mutated scenario files, experiment files and ``--set`` values.

Whatever the input, ``munsim`` ends with exit 0, or with exit 2 and one line
``error: FILE: KEY: problem`` on stderr (shadowed-override warnings aside); never a
traceback, never an internal error. The CLI runs in-process (``sim.cli.main``):
``validate`` for most scenario mutations, a short ``run`` for a share of them, so
what passes validation is run too. Experiment files go through ``load_experiment``,
which ``munsim sweep`` calls first.

``MUNSIM_FUZZ_EXAMPLES`` sets the examples of each test (default 100, ``make fuzz``
many more); the examples are derandomized and no database is kept, so a run draws the
same cases every time.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.experiments.experiment import load_experiment
from sim.scenario.errors import ScenarioError

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "scenarios" / "tutorial.toml"
EXPERIMENTS = sorted((ROOT / "scenarios" / "experiments").glob("tutorial_*.toml"))
EXAMPLES = int(os.environ.get("MUNSIM_FUZZ_EXAMPLES", "100"))
RUN_DAYS = 12  # a short run: enough days for a shipment, a strike and an event or two
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
TALLY: dict[str, int] = {}

# -- what a mutation may put in ---------------------------------------------------------

NUMBERS = st.one_of(
    st.sampled_from(
        ["inf", "-inf", "nan", "+inf", "1e300", "-1e300", "1e18", "9223372036854775807",
         "9223372036854775808", "100000000000000000000000", "-1", "0", "0.0", "1e-300",
         "1073741824", "1073741823", "20001", "2e9", "5e-324", "1.7976931348623157e308"]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)  # fmt: skip
VALUES = st.one_of(
    NUMBERS,
    st.sampled_from(
        ['"text"', "true", "false", "2023-02-30", "2023-06-01", "1979-05-27T07:32:00Z",
         "[1, 2]", "[]", "{}", "{ a = 1 }", '""', "'x'", "0x7fffffffffffffff", "1_000"]
    ),
)  # fmt: skip
TOML_NUMBER = r"(?<![\w.\-])[-+]?\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.\-])"


def _numbers_in(text: str) -> list[tuple[int, int]]:
    import re

    return [m.span() for m in re.finditer(TOML_NUMBER, text)]


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> bytes:
    """``text`` with one to three mutations, as the bytes of a file."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                ["number", "number", "number", "number", "value", "drop_line", "dup_line",
                 "rename_key", "table", "insert"]
            )
        )  # fmt: skip
        body = "".join(lines)
        if kind == "number" and (spans := _numbers_in(body)):
            start, end = draw(st.sampled_from(spans))
            body = body[:start] + draw(NUMBERS) + body[end:]
        elif kind == "value":
            keyed = [i for i, line in enumerate(lines) if " = " in line]
            i = draw(st.sampled_from(keyed))
            key = lines[i].split(" = ", 1)[0]
            body = "".join(lines[:i] + [f"{key} = {draw(VALUES)}\n"] + lines[i + 1 :])
        elif kind in ("drop_line", "dup_line"):
            i = draw(st.integers(0, len(lines) - 1))
            body = "".join(
                lines[:i] + ([lines[i]] * 2 if kind == "dup_line" else []) + lines[i + 1 :]
            )
        elif kind == "rename_key":
            keyed = [i for i, line in enumerate(lines) if " = " in line]
            i = draw(st.sampled_from(keyed))
            suffix = draw(st.sampled_from(["x", "_", "s", "é", " ", "."]))
            key, rest = lines[i].split(" = ", 1)
            body = "".join(lines[:i] + [f"{key}{suffix} = {rest}"] + lines[i + 1 :])
        elif kind == "table":
            heads = [i for i, line in enumerate(lines) if line.startswith("[")]
            i = draw(st.sampled_from(heads))
            head = lines[i].strip().strip("[]")
            new = draw(
                st.sampled_from([f"[{head}]", f"[[{head}]]", f"[{head}.extra]", "[[nothing]]"])
            )
            body = "".join(lines[:i] + [new + "\n"] + lines[i + 1 :])
        elif kind == "insert":
            i = draw(st.integers(0, len(lines)))
            line = draw(st.text(max_size=30).map(lambda s: s.replace("\n", " ")))
            body = "".join(lines[:i] + [line + "\n"] + lines[i:])
        lines = body.splitlines(keepends=True) or ["\n"]
    data = "".join(lines).encode("utf-8")
    ending = draw(st.sampled_from(["none"] * 6 + ["truncate", "bytes", "utf16", "latin1", "bom"]))
    if ending == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif ending == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    elif ending == "utf16":
        data = "".join(lines).encode("utf-16")
    elif ending == "latin1":
        data = ("# café\n" + "".join(lines)).encode("latin-1", errors="replace")
    elif ending == "bom":
        data = b"\xef\xbb\xbf" + data
    return data


# -- what an outcome must be ------------------------------------------------------------


def cli(argv: list[str]) -> tuple[int, str]:
    """Run ``munsim`` in-process; its exit code and stderr."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


WHOLE_FILE = ("malformed TOML", "not a text file", "the file is empty")  # no key to name


def assert_clean(code: int, stderr: str, file: Path, command: str) -> None:
    """Exit 0, or exit 2 with one error line that names the file and (but for a file
    that cannot be read as TOML at all) a key."""
    lines = [line for line in stderr.splitlines() if not line.startswith("warning: ")]
    TALLY[f"{command} exit {code}"] = TALLY.get(f"{command} exit {code}", 0) + 1
    assert code in (0, 2), f"exit {code}: {stderr}"
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    if code == 0:
        assert not lines, stderr
        return
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith(f"error: {file}: "), line
    rest = line.removeprefix(f"error: {file}: ")
    if not rest.startswith(WHOLE_FILE):
        key = rest.split(": ", 1)
        assert len(key) == 2 and key[0].strip(), f"no key named: {line}"


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="munsim-fuzz-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    started = time.perf_counter()
    yield
    cases = sum(TALLY.values())
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(TALLY.items()))
    print(f"\nfuzz: {cases} cases in {time.perf_counter() - started:.0f} s ({outcomes})")


# -- the fuzz tests ---------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_a_mutated_scenario_validates_runs_or_is_refused_in_one_line(data: st.DataObject) -> None:
    content = data.draw(mutated_text(TUTORIAL.read_text()))
    run = data.draw(st.integers(0, 4)) == 0  # a fifth run, the rest validate
    with workspace() as folder:
        file = folder / "scenario.toml"
        file.write_bytes(content)
        if run:
            argv = ["run", str(file), "--set", f"scenario.days={RUN_DAYS}", "--reps", "1",
                    "--out", str(folder / "runs")]  # fmt: skip
        else:
            argv = ["validate", str(file)]
        code, stderr = cli(argv)
        assert_clean(code, stderr, file, argv[0])


def _paths(text: str) -> list[str]:
    """Dotted paths of the tutorial's numbers, for ``--set``."""
    from sim.scenario.loader import load_scenario

    dumped = load_scenario(TUTORIAL).model_dump(by_alias=True)
    found: list[str] = []

    def walk(node: object, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{prefix}.{key}" if prefix else key)
        elif isinstance(node, list):
            for i, entry in enumerate(node):
                ident = entry.get("id") if isinstance(entry, dict) else None
                walk(entry, f"{prefix}.{ident if ident is not None else i}")
        elif not isinstance(node, bool | str) and (node is None or isinstance(node, int | float)):
            found.append(prefix)

    walk(dumped, "")
    return [p for p in found if not p.startswith(("checkpoints", "uncertainties"))]


SET_PATHS = _paths(TUTORIAL.read_text())
EVENT_PATHS = ["events.new_export_controls.set.sanctions.pressure",
               "events.counteroffensive.set.front_units.south.intensity"]  # fmt: skip


@FUZZ
@given(
    path=st.sampled_from(SET_PATHS + EVENT_PATHS + ["sanctions.pressure*", "no.such.key", "a..b"]),
    value=VALUES,
    star=st.booleans(),
    command=st.sampled_from(["run", "run", "check"]),
)
def test_a_set_value_runs_or_is_refused_in_one_line(
    path: str, value: str, star: bool, command: str
) -> None:
    if star and not path.endswith("*") and not path.startswith("events."):
        path += "*"  # a factor on the path's schedule
    with workspace() as folder:
        days = "scenario.days=" + (value if path == "scenario.days" else str(RUN_DAYS))
        argv = [command, str(TUTORIAL), "--set", f"{path}={value}", "--set", days,
                "--reps", "1" if command == "run" else "2", "--out", str(folder)]  # fmt: skip
        code, stderr = cli(argv)
        assert_clean(code, stderr, TUTORIAL, "--set")


@FUZZ
@given(data=st.data())
def test_a_mutated_experiment_loads_or_is_refused_in_one_line(data: st.DataObject) -> None:
    original = data.draw(st.sampled_from(EXPERIMENTS))
    content = data.draw(mutated_text(original.read_text()))
    with workspace() as folder:
        shutil.copy(TUTORIAL, folder / "tutorial.toml")
        (folder / "experiments").mkdir()
        file = folder / "experiments" / original.name
        file.write_bytes(content)
        TALLY["experiment"] = TALLY.get("experiment", 0) + 1
        try:
            load_experiment(file)
        except ScenarioError as exc:
            assert exc.file.startswith(str(folder)), str(exc)  # the experiment or its scenario
            assert exc.key_path or exc.message.startswith(WHOLE_FILE), str(exc)
            assert "\n" not in str(exc), str(exc)
