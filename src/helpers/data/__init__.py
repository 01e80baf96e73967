"""Offline data layer: every external file is a key in data/sources.toml, resolved to a verified local copy.

    from helpers.data import resolve, load, choose_source, DataUnavailable
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from helpers.cache import library_versions, cached
from helpers.data import readers
from helpers.data.choose import DATA_SOURCES, DataChoice, choose_source
from helpers.data.readers import READERS
from helpers.data.sources import Source, UnknownSource, catalogue, source
from helpers.data.store import (DataUnavailable, DataUnreadable, HashMismatch, KeyStatus, MirrorNotFound, fetch,
                                inspect, locate, mirror_folders, resolve, user_file)

_PARSED_FORMATS = {"rda", "dta", "xls", "xlsx", "zip"}   # slow to parse: keep the parsed value, keyed by content hash
_reader_fingerprint: list[str] = []


def _readers_fingerprint() -> str:
    """The parsed cache's code: the reader module's source and the libraries' versions (not all of helpers:
    a change elsewhere in the package does not change how a file parses)."""
    if not _reader_fingerprint:
        text = Path(readers.__file__).read_bytes() + library_versions().encode()
        _reader_fingerprint.append("readers:" + hashlib.sha256(text).hexdigest())
    return _reader_fingerprint[0]


def load(key: str, **options: Any) -> Any:
    """Resolve `key`, verify it, and read it with the reader for its format.
    Reader options come from the source's `read` table, overridden by `options`."""
    src = source(key)
    path = resolve(key)
    options = {**src.read, **options}
    reader = READERS[src.format]
    if src.format not in _PARSED_FORMATS or os.environ.get("BOOK_NO_PARSE_CACHE"):
        return reader(path, **options)
    # keyed by the file's pinned hash: the parsed copy can never outlive the bytes it came from. Stored by the
    # results cache (Parquet where the value allows, else an HMAC-authenticated pickle), never a bare pickle.
    return cached("parsed", {"sha256": src.sha256, "format": src.format, "options": options},
                  lambda: reader(path, **options), fingerprint=_readers_fingerprint(), track_data=False)


__all__ = ["load", "resolve", "locate", "inspect", "fetch", "choose_source", "catalogue", "source", "Source",
           "DataChoice", "DataUnavailable", "DataUnreadable", "HashMismatch", "KeyStatus", "MirrorNotFound",
           "UnknownSource", "DATA_SOURCES", "mirror_folders", "user_file"]
