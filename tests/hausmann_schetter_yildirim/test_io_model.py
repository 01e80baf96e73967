"""The IO model in changes: identities, an analytic case, numeraire, path independence, Jacobian, Eq. 6."""
import numpy as np
import pandas as pd
import pytest

from helpers.chapters.hausmann_schetter_yildirim.model import criterion as cr
from helpers.chapters.hausmann_schetter_yildirim.model.io_model import (Elasticities, IOModel, NoFiniteSolution, WorldIO,
                                                                     solve_path)
from helpers.chapters.hausmann_schetter_yildirim.model.shocks import member_shocks, p_hat_eq11, p_tilde_eq10, tau_eq6

IDENTITY_TOL = 1e-12        # no-shock hats: exact up to rounding
SOLVE_TOL = 1e-9            # Newton residual 1e-12 in logs -> welfare to ~1e-10


def random_world(N=5, D=4, seed=1):
    rng = np.random.default_rng(seed)
    X = 0.1 * rng.lognormal(0, 1, (N, D, N, D))
    C = rng.lognormal(0, 1, (N, N, D))
    for i in range(N):
        X[i, :, i, :] *= 8
        C[i, i, :] *= 8
    return WorldIO(X, C)


def elasticities(D=4):
    return Elasticities(xi=np.array([3.0, 8.0, 52.08, 1.37])[:D], eps=0.2, phi=0.6, eps_f=0.5)


def shock(world, rng_seed=2, ban=False):
    rng = np.random.default_rng(rng_seed)
    tau = world.unit_shock()
    tau[0, 1:3, :] = 1 + rng.uniform(0.1, 0.5, (2, world.D))
    if ban:
        tau[0, 3, 2] = np.inf
    return tau


def test_no_shock_every_hat_is_one():
    w = random_world()
    sol = IOModel(w, elasticities()).solve(None)
    for arr in (sol.w_hat, sol.p_hat, sol.PC_hat, sol.welfare_hat, sol.E_new / w.E):
        assert np.max(np.abs(arr - 1)) < IDENTITY_TOL


def test_analytic_jacobian_matches_finite_differences():
    w = random_world(4, 3, seed=5)
    m = IOModel(w, Elasticities(xi=np.array([3.0, 8.0, 1.37]), eps=0.3, phi=0.6, eps_f=0.7))
    t = m.shock_factor(shock(w, ban=False))
    x = np.random.default_rng(3).normal(0, 0.05, 3 * w.n)
    J = m._jacobian(m._blocks(x, t))
    h = 1e-6
    Jn = np.empty_like(J)
    for k in range(len(x)):
        e = np.zeros_like(x)
        e[k] = h
        Jn[:, k] = (m._residual(m._blocks(x + e, t)) - m._residual(m._blocks(x - e, t))) / (2 * h)
    np.testing.assert_allclose(J, Jn, atol=1e-7)


def test_walras_and_numeraire_and_speed():
    w = random_world()
    sol = IOModel(w, elasticities()).solve(shock(w, ban=True))
    assert sol.max_residual < 1e-10
    assert abs(sol.E_new.sum() - (sol.w_hat.ravel() * w.VA).sum()) < 1e-10 * w.E.sum()
    assert abs((sol.w_hat.ravel() * w.VA).sum() / w.VA.sum() - 1) < 1e-12


def test_welfare_independent_of_numeraire():
    w = random_world()
    tau = shock(w, ban=True)
    a = IOModel(w, elasticities(), numeraire="world_gdp").solve(tau)
    b = IOModel(w, elasticities(), numeraire=7).solve(tau)
    np.testing.assert_allclose(a.welfare_hat, b.welfare_hat, rtol=SOLVE_TOL)
    ratio = b.w_hat / a.w_hat
    np.testing.assert_allclose(ratio, ratio.flat[0], rtol=SOLVE_TOL)       # only the price level differs
    assert abs(b.w_hat.flat[7] - 1) < 1e-12


def test_path_independence():
    w = random_world()
    el = elasticities()
    tau = shock(w)
    one_shot = IOModel(w, el).solve(tau).welfare_hat
    two_step, _ = solve_path(w, el, tau, steps=2)
    np.testing.assert_allclose(one_shot, two_step, rtol=1e-8)


