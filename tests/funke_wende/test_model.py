"""Funke-Wende model: steady state, calibration, identities, transitions, Blanchard-Kahn, headline."""
import numpy as np
import pytest
from scipy import integrate

from helpers.chapters.funke_wende.model import (FWParameterError, FWParams, FWSolverError, baseline_steady_state,
                                                blanchard_kahn, calibrate, solve_steady_state, solve_transition)
from helpers.chapters.funke_wende.model import scenarios
from helpers.chapters.funke_wende.model.equations import unpack
from helpers.chapters.funke_wende.model.reporting import trade_accounts

P = FWParams()


@pytest.fixture(scope="module")
def base():
    return baseline_steady_state(P)


def test_pareto_closed_forms_match_quadrature():
    th, k, zmin, zc, tz = P.theta, P.k, P.z_min, 1.9, P.tau_z
    g = lambda z: k * zmin**k * z ** (-k - 1)  # noqa: E731
    a = (1 - tz) * (th - 1)
    num = integrate.quad(lambda z: z ** (th - 1) * g(z), zc, np.inf)[0]
    assert num == pytest.approx(k * zmin**k * zc ** (th - 1 - k) / (k - th + 1), rel=1e-8)
    num_rx = integrate.quad(lambda z: z**a * g(z), zc, np.inf)[0]
    assert num_rx == pytest.approx(k * zmin**k * zc ** (a - k) / (k - a), rel=1e-8)
    ztd = integrate.quad(lambda z: z ** (th - 1) * g(z), zmin, np.inf)[0] ** (1 / (th - 1))
    assert ztd == pytest.approx(P.z_tilde_D, rel=1e-8)


def test_calibration_hits_table2_and_steady_state_residuals(base):
    assert base.max_residual < 1e-10
    s, v = base.objects, unpack(base.x[:, None])
    acc = trade_accounts(P, v, s)
    Y = s["Y"][:, 0]
    # trade balances of RU and RW as targeted (scheme A); SC follows by Walras
    tb = acc["TB"][:, 0] / Y
    assert tb[1:] == pytest.approx(np.asarray(P.tb_gdp)[1:], abs=1e-10)
    assert np.sum(acc["TB"][:, 0] * v["q"][:, 0]) == pytest.approx(0, abs=1e-12)
    # GDP identity Y = C + I_k + v N_E + TB per region
    rhs = s["C"][:, 0] + v["Ik"][:, 0] + s["vtil"][:, 0] * v["NE"][:, 0] + acc["TB"][:, 0]
    assert np.max(np.abs(Y - rhs) / Y) < 1e-10
    # exporter shares and openness
    assert s["sX"][:, 0] == pytest.approx(np.asarray(P.exporter_share), abs=1e-12)
    openness = s["PX"][:, 0] * s["QX"][:, 0] / v["Q"][:, 0]
    assert openness == pytest.approx(np.asarray(P.openness), abs=1e-12)


def test_scheme_B_hits_gdp_shares():
    pB = P.with_(calib_scheme="B")
    b = baseline_steady_state(pB)
    v = unpack(b.x[:, None])
    yq = b.objects["Y"][:, 0] * v["q"][:, 0]
    assert yq / yq.sum() == pytest.approx(np.asarray(P.gdp_share), abs=1e-10)


def test_reexport_target_is_met_at_the_counterfactual(base):
    new = scenarios.counterfactual(P, P.rx_target_Gamma)
    share = (np.exp(base.x[26]) / np.exp(new.x[32])) ** P.k
    assert share == pytest.approx(P.rx_target, abs=1e-10)


def test_zero_shock_is_a_fixed_point_and_same_gamma_gives_zero(base):
    same = solve_steady_state(P, calibrate(P), P.Gamma0, guess=base)
    assert np.max(np.abs(same.x - base.x)) < 1e-10
    r = solve_transition(base, same, T=300, check_end=True)
    assert r.iterations <= 1
    assert np.nanmax(np.abs(r.deviations[["GDP_SC", "GDP_RU", "GDP_RW"]].to_numpy())) < 1e-10


