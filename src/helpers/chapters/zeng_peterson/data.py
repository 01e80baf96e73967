"""Zeng & Peterson's data: the real directed dyad-year covariates, the user's non-public files, and what each
page runs on.

Real (from the mirror, via ``helpers.data.load``): UNGA ideal points (exporter-US and dyadic proximity),
ATOP v5.1 (exporter US ally), EUSANCT case level (US-imposed sanctions on the importer, type filter),
CEPII GeoDist ``distw`` (log distance), V-Dem v14 ``v2x_libdem``, GDP (Anders, Fariss & Markowitz
simulated GDP in peacesciencer, 2011 USD, shifted to thousands of USD), COW dyadic trade (the extension).
Hand-coded here: membership years of the four multilateral export-control regimes (MECR). The generator's
dual-use product set (when no CDU file is given): the HS92 codes flagged dual use in the EU's 2022 export-ban
list (Chupilkin, Javorcik & Plekhanov, via ``helpers.data.eu_sanctions.dual_use_hs6``), a stand-in for the
paper's 2021 EU dual-use correlation list (828 HS6 codes), which is not in the mirror.

Not in the mirror: the controlled dual-use (CDU) trade flows (Atlas HS6 filtered by the EU dual-use list) and
the historical US Commerce Country Chart. A user who has them names them with the parameters ``cdu_file`` and
``country_chart_file`` (or the environment variables ``ZENG_PETERSON_CDU_FILE`` and
``ZENG_PETERSON_COUNTRY_CHART_FILE``, which let ``make book`` use them; a parameter wins over the variable;
relative paths resolve against the repository root). ``data_source``:

* ``"auto"``: the files that are given are used, the generator supplies the rest (stated on every page);
* ``"real"``: both files are required; a missing one raises :class:`DataUnavailable` naming the parameter;
* ``"synthetic"``: the generator for outcome, export controls and integration, files ignored.

The covariates are real in every mode. With the CDU file the outcome, its change, the sample of dyad-years and
the integration measures are real (:func:`real_cdu_panel`); with the Country Chart the export-control index is
real. CDU file without a chart: the export-control index would be generated noise next to a real outcome, so
the models leave it out (H2 not testable) and Table 1 shows it as synthetic. Chart without the CDU file: the
generator (:mod:`.synth`) runs with the real index in its outcome equation (a method check with one more real
regressor). Without the CDU file the generator's integration measures come from generated CDU networks over
the real product set (:func:`dual_use_products`; parameter ``product_set``); the user-file path does not use it.
"""
from __future__ import annotations

import dataclasses
import functools
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import paths
from helpers.chapter import DataStatement
from helpers.chapters.zeng_peterson import synth
from helpers.chapters.zeng_peterson.settings import PAPER_EXCLUDED_TYPES
from helpers.cache import file_fingerprint
from helpers.data import DataChoice, DataUnavailable, choose_source, eu_sanctions, eusanct, load, user_file
from helpers.methods.networks import integration

US_CCODE = 2
KEYS = {
    "ideal_points": "unga_idealpoints_jun2024",
    "alliances": "peacesciencer_atop_alliance",
    "sanctions": "eusanct_case_level",
    "distance": "cepii_dist",
    "democracy": "vdem_v14_lite",
    "gdp": "peacesciencer_cow_sdp_gdp",
    "trade": "peacesciencer_cow_trade_ndy",
}

# The generator's dual-use product set (parameter ``product_set``): the EU's 2022 export-ban list, dual-use flag
PRODUCT_SET_VINTAGE = 2022
PRODUCT_SET_KEYS = eu_sanctions.REAL_KEYS


@functools.lru_cache(maxsize=1)
def dual_use_products() -> tuple[str, ...]:
    """The HS92 six-digit codes flagged dual use in the EU's 2022 export-ban list on Russia (an HS92 code counts
    when any HS2017 code it stands for is flagged): the generator's product set, a stand-in for the paper's 2021 EU
    dual-use correlation list (828 HS6 codes), which the mirror does not hold."""
    return eu_sanctions.dual_use_hs6(vintage=PRODUCT_SET_VINTAGE, hs=eu_sanctions.ZENG_PETERSON_HS)


# ---------------------------------------------------------------------------------------------------------
# Multilateral export control regimes: first year of participation (ISO3). Sources: the regimes' own
# participant lists (wassenaar.org "Participating States"; nuclearsuppliersgroup.org "Participants";
# australiagroup.net "Australia Group Participants"; mtcr.info "Partners") and the NTI treaty pages.
# Members that joined before 1996 are coded 1996 or earlier (the panel starts in 1996). Hand-coded for this
# book; join years are to the year and should be checked against the sources before reuse.
# ---------------------------------------------------------------------------------------------------------
_WA_FOUNDERS = ("ARG AUS AUT BEL BGR CAN CZE DNK FIN FRA DEU GRC HUN IRL ITA JPN LUX NLD NZL NOR POL PRT KOR "
                "ROU RUS SVK ESP SWE CHE TUR UKR GBR USA").split()
