"""Known-answer tests on the synthetic world (spec 002, §7.2-§7.5)."""
from __future__ import annotations

import numpy as np
import pytest

from helpers.chapters.phillips_ahmad import chapter, pipeline, routes
from helpers.chapters.phillips_ahmad import synth as S
from helpers.chapters.phillips_ahmad.settings import GEO_TERMS, GRAVITY_VARS
from helpers.methods import gravity as G

# spec §7.2 acceptance: max |beta_hat - beta| by coefficient (68 countries, theta = 0, sigmas 0.3)
BETA_TOLERANCE = {"ln_dist": 0.05, "contig": 0.15, "lang": 0.15, "fta": 0.15, "colony": 0.25, "legal": 0.25,
                  "island": 0.25, "landlocked": 0.45, "dom": 0.45}
K_SE = 3.0                    # sampling error allowance per run
SIGN_THRESHOLD = 0.2          # every true |beta| > 0.2 must come back with its sign
RECOVERY_SECTORS = ("Machinery", "Metals", "Apparel", "Chemicals/pharma")


@pytest.fixture(scope="module")
def recovery_fits():
    fits = []
    for seed in (1, 2):
        w = S.SyntheticWorld(seed=seed, n_generic=40, theta={}, routes=(), sigma_pair=0.3, sigma_iid=0.3)
        for sector in RECOVERY_SECTORS:
            for per in S.PERIODS:
                r = G.fit_ppml(w.sector_panel(sector, per), GRAVITY_VARS, label={"sector": sector, "period": per})
                truth = w._beta(sector, per[0])
                fits.append((r, truth))
    return fits


@pytest.mark.slow
def test_gravity_coefficients_recovered_within_spec_tolerances(recovery_fits):
    """Each run: |beta_hat - beta| within the spec's tolerance or, where our draw has fewer pairs with the
    attribute than the reference reconstruction (legal origin, contiguity), within K_SE standard errors.
    Across the 16 runs: no bias (mean deviation within half the spec's tolerance)."""
    devs = {v: [] for v in BETA_TOLERANCE}
    for r, truth in recovery_fits:
        for v, tol in BETA_TOLERANCE.items():
            d = r.params[v] - truth[v]
            devs[v].append(d)
            assert abs(d) <= max(tol, K_SE * r.bse[v]), (r.label, v, round(d, 3), round(r.bse[v], 3))
            if abs(truth[v]) > SIGN_THRESHOLD:
                assert np.sign(r.params[v]) == np.sign(truth[v]), (r.label, v, r.params[v], truth[v])
    bias = {v: float(np.mean(d)) for v, d in devs.items()}
    assert all(abs(bias[v]) <= BETA_TOLERANCE[v] / 2 for v in bias), bias


@pytest.mark.slow
def test_fit_statistics_and_adding_up(recovery_fits):
    for r, _ in recovery_fits:
        assert 0.85 < r.stats["pr2"] < 1.0
        checks = G.adding_up(r.data)
        assert checks["max_relative"] < 1e-8
        assert abs(checks["mean_resid"]) < 1e-8 * r.data["trade"].max()


def test_default_world_residual_mechanics():
    """§7.3: residuals sum to zero by exporter-year and importer-year; median negative every year."""
    w = S.SyntheticWorld(seed=1, n_generic=40)
    r = G.fit_ppml(w.sector_panel("Machinery", (1995, 2009)), GRAVITY_VARS)
    checks = G.adding_up(r.data)
    assert checks["max_abs_exporter_year"] < 1e-6 * r.data["trade"].max()
    assert checks["max_abs_importer_year"] < 1e-6 * r.data["trade"].max()
    assert 0.25 < checks["share_positive"] < 0.5
    med = r.data.groupby("year")["resid"].median()
    assert (med < 0).all()
    assert med.iloc[-1] < med.iloc[0]       # nominal growth scales the mechanical median up


@pytest.fixture(scope="module")
def found_routes():
    return routes.recovery(chapter.settings(sectors="quick"))      # the three route sectors


@pytest.mark.slow
def test_injected_routes_recovered_in_paired_design(found_routes):
    cells = found_routes[(found_routes["kind"] == "cell") & (found_routes["injected"].abs() > 1.0)]
    assert len(cells) > 10
    o_h = cells[cells["role"] == "origin->hub"]
    h_d = cells[cells["role"] == "hub->destination"]
    div = cells[cells["role"] == "diversion"]
    assert (o_h["recovery"] >= 0.5).all(), o_h
    assert (h_d["recovery"] >= 0.8).all(), h_d
    assert (div["recovery"] >= 0.8).all(), div


