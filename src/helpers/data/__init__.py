"""Offline data layer: every external file is a key in data/sources.toml, resolved to a verified local copy.

    from helpers.data import resolve, load, choose_source, DataUnavailable
"""
from __future__ import annotations

import os
from typing import Any

from helpers.cache import cached
from helpers.data import readers
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
    # keyed by the file's pinned hash: the parsed copy can never outlive the bytes it came from
    return cached("parsed", {"sha256": src.sha256, "options": options}, lambda: reader(path, **options), code=[readers])


__all__ = ["load", "resolve", "locate", "fetch", "choose_source", "catalogue", "source", "Source", "DataChoice",
           "DataUnavailable", "HashMismatch", "DATA_SOURCES", "mirror_folders"]
