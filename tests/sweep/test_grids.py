"""The example grids in sweeps/ are valid for their notebooks, and stored sweeps carry what their pages plot."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.paths import ROOT
from helpers.sweep import load_grid
from helpers.sweep.core import prepare

GRIDS = sorted((ROOT / "sweeps").glob("*.toml")) + sorted((ROOT / "sweeps").glob("*.yaml"))
STORED = sorted(p.parent for p in (ROOT / "sweeps" / "results").glob("*/sweep.json"))


@pytest.mark.parametrize("grid_path", GRIDS, ids=lambda p: p.name)
def test_example_grid_validates_against_its_notebook(grid_path):
    grid = load_grid(grid_path)
    assert grid.notebook, "each example grid names its notebook"
    notebook, _, _, combos, _ = prepare(ROOT / grid.notebook, grid)
    assert combos and notebook.exists()
    assert grid.speccurve.get("estimate"), "each example grid says which glued number its curve shows"


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
    page = ROOT / "notebooks" / folder.name / "90_robustness.ipynb"
    assert page.exists(), f"a stored sweep for {folder.name} but no robustness page"
