"""Dorff & Minhas figures (matplotlib, networkx), drawn like the archive's: the networks of Figures 1-2 from the
archive's files, the survival scenarios of Figures 3-5 and the cross-validation of Figures 6-7 from pipeline
results. Each function returns a Figure."""
from __future__ import annotations

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd

from helpers.chapters.dorff_minhas import data as dm
from helpers.chapters.dorff_minhas.pipeline import CrossValidation
from helpers.chapters.dorff_minhas.settings import LABELS
from helpers.methods.cox import SurvivalPrediction

LOW_HIGH_COLOURS = {"low": "#F8766D", "high": "#00BFC4"}   # ggplot defaults used by the archive


def _draw_arrows(ax, pos, edges, colours, widths, offset=0.0, shrink=0.06):
    """Directed edges as one quiver call (fast; networkx draws one patch per arrow). ``offset`` shifts
    each edge sideways so that i→j and j→i are drawn apart."""
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
              color=colours, width=0.0025, linewidths=np.asarray(widths) * 0.0 + 0.0,
              headwidth=4, headlength=5, headaxislength=4.5, alpha=0.8)


def figure_network(year: int = 1984, seed: int = 12345):
    """Figure 1: the sanction network of cases active in ``year`` (archive ``smatList``), isolates
    dropped, Fruchterman–Reingold (spring) layout; node colour from the capital's latitude/longitude ranks."""
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
    pos = nx.spring_layout(main, seed=seed, k=1.6 / np.sqrt(len(comps[0])), iterations=300)
    for i, comp in enumerate(comps[1:]):          # small components in a column at the right
        for j, node in enumerate(sorted(comp)):
            pos[node] = np.array([1.25 + 0.12 * j, 0.9 - 0.25 * i])
    deg = pd.Series(dict(G.degree()))
    names = dm.country_names()
    labels = {n: names.get(n, str(n)) for n in nodes if deg[n] > deg.quantile(0.8)}
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    _draw_arrows(ax, pos, list(G.edges), "#9a9a9a", [0.6] * G.number_of_edges(), shrink=0.02)
    nx.draw_networkx_nodes(G, pos, ax=ax, node_color=colours, node_size=40)
    nx.draw_networkx_labels(G, pos, labels, ax=ax, font_size=7)
    ax.set_axis_off()
    ax.set_title(f"Sanction network, cases active in {year} ({G.number_of_nodes()} states, {G.number_of_edges()} dyads)")
    return fig


def figure_reciprocity(years=(1972, 1992, 2012), top: int = 5):
    """Figure 2: compliance-network SRM relationship effects among the states with the largest
    absolute row and column sums; blue = positive (reciprocated), red = negative."""
    srm = dm.archive_compliance_srm()["ueffect"]
    names = dm.country_names()
    fig, axes = plt.subplots(1, len(years), figsize=(4.2 * len(years), 4.4))
    for ax, y in zip(np.atleast_1d(axes), years):
        g = srm[y]
        rows = g.abs().sum(1).nlargest(top).index
        cols = g.abs().sum(0).nlargest(top).index
        keep = list(dict.fromkeys(list(rows) + list(cols)))
        sub = g.loc[keep, keep]
        G = nx.DiGraph()
        G.add_nodes_from(keep)
        for i in keep:
            for j in keep:
                if i != j and abs(sub.loc[i, j]) > 1e-9:
                    G.add_edge(i, j, w=float(sub.loc[i, j]))
        pos = nx.circular_layout(G)
        ecol = ["#67A9CF" if d["w"] > 0 else "#EF8A62" for _, _, d in G.edges(data=True)]
        width = [1.5 * np.log(abs(d["w"]) + 1) + 0.3 for _, _, d in G.edges(data=True)]
        size = [60 * (np.sqrt(sub[n].abs().sum()) + 1) for n in G.nodes]
        _draw_arrows(ax, pos, list(G.edges), ecol, width, offset=0.025, shrink=0.1)
        nx.draw_networkx_nodes(G, pos, ax=ax, node_color="#dddddd", node_size=size)
        nx.draw_networkx_labels(G, pos, {n: names.get(n, str(n))[:14] for n in G.nodes}, ax=ax, font_size=7)
        ax.set_title(f"Compliance: {y}")
        ax.margins(0.18)
        ax.set_axis_off()
    fig.tight_layout()
    return fig


