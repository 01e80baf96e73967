"""Chapter contract and logic; the archive tests are skipped when the data mirror is not available."""
import re

import numpy as np
import pytest

from helpers.chapters.dorff_minhas import PARAMETERS, chapter, claims, pipeline, rebuild, tables
from helpers.chapters.dorff_minhas import data as dm
from helpers.chapters.dorff_minhas.settings import STARS
from helpers.params import ParameterError, defaults
from helpers.report.claims import claims_table, grade



def test_settings_are_the_defaults_of_parameters():
    s = chapter.settings()
    assert dict(s) == defaults(PARAMETERS) == chapter.defaults
    assert (s.data_source, s.quick, s.imputed, s.issue_subset, s.lag_mode, s.ties, s.se_type) == \
        ("auto", False, True, "all", "row", "efron", "model")
    assert (s.ph_tt_terms, s.sample_end_year, s.cv_imputed, s.cv_end_year, s.cv_folds, s.cv_seed, s.seed) == \
        ([], 2005, False, 2009, 6, 6886, 20170601)
    assert chapter.settings(ties="breslow").replace(ties="efron") == s


def test_open_refuses_a_misspelt_injected_parameter():
    injected = '# Parameters\ndata_sorce = "synthetic"\n'     # papermill -p data_sorce synthetic
    with pytest.raises(ParameterError, match="data_sorce"):
        chapter.open({"In": [injected], "data_sorce": "synthetic"})
    opened = chapter.open({"In": ['# Parameters\nquick = True\n'], "quick": True, "data_source": "synthetic"})
    assert opened.quick and opened.data.kind == "synthetic"


def test_parameters_validate_and_reject():
    with pytest.raises(ParameterError, match="lag_mode"):
        chapter.settings(lag_mode="weekly")
    with pytest.raises(ParameterError, match="cv_folds"):
        chapter.settings(cv_folds=1)


@pytest.mark.parametrize("page", [None, "descriptives", "robustness", "cross_validation", "rebuild", "scorecard"])
def test_every_page_states_its_data(page):
    synthetic = chapter.describe_data(chapter.settings(data_source="synthetic"), page)
    assert not synthetic.real and (synthetic.generated or synthetic.note)
    auto = chapter.settings()              # the archive when the mirror has it, else the generator
    if auto.data.kind == "real":
        assert chapter.describe_data(auto, page).kind == "real"


def test_a_misspelt_page_is_refused():
    with pytest.raises(ValueError, match="rebuidl"):
        chapter.describe_data(chapter.settings(data_source="synthetic"), "rebuidl")


def test_r_round_and_stars_print_like_the_archive():
    assert tables.r_round(0.0996) == "0.1" and tables.r_round(-0.2199) == "-0.22" and tables.r_round(-0.0001) == "0"
    assert STARS.of(0.0449) == "**" and STARS.of(0.0949) == "*" and STARS.of(0.0996) == "" and STARS.of(0.12) == ""
    assert STARS.of(0.0496) == "*"            # p is rounded to 3 decimals before it is starred


@pytest.mark.archive
def test_table2_matches_published_to_printed_precision():
    fits = pipeline.run(chapter.settings())
    ours = tables.paper_table(fits.models)
    theirs = tables.published_paper_table("Table 2", list(fits.models))
    assert (ours.to_numpy() == theirs.to_numpy()).all()


@pytest.mark.archive
def test_table1_counts():
    outcomes = pipeline.outcomes()
    assert outcomes.n_cases == 845 and outcomes.table1["Frequency"].tolist() == [160, 71]


@pytest.mark.archive
def test_reciprocity_rebuilt_from_case_table_equals_archive():
    frame = dm.archive_frame(True)
    rec = pipeline.network_terms(frame, chapter.settings(reciprocity_measure="srm"))
    lagged = dm.row_lag(frame.assign(uData=rec["uData"], SuData2=rec["SuData2"]), ["uData", "SuData2"])
    for ours, theirs in (("uData", "lag1_uData"), ("SuData2", "lag1_SuData2")):
        ok = frame[theirs].notna()
        np.testing.assert_allclose(lagged.loc[ok, ours], frame.loc[ok, theirs], atol=1e-9)


@pytest.mark.archive
def test_row_lag_reproduces_archive_lags():
    frame = dm.archive_frame(True)
    lag = dm.row_lag(frame, ["polity2", "tdata"])
    np.testing.assert_allclose(lag["polity2"].dropna(), frame.loc[lag["polity2"].notna(), "lag1_polity2"])


@pytest.mark.archive
def test_raw_ties_cases_and_case_years_match_archive_counts():
    cases = dm.ties_cases()
    assert len(cases) == 845
    assert int(cases["finaloutcome"].isin([8]).sum()) == 160 and int((cases["finaloutcome"] == 9).sum()) == 71
    cy = dm.case_years(cases, 1960, 2005)
    # every compliance event of the archive frame (to 2005) exists in the rebuilt case-years
    arch = dm.archive_frame(True)
    arch = arch[(arch["year"] <= 2005) & (arch["compliance"] == 1)]
    keys = set(zip(cy.loc[cy["compliance"] == 1, "caseid"], cy.loc[cy["compliance"] == 1, "year"]))
    assert all((c, y) in keys for c, y in zip(arch["caseid"], arch["year"]))


def test_synthetic_frame_runs_through_chapter_pipeline():
    s = chapter.settings(data_source="synthetic")
    assert s.data.kind == "synthetic"
    curves = pipeline.scenario_curves(pipeline.run(s))
    s5 = curves["lag1_uData"].at(5)
    assert s5["high"] < s5["low"]           # more compliance reciprocity → earlier compliance


def test_synthetic_scorecard_checks_the_method_and_lists_the_rest():
    """Without the archive: Model 3's coefficients against the generator's truth (method checks), the calibration
    targets as input, every other claim listed as not testable; nothing counts as a replication."""
    card = claims.scorecard(chapter.settings(data_source="synthetic", quick=True))
    table = claims_table(card.frame())
    checks = table[table["evidence"] == "method check"]
    assert len(checks) == 11 and set(checks["claim_id"]) == {c for c in table["claim_id"] if c.startswith("t2_m3_")}
    assert set(checks["verdict"]) <= {"recovered", "not recovered"}
    assert set(table.loc[table["evidence"] == "input", "claim_id"]) == {"t2_sample", "t5_n"} | {
        c for c in table["claim_id"] if c.startswith("t4_")}
    rest = table[table["evidence"] == "author data"]
    assert set(rest["verdict"]) == {"not testable offline"}
    assert set(table["evidence"]) == {"method check", "input", "author data"}
    assert grade(table)[0] == "not able to reproduce"


