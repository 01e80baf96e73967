"""Dorff & Minhas figures (matplotlib, networkx) in the book's theme (`helpers.report.figures`: 7.2 in wide, no font
below 9 pt, at most three panels per row): the networks of Figures 1-2 from the archive's files, the survival
scenarios of Figures 3-5 and the cross-validation of Figures 6-7 from pipeline results. Each function returns a
Figure; network labels are placed so that no two overlap (`place_labels`)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from scipy import stats

from helpers.chapters.dorff_minhas import data as dm
from helpers.chapters.dorff_minhas import pipeline
from helpers.chapters.dorff_minhas.pipeline import CrossValidation
from helpers.chapters.dorff_minhas.settings import LABELS
from helpers.methods.cox import SurvivalPrediction
from helpers.report.figures import PALETTE, WIDTH, panel_grid

LOW_HIGH_COLOURS = {"low": "#F8766D", "high": "#00BFC4"}   # the archive's ggplot defaults: red low, blue high
POSITIVE, NEGATIVE = "#2c7fb8", "#d95f0e"                  # Figure 2's edges
LABEL_SIZE = 9                                             # points: the theme's smallest font
SHORT_NAMES = {"Germany Democratic Republic": "East Germany", "United States of America": "United States"}
MODEL_STYLES = {"Model 1": ("-", PALETTE[5], "Model 1 (target state)"),
                "Model 2": (":", PALETTE[0], "Model 2 (+ sender ties)"),
                "Model 3": ("--", PALETTE[1], "Model 3 (+ reciprocity)")}


def _name(code: int) -> str:
    name = dm.country_names().get(code, str(code))
    return SHORT_NAMES.get(name, name)


# ---------------------------------------------------------------------------------------------
# Labels that never overlap
# ---------------------------------------------------------------------------------------------
_AROUND = [(6, 4, "left", "bottom"), (-6, 4, "right", "bottom"), (6, -4, "left", "top"), (-6, -4, "right", "top"),
           (0, 8, "center", "bottom"), (0, -8, "center", "top")]


def _radial(x: float, y: float, distance: float = 9) -> list:
    """Offsets pointing away from the origin first (labels outside a circle), then around the point."""
    angle = np.arctan2(y, x)
    c, s = np.cos(angle), np.sin(angle)
    ha = "left" if c > 0.3 else "right" if c < -0.3 else "center"
    va = "bottom" if s > 0.3 else "top" if s < -0.3 else "center"
    return [(distance * c, distance * s, ha, va)] + _AROUND


def _overlap(a, b, pad: float = 4.0) -> bool:
    return not (a.x1 + pad < b.x0 or b.x1 + pad < a.x0 or a.y1 + pad < b.y0 or b.y1 + pad < a.y0)


def place_labels(ax, pos, labels, fontsize: float = LABEL_SIZE, radial: bool = False) -> list:
    """Label points in the order given; each label takes the first offset around its point whose box stays in the
    axes and overlaps no label placed before it, and is dropped when none does. Call it after the figure's layout is
    final (the boxes are measured on the canvas). Returns the placed texts."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed = []
    for node, text in labels.items():
        x, y = pos[node]
        for dx, dy, ha, va in (_radial(x, y) if radial else _AROUND):
            label = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                                fontsize=fontsize, zorder=5,
                                bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.85))
            box = label.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(_overlap(box, p.get_window_extent(renderer)) for p in placed):
                placed.append(label)
                break
            label.remove()
    return placed


def _draw_arrows(ax, pos, edges, colours, widths, offset=0.0, shrink=0.06):
    """Directed edges as one quiver call (networkx draws one patch per arrow). ``offset`` shifts each edge sideways
    so that i→j and j→i are drawn apart."""
    if not edges:
        return
    p0 = np.array([pos[a] for a, _ in edges], float)
    p1 = np.array([pos[b] for _, b in edges], float)
    d = p1 - p0
    length = np.linalg.norm(d, axis=1, keepdims=True)
    unit = d / np.where(length > 0, length, 1)
    normal = np.column_stack([-unit[:, 1], unit[:, 0]])
    start = p0 + unit * shrink + normal * offset
    vec = d - 2 * unit * shrink
    ax.quiver(start[:, 0], start[:, 1], vec[:, 0], vec[:, 1], angles="xy", scale_units="xy", scale=1,
              color=colours, width=0.0022 * np.mean(widths) if np.ndim(widths) else 0.0022,
              headwidth=4, headlength=5, headaxislength=4.5, alpha=0.8)


