"""The paper's tables from a run: the summary statistics of the regressors (Tables 3-4, 7-8), the gravity
regressions (Tables 5-6), the second stage (Tables 9-10) and its sign counts (Tables 1-2), ours beside the paper's
numbers; and the recovery of the synthetic world's true coefficients."""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.chapters.phillips_ahmad.paper import paper_table, published
from helpers.chapters.phillips_ahmad.pipeline import GravityRun, source_of
from helpers.chapters.phillips_ahmad.settings import GEO_LABELS, GEO_TERMS, GRAVITY_LABELS, PAPER_PERIODS, STARS
from helpers.methods.gravity import RegressionResult, count_signs
from helpers.report.tables import Table, show

SIGNIFICANCE = 0.10            # Tables 1-2 count coefficients significant at 10%


def coefficient_cells(result: RegressionResult) -> dict[str, str]:
    """term -> "estimate<stars> (SE)" from the result's `tidy()` frame, to 3 significant digits."""
    return {row.term: f"{row.estimate:.3g}{STARS.of(row.p_value)} ({row.std_error:.3g})"
            for row in result.tidy().itertuples()}


# ---- Tables 5-6 (gravity), 9-10 (second stage) and 1-2 (their sign counts) --------------------
def sig3(x: float) -> str:
    """Three significant digits with trailing zeros kept (-0.550, 0.0260), as the paper prints them."""
    text = format(float(x), "#.3g")
    return text[:-1] if text.endswith(".") else text


def _text(value) -> str:
    """A published cell as text, '' where it is empty."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()


def gravity_table(result: GravityRun, period: str) -> pd.DataFrame:
    """Tables 5-6 layout: ours (coefficient with stars, SE) by sector; for synthetic runs next to the true values
    (= the paper's estimates, with the paper's SE), for real runs alone. Three significant digits, trailing zeros
    kept."""
    cols = {}
    pub = published()
    table = "Table 6" if period == result.period_labels[0] else "Table 5"
    for r in result.gravity:
        if r.label["period"] != period:
            continue
        ours = {GRAVITY_LABELS.get(row.term, row.term):
                f"{sig3(row.estimate)}{STARS.of(row.p_value)} ({sig3(row.std_error)})"
                for row in r.tidy().itertuples()}
        ours["Adjusted pseudo R²"] = f"{r.stats['apr2']:.3f}"
        ours["Observations"] = f"{r.nobs:,}"
        cols[(r.label["sector"], "Ours")] = ours
        if result.kind == "synthetic":
            p = pub[(pub.table == table) & (pub.column == r.label["sector"])].set_index("row")
            cols[(r.label["sector"], "Paper")] = {
                GRAVITY_LABELS.get(t, "Adjusted pseudo R²" if t == "apr2" else t):
                    f"{sig3(p.loc[t, 'estimate'])}{_text(p.loc[t, 'stars'])}"
                    + (f" ({sig3(p.loc[t, 'se'])})" if _text(p.loc[t, "se"]) else "") for t in p.index}
    out = pd.DataFrame(cols)
    order = [GRAVITY_LABELS[v] for v in GRAVITY_LABELS if GRAVITY_LABELS[v] in out.index]
    return out.reindex(order + ["Adjusted pseudo R²", "Observations"]).fillna("")


# Tables 5-6 split by sector group so each printed table has at most 8 columns (4 sectors, ours and the paper's)
SECTOR_GROUPS = {
    "a": ("Food", "Apparel", "Wood/paper", "Fuel"),
    "b": ("Chemicals/pharma", "Plastics/rubber", "Nonmetallic minerals", "Metals"),
    "c": ("Fabricated metals", "Machinery", "Appliances"),
    "d": ("Electronics", "Transportation equipment", "Misc."),
}


def gravity_tables(result: GravityRun, period: str) -> dict[str, Table]:
    """Tables 5-6 as four `Table`s, one per sector group (letter -> Table), each captioned "Table n (letter): ..."
    with ours beside the paper's; a group with no sector in this run says so."""
    frame = gravity_table(result, period)
    number = "6" if period == result.period_labels[0] else "5"
    beside = (" beside the paper's estimate and SE (the generator's true values in synthetic mode)"
              if result.kind == "synthetic" else "")
    out = {}
    for letter, group in SECTOR_GROUPS.items():
        part = frame[[c for c in frame.columns if c[0] in group]]
        if part.shape[1] == 0:
            part = pd.DataFrame({"": ["not estimated in this run"]}, index=["Sectors " + ", ".join(group)])
        out[letter] = show(
            part, caption=f"Table {number} ({letter}): PPML gravity by sector, {period}, "
                          f"{', '.join(group)}",
            note=f"Ours: coefficient with stars at 10/5/1% and pair-clustered SE in parentheses{beside}. "
                 "Three significant digits, as the paper prints them.")
    return out


