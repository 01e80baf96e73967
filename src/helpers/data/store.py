"""Resolve a source key to a verified local file: cache, then mirror folders, then (only on request) download.

Every resolution is noted for the results cache (`helpers.cache`): the key with its pinned sha256, or "missing"
when no copy was found, so a cached result is served only while the data it was computed from is unchanged.
`inspect` checks every location of a key without raising (for `data status`); `fetch` repairs a corrupt cache
copy from a verified mirror copy or the pinned URL, and never writes to a mirror.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from helpers import cache, paths
from helpers.data.sources import Source, catalogue, source
from helpers.paths import MirrorNotFound

MIRROR_ENV = paths.MIRROR_ENV
MISSING = "missing"       # the fingerprint of a key no copy was found for


class DataUnavailable(FileNotFoundError):
    """A data file is in neither the cache nor any mirror folder."""


class HashMismatch(ValueError):
    """A file's bytes are not the pinned ones."""


class DataUnreadable(OSError):
    """A data file exists but cannot be read (permissions, I/O error)."""


@dataclass(frozen=True)
class Resolved:
    key: str
    path: Path
    origin: str      # "cache" | "mirror" | "download"
    sha256: str
    note: str = ""   # what `fetch` did, when it repaired something


@dataclass(frozen=True)
class Location:
    """One place a key's file may be, and what is there."""

    origin: str      # "cache" | "mirror"
    path: Path
    state: str       # "ok" | "absent" | "mismatch" | "unreadable"
    detail: str = ""  # the sha256 found, or the error


@dataclass(frozen=True)
class KeyStatus:
    """Every location of a key, checked; `chosen` is the copy `locate` would use (the first present one)."""

    key: str
    locations: tuple[Location, ...]

    @property
    def chosen(self) -> Location | None:
        return next((loc for loc in self.locations if loc.state != "absent"), None)

    @property
    def ok(self) -> bool:
        return self.chosen is not None and self.chosen.state == "ok"

    @property
    def state(self) -> str:
        """"ok", "missing", "mismatch" or "unreadable" (of the copy that would be used)."""
        return "missing" if self.chosen is None else self.chosen.state


def mirror_folders() -> list[Path]:
    """Folders named in BOOK_DATA_MIRROR (os.pathsep-separated), absolute (a relative one is taken relative to
    the repository root). A named folder that does not exist raises MirrorNotFound with the fix."""
    paths.check_mirrors()
    return paths.env_folders(MIRROR_ENV)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cached(src: Source) -> Path:
    return paths.cache_dir() / src.mirror_path


def _candidates(src: Source) -> list[tuple[Path, str]]:
    return [(_cached(src), "cache")] + [(m / src.mirror_path, "mirror") for m in mirror_folders()]


def _check(src: Source, path: Path, origin: str) -> Location:
    try:
        if not path.is_file():
            return Location(origin, path, "absent")
        actual = sha256_of(path)
    except OSError as error:
        return Location(origin, path, "unreadable", f"{type(error).__name__}: {error.strerror or error}")
    return Location(origin, path, "ok" if actual == src.sha256 else "mismatch", actual)


def _size(path: Path) -> str:
    try:
        return f"{path.stat().st_size:,} bytes"
    except OSError:
        return "size unknown"


def _mirror_root(src: Source, path: Path) -> Path:
    parts = len(src.mirror_path.parts)
    return path.parents[parts - 1] if len(path.parents) >= parts else path.parent


def _remedy(src: Source, loc: Location) -> str:
    if loc.origin == "cache":
        return (f"Fix: run `python -m helpers data fetch {src.key}`: it replaces this cache copy with a verified one "
                f"(from a mirror folder that holds a good copy, else downloaded from the pinned URL); or delete "
                f"{loc.path} and run `make data`.")
    return (f"This copy is in the data mirror {_mirror_root(src, loc.path)}, which may be shared and read-only: do "
            f"not edit or delete it there; tell whoever maintains the mirror. Meanwhile run "
            f"`python -m helpers data fetch {src.key}` (or `make data`): it downloads a verified copy into your own "
            f"cache ({paths.cache_dir()}), which is used before any mirror; or point {MIRROR_ENV} at another mirror.")


def problem_message(src: Source, loc: Location) -> str:
    """What is wrong with one copy of a file, and what the user can do about it."""
    if loc.state == "mismatch":
        return (f"Data file '{src.key}' at {loc.path} ({loc.origin}) does not match its pinned hash: expected sha256 "
                f"{src.sha256}, got {loc.detail} ({_size(loc.path)}, expected {src.bytes:,}). The file is corrupted, "
                f"truncated or a different version. {_remedy(src, loc)}")
    if loc.state == "unreadable":
        return (f"Data file '{src.key}' at {loc.path} ({loc.origin}) cannot be read ({loc.detail}). "
                f"{_remedy(src, loc)}")
    return unavailable_message(src)


def _raise_for(src: Source, loc: Location) -> None:
    if loc.state == "mismatch":
        raise HashMismatch(problem_message(src, loc))
    if loc.state == "unreadable":
        raise DataUnreadable(problem_message(src, loc))


_verified: dict[str, Resolved] = {}


def _note(key: str, fingerprint: str) -> None:
    cache.note_dependency("data", key, fingerprint)


