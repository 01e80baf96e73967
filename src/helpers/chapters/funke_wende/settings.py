"""Funke & Wende (2025): the chapter's parameters, each with the paper's value (or our stated assumption) as
default, and what they set in the model."""
from __future__ import annotations

from helpers.chapter import DataStatement
from helpers.params import Boolean, Choice, Integer, Number

from .model.parameters import FWParams

SLUG = "funke_wende"

# The paper compares each ban with and without the re-export channel (Section 5.1, Figure 4), so every page that
# makes that comparison runs both variants; there is no parameter to switch the channel off.
PARAMETERS = {
    "quick": Boolean(doc="shorter horizon (400 quarters), looser end-state check"),
    "Gamma": Number(0.011, 0.95, default=0.191, doc="primary ban share SC->RU (paper: 0.191)"),
    "Gamma_alt": Number(0.011, 0.95, default=0.44, doc="stricter ban share (paper: 0.440)"),
    "tau_RX_shock": Number(0, 1, default=0.10, doc="uniform secondary sanctions: relative rise of tau_RX (paper 0.10)"),
    "tau_z_shock": Number(0, 2, default=0.245, doc="high-tech secondary sanctions: relative rise of tau_z (paper 0.245)"),
    "nu_g": Number(0, 2.5, default=1.5, doc="augmented model: initial drop of import weights (paper 1.5)"),
    "nu_g_alt": Number(0, 2.5, default=0.75, doc="second nu_g of Figure 5 (not reported; assumption 0.75)"),
    "theta": Number(1.5, 4.3, default=3.8, doc="micro elasticity (paper 3.8); Pareto k = 3.4 needs theta < k + 1"),
    "omega": Number(0.5, 8, default=1.9, doc="macro elasticity (paper 1.9)"),
    "calib_scheme": Choice("A", "B", doc="A: trade-balance targets; B: GDP-share targets"),
    "tau_X": Number(1.0, 2.0, default=1.3, doc="iceberg cost of direct exports (unreported; assumption 1.3)"),
    "Upsilon": Number(0.001, 0.1, default=0.01, doc="risk-premium slope (blank in Table 1; assumption 0.01)"),
    "rx_definition": Choice("b", "a", doc="reading of '% of sanctioned varieties re-exported'"),
    "horizon": Integer(300, 3000, default=1000, doc="transition horizon in quarters"),
}

# rows of data/published/funke_wende.csv for the paper's primary and stricter ban, which the runs at
# (Gamma, Gamma_alt) are compared with
PAPER_ROWS = ("gamma_0191", "gamma_0440")

END_TOL = 1e-3                          # log points: how close a path must end to its new steady state
QUICK_HORIZON, QUICK_END_TOL = 400, 2e-2  # quick mode: a shorter path, so a looser end-state check
PLOTTED_YEARS = 50                      # the paper's figures plot 50 years; the claims on paths use that window


def model_params(s) -> FWParams:
    """The model's structural parameters under the settings (the rest at the paper's Table 1-2 values)."""
    return FWParams(theta=s.theta, omega=s.omega, calib_scheme=s.calib_scheme, tau_X=s.tau_X, Upsilon=s.Upsilon,
                    rx_definition=s.rx_definition)


def horizon(s) -> tuple[int, float]:
    """(T, end-state tolerance in log points) of the transitions."""
    return (QUICK_HORIZON, QUICK_END_TOL) if s.quick else (s.horizon, END_TOL)


def gamma_key(G: float) -> str:
    """A ban share as it appears in glue keys and scorecard rows: 0.191 -> "gamma_0191"."""
    return f"gamma_{int(round(G * 1000)):04d}"


def describe_data(s, page: str | None = None) -> DataStatement:
    """Every page runs the calibrated model and reads no dataset (so no page states anything else)."""
    if page is not None:
        raise ValueError(f"Unknown page {page!r}: every Funke & Wende page states the same (call open without page=).")
    return DataStatement(note=(
        "This page runs the paper's calibrated three-region model and reads no dataset. The parameters of Table 1 "
        "and the 2019 FIGARO moments of Table 2 are transcribed from the paper. Values the paper does not report are "
        f"our stated assumptions and notebook parameters: the iceberg cost of direct exports τ_X = {s.tau_X:g}, the "
        f"risk-premium slope Υ = {s.Upsilon:g}, the second ν_g of Figure 5 ({s.nu_g_alt:g}) and which half of the "
        f"over-identified Table 2 the calibration targets (scheme {s.calib_scheme}). Figure 1's trade data (Bruegel, "
        "COMTRADE) are not used."))
