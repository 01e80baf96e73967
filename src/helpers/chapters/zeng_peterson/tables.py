"""Zeng & Peterson's tables as the paper prints them, ours beside the published cells where the paper has them:
Table 1 (descriptives by ally status), Table 2 (three GLS-ARMA models), the hypotheses, the calibration checks,
the robustness table and the regime table. Every table is a ``helpers.report.tables.Table`` (``show``): readable
headers, the paper's precision with trailing zeros, a caption and a note saying what is real and what generated.
Regression cells come from each fit's ``.tidy()`` with the paper's stars (``settings.STARS``)."""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from helpers.chapters.zeng_peterson import data
from helpers.chapters.zeng_peterson.settings import HEADLINE, LABELS, MODEL_COLUMNS, SLUG, STARS
from helpers.methods.results import Results
from helpers.report.claims import load_published
from helpers.report.tables import Table, show

TABLE1_CONTINUOUS = {"log_cdu": "log CDU export", "export_controls": "US export controls",
                     "exp_int": "Exporter integration", "imp_int": "Importer integration",
                     "us_prox": "Exporter US proximity", "dyad_prox": "Dyadic proximity",
                     "exp_lngdp": "Exporter log GDP", "imp_lngdp": "Importer log GDP",
                     "exp_libdem": "Exporter liberal democracy", "imp_libdem": "Importer liberal democracy",
                     "lndist": "Distance (log)"}
TABLE1_BINARY = {"sanction": "Importer US sanction: Yes (%)", "exp_mecr": "Exporter MECR: Yes (%)",
                 "imp_mecr": "Importer MECR: Yes (%)"}
STAR_NOTE = "Stars as the paper's: * p < 0.05, ** p < 0.01, *** p < 0.001."
PAPER = "Zeng & Peterson"


def _minus(text: str) -> str:
    """A typographic minus, as the book's number formatting prints it."""
    return str(text).replace("-", "−")


def _cell(row: pd.Series, second: str) -> str:
    """A coefficient with the paper's stars and, in parentheses, its CI ("ci") or SE ("se"), three decimals."""
    inside = f"{row.conf_low:.3f}, {row.conf_high:.3f}" if second == "ci" else f"{row.std_error:.3f}"
    return _minus(f"{row.estimate:.3f}{STARS.of(row.p_value)} ({inside})")


def _what_is_generated(panel: pd.DataFrame) -> str:
    outcome_real = panel.attrs.get("outcome") == "real"
    ec_real = panel.attrs.get("export_controls") == "real"
    if outcome_real:
        return ("Ours: the outcome, its sample and the integration measures from the user's CDU trade file; US export "
                "controls " + ("from the user's Country Chart" if ec_real else "generated (left out of the models)")
                + "; the other covariates real (mirror).")
    networks = ("closeness in generated CDU networks over the real EU dual-use product set"
                if panel.attrs.get("products") else "drawn directly")
    return ("Ours: real covariates; generated outcome (truth: the paper's Model 3), sample of trading dyad-years and "
            f"integration measures ({networks}); US export controls "
            + ("from the user's Country Chart." if ec_real else "generated."))


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


def _p(v: float) -> str:
    return "" if np.isnan(v) else "< 0.001" if v < 0.001 else f"{v:.2g}"


def table1_display(t1: pd.DataFrame) -> pd.DataFrame:
    """Table 1 as printed (mean (SD), share in %, N; p-values), each group beside the paper's cell, as text."""
    pub = load_published(SLUG)

    def ours(v, sd, name):
        if name == "N":
            return f"{v:,.0f}"
        return f"{v:.1f} %" if np.isnan(sd) else _minus(f"{v:.2f} ({sd:.2f})")

    def paper(name, grp):
        key = ("Table 1", name, grp)
        if key not in pub.index:
            return ""
        e, s = pub.loc[key, "estimate"], pub.loc[key, "se"]
        if name == "N":
            return f"{int(e):,}"
        return f"{e} ({s})" if s else f"{e} %"

    out = []
    for name, r in t1.iterrows():
        row = {"Characteristic": name.replace(": Yes (%)", ", share"),
               "Non-ally": ours(r["Non-ally"], r["Non-ally SD"], name), "Non-ally (paper)": paper(name, "Non-ally"),
               "Ally": ours(r["Ally"], r["Ally SD"], name), "Ally (paper)": paper(name, "Ally"),
               "p-value": _p(r["p-value"])}
        if name == TABLE1_BINARY["sanction"] and ("Table 1", "Importer US sanction", "p-value") in pub.index:
            row["p-value (paper)"] = pub.loc[("Table 1", "Importer US sanction", "p-value"), "estimate"]
        out.append(row)
    frame = pd.DataFrame(out).set_index("Characteristic")
    if "p-value (paper)" not in frame:
        frame["p-value (paper)"] = np.nan
    frame["p-value (paper)"] = frame["p-value (paper)"].fillna("< 0.001")   # the paper's every other p-value
    frame.loc["N", ["p-value", "p-value (paper)"]] = ""
    return frame


