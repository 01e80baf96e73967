"""Structural gravity: PPML with exporter-year and importer-year fixed effects, residuals, second stage.

Two engines give the same estimates (tests check it to 1e-6):

* ``"dense"``: IRLS on the panel laid out as (year, exporter, importer) arrays. With exporter-year and
  importer-year fixed effects the weighted within-transformation splits into one two-way problem per year,
  which is solved *exactly* by eliminating the exporter effects (an n x n linear system per year, all years
  in one batched solve) instead of by alternating projections. Fast for the square panels of gravity (all
  pairs, domestic flows included).
  With pair effects as well (``"exp_year+imp_year+pair"``, the robustness sweeps' structure) the year
  effects are still eliminated exactly and the pair effects are solved by conjugate gradients on their
  normal equations, warm-started across IRLS iterations (`_demean_pair`).
* ``"pyfixest"``: ``pyfixest.fepois``/``feols`` (any fixed-effect structure), with the MAP demeaner on
  pyfixest's Rust backend by default. Timings of both: benchmarks/methods_gravity.py.

The residual is `trade - trade_hat` on the response scale (the paper's "unexplained trade"), in the
trade's units; the ratio residual is `resid / trade` where trade >= `min_trade`.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import gammaln

from helpers.methods.results import Results, pyfixest_fields

FE_STRUCTURES = ("exp_year+imp_year", "exp_year+imp_year+pair", "exp+imp+year")
DENSE_STRUCTURES = ("exp_year+imp_year", "exp_year+imp_year+pair")
RESIDUAL_DEFS = ("level", "ratio", "pearson", "log", "relative")
COLLIN_TOL = 1e-9          # relative variance left after partialling out FE and earlier regressors
IRLS_TOL = 1e-10           # relative change in deviance (pyfixest's default is 1e-8)
IRLS_MAXITER = 100


def single_threaded_blas():
    """Small dense solves are 20x slower when OpenBLAS spreads them over busy cores: run them on one thread."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional speed-up
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class GravityError(RuntimeError):
    """A gravity estimation failed (no convergence, empty sample, singular design)."""


# ----------------------------------------------------------------------------------------------
# dense panel layout
# ----------------------------------------------------------------------------------------------
@dataclass
class DensePanel:
    """A long exporter x importer x year frame laid out as (year, exporter, importer) arrays; `mask` marks
    the rows present."""

    countries: np.ndarray
    years: np.ndarray
    ii: np.ndarray          # positions in the arrays, aligned with the long frame's rows
    jj: np.ndarray
    tt: np.ndarray
    mask: np.ndarray        # (T, n, n) bool

    @classmethod
    def from_frame(cls, df: pd.DataFrame, exporter="exporter", importer="importer", year="year"):
        codes, countries = pd.factorize(np.concatenate([df[exporter].to_numpy(), df[importer].to_numpy()]),
                                        sort=True)
        ii, jj = codes[:len(df)].astype(np.int64), codes[len(df):].astype(np.int64)
        tt, years = pd.factorize(df[year].to_numpy(), sort=True)
        tt = tt.astype(np.int64)
        mask = np.zeros((len(years), len(countries), len(countries)), bool)
        mask[tt, ii, jj] = True
        if mask.sum() != len(df):
            raise GravityError("Duplicate exporter-importer-year rows: aggregate before fitting.")
        return cls(countries, years, ii, jj, tt, mask)

    @cached_property
    def flat(self) -> np.ndarray:
        """Positions of the rows in the flattened (T, n, n) layout (one index array scatters faster than three)."""
        n = len(self.countries)
        return (self.tt * n + self.ii) * n + self.jj

    def array(self, values, fill=0.0) -> np.ndarray:
        out = np.full(self.mask.size, fill, dtype=float)
        out[self.flat] = np.asarray(values, dtype=float)
        return out.reshape(self.mask.shape)

    def stack(self, df: pd.DataFrame, columns) -> np.ndarray:
        """(K, T, n, n) array of the columns, 0 off the mask."""
        out = np.zeros((len(columns), self.mask.size))
        for k, c in enumerate(columns):
            out[k, self.flat] = df[c].to_numpy(dtype=float)
        return out.reshape(len(columns), *self.mask.shape)

    def take(self, arr: np.ndarray) -> np.ndarray:
        return arr.reshape(*arr.shape[:-3], -1)[..., self.flat]


def _twoway_effects(V: np.ndarray, W: np.ndarray, WV: np.ndarray | None = None):
    """Exporter and importer effects of the W-weighted projection of each V[k, t] on a_i + b_j, all years at
    once: returns a, b (K, T, n), the row and column sums R, C (K, T, n) of W*V, and W*V itself (written into
    `WV` if given: fresh arrays of this size cost page faults on every IRLS iteration).

    Exact: per year, eliminating a leaves the n x n system (diag(c) - W' diag(1/r) W + 11'/n) b = C v - W' (R v / r)
    on the importers with trade (the 11'/n term pins the free level, sum(b) = 0)."""
    K, T, n, _ = V.shape
    WV = np.multiply(V, W[None], out=WV)
    R, C = WV.sum(3), WV.sum(2)
    r, c = W.sum(2), W.sum(1)                                        # (T, n)
    ca = c > 0
    rinv = np.divide(1.0, r, out=np.zeros_like(r), where=r > 0)
    M = -np.matmul(W.transpose(0, 2, 1) * rinv[:, None, :], W)       # (T, n, n)
    diag = np.arange(n)
    M[:, diag, diag] += c
    active = ca[:, :, None] & ca[:, None, :]
    M += active / np.maximum(ca.sum(1), 1)[:, None, None]
    M *= active                                                      # importers without trade: b = 0
    M[:, diag, diag] += ~ca
    Rr = (R * rinv[None]).transpose(1, 0, 2)                         # (T, K, n)
    rhs = (C.transpose(1, 0, 2) - np.matmul(Rr, W)) * ca[:, None, :]
    try:
        b = np.linalg.solve(M, rhs.transpose(0, 2, 1))               # (T, n, K)
    except np.linalg.LinAlgError:
        b = np.stack([np.linalg.pinv(M[t]) @ rhs[t].T for t in range(T)])
    b = b.transpose(0, 2, 1)                                         # (T, K, n)
    a = Rr - np.matmul(b, W.transpose(0, 2, 1)) * rinv[:, None, :]
    return a.transpose(1, 0, 2), b.transpose(1, 0, 2), R, C, WV


