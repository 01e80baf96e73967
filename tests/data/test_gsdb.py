"""GSDB release 3 reader: names, expansion into country-years and dyad-years, the Phillips & Ahmad S_it and Sanc."""
from __future__ import annotations

import pytest

from helpers import data
from helpers.data import gsdb

needs_gsdb = pytest.mark.skipif(data.locate(gsdb.KEY) is None, reason="GSDB release 3 not in the mirror/cache")


@pytest.fixture(scope="module")
def raw():
    return data.load(gsdb.KEY)


def test_split_names_keeps_world_bank_style_suffixes():
    assert gsdb.split_names("Mauritania, Djibouti, Comoros, Jordan, Libya, Yemen, North, Niger") == (
        "Mauritania", "Djibouti", "Comoros", "Jordan", "Libya", "Yemen, North", "Niger")
    assert gsdb.split_names("Congo, Democratic Republic of the, Eritrea") == (
        "Congo, Democratic Republic of the", "Eritrea")
    assert gsdb.split_names("Thailand, South Vietnam") == ("Thailand", "South Vietnam")
    assert gsdb.split_names("Poland,Hungary") == ("Poland", "Hungary")
    assert gsdb.split_names("EU, Slovakia,  Slovenia") == ("EU", "Slovakia", "Slovenia")


def test_name_tables_do_not_overlap():
    tables = [gsdb.COUNTRIES, gsdb.HISTORICAL, gsdb.BY_YEAR, gsdb.GROUPS, gsdb.DROPPED]
    names = [n for t in tables for n in t]
    assert len(names) == len(set(names))
    assert all(reason for reason in gsdb.DROPPED.values())
    codes = {c for c in gsdb.COUNTRIES.values()} | {m for g in gsdb.GROUPS.values() for m in g}
    assert all(len(c) == 3 and c.isupper() for c in codes)


@needs_gsdb
def test_every_name_in_the_file_is_mapped_or_deliberately_dropped(raw):
    names = {n for col in ("sanctioned_state", "sanctioning_state") for s in raw[col] for n in gsdb.split_names(s)}
    unknown = sorted(n for n in names if not gsdb.known(n))
    assert not unknown, f"new GSDB names without a mapping: {unknown}"
    assert names == set(gsdb.name_table()["name"])          # and every entry of the table is used by the file
    c = gsdb.cases()
    assert len(c) == 1325 and c["case_id"].is_unique


@needs_gsdb
def test_a_new_name_fails_loudly(raw):
    bad = raw.copy()
    bad.loc[bad.index[0], "sanctioned_state"] = "Freedonia"
    bad.loc[bad.index[1], "sanctioning_state"] = "United States, Sylvania"
    with pytest.raises(gsdb.UnmappedName, match="Freedonia.*Sylvania|Sylvania.*Freedonia"):
        gsdb.cases(bad)
    with pytest.raises(gsdb.UnmappedName):
        gsdb.iso3_of("Freedonia", 2000)


@needs_gsdb
def test_trade_descriptors_parsed(raw):
    c = gsdb.cases()
    assert c["trade_complete"].sum() == 101                      # cases with exp_compl or imp_compl
    assert (c["trade"] == (c[list(gsdb.TRADE_DESCRIPTORS)].any(axis=1))).all()
    venezuela = c[c["case_id"] == 1173].iloc[0]                  # "exp_compl,imp_part" (no space)
    assert venezuela["exp_compl"] and venezuela["imp_part"] and not venezuela["imp_compl"]


@needs_gsdb
def test_us_cuba_embargo_active_every_year_1995_2022():
    d = gsdb.dyad_years("trade_complete", (1995, 2022))
    us_cuba = d[(d["sender"] == "USA") & (d["target"] == "CUB")]
    assert sorted(us_cuba["year"].unique()) == list(range(1995, 2023))
    s = gsdb.complete_trade_sanctioned((1995, 2022))
    assert sorted(s.loc[s["iso3"] == "CUB", "year"]) == list(range(1995, 2023))


@needs_gsdb
def test_case_with_several_senders_and_targets_expands_to_each_pair():
    d = gsdb.dyad_years()
    case = d[d["case_id"] == 112]                                # India, Pakistan <- United States, United Kingdom
    assert set(zip(case["year"], case["sender"], case["target"])) == {
        (y, s, t) for y in (1965, 1966) for s in ("USA", "GBR") for t in ("IND", "PAK")}
    four = d[(d["case_id"] == 12) & (d["year"] == 1950)]        # Comecon <- Austria, Finland, Sweden, Switzerland
    assert set(four["sender"]) == {"AUT", "FIN", "SWE", "CHE"}
    assert set(four["target"]) == {"SUN", "POL", "CSK", "HUN", "ROU", "BGR", "ALB", "DDR"}
    assert set(four["target_name"]) == {"Comecon"}
    assert d[(d["case_id"] == 12) & (d["year"] == 1992)].empty  # Comecon dissolved in 1991


