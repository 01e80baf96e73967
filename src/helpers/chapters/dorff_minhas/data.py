"""Dorff & Minhas data: which files the chapter runs on, what each page states about them, and the builders.

Two routes to the sanction-case-year frame behind the Cox models:

* **archive**: the authors' final analysis files (`s7minhas/Magnesium`, `Replication/Data/*.rda`), read as
  shipped (``archive_frame``);
* **rebuilt**: from raw TIES v4.1 (``ties_cases`` → ``case_years``), yearly cumulative sanction and
  compliance networks (``cumulative_networks``), SRM reciprocity (``helpers.methods.srm``) aggregated over
  each case's state senders (``sender_means``), and dyadic covariates from peacesciencer's COW tables
  (``dyadic_covariates``). Target-state covariates are taken from the archive (CNTS is proprietary),
  see ``helpers.chapters.dorff_minhas.rebuild``.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from helpers.chapter import DataStatement
from helpers.data import DataChoice, choose_source, load
from helpers.methods.srm import srm_effects

KEYS = {
    "imputed_all": "magnesium_durDataImp_SancOnly_all",
    "raw_all": "magnesium_durData_SancOnly_all",
    "imputed_secur": "magnesium_durDataImp_SancOnly_secur",
    "raw_secur": "magnesium_durData_SancOnly_secur",
    "cases": "magnesium_sanctionData_all",
    "sanction_net": "magnesium_sanctionNet_all",
    "comp_srm": "magnesium_compSRM_all",
    "panel": "magnesium_panel",
}
ARCHIVE_KEYS = [KEYS[k] for k in ("imputed_all", "raw_all", "imputed_secur", "raw_secur")]
NETWORK_KEYS = [KEYS[k] for k in ("cases", "sanction_net", "comp_srm", "panel")]
TIES_KEY = "ties_v4_1_xls"
PEACESCIENCER_KEYS = {
    "alliance": "peacesciencer_cow_alliance",
    "trade": "peacesciencer_cow_trade_ndy",
    "mindist": "peacesciencer_cow_mindist",
}
CAPITALS_KEY = "peacesciencer_cow_capitals"
GENERATOR = "helpers.chapters.dorff_minhas.synth"
SENDER_COLS = [f"sender{k}_ccode" for k in range(1, 6)]
COMPLIANCE_CODES = (1, 2, 5, 6, 7, 10)
# The archive's panel codes of three states whose COW code changed (Germany, Yemen, Czech Republic), and back
PANEL_CODE = {255: 260, 679: 678, 316: 315}
COW_CODE = {panel: cow for cow, panel in PANEL_CODE.items()}


# ---------------------------------------------------------------------------------------------
# Which data, and what each page says about them
# ---------------------------------------------------------------------------------------------
def choose_data(settings) -> DataChoice:
    """The archive's analysis files and network inputs, or the calibrated generator (see ``data_source``)."""
    return choose_source(settings.data_source, ARCHIVE_KEYS + NETWORK_KEYS, generator=GENERATOR, seed=settings.seed)


PAGES = (None, "descriptives", "robustness", "cross_validation", "rebuild", "scorecard")   # None: the Cox models


