"""The one table renderer: readable headers, fixed precision with trailing zeros, separators, no 0..n index."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.report.tables import show


def test_numbers_keep_trailing_zeros_and_separators_and_headers_read_as_words():
    html = show(pd.DataFrame({"banned_share": [0.1, np.nan], "n": [12345, 7]}), decimals=2, note="Source: x")._repr_html_()
    assert ">0.10<" in html and ">12,345<" in html and ">—<" in html
    assert "banned share" in html and "banned_share" not in html
    assert 'class="table-note">Source: x<' in html and 'class="book-table"' in html


def test_a_plain_range_index_is_hidden_and_a_meaningful_one_kept():
    assert "row_heading" not in show(pd.DataFrame({"a": [1.0, 2.0]}))._repr_html_()
    assert ">Russia<" in show(pd.DataFrame({"a": [1.0]}, index=["Russia"]))._repr_html_()


def test_labels_map_and_per_column_decimals():
    html = show(pd.DataFrame({"gdp_ru": [-0.3051], "se": [0.1]}), labels={"gdp_ru": "GDP, Russia (%)"},
                decimals={"gdp_ru": 3, "se": 1})._repr_html_()
    assert "GDP, Russia (%)" in html and "−0.305" in html and ">0.1<" in html


@pytest.mark.parametrize("book_build, shown", [("", True), ("1", False)])
def test_glue_table_shows_the_table_once_where_it_is_made_outside_the_book_build(monkeypatch, book_build, shown):
    """Shown by the glue (outside the book build) and never again as the cell's value: it returns nothing."""
    from helpers.report.tables import glue_table

    calls = []
    monkeypatch.setattr("myst_nb.glue", lambda key, value, display: calls.append((key, value, display)))
    monkeypatch.setenv("BOOK_BUILD", book_build)
    table = show(pd.DataFrame({"a": [1.0]}), caption="A table")
    assert glue_table("test.table", table) is None
    assert calls == [("test.table", table, shown)]
