"""One on-disk cache for results that are slow to compute and deterministic given their inputs.

A value is stored under `.cache/<namespace>/` keyed by a JSON-able description of its inputs and by the bytes
of the source files that compute it, so a change in either misses. `BOOK_NO_RESULT_CACHE=1` turns it off.
Writes are atomic (temporary file, then rename), so concurrent notebooks never read half a file.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable

from helpers import paths


def _file_of(code: ModuleType | str | Path) -> Path:
    if isinstance(code, ModuleType):
        return Path(code.__file__)
    path = Path(code)
    return path if path.is_absolute() else paths.ROOT / "src" / "helpers" / path


def code_digest(code: Iterable[ModuleType | str | Path]) -> str:
    """Hash of the source files (modules, or paths relative to src/helpers) that produce a cached value."""
    digest = hashlib.sha256()
    for item in code:
        path = _file_of(item)
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"missing")
    return digest.hexdigest()


def key_of(inputs: Any, code: Iterable[ModuleType | str | Path] = ()) -> str:
    payload = json.dumps(inputs, sort_keys=True, default=str).encode()
    return hashlib.sha256(payload + code_digest(code).encode()).hexdigest()[:24]


def cached(namespace: str, inputs: Any, compute: Callable[[], Any], code: Iterable[ModuleType | str | Path] = ()) -> Any:
    """`compute()` once per (inputs, code); later calls, in any process, load the stored value."""
    path = paths.cache_dir().parent / namespace / f"{key_of(inputs, code)}.pkl"
    if path.exists() and not os.environ.get("BOOK_NO_RESULT_CACHE"):
        with open(path, "rb") as handle:
            return pickle.load(handle)
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return value
