"""docs/odd.md stays true to the code.

The ODD description names the code of each process as a dotted reference
(``sim.engine.agents.depot.allocate``). These tests import every reference and check
that the protocol's seven sections and eleven design concepts are there, that every
agent class and every scenario parameter is named, and that the daily schedule of
section 3 lists the phases in the order the compiled day (``sim.engine.kernel.advance``)
runs them.
Nothing here runs a simulation.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import typing
from pathlib import Path

import mesa
import pytest
from pydantic import BaseModel

import sim.engine
from sim.engine import kernel
from sim.engine.model import KINDS
from sim.scenario import schema

ODD = Path(__file__).resolve().parents[1] / "docs" / "odd.md"
SECTIONS = (
    "Purpose and patterns",
    "Entities, state variables and scales",
    "Process overview and scheduling",
    "Design concepts",
    "Initialisation",
    "Input data",
    "Submodels",
)
"""The ODD protocol's sections (Grimm et al. 2020), in order."""
DESIGN_CONCEPTS = (
    "Basic principles",
    "Emergence",
    "Adaptation",
    "Objectives",
    "Learning",
    "Prediction",
    "Sensing",
    "Interaction",
    "Stochasticity",
    "Collectives",
    "Observation",
)
CHECKED_PREFIXES = ("sim.", "mesa.")
"""Code spans that start so name code, and must resolve."""
REFERENCE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")
CODE_SPAN = re.compile(r"`([^`]+)`")  # a span may run on to the next line
HEADING = re.compile(r"^(#{2,3}) (.+?)\s*$", re.MULTILINE)
NOT_PARAMETERS = {"id", "name", "description", "source"}
"""Fields that name or cite an entry; the engine reads none of them."""
OUTSIDE_THE_MODEL = (schema.ScenarioInfo, schema.Checkpoint, schema.Uncertainty)
"""Tables read by the experiments (run metadata, scoring, sampling), not the daily rules."""


def odd_text() -> str:
    return ODD.read_text(encoding="utf-8")


def code_spans(text: str) -> list[str]:
    """Every inline code span of the text, in order."""
    spans = CODE_SPAN.findall(text)
    unclosed = [span for span in spans if "\n\n" in span]
    assert not unclosed, f"docs/odd.md: a backtick is not closed before {unclosed[0][:40]!r}"
    return [" ".join(span.split()) for span in spans]


def code_blocks(text: str) -> list[str]:
    """The lines of every indented code block (four spaces in, after a blank line)."""
    lines, inside, previous = [], False, ""
    for line in text.splitlines():
        if line.startswith("    ") and (inside or not previous.strip()):
            inside = True
            lines.append(line)
        elif line.strip():
            inside = False
        previous = line
    return lines


def references(text: str) -> list[str]:
    """The code spans that name code (``sim.…``, ``mesa.…``), in order of appearance."""
    return [span for span in code_spans(text) if span.startswith(CHECKED_PREFIXES)]


def resolve(reference: str) -> object:
    """The object a dotted reference names: the longest importable module, then attributes.

    Raises:
        LookupError: naming the reference and the part of it that does not exist.
    """
    parts = reference.split(".")
    for split in range(len(parts), 0, -1):
        module_name = ".".join(parts[:split])
        try:
            found: object = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            missing = error.name or ""
            if module_name == missing or module_name.startswith(missing + "."):
                continue  # not a module: try a shorter prefix
            raise  # a module that exists failed to import something else
        for depth in range(split, len(parts)):
            try:
                found = getattr(found, parts[depth])
            except AttributeError:
                owner = ".".join(parts[:depth])
                raise LookupError(
                    f"docs/odd.md names `{reference}`, but {owner} has no {parts[depth]!r}"
                ) from None
        return found
    raise LookupError(f"docs/odd.md names `{reference}`, but no module {parts[0]!r} exists")


def qualified(obj: object) -> str | None:
    """``module.qualname`` of a function, class or compiled kernel (None for others)."""
    function = getattr(obj, "py_func", obj)  # a Numba dispatcher wraps its function
    module = getattr(function, "__module__", None)
    name = getattr(function, "__qualname__", None)
    return f"{module}.{name}" if module and name else None


def first_seen(items: list[str]) -> list[str]:
    """The items in order of first appearance, each once."""
    return list(dict.fromkeys(items))


def headings(text: str) -> list[tuple[int, str, int]]:
    """(level, title, offset) of every ``##`` and ``###`` heading."""
    return [(len(m.group(1)), m.group(2), m.start()) for m in HEADING.finditer(text)]


def section(text: str, number: int) -> str:
    """The text of top-level section ``number`` (from its heading to the next ``##``)."""
    found = headings(text)
    for i, (level, title, start) in enumerate(found):
        if level == 2 and title.startswith(f"{number}. "):
            end = next((s for lv, _, s in found[i + 1 :] if lv == 2), len(text))
            return text[start:end]
    raise AssertionError(f"docs/odd.md has no section {number}")


def subsections(text: str) -> dict[str, str]:
    """Each ``###`` subsection of a section's text, title → text."""
    found = headings(text)
    out = {}
    for i, (level, title, start) in enumerate(found):
        if level == 3:
            end = found[i + 1][2] if i + 1 < len(found) else len(text)
            out[title] = text[start:end]
    return out


def named_in_schedule() -> list[str]:
    """What the daily schedule's references name (``module.qualname``), in order."""
    names = [qualified(resolve(ref)) for ref in references(daily_schedule(odd_text()))]
    return [name for name in names if name is not None]


def daily_schedule(text: str) -> str:
    """Section 3's subsection on the daily schedule."""
    parts = subsections(section(text, 3))
    titles = [title for title in parts if "daily schedule" in title.lower()]
    assert titles, "section 3 of docs/odd.md has no '### … daily schedule' subsection"
    return parts[titles[0]]


