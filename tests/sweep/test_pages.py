"""A robustness page built from a real (tiny) stored sweep executes and glues its figure and summary."""
from __future__ import annotations

from pathlib import Path

import papermill

from helpers.sweep import harvest, run_sweep, store_result
from helpers.sweep.pages import robustness_notebook

FIXTURE = Path(__file__).parent / "fixtures" / "toy.ipynb"


def test_robustness_page_runs_on_a_stored_sweep(tmp_path):
    grid = {"grid": {"loc": [-0.1, 0.0, 0.4], "n": [50, 400]},
            "speccurve": {"estimate": "toy.mean", "ci_low": "toy.ci_low", "ci_high": "toy.ci_high",
                          "baseline": {"loc": 0.4, "n": 400}, "label": "sample mean"}}
    result = run_sweep(FIXTURE, grid, tmp_path / "run", executor="processes", workers=2, progress=False)
    stored = store_result(result.out_dir, tmp_path / "stored")
    nb = robustness_notebook("toy", title="Robustness", intro="x", reading="y", estimate_label="the mean",
                             stored_ref=str(stored))
    page = tmp_path / "90_robustness.ipynb"
    page.write_text(__import__("nbformat").writes(nb))
    out = tmp_path / "executed.ipynb"
    papermill.execute_notebook(str(page), str(out), kernel_name="python3", cwd=str(tmp_path), progress_bar=False)
    glued = harvest(out)
    ok = result.table
    assert glued["toy.robustness.curve.n_ok"] == 6
    assert glued["toy.robustness.curve.low"] == ok["toy.mean"].min()
    assert glued["toy.robustness.curve.baseline"] == ok.loc[(ok["loc"] == 0.4) & (ok["n"] == 400), "toy.mean"].item()
    assert glued["toy.robustness.curve.stale"] == "unchanged since"
    executed = out.read_text()
    assert "toy.robustness.speccurve.figure" in executed and "image/png" in executed
