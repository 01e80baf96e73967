"""Tables printed the way the papers print them: coefficient with stars over its SE in parentheses."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd


def stars(p: float, levels: Sequence[float] = (0.05, 0.10), marks: Sequence[str] = ("**", "*")) -> str:
    """Stars by p-value; default as the papers here: ** p<0.05, * p<0.10."""
    if p is None or not np.isfinite(p):
        return ""
    for level, mark in zip(levels, marks):
        if p < level:
            return mark
    return ""


def regression_table(models: Mapping[str, object], order: Sequence[str] | None = None,
                     labels: Mapping[str, str] | None = None, decimals: int = 3,
                     stats: Mapping[str, Mapping[str, object]] | None = None,
                     levels: Sequence[float] = (0.05, 0.10), marks: Sequence[str] = ("**", "*")) -> pd.DataFrame:
    """Side-by-side regression table. Each model needs `.params`, `.bse`, `.pvalues` (Series by term).
    Rows: a coefficient line ("0.510**") and an SE line ("(0.102)") per term; `stats` adds rows such as
    {"n": {...}, "events": {...}} below. Returns strings, ready to display."""
    labels = labels or {}
    order = list(order or dict.fromkeys(t for m in models.values() for t in m.params.index))
    index, body = [], {name: [] for name in models}
    for term in order:
        index += [labels.get(term, term), ""]
        for name, m in models.items():
            if term in m.params.index:
                body[name] += [f"{m.params[term]:.{decimals}f}{stars(m.pvalues[term], levels, marks)}",
                               f"({m.bse[term]:.{decimals}f})"]
            else:
                body[name] += ["", ""]
    for stat, values in (stats or {}).items():
        index.append(stat)
        for name in models:
            v = values.get(name, "")
            body[name].append(f"{v:,.{decimals}f}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v))
    return pd.DataFrame(body, index=pd.Index(index, name=""))


def side_by_side(ours: pd.DataFrame, published: pd.DataFrame, names: tuple[str, str] = ("replication", "paper")) -> pd.DataFrame:
    """Interleave two tables with the same shape column by column: (model, replication), (model, paper)."""
    cols = pd.MultiIndex.from_product([ours.columns, names])
    out = pd.DataFrame(index=ours.index, columns=cols)
    for c in ours.columns:
        out[(c, names[0])] = ours[c].values
        out[(c, names[1])] = published[c].reindex(ours.index).values if c in published else ""
    return out


def show(frame: pd.DataFrame, caption: str | None = None):
    """A Styler with left-aligned labels and right-aligned numbers, for display or glue."""
    styler = frame.style.set_properties(**{"text-align": "right"})
    styler = styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    return styler.set_caption(caption) if caption else styler
