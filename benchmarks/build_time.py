"""Build time: a cold book build (`python -m helpers build --fresh`: execution and results caches cleared) and a
warm rebuild (nothing changed), with the date, the commit and the machine's load; optionally a serial cold build
(`--serial`, one kernel) and a `.ci/run` in a fresh clone (`--ci`).

    .venv/bin/python benchmarks/build_time.py [--workers N] [--serial] [--ci]

Writes benchmarks/results/build_time.md (the table) and build_time.json (seconds per notebook of the cold build,
which the build reads to start the longest chapters first on a machine that has not built the book yet).
The machine is often shared: the load average (1/5/15 min) is recorded before and after each measurement.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from helpers import paths

ROOT = paths.ROOT
RESULTS = ROOT / "benchmarks" / "results" / "build_time.md"
TIMES = ROOT / "benchmarks" / "results" / "build_time.json"
TARGETS = {"cold": 240, "warm": 10, "ci": 360}


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def timed(cmd: list[str], cwd: Path = ROOT, env: dict | None = None) -> dict:
    before = load()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.stderr.write(out[-6000:])
        raise SystemExit(f"{' '.join(cmd)} failed with exit {proc.returncode}")
    return {"wall": wall, "load_before": before, "load_after": load(), "output": out}


def build(*extra: str) -> dict:
    result = timed([sys.executable, "-m", "helpers", "build", *extra])
    executed = re.search(r"Executed (\d+) notebooks in (\d+) s", result["output"])
    result["executed"] = int(executed.group(1)) if executed else 0
    result["execution_wall"] = float(executed.group(2)) if executed else 0.0
    return result


def notebook_seconds() -> dict[str, dict[str, float]]:
    """Per notebook of the executions now in the execution cache: seconds (jupyter-cache's records) and the
    kernel's peak memory in MB (the build's own record, `.cache/notebook-times.json`)."""
    from jupyter_cache import get_cache

    from helpers import build as book_build

    try:
        local = json.loads((ROOT / book_build.TIMES_FILE).read_text())
    except (OSError, ValueError):
        local = {}
    out = {}
    for record in get_cache(str(paths.BUILD / ".jupyter_cache")).list_cache_records():
        seconds = (record.data or {}).get("execution_seconds")
        if seconds is not None:
            rel = Path(record.uri).resolve().relative_to(ROOT).as_posix()
            peak = local.get(rel, {}).get("peak_mb") if isinstance(local.get(rel), dict) else None
            out[rel] = {"seconds": round(float(seconds), 2), **({"peak_mb": round(peak)} if peak else {})}
    return dict(sorted(out.items()))


def ci_run() -> dict:
    """`.ci/run` in a fresh clone beside this repository (so ../shared is found as in CI), then the clone is removed."""
    parent = ROOT.parent
    clone = Path(tempfile.mkdtemp(prefix="build-time-ci-", dir=parent))
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BOOK_ROOT", "VIRTUAL_ENV")}
        result = timed([str(clone / ".ci" / "run")], cwd=clone, env=env)
        reported = re.search(r"CI finished in (\d+) s", result["output"])
        summary = re.findall(r"=+ (.*(?:passed|failed).*) =+", result["output"])
        result["reported"] = int(reported.group(1)) if reported else None
        result["summary"] = summary[-1] if summary else ""
        return result
    finally:
        shutil.rmtree(clone, ignore_errors=True)


def chapter_table(measured: dict[str, dict[str, float]]) -> list[str]:
    groups: dict[str, list[tuple[str, float, float]]] = {}
    for rel, m in measured.items():
        parts = rel.split("/")
        key = parts[1] if parts[0] == "notebooks" else parts[0]
        groups.setdefault(key, []).append((parts[-1], m["seconds"], m.get("peak_mb", float("nan"))))
    lines = ["| chapter / folder | notebooks | sum of execution s | slowest | largest kernel (peak MB) |",
             "|---|---|---|---|---|"]
    for key, rows in groups.items():
        slow = max(rows, key=lambda r: r[1])
        big = max(rows, key=lambda r: r[2] if r[2] == r[2] else 0)
        lines.append(f"| {key} | {len(rows)} | {sum(r[1] for r in rows):.0f} | `{slow[0]}` {slow[1]:.0f} s | "
                     f"`{big[0]}` {big[2]:.0f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=None, help="kernels at a time (default: the cores)")
    ap.add_argument("--serial", action="store_true", help="also a cold build with one kernel")
    ap.add_argument("--ci", action="store_true", help="also .ci/run in a fresh clone (installs a new .venv)")
    args = ap.parse_args(argv)
    workers = ["--workers", str(args.workers)] if args.workers else []
    stamp = datetime.now(timezone.utc)
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    rows, notes = [], []

    serial = None
    if args.serial:
        serial = build("--fresh", "--workers", "1")
    cold = build("--fresh", *workers)
    seconds = notebook_seconds()
    warm = build(*workers)
    rows.append(("cold `python -m helpers build --fresh`" + (f" ({args.workers} workers)" if args.workers else ""),
                 cold, TARGETS["cold"], f"{cold['executed']} notebooks executed in {cold['execution_wall']:.0f} s, "
                 f"then jupyter-book rendered"))
    rows.append(("warm rebuild `python -m helpers build` (nothing changed)", warm, TARGETS["warm"],
                 f"{warm['executed']} notebooks executed"))
    if serial:
        rows.append(("cold, one kernel (`--workers 1`)", serial, None,
                     f"{serial['executed']} notebooks executed in {serial['execution_wall']:.0f} s"))
    ci = ci_run() if args.ci else None
    if ci:
        rows.append(("`.ci/run` in a fresh clone (new .venv from the pip cache, `make test`)", ci, TARGETS["ci"],
                     f"reported {ci['reported']} s; {ci['summary']}"))

    total = sum(m["seconds"] for m in seconds.values())
    lines = [f"# Book build time ({stamp:%Y-%m-%d %H:%M} UTC)", "",
             f"Machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}; commit "
             f"`{git('rev-parse', '--short', 'HEAD')}`{' with uncommitted changes' if dirty else ''}. The machine is "
             "shared with other engineers' jobs: the load average (1/5/15 min) is shown before and after each "
             "measurement, and a loaded machine inflates every time. Script: `benchmarks/build_time.py`.", "",
             "| what | wall s | target s | load before | load after | notes |", "|---|---|---|---|---|---|"]
    for what, r, target, note in rows:
        lines.append(f"| {what} | {r['wall']:.0f} | {target if target else '—'} | {r['load_before']} | "
                     f"{r['load_after']} | {note} |")
    lines += ["", f"Notebook execution in the cold build (kernel start to end, each notebook in its own single-threaded "
              f"kernel, {args.workers or os.cpu_count()} at a time): {total:.0f} s summed over {len(seconds)} "
              "notebooks.", "", *chapter_table(seconds), ""]
    RESULTS.write_text("\n".join(lines))
    TIMES.write_text(json.dumps({"measured": f"{stamp:%Y-%m-%d %H:%M} UTC", "load_before": cold["load_before"],
                                 "notebooks": seconds}, indent=1) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
