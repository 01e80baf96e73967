"""Parameter grids for sweeps: read them, expand them, and check them against the notebook.

A grid file (TOML or YAML) looks like::

    notebook = "notebooks/funke_wende/03_counterfactuals.ipynb"   # relative to the repository root
    [fixed]            # applied to every run
    quick = true
    [grid]             # full factorial over these lists
    trade_elasticity = [4, 6, 8]
    data_source = ["real", "synthetic"]
    [[runs]]           # and/or an explicit list of runs (each merged over `fixed`)
    trade_elasticity = 5
    [speccurve]        # optional: what the robustness page plots
    estimate = "funke_wende.t1.total.loss"
    ci_low = "funke_wende.t1.total.ci_low"
    ci_high = "funke_wende.t1.total.ci_high"

`-p name=v1,v2` flags on the command line add (or replace) factorial axes.
"""
from __future__ import annotations

import ast
import hashlib
import itertools
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat


class SweepNotStarted(ValueError):
    """The sweep did not start: nothing was run and nothing was written (exit status 101)."""


class SweepParameterError(SweepNotStarted):
    """The grid names parameters the notebook does not have, or gives values it cannot take."""


class SweepSetupError(SweepNotStarted):
    """The sweep cannot start: a bad output folder or worker count, an empty grid, a missing data mirror."""


class SweepBusy(SweepSetupError):
    """Another sweep is writing into the same output folder."""


_NO_DEFAULT = object()


@dataclass(frozen=True)
class NotebookParameter:
    name: str
    default: Any  # `_NO_DEFAULT` when the default is not a literal
    source: str

    @property
    def has_literal_default(self) -> bool:
        return self.default is not _NO_DEFAULT


@dataclass
class Grid:
    """A sweep's specification: the fixed values, the factorial axes and the explicit runs."""

    fixed: dict[str, Any] = field(default_factory=dict)
    axes: dict[str, list[Any]] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)
    notebook: str | None = None
    speccurve: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # the grid file, if any

    def combinations(self) -> list[dict[str, Any]]:
        """Every run's parameters: the full factorial of `axes`, then the explicit `runs`, deduplicated."""
        combos: list[dict[str, Any]] = []
        if self.axes or not self.runs:
            names = list(self.axes)
            for values in itertools.product(*(self.axes[n] for n in names)):
                combos.append({**self.fixed, **dict(zip(names, values))})
        combos += [{**self.fixed, **run} for run in self.runs]
        seen: set[str] = set()
        unique = []
        for combo in combos:
            key = canonical_json(combo)
            if key not in seen:
                seen.add(key)
                unique.append(combo)
        return unique

    def as_dict(self) -> dict[str, Any]:
        return {"notebook": self.notebook, "fixed": self.fixed, "grid": self.axes, "runs": self.runs,
                "speccurve": self.speccurve, "source": self.source}


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def load_grid(path: str | Path) -> Grid:
    """Read a TOML or YAML grid file (see the module docstring for the layout)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"grid file not found: {path}")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".toml":
        raw = tomllib.loads(text)
    elif path.suffix in {".yaml", ".yml"}:
        import yaml

        raw = yaml.safe_load(text) or {}
    else:
        raise SweepParameterError(f"grid file must be .toml, .yaml or .yml, not {path.name}")
    return grid_from_dict(raw, source=str(path))


def grid_from_dict(raw: dict[str, Any], source: str | None = None) -> Grid:
    unknown = set(raw) - {"notebook", "fixed", "grid", "runs", "speccurve", "description", "store"}
    if unknown:
        raise SweepParameterError(
            f"grid {source or ''} has unknown section(s) {sorted(unknown)}; "
            "expected notebook, fixed, grid, runs, speccurve, description, store")
    axes = {}
    for name, values in (raw.get("grid") or {}).items():
        values = values if isinstance(values, list) else [values]
        if not values:
            raise SweepParameterError(f"grid axis {name!r} has no values")
        axes[name] = values
    runs = raw.get("runs") or []
    if not isinstance(runs, list) or not all(isinstance(r, dict) for r in runs):
        raise SweepParameterError("`runs` must be a list of tables/mappings, one per run")
    return Grid(fixed=dict(raw.get("fixed") or {}), axes=axes, runs=[dict(r) for r in runs],
                notebook=raw.get("notebook"), speccurve=dict(raw.get("speccurve") or {}), source=source)


def parse_flag(flag: str) -> tuple[str, list[str]]:
    """`name=v1,v2` → (`name`, [`v1`, `v2`]) with the values still as text."""
    name, sep, values = flag.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise SweepParameterError(f"-p expects name=value[,value...], got {flag!r}")
    return name, [v.strip() for v in values.split(",")]


# ---------------------------------------------------------------- the notebook's parameters cell

def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"notebook not found: {path}")
    return nbformat.read(path, as_version=4)


def notebook_hash(nb_or_path: nbformat.NotebookNode | str | Path) -> str:
    """sha256 of the notebook's cell types and sources (outputs and metadata do not count)."""
    nb = nb_or_path if isinstance(nb_or_path, nbformat.NotebookNode) else read_notebook(nb_or_path)
    digest = hashlib.sha256()
    for cell in nb.cells:
        digest.update(cell.cell_type.encode())
        digest.update(b"\0")
        digest.update(cell.source.encode())
        digest.update(b"\1")
    return digest.hexdigest()


