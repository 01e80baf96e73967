"""The paper's two stages on real sector trade: the 14 WIOD (2013 release) manufacturing industries, 1995-2011,
40 economies with domestic flows, GSDB complete trade sanctions.

The same code path as the synthetic world and the Yotov panels (`pipeline._first_stage_of`, `pipeline.second_stage`,
`helpers.methods.gravity`): `WiodPanels` is one more `pipeline.PanelSource`, and `run(settings)` builds a
`pipeline.GravityRun` (kind "wiod") cached with `helpers.cache.cached`.

* Trade: `helpers.data.wiod.sector_trade(inventories=False, include_row=False)`: RoW is dropped (no distance for
  it) and the inventory-change column left out, so every flow is >= 0 (PPML). Sectors are the WIOD industries
  c3-c16; `wiod.sector_map()` says which of the paper's sectors each stands for (c4 + c5 = Apparel, c6 + c7 =
  Wood/paper, c12 = Metals + Fabricated metals, c14 = Electronics + Appliances).
* Periods: the paper's first period 1995-2009 exactly, and 2010-2011 (two years only) as the second
  (`split_year` = 0 means 2010; any year 1996-2011 works).
* Gravity variables: distance (CEPII `dist`, domestic pairs the internal distance), contiguity, colony (ever),
  common official language from CEPII GeoDist; either-landlocked from CEPII geo; island (at least one island
  economy, `ISLANDS`, coded by us for the 40 economies: CEPII has no island flag); FTA = a DESTA v2.3 agreement in
  force (the chapter's `data.desta_spells`); the domestic dummy. **Legal origin is not in any offline file** and is
  left out (as on the Yotov panel).
* Stage 2: V-Dem v14 democracy and corruption, World Bank historical income groups, and GSDB release 3 complete
  trade sanctions (`helpers.data.gsdb.complete_trade_sanctioned`, the paper's rule). None of the 40 WIOD economies
  is the target of a complete trade sanction in 1995-2011 (Russia's begins in 2014, and the sanctioned states of
  those years - Cuba, Iran, Iraq, North Korea, Myanmar ... - are not WIOD economies), so `Sanc` is 0 in every
  pair-year and its coefficient is not estimable: it is reported as such, never filled in.
"""
from __future__ import annotations

import time
from functools import lru_cache

import numpy as np
import pandas as pd

from helpers.cache import cached
from helpers.chapter import Settings
from helpers.chapters.phillips_ahmad.data import desta_in_force, desta_spells, pair_geopolitics
from helpers.chapters.phillips_ahmad.paper import published
from helpers.chapters.phillips_ahmad.pipeline import (GravityRun, PanelSource, _first_stage_of, second_stage)
from helpers.chapters.phillips_ahmad.settings import GEO_TERMS, GRAVITY_VARS, SLUG, STARS
from helpers.data import gsdb, load, wiod
from helpers.methods import gravity as G

KIND = "wiod"
YEARS = (1995, 2011)
DEFAULT_SPLIT = 2010
INDUSTRIES = tuple(wiod.SECTOR_MAP)                 # c3 ... c16
QUICK_INDUSTRIES = ("c9", "c12", "c13", "c14")      # the chapter's quick sectors' WIOD counterparts
WIOD_GRAVITY_VARS = tuple(v for v in GRAVITY_VARS if v != "legal")     # no legal origin offline
PAPER_SECTORS = {code: sectors for code, (_, sectors, _) in wiod.SECTOR_MAP.items()}
FIRST_TABLES = {"gravity": "Table 6", "stage2": "Table 10"}    # the paper's 1995-2009 tables
SECOND_TABLES = {"gravity": "Table 5", "stage2": "Table 9"}    # the paper's 2010-2022 tables
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
SIGNIFICANCE = 0.10


def industry_label(code: str) -> str:
    """'c12 Metals / Fabricated metals': the WIOD code and the paper sector(s) it stands for."""
    return f"{code} {wiod.paper_sector_of(code)}"


def economies() -> tuple[str, ...]:
    """The 40 WIOD economies (RoW dropped)."""
    return tuple(c for c in wiod.countries() if c != "ROW")


# ----------------------------------------------------------------------------------------------
# the data
# ----------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def trade() -> pd.DataFrame:
    """exporter, importer (str), industry, year, trade (USD m) for the 14 manufacturing industries, 1995-2011,
    40 economies, domestic flows included, inventory changes left out (all flows >= 0)."""
    t = wiod.sector_trade(YEARS, INDUSTRIES, inventories=False, include_row=False)
    return pd.DataFrame({"exporter": t["exporter"].astype(str), "importer": t["importer"].astype(str),
                         "industry": t["industry"].astype(str), "year": t["year"].to_numpy(),
                         "trade": t["value"].to_numpy()})


