"""Zeng & Peterson's claims and how this chapter scores them: the hypotheses H1-H6, the panel's calibration checks,
and the scorecard.

The claims, their evidence classes and rules are in ``data/published/zeng_peterson_claims.csv``, the paper's printed
numbers in ``data/published/zeng_peterson.csv`` (``helpers.report.claims``). This module passes values and facts
(``significant=``, ``holds=``, the generator's ``truth=`` and ``se=``) and says what each number was computed from
(``evidence=``); no rule, threshold or tolerance is set here.

What a default build can say about each claim:

* Table 2 and Figure 2 run on a generated outcome whose truth is the paper's Model 3: they are **method checks**
  (our estimate against the generator's truth, never against the paper) and verify our code only. With the user's
  CDU trade file the same claims are **rebuilt from sources**.
* Table 1's real columns (sanction, ally, proximities, democracy, distance, regime membership) are rebuilt from the
  paper's own sources, but the dyad-years they are averaged over are a generated selection of real country pairs
  unless the CDU file gives the sample: **other real data** (the direction of the ally/non-ally difference). The
  GDP rows are always other real data (another GDP source than the paper's CEPII series).
* The calibration targets of the generator (N, the zero share) are **input**: listed, never scored.
* Table 2's claims and the hypotheses on real total trade (COW) instead of CDU trade: **other real data**.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from helpers.chapters.zeng_peterson import pipeline, synth
from helpers.chapters.zeng_peterson.pipeline import Result
from helpers.chapters.zeng_peterson.settings import (HEADLINE, LABELS, MODEL_COLUMNS, SIGNIFICANCE, SLUG, STARS)
from helpers.chapters.zeng_peterson.tables import TABLE1_BINARY, TABLE1_CONTINUOUS, table1
from helpers.methods.results import Results
from helpers.report.claims import ClaimCard, claims_table, grade, load_published

# the paper's hypotheses (section 3), in words
HYPOTHESES = {
    "H1": "Compared with non-allies, US allies export more CDU to an importer that is not under US sanctions; the "
          "advantage is absent (or reverses) when the importer is sanctioned.",
    "H2": "Stricter US export controls on an importer go with more third-party CDU exports to it when it is not under "
          "US sanctions; the association is absent (or reverses) when it is.",
    "H3": "States ideologically closer to the United States export less CDU, more so to a sanctioned importer.",
    "H4": "States ideologically closer to the importer export more CDU to it, more so when the importer is sanctioned.",
    "H5": "Exporters more integrated in CDU export networks export more CDU, more so to a sanctioned importer.",
    "H6": "Importers more integrated in CDU import networks receive more CDU exports, more so when sanctioned.",
}
EXTENSION_TABLE = "Table 2 (extension: COW total trade)"
_GENERATED_SAMPLE = ("real covariates averaged over a generated selection of real country pairs (gravity selection "
                     "calibrated to the paper's N), not the paper's sample")


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


def hypothesis_verdicts(r: Results, alpha: float = SIGNIFICANCE) -> pd.DataFrame:
    """H1–H6 by the replication spec's reading of each hypothesis (§8), from one fitted model with interactions
    (Model 2 or 3); "significant" is p below the paper's lowest star level."""
    P, pv = r.params, r.pvalues
    rows = []

    def add(h, main, cond_main, stronger_holds, text):
        rows.append({"hypothesis": h, "main term": f"{P[main]:.3f}{STARS.of(pv[main])}",
                     "S × term": f"{P['sanction:' + main]:.3f}{STARS.of(pv['sanction:' + main])}"
                     if "sanction:" + main in P.index else "—",
                     "estimate": float(P[main]),
                     "main part holds": bool(cond_main), "conditional part holds": bool(stronger_holds),
                     "verdict": "supported" if cond_main and stronger_holds else "partly" if cond_main or stronger_holds
                     else "not supported", "rule": text})

    if "ally" in P.index:
        net, pnet = _net(r, "ally", "sanction:ally")
        add("H1", "ally", P["ally"] > 0 and pv["ally"] < alpha, pnet >= alpha or net < 0,
            "β_ally > 0 (p < .05); β_ally + β_S×ally not significant or negative")
    if "export_controls" in P.index:
        net, pnet = _net(r, "export_controls", "sanction:export_controls")
        add("H2", "export_controls", P["export_controls"] > 0 and pv["export_controls"] < alpha,
            net <= 0 or pnet >= alpha, "β_EC > 0 (p < .05); β_EC + β_S×EC ≤ 0 or not significant")
    for h, v, sign in [("H3", "us_prox", -1), ("H4", "dyad_prox", 1), ("H5", "exp_int", 1), ("H6", "imp_int", 1)]:
        if v in P.index:
            inter = "sanction:" + v
            add(h, v, sign * P[v] > 0 and pv[v] < alpha, inter in P.index and sign * P[inter] > 0,
                f"β {'<' if sign < 0 else '>'} 0 (p < .05); stronger under sanction: β_S× {'<' if sign < 0 else '>'} 0")
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
    """The same reading applied to the paper's printed Table 2."""
    return hypothesis_verdicts(published_table2(model))


