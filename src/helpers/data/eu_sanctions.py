"""The EU export bans on Russia (Council Regulation 833/2014 as amended from February 2022) by HS6 product, as
assembled by Chupilkin, Javorcik & Plekhanov ("The Eurasian Roundabout"; replication package openICPSR 229004).

Mirror key ``eu_sanctions_hs6_chupilkin`` (``EU_sanctions_HS6.dta``): 5,369 HS2017 six-digit codes (text, leading
zeros kept), 2,304 of them banned at some date (``EU_sanction`` = 1). The file is a collapse of a finer list: its
variable labels read "(min) Date", "(max) dual_use", ..., so ``Date`` is the *earliest* date any part of the HS6
code was banned and each category flag says that *some* part of it is in that category. Columns: ``Date``,
``Winddowndate`` (end of the wind-down period for existing contracts), ``partially_exempt``, ``Maxprice`` (the
price cap of the luxury ban, EUR), and the categories ``aviation``, ``dual_use``, ``firearms``, ``industrial_cap``,
``luxury``, ``military_tech``, ``oil_exploration``, ``oil_refining`` (1 or missing). Ban dates: 17 codes from
2016-12-22 (earlier measures), 894 on 2022-02-25, 583 on 2022-03-15, 583 on 2022-04-08, 2,077 by 9 May 2022 (the
Hausmann-Schetter-Yildirim cut-off, :data:`HSY_CUTOFF`), the rest to 2023-02-25. 865 codes are dual use (859 of
them from 2022-02-25, 6 from 2016).

Codes. 5,362 of the codes are HS2017 codes; seven are not (:data:`NOT_HS2017`, all banned: 930521 and 930529 are
HS1992-2007 codes deleted in HS2012; 240394, 240395, 240431, 255734 and 260336 are in no HS vintage) and are not
mapped; 26 HS2017
codes are absent from the list (codes that HS2022 deleted, e.g. 620112, 854150): they count as not banned.

Vintages. Trade data in the book are HS92 (Atlas/BACI HS92 in Hausmann et al. and in Zeng & Peterson,
:data:`ZENG_PETERSON_HS`). :func:`concordance` links HS2017 to HS92 (or HS2012) with the ``insongkim/concordance``
tables: the package's ``hs5_hs0`` gives each HS2017 code one HS92 code (and ``hs5_hs4`` one HS2012 code). Seen from
HS92 this is one-to-many: an HS92 code can stand for several HS2017 codes, some banned and some not. With
``links="union"`` (default) the links of the direct table are joined by those of the chain HS2017 → 2012 → 2007 →
2002 → 1996 → 1992 (the package's table for each step), which gives 47 more HS92 codes a counterpart and some codes
a second one; ``links="direct"`` keeps the package's single table. :func:`to_hs` then reports, for each code of the
target vintage, how many HS2017 codes it stands for (``n_hs2017``), how many are banned (``n_banned``), their
share, and ``banned_any`` / ``banned_all``; :func:`banned_as_of` takes a rule: ``"any"`` (default: a product is
banned when any HS2017 code it stands for is), ``"all"``, or a share threshold. HS92 codes that no HS2017 code maps
to (436 with the union links, 483 with the direct table: HS92 codes the package's single-valued tables never pick)
are "orphans": their status is missing (``orphans="missing"``, default), or taken from every HS2017 code under the
same four-digit heading (``orphans="heading"``).
"""
from __future__ import annotations

from functools import lru_cache
import numpy as np
import pandas as pd

from helpers.data import load

KEY = "eu_sanctions_hs6_chupilkin"
CATEGORIES = ("aviation", "dual_use", "firearms", "industrial_cap", "luxury", "military_tech", "oil_exploration",
              "oil_refining")
#: Hausmann, Schetter & Yildirim use restrictions introduced up to 9 May 2022
HSY_CUTOFF = pd.Timestamp("2022-05-09")
#: the HS revision of the Zeng & Peterson chapter's product data (Atlas HS92 six-digit)
ZENG_PETERSON_HS = "hs92"
#: HS vintages: name -> the concordance package's prefix
VINTAGES = {"hs2017": "HS5", "hs2012": "HS4", "hs92": "HS0"}
_DESC_KEYS = {"hs2017": "concordance_hs5_desc", "hs2012": "concordance_hs4_desc", "hs92": "concordance_hs0_desc"}
_DIRECT_KEYS = {"hs2012": "concordance_hs5_hs4", "hs92": "concordance_hs5_hs0"}
_CHAIN = ((5, 4), (4, 3), (3, 2), (2, 1), (1, 0))
CONCORDANCE_KEYS = tuple(dict.fromkeys([*_DESC_KEYS.values(), *_DIRECT_KEYS.values(),
                                        *(f"concordance_hs{a}_hs{b}" for a, b in _CHAIN)]))
