"""The six sanction scenarios of section 6.4 (Figure 10) and the robustness runs (Figure B.1).

1  EU and US lists as is: EU groups ban the EU list, the USA the US list (bans + controls), others nothing.
2  every coalition group adopts the EU list.
3  every coalition group adopts the US list.
4  scenario 1 plus common additions from the targeting ranking until banned exports equal scenario 2's.
5  every coalition group bans the top of the targeting ranking, sized to scenario 2 ("optimal sanctions").
6  as 5 with 1.5 x scenario 2's banned exports.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import calibration as cal
from . import criterion
from .io_model import IOModel, NoFiniteSolution, WorldIO
from .shocks import member_shocks

SCENARIOS = (1, 2, 3, 4, 5, 6)
SCENARIO_LABELS = {1: "EU & US as is", 2: "EU list, all", 3: "US list, all", 4: "As is + targeted",
                   5: "Optimal (targeted)", 6: "Optimal, 1.5x"}
TARGETING_RULES = ("eq4", "eq3", "imports", "random")


def model_industry(wiod_n, scheme: str = "tableA1_16") -> np.ndarray:
    """Model industry (0-based) of each HS6 product's WIOD industry; -1 for products with no goods industry
    in the scheme (WIOD c16 'Manufacturing n.e.c.' under Table A.1, utilities/services codes, unmapped HS)."""
    _, _, ind_map = cal.INDUSTRY_SCHEMES[scheme]
    n_goods = len(cal.INDUSTRY_SCHEMES[scheme][0]) - 1
    out = np.full(len(wiod_n), -1)
    for k, v in enumerate(np.asarray(wiod_n, float)):
        if np.isfinite(v) and int(v) in ind_map and ind_map[int(v)] < n_goods:
            out[k] = ind_map[int(v)]
    return out


def prepare_products(products: pd.DataFrame, coalition: list[str], scheme: str = "tableA1_16",
                     unmapped: str = "unshocked", coef: float = 1.0, theta_intermediate: float = 0.2,
                     omega_cap: float = 0.99, home_sales: bool = True, common_sigma: float | None = None) -> pd.DataFrame:
    """Product table with expenditure, Omega_CO, criterion values and ranks, and the model industry.
    unmapped='unshocked': products without a goods industry can be banned but do not move Eq. 6 (spec default);
    'exclude': they are dropped before ranking and sizing."""
    if unmapped not in ("unshocked", "exclude"):
        raise ValueError("unmapped must be 'unshocked' or 'exclude'.")
    df = products[products["imports"] > 0].copy()
    df["industry"] = model_industry(df["wiod_n"], scheme)
    if unmapped == "exclude":
        df = df[df["industry"] >= 0].copy()
    df["imports_coalition"] = df[[f"imp_{c}" for c in coalition]].sum(1)
    df = criterion.product_criteria(df, coef=coef, omega_cap=omega_cap, theta_intermediate=theta_intermediate,
                                    common_sigma=common_sigma, home_sales=home_sales)
    df["expenditure"] = df["imports"] + (df["home"] if home_sales else 0.0)
    return df.reset_index(drop=True)


def banned_export_share(products: pd.DataFrame, banned: dict[str, np.ndarray], coalition: list[str]) -> float:
    total = sum(products[f"imp_{c}"].sum() for c in coalition)
    return float(sum(products[f"imp_{c}"].to_numpy()[banned[c]].sum() for c in coalition) / total)


def _ranking(products: pd.DataFrame, rule: str, seed: int) -> np.ndarray:
    if rule == "eq4":
        return np.argsort(products["rank_eq4"].to_numpy(), kind="stable")
    if rule == "eq3":
        return np.argsort(products["rank_eq3"].to_numpy(), kind="stable")
    if rule == "imports":
        return np.argsort(-products["imports_coalition"].to_numpy(), kind="stable")
    if rule == "random":
        return np.random.default_rng(seed).permutation(len(products))
    raise ValueError(f"targeting_rule must be one of {TARGETING_RULES}, got {rule!r}.")


def fill_to_target(products, coalition, order, target_share, already: dict | None = None):
    """Walk down `order`, banning each product for every coalition group, until banned coalition exports reach
    target_share of coalition exports to Russia. Returns the ban sets and the number of products added."""
    n = len(products)
    already = already or {c: np.zeros(n, bool) for c in coalition}
    imp = np.column_stack([products[f"imp_{c}"].to_numpy() for c in coalition])
    total = imp.sum()
    banned_now = np.column_stack([already[c] for c in coalition])
    current = imp[banned_now].sum() / total
    # marginal banned exports when a product is added for every group
    marginal = (imp * ~banned_now).sum(1)[order] / total
    need = target_share - current
    if need <= 0:
        return {c: already[c].copy() for c in coalition}, 0
    cum = np.cumsum(marginal)
    count = int(np.searchsorted(cum, need) + 1)
    chosen = np.zeros(n, bool)
    chosen[order[:count]] = True
    return {c: already[c] | chosen for c in coalition}, count


def ban_sets(products: pd.DataFrame, scenario: int, coalition: list[str], targeting_rule: str = "eq4",
             target_share: float | None = None, expansion: float = 1.5, seed: int = 0):
    """Ban sets {coalition group: bool per product} for a scenario and the target banned share it used."""
    n = len(products)
    eu_list = products["eu"].to_numpy() > 0
    us_list = products["us"].to_numpy() > 0
    none = np.zeros(n, bool)
    s2 = {c: eu_list.copy() for c in coalition}
    s2_share = banned_export_share(products, s2, coalition)
    share = s2_share if target_share is None else target_share
    if scenario == 1:
        return {c: eu_list.copy() if c in cal.EU_GROUPS else (us_list.copy() if c == "USA" else none.copy())
                for c in coalition}, None
    if scenario == 2:
        return s2, s2_share
    if scenario == 3:
        return {c: us_list.copy() for c in coalition}, None
    order = _ranking(products, targeting_rule, seed)
    if scenario == 4:
        s1, _ = ban_sets(products, 1, coalition)
        return fill_to_target(products, coalition, order, share, s1)[0], share
    if scenario == 5:
        return fill_to_target(products, coalition, order, share)[0], share
    if scenario == 6:
        return fill_to_target(products, coalition, order, expansion * share)[0], expansion * share
    raise ValueError(f"scenario must be one of {SCENARIOS}, got {scenario!r}.")


def tau_hat(world: WorldIO, tau_cd: np.ndarray, coalition: list[str]) -> np.ndarray:
    """tau_hat[i, j, e] with the coalition-group x industry shocks on flows into Russia (goods industries)."""
    tau = world.unit_shock()
    r = world.countries.index(cal.RUSSIA)
    for k, c in enumerate(coalition):
        j = world.countries.index(c)
        tau[r, j, :tau_cd.shape[1]] = tau_cd[k]
    return tau


@dataclass
class ScenarioResult:
    scenario: int
    banned_share: float
    n_banned: dict
    welfare_hat: pd.Series
    absolute_loss: pd.Series          # (1 - W_hat) * E, million USD of 2008
    infeasible: list
    seconds: float
    iterations: int
    status: str = "solved"
    tau: np.ndarray = field(default=None, repr=False)

    @property
    def loss_pct(self) -> pd.Series:
        return 100 * (1 - self.welfare_hat)


def run_scenario(world: WorldIO, model: IOModel, products: pd.DataFrame, scenario: int, coalition: list[str],
                 theta_d, targeting_rule: str = "eq4", target_share: float | None = None,
                 expansion: float = 1.5, fn23_scaling: str = "log", x0=None, seed: int = 0) -> ScenarioResult:
    banned, _ = ban_sets(products, scenario, coalition, targeting_rule, target_share, expansion, seed)
    n_goods = world.D - 1
    shocks = member_shocks(products, coalition, banned, n_goods, theta_d, model.el.xi, scaling=fn23_scaling)
    share = banned_export_share(products, banned, coalition)
    start = time.perf_counter()
    try:
        sol = model.solve(tau_hat(world, shocks.tau, coalition), x0=x0)
    except NoFiniteSolution as err:
        nan = pd.Series(np.nan, index=world.countries)
        return ScenarioResult(scenario, share, {c: int(b.sum()) for c, b in banned.items()}, nan, nan,
                              shocks.infeasible, time.perf_counter() - start, 0, status=f"no finite solution: {err}",
                              tau=shocks.tau)
    welfare = pd.Series(sol.welfare_hat, index=world.countries)
    res = ScenarioResult(scenario, share, {c: int(b.sum()) for c, b in banned.items()}, welfare,
                         pd.Series((1 - sol.welfare_hat) * world.E, index=world.countries), shocks.infeasible,
                         sol.seconds, sol.iterations, tau=shocks.tau)
    res._x = sol.x
    return res


def run_all(world: WorldIO, model: IOModel, products: pd.DataFrame, coalition: list[str], theta_d,
            scenarios=SCENARIOS, **kwargs) -> dict[int, ScenarioResult]:
    """All scenarios, each warm-started from the previous solution."""
    out, x0 = {}, None
    for s in scenarios:
        res = run_scenario(world, model, products, s, coalition, theta_d, x0=x0, **kwargs)
        x0 = getattr(res, "_x", x0)
        out[s] = res
    return out


def summary_table(results: dict[int, ScenarioResult], coalition: list[str]) -> pd.DataFrame:
    """Figure 10a in numbers: Russia's and the coalition's proportional and absolute losses per scenario."""
    rows = []
    for s, r in results.items():
        E = r.absolute_loss / (1 - r.welfare_hat)           # baseline expenditure (NaN-safe through ratio)
        co_abs = r.absolute_loss[coalition].sum()
        co_E = E[coalition].sum() if np.isfinite(co_abs) else np.nan
        loser = r.loss_pct[coalition].idxmax() if r.status == "solved" else None
        rows.append({"scenario": s, "label": SCENARIO_LABELS[s], "banned_share": r.banned_share,
                     "russia_loss_pct": r.loss_pct[cal.RUSSIA], "coalition_loss_pct": 100 * co_abs / co_E,
                     "russia_abs": r.absolute_loss[cal.RUSSIA], "coalition_abs": co_abs,
                     "baltics_loss_pct": r.loss_pct.get("Baltics", np.nan), "largest_coalition_loser": loser,
                     "infeasible_eq6": len(r.infeasible), "seconds": r.seconds, "status": r.status})
    df = pd.DataFrame(rows).set_index("scenario")
    df["ratio_proportional"] = df["russia_loss_pct"] / df["coalition_loss_pct"]
    df["ratio_absolute"] = df["russia_abs"] / df["coalition_abs"]
    df["russia_over_baltics"] = df["russia_loss_pct"] / df["baltics_loss_pct"]
    return df


def headlines(table: pd.DataFrame) -> dict:
    """Section 9 headline statistics from a summary table."""
    L = table["russia_loss_pct"]
    return {
        "ratio_proportional_min": float(table["ratio_proportional"].min()),
        "ratio_proportional_max": float(table["ratio_proportional"].max()),
        "ratio_absolute_min": float(table["ratio_absolute"].min()),
        "ratio_absolute_s5": float(table.loc[5, "ratio_absolute"]),
        "baltics_largest_s5": bool(table.loc[5, "largest_coalition_loser"] == "Baltics"),
        "russia_over_baltics_s5": float(table.loc[5, "russia_over_baltics"]),
        "s5_over_s4": float(L[5] / L[4]),
        "s5_over_s2": float(L[5] / L[2]),
        "s6_over_s5": float(L[6] / L[5]),
        "russia_loss_s5": float(L[5]),
        "coordination_ge_expansion": bool((L[2] - L[4]) >= (L[4] - L[1])),
        "ordering_holds": bool(L[1] < L[4] < L[2] < L[5] < L[6]),
        "adoption_gt_as_is": bool(L[2] > L[1] and L[3] > L[1]),
        "expansion_raises_cost": bool(L[6] > L[5]),
        "banned_share_s2": float(table.loc[2, "banned_share"]),
    }
