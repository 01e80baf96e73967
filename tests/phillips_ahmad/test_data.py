"""Real-data builders (Yotov panel + geopolitics from the mirror) and the paper-format loaders."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.chapters.phillips_ahmad import chapter, pipeline
from helpers.chapters.phillips_ahmad import data as D
from helpers.data import locate
from helpers.params import ParameterError, validate

HAVE_MIRROR = all(locate(k) is not None for k in D.REAL_KEYS)
needs_mirror = pytest.mark.skipif(not HAVE_MIRROR, reason="real data not in the mirror/cache")


@needs_mirror
def test_yotov_panel_is_square_with_domestic_flows():
    p = D.yotov_panel()
    assert len(p) == 69 * 69 * 21
    assert p["dom"].sum() == 69 * 21
    assert p.groupby("year").size().eq(69 * 69).all()
    assert set(D.YOTOV_GRAVITY_VARS) <= set(p.columns)
    own = p[p["dom"] == 1].groupby("exporter")["landlocked"].first()
    assert own[["AUT", "BOL", "CHE", "HUN", "MWI", "NER", "NPL"]].eq(1).all() and own.sum() == 7


@needs_mirror
def test_real_geopolitics_codes_and_identities():
    cy = D.real_country_year()
    assert cy["dem"].between(0, 1).all() or cy["dem"].isna().any()
    assert cy.loc[(cy.iso3 == "USA") & (cy.year == 2000), "upper"].item() == 1
    g = D.pair_geopolitics(cy, income_missing="zero")
    dom = g[g.exporter == g.importer].dropna(subset=["abs_dem"])
    assert (dom["abs_dem"] == 0).all() and (dom["Sanc"] == 0).all()
    assert np.allclose(g["U11"] + g["U10"] + g["U01"] <= 1, True)
    drop = D.pair_geopolitics(cy, income_missing="drop")
    assert drop["U11"].isna().sum() > 0 and g["U11"].isna().sum() == 0


def test_paper_format_loaders(tmp_path):
    itpde = pd.DataFrame({
        "exporter_iso3": ["USA", "USA", "CHN", "CHN"], "importer_iso3": ["CHN", "CHN", "USA", "USA"],
        "year": [2000, 2000, 2000, 2000], "industry_id": [1, 2, 3, 4],
        "broad_sector": ["Manufacturing"] * 3 + ["Agriculture"], "trade": [1.0, 2.0, 0.0, 4.0],
        "flag_zero": ["p", "p", "u", "p"]})
    path = tmp_path / "itpde.csv"
    itpde.to_csv(path, index=False)
    df = D.load_itpde(path, zero_policy="drop_u")
    assert len(df) == 2 and set(df.columns) >= {"exporter", "importer", "trade"}
    agg = D.aggregate_sectors(df, pd.Series(["2930", "3110"]))
    assert agg["sector"].tolist() == ["Appliances"] and agg["trade"].item() == 3.0
    agg2 = D.aggregate_sectors(df, pd.Series(["2930", "3110"]), sector_map="appliances_31_only")
    assert sorted(agg2["sector"]) == ["Appliances", "Machinery"]
    with pytest.raises(ValueError, match="ITPD-E"):
        pd.DataFrame({"x": [1]}).to_csv(tmp_path / "bad.csv", index=False)
        D.load_itpde(tmp_path / "bad.csv")

    dgd = pd.DataFrame({"year": [2019, 2019], "iso3_o": ["USA", "USA"], "iso3_d": ["USA", "MEX"],
                        "distance": [1000.0, 2000.0], "contiguity": [0, 1], "common_language": [1, 0],
                        "common_legal_origin": [1, 0], "colony_of_origin_ever": [0, 0],
                        "colony_of_destination_ever": [0, 1], "landlocked_o": [0, 0], "landlocked_d": [0, 0],
                        "island_o": [0, 0], "island_d": [0, 0], "agree_fta": [0, 0]})
    cov = D.gravity_covariates(dgd, to_year=2021)
    assert sorted(cov["year"].unique()) == [2019, 2020, 2021] and cov["dom"].sum() == 3
    desta = pd.DataFrame({"iso1": [840], "iso2": [484], "entryforceyear": [2020]})
    ext = D.extend_fta_with_desta(cov, desta, {840: "USA", 484: "MEX"})
    assert ext.query("importer == 'MEX' and year >= 2020")["fta"].eq(1).all()
    assert ext.query("importer == 'MEX' and year == 2019")["fta"].eq(0).all()

    gsdb = pd.DataFrame({"sanctioned_state": ["Cuba", "Iran"], "begin": [1960, 2010], "end": [2023, 2012],
                         "trade": [1, 1], "descr_trade": ["exp_compl", "exp_part"]})
    s = D.gsdb_sanctioned(gsdb, {"Cuba": "CUB", "Iran": "IRN"}, years=(2020, 2022))
    assert s["iso3"].unique().tolist() == ["CUB"] and len(s) == 3


def test_parameters_validate_with_one_clear_message():
    ok = validate(chapter.defaults, chapter.parameters)
    assert ok.fe_structure == "exp_year+imp_year"
    with pytest.raises(ParameterError) as err:
        validate({**chapter.defaults, "residual_def": "nope", "n_generic": -1}, chapter.parameters)
    assert "residual_def" in str(err.value) and "n_generic" in str(err.value)
    with pytest.raises(ValueError, match="nonsense: unknown parameter"):
        chapter.settings(nonsense=1)


# ---- EUSANCT as the real application's sanctions source ------------------------------------------
def test_eusanct_reader_on_a_tiny_case_table():
    from helpers.data import eusanct

    frame = pd.DataFrame({
        "caseid": [1, 2], "targetstate": [630, 40], "targetstate_name": ["Iran", "Cuba"],
        "impositionEU": [0, 1], "impositionEU_year": [np.nan, 1995], "startyearEU": [np.nan, 1994],
        "endyearEU": [np.nan, 1996], "impositionEU_type": [".", "8;12"],
        "impositionUS": [1, 1], "impositionUS_year": [np.nan, 1992], "startyearUS": [1984, 1992],
        "endyearUS": [np.nan, np.nan], "impositionUS_type": ["1;2;3", " 1 ; 7b"],
        "impositionUN": [0, 0], "impositionUN_year": [np.nan] * 2, "startyearUN": [np.nan] * 2,
        "endyearUN": [np.nan] * 2, "impositionUN_type": [".", "."]})
    imp = eusanct.impositions(frame=frame)
    assert len(imp) == 3 and imp["types"].tolist() == [("8", "12"), ("1", "2", "3"), ("1", "7b")]
    assert imp.loc[imp["caseid"] == 1, "start"].item() == 1984          # start year when no imposition year
    ty = eusanct.total_embargo_years((1990, 1993), frame=frame)
    assert set(map(tuple, ty.to_numpy())) == {(630, 1990), (630, 1991), (630, 1992), (630, 1993), (40, 1992),
                                              (40, 1993)}
    with pytest.raises(ValueError, match="senders"):
        eusanct.impositions(("OAS",), frame=frame)


@needs_mirror
def test_eusanct_us_sanctions_known_targets_and_type_filter():
    """Zeng & Peterson's US sanctions come from the same reader: Cuba, Iran and North Korea are under US
    sanctions in every year 1996-2015, and the paper's type filter only removes target-years."""
    from helpers.chapters.zeng_peterson import data as zp

    kept = zp.us_sanctions((1996, 2015))
    years = kept.groupby("ccode")["year"].nunique()
    assert all(years.get(c, 0) == 20 for c in (40, 630, 731))  # Cuba, Iran, North Korea
    unfiltered = zp.us_sanctions((1996, 2015), exclude_types=())
    pairs = lambda d: set(zip(d["ccode"], d["year"]))
    assert pairs(kept) < pairs(unfiltered)


