"""One results vocabulary across the estimators (Cox, GLS-ARMA, PPML/OLS-FE, pyfixest adapter) and the one
star convention and table helper that read it."""
from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.methods import cox, gravity, results
from helpers.methods.gls_arma import gls_arma, simulate_arma_errors
from helpers.report import tables

FIX = Path(__file__).parent / "fixtures"


def _cox():
    return cox.fit_cox(pd.read_csv(FIX / "cox_small_input.csv"), ["x1", "x2"], cluster="cluster")


def _gls():
    rng = np.random.default_rng(3)
    e = simulate_arma_errors(80, 8, rng=rng).ravel()
    g, t = np.repeat(np.arange(80), 8), np.tile(np.arange(8), 80)
    X = rng.normal(size=(g.size, 2))
    return gls_arma(None, 1 + X @ [0.5, -0.2] + e, X, g, t, names=["a", "b"])


def _ppml():
    return gravity.fit_ppml(gravity.simulate_gravity_panel(12, 4, seed=1), list(gravity.SIM_BETA),
                            label={"sector": "All", "period": "2010-2013"})


@pytest.fixture(scope="module", params=["cox", "gls", "ppml"])
def fit(request):
    return {"cox": _cox, "gls": _gls, "ppml": _ppml}[request.param]()


def test_tidy_has_the_same_columns_for_every_estimator(fit):
    t = fit.tidy()
    labels = list(fit.labels())
    assert list(t.columns) == labels + results.TIDY_COLUMNS
    assert list(t["term"]) == list(fit.params.index)
    np.testing.assert_allclose(t["estimate"], fit.params)
    np.testing.assert_allclose(t["std_error"], fit.bse)
    np.testing.assert_allclose(t["std_error"], np.sqrt(np.diag(fit.cov)))
    np.testing.assert_allclose(t["statistic"], fit.tvalues)
    np.testing.assert_allclose(t["p_value"], fit.pvalues)
    assert fit.statistic in ("z", "t") and isinstance(fit.nobs, int) and fit.converged


@pytest.mark.parametrize("alpha", [0.05, 0.10])
def test_conf_int_is_params_plus_minus_z_bse(fit, alpha):
    ci = fit.conf_int(alpha)
    assert list(ci.columns) == ["lower", "upper"]
    z = stats.norm.ppf(1 - alpha / 2)
    np.testing.assert_allclose(ci["lower"], fit.params - z * fit.bse, rtol=1e-14)
    np.testing.assert_allclose(ci["upper"], fit.params + z * fit.bse, rtol=1e-14)
    t = fit.tidy(alpha)
    np.testing.assert_allclose(t["conf_low"], ci["lower"])
    np.testing.assert_allclose(t["conf_high"], ci["upper"])


def test_p_values_follow_the_named_statistic(fit):
    dist = stats.norm if fit.statistic == "z" else stats.t(fit.df_resid)
    np.testing.assert_allclose(fit.pvalues, 2 * dist.sf(np.abs(fit.params / fit.bse)), rtol=1e-12)


def test_results_are_frozen(fit):
    with pytest.raises(dataclasses.FrozenInstanceError):
        fit.params = fit.params * 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        fit.nobs = 0


def test_without_data_returns_a_new_object(fit):
    lean = fit.without_data()
    assert lean is not fit and type(lean) is type(fit)
    assert all(getattr(lean, f) is None for f in fit._DATA_FIELDS)
    assert any(getattr(fit, f) is not None for f in fit._DATA_FIELDS)     # the original keeps its data
    pd.testing.assert_frame_equal(lean.tidy(), fit.tidy())


def test_summary_is_a_readable_table(fit):
    text = fit.summary(stars=tables.STARS_3)
    assert "std_error" in text and "Observations" in text
    assert all(str(term) in text for term in fit.params.index)


def test_cox_without_data_cannot_be_used_for_predictions():
    lean = _cox().without_data()
    with pytest.raises(ValueError, match="without_data"):
        cox.cox_zph(lean)


def test_gravity_result_data_cannot_be_cleared_in_place():
    """The sample is dropped by without_data(), never by editing the fit."""
    r = _ppml()
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.data = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.label = {}
    assert r.data is not None and r.without_data().data is None


def test_pyfixest_adapter_reads_the_public_api():
    pf = pytest.importorskip("pyfixest")
    df = gravity.simulate_gravity_panel(10, 3, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.fepois("trade ~ ln_dist + lang | exporter + importer", data=df, vcov="hetero")
    r = results.from_pyfixest(fit)
    assert isinstance(r, results.Results) and r.nobs == len(fit.resid())
    np.testing.assert_allclose(r.params, fit.coef().to_numpy())
    np.testing.assert_allclose(r.bse, fit.se().to_numpy(), rtol=1e-12)
    assert list(r.tidy().columns) == results.TIDY_COLUMNS


# ---- one star convention, one table helper -------------------------------------------------------
def test_stars():
    assert [tables.STARS_3.of(p) for p in (0.0005, 0.005, 0.02, 0.07)] == ["***", "**", "*", ""]
    assert [tables.STARS_2.of(p) for p in (0.01, 0.07, 0.2, np.nan)] == ["**", "*", "", ""]
    assert [tables.STARS_STD.of(p) for p in (0.005, 0.03, 0.07, 0.5)] == ["***", "**", "*", ""]
    assert tables.stars(0.03) == tables.STARS_2.of(0.03)
    with pytest.raises(ValueError):
        tables.Stars((0.1, 0.05), ("*", "**"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        tables.STARS_2.levels = (0.5,)


def test_regression_table_from_tidy():
    a = gravity.RegressionResult(params=pd.Series({"x": 0.5, "z": -1.25}), nobs=12345,
                                 cov=pd.DataFrame(np.diag([0.1 ** 2, 2.0 ** 2]), index=["x", "z"], columns=["x", "z"]))
    b = gravity.RegressionResult(params=pd.Series({"x": 0.2}), nobs=99,
                                 cov=pd.DataFrame([[0.25 ** 2]], index=["x"], columns=["x"]))
    t = tables.regression_table({"(1)": a, "(2)": b}, labels={"x": "X"}, stars=tables.STARS_STD,
                                stats={"Observations": {"(1)": a.nobs, "(2)": b.nobs}, "R2": {"(1)": 0.5}})
    assert list(t.index) == ["X", "", "z", "", "Observations", "R2"]
    assert t["(1)"].tolist() == ["0.500***", "(0.100)", "-1.250", "(2.000)", "12,345", "0.500"]
    assert t["(2)"].tolist() == ["0.200", "(0.250)", "", "", "99", ""]
    ci = tables.regression_table({"(1)": a}, below="ci", decimals=2, stars=tables.NO_STARS)
    lo, hi = a.conf_int().loc["x"]
    assert ci["(1)"].tolist()[:2] == ["0.50", f"({lo:.2f}, {hi:.2f})"]
