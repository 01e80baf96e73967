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

from helpers.cache import cached
from helpers.params import Boolean, Choice, Integer, ListOf, Number
from helpers.models.hsy import calibration as cal
from helpers.models.hsy import scenarios as sc
from helpers.models.hsy.io_model import IOModel, WorldIO

SLUG = "hausmann_schetter_yildirim"
GENERATOR = "helpers.synth.hausmann_schetter_yildirim"
from helpers.data.hausmann_schetter_yildirim import REAL_KEYS  # noqa: E402,F401 (re-exported for the notebooks)

PARAMETERS = {
    "data_source": Choice("auto", "real", "synthetic", doc="WIOD + concordances from the mirror (real) or all synthetic"),
    "quick": Boolean(doc="smoke run: fewer scenarios / robustness variants"),
    "seed": Integer(0, 2**31 - 1, doc="seed of the synthetic product-level generator"),
    "coalition": ListOf(Choice(*cal.COALITION), min_len=1, doc="coalition groups that sanction"),
    "targeting_rule": Choice(*sc.TARGETING_RULES, doc="ranking used in scenarios 4-6"),
    "ban_share_target": Number(0.0, 0.95, low_open=True, doc="banned share of coalition exports in scenarios 4/5 "
                                                               "(None = scenario 2's)"),
    "expansion": Number(1.0, 3.0, doc="scenario 6 banned exports relative to scenario 2"),
    "elasticity_set": Choice("baseline", "robust1", "robust2", "robust1_all"),
    "theta_intermediate": Number(0.0, 1.0, doc="theta for intermediate and capital goods (Eq. 3/4)"),
    "second_order_coef": Choice(1.0, 0.5, doc="1 as printed in Eq. 3, 1/2 as derived in Appendix B.1"),
    "industry_scheme": Choice("tableA1_16", "bf30_15"),
    "unmapped_treatment": Choice("unshocked", "exclude", doc="HS products with no goods industry (e.g. WIOD c16)"),
    "fn23_scaling": Choice("log", "demand"),
    "omega_cap": Number(0.5, 1.0, high_open=True),
    "home_sales": Boolean(doc="include imputed Russian home sales in expenditure (Fig. A.1a: False)"),
    "elasticity_source": Choice("synthetic", "broda_weinstein_rank",
                                doc="HS6 elasticities: calibrated draw, or the same draw ordered by real "
                                    "Broda-Weinstein HS3 elasticities (extension)"),
}

DEFAULTS = dict(data_source="auto", quick=False, seed=4, coalition=list(cal.COALITION), targeting_rule="eq4",
                ban_share_target=None, expansion=1.5, elasticity_set="baseline", theta_intermediate=0.2,
                second_order_coef=1.0, industry_scheme="tableA1_16", unmapped_treatment="unshocked",
                fn23_scaling="log", omega_cap=0.99, home_sales=True, elasticity_source="synthetic")


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
def _products_cached(kind: str, seed: int, scheme: str, elasticity_source: str = "synthetic") -> pd.DataFrame:
    from helpers.synth.hausmann_schetter_yildirim import generate
    partner = None
    universe = None
    ranking = None
    if elasticity_source == "broda_weinstein_rank":
        if kind != "real":
            raise ValueError("elasticity_source='broda_weinstein_rank' needs the real concordance files.")
        from helpers.data.hausmann_schetter_yildirim import broda_weinstein_hs3, hs92_products
        bw = broda_weinstein_hs3()
        hs = hs92_products()["hs6"]
        ranking = pd.Series(hs.str.slice(0, 3).map(bw).to_numpy(), index=hs.to_numpy())
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
                    partner_shares=partner, coalition=list(cal.COALITION), other_groups=others,
                    elasticity_rank=ranking)


