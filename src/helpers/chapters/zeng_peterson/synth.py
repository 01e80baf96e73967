"""Seeded generator of the synthetic parts of the Zeng & Peterson panel, run on the REAL covariate panel.

Real (inputs, from :func:`helpers.chapters.zeng_peterson.data.build_covariates`): sanction, ally, us_prox, dyad_prox,
log GDPs, MECR, liberal democracy, log distance. Synthetic (this module; the files are not public offline):

* which dyad-years trade (gravity selection, calibrated to the paper's N = 289,405 levels / 265,447 changes);
* ``export_controls`` (Country Chart index; a user's real chart can replace it, see :func:`make_panel`);
* ``exp_int`` / ``imp_int``: closeness in generated CDU trade networks, one network per product group of a
  **real** dual-use product set (by default the HS92 codes flagged dual use in the EU's 2022 export-ban list,
  :func:`network_integration`), max over groups, divided by the maximum, as the paper builds them from its CCL
  categories; or, with ``products=None``, drawn directly per country-year (:func:`synthetic_country_measures`);
* the outcome: the latent log CDU level y* with Δy* = α + γ_t + x'β_true + ε, ε ARMA(1,1) within dyad
  (φ = 0.4, θ = −0.7, innovation SD 0.51), β_true = the paper's Table 2 coefficients of ``truth_model``;
  ``log_cdu`` = max(0, y*) and ``d_log_cdu`` = Δy* (``dv_mode="latent"``) or Δ max(0, y*) ("censored").

Every draw uses a local ``numpy.random.Generator(seed)``; two calls with the same seed give the same panel.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize

from helpers.methods.gls_arma import simulate_arma_errors
from helpers.methods.networks import integration

TARGET_LEVEL_ROWS = 289_405  # Table 1 N (1997-2015)
TARGET_DIFF_ROWS = 265_447  # Table 2 N
TARGET_ZERO_SHARE = 49_512 / 289_405  # fn. 12
ARMA_PHI, ARMA_THETA, INNOVATION_SD = 0.4, -0.7, 0.51
COMPREHENSIVE_TARGETS = (40, 630, 652, 731)  # Cuba, Iran, Syria, North Korea: broadest US controls (fn. 16)
YEAR_EFFECTS = {1998: -0.05, 2001: -0.05, **{y: 0.04 for y in range(2002, 2009)}, 2009: -0.25, 2010: 0.20,
                2011: 0.05}

MAIN = ["sanction", "ally", "export_controls", "exp_int", "imp_int", "us_prox", "dyad_prox", "exp_lngdp",
        "imp_lngdp", "exp_mecr", "imp_mecr", "exp_libdem", "imp_libdem", "lndist"]
INTERACTED_M2 = ["ally", "export_controls", "exp_int", "imp_int", "us_prox", "dyad_prox"]
INTERACTED_M3 = INTERACTED_M2 + ["exp_lngdp", "imp_lngdp", "exp_mecr", "imp_mecr", "exp_libdem", "imp_libdem",
                                 "lndist"]

# Table 2 point estimates: the generator's true values, part of its definition (the scorecard reads the paper's
# numbers from data/published/zeng_peterson.csv, transcribed separately).
_T2 = {
    "M1": dict(const=-0.054, sanction=-0.014, ally=0.005, export_controls=0.034, exp_int=0.162, imp_int=0.162,
               us_prox=-0.028, dyad_prox=0.041, exp_lngdp=-0.001, imp_lngdp=-0.002, exp_mecr=0.023,
               imp_mecr=0.009, exp_libdem=-0.049, imp_libdem=-0.027, lndist=-0.007),
    "M2": dict(const=-0.040, sanction=-0.113, ally=0.005, export_controls=0.032, exp_int=0.158, imp_int=0.149,
               us_prox=-0.027, dyad_prox=0.036, exp_lngdp=-0.001, imp_lngdp=-0.001, exp_mecr=0.024,
               imp_mecr=0.007, exp_libdem=-0.049, imp_libdem=-0.024, lndist=-0.008,
               **{"sanction:ally": 0.003, "sanction:export_controls": -0.036, "sanction:exp_int": 0.052,
                  "sanction:imp_int": 0.114, "sanction:us_prox": -0.007, "sanction:dyad_prox": 0.033}),
    "M3": dict(const=-0.047, sanction=0.007, ally=0.005, export_controls=0.038, exp_int=0.159, imp_int=0.135,
               us_prox=-0.025, dyad_prox=0.037, exp_lngdp=-0.001, imp_lngdp=-0.001, exp_mecr=0.023,
               imp_mecr=0.013, exp_libdem=-0.050, imp_libdem=-0.026, lndist=-0.007,
               **{"sanction:ally": 0.002, "sanction:export_controls": -0.058, "sanction:exp_int": 0.037,
                  "sanction:imp_int": 0.483, "sanction:us_prox": -0.035, "sanction:dyad_prox": 0.046,
                  "sanction:exp_lngdp": 0.000, "sanction:imp_lngdp": -0.016, "sanction:exp_mecr": 0.009,
                  "sanction:imp_mecr": -0.040, "sanction:exp_libdem": 0.021, "sanction:imp_libdem": 0.008,
                  "sanction:lndist": -0.004}),
}


def true_coefficients(truth_model: str = "M3") -> dict[str, float]:
    """β_true of the generator: Table 2 of the paper for M1/M2/M3, all zero for "null"."""
    if truth_model == "null":
        return {k: 0.0 for k in _T2["M3"]}
    if truth_model not in _T2:
        raise ValueError(f"truth_model must be 'M1', 'M2', 'M3' or 'null', got {truth_model!r}.")
    return dict(_T2[truth_model])


def _logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def _select_dyad_years(cov: pd.DataFrame, rng: np.random.Generator, years: tuple[int, int]) -> np.ndarray:
    """Gravity selection: persistent dyad propensity plus MCAR year drops, calibrated to the paper's N."""
    codes, _ = pd.factorize(cov.exporter.astype(np.int64) * 1000 + cov.importer)
    gi = cov.exp_lngdp.to_numpy() - 18
    gj = cov.imp_lngdp.to_numpy() - 18
    z = 0.45 * gi + 0.35 * gj - 0.12 * gi * gj - 0.4 * (cov.lndist.to_numpy() - 8.5)
    z_dyad = pd.Series(z).groupby(codes).transform("mean").to_numpy()
    v = rng.normal(0, 1.0, codes.max() + 1)[codes]
    rng.random(len(cov))  # unused draws, kept so that every later draw (and every number in the book) stays the same
    in_window = (cov.year.to_numpy() >= years[0]) & (cov.year.to_numpy() <= years[1])
    scale = (years[1] - years[0] + 1) / 19  # keep the paper's rows per year when the window changes
    drop = 1 - TARGET_DIFF_ROWS / TARGET_LEVEL_ROWS  # share of rows whose previous year is missing
    keep_year = rng.random(len(cov)) > drop

    def rows(c):
        return np.sum((z_dyad + v + c > 0) & keep_year & in_window) - TARGET_LEVEL_ROWS * scale

    lo, hi = -20.0, 20.0
    c = optimize.brentq(rows, lo, hi, xtol=1e-4) if rows(lo) < 0 < rows(hi) else 0.0
    return (z_dyad + v + c > 0) & keep_year


