"""The results cache: computed once per inputs and code, missed when either changes, off on request."""
import pytest

from helpers import cache


@pytest.fixture
def counter(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_DATA_CACHE", str(tmp_path / "data"))
    monkeypatch.delenv("BOOK_NO_RESULT_CACHE", raising=False)
    calls = []
    return lambda value: (calls.append(value), value)[1], calls


def test_hit_miss_on_inputs_and_code(counter, tmp_path):
    compute, calls = counter
    code = tmp_path / "model.py"
    code.write_text("a = 1\n")
    assert cache.cached("t", {"x": 1}, lambda: compute(10), code=[code]) == 10
    assert cache.cached("t", {"x": 1}, lambda: compute(11), code=[code]) == 10       # stored value
    assert cache.cached("t", {"x": 2}, lambda: compute(12), code=[code]) == 12       # other inputs
    code.write_text("a = 2\n")
    assert cache.cached("t", {"x": 1}, lambda: compute(13), code=[code]) == 13       # code changed
    assert calls == [10, 12, 13]
    assert not list((tmp_path / "t").glob("*.tmp"))


def test_switched_off_by_environment(counter, monkeypatch):
    compute, calls = counter
    monkeypatch.setenv("BOOK_NO_RESULT_CACHE", "1")
    cache.cached("t", 1, lambda: compute(1))
    cache.cached("t", 1, lambda: compute(2))
    assert calls == [1, 2]