WASSENAAR = {**{c: 1996 for c in _WA_FOUNDERS}, "SVN": 2004, "LVA": 2004, "LTU": 2004, "EST": 2005, "HRV": 2005,
             "MLT": 2006, "ZAF": 2006, "MEX": 2012, "IND": 2017}
NSG = {**{c: 1996 for c in ("ARG AUS AUT BEL BRA BGR CAN CZE DNK FIN FRA DEU GRC HUN IRL ITA JPN LUX NLD NZL "
                            "NOR POL PRT KOR ROU RUS SVK ZAF ESP SWE CHE UKR GBR USA").split()},
       "SVN": 1996, "LVA": 1997, "BLR": 2000, "CYP": 2000, "TUR": 2000, "KAZ": 2002, "EST": 2004, "LTU": 2004,
       "MLT": 2004, "CHN": 2004, "HRV": 2005, "ISL": 2009, "MEX": 2012, "SRB": 2013}
AUSTRALIA_GROUP = {**{c: 1996 for c in ("ARG AUS AUT BEL CAN CZE DNK FIN FRA DEU GRC HUN ISL IRL ITA JPN LUX "
                                        "NLD NZL NOR POL PRT KOR ROU SVK ESP SWE CHE GBR USA").split()},
                   "CYP": 2000, "TUR": 2000, "BGR": 2001, "EST": 2004, "LVA": 2004, "LTU": 2004, "MLT": 2004,
                   "SVN": 2004, "UKR": 2005, "HRV": 2007, "MEX": 2013, "IND": 2018}
MTCR = {"USA": 1987, "GBR": 1987, "FRA": 1987, "DEU": 1987, "ITA": 1987, "JPN": 1987, "CAN": 1987,
        "AUS": 1990, "BEL": 1990, "DNK": 1990, "LUX": 1990, "NLD": 1990, "NOR": 1990, "ESP": 1990,
        "AUT": 1991, "FIN": 1991, "NZL": 1991, "SWE": 1991, "GRC": 1992, "IRL": 1992, "PRT": 1992,
        "CHE": 1992, "ARG": 1993, "HUN": 1993, "ISL": 1993, "BRA": 1995, "RUS": 1995, "ZAF": 1995,
        "TUR": 1997, "CZE": 1998, "POL": 1998, "UKR": 1998, "KOR": 2001, "BGR": 2004, "IND": 2016}
REGIMES = {"Wassenaar Arrangement": WASSENAAR, "Nuclear Suppliers Group": NSG,
           "Australia Group": AUSTRALIA_GROUP, "Missile Technology Control Regime": MTCR}

# CEPII GeoDist uses a few pre-2000 ISO codes
_CEPII_ISO_FIX = {"ROM": "ROU", "ZAR": "COD", "YUG": "SRB", "TMP": "TLS", "PAL": "PSE"}
# The UNGA file labels Serbia (COW 345 throughout) "YUG"; V-Dem, CEPII and the regime tables say "SRB".
_UNGA_ISO_FIX = {"YUG": "SRB"}
# The GDP estimates (peacesciencer) keep other COW codes than the UNGA file for three countries: unified
# Germany under 260 (UNGA 255), unified Yemen under 678 (UNGA 679), Serbia from 2007 under 340 (UNGA 345).
# (gdp code, from year) -> UNGA code
_GDP_CCODE_FIX = {(260, 1990): 255, (678, 1990): 679, (340, 2007): 345}


def regime_table() -> pd.DataFrame:
    """Hand-coded membership table: one row per (regime, country) with the first year of participation."""
    rows = [(r, c, y) for r, members in REGIMES.items() for c, y in members.items()]
    return pd.DataFrame(rows, columns=["regime", "iso3", "join_year"]).sort_values(["regime", "iso3"], ignore_index=True)


def mecr_member(iso3: pd.Series, year: pd.Series) -> np.ndarray:
    """1 if the country takes part in at least one of the four regimes in that year."""
    first = {}
    for members in REGIMES.values():
        for c, y in members.items():
            first[c] = min(first.get(c, 9999), y)
    return (year.to_numpy() >= iso3.map(first).fillna(9999).to_numpy()).astype(float)


def _frame(obj) -> pd.DataFrame:
    return next(iter(obj.values())) if isinstance(obj, dict) else obj