# ---------------------------------------------------------------------------------------------
# Figures 1-2: the networks
# ---------------------------------------------------------------------------------------------
def figure_network(year: int = 1984, seed: int = 12345, n_labels: int = 12):
    """Figure 1: the sanction network of cases active in ``year`` (archive ``smatList``), isolates dropped,
    Kamada–Kawai layout refined by Fruchterman–Reingold (spring) steps; node colour from the ranks of the capital's latitude (red) and longitude
    (green), node size from the number of sanction dyads; the ``n_labels`` states in most dyads are labelled."""
    M = dm.archive_sanction_networks()["smatList"][year]
    G = nx.DiGraph()
    rows, cols = np.nonzero(M.to_numpy())
    for r, c in zip(rows, cols):
        G.add_edge(int(M.index[r]), int(M.columns[c]), weight=float(M.iat[r, c]))
    caps = dm.capitals()
    nodes = list(G.nodes)
    lat = pd.Series([caps["lat"].get(dm.COW_CODE.get(n, n), np.nan) for n in nodes], index=nodes)
    lng = pd.Series([caps["lng"].get(dm.COW_CODE.get(n, n), np.nan) for n in nodes], index=nodes)
    r1, r2 = lat.rank(pct=True).fillna(0.5), lng.rank(pct=True).fillna(0.5)
    colours = [(float(r1[n]), float(r2[n]), 0.0) for n in nodes]
    comps = sorted(nx.connected_components(G.to_undirected()), key=len, reverse=True)
    main = G.to_undirected().subgraph(comps[0])
    pos = nx.kamada_kawai_layout(main)
    pos = nx.spring_layout(main, pos=pos, seed=seed, k=2.2 / np.sqrt(len(comps[0])), iterations=50)
    span = np.array(list(pos.values()))
    lo, hi = span.min(0), span.max(0)
    for i, comp in enumerate(comps[1:]):          # small components along the bottom right corner
        for j, node in enumerate(sorted(comp)):
            pos[node] = np.array([hi[0] - 0.12 * (len(comp) - 1 - j), lo[1] + 0.12 * i])
    deg = pd.Series(dict(G.degree()))
    fig, ax = plt.subplots(figsize=(WIDTH, 6.0))
    _draw_arrows(ax, pos, list(G.edges), "#9a9a9a", [0.6] * G.number_of_edges(), shrink=0.02)
    nx.draw_networkx_nodes(G, pos, ax=ax, nodelist=nodes, node_color=colours,
                           node_size=[12 + 6 * deg[n] for n in nodes], edgecolors="white", linewidths=0.4)
    ax.set_axis_off()
    ax.set_title(f"Sanction cases active in {year}: {G.number_of_nodes()} states, {G.number_of_edges()} "
                 "sender–target dyads")
    ax.legend(handles=[Line2D([], [], color="#9a9a9a", marker=">", markersize=6, label="sender → target"),
                       Line2D([], [], ls="", marker="o", color="#7a5a00", markersize=7,
                              label="state (size: its sanction dyads)")],
              loc="lower left", frameon=True)
    fig.tight_layout()
    top = deg.sort_values(ascending=False, kind="stable").index[:n_labels]
    place_labels(ax, pos, {n: _name(n) for n in top})
    return fig


def figure_reciprocity(years=(1972, 1992, 2012), top: int = 5):
    """Figure 2: compliance-network SRM relationship effects among the states with the largest absolute row and
    column sums (``pipeline.reciprocity_panel``), one panel per year; an edge i → j is i's compliance with j beyond
    what i's and j's general tendencies predict: blue positive, orange negative, width ∝ |effect|."""
    fig, axes = panel_grid(len(years), height=3.4, columns=1)
    graphs = []
    for ax, y in zip(axes, years):
        sub = pipeline.reciprocity_panel(y, top)
        G = nx.DiGraph()
        G.add_nodes_from(sub.index)
        for i in sub.index:
            for j in sub.columns:
                if i != j and abs(sub.loc[i, j]) > 1e-9:
                    G.add_edge(i, j, w=float(sub.loc[i, j]))
        pos = nx.circular_layout(G)
        ecol = [POSITIVE if d["w"] > 0 else NEGATIVE for _, _, d in G.edges(data=True)]
        width = [1.5 * np.log(abs(d["w"]) + 1) + 0.3 for _, _, d in G.edges(data=True)]
        size = [60 * (np.sqrt(sub[n].abs().sum()) + 1) for n in G.nodes]
        for (a, b), colour, w in zip(G.edges, ecol, width):
            _draw_arrows(ax, pos, [(a, b)], colour, [w], offset=0.03, shrink=0.09)
        nx.draw_networkx_nodes(G, pos, ax=ax, node_color="#d9d9d9", node_size=size, edgecolors="#777777",
                               linewidths=0.5)
        ax.set_title(str(y))
        ax.set_aspect("equal")
        ax.set_xlim(-2.5, 2.5)
        ax.set_ylim(-1.25, 1.25)
        ax.set_axis_off()
        graphs.append((ax, G, pos))
    fig.legend(handles=[Line2D([], [], color=POSITIVE, lw=2, label="positive: complies with it more than expected"),
                        Line2D([], [], color=NEGATIVE, lw=2, label="negative: complies with it less than expected")],
               loc="lower center", ncol=1, frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    for ax, G, pos in graphs:
        place_labels(ax, pos, {n: _name(n) for n in G.nodes}, radial=True)
    return fig


# ---------------------------------------------------------------------------------------------
# Figures 3-5: survival scenarios
# ---------------------------------------------------------------------------------------------
def figure_scenario(pred: SurvivalPrediction, var: str, horizon: float = 20):
    """Figures 3–5: predicted probability of no compliance yet at the low and high scenario, with 90 % and 95 %
    bands (``survfit.coxph``'s log-scale intervals)."""
    fig, ax = plt.subplots(figsize=(WIDTH, 4.0))
    t = pred.time
    keep = t <= horizon
    for lev, alpha in ((0.95, 0.15), (0.90, 0.2)):
        lo, hi = pred.band(lev)
        for lab in pred.survival.columns:
            ax.fill_between(t[keep], lo[lab][keep], hi[lab][keep], step="post", color=LOW_HIGH_COLOURS[lab],
                            alpha=alpha, linewidth=0)
    handles = []
    for lab in pred.survival.columns:
        val = pred.scenarios.loc[lab, var]
        if var == "noS":
            text = f"{int(round(val))} sender{'s' if val > 1 else ''} ({'fewest' if lab == 'low' else 'most'} in the data)"
        else:
            text = f"{LABELS[var]} at its {'10th' if lab == 'low' else '90th'} percentile ({val:.2f})"
        handles += ax.step(t[keep], pred.survival[lab][keep], where="post", color=LOW_HIGH_COLOURS[lab], label=text)
    handles += [Patch(facecolor="#888888", alpha=0.45, label="90 % interval (darker band)"),
                Patch(facecolor="#888888", alpha=0.2, label="95 % interval (lighter band)")]
    ax.set_xlabel("Years since the sanction case began")
    ax.set_ylabel("Probability of no compliance yet")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, horizon)
    ax.legend(handles=handles, loc="lower left")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------
