"""The chapter's claims: the file loads, every claim is scored or listed (unavailable or input), the evidence of
each row is one the claims file allows, and the rules are the file's (one-sided claims one-sided)."""
import pytest

from helpers.chapters.hausmann_schetter_yildirim import chapter, claims, pipeline
from helpers.report import claims as report_claims

SLUG = "hausmann_schetter_yildirim"


def test_claims_file_loads_and_every_printed_cell_has_its_claim():
    table = report_claims.load_claims(SLUG)
    published = report_claims.load_published(SLUG)
    assert set(published["claim_id"]) == set(table.index)
    assert (table.loc[["fig10_ratio_absolute_s5", "fig10_russia_over_baltics", "fig10_ratio_absolute_min",
                       "fig3_restricted_share"], "rule"] == "at_least").all()          # "above 5", "more than 10"
    assert table.loc["fig3_coalition_share", "evidence"] == "input"
    assert published.loc[("fig10", "ratio_absolute_s5", "coef1"), "estimate"] == "5"
    assert published.loc[("fig10", "russia_over_baltics_s5", "coef05"), "estimate"] == "10"
    # a number under two variants is one claim with two cells
    assert set(published.loc[published["claim_id"] == "fig10_s5_over_s4"].index.get_level_values("column")) == {
        "coef1", "coef05"}


@pytest.fixture(scope="module")
def card():
    s = chapter.settings()              # real data where the mirror has it, else the generator
    return s, claims.scorecard(s, pipeline.run(s))


def test_every_claim_is_scored_or_listed(card):
    s, c = card
    cells = c.frame()
    table = report_claims.load_claims(SLUG)
    assert set(cells["claim_id"]) == set(table.index)
    published = report_claims.load_published(SLUG)
    assert len(cells) == len(published)                                   # every printed cell once
    allowed = {cid: [e.strip() for e in ev.split("|")] for cid, ev in table["evidence"].items()}
    assert all(row.evidence in allowed[row.claim_id] for row in cells.itertuples())
    assert set(cells["verdict"]) <= set(report_claims.CELL_VERDICTS)
    assert (cells["rule"] == cells["claim_id"].map(table["rule"])).all()  # the file's rule, never the code's
    assert (cells.loc[cells["evidence"] == "input", "verdict"] == "input").all()
    assert not (cells["evidence"] == "method check").any()
    summary = claims.summary(c)
    assert summary["grade"] in ("full", "full with minor issues", "partial", "not able to reproduce")
    assert summary["claims"] == len(table)


def test_one_sided_claims_are_judged_at_the_papers_threshold(card):
    _, c = card
    cells = c.frame()
    for cid, threshold in (("fig10_ratio_absolute_s5", 5), ("fig10_russia_over_baltics", 10)):
        for row in cells[cells["claim_id"] == cid].itertuples():
            assert row.verdict == ("reproduced" if row.replicated >= threshold else "not reproduced")


def test_the_evidence_follows_the_list(card):
    s, c = card
    cells = c.frame().set_index("claim_id")
    if s.data.is_real:
        assert cells.loc["fig3_restricted_share", "evidence"] == "other real data"
        assert cells.loc["fig7_eq3_top_biased", "verdict"] == "not testable offline"
        assert set(cells.loc["table1_eu_column", "evidence"]) == {"other real data"}
    else:
        assert cells.loc["fig3_restricted_share", "evidence"] == "input"
