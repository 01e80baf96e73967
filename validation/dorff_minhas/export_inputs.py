"""Write the inputs of the R cross-check: a small seeded counting-process frame with ties, and the
archive's Model 3 frame (Table 2 data). Run: .venv/bin/python validation/dorff_minhas/export_inputs.py"""
import numpy as np
import pandas as pd

from helpers.chapters import dorff_minhas as ch
from helpers.paths import ROOT

OUT = ROOT / "tests" / "methods" / "fixtures"


def small_frame(seed: int = 20240611, n_subjects: int = 120) -> pd.DataFrame:
    """Yearly counting-process rows with heavy ties in event times, two time-varying covariates."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_subjects):
        z = rng.normal()
        grp = int(rng.integers(0, 2))
        entry = int(rng.integers(0, 3))
        for t in range(entry + 1, 16):
            x1 = z + 0.1 * t + rng.normal(scale=0.3)
            h = 0.08 * np.exp(0.6 * x1 - 0.5 * grp)
            ev = int(rng.random() < 1 - np.exp(-h))
            rows.append(dict(id=i, cluster=i % 25, start=t - 1, stop=t, event=ev, x1=x1, x2=grp))
            if ev or rng.random() < 0.03:
                break
    return pd.DataFrame(rows)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    small_frame().to_csv(OUT / "cox_small_input.csv", index=False)
    frame = ch.analysis_frame(ch.defaults())
    cols = ["caseid", "start", "stop", "compliance"] + ch.MODELS["Model 3"]
    frame[cols].dropna().to_csv("/tmp/dorff_minhas_model3.csv", index=False)
    print("wrote", OUT / "cox_small_input.csv", "and /tmp/dorff_minhas_model3.csv")
