"""Hausmann, Schetter & Yildirim (2022): the chapter's parameters (defaults = the paper's baseline, as printed)
and the specification variants of the robustness page."""
from __future__ import annotations

from helpers.params import Boolean, Choice, Integer, ListOf, Number

from .model.calibration import COALITION
from .model.scenarios import TARGETING_RULES

SLUG = "hausmann_schetter_yildirim"

PARAMETERS = {
    "data_source": Choice("auto", "real", "synthetic", doc="WIOD + concordances from the mirror (real) or all synthetic"),
    "eu_list": Choice("real", "real_no_luxury", "generated",
                      doc="the EU export bans in force on 9 May 2022 (Reg. 833/2014, HS2017 -> HS92); the same without "
                          "the codes banned only under the luxury-goods ban (Annex XVIII, 15 March 2022), which the "
                          "paper's Table 1 does not count; or the generator's list (calibrated to the paper's "
                          "moments). Without the mirror's files (data_source synthetic) the list is generated"),
    "quick": Boolean(doc="smoke run: fewer scenarios / robustness variants"),
    "seed": Integer(0, 2**31 - 1, default=4, doc="seed of the synthetic product-level generator"),
    "coalition": ListOf(Choice(*COALITION), min_len=1, default=tuple(COALITION), doc="coalition groups that sanction"),
    "targeting_rule": Choice(*TARGETING_RULES, doc="ranking used in scenarios 4-6"),
    "ban_share_target": Number(0.0, 0.95, default=0.0, doc="banned share of coalition exports in scenarios 4/5 "
                                                           "(0 = scenario 2's)"),
    "expansion": Number(1.0, 3.0, default=1.5, doc="scenario 6 banned exports relative to scenario 2"),
    "elasticity_set": Choice("baseline", "robust1", "robust2", "robust1_all"),
    "theta_intermediate": Number(0.0, 1.0, default=0.2, doc="theta for intermediate and capital goods (Eq. 3/4)"),
    "second_order_coef": Choice(1.0, 0.5, doc="1 as printed in Eq. 3, 1/2 as derived in Appendix B.1"),
    "industry_scheme": Choice("tableA1_16", "bf30_15"),
    "unmapped_treatment": Choice("unshocked", "exclude", doc="HS products with no goods industry (e.g. WIOD c16)"),
    "fn23_scaling": Choice("log", "demand"),
    "omega_cap": Number(0.5, 1.0, high_open=True, default=0.99),
    "home_sales": Boolean(default=True, doc="include imputed Russian home sales in expenditure (Fig. A.1a: False)"),
    "elasticity_source": Choice("synthetic", "broda_weinstein_rank",
                                doc="HS6 elasticities: calibrated draw, or the same draw ordered by real "
                                    "Broda-Weinstein HS3 elasticities (extension)"),
    "sigma": Number(1.0, None, low_open=True, default=5.0, doc="Figure 6: the product's elasticity across origins"),
    "theta": Number(None, 1.0, default=0.2, doc="Figure 6: the downstream elasticity"),
}

# The robustness page's specification variants: one change at a time from the settings.
ROBUSTNESS_VARIANTS = {
    "baseline": {},
    "coef 1/2": {"second_order_coef": 0.5},
    "Eq. 3 targeting": {"targeting_rule": "eq3"},
    "import targeting": {"targeting_rule": "imports"},
    "random targeting": {"targeting_rule": "random"},
    "fn. 23 'demand' scaling": {"fn23_scaling": "demand"},
    "unmapped HS excluded": {"unmapped_treatment": "exclude"},
    "B-F 15 industries": {"industry_scheme": "bf30_15"},
    "theta = 0.5 (Eq. 3/4)": {"theta_intermediate": 0.5},
    "B-W elasticity ordering": {"elasticity_source": "broda_weinstein_rank"},
    "EU list without luxury bans": {"eu_list": "real_no_luxury"},
    "generated EU list": {"eu_list": "generated"},
}
