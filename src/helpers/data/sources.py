"""The catalogue of external files (`data/sources.toml`)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from helpers import paths

RAW_PREFIX = "https://raw.githubusercontent.com/"


@dataclass(frozen=True)
class Source:
    key: str
    url: str
    sha256: str
    bytes: int
    format: str
    license: str = ""
    citation: str = ""
    chapters: tuple[str, ...] = ()
    description: str = ""
    bibkey: str = ""
    read: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def filename(self) -> str:
        return self.url.rsplit("/", 1)[-1]

    @property
    def mirror_path(self) -> Path:
        """Path below a mirror folder: `github.com/<owner>/<repo>/<commit>/<path>`."""
        if self.url.startswith(RAW_PREFIX):
            return Path("github.com") / self.url[len(RAW_PREFIX):]
        return Path(self.url.split("://", 1)[-1])

    @property
    def repository(self) -> str:
        parts = self.mirror_path.parts
        return "/".join(parts[1:3]) if parts[0] == "github.com" else parts[0]

    @property
    def pinned_version(self) -> str:
        parts = self.mirror_path.parts
        return parts[3] if parts[0] == "github.com" and len(parts) > 3 else ""


@lru_cache(maxsize=4)
def _catalogue(path: Path) -> dict[str, Source]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return {key: Source(key=key, **{**entry, "chapters": tuple(entry.get("chapters", ()))})
            for key, entry in raw.items()}


def catalogue(path: Path | None = None) -> dict[str, Source]:
    """All sources by key."""
    return _catalogue(Path(path or paths.SOURCES))


class UnknownSource(KeyError):
    """A key that is not in data/sources.toml (its message is one readable line)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown data source"


def unknown_source_message(key: str) -> str:
    sources = catalogue()
    close = [k for k in sources if key.split("_")[0] and key.split("_")[0] in k][:5]
    hint = f" Similar keys: {', '.join(close)}." if close else ""
    return f"No data source '{key}' in {paths.SOURCES.name}.{hint}"


def source(key: str) -> Source:
    sources = catalogue()
    if key not in sources:
        raise UnknownSource(unknown_source_message(key))
    return sources[key]
