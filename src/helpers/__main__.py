"""Command line: `python -m helpers data status|fetch [KEY ...]`, `python -m helpers build [--fresh] [--workers N]`,
`python -m helpers cache info|prune|clear`, `python -m helpers sweep ...`, `python -m helpers lab [--port N]`.

Folders named by BOOK_DATA_MIRROR, BOOK_DATA_CACHE and BOOK_RESULT_CACHE are made absolute here, relative to the
working directory of this call, before anything else runs: every kernel started afterwards gets them so.
Exit status: 0 fine; 1 something failed (a build, a fetch, a data file that is missing or bad); 2 a usage or
set-up error (an unknown key, a BOOK_DATA_MIRROR folder that does not exist); 128+N interrupted by signal N.
"""
from __future__ import annotations

import argparse
import sys

EXIT_USAGE = 2


def _status(args) -> int:
    import pandas as pd

    from helpers.report.provenance import sources_table

    table = sources_table()
    if args.chapter:
        table = table[table.chapters.str.split(", ").apply(lambda c: args.chapter in c)]
        if table.empty:
            print(f"data status: no file in sources.toml is used by a chapter named {args.chapter!r}.", file=sys.stderr)
            return EXIT_USAGE
    with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 120):
        print(table[["key", "file", "format", "chapters", "available", "resolved_from", "verified", "problem"]]
              .to_string(index=False))
    needed = table[table.chapters != ""]
    counts = needed[needed.available != "yes"].verified.replace({"—": "missing"}).value_counts()
    print(f"\n{(table.available == 'yes').sum()} of {len(table)} files available and verified.")
    if counts.empty:
        return 0
    print("Not usable: " + ", ".join(f"{n} {state}" for state, n in counts.items())
          + ". `python -m helpers data fetch KEY` repairs a bad or missing cache copy (from a verified mirror copy "
          "or a download); a bad mirror copy is never modified.", file=sys.stderr)
    return 1


def _fetch(args) -> int:
    from helpers.data import DataUnavailable, DataUnreadable, HashMismatch, catalogue, fetch
    from helpers.data.sources import unknown_source_message

    keys = args.keys or list(catalogue())
    unknown = [k for k in keys if k not in catalogue()]
    for key in unknown:
        print(f"data fetch: {unknown_source_message(key)}", file=sys.stderr)
    if unknown:
        return EXIT_USAGE
    failed = 0
    for key in keys:
        try:
            hit = fetch(key)
            print(f"{key}: {hit.origin} {hit.path}" + (f" ({hit.note})" if hit.note else ""))
        except (DataUnavailable, HashMismatch, DataUnreadable, OSError) as error:
            failed += 1
            print(f"{key}: FAILED: {' '.join(str(error).split())}", file=sys.stderr)
    return 1 if failed else 0


def _cache(args) -> int:
    from helpers import cache, paths

    if args.action == "clear":
        removed = cache.clear()
        print(f"removed {removed} results-cache files from {paths.results_cache_dir()}")
        return 0
    if args.action == "prune":
        removed = cache.prune()
        print(f"removed {removed} results-cache files made by other code from {paths.results_cache_dir()}")
        return 0
    rows = cache.summary()
    print(f"results cache: {paths.results_cache_dir()} (key file {cache.key_file()})"
          + ("; switched off by BOOK_NO_RESULT_CACHE" if cache.disabled() else ""))
    for namespace, entries, size in rows:
        print(f"  {namespace}: {entries} entries, {size / 1e6:.1f} MB")
    return 0


