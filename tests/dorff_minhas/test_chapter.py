"""Chapter logic on the authors' archive (skipped when the data mirror is not available)."""
import numpy as np
import pytest

from helpers.chapters import dorff_minhas as ch
from helpers.params import ParameterError, validate


def _archive_available():
    try:
        return ch.choose(ch.defaults(data_source="auto")).kind == "real"
    except Exception:
        return False


needs_archive = pytest.mark.skipif(not _archive_available(), reason="Magnesium archive not in the data mirror")


def test_parameters_validate_and_reject():
    validate(vars(ch.defaults()), ch.PARAMETERS)
    with pytest.raises(ParameterError, match="lag_mode"):
        validate({**vars(ch.defaults()), "lag_mode": "weekly"}, ch.PARAMETERS)
    with pytest.raises(ParameterError, match="cv_folds"):
        validate({**vars(ch.defaults()), "cv_folds": 1}, ch.PARAMETERS)


def test_r_round_prints_like_r():
    assert ch.r_round(0.0996) == "0.1" and ch.r_round(-0.2199) == "-0.22" and ch.r_round(-0.0001) == "0"
    assert ch.r_stars(0.0449) == "**" and ch.r_stars(0.0949) == "*" and ch.r_stars(0.0996) == "" and ch.r_stars(0.12) == ""


@needs_archive
def test_table2_matches_published_to_printed_precision():
    p = ch.defaults()
    res = ch.fit_models(ch.analysis_frame(p), p)
    ours = ch.paper_table(res)
    theirs = ch.published_paper_table("Table 2", list(res))
    assert (ours.to_numpy() == theirs.to_numpy()).all()


@needs_archive
def test_table1_counts():
    table1, shares, n = ch.outcome_counts()
    assert n == 845 and table1["Frequency"].tolist() == [160, 71]


@needs_archive
def test_reciprocity_rebuilt_from_case_table_equals_archive():
    from helpers.data import dorff_minhas as dm
    p = ch.defaults(reciprocity_measure="srm")
    frame = dm.archive_frame(True)
    rec = ch._recompute_reciprocity(frame, p)
    lagged = dm.row_lag(frame.assign(uData=rec["uData"], SuData2=rec["SuData2"]), ["uData", "SuData2"])
    for ours, theirs in (("uData", "lag1_uData"), ("SuData2", "lag1_SuData2")):
        ok = frame[theirs].notna()
        np.testing.assert_allclose(lagged.loc[ok, ours], frame.loc[ok, theirs], atol=1e-9)


@needs_archive
def test_row_lag_reproduces_archive_lags():
    from helpers.data import dorff_minhas as dm
    frame = dm.archive_frame(True)
    lag = dm.row_lag(frame, ["polity2", "tdata"])
    np.testing.assert_allclose(lag["polity2"].dropna(), frame.loc[lag["polity2"].notna(), "lag1_polity2"])


@needs_archive
def test_raw_ties_cases_and_case_years_match_archive_counts():
    from helpers.data import dorff_minhas as dm
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
    p = ch.defaults(data_source="synthetic")
    choice = ch.choose(p)
    assert choice.kind == "synthetic"
    frame = ch.analysis_frame(p, choice)
    curves = ch.scenario_curves(frame, ch.fit_models(frame, p, ("Model 3",))["Model 3"])
    s5 = curves["lag1_uData"].at(5)
    assert s5["high"] < s5["low"]           # more compliance reciprocity → earlier compliance


@needs_archive
def test_raw_ties_rebuild_reproduces_archive_reciprocity_in_archive_row_order():
    p = ch.defaults()
    rebuilt = ch.rebuild_from_ties(p, row_order="archive")
    dist = ch.compare_to_archive(rebuilt, ch.analysis_frame(p))
    assert dist.loc["Compliance Reciprocity", "share_identical"] > 0.99
    assert dist.loc["Sanction Reciprocity", "share_identical"] > 0.99
    assert dist.loc["Number of Senders", "share_identical"] == 1.0
    with pytest.raises(ValueError, match="row_order"):
        ch.rebuild_from_ties(p, row_order="random")
