"""Dorff & Minhas: how this chapter scores the paper's claims.

The claims, their evidence classes and rules are in ``data/published/dorff_minhas_claims.csv``, the printed numbers
in ``data/published/dorff_minhas.csv`` (``helpers.report.claims``). This module passes values and facts
(``significant=``, ``holds=``, the generator's ``truth=`` and ``se=``) and says what each number was computed from
(``evidence=``); no rule, threshold or tolerance is set here. "Significant" is always the paper's own convention: the
estimate carries a star (``STARS``: ** p < 0.05, * p < 0.10, from p rounded to 3 decimals as the archive's tables).

What a run can say about each claim:

* With the authors' replication archive (Magnesium) in the data mirror, every claim is scored as **author data**:
  Tables 1-5, the security-issue table the archive ships, the Results section's reading of Table 2, Figures 2-7 and
  the numbers the text quotes. Table 2 is reproduced exactly; Models 2-3 of Table 3 and Table 5 are not, because
  the shipped unimputed file is not the one the published tables were made from.
* The rebuild from raw TIES v4.1 and public COW data (``rebuild``) scores Table 1, the outcome shares and the Results
  section's directional claims as **rebuilt from sources** (the rebuild keeps the archive's target-state covariates,
  CNTS being proprietary, and uses other releases of TIES and COW trade, so its digits are not claimed).
* On the calibrated generator (no archive), Model 3's coefficients of Table 2 are **method checks** against the
  generator's truth (which is the paper's Model 3), the sample size and Table 4's moments are **input** (the
  generator is calibrated to them), and every other claim is listed as not testable, with the missing data named.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from helpers.chapters.dorff_minhas import data as dm
from helpers.chapters.dorff_minhas import pipeline, rebuild
from helpers.chapters.dorff_minhas.settings import CV_HORIZON, LABELS, SLUG, STARS
from helpers.chapters.dorff_minhas.synth import TRUE_BETA
from helpers.methods.cox import CoxResults
from helpers.report.claims import ClaimCard, claims_table, grade, load_published

TERM = {label: term for term, label in LABELS.items()}
ARCHIVE = "the authors' replication archive (Magnesium)"
NEEDS_ARCHIVE = f"needs {ARCHIVE} in the data mirror; this run is on the calibrated generator"
UNIMPUTED_FILE = ("the shipped unimputed file gives a larger sample than the published one (Table 3 was evidently "
                  "produced from an earlier version of the file)")


def published(table: str) -> pd.DataFrame:
    """The paper's numbers of one table, as transcribed (text), indexed by (row, column)."""
    return load_published(SLUG).xs(table, level="table")


def published_gap_in_se(fit: CoxResults, table: str, term: str, model: str = "Model 3") -> float:
    """|our estimate - the published one| in units of our standard error."""
    pub = float(published(table).loc[(LABELS[term], model), "estimate"])
    return abs(fit.params[term] - pub) / fit.bse[term]


def starred(p: float) -> bool:
    """Significant by the paper's convention: the estimate carries a star."""
    return STARS.of(p) != ""


# ---------------------------------------------------------------------------------------------------------
# The scorecard
# ---------------------------------------------------------------------------------------------------------
def scorecard(settings) -> ClaimCard:
    """Every claim of the chapter, scored or listed (see the module doc)."""
    card = ClaimCard(SLUG)
    if settings.data.is_real:
        _outcomes(card)
        _data_counts(card, settings)
        _models(card, settings)
        _summary_tables(card, settings)
        _security(card, settings)
        _results_text(card, settings)
        _figure2(card)
        _scenarios(card, settings)
        _cross_validation(card, settings)
    else:
        _synthetic(card, settings)
    return card


def _stars_note(p: float, printed_stars: str) -> str:
    ours = STARS.of(p) or "none"
    return f"stars: ours {ours}, the paper's {printed_stars or 'none'}"


