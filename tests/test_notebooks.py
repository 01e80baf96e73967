"""Every notebook: committed clean, listed in the toc, one parameters cell, and it runs (smoke, quick=True).

The smoke runs and the book build share the work in `make test`: the build executes every notebook with its
defaults (and fails on any error), so in a session that also builds the book (`book`-marked tests collected)
only the notebooks a sweep grid runs with `quick = true` (sweeps/*.toml) are smoke-run here; the others are
skipped with that reason. Without the build (`make test-fast`) every chapter notebook is smoke-run.
`BOOK_SMOKE=all` smoke-runs every notebook in any session.
"""
from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from helpers import paths
from helpers.notebooks import toc_notebooks

ROOT = paths.ROOT
TRACKED = [ROOT / p for p in subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True).stdout.split()]
BOOK_NOTEBOOKS = toc_notebooks()


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _nb(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.mark.parametrize("path", TRACKED, ids=_id)
def test_committed_without_outputs_and_with_python3_kernel(path):
    nb = _nb(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"cells {dirty} keep outputs: run `make strip`"


def test_every_chapter_notebook_is_in_the_toc():
    chapter_notebooks = {p for p in ROOT.glob("notebooks/*/*.ipynb")}
    assert chapter_notebooks <= set(BOOK_NOTEBOOKS), sorted(map(_id, chapter_notebooks - set(BOOK_NOTEBOOKS)))


def _parameters_cells(path: Path) -> list[dict]:
    return [c for c in _nb(path)["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]


CHAPTER_NOTEBOOKS = [p for p in BOOK_NOTEBOOKS if p.parent.parent.name == "notebooks"]


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=_id)
def test_one_parameters_cell_with_quick(path):
    cells = _parameters_cells(path)
    assert len(cells) == 1, "exactly one cell tagged `parameters`"
    assert "quick" in "".join(cells[0]["source"]), "the parameters cell defines `quick` for smoke runs"
    # papermill reads every assignment (e.g. for `papermill --help-notebook`); a second "=" on a line, say in a
    # comment, makes it skip the parameter with a warning
    import nbformat
    from papermill.translators import PythonTranslator

    source = "".join(cells[0]["source"])
    assigned = [line.split("=")[0].strip() for line in source.splitlines() if "=" in line and not line.startswith("#")]
    parsed = [param.name for param in PythonTranslator.inspect(nbformat.from_dict({"source": source}))]
    assert parsed == assigned, f"papermill cannot parse: {sorted(set(assigned) - set(parsed))}"


def quick_swept_notebooks(root: Path = ROOT) -> set[Path]:
    """Notebooks a sweep grid (sweeps/*.toml) runs with quick=True: in [fixed], a [grid] axis or a [[runs]] entry."""
    found = set()
    for grid_file in sorted((root / "sweeps").glob("*.toml")):
        grid = tomllib.loads(grid_file.read_text())
        quick = [grid.get("fixed", {}).get("quick"), *grid.get("grid", {}).get("quick", []),
                 *(run.get("quick") for run in grid.get("runs", []))]
        if True in quick and grid.get("notebook"):
            found.add((root / grid["notebook"]).resolve())
    return found


QUICK_SWEPT = quick_swept_notebooks()


def _session_builds_the_book(session) -> bool:
    return any(item.get_closest_marker("book") for item in session.items)


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=_id)
def test_smoke_run_quick(path, tmp_path, request):
    """Executes the notebook with quick=True, as a student or a sweep would, and checks it glued its results."""
    if (os.environ.get("BOOK_SMOKE") != "all" and path.resolve() not in QUICK_SWEPT
            and _session_builds_the_book(request.session)):
        pytest.skip("the book build in this session executes it (defaults); quick=True is smoke-run here only for "
                    "notebooks swept in quick mode (BOOK_SMOKE=all runs it)")
    import papermill

    out = tmp_path / path.name
    papermill.execute_notebook(str(path), str(out), parameters={"quick": True}, kernel_name="python3",
                               cwd=str(path.parent), progress_bar=False)
    executed = _nb(out)
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    from helpers.notebooks import glued_keys

    expected = glued_keys(path)
    produced = {o["metadata"]["scrapbook"]["name"] for c in executed["cells"] for o in c.get("outputs", [])
                if "scrapbook" in o.get("metadata", {})}
    static = {k for k in expected if "{" not in k}
    missing = {k for k in static if k not in produced and not any(p.startswith(k) for p in produced)}
    assert not missing, f"glue keys not produced in quick mode: {sorted(missing)}"


SECTION_NOTEBOOKS = [p for p in CHAPTER_NOTEBOOKS if not p.name.startswith("90_")]   # 90_: stored-sweep pages
OPENING = "from helpers.chapters.{slug} import chapter\ns = chapter.open(globals()"


def _code_cells(path: Path) -> list[dict]:
    return [c for c in _nb(path)["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", SECTION_NOTEBOOKS, ids=_id)
def test_parameters_cell_holds_the_chapter_defaults(path):
    """Only the chapter's parameters, each at the default its PARAMETERS spec carries (one place for defaults)."""
    import ast
    import importlib

    chapter = importlib.import_module(f"helpers.chapters.{path.parent.name}").chapter
    tree = ast.parse("".join(_parameters_cells(path)[0]["source"]))
    assigned = {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)}
    unknown = set(assigned) - set(chapter.parameters)
    assert not unknown, f"not in the chapter's PARAMETERS: {sorted(unknown)}"
    differ = {k: (v, chapter.defaults[k]) for k, v in assigned.items() if v != chapter.defaults[k]}
    assert not differ, f"(notebook, PARAMETERS) defaults differ: {differ}"


@pytest.mark.parametrize("path", SECTION_NOTEBOOKS, ids=_id)
def test_opens_with_the_chapter_contract(path):
    """The cell after `parameters` is the one opening call of every chapter notebook, its code hidden."""
    cells = _code_cells(path)
    index = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    opening = cells[index + 1]
    assert "".join(opening["source"]).startswith(OPENING.format(slug=path.parent.name)), "".join(opening["source"])
    assert "remove-input" in opening.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=_id)
def test_no_scoring_rules_or_built_glue_keys_in_notebooks(path):
    """Scorecard rules, thresholds and key builders live in the chapter package, where tests can see them."""
    source = "\n".join("".join(c["source"]) for c in _code_cells(path))
    for banned in ("card.record(", "card.unavailable(", "glue_key(", "load_published("):
        assert banned not in source, f"{banned} belongs in helpers.chapters.{path.parent.name}"