@lru_cache(maxsize=1)
def covariates() -> pd.DataFrame:
    """exporter, importer, year (1995-2011) and the gravity variables `WIOD_GRAVITY_VARS` plus `dist` (km), every
    ordered pair of the 40 economies including domestic pairs."""
    iso = list(economies())
    n, years = len(iso), np.arange(YEARS[0], YEARS[1] + 1)
    pairs = pd.DataFrame({"exporter": np.repeat(iso, n), "importer": np.tile(iso, n)})
    dist = load("cepii_dist").copy()
    back = {v: k for k, v in CEPII_CODES.items()}
    dist["iso_o"], dist["iso_d"] = dist["iso_o"].replace(back), dist["iso_d"].replace(back)
    p = pairs.merge(dist, left_on=["exporter", "importer"], right_on=["iso_o", "iso_d"], how="left")
    if p["dist"].isna().any():
        missing = p.loc[p["dist"].isna(), ["exporter", "importer"]].drop_duplicates().head()
        raise ValueError(f"CEPII dist_cepii has no distance for WIOD pairs such as {missing.values.tolist()}.")
    geo = load("cepii_geo")[["iso3", "landlocked"]].drop_duplicates("iso3")
    geo["iso3"] = geo["iso3"].replace(back)
    land = geo.set_index("iso3")["landlocked"]
    dom = (p["exporter"] == p["importer"]).astype(int)
    base = pd.DataFrame({
        "exporter": p["exporter"], "importer": p["importer"], "dist": p["dist"].astype(float),
        "ln_dist": np.log(p["dist"].astype(float)),
        "contig": (p["contig"].astype(int) * (1 - dom)),
        "colony": (p["colony"].astype(int) * (1 - dom)),
        "lang": np.maximum(p["comlang_off"].astype(int), dom),     # domestic pairs share a language
        "landlocked": np.maximum(p["exporter"].map(land), p["importer"].map(land)).astype(int),
        "island": (p["exporter"].isin(ISLANDS) | p["importer"].isin(ISLANDS)).astype(int),
        "dom": dom,
    })
    out = pd.concat([base.assign(year=y) for y in years], ignore_index=True)
    to_iso3 = {v: k for k, v in WIOD_ISO_NUMERIC.items()}
    spells = desta_spells(load("desta_dyads_v2_3"), to_iso3, load("desta_withdrawals_v2_3"))
    out["fta"] = desta_in_force(out, spells)
    return out[["exporter", "importer", "year", *WIOD_GRAVITY_VARS, "dist"]]


@lru_cache(maxsize=1)
def country_year() -> pd.DataFrame:
    """iso3, year (1995-2011), dem (V-Dem v2x_polyarchy), corr (v2x_corr), upper (World Bank upper-middle or
    high income), sanctioned (GSDB release 3 complete trade sanction, the paper's rule) for the 40 economies."""
    iso = list(economies())
    frame = pd.MultiIndex.from_product([iso, range(YEARS[0], YEARS[1] + 1)], names=["iso3", "year"]).to_frame(
        index=False)
    vdem = load("vdem_v14_lite")["vdemlite"][["country_text_id", "year", "v2x_polyarchy", "v2x_corr"]]
    vdem = vdem.assign(year=vdem["year"].astype(int)).set_index(["country_text_id", "year"])
    key = pd.MultiIndex.from_arrays([frame["iso3"], frame["year"]])
    frame["dem"] = vdem["v2x_polyarchy"].reindex(key).to_numpy()
    frame["corr"] = vdem["v2x_corr"].reindex(key).to_numpy()
    wb = load("wb_income_class_long")[["code", "year_release", "incgroup_historical"]]
    wb = wb.assign(year=pd.to_numeric(wb["year_release"], errors="coerce")).dropna(subset=["year"])
    wb["upper"] = wb["incgroup_historical"].map({"Low income": 0, "Lower middle income": 0,
                                                 "Upper middle income": 1, "High income": 1})
    wb = wb.dropna(subset=["upper"]).drop_duplicates(["code", "year"]).set_index(["code", "year"])["upper"]
    frame["upper"] = wb.reindex(pd.MultiIndex.from_arrays([frame["iso3"], frame["year"].astype(float)])).to_numpy()
    s = gsdb.complete_trade_sanctioned(YEARS)
    hit = set(zip(s["iso3"], s["year"]))
    frame["sanctioned"] = [int((c, y) in hit) for c, y in zip(frame["iso3"], frame["year"])]
    return frame


