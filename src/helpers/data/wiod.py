"""World Input-Output Database, 2013 release: the world input-output tables 1995-2011 (Timmer et al. 2015).

Mirror keys ``wiod2013_wiot_1995`` ... ``wiod2013_wiot_2011`` (:data:`KEYS`): one R list per year as packaged by
the ``wiod`` R package (Quast & Reiter): ``inter`` 1435 x 1435 intermediate use, ``final`` 1435 x 205 final use,
``output`` 1435, ``countries`` (41: 40 economies and RoW) and ``industries`` (c1 ... c35). Rows and columns are
ordered country-major (economy 1's 35 industries, then economy 2's, ...); the 205 final-use columns are the five
final uses of each of the 41 economies (household consumption, non-profit consumption, government consumption,
gross fixed capital formation, changes in inventories and valuables). Values are million current USD, stored as
whole millions (int32, truncated: row sums of inter + final fall short of ``output`` by a median of about 40 m).

:func:`sector_trade` builds bilateral trade by industry, the value of exporter i → importer j in industry s being
j's use of the output of industry s of i: the sum over j's 35 industries of intermediate use plus j's five
final-use columns. Domestic flows (i = j) are j's use of its own output, so each exporter-industry's flows to all
41 destinations add up to its row total of intermediate plus final use (the tests check both).

* **RoW** (the rest of the world, the table's 41st economy) is kept by default as its own economy with the code
  ``ROW``: dropping it would break the adding-up (it takes a median 18% of the 40 economies' international
  manufacturing exports, 1995-2011, up to 45% of Brazil's). A gravity equation has no distance or contiguity for
  it: drop it there (``include_row=False``).
* **Inventories**: the fifth final use (changes in inventories) can be negative, and 4-26 flows a year of the
  manufacturing panel are (domestic or to RoW). ``inventories=True`` (default) keeps the table's definition and
  the exact adding-up; ``inventories=False`` leaves the inventory column out, so every flow is >= 0 (what PPML
  needs).
* ISO3: WIOD's ``ROM`` is Romania's old code; the frame uses ``ROU``.

The 14 manufacturing industries (:data:`MANUFACTURING`, c3-c16) against Phillips & Ahmad's 14 sectors
(:data:`PAPER_SECTORS`, :func:`sector_map`): nine are the same ISIC Rev. 3 divisions; WIOD splits two of the
paper's sectors in two (Apparel = c4 textiles + c5 leather and footwear; Wood/paper = c6 wood + c7 paper and
printing) and merges two pairs of the paper's sectors (c12 = Metals + Fabricated metals, ISIC 27-28; c14 =
Electronics + Appliances, ISIC 30-33). Machinery (c13, ISIC 29) includes domestic appliances (293), which the
paper's inferred map puts in Appliances.

Each year is parsed once per process (and its compact per-destination sums kept on disk under
``.cache/wiod/``, keyed by the file's hash); a missing year raises ``DataUnavailable`` naming its key.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from helpers.cache import cached
from helpers.data.sources import source
from helpers.data.store import DataUnavailable, locate, unavailable_message

YEARS = tuple(range(1995, 2012))
KEYS = {y: f"wiod2013_wiot_{y}" for y in YEARS}
N_COUNTRIES, N_INDUSTRIES, N_FINAL_USES = 41, 35, 5
FINAL_USES = ("households", "non_profit", "government", "gross_fixed_capital", "inventories")
ISO3_FIXES = {"ROM": "ROU", "RoW": "ROW"}

#: the 35 WIOD 2013 industries: code -> (NACE rev. 1 / ISIC rev. 3 label, name)
INDUSTRIES: dict[str, tuple[str, str]] = {
    "c1": ("AtB", "Agriculture, Hunting, Forestry and Fishing"),
    "c2": ("C", "Mining and Quarrying"),
    "c3": ("15t16", "Food, Beverages and Tobacco"),
    "c4": ("17t18", "Textiles and Textile Products"),
    "c5": ("19", "Leather, Leather and Footwear"),
    "c6": ("20", "Wood and Products of Wood and Cork"),
    "c7": ("21t22", "Pulp, Paper, Printing and Publishing"),
    "c8": ("23", "Coke, Refined Petroleum and Nuclear Fuel"),
    "c9": ("24", "Chemicals and Chemical Products"),
    "c10": ("25", "Rubber and Plastics"),
    "c11": ("26", "Other Non-Metallic Mineral"),
    "c12": ("27t28", "Basic Metals and Fabricated Metal"),
    "c13": ("29", "Machinery, Nec"),
    "c14": ("30t33", "Electrical and Optical Equipment"),
    "c15": ("34t35", "Transport Equipment"),
    "c16": ("36t37", "Manufacturing, Nec; Recycling"),
    "c17": ("E", "Electricity, Gas and Water Supply"),
    "c18": ("F", "Construction"),
    "c19": ("50", "Sale, Maintenance and Repair of Motor Vehicles and Motorcycles; Retail Sale of Fuel"),
    "c20": ("51", "Wholesale Trade and Commission Trade, Except of Motor Vehicles and Motorcycles"),
    "c21": ("52", "Retail Trade, Except of Motor Vehicles and Motorcycles; Repair of Household Goods"),
    "c22": ("H", "Hotels and Restaurants"),
    "c23": ("60", "Inland Transport"),
    "c24": ("61", "Water Transport"),
    "c25": ("62", "Air Transport"),
    "c26": ("63", "Other Supporting and Auxiliary Transport Activities; Activities of Travel Agencies"),
    "c27": ("64", "Post and Telecommunications"),
    "c28": ("J", "Financial Intermediation"),
    "c29": ("70", "Real Estate Activities"),
    "c30": ("71t74", "Renting of M&Eq and Other Business Activities"),
    "c31": ("L", "Public Admin and Defence; Compulsory Social Security"),
    "c32": ("M", "Education"),
    "c33": ("N", "Health and Social Work"),
    "c34": ("O", "Other Community, Social and Personal Services"),
    "c35": ("P", "Private Households with Employed Persons"),
}
#: the 14 manufacturing industries c3-c16: code -> name
MANUFACTURING: dict[str, str] = {f"c{k}": INDUSTRIES[f"c{k}"][1] for k in range(3, 17)}

#: Phillips & Ahmad's 14 sectors, in the order of their Tables 5-6 and 9-10
PAPER_SECTORS = ("Food", "Apparel", "Wood/paper", "Fuel", "Chemicals/pharma", "Plastics/rubber",
                 "Nonmetallic minerals", "Metals", "Fabricated metals", "Machinery", "Appliances", "Electronics",
                 "Transportation equipment", "Misc.")
#: WIOD industry -> (ISIC rev. 3 divisions, the paper's sectors it covers, how they relate)
SECTOR_MAP: dict[str, tuple[tuple[int, ...], tuple[str, ...], str]] = {
    "c3": ((15, 16), ("Food",), "same"),
    "c4": ((17, 18), ("Apparel",), "part: Apparel = c4 + c5"),
    "c5": ((19,), ("Apparel",), "part: Apparel = c4 + c5"),
    "c6": ((20,), ("Wood/paper",), "part: Wood/paper = c6 + c7"),
    "c7": ((21, 22), ("Wood/paper",), "part: Wood/paper = c6 + c7"),
    "c8": ((23,), ("Fuel",), "same"),
    "c9": ((24,), ("Chemicals/pharma",), "same"),
    "c10": ((25,), ("Plastics/rubber",), "same"),
    "c11": ((26,), ("Nonmetallic minerals",), "same"),
    "c12": ((27, 28), ("Metals", "Fabricated metals"), "merged: two of the paper's sectors"),
    "c13": ((29,), ("Machinery",), "same division; includes domestic appliances (293), which the paper's "
                                   "inferred map puts in Appliances"),
    "c14": ((30, 31, 32, 33), ("Electronics", "Appliances"), "merged: two of the paper's sectors"),
    "c15": ((34, 35), ("Transportation equipment",), "same"),
    "c16": ((36, 37), ("Misc.",), "same"),
}


def sector_map() -> pd.DataFrame:
    """The WIOD → paper sector table: industry, industry_name, isic3 (divisions), paper_sectors ('; '-joined),
    relation. One row per WIOD manufacturing industry."""
    rows = [(code, MANUFACTURING[code], INDUSTRIES[code][0], ", ".join(map(str, isic)), "; ".join(sectors), rel)
            for code, (isic, sectors, rel) in SECTOR_MAP.items()]
    return pd.DataFrame(rows, columns=["industry", "industry_name", "wiod_label", "isic3", "paper_sectors", "relation"])


def paper_sector_of(industry: str) -> str:
    """A short label of the paper sector(s) a WIOD industry stands for ('Metals / Fabricated metals' for c12)."""
    return " / ".join(SECTOR_MAP[industry][1])


# ------------------------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Flows:
    """One year's table reduced to what bilateral trade needs. Rows: the 1435 (economy, industry) producers.
    inter_to[r, j] = intermediate use of row r's output by all 35 industries of economy j; final[r, j, u] = final
    use u of economy j; output = the table's gross output column; countries are ISO3 (ROU, ROW)."""
    year: int
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    inter_to: np.ndarray
    final: np.ndarray
    output: np.ndarray


