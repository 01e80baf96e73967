"""Dorff & Minhas scorecard: every compared number with its rule and threshold. Published numbers are read only
through `helpers.report.scorecard.load_published` (data/published/dorff_minhas.csv)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.chapters.dorff_minhas import pipeline
from helpers.chapters.dorff_minhas.settings import CV_SIGNIFICANCE, LABELS, SLUG
from helpers.chapters.dorff_minhas.synth import TRUE_BETA
from helpers.methods.cox import CoxResults
from helpers.report.scorecard import Scorecard, load_published

SHARE_TOLERANCE = 1.0      # percentage points: the text gives rounded percentages ("approximately 36%")
PLOT_READING = 0.02        # survival probabilities read off Figures 3-5 (the spec's tolerance for plot readings)
RECOVERY_SE = 2            # synthetic runs: the generator's coefficient within 2 SE of the estimate
MIN_FOLDS_MODEL3_BEST = 4  # Figure 7: Model 3 best at most horizons in >= 4 of 6 folds (spec rule)
CLAIMED_SIGNS = {"Compliance Reciprocity": 1, "Sanction Reciprocity": -1}   # Figure 6's reading


def published(table: str) -> pd.DataFrame:
    """The paper's numbers of one table, as printed (text), indexed by (row, column)."""
    return load_published(SLUG).xs(table, level="table")


def published_gap_in_se(fit: CoxResults, table: str, term: str) -> float:
    """|our estimate - the published one| in units of our standard error."""
    pub = float(published(table).loc[(LABELS[term], "Model 3"), "estimate"])
    return abs(fit.params[term] - pub) / fit.bse[term]


def record_models(card: Scorecard, table: str, models: dict[str, CoxResults], decimals: int = 3) -> None:
    """One row per coefficient, SE, n, events and LR of a Table 2/3-style result, exact to the printed
    decimals (R's round drops trailing zeros, so the decimals are passed, not read off the text)."""
    pub = published(table)
    for col, res in models.items():
        for t in res.params.index:
            lab = LABELS.get(t)
            if lab is None or (lab, col) not in pub.index:
                continue
            card.record(table, lab, col, res.params[t], rule="exact", decimals=decimals)
            card.record(table, lab, f"{col} SE", res.bse[t], rule="exact", decimals=decimals)
        card.record(table, "n", col, res.nobs, rule="exact", decimals=0)
        card.record(table, "Events", col, res.n_events, rule="exact", decimals=0)
        card.record(table, "Likelihood ratio test", col, res.lr_stat, rule="exact", decimals=2)


def _real(card: Scorecard, settings) -> None:
    outcomes = pipeline.outcomes()
    for row, v in outcomes.table1["Frequency"].items():
        card.record("Table 1", row, "Frequency", v, rule="exact")
    for row, v in outcomes.shares.items():
        card.record("Text", row, "Percent", v, rule="tolerance", abs=SHARE_TOLERANCE,
                    note="text gives rounded percentages")
    for imputed, table, stats_table in ((True, "Table 2", "Table 4"), (False, "Table 3", "Table 5")):
        fits = pipeline.run(settings.replace(imputed=imputed))
        record_models(card, table, fits.models)
        stats = pipeline.summary_stats(fits.frame)
        for row in stats.index:
            for col in stats.columns:
                card.record(stats_table, row, col, stats.loc[row, col], rule="exact", decimals=0 if col == "N" else 2)
    for imputed, col in ((False, "Unimputed"), (True, "Imputed")):
        fit = pipeline.run(settings.replace(imputed=imputed, issue_subset="secur")).model3
        record_models(card, "Security table", {col: fit}, decimals=2)

    curves = pipeline.scenario_curves(pipeline.run(settings))
    s = {v: curves[v].at(5) for v in curves}
    card.record("Figure 5a", "Non-compliance at 5 years, high compliance reciprocity (P90)", "Survival",
                s["lag1_uData"]["high"], rule="tolerance", abs=PLOT_READING)
    card.record("Figure 5a", "Non-compliance at 5 years, low compliance reciprocity (P10)", "Survival",
                s["lag1_uData"]["low"], rule="tolerance", abs=PLOT_READING)
    card.record("Figure 4", "Non-compliance at 5 years, multiple senders", "Survival", s["noS"]["high"],
                rule="tolerance", abs=PLOT_READING)
    card.record("Figure 4", "Non-compliance at 5 years, single sender", "Survival", s["noS"]["low"],
                rule="tolerance", abs=PLOT_READING)
    card.record("Figure 3", "Compliance gap at 5 years, poor minus rich target", "Difference",
                s["lag1_lgdpCAP"]["high"] - s["lag1_lgdpCAP"]["low"], rule="tolerance", abs=PLOT_READING)

    if settings.quick:       # the cross-validation is the slow part
        return
    cv = pipeline.cross_validation(settings)
    keep = all(all(np.sign(g["estimate"]) == CLAIMED_SIGNS[t]) and (g["p_value"] < CV_SIGNIFICANCE).all()
               for t, g in cv.coefs.groupby("term"))
    card.record("Figure 6", "Reciprocity estimates keep sign and 90% significance in every fold", "Folds",
                cv.coefs["fold"].nunique() if keep else 0, rule="qualitative", holds=keep,
                claim="sign and 10% significance in all folds")
    n_best = cv.folds_model3_best()
    card.record("Figure 7", "Model 3 AUC above Models 1 and 2 before 15 years", "Folds", n_best, rule="qualitative",
                holds=n_best >= MIN_FOLDS_MODEL3_BEST, claim="Model 3 best at most horizons in >= 4 of 6 folds (spec rule)")


def _synthetic(card: Scorecard, settings) -> None:
    """Method check: Model 3 on the generator's data against the generator's true coefficients."""
    fit = pipeline.run(settings).model3
    for t, beta in TRUE_BETA.items():
        card.record("Table 2", LABELS[t], "Model 3", fit.params[t], rule="recovery", truth=beta, se=fit.bse[t],
                    k=RECOVERY_SE, note="method check on synthetic data: truth = generator coefficient")
    card.unavailable("Table 1", "Capitulation by Sender After Imposition", "Frequency", "synthetic run: no TIES case table")


def scorecard(settings) -> Scorecard:
    """Every scorecard row of the chapter: Tables 1-5, the security table, Figures 3-7 (archive), or the
    recovery of the generator's coefficients (synthetic)."""
    card = Scorecard(SLUG, data_source=settings.data.kind)
    (_real if settings.data.is_real else _synthetic)(card, settings)
    return card