def figure2_published() -> pd.DataFrame:
    """The Figure 2 effects the paper's text quotes (percent, as printed): variable, model, sanction, estimate."""
    pub = load_published(SLUG).xs("Figure 2", level="table")["estimate"]
    term = {label: t for t, label in LABELS.items()}
    rows = [{"variable": term[row], "model": column.split(", ")[0], "sanction": int(column.endswith(", sanctioned")),
             "estimate": estimate} for (row, column), estimate in pub.items()]
    return pd.DataFrame(rows)


def verdict_table(columns: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The hypotheses in words beside their verdicts, one column per source; a hypothesis a source cannot test (no
    export-control index) is marked so."""
    out = pd.concat({k: v["verdict"] for k, v in columns.items()}, axis=1).reindex(list(HYPOTHESES))
    out = out.fillna("not testable (no export-control index)")
    out.insert(0, "Hypothesis (the paper's, in short)", pd.Series(HYPOTHESES))
    return out.rename_axis("")


# ---------------------------------------------------------------------------------------------------------
# The panel against the paper's sample
# ---------------------------------------------------------------------------------------------------------
def calibration_checks(panel: pd.DataFrame) -> pd.DataFrame:
    """Sample sizes, shares and a correlation of the panel beside the paper's (its Tables 1-2 and footnotes 12
    and 19), with what ours is: a calibration target of the generator, real data, or generated."""
    pub = load_published(SLUG)
    num = lambda *key: float(pub.loc[key, "estimate"])  # noqa: E731
    n = {grp: num("Table 1", "N", grp) for grp in ("Non-ally", "Ally")}
    zeros, positive = num("Footnote 12", "Zero CDU exports", "dyad-years"), num("Footnote 12", "Positive CDU exports",
                                                                                  "dyad-years")
    outcome_real = panel.attrs.get("outcome") == "real"
    ec_real = panel.attrs.get("export_controls") == "real"
    sample = "real (the CDU file's rows)" if outcome_real else "target of the generator"
    on_sample = "real" if outcome_real else "real, on the generated sample"
    rows = [
        ("dyad-years (levels)", len(panel), n["Non-ally"] + n["Ally"], sample),
        ("dyad-years (changes, Table 2)", int(panel.in_diff_sample.sum()), num("Table 2", "Observations", "Model 1"),
         sample),
        ("exporter US ally (share)", panel.ally.mean(), n["Ally"] / (n["Non-ally"] + n["Ally"]), on_sample),
        ("importer US sanction (share)", panel.sanction.mean(),
         num("Table 1", "Importer US sanction: Yes (%)", "Ally") / 100, on_sample),
        ("zero CDU exports (share)", (panel.log_cdu == 0).mean(), zeros / (zeros + positive),
         "real" if outcome_real else "target of the generator"),
        ("corr(US export controls, sanction)", panel[["export_controls", "sanction"]].corr().iloc[0, 1],
         num("Footnote 19", "corr(US export controls, importer US sanction)", "dyad-years"),
         "real" if ec_real else "generated"),
        ("countries", panel.exporter.nunique(), np.nan, "real covariates"),
    ]
    return pd.DataFrame([{"replication": o, "paper": p, "ours is": w} for _, o, p, w in rows],
                        index=[name for name, *_ in rows])


# ---------------------------------------------------------------------------------------------------------
# Scorecard
# ---------------------------------------------------------------------------------------------------------
def scorecard(settings, result: Result) -> ClaimCard:
    """Every claim of the chapter, scored or listed (see the module doc for what a default build can say)."""
    card = ClaimCard(SLUG)
    _table2(card, settings, result)
    _figure2(card, settings, result)
    _table1(card, result)
    _footnotes(card, result)
    _hypotheses(card, result)
    _extension(card, result)
    return card


_MODEL_ORDER = {"M1": 1, "M2": 2, "M3": 3}


def _truth_columns(settings, fits: Mapping[str, Results]) -> list[str]:
    """The fitted models that nest the generator's truth model (a model that omits terms of the truth estimates
    other quantities, so it is no method check); with the null truth every model nests it."""
    truth = 0 if settings.truth_model == "null" else _MODEL_ORDER[settings.truth_model]
    return [m for m in fits if _MODEL_ORDER[m] >= truth]


def _truth(settings) -> dict[str, float]:
    t = synth.true_coefficients(settings.truth_model)
    return {("(Intercept)" if k == "const" else k): v for k, v in t.items()}


def _table2(card: ClaimCard, settings, result: Result) -> None:
    real = result.outcome == "real"
    if real:
        where = "real CDU outcome (the user's cdu_file); covariates from the mirror (GDP from another source)"
        for m, r in result.fits.items():
            col = MODEL_COLUMNS[m]
            for t in r.params.index:
                if t in LABELS and ("Table 2", LABELS[t], col) in card.published.index:
                    card.record("Table 2", LABELS[t], col, r.params[t], evidence="rebuilt from sources",
                                significant=bool(r.pvalues[t] < SIGNIFICANCE), note=where)
            for row, value in [("Observations", r.nobs), ("Log Likelihood", r.llf), ("Akaike Inf. Crit.", r.aic),
                               ("Bayesian Inf. Crit.", r.bic)]:
                card.record("Table 2", row, col, value, evidence="rebuilt from sources", note=where)
        return
    truth = _truth(settings)
    for m in _truth_columns(settings, result.fits):
        r, col = result.fits[m], MODEL_COLUMNS[m]
        for t in r.params.index:
            if t in LABELS and ("Table 2", LABELS[t], col) in card.published.index:
                card.record("Table 2", LABELS[t], col, r.params[t], evidence="method check", truth=truth.get(t, 0.0),
                            se=float(r.bse[t]), note=f"generated outcome, truth = the paper's {settings.truth_model}")
    for m, r in result.fits.items():
        col = MODEL_COLUMNS[m]
        card.record("Table 2", "Observations", col, r.nobs, evidence="input",
                    note="the generator is calibrated to the paper's N" + (" (quick: a 15 % sample of dyads)"
                                                                          if settings.quick else ""))
        for row in ("Log Likelihood", "Akaike Inf. Crit.", "Bayesian Inf. Crit."):
            card.unavailable("Table 2", row, col, "depends on the CDU outcome, which is not public offline "
                                                  "(give cdu_file)")


def _figure2(card: ClaimCard, settings, result: Result) -> None:
    effects = pipeline.figure2_effects(result, settings)
    real = result.outcome == "real"
    truth = _truth(settings)
    checked = set(_truth_columns(settings, result.fits))
    for (row, column) in card.published.xs("Figure 2", level="table").index:
        model, state = column.split(", ", 1)
        m = next(k for k, v in MODEL_COLUMNS.items() if v == model)
        if m not in result.fits or (not real and m not in checked):
            continue
        term = next(t for t, label in LABELS.items() if label == row)
        s = int(state == "sanctioned")
        e = effects[(effects.model == model) & (effects.variable == term) & (effects.sanction == s)].iloc[0]
        if real:
            card.record("Figure 2", row, column, e.estimate, evidence="rebuilt from sources",
                        note="real CDU outcome (the user's cdu_file)")
            continue
        r, inter = result.fits[m], f"sanction:{term}"
        terms = [term] + ([inter] if s and inter in r.params.index else [])
        b = float(r.params[terms].sum())
        se_b = float(np.sqrt(r.cov.loc[terms, terms].to_numpy().sum()))
        b_true = truth.get(term, 0.0) + (truth.get(inter, 0.0) if s else 0.0)
        pct = lambda x: 100 * (np.exp(x * e.scale) - 1)  # noqa: E731  (the figure's scale: 1 SD, or 0→1 for ally)
        card.record("Figure 2", row, column, e.estimate, evidence="method check", truth=float(pct(b_true)),
                    se=float(100 * e.scale * np.exp(b * e.scale) * se_b),
                    note="generated outcome; truth from the generator's coefficients at our SD (delta-method SE)")


def _table1(card: ClaimCard, result: Result) -> None:
    t1 = table1(result.panel)
    pub = card.published
    sample_real = result.outcome == "real"
    generated = {"log_cdu": sample_real, "exp_int": sample_real, "imp_int": sample_real,
                 "export_controls": result.export_controls == "real"}
    rows = [*TABLE1_CONTINUOUS.items(), *[(k, v) for k, v in TABLE1_BINARY.items() if k != "sanction"]]
    for column, row in rows:
        ours = t1.loc[row, "Ally"] - t1.loc[row, "Non-ally"]
        paper = float(pub.loc[("Table 1", row, "Ally"), "estimate"]) - float(pub.loc[("Table 1", row, "Non-ally"),
                                                                                       "estimate"])
        if column in generated and not generated[column]:
            for grp in ("Non-ally", "Ally"):
                card.unavailable("Table 1", row, grp, "generated in this run: "
                                 + ("the outcome and its networks need the CDU trade file (cdu_file)"
                                    if column != "export_controls" else "the index needs the Country Chart "
                                                                        "(country_chart_file)"))
            continue
        if column.endswith("lngdp"):
            evidence, note = "other real data", "GDP from Anders, Fariss & Markowitz (the paper: CEPII)"
        elif sample_real:
            evidence, note = "rebuilt from sources", "real, on the CDU file's dyad-years"
        else:
            evidence, note = "other real data", _GENERATED_SAMPLE
        for grp in ("Non-ally", "Ally"):
            card.record("Table 1", row, grp, t1.loc[row, grp], evidence=evidence,
                        holds=bool(np.sign(ours) == np.sign(paper)),
                        note=f"ally minus non-ally: ours {ours:+.3f}, the paper's {paper:+.3f}; {note}")
    row, p = TABLE1_BINARY["sanction"], float(t1.loc[TABLE1_BINARY["sanction"], "p-value"])
    evidence = "rebuilt from sources" if sample_real else "other real data"
    note = f"χ² p = {p:.2g}; " + ("real, on the CDU file's dyad-years" if sample_real else _GENERATED_SAMPLE)
    for grp in ("Non-ally", "Ally"):
        card.record("Table 1", row, grp, t1.loc[row, grp], evidence=evidence, holds=p >= SIGNIFICANCE, note=note)
    card.record("Table 1", "Importer US sanction", "p-value", p, evidence=evidence, holds=p >= SIGNIFICANCE, note=note)
    for grp in ("Non-ally", "Ally"):
        card.record("Table 1", "N", grp, t1.loc["N", grp], evidence="rebuilt from sources" if sample_real else "input",
                    note="the CDU file's dyad-years" if sample_real else "the generator is calibrated to the paper's "
                                                                        "N; the split by ally status follows")


def _footnotes(card: ClaimCard, result: Result) -> None:
    panel = result.panel
    real = result.outcome == "real"
    for row, value in [("Zero CDU exports", int((panel.log_cdu == 0).sum())),
                       ("Positive CDU exports", int((panel.log_cdu > 0).sum()))]:
        card.record("Footnote 12", row, "dyad-years", value, evidence="rebuilt from sources" if real else "input",
                    note="the CDU file's dyad-years" if real else "the generator is calibrated to the paper's zero "
                                                                  "share and N")
    row = "corr(US export controls, importer US sanction)"
    corr = float(panel[["export_controls", "sanction"]].corr().iloc[0, 1])
    if result.export_controls == "real":
        card.record("Footnote 19", row, "dyad-years", corr, evidence="rebuilt from sources",
                    note="the Country Chart index" + ("" if real else "; " + _GENERATED_SAMPLE))
    else:
        card.unavailable("Footnote 19", row, "dyad-years", f"the export-control index is generated (its correlation "
                         f"here is {corr:.2f}); it needs the Country Chart (country_chart_file)")


def _hypotheses(card: ClaimCard, result: Result) -> None:
    """On real total trade (COW; other real data) always, on the user's CDU data (rebuilt) when given."""
    runs = [("other real data", result.extension.fits, "real total trade (COW), Model 3")]
    if result.outcome == "real":
        runs.append(("rebuilt from sources", result.fits, "real CDU outcome (the user's cdu_file), Model 3"))
    for evidence, fits, where in runs:
        if "M3" not in fits:
            continue
        verdicts = hypothesis_verdicts(fits["M3"])
        for h in HYPOTHESES:
            if h in verdicts.index:
                v = verdicts.loc[h]
                card.record("Hypotheses", h, "Model 3", v["estimate"], evidence=evidence,
                            holds=v["verdict"] == "supported",
                            note=f"{where}: {v['verdict']} (main term {v['main term']}, S × term {v['S × term']})")
            elif evidence == "other real data":
                card.unavailable("Hypotheses", h, "Model 3", "US export controls has no public source: the "
                                                              "total-trade models leave it out")


