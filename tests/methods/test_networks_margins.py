"""helpers.methods.networks against networkx; helpers.methods.margins against the analytic answer."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from helpers.methods.margins import conditional_effects
from helpers.methods.networks import closeness, edge_distance, integration


def _edges(seed=0, n=12, years=(2000, 2001, 2002)):
    rng = np.random.default_rng(seed)
    rows = []
    for y in years:
        for i in range(n):
            for j in range(n):
                if i != j and rng.random() < 0.3:
                    rows.append((i, j, y, rng.lognormal(2, 1.5)))
    return pd.DataFrame(rows, columns=["exporter", "importer", "year", "flow"])


@pytest.mark.parametrize("direction", ["out", "in"])
def test_closeness_matches_networkx(direction):
    e = _edges()
    ours = closeness(e, direction=direction).set_index(["year", "node"]).closeness
    for y, ey in e.groupby("year"):
        G = nx.DiGraph()
        for r in ey.itertuples():
            G.add_edge(r.exporter, r.importer, d=float(edge_distance(np.array([r.flow]))[0]))
        ref = nx.closeness_centrality(G.reverse() if direction == "out" else G, distance="d", wf_improved=True)
        for node, val in ref.items():
            assert ours[(y, node)] == pytest.approx(val, rel=1e-10)


def test_integration_max_over_categories_and_normalised():
    e = pd.concat([_edges(1).assign(cat=0), _edges(2).assign(cat=1)])
    res = integration(e, "out", category="cat")
    assert res.closeness.max() == pytest.approx(1.0)
    per_cat = closeness(e, by=["year", "cat"], direction="out").groupby(["year", "node"]).closeness.max()
    ratio = res.set_index(["year", "node"]).closeness / per_cat
    assert np.allclose(ratio, ratio.iloc[0])
    with pytest.raises(ValueError, match="normalise"):
        integration(e, "out", normalise="median")
    with pytest.raises(ValueError, match="edge transform"):
        edge_distance(np.ones(2), "cube")


def test_conditional_effects_point_and_interval():
    params = pd.Series({"x": 0.1, "S": -0.2, "S:x": 0.3})
    cov = pd.DataFrame(np.diag([0.01 ** 2, 0.01, 0.02 ** 2]), index=params.index, columns=params.index)
    eff = conditional_effects(params, cov, {"x": 2.0}, "S", n_sims=20000, seed=1)
    e0, e1 = eff.iloc[0], eff.iloc[1]
    assert e0.estimate == pytest.approx(100 * (np.exp(0.2) - 1))
    assert e1.estimate == pytest.approx(100 * (np.exp(0.8) - 1))
    # interval of b*2 at S=0: sd 0.02 -> about +-1.96*0.02 in log points
    assert e0.ci_low == pytest.approx(100 * (np.exp(0.2 - 1.96 * 0.02) - 1), rel=0.03)
    assert e1.ci_high == pytest.approx(100 * (np.exp(0.8 + 1.96 * 2 * np.sqrt(0.01 ** 2 + 0.02 ** 2)) - 1), rel=0.03)
    assert e0.significant and e1.significant
    with pytest.raises(KeyError):
        conditional_effects(params, cov, {"z": 1.0}, "S")
