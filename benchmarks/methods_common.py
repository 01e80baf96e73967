"""Shared pieces of the estimator benchmarks (methods_cox, methods_gls_arma, methods_gravity): medians of
repeated timings, a machine note, program versions, and running R (via run_r.sh) on data passed as a raw
float64 matrix (exact, and read in a second where a CSV of 265k x 42 would take a minute)."""
from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"

R_READ = r"""
read_matrix <- function(path) {
  head <- readLines(paste0(path, ".names"))
  n <- as.integer(head[1]); nm <- head[-1]
  con <- file(path, "rb"); on.exit(close(con))
  m <- matrix(readBin(con, "double", n * length(nm)), nrow = n)
  d <- as.data.frame(m); names(d) <- nm; d
}
emit <- function(key, v) cat(key, paste(format(v, digits = 17), collapse = " "), "\n")
"""


def timed(fn, repeats: int):
    """Run fn `repeats` times; medians of wall and CPU seconds, and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


def write_matrix(frame: pd.DataFrame, path: Path) -> None:
    """frame's numeric columns as column-major float64 (`path`) plus `path.names` (rows, then names)."""
    np.asarray(frame.to_numpy(float), order="F").T.tofile(path)
    Path(f"{path}.names").write_text("\n".join([str(len(frame)), *map(str, frame.columns)]) + "\n")


def run_r(script: str, frame: pd.DataFrame, *args) -> dict | None:
    """Run `script` (R code; `read_matrix(path)` and `emit(key, values)` are defined) with the data path and
    args; returns {key: [floats or strings]} from its `emit` lines, or None when R is not available."""
    with tempfile.TemporaryDirectory() as tmp:
        data, code = Path(tmp, "data.bin"), Path(tmp, "bench.R")
        write_matrix(frame, data)
        code.write_text(R_READ + script)
        run = subprocess.run(["bash", str(HERE / "run_r.sh"), str(code), str(data), *map(str, args)],
                             capture_output=True, text=True)
    if run.returncode == 3:
        print(run.stderr.strip(), file=sys.stderr)
        return None
    if run.returncode != 0:
        raise RuntimeError(f"R failed:\n{run.stderr}")
    out = {}
    for line in run.stdout.splitlines():
        key, *vals = line.split()
        try:
            out[key] = [float(v) for v in vals]
        except ValueError:
            out[key] = vals
    return out


def versions(*modules: str) -> str:
    parts = [f"Python {platform.python_version()}"]
    for name in modules:
        mod = __import__(name)
        parts.append(f"{name} {mod.__version__}")
    return ", ".join(parts)


def machine_note(start_load) -> str:
    end = os.getloadavg()
    return (f"Recorded {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
            f"{os.cpu_count()} cores **shared with other engineers' jobs** (load average "
            f"{' / '.join(f'{v:.1f}' for v in start_load)} at the start, {' / '.join(f'{v:.1f}' for v in end)} "
            "at the end): wall times are inflated by waiting for a core; CPU seconds of the Python process "
            "(`time.process_time`, where shown) are the steadier measure. Each row: ours and the reference back to back on the same "
            "simulated data; medians of the runs shown.")
