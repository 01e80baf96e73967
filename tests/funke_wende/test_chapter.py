"""The chapter contract (settings with defaults, the opening call), the scorecard rows and the paper table."""
import pandas as pd
import pytest

from helpers.chapters.funke_wende import PARAMETERS, SLUG, chapter
from helpers.chapters.funke_wende.claims import record_headline
from helpers.chapters.funke_wende.settings import describe_data, horizon, model_params
from helpers.chapters.funke_wende.tables import headline_vs_paper
from helpers.params import ParameterError, defaults
from helpers.report.scorecard import Scorecard

PAPER_HEADLINE = pd.DataFrame({"GDP SC": [-0.013, -0.032], "GDP RU": [-0.609, -1.491], "GDP RW": [0.018, 0.048],
                               "re-export share (b), %": [67.7, 76.2]}, index=[0.191, 0.44])


def test_settings_carry_the_defaults():
    s = chapter.settings()
    assert dict(s) == defaults(PARAMETERS)
    assert s.Gamma == 0.191 and s.Gamma_alt == 0.44 and s.horizon == 1000 and s.data is None


def test_open_refuses_a_misspelt_injected_parameter_and_takes_the_notebook_values():
    injected = {"In": ["# Parameters\nGamma_al = 0.3\n"], "Gamma_al": 0.3}
    with pytest.raises(ParameterError, match="Gamma_al"):
        chapter.open(injected)
    s = chapter.open({"In": ["# Parameters\nGamma = 0.3\n"], "Gamma": 0.3})
    assert s.Gamma == 0.3 and s.Gamma_alt == 0.44


def test_parameters_validate_defaults_and_reject_bad_values():
    fw = model_params(chapter.settings())
    assert fw.tau_X == 1.3 and fw.calib_scheme == "A"
    with pytest.raises(ParameterError) as e:
        chapter.settings(calib_scheme="C", Gamma=1.5)
    assert "calib_scheme" in str(e.value) and "Gamma" in str(e.value)


def test_quick_mode_shortens_horizon():
    assert horizon(chapter.settings(quick=True))[0] < horizon(chapter.settings())[0]


def test_record_headline_judges_against_published():
    card = Scorecard(SLUG, data_source="model (no data)")
    record_headline(card, PAPER_HEADLINE, "reason")
    assert (card.frame()["verdict"] == "matched").all() and len(card.frame()) == 8
    bad = PAPER_HEADLINE.copy()
    bad["GDP RU"] = [-0.9, -1.491]
    card2 = Scorecard(SLUG, data_source="model (no data)")
    record_headline(card2, bad, "reason")
    assert (card2.frame()["verdict"] != "matched").sum() == 1


def test_headline_rows_follow_the_settings_ban_shares():
    """A run at another primary ban share is scored against the paper's primary ban (not skipped or misread)."""
    shifted = PAPER_HEADLINE.set_axis([0.3, 0.44])
    card = Scorecard(SLUG, data_source="model (no data)")
    record_headline(card, shifted, "reason")
    rows = card.frame()
    assert set(rows["row"]) == {"gamma_0191", "gamma_0440"}
    # at 0.3 the re-exported share is out of sample (3 pp), not the 0.05 pp calibration-target check
    assert "out of sample" in rows.set_index(["row", "column"]).loc[("gamma_0191", "reexported_share"), "note"]


def test_paper_column_of_the_headline_table_reads_the_published_numbers():
    table = headline_vs_paper(PAPER_HEADLINE)
    assert (table.xs("paper", axis=1, level=1).to_numpy() == table.xs("replicated", axis=1, level=1).to_numpy()).all()


def test_describe_data_states_the_calibrated_model_and_refuses_a_page():
    s = chapter.settings(tau_X=1.2)
    assert describe_data(s).kind == "none" and "τ_X = 1.2" in describe_data(s).note
    with pytest.raises(ValueError, match="page"):
        describe_data(s, "calibration")
