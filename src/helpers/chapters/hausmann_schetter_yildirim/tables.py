"""Hausmann, Schetter & Yildirim: the tables the pages show, each a function of a result or of the settings."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import kstest, spearmanr

from helpers.chapter import Settings

from .model import calibration as cal
from .model import scenarios as sc
from .model.io_model import WorldIO
from .pipeline import scenario_runs
from .settings import ROBUSTNESS_VARIANTS


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
    """How many of the top-n products by Eq. 3 are restricted, and how large they are."""
    top = prepared.sort_values("rank_eq3").head(n)
    p90 = prepared["imports"].quantile(0.9)
    return {"eu_sanctioned": int((top["eu"] > 0).sum()), "us_sanctioned": int((top["us"] > 0).sum()),
            "share_in_top_decile_imports": float((top["imports"] >= p90).mean()),
            "eu_share_top": float((top["eu"] > 0).mean()), "eu_share_all": float((prepared["eu"] > 0).mean()),
            "us_share_top": float((top["us"] > 0).mean()), "us_share_all": float((prepared["us"] > 0).mean())}


def sanctions_vs_ranks(prepared: pd.DataFrame) -> pd.DataFrame:
    """Figures 7-8 in numbers, and our extension: a KS test of sanctioned products' normalised ranks against
    the uniform distribution (not in the paper)."""
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


def ranking_robustness(base: pd.DataFrame, variants: dict[str, pd.DataFrame], top: int = 1000) -> pd.DataFrame:
    """Figure A.1: each variant's Eq. 3 ranking against the baseline: Spearman rank correlation and how many of
    the baseline top `top` stay in the top `top`."""
    rows = {}
    for label, alt in variants.items():
        merged = base[["hs6", "rank_eq3"]].merge(alt[["hs6", "rank_eq3"]], on="hs6", suffixes=("", "_alt"))
        rho = spearmanr(merged["rank_eq3"], merged["rank_eq3_alt"]).statistic
        overlap = int(((merged["rank_eq3"] <= top) & (merged["rank_eq3_alt"] <= top)).sum())
        rows[label] = {"rank_correlation": rho, f"top{top}_overlap": overlap}
    return pd.DataFrame(rows).T


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


def elasticity_set_summary(s: Settings, name: str) -> pd.DataFrame:
    """The scenarios' summary with another elasticity set (Table B.1)."""
    return sc.summary_table(scenario_runs(s.replace(elasticity_set=name)), list(s.coalition))


def headline_table(s: Settings) -> pd.DataFrame:
    """The section 9 headline statistics with both second-order coefficients of Eq. 3 (columns)."""
    return pd.DataFrame({label: sc.headlines(sc.summary_table(scenario_runs(s.replace(second_order_coef=coef)),
                                                              list(s.coalition)))
                         for coef, label in ((1.0, "coef1"), (0.5, "coef05"))})


def robustness_table(s: Settings, variants: dict | None = None, scenarios=(1, 2, 4, 5)) -> pd.DataFrame:
    """Russia's loss and the headline ratios under each specification variant (scenarios 1, 2, 4, 5)."""
    rows = {}
    for name, over in (variants or ROBUSTNESS_VARIANTS).items():
        if not s.data.is_real and over.get("elasticity_source", "synthetic") != "synthetic":
            continue                     # needs the real concordance files
        tab = sc.summary_table(scenario_runs(s.replace(**over), scenarios=scenarios), list(s.coalition))
        L = tab["russia_loss_pct"]
        rows[name] = {"Russia S2 (%)": L[2], "Russia S4 (%)": L[4], "Russia S5 (%)": L[5], "S5/S4": L[5] / L[4],
                      "S5/S2": L[5] / L[2], "coalition S5 (%)": tab.loc[5, "coalition_loss_pct"],
                      "ratio S5": tab.loc[5, "ratio_proportional"],
                      "largest coalition loser S5": tab.loc[5, "largest_coalition_loser"]}
    return pd.DataFrame(rows).T


def seed_variation(s: Settings, seeds=(1, 2, 3, 4, 5)) -> pd.DataFrame:
    """Headline statistics across draws of the synthetic product level (how much of a result is the draw)."""
    rows = {}
    for seed in seeds:
        h = sc.headlines(sc.summary_table(scenario_runs(s.replace(seed=seed)), list(s.coalition)))
        rows[seed] = {k: h[k] for k in ("russia_loss_s5", "s5_over_s4", "s5_over_s2", "ratio_proportional_min",
                                        "ratio_proportional_max", "russia_over_baltics_s5", "ordering_holds",
                                        "coordination_ge_expansion", "baltics_largest_s5")}
    out = pd.DataFrame(rows).T
    out.index.name = "seed"
    return out
