"""Build the book: execute notebooks (with jupyter-cache), fail on any error or warning, then publish extras."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from helpers import paths

# Code and data the notebooks import but jupyter-cache does not hash: a change clears the execution cache.
TRACKED = ("src/helpers", "data", "requirements.txt")
STAMP = paths.BUILD / ".inputs-sha256"


def inputs_hash(root: Path = paths.ROOT) -> str:
    digest = hashlib.sha256()
    for name in TRACKED:
        base = root / name
        files = sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if base.is_dir() else [base]
        for path in files:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _jupyter_book() -> str:
    return str(Path(sys.executable).with_name("jupyter-book"))


def clean(all_: bool = True) -> None:
    subprocess.run([_jupyter_book(), "clean", *(["--all"] if all_ else []), str(paths.ROOT)], check=True,
                   stdout=subprocess.DEVNULL)


def build(fresh: bool = False) -> int:
    """`jupyter-book build . -W --keep-going`; clears the cache first when helpers/data changed or `fresh`."""
    current = inputs_hash()
    stale = not STAMP.exists() or STAMP.read_text() != current or not paths.scorecard_dir().exists()
    if fresh or stale:
        print("helpers, data or requirements changed since the last build (or no build yet): executing every notebook.")
        clean(all_=True)
    env = {**os.environ, "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")}
    env.pop("BOOK_SCORECARD_DIR", None)    # the book's own scorecard folder, never a test's
    env.pop("MPLBACKEND", None)            # a non-inline backend drops every figure under the kernel
    start = time.time()
    result = subprocess.run([_jupyter_book(), "build", str(paths.ROOT), "-W", "--keep-going"], env=env)
    if result.returncode != 0:
        reports = paths.BUILD / "html" / "reports"
        print(f"\nThe book build failed. Execution tracebacks (if any) are in {reports}.", file=sys.stderr)
        return result.returncode
    publish_notebooks()
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(current)
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
