"""Cox (Efron ties, cluster-robust SEs): helpers.methods.cox.fit_cox against R survival::coxph, back to back on
the same simulated counting-process data (cox.simulate_spells), at the three shapes of issue 17:
50k rows / 25 event times, 248k rows / 25 event times, 98k rows / ~1,870 distinct event times.

    .venv/bin/python benchmarks/methods_cox.py [--repeats 5]

R comes from Debian via benchmarks/run_r.sh (installed when missing; the R column is skipped when it cannot
be). Writes benchmarks/results/methods_cox.md.
"""
from __future__ import annotations

import argparse
import os

import numpy as np

from methods_common import RESULTS, machine_note, run_r, timed, versions
from helpers.methods import cox

COVARIATES = ["x1", "x2", "x3", "x4", "x5", "tv"]
SHAPES = {  # label: simulate_spells arguments
    "50k rows, 25 event times": dict(n_subjects=4600, horizon=25),
    "248k rows, 25 event times": dict(n_subjects=22960, horizon=25),
    "98k rows, many event times": dict(n_subjects=5800, horizon=9125, spell_length=365, rate=0.02 / 365,
                                       censor_share=0.3),
}

R_SCRIPT = r"""
suppressPackageStartupMessages(library(survival))
a <- commandArgs(TRUE)
d <- read_matrix(a[1]); reps <- as.integer(a[2]); xs <- strsplit(a[3], ",")[[1]]
f <- as.formula(paste("Surv(start, stop, event) ~", paste(xs, collapse = " + ")))
fit <- coxph(f, data = d, ties = "efron", cluster = id)
times <- sapply(seq_len(reps), function(i) system.time(coxph(f, data = d, ties = "efron", cluster = id))[["elapsed"]])
emit("time", times)
emit("coef", coef(fit))
emit("se", sqrt(diag(fit$var)))
emit("loglik", fit$loglik[2])
cat("version", R.version$major, R.version$minor, as.character(packageVersion("survival")), "\n")
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    load = os.getloadavg()
    rows, r_version = [], None
    for label, kw in SHAPES.items():
        d = cox.simulate_spells(**kw, seed=1)
        frame = d[["id", "start", "stop", "event", *COVARIATES]]
        wall, cpu, ours = timed(lambda: cox.fit_cox(frame, COVARIATES, ties="efron", cluster="id"), a.repeats)
        ref = run_r(R_SCRIPT, frame, a.repeats, ",".join(COVARIATES))
        k = int(frame.loc[frame.event == 1, "stop"].nunique())
        row = {"shape": f"{len(frame) / 1000:.0f}k rows, {k:,} event times", "rows": len(frame), "ours": wall,
               "cpu": cpu, "iter": ours.n_iter}
        if ref is not None:
            r_version = " ".join(ref["version"])
            row.update(ref=float(np.median(ref["time"])),
                       dcoef=float(np.max(np.abs(ours.params.to_numpy() - ref["coef"]))),
                       dse=float(np.max(np.abs(ours.bse.to_numpy() / ref["se"] - 1))),
                       dll=float(ours.loglik - ref["loglik"][0]))
        rows.append(row)
        print(row, flush=True)
    lines = ["# Cox, Efron ties, cluster-robust SEs: ours vs R survival::coxph", "", machine_note(load), "",
             f"Programs: {versions('numpy', 'scipy', 'pandas')}; "
             + (f"R {r_version.split()[0]}.{r_version.split()[1]}, survival {r_version.split()[2]}."
                if r_version else "R not available: reference column skipped."), "",
             f"Data: `cox.simulate_spells` (seed 1), six covariates, clusters = subjects; {a.repeats} runs each. "
             "Ours: `fit_cox(frame, covariates, ties='efron', cluster='id')` from the data frame; R: "
             "`coxph(Surv(start, stop, event) ~ ..., ties='efron', cluster=id)`, timed inside R "
             "(`system.time`, data already loaded).", "",
             "| shape | ours wall s | ours CPU s | survival s | ratio ours/survival | max abs coef diff "
             "| max rel SE diff | loglik diff |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ref = (f"{r['ref']:.3f} | {r['ours'] / r['ref']:.2f} | {r['dcoef']:.1e} | {r['dse']:.1e} | {r['dll']:.1e}"
               if "ref" in r else "– | – | – | – | –")
        lines.append(f"| {r['shape']} | {r['ours']:.3f} | {r['cpu']:.3f} | {ref} |")
    lines += ["", "Coefficient differences are survival's stopping point (its rule: relative change in the "
              "log-likelihood < 1e-9); ours stops when the Newton step is below 1e-10 (then takes it)."]
    text = "\n".join(lines) + "\n"
    (RESULTS / "methods_cox.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
