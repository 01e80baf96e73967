"""Sweeps over a tiny fixture notebook: executors, resumability, failures, validation, harvesting."""
from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from helpers.sweep import (SweepParameterError, harvest, load_grid, main, notebook_hash,
                           notebook_parameters, run_sweep)
from helpers.sweep.execute import parse_scalar
from helpers.sweep.grid import coerce_text

FIXTURE = Path(__file__).parent / "fixtures" / "toy.ipynb"
NORMAL_975 = 1.959963984540054


def expected_mean(loc: float, seed: int = 1, n: int = 200) -> tuple[float, float, float]:
    """What the fixture computes, recomputed here: mean and its 95% normal interval."""
    x = np.random.default_rng(seed).normal(loc, 1.0, n)
    se = x.std(ddof=1) / np.sqrt(n)
    return x.mean(), x.mean() - 1.96 * se, x.mean() + 1.96 * se


# ---------------------------------------------------------------- pure functions


def test_parameters_cell_is_read_with_literal_defaults():
    params = notebook_parameters(nbformat.read(FIXTURE, as_version=4))
    assert list(params) == ["n", "loc", "seed", "label", "fail", "work", "quick", "import_report"]
    assert params["n"].default == 200 and params["label"].default == "base" and params["fail"].default is False


def test_flag_values_take_the_type_of_the_default():
    params = notebook_parameters(nbformat.read(FIXTURE, as_version=4))
    assert coerce_text("300", params["n"]) == 300
    assert coerce_text("2", params["loc"]) == 2.0 and isinstance(coerce_text("2", params["loc"]), float)
    assert coerce_text("true", params["fail"]) is True
    assert coerce_text("2020", params["label"]) == "2020"
    assert coerce_text("[1, 2]", None) == [1, 2]


@pytest.mark.parametrize("text, value", [("1.5", 1.5), ("np.float64(-0.25)", -0.25), ("'abc'", "abc"),
                                         ("True", True), ("numpy.int64(3)", 3), ("nan", None)])
def test_glued_reprs_parse_to_scalars(text, value):
    parsed = parse_scalar(text)
    if value is None:
        assert parsed != parsed  # nan
    else:
        assert parsed == value and type(parsed) is type(value)


def test_non_scalar_glue_is_skipped():
    assert parse_scalar("<Figure size 640x480 with 1 Axes>") is None
    assert parse_scalar("   a  b\n0  1  2") is None


def test_unknown_names_and_bad_values_stop_the_sweep_with_one_message(tmp_path):
    grid = {"nn": [1], "n": ["many", 10], "fail": [0], "loc": [1, 2.5]}
    with pytest.raises(SweepParameterError) as err:
        run_sweep(FIXTURE, grid, tmp_path / "out", executor="serial", progress=False)
    message = str(err.value)
    assert "3 bad entries" in message
    assert "unknown parameter 'nn'" in message
    assert "n='many'" in message and "fail=0" in message
    assert "loc" not in message.split("entries")[1].replace("parameters are: n, loc", "")
    assert not (tmp_path / "out").exists()  # nothing ran, nothing written


def test_grid_files_expand_factorial_and_explicit_runs(tmp_path):
    toml = tmp_path / "g.toml"
    toml.write_text('notebook = "x.ipynb"\n[fixed]\nquick = true\n[grid]\nloc = [0.0, 1.0]\nseed = [1, 2]\n'
                    '[[runs]]\nloc = 5.0\n[[runs]]\nloc = 0.0\nseed = 1\n')
    combos = load_grid(toml).combinations()
    assert len(combos) == 5  # 2x2 factorial + 1 new explicit run (the second duplicates a factorial run)
    assert all(c["quick"] is True for c in combos)
    yaml_file = tmp_path / "g.yaml"
    yaml_file.write_text("grid:\n  loc: [0.0, 1.0]\n  seed: [1, 2]\nfixed:\n  quick: true\n")
    assert load_grid(yaml_file).combinations() == combos[:4]


def test_notebook_hash_ignores_outputs_but_not_code(tmp_path):
    nb = nbformat.read(FIXTURE, as_version=4)
    base = notebook_hash(nb)
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="hi")]
    assert notebook_hash(nb) == base
    nb.cells[2].source += "\n1"
    assert notebook_hash(nb) != base


