"""Per-fit time and peak memory of the gravity PPML: the dense exact-demeaning engine against pyfixest.fepois
with its MAP demeaner on the Rust backend and with the LSMR ("within") demeaner.

    .venv/bin/python benchmarks/phillips_ahmad_gravity.py            # default (68 countries) and full (208) scale
    .venv/bin/python benchmarks/phillips_ahmad_gravity.py --quick    # default scale only

Writes benchmarks/results/phillips_ahmad_gravity.md. Each configuration runs in a fresh subprocess so the
peak resident memory (ru_maxrss) is that of one fit.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
from helpers.methods import gravity as G
from helpers.synth import phillips_ahmad as S
n_generic, engine, demeaner = int(sys.argv[1]), sys.argv[2], sys.argv[3]
w = S.SyntheticWorld(seed=1, n_generic=n_generic)
panel = w.sector_panel("Machinery", (1995, 2009))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
r = G.fit_ppml(panel, S.GRAVITY_VARS, engine=engine, demeaner=demeaner)
sec = time.perf_counter() - t
print(json.dumps({"rows": len(panel), "seconds": sec, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "before_fit_mb": base / 1024, "ln_dist": float(r.params["ln_dist"])}))
"""


def run(n_generic: int, engine: str, demeaner: str = "rust") -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(n_generic), engine, demeaner], capture_output=True,
                         text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    configs = [(40, "dense", "rust"), (40, "pyfixest", "rust"), (40, "pyfixest", "within")]
    if not args.quick:
        configs += [(180, "dense", "rust"), (180, "pyfixest", "rust")]
    rows = []
    for n_generic, engine, demeaner in configs:
        res = run(n_generic, engine, demeaner)
        label = "dense (exact per-year elimination)" if engine == "dense" else f"pyfixest fepois, {demeaner} demeaner"
        rows.append((28 + n_generic, label, res))
        print(rows[-1], flush=True)
    lines = [
        "# Gravity PPML: time and memory per fit (phillips_ahmad)", "",
        f"Recorded {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, "
        f"{platform.python_version()}; a shared 2-core machine with other jobs running, so timings are noisy "
        "(repeat runs differed by up to 2x). One sector-period fit (Machinery 1995-2009, 15 years, nine "
        "regressors, exporter-year + importer-year fixed effects, SEs clustered by pair).", "",
        "| countries | engine | rows | seconds | peak RSS (MB) | ln_dist |", "|---|---|---|---|---|---|",
    ]
    for n, label, r in rows:
        lines.append(f"| {n} | {label} | {r['rows']:,} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {r['ln_dist']:.6f} |")
    lines += ["", "Reading: all engines give the same coefficients (the last column; the tests check 1e-6). Among "
              "pyfixest's demeaners the MAP/Rust backend is the faster one here (numba and JAX are not installed; "
              "LSMR 'within' pays for its preconditioner on a problem with only two fixed-effect dimensions), so "
              "it is the default when `engine='pyfixest'`. The chapter uses the dense engine for the paper's "
              "exporter-year + importer-year structure: within a year the two-way weighted projection is solved "
              "exactly by eliminating the exporter effects, one n x n solve per year, with BLAS pinned to one "
              "thread (oversubscribed OpenBLAS made the small solves 20x slower on the shared machine).", ""]
    (ROOT / "benchmarks" / "results" / "phillips_ahmad_gravity.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
