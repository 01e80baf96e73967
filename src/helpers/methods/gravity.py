"""Structural gravity: PPML with exporter-year and importer-year fixed effects, residuals, second stage.

Two engines give the same estimates (tests check it to 1e-6):

* ``"dense"``: IRLS on the panel laid out as (exporter, importer, year) arrays. With exporter-year and
  importer-year fixed effects the weighted within-transformation splits into one two-way problem per year,
  which is solved *exactly* by eliminating the exporter effects (an n x n linear system per year) instead of
  by alternating projections. Fast for the square panels of gravity (all pairs, domestic flows included).
* ``"pyfixest"``: ``pyfixest.fepois``/``feols`` (any fixed-effect structure, e.g. with pair effects), with
  the MAP demeaner on pyfixest's Rust backend by default (see benchmarks/phillips_ahmad_*).

The residual is `trade - trade_hat` on the response scale (the paper's "unexplained trade"), in the
trade's units; the ratio residual is `resid / trade` where trade >= `min_trade`.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import gammaln

FE_STRUCTURES = ("exp_year+imp_year", "exp_year+imp_year+pair", "exp+imp+year")
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
        countries = np.sort(pd.unique(np.concatenate([df[exporter].to_numpy(), df[importer].to_numpy()])))
        years = np.sort(pd.unique(df[year].to_numpy()))
        ii = pd.Categorical(df[exporter], categories=countries).codes.astype(np.int64)
        jj = pd.Categorical(df[importer], categories=countries).codes.astype(np.int64)
        tt = pd.Categorical(df[year], categories=years).codes.astype(np.int64)
        mask = np.zeros((len(years), len(countries), len(countries)), bool)
        mask[tt, ii, jj] = True
        if mask.sum() != len(df):
            raise GravityError("Duplicate exporter-importer-year rows: aggregate before fitting.")
        return cls(countries, years, ii, jj, tt, mask)

    def array(self, values, fill=0.0) -> np.ndarray:
        out = np.full(self.mask.shape, fill, dtype=float)
        out[self.tt, self.ii, self.jj] = np.asarray(values, dtype=float)
        return out

    def take(self, arr: np.ndarray) -> np.ndarray:
        return arr[..., self.tt, self.ii, self.jj]


def demean_twoway(V: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted within-transformation of V (K, T, n, n) on exporter-year + importer-year effects.

    Exact: per year, minimise sum_ij W_ij (v_ij - a_i - b_j)^2 by eliminating a and solving the n x n
    system (diag(c) - W' diag(1/r) W + 11'/n) b = C v - W' (R v / r) on the connected importers."""
    K, T, n, _ = V.shape
    out = np.empty_like(V)
    for t in range(T):
        w = W[t]
        r, c = w.sum(1), w.sum(0)
        ra, ca = r > 0, c > 0
        rinv = np.where(ra, 1.0 / np.where(ra, r, 1.0), 0.0)
        wv = w[None] * V[:, t]
        Rv, Cv = wv.sum(2), wv.sum(1)                        # (K, n)
        M = -(w.T * rinv[None, :]) @ w
        M[np.diag_indices(n)] += c
        M[np.ix_(ca, ca)] += 1.0 / max(ca.sum(), 1)           # pins the free level: sum(b) = 0 on active cols
        M[~ca, :] = 0.0
        M[:, ~ca] = 0.0
        M[~ca, ~ca] = 1.0
        rhs = Cv - (Rv * rinv[None, :]) @ w                   # (K, n)
        rhs[:, ~ca] = 0.0
        try:
            b = np.linalg.solve(M, rhs.T).T
        except np.linalg.LinAlgError:
            b = (np.linalg.pinv(M) @ rhs.T).T
        a = (Rv - b @ w.T) * rinv[None, :]
        out[:, t] = V[:, t] - a[:, :, None] - b[:, None, :]
    return out


