"""Phillips & Ahmad on real WIOD sector trade: the panel of one sector x period, the gravity fit's distance
elasticity, the Sanc coding and the page's parameters cell."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from helpers.chapters.phillips_ahmad import PARAMETERS, chapter
from helpers.data import wiod
from helpers.data.store import locate

real_wiod = pytest.importorskip("helpers.chapters.phillips_ahmad.real_wiod")
PAGE = Path(__file__).resolve().parents[2] / "notebooks" / "phillips_ahmad" / "06b_real_wiod.ipynb"
needs_data = pytest.mark.skipif(any(locate(k) is None for k in wiod.KEYS.values()),
                                reason="WIOD tables not in the mirror")


@needs_data
def test_one_sector_period_panel_is_40_by_40_by_15_years_with_domestic_flows():
    s = chapter.settings(quick=True)
    p = real_wiod.WiodPanels(s).panel("c9", (1995, 2009))
    assert len(p) == 40 * 40 * 15
    assert p["year"].min() == 1995 and p["year"].max() == 2009
    dom = p[p["exporter"] == p["importer"]]
    assert len(dom) == 40 * 15 and (dom["dom"] == 1).all() and (dom["trade"] > 0).all()
    assert (p["trade"] >= 0).all() and not p[list(real_wiod.WIOD_GRAVITY_VARS)].isna().any().any()
    assert "ROW" not in set(p["exporter"]) | set(p["importer"])


@needs_data
def test_distance_elasticity_is_negative_and_sanc_is_not_estimable():
    s = chapter.settings(quick=True)
    r = real_wiod.run(s)
    assert [x.label["period"] for x in r.gravity[:2]] == ["1995-2009", "2010-2011"]
    for fit in r.gravity:
        assert fit.params["ln_dist"] < 0
    assert real_wiod.sanctioned_pair_years() == 0
    assert all("Sanc" not in fit.params.index for fit in r.stage2)
    comp = real_wiod.comparisons(r)
    assert {"Table 5", "Table 6", "Table 9", "Table 10"} == set(comp["table"])
    assert "Sanc" not in set(comp["row"]) and "legal" not in set(comp["row"])


def test_page_parameters_follow_the_contract():
    cells = json.loads(PAGE.read_text())["cells"]
    params = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1
    values = {}
    for node in ast.parse("".join(params[0]["source"])).body:
        values[node.targets[0].id] = ast.literal_eval(node.value)
    assert values == {name: rule.default for name, rule in PARAMETERS.items() if name in values}
    assert "quick" in values
    opening = next(c for c in cells if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", []))
    assert "remove-input" in opening["metadata"]["tags"]
    assert "from helpers.chapters.phillips_ahmad import chapter" in "".join(opening["source"])