def _lab(args) -> int:
    """JupyterLab on this clone, with a kernel spec that pins this clone's src, BOOK_ROOT and the data mirror."""
    import os
    import secrets
    import subprocess
    from pathlib import Path

    from helpers import notebooks, paths

    root = paths.ROOT
    if problem := notebooks.foreign_helpers(root):
        print(f"python -m helpers lab: {problem}", file=sys.stderr)
        return EXIT_USAGE
    pinned = notebooks.clone_env(root)
    env = {**os.environ, **pinned}
    for name in ("BOOK_BUILD", "BOOK_SCORECARD_DIR", "MPLBACKEND"):   # a student's kernel shows figures in place
        env.pop(name, None)
    jupyter_path = root / notebooks.LAB_JUPYTER_PATH
    spec = notebooks.write_kernelspec(root, sys.executable, env=pinned, jupyter_path=jupyter_path)
    env["JUPYTER_PATH"] = os.pathsep.join([str(jupyter_path), *[p for p in env.get("JUPYTER_PATH", "").split(
        os.pathsep) if p and p != str(jupyter_path)]])
    # the kernel's own check: its Python, started with the spec's environment from another folder, imports this
    # clone's helpers
    probe = subprocess.run([sys.executable, "-c", "import helpers; print(helpers.__file__)"], env={**env, **pinned},
                           cwd=str(Path(spec).parent), capture_output=True, text=True)
    found = Path(probe.stdout.strip() or "?").resolve()
    if probe.returncode != 0 or found.parent != root / "src" / "helpers":
        print(f"python -m helpers lab: the kernel would import helpers from {found}, not {root / 'src' / 'helpers'}: "
              f"{probe.stderr.strip()[-500:]}", file=sys.stderr)
        return EXIT_USAGE
    token = args.token or secrets.token_hex(24)
    cmd = [str(Path(sys.executable).with_name("jupyter-lab")), "--no-browser", f"--ServerApp.root_dir={root}",
           f"--ServerApp.ip={args.ip}", f"--ServerApp.port={args.port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")       # containers often run as root; Jupyter refuses that unless told
    print(f"JupyterLab on {root}\n  kernel spec: {spec} (PYTHONPATH={pinned['PYTHONPATH']}, "
          f"{paths.MIRROR_ENV}={pinned.get(paths.MIRROR_ENV, '(unset: the data cache)')})\n"
          f"  open: http://{args.ip}:{args.port}/lab?token={token}\n  stop: Ctrl-C", flush=True)
    if args.dry_run:
        print(" ".join(cmd))
        return 0
    os.execve(cmd[0], cmd, env)
    return 0  # pragma: no cover - execve does not return


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from helpers import paths

    paths.absolutize_env()
    if argv[:1] == ["sweep"]:
        from helpers import sweep

        return sweep.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="data files: status, fetch")
    data.add_argument("action", choices=["status", "fetch"])
    data.add_argument("keys", nargs="*", help="source keys (fetch; default all)")
    data.add_argument("--chapter", help="status: only files this chapter uses")
    build = sub.add_parser("build", help="build the book into _build/html")
    build.add_argument("--fresh", action="store_true", help="clear the execution and results caches first")
    build.add_argument("--workers", "-w", type=int, default=None,
                       help="kernels executing notebooks at the same time (default: the cores)")
    lab = sub.add_parser("lab", help="JupyterLab with this clone's kernel and data mirror (prints the URL)")
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--ip", default="127.0.0.1")
    lab.add_argument("--token", default=None, help="the server's token (default: a random one, printed)")
    lab.add_argument("--dry-run", action="store_true", help="write the kernel spec, print the command, do not start")
    cache = sub.add_parser("cache", help="the results cache: info, prune (entries of other code), clear")
    cache.add_argument("action", choices=["info", "prune", "clear"])
    sub.add_parser("sweep", help="run a notebook over a parameter grid (see `python -m helpers sweep --help`)")
    args = parser.parse_args(argv)
    if args.command == "cache":
        return _cache(args)
    if missing := paths.missing_mirrors():
        print(f"python -m helpers {args.command}: {paths.mirror_not_found_message(missing)}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "data":
        return _status(args) if args.action == "status" else _fetch(args)
    if args.command == "lab":
        return _lab(args)
    if args.workers is not None and args.workers < 1:
        print(f"python -m helpers build: --workers must be 1 or more, not {args.workers}", file=sys.stderr)
        return EXIT_USAGE
    from helpers.build import build as build_book

    return build_book(fresh=args.fresh, workers=args.workers)


if __name__ == "__main__":
    sys.exit(main())
