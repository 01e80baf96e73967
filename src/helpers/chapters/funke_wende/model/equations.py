"""Equilibrium equations of the Funke-Wende three-region model, vectorised over time.

Equation numbers in comments refer to the paper (BOFIT DP 4/2025); "[recon]" marks the corrected
readings listed in the replication spec (errata E1-E16). All real prices are in the destination's
CPI units; q_c is the value of one unit of region c's basket in SC units (q_SC = 1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .parameters import PAIRS, RU, RW, SC, FWParams

# ---- the dynamic state vector x_t (33 entries; 39 in the augmented model) ----------------------
VAR_NAMES = (
    [f"lnw_{c}" for c in "SRW"] + [f"lnND_{c}" for c in "SRW"] + [f"lnNE_{c}" for c in "SRW"]
    + [f"lnQ_{c}" for c in "SRW"] + [f"lnK_{c}" for c in "SRW"] + [f"lnIk_{c}" for c in "SRW"]
    + [f"lnqT_{c}" for c in "SRW"] + ["lnR_S", "b_R", "b_W", "lnq_R", "lnq_W"]
    + [f"lnzX_{i}" for i in range(6)] + ["lnzRX"]
)
G_NAMES = [f"lng_{i}" for i in range(6)]
IW, IND, INE, IQ, IK, IIK, IQT = (slice(3 * i, 3 * i + 3) for i in range(7))
IRS, IBR, IBW, IQR, IQW = 21, 22, 23, 24, 25
IZX = slice(26, 32)
IZRX = 32
IG = slice(33, 39)
N_BASE = 33


# pair indices grouped by origin / destination region (PAIRS order)
_BY_ORIGIN = ((0, 1), (2, 3), (4, 5))
_BY_DEST = ((2, 4), (0, 5), (1, 3))


def _sum_by(a, groups):
    """Sum pair rows into region rows: out[c] = a[i] + a[j] for (i, j) = groups[c]."""
    return np.stack([a[i] + a[j] for i, j in groups])


@dataclass(frozen=True)
class Calibration:
    """Parameters set in the second calibration stage (Table 2 targets and f_RX)."""

    alpha: np.ndarray      # openness weights alpha^d, eq. (25)
    kappa: np.ndarray      # kappa[d, o], import-source weights, eq. (26); rows sum to 1
    f_X: np.ndarray        # fixed export costs by pair (PAIRS order)
    f_RX: float            # re-exporters' fixed cost
    L: np.ndarray          # labour endowments (units normalisation)
    Bbar: np.ndarray       # steady-state SC-bond holdings of RU and RW (SC units)
    ybar: np.ndarray       # steady-state quarterly GDP of RU and RW in SC units (premium scale)


@dataclass(frozen=True)
class Exog:
    """Policy paths (scalars or arrays over time)."""

    Gamma: np.ndarray | float
    tau_RX: np.ndarray | float
    tau_z: np.ndarray | float


def static_block(p: FWParams, cal: Calibration, w, ND, NE, Q, q, zX, zRX, Kprev, Ik, ex: Exog,
                 g=None, reexports=None):
    """Period-t equilibrium objects given the period's variables. Arrays are (3, T) per region,
    (6, T) per pair, (T,) for scalars; q is (3, T) with q[0] = 1. Returns a dict."""
    reexports = p.reexports if reexports is None else reexports
    th, k, zmin, Z, om = p.theta, p.k, p.z_min, p.Z, p.omega
    mu = p.mu
    L = cal.L[:, None]
    tau = p.tariff
    Gamma = np.broadcast_to(np.asarray(ex.Gamma, float), zRX.shape)
    tauRX = np.broadcast_to(np.asarray(ex.tau_RX, float), zRX.shape)
    tauz = np.broadcast_to(np.asarray(ex.tau_z, float), zRX.shape)
    a = (1 - tauz) * (th - 1)                                  # exponent of eq. (18) [recon E3]
    # factor prices: w L = rho_L MC X, R_K K = rho_K MC X  ->  R_K from w
    RK = (p.rho_K / p.rho_L) * w * L / Kprev
    MC = (w / p.rho_L) ** p.rho_L * (RK / p.rho_K) ** p.rho_K * (1 / p.rho_M) ** p.rho_M   # (2)
    pbar = mu * MC / Z                                          # (3) times z
    PD = ND ** (1 / (1 - th)) * pbar / p.z_tilde_D              # (14)
    # import price indices (12)/(13)/(15) with the unconditional Pareto integrals [recon E3]
    Gp = np.zeros_like(zX)
    Gp[0] = Gamma
    Ipair = (1 - Gp) * k * zmin**k * zX ** (th - 1 - k) / (k - th + 1)
    rho_rel = (tauRX / p.tau_X) * (1 + tau[RW, SC]) / (1 + tau[RU, SC]) * mu
    if reexports:
        I_rx = Gamma * rho_rel ** (1 - th) * k * zmin**k * zRX ** (a - k) / (k - a)
    else:
        I_rx = np.zeros_like(zRX)
    Ipair = Ipair.copy()
    Ipair[0] = Ipair[0] + I_rx
    o_idx = np.array([o for o, _ in PAIRS])
    d_idx = np.array([d for _, d in PAIRS])
    tau_pair = np.array([tau[d, o] for o, d in PAIRS])[:, None]
    Pdo = (1 + tau_pair) * (q[o_idx] / q[d_idx]) * p.tau_X * pbar[o_idx] * (ND[o_idx] * Ipair) ** (1 / (1 - th))
    kap = np.array([cal.kappa[d, o] for o, d in PAIRS])[:, None]
    gk = kap if g is None else kap * g
    PX1 = _sum_by(gk * Pdo ** (1 - th), _BY_DEST)
    PX = PX1 ** (1 / (1 - th))                                  # import price index, eq. (26)
    alpha = cal.alpha[:, None]
    QD = (1 - alpha) * PD ** (-om) * Q                          # CES demands implied by (25)
    QX = alpha * PX ** (-om) * Q
    norm = (1 - alpha) * PD ** (1 - om) + alpha * PX ** (1 - om) - 1     # (28)
    D = gk * PX[d_idx] ** th * QX[d_idx]                        # variety demand shifter
    Qdo = gk * (Pdo / PX[d_idx]) ** (-th) * QX[d_idx]           # bilateral import quantities
    # cutoffs (19) and (20) [recon E4: RW tariff in (20)]
    fX = cal.f_X[:, None]
    res_zX = (th - 1) * np.log(zX) - np.log(
        th * fX * (1 + tau_pair) ** th * (q[o_idx] / q[d_idx]) ** th * (p.tau_X * mu) ** (th - 1)
        * (MC[o_idx] / Z) ** th / D)
    if reexports:
        res_zRX = a * np.log(zRX) - np.log(
            th * cal.f_RX * (1 + tau[RW, SC]) ** th * (q[SC] / q[RU]) ** th * (tauRX * mu**2) ** (th - 1)
            * (MC[SC] / Z) ** th / D[0])
    else:
        res_zRX = np.log(zRX)
    # average profits: (9) domestic, GM property for exporters, (47) re-exporters, (10) [recon E2]
    dD = (1 / th) * (pbar / p.z_tilde_D) ** (1 - th) * PD**th * QD
    sX = (1 - Gp) * (zmin / zX) ** k                            # (21)
    dX = (th - 1) / (k - th + 1) * MC[o_idx] * fX / Z
    fcX = MC[o_idx] * fX / Z                                    # fixed export cost, origin units
    sRX = Gamma * (zmin / zRX) ** k if reexports else np.zeros_like(zRX)   # (22) [recon E5]
    fcRX = MC[SC] * cal.f_RX / Z
    dRX = a / (k - a) * fcRX                                    # (47)
    dDRX = (th - 1) / th * (dRX + fcRX)
    dtil = dD + _sum_by(sX * dX, _BY_ORIGIN)
    dtil[SC] = dtil[SC] + sRX * dDRX
    vtil = MC * p.f_E / Z                                       # (23)
    NX = ND[o_idx] * sX
    NRX = ND[SC] * sRX
    # (41) input-bundle demand [recon E9: entry and f_RX paid in input bundles]
    opX = NX * (dX + fcX)                                       # exporters' operating profits
    Xd_var = ND * dD + _sum_by(opX, _BY_ORIGIN)
    Xd_var[SC] = Xd_var[SC] + NRX * dDRX
    Xd_fix = NE * p.f_E + _sum_by(NX * fX, _BY_ORIGIN)
    Xd_fix[SC] = Xd_fix[SC] + NRX * cal.f_RX
    Xd = (th - 1) / MC * Xd_var + Xd_fix / Z
    Xs = w * L / (p.rho_L * MC)
    M = p.rho_M * MC * Xs
    C = Q - M - Ik                                              # (42)
    # (38) tariff revenue; RW taxes re-exports on the re-exporter's revenue
    rX = th * (dX + fcX)                                        # average export revenue
    Psi = _sum_by(tau_pair * (q[o_idx] / q[d_idx]) * NX * rX, _BY_DEST)
    rRX = th * (dRX + fcRX)
    Psi[RW] = Psi[RW] + tau[RW, SC] * (q[SC] / q[RW]) * NRX * rRX
    PiRX = NRX * dRX * q[SC] / q[RW]                           # re-exporter profits to RW [E16]
    Y = w * L + RK * Kprev + ND * dtil + Psi                   # GDP, income side, own units
    Y[RW] = Y[RW] + PiRX
    return dict(RK=RK, MC=MC, PD=PD, PX=PX, Pdo=Pdo, QD=QD, QX=QX, Qdo=Qdo, D=D, norm=norm,
                res_zX=res_zX, res_zRX=res_zRX, dD=dD, dX=dX, sX=sX, sRX=sRX, dRX=dRX, dDRX=dDRX,
                dtil=dtil, vtil=vtil, NX=NX, NRX=NRX, Xd=Xd, Xs=Xs, M=M, C=C, Psi=Psi, PiRX=PiRX,
                Y=Y, rX=rX, rRX=rRX, I_rx=I_rx, Ipair=Ipair, a=a, tauRX=tauRX, tauz=tauz,
                Gamma=Gamma, fcRX=fcRX)


def unpack(x):
    """Levels from a (nvar, T) array of the dynamic vector."""
    e = np.exp
    q = np.vstack([np.ones_like(x[IQR]), e(x[IQR]), e(x[IQW])])
    return dict(w=e(x[IW]), ND=e(x[IND]), NE=e(x[INE]), Q=e(x[IQ]), K=e(x[IK]), Ik=e(x[IIK]),
                qT=e(x[IQT]), RS=e(x[IRS]), b=np.vstack([x[IBR], x[IBW]]), q=q,
                zX=e(x[IZX]), zRX=e(x[IZRX]))


def static_from_x(p, cal, x, xlag, ex, reexports=None):
    """Static block on columns of x with lagged capital from xlag (same shapes)."""
    v = unpack(x)
    g = np.exp(x[IG]) if x.shape[0] > N_BASE else None
    return v, static_block(p, cal, v["w"], v["ND"], v["NE"], v["Q"], v["q"], v["zX"], v["zRX"],
                           np.exp(xlag[IK]), v["Ik"], ex, g=g, reexports=reexports)


def adj_cost(x, phi):
    """S(x) = phi/2 (x-1)^2 and S'(x), eq. (31)."""
    return 0.5 * phi * (x - 1) ** 2, phi * (x - 1)


