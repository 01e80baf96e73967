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
