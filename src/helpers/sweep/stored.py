"""Stored sweep results the book reads (sweeps/results/<slug>/: results.csv + sweep.json).

A robustness page does not rerun a long sweep at build time: it reads the stored result, shows where it
came from (grid, code version, date), and warns visibly when the swept notebook has changed since (and says
so, more quietly, when only the helper library has).

What the page plots (`[speccurve]`: the estimate, its interval, labels, the paper's value) is presentation, not
part of a run: the page takes it from the current grid file while that file still defines the runs that were
stored (same notebook, fixed values, axes and explicit runs) and the stored results hold every key it names;
otherwise from the copy stored with the sweep.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .grid import canonical_json, load_grid, notebook_hash

RUN_DEFINING = ("notebook", "fixed", "grid", "runs")   # the parts of a grid that decide which runs a sweep makes


@dataclass(frozen=True)
class StoredSweep:
    table: pd.DataFrame
    provenance: dict[str, Any]
    folder: Path
    current_hash: str | None  # None when the swept notebook no longer exists
    current_code_hash: str | None = None
    current_speccurve: dict[str, Any] | None = None  # the grid file's [speccurve], when it applies (see above)

    @property
    def code_changed(self) -> bool:
        """The helper library changed since the sweep ran (unknown for sweeps stored before it was recorded)."""
        ran_on = self.provenance.get("helpers_code_hash")
        return bool(ran_on and self.current_code_hash and ran_on != self.current_code_hash)

    @property
    def stale(self) -> bool:
        return self.current_hash != self.provenance.get("notebook_hash")

    @property
    def stored_speccurve(self) -> dict[str, Any]:
        return (self.provenance.get("grid") or {}).get("speccurve") or {}

    @property
    def speccurve(self) -> dict[str, Any]:
        """What the page plots: the grid file's current `[speccurve]` when it applies, else the stored one."""
        return self.current_speccurve if self.current_speccurve is not None else self.stored_speccurve

    def admonition(self):
        """The provenance box (a warning when the notebook changed since the sweep ran)."""
        from helpers.report.provenance import Admonition

        p = self.provenance
        grid = p.get("grid") or {}
        commit = p.get("git_commit") or "unknown"
        axes = "; ".join(f"{k} ∈ {{{', '.join(map(str, v))}}}" for k, v in (grid.get("grid") or {}).items())
        fixed = ", ".join(f"{k} = {v}" for k, v in (grid.get("fixed") or {}).items())
        n_failed = int((self.table["status"] != "ok").sum())
        body = (f"<p>Read from <code>{html.escape(_rel(self.folder))}</code>: {len(self.table)} runs of "
                f"<code>{html.escape(str(p.get('notebook')))}</code> ({n_failed} failed), run "
                f"{html.escape(str(p.get('finished_at') or p.get('started_at')))} at commit "
                f"<code>{html.escape(commit[:10])}</code>{' with uncommitted changes' if p.get('git_dirty') else ''}"
                f", grid <code>{html.escape(str(grid.get('source')))}</code>.</p>"
                f"<p>Swept: {html.escape(axes) or 'explicit runs'}. Fixed: {html.escape(fixed) or 'nothing'}.</p>")
        if self.current_hash is None:
            return Admonition("Stored sweep: the swept notebook no longer exists",
                              body + "<p>Rerun the sweep (see the README) before trusting this page.</p>",
                              kind="warning")
        if self.stale:
            return Admonition("Stored sweep is out of date: the notebook changed since it ran",
                              body + f"<p>The notebook's code hash is now <code>{self.current_hash[:12]}</code>, "
                              f"the sweep ran on <code>{str(p.get('notebook_hash'))[:12]}</code>. The figure "
                              "below shows the old results; rerun <code>python -m helpers sweep "
                              f"{html.escape(str(grid.get('source')))} --store {html.escape(_rel(self.folder))}"
                              "</code> to refresh it.</p>", kind="warning")
        if self.code_changed:
            body += ("<p>The helper library (<code>src/helpers</code>) has changed since the sweep ran, though the "
                     "notebook has not: a run on the current code may give other numbers. Rerun the sweep with "
                     "<code>--store</code> to refresh them.</p>")
        return Admonition("Stored sweep (the notebook has not changed since)", body, kind="note")


def _rel(path: Path) -> str:
    from helpers.paths import ROOT

    try:
        return str(Path(path).resolve().relative_to(Path(ROOT).resolve()))
    except ValueError:
        return str(path)


def _keys(spec: dict[str, Any]) -> list[list[str]]:
    """The glued keys a `[speccurve]` names, each as the list of alternatives the page coalesces."""
    named = [spec.get(k) for k in ("estimate", "ci_low", "ci_high", "se")]
    return [[v] if isinstance(v, str) else list(v) for v in named if v]


def current_speccurve(provenance: dict[str, Any], columns) -> dict[str, Any] | None:
    """The grid file's `[speccurve]` when the file still defines the stored runs and the stored results hold every
    key it names (see the module docstring); None otherwise."""
    from helpers.paths import ROOT

    stored = provenance.get("grid") or {}
    source = stored.get("source")
    if not source:
        return None
    path = Path(source) if Path(source).is_absolute() else Path(ROOT) / source
    try:
        grid = load_grid(path).as_dict()
    except (OSError, ValueError):
        return None
    if canonical_json({k: grid.get(k) for k in RUN_DEFINING}) != canonical_json({k: stored.get(k) for k in RUN_DEFINING}):
        return None
    spec = grid.get("speccurve") or {}
    if not spec.get("estimate") or not all(any(k in columns for k in alternatives) for alternatives in _keys(spec)):
        return None
    return spec


def load_stored(slug_or_folder: str | Path) -> StoredSweep:
    """Read sweeps/results/<slug>/ (or any folder holding results.csv and sweep.json)."""
    from helpers.paths import ROOT

    folder = Path(slug_or_folder)
    if not folder.is_absolute() and not folder.exists():
        folder = Path(ROOT) / "sweeps" / "results" / str(slug_or_folder)
    missing = [n for n in ("results.csv", "sweep.json") if not (folder / n).exists()]
    if missing:
        raise FileNotFoundError(f"no stored sweep in {folder} (missing {', '.join(missing)}); run "
                                f"`python -m helpers sweep sweeps/<slug>.toml --store {folder}`")
    provenance = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
    table = pd.read_csv(folder / "results.csv", float_precision="round_trip")
    notebook = Path(ROOT) / str(provenance.get("notebook"))
    current = notebook_hash(notebook) if notebook.exists() else None
    from .core import helpers_code_hash

    return StoredSweep(table=table, provenance=provenance, folder=folder, current_hash=current,
                       current_code_hash=helpers_code_hash(),
                       current_speccurve=current_speccurve(provenance, set(table.columns)))
