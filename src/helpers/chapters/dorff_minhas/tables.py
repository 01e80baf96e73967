"""Dorff & Minhas tables, each a function of a pipeline result that returns a `helpers.report.tables.Table` (caption,
readable headers, a note under it). Regression tables print as the archive's xtable output: R-style rounding (no
trailing zeros), coefficient with the paper's stars over its SE in parentheses, ours beside the paper's."""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from helpers.chapters.dorff_minhas.claims import published
from helpers.chapters.dorff_minhas.pipeline import CrossValidation, ModelFits, Outcomes, Robustness
from helpers.chapters.dorff_minhas.rebuild import Rebuild
from helpers.chapters.dorff_minhas.settings import LABELS, ORDER, STARS
from helpers.methods.cox import CoxResults
from helpers.report.tables import Table, show

STAR_NOTE = "** p < 0.05, * p < 0.10 (the paper's stars, from p rounded to 3 decimals as the archive's tables)."
GENERATED = ("Generated data: the outcome is drawn from a proportional hazard with the paper's Model 3 "
             "coefficients and the covariates from the calibrated generator, so these numbers check our code, they "
             "replicate nothing.")


def r_round(x: float, digits: int = 3) -> str:
    """R's ``round(x, digits)`` as printed by xtable/format: no trailing zeros ('0.1', '-0.22')."""
    v = round(float(x), digits)
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _minus(text: str) -> str:
    return text.replace("-", "−")


def comparable(settings) -> bool:
    """The published Tables 2-5 are the archive's, all issue areas: ours sit beside them only then."""
    return bool(settings.data.is_real and settings.issue_subset == "all")


def data_note(settings) -> str:
    """What a table of the Cox models ran on, in one sentence."""
    if not settings.data.is_real:
        return GENERATED
    subset = "security-issue cases" if settings.issue_subset == "secur" else "all issue areas"
    return f"Data: the authors' replication archive (Magnesium), {subset}, case-years 1960–{settings.sample_end_year}."


# ---------------------------------------------------------------------------------------------
# Tables 2 and 3 (and the archive's security-issue table)
# ---------------------------------------------------------------------------------------------
def paper_table(models: Mapping[str, CoxResults], decimals: int = 3) -> pd.DataFrame:
    """Tables 2-3 from each model's ``.tidy()``: coefficient (stars) over (SE), then n, Events, LR test, as text
    (``report.tables.regression_table`` keeps trailing zeros, the archive's tables drop them)."""
    tidy = {name: fit.tidy().set_index("term") for name, fit in models.items()}
    terms = [t for t in ORDER if any(t in t_.index for t_ in tidy.values())]
    extra = dict.fromkeys(t for t_ in tidy.values() for t in t_.index if t not in ORDER)
    rows, index = [], []
    for term in terms + list(extra):
        rows.append([r_round(t.at[term, "estimate"], decimals) + STARS.of(t.at[term, "p_value"]) if term in t.index
                     else "" for t in tidy.values()])
        rows.append([f"({r_round(t.at[term, 'std_error'], decimals)})" if term in t.index else "" for t in tidy.values()])
        index += [LABELS.get(term, term), ""]
    rows.append([str(fit.nobs) for fit in models.values()]); index.append("n")
    rows.append([str(fit.n_events) for fit in models.values()]); index.append("Events")
    rows.append([f"{r_round(fit.lr_stat, 2)} ({r_round(fit.lr_pvalue, 2)})" for fit in models.values()])
    index.append("Likelihood ratio test")
    return pd.DataFrame(rows, index=pd.Index(index, name="Variable"), columns=list(models))


def published_paper_table(table: str, columns, decimals: int = 3) -> pd.DataFrame:
    """The published Table 2/3 (or the archive's security table) laid out and printed like ``paper_table``."""
    pub = published(table)
    rows, index = [], []
    for t in ORDER:
        lab = LABELS[t]
        est, se = [], []
        for c in columns:
            if (lab, c) in pub.index:
                est.append(r_round(pub.loc[(lab, c), "estimate"], decimals) + pub.loc[(lab, c), "stars"])
                se.append(f"({r_round(pub.loc[(lab, c + ' SE'), 'estimate'], decimals)})")
            else:
                est.append(""), se.append("")
        rows += [est, se]
        index += [lab, ""]
    for stat in ("n", "Events", "Likelihood ratio test"):
        cells = [pub.loc[(stat, c)] if (stat, c) in pub.index else None for c in columns]
        if stat.startswith("Lik"):      # the p-value is transcribed only where the paper prints it, as "(0)"
            rows.append([f"{r_round(c['estimate'], 2)}" + (" (0)" if "printed as (0)" in c["note"] else "")
                         if c is not None else "" for c in cells])
        else:
            rows.append([c["estimate"] if c is not None else "" for c in cells])
        index.append(stat)
    return pd.DataFrame(rows, index=pd.Index(index, name="Variable"), columns=list(columns))


