"""The chapter contract for Phillips & Ahmad: defaults from PARAMETERS, the opening call, the data statements."""
from __future__ import annotations

import pytest

from helpers.chapters.phillips_ahmad import PARAMETERS, SLUG, chapter
from helpers.params import ParameterError


def test_settings_are_the_defaults_of_the_parameters_spec():
    s = chapter.settings()
    assert dict(s) == {name: rule.default for name, rule in PARAMETERS.items()}
    assert (s.data_source, s.quick, s.seed, s.n_generic, s.min_trade_ratio) == ("auto", False, 1, 180, 0.001)
    assert (s.include_domestic, s.control_log_trade, s.zero_inflation, s.split_year) == (True, True, True, 0)
    assert s.data.kind == "synthetic" and s.data.generator == f"helpers.chapters.{SLUG}.synth"   # auto: the world
    assert chapter.settings(quick=True).replace(seed=2).seed == 2


def test_open_refuses_a_misspelt_injected_parameter():
    injected = {"In": ["# Parameters\ndata_sorce = \"synthetic\"\n"], "data_sorce": "synthetic"}
    with pytest.raises(ParameterError, match="data_sorce"):
        chapter.open(injected)
    with pytest.raises(ParameterError, match="n_generic"):
        chapter.open({"n_generic": -1})
    assert chapter.open({"quick": True}).quick is True


def test_each_page_states_what_is_real_and_what_is_generated():
    s = chapter.settings(quick=True)
    assert chapter.describe_data(s, None).kind == "synthetic"
    figure12 = chapter.describe_data(s, "second_stage")
    assert figure12.kind == "mixed" and any("V-Dem" in item for item in figure12.real)
    assert "48 countries" in chapter.describe_data(s, None).generated[0]
