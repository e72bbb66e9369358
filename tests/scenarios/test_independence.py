"""The shipped scenario's checkpoints are scored against sources that did not set its
inputs: a behaviour checkpoint citing a source an input also cites must say why
(``shared_source``), and is then never held out. Inputs citing sources published after
the calibration cut-off are listed, each with its latest date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sim.experiments.checkpoints import in_sample, sample_of
from sim.scenario.loader import load_scenario
from sim.scenario.provenance import citations, file_sources, input_provenance

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "ukraine_war_2022_2025.toml"


def shared_sources(path: Path) -> dict[str, dict[str, list[str]]]:
    """Per behaviour checkpoint: each source it shares with inputs → those inputs."""
    found = file_sources(path)
    by_source: dict[str, list[str]] = {}
    for cited in found.inputs:
        for source in cited.sources:
            by_source.setdefault(source, []).append(cited.key)
    kinds = {cp.id: cp.kind_of for cp in load_scenario(path).checkpoints}
    shared = {}
    for ident, lines in found.entries["checkpoints"].items():
        if kinds[ident] != "behaviour":
            continue
        mine = set().union(*(cited.sources for cited in lines))
        overlap = {source: by_source[source] for source in sorted(mine) if source in by_source}
        if overlap:
            shared[ident] = overlap
    return shared


def test_no_behaviour_checkpoint_shares_an_unexplained_source_with_an_input():
    explained = {cp.id for cp in load_scenario(SCENARIO).checkpoints if cp.shared_source}
    unexplained = {
        ident: overlap for ident, overlap in shared_sources(SCENARIO).items()
        if ident not in explained
    }  # fmt: skip
    assert not unexplained, "say why in shared_source, or cite another source:\n" + "\n".join(
        f"{ident}: {source} (also {', '.join(inputs[:3])})"
        for ident, overlap in unexplained.items()
        for source, inputs in overlap.items()
    )


def test_a_checkpoint_after_the_cut_off_is_held_out_only_if_its_sources_are_independent():
    scenario = load_scenario(SCENARIO)
    cutoff = scenario.scenario.calibration_end
    assert cutoff is not None
    late = [cp for cp in scenario.checkpoints if cp.end_date > cutoff]
    assert {sample_of(scenario, cp) for cp in late} == {"out", "shared"}
    for cp in late:
        assert sample_of(scenario, cp) == ("shared" if cp.shared_source else "out"), cp.id
    assert all(in_sample(scenario, cp) for cp in scenario.checkpoints if cp.end_date <= cutoff)


def test_the_check_finds_a_shared_source(tmp_path):
    # the same title cited by an input and a checkpoint is caught; a different one is not
    text = SCENARIO.read_text()
    cited = '# citing Somewhere, "A Title Nobody Else Cites", 2023-05-01: 7'
    marked = text.replace(
        "seed = 20220224                 #", f"seed = 20220224  {cited} ;", 1
    ).replace(
        'id = "ru_fire_q4_2023_western"\n',
        f'id = "ru_fire_q4_2023_western"\nkind = "behaviour"  {cited}\n', 1
    )  # fmt: skip
    path = tmp_path / "war.toml"
    path.write_text(marked)
    shared = shared_sources(path)
    assert "a title nobody else cites" in shared["ru_fire_q4_2023_western"]
    assert "ru_fire_q4_2023_western" not in shared_sources(SCENARIO)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ('citing RUSI, "Stormbreak: Fighting Through", 2023-09', {"stormbreak: fighting through"}),
        ("Censor.NET (Syrskyi), 'Syrskyi told about the ratio of ammunition', 2024-08-20",
         {"syrskyi told about the ratio of ammunition"}),
        ("citing Censor.NET (Syrskyi), 2024-08-20", {"censor.net 2024-08-20"}),
        ("citing Kyiv Post, 2024-09-22; Kyiv Independent, 2024-09-22",
         {"kyiv post 2024-09-22", "kyiv independent 2024-09-22"}),
        ("assumption: 'various calibres' in the report", set()),
    ],
)  # fmt: skip
def test_citations_are_keyed_by_title_or_publisher_and_day(text, keys):
    assert citations(text) == keys


def test_each_input_says_whether_it_used_information_from_after_the_cut_off():
    rows = input_provenance(SCENARIO, dt.date(2023, 12, 31))
    by_key = {cited.key: (latest, after) for cited, latest, after in rows}
    # the DPRK's 2025 output was set from 2025 reporting; the invasion date is dated by
    # no later source
    assert by_key["scenario.start_date"] == (None, False)
    # sub-tables keep their parents' ids; a year that is no citation's is no date
    assert by_key["importers.dprk.payments.oil.value_usd"] == (None, False)
    assert by_key["importers.dprk.routes.rajin_dunai.start_date"][1] is False
    after = [key for key, (_, late) in by_key.items() if late]
    assert any(key.startswith("importers.dprk.") for key in after)
    assert all(latest is not None and latest > dt.date(2023, 12, 31)
               for latest, late in by_key.values() if late)  # fmt: skip
