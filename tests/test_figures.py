"""The figure theme's glue: a glued figure carries words for its alt text (the book's `figure_alt` extension reads
them), and is shown where it is made outside the book build."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.core.pylabtools import select_figure_formats  # noqa: E402

from helpers.report import figures  # noqa: E402


@pytest.fixture
def shell():
    """An IPython shell that formats figures as PNG, as a kernel with the inline backend does."""
    sh = InteractiveShell.instance()
    select_figure_formats(sh, {"png"})
    yield sh
    InteractiveShell.clear_instance()


def two_panels():
    fig, (left, right) = figures.panel_grid(2)
    left.plot([2000, 2010], [1, 2], label="not sanctioned")
    left.plot([2000, 2010], [2, 1], label="sanctioned")
    left.set(title="Model 2", xlabel="year", ylabel="percent change in exports")
    left.legend()
    right.plot([2000, 2010], [1, 3])
    right.set(title="Model 3", xlabel="year")
    fig.suptitle("Conditional effects")
    return fig


def test_describe_uses_the_figures_own_words():
    fig = two_panels()
    text = figures.describe(fig)
    plt.close(fig)
    assert text.startswith("Conditional effects")
    for words in ("Model 2: percent change in exports against year", "Model 3: year", "not sanctioned", "sanctioned"):
        assert words in text


def test_describe_a_figure_without_words_and_a_long_one():
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    assert figures.describe(fig) == "A chart in 1 panel"
    ax.set_title("x" * 50 + " " + "y" * 500)
    assert len(figures.describe(fig, limit=100)) <= 100
    plt.close(fig)


def test_glued_figure_carries_its_alt_text_and_description(shell):
    fig = two_panels()
    data, metadata = shell.display_formatter.format(figures._Described(fig, "Two panels of effects"))
    plt.close(fig)
    assert "image/png" in data and data["text/plain"].startswith("<Figure")
    assert metadata["image/png"]["alt"] == "Two panels of effects"
    assert metadata["image/png"]["description"].startswith("Conditional effects")
    data, metadata = shell.display_formatter.format(figures._Described(two_panels(), None))
    assert "alt" not in metadata["image/png"] and metadata["image/png"]["description"]
    plt.close("all")


@pytest.mark.parametrize("book_build, shown", [("", True), ("1", False)])
def test_glue_figure_shows_the_figure_where_it_is_made_outside_the_book_build(monkeypatch, book_build, shown):
    calls = []
    monkeypatch.setattr("myst_nb.glue", lambda key, value, display: calls.append((key, value, display)))
    monkeypatch.setenv("BOOK_BUILD", book_build)
    fig = two_panels()
    figures.glue_figure("test.figure", fig, alt="words")
    (key, value, display), = calls
    assert key == "test.figure" and display is shown and value.fig is fig and value.alt == "words"
    assert not plt.fignum_exists(fig.number)          # closed: not shown a second time by the inline backend
