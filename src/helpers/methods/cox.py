"""Cox proportional hazards for counting-process data, mirroring R's ``survival::coxph``.

Risk set at an event time t: rows with ``start < t <= stop`` (as in ``Surv(start, stop, event)``).
Ties: ``"efron"`` (R's default) or ``"breslow"``. Standard errors: model-based (inverse observed
information, as ``coxph``) or cluster-robust (``coxph(..., cluster=)``: sandwich of the score residuals
summed by cluster). Also: Grambsch–Therneau proportional-hazards tests as ``cox.zph`` (survival >= 3),
predicted survival curves for covariate scenarios with log-scale bands as ``survfit.coxph``,
case-grouped K-fold splits, and the Chambless–Diao time-dependent AUC as ``survAUC::AUC.cd``.

The numerics work on all event times at once, as survival's C code does, at O(n p^2 + K) per Newton step:
risk-set sums are reverse cumulative sums of per-row values binned by the event times at which each row
enters and leaves the risk set; the information matrix is one weighted X'WX (each row weighted by the sum
of 1/denominator over the deaths it is at risk for) minus the outer products of the Efron means, so no
per-event-time second moments are formed; Efron's tie correction is one slot per death. See
benchmarks/methods_cox.py for timings against ``survival::coxph``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import sparse, stats

from helpers.methods.results import Results

__all__ = [
    "CoxFitError", "CoxResults", "fit_cox", "cox_zph", "ZphResults", "predict_survival",
    "SurvivalPrediction", "case_folds", "chambless_diao_auc", "survauc_cd_faithful", "baseline_cumhaz",
    "cd_auc_from_fit",
]

CONVERGENCE_TOL = 1e-10  # max |Newton step| in beta; tighter than coxph's 1e-9 relative loglik rule
LOGLIK_RTOL = 1e-11      # rounding error of the log-likelihood, relative to the sum of |terms| (E up to ~1e6)
MAX_ITER = 50


class CoxFitError(RuntimeError):
    """Raised when the Cox fit cannot be computed (no events, singular information, divergence)."""


# ---------------------------------------------------------------------------------------------
# Risk-set structure
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _RiskSets:
    """Event times and, per row, the range of event times it is at risk at, plus one Efron "slot" per death.

    Row i is at risk at event times k with first[i] <= k < last[i]. Sums over each risk set are reverse
    cumulative sums of per-row values binned at `last` minus those binned at `first`, so a pass over all K
    risk sets costs O(n + K), never K x n. Deaths are grouped by event time (``starts``);
    the l-th death at time k carries the Efron fraction l / d_k (0 for Breslow), so a tie correction is one
    vector operation over the deaths."""

    times: np.ndarray        # (K,) distinct event times
    first: np.ndarray        # (n,) first event-time index at which the row is at risk
    last: np.ndarray         # (n,) one past the last
    bins: np.ndarray         # (2n,): last, then first + K + 1 (one bincount bins both)
    death_rows: np.ndarray   # (E,) rows with an event, grouped by event time
    death_k: np.ndarray      # (E,) their event-time index
    starts: np.ndarray       # (K,) position of each event time's first death in death_rows
    n_deaths: np.ndarray     # (K,)
    frac: np.ndarray         # (E,) Efron's l / d_k (0 for Breslow)


def _risk_sets(start, stop, event, ties: str) -> _RiskSets:
    if ties not in ("efron", "breslow"):
        raise ValueError(f"ties must be 'efron' or 'breslow', got {ties!r}")
    times = np.unique(stop[event == 1])
    if times.size == 0:
        raise CoxFitError("Cox fit: the data contain no events.")
    K, n = times.size, len(start)
    # at risk at t_k when start_i < t_k <= stop_i
    first = np.searchsorted(times, start, side="right")
    last = np.searchsorted(times, stop, side="right")
    bins = np.r_[last, first + K + 1]
    dead = np.flatnonzero(event == 1)
    dk = np.searchsorted(times, stop[dead])
    order = np.argsort(dk, kind="stable")
    dead, dk = dead[order], dk[order]
    d = np.bincount(dk, minlength=K)
    starts = np.r_[0, np.cumsum(d)[:-1]]
    rank = np.arange(dead.size) - starts[dk]
    frac = rank / d[dk] if ties == "efron" else np.zeros(dead.size)
    return _RiskSets(times, first, last, bins, dead, dk, starts, d, frac)


def _at_risk_sums(rs: _RiskSets, V: np.ndarray) -> np.ndarray:
    """(K, ...) sums of the rows of V (n, ...) over each risk set: reverse cumulative sums of the binned rows."""
    shape = V.shape
    V = V.reshape(shape[0], -1)
    K1 = rs.times.size + 1
    R = np.empty((K1, V.shape[1]))
    for j in range(V.shape[1]):        # a loop over columns, not event times: one bincount each
        b = np.bincount(rs.bins, np.r_[V[:, j], V[:, j]], minlength=2 * K1)
        R[:, j] = b[:K1] - b[K1:]
    return np.cumsum(R[::-1], axis=0)[::-1][1:].reshape(-1, *shape[1:])


def _per_time(rs: _RiskSets, v: np.ndarray) -> np.ndarray:
    """(K, ...) sums of per-death values v (E, ...) by event time."""
    return np.add.reduceat(v, rs.starts, axis=0)


def _over_span(rs: _RiskSets, a: np.ndarray) -> np.ndarray:
    """(n, ...) sum of a per-time quantity a (K, ...) over the event times each row is at risk at."""
    cum = np.concatenate([np.zeros((1, *a.shape[1:])), np.cumsum(a, axis=0)])
    return cum[rs.last] - cum[rs.first]


@dataclass(frozen=True)
class _Moments:
    """Log partial likelihood, score, information at beta, and the per-death (Efron slot) pieces the
    residuals, PH tests and survival curves reuse."""

    loglik: float
    score: np.ndarray
    info: np.ndarray | None
    w: np.ndarray            # (n,) exp(eta - shift)
    shift: float
    denom: np.ndarray        # (E,) S0_k - f D0_k
    mean: np.ndarray         # (E, p) (S1_k - f D1_k) / denom
    loglik_scale: float      # sum of the absolute terms of loglik: its rounding error is ~ eps times this


def _moments(rs: _RiskSets, X: np.ndarray, beta: np.ndarray, need_info=True) -> _Moments:
    eta = X @ beta
    shift = eta.max()
    w = np.exp(eta - shift)  # the scale cancels in ratios; the log-likelihood adds it back
    S = _at_risk_sums(rs, np.column_stack([w, w[:, None] * X]))
    wd, Xd = w[rs.death_rows], X[rs.death_rows]
    D = _per_time(rs, np.column_stack([wd, wd[:, None] * Xd]))
    k, f = rs.death_k, rs.frac
    denom = S[k, 0] - f * D[k, 0]
    mean = (S[k, 1:] - f[:, None] * D[k, 1:]) / denom[:, None]
    eta_d, log_d = eta[rs.death_rows], np.log(denom) + shift
    loglik = eta_d.sum() - log_d.sum()
    score = Xd.sum(0) - mean.sum(0)
    info = None
    if need_info:
        # sum over deaths of (S2_k - f D2_k)/denom - mean mean' without forming any S2_k: each row's x x'
        # enters with weight w_i * (sum of 1/denom over the deaths it is at risk for), minus f/denom at its own
        c = _per_time(rs, 1.0 / denom)
        g = _per_time(rs, f / denom)
        weight = w * _over_span(rs, c)
        weight[rs.death_rows] -= wd * g[k]
        info = (X * weight[:, None]).T @ X - mean.T @ mean
        info = (info + info.T) / 2
    scale = float(np.abs(eta_d).sum() + np.abs(log_d).sum())
    return _Moments(float(loglik), score, info, w, float(shift), denom, mean, scale)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class CoxResults(Results):
    """Immutable results of a Cox fit: the shared vocabulary (``params``, ``bse``, ``cov`` (robust when
    clustered, else model-based), ``pvalues``, ``conf_int()``, ``tidy()`` ...) plus hazard ratios, the
    log partial likelihoods and the model-based covariance that survival predictions use.

    ``data`` keeps the risk-set inputs (start, stop, event, X) that ``cox_zph`` and ``predict_survival``
    need; ``without_data()`` drops them."""

    names: list
    cov_model: pd.DataFrame
    cov_type: str
    loglik: float
    loglik_null: float
    n_events: int
    n_iter: int
    ties: str
    means: pd.Series

    statistic: ClassVar[str] = "z"

    @property
    def title(self) -> str:
        return f"Cox PH ({self.ties} ties, {self.cov_type} SE)"

    @property
    def hazard_ratios(self) -> pd.Series:
        return np.exp(self.params)

    @property
    def lr_stat(self) -> float:
        """Likelihood-ratio chi-square against the null model (R: ``summary(fit)$logtest``)."""
        return 2.0 * (self.loglik - self.loglik_null)

    @property
    def lr_df(self) -> int:
        return len(self.names)

    @property
    def lr_pvalue(self) -> float:
        return float(stats.chi2.sf(self.lr_stat, self.lr_df))

    def predict_lp(self, frame: pd.DataFrame, centered: bool = True) -> np.ndarray:
        """Linear predictor for new rows; centered at the fit means like ``predict.coxph``."""
        X = frame[self.names].to_numpy(float)
        if centered:
            X = X - self.means.to_numpy()
        return X @ self.params.to_numpy()

    def summary_lines(self) -> list[tuple[str, str]]:
        return [("Observations", f"{self.nobs:,}"), ("Events", f"{self.n_events:,}"),
                ("Log partial likelihood", f"{self.loglik:,.3f}"),
                ("LR test", f"{self.lr_stat:.2f} on {self.lr_df} df (p = {self.lr_pvalue:.3g})")]

    def _fit_data(self) -> dict:
        if self.data is None:
            raise ValueError("This Cox result was stripped of its data (without_data()); refit to use it.")
        return self.data


def _prepare(frame, covariates, start, stop, event):
    cols = list(covariates) + [start, stop, event]
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise KeyError(f"Cox fit: columns not in the frame: {missing}")
    keep = frame[cols].notna().all(axis=1).to_numpy()
    sub = frame.loc[keep]
    X = sub[list(covariates)].to_numpy(float)
    st = sub[start].to_numpy(float)
    sp = sub[stop].to_numpy(float)
    ev = sub[event].to_numpy(float)
    if np.any(sp <= st):
        raise ValueError("Cox fit: every row needs stop > start.")
    if not np.isin(ev, (0, 1)).all():
        raise ValueError("Cox fit: the event column must be 0/1.")
    return sub, keep, X, st, sp, ev


def fit_cox(frame: pd.DataFrame, covariates, start="start", stop="stop", event="event",
            ties="efron", cluster: str | None = None, init=None) -> CoxResults:
    """Fit ``coxph(Surv(start, stop, event) ~ covariates, ties=ties)`` by Newton–Raphson.

    Rows with a missing value in any used column are dropped (R's ``na.omit``). ``cluster`` names a
    column for cluster-robust (grouped dfbeta sandwich) standard errors, as ``coxph(cluster=)``.
    """
    covariates = list(covariates)
    if not covariates:
        raise ValueError("fit_cox needs at least one covariate.")
    sub, keep, X, st, sp, ev = _prepare(frame, covariates, start, stop, event)
    means = X.mean(0)
    Xc = X - means
    rs = _risk_sets(st, sp, ev, ties)
    p = Xc.shape[1]
    ll0 = _moments(rs, Xc, np.zeros(p), need_info=False).loglik
    beta0 = np.zeros(p) if init is None else np.asarray(init, float).copy()
    beta, m, it, converged = _newton(rs, Xc, beta0)
    if not converged:
        raise CoxFitError(f"Cox fit did not converge in {MAX_ITER} Newton steps "
                          "(monotone likelihood? a covariate may perfectly predict events).")
    ll, info = m.loglik, m.info
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        raise CoxFitError("Cox fit: information matrix is singular at the estimate.") from None
    idx = pd.Index(covariates)
    cov_model = pd.DataFrame(cov, idx, idx)
    cov_robust = None
    cov_type = "model"
    if cluster is not None:
        if cluster not in frame.columns:
            raise KeyError(f"Cox fit: cluster column {cluster!r} not in the frame")
        resid = _score_residuals(rs, Xc, m)
        groups = pd.factorize(sub[cluster].to_numpy())[0]
        by_cluster = sparse.csr_matrix((np.ones(groups.size), (groups, np.arange(groups.size))))
        dfbeta = (by_cluster @ resid) @ cov
        cov_robust = pd.DataFrame(dfbeta.T @ dfbeta, idx, idx)
        cov_type = "cluster"
    return CoxResults(
        names=covariates, params=pd.Series(beta, idx), cov=cov_robust if cov_robust is not None else cov_model,
        cov_model=cov_model, cov_type=cov_type, loglik=float(ll), loglik_null=float(ll0),
        nobs=int(keep.sum()), n_events=int(ev.sum()), n_iter=it, ties=ties,
        means=pd.Series(means, idx), converged=converged,
        data=dict(start=st, stop=sp, event=ev, X=X, rows=sub.index, ties=ties),
    )


def _newton(rs: _RiskSets, X: np.ndarray, beta: np.ndarray):
    """Newton-Raphson on the log partial likelihood. Stops when the Newton step is below CONVERGENCE_TOL;
    the step is then taken (the remaining error is of the order of its square) and the moments of the last
    evaluation, less than CONVERGENCE_TOL away, are returned for the covariance. A step is halved only
    when it lowers the log-likelihood by more than the likelihood's own rounding error; with |loglik| of
    1e4-1e5 a fixed threshold such as 1e-12 fires on rounding noise and stops short of the optimum."""
    m = _moments(rs, X, beta)
    for it in range(1, MAX_ITER + 1):
        try:
            step = np.linalg.solve(m.info, m.score)
        except np.linalg.LinAlgError as exc:
            raise CoxFitError(f"Cox fit: singular information matrix ({exc}); "
                              "check for constant or collinear covariates.") from None
        if not np.all(np.isfinite(step)):
            raise CoxFitError("Cox fit: singular information matrix; check for constant or collinear covariates.")
        if np.max(np.abs(step)) < CONVERGENCE_TOL:
            return beta + step, m, it, True
        new = _moments(rs, X, beta + step)
        for _ in range(30):
            if np.isfinite(new.loglik) and new.loglik >= m.loglik - LOGLIK_RTOL * m.loglik_scale:
                break
            step = step / 2
            new = _moments(rs, X, beta + step)
        beta, m = beta + step, new
    return beta, m, MAX_ITER, False


def _score_residuals(rs: _RiskSets, X: np.ndarray, m: _Moments) -> np.ndarray:
    """Per-row score residuals (R ``residuals(fit, 'score')``), Efron or Breslow weighting.

    Row i at risk at time k contributes -w_i sum_l c_l (x_i - mean_kl) / denom_kl, with c_l = 1 for the other
    rows and 1 - l/d_k for the deaths at k (Efron); a death also gets x_i - (average of mean_kl over l)."""
    inv = 1.0 / m.denom
    inv_d = (1.0 - rs.frac) * inv
    a_other, b_other = _per_time(rs, inv), _per_time(rs, inv[:, None] * m.mean)
    a_death, b_death = _per_time(rs, inv_d), _per_time(rs, inv_d[:, None] * m.mean)
    A, B = _over_span(rs, a_other), _over_span(rs, b_other)
    dr, dk = rs.death_rows, rs.death_k
    A[dr] += a_death[dk] - a_other[dk]          # a death uses its own weights at its event time
    B[dr] += b_death[dk] - b_other[dk]
    resid = -m.w[:, None] * (A[:, None] * X - B)
    avg_mean = _per_time(rs, m.mean) / rs.n_deaths[:, None]
    resid[dr] += X[dr] - avg_mean[dk]
    return resid


# ---------------------------------------------------------------------------------------------
# Proportional-hazards tests (cox.zph, survival >= 3)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ZphResults:
    table: pd.DataFrame          # chisq, df, p per covariate and GLOBAL
    transform: str
    event_times: np.ndarray
    g_times: np.ndarray
    scaled_schoenfeld: pd.DataFrame   # one row per event, beta + scaled residual (for plots)


def _transform_times(rs: _RiskSets, start, stop, event, transform):
    t = rs.times
    if transform == "identity":
        return t.copy()
    if transform == "log":
        return np.log(t)
    if transform == "rank":
        # rank over all event rows (ties averaged), evaluated per distinct time
        # the average rank of the d_k tied events at t_k (stats.rankdata's 'average')
        return np.cumsum(rs.n_deaths) - rs.n_deaths + (rs.n_deaths + 1) / 2
    if transform == "km":
        n_risk = _at_risk_sums(rs, np.ones(len(start)))
        surv = np.cumprod(1 - rs.n_deaths / n_risk)
        left = np.concatenate([[1.0], surv[:-1]])
        return 1 - left
    raise ValueError(f"transform must be one of km, rank, identity, log; got {transform!r}")


def cox_zph(res: CoxResults, transform: str = "km") -> ZphResults:
    """Score tests for beta_j * g(t) terms at the fitted beta, as ``survival::cox.zph``."""
    d = res._fit_data()
    X = d["X"] - res.means.to_numpy()
    rs = _risk_sets(d["start"], d["stop"], d["event"], res.ties)
    beta = res.params.to_numpy()
    m = _moments(rs, X, beta, need_info=False)
    g = _transform_times(rs, d["start"], d["stop"], d["event"], transform)
    g_rows = np.repeat(g, rs.n_deaths.astype(int))
    g = g - g_rows.mean()       # centred over events as cox.zph
    p = X.shape[1]
    # per-time observed minus expected, and the information per time:
    # V_k = sum over the deaths at k of (S2_k - f D2_k)/denom - mean mean'
    dr, f, mean = rs.death_rows, rs.frac, m.mean
    resid_k = _per_time(rs, X[dr] - mean)                                     # (K, p)
    outer = X[:, :, None] * X[:, None, :]                                     # (n, p, p)
    S2 = _at_risk_sums(rs, m.w[:, None, None] * outer)
    D2 = _per_time(rs, m.w[dr, None, None] * outer[dr])
    Vk = (_per_time(rs, 1.0 / m.denom)[:, None, None] * S2 - _per_time(rs, f / m.denom)[:, None, None] * D2
          - _per_time(rs, mean[:, :, None] * mean[:, None, :]))
    I11 = Vk.sum(0)
    I12 = np.einsum("k,kpq->pq", g, Vk)
    I22 = np.einsum("k,kpq->pq", g ** 2, Vk)
    imat = np.block([[I11, I12], [I12.T, I22]])
    u2 = g @ resid_k
    rows = []
    for j in range(p):
        kk = list(range(p)) + [p + j]
        u = np.concatenate([np.zeros(p), [u2[j]]])
        chi = float(u @ np.linalg.solve(imat[np.ix_(kk, kk)], u))
        rows.append((res.names[j], chi, 1, stats.chi2.sf(chi, 1)))
    u = np.concatenate([np.zeros(p), u2])
    chi = float(u @ np.linalg.solve(imat, u))
    rows.append(("GLOBAL", chi, p, stats.chi2.sf(chi, p)))
    table = pd.DataFrame(rows, columns=["term", "chisq", "df", "p"]).set_index("term")
    # scaled Schoenfeld residuals per event (Grambsch-Therneau): beta + n_events * V r
    ev_idx = np.where(d["event"] == 1)[0]
    k_of = np.searchsorted(rs.times, d["stop"][ev_idx])
    avg_mean = _per_time(rs, mean) / rs.n_deaths[:, None]
    schoen = X[ev_idx] - avg_mean[k_of]
    scaled = beta + res.n_events * schoen @ res.cov_model.to_numpy()
    sdf = pd.DataFrame(scaled, columns=res.names)
    sdf.insert(0, "time", d["stop"][ev_idx])
    sdf.insert(1, "g", g[k_of] + g_rows.mean())
    return ZphResults(table, transform, rs.times, g, sdf)


# ---------------------------------------------------------------------------------------------
# Predicted survival (survfit.coxph with newdata)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SurvivalPrediction:
    time: np.ndarray                    # event times (with 0 prepended)
    survival: pd.DataFrame              # columns = scenario labels
    std_cumhaz: pd.DataFrame            # se of the cumulative hazard (= se of log S)
    scenarios: pd.DataFrame

    def band(self, level: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Log-scale interval (R ``conf.type='log'``): S * exp(-/+ z se)."""
        z = stats.norm.ppf(0.5 + level / 2)
        lo = np.clip(self.survival * np.exp(-z * self.std_cumhaz), 0, 1)
        hi = np.clip(self.survival * np.exp(z * self.std_cumhaz), 0, 1)
        return lo, hi

    def at(self, t: float) -> pd.Series:
        i = np.searchsorted(self.time, t, side="right") - 1
        return self.survival.iloc[i]

    def tidy(self, levels=(0.90, 0.95)) -> pd.DataFrame:
        out = []
        for lab in self.survival.columns:
            df = pd.DataFrame({"time": self.time, "scenario": lab, "survival": self.survival[lab].values})
            for lev in levels:
                lo, hi = self.band(lev)
                df[f"lo{int(lev*100)}"] = lo[lab].values
                df[f"hi{int(lev*100)}"] = hi[lab].values
            out.append(df)
        return pd.concat(out, ignore_index=True)


def predict_survival(res: CoxResults, scenarios: pd.DataFrame) -> SurvivalPrediction:
    """Survival curves S(t|x) = exp(-Lambda0(t) e^{x'beta}) for each scenario row, with the
    variance of Lambda(t|x) including the baseline-hazard and beta uncertainty (Efron or Breslow
    hazard increments as ``survfit.coxph``, model-based covariance)."""
    d = res._fit_data()
    means = res.means.to_numpy()
    X = d["X"] - means
    rs = _risk_sets(d["start"], d["stop"], d["event"], res.ties)
    beta = res.params.to_numpy()
    m = _moments(rs, X, beta, need_info=False)
    scale = np.exp(-m.shift)  # denominators were computed with w = exp(eta - shift)
    inv = 1.0 / m.denom
    haz = _per_time(rs, inv) * scale                                     # (K,)
    varhaz = _per_time(rs, inv ** 2) * scale ** 2
    xbar = _per_time(rs, inv[:, None] * m.mean) * scale                  # (K, p)
    Z = scenarios[res.names].to_numpy(float) - means                     # (S, p)
    risk = np.exp(Z @ beta)                                              # (S,)
    H = np.cumsum(haz)
    Vh = np.cumsum(varhaz)
    Xb = np.cumsum(xbar, axis=0)
    V = res.cov_model.to_numpy()
    dvec = Xb[None, :, :] - H[None, :, None] * Z[:, None, :]             # (S, K, p)
    var = risk[:, None] ** 2 * (Vh[None, :] + np.einsum("skp,pq,skq->sk", dvec, V, dvec))
    cumhaz = risk[:, None] * H[None, :]
    labels = list(scenarios.index.astype(str))
    time = np.concatenate([[0.0], rs.times])
    surv = pd.DataFrame(np.vstack([np.ones(len(labels)), np.exp(-cumhaz).T]), columns=labels)
    se = pd.DataFrame(np.vstack([np.zeros(len(labels)), np.sqrt(var).T]), columns=labels)
    return SurvivalPrediction(time, surv, se, scenarios)


# ---------------------------------------------------------------------------------------------
# Cross-validation and Chambless-Diao AUC
# ---------------------------------------------------------------------------------------------
def case_folds(case_ids, k: int, seed: int) -> pd.Series:
    """Balanced random assignment of cases to folds 1..k (R: ``sample(rep(1:k, ...)[1:n])``)."""
    if not isinstance(k, (int, np.integer)) or k < 2:
        raise ValueError(f"cv_folds must be an integer >= 2, got {k!r}")
    cases = pd.unique(pd.Series(case_ids).dropna())
    if len(cases) < k:
        raise ValueError(f"{len(cases)} cases cannot be split into {k} folds")
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.resize(np.arange(1, k + 1), len(cases)))
    return pd.Series(labels, index=cases, name="fold")


