"""The model's two inputs, built once per data kind: the calibrated world input-output table and the HS6 product
table.

The product table is the one place where the product universe, the trade values by partner group, home sales,
elasticities and the EU and US sanction lists (columns `eu`, `us`) come together. The generator draws the trade
values, home sales, elasticities and both lists (`synth.generate`); on the mirror's files the EU column is then
replaced by the real list in force on 9 May 2022 (`data.eu_list_hs92`; without the luxury-only bans when
`eu_list="real_no_luxury"`), unless `eu_list="generated"`. The draw
itself does not depend on the list, so the two runs differ only in the EU column. The US list stays generated.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from helpers.data import eu_sanctions

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
def _product_table(kind: str, seed: int, scheme: str, elasticity_source: str, eu_list: str) -> pd.DataFrame:
    if elasticity_source == "broda_weinstein_rank" and kind != "real":
        raise ValueError("elasticity_source='broda_weinstein_rank' needs the real concordance files.")
    if eu_list not in ("real", "real_no_luxury", "generated"):
        raise ValueError(f"eu_list must be 'real', 'real_no_luxury' or 'generated'; got {eu_list!r}.")
    real = kind == "real"
    others = [g for g in cal.GROUP_NAMES[12:] if g != cal.RUSSIA]
    df = synth.generate(seed=seed, universe=data.hs92_products() if real else None,
                        industry_mix=russia_import_mix(world(kind, scheme)),
                        partner_shares=_partner_group_shares() if real else None, coalition=list(cal.COALITION),
                        other_groups=others,
                        elasticity_rank=_broda_weinstein_ranking() if elasticity_source == "broda_weinstein_rank" else None)
    df["eu_source"] = "generated"
    if real and eu_list != "generated":
        return with_real_eu_list(df, data.eu_categories(eu_list))
    return df


def with_real_eu_list(products: pd.DataFrame, categories: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The product table with its `eu` column replaced by the real EU list of 9 May 2022 (HS92, 'any' rule; only
    bans in `categories` when given), and the list's `eu_first_date`, `eu_orphan` (no HS2017 counterpart: no
    status, counted as not banned) and the ban categories (`eu_dual_use`, `eu_luxury`, ...). The generated list is
    kept as `eu_generated`."""
    real = data.eu_list_hs92(categories).set_index("hs6")
    out = products.copy()
    out["eu_generated"] = out["eu"]
    hs6 = out["hs6"]
    out["eu"] = hs6.map(real["eu"]).fillna(0).astype(int).to_numpy()
    out["eu_first_date"] = hs6.map(real["first_date"]).to_numpy()
    out["eu_orphan"] = hs6.map(real["n_hs2017"]).fillna(0).eq(0).to_numpy()
    for category in eu_sanctions.CATEGORIES:
        out[f"eu_{category}"] = hs6.map(real[category]).fillna(False).astype(bool).to_numpy()
    out["eu_source"] = "real"
    out.attrs = {**products.attrs, "eu_list": {"date": str(data.EU_LIST_DATE.date()), "rule": data.EU_HS_RULE,
                                               "categories": list(categories or eu_sanctions.CATEGORIES)}}
    return out


def product_table(kind: str = "real", seed: int = 4, scheme: str = "tableA1_16",
                  elasticity_source: str = "synthetic", eu_list: str = "real") -> pd.DataFrame:
    """One row per HS6 product: imp_<group> (USD), imports, home, eps, sigma, eu (0/1), us (0/1/2), eu_source
    ('real' or 'generated'), and the universe's hs2, description, wiod_n, bec_class, consumer. Generated trade on
    the real HS92 universe when kind='real', with the real EU list unless eu_list='generated' (or without its
    luxury-only bans: 'real_no_luxury'; see
    `with_real_eu_list` for the list's extra columns); kind='synthetic' has a generated universe and lists."""
    return _product_table(kind, seed, scheme, elasticity_source, eu_list).copy()
