"""Tables printed the way the papers print them: coefficient with stars over its SE in parentheses."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.report import in_book_build


@dataclass(frozen=True)
class Stars:
    """A star convention: ``marks[i]`` when p < ``levels[i]`` (levels in increasing order, first match wins).
    Each paper sets its own in its settings (e.g. ``STARS_2`` for ** p<0.05, * p<0.10)."""

    levels: tuple[float, ...]
    marks: tuple[str, ...]

    def __post_init__(self):
        if len(self.levels) != len(self.marks) or list(self.levels) != sorted(self.levels):
            raise ValueError(f"Stars needs increasing levels and one mark per level; got {self.levels}, {self.marks}.")

    def of(self, p: float) -> str:
        if p is None or not np.isfinite(p):
            return ""
        return next((mark for level, mark in zip(self.levels, self.marks) if p < level), "")


STARS_3 = Stars((0.001, 0.01, 0.05), ("***", "**", "*"))     # R's summary codes (nlme, survival)
STARS_2 = Stars((0.05, 0.10), ("**", "*"))                  # ** p<0.05, * p<0.10
STARS_STD = Stars((0.01, 0.05, 0.10), ("***", "**", "*"))   # Stata/estout's default
NO_STARS = Stars((), ())


def stars(p: float, levels: Sequence[float] = (0.05, 0.10), marks: Sequence[str] = ("**", "*")) -> str:
    """Backward-compatible wrapper: ``Stars(levels, marks).of(p)``."""
    return Stars(tuple(levels), tuple(marks)).of(p)


def _stat_cell(v, decimals: int) -> str:
    """Statistics rows: thousands separators; floats to `decimals` places, integers as they are."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
        return str(v)
    return f"{v:,}" if isinstance(v, (int, np.integer)) else f"{v:,.{decimals}f}"


def regression_table(models: Mapping[str, object], order: Sequence[str] | None = None,
                     labels: Mapping[str, str] | None = None, decimals: int = 3,
                     stats: Mapping[str, Mapping[str, object]] | None = None,
                     stars: Stars = STARS_2, below: str = "se", alpha: float = 0.05) -> pd.DataFrame:
    """Side-by-side regression table built from each model's ``.tidy(alpha)`` (any result of
    ``helpers.methods``). Per term: a coefficient line with the marks of ``stars`` ("0.510**", trailing
    zeros kept) and below it the SE in parentheses ("(0.102)"), or with ``below="ci"`` the interval
    ("(0.310, 0.710)"). ``stats`` adds rows such as {"Observations": {model: 6183}} (thousands separators).
    Returns strings, ready to display."""
    if below not in ("se", "ci"):
        raise ValueError(f"below must be 'se' or 'ci'; got {below!r}.")
    labels = labels or {}
    tidy = {name: m.tidy(alpha).set_index("term") for name, m in models.items()}
    order = list(order or dict.fromkeys(t for t_ in tidy.values() for t in t_.index))
    f = f".{decimals}f"
    index, body = [], {name: [] for name in models}
    for term in order:
        index += [labels.get(term, term), ""]
        for name, t in tidy.items():
            if term not in t.index:
                body[name] += ["", ""]
                continue
            r = t.loc[term]
            second = (f"({r.std_error:{f}})" if below == "se" else f"({r.conf_low:{f}}, {r.conf_high:{f}})")
            body[name] += [f"{r.estimate:{f}}{stars.of(r.p_value)}", second]
    for stat, values in (stats or {}).items():
        index.append(stat)
        for name in models:
            body[name].append(_stat_cell(values.get(name, ""), decimals))
    return pd.DataFrame(body, index=pd.Index(index, name=""))


def side_by_side(ours: pd.DataFrame, published: pd.DataFrame, names: tuple[str, str] = ("replication", "paper")) -> pd.DataFrame:
    """Interleave two tables with the same shape column by column: (model, replication), (model, paper)."""
    cols = pd.MultiIndex.from_product([ours.columns, names])
    out = pd.DataFrame(index=ours.index, columns=cols)
    for c in ours.columns:
        out[(c, names[0])] = ours[c].values
        out[(c, names[1])] = published[c].reindex(ours.index).values if c in published else ""
    return out


