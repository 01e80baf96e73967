"""Phillips & Ahmad (2026), unexplained trade from gravity residuals: parameters and glue-free chapter logic.

The chapter runs one pipeline (`run_chapter`) on either data source:

* ``synthetic``: the seeded structural-gravity world of `helpers.synth.phillips_ahmad` (14 sectors, 1995-2022,
  the named countries plus generic ones, true coefficients = the paper's Tables 5-6, injected routes);
* ``real``: the Yotov et al. (2016) manufacturing panel with domestic flows (69 countries, 1986-2006) plus
  V-Dem, World Bank income groups, DESTA and TIES sanctions (`helpers.data.phillips_ahmad`). This is a method
  application on real data, not the paper's numbers (ITPD-E, the Dynamic Gravity Dataset and GSDB are not in
  the offline mirror; `helpers.data.phillips_ahmad` reads them for users who have them).

Results are cached on disk per parameter set (`.cache/phillips_ahmad/`), so the chapter's notebooks share
one run of the 28 + 28 regressions.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from helpers import paths
from helpers.cache import cached
from helpers.params import Boolean, Choice, Integer, Number, with_defaults

SLUG = "phillips_ahmad"
SECTORS = (
    "Food", "Apparel", "Wood/paper", "Fuel", "Chemicals/pharma", "Plastics/rubber",
    "Nonmetallic minerals", "Metals", "Fabricated metals", "Machinery", "Appliances", "Electronics",
    "Transportation equipment", "Misc.",
)
QUICK_SECTORS = ("Chemicals/pharma", "Metals", "Machinery", "Electronics")
REAL_KEYS = ("yotov_agtpa_chapter1application1", "yotov_agtpa_applications_rda", "cepii_geo",
             "vdem_v14_lite", "wb_income_class_long", "ties_v4_1_xls", "desta_dyads_v2_3", "desta_withdrawals_v2_3",
             "eusanct_case_level")
GENERATOR = "helpers.synth.phillips_ahmad"
SYNTH_FULL_N_GENERIC = 180     # 208 countries: the paper's "more than two hundred", the book's default
QUICK_N_GENERIC = 20           # 48 countries in quick (smoke) runs

PARAMETERS = {
    "data_source": Choice("auto", "real", "synthetic",
                          doc="auto = the synthetic paper-scale world (the paper's ITPD-E/DGD/GSDB are not offline); "
                              "real = the Yotov et al. manufacturing panel (method application, 1986-2006)"),
    "quick": Boolean(doc="4 sectors and a smaller world, for smoke runs"),
    "seed": Integer(0, 2**31 - 1, doc="synthetic world seed"),
    "n_generic": Integer(0, 400, doc="generic countries added to the 28 named ones (180 = full scale)"),
    "sectors": Choice("all", "quick", *SECTORS, doc="all 14, the 4 quick-mode sectors, or one sector"),
    "fe_structure": Choice("exp_year+imp_year", "exp_year+imp_year+pair", "exp+imp+year"),
    "include_domestic": Boolean(),
    "zero_policy": Choice("keep_all", "drop_zeros"),
    "residual_def": Choice("level", "ratio", "pearson", "log", "relative"),
    "min_trade_ratio": Number(0, None, doc="ratio residuals only where trade >= this (USD m; 0.001 = $1,000)"),
    "second_stage_estimator": Choice("ols_levels", "ols_ratio", "ppml_onestep"),
    "control_log_trade": Boolean(),
    "second_stage_sample": Choice("positive_incl_domestic", "international_only"),
    "income_missing": Choice("zero", "drop"),
    "sigma_pair": Number(0, 3),
    "sigma_iid": Number(0, 3),
    "zero_inflation": Boolean(),
    "route_share_scale": Number(0, 5, doc="multiplies every injected route's share (0 = no re-routing)"),
    "band": Choice("pct", "boot_median"),
    "demeaner": Choice("rust", "within"),
    "real_sanctions": Choice("ties", "eusanct", "either",
                             doc="sanctions source of the real application: TIES v4.1 total embargoes (any sender, "
                                 "to 2005), EUSANCT total embargoes (EU/US/UN senders, cases active 1989-2015), or either"),
    "real_fta": Choice("rta", "desta", "either",
                       doc="FTA regressor of the real application: the Yotov panel's RTA dummy (agreements entering "
                           "into force 1987-2006 only), a DESTA v2.3 agreement in force (entry into force to "
                           "withdrawal), or either"),
    "split_year": Integer(0, 2022, doc="first year of the later of the two periods; 0 = the data's default split "
                                       "(2010 in the synthetic 1995-2022 world, as in the paper; 1996 on the real "
                                       "1986-2006 panel)"),
}

DEFAULTS = dict(
    data_source="auto", quick=False, seed=1, n_generic=SYNTH_FULL_N_GENERIC, sectors="all",
    fe_structure="exp_year+imp_year", include_domestic=True, zero_policy="keep_all", residual_def="level",
    min_trade_ratio=0.001, second_stage_estimator="ols_levels", control_log_trade=True,
    second_stage_sample="positive_incl_domestic", income_missing="zero", sigma_pair=0.6, sigma_iid=0.3,
    zero_inflation=True, route_share_scale=1.0, band="pct", demeaner="rust", real_sanctions="ties", real_fta="rta",
    split_year=0,
)


@lru_cache(maxsize=1)
def published() -> pd.DataFrame:
    """The paper's transcribed numbers (data/published/phillips_ahmad.csv): targets and calibration inputs."""
    path = paths.PUBLISHED / f"{SLUG}.csv"
    if not path.exists():
        raise FileNotFoundError(f"Published numbers for {SLUG} are missing: expected {path}.")
    return pd.read_csv(path, dtype={"stars": str, "note": str}, keep_default_na=False,
                       na_values={"estimate": [""], "se": [""]})


GEO_TERMS = ("abs_dem", "DEMO", "DICT", "abs_corr", "LowCorr", "Sanc", "U11", "U01", "U10")
GEO_LABELS = {"abs_dem": "|Dem_i - Dem_j|", "DEMO": "DEM (both > .75)", "DICT": "DICT (both < .25)",
              "abs_corr": "|Corr_i - Corr_j|", "LowCorr": "LowCorr (both < .5)", "Sanc": "Sanc (XOR)",
              "U11": "U_i=1, U_j=1", "U01": "U_i=0, U_j=1", "U10": "U_i=1, U_j=0"}
GRAVITY_LABELS = {"ln_dist": "log(Distance)", "contig": "Contiguity", "colony": "Colonial Ties",
                  "legal": "Legal Origin", "lang": "Language", "fta": "FTA", "landlocked": "Landlocked",
                  "island": "Island", "dom": "Domestic trade"}
CACHE_VERSION = "1"


def settings(**overrides) -> dict:
    """DEFAULTS updated with `overrides` (unknown names are an error)."""
    return with_defaults(DEFAULTS, overrides, what="chapter settings")


AUTO_REASON = ("the paper's data (USITC ITPD-E sector flows, the Dynamic Gravity Dataset and GSDB sanctions) are not "
               "in the offline mirror, so the paper's tables are rebuilt on the calibrated structural-gravity world")


