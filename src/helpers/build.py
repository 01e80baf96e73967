"""Build the book: execute notebooks (with jupyter-cache), fail on any error or warning, then publish extras.

jupyter-book runs in its own process group; a SIGINT/SIGTERM/SIGHUP to the build is forwarded to it, its
kernels are stopped too, and the build returns 128 + the signal number. Work is never thrown away by an
interruption: the inputs stamp (the hash of `src/helpers`, `data/` and the requirements) is written when the
execution cache is cleared, so a retry after an interruption reuses every notebook executed before it.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import cache, paths

# Code and data the notebooks import but jupyter-cache does not hash: a change clears the execution cache.
TRACKED = ("src/helpers", "data", "requirements.txt")
STAMP = paths.BUILD / ".inputs-sha256"
COMPLETE = "complete"      # second line of the stamp once a build succeeded on these inputs
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_S = 20               # how long jupyter-book gets to stop after a forwarded signal


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


def build(fresh: bool = False) -> int:
    """`jupyter-book build . -W --keep-going`; clears the cache first when helpers/data changed or `fresh`
    (`fresh` clears the results cache too)."""
    paths.absolutize_env()
    paths.check_mirrors()
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
    env = {**os.environ, "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")}
    env.pop("BOOK_SCORECARD_DIR", None)    # the book's own scorecard folder, never a test's
    env.pop("MPLBACKEND", None)            # a non-inline backend drops every figure under the kernel
    start = time.time()
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