class _Calls(ast.NodeVisitor):
    """The functions called in a piece of code, in the order they appear."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def visit_Call(self, node: ast.Call) -> None:
        self.names.append(ast.unparse(node.func))
        self.generic_visit(node)


def daily_calls() -> list[str]:
    """The engine functions the compiled day calls, in order (``kernel.advance``'s loop)."""
    tree = ast.parse(Path(kernel.__file__).read_text(encoding="utf-8"))
    advance = next(
        node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "advance"
    )
    loop = next(
        node
        for node in ast.walk(advance)
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name)
        and node.target.id == "day"
    )  # fmt: skip
    visitor = _Calls()
    for statement in loop.body:
        visitor.visit(statement)
    calls = []
    for dotted in visitor.names:
        obj: object = kernel
        for part in dotted.split("."):
            obj = getattr(obj, part, None)
        name = qualified(obj) if obj is not None else None
        if name is not None and name.startswith("sim."):
            calls.append(name)
    return first_seen(calls)


def engine_agent_classes() -> list[type]:
    """Every Mesa agent class the engine defines (all of ``sim.engine`` imported)."""
    for module in pkgutil.walk_packages(sim.engine.__path__, "sim.engine."):
        importlib.import_module(module.name)
    found: list[type] = []
    pending: list[type] = [mesa.Agent]
    while pending:
        children: list[type] = pending.pop().__subclasses__()
        for sub in children:
            if sub not in found:
                found.append(sub)
                pending.append(sub)
    return [cls for cls in found if cls.__module__.startswith("sim.engine.")]


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def scenario_parameters() -> list[tuple[str, str]]:
    """(table model, key) of every key of a scenario the model reads, ``[scenario]``,
    checkpoints and uncertainties aside."""
    seen: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [schema.Scenario]
    keys = []
    while pending:
        model = pending.pop(0)
        if model in seen:
            continue
        seen.append(model)
        for name, field in model.model_fields.items():
            keys.append((model.__name__, field.alias or name))
            pending += [m for m in _models_in(field.annotation) if m not in OUTSIDE_THE_MODEL]
    return [(model, key) for model, key in keys if key not in NOT_PARAMETERS]


# -- the tests ------------------------------------------------------------------------


def test_the_seven_sections_are_there_in_order():
    found = [title for level, title, _ in headings(odd_text()) if level == 2]
    numbered = [re.sub(r"^\d+\. ", "", t) for t in found if re.match(r"^\d+\. ", t)]
    assert numbered == list(SECTIONS), (
        f"docs/odd.md's numbered sections should be {list(SECTIONS)}, found {numbered}"
    )
    for number, title in enumerate(SECTIONS, start=1):
        assert f"{number}. {title}" in found, f"docs/odd.md: no '## {number}. {title}'"


def test_every_design_concept_has_its_subsection():
    titles = [re.sub(r"^4\.\d+ ", "", t) for t in subsections(section(odd_text(), 4))]
    assert titles == list(DESIGN_CONCEPTS), (
        f"section 4 of docs/odd.md should have {list(DESIGN_CONCEPTS)}, found {titles}"
    )


def test_code_spans_that_name_code_are_plain_dotted_references():
    bad = [ref for ref in references(odd_text()) if not REFERENCE.fullmatch(ref)]
    assert not bad, f"docs/odd.md: write references as plain dotted names, not {bad}"


@pytest.mark.parametrize("reference", first_seen(references(odd_text())))
def test_every_reference_names_code_that_exists(reference):
    resolve(reference)  # LookupError names the reference that no longer exists


def test_every_submodel_names_its_code():
    parts = subsections(section(odd_text(), 7))
    assert parts, "section 7 of docs/odd.md has no submodels"
    for title, text in parts.items():
        assert any(ref.startswith("sim.") for ref in references(text)), (
            f"docs/odd.md, submodel '{title}': name the code that implements it "
            "(`sim.engine.agents.module.name`)"
        )


def test_every_agent_class_is_named():
    classes = engine_agent_classes()
    assert set(KINDS) <= set(classes), "the engine's agent kinds are not Mesa agents"
    named = set(references(odd_text()))
    missing = [f"{c.__module__}.{c.__name__}" for c in classes]
    missing = [name for name in missing if name not in named]
    assert not missing, f"docs/odd.md does not name these agent classes: {missing}"


def test_the_schedule_lists_the_daily_phases_in_the_order_the_day_runs_them():
    expected = daily_calls()
    assert len(expected) > len(KINDS), "could not read the day's calls from kernel.advance"
    in_order = first_seen([name for name in named_in_schedule() if name in expected])
    assert in_order == expected, (
        "section 3's daily schedule in docs/odd.md should name the calls of "
        f"sim.engine.kernel.advance in its order:\n  expected {expected}\n  found    {in_order}"
    )


def test_the_schedule_names_the_agent_kinds_in_their_daily_order():
    expected = [f"{kind.__module__}.{kind.__qualname__}" for kind in KINDS]
    in_order = first_seen([name for name in named_in_schedule() if name in expected])
    assert in_order == expected, (
        "section 3's daily schedule in docs/odd.md should name the agent kinds in the order "
        f"of sim.engine.model.KINDS:\n  expected {expected}\n  found    {in_order}"
    )


def test_every_scenario_parameter_is_named():
    text = odd_text()
    code = code_spans(text) + code_blocks(text)
    words = {word for piece in code for word in re.findall(r"[A-Za-z_]\w*", piece)}
    missing = [f"{model}.{key}" for model, key in scenario_parameters() if key not in words]
    assert not missing, f"docs/odd.md does not name these scenario keys: {missing}"
