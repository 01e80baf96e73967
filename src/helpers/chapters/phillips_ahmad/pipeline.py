"""The paper's two stages on one parameter set: PPML gravity per sector x period (Eq. 1), the residual
`trade - trade_hat` ("unexplained trade"), and the second stage of the residual on the pair variables (Eq. 2).

`run(settings)` returns a frozen `GravityRun`, cached on disk per settings, so the chapter's notebooks share one
run of the 28 + 28 regressions. Where the panels come from is a `PanelSource`: the seeded synthetic world at the
paper's scale (`SyntheticPanels`; `data_source = "auto"`, since the paper's ITPD-E and DGD are not offline),
real WIOD sector trade of 40 economies, 1995-2011, with GSDB sanctions (`WiodPanels`; `data_source = "real"`,
`real_panel = "wiod"`), or the Yotov et al. manufacturing panel, 1986-2006 (`YotovPanels`; `real_panel =
"yotov"`), both with V-Dem and World Bank pair variables. Another source is one more subclass with the same
members.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping

import numpy as np
import pandas as pd

from helpers.cache import cached
from helpers.chapter import Settings
from helpers.chapters.phillips_ahmad.data import (WIOD_DEFAULT_SPLIT, WIOD_GRAVITY_VARS, WIOD_PAPER_SECTORS,
                                                  WIOD_SECTORS, WIOD_YEARS, YOTOV_GRAVITY_VARS, pair_geopolitics,
                                                  real_country_year, real_geopolitics, wiod_country_year,
                                                  wiod_covariates, wiod_trade, yotov_panel)
from helpers.chapters.phillips_ahmad.settings import (GEO_TERMS, GRAVITY_VARS, QUICK_N_GENERIC, QUICK_SECTORS,
                                                      SECTORS, SLUG)
from helpers.chapters.phillips_ahmad.synth import DEFAULT_ROUTES, PLACEBO_ROUTE, SyntheticWorld, true_betas
from helpers.methods import gravity as G
from helpers.methods.gravity import RegressionResult

PAIR_KEY = ["exporter", "importer", "year"]


# ----------------------------------------------------------------------------------------------
# where the panels come from
# ----------------------------------------------------------------------------------------------
class PanelSource:
    """The gravity panels of one data source for one parameter set: its sectors, its two periods (split at
    `split_year`, 0 = the source's default), the regressors of Eq. (1), the panel of a sector x period, the
    country-year geopolitics and the pair variables of Eq. (2). Subclasses set `kind`, `title`, `years`,
    `default_split` and `regressors` and implement the methods."""

    kind: str
    title: str
    years: tuple[int, int]
    default_split: int
    regressors: tuple[str, ...]

    def __init__(self, settings: Mapping[str, Any]):
        self.settings = settings

    @property
    def sectors(self) -> tuple[str, ...]:
        raise NotImplementedError

    @property
    def periods(self) -> tuple[tuple[int, int], ...]:
        first, last = self.years
        split = self.settings["split_year"] or self.default_split
        if not first < split <= last:
            raise ValueError(f"split_year = {split} is outside the {self.title}'s years {first}-{last}: give a "
                             f"year from {first + 1} to {last}, or 0 for the default split ({self.default_split}).")
        return ((first, split - 1), (split, last))

    @property
    def gravity_vars(self) -> list[str]:
        return [v for v in self.regressors if self.settings["include_domestic"] or v != "dom"]

    def panel(self, sector: str, years: tuple[int, int] | None = None) -> pd.DataFrame:
        """exporter, importer, year, trade and the regressors (and `dist` in km) of one sector (all years: None)."""
        raise NotImplementedError

    def country_year(self) -> pd.DataFrame:
        """iso3, year, dem, corr, upper, sanctioned."""
        raise NotImplementedError

    def pair_variables(self) -> pd.DataFrame:
        """exporter, importer, year and GEO_TERMS (domestic pairs included)."""
        raise NotImplementedError

    def truth(self) -> pd.DataFrame | None:
        """The true gravity coefficients by (sector, period), where the source has them."""
        return None

    def injected(self, sector: str) -> pd.DataFrame | None:
        """Re-routing injected into a sector's flows, where the source has any."""
        return None


def world(settings: Mapping[str, Any]) -> SyntheticWorld:
    """The synthetic world for these settings (quick mode: at most 48 countries)."""
    scale = settings["route_share_scale"]
    routes = tuple((o, h, d, t0, share * scale) for o, h, d, t0, share in DEFAULT_ROUTES) + (PLACEBO_ROUTE,)
    n_generic = min(settings["n_generic"], QUICK_N_GENERIC) if settings["quick"] else settings["n_generic"]
    return SyntheticWorld(seed=settings["seed"], n_generic=n_generic, sigma_pair=settings["sigma_pair"],
                          sigma_iid=settings["sigma_iid"], zero_inflation=settings["zero_inflation"], routes=routes)


class SyntheticPanels(PanelSource):
    """The seeded structural-gravity world (`synth.SyntheticWorld`): 14 sectors, 1995-2022, true coefficients =
    the paper's Tables 5-6, injected routes."""

    kind = "synthetic"
    title = "synthetic world"
    years = (1995, 2022)
    default_split = 2010                    # the paper's periods 1995-2009 and 2010-2022
    regressors = GRAVITY_VARS

    @cached_property
    def world(self) -> SyntheticWorld:
        return world(self.settings)

    @property
    def sectors(self) -> tuple[str, ...]:
        choice = self.settings["sectors"]
        if self.settings["quick"] or choice == "quick":
            return QUICK_SECTORS
        return SECTORS if choice == "all" else (choice,)

    def panel(self, sector, years=None):
        return self.world.sector_panel(sector, years)

    def country_year(self):
        return self.world.country_year

    def pair_variables(self):
        return self.world.pair_geopolitics()

    def truth(self):
        return true_betas()

    def injected(self, sector):
        return self.world.draw_trade(sector)[1] if sector in self.world.route_sectors else None


class YotovPanels(PanelSource):
    """The Yotov et al. (2016) manufacturing panel (69 countries, 1986-2006, domestic flows) with the FTA coding
    `real_fta`, and V-Dem, World Bank and `real_sanctions` pair variables (`data`)."""

    kind = "yotov"
    title = "Yotov panel"
    years = (1986, 2006)
    default_split = 1996
    regressors = YOTOV_GRAVITY_VARS
    sectors = ("Manufacturing",)

    def panel(self, sector, years=None):
        base = yotov_panel(fta=self.settings["real_fta"])
        if years is not None:
            base = base[(base["year"] >= years[0]) & (base["year"] <= years[1])]
        return base.assign(dist=np.exp(base["ln_dist"]))

    def country_year(self):
        return real_country_year(self.settings["real_sanctions"])

    def pair_variables(self):
        return real_geopolitics(income_missing=self.settings["income_missing"],
                                sanctions=self.settings["real_sanctions"])


class WiodPanels(PanelSource):
    """The 14 WIOD (2013 release) manufacturing industries, 40 economies, 1995-2011, domestic flows included
    (`data.wiod_trade`, `data.wiod_covariates`), with V-Dem, World Bank and GSDB pair variables. Sectors are the
    WIOD industries, named with the paper sector(s) each stands for ("c12 Metals / Fabricated metals"); a
    paper sector given as `sectors` selects the industries standing for it."""

    kind = "wiod"
    title = "WIOD panel"
    years = WIOD_YEARS
    default_split = WIOD_DEFAULT_SPLIT
    regressors = WIOD_GRAVITY_VARS

    @property
    def sectors(self) -> tuple[str, ...]:
        choice = self.settings["sectors"]
        if self.settings["quick"] or choice == "quick":
            choice = QUICK_SECTORS
        elif choice == "all":
            return WIOD_SECTORS
        else:
            choice = (choice,)
        return tuple(s for s in WIOD_SECTORS if set(WIOD_PAPER_SECTORS[s]) & set(choice))

    def panel(self, sector, years=None):
        t = wiod_trade()
        t = t[t["sector"].to_numpy() == sector]
        if years is not None:
            t = t[t["year"].between(*years)]
        return t.merge(wiod_covariates(), on=["exporter", "importer", "year"], how="left")

    def country_year(self):
        return wiod_country_year()

    def pair_variables(self):
        return pair_geopolitics(wiod_country_year(), income_missing=self.settings["income_missing"])


SOURCES = {"synthetic": SyntheticPanels, "yotov": YotovPanels, "wiod": WiodPanels}


def data_kind(settings: Settings) -> str:
    """The panel source of the settings' data choice ("auto" is the synthetic world, see the module docstring)."""
    return settings.real_panel if settings.data is not None and settings.data.is_real else "synthetic"


# ----------------------------------------------------------------------------------------------
# the result
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GravityRun:
    """Everything the chapter's notebooks show, for one parameter set."""

    settings: dict                    # the parameters it ran with (data_source = the kind of data)
    kind: str                         # the panel source: "synthetic", "wiod" or "yotov"
    sectors: tuple[str, ...]
    periods: tuple[tuple[int, int], ...]
    gravity: tuple[RegressionResult, ...]     # stage 1 per sector x period (without data)
    resid: pd.DataFrame               # exporter, importer, year, sector, period, trade, yhat, resid, ratio, ...
    geo: pd.DataFrame                 # the second-stage pair variables (exporter, importer, year, GEO_TERMS)
    stage2: tuple[RegressionResult, ...]      # stage 2 per sector x period
    adding_up: pd.DataFrame           # the PPML adding-up check per stage-1 fit
    timings: dict                     # seconds per fit and in total, when computed (not when loaded)
    country_year: pd.DataFrame        # iso3, year, dem, corr, upper, sanctioned
    truth: pd.DataFrame | None = None         # synthetic: the true coefficients by (sector, period)
    injected: pd.DataFrame | None = None      # synthetic: the injected route records

    @cached_property
    def countries(self) -> frozenset:
        """The exporters in `resid` (found once: the frame has 17M rows at the paper's scale)."""
        return frozenset(pd.unique(self.resid["exporter"]))

    @property
    def period_labels(self) -> list[str]:
        return [f"{a}-{b}" for a, b in self.periods]


def source_of(result: GravityRun) -> PanelSource:
    """The panel source a result was computed on (for refits on the same data)."""
    return SOURCES[result.kind](result.settings)


# ----------------------------------------------------------------------------------------------
# the two stages
# ----------------------------------------------------------------------------------------------
def run(settings: Settings) -> GravityRun:
    """Stage 1 (PPML per sector x period), residuals, and stage 2, cached on disk per settings."""
    kind = data_kind(settings)
    return cached(SLUG, {"stage": "run", **settings.key(), "data_source": kind}, lambda: estimate(settings))


def estimate(settings: Settings) -> GravityRun:
    """What `run` computes on a cache miss."""
    t0 = time.perf_counter()
    kind = data_kind(settings)
    source = SOURCES[kind](settings)
    geo = source.pair_variables()
    timings, fits, checks, injected = {}, [], [], []
    parts = {}     # column -> one array per fit (a list of per-fit frames would be copied whole by the concat)
    for sector in source.sectors:
        for years in source.periods:
            tic = time.perf_counter()
            fit, columns, check = _first_stage_of(source, sector, years)
            timings[f"stage1 {sector} {fit.label['period']}"] = time.perf_counter() - tic
            fits.append(fit)
            checks.append(check)
            for c, values in columns.items():
                parts.setdefault(c, []).append(values)
        routes = source.injected(sector)
        if routes is not None:
            injected.append(routes)
    # joined column by column; the residual columns are recomputed from trade and yhat on the joined frame
    resid = pd.DataFrame({c: np.concatenate(parts.pop(c)) for c in list(parts)})
    resid = G.add_residuals(resid, min_trade=settings["min_trade_ratio"])
    stage2 = second_stage(resid, geo, settings, source, timings=timings)
    timings["total"] = time.perf_counter() - t0
    return GravityRun({**settings, "data_source": kind}, kind, source.sectors, source.periods, tuple(fits), resid,
                      geo, tuple(stage2), pd.DataFrame(checks), timings, source.country_year(), source.truth(),
                      pd.concat(injected, ignore_index=True) if injected else None)


def _first_stage_of(source: PanelSource, sector: str, years: tuple[int, int]):
    """One stage-1 fit without its data, the residual frame's columns of it, and its adding-up check (a function,
    so the fit's data are freed before the next fit)."""
    label = {"sector": sector, "period": f"{years[0]}-{years[1]}"}
    res = first_stage(source.panel(sector, years), source.gravity_vars, label, source.settings)
    data = res.data
    n = len(data)
    columns = {c: data[c].to_numpy(copy=True) for c in ("exporter", "importer", "year")}   # not views into the panel
    for c, value in (("sector", sector), ("period", label["period"])):
        columns[c] = np.empty(n, dtype=object)
        columns[c][:] = value           # one shared str object (np.full would make n copies of it)
    columns.update({c: data[c].to_numpy(copy=True) for c in ("trade", "yhat")})
    return res.without_data(), columns, {**label, **G.adding_up(data)}


def prepare(panel: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The run's sample rules: domestic flows in or out, zeros kept or dropped."""
    if not settings["include_domestic"]:
        panel = panel[panel["exporter"] != panel["importer"]]
    if settings["zero_policy"] == "drop_zeros":
        panel = panel[panel["trade"] > 0]
    return panel


def first_stage(panel: pd.DataFrame, x: list[str], label: dict, settings: Mapping[str, Any]) -> RegressionResult:
    """The paper's Eq. (1) on one sector x period panel: PPML with the run's fixed effects and sample rules."""
    return G.fit_ppml(prepare(panel, settings), x, label=label, fe_structure=settings["fe_structure"],
                      min_trade=settings["min_trade_ratio"], demeaner=settings["demeaner"])


def second_stage(resid: pd.DataFrame, geo: pd.DataFrame, settings: Mapping[str, Any], source: PanelSource,
                 estimator: str | None = None, control_log_trade: bool | None = None, sample: str | None = None,
                 timings: dict | None = None) -> list[RegressionResult]:
    """The paper's Eq. (2) per sector x period, or an alternative (`ols_ratio`, `ppml_onestep`, whose gravity
    covariates come from `source`)."""
    estimator = estimator or settings["second_stage_estimator"]
    control = settings["control_log_trade"] if control_log_trade is None else control_log_trade
    sample = sample or settings["second_stage_sample"]
    terms = list(GEO_TERMS)
    out = []
    # one sector x period at a time, geo attached by row position: merging all of `resid` (17M rows at full
    # scale) with `geo` at once took minutes and ~10 GB
    cols = PAIR_KEY + [c for c in ("trade", "resid", "ratio") if c in resid.columns]
    geo_cols = [c for c in geo.columns if c not in PAIR_KEY]
    geo_rows = G.row_lookup(geo, PAIR_KEY)
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
        if settings["income_missing"] == "drop":
            d = d.dropna(subset=["U11", "U01", "U10"])
        if estimator == "ppml_onestep":
            d = d.dropna(subset=terms)
            if sample == "international_only":
                d = d[d["exporter"] != d["importer"]]
            r = one_step(d, source, label)
        else:
            d = d[d["trade"] > 0].dropna(subset=terms)
            if sample == "international_only" or estimator == "ols_ratio":
                d = d[d["exporter"] != d["importer"]]
            d = d.assign(ltrade=np.log(d["trade"]))
            yvar = "resid"
            if estimator == "ols_ratio":
                d = d[d["trade"] >= settings["min_trade_ratio"]]
                yvar = "ratio"
            r = G.fit_ols_fe(d, yvar, terms + (["ltrade"] if control else []), label=label)
        out.append(r)
        if timings is not None:
            timings[f"stage2 {sector} {period}"] = time.perf_counter() - tic
    return out


def one_step(d: pd.DataFrame, source: PanelSource, label: dict) -> RegressionResult:
    """One-step PPML: trade on the gravity covariates and the geopolitics terms with the same FE."""
    x = source.gravity_vars
    cov = source.panel(label["sector"], tuple(int(v) for v in label["period"].split("-")))
    pos = G.row_positions(d, cov, PAIR_KEY)
    d = d.assign(**{v: G.take_rows(cov[v], pos) for v in x})
    return G.fit_ppml(d, x + list(GEO_TERMS), label=label).without_data()


def respecified(result: GravityRun, geo: pd.DataFrame | None = None, **specification) -> list[RegressionResult]:
    """The second stage of `result` under another specification (`estimator`, `control_log_trade`, `sample`) or
    with other pair variables `geo`."""
    return second_stage(result.resid, result.geo if geo is None else geo, result.settings, source_of(result),
                        **specification)
