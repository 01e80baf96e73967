"""Zeng & Peterson's figures in the book's theme: Figure 1 (distributions of the outcome and the main explanatory
variables) and Figure 2 (conditional effects by importer sanction status)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from helpers.report.figures import PALETTE, WIDTH, panel_grid

SANCTION_STATES = [(0, PALETTE[0], "importer not under US sanction"), (1, PALETTE[1], "importer under US sanction")]


def figure1(panel: pd.DataFrame):
    """Eight panels, three per row, as the paper's Figure 1 (a)-(h)."""
    fig, ax = panel_grid(8, height=2.35)
    country = lambda col, who: panel.drop_duplicates([who, "year"]).groupby("year")[col].mean()  # noqa: E731
    ax[0].hist(panel.log_cdu, bins=40, color=PALETTE[0])
    ax[0].set(title="(a) log CDU exports", xlabel="log(1 + million USD)", ylabel="dyad-years")
    ax[1].plot(country("sanction", "importer"), marker="o", ms=3, color=PALETTE[1])
    ax[1].set(title="(b) Under US sanction", xlabel="year", ylabel="share of countries")
    ax[2].hist(panel.drop_duplicates(["importer", "year"]).export_controls, bins=30, color=PALETTE[1])
    ax[2].set(title="(c) US export controls", xlabel="index (0–1)", ylabel="country-years")
    ax[3].plot(country("ally", "exporter"), marker="o", ms=3, color=PALETTE[2])
    ax[3].set(title="(d) US allies", xlabel="year", ylabel="share of countries")
    for a, col, t in [(ax[4], "us_prox", "(e) Exporter US proximity"), (ax[5], "dyad_prox", "(f) Dyadic proximity"),
                      (ax[6], "exp_int", "(g) Exporter integration"), (ax[7], "imp_int", "(h) Importer integration")]:
        a.hist(panel[col], bins=40, color=PALETTE[5])
        a.set(title=t, xlabel="index (0–1)", ylabel="dyad-years")
    for a in ax[[1, 3]]:
        a.set_ylim(0, 1)
        a.xaxis.set_major_locator(MaxNLocator(4, integer=True))
    for a in ax:
        a.yaxis.set_major_locator(MaxNLocator(4))
    fig.tight_layout(h_pad=1.2)
    return fig


def figure2(effects: pd.DataFrame):
    """Effects (``pipeline.figure2_effects``) with their intervals, one panel per model, the variables in the order
    of the paper's Table 2 from the top; one x-axis label for both panels."""
    models = list(dict.fromkeys(effects.model))
    labels = list(dict.fromkeys(effects.label))
    fig, axes = panel_grid(len(models), height=3.9, columns=2, sharey=True)
    y = np.arange(len(labels))
    for ax, m in zip(axes, models):
        for s, colour, name in SANCTION_STATES:
            e = effects[(effects.model == m) & (effects.sanction == s)].set_index("label").loc[labels]
            ax.errorbar(e.estimate, y + (0.15 if s else -0.15), xerr=[e.estimate - e.ci_low, e.ci_high - e.estimate],
                        fmt="o", ms=4, color=colour, label=name, capsize=2)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, labels)
        ax.set_ylim(len(labels) - 0.5, -0.5)      # the first variable on top
        ax.set_title(m)
        ax.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}%".replace("-", "\u2212")))
    fig.set_size_inches(WIDTH, 4.8)
    fig.tight_layout(rect=(0, 0.15, 1, 1))
    fig.supxlabel("change in CDU exports, % (US ally: 0 → 1; the others: +1 SD)", fontsize=10, y=0.09)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=2, frameon=False, bbox_to_anchor=(0.5, -0.01))
    return fig
