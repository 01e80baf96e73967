"""A chapter's "Robustness across specifications" page in one call; its prose lives in the notebook itself.

    quick = False                                   # the `parameters` cell: the page reads a stored sweep either way
    from helpers.sweep.robustness import robustness_page
    page = robustness_page("dorff_minhas", globals())

The call reads `sweeps/results/<slug>/` (it does not rerun the sweep), shows where it came from, and glues under
`<slug>.robustness.`: the specification curve (`speccurve.figure`, the paper's value marked when the grid's
`[speccurve]` names it as `paper`: a cell of `data/published/<slug>.csv`, e.g. `paper = { table = "Table 9",
row = "Sanc", column = "Electronics" }`), the curve's summary (`curve.*`), where the paper's value sits on it
(`paper.*`: the first one named; NaN when none), how far each choice moves the estimate (`choices.*`), and the
table of runs (`runs.table`).
"""
from __future__ import annotations

from typing import Any, Mapping

from helpers.params import Boolean, ParameterError, problems
from helpers.report.figures import glue_figure
from helpers.report.speccurve import (CurveSummary, PaperValue, choice_effects, curve_summary, curve_table,
                                      paper_coverage, paper_values, specification_curve)
from helpers.report.tables import show

from .stored import StoredSweep, load_stored

PARAMETERS = {"quick": Boolean(doc="unused: the page reads a stored sweep either way")}


def summarise(slug: str) -> tuple[StoredSweep, CurveSummary, dict[str, Any]]:
    """The stored sweep of a chapter, what survives across its specifications, and the curve's arguments."""
    stored = load_stored(slug)
    spec = stored.speccurve
    args = dict(estimate=spec["estimate"], ci_low=spec.get("ci_low"), ci_high=spec.get("ci_high"), se=spec.get("se"),
                baseline=spec.get("baseline"))
    return stored, curve_summary(stored.table, reference=spec.get("reference", 0.0), **args), args


def paper_marks(slug: str, stored: StoredSweep) -> list[PaperValue]:
    """The paper's values the grid's `[speccurve] paper` names, read from data/published/<slug>.csv."""
    return paper_values(slug, stored.speccurve.get("paper"))


def robustness_page(slug: str, namespace: Mapping[str, Any]) -> StoredSweep:
    from IPython.display import display
    from myst_nb import glue

    bad = problems({k: namespace[k] for k in namespace if k == "quick"}, PARAMETERS)
    if bad:
        raise ParameterError("Invalid notebook parameters:\n" + "\n".join(bad))
    stored, summary, args = summarise(slug)
    display(stored.admonition())
    key = f"{slug}.robustness"
    spec = stored.speccurve
    choices = list(stored.provenance["grid"].get("grid") or {})
    reference = spec.get("reference", 0.0)
    marks = paper_marks(slug, stored)
    fig = specification_curve(stored.table, choices=choices, ylabel=spec.get("label"), reference=reference,
                              labels=spec.get("labels"), paper=marks, **args)
    glue_figure(f"{key}.speccurve.figure", fig)
    for name, value in summary.as_dict().items():
        value = float("nan") if value is None else value
        glue(f"{key}.curve.{name}", 100 * value if name.startswith("share") else value, display=False)  # shares in %
    glue(f"{key}.curve.verdict", summary.verdict(), display=False)
    interval = {k: v for k, v in args.items() if k in ("ci_low", "ci_high", "se")}
    where = paper_coverage(stored.table, args["estimate"], marks[0], **interval) if marks else {
        "value": None, "share_below": None, "share_covering": None, "median_minus_paper": None}
    for name, value in where.items():
        value = float("nan") if value is None else value
        glue(f"{key}.paper.{name}", 100 * value if name.startswith("share") else value, display=False)  # shares in %
    glue(f"{key}.paper.label", marks[0].label if marks else "", display=False)

    effects = choice_effects(stored.table, args["estimate"], choices)
    spreads = effects.groupby("choice", sort=False)["spread"].first().sort_values(ascending=False)
    top = effects[effects.choice == spreads.index[0]].sort_values("median")
    glue(f"{key}.choices.top", spreads.index[0], display=False)
    glue(f"{key}.choices.top_spread", float(spreads.iloc[0]), display=False)
    glue(f"{key}.choices.top_low_value", str(top.value.iloc[0]), display=False)
    glue(f"{key}.choices.top_low", float(top["median"].iloc[0]), display=False)
    glue(f"{key}.choices.top_high_value", str(top.value.iloc[-1]), display=False)
    glue(f"{key}.choices.top_high", float(top["median"].iloc[-1]), display=False)
    glue(f"{key}.choices.others_spread", float(spreads.iloc[1:].max()) if len(spreads) > 1 else 0.0, display=False)
    runs = curve_table(stored.table, choices=choices, **{k: v for k, v in args.items() if k != "baseline"})
    glue(f"{key}.runs.table", show(runs.round(4)), display=False)
    return stored
