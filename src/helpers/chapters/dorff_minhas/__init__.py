"""Dorff & Minhas (2017), "When do states say uncle?": everything that exists for this paper only.

`settings` (parameters with defaults, stars, labels), `data` (which files, what each page runs on, the archive
and raw-TIES builders), `synth` (the calibrated generator), `pipeline` (the Cox models and what is computed
from them), `rebuild` (the raw-data extension), `tables`, `figures`, `claims` (the scorecard). Notebooks open
with `s = chapter.open(globals())`; tests and sweeps use `chapter.settings(**overrides)`.
"""
from helpers.chapter import Chapter
from helpers.chapters.dorff_minhas.data import choose_data, describe_data
from helpers.chapters.dorff_minhas.settings import PARAMETERS, SLUG, STARS

chapter = Chapter(SLUG, PARAMETERS, choose_data=choose_data, describe_data=describe_data, stars=STARS)

__all__ = ["SLUG", "PARAMETERS", "chapter"]
