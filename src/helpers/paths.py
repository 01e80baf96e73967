"""Where things are: the repository root and the folders the book writes to."""
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


def cache_dir() -> Path:
    """Folder for downloaded/verified data files (`BOOK_DATA_CACHE`, default `.cache/data`)."""
    return Path(os.environ.get("BOOK_DATA_CACHE", ROOT / ".cache" / "data"))


def scorecard_dir() -> Path:
    """Where chapter scorecards are written (`BOOK_SCORECARD_DIR`, default `_build/scorecard`)."""
    return Path(os.environ.get("BOOK_SCORECARD_DIR", BUILD / "scorecard"))
