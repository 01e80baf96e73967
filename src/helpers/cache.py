"""The results cache: slow, deterministic results computed once and reused, never stale, never damaged.

    from helpers.cache import cached
    run = cached("phillips_ahmad", {"tag": "run", **settings}, lambda: _run(settings))

**Key.** An entry is found by the sha256 of its namespace, its inputs (canonical JSON) and the *code
fingerprint*: the source of every `.py` file under `src/helpers` (hashed once per process) with the Python,
NumPy, pandas, SciPy, statsmodels and pyarrow versions. Any edit anywhere in the package misses.

**Data.** The data an entry was computed from is recorded, not listed by hand: the data layer notes every key it
resolves (with its pinned sha256, or "missing" when no copy was found) and every user file it is shown (path and
sha256). An entry stores everything noted in its process up to the end of `compute()` — the whole process's
record rather than only what `compute()` itself resolved, because in-memory memoisation (`functools.lru_cache`)
can hide a read made earlier; a spurious miss costs time, a missed dependency would cost correctness. On load
the entry is served only while every recorded pin, file hash and absence still holds; otherwise it is computed
again and replaced.

**Storage.** One file per entry, `<BOOK_RESULT_CACHE or .cache/results>/<namespace>/<key>.entry`:

    BOOK-RESULT-CACHE 2\\n
    <HMAC-SHA256 of everything below, hex>\\n
    <header: JSON, one line>\\n
    <payload>

The payload is Parquet for a DataFrame that round-trips exactly, `.npz` (loaded with `allow_pickle=False`) for a
numeric array, JSON for plain JSON values, and pickle only for richer objects (results dataclasses). The HMAC
key is per installation and lives outside the cache folder (`BOOK_CACHE_KEY_FILE`, default
`~/.config/sanctions-book/cache.key`, created with mode 0600 on first use). Nothing is decoded before its HMAC
verifies, so a truncated, zeroed or planted file is discarded and recomputed (one warning line) and can never run
code, even in a shared or downloaded folder. Writes are atomic (temporary file, then rename); a write that fails
(read-only folder, full disk) is a warning, never an error. `BOOK_NO_RESULT_CACHE=1` neither reads nor writes.

Clear it with `python -m helpers cache clear` (also done by `python -m helpers build --fresh` and
`make book-clean`); `python -m helpers cache prune` (also done by a build after `src/helpers` changed) removes the
entries the current code can never ask for.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import io
import json
import math
import os
import pickle
import secrets
import sys
import warnings
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from helpers import paths

MAGIC = b"BOOK-RESULT-CACHE 2\n"
SUFFIX = ".entry"
OFF_ENV = "BOOK_NO_RESULT_CACHE"
KEY_FILE_ENV = "BOOK_CACHE_KEY_FILE"
CODE_ROOT = Path(__file__).resolve().parent            # all of src/helpers
LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "pyarrow")
_MAC_HEX = 64


class ResultCacheWarning(UserWarning):
    """The results cache discarded an entry, or could not store one (the value is still computed and used)."""


_warned: set[str] = set()


def _warn(message: str, once: str | None = None) -> None:
    if once is not None:
        if once in _warned:
            return
        _warned.add(once)
    warnings.warn(message, ResultCacheWarning, stacklevel=3)


def disabled() -> bool:
    """`BOOK_NO_RESULT_CACHE` set to anything but empty/0/false/no."""
    return os.environ.get(OFF_ENV, "").strip().lower() not in ("", "0", "false", "no")


# ---------------------------------------------------------------- code fingerprint

_digests: dict[Path, str] = {}


def code_digest(root: Path | None = None) -> str:
    """sha256 of every `.py` file under `root` (default: the helpers package), path and bytes; once per process."""
    root = Path(root or CODE_ROOT)
    if root not in _digests:
        digest = hashlib.sha256()
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
        _digests[root] = digest.hexdigest()
    return _digests[root]


def library_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=absent")
    return f"python={sys.version_info[:3]};" + ";".join(found)


_fingerprint: dict[Path, str] = {}


def code_fingerprint() -> str:
    """What the code of an entry is: the helpers source and the versions of the numeric libraries."""
    root = Path(CODE_ROOT)
    if root not in _fingerprint:
        _fingerprint[root] = hashlib.sha256(f"{code_digest(root)}\n{library_versions()}".encode()).hexdigest()
    return _fingerprint[root]


# ---------------------------------------------------------------- recorded data dependencies

_deps: dict[tuple[str, str], tuple[str, str]] = {}   # (kind, ident) -> (fingerprint, scope): all noted in this process
_recording: list[dict[tuple[str, str], str]] = []    # one per compute() running now (nested cached() calls)
_checks: dict[str, Callable[[str, str], bool]] = {}
_scopes: dict[str, Callable[[], str]] = {}


def note_dependency(kind: str, ident: str, fingerprint: str) -> None:
    """Record that this process read `ident` of `kind` ("data": a source key and its pin; "file": a path and its
    sha256). Entries computed afterwards are served only while it still holds."""
    scope = _scopes[kind]() if kind in _scopes else ""
    _deps[(kind, ident)] = (fingerprint, scope)
    for recording in _recording:
        recording[(kind, ident)] = fingerprint


def register_dependency_check(kind: str, check: Callable[[str, str], bool],
                              scope: Callable[[], str] | None = None) -> None:
    """`check(ident, fingerprint)` says whether a recorded dependency still holds (the data layer registers
    "data"; an entry with a kind nobody registered is recomputed). `scope()` names the environment a note was
    made in (for data: the catalogue, mirror and cache folders); notes from another environment of the same
    process (a test's temporary mirror) are not carried into entries unless compute() itself made them."""
    _checks[kind] = check
    if scope is not None:
        _scopes[kind] = scope


def recorded_dependencies(during: dict[tuple[str, str], str] | None = None) -> list[list[str]]:
    """What an entry computed now depends on: every note made while its compute() ran (`during`), and every
    earlier note of this process made in the current environment (memoised reads count too)."""
    current = {kind: scope() for kind, scope in _scopes.items()}
    found = {key: fp for key, (fp, scope) in _deps.items() if scope == current.get(key[0], "")}
    found.update(during or {})
    return [[kind, ident, fp] for (kind, ident), fp in found.items()]


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_file_hashes: dict[tuple[str, int, int], str] = {}


def file_fingerprint(path: str | Path) -> str:
    """sha256 of a file, memoised per process by (path, size, mtime)."""
    path = Path(path)
    stat = path.stat()
    memo = (str(path), stat.st_size, stat.st_mtime_ns)
    if memo not in _file_hashes:
        _file_hashes[memo] = _sha256_file(path)
    return _file_hashes[memo]


def note_file(path: str | Path) -> str:
    """Record a user-supplied file (absolute path and sha256) as a dependency; returns its sha256."""
    path = Path(path).expanduser().resolve()
    sha = file_fingerprint(path)
    note_dependency("file", str(path), sha)
    return sha


def _file_holds(ident: str, fingerprint: str) -> bool:
    try:
        return file_fingerprint(ident) == fingerprint
    except OSError:
        return False


register_dependency_check("file", _file_holds)


def _dependencies_hold(deps: list) -> bool:
    for kind, ident, fingerprint in deps:
        check = _checks.get(kind)
        try:
            if check is None or not check(ident, fingerprint):
                return False
        except Exception:  # noqa: BLE001 - a check that cannot decide means: recompute
            return False
    return True


# ---------------------------------------------------------------- the per-installation HMAC key

def key_file() -> Path:
    """Where the HMAC key lives: BOOK_CACHE_KEY_FILE, else $XDG_CONFIG_HOME (~/.config)/sanctions-book/cache.key."""
    if env := os.environ.get(KEY_FILE_ENV, "").strip():
        return Path(env).expanduser().resolve()
    config = os.environ.get("XDG_CONFIG_HOME", "").strip() or str(Path.home() / ".config")
    return Path(config).expanduser().resolve() / "sanctions-book" / "cache.key"


_secrets: dict[Path, bytes] = {}


def _read_key(path: Path) -> bytes:
    text = path.read_text(encoding="ascii").strip()
    key = bytes.fromhex(text)
    if len(key) < 16:
        raise ValueError("key too short")
    return key


def _create_key(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)            # atomic: never overwrites a key another process just made
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return _read_key(path)


def _secret() -> bytes | None:
    """The installation's HMAC key (created on first use), or None when it cannot be had (then nothing is cached)."""
    path = key_file()
    if path in _secrets:
        return _secrets[path]
    try:
        results = paths.results_cache_dir().resolve()
        if results == path.parent or results in path.parents:
            raise ValueError(f"it is inside the cache folder {results}; keep it outside (set {KEY_FILE_ENV})")
        try:
            key = _read_key(path)
        except FileNotFoundError:
            key = _create_key(path)
    except (OSError, ValueError) as error:
        _warn(f"result cache: no usable key at {path} ({error}); results are computed but not cached.",
              once=f"key:{path}")
        return None
    _secrets[path] = key
    return key


# ---------------------------------------------------------------- keys and values

def _default(obj: Any) -> Any:
    """JSON for what json cannot encode: mappings, dataclasses, paths, sets, numpy and pandas values."""
    if isinstance(obj, Mapping):
        return {str(k): v for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {"__dataclass__": type(obj).__qualname__,
                **{f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}}
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, (set, frozenset)):
        return sorted(json.dumps(v, sort_keys=True, default=_default) for v in obj)
    if isinstance(obj, tuple):
        return list(obj)
    module = type(obj).__module__
    if module.startswith("numpy"):
        if hasattr(obj, "tobytes") and getattr(obj, "ndim", 0):
            return {"ndarray": hashlib.sha256(obj.tobytes()).hexdigest(), "dtype": str(obj.dtype),
                    "shape": list(obj.shape)}
        if hasattr(obj, "item"):
            return obj.item()
    if module.startswith("pandas") and hasattr(obj, "index"):
        import pandas as pd

        try:
            content = pd.util.hash_pandas_object(obj, index=True).to_numpy().tobytes()
        except (TypeError, ValueError):    # unhashable cells: a key that never matches beats a truncated repr
            return {"unhashable": f"{os.getpid()}:{id(obj)}:{secrets.token_hex(8)}"}
        return {"pandas": hashlib.sha256(content).hexdigest(), "columns": [str(c) for c in getattr(obj, "columns", [])]}
    return str(obj)


def canonical(inputs: Any) -> str:
    return json.dumps(inputs, sort_keys=True, default=_default, separators=(",", ":"))


def key_of(namespace: str, inputs: Any, fingerprint: str | None = None) -> str:
    payload = f"{namespace}\n{canonical(inputs)}\n{fingerprint or code_fingerprint()}"
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _plain_json(value: Any) -> bool:
    """Values that come back from JSON exactly as they went in (no tuples, no NaN, string keys)."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is list:
        return all(_plain_json(v) for v in value)
    if kind is dict:
        return all(type(k) is str and _plain_json(v) for k, v in value.items())
    return False


def _parquet(frame) -> bytes | None:
    """The frame as Parquet when it reads back identical (values, dtypes, index, columns, attrs); else None."""
    import pandas as pd

    try:
        buffer = io.BytesIO()
        frame.to_parquet(buffer, engine="pyarrow")
        data = buffer.getvalue()
        back = pd.read_parquet(io.BytesIO(data), engine="pyarrow")
        pd.testing.assert_frame_equal(frame, back, check_exact=True, check_index_type=True,
                                      check_column_type=True, check_names=True, check_flags=True)
        if frame.attrs != back.attrs:
            return None
        return data
    except Exception:  # noqa: BLE001 - anything Parquet cannot hold exactly goes to the pickle format
        return None


def _encode(value: Any) -> tuple[str, bytes]:
    pandas = sys.modules.get("pandas")
    if pandas is not None and type(value) is pandas.DataFrame:
        data = _parquet(value)
        if data is not None:
            return "parquet", data
    numpy = sys.modules.get("numpy")
    if numpy is not None and type(value) is numpy.ndarray and value.dtype.kind in "biufc":
        buffer = io.BytesIO()
        numpy.savez(buffer, value=value)
        return "npz", buffer.getvalue()
    if _plain_json(value):
        return "json", json.dumps(value, separators=(",", ":")).encode()
    return "pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _decode(kind: str, payload: bytes) -> Any:
    if kind == "parquet":
        import pandas as pd

        return pd.read_parquet(io.BytesIO(payload), engine="pyarrow")
    if kind == "npz":
        import numpy as np

        with np.load(io.BytesIO(payload), allow_pickle=False) as archive:
            return archive["value"]
    if kind == "json":
        return json.loads(payload)
    if kind == "pickle":
        return pickle.loads(payload)      # only ever reached after the HMAC verified
    raise ValueError(f"unknown payload format {kind!r}")


# ---------------------------------------------------------------- reading and writing entries

_MISS = object()


def entry_path(namespace: str, key: str) -> Path:
    return paths.results_cache_dir() / namespace / f"{key}{SUFFIX}"


def _discard(path: Path, reason: str) -> None:
    _warn(f"result cache: discarded {path} ({reason}); recomputing.")
    try:
        path.unlink()
    except OSError:
        pass


def _read_entry(path: Path) -> tuple[bytes, bytes, bytes, bytes]:
    """(magic, mac line, header line, payload) of an entry file, read without trusting any of it."""
    with open(path, "rb") as handle:
        magic = handle.read(len(MAGIC))
        mac = handle.readline(_MAC_HEX + 2)
        head = handle.readline()
        payload = handle.read()
    return magic, mac, head, payload


def _load(path: Path, key: str, secret: bytes) -> Any:
    try:
        magic, mac, head, payload = _read_entry(path)
    except FileNotFoundError:
        return _MISS
    except OSError as error:
        _warn(f"result cache: cannot read {path} ({error.strerror or error}); recomputing.")
        return _MISS
    if magic != MAGIC or len(mac) != _MAC_HEX + 1 or not mac.endswith(b"\n") or not head.endswith(b"\n"):
        _discard(path, "not a cache entry of this version, or truncated")
        return _MISS
    try:
        header = json.loads(head)
    except ValueError:
        header = None
    if not isinstance(header, dict):
        _discard(path, "header unreadable")
        return _MISS
    if len(payload) != header.get("bytes"):
        _discard(path, f"truncated or padded: {len(payload):,} payload bytes, {header.get('bytes')} expected")
        return _MISS
    expected = hmac.new(secret, head, hashlib.sha256)
    expected.update(payload)
    if not hmac.compare_digest(mac[:_MAC_HEX], expected.hexdigest().encode()):
        _discard(path, "checksum (HMAC) does not match: damaged, or not written by this installation")
        return _MISS
    if header.get("key") != key:
        _discard(path, "it belongs to another key")
        return _MISS
    deps = header.get("deps") or []
    if not _dependencies_hold(deps):
        return _MISS                       # the data it was computed from changed: recompute, then replace
    try:
        value = _decode(str(header.get("format")), payload)
    except Exception as error:  # noqa: BLE001 - verified bytes that do not decode (e.g. a library changed)
        _discard(path, f"payload does not decode: {type(error).__name__}: {error}")
        return _MISS
    for kind, ident, fingerprint in deps:      # an enclosing cached() depends on them too
        note_dependency(kind, ident, fingerprint)
    return value


def _store(path: Path, key: str, namespace: str, value: Any, deps: list, secret: bytes,
           fingerprint: str | None = None) -> None:
    try:
        kind, payload = _encode(value)
    except Exception as error:  # noqa: BLE001 - e.g. an object pickle cannot serialise
        _warn(f"result cache: a {namespace} value was not stored ({type(error).__name__}: {error}).",
              once=f"encode:{namespace}:{type(error).__name__}")
        return
    header = {"version": 2, "key": key, "namespace": namespace, "format": kind, "bytes": len(payload),
              "deps": deps, "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "code": (fingerprint or code_fingerprint())[:16], "scope": "custom" if fingerprint else "helpers",
              "pid": os.getpid()}
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    mac = hmac.new(secret, head, hashlib.sha256)
    mac.update(payload)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(MAGIC)
            handle.write(mac.hexdigest().encode() + b"\n")
            handle.write(head)
            handle.write(payload)
        os.replace(tmp, path)
    except OSError as error:
        _warn(f"result cache: could not write {path} ({error.strerror or error}); the value was computed and is "
              "used, but not stored.", once=f"write:{path.parent}")
        try:
            tmp.unlink()
        except OSError:
            pass


def cached(namespace: str, inputs: Any, compute: Callable[[], Any], code: Iterable[Any] = (), *,
           fingerprint: str | None = None, track_data: bool = True) -> Any:
    """`compute()` once per (namespace, inputs, code fingerprint, recorded data); later calls, in any process,
    load the stored value while the data it was computed from is unchanged.

    `code` is accepted and ignored: the key covers all of `src/helpers` now. Chapter code still passes it; the
    keyword will be removed once no caller does. `fingerprint` replaces the code fingerprint and `track_data=False`
    stores no data dependencies: only for the data layer's parsed files, whose inputs hold their pinned hash and
    whose code is the reader module.
    """
    if disabled():
        return compute()
    secret = _secret()
    if secret is None:
        return compute()
    key = key_of(namespace, inputs, fingerprint)
    path = entry_path(namespace, key)
    value = _load(path, key, secret)
    if value is not _MISS:
        return value
    during: dict[tuple[str, str], str] = {}
    _recording.append(during)
    try:
        value = compute()
    finally:
        for index, recording in enumerate(_recording):      # by identity: another empty dict is not this one
            if recording is during:
                del _recording[index]
                break
    _store(path, key, namespace, value, recorded_dependencies(during) if track_data else [], secret, fingerprint)
    return value


# ---------------------------------------------------------------- clearing

def _legacy_folders() -> list[Path]:
    """Where earlier versions kept unauthenticated pickles: `parsed/` beside the data cache and, in the
    repository's own `.cache`, `<namespace>/*.pkl` (never elsewhere: a user's folder is not ours to sweep)."""
    parent = paths.cache_dir().parent
    found = [parent / "parsed"]
    if parent == paths.ROOT / ".cache" and parent.is_dir():
        found += [p for p in parent.iterdir() if p.is_dir() and p.name not in ("data", "results")]
    return list(dict.fromkeys(found))


def clear() -> int:
    """Remove every results-cache entry (and the pickles earlier versions left); returns how many files went.
    Only the cache's own files are removed, so a mistaken BOOK_RESULT_CACHE never deletes anything else."""
    removed = 0
    root = paths.results_cache_dir()
    targets = []
    if root.is_dir():
        for folder in [root, *(p for p in root.iterdir() if p.is_dir())]:
            targets += [p for p in folder.iterdir() if p.is_file() and (p.suffix == SUFFIX or p.name.endswith(".tmp"))]
    for folder in _legacy_folders():
        if folder.is_dir():
            targets += [p for p in folder.iterdir() if p.is_file() and (p.suffix in (".pkl", ".tmp"))]
    for path in targets:
        try:
            path.unlink()
            removed += 1
        except OSError as error:
            print(f"could not remove {path}: {error}", file=sys.stderr)
    for folder in sorted({p.parent for p in targets} | ({root} if root.is_dir() else set()), reverse=True):
        try:
            folder.rmdir()              # only when empty
        except OSError:
            pass
    return removed


