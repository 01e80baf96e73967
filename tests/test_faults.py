"""Fault injection (issue 15): every number from the stated data by the current code, or a clear refusal.

Each test reproduces one fault a hostile but realistic user met, in a temporary folder, and checks what the book
does now. The faults: a stale result after a code or data change, a truncated, zeroed or planted cache file, a
read-only cache, a relative data mirror, a missing mirror folder, concurrent sweeps into one folder, a killed sweep
and a killed build resumed, bad sweep output folders, worker counts and empty grids, an unreadable or corrupt data
file, `data status` exit codes, `data fetch` repairs and unknown keys.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import helpers.data as data
import helpers.data.store as store
from helpers import cache, paths
from helpers.__main__ import main as helpers_main
from helpers.data.sources import _catalogue
from helpers.sweep import main as sweep_main
from helpers.sweep import run_sweep

PROBE = Path(__file__).parent / "faults" / "probe.ipynb"
PYTHON = sys.executable
COMMIT_1, COMMIT_2 = "1111111111111111", "2222222222222222"


# ---------------------------------------------------------------- set-up shared by the tests


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """A results cache, an HMAC key and a data cache of the test's own; nothing from earlier in the process."""
    monkeypatch.setenv("BOOK_DATA_CACHE", str(tmp_path / "cache" / "data"))
    monkeypatch.setenv("BOOK_CACHE_KEY_FILE", str(tmp_path / "config" / "cache.key"))
    monkeypatch.delenv("BOOK_RESULT_CACHE", raising=False)
    monkeypatch.delenv("BOOK_NO_RESULT_CACHE", raising=False)
    monkeypatch.delenv("BOOK_NO_PARSE_CACHE", raising=False)
    monkeypatch.setattr(cache, "_deps", {}, raising=False)
    monkeypatch.setattr(store, "_verified", {})
    _catalogue.cache_clear()
    yield
    _catalogue.cache_clear()


def new_process(monkeypatch):
    """What a fresh kernel knows: nothing verified, nothing recorded, the catalogue read again."""
    monkeypatch.setattr(cache, "_deps", {}, raising=False)
    monkeypatch.setattr(cache, "_file_hashes", {}, raising=False)
    monkeypatch.setattr(store, "_verified", {})
    _catalogue.cache_clear()


def cache_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() and "data" not in p.relative_to(root).parts[:1]}


class Catalogue:
    """A sources.toml of toy files in a mirror folder under tmp."""

    def __init__(self, tmp: Path, monkeypatch):
        self.tmp, self.monkeypatch = tmp, monkeypatch
        self.mirror = tmp / "mirror"
        self.mirror.mkdir(exist_ok=True)
        self.toml = tmp / "sources.toml"
        self.entries: dict[str, str] = {}
        monkeypatch.setattr(paths, "SOURCES", self.toml)
        monkeypatch.setenv("BOOK_DATA_MIRROR", str(self.mirror))

    def url(self, name: str, commit: str = COMMIT_1) -> str:
        return f"https://raw.githubusercontent.com/owner/repo/{commit}/data/{name}"

    def relpath(self, name: str, commit: str = COMMIT_1) -> Path:
        return Path("github.com/owner/repo") / commit / "data" / name

    def add(self, key: str, payload: bytes | None, name: str | None = None, fmt: str = "csv",
            commit: str = COMMIT_1, pin: bytes | None = None) -> Path:
        """Pin `pin` (default: `payload`) for `key`; put `payload` in the mirror (None: nowhere)."""
        name = name or f"{key}.{fmt}"
        pinned = payload if pin is None else pin
        self.entries[key] = (f'[{key}]\nurl = "{self.url(name, commit)}"\nsha256 = "{hashlib.sha256(pinned).hexdigest()}"\n'
                             f'bytes = {len(pinned)}\nformat = "{fmt}"\nchapters = ["dorff_minhas"]\n')
        self.toml.write_text("\n".join(self.entries.values()))
        _catalogue.cache_clear()
        target = self.mirror / self.relpath(name, commit)
        if payload is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(payload)
        return target

    def cache_copy(self, key: str, payload: bytes, name: str | None = None, fmt: str = "csv",
                   commit: str = COMMIT_1) -> Path:
        target = paths.cache_dir() / self.relpath(name or f"{key}.{fmt}", commit)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)
        return target


