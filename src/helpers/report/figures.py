"""One look for every figure, and glue that does not show a figure twice."""
from __future__ import annotations

import matplotlib.pyplot as plt
import seaborn as sns

PALETTE = ["#1b4f72", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#5d6d7e"]


def set_theme() -> None:
    """Seaborn's whitegrid with the book's palette; white backgrounds so figures read in dark mode too."""
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams.update({"figure.dpi": 110, "savefig.dpi": 150, "figure.facecolor": "white",
                         "axes.titleweight": "bold", "axes.titlesize": 11, "figure.figsize": (7, 4.2)})


def glue_figure(key: str, fig, display: bool = False) -> None:
    """Glue `fig` under `key` for `{glue:figure}` and close it (the inline backend would show it again)."""
    from myst_nb import glue

    glue(key, fig, display=display)
    plt.close(fig)


set_theme()