# ---------------------------------------------------------------------------------------------------------
# Country-year and dyad inputs
# ---------------------------------------------------------------------------------------------------------
def ideal_points(years: tuple[int, int]) -> pd.DataFrame:
    """ccode, iso3, year, ideal point (BSV 'All'), UNGA session s mapped to year 1945 + s."""
    u = load(KEYS["ideal_points"])
    u = u.assign(year=u["session"] + 1945)[["ccode", "iso3c", "year", "IdealPointAll"]]
    u = u.rename(columns={"iso3c": "iso3", "IdealPointAll": "ideal"}).dropna()
    u["iso3"] = u["iso3"].replace(_UNGA_ISO_FIX)
    return u[(u.year >= years[0]) & (u.year <= years[1])]


def us_sanctions(years: tuple[int, int], exclude_types: tuple[str, ...] = PAPER_EXCLUDED_TYPES) -> pd.DataFrame:
    """ccode, year, sanction: 1 if a US-imposed EUSANCT sanction is in force on the country that year.

    A case counts unless all its US imposition types are in ``exclude_types`` ("solely" in the paper).
    In force = from the US imposition year to the US end year (open cases run to the end of the data).
    """
    imp = eusanct.impositions(("US",), load(KEYS["sanctions"]))
    imp = imp[imp["types"].map(lambda ts: any(t not in exclude_types for t in ts))]
    out = eusanct.target_years(imp, years)
    return out.assign(sanction=1.0)


def us_allies(years: tuple[int, int], coding: str = "def_off_neu") -> pd.DataFrame:
    """ccode, year, ally: ATOP alliance with the US with a defense/offense/neutrality obligation (or per coding).

    The peacesciencer ATOP dyad-years are directed (ccode1's obligations to ccode2; e.g. the US pledges to
    defend Japan, Japan does not pledge to defend the US), and the paper codes whether the two *share* such an
    alliance, so an obligation in either direction counts."""
    a = _frame(load(KEYS["alliances"]))
    a = a[((a.ccode1 == US_CCODE) | (a.ccode2 == US_CCODE)) & (a.year >= years[0]) & (a.year <= years[1])]
    cols = {"def_off_neu": ["atop_defense", "atop_offense", "atop_neutral"],
            "defense_only": ["atop_defense"],
            "atopally_all": ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]}[coding]
    a = a.assign(ally=(a[cols].fillna(0).sum(axis=1) > 0).astype(float),
                 ccode=np.where(a.ccode1 == US_CCODE, a.ccode2, a.ccode1).astype(int), year=a.year.astype(int))
    return a.groupby(["ccode", "year"], as_index=False).ally.max()


def country_years(years: tuple[int, int]) -> pd.DataFrame:
    """Countries with an ideal point, V-Dem liberal democracy and GDP (US kept here as the reference)."""
    ip = ideal_points(years)
    v = _frame(load(KEYS["democracy"]))[["country_text_id", "year", "v2x_libdem"]]
    v = v.rename(columns={"country_text_id": "iso3", "v2x_libdem": "libdem"}).astype({"year": int})
    g = _frame(load(KEYS["gdp"]))[["ccode", "year", "wbgdp2011est"]].dropna()
    g = g.assign(ccode=g.ccode.astype(int), year=g.year.astype(int),
                 lngdp=g.wbgdp2011est - np.log(1000.0))[["ccode", "year", "lngdp"]]  # log thousands of USD
    for (code, first), unga in _GDP_CCODE_FIX.items():
        g = g[~((g.ccode == unga) & (g.year >= first))]
        g.loc[(g.ccode == code) & (g.year >= first), "ccode"] = unga
    cy = ip.astype({"ccode": int, "year": int}).merge(v, on=["iso3", "year"]).merge(g, on=["ccode", "year"])
    cy = cy.dropna(subset=["ideal", "libdem", "lngdp"])
    return cy.sort_values(["ccode", "year"], ignore_index=True)


def distances() -> pd.DataFrame:
    d = load(KEYS["distance"])[["iso_o", "iso_d", "distw"]]
    d = d.assign(iso_o=d.iso_o.replace(_CEPII_ISO_FIX), iso_d=d.iso_d.replace(_CEPII_ISO_FIX),
                 distw=pd.to_numeric(d.distw, errors="coerce"))
    return d.dropna().drop_duplicates(["iso_o", "iso_d"])


