"""Hausmann, Schetter & Yildirim: which data the chapter runs on, what its pages say about them, and the readers.

Real (offline mirror, via helpers.data.load):
  * WIOD 2013 release, world input-output table 2008 (`wiod2013_wiot_2008`): 41 countries x 35 industries.
  * HS92 concordances (`concordance_hs0_isic3`, `concordance_wiod_2013`, `concordance_hs0_bec4`, `concordance_hs0_desc`):
    the HS6 product universe, each product's WIOD industry and its BEC rev. 4 end-use class (theta).
  * IMF IMTS Russian goods imports by partner 2019 (`imf_imts_russia_by_partner`): partner shares.
Readers for files the mirror does not have (BACI / Atlas HS6 bilateral trade, sanction lists by HS6), so a user
holding them can run the chapter on them: `read_baci`, `read_atlas`, `read_sanction_list`, `products_from_trade`.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.chapter import DataStatement
from helpers.data import DataChoice, choose_source, load

WIOD_KEYS = ("wiod2013_wiot_2008",)
CONCORDANCE_KEYS = ("concordance_hs0_isic3", "concordance_wiod_2013", "concordance_hs0_bec4", "concordance_hs0_desc")
SIGMA_KEY = "concordance_sigma_hs0"
IMF_KEY = "imf_imts_russia_by_partner"
REAL_KEYS = WIOD_KEYS + CONCORDANCE_KEYS + (IMF_KEY,)
GENERATOR = "helpers.chapters.hausmann_schetter_yildirim.synth"

# What the pages state they ran on (the admonition at the top of each page).
REAL_WORLD = "IO model: WIOD 2013 release, world input-output table 2008, aggregated to 18 groups x 16 industries"
REAL_PRODUCT_FRAME = (
    "HS92 product universe and descriptions; each product's WIOD industry (HS92 -> ISIC3 -> WIOD) and BEC rev. 4 "
    "class (theta)",
    "Russia's import mix across WIOD industries (WIOD 2008) and partner shares of Russian imports 2019 (IMF IMTS)")
GENERATED_PRODUCTS = (
    "Russian imports by HS6 product and partner group (Atlas 2019 in the paper)",
    "imputed Russian home sales (ITPD-E in the paper)", "HS6 trade elasticities (Fontagne et al. 2022 in the paper)",
    "EU and US export-restriction lists (Global Trade Alert in the paper)")
GENERATED_WORLD = "IO model: a generated world table of 18 groups x 16 industries (instead of WIOD)"
GENERATED_UNIVERSE = "the HS6 product universe, its industries and end-use classes (instead of the concordances)"


def choose_data(s) -> DataChoice:
    """Real (WIOD, concordances, IMF shares) when every file resolves, else the generator (see `data_source`)."""
    return choose_source(s.data_source, REAL_KEYS, generator=GENERATOR, seed=s.seed)


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
    return DataStatement(real=(REAL_WORLD, *REAL_PRODUCT_FRAME) if real else (),
                         generated=GENERATED_PRODUCTS + (() if real else (GENERATED_WORLD, GENERATED_UNIVERSE)))


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
