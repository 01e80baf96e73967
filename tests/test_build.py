"""The build's parallel execution: the schedule (a chapter's first notebook alone, chapters side by side, the
summary pages last), the kernels' environment, and a small book executed into jupyter-cache exactly as myst-nb
would find it, with no kernel left behind."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers import build

PYTHON = sys.executable


def _book(root: Path, chapters: dict[str, list[str]], late: list[str] = ()) -> list[Path]:
    paths = []
    for folder, names in [*chapters.items(), *(("summary", [n]) for n in late)]:
        for name in names:
            path = root / ("summary" if folder == "summary" else f"notebooks/{folder}") / f"{name}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            paths.append(path)
    return paths


def _drain(schedule: build.Schedule, workers: int = 2) -> list[list[str]]:
    """Simulate `workers` kernels: each step starts what is ready, then finishes the oldest running notebook."""
    steps, running = [], []
    while not schedule.complete:
        while len(running) < workers and (nb := schedule.next()) is not None:
            running.append(nb)
        steps.append([f"{p.parent.name}/{p.stem}" for p in running])
        if not running:
            break
        schedule.done(running.pop(0))
    return steps


def test_schedule_runs_a_chapters_first_notebook_alone_and_the_summary_last(tmp_path):
    nbs = _book(tmp_path, {"long": ["01", "02", "03"], "short": ["01", "02"]}, late=["scorecard", "provenance"])
    seconds = {"notebooks/long/01.ipynb": 100, "notebooks/long/02.ipynb": 50, "notebooks/long/03.ipynb": 50,
               "notebooks/short/01.ipynb": 5, "notebooks/short/02.ipynb": 5}
    schedule = build.Schedule(nbs, root=tmp_path, history={k: {"seconds": v} for k, v in seconds.items()})
    first = schedule.next()
    assert first.relative_to(tmp_path).as_posix() == "notebooks/long/01.ipynb", "the chapter with most work first"
    second = schedule.next()
    assert second.relative_to(tmp_path).as_posix() == "notebooks/short/01.ipynb"
    assert schedule.next() is None, "no chapter's other notebooks before its first one finished"
    schedule.done(second)
    assert schedule.next().relative_to(tmp_path).as_posix() == "notebooks/short/02.ipynb"
    schedule.done(first)
    nxt = schedule.next()
    assert nxt.relative_to(tmp_path).as_posix() == "notebooks/long/02.ipynb"
    # only the long chapter is left: a free kernel takes its next notebook rather than idling
    schedule.done(tmp_path / "notebooks/short/02.ipynb")
    assert schedule.next().relative_to(tmp_path).as_posix() == "notebooks/long/03.ipynb"
    assert schedule.next() is None, "the summary pages wait for every chapter notebook"
    schedule.done(nxt)
    schedule.done(tmp_path / "notebooks/long/03.ipynb")
    late = {schedule.next().name, schedule.next().name}
    assert late == {"scorecard.ipynb", "provenance.ipynb"}, "summary pages do not wait for each other"


def test_schedule_prefers_chapters_with_nothing_running(tmp_path):
    nbs = _book(tmp_path, {"a": ["01", "02", "03"], "b": ["01", "02", "03"]})
    schedule = build.Schedule(nbs, root=tmp_path, history={})
    steps = _drain(schedule)
    for step in steps:
        chapters = [s.split("/")[0] for s in step]
        assert len(chapters) == len(set(chapters)) or len(set(chapters)) == 1, step
    assert sum(len(s) for s in steps) >= 6


def test_schedule_waits_for_memory_a_notebook_needed_last_time(tmp_path):
    nbs = _book(tmp_path, {"big": ["01", "02", "03"]})
    history = {f"notebooks/big/0{i}.ipynb": {"seconds": 10, "peak_mb": 5000} for i in (1, 2, 3)}
    schedule = build.Schedule(nbs, root=tmp_path, history=history)
    head = schedule.next(available_mb=1000)
    assert head is not None, "nothing running: it starts whatever the memory"
    schedule.done(head)
    second = schedule.next(available_mb=1000)
    assert second is not None
    assert schedule.next(available_mb=1000) is None, "a second 5 GB kernel waits while 1 GB is free"
    assert schedule.next(available_mb=8000) is not None


def test_history_reads_recorded_and_local_measurements(tmp_path):
    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    (tmp_path / build.RECORDED_TIMES).write_text(json.dumps({"notebooks": {"a.ipynb": 12.5, "b.ipynb": 3}}))
    build._save_history({"b.ipynb": {"seconds": 4.0, "peak_mb": 900.0}}, tmp_path)
    assert build._load_history(tmp_path) == {"a.ipynb": {"seconds": 12.5}, "b.ipynb": {"seconds": 4.0, "peak_mb": 900.0}}


def test_kernel_env(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("BOOK_SCORECARD_DIR", "/tmp/x")
    monkeypatch.setenv("PYTHONPATH", "/elsewhere/src")
    env = build.kernel_env()
    assert env["BOOK_BUILD"] == "1" and env["PYTHONHASHSEED"] == "0"
    assert all(env[v] == "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"))
    assert env["PYTHONPATH"].split(os.pathsep) == [str(build.paths.ROOT / "src"), str(build.kernel_path()),
                                                   "/elsewhere/src"]
    assert "MPLBACKEND" not in env and "BOOK_SCORECARD_DIR" not in env


def test_skipped_imports_fail_to_import_and_glue_still_works():
    code = ("import importlib.util, sys\n"
            "try:\n    import rfc3987_syntax\nexcept ImportError:\n    print('skipped')\n"
            "from myst_nb import glue\nimport jsonschema\nprint('ok')")
    proc = subprocess.run([PYTHON, "-c", code], env=build.kernel_env(), capture_output=True, text=True, timeout=120)
    assert proc.stdout.split() == ["skipped", "ok"], proc.stderr


NOTEBOOK = """
import os, time, pathlib
pathlib.Path({marker!r}).write_text(str(time.time()))
from myst_nb import glue
glue("env", f"{{os.environ.get('BOOK_BUILD')}} {{os.environ.get('OMP_NUM_THREADS')}} {{os.getcwd()}}", display=False)
"""


def _write_nb(path: Path, marker: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(NOTEBOOK.format(marker=str(marker)))]
    nbformat.write(nb, str(path))


def test_small_book_executes_in_parallel_into_the_cache_myst_nb_reads(tmp_path):
    root = tmp_path / "book"
    (root / "marks").mkdir(parents=True)
    nbs = _book(root, {"a": ["01", "02"], "b": ["01"]}, late=["scorecard"])
    for nb in nbs:
        _write_nb(nb, root / "marks" / f"{nb.parent.name}_{nb.stem}")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n" + "".join(
        f"- file: {nb.relative_to(root).with_suffix('').as_posix()}\n" for nb in nbs))
    (root / "intro.md").write_text("# intro\n")
    (root / "_config.yml").write_text("execute:\n  cache: _build/.jupyter_cache\n  timeout: 300\n")
    script = ("import sys, json; from pathlib import Path; import helpers.build as b; "
              "done, sig = b.execute_notebooks(b.kernel_env(), 2, Path(sys.argv[1])); "
              "print(json.dumps([[str(r.path), r.error] for r in done]))")
    env = {k: v for k, v in os.environ.items() if k not in ("BOOK_SCORECARD_DIR",)}
    proc = subprocess.run([PYTHON, "-c", script, str(root)], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    done = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(done) == 4 and all(err is None for _, err in done), done
    marks = {p.name: float(p.read_text()) for p in (root / "marks").iterdir()}
    assert marks["a_01"] < marks["a_02"], "a chapter's first notebook before its others"
    assert marks["summary_scorecard"] > max(v for k, v in marks.items() if k != "summary_scorecard")

    from jupyter_cache import get_cache

    cache = get_cache(str(root / "_build" / ".jupyter_cache"))
    for nb in nbs:   # what myst-nb's cache mode does: match the notebook as read from disk
        record = cache.match_cache_notebook(nbformat.read(str(nb), as_version=4))
        executed = cache.get_cache_bundle(record.pk).nb
        glued = [o for c in executed.cells for o in c.get("outputs", []) if "scrapbook" in o.get("metadata", {})]
        bb, threads, cwd = glued[0]["data"]["application/papermill.record/text/plain"].strip("'").split(" ", 2)
        assert (bb, threads, cwd) == ("1", "1", str(nb.parent))
    # nothing left to do: a second call executes nothing
    again = subprocess.run([PYTHON, "-c", script, str(root)], env=env, capture_output=True, text=True, timeout=600)
    assert json.loads(again.stdout.strip().splitlines()[-1]) == []


def test_no_kernel_outlives_the_pool(tmp_path):
    import psutil

    root = tmp_path / "book"
    nbs = _book(root, {"a": ["01", "02", "03"]})
    (root / "marks").mkdir()
    for nb in nbs:
        _write_nb(nb, root / "marks" / nb.stem)
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n" + "".join(
        f"- file: {nb.relative_to(root).with_suffix('').as_posix()}\n" for nb in nbs))
    (root / "intro.md").write_text("# intro\n")
    done, signum = build.execute_notebooks(build.kernel_env(), 2, root)
    assert signum is None and len(done) == 3 and all(r.error is None for r in done)
    leftovers = [p for p in psutil.Process().children(recursive=True)
                 if any(build.KERNEL_FILE_PREFIX in a for a in p.cmdline())]
    assert not leftovers, leftovers


def test_a_signal_stops_the_pool_and_its_kernels_and_keeps_what_finished(tmp_path):
    import signal
    import time

    import psutil

    root = tmp_path / "book"
    nbs = _book(root, {"a": ["01", "02"], "b": ["01"]})
    (root / "marks").mkdir()
    for nb in nbs:
        _write_nb(nb, root / "marks" / f"{nb.parent.name}_{nb.stem}")
    slow = nbformat.read(str(nbs[1]), as_version=4)          # a/02 runs for minutes unless stopped
    slow.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))
    nbformat.write(slow, str(nbs[1]))
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n" + "".join(
        f"- file: {nb.relative_to(root).with_suffix('').as_posix()}\n" for nb in nbs))
    (root / "intro.md").write_text("# intro\n")
    script = ("import sys; from pathlib import Path; import helpers.build as b; "
              "done, sig = b.execute_notebooks(b.kernel_env(), 2, Path(sys.argv[1])); "
              "print(sorted(Path(r.path).name for r in done if r.error is None)); sys.exit(128 + sig if sig else 0)")
    proc = subprocess.Popen([PYTHON, "-c", script, str(root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.time() + 240
        while not (root / "marks" / "a_02").exists():        # the slow notebook's first cell ran
            assert time.time() < deadline and proc.poll() is None, proc.communicate()
            time.sleep(0.5)
        time.sleep(1)
        kernels = [p for p in psutil.Process(proc.pid).children(recursive=True)
                   if any(build.KERNEL_FILE_PREFIX in a for a in p.cmdline())]
        assert kernels
        stopped_at = time.time()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert time.time() - stopped_at < 30, "the pool stops at once, not when the running cell ends"
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err[-2000:]
    assert not [k for k in kernels if k.is_running() and k.status() != psutil.STATUS_ZOMBIE], "kernels left behind"
    assert "'02.ipynb'" not in out and "'01.ipynb'" in out, out
    from jupyter_cache import get_cache

    cache = get_cache(str(root / "_build" / ".jupyter_cache"))
    cache.match_cache_notebook(nbformat.read(str(nbs[0]), as_version=4))   # a/01 finished before: kept


@pytest.mark.parametrize("bad", ["0", "-1"])
def test_workers_must_be_positive(bad):
    proc = subprocess.run([PYTHON, "-m", "helpers", "build", "--workers", bad], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2 and "--workers" in proc.stderr
