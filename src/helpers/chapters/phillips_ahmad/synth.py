"""Seeded structural-gravity world with injected transshipment routes (spec 002, §7).

Per sector k and year t, `y_ijt = mu * B * exp(u_ij - s_u^2/2) * exp(e_ijt - s_e^2/2) / p_ij` with
`ln mu = c + 0.9 lgdp_it + 0.8 lgdp_jt + x_ijt beta_{k,period} + geo_ijt`, so E[y | mu] = mu and PPML
with exporter-year and importer-year fixed effects is consistent. The true gravity coefficients are the
paper's Table 6 (1995-2009) and Table 5 (2010-2022) estimates, sector by sector; the geopolitics effects
`theta` are multiplicative. Re-routing is injected after the draw: a share `s` of o->d trade is moved onto
o->h and h->d from year t0 on, so the same seed with and without routes gives a paired design.

Every sector is drawn from its own child seed, so one sector can be generated without the others.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from helpers.chapters.phillips_ahmad.paper import published
from helpers.chapters.phillips_ahmad.settings import GRAVITY_VARS, SECTORS

PERIODS = ((1995, 2009), (2010, 2022))

# name: (lat, lon, landlocked, island, log GDP 1995, democracy)
NAMED = {
    "USA": (39.8, -98.6, 0, 0, 13.0, 0.85), "CAN": (56.1, -106.3, 0, 0, 10.9, 0.86),
    "MEX": (23.6, -102.5, 0, 0, 10.9, 0.55), "CHN": (35.9, 104.2, 0, 0, 12.3, 0.07),
    "VNM": (14.1, 108.3, 0, 0, 9.4, 0.20), "KHM": (12.6, 104.9, 0, 0, 8.2, 0.25),
    "RUS": (61.5, 105.3, 0, 0, 11.0, 0.20), "KAZ": (48.0, 66.9, 1, 0, 9.6, 0.22),
    "ARM": (40.1, 45.0, 1, 0, 8.0, 0.45), "DEU": (51.2, 10.5, 0, 0, 12.0, 0.88),
    "FRA": (46.2, 2.2, 0, 0, 11.8, 0.85), "POL": (51.9, 19.1, 0, 0, 10.4, 0.75),
    "GBR": (55.4, -3.4, 0, 1, 11.7, 0.86), "IND": (20.6, 79.0, 0, 0, 10.9, 0.60),
    "BLR": (53.7, 28.0, 1, 0, 9.2, 0.15), "IRN": (32.4, 53.7, 0, 0, 10.5, 0.20),
    "UKR": (48.4, 31.2, 0, 0, 10.0, 0.45), "TUR": (39.0, 35.2, 0, 0, 10.9, 0.45),
    "JPN": (36.2, 138.3, 0, 1, 12.6, 0.85), "KOR": (35.9, 127.8, 0, 0, 11.2, 0.80),
    "THA": (15.9, 100.9, 0, 0, 10.6, 0.45), "IDN": (-0.8, 113.9, 0, 1, 10.9, 0.55),
    "ESP": (40.5, -3.7, 0, 0, 11.3, 0.86), "ITA": (41.9, 12.6, 0, 0, 11.6, 0.84),
    "BRA": (-14.2, -51.9, 0, 0, 11.3, 0.70), "CUB": (21.5, -77.8, 0, 1, 9.1, 0.08),
    "PRK": (40.3, 127.5, 0, 0, 8.5, 0.01), "VEN": (6.4, -66.6, 0, 0, 10.0, 0.30),
}
FAST_GROWERS = {"CHN": 0.12, "VNM": 0.10, "KHM": 0.09, "IND": 0.08, "KAZ": 0.07}
NEIGHBOURS = (
    ("USA", "CAN"), ("USA", "MEX"), ("CHN", "VNM"), ("VNM", "KHM"), ("CHN", "RUS"), ("RUS", "KAZ"),
    ("RUS", "UKR"), ("RUS", "BLR"), ("RUS", "POL"), ("DEU", "POL"), ("DEU", "FRA"), ("FRA", "ESP"),
    ("FRA", "ITA"), ("CHN", "IND"), ("CHN", "KAZ"), ("ARM", "IRN"), ("ARM", "TUR"), ("POL", "BLR"),
    ("POL", "UKR"), ("KHM", "THA"), ("CHN", "PRK"),
)
SANCTIONED = {"CUB": (1995, 2022), "PRK": (1995, 2022), "IRN": (1995, 2022), "VEN": (2019, 2022),
              "RUS": (2022, 2022)}
DEFAULT_THETA = {"Sanc": -0.8, "DICT": 0.3, "DEMO": -0.2, "abs_dem": 0.3, "abs_corr": -0.3, "LowCorr": 0.1,
                 "U11": 0.0, "U01": 0.0, "U10": 0.0}
DEFAULT_ROUTES = (
    ("CHN", "VNM", "USA", 2018, 0.10), ("CHN", "KHM", "USA", 2018, 0.03),
    ("RUS", "KAZ", "DEU", 2022, 0.20), ("RUS", "KAZ", "FRA", 2022, 0.20),
)
PLACEBO_ROUTE = ("CHN", "MEX", "USA", 2018, 0.0)
DEFAULT_ROUTE_SECTORS = ("Machinery", "Electronics", "Metals")
CONSTANT = -14.5


def true_betas() -> pd.DataFrame:
    """The generator's true gravity coefficients: the paper's Tables 5-6, one row per sector x period."""
    pub = published()
    rows = []
    for table, period in (("Table 6", PERIODS[0]), ("Table 5", PERIODS[1])):
        sub = pub[pub["table"] == table].pivot(index="column", columns="row", values="estimate")
        for sector in SECTORS:
            rows.append({"sector": sector, "period": f"{period[0]}-{period[1]}",
                         **{v: float(sub.loc[sector, v]) for v in GRAVITY_VARS}})
    return pd.DataFrame(rows).set_index(["sector", "period"])


def _haversine(lat, lon):
    lat, lon = np.radians(lat), np.radians(lon)
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _sym_bernoulli(rng, n, p):
    draw = rng.random((n, n)) < p
    upper = np.triu(draw, 1)
    return (upper | upper.T).astype(np.int8)


def _check_route(route, isos):
    if len(route) != 5:
        raise ValueError(f"A route is (origin, hub, destination, start_year, share); got {route!r}.")
    o, h, d, t0, s = route
    missing = [c for c in (o, h, d) if c not in isos]
    if missing:
        raise ValueError(f"Route {route!r} names countries not in the synthetic world: {missing}.")
    if not 0 <= float(s) < 1:
        raise ValueError(f"Route share must be in [0, 1); got {s} in {route!r}.")


@dataclass
class SyntheticWorld:
    """A drawn world: countries, pair covariates, country-year geopolitics; trade drawn per sector on demand."""

    seed: int = 1
    n_generic: int = 40
    years: tuple[int, int] = (1995, 2022)
    sigma_pair: float = 0.6
    sigma_iid: float = 0.3
    zero_inflation: bool = True
    theta: dict = field(default_factory=lambda: dict(DEFAULT_THETA))
    routes: tuple = DEFAULT_ROUTES + (PLACEBO_ROUTE,)
    route_sectors: tuple = DEFAULT_ROUTE_SECTORS
    fta_share: float = 0.25
    constant: float = CONSTANT

    def __post_init__(self):
        if self.n_generic < 0:
            raise ValueError(f"n_generic must be >= 0; got {self.n_generic}.")
        if self.years[0] > self.years[1]:
            raise ValueError(f"years must be (first, last); got {self.years}.")
        unknown = set(self.theta) - set(DEFAULT_THETA)
        if unknown:
            raise ValueError(f"Unknown theta entries {sorted(unknown)}; allowed: {sorted(DEFAULT_THETA)}.")
        self.theta = {**{k: 0.0 for k in DEFAULT_THETA}, **self.theta}
        bad = [s for s in self.route_sectors if s not in SECTORS]
        if bad:
            raise ValueError(f"Unknown route sectors {bad}; allowed: {list(SECTORS)}.")
        self._ss = np.random.SeedSequence(self.seed)
        world_seed, self._sector_seed = self._ss.spawn(2)
        self._build(np.random.default_rng(world_seed))
        for r in self.routes:
            _check_route(r, self.isos)

    # ---- countries, pairs, country-years -------------------------------------------------------
    def _build(self, rng):
        ng = self.n_generic
        named = pd.DataFrame.from_dict(NAMED, orient="index",
                                       columns=["lat", "lon", "landlocked", "island", "lgdp0", "dem0"])
        land = (rng.random(ng) < 0.16).astype(int)
        island = ((rng.random(ng) < 0.25) & (land == 0)).astype(int)
        generic = pd.DataFrame({
            "lat": rng.uniform(-40, 60, ng), "lon": rng.uniform(-120, 150, ng),
            "landlocked": land, "island": island, "lgdp0": rng.normal(8.8, 1.6, ng),
            "dem0": rng.beta(1.2, 1.8, ng)}, index=[f"G{k:03d}" for k in range(ng)])
        c = pd.concat([named, generic])
        c.index.name = "iso3"
        n = len(c)
        growth = rng.normal(0.045, 0.02, n)
        for iso, g in FAST_GROWERS.items():
            growth[c.index.get_loc(iso)] = g
        c["growth"] = growth
        c["corr_noise"] = rng.normal(0, 0.12, n)
        c["income_z"] = (c["lgdp0"] - c["lgdp0"].mean()) / c["lgdp0"].std() + rng.normal(0, 0.5, n)
        self.countries = c
        self.isos = list(c.index)
        self.n = n
        self.year_list = np.arange(self.years[0], self.years[1] + 1)
        T = len(self.year_list)

        dist = _haversine(c["lat"].to_numpy(), c["lon"].to_numpy())
        np.fill_diagonal(dist, np.maximum(rng.uniform(50, 800, n), 1.0))
        contig = _sym_bernoulli(rng, n, 0.35) * (dist < 1800)
        for a, b in NEIGHBOURS:
            i, j = c.index.get_loc(a), c.index.get_loc(b)
            contig[i, j] = contig[j, i] = 1
        np.fill_diagonal(contig, 0)
        lang, legal, colony = (_sym_bernoulli(rng, n, p) for p in (0.37, 0.06, 0.015))
        np.fill_diagonal(lang, 1)
        np.fill_diagonal(legal, 1)
        np.fill_diagonal(colony, 0)
        entry = np.where(rng.random((n, n)) < self.fta_share, rng.integers(1990, 2030, (n, n)), 9999)
        entry = np.triu(entry, 1)
        entry = entry + entry.T
        entry[entry == 0] = 9999
        nafta = [c.index.get_loc(x) for x in ("USA", "CAN", "MEX")]
        for i in nafta:
            for j in nafta:
                if i != j:
                    entry[i, j] = 1994
        np.fill_diagonal(entry, 9999)
        L = c["landlocked"].to_numpy()
        I = c["island"].to_numpy()
        self.pair = {
            "ln_dist": np.log(dist), "dist": dist, "contig": contig, "lang": lang, "legal": legal,
            "colony": colony, "fta_entry": entry,
            "landlocked": np.maximum(L[:, None], L[None, :]), "island": np.maximum(I[:, None], I[None, :]),
            "dom": np.eye(n, dtype=np.int8),
        }

        # country-year geopolitics (arrays n x T)
        t_index = self.year_list - 1995
        lgdp = c["lgdp0"].to_numpy()[:, None] + np.log1p(c["growth"].to_numpy())[:, None] * t_index[None, :]
        dem = np.clip(c["dem0"].to_numpy()[:, None] + rng.normal(0, 0.02, (n, T)), 0, 1)
        corr = np.clip(0.9 - 0.85 * dem + c["corr_noise"].to_numpy()[:, None], 0, 1)
        upper = (c["income_z"].to_numpy()[:, None] - 0.43 + 0.026 * t_index[None, :] > 0).astype(int)
        sanc = np.zeros((n, T), dtype=int)
        for iso, (a, b) in SANCTIONED.items():
            sanc[c.index.get_loc(iso), (self.year_list >= a) & (self.year_list <= b)] = 1
        self.cy = {"lgdp": lgdp, "dem": dem, "corr": corr, "upper": upper, "sanctioned": sanc}

    @cached_property
    def country_year(self) -> pd.DataFrame:
        """Country-year table: iso3, year, lgdp, dem, corr, upper, sanctioned."""
        n, T = self.n, len(self.year_list)
        out = pd.DataFrame({"iso3": np.repeat(self.isos, T), "year": np.tile(self.year_list, n)})
        for k, v in self.cy.items():
            out[k] = v.reshape(-1)
        return out

    def _geo_arrays(self, t: int, dem_thresholds=(0.25, 0.75), corr_threshold=0.5) -> dict:
        d, co = self.cy["dem"][:, t], self.cy["corr"][:, t]
        u, s = self.cy["upper"][:, t], self.cy["sanctioned"][:, t]
        lo, hi = dem_thresholds
        return {
            "abs_dem": np.abs(d[:, None] - d[None, :]),
            "DEMO": ((d[:, None] > hi) & (d[None, :] > hi)).astype(float),
            "DICT": ((d[:, None] < lo) & (d[None, :] < lo)).astype(float),
            "abs_corr": np.abs(co[:, None] - co[None, :]),
            "LowCorr": ((co[:, None] < corr_threshold) & (co[None, :] < corr_threshold)).astype(float),
            "Sanc": (s[:, None] ^ s[None, :]).astype(float),
            "U11": (u[:, None] * u[None, :]).astype(float),
            "U10": (u[:, None] * (1 - u[None, :])).astype(float),
            "U01": ((1 - u[:, None]) * u[None, :]).astype(float),
        }

    # ---- trade ---------------------------------------------------------------------------------
    def _beta(self, sector: str, year: int) -> dict:
        betas = _cached_betas()
        period = PERIODS[0] if year <= PERIODS[0][1] else PERIODS[1]
        return betas.loc[(sector, f"{period[0]}-{period[1]}")].to_dict()

    def log_mu(self, sector: str) -> np.ndarray:
        """ln mu_ijt (n x n x T) for one sector, including the geopolitics term."""
        n, T = self.n, len(self.year_list)
        out = np.empty((n, n, T))
        intl = ~np.eye(n, dtype=bool)
        active = {g: th for g, th in self.theta.items() if th != 0}
        for t, year in enumerate(self.year_list):
            b = self._beta(sector, year)
            x = sum(b[v] * self._pair_var(v, year) for v in GRAVITY_VARS)
            lg = self.cy["lgdp"][:, t]
            eta = self.constant + 0.9 * lg[:, None] + 0.8 * lg[None, :] + x
            if active:
                geo_arr = self._geo_arrays(t)
                geo = sum(th * geo_arr[g] for g, th in active.items())
                geo = np.where(intl, geo - geo[intl].mean(), 0.0)
                eta = eta + geo
            out[:, :, t] = eta
        return out

    def _pair_var(self, v: str, year: int) -> np.ndarray:
        if v == "fta":
            return (self.pair["fta_entry"] <= year).astype(float)
        return self.pair[v].astype(float)

    def draw_trade(self, sector: str, inject: bool = True) -> tuple[np.ndarray, pd.DataFrame]:
        """(y as n x n x T array, injected-route records) for one sector; same draws with or without routes."""
        if sector not in SECTORS:
            raise ValueError(f"Unknown sector {sector!r}; allowed: {list(SECTORS)}.")
        # the chapter asks for the same sector once per period: keep the last draw (read-only, so shared safely)
        last = getattr(self, "_last_draw", None)
        if last is not None and last[0] == (sector, inject):
            return last[1], last[2].copy()
        y, records = self._draw_trade(sector, inject)
        y.setflags(write=False)
        self._last_draw = ((sector, inject), y, records)
        return y, records.copy()

    def _draw_trade(self, sector: str, inject: bool) -> tuple[np.ndarray, pd.DataFrame]:
        k = SECTORS.index(sector)
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(1, k)))
        n, T = self.n, len(self.year_list)
        lmu = self.log_mu(sector)
        mu = np.exp(lmu)
        su = np.where(np.eye(n, dtype=bool), min(0.2, self.sigma_pair), self.sigma_pair)
        u = rng.normal(0, 1, (n, n)) * su
        e = rng.normal(0, self.sigma_iid, (n, n, T))
        y = mu * np.exp(u - su ** 2 / 2)[:, :, None] * np.exp(e - self.sigma_iid ** 2 / 2)
        if self.zero_inflation:
            p = 1.0 / (1.0 + np.exp(-(1.2 + 0.35 * (lmu + 2.5))))
            y = np.where(rng.random((n, n, T)) < p, y / p, 0.0)
        records = []
        if inject and sector in self.route_sectors:
            y, records = inject_routes(y, self.isos, self.year_list, self.routes, sector)
        return y, pd.DataFrame(records, columns=["sector", "origin", "hub", "destination", "year", "share",
                                                 "amount"])

    def sector_panel(self, sector: str, years: tuple[int, int] | None = None, inject: bool = True,
                     include_domestic: bool = True) -> pd.DataFrame:
        """Long panel (exporter, importer, year, sector, trade, gravity covariates) for one sector."""
        y, _ = self.draw_trade(sector, inject=inject)
        return self.long_panel(y, sector, years, include_domestic)

    def long_panel(self, y: np.ndarray, sector: str, years: tuple[int, int] | None = None,
                   include_domestic: bool = True) -> pd.DataFrame:
        """`sector_panel` for a given trade array `y` (n x n x T), e.g. one with other injected routes."""
        n = self.n
        lo, hi = years or (self.year_list[0], self.year_list[-1])
        tsel = np.flatnonzero((self.year_list >= lo) & (self.year_list <= hi))
        if len(tsel) == 0:
            raise ValueError(f"No synthetic years in {years}; the world covers {self.years}.")
        ii, jj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        keep = np.ones((n, n), bool) if include_domestic else ~np.eye(n, dtype=bool)
        ii, jj = ii[keep], jj[keep]
        m = len(ii)
        iso = np.array(self.isos, dtype=object)     # one shared str object per country, not one per row
        frames = {
            "exporter": np.tile(iso[ii], len(tsel)), "importer": np.tile(iso[jj], len(tsel)),
            "year": np.repeat(self.year_list[tsel], m),
            "trade": y[ii[:, None], jj[:, None], tsel[None, :]].T.reshape(-1),
        }
        df = pd.DataFrame(frames)
        df["sector"] = sector
        for v in GRAVITY_VARS:
            if v == "fta":
                df[v] = (self.pair["fta_entry"][ii, jj][None, :] <= self.year_list[tsel][:, None]).reshape(-1)
                df[v] = df[v].astype(np.int8)
            else:
                df[v] = np.tile(self.pair[v][ii, jj], len(tsel))
        df["dist"] = np.tile(self.pair["dist"][ii, jj], len(tsel))
        return df

    def pair_geopolitics(self, dem_thresholds=(0.25, 0.75), corr_threshold=0.5) -> pd.DataFrame:
        """Long exporter x importer x year frame of the second-stage pair variables (incl. domestic pairs)."""
        n = self.n
        iso = np.array(self.isos, dtype=object)
        ii, jj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        ii, jj = ii.reshape(-1), jj.reshape(-1)
        parts = []
        for t, year in enumerate(self.year_list):
            g = self._geo_arrays(t, dem_thresholds, corr_threshold)
            part = {"exporter": iso[ii], "importer": iso[jj], "year": np.full(len(ii), year)}
            part.update({k: v.reshape(-1) for k, v in g.items()})
            parts.append(pd.DataFrame(part))
        return pd.concat(parts, ignore_index=True)


def inject_routes(y: np.ndarray, isos, years, routes, sector: str) -> tuple[np.ndarray, list]:
    """Move share s of o->d onto o->h and h->d for t >= t0; return the new array and the records."""
    y = y.copy()
    pos = {c: k for k, c in enumerate(isos)}
    records = []
    for o, h, d, t0, s in routes:
        i, k, j = pos[o], pos[h], pos[d]
        for t in np.flatnonzero(np.asarray(years) >= t0):
            amount = float(s) * y[i, j, t]
            y[i, j, t] -= amount
            y[i, k, t] += amount
            y[k, j, t] += amount
            records.append((sector, o, h, d, int(years[t]), float(s), amount))
    return y, records


@lru_cache(maxsize=1)
def _cached_betas() -> pd.DataFrame:
    """true_betas() read once per process (every sector-year of every draw looks its coefficients up here)."""
    return true_betas()
