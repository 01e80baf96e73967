"""The README's map from paper tables and figures to notebooks and glue keys stays true."""
from __future__ import annotations

import re

from helpers import paths
from helpers.notebooks import glued_keys, toc_notebooks
from helpers.report.claims import SLUGS

README = (paths.ROOT / "README.md").read_text()


def map_rows() -> list[list[str]]:
    section = README.split("## Map: paper tables and figures → notebooks", 1)[1].split("\n## ", 1)[0]
    rows = [[c.strip().strip("`") for c in line.strip().strip("|").split("|")] for line in section.splitlines()
            if line.startswith("|") and not line.startswith("|---")]
    return rows[1:]


def _keys(path) -> set[str]:
    """Keys a notebook glues; a robustness page's one call glues everything under `<slug>.robustness.`."""
    keys = glued_keys(path)
    called = re.search(r'robustness_page\(\\?"(\w+)', path.read_text())    # the JSON escapes the quote
    return keys | {f"{called.group(1)}.robustness."} if called else keys


def test_every_mapped_notebook_exists_and_glues_its_key():
    book = set(toc_notebooks())
    for paper, item, notebook, key in map_rows():
        path = paths.ROOT / notebook
        assert path in book, f"{item}: {notebook} is not a notebook the book builds"
        keys = _keys(path)
        assert key in keys or any(key.startswith(k) for k in keys), f"{item}: {notebook} does not glue {key!r}"


def test_every_chapter_with_notebooks_is_mapped():
    mapped = {re.match(r"notebooks/([^/]+)/", row[2]).group(1) for row in map_rows()}
    chapters = {s for s in SLUGS if any((paths.ROOT / "notebooks" / s).glob("[0-9]*.ipynb"))}
    assert chapters <= mapped, sorted(chapters - mapped)


def test_the_two_commands_are_stated():
    assert "`make book`" in README and "`make test`" in README