def stage2_table(result: GravityRun, period: str) -> pd.DataFrame:
    """Tables 9-10 layout: coefficient with stars and (SE) by sector; dropped terms shown as such."""
    cols = {}
    for r in result.stage2:
        if r.label["period"] != period:
            continue
        cells = coefficient_cells(r)
        col = {GEO_LABELS[t]: cells.get(t, "(collinear)") for t in GEO_TERMS}
        col["Observations"] = f"{r.nobs:,}"
        cols[r.label["sector"]] = col
    return pd.DataFrame(cols)


def counts_table(result: GravityRun, period: str) -> pd.DataFrame:
    """Tables 1-2: our sign/significance counts (10% level) next to the paper's."""
    ours = count_signs([r for r in result.stage2 if r.label["period"] == period], GEO_TERMS, alpha=SIGNIFICANCE)
    paper = paper_table("Table 2" if period == result.period_labels[0] else "Table 1")
    out = pd.concat({"ours": ours[["pos_sig", "neg_sig", "not_sig", "dropped"]],
                     "paper": paper.reindex(list(GEO_TERMS))[["pos_sig", "neg_sig", "not_sig"]]}, axis=1)
    out.index = [GEO_LABELS[t] for t in out.index]
    return out


def recovery_summary(result: GravityRun) -> pd.DataFrame:
    """Synthetic runs: estimate minus truth in SEs, per coefficient over all sector x period fits."""
    rows = []
    for r in result.gravity:
        truth = result.truth.loc[(r.label["sector"], r.label["period"])]
        for t in r.params.index:
            rows.append({"term": t, "z": (r.params[t] - truth[t]) / r.bse[t], "dev": r.params[t] - truth[t]})
    d = pd.DataFrame(rows)
    return d.groupby("term").agg(fits=("z", "size"), mean_dev=("dev", "mean"),
                                 max_abs_dev=("dev", lambda v: v.abs().max()),
                                 share_within_2se=("z", lambda v: (v.abs() <= 2).mean())).round(3)


# ---- Tables 3 and 4: the gravity regressors --------------------------------------------------
TABLE3_ROWS = {"contig": "Contiguity", "colony": "Colonial ties", "legal": "Common legal origin",
               "lang": "Common language", "fta": "FTA agreement", "landlocked": "At least one country landlocked",
               "island": "At least one island country"}
# What each Table 3 share is in the synthetic world (spec §7.1): set by the generator, or its outcome.
SYNTH_ROLE_TABLE3 = {
    "contig": "generator input: real neighbours + p = 0.35 below 1,800 km, set to give about 2% (Table 3)",
    "colony": "generator input: p = 0.015 per pair (Table 3)",
    "legal": "generator input: p = 0.06 per pair (Table 3); domestic pairs = 1",
    "lang": "generator input: p = 0.37 per pair (Table 3); domestic pairs = 1",
    "fta": "generator input: 25% of pairs, entry year uniform 1990-2029 (not Table 3)",
    "landlocked": "generator input at country level: P = 0.16 (generic), 3 of 28 named",
    "island": "generator input at country level: P = 0.25 if not landlocked (generic), 4 of 28 named",
}


def gravity_panel(result: GravityRun) -> pd.DataFrame:
    """The gravity covariates of the run's estimation sample (exporter, importer, year, the regressors and
    `dist` in km): one sector of the run's source (the covariates are the same in every sector). Domestic pairs
    are included when the run includes them."""
    p = source_of(result).panel(result.sectors[0])
    if not result.settings["include_domestic"]:
        p = p[p["exporter"] != p["importer"]]
    return p


def _period_of(years: pd.Series, pers) -> pd.Series:
    out = pd.Series(pd.NA, index=years.index, dtype=object)
    for a, b in pers:
        out[(years >= a) & (years <= b)] = f"{a}-{b}"
    return out