def resolve_data_source(data_source: str, seed: int = 1, prefer_real: bool = False):
    """`auto` means the synthetic paper-scale world (the paper's own data are not offline); the real Yotov
    panel is a different exercise (one sector, 1986-2006), used when asked (`real`, or `prefer_real`)."""
    from helpers.data import choose_source
    from helpers.data.choose import DataChoice

    if data_source == "real" or (prefer_real and data_source == "auto"):
        return choose_source(data_source, REAL_KEYS, generator=GENERATOR, seed=seed)
    if data_source == "synthetic":
        return choose_source("synthetic", REAL_KEYS, generator=GENERATOR, seed=seed)
    return DataChoice("synthetic", data_source, (), generator=GENERATOR, seed=seed, reason=AUTO_REASON)


def sector_list(s: dict) -> tuple[str, ...]:
    if s["data_source"] == "real":
        return ("Manufacturing",)
    if s["quick"] or s["sectors"] == "quick":
        return QUICK_SECTORS
    if s["sectors"] == "all":
        return SECTORS
    return (s["sectors"],)


def periods(s: dict) -> tuple[tuple[int, int], ...]:
    """The two sample periods, split at `split_year` (0 = the data's default split)."""
    first, last, default = (1986, 2006, 1996) if s["data_source"] == "real" else (1995, 2022, 2010)
    split = s["split_year"] or default
    if not first < split <= last:
        raise ValueError(f"split_year = {split} is outside the {s['data_source']} data's years {first}-{last}: give "
                         f"a year from {first + 1} to {last}, or 0 for the default split ({default}).")
    return ((first, split - 1), (split, last))


def gravity_vars(s: dict) -> list[str]:
    from helpers.synth.phillips_ahmad import GRAVITY_VARS

    x = list(GRAVITY_VARS)
    if s["data_source"] == "real":
        from helpers.data.phillips_ahmad import YOTOV_GRAVITY_VARS
        x = list(YOTOV_GRAVITY_VARS)
    if not s["include_domestic"]:
        x.remove("dom")
    return x


def world(s: dict, route_share_scale: float | None = None):
    """The synthetic world for these settings (quick mode: at most 48 countries)."""
    from helpers.synth.phillips_ahmad import DEFAULT_ROUTES, PLACEBO_ROUTE, SyntheticWorld

    scale = s["route_share_scale"] if route_share_scale is None else route_share_scale
    routes = tuple((o, h, d, t0, sh * scale) for o, h, d, t0, sh in DEFAULT_ROUTES) + (PLACEBO_ROUTE,)
    n_generic = min(s["n_generic"], QUICK_N_GENERIC) if s["quick"] else s["n_generic"]
    return SyntheticWorld(seed=s["seed"], n_generic=n_generic, sigma_pair=s["sigma_pair"],
                          sigma_iid=s["sigma_iid"], zero_inflation=s["zero_inflation"], routes=routes)


def _prepare(panel: pd.DataFrame, s: dict) -> pd.DataFrame:
    if not s["include_domestic"]:
        panel = panel[panel["exporter"] != panel["importer"]]
    if s["zero_policy"] == "drop_zeros":
        panel = panel[panel["trade"] > 0]
    return panel


@dataclass
class ChapterRun:
    """Everything the chapter's notebooks show, for one parameter set."""

    settings: dict
    kind: str
    gravity: list            # RegressionResult per sector x period (without data)
    resid: pd.DataFrame      # exporter, importer, year, sector, period, trade, yhat, resid, ratio, ...
    geo: pd.DataFrame        # second-stage pair variables (exporter, importer, year, GEO_TERMS)
    stage2: list             # RegressionResult per sector x period
    adding_up: pd.DataFrame
    timings: dict = field(default_factory=dict)
    truth: pd.DataFrame | None = None
    injected: pd.DataFrame | None = None
    country_year: pd.DataFrame | None = None

    @cached_property
    def countries(self) -> frozenset:
        """The exporters in `resid` (found once: the frame has 17M rows at the paper's scale)."""
        return frozenset(pd.unique(self.resid["exporter"]))

    def coef_table(self) -> pd.DataFrame:
        return pd.concat([r.tidy().assign(nobs=r.nobs, apr2=r.stats.get("apr2"), pr2=r.stats.get("pr2"))
                          for r in self.gravity], ignore_index=True)

    def stage2_table(self) -> pd.DataFrame:
        return pd.concat([r.tidy().assign(nobs=r.nobs) for r in self.stage2], ignore_index=True)


_CODE = ("methods/gravity.py", f"synth/{SLUG}.py", f"chapters/{SLUG}.py", f"data/{SLUG}.py")


def _cached(tag: str, s: dict, compute):
    """Stage results on disk per (tag, settings, code): later notebooks of the chapter reuse them."""
    return cached(SLUG, {"tag": tag, "version": CACHE_VERSION, **s}, compute, code=_CODE)


def real_counterpart(run: ChapterRun) -> ChapterRun:
    """The same settings on the real panel (its own default split: a synthetic-world split year may lie
    outside 1986-2006), for the scorecard's real-data rows."""
    return run_chapter(**{**run.settings, "data_source": "real", "split_year": 0})


def run_chapter(**overrides) -> ChapterRun:
    """Stage 1 (PPML per sector x period), residuals, and stage 2, cached on disk per settings."""
    s = settings(**overrides)
    s["data_source"] = "real" if s["data_source"] == "real" else "synthetic"
    return _cached("run", s, lambda: _run(s))


def _run(s: dict) -> ChapterRun:
    from helpers.methods import gravity as G

    t0 = time.perf_counter()
    timings, fits, checks = {}, [], []
    parts = {}     # column -> one array per fit (a list of per-fit frames would be copied whole by the concat)
    x = gravity_vars(s)
    truth = injected = country_year = None
    if s["data_source"] == "real":
        from helpers.data import phillips_ahmad as D
        base = D.yotov_panel(fta=s["real_fta"])
        country_year, geo = real_inputs(s)
        get_panel = lambda sector, per: base[(base["year"] >= per[0]) & (base["year"] <= per[1])]
    else:
        from helpers.synth.phillips_ahmad import true_betas
        w = world(s)
        geo = w.pair_geopolitics()
        truth = true_betas()
        country_year = w.country_year
        injected_parts = []

        def get_panel(sector, per):
            return w.sector_panel(sector, per)

        for sector in sector_list(s):
            if sector in w.route_sectors:
                injected_parts.append(w.draw_trade(sector)[1])
        injected = pd.concat(injected_parts, ignore_index=True) if injected_parts else None
    for sector in sector_list(s):
        for per in periods(s):
            label = {"sector": sector, "period": f"{per[0]}-{per[1]}"}
            tic = time.perf_counter()
            res = _stage1(get_panel(sector, per), x, label, s)
            timings[f"stage1 {sector} {label['period']}"] = time.perf_counter() - tic
            data = res.data
            data["sector"], data["period"] = sector, label["period"]
            checks.append({**label, **G.adding_up(data)})
            for c in ("exporter", "importer", "year", "sector", "period", "trade", "yhat"):
                parts.setdefault(c, []).append(data[c].to_numpy(copy=True))   # not a view into the panel
            res.data = data = None
            fits.append(res)
    # joined column by column; the residual columns are recomputed from trade and yhat on the joined frame
    resid = pd.DataFrame({c: np.concatenate(parts.pop(c)) for c in list(parts)})
    resid = G.add_residuals(resid, min_trade=s["min_trade_ratio"])
    stage2 = second_stage(resid, geo, s, timings)
    timings["total"] = time.perf_counter() - t0
    return ChapterRun(s, s["data_source"], fits, resid, geo, stage2, pd.DataFrame(checks), timings, truth,
                      injected, country_year)