def _gram(A: np.ndarray, W: np.ndarray, B: np.ndarray | None = None) -> np.ndarray:
    """sum over cells of W * A_k * B_l, for stacked (K, T, n, n) arrays, as a matrix product."""
    a = A.reshape(A.shape[0], -1)
    b = a if B is None else B.reshape(B.shape[0], -1)
    return (a * W.reshape(1, -1)) @ b.T


def _drop_collinear(Xd: np.ndarray, X: np.ndarray, W: np.ndarray, names: list[str]) -> list[int]:
    """Indices of regressors kept after partialling out the FE and earlier regressors (pivot-free Gram-Schmidt)."""
    keep, basis = [], []
    for k in range(Xd.shape[0]):
        v = Xd[k].copy()
        for q in basis:
            v -= (np.sum(W * v * q) / np.sum(W * q * q)) * q
        scale = np.sum(W * (X[k] - np.sum(W * X[k]) / W.sum()) ** 2)
        if scale > 0 and np.sum(W * v * v) > COLLIN_TOL * scale:
            keep.append(k)
            basis.append(v)
    return keep


@dataclass
class DenseFit:
    params: np.ndarray
    vcov: np.ndarray
    names: list
    dropped: list
    mu: np.ndarray          # fitted means on the (n, n, T) layout; 0 in exporter/importer-years with no trade
    converged: bool
    iterations: int
    nobs: int
    n_fe: int


def _crv1(Xd, resid_w, W, cluster, nobs, k):
    """Cluster-robust (CRV1) sandwich with fixest's small-sample factors G/(G-1) * (N-1)/(N-K)."""
    bread = np.linalg.inv(_gram(Xd, W))
    scores = (Xd * resid_w[None]).reshape(Xd.shape[0], -1).T      # (cells, K)
    cl = cluster.reshape(-1)
    sel = cl >= 0
    G = int(cl[sel].max()) + 1
    S = np.zeros((G, Xd.shape[0]))
    np.add.at(S, cl[sel], scores[sel])
    G_eff = int(np.count_nonzero(np.bincount(cl[sel], minlength=G)))
    meat = S.T @ S
    adj = G_eff / (G_eff - 1) * (nobs - 1) / (nobs - k)
    return adj * bread @ meat @ bread


def _hetero(Xd, resid_w, W, nobs, k):
    bread = np.linalg.inv(_gram(Xd, W))
    sc = (Xd * resid_w[None]).reshape(Xd.shape[0], -1)
    return nobs / (nobs - k) * bread @ (sc @ sc.T) @ bread


