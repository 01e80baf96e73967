"""Synthetic fallback: the spec's acceptance checks (§7.3) and recovery of the generator's coefficients."""
import numpy as np
import pandas as pd
import pytest

from helpers.chapters.dorff_minhas import chapter, pipeline
from helpers.chapters.dorff_minhas.settings import MODELS
from helpers.chapters.dorff_minhas.synth import TRUE_BETA, SynthSettings, generate

SEED = chapter.defaults["seed"]


@pytest.fixture(scope="module")
def synth():
    return generate(SEED)


@pytest.fixture(scope="module")
def fits(synth):
    return pipeline.fit_models(synth.frame, chapter.settings())


def test_generator_is_seeded(synth):
    again = generate(SEED)
    pd.testing.assert_frame_equal(synth.frame, again.frame)
    assert not generate(SEED + 1).frame.equals(synth.frame)


def test_sample_size_and_events_near_paper(fits):
    m3 = fits["Model 3"]
    assert abs(m3.nobs / 6183 - 1) <= 0.10
    assert abs(m3.n_events / 189 - 1) <= 0.15


def test_lr_ordering(fits):
    assert fits["Model 3"].lr_stat > fits["Model 2"].lr_stat > fits["Model 1"].lr_stat


def test_recovers_reciprocity_within_two_se(fits):
    m3 = fits["Model 3"]
    for term in ("lag1_uData", "lag1_SuData2", "noS", "Ddistdata"):
        assert abs(m3.params[term] - TRUE_BETA[term]) <= 2 * m3.bse[term], term
    assert np.sign(m3.params["lag1_uData"]) == 1 and np.sign(m3.params["lag1_SuData2"]) == -1


def test_recovers_all_coefficients_within_three_se(fits):
    m3 = fits["Model 3"]
    z = (m3.params - pd.Series(TRUE_BETA)).abs() / m3.bse
    assert (z <= 3).all(), z.to_dict()


def test_unimputed_version_has_calibrated_missingness():
    frame = generate(SEED, imputed=False).frame
    share = frame[MODELS["Model 3"]].isna().any(axis=1).mean()
    assert share == pytest.approx(0.146, abs=0.03)


def test_bad_settings():
    with pytest.raises(ValueError):
        generate(1, settings=SynthSettings(n_cases=10))