def demean_twoway(V: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted within-transformation of V (K, T, n, n) on exporter-year + importer-year effects (exact)."""
    a, b, *_ = _twoway_effects(V, W)
    out = V - a[..., :, None]
    out -= b[..., None, :]
    return out


def _gram(A: np.ndarray, W: np.ndarray) -> np.ndarray:
    """sum over cells of W * A_k * A_l for a stacked (K, T, n, n) array: matrix products year by year (a
    weighted copy of all of A would be a large temporary)."""
    G = np.zeros((A.shape[0], A.shape[0]))
    for t in range(A.shape[1]):
        a = A[:, t].reshape(A.shape[0], -1)
        G += (a * W[t].reshape(1, -1)) @ a.T
    return G


def _weighted_variance(X: np.ndarray, W: np.ndarray) -> np.ndarray:
    """sum W (x - weighted mean)^2 per regressor: the scale against which collinearity is judged."""
    w = W.reshape(-1)
    out = np.empty(X.shape[0])
    for k in range(X.shape[0]):
        x = X[k].reshape(-1)
        out[k] = np.dot(w, (x - np.dot(w, x) / w.sum()) ** 2)
    return out


def _drop_collinear(G: np.ndarray, scale: np.ndarray) -> list[int]:
    """Indices of regressors kept, in order, given the weighted Gram matrix G of the FE-demeaned regressors:
    k is dropped when its variance left after the earlier kept regressors is <= COLLIN_TOL * scale[k]
    (pivot-free Gram-Schmidt done on G)."""
    keep = []
    for k in range(len(G)):
        left = G[k, k]
        if keep:
            g = G[keep, k]
            left -= g @ np.linalg.solve(G[np.ix_(keep, keep)], g)
        if scale[k] > 0 and left > COLLIN_TOL * scale[k]:
            keep.append(k)
    return keep


@dataclass
class DenseFit:
    params: np.ndarray
    vcov: np.ndarray
    names: list
    dropped: list
    mu: np.ndarray          # fitted means on the (T, n, n) layout; 0 in exporter/importer-years with no trade
    converged: bool
    iterations: int
    nobs: int
    n_fe: int


def _sandwich(Xd, resid, bread, mask, nobs, k, vcov):
    """Cluster-by-pair (CRV1, fixest's small-sample factors G/(G-1) * (N-1)/(N-K)) or heteroskedasticity-robust
    sandwich; `bread` is the inverse weighted Gram matrix of the demeaned regressors Xd, `resid` the
    response-scale residual (0 off the mask)."""
    K = Xd.shape[0]
    if vcov == "pair":
        # on the dense (T, n, n) layout a pair's score is the sum over the year axis
        S = np.stack([(Xd[q] * resid).sum(0).reshape(-1) for q in range(K)])
        G = int(mask.any(0).sum())
        return G / (G - 1) * (nobs - 1) / (nobs - k) * bread @ (S @ S.T) @ bread
    if vcov == "hetero":
        return nobs / (nobs - k) * bread @ _gram(Xd, resid ** 2) @ bread
    raise ValueError(f"vcov must be 'pair' or 'hetero' for the dense engine; got {vcov!r}.")


def _irls_start(Y: np.ndarray, X: np.ndarray, mask: np.ndarray):
    """The dense engines' IRLS starting point on the estimable cells `mask`: Y zeroed outside, the mask as
    weights m, log Y, the total, mu = (Y + mean Y) / 2 and its log, the regressors kept (all), and V = [z, X]
    (X fixed, z rewritten every iteration), zero outside the mask."""
    Y = np.where(mask, Y, 0.0)
    m = mask.astype(float)
    logY = np.log(Y, out=np.zeros_like(Y), where=Y > 0)
    mu = (Y + Y[mask].mean()) / 2 * m
    eta = np.log(mu, out=np.zeros_like(mu), where=mask)
    V = np.zeros((1 + X.shape[0], *Y.shape))
    V[1:] = X
    V[:, ~mask] = 0.0
    return Y, m, logY, Y.sum(), mu, eta, list(range(X.shape[0])), V


def ppml_dense(Y: np.ndarray, X: np.ndarray, mask: np.ndarray, names: list[str], vcov: str = "pair") -> DenseFit:
    """PPML with exporter-year and importer-year FE on (T, n, n) arrays by IRLS with exact demeaning.

    Each iteration is one weighted least-squares fit of the working response z on X and the FE. By
    Frisch-Waugh-Lovell it needs only the Gram matrix of [z, X] after partialling out the FE, which is
    [z, X]' W [z, X] minus the FE projection's share (computed from the per-year effects and row/column sums),
    and the new linear predictor X beta + FE(z - X beta); no demeaned copy of X is formed until the end."""
    if vcov not in ("pair", "hetero"):
        raise ValueError(f"vcov must be 'pair' or 'hetero' for the dense engine; got {vcov!r}.")
    Y = np.where(mask, Y, 0.0)
    # exporter-years / importer-years without any trade: the FE diverges to -inf, the fit is 0 there
    mask = mask & (Y.sum(2, keepdims=True) > 0) & (Y.sum(1, keepdims=True) > 0)
    if mask.sum() == 0:
        raise GravityError("No observations with positive trade in any exporter-year and importer-year.")
    Y, m, logY, ysum, mu, eta, keep, V = _irls_start(Y, X, mask)
    WV = np.empty_like(V)
    dev_old, converged, it = np.inf, False, 0
    beta = np.zeros(X.shape[0])
    for it in range(1, IRLS_MAXITER + 1):
        np.divide(Y - mu, mu, out=V[0], where=mask)   # z = eta + (y - mu) / mu on the mask, 0 elsewhere
        V[0] += eta
        a, b, R, C, WV = _twoway_effects(V, mu, WV)
        G = WV.reshape(len(V), -1) @ V.reshape(len(V), -1).T
        G -= np.einsum("ltn,ktn->kl", a, R) + np.einsum("ltn,ktn->kl", b, C)
        G = (G + G.T) / 2                             # [z, X]' W [z, X] after partialling out the FE
        if it == 1:
            k_local = _drop_collinear(G[1:, 1:], _weighted_variance(V[1:], mu))
            keep = [keep[q] for q in k_local]
            if len(k_local) < X.shape[0]:
                sel = [0] + [1 + q for q in k_local]
                V, WV, G, a, b = V[sel], WV[sel], G[np.ix_(sel, sel)], a[sel], b[sel]
        beta = np.linalg.solve(G[1:, 1:], G[1:, 0])
        fa = a[0] - np.tensordot(beta, a[1:], axes=1)  # FE of z - X beta, (T, n) each
        fb = b[0] - np.tensordot(beta, b[1:], axes=1)
        eta = np.tensordot(beta, V[1:], axes=1)
        eta += fa[:, :, None]
        eta += fb[:, None, :]
        eta *= m
        mu = np.exp(np.clip(eta, -700, 700)) * m
        dev = 2 * (np.vdot(Y, logY - eta) - ysum + mu.sum())   # Poisson deviance (y log(y/mu) - (y - mu))
        if not np.isfinite(dev):
            raise GravityError("PPML diverged (non-finite deviance); check for perfectly separated cells.")
        if abs(dev - dev_old) / (0.1 + abs(dev)) < IRLS_TOL:
            converged = True
            break
        dev_old = dev
    if not converged:
        raise GravityError(f"PPML did not converge in {IRLS_MAXITER} IRLS iterations.")
    Xd = demean_twoway(V[1:], mu)
    nobs = int(mask.sum())
    n_levels = int(mask.any(2).sum() + mask.any(1).sum())
    n_fe = n_levels - mask.shape[0]          # free FE parameters (one level per year is redundant)
    V = _sandwich(Xd, (Y - mu) * m, np.linalg.inv(_gram(Xd, mu)), mask, nobs, len(keep) + n_levels,
                  vcov)                      # pyfixest counts every FE level in K
    return DenseFit(beta, V, [names[q] for q in keep], [names[q] for q in range(len(names)) if q not in keep],
                    mu, converged, it, nobs, n_fe)


# ----------------------------------------------------------------------------------------------
# exporter-year + importer-year + pair fixed effects
# ----------------------------------------------------------------------------------------------
PAIR_TOL = 1e-10         # relative residual of the pair-effect normal equations (pyfixest's fixef_tol is 1e-8)
PAIR_MAXITER = 500


class _TwoWay:
    """The exact W-weighted projection on exporter-year + importer-year effects, as `_twoway_effects`, with
    the per-year normal matrices inverted once for a given W: the pair-effect solver applies it many times."""

    def __init__(self, W: np.ndarray):
        T, n, _ = W.shape
        self.W = W
        r, c = W.sum(2), W.sum(1)
        self.ca = c > 0
        self.rinv = np.divide(1.0, r, out=np.zeros_like(r), where=r > 0)
        M = -np.matmul(W.transpose(0, 2, 1) * self.rinv[:, None, :], W)
        diag = np.arange(n)
        M[:, diag, diag] += c
        active = self.ca[:, :, None] & self.ca[:, None, :]
        M += active / np.maximum(self.ca.sum(1), 1)[:, None, None]
        M *= active                                           # importers without trade: b = 0
        M[:, diag, diag] += ~self.ca
        try:
            self.Minv = np.linalg.inv(M)
        except np.linalg.LinAlgError:
            self.Minv = np.linalg.pinv(M)

    def effects_of_sums(self, R: np.ndarray, C: np.ndarray):
        """Effects a, b (K, T, n) from the row and column sums R, C (K, T, n) of W * V."""
        Rr = (R * self.rinv[None]).transpose(1, 0, 2)         # (T, K, n)
        rhs = (C.transpose(1, 0, 2) - np.matmul(Rr, self.W)) * self.ca[:, None, :]
        b = np.matmul(rhs, self.Minv)                         # Minv is symmetric
        a = Rr - np.matmul(b, self.W.transpose(0, 2, 1)) * self.rinv[:, None, :]
        return a.transpose(1, 0, 2), b.transpose(1, 0, 2)

    def cell_sums(self, c: np.ndarray):
        """Row and column sums over each year of W_t * c for pair fields c (K, n, n): (K, T, n) each, as
        matrix products batched over exporters (rows) and importers (columns)."""
        if not hasattr(self, "_W_by_row"):
            self._W_by_row = np.ascontiguousarray(self.W.transpose(1, 0, 2))    # (i, t, j)
            self._W_by_col = np.ascontiguousarray(self.W.transpose(2, 0, 1))    # (j, t, i)
            self._wsum = self.W.sum(0)
        R = np.matmul(self._W_by_row, c.transpose(1, 2, 0))                     # (i, t, k)
        C = np.matmul(self._W_by_col, c.transpose(2, 1, 0))                     # (j, t, k)
        return R.transpose(2, 1, 0), C.transpose(2, 1, 0)

    def spread(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """sum_t W_t * (a_t 1' + 1 b_t') as pair fields (K, n, n)."""
        out = np.matmul(a.transpose(2, 0, 1), self._W_by_row).transpose(1, 0, 2)           # (k, i, j)
        out += np.matmul(b.transpose(2, 0, 1), self._W_by_col).transpose(1, 2, 0)
        return out

    def pair_operator(self, c: np.ndarray) -> np.ndarray:
        """sum_t W_t * (c - a_t 1' - 1 b_t'), (a, b) the year effects of c: the normal-equation operator of
        the pair effects once the exporter-year and importer-year effects are partialled out (no (K, T, n, n)
        temporary)."""
        a, b = self.effects_of_sums(*self.cell_sums(c))
        return c * self._wsum[None] - self.spread(a, b)


def _demean_pair(V: np.ndarray, W: np.ndarray, c0: np.ndarray | None = None):
    """V (K, T, n, n) minus its W-weighted projection on exporter-year + importer-year + pair effects.

    The year effects are eliminated exactly (`_TwoWay`); the pair effects c solve the remaining normal
    equations sum_t W (I - P_year)(V - c) = 0 by conjugate gradients (one per column, vectorised, with the
    pair weights as a Jacobi preconditioner), started from c0 (the previous IRLS iteration's). Returns the
    demeaned V and c. Only two arrays of V's size are made: W * V and the result."""
    proj = _TwoWay(W)
    K, T, n, _ = V.shape
    WV = V * W[None]
    RV, CV, SV = WV.sum(3), WV.sum(2), WV.sum(1)
    del WV
    proj.cell_sums(np.zeros((1, n, n)))                        # builds the transposed weights once
    rhs = SV - proj.spread(*proj.effects_of_sums(RV, CV))      # sum_t W (I - P_year) V
    pinv = np.divide(1.0, proj._wsum, out=np.zeros_like(proj._wsum), where=proj._wsum > 0)[None]
    c = np.zeros((K, n, n)) if c0 is None else c0.copy()
    r = rhs - proj.pair_operator(c) if c0 is not None else rhs.copy()
    z = r * pinv
    d = z.copy()
    rz = np.einsum("kij,kij->k", r, z)
    target = PAIR_TOL * np.sqrt(np.einsum("kij,kij->k", rhs, rhs)) + 1e-300
    for _ in range(PAIR_MAXITER):
        if np.all(np.sqrt(np.einsum("kij,kij->k", r, r)) <= target):
            break
        Ad = proj.pair_operator(d)
        dAd = np.einsum("kij,kij->k", d, Ad)
        alpha = np.divide(rz, dAd, out=np.zeros_like(rz), where=dAd > 0)
        c += alpha[:, None, None] * d
        r -= alpha[:, None, None] * Ad
        z = r * pinv
        rz_new = np.einsum("kij,kij->k", r, z)
        beta = np.divide(rz_new, rz, out=np.zeros_like(rz), where=rz > 0)
        d = z + beta[:, None, None] * d
        rz = rz_new
    else:
        raise GravityError(f"Pair fixed effects: conjugate gradients did not converge in {PAIR_MAXITER} steps.")
    Rc, Cc = proj.cell_sums(c)
    a, b = proj.effects_of_sums(RV - Rc, CV - Cc)              # year effects of V - c
    D = V - c[:, None]
    D -= a[..., :, None]
    D -= b[..., None, :]
    return D, c


def _estimable(Y: np.ndarray, mask: np.ndarray, pair: bool) -> np.ndarray:
    """Cells kept as pyfixest's fepois keeps them: fixed-effect groups whose trade is all zero are dropped
    (one pass on the data, its 'fe' separation check), then singleton groups, repeatedly."""
    Y = np.where(mask, Y, 0.0)
    keep = mask & (Y.sum(2, keepdims=True) > 0) & (Y.sum(1, keepdims=True) > 0)
    if pair:
        keep &= (Y.sum(0, keepdims=True) > 0)
    while True:
        single = (keep.sum(2, keepdims=True) == 1) | (keep.sum(1, keepdims=True) == 1)
        if pair:
            single = single | (keep.sum(0, keepdims=True) == 1)
        if not (keep & single).any():
            return keep
        keep = keep & ~single


def ppml_dense_pair(Y: np.ndarray, X: np.ndarray, mask: np.ndarray, names: list[str],
                    vcov: str = "pair") -> DenseFit:
    """PPML with exporter-year, importer-year and pair FE on (T, n, n) arrays, by IRLS; each step demeans
    [z, X] with `_demean_pair` (exact year effects, conjugate gradients for the pair effects, warm-started).
    Regressors constant within pairs are dropped as collinear. Standard errors with pyfixest's small-sample
    factors (pair effects nested in pair clusters are not counted)."""
    if vcov not in ("pair", "hetero"):
        raise ValueError(f"vcov must be 'pair' or 'hetero' for the dense engine; got {vcov!r}.")
    mask = _estimable(Y, mask, pair=True)
    if mask.sum() == 0:
        raise GravityError("No observations left after dropping all-zero and singleton fixed-effect groups.")
    Y, m, logY, ysum, mu, eta, keep, V = _irls_start(Y, X, mask)
    c = None
    dev_old, converged = np.inf, False
    for it in range(1, IRLS_MAXITER + 1):
        np.divide(Y - mu, mu, out=V[0], where=mask)
        V[0] += eta
        D, c = _demean_pair(V, mu, c)
        if it == 1:
            k_local = _drop_collinear(_gram(D[1:], mu), _weighted_variance(V[1:], mu))
            keep = [keep[q] for q in k_local]
            if len(k_local) < X.shape[0]:
                sel = [0] + [1 + q for q in k_local]
                V, D, c = V[sel], D[sel], c[sel]
        G = _gram(D, mu)
        beta = np.linalg.solve(G[1:, 1:], G[1:, 0])
        eta = (V[0] - D[0] + np.tensordot(beta, D[1:], axes=1)) * m     # z minus the working residual
        mu = np.exp(np.clip(eta, -700, 700)) * m
        dev = 2 * (np.vdot(Y, logY - eta) - ysum + mu.sum())
        if not np.isfinite(dev):
            raise GravityError("PPML diverged (non-finite deviance); check for perfectly separated cells.")
        if abs(dev - dev_old) / (0.1 + abs(dev)) < IRLS_TOL:
            converged = True
            break
        dev_old = dev
    if not converged:
        raise GravityError(f"PPML did not converge in {IRLS_MAXITER} IRLS iterations.")
    Xd, _ = _demean_pair(V[1:], mu, c[1:])
    nobs = int(mask.sum())
    n_year = int(mask.any(2).sum() + mask.any(1).sum())
    n_pair = int(mask.any(0).sum())
    # pyfixest: K = k + all levels - (number of FE - 1); pair levels nested in pair clusters leave K (one is kept)
    k_dof = len(keep) + (n_year - 1 if vcov == "pair" else n_year + n_pair - 2)
    Vc = _sandwich(Xd, (Y - mu) * m, np.linalg.inv(_gram(Xd, mu)), mask, nobs, k_dof, vcov)
    return DenseFit(beta, Vc, [names[q] for q in keep], [names[q] for q in range(len(names)) if q not in keep],
                    mu, converged, it, nobs, n_year + n_pair - 2)   # levels - (FE - 1), as the pyfixest branch


def ols_dense(Y: np.ndarray, X: np.ndarray, mask: np.ndarray, names: list[str], vcov: str = "pair") -> DenseFit:
    """OLS of Y on X with exporter-year and importer-year FE on (T, n, n) arrays (exact demeaning)."""
    m = mask.astype(float)
    V = np.empty((1 + X.shape[0], *Y.shape))
    V[0], V[1:] = Y, X
    V[:, ~mask] = 0.0
    D = demean_twoway(V, m)
    G = _gram(D, m)                                  # [y, X]' [y, X] after partialling out the FE
    keep = _drop_collinear(G[1:, 1:], _weighted_variance(V[1:], m))
    kx = [1 + q for q in keep]
    beta = np.linalg.solve(G[np.ix_(kx, kx)], G[kx, 0])
    resid = D[0] - np.tensordot(beta, D[kx], axes=1)
    resid *= m
    nobs = int(mask.sum())
    n_levels = int(mask.any(2).sum() + mask.any(1).sum())
    n_fe = n_levels - mask.shape[0]
    Vc = _sandwich(D[kx], resid, np.linalg.inv(G[np.ix_(kx, kx)]), mask, nobs, len(keep) + n_levels, vcov)
    fitted = (V[0] - resid) * m
    return DenseFit(beta, Vc, [names[q] for q in keep], [names[q] for q in range(len(names)) if q not in keep],
                    fitted, True, 1, nobs, n_fe)


# ----------------------------------------------------------------------------------------------
# results
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class RegressionResult(Results):
    """One gravity regression (PPML or OLS with fixed effects) in the shared vocabulary, plus its labels
    (e.g. sector and period, put in front of ``tidy()``), the regressors dropped as collinear, fit
    statistics (``apr2``, ``pr2``, ...), the engine and, for PPML, ``data``: the sample with ``yhat`` and
    the residuals (``without_data()`` returns the result without it)."""

    label: dict = field(default_factory=dict)
    dropped: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    engine: str = "dense"

    statistic: ClassVar[str] = "z"
    title: ClassVar[str] = "Gravity regression with fixed effects"

    def labels(self) -> dict:
        return dict(self.label)

    def summary_lines(self) -> list[tuple[str, str]]:
        lines = [(k, str(v)) for k, v in self.label.items()]
        lines += [("Observations", f"{self.nobs:,}"), ("Engine", self.engine)]
        lines += [(k, f"{v:,.4f}" if isinstance(v, float) else str(v)) for k, v in self.stats.items()]
        return lines + ([("Dropped (collinear)", ", ".join(self.dropped))] if self.dropped else [])


def _dense_cov(fit: "DenseFit") -> pd.DataFrame:
    return pd.DataFrame(fit.vcov, index=fit.names, columns=fit.names)


def adjusted_pseudo_r2(y: np.ndarray, mu: np.ndarray, k: int) -> dict:
    """fixest's `apr2` = 1 - (LL - K)/LL0 (Poisson LL, LL0 intercept-only, K = coefficients + FE levels);
    also McFadden's `pr2` = 1 - LL/LL0 and the squared correlation of y and mu."""
    y, mu = np.asarray(y, float), np.asarray(mu, float)
    lg = gammaln(y + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ll = np.sum(np.where(y > 0, y * np.log(mu), 0.0) - mu - lg)
        m0 = y.mean()
        ll0 = np.sum(np.where(y > 0, y * np.log(m0), 0.0) - m0 - lg)
    return {"apr2": 1 - (ll - k) / ll0, "pr2": 1 - ll / ll0, "corr2": float(np.corrcoef(y, mu)[0, 1] ** 2),
            "ll": float(ll), "ll0": float(ll0), "k": int(k)}


def add_residuals(df: pd.DataFrame, y: str = "trade", yhat: str = "yhat", min_trade: float = 0.001) -> pd.DataFrame:
    """Add `resid` (level, y - yhat), `ratio` (resid / y where y >= min_trade), `pearson`, `log`, `relative`."""
    out = df
    yv, mv = out[y].to_numpy(float), out[yhat].to_numpy(float)
    out["resid"] = yv - mv
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = np.where(yv >= max(min_trade, 1e-300), (yv - mv) / yv, np.nan)
        out["pearson"] = np.where(mv > 0, (yv - mv) / np.sqrt(mv), np.nan)
        out["log"] = np.where((yv > 0) & (mv > 0), np.log(yv) - np.log(mv), np.nan)
        out["relative"] = np.where(mv > 0, (yv - mv) / mv, np.nan)
    return out


def _fe_columns(df: pd.DataFrame, fe_structure: str) -> str:
    df["exp_year"] = pd.factorize(df["exporter"].astype(str) + "|" + df["year"].astype(str))[0]
    df["imp_year"] = pd.factorize(df["importer"].astype(str) + "|" + df["year"].astype(str))[0]
    df["pair"] = pd.factorize(df["exporter"].astype(str) + "|" + df["importer"].astype(str))[0]
    if fe_structure == "exp_year+imp_year":
        return "exp_year + imp_year"
    if fe_structure == "exp_year+imp_year+pair":
        return "exp_year + imp_year + pair"
    if fe_structure == "exp+imp+year":
        return "exporter + importer + year"
    raise ValueError(f"fe_structure must be one of {FE_STRUCTURES}; got {fe_structure!r}.")


def fit_ppml(df: pd.DataFrame, x: list[str] | tuple[str, ...], y: str = "trade", label: dict | None = None,
             fe_structure: str = "exp_year+imp_year", engine: str = "auto", vcov: str = "pair",
             min_trade: float = 0.001, demeaner: str = "rust") -> RegressionResult:
    """PPML gravity with fixed effects; returns the result with `data` = df plus yhat and residuals.

    `engine="auto"` uses the dense engine for exporter-year + importer-year FE (with or without pair FE)
    and pyfixest otherwise."""
    x = list(x)
    x_all = list(x)
    missing = [c for c in [y, "exporter", "importer", "year", *x] if c not in df.columns]
    if missing:
        raise ValueError(f"fit_ppml: columns {missing} are not in the data.")
    if len(df) == 0:
        raise GravityError("fit_ppml: empty sample.")
    if (df[y] < 0).any():
        raise GravityError("fit_ppml: negative trade values.")
    if engine == "auto":
        engine = "dense" if fe_structure in DENSE_STRUCTURES else "pyfixest"
    data = df.copy(deep=False)        # new columns only: the caller's frame is left as it was
    if engine == "dense":
        if fe_structure not in DENSE_STRUCTURES:
            raise ValueError(f"The dense engine supports fe_structure in {DENSE_STRUCTURES}; use engine='pyfixest'.")
        panel = DensePanel.from_frame(data)
        Y = panel.array(data[y].to_numpy())
        X = panel.stack(data, x)
        solver = ppml_dense if fe_structure == "exp_year+imp_year" else ppml_dense_pair
        with single_threaded_blas():
            fit = solver(Y, X, panel.mask, x, vcov=vcov)
        data["yhat"] = panel.take(fit.mu)
        fields = {"params": pd.Series(fit.params, index=fit.names), "cov": _dense_cov(fit), "nobs": fit.nobs,
                  "converged": fit.converged}
        n_fe, dropped = fit.n_fe, fit.dropped
        est = data["yhat"].to_numpy() > 0
    elif engine == "pyfixest":
        import pyfixest as pf

        data = data.reset_index(drop=True)
        from pyfixest.demeaners import LsmrDemeaner, MapDemeaner

        fe = _fe_columns(data, fe_structure)
        if "pair" in fe_structure:      # time-invariant regressors are absorbed by pair effects: drop them here
            varies = data.groupby("pair")[x].nunique().max() > 1
            x = [v for v in x if varies[v]]
        dm = MapDemeaner(backend="rust") if demeaner == "rust" else LsmrDemeaner(backend="within")
        vc = {"CRV1": "pair"} if vcov == "pair" else "hetero"
        res = pf.fepois(f"{y} ~ {' + '.join(x)} | {fe}", data=data, vcov=vc, demeaner=dm)
        fields = pyfixest_fields(res)
        # rows whose fixed-effect level was dropped (all-zero groups, separation) predict NaN: their fit is 0
        yhat = np.asarray(res.predict(newdata=data, type="response"), dtype=float)
        kept = np.isfinite(yhat)
        yhat = np.where(kept, yhat, 0.0)
        data["yhat"] = yhat
        n_fe = int(sum(data.loc[kept, c.strip()].nunique() for c in fe.split("+")) - (len(fe.split("+")) - 1))
        dropped = [v for v in x_all if v not in fields["params"].index]
        est = kept
    else:
        raise ValueError(f"engine must be 'auto', 'dense' or 'pyfixest'; got {engine!r}.")
    data = add_residuals(data, y=y, min_trade=min_trade)
    fitstats = adjusted_pseudo_r2(data.loc[est, y].to_numpy(), data.loc[est, "yhat"].to_numpy(),
                                  len(fields["params"]) + n_fe)
    return RegressionResult(**fields, label=label or {}, dropped=dropped, stats=fitstats, data=data, engine=engine)


def fit_ols_fe(df: pd.DataFrame, y: str, x: list[str] | tuple[str, ...], label: dict | None = None,
               engine: str = "dense", vcov: str = "pair") -> RegressionResult:
    """OLS of y on x with exporter-year and importer-year FE (the paper's second stage)."""
    x = list(x)
    data = df[["exporter", "importer", "year", y, *x]].dropna()
    if len(data) == 0:
        raise GravityError("fit_ols_fe: empty sample after dropping missing values.")
    if engine == "dense":
        panel = DensePanel.from_frame(data)
        Y = panel.array(data[y].to_numpy())
        X = panel.stack(data, x)
        with single_threaded_blas():
            fit = ols_dense(Y, X, panel.mask, x, vcov=vcov)
        return RegressionResult(params=pd.Series(fit.params, index=fit.names), cov=_dense_cov(fit), nobs=fit.nobs,
                                label=label or {}, dropped=fit.dropped, engine="dense")
    import pyfixest as pf

    _fe_columns(data, "exp_year+imp_year")
    res = pf.feols(f"{y} ~ {' + '.join(x)} | exp_year + imp_year", data=data,
                   vcov={"CRV1": "pair"} if vcov == "pair" else "hetero")
    fields = pyfixest_fields(res)
    return RegressionResult(**fields, label=label or {}, dropped=[v for v in x if v not in fields["params"].index],
                            engine="pyfixest")


# ----------------------------------------------------------------------------------------------
# diagnostics and descriptive summaries
# ----------------------------------------------------------------------------------------------
def adding_up(data: pd.DataFrame, resid: str = "resid", y: str = "trade") -> dict:
    """PPML first-order conditions with exporter-year/importer-year FE: residuals sum to 0 in every group.
    Returns the largest absolute group sum, and relative to the largest flow."""
    ex = data.groupby(["exporter", "year"])[resid].sum().abs().max()
    im = data.groupby(["importer", "year"])[resid].sum().abs().max()
    scale = data[y].abs().max()
    return {"max_abs_exporter_year": float(ex), "max_abs_importer_year": float(im),
            "max_relative": float(max(ex, im) / scale), "mean_resid": float(data[resid].mean()),
            "share_positive": float((data[resid] > 0).mean()), "skewness": float(stats.skew(data[resid]))}


def median_series(data: pd.DataFrame, by: list[str], value: str = "resid", band: str = "pct",
                  n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
    """Median of `value` by group with a 95% band: observation percentiles ('pct') or a bootstrap CI of the
    median ('boot_median')."""
    if band not in ("pct", "boot_median"):
        raise ValueError(f"band must be 'pct' or 'boot_median'; got {band!r}.")
    rng = np.random.default_rng(seed)
    rows = []
    # only the needed columns: a dropna of the whole residual frame (17M rows at full scale) copies all of it
    for key, g in data[[*by, value]].dropna(subset=[value]).groupby(by):
        v = g[value].to_numpy()
        if band == "pct":
            lo, hi = np.percentile(v, [2.5, 97.5])
        else:
            # one resample at a time (the same draws as one (n_boot, len(v)) array, without its memory)
            meds = np.array([np.median(v[rng.integers(0, len(v), len(v))]) for _ in range(n_boot)])
            lo, hi = np.percentile(meds, [2.5, 97.5])
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by, key)), "median": float(np.median(v)), "low": lo, "high": hi, "n": len(v)})
    return pd.DataFrame(rows)


def partner_series(data: pd.DataFrame, reporter: str, partners, flow: str = "imports",
                   agg: str = "ratio_of_sums", min_trade: float = 0.001) -> pd.DataFrame:
    """Unexplained trade of `reporter` with each partner by year, summed over sectors: level, and as ratio
    (sum of residuals / sum of trade) or the median of sector ratios."""
    if flow not in ("imports", "exports"):
        raise ValueError(f"flow must be 'imports' or 'exports'; got {flow!r}.")
    own, other = ("importer", "exporter") if flow == "imports" else ("exporter", "importer")
    sub = data[data[own].to_numpy() == reporter]            # the reporter's rows first: isin on a small frame
    sub = sub[sub[other].isin(list(partners))]
    g = sub.groupby([other, "year"])
    out = g.agg(resid=("resid", "sum"), trade=("trade", "sum")).reset_index().rename(columns={other: "partner"})
    if agg == "ratio_of_sums":
        out["ratio"] = np.where(out["trade"] >= min_trade, out["resid"] / out["trade"], np.nan)
    elif agg == "median_of_ratios":
        out["ratio"] = g["ratio"].median().to_numpy()
    else:
        raise ValueError(f"agg must be 'ratio_of_sums' or 'median_of_ratios'; got {agg!r}.")
    return out


def decile_outliers(data: pd.DataFrame, reporter: str, flow: str = "exports", year: int | None = None,
                    value: str = "resid", q: float = 0.10) -> pd.DataFrame:
    """Partners in the top or bottom `q` of `reporter`'s summed unexplained trade in `year`."""
    own, other = ("importer", "exporter") if flow == "imports" else ("exporter", "importer")
    year = year or int(data["year"].max())
    sub = data[(data[own] == reporter) & (data[other] != reporter) & (data["year"] == year)]
    s = sub.groupby(other).agg(resid=("resid", "sum"), trade=("trade", "sum"))
    s["ratio"] = np.where(s["trade"] > 0, s["resid"] / s["trade"], np.nan)
    lo, hi = s[value].quantile([q, 1 - q])
    s["group"] = np.select([s[value] >= hi, s[value] <= lo], ["top", "bottom"], "")
    return s[s["group"] != ""].sort_values(value, ascending=False).reset_index().rename(columns={other: "partner"})


def count_signs(results: list[RegressionResult], terms, alpha: float = 0.10) -> pd.DataFrame:
    """Tables 1-2: per term, regressions with a positive significant, negative significant, or insignificant
    coefficient (two-sided p < alpha); terms dropped as collinear are counted as 'dropped'."""
    rows = []
    for term in terms:
        pos = neg = ns = dropped = 0
        for r in results:
            if term not in r.params.index:
                dropped += 1
                continue
            p, b = r.pvalues[term], r.params[term]
            if p < alpha and b > 0:
                pos += 1
            elif p < alpha and b < 0:
                neg += 1
            else:
                ns += 1
        rows.append({"term": term, "pos_sig": pos, "neg_sig": neg, "not_sig": ns, "dropped": dropped})
    return pd.DataFrame(rows).set_index("term")


# ----------------------------------------------------------------------------------------------
# joining a sector's residuals to pair variables without a merge of the whole frame
# ----------------------------------------------------------------------------------------------
def row_lookup(right: pd.DataFrame, on: list[str]):
    """A function giving, for each row of a frame, the position of the row of `right` with the same values in
    the columns `on`, or -1: a left merge onto unique keys without building the merged frame."""
    uniques, code_r = [], np.zeros(len(right), np.int64)
    for c in on:
        r, u = pd.factorize(right[c])
        uniques.append(pd.Index(u))
        code_r = code_r * (len(u) + 1) + r
    index = pd.Index(code_r)
    if not index.is_unique:
        raise ValueError(f"row_lookup: the right frame has duplicate keys {on}.")

    def positions(left: pd.DataFrame) -> np.ndarray:
        code_l = np.zeros(len(left), np.int64)
        missing = np.zeros(len(left), bool)
        for c, u in zip(on, uniques):
            lc = u.get_indexer(left[c])
            missing |= lc < 0
            code_l = code_l * (len(u) + 1) + lc
        pos = index.get_indexer(code_l)
        pos[missing] = -1
        return pos

    return positions


def row_positions(left: pd.DataFrame, right: pd.DataFrame, on: list[str]) -> np.ndarray:
    """`row_lookup(right, on)(left)`."""
    return row_lookup(right, on)(left)


def take_rows(col: pd.Series, pos: np.ndarray):
    """`col`'s values at `pos`, missing (NaN/NA) where pos is -1, as a left merge would fill them."""
    arr = col.array if isinstance(col.dtype, pd.api.extensions.ExtensionDtype) else col.to_numpy()
    return pd.api.extensions.take(arr, pos, allow_fill=True)


# ----------------------------------------------------------------------------------------------
# a simulated panel with known coefficients (tests and benchmarks of the estimators)
# ----------------------------------------------------------------------------------------------
SIM_BETA = {"ln_dist": -0.8, "contig": 0.5, "lang": 0.3, "fta": 0.25, "dom": 1.5}


def simulate_gravity_panel(n_countries: int = 20, n_years: int = 7, seed: int = 0, first_year: int = 2010,
                           zero_share: float = 0.15) -> pd.DataFrame:
    """Square exporter x importer x year panel (domestic flows included) drawn from a PPML gravity model with
    exporter-year and importer-year effects and the coefficients :data:`SIM_BETA` (``fta`` varies within
    pairs over time, the others do not). Trade is Poisson-like (gamma noise around the mean) with about
    ``zero_share`` of the foreign flows set to zero. Not a calibrated world: for checking estimators."""
    rng = np.random.default_rng(seed)
    n, T = n_countries, n_years
    xy = rng.uniform(0, 100, (n, 2))
    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) + 1.0
    dom = np.eye(n)
    contig = ((dist < 15) & (dom == 0)).astype(float)
    lang = np.triu(rng.random((n, n)) < 0.2, 1)
    lang = (lang | lang.T).astype(float)
    start = rng.integers(0, 2 * T, (n, n))                    # the year index each pair's FTA enters into force
    start = np.minimum(start, start.T)
    fta = ((np.arange(T)[:, None, None] >= start[None]) & (dom == 0)[None]).astype(float)   # (T, n, n)
    o = rng.normal(0, 1.0, (T, n)) + np.linspace(0, 0.3, T)[:, None]
    d = rng.normal(0, 1.0, (T, n))
    b = SIM_BETA
    eta = (o[:, :, None] + d[:, None, :] + b["ln_dist"] * np.log(dist)[None] + b["contig"] * contig[None]
           + b["lang"] * lang[None] + b["fta"] * fta + b["dom"] * dom[None])
    mu = np.exp(eta - eta.mean() + 2.0)
    trade = mu * rng.gamma(2.0, 0.5, mu.shape)
    trade[(rng.random(mu.shape) < zero_share) & (dom == 0)[None]] = 0.0
    tt, ii, jj = (a.reshape(-1) for a in np.meshgrid(np.arange(T), np.arange(n), np.arange(n), indexing="ij"))
    names = np.array([f"C{i:03d}" for i in range(n)], dtype=object)
    return pd.DataFrame({"exporter": names[ii], "importer": names[jj], "year": first_year + tt,
                         "trade": trade.reshape(-1), "ln_dist": np.log(dist)[ii, jj], "contig": contig[ii, jj],
                         "lang": lang[ii, jj], "fta": fta.reshape(-1), "dom": dom[ii, jj]})