@pytest.fixture
def catalogue(tmp_path, monkeypatch):
    return Catalogue(tmp_path, monkeypatch)


@contextlib.contextmanager
def read_only(folder: Path):
    """A folder nobody may write into: mode 0555, or for root (who ignores modes) the immutable attribute."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("running as root and this file system has no immutable attribute: cannot make a read-only folder")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(predicate, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def kill_leftovers(pids) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------- the results cache


def test_stale_by_code_an_edit_anywhere_in_the_package_misses(tmp_path, monkeypatch):
    """A change in any module (eusanct.py was not in the hand-kept list) computes afresh in the next process."""
    package = tmp_path / "helpers_copy"
    (package / "data").mkdir(parents=True)
    module = package / "data" / "eusanct.py"
    module.write_text("EXCLUDE = ('threat',)\n")
    monkeypatch.setattr(cache, "CODE_ROOT", package, raising=False)
    for memo in ("_digests", "_fingerprint"):
        monkeypatch.setattr(cache, memo, {}, raising=False)
    calls = []
    count = lambda value: (calls.append(value), value)[1]  # noqa: E731
    assert cache.cached("zeng_peterson", {"panel": 1}, lambda: count(2715)) == 2715
    assert cache.cached("zeng_peterson", {"panel": 1}, lambda: count(-1)) == 2715      # same code: stored
    module.write_text("EXCLUDE = ()\n")                                                 # the sanction filter changes
    for memo in ("_digests", "_fingerprint"):                                           # ... and a new kernel starts
        monkeypatch.setattr(cache, memo, {}, raising=False)
    assert cache.cached("zeng_peterson", {"panel": 1}, lambda: count(1330)) == 1330
    assert calls == [2715, 1330]


def test_stale_by_data_a_new_pin_recomputes(catalogue, monkeypatch):
    """The unga case: a new pin (and file) for a key makes every result computed from it stale."""
    catalogue.add("unga", b"ideal\n-0.5\n0.334\n")
    mean = lambda: float(data.load("unga")["ideal"].mean())  # noqa: E731
    first = cache.cached("zeng_peterson", {"table": 1}, mean)
    assert first == pytest.approx(-0.083)
    new_process(monkeypatch)
    assert cache.cached("zeng_peterson", {"table": 1}, lambda: 99.0) == first            # unchanged: stored
    catalogue.add("unga", b"ideal\n0.5\n0.334\n", commit=COMMIT_2)                      # re-pinned to a new release
    new_process(monkeypatch)
    assert cache.cached("zeng_peterson", {"table": 1}, mean) == pytest.approx(0.417)
    # the same path, new bytes and a new pin: also recomputed
    catalogue.add("unga", b"ideal\n1.5\n0.5\n", commit=COMMIT_2)
    new_process(monkeypatch)
    assert cache.cached("zeng_peterson", {"table": 1}, mean) == pytest.approx(1.0)


def test_data_read_earlier_in_the_process_still_counts(catalogue, monkeypatch):
    """A read hidden by in-memory memoisation (lru_cache) before compute() is still a dependency."""
    catalogue.add("cov", b"x\n1\n2\n")
    frame = data.load("cov")                      # read once, kept in memory by the caller
    assert cache.cached("t", {"k": 1}, lambda: int(frame["x"].sum())) == 3
    catalogue.add("cov", b"x\n5\n", commit=COMMIT_2)
    new_process(monkeypatch)
    assert cache.cached("t", {"k": 1}, lambda: 5) == 5


def test_a_file_that_appears_makes_a_fallback_result_stale(catalogue, monkeypatch):
    """Computed while a file was missing (synthetic fallback): recomputed once the file is there."""
    catalogue.add("late", None, pin=b"v\n1\n")
    assert data.locate("late") is None
    assert cache.cached("t", {"k": 2}, lambda: "synthetic") == "synthetic"
    new_process(monkeypatch)
    assert cache.cached("t", {"k": 2}, lambda: "again") == "synthetic"
    catalogue.add("late", b"v\n1\n")
    new_process(monkeypatch)
    assert cache.cached("t", {"k": 2}, lambda: "real") == "real"


def test_user_file_change_recomputes(tmp_path, monkeypatch):
    user = tmp_path / "cdu.csv"
    user.write_text("a\n1\n")
    compute = lambda: int(pd.read_csv(data.user_file(user))["a"].sum())  # noqa: E731
    assert cache.cached("t", {"u": 1}, compute) == 1
    user.write_text("a\n7\n")
    new_process(monkeypatch)
    assert cache.cached("t", {"u": 1}, compute) == 7


def _entry_after_first_call(tmp_path, namespace, value, inputs=None):
    """Compute and store `value`; return the file the cache wrote (whatever its layout) and the call."""
    before = cache_files(tmp_path / "cache")
    calls = []

    def call(fresh=value):
        return cache.cached(namespace, inputs or {"n": 1}, lambda: (calls.append(1), fresh)[1])

    call()
    written = sorted(cache_files(tmp_path / "cache") - before)
    assert len(written) == 1, written
    return written[0], call, calls


def test_truncated_entry_is_discarded_and_recomputed(tmp_path):
    frame = pd.DataFrame({"imp_ideal": np.linspace(-1, 1, 513)})
    path, call, calls = _entry_after_first_call(tmp_path, "zeng_peterson", frame)
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.warns(UserWarning, match="discarded"):
        again = call()
    pd.testing.assert_frame_equal(again, frame)
    assert len(calls) == 2
    assert call().equals(frame) and len(calls) == 2          # stored again, whole


def test_zeroed_block_is_detected_not_loaded(tmp_path):
    """4 KiB of zeros inside an entry: once loaded silently (513 values became 0 or denormals)."""
    values = {"imp_ideal": np.linspace(-1, 1, 513), "label": ["x"] * 513}
    frame = pd.DataFrame(values).astype({"label": object})
    path, call, calls = _entry_after_first_call(tmp_path, "zeng_peterson", frame)
    blob = bytearray(path.read_bytes())
    middle = len(blob) // 2
    blob[middle - 2048: middle + 2048] = bytes(4096)
    path.write_bytes(bytes(blob))
    with pytest.warns(UserWarning, match="discarded"):
        again = call()
    pd.testing.assert_frame_equal(again, frame)
    assert len(calls) == 2


class _Planted:
    """Unpickling this runs a command: what a planted cache file could do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_planted_pickle_never_runs(tmp_path):
    marker = tmp_path / "planted-code-ran"
    path, call, calls = _entry_after_first_call(tmp_path, "phillips_ahmad", {"run": [1, 2, 3]}, {"tag": "run"})
    path.write_bytes(pickle.dumps(_Planted(marker)))
    with pytest.warns(UserWarning, match="discarded"):
        assert call() == {"run": [1, 2, 3]}
    assert not marker.exists()
    # a forged entry in the current layout, with a matching length but no valid HMAC
    payload = pickle.dumps(_Planted(marker))
    header = json.dumps({"bytes": len(payload), "format": "pickle", "key": path.stem, "deps": []}).encode()
    path.write_bytes(cache.MAGIC + b"0" * 64 + b"\n" + header + b"\n" + payload)
    with pytest.warns(UserWarning, match="HMAC"):
        assert call() == {"run": [1, 2, 3]}
    assert not marker.exists() and len(calls) == 3


