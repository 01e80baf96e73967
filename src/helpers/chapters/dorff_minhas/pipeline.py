"""Dorff & Minhas (2017), "When do states say uncle?": parameters and chapter logic (no glue, no display).

Notebooks call: ``defaults()``/``PARAMETERS``, ``choose(p)``, ``analysis_frame(p)``, ``fit_models``,
``paper_table``, ``summary_table``, ``outcome_table``, ``scenario_curves``, ``cross_validate``,
``record_table``; the raw-data rebuild is ``rebuild_from_ties``.
"""
from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

import numpy as np
import pandas as pd

from helpers.data import choose_source
from helpers.data import dorff_minhas as dm
from helpers.methods import cox
from helpers.params import Boolean, Choice, Integer, ListOf, Text, with_defaults

SLUG = "dorff_minhas"
GENERATOR = "helpers.synth.dorff_minhas"

PARAMETERS = {
    "data_source": Choice("auto", "real", "synthetic", doc="archive files, or the calibrated generator"),
    "quick": Boolean(doc="smoke-run settings (fewer folds / scenario points)"),
    "imputed": Boolean(doc="True: the archive's imputed covariates (Table 2); False: listwise deletion (Table 3)"),
    "issue_subset": Choice("all", "secur", doc="all issue areas, or the archive's security-issue cases"),
    "lag_mode": Choice("row", "calendar", "calendar_network",
                       doc="archive's lag by row within target; a clean t-1 for all lagged covariates; or a clean "
                           "t-1 for the two network terms only (others as the archive)"),
    "network_cases": Choice("imposed", "all", doc="cases feeding the networks: imposed only, or threats too"),
    "reciprocity_measure": Choice("srm", "raw_counts", doc="SRM relationship effect, or raw cumulative counts"),
    "se_type": Choice("model", "cluster", doc="model-based SEs (coxph default) or clustered by case"),
    "ties": Choice("efron", "breslow"),
    "ph_tt_terms": ListOf(Text(), doc="covariates interacted with log(time) (fn 15)"),
    "sample_end_year": Integer(1990, 2009),
    "cv_folds": Integer(2, 20),
    "cv_seed": Integer(0, None),
    "auc_mode": Choice("faithful", "corrected"),
    "seed": Integer(0, None, doc="seed of the synthetic generator"),
}

BASELINE = dict(data_source="auto", quick=False, imputed=True, issue_subset="all", lag_mode="row",
                network_cases="imposed", reciprocity_measure="srm", se_type="model", ties="efron",
                ph_tt_terms=[], sample_end_year=2005, cv_folds=6, cv_seed=6886, auc_mode="faithful",
                seed=20170601)

MONADIC = ["lag1_polity2", "lag1_lgdpCAP", "lag1_gdpGR", "lag1_lpopulation", "lag1_domSUM"]
DYADIC = ["noS", "Ddistdata", "lag1_tdata", "lag1_allydata"]
NETWORK = ["lag1_uData", "lag1_SuData2"]
MODELS = {"Model 1": MONADIC, "Model 2": DYADIC + MONADIC, "Model 3": NETWORK + DYADIC + MONADIC}
LABELS = {
    "lag1_uData": "Compliance Reciprocity", "lag1_SuData2": "Sanction Reciprocity",
    "noS": "Number of Senders", "Ddistdata": "Distance", "lag1_tdata": "Trade", "lag1_allydata": "Ally",
    "lag1_polity2": "Polity", "lag1_lgdpCAP": "Ln(GDP per capita)", "lag1_gdpGR": "GDP Growth",
    "lag1_lpopulation": "Population", "lag1_domSUM": "Internal Conflict", "compliance": "Compliance",
}
ORDER = NETWORK + DYADIC + MONADIC
UNLAGGED = {"lag1_polity2": "polity2", "lag1_lgdpCAP": "lgdpCAP", "lag1_gdpGR": "gdpGR",
            "lag1_lpopulation": "lpopulation", "lag1_domSUM": "domSUM",
            "lag1_tdata": "tdata", "lag1_allydata": "allydata"}
EVENT = "compliance"


def defaults(**overrides) -> SimpleNamespace:
    """The paper's baseline parameters (as a namespace like ``validate`` returns), with overrides."""
    return SimpleNamespace(**with_defaults(BASELINE, overrides))


def slug(text: str) -> str:
    keep = "".join(ch if ch.isalnum() else "_" for ch in str(text).lower())
    return "_".join(filter(None, keep.split("_")))


def glue_key(table: str, row: str, column: str) -> str:
    return f"{SLUG}.{slug(table)}.{slug(row)}.{slug(column)}"


