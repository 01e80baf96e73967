"""Phillips & Ahmad (2026), unexplained trade from gravity residuals: parameters and glue-free chapter logic.

The chapter runs one pipeline (`run_chapter`) on either data source:

* ``synthetic``: the seeded structural-gravity world of `helpers.synth.phillips_ahmad` (14 sectors, 1995-2022,
  the named countries plus generic ones, true coefficients = the paper's Tables 5-6, injected routes);
* ``real``: the Yotov et al. (2016) manufacturing panel with domestic flows (69 countries, 1986-2006) plus
  V-Dem, World Bank income groups, DESTA and TIES sanctions (`helpers.data.phillips_ahmad`). This is a method
  application on real data, not the paper's numbers (ITPD-E, the Dynamic Gravity Dataset and GSDB are not in
  the offline mirror; `helpers.data.phillips_ahmad` reads them for users who have them).

Results are cached on disk per parameter set (`.cache/phillips_ahmad/`), so the chapter's notebooks share
one run of the 28 + 28 regressions.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from helpers import paths
from helpers.params import Boolean, Choice, Integer, ListOf, Number, Text

SLUG = "phillips_ahmad"
SECTORS = (
    "Food", "Apparel", "Wood/paper", "Fuel", "Chemicals/pharma", "Plastics/rubber",
    "Nonmetallic minerals", "Metals", "Fabricated metals", "Machinery", "Appliances", "Electronics",
    "Transportation equipment", "Misc.",
)
QUICK_SECTORS = ("Chemicals/pharma", "Metals", "Machinery", "Electronics")
REAL_KEYS = ("yotov_agtpa_chapter1application1", "yotov_agtpa_applications_rda", "cepii_geo",
             "vdem_v14_lite", "wb_income_class_long", "ties_v4_1_xls", "desta_dyads_v2_3")
GENERATOR = "helpers.synth.phillips_ahmad"
SYNTH_FULL_N_GENERIC = 180     # ~208 countries: the paper's "more than two hundred"
SYNTH_DEFAULT_N_GENERIC = 40   # 68 countries: the default book scale (runtime; see benchmarks/)

PARAMETERS = {
    "data_source": Choice("auto", "real", "synthetic",
                          doc="auto = the synthetic paper-scale world (the paper's ITPD-E/DGD/GSDB are not offline); "
                              "real = the Yotov et al. manufacturing panel (method application, 1986-2006)"),
    "quick": Boolean(doc="4 sectors and a smaller world, for smoke runs"),
    "seed": Integer(0, 2**31 - 1, doc="synthetic world seed"),
    "n_generic": Integer(0, 400, doc="generic countries added to the 28 named ones (180 = full scale)"),
    "sectors": Choice("all", "quick", *SECTORS, doc="all 14, the 4 quick-mode sectors, or one sector"),
    "fe_structure": Choice("exp_year+imp_year", "exp_year+imp_year+pair", "exp+imp+year"),
    "include_domestic": Boolean(),
    "zero_policy": Choice("keep_all", "drop_zeros"),
    "residual_def": Choice("level", "ratio", "pearson", "log", "relative"),
    "min_trade_ratio": Number(0, None, doc="ratio residuals only where trade >= this (USD m; 0.001 = $1,000)"),
    "second_stage_estimator": Choice("ols_levels", "ols_ratio", "ppml_onestep"),
    "control_log_trade": Boolean(),
    "second_stage_sample": Choice("positive_incl_domestic", "international_only"),
    "income_missing": Choice("zero", "drop"),
    "sigma_pair": Number(0, 3),
    "sigma_iid": Number(0, 3),
    "zero_inflation": Boolean(),
    "route_share_scale": Number(0, 5, doc="multiplies every injected route's share (0 = no re-routing)"),
    "band": Choice("pct", "boot_median"),
    "demeaner": Choice("rust", "within"),
}

DEFAULTS = dict(
    data_source="auto", quick=False, seed=1, n_generic=SYNTH_DEFAULT_N_GENERIC, sectors="all",
    fe_structure="exp_year+imp_year", include_domestic=True, zero_policy="keep_all", residual_def="level",
    min_trade_ratio=0.001, second_stage_estimator="ols_levels", control_log_trade=True,
    second_stage_sample="positive_incl_domestic", income_missing="zero", sigma_pair=0.6, sigma_iid=0.3,
    zero_inflation=True, route_share_scale=1.0, band="pct", demeaner="rust",
)


@lru_cache(maxsize=1)
def published() -> pd.DataFrame:
    """The paper's transcribed numbers (data/published/phillips_ahmad.csv): targets and calibration inputs."""
    path = paths.PUBLISHED / f"{SLUG}.csv"
    if not path.exists():
        raise FileNotFoundError(f"Published numbers for {SLUG} are missing: expected {path}.")
    return pd.read_csv(path, dtype={"stars": str, "note": str}, keep_default_na=False,
                       na_values={"estimate": [""], "se": [""]})
