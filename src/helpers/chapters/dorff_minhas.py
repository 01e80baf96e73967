"""Dorff & Minhas (2017), "When do states say uncle?": parameters and chapter logic (no glue, no display).

Notebooks call: ``defaults()``/``PARAMETERS``, ``choose(p)``, ``analysis_frame(p)``, ``fit_models``,
``paper_table``, ``summary_table``, ``outcome_table``, ``scenario_curves``, ``cross_validate``,
``record_table``; the raw-data rebuild is ``rebuild_from_ties``.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from helpers.data import choose_source
from helpers.data import dorff_minhas as dm
from helpers.methods import cox
from helpers.params import Boolean, Choice, Integer, ListOf, Text

SLUG = "dorff_minhas"
GENERATOR = "helpers.synth.dorff_minhas"

PARAMETERS = {
    "data_source": Choice("auto", "real", "synthetic", doc="archive files, or the calibrated generator"),
    "quick": Boolean(doc="smoke-run settings (fewer folds / scenario points)"),
    "imputed": Boolean(doc="True: the archive's imputed covariates (Table 2); False: listwise deletion (Table 3)"),
    "issue_subset": Choice("all", "secur", doc="all issue areas, or the archive's security-issue cases"),
    "lag_mode": Choice("row", "calendar", doc="archive's lag by row within target, or a clean t-1"),
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
    bad = set(overrides) - set(BASELINE)
    if bad:
        raise KeyError(f"unknown parameters {sorted(bad)}; known: {sorted(BASELINE)}")
    return SimpleNamespace(**{**BASELINE, **overrides})


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


def _recompute_reciprocity(frame: pd.DataFrame, p, year_offset: int = 0) -> pd.DataFrame:
    cases = _network_cases(p.network_cases)
    years = range(1960, 2014)
    comp = dm.reciprocity_matrices(dm.cumulative_networks(cases, years, "compliance"), p.reciprocity_measure)
    sanc = dm.reciprocity_matrices(dm.cumulative_networks(cases, years, "sanction"), p.reciprocity_measure)
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
        if p.lag_mode == "row":
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
def record_models(card, table: str, results: dict, exact: bool = True) -> None:
    """One scorecard row per coefficient, SE, n, events and LR of a Table 2/3-style result."""
    pub = published(table)
    for col, res in results.items():
        for t in res.params.index:
            lab = LABELS.get(t)
            if lab is None or (lab, col) not in pub.index:
                continue
            card.record(table, lab, col, res.params[t], rule="exact", decimals=3)
            card.record(table, lab, f"{col} SE", res.bse[t], rule="exact", decimals=3)
        card.record(table, "n", col, res.nobs, rule="exact", decimals=0)
        card.record(table, "Events", col, res.n_events, rule="exact", decimals=0)
        card.record(table, "Likelihood ratio test", col, res.lr_stat, rule="exact", decimals=2)


def record_recovery(card, table: str, results: dict, truth: dict) -> None:
    """Synthetic runs: Model 3 estimates against the generator's true coefficients (within 2 SE)."""
    res = results["Model 3"]
    for t, beta in truth.items():
        card.record(table, LABELS[t], "Model 3", res.params[t], rule="recovery", truth=beta, se=res.bse[t], k=2,
                    note="method check on synthetic data: truth = generator coefficient")
