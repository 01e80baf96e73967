"""The paper's experiments: long-run comparisons, Figure 4 ban transitions, Figure 5 augmented
model, Figures 6-7 secondary sanctions. Every function returns labelled pandas objects."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .numerics import FWSolverError
from .parameters import REGIONS, FWParams
from .reporting import reporting_frame
from .steady_state import baseline_steady_state, calibrate, solve_steady_state
from .transition import TransitionResult, solve_transition

GAMMAS = (0.191, 0.44)


def counterfactual(p: FWParams, Gamma: float, reexports: bool = True, tau_RX=None, tau_z=None):
    """New steady state after a permanent policy change (calibrated parameters held fixed)."""
    base = baseline_steady_state(p)
    return solve_steady_state(p, calibrate(p), Gamma, tau_RX=tau_RX, tau_z=tau_z, reexports=reexports,
                              guess=base, steps=3, name=f"steady state Gamma={Gamma:g}")


def long_run_row(p: FWParams, Gamma: float, reexports: bool = True, tau_RX=None, tau_z=None) -> dict:
    """Long-run % GDP changes, re-export shares (a), (b) and (d) for one policy."""
    base = baseline_steady_state(p)
    new = counterfactual(p, Gamma, reexports, tau_RX, tau_z)
    gdp = 100 * (new.gdp / base.gdp - 1)
    out = {f"GDP {c}": gdp[i] for i, c in enumerate(REGIONS)}
    zX_pre = np.exp(base.x[26])
    zX, zRX = np.exp(new.x[26]), np.exp(new.x[32])
    out["re-export share (b), %"] = 100 * (zX_pre / zRX) ** p.k if reexports else 0.0
    out["re-export share (a), %"] = 100 * (zX / zRX) ** p.k if reexports else 0.0
    out["max residual"] = new.max_residual
    return out


def headline(p: FWParams, gammas=GAMMAS) -> pd.DataFrame:
    """Long-run GDP changes (%) and re-exported shares with re-exports, one row per Gamma (paper Section 5.1)."""
    return pd.DataFrame({G: long_run_row(p, G, True) for G in gammas}).T


def long_run_table(p: FWParams, gammas=GAMMAS) -> pd.DataFrame:
    """Long-run GDP changes (%) with and without re-exports for each Gamma (paper Section 5.1)."""
    rows = {}
    for G in gammas:
        for rx in (True, False):
            rows[(G, "with re-exports" if rx else "without re-exports")] = long_run_row(p, G, rx)
    df = pd.DataFrame(rows).T
    df.index.names = ["Gamma", "variant"]
    return df


def ban_transition(p: FWParams, Gamma: float, reexports: bool = True, T: int = 1000,
                   nu_g: float = 0.0, tau_RX=None, tau_z=None, guess=None,
                   end_tol: float = 1e-3) -> TransitionResult:
    """Transition after an unanticipated permanent rise of Gamma (and optionally tau_RX, tau_z)."""
    base = baseline_steady_state(p)
    new = counterfactual(p, Gamma, reexports, tau_RX, tau_z)
    label = (f"Gamma 0.01->{Gamma:g}" + ("" if reexports else ", no re-exports")
             + (f", tau_RX={tau_RX:g}" if tau_RX is not None else "")
             + (f", tau_z={tau_z:g}" if tau_z is not None else "") + (f", nu_g={nu_g:g}" if nu_g else ""))
    if nu_g <= 0:
        return solve_transition(base, new, T=T, name=label, nu_g=0.0, guess=guess, end_tol=end_tol)
    # augmented model: continuation from the benchmark path in nu_g
    if guess is None:
        bench = solve_transition(base, new, T=T, name=label + " (benchmark start)", nu_g=0.0,
                                 end_tol=end_tol)
        guess = np.vstack([bench.X, np.zeros((6, bench.X.shape[1]))])
    try:
        return solve_transition(base, new, T=T, name=label, nu_g=nu_g, guess=guess, end_tol=end_tol)
    except FWSolverError:
        for nu in np.linspace(0, nu_g, 4)[1:]:
            r = solve_transition(base, new, T=T, name=label + f" (continuation nu_g={nu:g})", nu_g=nu,
                                 guess=guess, end_tol=end_tol)
            guess = r.X
        return r


def figure4_runs(p: FWParams, gammas=GAMMAS, T: int = 1000, end_tol: float = 1e-3) -> dict:
    """Figure 4: Gamma in `gammas` x with/without re-exports (benchmark model)."""
    return {(G, rx): ban_transition(p, G, rx, T=T, end_tol=end_tol) for G in gammas for rx in (True, False)}


def figure5_runs(p: FWParams, nus=(0.75, 1.5), gammas=GAMMAS, T: int = 1000, end_tol: float = 1e-3) -> dict:
    """Figure 5: augmented model for each nu_g; the larger nu_g starts from the smaller's path."""
    out = {}
    for G in gammas:
        guess = None
        for nu in sorted(nus):
            r = ban_transition(p, G, True, T=T, nu_g=nu, guess=guess, end_tol=end_tol)
            out[(G, nu)] = r
            guess = r.X
    return out