def build_covariates(years: tuple[int, int] = (1996, 2015), prox_normalisation: str = "sample_max_each",
                     ally_coding: str = "def_off_neu",
                     sanction_exclude_types: tuple[str, ...] = PAPER_EXCLUDED_TYPES) -> pd.DataFrame:
    """Directed dyad-year panel of every pair of eligible countries (US excluded in both roles).

    Columns: exporter, importer (COW codes), exp_iso3, imp_iso3, year, sanction, ally, us_prox, dyad_prox,
    exp_lngdp, imp_lngdp, exp_mecr, imp_mecr, exp_libdem, imp_libdem, lndist, exp_ideal, imp_ideal.
    ``prox_normalisation``: "sample_max_each" (each proximity divided by its own sample max distance),
    "shared_max" (one max for both), "yearly_max" (each by its yearly max).
    """
    cy = country_years(years)
    us = cy[cy.ccode == US_CCODE][["year", "ideal"]].rename(columns={"ideal": "us_ideal"})
    cy = cy[cy.ccode != US_CCODE].merge(us, on="year")
    cy = cy.merge(us_allies(years, ally_coding), on=["ccode", "year"], how="left").fillna({"ally": 0.0})
    cy = cy.merge(us_sanctions(years, tuple(sanction_exclude_types)), on=["ccode", "year"],
                  how="left").fillna({"sanction": 0.0})
    cy["mecr"] = mecr_member(cy.iso3, cy.year)
    exp = cy.add_prefix("exp_").rename(columns={"exp_year": "year"})
    imp = cy.add_prefix("imp_").rename(columns={"imp_year": "year"})
    panel = exp.merge(imp, on="year")
    panel = panel[panel.exp_ccode != panel.imp_ccode]
    dist = distances().rename(columns={"iso_o": "exp_iso3", "iso_d": "imp_iso3"})
    panel = panel.merge(dist, on=["exp_iso3", "imp_iso3"])
    us_dist = (panel.exp_ideal - panel.exp_us_ideal).abs()
    dy_dist = (panel.exp_ideal - panel.imp_ideal).abs()
    if prox_normalisation == "sample_max_each":
        m_us, m_dy = us_dist.max(), dy_dist.max()
    elif prox_normalisation == "shared_max":
        m_us = m_dy = max(us_dist.max(), dy_dist.max())
    elif prox_normalisation == "yearly_max":
        m_us, m_dy = us_dist.groupby(panel.year).transform("max"), dy_dist.groupby(panel.year).transform("max")
    else:
        raise ValueError(f"prox_normalisation must be 'sample_max_each', 'shared_max' or 'yearly_max', "
                         f"got {prox_normalisation!r}.")
    out = pd.DataFrame({
        "exporter": panel.exp_ccode.to_numpy(), "importer": panel.imp_ccode.to_numpy(),
        "exp_iso3": panel.exp_iso3.to_numpy(), "imp_iso3": panel.imp_iso3.to_numpy(), "year": panel.year.to_numpy(),
        "sanction": panel.imp_sanction.to_numpy(), "ally": panel.exp_ally.to_numpy(),
        "us_prox": (1 - us_dist / m_us).to_numpy(), "dyad_prox": (1 - dy_dist / m_dy).to_numpy(),
        "exp_lngdp": panel.exp_lngdp.to_numpy(), "imp_lngdp": panel.imp_lngdp.to_numpy(),
        "exp_mecr": panel.exp_mecr.to_numpy(), "imp_mecr": panel.imp_mecr.to_numpy(),
        "exp_libdem": panel.exp_libdem.to_numpy(), "imp_libdem": panel.imp_libdem.to_numpy(),
        "lndist": np.log(panel.distw.to_numpy()), "exp_ideal": panel.exp_ideal.to_numpy(),
        "imp_ideal": panel.imp_ideal.to_numpy(),
    })
    return out.sort_values(["exporter", "importer", "year"], ignore_index=True)


def cow_trade(years: tuple[int, int] = (1996, 2014)) -> pd.DataFrame:
    """Directed COW dyadic trade (v4.0): exporter, importer, year, trade (current million USD).

    COW flow1 = imports of ccode1 from ccode2, flow2 = imports of ccode2 from ccode1; so the export of
    ccode2 to ccode1 is flow1. Missing flows stay missing.
    """
    t = _frame(load(KEYS["trade"]))
    t = t[(t.year >= years[0]) & (t.year <= years[1])]
    a = pd.DataFrame({"exporter": t.ccode2, "importer": t.ccode1, "year": t.year, "trade": t.flow1})
    b = pd.DataFrame({"exporter": t.ccode1, "importer": t.ccode2, "year": t.year, "trade": t.flow2})
    out = pd.concat([a, b], ignore_index=True).dropna()
    return out.astype({"exporter": int, "importer": int, "year": int})


# ---------------------------------------------------------------------------------------------------------
# Files a user may have (not in the mirror). The chapter reads them when the parameters ``cdu_file`` /
# ``country_chart_file`` (or the environment variables ZENG_PETERSON_CDU_FILE /
# ZENG_PETERSON_COUNTRY_CHART_FILE) name them.
# ---------------------------------------------------------------------------------------------------------
CDU_COLUMNS = ("exporter_iso3", "importer_iso3", "year", "value_musd")
CDU_LAYOUT = ("CSV with columns exporter_iso3, importer_iso3, year, value_musd (millions of constant 2010 USD; "
              "Atlas HS92 HS6 exports filtered by the EU dual-use correlation list and summed) and optionally "
              "category (CCL category 0-9); one row per exporter-importer-year(-category), zeros written out")
