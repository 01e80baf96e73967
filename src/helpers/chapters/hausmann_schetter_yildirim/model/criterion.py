"""The product-level targeting criterion (Proposition 1, Eq. 3 and Eq. 4) and its convexity (Appendix B.2).

Notation: x = ln(1 - Omega_CO) / (sigma - 1) <= 0 is the log productivity-equivalent of a coalition ban on one
HS6 product. Eq. 3 is  dlnY = lambda [x + c (theta - 1) x^2]  with c = 1 as printed in the paper and c = 1/2 as
derived in Appendix B.1 (the `second_order_coef` parameter). Eq. 4 divides Eq. 3 by the coalition's sales
Omega_CO * lambda (cost per dollar of banned coalition exports, up to a common scale).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

PRINTED_COEF = 1.0      # Eq. 3 as printed
DERIVED_COEF = 0.5      # Appendix B.1 derivation


def _check_inputs(omega, sigma, theta=None) -> None:
    omega, sigma = np.asarray(omega, float), np.asarray(sigma, float)
    if np.any(~np.isfinite(omega)) or np.any((omega < 0) | (omega > 1)):
        raise ValueError("Coalition shares Omega_CO must lie in [0, 1].")
    if np.any(sigma <= 1):
        raise ValueError("The HS6 Armington elasticity sigma must exceed 1 (sigma = 1 - eps with eps < 0).")
    if theta is not None and np.any(np.asarray(theta, float) > 1):
        raise ValueError("The downstream elasticity theta must be <= 1 (Proposition 1).")


def capped_share(omega, omega_cap: float = 0.99):
    """Omega_CO capped below 1 (a product sourced only from the coalition makes ln(0) diverge; spec erratum 4)."""
    if not 0 < omega_cap < 1:
        raise ValueError(f"omega_cap must lie in (0, 1), got {omega_cap}.")
    return np.minimum(np.asarray(omega, float), omega_cap)


def x_shock(omega, sigma, omega_cap: float = 0.99):
    """x = ln(1 - Omega_CO) / (sigma - 1) (Eq. 1 in logs, with the sign of Eq. 9 corrected)."""
    _check_inputs(omega, sigma)
    return np.log1p(-capped_share(omega, omega_cap)) / (np.asarray(sigma, float) - 1.0)


def eq3_dlnY(lam, omega, sigma, theta, coef: float = PRINTED_COEF, omega_cap: float = 0.99):
    """Eq. 3: change in Russian log GDP from a coalition ban on one product (negative = cost)."""
    _check_inputs(omega, sigma, theta)
    x = x_shock(omega, sigma, omega_cap)
    return np.asarray(lam, float) * (x + coef * (np.asarray(theta, float) - 1.0) * x * x)


def eq4_per_dollar(omega, sigma, theta, coef: float = PRINTED_COEF, omega_cap: float = 0.99):
    """Eq. 4: Eq. 3 per unit of banned coalition sales (lambda cancels). Limit -1/(sigma-1) as Omega -> 0."""
    omega = np.asarray(omega, float)
    x = x_shock(omega, sigma, omega_cap)
    om = capped_share(omega, omega_cap)
    with np.errstate(invalid="ignore", divide="ignore"):
        val = (x + coef * (np.asarray(theta, float) - 1.0) * x * x) / om
    limit = -1.0 / (np.asarray(sigma, float) - 1.0) + 0.0 * om
    return np.where(om > 0, val, limit)


def exact_small_share(lam, omega, sigma, theta, omega_cap: float = 0.99):
    """Exact dual-economy effect with CES(theta) downstream and small product shares:
    lambda [1 - (1-Omega)^((theta-1)/(sigma-1))] / (1 - theta); lambda * x when theta = 1."""
    _check_inputs(omega, sigma, theta)
    x = x_shock(omega, sigma, omega_cap)
    theta = np.asarray(theta, float)
    one_minus = 1.0 - theta
    with np.errstate(invalid="ignore", divide="ignore"):
        val = -np.expm1(-one_minus * x) / np.where(one_minus == 0, 1.0, one_minus)
    return np.asarray(lam, float) * np.where(one_minus == 0, x, val)


def d_domega(lam, omega, sigma, theta, coef: float = PRINTED_COEF):
    """Appendix B.2, first derivative of Eq. 3 in Omega_CO (the printed formula is coef = 1)."""
    omega, sigma, theta = (np.asarray(v, float) for v in (omega, sigma, theta))
    x = np.log1p(-omega) / (sigma - 1.0)
    dx = -1.0 / ((sigma - 1.0) * (1.0 - omega))
    return np.asarray(lam, float) * dx * (1.0 + 2.0 * coef * (theta - 1.0) * x)


def d2_domega2(lam, omega, sigma, theta, coef: float = PRINTED_COEF):
    """Appendix B.2, second derivative: lambda/(1-Omega)^2 [-1/(sigma-1) + 2c(theta-1)/(sigma-1)^2 (1 - ln(1-Omega))]."""
    omega, sigma, theta = (np.asarray(v, float) for v in (omega, sigma, theta))
    k = 1.0 / (sigma - 1.0)
    return (np.asarray(lam, float) / (1.0 - omega) ** 2
            * (-k + 2.0 * coef * (theta - 1.0) * k * k * (1.0 - np.log1p(-omega))))


def convexity_check(coefs=(PRINTED_COEF, DERIVED_COEF)) -> dict:
    """Appendix B.2 on the grid sigma in {1.5, 3, 5, 9.2, 20}, theta in {0, 0.2, 1}, Omega in (0, 0.99):
    largest first and second derivatives of dlnY (both must be negative: cost increasing and convex)."""
    om = np.linspace(0.0, 0.99, 100)
    d1, d2 = -np.inf, -np.inf
    for c in coefs:
        for sigma in (1.5, 3, 5, 9.2, 20):
            for theta in (0.0, 0.2, 1.0):
                d1 = max(d1, float(np.max(d_domega(1.0, om, sigma, theta, c))))
                d2 = max(d2, float(np.max(d2_domega2(1.0, om, sigma, theta, c))))
    return {"max_first_derivative": d1, "max_second_derivative": d2}


def doubling_ratio(sigma: float, theta: float, coef: float = PRINTED_COEF, low: float = 0.45) -> float:
    """How many times the cost of a ban (Eq. 3) grows when the coalition share doubles from `low` (convexity)."""
    high, low = eq3_dlnY(1.0, [2 * low, low], sigma, theta, coef)
    return float(high) / float(low)


def figure6_table(sigma: float = 5.0, theta: float = 0.2, omegas=None) -> pd.DataFrame:
    """Figure 6: dlnY per unit lambda against the coalition share, both coefficients and the exact form."""
    if omegas is None:
        omegas = np.array([0.10, 0.20, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.90, 0.95, 0.99])
    omegas = np.asarray(omegas, float)
    return pd.DataFrame({
        "omega": omegas,
        "x": x_shock(omegas, sigma, omega_cap=0.999999),
        "eq3_printed": eq3_dlnY(1.0, omegas, sigma, theta, PRINTED_COEF, omega_cap=0.999999),
        "eq3_half": eq3_dlnY(1.0, omegas, sigma, theta, DERIVED_COEF, omega_cap=0.999999),
        "exact_small_share": exact_small_share(1.0, omegas, sigma, theta, omega_cap=0.999999),
        "eq4_printed": eq4_per_dollar(omegas, sigma, theta, PRINTED_COEF, omega_cap=0.999999),
    })


def winsorize(values, lower_pct: float = 10.0, upper_pct: float = 90.0):
    """Clip at the given percentiles (the paper winsorises the Fontagne et al. elasticities at p10/p90)."""
    values = np.asarray(values, float)
    if not 0 <= lower_pct < upper_pct <= 100:
        raise ValueError("Winsorisation percentiles must satisfy 0 <= lower < upper <= 100.")
    lo, hi = np.nanpercentile(values, [lower_pct, upper_pct])
    return np.clip(values, lo, hi)


def rank_costly_first(cost) -> np.ndarray:
    """Rank 1 = most costly (most negative dlnY); ties by order of appearance."""
    cost = np.asarray(cost, float)
    order = np.argsort(cost, kind="stable")
    ranks = np.empty(len(cost), dtype=int)
    ranks[order] = np.arange(1, len(cost) + 1)
    return ranks


def product_criteria(products: pd.DataFrame, coef: float = PRINTED_COEF, omega_cap: float = 0.99,
                     theta_intermediate: float = 0.2, common_sigma: float | None = None,
                     home_sales: bool = True) -> pd.DataFrame:
    """Add Eq. 3 / Eq. 4 values and ranks to a product table with columns
    imports, imports_coalition, home, sigma, consumer (bool), gdp_rus (scalar column or constant).

    `home_sales=False` drops the imputed home sales (Fig. A.1a); `common_sigma` replaces every sigma (Fig. A.1b).
    """
    df = products.copy()
    home = df["home"] if home_sales else 0.0 * df["home"]
    expenditure = df["imports"] + home
    omega = np.where(expenditure > 0, df["imports_coalition"] / expenditure.where(expenditure > 0, 1.0), 0.0)
    sigma = np.full(len(df), float(common_sigma)) if common_sigma is not None else df["sigma"].to_numpy(float)
    theta = np.where(df["consumer"].to_numpy(bool), 1.0, theta_intermediate)
    lam = expenditure / df["gdp_rus"]
    df["n_capped"] = np.asarray(omega) > omega_cap
    df["omega_co"] = omega
    df["lam"] = lam
    df["theta"] = theta
    df["sigma_used"] = sigma
    df["eq3"] = eq3_dlnY(lam, omega, sigma, theta, coef, omega_cap)
    df["eq4"] = eq4_per_dollar(omega, sigma, theta, coef, omega_cap)
    df["rank_eq3"] = rank_costly_first(df["eq3"])
    # Eq. 4 ranks only products the coalition actually sells to Russia; others go to the bottom.
    eq4_for_rank = np.where(np.asarray(omega) > 0, df["eq4"], np.inf)
    df["rank_eq4"] = rank_costly_first(eq4_for_rank)
    return df