@needs_mirror
def test_real_sanctions_sources_gsdb_ties_eusanct_either():
    gsdb, ties, eus, either = (D.real_country_year(s) for s in D.SANCTION_SOURCES)
    sanctioned = lambda cy: set(cy.loc[cy["sanctioned"] == 1, "iso3"])
    assert {"ISR", "ZAF"} <= sanctioned(ties) and "IRN" not in sanctioned(ties)
    assert sanctioned(eus) == {"IRN"}                       # US total embargo on Iran from 1984, open-ended
    assert eus.loc[eus["iso3"] == "IRN", "sanctioned"].eq(1).all()
    assert (either["sanctioned"] == np.maximum(ties["sanctioned"], eus["sanctioned"])).all()
    assert ties.drop(columns="sanctioned").equals(eus.drop(columns="sanctioned"))
    g = D.real_geopolitics(sanctions="eusanct")
    assert g.loc[(g.exporter == "IRN") & (g.importer == "USA"), "Sanc"].eq(1).all()
    by = D.sanctioned_by_source()
    assert set(by["source"]) == set(D.SANCTION_SOURCES)
    with pytest.raises(ValueError, match="sanctions must be"):
        D.real_country_year("gsdb_v4")
    # GSDB (the paper's rule): the Arab League boycott of Israel every year, Iran from 1987, Myanmar from 1990
    on = lambda iso: set(gsdb.loc[(gsdb["iso3"] == iso) & (gsdb["sanctioned"] == 1), "year"])
    assert on("ISR") == set(range(1986, 2007))
    assert on("IRN") == set(range(1987, 2007)) and on("MMR") == set(range(1990, 2007))
    assert gsdb.drop(columns="sanctioned").equals(ties.drop(columns="sanctioned"))
    assert D.real_geopolitics().equals(D.real_geopolitics(sanctions="gsdb"))          # GSDB is the default