def test_planted_file_in_the_parsed_cache_never_runs(catalogue, tmp_path, monkeypatch):
    """The data layer's parsed copies (`.cache/parsed/`): a planted file is refused, the file parsed again."""
    buffer = io.BytesIO()
    pd.DataFrame({"ccode": [2, 20], "year": [2000, 2001]}).to_stata(buffer, write_index=False)
    catalogue.add("panel_dta", buffer.getvalue(), fmt="dta")
    before = cache_files(tmp_path / "cache")
    first = data.load("panel_dta")
    written = sorted(cache_files(tmp_path / "cache") - before)
    assert len(written) == 1
    assert b"PAR1" in written[0].read_bytes(), "a data frame is stored as Parquet, not pickle"
    marker = tmp_path / "planted-code-ran"
    written[0].write_bytes(pickle.dumps(_Planted(marker)))
    new_process(monkeypatch)
    with pytest.warns(UserWarning):
        again = data.load("panel_dta")
    assert not marker.exists()
    pd.testing.assert_frame_equal(again, first)


def test_read_only_cache_is_a_warning_not_a_failure(tmp_path, monkeypatch):
    with read_only(tmp_path / "ro") as folder:
        monkeypatch.setenv("BOOK_DATA_CACHE", str(folder / "data"))
        with pytest.warns(UserWarning, match="could not write"):
            assert cache.cached("t", {"x": 1}, lambda: 42) == 42
        assert cache.cached("t", {"x": 1}, lambda: 43) == 43          # computed again, still no error


