"""The book's notebooks: which ones the toc builds, their glue keys, and stripping outputs before commit."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

from helpers import paths


def toc_documents(root: Path = paths.ROOT) -> list[Path]:
    """Every document the toc builds (globs expanded), as paths with their suffix."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    found: list[Path] = []

    def add(entry: dict) -> None:
        if "file" in entry:
            stem = root / entry["file"]
            found.extend(p for p in (stem.with_suffix(".md"), stem.with_suffix(".ipynb"), stem) if p.is_file())
        if "glob" in entry:
            found.extend(sorted(p for p in root.glob(entry["glob"] + ".ipynb")) + sorted(root.glob(entry["glob"] + ".md")))
        for key in ("parts", "chapters", "sections"):
            for child in entry.get(key, []):
                add(child)

    found.append(root / (toc["root"] + ".md"))
    add(toc)
    return list(dict.fromkeys(found))


def toc_notebooks(root: Path = paths.ROOT) -> list[Path]:
    return [p for p in toc_documents(root) if p.suffix == ".ipynb"]


def glued_keys(nb_path: Path) -> set[str]:
    """Glue keys a notebook's code creates, read statically from `glue("key", ...)` calls and f-string prefixes."""
    source = "\n".join("".join(c["source"]) for c in json.loads(nb_path.read_text())["cells"] if c["cell_type"] == "code")
    return set(re.findall(r"""glue(?:_figure|_table)?\(\s*f?["']([^"'{]+)""", source))


def strip(nb_path: Path) -> bool:
    """Remove outputs and execution counts in place; True when the file changed."""
    text = nb_path.read_text()
    nb = json.loads(text)
    nb["nbformat"], nb["nbformat_minor"] = 4, max(5, nb.get("nbformat_minor", 5))
    for index, cell in enumerate(nb["cells"]):
        cell.setdefault("id", f"cell-{index:03d}")
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cell.get("metadata", {}).pop("execution", None)
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if nb["metadata"].get("kernelspec") != kernelspec:  # compared as dicts: a mere key order is left alone
        nb["metadata"]["kernelspec"] = kernelspec
    new = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    if new != text:
        nb_path.write_text(new)
        return True
    return False


if __name__ == "__main__":
    if sys.argv[1:2] != ["strip"]:
        sys.exit("usage: python -m helpers.notebooks strip [NOTEBOOK ...]")
    targets = [Path(p) for p in sys.argv[2:]] or sorted(paths.ROOT.glob("notebooks/**/*.ipynb")) + sorted(paths.ROOT.glob("summary/*.ipynb"))
    changed = [p for p in targets if strip(p)]
    print(f"stripped {len(changed)} of {len(targets)} notebooks")
