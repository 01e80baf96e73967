"""The whole book, built as `make book` builds it: no error output anywhere, every glue reference resolves,
the front pages exist, and the scorecard is written."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from helpers import paths
from helpers.notebooks import glued_keys, toc_documents
from helpers.report.scorecard import COLUMNS

pytestmark = [pytest.mark.book, pytest.mark.xdist_group("book")]
HTML = paths.BUILD / "html"


def test_build_succeeds(built_book):
    assert (HTML / "index.html").exists()
    for page in ("book/intro.html", "summary/data_provenance.html", "summary/scorecard.html", "book/references.html"):
        assert (HTML / page).exists(), page


def test_no_executed_cell_has_an_error(built_book):
    executed = list((paths.BUILD / "jupyter_execute").rglob("*.ipynb"))
    assert executed
    for nb_path in executed:
        nb = json.loads(nb_path.read_text())
        errors = [o.get("ename") for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, f"{nb_path.name}: {errors}"


GLUE_REF = re.compile(r"\{glue:?\w*\}`([^`]+)`")


def test_every_glue_reference_in_prose_pages_exists(built_book):
    """Cross-page references to glued values point at keys the notebook really glues."""
    for page in [p for p in toc_documents() if p.suffix == ".md"]:
        for ref in GLUE_REF.findall(page.read_text()):
            if "::" not in ref:
                continue
            doc, key = ref.split("::", 1)
            key = key.rsplit(":", 1)[0] if ":" in key else key
            target = (page.parent / doc).resolve()
            assert target.exists(), f"{page.name}: {doc} does not exist"
            executed = paths.BUILD / "jupyter_execute" / target.relative_to(paths.ROOT)
            glue = executed.with_suffix(".glue.json")
            keys = set(json.loads(glue.read_text())) if glue.exists() else glued_keys(target)
            assert key in keys, f"{page.relative_to(paths.ROOT)} pastes {key!r}, which {doc} does not glue"


def test_book_scorecard_csv(built_book):
    frame = pd.read_csv(paths.BUILD / "scorecard.csv")
    assert set(COLUMNS) <= set(frame.columns)


def test_executed_notebooks_are_offered_for_download(built_book):
    assert list((HTML / "_notebooks").rglob("*.ipynb"))
