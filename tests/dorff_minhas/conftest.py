"""Shared by the chapter's tests: `@pytest.mark.archive` skips a test when the Magnesium archive is not in the
data mirror."""
import pytest

from helpers.chapters.dorff_minhas import chapter


def _archive_available() -> bool:
    try:
        return chapter.settings().data.kind == "real"
    except Exception:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("archive") and not _archive_available():
        pytest.skip("Magnesium archive not in the data mirror")