# ---- DESTA agreements as the real application's FTA ----------------------------------------------
def test_desta_spells_entries_accessions_and_withdrawals():
    desta = pd.DataFrame({"iso1": [1, 1, 2, 3], "iso2": [2, 3, 3, 4], "base_treaty": [10, 10, 10, 20],
                          "entry_type": ["base_treaty", "accession", "accession", "base_treaty"],
                          "entryforceyear": [1990, 1995, 1995, np.nan]})
    withdrawals = pd.DataFrame({"iso1": [3], "iso2": [1], "base_treaty": [10], "year": [1998],
                                "entryforceyear": [np.nan]})
    to_iso = {1: "AAA", 2: "BBB", 3: "CCC", 4: "DDD"}
    spells = D.desta_spells(desta, to_iso, withdrawals)
    assert len(spells) == 6                                   # 3 pairs x 2 directions; never-in-force treaty dropped
    assert spells.query("a == 'CCC' and b == 'AAA'")[["start", "end"]].values.tolist() == [[1995, 1998]]
    c = ["AAA", "BBB", "CCC", "DDD"]
    cov = pd.MultiIndex.from_product([c, c, range(1988, 2001)], names=["exporter", "importer", "year"]).to_frame(
        index=False)
    cov["fta"] = D.desta_in_force(cov, spells)
    f = cov.set_index(["exporter", "importer", "year"])["fta"]
    assert f["AAA", "BBB"].tolist() == [0, 0] + [1] * 11 and f["BBB", "AAA"].equals(f["AAA", "BBB"])
    assert f["AAA", "CCC"].tolist() == [0] * 7 + [1] * 4 + [0, 0]   # 1995 through the withdrawal year 1998
    assert f["CCC", "DDD"].sum() == 0 and cov.loc[cov.exporter == cov.importer, "fta"].sum() == 0


def test_real_fta_parameter_is_validated():
    assert chapter.defaults["real_fta"] == "rta" and D.FTA_CODINGS == ("rta", "desta", "either")
    assert chapter.settings(real_fta="desta").real_fta == "desta"
    with pytest.raises(ParameterError, match="real_fta"):
        validate({"real_fta": "dgd"}, chapter.parameters)
    with pytest.raises(ValueError, match="fta must be"):
        D.yotov_panel(fta="dgd")


