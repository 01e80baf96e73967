"""Zeng & Peterson's claims and how we score them: the hypotheses H1-H6, the calibration checks of the panel, and
the scorecard. Every rule, threshold and transcribed number of the chapter is here; the paper's printed numbers
are read from data/published/zeng_peterson.csv (``load_published``)."""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from helpers.chapters.zeng_peterson import synth
from helpers.chapters.zeng_peterson.pipeline import Result
from helpers.chapters.zeng_peterson.settings import HEADLINE, LABELS, MODEL_COLUMNS, SLUG, STARS
from helpers.chapters.zeng_peterson.tables import table1
from helpers.methods.results import Results
from helpers.report.scorecard import Scorecard, load_published

ALPHA = 0.05  # significance level of the hypotheses and of "same significance"

# numbers the paper states only in its text (the spec's section 2)
PAPER_ZERO_SHARE = synth.TARGET_ZERO_SHARE  # fn. 12: 49,512 zeros of 289,405 dyad-years
PAPER_CORR_EXPORT_CONTROLS_SANCTION = 0.28  # fn. 19

# Table 1: group means of the real columns within these distances of the paper's
TABLE1_LOG_TOLERANCE = 0.10    # logs (GDP, distance, CDU exports)
TABLE1_SHARE_TOLERANCE = 0.02  # 0-1 variables
TABLE1_PERCENT_TOLERANCE = 2.0  # shares in percent
TABLE1_REAL_COVARIATES = ["Exporter US proximity", "Dyadic proximity", "Exporter log GDP", "Importer log GDP",
                          "Exporter liberal democracy", "Importer liberal democracy", "Distance (log)"]
TABLE1_SHARES = ["Exporter MECR: Yes (%)", "Importer MECR: Yes (%)", "Importer US sanction: Yes (%)"]
TABLE2_N_TOLERANCE = 0.05  # relative, real outcome only
RECOVERY_SES = 2           # synthetic outcome: the estimate within this many SEs of the generator's truth


# ---------------------------------------------------------------------------------------------------------
# Hypotheses H1-H6
# ---------------------------------------------------------------------------------------------------------
def _net(r: Results, a: str, b: str):
    """Point estimate and two-sided p-value of β_a + β_b."""
    if b not in r.params.index:
        return r.params[a], r.pvalues[a]
    est = r.params[a] + r.params[b]
    se = np.sqrt(r.cov.loc[a, a] + r.cov.loc[b, b] + 2 * r.cov.loc[a, b])
    return est, 2 * stats.norm.sf(abs(est / se))


def hypothesis_verdicts(r: Results, alpha: float = ALPHA) -> pd.DataFrame:
    """H1–H6 with the rules of the spec (§8), from one fitted model with interactions (Model 2 or 3)."""
    P, pv = r.params, r.pvalues
    rows = []

    def add(h, main, cond_main, stronger_holds, text):
        rows.append({"hypothesis": h, "main term": f"{P[main]:.3f}{STARS.of(pv[main])}",
                     "S × term": f"{P['sanction:' + main]:.3f}{STARS.of(pv['sanction:' + main])}"
                     if "sanction:" + main in P.index else "—",
                     "main part holds": bool(cond_main), "conditional part holds": bool(stronger_holds),
                     "verdict": "supported" if cond_main and stronger_holds else "partly" if cond_main or stronger_holds
                     else "not supported", "rule": text})

    if "ally" in P.index:
        net, pnet = _net(r, "ally", "sanction:ally")
        add("H1", "ally", P["ally"] > 0 and pv["ally"] < alpha, pnet >= alpha or net < 0,
            "β_ally > 0 (p<.05); β_ally + β_S×ally n.s. or negative")
    if "export_controls" in P.index:
        net, pnet = _net(r, "export_controls", "sanction:export_controls")
        add("H2", "export_controls", P["export_controls"] > 0 and pv["export_controls"] < alpha,
            net <= 0 or pnet >= alpha, "β_EC > 0 (p<.05); β_EC + β_S×EC ≤ 0 or n.s.")
    for h, v, sign in [("H3", "us_prox", -1), ("H4", "dyad_prox", 1), ("H5", "exp_int", 1), ("H6", "imp_int", 1)]:
        if v in P.index:
            inter = "sanction:" + v
            add(h, v, sign * P[v] > 0 and pv[v] < alpha, inter in P.index and sign * P[inter] > 0,
                f"β {'<' if sign < 0 else '>'} 0 (p<.05); stronger under sanction: β_S× {'<' if sign < 0 else '>'} 0")
    return pd.DataFrame(rows).set_index("hypothesis")


