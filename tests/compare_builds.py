"""Compare two builds' glued values (and scorecards): the check that a refactor changed no number.

    .venv/bin/python tests/compare_builds.py BEFORE AFTER [--notebooks notebooks/dorff_minhas] [--tol 0]

BEFORE and AFTER are repository roots (or `_build` folders) of two finished builds. Reads every executed notebook
under `_build/jupyter_execute/` (or a folder of papermill outputs) and each glued value's `text/plain` (numbers,
strings, table reprs; figures are compared by key only), then `_build/scorecard.csv`. Prints every key whose
value differs, every key only one side has, and exits 1 if any differ.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path


def _executed(root: Path) -> Path:
    for candidate in (root / "_build" / "jupyter_execute", root / "jupyter_execute", root):
        if candidate.is_dir() and any(candidate.rglob("*.ipynb")):
            return candidate
    raise SystemExit(f"no executed notebooks under {root}")


def glue_values(folder: Path, only: str | None = None) -> dict[str, str]:
    """{"<notebook>::<key>": text/plain of the glued value} for every glued output in every notebook."""
    out = {}
    for path in sorted(folder.rglob("*.ipynb")):
        rel = path.relative_to(folder).as_posix()
        if only and only not in rel:
            continue
        outputs = [o for cell in json.loads(path.read_text()).get("cells", []) for o in cell.get("outputs", [])]
        sidecar = path.with_suffix(".glue.json")          # jupyter-book keeps a built notebook's glue beside it
        if sidecar.exists():
            outputs += list(json.loads(sidecar.read_text()).values())
        for o in outputs:
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                data = o.get("data", {})      # mime keys: "text/plain" or "application/papermill.record/text/plain"
                is_figure = any("image/" in k for k in data)
                text = next(("".join(v) for k, v in data.items() if k.endswith("text/plain")), "")
                out[f"{rel}::{name}"] = "<figure>" if is_figure else re.sub(r" at 0x[0-9a-f]+", "", text)
    return out


def _same(a: str, b: str, tol: float) -> bool:
    if a == b:
        return True
    try:
        x, y = float(a.strip("'\"")), float(b.strip("'\""))
    except ValueError:
        return False
    return math.isclose(x, y, rel_tol=tol, abs_tol=tol) or (math.isnan(x) and math.isnan(y))


def scorecard(root: Path) -> dict[str, str]:
    """Rows of the book's `_build/scorecard.csv`, or of the chapter scorecards in a `scorecard/` folder."""
    paths = [p for p in (root / "_build" / "scorecard.csv", root / "scorecard.csv") if p.exists()][:1] \
        or sorted((root / "scorecard").glob("*.csv"))
    return {f"{p.name} row {i}": line for p in paths for i, line in enumerate(p.read_text().splitlines())}


def compare(before: dict[str, str], after: dict[str, str], tol: float) -> list[str]:
    report = []
    for key in sorted(before.keys() | after.keys()):
        if key not in after:
            report.append(f"only before: {key} = {before[key][:120]}")
        elif key not in before:
            report.append(f"only after:  {key} = {after[key][:120]}")
        elif not _same(before[key], after[key], tol):
            report.append(f"differs:     {key}\n    before: {before[key][:200]}\n    after:  {after[key][:200]}")
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--notebooks", help="only notebooks whose path contains this (e.g. dorff_minhas)")
    ap.add_argument("--tol", type=float, default=0.0, help="relative/absolute tolerance for numbers (default: exact)")
    args = ap.parse_args(argv)
    glued = compare(glue_values(_executed(args.before), args.notebooks), glue_values(_executed(args.after), args.notebooks),
                    args.tol)
    cards = compare(scorecard(args.before), scorecard(args.after), 0.0)
    for line in glued + cards:
        print(line)
    n = len(glue_values(_executed(args.after), args.notebooks))
    print(f"{len(glued)} glued values differ of {n}; {len(cards)} scorecard rows differ.")
    return 1 if glued or cards else 0


if __name__ == "__main__":
    sys.exit(main())