def locate(key: str) -> Resolved | None:
    """The verified local copy of `key`, or None when there is none. The first copy found (cache, then each
    mirror) decides: a corrupt or unreadable one raises, it is never passed over silently. Hashes are checked
    once per process."""
    if key in _verified and _verified[key].path.exists():
        _note(key, _verified[key].sha256)
        return _verified[key]
    src = source(key)
    for path, origin in _candidates(src):
        loc = _check(src, path, origin)
        if loc.state == "absent":
            continue
        _raise_for(src, loc)
        _verified[key] = Resolved(key, path, origin, src.sha256)
        _note(key, src.sha256)
        return _verified[key]
    _note(key, MISSING)
    return None


def inspect(key: str) -> KeyStatus:
    """Every location of `key` checked (the cache, then each mirror folder); never raises for a bad file."""
    src = source(key)
    return KeyStatus(key, tuple(_check(src, path, origin) for path, origin in _candidates(src)))


def unavailable_message(src: Source) -> str:
    return (
        f"Data file '{src.key}' ({src.filename}) is not available offline. It is pinned at {src.url} "
        f"(sha256 {src.sha256[:12]}…). Get it in one of two ways: (1) point {MIRROR_ENV} at a mirror folder "
        f"holding {src.mirror_path}, with an absolute path (e.g. "
        f"`export {MIRROR_ENV}=\"$(cd ../shared/data/mirror && pwd)\"`), or (2) download it "
        f"into the cache with `make data` (`python -m helpers data fetch {src.key}`)."
    )


def resolve(key: str) -> Path:
    """Verified local path for a source key. Raises DataUnavailable, HashMismatch or DataUnreadable with the fix."""
    found = locate(key)
    if found is None:
        raise DataUnavailable(unavailable_message(source(key)))
    return found.path


def _install(src: Source, fill, origin: str, note: str) -> Resolved:
    """Write the cache copy of `src` through `fill(partial_path)`, verified before it replaces anything."""
    target = _cached(src)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        fill(partial)
        loc = _check(src, partial, origin)
        if loc.state != "ok":
            raise HashMismatch(
                f"Data file '{src.key}' from {origin} does not match its pinned hash (expected sha256 {src.sha256}, "
                f"got {loc.detail or loc.state}); nothing was kept, the cache copy is unchanged.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _verified[src.key] = Resolved(src.key, target, origin, src.sha256, note)
    _note(src.key, src.sha256)
    return _verified[src.key]


def _download_into(src: Source, timeout: float):
    def fill(partial: Path) -> None:
        with urllib.request.urlopen(src.url, timeout=timeout) as response, open(partial, "wb") as out:
            shutil.copyfileobj(response, out)
    return fill


def fetch(key: str, timeout: float = 60) -> Resolved:
    """Make sure a verified copy of `key` is at hand (the only place the book touches the network).

    A good cache copy, or (with no cache copy) a good mirror copy, is used as it is. A corrupt or unreadable cache
    copy is replaced by a verified mirror copy when a mirror holds one, else by a download. A bad mirror copy is
    never touched: a verified download goes into the cache, which is looked at first.
    """
    src = source(key)
    status = inspect(key)
    here, mirrors = status.locations[0], status.locations[1:]
    good_mirror = next((loc for loc in mirrors if loc.state == "ok"), None)
    bad_mirrors = [loc for loc in mirrors if loc.state in ("mismatch", "unreadable")]
    if here.state == "ok":
        _verified[key] = Resolved(key, here.path, "cache", src.sha256)
        _note(key, src.sha256)
        return _verified[key]
    if good_mirror is not None and good_mirror is status.chosen:
        _verified[key] = Resolved(key, good_mirror.path, "mirror", src.sha256)
        _note(key, src.sha256)
        return _verified[key]
    if here.state != "absent":
        why = f"replaced the {'corrupt' if here.state == 'mismatch' else here.state} cache copy"
    elif bad_mirrors:
        why = f"the mirror copy {bad_mirrors[0].path} is {bad_mirrors[0].state} (left untouched); put a verified copy in the cache"
    else:
        why = ""
    if good_mirror is not None:
        return _install(src, lambda partial: shutil.copyfile(good_mirror.path, partial), "mirror",
                        f"{why} from the verified mirror copy {good_mirror.path}".strip())
    return _install(src, _download_into(src, timeout), "download", why + (" by a download" if why else ""))


def user_file(path: str | Path) -> Path:
    """A file the user supplied (not in sources.toml), absolute, recorded with its sha256 for the results cache."""
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise DataUnavailable(f"User file {path} does not exist.")
    cache.note_file(path)
    return path


def _still_holds(key: str, fingerprint: str) -> bool:
    """A recorded dependency still holds: the key's pin is unchanged (or, for "missing", still no copy exists)."""
    src = catalogue().get(key)
    if src is None:
        return False
    if fingerprint == MISSING:
        return not any(path.is_file() for path, _ in _candidates(src))
    return src.sha256 == fingerprint


def _environment() -> str:
    """Which data world a resolution happened in: the catalogue, the mirror folders and the cache folder."""
    return f"{paths.SOURCES}|{os.environ.get(MIRROR_ENV, '')}|{paths.cache_dir()}"


cache.register_dependency_check("data", _still_holds, scope=_environment)

__all__ = ["DataUnavailable", "DataUnreadable", "HashMismatch", "KeyStatus", "Location", "MirrorNotFound",
           "Resolved", "fetch", "inspect", "locate", "mirror_folders", "problem_message", "resolve",
           "sha256_of", "unavailable_message", "user_file"]
