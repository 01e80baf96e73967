"""Command line: `python -m helpers data status|fetch [KEY ...]`, `python -m helpers build [--fresh]`,
`python -m helpers sweep ...`."""
from __future__ import annotations

import argparse
import sys


def _data(args) -> int:
    from helpers.data import DataUnavailable, HashMismatch, catalogue, fetch
    from helpers.report.provenance import sources_table

    if args.action == "status":
        table = sources_table()
        if args.chapter:
            table = table[table.chapters.str.contains(args.chapter)]
        import pandas as pd

        with pd.option_context("display.max_rows", None, "display.width", 160, "display.max_colwidth", 40):
            print(table[["key", "file", "format", "chapters", "available", "resolved_from", "verified"]].to_string(index=False))
        print(f"\n{(table.available == 'yes').sum()} of {len(table)} files available and verified.")
        return 0
    keys = args.keys or list(catalogue())
    failed = 0
    for key in keys:
        try:
            hit = fetch(key)
            print(f"{key}: {hit.origin} {hit.path}")
        except (DataUnavailable, HashMismatch, OSError) as error:
            failed += 1
            print(f"{key}: FAILED: {error}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["sweep"]:
        from helpers import sweep

        return sweep.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="data files: status, fetch")
    data.add_argument("action", choices=["status", "fetch"])
    data.add_argument("keys", nargs="*", help="source keys (fetch; default all)")
    data.add_argument("--chapter", help="status: only files this chapter uses")
    build = sub.add_parser("build", help="build the book into _build/html")
    build.add_argument("--fresh", action="store_true", help="clear the execution cache first")
    sub.add_parser("sweep", help="run a notebook over a parameter grid (see `python -m helpers sweep --help`)")
    args = parser.parse_args(argv)
    if args.command == "data":
        return _data(args)
    from helpers.build import build as build_book

    return build_book(fresh=args.fresh)


if __name__ == "__main__":
    sys.exit(main())