def notebook_parameters(nb: nbformat.NotebookNode, name: str = "notebook") -> dict[str, NotebookParameter]:
    """The names and literal defaults assigned in the one cell tagged `parameters`."""
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise SweepParameterError(
            f"{name} must have exactly one cell tagged `parameters` (found {len(cells)})")
    try:
        tree = ast.parse(cells[0].source)
    except SyntaxError as exc:
        raise SweepParameterError(f"{name}: the parameters cell does not parse: {exc}") from None
    params: dict[str, NotebookParameter] = {}
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    default = ast.literal_eval(value)
                except ValueError:
                    default = _NO_DEFAULT
                params[target.id] = NotebookParameter(target.id, default, ast.unparse(value))
    return params


# ---------------------------------------------------------------- values: coercion and checks

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def coerce_text(text: str, param: NotebookParameter | None) -> Any:
    """Turn a `-p` value into the type of the notebook's default (text stays text for str defaults)."""
    default = param.default if param is not None else _NO_DEFAULT
    if isinstance(default, bool):
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return text  # reported as a bad value by `check_value`
    if isinstance(default, str):
        return text
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            return text
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            return text
    low = text.lower()
    if low in {"none", "null"}:
        return None
    if low in {"true", "false"}:
        return low == "true"
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def check_value(param: NotebookParameter, value: Any) -> str | None:
    """Why `value` cannot replace the notebook's default, or None when it can."""
    default = param.default
    if not param.has_literal_default or default is None or value is None:
        return None
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    else:
        ok = isinstance(value, type(default))
    if ok:
        return None
    return f"{param.name}={value!r}: expected {type(default).__name__} like the default {param.source}"


def chapter_spec(notebook: Path) -> dict[str, Any] | None:
    """`helpers.chapters.<slug>.PARAMETERS` for a notebook under notebooks/<slug>/, if the chapter has one."""
    import importlib

    slug = notebook.resolve().parent.name
    if not slug.isidentifier():
        return None
    module_name = f"helpers.chapters.{slug}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name in {module_name, "helpers.chapters"}:
            return None
        raise
    return getattr(module, "PARAMETERS", None)


def validate_grid(combos: list[dict[str, Any]], params: dict[str, NotebookParameter],
                  spec: dict[str, Any] | None = None, name: str = "notebook") -> None:
    """Check every run against the notebook's parameters cell and the chapter's PARAMETERS spec.

    Raises one `SweepParameterError` listing every unknown name and every bad value.
    """
    problems: list[str] = []
    used: dict[str, list[Any]] = {}
    for combo in combos:
        for key, value in combo.items():
            seen = used.setdefault(key, [])
            if not any(canonical_json(value) == canonical_json(v) for v in seen):
                seen.append(value)
    for key in used:
        if key not in params:
            problems.append(f"unknown parameter {key!r} (the notebook's parameters are: "
                            f"{', '.join(params) or 'none'})")
    unchecked: dict[str, list[Any]] = {}
    for key, values in used.items():
        if key in params:
            for value in values:
                if msg := check_value(params[key], value):
                    problems.append(msg)
                else:
                    unchecked.setdefault(key, []).append(value)
    if spec:
        problems += _check_with_spec(unchecked, params, spec)
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise SweepParameterError(f"the sweep over {name} has {len(problems)} bad entr"
                                  f"{'y' if len(problems) == 1 else 'ies'}; nothing was run:\n{lines}")


def _check_with_spec(used: dict[str, list[Any]], params: dict[str, NotebookParameter],
                     spec: dict[str, Any]) -> list[str]:
    """Check each swept value with the chapter's `helpers.params` rules (those the notebook defines)."""
    from helpers import params as rules

    problems = []
    for key, values in used.items():
        if key not in spec or key not in params:
            continue
        for value in values:
            if value is None and params[key].default is None:
                continue  # None = "use the notebook's own rule", as the notebook's default says
            if hasattr(rules, "problems"):
                found = [" ".join(m.split()).lstrip("- ") for m in rules.problems({key: value}, {key: spec[key]})]
            else:
                try:
                    rules.validate({key: value}, {key: spec[key]})
                    found = []
                except ValueError as exc:
                    found = [" ".join(str(exc).split())]
            problems += [f"{m} (chapter PARAMETERS)" for m in found]
    return problems
