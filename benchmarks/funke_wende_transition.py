"""Benchmark: Funke-Wende calibration, one benchmark transition and one augmented transition (T=1000).

Run: .venv/bin/python benchmarks/funke_wende_transition.py  (writes benchmarks/results/funke_wende_transition.md)
"""
from __future__ import annotations

import os
import platform
import time
from pathlib import Path

from helpers.chapters.funke_wende.model import FWParams, baseline_steady_state, calibrate
from helpers.chapters.funke_wende.model import scenarios


def main():
    p = FWParams()
    rows = []
    t, c = time.perf_counter(), time.process_time()
    calibrate(p)
    baseline_steady_state(p)
    rows.append(("calibration incl. f_RX fixed point", time.perf_counter() - t, time.process_time() - c, ""))
    for G in (0.191, 0.44):
        t, c = time.perf_counter(), time.process_time()
        r = scenarios.ban_transition(p, G, True, T=1000)
        rows.append((f"benchmark transition Gamma={G}, T=1000", time.perf_counter() - t, time.process_time() - c,
                     f"{r.iterations} Jacobians, max|F|={r.max_residual:.1e}, end gap {r.end_gap:.1e}"))
    t, c = time.perf_counter(), time.process_time()
    r = scenarios.ban_transition(p, 0.191, True, T=1000, nu_g=1.5)
    rows.append(("augmented transition nu_g=1.5 (incl. benchmark start), T=1000", time.perf_counter() - t,
                 time.process_time() - c,
                 f"{r.iterations} Jacobians, max|F|={r.max_residual:.1e}"))
    load = os.getloadavg()[0]
    lines = ["# Funke-Wende solver benchmark", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, load average {load:.1f} at the end "
             "(shared machine: timings are noisy, a loaded machine inflates them several-fold).", "",
             "CPU seconds of this process are less sensitive to other jobs than wall-clock seconds.", "",
             "| step | wall s | CPU s | diagnostics |", "|---|---|---|---|"]
    lines += [f"| {a} | {b:.2f} | {c:.2f} | {d} |" for a, b, c, d in rows]
    out = Path(__file__).parent / "results" / "funke_wende_transition.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
