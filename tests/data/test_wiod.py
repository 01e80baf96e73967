"""WIOD 2013 world input-output tables 1995-2011: bilateral sector trade with domestic flows."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import data
from helpers.data import store, wiod

needs_wiod = pytest.mark.skipif(any(data.locate(k) is None for k in wiod.KEYS.values()),
                                reason="WIOD 2013 tables not all in the mirror/cache")
YEAR = 2005
N, S = wiod.N_COUNTRIES, wiod.N_INDUSTRIES
MANUF = [int(c[1:]) - 1 for c in wiod.MANUFACTURING]           # row positions of c3..c16 within a country block


@pytest.fixture(scope="module")
def raw():
    """The year's table as the file holds it (inter 1435 x 1435, final 1435 x 205), not through `flows`."""
    t = wiod.read_table(data.resolve(wiod.KEYS[YEAR]))
    return np.asarray(t["inter"], float), np.asarray(t["final"], float), t


@pytest.fixture(scope="module")
def trade():
    return wiod.sector_trade(YEAR)


@needs_wiod
def test_table_layout_is_country_major(raw):
    inter, final, t = raw
    assert t["countries"][:3] == ["AUS", "AUT", "BEL"] and t["countries"][-1] == "RoW" and len(t["countries"]) == N
    assert t["industries"] == [f"c{k}" for k in range(1, S + 1)]
    blocks = inter.reshape(N, S, N, S).sum(axis=(1, 3))
    assert np.trace(blocks) / blocks.sum() > 0.7             # domestic blocks dominate: rows and columns country-major


@needs_wiod
def test_domestic_flows_equal_the_tables_own_diagonal_blocks(raw, trade):
    inter, final, t = raw
    dom = trade[trade["exporter"] == trade["importer"]]
    assert len(dom) == N * len(MANUF)
    codes = [wiod.ISO3_FIXES.get(c, c) for c in t["countries"]]
    for i, iso in enumerate(codes):
        rows = [i * S + s for s in MANUF]
        expected = inter[rows, i * S:(i + 1) * S].sum(axis=1) + final[rows, i * 5:(i + 1) * 5].sum(axis=1)
        got = dom[dom["exporter"] == iso].set_index("industry").loc[list(wiod.MANUFACTURING), "value"].to_numpy()
        np.testing.assert_array_equal(got, expected)


@needs_wiod
def test_each_exporter_industry_adds_up_to_its_row_of_intermediate_plus_final_use(raw, trade):
    inter, final, t = raw
    totals = trade.groupby(["exporter", "industry"], observed=True)["value"].sum()
    codes = [wiod.ISO3_FIXES.get(c, c) for c in t["countries"]]
    for i, iso in enumerate(codes):
        for s, code in zip(MANUF, wiod.MANUFACTURING):
            r = i * S + s
            assert totals[(iso, code)] == inter[r].sum() + final[r].sum()
    rt = wiod.row_totals(YEAR).set_index(["exporter", "industry"])["total"]
    ours = totals.rename(lambda v: str(v))
    assert ours.to_dict() == rt.to_dict()
    # without the inventory column the flows add up to the row minus it, and none is negative
    no_inv = wiod.sector_trade(YEAR, inventories=False)
    assert (no_inv["value"] >= 0).all()
    inv = final.reshape(N * S, N, 5)[:, :, 4].sum(axis=1)
    r = 9 * S + 4                                             # DEU c5
    deu_c5 = no_inv.query("exporter == 'DEU' and industry == 'c5'")["value"].sum()
    assert deu_c5 == inter[r].sum() + final[r].sum() - inv[r]


@needs_wiod
def test_whole_panel_shape_codes_and_row_handling():
    panel = wiod.sector_trade()
    assert len(panel) == 17 * N * N * 14
    assert sorted(panel["year"].unique()) == list(wiod.YEARS)
    codes = set(panel["exporter"].cat.categories)
    assert {"ROU", "ROW"} <= codes and "ROM" not in codes
    assert list(panel.columns) == ["exporter", "importer", "industry", "industry_name", "year", "value"]
    no_row = wiod.sector_trade((2010, 2011), include_row=False)
    assert len(no_row) == 2 * 40 * 40 * 14 and "ROW" not in set(no_row["importer"])
    assert (panel.groupby("year")["value"].sum().diff().dropna() != 0).all()   # every year a different table


