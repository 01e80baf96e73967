"""Social Relations Model (Kenny 1994; Dorff & Ward 2013) for round-robin (square, zero-diagonal) matrices.

For an n x n matrix X (row = actor/sender, column = partner/receiver, diagonal ignored):

    row mean    r_i = sum_j X_ij / (n-1),   column mean  c_i = sum_j X_ji / (n-1)
    grand mean  m   = sum_ij X_ij / (n(n-1))
    actor       a_i = (n-1)^2/(n(n-2)) r_i + (n-1)/(n(n-2)) c_i - (n-1)/(n-2) m
    partner     b_i = (n-1)^2/(n(n-2)) c_i + (n-1)/(n(n-2)) r_i - (n-1)/(n-2) m
    relationship g_ij = X_ij - a_i - b_j - m   (g_ii = 0)

These are the least-squares (ANOVA) estimators of the additive round-robin model
X_ij = m + a_i + b_j + g_ij with sum a = sum b = 0 and zero row/column sums of g. Everything is
vectorized over a leading 'year' axis: pass an array (T, n, n) to get (T, n) effects and (T, n, n) g.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SRMEffects", "srm_effects", "srm_variances", "srm_by_year"]


@dataclass(frozen=True)
class SRMEffects:
    actor: np.ndarray          # (..., n)
    partner: np.ndarray        # (..., n)
    relationship: np.ndarray   # (..., n, n), zero diagonal
    grand_mean: np.ndarray     # (...)


def _offdiag(X):
    n = X.shape[-1]
    return X * (1 - np.eye(n))


def srm_effects(X) -> SRMEffects:
    """Actor, partner and relationship effects of a square matrix or a stack of them (T, n, n)."""
    X = np.asarray(X, dtype=float)
    if X.ndim < 2 or X.shape[-1] != X.shape[-2]:
        raise ValueError(f"SRM needs square matrices; got shape {X.shape}")
    n = X.shape[-1]
    if n < 3:
        raise ValueError(f"SRM needs at least 3 actors; got n={n}")
    if np.isnan(X).any():
        raise ValueError("SRM: the matrix contains missing values")
    X = _offdiag(X)
    rows = X.sum(-1) / (n - 1)
    cols = X.sum(-2) / (n - 1)
    grand = X.sum((-1, -2)) / (n * (n - 1))
    k1 = (n - 1) ** 2 / (n * (n - 2))
    k2 = (n - 1) / (n * (n - 2))
    k3 = (n - 1) / (n - 2)
    a = k1 * rows + k2 * cols - k3 * grand[..., None]
    b = k1 * cols + k2 * rows - k3 * grand[..., None]
    g = X - a[..., :, None] - b[..., None, :] - grand[..., None, None]
    g = _offdiag(g)
    return SRMEffects(a, b, g, grand)


def srm_variances(effects: SRMEffects) -> pd.DataFrame | dict:
    """SRM variance components (actor, partner, relationship variances, actor-partner and dyadic
    covariances), as Dorff & Ward's ``SRM.R`` / Kenny's round-robin formulas."""
    a, b, g = effects.actor, effects.partner, effects.relationship
    n = a.shape[-1]
    d1, d3, d4 = n - 1, n * (n - 2), (n - 1) * (n - 2)
    d5 = (n - 1) * (n - 2) / 2 - 1
    gt = np.swapaxes(g, -1, -2)
    off = 1 - np.eye(n)
    q1 = (((g + gt) / 2) ** 2 * off).sum((-1, -2))         # sum over unordered dyads of (g_ij + g_ji)^2 / 2
    q2 = (((g - gt) ** 2) / 2 * off).sum((-1, -2))         # sum over ordered pairs of (g_ij - g_ji)^2 / 2
    s2_g = (q1 / d5 + q2 / d4) / 2
    s_gg = (q1 / d5 - q2 / d4) / 2
    s2_a = (a ** 2).sum(-1) / d1 - s2_g * d1 / d3 - s_gg / d3
    s2_b = (b ** 2).sum(-1) / d1 - s2_g * d1 / d3 - s_gg / d3
    s_ab = (a * b).sum(-1) / d1 - s_gg * d1 / d3 - s2_g / d3
    return dict(actor_var=s2_a, partner_var=s2_b, actor_partner_cov=s_ab,
                relationship_var=s2_g, dyadic_cov=s_gg)


def srm_by_year(matrices: dict) -> dict:
    """SRM of a {year: labelled square DataFrame} dict; years with the same size are stacked and solved
    together. Returns {year: dict(actor=Series, partner=Series, relationship=DataFrame)}."""
    by_size: dict[int, list] = {}
    for year, M in matrices.items():
        by_size.setdefault(M.shape[0], []).append(year)
    out = {}
    for n, years in by_size.items():
        stack = np.stack([np.asarray(matrices[y], float) for y in years])
        eff = srm_effects(stack)
        for t, y in enumerate(years):
            lab = matrices[y].index
            out[y] = dict(actor=pd.Series(eff.actor[t], lab), partner=pd.Series(eff.partner[t], lab),
                          relationship=pd.DataFrame(eff.relationship[t], lab, matrices[y].columns))
    return out