def table1_view(t1: pd.DataFrame, panel: pd.DataFrame) -> Table:
    return show(table1_display(t1).reset_index(),
                caption="Table 1. Summary statistics by exporter US-ally status, 1997–2015: ours beside the paper's",
                note="Mean (SD); share of dyad-years in %; N in dyad-years. p-values: Wilcoxon rank-sum test (means), "
                     "Pearson χ² test (shares). " + _what_is_generated(panel)
                     + " Paper: Zeng & Peterson, Table 1.")


# ---------------------------------------------------------------------------------------------------------
# Table 2, the extension and the robustness table
# ---------------------------------------------------------------------------------------------------------
def _stat(value, decimals: int = 1) -> str:
    return _minus(f"{value:,}" if isinstance(value, (int, np.integer)) else f"{value:,.{decimals}f}")


def table2(fits: Mapping[str, Results], with_published: bool = True, published_stats: bool = True) -> pd.DataFrame:
    """Coefficient (stars) and 95 % CI per model, paper layout; optionally the published cell beside it (text), and
    the paper's N and fit statistics (``published_stats``; not for models on other data)."""
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
                row[f"{col} (paper)"] = _minus(f"{pub.loc[key, 'estimate']}{pub.loc[key, 'stars']} "
                                               f"({pub.loc[key, 'ci_low']}, {pub.loc[key, 'ci_high']})"
                                               ) if key in pub.index else ""
        rows.append(row)
    for stat, f in [("Observations", lambda r: _stat(int(r.nobs))), ("Log Likelihood", lambda r: _stat(r.llf)),
                    ("Akaike Inf. Crit.", lambda r: _stat(r.aic)), ("Bayesian Inf. Crit.", lambda r: _stat(r.bic)),
                    ("ARMA φ, θ", lambda r: _minus(", ".join(f"{v:.3f}" for v in [*r.phi, *r.theta])))]:
        row = {"": stat}
        for m, r in fits.items():
            col = MODEL_COLUMNS[m]
            row[col] = f(r)
            if pub is not None:
                key = ("Table 2", stat, col) if published_stats else None
                row[f"{col} (paper)"] = (_stat(int(pub.loc[key, "estimate"])) if stat == "Observations" else
                                         _stat(float(pub.loc[key, "estimate"]))) if key is not None and key in pub.index else ""
        rows.append(row)
    cols = [""] + [c for m in fits for c in ([MODEL_COLUMNS[m]] + ([f"{MODEL_COLUMNS[m]} (paper)"] if pub is not None else []))]
    return pd.DataFrame(rows)[cols].set_index("").rename_axis(None)


def table2_view(fits: Mapping[str, Results], panel: pd.DataFrame) -> Table:
    generated = panel.attrs.get("outcome") != "real"
    reading = ("A method check: the outcome is generated with the paper's Model 3 coefficients as the truth, so our "
               "estimates are compared with that truth, not replicated; fit statistics are not comparable. "
               if generated else "")
    return show(table2(fits), caption="Table 2. GLS with ARMA(1,1) errors by dyad: ours beside the paper's",
                note="Coefficient and 95 % confidence interval; DV: Δ log CDU exports; year fixed effects not shown. "
                     f"{STAR_NOTE} {reading}{_what_is_generated(panel)} Paper: Zeng & Peterson, Table 2 (the printed "
                     "table labels the sanction × US export controls row 'Importer sanct X Exp int').")