# Figures 6-7: cross-validation
# ---------------------------------------------------------------------------------------------
def figure_cv_coefficients(cv: CrossValidation):
    """Figure 6: Model 3's reciprocity estimates on each training set (all folds but one) with 90 % (thick) and
    95 % (thin) intervals; black when the estimate carries a star (p < 0.10), grey otherwise."""
    coefs = cv.coefs.assign(starred=cv.starred())
    terms = list(dict.fromkeys(coefs["term"]))
    z90, z95 = stats.norm.ppf(0.95), stats.norm.ppf(0.975)
    fig, axes = panel_grid(len(terms), height=3.0)
    for i, (ax, term) in enumerate(zip(axes, terms)):
        d = coefs[coefs["term"] == term]
        for _, r in d.iterrows():
            col = "black" if r["starred"] else "#999999"
            ax.plot([r["estimate"] - z95 * r["se"], r["estimate"] + z95 * r["se"]], [r["fold"]] * 2, color=col, lw=1)
            ax.plot([r["estimate"] - z90 * r["se"], r["estimate"] + z90 * r["se"]], [r["fold"]] * 2, color=col, lw=3.5)
            ax.plot(r["estimate"], r["fold"], "o", color=col, markersize=5)
        ax.axvline(0, color=PALETTE[1], ls="--", lw=0.9)
        ax.set_title(term)
        ax.set_yticks(sorted(d["fold"].unique()))
        ax.invert_yaxis()
        ax.set_xlabel("Coefficient (log hazard ratio)")
        if i == 0:
            ax.set_ylabel("Fold left out of training")
    fig.legend(handles=[Line2D([], [], color="black", lw=3.5, label="90 % interval"),
                        Line2D([], [], color="black", lw=1, label="95 % interval"),
                        Line2D([], [], color=PALETTE[1], ls="--", lw=0.9, label="zero")],
               loc="lower center", ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def figure_auc(cv: CrossValidation):
    """Figure 7: out-of-sample time-dependent AUC by fold; solid = Model 1, dotted = 2, dashed = 3 (the paper's
    line styles), coloured for legibility."""
    auc = cv.auc
    folds = sorted(auc["fold"].unique())
    fig, axes = panel_grid(len(folds), height=2.4, sharey=True)
    for ax, k in zip(axes, folds):
        d = auc[auc["fold"] == k]
        for m, (ls, colour, _) in MODEL_STYLES.items():
            curve = d[d["model"] == m]
            ax.plot(curve["time"], curve["auc"], ls=ls, color=colour, lw=1.6)
        ax.set_title(f"Fold {k} left out")
        ax.set_xticks(range(0, 17, 4))
    fig.supxlabel("Years since the sanction case began", fontsize=10)
    fig.supylabel("Out-of-sample AUC", fontsize=10)
    fig.legend(handles=[Line2D([], [], ls=ls, color=c, lw=1.6, label=text) for ls, c, text in MODEL_STYLES.values()],
               loc="upper center", ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig
