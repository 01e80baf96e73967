"""Section numbers that run 1, 2, 3 ... within each chapter: a chapter's first notebook is x.1.

Sphinx numbers the headings of a chapter's landing page (`index.md`) together with the pages its toctree lists,
because both are entries of the same level in that page's table of contents: with four `##` headings on the landing
page, the first notebook became x.5. Here the headings of every page that lists other pages (the landing pages; not
the root) are left out while section numbers are assigned, so only the page's title (the chapter number) and the
pages it lists are counted; they are put back at once, so the page's own "On this page" contents still lists them,
without a number.

This wraps whichever numbering is installed when the builder starts: Sphinx's own or sphinx-multitoc-numbering's copy
of it (sphinx-external-toc always loads it; it ignores Sphinx's `skip_section_number` mark), and sphinx-external-toc's
renumbering by style that runs after it.
Loaded by `_config.yml` (`sphinx.local_extensions`).
"""
from __future__ import annotations

import functools

from docutils import nodes
from sphinx import addnodes
from sphinx.environment.collectors.toctree import TocTreeCollector

UNNUMBERED = "book_unnumbered"       # a landing page's heading entry in env.tocs


def _mark_landing_page_headings(app, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    if docname == app.config.root_doc or not any(True for _ in doctree.findall(addnodes.toctree)):
        return
    toc = env.tocs.get(docname)
    if toc is None:
        return
    paragraphs = list(toc.findall(addnodes.compact_paragraph))
    for paragraph in paragraphs[1:]:          # the first is the page's title: the chapter's own number
        paragraph[UNNUMBERED] = True


def _headings_set_aside(env) -> list[tuple[str, nodes.Element, int, nodes.Element]]:
    """Remove the marked headings' entries from env.tocs; return (docname, parent, index, entry) to put them back."""
    removed = []
    for docname, toc in env.tocs.items():
        for item in list(toc.findall(nodes.list_item)):
            if item.parent is not None and item.children and item[0].get(UNNUMBERED):
                parent = item.parent
                removed.append((docname, parent, parent.index(item), item))
                parent.remove(item)
    return removed


def _numbering_without_landing_headings(assign):
    @functools.wraps(assign)
    def assign_section_numbers(self, env):
        removed = _headings_set_aside(env)
        try:
            return assign(self, env)
        finally:
            for docname, parent, index, item in reversed(removed):
                parent.insert(index, item)
                # an explicit "no number": the HTML writer would otherwise give a heading it finds no number for
                # the page title's number
                for reference in item.findall(nodes.reference):
                    env.toc_secnumbers.setdefault(docname, {})[reference["anchorname"]] = ()

    assign_section_numbers.book_wrapped = True
    return assign_section_numbers


def _collector_classes(cls=TocTreeCollector):
    yield cls
    for sub in cls.__subclasses__():
        yield from _collector_classes(sub)


def _wrap_numbering(app) -> None:
    """Wrap the numbering of Sphinx's toctree collector and of its subclasses that number on their own
    (sphinx-external-toc's collector renumbers by style after Sphinx's numbering, and also walks env.tocs)."""
    for cls in _collector_classes():
        own = cls.__dict__.get("assign_section_numbers")
        if own is not None and not getattr(own, "book_wrapped", False):
            cls.assign_section_numbers = _numbering_without_landing_headings(own)


def setup(app):
    # after jupyter-book's builder-inited handler, which may install sphinx-multitoc-numbering's numbering
    app.connect("builder-inited", _wrap_numbering, priority=900)
    # after Sphinx's toctree collector (doctree-read, priority 500) has built env.tocs[docname]
    app.connect("doctree-read", _mark_landing_page_headings, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