# The Country Chart's reasons for control (15 CFR 738 Supp. 1): chemical & biological weapons, nuclear
# non-proliferation, national security, missile technology, regional stability, firearms convention, crime
# control, anti-terrorism. Any column named like these (two capitals and a digit) counts as a reason.
CHART_REASONS = ("CB1", "CB2", "CB3", "NP1", "NP2", "NS1", "NS2", "MT1", "RS1", "RS2", "FC1", "CC1", "CC2", "CC3",
                 "AT1", "AT2")
CHART_LAYOUT = ("CSV with columns iso3, year and one column per reason for control (CB1 ... AT2), "
                "1/0 or X/blank for each country-year (one row per country per annual chart)")
_REASON = re.compile(r"^[A-Z]{2}[0-9]$")


def load_cdu_trade(path: str | Path) -> pd.DataFrame:
    """Controlled dual-use trade, one row per exporter-importer-year(-category).

    Expected CSV columns: ``exporter_iso3, importer_iso3, year, value_musd`` and optionally ``category``
    (CCL category 0-9). Values in millions of constant 2010 USD (Atlas HS92 HS6 rows filtered by the EU
    dual-use correlation list and summed). The rows present define the sample: a dyad-year that trades but
    exports no CDU goods should be a row with value 0; an absent dyad-year is not in the sample. With a
    ``category`` column the outcome is the sum over a dyad-year's category rows, so an HS code that maps to
    several categories should be split across them (or entered in one), not repeated. Duplicate rows
    (same exporter, importer, year and category) are summed; self-flows are dropped.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"CDU trade file not found: {path}. It is not in the offline mirror; build it from "
                                "the Atlas HS92 HS6 files and the EU dual-use correlation list (see the chapter's data page).")
    d = pd.read_csv(path, dtype={"exporter_iso3": str, "importer_iso3": str})
    need = set(CDU_COLUMNS)
    if need - set(d.columns):
        raise ValueError(f"{path.name} lacks columns {sorted(need - set(d.columns))}; expected a {CDU_LAYOUT}.")
    d["value_musd"] = pd.to_numeric(d["value_musd"], errors="coerce")
    if d["value_musd"].isna().any() or (d["value_musd"] < 0).any():
        raise ValueError(f"{path.name}: value_musd must be a number >= 0 in every row "
                         f"({int(d['value_musd'].isna().sum())} missing, {int((d['value_musd'] < 0).sum())} negative).")
    d["year"] = d["year"].astype(int)
    d = d[d.exporter_iso3 != d.importer_iso3]
    keys = [*CDU_COLUMNS[:3], *(["category"] if "category" in d.columns else [])]
    return d.groupby(keys, as_index=False)["value_musd"].sum()


def cdu_dyad_years(cdu: pd.DataFrame) -> pd.DataFrame:
    """Outcome from the CDU flows: exporter_iso3, importer_iso3, year, value_musd (summed over categories),
    ``log_cdu`` = log(1 + value_musd) and ``d_log_cdu`` = its change from the previous year where the file has
    that dyad's previous year (computed on the whole file before the merge, so the first analysis year's change
    uses the year before it, as in the paper's Table 2), else missing."""
    d = cdu.groupby(list(CDU_COLUMNS[:3]), as_index=False)["value_musd"].sum()
    d = d.sort_values(list(CDU_COLUMNS[:3]), ignore_index=True)
    d["log_cdu"] = np.log1p(d.value_musd)
    same = ((d.exporter_iso3.shift(1) == d.exporter_iso3) & (d.importer_iso3.shift(1) == d.importer_iso3)
            & (d.year.shift(1) == d.year - 1))
    d["d_log_cdu"] = np.where(same, d.log_cdu - d.log_cdu.shift(1), np.nan)
    return d


def cdu_integration(cdu: pd.DataFrame, transform: str = "inv_log1p") -> pd.DataFrame:
    """Exporter and importer integration from the CDU networks: iso3, year, exp_int, imp_int.

    Weighted closeness (``helpers.methods.networks``) in each year's export network (out-closeness) and
    import network (in-closeness), per CCL category when the file has one, max over categories, divided by
    the maximum (0-1). Every country in the file is a node (the US included); a country with no positive flow
    in a year has integration 0 that year.
    """
    edges = cdu.rename(columns={"exporter_iso3": "exporter", "importer_iso3": "importer", "value_musd": "flow"})
    category = "category" if "category" in edges.columns else None
    out = integration(edges, "out", category=category, transform=transform).rename(columns={"node": "iso3", "closeness": "exp_int"})
    inn = integration(edges, "in", category=category, transform=transform).rename(columns={"node": "iso3", "closeness": "imp_int"})
    return out.merge(inn, on=["year", "iso3"], how="outer").fillna({"exp_int": 0.0, "imp_int": 0.0})[
        ["iso3", "year", "exp_int", "imp_int"]]


