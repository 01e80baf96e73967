"""Write a chapter's "Robustness across specifications" notebook (notebooks/<slug>/90_robustness.ipynb).

The page reads the stored sweep in sweeps/results/<slug>/ (it does not rerun it at build time), shows its
provenance (a warning when the swept notebook changed since), the specification curve and a short reading
whose numbers are glued. `intro` and `reading` are the chapter-specific prose (MyST markdown).

    .venv/bin/python -m helpers.sweep.pages <slug>   # after editing INTRO/READING below or passing them
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def robustness_notebook(slug: str, title: str, intro: str, reading: str, estimate_label: str,
                        stored_ref: str | None = None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    key = f"{slug}.robustness"
    cells = [
        nbformat.v4.new_markdown_cell(f"# {title}\n\n{intro}"),
        nbformat.v4.new_code_cell("quick = False  # the page reads a stored sweep either way",
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("from helpers.params import Boolean, validate\n\n"
                                  "p = validate(locals(), {\"quick\": Boolean()})"),
        nbformat.v4.new_code_cell(
            "from myst_nb import glue\n"
            "from helpers.report.figures import glue_figure\n"
            "from helpers.report.speccurve import curve_summary, specification_curve\n"
            "from helpers.sweep.stored import load_stored\n\n"
            f"stored = load_stored({(stored_ref or slug)!r})\n"
            "stored.admonition()"),
        nbformat.v4.new_code_cell(
            "spec = stored.speccurve\n"
            "choices = list((stored.provenance[\"grid\"].get(\"grid\") or {}))\n"
            "args = dict(estimate=spec[\"estimate\"], ci_low=spec.get(\"ci_low\"), ci_high=spec.get(\"ci_high\"),\n"
            "            se=spec.get(\"se\"), baseline=spec.get(\"baseline\"))\n"
            "reference = spec.get(\"reference\", 0.0)\n"
            "fig = specification_curve(stored.table, choices=choices, ylabel=spec.get(\"label\"),\n"
            "                          reference=reference, labels=spec.get(\"labels\"), **args)\n"
            f"glue_figure(\"{key}.speccurve.figure\", fig)\n"
            "summary = curve_summary(stored.table, reference=reference, **args)\n"
            "for name, value in summary.as_dict().items():\n"
            "    value = float(\"nan\") if value is None else value\n"
            "    value = 100 * value if name.startswith(\"share\") else value  # shares in percent\n"
            f"    glue(f\"{key}.curve.{{name}}\", value, display=False)\n"
            f"glue(\"{key}.curve.verdict\", summary.verdict(), display=False)\n"
            f"glue(\"{key}.curve.stale\", \"changed since\" if stored.stale else \"unchanged since\", display=False)"),
        nbformat.v4.new_markdown_cell(
            f"```{{glue:figure}} {key}.speccurve.figure\n:name: fig-{slug.replace('_', '-')}-speccurve\n\n"
            f"Specification curve: {estimate_label} in each run of the stored sweep (dot; bar: its interval where "
            "the notebook reports one), sorted; the marks below show each run's choices. The baseline "
            "specification is in red.\n```"),
        nbformat.v4.new_code_cell(
            "from helpers.report.speccurve import choice_effects\n\n"
            "effects = choice_effects(stored.table, args[\"estimate\"], choices)\n"
            "spreads = effects.groupby(\"choice\", sort=False)[\"spread\"].first().sort_values(ascending=False)\n"
            "top = effects[effects.choice == spreads.index[0]].sort_values(\"median\")\n"
            f"glue(\"{key}.choices.top\", spreads.index[0], display=False)\n"
            f"glue(\"{key}.choices.top_spread\", float(spreads.iloc[0]), display=False)\n"
            f"glue(\"{key}.choices.top_low_value\", str(top.value.iloc[0]), display=False)\n"
            f"glue(\"{key}.choices.top_low\", float(top[\"median\"].iloc[0]), display=False)\n"
            f"glue(\"{key}.choices.top_high_value\", str(top.value.iloc[-1]), display=False)\n"
            f"glue(\"{key}.choices.top_high\", float(top[\"median\"].iloc[-1]), display=False)\n"
            f"glue(\"{key}.choices.others_spread\", float(spreads.iloc[1:].max()) if len(spreads) > 1 else 0.0,\n"
            "     display=False)\n"
            "effects.round(3)"),
        nbformat.v4.new_code_cell(
            "from helpers.report.speccurve import curve_table\n\n"
            "curve_table(stored.table, choices=choices, **{k: v for k, v in args.items() if k != \"baseline\"})"),
        nbformat.v4.new_markdown_cell(f"## What survives\n\n{reading}"),
    ]
    nb.cells = cells
    return nb


def write(slug: str, path: Path | None = None, **text) -> Path:
    from helpers.paths import ROOT

    path = path or Path(ROOT) / "notebooks" / slug / "90_robustness.ipynb"
    nbformat.write(robustness_notebook(slug, **text), path)
    return path


if __name__ == "__main__":  # pragma: no cover - a developer tool
    print(sys.modules[__name__].__doc__)
