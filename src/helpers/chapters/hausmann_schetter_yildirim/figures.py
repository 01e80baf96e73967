"""Figures of the Hausmann-Schetter-Yildirim chapter (Figures 6-10, A.1, B.1 analogues), in the book's theme
(`helpers.report.figures`: 7.2 in wide, no font under 9 pt, at most three panels per row)."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.report.figures import PALETTE, WIDTH, panel_grid

from .model import calibration as cal
from .model.scenarios import SCENARIO_LABELS


def figure6(table: pd.DataFrame, sigma: float, theta: float):
    """dlnY per unit Domar weight against the coalition share (Eq. 3 printed, with 1/2, exact)."""
    grid = table
    fig, ax = plt.subplots(figsize=(WIDTH, 4.2))
    ax.plot(grid["omega"], grid["eq3_printed"], color=PALETTE[1], lw=2, label="Eq. 3 as printed (c = 1)")
    ax.plot(grid["omega"], grid["eq3_half"], color=PALETTE[0], lw=2, ls="--", label="Eq. 3 as derived (c = 1/2)")
    ax.plot(grid["omega"], grid["exact_small_share"], color=PALETTE[2], lw=1.5, ls=":",
            label="exact effect (small product shares)")
    ax.set_xlabel(r"coalition share of Russian expenditure on the product, $\Omega^g_{CO}$")
    ax.set_ylabel(r"change in log GDP per unit Domar weight, $\Delta\ln Y/\lambda^g$")
    ax.set_title(f"Change in Russian GDP from a ban on one product (σ = {sigma:g}, θ = {theta:g})")
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def rank_histograms(prepared: pd.DataFrame, criterion: str, bins: int = 20, unsanctioned: bool = False,
                    eu_source: str = "generated"):
    """Figures 7-9: normalised ranks of EU- and US-restricted (or unrestricted) products, uniform benchmark."""
    n = len(prepared)
    fig, axes = panel_grid(2, height=3.4, sharey=True)
    sources = {"eu": eu_source, "us": "generated"}
    for ax, (name, col) in zip(axes, (("EU", "eu"), ("US", "us"))):
        sel = prepared[col] == 0 if unsanctioned else prepared[col] > 0
        u = prepared.loc[sel, f"rank_{criterion}"] / n
        ax.hist(u, bins=bins, range=(0, 1), density=True, color=PALETTE[1], alpha=0.8,
                label=("not restricted" if unsanctioned else "restricted"))
        ax.axhline(1.0, color="grey", lw=2, label="uniform")
        ax.set_title(f"{name} {'un' if unsanctioned else ''}restricted products\n({sources[col]} list)")
        ax.set_xlabel(f"rank by Eq. {criterion[-1]}, share of products\n(0 = most costly to Russia)")
    axes[0].set_ylabel("density (uniform = 1)")
    axes[0].legend(frameon=False)
    fig.tight_layout()
    return fig


def ranking_scatter(base: pd.DataFrame, variants: dict[str, pd.DataFrame]):
    """Figure A.1: baseline Eq. 3 rank against the rank without home sales and with a common elasticity."""
    fig, axes = panel_grid(2, height=3.6, sharey=True)
    for ax, alt, title in ((axes[0], variants["no_home_shares"], "(a) no Russian home sales"),
                           (axes[1], variants["common_elasticity"], "(b) common elasticity ε = −8.2")):
        m = base[["hs6", "rank_eq3"]].merge(alt[["hs6", "rank_eq3"]], on="hs6", suffixes=("", "_alt"))
        ax.scatter(m["rank_eq3_alt"], m["rank_eq3"], s=2, alpha=0.4, color=PALETTE[0])
        ax.set_title(title)
        ax.set_xlabel("rank in the variant (1 = most costly)")
    axes[0].set_ylabel("baseline rank by Eq. 3 (1 = most costly)")
    fig.tight_layout()
    return fig


def figure10(table: pd.DataFrame, title: str = "Sanction scenarios"):
    """Figure 10a: absolute losses (bars, bn USD of 2008) with proportional losses (%) on top,
    coalition (left) and Russia (right) per scenario."""
    fig, ax = plt.subplots(figsize=(WIDTH, 4.6))
    x = np.arange(len(table))
    width = 0.4
    co = table["coalition_abs"] / 1e3
    ru = table["russia_abs"] / 1e3
    b1 = ax.bar(x - width / 2, co, width, color=PALETTE[0], label="coalition (12 groups)")
    b2 = ax.bar(x + width / 2, ru, width, color=PALETTE[1], label="Russia")
    for bars, pct in ((b1, table["coalition_loss_pct"]), (b2, table["russia_loss_pct"])):
        for bar, v in zip(bars, pct):
            label = f"{v:.3f}" if abs(v) < 0.1 else f"{v:.2f}"
            ax.annotate(label, (bar.get_x() + bar.get_width() / 2, max(bar.get_height(), 0)), xytext=(0, 2),
                        textcoords="offset points", ha="center", va="bottom", fontsize=9, rotation=90)
    ax.set_xticks(x, [f"S{s}\n" + "\n".join(textwrap.wrap(SCENARIO_LABELS[s], 12)) for s in table.index])
    ax.set_ylabel("welfare loss, bn USD (2008 prices)")
    ax.set_title(title + "\n(labels: loss in % of real expenditure)")
    ax.margins(y=0.25)
    ax.legend(frameon=False, loc="upper left")
    fig.tight_layout()
    return fig


def figure10b(loss_pct: pd.Series, coalition: list):
    """Figure 10b: proportional welfare loss by coalition group in scenario 5 (Russia for scale)."""
    s = loss_pct[coalition].sort_values(ascending=False)
    fig, ax = plt.subplots(figsize=(WIDTH, 4.2))
    colors = [PALETTE[3] if g == "Baltics" else PALETTE[0] for g in s.index]
    ax.bar(s.index, s.values, color=colors)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylabel("welfare loss, % of real expenditure")
    ax.set_title(f"Scenario 5 by coalition group (Russia: {loss_pct[cal.RUSSIA]:.2f}%)")
    ax.tick_params(axis="x", rotation=45)
    for label in ax.get_xticklabels():
        label.set_ha("right")
    fig.tight_layout()
    return fig
