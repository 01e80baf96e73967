"""Shared test set-up: this clone's `src` first on the path (also for kernels and subprocesses), the data mirror
beside the repository, and a private scorecard folder for smoke runs."""
from __future__ import annotations

import compileall
import os
import sys
from pathlib import Path

import pytest

# A virtualenv shared with another clone imports that clone's helpers through its editable install (a .pth entry,
# which comes after PYTHONPATH and sys.path[0]): pin this clone's src for the tests, their kernels and subprocesses.
SRC = Path(__file__).resolve().parents[1] / "src"
if sys.path[:1] != [str(SRC)]:
    sys.path.insert(0, str(SRC))
os.environ["PYTHONPATH"] = os.pathsep.join([str(SRC), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                                                        if p and p != str(SRC)]])

from helpers import build, paths  # noqa: E402  after pinning src

assert Path(paths.__file__).resolve().parent == SRC / "helpers", f"helpers imported from {paths.__file__}, not {SRC}"

# Kernels the tests start (smoke runs, sweeps) import like the book build's: compiled helpers (PYTHONDONTWRITEBYTECODE
# would make each kernel compile them again) and none of the unused imports the build skips (~1 s per kernel).
compileall.compile_dir(str(SRC / "helpers"), quiet=2)
os.environ["PYTHONPATH"] = os.pathsep.join([str(SRC), str(build.kernel_path()), *[
    p for p in os.environ["PYTHONPATH"].split(os.pathsep)[1:] if p != str(build.kernel_path())]])

DEFAULT_MIRROR = paths.ROOT.parent / "shared" / "data" / "mirror"
if "BOOK_DATA_MIRROR" not in os.environ and DEFAULT_MIRROR.is_dir():
    os.environ["BOOK_DATA_MIRROR"] = str(DEFAULT_MIRROR)


@pytest.fixture(scope="session", autouse=True)
def _private_scorecards(tmp_path_factory):
    """Notebook runs in tests write their scorecards here, never over the book's."""
    folder = tmp_path_factory.mktemp("scorecards")
    old = os.environ.get("BOOK_SCORECARD_DIR")
    os.environ["BOOK_SCORECARD_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("BOOK_SCORECARD_DIR", None)
    else:
        os.environ["BOOK_SCORECARD_DIR"] = old


@pytest.fixture(scope="session")
def built_book():
    """The book built once per session, exactly as `make book` builds it."""
    import signal

    code = build.build()
    if code == 128 + signal.SIGINT:
        raise KeyboardInterrupt    # Ctrl-C stopped the build (and its kernels): stop the session too
    assert code == 0, "the book build failed: see the output above and _build/html/reports"
    return paths.BUILD / "html"