def _breslow_survival_at(times, train_time, train_event, lp_train, lp_new):
    """Model-based S(t|m) = S0(t)^{exp(m)} with a Breslow baseline on (time, status) data."""
    c = lp_train.mean()
    r = np.exp(lp_train - c)
    ut = np.unique(train_time[train_event > 0])
    H = np.array([train_event[train_time == t].sum() / r[train_time >= t].sum() for t in ut])
    H = np.cumsum(H)
    idx = np.searchsorted(ut, times, side="right") - 1
    Ht = np.where(idx >= 0, H[np.clip(idx, 0, None)], 0.0)
    return np.exp(-np.outer(Ht, np.exp(lp_new - c)))     # (T, n_new)


def _shell_sort_order(x: np.ndarray) -> np.ndarray:
    """Permutation produced by R's ``rsort_xyz`` shell sort (survAUC's C sort), ties included.

    Each pass with gap h is an insertion sort of every residue class mod h; insertion sort with a strict
    comparison is stable, so a pass equals a stable sort of each class, done here with one lexsort.
    """
    vals = np.asarray(x, float).copy()
    n = len(vals)
    idx = np.arange(n)
    h = 1
    while h <= n // 9:
        h = 3 * h + 1
    pos = np.arange(n)
    while h > 0:
        cls = pos % h
        order = np.lexsort((pos, vals, cls))      # by class, then value, ties by current position
        target = np.lexsort((pos, cls))           # the class's slots in increasing position
        new_vals, new_idx = np.empty_like(vals), np.empty_like(idx)
        new_vals[target], new_idx[target] = vals[order], idx[order]
        vals, idx = new_vals, new_idx
        h //= 3
    return idx


