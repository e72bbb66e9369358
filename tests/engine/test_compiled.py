"""The kernels' on-disk cache is stamped with the whole engine, not one file."""

from __future__ import annotations

from sim.engine import compiled, kernel
from sim.engine.agents import depot


def _locator(dispatcher):
    return dispatcher._cache._impl.locator


def test_engine_kernels_are_stamped_with_every_engine_source():
    for dispatcher in (kernel.advance, depot.allocate):
        locator = _locator(dispatcher)
        assert isinstance(locator, compiled._EngineStamp)
        assert locator.get_source_stamp() == compiled.FINGERPRINT


def test_the_stamp_changes_with_any_engine_file(tmp_path, monkeypatch):
    engine = tmp_path / "engine"
    (engine / "agents").mkdir(parents=True)
    (engine / "agents" / "rule.py").write_text("x = 1\n")
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "schema.py").write_text("codes = ('a', 'b')\n")
    monkeypatch.setattr(compiled, "ENGINE", engine)
    monkeypatch.setattr(compiled, "SCHEMA", tmp_path / "scenario" / "schema.py")
    before = compiled._fingerprint()
    (engine / "agents" / "rule.py").write_text("x = 2\n")
    edited_rule = compiled._fingerprint()
    (tmp_path / "scenario" / "schema.py").write_text("codes = ('b', 'a')\n")
    assert len({before, edited_rule, compiled._fingerprint()}) == 3


def test_functions_outside_the_engine_keep_numbas_own_cache(tmp_path):
    assert compiled._InTree.from_function(lambda: None, str(tmp_path / "elsewhere.py")) is None
