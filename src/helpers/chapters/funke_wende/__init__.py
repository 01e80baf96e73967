"""Funke & Wende (2025): export bans, re-exports and secondary sanctions in a calibrated three-region model.

Modules: settings (parameters with their defaults), model/ (the paper's model), pipeline (`run(settings)`: the
experiments as one frozen result), tables, figures, claims (the scorecard). The chapter reads no data.
"""
from helpers.chapter import Chapter

from .settings import PARAMETERS, SLUG, describe_data

chapter = Chapter(SLUG, PARAMETERS, choose_data=None, describe_data=describe_data, stars=None)

__all__ = ["SLUG", "PARAMETERS", "chapter"]
