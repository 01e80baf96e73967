"""Zeng & Peterson: the user's CDU trade file and Country Chart wired into the chapter's panel and models.

Small constructed files (a dozen real countries, 2009-2012) in the loaders' layout; the real covariates
come from the mirror (built once per process, a few seconds for four years)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import data, paths
from helpers.chapters.zeng_peterson import chapter, claims, pipeline, tables
from helpers.chapters.zeng_peterson import data as zd
from helpers.data import DataUnavailable
from helpers.methods.networks import integration

pytestmark = pytest.mark.skipif(not data.mirror_folders(), reason="no BOOK_DATA_MIRROR folder (../shared/data/mirror)")

# real ISO3 codes present in the covariate panel; IRN, CUB, SYR, PRK are under US sanction in 2009-2012
COUNTRIES = ["CAN", "GBR", "FRA", "DEU", "JPN", "CHN", "RUS", "IND", "BRA", "TUR", "MEX", "ZAF", "IRN", "CUB", "SYR"]
YEARS = [2009, 2010, 2011, 2012]  # 2009 only forms the 2010 change
REASONS = ["CB1", "CB2", "NP1", "NS1", "NS2", "MT1", "RS1", "AT1"]


def _cdu_frame(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for e in COUNTRIES + ["USA", "TWN"]:  # the US and Taiwan trade in the network but are not panel rows
        for i in COUNTRIES + ["USA"]:
            if e == i:
                continue
            for y in YEARS:
                for cat in (3, 6):
                    v = float(rng.lognormal(0, 1.5)) if rng.random() > 0.15 else 0.0
                    rows.append((e, i, y, cat, round(v, 4)))
    d = pd.DataFrame(rows, columns=["exporter_iso3", "importer_iso3", "year", "category", "value_musd"])
    # CAN->GBR: 2011 missing (so 2012 has no change), 2012 with a single category row
    return d.drop(index=[4, 5, 7])


def _chart_frame(seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for c in COUNTRIES + ["USA"]:
        for y in YEARS:
            marks = {r: ("X" if rng.random() < 0.5 else "") for r in REASONS}
            if c in ("IRN", "CUB", "SYR"):
                marks = {r: "X" for r in REASONS}
            rows.append({"iso3": c, "year": y, "name": c.lower(), **marks})
    return pd.DataFrame(rows)


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.delenv("ZENG_PETERSON_CDU_FILE", raising=False)
    monkeypatch.delenv("ZENG_PETERSON_COUNTRY_CHART_FILE", raising=False)
    cdu, chart = _cdu_frame(), _chart_frame()
    cdu.to_csv(tmp_path / "cdu.csv", index=False)
    chart.to_csv(tmp_path / "chart.csv", index=False)
    return tmp_path / "cdu.csv", tmp_path / "chart.csv", cdu, chart


def _p(**kw):
    return chapter.settings(year_start=2010, year_end=2012, models=["M1", "M2"], **kw)


def _result(panel, fits) -> pipeline.Result:
    """A run's result on a constructed panel (the extension left empty)."""
    return pipeline.Result(panel=panel, fits=fits, extension=pipeline.Extension(panel=panel.iloc[:0], fits={}))