def _beta(mean, sd, size, rng):
    k = mean * (1 - mean) / sd ** 2 - 1
    return rng.beta(mean * k, (1 - mean) * k, size)


def synthetic_country_measures(cov: pd.DataFrame, rng: np.random.Generator, ec_shift: float = 0.12) -> pd.DataFrame:
    """export_controls (importer-year), exp_int (exporter-year), imp_int (importer-year)."""
    cy = (cov[["exporter", "year", "exp_lngdp", "ally", "sanction"]].drop_duplicates(["exporter", "year"])
          .rename(columns={"exporter": "ccode", "exp_lngdp": "lngdp"}))
    # the importer's sanction status is a country-year fact; the exporter rows carry the same country's
    san = cov.drop_duplicates(["importer", "year"]).set_index(["importer", "year"])["sanction"]
    cy["sanction"] = san.reindex(pd.MultiIndex.from_frame(cy[["ccode", "year"]])).fillna(0).to_numpy()
    countries = np.sort(cy.ccode.unique())
    idx = np.searchsorted(countries, cy.ccode.to_numpy())
    ally_ever = cy.groupby("ccode").ally.max().reindex(countries).to_numpy()
    base = np.where(ally_ever > 0, _beta(0.42, 0.15, countries.size, rng), _beta(0.70, 0.17, countries.size, rng))
    ec = base[idx] + rng.normal(0, 0.03, len(cy)) + ec_shift * cy.sanction.to_numpy()
    ec = np.where(np.isin(cy.ccode, COMPREHENSIVE_TARGETS), 1.0, np.clip(ec, 0, None))
    cy["export_controls"] = ec / pd.Series(ec).groupby(cy.year.to_numpy()).transform("max").to_numpy()
    g = cy.lngdp.to_numpy() - 18
    u_e, u_i = rng.normal(0, 0.08, countries.size), rng.normal(0, 0.09, countries.size)
    cy["exp_int"] = np.clip(0.50 + 0.06 * g + 0.05 * cy.ally.to_numpy() + u_e[idx] + rng.normal(0, 0.03, len(cy)), 0.02, 1)
    cy["imp_int"] = np.clip(0.65 + 0.035 * g + u_i[idx] + rng.normal(0, 0.03, len(cy)), 0.05, 1)
    return cy[["ccode", "year", "export_controls", "exp_int", "imp_int"]]


