"""Sweeps: run a notebook over a parameter grid, serially, in a process pool, or on a Dask cluster.

Layout of a sweep's output folder::

    out_dir/
      sweep.json                 provenance: notebook, its hash, grid, code version, date, executor
      results.parquet, results.csv   one row per run: parameters, status, wall time, every glued scalar
      runs/<run_id>/executed.ipynb   the executed notebook (kept for inspection, also for failed runs)
      runs/<run_id>/params.json      the run's parameters
      runs/<run_id>/record.json      status, error, wall time, glued scalars, notebook hash
      runs/<run_id>/scorecard/       whatever the notebook saved to BOOK_SCORECARD_DIR

A run's id is a hash of the notebook (cell sources), its parameters, the environment given to its kernel
(the data mirror, as an absolute path) and the helper library's source, so rerunning a sweep skips runs that
already completed, and an edited notebook, another data mirror or a change in `src/helpers` runs afresh.

Every row says which data its run used (`data_kind`: real | synthetic | mixed | none, `data_keys`), from what
the chapter's opening call glued (`<slug>.data.kind`, `<slug>.data.keys`); "unknown" when the notebook glued
nothing.

Safety: nothing is written before the grid, the worker count and the output folder are checked; a lock on the
output folder keeps a second sweep out; run folders and result files are written atomically (a concurrent
writer's rows are merged, never overwritten); SIGINT/SIGTERM/SIGHUP stop the pool and its kernels, write the
results of the runs that finished, and leave a folder the same command resumes.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from .execute import execute_run
from .grid import (Grid, SweepSetupError, canonical_json, chapter_spec, coerce_text, grid_from_dict, load_grid,
                   notebook_hash, notebook_parameters, parse_flag, read_notebook, validate_grid)
from .lock import OutLock, atomic_write_bytes

EXECUTORS = ("processes", "dask", "serial")
META_COLUMNS = ["run_id", "status", "data_kind", "data_keys", "wall_time_s", "error", "reused", "attempts", "host",
                "started_at", "executed"]
STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))


class SweepInterrupted(KeyboardInterrupt):
    """A signal stopped the sweep; `result` holds what finished (the folder resumes with the same command)."""

    def __init__(self, signum: int, result: "SweepResult | None" = None):
        super().__init__(signum)
        self.signum = signum
        self.result = result

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


@dataclass
class SweepResult:
    """What a sweep produced: the tidy table and where everything is."""

    out_dir: Path
    table: pd.DataFrame
    notebook: Path
    notebook_hash: str
    parameter_names: list[str]

    @property
    def n_runs(self) -> int:
        return len(self.table)

    @property
    def n_failed(self) -> int:
        return int((self.table["status"] != "ok").sum())

    @property
    def n_ok(self) -> int:
        return self.n_runs - self.n_failed

    @property
    def n_reused(self) -> int:
        return int(self.table["reused"].sum())

    @property
    def failed(self) -> pd.DataFrame:
        return self.table[self.table["status"] != "ok"]

    def summary(self) -> str:
        return (f"{self.n_runs} runs: {self.n_ok} ok ({self.n_reused} reused from earlier), "
                f"{self.n_failed} failed; results in {self.out_dir / 'results.parquet'}")


def run_id(nb_hash: str, parameters: dict[str, Any], env: dict[str, str] | None = None,
           code_hash: str = "") -> str:
    """Hash of the notebook's code, the parameters, the kernel env given (e.g. which data mirror) and the
    helper library's code."""
    key = f"{nb_hash}\n{canonical_json(parameters)}\n{canonical_json(env or {})}\n{code_hash}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def helpers_code_hash() -> str:
    """Hash of every source file of the `helpers` package (the results cache's code digest): the notebooks'
    results depend on it, so a stored run is reused only while it is unchanged."""
    from helpers.cache import code_digest

    return code_digest()[:16]


def _repo_root() -> Path:
    from helpers.paths import ROOT

    return Path(ROOT).resolve()


