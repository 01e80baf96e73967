"""Zeng & Peterson: the real directed dyad-year covariate panel, hand-coded regime tables, optional loaders.

Real (from the mirror, via ``helpers.data.load``): UNGA ideal points (exporter-US and dyadic proximity),
ATOP v5.1 (exporter US ally), EUSANCT case level (US-imposed sanctions on the importer, type filter),
CEPII GeoDist ``distw`` (log distance), V-Dem v14 ``v2x_libdem``, GDP (Anders, Fariss & Markowitz
simulated GDP in peacesciencer, 2011 USD, shifted to thousands of USD). Hand-coded here: membership years
of the four multilateral export-control regimes (MECR).

Not in the mirror: the controlled dual-use trade flows (Atlas HS6 filtered by the EU dual-use list) and the
historical US Commerce Country Chart. :func:`load_cdu_trade` and :func:`load_country_chart` read them if a
user has them (the chapter's ``cdu_file`` / ``country_chart_file`` parameters, see
:mod:`helpers.chapters.zeng_peterson`); :func:`cdu_dyad_years` turns the flows into the outcome and
:func:`cdu_integration` into the network integration measures. Without them
:mod:`helpers.synth.zeng_peterson` generates the outcome, the export-control index and the integration
measures on this real covariate panel.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data import eusanct, load

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

# EUSANCT imposition types (codebook numbering as we read it): the paper drops US sanctions that consist
# solely of import restriction (3), termination of foreign aid (7, 7a, 7b), travel ban (8), suspension of an
# economic agreement (9), diplomatic sanctions (12) and exclusion from international organisations (13).
PAPER_EXCLUDED_TYPES = ("3", "7", "7a", "7b", "8", "9", "12", "13")

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
    from helpers.methods.networks import integration

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
