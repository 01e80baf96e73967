"""Hausmann, Schetter & Yildirim: the scorecard. Every claim the chapter scores, with its rule and its band or
condition; the paper's numbers are read from data/published/hausmann_schetter_yildirim.csv by the scorecard.

On this chapter's data (real IO table, generated product level) the rows are a method check with realistic
inputs, not a replication of the paper's exact numbers; each row's note says so.
"""
from __future__ import annotations

import pandas as pd

from helpers.chapter import Settings
from helpers.report.scorecard import Scorecard

from .model.criterion import convexity_check
from .pipeline import Results
from .settings import SLUG
from .tables import elasticity_set_summary, headline_table, ranking_robustness, sanctions_vs_ranks, table1_facts


def _record_scenario_headlines(card: Scorecard, heads: pd.DataFrame, note: str) -> None:
    """Figure 10 and section 6.4: the headline statistics, with both second-order coefficients of Eq. 3."""
    for col in ("coef1", "coef05"):
        h = heads[col]
        card.record("fig10", "ratio_proportional_min", col, h["ratio_proportional_min"], "band", lo=50, hi=200, note=note)
        card.record("fig10", "ratio_proportional_max", col, h["ratio_proportional_max"], "band", lo=50, hi=200, note=note)
        card.record("fig10", "ratio_absolute_min", col, h["ratio_absolute_min"], "qualitative",
                    holds=h["ratio_absolute_min"] >= 2, claim="absolute ratio >= 2 in every scenario", note=note)
        card.record("fig10", "ratio_absolute_s5", col, h["ratio_absolute_s5"], "qualitative",
                    holds=h["ratio_absolute_s5"] >= 4, claim="absolute ratio >= 4 in scenario 5 (paper > 5)", note=note)
        card.record("fig10", "baltics_largest_s5", col, float(h["baltics_largest_s5"]), "qualitative",
                    holds=bool(h["baltics_largest_s5"]), claim="Baltics largest coalition loser in S5", note=note)
        card.record("fig10", "russia_over_baltics_s5", col, h["russia_over_baltics_s5"], "band", lo=5, hi=20, note=note)
        card.record("fig10", "s5_over_s4", col, h["s5_over_s4"], "band", lo=1.4, hi=1.8, note=note)
        card.record("fig10", "s5_over_s2", col, h["s5_over_s2"], "band", lo=1.15, hi=1.45, note=note)
        card.record("fig10", "russia_loss_s5", col, h["russia_loss_s5"], "band", lo=0.7, hi=1.5, note=note)
        card.record("fig10", "ordering_holds", col, float(h["ordering_holds"]), "qualitative",
                    holds=bool(h["ordering_holds"]), claim="S1 < S4 < S2 < S5 < S6", note=note)
        card.record("fig10", "coordination_ge_expansion", col, float(h["coordination_ge_expansion"]), "qualitative",
                    holds=bool(h["coordination_ge_expansion"]), claim="(S2 - S4) >= (S4 - S1)", note=note)
        card.record("fig10", "s6_over_s5", col, h["s6_over_s5"], "qualitative", holds=h["s6_over_s5"] > 1.1,
                    claim="S6/S5 > 1.1", note=note)


def _record_rankings(card: Scorecard, r: Results, note: str) -> None:
    """Section 4 and Appendix A.1: Table 1's restricted products, the ranking's robustness, Figures 7-8."""
    facts = table1_facts(r.products)
    card.record("table1", "top20", "eu_sanctioned", facts["eu_sanctioned"], "band", lo=5, hi=9, note=note + "; soft target")
    card.record("table1", "top20", "us_sanctioned", facts["us_sanctioned"], "band", lo=11, hi=15, note=note + "; soft target")
    rob = ranking_robustness(r.products, r.ranking_variants)
    for variant, lo in (("no_home_shares", 0.97), ("common_elasticity", 0.95)):
        card.record("figA1", variant, "rank_correlation", rob.loc[variant, "rank_correlation"], "band", lo=lo, hi=1.0,
                    note=note)
    for variant, target in (("no_home_shares", 934), ("common_elasticity", 880)):
        card.record("figA1", variant, "top1000_overlap", rob.loc[variant, "top1000_overlap"], "band",
                    lo=target - 40, hi=target + 40, note=note)
    ks = sanctions_vs_ranks(r.products).set_index(["criterion", "list"])
    eq4_uniform = all(ks.loc[("eq4", lst), "ks_pvalue"] > 0.05 or abs(ks.loc[("eq4", lst), "mean_normalised_rank"] - 0.5) < 0.05
                      for lst in ("EU", "US"))
    card.record("fig8", "eq4_rank", "sanctioned_uniform", ks.loc[("eq4", "EU"), "mean_normalised_rank"], "qualitative",
                holds=eq4_uniform, claim="Eq. 4 ranks of restricted products ~uniform (KS p > 0.05 or |mean - 0.5| < 0.05)",
                note=note + "; built into the generator")
    eq3_top = all(ks.loc[("eq3", lst), "ks_pvalue"] < 0.05 and ks.loc[("eq3", lst), "mean_normalised_rank"] < 0.5
                  for lst in ("EU", "US"))
    card.record("fig7", "eq3_rank", "sanctioned_top_biased", ks.loc[("eq3", "EU"), "mean_normalised_rank"], "qualitative",
                holds=eq3_top, claim="KS rejects uniform and mean rank < 0.5", note=note + "; built into the generator")


def _record_elasticity_robustness(card: Scorecard, s: Settings, note: str) -> None:
    """Appendix B.5 (Figure B.1): Russia bears the largest loss under the Table B.1 elasticities."""
    for name in ("robust1", "robust2"):
        t = elasticity_set_summary(s, name)
        solved = (t["status"] == "solved").all()
        L = t["russia_loss_pct"]
        russia_top = solved and bool((L > t[["coalition_loss_pct", "baltics_loss_pct"]].max(axis=1)).all())
        card.record("figB1", name, "russia_largest_loser", float(L[5]), "qualitative", holds=russia_top,
                    claim="Russia's proportional loss above the coalition's and the Baltics' in every scenario", note=note)
        if name == "robust2":
            card.record("figB1", name, "ordering_s5_gt_s2", float(L[5] / L[2]), "qualitative", holds=bool(L[5] > L[2]),
                        claim="S5 > S2", note=note)


def scorecard(s: Settings, r: Results) -> Scorecard:
    """The chapter's scorecard under the settings `s` (rows: Figure 10 with both Eq. 3 coefficients, Figure 6's
    convexity, the EU list's share, Table 1, Figures 7, 8, A.1 and B.1)."""
    real = s.data.is_real
    card = Scorecard(SLUG, data_source="mixed" if real else "synthetic")
    note = "product level synthetic (calibrated generator); IO table real" if real else "all synthetic"
    heads = headline_table(s)
    _record_scenario_headlines(card, heads, note)
    conv = convexity_check()
    card.record("fig6", "convexity", "both", conv["max_second_derivative"], "qualitative",
                holds=conv["max_second_derivative"] < 0 and conv["max_first_derivative"] < 0,
                claim="d2(dlnY)/dOmega2 < 0 and cost increasing on the grid, both coefficients")
    card.record("text", "banned_share_s2", "all", heads["coef1"]["banned_share_s2"], "band", lo=0.41, hi=0.45,
                note="EU-list share of coalition exports: a calibration target of the generator")
    _record_rankings(card, r, note)
    _record_elasticity_robustness(card, s, note)
    return card