def products(kind: str = "real", seed: int = 4, scheme: str = "tableA1_16",
             elasticity_source: str = "synthetic") -> pd.DataFrame:
    """Product-level table: synthetic trade/elasticities/sanctions on the real HS92 universe when kind='real'."""
    return _products_cached(kind, seed, scheme, elasticity_source).copy()


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
    raw = products(kind, g("seed"), g("industry_scheme"), g("elasticity_source"))
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


# ---------- cached runs shared by the scenario, robustness and scorecard notebooks ----------

_RUN_KEYS = ("seed", "coalition", "targeting_rule", "ban_share_target", "expansion", "elasticity_set",
             "theta_intermediate", "second_order_coef", "industry_scheme", "unmapped_treatment", "fn23_scaling",
             "omega_cap", "home_sales", "elasticity_source")


def _code():
    from helpers.data import hausmann_schetter_yildirim as data_builders
    from helpers.models.hsy import criterion, io_model, shocks
    from helpers.synth import hausmann_schetter_yildirim as synth
    return (criterion, io_model, shocks, sc, cal, synth, data_builders, __file__)


def scenario_runs(p, kind: str, scenarios=sc.SCENARIOS, **overrides) -> dict:
    """Scenario results for parameters `p` (+ overrides), cached on disk by parameters, data kind and code
    version (results are deterministic, so a cache hit returns exactly what a fresh run would)."""
    base = {k: (getattr(p, k) if not isinstance(p, dict) and hasattr(p, k) else
                (p.get(k, DEFAULTS[k]) if isinstance(p, dict) else DEFAULTS[k])) for k in _RUN_KEYS}
    values = {**base, **overrides}

    def compute():
        results = run_scenarios(setup(values, kind), values, scenarios)
        for r in results.values():
            r.__dict__.pop("_x", None)
        return results

    return cached("hausmann_schetter_yildirim", [values, kind, list(scenarios)], compute, code=_code())


def ranking_robustness(prepared_kwargs: dict, raw: pd.DataFrame, coalition: list, top: int = 1000) -> pd.DataFrame:
    """Figure A.1: the Eq. 3 ranking without home sales (a) and with a common eps = -8.2 (b), against the
    baseline: Spearman rank correlation and how many of the baseline top `top` stay in the top `top`."""
    from scipy.stats import spearmanr
    base = sc.prepare_products(raw, coalition, **prepared_kwargs)
    rows = {}
    for label, extra in (("no_home_shares", dict(home_sales=False)), ("common_elasticity", dict(common_sigma=9.2))):
        alt = sc.prepare_products(raw, coalition, **{**prepared_kwargs, **extra})
        merged = base[["hs6", "rank_eq3"]].merge(alt[["hs6", "rank_eq3"]], on="hs6", suffixes=("", "_alt"))
        rho = spearmanr(merged["rank_eq3"], merged["rank_eq3_alt"]).statistic
        overlap = int(((merged["rank_eq3"] <= top) & (merged["rank_eq3_alt"] <= top)).sum())
        rows[label] = {"rank_correlation": rho, f"top{top}_overlap": overlap}
    return pd.DataFrame(rows).T


def sanctions_vs_ranks(prepared: pd.DataFrame) -> pd.DataFrame:
    """Figures 7-8 in numbers, and our extension: a KS test of sanctioned products' normalised ranks against
    the uniform distribution (not in the paper)."""
    from scipy.stats import kstest
    n = len(prepared)
    rows = []
    for crit in ("eq3", "eq4"):
        for lst, sel in (("EU", prepared["eu"] > 0), ("US", prepared["us"] > 0)):
            u = (prepared.loc[sel, f"rank_{crit}"] - 0.5) / n
            test = kstest(u, "uniform")
            rows.append({"criterion": crit, "list": lst, "n_sanctioned": int(sel.sum()),
                         "mean_normalised_rank": float(u.mean()), "ks_statistic": float(test.statistic),
                         "ks_pvalue": float(test.pvalue)})
    return pd.DataFrame(rows)