def published_table2(model: str = "M3") -> Results:
    """The paper's printed Table 2 column as a result: estimates, SEs backed out of the printed CIs, and the
    covariances between coefficients (not printed) set to zero."""
    pub = load_published(SLUG)
    col = MODEL_COLUMNS[model]
    terms = [t for t in LABELS if ("Table 2", LABELS[t], col) in pub.index]
    est = pd.Series({t: float(pub.loc[("Table 2", LABELS[t], col), "estimate"]) for t in terms})
    se = pd.Series({t: float(pub.loc[("Table 2", LABELS[t], col), "se"]) for t in terms})
    return Results(params=est, cov=pd.DataFrame(np.diag(se ** 2), index=terms, columns=terms),
                   nobs=int(pub.loc[("Table 2", "Observations", col), "estimate"]))


def paper_verdicts(model: str = "M3") -> pd.DataFrame:
    """The same rules applied to the paper's printed Table 2."""
    return hypothesis_verdicts(published_table2(model))


def figure2_published() -> pd.DataFrame:
    """The Figure 2 effects the paper's text quotes (percent, as printed): variable, model, sanction, estimate."""
    pub = load_published(SLUG).xs("Figure 2", level="table")["estimate"]
    term = {label: t for t, label in LABELS.items()}
    rows = [{"variable": term[row], "model": column.split(", ")[0], "sanction": int(column.endswith(", sanctioned")),
             "estimate": estimate} for (row, column), estimate in pub.items()]
    return pd.DataFrame(rows)