def _stage1(panel: pd.DataFrame, x: list, label: dict, s: dict):
    """The paper's Eq. (1) on one sector x period panel: PPML with the run's fixed effects and sample rules."""
    from helpers.methods import gravity as G

    return G.fit_ppml(_prepare(panel, s), x, label=label, fe_structure=s["fe_structure"],
                      min_trade=s["min_trade_ratio"], demeaner=s["demeaner"])


def second_stage(resid: pd.DataFrame, geo: pd.DataFrame, s: dict, timings: dict | None = None,
                 estimator: str | None = None, control_log_trade: bool | None = None,
                 sample: str | None = None) -> list:
    """The paper's Eq. (2) per sector x period, or an alternative (`ols_ratio`, `ppml_onestep`)."""
    from helpers.methods import gravity as G

    estimator = estimator or s["second_stage_estimator"]
    control = s["control_log_trade"] if control_log_trade is None else control_log_trade
    sample = sample or s["second_stage_sample"]
    terms = list(GEO_TERMS)
    out = []
    # one sector x period at a time, geo attached by row position: merging all of `resid` (17M rows at full
    # scale) with `geo` at once took minutes and ~10 GB
    key = ["exporter", "importer", "year"]
    cols = key + [c for c in ("trade", "resid", "ratio") if c in resid.columns]
    geo_cols = [c for c in geo.columns if c not in key]
    geo_rows = G.row_lookup(geo, key)
    group = resid.groupby(["sector", "period"], sort=False).ngroup().to_numpy()
    for g in range(group.max() + 1 if len(group) else 0):
        tic = time.perf_counter()
        rows = np.flatnonzero(group == g)
        sector, period = resid["sector"].iat[rows[0]], resid["period"].iat[rows[0]]
        label = {"sector": sector, "period": period}
        d = pd.DataFrame({c: resid[c].to_numpy()[rows] for c in cols})
        pos = geo_rows(d)
        for c in geo_cols:
            d[c] = G.take_rows(geo[c], pos)
        if s.get("income_missing") == "drop":
            d = d.dropna(subset=["U11", "U01", "U10"])
        if estimator == "ppml_onestep":
            d = d.dropna(subset=terms)
            if sample == "international_only":
                d = d[d["exporter"] != d["importer"]]
            r = _onestep(d, s, label)
        else:
            d = d[d["trade"] > 0].dropna(subset=terms)
            if sample == "international_only" or estimator == "ols_ratio":
                d = d[d["exporter"] != d["importer"]]
            d = d.assign(ltrade=np.log(d["trade"]))
            yvar = "resid"
            if estimator == "ols_ratio":
                d = d[d["trade"] >= s["min_trade_ratio"]]
                yvar = "ratio"
            r = G.fit_ols_fe(d, yvar, terms + (["ltrade"] if control else []), label=label)
        out.append(r)
        if timings is not None:
            timings[f"stage2 {sector} {period}"] = time.perf_counter() - tic
    return out


def _onestep(d: pd.DataFrame, s: dict, label: dict):
    """One-step PPML: trade on the gravity covariates and the geopolitics terms with the same FE."""
    from helpers.methods import gravity as G

    if s["data_source"] == "real":
        from helpers.data.phillips_ahmad import yotov_panel
        cov = yotov_panel(fta=s["real_fta"])
    else:
        cov = None
    x = gravity_vars(s)
    if cov is None:
        cov = world(s).sector_panel(label["sector"], tuple(int(v) for v in label["period"].split("-")))
    pos = G.row_positions(d, cov, ["exporter", "importer", "year"])
    d = d.assign(**{v: G.take_rows(cov[v], pos) for v in x})
    r = G.fit_ppml(d, x + list(GEO_TERMS), label=label)
    r.data = None
    return r


def route_recovery(**overrides) -> pd.DataFrame:
    """Paired design (spec §7.4): same seed with and without injected routes; Δresid on the route cells,
    summed over post-start years, against the injected amounts. Also the hub's percentile among the
    destination's import residuals in the last year, with and without injection."""
    s = settings(**overrides)
    s["data_source"] = "synthetic"
    return _cached("routes", s, lambda: _route_recovery(s))


def _route_recovery(s: dict) -> pd.DataFrame:
    from helpers.methods import gravity as G
    from helpers.synth.phillips_ahmad import PLACEBO_ROUTE, inject_routes

    w = world(s)
    x = gravity_vars(s)
    per = periods(s)[1]
    rows = []
    sectors = ["Machinery"] if s["quick"] else [k for k in w.route_sectors if k in sector_list(s)]
    sectors = sectors or list(w.route_sectors)[:1]
    for sector in sectors:
        fitted = {}
        for inject in (True, False):
            panel = _prepare(w.sector_panel(sector, per, inject=inject), s)
            fitted[inject] = G.fit_ppml(panel, x, fe_structure=s["fe_structure"]).data
        # the placebo alone (share 0) in its own paired comparison: nothing may move
        y0, _ = w.draw_trade(sector, inject=False)
        y_placebo, _ = inject_routes(y0, w.isos, w.year_list, [PLACEBO_ROUTE], sector)
        placebo_fit = G.fit_ppml(_prepare(w._long(y_placebo, sector, per, True), s), x,
                                 fe_structure=s["fe_structure"]).data
        key = ["exporter", "importer", "year"]
        both_placebo = placebo_fit[key + ["resid"]].merge(fitted[False][key + ["resid"]], on=key,
                                                           suffixes=("_with", "_without"))
        both_placebo["dresid"] = both_placebo["resid_with"] - both_placebo["resid_without"]
        both = fitted[True][key + ["resid"]].merge(fitted[False][key + ["resid"]], on=key,
                                                   suffixes=("_with", "_without"))
        both["dresid"] = both["resid_with"] - both["resid_without"]
        _, records = w.draw_trade(sector, inject=True)
        last = int(per[1])
        # injected amount per cell: + on origin->hub and hub->destination, - on the diverted origin->destination
        legs = pd.concat([
            records.assign(exporter=records.origin, importer=records.hub, role="origin->hub", amount=records.amount),
            records.assign(exporter=records.hub, importer=records.destination, role="hub->destination",
                           amount=records.amount),
            records.assign(exporter=records.origin, importer=records.destination, role="diversion",
                           amount=-records.amount)])
        cells = legs.groupby(["exporter", "importer", "role"]).agg(
            injected=("amount", "sum"), start=("year", "min")).reset_index()
        for c in cells.itertuples():
            sel = (both["year"] >= c.start) & (both.exporter == c.exporter) & (both.importer == c.importer)
            rows.append({"sector": sector, "kind": "cell", "cell": f"{c.exporter}->{c.importer}", "role": c.role,
                         "injected": c.injected, "dresid": both.loc[sel, "dresid"].sum()})
        o, h, dd, t0, _ = PLACEBO_ROUTE
        for a, b, role in ((o, h, "origin->hub"), (h, dd, "hub->destination"), (o, dd, "diversion")):
            sel = (both_placebo["year"] >= t0) & (both_placebo.exporter == a) & (both_placebo.importer == b)
            rows.append({"sector": sector, "kind": "placebo", "cell": f"{a}->{b}", "role": role, "injected": 0.0,
                         "dresid": float(both_placebo.loc[sel, "dresid"].abs().max())})
        for route in w.routes:
            o, h, dd = route[:3]
            for inject, frame in fitted.items():
                imp = frame[(frame.importer == dd) & (frame.exporter != dd) & (frame.year == last)]
                hub = imp.loc[imp.exporter == h, "resid"]
                pct = float((imp["resid"] < hub.iloc[0]).mean()) if len(hub) else np.nan
                rows.append({"sector": sector, "kind": "percentile_with" if inject else "percentile_without",
                             "cell": f"{h} among {dd} imports {last}", "role": f"{o}->{h}->{dd}",
                             "injected": np.nan, "dresid": pct})
    out = pd.DataFrame(rows)
    out["recovery"] = np.where((out["kind"] == "cell") & (out["injected"].abs() > 0),
                               out["dresid"] / out["injected"].where(out["injected"] != 0), np.nan)
    return out


