"""Funke & Wende figures in the book's theme: the model's trade-flow schematic (Figure 2) and the impulse-response
grids of Figures 4-7 (at most three panels per row, 7.2 in wide, fonts of 9 pt and more, legends in words)."""
from __future__ import annotations

import re

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.lines import Line2D

from helpers.report.figures import WIDTH, panel_grid

from .model.parameters import REGIONS
from .settings import PLOTTED_YEARS

BLACK, RED, BLUE, GREY = "#111111", "#c0392b", "#1f5fbf", "#777777"
NAMES = {"SC": "coalition (SC)", "RU": "Russia (RU)", "RW": "rest of the world (RW)"}


def figure2_architecture():
    """Schematic of the model's flows: direct trade, the (partly) banned SC->RU flow, re-routing via RW, and the
    bond market."""
    G = nx.DiGraph()
    bond = "B"
    pos = {"SC": (0, 1), "RU": (2, 1), "RW": (1, -0.2), bond: (1, 1.9)}
    G.add_nodes_from(pos)
    fig, ax = plt.subplots(figsize=(WIDTH, 4.6))
    nx.draw_networkx_nodes(G, pos, ax=ax, node_size=[2400, 2400, 2400, 1800],
                           node_color=["#d6e4f0", "#f6d5d1", "#dff0d8", "#eeeeee"], edgecolors="#444")
    nx.draw_networkx_labels(G, pos, ax=ax, font_size=11, font_weight="bold")
    box = dict(facecolor="white", edgecolor="none", pad=1.5)
    for text, x, y, ha in (("sanctioning\ncoalition", -0.24, 1, "right"), ("Russia", 2.24, 1, "left"),
                           ("rest of the world", 1, -0.5, "center"), ("dollar bonds", 1.2, 1.9, "left")):
        ax.text(x, y, text, ha=ha, va="center", fontsize=9)

    def arrow(a, b, style, color, rad):
        nx.draw_networkx_edges(G, pos, edgelist=[(a, b)], ax=ax, style=style, edge_color=color, width=1.8,
                               arrowsize=16, node_size=2400, connectionstyle=f"arc3,rad={rad}")
    for c in REGIONS:
        nx.draw_networkx_edges(G, pos, edgelist=[(c, bond)], ax=ax, style="dotted", edge_color=GREY, arrows=False,
                               node_size=2000)
    arrow("SC", "RU", "dashed", RED, 0.15)
    arrow("RU", "SC", "solid", BLACK, 0.15)
    arrow("SC", "RW", "solid", BLACK, 0.1)
    arrow("RW", "SC", "solid", BLACK, 0.1)
    arrow("RW", "RU", "dashdot", BLUE, 0.1)
    arrow("RU", "RW", "solid", BLACK, 0.1)
    ax.text(1, 0.62, r"a share $\Gamma$ of the coalition's varieties banned", ha="center", va="center", fontsize=9,
            color=RED, bbox=box)
    ax.text(0.36, 0.1, "exports, and sanctioned\nvarieties bought\nby re-exporters", ha="right", va="center",
            fontsize=9, bbox=box)
    ax.text(1.64, 0.1, "re-exports of\nsanctioned varieties", ha="left", va="center", fontsize=9, color=BLUE, bbox=box)
    handles = [Line2D([], [], color=BLACK, lw=1.8, label="direct trade"),
               Line2D([], [], color=RED, lw=1.8, ls="--", label="trade subject to the ban"),
               Line2D([], [], color=BLUE, lw=1.8, ls="-.", label="re-exports through the rest of the world"),
               Line2D([], [], color=GREY, lw=1.8, ls=":", label="bond holdings (B)")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, frameon=False)
    ax.set_xlim(-1.05, 3.05)
    ax.set_ylim(-0.7, 2.2)
    ax.axis("off")
    fig.tight_layout()
    return fig