def secondary_runs(p: FWParams, Gamma: float, tau_RX_up: float = 0.10, tau_z_up: float = 0.245,
                   nu_g: float = 1.5, T: int = 1000, end_tol: float = 1e-3) -> dict:
    """Figures 6-7: Gamma alone, with tau_RX raised by `tau_RX_up`, or tau_z by `tau_z_up`, all at t=1,
    in the augmented model (nu_g)."""
    runs = {"Gamma only": ban_transition(p, Gamma, True, T=T, nu_g=nu_g, end_tol=end_tol)}
    g = runs["Gamma only"].X
    runs[f"tau_RX +{100 * tau_RX_up:g}%"] = ban_transition(
        p, Gamma, True, T=T, nu_g=nu_g, tau_RX=p.tau_RX * (1 + tau_RX_up), guess=g, end_tol=end_tol)
    runs[f"tau_z +{100 * tau_z_up:g}%"] = ban_transition(
        p, Gamma, True, T=T, nu_g=nu_g, tau_z=p.tau_z * (1 + tau_z_up), guess=g, end_tol=end_tol)
    return runs


def secondary_long_run(p: FWParams, Gamma: float, tau_RX_up=0.10, tau_z_up=0.245) -> pd.DataFrame:
    """Long-run micro and macro effects of the two secondary-sanction tools relative to 'Gamma only'
    (% changes; RU and RW GDP as % vs the initial steady state), spec section 6.4."""
    base = baseline_steady_state(p)
    zX_pre = float(np.exp(base.x[26]))
    cases = {"Gamma only": {}, "tau_RX": dict(tau_RX=p.tau_RX * (1 + tau_RX_up)),
             "tau_z": dict(tau_z=p.tau_z * (1 + tau_z_up))}
    levels = {}
    for name, kw in cases.items():
        st = counterfactual(p, Gamma, True, **kw)
        fr = reporting_frame(p, st.x[:, None], st.objects, zX_pre).iloc[0]
        fr["RU GDP vs initial, %"] = 100 * (st.gdp[1] / base.gdp[1] - 1)
        fr["RW GDP vs initial, %"] = 100 * (st.gdp[2] / base.gdp[2] - 1)
        levels[name] = fr
    lv = pd.DataFrame(levels)
    cols = ["z_tilde_RX", "z_check_RX", "rx_price", "rx_cost_factor", "reexports", "N_RX", "d_DRX", "d_RX"]
    out = pd.DataFrame({c: 100 * (lv.loc[cols, c] / lv.loc[cols, "Gamma only"] - 1) for c in ("tau_RX", "tau_z")})
    gdp = ["RU GDP vs initial, %", "RW GDP vs initial, %"]
    for row in gdp:
        out.loc[row] = lv.loc[row, ["tau_RX", "tau_z"]]
    out["Gamma only"] = np.r_[np.zeros(len(cols)), lv.loc[gdp, "Gamma only"].to_numpy()]
    return out[["Gamma only", "tau_RX", "tau_z"]]