def _marks(col: pd.Series) -> pd.Series:
    """1/0 from a Country Chart column written as numbers or as X marks (blank = no mark)."""
    num = pd.to_numeric(col, errors="coerce")
    text = col.astype(str).str.strip().str.upper()
    return np.where(num.notna(), (num > 0).astype(float), (text == "X").astype(float))


def load_country_chart(path: str | Path) -> pd.DataFrame:
    """Historical US Commerce Country Chart: CSV with ``iso3, year`` and one column per reason for control
    (CB1 ... AT2; any column named two capitals and a digit), marked 1/0 or X/blank; other columns (e.g. a
    country name) are ignored. Returns iso3, year, x_count (number of marks) and the index
    ``export_controls`` = x_count divided by that year's maximum over the chart's countries (0-1)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"Country Chart file not found: {path}. It is not in the offline mirror "
                                "(15 CFR Part 738 Supp. 1, annual editions; hand-code it).")
    d = pd.read_csv(path, dtype={"iso3": str})
    reasons = [c for c in d.columns if _REASON.match(str(c))]
    if not {"iso3", "year"} <= set(d.columns) or not reasons:
        raise ValueError(f"{path.name} needs columns iso3, year and one column per control reason; expected a {CHART_LAYOUT}.")
    d = d.assign(year=d["year"].astype(int), x_count=sum(_marks(d[c]) for c in reasons))
    if d.duplicated(["iso3", "year"]).any():
        raise ValueError(f"{path.name}: more than one row for some (iso3, year); one row per country per chart.")
    top = d.groupby("year").x_count.transform("max")
    d["export_controls"] = np.where(top > 0, d.x_count / top.where(top > 0, 1), 0.0)
    return d[["iso3", "year", "x_count", "export_controls"]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------
# Which of the user's files a run uses
# ---------------------------------------------------------------------------------------------------------
FILE_PARAMETERS = {"cdu_file": ("ZENG_PETERSON_CDU_FILE", "the controlled dual-use trade flows", CDU_LAYOUT),
                   "country_chart_file": ("ZENG_PETERSON_COUNTRY_CHART_FILE", "the historical US Commerce Country Chart",
                                          CHART_LAYOUT)}


@dataclass(frozen=True)
class UserFiles:
    """The user's non-public files this run uses (None = generated), with their sha256."""

    cdu: Path | None = None
    chart: Path | None = None
    cdu_sha256: str = ""
    chart_sha256: str = ""
    ignored: tuple[str, ...] = ()

    @property
    def outcome_real(self) -> bool:
        return self.cdu is not None

    @property
    def export_controls_real(self) -> bool:
        return self.chart is not None

    def signature(self) -> dict:
        """Paths and sha256 of the files used (part of every cache key that depends on them)."""
        out = {}
        if self.cdu:
            out.update(cdu_file=str(self.cdu), cdu_sha256=self.cdu_sha256)
        if self.chart:
            out.update(country_chart_file=str(self.chart), country_chart_sha256=self.chart_sha256)
        return out


def _given(settings, name: str) -> tuple[str, str]:
    """(value, where it came from) of a file parameter; the parameter wins over its environment variable."""
    value = str(settings[name] or "").strip()
    if value:
        return value, f"parameter {name}"
    env = FILE_PARAMETERS[name][0]
    value = os.environ.get(env, "").strip()
    return value, (f"environment variable {env}" if value else "")


