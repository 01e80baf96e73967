"""The paper's two stages on real sector trade, beside the paper: the 14 WIOD (2013 release) manufacturing
industries, 1995-2011, 40 economies with domestic flows, GSDB complete trade sanctions.

The run is the chapter's own (`pipeline.run` with `data_source = "real"`, `real_panel = "wiod"`: the
`pipeline.WiodPanels` source on `data.wiod_trade`, `data.wiod_covariates` and `data.wiod_country_year`); this
module sets those two parameters and lays the results beside the paper's Tables 5-6 and 9-10.

* Trade: `helpers.data.wiod.sector_trade(inventories=False, include_row=False)`: RoW is dropped (no distance for
  it) and the inventory-change column left out, so every flow is >= 0 (PPML). Sectors are the WIOD industries
  c3-c16, named with the paper sector(s) each stands for (`data.wiod_industry`: c4 + c5 = Apparel, c6 + c7 =
  Wood/paper, c12 = Metals + Fabricated metals, c14 = Electronics + Appliances).
* Periods: the paper's first period 1995-2009 exactly, and 2010-2011 (two years only) as the second
  (`split_year` = 0 means 2010; any year 1996-2011 works).
* Gravity variables: distance, contiguity, colony (ever), common official language (CEPII GeoDist);
  either-landlocked (CEPII geo); island (coded by us for the 40 economies: CEPII has no island flag); FTA = a
  DESTA v2.3 agreement in force; the domestic dummy. **Legal origin is not in any offline file** and is left out.
* Stage 2: V-Dem v14 democracy and corruption, World Bank historical income groups, and GSDB release 3 complete
  trade sanctions (the paper's rule). None of the 40 WIOD economies is the target of a complete trade sanction in
  1995-2011, so `Sanc` is 0 in every pair-year and its coefficient is not estimable: reported as such, never
  filled in.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.chapter import Settings
from helpers.chapters.phillips_ahmad.data import (WIOD_GRAVITY_VARS, WIOD_PAPER_SECTORS, WIOD_SECTORS,
                                                  wiod_sanctioned_pair_years)
from helpers.chapters.phillips_ahmad.paper import published
from helpers.chapters.phillips_ahmad.pipeline import GravityRun, run as run_chapter
from helpers.chapters.phillips_ahmad.settings import GEO_TERMS, STARS

FIRST_TABLES = {"gravity": "Table 6", "stage2": "Table 10"}    # the paper's 1995-2009 tables
SECOND_TABLES = {"gravity": "Table 5", "stage2": "Table 9"}    # the paper's 2010-2022 tables
SIGNIFICANCE = 0.10          # the paper's lowest star level (STARS: * p < 0.10)
# the 14 industries in four table panels (c3-c6, c7-c10, c11-c13, c14-c16)
PANELS = (WIOD_SECTORS[0:4], WIOD_SECTORS[4:8], WIOD_SECTORS[8:11], WIOD_SECTORS[11:14])


def wiod_settings(settings: Settings) -> Settings:
    """`settings` on WIOD (`data_source = "real"`, `real_panel = "wiod"`); raises DataUnavailable naming the
    first missing file (a WIOD year's key, say) when the mirror lacks one."""
    return settings.replace(data_source="real", real_panel="wiod")


def run(settings: Settings) -> GravityRun:
    """The chapter's run on WIOD for these settings (cached with every other run)."""
    return run_chapter(wiod_settings(settings))


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
                for sector in WIOD_PAPER_SECTORS[r.label["sector"]]:
                    if (table, term, sector) not in pub.index:
                        continue
                    p = pub.loc[(table, term, sector)]
                    paper_sig = bool(str(p["stars"]).strip())
                    ours_sig = bool(t["p_value"] < SIGNIFICANCE)
                    # a printed zero has no sign (as in helpers.report.claims.judge)
                    same_sign = bool(p["estimate"] == 0 or np.sign(t["estimate"]) == np.sign(p["estimate"]))
                    rows.append({
                        "table": table, "row": term, "column": sector, "industry": r.label["sector"],
                        "period": r.label["period"], "estimate": t["estimate"], "std_error": t["std_error"],
                        "p_value": t["p_value"], "stars": STARS.of(t["p_value"]), "significant": ours_sig,
                        "paper_estimate": p["estimate"], "paper_stars": str(p["stars"]).strip(),
                        "paper_significant": paper_sig,
                        "sign_agrees": same_sign, "sign_sig_agrees": same_sign and ours_sig == paper_sig,
                    })
    return pd.DataFrame(rows)


def not_estimable(result: GravityRun) -> pd.DataFrame:
    """The paper's rows WIOD cannot test, and why."""
    n = wiod_sanctioned_pair_years()
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
        cols[(code, "ours")] = ours
        cols[(code, "paper")] = {
            t: " / ".join(f"{pub.loc[(table, t, s), 'estimate']:.3g}{str(pub.loc[(table, t, s), 'stars']).strip()}"
                          for s in WIOD_PAPER_SECTORS[code] if (table, t, s) in pub.index) for t in terms}
    out = pd.DataFrame(cols)
    return out.reindex(list(terms) + ["Observations"]).fillna("")
