"""The paper's transcribed numbers (data/published/phillips_ahmad.csv), read through the claims loader: the
targets the tables print beside ours and the true coefficients of the synthetic world."""
from __future__ import annotations

import pandas as pd

from helpers.chapters.phillips_ahmad.settings import SLUG
from helpers.report.claims import load_published


def published() -> pd.DataFrame:
    """One row per published number: table, row, column, estimate (float; NaN where the paper gives none),
    stars and note (text)."""
    frame = load_published(SLUG).reset_index()
    return frame.assign(estimate=pd.to_numeric(frame["estimate"].where(frame["estimate"] != "")))


def paper_table(table: str) -> pd.DataFrame:
    """One published table as a row x column grid of estimates."""
    p = published()
    return p[p["table"] == table].pivot(index="row", columns="column", values="estimate")
