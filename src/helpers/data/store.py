"""Resolve a source key to a verified local file: cache, then mirror folders, then (only on request) download."""
from __future__ import annotations

import hashlib
import os
import shutil
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from helpers import paths
from helpers.data.sources import Source, source

MIRROR_ENV = "BOOK_DATA_MIRROR"


class DataUnavailable(FileNotFoundError):
    """A data file is in neither the cache nor any mirror folder."""


class HashMismatch(ValueError):
    """A file's bytes are not the pinned ones."""


@dataclass(frozen=True)
class Resolved:
    key: str
    path: Path
    origin: str      # "cache" | "mirror" | "download"
    sha256: str


def mirror_folders() -> list[Path]:
    """Folders named in BOOK_DATA_MIRROR (os.pathsep-separated), existing ones only."""
    raw = os.environ.get(MIRROR_ENV, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p and Path(p).expanduser().is_dir()]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cached(src: Source) -> Path:
    return paths.cache_dir() / src.mirror_path


def _verify(src: Source, path: Path, where: str) -> None:
    actual = sha256_of(path)
    if actual != src.sha256:
        raise HashMismatch(
            f"Data file '{src.key}' at {path} ({where}) does not match its pinned hash: "
            f"expected sha256 {src.sha256}, got {actual} ({path.stat().st_size:,} bytes, expected {src.bytes:,}). "
            f"The file is corrupted, truncated or a different version. Fix: delete it and run "
            f"`make data` (or `python -m helpers data fetch {src.key}`) to fetch the pinned copy again."
        )


_verified: dict[str, Resolved] = {}


def locate(key: str) -> Resolved | None:
    """The verified local copy of `key`, or None when there is none. Hashes are checked once per process."""
    if key in _verified and _verified[key].path.exists():
        return _verified[key]
    src = source(key)
    candidates = [(_cached(src), "cache")] + [(m / src.mirror_path, "mirror") for m in mirror_folders()]
    for path, origin in candidates:
        if path.is_file():
            _verify(src, path, origin)
            _verified[key] = Resolved(key, path, origin, src.sha256)
            return _verified[key]
    return None


def unavailable_message(src: Source) -> str:
    return (
        f"Data file '{src.key}' ({src.filename}) is not available offline. It is pinned at {src.url} "
        f"(sha256 {src.sha256[:12]}…). Get it in one of two ways: (1) point {MIRROR_ENV} at a mirror folder "
        f"holding {src.mirror_path} (e.g. `export {MIRROR_ENV}=../shared/data/mirror`), or (2) download it "
        f"into the cache with `make data` (`python -m helpers data fetch {src.key}`)."
    )


def resolve(key: str) -> Path:
    """Verified local path for a source key. Raises DataUnavailable or HashMismatch with the fix."""
    found = locate(key)
    if found is None:
        raise DataUnavailable(unavailable_message(source(key)))
    return found.path


def fetch(key: str, timeout: float = 60) -> Resolved:
    """Download `key` into the cache (the only place the book touches the network), verified before it is kept."""
    found = locate(key)
    if found is not None:
        return found
    src = source(key)
    target = _cached(src)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with urllib.request.urlopen(src.url, timeout=timeout) as response, open(partial, "wb") as out:
        shutil.copyfileobj(response, out)
    try:
        _verify(src, partial, "download")
    except HashMismatch:
        partial.unlink()
        raise
    partial.rename(target)
    _verified[key] = Resolved(key, target, "download", src.sha256)
    return _verified[key]