# ---------- page helpers ----------

def convexity_check(coefs=(1.0, 0.5)) -> dict:
    """Appendix B.2 on the grid sigma in {1.5, 3, 5, 9.2, 20}, theta in {0, 0.2, 1}, Omega in (0, 0.99):
    largest first and second derivatives of dlnY (both must be negative: cost increasing and convex)."""
    from helpers.models.hsy import criterion as cr
    om = np.linspace(0.0, 0.99, 100)
    d1, d2 = -np.inf, -np.inf
    for c in coefs:
        for sigma in (1.5, 3, 5, 9.2, 20):
            for theta in (0.0, 0.2, 1.0):
                d1 = max(d1, float(np.max(cr.d_domega(1.0, om, sigma, theta, c))))
                d2 = max(d2, float(np.max(cr.d2_domega2(1.0, om, sigma, theta, c))))
    return {"max_first_derivative": d1, "max_second_derivative": d2}


def table1(prepared: pd.DataFrame, n: int = 20, by: str = "rank_eq3") -> pd.DataFrame:
    """Table 1 analogue: the top-n products by a criterion, with the paper's columns."""
    top = prepared.sort_values(by).head(n)
    return pd.DataFrame({
        "Rank": top[by].to_numpy(), "HS-6": top["hs6"].to_numpy(),
        "Description": top["description"].fillna("").str.slice(0, 45).to_numpy(),
        "Russian imports ($M)": (top["imports"] / 1e6).round(0).to_numpy(),
        "Coalition share": top["omega_co"].round(2).to_numpy(),
        "Durable": top["bec_class"].eq("consumer_durable").astype(int).to_numpy(),
        "Intermediate": top["bec_class"].eq("intermediate").astype(int).to_numpy(),
        "Capital": top["bec_class"].eq("capital").astype(int).to_numpy(),
        "Elasticity": top["eps"].round(2).to_numpy(),
        "EU": top["eu"].to_numpy(), "US": top["us"].to_numpy()}).set_index("Rank")


def table1_facts(prepared: pd.DataFrame, n: int = 20) -> dict:
    top = prepared.sort_values("rank_eq3").head(n)
    p90 = prepared["imports"].quantile(0.9)
    return {"eu_sanctioned": int((top["eu"] > 0).sum()), "us_sanctioned": int((top["us"] > 0).sum()),
            "share_in_top_decile_imports": float((top["imports"] >= p90).mean()),
            "eu_share_top": float((top["eu"] > 0).mean()), "eu_share_all": float((prepared["eu"] > 0).mean()),
            "us_share_top": float((top["us"] > 0).mean()), "us_share_all": float((prepared["us"] > 0).mean())}


