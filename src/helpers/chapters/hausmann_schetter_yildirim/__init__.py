"""Hausmann, Schetter & Yildirim (2022): a targeting criterion for export bans on Russia and a multi-country
input-output model of six ban scenarios.

Modules: settings (parameters with their defaults), data (the data choice, the pages' data statements, the
readers), synth (the generators), inputs (the world table and the HS6 product table), model/ (criterion, shocks,
IO model, calibration, scenarios), pipeline (`run(settings)`: one frozen result), tables, figures, claims (the
scorecard).
"""
from helpers.chapter import Chapter

from .data import choose_data, describe_data
from .settings import PARAMETERS, SLUG

chapter = Chapter(SLUG, PARAMETERS, choose_data=choose_data, describe_data=describe_data, stars=None)

__all__ = ["SLUG", "PARAMETERS", "chapter"]