def smooth_abs(x, eps):
    return np.sqrt(x * x + eps * eps) - eps


def dynamic_residuals(p: FWParams, cal: Calibration, X: np.ndarray, ex: Exog, reexports=None,
                      Y_scale=None):
    """Residuals for t = 1..T of the stacked system. X is (nvar, T+2), or (nvar, B, T+2) for a batch
    of B paths: column 0 the initial steady state, column T+1 the terminal one. Exog arrays have
    length T+2. Returns (nres, T) or (nres, B, T)."""
    batched = X.ndim == 3
    if not batched:
        X = X[:, None, :]
    nvar, B, T2 = X.shape
    T = T2 - 2
    augmented = nvar > N_BASE

    def tile(a):
        a = np.asarray(a, float)
        return np.tile(a[:T2], B) if a.ndim else a

    exs = Exog(tile(ex.Gamma), tile(ex.tau_RX), tile(ex.tau_z))
    # static block on every column; column 0 of each path is a steady state and is its own lag
    xlag = np.concatenate([X[:, :, :1], X[:, :, :-1]], axis=2)
    v, s = static_from_x(p, cal, X.reshape(nvar, B * T2), xlag.reshape(nvar, B * T2), exs, reexports)
    sh = lambda a: a.reshape(a.shape[:-1] + (B, T2))  # noqa: E731
    v = {key: sh(val) for key, val in v.items()}
    s = {key: sh(val) for key, val in s.items() if np.ndim(val) and np.shape(val)[-1] == B * T2}
    X3 = X
    cur = (Ellipsis, slice(1, T + 1))
    nxt = (Ellipsis, slice(2, T + 2))
    prv = (Ellipsis, slice(0, T))
    beta, gam = p.beta, p.gamma
    C = s["C"]
    Lam = (C[nxt] / C[cur]) ** (-gam)                          # lambda_{t+1}/lambda_t, (32)
    res = []
    res.append(s["norm"][cur])                                 # (28) x3
    res.append(np.log(s["Xd"][cur]) - np.log(s["Xs"][cur]))    # (41) x3
    res.append(s["res_zX"][cur])                               # (19) x6
    res.append(s["res_zRX"][None][cur])                        # (20) x1
    res.append(np.log(s["vtil"][cur]) - np.log(                # (37) share Euler x3
        beta * (1 - p.delta) * Lam * (s["vtil"][nxt] + s["dtil"][nxt])))
    res.append(X3[IND][cur] - np.log((1 - p.delta) * (v["ND"][prv] + v["NE"][prv])))       # (24)
    xI = v["Ik"][cur] / v["Ik"][prv]
    S, dS = adj_cost(xI, p.phi)
    res.append(X3[IK][cur] - np.log((1 - p.delta_K) * v["K"][prv] + v["Ik"][cur] * (1 - S)))  # (31)
    qT, qTn = v["qT"][cur], v["qT"][nxt]
    res.append(X3[IQT][cur] - np.log(beta * Lam * (s["RK"][nxt] + (1 - p.delta_K) * qTn)))  # (35)
    xIn = v["Ik"][nxt] / v["Ik"][cur]
    Sn, dSn = adj_cost(xIn, p.phi)
    res.append(1 - qT * (1 - S - dS * xI) - beta * Lam * qTn * dSn * xIn**2)               # (36)
    RS = v["RS"]
    res.append(np.log(beta * RS[None][cur] * Lam[SC:SC + 1]))                              # (33)
    b = v["b"]
    bbar = (cal.Bbar / cal.ybar)[:, None, None]
    Rj = RS[None] + p.Upsilon * (np.exp(-(b - bbar)) - 1)      # (40) [recon E8, normalised]
    qj = v["q"][1:]
    res.append(np.log(beta * Rj[cur] * Lam[1:] * qj[cur] / qj[nxt]))                       # (34) x2
    Bj = b * cal.ybar[:, None, None]
    Ysc = Y_scale[:, :, None] if Y_scale is not None else s["Y"][1:, :, :1]
    budget = (C[1:][cur] + v["Ik"][1:][cur] + s["vtil"][1:][cur] * v["NE"][1:][cur]
              + (Bj[cur] - Rj[prv] * Bj[prv]) / qj[cur] - s["Y"][1:][cur]) / Ysc
    res.append(budget)                                                                       # (30) x2
    if augmented:
        r = s["Qdo"] / s["Qdo"][[2, 4, 0, 5, 1, 3]]            # (i's imports from j)/(j's from i)
        gl = X3[IG]
        growth = r[cur] / r[prv] - 1
        res.append(gl[cur] - p.rho_g * gl[prv]
                   - (1 - p.rho_g) * np.log(1 - p.nu_g * smooth_abs(growth, p.abs_smoothing)))   # (46)
    out = np.concatenate(res, axis=0)
    return out if batched else out[:, 0, :]