def extension_view(fits: Mapping[str, Results]) -> Table:
    return show(table2(fits, published_stats=False), caption="Table 2's models on real total trade (COW), beside the paper's CDU estimates",
                note="Coefficient and 95 % confidence interval; DV: Δ log(1 + exports, million current USD), COW "
                     "dyadic trade 1997–2014; integration: closeness on the real COW trade network; real covariates; "
                     "US export controls left out (no public source); year fixed effects not shown. "
                     f"{STAR_NOTE} The paper's columns are its estimates on CDU trade, for sign and significance only.")


def robustness_table(specs: Mapping[str, Results]) -> pd.DataFrame:
    """The headline coefficients (stars) and SEs, one column per specification."""
    rows = []
    for name, r in specs.items():
        t = r.tidy().set_index("term")
        rows.append({"specification": name, **{LABELS[term]: _cell(t.loc[term], "se") for term in HEADLINE
                                               if term in t.index}})
    return pd.DataFrame(rows).set_index("specification").T.rename_axis(None)


def robustness_view(specs: Mapping[str, Results], panel: pd.DataFrame, share: float) -> Table:
    return show(robustness_table(specs), caption="Model 2 under the paper's robustness specifications (fn. 22–23)",
                note=f"Coefficient and standard error; a random {100 * share:.0f} % of dyads. {STAR_NOTE} "
                     + _what_is_generated(panel) + " The paper reports these specifications in an appendix we do not "
                     "have.")


# ---------------------------------------------------------------------------------------------------------
# Hypotheses and calibration
# ---------------------------------------------------------------------------------------------------------
def hypotheses_view(verdicts: pd.DataFrame, caption: str, note: str) -> Table:
    """``claims.verdict_table`` output: each hypothesis in words, then one verdict column per source."""
    return show(verdicts.rename_axis(None), caption=caption, note=note)


def calibration_view(checks: pd.DataFrame) -> Table:
    """``claims.calibration_checks`` output, each row at its own precision."""
    def fmt(name, v):
        if pd.isna(v):
            return "—"
        if "share" in name:
            return f"{100 * v:.1f} %"
        if "corr" in name:
            return _minus(f"{v:.2f}")
        return f"{v:,.0f}"

    frame = pd.DataFrame({"ours": [fmt(n, v) for n, v in checks["replication"].items()],
                          "paper": [fmt(n, v) for n, v in checks["paper"].items()],
                          "ours is": checks["ours is"].to_list()}, index=checks.index).rename_axis(None)
    return show(frame, caption="The panel beside the paper's sample",
                note="Paper: Table 1 (N and shares), Table 2 (N), footnote 12 (the zeros) and footnote 19 (the "
                     "correlation). 'Target of the generator': built to match, so no evidence either way.")


# ---------------------------------------------------------------------------------------------------------
# The hand-coded export-control regimes and the generator's product set
# ---------------------------------------------------------------------------------------------------------
def regime_summary() -> pd.DataFrame:
    """Members of each regime in the hand-coded table, and how many joined after 1996."""
    return data.regime_table().groupby("regime").agg(
        members=("iso3", "size"), joined_after_1996=("join_year", lambda s: int((s > 1996).sum())))


def regime_view() -> Table:
    return show(regime_summary().reset_index(), caption="The multilateral export-control regimes, as hand-coded",
                labels={"members": "Members", "joined_after_1996": "Joined after 1996", "regime": "Regime"},
                note="Participants and first year of participation from each regime's own list (sources in "
                     "helpers.chapters.zeng_peterson.data); members before 1996 are coded 1996.")


def product_groups_view(groups: pd.Series) -> Table:
    """``synth.product_groups`` output: codes of the product set per HS section."""
    frame = groups.to_frame("HS92 codes").assign(share=100 * groups / groups.sum()).rename_axis("HS section").reset_index()
    return show(frame, caption="The generator's dual-use product set by HS section", decimals={"share": 1},
                labels={"share": "Share of codes (%)"},
                note="HS92 six-digit codes flagged dual use in the EU's 2022 export-ban list on Russia (Chupilkin, "
                     "Javorcik & Plekhanov; HS2017 → HS92 through the insongkim/concordance tables), a stand-in for "
                     "the paper's 2021 EU dual-use correlation list. Each section is one generated CDU network.")