def calibration_tables(w: WorldIO) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Country groups (GNE share, share of Russia's goods imports, Russia's share of the group's exports) and
    industries (xi, Russia's import mix, coalition share of Russia's imports, Russian value-added share)."""
    r = w.countries.index(cal.RUSSIA)
    N, D = w.N, w.D
    imports_r = w.X[r].sum(0) + w.C[r]                     # (seller country, industry)
    imports_r[r] = 0.0
    goods = slice(0, D - 1)
    own = np.array([w.X[i, :, i, :].sum() + w.C[i, i].sum() for i in range(N)])
    sales = w.X.sum((0, 1)).sum(1) + w.C.sum(0).sum(1)
    to_r = imports_r.sum(1)
    groups = pd.DataFrame({
        "coalition": [c in cal.COALITION for c in w.countries],
        "GNE share (%)": 100 * w.E / w.E.sum(),
        "share of Russia's goods imports (%)": 100 * imports_r[:, goods].sum(1) / imports_r[:, goods].sum(),
        "Russia's share of exports (%)": np.where(np.arange(N) == r, np.nan, 100 * to_r / (sales - own)),
    }, index=w.countries)
    co = [w.countries.index(c) for c in cal.COALITION]
    xi = cal.INDUSTRY_SCHEMES["tableA1_16" if D == 16 else "bf30_15"][1]
    industries = pd.DataFrame({
        "xi (CP)": xi,
        "Russia's import mix (%)": 100 * imports_r.sum(0) / imports_r.sum(),
        "coalition share of Russia's imports": imports_r[co].sum(0) / imports_r.sum(0),
        "import share of Russian use": imports_r.sum(0) / (imports_r.sum(0) + w.X[r, :, r, :].sum(0) + w.C[r, r]),
        "Russian VA share (gamma)": w.gamma.reshape(N, D)[r],
    }, index=w.industries)
    return groups, industries


def headline_table(p, kind: str) -> pd.DataFrame:
    """The section 9 headline statistics with both second-order coefficients (columns)."""
    out = {}
    for coef, label in ((1.0, "coef1"), (0.5, "coef05")):
        res = scenario_runs(p, kind, second_order_coef=coef)
        out[label] = sc.headlines(sc.summary_table(res, list(getattr(p, "coalition", DEFAULTS["coalition"]))))
    return pd.DataFrame(out)


ROBUSTNESS_VARIANTS = {
    "baseline": {},
    "coef 1/2": {"second_order_coef": 0.5},
    "Eq. 3 targeting": {"targeting_rule": "eq3"},
    "import targeting": {"targeting_rule": "imports"},
    "random targeting": {"targeting_rule": "random"},
    "fn. 23 'demand' scaling": {"fn23_scaling": "demand"},
    "unmapped HS excluded": {"unmapped_treatment": "exclude"},
    "B-F 15 industries": {"industry_scheme": "bf30_15"},
    "theta = 0.5 (Eq. 3/4)": {"theta_intermediate": 0.5},
    "B-W elasticity ordering": {"elasticity_source": "broda_weinstein_rank"},
}


def robustness_table(p, kind: str, variants: dict | None = None, scenarios=(1, 2, 4, 5)) -> pd.DataFrame:
    """Russia's loss and the headline ratios under each specification variant (scenarios 1, 2, 4, 5)."""
    rows = {}
    coalition = list(getattr(p, "coalition", DEFAULTS["coalition"]))
    for name, over in (variants or ROBUSTNESS_VARIANTS).items():
        if kind != "real" and over.get("elasticity_source", "synthetic") != "synthetic":
            continue                     # needs the real concordance files
        res = scenario_runs(p, kind, scenarios=scenarios, **over)
        tab = sc.summary_table(res, coalition)
        L = tab["russia_loss_pct"]
        rows[name] = {"Russia S2 (%)": L[2], "Russia S4 (%)": L[4], "Russia S5 (%)": L[5], "S5/S4": L[5] / L[4],
                      "S5/S2": L[5] / L[2], "coalition S5 (%)": tab.loc[5, "coalition_loss_pct"],
                      "ratio S5": tab.loc[5, "ratio_proportional"],
                      "largest coalition loser S5": tab.loc[5, "largest_coalition_loser"]}
    return pd.DataFrame(rows).T


def seed_variation(p, kind: str, seeds=(1, 2, 3, 4, 5)) -> pd.DataFrame:
    """Headline statistics across draws of the synthetic product level (how much of a result is the draw)."""
    rows = {}
    coalition = list(getattr(p, "coalition", DEFAULTS["coalition"]))
    for seed in seeds:
        tab = sc.summary_table(scenario_runs(p, kind, seed=seed), coalition)
        h = sc.headlines(tab)
        rows[seed] = {k: h[k] for k in ("russia_loss_s5", "s5_over_s4", "s5_over_s2", "ratio_proportional_min",
                                        "ratio_proportional_max", "russia_over_baltics_s5", "ordering_holds",
                                        "coordination_ge_expansion", "baltics_largest_s5")}
    out = pd.DataFrame(rows).T
    out.index.name = "seed"
    return out
