"""Funke & Wende: the paper's experiments at one set of settings, as one frozen result.

    r = run(settings)
    r.long_run, r.ban_transitions, r.augmented_transitions, r.secondary_transitions, ...

Each experiment is solved on first use, so a page that shows the calibration solves no transition; the
transitions are kept in the result cache, so the pages that show or score them solve each one once.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from helpers.cache import cached
from helpers.chapter import Settings

from .model import BKResult, FWParams, SteadyState, baseline_steady_state, blanchard_kahn, calibrate
from .model import scenarios
from .model.equations import Calibration
from .settings import SLUG, horizon, model_params


@dataclass(frozen=True)
class Results:
    """The chapter's experiments under `settings` (every attribute is computed once, then fixed)."""

    settings: Settings
    params: FWParams
    T: int                 # transition horizon, quarters
    end_tol: float         # log points: how close a path must end to its new steady state

    @property
    def gammas(self) -> tuple[float, float]:
        """The primary and the stricter ban share."""
        return (self.settings.Gamma, self.settings.Gamma_alt)

    @property
    def other_scheme(self) -> FWParams:
        """The same model calibrated to the other half of the over-identified Table 2."""
        return self.params.with_(calib_scheme="B" if self.params.calib_scheme == "A" else "A")

    @cached_property
    def calibration(self) -> Calibration:
        return calibrate(self.params)

    @cached_property
    def steady_state(self) -> SteadyState:
        """The calibrated initial steady state (Gamma = 0.01)."""
        return baseline_steady_state(self.params)

    @cached_property
    def other_scheme_steady_state(self) -> SteadyState:
        return baseline_steady_state(self.other_scheme)

    @cached_property
    def blanchard_kahn(self) -> BKResult:
        return blanchard_kahn(self.steady_state)

    @cached_property
    def long_run(self) -> pd.DataFrame:
        """Section 5.1: new steady states at both ban shares, with and without re-exports."""
        return scenarios.long_run_table(self.params, gammas=self.gammas)

    @property
    def headline(self) -> pd.DataFrame:
        """The paper's headline numbers: long-run GDP changes and re-exported shares, with re-exports."""
        return self.long_run.xs("with re-exports", level="variant")

    @cached_property
    def other_scheme_headline(self) -> pd.DataFrame:
        return scenarios.headline(self.other_scheme, gammas=self.gammas)

    @cached_property
    def ban_transitions(self) -> dict:
        """Figure 4: {(Gamma, re-exports on/off): TransitionResult}, benchmark model."""
        return self._cached("figure4", lambda: scenarios.figure4_runs(
            self.params, gammas=self.gammas, T=self.T, end_tol=self.end_tol))

    @cached_property
    def augmented_transitions(self) -> dict:
        """Figure 5: {(Gamma, nu_g): TransitionResult}, augmented model at both values of nu_g."""
        s = self.settings
        return self._cached("figure5", lambda: scenarios.figure5_runs(
            self.params, nus=(s.nu_g_alt, s.nu_g), gammas=self.gammas, T=self.T, end_tol=self.end_tol))

    @cached_property
    def secondary_transitions(self) -> dict:
        """Figures 6-7: {Gamma: {"Gamma only" | "tau_RX +..%" | "tau_z +..%": TransitionResult}}."""
        s = self.settings
        return self._cached("figures6_7", lambda: {G: scenarios.secondary_runs(
            self.params, G, s.tau_RX_shock, s.tau_z_shock, nu_g=s.nu_g, T=self.T, end_tol=self.end_tol)
            for G in self.gammas})

    @cached_property
    def secondary_long_runs(self) -> dict[float, pd.DataFrame]:
        """{Gamma: long-run effects of the two secondary-sanction tools (% vs 'Gamma only')}, both ban shares."""
        s = self.settings
        return {G: scenarios.secondary_long_run(self.params, G, s.tau_RX_shock, s.tau_z_shock) for G in self.gammas}

    @property
    def secondary_long_run(self) -> pd.DataFrame:
        """Long-run effects of the two secondary-sanction tools at the primary ban share (% vs 'Gamma only')."""
        return self.secondary_long_runs[self.settings.Gamma]

    def _cached(self, experiment: str, compute):
        return cached(SLUG, {"experiment": experiment, **self.settings.key()}, compute)


def run(settings: Settings) -> Results:
    """The chapter's result under `settings` (from `chapter.open` or `chapter.settings`)."""
    return Results(settings, model_params(settings), *horizon(settings))