def resolve_user_file(value: str) -> Path:
    """A user-given path; relative paths resolve against the repository root."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else paths.ROOT / path


def user_files(settings) -> UserFiles:
    """Which of the two non-public files this run uses, following ``settings.data_source`` (see the module doc).

    A path that is given but does not exist is an error in every mode except "synthetic" (no silent fallback
    on a typo); "real" without a file raises one message naming each missing parameter and its layout."""
    given = {name: _given(settings, name) for name in FILE_PARAMETERS}
    if settings.data_source == "synthetic":
        return UserFiles(ignored=tuple(f"{name} ({where})" for name, (v, where) in given.items() if v))
    found, problems = {}, []
    for name, (value, where) in given.items():
        env, what, layout = FILE_PARAMETERS[name]
        if not value:
            if settings.data_source == "real":
                problems.append(f"data_source='real' needs {what}, which is not in the offline mirror: set the "
                                f"parameter {name} (or the environment variable {env}) to a {layout}.")
            continue
        path = resolve_user_file(value)
        if not path.is_file():
            problems.append(f"{name} = {value!r} ({where}): no such file ({path}). Expected {what}: a {layout}.")
            continue
        found[name] = (path, file_fingerprint(user_file(path)))  # recorded for the results cache; hashed once
    if problems:
        raise DataUnavailable(" ".join(problems))
    cdu, chart = found.get("cdu_file"), found.get("country_chart_file")
    return UserFiles(cdu=cdu[0] if cdu else None, chart=chart[0] if chart else None,
                     cdu_sha256=cdu[1] if cdu else "", chart_sha256=chart[1] if chart else "")


# ---------------------------------------------------------------------------------------------------------
# Panels built from the files
# ---------------------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def covariates(prox_normalisation: str, ally_coding: str, exclude: tuple[str, ...], year_start: int,
               year_end: int) -> pd.DataFrame:
    """The real covariate panel from the year before ``year_start`` (so the first year has a change) to
    ``year_end``; built once per process for each set of arguments (shared, so do not modify it)."""
    return build_covariates((year_start - 1, year_end), prox_normalisation, ally_coding, exclude)


def chart_by_importer(files: UserFiles, cov: pd.DataFrame) -> pd.DataFrame:
    """The user's Country Chart index as importer (COW code), year, export_controls."""
    chart = load_country_chart(files.chart).rename(columns={"iso3": "imp_iso3"})
    codes = cov[["imp_iso3", "importer"]].drop_duplicates()
    return chart.merge(codes, on="imp_iso3")[["importer", "year", "export_controls"]]


def real_cdu_panel(cov: pd.DataFrame, files: UserFiles, years: tuple[int, int], seed: int = 20240101,
                   edge_transform: str = "inv_log1p") -> pd.DataFrame:
    """The analysis panel on the user's CDU trade file (and Country Chart, if given).

    Rows: the file's dyad-years in ``years`` that have the real covariates (countries without ideal points,
    V-Dem or GDP drop out, and the US). ``log_cdu`` = log(1 + value_musd); ``d_log_cdu`` = its change from the
    file's previous year of the dyad (``in_diff_sample`` where it exists); ``exp_int`` / ``imp_int`` =
    closeness in the file's CDU networks (every country in the file is a node); ``export_controls`` = the
    Country Chart index (importer-years missing from the chart are dropped) or, without a chart, the generator's
    (left out of the models; see ``pipeline.fit_models``). ``attrs`` records what is real and the rows dropped."""
    cdu = load_cdu_trade(files.cdu)
    dy = cdu_dyad_years(cdu).rename(columns={"exporter_iso3": "exp_iso3", "importer_iso3": "imp_iso3"})
    in_years = dy.year.between(*years)
    integ = cdu_integration(cdu[cdu.year.between(*years)], transform=edge_transform)
    panel = cov[cov.year.between(*years)].merge(dy, on=["exp_iso3", "imp_iso3", "year"])
    if panel.empty:
        raise ValueError(f"No dyad-year of {files.cdu.name} in {years[0]}-{years[1]} matches the covariate panel "
                         "(ISO3 codes of countries with ideal points, V-Dem and GDP; the US is excluded).")
    panel = (panel.merge(integ[["iso3", "year", "exp_int"]].rename(columns={"iso3": "exp_iso3"}), on=["exp_iso3", "year"], how="left")
             .merge(integ[["iso3", "year", "imp_int"]].rename(columns={"iso3": "imp_iso3"}), on=["imp_iso3", "year"], how="left")
             .fillna({"exp_int": 0.0, "imp_int": 0.0}))
    n_cov = len(panel)
    if files.export_controls_real:
        panel = panel.merge(chart_by_importer(files, cov), on=["importer", "year"])
        if panel.empty:
            raise ValueError(f"No importer-year of the panel is in {files.chart.name} (ISO3 codes, years {years[0]}-{years[1]}).")
    else:
        ec = synth.synthetic_country_measures(cov, np.random.default_rng(seed))[["ccode", "year", "export_controls"]]
        panel = panel.merge(ec.rename(columns={"ccode": "importer"}), on=["importer", "year"], how="left")
    panel = panel.sort_values(["exporter", "importer", "year"], ignore_index=True)
    panel["dyad"] = pd.factorize(panel.exporter.astype(np.int64) * 1000 + panel.importer)[0]
    panel["in_diff_sample"] = panel.d_log_cdu.notna()
    panel.attrs.update(outcome="real", export_controls="real" if files.export_controls_real else "synthetic",
                       rows_in_file=int(in_years.sum()), rows_without_covariates=int(in_years.sum() - n_cov),
                       rows_without_chart=int(n_cov - len(panel)), **files.signature())
    return panel