def test_chapter_parameter_spec_is_applied(tmp_path, monkeypatch):
    params_mod = pytest.importorskip("helpers.params")
    chapter_dir = tmp_path / "sweep_fixture_chapter"
    chapter_dir.mkdir()
    notebook = chapter_dir / "toy.ipynb"
    notebook.write_text(FIXTURE.read_text())
    spec = {"label": params_mod.Choice("base", "alt"), "quick": params_mod.Boolean()}
    module = types.ModuleType("helpers.chapters.sweep_fixture_chapter")
    module.PARAMETERS = spec
    monkeypatch.setitem(sys.modules, "helpers.chapters.sweep_fixture_chapter", module)
    with pytest.raises(SweepParameterError) as err:
        run_sweep(notebook, {"label": ["alt", "other"]}, tmp_path / "out", executor="serial", progress=False)
    assert "label = 'other': not one of the allowed values" in str(err.value)
    assert "1 bad entry" in str(err.value)


# ---------------------------------------------------------------- running notebooks


def _check_results(result, locs):
    table = result.table.sort_values("loc").reset_index(drop=True)
    assert list(table["loc"]) == sorted(locs)
    assert (table["status"] == "ok").all()
    for _, row in table.iterrows():
        mean, lo, hi = expected_mean(row["loc"])
        assert row["toy.mean"] == pytest.approx(mean, rel=1e-12)
        assert row["toy.ci_low"] == pytest.approx(lo, rel=1e-12)
        assert row["toy.ci_high"] == pytest.approx(hi, rel=1e-12)
        assert row["toy.omp_threads"] == "1"          # the kernel env is set per run
        assert row["toy.cwd_name"] == "fixtures"      # the kernel runs in the notebook's folder
        assert row["wall_time_s"] > 0
        run_dir = result.out_dir / "runs" / row["run_id"]
        assert (run_dir / "executed.ipynb").exists()
        assert json.loads((run_dir / "params.json").read_text())["loc"] == row["loc"]
        # each run's scorecard went to its own folder
        assert (run_dir / "scorecard" / "toy.csv").read_text().startswith(f"mean,{row['toy.mean']!r}"[:12])
    on_disk = pd.read_parquet(result.out_dir / "results.parquet")
    assert len(on_disk) == len(locs) and set(on_disk["status"]) == {"ok"}
    assert len(pd.read_csv(result.out_dir / "results.csv")) == len(locs)
    provenance = json.loads((result.out_dir / "sweep.json").read_text())
    assert provenance["notebook_hash"] == notebook_hash(FIXTURE) and provenance["n_failed"] == 0


def test_process_pool_sweep_collects_every_glued_scalar(tmp_path):
    result = run_sweep(FIXTURE, {"loc": [0.0, 2.0], "n": [200]}, tmp_path / "out", executor="processes",
                       workers=2, progress=False)
    _check_results(result, [0.0, 2.0])


def test_dask_local_cluster_gives_the_same_results(tmp_path):
    pytest.importorskip("distributed")
    dask_result = run_sweep(FIXTURE, {"loc": [0.0, 2.0]}, tmp_path / "dask", executor="dask", workers=2,
                            progress=False)
    _check_results(dask_result, [0.0, 2.0])
    assert set(dask_result.table["host"]) == {__import__("socket").gethostname()}


def test_failed_run_is_recorded_and_rerun_resumes(tmp_path):
    out = tmp_path / "out"
    first = run_sweep(FIXTURE, {"fail": [False, True], "loc": [1.0]}, out, executor="serial", progress=False)
    assert first.n_failed == 1 and first.n_ok == 1
    failed = first.failed.iloc[0]
    assert failed["fail"] == True and "ValueError: asked to fail" in failed["error"]  # noqa: E712
    assert (out / failed["executed"]).exists()  # the executed notebook is kept for inspection
    ok_id = first.table.loc[first.table["status"] == "ok", "run_id"].item()
    executed = out / "runs" / ok_id / "executed.ipynb"
    stamp = executed.stat().st_mtime_ns

    second = run_sweep(FIXTURE, {"fail": [False, True], "loc": [1.0]}, out, executor="serial", progress=False)
    assert second.n_reused == 1 and second.n_failed == 1  # completed run skipped, failed run retried
    assert executed.stat().st_mtime_ns == stamp
    reused = second.table.set_index("run_id").loc[ok_id]
    assert bool(reused["reused"]) and reused["toy.mean"] == pytest.approx(expected_mean(1.0)[0])

    third = run_sweep(FIXTURE, {"fail": [False, True], "loc": [1.0]}, out, executor="serial", progress=False,
                      force=True)
    assert third.n_reused == 0


