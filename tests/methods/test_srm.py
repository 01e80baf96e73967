"""Social Relations Model: known-answer tests on constructed matrices and the zero-sum identities."""
import numpy as np
import pandas as pd
import pytest

from helpers.methods.srm import srm_by_year, srm_effects, srm_variances


def _construct(n, rng, sd_g=0.0):
    """X_ij = m + a_i + b_j + g_ij with sum-zero a, b and g with zero row/column sums."""
    a = rng.normal(size=n); a -= a.mean()
    b = rng.normal(size=n); b -= b.mean()
    g = rng.normal(scale=sd_g, size=(n, n)) if sd_g else np.zeros((n, n))
    np.fill_diagonal(g, 0)
    return 2.0, a, b, g


def test_pure_additive_matrix_recovers_effects_exactly():
    rng = np.random.default_rng(0)
    m, a, b, _ = _construct(12, rng)
    X = m + a[:, None] + b[None, :]
    np.fill_diagonal(X, 0)
    eff = srm_effects(X)
    np.testing.assert_allclose(eff.actor, a, atol=1e-12)
    np.testing.assert_allclose(eff.partner, b, atol=1e-12)
    np.testing.assert_allclose(eff.relationship, 0, atol=1e-12)
    assert eff.grand_mean == pytest.approx(m + (a.sum() * 0))  # a, b sum to zero → mean of off-diagonal


def test_zero_sum_identities_and_decomposition():
    X = np.random.default_rng(1).poisson(2.0, size=(15, 15)).astype(float)
    np.fill_diagonal(X, 0)
    eff = srm_effects(X)
    assert abs(eff.actor.sum()) < 1e-10 and abs(eff.partner.sum()) < 1e-10
    g = eff.relationship
    np.testing.assert_allclose(g.sum(1), 0, atol=1e-10)   # rows of g sum to zero
    np.testing.assert_allclose(g.sum(0), 0, atol=1e-10)   # columns too
    recon = eff.grand_mean + eff.actor[:, None] + eff.partner[None, :] + g
    off = ~np.eye(15, dtype=bool)
    np.testing.assert_allclose(recon[off], X[off], atol=1e-10)


def test_vectorized_over_years_equals_loop():
    rng = np.random.default_rng(2)
    stack = rng.poisson(1.0, size=(5, 9, 9)).astype(float)
    eff = srm_effects(stack)
    for t in range(5):
        single = srm_effects(stack[t])
        np.testing.assert_allclose(eff.relationship[t], single.relationship)
        np.testing.assert_allclose(eff.actor[t], single.actor)


def test_variance_components_recover_known_values():
    """Large round robin with known actor/partner/relationship variances and dyadic reciprocity."""
    rng = np.random.default_rng(3)
    n, reps = 80, 30
    est = []
    for _ in range(reps):
        a = rng.normal(scale=1.0, size=n)
        b = rng.normal(scale=0.5, size=n)
        cov = np.array([[1.0, 0.6], [0.6, 1.0]]) * 2.0      # var_g = 2, dyadic cov 1.2
        iu = np.triu_indices(n, 1)
        pair = rng.multivariate_normal([0, 0], cov, size=len(iu[0]))
        g = np.zeros((n, n)); g[iu] = pair[:, 0]; g[(iu[1], iu[0])] = pair[:, 1]
        X = 5 + a[:, None] + b[None, :] + g
        np.fill_diagonal(X, 0)
        est.append(srm_variances(srm_effects(X)))
    mean = {k: np.mean([e[k] for e in est]) for k in est[0]}
    assert mean["relationship_var"] == pytest.approx(2.0, rel=0.05)
    assert mean["dyadic_cov"] == pytest.approx(1.2, rel=0.08)
    assert mean["actor_var"] == pytest.approx(1.0, rel=0.15)
    assert mean["partner_var"] == pytest.approx(0.25, rel=0.25)


def test_srm_by_year_groups_sizes_and_keeps_labels():
    rng = np.random.default_rng(4)
    mats = {1990: pd.DataFrame(rng.poisson(1, (4, 4)), [2, 20, 200, 365], [2, 20, 200, 365]),
            1991: pd.DataFrame(rng.poisson(1, (5, 5)), [2, 20, 200, 365, 710], [2, 20, 200, 365, 710])}
    out = srm_by_year(mats)
    assert list(out[1991]["relationship"].index) == [2, 20, 200, 365, 710]
    np.testing.assert_allclose(out[1990]["relationship"].to_numpy(), srm_effects(mats[1990].to_numpy()).relationship)


def test_bad_input():
    with pytest.raises(ValueError, match="square"):
        srm_effects(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="at least 3"):
        srm_effects(np.zeros((2, 2)))
