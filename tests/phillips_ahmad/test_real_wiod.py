"""Phillips & Ahmad on real WIOD sector trade: the panel of one sector x period, the gravity fit's distance
elasticity, the Sanc coding, `real_panel` through the chapter's own run, a missing WIOD year, the WIOD claims and
the page's parameters cell."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from helpers import data
from helpers.chapters.phillips_ahmad import PARAMETERS, chapter, pipeline
from helpers.chapters.phillips_ahmad import data as D
from helpers.data import store, wiod
from helpers.data.store import locate

real_wiod = pytest.importorskip("helpers.chapters.phillips_ahmad.real_wiod")
PAGE = Path(__file__).resolve().parents[2] / "notebooks" / "phillips_ahmad" / "06b_real_wiod.ipynb"
needs_data = pytest.mark.skipif(any(locate(k) is None for k in wiod.KEYS.values()),
                                reason="WIOD tables not in the mirror")


@needs_data
def test_one_sector_period_panel_is_40_by_40_by_15_years_with_domestic_flows():
    s = chapter.settings(quick=True)
    p = pipeline.WiodPanels(s).panel("c9 Chemicals/pharma", (1995, 2009))
    assert len(p) == 40 * 40 * 15
    assert p["year"].min() == 1995 and p["year"].max() == 2009
    dom = p[p["exporter"] == p["importer"]]
    assert len(dom) == 40 * 15 and (dom["dom"] == 1).all() and (dom["trade"] > 0).all()
    assert (p["trade"] >= 0).all() and not p[list(D.WIOD_GRAVITY_VARS)].isna().any().any()
    assert "ROW" not in set(p["exporter"]) | set(p["importer"])


@needs_data
def test_distance_elasticity_is_negative_and_sanc_is_not_estimable():
    s = chapter.settings(quick=True)
    r = real_wiod.run(s)
    assert [x.label["period"] for x in r.gravity[:2]] == ["1995-2009", "2010-2011"]
    for fit in r.gravity:
        assert fit.params["ln_dist"] < 0
    assert D.wiod_sanctioned_pair_years() == 0
    assert all("Sanc" not in fit.params.index for fit in r.stage2)
    comp = real_wiod.comparisons(r)
    assert {"Table 5", "Table 6", "Table 9", "Table 10"} == set(comp["table"])
    assert "Sanc" not in set(comp["row"]) and "legal" not in set(comp["row"])


@needs_data
def test_real_panel_wiod_is_the_chapters_own_run_and_source():
    s = chapter.settings(quick=True, data_source="real")          # real_panel = "wiod" is the default
    assert s.real_panel == "wiod" and pipeline.data_kind(s) == "wiod"
    assert set(s.data.keys) >= set(wiod.KEYS.values()) | {"gsdb_v3_case_level"}
    r = pipeline.run(s)
    assert r.kind == "wiod" and r is not None
    assert r.sectors == tuple(x for x in D.WIOD_SECTORS if set(D.WIOD_PAPER_SECTORS[x]) &
                              {"Chemicals/pharma", "Metals", "Machinery", "Electronics"})
    assert pipeline.source_of(r).kind == "wiod"
    yotov = chapter.settings(quick=True, data_source="real", real_panel="yotov")
    assert pipeline.data_kind(yotov) == "yotov" and "gsdb_v3_case_level" in yotov.data.keys
    one = chapter.settings(sectors="Apparel", data_source="real")
    assert pipeline.WiodPanels(one).sectors == ("c4 Apparel", "c5 Apparel")


@needs_data
def test_a_missing_wiod_year_raises_data_unavailable_naming_its_key(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    for key in D.WIOD_KEYS:
        if key == "wiod2013_wiot_2003":
            continue
        target = mirror / data.source(key).mirror_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(data.resolve(key))
    monkeypatch.setenv("BOOK_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("BOOK_DATA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "_verified", {})
    try:
        with pytest.raises(data.DataUnavailable, match="wiod2013_wiot_2003"):
            chapter.settings(data_source="real", real_panel="wiod")
        auto = chapter.settings()                      # "auto" is the synthetic world: unaffected
        assert auto.data.kind == "synthetic"
    finally:
        store._verified.clear()


@needs_data
def test_wiod_comparisons_are_scored_as_other_real_data_by_sign_and_significance():
    from helpers.chapters.phillips_ahmad import claims

    s = chapter.settings(quick=True)
    cells = claims.scorecard(s, pipeline.run(s)).frame()
    real = cells[cells["evidence"] == "other real data"]
    wiod_cells = real[real["table"].isin(["Table 5", "Table 6", "Table 9", "Table 10"])]
    comp = real_wiod.wiod_comparisons(s)
    assert len(wiod_cells) == len(comp) > 0
    assert set(wiod_cells["rule"]) == {"sign_sig"}
    assert (wiod_cells["page"] == "notebooks/phillips_ahmad/06b_real_wiod.ipynb").all()
    agree = wiod_cells["verdict"].eq("reproduced").to_numpy()
    assert (agree == comp["sign_sig_agrees"].to_numpy()).all()       # the card's verdict is the comparison's
    assert "Sanc" not in set(wiod_cells["row"])
    # the same cells keep their "not testable offline" row as the paper's digits (ITPD-E)
    t9 = cells[(cells["table"] == "Table 9") & (cells["evidence"] == "rebuilt from sources")]
    assert len(t9) and t9["verdict"].eq("not testable offline").all()


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
