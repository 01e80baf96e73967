"""Dorff & Minhas (2017), "When do states say uncle?": the chapter's parameters with their defaults (the paper's
baseline), its star convention, the paper's labels and the model specifications."""
from __future__ import annotations

from dataclasses import dataclass

from helpers.params import Boolean, Choice, Integer, ListOf, Text
from helpers.report.tables import STARS_2, Stars

SLUG = "dorff_minhas"

PARAMETERS = {
    "data_source": Choice("auto", "real", "synthetic", doc="archive files, or the calibrated generator"),
    "quick": Boolean(doc="smoke-run settings (fewer folds / scenario points)"),
    "imputed": Boolean(default=True,
                       doc="True: the archive's imputed covariates (Table 2); False: listwise deletion (Table 3)"),
    "issue_subset": Choice("all", "secur", doc="all issue areas, or the archive's security-issue cases"),
    "lag_mode": Choice("row", "calendar", "calendar_network",
                       doc="archive's lag by row within target; a clean t-1 for all lagged covariates; or a clean "
                           "t-1 for the two network terms only (others as the archive)"),
    "network_cases": Choice("imposed", "all", doc="cases feeding the networks: imposed only, or threats too"),
    "reciprocity_measure": Choice("srm", "raw_counts", doc="SRM relationship effect, or raw cumulative counts"),
    "se_type": Choice("model", "cluster", doc="model-based SEs (coxph default) or clustered by case"),
    "ties": Choice("efron", "breslow"),
    "ph_tt_terms": ListOf(Text(), doc="covariates interacted with log(time) (fn 15)"),
    "sample_end_year": Integer(1990, 2009, default=2005),
    "cv_imputed": Boolean(doc="the cross-validation's covariates: the unimputed file, as the archive's crossval.R "
                              "(False), or the imputed one"),
    "cv_end_year": Integer(1990, 2009, default=2009, doc="last year of the cross-validation sample (crossval.R: 2009)"),
    "cv_folds": Integer(2, 20, default=6),
    "cv_seed": Integer(0, None, default=6886),
    "auc_mode": Choice("faithful", "corrected"),
    "seed": Integer(0, None, default=20170601, doc="seed of the synthetic generator"),
}


@dataclass(frozen=True)
class ArchiveStars(Stars):
    """The archive's tables star the p-value rounded to 3 decimals (spec §4.4): p = 0.0496 gets one star."""

    def of(self, p: float) -> str:
        return super().of(p if p is None else round(float(p), 3))


STARS = ArchiveStars(STARS_2.levels, STARS_2.marks)  # Tables 2-3: ** p<0.05, * p<0.10

EVENT = "compliance"
ID_COLUMNS = ["caseid", "targetstate", "year", "start", "stop", EVENT]
MONADIC = ["lag1_polity2", "lag1_lgdpCAP", "lag1_gdpGR", "lag1_lpopulation", "lag1_domSUM"]
DYADIC = ["noS", "Ddistdata", "lag1_tdata", "lag1_allydata"]
NETWORK = ["lag1_uData", "lag1_SuData2"]
MODELS = {"Model 1": MONADIC, "Model 2": DYADIC + MONADIC, "Model 3": NETWORK + DYADIC + MONADIC}
ORDER = NETWORK + DYADIC + MONADIC          # the row order of Tables 2-5
LABELS = {
    "lag1_uData": "Compliance Reciprocity", "lag1_SuData2": "Sanction Reciprocity",
    "noS": "Number of Senders", "Ddistdata": "Distance", "lag1_tdata": "Trade", "lag1_allydata": "Ally",
    "lag1_polity2": "Polity", "lag1_lgdpCAP": "Ln(GDP per capita)", "lag1_gdpGR": "GDP Growth",
    "lag1_lpopulation": "Population", "lag1_domSUM": "Internal Conflict", "compliance": "Compliance",
}
UNLAGGED = {"lag1_polity2": "polity2", "lag1_lgdpCAP": "lgdpCAP", "lag1_gdpGR": "gdpGR",
            "lag1_lpopulation": "lpopulation", "lag1_domSUM": "domSUM",
            "lag1_tdata": "tdata", "lag1_allydata": "allydata"}

SCENARIO_VARS = {"lag1_lgdpCAP": "Figure 3", "noS": "Figure 4", "lag1_uData": "Figure 5a", "lag1_SuData2": "Figure 5b"}
# Constants of the paper's design (not verdict rules: those are in data/published/dorff_minhas_claims.csv)
PH_LEVEL = 0.05            # fn 15's procedure: covariates whose cox.zph test has p below this get log-time interactions
CV_HORIZON = 15            # the paper reads Figure 7 "before the 15 year mark"
FIGURE1_YEAR = 1984                   # the paper's Figure 1
FIGURE2_YEARS = (1972, 1992, 2012)    # the paper's Figure 2 panels
