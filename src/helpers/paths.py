"""Where things are: the repository root and the folders the book reads from and writes to.

Folders named by environment variables (`BOOK_DATA_MIRROR`, `BOOK_DATA_CACHE`, `BOOK_RESULT_CACHE`) are made
absolute once, where a command starts (`absolutize_env`, called by `python -m helpers ...`, sweeps and builds),
relative to the working directory of that call, so every kernel started afterwards gets the same absolute paths
whatever folder its notebook lives in. A relative value that still reaches this module (a kernel started by
hand) is taken relative to the repository root, where `make` runs, never to the notebook's folder.
"""
from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    if env := os.environ.get("BOOK_ROOT"):
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "_toc.yml").exists():
            return parent
    return Path.cwd().resolve()


ROOT = _find_root()
DATA = ROOT / "data"
PUBLISHED = DATA / "published"
SOURCES = DATA / "sources.toml"
BUILD = ROOT / "_build"

MIRROR_ENV = "BOOK_DATA_MIRROR"
DATA_CACHE_ENV = "BOOK_DATA_CACHE"
RESULT_CACHE_ENV = "BOOK_RESULT_CACHE"
FOLDER_ENVS = (MIRROR_ENV, DATA_CACHE_ENV, RESULT_CACHE_ENV)   # MIRROR_ENV may list several (os.pathsep)


class MirrorNotFound(FileNotFoundError):
    """`BOOK_DATA_MIRROR` names a folder that does not exist."""


def _absolute(raw: str, base: Path) -> Path:
    path = Path(raw).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def env_folders(name: str, base: Path | None = None) -> list[Path]:
    """The folders an environment variable names (os.pathsep-separated), absolute; relative ones against
    `base` (default: the repository root)."""
    base = ROOT if base is None else base
    return [_absolute(p, base) for p in os.environ.get(name, "").split(os.pathsep) if p.strip()]


def absolutize_env(base: Path | None = None) -> dict[str, str]:
    """Rewrite the folder variables in `os.environ` as absolute paths, relative ones against `base` (default:
    the current working directory: the folder `make` or `python -m helpers` was called from). Returns them."""
    base = Path.cwd() if base is None else Path(base)
    changed = {}
    for name in FOLDER_ENVS:
        if os.environ.get(name, "").strip():
            value = os.pathsep.join(str(p) for p in env_folders(name, base))
            os.environ[name] = changed[name] = value
    return changed


def missing_mirrors() -> list[Path]:
    """Folders named in BOOK_DATA_MIRROR that do not exist."""
    return [p for p in env_folders(MIRROR_ENV) if not p.is_dir()]


def mirror_not_found_message(missing: list[Path]) -> str:
    raw = os.environ.get(MIRROR_ENV, "")
    names = ", ".join(str(p) for p in missing)
    return (f"{MIRROR_ENV}={raw!r} names a folder that does not exist ({names}). Fix: point it at the data "
            f"mirror with an absolute path, e.g. `export {MIRROR_ENV}=\"$(cd ../shared/data/mirror && pwd)\"`, "
            f"or unset it to use only the cache (`make data` fills it).")


def check_mirrors() -> None:
    """Raise MirrorNotFound (one message with the fix) when BOOK_DATA_MIRROR names a missing folder."""
    missing = missing_mirrors()
    if missing:
        raise MirrorNotFound(mirror_not_found_message(missing))


def cache_dir() -> Path:
    """Folder for downloaded/verified data files (`BOOK_DATA_CACHE`, default `.cache/data`)."""
    folders = env_folders(DATA_CACHE_ENV)
    return folders[0] if folders else ROOT / ".cache" / "data"


def results_cache_dir() -> Path:
    """Folder of the results cache (`BOOK_RESULT_CACHE`, default `results/` beside the data cache, i.e.
    `.cache/results`); the data layer's parsed files live in its `parsed/` namespace."""
    folders = env_folders(RESULT_CACHE_ENV)
    return folders[0] if folders else cache_dir().parent / "results"


def scorecard_dir() -> Path:
    """Where chapter scorecards are written (`BOOK_SCORECARD_DIR`, default `_build/scorecard`)."""
    return Path(os.environ.get("BOOK_SCORECARD_DIR", BUILD / "scorecard"))
