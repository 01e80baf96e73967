"""The book's bibliography style: author–year labels in the list, as in the text, and titles as their authors
wrote them (pybtex's `unsrt` lower-cases them).

Loaded by `_config.yml` (`sphinx.local_extensions`); selected with `bibtex_default_style: authoryear`.
"""
from __future__ import annotations

from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle
from pybtex.style.template import field, sentence


def _surnames(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    if not people:                                    # an institution as author: `author = {{World Bank}}`
        return entry.fields.get("author", entry.fields.get("organization", entry.key)).strip("{}")
    names = [" ".join(p.prelast_names + p.last_names).replace("{", "").replace("}", "") for p in people]
    if len(names) > 2:
        return f"{names[0]} et al."
    return " and ".join(names)


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield f"{_surnames(entry)}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearSorting(SortingStyle):
    def person_key(self, person):          # "{World Bank}" sorts under W, not after Z
        return super().person_key(person).replace("{", "").replace("}", "")


class AuthorYearStyle(UnsrtStyle):
    default_label_style = AuthorYearLabels
    default_sorting_style = AuthorYearSorting

    def format_title(self, e, which_field, as_sentence=True):
        title = field(which_field)                    # as written: no lower-casing
        return sentence[title] if as_sentence else title


def setup(app):
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


__all__ = ["AuthorYearStyle", "AuthorYearLabels"]
