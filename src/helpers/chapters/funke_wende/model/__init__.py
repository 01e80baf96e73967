"""Funke & Wende (2025): three-region Ghironi-Melitz model of export bans, re-exports and secondary sanctions.
Modules: parameters (calibration facts), equations, steady_state (calibration), transition (perfect-foresight
solver), blanchard_kahn, reporting (GDP, trade and re-exporter variables), scenarios (the paper's experiments)."""
from .blanchard_kahn import BKResult, blanchard_kahn
from .numerics import FWSolverError
from .parameters import PAIRS, REGIONS, FWParameterError, FWParams
from .steady_state import SteadyState, baseline_steady_state, calibrate, solve_steady_state
from .transition import TransitionResult, solve_transition

__all__ = ["BKResult", "blanchard_kahn", "FWSolverError", "PAIRS", "REGIONS", "FWParameterError", "FWParams",
           "SteadyState", "baseline_steady_state", "calibrate", "solve_steady_state", "TransitionResult",
           "solve_transition"]