def binary_shares(panel: pd.DataFrame, pers, variables=tuple(TABLE3_ROWS)) -> pd.DataFrame:
    """% of exporter-importer-year observations with each binary regressor = 1, by period (later period
    first, as in the paper); NaN for a variable the panel does not have."""
    per = _period_of(panel["year"], pers)
    labels = [f"{a}-{b}" for a, b in reversed(pers)]
    out = pd.DataFrame(index=list(variables), columns=labels, dtype=float)
    for v in variables:
        if v in panel.columns:
            out.loc[v] = (100 * panel[v].astype(float).groupby(per).mean()).reindex(labels).to_numpy()
    return out


def distance_stats(panel: pd.DataFrame, pers) -> pd.DataFrame:
    """Table 4: min, mean, median and max distance (km) by period (later period first)."""
    per = _period_of(panel["year"], pers)
    g = panel["dist"].groupby(per)
    out = pd.DataFrame({"Min": g.min(), "Mean": g.mean(), "Median": g.median(), "Max": g.max()})
    return out.reindex([f"{a}-{b}" for a, b in reversed(pers)])


def percent(v) -> str:
    return "—" if pd.isna(v) else f"{v:#.3g}%"


def _shares_beside_paper(ours: pd.DataFrame, table: str) -> pd.DataFrame:
    """Our shares (a column per period) interleaved with the paper's, as percentages."""
    paper = paper_table(table).reindex(ours.index)
    cols = {}
    for ours_label, paper_label in zip(ours.columns, PAPER_PERIODS):
        cols[f"ours {ours_label}"] = ours[ours_label].map(percent)
        cols[f"paper {paper_label}"] = paper[paper_label].map(percent)
    return pd.DataFrame(cols)


def table3(result: GravityRun, shares: pd.DataFrame) -> pd.DataFrame:
    """Table 3 layout: our `shares` (`binary_shares`) next to the paper's for each period, and what our number is
    (a generator input, an outcome, or real data)."""
    out = _shares_beside_paper(shares, "Table 3")
    if result.kind == "synthetic":
        out["our number is"] = pd.Series(SYNTH_ROLE_TABLE3)
    else:
        out["our number is"] = ["real data (Yotov panel)" if shares.loc[v].notna().all() else "not in the Yotov data"
                                for v in shares.index]
    out.index = [TABLE3_ROWS[v] for v in out.index]
    return out


def table4(distances: pd.DataFrame) -> pd.DataFrame:
    """Table 4 layout: our `distances` (`distance_stats`, km) by period, and the paper's."""
    paper = paper_table("Table 4")
    rows = {}
    for ours_label, paper_label in zip(distances.index, PAPER_PERIODS):
        rows[f"ours {ours_label}"] = distances.loc[ours_label].map(lambda v: f"{v:,.0f}")
        rows[f"paper {paper_label}"] = paper.loc[paper_label, ["min", "mean", "median", "max"]].set_axis(
            ["Min", "Mean", "Median", "Max"]).map(lambda v: f"{v:,.0f}")
    return pd.DataFrame(rows).T


# ---- Tables 7 and 8: the second-stage variables ----------------------------------------------
TABLE7_ROWS = {"DEMO": "Both Dem > .75", "DICT": "Both Dem < .25", "HighCorr": "Both Cor > .5",
               "LowCorr": "Both Cor < .5", "SancOR": "At least one country under sanction",
               "U11": "Both upper-income", "U10": "Only origin upper-income", "U01": "Only destination upper-income"}
SYNTH_ROLE_TABLE7 = {
    "DEMO": "outcome (democracy ~ Beta(1.2, 1.8) + named values; not calibrated to Table 7)",
    "DICT": "outcome (as above)",
    "HighCorr": "outcome (corruption = 0.9 - 0.85 Dem + noise)",
    "LowCorr": "outcome (as above)",
    "SancOR": "generator input: CUB, PRK, IRN 1995-2022, VEN from 2019, RUS 2022",
    "U11": "follows from a generator input: the upper-income rule is set to the text's 79/225 (1995) and "
           "141/225 (2024) countries",
    "U10": "as above",
    "U01": "as above",
}
TABLE8_ROWS = {"abs_dem": "Democracy", "abs_corr": "Corruption"}


