"""Zeng & Peterson's figures: Figure 1 (distributions of the outcome and the main explanatory variables) and
Figure 2 (conditional effects by importer sanction status)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def figure1(panel: pd.DataFrame):
    fig, axes = plt.subplots(2, 4, figsize=(12, 5.6))
    ax = axes.ravel()
    ax[0].hist(panel.log_cdu, bins=40, color="#1b4f72")
    ax[0].set_title("(a) log CDU export")
    country = lambda col, who: panel.drop_duplicates([who, "year"]).groupby("year")[col].mean()  # noqa: E731
    ax[1].plot(country("sanction", "importer"), marker="o")
    ax[1].set_title("(b) importers under US sanction")
    ax[2].hist(panel.drop_duplicates(["importer", "year"]).export_controls, bins=30, color="#c0392b")
    ax[2].set_title("(c) US export controls")
    ax[3].plot(country("ally", "exporter"), marker="o", color="#27ae60")
    ax[3].set_title("(d) exporters that are US allies")
    for a, col, t in [(ax[4], "us_prox", "(e) exporter US proximity"), (ax[5], "dyad_prox", "(f) dyadic proximity"),
                      (ax[6], "exp_int", "(g) exporter integration"), (ax[7], "imp_int", "(h) importer integration")]:
        a.hist(panel[col], bins=40, color="#5d6d7e")
        a.set_title(t)
    for a in ax[[1, 3]]:
        a.set_ylim(0, 1)
        a.set_ylabel("share of countries")
    fig.tight_layout()
    return fig


def figure2(effects: pd.DataFrame):
    """Effects (``pipeline.figure2_effects``) with their intervals, one panel per model."""
    models = list(dict.fromkeys(effects.model))
    fig, axes = plt.subplots(1, len(models), figsize=(5.2 * len(models), 4.4), sharey=True, squeeze=False)
    labels = list(dict.fromkeys(effects.label))
    y = np.arange(len(labels))
    for ax, m in zip(axes[0], models):
        for s, (off, col, name) in enumerate([(-0.15, "#1b4f72", "not sanctioned"), (0.15, "#c0392b", "sanctioned")]):
            e = effects[(effects.model == m) & (effects.sanction == s)].set_index("label").loc[labels]
            ax.errorbar(e.estimate, y + off, xerr=[e.estimate - e.ci_low, e.ci_high - e.estimate], fmt="o",
                        color=col, label=f"importer {name}", capsize=2)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_title(m)
        ax.set_xlabel("% change in CDU exports (ally: 0→1; others: +1 SD)")
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=2, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig
