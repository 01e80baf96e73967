"""Figure 1, the sector panels of Figures 6 and 8, and the summary Tables 3, 4, 7 and 8 (known answers on tiny
inputs; no data files needed)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers.chapters.phillips_ahmad import chapter, figures, paper, pipeline, tables  # noqa: E402
from helpers.params import ParameterError, validate  # noqa: E402


def tiny_country_year():
    return pd.DataFrame({"iso3": ["A", "B"], "year": [2000, 2000], "dem": [0.8, 0.9], "corr": [0.2, 0.3],
                         "upper": [1.0, np.nan], "sanctioned": [1, 0]})


def test_pair_shares_known_answer_with_domestic_pairs_and_income_coding():
    pairs = tables.pair_values(tiny_country_year(), income_missing="zero")
    assert len(pairs) == 4                                    # AA, AB, BA, BB
    shares = tables.pair_shares(pairs, ((1995, 2009),))["1995-2009"]
    assert shares["DEMO"] == 100 and shares["DICT"] == 0 and shares["LowCorr"] == 100 and shares["HighCorr"] == 0
    assert shares["SancOR"] == 75                             # OR, not the regression's XOR
    assert shares["U11"] == 25 and shares["U10"] == 25 and shares["U01"] == 25
    dropped = tables.pair_shares(tables.pair_values(tiny_country_year(), income_missing="drop"), ((1995, 2009),))
    assert dropped.loc["U11", "1995-2009"] == 100             # only the A-A pair has both incomes
    stats = tables.difference_stats(pairs, ((1995, 2009),))
    assert stats.loc[("abs_dem", "1995-2009"), "Min"] == 0    # domestic pairs
    assert stats.loc[("abs_dem", "1995-2009"), "Max"] == pytest.approx(0.1)
    assert stats.loc[("abs_corr", "1995-2009"), "Mean"] == pytest.approx(0.05)


def test_binary_shares_and_distance_by_period_later_period_first():
    panel = pd.DataFrame({"year": [2000, 2000, 2015, 2015], "fta": [0, 0, 1, 0], "contig": [1, 0, 1, 0],
                          "dist": [1.0, 100.0, 1.0, 300.0]})
    pers = ((1995, 2009), (2010, 2022))
    shares = tables.binary_shares(panel, pers, variables=("contig", "fta", "island"))
    assert list(shares.columns) == ["2010-2022", "1995-2009"]
    assert shares.loc["fta", "2010-2022"] == 50 and shares.loc["fta", "1995-2009"] == 0
    assert shares.loc["island"].isna().all()                  # not in the data: shown as missing
    d = tables.distance_stats(panel, pers)
    assert d.loc["2010-2022", "Max"] == 300 and d.loc["1995-2009", "Median"] == 50.5


def test_published_summary_tables_are_transcribed():
    pub = paper.published()
    for table, n in (("Table 3", 14), ("Table 4", 8), ("Table 7", 18), ("Table 8", 16)):
        assert (pub["table"] == table).sum() == n, table
    t3 = paper.paper_table("Table 3")
    assert t3.loc["fta", "1995-2009"] == 18.4 and t3.loc["fta", "2010-2022"] == 8.5
    t8 = pub[(pub["table"] == "Table 8") & (pub["column"] == "max")].set_index("row")["estimate"]
    assert t8["abs_corr 1995-2009"] == t8["abs_dem 1995-2009"] == 0.892   # the paper's repeated value


def fake_run(sectors=("Metals", "Machinery"), partners=("CHN", "CAN", "MEX")):
    rows = []
    for sector in sectors:
        for p in partners:
            for year in (2016, 2017, 2018):
                rows.append({"exporter": p, "importer": "USA", "year": year, "sector": sector,
                             "trade": 10.0 * (year - 2015), "resid": 1.0, "ratio": 0.1})
                rows.append({"exporter": "CHN", "importer": p, "year": year, "sector": sector,
                             "trade": 5.0, "resid": -1.0, "ratio": -0.2})
    resid = pd.DataFrame(rows)
    resid = resid[resid["exporter"] != resid["importer"]]
    return pipeline.GravityRun(settings=dict(chapter.settings(quick=True)), kind="synthetic", sectors=tuple(sectors),
                               periods=((2016, 2018),), gravity=(), resid=resid, geo=None, stage2=(), adding_up=None,
                               timings={}, country_year=None)


def test_figure1_sums_sectors_logs_and_names_missing_partners():
    run = fake_run()
    t = figures.trade_series(run, "USA", figures.FIG1_PARTNERS["imports"], "imports")
    assert list(t.columns) == ["CHN", "CAN", "MEX"] and t.loc[2018, "CHN"] == 60.0   # 2 sectors x 30
    fig, missing = figures.figure_trade_series(run)
    assert missing == {"imports": ["KHM", "VNM"], "exports": ["KHM", "VNM"]}
    assert "not in these data: KHM, VNM" in fig.axes[0].get_title()
    plt.close(fig)


def test_figure6_panels_draw_present_sectors_and_report_absent_ones():
    run = fake_run()
    fig, agg, absent = figures.figure_partner_panels(run, "USA", figures.FIG6_PARTNERS, "imports", "test")
    assert absent == ["Chemicals/pharma", "Transportation equipment"]
    assert len(fig.axes) == 10                                # (a)-(e) x (value, ratio)
    titles = [ax.get_title() for ax in fig.axes[:5]]
    assert titles[0] == "(a) all sectors" and titles[2] == "(c) Metals"
    assert len(fig.axes[2].lines) == 4 and len(fig.axes[1].lines) == 0   # 3 partners + zero line; empty panel
    assert set(agg["partner"]) == {"CHN", "CAN", "MEX"}
    assert agg.loc[(agg.partner == "CAN") & (agg.year == 2016), "resid"].item() == 2.0   # summed over sectors
    plt.close(fig)


def test_real_sanctions_parameter_is_validated():
    assert chapter.defaults["real_sanctions"] == "gsdb"
    assert chapter.settings(real_sanctions="either").real_sanctions == "either"
    with pytest.raises(ParameterError, match="real_sanctions"):
        validate({"real_sanctions": "gsdb_v4"}, chapter.parameters)
