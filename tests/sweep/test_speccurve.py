"""The specification-curve figure, its summary, and stored sweep results with their staleness warning."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from helpers.report.speccurve import curve_summary, specification_curve  # noqa: E402
from helpers.sweep import notebook_hash  # noqa: E402
from helpers.sweep.stored import load_stored  # noqa: E402

FIXTURE = Path(__file__).parent / "fixtures" / "toy.ipynb"


def _table(seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for lag in (1, 2, 3):
        for source in ("real", "synthetic"):
            est = rng.normal(0.5, 0.3)
            rows.append({"lag": lag, "data_source": source, "status": "ok", "b": est,
                         "lo": est - 0.2, "hi": est + 0.2})
    rows.append({"lag": 4, "data_source": "real", "status": "failed", "b": np.nan, "lo": np.nan, "hi": np.nan})
    return pd.DataFrame(rows)


def test_curve_is_sorted_and_marks_each_choice():
    table = _table()
    fig = specification_curve(table, "b", "lo", "hi", choices=["lag", "data_source"],
                              baseline={"lag": 1, "data_source": "real"})
    top, bottom = fig.axes
    points = top.collections[0].get_offsets()
    assert len(points) == 6                                    # the failed run is left out
    assert np.all(np.diff(points[:, 1]) >= 0)                  # sorted by the estimate
    labels = [t.get_text() for t in bottom.get_yticklabels()]
    assert labels == ["lag = 1", "lag = 2", "lag = 3", "data_source = real", "data_source = synthetic"]
    # every run has exactly one mark per choice
    marks = sum(len(c.get_offsets()) for c in bottom.collections)
    assert marks == 6 * 2
    matplotlib.pyplot.close(fig)


def test_summary_counts_what_survives():
    table = _table()
    s = curve_summary(table, "b", "lo", "hi", baseline={"lag": 1, "data_source": "real"})
    ok = table[table.status == "ok"]
    assert s.n_runs == 7 and s.n_ok == 6
    assert s.baseline == pytest.approx(ok.b.iloc[0])
    assert s.share_same_sign == pytest.approx(np.mean(np.sign(ok.b) == np.sign(ok.b.iloc[0])))
    assert s.share_excluding_reference == pytest.approx(np.mean((ok.lo > 0) | (ok.hi < 0)))
    assert s.low == pytest.approx(ok.b.min()) and s.high == pytest.approx(ok.b.max())


def test_missing_estimate_names_the_available_columns():
    with pytest.raises(KeyError, match="glued scalars available"):
        specification_curve(_table().rename(columns={"b": "x.b"}), "b")


def test_stored_sweep_warns_when_the_notebook_changed(tmp_path, monkeypatch):
    import helpers.paths

    monkeypatch.setattr(helpers.paths, "ROOT", tmp_path)
    (tmp_path / "nb").mkdir()
    notebook = tmp_path / "nb" / "toy.ipynb"
    shutil.copy(FIXTURE, notebook)
    folder = tmp_path / "sweeps" / "results" / "toy"
    folder.mkdir(parents=True)
    _table().to_csv(folder / "results.csv", index=False)
    provenance = {"notebook": "nb/toy.ipynb", "notebook_hash": notebook_hash(notebook), "git_commit": "abc",
                  "finished_at": "2026-01-01T00:00:00+00:00", "grid": {"grid": {"lag": [1, 2, 3]}}}
    (folder / "sweep.json").write_text(json.dumps(provenance))
    stored = load_stored("toy")
    assert not stored.stale and stored.admonition().kind == "note"
    assert not stored.code_changed  # stored before the code hash was recorded: nothing is claimed
    provenance["helpers_code_hash"] = "0" * 16
    (folder / "sweep.json").write_text(json.dumps(provenance))
    stored = load_stored("toy")
    assert stored.code_changed and "helper library" in stored.admonition().body_html
    notebook.write_text(notebook.read_text().replace("n = 200", "n = 201"))
    stored = load_stored("toy")
    assert stored.stale and stored.admonition().kind == "warning"
    assert "changed" in stored.admonition().title
    with pytest.raises(FileNotFoundError, match="no stored sweep"):
        load_stored("nothing_here")


def test_se_gives_the_interval_and_key_lists_coalesce():
    table = _table()
    table["se"] = 0.1
    # half the runs glue under another table name (e.g. Table 3 when imputed=False)
    table["b3"] = np.where(table.lag == 2, table.b, np.nan)
    table.loc[table.lag == 2, "b"] = np.nan
    s = curve_summary(table, ["b", "b3"], se="se")
    assert s.n_ok == 6
    from helpers.report.speccurve import curve_table

    rows = curve_table(table, ["b", "b3"], se="se", choices=["lag"], digits=12)
    assert np.allclose(rows.ci_high - rows.estimate, 1.959963984540054 * 0.1)
    assert list(rows.estimate) == sorted(rows.estimate)


def test_choice_effects_find_the_choice_that_moves_the_estimate():
    from helpers.report.speccurve import choice_effects

    rows = [{"a": a, "b": b, "status": "ok", "y": 10.0 * a + 0.1 * b} for a in (0, 1) for b in (0, 1, 2)]
    effects = choice_effects(pd.DataFrame(rows), "y", ["a", "b"])
    spread = effects.groupby("choice")["spread"].first()
    assert spread["a"] == pytest.approx(10.0) and spread["b"] == pytest.approx(0.2)
    assert effects.loc[(effects.choice == "a") & (effects.value == 1), "median"].item() == pytest.approx(10.1)


def test_verdict_says_what_survives():
    from helpers.report.speccurve import CurveSummary

    base = dict(n_runs=4, n_ok=4, baseline=1.0, low=0.5, median=1.0, high=2.0)
    assert "changes sign in 25%" in CurveSummary(**base, share_same_sign=0.75, share_excluding_reference=0.5).verdict()
    assert "excludes zero in every one" in CurveSummary(**base, share_same_sign=1.0,
                                                        share_excluding_reference=1.0).verdict()
    assert "includes zero in 50%" in CurveSummary(**base, share_same_sign=1.0, share_excluding_reference=0.5).verdict()


# ---------------------------------------------------------------- the paper's value, missing intervals


def _lines_at(ax, y):
    return [line for line in ax.get_lines() if np.allclose(line.get_ydata(), y) and len(line.get_ydata()) == 2
            and line.get_linestyle() == ":"]


def test_paper_value_is_read_from_the_published_file():
    from helpers.report.speccurve import paper_values

    (zp,) = paper_values("zeng_peterson", {"table": "Table 2", "row": "Importer sanct X Importer integration",
                                           "column": "Model 3"})
    assert (zp.value, zp.low, zp.high) == (0.483, 0.319, 0.648)          # the printed 95% interval
    assert zp.label == "the paper (Table 2, Model 3)" and "zeng_peterson.csv" in zp.source
    (pa,) = paper_values("phillips_ahmad", {"table": "Table 9", "row": "Sanc", "column": "Electronics",
                                            "label": "Table 9"})
    assert pa.value == -8.31 and pa.label == "Table 9"
    assert pa.high - pa.value == pytest.approx(1.959963984540054 * 2.86)   # no printed bounds: ±1.96 SE
    (fw,) = paper_values("funke_wende", {"table": "fig4", "row": "gamma_0191", "column": "gdp_RU"})
    assert fw.value == -0.609 and fw.low is None                           # no SE, no interval
    assert [v.value for v in paper_values("dorff_minhas", [
        {"table": "Table 2", "row": "Compliance Reciprocity", "column": "Model 3"},
        {"table": "Table 3", "row": "Compliance Reciprocity", "column": "Model 3"}])] == [0.508, 0.545]
    assert paper_values(None, None) == [] and paper_values(None, -0.5)[0].value == -0.5
    with pytest.raises(KeyError, match="no printed value data/published/phillips_ahmad.csv"):
        paper_values("phillips_ahmad", {"table": "Table 9", "row": "Sanc", "column": "Nowhere"})
    with pytest.raises(ValueError, match="missing column"):
        paper_values("phillips_ahmad", {"table": "Table 9", "row": "Sanc"})
    with pytest.raises(ValueError, match="no chapter"):
        paper_values(None, {"table": "Table 9", "row": "Sanc", "column": "Metals"})


def test_paper_marker_is_drawn_with_its_interval():
    table = _table()
    fig = specification_curve(table, "b", "lo", "hi", choices=["lag"], paper={
        "table": "Table 2", "row": "Importer sanct X Importer integration", "column": "Model 3"},
        slug="zeng_peterson")
    top, bottom = fig.axes
    assert _lines_at(top, [0.483, 0.483]), "a dotted line at the paper's value"
    assert any("the paper (Table 2, Model 3): 0.483" == t.get_text() for t in top.get_legend().get_texts())
    bars = [line for line in top.get_lines() if np.allclose(line.get_ydata(), [0.319, 0.648])]
    assert len(bars) == 1 and bars[0].get_xdata()[0] > 5                  # right of the six runs
    assert top.get_xlim()[1] > bars[0].get_xdata()[0]                     # and inside the axes
    assert "the paper's value with its 95% interval" in bottom.get_xlabel()
    matplotlib.pyplot.close(fig)
    fig = specification_curve(table, "b", "lo", "hi", paper=-0.25)        # a bare number: a line, no bar
    assert _lines_at(fig.axes[0], [-0.25, -0.25])
    assert any(t.get_text() == "the paper: \u22120.25" for t in fig.axes[0].get_legend().get_texts())
    matplotlib.pyplot.close(fig)
    fig = specification_curve(table, "b", "lo", "hi")                     # none: no line, no legend
    assert not [line for line in fig.axes[0].get_lines() if line.get_linestyle() == ":"]
    assert fig.axes[0].get_legend() is None
    matplotlib.pyplot.close(fig)


def test_runs_without_an_interval_are_reported():
    from helpers.report.speccurve import curve_table, paper_coverage, PaperValue

    table = _table()
    table["se"] = 0.1
    table.loc[[0, 3], "se"] = np.nan           # two runs glued no SE
    s = curve_summary(table, "b", se="se")
    assert s.n_without_interval == 2 and s.share_excluding_reference is None
    fig = specification_curve(table, "b", se="se", choices=["lag"])
    assert "2 of 6 runs glued no interval" in fig.axes[1].get_xlabel()
    assert "1 run(s) failed" in fig.axes[1].get_xlabel()
    matplotlib.pyplot.close(fig)
    rows = curve_table(table, "b", se="se")
    assert rows[["ci_low", "ci_high"]].isna().all(axis=1).sum() == 2      # shown as missing, not dropped
    assert "ci_low" not in curve_table(table, "b").columns                 # no interval named: no empty columns
    assert curve_summary(table, "b").n_without_interval == 0
    where = paper_coverage(table, "b", PaperValue(0.5), "lo", "hi")
    ok = table[table.status == "ok"]
    assert where["share_covering"] == pytest.approx(np.mean((ok.lo <= 0.5) & (0.5 <= ok.hi)))
    assert where["share_below"] == pytest.approx(np.mean(ok.b < 0.5))
    assert paper_coverage(table, "b", PaperValue(0.5), se="se")["share_covering"] is None


def _stored_toy(tmp_path, monkeypatch, toml: str):
    import helpers.paths

    monkeypatch.setattr(helpers.paths, "ROOT", tmp_path)
    (tmp_path / "nb").mkdir()
    notebook = tmp_path / "nb" / "toy.ipynb"
    shutil.copy(FIXTURE, notebook)
    (tmp_path / "sweeps").mkdir()
    (tmp_path / "sweeps" / "toy.toml").write_text(toml)
    from helpers.sweep import load_grid

    folder = tmp_path / "sweeps" / "results" / "toy"
    folder.mkdir(parents=True)
    _table().to_csv(folder / "results.csv", index=False)
    grid = load_grid(tmp_path / "sweeps" / "toy.toml").as_dict()
    grid["source"] = "sweeps/toy.toml"
    provenance = {"notebook": "nb/toy.ipynb", "notebook_hash": notebook_hash(notebook), "git_commit": "abc",
                  "finished_at": "2026-01-01T00:00:00+00:00", "grid": grid}
    (folder / "sweep.json").write_text(json.dumps(provenance))
    return tmp_path / "sweeps" / "toy.toml"


TOY_TOML = '''notebook = "nb/toy.ipynb"
[grid]
lag = [1, 2, 3]
data_source = ["real", "synthetic"]
[speccurve]
estimate = "b"
label = "old label"
'''


def test_page_plots_the_grid_files_current_speccurve_while_it_defines_the_same_runs(tmp_path, monkeypatch):
    grid_file = _stored_toy(tmp_path, monkeypatch, TOY_TOML)
    assert load_stored("toy").speccurve == {"estimate": "b", "label": "old label"}
    # presentation edited after the sweep ran: the label, an interval, the paper's value
    grid_file.write_text(TOY_TOML.replace('label = "old label"', 'label = "new"\nci_low = "lo"\nci_high = "hi"\n'
                                          'paper = 0.4'))
    stored = load_stored("toy")
    assert stored.speccurve["label"] == "new" and stored.speccurve["paper"] == 0.4
    assert stored.stored_speccurve["label"] == "old label"
    # a key the stored results lack: the stored [speccurve]
    grid_file.write_text(TOY_TOML.replace('label = "old label"', 'label = "new"\nse = "b_se"'))
    assert load_stored("toy").speccurve["label"] == "old label"
    # the grid defines other runs now: the stored [speccurve]
    grid_file.write_text(TOY_TOML.replace("lag = [1, 2, 3]", "lag = [1, 2]").replace("old label", "new"))
    assert load_stored("toy").speccurve["label"] == "old label"
    grid_file.unlink()
    assert load_stored("toy").speccurve["label"] == "old label"


def test_robustness_page_marks_the_papers_value_and_says_where_it_sits(tmp_path, monkeypatch):
    import myst_nb

    import helpers.sweep.robustness as robustness

    _stored_toy(tmp_path, monkeypatch, TOY_TOML.replace(
        'label = "old label"', 'ci_low = "lo"\nci_high = "hi"\nlabel = "b"\nbaseline = { lag = 1, data_source = "real" }\n'
        'paper = { table = "Table 2", row = "Importer sanct X Importer integration", column = "Model 3" }'))
    stored = load_stored("toy")
    monkeypatch.setattr(robustness, "load_stored", lambda slug: stored)
    glued, figures = {}, {}
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.__setitem__(key, value))
    monkeypatch.setattr(robustness, "glue_figure", lambda key, fig, **kw: figures.__setitem__(key, fig))
    robustness.robustness_page("zeng_peterson", {"quick": False})
    ok = _table().query("status == 'ok'")
    assert glued["zeng_peterson.robustness.paper.value"] == 0.483
    assert glued["zeng_peterson.robustness.paper.label"] == "the paper (Table 2, Model 3)"
    assert glued["zeng_peterson.robustness.paper.share_covering"] == pytest.approx(
        100 * np.mean((ok.lo <= 0.483) & (0.483 <= ok.hi)))
    assert glued["zeng_peterson.robustness.curve.n_without_interval"] == 0
    fig = figures["zeng_peterson.robustness.speccurve.figure"]
    assert _lines_at(fig.axes[0], [0.483, 0.483])


def test_labels_rename_a_choice_or_one_of_its_values():
    fig = specification_curve(_table(), "b", "lo", "hi", choices=["lag", "data_source"],
                              labels={"lag": "lags", "data_source = synthetic": "generated data"})
    labels = [t.get_text() for t in fig.axes[1].get_yticklabels()]
    assert labels == ["lags = 1", "lags = 2", "lags = 3", "data_source = real", "generated data"]
    matplotlib.pyplot.close(fig)
