"""Data for the Phillips & Ahmad chapter: dataset builders on the pinned files of data/sources.toml.

Two groups of builders:

* **The paper's pipeline, for users who have the files** (not in the offline mirror): USITC ITPD-E
  (`load_itpde`, `aggregate_sectors`), the USITC Dynamic Gravity Dataset (`load_dgd`, `gravity_covariates`,
  `extend_fta_with_desta`) and the Global Sanctions Data Base (`load_gsdb`, `gsdb_sanctioned`), read in their
  published CSV layouts; `paper_panel` joins them into the frame `helpers.methods.gravity.fit_ppml` takes.
* **The offline method application on real data**: the Yotov et al. (2016) manufacturing panel with domestic
  flows (69 countries, 1986-2006) with CEPII landlocked status and, as fta, the Advanced Guide's RTA dummy,
  DESTA v2.3 agreements in force, or either (`yotov_panel(fta=...)`, see `FTA_CODINGS` and `desta_spells`),
  and country-year geopolitics from V-Dem v14 (`v2x_polyarchy`, `v2x_corr`), World Bank
  historical income groups (CLASS) and total economic embargoes from TIES v4.1, EUSANCT or either
  (`real_country_year`, `real_geopolitics`, `sanctions=`; see `SANCTION_SOURCES`). The Yotov data have no
  legal-origin and no island variable: those two regressors are left out of the real-data gravity equation.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from helpers.chapter import DataStatement
from helpers.chapters.phillips_ahmad.settings import QUICK_N_GENERIC
from helpers.data import DataChoice, choose_source, eusanct, gsdb, load, locate, wiod

# every file the real application reads (the data choice resolves and verifies them all)
REAL_KEYS = ("yotov_agtpa_chapter1application1", "yotov_agtpa_applications_rda", "cepii_geo",
             "vdem_v14_lite", "wb_income_class_long", "ties_v4_1_xls", "desta_dyads_v2_3", "desta_withdrawals_v2_3",
             "eusanct_case_level", "gsdb_v3_case_level")
YOTOV_GRAVITY_VARS = ("ln_dist", "contig", "colony", "lang", "fta", "landlocked", "dom")

# ISIC Rev.3 division -> the paper's 14 sectors (spec §2.3, inferred: the paper's Appendix A has no list)
ISIC3_SECTOR_MAP = {
    "isic3_inferred": {
        **{d: "Food" for d in (15, 16)}, **{d: "Apparel" for d in (17, 18, 19)},
        **{d: "Wood/paper" for d in (20, 21, 22)}, 23: "Fuel", 24: "Chemicals/pharma", 25: "Plastics/rubber",
        26: "Nonmetallic minerals", 27: "Metals", 28: "Fabricated metals", 29: "Machinery", 31: "Appliances",
        **{d: "Electronics" for d in (30, 32, 33)}, **{d: "Transportation equipment" for d in (34, 35)},
        **{d: "Misc." for d in (36, 37)},
    },
}
ISIC3_SECTOR_MAP["appliances_31_only"] = dict(ISIC3_SECTOR_MAP["isic3_inferred"])
ISIC3_SECTOR_MAP["instruments_to_misc"] = {**ISIC3_SECTOR_MAP["isic3_inferred"], 33: "Misc."}

# COW state codes of the 69 Yotov countries (checked against peacesciencer's cow_states names)
YOTOV_COW = {
    "ARG": 160, "AUS": 900, "AUT": 305, "BEL": 211, "BGR": 355, "BOL": 145, "BRA": 140, "CAN": 20, "CHE": 225,
    "CHL": 155, "CHN": 710, "CMR": 471, "COL": 100, "CRI": 94, "CYP": 352, "DEU": 255, "DNK": 390, "ECU": 130,
    "EGY": 651, "ESP": 230, "FIN": 375, "FRA": 220, "GBR": 200, "GRC": 350, "HUN": 310, "IDN": 850, "IND": 750,
    "IRL": 205, "IRN": 630, "ISL": 395, "ISR": 666, "ITA": 325, "JOR": 663, "JPN": 740, "KEN": 501, "KOR": 732,
    "KWT": 690, "LKA": 780, "MAR": 600, "MEX": 70, "MLT": 338, "MMR": 775, "MUS": 590, "MWI": 553, "MYS": 820,
    "NER": 436, "NGA": 475, "NLD": 210, "NOR": 385, "NPL": 790, "PAN": 95, "PHL": 840, "POL": 290, "PRT": 235,
    "QAT": 694, "ROM": 360, "SEN": 433, "SGP": 830, "SWE": 380, "THA": 800, "TTO": 52, "TUN": 616, "TUR": 640,
    "TZA": 510, "URY": 165, "USA": 2, "ZAF": 560,
}
YOTOV_TO_ISO3 = {"ROM": "ROU"}          # Yotov/CEPII use the old code for Romania
# ISO 3166-1 numeric codes of the 69 Yotov countries, as DESTA's iso1/iso2 use them (checked against DESTA's
# country names; CEPII's `cnum` is not ISO for BEL, CHE, FRA, IND, ITA, NOR, USA, ZAF). DESTA codes Germany
# 276 in every year (West Germany included), like the Yotov panel's DEU; Romania is ROM here, 642 in DESTA.
YOTOV_ISO_NUMERIC = {
    "ARG": 32, "AUS": 36, "AUT": 40, "BEL": 56, "BGR": 100, "BOL": 68, "BRA": 76, "CAN": 124, "CHE": 756,
    "CHL": 152, "CHN": 156, "CMR": 120, "COL": 170, "CRI": 188, "CYP": 196, "DEU": 276, "DNK": 208, "ECU": 218,
    "EGY": 818, "ESP": 724, "FIN": 246, "FRA": 250, "GBR": 826, "GRC": 300, "HKG": 344, "HUN": 348, "IDN": 360,
    "IND": 356, "IRL": 372, "IRN": 364, "ISL": 352, "ISR": 376, "ITA": 380, "JOR": 400, "JPN": 392, "KEN": 404,
    "KOR": 410, "KWT": 414, "LKA": 144, "MAC": 446, "MAR": 504, "MEX": 484, "MLT": 470, "MMR": 104, "MUS": 480,
    "MWI": 454, "MYS": 458, "NER": 562, "NGA": 566, "NLD": 528, "NOR": 578, "NPL": 524, "PAN": 591, "PHL": 608,
    "POL": 616, "PRT": 620, "QAT": 634, "ROM": 642, "SEN": 686, "SGP": 702, "SWE": 752, "THA": 764, "TTO": 780,
    "TUN": 788, "TUR": 792, "TZA": 834, "URY": 858, "USA": 840, "ZAF": 710,
}
# fta coding of the real application: the Yotov panel's curated RTA dummy, DESTA agreements in force, or either
FTA_CODINGS = ("rta", "desta", "either")
TIES_TOTAL_EMBARGO = 1                  # TIES `sanctiontype` 1 = total economic embargo
# Sanctions source of the real applications: the paper's own, GSDB (release 3; complete trade sanctions, the
# paper's rule, any sender), TIES v4.1 total economic embargoes (any sender, cases to 2005), EUSANCT impositions
# with a total economic embargo (EU/US/UN senders only, cases active 1989-2015), or a country-year sanctioned in
# TIES or EUSANCT ("either").
SANCTION_SOURCES = ("gsdb", "ties", "eusanct", "either")


# ------------------------------------------------------------------------------------------------
# Which data, and what each page says about them
# ------------------------------------------------------------------------------------------------
GENERATOR = "helpers.chapters.phillips_ahmad.synth"
AUTO_REASON = ("the paper's data (USITC ITPD-E sector flows, the Dynamic Gravity Dataset and GSDB sanctions) are not "
               "in the offline mirror, so the paper's tables are rebuilt on the calibrated structural-gravity world")


def choose_data(settings) -> DataChoice:
    """`auto` is the synthetic paper-scale world (the paper's own data are not offline); `real` is the real panel
    `real_panel` names (WIOD sector trade or the Yotov panel), which never falls back."""
    if settings.data_source == "auto":
        return DataChoice("synthetic", "auto", (), generator=GENERATOR, seed=settings.seed, reason=AUTO_REASON)
    keys = WIOD_KEYS if settings.real_panel == "wiod" else REAL_KEYS
    return choose_source(settings.data_source, keys, generator=GENERATOR, seed=settings.seed)


def real_files_available() -> bool:
    """Every file of the Yotov application resolves and verifies (a corrupt one raises)."""
    return all(locate(key) is not None for key in REAL_KEYS)


FIGURE12_DATA = "Figure 12: the yearly cross-country means of V-Dem v14's democracy and corruption indices"


def _synthetic_world(settings) -> tuple[str, ...]:
    countries = 28 + (min(settings.n_generic, QUICK_N_GENERIC) if settings.quick else settings.n_generic)
    return (f"trade: 1995-2022 flows (domestic flows and zeros included) of {countries} countries in the run's "
            "sectors, from a structural gravity model whose true coefficients are the paper's Tables 5-6",
            "gravity covariates: distance, contiguity, language, legal origin, colonial ties, FTA, landlocked, island",
            "second-stage variables: country-year democracy, corruption, income group and sanctions",
            "re-routing injected from 2018 (China via Vietnam and Cambodia to the U.S.) and in 2022 (Russia via "
            "Kazakhstan to Germany and France), and a placebo China via Mexico to the U.S. with share 0")


def _yotov_panel(settings) -> tuple[str, ...]:
    fta = {"rta": "the panel's RTA dummy", "desta": "DESTA v2.3 agreements in force",
           "either": "the panel's RTA dummy or DESTA v2.3 agreements in force"}[settings.real_fta]
    sanctions = {"gsdb": "GSDB release 3 complete trade sanctions", "ties": "TIES v4.1 total economic embargoes",
                 "eusanct": "EUSANCT total economic embargoes",
                 "either": "TIES v4.1 or EUSANCT total economic embargoes"}[settings.real_sanctions]
    return ("trade: manufacturing flows with domestic flows, 69 countries, 1986-2006 (Yotov et al. 2016)",
            "gravity covariates: distance, contiguity, colonial ties and language (the same panel), landlocked "
            f"(CEPII), FTA ({fta})",
            f"second-stage variables: democracy and corruption (V-Dem v14), income groups (World Bank), {sanctions}")


WIOD_DATA = ("trade: WIOD 2013 release, the 14 manufacturing industries (c3-c16), 40 economies (rest of the world "
             "dropped), 1995-2011, domestic flows included, inventory changes left out (Timmer et al. 2015)",
             "gravity covariates: distance, contiguity, colonial ties, common official language (CEPII GeoDist), "
             "landlocked (CEPII), FTA (DESTA v2.3 agreements in force), island (coded for the 40 economies); no "
             "legal origin",
             "second-stage variables: democracy and corruption (V-Dem v14), income groups (World Bank), complete "
             "trade sanctions (GSDB release 3)")


def _real_panel(settings) -> tuple[str, ...]:
    return WIOD_DATA if settings.real_panel == "wiod" else _yotov_panel(settings)


def describe_data(settings, page: str | None = None) -> DataStatement:
    """What a page runs on. Pages: None (the paper's tables and figures on the run's data), "second_stage" (adds
    Figure 12), "real_data" (the Yotov-panel application), "real_wiod" (the pipeline on WIOD sector trade,
    whatever `data_source` says), "scorecard" (synthetic method checks and real claims)."""
    if page == "real_wiod":
        return DataStatement(real=WIOD_DATA, note="This page always runs on WIOD: its point is the real sector "
                                                  "panel; the other pages' \"auto\" is the synthetic world.")
    real_run = settings.data.is_real
    if page == "real_data":
        if (real_run and settings.real_panel == "yotov") or (settings.data_source != "synthetic"
                                                              and real_files_available()):
            return DataStatement(real=_yotov_panel(settings), note="This page runs on the Yotov panel whenever its "
                                 "files resolve; the other pages' \"auto\" is the synthetic world.")
        return DataStatement(generated=_synthetic_world(settings),
                             note="The real panel's files are not available: this page shows the synthetic world.")
    statement = _real_panel(settings) if real_run else _synthetic_world(settings)
    if page == "second_stage":
        return DataStatement(real=(*statement, FIGURE12_DATA) if real_run else (FIGURE12_DATA,),
                             generated=() if real_run else statement)
    if page == "scorecard":
        real = (*statement,) if real_run else (
            ("the real-data rows: " + "; ".join((*WIOD_DATA, *_yotov_panel(settings))),)
            if real_files_available() else ())
        return DataStatement(real=(*real, FIGURE12_DATA), generated=() if real_run else statement)
    return DataStatement(real=statement) if real_run else DataStatement(generated=statement)


# ------------------------------------------------------------------------------------------------
# The paper's sources, in their published layouts (not in the mirror)
# ------------------------------------------------------------------------------------------------
def load_itpde(path, years=(1995, 2022), broad_sector: str = "Manufacturing", zero_policy: str = "keep_all"):
    """ITPD-E (Release 2+) CSV: exporter_iso3, importer_iso3, year, industry_id, broad_sector, trade
    (million current USD), flag_zero. `zero_policy` 'drop_u' treats assigned zeros as missing."""
    cols = ["exporter_iso3", "importer_iso3", "year", "industry_id", "broad_sector", "trade", "flag_zero"]
    df = pd.read_csv(path, usecols=lambda c: c in cols)
    missing = [c for c in cols[:6] if c not in df.columns]
    if missing:
        raise ValueError(f"{path} is not an ITPD-E file: columns {missing} are missing.")
    df = df[(df["broad_sector"] == broad_sector) & df["year"].between(*years)]
    if zero_policy == "drop_u" and "flag_zero" in df:
        df = df[df["flag_zero"] != "u"]
    elif zero_policy == "drop_zeros":
        df = df[df["trade"] > 0]
    return df.rename(columns={"exporter_iso3": "exporter", "importer_iso3": "importer"})


def isic3_division(industry_descr_or_code) -> int:
    """ISIC Rev.3 division (2 digits) from an ITPD-E industry's ISIC code."""
    return int(str(industry_descr_or_code).strip()[:2])


def aggregate_sectors(df: pd.DataFrame, isic_code: pd.Series, sector_map: str = "isic3_inferred") -> pd.DataFrame:
    """Sum trade by exporter, importer, year and the paper's 14 sectors. `isic_code` gives each row's ISIC
    Rev.3 code (4 digits); Appliances = 293 + division 31 unless `sector_map='appliances_31_only'`."""
    if sector_map not in ISIC3_SECTOR_MAP:
        raise ValueError(f"sector_map must be one of {list(ISIC3_SECTOR_MAP)}; got {sector_map!r}.")
    code = isic_code.astype(str).str.strip().str[:4]
    sector = code.str[:2].astype(int).map(ISIC3_SECTOR_MAP[sector_map])
    if sector_map != "appliances_31_only":
        sector = sector.where(code.str[:3] != "293", "Appliances")
    out = df.assign(sector=sector.to_numpy()).dropna(subset=["sector"])
    return out.groupby(["exporter", "importer", "year", "sector"], as_index=False)["trade"].sum()


def load_dgd(path) -> pd.DataFrame:
    """USITC Dynamic Gravity Dataset CSV (release 2.x): year, iso3_o, iso3_d, distance, contiguity, ..."""
    need = ["year", "iso3_o", "iso3_d", "distance", "contiguity", "common_language", "common_legal_origin",
            "colony_of_origin_ever", "colony_of_destination_ever", "landlocked_o", "landlocked_d", "island_o",
            "island_d", "agree_fta"]
    df = pd.read_csv(path, usecols=lambda c: c in need)
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ValueError(f"{path} is not a Dynamic Gravity Dataset file: columns {missing} are missing.")
    return df


def gravity_covariates(dgd: pd.DataFrame, to_year: int = 2022) -> pd.DataFrame:
    """The paper's nine regressors from the DGD; bilateral values after the last DGD year carried forward."""
    out = pd.DataFrame({
        "exporter": dgd["iso3_o"], "importer": dgd["iso3_d"], "year": dgd["year"],
        "ln_dist": np.log(dgd["distance"].clip(lower=1)), "contig": dgd["contiguity"],
        "lang": dgd["common_language"], "legal": dgd["common_legal_origin"],
        "colony": dgd[["colony_of_origin_ever", "colony_of_destination_ever"]].max(axis=1),
        "landlocked": dgd[["landlocked_o", "landlocked_d"]].max(axis=1),
        "island": dgd[["island_o", "island_d"]].max(axis=1), "fta": dgd["agree_fta"],
    })
    out["dom"] = (out["exporter"] == out["importer"]).astype(int)
    last = int(out["year"].max())
    tail = out[out["year"] == last]
    extra = [tail.assign(year=y) for y in range(last + 1, to_year + 1)]
    return pd.concat([out, *extra], ignore_index=True)


def _mapped_dyads(d: pd.DataFrame, iso_numeric_to_iso3: dict, year: pd.Series) -> pd.DataFrame:
    """DESTA dyad rows as (a, b, base_treaty, year) in both directions, countries mapped (unmapped rows dropped)."""
    out = pd.DataFrame({"a": d["iso1"].map(iso_numeric_to_iso3), "b": d["iso2"].map(iso_numeric_to_iso3),
                        "base_treaty": d["base_treaty"] if "base_treaty" in d else 0, "year": year})
    out = out.dropna()
    return pd.concat([out, out.rename(columns={"a": "b", "b": "a"})], ignore_index=True)


def desta_spells(desta: pd.DataFrame, iso_numeric_to_iso3: dict, withdrawals: pd.DataFrame | None = None,
                 entry_years=None) -> pd.DataFrame:
    """Years in which a DESTA agreement is in force for a country pair: one row per ordered pair (both
    directions) and treaty family, with `start` and `end` (NaN = still in force).

    DESTA's dyadic list has one row per pair and treaty *entry*: the base treaty, each accession (e.g. Spain
    and Portugal joining the EC in 1986) and consolidated versions (`entry_type`), all carrying the number of
    their `base_treaty`. A family (pair x `base_treaty`) is in force from its earliest `entryforceyear`; rows
    without one (signed, never in force, e.g. TPP) are dropped. A row of DESTA's dyadic withdrawal file for the
    same pair and base treaty ends it: the agreement counts as in force through the withdrawal year
    (`entryforceyear` when given, else `year`), the last year in which it applied. `entry_years` keeps only
    entries that entered into force in those years (the paper's 2020-2021 extension of the DGD)."""
    d = desta.dropna(subset=["entryforceyear"])
    if entry_years is not None:
        d = d[d["entryforceyear"].isin(entry_years)]
    key = ["a", "b", "base_treaty"]
    spells = _mapped_dyads(d, iso_numeric_to_iso3, d["entryforceyear"]).groupby(key)["year"].min().rename("start")
    spells = spells.reset_index()
    spells["end"] = np.nan
    if withdrawals is not None and len(withdrawals):
        w = _mapped_dyads(withdrawals, iso_numeric_to_iso3, withdrawals["entryforceyear"].fillna(withdrawals["year"]))
        w = spells.merge(w, on=key)
        w = w[w["year"] >= w["start"]].groupby(key)["year"].min()       # the first withdrawal after entry
        spells["end"] = w.reindex(pd.MultiIndex.from_frame(spells[key])).to_numpy()
    return spells.astype({"start": int})


def desta_in_force(cov: pd.DataFrame, spells: pd.DataFrame) -> np.ndarray:
    """1 where the exporter-importer pair of a `cov` row has a DESTA agreement in force in its year (any spell of
    `desta_spells`), else 0; domestic pairs are 0."""
    y0, y1 = int(cov["year"].min()), int(cov["year"].max())
    end = spells["end"].fillna(y1).clip(upper=y1).astype(int)
    start = spells["start"].clip(lower=y0)
    keep = start <= end
    n = (end - start + 1)[keep].to_numpy()
    years = np.repeat(start[keep].to_numpy(), n) + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    on = pd.MultiIndex.from_arrays([np.repeat(spells["a"][keep].to_numpy(), n),
                                    np.repeat(spells["b"][keep].to_numpy(), n), years]).unique()
    hit = pd.MultiIndex.from_arrays([cov["exporter"], cov["importer"], cov["year"]]).isin(on)
    return (hit & (cov["exporter"] != cov["importer"]).to_numpy()).astype(int)


def extend_fta_with_desta(cov: pd.DataFrame, desta: pd.DataFrame, iso_numeric_to_iso3: dict,
                          years=(2020, 2021), withdrawals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Set fta = 1 where a DESTA agreement that entered into force in `years` (None: any year) is in force
    (`desta_spells`; from its entry-into-force year on, through a withdrawal year if `withdrawals` is given)."""
    cov = cov.copy()
    in_force = desta_in_force(cov, desta_spells(desta, iso_numeric_to_iso3, withdrawals, entry_years=years))
    cov.loc[in_force == 1, "fta"] = 1
    return cov


def load_gsdb(path) -> pd.DataFrame:
    """GSDB V4 case file (CSV): sanctioned_state, begin, end, trade, descr_trade."""
    df = pd.read_csv(path)
    need = ["sanctioned_state", "begin", "end", "trade"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ValueError(f"{path} is not a GSDB case file: columns {missing} are missing.")
    return df


def gsdb_sanctioned(gsdb: pd.DataFrame, name_to_iso3: dict, years=(1995, 2022)) -> pd.DataFrame:
    """Country-year S_it = 1 when the country is the target of an active *complete* trade sanction
    (GSDB trade == 1 and descr_trade containing 'exp_compl' or 'imp_compl'); partial sanctions are dropped."""
    descr = gsdb.get("descr_trade", pd.Series("", index=gsdb.index)).fillna("").astype(str)
    complete = (gsdb["trade"] == 1) & descr.str.contains("compl")
    rows = []
    for r in gsdb[complete].itertuples():
        iso = name_to_iso3.get(r.sanctioned_state)
        if iso is None:
            continue
        for y in range(max(int(r.begin), years[0]), min(int(r.end), years[1]) + 1):
            rows.append((iso, y))
    return pd.DataFrame(rows, columns=["iso3", "year"]).drop_duplicates().assign(sanctioned=1)


def paper_panel(itpde: pd.DataFrame, covariates: pd.DataFrame) -> pd.DataFrame:
    """ITPD-E sector flows joined with the gravity covariates (pairs without covariates dropped)."""
    return itpde.merge(covariates, on=["exporter", "importer", "year"], how="inner")


# ------------------------------------------------------------------------------------------------
# Offline real-data application: Yotov et al. (2016) manufacturing panel
# ------------------------------------------------------------------------------------------------
@lru_cache(maxsize=len(FTA_CODINGS))
def yotov_panel(fta: str = "rta") -> pd.DataFrame:
    """69 countries x 69 (domestic flows included) x 1986-2006, manufacturing trade (USD m) with gravity
    covariates: ln(DIST), CNTG, CLNY, LANG, fta, either-landlocked (CEPII), DOM. `fta` (see `FTA_CODINGS`):
    "rta" = the Advanced Guide's RTA dummy, "desta" = a DESTA v2.3 agreement in force (`yotov_desta`),
    "either" = the larger of the two. Domestic pairs have fta = 0 in every coding (as in the Yotov RTA)."""
    if fta not in FTA_CODINGS:
        raise ValueError(f"fta must be one of {list(FTA_CODINGS)}; got {fta!r}.")
    base = _yotov_base()
    if fta == "rta":
        return base
    desta = yotov_desta(base)
    return base.assign(fta=desta if fta == "desta" else np.maximum(base["fta"].to_numpy(), desta))


def yotov_desta(panel: pd.DataFrame) -> np.ndarray:
    """DESTA v2.3 agreement in force (0/1) for each row of a Yotov-country panel: dyadic list plus dyadic
    withdrawals (`desta_spells`), countries mapped with `YOTOV_ISO_NUMERIC` (all 69 are in DESTA)."""
    to_yotov = {v: k for k, v in YOTOV_ISO_NUMERIC.items()}
    withdrawals = load("desta_withdrawals_v2_3")
    return desta_in_force(panel, desta_spells(load("desta_dyads_v2_3"), to_yotov, withdrawals))


@lru_cache(maxsize=1)
def _yotov_base() -> pd.DataFrame:
    base = load("yotov_agtpa_chapter1application1")
    rta = load("yotov_agtpa_applications_rda")["agtpa_applications"][["exporter", "importer", "year", "rta"]]
    geo = load("cepii_geo")[["iso3", "landlocked"]].drop_duplicates("iso3").set_index("iso3")["landlocked"]
    df = base.merge(rta, on=["exporter", "importer", "year"], how="left")
    df["year"] = df["year"].astype(int)
    L_i = df["exporter"].map(geo)
    L_j = df["importer"].map(geo)
    if L_i.isna().any() or L_j.isna().any():
        missing = sorted(set(df.loc[L_i.isna(), "exporter"]) | set(df.loc[L_j.isna(), "importer"]))
        raise ValueError(f"CEPII geo has no landlocked status for {missing}.")
    out = pd.DataFrame({
        "exporter": df["exporter"].astype(str), "importer": df["importer"].astype(str), "year": df["year"],
        "sector": "Manufacturing", "trade": df["trade"].astype(float),
        "ln_dist": np.log(df["DIST"].astype(float)), "contig": df["CNTG"].astype(int),
        "colony": df["CLNY"].astype(int), "lang": df["LANG"].astype(int),
        "fta": df["rta"].fillna(0).astype(int),
        "landlocked": np.maximum(L_i, L_j).astype(int),
        "dom": (df["exporter"] == df["importer"]).astype(int),
    })
    return out


# ------------------------------------------------------------------------------------------------
# Offline real data, the paper's design: WIOD (2013 release) sector trade, 1995-2011
# ------------------------------------------------------------------------------------------------
# every file the WIOD panel reads, besides the WIOD tables themselves (`wiod.KEYS`)
WIOD_KEYS = (*wiod.KEYS.values(), "cepii_dist", "cepii_geo", "vdem_v14_lite", "wb_income_class_long",
             "desta_dyads_v2_3", "desta_withdrawals_v2_3", "gsdb_v3_case_level")
WIOD_YEARS = (wiod.YEARS[0], wiod.YEARS[-1])
WIOD_DEFAULT_SPLIT = 2010                           # the paper's first period exactly, then 2010-2011
WIOD_INDUSTRIES = tuple(wiod.SECTOR_MAP)            # c3 ... c16
WIOD_GRAVITY_VARS = ("ln_dist", "contig", "colony", "lang", "fta", "landlocked", "island", "dom")   # no legal origin
# island economies among the 40 (at least one in the pair = 1): coded by us, CEPII GeoDist has no island flag
ISLANDS = ("AUS", "CYP", "GBR", "IDN", "IRL", "JPN", "MLT", "TWN")
CEPII_CODES = {"ROU": "ROM"}                         # CEPII uses Romania's old code
# ISO 3166-1 numeric codes of the 40 WIOD economies as DESTA's iso1/iso2 use them (Taiwan 158)
WIOD_ISO_NUMERIC = {
    "AUS": 36, "AUT": 40, "BEL": 56, "BGR": 100, "BRA": 76, "CAN": 124, "CHN": 156, "CYP": 196, "CZE": 203,
    "DEU": 276, "DNK": 208, "ESP": 724, "EST": 233, "FIN": 246, "FRA": 250, "GBR": 826, "GRC": 300, "HUN": 348,
    "IDN": 360, "IND": 356, "IRL": 372, "ITA": 380, "JPN": 392, "KOR": 410, "LTU": 440, "LUX": 442, "LVA": 428,
    "MEX": 484, "MLT": 470, "NLD": 528, "POL": 616, "PRT": 620, "ROU": 642, "RUS": 643, "SVK": 703, "SVN": 705,
    "SWE": 752, "TUR": 792, "TWN": 158, "USA": 840,
}


def wiod_industry(code: str) -> str:
    """'c12 Metals / Fabricated metals': a WIOD industry code with the paper sector(s) it stands for (the sector
    names of a WIOD run)."""
    return f"{code} {wiod.paper_sector_of(code)}"


WIOD_SECTORS = tuple(wiod_industry(c) for c in WIOD_INDUSTRIES)
WIOD_PAPER_SECTORS = {wiod_industry(code): sectors for code, (_, sectors, _) in wiod.SECTOR_MAP.items()}


def wiod_economies() -> tuple[str, ...]:
    """The 40 WIOD economies (RoW dropped: it has no distance)."""
    return tuple(c for c in wiod.countries() if c != "ROW")


@lru_cache(maxsize=1)
def wiod_trade() -> pd.DataFrame:
    """exporter, importer, sector (`WIOD_SECTORS`), year, trade (USD m) for the 14 manufacturing industries,
    1995-2011, 40 economies, domestic flows included, inventory changes left out (all flows >= 0)."""
    t = wiod.sector_trade(WIOD_YEARS, WIOD_INDUSTRIES, inventories=False, include_row=False)
    return pd.DataFrame({"exporter": t["exporter"].astype(str), "importer": t["importer"].astype(str),
                         "sector": t["industry"].astype(str).map(wiod_industry), "year": t["year"].to_numpy(),
                         "trade": t["value"].to_numpy()})


@lru_cache(maxsize=1)
def wiod_covariates() -> pd.DataFrame:
    """exporter, importer, year (1995-2011), `WIOD_GRAVITY_VARS` and `dist` (km), every ordered pair of the 40
    economies including domestic pairs: CEPII GeoDist distance (domestic: internal distance), contiguity, colony
    (ever), common official language; either-landlocked (CEPII geo); island (`ISLANDS`); FTA = a DESTA v2.3
    agreement in force; the domestic dummy."""
    iso = list(wiod_economies())
    n = len(iso)
    pairs = pd.DataFrame({"exporter": np.repeat(iso, n), "importer": np.tile(iso, n)})
    back = {v: k for k, v in CEPII_CODES.items()}
    dist = load("cepii_dist").copy()
    dist["iso_o"], dist["iso_d"] = dist["iso_o"].replace(back), dist["iso_d"].replace(back)
    p = pairs.merge(dist, left_on=["exporter", "importer"], right_on=["iso_o", "iso_d"], how="left")
    if p["dist"].isna().any():
        missing = p.loc[p["dist"].isna(), ["exporter", "importer"]].drop_duplicates().head()
        raise ValueError(f"CEPII dist_cepii has no distance for WIOD pairs such as {missing.values.tolist()}.")
    geo = load("cepii_geo")[["iso3", "landlocked"]].drop_duplicates("iso3")
    land = geo.assign(iso3=geo["iso3"].replace(back)).set_index("iso3")["landlocked"]
    dom = (p["exporter"] == p["importer"]).astype(int)
    base = pd.DataFrame({
        "exporter": p["exporter"], "importer": p["importer"], "dist": p["dist"].astype(float),
        "ln_dist": np.log(p["dist"].astype(float)),
        "contig": p["contig"].astype(int) * (1 - dom), "colony": p["colony"].astype(int) * (1 - dom),
        "lang": np.maximum(p["comlang_off"].astype(int), dom),     # domestic pairs share a language
        "landlocked": np.maximum(p["exporter"].map(land), p["importer"].map(land)).astype(int),
        "island": (p["exporter"].isin(ISLANDS) | p["importer"].isin(ISLANDS)).astype(int),
        "dom": dom,
    })
    out = pd.concat([base.assign(year=y) for y in range(WIOD_YEARS[0], WIOD_YEARS[1] + 1)], ignore_index=True)
    to_iso3 = {v: k for k, v in WIOD_ISO_NUMERIC.items()}
    out["fta"] = desta_in_force(out, desta_spells(load("desta_dyads_v2_3"), to_iso3, load("desta_withdrawals_v2_3")))
    return out[["exporter", "importer", "year", *WIOD_GRAVITY_VARS, "dist"]]


@lru_cache(maxsize=1)
def wiod_country_year() -> pd.DataFrame:
    """`country_year_frame` for the 40 WIOD economies, 1995-2011, with sanctioned = the target of a GSDB
    (release 3) complete trade sanction, the paper's rule. None of the 40 is, in those years (Russia's begin in
    2014; the sanctioned states of the period are not WIOD economies): `Sanc` is 0 throughout."""
    frame = country_year_frame(wiod_economies(), WIOD_YEARS)
    frame["sanctioned"] = gsdb_sanctioned_in(frame)
    return frame


def world_economies() -> tuple[str, ...]:
    """The World Bank's 218 economies (its historical income-group file): the stand-in country list for shares
    that depend on the paper's ITPD-E list, which is not offline."""
    return tuple(sorted(set(load("wb_income_class_long")["code"].dropna())))


def wiod_sanctioned_pair_years() -> int:
    """Pair-years of the 40 economies, 1995-2011, with Sanc = 1 under GSDB's complete trade sanctions."""
    return int(gsdb.sanc_pairs(wiod_economies(), WIOD_YEARS)["Sanc"].sum())


@lru_cache(maxsize=4)
def vdem_world_means(years: tuple[int, int] = (1960, 2024), countries: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Figure 12: the cross-country mean of V-Dem's electoral democracy (v2x_polyarchy) and political
    corruption (v2x_corr) indices per year, with a normal 95% interval of the mean (mean ± 1.96 sd/√n), over
    every country V-Dem rates that year (or over `countries`, ISO3). Columns: year, index ("democracy" /
    "corruption"), mean, lo, hi, n."""
    vdem = load("vdem_v14_lite")["vdemlite"][["country_text_id", "year", "v2x_polyarchy", "v2x_corr"]]
    if countries is not None:
        vdem = vdem[vdem["country_text_id"].isin(countries)]
    vdem = vdem.drop(columns="country_text_id")
    vdem = vdem[vdem["year"].astype(int).between(*years)].astype({"year": int})
    long = vdem.melt("year", var_name="index").dropna()
    long["index"] = long["index"].map({"v2x_polyarchy": "democracy", "v2x_corr": "corruption"})
    g = long.groupby(["index", "year"])["value"].agg(["mean", "std", "count"]).reset_index()
    half = 1.96 * g["std"] / np.sqrt(g["count"])
    return pd.DataFrame({"year": g["year"], "index": g["index"], "mean": g["mean"], "lo": g["mean"] - half,
                         "hi": g["mean"] + half, "n": g["count"]})


def country_year_frame(countries, years: tuple[int, int], iso=None) -> pd.DataFrame:
    """iso3, year, dem (V-Dem v2x_polyarchy), corr (v2x_corr), upper (World Bank upper-middle or high income;
    classification released in July of the year) for `countries` x `years` (first, last). `iso` maps a country
    code of the frame to the ISO3 code V-Dem and the World Bank use, where they differ. Missing values stay
    missing."""
    frame = pd.MultiIndex.from_product([list(countries), range(years[0], years[1] + 1)],
                                       names=["iso3", "year"]).to_frame(index=False)
    code = frame["iso3"].replace(iso or {})
    vdem = load("vdem_v14_lite")["vdemlite"][["country_text_id", "year", "v2x_polyarchy", "v2x_corr"]]
    vdem = vdem.assign(year=vdem["year"].astype(int)).set_index(["country_text_id", "year"])
    key = pd.MultiIndex.from_arrays([code, frame["year"]])
    frame["dem"] = vdem["v2x_polyarchy"].reindex(key).to_numpy()
    frame["corr"] = vdem["v2x_corr"].reindex(key).to_numpy()
    wb = load("wb_income_class_long")[["code", "year_release", "incgroup_historical"]]
    wb = wb.assign(year=pd.to_numeric(wb["year_release"], errors="coerce")).dropna(subset=["year"])
    wb["upper"] = wb["incgroup_historical"].map({"Low income": 0, "Lower middle income": 0,
                                                 "Upper middle income": 1, "High income": 1})
    wb = wb.dropna(subset=["upper"]).drop_duplicates(["code", "year"]).set_index(["code", "year"])["upper"]
    frame["upper"] = wb.reindex(pd.MultiIndex.from_arrays([code, frame["year"].astype(float)])).to_numpy()
    return frame


def gsdb_sanctioned_in(frame: pd.DataFrame, iso=None) -> pd.Series:
    """1 where the country-year of `frame` (iso3, year) is the target of an active GSDB (release 3) complete trade
    sanction (`helpers.data.gsdb.complete_trade_sanctioned`, the paper's rule), else 0."""
    years = (int(frame["year"].min()), int(frame["year"].max()))
    s = gsdb.complete_trade_sanctioned(years)
    hit = pd.MultiIndex.from_arrays([s["iso3"], s["year"]])
    key = pd.MultiIndex.from_arrays([frame["iso3"].replace(iso or {}), frame["year"]])
    return pd.Series(key.isin(hit).astype(int), index=frame.index)


@lru_cache(maxsize=len(SANCTION_SOURCES))
def real_country_year(sanctions: str = "gsdb") -> pd.DataFrame:
    """Country-year geopolitics for the Yotov countries, 1986-2006 (`country_year_frame`), with sanctioned = the
    target of an active complete trade sanction in GSDB, or of a total economic embargo in TIES, EUSANCT or either
    (`sanctions`, see `SANCTION_SOURCES`)."""
    if sanctions not in SANCTION_SOURCES:
        raise ValueError(f"sanctions must be one of {list(SANCTION_SOURCES)}; got {sanctions!r}.")
    frame = country_year_frame(sorted(YOTOV_COW), (1986, 2006), iso=YOTOV_TO_ISO3)
    if sanctions == "gsdb":
        frame["sanctioned"] = gsdb_sanctioned_in(frame, iso=YOTOV_TO_ISO3)
        return frame
    sanctioned = pd.Series(0, index=frame.index)
    if sanctions in ("ties", "either"):
        sanctioned |= _ties_sanctioned(frame)
    if sanctions in ("eusanct", "either"):
        sanctioned |= _eusanct_sanctioned(frame)
    frame["sanctioned"] = sanctioned.astype(int)
    return frame


def _cow_to_yotov() -> dict:
    cow_to_iso = {v: k for k, v in YOTOV_COW.items()}
    cow_to_iso[260] = "DEU"                       # West Germany
    return cow_to_iso


def _ties_sanctioned(frame: pd.DataFrame) -> pd.Series:
    """1 where the country-year is the target of an imposed TIES v4.1 total economic embargo (any sender;
    open cases run to the panel's end)."""
    ties = load("ties_v4_1_xls")
    ties = ties[(ties["imposition"] == 1) & (ties["sanctiontype"] == TIES_TOTAL_EMBARGO)]
    cow_to_iso = _cow_to_yotov()
    out = pd.Series(0, index=frame.index)
    last = int(frame["year"].max())
    for r in ties.itertuples():
        target = cow_to_iso.get(int(r.targetstate)) if pd.notna(r.targetstate) else None
        if target is None:
            continue
        start = r.sancimpositionstartyear if pd.notna(r.sancimpositionstartyear) else r.startyear
        end = r.endyear if pd.notna(r.endyear) else (r.ongoingasofyear if pd.notna(r.ongoingasofyear) else last)
        out[(frame["iso3"] == target) & frame["year"].between(int(start), int(end))] = 1
    return out


def _eusanct_sanctioned(frame: pd.DataFrame) -> pd.Series:
    """1 where the country-year is the target of an EU, US or UN imposition that includes a total economic
    embargo in EUSANCT (`helpers.data.eusanct.total_embargo_years`; open cases run to the panel's end)."""
    years = (int(frame["year"].min()), int(frame["year"].max()))
    hit = eusanct.total_embargo_years(years)
    hit = hit.assign(iso3=hit["ccode"].map(_cow_to_yotov())).dropna(subset=["iso3"])
    keys = set(zip(hit["iso3"], hit["year"]))
    return pd.Series([int((c, y) in keys) for c, y in zip(frame["iso3"], frame["year"])], index=frame.index)


def sanctioned_by_source() -> pd.DataFrame:
    """Yotov countries ever sanctioned under each source: iso3, source, first and last year, years."""
    rows = []
    for src in SANCTION_SOURCES:
        cy = real_country_year(src)
        s = cy[cy["sanctioned"] == 1].groupby("iso3")["year"].agg(["min", "max", "size"]).reset_index()
        rows.append(s.assign(source=src))
    out = pd.concat(rows, ignore_index=True).rename(columns={"min": "first", "max": "last", "size": "years"})
    return out[["source", "iso3", "first", "last", "years"]]


def pair_geopolitics(cy: pd.DataFrame, income_missing: str = "zero", dem_thresholds=(0.25, 0.75),
                     corr_threshold: float = 0.5) -> pd.DataFrame:
    """Exporter x importer x year pair variables from a country-year table (spec §2.5). With
    `income_missing='zero'` a missing income group counts as 'lower' in all three dummies (the paper's
    apparent coding); with 'drop' the income dummies are missing for such pairs."""
    if income_missing not in ("zero", "drop"):
        raise ValueError(f"income_missing must be 'zero' or 'drop'; got {income_missing!r}.")
    o = cy.add_suffix("_o").rename(columns={"iso3_o": "exporter", "year_o": "year"})
    d = cy.add_suffix("_d").rename(columns={"iso3_d": "importer", "year_d": "year"})
    p = o.merge(d, on="year")
    lo, hi = dem_thresholds
    out = p[["exporter", "importer", "year"]].copy()
    out["abs_dem"] = (p["dem_o"] - p["dem_d"]).abs()
    out["DEMO"] = ((p["dem_o"] > hi) & (p["dem_d"] > hi)).astype(float).where(p[["dem_o", "dem_d"]].notna().all(1))
    out["DICT"] = ((p["dem_o"] < lo) & (p["dem_d"] < lo)).astype(float).where(p[["dem_o", "dem_d"]].notna().all(1))
    out["abs_corr"] = (p["corr_o"] - p["corr_d"]).abs()
    out["LowCorr"] = ((p["corr_o"] < corr_threshold) & (p["corr_d"] < corr_threshold)).astype(float).where(
        p[["corr_o", "corr_d"]].notna().all(1))
    out["Sanc"] = (p["sanctioned_o"].fillna(0).astype(int) ^ p["sanctioned_d"].fillna(0).astype(int)).astype(float)
    uo, ud = p["upper_o"], p["upper_d"]
    if income_missing == "zero":
        uo, ud = uo.fillna(0), ud.fillna(0)
    out["U11"] = uo * ud
    out["U10"] = uo * (1 - ud)
    out["U01"] = (1 - uo) * ud
    return out


@lru_cache(maxsize=2 * len(SANCTION_SOURCES))
def real_geopolitics(income_missing: str = "zero", sanctions: str = "gsdb") -> pd.DataFrame:
    """Second-stage pair variables on the Yotov countries, with the sanctions source `sanctions`."""
    return pair_geopolitics(real_country_year(sanctions), income_missing=income_missing)
