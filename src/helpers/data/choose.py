"""`data_source` = auto | real | synthetic: which data a chapter runs on, and why."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from helpers.data.store import DataUnavailable, HashMismatch, locate, unavailable_message
from helpers.data.sources import source

DATA_SOURCES = ("auto", "real", "synthetic")


@dataclass(frozen=True)
class DataChoice:
    kind: str                              # "real" | "synthetic"
    requested: str                         # what the user asked for
    keys: tuple[str, ...] = ()
    paths: dict[str, Path] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    generator: str | None = None
    seed: int | None = None
    reason: str = ""

    @property
    def is_real(self) -> bool:
        return self.kind == "real"


def choose_source(data_source: str, keys: list[str] | tuple[str, ...], generator: str | None = None,
                  seed: int | None = None) -> DataChoice:
    """Real data when every key resolves (or `real` was asked), else the chapter's synthetic generator.
    `real` never falls back: a missing file raises DataUnavailable; a corrupted one always raises."""
    if data_source not in DATA_SOURCES:
        raise ValueError(f"data_source must be one of {', '.join(map(repr, DATA_SOURCES))}, got {data_source!r}.")
    keys = tuple(keys)
    if data_source == "synthetic":
        return DataChoice("synthetic", data_source, keys, generator=generator, seed=seed,
                          reason="synthetic data requested")
    found, missing = {}, []
    for key in keys:
        hit = locate(key)          # raises HashMismatch for a corrupted file: never silently replaced
        (found.__setitem__(key, hit) if hit else missing.append(key))
    if not missing:
        return DataChoice("real", data_source, keys, {k: r.path for k, r in found.items()},
                          {k: r.origin for k, r in found.items()}, {k: r.sha256 for k, r in found.items()},
                          reason="every required file resolved and verified")
    if data_source == "real" or generator is None:
        raise DataUnavailable(unavailable_message(source(missing[0]))
                              + (f" ({len(missing)} required files missing: {', '.join(missing)}.)" if len(missing) > 1 else ""))
    return DataChoice("synthetic", data_source, keys, generator=generator, seed=seed,
                      reason=f"real data unavailable ({', '.join(missing)} not found); fell back to the generator")


__all__ = ["DataChoice", "choose_source", "DATA_SOURCES", "DataUnavailable", "HashMismatch"]