def test_switched_off_cache_neither_reads_nor_writes(tmp_path, monkeypatch):
    assert cache.cached("t", {"x": 1}, lambda: "stored") == "stored"
    files = cache_files(tmp_path / "cache")
    stamps = {p: p.read_bytes() for p in files}
    monkeypatch.setenv("BOOK_NO_RESULT_CACHE", "1")
    assert cache.cached("t", {"x": 1}, lambda: "fresh") == "fresh"
    assert {p: p.read_bytes() for p in cache_files(tmp_path / "cache")} == stamps
    monkeypatch.delenv("BOOK_NO_RESULT_CACHE")
    assert cache.cached("t", {"x": 1}, lambda: "other") == "stored"


def test_fresh_build_clears_the_results_cache(tmp_path):
    cache.cached("t", {"x": 1}, lambda: 1)
    cache.cached("parsed", {"x": 1}, lambda: 2)
    assert cache_files(tmp_path / "cache")
    assert cache.clear() == 2
    assert not cache_files(tmp_path / "cache")


# ---------------------------------------------------------------- paths and the data layer


def test_relative_mirror_reaches_every_kernel_absolute_and_rows_say_which_data(tmp_path, monkeypatch):
    """`BOOK_DATA_MIRROR=mirror` (relative, as the old message suggested) resolved once where the sweep starts."""
    (tmp_path / "mirror").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOOK_DATA_MIRROR", "mirror")
    result = run_sweep(PROBE, {"tag": ["rel"]}, tmp_path / "out", executor="serial", progress=False)
    row = result.table.iloc[0]
    assert row["status"] == "ok", row["error"]
    assert row["faults.mirror_env"] == str(tmp_path / "mirror")
    assert row["faults.mirror_seen"] == str(tmp_path / "mirror")
    table = pd.read_parquet(tmp_path / "out" / "results.parquet")
    assert table.loc[0, "data_kind"] == "real" and table.loc[0, "data_keys"] == "toy,other"