def test_real_outcome_export_controls_and_integration_come_from_the_files(files):
    cdu_path, chart_path, cdu, chart = files
    p = _p(data_source="real", cdu_file=str(cdu_path), country_chart_file=str(chart_path))
    panel = pipeline.analysis_panel(p)
    assert panel.attrs["outcome"] == "real" and panel.attrs["export_controls"] == "real"
    assert panel.year.min() == 2010 and panel.year.max() == 2012
    assert set(panel.exp_iso3) <= set(COUNTRIES) and "USA" not in set(panel.imp_iso3)

    # outcome: log(1 + sum over categories), change from the file's previous year (2009 forms 2010)
    total = cdu.groupby(["exporter_iso3", "importer_iso3", "year"]).value_musd.sum()
    got = panel.set_index(["exp_iso3", "imp_iso3", "year"])
    np.testing.assert_allclose(got.log_cdu, np.log1p(total.reindex(got.index)), rtol=1e-12)
    assert len(panel) == sum(1 for (e, i, y) in total.index if e in COUNTRIES and i in COUNTRIES and y >= 2010)
    e, i = "CAN", "GBR"
    expect = np.log1p(total[(e, i, 2010)]) - np.log1p(total[(e, i, 2009)])
    assert got.loc[(e, i, 2010), "d_log_cdu"] == pytest.approx(expect)
    # a dyad-year absent from the file is not in the sample, and the next year has no change
    assert ("CAN", "GBR", 2011) not in got.index
    assert np.isnan(got.loc[("CAN", "GBR", 2012), "d_log_cdu"]) and not got.loc[("CAN", "GBR", 2012), "in_diff_sample"]
    assert got.loc[("CAN", "GBR", 2012), "log_cdu"] == pytest.approx(np.log1p(cdu.loc[6, "value_musd"]))
    assert panel.in_diff_sample.sum() == panel.d_log_cdu.notna().sum() > 0

    # export controls: X marks counted, divided by the year's maximum over the chart
    x = chart.set_index(["iso3", "year"])[REASONS].eq("X").sum(axis=1)
    ec = x / x.groupby(level="year").transform("max")
    np.testing.assert_allclose(got.export_controls, ec.reindex(pd.MultiIndex.from_arrays(
        [got.index.get_level_values("imp_iso3"), got.index.get_level_values("year")])).to_numpy())
    assert (got.xs("IRN", level="imp_iso3").export_controls == 1.0).all()

    # integration: closeness in the file's networks (per category, max, global max), every country a node
    edges = cdu.rename(columns={"exporter_iso3": "exporter", "importer_iso3": "importer", "value_musd": "flow"})
    edges = edges[edges.year >= 2010]
    out = integration(edges, "out", category="category").set_index(["node", "year"]).closeness
    inn = integration(edges, "in", category="category").set_index(["node", "year"]).closeness
    np.testing.assert_allclose(panel.exp_int, out.reindex(pd.MultiIndex.from_arrays([panel.exp_iso3, panel.year])))
    np.testing.assert_allclose(panel.imp_int, inn.reindex(pd.MultiIndex.from_arrays([panel.imp_iso3, panel.year])))

    # the same downstream code: Table 1, Table 2, Figure 2, hypotheses, scorecard on published values
    results = pipeline.fit_models(panel, p)
    assert set(results) == {"M1", "M2"}
    r = results["M2"]
    assert "export_controls" in r.params.index and "sanction:export_controls" in r.params.index
    assert r.nobs == int(panel.in_diff_sample.sum()) and np.isfinite(r.bse).all()
    assert not tables.table1(panel).isna().loc["log CDU export", ["Non-ally", "Ally"]].any()
    assert set(claims.hypothesis_verdicts(r).index) == {f"H{k}" for k in range(1, 7)}
    result = _result(panel, results)
    assert len(pipeline.figure2_effects(result, p.replace(n_sims=50))) > 0
    frame = claims.scorecard(p, result).frame()
    t2 = frame[frame.table == "Table 2"]
    assert "method check" not in set(frame.evidence) and "input" not in set(frame.evidence)
    assert set(t2.evidence) == {"rebuilt from sources"} and {"sign_sig", "exact"} == set(t2.rule)
    assert set(t2.column) == {"Model 1", "Model 2"}                      # every fitted model, against the paper
    t1 = frame[frame.table == "Table 1"].set_index(["row", "column"])
    assert t1.loc[("log CDU export", "Ally"), "evidence"] == "rebuilt from sources"
    assert t1.loc[("US export controls", "Ally"), "verdict"] != "not testable offline"
    assert t1.loc[("Exporter log GDP", "Ally"), "evidence"] == "other real data"   # another GDP source
    assert frame.set_index("table").loc["Footnote 19", "evidence"] == "rebuilt from sources"

    statement = zd.describe_data(p)
    assert statement.generated == () and statement.kind == "real"
    assert any("outcome" in c for c in statement.real) and any("export controls" in c for c in statement.real)
    assert any("integration" in c for c in statement.real) and cdu_path.name in statement.note


