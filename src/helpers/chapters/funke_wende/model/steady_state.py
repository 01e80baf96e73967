"""Steady states and the two-stage calibration (spec sections 3.14 and 4).

Stage 1 fixes Table 1. Stage 2 chooses alpha, kappa, f_X, Bbar (and L as units) to match Table 2, then
f_RX so that `rx_target` of the sanctioned varieties are re-exported at Gamma = `rx_target_Gamma`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from .equations import (IBR, IBW, IIK, IK, IND, INE, IQ, IQR, IQT, IQW, IRS, IW, IZRX, IZX, N_BASE,
                    Calibration, Exog, static_block, unpack, static_from_x)
from .numerics import FWSolverError, newton
from .parameters import PAIRS, REGIONS, FWParams

SS_LABELS = (["normalisation (28) " + c for c in REGIONS] + ["share Euler (37) " + c for c in REGIONS]
             + ["bundle clearing (41) " + c for c in REGIONS] + ["budget (30) RU", "budget (30) RW"]
             + [f"export cutoff (19) pair {i}" for i in range(6)] + ["re-export cutoff (20)"])


@dataclass(frozen=True)
class SteadyState:
    """A solved steady state: the dynamic vector `x` (33), the static objects, and diagnostics."""

    params: FWParams
    cal: Calibration
    exog: Exog
    reexports: bool
    x: np.ndarray
    objects: dict = field(repr=False)
    max_residual: float = 0.0
    iterations: int = 0

    @property
    def gdp(self) -> np.ndarray:
        return self.objects["Y"][:, 0]

    def summary(self) -> pd.Series:
        o, v = self.objects, unpack(self.x[:, None])
        out = {}
        for c, name in enumerate(REGIONS):
            out[f"GDP {name}"] = o["Y"][c, 0]
            out[f"C {name}"] = o["C"][c, 0]
            out[f"I {name}"] = v["Ik"][c, 0]
            out[f"N_D {name}"] = v["ND"][c, 0]
        return pd.Series(out)


def _rf(p):
    return p.share_euler_factor


def ss_full_vector(p: FWParams, cal: Calibration, w, ND, Q, q, zX, zRX) -> np.ndarray:
    """Steady-state dynamic vector x from the core unknowns (section 3.14)."""
    x = np.zeros(N_BASE)
    RK = 1 / p.beta - 1 + p.delta_K
    K = (p.rho_K / p.rho_L) * w * cal.L / RK
    x[IW], x[IND], x[INE], x[IQ] = np.log(w), np.log(ND), np.log(p.delta / (1 - p.delta) * ND), np.log(Q)
    x[IK], x[IIK], x[IQT] = np.log(K), np.log(p.delta_K * K), 0.0
    x[IRS] = np.log(1 / p.beta)
    x[IBR], x[IBW] = cal.Bbar / cal.ybar
    x[IQR], x[IQW] = np.log(q[1]), np.log(q[2])
    x[IZX], x[IZRX] = np.log(zX), np.log(zRX)
    return x


def _static_ss(p, cal, x, ex, reexports):
    col = x[:, None]
    return static_from_x(p, cal, col, col, ex, reexports)[1]


def _ss_residual_core(p, cal, s, x, reexports):
    """Normalisation, share Euler, bundle clearing, budgets, cutoffs at a steady state."""
    v = unpack(x[:, None])
    R = 1 / p.beta
    b = np.array([x[IBR], x[IBW]]) * cal.ybar
    q = v["q"][1:, 0]
    tb = (s["C"][1:, 0] + v["Ik"][1:, 0] + s["vtil"][1:, 0] * v["NE"][1:, 0]
          + (1 - R) * b / q - s["Y"][1:, 0]) / s["Y"][1:, 0]
    return np.concatenate([
        s["norm"][:, 0],
        np.log(s["dtil"][:, 0]) - np.log(_rf(p) * s["vtil"][:, 0]),
        np.log(s["Xd"][:, 0]) - np.log(s["Xs"][:, 0]),
        tb,
        s["res_zX"][:, 0], s["res_zRX"],
    ])


def solve_steady_state(p: FWParams, cal: Calibration, Gamma: float, tau_RX: float | None = None,
                       tau_z: float | None = None, reexports: bool | None = None, guess=None,
                       name: str = "steady state", steps: int = 1) -> SteadyState:
    """Steady state for given policy (Gamma, tau_RX, tau_z) with calibrated parameters fixed.
    `guess` is a SteadyState to start from; `steps` > 1 uses homotopy in the policy."""
    reexports = p.reexports if reexports is None else reexports
    tau_RX = p.tau_RX if tau_RX is None else tau_RX
    tau_z = p.tau_z if tau_z is None else tau_z
    if guess is None:
        guess = baseline_steady_state(p)
    x0 = guess.x.copy()
    if not reexports:
        x0[IZRX] = 0.0
    core = np.r_[np.arange(0, 3), np.arange(3, 6), np.arange(9, 12), IQR, IQW, np.arange(26, 33)]

    def build(y):
        w, ND, Q = np.exp(y[0:3]), np.exp(y[3:6]), np.exp(y[6:9])
        q = np.array([1.0, np.exp(y[9]), np.exp(y[10])])
        return ss_full_vector(p, cal, w, ND, Q, q, np.exp(y[11:17]), np.exp(y[17]))

    g0 = np.array([guess.exog.Gamma, guess.exog.tau_RX, guess.exog.tau_z], float)
    g1 = np.array([Gamma, tau_RX, tau_z], float)
    y = x0[core]
    err = it = 0
    for lam in np.linspace(0, 1, steps + 1)[1:]:
        ex = Exog(*(g0 + lam * (g1 - g0)))

        def fun(yy, ex=ex):
            x = build(yy)
            return _ss_residual_core(p, cal, _static_ss(p, cal, x, ex, reexports), x, reexports)

        y, err, it = newton(fun, y, name=f"{name} (Gamma={Gamma:g}, tau_RX={tau_RX:g}, tau_z={tau_z:g})",
                            labels=SS_LABELS)
    ex = Exog(Gamma, tau_RX, tau_z)
    x = build(y)
    return SteadyState(p, cal, ex, reexports, x, _static_ss(p, cal, x, ex, reexports), err, it)


# ---------------------------------------------------------------------------------------------
# calibration
# ---------------------------------------------------------------------------------------------
def _closed_economy_guess(p: FWParams, L):
    """Closed-economy steady state per region (P_D = 1): wage, firms, output."""
    RK = 1 / p.beta - 1 + p.delta_K
    A = (1 / p.rho_L) ** p.rho_L * (RK / p.rho_K) ** p.rho_K * (1 / p.rho_M) ** p.rho_M
    c = p.f_E / p.Z * ((p.theta - 1) * _rf(p) + p.delta / (1 - p.delta))
    th = p.theta
    w = (c * p.rho_L * A * (p.mu * A / (p.Z * p.z_tilde_D)) ** (th - 1) / L) ** (1 / (1 - th * p.rho_L))
    MC = A * w**p.rho_L
    ND = (p.mu * MC / (p.Z * p.z_tilde_D)) ** (th - 1)
    Q = th * _rf(p) * MC * p.f_E / p.Z * ND
    return w, ND, Q


def _target_cutoffs(p: FWParams, Gamma):
    s = np.asarray(p.exporter_share)
    G = np.zeros(6)
    G[0] = Gamma
    return p.z_min * (s / (1 - G)) ** (-1 / p.k)


def _calibrated_pieces(p: FWParams, L, f_RX, w, ND, Q, q, zX, zRX, ex):
    """Given the allocation, back out kappa, alpha and f_X from Table 2 (closed forms)."""
    dummy = Calibration(alpha=np.full(3, 0.1), kappa=np.full((3, 3), 0.5), f_X=np.ones(6), f_RX=f_RX,
                        L=L, Bbar=np.zeros(2), ybar=np.ones(2))
    RK = 1 / p.beta - 1 + p.delta_K
    K = (p.rho_K / p.rho_L) * w * L / RK
    col = lambda a: np.asarray(a, float)[:, None]  # noqa: E731
    s = static_block(p, dummy, col(w), col(ND), col(p.delta / (1 - p.delta) * ND), col(Q), col(q),
                     col(zX), np.array([zRX]), col(K), col(p.delta_K * K), ex)
    imp = np.asarray(p.import_share)
    kappa = np.zeros((3, 3))
    for i, (o, d) in enumerate(PAIRS):
        kappa[d, o] = imp[d, o] * s["Pdo"][i, 0] ** (p.theta - 1)
    kappa /= kappa.sum(axis=1, keepdims=True)
    PX = np.array([sum(kappa[d, o] * s["Pdo"][i, 0] ** (1 - p.theta) for i, (o, dd) in enumerate(PAIRS)
                       if dd == d) for d in range(3)]) ** (1 / (1 - p.theta))
    alpha = np.asarray(p.openness) / PX ** (1 - p.omega)
    QX = alpha * PX ** (-p.omega) * Q
    th, mu = p.theta, p.mu
    tau = p.tariff
    fX = np.zeros(6)
    for i, (o, d) in enumerate(PAIRS):
        D = kappa[d, o] * PX[d] ** th * QX[d]
        fX[i] = zX[i] ** (th - 1) * D / (th * (1 + tau[d, o]) ** th * (q[o] / q[d]) ** th
                                         * (p.tau_X * mu) ** (th - 1) * (s["MC"][o, 0] / p.Z) ** th)
    return kappa, alpha, fX


def _calibrate_given_fRX(p: FWParams, f_RX: float, y0=None):
    L = np.asarray(p.L, float)
    zX = _target_cutoffs(p, p.Gamma0)
    ex = Exog(p.Gamma0, p.tau_RX, p.tau_z)
    R = 1 / p.beta

    def assemble(y):
        w, ND, Q = np.exp(y[0:3]), np.exp(y[3:6]), np.exp(y[6:9])
        q = np.array([1.0, np.exp(y[9]), np.exp(y[10])])
        zRX = np.exp(y[11])
        kappa, alpha, fX = _calibrated_pieces(p, L, f_RX, w, ND, Q, q, zX, zRX, ex)
        cal0 = Calibration(alpha, kappa, fX, f_RX, L, np.zeros(2), np.ones(2))
        x = ss_full_vector(p, cal0, w, ND, Q, q, zX, zRX)
        s = _static_ss(p, cal0, x, ex, p.reexports)
        return w, ND, Q, q, zRX, kappa, alpha, fX, x, s

    def fun(y):
        w, ND, Q, q, zRX, kappa, alpha, fX, x, s = assemble(y)
        v = unpack(x[:, None])
        Y = s["Y"][:, 0]
        TB = Y - s["C"][:, 0] - v["Ik"][:, 0] - s["vtil"][:, 0] * v["NE"][:, 0]
        if p.calib_scheme == "A":
            targ = TB[1:] / Y[1:] - np.asarray(p.tb_gdp)[1:]
        else:
            share = Y * q / np.sum(Y * q)
            targ = share[1:] - np.asarray(p.gdp_share)[1:]
        return np.concatenate([s["norm"][:, 0],
                               np.log(s["dtil"][:, 0]) - np.log(_rf(p) * s["vtil"][:, 0]),
                               np.log(s["Xd"][:, 0]) - np.log(s["Xs"][:, 0]), targ, s["res_zRX"]])

    if y0 is None:
        w, ND, Q = _closed_economy_guess(p, L)
        # values V_c = Q_c q_c that balance trade as targeted (Table 2 identities, no re-exports)
        imp, op, tau = np.asarray(p.import_share), np.asarray(p.openness), p.tariff
        gdp_ratio = 1 - p.rho_M
        if p.calib_scheme == "A":
            # TB_c = sum_d s[d,c] op_d V_d/(1+tau[d,c]) - op_c V_c sum_o s[c,o]/(1+tau[c,o]) = tb_c gdp V_c
            A = np.zeros((3, 3))
            for c in range(3):
                for d in range(3):
                    if d != c:
                        A[c, d] += imp[d, c] * op[d] / (1 + tau[d, c])
                A[c, c] -= op[c] * sum(imp[c, o] / (1 + tau[c, o]) for o in range(3) if o != c)
                A[c, c] -= p.tb_gdp[c] * gdp_ratio
            # V_S = Q_S; solve rows RU, RW for V_R, V_W
            M = A[1:, 1:]
            rhs = -A[1:, 0] * Q[0]
            V = np.r_[Q[0], np.linalg.solve(M, rhs)]
        else:
            V = Q[0] * np.asarray(p.gdp_share) / p.gdp_share[0]
        q = V / Q
        zRX0 = zX[0] * 1.15
        y0 = np.r_[np.log(w), np.log(ND), np.log(Q), np.log(q[1:]), np.log(zRX0)]
    labels = (SS_LABELS[:9] + ["calibration target RU", "calibration target RW", "re-export cutoff (20)"])
    y, err, it = newton(fun, y0, name=f"calibration (scheme {p.calib_scheme}, f_RX={f_RX:.4g})",
                        labels=labels, maxit=100)
    w, ND, Q, q, zRX, kappa, alpha, fX, x, s = assemble(y)
    Y = s["Y"][:, 0]
    v = unpack(x[:, None])
    TB = Y - s["C"][:, 0] - v["Ik"][:, 0] - s["vtil"][:, 0] * v["NE"][:, 0]
    Bbar = (q * TB / (1 - R))[1:]
    ybar = (Y * q)[1:]
    cal = Calibration(alpha, kappa, fX, f_RX, L, Bbar, ybar)
    x = ss_full_vector(p, cal, w, ND, Q, q, zX, zRX)
    if not p.reexports:
        x[IZRX] = 0.0
    s = _static_ss(p, cal, x, ex, p.reexports)
    res = _ss_residual_core(p, cal, s, x, p.reexports)
    base = SteadyState(p, cal, ex, p.reexports, x, s, float(np.max(np.abs(res))), it)
    return cal, y, base


def _fRX_from_share(p: FWParams, cal: Calibration, base: SteadyState) -> float:
    """f_RX that makes rx_target of sanctioned varieties re-exported at Gamma = rx_target_Gamma,
    holding the other calibrated parameters: solves the counterfactual steady state with z_RX
    pinned by the target and f_RX free."""
    Gam = p.rx_target_Gamma
    ss1 = solve_steady_state(p, cal, Gam, guess=base, name="f_RX calibration (counterfactual)", steps=2)
    zX_pre = np.exp(base.x[IZX][0])
    core = np.r_[np.arange(0, 3), np.arange(3, 6), np.arange(9, 12), IQR, IQW, np.arange(26, 32)]
    ex = Exog(Gam, p.tau_RX, p.tau_z)

    def split(y):
        w, ND, Q = np.exp(y[0:3]), np.exp(y[3:6]), np.exp(y[6:9])
        qq = np.array([1.0, np.exp(y[9]), np.exp(y[10])])
        zX = np.exp(y[11:17])
        zref = zX_pre if p.rx_definition == "b" else zX[0]
        zRX = zref * p.rx_target ** (-1 / p.k)
        c2 = Calibration(cal.alpha, cal.kappa, cal.f_X, float(np.exp(y[17])), cal.L, cal.Bbar, cal.ybar)
        return c2, ss_full_vector(p, c2, w, ND, Q, qq, zX, zRX)

    def fun(y):
        c2, x = split(y)
        return _ss_residual_core(p, c2, _static_ss(p, c2, x, ex, True), x, True)

    y0 = np.r_[ss1.x[core], np.log(cal.f_RX)]
    y, err, it = newton(fun, y0, name="f_RX calibration", labels=SS_LABELS)
    return float(np.exp(y[17]))


_HOMOTOPY_FIELDS = ("theta", "omega", "tau_X", "k", "tau_RX", "tau_z")


def _start_by_homotopy(p: FWParams, f_RX: float, steps: int = 8):
    """Calibration for parameters far from the paper's: move the elasticities and costs in `steps`
    from the paper's values, each step starting from the previous solution."""
    ref = FWParams(calib_scheme=p.calib_scheme, exporter_share=p.exporter_share, reexports=p.reexports)
    cal, y, base = _calibrate_given_fRX(ref, f_RX)
    for lam in np.linspace(0, 1, steps + 1)[1:]:
        mid = p.with_(**{k: getattr(ref, k) + lam * (getattr(p, k) - getattr(ref, k)) for k in _HOMOTOPY_FIELDS})
        cal, y, base = _calibrate_given_fRX(mid, f_RX, y0=y)
    return y