def _check_year(year) -> int:
    year = int(year)
    if year not in KEYS:
        raise ValueError(f"The WIOD 2013 release has world input-output tables for {YEARS[0]}-{YEARS[-1]} only; "
                         f"got {year}.")
    return year


def _year_list(years) -> list[int]:
    """An int, a (first, last) tuple (inclusive) or any other iterable of years."""
    if isinstance(years, (int, np.integer)):
        return [int(years)]
    if isinstance(years, tuple) and len(years) == 2:
        return list(range(int(years[0]), int(years[1]) + 1))
    return sorted({int(y) for y in years})


def require(years: Iterable[int]) -> dict[int, object]:
    """Verified local paths of the WIOD tables for `years`; raises DataUnavailable naming every missing year's
    key (and how to get it) before anything is parsed."""
    years = [_check_year(y) for y in years]
    found = {y: locate(KEYS[y]) for y in years}
    missing = [y for y, hit in found.items() if hit is None]
    if missing:
        keys = ", ".join(KEYS[y] for y in missing)
        raise DataUnavailable(f"WIOD world input-output table(s) for {', '.join(map(str, missing))} missing: "
                              f"{keys}. " + unavailable_message(source(KEYS[missing[0]])))
    return {y: hit.path for y, hit in found.items()}


def read_table(path) -> dict:
    """The raw R list of one year: year, countries, industries, inter (1435 x 1435), final (1435 x 205), output,
    as numpy arrays (no labels: the order is documented in the module docstring)."""
    # lazy: rdata (with xarray) takes 0.4 s to import (measured) and is needed only when a table is parsed, not when
    # the parsed tables come from the on-disk cache
    import rdata

    with warnings.catch_warnings():          # rdata: "Missing constructor for R class 'iot'": it is a plain list
        warnings.simplefilter("ignore")
        raw = rdata.read_rda(path)
    if len(raw) != 1:
        raise ValueError(f"{path} should hold one WIOD table; it holds {list(raw)}.")
    (table,) = raw.values()
    out = {str(k): v for k, v in table.items()}
    for k in ("inter", "final"):
        out[k] = np.asarray(getattr(out[k], "values", out[k]))
    out["output"] = np.asarray(out["output"])
    out["countries"] = [str(c) for c in out["countries"]]
    out["industries"] = [str(c) for c in out["industries"]]
    return out


