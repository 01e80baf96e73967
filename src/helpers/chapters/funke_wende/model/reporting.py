"""Reporting variables (GDP, trade flows, re-export shares, re-exporter micro panels) from a static
block evaluated on a steady state or a path."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .equations import unpack
from .parameters import PAIRS, REGIONS, RU, RW, SC, FWParams


def trade_accounts(p: FWParams, v: dict, s: dict) -> dict:
    """Exports and imports in own-basket units (pre-tariff for direct trade; re-exports enter RU
    imports at the RW-tariff-inclusive price, which RW's government collects)."""
    q = v["q"]
    th, tW = p.theta, p.tariff[RW, SC]
    T = q.shape[1]
    EX = np.zeros((3, T))
    IM = np.zeros((3, T))
    flow = s["NX"] * s["rX"]                                   # origin units
    for i, (o, d) in enumerate(PAIRS):
        EX[o] += flow[i]
        IM[d] += flow[i] * q[o] / q[d]
    rx_val = s["NRX"] * s["rRX"]                               # re-exporters' revenue, SC units
    sc_to_rx = (th - 1) / th * rx_val + s["NRX"] * s["fcRX"]    # SC goods + services sold to them
    EX[SC] += sc_to_rx
    IM[RW] += sc_to_rx * q[SC] / q[RW]
    EX[RW] += (1 + tW) * rx_val * q[SC] / q[RW]
    IM[RU] += (1 + tW) * rx_val * q[SC] / q[RU]
    return dict(EX=EX, IM=IM, TB=EX - IM, rx_val=rx_val,
                ex_SC_RU=flow[0], ex_RW_RU=flow[5], reex_RU=(1 + tW) * rx_val * q[SC] / q[RW])


def reporting_frame(p: FWParams, x: np.ndarray, s: dict, zX_pre: float) -> pd.DataFrame:
    """Levels of the reported variables, one row per column of x."""
    v = unpack(x)
    acc = trade_accounts(p, v, s)
    th, k = p.theta, p.k
    out = {}
    for c, name in enumerate(REGIONS):
        out[f"GDP_{name}"] = s["Y"][c]
        out[f"C_{name}"] = s["C"][c]
        out[f"I_{name}"] = v["Ik"][c]
        out[f"ND_{name}"] = v["ND"][c]
        out[f"K_{name}"] = v["K"][c]
        out[f"exports_{name}"] = acc["EX"][c]
        out[f"TB_{name}"] = acc["TB"][c]
    out["exports_SC_to_RU"] = acc["ex_SC_RU"]
    out["exports_RW_to_RU"] = acc["ex_RW_RU"]
    out["reexports_to_RU"] = acc["reex_RU"]
    out["exports_RW_to_RU_incl_reexports"] = acc["ex_RW_RU"] + acc["reex_RU"]
    # value share of re-exports in RU's imports (definition d), consumer values
    imp_share_SC = s["D"][0] / s["PX"][RU] ** th / s["QX"][RU] * (s["Pdo"][0] / s["PX"][RU]) ** (1 - th)
    with np.errstate(invalid="ignore", divide="ignore"):
        rx_within = np.where(s["Ipair"][0] > 0, s["I_rx"] / s["Ipair"][0], 0.0)
    out["rx_share_RU_imports"] = 100 * rx_within * imp_share_SC
    zRX, zX0 = v["zRX"], v["zX"][0]
    sRX = s["sRX"]
    on = sRX > 0
    out["rx_share_a"] = np.where(on, 100 * (zX0 / zRX) ** k, 0.0)
    out["rx_share_b"] = np.where(on, 100 * (zX_pre / zRX) ** k, 0.0)
    a, tauz, tauRX = s["a"], s["tauz"], s["tauRX"]
    out["z_tilde_RX"] = (k / (k - th + 1)) ** (1 / (th - 1)) * zRX                 # (17)
    out["z_check_RX"] = (k / (k - a)) ** (1 / (th - 1)) * zRX ** (1 - tauz)        # (18)
    out["rx_price"] = tauRX * p.mu**2 * s["MC"][SC] / p.Z / out["z_check_RX"] * v["q"][SC] / v["q"][RU]
    out["rx_cost_factor"] = tauRX * zRX**tauz * k / (k - tauz)
    out["reexports"] = acc["rx_val"]
    out["N_RX"] = s["NRX"]
    out["d_DRX"] = s["dDRX"]
    out["d_RX"] = s["dRX"]
    out["z_RX"] = zRX
    return pd.DataFrame(out)


PERCENT_IN_PP = ("rx_share_RU_imports", "rx_share_a", "rx_share_b")


def deviations(levels: pd.DataFrame, base: pd.Series) -> pd.DataFrame:
    """Percent deviations from the initial steady state; shares (already in %) as pp changes...
    except the re-export shares, which are kept in levels (percent)."""
    out = pd.DataFrame(index=levels.index)
    for col in levels.columns:
        if col in PERCENT_IN_PP:
            out[col] = levels[col]
        elif col.startswith("TB_"):
            out[col] = levels[col] - base[col]
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                out[col] = 100 * (levels[col] / base[col] - 1)
    return out
