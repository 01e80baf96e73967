"""Build the book: execute the notebooks in parallel into jupyter-cache, then let jupyter-book render the site.

    python -m helpers build [--fresh] [--workers N]

**Execution.** jupyter-book (myst-nb, `execute_notebooks: cache`) executes notebooks one after another. So before
it runs, this module executes every notebook the execution cache (`_build/.jupyter_cache`) does not hold, with
one single-threaded kernel per core (OMP/OpenBLAS/MKL = 1 thread each), and stores each executed notebook in that
cache as myst-nb would; jupyter-book then finds them cached and only renders (`Schedule` says in which order: a
chapter's first notebook, which computes what its other pages reuse through the results cache, runs before them;
chapters side by side, the longest first, from the durations of the last build on this machine in
`.cache/notebook-times.json`, else those recorded in `benchmarks/results/build_time.json`). Pages that set their
own myst-nb execution mode (the summary pages force theirs: they read the scorecards the chapter notebooks
write) are left to jupyter-book, which executes them after every chapter notebook is in the cache.

Kernels get `BOOK_BUILD=1` (the glue helpers then leave figures and tables to the pages that paste them),
`PYTHONHASHSEED=0`, `PYTHONPATH` starting with this clone's `src` (a virtualenv shared with another clone cannot
hand them that clone's `helpers`), and skip the imports in SKIPPED_IMPORTS that no page uses.

**Fresh or cached.** The inputs stamp (the hash of `src/helpers`, `data/` and the requirements, which notebooks
import but jupyter-cache does not hash) clears the execution cache when it changes; `--fresh` clears it and the
results cache. The stamp is written when the cache is cleared, so a retry after an interruption reuses every
notebook executed before it. A notebook that fails is reported (and written to `_build/html/reports/`) once
every other notebook has run; the site is not rendered then.

**Signals.** A SIGINT/SIGTERM/SIGHUP stops the kernels (or is forwarded to jupyter-book's process group, whose
kernels are stopped too), and the build returns 128 + the signal number.
"""
from __future__ import annotations

import asyncio
import compileall
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from helpers import cache, paths

# Code and data the notebooks import but jupyter-cache does not hash: a change clears the execution cache.
TRACKED = ("src/helpers", "data", "requirements.txt")
STAMP = paths.BUILD / ".inputs-sha256"
COMPLETE = "complete"      # second line of the stamp once a build succeeded on these inputs
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_S = 20               # how long jupyter-book (or the pool) gets to stop after a signal
KERNEL_NAME = "python3"
KERNEL_FILE_PREFIX = "kernel-book-"   # connection files of the build's kernels
START_TIMEOUT_S = 180      # a kernel's start on a loaded machine
LATE_FOLDERS = ("summary",)   # pages that read what the chapter notebooks wrote: executed after them
TIMES_FILE = Path(".cache") / "notebook-times.json"                    # relative to the book: this machine's
RECORDED_TIMES = Path("benchmarks") / "results" / "build_time.json"     # as committed by benchmarks/build_time.py

# One thread per kernel: the pool is the parallelism (and the numbers do not depend on the core count).
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "RAYON_NUM_THREADS", "POLARS_MAX_THREADS", "NUMBA_NUM_THREADS")


def inputs_hash(root: Path = paths.ROOT) -> str:
    digest = hashlib.sha256()
    for name in TRACKED:
        base = root / name
        if base.is_dir():
            files = sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        else:
            files = [base] if base.is_file() else []
        for path in files:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _jupyter_book() -> str:
    return str(Path(sys.executable).with_name("jupyter-book"))


def clean(all_: bool = True) -> None:
    subprocess.run([_jupyter_book(), "clean", *(["--all"] if all_ else []), str(paths.ROOT)], check=True,
                   stdout=subprocess.DEVNULL)


# Modules no notebook uses that a kernel would import anyway, made to fail to import (an ImportError their importer
# expects): `from myst_nb import glue` imports nbformat, then jsonschema, whose optional IRI format checker
# rfc3987_syntax compiles ~35 Lark grammars at import: ~1 s of every kernel's ~2.4 s of imports, measured
# (python-jsonschema/jsonschema#1428). Only the build's kernels skip it.
SKIPPED_IMPORTS = ("rfc3987_syntax",)
KERNEL_PATH = Path(".cache") / "kernel-path"            # outside _build: a cold build removes _build


