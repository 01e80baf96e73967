"""The offline data layer: resolution order, hash verification, clear errors, and every reader on real files."""
from __future__ import annotations

import csv
import hashlib

import numpy as np
import pandas as pd
import pytest

import helpers.data as data
import helpers.data.store as store
from helpers import cache, paths
from helpers.data.sources import _catalogue

MANIFEST = paths.ROOT.parent / "shared" / "data" / "MANIFEST.csv"
needs_mirror = pytest.mark.skipif(not data.mirror_folders(), reason="no BOOK_DATA_MIRROR folder (../shared/data/mirror)")


@pytest.fixture
def toy_sources(tmp_path, monkeypatch):
    """A catalogue of one file, a mirror folder holding it, and an empty cache."""
    payload = b"a,b\n1,2\n3,4\n"
    url = "https://raw.githubusercontent.com/owner/repo/0123456789abcdef/data/toy.csv"
    toml = tmp_path / "sources.toml"
    toml.write_text(f'[toy]\nurl = "{url}"\nsha256 = "{hashlib.sha256(payload).hexdigest()}"\n'
                    f'bytes = {len(payload)}\nformat = "csv"\nchapters = ["dorff_minhas"]\n')
    mirror = tmp_path / "mirror"
    (mirror / "github.com/owner/repo/0123456789abcdef/data").mkdir(parents=True)
    (mirror / "github.com/owner/repo/0123456789abcdef/data/toy.csv").write_bytes(payload)
    monkeypatch.setattr(paths, "SOURCES", toml)
    monkeypatch.setenv("BOOK_DATA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("BOOK_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("BOOK_NO_PARSE_CACHE", "1")
    monkeypatch.setattr(store, "_verified", {})
    monkeypatch.setattr(cache, "_deps", {})      # the toy key must not become a dependency of later results
    _catalogue.cache_clear()
    yield dict(payload=payload, mirror=mirror, cache=tmp_path / "cache", url=url)
    _catalogue.cache_clear()


def test_resolves_from_mirror_and_reads(toy_sources):
    hit = data.locate("toy")
    assert hit.origin == "mirror" and hit.path.read_bytes() == toy_sources["payload"]
    assert data.load("toy").equals(pd.DataFrame({"a": [1, 3], "b": [2, 4]}))


def test_cache_is_preferred_over_mirror(toy_sources):
    cached = toy_sources["cache"] / "github.com/owner/repo/0123456789abcdef/data/toy.csv"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(toy_sources["payload"])
    assert data.locate("toy").origin == "cache"


def test_corrupted_file_is_refused_with_the_fix(toy_sources):
    cached = toy_sources["cache"] / "github.com/owner/repo/0123456789abcdef/data/toy.csv"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(toy_sources["payload"][:-3])          # truncated
    with pytest.raises(data.HashMismatch) as error:
        data.resolve("toy")
    message = str(error.value)
    assert "toy" in message and hashlib.sha256(toy_sources["payload"]).hexdigest() in message
    assert hashlib.sha256(toy_sources["payload"][:-3]).hexdigest() in message and "make data" in message
    assert cached.read_bytes() == toy_sources["payload"][:-3], "a bad file is reported, never silently replaced"


def test_missing_file_names_key_url_and_both_remedies(toy_sources, monkeypatch):
    monkeypatch.setenv("BOOK_DATA_MIRROR", "")
    with pytest.raises(data.DataUnavailable) as error:
        data.resolve("toy")
    message = str(error.value)
    assert "'toy'" in message and toy_sources["url"] in message
    assert "BOOK_DATA_MIRROR" in message and "make data" in message


def test_unknown_key_is_a_clear_error(toy_sources):
    with pytest.raises(KeyError, match="No data source 'nope'") as error:
        data.resolve("nope")
    assert str(error.value).startswith("No data source 'nope'")      # one readable line, no KeyError quotes


def test_every_location_is_inspected_and_resolution_is_recorded(toy_sources):
    status = data.inspect("toy")
    assert [(loc.origin, loc.state) for loc in status.locations] == [("cache", "absent"), ("mirror", "ok")]
    assert status.ok and status.chosen.origin == "mirror"
    data.resolve("toy")
    assert ["data", "toy", hashlib.sha256(toy_sources["payload"]).hexdigest()] in cache.recorded_dependencies()


def test_relative_mirror_is_taken_from_the_repository_root_not_the_notebook_folder(toy_sources, monkeypatch):
    monkeypatch.setenv("BOOK_DATA_MIRROR", "some/relative/mirror")
    monkeypatch.chdir(toy_sources["mirror"])
    with pytest.raises(data.MirrorNotFound) as error:
        data.mirror_folders()
    assert str(paths.ROOT / "some/relative/mirror") in str(error.value)
    assert paths.absolutize_env(toy_sources["mirror"].parent) == {
        "BOOK_DATA_MIRROR": str(toy_sources["mirror"].parent / "some/relative/mirror"),
        "BOOK_DATA_CACHE": str(toy_sources["cache"])}


def test_fetch_verifies_before_keeping(toy_sources, monkeypatch, tmp_path):
    """A download whose bytes differ from the pin is refused and leaves nothing behind."""
    monkeypatch.setenv("BOOK_DATA_MIRROR", "")

    class FakeResponse:
        def __init__(self, body): self.body = body
        def read(self, n=-1):
            out, self.body = self.body, b""
            return out
        def __enter__(self): return self
        def __exit__(self, *a): return False

    monkeypatch.setattr(store.urllib.request, "urlopen", lambda url, timeout: FakeResponse(b"tampered"))
    with pytest.raises(data.HashMismatch):
        data.fetch("toy")
    assert not list(toy_sources["cache"].rglob("toy.csv*"))
    monkeypatch.setattr(store.urllib.request, "urlopen", lambda url, timeout: FakeResponse(toy_sources["payload"]))
    assert data.fetch("toy").origin == "download"
    assert (toy_sources["cache"] / "github.com/owner/repo/0123456789abcdef/data/toy.csv").read_bytes() == toy_sources["payload"]


def test_choose_source_never_falls_back_when_real_is_asked(toy_sources, monkeypatch):
    assert data.choose_source("auto", ["toy"], generator="g", seed=1).kind == "real"
    monkeypatch.setenv("BOOK_DATA_MIRROR", "")
    monkeypatch.setattr(store, "_verified", {})
    with pytest.raises(data.DataUnavailable):
        data.choose_source("real", ["toy"], generator="g", seed=1)
    fallback = data.choose_source("auto", ["toy"], generator="helpers.synth.x", seed=7)
    assert fallback.kind == "synthetic" and "toy" in fallback.reason and fallback.seed == 7
    assert data.choose_source("synthetic", ["toy"], generator="g").kind == "synthetic"
    with pytest.raises(ValueError, match="data_source must be one of"):
        data.choose_source("fake", ["toy"])


def test_catalogue_matches_the_manifest():
    """sources.toml pins exactly the URL, hash and size the mirror's manifest records."""
    if not MANIFEST.exists():
        pytest.skip("no ../shared/data/MANIFEST.csv")
    manifest = {r["dataset_key"]: r for r in csv.DictReader(open(MANIFEST, encoding="utf-8"))}
    for key, src in data.catalogue().items():
        if key in manifest:
            row = manifest[key]
            assert (src.url, src.sha256, src.bytes) == (row["url"], row["sha256"], int(row["bytes"])), key
        assert src.chapters and src.license is not None and src.citation, key


@needs_mirror
@pytest.mark.parametrize("key, check", [
    ("magnesium_compSRM_all", lambda v: v["ueffect"]["1960"].shape == (114, 114) and v["ueffect"]["1960"].index[0] == "101"),
    ("magnesium_panel", lambda v: v["panel"].shape == (8903, 8)),
    ("magnesium_sanctionData_all", lambda v: v["sanctionData"].shape == (845, 80)),
    ("concordance_isic2_desc", lambda v: len(next(iter(v.values()))) > 0),
    ("peacesciencer_cow_alliance", lambda v: v["cow_alliance"].shape == (120784, 7)),
    ("wb_income_class_long", lambda v: v.shape == (8284, 15)),
    ("unga_idealpoints_jul2025", lambda v: len(v) > 1000),
    ("ties_v4_1_xls", lambda v: v.shape == (1412, 66)),
    ("wb_income_oghist", lambda v: isinstance(v, pd.DataFrame) and len(v) > 5),
    ("cepii_geo", lambda v: len(v) == 238 and "iso3" in v.columns),
    ("cepii_dist", lambda v: {"iso_o", "iso_d", "dist"} <= set(v.columns)),
    ("desta_dyads_v2_3", lambda v: len(v) > 1000),
    ("atop_v5_1_csv_zip", None),
    ("magnesium_durModelResults_all", lambda v: "tabular" in v),
    ("unga_idealpoints_jul2025_provenance", lambda v: isinstance(v, (dict, list))),
])
def test_every_reader_on_real_mirror_files(key, check):
    if key == "atop_v5_1_csv_zip":
        with pytest.raises(ValueError, match="pass member="):
            data.load(key)
        assert len(data.load(key, member="atop5_1ddyr.csv")) > 1000
        return
    assert check(data.load(key)), key


@needs_mirror
def test_matrices_keep_their_labels_and_values():
    srm = data.load("magnesium_compSRM_all")
    years = list(srm["ueffect"])
    assert years[0] == "1960" and len(years) == 54
    matrix = srm["ueffect"]["1960"]
    assert list(matrix.index) == list(matrix.columns)
    assert np.isfinite(matrix.to_numpy(dtype=float)).any()
