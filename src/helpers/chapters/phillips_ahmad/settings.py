"""Phillips & Ahmad (2026): the chapter's parameters with their defaults, its star convention, labels and constants."""
from __future__ import annotations

from helpers.params import Boolean, Choice, Integer, Number
from helpers.report.tables import STARS_STD

SLUG = "phillips_ahmad"

# the paper's 14 manufacturing sectors (ITPD-E industries grouped by ISIC Rev.3 division, see data.ISIC3_SECTOR_MAP)
SECTORS = (
    "Food", "Apparel", "Wood/paper", "Fuel", "Chemicals/pharma", "Plastics/rubber",
    "Nonmetallic minerals", "Metals", "Fabricated metals", "Machinery", "Appliances", "Electronics",
    "Transportation equipment", "Misc.",
)
QUICK_SECTORS = ("Chemicals/pharma", "Metals", "Machinery", "Electronics")
SYNTH_FULL_N_GENERIC = 180     # 208 countries: the paper's "more than two hundred", the book's default
QUICK_N_GENERIC = 20           # 48 countries in quick (smoke) runs

PARAMETERS = {
    "data_source": Choice("auto", "real", "synthetic",
                          doc="auto = the synthetic paper-scale world (the paper's ITPD-E and DGD are not offline); "
                              "real = the real panel named by real_panel"),
    "real_panel": Choice("wiod", "yotov",
                         doc="the real panel of data_source = real: WIOD 2013 sector trade (14 manufacturing "
                             "industries, 40 economies, 1995-2011, GSDB sanctions) or the Yotov et al. "
                             "manufacturing panel (one sector, 69 countries, 1986-2006; method application)"),
    "quick": Boolean(doc="4 sectors and a smaller world, for smoke runs"),
    "seed": Integer(0, 2**31 - 1, doc="synthetic world seed", default=1),
    "n_generic": Integer(0, 400, doc="generic countries added to the 28 named ones (180 = full scale)",
                         default=SYNTH_FULL_N_GENERIC),
    "sectors": Choice("all", "quick", *SECTORS, doc="all 14, the 4 quick-mode sectors, or one sector"),
    "fe_structure": Choice("exp_year+imp_year", "exp_year+imp_year+pair", "exp+imp+year"),
    "include_domestic": Boolean(default=True),
    "zero_policy": Choice("keep_all", "drop_zeros"),
    "residual_def": Choice("level", "ratio", "pearson", "log", "relative",
                           doc="the residual Figure 3(a) plots: level trade - trade_hat (the paper's), ratio to "
                               "trade, Pearson, log or relative; the second stage is chosen by "
                               "second_stage_estimator (the level residual, or the ratio with ols_ratio)"),
    "min_trade_ratio": Number(0, None, doc="ratio residuals only where trade >= this (USD m; 0.001 = $1,000)",
                              default=0.001),
    "second_stage_estimator": Choice("ols_levels", "ols_ratio", "ppml_onestep"),
    "control_log_trade": Boolean(default=True),
    "second_stage_sample": Choice("positive_incl_domestic", "international_only"),
    "income_missing": Choice("zero", "drop"),
    "sigma_pair": Number(0, 3, default=0.6),
    "sigma_iid": Number(0, 3, default=0.3),
    "zero_inflation": Boolean(default=True),
    "route_share_scale": Number(0, 5, doc="multiplies every injected route's share (0 = no re-routing)", default=1.0),
    "band": Choice("pct", "boot_median"),
    "demeaner": Choice("rust", "within"),
    "real_sanctions": Choice("gsdb", "ties", "eusanct", "either",
                             doc="sanctions source of the Yotov-panel application: GSDB release 3 complete trade "
                                 "sanctions (the paper's source and rule), TIES v4.1 total embargoes (any sender, "
                                 "to 2005), EUSANCT total embargoes (EU/US/UN senders, cases active 1989-2015), or "
                                 "TIES or EUSANCT (either); the WIOD panel always uses GSDB"),
    "real_fta": Choice("rta", "desta", "either",
                       doc="FTA regressor of the real application: the Yotov panel's RTA dummy (agreements entering "
                           "into force 1987-2006 only), a DESTA v2.3 agreement in force (entry into force to "
                           "withdrawal), or either"),
    "split_year": Integer(0, 2022, doc="first year of the later of the two periods; 0 = the data's default split "
                                       "(2010 in the synthetic 1995-2022 world, as in the paper; 2010 on WIOD "
                                       "1995-2011, a two-year second period; 1996 on the Yotov 1986-2006 panel)", default=0),
}

STARS = STARS_STD              # the paper's tables: *** p<0.01, ** p<0.05, * p<0.10

# the paper's Eq. (1) regressors and Eq. (2) pair variables
GRAVITY_VARS = ("ln_dist", "contig", "colony", "legal", "lang", "fta", "landlocked", "island", "dom")
GEO_TERMS = ("abs_dem", "DEMO", "DICT", "abs_corr", "LowCorr", "Sanc", "U11", "U01", "U10")
GEO_LABELS = {"abs_dem": "|Dem_i - Dem_j|", "DEMO": "DEM (both > .75)", "DICT": "DICT (both < .25)",
              "abs_corr": "|Corr_i - Corr_j|", "LowCorr": "LowCorr (both < .5)", "Sanc": "Sanc (XOR)",
              "U11": "U_i=1, U_j=1", "U01": "U_i=0, U_j=1", "U10": "U_i=1, U_j=0"}
GRAVITY_LABELS = {"ln_dist": "log(Distance)", "contig": "Contiguity", "colony": "Colonial Ties",
                  "legal": "Legal Origin", "lang": "Language", "fta": "FTA", "landlocked": "Landlocked",
                  "island": "Island", "dom": "Domestic trade"}
PAPER_PERIODS = ("2010-2022", "1995-2009")        # the paper's column order (later period first)