def _reduce(path, year: int) -> Flows:
    t = read_table(path)
    n, s = len(t["countries"]), len(t["industries"])
    shapes = (t["inter"].shape, t["final"].shape)
    if (n, s) != (N_COUNTRIES, N_INDUSTRIES) or shapes != ((n * s, n * s), (n * s, n * N_FINAL_USES)):
        raise ValueError(f"WIOD {year}: unexpected shapes {shapes} for {n} economies x {s} industries.")
    if int(np.asarray(t["year"]).ravel()[0]) != year:
        raise ValueError(f"WIOD file for {year} holds the table of {t['year']}.")
    inter_to = t["inter"].reshape(n * s, n, s).sum(axis=2, dtype=np.int64)
    final = t["final"].reshape(n * s, n, N_FINAL_USES).astype(np.int32, copy=True)
    countries = tuple(ISO3_FIXES.get(c, c) for c in t["countries"])
    return Flows(year, countries, tuple(t["industries"]), inter_to, final, t["output"].astype(np.int64))


@lru_cache(maxsize=None)
def flows(year: int) -> Flows:
    """One year's reduced table (memoised per process; parsed once per file hash on disk)."""
    year = _check_year(year)
    path = require([year])[year]
    src = source(KEYS[year])
    return cached("wiod", {"sha256": src.sha256, "what": "flows"}, lambda: _reduce(path, year), code=[Path(__file__)])


