"""Write the small panels the nlme cross-check runs on (balanced; unbalanced with gaps).

Run from the repository root: ``.venv/bin/python validation/zeng_peterson/make_panels.py``.
Writes tests/methods/fixtures/gls_panel_{balanced,gaps}.csv (seeded, deterministic).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.methods.gls_arma import simulate_arma_errors
from helpers.paths import ROOT

FIXTURES = ROOT / "tests" / "methods" / "fixtures"


def make_panel(n_groups: int, n_years: int, gaps: bool, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    e = simulate_arma_errors(n_groups, n_years, phi=[0.4], theta=[-0.7], sigma=0.5, rng=rng)
    g = np.repeat(np.arange(n_groups), n_years)
    year = np.tile(np.arange(1997, 1997 + n_years), n_groups)
    x1 = rng.normal(size=g.size)
    x2 = (rng.random(n_groups) < 0.4).astype(float)[g]  # time-invariant group trait
    x3 = rng.normal(size=n_groups)[g] + 0.3 * rng.normal(size=g.size)
    yfx = 0.1 * np.sin(year - 1997)
    y = 0.2 + 0.5 * x1 - 0.3 * x2 + 0.1 * x3 + yfx + e.ravel()
    df = pd.DataFrame({"dyad": g + 1, "year": year, "y": y, "x1": x1, "x2": x2, "x3": x3})
    if gaps:
        keep = rng.random(len(df)) > 0.15  # interior and edge gaps
        first_years = rng.integers(0, 5, n_groups)[g]  # late entry
        keep &= (year - 1997) >= first_years
        df = df[keep]
        df = df[df.groupby("dyad")["year"].transform("size") >= 2]
    return df.reset_index(drop=True)


if __name__ == "__main__":
    FIXTURES.mkdir(parents=True, exist_ok=True)
    make_panel(300, 12, False, 11).to_csv(FIXTURES / "gls_panel_balanced.csv", index=False, float_format="%.10g")
    make_panel(400, 12, True, 12).to_csv(FIXTURES / "gls_panel_gaps.csv", index=False, float_format="%.10g")
    print("wrote", FIXTURES)
