"""A table pasted with `{glue:figure}` is numbered and labelled as a table ("Table 3.1"), never as a figure.

`{glue:figure}` wraps whatever was glued in a figure, so a glued table pasted with it (to give it a caption and a
name) was labelled "Fig. 3.1". Here every such figure that holds no image but a table becomes a `pasted_table`: the
same figure to the HTML writer, but counted among the tables by Sphinx's numbering (`numfig`), so its caption reads
"Table 3.1" and `{numref}` calls it a table. Tables pasted with `{glue}` (the tables' own caption, no Sphinx number)
are left as they are. Loaded by `_config.yml` (`sphinx.local_extensions`).
"""
from __future__ import annotations

from docutils import nodes
from sphinx.transforms import SphinxTransform


class pasted_table(nodes.figure):  # noqa: N801  (docutils names node classes in lower case)
    """A `{glue:figure}` holding a table."""


def holds_a_table(figure: nodes.figure) -> bool:
    if any(True for _ in figure.findall(nodes.image)):
        return False
    if any(True for _ in figure.findall(nodes.table)):
        return True
    return any("<table" in raw.astext() for raw in figure.findall(nodes.raw))


class TablesNotFigures(SphinxTransform):
    """After parsing (the pastes are made), before Sphinx collects labels and numbers."""
    default_priority = 500

    def apply(self, **kwargs) -> None:
        for figure in list(self.document.findall(nodes.figure)):
            if type(figure) is nodes.figure and holds_a_table(figure):
                table = pasted_table(figure.rawsource, *figure.children, **figure.attributes)
                table.source, table.line = figure.source, figure.line
                figure.replace_self(table)
                for node_id in table["ids"]:
                    self.document.ids[node_id] = table


def _caption(node: nodes.Element) -> str:
    caption = next(iter(node.findall(nodes.caption)), None)
    return caption.astext() if caption is not None else ""


def _visit(self, node):
    self.visit_figure(node)


def _depart(self, node):
    self.depart_figure(node)


def setup(app):
    app.add_enumerable_node(pasted_table, "table", _caption, html=(_visit, _depart), latex=(_visit, _depart),
                            text=(_visit, _depart))
    app.add_transform(TablesNotFigures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
