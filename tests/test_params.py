"""Parameter validation: one message naming every bad parameter and what is allowed."""
import pytest

from helpers.params import Boolean, Choice, Integer, ListOf, Number, ParameterError, Text, validate

SPEC = {"data_source": Choice("auto", "real", "synthetic"), "quick": Boolean(), "folds": Integer(2, 20),
        "gamma": Number(0, 1, low_open=True), "label": Text(), "years": ListOf(Integer(1900, 2030), min_len=1)}
GOOD = dict(data_source="auto", quick=False, folds=10, gamma=0.191, label="x", years=[1997, 2015])


def test_good_values_pass_and_come_back_as_attributes():
    p = validate({**GOOD, "unrelated": object()}, SPEC)
    assert p.folds == 10 and p.gamma == 0.191 and not hasattr(p, "unrelated")


@pytest.mark.parametrize("name, value, fragment", [
    ("data_source", "fake", "one of 'auto', 'real', 'synthetic'"),
    ("quick", 1, "True or False"),
    ("folds", 1, "[2, 20]"),
    ("folds", 2.5, "not an integer"),
    ("gamma", 0.0, "(0, 1]"),
    ("gamma", float("nan"), "NaN"),
    ("label", 3, "a string"),
    ("years", [], "at least 1"),
    ("years", [1800], "bad items"),
])
def test_each_bad_value_is_named_with_what_is_allowed(name, value, fragment):
    with pytest.raises(ParameterError) as error:
        validate({**GOOD, name: value}, SPEC)
    assert f"- {name} = {value!r}" in str(error.value) and fragment in str(error.value)


def test_all_problems_in_one_message_and_strict_flags_unknown_names():
    with pytest.raises(ParameterError) as error:
        validate({**GOOD, "quick": "yes", "folds": 0, "typo": 1}, SPEC, strict=True)
    message = str(error.value)
    assert "quick" in message and "folds" in message and "typo: unknown parameter" in message


def test_with_defaults_applies_known_overrides_and_names_unknown_ones():
    from helpers.params import with_defaults

    assert with_defaults({"a": 1, "b": 2}, {"b": 3}) == {"a": 1, "b": 3}
    with pytest.raises(ParameterError, match="Unknown parameters \\['c'\\]"):
        with_defaults({"a": 1}, {"c": 0})