def survauc_cd_faithful(time, status, lp, time_new, lp_new, times):
    """Port of ``survAUC::AUC.cd`` (C ``Cham_Diao`` + ``survfit_cox``), bugs included.

    ``survfit_cox`` shell-sorts the training rows by ``time`` and, when it tallies events per distinct
    time, adds the status of every tied row except the first to the *next* distinct time. With
    ``Surv(start, stop, event)`` inputs, survAUC reads column 1 (start) as time and column 2 (stop)
    as status, so 'status' is a count of years; this reproduces exactly that.
    """
    time = np.asarray(time, float)
    status = np.asarray(status, float)
    lp = np.asarray(lp, float)
    order = _shell_sort_order(time)
    t_s, e_s, lp_s = time[order], status[order], lp[order]
    lp_mean = lp.mean()
    r = np.exp(lp_s - lp_mean)
    R = np.cumsum(r[::-1])[::-1]                  # risk sums from each sorted position on
    first = np.concatenate([[True], np.abs(np.diff(t_s)) > np.finfo(float).eps])
    grp = np.cumsum(first) - 1                    # distinct-time group of each row
    n_event = np.zeros(first.sum())
    n_event[0] = e_s[0]
    # C loop: n_event[j] += event[i], j = (groups started before i) -> for a first row j = its group,
    # for a tied row j = its group + 1
    tgt = np.where(first, grp, grp + 1)[1:]
    ok = tgt < len(n_event)
    np.add.at(n_event, tgt[ok], e_s[1:][ok])
    haz = n_event / R[first]
    H = np.cumsum(haz)
    ut = t_s[first]
    keep = n_event > 0
    H, ut = H[keep], ut[keep]
    surv = np.exp(-np.outer(H, np.exp(np.asarray(lp_new, float) - lp_mean)))  # (J, n_new)
    times = np.asarray(times, float)
    idx = np.searchsorted(ut, times, side="right") - 1
    S = np.where(idx[:, None] >= 0, surv[np.clip(idx, 0, None)], 1.0)        # (T, n_new)
    return _cd_from_survival(S, np.asarray(lp_new, float))