# ----------------------------------------------------------------------------------------------
# tables and figures for the notebooks
# ----------------------------------------------------------------------------------------------
def glue_key(table: str, row: str, column: str) -> str:
    clean = lambda s: "".join(ch if ch.isalnum() else "_" for ch in str(s).lower()).strip("_")
    return f"{SLUG}.{clean(table)}.{clean(row)}.{clean(column)}"


def _cell(b, se, p):
    from helpers.methods.gravity import stars
    return f"{b:.3g}{stars(p)} ({se:.3g})"


def gravity_table(run: ChapterRun, period: str) -> pd.DataFrame:
    """Tables 5-6 layout: ours (coef with stars, SE) by sector; for synthetic runs next to the true values
    (= the paper's estimates), for real runs alone."""
    cols = {}
    pub = published()
    table = "Table 6" if period.startswith("1995") else "Table 5"
    for r in run.gravity:
        if r.label["period"] != period:
            continue
        ours = {GRAVITY_LABELS.get(t, t): _cell(r.params[t], r.bse[t], r.pvalues[t]) for t in r.params.index}
        ours["Adjusted pseudo R²"] = f"{r.stats['apr2']:.3f}"
        ours["Observations"] = f"{r.nobs:,}"
        cols[(r.label["sector"], "ours")] = ours
        if run.kind == "synthetic":
            p = pub[(pub.table == table) & (pub.column == r.label["sector"])].set_index("row")
            cols[(r.label["sector"], "paper")] = {
                GRAVITY_LABELS.get(t, "Adjusted pseudo R²" if t == "apr2" else t):
                    f"{p.loc[t, 'estimate']:.3g}{p.loc[t, 'stars']}" for t in p.index}
    out = pd.DataFrame(cols)
    order = [GRAVITY_LABELS[v] for v in GRAVITY_LABELS if GRAVITY_LABELS[v] in out.index]
    return out.reindex(order + ["Adjusted pseudo R²", "Observations"]).fillna("")


def recovery_summary(run: ChapterRun) -> pd.DataFrame:
    """Synthetic runs: estimate minus truth in SEs, per coefficient over all sector x period fits."""
    rows = []
    for r in run.gravity:
        truth = run.truth.loc[(r.label["sector"], r.label["period"])]
        for t in r.params.index:
            rows.append({"term": t, "z": (r.params[t] - truth[t]) / r.bse[t], "dev": r.params[t] - truth[t]})
    d = pd.DataFrame(rows)
    return d.groupby("term").agg(fits=("z", "size"), mean_dev=("dev", "mean"), max_abs_dev=("dev", lambda v: v.abs().max()),
                                 share_within_2se=("z", lambda v: (v.abs() <= 2).mean())).round(3)


def _year_panel(run, value="resid"):
    return run.resid.dropna(subset=[value])


def figure_median_2022(run: ChapterRun):
    import matplotlib.pyplot as plt
    last = int(run.resid["year"].max())
    d = run.resid[run.resid["year"] == last]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    for ax, value, title in ((axes[0], "resid", "(a) residual value"), (axes[1], "ratio", "(b) residual / trade")):
        med = d.groupby("sector")[value].median().reindex(sector_list(run.settings))
        ax.barh(med.index, med.values)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_title(f"{title}, {last}")
        ax.invert_yaxis()
    axes[1].set_yticklabels([])
    fig.tight_layout()
    return fig


RESIDUAL_COLUMNS = {"level": "resid", "ratio": "ratio", "pearson": "pearson", "log": "log", "relative": "relative"}


def figure_median_yearly(run: ChapterRun):
    """Figure 3: panel (a) the residual chosen by `residual_def` (the paper's level by default), (b) the ratio."""
    import matplotlib.pyplot as plt
    from helpers.methods.gravity import median_series
    first = RESIDUAL_COLUMNS[run.settings.get("residual_def", "level")]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    label = "(a) value" if first == "resid" else f"(a) {run.settings['residual_def']} residual"
    for ax, value, title in ((axes[0], first, label), (axes[1], "ratio", "(b) fraction of bilateral trade")):
        m = median_series(run.resid, ["year"], value=value, band=run.settings["band"])
        ax.plot(m["year"], m["median"], marker="o", ms=3, label="median")
        if run.settings["band"] == "boot_median":
            ax.fill_between(m["year"], m["low"], m["high"], alpha=0.25, label="95% CI of the median")
        ax.axhline(0, color="k", lw=0.8)
        ax.set_title(title)
    fig.tight_layout()
    return fig


def median_by_year(run: ChapterRun, value: str = "resid") -> pd.DataFrame:
    from helpers.methods.gravity import median_series
    return median_series(run.resid, ["year"], value=value, band=run.settings["band"])


def figure_median_by_sector(run: ChapterRun):
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, value, title in ((axes[0], "resid", "(a) value"), (axes[1], "ratio", "(b) fraction of bilateral trade")):
        m = run.resid[["sector", "year", value]].dropna().groupby(["sector", "year"])[value].median().unstack(0)
        m.plot(ax=ax, lw=1.2, legend=False)
        ax.axhline(0, color="k", lw=0.8)
        ax.set_title(title)
    axes[1].legend(fontsize=7, ncol=2, loc="lower left")
    fig.tight_layout()
    return fig


def us_median_ratio(run: ChapterRun, reporter: str = "USA") -> pd.DataFrame:
    d = run.resid
    out = {}
    for flow, col in (("imports", "importer"), ("exports", "exporter")):
        own = d[d[col] == reporter]
        own = own[own["exporter"] != own["importer"]]
        out[flow] = own.groupby(["sector", "period"])["ratio"].median().unstack("period")
    return pd.concat(out, axis=1)


