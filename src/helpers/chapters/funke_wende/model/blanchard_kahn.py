"""Blanchard-Kahn check of the linearised benchmark model at a steady state (spec section 6.6)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla

from .equations import N_BASE, Exog, dynamic_residuals
from .steady_state import SteadyState


@dataclass(frozen=True)
class BKResult:
    n_stable: int
    n_unstable: int
    n_predetermined: int          # size of x_{t-1} in the companion pencil
    slowest_stable: float
    min_distance_to_unit_circle: float
    eigenvalues: np.ndarray

    @property
    def holds(self) -> bool:
        return self.n_stable == self.n_predetermined and self.min_distance_to_unit_circle > 1e-6


def linearise(ss: SteadyState, h: float = 1e-6):
    """A = df/dx_{t-1}, B = df/dx_t, C = df/dx_{t+1} by central differences."""
    p = ss.params.with_(nu_g=0.0)
    X = np.repeat(ss.x[:, None], 3, axis=1)
    ex = Exog(ss.exog.Gamma, ss.exog.tau_RX, ss.exog.tau_z)
    Ys = ss.objects["Y"][1:, :1]
    f = lambda Z: dynamic_residuals(p, ss.cal, Z, ex, reexports=ss.reexports, Y_scale=Ys)[:, 0]  # noqa: E731
    mats = []
    for col in range(3):
        M = np.empty((N_BASE, N_BASE))
        for v in range(N_BASE):
            Xp, Xm = X.copy(), X.copy()
            Xp[v, col] += h
            Xm[v, col] -= h
            M[:, v] = (f(Xp) - f(Xm)) / (2 * h)
        mats.append(M)
    return tuple(mats)


def blanchard_kahn(ss: SteadyState) -> BKResult:
    """Generalised eigenvalues of [I 0; 0 C] z_{t+1} = [0 I; -A -B] z_t, z_t = (x_{t-1}, x_t)."""
    A, B, C = linearise(ss)
    n = A.shape[0]
    I, O = np.eye(n), np.zeros((n, n))
    M1 = np.block([[I, O], [O, C]])
    M0 = np.block([[O, I], [-A, -B]])
    lam = sla.eigvals(M0, M1)
    mod = np.abs(lam)
    mod = np.where(np.isfinite(mod), mod, np.inf)
    stable = mod < 1
    return BKResult(int(stable.sum()), int((~stable).sum()), n,
                    float(mod[stable].max()) if stable.any() else np.nan,
                    float(np.min(np.abs(mod[np.isfinite(mod)] - 1))), lam)
