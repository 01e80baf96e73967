"""The chapter contract: settings carry the defaults, the opening call refuses unknown names, the pages say
accurately what is real and what is generated."""
import pytest

from helpers.chapters.hausmann_schetter_yildirim import PARAMETERS, chapter
from helpers.chapters.hausmann_schetter_yildirim.data import describe_data
from helpers.chapters.hausmann_schetter_yildirim.model.calibration import COALITION
from helpers.params import ParameterError, defaults


def test_settings_carry_the_defaults():
    s = chapter.settings(data_source="synthetic")
    assert {**dict(s), "data_source": "auto"} == defaults(PARAMETERS)
    assert s.seed == 4 and s.coalition == list(COALITION) and s.ban_share_target == 0.0
    assert s.second_order_coef == 1.0 and s.targeting_rule == "eq4" and s.home_sales is True
    assert s.data.kind == "synthetic" and s.data.seed == 4


def test_open_refuses_a_misspelt_injected_parameter():
    injected = {"In": ["# Parameters\ndata_sorce = 'synthetic'\n"], "data_sorce": "synthetic"}
    with pytest.raises(ParameterError, match="data_sorce"):
        chapter.open(injected)


def test_data_statements_name_what_is_generated():
    synthetic = chapter.settings(data_source="synthetic")
    criterion_page = describe_data(synthetic, "criterion")
    assert criterion_page.kind == "none" and "reads none" in criterion_page.note
    products_page = describe_data(synthetic)
    assert products_page.kind == "synthetic"
    assert any("world table" in item for item in products_page.generated)       # no WIOD: the world is generated too
    assert any("EU list" in item for item in products_page.generated)          # no files: the EU list is generated
    assert any("US list" in item for item in products_page.generated)
    assert synthetic.eu_list == "real" and not products_page.real


def test_a_misspelt_page_is_refused():
    with pytest.raises(ValueError, match="criterium"):
        describe_data(chapter.settings(data_source="synthetic"), "criterium")
