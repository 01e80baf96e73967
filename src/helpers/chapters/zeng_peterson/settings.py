"""Zeng & Peterson: the chapter's parameters with their defaults (the paper's baseline), its star convention,
the paper's labels and the constants of the analysis."""
from __future__ import annotations

from helpers.methods.networks import EDGE_DISTANCES
from helpers.params import Boolean, Choice, Integer, ListOf, Number, Text
from helpers.report.tables import STARS_3

SLUG = "zeng_peterson"

# EUSANCT imposition types (codebook numbering as we read it): the paper drops US sanctions that consist
# solely of import restriction (3), termination of foreign aid (7, 7a, 7b), travel ban (8), suspension of an
# economic agreement (9), diplomatic sanctions (12) and exclusion from international organisations (13).
PAPER_EXCLUDED_TYPES = ("3", "7", "7a", "7b", "8", "9", "12", "13")

PARAMETERS = {
    "data_source": Choice("auto", "real", "synthetic",
                          doc="auto: the user's CDU / Country Chart files where given, else generated; real: both "
                              "files required; synthetic: always generated (covariates are real in every mode)"),
    "cdu_file": Text(doc="CSV of controlled dual-use trade flows (exporter_iso3, importer_iso3, year, value_musd "
                         "[, category]); empty = not provided"),
    "country_chart_file": Text(doc="CSV of the historical US Commerce Country Chart (iso3, year, CB1 ... AT2); "
                                   "empty = not provided"),
    "quick": Boolean(doc="smoke-run settings: a 15 % sample of dyads, 200 draws"),
    "seed": Integer(0, None, default=20240101, doc="seed of the synthetic generator"),
    "year_start": Integer(1997, 2014, default=1997),
    "year_end": Integer(1998, 2015, default=2015),
    "dv_mode": Choice("latent", "censored", doc="synthetic DV: Δ latent y* (recovers β) or Δ of max(0, y*)"),
    "truth_model": Choice("M3", "M2", "M1", "null", doc="which Table 2 column the generator uses as β_true"),
    "product_set": Choice("eu_dual_use_2022", "none",
                          doc="the generator's dual-use products (without cdu_file): the HS92 codes flagged dual use "
                              "in the EU's 2022 export-ban list, whose HS sections define the generated CDU networks "
                              "the integration measures come from; 'none': integration drawn directly per "
                              "country-year (the generator before the product set)"),
    "arma_p": Integer(0, 3, default=1),
    "arma_q": Integer(0, 3, default=1),
    "reml": Boolean(default=True, doc="REML (nlme default, the paper) or ML"),
    "correlation_index": Choice("time", "order", doc="corARMA form = ~year|dyad (gaps) or ~1|dyad"),
    "prox_normalisation": Choice("sample_max_each", "shared_max", "yearly_max"),
    "ally_coding": Choice("def_off_neu", "defense_only", "atopally_all"),
    "sanction_exclude_types": ListOf(Text(), default=PAPER_EXCLUDED_TYPES,
                                     doc="EUSANCT US imposition types that alone do not count"),
    "edge_transform": Choice(*EDGE_DISTANCES, default="inv_log1p",
                             doc="trade flow -> path length in the closeness networks"),
    "models": ListOf(Choice("M1", "M2", "M3"), default=("M1", "M2", "M3")),
    "n_sims": Integer(10, 20000, default=1000, doc="coefficient draws behind Figure 2's intervals"),
    "dyad_share": Number(0.01, 1.0, default=0.3,
                         doc="share of dyads the robustness page uses (30 % bounds the book's build time)"),
}

STARS = STARS_3  # Table 2: * p<0.05, ** p<0.01, *** p<0.001
SIGNIFICANCE = STARS.levels[-1]  # "significant": p below the paper's lowest star level (0.05)

QUICK_DYAD_SHARE = 0.15  # quick=True keeps this share of dyads
QUICK_N_SIMS = 200       # and at most this many draws for Figure 2
COW_LAST_YEAR = 2014     # COW dyadic trade v4.0 ends here

LABELS = {
    "sanction": "Importer US sanction", "ally": "Exporter US ally", "export_controls": "US export controls",
    "exp_int": "Exporter integration", "imp_int": "Importer integration", "us_prox": "Exporter US proximity",
    "dyad_prox": "Dyadic proximity", "exp_lngdp": "Exporter log GDP", "imp_lngdp": "Importer log GDP",
    "exp_mecr": "Exporter MECR", "imp_mecr": "Importer MECR", "exp_libdem": "Exporter liberal democracy",
    "imp_libdem": "Importer liberal democracy", "lndist": "log Distance",
    "sanction:ally": "Importer sanct X Exporter ally", "sanction:export_controls": "Importer sanct X US export controls",
    "sanction:exp_int": "Importer sanct X Exporter integration",
    "sanction:imp_int": "Importer sanct X Importer integration",
    "sanction:us_prox": "Importer sanct X Exporter US proximity", "sanction:dyad_prox": "Importer sanct X Dyadic proximity",
    "sanction:exp_lngdp": "Importer sanct X Exp GDP", "sanction:imp_lngdp": "Importer sanct X Imp GDP",
    "sanction:exp_mecr": "Importer sanct X Exp MECR", "sanction:imp_mecr": "Importer sanct X Imp MECR",
    "sanction:exp_libdem": "Importer sanct X Exp libdem", "sanction:imp_libdem": "Importer sanct X Imp libdem",
    "sanction:lndist": "Importer sanct X Dist", "(Intercept)": "Constant",
}
MODEL_COLUMNS = {"M1": "Model 1", "M2": "Model 2", "M3": "Model 3"}
# the terms the hypotheses are about (and the tables and the scorecard single out)
HEADLINE = ["ally", "export_controls", "exp_int", "imp_int", "us_prox", "dyad_prox", "sanction:ally",
            "sanction:export_controls", "sanction:exp_int", "sanction:imp_int", "sanction:us_prox",
            "sanction:dyad_prox"]
FIGURE2_VARIABLES = ["ally", "export_controls", "exp_int", "imp_int", "us_prox", "dyad_prox"]
