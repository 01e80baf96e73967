"""Funke & Wende: the tables the pages show, each a function of the model's parameters or of a result."""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.report.scorecard import load_published

from .model import BKResult, FWParams, SteadyState, TransitionResult
from .model.equations import Calibration, unpack
from .model.parameters import PAIRS, REGIONS, RU, RW, SC
from .model.reporting import trade_accounts
from .settings import PAPER_ROWS, SLUG


def table1(p: FWParams | None = None) -> pd.DataFrame:
    """The paper's Table 1 (baseline parameters), with the blank Upsilon marked as our assumption."""
    p = p or FWParams()
    rows = [
        ("Trade elasticities", "θ", "Micro elasticity", p.theta, "paper"),
        ("Trade elasticities", "ω", "Macro elasticity", p.omega, "paper"),
        ("Production", "ϱ_L", "Labour share", p.rho_L, "paper"),
        ("Production", "ϱ_K", "Capital share", p.rho_K, "paper"),
        ("Production", "ϱ_M", "Material share", p.rho_M, "paper"),
        ("Production", "δ", "Exit probability of firms", p.delta, "paper"),
        ("Production", "δ_K", "Capital depreciation", p.delta_K, "paper"),
        ("Production", "f_E", "Entry cost", p.f_E, "paper"),
        ("Production", "Z", "Aggregate productivity", p.Z, "paper"),
        ("Production", "τ_RX", "Shipping cost parameter", p.tau_RX, "paper"),
        ("Production", "τ_z", "Shipping cost parameter", p.tau_z, "paper"),
        ("Households", "β", "Discount factor", p.beta, "paper"),
        ("Households", "γ", "Relative risk aversion", p.gamma, "paper"),
        ("Firm distribution", "z_min", "Minimum relative productivity", p.z_min, "paper"),
        ("Firm distribution", "k", "Pareto shape", p.k, "paper"),
        ("Firm distribution", "φ", "Investment adjustment cost", p.phi, "paper"),
        ("Firm distribution", "Υ", "Risk premium parameter", p.Upsilon, "assumption (blank in paper)"),
        ("Not in Table 1", "τ_X", "Iceberg cost of direct exports", p.tau_X, "assumption (GM 2005)"),
        ("Not in Table 1", "Γ_0", "Initial ban share SC→RU", p.Gamma0, "paper (text)"),
        ("Not in Table 1", "ρ_g", "Persistence of import weights", p.rho_g, "paper (fn 24)"),
    ]
    return pd.DataFrame(rows, columns=["block", "symbol", "definition", "value", "source"])


def table2(p: FWParams | None = None) -> pd.DataFrame:
    """The paper's Table 2 (2019 FIGARO moments); columns are importers."""
    p = p or FWParams()
    imp = np.asarray(p.import_share)
    data = {
        "Share of GDP in world GDP": p.gdp_share,
        "Openness (imports / domestic demand)": p.openness,
        "Import share from SC": [np.nan, imp[RU, SC], imp[RW, SC]],
        "Import share from RU": [imp[SC, RU], np.nan, imp[RW, RU]],
        "Import share from RW": [imp[SC, RW], imp[RU, RW], np.nan],
        "Trade balance / GDP": p.tb_gdp,
    }
    return pd.DataFrame(data, index=list(REGIONS)).T