@lru_cache(maxsize=64)
def _calibrate(p: FWParams):
    f_RX = 9e-5  # starting value near the reference reconstruction
    try:
        with np.errstate(all="ignore"):
            cal, y, base = _calibrate_given_fRX(p, f_RX)
    except FWSolverError:
        y0 = _start_by_homotopy(p, f_RX)
        cal, y, base = _calibrate_given_fRX(p, f_RX, y0=y0)
    if not p.reexports:
        return cal, base
    for _ in range(40):
        f_new = _fRX_from_share(p, cal, base)
        step = abs(np.log(f_new / f_RX))
        f_RX = f_new
        cal, y, base = _calibrate_given_fRX(p, f_RX, y0=y)
        if step < 1e-11:
            break
    else:
        raise FWSolverError(f"calibration: f_RX fixed point did not converge (last step {step:.2e})")
    return cal, base


def calibrate(p: FWParams) -> Calibration:
    """Stage-2 calibration (cached per parameter set). Iterates between the Table 2 targets at
    Gamma0 and the re-export target at rx_target_Gamma until f_RX is a fixed point."""
    return _calibrate(p)[0]


def baseline_steady_state(p: FWParams) -> SteadyState:
    """The calibrated initial steady state (Gamma = Gamma0, residuals < 1e-12)."""
    return _calibrate(p)[1]
