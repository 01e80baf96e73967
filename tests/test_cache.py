"""The results cache: computed once per inputs, code and data; stored in a safe format; off on request.
(The faults it must survive are in tests/test_faults.py.)"""
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from helpers import cache


@pytest.fixture
def counter(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_DATA_CACHE", str(tmp_path / "data"))
    monkeypatch.setenv("BOOK_CACHE_KEY_FILE", str(tmp_path / "key"))
    monkeypatch.delenv("BOOK_RESULT_CACHE", raising=False)
    monkeypatch.delenv("BOOK_NO_RESULT_CACHE", raising=False)
    monkeypatch.setattr(cache, "_deps", {})
    calls = []
    return lambda value: (calls.append(value), value)[1], calls


def entries(tmp_path):
    return sorted((tmp_path / "results").rglob(f"*{cache.SUFFIX}"))


def test_hit_and_miss_on_inputs(counter, tmp_path):
    compute, calls = counter
    assert cache.cached("t", {"x": 1}, lambda: compute(10)) == 10
    assert cache.cached("t", {"x": 1}, lambda: compute(11)) == 10       # stored value
    assert cache.cached("t", {"x": 2}, lambda: compute(12)) == 12       # other inputs
    assert cache.cached("u", {"x": 1}, lambda: compute(13)) == 13       # other namespace
    assert calls == [10, 12, 13]
    assert len(entries(tmp_path)) == 3 and not list((tmp_path / "results").rglob("*.tmp"))


def test_code_keyword_is_accepted_and_ignored(counter, tmp_path):
    """Chapter code still passes `code=`: the key covers all of src/helpers whatever it names."""
    compute, calls = counter
    module = tmp_path / "model.py"
    module.write_text("a = 1\n")
    assert cache.cached("t", 1, lambda: compute(1), code=[module]) == 1
    module.write_text("a = 2\n")
    assert cache.cached("t", 1, lambda: compute(2), code=[module]) == 1
    assert cache.cached("t", 1, lambda: compute(3)) == 1


def test_code_digest_covers_every_module_of_the_package():
    import helpers

    digest = cache.code_digest()
    assert digest == cache.code_digest() and len(digest) == 64
    assert cache.CODE_ROOT == cache.Path(helpers.__file__).resolve().parent


def test_switched_off_by_environment(counter, monkeypatch, tmp_path):
    compute, calls = counter
    monkeypatch.setenv("BOOK_NO_RESULT_CACHE", "1")
    cache.cached("t", 1, lambda: compute(1))
    cache.cached("t", 1, lambda: compute(2))
    assert calls == [1, 2] and not entries(tmp_path)


@dataclass(frozen=True)
class Fit:
    params: pd.Series
    nobs: int


@pytest.mark.parametrize("value, kind", [
    (pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), "parquet"),
    (np.arange(6.0).reshape(2, 3), "npz"),
    ({"n": 3, "mean": 0.25, "labels": ["a", None]}, "json"),
    ((1, 2), "pickle"),                                   # a tuple would come back from JSON as a list
    (Fit(pd.Series([0.1, 0.2], index=["x", "y"]), 10), "pickle"),
    (pd.DataFrame({"a": [1, "mixed"]}), "pickle"),        # not exact in Parquet
])
def test_values_round_trip_in_the_safest_format(counter, tmp_path, value, kind):
    stored = cache.cached("t", {"v": repr(value)}, lambda: value)
    loaded = cache.cached("t", {"v": repr(value)}, lambda: pytest.fail("recomputed"))
    header = entries(tmp_path)[0].read_bytes().split(b"\n")[2]
    assert f'"format":"{kind}"'.encode() in header
    if isinstance(value, pd.DataFrame):
        pd.testing.assert_frame_equal(loaded, value)
    elif isinstance(value, np.ndarray):
        np.testing.assert_array_equal(loaded, value)
    elif isinstance(value, Fit):
        assert loaded.nobs == 10 and loaded.params.equals(value.params)
    else:
        assert loaded == value and type(loaded) is type(stored)


def test_an_inner_hit_passes_its_data_on_to_the_outer_entry(counter, monkeypatch):
    """A value loaded inside another computation makes the outer entry depend on the inner one's data."""
    checks = {}
    cache.register_dependency_check("probe", lambda ident, fp: checks.get(ident, fp) == fp)
    cache.note_dependency("probe", "k", "v1")
    cache.cached("inner", 1, lambda: 1)
    monkeypatch.setattr(cache, "_deps", {})                       # a new process
    outer = lambda: cache.cached("inner", 1, lambda: 99) + 1      # noqa: E731
    assert cache.cached("outer", 1, outer) == 2
    assert ["probe", "k", "v1"] in cache.recorded_dependencies()
    checks["k"] = "v2"                                            # the data behind the inner value changed
    monkeypatch.setattr(cache, "_deps", {})
    assert cache.cached("outer", 1, lambda: 3) == 3


def test_the_key_lives_outside_the_cache_folder_with_private_mode(counter, tmp_path, monkeypatch):
    cache.cached("t", 1, lambda: 1)
    key = tmp_path / "key"
    assert key.exists() and key.stat().st_mode & 0o077 == 0
    monkeypatch.setenv("BOOK_CACHE_KEY_FILE", str(tmp_path / "results" / "cache.key"))
    with pytest.warns(cache.ResultCacheWarning, match="inside the cache folder"):
        assert cache.cached("t", 2, lambda: 5) == 5


def test_notes_from_another_data_environment_are_not_carried_over(counter, monkeypatch):
    """A test's temporary mirror left a "missing" note in the process: later entries do not inherit it, unless
    their own computation made it."""
    world = {"name": "tmp-mirror"}
    cache.register_dependency_check("world", lambda ident, fp: fp == "pin", scope=lambda: world["name"])
    cache.note_dependency("world", "key", "missing")           # noted in the temporary world
    world["name"] = "real"
    assert cache.cached("t", 1, lambda: 1) == 1
    monkeypatch.setattr(cache, "_deps", {})
    assert cache.cached("t", 1, lambda: 2) == 1                # served: the stale note was not recorded
    assert cache.cached("t", 2, lambda: cache.note_dependency("world", "key", "missing") or 3) == 3
    assert cache.cached("t", 2, lambda: 4) == 4                # its own note does not hold: recomputed


def test_prune_removes_entries_of_other_code_only(counter, tmp_path, monkeypatch):
    cache.cached("t", 1, lambda: 1)
    cache.cached("parsed", 1, lambda: 2, fingerprint="readers:abc")
    assert cache.prune() == 0 and len(entries(tmp_path)) == 2
    monkeypatch.setattr(cache, "_fingerprint", {cache.Path(cache.CODE_ROOT): "0" * 64})   # the code changed
    assert cache.prune() == 1
    assert [p.parent.name for p in entries(tmp_path)] == ["parsed"]