def calibration_tables(cal: Calibration) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The second-stage calibration: openness weights and bond holdings, import-source weights, export costs."""
    regions = list(REGIONS)
    calib = pd.DataFrame({"openness weight α": cal.alpha, "bond holdings B̄ (SC units)": np.r_[-cal.Bbar.sum(), cal.Bbar]},
                         index=regions)
    kappa = pd.DataFrame(cal.kappa, index=[f"importer {r}" for r in regions], columns=[f"from {r}" for r in regions])
    fx = pd.Series(cal.f_X, index=[f"{REGIONS[o]}→{REGIONS[d]}" for o, d in PAIRS], name="fixed export cost f_X")
    return calib, kappa, fx.to_frame().T


def _shares(ss: SteadyState):
    v, s = unpack(ss.x[:, None]), ss.objects
    acc = trade_accounts(ss.params, v, s)
    Y = s["Y"][:, 0]
    return v, s, Y, Y * v["q"][:, 0] / np.sum(Y * v["q"][:, 0]), acc["TB"][:, 0] / Y


def steady_state_table(ss: SteadyState) -> pd.DataFrame:
    """The initial steady state against Table 2: GDP shares, trade balances, openness, spending and exporter shares."""
    v, s, Y, gdp_share, tb = _shares(ss)
    return pd.DataFrame({
        "GDP share (world, SC units)": gdp_share,
        "trade balance / GDP": tb,
        "openness": s["PX"][:, 0] * s["QX"][:, 0] / v["Q"][:, 0],
        "C / GDP": s["C"][:, 0] / Y,
        "I_k / GDP": v["Ik"][:, 0] / Y,
        "exporter share (SC→RU, RU→SC, RW→SC)": s["sX"][[2, 0, 4], 0],
    }, index=list(REGIONS))


def scheme_table(ss: SteadyState) -> pd.DataFrame:
    """GDP shares and trade balances of a steady state, labelled by its calibration scheme."""
    _, _, _, gdp_share, tb = _shares(ss)
    return (pd.DataFrame({"GDP share": gdp_share, "trade balance / GDP": tb}, index=list(REGIONS))
            .rename_axis(f"scheme {ss.params.calib_scheme}"))


def reexport_share_of_imports(ss: SteadyState) -> float:
    """Re-exports as % of Russia's imports in a steady state (value share, consumer prices)."""
    s, th = ss.objects, ss.params.theta
    return float(100 * s["I_rx"][0] / s["Ipair"][0, 0] * s["D"][0, 0] / s["PX"][RU, 0] ** th / s["QX"][RU, 0]
                 * (s["Pdo"][0, 0] / s["PX"][RU, 0]) ** (1 - th))


def blanchard_kahn_table(bk: BKResult) -> pd.DataFrame:
    return pd.Series({"stable roots": bk.n_stable, "unstable roots": bk.n_unstable,
                      "predetermined (size of x_{t-1})": bk.n_predetermined,
                      "slowest stable root": round(bk.slowest_stable, 4), "Blanchard-Kahn holds": bk.holds}).to_frame("value")


def transition_diagnostics(runs: dict) -> pd.DataFrame:
    """Solver diagnostics of the Figure 4 transitions."""
    return pd.DataFrame({f"Γ={G:g}, {'re-exports' if rx else 'no re-exports'}": r.diagnostics()
                         for (G, rx), r in runs.items()}).T


def gdp_paths(runs: dict, quarters) -> pd.DataFrame:
    """GDP of the three regions (% deviation) at the given quarters of each Figure 4 transition."""
    return pd.DataFrame({k: v.deviations.loc[list(quarters), ["GDP_SC", "GDP_RU", "GDP_RW"]].stack() for k, v in
                         {f"Γ={G:g}, {'rx' if rx else 'no rx'}": v for (G, rx), v in runs.items()}.items()}).unstack().T


def transition_checks(res: TransitionResult) -> dict:
    """Shape facts of one ban transition (spec H5): impact, long run, their ratio, and whether RU's GDP falls
    monotonically over the first 100 years (away from the terminal condition)."""
    ru = res.deviations["GDP_RU"].to_numpy()[1:]
    lr = res.long_run["GDP_RU"]
    n = min(400, len(ru) // 2)
    return dict(impact=ru[0], long_run=lr, impact_over_long_run=ru[0] / lr,
                monotone_down=bool(np.all(np.diff(ru[:n]) <= 1e-6)))


def figure5_table(augmented: dict, benchmark: dict) -> pd.DataFrame:
    """RU GDP (% dev.) on impact, after five years and in the long run, augmented runs then benchmark runs."""
    def row(r):
        return dict(impact=r.deviations["GDP_RU"].iloc[1], year_5=r.deviations["GDP_RU"].iloc[20],
                    long_run=r.long_run["GDP_RU"], seconds=r.seconds)
    rows = {f"Γ={G:g}, ν_g={nu:g}": row(r) for (G, nu), r in augmented.items()}
    rows.update({f"Γ={G:g}, benchmark": row(r) for G, r in benchmark.items()})
    return pd.DataFrame(rows).T.rename_axis("RU GDP, % dev.")


def headline_vs_paper(headline: pd.DataFrame) -> pd.DataFrame:
    """Our headline numbers beside the paper's (Section 5.1), the primary ban first, then the stricter one."""
    published = load_published(SLUG).loc["fig4"]
    columns = {"GDP SC": "gdp_SC", "GDP RU": "gdp_RU", "GDP RW": "gdp_RW", "re-export share (b), %": "reexported_share"}
    paper = pd.DataFrame({ours: [float(published.loc[(row, theirs), "estimate"]) for row in PAPER_ROWS]
                          for ours, theirs in columns.items()}, index=headline.index)
    return (pd.concat({"replicated": headline[list(columns)], "paper": paper}, axis=1)
            .swaplevel(axis=1).sort_index(axis=1))
