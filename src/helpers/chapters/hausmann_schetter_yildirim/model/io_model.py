"""Multi-country, multi-industry nested-CES model with international input-output links and sector-specific
labour (Baqaee-Farhi 2021 style; paper section 6 and Appendix B.3), solved exactly in changes.

Buyers are country-industries b = (i, d) and final demand of country i; sellers are country-industries
k = (j, e). Nesting for a producing buyer: labour vs an intermediate bundle (phi); the bundle over selling
industries (eps); within a selling industry over origin countries (xi_e). Final demand: industries (eps_f),
then origins (xi_e). Iceberg shocks tau_hat[i, j, e] raise the delivered price of (j, e) to buyer country i.

Unknowns (all in logs of hats): producer prices a, sector wages w, revenues r; 3 * N * D equations:
  E1  a = log p(a, w)                                  (unit-cost pricing)
  E2  log gamma' + log R' = log VA + w                 (fixed sector-specific labour), one row replaced by the
                                                       numeraire  sum w_hat VA = sum VA  (world GDP)
  E3  R' = A'^T R' + f^T E'                            (market clearing in values)
solved by damped Newton with the analytic Jacobian, with continuation in the shock when a full step fails.
Deficits are held fixed as a share of world GDP. Welfare is real expenditure W_hat = (E'/E) / P_hat_C.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits


def _blas_threads(n: int = 1):
    """Limit BLAS threads during a solve: the 864 x 864 systems are small, and on a shared machine
    multithreaded BLAS is several times slower than one thread."""
    return threadpool_limits(limits=n, user_api="blas")


class NoFiniteSolution(RuntimeError):
    """The shocked economy has no equilibrium with finite prices (or the solver could not reach one)."""


@dataclass(frozen=True)
class Elasticities:
    """xi: origins within an industry (length D); eps: across intermediate industries; phi: labour vs
    intermediates; eps_f: across industries in final demand (1 = Cobb-Douglas)."""
    xi: np.ndarray
    eps: float = 0.2
    phi: float = 0.6
    eps_f: float = 1.0

    def __post_init__(self):
        xi = np.asarray(self.xi, float)
        object.__setattr__(self, "xi", xi)
        if np.any(xi <= 0) or np.any(xi == 1.0):
            raise ValueError("Origin elasticities xi must be positive and different from 1.")
        for name in ("eps", "phi", "eps_f"):
            if getattr(self, name) < 0:
                raise ValueError(f"Elasticity {name} must be non-negative.")


class WorldIO:
    """Baseline world input-output table in values: X[i, d, j, e] (industry d of i buys from industry e of j)
    and C[i, j, e] (final demand of i for goods of industry e made in j)."""

    def __init__(self, X, C, countries=None, industries=None):
        X, C = np.asarray(X, float), np.asarray(C, float)
        if X.ndim != 4 or C.ndim != 3 or X.shape[:2] != X.shape[2:] or C.shape != (X.shape[0],) + X.shape[2:]:
            raise ValueError("Expected X with shape (N, D, N, D) and C with shape (N, N, D).")
        if (X < 0).any() or (C < 0).any():
            raise ValueError("Flows must be non-negative (clamp negative inventories before building WorldIO).")
        self.N, self.D = X.shape[:2]
        self.countries = list(countries) if countries is not None else [f"c{i}" for i in range(self.N)]
        self.industries = list(industries) if industries is not None else [f"d{e}" for e in range(self.D)]
        n = self.N * self.D
        self.X, self.C = X, C
        Xf = X.reshape(n, n)
        Cf = C.reshape(self.N, n)
        self.R = Xf.sum(0) + Cf.sum(0)
        self.M = Xf.sum(1)
        self.VA = self.R - self.M
        if (self.R <= 0).any():
            bad = [f"{self.countries[b // self.D]}/{self.industries[b % self.D]}" for b in np.flatnonzero(self.R <= 0)]
            raise ValueError(f"Country-industries with zero revenue: {', '.join(bad[:5])}; aggregate or drop them.")
        if (self.VA <= 0).any():
            raise ValueError("Value added must be positive in every country-industry.")
        self.E = Cf.sum(1)
        self.deficit = self.E - self.VA.reshape(self.N, self.D).sum(1)
        self.gamma = self.VA / self.R
        self.ind_of = np.tile(np.arange(self.D), self.N)           # industry e(k) of seller k
        self.cty_of = np.repeat(np.arange(self.N), self.D)          # country of buyer/seller b
        self.same_ind = self.ind_of[:, None] == self.ind_of[None, :]
        self.om_up, self.om_lo = self._nest_shares(Xf)              # (n, D), (n, n)
        self.f_up, self.f_lo = self._nest_shares(Cf)                # (N, D), (N, n)

    def _nest_shares(self, flows):
        by_ind = flows.reshape(flows.shape[0], self.N, self.D).sum(1)          # (buyers, D)
        total = by_ind.sum(1, keepdims=True)
        up = np.divide(by_ind, total, out=np.zeros_like(by_ind), where=total > 0)
        denom = by_ind[:, self.ind_of]
        lo = np.divide(flows, denom, out=np.zeros_like(flows), where=denom > 0)
        return up, lo

    @property
    def n(self) -> int:
        return self.N * self.D

    def unit_shock(self) -> np.ndarray:
        return np.ones((self.N, self.N, self.D))

    def gdp_shares(self) -> np.ndarray:
        return self.E / self.E.sum()


@dataclass
class Solution:
    """Equilibrium in changes (hats are new/old)."""
    w_hat: np.ndarray           # (N, D) sector wages
    p_hat: np.ndarray           # (N, D) producer prices
    PC_hat: np.ndarray          # (N,) consumer price index
    E_new: np.ndarray           # (N,) expenditure
    welfare_hat: np.ndarray     # (N,) real expenditure E'/E / PC_hat
    R_new: np.ndarray           # (N, D)
    X_new: np.ndarray           # (N, D, N, D)
    C_new: np.ndarray           # (N, N, D)
    iterations: int
    continuation_steps: int
    max_residual: float
    seconds: float
    x: np.ndarray = field(repr=False, default=None)   # stacked log unknowns (warm start)

    @property
    def loss_pct(self) -> np.ndarray:
        return 100.0 * (1.0 - self.welfare_hat)

    def recalibrated(self, countries=None, industries=None) -> WorldIO:
        return WorldIO(self.X_new, self.C_new, countries, industries)


class IOModel:
    """Solve a WorldIO economy for given elasticities and iceberg shocks."""

    TOL = 1e-12          # max |residual| in log units (hats are exact to ~1e-12)
    MAX_ITER = 60

    def __init__(self, world: WorldIO, elasticities: Elasticities, numeraire: str | int = "world_gdp"):
        if len(elasticities.xi) != world.D:
            raise ValueError(f"xi has {len(elasticities.xi)} entries but the world has {world.D} industries.")
        if numeraire != "world_gdp" and not (isinstance(numeraire, (int, np.integer)) and 0 <= numeraire < world.n):
            raise ValueError("numeraire must be 'world_gdp' or the flat index of a country-industry wage.")
        self.world, self.el, self.numeraire = world, elasticities, numeraire
        self.xi_k = elasticities.xi[world.ind_of]                   # xi of each seller

    # ---------- shock handling ----------
    def shock_factor(self, tau_hat) -> np.ndarray:
        """t[i, k] = tau_hat^(1 - xi_e): multiplies origin weights of buyer country i. A ban is tau_hat = inf."""
        w = self.world
        tau = np.asarray(tau_hat, float)
        if tau.shape != (w.N, w.N, w.D):
            raise ValueError(f"tau_hat must have shape {(w.N, w.N, w.D)}.")
        if np.any(tau <= 0) or np.any(np.isnan(tau)):
            raise ValueError("tau_hat must be positive (inf = ban).")
        tau = tau.reshape(w.N, w.n)
        expo = 1.0 - self.xi_k[None, :]
        if np.any(np.isinf(tau) & (expo > 0)):
            raise NoFiniteSolution("A ban (tau = inf) on an industry whose origins are complements (xi < 1) makes "
                                   "the buyer's price infinite: no finite equilibrium. Use a finite tau (Eq. 6).")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            t = np.where(np.isinf(tau), 0.0, tau ** expo)
        return t

    # ---------- residuals and Jacobian ----------
    def _blocks(self, x, t):
        w, el = self.world, self.el
        n, N, D = w.n, w.N, w.D
        a, lw, r = x[:n], x[n:2 * n], x[2 * n:]
        t_b = t[w.cty_of]                                   # (n, n) shock factor for each producing buyer
        gsum = lambda z: z.reshape(z.shape[0], N, D).sum(1)
        expand = lambda g: g[:, w.ind_of]
        # origin tier (producers), xi per seller industry
        z = w.om_lo * t_b * np.exp((1.0 - self.xi_k)[None, :] * a[None, :])
        S = gsum(z)
        with np.errstate(divide="ignore", invalid="ignore"):
            Q = np.divide(z, expand(S), out=np.zeros_like(z), where=expand(S) > 0)
            logPlo = np.where(S > 0, np.log(np.where(S > 0, S, 1.0)) / (1.0 - el.xi)[None, :], 0.0)
        if np.any((S <= 0) & (w.om_up > 0)):
            raise NoFiniteSolution("A buyer lost every origin of an input it uses (all suppliers banned).")
        # industry tier
        logPM, sup = self._upper(w.om_up, logPlo, el.eps)
        s = expand(sup) * Q
        # labour vs intermediates
        g0 = w.gamma
        if el.phi == 1.0:
            logpf = g0 * lw + (1 - g0) * logPM
            gnew = g0.copy()
        else:
            zl = g0 * np.exp((1 - el.phi) * lw)
            zm = (1 - g0) * np.exp((1 - el.phi) * logPM)
            logpf = np.log(zl + zm) / (1 - el.phi)
            gnew = zl / (zl + zm)
        A = (1 - gnew)[:, None] * s
        # final demand
        zf = w.f_lo * t * np.exp((1.0 - self.xi_k)[None, :] * a[None, :])
        Sf = gsum(zf)
        Qf = np.divide(zf, expand(Sf), out=np.zeros_like(zf), where=expand(Sf) > 0)
        if np.any((Sf <= 0) & (w.f_up > 0)):
            raise NoFiniteSolution("A final buyer lost every origin of a good it consumes.")
        with np.errstate(divide="ignore"):
            logPlof = np.where(Sf > 0, np.log(np.where(Sf > 0, Sf, 1.0)) / (1.0 - el.xi)[None, :], 0.0)
        logPC, fup = self._upper(w.f_up, logPlof, el.eps_f)
        f = expand(fup) * Qf
        what = np.exp(lw)
        wva = what * w.VA
        scale = wva.sum() / w.VA.sum()
        Enew = wva.reshape(N, D).sum(1) + w.deficit * scale
        Rnew = w.R * np.exp(r)
        Y = A.T @ Rnew + f.T @ Enew
        return dict(a=a, lw=lw, r=r, Q=Q, s=s, A=A, gnew=gnew, logpf=logpf, f=f, Qf=Qf, logPC=logPC,
                    Enew=Enew, Rnew=Rnew, Y=Y, wva=wva)

    @staticmethod
    def _upper(om_up, logPlo, sigma):
        if sigma == 1.0:
            return (om_up * logPlo).sum(1), om_up
        z = om_up * np.exp((1 - sigma) * logPlo)
        S = z.sum(1)
        ok = S > 0                                   # buyers with no intermediate inputs (gamma = 1)
        safe = np.where(ok, S, 1.0)
        return np.where(ok, np.log(safe) / (1 - sigma), 0.0), z / safe[:, None]

    def _residual(self, B):
        w = self.world
        n = w.n
        F1 = B["a"] - B["logpf"]
        with np.errstate(divide="ignore"):
            F2 = np.log(B["gnew"]) + B["r"] + np.log(w.R) - np.log(w.VA) - B["lw"]
            F3 = np.log(B["Y"]) - np.log(w.R) - B["r"]
        F2 = F2.copy()
        F2[-1] = self._numeraire_residual(B)
        return np.concatenate([F1, F2, F3])

    def _numeraire_residual(self, B):
        if self.numeraire == "world_gdp":
            return np.log(B["wva"].sum() / self.world.VA.sum())
        return B["lw"][self.numeraire]

    def _jacobian(self, B):
        w, el = self.world, self.el
        n = w.n
        A, s, Q, f, Qf, g = B["A"], B["s"], B["Q"], B["f"], B["Qf"], B["gnew"]
        I = np.eye(n)
        J = np.zeros((3 * n, 3 * n))
        # E1
        J[:n, :n] = I - A
        J[:n, n:2 * n] = -np.diag(g)
        # E2
        J[n:2 * n, :n] = -(1 - el.phi) * A
        J[n:2 * n, n:2 * n] = np.diag((1 - el.phi) * (1 - g) - 1.0)
        J[n:2 * n, 2 * n:] = I
        J[2 * n - 1, :] = 0.0
        if self.numeraire == "world_gdp":
            J[2 * n - 1, n:2 * n] = B["wva"] / B["wva"].sum()
        else:
            J[2 * n - 1, n + self.numeraire] = 1.0
        # E3
        Y, R1, E1 = B["Y"], B["Rnew"], B["Enew"]
        WA = A * R1[:, None]
        WF = f * E1[:, None]
        xi_k = self.xi_k
        dY_da = WA.T @ (((1 - el.phi) * g - (1 - el.eps))[:, None] * s)
        dY_da += np.diag((1 - xi_k) * (WA.sum(0) + WF.sum(0)))
        dY_da += (xi_k - el.eps)[:, None] * (WA.T @ Q) * w.same_ind
        dY_da += (xi_k - el.eps_f)[:, None] * (WF.T @ Qf) * w.same_ind
        dY_da -= (1 - el.eps_f) * (WF.T @ f)
        scale_term = (f.T @ w.deficit) / w.VA.sum()                    # (n,) d E'/d w via deficits
        dY_dw = -(1 - el.phi) * (g[:, None] * WA).T + (f[w.cty_of].T + scale_term[:, None]) * B["wva"][None, :]
        J[2 * n:, :n] = dY_da / Y[:, None]
        J[2 * n:, n:2 * n] = dY_dw / Y[:, None]
        J[2 * n:, 2 * n:] = WA.T / Y[:, None] - I
        return J

    # ---------- solver ----------
    def _newton(self, x, t):
        for it in range(self.MAX_ITER):
            B = self._blocks(x, t)
            F = self._residual(B)
            res = np.max(np.abs(F))
            if not np.isfinite(res):
                return x, it, np.inf
            if res < self.TOL:
                return x, it, res
            J = self._jacobian(B)
            try:
                dx = np.linalg.solve(J, -F)
            except np.linalg.LinAlgError:
                return x, it, np.inf
            if not np.all(np.isfinite(dx)):          # singular system (e.g. autarky leaves wages indeterminate)
                return x, it, np.inf
            step = 1.0
            norm0 = np.linalg.norm(F)
            while step > 1e-4:
                xn = x + step * dx
                try:
                    with np.errstate(all="ignore"):
                        Fn = self._residual(self._blocks(xn, t))
                except NoFiniteSolution:
                    Fn = np.array([np.inf])
                if np.all(np.isfinite(Fn)) and np.linalg.norm(Fn) < (1 - 1e-4 * step) * norm0:
                    break
                step *= 0.5
            else:
                return x, it, res
            x = xn
        B = self._blocks(x, t)
        return x, self.MAX_ITER, np.max(np.abs(self._residual(B)))

    def solve(self, tau_hat=None, x0=None, max_continuation: int = 64) -> Solution:
        """Equilibrium after the iceberg shock tau_hat[i, j, e] (buyer i, seller j, industry e); inf = ban.
        Newton from x0 (warm start) on the full shock; on failure, continuation in the shock factor."""
        with _blas_threads(1):
            return self._solve(tau_hat, x0, max_continuation)

    def _solve(self, tau_hat, x0, max_continuation):
        w = self.world
        start = time.perf_counter()
        t_target = np.ones((w.N, w.n)) if tau_hat is None else self.shock_factor(tau_hat)
        x = np.zeros(3 * w.n) if x0 is None else np.asarray(x0, float).copy()
        total_it, steps = 0, 0
        lam_done, dlam = 0.0, 1.0
        x_done = x.copy()
        if x0 is not None:                       # warm start: try the full shock directly
            x_try, it, res = self._newton(x, t_target)
            total_it += it
            if res < self.TOL:
                lam_done, x_done = 1.0, x_try
            else:
                x_done = np.zeros(3 * w.n)
        while lam_done < 1.0:
            lam = min(1.0, lam_done + dlam)
            t = 1.0 + lam * (t_target - 1.0)
            x_try, it, res = self._newton(x_done, t)
            total_it += it
            steps += 1
            if res < self.TOL:
                lam_done, x_done = lam, x_try
                dlam = min(1.0, dlam * 2)
            else:
                dlam /= 4
                if dlam < 1e-4 or steps > max_continuation:
                    raise NoFiniteSolution(
                        f"No finite equilibrium reached: continuation stalled at {lam_done:.4f} of the shock "
                        f"(max residual {res:.2e}). Prices diverge, e.g. banned inputs with no substitutes.")
        B = self._blocks(x_done, t_target)
        F = self._residual(B)
        return self._pack(x_done, B, F, total_it, steps, time.perf_counter() - start)

    def _pack(self, x, B, F, iterations, steps, seconds):
        w = self.world
        N, D, n = w.N, w.D, w.n
        X_new = (B["A"] * B["Rnew"][:, None]).reshape(N, D, N, D)
        C_new = (B["f"] * B["Enew"][:, None]).reshape(N, N, D)
        PC = np.exp(B["logPC"])
        welfare = (B["Enew"] / w.E) / PC
        return Solution(w_hat=np.exp(B["lw"]).reshape(N, D), p_hat=np.exp(B["a"]).reshape(N, D), PC_hat=PC,
                        E_new=B["Enew"], welfare_hat=welfare, R_new=B["Rnew"].reshape(N, D), X_new=X_new,
                        C_new=C_new, iterations=iterations, continuation_steps=steps,
                        max_residual=float(np.max(np.abs(F))), seconds=seconds, x=x)


def solve_path(world: WorldIO, elasticities: Elasticities, tau_hat, steps: int = 2) -> tuple[np.ndarray, WorldIO]:
    """Split log tau into equal steps, recalibrating between them (cross-check of path independence).
    Returns the compounded welfare change and the final world."""
    tau = np.asarray(tau_hat, float)
    if np.isinf(tau).any():
        raise ValueError("The path cross-check needs finite shocks.")
    welfare = np.ones(world.N)
    current = world
    for _ in range(steps):
        sol = IOModel(current, elasticities).solve(tau ** (1.0 / steps))
        welfare *= sol.welfare_hat
        current = sol.recalibrated(world.countries, world.industries)
    return welfare, current
