"""The model's two inputs, built once per data kind: the calibrated world input-output table and the HS6 product
table.

The product table is the one place where the product universe, the trade values by partner group, home sales,
elasticities and the EU and US sanction lists (columns `eu`, `us`) come together. Today the lists are drawn by
the generator with the trade values (`synth.generate`); a real list replaces its column in `product_table`.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from . import data, synth
from .model import calibration as cal
from .model.io_model import WorldIO


@lru_cache(maxsize=4)
def world(kind: str = "real", scheme: str = "tableA1_16") -> WorldIO:
    """The calibrated 18-group world: WIOD 2008 (real) or a generated 18 x D table with similar moments."""
    if kind == "real":
        return cal.aggregate_wiod(data.wiot_2008(), scheme)
    return synth.world(len(cal.INDUSTRY_SCHEMES[scheme][0]))


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


def _partner_group_shares() -> dict[str, float]:
    """Shares of Russian imports by model group (IMF IMTS 2019; every partner outside the groups is RoW)."""
    shares: dict[str, float] = {}
    for iso, share in data.russia_import_partner_shares().items():
        group = cal.ISO3_TO_GROUP.get(iso, "Rest of the World")
        if group != cal.RUSSIA:
            shares[group] = shares.get(group, 0.0) + share
    return shares


def _broda_weinstein_ranking() -> pd.Series:
    """The real Broda-Weinstein HS3 elasticity of each HS6 product, used only to order the drawn elasticities."""
    hs = data.hs92_products()["hs6"]
    return pd.Series(hs.str.slice(0, 3).map(data.broda_weinstein_hs3()).to_numpy(), index=hs.to_numpy())


@lru_cache(maxsize=8)
def _product_table(kind: str, seed: int, scheme: str, elasticity_source: str) -> pd.DataFrame:
    if elasticity_source == "broda_weinstein_rank" and kind != "real":
        raise ValueError("elasticity_source='broda_weinstein_rank' needs the real concordance files.")
    real = kind == "real"
    others = [g for g in cal.GROUP_NAMES[12:] if g != cal.RUSSIA]
    return synth.generate(seed=seed, universe=data.hs92_products() if real else None,
                          industry_mix=russia_import_mix(world(kind, scheme)),
                          partner_shares=_partner_group_shares() if real else None, coalition=list(cal.COALITION),
                          other_groups=others,
                          elasticity_rank=_broda_weinstein_ranking() if elasticity_source == "broda_weinstein_rank" else None)


def product_table(kind: str = "real", seed: int = 4, scheme: str = "tableA1_16",
                  elasticity_source: str = "synthetic") -> pd.DataFrame:
    """One row per HS6 product: imp_<group> (USD), imports, home, eps, sigma, eu (0/1), us (0/1/2), and the universe's
    hs2, description, wiod_n, bec_class, consumer. Generated trade on the real HS92 universe when kind='real'."""
    return _product_table(kind, seed, scheme, elasticity_source).copy()