@needs_gsdb
def test_eu_expands_to_its_members_in_each_year():
    d = gsdb.dyad_years()
    case = d[d["case_id"] == 729]                                # EU -> Yugoslavia, 2003-2014
    senders = case.groupby("year")["sender"].agg(set)
    assert {y: len(s) for y, s in senders.items()} == {2003: 15, 2004: 25, 2005: 25, 2006: 25, 2007: 27, 2008: 27,
                                                       2009: 27, 2010: 27, 2011: 27, 2012: 27, 2013: 28, 2014: 28}
    assert "POL" not in senders[2003] and "POL" in senders[2004] and "HRV" in senders[2013]
    assert set(case["sender_name"]) == {"EU"}
    china = d[d["case_id"] == 431].groupby("year")["sender"].agg(set)   # EU -> China, 1992-2022
    assert "GBR" in china[2020] and "GBR" not in china[2021]
    assert gsdb.iso3_of("EEC", 1980) == gsdb.iso3_of("EU", 1980) and len(gsdb.iso3_of("EU", 1980)) == 9


@needs_gsdb
def test_no_country_sanctions_itself():
    d = gsdb.dyad_years()
    assert (d["sender"] != d["target"]).all()


def test_yugoslavia_and_renamed_states_by_year():
    assert gsdb.iso3_of("Yugoslavia", 1991) == ("YUG",)
    assert gsdb.iso3_of("Yugoslavia", 1995) == ("SRB", "MNE") == gsdb.iso3_of("FRY", 1995)
    assert gsdb.iso3_of("Yugoslavia", 2010) == ("SRB",)
    assert gsdb.iso3_of("South Vietnam", 2005) == ("VNM",) and gsdb.iso3_of("Yemen, North", 2015) == ("YEM",)
    assert gsdb.iso3_of("UN", 2000) == () and gsdb.iso3_of("Terrorist Organizations (Taliban)", 2015) == ()
    arab_league = "League of Arab States"
    assert "EGY" not in gsdb.iso3_of(arab_league, 1985) and "EGY" in gsdb.iso3_of(arab_league, 1995)


@needs_gsdb
def test_complete_trade_sanctions_in_1995_and_2022():
    assert gsdb.sanctioned_in(2022) == ["ARM", "CUB", "ISR", "PRK", "RUS", "VEN"]
    assert gsdb.sanctioned_in(1995, by="name") == [
        "Armenia", "Bosnia and Herzegovina", "Cuba", "Fiji", "Iran", "Iraq", "Israel", "Korea, North", "Macedonia",
        "Myanmar", "Yugoslavia"]
    # the readings of "complete": Venezuela 2022 is exp_compl + imp_part, Russia 2022 exp_part + imp_compl
    assert "VEN" not in gsdb.sanctioned_in(2022, "both") and "RUS" not in gsdb.sanctioned_in(2022, "both")
    assert "VEN" in gsdb.sanctioned_in(2022, "export") and "RUS" in gsdb.sanctioned_in(2022, "import")
    with pytest.raises(ValueError, match="definition"):
        gsdb.complete_trade_sanctioned(definition="partial")


@needs_gsdb
def test_paper_facts_say_where_release_3_differs():
    f = gsdb.paper_facts().set_index("fact")
    assert not f["agrees"].any()
    assert f.loc["countries under complete trade sanctions, 1995 (GSDB names)", "gsdb_v3"] == 11
    assert f.loc["countries under complete trade sanctions, 1995 (ISO3 codes)", "gsdb_v3"] == 12
    note = f.loc["countries under complete trade sanctions, 2022 (list)", "note"]
    assert note == "in the paper only: ESP, LBN; in GSDB V3 only: ISR"


@needs_gsdb
def test_sanc_is_xor_of_target_status_and_either_is_or():
    p = gsdb.sanc_pairs(["USA", "CUB", "PRK", "DEU"], (2000, 2001)).set_index(["exporter", "importer", "year"])
    assert len(p) == 4 * 4 * 2
    assert p.loc[("CUB", "USA", 2000), "Sanc"] == 1 and p.loc[("USA", "CUB", 2001), "Sanc"] == 1
    assert p.loc[("CUB", "PRK", 2000), "Sanc"] == 0 and p.loc[("CUB", "PRK", 2000), "either_sanctioned"] == 1
    assert p.loc[("CUB", "CUB", 2000), "Sanc"] == 0          # domestic flow of a sanctioned country
    assert p.loc[("USA", "DEU", 2000), ["Sanc", "either_sanctioned"]].tolist() == [0, 0]
    s = p.reset_index()
    assert (s["Sanc"] == (s["sanctioned_o"] ^ s["sanctioned_d"])).all()
    assert (s["either_sanctioned"] == (s["sanctioned_o"] | s["sanctioned_d"])).all()
    shares = gsdb.pair_shares(["USA", "CUB", "PRK", "DEU"], (2000, 2000))
    assert shares["either"] == pytest.approx(12 / 16) and shares["xor"] == pytest.approx(8 / 16)


@needs_gsdb
def test_country_years_by_kind_and_role():
    t = gsdb.country_years("arms", years=(2022, 2022))
    assert {"RUS", "PRK"} <= set(t["iso3"])
    s = gsdb.country_years("trade_complete", role="sender", years=(2022, 2022))
    assert {"USA", "JPN", "KOR", "TUR", "AZE"} <= set(s["iso3"])
    with pytest.raises(ValueError, match="kind"):
        gsdb.country_years("embargo")