def pair_values(cy: pd.DataFrame, income_missing: str = "zero") -> pd.DataFrame:
    """All ordered country pairs per year (domestic pairs included, as in the second-stage sample): the
    Table 7 indicators (NaN where an input is missing; missing income coded 0 with `income_missing='zero'`)
    and the Table 8 absolute differences."""
    frames = []
    for year, g in cy.groupby("year"):
        d, c = g["dem"].to_numpy(float), g["corr"].to_numpy(float)
        u, s = g["upper"].to_numpy(float), g["sanctioned"].to_numpy(float)
        if income_missing == "zero":
            u = np.nan_to_num(u, nan=0.0)
        both = lambda a, f: np.where(np.isnan(a)[:, None] | np.isnan(a)[None, :], np.nan,
                                     (f(a)[:, None] & f(a)[None, :]).astype(float))
        with np.errstate(invalid="ignore"):
            parts = {
                "DEMO": both(d, lambda a: a > 0.75), "DICT": both(d, lambda a: a < 0.25),
                "HighCorr": both(c, lambda a: a > 0.5), "LowCorr": both(c, lambda a: a < 0.5),
                "SancOR": np.maximum(s[:, None], s[None, :]),
                "U11": u[:, None] * u[None, :], "U10": u[:, None] * (1 - u[None, :]),
                "U01": (1 - u[:, None]) * u[None, :],
                "abs_dem": np.abs(d[:, None] - d[None, :]), "abs_corr": np.abs(c[:, None] - c[None, :]),
            }
        frames.append(pd.DataFrame({k: v.reshape(-1) for k, v in parts.items()}).assign(year=year))
    return pd.concat(frames, ignore_index=True)


def pair_shares(pairs: pd.DataFrame, pers) -> pd.DataFrame:
    """Table 7: % of pair-years (non-missing) with each indicator = 1, by period (later period first)."""
    per = _period_of(pairs["year"], pers)
    labels = [f"{a}-{b}" for a, b in reversed(pers)]
    return (100 * pairs[list(TABLE7_ROWS)].groupby(per).mean()).T.reindex(columns=labels)


def difference_stats(pairs: pd.DataFrame, pers) -> pd.DataFrame:
    """Table 8: min, mean, median, max of |ΔDem| and |ΔCorr| by period, rows (variable, period)."""
    per = _period_of(pairs["year"], pers)
    rows = {}
    for v in TABLE8_ROWS:
        g = pairs[v].groupby(per)
        stats = pd.DataFrame({"Min": g.min(), "Mean": g.mean(), "Median": g.median(), "Max": g.max()})
        for a, b in reversed(pers):
            rows[(v, f"{a}-{b}")] = stats.loc[f"{a}-{b}"]
    return pd.DataFrame(rows).T


def table7(result: GravityRun) -> pd.DataFrame:
    """Table 7 layout: our shares next to the paper's, and what our number is."""
    ours = pair_shares(pair_values(result.country_year, result.settings["income_missing"]), result.periods)
    out = _shares_beside_paper(ours, "Table 7")
    if result.kind == "synthetic":
        out["our number is"] = pd.Series(SYNTH_ROLE_TABLE7)
    else:
        src = "gsdb" if result.kind == "wiod" else result.settings["real_sanctions"]
        out["our number is"] = "real data (V-Dem, World Bank)"
        out.loc["SancOR", "our number is"] = f"real data ({src.upper() if src != 'either' else 'TIES or EUSANCT'})"
    out.index = [TABLE7_ROWS[v] for v in out.index]
    return out


def table8(result: GravityRun) -> pd.DataFrame:
    """Table 8 layout: |differences| of democracy and corruption by period, ours and the paper's."""
    ours = difference_stats(pair_values(result.country_year, result.settings["income_missing"]), result.periods)
    paper = published()
    paper = paper[paper["table"] == "Table 8"]
    rows = {}
    for v, name in TABLE8_ROWS.items():
        for ours_label, paper_label in zip(reversed(result.period_labels), PAPER_PERIODS):
            rows[f"{name}, ours {ours_label}"] = ours.loc[(v, ours_label)].map(lambda x: f"{x:.3f}")
            p = paper[paper["row"] == f"{v} {paper_label}"].set_index("column")["estimate"]
            rows[f"{name}, paper {paper_label}"] = p.reindex(["min", "mean", "median", "max"]).set_axis(
                ["Min", "Mean", "Median", "Max"]).map(lambda x: f"{x:.3f}")
    return pd.DataFrame(rows).T


def upper_income_share(result: GravityRun) -> pd.Series:
    """Share of countries classified upper-income (upper-middle or high) by year, missing excluded."""
    return result.country_year.groupby("year")["upper"].mean()
