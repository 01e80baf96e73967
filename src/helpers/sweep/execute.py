"""Run one parameterised notebook: the unit of work a process pool or a Dask worker executes.

Each run gets its own kernel over the IPC transport (no TCP ports, so parallel kernels cannot clash;
papermill #511), a one-thread BLAS, and its own scorecard folder. Its `PYTHONPATH` starts with this
checkout's `src` and the book build's kernel path (`helpers.build.kernel_path`), as the book build's kernels'
does, so it imports this clone's `helpers` even when a virtualenv shared with another clone has that clone's
editable install. The run executes in a private temporary folder and returns its files as bytes, so it works
the same on a remote Dask worker that shares no file system with the client (there, the worker's checkout).
"""
from __future__ import annotations

import ast
import os
import re
import socket
import tempfile
import time
import traceback
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.build import kernel_path

KERNEL_NAME = "python3"
MAX_RETURNED_BYTES = 50_000_000  # a run's files travel back to the client; figures make most of it

# Environment every sweep kernel gets: one BLAS thread per kernel (the pool is the parallelism).
KERNEL_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}

_START_FAILURES = ("Address already in use", "Kernel died before replying", "Kernel didn't respond",
                   "kernel_info")


def _kernel_manager_class(env: dict[str, str], cwd: str):
    """An AsyncKernelManager over IPC that starts the kernel with `env` and `cwd`."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir

    class SweepKernelManager(AsyncKernelManager):
        def __init__(self, *args, **kwargs):
            runtime = Path(jupyter_runtime_dir())
            runtime.mkdir(parents=True, exist_ok=True)
            kernel_id = str(uuid.uuid4())
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("connection_file", str(runtime / f"kernel-{kernel_id}.json"))
            super().__init__(*args, **kwargs)

        async def start_kernel(self, **kw):
            kw["env"] = {**os.environ, **env}
            kw["cwd"] = cwd
            return await super().start_kernel(**kw)

    return SweepKernelManager


def kernel_pythonpath(base: str | None = None, root: Path | None = None) -> str:
    """The kernels' PYTHONPATH: `<root>/src` (this checkout's `helpers`, before a shared virtualenv's editable
    install of another clone) and the build's kernel path first, then `base` (default: this process's)."""
    root = Path(root or paths.ROOT)
    first = [str(root / "src"), str(kernel_path(root))]
    base = os.environ.get("PYTHONPATH", "") if base is None else base
    rest = [p for p in base.split(os.pathsep) if p and p not in first]
    return os.pathsep.join(dict.fromkeys(first + rest))


def _is_start_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(s in text for s in _START_FAILURES)


def _one_line(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    if ename:  # PapermillExecutionError: the notebook's own exception
        evalue = " ".join(str(getattr(exc, "evalue", "")).split())
        cell = getattr(exc, "exec_count", None)
        where = f" (cell {cell})" if cell is not None else ""
        return f"{ename}: {evalue}{where}"
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


def resolve_notebook_dir(task: dict[str, Any]) -> Path:
    """The folder the kernel runs in: the notebook's folder, found relative to this host's repository."""
    if task.get("relative_dir") is not None:
        from helpers.paths import ROOT

        folder = Path(ROOT) / task["relative_dir"]
    else:
        folder = Path(task["absolute_dir"])
    if not folder.is_dir():
        raise FileNotFoundError(
            f"notebook folder {folder} does not exist on host {socket.gethostname()}; "
            "workers need the repository checked out (set BOOK_ROOT if it lives elsewhere)")
    return folder


def execute_run(task: dict[str, Any]) -> dict[str, Any]:
    """Execute one run described by `task` and return its record (never raises for a failed run).

    task keys: run_id, notebook (JSON text), parameters, relative_dir | absolute_dir, timeout, env.
    """
    import nbformat
    import papermill as pm

    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    record: dict[str, Any] = {"run_id": task["run_id"], "host": socket.gethostname(), "started_at": started,
                              "attempts": 0, "status": "failed", "error": None, "glue": {}, "files": {}}
    with tempfile.TemporaryDirectory(prefix=f"sweep-{task['run_id']}-") as tmp:
        tmp_path = Path(tmp)
        output = tmp_path / "executed.ipynb"
        given = task.get("env", {})
        env = {**KERNEL_ENV, **given,
               "PYTHONPATH": kernel_pythonpath(given.get("PYTHONPATH")),
               "BOOK_SCORECARD_DIR": str(tmp_path / "scorecard"),
               "BOOK_SWEEP_RUN": task["run_id"]}
        try:
            cwd = str(resolve_notebook_dir(task))
            nb = nbformat.reads(task["notebook"], as_version=4)
            km_class = _kernel_manager_class(env, cwd)
            for attempt in (1, 2):
                record["attempts"] = attempt
                try:
                    pm.execute_notebook(nb, str(output), parameters=task["parameters"],
                                        kernel_name=KERNEL_NAME, progress_bar=False,
                                        execution_timeout=task.get("timeout"), start_timeout=120,
                                        kernel_manager_class=km_class)
                    record["status"] = "ok"
                    break
                except Exception as exc:  # noqa: BLE001 - a failed run is data, not a crash
                    if attempt == 1 and _is_start_failure(exc) and not getattr(exc, "ename", None):
                        continue  # one retry on a kernel that did not start
                    record["error"] = _one_line(exc)
                    record["traceback"] = "".join(traceback.format_exception(exc))[-4000:]
                    break
        except Exception as exc:  # noqa: BLE001 - e.g. the folder is missing on this worker
            record["error"] = _one_line(exc)
        record["wall_time_s"] = round(time.perf_counter() - t0, 3)
        if output.exists():
            record["glue"] = harvest(output)
        total = 0
        for path in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
            data = path.read_bytes()
            total += len(data)
            if total > MAX_RETURNED_BYTES:
                record.setdefault("warnings", []).append(f"{path.name} not returned: run output too large")
                continue
            record["files"][str(path.relative_to(tmp_path))] = data
    return record


# ---------------------------------------------------------------- harvesting glued scalars

_NUMPY_SCALAR = re.compile(r"^(?:np|numpy)\.(?:float|int|uint|bool_?|complex)\w*\((.*)\)$", re.S)


def parse_scalar(text: str, max_text: int | None = 200) -> Any:
    """A glued value's text/plain repr as a Python scalar, or None when it is not a scalar (nor a string of at
    most `max_text` characters; None: any length)."""
    text = text.strip()
    match = _NUMPY_SCALAR.match(text)
    if match:
        text = match.group(1)
    if text in {"nan", "inf", "-inf"}:
        return float(text)
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, (bool, int, float, str)) and not (
            isinstance(value, str) and max_text is not None and len(value) > max_text):
        return value
    return None


def harvest(nb_or_path: Any) -> dict[str, Any]:
    """Every scalar a notebook glued with `myst_nb.glue` (display or not), by glue key."""
    import nbformat

    nb = nb_or_path if isinstance(nb_or_path, nbformat.NotebookNode) else nbformat.read(
        str(nb_or_path), as_version=4)
    values: dict[str, Any] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            meta = out.get("metadata", {}).get("scrapbook")
            if out.get("output_type") != "display_data" or not meta:
                continue
            text = out.get("data", {}).get(meta.get("mime_prefix", "") + "text/plain")
            if text is None:
                continue
            name = meta["name"]
            full = name.endswith((".data.kind", ".data.keys"))   # what a run ran on: kept whole
            value = parse_scalar(text if isinstance(text, str) else "".join(text), None if full else 200)
            if value is not None:
                values[name] = value
    return values
