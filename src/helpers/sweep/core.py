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
(the data mirror) and the helper library's source, so rerunning a sweep skips runs that already completed,
and an edited notebook, another data mirror or a change in `src/helpers` runs afresh.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from .execute import execute_run
from .grid import (Grid, canonical_json, chapter_spec, coerce_text, grid_from_dict, load_grid,
                   notebook_hash, notebook_parameters, parse_flag, read_notebook, validate_grid)

EXECUTORS = ("processes", "dask", "serial")
META_COLUMNS = ["run_id", "status", "wall_time_s", "error", "reused", "attempts", "host", "started_at",
                "executed"]


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
    """Hash of every source file of the `helpers` package: the notebooks' results depend on it, so a stored
    run is reused only while it is unchanged."""
    import helpers

    package = Path(helpers.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


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
    """The data mirror beside the checkout, as `make` and the tests use it, when none is set."""
    if os.environ.get("BOOK_DATA_MIRROR"):
        return {"BOOK_DATA_MIRROR": os.environ["BOOK_DATA_MIRROR"]}
    mirror = _repo_root().parent / "shared" / "data" / "mirror"
    return {"BOOK_DATA_MIRROR": str(mirror)} if mirror.is_dir() else {}


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
    path.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")


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
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    for rel, data in record.pop("files", {}).items():
        target = run_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    record = {**record, "parameters": parameters, "notebook_hash": nb_hash}
    _write_json(run_dir / "params.json", parameters)
    _write_json(run_dir / "record.json", record)
    return record


def _progress(total: int, enabled: bool):
    if not enabled or total == 0:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="run", desc="sweep", file=sys.stderr, dynamic_ncols=True)


def _iter_processes(tasks: list[dict], workers: int):
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
        futures = {pool.submit(execute_run, t): t["run_id"] for t in tasks}
        for fut in as_completed(futures):
            yield _result_or_failure(fut, futures[fut])


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
            spec: dict | None = None) -> tuple[Path, Any, Grid, list[dict[str, Any]], dict]:
    """Read the notebook, build and validate the grid; raises SweepParameterError before anything runs."""
    notebook = Path(notebook).resolve()
    nb = read_notebook(notebook)
    params = notebook_parameters(nb, name=notebook.name)
    the_grid = build_grid(grid, flags, params)
    combos = the_grid.combinations()
    spec = spec if spec is not None else chapter_spec(notebook)
    validate_grid(combos, params, spec, name=notebook.name)
    return notebook, nb, the_grid, combos, params


def run_sweep(notebook: str | Path, grid: Grid | dict | str | Path | None = None,
              out_dir: str | Path | None = None, executor: str = "processes", scheduler: str | None = None,
              workers: int | None = None, *, flags: Iterable[str] = (), timeout: float | None = None,
              spec: dict | None = None, progress: bool = True, force: bool = False,
              env: dict[str, str] | None = None, on_result: Callable[[dict], None] | None = None
              ) -> SweepResult:
    """Run `notebook` once per parameter combination of `grid` and collect the results.

    grid: a grid file (TOML/YAML), a `Grid`, or a mapping `{name: [values]}` (full factorial) or
    `{"fixed": ..., "grid": ..., "runs": [...]}`. executor: "processes" (default, a pool sized to the
    cores), "dask" (a LocalCluster on 127.0.0.1, or the cluster at `scheduler`), or "serial".
    Runs that already completed in `out_dir` are reused unless `force`. A failed run is recorded with its
    error; it does not stop the others.
    """
    if scheduler and executor != "dask":
        executor = "dask"
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, not {executor!r}")
    notebook, nb, the_grid, combos, params = prepare(notebook, grid, flags, spec)
    nb_hash = notebook_hash(nb)
    code_hash = helpers_code_hash()
    out_dir = Path(out_dir) if out_dir else _repo_root() / "sweeps" / "runs" / notebook.stem
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = workers or default_workers()

    env = {**(_local_data_env() if not scheduler else {}), **(env or {})}
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
                          "env": env, **location})

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
    if executor == "serial" or not tasks:
        stream = _iter_serial(tasks)
    elif executor == "processes":
        stream = _iter_processes(tasks, min(workers, len(tasks)))
    else:
        stream = _iter_dask(tasks, workers, scheduler)
    try:
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
    finally:
        if bar is not None:
            bar.close()
        table = _table(order, records, out_dir, list(params))
        table.to_csv(out_dir / "results.csv", index=False)
        _to_parquet(table, out_dir / "results.parquet")
        provenance["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        provenance["n_failed"] = int((table["status"] != "ok").sum()) if len(table) else 0
        _write_json(out_dir / "sweep.json", provenance)
    return SweepResult(out_dir=out_dir, table=table, notebook=notebook, notebook_hash=nb_hash,
                       parameter_names=[n for n in params if n in table.columns])


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(_repo_root()))
    except ValueError:
        return str(path)


def _table(order: list[tuple[str, dict]], records: dict[str, dict], out_dir: Path,
           param_names: list[str]) -> pd.DataFrame:
    rows = []
    swept = [n for n in param_names if any(n in combo for _, combo in order)]
    for rid, combo in order:
        rec = records.get(rid)
        if rec is None:  # interrupted before this run finished
            rec = {"status": "not run", "error": "the sweep stopped before this run", "reused": False}
        row: dict[str, Any] = {n: combo.get(n) for n in swept}
        row.update({
            "run_id": rid, "status": rec.get("status"), "wall_time_s": rec.get("wall_time_s"),
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


def _to_parquet(table: pd.DataFrame, path: Path) -> None:
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object:
            kinds = {type(v) for v in out[col].dropna()}
            if len(kinds) > 1 and not kinds <= {int, float}:
                out[col] = out[col].map(lambda v: None if v is None or v != v else str(v))
            elif kinds <= {int, float} and kinds:
                out[col] = pd.to_numeric(out[col])
    out.to_parquet(path, index=False)


def store_result(result_dir: str | Path, target: str | Path) -> Path:
    """Copy a sweep's results.csv and sweep.json to `target` (e.g. sweeps/results/<slug>/) for the book."""
    result_dir, target = Path(result_dir), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for name in ("results.csv", "sweep.json"):
        shutil.copy2(result_dir / name, target / name)
    return target
