"""What a page ran on, shown as an admonition at the top of every chapter notebook."""
from __future__ import annotations

import html

from helpers.data.choose import DataChoice
from helpers.data.sources import source


class Admonition:
    """An admonition that renders in the book (sphinx-book-theme classes) and in JupyterLab alike."""

    def __init__(self, title: str, body_html: str, kind: str = "note"):
        self.title, self.body_html, self.kind = title, body_html, kind

    def _repr_html_(self) -> str:
        return (f'<div class="admonition {self.kind}"><p class="admonition-title">{html.escape(self.title)}</p>'
                f"{self.body_html}</div>")

    def __repr__(self) -> str:
        return f"[{self.kind}] {self.title}"


def _items(values) -> str:
    return "<ul>" + "".join(f"<li>{v}</li>" for v in values) + "</ul>"


def data_source_admonition(choice: DataChoice, real: list[str] | None = None, synthetic: list[str] | None = None,
                           note: str = "") -> Admonition:
    """Which data this page ran on: dataset keys with short hashes and where they were resolved from, or the
    generator and seed; for mixed chapters, which columns are real and which synthetic."""
    parts = []
    if choice.is_real:
        rows = [f"<code>{k}</code> ({html.escape(source(k).filename)}, sha256 {choice.hashes[k][:12]}, from {choice.origins[k]})"
                for k in choice.keys]
        parts.append("<p>This page ran on <strong>real data</strong>:</p>" + _items(rows))
        kind, title = "note", "Data: real files from the pinned sources"
    else:
        parts.append(f"<p>This page ran on <strong>synthetic data</strong> from the seeded generator "
                     f"<code>{html.escape(str(choice.generator))}</code> (seed {choice.seed}): {html.escape(choice.reason)}. "
                     "Its numbers are a method check, not a replication of the paper's estimates.</p>")
        kind, title = "warning", "Data: synthetic (calibrated generator)"
    if real:
        parts.append("<p>Real columns:</p>" + _items(html.escape(c) for c in real))
    if synthetic:
        parts.append("<p>Synthetic columns:</p>" + _items(html.escape(c) for c in synthetic))
        if choice.is_real:
            kind, title = "warning", "Data: real covariates, synthetic columns where no public file exists"
    if note:
        parts.append(f"<p>{note}</p>")
    return Admonition(title, "".join(parts), kind)


def show_data_source(choice: DataChoice, **kwargs) -> None:
    """Display the data admonition; call it near the top of each chapter notebook. Returns None, so a call on
    a cell's last line is not shown twice (use `data_source_admonition` for the object)."""
    from IPython.display import display

    display(data_source_admonition(choice, **kwargs))


def show_note(title: str, body: str, kind: str = "note") -> None:
    """Display any other admonition (e.g. 'a calibrated model, no data'); `body` is HTML."""
    from IPython.display import display

    display(Admonition(title, body, kind))


def sources_table():
    """Every file in data/sources.toml with its availability on this machine (verified now)."""
    import pandas as pd

    from helpers.data import HashMismatch, catalogue, locate

    rows = []
    for key, src in catalogue().items():
        try:
            hit, status = locate(key), None
        except HashMismatch:
            hit, status = None, "hash mismatch"
        rows.append(dict(key=key, file=src.filename, repository=src.repository, version=src.pinned_version[:10],
                         format=src.format, bytes=src.bytes, license=src.license, chapters=", ".join(src.chapters),
                         bibkey=src.bibkey, available="yes" if hit else "no",
                         resolved_from=hit.origin if hit else (status or "—"),
                         verified="sha256 ok" if hit else (status or "—")))
    return pd.DataFrame(rows)


def families_table(table=None):
    """One row per dataset family (files sharing a citation): how many files, how many available, chapters."""
    table = sources_table() if table is None else table
    grouped = table.groupby("bibkey", sort=False).agg(
        repository=("repository", "first"), files=("key", "size"), available=("available", lambda s: int((s == "yes").sum())),
        megabytes=("bytes", lambda b: round(b.sum() / 1e6, 2)), license=("license", "first"),
        chapters=("chapters", lambda c: ", ".join(sorted({x for v in c for x in v.split(", ")}))),
        resolved_from=("resolved_from", lambda s: ", ".join(sorted(set(s)))))
    return grouped.reset_index().rename(columns={"bibkey": "citation key"})
