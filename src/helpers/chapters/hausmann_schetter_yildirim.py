"""Hausmann, Schetter & Yildirim (2022): chapter parameters and the data -> model pipeline (no glue here).

Real: the WIOD 2008 world IO table (model calibration), HS92 concordances (product universe, WIOD industry,
BEC class), IMF partner shares. Synthetic (default for the product level): HS6 trade values, home sales,
elasticities and sanction lists, from helpers.synth.hausmann_schetter_yildirim.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from helpers.params import Boolean, Choice, Integer, ListOf, Number
from helpers.models.hsy import calibration as cal
from helpers.models.hsy import scenarios as sc
from helpers.models.hsy.io_model import IOModel, WorldIO

SLUG = "hausmann_schetter_yildirim"
GENERATOR = "helpers.synth.hausmann_schetter_yildirim"

PARAMETERS = {
    "data_source": Choice("auto", "real", "synthetic", doc="WIOD + concordances from the mirror (real) or all synthetic"),
    "quick": Boolean(doc="smoke run: fewer scenarios / robustness variants"),
    "seed": Integer(0, 2**31 - 1, doc="seed of the synthetic product-level generator"),
    "coalition": ListOf(Choice(*cal.COALITION), min_len=1, doc="coalition groups that sanction"),
    "targeting_rule": Choice(*sc.TARGETING_RULES, doc="ranking used in scenarios 4-6"),
    "ban_share_target": Number(0.0, 0.95, low_open=True, doc="banned share of coalition exports in scenarios 4/5 "
                                                               "(None = scenario 2's)"),
    "expansion": Number(1.0, 3.0, doc="scenario 6 banned exports relative to scenario 2"),
    "elasticity_set": Choice("baseline", "robust1", "robust2"),
    "theta_intermediate": Number(0.0, 1.0, doc="theta for intermediate and capital goods (Eq. 3/4)"),
    "second_order_coef": Choice(1.0, 0.5, doc="1 as printed in Eq. 3, 1/2 as derived in Appendix B.1"),
    "industry_scheme": Choice("tableA1_16", "bf30_15"),
    "unmapped_treatment": Choice("unshocked", "exclude", doc="HS products with no goods industry (e.g. WIOD c16)"),
    "fn23_scaling": Choice("log", "demand"),
    "omega_cap": Number(0.5, 1.0, high_open=True),
    "home_sales": Boolean(doc="include imputed Russian home sales in expenditure (Fig. A.1a: False)"),
}

DEFAULTS = dict(data_source="auto", quick=False, seed=4, coalition=list(cal.COALITION), targeting_rule="eq4",
                ban_share_target=None, expansion=1.5, elasticity_set="baseline", theta_intermediate=0.2,
                second_order_coef=1.0, industry_scheme="tableA1_16", unmapped_treatment="unshocked",
                fn23_scaling="log", omega_cap=0.99, home_sales=True)


def validate_parameters(values: dict):
    """helpers.params.validate, letting ban_share_target be None (= scenario 2's share)."""
    from helpers.params import validate
    spec = dict(PARAMETERS)
    if values.get("ban_share_target", 0.5) is None:
        spec.pop("ban_share_target")
    return validate(values, spec)


@lru_cache(maxsize=4)
def world(kind: str = "real", scheme: str = "tableA1_16") -> WorldIO:
    """The calibrated 18-group world: WIOD 2008 (real) or a synthetic 18 x D table with similar moments."""
    if kind == "real":
        from helpers.data.hausmann_schetter_yildirim import wiot_2008
        return cal.aggregate_wiod(wiot_2008(), scheme)
    return synthetic_world(len(cal.INDUSTRY_SCHEMES[scheme][0]))


def synthetic_world(D: int = 16, seed: int = 11) -> WorldIO:
    """Fallback world when WIOD is unavailable (spec section 8.2): lognormal sizes, home bias, random IO mix."""
    rng = np.random.default_rng(seed)
    N = len(cal.GROUP_NAMES)
    size = rng.lognormal(0, 1.0, N)
    size[cal.GROUP_NAMES.index("USA")] *= 4
    size[cal.GROUP_NAMES.index("Baltics")] *= 0.05
    size /= size.sum()
    goods = D - 1
    home = np.r_[rng.uniform(0.6, 0.8, goods), 0.95]
    gamma = np.r_[rng.uniform(0.35, 0.6, goods), 0.65]
    n = N * D
    A = np.zeros((N, D, N, D))
    F = np.zeros((N, N, D))
    for i in range(N):
        mix = rng.dirichlet(np.ones(D), D) * 0.5 + np.eye(D) * 0.2 + np.r_[np.zeros(goods), 0.3]
        mix /= mix.sum(1, keepdims=True)
        origin = size * rng.lognormal(0, 0.5, N)
        origin[i] = 0
        origin /= origin.sum()
        for e in range(D):
            shares = (1 - home[e]) * origin
            shares[i] = home[e]
            A[i, :, :, e] = ((1 - gamma) * mix[:, e])[:, None] * shares[None, :]
            F[i, :, e] = (0.35 if e == D - 1 else 0.65 / goods) * shares
    A, F = A.reshape(n, n), F.reshape(N, n)
    R = np.linalg.solve(np.eye(n) - A.T, F.T @ size)          # market clearing given expenditure = size
    X = (A * R[:, None]).reshape(N, D, N, D)
    C = (F * size[:, None]).reshape(N, N, D)
    return WorldIO(X * 1e6, C * 1e6, cal.GROUP_NAMES, cal.INDUSTRY_SCHEMES["tableA1_16" if D == 16 else "bf30_15"][0])


def russia_import_mix(w: WorldIO) -> pd.Series:
    """Russia's imports by WIOD industry number (1..16) from the calibrated world, for the generator."""
    r = w.countries.index(cal.RUSSIA)
    imports = w.X[r].sum(0) + w.C[r]
    imports[r] = 0
    by_ind = imports.sum(0)[:-1]
    if w.D == 16:
        wiod_numbers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 13, 15]
    else:
        wiod_numbers = [1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16]
    s = pd.Series(by_ind / by_ind.sum(), index=wiod_numbers)
    if w.D == 15:          # split merged sectors evenly between their WIOD halves
        s = pd.concat([s, pd.Series({5: s[4] / 2, 10: s[9] / 2})])
        s[4] /= 2
        s[9] /= 2
    return s.sort_index() * 0.95          # ~5% of HS imports fall in c16 and unmapped codes


