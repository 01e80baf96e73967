"""Calibration facts of Funke & Wende (2025), Tables 1-2, and the gap-filling assumptions.

Every value the paper reports is transcribed here with its source; every value it does not report
(tau_X, Upsilon, the exporter-share reading, the second nu_g, ...) is a named, switchable assumption.
Regions are indexed 0 = SC (sanctioning coalition), 1 = RU (Russia), 2 = RW (rest of world).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import numpy as np

REGIONS = ("SC", "RU", "RW")
SC, RU, RW = 0, 1, 2
# Directed trade pairs (origin, destination); pair 0 (SC -> RU) is the sanctioned one.
PAIRS = ((SC, RU), (SC, RW), (RU, SC), (RU, RW), (RW, SC), (RW, RU))
PAIR_NAMES = tuple(f"{REGIONS[o]}->{REGIONS[d]}" for o, d in PAIRS)


class FWParameterError(ValueError):
    """A parameter combination the model cannot solve (one message naming the culprit)."""


@dataclass(frozen=True)
class FWParams:
    """All structural parameters and calibration targets. Frozen, so it can key caches."""

    # --- Table 1 (paper) -------------------------------------------------------------------
    theta: float = 3.8           # micro elasticity (across varieties and sources)
    omega: float = 1.9           # macro elasticity (domestic vs import bundle)
    rho_L: float = 0.5           # labour share
    rho_K: float = 0.2           # capital share
    rho_M: float = 0.3           # materials share (roundabout production)
    delta: float = 0.025         # firm exit probability
    delta_K: float = 0.025       # capital depreciation
    f_E: float = 1.0             # entry cost
    Z: float = 1.0               # aggregate productivity (all regions)
    tau_RX: float = 0.9          # re-exporters' uniform cost factor
    tau_z: float = 0.3           # re-exporters' productivity-dependent cost exponent
    beta: float = 0.99           # discount factor
    gamma: float = 2.0           # relative risk aversion
    z_min: float = 1.0           # Pareto lower bound
    k: float = 3.4               # Pareto shape
    phi: float = 8.0             # investment adjustment cost
    # --- tariffs tau[importer, origin] (paper, Section 4: WTO MFN averages) ----------------------
    tariff_SC: float = 0.032     # SC on imports from RU and RW
    tariff_RU: float = 0.053     # RU on imports from SC and RW
    tariff_RW: float = 0.032     # RW on imports from SC and RU
    # --- sanctions -------------------------------------------------------------------------
    Gamma0: float = 0.01         # pre-2022 ban share (2014 Crimea sanctions, fn 17)
    reexports: bool = True       # re-export channel via RW on/off
    # --- Table 2 targets (paper; columns are importers) ----------------------------------------
    gdp_share: tuple = (0.579, 0.019, 0.402)
    openness: tuple = (0.049, 0.110, 0.058)
    # import_share[importer][origin]
    import_share: tuple = ((0.0, 0.048, 0.952), (0.492, 0.0, 0.508), (0.945, 0.055, 0.0))
    tb_gdp: tuple = (-0.001, 0.075, -0.001)
    # exporter shares by pair (paper: "somewhat more than 20%" for RU, 10% otherwise)
    exporter_share: tuple = (0.10, 0.10, 0.20, 0.20, 0.10, 0.10)
    # --- assumptions (paper silent) ------------------------------------------------------------
    tau_X: float = 1.3           # iceberg cost of direct exports, Ghironi-Melitz (2005) value
    Upsilon: float = 0.01        # risk-premium slope on (B - Bbar)/quarterly GDP (Table 1 blank)
    calib_scheme: str = "A"      # "A": trade balances via Bbar; "B": GDP shares via Bbar
    rx_target: float = 0.677     # share of sanctioned varieties re-exported at Gamma = rx_target_Gamma
    rx_target_Gamma: float = 0.191
    rx_definition: str = "b"     # "a": (zX_post/zRX)^k, "b": (zX_pre/zRX)^k
    # --- augmented model (Alessandria-Choi-Ruhl import-weight shifter) ----------------------------
    rho_g: float = 0.71          # quarterly persistence (fn 24: 0.25 ** 0.25)
    nu_g: float = 0.0            # 0 = benchmark model
    abs_smoothing: float = 1e-4  # |x| ~ sqrt(x^2 + eps^2) - eps (spec: 1e-6; 1e-4 converges faster)
    # labour endowments: pure units normalisation (L_SC = 1, others by GDP share)
    L: tuple = field(default=(1.0, 0.019 / 0.579, 0.402 / 0.579))

    def __post_init__(self):
        problems = []
        if not self.theta > 1:
            problems.append(f"theta={self.theta} must exceed 1")
        if not self.omega > 0:
            problems.append(f"omega={self.omega} must be positive")
        if not self.k > self.theta - 1:
            problems.append(f"k={self.k} must exceed theta-1={self.theta - 1:g} (finite Pareto moments)")
        if not 0 <= self.tau_z < 1:
            problems.append(f"tau_z={self.tau_z} must lie in [0, 1)")
        if not self.k > (1 - self.tau_z) * (self.theta - 1):
            problems.append("k must exceed (1 - tau_z)(theta - 1)")
        if self.tau_RX <= 0 or self.tau_X <= 0:
            problems.append("tau_RX and tau_X must be positive")
        if abs(self.rho_L + self.rho_K + self.rho_M - 1) > 1e-12:
            problems.append("rho_L + rho_K + rho_M must equal 1")
        if self.calib_scheme not in ("A", "B"):
            problems.append(f"calib_scheme={self.calib_scheme!r} must be 'A' or 'B'")
        if self.rx_definition not in ("a", "b"):
            problems.append(f"rx_definition={self.rx_definition!r} must be 'a' or 'b'")
        if not 0 <= self.Gamma0 < 1:
            problems.append(f"Gamma0={self.Gamma0} must lie in [0, 1)")
        if not 0 < self.rx_target < 1:
            problems.append(f"rx_target={self.rx_target} must lie in (0, 1)")
        if self.Upsilon <= 0:
            problems.append("Upsilon must be positive (it pins the steady state)")
        if self.nu_g < 0 or not 0 <= self.rho_g < 1:
            problems.append("need nu_g >= 0 and 0 <= rho_g < 1")
        if problems:
            raise FWParameterError("Invalid Funke-Wende parameters: " + "; ".join(problems))

    # ---- derived constants ------------------------------------------------------------------
    @property
    def mu(self) -> float:
        return self.theta / (self.theta - 1)

    @property
    def z_tilde_D(self) -> float:  # eq. (16)
        return (self.k / (self.k - self.theta + 1)) ** (1 / (self.theta - 1)) * self.z_min

    @property
    def tariff(self) -> np.ndarray:
        """tau[importer, origin] (ad valorem)."""
        t = np.zeros((3, 3))
        t[SC, [RU, RW]] = self.tariff_SC
        t[RU, [SC, RW]] = self.tariff_RU
        t[RW, [SC, RU]] = self.tariff_RW
        return t

    @property
    def share_euler_factor(self) -> float:
        """d~/v~ in steady state: (1 - beta(1-delta)) / (beta(1-delta))."""
        return (1 - self.beta * (1 - self.delta)) / (self.beta * (1 - self.delta))

    def with_(self, **changes) -> "FWParams":
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)