def verdict_table(columns: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Side-by-side verdict columns; a hypothesis a source cannot test is marked so."""
    out = pd.concat({k: v["verdict"] for k, v in columns.items()}, axis=1)
    return out.reindex([f"H{i}" for i in range(1, 7)]).fillna("not testable (no export-control data)")


# ---------------------------------------------------------------------------------------------------------
# The panel against the paper's sample
# ---------------------------------------------------------------------------------------------------------
def calibration_checks(panel: pd.DataFrame) -> pd.DataFrame:
    """Sample sizes, shares and a correlation of the panel beside the paper's (its Tables 1-2 and footnotes)."""
    pub = load_published(SLUG)
    n = {grp: int(pub.loc[("Table 1", "N", grp), "estimate"]) for grp in ("Non-ally", "Ally")}
    paper = [n["Non-ally"] + n["Ally"], int(pub.loc[("Table 2", "Observations", "Model 1"), "estimate"]),
             n["Ally"] / (n["Non-ally"] + n["Ally"]),
             float(pub.loc[("Table 1", "Importer US sanction: Yes (%)", "Ally"), "estimate"]) / 100,
             PAPER_ZERO_SHARE, PAPER_CORR_EXPORT_CONTROLS_SANCTION, np.nan]
    ours = [len(panel), int(panel.in_diff_sample.sum()), panel.ally.mean(), panel.sanction.mean(),
            (panel.log_cdu == 0).mean(), panel[["export_controls", "sanction"]].corr().iloc[0, 1],
            panel.exporter.nunique()]
    return pd.DataFrame({"replication": ours, "paper": paper},
                        index=["dyad-years (levels)", "dyad-years (changes, Table 2)", "exporter US ally (share)",
                               "importer US sanction (share)", "zero CDU exports (share)",
                               "corr(US export controls, sanction)", "countries"])


# ---------------------------------------------------------------------------------------------------------
# Scorecard
# ---------------------------------------------------------------------------------------------------------
def scorecard(settings, result: Result) -> Scorecard:
    """Every scorecard row of the chapter.

    Table 2: on a generated outcome, recovery of the generator's truth (a method check, ``_record_recovery``);
    on the user's real CDU outcome, same sign and significance as the paper (``_record_sign_sig``) for every
    fitted model, and N within 5 %. Table 1: group means of the real columns within ±0.02 (0-1 variables) or
    ±0.10 (logs), shares within 2 points; the outcome, export-control and integration rows only when real.
    The real-trade extension (COW): sign and significance."""
    card = Scorecard(SLUG, data_source=result.outcome)
    real_outcome = result.outcome == "real"
    if real_outcome:
        _record_sign_sig(card, result.fits, "Table 2", "real CDU outcome (user's file)")
        for m, r in result.fits.items():
            card.record("Table 2", "Observations", MODEL_COLUMNS[m], r.nobs, "tolerance", rel=TABLE2_N_TOLERANCE,
                        note="real CDU outcome (user's file)")
    else:
        _record_recovery(card, result.fits, settings.truth_model)
        for m in ("M1", "M2", "M3"):
            card.unavailable("Table 2", "Log Likelihood", MODEL_COLUMNS[m],
                             "depends on the CDU outcome, which is not public offline")
    t1 = table1(result.panel)
    rows = list(TABLE1_REAL_COVARIATES)
    if real_outcome:
        rows += ["log CDU export", "Exporter integration", "Importer integration"]
    if result.export_controls == "real":
        rows.append("US export controls")
    for name in rows:
        for grp in ["Non-ally", "Ally"]:
            tol = (TABLE1_LOG_TOLERANCE if "GDP" in name or "Distance" in name or "log CDU" in name
                   else TABLE1_SHARE_TOLERANCE)
            card.record("Table 1", name, grp, t1.loc[name, grp], "tolerance", abs=tol,
                        note="real" + ("" if real_outcome else "; sample of trading dyads synthetic"))
    for name in TABLE1_SHARES:
        for grp in ["Non-ally", "Ally"]:
            card.record("Table 1", name, grp, t1.loc[name, grp], "tolerance", abs=TABLE1_PERCENT_TOLERANCE,
                        note="real, percent")
    _record_sign_sig(card, result.extension.fits, "Table 2 (extension: COW total trade)", "extension on real total trade")
    return card


def _record_recovery(card: Scorecard, fits: Mapping[str, Results], truth_model: str) -> None:
    """Synthetic outcome: headline coefficients of the generator's own model against its true values.

    Only the model the data were generated from is scored: Models 1-2 fitted to Model 3 data estimate
    other quantities (omitted interactions), so their distance from the truth is not a method check."""
    if truth_model not in fits:
        return
    truth, r = synth.true_coefficients(truth_model), fits[truth_model]
    for t in ["sanction", *HEADLINE]:
        if t in r.params.index:
            card.record("Table 2", LABELS[t], MODEL_COLUMNS[truth_model], r.params[t], "recovery",
                        truth=truth.get(t, 0.0), se=r.bse[t], k=RECOVERY_SES,
                        note="method check on synthetic data (true value = generator's)")


def _record_sign_sig(card: Scorecard, fits: Mapping[str, Results], table: str, note: str) -> None:
    """Same sign and same significance (p < ALPHA) as the paper's coefficient."""
    for m, r in fits.items():
        col = MODEL_COLUMNS[m]
        for t in HEADLINE:
            if t not in r.params.index or (table, LABELS[t], col) not in card.published.index:
                continue
            card.record(table, LABELS[t], col, r.params[t], "sign_sig", significant=bool(r.pvalues[t] < ALPHA),
                        note=note)
