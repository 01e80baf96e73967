"""The example grids in sweeps/ are valid for their notebooks, mark the paper's value from the published file, and
stored sweeps carry what their pages plot: an estimate that varies, with its interval where the grid names one."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.paths import ROOT
from helpers.sweep import load_grid
from helpers.report.speccurve import _usable, paper_values
from helpers.sweep.core import prepare
from helpers.sweep.stored import load_stored

GRIDS = sorted((ROOT / "sweeps").glob("*.toml")) + sorted((ROOT / "sweeps").glob("*.yaml"))
STORED = sorted(p.parent for p in (ROOT / "sweeps" / "results").glob("*/sweep.json"))


@pytest.mark.parametrize("grid_path", GRIDS, ids=lambda p: p.name)
def test_example_grid_validates_against_its_notebook(grid_path):
    grid = load_grid(grid_path)
    assert grid.notebook, "each example grid names its notebook"
    notebook, _, _, combos, _ = prepare(ROOT / grid.notebook, grid)
    assert combos and notebook.exists()
    assert grid.speccurve.get("estimate"), "each example grid says which glued number its curve shows"


@pytest.mark.parametrize("grid_path", GRIDS, ids=lambda p: p.name)
def test_example_grid_marks_the_papers_value_from_the_published_file(grid_path):
    """Every chapter's estimate has a printed counterpart: the curve marks it, read from data/published, not typed."""
    grid = load_grid(grid_path)
    paper = grid.speccurve.get("paper")
    assert paper is not None, f"{grid_path.name}: [speccurve] paper names no published value"
    cells = paper if isinstance(paper, list) else [paper]
    assert all(isinstance(c, dict) for c in cells), "a published cell {table, row, column}, not a typed number"
    slug = Path(grid.notebook).parent.name
    assert all(v.source.startswith(f"data/published/{slug}.csv") for v in paper_values(slug, paper))


@pytest.mark.parametrize("folder", STORED, ids=lambda p: p.name)
def test_stored_sweep_has_the_estimate_its_page_plots(folder):
    provenance = json.loads((folder / "sweep.json").read_text())
    assert (ROOT / provenance["notebook"]).exists()
    assert provenance["git_commit"] and provenance["notebook_hash"] and provenance["grid"]["source"]
    table = pd.read_csv(folder / "results.csv")
    estimate = provenance["grid"]["speccurve"]["estimate"]
    keys = [estimate] if isinstance(estimate, str) else estimate
    assert any(k in table.columns for k in keys)
    assert (table["status"] == "ok").sum() >= 2


@pytest.mark.parametrize("folder", STORED, ids=lambda p: p.name)
def test_stored_curve_varies_and_has_the_intervals_it_names(folder):
    """A curve worth reading: the plotted estimate is not the same in every run, and every successful run has the
    interval the grid names (a NaN interval would leave the curve without bars)."""
    stored = load_stored(folder)
    spec = stored.speccurve
    runs = _usable(stored.table, spec["estimate"], spec.get("ci_low"), spec.get("ci_high"), spec.get("se"))
    assert runs["_est"].nunique() > 1, f"{folder.name}: {spec['estimate']} is the same in every run"
    if spec.get("se") or spec.get("ci_low"):
        assert runs[["_lo", "_hi"]].notna().all().all(), f"{folder.name}: runs without the interval the grid names"
    page = ROOT / "notebooks" / folder.name / "90_robustness.ipynb"
    assert page.exists(), f"a stored sweep for {folder.name} but no robustness page"