# ---------------------------------------------------------------------------------------------------------
# The product dimension: CDU networks per product group of a real dual-use product set
# ---------------------------------------------------------------------------------------------------------
# The 21 sections of the Harmonized System (first and last HS chapter): the groups of the generator's product
# networks. The paper groups its codes by CCL category (0-9), which the EU export-ban list does not carry; the HS
# section of each code stands in for it.
HS_SECTIONS = {
    "I Live animals": (1, 5), "II Vegetable products": (6, 14), "III Fats and oils": (15, 15),
    "IV Prepared foodstuffs": (16, 24), "V Mineral products": (25, 27), "VI Chemicals": (28, 38),
    "VII Plastics and rubber": (39, 40), "VIII Hides and leather": (41, 43), "IX Wood": (44, 46),
    "X Pulp and paper": (47, 49), "XI Textiles": (50, 63), "XII Footwear and headgear": (64, 67),
    "XIII Stone, ceramics, glass": (68, 70), "XIV Precious metals": (71, 71), "XV Base metals": (72, 83),
    "XVI Machinery and electrical equipment": (84, 85), "XVII Vehicles, aircraft, vessels": (86, 89),
    "XVIII Optical and measuring instruments": (90, 92), "XIX Arms and ammunition": (93, 93),
    "XX Miscellaneous manufactures": (94, 96), "XXI Works of art": (97, 99),
}
# Generated flows of the product networks (log(1 + millions of USD) scale): gravity on the real covariates, a
# persistent dyad term and yearly noise; each exporter spreads its flows over the product groups with Dirichlet
# shares whose mean is the group's share of the product set (exporter specialisation).
FLOW_LEVEL, FLOW_DYAD_SD, FLOW_YEAR_SD, SPECIALISATION = 1.5, 1.2, 0.3, 4.0
MIN_FLOW_MUSD = 0.001  # a group's flow below a thousand dollars is no edge (keeps the networks small and fast)
PRODUCT_STREAM = 14  # the product networks draw from their own stream, so every other draw stays as it was


def hs_section(code: str) -> str:
    """The HS section of a six-digit code (by its chapter, the first two digits)."""
    chapter = int(str(code)[:2])
    return next(name for name, (first, last) in HS_SECTIONS.items() if first <= chapter <= last)


def product_groups(products) -> pd.Series:
    """Number of codes of the product set in each HS section (sections without a code left out), largest first."""
    codes = pd.Series(sorted(set(map(str, products))), dtype=str)
    if codes.empty:
        raise ValueError("The dual-use product set is empty.")
    bad = codes[~codes.str.fullmatch(r"\d{6}")]
    if len(bad):
        raise ValueError(f"Product codes must be six digits (HS6); got {', '.join(bad.head(5))}.")
    groups = codes.map(hs_section).value_counts()
    return groups.rename("codes").rename_axis("section")