@lru_cache(maxsize=8)
def _products_cached(kind: str, seed: int, scheme: str) -> pd.DataFrame:
    from helpers.synth.hausmann_schetter_yildirim import generate
    partner = None
    universe = None
    if kind == "real":
        from helpers.data.hausmann_schetter_yildirim import hs92_products, russia_import_partner_shares
        universe = hs92_products()
        imf = russia_import_partner_shares()
        partner = {}
        for iso, share in imf.items():
            g = cal.ISO3_TO_GROUP.get(iso, "Rest of the World")
            if g != cal.RUSSIA:
                partner[g] = partner.get(g, 0.0) + share
    others = [g for g in cal.GROUP_NAMES[12:] if g != cal.RUSSIA]
    return generate(seed=seed, universe=universe, industry_mix=russia_import_mix(world(kind, scheme)),
                    partner_shares=partner, coalition=list(cal.COALITION), other_groups=others)


def products(kind: str = "real", seed: int = 4, scheme: str = "tableA1_16") -> pd.DataFrame:
    """Product-level table: synthetic trade/elasticities/sanctions on the real HS92 universe when kind='real'."""
    return _products_cached(kind, seed, scheme).copy()


@dataclass
class Setup:
    kind: str
    world: WorldIO
    model: IOModel
    theta_d: np.ndarray
    products: pd.DataFrame          # prepared (criteria, ranks, industries)
    raw_products: pd.DataFrame
    coalition: list


def setup(p, kind: str) -> Setup:
    """Everything a scenario run needs, from validated parameters `p` (a namespace or dict)."""
    g = (lambda k: getattr(p, k, DEFAULTS[k])) if not isinstance(p, dict) else (lambda k: p.get(k, DEFAULTS[k]))
    w = world(kind, g("industry_scheme"))
    el, theta_d = cal.elasticities(g("elasticity_set"), g("industry_scheme"))
    raw = products(kind, g("seed"), g("industry_scheme"))
    prepared = sc.prepare_products(raw, list(g("coalition")), g("industry_scheme"), g("unmapped_treatment"),
                                   float(g("second_order_coef")), g("theta_intermediate"), g("omega_cap"),
                                   g("home_sales"))
    return Setup(kind, w, IOModel(w, el), theta_d, prepared, raw, list(g("coalition")))


def run_scenarios(s: Setup, p=None, scenarios=sc.SCENARIOS) -> dict:
    g = (lambda k: DEFAULTS[k]) if p is None else (
        (lambda k: getattr(p, k, DEFAULTS[k])) if not isinstance(p, dict) else (lambda k: p.get(k, DEFAULTS[k])))
    return sc.run_all(s.world, s.model, s.products, s.coalition, s.theta_d, scenarios=scenarios,
                      targeting_rule=g("targeting_rule"), target_share=g("ban_share_target"),
                      expansion=g("expansion"), fn23_scaling=g("fn23_scaling"), seed=g("seed"))