def _record_models(card: ClaimCard, table: str, models: Mapping[str, CoxResults], note: str = "") -> None:
    """Each coefficient and SE of a Table 2/3-style result (columns named as the printed table), its sample and its
    likelihood-ratio statistic, against the printed cells."""
    pub = card.published
    for col, fit in models.items():
        for term in fit.params.index:
            key = (table, LABELS.get(term, term), col)
            if key not in pub.index:
                continue
            extra = "; ".join(filter(None, [_stars_note(fit.pvalues[term], pub.loc[key, "stars"]), note]))
            card.record(*key, fit.params[term], evidence="author data", note=extra)
            card.record(table, key[1], f"{col} SE", fit.bse[term], evidence="author data", note=note)
        for row, value in (("n", fit.nobs), ("Events", fit.n_events), ("Likelihood ratio test", fit.lr_stat)):
            if (table, row, col) in pub.index:
                card.record(table, row, col, value, evidence="author data", note=note)


def _outcomes(card: ClaimCard) -> None:
    """Table 1 and the outcome shares: the archive's cleaned case table, and raw TIES v4.1 with the five corrections."""
    for evidence, cases, where in (("author data", dm.archive_cases(), "the archive's cleaned TIES case table"),
                                   ("rebuilt from sources", dm.ties_cases(), "raw TIES v4.1 with the five corrections "
                                                                             "of the archive's cleaner")):
        o = pipeline.outcomes(cases)
        for row, value in o.table1["Frequency"].items():
            card.record("Table 1", row, "Frequency", value, evidence=evidence, note=f"{where}, {o.n_cases} cases")
        for row, value in o.shares.items():
            card.record("Text", row, "Percent", value, evidence=evidence, note=f"{where}, {o.n_cases} imposed cases")


def _data_counts(card: ClaimCard, settings) -> None:
    """The data section's "over 800 cases" and "over 7,500 observations", and the loss under listwise deletion."""
    shipped = pipeline.data_counts(dm.archive_frame(True, settings.issue_subset))
    cases = dm.archive_cases()
    end = pd.to_numeric(cases["endyear"], errors="coerce").fillna(2013)
    start = pd.to_numeric(cases["startyear"], errors="coerce")
    active = int(((end >= 1960) & (start <= 2005)).sum())
    where = (f"the archive's analysis file: {shipped['rows']:,} case-years (to 2009) of {shipped['cases']} cases; its "
             f"case table has {len(cases)} imposed cases starting 1945-2005, {active} of them running in 1960-2005")
    card.record("Text", "Imposed cases, 1960-2005", "Cases", shipped["cases"], evidence="author data", note=where)
    card.record("Text", "Case-year observations", "Observations", shipped["rows"], evidence="author data",
                note=where + "; the models use the rows to 2005")
    loss = pipeline.listwise_loss(pipeline.run(settings.replace(imputed=True)),
                                  pipeline.run(settings.replace(imputed=False)))
    pub = card.published
    printed_gap = int(pub.loc[("Table 2", "n", "Model 3"), "estimate"]) - int(pub.loc[("Table 3", "n", "Model 3"),
                                                                                         "estimate"])
    card.record("Text", "Case-years lost to listwise deletion", "Observations", loss["rows_lost"],
                evidence="author data",
                note=f"Model 3's sample on the imputed file ({loss['rows_imputed']:,} case-years) against the shipped "
                     f"unimputed file ({loss['rows_unimputed']:,}); the published Tables 2 and 3 differ by "
                     f"{printed_gap:,}")
    card.record("Text", "Cases lost to listwise deletion", "Cases", loss["cases_lost"], evidence="author data",
                note=f"cases with a complete Model 3 row: {loss['cases_imputed']} on the imputed file, "
                     f"{loss['cases_unimputed']} on the unimputed one")


