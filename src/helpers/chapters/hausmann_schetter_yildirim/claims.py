"""Hausmann, Schetter & Yildirim: the paper's claims scored (`helpers.report.claims.ClaimCard`).

The claims, their rules and tolerances are in data/published/hausmann_schetter_yildirim_claims.csv, the printed
numbers in data/published/hausmann_schetter_yildirim.csv; this module only passes values, and says what each value
was computed from (`evidence`):

* `model, generated inputs`: the criterion and the IO model on the real WIOD 2008 table and the real HS92 product
  frame, with generated product trade, home sales and elasticities (and the real EU list unless
  `eu_list="generated"`; the US list is generated);
* `other real data`: statements that the real EU list (with the real end-use classes) decides on its own, scored on
  direction only (the paper used another source, Global Trade Alert, and import weights);
* `model`: the criterion's analytics, no data;
* `input`: what a generated list or the generator's calibration is built to hit (listed, never scored).
"""
from __future__ import annotations

import pandas as pd

from helpers.chapter import Settings
from helpers.report import claims as report_claims
from helpers.report.claims import ClaimCard

from . import data, inputs
from .model.criterion import convexity_check
from .pipeline import Results
from .settings import SLUG
from .tables import (elasticity_set_summary, end_use_shares, eu_list_overview, headline_table, paper_table1_codes,
                     paper_table1_eu, ranking_robustness, sanctions_vs_ranks, share_banned, table1_facts)

MODEL_GENERATED = "model, generated inputs"
OTHER_REAL = "other real data"
INPUT = "input"


def _record_scenario_headlines(card: ClaimCard, heads: pd.DataFrame) -> None:
    """Figure 10 and section 6.4, each claim with both second-order coefficients of Eq. 3 (two cells)."""
    for col in ("coef1", "coef05"):
        h = heads[col]
        for stat in ("ratio_proportional_min", "ratio_proportional_max", "ratio_absolute_min", "ratio_absolute_s5",
                     "russia_over_baltics_s5", "s5_over_s4", "s5_over_s2", "russia_loss_s5"):
            card.record("fig10", stat, col, float(h[stat]), evidence=MODEL_GENERATED)
        for stat, holds in (("baltics_largest_s5", h["baltics_largest_s5"]), ("ordering_holds", h["ordering_holds"]),
                            ("coordination_ge_expansion", h["coordination_ge_expansion"]),
                            ("s6_over_s5", h["expansion_raises_cost"]), ("adoption_gt_as_is", h["adoption_gt_as_is"])):
            value = float(h["s6_over_s5"]) if stat == "s6_over_s5" else float(bool(holds))
            card.record("fig10", stat, col, value, evidence=MODEL_GENERATED, holds=bool(holds))


