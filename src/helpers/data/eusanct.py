"""EUSANCT (Weber & Schneider 2022) case-level file, read once for every chapter that uses it.

The case-level file (mirror key ``eusanct_case_level``) has one row per sanction case (326 cases active
1989-2015, some starting earlier) and, per sender (EU, US, UN), an imposition flag, start / imposition / end
years and a ``;``-separated list of imposition types. :func:`impositions` turns it into one row per case and
sender that imposed; :func:`target_years` expands the rows to target country-years in force.

Imposition types follow the TIES numbering (1 = total economic embargo, 2 = partial economic embargo,
3 = import restriction, 4 = export restriction, 5 = blockade, ...), extended by EUSANCT (7a, 7b, 11-13);
the codebook is not in the mirror, so only the TIES-numbered types are relied on by name here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

KEY = "eusanct_case_level"
SENDERS = ("EU", "US", "UN")
TOTAL_EMBARGO = "1"            # TIES/EUSANCT imposition type 1 = total economic embargo


def parse_types(col: pd.Series) -> pd.Series:
    """Imposition types as tuples of strings ("1;2;7b" -> ("1", "2", "7b")); "." and blanks dropped."""
    split = col.astype(str).str.replace(" ", "").str.split(";")
    return split.map(lambda ts: tuple(t for t in ts if t not in ("", ".", "nan")))


def impositions(senders=SENDERS, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (case, sender) with an imposition: caseid, ccode (COW code of the target), target (name),
    sender, start (imposition year, else the sender's start year), end (the sender's end year; missing =
    ongoing at the end of the data), types (tuple of imposition type codes).

    `frame` is the case-level table (read from the mirror when omitted)."""
    if frame is None:
        from helpers.data import load
        frame = load(KEY)
    bad = [s for s in senders if s not in SENDERS]
    if bad:
        raise ValueError(f"Unknown EUSANCT senders {bad}; allowed: {list(SENDERS)}.")
    parts = []
    for s in senders:
        e = frame[frame[f"imposition{s}"] == 1]
        start = pd.to_numeric(e[f"imposition{s}_year"], errors="coerce").fillna(
            pd.to_numeric(e[f"startyear{s}"], errors="coerce"))
        parts.append(pd.DataFrame({
            "caseid": e["caseid"].to_numpy(), "ccode": pd.to_numeric(e["targetstate"], errors="coerce").to_numpy(),
            "target": e["targetstate_name"].astype(str).to_numpy(), "sender": s, "start": start.to_numpy(),
            "end": pd.to_numeric(e[f"endyear{s}"], errors="coerce").to_numpy(),
            "types": parse_types(e[f"imposition{s}_type"]).to_numpy()}))
    out = pd.concat(parts, ignore_index=True)
    return out.dropna(subset=["ccode"]).astype({"ccode": int})


def target_years(imp: pd.DataFrame, years: tuple[int, int], open_end: int = 9999) -> pd.DataFrame:
    """ccode, year for every target-year in `years` inside an imposition's [start, end] (missing end =
    `open_end`); impositions without a start year are skipped. Duplicates dropped."""
    rows = [(int(c), y) for c, s, t in zip(imp["ccode"], imp["start"], imp["end"].fillna(open_end))
            if np.isfinite(s) for y in range(max(int(s), years[0]), int(min(t, years[1])) + 1)]
    return pd.DataFrame(rows, columns=["ccode", "year"]).drop_duplicates(ignore_index=True)


def total_embargo_years(years: tuple[int, int], senders=SENDERS, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """ccode, year: the country is the target of an EU, US or UN imposition that includes a total economic
    embargo (type 1), the EUSANCT counterpart of TIES total embargoes and GSDB complete trade sanctions."""
    imp = impositions(senders, frame)
    imp = imp[imp["types"].map(lambda ts: TOTAL_EMBARGO in ts)]
    return target_years(imp, years)