def code_version(root: Path | None = None) -> dict[str, Any]:
    """The git commit of the checkout (and whether it has uncommitted changes), if git knows it."""
    root = root or _repo_root()
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=10).stdout.strip() or None
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                    capture_output=True, text=True, timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        commit, dirty = None, None
    from helpers import __version__

    return {"git_commit": commit, "git_dirty": dirty, "helpers_version": __version__}


def _local_data_env() -> dict[str, str]:
    """The data mirror for the kernels, as absolute paths (a relative BOOK_DATA_MIRROR is taken relative to the
    working directory, here, once): the one set, or the mirror beside the checkout as `make` and the tests use it.
    A named folder that does not exist stops the sweep before it starts."""
    from helpers import paths

    if os.environ.get(paths.MIRROR_ENV, "").strip():
        folders = paths.env_folders(paths.MIRROR_ENV, base=Path.cwd())
        missing = [f for f in folders if not f.is_dir()]
        if missing:
            raise SweepSetupError(paths.mirror_not_found_message(missing) + " Nothing was run or written.")
        return {paths.MIRROR_ENV: os.pathsep.join(map(str, folders))}
    mirror = _repo_root().parent / "shared" / "data" / "mirror"
    return {paths.MIRROR_ENV: str(mirror)} if mirror.is_dir() else {}


def _local_cache_env() -> dict[str, str]:
    """The data and results caches as absolute paths for local kernels (not part of a run's id)."""
    from helpers import paths

    return {name: os.pathsep.join(map(str, paths.env_folders(name, base=Path.cwd())))
            for name in (paths.DATA_CACHE_ENV, paths.RESULT_CACHE_ENV) if os.environ.get(name, "").strip()}


def _task_location(notebook: Path) -> dict[str, Any]:
    root = _repo_root()
    try:
        return {"relative_dir": str(notebook.parent.relative_to(root))}
    except ValueError:
        return {"absolute_dir": str(notebook.parent)}