def _record_rankings(card: ClaimCard, s: Settings, r: Results, lists: str) -> None:
    """Section 4 and Appendix A.1: Table 1's statements, Figures 7-8 and the ranking's robustness."""
    facts = table1_facts(r.products)
    card.record("table1", "top20", "eu_sanctioned", facts["eu_sanctioned"], evidence=MODEL_GENERATED)
    card.record("table1", "top20", "us_sanctioned", facts["us_sanctioned"], evidence=MODEL_GENERATED)
    for lst in ("eu", "us"):
        card.record("table1", "top20", f"{lst}_share_above_average", facts[f"{lst}_share_top"],
                    evidence=MODEL_GENERATED, holds=facts[f"{lst}_share_top"] > facts[f"{lst}_share_all"],
                    note=f"{facts[f'{lst}_share_top']:.0%} of the top 20 against {facts[f'{lst}_share_all']:.0%} of all")
    if data.real_eu_list(s):
        paper = paper_table1_eu()
        for row in paper.itertuples():
            card.record("table1", row.hs6, "eu", float(row.real), evidence=OTHER_REAL, holds=row.real == row.paper,
                        note=f"real list {row.real} ({row.categories or 'not banned'}); without luxury-only bans "
                             f"{row.real_no_luxury}")
        full = inputs.with_real_eu_list(r.raw_products) if s.eu_list != "real" else r.raw_products
        share_all = share_banned(full)
        card.record("table1", "paper_top20", "eu_share_above_average", float(paper["real"].mean()), evidence=OTHER_REAL,
                    holds=float(paper["real"].mean()) > share_all,
                    note=f"{paper['real'].mean():.0%} of the paper's top 20 against {share_all:.0%} of all HS92 codes "
                         "with a status (real list)")
    else:
        why = "needs the real EU list (this run uses the generated one)"
        for hs6 in paper_table1_codes():
            card.unavailable("table1", hs6, "eu", why)
        card.unavailable("table1", "paper_top20", "eu_share_above_average", why)
    card.record("table1", "top20", "lowest_import_percentile", facts["lowest_import_percentile"],
                evidence=MODEL_GENERATED)
    card.record("table1", "top5", "smallest_imports_bn_usd", facts["top5_smallest_imports_bn"],
                evidence=MODEL_GENERATED)
    rob = ranking_robustness(r.products, r.ranking_variants)
    for variant in ("no_home_shares", "common_elasticity"):
        card.record("figA1", variant, "rank_correlation", float(rob.loc[variant, "rank_correlation"]),
                    evidence=MODEL_GENERATED)
        card.record("figA1", variant, "top1000_overlap", float(rob.loc[variant, "top1000_overlap"]),
                    evidence=MODEL_GENERATED)
    if data.real_eu_list(s):
        # The ranks rest on Russian imports (lambda), generated independently of which products the EU banned: the
        # real list can neither show nor refute an association with them (the paper: Figure 7's bias is "entirely
        # driven" by lambda). With generated lists the pattern is built into the generator (input).
        why = ("needs Russian imports by HS6 product (Atlas 2019): the ranks rest on generated imports, drawn "
               "independently of which products the real EU list bans, so the list can neither show nor refute "
               "the pattern")
        card.unavailable("fig7", "eq3_rank", "sanctioned_top_biased", why)
        card.unavailable("fig8", "eq4_rank", "sanctioned_uniform", why)
        return
    ks = sanctions_vs_ranks(r.products).set_index(["criterion", "list"])
    eq3, eq4 = ks.loc["eq3"], ks.loc["eq4"]
    note = "mean normalised rank EU {:.3f} (KS p {:.2g}), US {:.3f} (KS p {:.2g}); built into the generator"
    card.record("fig7", "eq3_rank", "sanctioned_top_biased", float(eq3.loc["EU", "mean_normalised_rank"]),
                evidence=lists, holds=bool(((eq3["mean_normalised_rank"] < 0.5) & eq3["rejects_uniform"]).all()),
                note=note.format(eq3.loc["EU", "mean_normalised_rank"], eq3.loc["EU", "ks_pvalue"],
                                 eq3.loc["US", "mean_normalised_rank"], eq3.loc["US", "ks_pvalue"]))
    card.record("fig8", "eq4_rank", "sanctioned_uniform", float(eq4.loc["EU", "mean_normalised_rank"]),
                evidence=lists, holds=bool((~eq4["rejects_uniform"]).all()),
                note=note.format(eq4.loc["EU", "mean_normalised_rank"], eq4.loc["EU", "ks_pvalue"],
                                 eq4.loc["US", "mean_normalised_rank"], eq4.loc["US", "ks_pvalue"]))


def _record_lists(card: ClaimCard, s: Settings, r: Results, lists: str) -> None:
    """Section 2 (Figures 3 and 4): what the lists restrict. The real EU list decides the share of categories it
    restricts and its end-use tilt on its own; the split with the US list and the share of imports need data
    that are not public here."""
    real = data.real_eu_list(s)
    # statements about the list itself are judged on the full real list, whichever variant feeds the model
    raw = inputs.with_real_eu_list(r.raw_products) if real and s.eu_list != "real" else r.raw_products
    o = eu_list_overview(raw, s)
    card.record("fig3", "coalition_import_share", "all", o["coalition_import_share"], evidence=INPUT,
                note="the generator's calibration target for product trade")
    card.record("fig3", "restricted_share", "eu_or_us", o["eu_share"], evidence=OTHER_REAL if real else INPUT,
                note=(f"the real EU list alone ({o['eu_share']:.1%} of {o['n_products']:,} HS92 codes with a status), "
                      "a lower bound on the share restricted by the EU or the US" if real else
                      "the generated EU list alone"))
    for column in ("both", "eu_only", "us_only"):
        card.unavailable("fig3", "restricted_split", column,
                         "needs the US list of 9 May 2022 (Global Trade Alert, provided privately to the authors); "
                         "ours is generated")
    card.unavailable("fig3", "restricted_import_share", "eu_or_us",
                     "needs Russian imports by HS6 product in 2019 (Atlas) and the US list; both generated here")
    shares = end_use_shares(raw)
    for group in ("consumer", "intermediate", "capital"):
        card.record("fig4", group, "eu_banned_vs_not", float(shares.loc[group, "difference_pp"]),
                    evidence=OTHER_REAL if real else INPUT, holds=bool(shares.loc[group, "holds"]),
                    note=f"{100 * shares.loc[group, 'banned']:.1f}% of EU-banned products against "
                         f"{100 * shares.loc[group, 'not_banned']:.1f}% of the others (unweighted)")


