"""The gravity engine: exact demeaning, dense PPML/OLS against pyfixest, residual helpers, errors.

Data: `G.simulate_gravity_panel` (a square panel with known coefficients), not a chapter's world."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from helpers.methods import gravity as G

COEF_TOL = 1e-6        # both engines solve the same first-order conditions
SE_RTOL = 2e-3         # pyfixest stops IRLS at 1e-8; SEs agree to that precision


X_VARS = list(G.SIM_BETA)


@pytest.fixture(scope="module")
def small_panel():
    df = G.simulate_gravity_panel(n_countries=20, n_years=7, seed=3)
    return _pair_variables(df), df


def _pair_variables(df, seed=4):
    """Second-stage style pair-year variables: |democracy gap|, |corruption gap| and income-pair dummies
    (high-high, low-high, high-low: with exporter-year and importer-year FE only one is identified)."""
    rng = np.random.default_rng(seed)
    keys = pd.MultiIndex.from_frame(df[["exporter", "year"]].drop_duplicates())
    cy = pd.DataFrame({"dem": rng.uniform(0, 1, len(keys)), "corr": rng.uniform(0, 1, len(keys)),
                       "high": (rng.random(len(keys)) < 0.4).astype(float)}, index=keys)
    e = cy.reindex(pd.MultiIndex.from_frame(df[["exporter", "year"]])).to_numpy()
    m = cy.reindex(pd.MultiIndex.from_frame(df[["importer", "year"]].set_axis(["exporter", "year"], axis=1))).to_numpy()
    return df[["exporter", "importer", "year"]].assign(
        abs_dem=np.abs(e[:, 0] - m[:, 0]), abs_corr=np.abs(e[:, 1] - m[:, 1]),
        U11=e[:, 2] * m[:, 2], U01=(1 - e[:, 2]) * m[:, 2], U10=e[:, 2] * (1 - m[:, 2]))


def test_demeaning_is_the_weighted_least_squares_projection():
    rng = np.random.default_rng(0)
    T, n = 2, 6
    V = rng.normal(size=(2, T, n, n))
    W = rng.uniform(0.1, 2.0, size=(T, n, n))
    W[0, 1, 2] = 0.0                                    # a missing cell
    out = G.demean_twoway(V, W)
    for t in range(T):
        rows = []
        for i in range(n):
            for j in range(n):
                d = np.zeros(2 * n)
                d[i], d[n + j] = 1, 1
                rows.append(d)
        D = np.array(rows)
        sw = np.sqrt(W[t].reshape(-1))
        for k in range(2):
            coef, *_ = np.linalg.lstsq(D * sw[:, None], V[k, t].reshape(-1) * sw, rcond=None)
            expected = V[k, t].reshape(-1) - D @ coef
            keep = W[t].reshape(-1) > 0
            assert np.allclose(out[k, t].reshape(-1)[keep], expected[keep], atol=1e-10)


def test_dense_ppml_matches_pyfixest(small_panel):
    _, df = small_panel
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = G.fit_ppml(df, X_VARS, engine="dense")
        b = G.fit_ppml(df, X_VARS, engine="pyfixest")
    assert np.allclose(a.params[b.params.index], b.params, atol=COEF_TOL * 1e3, rtol=1e-5)
    assert np.allclose(a.bse[b.bse.index], b.bse, rtol=SE_RTOL)
    assert a.nobs == b.nobs
    assert np.allclose(a.data["yhat"], b.data["yhat"], rtol=1e-4, atol=1e-6)


def test_dense_ols_matches_pyfixest_and_drops_collinear_income_dummies(small_panel):
    geo, df = small_panel
    d = df.merge(geo, on=["exporter", "importer", "year"])
    d = d[d["trade"] > 0].assign(ltrade=lambda x: np.log(x["trade"]), yv=lambda x: x["trade"] ** 0.5)
    terms = ["abs_dem", "abs_corr", "U11", "U01", "U10", "ltrade"]
    a = G.fit_ols_fe(d, "yv", terms, engine="dense")
    b = G.fit_ols_fe(d, "yv", terms, engine="pyfixest")
    assert {"U01", "U10"} <= set(a.dropped)                     # warning 2: only one income dummy is identified
    common = [t for t in a.params.index if t in b.params.index]
    assert common == list(a.params.index)
    assert np.allclose(a.params[common], b.params[common], atol=1e-8)
    assert np.allclose(a.bse[common], b.bse[common], rtol=SE_RTOL)


def test_dense_ppml_drops_collinear_regressors_and_matches_pyfixest_hetero(small_panel):
    _, df = small_panel
    df = df.assign(contig_copy=df["contig"], lang_plus_dom=df["lang"] + 2 * df["dom"])
    x = [*X_VARS, "contig_copy", "lang_plus_dom"]
    a = G.fit_ppml(df, x, engine="dense", vcov="hetero")
    a0 = G.fit_ppml(df, X_VARS, engine="dense", vcov="hetero")
    assert a.dropped == ["contig_copy", "lang_plus_dom"]            # the later regressor of a collinear set goes
    assert np.allclose(a.params, a0.params, rtol=1e-10) and np.allclose(a.bse, a0.bse, rtol=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = G.fit_ppml(df, X_VARS, engine="pyfixest", vcov="hetero")
    assert np.allclose(a0.params[b.params.index], b.params, atol=COEF_TOL * 1e3, rtol=1e-5)
    assert np.allclose(a0.bse[b.bse.index], b.bse, rtol=SE_RTOL)


def test_fit_leaves_the_callers_frame_alone(small_panel):
    _, df = small_panel
    before = df.copy()
    G.fit_ppml(df, X_VARS)
    pd.testing.assert_frame_equal(df, before)


def test_row_lookup_is_a_left_merge_on_unique_keys():
    right = pd.DataFrame({"exporter": ["A", "A", "B", "B"], "importer": ["A", "B", "A", "B"], "year": [2000] * 4,
                          "v": [1, 2, 3, 4], "f": pd.array([0.5, None, 1.5, 2.5], dtype="Float64")})
    left = pd.DataFrame({"exporter": ["B", "C", "A", "A"], "importer": ["A", "A", "B", "B"],
                         "year": [2000, 2000, 2000, 2001]})
    key = ["exporter", "importer", "year"]
    pos = G.row_positions(left, right, key)
    assert pos.tolist() == [2, -1, 1, -1]
    merged = left.merge(right, on=key, how="left")
    for c in ("v", "f"):
        pd.testing.assert_series_equal(pd.Series(G.take_rows(right[c], pos), name=c), merged[c])
    with pytest.raises(ValueError, match="duplicate"):
        G.row_lookup(pd.concat([right, right.head(1)]), key)


def test_residual_definitions():
    df = pd.DataFrame({"trade": [0.0, 0.0005, 2.0, 10.0], "yhat": [1.0, 0.001, 1.0, 20.0]})
    out = G.add_residuals(df, min_trade=0.001)
    assert np.allclose(out["resid"], [-1.0, -0.0005, 1.0, -10.0])
    assert np.isnan(out["ratio"][0]) and np.isnan(out["ratio"][1])   # below USD 1,000: no ratio
    assert np.allclose(out["ratio"][2:], [0.5, -1.0])
    assert (out["ratio"].dropna() <= 1).all()                         # ratio = 1 - yhat/y <= 1
    assert np.allclose(out["relative"], [-1.0, -0.5, 1.0, -0.5])


def test_adjusted_pseudo_r2_against_direct_formula():
    y = np.array([0.0, 1.0, 3.0, 7.0])
    mu = np.array([0.5, 1.5, 2.5, 6.5])
    st = G.adjusted_pseudo_r2(y, mu, k=2)
    from scipy.special import gammaln
    ll = np.sum(y * np.log(mu) - mu - gammaln(y + 1))
    ll0 = np.sum(y * np.log(y.mean()) - y.mean() - gammaln(y + 1))
    assert np.isclose(st["apr2"], 1 - (ll - 2) / ll0) and np.isclose(st["pr2"], 1 - ll / ll0)


def test_count_signs_and_medians():
    cov = pd.DataFrame(np.diag([0.1 ** 2, 10.0 ** 2]), index=["a", "b"], columns=["a", "b"])
    res = [G.RegressionResult(params=pd.Series({"a": v, "b": 1.0}), cov=cov, nobs=10) for v in (-1.0, -1.0, 0.5, 0.01)]
    c = G.count_signs(res, ["a", "b", "c"])
    assert c.loc["a"].tolist() == [1, 2, 1, 0] and c.loc["b", "not_sig"] == 4 and c.loc["c", "dropped"] == 4
    df = pd.DataFrame({"g": [1, 1, 1, 2, 2], "resid": [-1.0, 0.0, 5.0, 2.0, 4.0]})
    m = G.median_series(df, ["g"], band="pct").set_index("g")
    assert m.loc[1, "median"] == 0.0 and m.loc[2, "median"] == 3.0
    with pytest.raises(ValueError, match="band"):
        G.median_series(df, ["g"], band="nope")


def test_clear_errors(small_panel):
    _, df = small_panel
    with pytest.raises(ValueError, match="columns"):
        G.fit_ppml(df.drop(columns="contig"), X_VARS)
    with pytest.raises(G.GravityError, match="negative"):
        G.fit_ppml(df.assign(trade=-df["trade"]), X_VARS)
    with pytest.raises(G.GravityError, match="Duplicate"):
        G.fit_ppml(pd.concat([df, df.head(3)]), X_VARS)
    with pytest.raises(ValueError, match="fe_structure"):
        G.fit_ppml(df, X_VARS, engine="pyfixest", fe_structure="nonsense")


# ---- exporter-year + importer-year + pair fixed effects ---------------------------------------------
PAIR_COEF_RTOL = 1e-7    # both engines solve the same first-order conditions (pyfixest to fixef_tol 1e-8)
PAIR_SE_RTOL = 1e-5


def _pair_panel():
    """A small panel with two time-varying regressors, a pair whose trade is always zero (dropped by the 'fe'
    separation check) and a pair observed in a single year (a singleton pair effect)."""
    df = G.simulate_gravity_panel(n_countries=15, n_years=6, seed=8)
    df["dist_trend"] = df["ln_dist"] * (df["year"] - 2012) / 10
    zero = (df.exporter == "C001") & (df.importer == "C002")
    df.loc[zero, "trade"] = 0.0
    once = (df.exporter == "C003") & (df.importer == "C004") & (df.year != 2012)
    return df[~once].reset_index(drop=True)


@pytest.mark.parametrize("vcov", ["pair", "hetero"])
def test_dense_pair_fe_ppml_matches_pyfixest(vcov):
    df = _pair_panel()
    x = [*X_VARS, "dist_trend"]
    a = G.fit_ppml(df, x, fe_structure="exp_year+imp_year+pair", engine="dense", vcov=vcov)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = G.fit_ppml(df, x, fe_structure="exp_year+imp_year+pair", engine="pyfixest", vcov=vcov)
    assert a.engine == "dense" and list(a.params.index) == ["fta", "dist_trend"]
    assert a.dropped == b.dropped == ["ln_dist", "contig", "lang", "dom"]        # constant within pairs
    assert a.nobs == b.nobs < len(df)
    np.testing.assert_allclose(a.params, b.params[a.params.index], rtol=PAIR_COEF_RTOL)
    np.testing.assert_allclose(a.bse, b.bse[a.bse.index], rtol=PAIR_SE_RTOL)
    np.testing.assert_allclose(a.data["yhat"], b.data["yhat"], rtol=1e-4, atol=1e-6)
    assert a.stats["apr2"] == pytest.approx(b.stats["apr2"], rel=1e-9) and a.stats["k"] == b.stats["k"]
    assert G.fit_ppml(df, x, fe_structure="exp_year+imp_year+pair").engine == "dense"    # the default now


def test_pair_demeaning_is_the_weighted_least_squares_projection():
    rng = np.random.default_rng(1)
    T, n = 3, 5
    V = rng.normal(size=(2, T, n, n))
    W = rng.uniform(0.1, 2.0, size=(T, n, n))
    out, _ = G._demean_pair(V, W)
    cells = [(t, i, j) for t in range(T) for i in range(n) for j in range(n)]
    D = np.zeros((len(cells), 2 * n * T + n * n))
    for r, (t, i, j) in enumerate(cells):
        D[r, t * n + i] = D[r, n * T + t * n + j] = D[r, 2 * n * T + i * n + j] = 1
    sw = np.sqrt(np.array([W[c] for c in cells]))
    for k in range(2):
        v = np.array([V[(k, *c)] for c in cells])
        coef, *_ = np.linalg.lstsq(D * sw[:, None], v * sw, rcond=None)
        np.testing.assert_allclose([out[(k, *c)] for c in cells], v - D @ coef, atol=1e-9)
