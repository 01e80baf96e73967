"""Data builders: WIOD aggregation (real mirror), concordances, and the readers for user-held files."""
import numpy as np
import pandas as pd
import pytest

from helpers.chapters.hausmann_schetter_yildirim import data as hd
from helpers.chapters.hausmann_schetter_yildirim.model import calibration as cal
from helpers.data import DataUnavailable


def _real_or_skip(fn):
    try:
        return fn()
    except DataUnavailable as err:          # the mirror is absent: these are real-data checks only
        pytest.skip(str(err).splitlines()[0])


def test_wiod_aggregation_preserves_world_totals():
    wiot = _real_or_skip(hd.wiot_2008)
    world = cal.aggregate_wiod(wiot)
    assert (world.N, world.D) == (18, 16)
    inter = np.clip(wiot["inter"], 0, None).sum()
    final = np.clip(wiot["final"], 0, None).sum()
    assert world.X.sum() == pytest.approx(inter, rel=1e-12)
    assert world.C.sum() == pytest.approx(final, rel=1e-12)
    assert abs(world.deficit.sum()) < 1e-9 * world.E.sum()          # deficits sum to zero
    assert (world.VA > 0).all() and (world.gamma < 1).all()
    m = cal.world_summary(world)
    assert 0.01 < m["rus_share_world_gne"] < 0.05
    assert m["rus_share_eu_exports"] < 0.05                              # paper: < 2% (2019)
    assert m["rus_share_baltic_exports"] > 3 * m["rus_share_eu_exports"]
    bf = cal.aggregate_wiod(wiot, "bf30_15")
    assert bf.D == 15 and bf.X.sum() == pytest.approx(world.X.sum(), rel=1e-12)


def test_hs92_products_and_partner_shares():
    products = _real_or_skip(hd.hs92_products)
    assert products["hs6"].is_unique and len(products) > 4500
    assert set(products["bec_class"]) <= {"capital", "intermediate", "consumer_durable", "consumer_nondurable"}
    cars = products.set_index("hs6").loc["870323"]
    assert cars["bec_class"] == "consumer_durable" and cars["wiod_n"] == 15
    shares = _real_or_skip(hd.russia_import_partner_shares)
    assert shares.sum() == pytest.approx(1.0)
    assert shares.idxmax() == "CHN"


def test_readers_for_user_files(tmp_path):
    lists = tmp_path / "lists.csv"
    pd.DataFrame({"hs6": ["10119", "870323"], "eu": [1, None], "us": [0, 2]}).to_csv(lists, index=False)
    df = hd.read_sanction_list(lists)
    assert df["hs6"].tolist() == ["010119", "870323"] and df["eu"].tolist() == [1, 0]
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"code": ["1"]}).to_csv(bad, index=False)
    with pytest.raises(ValueError, match="hs6"):
        hd.read_sanction_list(bad)
    with pytest.raises(FileNotFoundError, match="only if you provide it"):
        hd.read_baci(tmp_path / "missing.csv", tmp_path / "codes.csv")
    baci = tmp_path / "baci.csv"
    codes = tmp_path / "codes.csv"
    pd.DataFrame({"t": 2019, "i": [276, 156, 276], "j": [643, 643, 250], "k": ["870323", "870323", "10119"],
                  "v": [10.0, 5.0, 7.0]}).to_csv(baci, index=False)
    pd.DataFrame({"country_code": [276, 156, 643, 250], "country_iso3": ["DEU", "CHN", "RUS", "FRA"]}).to_csv(codes, index=False)
    trade = hd.read_baci(baci, codes)
    assert len(trade) == 2 and trade["value"].sum() == pytest.approx(15e3)
