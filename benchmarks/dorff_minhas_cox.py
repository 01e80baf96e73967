"""Benchmark: our Cox fit (Efron, counting process) vs lifelines' CoxTimeVaryingFitter on the archive's
Table 2 Model 3 data; also the chapter's heavier steps. Run:
    BOOK_DATA_MIRROR=../shared/data/mirror .venv/bin/python benchmarks/dorff_minhas_cox.py
Timings are wall-clock medians of `repeat` runs on a shared 2-core machine: expect noise. The estimator
against R survival::coxph on simulated data at larger shapes: benchmarks/methods_cox.py."""
import time
import warnings

import numpy as np

from helpers.chapters.dorff_minhas import chapter, pipeline, rebuild
from helpers.chapters.dorff_minhas.settings import EVENT, MODELS
from helpers.methods import cox


def median_time(fn, repeat=5):
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return float(np.median(out))


def main():
    s = chapter.settings()
    frame = pipeline.analysis_frame(s)
    terms = MODELS["Model 3"]
    d = frame[["caseid", "start", "stop", EVENT] + terms].dropna().reset_index(drop=True)
    ours = cox.fit_cox(d, terms, event=EVENT)
    rows = [("helpers.methods.cox.fit_cox, Model 3 (n=%d)" % ours.nobs, median_time(lambda: cox.fit_cox(d, terms, event=EVENT)))]
    try:
        from lifelines import CoxTimeVaryingFitter
        warnings.simplefilter("ignore")
        d2 = d.assign(rowid=np.arange(len(d)))

        def lf():
            m = CoxTimeVaryingFitter()
            m.fit(d2[["rowid", "start", "stop", EVENT] + terms], id_col="rowid", event_col=EVENT,
                  start_col="start", stop_col="stop")
            return m
        m = lf()
        gap = float(np.max(np.abs(m.params_.values - ours.params.values)))
        rows.append((f"lifelines CoxTimeVaryingFitter, same data (max |coef gap| {gap:.1e})", median_time(lf, 3)))
    except ImportError:
        pass
    rows.append(("cox_zph (km), Model 3", median_time(lambda: cox.cox_zph(ours))))
    fits = pipeline.run(s)
    rows.append(("scenario curves, 4 covariates", median_time(lambda: pipeline.scenario_curves(fits), 3)))
    q = chapter.settings(imputed=False, sample_end_year=2009)
    rows.append(("6-fold CV, 3 models, faithful AUC", median_time(lambda: pipeline.cross_validation(q), 1)))
    rows.append(("raw TIES rebuild (networks, SRM, peacesciencer covariates)",
                 median_time(lambda: rebuild.rebuild_from_ties(s), 1)))
    for name, sec in rows:
        print(f"| {name} | {sec:.3f} |")


if __name__ == "__main__":
    main()