@needs_wiod
def test_2008_agrees_with_the_foundation_reader():
    """The same file read through helpers.data.load (readers.read_rda, labelled frames) gives the same sums."""
    ref = data.load("wiod2013_wiot_2008")["wiot_2008"]
    inter, final = np.asarray(ref["inter"], float), np.asarray(ref["final"], float)
    f = wiod.flows(2008)
    np.testing.assert_array_equal(f.inter_to, inter.reshape(N * S, N, S).sum(axis=2))
    np.testing.assert_array_equal(f.final.reshape(N * S, N * 5), final)


@needs_wiod
def test_a_missing_year_raises_data_unavailable_naming_its_key(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    for year, key in wiod.KEYS.items():
        if year == 2003:
            continue
        src = data.source(key)
        target = mirror / src.mirror_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(data.resolve(key))
    monkeypatch.setenv("BOOK_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("BOOK_DATA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "_verified", {})
    wiod.flows.cache_clear()
    try:
        with pytest.raises(data.DataUnavailable, match="wiod2013_wiot_2003") as error:
            wiod.sector_trade((1995, 2011))
        assert "wiod2013_wiot_2002" not in str(error.value) and "make data" in str(error.value)
        assert len(wiod.sector_trade((2004, 2005))) == 2 * N * N * 14          # the other years still read
    finally:
        wiod.flows.cache_clear()
        store._verified.clear()


def test_years_outside_the_release_and_unknown_industries_are_refused():
    with pytest.raises(ValueError, match="1995-2011"):
        wiod.sector_trade(2012)
    with pytest.raises(ValueError, match="Unknown WIOD industries"):
        wiod.sector_trade(1995, industries=["c99"])


def test_sector_map_covers_the_papers_14_sectors():
    m = wiod.sector_map()
    assert list(m["industry"]) == list(wiod.MANUFACTURING) and len(m) == 14
    assert {s for sectors in m["paper_sectors"] for s in sectors.split("; ")} == set(wiod.PAPER_SECTORS)
    assert wiod.paper_sector_of("c12") == "Metals / Fabricated metals"


# the spec's inferred ISIC rev. 3 division -> sector map (specs/002-phillips-ahmad.md §2.3; 293 is in 29 at this level)
SPEC_ISIC_MAP = {15: "Food", 16: "Food", 17: "Apparel", 18: "Apparel", 19: "Apparel", 20: "Wood/paper",
                 21: "Wood/paper", 22: "Wood/paper", 23: "Fuel", 24: "Chemicals/pharma", 25: "Plastics/rubber",
                 26: "Nonmetallic minerals", 27: "Metals", 28: "Fabricated metals", 29: "Machinery", 30: "Electronics",
                 31: "Appliances", 32: "Electronics", 33: "Electronics", 34: "Transportation equipment",
                 35: "Transportation equipment", 36: "Misc.", 37: "Misc."}


def test_sector_map_agrees_with_the_specs_isic_map():
    isic_map = SPEC_ISIC_MAP
    for code, (divisions, sectors, _) in wiod.SECTOR_MAP.items():
        assert {isic_map[d] for d in divisions} == set(sectors), code


@pytest.mark.skipif(data.locate("concordance_wiod_2013") is None, reason="concordance tables not in the mirror")
def test_isic_divisions_match_the_concordance_packages_wiod_table():
    t = data.load("concordance_wiod_2013")["wiod_2013"]
    divisions = t.groupby("WIOT2013_c")["ISIC3_2d"].agg(lambda s: tuple(sorted({int(x) for x in s})))
    for code, (isic, _, _) in wiod.SECTOR_MAP.items():
        assert divisions[wiod.INDUSTRIES[code][0]] == isic, code