def kernel_path(root: Path = paths.ROOT) -> Path:
    """A folder, first on the build kernels' path after `src`, holding a stub of each of SKIPPED_IMPORTS."""
    folder = root / KERNEL_PATH
    for name in SKIPPED_IMPORTS:
        stub = folder / f"{name}.py"
        text = (f'"""Not imported in the book build\'s kernels (helpers.build.SKIPPED_IMPORTS)."""\n'
                f'raise ImportError("{name} is skipped in the book build\'s kernels")\n')
        try:
            if not stub.is_file() or stub.read_text() != text:
                folder.mkdir(parents=True, exist_ok=True)
                stub.write_text(text)
        except OSError:
            pass
    return folder


def kernel_env(base: dict[str, str] | None = None, root: Path = paths.ROOT) -> dict[str, str]:
    """The environment of the build's kernels (and of jupyter-book, which would start any it still needs)."""
    env = dict(os.environ if base is None else base)
    env.update({name: "1" for name in THREAD_VARS})
    first = [str(root / "src"), str(kernel_path(root))]
    rest = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p not in first]
    env.update(PYTHONHASHSEED="0", BOOK_BUILD="1", BOOK_ROOT=str(root), PYTHONPATH=os.pathsep.join(first + rest),
               PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop("BOOK_SCORECARD_DIR", None)    # the book's own scorecard folder, never a test's
    env.pop("MPLBACKEND", None)            # a non-inline backend drops every figure under the kernel
    return env


def _read_stamp() -> tuple[str, bool]:
    """(inputs hash the execution cache belongs to, whether a build on them completed)."""
    try:
        lines = STAMP.read_text().splitlines()
    except OSError:
        return "", False
    if not lines:
        return "", False
    return lines[0].strip(), len(lines) < 2 or lines[1].strip() == COMPLETE   # a one-line stamp: older, complete


def _write_stamp(current: str, complete: bool) -> None:
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    tmp = STAMP.with_name(STAMP.name + f".{os.getpid()}.tmp")
    tmp.write_text(current + ("\n" + COMPLETE if complete else "\ncleared") + "\n")
    os.replace(tmp, STAMP)


def _descendants(pid: int) -> list:
    try:
        import psutil

        return psutil.Process(pid).children(recursive=True)
    except Exception:  # noqa: BLE001 - no psutil, or the process is gone
        return []


def stop_processes(procs: list, grace: float = 5.0) -> None:
    """SIGTERM each process, wait up to `grace` seconds, SIGKILL the rest (psutil.Process objects)."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is pinned in requirements.txt
        return
    alive = []
    for proc in procs:
        try:
            proc.terminate()
            alive.append(proc)
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(alive, timeout=grace)
    for proc in alive:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=grace)


def run_interruptibly(cmd: list[str], env: dict[str, str]) -> tuple[int, int | None]:
    """Run `cmd` in its own process group; forward SIGINT/SIGTERM/SIGHUP to the group, then stop whatever it
    started (kernels run in sessions of their own). Returns (exit status, signal received or None)."""
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    received: list[tuple[int, float]] = []
    tree: dict[int, object] = {}

    def remember_tree() -> None:
        for child in _descendants(proc.pid):
            tree.setdefault(child.pid, child)

    def forward(signum, _frame):
        remember_tree()                             # the kernels, before their parent goes
        if not received:
            received.append((signum, time.monotonic()))
        try:
            os.killpg(proc.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    previous = {}
    try:
        for sig in FORWARDED:
            previous[sig] = signal.signal(sig, forward)
    except ValueError:             # not the main thread: run without forwarding
        pass
    try:
        while True:
            try:
                code = proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if received and time.monotonic() - received[0][1] > GRACE_S:
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        remember_tree()
        stop_processes(list(tree.values()))
        try:
            os.killpg(proc.pid, signal.SIGKILL)     # anything left in its group
        except (ProcessLookupError, PermissionError):
            pass
    return code, (received[0][0] if received else None)


# ---------------------------------------------------------------- parallel execution into jupyter-cache

def _execute_config(root: Path = paths.ROOT) -> dict:
    """The `execute:` section of _config.yml (what myst-nb would use)."""
    import yaml

    config = root / "_config.yml"
    section = (yaml.safe_load(config.read_text()) or {}).get("execute", {}) if config.is_file() else {}
    return {"cache": root / section.get("cache", "_build/.jupyter_cache"),
            "timeout": section.get("timeout", 30), "allow_errors": bool(section.get("allow_errors", False))}


def _load_history(root: Path = paths.ROOT) -> dict[str, dict[str, float]]:
    """Per notebook (repository-relative path): {"seconds": ..., "peak_mb": ...} from the last builds on this
    machine, else as recorded by benchmarks/build_time.py (a bare number is seconds)."""
    history: dict[str, dict[str, float]] = {}
    for source in (root / RECORDED_TIMES, root / TIMES_FILE):    # local measurements override the recorded ones
        try:
            data = json.loads(source.read_text())
        except (OSError, ValueError):
            continue
        for key, value in data.get("notebooks", data).items():
            if isinstance(value, (int, float)):
                value = {"seconds": value}
            if isinstance(value, dict):
                history[key] = {**history.get(key, {}),
                                **{k: float(v) for k, v in value.items() if isinstance(v, (int, float))}}
    return history


def _save_history(new: dict[str, dict[str, float]], root: Path = paths.ROOT) -> None:
    if not new:
        return
    target = root / TIMES_FILE
    try:
        old = json.loads(target.read_text())
    except (OSError, ValueError):
        old = {}
    for key, value in new.items():
        old[key] = {k: round(v, 2) for k, v in value.items()}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(dict(sorted(old.items())), indent=1) + "\n")
        os.replace(tmp, target)
    except OSError:
        pass                                             # a hint for scheduling only


class Schedule:
    """Which notebook a free kernel runs next.

    Phase 1 holds the chapter notebooks, grouped by folder (a chapter) in name order; phase 2 the pages of
    LATE_FOLDERS, which read what the chapters wrote. Within a chapter the first pending notebook (the head: the
    one that computes the chapter's shared results, e.g. `phillips_ahmad/01`) runs alone; after it the chapter's
    other notebooks may run on any free kernel. A free kernel takes, in this order: the next notebook of a chapter
    that has none running (so a chapter usually proceeds in name order and a later page finds what an earlier one
    cached), the chapter with the most work left first; else the next notebook of a running chapter (so no kernel
    idles while one long chapter finishes). A notebook whose kernel last needed more memory than is available
    now waits until a running one finishes (it starts anyway when nothing else runs). Work per notebook: its
    last measured seconds, else 20 s.
    """

    DEFAULT_S = 20.0
    MARGIN_MB = 500.0

    def __init__(self, notebooks: list[Path], root: Path = paths.ROOT,
                 history: dict[str, dict[str, float]] | None = None):
        self.root = root
        self.history = _load_history(root) if history is None else history
        early: dict[Path, list[Path]] = {}
        late: dict[Path, list[Path]] = {}
        for nb in notebooks:
            if nb.relative_to(root).parts[0] in LATE_FOLDERS:
                late[nb] = [nb]                          # independent of each other
            else:
                early.setdefault(nb.parent, []).append(nb)
        self.phases = [{k: sorted(v) for k, v in phase.items()} for phase in (early, late) if phase]
        self.phase = 0
        self.started: set[Path] = set()
        self.finished: set[Path] = set()

    def _known(self, nb: Path, what: str, default: float) -> float:
        return self.history.get(nb.relative_to(self.root).as_posix(), {}).get(what, default)

    def seconds(self, nb: Path) -> float:
        return self._known(nb, "seconds", self.DEFAULT_S)

    @property
    def total(self) -> int:
        return sum(len(c) for phase in self.phases for c in phase.values())

    @property
    def running(self) -> int:
        return len(self.started - self.finished)

    def _left(self, chapter: list[Path]) -> float:
        return sum(self.seconds(nb) for nb in chapter if nb not in self.started)

    def next(self, available_mb: float | None = None) -> Path | None:
        """The notebook to start now, or None (none ready yet, or none left). `available_mb`: memory free now."""
        while self.phase < len(self.phases):
            chapters = self.phases[self.phase]
            if all(nb in self.finished for c in chapters.values() for nb in c):
                self.phase += 1
                continue
            ready = []
            for order, chapter in enumerate(chapters.values()):
                waiting = [nb for nb in chapter if nb not in self.started]
                if not waiting or (chapter[0] not in self.finished and chapter[0] in self.started):
                    continue                         # all started, or the head still running
                running = any(nb in self.started and nb not in self.finished for nb in chapter)
                ready.append((running, -self._left(chapter), order, waiting[0]))
            if available_mb is not None and self.running:
                ready = [r for r in ready if self._known(r[-1], "peak_mb", 0.0) + self.MARGIN_MB <= available_mb]
            if not ready:
                return None
            nb = min(ready)[-1]
            self.started.add(nb)
            return nb
        return None

    def done(self, nb: Path) -> None:
        self.finished.add(nb)

    @property
    def complete(self) -> bool:
        return self.phase >= len(self.phases)


@dataclass
class Executed:
    path: Path
    seconds: float = 0.0
    error: str | None = None
    peak_mb: float | None = None      # the kernel's peak resident memory (Linux), for the next schedule


@dataclass
class Pool:
    """Executes notebooks into a jupyter-cache, `workers` kernels at a time."""
    cache_path: Path
    workers: int
    env: dict[str, str]
    timeout: int = 1200
    allow_errors: bool = False
    root: Path = paths.ROOT
    done: list[Executed] = field(default_factory=list)
    stopping: bool = False

    def __post_init__(self):
        from jupyter_cache import get_cache

        self.cache = get_cache(str(self.cache_path))

    # -- what needs running
    def cached(self, path: Path) -> bool:
        import nbformat

        try:
            self.cache.match_cache_notebook(nbformat.read(str(path), as_version=4))
            return True
        except KeyError:
            return False

    # -- one notebook
    @staticmethod
    def _kernel_manager_class():
        """AsyncKernelManager over IPC (no TCP ports, so kernels starting at the same moment cannot clash), its
        connection file named so that the build can find its own kernels. nbclient creates it, so nbclient
        owns it and shuts the kernel down when the notebook is done."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.paths import jupyter_runtime_dir

        class BookKernelManager(AsyncKernelManager):
            def __init__(self, *args, **kwargs):
                runtime = Path(jupyter_runtime_dir())
                runtime.mkdir(parents=True, exist_ok=True)
                kwargs.setdefault("transport", "ipc")
                kwargs.setdefault("connection_file", str(runtime / f"{KERNEL_FILE_PREFIX}{uuid.uuid4()}.json"))
                super().__init__(*args, **kwargs)

        return BookKernelManager

    async def _run_one(self, path: Path) -> Executed:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        rel = path.relative_to(self.root).as_posix()
        start = time.perf_counter()
        for attempt in (1, 2):
            nb = nbformat.read(str(path), as_version=4)
            meta = nb.metadata.get("execution", {})
            client = NotebookClient(nb, kernel_manager_class=self._kernel_manager_class(),
                                    timeout=meta.get("timeout", self.timeout),
                                    allow_errors=meta.get("allow_errors", self.allow_errors),
                                    startup_timeout=START_TIMEOUT_S, record_timing=False,
                                    shutdown_kernel="immediate", resources={"metadata": {"path": str(path.parent)}})
            started = False
            peak: list[float] = []

            async def note_start(**_):
                nonlocal started
                started = True

            async def note_peak(**_):           # after each cell, while the kernel runs (VmHWM only grows)
                found = _peak_mb(getattr(getattr(client.km, "provisioner", None), "pid", None))
                if found:
                    peak[:] = [max([found, *peak])]

            client.on_notebook_start = note_start
            client.on_cell_executed = note_peak
            try:
                await client.async_execute(env=self.env, cwd=str(path.parent))
            except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
                return Executed(path, time.perf_counter() - start, f"{type(exc).__name__}: {exc}")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a kernel that did not start: once more, then report
                if attempt == 1 and not started and not self.stopping:
                    print(f"  {rel}: the kernel did not start ({type(exc).__name__}: {exc}); retrying", flush=True)
                    continue
                return Executed(path, time.perf_counter() - start, "".join(traceback.format_exception(exc)))
            seconds = time.perf_counter() - start
            self._store(path, nb, seconds)
            return Executed(path, seconds, peak_mb=peak[0] if peak else None)
        raise AssertionError("unreachable")

    def _store(self, path: Path, nb, seconds: float) -> None:
        """Into the execution cache, as myst-nb's cache mode stores a notebook it executed."""
        from jupyter_cache.base import CacheBundleIn

        record = self.cache.add_nb_to_project(str(path.absolute()))
        self.cache.cache_notebook_bundle(CacheBundleIn(nb, record.uri, data={"execution_seconds": seconds}),
                                         check_validity=False, overwrite=True)

    # -- the pool
    async def run(self, schedule: Schedule) -> None:
        changed = asyncio.Condition()

        async def worker():
            while not self.stopping:
                async with changed:
                    path = schedule.next(_available_mb())
                    while path is None and not schedule.complete and not self.stopping:
                        await changed.wait()           # a notebook finished: a head, the end of a phase, memory
                        path = schedule.next(_available_mb())
                if path is None or self.stopping:
                    return
                try:
                    result = await self._run_one(path)
                except Exception as exc:  # noqa: BLE001 - e.g. the execution cache could not be written
                    result = Executed(path, 0.0, "".join(traceback.format_exception(exc)))
                finally:
                    async with changed:
                        schedule.done(path)
                        changed.notify_all()
                if self.stopping:                      # its kernel was stopped: neither a result nor a failure
                    return
                self.done.append(result)
                rel = path.relative_to(self.root).as_posix()
                status = "ok" if result.error is None else "FAILED"
                print(f"[{len(self.done):2d}/{schedule.total}] {rel}: {status} in {result.seconds:.1f} s", flush=True)

        await asyncio.gather(*(worker() for _ in range(self.workers)))


def _peak_mb(pid: int | None) -> float | None:
    """Peak resident memory of a process in MB (VmHWM, Linux), or None."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, TypeError):
        pass
    return None


def _available_mb() -> float | None:
    try:
        import psutil

        return psutil.virtual_memory().available / 2**20
    except Exception:  # noqa: BLE001 - no psutil: no memory check
        return None


def _own_execution_mode(path: Path) -> str | None:
    """A notebook's own myst-nb execution mode (metadata `mystnb.execution_mode`, e.g. "force"), if it sets one."""
    try:
        return json.loads(path.read_text()).get("metadata", {}).get("mystnb", {}).get("execution_mode")
    except (OSError, ValueError):
        return None


def _pending(pool: Pool, notebooks: list[Path]) -> list[Path]:
    """Notebooks the cache does not hold; pages of LATE_FOLDERS also whenever a chapter notebook must run. A notebook
    that sets its own myst-nb execution mode other than "cache" (the summary pages force theirs) is left to
    jupyter-book, which executes it after every chapter notebook is cached."""
    notebooks = [p for p in notebooks if _own_execution_mode(p) in (None, "cache")]
    missing = [p for p in notebooks if not pool.cached(p)]
    if any(p.relative_to(pool.root).parts[0] not in LATE_FOLDERS for p in missing):
        missing += [p for p in notebooks if p.relative_to(pool.root).parts[0] in LATE_FOLDERS and p not in missing]
    return [p for p in notebooks if p in missing]


def _report_failures(failed: list[Executed], root: Path = paths.ROOT) -> Path:
    reports = paths.BUILD / "html" / "reports"
    for item in failed:
        target = reports / (item.path.relative_to(root).as_posix() + ".err.log")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(item.error or "")
        print(f"\n---- {item.path.relative_to(root)} failed:\n{item.error}", file=sys.stderr)
    return reports


def execute_notebooks(env: dict[str, str], workers: int, root: Path = paths.ROOT) -> tuple[list[Executed], int | None]:
    """Execute every toc notebook the execution cache lacks, `workers` at a time. Returns (results, signal)."""
    from helpers.notebooks import toc_notebooks

    if not (root / "_toc.yml").is_file():
        return [], None
    config = _execute_config(root)
    pool = Pool(config["cache"], workers, env, timeout=config["timeout"], allow_errors=config["allow_errors"],
                root=root)
    notebooks = toc_notebooks(root)
    pending = _pending(pool, notebooks)
    if not pending:
        return [], None
    try:   # every kernel imports helpers: compile it once here (even under PYTHONDONTWRITEBYTECODE, which only
        compileall.compile_dir(str(root / "src" / "helpers"), quiet=2)   # stops writing; reading still works)
    except OSError:
        pass
    schedule = Schedule(pending, root)
    print(f"Executing {len(pending)} of {len(notebooks)} notebooks, {workers} at a time.", flush=True)
    received: list[int] = []
    running: dict[str, object] = {}
    crashed: list[BaseException] = []

    async def main():
        running["loop"], running["task"] = asyncio.get_running_loop(), asyncio.current_task()
        try:
            await pool.run(schedule)
        except asyncio.CancelledError:
            if not received:
                raise

    def in_thread():
        try:
            asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            crashed.append(exc)

    def on_signal(signum, _frame):
        if received:
            return
        received.append(signum)
        pool.stopping = True                               # no notebook starts from now on
        stop_processes(_our_kernels(), grace=2.0)          # the running cells end now, not when they finish
        if running:
            running["loop"].call_soon_threadsafe(running["task"].cancel)

    # The pool's event loop runs in a thread of its own: nbclient then leaves signals alone (in the main thread it
    # installs SIGINT/SIGTERM handlers per notebook, which only clean up that one kernel and then remove
    # themselves), and this thread handles them for the whole pool.
    thread = threading.Thread(target=in_thread, name="book-notebook-pool", daemon=True)
    previous = {}
    try:
        for sig in FORWARDED:
            previous[sig] = signal.signal(sig, on_signal)
    except ValueError:             # not the main thread: run without handling signals
        pass
    try:
        thread.start()
        while thread.is_alive():
            thread.join(0.5)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _save_history({r.path.relative_to(root).as_posix(): {"seconds": r.seconds, **(
            {"peak_mb": r.peak_mb} if r.peak_mb else {})} for r in pool.done if r.error is None}, root)
        if received:
            stop_processes(_our_kernels())
    if crashed:
        raise crashed[0]
    return pool.done, (received[0] if received else None)


def _our_kernels() -> list:
    """Kernels this process started that are still running (their connection files are named kernel-book-*)."""
    found = []
    for proc in _descendants(os.getpid()):
        try:
            if any(KERNEL_FILE_PREFIX in arg for arg in proc.cmdline()):
                found += [proc, *proc.children(recursive=True)]
        except Exception:  # noqa: BLE001 - gone meanwhile
            pass
    return found


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def build(fresh: bool = False, workers: int | None = None) -> int:
    """Execute what the execution cache lacks in parallel, then `jupyter-book build . -W --keep-going`; clears
    the cache first when helpers/data changed or `fresh` (`fresh` clears the results cache too)."""
    paths.absolutize_env()
    paths.check_mirrors()
    start = time.time()
    current = inputs_hash()
    stamped, complete = _read_stamp()
    # a complete build with no scorecards means someone removed them: the cached notebooks would not rewrite them
    scorecards_lost = complete and not (paths.BUILD / "scorecard").exists()
    if fresh or stamped != current or scorecards_lost:
        print("helpers, data or requirements changed since the last build (or no build yet, or --fresh): "
              "executing every notebook.")
        clean(all_=True)
        if fresh:
            removed = cache.clear()
            print(f"cleared the results cache ({removed} files in {paths.results_cache_dir()}).")
        elif removed := cache.prune():
            print(f"removed {removed} results-cache entries made by earlier code.")
        _write_stamp(current, complete=False)    # progress from here on survives an interruption
    env = kernel_env()
    workers = workers or default_workers()
    executed, signum = execute_notebooks(env, workers)
    if signum is not None:
        print(f"\nThe book build was interrupted ({signal.Signals(signum).name}); its kernels were stopped. "
              "Notebooks executed so far are kept in the execution cache: run the build again to go on.",
              file=sys.stderr)
        return 128 + signum
    failed = [r for r in executed if r.error is not None]
    if failed:
        reports = _report_failures(failed)
        print(f"\n{len(failed)} notebook(s) failed (tracebacks above and in {reports}); the others are cached. "
              "Fix them and build again.", file=sys.stderr)
        return 1
    if executed:
        print(f"Executed {len(executed)} notebooks in {time.time() - start:.0f} s; rendering the site.", flush=True)
    code, signum = run_interruptibly([_jupyter_book(), "build", str(paths.ROOT), "-W", "--keep-going"], env)
    if signum is not None:
        print(f"\nThe book build was interrupted ({signal.Signals(signum).name}); jupyter-book and its kernels were "
              "stopped. Notebooks executed so far are kept in the execution cache: run the build again to go on.",
              file=sys.stderr)
        return 128 + signum
    if code != 0:
        reports = paths.BUILD / "html" / "reports"
        print(f"\nThe book build failed. Execution tracebacks (if any) are in {reports}.", file=sys.stderr)
        return code
    publish_notebooks()
    _write_stamp(current, complete=True)
    print(f"Book built in {time.time() - start:.0f} s: {paths.BUILD / 'html' / 'index.html'}")
    return 0


def publish_notebooks() -> None:
    """Executed notebooks, with their outputs, beside the site (`_build/html/_notebooks/`)."""
    executed = paths.BUILD / "jupyter_execute"
    target = paths.BUILD / "html" / "_notebooks"
    for nb in executed.rglob("*.ipynb"):
        dest = target / nb.relative_to(executed)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(nb, dest)