def figure_scenario(pred: SurvivalPrediction, var: str, horizon: float = 20):
    """Figures 3–5: predicted survival (no compliance) at the low/high scenario with 90% and 95% bands."""
    fig, ax = plt.subplots(figsize=(6, 4))
    t = pred.time
    keep = t <= horizon
    for lev, alpha in ((0.95, 0.15), (0.90, 0.2)):
        lo, hi = pred.band(lev)
        for lab in pred.survival.columns:
            ax.fill_between(t[keep], lo[lab][keep], hi[lab][keep], step="post", color=LOW_HIGH_COLOURS[lab],
                            alpha=alpha, linewidth=0)
    for lab in pred.survival.columns:
        val = pred.scenarios.loc[lab, var]
        ax.step(t[keep], pred.survival[lab][keep], where="post", color=LOW_HIGH_COLOURS[lab],
                label=f"{lab}: {LABELS[var]} = {val:.2f}")
    ax.set_xlabel("Time (Years)")
    ax.set_ylabel("Survival Probability")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, horizon)
    ax.legend(loc="lower left", fontsize=8)
    return fig


def figure_cv_coefficients(cv: CrossValidation):
    """Figure 6: Model 3 reciprocity estimates per training fold with 90% (thick) and 95% (thin) CIs."""
    coefs = cv.coefs
    terms = list(dict.fromkeys(coefs["term"]))
    fig, axes = plt.subplots(1, len(terms), figsize=(7, 3), sharey=False)
    for ax, term in zip(np.atleast_1d(axes), terms):
        d = coefs[coefs["term"] == term]
        for _, r in d.iterrows():
            sig = abs(r["estimate"] / r["se"]) > 1.645
            col = "black" if sig else "grey"
            ax.plot([r["estimate"] - 1.96 * r["se"], r["estimate"] + 1.96 * r["se"]], [r["fold"]] * 2, color=col, lw=1)
            ax.plot([r["estimate"] - 1.645 * r["se"], r["estimate"] + 1.645 * r["se"]], [r["fold"]] * 2, color=col, lw=3)
            ax.plot(r["estimate"], r["fold"], "o", color=col)
        ax.axvline(0, color="#c0392b", ls="--", lw=0.8)
        ax.set_title(term)
        ax.set_yticks(sorted(d["fold"].unique()))
        ax.set_ylabel("Fold")
    fig.tight_layout()
    return fig


def figure_auc(cv: CrossValidation):
    """Figure 7: out-of-sample time-dependent AUC by fold; solid = Model 1, dotted = 2, dashed = 3."""
    auc = cv.auc
    folds = sorted(auc["fold"].unique())
    ncol = 3
    nrow = int(np.ceil(len(folds) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(8, 2.6 * nrow), squeeze=False)
    styles = {"Model 1": "-", "Model 2": ":", "Model 3": "--"}
    for ax, k in zip(axes.ravel(), folds):
        d = auc[auc["fold"] == k]
        for m, ls in styles.items():
            curve = d[d["model"] == m]
            ax.plot(curve["time"], curve["auc"], ls, color="black", label=m)
        ax.set_title(f"Fold {k}")
        ax.set_xticks(range(0, 16, 3))
        ax.set_xlabel("Time (years)")
        ax.set_ylabel("AUC")
    for ax in axes.ravel()[len(folds):]:
        ax.set_axis_off()
    axes.ravel()[0].legend(fontsize=7)
    fig.tight_layout()
    return fig