def choose(p):
    """Which data the chapter runs on: the archive (and network inputs) or the generator."""
    return choose_source(p.data_source, dm.ARCHIVE_KEYS + dm.NETWORK_KEYS, generator=GENERATOR, seed=p.seed)


# ---------------------------------------------------------------------------------------------
# Analysis frame
# ---------------------------------------------------------------------------------------------
def _network_cases(kind: str) -> pd.DataFrame:
    if kind == "imposed":
        return dm.archive_cases()
    cases = dm.ties_cases(imposed_only=False)
    return cases


def network_terms(frame: pd.DataFrame, p, year_offset: int = 0) -> pd.DataFrame:
    """Unlagged compliance/sanction reciprocity of each case-year from the networks of year + offset."""
    return _recompute_reciprocity(frame, p, year_offset)


def row_lag_same_year_share(frame: pd.DataFrame) -> float:
    """Share of rows whose archive 'lag' (previous row of the target) is a row of the same year."""
    srt = frame.sort_values(["targetstate", "year"], kind="stable")
    prev = srt.groupby("targetstate")["year"].shift(1)
    return float((prev == srt["year"]).mean())


@lru_cache(maxsize=4)
def _network_matrices(network_cases: str, measure: str):
    cases = _network_cases(network_cases)
    years = range(1960, 2014)
    comp = dm.reciprocity_matrices(dm.cumulative_networks(cases, years, "compliance"), measure)
    sanc = dm.reciprocity_matrices(dm.cumulative_networks(cases, years, "sanction"), measure)
    return comp, sanc


def _recompute_reciprocity(frame: pd.DataFrame, p, year_offset: int = 0) -> pd.DataFrame:
    comp, sanc = _network_matrices(p.network_cases, p.reciprocity_measure)
    shifted = frame.assign(year=frame["year"] + year_offset)
    return pd.DataFrame({"uData": dm.sender_means(shifted, comp),
                         "SuData2": dm.sender_means(shifted, sanc, transpose=True)}, index=frame.index)


def analysis_frame(p, choice=None) -> pd.DataFrame:
    """Case-year frame for the Cox models under parameters ``p`` (archive or synthetic)."""
    if choice is not None and choice.kind == "synthetic":
        from helpers.synth.dorff_minhas import generate
        frame = generate(seed=p.seed, imputed=p.imputed).frame
    else:
        frame = dm.archive_frame(p.imputed, p.issue_subset)
        custom_net = p.reciprocity_measure != "srm" or p.network_cases != "imposed"
        if p.lag_mode == "calendar_network":
            rec = _recompute_reciprocity(frame, p, year_offset=-1)
            frame["lag1_uData"], frame["lag1_SuData2"] = rec["uData"], rec["SuData2"]
        elif p.lag_mode == "row":
            if custom_net:
                rec = _recompute_reciprocity(frame, p)
                lagged = dm.row_lag(frame.assign(uData=rec["uData"], SuData2=rec["SuData2"]), ["uData", "SuData2"])
                frame["lag1_uData"], frame["lag1_SuData2"] = lagged["uData"], lagged["SuData2"]
        else:
            mon = dm.calendar_lag(frame, [UNLAGGED[c] for c in MONADIC], "monadic")
            for c in MONADIC:
                frame[c] = mon[UNLAGGED[c]].to_numpy()
            dy = dm.calendar_lag(frame, ["tdata", "allydata"], "dyadic")
            frame["lag1_tdata"], frame["lag1_allydata"] = dy["tdata"].to_numpy(), dy["allydata"].to_numpy()
            rec = _recompute_reciprocity(frame, p, year_offset=-1)
            frame["lag1_uData"], frame["lag1_SuData2"] = rec["uData"], rec["SuData2"]
    frame = frame[frame["year"] <= p.sample_end_year].copy()
    for term in p.ph_tt_terms:
        if term not in ORDER:
            raise ValueError(f"ph_tt_terms: {term!r} is not a model covariate; use one of {ORDER}")
        if not np.allclose(frame["stop"] - frame["start"], 1):
            raise ValueError("ph_tt_terms needs unit-length (yearly) intervals")
        frame[f"{term}:log(t)"] = frame[term] * np.log(frame["stop"])
    return frame


def model_terms(name: str, p) -> list[str]:
    terms = list(MODELS[name])
    return terms + [f"{t}:log(t)" for t in p.ph_tt_terms if t in terms]


def fit_models(frame: pd.DataFrame, p, models=("Model 1", "Model 2", "Model 3")) -> dict:
    cluster = "caseid" if p.se_type == "cluster" else None
    return {m: cox.fit_cox(frame, model_terms(m, p), event=EVENT, ties=p.ties, cluster=cluster) for m in models}