# ------------------------------------------------------------------------------------------------
# Bilateral trade by industry
# ------------------------------------------------------------------------------------------------
def sector_trade(years=YEARS, industries: Iterable[str] | dict = MANUFACTURING, inventories: bool = True,
                 include_row: bool = True) -> pd.DataFrame:
    """Bilateral trade by industry, domestic flows included: exporter, importer (ISO3; RoW = 'ROW'), industry
    (WIOD code), industry_name, year, value (million current USD) = importer's intermediate use of the exporter
    industry's output (all its 35 industries) + its final uses (the inventory change only if `inventories`).

    `years`: an int, a (first, last) tuple or a list; every year must be in 1995-2011 and in the mirror (a
    missing one raises DataUnavailable naming its key). `include_row=False` drops RoW as exporter and importer.
    Rows: year x exporter x industry x importer, in the table's order (categorical string columns)."""
    years = _year_list(years)
    codes = list(industries)
    bad = [c for c in codes if c not in INDUSTRIES]
    if bad:
        raise ValueError(f"Unknown WIOD industries {bad}; codes are c1 ... c35.")
    require(years)
    blocks = []
    for y in years:
        f = flows(y)
        idx = [f.industries.index(c) for c in codes]
        final = f.final.sum(axis=2, dtype=np.int64) if inventories else f.final[:, :, :4].sum(axis=2, dtype=np.int64)
        v = (f.inter_to + final).reshape(N_COUNTRIES, N_INDUSTRIES, N_COUNTRIES)[:, idx, :]   # exporter, ind, importer
        blocks.append(v)
    countries = flows(years[0]).countries
    values = np.stack(blocks)                                              # year, exporter, industry, importer
    keep = [k for k, c in enumerate(countries) if include_row or c != "ROW"]
    values = values[:, keep][:, :, :, keep]
    kept = [countries[k] for k in keep]
    ny, nc, ns = len(years), len(kept), len(codes)
    country_cat = pd.CategoricalDtype(kept)
    industry_cat = pd.CategoricalDtype(codes)
    names = [INDUSTRIES[c][1] for c in codes]
    exp_idx = np.tile(np.repeat(np.arange(nc), ns * nc), ny)
    ind_idx = np.tile(np.repeat(np.arange(ns), nc), ny * nc)
    imp_idx = np.tile(np.arange(nc), ny * nc * ns)
    return pd.DataFrame({
        "exporter": pd.Categorical.from_codes(exp_idx, dtype=country_cat),
        "importer": pd.Categorical.from_codes(imp_idx, dtype=country_cat),
        "industry": pd.Categorical.from_codes(ind_idx, dtype=industry_cat),
        "industry_name": pd.Categorical.from_codes(ind_idx, categories=names),
        "year": np.repeat(np.asarray(years, dtype=np.int64), nc * ns * nc),
        "value": values.reshape(-1).astype(float),
    })


def row_totals(year: int, industries: Iterable[str] | dict = MANUFACTURING, inventories: bool = True) -> pd.DataFrame:
    """exporter, industry, total = the table's row sum of intermediate use plus final use (the inventory change
    only if `inventories`), for checking that sector_trade's flows add up."""
    f = flows(_check_year(year))
    codes = list(industries)
    idx = [f.industries.index(c) for c in codes]
    final = f.final if inventories else f.final[:, :, :4]
    tot = (f.inter_to.sum(axis=1) + final.sum(axis=(1, 2), dtype=np.int64)).reshape(N_COUNTRIES, N_INDUSTRIES)[:, idx]
    return pd.DataFrame({"exporter": np.repeat(f.countries, len(codes)), "industry": np.tile(codes, N_COUNTRIES),
                         "total": tot.reshape(-1).astype(float)})


def countries(year: int = YEARS[0]) -> tuple[str, ...]:
    """The 41 economies of the table (ISO3; RoW as 'ROW')."""
    return flows(year).countries