def test_run_id_changes_with_the_helper_code():
    from helpers.sweep.core import helpers_code_hash, run_id

    code = helpers_code_hash()
    assert code == helpers_code_hash() and len(code) == 16
    assert run_id("nb", {"a": 1}, {}, code) == run_id("nb", {"a": 1}, {}, code)
    assert run_id("nb", {"a": 1}, {}, code) != run_id("nb", {"a": 1}, {}, "another")


def test_cli_exit_status_counts_failures(tmp_path, capsys):
    out = tmp_path / "cli"
    status = main([str(FIXTURE), "-p", "fail=false,true", "-p", "loc=0.5", "--executor", "serial",
                   "--out", str(out), "--no-progress"])
    assert status == 1
    assert "1 failed" in capsys.readouterr().out
    assert main([str(FIXTURE), "-p", "nope=1", "--out", str(out)]) == 101
    assert "unknown parameter 'nope'" in capsys.readouterr().err
    assert main([str(FIXTURE), "--bogus-flag"]) == 101


def test_harvest_reads_display_and_hidden_glue(tmp_path):
    result = run_sweep(FIXTURE, {"loc": [3.0]}, tmp_path / "h", executor="serial", progress=False)
    glued = harvest(result.out_dir / result.table["executed"].item())
    assert {"toy.mean", "toy.ci_high", "toy.n", "toy.label"} <= set(glued)  # ci_high is glued displayed
    assert glued["toy.n"] == 200 and glued["toy.label"] == "base"


def test_cli_submits_to_an_existing_dask_scheduler(tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=":0") as cluster:
        status = main([str(FIXTURE), "-p", "loc=0.25", "--scheduler", cluster.scheduler_address,
                       "--out", str(tmp_path / "remote"), "--no-progress"])
    assert status == 0, capsys.readouterr()
    table = pd.read_parquet(tmp_path / "remote" / "results.parquet")
    assert table["toy.mean"].item() == pytest.approx(expected_mean(0.25)[0], rel=1e-12)
    assert json.loads((tmp_path / "remote" / "sweep.json").read_text())["executor"] == "dask"


def test_rows_say_which_data_a_run_used():
    from helpers.sweep.core import data_columns

    assert data_columns({"zeng_peterson.data.kind": "real", "zeng_peterson.data.keys": "a, b"}) == ("real", "a,b")
    assert data_columns({"funke_wende.data.kind": "none", "funke_wende.data.keys": ""}) == ("none", "")
    assert data_columns({"x.mean": 1.0}) == ("unknown", "unknown")
    assert data_columns({"a.data.kind": "real", "b.data.kind": "synthetic"})[0] == "mixed"


def test_long_data_keys_are_harvested_whole():
    keys = ", ".join(f"peacesciencer_file_{i:02d}" for i in range(20))
    assert len(keys) > 200
    from helpers.sweep.execute import parse_scalar

    assert parse_scalar(repr(keys)) is None
    assert parse_scalar(repr(keys), None) == keys


def test_kernels_import_this_clones_helpers(tmp_path, monkeypatch):
    """A shared virtualenv (or a PYTHONPATH) naming another clone's `helpers` does not reach a sweep's kernels:
    their PYTHONPATH starts with this checkout's src and the book build's kernel path, as the build's kernels'."""
    from helpers import build, paths
    from helpers.sweep.execute import kernel_pythonpath

    other = tmp_path / "other_clone" / "src"
    (other / "helpers").mkdir(parents=True)
    (other / "helpers" / "__init__.py").write_text("raise ImportError('the other clone')\n")
    monkeypatch.setenv("PYTHONPATH", str(other))
    assert kernel_pythonpath().split(__import__("os").pathsep) == [str(paths.ROOT / "src"),
                                                                   str(build.kernel_path()), str(other)]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("import helpers\nfrom myst_nb import glue\n"
                                          "glue('where', helpers.__file__, display=False)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = tmp_path / "where.ipynb"
    nbformat.write(nb, notebook)
    result = run_sweep(notebook, {"x": [1]}, tmp_path / "out", executor="serial", progress=False)
    row = result.table.iloc[0]
    assert row["status"] == "ok", row["error"]
    assert Path(row["where"]).resolve() == (paths.ROOT / "src" / "helpers" / "__init__.py").resolve()