def _extension(card: ClaimCard, result: Result) -> None:
    for m, r in result.extension.fits.items():
        col = MODEL_COLUMNS[m]
        for t in HEADLINE:
            if (EXTENSION_TABLE, LABELS[t], col) not in card.published.index:
                continue
            if t in r.params.index:
                card.record(EXTENSION_TABLE, LABELS[t], col, r.params[t], evidence="other real data",
                            significant=bool(r.pvalues[t] < SIGNIFICANCE),
                            note="Δ log total exports (COW), closeness on the real COW network")
            else:
                card.unavailable(EXTENSION_TABLE, LABELS[t], col, "US export controls has no public source: the "
                                                                   "total-trade models leave it out")


# ---------------------------------------------------------------------------------------------------------
# The chapter's grade and counts, for the scorecard page
# ---------------------------------------------------------------------------------------------------------
def summary(card: ClaimCard) -> dict:
    """The chapter's grade (the AEA's four words) with its reason, and claim counts by evidence class: claims
    scored, reproduced (or recovered, for method checks) and not testable offline, plus inputs listed."""
    claims = claims_table(card.frame())
    word, why = grade(claims)
    out = {"grade": word, "grade_reason": why, "claims": int(claims["claim_id"].nunique())}
    good = claims["verdict"].isin(["reproduced", "reproduced within tolerance", "recovered"])
    untestable = claims["verdict"] == "not testable offline"
    for evidence, key in [("method check", "method_check"), ("other real data", "other_real"),
                          ("rebuilt from sources", "rebuilt"), ("input", "input")]:
        mine = claims["evidence"] == evidence
        out[f"{key}.claims"] = int(mine.sum())
        out[f"{key}.scored"] = int((mine & ~untestable).sum())
        out[f"{key}.reproduced"] = int((mine & good).sum())
        out[f"{key}.untestable"] = int((mine & untestable).sum())
    return out
