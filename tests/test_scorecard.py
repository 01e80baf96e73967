"""Scorecard rules and verdicts, published-number lookup, and the book-level collection."""
import math

import pandas as pd
import pytest

from helpers.report import scorecard
from helpers.report.scorecard import Scorecard, decimals_of, judge


def published(**values):
    row = dict(estimate="", se="", ci_low="", ci_high="", stars="", note="")
    row.update(values)
    return pd.Series(row)


def test_printed_decimals_are_read_from_the_text():
    assert decimals_of("0.510") == 3 and decimals_of("-12") == 0 and decimals_of("1.5") == 1


@pytest.mark.parametrize("replicated, verdict", [(0.5104, "matched"), (0.5096, "matched"), (0.5112, "close"), (0.52, "differs")])
def test_exact_rule_compares_at_printed_precision(replicated, verdict):
    assert judge("exact", replicated, published(estimate="0.510"))[0] == verdict


def test_tolerance_ci_sign_band_recovery_and_qualitative_rules():
    assert judge("tolerance", -0.64, published(estimate="-0.609"), rel=0.10)[0] == "matched"
    assert judge("tolerance", -0.70, published(estimate="-0.609"), rel=0.10)[0] == "close"
    assert judge("tolerance", -0.90, published(estimate="-0.609"), rel=0.10)[0] == "differs"
    assert judge("ci", 0.3, published(estimate="0.2", ci_low="0.1", ci_high="0.35"))[0] == "matched"
    assert judge("ci", 0.4, published(estimate="0.2", ci_low="0.1", ci_high="0.35"))[0] == "differs"
    assert judge("sign_sig", 0.2, published(estimate="0.5", stars="**"), significant=True)[0] == "matched"
    assert judge("sign_sig", 0.2, published(estimate="0.5", stars="**"), significant=False)[0] == "close"
    assert judge("sign_sig", -0.2, published(estimate="0.5", stars=""), significant=False)[0] == "differs"
    assert judge("band", 100, published(estimate="100"), lo=50, hi=200)[0] == "matched"
    assert judge("band", 40, published(estimate="100"), lo=50, hi=200)[0] == "close"
    assert judge("band", 10, published(estimate="100"), lo=50, hi=200)[0] == "differs"
    assert judge("band", 4.8, published(estimate="4"), lo=4, hi=math.inf)[0] == "matched"
    assert judge("band", 3.5, published(estimate="4"), lo=4, hi=math.inf)[0] == "close"
    assert judge("band", 2.0, published(estimate="4"), lo=4, hi=math.inf)[0] == "differs"
    assert judge("recovery", 0.55, published(estimate="0.5"), se=0.03)[0] == "matched"
    assert judge("recovery", 0.65, published(estimate="0.5"), se=0.03)[0] == "differs"
    assert judge("qualitative", 1, published(estimate="1"), holds=False)[0] == "differs"
    with pytest.raises(ValueError, match="Unknown scorecard rule"):
        judge("vibes", 1, published(estimate="1"))


@pytest.fixture
def card(tmp_path):
    (tmp_path / "dorff_minhas.csv").write_text(
        "table,row,column,estimate,se,ci_low,ci_high,stars,note\n"
        "Table 2,Compliance reciprocity,Model 3,0.510,0.102,,,**,\nTable 2,n,Model 3,7684,,,,,\n")
    return Scorecard("dorff_minhas", data_source="real", published=scorecard.load_published("dorff_minhas", tmp_path))


def test_chapter_scorecard_records_saves_and_collects(card, tmp_path):
    assert card.record("Table 2", "Compliance reciprocity", "Model 3", 0.5101, "exact") == "matched"
    assert card.record("Table 2", "n", "Model 3", 7600, "exact") == "differs"
    with pytest.raises(KeyError, match="No published value"):
        card.record("Table 9", "x", "y", 1.0, "exact")
    assert card.record("Text", "claim", "—", 0.49, "tolerance", published=0.5, abs=0.02) == "matched"
    card.unavailable("Table 2", "n", "Model 3", reason="needs a file that is not public")
    assert card.counts() == {"matched": 2, "close": 0, "differs": 1, "not reproducible offline": 1}
    card.save(tmp_path / "cards")
    frame = scorecard.collect(tmp_path / "cards", slugs=("dorff_minhas",))
    assert list(frame.columns) == scorecard.COLUMNS and frame.loc[0, "published"] == "0.510"
    assert math.isnan(frame.loc[3, "replicated"])
    with pytest.raises(FileNotFoundError, match="funke_wende"):
        scorecard.collect(tmp_path / "cards", slugs=("dorff_minhas", "funke_wende"))
    assert scorecard.summary(frame).loc["Dorff & Minhas", "rows"] == 4
    assert "Dorff &amp; Minhas" in scorecard.by_chapter(frame)._repr_html_() or "Dorff & Minhas" in scorecard.by_chapter(frame)._repr_html_()


def test_unknown_chapter_and_malformed_published_file(tmp_path):
    with pytest.raises(ValueError, match="Unknown chapter slug"):
        Scorecard("nobody", published=pd.DataFrame())
    (tmp_path / "funke_wende.csv").write_text("table,row\nA,B\n")
    with pytest.raises(ValueError, match="lacks columns"):
        scorecard.load_published("funke_wende", tmp_path)


def test_every_chapter_published_file_is_well_formed():
    for slug in scorecard.SLUGS:
        path = scorecard.paths.PUBLISHED / f"{slug}.csv"
        if path.exists():
            frame = scorecard.load_published(slug)
            assert len(frame) > 0, slug
