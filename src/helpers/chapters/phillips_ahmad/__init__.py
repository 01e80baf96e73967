"""Phillips & Ahmad (2026): unexplained trade from gravity residuals.

    settings          parameters with their defaults, star convention, labels
    data              dataset builders (Yotov panel, V-Dem, World Bank, TIES, EUSANCT, DESTA; the paper's ITPD-E, DGD
                      and GSDB layouts for users who have them), the data choice and each page's data statement
    synth             the seeded structural-gravity world with injected re-routing
    paper             the paper's transcribed numbers (read through the scorecard's loader)
    pipeline          `run(settings)`: both stages of the paper on a panel source -> a frozen `GravityRun`
    routes            the paired design that checks whether the residual finds injected re-routing
    mechanics         the four mechanical properties of the design ("warnings")
    real_application  the pipeline on the real Yotov panel, and its sanctions and FTA codings
    tables, figures   the paper's tables and figures from a run
    claims            the scorecard
"""
from helpers.chapter import Chapter
from helpers.chapters.phillips_ahmad.data import choose_data, describe_data
from helpers.chapters.phillips_ahmad.settings import PARAMETERS, SLUG, STARS

chapter = Chapter(SLUG, PARAMETERS, choose_data=choose_data, describe_data=describe_data, stars=STARS)

__all__ = ["SLUG", "PARAMETERS", "chapter"]
