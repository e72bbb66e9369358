"""Loading, variants, dotted overrides and their errors."""

from __future__ import annotations

import pytest

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import check_variants, load_scenario, with_overrides
from sim.scenario.paths import PathError, get_path, parse_assignment, parse_value, set_path


def test_tutorial_and_variants_validate(tutorial_path):
    scenarios = check_variants(tutorial_path)
    assert [s.source.variant for s in scenarios] == ["baseline", "no_dprk"]
    assert scenarios[0].importers[0].enabled is True
    assert scenarios[1].importers[0].enabled is False
    assert len(scenarios[0].source.sha256) == 64


def test_overrides_address_list_entries_by_id(tutorial_path):
    s = load_scenario(
        tutorial_path,
        overrides={
            "importers.dprk.routes.sea.transit_days": 9,
            "front_units.north.base_rounds_per_day.shell_122": 7.5,
            "sanctions.pressure": 0.1,
        },
    )
    assert s.importers[0].routes[0].transit_days == 9
    assert s.front_units[0].base_rounds_per_day["shell_122"] == 7.5
    assert s.sanctions.pressure == 0.1
    again = with_overrides(s, {"sanctions.pressure": 0.2})
    assert again.sanctions.pressure == 0.2
    assert again.importers[0].routes[0].transit_days == 9
    assert again.source.overrides["sanctions.pressure"] == 0.2
    # overriding copies only what it changes: the scenario it started from is intact
    nested = with_overrides(s, {"importers.dprk.routes.sea.transit_days": 12})
    assert nested.importers[0].routes[0].transit_days == 12
    assert s.importers[0].routes[0].transit_days == 9
    assert get_path(s.source.raw, "importers.dprk.routes.sea.transit_days") == 9
    assert nested.source.raw["front_units"] is s.source.raw["front_units"]  # untouched: shared
    # only the tables a sample sets are validated again; the result is the whole file's
    whole = load_scenario(
        tutorial_path,
        overrides={
            "importers.dprk.routes.sea.transit_days": 12,
            "front_units.north.base_rounds_per_day.shell_122": 7.5,
            "sanctions.pressure": 0.1,
        },
    )
    assert nested.model_dump() == whole.model_dump()
    with pytest.raises(ScenarioError, match="importers.dprk.routes.sea.transit_days"):
        with_overrides(s, {"importers.dprk.routes.sea.transit_days": -1})


def test_copying_set_path_leaves_the_original_alone():
    original = {"a": [{"id": "x", "v": 1, "w": {"z": [1, 2]}}], "b": {"c": 2}}
    copied = dict(original)
    set_path(copied, "a.x.w.z", [3], copy=True)
    set_path(copied, "b.new", {"k": 1}, copy=True)
    assert original == {"a": [{"id": "x", "v": 1, "w": {"z": [1, 2]}}], "b": {"c": 2}}
    assert copied == {"a": [{"id": "x", "v": 1, "w": {"z": [3]}}], "b": {"c": 2, "new": {"k": 1}}}
    shared = {"rate": 1}  # one entry twice (as Python callers may build them)
    ramps = {"ramp": [shared, shared]}
    changed = dict(ramps)
    set_path(changed, "ramp.1.rate", 7, copy=True)
    assert changed["ramp"] == [{"rate": 1}, {"rate": 7}] and shared == {"rate": 1}


@pytest.mark.parametrize(
    ("overrides", "key", "words"),
    [
        ({"importers.dprk.dud_rate": 1.5}, "importers.dprk.dud_rate", "less than or equal to 1"),
        ({"depots.arsenal.throughput_rounds_per_day": -1}, "depots.arsenal", "greater than"),
        ({"importers.iran.dud_rate": 0.1}, "importers.iran.dud_rate", "no entry 'iran'"),
        ({"importers.dprk.dud_rat": 0.1}, "importers.dprk.dud_rat", "unknown key"),
        ({"scenario.days": "many"}, "scenario.days", "valid integer"),
        ({"scenario.start_date": "2023-13-01"}, "scenario.start_date", "date"),
        ({"front_units.north.posture": "asleep"}, "front_units.north.posture", "offensive"),
        ({"importers.dprk.routes.sea.munition_shares.shell_152": 0.5}, "sea", "sum to 1"),
        ({"front_units.north.depot": "nowhere"}, "front_units.north.depot", "unknown depot"),
    ],
)
def test_bad_overrides_name_file_key_and_problem(tutorial_path, overrides, key, words):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tutorial_path, overrides=overrides)
    message = str(caught.value)
    assert message.startswith(str(tutorial_path))
    assert key in message and words in message


def test_unknown_variant_lists_known(tutorial_path):
    with pytest.raises(ScenarioError, match="unknown variant 'nope' .*baseline, no_dprk"):
        load_scenario(tutorial_path, variant="nope")


def test_event_values_are_validated(tutorial_path, tmp_path):
    text = tutorial_path.read_text().replace(
        'set = { "sanctions.pressure" = 0.5 }', 'set = { "sanctions.pressure" = 1.5 }'
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    with pytest.raises(ScenarioError, match=r"events\.new_export_controls\.set\.sanctions"):
        load_scenario(bad)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00\x01binary", "not a text file"),
        (b"[scenario\nname=1", "malformed TOML"),
        (b'[scenario]\nname = "x"\n', "missing required key"),
    ],
)
def test_unreadable_files(tmp_path, content, words):
    path = tmp_path / "s.toml"
    path.write_bytes(content)
    with pytest.raises(ScenarioError, match=words):
        load_scenario(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "absent.toml")
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)


def test_duplicate_ids_are_rejected(tutorial_path, tmp_path):
    text = tutorial_path.read_text().replace('id = "south"', 'id = "north"')
    path = tmp_path / "dup.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match="front_units.north: duplicate id"):
        load_scenario(path)


def test_paths_module():
    raw = {"a": [{"id": "x", "v": 1}], "b": {"c": 2}}
    set_path(raw, "a.x.v", 5)
    set_path(raw, "b.d", 3)
    assert get_path(raw, "a.x.v") == 5 and raw["b"]["d"] == 3
    with pytest.raises(PathError):
        set_path(raw, "a.y.v", 1)
    with pytest.raises(PathError):
        set_path(raw, "b.c.e", 1)
    assert parse_value("0.3") == 0.3 and parse_value("false") is False
    assert parse_value("rail") == "rail"
    assert parse_assignment("a.x.v = 2") == ("a.x.v", 2)
    with pytest.raises(PathError):
        parse_assignment("a.x.v")


def test_events_cannot_set_stocks(tutorial_path, tmp_path):
    text = tutorial_path.read_text().replace(
        'set = { "sanctions.pressure" = 0.5 }',
        'set = { "depots.arsenal.stock_rounds.shell_152" = 5 }',
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    with pytest.raises(ScenarioError, match="stocks change only through the books"):
        load_scenario(bad)
