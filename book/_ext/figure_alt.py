"""Alt text for every image on the site, with no per-notebook edits.

Without this, an image from a notebook output has no alt text, and Sphinx writes its file name (a hash) as the alt.
An image's alt text is, in this order:

1. what the page says: the `:alt:` of its `{glue:figure}` (or of a Markdown image);
2. what the notebook says: `helpers.report.figures.glue_figure(key, fig, alt=...)`, carried in the image's output
   metadata (`alt`);
3. the figure's caption on the page (whole up to 250 characters, else its first sentences within 250);
4. the figure's own words: `glue_figure` describes every figure from its title, panel titles, axis labels and
   legend (`helpers.report.figures.describe`), carried in the output metadata (`description`).

An image left with none of these is a warning, which the book build (`-W`) turns into an error.

myst-nb's renderer copies only `width` and `height` from an image's output metadata onto the image node, so this
extension wraps `NbElementRenderer.render_image` to carry `alt` and `description` too. Loaded by `_config.yml`
(`sphinx.local_extensions`).
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from docutils import nodes
from myst_nb.core.render import NbElementRenderer
from sphinx.util import logging

logger = logging.getLogger(__name__)
CAPTION_LIMIT = 250
_FILE_NAME = re.compile(r"^[\w./-]+\.(png|jpe?g|gif|svg|webp|pdf)$", re.IGNORECASE)


def _render_image_with_words(original):
    def render_image(self, data):
        image_nodes = original(self, data)
        words = data.output_metadata.get(data.mime_type, {}) if data.output_metadata else {}
        for node in image_nodes:
            if isinstance(node, nodes.image):
                if words.get("alt") and not node.get("alt"):
                    node["alt"] = str(words["alt"])
                if words.get("description"):
                    node["nb_description"] = str(words["description"])
        return image_nodes

    render_image.__wrapped__ = original
    return render_image


def meaningful(alt: str | None, uri: str = "") -> bool:
    """Alt text that says something: not empty, not the image's file name or path."""
    alt = (alt or "").strip()
    return bool(alt) and alt != uri and alt != PurePosixPath(uri).name and not _FILE_NAME.match(alt)


GREEK = {name: chr(code) for name, code in (
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3B5), ("varepsilon", 0x3B5),
    ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("iota", 0x3B9), ("kappa", 0x3BA), ("lambda", 0x3BB),
    ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0), ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4),
    ("upsilon", 0x3C5), ("phi", 0x3C6), ("varphi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8), ("omega", 0x3C9),
    ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B), ("Pi", 0x3A0), ("Sigma", 0x3A3),
    ("Phi", 0x3A6), ("Omega", 0x3A9))}


def tex_words(tex: str) -> str:
    """Inline TeX as plain text for a screen reader: Greek letters as letters, no backslashes or braces."""
    text = re.sub(r"\\([A-Za-z]+)", lambda m: GREEK.get(m.group(1), m.group(1)), tex)
    return text.replace("{", "").replace("}", "").replace("\\", "")


def caption_words(caption: nodes.caption) -> str:
    """The caption as alt text: whole up to CAPTION_LIMIT characters, else its first sentences within the limit,
    else cut at a word with an ellipsis."""
    text = " ".join("".join(tex_words(n.astext()) if isinstance(n, nodes.math) else n.astext()
                            for n in caption.findall(lambda n: isinstance(n, (nodes.Text, nodes.math))
                                                     and not isinstance(n.parent, nodes.math))).split())
    if len(text) <= CAPTION_LIMIT:
        return text
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)", text) if m.end() <= CAPTION_LIMIT]
    if ends and ends[-1] >= 60:
        return text[:ends[-1]]
    return text[:CAPTION_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def _give_alt_text(app, doctree: nodes.document, docname: str) -> None:
    for image in doctree.findall(nodes.image):
        uri = image.get("uri", "")
        if meaningful(image.get("alt"), uri):
            continue
        figure = next((a for a in _ancestors(image) if isinstance(a, nodes.figure)), None)
        caption = next(iter(figure.findall(nodes.caption)), None) if figure is not None else None
        if caption is not None and caption.astext().strip():
            image["alt"] = caption_words(caption)
        elif image.get("nb_description"):
            image["alt"] = image["nb_description"]
        else:
            logger.warning(f"an image on {docname} has no alt text (give its figure a caption or :alt:, or pass "
                           f"alt= to glue_figure): {uri}", location=image, type="figure_alt")


def _ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def setup(app):
    if not hasattr(NbElementRenderer.render_image, "__wrapped__"):
        NbElementRenderer.render_image = _render_image_with_words(NbElementRenderer.render_image)
    app.connect("doctree-resolved", _give_alt_text)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
