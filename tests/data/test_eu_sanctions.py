"""The EU export-ban list on Russia by HS6 (Chupilkin, Javorcik & Plekhanov) and its HS2017 -> HS92/HS2012 join."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers import data
from helpers.data import eu_sanctions as eu

needs_list = pytest.mark.skipif(any(data.locate(k) is None for k in eu.REAL_KEYS),
                                reason="EU ban list or concordance tables not in the mirror/cache")


@needs_list
def test_the_list_as_documented():
    b = eu.bans()
    assert len(b) == 5369 and b["hs6"].is_unique and b["hs6"].str.fullmatch(r"\d{6}").all()
    assert b["banned"].sum() == 2304 and b["dual_use"].sum() == 865
    assert len(eu.banned_as_of(eu.HSY_CUTOFF)) == 2077
    assert b.loc[b["banned"], "date"].notna().all() and b.loc[~b["banned"], "date"].isna().all()
    by_date = b.loc[b["banned"], "date"].value_counts()
    assert by_date[pd.Timestamp("2022-02-25")] == 894 and by_date[pd.Timestamp("2016-12-22")] == 17
    row = b.set_index("hs6").loc["880240"]                   # aeroplanes > 15,000 kg
    assert row["banned"] and row["aviation"] and row["dual_use"] and row["categories"] == "aviation;dual_use"


@needs_list
def test_banned_as_of_dates_and_categories():
    assert len(eu.banned_as_of("2022-02-24")) == 17           # only the 2016 measures
    assert len(eu.banned_as_of("2022-02-25", "dual_use")) == 865
    assert len(eu.banned_as_of("2022-02-24", ["dual_use"])) == 6
    lux = eu.banned_as_of(eu.HSY_CUTOFF, "luxury")
    assert lux["luxury"].all() and (lux["date"] <= eu.HSY_CUTOFF).all()
    with pytest.raises(ValueError, match="Unknown categories"):
        eu.banned_as_of(eu.HSY_CUTOFF, "caviar")


@needs_list
def test_codes_that_are_not_hs2017_are_listed_and_unmapped():
    u = eu.unmapped_codes()
    assert sorted(u["hs6"]) == sorted(eu.NOT_HS2017) and u["banned"].all() and u["reason"].notna().all()
    hs2017 = set(eu.universe("hs2017"))
    assert not (set(u["hs6"]) & hs2017)
    assert set(eu.bans().query("in_hs2017")["hs6"]) <= hs2017
    for hs in ("hs92", "hs2012"):
        assert not (set(u["hs6"]) & set(eu.concordance(hs)["hs2017"]))


@needs_list
def test_concordance_join_on_known_codes():
    c = eu.concordance("hs92")
    assert set(c.loc[c["hs2017"] == "880240", "hs6"]) == {"880240"}             # unchanged code
    assert set(c.loc[c["hs6"] == "854211", "hs2017"]) == {"852352", "854231", "854232", "854233", "854239"}
    t = eu.to_hs("hs92", eu.HSY_CUTOFF).set_index("hs6")
    # one HS92 code, several HS2017 codes, some banned: HS92 010111 (pure-bred horses) stands for HS2017 010121
    # (banned as luxury on 2022-03-15) and 010130 (asses, not banned) in the package's table
    horses = t.loc["010111"]
    assert (horses["n_hs2017"], horses["n_banned"], horses["share_banned"]) == (2, 1, 0.5)
    assert bool(horses["banned_any"]) and not bool(horses["banned_all"]) and horses["luxury"]
    assert horses["first_date"] == pd.Timestamp("2022-03-15")
    ics = t.loc["854211"]                                     # integrated circuits: all five counterparts banned
    assert (ics["n_hs2017"], ics["n_banned"]) == (5, 5) and bool(ics["banned_all"]) and ics["dual_use"]
    assert t.loc["880240", "aviation"] and t.loc["880240", "first_date"] == pd.Timestamp("2022-02-25")
    h12 = eu.concordance("hs2012")
    assert h12["hs2017"].is_unique and set(h12.loc[h12["hs2017"] == "854231", "hs6"]) == {"854231"}


@needs_list
def test_union_links_add_the_chain_to_the_direct_table():
    direct, union = eu.concordance("hs92", "direct"), eu.concordance("hs92", "union")
    assert direct["hs2017"].is_unique and len(direct) == 5388            # the package: one HS92 code per HS2017 code
    pairs = set(zip(union["hs2017"], union["hs6"]))
    assert set(zip(direct["hs2017"], direct["hs6"])) <= pairs
    assert (union["source"] == "chain").sum() == len(union) - len(direct) > 0
    assert ("010130", "010119") in pairs                                   # asses: a second HS92 counterpart
    assert union["hs6"].nunique() > direct["hs6"].nunique()


@needs_list
def test_rules_orphans_and_universe():
    t = eu.to_hs("hs92", eu.HSY_CUTOFF)
    assert list(t["hs6"]) == list(eu.universe("hs92")) and len(t) == 5041
    orphan = t["n_hs2017"] == 0
    assert t.loc[orphan, "banned_any"].isna().all() and t.loc[~orphan, "banned_any"].notna().all()
    any_ = set(eu.banned_as_of(eu.HSY_CUTOFF, hs="hs92")["hs6"])
    all_ = set(eu.banned_as_of(eu.HSY_CUTOFF, hs="hs92", rule="all")["hs6"])
    half = set(eu.banned_as_of(eu.HSY_CUTOFF, hs="hs92", rule=0.5)["hs6"])
    assert all_ <= half <= any_ and len(all_) < len(any_)
    filled = eu.to_hs("hs92", eu.HSY_CUTOFF, orphans="heading")
    assert filled["via_heading"].sum() > 0 and (filled.loc[filled["via_heading"], "n_hs2017"] > 0).all()
    assert filled["banned_any"].isna().sum() < orphan.sum()
    with pytest.raises(ValueError, match="rule"):
        eu.banned_as_of(eu.HSY_CUTOFF, hs="hs92", rule="most")


@needs_list
def test_dual_use_set_2022_in_hs2017_and_in_the_zeng_peterson_vintage():
    assert eu.ZENG_PETERSON_HS == "hs92"
    own = eu.dual_use_hs6(hs="hs2017")
    assert len(own) == 865 and set(own) == set(eu.bans().query("dual_use")["hs6"])
    hs92 = eu.dual_use_hs6()
    assert set(hs92) <= set(eu.universe("hs92")) and 700 < len(hs92) < 865
    links = eu.concordance("hs92")
    for code in hs92[:50]:                                    # every HS92 code has a dual-use HS2017 counterpart
        assert set(links.loc[links["hs6"] == code, "hs2017"]) & set(own)
    with pytest.raises(ValueError, match="2022"):
        eu.dual_use_hs6(vintage=2021)