def figure_us_median_ratio(run: ChapterRun, reporter: str = "USA"):
    import matplotlib.pyplot as plt
    t = us_median_ratio(run, reporter)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, flow in zip(axes, ("imports", "exports")):
        t[flow].plot.barh(ax=ax)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_title(f"({'a' if flow == 'imports' else 'b'}) {reporter} {flow}")
        ax.invert_yaxis()
    fig.tight_layout()
    return fig


RATIO_FLOOR = -3.0     # the ratio is <= 1 but unbounded below: tiny flows would flatten the plot


def partners(run: ChapterRun, wanted) -> list:
    have = set(run.countries)
    return [c for c in wanted if c in have]


def figure_partner_series(run: ChapterRun, reporter: str, wanted, flow: str, title: str):
    import matplotlib.pyplot as plt
    from helpers.methods.gravity import partner_series
    s = partner_series(run.resid, reporter, partners(run, wanted), flow=flow, min_trade=run.settings["min_trade_ratio"])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, value, sub in ((axes[0], "resid", "unexplained value"), (axes[1], "ratio", "unexplained / trade")):
        s.pivot(index="year", columns="partner", values=value).plot(ax=ax, lw=1.4)
        ax.axhline(0, color="k", lw=0.8)
        ax.set_title(f"{title}: {sub}")
        if value == "ratio" and s["ratio"].min() < RATIO_FLOOR:
            ax.set_ylim(RATIO_FLOOR, 1.05)
            ax.set_title(f"{title}: {sub} (axis cut at {RATIO_FLOOR})")
    fig.tight_layout()
    return fig, s


def russia_2021_2022(run: ChapterRun, wanted=("CHN", "IND", "KAZ", "DEU", "FRA", "POL", "GBR", "TUR", "BLR", "ARM",
                                              "ITA", "ESP", "UKR", "USA")) -> pd.DataFrame:
    from helpers.methods.gravity import partner_series
    s = partner_series(run.resid, "RUS", partners(run, wanted), flow="exports", min_trade=run.settings["min_trade_ratio"])
    s = s[s["year"].isin([2021, 2022])]
    return s.pivot(index="partner", columns="year", values=["resid", "ratio"])


def figure_russia(run: ChapterRun):
    import matplotlib.pyplot as plt
    t = russia_2021_2022(run)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    t["resid"].plot.bar(ax=axes[0])
    t["ratio"].plot.bar(ax=axes[1])
    axes[0].set_title("Russia's unexplained exports (value)")
    axes[1].set_title("Russia's unexplained exports / trade")
    for ax in axes:
        ax.axhline(0, color="k", lw=0.8)
    fig.tight_layout()
    return fig


def figure_outliers(run: ChapterRun, reporter: str, flow: str, value: str = "resid"):
    import matplotlib.pyplot as plt
    from helpers.methods.gravity import decile_outliers
    d = decile_outliers(run.resid, reporter, flow=flow, value=value)
    fig, ax = plt.subplots(figsize=(7, max(3, 0.25 * len(d))))
    colors = ["#1b4f72" if g == "top" else "#c0392b" for g in d["group"]]
    ax.barh(d["partner"], d[value], color=colors)
    ax.axvline(0, color="k", lw=0.8)
    ax.invert_yaxis()
    ax.set_title(f"{reporter} {flow}, {int(run.resid['year'].max())}: top (blue) and bottom (red) decile")
    fig.tight_layout()
    return fig, d


def stage2_table(run: ChapterRun, period: str, results: list | None = None) -> pd.DataFrame:
    """Tables 9-10 layout: coefficient with stars and (SE) by sector; dropped terms shown as such."""
    cols = {}
    for r in (results or run.stage2):
        if r.label["period"] != period:
            continue
        col = {}
        for t in GEO_TERMS:
            col[GEO_LABELS[t]] = _cell(r.params[t], r.bse[t], r.pvalues[t]) if t in r.params else "(collinear)"
        col["Observations"] = f"{r.nobs:,}"
        cols[r.label["sector"]] = col
    return pd.DataFrame(cols)


def counts_table(run: ChapterRun, period: str, results: list | None = None) -> pd.DataFrame:
    """Tables 1-2: our sign/significance counts (10% level) next to the paper's."""
    from helpers.methods.gravity import count_signs
    res = [r for r in (results or run.stage2) if r.label["period"] == period]
    ours = count_signs(res, GEO_TERMS)
    pub = published()
    table = "Table 2" if period.startswith(("1995", "1986")) else "Table 1"
    p = pub[pub.table == table].pivot(index="row", columns="column", values="estimate")
    out = pd.concat({"ours": ours[["pos_sig", "neg_sig", "not_sig", "dropped"]],
                     "paper": p.reindex(list(GEO_TERMS))[["pos_sig", "neg_sig", "not_sig"]]}, axis=1)
    out.index = [GEO_LABELS[t] for t in out.index]
    return out


def sanc_across_specifications(run: ChapterRun, sectors: tuple | None = None) -> pd.DataFrame:
    """Warning 4: the Sanc coefficient (t) under the paper's specification and the alternatives, for
    `sectors` (default: Machinery in quick mode, Machinery and Metals otherwise)."""
    s = run.settings
    if sectors is None:
        sectors = ("Machinery",) if s["quick"] else ("Machinery", "Metals")
    resid = run.resid[run.resid["sector"].isin(sectors)] if run.kind == "synthetic" else run.resid
    specs = {
        "paper: OLS level resid + log(trade)": dict(estimator="ols_levels", control_log_trade=True),
        "OLS level resid, no log(trade)": dict(estimator="ols_levels", control_log_trade=False),
        "OLS ratio resid + log(trade)": dict(estimator="ols_ratio", control_log_trade=True),
        "OLS ratio resid, no log(trade)": dict(estimator="ols_ratio", control_log_trade=False),
        "one-step PPML (gravity + geopolitics)": dict(estimator="ppml_onestep"),
        "one-step PPML, international pairs": dict(estimator="ppml_onestep", sample="international_only"),
    }
    rows = []
    for name, kw in specs.items():
        for r in second_stage(resid, run.geo, s, **kw):
            if "Sanc" in r.params:
                rows.append({"specification": name, "sector": r.label["sector"], "period": r.label["period"],
                             "Sanc": r.params["Sanc"], "t": r.tvalues["Sanc"]})
    return pd.DataFrame(rows)


def sanc_identification(run: ChapterRun) -> pd.DataFrame:
    """Warning 3: pairs whose Sanc variation survives the FE = pairs where both countries are sanctioned."""
    cy = run.country_year
    s = cy[cy["sanctioned"] == 1]
    rows = []
    for year, g in s.groupby("year"):
        k = len(g)
        rows.append({"year": year, "sanctioned countries": k, "both-sanctioned international pairs": k * (k - 1),
                     "sanctioned domestic flows": k})
    return pd.DataFrame(rows)


