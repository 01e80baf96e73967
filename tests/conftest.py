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


BOOK_FILE = "tests/test_book.py"
BUILD_LOCK = paths.ROOT / ".cache" / "book-build.lock"          # outside _build, which a cold build removes
BUILD_RESULT = paths.ROOT / ".cache" / "book-build-session.json"


@pytest.fixture(scope="session")
def built_book():
    """The book built once per session, exactly as `make book` builds it. Under xdist the first worker that needs
    it builds it; another that needs it (it runs some of the page checks, see `BookFirstScheduling`) waits for
    that build and shares its result rather than building again."""
    import fcntl
    import json
    import signal

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        code = build.build()
    else:
        BUILD_LOCK.parent.mkdir(parents=True, exist_ok=True)
        with open(BUILD_LOCK, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)        # released when the file closes, or when a worker dies
            try:
                shared = json.loads(BUILD_RESULT.read_text())
            except (OSError, ValueError):
                shared = {}
            if shared.get("testrun") == run:
                code = shared["code"]               # built by another worker of this session
            else:
                code = build.build()
                tmp = BUILD_RESULT.with_name(BUILD_RESULT.name + f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps({"testrun": run, "code": code}))
                os.replace(tmp, BUILD_RESULT)
    if code == 128 + signal.SIGINT:
        raise KeyboardInterrupt    # Ctrl-C stopped the build (and its kernels): stop the session too
    assert code == 0, "the book build failed: see the output above and _build/html/reports"
    return paths.BUILD / "html"


# ---- `pytest -n 2 --dist loadfile` (make test): the book build first, its page checks shared at the end ----
# With loadfile every test file is one unit of work and tests/test_book.py (the build, then ~90 page checks in one
# browser) ran on one worker while the other, done with everything else, sat idle. Here the book file's
# parametrized tests (the page checks) form units of PAGE_CHUNK tests that come last in the queue, after every
# other file; the build and its other checks come first. So one worker starts the build at once, the other runs
# the rest of the suite meanwhile, and both check pages once the book is built (the second shares the build
# through `built_book`). Units, tests and fixtures are otherwise loadfile's.
PAGE_CHUNK = 12


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class BookFirstScheduling(LoadFileScheduling):
        _units: dict[str, str] | None = None
        _ordered = False

        def _split_scope(self, nodeid: str) -> str:
            if self._units is None and self.collection is not None:
                pages = [n for n in self.collection if n.startswith(BOOK_FILE + "::") and "[" in n]
                self._units = {n: f"{BOOK_FILE}::pages-{i // PAGE_CHUNK:02d}" for i, n in enumerate(pages)}
            return (self._units or {}).get(nodeid) or super()._split_scope(nodeid)

        def _assign_work_unit(self, node) -> None:
            if not self._ordered:                   # the queue as loadfile made it, but the book build first
                for scope in [s for s in self.workqueue if s.startswith(BOOK_FILE + "::pages-")]:
                    self.workqueue.move_to_end(scope)
                if BOOK_FILE in self.workqueue:
                    self.workqueue.move_to_end(BOOK_FILE, last=False)
                self._ordered = True
            super()._assign_work_unit(node)

    return BookFirstScheduling(config, log)