def _cd_from_survival(S: np.ndarray, lp_new: np.ndarray) -> np.ndarray:
    """AUC(t) = sum_{i,j: m_j < m_i} (1 - S_i) S_j / (n^2 mean(1-S) mean(S))  (survAUC's form)."""
    n = S.shape[1]
    order = np.argsort(lp_new, kind="stable")
    m_sorted = lp_new[order]
    Ss = S[:, order]
    # for each i: sum of S_j over j with m_j < m_i (strict), via cumulative sums over sorted lp
    cum = np.concatenate([np.zeros((S.shape[0], 1)), np.cumsum(Ss, axis=1)], axis=1)
    n_less = np.searchsorted(m_sorted, m_sorted, side="left")
    below = cum[:, n_less]
    EW = ((1 - Ss) * below).sum(1)
    sbar = S.mean(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = 1.0 / ((1 - sbar) * sbar)
        auc = np.where(np.isfinite(f), f * EW / n ** 2, 0.0)
    return auc


def chambless_diao_auc(train_time, train_event, lp_train, lp_new, times) -> np.ndarray:
    """Chambless & Diao (2006, sec. 3.3) cumulative/dynamic AUC with a Breslow baseline from the
    training data and one (time, event, lp) per test subject (the 'corrected' use)."""
    S = _breslow_survival_at(np.asarray(times, float), np.asarray(train_time, float),
                             np.asarray(train_event, float), np.asarray(lp_train, float),
                             np.asarray(lp_new, float))
    return _cd_from_survival(S, np.asarray(lp_new, float))


def baseline_cumhaz(res: CoxResults) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative baseline hazard at the covariate means (Efron/Breslow increments as survfit.coxph)."""
    scen = pd.DataFrame([res.means.to_numpy()], columns=res.names)
    pred = predict_survival(res, scen)
    return pred.time, -np.log(pred.survival.iloc[:, 0].to_numpy())


def cd_auc_from_fit(res: CoxResults, lp_new_centered, times) -> np.ndarray:
    """Chambless–Diao AUC for test subjects with linear predictors centred at the fit means, using the
    fit's own (counting-process, tie-corrected) baseline: S(t|m) = exp(-H0(t) e^m)."""
    t0, H0 = baseline_cumhaz(res)
    times = np.asarray(times, float)
    idx = np.searchsorted(t0, times, side="right") - 1
    S = np.exp(-np.outer(H0[idx], np.exp(np.asarray(lp_new_centered, float))))
    return _cd_from_survival(S, np.asarray(lp_new_centered, float))


# ---------------------------------------------------------------------------------------------
# Simulated counting-process data (tests and benchmarks of the estimator)
# ---------------------------------------------------------------------------------------------
SIM_BETA = (0.5, -0.4, 0.3, -0.2, 0.1)


def simulate_spells(n_subjects: int, horizon: int = 25, spell_length: int = 1, rate: float = 0.06,
                    censor_share: float = 0.5, seed: int = 0) -> pd.DataFrame:
    """Counting-process rows (``id, start, stop, event, x1..x5, tv``) with known coefficients :data:`SIM_BETA`
    on x1..x5 and a time-varying ``tv`` without effect. Event times are exponential with hazard
    ``rate * exp(x'beta)`` per time unit, rounded up to whole units (so events tie), censored uniformly over
    the horizon for ``censor_share`` of the subjects and at ``horizon`` for all; each follow-up is cut into
    spells of ``spell_length`` units (yearly rows of daily times: ``spell_length=365``)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_subjects, len(SIM_BETA)))
    t_event = np.ceil(rng.exponential(1.0 / (rate * np.exp(X @ np.asarray(SIM_BETA))))).astype(np.int64)
    censor = np.where(rng.random(n_subjects) < censor_share, rng.integers(1, horizon + 1, n_subjects), horizon)
    end = np.maximum(np.minimum(t_event, censor), 1)
    event = (t_event <= censor).astype(float)
    n_spells = -(-end // spell_length)
    sid = np.repeat(np.arange(n_subjects), n_spells)
    j = np.arange(sid.size) - np.repeat(np.cumsum(n_spells) - n_spells, n_spells)
    start = j * spell_length
    stop = np.minimum(start + spell_length, end[sid])
    last = j == n_spells[sid] - 1
    out = pd.DataFrame({"id": sid, "start": start.astype(float), "stop": stop.astype(float),
                        "event": np.where(last, event[sid], 0.0)})
    for q in range(X.shape[1]):
        out[f"x{q + 1}"] = X[sid, q]
    out["tv"] = rng.normal(size=sid.size)
    return out
