"""Zeng & Peterson's tables as the paper prints them, beside the published cells where the paper has them:
Table 1 (descriptives by ally status), Table 2 (three GLS-ARMA models), the robustness table, the regime table.
Regression tables are built from each fit's ``.tidy()``, with the paper's stars (``settings.STARS``)."""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from helpers.chapters.zeng_peterson import data
from helpers.chapters.zeng_peterson.settings import HEADLINE, LABELS, MODEL_COLUMNS, SLUG, STARS
from helpers.methods.results import Results
from helpers.report.scorecard import load_published

TABLE1_CONTINUOUS = {"log_cdu": "log CDU export", "export_controls": "US export controls",
                     "exp_int": "Exporter integration", "imp_int": "Importer integration",
                     "us_prox": "Exporter US proximity", "dyad_prox": "Dyadic proximity",
                     "exp_lngdp": "Exporter log GDP", "imp_lngdp": "Importer log GDP",
                     "exp_libdem": "Exporter liberal democracy", "imp_libdem": "Importer liberal democracy",
                     "lndist": "Distance (log)"}
TABLE1_BINARY = {"sanction": "Importer US sanction: Yes (%)", "exp_mecr": "Exporter MECR: Yes (%)",
                 "imp_mecr": "Importer MECR: Yes (%)"}


def _cell(row: pd.Series, second: str) -> str:
    """A coefficient with the paper's stars and, in parentheses, its CI ("ci") or SE ("se"), three decimals."""
    inside = f"{row.conf_low:.3f}, {row.conf_high:.3f}" if second == "ci" else f"{row.std_error:.3f}"
    return f"{row.estimate:.3f}{STARS.of(row.p_value)} ({inside})"


# ---------------------------------------------------------------------------------------------------------
# Table 1
# ---------------------------------------------------------------------------------------------------------
def table1(panel: pd.DataFrame) -> pd.DataFrame:
    """Mean (SD) / share by exporter ally status with Wilcoxon rank-sum and Pearson χ² p-values."""
    g0, g1 = panel[panel.ally == 0], panel[panel.ally == 1]
    rows = [{"": "N", "Non-ally": float(len(g0)), "Ally": float(len(g1)), "Non-ally SD": np.nan,
             "Ally SD": np.nan, "p-value": np.nan}]
    for c, name in TABLE1_CONTINUOUS.items():
        pv = stats.mannwhitneyu(g0[c], g1[c]).pvalue
        rows.append({"": name, "Non-ally": g0[c].mean(), "Ally": g1[c].mean(), "Non-ally SD": g0[c].std(),
                     "Ally SD": g1[c].std(), "p-value": pv})
    for c, name in TABLE1_BINARY.items():
        tab = pd.crosstab(panel.ally, panel[c])
        pv = stats.chi2_contingency(tab, correction=False)[1] if tab.shape == (2, 2) else np.nan
        rows.append({"": name, "Non-ally": 100 * g0[c].mean(), "Ally": 100 * g1[c].mean(), "Non-ally SD": np.nan,
                     "Ally SD": np.nan, "p-value": pv})
    return pd.DataFrame(rows).set_index("")


def table1_display(t1: pd.DataFrame) -> pd.DataFrame:
    """Table 1 as printed (mean (SD), share %, N; p-values), each group beside the paper's cell."""
    pub = load_published(SLUG)

    def fmt(v, sd):
        return f"{v:,.0f}" if np.isnan(sd) and v > 1000 else (f"{v:.1f}%" if np.isnan(sd) else f"{v:.2f} ({sd:.2f})")

    def pfmt(v):
        return "" if np.isnan(v) else "<0.001" if v < 0.001 else f"{v:.2g}"

    out = []
    for name, r in t1.iterrows():
        row = {"Characteristic": name, "Non-ally": fmt(r["Non-ally"], r["Non-ally SD"]),
               "Ally": fmt(r["Ally"], r["Ally SD"]), "p-value": pfmt(r["p-value"])}
        for grp in ("Non-ally", "Ally"):
            key = ("Table 1", name, grp)
            if key in pub.index:
                e, s = pub.loc[key, "estimate"], pub.loc[key, "se"]
                row[f"{grp} (paper)"] = f"{e} ({s})" if s else e
            else:
                row[f"{grp} (paper)"] = ""
        out.append(row)
    return pd.DataFrame(out).set_index("Characteristic")[["Non-ally", "Non-ally (paper)", "Ally", "Ally (paper)", "p-value"]]


# ---------------------------------------------------------------------------------------------------------
# Table 2 and the robustness table
# ---------------------------------------------------------------------------------------------------------
def table2(fits: Mapping[str, Results], with_published: bool = True) -> pd.DataFrame:
    """Coefficient (stars) and 95 % CI per model, paper layout; optionally the published cell beside it."""
    pub = load_published(SLUG) if with_published else None
    tidy = {m: r.tidy().set_index("term") for m, r in fits.items()}
    terms = [t for t in LABELS if any(t in t_.index for t_ in tidy.values())]
    rows = []
    for t in terms:
        row = {"": LABELS[t]}
        for m, t_ in tidy.items():
            col = MODEL_COLUMNS[m]
            row[col] = _cell(t_.loc[t], "ci") if t in t_.index else ""
            if pub is not None:
                key = ("Table 2", LABELS[t], col)
                row[f"{col} (paper)"] = (f"{pub.loc[key, 'estimate']}{pub.loc[key, 'stars']} "
                                         f"({pub.loc[key, 'ci_low']}, {pub.loc[key, 'ci_high']})") if key in pub.index else ""
        rows.append(row)
    for stat, f in [("Observations", lambda r: f"{r.nobs:,}"), ("Log Likelihood", lambda r: f"{r.llf:,.1f}"),
                    ("Akaike Inf. Crit.", lambda r: f"{r.aic:,.1f}"), ("Bayesian Inf. Crit.", lambda r: f"{r.bic:,.1f}"),
                    ("ARMA phi, theta", lambda r: ", ".join(f"{v:.3f}" for v in [*r.phi, *r.theta]))]:
        row = {"": stat}
        for m, r in fits.items():
            col = MODEL_COLUMNS[m]
            row[col] = f(r)
            if pub is not None:
                key = ("Table 2", stat, col)
                row[f"{col} (paper)"] = pub.loc[key, "estimate"] if key in pub.index else ""
        rows.append(row)
    cols = [""] + [c for m in fits for c in ([MODEL_COLUMNS[m]] + ([f"{MODEL_COLUMNS[m]} (paper)"] if pub is not None else []))]
    return pd.DataFrame(rows)[cols].set_index("")


def robustness_table(specs: Mapping[str, Results]) -> pd.DataFrame:
    """The headline coefficients (stars) and SEs, one column per specification."""
    rows = []
    for name, r in specs.items():
        t = r.tidy().set_index("term")
        rows.append({"specification": name, **{LABELS[term]: _cell(t.loc[term], "se") for term in HEADLINE
                                               if term in t.index}})
    return pd.DataFrame(rows).set_index("specification").T


# ---------------------------------------------------------------------------------------------------------
# The hand-coded export-control regimes
# ---------------------------------------------------------------------------------------------------------
def regime_summary() -> pd.DataFrame:
    """Members of each regime in the hand-coded table, and how many joined after 1996."""
    return data.regime_table().groupby("regime").agg(
        members=("iso3", "size"), joined_after_1996=("join_year", lambda s: int((s > 1996).sum())))