_NUMBER_LIKE = re.compile(r"^[\s(\[]*[−+-]?[\d,]*\.?\d+%?[)\]]?[*†‡]*[\s,]*([(\[]?[−+-]?[\d,]*\.?\d+[)\]]?[*†‡]*)?\s*$")


def _numeric_column(column: pd.Series) -> bool:
    """Numbers, or numbers printed as text ("0.510**", "(0.102)", "(0.31, 0.71)", "—"): right-aligned on one line."""
    if pd.api.types.is_numeric_dtype(column):
        return True
    cells = [str(v).strip() for v in column if str(v).strip() not in ("", "—", "nan", "None")]
    return bool(cells) and all(_NUMBER_LIKE.match(c) for c in cells)


@dataclass(frozen=True)
class Table:
    """A table as a journal's appendix prints it: booktabs rules, readable headers, numbers at a fixed precision
    with trailing zeros and thousands separators, no meaningless index, a note under it. Wide tables scroll inside
    their own box with the first column kept in view (`_static/book.css`), so nothing is cut off."""

    frame: pd.DataFrame
    caption: str | None = None
    note: str | None = None
    decimals: int | Mapping[str, int] = 3
    labels: Mapping[str, str] | None = None
    index: bool | None = None          # None: shown unless it is a plain 0..n-1 range
    escape: bool = True                # cells and labels are text; False only for cells that hold HTML on purpose

    def _label(self, name) -> str:
        if isinstance(name, tuple):
            return " ".join(self._label(n) for n in name if str(n))
        text = str(name)
        return (self.labels or {}).get(text, text.replace("_", " ") if "_" in text and " " not in text else text)

    def _cell(self, value, column) -> str:
        if isinstance(value, (bool, np.bool_)) or value is None:
            return "" if value is None else str(value)
        if isinstance(value, (int, np.integer)):
            return f"{value:,}"
        if isinstance(value, (float, np.floating)):
            if not np.isfinite(value):
                return "—"
            d = self.decimals.get(column, 3) if isinstance(self.decimals, Mapping) else self.decimals
            return f"{value:,.{d}f}".replace("-", "−")
        return str(value)

    def styler(self):
        frame = self.frame
        shown = pd.DataFrame({j: [self._cell(v, c) for v in frame.iloc[:, j]] for j, c in enumerate(frame.columns)},
                             index=frame.index)
        shown.columns = (pd.MultiIndex.from_tuples([tuple(self._label(x) for x in c) for c in frame.columns])
                         if isinstance(frame.columns, pd.MultiIndex) else [self._label(c) for c in frame.columns])
        plain_index = isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1
        styler = shown.style.format(escape="html" if self.escape else None)
        if not (self.index if self.index is not None else not plain_index):
            styler = styler.hide(axis="index")
        else:
            styler = styler.format_index(self._label, axis="index", escape="html" if self.escape else None)
        text = [j for j in range(frame.shape[1]) if not _numeric_column(frame.iloc[:, j])]
        styler = styler.set_table_styles([{"selector": f"td.col{j}", "props": "text-align: left; white-space: normal;"
                                           " min-width: 10em;"} for j in text], overwrite=False)
        styler = styler.set_table_attributes('class="booktabs"')
        return styler.set_caption(self.caption) if self.caption else styler

    def _repr_html_(self) -> str:
        note = f'<p class="table-note">{self.note}</p>' if self.note else ""
        return f'<div class="book-table">{self.styler().to_html()}{note}</div>'

    def __repr__(self) -> str:
        rows, cols = self.frame.shape
        return f"Table({self.caption or 'untitled'}: {rows} rows, {cols} columns)"


def show(frame: pd.DataFrame, caption: str | None = None, note: str | None = None,
         decimals: int | Mapping[str, int] = 3, labels: Mapping[str, str] | None = None,
         index: bool | None = None, escape: bool = True) -> Table:
    """The one renderer for every table in the book (for display or glue); see `Table`."""
    return Table(frame, caption, note, decimals, labels, index, escape)


def glue_table(key: str, table: Table, display: bool | None = None) -> None:
    """Glue a table under `key` for the book's `{glue}` directive; shown in place outside the book build (JupyterLab,
    papermill), in the book only where the prose pastes it. Returns nothing: a table returned as a cell's last value
    would be shown a second time, in the book as in JupyterLab."""
    from myst_nb import glue

    glue(key, table, display=not in_book_build() if display is None else display)
