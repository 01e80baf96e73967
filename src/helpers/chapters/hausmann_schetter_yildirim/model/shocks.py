"""Appendix B.4: mapping HS6 bans into industry-level iceberg shocks on coalition -> Russia flows.

Eq. 11 (disaggregated direct price effect on Russian industry d):
    P_hat^d = ( sum_{g in B^d} Om^{gd} (1 - Om_ban^g)^((1-theta)/(1-sigma_g)) + sum_{g not in B^d} Om^{gd} )^(1/(1-theta))
Eq. 10 (aggregated): P_tilde^d = (1 + Om_CO^d [tau^(1-xi) - 1])^(1/(1-xi)); Eq. 6 equates the two.
When the numerator of Eq. 6 is <= 0 (xi > theta-equivalent substitution, e.g. mining), no finite tau reproduces
Eq. 11: tau = inf (a full ban of the industry's coalition flows) and the case is counted.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq


def p_hat_eq11(om_gd, om_ban_g, sigma_g, theta_d: float):
    """Eq. 11. om_gd: product weights within the industry (sum to 1); om_ban_g: banned coalition share of each
    product in Russian expenditure (0 if not banned)."""
    om_gd, om_ban_g, sigma_g = (np.asarray(v, float) for v in (om_gd, om_ban_g, sigma_g))
    if theta_d == 1.0:
        return float(np.exp(np.sum(om_gd * np.log1p(-om_ban_g) / (1.0 - sigma_g))))
    inner = np.sum(om_gd * (1.0 - om_ban_g) ** ((1.0 - theta_d) / (1.0 - sigma_g)))
    return float(inner ** (1.0 / (1.0 - theta_d)))


def p_tilde_eq10(om_co_d: float, tau: float, xi: float) -> float:
    """Eq. 10, one coalition shock; tau = inf allowed for xi > 1."""
    u = 0.0 if np.isinf(tau) else tau ** (1.0 - xi)
    return float((1.0 + om_co_d * (u - 1.0)) ** (1.0 / (1.0 - xi)))


def tau_eq6(om_gd, om_ban_g, sigma_g, om_co_d: float, theta_d: float, xi: float) -> float:
    """Eq. 6: the industry iceberg shock reproducing the product-level price effect; inf when infeasible."""
    if om_co_d <= 0:
        return 1.0
    P = p_hat_eq11(om_gd, om_ban_g, sigma_g, theta_d)
    numerator = P ** (1.0 - xi) - (1.0 - om_co_d)
    if numerator <= 0:
        return np.inf
    return float((numerator / om_co_d) ** (1.0 / (1.0 - xi)))


@dataclass
class IndustryShocks:
    """tau[c, d] for each coalition model group c (rows) and industry d; diagnostics of Eq. 6."""
    tau: np.ndarray
    infeasible: list            # (group, industry) pairs with no finite Eq. 6 solution (tau = inf)
    p_hat: np.ndarray           # Eq. 11 combined direct effect per industry


def member_shocks(products, groups: list[str], banned: dict[str, np.ndarray], n_industries: int,
                  theta_d, xi, industry_col: str = "industry", scaling: str = "log") -> IndustryShocks:
    """Industry shocks when each coalition group c bans its own product set banned[c] (boolean per product).
    Identical lists reduce to one Eq. 6 shock (scenarios 2, 3, 5, 6); different lists (scenarios 1, 4) use
    member-specific Eq. 6 shocks scaled per footnote 23 so the combined direct effect equals Eq. 11 with the
    combined banned shares. `scaling`: 'log' (tau_c <- tau_c^kappa) or 'demand' (scale tau^(1-xi) - 1)."""
    if scaling not in ("log", "demand"):
        raise ValueError("fn23 scaling must be 'log' or 'demand'.")
    pq = products["expenditure"].to_numpy(float)
    ind = products[industry_col].to_numpy()
    om_c = {c: products[f"imp_{c}"].to_numpy(float) / np.where(pq > 0, pq, 1.0) for c in groups}
    tau = np.ones((len(groups), n_industries))
    p_hat = np.ones(n_industries)
    infeasible = []
    for d in range(n_industries):
        in_d = ind == d
        if not in_d.any():
            continue
        w = pq[in_d] / pq[in_d].sum()
        sig = products["sigma"].to_numpy(float)[in_d]
        om_ban = sum(np.where(banned[c][in_d], om_c[c][in_d], 0.0) for c in groups)
        om_ban = np.minimum(om_ban, 0.999999)
        if not om_ban.any():
            continue
        om_cd = np.array([np.sum(w * om_c[c][in_d]) for c in groups])
        p_hat[d] = p_hat_eq11(w, om_ban, sig, theta_d[d])
        same = all(np.array_equal(banned[c][in_d], banned[groups[0]][in_d]) for c in groups)
        if same:
            t = tau_eq6(w, om_ban, sig, om_cd.sum(), theta_d[d], xi[d])
            tau[:, d] = t
            if np.isinf(t):
                infeasible.append(("all", d))
            continue
        bans_here = np.array([bool(banned[c][in_d].any()) for c in groups])
        own = np.array([tau_eq6(w, np.where(banned[c][in_d], om_c[c][in_d], 0.0), sig, om_cd[k], theta_d[d], xi[d])
                        if bans_here[k] else 1.0 for k, c in enumerate(groups)])
        target = p_hat[d] ** (1.0 - xi[d])
        u = np.where(np.isinf(own), 0.0, own ** (1.0 - xi[d]))
        active = bans_here & (own != 1.0)
        if not active.any():
            continue
        combined = lambda uu: 1.0 + np.sum(om_cd * (uu - 1.0))
        if scaling == "demand":
            denom = np.sum(om_cd * (u - 1.0))
            kappa = (target - 1.0) / denom if denom != 0 else 1.0
            u_new = np.clip(1.0 + kappa * (u - 1.0), 0.0, None)
        else:
            finite = active & (u > 0)
            g = lambda k: combined(np.where(finite, u ** k, u)) - target
            lo, hi = 1e-8, 1.0
            while g(hi) * g(lo) > 0 and hi < 1e4:
                hi *= 2.0
            u_new = np.where(finite, u ** brentq(g, lo, hi), u) if g(hi) * g(lo) <= 0 else np.zeros_like(u)
        with np.errstate(divide="ignore"):
            tau[:, d] = np.where(u_new <= 0, np.inf, u_new ** (1.0 / (1.0 - xi[d])))
        tau[~active, d] = 1.0
        for k in np.flatnonzero(np.isinf(tau[:, d])):
            infeasible.append((groups[k], d))
    return IndustryShocks(tau=tau, infeasible=infeasible, p_hat=p_hat)