def _models(card: ClaimCard, settings) -> None:
    """Tables 2 and 3 (Models 1-3 on the imputed and the unimputed file)."""
    _record_models(card, "Table 2", pipeline.run(settings.replace(imputed=True)).models,
                   note="the archive's imputed file")
    raw = pipeline.run(settings.replace(imputed=False))
    pub_n = int(card.published.loc[("Table 3", "n", "Model 3"), "estimate"])
    _record_models(card, "Table 3", {"Model 1": raw.models["Model 1"]},
                   note="the archive's unimputed file: Model 1's sample equals the published one")
    _record_models(card, "Table 3", {m: raw.models[m] for m in ("Model 2", "Model 3")},
                   note=f"the archive's unimputed file: n = {raw.model3.nobs:,}, the paper's {pub_n:,}; "
                        + UNIMPUTED_FILE)


def _summary_tables(card: ClaimCard, settings) -> None:
    """Tables 4 and 5: N, mean, median, SD, minimum and maximum of the Model 3 estimation samples."""
    for imputed, table in ((True, "Table 4"), (False, "Table 5")):
        stats = pipeline.summary_stats(pipeline.run(settings.replace(imputed=imputed)).frame)
        note = "the archive's imputed file" if imputed else "the archive's unimputed file; " + UNIMPUTED_FILE
        for row in stats.index:
            for col in stats.columns:
                card.record(table, row, col, stats.loc[row, col], evidence="author data", note=note)


def _security(card: ClaimCard, settings) -> None:
    """The archive-only security-issue table: Model 3 on the security cases, unimputed and imputed."""
    for imputed, col in ((False, "Unimputed"), (True, "Imputed")):
        fit = pipeline.run(settings.replace(imputed=imputed, issue_subset="secur")).model3
        _record_models(card, "Security table", {col: fit}, note="the archive's security-issue file")


def _direction_facts(claim_id: str, estimate: float, p: float) -> dict:
    """The fact each Results-section claim needs: significance for sign-and-significance claims; whether the
    statement holds for the 'no support' claims and the text's reading of proximity."""
    if claim_id in ("res_internal_conflict", "res_trade", "res_ally"):      # "no (strong) evidence of faster compliance"
        return {"holds": not (estimate > 0 and starred(p))}
    if claim_id == "res_neighbours":                                          # "less likely to comply with neighbours"
        return {"holds": bool(estimate < 0 and starred(p))}
    return {"significant": starred(p)}


def _results_text(card: ClaimCard, settings) -> None:
    """The Results section's reading of Table 2 on the archive's data and on the rebuild from raw TIES; the
    appendix's 'nearly identical' on the unimputed file."""
    archive = pipeline.run(settings.replace(imputed=True)).models
    rb = rebuild.run(settings.replace(imputed=True))
    runs = (("author data", archive, "the archive's imputed file"),
            ("rebuilt from sources", rb.rebuilt, "the frame rebuilt from raw TIES v4.1 and COW data (peacesciencer), "
                                                 "target-state covariates from the archive"))
    cells = card.published.xs("Results text", level="table", drop_level=False)
    for evidence, models, where in runs:
        for (table, row, col), cell in cells.iterrows():
            fit, term = models[col], TERM[row]
            est, p = float(fit.params[term]), float(fit.pvalues[term])
            card.record(table, row, col, est, evidence=evidence,
                        note=f"{where}: {est:.3f}{STARS.of(p)} (p = {p:.3f})",
                        **_direction_facts(cell["claim_id"], est, p))
    fit = pipeline.run(settings.replace(imputed=False)).model3
    for (table, row, col), _ in card.published.xs("Appendix text", level="table", drop_level=False).iterrows():
        term = TERM[row]
        card.record(table, row, col, fit.params[term], evidence="author data", significant=starred(fit.pvalues[term]),
                    note=f"the archive's unimputed file: {fit.params[term]:.3f}{STARS.of(fit.pvalues[term])}")