def network_integration(rows: pd.DataFrame, products, rng: np.random.Generator,
                        transform: str = "inv_log1p") -> pd.DataFrame:
    """Exporter and importer integration from generated CDU networks over the product set: ccode, year, exp_int,
    imp_int.

    ``rows``: the dyad-years that trade (exporter, importer, year, exp_lngdp, imp_lngdp, lndist, ally). Each
    dyad-year's flow, in millions of USD, is ``expm1(max(0, level))`` with level = FLOW_LEVEL + 0.55 g_i +
    0.35 g_j - (ln D - 8.5) + 0.6 ally + a dyad term + yearly noise (g = log GDP - 18); it is split over the HS
    sections of ``products`` by exporter shares drawn from Dirichlet(SPECIALISATION x the section's share of the
    codes); a section's flow below MIN_FLOW_MUSD is no edge. Closeness as in the paper (``helpers.methods.networks.integration``: out-closeness in each year's
    export network, in-closeness in the import network, per section, max over sections, divided by the overall
    maximum); a country-year with no flow has integration 0."""
    groups = product_groups(products)
    share = (groups / groups.sum()).to_numpy()
    codes = pd.factorize(rows.exporter.astype(np.int64) * 1000 + rows.importer)[0]
    gi, gj = rows.exp_lngdp.to_numpy() - 18, rows.imp_lngdp.to_numpy() - 18
    level = (FLOW_LEVEL + 0.55 * gi + 0.35 * gj - 1.0 * (rows.lndist.to_numpy() - 8.5) + 0.6 * rows.ally.to_numpy()
             + rng.normal(0, FLOW_DYAD_SD, codes.max() + 1)[codes] + rng.normal(0, FLOW_YEAR_SD, len(rows)))
    flow = np.expm1(np.maximum(level, 0.0))
    exporters, e_idx = np.unique(rows.exporter.to_numpy(), return_inverse=True)
    weights = rng.dirichlet(SPECIALISATION * share, size=exporters.size)[e_idx]        # rows x sections
    split = flow[:, None] * weights
    r, g = np.nonzero(split >= MIN_FLOW_MUSD)
    edges = pd.DataFrame({"exporter": rows.exporter.to_numpy()[r], "importer": rows.importer.to_numpy()[r],
                          "year": rows.year.to_numpy()[r], "group": g, "flow": split[r, g]})
    out = integration(edges, "out", category="group", transform=transform).rename(
        columns={"node": "ccode", "closeness": "exp_int"})
    inn = integration(edges, "in", category="group", transform=transform).rename(
        columns={"node": "ccode", "closeness": "imp_int"})
    return out.merge(inn, on=["year", "ccode"], how="outer").fillna(0.0)[["ccode", "year", "exp_int", "imp_int"]]


def design(panel: pd.DataFrame, model: str) -> pd.DataFrame:
    """Regressors of Model 1/2/3 (main terms, then sanction interactions), without year dummies."""
    X = panel[MAIN].copy()
    inter = {"M1": [], "M2": INTERACTED_M2, "M3": INTERACTED_M3}[model]
    for v in inter:
        X[f"sanction:{v}"] = panel["sanction"] * panel[v]
    return X


