"""Shared test set-up: the data mirror beside the repository, and a private scorecard folder for smoke runs."""
from __future__ import annotations

import os
import pytest

from helpers import paths

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
    from helpers.build import build

    assert build() == 0, "the book build failed: see the output above and _build/html/reports"
    return paths.BUILD / "html"
