"""The chapter contract: one `Chapter` per paper, opened the same way by every notebook.

A chapter package (`helpers/chapters/<slug>/`) defines its parameters, with their defaults, in `settings.py` and
exposes one object in its `__init__.py`:

    chapter = Chapter("dorff_minhas", PARAMETERS, choose_data=choose_data, describe_data=describe_data, stars=STARS)

Every notebook of the chapter opens with the same cell, right after its `parameters` cell:

    from helpers.chapters.dorff_minhas import chapter
    s = chapter.open(globals())

`open` validates the parameters the notebook defines (every bad one named in one message), refuses a name that
papermill injected but the chapter does not know (a misspelt `-p data_sorce synthetic` must not run on the
defaults), fills in the defaults, chooses the data, shows the page's data admonition and glues what the page ran
on (`<slug>.data.kind`, `<slug>.data.keys`, read by sweeps). Tests, sweeps and benchmarks call
`chapter.settings(**overrides)` for the same frozen `Settings` without display.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

from helpers.data.choose import DataChoice
from helpers.params import Param, ParameterError, defaults, problems
from helpers.report.provenance import Admonition, data_source_admonition


@dataclass(frozen=True)
class DataStatement:
    """What a page ran on, in words: the real inputs and the generated ones (empty lists where none)."""

    real: tuple[str, ...] = ()
    generated: tuple[str, ...] = ()
    note: str = ""

    @property
    def kind(self) -> str:
        """"real", "synthetic", "mixed", or "none" (a model that reads no data)."""
        if self.real and self.generated:
            return "mixed"
        return "real" if self.real else "synthetic" if self.generated else "none"


class Settings(Mapping[str, Any]):
    """A chapter's parameters, every name filled in and validated, frozen; `.data` is the data it runs on."""

    __slots__ = ("_values", "_chapter", "data")

    def __init__(self, chapter: "Chapter", values: Mapping[str, Any], data: DataChoice | None):
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "_chapter", chapter)
        object.__setattr__(self, "data", data)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"{self._chapter.slug} has no parameter {name!r}; known: "
                                 f"{', '.join(sorted(self._values))}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Settings are frozen: use settings.replace({name}=...)")

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Settings({self._chapter.slug}: " + ", ".join(f"{k}={v!r}" for k, v in self._values.items()) + ")"

    def replace(self, **changes: Any) -> "Settings":
        """New settings with `changes` applied (validated; the data are chosen again)."""
        return self._chapter.settings(**{**self._values, **changes})

    def key(self) -> dict[str, Any]:
        """A JSON-able description for result-cache keys: every parameter and the data kind."""
        return {**self._values, "_data_kind": self.data.kind if self.data else None}


def _injected_names(namespace: Mapping[str, Any]) -> set[str]:
    """Names papermill assigned in its injected `# Parameters` cell, read from the kernel's input history."""
    names: set[str] = set()
    for source in namespace.get("In", []) or []:
        if isinstance(source, str) and source.lstrip().startswith("# Parameters"):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            names |= {t.id for node in tree.body if isinstance(node, ast.Assign)
                      for t in node.targets if isinstance(t, ast.Name)}
    return names


@dataclass(frozen=True)
class Chapter:
    """One paper's chapter: its parameters (with defaults), how it chooses data, and how its pages state them."""

    slug: str
    parameters: Mapping[str, Param]
    choose_data: Callable[[Settings], DataChoice | None] | None = None     # given settings whose .data is None
    describe_data: Callable[[Settings, str | None], DataStatement] | None = None
    stars: Any = None                       # helpers.report.tables.Stars: the paper's star convention
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def defaults(self) -> dict[str, Any]:
        return defaults(self.parameters)

    def settings(self, **values: Any) -> Settings:
        """Validated settings: unknown names and bad values raise one `ParameterError`; the rest take defaults."""
        bad = problems(values, self.parameters, strict=True)
        if bad:
            raise ParameterError(f"Invalid {self.slug} parameters:\n" + "\n".join(bad))
        full = {**self.defaults, **values}
        return Settings(self, full, self.choose_data(Settings(self, full, None)) if self.choose_data else None)

    def open(self, namespace: Mapping[str, Any], page: str | None = None) -> Settings:
        """The opening call of every notebook: validate, choose the data, show the admonition, glue the data kind."""
        unknown = sorted(_injected_names(namespace) - set(self.parameters))
        if unknown:
            raise ParameterError(
                f"Unknown {self.slug} parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} (misspelt?). "
                f"Allowed: {', '.join(sorted(self.parameters))}.")
        settings = self.settings(**{name: namespace[name] for name in self.parameters if name in namespace})
        statement = self.describe_data(settings, page) if self.describe_data else DataStatement()
        _show(self.admonition(settings, statement))
        _glue(f"{self.slug}.data.kind", statement.kind)
        reads = settings.data is not None and settings.data.is_real and statement.kind != "none"
        _glue(f"{self.slug}.data.keys", ", ".join(settings.data.keys) if reads else "")
        return settings

    def admonition(self, settings: Settings, statement: DataStatement) -> Admonition:
        if settings.data is None or statement.kind == "none":
            title = "A calibrated model, no data" if settings.data is None else "No data on this page"
            return Admonition(title, statement.note or "This page reads no dataset.", "note")
        return data_source_admonition(settings.data, real=list(statement.real), synthetic=list(statement.generated),
                                      note=statement.note)


def _show(obj: Any) -> None:
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is not None:
        display(obj)


def _glue(key: str, value: str) -> None:
    from IPython import get_ipython

    if get_ipython() is not None:
        from myst_nb import glue

        glue(key, value, display=False)


__all__ = ["Chapter", "Settings", "DataStatement"]