def build_grid(grid: Grid | dict | str | Path | None, flags: Iterable[str] = (),
               params: dict | None = None) -> Grid:
    """A Grid from a Grid, a mapping, a grid file or nothing, with `-p name=v1,v2` flags added."""
    if grid is None:
        out = Grid()
    elif isinstance(grid, Grid):
        out = Grid(**{**grid.__dict__})
    elif isinstance(grid, dict):
        out = grid_from_dict(grid) if {"grid", "fixed", "runs"} & set(grid) else Grid(
            axes={k: v if isinstance(v, list) else [v] for k, v in grid.items()})
    else:
        out = load_grid(grid)
    for flag in flags:
        name, texts = parse_flag(flag)
        param = (params or {}).get(name)
        out.axes[name] = [coerce_text(t, param) for t in texts]
    return out


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, (json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n").encode("utf-8"))


def _completed(run_dir: Path, rid: str) -> dict[str, Any] | None:
    record_path = run_dir / "record.json"
    if not record_path.exists():
        return None
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if record.get("run_id") == rid and record.get("status") == "ok" and (run_dir / "executed.ipynb").exists():
        return record
    return None


def _store_record(run_dir: Path, record: dict[str, Any], parameters: dict[str, Any], nb_hash: str) -> dict:
    """Write a run's folder beside its final place, then swap it in: an interruption leaves either the old
    folder or the new one, never half of one."""
    staging = run_dir.with_name(f".{run_dir.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial")
    staging.mkdir(parents=True)
    for rel, data in record.pop("files", {}).items():
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    record = {**record, "parameters": parameters, "notebook_hash": nb_hash}
    _write_json(staging / "params.json", parameters)
    _write_json(staging / "record.json", record)
    if run_dir.exists():
        old = run_dir.with_name(f".{run_dir.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.old")
        run_dir.rename(old)
        staging.rename(run_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(run_dir)
    return record


def _remove_leftovers(runs_dir: Path) -> None:
    """Half-written run folders an interrupted sweep left behind."""
    if runs_dir.is_dir():
        for leftover in runs_dir.glob(".*.partial"):
            shutil.rmtree(leftover, ignore_errors=True)
        for leftover in runs_dir.glob(".*.old"):
            shutil.rmtree(leftover, ignore_errors=True)


def _progress(total: int, enabled: bool):
    if not enabled or total == 0:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="run", desc="sweep", file=sys.stderr, dynamic_ncols=True)


def _ignore_sigint() -> None:
    """Pool workers leave Ctrl-C to the sweep, which stops them and their kernels."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _iter_processes(tasks: list[dict], workers: int):
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"), initializer=_ignore_sigint)
    try:
        futures = {pool.submit(execute_run, t): t["run_id"] for t in tasks}
        for fut in as_completed(futures):
            yield _result_or_failure(fut, futures[fut])
    except BaseException:
        # interrupted: do not wait for the running runs; the caller stops the workers and their kernels
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _iter_dask(tasks: list[dict], workers: int, scheduler: str | None):
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="30s")
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=":0", silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        futures = {client.submit(execute_run, t, key=f"sweep-run-{t['run_id']}", pure=False): t["run_id"]
                   for t in tasks}
        for fut in as_completed(list(futures)):
            yield _result_or_failure(fut, futures[fut])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _result_or_failure(future, rid: str) -> dict[str, Any]:
    """The run's record, or a failure record when the worker itself died (the other runs go on)."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool, distributed.KilledWorker
        return {"run_id": rid, "status": "failed", "error": f"worker failed: {type(exc).__name__}: {exc}",
                "wall_time_s": None, "attempts": 0, "glue": {}, "files": {}}


def _iter_serial(tasks: list[dict]):
    for task in tasks:
        yield execute_run(task)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def prepare(notebook: str | Path, grid: Grid | dict | str | Path | None = None, flags: Iterable[str] = (),
            spec: dict | None = None, defaults: bool = True) -> tuple[Path, Any, Grid, list[dict[str, Any]], dict]:
    """Read the notebook, build and validate the grid; raises SweepParameterError before anything runs.
    With `defaults=False` a grid with no axes and no runs (one run on the defaults) is refused."""
    notebook = Path(notebook).resolve()
    nb = read_notebook(notebook)
    params = notebook_parameters(nb, name=notebook.name)
    the_grid = build_grid(grid, flags, params)
    if not defaults and not the_grid.axes and not the_grid.runs:
        fixed = f" with [fixed] {canonical_json(the_grid.fixed)}" if the_grid.fixed else ""
        raise SweepSetupError(
            f"the grid for {notebook.name} is empty (no [grid] axis, no [[runs]], no -p flag): it would run the "
            f"notebook once on its defaults{fixed}. Pass --defaults (defaults=True) to do that, or add an axis. "
            "Nothing was run or written.")
    combos = the_grid.combinations()
    spec = spec if spec is not None else chapter_spec(notebook)
    validate_grid(combos, params, spec, name=notebook.name)
    return notebook, nb, the_grid, combos, params


def check_workers(workers: Any) -> None:
    if workers is None:
        return
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise SweepSetupError(f"--workers must be a whole number of at least 1, not {workers!r}. "
                              "Nothing was run or written.")


def check_out(out_dir: Path) -> None:
    """The output folder can be made and written (checked before anything is written)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise SweepSetupError(f"--out {out_dir} is a file, not a folder: give a folder for the sweep's results. "
                              "Nothing was run or written.")
    probe = out_dir
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise SweepSetupError(f"--out {out_dir} cannot be made: {probe} is a file, not a folder. "
                              "Nothing was run or written.")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise SweepSetupError(f"--out {out_dir} is not writable ({probe} is read-only for this user): choose "
                              "another --out. Nothing was run or written.")


def _open_out(out_dir: Path) -> OutLock:
    """Make the output folder and lock it; on failure remove the folders this call made."""
    made = []
    probe = out_dir
    while not probe.exists() and probe != probe.parent:
        made.append(probe)
        probe = probe.parent
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        return OutLock(out_dir).acquire()
    except OSError as error:
        _remove_empty(made)
        raise SweepSetupError(f"cannot write into --out {out_dir} ({error.strerror or error}): choose a writable "
                              "folder. Nothing was run or written.") from None
    except BaseException:
        _remove_empty(made)
        raise


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:          # deepest first
        try:
            folder.rmdir()
        except OSError:
            pass


class _StopOnSignal:
    """The first SIGINT/SIGTERM/SIGHUP raises SweepInterrupted in the main thread while armed; signals that
    arrive while the sweep cleans up are remembered, not raised."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.armed = True
        self.previous: dict[int, Any] = {}

    def _handler(self, signum, _frame) -> None:
        first = self.received is None
        if first:
            self.received = signum
        if first and self.armed:
            raise SweepInterrupted(signum)

    def __enter__(self) -> "_StopOnSignal":
        import threading

        if threading.current_thread() is threading.main_thread():
            for sig in STOP_SIGNALS:
                self.previous[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def _child_processes() -> list:
    try:
        import psutil

        return psutil.Process().children(recursive=True)
    except Exception:  # noqa: BLE001
        return []


def _stop_children(baseline: set[int]) -> None:
    """Stop every process this sweep started (pool workers, Dask processes, kernels), not the ones that were
    there before it, nor multiprocessing's shared resource tracker."""
    from helpers.build import stop_processes

    procs = []
    for proc in _child_processes():
        if proc.pid in baseline:
            continue
        try:
            if "resource_tracker" in " ".join(proc.cmdline()):
                continue
        except Exception:  # noqa: BLE001 - gone already
            continue
        procs.append(proc)
    stop_processes(procs, grace=3.0)


def run_sweep(notebook: str | Path, grid: Grid | dict | str | Path | None = None,
              out_dir: str | Path | None = None, executor: str = "processes", scheduler: str | None = None,
              workers: int | None = None, *, flags: Iterable[str] = (), timeout: float | None = None,
              spec: dict | None = None, progress: bool = True, force: bool = False,
              env: dict[str, str] | None = None, on_result: Callable[[dict], None] | None = None,
              defaults: bool = False) -> SweepResult:
    """Run `notebook` once per parameter combination of `grid` and collect the results.

    grid: a grid file (TOML/YAML), a `Grid`, or a mapping `{name: [values]}` (full factorial) or
    `{"fixed": ..., "grid": ..., "runs": [...]}`. executor: "processes" (default, a pool sized to the
    cores), "dask" (a LocalCluster on 127.0.0.1, or the cluster at `scheduler`), or "serial".
    Runs that already completed in `out_dir` are reused unless `force`. A failed run is recorded with its
    error; it does not stop the others. An empty grid (no axes, no runs) is refused unless `defaults`.

    Before anything is written, the grid, the worker count, the data mirror and `out_dir` are checked
    (SweepNotStarted otherwise); `out_dir` is then locked (SweepBusy when another sweep holds it). A signal
    raises SweepInterrupted (with `.result`) after the pool and its kernels are stopped and the results of the
    finished runs are written; the same call resumes.
    """
    if scheduler and executor != "dask":
        executor = "dask"
    if executor not in EXECUTORS:
        raise SweepSetupError(f"executor must be one of {', '.join(EXECUTORS)}, not {executor!r}")
    check_workers(workers)
    notebook, nb, the_grid, combos, params = prepare(notebook, grid, flags, spec, defaults=defaults)
    env = {**(_local_data_env() if not scheduler else {}), **(env or {})}
    out_dir = Path(out_dir).expanduser().absolute() if out_dir else _repo_root() / "sweeps" / "runs" / notebook.stem
    check_out(out_dir)
    lock = _open_out(out_dir)
    try:
        return _run_locked(notebook, nb, the_grid, combos, params, out_dir, executor, scheduler,
                           workers or default_workers(), timeout, progress, force, env, on_result)
    finally:
        lock.release()


def _run_locked(notebook, nb, the_grid, combos, params, out_dir: Path, executor, scheduler, workers, timeout,
                progress, force, env, on_result) -> SweepResult:
    since_ns = time.time_ns()
    nb_hash = notebook_hash(nb)
    code_hash = helpers_code_hash()
    _remove_leftovers(out_dir / "runs")
    kernel_env = {**env, **(_local_cache_env() if not scheduler else {})}
    nb_json = json.dumps(nb)
    location = _task_location(notebook)
    records: dict[str, dict[str, Any]] = {}
    tasks = []
    order = []
    for combo in combos:
        rid = run_id(nb_hash, combo, env, code_hash)
        order.append((rid, combo))
        done = None if force else _completed(out_dir / "runs" / rid, rid)
        if done is not None:
            records[rid] = {**done, "reused": True}
        else:
            tasks.append({"run_id": rid, "notebook": nb_json, "parameters": combo, "timeout": timeout,
                          "env": kernel_env, **location})

    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    provenance = {
        "notebook": _display_path(notebook), "notebook_hash": nb_hash, "helpers_code_hash": code_hash,
        "grid": the_grid.as_dict(), "n_runs": len(combos), "started_at": started, "executor": executor, "scheduler": scheduler,
        "workers": workers if executor != "serial" else 1, "python": platform.python_version(),
        "host": platform.node(), "data_mirror": env.get("BOOK_DATA_MIRROR", os.environ.get("BOOK_DATA_MIRROR")),
        **code_version(),
    }
    _write_json(out_dir / "sweep.json", provenance)

    bar = _progress(len(tasks), progress)
    combo_of = dict(order)
    baseline = {p.pid for p in _child_processes()}
    failure: BaseException | None = None
    with _StopOnSignal() as stop:
        try:
            if executor == "serial" or not tasks:
                stream = _iter_serial(tasks)
            elif executor == "processes":
                stream = _iter_processes(tasks, min(workers, len(tasks)))
            else:
                stream = _iter_dask(tasks, workers, scheduler)
            for record in stream:
                rid = record["run_id"]
                stored = _store_record(out_dir / "runs" / rid, record, combo_of[rid], nb_hash)
                records[rid] = {**stored, "reused": False}
                if on_result:
                    on_result(records[rid])
                if bar is not None:
                    bar.set_postfix_str(f"last {stored['status']} {stored.get('wall_time_s') or 0:.1f}s")
                    bar.update(1)
                    if stored["status"] != "ok":
                        bar.write(f"run {rid} failed: {stored['error']}")
        except BaseException as exc:  # noqa: BLE001 - re-raised below, after the clean-up
            failure = exc
        stop.armed = False
        if failure is not None:
            _stop_children(baseline)          # pool workers and their kernels: no orphans
            try:
                stream.close()
            except Exception:  # noqa: BLE001
                pass
        if bar is not None:
            bar.close()
        table = _table(order, records, out_dir, list(params))
        _write_results(table, out_dir, since_ns)
        provenance["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        provenance["n_failed"] = int((table["status"] != "ok").sum()) if len(table) else 0
        if stop.received is not None:
            provenance["interrupted_by"] = signal.Signals(stop.received).name
        _write_json(out_dir / "sweep.json", provenance)
    result = SweepResult(out_dir=out_dir, table=table, notebook=notebook, notebook_hash=nb_hash,
                         parameter_names=[n for n in params if n in table.columns])
    if isinstance(failure, SweepInterrupted):
        failure.result = result
        raise failure
    if failure is not None:
        raise failure
    if stop.received is not None:
        raise SweepInterrupted(stop.received, result)
    return result


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(_repo_root()))
    except ValueError:
        return str(path)


def data_columns(glue: dict[str, Any] | None) -> tuple[str, str]:
    """(data_kind, data_keys) of a run from what its notebook glued (`<slug>.data.kind`, `<slug>.data.keys`):
    "unknown" when nothing was glued; several different kinds (several chapters) count as "mixed"."""
    glue = glue or {}
    kinds = sorted({str(v) for k, v in glue.items() if k.endswith(".data.kind") and v not in (None, "")})
    glued_keys = [v for k, v in glue.items() if k.endswith(".data.keys")]
    kind = kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "unknown")
    if not glued_keys:
        return kind, "unknown"
    keys = [part.strip() for value in glued_keys for part in str(value or "").split(",") if part.strip()]
    return kind, ",".join(dict.fromkeys(keys))


def _table(order: list[tuple[str, dict]], records: dict[str, dict], out_dir: Path,
           param_names: list[str]) -> pd.DataFrame:
    rows = []
    swept = [n for n in param_names if any(n in combo for _, combo in order)]
    for rid, combo in order:
        rec = records.get(rid)
        if rec is None:  # interrupted before this run finished
            rec = {"status": "not run", "error": "the sweep stopped before this run (rerun to resume)",
                   "reused": False}
        data_kind, data_keys = data_columns(rec.get("glue"))
        row: dict[str, Any] = {n: combo.get(n) for n in swept}
        row.update({
            "run_id": rid, "status": rec.get("status"), "data_kind": data_kind, "data_keys": data_keys,
            "wall_time_s": rec.get("wall_time_s"),
            "error": rec.get("error"), "reused": bool(rec.get("reused")), "attempts": rec.get("attempts"),
            "host": rec.get("host"), "started_at": rec.get("started_at"),
            "executed": str(Path("runs") / rid / "executed.ipynb"),
        })
        for key, value in (rec.get("glue") or {}).items():
            row[key if key not in row else f"glue.{key}"] = value
        rows.append(row)
    columns = swept + META_COLUMNS
    table = pd.DataFrame(rows)
    extra = [c for c in table.columns if c not in columns]
    return table.reindex(columns=columns + sorted(extra))


def _parquet_ready(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object:
            kinds = {type(v) for v in out[col].dropna()}
            if len(kinds) > 1 and not kinds <= {int, float}:
                out[col] = out[col].map(lambda v: None if v is None or v != v else str(v))
            elif kinds <= {int, float} and kinds:
                out[col] = pd.to_numeric(out[col])
    return out


def _to_parquet(table: pd.DataFrame, path: Path) -> None:
    buffer = io.BytesIO()
    _parquet_ready(table).to_parquet(buffer, index=False)
    atomic_write_bytes(path, buffer.getvalue())


def _merge_concurrent(table: pd.DataFrame, out_dir: Path, since_ns: int) -> pd.DataFrame:
    """This sweep's rows, plus the rows of any other writer that wrote results here since this sweep began (the
    lock keeps that from happening on one host; a shared file system without working locks is the case left)."""
    path = out_dir / "results.parquet"
    try:
        if path.stat().st_mtime_ns <= since_ns:
            return table
        theirs = pd.read_parquet(path)
    except (OSError, ValueError):
        return table
    if "run_id" not in theirs.columns:
        return table
    foreign = theirs[~theirs["run_id"].isin(table["run_id"])]
    if foreign.empty:
        return table
    return pd.concat([table, foreign], ignore_index=True, sort=False)


def _write_results(table: pd.DataFrame, out_dir: Path, since_ns: int) -> None:
    merged = _merge_concurrent(table, out_dir, since_ns)
    atomic_write_bytes(out_dir / "results.csv", merged.to_csv(index=False).encode("utf-8"))
    _to_parquet(merged, out_dir / "results.parquet")


def store_result(result_dir: str | Path, target: str | Path) -> Path:
    """Copy a sweep's results.csv and sweep.json to `target` (e.g. sweeps/results/<slug>/) for the book."""
    result_dir, target = Path(result_dir), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for name in ("results.csv", "sweep.json"):
        shutil.copy2(result_dir / name, target / name)
    return target