def _figure2(card: ClaimCard) -> None:
    """The text's reading of Figure 2, on the states our Figure 2 draws (archive compSRM)."""
    r = pipeline.figure2_reading()
    fmt = lambda counts: "; ".join(f"{y}: {pos} positive, {neg} negative" for y, (pos, neg) in counts.items())  # noqa: E731
    ok = [y for y, (pos, neg) in r.israel.items() if neg > 0 and pos == 0]
    card.record("Figure 2", "Israel: every incoming edge negative", "Panels", len(ok), evidence="author data",
                holds=len(ok) == len(r.israel), note=f"Israel's incoming edges: {fmt(r.israel)}")
    ok = [y for y, (pos, neg) in r.usa.items() if pos > neg]
    card.record("Figure 2", "United States: incoming edges almost all positive", "Panels", len(ok),
                evidence="author data", holds=len(ok) == len(r.usa),
                note=f"incoming edges of the United States: {fmt(r.usa)}")
    card.record("Figure 2", "Canada reciprocates the UK, not Russia or Japan; France Japan, not Germany", "Panels",
                len(r.signs_hold), evidence="author data", holds=bool(r.shown) and r.signs_hold == r.shown,
                note=f"the panels that show all six states: {', '.join(map(str, r.shown)) or 'none'}; the edge signs "
                     f"hold in {', '.join(map(str, r.signs_hold)) or 'none'}")


def _scenarios(card: ClaimCard, settings) -> None:
    """Figures 3-5: Model 3's predicted probability of no compliance at five years."""
    curves = pipeline.scenario_curves(pipeline.run(settings.replace(imputed=True)))
    s5 = {v: curves[v].at(5) for v in curves}
    how = "Model 3 (imputed file), predicted at the scenario's low/high value, other covariates at their means"
    card.record("Figure 3", "Compliance gap at 5 years, poor minus rich target", "Difference",
                s5["lag1_lgdpCAP"]["high"] - s5["lag1_lgdpCAP"]["low"], evidence="author data",
                note=f"{how}: Ln(GDP per capita) at its 10th and 90th percentiles")
    card.record("Figure 4", "Non-compliance at 5 years, multiple senders", "Survival", s5["noS"]["high"],
                evidence="author data", note=f"{how}: five senders (the archive's maximum)")
    card.record("Figure 4", "Non-compliance at 5 years, single sender", "Survival", s5["noS"]["low"],
                evidence="author data", note=f"{how}: one sender")
    card.record("Figure 5a", "Non-compliance at 5 years, high compliance reciprocity (P90)", "Survival",
                s5["lag1_uData"]["high"], evidence="author data", note=how)
    card.record("Figure 5a", "Non-compliance at 5 years, low compliance reciprocity (P10)", "Survival",
                s5["lag1_uData"]["low"], evidence="author data", note=how)
    low, high = s5["lag1_SuData2"]["low"], s5["lag1_SuData2"]["high"]
    card.record("Figure 5b", "Non-compliance at 5 years, no past mutual sanctioning (P10) relative to much (P90)",
                "Ratio", low / high, evidence="author data", note=f"{how}: {low:.2f} at P10 against {high:.2f} at P90")


def _cross_validation(card: ClaimCard, settings) -> None:
    """Figures 6-7 and the share of long cases that end in compliance, on the cross-validation's sample."""
    cv = pipeline.cross_validation(settings)
    data = f"the {'imputed' if settings.cv_imputed else 'unimputed'} file, years to {settings.cv_end_year}"
    sample = f"crossval.R's sample ({data}), {settings.cv_folds} folds drawn with seed {settings.cv_seed} (not R's)"
    t2 = card.published
    sign = {LABELS[t]: np.sign(float(t2.loc[("Table 2", LABELS[t], "Model 3"), "estimate"])) for t in LABELS
            if ("Table 2", LABELS[t], "Model 3") in t2.index}
    coefs = cv.coefs.assign(ok=lambda d: (np.sign(d["estimate"]) == d["term"].map(sign)) & cv.starred())
    good = coefs.groupby("fold")["ok"].all()
    card.record("Figure 6", "Reciprocity estimates keep sign and 90% significance in every fold", "Folds",
                int(good.sum()), evidence="author data",
                note=f"folds in which both reciprocity estimates have the paper's sign and a star: {int(good.sum())} "
                     f"of {len(good)}; {sample}")
    share = cv.model3_best_share()
    card.record("Figure 7", "Model 3 AUC above Models 1 and 2 before 15 years", "Folds", cv.folds_model3_best(),
                evidence="author data",
                note=f"folds in which Model 3's AUC is above both others at most horizons up to {CV_HORIZON} years "
                     f"(shares {', '.join(f'{v:.2f}' for v in share)}); AUC mode {settings.auc_mode}; {sample}")
    frame = pipeline.analysis_frame(settings.replace(imputed=settings.cv_imputed, sample_end_year=settings.cv_end_year))
    n, complied = pipeline.past_horizon(frame, CV_HORIZON)
    card.record("Text", "Share of cases running past 15 years that end in compliance", "Percent", 100 * complied,
                evidence="author data", note=f"{n} cases of crossval.R's sample ({data}) run past {CV_HORIZON} "
                                             "years; read as the share of them that end in compliance")