def test_relative_paths_and_environment_variables(files, monkeypatch):
    cdu_path, chart_path, *_ = files
    monkeypatch.setattr(paths, "ROOT", cdu_path.parent)
    f = zd.user_files(_p(data_source="real", cdu_file="cdu.csv", country_chart_file="chart.csv"))
    assert f.cdu == cdu_path and f.chart == chart_path and len(f.cdu_sha256) == 64
    monkeypatch.setenv("ZENG_PETERSON_CDU_FILE", str(cdu_path))
    f = zd.user_files(_p(data_source="auto"))
    assert f.cdu == cdu_path and f.chart is None
    assert zd.user_files(_p(data_source="synthetic", cdu_file=str(cdu_path))).signature() == {}


def test_real_without_files_raises_one_clear_error(monkeypatch):
    monkeypatch.delenv("ZENG_PETERSON_CDU_FILE", raising=False)
    monkeypatch.delenv("ZENG_PETERSON_COUNTRY_CHART_FILE", raising=False)
    with pytest.raises(DataUnavailable) as err:
        pipeline.analysis_panel(_p(data_source="real"))
    msg = str(err.value)
    for needed in ("cdu_file", "country_chart_file", "ZENG_PETERSON_CDU_FILE", "exporter_iso3", "value_musd", "CB1"):
        assert needed in msg
    real = _p(data_source="real")
    assert real.data.is_real and zd.describe_data(real, zd.EXTENSION_PAGE).kind == "real"  # the COW extension page
    with pytest.raises(DataUnavailable, match="cdu_file = 'nope.csv'.*no such file"):
        chapter.open({"data_source": "auto", "cdu_file": "nope.csv"})  # a notebook's opening call


def test_auto_without_files_keeps_the_generated_outcome(monkeypatch):
    monkeypatch.delenv("ZENG_PETERSON_CDU_FILE", raising=False)
    monkeypatch.delenv("ZENG_PETERSON_COUNTRY_CHART_FILE", raising=False)
    p = _p(data_source="auto", quick=True)
    panel = pipeline.analysis_panel(p)
    assert panel.attrs["outcome"] == "synthetic" and panel.attrs["export_controls"] == "synthetic"
    assert "log_cdu_latent" in panel.columns  # the generator's
    statement = zd.describe_data(p)
    assert any("outcome" in c for c in statement.generated) and not any("cdu_file" in c for c in statement.real)


def test_only_one_file(files):
    cdu_path, chart_path, _, chart = files
    # CDU file only: real outcome; the generated export-control index is left out of the models
    p = _p(data_source="auto", cdu_file=str(cdu_path))
    panel = pipeline.analysis_panel(p)
    assert panel.attrs["outcome"] == "real" and panel.attrs["export_controls"] == "synthetic"
    r = pipeline.fit_models(panel, p)["M2"]
    assert not any("export_controls" in t for t in r.params.index)
    assert "H2" not in claims.hypothesis_verdicts(r).index
    generated = zd.describe_data(p).generated
    assert len(generated) == 1 and "left out of the models" in generated[0]
    # Country Chart only: the generator runs with the real index
    p = _p(data_source="auto", country_chart_file=str(chart_path), quick=True)
    panel = pipeline.analysis_panel(p)
    assert panel.attrs["outcome"] == "synthetic" and panel.attrs["export_controls"] == "real"
    real_ec = zd.load_country_chart(chart_path).set_index(["iso3", "year"]).export_controls
    np.testing.assert_allclose(panel.export_controls,
                               real_ec.reindex(pd.MultiIndex.from_arrays([panel.imp_iso3, panel.year])).to_numpy())
    assert set(panel.imp_iso3) <= set(COUNTRIES)
