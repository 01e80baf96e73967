"""Dorff & Minhas tables, printed as the archive's xtable output prints them: R-style rounding (no trailing zeros),
coefficient with the paper's stars over its SE in parentheses. Each is a function of a pipeline result."""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from helpers.chapters.dorff_minhas.claims import published
from helpers.chapters.dorff_minhas.pipeline import CrossValidation, ModelFits, Robustness
from helpers.chapters.dorff_minhas.rebuild import Rebuild
from helpers.chapters.dorff_minhas.settings import LABELS, ORDER, STARS
from helpers.methods.cox import CoxResults
from helpers.report import tables


def r_round(x: float, digits: int = 3) -> str:
    """R's ``round(x, digits)`` as printed by xtable/format: no trailing zeros ('0.1', '-0.22')."""
    v = round(float(x), digits)
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def paper_table(models: Mapping[str, CoxResults]) -> pd.DataFrame:
    """Tables 2-3 from each model's ``.tidy()``: coefficient (stars) over (SE), then n, Events, LR test.
    (``report.tables.regression_table`` keeps trailing zeros, the archive's tables drop them.)"""
    tidy = {name: fit.tidy().set_index("term") for name, fit in models.items()}
    terms = [t for t in ORDER if any(t in t_.index for t_ in tidy.values())]
    extra = dict.fromkeys(t for t_ in tidy.values() for t in t_.index if t not in ORDER)
    rows, index = [], []
    for term in terms + list(extra):
        rows.append([r_round(t.at[term, "estimate"]) + STARS.of(t.at[term, "p_value"]) if term in t.index else ""
                     for t in tidy.values()])
        rows.append([f"({r_round(t.at[term, 'std_error'])})" if term in t.index else "" for t in tidy.values()])
        index += [LABELS.get(term, term), ""]
    rows.append([str(fit.nobs) for fit in models.values()]); index.append("n")
    rows.append([str(fit.n_events) for fit in models.values()]); index.append("Events")
    rows.append([f"{r_round(fit.lr_stat, 2)} ({r_round(fit.lr_pvalue, 2)})" for fit in models.values()])
    index.append("Likelihood ratio test")
    return pd.DataFrame(rows, index=pd.Index(index, name="Variable"), columns=list(models))


def published_paper_table(table: str, columns) -> pd.DataFrame:
    """The published Table 2/3 laid out like ``paper_table`` (for side-by-side display only)."""
    pub = published(table)
    rows, index = [], []
    for t in ORDER:
        lab = LABELS[t]
        est, se = [], []
        for c in columns:
            if (lab, c) in pub.index:
                est.append(pub.loc[(lab, c), "estimate"] + pub.loc[(lab, c), "stars"])
                se.append(f"({pub.loc[(lab, c + ' SE'), 'estimate']})")
            else:
                est.append(""), se.append("")
        rows += [est, se]
        index += [lab, ""]
    for stat in ("n", "Events", "Likelihood ratio test"):
        vals = [pub.loc[(stat, c), "estimate"] if (stat, c) in pub.index else "" for c in columns]
        rows.append([v + " (0)" if stat.startswith("Lik") and v else v for v in vals]); index.append(stat)
    return pd.DataFrame(rows, index=pd.Index(index, name="Variable"), columns=list(columns))


def side_by_side(ours: pd.DataFrame, theirs: pd.DataFrame, names=("replication", "paper")) -> pd.DataFrame:
    """Two tables of the same layout interleaved by column, matched by row position (the blank SE-row labels
    repeat, so rows cannot be matched by label)."""
    cols = pd.MultiIndex.from_product([ours.columns, list(names)])
    out = pd.DataFrame(index=ours.index, columns=cols)
    for c in ours.columns:
        out[(c, names[0])] = ours[c].to_numpy()
        out[(c, names[1])] = theirs[c].to_numpy() if c in theirs else ""
    return out


def models_table(fits: ModelFits, with_published: bool) -> pd.DataFrame:
    """Table 2 or 3: the replication, next to the published table when it is comparable (archive, all issues)."""
    ours = paper_table(fits.models)
    return side_by_side(ours, published_paper_table(fits.table, list(fits.models))) if with_published else ours


def rebuild_models_table(result: Rebuild) -> pd.DataFrame:
    """Models 1-3 on the frame rebuilt from raw TIES next to the same models on the archive's frame."""
    return side_by_side(paper_table(result.rebuilt), paper_table(result.archive), names=("replication", "archive"))


def summary_table_text(stats: pd.DataFrame) -> pd.DataFrame:
    """Tables 4-5 as printed: N as an integer, the rest rounded to 2 decimals the R way."""
    return stats.apply(lambda col: [str(int(v)) if col.name == "N" else r_round(v, 2) for v in col])


def ph_table(tests: pd.DataFrame) -> pd.DataFrame:
    return tests.rename(index=lambda t: LABELS.get(t, t)).round(3)


def robustness_table(result: Robustness) -> pd.DataFrame:
    """One row per variant: the two reciprocity estimates (stars, SE), n and events of Model 3."""
    def cell(fit: CoxResults, term: str) -> str:
        return f"{r_round(fit.params[term])}{STARS.of(fit.pvalues[term])} ({r_round(fit.bse[term])})"

    rows = [{"variant": v.name, "Compliance reciprocity": cell(v.fit, "lag1_uData"),
             "Sanction reciprocity": cell(v.fit, "lag1_SuData2"), "n": v.fit.nobs, "events": v.fit.n_events}
            for v in result.variants]
    return pd.DataFrame(rows).set_index("variant")


def auc_modes_table(first: CrossValidation, second: CrossValidation) -> pd.DataFrame:
    """Mean out-of-sample AUC over folds and horizons, one row per AUC mode."""
    return (pd.DataFrame({cv.auc_mode: cv.auc_by_horizon().mean() for cv in (first, second)}).T.round(3)
            .rename_axis("AUC mode"))


def show_table(frame: pd.DataFrame, caption: str | None = None) -> tables.Table:
    """The book's table renderer, with the row labels as the first column (paper tables repeat blank labels)."""
    flat = frame.reset_index()
    if isinstance(flat.columns, pd.MultiIndex):
        flat.columns = pd.MultiIndex.from_tuples([(a, b) if a != flat.columns[0][0] else (a, "") for a, b in flat.columns])
    return tables.show(flat, caption)
