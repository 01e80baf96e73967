"""Panel GLS with ARMA(p, q) errors within groups, mirroring ``nlme::gls(..., correlation = corARMA(...))``.

The model is ``y = X b + e`` with ``e`` independent across groups and, within a group, a stationary
ARMA(p, q) process ``e_t = phi_1 e_{t-1} + ... + a_t + theta_1 a_{t-1} + ...``, ``a_t ~ N(0, sigma^2)``
(R's sign convention: positive MA coefficients). The correlation between two observations of a group
depends on the distance between their positions: with ``correlation_index="time"`` (nlme
``form = ~ time | group``) gaps in time are honoured; with ``"order"`` (nlme ``form = ~ 1 | group``) the
rows are taken as consecutive.

Estimation profiles out ``b`` and ``sigma`` and maximises the (restricted) log-likelihood over the
unconstrained PACF parameters nlme uses. The whitening is never materialised: groups are batched by the
span of their time pattern, the cross-products of the zero-padded data of each span are computed once,
and each likelihood evaluation is one small tensor contraction per span plus a precision-matrix
correction for groups with interior gaps. Cost per evaluation is independent of the number of rows.
The gradient in the ARMA parameters is exact (reverse mode by hand through the same pieces, and complex
steps through the ARMA autocorrelations; see ``_Profile``), so the quasi-Newton search stops when the
gradient is below ``tol`` rather than when a line search can no longer see a decrease in a
log-likelihood of ~1e5 (see benchmarks/methods_gls_arma.py for timings against nlme).

    ll_ML   = -N/2 (log(2 pi RSS/N) + 1) - 1/2 sum_g log|R_g|
    ll_REML = -(N-p)/2 (log(2 pi RSS/(N-p)) + 1) - 1/2 sum_g log|R_g| - 1/2 log|X*'X*|

exactly as nlme's ``gls`` (no ``+1/2 log|X'X|`` term), with AIC = -2 ll + 2 k and
BIC = -2 ll + k log(n), k = p + (p_arma + q_arma) + 1 and n = N - p under REML (N under ML).
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import optimize, stats

from helpers.methods.results import Results

__all__ = ["gls_arma", "GLSARMAResults", "arma_acf", "pacf_to_coef", "coef_to_pacf", "GLSARMAError"]



class GLSARMAError(ValueError):
    """Bad input or a failed fit in :func:`gls_arma`."""


# ----------------------------------------------------------------------------------------------
# ARMA algebra
# ----------------------------------------------------------------------------------------------
def pacf_to_coef(u: np.ndarray) -> np.ndarray:
    """Map unconstrained reals to the coefficients of a stationary AR polynomial (nlme's transform).

    ``u -> pacf = tanh(u / 2)`` (i.e. ``(e^u - 1)/(e^u + 1)``), then the Durbin-Levinson recursion.
    """
    pacf = np.tanh(_numeric(u) / 2.0)
    coef = np.zeros(0)
    for k, r in enumerate(pacf):
        coef = np.concatenate([coef - r * coef[::-1], [r]]) if k else np.array([r])
    return coef


def coef_to_pacf(coef: np.ndarray) -> np.ndarray:
    """Inverse of :func:`pacf_to_coef` (returns the unconstrained reals)."""
    a = np.asarray(coef, float).copy()
    pacf = np.zeros(a.size)
    for k in range(a.size - 1, -1, -1):
        r = a[k]
        if abs(r) >= 1:
            raise GLSARMAError(f"ARMA coefficients {coef} are not stationary/invertible.")
        pacf[k] = r
        if k:
            a = (a[:k] + r * a[:k][::-1]) / (1 - r * r)
    return 2.0 * np.arctanh(pacf)


def _numeric(x) -> np.ndarray:
    """x as a float array, or complex when it is (the complex-step derivatives go through the ARMA algebra)."""
    x = np.asarray(x)
    return x.astype(np.result_type(x.dtype, float), copy=False)


def arma_acf(phi: np.ndarray, theta: np.ndarray, nlags: int) -> np.ndarray:
    """Autocorrelations rho_0..rho_nlags of ``e_t = sum phi_i e_{t-i} + a_t + sum theta_j a_{t-j}``.

    Analytic in (phi, theta) and written without comparisons or absolute values of them, so complex
    arguments give complex-step derivatives (see :func:`acf_jacobian`)."""
    phi, theta = np.atleast_1d(_numeric(phi)), np.atleast_1d(_numeric(theta))
    dtype = np.result_type(phi.dtype, theta.dtype)
    p, q = phi.size, theta.size
    if p == 0 and q == 0:
        out = np.zeros(nlags + 1)
        out[0] = 1.0
        return out
    # psi weights (MA(inf) representation) up to q, then the Yule-Walker-type linear system for gamma_0..p
    m = max(p, q) + 1
    psi = np.zeros(m, dtype)
    psi[0] = 1.0
    for j in range(1, m):
        psi[j] = (theta[j - 1] if j <= q else 0.0) + sum(phi[i] * psi[j - 1 - i] for i in range(min(p, j)))
    th = np.concatenate([[1.0], theta])
    # c_k = sum_{j=k}^{q} theta_j psi_{j-k}, the right-hand side of gamma_k - sum phi_i gamma_{k-i} = c_k
    c = np.array([sum(th[j] * psi[j - k] for j in range(k, q + 1)) for k in range(m)])
    n0 = p + 1
    A = np.zeros((n0, n0), dtype)
    for k in range(n0):
        A[k, k] += 1.0
        for i in range(1, p + 1):
            A[k, abs(k - i)] -= phi[i - 1]
    gamma = np.zeros(max(nlags + 1, n0), dtype)
    gamma[:n0] = np.linalg.solve(A, c[:n0] if m >= n0 else np.pad(c, (0, n0 - m)))
    for k in range(n0, nlags + 1):
        gamma[k] = (c[k] if k < m else 0.0) + sum(phi[i] * gamma[k - 1 - i] for i in range(p))
    return gamma[: nlags + 1] / gamma[0]


# A gap pattern shared by at least this many groups (within one span) gets its own cross-products.
_DENSE_PATTERN_MIN_GROUPS = 1000

# ----------------------------------------------------------------------------------------------
# Data layout: groups by span, with the interior gaps of each group
# ----------------------------------------------------------------------------------------------
@dataclass
class _Span:
    """All groups whose positions run from 0 to n - 1 (some interior positions possibly missing).

    ``S[i, j, a, b] = sum_g A_g[i, a] A_g[j, b]`` over the zero-padded [X | y] of the groups, so for any
    correlation matrix R_n of the full span ``sum_g A_g' R_n^{-1} A_g = sum_ij Q_ij S[i, j]``. Both
    symmetries are used: S is stored packed over i <= j (off-diagonal pairs summed) and a <= b.
    Groups with missing interior positions use the precision-matrix identity (see _Profile): a gap pattern
    shared by many groups gets its own packed cross-products; rare patterns are corrected group by group
    (buckets of equal gap counts m).
    """

    n: int
    n_groups: int  # groups in S: complete ones and those with rare gap patterns
    S: np.ndarray  # (n (n+1) / 2, (k+1) (k+2) / 2)
    gap_patterns: list  # frequent gap patterns: [(missing positions (m,), n_groups, packed S of those groups)]
    gap_buckets: list  # [(missing positions (G_m, m), padded [X | y] (G_m, n, k+1))]


def _packed(S: np.ndarray, n: int, k1: int) -> np.ndarray:
    """The (n k1)^2 cross-product matrix of padded groups, packed over position pairs i <= j (the (j, i) block
    added to (i, j)) and regressor pairs a <= b."""
    S = S.reshape(n, k1, n, k1).transpose(0, 2, 1, 3)  # S[i, j, a, b]
    ii, jj = np.triu_indices(n)
    ia, ib = np.triu_indices(k1)
    P = S[ii, jj] + np.where((ii < jj)[:, None, None], S[jj, ii], 0.0)
    return np.ascontiguousarray(P[:, ia, ib])


def _layout(groups: np.ndarray, time: np.ndarray, Xy: np.ndarray) -> tuple[list[_Span], int]:
    """Groups by span. Rows are gathered once, ordered by (span, has gaps, group, time): the complete groups
    of a span are then one contiguous block, a (groups, n k1) view whose Gram matrix gives their
    cross-products without a padded copy; only groups with gaps are zero-padded."""
    codes, _ = pd.factorize(groups, sort=True)
    order = np.lexsort((time, codes))
    g_sorted, t_sorted = codes[order], time[order]
    if np.any((np.diff(g_sorted) == 0) & (np.diff(t_sorted) == 0)):
        raise GLSARMAError("time must have unique values within groups (as nlme's corARMA requires).")
    starts = np.flatnonzero(np.r_[True, np.diff(g_sorted) != 0])
    sizes = np.diff(np.r_[starts, g_sorted.size])
    pos = t_sorted - np.repeat(t_sorted[starts], sizes)  # position within the group's span
    grp_span = t_sorted[starts + sizes - 1] - t_sorted[starts] + 1
    gappy = sizes < grp_span
    gorder = np.lexsort((gappy, grp_span))               # stable: groups keep their order within a class
    ramp = np.arange(order.size) - np.repeat(np.cumsum(sizes[gorder]) - sizes[gorder], sizes[gorder])
    rows = np.repeat(starts[gorder], sizes[gorder]) + ramp
    Xs, pos = Xy[order[rows]], pos[rows]
    g_span, g_gappy, g_size = grp_span[gorder], gappy[gorder], sizes[gorder]
    first_row = np.r_[0, np.cumsum(g_size)]
    k1 = Xy.shape[1]
    spans: list[_Span] = []
    for n in np.unique(g_span):
        n = int(n)
        sel = np.flatnonzero(g_span == n)
        full, gap = sel[~g_gappy[sel]], sel[g_gappy[sel]]
        S = np.zeros((n * k1, n * k1))
        if full.size:                                    # contiguous rows: a view, no copy
            A2 = Xs[first_row[full[0]]: first_row[full[-1] + 1]].reshape(full.size, n * k1)
            S += A2.T @ A2
        dense, buckets, n_base = [], [], int(full.size)
        if gap.size:
            r0, r1 = first_row[gap[0]], first_row[gap[-1] + 1]
            local = np.repeat(np.arange(gap.size), g_size[gap])
            A = np.zeros((gap.size * n, k1))
            A[local * n + pos[r0:r1]] = Xs[r0:r1]
            A = A.reshape(gap.size, n, k1)
            present = np.zeros((gap.size, n), bool)
            present[local, pos[r0:r1]] = True
            # a gap pattern shared by many groups gets its own cross-products; rare ones are corrected per group
            key = np.packbits(~present, axis=1)
            _, inverse, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
            inverse = inverse.ravel()
            is_dense = counts[inverse] >= _DENSE_PATTERN_MIN_GROUPS
            for pidx in np.flatnonzero(counts >= _DENSE_PATTERN_MIN_GROUPS):
                members = np.flatnonzero(inverse == pidx)
                A2 = A[members].reshape(members.size, n * k1)
                dense.append((np.flatnonzero(~present[members[0]]), int(members.size), _packed(A2.T @ A2, n, k1)))
            rare = np.flatnonzero(~is_dense)
            if rare.size:
                A2 = (A if rare.size == gap.size else A[rare]).reshape(rare.size, n * k1)
                S += A2.T @ A2
                n_base += int(rare.size)
                n_missing = (~present[rare]).sum(axis=1)
                for m in np.unique(n_missing):
                    members = rare[n_missing == m]
                    missing = np.nonzero(~present[members])[1].reshape(members.size, int(m))
                    buckets.append((missing, np.ascontiguousarray(A[members])))
        spans.append(_Span(n, n_base, _packed(S, n, k1), dense, buckets))
    return spans, int(starts.size)


# ----------------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class GLSARMAResults(Results):
    """Fit of :func:`gls_arma`: the shared vocabulary (``params``, ``bse``, ``cov``, ``tvalues``, ``pvalues``
    from the t distribution with ``df_resid`` degrees of freedom as nlme, ``conf_int()``, ``tidy()``, ...)
    plus the ARMA coefficients, sigma, the (restricted) log-likelihood and nlme's information criteria.
    ``fittedvalues`` and ``resid`` are the sample-sized fields ``without_data()`` drops."""

    phi: np.ndarray
    theta: np.ndarray
    sigma: float
    llf: float
    n_groups: int
    method: str
    correlation_index: str
    n_evals: int
    df_resid: int
    fittedvalues: np.ndarray | None = field(default=None, repr=False, compare=False)
    resid: np.ndarray | None = field(default=None, repr=False, compare=False)

    statistic: ClassVar[str] = "t"
    _DATA_FIELDS: ClassVar[tuple[str, ...]] = ("data", "fittedvalues", "resid")

    @property
    def title(self) -> str:
        return f"GLS, ARMA({self.phi.size},{self.theta.size}) errors by group, {self.method}"

    def _reference_dist(self):
        return stats.t(self.df_resid)  # nlme: t with N - p degrees of freedom

    @property
    def k_params(self) -> int:
        """Parameters counted by nlme: coefficients + ARMA coefficients + sigma."""
        return self.params.size + self.phi.size + self.theta.size + 1

    @property
    def aic(self) -> float:
        return -2 * self.llf + 2 * self.k_params

    @property
    def bic(self) -> float:
        n = self.nobs - (self.params.size if self.method == "REML" else 0)
        return -2 * self.llf + self.k_params * np.log(n)

    def conf_int(self, alpha: float = 0.05, dist: str = "normal") -> pd.DataFrame:
        """Wald intervals; ``dist="normal"`` (the paper's 1.96) or ``"t"`` (nlme's ``intervals``)."""
        if dist == "normal":
            return super().conf_int(alpha)
        z = stats.t.ppf(1 - alpha / 2, self.df_resid)
        return pd.DataFrame({"lower": self.params - z * self.bse, "upper": self.params + z * self.bse})

    def summary_lines(self) -> list[tuple[str, str]]:
        arma = ", ".join([f"phi{i + 1} = {v:.4f}" for i, v in enumerate(self.phi)]
                         + [f"theta{i + 1} = {v:.4f}" for i, v in enumerate(self.theta)])
        return [("Observations", f"{self.nobs:,}"), ("Log Likelihood", f"{self.llf:,.3f}"),
                ("Akaike Inf. Crit.", f"{self.aic:,.3f}"), ("Bayesian Inf. Crit.", f"{self.bic:,.3f}"),
                ("Residual SE", f"{self.sigma:.4f}"), ("ARMA", arma or "none"),
                ("Converged", f"{self.converged} ({self.n_evals} likelihood evaluations)")]


# ----------------------------------------------------------------------------------------------
# Estimation
# ----------------------------------------------------------------------------------------------
COMPLEX_STEP = 1e-30      # complex-step size: derivatives exact to rounding (no subtraction, any tiny h)


def acf_jacobian(acf, u: np.ndarray) -> np.ndarray:
    """d acf(u) / du (len(u), lags) by complex steps: Im acf(u + i h e_j) / h, exact to rounding."""
    J = np.empty((u.size, acf(u).size))
    for j in range(u.size):
        uc = u.astype(complex)
        uc[j] += 1j * COMPLEX_STEP
        J[j] = acf(uc).imag / COMPLEX_STEP
    return J


def _unpack_sym(t: np.ndarray, n: int) -> np.ndarray:
    """Symmetric T with sum_{i<=j} dQ_ij t_ij = <dQ, T> for symmetric dQ (off-diagonal t split in halves)."""
    T = np.zeros((n, n))
    T[np.triu_indices(n)] = t
    return (T + T.T) / 2


def _lag_sums(Gm: np.ndarray, n: int, size: int) -> np.ndarray:
    """sum of Gm[a, b] over |a - b| = lag, for lag = 0..size-1: <Gm, dR> for a Toeplitz dR is this @ drho."""
    idx = np.arange(n)
    return np.bincount(np.abs(idx[:, None] - idx[None, :]).ravel(), Gm.ravel(), minlength=size)


@dataclass
class _SpanEval:
    """What one likelihood evaluation leaves per span for the gradient pass."""

    Q: np.ndarray
    patterns: list        # [(P = R_O^{-1} embedded, count, packed S)]
    buckets: list         # [(Qm = Q[missing] (G, m, n), A (G, n, k1), W = Qmm^-1 Q[missing] A, Qmm^-1)]


class _Profile:
    """Profiled (restricted) log-likelihood, and its gradient, in the unconstrained ARMA parameters.

    For a group observed at positions O of its span F = {0..n-1}, with Q = R_F^{-1} and M = F \\ O:
    ``R_O^{-1} = Q_OO - Q_OM Q_MM^{-1} Q_MO`` and ``|R_O| = |R_F| |Q_MM|``; so the cross-products of the
    whitened data are one tensor contraction per span minus a small correction for the gap groups.

    Gradient (reverse mode, by hand): with C = sum_g A_g' R_g^{-1} A_g, beta = Cxx^{-1} cxy, v = (-beta, 1),
    ``dll = <Omega, dC> - 1/2 dlogdet``, Omega = -f/(2 rss) v v' (- 1/2 Cxx^{-1} under REML). Every term of
    C and logdet is a function of each span's correlation matrix R, so dll = sum_span <Gm, dR> with Gm
    collected span by span (dQ = -Q dR Q); dR is Toeplitz in rho, so the gradient is
    d rho/du (complex steps through the ARMA algebra) times the lag sums of Gm. Its cost is about one
    evaluation's, and it is exact, so the optimiser can stop on the gradient.
    """

    def __init__(self, spans: list[_Span], N: int, k: int, p: int, q: int, reml: bool):
        self.spans, self.N, self.k, self.p, self.q, self.reml = spans, N, k, p, q, reml
        self.max_lag = max(s.n for s in spans) - 1
        self.n_evals = 0
        k1 = k + 1
        ia, ib = np.triu_indices(k1)
        self._pack = (ia, ib, np.where(ia == ib, 1.0, 2.0))

    def arma(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        phi = pacf_to_coef(u[: self.p]) if self.p else np.zeros(0)
        theta = -pacf_to_coef(u[self.p :]) if self.q else np.zeros(0)
        return phi, theta

    def acf(self, u: np.ndarray) -> np.ndarray:
        return arma_acf(*self.arma(u), self.max_lag)

    def crossprod(self, u: np.ndarray, keep: bool = False):
        """sum_g [X|y]_g' R_g^{-1} [X|y]_g and sum_g log|R_g| at ARMA parameters u (and, with keep, the
        per-span pieces the gradient needs)."""
        rho = self.acf(u)
        k1 = self.k + 1
        C = np.zeros(k1 * (k1 + 1) // 2)
        G = np.zeros((k1, k1))  # corrections for gap groups
        logdet = 0.0
        kept = []
        for s in self.spans:
            idx = np.arange(s.n)
            L = np.linalg.cholesky(rho[np.abs(idx[:, None] - idx[None, :])])
            Linv = np.linalg.inv(L)
            Q = Linv.T @ Linv
            tri = np.triu_indices(s.n)
            logdet_n = 2.0 * np.log(np.diag(L)).sum()
            C += Q[tri] @ s.S
            logdet += s.n_groups * logdet_n
            ev = _SpanEval(Q, [], [])
            for missing, count, S_pattern in s.gap_patterns:
                Qmm = Q[np.ix_(missing, missing)]
                Q_obs = Q - Q[:, missing] @ np.linalg.solve(Qmm, Q[missing, :])  # R_O^{-1}, zero at the gaps
                C += Q_obs[tri] @ S_pattern
                logdet += count * (logdet_n + np.linalg.slogdet(Qmm)[1])
                ev.patterns.append((Q_obs, count, S_pattern))
            for missing, A in s.gap_buckets:
                Qm = Q[missing]                                    # (G_m, m, n) = Q[M, :]
                B = np.matmul(Qm, A)                               # (G_m, m, k1)
                Qmm = Q[missing[:, :, None], missing[:, None, :]]  # (G_m, m, m)
                Qinv, logdet_mm = _small_inverse(Qmm)
                W = np.matmul(Qinv, B)                             # Qmm^{-1} Q[M, :] A, batched over groups
                G -= B.reshape(-1, k1).T @ W.reshape(-1, k1)
                logdet += logdet_mm
                if keep:
                    ev.buckets.append((Qm, A, W, Qinv))
            kept.append(ev)
        full = np.zeros((k1, k1))
        full[np.triu_indices(k1)] = C
        full = full + np.triu(full, 1).T
        return (full + G, logdet, kept) if keep else (full + G, logdet)

    def solve(self, u: np.ndarray, keep: bool = False) -> dict:
        C, logdet_R, *kept = self.crossprod(u, keep)
        C = 0.5 * (C + C.T)
        Cxx, cxy, cyy = C[:-1, :-1], C[:-1, -1], C[-1, -1]
        scale = np.sqrt(np.clip(np.diag(Cxx), 1e-300, None))
        try:
            Lx = np.linalg.cholesky(Cxx)
            Ls = np.linalg.cholesky(Cxx / np.outer(scale, scale))
        except np.linalg.LinAlgError as err:
            raise GLSARMAError("The design matrix is rank deficient (X'X is singular after whitening).") from err
        if np.min(np.diag(Ls)) < 1e-7:
            raise GLSARMAError("The design matrix is rank deficient (X'X is singular after whitening).")
        z = np.linalg.solve(Lx, cxy)
        beta = np.linalg.solve(Lx.T, z)
        rss = max(cyy - z @ z, 1e-300)
        f = self.N - (self.k if self.reml else 0)
        ll = -0.5 * f * (np.log(2 * np.pi * rss / f) + 1) - 0.5 * logdet_R
        if self.reml:
            ll -= np.log(np.diag(Lx)).sum()
        self.n_evals += 1
        out = {"ll": ll, "beta": beta, "rss": rss, "f": f, "Lx": Lx}
        if keep:
            out["kept"] = kept[0]
        return out

    def gradient(self, u: np.ndarray, sol: dict) -> np.ndarray:
        """d ll / du at u, from the pieces ``solve(u, keep=True)`` left in ``sol`` (see the class docstring)."""
        k1 = self.k + 1
        v = np.r_[-sol["beta"], 1.0]
        Omega = -sol["f"] / (2 * sol["rss"]) * np.outer(v, v)
        if self.reml:
            Linv = np.linalg.inv(sol["Lx"])
            Omega[:-1, :-1] -= 0.5 * (Linv.T @ Linv)
        ia, ib, twice = self._pack
        omega = Omega[ia, ib] * twice              # <Omega, C> = packed C @ omega
        dll_drho = np.zeros(self.max_lag + 1)
        for s, ev in zip(self.spans, sol["kept"]):
            Q, n = ev.Q, s.n
            Gm = -Q @ _unpack_sym(s.S @ omega, n) @ Q - 0.5 * s.n_groups * Q
            for P, count, S_pattern in ev.patterns:
                Gm -= P @ _unpack_sym(S_pattern @ omega, n) @ P + 0.5 * count * P
            for Qm, A, W, Qinv in ev.buckets:
                # the groups' A'(R_O^{-1} - Q)A and log|Qmm| on top of the span's share (see the class docstring)
                V = (W.reshape(-1, k1) @ Omega).reshape(W.shape)          # W Omega  (G, m, k1)
                E = np.matmul(A, V.transpose(0, 2, 1))                     # A Omega W'  (G, n, m)
                F = E.transpose(1, 0, 2).reshape(n, -1) @ Qm.reshape(-1, n)
                mid = 0.5 * Qinv - np.matmul(V, W.transpose(0, 2, 1))      # (G, m, m)
                Gm += Q @ F + F.T @ Q + Qm.reshape(-1, n).T @ np.matmul(mid, Qm).reshape(-1, n)
            dll_drho[: n] += _lag_sums(Gm, n, n)
        return acf_jacobian(self.acf, u) @ dll_drho

    def negll(self, u: np.ndarray) -> float:
        if np.any(np.abs(u) > 30):
            return np.inf
        try:
            return -self.solve(u)["ll"]
        except (np.linalg.LinAlgError, GLSARMAError):  # numerically singular near the unit circle
            return np.inf

    def negll_and_grad(self, u: np.ndarray) -> tuple[float, np.ndarray]:
        if np.any(np.abs(u) > 30):
            return np.inf, np.zeros_like(u)
        try:
            sol = self.solve(u, keep=True)
        except (np.linalg.LinAlgError, GLSARMAError):
            return np.inf, np.zeros_like(u)
        return -sol["ll"], -self.gradient(u, sol)


def _small_inverse(M: np.ndarray) -> tuple[np.ndarray, float]:
    """Inverses of a batch of small SPD matrices (G, m, m) and the sum of their log-determinants (closed
    forms for m = 1 and 2, the common gap counts)."""
    m = M.shape[1]
    if m == 1:
        return 1.0 / M, float(np.log(M[:, 0, 0]).sum())
    if m == 2:
        a, b, d = M[:, 0, 0], M[:, 0, 1], M[:, 1, 1]
        det = a * d - b * b
        inv = np.stack([np.stack([d, -b], -1), np.stack([-b, a], -1)], 1) / det[:, None, None]
        return inv, float(np.log(det).sum())
    return np.linalg.inv(M), float(np.linalg.slogdet(M)[1].sum())


@dataclass(frozen=True)
class _Optimum:
    x: np.ndarray
    fun: float
    grad: np.ndarray
    converged: bool      # max |gradient| <= gtol
    n_iter: int


NOISE_RTOL = 1e-13       # rounding error of -ll relative to |ll| (measured: a few ulp at |ll| ~ 5e5)
HESSIAN_STEP = 1e-5      # forward-difference step for the starting Hessian (of the exact gradient)


def _quasi_newton(fg, x0: np.ndarray, gtol: float, maxiter: int = 100) -> _Optimum:
    """Minimise f with an exact gradient: BFGS started from a finite-difference Hessian of the gradient,
    backtracking on sufficient decrease up to f's rounding error, stopped when max |gradient| <= gtol.

    Near the optimum of a log-likelihood of ~5e5 the decrease of a good step is below f's rounding error,
    so a line search that insists on a measurable decrease stops early with "precision loss"; here such a
    step is accepted and the gradient (exact, not a difference of noisy values) decides convergence."""
    x = np.asarray(x0, float).copy()
    f, g = fg(x)
    if not np.isfinite(f):
        return _Optimum(x, f, g, False, 0)
    n = x.size
    H = np.column_stack([(fg(x + HESSIAN_STEP * e)[1] - g) / HESSIAN_STEP for e in np.eye(n)])
    H = (H + H.T) / 2
    try:
        Hinv = np.linalg.inv(H) if np.all(np.linalg.eigvalsh(H) > 0) else np.eye(n) / max(np.abs(g).max(), 1.0)
    except np.linalg.LinAlgError:
        Hinv = np.eye(n) / max(np.abs(g).max(), 1.0)
    for it in range(1, maxiter + 1):
        if np.max(np.abs(g)) <= gtol:
            return _Optimum(x, f, g, True, it - 1)
        step = -Hinv @ g
        if g @ step >= 0:                      # not a descent direction: restart from steepest descent
            Hinv = np.eye(n) / max(np.abs(g).max(), 1.0)
            step = -Hinv @ g
        step *= min(1.0, 2.0 / np.max(np.abs(step)))      # at most 2 units of the unconstrained scale
        alpha, noise = 1.0, NOISE_RTOL * max(1.0, abs(f))
        for _ in range(40):
            fn, gn = fg(x + alpha * step)
            if np.isfinite(fn) and fn <= f + 1e-4 * alpha * (g @ step) + noise:
                break
            alpha /= 2
        else:
            return _Optimum(x, f, g, False, it)
        s_, y = alpha * step, gn - g
        x, f, g = x + s_, fn, gn
        if y @ s_ > 0:                          # BFGS update of the inverse Hessian
            rho = 1.0 / (y @ s_)
            V = np.eye(n) - rho * np.outer(s_, y)
            Hinv = V @ Hinv @ V.T + rho * np.outer(s_, s_)
        if np.max(np.abs(s_)) < 1e-14:          # no further progress is representable
            return _Optimum(x, f, g, bool(np.max(np.abs(g)) <= gtol), it)
    return _Optimum(x, f, g, bool(np.max(np.abs(g)) <= gtol), maxiter)


def _moment_start(X, y, groups, t, p, q, beta_ols) -> tuple[np.ndarray, np.ndarray]:
    """Starting ARMA values from pooled lag-1/lag-2 autocorrelations of OLS residuals (zeros if unusable)."""
    phi0, th0 = np.zeros(p), np.zeros(q)
    if (p, q) not in ((1, 1), (1, 0)):
        return phi0, th0
    e = y - X @ beta_ols
    codes = pd.factorize(groups, sort=True)[0]
    o = np.lexsort((t, codes))
    e, c, tt = e[o], codes[o], t[o]
    same = c[1:] == c[:-1]
    r = []
    for h in (1, 2):
        m1 = same & (tt[1:] - tt[:-1] == h)
        m2 = (c[2:] == c[:-2]) & (tt[2:] - tt[:-2] == h)
        num = np.sum(e[1:][m1] * e[:-1][m1]) + np.sum(e[2:][m2] * e[:-2][m2])
        cnt = m1.sum() + m2.sum()
        r.append(num / cnt / np.mean(e * e) if cnt else 0.0)
    r1, r2 = r
    if (p, q) == (1, 0):
        return np.array([np.clip(r1, -0.9, 0.9)]), th0
    if abs(r1) < 1e-3:
        return phi0, th0
    phi = float(np.clip(r2 / r1, -0.9, 0.9))
    a, b = phi - r1, 1 + phi * phi - 2 * r1 * phi  # a th^2 + b th + a = 0 (roots multiply to 1)
    th = 0.0 if abs(a) < 1e-12 else (-b + np.sqrt(max(b * b - 4 * a * a, 0.0))) / (2 * a)
    if not abs(th) < 0.95:
        th = float(np.clip(th, -0.9, 0.9))
    return np.array([phi]), np.array([th])


def gls_arma(
    data: pd.DataFrame | None = None,
    y: str | np.ndarray | None = None,
    x: list[str] | np.ndarray | None = None,
    group: str | np.ndarray | None = None,
    time: str | np.ndarray | None = None,
    *,
    p: int = 1,
    q: int = 1,
    method: str = "REML",
    correlation_index: str = "time",
    add_constant: bool = True,
    names: list[str] | None = None,
    start: str | tuple[list[float], list[float]] = "moments",
    tol: float = 1e-4,
    blas_threads: int | None = 1,
) -> GLSARMAResults:
    """GLS with ARMA(p, q) errors within groups (``nlme::gls`` + ``corARMA(p, q, form = ~ time | group)``).

    Pass a data frame with column names, or arrays (``y`` (N,), ``x`` (N, k), ``group`` (N,), ``time`` (N,)).
    ``method`` is ``"REML"`` (nlme's default) or ``"ML"``. ``correlation_index="time"`` uses integer time
    positions with gaps honoured; ``"order"`` uses the order of rows sorted by ``time`` within group.
    ``add_constant`` prepends ``(Intercept)``. ``start`` is ``"moments"`` (ARMA(1,1)/AR(1) values from
    the autocorrelations of OLS residuals; fewer iterations, same optimum), ``"zero"`` (nlme's choice) or a
    tuple ``(phi, theta)``. ``blas_threads`` caps BLAS threads during the fit (None: leave as is).
    Rows with missing values raise (nlme's ``na.fail``).
    """
    with _limit_blas(blas_threads):
        return _gls_arma(data, y, x, group, time, p=p, q=q, method=method, correlation_index=correlation_index,
                         add_constant=add_constant, names=names, start=start, tol=tol)


def _limit_blas(threads: int | None):
    """Cap BLAS threads: on a shared 2-core machine one thread is several times faster than contended two."""
    if threads is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")


def _gls_arma(data, y, x, group, time, *, p, q, method, correlation_index, add_constant, names, start, tol):
    method = method.upper()
    if method not in ("REML", "ML"):
        raise GLSARMAError(f"method must be 'REML' or 'ML', got {method!r}.")
    if correlation_index not in ("time", "order"):
        raise GLSARMAError(f"correlation_index must be 'time' or 'order', got {correlation_index!r}.")
    if not (isinstance(p, (int, np.integer)) and isinstance(q, (int, np.integer)) and p >= 0 and q >= 0):
        raise GLSARMAError(f"p and q must be non-negative integers, got p={p!r}, q={q!r}.")
    if data is not None:
        missing = [c for c in [y, group, time, *(x or [])] if isinstance(c, str) and c not in data.columns]
        if missing:
            raise GLSARMAError(f"columns not in data: {missing}")
        names = list(x) if names is None else names
        columns = [data[c] for c in x]
        yv = data[y].to_numpy(float)
        gv = data[group].to_numpy()
        tv = data[time].to_numpy() if time is not None else np.zeros(len(data))
    else:
        yv, Xv = np.asarray(y, float), np.asarray(x, float)
        Xv = Xv.reshape(len(yv), -1)
        columns = list(Xv.T)
        gv = np.asarray(group)
        tv = np.asarray(time) if time is not None else np.arange(len(yv))
        names = names or [f"x{i + 1}" for i in range(Xv.shape[1])]
    if add_constant:
        names = ["(Intercept)", *names]
    # [X | y] in one allocation (each copy of a 265k x 60 panel costs ~0.2 s of fresh memory)
    k = len(columns) + bool(add_constant)
    Xy = np.empty((len(yv), k + 1))
    if add_constant:
        Xy[:, 0] = 1.0
    for j, col in enumerate(columns, start=int(bool(add_constant))):
        Xy[:, j] = np.asarray(col, float)
    Xy[:, k] = yv
    Xv = Xy[:, :k]
    if len(names) != Xv.shape[1]:
        raise GLSARMAError(f"{len(names)} names for {Xv.shape[1]} regressors.")
    if not (len(yv) == len(Xv) == len(gv) == len(tv)):
        raise GLSARMAError("y, x, group and time must have the same number of rows.")
    if not np.isfinite(Xy).all():
        raise GLSARMAError("missing or non-finite values in y or x; drop incomplete rows first (nlme: na.fail).")
    tnum = np.asarray(tv, float)
    if correlation_index == "time":
        if np.any(tnum != np.round(tnum)):
            raise GLSARMAError("time must be integer-valued for correlation_index='time'.")
        tint = tnum.astype(np.int64)
    else:  # order: rank within group after sorting by time
        codes = pd.factorize(gv, sort=True)[0]
        o = np.lexsort((tnum, codes))
        tint = np.empty(len(tnum), np.int64)
        cs = codes[o]
        first = np.r_[0, np.flatnonzero(np.diff(cs)) + 1]
        run = np.arange(len(cs)) - np.repeat(first, np.diff(np.r_[first, len(cs)]))
        tint[o] = run

    spans, n_groups = _layout(gv, tint, Xy)
    prof = _Profile(spans, len(yv), Xv.shape[1], p, q, method == "REML")
    n_arma = p + q
    ols = prof.solve(np.zeros(n_arma))  # OLS point: raises a clear error for a rank-deficient design
    if start is None or (isinstance(start, str) and start == "zero"):
        u0 = np.zeros(n_arma)  # nlme's default
    elif isinstance(start, str) and start == "moments":
        phi0, th0 = _moment_start(Xv, yv, gv, tint, p, q, ols["beta"])
        u0 = np.concatenate([coef_to_pacf(phi0) if p else [], coef_to_pacf(-th0) if q else []])
    else:
        phi0, th0 = (np.asarray(s, float) for s in start)
        u0 = np.concatenate([coef_to_pacf(phi0) if p else [], coef_to_pacf(-th0) if q else []])
    converged = True
    if n_arma:
        with np.errstate(over="ignore", invalid="ignore"):
            opt = _quasi_newton(prof.negll_and_grad, u0, tol)
        u, converged = opt.x, opt.converged
        if not np.isfinite(opt.fun):
            # strayed to the edge of the stationary region: derivative-free fallback
            res = optimize.minimize(prof.negll, u0, method="Nelder-Mead",
                                    options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 2000})
            u, converged = res.x, bool(res.success)
        if not np.isfinite(prof.negll(u)):
            raise GLSARMAError("the ARMA likelihood optimisation failed (non-finite log-likelihood).")
    else:
        u = np.zeros(0)
    sol = prof.solve(u)
    phi, theta = prof.arma(u)
    N, k = Xv.shape
    sigma2 = sol["rss"] / sol["f"]
    Linv = np.linalg.inv(sol["Lx"])
    # nlme scales var(beta) by RSS/(N - p) under both REML and ML (sigma itself is RSS/N under ML)
    cov = sol["rss"] / (N - k) * (Linv.T @ Linv)
    beta = sol["beta"]
    fitted = Xv @ beta
    return GLSARMAResults(
        params=pd.Series(beta, index=names), cov=pd.DataFrame(cov, index=names, columns=names),
        phi=phi, theta=theta, sigma=float(np.sqrt(sigma2)), llf=float(sol["ll"]), nobs=N,
        n_groups=n_groups, method=method, correlation_index=correlation_index, converged=converged,
        n_evals=prof.n_evals, df_resid=N - k, fittedvalues=fitted, resid=yv - fitted,
    )


def simulate_arma_errors(n_groups: int, n_periods: int, phi=(0.4,), theta=(-0.7,), sigma: float = 1.0,
                         rng: np.random.Generator | int | None = None, burn: int = 50) -> np.ndarray:
    """Stationary ARMA(p, q) errors, one row per group: array (n_groups, n_periods), vectorized over groups."""
    rng = np.random.default_rng(rng)
    phi, theta = np.atleast_1d(np.asarray(phi, float)), np.atleast_1d(np.asarray(theta, float))
    T = n_periods + burn
    a = rng.normal(0.0, sigma, (n_groups, T))
    e = np.zeros((n_groups, T))
    for t in range(T):
        v = a[:, t].copy()
        for j, th in enumerate(theta, start=1):
            if t - j >= 0:
                v += th * a[:, t - j]
        for i, ph in enumerate(phi, start=1):
            if t - i >= 0:
                v += ph * e[:, t - i]
        e[:, t] = v
    return e[:, burn:]