def _synthetic(card: ClaimCard, settings) -> None:
    """On the generator: Model 3 of Table 2 against the generator's truth; its calibration targets listed as input;
    every other claim listed as not testable."""
    fits = pipeline.run(settings.replace(imputed=True))
    fit = fits.model3
    for term, beta in TRUE_BETA.items():
        card.record("Table 2", LABELS[term], "Model 3", fit.params[term], evidence="method check", truth=beta,
                    se=float(fit.bse[term]), note="generated outcome; the generator's truth is the paper's Model 3")
    for col, m in fits.models.items():
        card.record("Table 2", "n", col, m.nobs, evidence="input", note="the generator is calibrated to the paper's n")
        card.record("Table 2", "Events", col, m.n_events, evidence="input",
                    note="the generator is calibrated to the paper's event count")
    stats = pipeline.summary_stats(fits.frame)
    for row in stats.index:
        for col in stats.columns:
            card.record("Table 4", row, col, stats.loc[row, col], evidence="input",
                        note="the generator draws the covariates to Table 4's moments and ranges")
    raw = pipeline.summary_stats(pipeline.run(settings.replace(imputed=False)).frame)
    for row in raw.index:
        card.record("Table 5", row, "N", raw.loc[row, "N"], evidence="input",
                    note="the generator's missingness is calibrated to the paper's share of rows lost")
    done = {(c["table"], c["row"], c["column"]) for c in card.cells}
    for key, cell in card.published.iterrows():
        if key in done:
            continue
        if key[0] == "Table 2" and key[2].startswith(("Model 1", "Model 2")) and key[1] not in ("n", "Events"):
            reason = "the generator's truth is Model 3: Models 1-2 leave out its terms, so they are no method check"
        elif key[0] == "Table 2" and key[2] == "Model 3 SE":
            reason = "the method check compares the estimate with the generator's truth; the printed SE " + NEEDS_ARCHIVE
        elif key[0] == "Table 2":
            reason = "a statistic of the generated sample with no counterpart in the generator's truth"
        else:
            reason = NEEDS_ARCHIVE
        card.unavailable(*key, reason=reason)


# ---------------------------------------------------------------------------------------------------------
# The chapter's grade and counts, for the scorecard page
# ---------------------------------------------------------------------------------------------------------
EVIDENCE_KEYS = {"author data": "author_data", "rebuilt from sources": "rebuilt", "method check": "method_check",
                 "input": "input"}


