"""Deterministic perfect-foresight transitions (Juillard 1996 style stacked Newton).

The whole path x_1..x_T is solved at once: the residuals of every period are stacked, the sparse
block-tridiagonal Jacobian is built by finite differences with a 3-colouring in time (perturbing a
variable at every third period at once, 3 * n_var residual evaluations), and Newton steps are solved
with SuperLU. Boundary conditions: x_0 = old steady state, x_{T+1} = new steady state.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from .equations import N_BASE, Exog, dynamic_residuals, static_from_x
from .numerics import FWSolverError
from .parameters import FWParams
from .reporting import deviations, reporting_frame
from .steady_state import SteadyState

EQ_NAMES = (["normalisation (28) " + c for c in "SRW"] + ["bundle (41) " + c for c in "SRW"]
            + [f"export cutoff (19) {i}" for i in range(6)] + ["re-export cutoff (20)"]
            + ["share Euler (37) " + c for c in "SRW"] + ["firms (24) " + c for c in "SRW"]
            + ["capital (31) " + c for c in "SRW"] + ["Tobin q (35) " + c for c in "SRW"]
            + ["investment FOC (36) " + c for c in "SRW"] + ["bond Euler (33) SC", "bond Euler (34) RU",
                                                              "bond Euler (34) RW", "budget (30) RU",
                                                              "budget (30) RW"]
            + [f"import weights (46) {i}" for i in range(6)])


@dataclass
class TransitionResult:
    """A solved transition: levels and deviations per quarter (row 0 = initial steady state)."""

    name: str
    params: FWParams
    levels: pd.DataFrame
    deviations: pd.DataFrame
    long_run: pd.Series            # deviations of the terminal steady state
    X: np.ndarray = field(repr=False)
    iterations: int = 0
    max_residual: float = 0.0
    end_gap: float = 0.0           # max |x_T - x_{T+1}| over the state (log points)
    seconds: float = 0.0

    def years(self, horizon_years: float = 50) -> pd.DataFrame:
        """Deviations with a 'year' index (quarter / 4), cut at `horizon_years`."""
        d = self.deviations.copy()
        d.index = d.index / 4
        d.index.name = "year"
        return d.loc[:horizon_years]

    def diagnostics(self) -> pd.Series:
        return pd.Series(dict(iterations=self.iterations, max_residual=self.max_residual,
                              end_gap=self.end_gap, seconds=self.seconds, T=len(self.levels) - 1))


def _path_array(val0, val1, T):
    a = np.full(T + 2, float(val1))
    a[0] = float(val0)
    return a


def sparse_jacobian(fun, X, F0, h=1e-7):
    """Jacobian of the stacked residuals wrt X[:, 1:T+1] (time-major ordering) by 3-coloured
    finite differences; F(t) depends only on x_{t-1}, x_t, x_{t+1}. All n_var perturbations of one
    colour are evaluated as one batch."""
    nvar, T = X.shape[0], X.shape[1] - 2
    nres = F0.shape[0]
    tr = np.arange(T)
    rows, cols, vals = [], [], []
    for c in range(3):
        off = np.array([0, 1, -1])[(c - tr) % 3]                 # perturbed neighbour of residual t
        tp = tr + off
        ok = (tp >= 0) & (tp < T)
        pert = np.arange(c, T, 3) + 1
        Xb = np.repeat(X[:, None, :], nvar, axis=1)
        Xb[np.arange(nvar)[:, None], np.arange(nvar)[:, None], pert[None, :]] += h
        dF = (fun(Xb) - F0[:, None, :]) / h                    # (nres, nvar, T)
        dF = dF[:, :, ok]
        eq_idx, v_idx, t_idx = np.nonzero(dF)
        rows.append(tr[ok][t_idx] * nres + eq_idx)
        cols.append(tp[ok][t_idx] * nvar + v_idx)
        vals.append(dF[eq_idx, v_idx, t_idx])
    rows, cols, vals = (np.concatenate(a) for a in (rows, cols, vals))
    return sp.csc_matrix((vals, (rows, cols)), shape=(nres * T, nvar * T))


def _newton_path(fun, X, *, name, tol, maxit, chord_rate=0.5):
    """Newton on the stacked path. The sparse LU is reused across iterations (chord steps) while
    each step cuts the residual by at least `chord_rate`, and refreshed otherwise; `maxit` bounds
    the number of Jacobians, 6 * maxit the number of steps."""
    F = fun(X)
    err = np.max(np.abs(F))
    it = steps = 0
    lu = None
    while err > tol and it <= maxit and steps < 6 * maxit:
        steps += 1
        if lu is None:
            it += 1
            J = sparse_jacobian(fun, X, F)
            try:
                lu = splu(J, permc_spec="NATURAL")
            except RuntimeError as e:
                raise FWSolverError(f"{name}: singular stacked Jacobian (max|residual|={err:.3e})") from e
            fresh = True
        else:
            fresh = False
        step = lu.solve(-F.T.ravel()).reshape(-1, X.shape[0]).T
        lam = 1.0
        while lam > 1e-4:
            Xn = X.copy()
            Xn[:, 1:-1] += lam * step
            with np.errstate(all="ignore"):
                Fn = fun(Xn)
            errn = np.max(np.abs(Fn)) if np.all(np.isfinite(Fn)) else np.inf
            if errn < (1 - 1e-4 * lam) * err:
                break
            lam *= 0.5
            if not fresh:
                break
        else:
            break
        if errn >= err:          # a stale Jacobian failed: refresh and retry
            lu = None
            continue
        if errn > chord_rate * err:
            lu = None
        X, F, err = Xn, Fn, errn
    return X, F, err, it


def solve_transition(ss0: SteadyState, ss1: SteadyState, *, T: int = 1000, name: str = "transition",
                     nu_g: float | None = None, tol: float = 1e-10, maxit: int = 15,
                     guess: np.ndarray | None = None, end_tol: float = 1e-3,
                     check_end: bool = True) -> TransitionResult:
    """Unanticipated permanent change at t = 1 from steady state `ss0` to `ss1` (the new policy is
    ss1's exog, its switch ss1.reexports). `nu_g` > 0 switches on the augmented model (45)-(46)."""
    t0 = time.perf_counter()
    p = ss1.params
    nu = p.nu_g if nu_g is None else nu_g
    if nu != p.nu_g:
        p = p.with_(nu_g=nu)
    cal = ss1.cal
    augmented = nu > 0
    nvar = N_BASE + (6 if augmented else 0)
    x0 = np.zeros(nvar)
    x1 = np.zeros(nvar)
    x0[:N_BASE], x1[:N_BASE] = ss0.x, ss1.x
    if not ss1.reexports:
        x0[32] = x1[32] = 0.0 if not ss0.reexports else ss0.x[32]
    ex = Exog(*(_path_array(getattr(ss0.exog, f), getattr(ss1.exog, f), T)
                for f in ("Gamma", "tau_RX", "tau_z")))
    Yscale = ss0.objects["Y"][1:, :1]

    if not ss1.reexports and ss0.reexports:
        # the re-export channel closes at t = 1: its cutoff is no longer an unknown
        x1[32] = ss0.x[32]

    def fun(X):
        return dynamic_residuals(p, cal, X, ex, reexports=ss1.reexports, Y_scale=Yscale)

    if guess is not None and guess.shape == (nvar, T + 2):
        X = guess.copy()
        X[:, 0], X[:, -1] = x0, x1
    else:
        X = np.empty((nvar, T + 2))
        decay = 0.97 ** np.arange(T + 2)
        X[:] = x1[:, None] + (x0 - x1)[:, None] * decay[None, :]
        X[:, 0], X[:, -1] = x0, x1
        if not ss1.reexports:
            X[32, 1:] = x1[32]
    if not ss1.reexports and ss0.reexports:
        # residual of the closed cutoff is ln zRX; keep zRX fixed at 1 after t = 0
        X[32, 1:] = 0.0
        X[32, -1] = 0.0
    X, F, err, it = _newton_path(fun, X, name=name, tol=tol, maxit=maxit)
    if not err <= tol:
        worst = np.unravel_index(np.argmax(np.abs(F)), F.shape)
        raise FWSolverError(f"{name}: stacked Newton failed after {it} iterations, max|residual|="
                            f"{err:.3e} ({EQ_NAMES[worst[0]]}, quarter {worst[1] + 1})")
    end_gap = float(np.max(np.abs(X[:N_BASE, -2] - X[:N_BASE, -1])))
    if check_end and end_gap > end_tol:
        raise FWSolverError(f"{name}: horizon T={T} too short, the path ends {end_gap:.2e} log points "
                            f"from the new steady state (tolerance {end_tol:g}); raise T")
    # reporting on t = 0..T+1 (the last column is the terminal steady state)
    xlag = np.concatenate([X[:, :1], X[:, :-1]], axis=1)
    with np.errstate(all="ignore"):
        _, s = static_from_x(p, cal, X, xlag, ex, ss1.reexports)
    zX_pre = float(np.exp(ss0.x[26]))
    lev = reporting_frame(p, X[:N_BASE], s, zX_pre)
    base_lev = reporting_frame(p, ss0.x[:, None], ss0.objects, zX_pre).iloc[0]
    dev = deviations(lev, base_lev)
    long_run = dev.iloc[-1]
    lev, dev = lev.iloc[:-1], dev.iloc[:-1]
    lev.index.name = dev.index.name = "quarter"
    return TransitionResult(name, p, lev, dev, long_run, X, it, float(err), end_gap,
                            time.perf_counter() - t0)
