"""Compare our Cox fits with the recorded R results (fixture from cox_check.R) on the archive Model 3.
Run: .venv/bin/python validation/dorff_minhas/compare.py  (needs the data mirror)."""
import json

import numpy as np
import pandas as pd

from helpers.chapters import dorff_minhas as ch
from helpers.methods import cox
from helpers.paths import ROOT

ref = json.loads((ROOT / "tests/methods/fixtures/cox_reference.json").read_text())["model3"]
frame = ch.analysis_frame(ch.defaults())
terms = ch.MODELS["Model 3"]
fit = cox.fit_cox(frame, terms, event="compliance")
fitc = cox.fit_cox(frame, terms, event="compliance", cluster="caseid")
zph = cox.cox_zph(fit)
out = pd.DataFrame({
    "coef_python": fit.params.values, "coef_R": ref["coef"],
    "se_python": fit.bse.values, "se_R": ref["se"],
    "cluster_se_python": fitc.bse.values, "cluster_se_R": ref["cluster_se"],
    "zph_chisq_python": zph.table["chisq"].values[:-1], "zph_chisq_R": ref["zph_chisq"][:-1],
}, index=terms)
print(out.to_string(float_format=lambda v: f"{v:.6f}"))
print("max |coef diff|", np.abs(out.coef_python - out.coef_R).max())
print("max |se diff|", np.abs(out.se_python - out.se_R).max())
print("max |cluster se diff|", np.abs(out.cluster_se_python - out.cluster_se_R).max())
print("max rel zph diff", np.abs(out.zph_chisq_python / out.zph_chisq_R - 1).max())
print("LR python", fit.lr_stat, "R", ref["lr"][0])