def test_missing_mirror_folder_is_one_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BOOK_DATA_MIRROR", str(tmp_path / "no-such-mirror"))
    assert helpers_main(["data", "status"]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "BOOK_DATA_MIRROR" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(data.MirrorNotFound, match="does not exist"):
        data.mirror_folders()
    assert sweep_main([str(PROBE), "-p", "tag=x", "--out", str(tmp_path / "o"), "--executor", "serial"]) == 101
    assert not (tmp_path / "o").exists()


def test_unreadable_data_file_gets_a_row_and_a_failing_status(catalogue, monkeypatch, capsys):
    good = catalogue.add("good", b"a\n1\n")
    locked = catalogue.add("locked", b"a\n2\n")
    catalogue.add("absent", None, pin=b"a\n3\n")
    catalogue.add("corrupt", b"a\n4\n", pin=b"a\n5\n")
    if os.geteuid() == 0:   # root reads any file whatever its mode: make this one fail as EACCES would
        real = store.sha256_of

        def denied(path):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(store, "sha256_of", denied)
    else:
        locked.chmod(0)
    assert helpers_main(["data", "status"]) == 1
    out, err = capsys.readouterr()
    rows = {line.split()[0]: line for line in out.splitlines() if line.split()[:1] and line.split()[0] in catalogue.entries}
    assert set(rows) == {"good", "locked", "absent", "corrupt"}
    assert "sha256 ok" in rows["good"] and "unreadable" in rows["locked"] and "Permission denied" in rows["locked"]
    assert "missing" in rows["absent"] and "hash mismatch" in rows["corrupt"]
    assert "1 unreadable" in err and "1 missing" in err and "1 hash mismatch" in err
    with pytest.raises(data.DataUnreadable, match="cannot be read"):
        data.resolve("locked")
    assert good.exists()


def test_status_exit_code_is_zero_only_when_every_file_verifies(catalogue, capsys):
    catalogue.add("one", b"a\n1\n")
    assert helpers_main(["data", "status"]) == 0
    catalogue.add("two", b"a\n2\n", pin=b"a\n3\n")
    assert helpers_main(["data", "status"]) == 1
    assert "hash mismatch" in capsys.readouterr().out


def test_fetch_repairs_a_corrupt_cache_copy_from_a_verified_mirror(catalogue, capsys):
    mirror_copy = catalogue.add("toy", b"a,b\n1,2\n")
    mirror_stat = mirror_copy.stat()
    cached = catalogue.cache_copy("toy", b"a,b\n1,9\n")              # corrupt
    with pytest.raises(data.HashMismatch, match="data fetch toy"):
        data.resolve("toy")
    assert helpers_main(["data", "fetch", "toy"]) == 0
    assert "replaced the corrupt cache copy" in capsys.readouterr().out
    assert cached.read_bytes() == b"a,b\n1,2\n"
    assert mirror_copy.read_bytes() == b"a,b\n1,2\n" and mirror_copy.stat().st_mtime_ns == mirror_stat.st_mtime_ns
    assert data.load("toy").equals(pd.DataFrame({"a": [1], "b": [2]}))


def test_fetch_never_writes_to_a_mirror_and_says_what_to_do(catalogue, monkeypatch):
    mirror_copy = catalogue.add("toy", b"bad\n", pin=b"good\n")
    with pytest.raises(data.HashMismatch) as error:
        data.resolve("toy")
    message = str(error.value)
    assert "mirror" in message and "do not edit or delete" in message and "Fix: delete it" not in message

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(store.urllib.request, "urlopen", lambda url, timeout: Response(b"good\n"))
    hit = data.fetch("toy")
    assert hit.path.read_bytes() == b"good\n" and hit.path.is_relative_to(paths.cache_dir())
    assert mirror_copy.read_bytes() == b"bad\n"
    new_process(monkeypatch)
    assert data.locate("toy").origin == "cache"


def test_unknown_key_is_one_line(catalogue, capsys):
    catalogue.add("toy", b"a\n1\n")
    assert helpers_main(["data", "fetch", "toyy"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "No data source 'toyy'" in err and "Traceback" not in err
    with pytest.raises(KeyError):
        data.resolve("toyy")


# ---------------------------------------------------------------- sweeps


def test_bad_out_is_refused_before_anything_is_written(tmp_path, capsys):
    a_file = tmp_path / "results.txt"
    a_file.write_text("keep me")
    before = sorted(tmp_path.rglob("*"))
    assert sweep_main([str(PROBE), "-p", "tag=x", "--out", str(a_file), "--executor", "serial"]) == 101
    assert "is a file" in capsys.readouterr().err
    assert a_file.read_text() == "keep me" and sorted(tmp_path.rglob("*")) == before
    assert sweep_main([str(PROBE), "-p", "tag=x", "--out", str(a_file / "sub"), "--executor", "serial"]) == 101
    with read_only(tmp_path / "ro") as folder:
        assert sweep_main([str(PROBE), "-p", "tag=x", "--out", str(folder / "out"), "--executor", "serial"]) == 101
        assert "writable" in capsys.readouterr().err
        assert not any(folder.iterdir())


@pytest.mark.parametrize("workers", ["-1", "0"])
def test_bad_worker_count_is_refused_before_anything_is_written(tmp_path, capsys, workers):
    out = tmp_path / "out"
    assert sweep_main([str(PROBE), "-p", "tag=x,y", "--out", str(out), "-w", workers, "--no-progress"]) == 101
    assert "--workers" in capsys.readouterr().err
    assert not out.exists()


def test_empty_grid_needs_defaults(tmp_path, capsys):
    grid = tmp_path / "empty.toml"
    grid.write_text(f'notebook = "{PROBE}"\n[grid]\n')
    out = tmp_path / "out"
    assert sweep_main([str(grid), "--out", str(out), "--executor", "serial", "--no-progress"]) == 101
    assert "--defaults" in capsys.readouterr().err
    assert not out.exists()
    assert sweep_main([str(grid), "--defaults", "--dry-run"]) == 0
    assert "1 runs" in capsys.readouterr().out


def test_misspelt_parameter_stops_the_sweep(tmp_path, capsys):
    assert sweep_main([str(PROBE), "-p", "tga=x", "--out", str(tmp_path / "out")]) == 101
    assert "unknown parameter 'tga'" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_stale_lock_of_a_dead_sweep_is_taken_over(tmp_path):
    from helpers.sweep.lock import OutLock

    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run([PYTHON, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (out / ".sweep.lock").write_text(json.dumps({"pid": int(dead.stdout), "host": os.uname().nodename}))
    with OutLock(out) as lock:
        assert json.loads((out / ".sweep.lock").read_text())["pid"] == os.getpid()
        with pytest.raises(Exception, match="another sweep is already writing"):
            OutLock(out).acquire()
    assert lock.fd is None


def test_concurrent_and_killed_sweeps(tmp_path, capsys, monkeypatch):
    """A second sweep into a busy folder is refused; SIGTERM stops the pool and its kernels (no orphans) and
    keeps what finished; the same command then resumes, reusing the finished run."""
    hold, pids, out = tmp_path / "hold", tmp_path / "pids", tmp_path / "out"
    hold.touch()
    grid = tmp_path / "grid.toml"
    grid.write_text(f'notebook = "{PROBE}"\n[fixed]\nhold = "{hold}"\npid_dir = "{pids}"\n'
                    '[[runs]]\ntag = "quick"\n[[runs]]\ntag = "slow"\nblock = true\n')
    command = [PYTHON, "-m", "helpers", "sweep", str(grid), "--out", str(out), "--executor", "processes",
               "-w", "2", "--no-progress"]
    sweep = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tree: list[int] = []
    try:
        wait_for(lambda: (pids / "slow.pid").exists() and any(out.glob("runs/*/record.json")), 150,
                 "the quick run to finish and the slow run's kernel to start")
        import psutil

        tree = [p.pid for p in psutil.Process(sweep.pid).children(recursive=True)]
        kernel = int((pids / "slow.pid").read_text())
        assert kernel in tree
        # a second sweep into the same folder
        listing = sorted(p.relative_to(out) for p in out.rglob("*"))
        assert sweep_main([str(grid), "--out", str(out), "--executor", "serial", "--no-progress"]) == 101
        assert "another sweep is already writing" in capsys.readouterr().err
        assert sorted(p.relative_to(out) for p in out.rglob("*")) == listing
        # stopped
        sweep.send_signal(signal.SIGTERM)
        _, err = sweep.communicate(timeout=60)
        assert sweep.returncode == 128 + signal.SIGTERM, err
        assert "rerun the same command to resume" in err
        wait_for(lambda: not any(alive(pid) for pid in tree), 10, "the pool workers and kernels to exit")
        table = pd.read_parquet(out / "results.parquet").set_index("tag")
        assert table.loc["quick", "status"] == "ok" and set(table["status"]) == {"ok", "not run"}
        stopped = json.loads((out / "sweep.json").read_text())
        assert stopped["interrupted_by"] == "SIGTERM"
    finally:
        if sweep.poll() is None:
            sweep.kill()
        kill_leftovers(tree)
    hold.unlink()
    for memo in ("_digests", "_fingerprint"):       # this process reads the helpers source afresh, as a new one would
        monkeypatch.setattr(cache, memo, {}, raising=False)
    assert sweep_main([str(grid), "--out", str(out), "--executor", "serial", "--no-progress"]) == 0
    table = pd.read_parquet(out / "results.parquet")
    assert list(table["status"]) == ["ok", "ok"]
    if json.loads((out / "sweep.json").read_text())["helpers_code_hash"] != stopped["helpers_code_hash"]:
        pytest.skip("src/helpers was edited while this test ran, so the finished run was rightly not reused")
    assert table["reused"].sum() == 1


def test_results_of_a_concurrent_writer_are_merged_not_overwritten(tmp_path):
    from helpers.sweep.core import _write_results

    out = tmp_path / "out"
    out.mkdir()
    since = time.time_ns()
    time.sleep(0.05)          # file times come from a coarse clock
    theirs = pd.DataFrame({"run_id": ["b"], "status": ["ok"], "x": [2]})
    _write_results(theirs, out, since - 1)
    ours = pd.DataFrame({"run_id": ["a"], "status": ["ok"], "x": [1]})
    _write_results(ours, out, since)
    merged = pd.read_parquet(out / "results.parquet")
    assert sorted(merged["run_id"]) == ["a", "b"]
    assert sorted(pd.read_csv(out / "results.csv")["run_id"]) == ["a", "b"]
    assert not list(out.glob(".*tmp"))


# ---------------------------------------------------------------- builds

FAKE_JUPYTER_BOOK = '''
import os, pathlib, shutil, subprocess, sys, time
state = pathlib.Path(os.environ["FAKE_JB_STATE"])
with open(state / "log", "a") as log:
    log.write(sys.argv[1] + "\\n")
root = pathlib.Path([a for a in sys.argv[2:] if not a.startswith("-")][-1])
if sys.argv[1] == "clean":
    shutil.rmtree(root / "_build", ignore_errors=True)
    sys.exit(0)
(state / "jb.pid").write_text(str(os.getpid()))
if (state / "hang").exists():   # a long execution: a kernel in a session of its own, as jupyter_client starts it
    kernel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True)
    (state / "kernel.pid").write_text(str(kernel.pid))
    time.sleep(300)
(root / "_build" / "scorecard").mkdir(parents=True, exist_ok=True)
(root / "_build" / "html").mkdir(parents=True, exist_ok=True)
'''


def test_killed_build_stops_its_kernels_and_keeps_its_progress(tmp_path):
    book, state = tmp_path / "book", tmp_path / "state"
    for folder in (book / "src" / "helpers", book / "data", state):
        folder.mkdir(parents=True)
    (book / "src" / "helpers" / "a.py").write_text("A = 1\n")
    (book / "data" / "sources.toml").write_text("")
    (book / "requirements.txt").write_text("pandas\n")
    fake = tmp_path / "jupyter-book"
    fake.write_text(f"#!{PYTHON}\n{FAKE_JUPYTER_BOOK}")
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("BOOK_SCORECARD_DIR", "BOOK_DATA_MIRROR")}
    env.update(BOOK_ROOT=str(book), FAKE_JB_STATE=str(state))
    script = f"import sys, helpers.build as b; b._jupyter_book = lambda: {str(fake)!r}; sys.exit(b.build())"
    log = lambda: (state / "log").read_text().split()  # noqa: E731

    (state / "hang").touch()
    build = subprocess.Popen([PYTHON, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pids: list[int] = []
    try:
        wait_for(lambda: (state / "kernel.pid").exists(), 60, "the fake kernel to start")
        pids = [int((state / "jb.pid").read_text()), int((state / "kernel.pid").read_text())]
        build.send_signal(signal.SIGTERM)
        _, err = build.communicate(timeout=60)
        assert build.returncode == 128 + signal.SIGTERM, err
        wait_for(lambda: not any(alive(pid) for pid in pids), 10, "jupyter-book and its kernel to exit")
        assert "interrupted" in err
    finally:
        if build.poll() is None:
            build.kill()
        kill_leftovers(pids)
    assert log() == ["clean", "build"]
    (state / "hang").unlink()
    again = subprocess.run([PYTHON, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert log() == ["clean", "build", "build"], "the retry must not wipe what the interrupted build executed"
    (book / "src" / "helpers" / "a.py").write_text("A = 2\n")
    changed = subprocess.run([PYTHON, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert changed.returncode == 0 and log()[-2:] == ["clean", "build"]
