"""Funke & Wende figures: the model's trade-flow schematic (Figure 2) and impulse-response grids (Figures 4-7)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import networkx as nx

from .model.parameters import REGIONS

BLACK, RED, BLUE = "#111111", "#c0392b", "#1f5fbf"


def figure2_architecture():
    """Schematic of the model's flows: direct trade, the (partly) banned SC->RU flow, re-routing via
    RW, and the bond market."""
    G = nx.DiGraph()
    pos = {"SC": (0, 1), "RU": (2, 1), "RW": (1, -0.2), "Bond market\n(USD)": (1, 1.9)}
    fig, ax = plt.subplots(figsize=(7, 4.6))
    for n in pos:
        G.add_node(n)
    nx.draw_networkx_nodes(G, pos, ax=ax, node_size=[3200, 3200, 3200, 2600],
                           node_color=["#d6e4f0", "#f6d5d1", "#dff0d8", "#eeeeee"], edgecolors="#444")
    nx.draw_networkx_labels(G, pos, ax=ax, font_size=10, font_weight="bold")
    def arrow(a, b, style, color, rad, label=None, lpos=0.5):
        nx.draw_networkx_edges(G, pos, edgelist=[(a, b)], ax=ax, style=style, edge_color=color, width=1.8,
                               arrowsize=16, node_size=3200, connectionstyle=f"arc3,rad={rad}")
        if label:
            (x0, y0), (x1, y1) = pos[a], pos[b]
            ax.text(x0 + lpos * (x1 - x0), y0 + lpos * (y1 - y0) + 0.12 * (1 if rad >= 0 else -1), label,
                    ha="center", fontsize=8, color=color)
    arrow("SC", "RU", "dashed", RED, 0.15, "banned share Γ of varieties")
    arrow("RU", "SC", "solid", BLACK, 0.15)
    arrow("SC", "RW", "solid", BLACK, 0.1, "exports + sanctioned goods\nbought by re-exporters", 0.35)
    arrow("RW", "SC", "solid", BLACK, 0.1)
    arrow("RW", "RU", "dashdot", BLUE, 0.1, "re-exports (cost τ_RX z^τz, f_RX)", 0.65)
    arrow("RU", "RW", "solid", BLACK, 0.1)
    for c in REGIONS:
        nx.draw_networkx_edges(G, pos, edgelist=[(c, "Bond market\n(USD)")], ax=ax, style="dotted",
                               edge_color="#777", arrows=False, node_size=3000)
    ax.set_title("Three regions, heterogeneous firms, re-exporters in RW")
    ax.axis("off")
    ax.margins(0.15)
    fig.tight_layout()
    return fig


def irf_grid(lines: dict, panels: list, ncols: int = 3, years: float = 50, height: float = 2.3,
             suptitle: str | None = None):
    """`lines`: label -> (TransitionResult, dict(color=, ls=)); `panels`: list of (column, title, unit)."""
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, height * nrows), squeeze=False)
    for ax, (col, title, unit) in zip(axes.ravel(), panels):
        for label, (res, style) in lines.items():
            d = res.years(years)
            ax.plot(d.index, d[col], label=label, **{"lw": 1.5, **style})
        ax.axhline(0, color="#999", lw=0.6)
        ax.set_title(title, fontsize=9)
        ax.set_ylabel(unit, fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(panels):]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("years", fontsize=8)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(4, len(labels)), fontsize=8, frameon=False)
    if suptitle:
        fig.suptitle(suptitle, fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def macro_panels():
    return [(f"{v}_{c}", f"{name}, {c}", "% dev.") for v, name in (("GDP", "GDP"), ("C", "Consumption"),
                                                                    ("I", "Investment")) for c in REGIONS]


def trade_panels():
    return [("exports_SC", "Total exports, SC", "% dev."), ("exports_RU", "Total exports, RU", "% dev."),
            ("exports_RW", "Total exports, RW (incl. re-exports)", "% dev."),
            ("exports_SC_to_RU", "Direct exports SC→RU", "% dev."),
            ("exports_RW_to_RU_incl_reexports", "Exports RW→RU (incl. re-exports)", "% dev."),
            ("rx_share_RU_imports", "Re-exports, % of RU imports", "%")]


def reexporter_panels():
    return [("z_tilde_RX", "Avg. productivity of re-exported goods (17)", "% dev."),
            ("z_check_RX", "Effective avg. productivity (18)", "% dev."),
            ("rx_price", "Average re-export price", "% dev."),
            ("reexports", "Re-exports (value)", "% dev."),
            ("d_DRX", "SC profits from sales to re-exporters", "% dev."),
            ("d_RX", "Re-exporters' profits (47)", "% dev.")]


def figure4(r, panels):
    """Figure 4: the ban transitions, black at the primary and red at the stricter ban share; solid with
    re-exports, dashed without."""
    colours = dict(zip(r.gammas, (BLACK, RED)))
    lines = {f"Γ={G:g}{'' if rx else ', no re-exports'}": (res, dict(color=colours[G], ls="-" if rx else "--"))
             for (G, rx), res in r.ban_transitions.items()}
    return irf_grid(lines, panels)


def figure5(r):
    """Figure 5: the augmented model at both nu_g (solid the larger, dashed the smaller) beside the benchmark
    model of Figure 4 (dotted)."""
    s = r.settings
    colours = dict(zip(r.gammas, (BLACK, RED)))
    lines = {}
    for G in r.gammas:
        lines[f"Γ={G:g}, benchmark"] = (r.ban_transitions[(G, True)], dict(color=colours[G], ls=":", lw=1.0))
        lines[f"Γ={G:g}, ν_g={s.nu_g_alt:g}"] = (r.augmented_transitions[(G, s.nu_g_alt)], dict(color=colours[G], ls="--"))
        lines[f"Γ={G:g}, ν_g={s.nu_g:g}"] = (r.augmented_transitions[(G, s.nu_g)], dict(color=colours[G], ls="-"))
    return irf_grid(lines, macro_panels())


def secondary_sanctions(r, G, panels):
    """Figures 6 (primary ban share, black) and 7 (stricter, red): the ban alone, with tau_RX raised (dashed
    blue) or with tau_z raised (dotted blue)."""
    styles = [dict(color=BLACK if G == r.gammas[0] else RED, ls="-"), dict(color=BLUE, ls="--"),
              dict(color=BLUE, ls=":")]
    lines = {f"Γ={G:g}, {k}": (res, style) for (k, res), style in zip(r.secondary_transitions[G].items(), styles)}
    return irf_grid(lines, panels)
