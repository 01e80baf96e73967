"""Eq. 3 / Eq. 4, Figure 6 and the convexity result (Appendix B.2)."""
import numpy as np
import pandas as pd
import pytest

from helpers.chapters.hausmann_schetter_yildirim.model import criterion as cr

# Spec section 5, "Figure 6 values" (sigma = 5, theta = 0.2, per unit lambda), derived from Eq. 3 by hand.
FIG6 = {
    0.10: (-0.02634, -0.02690, -0.02662, -0.02662, -0.26895),
    0.50: (-0.17329, -0.19731, -0.18530, -0.18587, -0.39462),
    0.90: (-0.57565, -0.84074, -0.70819, -0.73112, -0.93416),
    0.99: (-1.15129, -2.21167, -1.68148, -1.88986, -2.23401),
}
FIXTURE_TOL = 1e-5          # fixture printed to 5 decimals
FD_TOL = 1e-6               # central finite differences, h = 1e-5


def test_figure6_fixture():
    table = cr.figure6_table(5.0, 0.2, list(FIG6)).set_index("omega")
    for om, expected in FIG6.items():
        got = table.loc[om, ["x", "eq3_printed", "eq3_half", "exact_small_share", "eq4_printed"]].to_numpy()
        np.testing.assert_allclose(got, expected, atol=FIXTURE_TOL)


@pytest.mark.parametrize("coef", [cr.PRINTED_COEF, cr.DERIVED_COEF])
def test_convexity_and_derivatives(coef):
    h = 1e-5
    for sigma in (1.5, 3, 5, 9.2, 20):
        for theta in (0.0, 0.2, 1.0):
            om = np.linspace(0.01, 0.98, 40)
            f = lambda o: cr.eq3_dlnY(1.0, o, sigma, theta, coef, omega_cap=0.9999)
            fd1 = (f(om + h) - f(om - h)) / (2 * h)
            fd2 = (f(om + h) - 2 * f(om) + f(om - h)) / h**2
            d1 = cr.d_domega(1.0, om, sigma, theta, coef)
            d2 = cr.d2_domega2(1.0, om, sigma, theta, coef)
            np.testing.assert_allclose(fd1, d1, rtol=FD_TOL, atol=FD_TOL)
            np.testing.assert_allclose(fd2, d2, rtol=1e-3, atol=1e-3)
            assert np.all(d1 < 0) and np.all(d2 < 0)      # cost increasing and convex in Omega


def test_second_order_accuracy_of_half_coefficient():
    sigma, theta = 5.0, 0.2
    errs = []
    for om in (0.2, 0.1, 0.05, 0.025):
        exact = cr.exact_small_share(1.0, om, sigma, theta)
        errs.append(abs(cr.eq3_dlnY(1.0, om, sigma, theta, cr.DERIVED_COEF) - exact))
    ratios = np.array(errs[:-1]) / np.array(errs[1:])
    # error is O(x^3) and x is ~linear in Omega for small Omega: halving Omega divides the error by ~8
    assert 6.5 < ratios[-1] < 9.0
    printed_err = abs(cr.eq3_dlnY(1.0, 0.05, sigma, theta, cr.PRINTED_COEF) - cr.exact_small_share(1.0, 0.05, sigma, theta))
    assert printed_err > 10 * errs[2]          # the printed coefficient is only first-order accurate


def test_monotonicity_and_consumer_goods():
    base = cr.eq3_dlnY(0.01, 0.5, 5.0, 0.2)
    assert cr.eq3_dlnY(0.01, 0.5, 6.0, 0.2) > base        # less costly when sigma is higher
    assert cr.eq3_dlnY(0.01, 0.6, 5.0, 0.2) < base        # more costly with a larger coalition share
    assert cr.eq3_dlnY(0.02, 0.5, 5.0, 0.2) < base        # more costly with larger lambda
    assert cr.eq3_dlnY(0.01, 0.5, 5.0, 0.1) < base        # more costly with stronger complementarity
    x = cr.x_shock(0.5, 5.0)
    assert cr.eq3_dlnY(0.01, 0.5, 5.0, 1.0) == pytest.approx(0.01 * x, rel=1e-14)
    assert cr.eq4_per_dollar(1e-12, 5.0, 0.2) == pytest.approx(-0.25, rel=1e-9)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="sigma"):
        cr.eq3_dlnY(1.0, 0.5, 0.9, 0.2)
    with pytest.raises(ValueError, match="Omega"):
        cr.eq3_dlnY(1.0, 1.5, 5.0, 0.2)
    with pytest.raises(ValueError, match="theta"):
        cr.eq3_dlnY(1.0, 0.5, 5.0, 1.5)


def test_ranking_eq4_independent_of_lambda():
    rng = np.random.default_rng(0)
    n = 200
    df = pd.DataFrame({"imports": rng.lognormal(0, 2, n), "home": rng.lognormal(0, 2, n),
                       "sigma": 1 + rng.lognormal(2, 0.5, n), "consumer": rng.random(n) < 0.3, "gdp_rus": 1e3})
    df["imports_coalition"] = df["imports"] * rng.random(n)
    a = cr.product_criteria(df)
    scaled = df.assign(imports=df["imports"] * 7, home=df["home"] * 7, imports_coalition=df["imports_coalition"] * 7)
    b = cr.product_criteria(scaled)
    np.testing.assert_array_equal(a["rank_eq4"], b["rank_eq4"])
    np.testing.assert_allclose(b["eq3"], 7 * a["eq3"], rtol=1e-12)


def test_convexity_check_and_doubling_ratio():
    """Appendix B.2 on the book's grid: cost increasing and convex; doubling the coalition share more than doubles
    the cost, more so with the printed coefficient than with the derived 1/2."""
    conv = cr.convexity_check()
    assert conv["max_first_derivative"] < 0 and conv["max_second_derivative"] < 0
    printed, half = cr.doubling_ratio(5.0, 0.2, 1.0), cr.doubling_ratio(5.0, 0.2, 0.5)
    assert printed > half > 2
