"""Panel GLS with ARMA(1,1) errors by dyad (helpers.methods.gls_arma) against R nlme::gls + corARMA, back to
back on the same simulated panel, REML and ML, at 50k and 265k rows (issue 17's shapes).

    .venv/bin/python benchmarks/methods_gls_arma.py [--repeats 3] [--r-repeats 3] [--rows 50000 265447]

The panel imitates Zeng & Peterson's: 19 years, about 14,000 dyads, 20 % of dyads entering late, 2 % of
dyad-years missing inside the span (gaps, honoured by the correlation), 40 regressors plus year fixed effects
(59 coefficients), errors scaled so that |log-likelihood| is ~5e5 at 265k rows (the regime where a
finite-difference gradient's noise reached the optimiser's tolerance). R comes from Debian via
benchmarks/run_r.sh; nlme is timed inside R (`system.time`, data already loaded). Writes
benchmarks/results/methods_gls_arma.md.
"""
from __future__ import annotations

import argparse
import os

import numpy as np
import pandas as pd

from methods_common import RESULTS, machine_note, run_r, timed, versions
from helpers.methods.gls_arma import gls_arma, simulate_arma_errors

N_REGRESSORS = 40
N_YEARS = 19
ERROR_SD = 2.0


def make_panel(rows: int, seed: int = 1, gap_rate: float = 0.02) -> pd.DataFrame:
    """dyad, year, y, x1..x40: ARMA(1,1) errors (phi 0.4, theta -0.7) by dyad, late entry, interior gaps."""
    rng = np.random.default_rng(seed)
    n_groups = int(np.ceil(rows / (N_YEARS * 0.92)))
    g = np.repeat(np.arange(n_groups), N_YEARS)
    t = np.tile(np.arange(N_YEARS), n_groups)
    X = rng.normal(size=(g.size, N_REGRESSORS))
    e = simulate_arma_errors(n_groups, N_YEARS, phi=[0.4], theta=[-0.7], sigma=ERROR_SD, rng=rng).ravel()
    y = X @ rng.normal(0, 0.02, N_REGRESSORS) + 0.1 * t + e
    entry = np.where(rng.random(n_groups) < 0.2, rng.integers(1, 10, n_groups), 0)[g]
    keep = (t >= entry) & (rng.random(g.size) > gap_rate)
    df = pd.DataFrame(X[keep], columns=[f"x{i + 1}" for i in range(N_REGRESSORS)])
    df.insert(0, "y", y[keep])
    df.insert(0, "year", t[keep] + 1997)
    df.insert(0, "dyad", g[keep] + 1)
    return df.iloc[:rows].reset_index(drop=True)


def fit_ours(df: pd.DataFrame, method: str):
    years = pd.get_dummies(df["year"], prefix="fyear", prefix_sep="", drop_first=True).astype(float)
    d = pd.concat([df, years], axis=1)
    xs = [c for c in d.columns if c.startswith("x") or c.startswith("fyear")]
    return gls_arma(d, "y", xs, "dyad", "year", p=1, q=1, method=method)


R_SCRIPT = r"""
suppressPackageStartupMessages(library(nlme))
a <- commandArgs(TRUE)
d <- read_matrix(a[1]); reps <- as.integer(a[2]); method <- a[3]
xs <- grep("^x", names(d), value = TRUE)
f <- as.formula(paste("y ~", paste(xs, collapse = " + "), "+ factor(year)"))
fit1 <- function() gls(f, data = d, correlation = corARMA(p = 1, q = 1, form = ~ year | dyad), method = method)
times <- numeric(reps)
for (i in seq_len(reps)) times[i] <- system.time(m <- fit1())[["elapsed"]]
emit("time", times)
emit("coef", coef(m))
emit("se", sqrt(diag(vcov(m))))
emit("loglik", as.numeric(logLik(m)))
emit("arma", coef(m$modelStruct$corStruct, unconstrained = FALSE))
cat("version", R.version$major, R.version$minor, as.character(packageVersion("nlme")), "\n")
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--r-repeats", type=int, default=3)
    ap.add_argument("--rows", type=int, nargs="+", default=[50_000, 265_447])
    a = ap.parse_args()
    load = os.getloadavg()
    rows, r_version = [], None
    for n_rows in a.rows:
        df = make_panel(n_rows)
        for method in ("REML", "ML"):
            wall, cpu, ours = timed(lambda: fit_ours(df, method), a.repeats)
            ref = run_r(R_SCRIPT, df, a.r_repeats, method)
            row = {"rows": len(df), "method": method, "ours": wall, "cpu": cpu, "evals": ours.n_evals,
                   "converged": ours.converged, "ll": ours.llf, "k": ours.params.size}
            if ref is not None:
                r_version = ref["version"]
                row.update(ref=float(np.median(ref["time"])),
                           dcoef=float(np.max(np.abs(ours.params.to_numpy() - ref["coef"]) / ref["se"])),
                           dse=float(np.max(np.abs(ours.bse.to_numpy() / ref["se"] - 1))),
                           dll=float(ours.llf - ref["loglik"][0]),
                           darma=float(np.max(np.abs(np.r_[ours.phi, ours.theta] - ref["arma"]))))
            rows.append(row)
            print(row, flush=True)
    lines = ["# GLS with ARMA(1,1) errors by dyad, year FE, gaps: ours vs R nlme::gls", "", machine_note(load), "",
             f"Programs: {versions('numpy', 'scipy', 'pandas')}; "
             + (f"R {r_version[0]}.{r_version[1]}, nlme {r_version[2]}." if r_version else
                "R not available: reference column skipped."), "",
             f"Data: `make_panel` here (19 years, 40 regressors + 18 year dummies + intercept, 2 % interior gaps, "
             f"error SD {ERROR_SD}), `correlation = corARMA(p = 1, q = 1, form = ~ year | dyad)`. Ours: "
             f"`gls_arma(...)` from the data frame, one BLAS thread, median of {a.repeats} runs; nlme: median of "
             f"{a.r_repeats} runs inside R.", "",
             "| rows | method | ours wall s | ours CPU s | nlme s | ratio ours/nlme | likelihood evaluations "
             "| converged | max coef diff / SE | max rel SE diff | loglik diff | max ARMA diff |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ref = (f"{r['ref']:.1f} | {r['ours'] / r['ref']:.3f} | {r['evals']} | {r['converged']} | {r['dcoef']:.1e} | "
               f"{r['dse']:.1e} | {r['dll']:.1e} | {r['darma']:.1e}"
               if "ref" in r else f"– | – | {r['evals']} | {r['converged']} | – | – | – | –")
        lines.append(f"| {r['rows']:,} | {r['method']} | {r['ours']:.2f} | {r['cpu']:.2f} | {ref} |")
    lines += ["", "Likelihood evaluations: each one value (and, for the quasi-Newton search, its exact gradient); "
              "the search stops when max |gradient| <= 1e-4 in nlme's unconstrained ARMA parameters. "
              "Log-likelihoods at the largest size: "
              + ", ".join(f"{r['method']} {r['ll']:,.1f}" for r in rows if r["rows"] == max(x["rows"] for x in rows))
              + "."]
    text = "\n".join(lines) + "\n"
    (RESULTS / "methods_gls_arma.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