def irf_grid(lines: dict, panels: list, years: float = PLOTTED_YEARS, height: float = 2.25):
    """`lines`: legend label -> (TransitionResult, dict(color=, ls=)); `panels`: list of (column, title, unit). Three
    panels per row, years after the shock on the horizontal axis, the legend under the grid."""
    fig, axes = panel_grid(len(panels), height=height)
    for ax, (col, title, unit) in zip(axes, panels):
        for label, (res, style) in lines.items():
            d = res.years(years)
            ax.plot(d.index, d[col], label=label, **{"lw": 1.5, **style})
        ax.axhline(0, color="#999", lw=0.6)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(unit)
    columns = min(3, len(panels))
    for ax in axes[-columns:]:
        ax.set_xlabel("years after the shock")
    handles, labels = axes[0].get_legend_handles_labels()
    shown = [re.sub(r"[$\\{}]", "", label) for label in labels]    # roughly the characters a label renders
    ncol = 1 if max(map(len, shown)) > 48 else 2         # long labels one per line, so none is cut
    rows = -(-len(labels) // ncol)
    legend = 0.22 * rows + 0.15                          # inches under the panels for the legend
    fig.set_figheight(fig.get_figheight() + legend)
    fig.legend(handles, labels, loc="lower center", ncol=ncol, frameon=False)
    fig.tight_layout(rect=(0, legend / fig.get_figheight(), 1, 1))
    return fig


def macro_panels():
    return [(f"{v}_{c}", f"{name}, {c}", "% deviation") for v, name in
            (("GDP", "GDP"), ("C", "Consumption"), ("I", "Investment")) for c in REGIONS]


def trade_panels():
    return [("exports_SC", "Total exports, SC", "% deviation"), ("exports_RU", "Total exports, RU", "% deviation"),
            ("exports_RW", "Total exports, RW\n(with re-exports)", "% deviation"),
            ("exports_SC_to_RU", "Direct exports\nSC to RU", "% deviation"),
            ("exports_RW_to_RU_incl_reexports", "Exports RW to RU\n(with re-exports)", "% deviation"),
            ("rx_share_RU_imports", "Re-exports in\nRussia's imports", "% of imports")]


def reexporter_panels():
    return [("z_tilde_RX", "Average productivity\nof re-exported goods", "% deviation"),
            ("z_check_RX", "Effective average\nproductivity, eq. (18)", "% deviation"),
            ("rx_price", "Average re-export\nprice", "% deviation"),
            ("reexports", "Re-exports\n(value)", "% deviation"),
            ("d_DRX", "SC firms' profits from\nsales to re-exporters", "% deviation"),
            ("d_RX", "Re-exporters' average\nprofits, eq. (47)", "% deviation")]


def _ban(G: float) -> str:
    return rf"ban share $\Gamma$ = {G:.3f}"


def figure4(r, panels):
    """Figure 4: the ban transitions, black at the primary and red at the stricter ban share; solid with
    re-exports, dashed without."""
    colours = dict(zip(r.gammas, (BLACK, RED)))
    lines = {f"{_ban(G)}, {'with' if rx else 'without'} re-exports": (res, dict(color=colours[G], ls="-" if rx else "--"))
             for (G, rx), res in r.ban_transitions.items()}
    return irf_grid(lines, panels)


def figure5(r):
    """Figure 5: the augmented model at both nu_g (solid the larger, dashed the smaller) beside the benchmark
    model of Figure 4 (dotted)."""
    s = r.settings
    colours = dict(zip(r.gammas, (BLACK, RED)))
    low, high = sorted((s.nu_g_alt, s.nu_g))
    lines = {}
    for G in r.gammas:
        lines[f"{_ban(G)}, benchmark model"] = (r.ban_transitions[(G, True)], dict(color=colours[G], ls=":", lw=1.2))
        lines[rf"{_ban(G)}, augmented, $\nu_g$ = {low:g}"] = (r.augmented_transitions[(G, low)], dict(color=colours[G], ls="--"))
        lines[rf"{_ban(G)}, augmented, $\nu_g$ = {high:g}"] = (r.augmented_transitions[(G, high)], dict(color=colours[G], ls="-"))
    return irf_grid(lines, macro_panels())


def secondary_sanctions(r, G, panels):
    """Figures 6 (primary ban share, black) and 7 (stricter, red): the ban alone, with the uniform re-export cost
    τ_RX raised (dashed blue) or the high-tech exponent τ_z raised (dotted blue)."""
    s = r.settings
    words = [f"{_ban(G)} alone", rf"with uniform secondary sanctions ($\tau_{{RX}}$ +{100 * s.tau_RX_shock:g} %)",
             rf"with high-tech secondary sanctions ($\tau_z$ +{100 * s.tau_z_shock:g} %)"]
    styles = [dict(color=BLACK if G == r.gammas[0] else RED, ls="-"), dict(color=BLUE, ls="--"),
              dict(color=BLUE, ls=":")]
    lines = {word: (res, style) for word, res, style in zip(words, r.secondary_transitions[G].values(), styles)}
    return irf_grid(lines, panels)