# ---------------------------------------------------------------------------------------------
# Tables printed like the paper
# ---------------------------------------------------------------------------------------------
def r_round(x: float, digits: int = 3) -> str:
    """R's ``round(x, digits)`` as printed by xtable/format: no trailing zeros ('0.1', '-0.22')."""
    v = round(float(x), digits)
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def r_stars(p: float) -> str:
    p = round(float(p), 3)
    return "**" if p < 0.05 else "*" if p < 0.10 else ""


def paper_table(results: dict) -> pd.DataFrame:
    """Coefficient (stars) over (SE), then n, Events, LR test, as Table 2/3 print."""
    cols = list(results)
    terms = [t for t in ORDER if any(t in r.params.index for r in results.values())]
    extra = [t for r in results.values() for t in r.params.index if t not in ORDER]
    rows, index = [], []
    for t in terms + list(dict.fromkeys(extra)):
        est, se = [], []
        for c in cols:
            r = results[c]
            if t in r.params.index:
                est.append(r_round(r.params[t]) + r_stars(r.pvalues[t]))
                se.append(f"({r_round(r.bse[t])})")
            else:
                est.append(""), se.append("")
        rows += [est, se]
        index += [LABELS.get(t, t), ""]
    rows.append([str(r.nobs) for r in results.values()]); index.append("n")
    rows.append([str(r.n_events) for r in results.values()]); index.append("Events")
    rows.append([f"{r_round(r.lr_stat, 2)} ({r_round(r.lr_pvalue, 2)})" for r in results.values()])
    index.append("Likelihood ratio test")
    return pd.DataFrame(rows, index=pd.Index(index, name="Variable"), columns=cols)


def published(table: str) -> pd.DataFrame:
    from helpers.report.scorecard import load_published
    pub = load_published(SLUG)
    return pub.xs(table, level="table")


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


def side_by_side(ours: pd.DataFrame, theirs: pd.DataFrame) -> pd.DataFrame:
    cols = pd.MultiIndex.from_product([ours.columns, ["replication", "paper"]])
    out = pd.DataFrame(index=ours.index, columns=cols)
    for c in ours.columns:
        out[(c, "replication")] = ours[c].to_numpy()
        out[(c, "paper")] = theirs[c].to_numpy() if c in theirs else ""
    return out


def summary_stats(frame: pd.DataFrame) -> pd.DataFrame:
    """Table 4/5: N, mean, median, SD, min, max on ``na.omit`` over the outcome and Model 3 covariates."""
    cols = [EVENT] + MODELS["Model 3"]
    d = frame[cols].dropna()
    out = pd.DataFrame({"N": d.count(), "Mean": d.mean(), "Median": d.median(), "Std. Dev.": d.std(),
                        "Min.": d.min(), "Max.": d.max()})
    out.index = [LABELS[c] for c in cols]
    return out


def summary_table_text(stats_: pd.DataFrame) -> pd.DataFrame:
    return stats_.apply(lambda col: [str(int(v)) if col.name == "N" else r_round(v, 2) for v in col])


def outcome_counts(cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table 1 and the outcome shares: imposed cases by final outcome (TIES codes)."""
    cases = dm.archive_cases() if cases is None else cases
    fo = cases["finaloutcome"]
    n = len(cases)
    table1 = pd.DataFrame({"Frequency": [int((fo == 8).sum()), int((fo == 9).sum())]},
                          index=["Capitulation by Sender After Imposition", "Stalemate after Sanctions Imposition"])
    shares = pd.Series({
        "Share of imposed cases complied by 2013": 100 * fo.isin(dm.COMPLIANCE_CODES).sum() / n,
        "Share of imposed cases ongoing": 100 * fo.isna().sum() / n,
        "Share of imposed cases terminated otherwise": 100 * fo.isin([8, 9]).sum() / n,
    })
    return table1, shares, n


# ---------------------------------------------------------------------------------------------
# Figures 3-5: survival scenarios
# ---------------------------------------------------------------------------------------------
SCENARIO_VARS = {"lag1_lgdpCAP": "Figure 3", "noS": "Figure 4", "lag1_uData": "Figure 5a", "lag1_SuData2": "Figure 5b"}


def scenario_frame(frame: pd.DataFrame, fit: cox.CoxResults, var: str, quantiles=(0.1, 0.9)) -> pd.DataFrame:
    """Two rows: ``var`` at its P10 / P90 (``noS``: min / max, as the archive), others at their means
    over the estimation sample."""
    d = frame[fit.names + [EVENT]].dropna()
    base = d[fit.names].mean()
    if var == "noS":
        lo, hi = d[var].min(), d[var].max()
    else:
        lo, hi = np.quantile(d[var], quantiles)   # R's default type-7 quantile
    rows = pd.DataFrame([base, base], index=["low", "high"])
    rows[var] = [lo, hi]
    return rows


def scenario_curves(frame: pd.DataFrame, fit: cox.CoxResults) -> dict:
    return {v: cox.predict_survival(fit, scenario_frame(frame, fit, v)) for v in SCENARIO_VARS}


# ---------------------------------------------------------------------------------------------
# Figures 6-7: cross-validation
# ---------------------------------------------------------------------------------------------
def cross_validate(frame: pd.DataFrame, p, times=None) -> dict:
    """Case-grouped K-fold CV: per fold, fit Models 1-3 on the other folds (na.omit per model), keep the
    Model 3 reciprocity estimates (Figure 6) and the out-of-sample Chambless-Diao AUC (Figure 7)."""
    times = np.arange(1, 17) if times is None else np.asarray(times)
    folds = cox.case_folds(frame["caseid"], p.cv_folds, p.cv_seed)
    fold_of = frame["caseid"].map(folds)
    coefs, aucs = [], []
    for k in sorted(folds.unique()):
        train, test = frame[fold_of != k], frame[fold_of == k]
        for name in MODELS:
            terms = model_terms(name, p)
            fit = cox.fit_cox(train, terms, event=EVENT, ties=p.ties)
            tr = train[terms + ["start", "stop", EVENT, "caseid"]].dropna()
            te = test[terms + ["start", "stop", EVENT, "caseid"]].dropna()
            lp_tr, lp_te = fit.predict_lp(tr), fit.predict_lp(te)
            if p.auc_mode == "faithful":
                auc = cox.survauc_cd_faithful(tr["start"], tr["stop"], lp_tr, te["start"], lp_te, times)
            else:
                last = te.groupby("caseid").tail(1)
                auc = cox.cd_auc_from_fit(fit, fit.predict_lp(last), times)
            aucs.append(pd.DataFrame({"fold": k, "model": name, "time": times, "auc": auc}))
            if name == "Model 3":
                ci = fit.tidy().set_index("term")
                for t in NETWORK:
                    coefs.append(dict(fold=k, term=LABELS[t], estimate=fit.params[t], se=fit.bse[t],
                                      p_value=ci.loc[t, "p_value"]))
    return {"coefs": pd.DataFrame(coefs), "auc": pd.concat(aucs, ignore_index=True), "folds": folds}


# ---------------------------------------------------------------------------------------------
# Scorecard helpers
# ---------------------------------------------------------------------------------------------
def record_models(card, table: str, results: dict, decimals: int = 3) -> None:
    """One scorecard row per coefficient, SE, n, events and LR of a Table 2/3-style result, exact to the
    printed decimals (R's round drops trailing zeros, so the decimals are passed, not read off the text)."""
    pub = published(table)
    for col, res in results.items():
        for t in res.params.index:
            lab = LABELS.get(t)
            if lab is None or (lab, col) not in pub.index:
                continue
            card.record(table, lab, col, res.params[t], rule="exact", decimals=decimals)
            card.record(table, lab, f"{col} SE", res.bse[t], rule="exact", decimals=decimals)
        card.record(table, "n", col, res.nobs, rule="exact", decimals=0)
        card.record(table, "Events", col, res.n_events, rule="exact", decimals=0)
        card.record(table, "Likelihood ratio test", col, res.lr_stat, rule="exact", decimals=2)


def record_recovery(card, table: str, results: dict, truth: dict) -> None:
    """Synthetic runs: Model 3 estimates against the generator's true coefficients (within 2 SE)."""
    res = results["Model 3"]
    for t, beta in truth.items():
        card.record(table, LABELS[t], "Model 3", res.params[t], rule="recovery", truth=beta, se=res.bse[t], k=2,
                    note="method check on synthetic data: truth = generator coefficient")


# ---------------------------------------------------------------------------------------------
# Rebuild from raw TIES v4.1 + peacesciencer (extension)
# ---------------------------------------------------------------------------------------------
REBUILD_MONADIC = {"polity2": "lag1_polity2", "lgdpCAP": "lag1_lgdpCAP", "gdpGR": "lag1_gdpGR",
                   "lpopulation": "lag1_lpopulation", "domSUM": "lag1_domSUM"}


@lru_cache(maxsize=4)
def _rebuild_unlagged(network_cases: str, measure: str, imputed: bool) -> pd.DataFrame:
    cases = dm.ties_cases(imposed_only=True)
    net_cases = cases if network_cases == "imposed" else dm.ties_cases(imposed_only=False)
    cy = dm.case_years(cases, 1960, 2013)
    members = {y: set(dm.panel_countries(y)) for y in range(1960, 2014)}
    alias = {255: 260, 679: 678, 316: 315}
    tgt = []
    for t, y in zip(cy["targetstate"].astype(int), cy["year"].astype(int)):
        m = members[y]
        tgt.append(t if t in m else alias.get(t, -1) if alias.get(t, -1) in m else np.nan)
    cy["targetstate"] = tgt
    cy = cy.dropna(subset=["targetstate"])
    cy = cy[cy["targetstate"] != 1000]
    for col in dm.SENDER_COLS:
        cy[col] = [alias.get(int(s), s) if pd.notna(s) and int(s) not in members[int(y)] else s
                   for s, y in zip(cy[col], cy["year"])]
    years = range(1960, 2014)
    comp = dm.reciprocity_matrices(dm.cumulative_networks(net_cases, years, "compliance"), measure)
    sanc = dm.reciprocity_matrices(dm.cumulative_networks(net_cases, years, "sanction"), measure)
    cy["uData"] = dm.sender_means(cy, comp)
    cy["SuData2"] = dm.sender_means(cy, sanc, transpose=True)
    dy = dm.dyadic_covariates(cy)
    cy = cy.join(dy)
    arch = dm.archive_frame(imputed)
    mon = arch[["targetstate", "year"] + list(REBUILD_MONADIC)].drop_duplicates(["targetstate", "year"])
    cy = cy.merge(mon, on=["targetstate", "year"], how="left")
    return cy


def rebuild_from_ties(p, network_cases: str | None = None, row_order: str = "newest_first") -> pd.DataFrame:
    """Case-year frame rebuilt from raw TIES v4.1: cases (imposed, corrected), yearly networks, SRM
    reciprocity (our code), sender means, row lags; dyadic covariates from peacesciencer; target-state
    covariates (polity, WDI, CNTS) from the archive's country-year values (CNTS is not public).

    ``row_order`` orders concurrent cases of a target-year before the archive-style row lag: newest case
    first, or the archive's own file order where the case-year exists in the archive."""
    cy = _rebuild_unlagged(network_cases or p.network_cases, p.reciprocity_measure, bool(p.imputed)).copy()
    arch = dm.archive_frame(p.imputed)
    cy = cy[cy["year"] <= 2009]
    if row_order == "archive":           # concurrent cases in the archive's (undocumented) file order
        order = {k: i for i, k in enumerate(zip(arch["caseid"], arch["year"]))}
        cy = cy.assign(_pos=[order.get(k, np.inf) for k in zip(cy["caseid"], cy["year"])])
        cy = cy.sort_values(["targetstate", "year", "_pos", "startyear"], ascending=[True, True, True, False],
                            kind="stable").drop(columns="_pos").reset_index(drop=True)
    elif row_order == "newest_first":
        cy = cy.sort_values(["targetstate", "year", "startyear", "caseid"], ascending=[True, True, False, True],
                            kind="stable").reset_index(drop=True)
    else:
        raise ValueError(f"row_order must be 'newest_first' or 'archive', got {row_order!r}")
    lag_cols = ["uData", "SuData2", "tdata", "allydata"] + list(REBUILD_MONADIC)
    lagged = dm.row_lag(cy, lag_cols)
    for c in lag_cols:
        cy[REBUILD_MONADIC.get(c, f"lag1_{c}")] = lagged[c]
    return cy[cy["year"] <= p.sample_end_year].reset_index(drop=True)


def compare_to_archive(rebuilt: pd.DataFrame, archive: pd.DataFrame, variables=None) -> pd.DataFrame:
    """Per variable: rows matched on (case, year), correlation, share identical (|diff| < 1e-6),
    mean absolute difference."""
    variables = variables or (["compliance"] + MODELS["Model 3"])
    key = ["caseid", "year"]
    m = archive[key + variables].merge(rebuilt[key + variables], on=key, suffixes=("_archive", "_rebuilt"))
    rows = []
    for v in variables:
        a, b = m[f"{v}_archive"], m[f"{v}_rebuilt"]
        ok = a.notna() & b.notna()
        same = (np.abs(a[ok] - b[ok]) < 1e-6).mean() if ok.any() else np.nan
        corr = np.corrcoef(a[ok], b[ok])[0, 1] if ok.sum() > 2 and a[ok].std() > 0 and b[ok].std() > 0 else np.nan
        rows.append(dict(variable=LABELS.get(v, v), rows_compared=int(ok.sum()), correlation=corr,
                         share_identical=same, mean_abs_diff=float(np.abs(a[ok] - b[ok]).mean())))
    out = pd.DataFrame(rows).set_index("variable")
    out.attrs["rows_archive"] = len(archive)
    out.attrs["rows_rebuilt"] = len(rebuilt)
    out.attrs["rows_matched"] = len(m)
    return out


# ---------------------------------------------------------------------------------------------
# Figures (matplotlib / networkx); each returns a Figure
# ---------------------------------------------------------------------------------------------
LOW_HIGH_COLOURS = {"low": "#F8766D", "high": "#00BFC4"}   # ggplot defaults used by the archive


def _draw_arrows(ax, pos, edges, colours, widths, offset=0.0, shrink=0.06):
    """Directed edges as one quiver call (fast; networkx draws one patch per arrow). ``offset`` shifts
    each edge sideways so that i→j and j→i are drawn apart."""
    if not edges:
        return
    p0 = np.array([pos[a] for a, _ in edges], float)
    p1 = np.array([pos[b] for _, b in edges], float)
    d = p1 - p0
    length = np.linalg.norm(d, axis=1, keepdims=True)
    unit = d / np.where(length > 0, length, 1)
    normal = np.column_stack([-unit[:, 1], unit[:, 0]])
    start = p0 + unit * shrink + normal * offset
    vec = d - 2 * unit * shrink
    ax.quiver(start[:, 0], start[:, 1], vec[:, 0], vec[:, 1], angles="xy", scale_units="xy", scale=1,
              color=colours, width=0.0025, linewidths=np.asarray(widths) * 0.0 + 0.0,
              headwidth=4, headlength=5, headaxislength=4.5, alpha=0.8)


def figure_network(year: int = 1984, seed: int = 12345):
    """Figure 1: the sanction network of cases active in ``year`` (archive ``smatList``), isolates
    dropped, Fruchterman–Reingold (spring) layout; node colour from the capital's latitude/longitude ranks."""
    import matplotlib.pyplot as plt
    import networkx as nx
    from helpers.data import load

    M = dm.archive_sanction_networks()["smatList"][year]
    G = nx.DiGraph()
    rows, cols = np.nonzero(M.to_numpy())
    for r, c in zip(rows, cols):
        G.add_edge(int(M.index[r]), int(M.columns[c]), weight=float(M.iat[r, c]))
    caps = next(iter(load("peacesciencer_cow_capitals").values()))
    caps = caps.drop_duplicates("ccode", keep="last").set_index("ccode")
    cow = {260: 255, 678: 679, 315: 316}
    nodes = list(G.nodes)
    lat = pd.Series([caps["lat"].get(cow.get(n, n), np.nan) for n in nodes], index=nodes)
    lng = pd.Series([caps["lng"].get(cow.get(n, n), np.nan) for n in nodes], index=nodes)
    r1, r2 = lat.rank(pct=True).fillna(0.5), lng.rank(pct=True).fillna(0.5)
    colours = [(float(r1[n]), float(r2[n]), 0.0) for n in nodes]
    comps = sorted(nx.connected_components(G.to_undirected()), key=len, reverse=True)
    main = G.to_undirected().subgraph(comps[0])
    pos = nx.spring_layout(main, seed=seed, k=1.6 / np.sqrt(len(comps[0])), iterations=300)
    for i, comp in enumerate(comps[1:]):          # small components in a column at the right
        for j, node in enumerate(sorted(comp)):
            pos[node] = np.array([1.25 + 0.12 * j, 0.9 - 0.25 * i])
    deg = pd.Series(dict(G.degree()))
    names = dm.country_names()
    labels = {n: names.get(n, str(n)) for n in nodes if deg[n] > deg.quantile(0.8)}
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    _draw_arrows(ax, pos, list(G.edges), "#9a9a9a", [0.6] * G.number_of_edges(), shrink=0.02)
    nx.draw_networkx_nodes(G, pos, ax=ax, node_color=colours, node_size=40)
    nx.draw_networkx_labels(G, pos, labels, ax=ax, font_size=7)
    ax.set_axis_off()
    ax.set_title(f"Sanction network, cases active in {year} ({G.number_of_nodes()} states, {G.number_of_edges()} dyads)")
    return fig


def figure_reciprocity(years=(1972, 1992, 2012), top: int = 5):
    """Figure 2: compliance-network SRM relationship effects among the states with the largest
    absolute row and column sums; blue = positive (reciprocated), red = negative."""
    import matplotlib.pyplot as plt
    import networkx as nx

    srm = dm.archive_compliance_srm()["ueffect"]
    names = dm.country_names()
    fig, axes = plt.subplots(1, len(years), figsize=(4.2 * len(years), 4.4))
    for ax, y in zip(np.atleast_1d(axes), years):
        g = srm[y]
        rows = g.abs().sum(1).nlargest(top).index
        cols = g.abs().sum(0).nlargest(top).index
        keep = list(dict.fromkeys(list(rows) + list(cols)))
        sub = g.loc[keep, keep]
        G = nx.DiGraph()
        G.add_nodes_from(keep)
        for i in keep:
            for j in keep:
                if i != j and abs(sub.loc[i, j]) > 1e-9:
                    G.add_edge(i, j, w=float(sub.loc[i, j]))
        pos = nx.circular_layout(G)
        ecol = ["#67A9CF" if d["w"] > 0 else "#EF8A62" for _, _, d in G.edges(data=True)]
        width = [1.5 * np.log(abs(d["w"]) + 1) + 0.3 for _, _, d in G.edges(data=True)]
        size = [60 * (np.sqrt(sub[n].abs().sum()) + 1) for n in G.nodes]
        _draw_arrows(ax, pos, list(G.edges), ecol, width, offset=0.025, shrink=0.1)
        nx.draw_networkx_nodes(G, pos, ax=ax, node_color="#dddddd", node_size=size)
        nx.draw_networkx_labels(G, pos, {n: names.get(n, str(n))[:14] for n in G.nodes}, ax=ax, font_size=7)
        ax.set_title(f"Compliance: {y}")
        ax.margins(0.18)
        ax.set_axis_off()
    fig.tight_layout()
    return fig


def figure_scenario(pred, var: str, horizon: float = 20):
    """Figures 3–5: predicted survival (no compliance) at the low/high scenario with 90% and 95% bands."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    t = pred.time
    keep = t <= horizon
    for lev, alpha in ((0.95, 0.15), (0.90, 0.2)):
        lo, hi = pred.band(lev)
        for lab in pred.survival.columns:
            ax.fill_between(t[keep], lo[lab][keep], hi[lab][keep], step="post", color=LOW_HIGH_COLOURS[lab],
                            alpha=alpha, linewidth=0)
    for lab in pred.survival.columns:
        val = pred.scenarios.loc[lab, var]
        ax.step(t[keep], pred.survival[lab][keep], where="post", color=LOW_HIGH_COLOURS[lab],
                label=f"{lab}: {LABELS[var]} = {val:.2f}")
    ax.set_xlabel("Time (Years)")
    ax.set_ylabel("Survival Probability")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, horizon)
    ax.legend(loc="lower left", fontsize=8)
    return fig


def figure_cv_coefficients(coefs: pd.DataFrame):
    """Figure 6: Model 3 reciprocity estimates per training fold with 90% (thick) and 95% (thin) CIs."""
    import matplotlib.pyplot as plt

    terms = list(dict.fromkeys(coefs["term"]))
    fig, axes = plt.subplots(1, len(terms), figsize=(7, 3), sharey=False)
    for ax, term in zip(np.atleast_1d(axes), terms):
        d = coefs[coefs["term"] == term]
        for _, r in d.iterrows():
            sig = abs(r["estimate"] / r["se"]) > 1.645
            col = "black" if sig else "grey"
            ax.plot([r["estimate"] - 1.96 * r["se"], r["estimate"] + 1.96 * r["se"]], [r["fold"]] * 2, color=col, lw=1)
            ax.plot([r["estimate"] - 1.645 * r["se"], r["estimate"] + 1.645 * r["se"]], [r["fold"]] * 2, color=col, lw=3)
            ax.plot(r["estimate"], r["fold"], "o", color=col)
        ax.axvline(0, color="#c0392b", ls="--", lw=0.8)
        ax.set_title(term)
        ax.set_yticks(sorted(d["fold"].unique()))
        ax.set_ylabel("Fold")
    fig.tight_layout()
    return fig


def figure_auc(auc: pd.DataFrame):
    """Figure 7: out-of-sample time-dependent AUC by fold; solid = Model 1, dotted = 2, dashed = 3."""
    import matplotlib.pyplot as plt

    folds = sorted(auc["fold"].unique())
    ncol = 3
    nrow = int(np.ceil(len(folds) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(8, 2.6 * nrow), squeeze=False)
    styles = {"Model 1": "-", "Model 2": ":", "Model 3": "--"}
    for ax, k in zip(axes.ravel(), folds):
        d = auc[auc["fold"] == k]
        for m, ls in styles.items():
            dm_ = d[d["model"] == m]
            ax.plot(dm_["time"], dm_["auc"], ls, color="black", label=m)
        ax.set_title(f"Fold {k}")
        ax.set_xticks(range(0, 16, 3))
        ax.set_xlabel("Time (years)")
        ax.set_ylabel("AUC")
    for ax in axes.ravel()[len(folds):]:
        ax.set_axis_off()
    axes.ravel()[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def show_table(frame: pd.DataFrame, caption: str | None = None):
    """Styler for display/glue; the row labels become a column (paper tables repeat blank labels)."""
    from helpers.report import tables

    flat = frame.reset_index()
    if isinstance(flat.columns, pd.MultiIndex):
        flat.columns = pd.MultiIndex.from_tuples([(a, b) if a != flat.columns[0][0] else (a, "") for a, b in flat.columns])
    return tables.show(flat, caption).hide(axis="index")


def fill_scorecard(card, p, choice) -> None:
    """Every scorecard row of the chapter: Tables 1–5, the security table, Figures 3–7 (archive), or the
    recovery of the generator's coefficients (synthetic)."""
    if choice.is_real:
        table1, shares, _ = outcome_counts()
        for row, v in table1["Frequency"].items():
            card.record("Table 1", row, "Frequency", v, rule="exact")
        for row, v in shares.items():
            card.record("Text", row, "Percent", v, rule="tolerance", abs=1.0, note="text gives rounded percentages")
        for imputed, table, stats_table in ((True, "Table 2", "Table 4"), (False, "Table 3", "Table 5")):
            q = defaults(**{**vars(p), "imputed": imputed})
            frame = analysis_frame(q, choice)
            record_models(card, table, fit_models(frame, q))
            st = summary_stats(frame)
            for row in st.index:
                for col in st.columns:
                    card.record(stats_table, row, col, st.loc[row, col], rule="exact", decimals=0 if col == "N" else 2)
        for imputed, col in ((False, "Unimputed"), (True, "Imputed")):
            q = defaults(**{**vars(p), "imputed": imputed, "issue_subset": "secur"})
            fit = fit_models(analysis_frame(q, choice), q, ("Model 3",))["Model 3"]
            record_models(card, "Security table", {col: fit}, decimals=2)
        q = defaults(**vars(p))
        frame = analysis_frame(q, choice)
        m3 = fit_models(frame, q, ("Model 3",))["Model 3"]
        curves = scenario_curves(frame, m3)
        s = {v: curves[v].at(5) for v in curves}
        card.record("Figure 5a", "Non-compliance at 5 years, high compliance reciprocity (P90)", "Survival", s["lag1_uData"]["high"], rule="tolerance", abs=0.02)
        card.record("Figure 5a", "Non-compliance at 5 years, low compliance reciprocity (P10)", "Survival", s["lag1_uData"]["low"], rule="tolerance", abs=0.02)
        card.record("Figure 4", "Non-compliance at 5 years, multiple senders", "Survival", s["noS"]["high"], rule="tolerance", abs=0.02)
        card.record("Figure 4", "Non-compliance at 5 years, single sender", "Survival", s["noS"]["low"], rule="tolerance", abs=0.02)
        card.record("Figure 3", "Compliance gap at 5 years, poor minus rich target", "Difference",
                    s["lag1_lgdpCAP"]["high"] - s["lag1_lgdpCAP"]["low"], rule="tolerance", abs=0.02)
        if not p.quick:
            q = defaults(**{**vars(p), "imputed": False, "sample_end_year": 2009})
            cv = cross_validate(analysis_frame(q, choice), q)
            coefs = cv["coefs"]
            keep = sum(all(np.sign(g["estimate"]) == (1 if t == "Compliance Reciprocity" else -1)) and (g["p_value"] < 0.10).all()
                       for t, g in coefs.groupby("term")) == 2
            card.record("Figure 6", "Reciprocity estimates keep sign and 90% significance in every fold", "Folds",
                        coefs["fold"].nunique() if keep else 0, rule="qualitative", holds=keep, claim="sign and 10% significance in all folds")
            auc = cv["auc"].pivot_table(index=["fold", "time"], columns="model", values="auc")
            early = auc[auc.index.get_level_values("time") <= 15]
            wins = early.groupby("fold").apply(lambda d: ((d["Model 3"] > d["Model 1"]) & (d["Model 3"] > d["Model 2"])).mean())
            n_best = int((wins > 0.5).sum())
            card.record("Figure 7", "Model 3 AUC above Models 1 and 2 before 15 years", "Folds", n_best, rule="qualitative",
                        holds=n_best >= 4, claim="Model 3 best at most horizons in >= 4 of 6 folds (spec rule)")
    else:
        from helpers.synth.dorff_minhas import TRUE_BETA
        frame = analysis_frame(p, choice)
        record_recovery(card, "Table 2", fit_models(frame, p), TRUE_BETA)
        card.unavailable("Table 1", "Capitulation by Sender After Imposition", "Frequency", "synthetic run: no TIES case table")