def median_mechanics(run: ChapterRun) -> pd.DataFrame:
    """Warning 1: yearly medians of the level residual next to the scale-free relative residual."""
    d = run.resid
    out = d.groupby("year").agg(level_median=("resid", "median"), relative_median=("relative", "median"),
                                share_positive=("resid", lambda v: (v > 0).mean()),
                                mean_resid=("resid", "mean"), median_trade=("trade", "median"))
    return out


SCORE_TERMS = ("ln_dist", "contig", "fta", "dom")
RECOVERY_K = 3


def build_scorecard(run: ChapterRun, quick: bool = False):
    """Synthetic: recovery of the generator's truth (= the paper's Tables 5-6) and of the injected routes;
    real (Yotov panel, if available): the paper's qualitative claims (spec §8). Sanctions magnitudes
    (Tables 9-10) are not reproducible offline."""
    from helpers.data import DataUnavailable
    from helpers.report import scorecard

    card = scorecard.Scorecard(SLUG, data_source=run.kind)
    if run.kind == "synthetic":
        for r in run.gravity:
            table = "Table 6" if r.label["period"].startswith("1995") else "Table 5"
            for t in SCORE_TERMS:
                card.record(table, t, r.label["sector"], r.params[t], "recovery", se=float(r.bse[t]), k=RECOVERY_K,
                            note="method check on synthetic data (truth = the paper's estimate)")
        if not quick:
            routes = route_recovery(**{**run.settings, "data_source": "synthetic"})
            cells = routes[(routes["kind"] == "cell") & (routes["injected"].abs() > 1.0)]
            hd = cells[cells["role"] == "hub->destination"]["recovery"]
            card.record("Section 8", "rerouting", "VNM/KHM after 2018", hd.min(), "qualitative",
                        holds=bool((hd >= 0.8).all()),
                        note="method check: injected re-routing recovered in the paired design (min Δresid/injected >= 0.8)")
            pl = routes[routes["kind"] == "placebo"]["dresid"].abs().max()
            card.record("Section 8", "mexico", "no pattern", pl, "qualitative", holds=bool(pl == 0),
                        note="method check: placebo route CHN->MEX->USA leaves residuals unchanged (max |Δresid| = 0)")
        for table, period in (("Table 9", "2010-2022"), ("Table 10", "1995-2009")):
            for sector in sector_list(run.settings):
                card.unavailable(table, "Sanc", sector, reason="ITPD-E flows and GSDB sanctions are not offline; "
                                 "the synthetic effect is in log points, not USD m")
    try:
        real = run if run.kind == "real" else real_counterpart(run)
    except DataUnavailable:
        return card
    card.data_source = "real"
    note = "Yotov et al. panel 1986-2006 (method application, not the paper's data)"
    dist = pd.Series({r.label["period"]: r.params["ln_dist"] for r in real.gravity})
    dist_p = pd.Series({r.label["period"]: r.pvalues["ln_dist"] for r in real.gravity})
    card.record("Section 8", "ln_dist_max", "all regressions", dist.max(), "qualitative",
                holds=bool((dist < 0).all() and (dist_p < 0.01).all()), note=note + "; largest elasticity, all p < 0.01")
    dom = pd.Series({r.label["period"]: r.params["dom"] for r in real.gravity})
    card.record("Section 8", "dom_min", "all regressions", dom.min(), "qualitative", holds=bool((dom > 0).all()),
                note=note + "; positive in every regression")
    apr2 = pd.Series([r.stats["apr2"] for r in real.gravity])
    card.record("Section 8", "apr2_min", "all regressions", apr2.min(), "band", lo=0.929, hi=0.988, note=note)
    lvl = median_by_year(real, "resid").set_index("year")["median"]
    card.record("Section 8", "median_negative", "share of years", float((lvl < 0).mean()), "qualitative",
                holds=bool((lvl < 0).all()), note=note)
    slope = float(np.polyfit(lvl.index.to_numpy(float), lvl.to_numpy(), 1)[0])
    card.record("Section 8", "median_trend", "sign of slope", slope, "qualitative", holds=slope < 0,
                note=note + "; OLS slope of the yearly median")
    for r, period in zip(real.stage2, ("1995-2009", "2010-2022")):
        if "Sanc" in r.params:
            card.record("Section 8", "sanc_negative", period, r.params["Sanc"], "qualitative",
                        holds=bool(r.params["Sanc"] < 0 and r.pvalues["Sanc"] < 0.10),
                        note=f"{note}; real period {r.label['period']} stands in; "
                             f"sanctions: {real.settings['real_sanctions']}")
    return card


# ----------------------------------------------------------------------------------------------
# Figure 1, panels (b)-(e) of Figures 6 and 8, Tables 3-4 and 7-8, the real application's sanctions source
# ----------------------------------------------------------------------------------------------
FIG1_PARTNERS = {"imports": ("CHN", "CAN", "MEX", "KHM", "VNM"), "exports": ("CAN", "MEX", "KHM", "VNM")}
FIG6_PARTNERS = ("CHN", "CAN", "MEX", "KHM", "VNM")
FIG8_PARTNERS = ("CAN", "MEX", "VNM", "KHM", "RUS")
PANEL_SECTORS = ("Chemicals/pharma", "Metals", "Machinery", "Transportation equipment")


def real_inputs(s: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(country-year table, second-stage pair variables) of the real application for settings `s`, with the
    sanctions source `s["real_sanctions"]` (TIES, EUSANCT or either)."""
    from helpers.data import phillips_ahmad as D

    src = s["real_sanctions"]
    return D.real_country_year(src), D.real_geopolitics(income_missing=s["income_missing"], sanctions=src)


def missing_partners(run: ChapterRun, wanted) -> list:
    """Partners in `wanted` that are not countries of this run's data."""
    have = set(partners(run, wanted))
    return [c for c in wanted if c not in have]


def trade_series(run: ChapterRun, reporter: str, wanted, flow: str) -> pd.DataFrame:
    """Trade of `reporter` with each partner in `wanted` (those present), summed over the run's sectors:
    a year x partner frame in USD m."""
    own, other = ("importer", "exporter") if flow == "imports" else ("exporter", "importer")
    d = run.resid[run.resid[own] == reporter]
    d = d[d[other].isin(partners(run, wanted))]
    return d.groupby(["year", other])["trade"].sum().unstack(other).reindex(columns=partners(run, wanted))


def figure_trade_series(run: ChapterRun):
    """Figure 1: log trade summed over sectors, (a) U.S. imports from China, Canada, Mexico, Cambodia, Vietnam,
    (b) China's exports to Canada, Mexico, Cambodia, Vietnam. Returns (figure, {panel: missing partners})."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    missing = {}
    colours = {c: f"C{k}" for k, c in enumerate(FIG1_PARTNERS["imports"])}
    for ax, (reporter, flow, title) in zip(axes, (("USA", "imports", "(a) U.S. imports"),
                                                  ("CHN", "exports", "(b) China exports"))):
        wanted = FIG1_PARTNERS[flow]
        t = trade_series(run, reporter, wanted, flow)
        logged = np.log(t.where(t > 0))
        for c in logged.columns:
            ax.plot(logged.index, logged[c], lw=1.4, color=colours[c], label=c)
        missing[flow] = missing_partners(run, wanted)
        note = f"\n(not in these data: {', '.join(missing[flow])})" if missing[flow] else ""
        ax.set_title(title + note)
        ax.set_ylabel("log trade (USD m), summed over sectors")
        if len(logged.columns):
            ax.legend(fontsize=8)
    fig.tight_layout()
    return fig, missing


def _plot_partner_panel(ax_v, ax_r, data, run, reporter, have, flow, colours):
    from helpers.methods.gravity import partner_series

    s = partner_series(data, reporter, have, flow=flow, min_trade=run.settings["min_trade_ratio"])
    for value, ax in (("resid", ax_v), ("ratio", ax_r)):
        wide = s.pivot(index="year", columns="partner", values=value)
        for c in wide.columns:
            ax.plot(wide.index, wide[c], lw=1.2, color=colours[c], label=c)
        ax.axhline(0, color="k", lw=0.8)
    if s["ratio"].min() < RATIO_FLOOR:
        ax_r.set_ylim(RATIO_FLOOR, 1.05)
    return s


def figure_partner_panels(run: ChapterRun, reporter: str, wanted, flow: str, title: str,
                          sectors=PANEL_SECTORS):
    """Figures 6 and 8 as small multiples: (a) all sectors, (b)-(e) `sectors`, unexplained value (top row)
    and ratio to trade (bottom row, ratio of sums, axis cut at RATIO_FLOOR). Sectors absent from the run are
    drawn as empty panels that say so. Returns (figure, series of panel (a), absent sectors)."""
    import matplotlib.pyplot as plt

    present = set(pd.unique(run.resid["sector"]))
    have = partners(run, wanted)
    colours = {c: f"C{k}" for k, c in enumerate(wanted)}
    panels = [("(a) all sectors", None)] + [(f"({l}) {sec}", sec) for l, sec in zip("bcde", sectors)]
    absent = [sec for sec in sectors if sec not in present]
    fig, axes = plt.subplots(2, len(panels), figsize=(3.4 * len(panels), 6.4), sharex=True)
    agg = None
    for col, (label, sec) in enumerate(panels):
        ax_v, ax_r = axes[0, col], axes[1, col]
        ax_v.set_title(label, fontsize=10)
        if sec is not None and sec not in present:
            for ax in (ax_v, ax_r):
                ax.text(0.5, 0.5, "sector not in\nthis run", ha="center", va="center", transform=ax.transAxes,
                        color="0.4")
                ax.set_yticks([])
            continue
        data = run.resid if sec is None else run.resid[run.resid["sector"] == sec]
        s = _plot_partner_panel(ax_v, ax_r, data, run, reporter, have, flow, colours)
        if sec is None:
            agg = s
    axes[0, 0].set_ylabel("unexplained value (USD m)")
    axes[1, 0].set_ylabel("unexplained / trade")
    handles = [plt.Line2D([], [], color=colours[c], lw=1.6) for c in have]
    fig.legend(handles, have, loc="upper center", ncol=len(have), frameon=False, bbox_to_anchor=(0.5, 1.0))
    fig.suptitle(title, y=1.04)
    fig.tight_layout()
    return fig, agg, absent


# ---- Tables 3 and 4: the gravity regressors --------------------------------------------------
TABLE3_ROWS = {"contig": "Contiguity", "colony": "Colonial ties", "legal": "Common legal origin",
               "lang": "Common language", "fta": "FTA agreement", "landlocked": "At least one country landlocked",
               "island": "At least one island country"}
PAPER_PERIODS = ("2010-2022", "1995-2009")        # the paper's column order (later period first)
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


def gravity_panel(run: ChapterRun) -> pd.DataFrame:
    """The gravity covariates of the run's estimation sample (exporter, importer, year, the regressors and
    `dist` in km): the real Yotov panel, or one sector of the synthetic world (the covariates are the same in
    every sector). Domestic pairs are included when the run includes them."""
    s = run.settings
    if run.kind == "real":
        from helpers.data.phillips_ahmad import yotov_panel
        p = yotov_panel(fta=s["real_fta"])
        p = p.assign(dist=np.exp(p["ln_dist"]))
    else:
        p = world(s).sector_panel(sector_list(s)[0])
    if not s["include_domestic"]:
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


def _pct(v) -> str:
    return "—" if pd.isna(v) else f"{v:#.3g}%"


def _paper(table: str) -> pd.DataFrame:
    p = published()
    return p[p["table"] == table].pivot(index="row", columns="column", values="estimate")


def _shares_beside_paper(ours: pd.DataFrame, table: str) -> pd.DataFrame:
    """Our shares (a column per period) interleaved with the paper's, as percentages."""
    paper = _paper(table).reindex(ours.index)
    cols = {}
    for ours_label, paper_label in zip(ours.columns, PAPER_PERIODS):
        cols[f"ours {ours_label}"] = ours[ours_label].map(_pct)
        cols[f"paper {paper_label}"] = paper[paper_label].map(_pct)
    return pd.DataFrame(cols)


def table3(run: ChapterRun) -> pd.DataFrame:
    """Table 3 layout: our share next to the paper's for each period, and what our number is (a generator
    input, an outcome, or real data)."""
    ours = binary_shares(gravity_panel(run), periods(run.settings))
    out = _shares_beside_paper(ours, "Table 3")
    if run.kind == "synthetic":
        out["our number is"] = pd.Series(SYNTH_ROLE_TABLE3)
    else:
        out["our number is"] = ["real data (Yotov panel)" if ours.loc[v].notna().all() else "not in the Yotov data"
                                for v in ours.index]
    out.index = [TABLE3_ROWS[v] for v in out.index]
    return out


def table4(run: ChapterRun) -> pd.DataFrame:
    """Table 4 layout: distance in km by period, ours and the paper's."""
    ours = distance_stats(gravity_panel(run), periods(run.settings))
    paper = _paper("Table 4")
    rows = {}
    for ours_label, paper_label in zip(ours.index, PAPER_PERIODS):
        rows[f"ours {ours_label}"] = ours.loc[ours_label].map(lambda v: f"{v:,.0f}")
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


def country_year_table(run: ChapterRun) -> pd.DataFrame:
    """The run's country-year geopolitics (iso3, year, dem, corr, upper, sanctioned); on real data with the
    sanctions source of the settings."""
    if run.kind == "real":
        return real_inputs(run.settings)[0]
    return run.country_year


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


def table7(run: ChapterRun) -> pd.DataFrame:
    """Table 7 layout: our shares next to the paper's, and what our number is."""
    ours = pair_shares(pair_values(country_year_table(run), run.settings["income_missing"]), periods(run.settings))
    out = _shares_beside_paper(ours, "Table 7")
    if run.kind == "synthetic":
        out["our number is"] = pd.Series(SYNTH_ROLE_TABLE7)
    else:
        src = run.settings["real_sanctions"]
        out["our number is"] = "real data (V-Dem, World Bank)"
        out.loc["SancOR", "our number is"] = f"real data ({src.upper() if src != 'either' else 'TIES or EUSANCT'})"
    out.index = [TABLE7_ROWS[v] for v in out.index]
    return out


