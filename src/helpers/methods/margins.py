"""Simulation-based conditional marginal effects (King, Tomz & Wittenberg style), as in Zeng & Peterson Fig. 2.

For a variable x interacted with a binary moderator S the conditional effect is b(S) = β_x + S·β_{S×x};
scaled by ``scale`` (1 SD for continuous x, 1 for a 0→1 change) and shown in percent, 100·(exp(b·scale) − 1),
with a 95 % interval from draws of β ~ MVN(β̂, V̂).
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def conditional_effects(params: pd.Series, cov: pd.DataFrame, variables: dict[str, float], moderator: str,
                        n_sims: int = 1000, seed: int = 0, percent: bool = True, level: float = 0.95,
                        interaction: str = "{moderator}:{var}") -> pd.DataFrame:
    """Effects of each ``variables[name] = scale`` change at moderator = 0 and 1.

    Returns one row per (variable, moderator value): estimate (at β̂), ci_low, ci_high (draw quantiles),
    significant (interval excludes 0). Interaction terms missing from ``params`` count as zero (Model 1).
    """
    if n_sims < 10:
        raise ValueError(f"n_sims must be at least 10, got {n_sims}.")
    missing = [v for v in variables if v not in params.index]
    if missing:
        raise KeyError(f"variables not in the model: {missing}")
    rng = np.random.default_rng(seed)
    names = list(params.index)
    draws = rng.multivariate_normal(params.to_numpy(), cov.loc[names, names].to_numpy(), size=n_sims,
                                    method="cholesky")
    draws = pd.DataFrame(draws, columns=names)
    a = (1 - level) / 2
    rows = []
    for var, scale in variables.items():
        term = interaction.format(moderator=moderator, var=var)
        for s in (0, 1):
            point = params[var] + (s * params[term] if term in params.index else 0.0)
            sims = draws[var] + (s * draws[term] if term in draws else 0.0)
            f = (lambda b: 100 * (np.exp(b * scale) - 1)) if percent else (lambda b: b * scale)
            lo, hi = np.quantile(f(sims.to_numpy()), [a, 1 - a])
            rows.append({"variable": var, moderator: s, "scale": scale, "estimate": float(f(point)),
                         "ci_low": float(lo), "ci_high": float(hi), "significant": bool(lo > 0 or hi < 0)})
    return pd.DataFrame(rows)