def symmetric_two_country(h=0.7, gamma=0.5):
    X = np.zeros((2, 1, 2, 1))
    C = np.zeros((2, 2, 1))
    for i in range(2):
        X[i, 0, i, 0], X[i, 0, 1 - i, 0] = (1 - gamma) * h, (1 - gamma) * (1 - h)
        C[i, i, 0], C[i, 1 - i, 0] = gamma * h, gamma * (1 - h)
    return WorldIO(X, C)


@pytest.mark.parametrize("tau,phi,xi", [(1.3, 0.6, 5.0), (2.0, 0.2, 2.5), (50.0, 0.6, 5.0), (1.5, 1.4, 0.5)])
def test_symmetric_two_country_analytic(tau, phi, xi):
    h, gamma = 0.7, 0.5
    w = symmetric_two_country(h, gamma)
    shock_ = np.ones((2, 2, 1))
    shock_[0, 1, 0] = shock_[1, 0, 0] = tau
    sol = IOModel(w, Elasticities(xi=np.array([xi]), eps=0.2, phi=phi, eps_f=1.0)).solve(shock_)
    u = 0.0 if np.isinf(tau) else tau ** (1 - xi)
    kappa = (h + (1 - h) * u) ** (1 / (1 - xi))
    p = (gamma / (1 - (1 - gamma) * kappa ** (1 - phi))) ** (1 / (1 - phi))
    np.testing.assert_allclose(sol.w_hat, 1.0, atol=1e-12)
    np.testing.assert_allclose(sol.p_hat, p, rtol=1e-10)
    np.testing.assert_allclose(sol.welfare_hat, 1 / (p * kappa), rtol=1e-10)


def test_no_finite_solution_is_reported():
    w = symmetric_two_country(0.5, 0.5)
    shock_ = np.ones((2, 2, 1))
    shock_[0, 1, 0] = shock_[1, 0, 0] = 1e4
    # (1 - gamma) kappa^(1-phi) ~ 0.5 * 3.9^0.9 > 1: the unit-cost equation has no finite price
    with pytest.raises(NoFiniteSolution, match="finite"):
        IOModel(w, Elasticities(xi=np.array([1.5]), eps=0.2, phi=0.1)).solve(shock_)
    shock_[0, 1, 0] = np.inf
    with pytest.raises(NoFiniteSolution, match="complements"):
        IOModel(w, Elasticities(xi=np.array([0.05]), eps=0.2, phi=0.6)).solve(shock_)


def test_warm_start_reuses_solution():
    w = random_world()
    m = IOModel(w, elasticities())
    tau = shock(w, ban=True)
    cold = m.solve(tau)
    warm = m.solve(tau, x0=cold.x)
    assert warm.iterations == 0 and warm.continuation_steps == 0
    np.testing.assert_allclose(warm.welfare_hat, cold.welfare_hat, rtol=1e-14)


def test_bad_inputs():
    w = random_world()
    with pytest.raises(ValueError, match="shape"):
        IOModel(w, elasticities()).solve(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="industries"):
        IOModel(w, Elasticities(xi=np.array([2.0, 3.0])))
    with pytest.raises(ValueError, match="non-negative"):
        WorldIO(-np.ones((2, 1, 2, 1)), np.ones((2, 2, 1)))


@pytest.mark.parametrize("xi,theta", [(8.99, 8.99), (2.52, 2.52), (1.37, 1.37), (0.05, 0.05), (6.0, 2.0)])
def test_eq6_round_trip(xi, theta):
    rng = np.random.default_rng(7)
    for _ in range(20):
        G = 30
        om_gd = rng.dirichlet(np.ones(G))
        om_co = rng.uniform(0, 0.9, G)
        banned = rng.random(G) < 0.4
        om_ban = np.where(banned, om_co, 0.0)
        sigma = 1 + rng.lognormal(2, 0.5, G)
        om_co_d = float(np.sum(om_gd * om_co))
        tau = tau_eq6(om_gd, om_ban, sigma, om_co_d, theta, xi)
        P11 = p_hat_eq11(om_gd, om_ban, sigma, theta)
        if np.isinf(tau):
            assert P11 ** (1 - xi) - (1 - om_co_d) <= 0          # infeasible numerator
        else:
            assert p_tilde_eq10(om_co_d, tau, xi) == pytest.approx(P11, rel=1e-10)