def describe_data(settings, page: str | None = None) -> DataStatement:
    """What a page (one of PAGES) runs on."""
    if page not in PAGES:       # a misspelt page= would state the default page's data
        raise ValueError(f"dorff_minhas has no page {page!r}; pages: {', '.join(map(repr, PAGES))}")
    if not settings.data.is_real:
        generated = ("outcome: compliance in each case-year, drawn from a proportional hazard with the paper's "
                     "Model 3 coefficients",
                     "covariates: the eleven Model 3 covariates, from the calibrated generator")
        if page == "rebuild":
            return DataStatement(note="The rebuild needs raw TIES and the archive: nothing is computed on this page.")
        if page == "descriptives":
            return DataStatement(generated=generated, note="Table 1 and Figures 1-2 need the archive: not shown.")
        return DataStatement(generated=generated)
    if page == "descriptives":
        return DataStatement(real=(
            "Table 1 and the outcome shares: the archive's cleaned TIES case table",
            "Tables 4-5: the archive's imputed and unimputed analysis files",
            "Figure 1: the archive's sanction networks; node colours from peacesciencer's COW capitals",
            "Figure 2: the archive's SRM estimates of the compliance networks"))
    if page == "rebuild":
        return DataStatement(real=(
            "cases, outcome, senders and both networks: raw TIES v4.1 with the archive's five corrections",
            "Ally, Distance, Trade: COW alliances, minimum distances and dyadic trade (peacesciencer)",
            "target-state covariates (Polity, WDI, CNTS): the archive's country-year values",
            "for comparison: the archive's case table, SRM estimates and analysis file"))
    imputed = settings.cv_imputed if page == "cross_validation" else settings.imputed
    subset = ", security-issue cases" if settings.issue_subset == "secur" else ""
    real = ["outcome: compliance in each case-year, as coded in the archive's analysis file",
            f"covariates: the archive's {'imputed' if imputed else 'unimputed'} analysis file{subset}"]
    if page == "robustness":
        real.append("variants: reciprocity recomputed from the archive's case table with our SRM code"
                    + ("" if settings.quick else " (with threatened cases: from raw TIES v4.1)")
                    + "; the archive's unlagged covariates lagged by calendar year")
    else:
        if settings.lag_mode == "calendar":
            real.append("lags: the archive's unlagged covariates, lagged by calendar year")
        if settings.lag_mode != "row" or settings.reciprocity_measure != "srm" or settings.network_cases != "imposed":
            cases = "raw TIES v4.1 (threatened cases too)" if settings.network_cases == "all" else "the archive's case table"
            real.append(f"network terms: recomputed from {cases} with our SRM code")
    if page == "scorecard":
        real.append("Table 1: the archive's cleaned TIES case table")
    return DataStatement(real=tuple(real))


# Bapat's TIES corrections applied by the archive's SanctionDataCleaner.R
TIES_CORRECTIONS = [
    (1990999901, {"threat": 1}),
    (1983011301, {"imposition": 1}),
    (1973070501, {"startmonth": 1, "startday": 9, "sancimpositionstartmonth": 1,
                  "sancimpositionstartday": 9, "finaloutcome": 8}),
    (2002041106, {"endyear": 2004}),
    (2002041103, {"targetstate": 490}),
]


# ---------------------------------------------------------------------------------------------
# Archive files
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _archive(imputed: bool, issue_subset: str) -> pd.DataFrame:
    key = KEYS[("imputed_" if imputed else "raw_") + issue_subset]
    frame = load(key)["aData"].copy()
    frame.columns = [str(c) for c in frame.columns]
    return frame.reset_index(drop=True)


def archive_frame(imputed: bool = True, issue_subset: str = "all") -> pd.DataFrame:
    """The authors' analysis frame ``aData`` (one row per sanction case-year, 1960-2009)."""
    if issue_subset not in ("all", "secur"):
        raise ValueError(f"issue_subset must be 'all' or 'secur', got {issue_subset!r}")
    return _archive(bool(imputed), issue_subset).copy()


@lru_cache(maxsize=1)
def archive_cases() -> pd.DataFrame:
    """The archive's cleaned TIES case table (845 imposed cases)."""
    cases = load(KEYS["cases"])["sanctionData"].copy()
    cases.columns = [str(c) for c in cases.columns]
    cases["compliance"] = cases["finaloutcome"].isin(COMPLIANCE_CODES).astype(int)
    return cases.reset_index(drop=True)


@lru_cache(maxsize=1)
def archive_panel() -> pd.DataFrame:
    panel = load(KEYS["panel"])["panel"].copy()
    panel.columns = [str(c) for c in panel.columns]
    return panel.reset_index(drop=True)


def panel_countries(year: int) -> list[int]:
    """Country codes (the archive's `ccode`) in the panel for `year`, in panel order (matrix order)."""
    p = archive_panel()
    year = min(int(year), int(p["year"].max()))          # 2013 networks reuse the 2012 panel
    return [int(c) for c in p.loc[p["year"] == year, "ccode"]]


def country_names() -> dict[int, str]:
    p = archive_panel().drop_duplicates("ccode", keep="last")
    return {int(c): str(n) for c, n in zip(p["ccode"], p["CNTRY_NAME"])}


