"""One look for every figure, and glue that does not show a figure twice.

The theme is sized for the book's content column (about 780 px at 1280 px wide): a full-width figure is 7.2 in
at 110 dpi, so 9-pt tick labels stay at least 9 px on screen. Multi-panel figures should wrap at `MAX_COLUMNS`
panels per row (`panel_grid`), which keeps every panel at least 250 px wide.
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt

from helpers.report import in_book_build

PALETTE = ["#1b4f72", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#5d6d7e"]
WIDTH = 7.2           # inches: the content column
MAX_COLUMNS = 3       # panels per row at the content width (≥ 250 px each)


def set_theme() -> None:
    """A white grid with the book's palette (matplotlib's own seaborn style: no seaborn import); white
    backgrounds so figures read in dark mode too; no font below 9 pt."""
    plt.style.use("seaborn-v0_8-whitegrid")
    plt.rcParams.update({
        "figure.dpi": 110, "savefig.dpi": 150, "figure.facecolor": "white", "figure.figsize": (WIDTH, 4.2),
        "axes.prop_cycle": plt.cycler(color=PALETTE), "axes.titleweight": "bold", "axes.titlesize": 11,
        "axes.labelsize": 10, "xtick.labelsize": 9, "ytick.labelsize": 9, "legend.fontsize": 9,
        "legend.title_fontsize": 9, "font.size": 10, "figure.titlesize": 12,
    })


def panel_grid(n: int, height: float = 2.6, columns: int = MAX_COLUMNS, **kwargs):
    """A figure with `n` panels wrapped at `columns` per row (unused axes removed); returns (fig, flat axes)."""
    cols = min(n, columns)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(WIDTH, height * rows), squeeze=False, **kwargs)
    flat = axes.ravel()
    for ax in flat[n:]:
        ax.remove()
    return fig, flat[:n]


def glue_figure(key: str, fig, display: bool | None = None) -> None:
    """Glue `fig` under `key` for `{glue:figure}` (shown in place outside the book build) and close it."""
    from myst_nb import glue

    glue(key, fig, display=not in_book_build() if display is None else display)
    plt.close(fig)


set_theme()