def closed_economy(K=10, gamma_k=0.4, product_share=None):
    """One country, K labour-only products bought by one downstream sector (labour share gamma_k) whose good is
    the only final good: the criterion's dual economy with sector-specific labour."""
    D = K + 1
    shares = np.full(K, (1 - gamma_k) / K) if product_share is None else np.asarray(product_share)
    X = np.zeros((1, D, 1, D))
    X[0, K, 0, :K] = shares                      # downstream sector K buys the products (revenue 1)
    C = np.zeros((1, 1, D))
    C[0, 0, K] = 1.0
    return WorldIO(X, C)


@pytest.mark.parametrize("theta", [0.2, 0.6, 1.5])
def test_model_matches_closed_form_and_criterion_first_order(theta):
    """The criterion's economy inside the IO model: a ban-equivalent price shock tau = (1-Omega)^(1/(1-sigma)) on
    product 0. With sector-specific labour the exact answer is W_hat = (1 - s + s tau^((1-theta)/theta))^(theta/(theta-1));
    as the shock vanishes, the model's dlnW approaches the criterion's first-order term lambda * x (Eq. 3)."""
    K, gamma_k, sigma = 10, 0.4, 5.0
    w = closed_economy(K, gamma_k)
    lam = (1 - gamma_k) / K                      # Domar weight of product 0 (sales / GDP)
    m = IOModel(w, Elasticities(xi=np.full(K + 1, 2.0), eps=theta, phi=theta, eps_f=1.0))
    rel_err = []
    for omega in (0.4, 0.2, 0.1, 0.05):
        tau = (1 - omega) ** (1 / (1 - sigma))
        shock_ = np.ones((1, 1, K + 1))
        shock_[0, 0, 0] = tau
        sol = m.solve(shock_)
        exact = (1 - lam + lam * tau ** ((1 - theta) / theta)) ** (theta / (theta - 1))
        assert sol.welfare_hat[0] == pytest.approx(exact, rel=1e-10)
        first_order = cr.eq3_dlnY(lam, omega, sigma, 1.0)        # theta = 1 switches off the second-order term
        rel_err.append(abs(np.log(sol.welfare_hat[0]) - first_order) / abs(first_order) / abs(np.log(tau)))
    # relative error / |shock| settles to a constant: the criterion's first-order term is the model's derivative
    assert abs(rel_err[-1] / rel_err[-2] - 1) < 0.15
    assert rel_err[-1] * np.log((1 - 0.05) ** (1 / (1 - sigma))) < 0.05


@pytest.mark.parametrize("scaling", ["log", "demand"])
def test_member_specific_shocks_reproduce_combined_price_effect(scaling):
    """Footnote 23: member-specific Eq. 6 shocks, scaled so the combined Eq. 10 effect equals Eq. 11 with the
    combined banned shares."""
    rng = np.random.default_rng(11)
    G, groups, D = 300, ["A", "B", "C"], 3
    df = pd.DataFrame({"industry": rng.integers(0, D, G), "sigma": 1 + rng.lognormal(2, 0.4, G),
                       "expenditure": rng.lognormal(0, 1, G)})
    split = rng.dirichlet(np.ones(3), G) * rng.uniform(0.1, 0.7, G)[:, None]
    for k, g in enumerate(groups):
        df[f"imp_{g}"] = df["expenditure"] * split[:, k]
    banned = {"A": rng.random(G) < 0.5, "B": rng.random(G) < 0.3, "C": np.zeros(G, bool)}
    xi = np.array([3.0, 5.0, 2.5])
    out = member_shocks(df, groups, banned, D, theta_d=xi, xi=xi, scaling=scaling)
    for d in range(D):
        sel = df["industry"].to_numpy() == d
        w = df.loc[sel, "expenditure"] / df.loc[sel, "expenditure"].sum()
        om = {g: (df.loc[sel, f"imp_{g}"] / df.loc[sel, "expenditure"]).to_numpy() for g in groups}
        om_d = np.array([np.sum(w * om[g]) for g in groups])
        u = np.where(np.isinf(out.tau[:, d]), 0.0, out.tau[:, d] ** (1 - xi[d]))
        combined = 1 + np.sum(om_d * (u - 1))
        if not any(isinstance(x, tuple) and x[1] == d for x in out.infeasible):
            assert combined == pytest.approx(out.p_hat[d] ** (1 - xi[d]), rel=1e-8)
        assert out.tau[2, d] == 1.0                                   # C bans nothing