def sanctioned_pair_years() -> int:
    """Pair-years of the 40 economies, 1995-2011, with Sanc = 1 under GSDB's complete trade sanctions (0: none
    of the 40 is sanctioned in those years)."""
    return int(gsdb.sanc_pairs(economies(), YEARS)["Sanc"].sum())


class WiodPanels(PanelSource):
    """The WIOD manufacturing industries as a `PanelSource` (sectors = WIOD codes c3-c16)."""

    kind = KIND
    years = YEARS
    default_split = DEFAULT_SPLIT
    regressors = WIOD_GRAVITY_VARS

    @property
    def sectors(self) -> tuple[str, ...]:
        return QUICK_INDUSTRIES if self.settings["quick"] or self.settings["sectors"] == "quick" else INDUSTRIES

    def panel(self, sector, years=None):
        t = trade()
        t = t[t["industry"] == sector]
        if years is not None:
            t = t[t["year"].between(*years)]
        return t.drop(columns="industry").merge(covariates(), on=["exporter", "importer", "year"], how="left")

    def country_year(self):
        return country_year()

    def pair_variables(self):
        return pair_geopolitics(country_year(), income_missing=self.settings["income_missing"])


# ----------------------------------------------------------------------------------------------
# the run
# ----------------------------------------------------------------------------------------------
KEY_PARAMETERS = ("quick", "sectors", "fe_structure", "include_domestic", "zero_policy", "residual_def",
                  "min_trade_ratio", "second_stage_estimator", "control_log_trade", "second_stage_sample",
                  "income_missing", "demeaner", "split_year")


def run(settings: Settings) -> GravityRun:
    """Both stages on WIOD for the settings' estimation choices (synthetic-world and Yotov-only parameters do
    not enter), cached on disk."""
    key = {k: settings[k] for k in KEY_PARAMETERS}
    return cached(SLUG, {"stage": "run_wiod", **key}, lambda: estimate(settings))


def estimate(settings: Settings) -> GravityRun:
    """What `run` computes on a cache miss: `pipeline.estimate`'s steps on `WiodPanels`."""
    t0 = time.perf_counter()
    source = WiodPanels(settings)
    geo = source.pair_variables()
    timings, fits, checks, parts = {}, [], [], {}
    for sector in source.sectors:
        for years in source.periods:
            tic = time.perf_counter()
            fit, columns, check = _first_stage_of(source, sector, years)
            timings[f"stage1 {sector} {fit.label['period']}"] = time.perf_counter() - tic
            fits.append(fit)
            checks.append(check)
            for c, values in columns.items():
                parts.setdefault(c, []).append(values)
    resid = pd.DataFrame({c: np.concatenate(v) for c, v in parts.items()})
    resid = G.add_residuals(resid, min_trade=settings["min_trade_ratio"])
    stage2 = second_stage(resid, geo, settings, source, timings=timings)
    timings["total"] = time.perf_counter() - t0
    return GravityRun({**settings, "data_source": KIND}, KIND, source.sectors, source.periods, tuple(fits), resid,
                      geo, tuple(stage2), pd.DataFrame(checks), timings, source.country_year())


# ----------------------------------------------------------------------------------------------
# ours beside the paper
# ----------------------------------------------------------------------------------------------
def _paper_table(result: GravityRun, period: str, stage: str) -> str:
    return (FIRST_TABLES if period == result.period_labels[0] else SECOND_TABLES)[stage]


def comparisons(result: GravityRun) -> pd.DataFrame:
    """One row per (paper table, term, paper sector, WIOD industry) where the run has an estimate: ours
    (estimate, se, p-value, significant at 10%), the paper's (estimate, stars, significant), and whether the signs
    agree and the significance agrees. Apparel and Wood/paper have two WIOD industries each (two rows); c12 and
    c14 stand for two paper sectors each (compared with both). Terms without an estimate (legal origin; Sanc,
    zero in every pair-year) have no row: see `not_estimable`."""
    pub = published().set_index(["table", "row", "column"])
    rows = []
    for stage, fits, terms in (("gravity", result.gravity, WIOD_GRAVITY_VARS), ("stage2", result.stage2, GEO_TERMS)):
        for r in fits:
            table = _paper_table(result, r.label["period"], stage)
            tidy = r.tidy().set_index("term")
            for term in terms:
                if term not in tidy.index or not np.isfinite(tidy.loc[term, "estimate"]):
                    continue
                t = tidy.loc[term]
                for sector in PAPER_SECTORS[r.label["sector"]]:
                    if (table, term, sector) not in pub.index:
                        continue
                    p = pub.loc[(table, term, sector)]
                    paper_sig = bool(str(p["stars"]).strip())
                    ours_sig = bool(t["p_value"] < SIGNIFICANCE)
                    rows.append({
                        "table": table, "row": term, "column": sector, "industry": r.label["sector"],
                        "period": r.label["period"], "estimate": t["estimate"], "std_error": t["std_error"],
                        "p_value": t["p_value"], "stars": STARS.of(t["p_value"]), "significant": ours_sig,
                        "paper_estimate": p["estimate"], "paper_stars": str(p["stars"]).strip(),
                        "paper_significant": paper_sig,
                        "sign_agrees": bool(np.sign(t["estimate"]) == np.sign(p["estimate"])),
                        "sign_sig_agrees": bool(np.sign(t["estimate"]) == np.sign(p["estimate"])
                                                and ours_sig == paper_sig),
                    })
    return pd.DataFrame(rows)