def side_by_side(ours: pd.DataFrame, theirs: pd.DataFrame | None, names=("ours", "paper")) -> pd.DataFrame:
    """One text column of row labels, then per model its columns ``names`` under a spanning header, matched by row
    position (the blank SE-row labels repeat, so rows cannot be matched by label)."""
    out = {("", ""): list(ours.index)}
    for c in ours.columns:
        out[(c, names[0])] = ours[c].to_numpy()
        if theirs is not None:
            out[(c, names[1])] = theirs[c].to_numpy() if c in theirs else ""
    frame = pd.DataFrame(out)
    frame.columns = pd.MultiIndex.from_tuples(frame.columns)
    return frame.map(_minus)


MODEL_NOTE = ("Coefficients (log hazard ratios) with standard errors in parentheses, rounded to 3 decimals the way "
              "the paper prints them (R's round: trailing zeros dropped). n: case-years; Events: compliances; "
              "Likelihood ratio test: χ² against the null model (p in parentheses). ")


def models_view(fits: ModelFits, settings) -> Table:
    """Table 2 or 3: Models 1-3, ours beside the paper's when the data are the archive's (all issue areas)."""
    with_paper = comparable(settings)
    theirs = published_paper_table(fits.table, list(fits.models)) if with_paper else None
    what = "imputed data" if fits.table == "Table 2" else "original (unimputed) data, listwise deletion"
    caption = (f"{fits.table}. Cox models of the time to compliance with time-varying covariates, {what}"
               + (": ours beside the paper's" if with_paper else ""))
    return show(side_by_side(paper_table(fits.models), theirs), caption=caption,
                note=MODEL_NOTE + STAR_NOTE + " " + data_note(settings), index=False)


def security_view(fits: Mapping[str, CoxResults]) -> Table:
    """The archive's security-issue table (not in the paper): Model 3 on the security cases, unimputed and imputed,
    ours beside the archive's, both at the archive's 2 decimals."""
    ours = paper_table(fits, decimals=2)
    return show(side_by_side(ours, published_paper_table("Security table", list(fits), decimals=2),
                             names=("ours", "archive")),
                caption="The archive's security-issue table: Model 3 on the security cases, ours beside the archive's",
                note="Not in the paper: the archive's Replication/Graphics/durModelResultsNoImp_secur.tex, printed with "
                     "R's round(x, 2). Coefficients with standard errors in parentheses; the archive's likelihood-ratio "
                     "p-values are not transcribed. " + STAR_NOTE
                     + " Data: the archive's security-issue files, case-years 1960–2005.", index=False)


def rebuild_models_view(result: Rebuild) -> Table:
    """Models 1-3 on the frame rebuilt from raw TIES next to the same models on the archive's frame."""
    return show(side_by_side(paper_table(result.rebuilt), paper_table(result.archive), names=("rebuilt", "archive")),
                caption="Table 2 refitted on the frame rebuilt from raw TIES, beside the same models on the archive's "
                        "frame",
                note=MODEL_NOTE + STAR_NOTE + " Rebuilt: cases, networks, reciprocity and sender counts from TIES v4.1, "
                     "alliance, proximity and trade from COW data (peacesciencer), target-state covariates from the "
                     "archive (CNTS is proprietary); concurrent cases lagged in the archive's row order.", index=False)


# ---------------------------------------------------------------------------------------------
# Table 1 and Tables 4-5
# ---------------------------------------------------------------------------------------------
def table1_view(o: Outcomes) -> Table:
    pub = published("Table 1")
    frame = pd.DataFrame({"Outcome": list(o.table1.index), "ours": o.table1["Frequency"].astype(int).to_list(),
                          "paper": [int(pub.loc[(r, "Frequency"), "estimate"]) for r in o.table1.index]})
    return show(frame, caption="Table 1. Outcomes of sanction cases no longer ongoing where compliance was not achieved",
                labels={"ours": "Cases (ours)", "paper": "Cases (paper)"},
                note=f"Imposed cases in the archive's cleaned TIES case table ({o.n_cases} cases), by final outcome "
                     "(TIES codes 8 and 9).")


SUMMARY_COLUMNS = ["N", "Mean", "Median", "Std. Dev.", "Min.", "Max."]


def summary_view(stats: pd.DataFrame, table: str, settings) -> Table:
    """Table 4 or 5: each variable's row of ours above the paper's, numbers at the paper's 2 decimals."""
    pub = published(table)
    ours_is = "ours" if settings.data.is_real else "generated"
    rows = []
    for var in stats.index:
        rows.append({"Variable": var, "": ours_is, "N": int(stats.loc[var, "N"]),
                     **{c: float(stats.loc[var, c]) for c in SUMMARY_COLUMNS[1:]}})
        rows.append({"Variable": "", "": "paper", "N": int(pub.loc[(var, "N"), "estimate"]),
                     **{c: float(pub.loc[(var, c), "estimate"]) for c in SUMMARY_COLUMNS[1:]}})
    data = "imputed" if table == "Table 4" else "original (unimputed)"
    if settings.data.is_real:
        how = ("Ours: the archive's " + ("imputed" if table == "Table 4" else "unimputed") + " analysis file.")
    else:
        how = ("Generated: the calibrated generator, whose covariates are drawn to Table 4's moments and ranges "
               "(calibration targets, not evidence).")
    return show(pd.DataFrame(rows), caption=f"{table}. Summary statistics of the Model 3 estimation sample, {data} data",
                labels={"Std. Dev.": "SD", "Min.": "Min", "Max.": "Max"}, decimals=2,
                note="Rows complete in the outcome and the eleven Model 3 covariates (R's na.omit), case-years "
                     f"1960–2005; numbers at the paper's 2 decimals. {how}")


