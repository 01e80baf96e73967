"""helpers.methods.gls_arma: nlme cross-check (recorded fixture), algebra, known-answer recovery, errors."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.tsa.arima_process import arma_acf as sm_arma_acf

from helpers.methods.gls_arma import (GLSARMAError, arma_acf, coef_to_pacf, gls_arma, pacf_to_coef,
                                      simulate_arma_errors)

FIXTURES = Path(__file__).parent / "fixtures"
REF = json.loads((FIXTURES / "nlme_reference.json").read_text())
CASES = [k for k in REF if not k.startswith("_")]

# The acceptance tolerances against nlme (both optimisers stop at slightly different points).
REL_TOL_COEF_SE = 1e-4
ABS_TOL_LOGLIK = 1e-3
ABS_TOL_ARMA = 1e-3


def _design(file: str) -> tuple[pd.DataFrame, list[str]]:
    d = pd.read_csv(FIXTURES / file)
    yd = pd.get_dummies(d["year"], prefix="fyear", prefix_sep="", drop_first=True).astype(float)
    return pd.concat([d, yd], axis=1), ["x1", "x2", "x3", *yd.columns]


@pytest.mark.parametrize("case", CASES)
def test_matches_nlme(case):
    r = REF[case]
    d, x = _design(r["file"])
    res = gls_arma(d, "y", x, "dyad", "year", p=r["p"], q=r["q"], method=r["method"],
                   correlation_index=r["index"])
    assert list(res.params.index) == r["terms"]
    np.testing.assert_allclose(res.params.values, r["coef"], rtol=REL_TOL_COEF_SE)
    np.testing.assert_allclose(res.bse.values, r["se"], rtol=REL_TOL_COEF_SE)
    assert abs(res.llf - r["loglik"]) < ABS_TOL_LOGLIK
    assert abs(res.aic - r["aic"]) < 2 * ABS_TOL_LOGLIK
    assert abs(res.bic - r["bic"]) < 2 * ABS_TOL_LOGLIK
    np.testing.assert_allclose(res.phi, r["phi"], atol=ABS_TOL_ARMA)
    np.testing.assert_allclose(res.theta, r["theta"], atol=ABS_TOL_ARMA)
    assert res.sigma == pytest.approx(r["sigma"], rel=REL_TOL_COEF_SE)
    assert res.nobs == r["nobs"]


@pytest.mark.parametrize("phi,theta", [([0.4], [-0.7]), ([0.5, -0.2], [0.3]), ([], [0.5]), ([0.3], []),
                                       ([0.2, 0.1], [0.3, -0.2])])
def test_acf_matches_statsmodels(phi, theta):
    ours = arma_acf(phi, theta, 8)
    ref = sm_arma_acf(np.r_[1, -np.array(phi)], np.r_[1, np.array(theta)], 9)
    np.testing.assert_allclose(ours, ref, atol=1e-12)


def test_pacf_transform_round_trip_and_stationary():
    u = np.array([0.3, -1.2, 2.5])
    coef = pacf_to_coef(u)
    np.testing.assert_allclose(coef_to_pacf(coef), u, atol=1e-10)
    roots = np.roots(np.r_[-coef[::-1], 1.0])  # 1 - sum a_k z^k
    assert np.all(np.abs(roots) > 1)


def _panel(seed=3, n_groups=150, T=10, gaps=True, phi=(0.4,), theta=(-0.7,)):
    rng = np.random.default_rng(seed)
    e = simulate_arma_errors(n_groups, T, phi=phi, theta=theta, sigma=0.5, rng=rng).ravel()
    g = np.repeat(np.arange(n_groups), T)
    t = np.tile(np.arange(T), n_groups)
    X = rng.normal(size=(g.size, 2))
    y = 1.0 + X @ np.array([0.5, -0.25]) + e
    keep = (rng.random(g.size) > 0.2) if gaps else np.ones(g.size, bool)
    return y[keep], X[keep], g[keep], t[keep]


def test_fast_crossproducts_equal_bruteforce_whitening():
    """The span/precision-correction algebra equals per-group Cholesky whitening of the observed rows."""
    y, X, g, t = _panel()
    phi, theta = [0.35], [-0.6]
    rho = arma_acf(phi, theta, 20)
    Xc = np.column_stack([np.ones(len(y)), X])
    Ws, logdet = [], 0.0
    for grp in np.unique(g):
        m = g == grp
        tt = t[m]
        L = np.linalg.cholesky(rho[np.abs(tt[:, None] - tt[None, :])])
        Ws.append(np.linalg.solve(L, np.column_stack([Xc[m], y[m]])))
        logdet += 2 * np.log(np.diag(L)).sum()
    W = np.vstack(Ws)
    beta = np.linalg.lstsq(W[:, :-1], W[:, -1], rcond=None)[0]
    rss = np.sum((W[:, -1] - W[:, :-1] @ beta) ** 2)
    N, k = Xc.shape
    ll = -0.5 * (N - k) * (np.log(2 * np.pi * rss / (N - k)) + 1) - 0.5 * logdet \
        - 0.5 * np.linalg.slogdet(W[:, :-1].T @ W[:, :-1])[1]
    from helpers.methods.gls_arma import _layout, _Profile
    spans, _ = _layout(g, t, np.column_stack([Xc, y]))
    prof = _Profile(spans, N, k, 1, 1, True)
    u = np.r_[coef_to_pacf(np.array(phi)), coef_to_pacf(-np.array(theta))]
    sol = prof.solve(u)
    np.testing.assert_allclose(sol["beta"], beta, rtol=1e-9)
    assert sol["ll"] == pytest.approx(ll, abs=1e-8)


def test_arma00_equals_ols():
    y, X, g, t = _panel(gaps=True)
    res = gls_arma(None, y, X, g, t, p=0, q=0, method="ML")
    ols = sm.OLS(y, sm.add_constant(X)).fit()
    np.testing.assert_allclose(res.params.values, ols.params, rtol=1e-10)
    np.testing.assert_allclose(res.bse.values, ols.bse, rtol=1e-10)
    assert res.llf == pytest.approx(ols.llf, abs=1e-8)


def test_recovers_known_parameters():
    y, X, g, t = _panel(seed=7, n_groups=1500, T=12, gaps=True)
    res = gls_arma(None, y, X, g, t, p=1, q=1)
    true = np.array([1.0, 0.5, -0.25])
    assert np.all(np.abs(res.params.values - true) < 3 * res.bse.values)
    assert res.phi[0] == pytest.approx(0.4, abs=0.08)
    assert res.theta[0] == pytest.approx(-0.7, abs=0.08)
    marginal_sd = 0.5 * np.sqrt((1 + 2 * 0.4 * -0.7 + 0.49) / (1 - 0.16))  # nlme: sigma is the marginal SD
    assert res.sigma == pytest.approx(marginal_sd, abs=0.02)
    assert res.converged


def test_order_and_time_index_agree_on_balanced_panel():
    y, X, g, t = _panel(gaps=False)
    a = gls_arma(None, y, X, g, t, correlation_index="time")
    b = gls_arma(None, y, X, g, t * 3, correlation_index="order")  # spacing is ignored by "order"
    np.testing.assert_allclose(a.params.values, b.params.values, rtol=1e-6)
    assert a.llf == pytest.approx(b.llf, abs=1e-6)


def test_results_interface():
    y, X, g, t = _panel()
    res = gls_arma(None, y, X, g, t, names=["a", "b"])
    ci = res.conf_int()
    assert list(ci.columns) == ["lower", "upper"]
    assert np.all(ci["lower"] < res.params) and np.all(res.params < ci["upper"])
    assert res.cov.shape == (3, 3)
    assert res.k_params == 3 + 2 + 1
    assert res.aic == pytest.approx(-2 * res.llf + 2 * res.k_params)
    text = res.summary()
    assert "Akaike Inf. Crit." in text and "Observations" in text and "b " in text


def test_errors_are_clear():
    y, X, g, t = _panel()
    with pytest.raises(GLSARMAError, match="method"):
        gls_arma(None, y, X, g, t, method="GMM")
    with pytest.raises(GLSARMAError, match="correlation_index"):
        gls_arma(None, y, X, g, t, correlation_index="lag")
    y2 = y.copy()
    y2[0] = np.nan
    with pytest.raises(GLSARMAError, match="missing"):
        gls_arma(None, y2, X, g, t)
    with pytest.raises(GLSARMAError, match="unique"):
        gls_arma(None, y, X, np.zeros_like(g), np.zeros_like(t))
    with pytest.raises(GLSARMAError, match="rank deficient"):
        gls_arma(None, y, np.column_stack([X, X[:, 0]]), g, t)
    with pytest.raises(GLSARMAError, match="columns not in data"):
        gls_arma(pd.DataFrame({"y": y}), "y", ["nope"], "g", "t")


def test_frequent_gap_patterns_equal_per_group_correction(monkeypatch):
    """Both gap paths (own cross-products per frequent pattern; per-group correction) give the same sums."""
    import helpers.methods.gls_arma as G

    d = pd.read_csv(FIXTURES / "gls_panel_gaps.csv")
    Xy = np.column_stack([np.ones(len(d)), d[["x1", "x2", "x3"]].to_numpy(), d.y.to_numpy()])
    u = np.array([0.5, -0.5])
    out = []
    for threshold in (10 ** 9, 2):
        monkeypatch.setattr(G, "_DENSE_PATTERN_MIN_GROUPS", threshold)
        spans, _ = G._layout(d.dyad.to_numpy(), d.year.to_numpy(), Xy)
        out.append((sum(len(s.gap_patterns) for s in spans), *G._Profile(spans, len(d), 4, 1, 1, True).crossprod(u)))
    assert out[0][0] == 0 and out[1][0] > 10
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-10, atol=1e-9)
    assert out[0][2] == pytest.approx(out[1][2], abs=1e-9)


# ---- the exact gradient ---------------------------------------------------------------------------
GRAD_RTOL = 1e-7       # a Richardson-extrapolated central difference is good to ~1e-9 here


@pytest.mark.parametrize("reml", [False, True])
@pytest.mark.parametrize("p,q,u", [(1, 1, [0.5, -0.5]), (2, 1, [0.3, 0.2, -0.4]), (0, 2, [0.3, -0.2]), (1, 0, [0.7])])
@pytest.mark.parametrize("threshold", [10 ** 9, 2])
def test_analytic_gradient_matches_careful_finite_differences(monkeypatch, reml, p, q, u, threshold):
    """Every piece of the likelihood (complete spans, frequent gap patterns, per-group gap corrections; ML and
    REML; AR, MA and mixed orders) against a Richardson-extrapolated central difference."""
    import helpers.methods.gls_arma as G

    monkeypatch.setattr(G, "_DENSE_PATTERN_MIN_GROUPS", threshold)
    d = pd.read_csv(FIXTURES / "gls_panel_gaps.csv")
    Xy = np.column_stack([np.ones(len(d)), d[["x1", "x2", "x3"]].to_numpy(), d.y.to_numpy()])
    spans, _ = G._layout(d.dyad.to_numpy(), d.year.to_numpy(), Xy)
    prof = G._Profile(spans, len(d), 4, p, q, reml)
    u = np.array(u)
    f, grad = prof.negll_and_grad(u)
    assert f == pytest.approx(prof.negll(u), rel=1e-14)

    def central(h):
        return np.array([(prof.negll(u + h * e) - prof.negll(u - h * e)) / (2 * h) for e in np.eye(u.size)])

    fd = (4 * central(1e-4) - central(2e-4)) / 3
    np.testing.assert_allclose(grad, fd, rtol=GRAD_RTOL, atol=GRAD_RTOL * np.abs(fd).max())


def test_ml_converges_by_gradient_tolerance_at_a_moderate_size():
    """A large log-likelihood (|ll| ~ 4e4): the optimiser stops because max |gradient| <= tol, not on a
    line search that cannot see decreases below the likelihood's rounding error."""
    import helpers.methods.gls_arma as G

    y, X, g, t = _panel(seed=11, n_groups=3000, T=15, gaps=True)
    y = 20.0 * y                                     # a larger scale: larger |ll|
    res = gls_arma(None, y, X, g, t, p=1, q=1, method="ML")
    assert res.converged and abs(res.llf) > 3e4
    assert res.n_evals < 40
    spans, _ = G._layout(g, t, np.column_stack([np.ones(len(y)), X, y]))
    prof = G._Profile(spans, len(y), 3, 1, 1, False)
    u = np.r_[coef_to_pacf(res.phi), coef_to_pacf(-res.theta)]
    assert np.max(np.abs(prof.negll_and_grad(u)[1])) <= 1e-4
    opt = G._quasi_newton(prof.negll_and_grad, np.zeros(2), 1e-4)
    assert opt.converged and opt.n_iter < 30