@lru_cache(maxsize=1)
def archive_sanction_networks() -> dict:
    """{'smatList': {year: DataFrame}, 'csmatList': {...}}: active and cumulative sanction matrices."""
    nets = load(KEYS["sanction_net"])
    return {k: {int(y): _relabel(m) for y, m in v.items()} for k, v in nets.items()}


@lru_cache(maxsize=1)
def archive_compliance_srm() -> dict:
    srm = load(KEYS["comp_srm"])
    return {"ueffect": {int(y): _relabel(m) for y, m in srm["ueffect"].items()},
            "actor": {int(y): m.iloc[:, 0].rename(index=int) for y, m in srm["actorEffect"].items()}}


def capitals() -> pd.DataFrame:
    """Capital latitude and longitude by COW code (peacesciencer's COW capitals, each state's last record)."""
    caps = next(iter(load(CAPITALS_KEY).values()))
    return caps.drop_duplicates("ccode", keep="last").set_index("ccode")[["lat", "lng"]]


def _relabel(m: pd.DataFrame) -> pd.DataFrame:
    m = m.copy()
    m.index = [int(float(i)) for i in m.index]
    m.columns = [int(float(c)) for c in m.columns]
    return m


# ---------------------------------------------------------------------------------------------
# TIES raw data → cases, case-years, networks
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _ties_raw() -> pd.DataFrame:
    return load(TIES_KEY)


def ties_cases(imposed_only: bool = True, apply_corrections: bool = True) -> pd.DataFrame:
    """TIES v4.1 cases with the archive's five corrections; senders/target mapped to the panel codes
    (COW 255 Germany → 260 after 1990 is mapped by the rebuild)."""
    t = _ties_raw().copy()
    t.columns = [str(c) for c in t.columns]
    if apply_corrections:
        for caseid, fix in TIES_CORRECTIONS:
            for col, val in fix.items():
                t.loc[t["caseid"] == caseid, col] = val
    if imposed_only:
        t = t[t["imposition"] == 1]
    t = t.copy()
    for k in range(1, 6):
        t[f"sender{k}_ccode"] = t[f"sender{k}"].where(t[f"sender{k}"] < 1000)   # IGO/EU senders → NA
    t["targetstate_ccode"] = t["targetstate"].where(t["targetstate"] < 1000)
    t["compliance"] = t["finaloutcome"].isin(COMPLIANCE_CODES).astype(int)
    return t.reset_index(drop=True)


def cumulative_networks(cases: pd.DataFrame, years, kind: str, window: int | None = None) -> dict:
    """Yearly cumulative matrices over the panel countries of each year.

    kind='sanction': S_y[j, i] = # cases with start year <= y, sender j, target i (row = sender).
    kind='compliance': C_y[i, j] = # compliant cases with end year <= y, target i, sender j (row = target).
    """
    if kind not in ("sanction", "compliance"):
        raise ValueError(f"kind must be 'sanction' or 'compliance', got {kind!r}")
    dyads = []
    for k in range(1, 6):
        d = cases[["caseid", "startyear", "endyear", "compliance", "targetstate_ccode", f"sender{k}_ccode"]]
        dyads.append(d.rename(columns={f"sender{k}_ccode": "sender"}))
    dy = pd.concat(dyads).dropna(subset=["sender", "targetstate_ccode"])
    if kind == "compliance":
        dy = dy[(dy["compliance"] == 1) & dy["endyear"].notna()]
        dy = dy.assign(when=dy["endyear"], row=dy["targetstate_ccode"], col=dy["sender"])
    else:
        dy = dy.assign(when=dy["startyear"], row=dy["sender"], col=dy["targetstate_ccode"])
    out = {}
    for y in years:
        members = panel_countries(y)
        idx = {c: i for i, c in enumerate(members)}
        sel = dy[dy["when"] <= y]
        if window is not None:
            sel = sel[sel["when"] > y - window]
        r = sel["row"].map(lambda c: idx.get(int(c), idx.get(PANEL_CODE.get(int(c), -1))))
        c = sel["col"].map(lambda c: idx.get(int(c), idx.get(PANEL_CODE.get(int(c), -1))))
        ok = r.notna() & c.notna() & (r != c)
        M = np.zeros((len(members), len(members)))
        np.add.at(M, (r[ok].astype(int).to_numpy(), c[ok].astype(int).to_numpy()), 1.0)
        out[y] = pd.DataFrame(M, members, members)
    return out


