"""Readers for the formats in the data mirror. Each takes a local path and returns Python/pandas objects."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def _from_r(value: Any) -> Any:
    """R objects as rdata converts them → plain pandas/numpy: labelled matrices become DataFrames,
    labelled vectors Series, lists dicts (names kept) or lists."""
    try:
        import xarray as xr
    except ImportError:  # pragma: no cover - xarray comes with rdata
        xr = None
    if xr is not None and isinstance(value, xr.DataArray):
        if value.ndim == 2:
            rows, cols = (value.coords[d].values if d in value.coords else None for d in value.dims)
            return pd.DataFrame(value.values, index=rows, columns=cols)
        if value.ndim == 1:
            dim = value.dims[0]
            return pd.Series(value.values, index=value.coords[dim].values if dim in value.coords else None)
        return value.values
    if isinstance(value, dict):
        return {str(k): _from_r(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_r(v) for v in value]
    return value


def read_rda(path: Path, encoding: str | None = None) -> dict[str, Any]:
    """`.rda`/`.RData` → {object name: value}; data frames stay DataFrames, lists of matrices become
    dicts of labelled DataFrames. `encoding` forces a text encoding (e.g. latin1) for old files."""
    import warnings

    import rdata

    kwargs = {"default_encoding": encoding, "force_default_encoding": True} if encoding else {}
    with warnings.catch_warnings():   # tibbles are data frames: rdata's notice about their class is noise
        warnings.filterwarnings("ignore", message="Missing constructor for R class")
        return _from_r(rdata.read_rda(path, **kwargs))


def read_dta(path: Path, **kwargs) -> pd.DataFrame:
    return pd.read_stata(path, **kwargs)


def read_excel(path: Path, sheet_name: Any = 0, **kwargs) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=sheet_name, **kwargs)


def read_csv(path: Path, sep: str = ",", encoding: str = "utf-8", **kwargs) -> pd.DataFrame:
    return pd.read_csv(path, sep=sep, encoding=encoding, **kwargs)


def read_zip(path: Path, member: str | None = None, sep: str = ",", encoding: str = "utf-8", **kwargs) -> pd.DataFrame:
    """A CSV inside a zip archive: `member` names it by path or file name (the only CSV is taken when omitted)."""
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.lower().endswith(".csv") and not n.startswith("__MACOSX")]
        matches = names if member is None else [n for n in names if n == member or n.rsplit("/", 1)[-1] == member]
        if len(matches) != 1:
            raise ValueError(f"{path.name} holds {len(names)} CSV files ({', '.join(n.rsplit('/', 1)[-1] for n in names)}); "
                             f"pass member= naming one of them.")
        member = matches[0]
        with archive.open(member) as handle:
            return pd.read_csv(handle, sep=sep, encoding=encoding, **kwargs)


def read_text(path: Path, encoding: str = "utf-8") -> str:
    return Path(path).read_text(encoding=encoding)


def read_json(path: Path, encoding: str = "utf-8") -> Any:
    return json.loads(Path(path).read_text(encoding=encoding))


READERS = {
    "rda": read_rda, "dta": read_dta, "xls": read_excel, "xlsx": read_excel, "csv": read_csv,
    "zip": read_zip, "tex": read_text, "json": read_json,
}


def numeric_matrix(frame: pd.DataFrame) -> np.ndarray:
    """A labelled matrix as a float array (helper for matrix-valued R objects)."""
    return frame.to_numpy(dtype=float)