@pytest.mark.slow
def test_hub_percentile_and_placebo(found_routes):
    pct = found_routes[(found_routes["kind"] == "percentile_with") & (found_routes["role"] == "CHN->VNM->USA")]
    assert (pct["dresid"] >= 0.9).all(), pct
    placebo = found_routes[found_routes["kind"] == "placebo"]
    assert len(placebo) == 9
    assert (placebo["dresid"] == 0.0).all()


@pytest.fixture(scope="module")
def stage2_world():
    return pipeline.run(chapter.settings(seed=2, sectors="Machinery", data_source="synthetic"))


@pytest.mark.slow
def test_one_step_ppml_recovers_geopolitics(stage2_world):
    """§7.5 (1): one-step PPML gets the sign of Sanc with |t| > 2. The generator applies the geopolitics only
    to international pairs, so with domestic flows in the sample the estimate is attenuated (as in the
    spec's reference, -0.63/-0.70); on international pairs it recovers theta within K_SE standard errors."""
    for r in pipeline.respecified(stage2_world, estimator="ppml_onestep"):
        assert r.params["Sanc"] < 0 and abs(r.tvalues["Sanc"]) > 2, r.tidy()
        assert {"U01", "U10"} <= set(r.dropped)
    for r in pipeline.respecified(stage2_world, estimator="ppml_onestep", sample="international_only"):
        assert abs(r.params["Sanc"] - S.DEFAULT_THETA["Sanc"]) < K_SE * r.bse["Sanc"], r.tidy()
        for term, th in S.DEFAULT_THETA.items():
            if abs(th) >= 0.3 and term in r.params:      # never significantly of the wrong sign
                assert not (np.sign(r.params[term]) != np.sign(th) and abs(r.tvalues[term]) > 2), (term, r.tidy())


@pytest.mark.slow
def test_without_log_trade_control_the_sanctions_sign_is_recovered(stage2_world):
    """§7.5 (2), as it holds in our generator: the level and the ratio residual regressions *without* the
    log(trade) control give Sanc < 0 (the ratio one with |t| > 2). With the control the ratio regression does
    not (the spec's reference reported -0.16; ours is insignificant or positive): warning 4."""
    for r in pipeline.respecified(stage2_world, estimator="ols_levels", control_log_trade=False):
        assert r.params["Sanc"] < 0, r.tidy()
    for r in pipeline.respecified(stage2_world, estimator="ols_ratio", control_log_trade=False):
        assert r.params["Sanc"] < 0 and r.tvalues["Sanc"] < -2, r.tidy()


def test_paper_second_stage_runs_and_counts(stage2_world):
    run = stage2_world
    assert len(run.stage2) == 2
    for r in run.stage2:
        assert "ltrade" in r.params and {"U01", "U10"} <= set(r.dropped)   # warning 2: one income dummy left
    counts = G.count_signs(run.stage2, GEO_TERMS)
    assert (counts[["pos_sig", "neg_sig", "not_sig", "dropped"]].sum(axis=1) == 2).all()


def test_second_stage_equals_a_merge_of_the_residuals_with_the_pair_variables(stage2_world):
    """second_stage attaches the pair variables by row position, one sector x period at a time; the result must be
    that of the plain merge it replaced."""
    run = stage2_world
    merged = run.resid.merge(run.geo, on=["exporter", "importer", "year"], how="left")
    for r in run.stage2:
        d = merged[(merged["sector"] == r.label["sector"]) & (merged["period"] == r.label["period"])]
        d = d[d["trade"] > 0].dropna(subset=list(GEO_TERMS)).assign(ltrade=lambda v: np.log(v["trade"]))
        ref = G.fit_ols_fe(d, "resid", [*GEO_TERMS, "ltrade"])
        assert r.nobs == ref.nobs and list(r.params.index) == list(ref.params.index)
        assert np.allclose(r.params, ref.params, rtol=1e-12) and np.allclose(r.bse, ref.bse, rtol=1e-12)
    checks = run.adding_up
    assert (checks["max_relative"] < 1e-8).all()