def not_estimable(result: GravityRun) -> pd.DataFrame:
    """The paper's rows WIOD cannot test, and why."""
    n = sanctioned_pair_years()
    return pd.DataFrame([
        {"row": "legal", "tables": "Tables 5-6", "reason": "common legal origin is in no offline file (the paper's "
                                                           "Dynamic Gravity Dataset is not in the mirror)"},
        {"row": "Sanc", "tables": "Tables 9-10",
         "reason": f"Sanc = 1 in {n} pair-years: under the paper's rule (GSDB complete trade sanctions) none of the "
                   "40 WIOD economies is sanctioned in 1995-2011, so the coefficient is not identified"},
    ])


def wiod_comparisons(settings: Settings) -> pd.DataFrame:
    """For the claims: `comparisons(run(settings))` (evidence class `other real data`; 40 economies, WIOD values,
    1995-2011, not the paper's ITPD-E)."""
    return comparisons(run(settings))


def agreement_counts(comp: pd.DataFrame, table: str) -> pd.DataFrame:
    """Per term of one paper table: fits compared, sign agreements, sign-and-significance agreements, and our
    significant-negative / significant-positive counts."""
    d = comp[comp["table"] == table]
    d = d.assign(ours_pos=(d["estimate"] > 0) & d["significant"], ours_neg=(d["estimate"] < 0) & d["significant"],
                 paper_pos=(d["paper_estimate"] > 0) & d["paper_significant"],
                 paper_neg=(d["paper_estimate"] < 0) & d["paper_significant"])
    g = d.groupby("row", sort=False)
    return pd.DataFrame({"compared": g.size(), "same sign": g["sign_agrees"].sum(),
                         "same sign and significance": g["sign_sig_agrees"].sum(),
                         "ours +, sig.": g["ours_pos"].sum(), "ours -, sig.": g["ours_neg"].sum(),
                         "paper +, sig.": g["paper_pos"].sum(), "paper -, sig.": g["paper_neg"].sum()}).astype(int)


def beside_paper(result: GravityRun, stage: str, period: str, industries) -> pd.DataFrame:
    """A Tables 5-6 (stage="gravity") or 9-10 ("stage2") analogue for some industries: ours (estimate with stars,
    SE) and the paper's (estimate with stars) of the sector(s) each stands for, a row per term."""
    fits = {r.label["sector"]: r for r in (result.gravity if stage == "gravity" else result.stage2)
            if r.label["period"] == period}
    terms = WIOD_GRAVITY_VARS if stage == "gravity" else GEO_TERMS
    pub = published().set_index(["table", "row", "column"])
    table = _paper_table(result, period, stage)
    cols = {}
    for code in industries:
        if code not in fits:
            continue
        r = fits[code]
        tidy = r.tidy().set_index("term")
        ours = {}
        for t in terms:
            if t in tidy.index and np.isfinite(tidy.loc[t, "estimate"]):
                x = tidy.loc[t]
                ours[t] = f"{x['estimate']:.3g}{STARS.of(x['p_value'])} ({x['std_error']:.3g})"
            else:
                ours[t] = "not estimable"
        ours["Observations"] = f"{r.nobs:,}"
        cols[(industry_label(code), "ours")] = ours
        cols[(industry_label(code), "paper")] = {
            t: " / ".join(f"{pub.loc[(table, t, s), 'estimate']:.3g}{str(pub.loc[(table, t, s), 'stars']).strip()}"
                          for s in PAPER_SECTORS[code] if (table, t, s) in pub.index) for t in terms}
    out = pd.DataFrame(cols)
    return out.reindex(list(terms) + ["Observations"]).fillna("")
