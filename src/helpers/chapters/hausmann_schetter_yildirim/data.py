"""Hausmann, Schetter & Yildirim: which data the chapter runs on, what its pages say about them, and the readers.

Real (offline mirror, via helpers.data.load):
  * WIOD 2013 release, world input-output table 2008 (`wiod2013_wiot_2008`): 41 countries x 35 industries.
  * HS92 concordances (`concordance_hs0_isic3`, `concordance_wiod_2013`, `concordance_hs0_bec4`, `concordance_hs0_desc`):
    the HS6 product universe, each product's WIOD industry and its BEC rev. 4 end-use class (theta).
  * IMF IMTS Russian goods imports by partner 2019 (`imf_imts_russia_by_partner`): partner shares.
  * The EU export bans on Russia (Regulation 833/2014) by HS2017 code with the date each took effect
    (`eu_sanctions_hs6_chupilkin`, read by `helpers.data.eu_sanctions`), joined to HS92 through the concordance
    package's HS2017 -> HS92 tables (`eu_list_hs92`): the EU list of Table 1, Figures 7-9 and the scenarios, as in
    force on 9 May 2022 (the paper's cut-off), unless `eu_list="generated"`.
Readers for files the mirror does not have (BACI / Atlas HS6 bilateral trade, sanction lists by HS6), so a user
holding them can run the chapter on them: `read_baci`, `read_atlas`, `read_sanction_list`, `products_from_trade`.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.chapter import DataStatement
from helpers.data import DataChoice, choose_source, eu_sanctions, load

WIOD_KEYS = ("wiod2013_wiot_2008",)
CONCORDANCE_KEYS = ("concordance_hs0_isic3", "concordance_wiod_2013", "concordance_hs0_bec4", "concordance_hs0_desc")
SIGMA_KEY = "concordance_sigma_hs0"
IMF_KEY = "imf_imts_russia_by_partner"
REAL_KEYS = WIOD_KEYS + CONCORDANCE_KEYS + (IMF_KEY,)
EU_LIST_KEYS = eu_sanctions.REAL_KEYS          # the ban list and the HS2017 -> HS92 concordance chain
GENERATOR = "helpers.chapters.hausmann_schetter_yildirim.synth"

# The EU list as the paper uses it: restrictions in force on 9 May 2022 (Section 2: "imposed ... between February
# 21st and May 9th 2022"; the file also carries 17 codes banned since 2016, in force on that date too). An HS92
# code stands for one or more HS2017 codes; it counts as banned when ANY of them is (the list itself flags an
# HS2017 code when any part of it is banned, so "any" keeps its convention one level up). HS92 codes no HS2017
# code maps to ("orphans") have no status in the list and count as not banned.
EU_LIST_DATE = eu_sanctions.HSY_CUTOFF
EU_HS_RULE = "any"
# `eu_list="real_no_luxury"`: the codes banned in any category but the luxury-goods ban (Annex XVIII, added by
# Regulation 2022/428 on 15 March 2022; among others cars above EUR 50,000). The paper's Table 1 marks exactly the
# products this list bans, none of those banned only as luxury goods.
NO_LUXURY = tuple(c for c in eu_sanctions.CATEGORIES if c != "luxury")

# What the pages state they ran on (the admonition at the top of each page).
REAL_WORLD = "IO model: WIOD 2013 release, world input-output table 2008, aggregated to 18 groups x 16 industries"
REAL_PRODUCT_FRAME = (
    "HS92 product universe and descriptions; each product's WIOD industry (HS92 -> ISIC3 -> WIOD) and BEC rev. 4 "
    "class (theta)",
    "Russia's import mix across WIOD industries (WIOD 2008) and partner shares of Russian imports 2019 (IMF IMTS)")
REAL_EU_LIST = ("the EU list: EU export bans on Russia in force on 9 May 2022 (Regulation 833/2014, by HS2017 code, "
                "Chupilkin, Javorcik & Plekhanov), joined to HS92 through the concordance (banned when any of its "
                "HS2017 codes is)")
REAL_EU_LIST_NO_LUXURY = REAL_EU_LIST + ", without the codes banned only as luxury goods"
GENERATED_PRODUCTS = (
    "Russian imports by HS6 product and partner group (Atlas 2019 in the paper)",
    "imputed Russian home sales (ITPD-E in the paper)", "HS6 trade elasticities (Fontagne et al. 2022 in the paper)")
GENERATED_US_LIST = "the US list of export bans and controls (Global Trade Alert in the paper; not public here)"
GENERATED_EU_LIST = "the EU list (Global Trade Alert in the paper)"
GENERATED_WORLD = "IO model: a generated world table of 18 groups x 16 industries (instead of WIOD)"
GENERATED_UNIVERSE = "the HS6 product universe, its industries and end-use classes (instead of the concordances)"


def real_eu_list(s) -> bool:
    """Whether the run uses the real EU list (`eu_list` "real" or "real_no_luxury", and the mirror's files in use)."""
    return s.eu_list != "generated" and s.data is not None and s.data.is_real


def eu_categories(eu_list: str) -> tuple[str, ...] | None:
    """The ban categories an `eu_list` choice counts (None: all of them)."""
    return NO_LUXURY if eu_list == "real_no_luxury" else None


def choose_data(s) -> DataChoice:
    """Real (WIOD, concordances, IMF shares, and the EU ban list unless `eu_list="generated"`) when every file
    resolves, else the generator (see `data_source`)."""
    keys = REAL_KEYS + (EU_LIST_KEYS if s.eu_list != "generated" else ())
    return choose_source(s.data_source, tuple(dict.fromkeys(keys)), generator=GENERATOR, seed=s.seed)


PAGES = (None, "criterion", "io_calibration")      # the pages whose statement differs, and the default (None)


def describe_data(s, page: str | None = None) -> DataStatement:
    """What is real and what is generated on a page: the criterion page reads no data, the calibration page only
    the world table, every other page the world table and the product table."""
    if page not in PAGES:
        raise ValueError(f"Unknown page {page!r}: use one of {PAGES} (a misspelt page would state another page's data).")
    real = s.data.is_real
    if page == "criterion":
        return DataStatement(note="This page reads none of these files: Eq. 3, Eq. 4 and the derivatives of "
                                  "Appendix B.2 are evaluated on a grid.")
    if page == "io_calibration":
        return DataStatement(real=(REAL_WORLD,) if real else (), generated=() if real else (GENERATED_WORLD,))
    eu_real = real_eu_list(s)
    lists = (GENERATED_US_LIST,) if eu_real else (GENERATED_EU_LIST, GENERATED_US_LIST)
    eu_item = REAL_EU_LIST_NO_LUXURY if s.eu_list == "real_no_luxury" else REAL_EU_LIST
    return DataStatement(real=(REAL_WORLD, *REAL_PRODUCT_FRAME, *((eu_item,) if eu_real else ())) if real else (),
                         generated=GENERATED_PRODUCTS + lists + (() if real else (GENERATED_WORLD, GENERATED_UNIVERSE)))


# BEC rev. 4 (3-digit, zero-padded as in the concordance package) -> end-use class (spec section 2.3).
BEC_CLASS = {
    "410": "capital", "521": "capital",
    "111": "intermediate", "121": "intermediate", "210": "intermediate", "220": "intermediate",
    "310": "intermediate", "322": "intermediate", "420": "intermediate", "530": "intermediate",
    "112": "consumer_nondurable", "122": "consumer_nondurable", "522": "consumer_nondurable",
    "610": "consumer_durable", "620": "consumer_nondurable", "630": "consumer_nondurable",
    "320": "consumer_nondurable", "321": "consumer_nondurable", "510": "consumer_durable", "700": "consumer_nondurable",
}


@lru_cache(maxsize=1)
def wiot_2008() -> dict:
    """WIOD 2008: inter (1435 x 1435, buyer columns), final (1435 x 41, five final uses summed), output,
    countries (41), industries (35 codes c1..c35). Million USD."""
    raw = load("wiod2013_wiot_2008")["wiot_2008"]
    countries = [str(c) for c in raw["countries"]]
    industries = [str(c) for c in raw["industries"]]
    inter = np.asarray(raw["inter"], float)
    final = np.asarray(raw["final"], float).reshape(len(countries) * len(industries), len(countries), 5).sum(2)
    return {"inter": inter, "final": final, "output": np.asarray(raw["output"], float),
            "countries": countries, "industries": industries}


@lru_cache(maxsize=1)
def hs92_products() -> pd.DataFrame:
    """The HS92 six-digit universe with its WIOD 2013 industry (via ISIC rev. 3) and BEC rev. 4 class."""
    isic = load("concordance_hs0_isic3")["hs0_isic3"][["HS0_6d", "HS0_2d", "ISIC3_4d"]]
    wiod = load("concordance_wiod_2013")["wiod_2013"][["ISIC3_4d", "WIOT2013_c", "WIOT2013_n"]].drop_duplicates("ISIC3_4d")
    bec = load("concordance_hs0_bec4")["hs0_bec4"][["HS0_6d", "BEC4_3d"]].drop_duplicates("HS0_6d")
    desc = load("concordance_hs0_desc")["hs0_desc"].rename(columns={"code": "HS0_6d", "desc": "description"})
    df = (isic.drop_duplicates("HS0_6d").merge(wiod, on="ISIC3_4d", how="left")
          .merge(bec, on="HS0_6d", how="left").merge(desc, on="HS0_6d", how="left"))
    df = df.rename(columns={"HS0_6d": "hs6", "HS0_2d": "hs2", "ISIC3_4d": "isic3", "WIOT2013_c": "wiod_code",
                            "WIOT2013_n": "wiod_n", "BEC4_3d": "bec4"})
    df = df.astype({"hs6": str, "hs2": str})
    df["bec_class"] = df["bec4"].astype("object").map(BEC_CLASS).fillna("consumer_nondurable")
    df["consumer"] = df["bec_class"].str.startswith("consumer")
    df["wiod_n"] = df["wiod_n"].astype(float)
    return df.reset_index(drop=True)


@lru_cache(maxsize=2)
def eu_list_hs92(categories: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The EU list of 9 May 2022 on the HS92 codes: one row per HS92 code with n_hs2017 (HS2017 codes it stands for;
    0 = an orphan, no status), n_banned (those banned by the date, in one of `categories`; None = any), eu (1 when
    any is banned: `EU_HS_RULE`), eu_all (1 when all are), first_date (the earliest ban among them) and the category
    flags (`helpers.data.eu_sanctions.CATEGORIES`)."""
    t = eu_sanctions.to_hs("hs92", date=EU_LIST_DATE, categories=categories, links="union", orphans="missing")
    out = t[["hs6", "n_hs2017", "n_banned", "first_date", *eu_sanctions.CATEGORIES]].copy()
    out["eu"] = t["banned_any"].fillna(False).astype(bool).astype(int)
    out["eu_all"] = t["banned_all"].fillna(False).astype(bool).astype(int)
    return out


@lru_cache(maxsize=1)
def eu_list_facts() -> dict:
    """The list behind the chapter's EU column, in numbers: HS2017 codes banned by 9 May 2022 (and how many of them
    by each wave), HS92 codes banned under the 'any' and 'all' rules, orphans, and codes no concordance can map."""
    bans = eu_sanctions.bans()
    on = bans["banned"] & (bans["date"] <= EU_LIST_DATE)
    waves = bans.loc[on, "date"].dt.strftime("%Y_%m_%d").value_counts().sort_index()
    hs92 = eu_list_hs92()
    universe = set(hs92_products()["hs6"])
    mine = hs92[hs92["hs6"].isin(universe)]
    no_luxury = eu_list_hs92(NO_LUXURY)
    return {"hs2017_codes": int(len(bans)), "hs2017_banned": int(on.sum()),
            "hs2017_banned_unmappable": int((on & ~bans["in_hs2017"]).sum()),
            **{f"wave_{d}": int(n) for d, n in waves.items()},
            "hs92_codes": int(len(mine)), "hs92_banned_any": int(mine["eu"].sum()),
            "hs92_banned_all": int(mine["eu_all"].sum()), "hs92_orphans": int((mine["n_hs2017"] == 0).sum()),
            "hs92_banned_no_luxury": int(no_luxury.loc[no_luxury["hs6"].isin(universe), "eu"].sum()),
            "hs92_one_to_many": int((mine["n_hs2017"] > 1).sum()),
            "hs92_split": int(((mine["n_banned"] > 0) & (mine["n_banned"] < mine["n_hs2017"])).sum())}


@lru_cache(maxsize=1)
def russia_import_partner_shares(year: int = 2019) -> pd.Series:
    """Shares of Russian goods imports (CIF) by partner ISO3 from the IMF IMTS (aggregates and areas excluded)."""
    df = load(IMF_KEY)
    imports = df[df["INDICATOR"].str.startswith("Imports")]
    iso = imports["COUNTERPART_COUNTRY.ID"].astype(str)
    keep = iso.str.fullmatch(r"[A-Z]{3}")
    values = pd.to_numeric(imports.loc[keep, str(year)], errors="coerce").fillna(0.0)
    series = pd.Series(values.to_numpy(), index=iso[keep].to_numpy()).groupby(level=0).sum()
    return series / series.sum()


@lru_cache(maxsize=1)
def broda_weinstein_hs3() -> pd.Series:
    """Cross-country median of the Broda-Weinstein import elasticities by HS92 3-digit code (73 countries; Russia
    is not among them). Used only for the cross-product ordering of elasticities (option
    elasticity_source='broda_weinstein_rank')."""
    df = load(SIGMA_KEY)["sigma_hs0"]
    return df.groupby("HS0_3d")["sigma"].median()


# ---------- readers for files a user may hold (not in the mirror) ----------

def _require(path) -> Path:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} not found. This chapter reads it only if you provide it "
                                "(see notebooks/hausmann_schetter_yildirim/index.md, 'Data').")
    return path


def read_baci(path, country_codes_path, importer: str = "RUS") -> pd.DataFrame:
    """BACI HS92 yearly CSV (columns t, i, j, k, v; v in thousand USD) filtered on the importer, with ISO3
    exporter codes from BACI's country_codes CSV. Returns exporter, hs6, value (USD)."""
    codes = pd.read_csv(_require(country_codes_path))
    code_col = "country_code" if "country_code" in codes else codes.columns[0]
    iso_col = next(c for c in codes.columns if "iso_3" in c.lower() or "iso3" in c.lower())
    iso = dict(zip(codes[code_col], codes[iso_col]))
    importer_codes = [c for c, v in iso.items() if v == importer]
    chunks = []
    for chunk in pd.read_csv(_require(path), dtype={"k": str}, chunksize=2_000_000):
        chunks.append(chunk[chunk["j"].isin(importer_codes)])
    df = pd.concat(chunks)
    return pd.DataFrame({"exporter": df["i"].map(iso), "hs6": df["k"].str.zfill(6), "value": df["v"] * 1e3})


def read_atlas(path, importer: str = "RUS", year: int = 2019) -> pd.DataFrame:
    """Harvard Atlas HS92 6-digit bilateral file (location_code, partner_code, hs_product_code, export_value)."""
    df = pd.read_csv(_require(path), dtype={"hs_product_code": str})
    if "year" in df:
        df = df[df["year"] == year]
    df = df[df["partner_code"] == importer]
    return pd.DataFrame({"exporter": df["location_code"], "hs6": df["hs_product_code"].str.zfill(6),
                         "value": df["export_value"].astype(float)})


def read_sanction_list(path) -> pd.DataFrame:
    """A sanction list by HS6: CSV with columns hs6 and eu (0/1) and/or us (0/1/2: ban/control)."""
    df = pd.read_csv(_require(path), dtype={"hs6": str})
    if "hs6" not in df or not ({"eu", "us"} & set(df.columns)):
        raise ValueError("A sanction list needs a 'hs6' column and at least one of 'eu', 'us'.")
    df["hs6"] = df["hs6"].str.zfill(6)
    for col in ("eu", "us"):
        df[col] = df[col].fillna(0).astype(int) if col in df else 0
    return df[["hs6", "eu", "us"]]


def products_from_trade(trade: pd.DataFrame, russian_exports: pd.Series, home_ratio: float | pd.Series,
                        sigma: pd.Series, sanctions: pd.DataFrame, group_of_iso3: dict) -> pd.DataFrame:
    """Build the product table (same schema as the synthetic generator) from real HS6 trade:
    trade = Russian imports by exporter ISO3 x hs6 (USD); russian_exports by hs6; home_ratio (scalar or by hs6);
    sigma by hs6 (already 1 - eps, winsorised); sanctions with hs6, eu, us; group_of_iso3 -> model group name."""
    universe = hs92_products().set_index("hs6")
    trade = trade.assign(group=trade["exporter"].map(group_of_iso3).fillna("Rest of the World"))
    wide = trade.pivot_table(index="hs6", columns="group", values="value", aggfunc="sum", fill_value=0.0)
    df = pd.DataFrame(index=wide.index)
    for g in wide.columns:
        df[f"imp_{g}"] = wide[g]
    df["imports"] = wide.sum(1)
    ratio = home_ratio if np.isscalar(home_ratio) else home_ratio.reindex(df.index).fillna(0.0)
    df["home"] = russian_exports.reindex(df.index).fillna(0.0) * ratio
    df["sigma"] = sigma.reindex(df.index)
    df["sigma"] = df["sigma"].fillna(df["sigma"].median())
    s = sanctions.set_index("hs6").reindex(df.index).fillna(0)
    df["eu"], df["us"] = s["eu"].astype(int), s["us"].astype(int)
    df = df.join(universe[["hs2", "description", "wiod_n", "bec_class", "consumer"]], how="left")
    df["consumer"] = df["consumer"].fillna(True).astype(bool)
    return df.reset_index().rename(columns={"index": "hs6"})
