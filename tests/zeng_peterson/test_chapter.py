"""Zeng & Peterson chapter: real panel build, the generator's product set, synthetic calibration and recovery,
hypothesis readings, the claims file and its scorecard, parameters and the chapter contract."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import data, paths
from helpers.chapters.zeng_peterson import PARAMETERS, chapter, claims, pipeline
from helpers.chapters.zeng_peterson import data as zd
from helpers.chapters.zeng_peterson import synth as zs
from helpers.chapters.zeng_peterson.settings import FIGURE2_VARIABLES, PAPER_EXCLUDED_TYPES
from helpers.methods.results import Results
from helpers.params import ParameterError, problems
from helpers.report import claims as report_claims

needs_mirror = pytest.mark.skipif(not data.mirror_folders(), reason="no BOOK_DATA_MIRROR folder (../shared/data/mirror)")


@pytest.fixture(scope="module")
def panel():
    return pipeline.analysis_panel(chapter.settings(quick=True))


def test_regime_tables_are_consistent():
    t = zd.regime_table()
    assert set(t.regime) == set(zd.REGIMES)
    assert t.join_year.between(1987, 2020).all()
    assert not t.duplicated(["regime", "iso3"]).any()
    m = zd.mecr_member(pd.Series(["IND", "IND", "USA", "CUB"]), pd.Series([2015, 2016, 1996, 2010]))
    np.testing.assert_array_equal(m, [0, 1, 1, 0])  # India: MTCR 2016


@needs_mirror
def test_real_covariates_are_sane():
    cov = zd.covariates("sample_max_each", "def_off_neu", PAPER_EXCLUDED_TYPES, 1997, 2015)
    assert zd.US_CCODE not in set(cov.exporter) | set(cov.importer)
    assert (cov.exporter != cov.importer).all()
    assert cov[["us_prox", "dyad_prox"]].stack().between(0, 1).all()
    assert cov.year.min() == 1996 and cov.year.max() == 2015
    by = cov.drop_duplicates(["exporter", "year"]).set_index(["exporter", "year"])
    assert by.loc[(200, 2010), "ally"] == 1  # UK is a US ally
    assert by.loc[(365, 2010), "ally"] == 0  # Russia is not (nonaggression pacts excluded)
    assert by.loc[(740, 2010), "ally"] == 1  # Japan: the US pledges its defense (ATOP obligation US -> Japan)
    assert {"DEU", "SRB", "YEM"} <= set(cov.exp_iso3)  # GDP kept under other COW codes, mapped
    sanctioned = cov.drop_duplicates(["importer", "year"]).set_index(["importer", "year"]).sanction
    assert sanctioned.loc[(630, 2010)] == 1  # Iran
    assert sanctioned.loc[(200, 2010)] == 0
    assert cov.exporter.nunique() > 120


@needs_mirror
def test_synthetic_panel_calibration(panel):
    full = pipeline.analysis_panel(chapter.settings())
    assert abs(len(full) / zs.TARGET_LEVEL_ROWS - 1) < 0.005
    assert abs(full.in_diff_sample.sum() / zs.TARGET_DIFF_ROWS - 1) < 0.01
    assert abs((full.log_cdu == 0).mean() - zs.TARGET_ZERO_SHARE) < 0.005
    assert full.groupby("ally").log_cdu.mean().diff().iloc[-1] > 0
    assert full[["export_controls", "exp_int", "imp_int"]].stack().between(0, 1).all()
    again = zs.make_panel(zd.covariates("sample_max_each", "def_off_neu", PAPER_EXCLUDED_TYPES, 1997, 2015),
                          seed=20240101, products=zd.dual_use_products())
    pd.testing.assert_series_equal(again.d_log_cdu, full.d_log_cdu)
    assert full.attrs["products"] == len(zd.dual_use_products())


@needs_mirror
def test_gls_recovers_generator_truth(panel):
    r = pipeline.fit_models(panel, chapter.settings(quick=True, models=["M3"]))["M3"]
    truth = zs.true_coefficients("M3")
    z = np.array([(r.params[t] - truth[t]) / r.bse[t] for t in truth if t != "const"])
    assert np.mean(np.abs(z) < 2) >= 0.85  # ~95 % expected; allow sampling noise in a 15 % sample
    assert abs(r.phi[0] - zs.ARMA_PHI) < 0.1 and abs(r.theta[0] - zs.ARMA_THETA) < 0.1


def test_paper_verdicts_follow_the_rules():
    v = claims.paper_verdicts("M3")
    assert list(v.index) == ["H1", "H2", "H3", "H4", "H5", "H6"]
    assert (v.verdict == "supported").all()  # the paper's own conclusions
    terms = ["ally", "sanction:ally"]
    negative_ally = Results(params=pd.Series([-0.01, 0.0], index=terms),
                            cov=pd.DataFrame(np.eye(2) * 1e-6, index=terms, columns=terms), nobs=100)
    assert claims.hypothesis_verdicts(negative_ally).loc["H1", "main part holds"] == False  # noqa: E712


def test_figure2_values_quoted_by_the_paper_name_figure2_variables():
    quoted = claims.figure2_published()
    assert set(quoted.variable) <= set(FIGURE2_VARIABLES) and set(quoted.sanction) == {0, 1}
    assert quoted.set_index(["variable", "sanction"]).estimate[("imp_int", 1)] == "7.81"  # as printed


@needs_mirror
def test_settings_carry_the_defaults():
    s = chapter.settings()
    assert dict(s) == dict(data_source="auto", cdu_file="", country_chart_file="", quick=False, seed=20240101,
                           year_start=1997, year_end=2015, dv_mode="latent", truth_model="M3",
                           product_set="eu_dual_use_2022", arma_p=1, arma_q=1,
                           reml=True, correlation_index="time", prox_normalisation="sample_max_each",
                           ally_coding="def_off_neu", sanction_exclude_types=list(PAPER_EXCLUDED_TYPES),
                           edge_transform="inv_log1p", models=["M1", "M2", "M3"], n_sims=1000, dyad_share=0.3)
    assert set(s) == set(PARAMETERS) and s.data.is_real  # the covariates are real in every mode


def test_parameters_validate_with_clear_errors():
    assert not problems(chapter.defaults, PARAMETERS, strict=True) and chapter.defaults["arma_p"] == 1
    with pytest.raises(ParameterError) as err:
        chapter.settings(correlation_index="lag", dv_mode="x")
    assert "correlation_index" in str(err.value) and "dv_mode" in str(err.value)
    with pytest.raises(ValueError, match="truth_model"):
        zs.true_coefficients("M9")


def test_open_refuses_a_misspelt_injected_parameter():
    # papermill's injected cell, as the kernel's input history holds it: `-p data_sorce synthetic`
    namespace = {"In": ["", '# Parameters\ndata_sorce = "synthetic"\n'], "data_sorce": "synthetic"}
    with pytest.raises(ParameterError, match="data_sorce"):
        chapter.open(namespace)


@needs_mirror
def test_each_page_states_what_is_real(monkeypatch):
    monkeypatch.delenv("ZENG_PETERSON_CDU_FILE", raising=False)
    monkeypatch.delenv("ZENG_PETERSON_COUNTRY_CHART_FILE", raising=False)
    s = chapter.settings()
    default = chapter.describe_data(s, None)
    assert default.kind == "mixed" and any("outcome" in c for c in default.generated)
    assert any("export controls" in c for c in default.generated) and any("sanction" in c for c in default.real)
    assert any("product set" in c and "2022" in c and "stand-in" in c for c in default.real)
    assert any("generated CDU networks" in c for c in default.generated)
    assert set(zd.PRODUCT_SET_KEYS) <= set(s.data.keys)
    direct = chapter.describe_data(chapter.settings(product_set="none"), None)
    assert not any("product set" in c for c in direct.real) and any("drawn directly" in c for c in direct.generated)
    assert not set(zd.PRODUCT_SET_KEYS) & set(chapter.settings(product_set="none").data.keys)
    extension = chapter.describe_data(s, zd.EXTENSION_PAGE)
    assert extension.kind == "real" and any("COW" in c for c in extension.real)
    with pytest.raises(ValueError, match="Unknown page"):
        chapter.describe_data(s, "extention")


def test_optional_loaders_fail_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="not in the offline mirror"):
        zd.load_cdu_trade(tmp_path / "cdu.csv")
    chart = tmp_path / "chart.csv"
    pd.DataFrame({"iso3": ["IND", "CHN", "IND"], "year": [1997, 1997, 1998], "NS1": [1, 1, 0], "NP1": [1, 0, 0]}).to_csv(chart, index=False)
    c = zd.load_country_chart(chart)
    assert c.set_index(["iso3", "year"]).export_controls.loc[("IND", 1997)] == 1.0
    assert c.set_index(["iso3", "year"]).export_controls.loc[("CHN", 1997)] == 0.5


# ---------------------------------------------------------------------------------------------------------
# The generator's product set (issue 14): the EU's 2022 dual-use flag, grouped by HS section
# ---------------------------------------------------------------------------------------------------------
def test_hs_sections_cover_every_chapter_once():
    chapters = [c for first, last in zs.HS_SECTIONS.values() for c in range(first, last + 1)]
    assert sorted(chapters) == list(range(1, 100))
    assert zs.hs_section("847130") == "XVI Machinery and electrical equipment"
    assert zs.hs_section("281119") == "VI Chemicals" and zs.hs_section("930690") == "XIX Arms and ammunition"
    groups = zs.product_groups(["847130", "854239", "281119", "847130"])        # duplicates counted once
    assert groups.to_dict() == {"XVI Machinery and electrical equipment": 2, "VI Chemicals": 1}
    with pytest.raises(ValueError, match="six digits"):
        zs.product_groups(["8471"])
    with pytest.raises(ValueError, match="empty"):
        zs.product_groups([])


@needs_mirror
def test_product_set_is_the_eu_2022_dual_use_list_in_hs92():
    products = zd.dual_use_products()
    assert len(products) == 765 and products == tuple(sorted(products))
    assert all(len(p) == 6 and p.isdigit() for p in products)
    groups = zs.product_groups(products)
    assert groups.sum() == 765 and groups.index[0] == "XVI Machinery and electrical equipment"


def _toy_rows(n_countries=12, years=(2000, 2001), seed=3):
    rng = np.random.default_rng(seed)
    rows = [(e, i, y) for e in range(n_countries) for i in range(n_countries) if e != i for y in years]
    frame = pd.DataFrame(rows, columns=["exporter", "importer", "year"])
    gdp = rng.normal(18, 1.5, n_countries)
    return frame.assign(exp_lngdp=gdp[frame.exporter], imp_lngdp=gdp[frame.importer],
                        lndist=rng.normal(8.5, 0.8, len(frame)), ally=(frame.exporter < 4).astype(float))


def test_network_integration_is_closeness_over_the_product_groups():
    rows = _toy_rows()
    products = ["847130", "854239", "281119", "900190", "720851"]
    a = zs.network_integration(rows, products, np.random.default_rng(1))
    b = zs.network_integration(rows, products, np.random.default_rng(1))
    pd.testing.assert_frame_equal(a, b)                                          # seeded
    assert set(a.columns) == {"ccode", "year", "exp_int", "imp_int"} and len(a) == 12 * 2
    assert a[["exp_int", "imp_int"]].stack().between(0, 1).all()
    assert a.exp_int.max() == pytest.approx(1.0) and a.imp_int.max() == pytest.approx(1.0)
    other = zs.network_integration(rows, ["847130"], np.random.default_rng(1))  # another product set, other networks
    assert not np.allclose(a.exp_int, other.exp_int)


@needs_mirror
def test_product_set_changes_only_the_integration_draws():
    cov = zd.covariates("sample_max_each", "def_off_neu", PAPER_EXCLUDED_TYPES, 2010, 2012)
    direct = zs.make_panel(cov, seed=5, years=(2010, 2012))
    networks = zs.make_panel(cov, seed=5, years=(2010, 2012), products=zd.dual_use_products())
    pd.testing.assert_series_equal(direct.export_controls, networks.export_controls)   # same draws elsewhere
    pd.testing.assert_frame_equal(direct[["exporter", "importer", "year"]], networks[["exporter", "importer", "year"]])
    assert not np.allclose(direct.exp_int, networks.exp_int)
    assert direct.attrs["products"] == 0 and networks.attrs["products"] == 765


# ---------------------------------------------------------------------------------------------------------
# Claims and scorecard (issue 13)
# ---------------------------------------------------------------------------------------------------------
def test_claims_file_loads_with_every_printed_number_under_a_claim():
    claims_file = report_claims.load_claims("zeng_peterson")
    published = report_claims.load_published("zeng_peterson")
    assert set(published.claim_id) == set(claims_file.index)
    assert (claims_file.page.map(lambda p: (paths.ROOT / p).exists())).all()
    # Table 2's coefficients: a method check on generated data, rebuilt with the user's file; never compared with
    # the paper as a method check
    t2 = claims_file[claims_file.index.str.startswith("t2_") & (claims_file.rule == "sign_sig")]
    assert len(t2) == 28 and (t2.evidence == "method check | rebuilt from sources").all()
    assert set(claims_file.loc[claims_file.index.str.startswith("x_"), "evidence"]) == {"other real data"}
    assert claims_file.loc["t2_n", "evidence"].startswith("input")


def test_no_rule_threshold_or_tolerance_in_the_chapters_claims_code():
    import inspect
    source = inspect.getsource(claims)
    for banned in ("tolerance=", "rule=", "rel=", "abs=", "k=", "Scorecard(", "report.scorecard"):
        assert banned not in source, banned


@needs_mirror
def test_scorecard_scores_or_lists_every_claim(monkeypatch):
    monkeypatch.delenv("ZENG_PETERSON_CDU_FILE", raising=False)
    monkeypatch.delenv("ZENG_PETERSON_COUNTRY_CHART_FILE", raising=False)
    s = chapter.settings(quick=True, n_sims=50)
    card = claims.scorecard(s, pipeline.run(s))
    frame = card.frame()
    assert set(frame.claim_id) == set(report_claims.load_claims("zeng_peterson").index)
    table = report_claims.claims_table(frame)
    assert set(table.verdict) <= set(report_claims.CLAIM_VERDICTS) | {"recovered", "not recovered", "input"}
    # the default build: generated outcome -> method checks against the generator's truth
    t2 = frame[frame.table == "Table 2"]
    checks = t2[t2.evidence == "method check"]
    assert set(checks.column) == {"Model 3"} and checks.note.str.contains("generator's truth").all()
    row = checks.set_index("row").loc["Importer sanct X Exporter ally"]
    assert f"truth {zs.true_coefficients('M3')['sanction:ally']:.4g}" in row.note
    assert set(t2[t2.row == "Observations"].evidence) == {"input"}
    assert set(t2[t2.row == "Log Likelihood"].verdict) == {"not testable offline"}
    # Table 1: real columns on a generated sample are other real data; generated columns not testable
    t1 = frame[frame.table == "Table 1"].set_index(["row", "column"])
    assert t1.loc[("Exporter US proximity", "Ally"), "evidence"] == "other real data"
    assert t1.loc[("log CDU export", "Ally"), "verdict"] == "not testable offline"
    assert set(frame[frame.table.str.startswith("Table 2 (extension")].evidence) == {"other real data"}
    # counts: method checks and inputs never enter a replication count
    counts = report_claims.headline_counts(table)
    assert counts["rebuilt"] == counts["author_data"] == 0 and counts["method_checks"] == 32
    summary = claims.summary(card)
    assert summary["grade"] == "not able to reproduce" and summary["claims"] == len(card.claims)