def _header(path: Path) -> dict | None:
    try:
        with open(path, "rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                return None
            handle.readline(_MAC_HEX + 2)
            header = json.loads(handle.readline())
        return header if isinstance(header, dict) else None
    except (OSError, ValueError):
        return None


def prune(max_tmp_age_s: float = 3600) -> int:
    """Remove entries the current code can never ask for (made by another version of `src/helpers` or of the
    numeric libraries), unreadable ones, and temporary files older than an hour; returns how many went."""
    root = paths.results_cache_dir()
    if not root.is_dir():
        return 0
    current = code_fingerprint()[:16]
    removed = 0
    now = datetime.now(timezone.utc).timestamp()
    for folder in (p for p in root.iterdir() if p.is_dir()):
        for path in folder.iterdir():
            try:
                if path.name.endswith(".tmp"):
                    stale = now - path.stat().st_mtime > max_tmp_age_s
                elif path.suffix == SUFFIX:
                    header = _header(path)
                    stale = header is None or (header.get("scope") == "helpers" and header.get("code") != current)
                else:
                    stale = False
                if stale:
                    path.unlink()
                    removed += 1
            except OSError:
                pass
    return removed


def summary() -> list[tuple[str, int, int]]:
    """(namespace, entries, bytes) for each namespace of the results cache."""
    root = paths.results_cache_dir()
    rows = []
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            files = [p for p in folder.glob(f"*{SUFFIX}") if p.is_file()]
            rows.append((folder.name, len(files), sum(p.stat().st_size for p in files)))
    return rows
