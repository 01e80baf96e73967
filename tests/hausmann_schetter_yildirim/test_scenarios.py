"""Scenario construction (section 6.4), the synthetic generator's calibration, parameters."""
import numpy as np
import pandas as pd
import pytest

from helpers.chapters.hausmann_schetter_yildirim import chapter, pipeline
from helpers.chapters.hausmann_schetter_yildirim.model import calibration as cal
from helpers.chapters.hausmann_schetter_yildirim.model import scenarios as sc
from helpers.chapters.hausmann_schetter_yildirim.synth import generate
from helpers.params import ParameterError


@pytest.fixture(scope="module")
def synthetic_setup():
    return pipeline.run(chapter.settings(data_source="synthetic"))


def test_generator_hits_reported_moments(synthetic_setup):
    P = synthetic_setup.raw_products
    imp = P["imports"]
    co = P[[f"imp_{c}" for c in cal.COALITION]].sum(1)
    assert co.sum() / imp.sum() == pytest.approx(0.54, abs=1e-6)                 # Fig. 3a
    assert 4000 <= (imp > 0).sum() <= 5200                                        # "over 4000" products
    assert P["eps"].median() == pytest.approx(-8.2, rel=0.05)                     # Fontagne et al. median
    assert P["eps"].min() == pytest.approx(np.percentile(P["eps"], 0), abs=0)     # winsorised: flat tails
    assert (P["eps"] == P["eps"].min()).mean() > 0.05
    assert ((P["eu"] > 0) | (P["us"] > 0))[imp > 0].mean() > 0.35                         # > 35% of products
    assert imp.max() / imp.sum() <= 0.0301


def test_generator_is_seeded():
    a, b, c = generate(seed=1), generate(seed=1), generate(seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert not a["imports"].equals(c["imports"])
    with pytest.raises(ValueError, match="Unknown generator"):
        generate(seed=1, not_a_setting=3)


def test_scenario_sizing(synthetic_setup):
    P, co = synthetic_setup.products, synthetic_setup.coalition
    b2, share2 = sc.ban_sets(P, 2, co)
    assert 0.41 <= share2 <= 0.45                                                 # paper: ~43%
    largest = max(P[[f"imp_{c}" for c in co]].sum(1)) / P[[f"imp_{c}" for c in co]].to_numpy().sum()
    for s, mult in ((4, 1.0), (5, 1.0), (6, 1.5)):
        banned, _ = sc.ban_sets(P, s, co)
        got = sc.banned_export_share(P, banned, co)
        assert mult * share2 <= got <= mult * share2 + largest + 1e-12
    b1, _ = sc.ban_sets(P, 1, co)
    assert not b1["Japan"].any() and np.array_equal(b1["USA"], P["us"].to_numpy() > 0)
    b4, _ = sc.ban_sets(P, 4, co)
    assert all((b4[c] >= b1[c]).all() for c in co)                                # 4 extends 1


def test_scenarios_run_and_rank_russia_first(synthetic_setup, monkeypatch):
    monkeypatch.setenv("BOOK_NO_RESULT_CACHE", "1")          # solve, do not load a stored result
    res = pipeline.scenario_runs(synthetic_setup.settings, scenarios=(2, 5))
    tab = sc.summary_table(res, synthetic_setup.coalition)
    assert (tab["status"] == "solved").all()
    assert (tab["russia_loss_pct"] > 10 * tab["coalition_loss_pct"]).all()
    assert tab.loc[5, "russia_loss_pct"] > tab.loc[2, "russia_loss_pct"]          # targeting beats the EU list


def test_parameters_validate():
    chapter.settings(data_source="synthetic")
    with pytest.raises(ParameterError) as err:
        chapter.settings(data_source="synthetic", targeting_rule="magic", second_order_coef=0.3)
    assert "targeting_rule" in str(err.value) and "second_order_coef" in str(err.value)
    with pytest.raises(ParameterError):
        chapter.settings(data_source="synthetic", coalition=["Russia"])


def test_unknown_rule_and_scenario_raise(synthetic_setup):
    with pytest.raises(ValueError, match="targeting_rule"):
        sc.ban_sets(synthetic_setup.products, 5, synthetic_setup.coalition, targeting_rule="x")
    with pytest.raises(ValueError, match="scenario"):
        sc.ban_sets(synthetic_setup.products, 9, synthetic_setup.coalition)