def table8(run: ChapterRun) -> pd.DataFrame:
    """Table 8 layout: |differences| of democracy and corruption by period, ours and the paper's."""
    ours = difference_stats(pair_values(country_year_table(run), run.settings["income_missing"]),
                            periods(run.settings))
    paper = published()
    paper = paper[paper["table"] == "Table 8"]
    rows = {}
    for v, name in TABLE8_ROWS.items():
        for ours_label, paper_label in zip([f"{a}-{b}" for a, b in reversed(periods(run.settings))], PAPER_PERIODS):
            rows[f"{name}, ours {ours_label}"] = ours.loc[(v, ours_label)].map(lambda x: f"{x:.3f}")
            p = paper[paper["row"] == f"{v} {paper_label}"].set_index("column")["estimate"]
            rows[f"{name}, paper {paper_label}"] = p.reindex(["min", "mean", "median", "max"]).set_axis(
                ["Min", "Mean", "Median", "Max"]).map(lambda x: f"{x:.3f}")
    return pd.DataFrame(rows).T


def upper_income_share(run: ChapterRun) -> pd.Series:
    """Share of countries classified upper-income (upper-middle or high) by year, missing excluded."""
    cy = country_year_table(run)
    return cy.groupby("year")["upper"].mean()


def record_summary_claims(card, run: ChapterRun) -> None:
    """Scorecard rows for the paper's two claims about Table 7 ("the percentage of country pairs under
    sanction has decreased across the two periods, while the fraction of countries considered upper-income has
    increased"), checked on the real Yotov panel (1986-1995 vs 1996-2006) as outcomes of real data. Not
    recorded on the synthetic world, whose sanctions list and income rule are generator inputs; income
    missing is left out here (1986-1987 have no World Bank classification), so the change is not mechanical."""
    from helpers.data import DataUnavailable

    try:
        real = run if run.kind == "real" else real_counterpart(run)
    except DataUnavailable:
        return
    pers = periods(real.settings)
    shares = pair_shares(pair_values(country_year_table(real), "drop"), pers)
    late, early = shares.columns
    src = real.settings["real_sanctions"]
    note = f"Yotov panel, {early} -> {late}, not the paper's periods; percentage points"
    sanc = float(shares.loc["SancOR", late] - shares.loc["SancOR", early])
    card.record("Table 7", "SancOR", "change", sanc, "qualitative", holds=sanc < 0,
                note=f"{note}; sanctions: {src}")
    u11 = float(shares.loc["U11", late] - shares.loc["U11", early])
    card.record("Table 7", "U11", "change", u11, "qualitative", holds=u11 > 0,
                note=f"{note}; World Bank groups, missing left out")


def real_sanctions_comparison(run: ChapterRun) -> pd.DataFrame:
    """Real runs: the sanctioned Yotov countries and the paper's second-stage Sanc coefficient (with stars
    and pair-clustered SE) under each sanctions source (TIES, EUSANCT, either); the run's source is marked."""
    from helpers.data import phillips_ahmad as D

    s = run.settings
    by = D.sanctioned_by_source()
    rows = []
    for src in D.SANCTION_SOURCES:
        geo = D.real_geopolitics(income_missing=s["income_missing"], sanctions=src)
        b = by[by["source"] == src]
        row = {"sanctioned countries (years)": ", ".join(f"{r.iso3} {r.first}-{r.last}" if r.first != r.last
                                                         else f"{r.iso3} {r.first}" for r in b.itertuples()),
               "this run": "yes" if src == s["real_sanctions"] else ""}
        for r in second_stage(run.resid, geo, s):
            t = "Sanc"
            row[f"Sanc {r.label['period']}"] = (_cell(r.params[t], r.bse[t], r.pvalues[t]) if t in r.params
                                                 else "(collinear)")
        rows.append(pd.Series(row, name=src))
    return pd.DataFrame(rows)


def real_fta_comparison(run: ChapterRun) -> pd.DataFrame:
    """Real runs: under each FTA coding (`helpers.data.phillips_ahmad.FTA_CODINGS`: the Yotov RTA dummy, DESTA
    agreements in force, either), the share of international pair-years with an agreement and the FTA
    coefficient (stars, pair-clustered SE) of each period's PPML gravity fit with the run's other settings;
    the run's coding is marked."""
    from helpers.data import phillips_ahmad as D

    s = run.settings
    x = gravity_vars(s)
    rows = []
    for coding in D.FTA_CODINGS:
        panel = D.yotov_panel(fta=coding)
        intl = panel[panel["exporter"] != panel["importer"]]
        row = {}
        for per in periods(s):
            label = f"{per[0]}-{per[1]}"
            row[f"share with agreement {label}"] = _pct(100 * intl.loc[intl["year"].between(*per), "fta"].mean())
        for per in periods(s):
            label = f"{per[0]}-{per[1]}"
            r = _stage1(panel[panel["year"].between(*per)], x, {"sector": "Manufacturing", "period": label}, s)
            row[f"FTA {label}"] = (_cell(r.params["fta"], r.bse["fta"], r.pvalues["fta"]) if "fta" in r.params
                                   else "(collinear)")
        row["this run"] = "yes" if coding == s["real_fta"] else ""
        rows.append(pd.Series(row, name=coding))
    return pd.DataFrame(rows)


def figure12():
    """Figure 12 on real V-Dem data (in every mode): mean democracy and corruption across countries per year,
    with 95% intervals. Returns (figure, the yearly means)."""
    import matplotlib.pyplot as plt
    from helpers.data.phillips_ahmad import vdem_world_means

    means = vdem_world_means()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharex=True)
    for ax, (name, label) in zip(axes, (("democracy", "(a) Democracy index"), ("corruption", "(b) Corruption index"))):
        d = means[means["index"] == name]
        ax.fill_between(d["year"], d["lo"], d["hi"], color="C0", alpha=0.25, lw=0)
        ax.plot(d["year"], d["mean"], color="C0", lw=1.5)
        ax.set_title(f"{label}, {d['year'].min()}-{d['year'].max()}")
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("mean across countries (95% interval)")
    fig.tight_layout()
    return fig, means


def record_vdem_claims(card) -> None:
    """The text's reading of Figure 12, checked on the same real V-Dem series: mean democracy higher at the
    end of 1995-2009 than at its start, and mean corruption lower in the last year than in 2010."""
    from helpers.data.phillips_ahmad import vdem_world_means

    m = vdem_world_means().pivot(index="year", columns="index", values="mean")
    rise = float(m.loc[2009, "democracy"] - m.loc[1995, "democracy"])
    card.record("Figure 12", "democracy", "change 1995-2009", rise, "qualitative", holds=rise > 0,
                note="real V-Dem v14 (v2x_polyarchy), mean over rated countries")
    last = int(m.index.max())
    fall = float(m.loc[last, "corruption"] - m.loc[2010, "corruption"])
    card.record("Figure 12", "corruption", "change since 2010", fall, "qualitative", holds=fall < 0,
                note=f"real V-Dem v14 (v2x_corr), mean over rated countries, 2010-{last}; the paper's runs to 2025")

