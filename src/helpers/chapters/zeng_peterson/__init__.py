"""Zeng & Peterson, "Alliances, state preferences, and trade networks": everything that exists for this paper only.

    settings   parameters with their defaults, star convention, labels, constants
    data       the real covariates, the dual-use product set, the user's CDU trade file and Country Chart, what
               each page runs on
    synth      the seeded generator of what is not public (outcome, export controls, the CDU networks behind the
               integration measures, sample)
    pipeline   run(settings) -> Result: the panels and the GLS-ARMA fits (cached); Figure 2, robustness
    tables     Table 1, Table 2, hypotheses, calibration, robustness, regime and product tables (Table objects)
    figures    Figures 1 and 2
    claims     hypotheses H1-H6, calibration checks, the claims scorecard (helpers.report.claims)

Every notebook opens with ``s = chapter.open(globals())``.
"""
from helpers.chapter import Chapter
from helpers.chapters.zeng_peterson.data import choose_data, describe_data
from helpers.chapters.zeng_peterson.settings import PARAMETERS, SLUG, STARS

chapter = Chapter(SLUG, PARAMETERS, choose_data=choose_data, describe_data=describe_data, stars=STARS)

__all__ = ["SLUG", "PARAMETERS", "chapter"]