def reciprocity_matrices(networks: dict, measure: str = "srm") -> dict:
    """Per year, the dyadic score used for reciprocity: SRM relationship effect g (``srm``) or the raw
    cumulative count (``raw_counts``)."""
    if measure == "raw_counts":
        return networks
    if measure != "srm":
        raise ValueError(f"reciprocity measure must be 'srm' or 'raw_counts', got {measure!r}")
    by_size: dict[int, list] = {}
    for y, M in networks.items():
        by_size.setdefault(M.shape[0], []).append(y)
    out = {}
    for n, ys in by_size.items():
        g = srm_effects(np.stack([networks[y].to_numpy() for y in ys])).relationship
        for t, y in enumerate(ys):
            out[y] = pd.DataFrame(g[t], networks[y].index, networks[y].columns)
    return out


def sender_means(frame: pd.DataFrame, matrices: dict, transpose: bool = False) -> pd.Series:
    """Archive ``netMelt``: for each case-year row, mean over the case's state senders s of
    M_year[target, s] (or M_year[s, target] with ``transpose``). NA when the year has no matrix or no
    sender is in it."""
    out = np.full(len(frame), np.nan)
    years = frame["year"].to_numpy()
    tgt = frame["targetstate"].to_numpy()
    senders = frame[SENDER_COLS].to_numpy(float)
    for y in np.unique(years):
        if int(y) not in matrices:
            continue
        M = matrices[int(y)]
        A = M.to_numpy().T if transpose else M.to_numpy()
        pos = {c: i for i, c in enumerate(M.index)}
        rows = np.where(years == y)[0]
        ti = np.array([pos.get(int(t), -1) for t in tgt[rows]])
        si = np.vectorize(lambda s: pos.get(int(s), -1) if np.isfinite(s) else -1)(senders[rows])
        vals = np.where((ti[:, None] >= 0) & (si >= 0), A[np.clip(ti, 0, None)[:, None], np.clip(si, 0, None)], np.nan)
        masked = np.where(si >= 0, vals, np.nan)
        count = np.isfinite(masked).sum(axis=1)
        total = np.nansum(masked, axis=1)
        out[rows] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return pd.Series(out, index=frame.index)


def row_lag(frame: pd.DataFrame, columns, by: str = "targetstate") -> pd.DataFrame:
    """The archive's ``lagDataSM``: sort by (target, year) keeping file order within a year, and take the
    previous *row* within the target (not the previous calendar year, not the same case)."""
    order = frame.sort_values([by, "year"], kind="stable")
    lagged = order.groupby(by)[list(columns)].shift(1)
    return lagged.reindex(frame.index)


def calendar_lag(frame: pd.DataFrame, columns, kind: str) -> pd.DataFrame:
    """Clean t-1 lags: monadic (``kind='monadic'``) by target and calendar year from the target-year
    values present in the frame; dyadic (``kind='dyadic'``) by case and calendar year."""
    key = ["targetstate"] if kind == "monadic" else ["caseid"]
    base = frame[key + ["year"] + list(columns)].drop_duplicates(key + ["year"])
    prev = base.assign(year=base["year"] + 1)
    merged = frame[key + ["year"]].merge(prev, on=key + ["year"], how="left")
    merged.index = frame.index
    return merged[list(columns)]


