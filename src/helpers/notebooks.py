"""The book's notebooks: which ones the toc builds, their glue keys, stripping outputs before commit, and the
kernel spec that pins a clone's own `src` (for `make lab`)."""
from __future__ import annotations

import json
import os
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


# ---------------------------------------------------------------- the kernel of this clone

KERNEL_NAME = "python3"           # every notebook names this kernel
LAB_JUPYTER_PATH = Path(".cache") / "jupyter"   # relative to the clone: first on JUPYTER_PATH under `make lab`


def clone_env(root: Path = paths.ROOT, base: dict[str, str] | None = None) -> dict[str, str]:
    """What a kernel of this clone needs in its environment: `PYTHONPATH` starting with `<root>/src`, so it imports
    this clone's `helpers` even when a virtualenv shared with another clone has that clone's editable install
    (the .pth entry comes after PYTHONPATH on sys.path); `BOOK_ROOT`; `BOOK_DATA_MIRROR` as absolute paths."""
    base = dict(os.environ if base is None else base)
    src = str(Path(root).resolve() / "src")
    rest = [p for p in base.get("PYTHONPATH", "").split(os.pathsep) if p and p != src]
    env = {"PYTHONPATH": os.pathsep.join([src, *rest]), "BOOK_ROOT": str(Path(root).resolve())}
    mirrors = [p for p in base.get(paths.MIRROR_ENV, "").split(os.pathsep) if p.strip()]
    if mirrors:
        env[paths.MIRROR_ENV] = os.pathsep.join(str((Path.cwd() / Path(p).expanduser()).resolve()) for p in mirrors)
    return env


def write_kernelspec(root: Path = paths.ROOT, python: str = sys.executable, env: dict[str, str] | None = None,
                     jupyter_path: Path | None = None) -> Path:
    """Write the `python3` kernel spec of this clone under `<jupyter_path>/kernels/python3` (default
    `<root>/.cache/jupyter`): this virtualenv's Python, and `env` (default `clone_env(root)`) pinned in the spec,
    so the kernel imports this clone's `src/helpers` whatever the environment JupyterLab was started from.
    Put `jupyter_path` first on JUPYTER_PATH (as `python -m helpers lab` does) and it shadows the virtualenv's
    own `python3` spec, which a second clone sharing the virtualenv may have installed. Returns the spec file."""
    root = Path(root).resolve()
    folder = Path(jupyter_path or root / LAB_JUPYTER_PATH) / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [python, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"Python 3 (book: {root.name})",
        "language": "python",
        "env": {**(clone_env(root) if env is None else env), "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        "metadata": {"debugger": True},
        "kernel_protocol_version": "5.5",
    }
    target = folder / "kernel.json"
    tmp = folder / f".kernel.json.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(spec, indent=1) + "\n")
    os.replace(tmp, target)
    return target


def foreign_helpers(root: Path = paths.ROOT) -> str | None:
    """None when the imported `helpers` is this clone's (`<root>/src/helpers`), else a message saying whose it is."""
    here = Path(__file__).resolve().parent
    expected = (Path(root).resolve() / "src" / "helpers")
    if here == expected:
        return None
    return (f"this Python imports helpers from {here}, not from this clone ({expected}): the virtualenv's editable "
            f"install belongs to another clone. Use `make lab` / `make book` here (they put {expected.parent} first "
            f"on PYTHONPATH), or prefix the command with PYTHONPATH={expected.parent}.")


if __name__ == "__main__":
    if sys.argv[1:2] != ["strip"]:
        sys.exit("usage: python -m helpers.notebooks strip [NOTEBOOK ...]")
    targets = [Path(p) for p in sys.argv[2:]] or sorted(paths.ROOT.glob("notebooks/**/*.ipynb")) + sorted(paths.ROOT.glob("summary/*.ipynb"))
    changed = [p for p in targets if strip(p)]
    print(f"stripped {len(changed)} of {len(targets)} notebooks")
