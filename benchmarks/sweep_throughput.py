"""Sweep throughput: per-run overhead, and a 16-run sweep with 2 workers (processes, Dask) vs serial.

Runs the sweep test notebook (tests/sweep/fixtures/toy.ipynb), whose `work` parameter burns that many
seconds of CPU, so the runs are CPU-bound like a real specification. Writes
benchmarks/results/sweep_throughput.md. The machine is shared: the load average is recorded with each
measurement, and timings are noisy.
"""
from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from helpers.paths import ROOT
from helpers.sweep import run_sweep

NOTEBOOK = ROOT / "tests" / "sweep" / "fixtures" / "toy.ipynb"
RESULTS = ROOT / "benchmarks" / "results" / "sweep_throughput.md"
N_RUNS = 16
WORK_S = float(os.environ.get("SWEEP_BENCH_WORK", "2.0"))  # CPU seconds per run
WORKERS = 2
TARGET_SPEEDUP = 1.7


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def kernel_start_stop(n: int = 3) -> list[float]:
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3")
        kc.execute_interactive("1", timeout=60)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        times.append(time.perf_counter() - t0)
    return times


def timed_sweep(grid: dict, executor: str, out: Path, workers: int) -> tuple[float, object, str]:
    before = load()
    t0 = time.perf_counter()
    result = run_sweep(NOTEBOOK, grid, out, executor=executor, workers=workers, progress=False, force=True)
    wall = time.perf_counter() - t0
    if result.n_failed:
        raise SystemExit(f"{executor}: {result.n_failed} runs failed: {result.failed['error'].tolist()}")
    return wall, result, before


def main() -> int:
    lines = [f"# Sweep throughput ({datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC)", "",
             f"Machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             "**shared with other engineers' jobs while measured** (load average 1/5/15 min shown per row), "
             "so the timings are noisy. Script: `benchmarks/sweep_throughput.py`.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # ---- per-run overhead
        ks = kernel_start_stop()
        _, light, l1 = timed_sweep({"work": [0.0], "seed": [1, 2, 3]}, "serial", tmp / "o1", 1)
        _, heavy, l2 = timed_sweep({"work": [0.0], "seed": [1, 2, 3], "import_report": [True]}, "serial",
                                   tmp / "o2", 1)
        lines += ["## Per-run overhead (serial, a run that computes nothing)", "",
                  "| what | median s | runs | load before |", "|---|---|---|---|",
                  f"| kernel start + one execute + shutdown (jupyter_client) | {statistics.median(ks):.2f} | {len(ks)} | {l1} |",
                  f"| papermill run: kernel, parameters, numpy + myst_nb imports, glue | "
                  f"{light.table['wall_time_s'].median():.2f} | 3 | {l1} |",
                  f"| same + `import helpers.report` (matplotlib, seaborn, scipy: what chapters import) | "
                  f"{heavy.table['wall_time_s'].median():.2f} | 3 | {l2} |", ""]
        # ---- throughput
        grid = {"work": [WORK_S], "seed": list(range(1, N_RUNS + 1))}
        rows = []
        serial_wall, serial, ls = timed_sweep(grid, "serial", tmp / "serial", 1)
        rows.append(("serial", 1, serial_wall, serial, ls))
        for executor in ("processes", "dask"):
            wall, res, lb = timed_sweep(grid, executor, tmp / executor, WORKERS)
            rows.append((executor, WORKERS, wall, res, lb))
        lines += [f"## {N_RUNS} runs of {WORK_S:g} s CPU each", "",
                  "| executor | workers | sweep wall s | median run wall s | speed-up vs serial | load before |",
                  "|---|---|---|---|---|---|"]
        for executor, w, wall, res, lb in rows:
            lines.append(f"| {executor} | {w} | {wall:.1f} | {res.table['wall_time_s'].median():.2f} | "
                         f"{serial_wall / wall:.2f}× | {lb} |")
        speedups = {e: serial_wall / wall for e, _, wall, _, _ in rows if e != "serial"}
        verdict = speedups["processes"] >= TARGET_SPEEDUP  # the default executor; Dask reported beside it
        lines += ["", f"Target: ≥ {TARGET_SPEEDUP}× with {WORKERS} workers on 2 cores (default executor, processes). "
                  f"Result: {'met' if verdict else 'NOT met'} "
                  f"({', '.join(f'{e} {s:.2f}×' for e, s in speedups.items())}). Load average after: {load()}.",
                  "", "Sweep wall time includes starting the pool or the Dask LocalCluster (spawned workers "
                  "import papermill once each) and writing results.parquet/CSV."]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