def ppml_dense(Y: np.ndarray, X: np.ndarray, mask: np.ndarray, names: list[str], vcov: str = "pair") -> DenseFit:
    """PPML with exporter-year and importer-year FE on (n, n, T) arrays by IRLS with exact demeaning."""
    mask = mask.copy()
    Y = np.where(mask, Y, 0.0)
    # exporter-years / importer-years without any trade: the FE diverges to -inf, the fit is 0 there
    mask &= (Y.sum(2, keepdims=True) > 0) & (Y.sum(1, keepdims=True) > 0)
    if mask.sum() == 0:
        raise GravityError("No observations with positive trade in any exporter-year and importer-year.")
    m = mask.astype(float)
    ybar = Y[mask].mean()
    mu = np.where(mask, (Y + ybar) / 2, 0.0)
    eta = np.where(mask, np.log(np.where(mask, mu, 1.0)), 0.0)
    dev_old, converged, it = np.inf, False, 0
    keep = list(range(X.shape[0]))
    beta = np.zeros(X.shape[0])
    for it in range(1, IRLS_MAXITER + 1):
        W = mu * m
        z = np.where(mask, eta + (Y - mu) / np.where(mask, mu, 1.0), 0.0)
        D = demean_twoway(np.concatenate([z[None], X[keep]]), W)
        zd, Xd = D[0], D[1:]
        if it == 1:
            k_local = _drop_collinear(Xd, X[keep], W, names)
            keep = [keep[q] for q in k_local]
            Xd = Xd[k_local]
        beta = np.linalg.solve(_gram(Xd, W), _gram(Xd, W, zd[None])[:, 0])
        resid_z = zd - np.tensordot(beta, Xd, axes=1)
        eta = np.where(mask, z - resid_z, 0.0)
        mu = np.where(mask, np.exp(np.clip(eta, -700, 700)), 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            dev = 2 * np.sum(np.where(mask & (Y > 0), Y * np.log(Y / mu), 0.0) - np.where(mask, Y - mu, 0.0))
        if not np.isfinite(dev):
            raise GravityError("PPML diverged (non-finite deviance); check for perfectly separated cells.")
        if abs(dev - dev_old) / (0.1 + abs(dev)) < IRLS_TOL:
            converged = True
            break
        dev_old = dev
    if not converged:
        raise GravityError(f"PPML did not converge in {IRLS_MAXITER} IRLS iterations.")
    W = mu * m
    Xd = demean_twoway(X[keep], W)
    nobs = int(mask.sum())
    n_levels = int(mask.any(2).sum() + mask.any(1).sum())
    n_fe = n_levels - mask.shape[0]          # free FE parameters (one level per year is redundant)
    k = len(keep)
    resid = np.where(mask, Y - mu, 0.0)
    if vcov == "pair":
        n = mask.shape[1]
        cluster = np.where(mask, (np.arange(n)[:, None] * n + np.arange(n)[None, :])[None], -1)
        V = _crv1(Xd, resid, W, cluster, nobs, k + n_levels)  # pyfixest counts every level
    elif vcov == "hetero":
        V = _hetero(Xd, resid, W, nobs, k + n_levels)
    else:
        raise ValueError(f"vcov must be 'pair' or 'hetero' for the dense engine; got {vcov!r}.")
    return DenseFit(beta, V, [names[q] for q in keep], [names[q] for q in range(len(names)) if q not in keep],
                    mu, converged, it, nobs, n_fe)


def ols_dense(Y: np.ndarray, X: np.ndarray, mask: np.ndarray, names: list[str], vcov: str = "pair") -> DenseFit:
    """OLS of Y on X with exporter-year and importer-year FE on (n, n, T) arrays (exact demeaning)."""
    m = mask.astype(float)
    D = demean_twoway(np.concatenate([np.where(mask, Y, 0.0)[None], np.where(mask[None], X, 0.0)]), m)
    yd, Xd = D[0], D[1:]
    keep = _drop_collinear(Xd, X, m, names)
    Xd = Xd[keep]
    beta = np.linalg.solve(_gram(Xd, m), _gram(Xd, m, yd[None])[:, 0])
    resid = np.where(mask, yd - np.tensordot(beta, Xd, axes=1), 0.0)
    nobs = int(mask.sum())
    n_levels = int(mask.any(2).sum() + mask.any(1).sum())
    n_fe = n_levels - mask.shape[0]
    n = mask.shape[1]
    if vcov == "pair":
        cluster = np.where(mask, (np.arange(n)[:, None] * n + np.arange(n)[None, :])[None], -1)
        V = _crv1(Xd, resid, m, cluster, nobs, len(keep) + n_levels)
    else:
        V = _hetero(Xd, resid, m, nobs, len(keep) + n_levels)
    fitted = np.where(mask, Y - resid, 0.0)
    return DenseFit(beta, V, [names[q] for q in keep], [names[q] for q in range(len(names)) if q not in keep],
                    fitted, True, 1, nobs, n_fe)


# ----------------------------------------------------------------------------------------------
# results
# ----------------------------------------------------------------------------------------------
@dataclass
class RegressionResult:
    """One regression: coefficients, SEs, fit statistics and (for gravity) the data with fitted values."""

    label: dict
    params: pd.Series
    bse: pd.Series
    nobs: int
    dropped: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    data: pd.DataFrame | None = None
    engine: str = "dense"

    @property
    def tvalues(self) -> pd.Series:
        return self.params / self.bse

    @property
    def pvalues(self) -> pd.Series:
        return pd.Series(2 * stats.norm.sf(np.abs(self.tvalues)), index=self.params.index)

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        z = stats.norm.ppf(0.5 + level / 2)
        return pd.DataFrame({"low": self.params - z * self.bse, "high": self.params + z * self.bse})

    def tidy(self) -> pd.DataFrame:
        out = pd.DataFrame({"term": self.params.index, "estimate": self.params.values, "se": self.bse.values,
                            "p": self.pvalues.values})
        for k, v in self.label.items():
            out.insert(0, k, v)
        return out


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

    `engine="auto"` uses the dense engine for exporter-year + importer-year FE and pyfixest otherwise."""
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
        engine = "dense" if fe_structure == "exp_year+imp_year" else "pyfixest"
    data = df.copy()
    if engine == "dense":
        if fe_structure != "exp_year+imp_year":
            raise ValueError("The dense engine supports only fe_structure='exp_year+imp_year'; use engine='pyfixest'.")
        panel = DensePanel.from_frame(data)
        Y = panel.array(data[y].to_numpy())
        X = np.stack([panel.array(data[v].to_numpy()) for v in x])
        with single_threaded_blas():
            fit = ppml_dense(Y, X, panel.mask, x, vcov=vcov)
        data["yhat"] = panel.take(fit.mu)
        params = pd.Series(fit.params, index=fit.names)
        bse = pd.Series(np.sqrt(np.diag(fit.vcov)), index=fit.names)
        nobs, n_fe, dropped = fit.nobs, fit.n_fe, fit.dropped
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
        params, bse = res.coef(), res.se()
        params.index, bse.index = list(map(str, params.index)), list(map(str, bse.index))
        # rows whose fixed-effect level was dropped (all-zero groups, separation) predict NaN: their fit is 0
        yhat = np.asarray(res.predict(newdata=data, type="response"), dtype=float)
        kept = np.isfinite(yhat)
        yhat = np.where(kept, yhat, 0.0)
        data["yhat"] = yhat
        nobs = int(res._N)
        n_fe = int(sum(data.loc[kept, c.strip()].nunique() for c in fe.split("+")) - (len(fe.split("+")) - 1))
        dropped = [v for v in x_all if v not in params.index]
        est = kept
    else:
        raise ValueError(f"engine must be 'auto', 'dense' or 'pyfixest'; got {engine!r}.")
    data = add_residuals(data, y=y, min_trade=min_trade)
    fitstats = adjusted_pseudo_r2(data.loc[est, y].to_numpy(), data.loc[est, "yhat"].to_numpy(),
                                  len(params) + n_fe)
    return RegressionResult(label or {}, params, bse, nobs, dropped, fitstats, data, engine)


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
        X = np.stack([panel.array(data[v].to_numpy()) for v in x])
        with single_threaded_blas():
            fit = ols_dense(Y, X, panel.mask, x, vcov=vcov)
        params = pd.Series(fit.params, index=fit.names)
        bse = pd.Series(np.sqrt(np.diag(fit.vcov)), index=fit.names)
        return RegressionResult(label or {}, params, bse, fit.nobs, fit.dropped, {}, None, "dense")
    import pyfixest as pf

    _fe_columns(data, "exp_year+imp_year")
    res = pf.feols(f"{y} ~ {' + '.join(x)} | exp_year + imp_year", data=data,
                   vcov={"CRV1": "pair"} if vcov == "pair" else "hetero")
    params, bse = res.coef(), res.se()
    params.index, bse.index = list(map(str, params.index)), list(map(str, bse.index))
    return RegressionResult(label or {}, params, bse, int(res._N), [v for v in x if v not in params.index],
                            {}, None, "pyfixest")


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
    for key, g in data.dropna(subset=[value]).groupby(by):
        v = g[value].to_numpy()
        if band == "pct":
            lo, hi = np.percentile(v, [2.5, 97.5])
        else:
            idx = rng.integers(0, len(v), (n_boot, len(v)))
            meds = np.median(v[idx], axis=1)
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
    sub = data[(data[own] == reporter) & (data[other].isin(list(partners)))]
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


def stars(p: float) -> str:
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.10 else ""