def case_years(cases: pd.DataFrame, first_year: int = 1960, last_year: int = 2013) -> pd.DataFrame:
    """One row per case-year from the case start year to its end year (NA → 2013), with the case's
    duration clock (``durationSM`` = 1, 2, …), start/stop = clock - 1 / clock and the compliance event
    on the last row of a compliant case; rows outside [first_year, last_year] dropped (delayed entry)."""
    c = cases.dropna(subset=["targetstate_ccode"]).copy()
    c = c[c[SENDER_COLS].notna().any(axis=1)]                       # drop IGO-only sender cases
    end = c["endyear"].fillna(2013).astype(int)
    start = c["startyear"].astype(int)
    length = (end - start + 1).clip(lower=1)
    rep = c.loc[c.index.repeat(length)].copy()
    clock = rep.groupby(level=0).cumcount() + 1
    rep["year"] = start.loc[rep.index].to_numpy() + clock.to_numpy() - 1
    rep["durationSM"] = clock.to_numpy()
    rep["start"] = rep["durationSM"] - 1
    rep["stop"] = rep["durationSM"]
    last = rep["year"] == end.loc[rep.index].to_numpy()
    rep["compliance"] = (last & (rep["compliance"] == 1)).astype(int)
    rep = rep[(rep["year"] >= first_year) & (rep["year"] <= last_year)]
    rep["targetstate"] = rep["targetstate_ccode"]
    rep["noS"] = rep[SENDER_COLS].notna().sum(axis=1)
    return rep.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# peacesciencer dyadic covariates (public COW data)
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _peacesciencer(name: str) -> pd.DataFrame:
    obj = load(PEACESCIENCER_KEYS[name])
    frame = next(iter(obj.values())) if isinstance(obj, dict) else obj
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _sender_long(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (frame row, state sender) with COW codes for the peacesciencer tables."""
    parts = []
    for col in SENDER_COLS:
        d = pd.DataFrame({"row": np.arange(len(frame)), "target": frame["targetstate"].to_numpy(),
                          "sender": frame[col].to_numpy(), "year": frame["year"].to_numpy()})
        parts.append(d.dropna())
    long = pd.concat(parts, ignore_index=True)
    for c in ("target", "sender", "year"):
        long[c] = long[c].astype(int)
    long["target"] = long["target"].replace(COW_CODE)
    long["sender"] = long["sender"].replace(COW_CODE)
    return long


def dyadic_covariates(frame: pd.DataFrame, proximity_km: float = 200.0, trade_start_year: int = 1970) -> pd.DataFrame:
    """Sender-mean dyadic covariates for each case-year from public COW data (peacesciencer):
    ``allydata`` = share of senders with any COW formal alliance (v4.1) with the target (NA after 2012),
    ``Ddistdata`` = share of senders within ``proximity_km`` minimum distance (CShapes, peacesciencer),
    ``tdata`` = mean over senders of the sender's share in the target's logged trade (COW dyadic trade
    v4.0; log of total trade, row-standardised by the target's sum), 0 before ``trade_start_year``."""
    long = _sender_long(frame)
    ally = _peacesciencer("alliance")[["ccode1", "ccode2", "year"]].drop_duplicates().astype(int)
    ally = ally.rename(columns={"ccode1": "target", "ccode2": "sender"}).assign(ally=1.0)
    long = long.merge(ally, on=["target", "sender", "year"], how="left")
    long["ally"] = np.where(long["year"] <= int(ally["year"].max()), long["ally"].fillna(0.0), np.nan)
    md = _peacesciencer("mindist")[["ccode1", "ccode2", "year", "mindist"]]
    md = pd.concat([md, md.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})])
    md = md.rename(columns={"ccode1": "target", "ccode2": "sender"})
    md[["target", "sender", "year"]] = md[["target", "sender", "year"]].astype(int)
    long = long.merge(md.drop_duplicates(["target", "sender", "year"]), on=["target", "sender", "year"], how="left")
    long["near"] = (long["mindist"] <= proximity_km).astype(float)
    tr = _peacesciencer("trade")
    tr = tr[tr["year"] >= trade_start_year]
    total = tr["flow1"].clip(lower=0).fillna(0) + tr["flow2"].clip(lower=0).fillna(0)
    v = np.log(total.where(total > 0, 1.0)).clip(lower=0)
    t1 = pd.DataFrame({"target": tr["ccode1"].astype(int), "sender": tr["ccode2"].astype(int),
                       "year": tr["year"].astype(int), "v": v.to_numpy()})
    both = pd.concat([t1, t1.rename(columns={"target": "sender", "sender": "target"})])
    rs = both.groupby(["target", "year"])["v"].transform("sum")
    both["share"] = np.where(rs > 0, both["v"] / rs.where(rs > 0, 1.0), 0.0)
    long = long.merge(both[["target", "sender", "year", "share"]], on=["target", "sender", "year"], how="left")
    long["share"] = np.where(long["year"] >= trade_start_year, long["share"].fillna(0.0), 0.0)
    agg = long.groupby("row").agg(allydata=("ally", "mean"), Ddistdata=("near", "mean"), tdata=("share", "mean"))
    return agg.reindex(np.arange(len(frame))).set_index(frame.index)
