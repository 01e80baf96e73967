"""Calibrated synthetic sanction-case-years for the Dorff & Minhas chapter (offline fallback).

Reduced-form generator of the replication spec (§7.1, "Level A"): targets with persistent regime,
income, population and unrest; ~810 imposed cases starting 1945–2005 (Beta(2.5, 1) start years);
case-level sender count, proximity, alliance and trade; compliance and sanction reciprocity drawn from a
Gaussian copula (ρ = 0.8) with sanction reciprocity correlated with the target's size and income (the
omitted-variable channel behind the Model 1 → Model 3 attenuation). Compliance in each case-year is drawn
from a discrete-time proportional hazard whose log relative risk is Σ β_k (x_k − m_k) with β = the paper's
Model 3 (Table 2) and m = Table 4 means; a competing 'other termination' hazard and administrative
censoring in 2005 end the other spells; rows from 1960 on are kept (delayed entry). Column names are the
archive's, so the chapter runs unchanged. Every number printed from it is a method check, not a result.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from helpers.chapters.dorff_minhas.settings import MONADIC

TRUE_BETA = {  # Table 2, Model 3 (the generator's truth)
    "lag1_uData": 0.508, "lag1_SuData2": -0.218, "noS": 0.193, "Ddistdata": 0.825, "lag1_tdata": -2.464,
    "lag1_allydata": 0.026, "lag1_polity2": 0.022, "lag1_lgdpCAP": -0.22, "lag1_gdpGR": 0.003,
    "lag1_lpopulation": -0.112, "lag1_domSUM": 0.013,
}
CENTRES = {  # Table 4 means
    "lag1_uData": 0.53, "lag1_SuData2": 3.36, "noS": 1.51, "Ddistdata": 0.14, "lag1_tdata": 0.01,
    "lag1_allydata": 0.44, "lag1_polity2": 14.45, "lag1_lgdpCAP": 8.23, "lag1_gdpGR": 3.6,
    "lag1_lpopulation": 17.42, "lag1_domSUM": 3.04,
}
DURATION_SHAPE = [(2, 1.0), (5, 0.75), (10, 0.45), (15, 0.30), (np.inf, 0.12)]


@dataclass(frozen=True)
class SynthSettings:
    n_cases: int = 810
    n_targets: int = 140
    c_comp: float = 0.037          # baseline yearly compliance hazard scale
    c_other: float = 0.055         # competing termination hazard
    rho_recip: float = 0.8
    start_beta: tuple = (2.5, 1.0)
    beta: dict = field(default_factory=lambda: dict(TRUE_BETA))
    missing_target: float = 0.146  # share of rows with a missing monadic value in the unimputed version


@dataclass(frozen=True)
class SynthData:
    frame: pd.DataFrame
    truth: dict
    settings: SynthSettings
    seed: int


def _shape(d: np.ndarray) -> np.ndarray:
    out = np.empty_like(d, dtype=float)
    lo = 0
    for hi, val in DURATION_SHAPE:
        out[(d > lo) & (d <= hi)] = val
        lo = hi
    return out


def generate(seed: int = 20170601, imputed: bool = True, settings: SynthSettings | None = None) -> SynthData:
    """Simulate the analysis frame; ``imputed=False`` blanks monadic covariates (more often for poor,
    autocratic, early target-years) like the archive's unimputed file."""
    s = settings or SynthSettings()
    if s.n_cases < 50 or s.n_targets < 10:
        raise ValueError("synthetic generator needs n_cases >= 50 and n_targets >= 10")
    rng = np.random.default_rng(seed)
    years = np.arange(1945, 2006)
    T = s.n_targets
    # targets
    regime = rng.choice(3, T, p=[0.635, 0.225, 0.14])
    pol0 = np.where(regime == 0, rng.integers(18, 21, T), np.where(regime == 1, rng.integers(0, 7, T), rng.integers(7, 18, T)))
    z_pol = (pol0 - 14.45) / 6.96
    gdp0 = 7.93 + 1.72 * (0.55 * z_pol + np.sqrt(1 - 0.55 ** 2) * rng.normal(size=T))
    pop0 = 17.15 + 1.64 * rng.normal(size=T)
    mu_conf = np.exp(np.log(3.04) - 0.35 + 0.6 * rng.normal(size=T) + 0.25 * (pop0 - 17.42))
    Y = len(years)
    steps = rng.choice([-1, 0, 1], size=(T, Y), p=[0.05, 0.9, 0.05])
    polity = np.clip(pol0[:, None] + np.cumsum(steps, 1), 0, 20)
    gdp = np.clip(gdp0[:, None] + 0.02 * (years - 1983) + rng.normal(0, 0.1, (T, Y)), 3.86, 11.22)
    pop = np.clip(pop0[:, None] + 0.015 * (years - 1983), 11.14, 20.99)
    conflict = np.minimum(rng.negative_binomial(0.6, 0.6 / (0.6 + mu_conf[:, None]), (T, Y)), 87)
    growth = np.clip(3.66 + 3.18 * rng.standard_t(4, (T, Y)), -42.45, 46.5)
    # cases
    C = s.n_cases
    w = 1 / np.arange(1, T + 1)
    target = rng.choice(T, C, p=w / w.sum())
    start = 1945 + np.floor(61 * rng.beta(*s.start_beta, C)).astype(int)
    n_send = rng.choice([1, 2, 3, 4, 5], C, p=[0.82, 0.05, 0.025, 0.01, 0.095])
    dist = rng.binomial(1, 0.14, C)
    ally = rng.binomial(1, 0.44, C)
    trade0 = np.where(rng.random(C) < 0.15, 0.0, rng.gamma(2, 0.006, C))
    # reciprocity via Gaussian copula, sanction side tied to target size and income
    zpop = (pop0[target] - pop0.mean()) / pop0.std()
    zgdp = (gdp0[target] - gdp0.mean()) / gdp0.std()
    z1 = rng.normal(size=C)
    lat_s = 0.3 * zpop + 0.2 * zgdp
    z2 = s.rho_recip * z1 + np.sqrt(1 - s.rho_recip ** 2) * rng.normal(size=C)
    z2 = (z2 + lat_s) / np.sqrt(1 + 0.3 ** 2 + 0.2 ** 2)
    u1, u2 = stats.norm.cdf(z1), stats.norm.cdf(z2)
    spike = rng.random(C) < 0.55
    comp0 = np.where(spike, -0.02 + rng.normal(0, 0.02, C), stats.gamma.ppf(u1, 1.2, scale=1.3))
    sanc0 = -1.1 + stats.gamma.ppf(u2, 0.9, scale=4.3)
    beta = np.array([s.beta[k] for k in TRUE_BETA])
    centre = np.array([CENTRES[k] for k in TRUE_BETA])
    rows = []
    for c in range(C):
        d = np.arange(1, 2005 - start[c] + 2)
        y = start[c] + d - 1
        yi = y - 1945
        L = len(d)
        comp = np.clip(comp0[c] + np.cumsum(rng.normal(0, 0.01, L)), -0.81, 4.15)
        sanc = np.clip(sanc0[c] + np.cumsum(0.04 + rng.normal(0, 0.15, L)), -1.1, 21.19)
        trade = np.where(y >= 1970, np.minimum(1, trade0[c] * np.exp(rng.normal(0, 0.2, L))), 0.0)
        t = target[c]
        X = np.column_stack([comp, sanc, np.full(L, n_send[c]), np.full(L, dist[c]), trade, np.full(L, ally[c]),
                             polity[t, yi], gdp[t, yi], growth[t, yi], pop[t, yi], conflict[t, yi]])
        eta = (X - centre) @ beta
        p_c = 1 - np.exp(-s.c_comp * _shape(d) * np.exp(eta))
        comply = rng.random(L) < p_c
        other = rng.random(L) < 1 - np.exp(-s.c_other)
        stop_at = np.where(comply | other)[0]
        end = stop_at[0] if stop_at.size else L - 1
        event = np.zeros(L, int)
        event[end] = int(comply[end])
        k = end + 1
        rows.append(np.column_stack([np.full(k, 100000 + c), np.full(k, 1000 + t), y[:k], d[:k] - 1, d[:k],
                                     event[:k], X[:k]]))
    frame = pd.DataFrame(np.vstack(rows), columns=["caseid", "targetstate", "year", "start", "stop", "compliance"]
                         + list(TRUE_BETA))
    frame = frame[frame["year"] >= 1960].reset_index(drop=True)
    for k in range(1, 6):
        frame[f"sender{k}_ccode"] = np.where(frame["noS"] >= k, 2.0, np.nan)
    if not imputed:
        z = (frame["lag1_lgdpCAP"] - 8.23) / 1.72 + 0.5 * (frame["lag1_polity2"] - 14.45) / 6.96
        score = -z + 0.8 * (frame["year"] < 1975)
        # logistic missingness calibrated by bisection to the target row share
        lo, hi = -10.0, 10.0
        for _ in range(50):
            a = (lo + hi) / 2
            share = (1 / (1 + np.exp(-(a + 1.5 * score)))).mean()
            lo, hi = (a, hi) if share < s.missing_target else (lo, a)
        miss = rng.random(len(frame)) < 1 / (1 + np.exp(-(a + 1.5 * score)))
        col = rng.choice(MONADIC, len(frame))
        for m in MONADIC:
            frame.loc[miss & (col == m), m] = np.nan
    return SynthData(frame, dict(TRUE_BETA), s, seed)