def summary(card: ClaimCard) -> dict:
    """The chapter's grade (the AEA's four words) with its reason, and per evidence class the claims, how many were
    scored, reproduced exactly, within tolerance, partly, not reproduced (method checks: recovered) and not
    testable offline."""
    claims = claims_table(card.frame())
    word, why = grade(claims)
    out = {"grade": word, "grade_reason": why, "claims": int(claims["claim_id"].nunique()),
           "headline": int(claims.loc[claims["headline"], "claim_id"].nunique())}
    for evidence, key in EVIDENCE_KEYS.items():
        mine = claims[claims["evidence"] == evidence]
        verdicts = mine["verdict"]
        out[f"{key}.claims"] = len(mine)
        out[f"{key}.scored"] = int((~verdicts.isin(["not testable offline", "input"])).sum())
        out[f"{key}.reproduced"] = int(verdicts.isin(["reproduced", "recovered"]).sum())
        out[f"{key}.within_tolerance"] = int((verdicts == "reproduced within tolerance").sum())
        out[f"{key}.partly"] = int((verdicts == "partly").sum())
        out[f"{key}.not_reproduced"] = int(verdicts.isin(["not reproduced", "not recovered"]).sum())
        out[f"{key}.untestable"] = int((verdicts == "not testable offline").sum())
    return out


def verdicts(card: ClaimCard, evidence: str = "author data") -> pd.DataFrame:
    """One row per claim scored as ``evidence``: its id, text and verdict (for the pages' prose and the tests)."""
    claims = claims_table(card.frame())
    return claims[claims["evidence"] == evidence].set_index("claim_id")[["claim", "headline", "verdict"]]


def table_counts(card: ClaimCard, evidence: str = "author data") -> dict[str, dict[str, int]]:
    """Per printed table or figure (``Table 2``, ``Table 3``, …): its claims scored as ``evidence`` and how many are
    reproduced exactly, within tolerance, partly and not at all."""
    cells = card.frame()
    table_of = cells.groupby("claim_id")["table"].first()
    claims = claims_table(cells)
    claims = claims[claims["evidence"] == evidence].assign(table=lambda d: d["claim_id"].map(table_of))
    out = {}
    for table, group in claims.groupby("table"):
        v = group["verdict"]
        out[table] = {"claims": len(group), "reproduced": int((v == "reproduced").sum()),
                      "within_tolerance": int((v == "reproduced within tolerance").sum()),
                      "partly": int((v == "partly").sum()), "not_reproduced": int((v == "not reproduced").sum()),
                      "untestable": int((v == "not testable offline").sum())}
    return out


TABLE_NAMES = {"Security table": "the archive's security-issue table"}


def tables_sentence(card: ClaimCard) -> str:
    """Which printed tables the author data reproduce exactly and how the others fare, in one sentence."""
    counts = {k: v for k, v in sorted(table_counts(card).items(), key=lambda kv: (kv[0] == "Security table", kv[0]))
              if k.startswith("Table") or k == "Security table"}
    scored = {k: v for k, v in counts.items() if v["claims"] > v["untestable"]}
    if not scored:
        return f"Without {ARCHIVE} no claim of Tables 1–5 can be scored in this run."
    exact = [TABLE_NAMES.get(k, k) for k, v in scored.items() if v["reproduced"] == v["claims"]]
    rest = []
    for k, v in scored.items():
        if v["reproduced"] == v["claims"]:
            continue
        parts = [f"{v['reproduced']} exactly"] + [f"{v[key]} {words}" for key, words in
                                                  (("within_tolerance", "within tolerance"), ("partly", "partly"),
                                                   ("not_reproduced", "not at all"), ("untestable", "not testable"))
                                                  if v[key]]
        rest.append(f"{TABLE_NAMES.get(k, k)}: {', '.join(parts)} of its {v['claims']} claims")
    head = ("Reproduced exactly, every claim at the printed precision: " + ", ".join(exact)) if exact else \
        "No table is reproduced exactly"
    return head + (". Not reproduced exactly: " + "; ".join(rest) if rest else "") + "."


def not_counted_sentence(card: ClaimCard) -> str:
    """The method checks and calibration targets of this run, which never count as replications."""
    counts = summary(card)
    checks, inputs = counts["method_check.claims"], counts["input.claims"]
    if not checks and not inputs:
        return ("No claim is a method check or a calibration target in this run: those arise only on the generator, "
                "without the archive.")
    return (f"{counts['method_check.reproduced']} of {checks} method checks recover the generator's truth and {inputs} "
            "claims are calibration targets of the generator; neither is counted as a replication.")