def make_panel(covariates: pd.DataFrame, seed: int = 20240101, truth_model: str = "M3",
               dv_mode: str = "latent", years: tuple[int, int] = (1997, 2015),
               export_controls: pd.DataFrame | None = None, products=None,
               edge_transform: str = "inv_log1p") -> pd.DataFrame:
    """The analysis panel: real covariates + synthetic selection, EC, integration and outcome.

    ``products`` (HS6 codes): the dual-use product set whose HS sections define the generated CDU networks the
    integration measures come from (:func:`network_integration`, edges as ``edge_transform``); ``None`` draws the
    integration measures directly per country-year instead (the generator before the product set).

    Returns levels rows for ``years`` with ``log_cdu`` and, where the previous year is in the panel,
    ``d_log_cdu``; ``in_diff_sample`` flags the rows of the Table 2 sample. ``dyad`` is an integer id.
    ``export_controls`` (columns importer, year, export_controls), when given, is a real index (a user's
    Country Chart) used in place of the generated one, also in the outcome equation; importer-years it does
    not cover are left out before the dyad-years are selected.
    """
    if dv_mode not in ("latent", "censored"):
        raise ValueError(f"dv_mode must be 'latent' or 'censored', got {dv_mode!r}.")
    rng = np.random.default_rng(seed)
    beta = true_coefficients(truth_model)
    cov = covariates[(covariates.year >= years[0] - 1) & (covariates.year <= years[1])].reset_index(drop=True)
    if export_controls is not None:
        ec = export_controls[["importer", "year"]].drop_duplicates()
        cov = cov.merge(ec, on=["importer", "year"]).sort_values(["exporter", "importer", "year"], ignore_index=True)
    present = _select_dyad_years(cov, rng, years)
    cm = synthetic_country_measures(cov, rng)   # drawn in every mode, so the later draws stay the same
    if products is not None:
        net = network_integration(cov[present], products, np.random.default_rng([seed, PRODUCT_STREAM]),
                                  edge_transform)
        cm = cm.drop(columns=["exp_int", "imp_int"]).merge(net, on=["ccode", "year"], how="left")
        cm = cm.fillna({"exp_int": 0.0, "imp_int": 0.0})
    if export_controls is not None:
        real_ec = export_controls[["importer", "year", "export_controls"]].rename(columns={"importer": "ccode"})
        cm = cm.drop(columns="export_controls").merge(real_ec, on=["ccode", "year"], how="left")
    exp_m = cm[["ccode", "year", "exp_int"]].rename(columns={"ccode": "exporter"})
    imp_m = cm[["ccode", "year", "export_controls", "imp_int"]].rename(columns={"ccode": "importer"})
    full = cov.merge(exp_m, on=["exporter", "year"], how="left").merge(imp_m, on=["importer", "year"], how="left")
    full = full.sort_values(["exporter", "importer", "year"]).reset_index(drop=True)
    present = present[np.lexsort((cov.year, cov.importer, cov.exporter))]  # same order as full
    dyad = pd.factorize(full.exporter.astype(np.int64) * 1000 + full.importer)[0]
    full["dyad"] = dyad
    # keep whole dyads that are ever selected; the latent path runs over every year of the dyad
    ever = pd.Series(present).groupby(dyad).transform("max").to_numpy()
    full, present, dyad = full[ever].reset_index(drop=True), present[ever], dyad[ever]
    full["dyad"] = dyad = pd.factorize(dyad)[0]
    X = design(full, "M3")
    xb = beta["const"] + sum(beta.get(c, 0.0) * X[c].to_numpy() for c in X.columns)
    xb = xb + full.year.map(YEAR_EFFECTS).fillna(0.0).to_numpy()
    T = years[1] - years[0] + 2
    n_dyads = dyad.max() + 1
    eps = simulate_arma_errors(n_dyads, T, phi=[ARMA_PHI], theta=[ARMA_THETA], sigma=INNOVATION_SD, rng=rng)
    t_idx = full.year.to_numpy() - (years[0] - 1)
    dy_latent = xb + eps[dyad, t_idx]
    first = full.year.to_numpy() == full.groupby("dyad").year.transform("min").to_numpy()
    gi, gj = full.exp_lngdp.to_numpy() - 18, full.imp_lngdp.to_numpy() - 18
    base = (0.55 * gi + 0.35 * gj - 1.0 * (full.lndist.to_numpy() - 8.5) + 0.6 * full.ally.to_numpy()
            + rng.normal(0, 1.2, n_dyads)[dyad])
    # latent level: start value in the first year, then accumulate Δy*
    steps = np.where(first, base, dy_latent)
    ystar_noshift = pd.Series(steps).groupby(dyad).cumsum().to_numpy()
    in_window = (full.year.to_numpy() >= years[0]) & present

    def zero_gap(shift):
        return np.mean(ystar_noshift[in_window] + shift <= 0) - TARGET_ZERO_SHARE

    shift = optimize.brentq(zero_gap, -30, 30, xtol=1e-4)
    ystar = ystar_noshift + shift
    full["log_cdu_latent"] = ystar
    full["log_cdu"] = np.maximum(ystar, 0.0)
    prev_present = np.r_[False, present[:-1]] & np.r_[False, dyad[1:] == dyad[:-1]]
    prev_level = np.r_[np.nan, full.log_cdu.to_numpy()[:-1]]
    full["d_log_cdu"] = np.where(prev_present, dy_latent if dv_mode == "latent" else full.log_cdu - prev_level,
                                 np.nan)
    full["in_diff_sample"] = in_window & prev_present
    out = full[in_window].reset_index(drop=True)
    out.attrs.update(seed=seed, truth_model=truth_model, dv_mode=dv_mode, level_shift=float(shift),
                     products=len(set(products)) if products is not None else 0)
    return out
