"""Offline data layer: every external file is a key in data/sources.toml, resolved to a verified local copy.

    from helpers.data import resolve, load, choose_source, DataUnavailable
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
from typing import Any

from helpers import paths
from helpers.data.choose import DATA_SOURCES, DataChoice, choose_source
from helpers.data.readers import READERS
from helpers.data.store import DataUnavailable, HashMismatch, fetch, locate, mirror_folders, resolve
from helpers.data.sources import Source, catalogue, source

_PARSED_FORMATS = {"rda", "dta", "xls", "xlsx", "zip"}   # slow to parse: keep a pickle keyed by content hash


def load(key: str, **options: Any) -> Any:
    """Resolve `key`, verify it, and read it with the reader for its format.
    Reader options come from the source's `read` table, overridden by `options`."""
    src = source(key)
    path = resolve(key)
    options = {**src.read, **options}
    reader = READERS[src.format]
    if src.format not in _PARSED_FORMATS or os.environ.get("BOOK_NO_PARSE_CACHE"):
        return reader(path, **options)
    tag = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode()).hexdigest()[:10]
    cached = paths.cache_dir().parent / "parsed" / f"{src.sha256[:20]}-{tag}.pkl"
    if cached.exists():
        with open(cached, "rb") as handle:
            return pickle.load(handle)
    value = reader(path, **options)
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(cached)
    return value


__all__ = ["load", "resolve", "locate", "fetch", "choose_source", "catalogue", "source", "Source", "DataChoice",
           "DataUnavailable", "HashMismatch", "DATA_SOURCES", "mirror_folders"]
