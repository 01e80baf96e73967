"""Phillips & Ahmad's claims: the files load, every claim is scored, untestable or an input on quick settings,
method checks compare with the generator's truth (never the paper), and the GSDB facts come from the real file."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers.chapters.phillips_ahmad import chapter, claims, pipeline
from helpers.data import DataUnavailable, gsdb
from helpers.report import claims as book_claims

SLUG = "phillips_ahmad"


@pytest.fixture(scope="module")
def scored():
    s = chapter.settings(quick=True)
    result = pipeline.run(s)
    return s, result, claims.scorecard(s, result)


def test_the_claims_files_load():
    table = book_claims.load_claims(SLUG)
    published = book_claims.load_published(SLUG)
    assert set(published["claim_id"]) == set(table.index)       # no claim without a printed number
    assert list(pd.read_csv(book_claims.paths.PUBLISHED / f"{SLUG}_claims.csv", nrows=0).columns) == \
        book_claims.CLAIMS_COLUMNS


def test_every_claim_is_scored_untestable_or_an_input(scored):
    _, _, card = scored
    cells = card.frame()
    assert set(cells["claim_id"]) == set(card.claims.index)
    # a cell is scored once per kind of evidence; on WIOD once per industry standing for the paper's sector
    # (Apparel = c4 + c5, Wood/paper = c6 + c7), which the note names
    assert not cells.duplicated(["table", "row", "column", "evidence", "note"]).any()
    assert not cells[cells["evidence"] != "other real data"].duplicated(["table", "row", "column", "evidence"]).any()
    assert set(cells["verdict"]) <= set(book_claims.CELL_VERDICTS)


def test_method_checks_compare_with_the_generators_truth_not_the_paper(scored):
    _, result, card = scored
    checks = card.frame().query("evidence == 'method check' and verdict != 'not testable offline'")
    assert len(checks) > 0
    assert checks["note"].str.contains("generator's truth").all()
    for r in checks.itertuples():
        period = "2010-2022" if r.table == "Table 5" else "1995-2009"
        truth = float(result.truth.loc[(r.column, period), r.row])
        assert f"{truth:.4g}" in r.note                             # the truth it was judged against
    assert not checks["verdict"].isin(["reproduced", "reproduced within tolerance", "not reproduced"]).any()
    counted = book_claims.claims_table(card.frame())
    assert not counted.query("evidence == 'method check'")["verdict"].isin(
        ["reproduced", "reproduced within tolerance"]).any()


def test_the_gsdb_facts_come_from_the_real_file(scored):
    _, _, card = scored
    try:
        facts = gsdb.paper_facts().set_index("fact")
    except DataUnavailable:
        pytest.skip("GSDB is not in the data mirror")
    cells = card.frame().set_index(["table", "row", "column"]).loc["Section 3"]
    names = facts.loc["countries under complete trade sanctions, 1995 (GSDB names)", "gsdb_v3"]
    iso = facts.loc["countries under complete trade sanctions, 1995 (ISO3 codes)", "gsdb_v3"]
    assert cells.loc[("gsdb_complete_1995", "count (GSDB names)"), "replicated"] == names
    assert cells.loc[("gsdb_complete_1995", "count (ISO3 codes)"), "replicated"] == iso
    listed = cells.loc[("gsdb_complete_2022", "list (count)")]
    assert listed["evidence"] == "rebuilt from sources" and "release 3" in listed["note"]
    agrees = bool(facts.loc["countries under complete trade sanctions, 2022 (list)", "agrees"])
    assert listed["verdict"] == ("reproduced" if agrees else "not reproduced")


def test_table7_share_under_sanction_is_rebuilt_from_gsdb(scored):
    _, _, card = scored
    try:
        countries = claims.world_economies()
        expected = gsdb.pair_shares(countries, (1995, 2009))["either"]
    except DataUnavailable:
        pytest.skip("GSDB or the World Bank file is not in the data mirror")
    cells = card.frame().query("table == 'Table 7' and row == 'SancOR'").set_index("column")
    cell = cells.loc["1995-2009"]
    assert cell["evidence"] == "rebuilt from sources" and cell["replicated"] == pytest.approx(100 * expected)
    assert "World Bank" in cell["note"] and "release 3" in cell["note"]
    assert cells.loc["2010-2022", "verdict"] != "not testable offline"
