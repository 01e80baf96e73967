"""Write notebooks/<slug>/90_robustness.ipynb for the chapters with a stored sweep (prose lives here).

    .venv/bin/python sweeps/write_robustness_pages.py [slug ...]
"""
from __future__ import annotations

import sys

from helpers.sweep.pages import write

K = "KEY"  # replaced by `<slug>.robustness` below

PAGES = {
    "zeng_peterson": dict(
        title="Robustness across specifications",
        estimate_label="the Model 3 coefficient of importer integration × US sanction",
        intro=(
            "The largest effect in Table 2 of {cite}`zeng_peterson` is the interaction of importer integration "
            "with a US sanction in Model 3 (0.483; hypothesis H6). The paper fits it by GLS with ARMA(1,1) errors "
            "within each dyad, by REML, with the ARMA process indexed by calendar year. Does the estimate depend "
            "on that error model? We sweep the ARMA orders (p, q ∈ {0, 1}: ARMA(1,1), AR(1), MA(1), or no serial "
            "correlation), REML against ML, and an ARMA process over calendar years (gaps kept) against one over "
            "observation order. Each specification is one run of {doc}`03_table2` fitting Model 3 only. As in the "
            "chapter, the outcome is synthetic with the paper's Model 3 as the truth, on the real covariates, so "
            "this checks whether the error model can move the estimate, not the paper's data. The runs take a few "
            "minutes, so this page reads the stored sweep (`sweeps/zeng_peterson.toml`); the box below says when "
            "and on which code it ran. The notebook glues coefficients to three decimals and no standard errors, "
            "so the curve shows points without intervals."),
        reading=(
            "Across the {glue:text}`KEY.curve.n_ok` specifications the interaction ranges from "
            "{glue:text}`KEY.curve.low:.3f` to {glue:text}`KEY.curve.high:.3f` (baseline "
            "{glue:text}`KEY.curve.baseline:.3f`): it {glue:text}`KEY.curve.verdict`. The choice that moves it "
            "most is {glue:text}`KEY.choices.top`: its median runs from {glue:text}`KEY.choices.top_low:.3f` "
            "({glue:text}`KEY.choices.top_low_value`) to {glue:text}`KEY.choices.top_high:.3f` "
            "({glue:text}`KEY.choices.top_high_value`), while the other choices move the median by at most "
            "{glue:text}`KEY.choices.others_spread:.3f`. GLS changes the weights, not what is estimated, so with a "
            "correctly specified mean the point estimate should move little across error models; what the error "
            "model does change is the standard errors, which this sweep does not show."),
    ),
    "funke_wende": dict(
        title="Robustness across specifications",
        estimate_label="Russia's long-run GDP change (%) after the ban share rises to Γ = 0.191, with re-exports",
        intro=(
            "In the long run, the 19.1% export ban of {cite}`funke_wende` lowers Russia's GDP by about 0.6% "
            "(paper: −0.609%, with the re-export channel open). The model's trade elasticities are taken from "
            "the literature rather than estimated, and Table 2 over-identifies the calibration (see "
            "{doc}`02_steady_state`), so we ask whether the long-run loss survives (i) the micro elasticity θ "
            "(3.6 to 4.0 around the paper's 3.8; the Pareto shape k = 3.4 bounds θ below k + 1), (ii) the macro "
            "elasticity ω (1.5 or the paper's 1.9), and (iii) the calibration scheme (A: trade-balance targets, "
            "B: GDP-share targets). Each specification is one run of {doc}`02_steady_state` with quick settings. "
            "The runs take a few minutes, so this page reads the stored sweep (`sweeps/funke_wende.toml`, the "
            "grid `make sweep` runs); the box below says when and on which code it ran. Wider values (θ = 3 or "
            "ω = 2.5) make the calibration solver fail; a sweep records such runs as failed rather than stopping."),
        reading=(
            "Across the {glue:text}`KEY.curve.n_ok` specifications that solved, Russia's long-run GDP change "
            "ranges from {glue:text}`KEY.curve.low:.3f`% to {glue:text}`KEY.curve.high:.3f`% (baseline "
            "{glue:text}`KEY.curve.baseline:.3f`%): the loss {glue:text}`KEY.curve.verdict`. The choice that moves it "
            "most is {glue:text}`KEY.choices.top`: its median runs from {glue:text}`KEY.choices.top_low:.3f`% "
            "({glue:text}`KEY.choices.top_low_value`) to {glue:text}`KEY.choices.top_high:.3f`% "
            "({glue:text}`KEY.choices.top_high_value`), while the other choices move the median by at most "
            "{glue:text}`KEY.choices.others_spread:.3f` percentage points. Within the range where the calibration "
            "solves, these shifts are small next to the loss itself: the long-run cost of the ban to Russia is "
            "not an artefact of the borrowed elasticities or of which Table 2 targets the calibration matches."),
    ),
    "dorff_minhas": dict(
        title="Robustness across specifications",
        estimate_label="the Model 3 coefficient of compliance reciprocity",
        intro=(
            "The central claim of {cite}`dorff_minhas` is that compliance reciprocity (the SRM relationship "
            "effect of a target's past compliance with the sender) speeds up compliance: a positive, significant "
            "coefficient in Model 3 of Tables 2 and 3. Does it survive three estimation choices? (i) the archive's "
            "imputed covariates (Table 2) or listwise deletion (Table 3), (ii) Efron or Breslow handling of tied "
            "event times in the Cox partial likelihood, and (iii) model-based standard errors (as `coxph` prints "
            "them) or standard errors clustered by sanction case. Each specification is one run of "
            "{doc}`02_cox_models` with those parameters; the chapter's own {doc}`03_robustness` covers the "
            "paper's other checks. The runs take a few minutes on two cores, so this page reads the stored sweep "
            "(`sweeps/dorff_minhas.toml`) instead of rerunning it; the box below says when and on which code it "
            "ran. Intervals are coefficient ± 1.96 standard errors, from the three decimals the notebook prints."),
        reading=(
            "Across the {glue:text}`KEY.curve.n_ok` specifications the coefficient ranges from "
            "{glue:text}`KEY.curve.low:.3f` to {glue:text}`KEY.curve.high:.3f` (baseline "
            "{glue:text}`KEY.curve.baseline:.3f`): compliance reciprocity {glue:text}`KEY.curve.verdict`. "
            "The choice that moves the estimate most is {glue:text}`KEY.choices.top`: its median runs from "
            "{glue:text}`KEY.choices.top_low:.3f` ({glue:text}`KEY.choices.top_low_value`) to "
            "{glue:text}`KEY.choices.top_high:.3f` ({glue:text}`KEY.choices.top_high_value`), while the other "
            "choices move the median by at most {glue:text}`KEY.choices.others_spread:.3f`. Tie handling can only "
            "move the point estimate and clustering only the interval; the table above lists every run, and the "
            "differences between specifications are small next to the coefficient's distance from zero."),
    ),
    "phillips_ahmad": dict(
        title="Robustness across specifications",
        estimate_label="sector regressions (of 4, quick settings) with a significantly negative sanctions coefficient",
        intro=(
            "Table 1 of {cite}`phillips_ahmad` counts the sector regressions in which trading with a sanctioned "
            "partner goes with significantly *less* unexplained trade. The count rests on two choices the paper "
            "makes once: how the gravity residual is defined (the level residual, the residual as a ratio to "
            "trade, or the Pearson residual) and which fixed effects the first stage absorbs (exporter-year and "
            "importer-year, or those plus country-pair effects). Each specification is one run of "
            "{doc}`04_second_stage` in quick settings (4 sectors and a smaller synthetic world with a negative "
            "sanctions effect built in), so this is a method check on the "
            "generator, not the paper's data. The page reads the stored sweep (`sweeps/phillips_ahmad.toml`); "
            "the box below says when and on which code it ran."),
        reading=(
            "Across the {glue:text}`KEY.curve.n_ok` specifications the count runs from "
            "{glue:text}`KEY.curve.low:.0f` to {glue:text}`KEY.curve.high:.0f` (baseline "
            "{glue:text}`KEY.curve.baseline:.0f`) of the 4 sector regressions. Since the generator builds a "
            "negative sanctions effect into "
            "every sector, a count below 4 is a miss of the second stage, not an absence of the effect; "
            "{doc}`05_warnings` shows why the paper's specification misses it (log trade as a control absorbs "
            "the effect) and that the specification without that control recovers the sign."),
    ),
    "hausmann_schetter_yildirim": dict(
        title="Robustness across specifications",
        estimate_label="Russia's welfare loss under optimal sanctions (scenario 5, % of real expenditure)",
        intro=(
            "Does the headline of Figure 10, Russia's welfare loss under \"optimal sanctions\" (scenario 5; about "
            "1.1% in {cite}`hausmann_schetter_yildirim`), survive three choices the paper makes with little "
            "guidance? (i) the IO model's elasticities: the baseline of Table 2 or the robustness sets of Table B.1 "
            "(`robust1`: origins strong complements, ξ = θ = 0.05 in the goods industries; `robust1_all`: the same "
            "for services too; `robust2`: less substitution between industries, between labour and inputs and in "
            "consumption), (ii) the θ given to intermediate and capital goods in the targeting criterion "
            "(Eq. 3/4), and (iii) the second-order coefficient of Eq. 3 (1 as printed, 1/2 as derived in "
            "Appendix B.1). Each specification is one run of {doc}`04_sanction_scenarios` with those parameters. "
            "The 24 runs take about five minutes on two cores, so this page reads the stored sweep "
            "(`sweeps/hausmann_schetter_yildirim.toml`) instead of rerunning it; the box below says when and on "
            "which code it ran. As in the chapter, the product-level inputs are synthetic (the calibrated "
            "generator), so this measures the model's sensitivity, not the paper's numbers."),
        reading=(
            "Across the {glue:text}`KEY.curve.n_ok` specifications Russia's loss in scenario 5 ranges from "
            "{glue:text}`KEY.curve.low:.2f`% to {glue:text}`KEY.curve.high:.2f`% (baseline "
            "{glue:text}`KEY.curve.baseline:.2f`%), and {glue:text}`KEY.curve.share_same_sign:.0f`% of the runs "
            "keep the baseline's sign. The choice that moves it most is {glue:text}`KEY.choices.top`: its "
            "median runs from {glue:text}`KEY.choices.top_low:.2f`% ({glue:text}`KEY.choices.top_low_value`) to "
            "{glue:text}`KEY.choices.top_high:.2f`% ({glue:text}`KEY.choices.top_high_value`), while the other "
            "choices move the median by at most {glue:text}`KEY.choices.others_spread:.2f` percentage points. "
            "Russia's loss {glue:text}`KEY.curve.verdict`. In this sweep the targeting choices (θ, the Eq. 3 "
            "coefficient) barely move the headline next to the model's elasticities: its size rests on how "
            "substitutable origins, industries and inputs are assumed to be, not on how products are ranked. "
            "The ranking of the six scenarios, which the paper's argument needs, is examined set by set in "
            "{doc}`05_elasticity_robustness`; the table above lists every run."),
    ),
}


def main(slugs: list[str]) -> int:
    for slug in slugs or list(PAGES):
        text = {k: v.replace(K, f"{slug}.robustness") for k, v in PAGES[slug].items()}
        print(write(slug, **text))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
