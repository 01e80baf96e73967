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


def describe(fig, limit: int = 400) -> str:
    """A plain-words description of `fig` from its own text: the title, each panel's title and axis labels, and the
    legend's entries. The book uses it as a figure's alt text when the page gives none (no `:alt:`, no caption)."""
    def words(text: str) -> str:
        return " ".join(text.replace("$", "").split())

    suptitle = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    panels, legend = [], []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        title = words(ax.get_title() or ax.get_title("left") or ax.get_title("right"))
        x, y = words(ax.get_xlabel()), words(ax.get_ylabel())
        axes = " against ".join(a for a in (y, x) if a)
        if title or axes:
            panels.append(f"{title}: {axes}" if title and axes else title or axes)
        if ax.get_legend() is not None:
            legend += [words(t.get_text()) for t in ax.get_legend().get_texts()]
    legend += [words(t.get_text()) for lg in fig.legends for t in lg.get_texts()]
    n = sum(1 for ax in fig.axes if ax.get_visible())
    parts = [words(suptitle)] if suptitle else []
    if panels:
        unique = list(dict.fromkeys(panels))
        parts.append(("Panels: " if n > 1 else "") + "; ".join(unique))
    if legend:
        parts.append("Series: " + ", ".join(dict.fromkeys(t for t in legend if t)))
    text = ". ".join(p for p in parts if p) or f"A chart in {n} panel{'s' if n != 1 else ''}"
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"


class _Described:
    """`fig` as IPython displays it, with its description in the image's output metadata (`alt`: the text given,
    `description`: from the figure's own words), which the book's `figure_alt` extension turns into alt text."""

    def __init__(self, fig, alt: str | None):
        self.fig, self.alt = fig, alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        from IPython.core.formatters import format_display_data

        data, metadata = format_display_data(self.fig, include=include, exclude=exclude)
        words = {"description": describe(self.fig)} | ({"alt": self.alt} if self.alt else {})
        for mime in [m for m in data if m.startswith("image/")]:
            metadata[mime] = {**metadata.get(mime, {}), **words}
        return data, metadata


def glue_figure(key: str, fig, display: bool | None = None, alt: str | None = None) -> None:
    """Glue `fig` under `key` for `{glue:figure}` and close it. Outside the book build (JupyterLab, papermill) it is
    also shown where it is made; in the build only where the prose pastes it. `alt` is the figure's alt text on the
    site; without it the book uses the `:alt:` of the paste, else its caption, else `describe(fig)`."""
    from myst_nb import glue

    glue(key, _Described(fig, alt), display=not in_book_build() if display is None else display)
    plt.close(fig)


set_theme()