# ---------------------------------------------------------------------------------------------
# Diagnostics, robustness, cross-validation, rebuild
# ---------------------------------------------------------------------------------------------
def ph_view(tests: pd.DataFrame) -> Table:
    frame = tests.reset_index().rename(columns={tests.index.name or "index": "term"})
    frame["term"] = [LABELS.get(t, "Global test" if t == "GLOBAL" else t) for t in frame["term"]]
    frame["df"] = frame["df"].astype(int)
    return show(frame, caption="Proportional-hazards tests for Model 3 (Table 2)",
                labels={"term": "Covariate", "chisq": "χ²", "df": "df", "p": "p-value"},
                decimals={"chisq": 2, "p": 3},
                note="Grambsch–Therneau score tests on the scaled Schoenfeld residuals (R's cox.zph, Kaplan–Meier time "
                     "scale); a small p-value flags a non-proportional effect.")


def robustness_table(result: Robustness) -> pd.DataFrame:
    """One row per variant: the two reciprocity estimates (stars, SE), n and events of Model 3."""
    def cell(fit: CoxResults, term: str) -> str:
        return _minus(f"{r_round(fit.params[term])}{STARS.of(fit.pvalues[term])} ({r_round(fit.bse[term])})")

    rows = [{"variant": v.name, "Compliance reciprocity": cell(v.fit, "lag1_uData"),
             "Sanction reciprocity": cell(v.fit, "lag1_SuData2"), "n": int(v.fit.nobs), "events": int(v.fit.n_events)}
            for v in result.variants]
    return pd.DataFrame(rows)


def robustness_view(result: Robustness, settings) -> Table:
    return show(robustness_table(result), caption="Model 3 under each robustness check: the two reciprocity estimates",
                labels={"variant": "Check (one change to Table 2's Model 3)", "n": "n", "events": "Events"},
                note="Coefficient with its standard error in parentheses. " + STAR_NOTE + " " + data_note(settings))


def auc_modes_view(first: CrossValidation, second: CrossValidation) -> Table:
    """Mean out-of-sample AUC over folds and horizons, one row per AUC mode."""
    names = {"faithful": "faithful (as the archive)", "corrected": "corrected (one row per case)"}
    frame = pd.DataFrame({cv.auc_mode: cv.auc_by_horizon().mean() for cv in (first, second)}).T
    frame.insert(0, "AUC mode", [names[m] for m in frame.index])
    return show(frame.reset_index(drop=True), caption="Mean out-of-sample AUC by model, under the two AUC modes",
                decimals=3, note="Chambless–Diao time-dependent AUC, averaged over the folds and the horizons t = 1, …, "
                                 "16 years; the cross-validation sample of the archive's crossval.R.")


def distance_view(distance: pd.DataFrame) -> Table:
    frame = distance.reset_index()
    for c in ("share_identical", "share_identical_newest_first_order"):
        frame[c] = 100 * frame[c]
    frame = frame[["variable", "rows_compared", "correlation", "share_identical", "share_identical_newest_first_order",
                   "mean_abs_diff"]]
    return show(frame, caption="The rebuilt variables against the archive's, on the matched case-years",
                labels={"variable": "Variable", "rows_compared": "Rows compared", "correlation": "Correlation",
                        "share_identical": "Identical, % (archive's row order)",
                        "share_identical_newest_first_order": "Identical, % (newest case first)",
                        "mean_abs_diff": "Mean absolute difference"},
                decimals={"correlation": 3, "share_identical": 1, "share_identical_newest_first_order": 1,
                          "mean_abs_diff": 3},
                note="Matched on case and year. Identical: |difference| < 1e-6. The two orders differ in how concurrent "
                     "cases of a target-year are ordered before the archive's lag by row.")


def gaps_view(gaps: pd.DataFrame) -> Table:
    frame = gaps.reset_index().rename(columns={"index": "Variable"})
    return show(frame, caption="Model 3 coefficients: rebuilt against the archive",
                labels={"archive": "Archive", "rebuilt": "Rebuilt", "archive SE": "Archive SE",
                        "difference in archive SEs": "Difference, in archive SEs"},
                decimals={"archive": 3, "rebuilt": 3, "archive SE": 3, "difference in archive SEs": 2},
                note="Difference: (rebuilt − archive) / the archive's standard error.")


