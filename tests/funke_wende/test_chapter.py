"""Chapter glue logic: parameter validation, horizon, scorecard rows."""
import pandas as pd
import pytest

from helpers.chapters import funke_wende as ch
from helpers.params import ParameterError, validate


def test_parameters_validate_defaults_and_reject_bad_values():
    ns = validate(dict(ch.DEFAULTS), ch.PARAMETERS)
    fw = ch.model_params(ns)
    assert fw.tau_X == 1.3 and fw.calib_scheme == "A"
    bad = dict(ch.DEFAULTS, calib_scheme="C", Gamma=1.5)
    with pytest.raises(ParameterError) as e:
        validate(bad, ch.PARAMETERS)
    assert "calib_scheme" in str(e.value) and "Gamma" in str(e.value)


def test_quick_mode_shortens_horizon():
    ns = validate(dict(ch.DEFAULTS, quick=True), ch.PARAMETERS)
    assert ch.horizon(ns)[0] < ch.horizon(validate(dict(ch.DEFAULTS), ch.PARAMETERS))[0]


def test_record_headline_judges_against_published():
    from helpers.report.scorecard import Scorecard
    card = Scorecard(ch.SLUG, data_source="model (no data)")
    good = pd.DataFrame({"GDP SC": [-0.013, -0.032], "GDP RU": [-0.609, -1.491], "GDP RW": [0.018, 0.048],
                         "re-export share (b), %": [67.7, 76.2]}, index=[0.191, 0.44])
    ch.record_headline(card, good, "reason")
    assert (card.frame()["verdict"] == "matched").all() and len(card.frame()) == 8
    bad = good.copy()
    bad["GDP RU"] = [-0.9, -1.491]
    card2 = Scorecard(ch.SLUG, data_source="model (no data)")
    ch.record_headline(card2, bad, "reason")
    assert (card2.frame()["verdict"] != "matched").sum() == 1
