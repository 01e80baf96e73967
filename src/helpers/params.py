"""Notebook parameters: each rule carries its default, and validation names every bad parameter at once.

    PARAMETERS = {"data_source": Choice("auto", "real", "synthetic"),      # default: the first option
                  "quick": Boolean(),                                       # default: False
                  "cv_folds": Integer(2, 20, default=5), "gamma": Number(0, 1, default=0.5)}
    defaults(PARAMETERS)                   # {"data_source": "auto", "quick": False, "cv_folds": 5, "gamma": 0.5}
    validate({"cv_folds": 30}, PARAMETERS) # ParameterError naming cv_folds and what is allowed

A chapter's `PARAMETERS` is the one place its defaults live (see `helpers.chapter`).
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Mapping


class ParameterError(ValueError):
    """One or more notebook parameters are invalid."""


class Param:
    """A rule for one parameter and its default: `problem(value)` says what is wrong (None if fine), `allowed()`
    what is allowed."""

    default: Any = None

    def problem(self, value: Any) -> str | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def allowed(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


class Choice(Param):
    def __init__(self, *options: Any, default: Any = None, doc: str = ""):
        self.options, self.doc = tuple(options), doc
        self.default = options[0] if default is None else default
        if self.default not in self.options:
            raise ValueError(f"Choice default {self.default!r} is not one of {self.options!r}")

    def __repr__(self):
        return f"Choice{self.options!r}"

    def problem(self, value):
        return None if value in self.options else "not one of the allowed values"

    def allowed(self):
        return "one of " + ", ".join(repr(o) for o in self.options)


@dataclass(frozen=True)
class Boolean(Param):
    doc: str = ""
    default: bool = field(default=False, kw_only=True)

    def problem(self, value):
        return None if isinstance(value, bool) else f"not a boolean ({type(value).__name__})"

    def allowed(self):
        return "True or False"


@dataclass(frozen=True)
class Integer(Param):
    low: int | None = None
    high: int | None = None
    doc: str = ""
    default: int | None = field(default=None, kw_only=True)

    def problem(self, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            return f"not an integer ({type(value).__name__})"
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            return "out of range"
        return None

    def allowed(self):
        return f"an integer in [{self.low if self.low is not None else '-inf'}, {self.high if self.high is not None else 'inf'}]"


@dataclass(frozen=True)
class Number(Param):
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    doc: str = ""
    default: float | None = field(default=None, kw_only=True)

    def problem(self, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return f"not a number ({type(value).__name__})"
        if value != value:
            return "NaN"
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return "out of range"
        if self.high is not None and (value > self.high or (self.high_open and value == self.high)):
            return "out of range"
        return None

    def allowed(self):
        lo = "(" if self.low_open else "["
        hi = ")" if self.high_open else "]"
        return f"a number in {lo}{self.low if self.low is not None else '-inf'}, {self.high if self.high is not None else 'inf'}{hi}"


@dataclass(frozen=True)
class Text(Param):
    doc: str = ""
    default: str = field(default="", kw_only=True)

    def problem(self, value):
        return None if isinstance(value, str) else f"not a string ({type(value).__name__})"

    def allowed(self):
        return "a string"


@dataclass(frozen=True)
class ListOf(Param):
    item: Param = Text()
    min_len: int = 0
    doc: str = ""
    default: tuple = field(default=(), kw_only=True)

    def problem(self, value):
        if not isinstance(value, (list, tuple)):
            return f"not a list ({type(value).__name__})"
        if len(value) < self.min_len:
            return f"fewer than {self.min_len} items"
        bad = [v for v in value if self.item.problem(v)]
        return f"bad items {bad!r}" if bad else None

    def allowed(self):
        return f"a list of {self.item.allowed()}" + (f" (at least {self.min_len})" if self.min_len else "")


def problems(values: Mapping[str, Any], spec: Mapping[str, Param], strict: bool = False) -> list[str]:
    """Messages for every bad entry. With `strict`, names not in `spec` are errors too (used by sweeps)."""
    out = []
    for name, rule in spec.items():
        if name in values and (why := rule.problem(values[name])):
            out.append(f"  - {name} = {values[name]!r}: {why}; allowed: {rule.allowed()}.")
    if strict:
        for name in values:
            if name not in spec:
                out.append(f"  - {name}: unknown parameter; known: {', '.join(sorted(spec))}.")
    return out


def validate(values: Mapping[str, Any], spec: Mapping[str, Param], strict: bool = False) -> SimpleNamespace:
    """Check the parameters named in `spec` (from a notebook's `locals()`); return them as a namespace."""
    bad = problems(values, spec, strict=strict)
    if bad:
        raise ParameterError("Invalid notebook parameters:\n" + "\n".join(bad))
    return SimpleNamespace(**{name: values[name] for name in spec if name in values})


def defaults(spec: Mapping[str, Param]) -> dict[str, Any]:
    """Every parameter's default (lists as fresh lists, as a notebook's parameters cell writes them)."""
    return {name: list(rule.default) if isinstance(rule.default, tuple) else rule.default for name, rule in spec.items()}


def with_defaults(baseline: Mapping[str, Any], overrides: Mapping[str, Any], what: str = "parameters") -> dict:
    """The baseline parameters with `overrides` applied; an unknown name is an error (for calls outside notebooks)."""
    unknown = set(overrides) - set(baseline)
    if unknown:
        raise ParameterError(f"Unknown {what} {sorted(unknown)}; known: {sorted(baseline)}.")
    return {**baseline, **overrides}


__all__ = ["Param", "Choice", "Boolean", "Integer", "Number", "Text", "ListOf", "ParameterError", "validate", "problems",
           "defaults", "with_defaults"]
