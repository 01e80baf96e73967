"""The real EU ban list in the chapter: the product table's EU column, the data choice, the page statements, the
scenarios' ban sets and the paper's own Table 1 column."""
import numpy as np
import pandas as pd
import pytest

from helpers.chapters.hausmann_schetter_yildirim import chapter, data, inputs, pipeline, tables
from helpers.chapters.hausmann_schetter_yildirim.model import calibration as cal
from helpers.chapters.hausmann_schetter_yildirim.model import scenarios as sc
from helpers.data import DataUnavailable, eu_sanctions


@pytest.fixture(scope="module")
def real():
    try:
        s = chapter.settings(data_source="real")
    except DataUnavailable as err:            # the mirror is absent: these are real-data checks only
        pytest.skip(str(err).splitlines()[0])
    return s


def test_the_list_replaces_only_the_eu_column(real):
    with_real = inputs.product_table("real", real.seed, eu_list="real")
    generated = inputs.product_table("real", real.seed, eu_list="generated")
    shared = [c for c in generated.columns if c not in ("eu", "eu_source")]
    pd.testing.assert_frame_equal(with_real[shared], generated[shared])           # the same draw of trade
    assert (with_real["eu_generated"] == generated["eu"]).all()
    assert set(with_real["eu_source"]) == {"real"} and set(generated["eu_source"]) == {"generated"}
    banned = set(eu_sanctions.banned_as_of(eu_sanctions.HSY_CUTOFF, hs="hs92", rule="any")["hs6"])
    assert set(with_real.loc[with_real["eu"] == 1, "hs6"]) == banned & set(with_real["hs6"])
    assert (with_real.loc[with_real["eu_orphan"], "eu"] == 0).all()                 # no status: not banned
    known = with_real.set_index("hs6")
    assert known.loc["880240", "eu"] == 1 and known.loc["880240", "eu_aviation"]    # aircraft, 25 Feb 2022
    assert known.loc["300490", "eu"] == 0                                           # medicaments
    assert known.loc["870323", "eu"] == 1 and known.loc["870323", "eu_luxury"]      # cars, luxury ban 15 Mar 2022


def test_without_luxury_only_bans(real):
    full = inputs.product_table("real", real.seed, eu_list="real").set_index("hs6")
    no_luxury = inputs.product_table("real", real.seed, eu_list="real_no_luxury").set_index("hs6")
    assert (no_luxury["eu"] <= full["eu"]).all()
    assert no_luxury.loc["870323", "eu"] == 0 and no_luxury.loc["880240", "eu"] == 1
    dropped = full.index[(full["eu"] == 1) & (no_luxury["eu"] == 0)]
    assert full.loc[dropped, "eu_luxury"].all()                  # only luxury bans are left out


def test_list_facts_are_the_files(real):
    facts = data.eu_list_facts()
    assert facts["hs2017_codes"] == 5369 and facts["hs2017_banned"] == 2077                  # reader's docstring
    assert sum(v for k, v in facts.items() if k.startswith("wave_")) == facts["hs2017_banned"]
    assert facts["wave_2022_02_25"] == 894 and facts["wave_2016_12_22"] == 17
    assert facts["hs92_banned_all"] <= facts["hs92_banned_any"] and facts["hs92_banned_no_luxury"] < facts["hs92_banned_any"]
    assert facts["hs92_orphans"] > 0 and facts["hs92_split"] <= facts["hs92_one_to_many"]


def test_the_data_choice_reads_the_list_only_when_used(real):
    assert eu_sanctions.KEY in real.data.keys
    generated = chapter.settings(data_source="real", eu_list="generated")
    assert eu_sanctions.KEY not in generated.data.keys
    assert data.real_eu_list(real) and not data.real_eu_list(generated)
    assert not data.real_eu_list(chapter.settings(data_source="synthetic"))       # no files: the list is generated


def test_pages_say_which_list(real):
    page = data.describe_data(real)
    assert any("EU export bans on Russia in force on 9 May 2022" in item for item in page.real)
    assert any("US list" in item for item in page.generated)
    assert not any(item.startswith("the EU list") for item in page.generated)
    generated = data.describe_data(chapter.settings(data_source="real", eu_list="generated"))
    assert any(item.startswith("the EU list") for item in generated.generated)
    no_luxury = data.describe_data(chapter.settings(data_source="real", eu_list="real_no_luxury"))
    assert any("luxury" in item for item in no_luxury.real)


def test_scenarios_ban_the_real_list(real):
    P = pipeline.run(real).products
    co = list(cal.COALITION)
    b1, _ = sc.ban_sets(P, 1, co)
    b2, share = sc.ban_sets(P, 2, co)
    eu = P["eu"].to_numpy() > 0
    assert all(np.array_equal(b2[c], eu) for c in co)
    assert all(np.array_equal(b1[c], eu) for c in cal.EU_GROUPS) and not b1["Japan"].any()
    assert np.array_equal(b1["USA"], P["us"].to_numpy() > 0)                       # the US list stays generated
    assert 0 < share < 1


def test_paper_table1_against_the_list(real):
    paper = tables.paper_table1_eu()
    assert len(paper) == 20 and paper["hs6"].is_unique and paper["paper"].sum() == 7          # "EU sanctioning 7"
    assert ((paper["paper"] == 1) <= (paper["real"] == 1)).all()             # every product the paper marks is banned
    disagree = paper[paper["paper"] != paper["real"]]
    assert (disagree["categories"] == "luxury").all()
    assert (paper["paper"] == paper["real_no_luxury"]).all()


def test_tables_read_as_tables(real):
    r = pipeline.run(real)
    views = [tables.eu_list_overview_view(tables.eu_list_overview(r.raw_products, real)),
             tables.end_use_view(tables.end_use_shares(r.raw_products), real),
             tables.table1_view(r.products, real), tables.table1_facts_view(tables.table1_facts(r.products), real),
             tables.paper_table1_eu_view(tables.paper_table1_eu()),
             tables.sanctions_vs_ranks_view(tables.sanctions_vs_ranks(r.products), real)]
    for view in views:
        html = view._repr_html_()
        assert view.caption and view.note and "NaN" not in html and "nan%" not in html
        shown = [str(c) for c in view.styler().data.columns]
        assert not any("_" in c and " " not in c for c in shown), shown            # no snake_case headers