REAL_KEYS = (KEY, *CONCORDANCE_KEYS)

#: codes in the list that are not HS2017 codes (not in the concordance package's HS2017 table), all banned
NOT_HS2017 = {
    **{c: "in no HS vintage 1992-2022 (a national or mis-keyed code)" for c in ("240394", "240395", "240431", "255734",
                                                                             "260336")},
    "930521": "HS1992-HS2007 subheading (parts of shotguns: barrels), deleted in HS2012",
    "930529": "HS1992-HS2007 subheading (parts of shotguns or rifles, other), deleted in HS2012",
}


# ------------------------------------------------------------------------------------------------
# The list
# ------------------------------------------------------------------------------------------------
def _read() -> pd.DataFrame:
    return load(KEY)


def bans(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per HS2017 six-digit code of the list: hs6, banned (bool), date (first ban, NaT if never),
    winddown_date, partially_exempt (nullable bool), max_price (EUR, NaN if none), one bool column per category
    (CATEGORIES), categories (';'-joined names of the flagged ones), in_hs2017 (False for the NOT_HS2017 codes)."""
    if frame is None:
        return _bans_cached().copy()
    return _tidy(frame)


@lru_cache(maxsize=1)
def _bans_cached() -> pd.DataFrame:
    return _tidy(_read())


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    need = ["Code", "Date", "EU_sanction", *CATEGORIES]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise ValueError(f"Not the EU_sanctions_HS6 table: columns {missing} are missing.")
    code = frame["Code"].astype(str).str.strip()
    six = code.str.fullmatch(r"\d{6}")
    if not six.all():
        raise ValueError(f"HS6 codes must be six digits: {sorted(code[~six])[:5]}")
    out = pd.DataFrame({"hs6": code.to_numpy(), "banned": (frame["EU_sanction"] == 1).to_numpy(),
                        "date": pd.to_datetime(frame["Date"]).to_numpy()})
    out["winddown_date"] = pd.to_datetime(frame["Winddowndate"]).to_numpy() if "Winddowndate" in frame else pd.NaT
    pe = frame.get("partially_exempt", pd.Series(np.nan, index=frame.index))
    out["partially_exempt"] = pd.array(np.where(pe.isna(), None, pe == 1), dtype="boolean")
    price = frame["Maxprice"] if "Maxprice" in frame else pd.Series(np.nan, index=frame.index)
    out["max_price"] = pd.to_numeric(price, errors="coerce").to_numpy()
    for c in CATEGORIES:
        out[c] = (frame[c] == 1).to_numpy()
    flags = out[list(CATEGORIES)].to_numpy()
    out["categories"] = [";".join(c for c, f in zip(CATEGORIES, row) if f) for row in flags]
    out["in_hs2017"] = ~out["hs6"].isin(NOT_HS2017)
    if (out["banned"] & out["date"].isna()).any():
        raise ValueError("A banned code without a date: the list's layout changed.")
    return out.sort_values("hs6", ignore_index=True)


def _category_list(categories) -> list[str] | None:
    if categories is None:
        return None
    cats = [categories] if isinstance(categories, str) else list(categories)
    bad = [c for c in cats if c not in CATEGORIES]
    if bad:
        raise ValueError(f"Unknown categories {bad}; known: {list(CATEGORIES)}.")
    return cats


def _active(b: pd.DataFrame, date=None, categories=None) -> pd.Series:
    """Boolean per row of bans(): banned by `date` (inclusive; None = at any date) in one of `categories`."""
    on = b["banned"].copy()
    if date is not None:
        on &= b["date"] <= pd.Timestamp(date)
    cats = _category_list(categories)
    if cats is not None:
        on &= b[cats].any(axis=1)
    return on


def unmapped_codes() -> pd.DataFrame:
    """The list's codes that no concordance can map (not HS2017 codes): hs6, banned, date, categories, reason."""
    b = bans()
    out = b.loc[~b["in_hs2017"], ["hs6", "banned", "date", "categories"]].copy()
    out["reason"] = out["hs6"].map(NOT_HS2017)
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# Concordance
# ------------------------------------------------------------------------------------------------
def _pair_table(new: int, old: int) -> pd.DataFrame:
    t = load(f"concordance_hs{new}_hs{old}")[f"hs{new}_hs{old}"]
    return pd.DataFrame({"new": t[f"HS{new}_6d"].astype(str).to_numpy(),
                         "old": t[f"HS{old}_6d"].astype(str).to_numpy()}).drop_duplicates(ignore_index=True)


@lru_cache(maxsize=4)
def concordance(hs: str = "hs92", links: str = "union") -> pd.DataFrame:
    """Links HS2017 → `hs` ('hs92', 'hs2012' or 'hs2017' itself): columns hs2017, hs6 (the target code),
    source ('direct' = the package's hs5_hs0 / hs5_hs4 table, 'chain' = only through the chain of one-step
    tables). `links` = 'union' (default) or 'direct'."""
    if hs not in VINTAGES:
        raise ValueError(f"hs must be one of {list(VINTAGES)}; got {hs!r}.")
    if links not in ("union", "direct"):
        raise ValueError(f"links must be 'union' or 'direct'; got {links!r}.")
    if hs == "hs2017":
        codes = universe("hs2017")
        return pd.DataFrame({"hs2017": codes, "hs6": codes, "source": "direct"})
    direct = _pair_table(5, 4 if hs == "hs2012" else 0).rename(columns={"new": "hs2017", "old": "hs6"})
    direct["source"] = "direct"
    if links == "direct" or hs == "hs2012":
        return direct
    chain = _pair_table(5, 4).rename(columns={"new": "hs2017", "old": "x"})
    for new, old in _CHAIN[1:]:
        step = _pair_table(new, old).rename(columns={"new": "x", "old": "y"})
        chain = chain.merge(step, on="x").drop(columns="x").rename(columns={"y": "x"})
    chain = chain.rename(columns={"x": "hs6"}).drop_duplicates()
    extra = chain.merge(direct[["hs2017", "hs6"]], how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"].drop(columns="_merge").assign(source="chain")
    return pd.concat([direct, extra], ignore_index=True).sort_values(["hs2017", "hs6"], ignore_index=True)


@lru_cache(maxsize=4)
def universe(hs: str = "hs92") -> tuple[str, ...]:
    """Every six-digit code of an HS vintage (from the concordance package's description tables)."""
    if hs not in VINTAGES:
        raise ValueError(f"hs must be one of {list(VINTAGES)}; got {hs!r}.")
    key = _DESC_KEYS[hs]
    d = load(key)[key.removeprefix("concordance_")]
    codes = d["code"].astype(str)
    return tuple(sorted(codes[codes.str.len() == 6]))


def to_hs(hs: str = "hs92", date=None, categories=None, links: str = "union", orphans: str = "missing") -> pd.DataFrame:
    """The ban list in another HS vintage, one row per code of `hs`: hs6, n_hs2017 (HS2017 codes it stands for),
    n_banned (those banned by `date` in one of `categories`; None = any date / any category), share_banned,
    banned_any, banned_all (nullable booleans), first_date (earliest ban among them), one bool column per category
    (any of its banned HS2017 codes carries it), via_heading (True where the status comes from the heading).

    `orphans`: codes no HS2017 code maps to get missing status ('missing', default) or the status of every HS2017
    code of the list under the same four-digit heading ('heading')."""
    if orphans not in ("missing", "heading"):
        raise ValueError(f"orphans must be 'missing' or 'heading'; got {orphans!r}.")
    b = bans()
    b = b.assign(on=_active(b, date, categories))
    links_ = concordance(hs, links)[["hs2017", "hs6"]]
    j = links_.merge(b.rename(columns={"hs6": "hs2017"}), on="hs2017", how="left")
    j["on"] = j["on"].eq(True)            # HS2017 codes absent from the list: not banned
    agg = _aggregate(j)
    out = pd.DataFrame({"hs6": list(universe(hs))}).merge(agg, on="hs6", how="left")
    out["via_heading"] = False
    orphan = out["n_hs2017"].isna()
    if orphans == "heading" and orphan.any():
        heads = pd.DataFrame({"hs6": out.loc[orphan, "hs6"]})
        heads["heading"] = heads["hs6"].str[:4]
        hb = b.assign(heading=b["hs6"].str[:4]).rename(columns={"hs6": "hs2017"})
        hj = heads.merge(hb, on="heading").drop(columns="heading")
        filled = _aggregate(hj).set_index("hs6")
        idx = out.index[orphan & out["hs6"].isin(filled.index)]
        cols = filled.columns
        out.loc[idx, cols] = filled.loc[out.loc[idx, "hs6"], cols].to_numpy()
        out.loc[idx, "via_heading"] = True
    out["n_hs2017"] = out["n_hs2017"].fillna(0).astype(int)
    out["n_banned"] = out["n_banned"].fillna(0).astype(int)
    none = out["n_hs2017"] == 0
    out["share_banned"] = (out["n_banned"] / out["n_hs2017"].where(~none)).astype(float)
    out["banned_any"] = pd.array(np.where(none, None, out["n_banned"] > 0), dtype="boolean")
    out["banned_all"] = pd.array(np.where(none, None, out["n_banned"] == out["n_hs2017"]), dtype="boolean")
    out["first_date"] = pd.to_datetime(out["first_date"])
    for c in CATEGORIES:
        out[c] = out[c].eq(True)
    return out[["hs6", "n_hs2017", "n_banned", "share_banned", "banned_any", "banned_all", "first_date",
                *CATEGORIES, "via_heading"]]


def _aggregate(j: pd.DataFrame) -> pd.DataFrame:
    """Per target code hs6 from rows (hs6, hs2017, on, date, categories...): counts, earliest date, categories."""
    j = j.copy()
    for c in CATEGORIES:
        j[c] = j[c].eq(True) & j["on"]
    j["on_date"] = j["date"].where(j["on"])
    g = j.groupby("hs6", sort=True)
    out = pd.DataFrame({"n_hs2017": g["hs2017"].nunique(), "n_banned": g["on"].sum().astype(int),
                        "first_date": g["on_date"].min()})
    for c in CATEGORIES:
        out[c] = g[c].any()
    return out.reset_index()


# ------------------------------------------------------------------------------------------------
# The sets the chapters use
# ------------------------------------------------------------------------------------------------
def banned_as_of(date, categories=None, hs: str = "hs2017", rule="any", links: str = "union",
                 orphans: str = "missing") -> pd.DataFrame:
    """Products banned by `date` (inclusive), optionally only in `categories` (a name or a list: any of them).

    hs='hs2017': the rows of bans() (hs6 in HS2017). Another vintage ('hs92', 'hs2012'): the rows of to_hs() whose
    HS2017 counterparts satisfy `rule`: 'any' (at least one banned; default), 'all', or a number in (0, 1] (share
    banned at least that). Orphan codes (no counterpart) are never in the set unless orphans='heading'."""
    if hs == "hs2017":
        b = bans()
        return b[_active(b, date, categories)].reset_index(drop=True)
    t = to_hs(hs, date, categories, links, orphans)
    if rule == "any":
        keep = t["banned_any"].fillna(False)
    elif rule == "all":
        keep = t["banned_all"].fillna(False) & (t["n_banned"] > 0)
    elif isinstance(rule, (int, float)) and 0 < rule <= 1:
        keep = t["share_banned"].fillna(0) >= rule
    else:
        raise ValueError(f"rule must be 'any', 'all' or a share in (0, 1]; got {rule!r}.")
    return t[keep.astype(bool)].reset_index(drop=True)


def dual_use_hs6(vintage: int = 2022, hs: str = ZENG_PETERSON_HS, rule="any", links: str = "union") -> tuple[str, ...]:
    """The EU's 2022 dual-use HS6 set (codes flagged ``dual_use``, banned by the end of 2022): sorted codes in `hs`
    ('hs2017' = the list's own codes; default 'hs92', the vintage of the Zeng & Peterson chapter's trade data,
    with the HS92 code counted when any of its HS2017 codes is flagged: `rule`). This is the 2022 EU *export-ban*
    list's dual-use flag, a proxy for the paper's 2021 EU dual-use correlation list (828 codes), not that list."""
    if vintage != 2022:
        raise ValueError(f"Only the 2022 list is available (the file's dual-use bans date from 2016 and 2022); "
                         f"got vintage={vintage}.")
    cut = pd.Timestamp(f"{vintage}-12-31")
    return tuple(banned_as_of(cut, "dual_use", hs=hs, rule=rule, links=links)["hs6"])