def _record_elasticity_robustness(card: ClaimCard, s: Settings) -> None:
    """Appendix B.5 (Figure B.1): Russia bears the largest loss under the Table B.1 elasticities."""
    for name in ("robust1", "robust2"):
        t = elasticity_set_summary(s, name)
        solved = bool((t["status"] == "solved").all())
        L = t["russia_loss_pct"]
        russia_top = solved and bool((L > t[["coalition_loss_pct", "baltics_loss_pct"]].max(axis=1)).all())
        card.record("figB1", name, "russia_largest_loser", float(L[5]), evidence=MODEL_GENERATED, holds=russia_top,
                    note=f"Russia's loss in scenario 5: {L[5]:.2f}%")
        if name == "robust2":
            card.record("figB1", name, "ordering_s5_gt_s2", float(L[5] / L[2]), evidence=MODEL_GENERATED,
                        holds=bool(L[5] > L[2]), note=f"S5/S2 = {L[5] / L[2]:.2f}")


def scorecard(s: Settings, r: Results) -> ClaimCard:
    """The chapter's claims scored under the settings `s`: Figure 10 with both Eq. 3 coefficients, Proposition 1's
    convexity, the banned share, Table 1, Figures 3, 4, 7, 8, A.1 and B.1."""
    card = ClaimCard(SLUG)
    lists = MODEL_GENERATED if data.real_eu_list(s) else INPUT      # Figs 7-8 and the banned share
    heads = headline_table(s)
    _record_scenario_headlines(card, heads)
    conv = convexity_check()
    card.record("fig6", "convexity", "both", conv["max_second_derivative"], evidence="model",
                holds=conv["max_second_derivative"] < 0 and conv["max_first_derivative"] < 0,
                note="largest first and second derivatives of Eq. 3 on the grid (both negative: cost rising, convex)")
    card.record("text", "banned_share_s2", "all", float(heads["coef1"]["banned_share_s2"]), evidence=lists,
                note="the real EU list's share of generated coalition exports" if lists == MODEL_GENERATED else
                     "the generated EU list's share: the generator's calibration target")
    _record_rankings(card, s, r, lists)
    _record_lists(card, s, r, lists)
    _record_elasticity_robustness(card, s)
    return card


def summary(card: ClaimCard) -> dict:
    """The chapter's grade (the AEA's four words) with its reason, and per evidence class the claims reproduced
    and scored (inputs and untestable claims counted apart), for the scorecard page's prose."""
    claims = report_claims.claims_table(card.frame())
    word, reason = report_claims.grade(claims)
    ok = claims["verdict"].isin(["reproduced", "reproduced within tolerance"])
    scored = ~claims["verdict"].isin(["not testable offline", "input"])
    out = {"grade": word, "grade_reason": reason, "claims": int(claims["claim_id"].nunique()),
           "untestable": int((claims["verdict"] == "not testable offline").sum()),
           "inputs": int((claims["evidence"] == INPUT).sum())}
    for evidence, key in ((MODEL_GENERATED, "model_generated"), (OTHER_REAL, "other_real"), ("model", "model")):
        mine = claims["evidence"] == evidence
        out[f"{key}_scored"] = int((mine & scored).sum())
        out[f"{key}_reproduced"] = int((mine & scored & ok).sum())
        out[f"{key}_partly"] = int((mine & (claims["verdict"] == "partly")).sum())
    head = claims["headline"] & claims["evidence"].isin(report_claims.REPRODUCTIONS) & scored
    out["headline_scored"] = int(head.sum())
    out["headline_reproduced"] = int((head & ok).sum())
    return out