@needs_mirror
def test_desta_coding_on_the_yotov_panel():
    from helpers.data import load

    desta = load("desta_dyads_v2_3")
    names = dict(zip(desta["iso1"], desta["country1"])) | dict(zip(desta["iso2"], desta["country2"]))
    assert all(code in names for code in D.YOTOV_ISO_NUMERIC.values())           # every Yotov country maps
    assert [names[D.YOTOV_ISO_NUMERIC[c]] for c in ("USA", "ROM", "DEU", "CHE", "IND")] == [
        "United States", "Romania", "Germany", "Switzerland", "India"]

    rta, des, either = (D.yotov_panel(fta=c) for c in D.FTA_CODINGS)
    assert rta is D.yotov_panel() and rta.drop(columns="fta").equals(des.drop(columns="fta"))
    assert (either["fta"] == np.maximum(rta["fta"], des["fta"])).all()
    for p in (rta, des, either):
        assert p.loc[p["dom"] == 1, "fta"].eq(0).all()
    f = des.set_index(["exporter", "importer", "year"])["fta"].sort_index()
    assert f.equals(des.set_index(["importer", "exporter", "year"])["fta"].reindex(f.index))       # symmetric
    years = range(1986, 2007)
    assert f["USA", "MEX"].tolist() == [int(y >= 1994) for y in years]                             # NAFTA 1994
    spells = D.desta_spells(desta, {v: k for k, v in D.YOTOV_ISO_NUMERIC.items()})
    us_ca = spells.query("a == 'USA' and b == 'CAN'").set_index("base_treaty")["start"]
    assert us_ca[169] == 1989 and us_ca[636] == 1994                                               # CUSFTA, NAFTA
    assert us_ca.min() == 1966 and f["USA", "CAN"].eq(1).all()        # the 1965 Auto Pact: in force all along
    ec = ["BEL", "DEU", "DNK", "ESP", "FRA", "GBR", "GRC", "IRL", "ITA", "NLD", "PRT"]
    eu = des[des.exporter.isin(ec) & des.importer.isin(ec) & (des.exporter != des.importer)]
    assert eu["fta"].eq(1).all()
    assert f["AUT", "DEU"].eq(1).all() and f["POL", "DEU"].tolist() == [int(y >= 1994) for y in years]
    assert f["HUN", "ROM"].tolist() == [int(1997 <= y <= 2004) for y in years]   # CEFTA, left by Hungary in 2004


@needs_mirror
def test_vdem_world_means_are_the_yearly_cross_country_means():
    from helpers.data import load

    means = D.vdem_world_means()
    raw = load("vdem_v14_lite")["vdemlite"]
    y2000 = raw.loc[raw["year"] == 2000, "v2x_polyarchy"].dropna()
    row = means[(means["index"] == "democracy") & (means["year"] == 2000)].iloc[0]
    assert row["n"] == len(y2000) and row["mean"] == pytest.approx(y2000.mean())
    assert row["hi"] - row["mean"] == pytest.approx(1.96 * y2000.std() / len(y2000) ** 0.5)
    assert set(means["index"]) == {"democracy", "corruption"} and (means["lo"] < means["hi"]).all()


def test_split_year_moves_the_periods_and_is_checked_against_the_data():
    synth, real = pipeline.SyntheticPanels, pipeline.YotovPanels
    assert synth(chapter.settings()).periods == ((1995, 2009), (2010, 2022))
    assert real(chapter.settings()).periods == ((1986, 1995), (1996, 2006))
    assert synth(chapter.settings(split_year=2005)).periods == ((1995, 2004), (2005, 2022))
    with pytest.raises(ValueError, match="split_year = 2010 is outside the Yotov panel's years 1986-2006"):
        real(chapter.settings(split_year=2010)).periods
    wiod = pipeline.WiodPanels
    assert wiod(chapter.settings()).periods == ((1995, 2009), (2010, 2011))      # the paper's first period exactly
    assert wiod(chapter.settings(split_year=2003)).periods == ((1995, 2002), (2003, 2011))
    with pytest.raises(ValueError, match="outside the WIOD panel's years 1995-2011"):
        wiod(chapter.settings(split_year=2012)).periods