# ---------------------------------------------------------------------------------------------------------
# The chapter contract: which data a run uses, and what each page says about it
# ---------------------------------------------------------------------------------------------------------
REAL_COLUMNS = ("importer US sanction (EUSANCT)", "exporter US ally (ATOP 5.1)",
                "exporter US proximity, dyadic proximity (UNGA ideal points, Jun 2024)",
                "exporter/importer log GDP (Anders, Fariss & Markowitz via peacesciencer)",
                "exporter/importer MECR (hand-coded regime membership)",
                "exporter/importer liberal democracy (V-Dem v14)", "log distance (CEPII distw)")
GENERATED_OUTCOME = "log CDU export and its change (the outcome)"
GENERATED_EXPORT_CONTROLS = "US export controls (Country Chart index)"
GENERATED_INTEGRATION = "exporter and importer integration (closeness in CDU networks)"
GENERATED_NETWORKS = ("exporter and importer integration: closeness in generated CDU networks, one per HS section "
                      "of the real product set")
GENERATED_SAMPLE = "which dyad-years trade (gravity selection calibrated to N)"
EXTENSION_PAGE = "extension"  # the COW page: every column real, the user's files not used


def uses_product_set(settings) -> bool:
    """Whether a run's generator builds its networks over the real product set: ``product_set`` asks for it and no
    CDU file replaces the generated outcome (a file named but missing is reported by ``user_files``)."""
    cdu_given = settings.data_source != "synthetic" and bool(_given(settings, "cdu_file")[0])
    return settings.product_set != "none" and not cdu_given


def choose_data(settings) -> DataChoice:
    """The mirror files of the covariates (and of the product set, when the generator uses it), and the generator
    of what the user's files do not give. The covariates are real in every mode (there is no covariate generator),
    so a missing file always raises; the user's files are checked by ``describe_data`` and the panel builders (the
    extension page does not use them)."""
    keys = list(KEYS.values()) + (list(PRODUCT_SET_KEYS) if uses_product_set(settings) else [])
    choice = choose_source("real", keys, generator=None, seed=settings.seed)
    return dataclasses.replace(choice, requested=settings.data_source, generator=synth.__name__, seed=settings.seed)


def product_set_statement() -> str:
    n = len(dual_use_products())
    return (f"the dual-use product set: {n} HS92 codes flagged dual use in the EU's {PRODUCT_SET_VINTAGE} export-ban "
            "list (Chupilkin, Javorcik & Plekhanov; a stand-in for the paper's 828-code 2021 EU correlation list), "
            "grouped by HS section")


def describe_data(settings, page: str | None = None) -> DataStatement:
    """What a page runs on: the covariates are real; the outcome, its sample and the integration measures are
    real with the user's CDU file, else generated; the export-control index is real with the Country Chart,
    else generated. A bad or missing user file raises here, before the page computes anything."""
    if page not in (None, EXTENSION_PAGE):
        raise ValueError(f"Unknown page {page!r}: the Zeng & Peterson pages are the default one and {EXTENSION_PAGE!r}.")
    if page == EXTENSION_PAGE:
        return DataStatement(real=(*REAL_COLUMNS, "COW dyadic trade (outcome)",
                                   "closeness in the COW trade network (integration)"),
                             note="Extension: every column on this page is real.")
    f = user_files(settings)
    real, generated = list(REAL_COLUMNS), []
    if f.outcome_real:
        real += [f"log CDU export and its change (the outcome), from cdu_file {f.cdu.name}",
                 "which dyad-years are in the sample (the rows of cdu_file)",
                 "exporter and importer integration (closeness in the CDU networks of cdu_file)"]
    elif uses_product_set(settings):
        real.append(product_set_statement())
        generated += [GENERATED_OUTCOME, GENERATED_NETWORKS, GENERATED_SAMPLE]
    else:
        generated += [GENERATED_OUTCOME, GENERATED_INTEGRATION + " (drawn directly; product_set='none')",
                      GENERATED_SAMPLE]
    if f.export_controls_real:
        real.append(f"US export controls (index from the Country Chart file {f.chart.name})")
    else:
        generated.insert(1 if generated else 0, GENERATED_EXPORT_CONTROLS + (
            "; left out of the models because the outcome is real" if f.outcome_real else ""))
    notes = [f"User file {name} = <code>{html.escape(str(path))}</code> (sha256 {sha[:12]})" for name, path, sha in
             [("cdu_file", f.cdu, f.cdu_sha256), ("country_chart_file", f.chart, f.chart_sha256)] if path]
    if f.ignored:
        notes.append(f"data_source='synthetic': ignored {', '.join(f.ignored)}")
    if f.outcome_real:
        notes.append("The outcome is real: Table 2 and Figure 2 compare with the paper's published values.")
    else:
        notes.append("The outcome is generated: Table 2 and Figure 2 are a method check. Give the CDU trade file "
                     "(parameter cdu_file) and the Country Chart (country_chart_file) to run on real data.")
    return DataStatement(real=tuple(real), generated=tuple(generated), note="<br>".join(notes))