def test_tau_RX_leaves_average_reexporter_profit_unchanged_eq47():
    a = scenarios.counterfactual(P, 0.191)
    b = scenarios.counterfactual(P, 0.191, tau_RX=0.99)
    dRX = lambda s: s.objects["dRX"][0] / s.objects["MC"][0, 0]  # noqa: E731
    assert dRX(a) == pytest.approx(dRX(b), rel=1e-12)
    c = scenarios.counterfactual(P, 0.191, tau_z=0.3735)
    assert dRX(c) < dRX(a)


def test_no_reexports_switch_closes_the_channel():
    s = scenarios.counterfactual(P, 0.191, reexports=False)
    assert s.objects["NRX"][0] == 0 and s.objects["I_rx"][0] == 0


def test_blanchard_kahn_counts(base):
    bk = blanchard_kahn(base)
    assert bk.n_stable == 33 and bk.n_unstable == 33 and bk.holds
    assert 0.98 < bk.slowest_stable < 1


def test_transition_converges_and_ends_at_new_steady_state(base):
    new = scenarios.counterfactual(P, 0.191)
    r = solve_transition(base, new, T=800, end_tol=1e-3)
    assert r.max_residual < 1e-9
    d = r.deviations
    assert d["GDP_RU"].iloc[1] < 0 and d["GDP_SC"].iloc[1] < 0 and d["GDP_RW"].iloc[1] > 0
    # RU loss amplifies over time (H5): impact about half the long run
    assert 0.3 < d["GDP_RU"].iloc[1] / r.long_run["GDP_RU"] < 0.8
    assert abs(d["GDP_RU"].iloc[-1] - r.long_run["GDP_RU"]) < 0.01


def test_failed_solve_names_experiment_and_residual(base):
    new = scenarios.counterfactual(P, 0.191)
    with pytest.raises(FWSolverError, match=r"my experiment.*max\|residual\|"):
        solve_transition(base, new, T=300, name="my experiment", maxit=0)
    with pytest.raises(FWSolverError, match="horizon T=60 too short"):
        solve_transition(base, new, T=60, name="short")


def test_bad_parameters_raise_one_clear_error():
    with pytest.raises(FWParameterError, match="tau_z"):
        FWParams(tau_z=1.2)
    with pytest.raises(FWParameterError, match="calib_scheme"):
        FWParams(calib_scheme="C")


def test_long_run_matches_the_reference_reconstruction():
    """Known answers: the spec's independent numpy reconstruction (section 6.1, tau_X = 1.3), to its 4 printed
    decimals. This checks our implementation, not the paper (the scorecard compares with the paper)."""
    reference = {("A", 0.191): (-0.0135, -0.6207, 0.0134), ("A", 0.44): (-0.0342, -1.5179, 0.0348),
                 ("B", 0.191): (-0.0174, -0.6023, 0.0184), ("B", 0.44): (-0.0440, -1.4744, 0.0479)}
    for (scheme, G), values in reference.items():
        row = scenarios.long_run_row(P.with_(calib_scheme=scheme), G)
        assert [row["GDP SC"], row["GDP RU"], row["GDP RW"]] == pytest.approx(values, abs=0.5e-4)
    assert scenarios.long_run_row(P, 0.44)["re-export share (b), %"] == pytest.approx(76.0, abs=0.05)


def test_reexports_shield_russia():
    rx = scenarios.long_run_row(P, 0.191, True)["GDP RU"]
    norx = scenarios.long_run_row(P, 0.191, False)["GDP RU"]
    assert norx < rx < 0


def test_calibration_far_from_paper_elasticities_converges_by_homotopy():
    """theta=3, omega=2.5 fails from the closed-economy guess and needs the homotopy start."""
    q = FWParams(theta=3.0, omega=2.5)
    b = baseline_steady_state(q)
    assert b.max_residual < 1e-10
    new = scenarios.counterfactual(q, q.rx_target_Gamma)
    assert (np.exp(b.x[26]) / np.exp(new.x[32])) ** q.k == pytest.approx(q.rx_target, abs=1e-9)
